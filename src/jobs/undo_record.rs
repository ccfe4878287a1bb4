//! What a delete did, kept beside its backup (`<backup>.deleted`: the ids it deleted), so that
//! undo outlives the session: the app offers the store's last delete unless it was restored.

use std::path::{Path, PathBuf};

use super::JobError;

const DELETED: &str = "deleted";
const RESTORED: &str = "restored";

fn beside(backup: &Path, what: &str) -> PathBuf {
    let mut name = backup.as_os_str().to_owned();
    name.push(format!(".{what}"));
    PathBuf::from(name)
}

/// Notes which customers of the backup a delete removed.
pub fn record(backup: &Path, ids: &[i64]) -> Result<(), JobError> {
    let path = beside(backup, DELETED);
    let text = serde_json::to_string(ids)
        .map_err(|error| JobError::Stopped(format!("cannot write the delete's record: {error}")))?;
    super::create_private(&path, false)
        .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()))
        .map_err(JobError::file("cannot write the undo record", &path))
}

/// The customers a delete removed, as its record beside the backup says.
pub fn deleted_ids(backup: &Path) -> Result<Vec<i64>, JobError> {
    let path = beside(backup, DELETED);
    let text = std::fs::read_to_string(&path).map_err(JobError::file(
        "cannot read what the delete removed (restored already?)",
        &path,
    ))?;
    serde_json::from_str(&text)
        .map_err(|error| JobError::Stopped(format!("{}: {error}", path.display())))
}

/// Notes that a delete was undone whole: it is no longer offered for undo.
pub fn mark_restored(backup: &Path) -> Result<(), JobError> {
    let from = beside(backup, DELETED);
    let to = beside(backup, RESTORED);
    std::fs::rename(&from, &to).map_err(JobError::file("cannot rename the undo record", &from))
}

/// A delete that undo can restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastDelete {
    pub backup: PathBuf,
    /// The customers it deleted (their old ids, as in the backup).
    pub ids: Vec<i64>,
}

/// The store's last delete, when it has not been restored: its backup and the ids it deleted.
pub fn undoable(folder: &Path, store: &str) -> Option<LastDelete> {
    let store = super::backup::file_safe(store);
    let ends = [DELETED, RESTORED].map(|what| format!("-{store}.jsonl.{what}"));
    let newest = std::fs::read_dir(folder)
        .ok()?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| ends.iter().any(|end| name.ends_with(end)))
        })
        // Names start with the time, so the greatest is the last.
        .max()?;
    if newest.extension().and_then(|e| e.to_str()) != Some(DELETED) {
        return None; // the last delete was undone already
    }
    let ids: Vec<i64> = serde_json::from_str(&std::fs::read_to_string(&newest).ok()?).ok()?;
    let backup = newest.with_extension("");
    (backup.exists() && !ids.is_empty()).then_some(LastDelete { backup, ids })
}
