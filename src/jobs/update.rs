//! Changing many customers at once: the same fields set on every customer of a selection,
//! store credit added or subtracted (never below 0), a line appended to the notes. The
//! selection is backed up first; each customer then gets one PUT with only the fields that
//! change for it, computed from the customer as read just before, so that an edit made
//! meanwhile by someone else is never overwritten blindly.

use std::sync::Mutex;

use futures::StreamExt;

use super::backup::{back_up, backup_customers};
use super::fresh::{FRESH_FOR, FreshCopies};
use super::review::Selection;
use super::run::{Each, Shared, run_each};
use super::service::{Service, done, failed, into_inner, skipped};
use super::{Cancel, Failed, JobError, Progress, Report, Step};
use crate::domain::Customer;
use crate::ledger::{CustomerOutcome, Did, Intent, Kind};
use crate::store::counted::counted;
use crate::store::{ApiError, MAX_PAGE_SIZE, SharedStore};

pub use super::bulk_change::{BulkChange, Review, credit_amount};

/// What a bulk edit did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Updated {
    /// Its change set in the ledger.
    pub change_set: u64,
    pub backup: std::path::PathBuf,
    pub report: Report,
    /// Why it stopped early, when something stopped it.
    pub stopped: Option<String>,
    /// Customers that had the new values already.
    pub already_so: u64,
    /// Customers changed by someone else since the backup: read again and recomputed.
    pub recomputed: u64,
}

impl Updated {
    /// "212 updated, 3 already so, 0 failed".
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} updated, {} already so, {} failed",
            crate::format::thousands(self.report.done),
            crate::format::thousands(self.already_so),
            self.report.failed.len()
        );
        if self.recomputed > 0 {
            text.push_str(&format!(
                ", {} changed meanwhile and recomputed",
                self.recomputed
            ));
        }
        if self.report.not_attempted > 0 {
            text.push_str(&format!(
                ", {} left alone (cancelled)",
                self.report.not_attempted
            ));
        }
        if self.report.already_gone > 0 {
            text.push_str(&format!(", {} already gone", self.report.already_gone));
        }
        text.push_str(&self.report.requests_said());
        if let Some(stopped) = &self.stopped {
            text.push_str(&format!("; stopped: {stopped}"));
        }
        text
    }
}

/// Reads the reviewed customers as they are now and says what the change would do to them;
/// the review holds their ids, and the job acts on exactly those.
pub async fn review(
    store: &SharedStore,
    selection: &Selection,
    change: &BulkChange,
) -> Result<Review, ApiError> {
    let mut review = Review::default();
    match selection {
        Selection::Ids(ids) => {
            for chunk in ids.chunks(MAX_PAGE_SIZE as usize) {
                for customer in store.read_many(chunk).await? {
                    review.add(&customer, change);
                }
            }
        }
        Selection::Matching { filter, except } => {
            let (_, pages) = store
                .all_pages(filter, store.capabilities().concurrency)
                .await?;
            let mut pages = std::pin::pin!(pages);
            while let Some(page) = pages.next().await {
                for customer in page? {
                    if !except.contains(&customer.id) {
                        review.add(&customer, change);
                    }
                }
            }
        }
    }
    review.ids.sort_unstable();
    review.ids.dedup();
    Ok(review)
}

impl Service {
    /// A bulk edit (below); its report says how many requests it sent.
    pub async fn bulk_edit(
        &self,
        ids: &[i64],
        change: &BulkChange,
        cancel: &Cancel,
        progress: impl FnMut(Progress),
    ) -> Result<Updated, JobError> {
        let (updated, requests) =
            counted(self.bulk_edit_uncounted(ids, change, cancel, progress)).await;
        updated.map(|mut updated| {
            updated.report.requests = requests;
            updated
        })
    }

    /// Backs up the reviewed customers, then changes each: read again just before (an edit
    /// made since the backup is never overwritten blindly), sent only what changes for it,
    /// each in the ledger before its request.
    async fn bulk_edit_uncounted(
        &self,
        ids: &[i64],
        change: &BulkChange,
        cancel: &Cancel,
        mut progress: impl FnMut(Progress),
    ) -> Result<Updated, JobError> {
        let recorder = self.begin(Kind::BulkEdit, ids.to_vec(), true, None, change.describe())?;
        let backup = recorder
            .backup()
            .map(std::path::PathBuf::from)
            .unwrap_or_default();
        let header = self.header(&recorder, Kind::BulkEdit);
        let backed_up =
            match back_up(self.store(), ids, &backup, &header, cancel, &mut progress).await {
                Ok(backed_up) => backed_up,
                Err(error) => {
                    recorder.end(cancel.is_cancelled(), Some(error.to_string()))?;
                    return Err(error);
                }
            };
        let change_set = recorder.id();
        let recorder = Mutex::new(recorder);
        let shared = Shared::new(&recorder);
        let total = backed_up.ids.len() as u64;
        let records =
            backup_customers(&backup, None)?.filter_map(|line| Some(line.ok()?.record.customer));
        let mut updated = Updated {
            change_set,
            backup: backup.clone(),
            ..Updated::default()
        };
        updated.report.already_gone = backed_up.already_gone;
        let store = self.store();
        // Read again a page at a time just before they are written (those the backup shows
        // as already so get no request).
        let fresh = FreshCopies::new(store, &backed_up.ids, FRESH_FOR);
        let mut seen = 0;
        let mut saved = Vec::new();
        let run = run_each(
            records,
            total,
            store.capabilities().concurrency,
            cancel,
            &shared,
            |backed| {
                let (shared, fresh) = (&shared, &fresh);
                async move {
                    let id = backed.id;
                    let (outcome, value) = update_one(store, fresh, shared, change, backed).await?;
                    Some(Each {
                        key: id,
                        outcome,
                        value: (id, value),
                    })
                }
            },
            |(id, result)| {
                match result {
                    Ok(Updating::Updated { recomputed, now }) => {
                        updated.report.done += 1;
                        updated.report.ids.push(id);
                        updated.recomputed += u64::from(recomputed);
                        saved.push(*now);
                    }
                    Ok(Updating::AlreadySo) => updated.already_so += 1,
                    Ok(Updating::Gone) => updated.report.already_gone += 1,
                    Err(error) => updated.report.failed.push(Failed {
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
            },
        )
        .await;
        updated.report.not_attempted = run.not_started;
        updated.report.ids.sort_unstable();
        updated.stopped = run.ledger_failed.map(|error| {
            format!("{error}; nothing more was sent (what was under way is kept as unknown in the ledger)")
        });
        let ended = into_inner(recorder).end(cancel.is_cancelled(), updated.stopped.clone());
        self.keep_in_index(saved).await;
        ended?;
        Ok(updated)
    }
}

/// How one customer's part went.
enum Updating {
    Updated {
        recomputed: bool,
        now: Box<Customer>,
    },
    AlreadySo,
    Gone,
}

/// One customer: read again, its change worked out from what it holds now, written in the
/// ledger, then sent. `None` when the ledger could not be written (nothing was sent).
async fn update_one(
    store: &SharedStore,
    fresh: &FreshCopies,
    shared: &Shared<'_>,
    change: &BulkChange,
    backed: Customer,
) -> Option<(CustomerOutcome, Result<Updating, ApiError>)> {
    // As the review found it, just now backed up: nothing to send, nothing to read again.
    if change.changes_for(&backed).0.is_empty() {
        return Some((skipped("already so"), Ok(Updating::AlreadySo)));
    }
    let now = match fresh.get(backed.id).await {
        Ok(Some(now)) => now,
        Ok(None) => return Some((skipped("already gone"), Ok(Updating::Gone))),
        Err(error) => return Some((failed(&error), Err(error))),
    };
    fresh.written(backed.id).await;
    // Dates have whole seconds: any other difference counts as a change too.
    let recomputed = now.date_modified != backed.date_modified || now != backed;
    let (changes, _) = change.changes_for(&now);
    if changes.is_empty() {
        return Some((skipped("already so"), Ok(Updating::AlreadySo)));
    }
    let before = changes.current_in(&now);
    let intent = Intent::Edit {
        customer: now.id,
        before: before.clone(),
        after: changes.clone(),
    };
    if !shared.intend(now.id, intent) {
        return None;
    }
    Some(match store.update(now.id, &changes).await {
        Ok(saved) => (
            done(Did::Edited {
                customer: now.id,
                before,
                after: changes,
                date_modified: saved.date_modified.clone(),
            }),
            Ok(Updating::Updated {
                recomputed,
                now: Box::new(saved),
            }),
        ),
        Err(error) => (failed(&error), Err(error)),
    })
}
