//! Request bodies of create, update and validate, checked field by field the way the store
//! checks them: a 400 naming the first field it refuses.

use std::net::IpAddr;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::customer::CustomerFields;
use super::error::ErrorAnswer;
use super::money::credit_from_input;
use crate::domain::rules::{
    LONG_TEXT, PASSWORD_RULE, SHORT_TEXT, looks_like_email, meets_password_rules,
};

const READ_ONLY: [&str; 6] = [
    "id",
    "date_created",
    "date_modified",
    "accepts_marketing",
    "addresses",
    "form_fields",
];

/// What a create or update body asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerRequest {
    pub fields: CustomerFields,
    /// A new password, already checked against the password rules.
    pub password: Option<String>,
}

/// Reads a create (`creating`) or update body.
pub fn parse_customer_body(bytes: &[u8], creating: bool) -> Result<CustomerRequest, ErrorAnswer> {
    let object = json_object(bytes)?;
    let mut request = CustomerRequest::default();
    let fields = &mut request.fields;
    let mut force_reset = None;
    for (name, value) in &object {
        match name.as_str() {
            "first_name" => fields.first_name = Some(name_text(name, value)?),
            "last_name" => fields.last_name = Some(name_text(name, value)?),
            "email" => fields.email = Some(email(value)?),
            "company" => fields.company = Some(text(name, value, SHORT_TEXT)?),
            "phone" => fields.phone = Some(text(name, value, SHORT_TEXT)?),
            "notes" => fields.notes = Some(text(name, value, LONG_TEXT)?),
            "tax_exempt_category" => {
                fields.tax_exempt_category = Some(text(name, value, SHORT_TEXT)?)
            }
            "registration_ip_address" => fields.registration_ip_address = Some(ip_address(value)?),
            "store_credit" => fields.store_credit = Some(store_credit(value)?),
            "customer_group_id" => fields.customer_group_id = Some(group_id(value)?),
            "reset_pass_on_login" => fields.reset_pass_on_login = Some(boolean(name, value)?),
            "_authentication" => {
                let (password, reset) = authentication(value)?;
                request.password = password;
                force_reset = reset;
            }
            read_only if READ_ONLY.contains(&read_only) => {} // a fetched customer can be sent back
            unknown => return Err(ErrorAnswer::unsupported_field(unknown)),
        }
    }
    if force_reset.is_some() {
        fields.reset_pass_on_login = force_reset;
    }
    if creating {
        for (name, given) in [
            ("first_name", fields.first_name.is_some()),
            ("last_name", fields.last_name.is_some()),
            ("email", fields.email.is_some()),
        ] {
            if !given {
                return Err(ErrorAnswer::missing_field(name));
            }
        }
    }
    Ok(request)
}

/// Reads the body of `POST /customers/{id}/validate`: the password to check.
pub fn parse_validate_body(bytes: &[u8]) -> Result<String, ErrorAnswer> {
    let object = json_object(bytes)?;
    let mut password = None;
    for (name, value) in &object {
        match name.as_str() {
            "password" => match value {
                Value::String(text) => password = Some(text.clone()),
                _ => return Err(ErrorAnswer::invalid_field("password", "must be a string")),
            },
            unknown => return Err(ErrorAnswer::unsupported_field(unknown)),
        }
    }
    password.ok_or_else(|| ErrorAnswer::missing_field("password"))
}

pub(super) fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, ErrorAnswer> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ErrorAnswer::malformed_body(
            "The request body is empty; send a JSON object.",
        ));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(ErrorAnswer::malformed_body(
            "The request body must be a JSON object.",
        )),
        Err(error) => Err(ErrorAnswer::malformed_body(format!(
            "The request body is not valid JSON: {error}."
        ))),
    }
}

pub(super) fn text(name: &str, value: &Value, max_chars: usize) -> Result<String, ErrorAnswer> {
    match value {
        Value::String(text) if text.chars().count() <= max_chars => Ok(text.clone()),
        Value::String(_) => Err(ErrorAnswer::invalid_field(
            name,
            &format!("must be at most {max_chars} characters"),
        )),
        Value::Null => Ok(String::new()),
        _ => Err(ErrorAnswer::invalid_field(name, "must be a string")),
    }
}

pub(super) fn name_text(name: &str, value: &Value) -> Result<String, ErrorAnswer> {
    let Value::String(_) = value else {
        return Err(ErrorAnswer::invalid_field(name, "must be a string"));
    };
    let text = text(name, value, SHORT_TEXT)?;
    if text.trim().is_empty() {
        return Err(ErrorAnswer::invalid_field(name, "must not be empty"));
    }
    Ok(text)
}

fn email(value: &Value) -> Result<String, ErrorAnswer> {
    let Value::String(_) = value else {
        return Err(ErrorAnswer::invalid_field("email", "must be a string"));
    };
    let email = text("email", value, SHORT_TEXT)?;
    if !looks_like_email(&email) {
        return Err(ErrorAnswer::invalid_field(
            "email",
            "must be an email address such as jane@example.com",
        ));
    }
    Ok(email)
}

fn ip_address(value: &Value) -> Result<String, ErrorAnswer> {
    let address = text("registration_ip_address", value, SHORT_TEXT)?;
    if address.is_empty() || IpAddr::from_str(&address).is_ok() {
        Ok(address)
    } else {
        Err(ErrorAnswer::invalid_field(
            "registration_ip_address",
            "must be an IPv4 or IPv6 address",
        ))
    }
}

fn store_credit(value: &Value) -> Result<i64, ErrorAnswer> {
    let invalid = || {
        ErrorAnswer::invalid_field(
            "store_credit",
            "must be an amount from 0 to 9999999999.9999, as a number or a numeric string",
        )
    };
    decimal(value)
        .and_then(credit_from_input)
        .ok_or_else(invalid)
}

/// An amount sent as a JSON number or a numeric string.
pub(super) fn decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Number(number) => Decimal::from_str(&number.to_string())
            .or_else(|_| Decimal::from_scientific(&number.to_string()))
            .ok(),
        Value::String(text) => Decimal::from_str(text.trim()).ok(),
        _ => None,
    }
}

fn group_id(value: &Value) -> Result<i64, ErrorAnswer> {
    match value.as_i64() {
        Some(id) if (0..=i64::from(i32::MAX)).contains(&id) => Ok(id),
        _ => Err(ErrorAnswer::invalid_field(
            "customer_group_id",
            "must be a whole number of 0 or more",
        )),
    }
}

pub(super) fn boolean(name: &str, value: &Value) -> Result<bool, ErrorAnswer> {
    value
        .as_bool()
        .ok_or_else(|| ErrorAnswer::invalid_field(name, "must be true or false"))
}

/// `_authentication`: returns the new password (checked) and the force-reset flag.
fn authentication(value: &Value) -> Result<(Option<String>, Option<bool>), ErrorAnswer> {
    let Value::Object(object) = value else {
        return Err(ErrorAnswer::invalid_field(
            "_authentication",
            "must be an object",
        ));
    };
    let (mut password, mut confirmation, mut force_reset) = (None, None, None);
    for (name, value) in object {
        match name.as_str() {
            "password" => password = Some(password_text("password", value)?),
            "password_confirmation" => {
                confirmation = Some(password_text("password_confirmation", value)?)
            }
            "force_reset" => force_reset = Some(boolean("force_reset", value)?),
            unknown => {
                return Err(ErrorAnswer::unsupported_field(&format!(
                    "_authentication.{unknown}"
                )));
            }
        }
    }
    if let Some(password) = &password
        && !meets_password_rules(password)
    {
        return Err(ErrorAnswer::invalid_field(
            "password",
            &format!("must be {PASSWORD_RULE}"),
        ));
    }
    if confirmation.is_some() && confirmation != password {
        return Err(ErrorAnswer::invalid_field(
            "password_confirmation",
            "must be the same as 'password'",
        ));
    }
    Ok((password, force_reset))
}

fn password_text(name: &str, value: &Value) -> Result<String, ErrorAnswer> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| ErrorAnswer::invalid_field(name, "must be a string"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn create(body: &str) -> Result<CustomerRequest, ErrorAnswer> {
        parse_customer_body(body.as_bytes(), true)
    }

    #[test]
    fn reads_a_full_customer() {
        let request = create(
            r#"{"first_name":"Ann","last_name":"Lee","email":"ann@example.com","store_credit":"12.5",
                "customer_group_id":2,"registration_ip_address":"::1","id":99,"addresses":{},
                "_authentication":{"password":"secret12","password_confirmation":"secret12","force_reset":true}}"#,
        )
        .expect("valid body");
        assert_eq!(request.fields.first_name.as_deref(), Some("Ann"));
        assert_eq!(request.fields.store_credit, Some(125_000));
        assert_eq!(request.fields.customer_group_id, Some(2));
        assert_eq!(request.fields.reset_pass_on_login, Some(true));
        assert_eq!(request.password.as_deref(), Some("secret12"));
    }

    #[test]
    fn names_the_field_it_refuses() {
        let cases = [
            (r#"{"first_name":12}"#, "The field 'first_name' is invalid."),
            (
                r#"{"first_name":"A","last_name":"B","email":"not-an-email"}"#,
                "The field 'email' is invalid.",
            ),
            (
                r#"{"store_credit":-1}"#,
                "The field 'store_credit' is invalid.",
            ),
            (
                r#"{"store_credit":"lots"}"#,
                "The field 'store_credit' is invalid.",
            ),
            (
                r#"{"customer_group_id":1.5}"#,
                "The field 'customer_group_id' is invalid.",
            ),
            (
                r#"{"registration_ip_address":"300.1.1.1"}"#,
                "The field 'registration_ip_address' is invalid.",
            ),
            (
                r#"{"_authentication":{"password":"short1"}}"#,
                "The field 'password' is invalid.",
            ),
            (
                r#"{"_authentication":{"password":"secret12","password_confirmation":"x"}}"#,
                "The field 'password_confirmation' is invalid.",
            ),
            (
                r#"{"force_reset":true}"#,
                "The field 'force_reset' is not supported by this resource.",
            ),
            (
                r#"{"nickname":"x"}"#,
                "The field 'nickname' is not supported by this resource.",
            ),
            (
                r#"{"first_name":"A","last_name":"B"}"#,
                "The required field 'email' was not supplied.",
            ),
        ];
        for (body, message) in cases {
            let error = create(body).expect_err(body);
            assert_eq!(error.status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(error.message, message, "{body}");
        }
    }

    #[test]
    fn refuses_bodies_that_are_not_objects() {
        for body in ["", "[]", "\"x\"", "{", "null", "{\"a\":\"\\ud800\"}"] {
            assert_eq!(
                create(body).expect_err(body).status,
                StatusCode::BAD_REQUEST,
                "{body}"
            );
        }
        assert!(parse_customer_body(b"\xff\xfe", false).is_err());
    }

    #[test]
    fn update_needs_no_required_field() {
        let request =
            parse_customer_body(br#"{"notes":"\u001b[31mred"}"#, false).expect("valid body");
        assert_eq!(request.fields.notes.as_deref(), Some("\u{1b}[31mred"));
        assert_eq!(request.fields.first_name, None);
    }
}
