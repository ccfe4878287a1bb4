//! The store's request quota as this client knows it, shared by all its requests: read from
//! the `X-Rate-Limit-*` headers, counted down as requests leave, so bulk work paces itself to
//! the quota instead of running into 429s.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

pub use crate::store::RateSnapshot;

#[derive(Debug, Default)]
struct Window {
    quota: Option<u64>,
    left: Option<u64>,
    length: Option<Duration>,
    resets_at: Option<Instant>,
}

impl Window {
    /// The requests kept for the person now: a tenth of the quota (at least 2, from a quota
    /// of 20 or more) at the window's start, none at its end.
    fn reserve(&self, now: Instant, resets_at: Instant) -> u64 {
        let Some(quota) = self.quota.filter(|&quota| quota >= 20) else {
            return 0;
        };
        let full = ((quota as f64 * RESERVE_SHARE).ceil() as u64).max(2);
        let Some(length) = self.length.filter(|length| !length.is_zero()) else {
            return full;
        };
        let left_of_window = (resets_at.saturating_duration_since(now).as_secs_f64()
            / length.as_secs_f64())
        .min(1.0);
        (full as f64 * left_of_window).ceil() as u64
    }
}

#[derive(Debug, Default)]
pub struct RateBudget {
    window: Mutex<Window>,
    /// The person's own requests waiting for the quota: background work lets them go first.
    waiting: AtomicUsize,
}

/// The share of each window background work leaves to the person's own requests at the
/// window's start, so that a key pressed during a sync is answered at once. The reserve
/// shrinks as the window runs out (what the person has not used by its end would be lost),
/// so background work still spends the whole quota.
const RESERVE_SHARE: f64 = 0.1;

impl RateBudget {
    fn lock(&self) -> std::sync::MutexGuard<'_, Window> {
        self.window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until the quota has room for one more request, and counts it.
    pub async fn acquire(&self) {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        self.take(false).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
    }

    /// As `acquire`, for background work (the index's sync): waits while the person's own
    /// requests wait, and leaves a few requests of each window to them.
    pub async fn acquire_background(&self) {
        loop {
            if self.waiting.load(Ordering::SeqCst) == 0 {
                self.take(true).await;
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

    /// Waits until the window has room for one more request, and counts it. Background work
    /// also leaves the person's reserve alone.
    async fn take(&self, background: bool) {
        loop {
            let wait_until = {
                let mut window = self.lock();
                let now = Instant::now();
                match (window.left, window.resets_at) {
                    (Some(left), Some(resets_at)) if now < resets_at => {
                        let reserve = if background {
                            window.reserve(now, resets_at)
                        } else {
                            0
                        };
                        if left > reserve {
                            window.left = Some(left - 1);
                            return;
                        }
                        if left > 0 {
                            // Only the reserve is left: it shrinks as time passes.
                            now + Duration::from_millis(50)
                        } else {
                            // A little past the turn, so the store's window has surely turned.
                            resets_at + Duration::from_millis(20)
                        }
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
            tokio::time::sleep_until(wait_until).await;
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
            window: window.length,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(left: u64, reset_ms: u64) -> HeaderMap {
        window_of(3, left, 300, reset_ms)
    }

    fn window_of(quota: u64, left: u64, window_ms: u64, reset_ms: u64) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-rate-limit-requests-quota", HeaderValue::from(quota));
        headers.insert("x-rate-limit-requests-left", HeaderValue::from(left));
        headers.insert("x-rate-limit-time-window-ms", HeaderValue::from(window_ms));
        headers.insert("x-rate-limit-time-reset-ms", HeaderValue::from(reset_ms));
        headers
    }

    #[tokio::test(start_paused = true)]
    async fn background_work_leaves_a_shrinking_reserve_to_the_person() {
        let budget = RateBudget::default();
        // A tenth of a 100-request quota is kept for the person at the window's start.
        budget.observe(&window_of(100, 10, 1_000, 1_000));
        let started = Instant::now();
        budget.acquire().await; // the person: at once
        assert!(started.elapsed() < Duration::from_millis(5));
        // 9 left, all reserved: background work waits until the reserve has shrunk below
        // that (a fifth of the window), then goes.
        budget.acquire_background().await;
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(150) && waited < Duration::from_millis(400),
            "{waited:?}"
        );
        // By the window's end the reserve is gone: background work spends all that is left.
        for _ in 0..7 {
            budget.acquire_background().await;
        }
        assert!(started.elapsed() < Duration::from_millis(1_000));
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
