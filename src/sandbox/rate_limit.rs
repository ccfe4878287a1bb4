//! The store's request quota: a fixed window of `quota` requests every `window`, reported on
//! every answer in the `X-Rate-Limit-*` headers, as the real service does.

use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue};

/// `QUOTA/SECONDS`, as given to `--rate-limit` (e.g. `150/30`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub quota: u64,
    pub window: Duration,
}

impl RateLimit {
    /// So large it never bites, while the headers are still sent.
    pub const UNLIMITED: RateLimit = RateLimit {
        quota: 10_000_000,
        window: Duration::from_secs(30),
    };
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::UNLIMITED
    }
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wrong = || format!("'{text}' is not QUOTA/SECONDS, e.g. 150/30");
        let (quota, seconds) = text.split_once('/').ok_or_else(wrong)?;
        let quota: u64 = quota.trim().parse().map_err(|_| wrong())?;
        let seconds: f64 = seconds.trim().parse().map_err(|_| wrong())?;
        if quota == 0 || !(0.001..=86_400.0).contains(&seconds) {
            return Err(format!(
                "'{text}': the quota must be at least 1 and the window 0.001 to 86400 seconds"
            ));
        }
        Ok(RateLimit {
            quota,
            window: Duration::from_secs_f64(seconds),
        })
    }
}

/// Where a request stands against the quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub allowed: bool,
    pub left: u64,
    pub reset: Duration,
}

#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    window: Mutex<(Instant, u64)>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        RateLimiter {
            limit,
            window: Mutex::new((Instant::now(), 0)),
        }
    }

    /// Counts one request against the quota.
    pub fn take(&self) -> Budget {
        self.budget(true)
    }

    /// Where the quota stands, without counting anything (for requests that never reach the
    /// store, such as those without valid credentials).
    pub fn peek(&self) -> Budget {
        self.budget(false)
    }

    fn budget(&self, counting: bool) -> Budget {
        let now = Instant::now();
        let mut window = self
            .window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (started, used) = &mut *window;
        if now.duration_since(*started) >= self.limit.window {
            *started = now;
            *used = 0;
        }
        let allowed = *used < self.limit.quota;
        if counting && allowed {
            *used += 1;
        }
        let reset = self
            .limit
            .window
            .saturating_sub(now.duration_since(*started));
        Budget {
            allowed: allowed || !counting,
            left: self.limit.quota - *used,
            reset,
        }
    }

    /// The `X-Rate-Limit-*` headers for an answer, and `X-Retry-After` when refused.
    pub fn write_headers(&self, budget: Budget, headers: &mut HeaderMap) {
        let number = |n: u128| HeaderValue::from(u64::try_from(n).unwrap_or(u64::MAX));
        headers.insert(
            "x-rate-limit-time-window-ms",
            number(self.limit.window.as_millis()),
        );
        headers.insert(
            "x-rate-limit-time-reset-ms",
            number(budget.reset.as_millis()),
        );
        headers.insert(
            "x-rate-limit-requests-quota",
            number(self.limit.quota.into()),
        );
        headers.insert("x-rate-limit-requests-left", number(budget.left.into()));
        if !budget.allowed {
            headers.insert(
                "x-retry-after",
                number(budget.reset.as_millis().div_ceil(1000).max(1)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quota_and_window() {
        assert_eq!(
            "150/30".parse::<RateLimit>(),
            Ok(RateLimit {
                quota: 150,
                window: Duration::from_secs(30)
            })
        );
        for wrong in ["", "150", "0/30", "a/b", "5/0", "5/-1", "-5/3"] {
            assert!(wrong.parse::<RateLimit>().is_err(), "{wrong}");
        }
    }

    #[test]
    fn refuses_past_the_quota_until_the_window_turns() {
        let limiter = RateLimiter::new(RateLimit {
            quota: 2,
            window: Duration::from_millis(200),
        });
        assert_eq!(limiter.take().left, 1);
        assert!(limiter.take().allowed);
        let refused = limiter.take();
        assert!(!refused.allowed);
        assert_eq!(refused.left, 0);
        assert!(limiter.peek().allowed, "peeking is never refused");
        std::thread::sleep(Duration::from_millis(220));
        assert!(limiter.take().allowed);
    }
}
