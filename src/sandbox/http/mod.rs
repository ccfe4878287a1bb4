//! The sandbox's HTTP face: routes the v2 resources under `/stores/{hash}/v2` and `/api/v2`
//! (with or without `.json`), checks credentials, quota, content types and methods in the real
//! service's order, and answers with its status codes, headers and bodies.

mod addresses;
mod customers;
mod groups;
mod protocol;
mod routes;
mod store_info;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::error::{ErrorAnswer, json_body};
use super::rate_limit::RateLimiter;
use super::store::{Store, WriteError};
use protocol::{authorized, base_url, check_accept};
use routes::{Resource, parse_path};

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

/// One request, past the checks every resource shares, as its resource's handler sees it.
struct Call<'a> {
    state: &'a SandboxState,
    parts: &'a Parts,
    /// The store's API base as the client reached it, for links in answers.
    base_url: &'a str,
    query: Option<&'a str>,
    /// HEAD is served as GET (hyper drops the body).
    method: Method,
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
    let method = if parts.method == Method::HEAD {
        Method::GET
    } else {
        parts.method.clone()
    };
    let call = Call {
        state,
        parts,
        base_url,
        query: parts.uri.query(),
        method,
    };
    match resource {
        Resource::Customers | Resource::Count | Resource::Customer(_) | Resource::Validate(_) => {
            customers::serve(&call, resource, body).await
        }
        Resource::Groups | Resource::GroupCount | Resource::Group(_) => {
            groups::serve(&call, resource, body).await
        }
        Resource::Addresses(_) | Resource::AddressCount(_) | Resource::Address(..) => {
            addresses::serve(&call, resource, body).await
        }
        Resource::StoreInfo => store_info::serve(&call).await,
    }
}

fn ok_json(status: StatusCode, value: &Value) -> Response {
    (status, json_body(value)).into_response()
}

/// A list answer: 204 with no body when it is empty, as the real service does.
fn list_json(items: Vec<Value>) -> Response {
    if items.is_empty() {
        StatusCode::NO_CONTENT.into_response()
    } else {
        ok_json(StatusCode::OK, &Value::Array(items))
    }
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

/// Runs a write on the blocking pool; the caller turns its refusals into answers.
async fn write_blocking<T: Send + 'static>(
    state: &SandboxState,
    work: impl FnOnce(&Store) -> Result<T, WriteError> + Send + 'static,
) -> Result<T, WriteError> {
    let store = state.store.clone();
    tokio::task::spawn_blocking(move || work(&store))
        .await
        .unwrap_or_else(|_| Err(WriteError::Storage(rusqlite::Error::InvalidQuery)))
}

/// A storage failure behind a write: logged, answered as 500.
fn storage_failure(error: rusqlite::Error) -> ErrorAnswer {
    tracing::error!(%error, "sandbox storage failed");
    ErrorAnswer::internal()
}

/// A refusal that the write behind this resource cannot make: a bug, answered as 500.
fn unexpected(error: WriteError) -> ErrorAnswer {
    tracing::error!(%error, "a sandbox write refused for a reason it cannot have");
    ErrorAnswer::internal()
}
