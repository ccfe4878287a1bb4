//! Writing every customer a filter matches to CSV, JSON or NDJSON, streaming page by page so
//! memory stays flat whatever the store's size.

use std::io::Write;
use std::path::Path;

use color_eyre::eyre::{Result, WrapErr, eyre};
use futures::StreamExt;

use crate::api::{Client, Customer, Filter};

/// Pages fetched at once: enough to hide a distant store's latency, few enough to stay well
/// inside the rate limit's burst.
pub const EXPORT_CONCURRENCY: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ExportFormat {
    #[default]
    Csv,
    Json,
    Ndjson,
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 16] = [
    "id",
    "first_name",
    "last_name",
    "email",
    "company",
    "phone",
    "store_credit",
    "customer_group_id",
    "registration_ip_address",
    "notes",
    "tax_exempt_category",
    "date_created",
    "date_modified",
    "reset_pass_on_login",
    "accepts_marketing",
    "form_fields",
];

/// Writes every matching customer in id order and returns how many. `progress` hears
/// (written, expected) after each page. Fails, rather than presenting a partial export as
/// whole, if the store's count and what arrived disagree.
pub async fn export(
    client: &Client,
    filter: &Filter,
    format: ExportFormat,
    out: &mut (dyn Write + Send),
    mut progress: impl FnMut(u64, u64),
) -> Result<u64> {
    let (expected, pages) = client
        .all_pages(filter, EXPORT_CONCURRENCY)
        .await
        .wrap_err("cannot count the customers to export")?;
    let mut pages = std::pin::pin!(pages);
    if format == ExportFormat::Csv {
        write_csv(out, [CSV_COLUMNS.map(str::to_owned).to_vec()])?;
    }
    if format == ExportFormat::Json {
        out.write_all(b"[").wrap_err("cannot write the export")?;
    }
    let mut written = 0u64;
    let mut last_id = 0i64;
    while let Some(page) = pages.next().await {
        let page = page.wrap_err_with(|| {
            format!("the export stopped after {written} of {expected} customers")
        })?;
        let mut rows = Vec::new();
        for customer in &page {
            if customer.id <= last_id {
                return Err(eyre!(
                    "the store changed during the export (customer {} came twice or out of order); the output is incomplete",
                    customer.id
                ));
            }
            last_id = customer.id;
            match format {
                ExportFormat::Csv => rows.push(csv_row(customer)),
                ExportFormat::Json => {
                    if written > 0 {
                        out.write_all(b",").wrap_err("cannot write the export")?;
                    }
                    out.write_all(b"\n").wrap_err("cannot write the export")?;
                    serde_json::to_writer(&mut *out, customer)
                        .wrap_err("cannot write the export")?;
                }
                ExportFormat::Ndjson => {
                    serde_json::to_writer(&mut *out, customer)
                        .wrap_err("cannot write the export")?;
                    out.write_all(b"\n").wrap_err("cannot write the export")?;
                }
            }
            written += 1;
        }
        write_csv(out, rows)?;
        progress(written, expected);
    }
    if format == ExportFormat::Json {
        out.write_all(if written > 0 { b"\n]\n" } else { b"]\n" })
            .wrap_err("cannot write the export")?;
    }
    out.flush().wrap_err("cannot write the export")?;
    if written != expected {
        return Err(eyre!(
            "the store changed during the export: it counted {expected} customers but {written} arrived; the output is incomplete"
        ));
    }
    Ok(written)
}

/// Exports into `path`, which appears only when the export is whole: the data goes to a
/// `.partial` file beside it, renamed at the end and removed on failure.
pub async fn export_to_file(
    client: &Client,
    filter: &Filter,
    format: ExportFormat,
    path: &Path,
    progress: impl FnMut(u64, u64),
) -> Result<u64> {
    if path.is_dir() {
        return Err(eyre!("{} is a folder; name a file", path.display()));
    }
    let partial = path.with_extension("partial");
    let file = std::fs::File::create(&partial)
        .wrap_err_with(|| format!("cannot create {}", partial.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let result = export(client, filter, format, &mut out, progress).await;
    let flushed = out
        .flush()
        .wrap_err_with(|| format!("cannot write {}", path.display()));
    match result.and_then(|written| flushed.map(|()| written)) {
        Ok(written) => {
            std::fs::rename(&partial, path)
                .wrap_err_with(|| format!("cannot write {}", path.display()))?;
            Ok(written)
        }
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            Err(error)
        }
    }
}

impl ExportFormat {
    /// The format a file name asks for: `.json`, `.ndjson`/`.jsonl`, else CSV.
    pub fn for_path(path: &Path) -> ExportFormat {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("json") => ExportFormat::Json,
            Some("ndjson" | "jsonl") => ExportFormat::Ndjson,
            _ => ExportFormat::Csv,
        }
    }
}

fn write_csv(
    out: &mut (dyn Write + Send),
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<()> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(&row)
            .wrap_err("cannot write a CSV row")?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| eyre!("cannot write CSV: {error}"))?;
    out.write_all(&bytes).wrap_err("cannot write the export")
}

fn csv_row(customer: &Customer) -> Vec<String> {
    let form_fields = customer
        .form_fields
        .as_ref()
        .map(|fields| serde_json::to_string(fields).unwrap_or_default())
        .unwrap_or_default();
    let mut row = vec![customer.id.to_string()];
    row.extend(customer.writable_texts());
    row.extend([
        customer.date_created.clone(),
        customer.date_modified.clone(),
        customer.reset_pass_on_login.to_string(),
        customer.accepts_marketing.to_string(),
        form_fields,
    ]);
    row
}
