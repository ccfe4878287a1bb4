//! Undoing a change set. An edit is undone field by field, only on customers that nobody
//! changed since (their `date_modified` is what the edit left); the others are conflicts and
//! keep the newer value. A delete is undone by restoring its backup. An undo is itself a
//! change set, so it can be undone too.

use futures::StreamExt;

use super::journal::{ChangeSet, Entry, Journal, Kind};
use super::restore::restore_backup;
use super::undo_record::deleted_ids;
use super::{CONCURRENCY, Cancel, Failed, JobError, Progress, Report, Step};
use crate::store::ApiError;
use crate::store::SharedStore;

/// What undoing an edit did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UndoneEdit {
    pub report: Report,
    /// The fields set back, as an edit of their own (so that the undo can be undone).
    pub entries: Vec<Entry>,
    /// Customers changed since the edit: left with the newer value.
    pub conflicts: Vec<Failed>,
}

impl UndoneEdit {
    /// "3 set back, 1 conflict (changed since), 0 failed".
    pub fn summary(&self) -> String {
        format!(
            "{} set back, {} conflict{} (changed since; their newer values kept), {} failed",
            self.report.done,
            self.conflicts.len(),
            if self.conflicts.len() == 1 { "" } else { "s" },
            self.report.failed.len()
        )
    }
}

/// Sets back the fields an edit changed, customer by customer.
pub async fn undo_edit(
    store: &SharedStore,
    entries: Vec<Entry>,
    cancel: &Cancel,
    mut progress: impl FnMut(Progress),
) -> UndoneEdit {
    let total = entries.len() as u64;
    let mut undone = UndoneEdit::default();
    let mut started = 0u64;
    let mut results = futures::stream::iter(entries)
        .take_while(|_| {
            let go = !cancel.is_cancelled();
            started += u64::from(go);
            std::future::ready(go)
        })
        .map(|entry| async move { (entry.customer_id, undo_one(store, entry).await) })
        .buffer_unordered(CONCURRENCY);
    let mut seen = 0;
    while let Some((id, result)) = results.next().await {
        match result {
            Ok(Ok(entry)) => {
                undone.report.done += 1;
                undone.report.ids.push(id);
                undone.entries.push(entry);
            }
            Ok(Err(why)) => undone.conflicts.push(Failed {
                who: format!("customer {id}"),
                why,
            }),
            Err(error) => undone.report.failed.push(Failed {
                who: format!("customer {id}"),
                why: error.to_string(),
            }),
        }
        seen += 1;
        progress(Progress {
            step: Step::Updating,
            done: seen,
            total,
        });
    }
    drop(results);
    undone.report.not_attempted = total.saturating_sub(started);
    undone
}

/// One customer: its fields set back, or why not (a conflict).
async fn undo_one(store: &SharedStore, entry: Entry) -> Result<Result<Entry, String>, ApiError> {
    let now = match store.get(entry.customer_id).await {
        Ok(now) => now,
        Err(ApiError::Status { status: 404, .. }) => {
            return Ok(Err("deleted since".to_owned()));
        }
        Err(error) => return Err(error),
    };
    if now.date_modified != entry.date_modified {
        return Ok(Err(format!(
            "changed since the edit (now modified {})",
            now.date_modified
        )));
    }
    let saved = store.update(entry.customer_id, &entry.before).await?;
    Ok(Ok(Entry {
        customer_id: entry.customer_id,
        before: entry.after,
        after: entry.before,
        date_modified: saved.date_modified,
    }))
}

/// What undoing a change set did: a delete restored, or an edit's fields set back.
#[derive(Debug, Clone, PartialEq)]
pub enum Undone {
    Restored(Report),
    SetBack(UndoneEdit),
    /// A create undone: what it created deleted, with a backup.
    Deleted(super::delete::Deleted),
}

impl Undone {
    pub fn summary(&self) -> String {
        match self {
            Undone::Restored(report) => report.summary("restored"),
            Undone::SetBack(edit) => edit.summary(),
            Undone::Deleted(deleted) => format!(
                "{} (backup: {})",
                deleted.report.summary("deleted"),
                deleted.backup.display()
            ),
        }
    }

    pub fn report(&self) -> &Report {
        match self {
            Undone::Restored(report) => report,
            Undone::SetBack(edit) => &edit.report,
            Undone::Deleted(deleted) => &deleted.report,
        }
    }

    pub fn conflicts(&self) -> &[Failed] {
        match self {
            Undone::Restored(_) | Undone::Deleted(_) => &[],
            Undone::SetBack(edit) => &edit.conflicts,
        }
    }
}

/// Undoes a change set of `store` and records the undo (itself undoable when it set fields
/// back): a delete by restoring what it deleted from its backup, an edit (or an undo of
/// one) by setting its fields back.
pub async fn undo_change_set(
    store: &SharedStore,
    journal: &Journal,
    store_name: &str,
    set: &ChangeSet,
    cancel: &Cancel,
    progress: impl FnMut(Progress),
) -> Result<Undone, JobError> {
    if set.undone {
        return Err(JobError::Stopped(format!(
            "change set {} was undone already",
            set.id
        )));
    }
    // By what the change set holds: fields to set back, customers it created (deleted now,
    // after a backup), or a backup of customers it deleted (restored now). So an undo can be
    // undone whatever it did.
    let has_entries = journal.entries_file(set.id).exists();
    match (set.kind, &set.backup) {
        (Kind::Edit | Kind::BulkEdit, _) | (Kind::Undo, _) if has_entries => {
            let entries = journal.entries(set.id)?;
            let undone = undo_edit(store, entries, cancel, progress).await;
            if undone.report.done > 0 {
                journal.record(
                    Kind::Undo,
                    store_name,
                    undone.report.done,
                    None,
                    Some(set.id),
                    &undone.entries,
                )?;
            }
            Ok(Undone::SetBack(undone))
        }
        _ if !set.ids.is_empty() => {
            // What was created (or restored) is deleted, backed up first like every delete.
            let backup = crate::paths::backup_folder()
                .map_err(|error| JobError::Stopped(format!("{error:#}")))?
                .join(super::backup::backup_file_name(
                    store_name,
                    chrono::Local::now(),
                ));
            let selection = super::backup::Selection::Ids(set.ids.clone());
            let deleted =
                super::delete::delete_customers(store, &selection, &backup, cancel, progress)
                    .await?;
            journal.record(
                Kind::Undo,
                store_name,
                deleted.report.done,
                Some(&backup),
                Some(set.id),
                &[],
            )?;
            Ok(Undone::Deleted(deleted))
        }
        (Kind::Delete | Kind::Undo, Some(backup)) => {
            let ids = deleted_ids(backup)?;
            let report = restore_backup(store, backup, Some(&ids), cancel, progress).await?;
            // The customers re-created are kept, so that this undo can be undone too.
            journal.record_undo_of_delete(store_name, set.id, backup, &report.ids)?;
            Ok(Undone::Restored(report))
        }
        _ => Err(JobError::Stopped(format!(
            "change set {} holds nothing to undo with (no fields, ids or backup)",
            set.id
        ))),
    }
}
