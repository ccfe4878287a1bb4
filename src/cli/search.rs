//! `bc-customers search TEXT`: the customers whose names, email, company, phone or notes hold
//! every word, from the local index (brought up to date first), as a table or in the
//! export's formats and columns.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use clap::{Args, ValueEnum};
use color_eyre::eyre::{Result, WrapErr, eyre};

use super::filters::FilterArgs;
use super::index::{store_index, sync_with_bar};
use super::store::StoreArgs;
use crate::domain::Customer;
use crate::format::{money, thousands};
use crate::index::{IndexQuery, Sort, SortColumn};
use crate::jobs::csv_rows::CsvRows;
use crate::jobs::export::{ExportFormat, RecordWriter, STANDARD_OUTPUT};
use crate::jobs::records::CustomerRecord;
use crate::sanitize::sanitize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum SearchFormat {
    /// Columns for people.
    #[default]
    Table,
    /// The export's formats and columns.
    Csv,
    Json,
    Ndjson,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words that must all appear, in any order, in a name, the email, the company, the phone
    /// or the notes (parts of words too; case and accents do not matter). None: everyone.
    #[arg(value_name = "TEXT")]
    text: Vec<String>,
    /// The store's filters narrow what is found, as they narrow `count` and `export`.
    #[command(flatten)]
    filter: FilterArgs,
    #[arg(long, value_enum, default_value_t = SearchFormat::Table, help_heading = "Output")]
    format: SearchFormat,
    /// The order of the results.
    #[arg(long, value_enum, default_value_t = SortColumn::Id, help_heading = "Output")]
    sort: SortColumn,
    /// Largest first (with --sort).
    #[arg(long, help_heading = "Output")]
    descending: bool,
    /// At most this many results.
    #[arg(long, value_name = "N", help_heading = "Output")]
    limit: Option<u64>,
    /// Answer from the index as it is, sending nothing to the store.
    #[arg(long)]
    no_sync: bool,
}

pub fn run(args: SearchArgs, store_args: &StoreArgs) -> Result<()> {
    args.filter.to_filter()?;
    let (backend, store) = store_args.store()?;
    let runtime = super::runtime()?;
    let filter = runtime.block_on(args.filter.on(&backend))?;
    let found = runtime.block_on(store_index(&backend, &store))?;
    let index = found.open()?;
    if args.no_sync {
        if index.status()?.synced_at.is_none() {
            return Err(eyre!(
                "the index of store '{}' has never been synced: run `bc-customers index sync`",
                store.name
            ));
        }
    } else if let Some(error) = &found.unreachable {
        match index.status()?.synced_at {
            Some(at) => tell!(
                "warning: the store cannot be reached ({error}); results as of {} ago",
                crate::format::ago(crate::dates::now_unix() - at)
            ),
            None => {
                return Err(color_eyre::Report::new(error.clone()))
                    .wrap_err("the index has never been synced and the store cannot be reached");
            }
        }
    } else if let Err(error) = runtime.block_on(sync_with_bar(&backend, &index)) {
        match index.status()?.synced_at {
            Some(at) => tell!(
                "warning: the index could not be brought up to date ({}); results as of {} ago",
                super::said_once(&error),
                crate::format::ago(crate::dates::now_unix() - at)
            ),
            None => return Err(error),
        }
    }
    let query = IndexQuery {
        text: args.text.join(" "),
        facet: None,
        filter,
        sort: Sort {
            column: args.sort,
            descending: args.descending,
        },
    };
    let mut out = std::io::BufWriter::new(std::io::stdout());
    match args.format {
        SearchFormat::Table => {
            let names: HashMap<i64, String> = index.group_names()?.into_iter().collect();
            let mut table = Table::default();
            index.each(
                &query,
                args.limit,
                |customers: Vec<Customer>| -> Result<()> {
                    for customer in customers {
                        let group = match customer.customer_group_id {
                            0 => "none".to_owned(),
                            id => names.get(&id).map_or_else(
                                || format!("#{id}"),
                                |name| sanitize(name).into_owned(),
                            ),
                        };
                        table.row(
                            &mut out,
                            [
                                customer.id.to_string(),
                                sanitize(&customer.full_name()).into_owned(),
                                sanitize(&customer.email).into_owned(),
                                sanitize(&customer.company).into_owned(),
                                sanitize(&customer.phone).into_owned(),
                                money(customer.store_credit),
                                group,
                            ],
                        )?;
                    }
                    Ok(())
                },
            )?;
            table.finish(&mut out)?;
            writeln!(out, "{}", crate::format::customers(table.rows))?;
        }
        format => {
            let format = match format {
                SearchFormat::Json => ExportFormat::Json,
                SearchFormat::Ndjson => ExportFormat::Ndjson,
                _ => ExportFormat::Csv,
            };
            let names = index.group_names()?.into_iter().collect();
            let csv = CsvRows::with_names(names, false);
            let mut writer =
                RecordWriter::begin(&mut out, Path::new(STANDARD_OUTPUT), format, Some(csv))?;
            index.each(
                &query,
                args.limit,
                |customers: Vec<Customer>| -> Result<()> {
                    Ok(writer.write(&CustomerRecord::without_addresses(customers))?)
                },
            )?;
            let written = writer.finish()?;
            tracing::debug!("search wrote {} customers", thousands(written));
        }
    }
    out.flush().wrap_err("cannot write to standard output")?;
    Ok(())
}

/// The table for people: columns as wide as their widest value among the first rows (the
/// rest follow those widths), numbers to the right.
#[derive(Default)]
struct Table {
    held: Vec<[String; 7]>,
    widths: Option<[usize; 7]>,
    rows: u64,
}

impl Table {
    const TITLES: [&'static str; 7] = [
        "ID",
        "Name",
        "Email",
        "Company",
        "Phone",
        "Store credit",
        "Group",
    ];
    /// Rows read before the widths are fixed and the table starts.
    const MEASURED: usize = 1_000;

    fn row(&mut self, out: &mut impl Write, cells: [String; 7]) -> Result<()> {
        self.rows += 1;
        match self.widths {
            Some(widths) => write_row(out, &widths, &cells),
            None => {
                self.held.push(cells);
                if self.held.len() >= Self::MEASURED {
                    self.start(out)?;
                }
                Ok(())
            }
        }
    }

    fn start(&mut self, out: &mut impl Write) -> Result<()> {
        let mut widths = Self::TITLES.map(width_of);
        for cells in &self.held {
            for (width, cell) in widths.iter_mut().zip(cells) {
                *width = (*width).max(width_of(cell));
            }
        }
        write_row(out, &widths, &Self::TITLES.map(str::to_owned))?;
        for cells in std::mem::take(&mut self.held) {
            write_row(out, &widths, &cells)?;
        }
        self.widths = Some(widths);
        Ok(())
    }

    fn finish(&mut self, out: &mut impl Write) -> Result<()> {
        if self.widths.is_none() {
            self.start(out)?;
        }
        Ok(())
    }
}

fn write_row(out: &mut impl Write, widths: &[usize; 7], cells: &[String; 7]) -> Result<()> {
    let mut line = String::new();
    for (at, (cell, width)) in cells.iter().zip(widths).enumerate() {
        let padding = width.saturating_sub(width_of(cell));
        // The id and the amount to the right; the last column unpadded.
        match at {
            0 | 5 => line.push_str(&format!("{}{cell}", " ".repeat(padding))),
            6 => line.push_str(cell),
            _ => line.push_str(&format!("{cell}{}", " ".repeat(padding))),
        }
        if at < 6 {
            line.push_str("  ");
        }
    }
    writeln!(out, "{}", line.trim_end())?;
    Ok(())
}

/// How many columns a text takes on a terminal.
fn width_of(text: &str) -> usize {
    ratatui::text::Span::raw(text).width()
}
