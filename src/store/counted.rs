//! How many requests one job sent: each backend counts a request it sends into the counter
//! of the job whose task sends it, so that a job's report says what it cost even while the
//! app reads pages and the index syncs beside it on the same store.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

tokio::task_local! {
    static SENT: Arc<AtomicU64>;
}

/// Called by a backend for each request it sends.
pub fn one_sent() {
    let _ = SENT.try_with(|sent| sent.fetch_add(1, Ordering::Relaxed));
}

/// Runs `work`, counting the requests it sends (those of the futures it polls itself).
pub async fn counted<T>(work: impl Future<Output = T>) -> (T, u64) {
    let sent = Arc::new(AtomicU64::new(0));
    let result = SENT.scope(Arc::clone(&sent), work).await;
    (result, sent.load(Ordering::Relaxed))
}
