//! Deleting customers: exactly the ids reviewed, after a whole backup, each in the ledger
//! before its request; then the store is asked whether any is still there rather than trusting
//! its answers, and how many customers match the filter now that were not reviewed.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;

use futures::StreamExt;

use super::backup::back_up;
use super::review::Reviewed;
use super::run::{Each, Shared, run_each};
use super::service::{Service, done, failed, into_inner, skipped};
use super::{Cancel, Failed, JobError, Progress, Report, Step};
use crate::domain::Filter;
use crate::ledger::{Did, Intent, Kind};
use crate::store::counted::counted;
use crate::store::{ApiError, MAX_PAGE_SIZE, SharedStore};

/// What a delete did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleted {
    /// Its change set in the ledger.
    pub change_set: u64,
    pub report: Report,
    /// Where the deleted customers are kept.
    pub backup: PathBuf,
    /// How many customers the backup holds.
    pub backed_up: u64,
    /// How many of the customers it deleted the store still showed afterwards (`None`: it
    /// could not be checked, or nothing was deleted to check).
    pub still_on_store: Option<u64>,
    /// Customers matching the filter now that were not reviewed (created or changed to match
    /// since): left alone.
    pub matching_since: Option<u64>,
    /// Why it stopped early, when something stopped it (the ledger could not be written).
    pub stopped: Option<String>,
}

impl Deleted {
    /// What the check after the delete found, in words; nothing when nothing was deleted.
    pub fn check(&self) -> Option<String> {
        match (self.report.done, self.still_on_store) {
            (0, _) => None,
            (_, Some(0)) => Some("checked: none left on the store".to_owned()),
            (_, Some(left)) => Some(format!("checked: {left} still on the store")),
            (_, None) => Some("the store could not be checked".to_owned()),
        }
    }

    /// The report in one line: "3 deleted, 0 failed of 3 backed up; checked: none left on the
    /// store; 1 matching since left alone".
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} of {} backed up",
            self.report.summary("deleted"),
            crate::format::thousands(self.backed_up)
        );
        if let Some(check) = self.check() {
            text.push_str("; ");
            text.push_str(&check);
        }
        if let Some(since) = self.matching_since.filter(|since| *since > 0) {
            text.push_str(&format!(
                "; {} matching since the review left alone",
                crate::format::thousands(since)
            ));
        }
        text.push_str(&self.report.requests_said());
        if let Some(stopped) = &self.stopped {
            text.push_str(&format!("; stopped: {stopped}"));
        }
        text
    }
}

impl Service {
    /// Backs up the reviewed customers, deletes exactly those backed up, and checks the store;
    /// its report says how many requests it sent.
    pub async fn delete(
        &self,
        reviewed: &Reviewed,
        cancel: &Cancel,
        progress: impl FnMut(Progress),
    ) -> Result<Deleted, JobError> {
        let (deleted, requests) = counted(self.delete_uncounted(reviewed, cancel, progress)).await;
        deleted.map(|mut deleted| {
            deleted.report.requests = requests;
            deleted
        })
    }

    /// Backs up the reviewed customers, deletes exactly those backed up, and checks the store.
    /// Nothing is deleted without a whole backup and the ledger's entry.
    async fn delete_uncounted(
        &self,
        reviewed: &Reviewed,
        cancel: &Cancel,
        mut progress: impl FnMut(Progress),
    ) -> Result<Deleted, JobError> {
        let what = match &reviewed.filter {
            Some(filter) => filter.to_string(),
            None => format!("{} marked", reviewed.ids.len()),
        };
        let recorder = self.begin(Kind::Delete, reviewed.ids.clone(), true, None, what)?;
        let change_set = recorder.id();
        let backup = recorder.backup().map(PathBuf::from).unwrap_or_default();
        let header = self.header(&recorder, Kind::Delete);
        let backed_up = match back_up(
            self.store(),
            &reviewed.ids,
            &backup,
            &header,
            cancel,
            &mut progress,
        )
        .await
        {
            Ok(backed_up) => backed_up,
            Err(error) => {
                recorder.end(cancel.is_cancelled(), Some(error.to_string()))?;
                return Err(error);
            }
        };
        let recorder = Mutex::new(recorder);
        let shared = Shared::new(&recorder);
        let mut report = Report {
            already_gone: backed_up.already_gone,
            ..Report::default()
        };
        let total = backed_up.ids.len() as u64;
        let store = self.store();
        let run = run_each(
            backed_up.ids.iter().copied(),
            total,
            store.capabilities().concurrency,
            cancel,
            &shared,
            |id| {
                let shared = &shared;
                async move {
                    if !shared.intend(id, Intent::Delete { customer: id }) {
                        return None;
                    }
                    let deleted = store.delete(id).await;
                    let outcome = match &deleted {
                        Ok(()) => done(Did::Deleted { customer: id }),
                        Err(ApiError::Status { status: 404, .. }) => skipped("already gone"),
                        Err(error) => failed(error),
                    };
                    Some(Each {
                        key: id,
                        outcome,
                        value: (id, deleted),
                    })
                }
            },
            |(id, deleted)| {
                match deleted {
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
                    done: report.done + report.already_gone + report.failed.len() as u64
                        - backed_up.already_gone,
                    total,
                });
            },
        )
        .await;
        report.not_attempted = run.not_started;
        report.ids.sort_unstable();
        let stopped = run.ledger_failed.map(|error| {
            format!("{error}; nothing more was sent (what was under way is kept as unknown in the ledger)")
        });
        let recorder = into_inner(recorder);
        let ended = recorder.end(cancel.is_cancelled(), stopped.clone());
        self.drop_from_index(report.ids.clone()).await;
        let (still_on_store, matching_since) = self
            .check_after(&report, &backed_up.ids, reviewed, &mut progress)
            .await;
        let deleted = Deleted {
            change_set,
            report,
            backup,
            backed_up: backed_up.ids.len() as u64,
            still_on_store,
            matching_since,
            stopped,
        };
        ended?;
        Ok(deleted)
    }

    /// Asks the store whether any deleted customer is still there, and how many match the
    /// filter now that were not reviewed.
    async fn check_after(
        &self,
        report: &Report,
        backed_up: &[i64],
        reviewed: &Reviewed,
        progress: &mut impl FnMut(Progress),
    ) -> (Option<u64>, Option<u64>) {
        if report.done == 0 {
            return (None, None);
        }
        progress(Progress {
            step: Step::Checking,
            done: 0,
            total: 1,
        });
        let still = match still_on_store(self.store(), &report.ids).await {
            Ok(present) => Some(present.len() as u64),
            Err(error) => {
                tracing::warn!("cannot check the store after deleting: {error}");
                None
            }
        };
        let since = match &reviewed.filter {
            Some(filter) => match self.store().count(filter).await {
                // Those it did not delete (failed, cancelled) still match: not "since".
                Ok(now) => {
                    let kept = backed_up.len() as u64 - report.done;
                    Some(now.saturating_sub(kept + still.unwrap_or(0)))
                }
                Err(_) => None,
            },
            None => None,
        };
        (still, since)
    }
}

/// Which of these ids the store still has: checked after a delete rather than trusting its
/// answers. Reads the id range page by page when that is cheaper than one read per id.
pub async fn still_on_store(store: &SharedStore, ids: &[i64]) -> Result<Vec<i64>, ApiError> {
    let (Some(&low), Some(&high)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(Vec::new());
    };
    let wanted: BTreeSet<i64> = ids.iter().copied().collect();
    let span_pages = (high - low) as u64 / MAX_PAGE_SIZE + 1;
    if span_pages <= ids.len() as u64 {
        let filter = Filter {
            min_id: Some(low),
            max_id: Some(high),
            ..Filter::default()
        };
        let (_, pages) = store
            .all_pages(&filter, store.capabilities().concurrency)
            .await?;
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
    Ok(store
        .read_many(ids)
        .await?
        .into_iter()
        .map(|customer| customer.id)
        .collect())
}
