//! The sandbox's HTTP face: routes the v2 Customers resource under `/stores/{hash}/v2` and
//! `/api/v2` (with or without `.json`), checks credentials, quota, content types and methods in
//! the real service's order, and answers with its status codes, headers and bodies.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Value, json};

use super::body::{parse_customer_body, parse_validate_body};
use super::error::{ErrorAnswer, json_body};
use super::filter::{parse_collection_query, refuse_parameters};
use super::rate_limit::RateLimiter;
use super::store::{Store, WriteError};
use crate::dates::now_unix;

/// Bodies above 1 MiB are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub struct SandboxState {
    pub store: Arc<Store>,
    pub token: String,
    pub limiter: RateLimiter,
    pub latency: Duration,
    pub fail_rate: f64,
    pub local_addr: SocketAddr,
}

pub fn router(state: Arc<SandboxState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// The resources of the v2 Customers API that the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resource {
    Customers,
    Count,
    /// `None`: an id too large to exist.
    Customer(Option<i64>),
    Validate(Option<i64>),
}

impl Resource {
    fn allowed_methods(self) -> &'static str {
        match self {
            Resource::Customers => "GET, HEAD, POST, DELETE",
            Resource::Count => "GET, HEAD",
            Resource::Customer(_) => "GET, HEAD, PUT, DELETE",
            Resource::Validate(_) => "POST",
        }
    }
}

/// A path inside the store: its API prefix (`/stores/abc/v2` or `/api/v2`) and the resource,
/// if it names one the sandbox serves.
fn parse_path(path: &str) -> Option<(&str, Option<Resource>)> {
    let rest_start = if let Some(rest) = path.strip_prefix("/stores/") {
        let (hash, _) = rest.split_once('/')?;
        let valid_hash = !hash.is_empty()
            && hash
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid_hash || !rest[hash.len()..].starts_with("/v2") {
            return None;
        }
        "/stores/".len() + hash.len() + "/v2".len()
    } else if path.starts_with("/api/v2") {
        "/api/v2".len()
    } else {
        return None;
    };
    let (prefix, rest) = path.split_at(rest_start);
    if !rest.is_empty() && !rest.starts_with('/') {
        return None;
    }
    let rest = rest.strip_suffix(".json").unwrap_or(rest);
    let segments: Vec<&str> = rest.split('/').skip(1).collect();
    let id = |segment: &str| -> Option<Option<i64>> {
        let digits = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| segment.parse::<i64>().ok().filter(|id| *id > 0))
    };
    let resource = match segments.as_slice() {
        ["customers"] => Some(Resource::Customers),
        ["customers", "count"] => Some(Resource::Count),
        ["customers", segment] => id(segment).map(Resource::Customer),
        ["customers", segment, "validate"] => id(segment).map(Resource::Validate),
        _ => None,
    };
    Some((prefix, resource))
}

async fn handle(State(state): State<Arc<SandboxState>>, request: Request) -> Response {
    let started = Instant::now();
    if !state.latency.is_zero() {
        tokio::time::sleep(state.latency).await;
    }
    let (parts, body) = request.into_parts();
    let authorized = authorized(&parts.headers, &state.token);
    // Only requests with valid credentials count against the store's quota.
    let budget = if authorized {
        state.limiter.take()
    } else {
        state.limiter.peek()
    };
    let mut response = match parse_path(parts.uri.path()) {
        None => ErrorAnswer::not_found().into_response(),
        Some(_) if !authorized => ErrorAnswer::unauthorized().into_response(),
        Some(_) if !budget.allowed => ErrorAnswer::rate_limited().into_response(),
        Some(_) if state.fail_rate > 0.0 && fastrand::f64() < state.fail_rate => {
            let failure = if fastrand::bool() {
                ErrorAnswer::internal()
            } else {
                ErrorAnswer::unavailable()
            };
            failure.into_response()
        }
        Some((_, None)) => ErrorAnswer::not_found().into_response(),
        Some((prefix, Some(resource))) => {
            let base_url = base_url(&parts.headers, state.local_addr, prefix);
            serve(&state, resource, &base_url, &parts, body)
                .await
                .unwrap_or_else(IntoResponse::into_response)
        }
    };
    state.limiter.write_headers(budget, response.headers_mut());
    if response.status() == StatusCode::NO_CONTENT {
        response.headers_mut().remove(header::CONTENT_TYPE);
    }
    tracing::debug!(
        method = %parts.method,
        path = %parts.uri.path(),
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "sandbox request"
    );
    response
}

async fn serve(
    state: &SandboxState,
    resource: Resource,
    base_url: &str,
    parts: &Parts,
    body: Body,
) -> Result<Response, ErrorAnswer> {
    check_accept(&parts.headers)?;
    let query = parts.uri.query();
    let method = if parts.method == Method::HEAD {
        Method::GET
    } else {
        parts.method.clone()
    };
    match (resource, method) {
        (Resource::Customers, Method::GET) => {
            let request = parse_collection_query(query)?;
            let customers = blocking(state, move |store| {
                store.list(&request.filter, request.paging)
            })
            .await?;
            if customers.is_empty() {
                return Ok(StatusCode::NO_CONTENT.into_response());
            }
            let list: Vec<Value> = customers
                .iter()
                .map(|customer| customer.to_json(base_url))
                .collect();
            Ok(ok_json(StatusCode::OK, &Value::Array(list)))
        }
        (Resource::Count, Method::GET) => {
            let request = parse_collection_query(query)?;
            let count = blocking(state, move |store| store.count(&request.filter)).await?;
            Ok(ok_json(StatusCode::OK, &json!({ "count": count })))
        }
        (Resource::Customers, Method::DELETE) => {
            let request = parse_collection_query(query)?;
            let paging = request.paging.explicit.then_some(request.paging);
            let deleted = blocking(state, move |store| {
                store.delete_matching(&request.filter, paging)
            })
            .await?;
            tracing::info!(deleted, "sandbox bulk delete");
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        (Resource::Customers, Method::POST) => {
            refuse_parameters(query)?;
            let bytes = read_json_body(&parts.headers, body).await?;
            let request = parse_customer_body(&bytes, true)?;
            let email = request.fields.email.clone().unwrap_or_default();
            let created = write_blocking(state, move |store| {
                let hash = request.password.as_deref().map(hash_password).transpose()?;
                store.create(&request.fields, hash.as_deref(), now_unix())
            })
            .await
            .map_err(|error| write_error(error, &email))?;
            Ok(ok_json(StatusCode::CREATED, &created.to_json(base_url)))
        }
        (Resource::Customer(id), Method::GET) => {
            refuse_parameters(query)?;
            let id = id.ok_or_else(ErrorAnswer::not_found)?;
            let customer = blocking(state, move |store| store.get(id)).await?;
            let customer = customer.ok_or_else(ErrorAnswer::not_found)?;
            Ok(ok_json(StatusCode::OK, &customer.to_json(base_url)))
        }
        (Resource::Customer(id), Method::PUT) => {
            refuse_parameters(query)?;
            let bytes = read_json_body(&parts.headers, body).await?;
            let request = parse_customer_body(&bytes, false)?;
            let id = id.ok_or_else(ErrorAnswer::not_found)?;
            let email = request.fields.email.clone().unwrap_or_default();
            let updated = write_blocking(state, move |store| {
                let hash = request.password.as_deref().map(hash_password).transpose()?;
                store.update(id, &request.fields, hash.as_deref(), now_unix())
            })
            .await
            .map_err(|error| write_error(error, &email))?;
            let updated = updated.ok_or_else(ErrorAnswer::not_found)?;
            Ok(ok_json(StatusCode::OK, &updated.to_json(base_url)))
        }
        (Resource::Customer(id), Method::DELETE) => {
            refuse_parameters(query)?;
            let id = id.ok_or_else(ErrorAnswer::not_found)?;
            if blocking(state, move |store| store.delete(id)).await? {
                Ok(StatusCode::NO_CONTENT.into_response())
            } else {
                Err(ErrorAnswer::not_found())
            }
        }
        (Resource::Validate(id), Method::POST) => {
            refuse_parameters(query)?;
            let bytes = read_json_body(&parts.headers, body).await?;
            let password = parse_validate_body(&bytes)?;
            let id = id.ok_or_else(ErrorAnswer::not_found)?;
            let hash = blocking(state, move |store| store.password_hash(id)).await?;
            let hash = hash.ok_or_else(ErrorAnswer::not_found)?;
            let success = match hash {
                Some(hash) => {
                    tokio::task::spawn_blocking(move || password_matches(&password, &hash))
                        .await
                        .unwrap_or(false)
                }
                None => false, // generated by the store and never disclosed: nothing can match
            };
            Ok(ok_json(StatusCode::OK, &json!({ "success": success })))
        }
        (resource, _) => Err(ErrorAnswer::method_not_allowed(resource.allowed_methods())),
    }
}

fn ok_json(status: StatusCode, value: &Value) -> Response {
    (status, json_body(value)).into_response()
}

/// Runs a read on the blocking pool; a storage failure is logged and answered as 500.
async fn blocking<T: Send + 'static>(
    state: &SandboxState,
    work: impl FnOnce(&Store) -> rusqlite::Result<T> + Send + 'static,
) -> Result<T, ErrorAnswer> {
    let store = state.store.clone();
    match tokio::task::spawn_blocking(move || work(&store)).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => {
            tracing::error!(%error, "sandbox storage failed");
            Err(ErrorAnswer::internal())
        }
        Err(error) => {
            tracing::error!(%error, "sandbox storage task failed");
            Err(ErrorAnswer::internal())
        }
    }
}

async fn write_blocking<T: Send + 'static>(
    state: &SandboxState,
    work: impl FnOnce(&Store) -> Result<T, WriteError> + Send + 'static,
) -> Result<T, WriteError> {
    let store = state.store.clone();
    tokio::task::spawn_blocking(move || work(&store))
        .await
        .unwrap_or_else(|_| Err(WriteError::Storage(rusqlite::Error::InvalidQuery)))
}

fn write_error(error: WriteError, email: &str) -> ErrorAnswer {
    match error {
        WriteError::DuplicateEmail => ErrorAnswer::duplicate_email(email),
        WriteError::Storage(error) => {
            tracing::error!(%error, "sandbox storage failed");
            ErrorAnswer::internal()
        }
    }
}

fn hash_password(password: &str) -> Result<String, WriteError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| WriteError::Storage(rusqlite::Error::InvalidQuery))
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// `X-Auth-Token: <token>`, or HTTP Basic whose password is the token (legacy API keys).
fn authorized(headers: &HeaderMap, token: &str) -> bool {
    if let Some(given) = headers.get("x-auth-token") {
        return same_secret(given.as_bytes(), token.as_bytes());
    }
    let Some(credentials) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Basic ")
                .or_else(|| value.strip_prefix("basic "))
        })
    else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(credentials.trim()) else {
        return false;
    };
    match decoded.iter().position(|&b| b == b':') {
        Some(colon) => same_secret(&decoded[colon + 1..], token.as_bytes()),
        None => false,
    }
}

/// Compares secrets in time that does not depend on where they differ.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// 406 unless the client accepts JSON (no `Accept` at all means anything).
fn check_accept(headers: &HeaderMap) -> Result<(), ErrorAnswer> {
    let mut values = headers.get_all(header::ACCEPT).iter().peekable();
    if values.peek().is_none() {
        return Ok(());
    }
    let acceptable = values
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|range| {
            let media = range
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            media.is_empty()
                || media == "*/*"
                || media == "application/*"
                || media == "application/json"
                || media.ends_with("+json")
        });
    if acceptable {
        Ok(())
    } else {
        Err(ErrorAnswer::not_acceptable())
    }
}

/// The body of a POST or PUT: JSON, at most 1 MiB.
async fn read_json_body(headers: &HeaderMap, body: Body) -> Result<Bytes, ErrorAnswer> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|media| media == "application/json" || media.ends_with("+json"));
    if !is_json {
        return Err(ErrorAnswer::unsupported_media_type());
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(ErrorAnswer::body_too_large());
    }
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ErrorAnswer::body_too_large())
}

/// The API base as the client reached it, for links in answers. A `Host` header that is not a
/// plain host name or address is not trusted; the listening address is used instead.
fn base_url(headers: &HeaderMap, local_addr: SocketAddr, prefix: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| {
            !host.is_empty()
                && host.len() <= 255
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]_".contains(&b))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| local_addr.to_string());
    format!("http://{host}{prefix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_both_prefixes_with_and_without_json() {
        let cases = [
            (
                "/stores/abc123/v2/customers",
                Some(("/stores/abc123/v2", Some(Resource::Customers))),
            ),
            (
                "/api/v2/customers.json",
                Some(("/api/v2", Some(Resource::Customers))),
            ),
            (
                "/api/v2/customers/count.json",
                Some(("/api/v2", Some(Resource::Count))),
            ),
            (
                "/api/v2/customers/7",
                Some(("/api/v2", Some(Resource::Customer(Some(7))))),
            ),
            (
                "/api/v2/customers/7.json",
                Some(("/api/v2", Some(Resource::Customer(Some(7))))),
            ),
            (
                "/api/v2/customers/99999999999999999999",
                Some(("/api/v2", Some(Resource::Customer(None)))),
            ),
            (
                "/api/v2/customers/7/validate",
                Some(("/api/v2", Some(Resource::Validate(Some(7))))),
            ),
            ("/api/v2/customers/abc", Some(("/api/v2", None))),
            ("/api/v2/customers/", Some(("/api/v2", None))),
            ("/api/v2/orders", Some(("/api/v2", None))),
            ("/api/v2x/customers", None),
            ("/stores//v2/customers", None),
            ("/", None),
        ];
        for (path, expected) in cases {
            assert_eq!(parse_path(path), expected, "{path}");
        }
    }

    #[test]
    fn accepts_token_or_basic_auth() {
        let mut headers = HeaderMap::new();
        assert!(!authorized(&headers, "secret"));
        headers.insert("x-auth-token", "secret".parse().expect("header"));
        assert!(authorized(&headers, "secret"));
        headers.insert("x-auth-token", "secreT".parse().expect("header"));
        assert!(!authorized(&headers, "secret"));
        let mut basic = HeaderMap::new();
        let encoded = base64::engine::general_purpose::STANDARD.encode("admin:secret");
        basic.insert(
            header::AUTHORIZATION,
            format!("Basic {encoded}").parse().expect("header"),
        );
        assert!(authorized(&basic, "secret"));
    }

    #[test]
    fn accept_header_must_allow_json() {
        let mut headers = HeaderMap::new();
        assert!(check_accept(&headers).is_ok());
        headers.insert(
            header::ACCEPT,
            "text/html, application/json;q=0.9".parse().expect("header"),
        );
        assert!(check_accept(&headers).is_ok());
        headers.insert(header::ACCEPT, "text/xml".parse().expect("header"));
        assert_eq!(
            check_accept(&headers).unwrap_err().status,
            StatusCode::NOT_ACCEPTABLE
        );
    }
}
