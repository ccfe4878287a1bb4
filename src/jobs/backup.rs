//! Backups: before customers are deleted or changed, each is written as it is on the store now
//! (with its addresses) as one JSON line, after a first line naming the store and the change
//! set. Reading a backup back, checked line by line, lives here too; backups written before
//! stores were known by identity have no first line and still read.

use std::collections::BTreeSet;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use futures::StreamExt;
use serde::{Deserialize, Serialize};

use super::records::CustomerRecord;
use super::{Cancel, JobError, Progress, Step};
use crate::ledger::Kind;
use crate::store::{SharedStore, StoreIdentity};

/// The first line of a backup: whose customers these are, and which change set took them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupHeader {
    pub backup_of: StoreIdentity,
    pub change_set: u64,
    pub kind: Kind,
    pub taken: String,
    /// Whether each customer's addresses were read too: a delete's backup holds them (undo
    /// creates them again), an edit's need not (it changes no address), and costs a page of
    /// requests rather than one per customer.
    #[serde(default = "addresses_kept")]
    pub with_addresses: bool,
}

fn addresses_kept() -> bool {
    true
}

/// Where a change set's backup goes: the store's backup folder, named by the set, its kind
/// and the time, so that two backups never share a name.
pub fn backup_path(
    folder: &Path,
    set: u64,
    kind: Kind,
    at: chrono::DateTime<chrono::Local>,
) -> PathBuf {
    let kind = match kind {
        Kind::BulkEdit => "bulk-edit",
        Kind::Edit => "edit",
        Kind::Create => "create",
        Kind::Restore => "restore",
        Kind::Delete => "delete",
        Kind::Undo => "undo",
        Kind::Address => "address",
        Kind::Group => "group",
    };
    folder.join(format!("{}-{set}-{kind}.jsonl", at.format("%Y%m%d-%H%M%S")))
}

/// What a backup holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackedUp {
    /// The customers written to the file, in id order: the only ones to change.
    pub ids: Vec<i64>,
    /// Customers the store no longer had.
    pub already_gone: u64,
}

/// Customers read by id a request at a time, as the store takes them.
const READ_CHUNK: usize = 250;

/// Writes these customers, as the store has them now and with their addresses, to `path`
/// after its header. Progress is told customer by customer and a cancel is taken between
/// requests; whatever stops it removes the unfinished file: nothing is changed without a
/// whole backup.
pub async fn back_up(
    store: &SharedStore,
    ids: &[i64],
    path: &Path,
    header: &BackupHeader,
    cancel: &Cancel,
    mut progress: impl FnMut(Progress),
) -> Result<BackedUp, JobError> {
    if let Some(folder) = path.parent() {
        crate::paths::create_private_folder(folder)
            .map_err(JobError::file("cannot create the backup folder", folder))?;
    }
    // Never over an earlier backup: that one may be the only copy of other customers.
    let file = crate::paths::create_private_file(path, true)
        .map_err(JobError::file("cannot create the backup", path))?;
    // The file is this backup's own from here: whatever stops it removes it.
    let written = write_backup(store, ids, file, path, header, cancel, &mut progress).await;
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

async fn write_backup(
    store: &SharedStore,
    ids: &[i64],
    file: std::fs::File,
    path: &Path,
    header: &BackupHeader,
    cancel: &Cancel,
    progress: &mut impl FnMut(Progress),
) -> Result<BackedUp, JobError> {
    let mut out = std::io::BufWriter::new(file);
    let mut write = |line: std::io::Result<Vec<u8>>| -> Result<(), JobError> {
        line.and_then(|line| out.write_all(&line))
            .and_then(|()| out.write_all(b"\n"))
            .map_err(JobError::file("cannot write the backup", path))
    };
    write(json_line(header))?;
    let total = ids.len() as u64;
    let mut backed_up = BackedUp::default();
    let mut seen = 0;
    progress(Progress {
        step: Step::BackingUp,
        done: 0,
        total,
    });
    let mut wanted: Vec<i64> = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    for chunk in wanted.chunks(READ_CHUNK) {
        if cancel.is_cancelled() {
            return Err(JobError::Cancelled {
                doing: "backing up",
            });
        }
        let customers = store.read_many(chunk).await.map_err(JobError::store(
            "cannot read the customers to back up; nothing was changed",
        ))?;
        let found: BTreeSet<i64> = customers.iter().map(|c| c.id).collect();
        backed_up.already_gone += chunk.iter().filter(|id| !found.contains(id)).count() as u64;
        seen += (chunk.len() - found.len()) as u64;
        let mut records: std::pin::Pin<
            Box<dyn futures::Stream<Item = Result<CustomerRecord, crate::store::ApiError>> + Send>,
        > = if header.with_addresses {
            Box::pin(super::records::addresses_of(store, customers))
        } else {
            Box::pin(futures::stream::iter(
                CustomerRecord::without_addresses(customers)
                    .into_iter()
                    .map(Ok),
            ))
        };
        while let Some(record) = records.next().await {
            let record = record.map_err(JobError::store(
                "cannot read the customers' addresses to back up; nothing was changed",
            ))?;
            if cancel.is_cancelled() {
                return Err(JobError::Cancelled {
                    doing: "backing up",
                });
            }
            write(json_line(&record))?;
            backed_up.ids.push(record.customer.id);
            seen += 1;
            progress(Progress {
                step: Step::BackingUp,
                done: seen,
                total,
            });
        }
    }
    out.flush()
        .and_then(|()| out.get_ref().sync_all())
        .map_err(JobError::file("cannot write the backup", path))?;
    backed_up.ids.sort_unstable();
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

/// The header of a backup, when it has one (backups written before stores were known by
/// identity do not).
pub fn backup_header(path: &Path) -> Result<Option<BackupHeader>, JobError> {
    let file = std::fs::File::open(path).map_err(JobError::file("cannot open the backup", path))?;
    let mut first = Vec::new();
    std::io::BufReader::new(file)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut first)
        .map_err(JobError::file("cannot read the backup", path))?;
    Ok(serde_json::from_slice(&first).ok())
}

/// The customers of a backup as it is read (only those in `only`, when given), each line
/// checked and none longer than `MAX_LINE`; the header is passed over.
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
                    return Some(Err(JobError::Backup {
                        path: path.clone(),
                        line: number,
                        why: format!(
                            "longer than {} MiB: not a backup written by bc-customers",
                            MAX_LINE >> 20
                        ),
                    }));
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
            if number == 1 && serde_json::from_slice::<BackupHeader>(&line).is_ok() {
                continue;
            }
            let record = match serde_json::from_slice::<CustomerRecord>(&line) {
                Ok(record) => record,
                Err(error) => {
                    failed = true;
                    return Some(Err(JobError::Backup {
                        path: path.clone(),
                        line: number,
                        why: format!("not a customer: {error}"),
                    }));
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

/// One line of a backup, as JSON.
fn json_line(value: &impl serde::Serialize) -> std::io::Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(std::io::Error::from)
}
