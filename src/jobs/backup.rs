//! Backups: every customer about to be deleted is first written as one JSON line to a backup
//! file; only the customers in that backup are then deleted (by id), so a customer created or
//! changed to match afterwards is never caught. Reading a backup back, checked line by line,
//! lives here too.

use std::collections::BTreeSet;
use std::io::{BufRead, Read, Write};
use std::path::Path;

use futures::StreamExt;

use super::records::{CustomerRecord, with_addresses};
use super::{CONCURRENCY, Cancel, JobError, Progress, Step};
use crate::domain::Filter;
use crate::store::ApiError;
use crate::store::SharedStore;

/// Which customers a delete is about.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // one per delete
pub enum Selection {
    /// These customers, by id (marked one by one).
    Ids(Vec<i64>),
    /// Every customer the filter matches when the backup is taken, but these.
    Matching { filter: Filter, except: Vec<i64> },
    /// Every customer a search of the local index finds, but these: the worker turns it into
    /// the ids the index holds before any job starts.
    Found {
        query: crate::index::IndexQuery,
        except: Vec<i64>,
    },
}

/// Said when a search's selection reaches a job unresolved.
pub(crate) const UNRESOLVED_SEARCH: &str =
    "the customers a search found must be read from the local index first; nothing was changed";

/// The store's name as it appears in file names.
pub fn file_safe(store: &str) -> String {
    store
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The file name of a backup taken now: time and store.
pub fn backup_file_name(store: &str, at: chrono::DateTime<chrono::Local>) -> String {
    // Milliseconds too: two deletes within a second must not share (and overwrite) a backup.
    format!(
        "{}-{}.jsonl",
        at.format("%Y%m%d-%H%M%S%.3f"),
        file_safe(store)
    )
}

/// What a backup holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackedUp {
    /// The customers written to the file, in id order: the only ones to delete.
    pub ids: Vec<i64>,
    /// Marked customers the store no longer had.
    pub already_gone: u64,
}

/// Writes every customer the filter matches to `path`, one JSON object a line, and returns
/// their ids. The file is complete when this returns Ok.
pub async fn back_up(
    store: &SharedStore,
    filter: &Filter,
    path: &Path,
) -> Result<Vec<i64>, JobError> {
    let selection = Selection::Matching {
        filter: filter.clone(),
        except: Vec::new(),
    };
    let backed_up = back_up_selection(store, &selection, path, &Cancel::default(), |_| {}).await?;
    Ok(backed_up.ids)
}

const NOTHING_DELETED: &str = "nothing was deleted";

/// Writes the selected customers to `path` as they are on the store now. Cancelling stops it
/// and removes the unfinished file: nothing is deleted without a whole backup.
pub async fn back_up_selection(
    store: &SharedStore,
    selection: &Selection,
    path: &Path,
    cancel: &Cancel,
    mut progress: impl FnMut(Progress),
) -> Result<BackedUp, JobError> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(JobError::file(
            "nothing was deleted: cannot create the backup folder",
            folder,
        ))?;
    }
    // Never over an earlier backup: that one may be the only copy of other customers.
    let file = super::create_private(path, true).map_err(JobError::file(
        "nothing was deleted: cannot create the backup",
        path,
    ))?;
    let mut out = std::io::BufWriter::new(file);
    let mut backed_up = BackedUp::default();
    let mut write = |record: &CustomerRecord| -> Result<(), JobError> {
        let line = serde_json::to_vec(record)
            .map_err(|error| JobError::Stopped(format!("cannot write a backup line: {error}")))?;
        out.write_all(&line)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(JobError::file(
                "nothing was deleted: cannot write the backup",
                path,
            ))
    };
    let mut tell = |done, total| {
        progress(Progress {
            step: Step::BackingUp,
            done,
            total,
        })
    };
    let cancelled = || JobError::Stopped(format!("cancelled while backing up; {NOTHING_DELETED}"));
    let written = match selection {
        Selection::Found { .. } => return Err(JobError::Stopped(UNRESOLVED_SEARCH.to_owned())),
        Selection::Ids(ids) => {
            let total = ids.len() as u64;
            let mut fetched = futures::stream::iter(ids.iter().copied())
                .map(|id| async move {
                    let record = match store.get(id).await {
                        Ok(customer) => with_addresses(store, vec![customer])
                            .await
                            .map(|mut records| records.remove(0)),
                        Err(error) => Err(error),
                    };
                    (id, record)
                })
                .buffered(CONCURRENCY);
            let mut seen = 0;
            let mut outcome = Ok(());
            while let Some((id, result)) = fetched.next().await {
                if cancel.is_cancelled() {
                    outcome = Err(cancelled());
                    break;
                }
                match result {
                    Ok(record) => {
                        if let Err(error) = write(&record) {
                            outcome = Err(error);
                            break;
                        }
                        backed_up.ids.push(record.customer.id);
                    }
                    Err(ApiError::Status { status: 404, .. }) => backed_up.already_gone += 1,
                    Err(error) => {
                        outcome = Err(JobError::Store {
                            doing: format!("cannot back up customer {id}; {NOTHING_DELETED}"),
                            error,
                        });
                        break;
                    }
                }
                seen += 1;
                tell(seen, total);
            }
            outcome
        }
        Selection::Matching { filter, except } => {
            let except: BTreeSet<i64> = except.iter().copied().collect();
            let (expected, pages) =
                store
                    .all_pages(filter, CONCURRENCY)
                    .await
                    .map_err(JobError::store(format!(
                        "cannot count the customers to back up; {NOTHING_DELETED}"
                    )))?;
            let mut pages = std::pin::pin!(pages);
            let mut read = 0;
            let mut outcome = Ok(());
            while let Some(page) = pages.next().await {
                if cancel.is_cancelled() {
                    outcome = Err(cancelled());
                    break;
                }
                let wanted = page.map(|page| {
                    read += page.len() as u64;
                    page.into_iter()
                        .filter(|customer| !except.contains(&customer.id))
                        .collect::<Vec<_>>()
                });
                let records = match wanted {
                    Ok(customers) => with_addresses(store, customers).await,
                    Err(error) => Err(error),
                };
                let records = match records {
                    Ok(records) => records,
                    Err(error) => {
                        outcome = Err(JobError::Store {
                            doing: format!("the backup could not be completed; {NOTHING_DELETED}"),
                            error,
                        });
                        break;
                    }
                };
                for record in records {
                    if let Err(error) = write(&record) {
                        outcome = Err(error);
                        break;
                    }
                    backed_up.ids.push(record.customer.id);
                }
                if outcome.is_err() {
                    break;
                }
                tell(read, expected);
            }
            if outcome.is_ok() && read != expected {
                outcome = Err(JobError::Stopped(format!(
                    "the store changed while it was backed up ({expected} counted, {read} read); {NOTHING_DELETED}"
                )));
            }
            outcome
        }
    };
    let finished = written.and_then(|()| {
        out.flush()
            .and_then(|()| out.get_ref().sync_all())
            .map_err(JobError::file(
                "nothing was deleted: cannot write the backup",
                path,
            ))
    });
    if let Err(error) = finished {
        drop(out);
        let _ = std::fs::remove_file(path);
        return Err(error);
    }
    backed_up.ids.sort_unstable();
    backed_up.ids.dedup();
    Ok(backed_up)
}

/// The longest line a backup may have. A customer is a few KiB even with long notes; a
/// longer "line" is not a backup (a file with no line breaks, such as /dev/zero).
pub const MAX_LINE: usize = 4 << 20;

/// One customer of a backup, with its addresses and the line it was on.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupLine {
    pub number: usize,
    pub record: CustomerRecord,
}

/// The customers of a backup as it is read (only those in `only`, when given), each line
/// checked and none longer than `MAX_LINE`.
pub fn backup_customers(
    path: &Path,
    only: Option<&[i64]>,
) -> Result<impl Iterator<Item = Result<BackupLine, JobError>> + Send + use<>, JobError> {
    let file = std::fs::File::open(path).map_err(JobError::file("cannot open the backup", path))?;
    let only: Option<BTreeSet<i64>> = only.map(|ids| ids.iter().copied().collect());
    let path = path.to_owned();
    let mut reader = std::io::BufReader::new(file);
    let mut number = 0;
    let mut failed = false;
    Ok(std::iter::from_fn(move || {
        loop {
            if failed {
                return None;
            }
            number += 1;
            let mut line = Vec::new();
            // One byte past the limit tells a line that is too long from one that fits.
            let read = (&mut reader)
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut line);
            match read {
                Ok(0) => return None,
                Ok(_) if line.len() > MAX_LINE && !line.ends_with(b"\n") => {
                    failed = true;
                    return Some(Err(JobError::Stopped(format!(
                        "{} line {number} is longer than {} MiB: not a backup written by bc-customers",
                        path.display(),
                        MAX_LINE >> 20
                    ))));
                }
                Ok(_) => {}
                Err(error) => {
                    failed = true;
                    return Some(Err(JobError::file("cannot read the backup", &path)(error)));
                }
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let record = match serde_json::from_slice::<CustomerRecord>(&line) {
                Ok(record) => record,
                Err(error) => {
                    failed = true;
                    return Some(Err(JobError::Stopped(format!(
                        "{} line {number}: not a customer: {error}",
                        path.display()
                    ))));
                }
            };
            if only
                .as_ref()
                .is_some_and(|only| !only.contains(&record.customer.id))
            {
                continue;
            }
            return Some(Ok(BackupLine { number, record }));
        }
    }))
}

/// Every customer in a backup file with its addresses, all in memory (for small backups and
/// tests).
pub fn read_backup(path: &Path) -> Result<Vec<CustomerRecord>, JobError> {
    backup_customers(path, None)?
        .map(|line| line.map(|line| line.record))
        .collect()
}
