//! One change set's requests, customer by customer, a few at once: each customer's intent
//! is in the ledger before its request goes, its outcome after. Nothing new starts once the
//! job is cancelled or the ledger cannot be written; requests under way finish and are
//! recorded.

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::StreamExt;

use super::Cancel;
use crate::ledger::{CustomerOutcome, Intent, LedgerError, Recorder};

/// One customer's part done: its key in the ledger, what came of it, and what the job keeps.
pub(super) struct Each<R> {
    pub key: i64,
    pub outcome: CustomerOutcome,
    pub value: R,
}

/// How a run ended.
#[derive(Debug, Default)]
pub(super) struct Run {
    /// Customers never started (cancelled, or the ledger stopped the job).
    pub not_started: u64,
    /// Why the ledger stopped the job, when it did.
    pub ledger_failed: Option<LedgerError>,
}

/// The recorder of a running change set, shared by the requests under way.
pub(super) struct Shared<'a> {
    recorder: &'a Mutex<Recorder>,
    failed: Mutex<Option<LedgerError>>,
}

impl<'a> Shared<'a> {
    pub fn new(recorder: &'a Mutex<Recorder>) -> Shared<'a> {
        Shared {
            recorder,
            failed: Mutex::new(None),
        }
    }

    fn recorder(&self) -> std::sync::MutexGuard<'_, Recorder> {
        self.recorder
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Writes what is about to be sent; `false` (and nothing may be sent) when the ledger
    /// cannot be written.
    pub fn intend(&self, key: i64, intent: Intent) -> bool {
        if self.stopped() {
            return false;
        }
        let written = self.recorder().intent(key, intent);
        self.keep(written)
    }

    fn keep(&self, written: Result<(), LedgerError>) -> bool {
        match written {
            Ok(()) => true,
            Err(error) => {
                let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
                failed.get_or_insert(error);
                false
            }
        }
    }

    pub fn stopped(&self) -> bool {
        self.failed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    fn take_failure(&self) -> Option<LedgerError> {
        self.failed.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// Runs `work` for each item, `concurrency` at a time. `work` writes its customer's intent
/// through `shared.intend` before its request (and answers `None` without sending when that
/// fails); each outcome is written as it arrives and the kept value handed to `each`.
pub(super) async fn run_each<T, R, Fut>(
    items: impl IntoIterator<Item = T>,
    total: u64,
    concurrency: usize,
    cancel: &Cancel,
    shared: &Shared<'_>,
    work: impl Fn(T) -> Fut,
    mut each: impl FnMut(R),
) -> Run
where
    Fut: Future<Output = Option<Each<R>>>,
{
    let started = AtomicU64::new(0);
    let mut results = futures::stream::iter(items)
        .take_while(|_| std::future::ready(!cancel.is_cancelled() && !shared.stopped()))
        .map(|item| {
            started.fetch_add(1, Ordering::Relaxed);
            work(item)
        })
        .buffer_unordered(concurrency.max(1));
    let mut unsent = 0;
    while let Some(done) = results.next().await {
        let Some(done) = done else {
            unsent += 1; // its intent could not be written: nothing was sent
            continue;
        };
        let written = shared.recorder().outcome(done.key, done.outcome);
        shared.keep(written);
        each(done.value);
    }
    drop(results);
    let started = started.load(Ordering::Relaxed) - unsent;
    Run {
        not_started: total.saturating_sub(started),
        ledger_failed: shared.take_failure(),
    }
}
