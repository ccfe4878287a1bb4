//! How many requests one job sent: each backend counts a request it sends into the counter
//! of the job whose task sends it, so that a job's report says what it cost even while the
//! app reads pages and the index syncs beside it on the same store. Counters nest: a job
//! run within a counted piece of work counts into both.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

struct Counter {
    sent: AtomicU64,
    outer: Option<Arc<Counter>>,
}

tokio::task_local! {
    static SENT: Arc<Counter>;
}

/// Called by a backend for each request it sends.
pub fn one_sent() {
    let _ = SENT.try_with(|counter| {
        let mut next = Some(counter);
        while let Some(counter) = next {
            counter.sent.fetch_add(1, Ordering::Relaxed);
            next = counter.outer.as_ref();
        }
    });
}

/// Runs `work`, counting the requests it sends (those of the futures it polls itself).
pub async fn counted<T>(work: impl Future<Output = T>) -> (T, u64) {
    let counter = Arc::new(Counter {
        sent: AtomicU64::new(0),
        outer: SENT.try_with(Arc::clone).ok(),
    });
    let result = SENT.scope(Arc::clone(&counter), work).await;
    (result, counter.sent.load(Ordering::Relaxed))
}

#[cfg(test)]
#[tokio::test]
async fn a_job_within_counted_work_counts_into_both() {
    let ((_, inner), outer) = counted(async {
        one_sent();
        counted(async {
            one_sent();
            one_sent();
        })
        .await
    })
    .await;
    assert_eq!((inner, outer), (2, 3));
}
