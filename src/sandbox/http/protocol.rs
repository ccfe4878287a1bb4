//! The protocol around every resource: credentials, content negotiation, request bodies and
//! the base URL that links in answers are built from.

use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use base64::Engine;

use super::super::error::ErrorAnswer;

/// Bodies above 1 MiB are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// `X-Auth-Token: <token>`, or HTTP Basic whose password is the token (legacy API keys).
pub fn authorized(headers: &HeaderMap, token: &str) -> bool {
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
pub fn check_accept(headers: &HeaderMap) -> Result<(), ErrorAnswer> {
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
pub async fn read_json_body(headers: &HeaderMap, body: Body) -> Result<Bytes, ErrorAnswer> {
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
pub fn base_url(headers: &HeaderMap, local_addr: SocketAddr, prefix: &str) -> String {
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
    use axum::http::StatusCode;

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
