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
                "warning: the index could not be brought up to date ({error:#}); results as of {} ago",
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
            let mut found = 0u64;
            writeln!(
                out,
                "{:>8}  {:<28}  {:<36}  {:<24}  {:<16}  {:>12}  Group",
                "ID", "Name", "Email", "Company", "Phone", "Store credit"
            )?;
            index.each(
                &query,
                args.limit,
                |customers: Vec<Customer>| -> Result<()> {
                    for customer in customers {
                        found += 1;
                        writeln!(
                            out,
                            "{:>8}  {:<28}  {:<36}  {:<24}  {:<16}  {:>12}  {}",
                            customer.id,
                            sanitize(&customer.full_name()),
                            sanitize(&customer.email),
                            sanitize(&customer.company),
                            sanitize(&customer.phone),
                            money(customer.store_credit),
                            names
                                .get(&customer.customer_group_id)
                                .map(|name| sanitize(name).into_owned())
                                .unwrap_or_default()
                        )?;
                    }
                    Ok(())
                },
            )?;
            writeln!(out, "{}", crate::format::customers(found))?;
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
