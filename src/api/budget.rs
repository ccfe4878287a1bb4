//! The store's request quota as this client knows it, shared by all its requests: read from
//! the `X-Rate-Limit-*` headers, counted down as requests leave, so bulk work paces itself to
//! the quota instead of running into 429s.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

/// What the UI shows: requests left of the quota, and when the window turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateSnapshot {
    pub quota: Option<u64>,
    pub left: Option<u64>,
    pub resets_in: Option<Duration>,
}

#[derive(Debug, Default)]
struct Window {
    quota: Option<u64>,
    left: Option<u64>,
    length: Option<Duration>,
    resets_at: Option<Instant>,
}

#[derive(Debug, Default)]
pub struct RateBudget {
    window: Mutex<Window>,
    /// The person's own requests waiting for the quota: background work lets them go first.
    waiting: AtomicUsize,
}

/// Requests of each window background work leaves to the person's own, so a key pressed
/// during a sync is answered at once.
const RESERVE: u64 = 2;

impl RateBudget {
    fn lock(&self) -> std::sync::MutexGuard<'_, Window> {
        self.window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until the quota has room for one more request, and counts it.
    pub async fn acquire(&self) {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        self.take(0).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
    }

    /// As `acquire`, for background work (the index's sync): waits while the person's own
    /// requests wait, and leaves a few requests of each window to them.
    pub async fn acquire_background(&self) {
        loop {
            if self.waiting.load(Ordering::SeqCst) == 0 {
                self.take(RESERVE).await;
                if self.waiting.load(Ordering::SeqCst) == 0 {
                    return;
                }
                // Someone came while this waited: the request just counted is theirs to
                // spend; give it back.
                let mut window = self.lock();
                window.left = window.left.map(|left| left + 1);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits until more than `reserve` requests are left in the window, and counts one.
    async fn take(&self, reserve: u64) {
        loop {
            let wait_until = {
                let mut window = self.lock();
                let now = Instant::now();
                match (window.left, window.resets_at) {
                    (Some(left), Some(resets_at)) if now < resets_at => {
                        // A reserve is kept only from a quota big enough to spare it.
                        let reserve = if window.quota.is_some_and(|q| q > reserve * 10) {
                            reserve
                        } else {
                            0
                        };
                        if left > reserve {
                            window.left = Some(left - 1);
                            return;
                        }
                        resets_at
                    }
                    (_, Some(resets_at)) => {
                        // The window has turned: assume a full quota until the store says more.
                        window.left = window.quota.map(|quota| quota.saturating_sub(1));
                        window.resets_at = window.length.map(|length| now.max(resets_at) + length);
                        return;
                    }
                    _ => return, // nothing known yet
                }
            };
            // A little past the turn, so the store's window has surely turned too.
            tokio::time::sleep_until(wait_until + Duration::from_millis(20)).await;
        }
    }

    /// Takes in what an answer's headers say.
    pub fn observe(&self, headers: &HeaderMap) {
        let number =
            |name: &str| -> Option<u64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
        let Some(left) = number("x-rate-limit-requests-left") else {
            return;
        };
        let now = Instant::now();
        let mut window = self.lock();
        window.quota = number("x-rate-limit-requests-quota").or(window.quota);
        window.length = number("x-rate-limit-time-window-ms")
            .map(Duration::from_millis)
            .or(window.length);
        let resets_at =
            number("x-rate-limit-time-reset-ms").map(|ms| now + Duration::from_millis(ms));
        let same_window = match (window.resets_at, resets_at) {
            (Some(known), Some(new)) => new <= known + Duration::from_millis(250),
            _ => false,
        };
        // Within one window, requests still in flight were already counted here.
        window.left = Some(if same_window {
            window.left.map_or(left, |known| known.min(left))
        } else {
            left
        });
        if resets_at.is_some() {
            window.resets_at = resets_at;
        }
    }

    /// After a 429: nothing is left until `wait` has passed.
    pub fn exhausted_for(&self, wait: Duration) {
        let mut window = self.lock();
        window.left = Some(0);
        window.resets_at = Some(Instant::now() + wait);
    }

    pub fn snapshot(&self) -> RateSnapshot {
        let window = self.lock();
        RateSnapshot {
            quota: window.quota,
            left: window.left,
            resets_in: window
                .resets_at
                .map(|at| at.saturating_duration_since(Instant::now())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(left: u64, reset_ms: u64) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-rate-limit-requests-quota", HeaderValue::from(3u64));
        headers.insert("x-rate-limit-requests-left", HeaderValue::from(left));
        headers.insert("x-rate-limit-time-window-ms", HeaderValue::from(300u64));
        headers.insert("x-rate-limit-time-reset-ms", HeaderValue::from(reset_ms));
        headers
    }

    #[tokio::test(start_paused = true)]
    async fn waits_for_the_window_when_the_quota_is_spent() {
        let budget = RateBudget::default();
        budget.acquire().await; // nothing known: goes at once
        budget.observe(&headers(1, 300));
        let started = Instant::now();
        budget.acquire().await;
        assert!(started.elapsed() < Duration::from_millis(5));
        budget.acquire().await; // none left: waits for the turn
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert_eq!(budget.snapshot().quota, Some(3));
    }
}
