//! The v2 API over HTTP: credentials, retries, rate-limit pacing and timeouts, and the store's
//! clock from its answers. The endpoints are in the files beside this one.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use serde_json::Value;

use crate::api::Auth;
use crate::api::budget::RateBudget;
use crate::store::{ApiError, RateSnapshot, RequestStats};

#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Per attempt, including reading the answer.
    pub timeout: Duration,
    /// Per request, its retries included (time spent waiting for the rate limit aside): a
    /// store that answers a byte a second is given up on within this.
    pub deadline: Duration,
    /// Retries of an idempotent request after a 5xx answer or a broken connection.
    pub retries: u32,
    /// Retries of a connection that could not be made (refused, no route): a store that is
    /// down is said at once, not after the full backoff.
    pub connect_retries: u32,
    /// Waits after 429 answers before giving up.
    pub rate_limit_waits: u32,
    /// The first retry delay; each further one doubles, with jitter.
    pub backoff: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(20),
            deadline: Duration::from_secs(45),
            retries: 5,
            connect_retries: 2,
            rate_limit_waits: 30,
            backoff: Duration::from_millis(200),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    auth: Auth,
    budget: Arc<RateBudget>,
    stats: Arc<RequestStats>,
    options: ClientOptions,
    /// Background work: waits for the person's own requests (see `RateBudget`).
    background: bool,
}

/// Whether a request may be sent again after an unclear failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Repeat {
    Safe,
    /// A create: sent again only when the store surely did not act (429, or no connection).
    OnlyIfUnprocessed,
}

impl Client {
    /// A client for the API at `api_url` (e.g. `https://api.bigcommerce.com/stores/abc/v2`).
    /// Plain `http` is refused except to this machine.
    pub fn new(api_url: &str, auth: Auth, options: ClientOptions) -> Result<Client, ApiError> {
        let trimmed = api_url.trim().trim_end_matches('/');
        let base = Url::parse(&format!("{trimmed}/")).map_err(|error| {
            ApiError::Config(format!("the store URL '{trimmed}' is not a URL: {error}"))
        })?;
        match base.scheme() {
            "https" => {}
            "http" if is_loopback(&base) => {}
            "http" => {
                return Err(ApiError::Config(format!(
                    "refusing to send credentials over plain http to {}: use https",
                    base.host_str().unwrap_or_default()
                )));
            }
            other => {
                return Err(ApiError::Config(format!(
                    "the store URL must be https, not {other}"
                )));
            }
        }
        check_header_values(&auth)?;
        install_tls_provider();
        let http = reqwest::Client::builder()
            // The v2 API never redirects; following one would send the token along to
            // whatever host it names.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(options.timeout)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("bc-customers/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ApiError::Config(format!("cannot set up HTTP: {error}")))?;
        Ok(Client {
            http,
            base,
            auth,
            budget: Arc::new(RateBudget::default()),
            stats: Arc::default(),
            options,
            background: false,
        })
    }

    pub fn api_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// A clone for background work (the index's sync): same quota and counters, but the
    /// person's own requests go first.
    pub fn background(&self) -> Client {
        Client {
            background: true,
            ..self.clone()
        }
    }

    /// Counters shared by every clone of this client.
    pub fn request_stats(&self) -> &RequestStats {
        &self.stats
    }

    /// The quota as last reported by the store.
    pub fn quota(&self) -> RateSnapshot {
        self.budget.snapshot()
    }

    /// Sends one request, retrying what can be retried. `None` is an empty (204) answer.
    pub(super) async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<Option<Vec<u8>>, ApiError> {
        self.send_dated(method, path, query, body, repeat)
            .await
            .map(|(body, _)| body)
    }

    /// As `send`, with the answer's `Date`.
    pub(super) async fn send_dated(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<(Option<Vec<u8>>, Option<i64>), ApiError> {
        let url = self
            .base
            .join(path)
            .map_err(|error| ApiError::Config(format!("bad request path {path}: {error}")))?;
        let mut failures = 0;
        let mut connect_failures = 0;
        let mut rate_limited = 0;
        // The deadline counts the store's time, not the time spent waiting for the quota.
        let started = std::time::Instant::now();
        let mut waited = Duration::ZERO;
        let mut last_failure = None;
        loop {
            let queued = std::time::Instant::now();
            if self.background {
                self.budget.acquire_background().await;
            } else {
                self.budget.acquire().await;
            }
            waited += queued.elapsed();
            let left = self
                .options
                .deadline
                .saturating_sub(started.elapsed().saturating_sub(waited));
            if left.is_zero() {
                return Err(last_failure.unwrap_or(ApiError::Timeout(self.options.deadline)));
            }
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .timeout(self.options.timeout.min(left))
                .query(query)
                .header("Accept", "application/json");
            request = match &self.auth {
                Auth::Token { token, client_id } => {
                    let request = request.header("X-Auth-Token", token.expose());
                    match client_id {
                        Some(id) => request.header("X-Auth-Client", id),
                        None => request,
                    }
                }
                Auth::Basic { username, api_key } => {
                    request.basic_auth(username, Some(api_key.expose()))
                }
            };
            if let Some(body) = body {
                request = request.json(body);
            }
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            crate::store::counted::one_sent();
            if self.background {
                self.stats
                    .background_requests
                    .fetch_add(1, Ordering::Relaxed);
            }
            let mut date = None;
            let outcome = match request.send().await {
                Ok(response) => {
                    self.budget.observe(response.headers());
                    date = response
                        .headers()
                        .get(reqwest::header::DATE)
                        .and_then(|date| date.to_str().ok())
                        .and_then(crate::dates::parse_api_date);
                    if let Some(at) = date {
                        self.stats.store_time.store(at, Ordering::Relaxed);
                    }
                    let status = response.status();
                    let headers = response.headers().clone();
                    match response.bytes().await {
                        Ok(bytes) => Ok((status, headers, bytes.to_vec())),
                        Err(error) => Err(error),
                    }
                }
                Err(error) => Err(error),
            };
            match outcome {
                Ok((status, _, bytes)) if status.is_success() => {
                    let body = (status != StatusCode::NO_CONTENT || !bytes.is_empty())
                        .then_some(bytes)
                        .filter(|b| !b.is_empty());
                    return Ok((body, date));
                }
                Ok((StatusCode::TOO_MANY_REQUESTS, headers, bytes)) => {
                    rate_limited += 1;
                    self.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
                    if rate_limited > self.options.rate_limit_waits {
                        return Err(ApiError::from_response(429, &bytes));
                    }
                    let wait = retry_wait(&headers).unwrap_or_else(|| self.backoff(rate_limited));
                    tracing::debug!(?wait, "rate limited by the store; waiting");
                    self.budget.exhausted_for(wait);
                }
                Ok((status, headers, _)) if status.is_redirection() => {
                    return Err(ApiError::Redirected {
                        status: status.as_u16(),
                        location: headers
                            .get(reqwest::header::LOCATION)
                            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned()),
                    });
                }
                Ok((status, _, bytes)) => {
                    let retryable = status.is_server_error() && repeat == Repeat::Safe;
                    failures += 1;
                    if !retryable || failures > self.options.retries {
                        return Err(ApiError::from_response(status.as_u16(), &bytes));
                    }
                    tracing::debug!(%status, failures, "store failed; retrying");
                    last_failure = Some(ApiError::from_response(status.as_u16(), &bytes));
                    self.stats.retried.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(self.backoff(failures)).await;
                }
                Err(error) => {
                    // A connection never made cannot have created anything.
                    let unprocessed = error.is_connect();
                    failures += 1;
                    connect_failures += u32::from(unprocessed);
                    let spent = started.elapsed().saturating_sub(waited);
                    if (repeat == Repeat::OnlyIfUnprocessed && !unprocessed)
                        || failures > self.options.retries
                        || connect_failures > self.options.connect_retries
                        || spent >= self.options.deadline
                    {
                        return Err(if error.is_timeout() {
                            ApiError::Timeout(spent.min(self.options.deadline))
                        } else {
                            ApiError::Network(network_problem(&error, &url))
                        });
                    }
                    tracing::debug!(error = %describe(&error), failures, "request failed; retrying");
                    self.stats.retried.fetch_add(1, Ordering::Relaxed);
                    // A refused connection is tried again soon: the store is up or it is not.
                    let pause = if unprocessed {
                        self.options.backoff.min(Duration::from_millis(250))
                    } else {
                        self.backoff(failures)
                    };
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }

    /// Exponential backoff with jitter: base × 2^(n-1), ±50 %, at most 10 s.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .options
            .backoff
            .saturating_mul(1 << attempt.saturating_sub(1).min(10));
        base.min(Duration::from_secs(10))
            .mul_f64(0.5 + fastrand::f64())
    }
}

/// Refuses credentials that cannot go in an HTTP header (a pasted token with its line break,
/// say), naming which one, rather than failing later as a network error.
fn check_header_values(auth: &Auth) -> Result<(), ApiError> {
    let (what, value) = match auth {
        Auth::Token { token, client_id } => {
            check_header_value("access token", token.expose())?;
            ("client id", client_id.as_deref().unwrap_or_default())
        }
        Auth::Basic { username, .. } => ("user name", username.as_str()),
    };
    check_header_value(what, value)
}

fn check_header_value(what: &str, value: &str) -> Result<(), ApiError> {
    if reqwest::header::HeaderValue::from_str(value).is_ok() {
        return Ok(());
    }
    let which = match value
        .chars()
        .find(|c| !(' '..='~').contains(c) && *c != '\t')
    {
        Some('\n') => "a line break".to_owned(),
        Some('\r') => "a carriage return".to_owned(),
        Some(c) if c.is_control() => format!("the control character U+{:04X}", c as u32),
        Some(c) => format!("the character '{c}'"),
        None => "a character".to_owned(),
    };
    Err(ApiError::Config(format!(
        "the {what} contains {which}, which cannot be sent in an HTTP header; check it for stray characters"
    )))
}

/// Chooses the TLS implementation (ring) for every HTTP client of the process; needed once
/// before any reqwest client is built, and harmless to repeat.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// How long a 429 asks to wait: `X-Rate-Limit-Time-Reset-Ms`, else `X-Retry-After` seconds.
fn retry_wait(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let number =
        |name: &str| -> Option<u64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
    number("x-rate-limit-time-reset-ms")
        .map(Duration::from_millis)
        .or_else(|| number("x-retry-after").map(Duration::from_secs))
        .map(|wait| wait.min(Duration::from_secs(120)))
}

pub(super) fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|error| crate::store::not_json(bytes, &error.to_string()))
}

/// The error and its causes (the URL in it never holds a secret: tokens go in headers).
/// Why the store could not be reached, in a few words a person can act on: "at
/// 127.0.0.1:9: connection refused".
fn network_problem(error: &reqwest::Error, url: &Url) -> String {
    let host = match (url.host_str(), url.port_or_known_default()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => url.as_str().to_owned(),
    };
    // The innermost I/O error says it best; reqwest's own words come first otherwise.
    let mut reason = None;
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            reason = Some(match io.kind() {
                std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
                std::io::ErrorKind::ConnectionReset => "the connection was reset".to_owned(),
                std::io::ErrorKind::TimedOut => "the connection timed out".to_owned(),
                std::io::ErrorKind::UnexpectedEof => "the connection closed early".to_owned(),
                _ => io.to_string(),
            });
        }
        source = cause.source();
    }
    let reason = reason.unwrap_or_else(|| describe(error));
    format!("at {host}: {reason}")
}

fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Secret;

    fn token() -> Auth {
        Auth::Token {
            token: Secret::new("very-secret"),
            client_id: None,
        }
    }

    #[test]
    fn refuses_plain_http_except_to_this_machine() {
        assert!(
            Client::new(
                "http://127.0.0.1:8787/api/v2",
                token(),
                ClientOptions::default()
            )
            .is_ok()
        );
        assert!(
            Client::new(
                "http://localhost/api/v2/",
                token(),
                ClientOptions::default()
            )
            .is_ok()
        );
        assert!(
            Client::new(
                "https://api.bigcommerce.com/stores/abc/v2",
                token(),
                ClientOptions::default()
            )
            .is_ok()
        );
        let error = Client::new(
            "http://shop.example.com/api/v2",
            token(),
            ClientOptions::default(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("plain http"));
        assert!(Client::new("ftp://x/", token(), ClientOptions::default()).is_err());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let client = Client::new(
            "http://127.0.0.1:1/api/v2",
            token(),
            ClientOptions::default(),
        )
        .expect("a client");
        assert!(!format!("{client:?}").contains("very-secret"));
    }
}
