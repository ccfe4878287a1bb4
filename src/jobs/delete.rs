//! Deleting customers: back them up, delete exactly those by id (a few at a time, paced by the
//! client), leave the undo record beside the backup, then ask the store whether any of them is
//! still there rather than trusting its answers. The command line and the app run this same
//! job.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use futures::StreamExt;

use super::backup::{Selection, back_up_selection};
use super::{CONCURRENCY, Cancel, Failed, JobError, PAGE, Progress, Report, Step, undo_record};
use crate::domain::Filter;
use crate::store::ApiError;
use crate::store::SharedStore;

/// What a delete did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleted {
    pub report: Report,
    /// Where the deleted customers are kept.
    pub backup: PathBuf,
    /// How many customers the backup holds.
    pub backed_up: u64,
    /// How many of the deleted customers the store still showed afterwards (`None`: it could
    /// not be checked).
    pub still_on_store: Option<u64>,
    /// Why undo will not offer this delete, when its record could not be written.
    pub undo_record_problem: Option<String>,
}

/// Backs up the selection to `backup`, deletes exactly the customers backed up, records what
/// was deleted for undo, and checks the store. Nothing is deleted without a whole backup; a
/// failed check does not hide what was done.
pub async fn delete_customers(
    store: &SharedStore,
    selection: &Selection,
    backup: &Path,
    cancel: &Cancel,
    mut progress: impl FnMut(Progress),
) -> Result<Deleted, JobError> {
    let backed_up = back_up_selection(store, selection, backup, cancel, &mut progress).await?;
    let mut report = delete_ids(store, &backed_up.ids, cancel, &mut progress).await;
    report.already_gone += backed_up.already_gone;
    let undo_record_problem = if report.done > 0 {
        undo_record::record(backup, &report.ids)
            .err()
            .map(|error| error.to_string())
    } else {
        None
    };
    progress(Progress {
        step: Step::Checking,
        done: 0,
        total: 1,
    });
    let still_on_store = match still_on_store(store, &report.ids).await {
        Ok(present) => Some(present.len() as u64),
        Err(error) => {
            tracing::warn!("cannot check the store after deleting: {error}");
            None
        }
    };
    Ok(Deleted {
        backed_up: backed_up.ids.len() as u64,
        report,
        backup: backup.to_owned(),
        still_on_store,
        undo_record_problem,
    })
}

impl Deleted {
    /// What the check after the delete found, in words.
    pub fn check(&self) -> String {
        match self.still_on_store {
            Some(0) => "checked: none left on the store".to_owned(),
            Some(left) => format!("checked: {left} still on the store"),
            None => "the store could not be checked".to_owned(),
        }
    }
}

/// Deletes these customers by id, a few at a time, paced by the client. Cancelling sends no
/// new request; the ones under way finish and are counted.
pub async fn delete_ids(
    store: &SharedStore,
    ids: &[i64],
    cancel: &Cancel,
    mut progress: impl FnMut(Progress),
) -> Report {
    let total = ids.len() as u64;
    let mut report = Report::default();
    let mut started = 0u64;
    let mut results = futures::stream::iter(ids.iter().copied())
        .take_while(|_| {
            let go = !cancel.is_cancelled();
            started += u64::from(go);
            std::future::ready(go)
        })
        .map(|id| async move { (id, store.delete(id).await) })
        .buffer_unordered(CONCURRENCY);
    while let Some((id, result)) = results.next().await {
        match result {
            Ok(()) => {
                report.done += 1;
                report.ids.push(id);
            }
            Err(ApiError::Status { status: 404, .. }) => report.already_gone += 1,
            Err(error) => report.failed.push(Failed {
                who: format!("customer {id}"),
                why: error.to_string(),
            }),
        }
        progress(Progress {
            step: Step::Deleting,
            done: report.done + report.already_gone + report.failed.len() as u64,
            total,
        });
    }
    drop(results);
    report.not_attempted = total - started;
    report.ids.sort_unstable();
    report
}

/// Which of these ids the store still has: checked after a delete rather than trusting its
/// answers. Reads the id range page by page when that is cheaper than one read per id.
pub async fn still_on_store(store: &SharedStore, ids: &[i64]) -> Result<Vec<i64>, ApiError> {
    let (Some(&low), Some(&high)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(Vec::new());
    };
    let wanted: BTreeSet<i64> = ids.iter().copied().collect();
    let span_pages = (high - low) as u64 / PAGE + 1;
    if span_pages <= ids.len() as u64 {
        let filter = Filter {
            min_id: Some(low),
            max_id: Some(high),
            ..Filter::default()
        };
        let (_, pages) = store.all_pages(&filter, CONCURRENCY).await?;
        let mut pages = std::pin::pin!(pages);
        let mut present = Vec::new();
        while let Some(page) = pages.next().await {
            present.extend(
                page?
                    .into_iter()
                    .map(|c| c.id)
                    .filter(|id| wanted.contains(id)),
            );
        }
        return Ok(present);
    }
    let mut answers = futures::stream::iter(wanted.iter().copied())
        .map(|id| async move { (id, store.get(id).await) })
        .buffer_unordered(CONCURRENCY);
    let mut present = Vec::new();
    while let Some((id, answer)) = answers.next().await {
        match answer {
            Ok(_) => present.push(id),
            Err(ApiError::Status { status: 404, .. }) => {}
            Err(error) => return Err(error),
        }
    }
    present.sort_unstable();
    Ok(present)
}
