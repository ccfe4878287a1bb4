//! Writing every customer a filter matches to CSV, JSON or NDJSON, streaming page by page so
//! memory stays flat whatever the store's size.

use std::io::Write;
use std::path::Path;

use futures::StreamExt;

use super::csv_rows::{CsvRows, write_csv};
use super::records::{CustomerRecord, with_addresses};
use super::{JobError, Progress, Step};
use crate::domain::Filter;
use crate::store::SharedStore;

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

/// What an export writes: which customers, in which format, with their addresses or not.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExportSpec {
    pub filter: Filter,
    pub format: ExportFormat,
    /// Each customer's addresses too: nested in JSON, counted and the first one in CSV. One
    /// more request per customer.
    pub with_addresses: bool,
}

/// Writes customer records in an export's format (CSV with its header, a JSON array, or a
/// JSON object per line), a page at a time: what `export` and `search` write.
pub struct RecordWriter<'a> {
    out: &'a mut (dyn Write + Send),
    to: &'a Path,
    format: ExportFormat,
    csv: Option<CsvRows>,
    with_addresses: bool,
    written: u64,
}

impl<'a> RecordWriter<'a> {
    /// Starts the output (the CSV header, the JSON array's bracket). CSV needs `csv`, which
    /// knows the group names.
    pub fn begin(
        out: &'a mut (dyn Write + Send),
        to: &'a Path,
        format: ExportFormat,
        csv: Option<CsvRows>,
    ) -> Result<RecordWriter<'a>, JobError> {
        let with_addresses = csv.as_ref().is_some_and(|csv| csv.with_addresses());
        let writer = RecordWriter {
            out,
            to,
            format,
            csv: if format == ExportFormat::Csv {
                csv
            } else {
                None
            },
            with_addresses,
            written: 0,
        };
        if let Some(csv) = &writer.csv {
            write_csv(writer.out, [csv.header()]).map_err(writer.failed())?;
        }
        if format == ExportFormat::Json {
            writer.out.write_all(b"[").map_err(writer.failed())?;
        }
        Ok(writer)
    }

    /// Nested addresses in JSON (CSV's `csv` says so for itself).
    pub fn with_addresses(mut self, with_addresses: bool) -> Self {
        self.with_addresses = with_addresses;
        self
    }

    fn failed(&self) -> impl Fn(std::io::Error) -> JobError + use<> {
        let to = self.to.to_owned();
        move |error| JobError::File {
            doing: "cannot write the export to",
            path: to.clone(),
            error,
        }
    }

    pub fn written(&self) -> u64 {
        self.written
    }

    pub fn write(&mut self, records: &[CustomerRecord]) -> Result<(), JobError> {
        let failed = self.failed();
        let mut rows = Vec::new();
        for record in records {
            let customer = &record.customer;
            // With addresses, a record is the customer with its addresses nested.
            let with_addresses = self.with_addresses;
            let json = |out: &mut (dyn Write + Send)| match with_addresses {
                true => serde_json::to_writer(out, record),
                false => serde_json::to_writer(out, customer),
            };
            match (self.format, &self.csv) {
                (ExportFormat::Csv, Some(csv)) => rows.push(csv.row(record)),
                (ExportFormat::Json, _) => {
                    if self.written > 0 {
                        self.out.write_all(b",").map_err(&failed)?;
                    }
                    self.out.write_all(b"\n").map_err(&failed)?;
                    json(self.out).map_err(|error| failed(error.into()))?;
                }
                _ => {
                    json(self.out).map_err(|error| failed(error.into()))?;
                    self.out.write_all(b"\n").map_err(&failed)?;
                }
            }
            self.written += 1;
        }
        write_csv(self.out, rows).map_err(failed)
    }

    /// Ends the output (the JSON array's bracket) and flushes it; returns how many records.
    pub fn finish(self) -> Result<u64, JobError> {
        let failed = self.failed();
        if self.format == ExportFormat::Json {
            self.out
                .write_all(if self.written > 0 { b"\n]\n" } else { b"]\n" })
                .map_err(&failed)?;
        }
        self.out.flush().map_err(failed)?;
        Ok(self.written)
    }
}

/// Writes every matching customer in id order into `out` (named `to` in messages) and returns
/// how many, telling `progress` after each page. Fails, rather than presenting a partial
/// export as whole, if the store's count and what arrived disagree.
pub async fn export(
    store: &SharedStore,
    spec: &ExportSpec,
    out: &mut (dyn Write + Send),
    to: &Path,
    mut progress: impl FnMut(Progress),
) -> Result<u64, JobError> {
    let csv = match spec.format {
        ExportFormat::Csv => Some(CsvRows::new(store, spec.with_addresses).await?),
        _ => None,
    };
    let (expected, pages) = store
        .all_pages(&spec.filter, EXPORT_CONCURRENCY)
        .await
        .map_err(JobError::store("cannot count the customers to export"))?;
    let mut pages = std::pin::pin!(pages);
    let mut writer =
        RecordWriter::begin(out, to, spec.format, csv)?.with_addresses(spec.with_addresses);
    let mut last_id = 0i64;
    while let Some(page) = pages.next().await {
        let written = writer.written();
        let page = page.map_err(JobError::store(format!(
            "the export stopped after {written} of {expected} customers"
        )))?;
        for customer in &page {
            if customer.id <= last_id {
                return Err(JobError::StoreChanged(format!(
                    "customer {} came twice or out of order; the output is incomplete",
                    customer.id
                )));
            }
            last_id = customer.id;
        }
        let records = if spec.with_addresses {
            with_addresses(store, page)
                .await
                .map_err(JobError::store("cannot read the customers' addresses"))?
        } else {
            CustomerRecord::without_addresses(page)
        };
        writer.write(&records)?;
        progress(Progress {
            step: Step::Exporting,
            done: writer.written(),
            total: expected,
        });
    }
    let written = writer.finish()?;
    if written != expected {
        return Err(JobError::StoreChanged(format!(
            "it counted {expected} customers but {written} arrived; the output is incomplete"
        )));
    }
    Ok(written)
}

/// Where an export goes. A regular file (or nothing) at the path is replaced only when the
/// export is whole: the data goes to a private temporary file beside it, renamed over it at
/// the end and removed on any failure (or when dropped, as on an interrupt). Anything else —
/// a FIFO, a device, a link such as /dev/stdout — is written straight through and never
/// replaced.
enum Destination {
    Through(std::io::BufWriter<std::fs::File>),
    Beside(std::io::BufWriter<tempfile::NamedTempFile>),
}

impl Destination {
    fn open(path: &Path) -> Result<Destination, JobError> {
        match std::fs::symlink_metadata(path) {
            Ok(found) if found.is_dir() => Err(JobError::Refused(format!(
                "{} is a folder; name a file",
                path.display()
            ))),
            Ok(found) if !found.file_type().is_file() => {
                let file = std::fs::File::options()
                    .write(true)
                    .open(path)
                    .map_err(JobError::file("cannot open", path))?;
                Ok(Destination::Through(std::io::BufWriter::new(file)))
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
                // Unique in the same folder (so the rename cannot cross file systems),
                // created 0600, and removed when dropped unless persisted.
                let partial = tempfile::Builder::new()
                    .prefix(&format!(".{name}."))
                    .suffix(".partial")
                    .tempfile_in(folder)
                    .map_err(JobError::file("cannot create the export in", folder))?;
                Ok(Destination::Beside(std::io::BufWriter::new(partial)))
            }
        }
    }

    fn out(&mut self) -> &mut (dyn Write + Send) {
        match self {
            Destination::Through(out) => out,
            Destination::Beside(out) => out,
        }
    }

    /// The export is whole: flushed, or renamed over the path.
    fn keep(self, path: &Path) -> Result<(), JobError> {
        let write_error = JobError::file("cannot write the export to", path);
        match self {
            Destination::Through(mut out) => out.flush().map_err(write_error),
            Destination::Beside(out) => {
                let partial = out
                    .into_inner()
                    .map_err(|error| write_error(error.into_error()))?;
                partial
                    .as_file()
                    .sync_all()
                    .map_err(JobError::file("cannot write the export to", path))?;
                partial.persist(path).map_err(|error| {
                    JobError::file("cannot write the export to", path)(error.error)
                })?;
                Ok(())
            }
        }
    }
}

/// Exports into `path`, whole or not at all (see `Destination`).
pub async fn export_to_file(
    store: &SharedStore,
    spec: &ExportSpec,
    path: &Path,
    progress: impl FnMut(Progress),
) -> Result<u64, JobError> {
    let mut destination = Destination::open(path)?;
    let written = export(store, spec, destination.out(), path, progress).await?;
    destination.keep(path)?;
    Ok(written)
}

/// Writes these customers, in id order, into `path` (whole or not at all, as
/// `export_to_file`); those gone from the store since are left out.
pub async fn export_ids_to_file(
    store: &SharedStore,
    ids: &[i64],
    format: ExportFormat,
    path: &Path,
    mut progress: impl FnMut(Progress),
) -> Result<u64, JobError> {
    let mut destination = Destination::open(path)?;
    let csv = match format {
        ExportFormat::Csv => Some(CsvRows::new(store, false).await?),
        _ => None,
    };
    let mut writer = RecordWriter::begin(destination.out(), path, format, csv)?;
    let total = ids.len() as u64;
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    for chunk in sorted.chunks(crate::store::MAX_PAGE_SIZE as usize) {
        let customers = store
            .read_many(chunk)
            .await
            .map_err(JobError::store("cannot read the customers to export"))?;
        writer.write(&CustomerRecord::without_addresses(customers))?;
        progress(Progress {
            step: Step::Exporting,
            done: writer.written(),
            total,
        });
    }
    let written = writer.finish()?;
    destination.keep(path)?;
    Ok(written)
}

/// Writes every customer a search of the local index finds, in its order, into `path`
/// (whole or not at all, as `export_to_file`), with the group names given.
pub fn write_found_to_file(
    index: &crate::index::LocalIndex,
    query: &crate::index::IndexQuery,
    format: ExportFormat,
    group_names: std::collections::HashMap<i64, String>,
    path: &Path,
) -> Result<u64, JobError> {
    let mut destination = Destination::open(path)?;
    let csv = CsvRows::with_names(group_names, false);
    let mut writer = RecordWriter::begin(destination.out(), path, format, Some(csv))?;
    index.each(query, None, |customers| -> Result<(), JobError> {
        writer.write(&CustomerRecord::without_addresses(customers))
    })?;
    let written = writer.finish()?;
    destination.keep(path)?;
    Ok(written)
}

impl ExportFormat {
    /// "CSV", for people.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Csv => "CSV",
            ExportFormat::Json => "JSON",
            ExportFormat::Ndjson => "NDJSON",
        }
    }

    /// What a file name gives, said: "CSV", or "CSV (the name ends in none of .csv, .json,
    /// .ndjson)".
    pub fn said_for(path: &Path) -> String {
        let format = ExportFormat::for_path(path);
        let named = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .is_some_and(|e| matches!(e.as_str(), "csv" | "json" | "ndjson" | "jsonl"));
        if named {
            format.name().to_owned()
        } else {
            format!(
                "{} (the name ends in none of .csv, .json, .ndjson)",
                format.name()
            )
        }
    }

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
