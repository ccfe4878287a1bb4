//! Writing every customer a filter matches to CSV, JSON or NDJSON, streaming page by page so
//! memory stays flat whatever the store's size.

use std::io::Write;
use std::path::Path;

use futures::StreamExt;

use super::{JobError, Progress, Step};
use crate::api::{Client, Customer, Filter};

/// How standard output is named where a file's path would be.
pub const STANDARD_OUTPUT: &str = "(standard output)";

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

/// Writes every matching customer in id order into `out` (named `to` in messages) and returns
/// how many, telling `progress` after each page. Fails, rather than presenting a partial
/// export as whole, if the store's count and what arrived disagree.
pub async fn export(
    client: &Client,
    filter: &Filter,
    format: ExportFormat,
    out: &mut (dyn Write + Send),
    to: &Path,
    mut progress: impl FnMut(Progress),
) -> Result<u64, JobError> {
    let (expected, pages) = client
        .all_pages(filter, EXPORT_CONCURRENCY)
        .await
        .map_err(JobError::store("cannot count the customers to export"))?;
    let failed = |error| JobError::File {
        doing: "cannot write the export to",
        path: to.to_owned(),
        error,
    };
    let mut pages = std::pin::pin!(pages);
    if format == ExportFormat::Csv {
        write_csv(out, [CSV_COLUMNS.map(str::to_owned).to_vec()]).map_err(failed)?;
    }
    if format == ExportFormat::Json {
        out.write_all(b"[").map_err(failed)?;
    }
    let mut written = 0u64;
    let mut last_id = 0i64;
    while let Some(page) = pages.next().await {
        let page = page.map_err(JobError::store(format!(
            "the export stopped after {written} of {expected} customers"
        )))?;
        let mut rows = Vec::new();
        for customer in &page {
            if customer.id <= last_id {
                return Err(JobError::Stopped(format!(
                    "the store changed during the export (customer {} came twice or out of order); the output is incomplete",
                    customer.id
                )));
            }
            last_id = customer.id;
            match format {
                ExportFormat::Csv => rows.push(csv_row(customer)),
                ExportFormat::Json => {
                    if written > 0 {
                        out.write_all(b",").map_err(failed)?;
                    }
                    out.write_all(b"\n").map_err(failed)?;
                    serde_json::to_writer(&mut *out, customer)
                        .map_err(|error| failed(error.into()))?;
                }
                ExportFormat::Ndjson => {
                    serde_json::to_writer(&mut *out, customer)
                        .map_err(|error| failed(error.into()))?;
                    out.write_all(b"\n").map_err(failed)?;
                }
            }
            written += 1;
        }
        write_csv(out, rows).map_err(failed)?;
        progress(Progress {
            step: Step::Exporting,
            done: written,
            total: expected,
        });
    }
    if format == ExportFormat::Json {
        out.write_all(if written > 0 { b"\n]\n" } else { b"]\n" })
            .map_err(failed)?;
    }
    out.flush().map_err(failed)?;
    if written != expected {
        return Err(JobError::Stopped(format!(
            "the store changed during the export: it counted {expected} customers but {written} arrived; the output is incomplete"
        )));
    }
    Ok(written)
}

/// Exports into `path`. A regular file (or nothing) there is replaced only when the export
/// is whole: the data goes to a private temporary file beside it, renamed over it at the end
/// and removed on any failure (or when the export is dropped, as on an interrupt). Anything
/// else — a FIFO, a device, a link such as /dev/stdout — is written straight through and
/// never replaced.
pub async fn export_to_file(
    client: &Client,
    filter: &Filter,
    format: ExportFormat,
    path: &Path,
    progress: impl FnMut(Progress),
) -> Result<u64, JobError> {
    let write_error = JobError::file("cannot write the export to", path);
    match std::fs::symlink_metadata(path) {
        Ok(found) if found.is_dir() => Err(JobError::Stopped(format!(
            "{} is a folder; name a file",
            path.display()
        ))),
        Ok(found) if !found.file_type().is_file() => {
            let file = std::fs::File::options()
                .write(true)
                .open(path)
                .map_err(JobError::file("cannot open", path))?;
            let mut out = std::io::BufWriter::new(file);
            let written = export(client, filter, format, &mut out, path, progress).await?;
            out.flush().map_err(write_error)?;
            Ok(written)
        }
        _ => {
            let folder = match path.parent() {
                Some(folder) if !folder.as_os_str().is_empty() => folder,
                _ => Path::new("."),
            };
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_else(|| "export".to_owned());
            // Unique in the same folder (so the rename cannot cross file systems), created
            // 0600, and removed when dropped unless persisted.
            let partial = tempfile::Builder::new()
                .prefix(&format!(".{name}."))
                .suffix(".partial")
                .tempfile_in(folder)
                .map_err(JobError::file("cannot create the export in", folder))?;
            let mut out = std::io::BufWriter::new(partial);
            let written = export(client, filter, format, &mut out, path, progress).await?;
            let partial = out
                .into_inner()
                .map_err(|error| write_error(error.into_error()))?;
            partial
                .as_file()
                .sync_all()
                .map_err(JobError::file("cannot write the export to", path))?;
            partial
                .persist(path)
                .map_err(|error| JobError::file("cannot write the export to", path)(error.error))?;
            Ok(written)
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
) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.write_record(&row)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| std::io::Error::other(error.to_string()))?;
    out.write_all(&bytes)
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
