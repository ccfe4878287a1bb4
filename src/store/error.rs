//! One error type for everything a store can answer, with messages a person can act on.

use std::time::Duration;

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The store answered with an error status.
    #[error("{}", status_message(*status, message, field.as_deref()))]
    Status {
        status: u16,
        message: String,
        field: Option<String>,
    },
    /// The store could not be reached; the text says where and why ("at 127.0.0.1:9:
    /// connection refused").
    #[error("cannot reach the store {0}")]
    Network(String),
    /// The store's address answered with a redirect. The v2 API never redirects, and
    /// following one would hand the credentials to whoever it points at.
    #[error(
        "the store answered {status} redirecting to {}; the v2 API never redirects, so it was not followed (check the store URL)",
        location.as_deref().unwrap_or("nowhere named")
    )]
    Redirected {
        status: u16,
        location: Option<String>,
    },
    #[error("the store did not answer within {} s", .0.as_secs())]
    Timeout(Duration),
    #[error("the store's answer could not be read: {0}")]
    InvalidResponse(String),
    #[error("{0}")]
    Config(String),
    /// A fault in this program, not the store's.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The field the store named, when it named one (e.g. `email` on a duplicate).
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Status { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// What the store said was wrong, most specific first: "The field 'email' is invalid."
    /// says less than the reason after it, so it is left out when a reason follows.
    pub fn store_reason(&self) -> Option<&str> {
        let ApiError::Status { message, field, .. } = self else {
            return None;
        };
        let generic = field
            .as_deref()
            .map(|name| format!("The field '{name}' is invalid."));
        let reason = generic
            .and_then(|generic| message.strip_prefix(&generic))
            .map(str::trim)
            .filter(|rest| !rest.is_empty())
            .unwrap_or(message);
        (!reason.is_empty()).then_some(reason)
    }

    /// Reads an error answer: the v2 array, a v3-style object, empty, or plain text.
    pub fn from_response(status: u16, body: &[u8]) -> ApiError {
        let (message, field) = match serde_json::from_slice::<Value>(body) {
            Ok(value) => messages(&value),
            Err(_) if looks_like_html(body) => (html_summary(body), None),
            Err(_) => {
                let text = String::from_utf8_lossy(body);
                let text: String = text.trim().chars().take(300).collect();
                (text, None)
            }
        };
        let field = field.or_else(|| field_in(&message));
        ApiError::Status {
            status,
            message,
            field,
        }
    }
}

/// The message(s) of a JSON error body, and a field named in its details.
fn messages(value: &Value) -> (String, Option<String>) {
    let entries: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(object) => match object.get("errors") {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(Value::Object(_)) | None => vec![value],
            Some(_) => vec![value],
        },
        _ => vec![value],
    };
    let mut texts = Vec::new();
    let mut field = None;
    for entry in entries {
        let message = ["message", "title", "detail"]
            .iter()
            .find_map(|key| entry.get(key).and_then(Value::as_str));
        if let Some(message) = message {
            texts.push(message.to_owned());
        } else if let Value::String(text) = entry {
            texts.push(text.clone());
        }
        if let Some(details) = entry.get("details").or_else(|| entry.get("errors")) {
            if let Some(reason) = details
                .as_object()
                .and_then(|d| d.values().find_map(Value::as_str))
            {
                texts.push(reason.to_owned());
            }
            if field.is_none() {
                field = details
                    .get("field")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
            }
        }
    }
    if let Some(Value::Object(errors)) = value.get("errors") {
        for (name, reason) in errors {
            field.get_or_insert_with(|| name.clone());
            if let Some(reason) = reason.as_str() {
                texts.push(format!("{name}: {reason}"));
            }
        }
    }
    (texts.join(" "), field)
}

/// A body that should have been JSON and was not: an HTML page by its title (a 200 from a
/// captive portal or a proxy's sign-in page), else what the parser said.
pub fn not_json(body: &[u8], parse_error: &str) -> ApiError {
    if looks_like_html(body) {
        ApiError::InvalidResponse(format!("the store sent {}", html_summary(body)))
    } else {
        ApiError::InvalidResponse(parse_error.to_owned())
    }
}

fn looks_like_html(body: &[u8]) -> bool {
    let start: String = String::from_utf8_lossy(&body[..body.len().min(512)])
        .trim_start()
        .chars()
        .take(100)
        .collect::<String>()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html") || start.contains("<head")
}

/// An HTML error page (a proxy's, usually) in a few words: its title, never its markup.
fn html_summary(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    let title = lower.find("<title").and_then(|open| {
        let start = open + lower[open..].find('>')? + 1;
        let end = start + lower[start..].find("</title")?;
        let title: String = text[start..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        (!title.is_empty()).then(|| title.chars().take(120).collect::<String>())
    });
    match title {
        Some(title) => {
            format!("an HTML page titled '{title}' (from a proxy or web server, not the API)")
        }
        None => "an HTML page (from a proxy or web server, not the API)".to_owned(),
    }
}

/// `The field 'email' is invalid.` names `email`.
fn field_in(message: &str) -> Option<String> {
    let start = message.find("field '")? + "field '".len();
    let end = message[start..].find('\'')? + start;
    let name = &message[start..end];
    (!name.is_empty()).then(|| {
        name.strip_prefix("_authentication.")
            .unwrap_or(name)
            .to_owned()
    })
}

fn status_message(status: u16, message: &str, field: Option<&str>) -> String {
    let advice = match status {
        401 => {
            "the store refused the credentials: check the access token (or API key) and the store hash"
        }
        403 => {
            "the API account lacks permission: give it the customers modify scope (store_v2_customers)"
        }
        404 => "not found: the customer may have been deleted, or the store URL is wrong",
        409 => "conflict with another customer",
        413 => "the request is too large for the store",
        415 | 406 => "the store and this program disagree on the content type",
        429 => "the store's rate limit was reached: wait a moment and try again",
        500..=599 => "the store failed to answer: try again shortly",
        _ => "the store refused the request",
    };
    let mut text = format!("{status}: {advice}");
    if let Some(field) = field {
        text.push_str(&format!(" (field '{field}')"));
    }
    if !message.is_empty() {
        text.push_str(&format!(". The store said: {message}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_shape_of_error_body() {
        let v2 = ApiError::from_response(409, br#"[{"status":409,"message":"The field 'email' is invalid.","details":{"conflict_reason":"taken"}}]"#);
        assert_eq!(v2.field(), Some("email"));
        assert!(v2.to_string().contains("taken"), "{v2}");
        let v3 = ApiError::from_response(
            422,
            br#"{"status":422,"title":"Invalid data","errors":{"email":"is not valid"}}"#,
        );
        assert_eq!(v3.field(), Some("email"));
        assert!(v3.to_string().contains("Invalid data"));
        let empty = ApiError::from_response(500, b"");
        assert!(empty.to_string().starts_with("500: "));
        let html = ApiError::from_response(
            502,
            b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
        );
        let said = html.to_string();
        assert!(said.starts_with("502: "), "{said}");
        assert!(said.contains("'502 Bad Gateway'"), "{said}");
        assert!(!said.contains('<'), "no markup: {said}");
        let untitled = ApiError::from_response(503, b"<!DOCTYPE html><html><body><p>down</p>");
        assert!(!untitled.to_string().contains('<'), "{untitled}");
        let password = ApiError::from_response(400, br#"[{"status":400,"message":"The field '_authentication.x' is not supported by this resource."}]"#);
        assert_eq!(password.field(), Some("x"));
    }

    #[test]
    fn says_what_to_do() {
        assert!(
            ApiError::from_response(401, b"[]")
                .to_string()
                .contains("check the access token")
        );
        assert!(
            ApiError::from_response(403, b"")
                .to_string()
                .contains("modify scope")
        );
    }
}
