//! Error answers, shaped as the real service sends them: a JSON array of
//! `{"status": N, "message": "..."}`, with a `details` object where it helps.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq)]
/// The store's answer to a request it refuses: status, message, and why.
pub struct ErrorAnswer {
    pub status: StatusCode,
    pub message: String,
    pub details: Option<Value>,
    /// For 405: the methods the resource does take.
    pub allow: Option<&'static str>,
}

impl ErrorAnswer {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ErrorAnswer {
            status,
            message: message.into(),
            details: None,
            allow: None,
        }
    }

    fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// 400 for a field whose value the store refuses, with the reason for a person.
    pub fn invalid_field(field: &str, reason: &str) -> Self {
        ErrorAnswer::new(
            StatusCode::BAD_REQUEST,
            format!("The field '{field}' is invalid."),
        )
        .with_details(json!({ "invalid_reason": format!("'{field}' {reason}.") }))
    }

    pub fn unsupported_field(field: &str) -> Self {
        ErrorAnswer::new(
            StatusCode::BAD_REQUEST,
            format!("The field '{field}' is not supported by this resource."),
        )
    }

    pub fn missing_field(field: &str) -> Self {
        ErrorAnswer::new(
            StatusCode::BAD_REQUEST,
            format!("The required field '{field}' was not supplied."),
        )
    }

    pub fn malformed_body(reason: impl Into<String>) -> Self {
        ErrorAnswer::new(StatusCode::BAD_REQUEST, "The request body is not valid.")
            .with_details(json!({ "invalid_reason": reason.into() }))
    }

    pub fn duplicate_email(email: &str) -> Self {
        ErrorAnswer::new(StatusCode::CONFLICT, "The field 'email' is invalid.").with_details(json!({
            "conflict_reason": format!("A customer with the email address '{email}' already exists."),
        }))
    }

    pub fn duplicate_group_name(name: &str) -> Self {
        ErrorAnswer::new(StatusCode::CONFLICT, "The field 'name' is invalid.").with_details(json!({
            "conflict_reason": format!("A customer group named '{name}' already exists."),
        }))
    }

    pub fn limit_too_large() -> Self {
        ErrorAnswer::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The field 'limit' is too large: at most 250 fit in one page.",
        )
    }

    pub fn body_too_large() -> Self {
        ErrorAnswer::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request body is too large.",
        )
    }

    pub fn not_found() -> Self {
        ErrorAnswer::new(
            StatusCode::NOT_FOUND,
            "The requested resource was not found.",
        )
    }

    pub fn unauthorized() -> Self {
        ErrorAnswer::new(
            StatusCode::UNAUTHORIZED,
            "You are not authorized to access this resource: send a valid X-Auth-Token.",
        )
    }

    pub fn method_not_allowed(allow: &'static str) -> Self {
        let mut error = ErrorAnswer::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "The requested method is not supported by this resource.",
        );
        error.allow = Some(allow);
        error
    }

    pub fn not_acceptable() -> Self {
        ErrorAnswer::new(
            StatusCode::NOT_ACCEPTABLE,
            "The requested content type is not available: accept application/json.",
        )
    }

    pub fn unsupported_media_type() -> Self {
        ErrorAnswer::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "The request body must be sent as application/json.",
        )
    }

    pub fn rate_limited() -> Self {
        ErrorAnswer::new(
            StatusCode::TOO_MANY_REQUESTS,
            "The rate limit of this store was exceeded: wait for the time given in X-Retry-After.",
        )
    }

    pub fn internal() -> Self {
        ErrorAnswer::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "An internal error occurred.",
        )
    }

    pub fn unavailable() -> Self {
        ErrorAnswer::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "The store is temporarily unavailable. Try again shortly.",
        )
    }

    pub fn body(&self) -> Value {
        let mut entry = json!({ "status": self.status.as_u16(), "message": self.message });
        if let (Some(details), Some(map)) = (&self.details, entry.as_object_mut()) {
            map.insert("details".into(), details.clone());
        }
        Value::Array(vec![entry])
    }
}

impl IntoResponse for ErrorAnswer {
    fn into_response(self) -> Response {
        let mut response = (self.status, json_body(&self.body())).into_response();
        if let Some(allow) = self.allow {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}

/// A JSON body with its content type.
pub fn json_body(value: &Value) -> ([(header::HeaderName, HeaderValue); 1], String) {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        value.to_string(),
    )
}
