//! Request bodies of address create and update, checked field by field: a 400 naming the first
//! field refused, or the first required field missing.

use serde_json::Value;

use super::address::AddressFields;
use super::body::{json_object, name_text, text};
use super::countries::find_country;
use super::error::ErrorAnswer;
use crate::domain::rules::SHORT_TEXT;

/// Sent back by clients that fetched an address; never changed by a request (the customer is
/// the one in the path).
const READ_ONLY: [&str; 4] = ["id", "customer_id", "country_iso2", "form_fields"];

/// In the order the spec lists them, which is the order a missing one is reported in.
const REQUIRED: [&str; 8] = [
    "first_name",
    "last_name",
    "phone",
    "street_1",
    "city",
    "state",
    "zip",
    "country",
];

/// Reads a create (`creating`: every required field must be sent) or update body.
pub fn parse_address_body(bytes: &[u8], creating: bool) -> Result<AddressFields, ErrorAnswer> {
    let object = json_object(bytes)?;
    let mut fields = AddressFields::default();
    for (name, value) in &object {
        match name.as_str() {
            "first_name" => fields.first_name = Some(name_text(name, value)?),
            "last_name" => fields.last_name = Some(name_text(name, value)?),
            "phone" => fields.phone = Some(name_text(name, value)?),
            "street_1" => fields.street_1 = Some(name_text(name, value)?),
            "city" => fields.city = Some(name_text(name, value)?),
            "zip" => fields.zip = Some(name_text(name, value)?),
            "state" => fields.state = Some(state(value)?),
            "country" => fields.country = Some(country(value)?),
            "company" => fields.company = Some(text(name, value, SHORT_TEXT)?),
            "street_2" => fields.street_2 = Some(text(name, value, SHORT_TEXT)?),
            "address_type" => fields.address_type = Some(address_type(value)?),
            read_only if READ_ONLY.contains(&read_only) => {}
            unknown => return Err(ErrorAnswer::unsupported_field(unknown)),
        }
    }
    if creating && let Some(missing) = REQUIRED.iter().find(|name| !object.contains_key(**name)) {
        return Err(ErrorAnswer::missing_field(missing));
    }
    Ok(fields)
}

/// A state may not be empty, but a space is the documented stand-in where a country has none.
fn state(value: &Value) -> Result<String, ErrorAnswer> {
    let Value::String(_) = value else {
        return Err(ErrorAnswer::invalid_field("state", "must be a string"));
    };
    let state = text("state", value, SHORT_TEXT)?;
    if state.is_empty() {
        return Err(ErrorAnswer::invalid_field(
            "state",
            "must not be empty (send a space where the country has no states)",
        ));
    }
    Ok(state)
}

/// The country's full English name, in any case; kept as the name the store shows.
fn country(value: &Value) -> Result<(String, String), ErrorAnswer> {
    let unknown = || {
        ErrorAnswer::invalid_field(
            "country",
            "must be a country's full English name, such as United States",
        )
    };
    let name = value.as_str().ok_or_else(unknown)?;
    let country = find_country(name).ok_or_else(unknown)?;
    Ok((country.name.to_owned(), country.iso2.to_owned()))
}

fn address_type(value: &Value) -> Result<String, ErrorAnswer> {
    match value.as_str() {
        Some(kind @ ("residential" | "commercial")) => Ok(kind.to_owned()),
        _ => Err(ErrorAnswer::invalid_field(
            "address_type",
            "must be residential or commercial",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    const FULL: &str = r#"{"first_name":"Jane","last_name":"Doe","phone":"512-555-0100",
        "street_1":"123 Main Street","city":"Austin","state":"Texas","zip":"78726",
        "country":"united states"}"#;

    fn with(key: &str, value: Value) -> Vec<u8> {
        let mut body: serde_json::Map<String, Value> =
            serde_json::from_str(FULL).expect("the full body");
        body.insert(key.to_owned(), value);
        serde_json::to_vec(&body).expect("JSON")
    }

    fn without(key: &str) -> Vec<u8> {
        let mut body: serde_json::Map<String, Value> =
            serde_json::from_str(FULL).expect("the full body");
        body.remove(key);
        serde_json::to_vec(&body).expect("JSON")
    }

    #[test]
    fn reads_a_full_address() {
        let fields = parse_address_body(&with("address_type", Value::from("commercial")), true)
            .expect("a valid body");
        assert_eq!(
            fields.country,
            Some(("United States".to_owned(), "US".to_owned()))
        );
        assert_eq!(fields.address_type.as_deref(), Some("commercial"));
        assert_eq!(fields.company, None);
        let spaced = parse_address_body(&with("state", Value::from(" ")), true).expect("valid");
        assert_eq!(spaced.state.as_deref(), Some(" "));
    }

    #[test]
    fn names_the_missing_or_refused_field() {
        for name in REQUIRED {
            let error = parse_address_body(&without(name), true).expect_err(name);
            assert_eq!(
                error.message,
                format!("The required field '{name}' was not supplied.")
            );
        }
        let cases = [
            ("first_name", Value::from("")),
            ("city", Value::from("  ")),
            ("zip", Value::from(78726)),
            ("state", Value::from("")),
            ("state", Value::Null),
            ("country", Value::from("Atlantis")),
            ("country", Value::from("US")),
            ("address_type", Value::from("home")),
            ("street_2", Value::from(["x"])),
        ];
        for (name, value) in cases {
            let error = parse_address_body(&with(name, value.clone()), true).expect_err(name);
            assert_eq!(error.status, StatusCode::BAD_REQUEST);
            assert_eq!(
                error.message,
                format!("The field '{name}' is invalid."),
                "{name}: {value}"
            );
        }
        let unknown = parse_address_body(&with("county", Value::from("Travis")), true)
            .expect_err("an unknown field");
        assert!(unknown.message.contains("'county' is not supported"));
    }

    #[test]
    fn an_update_may_send_any_subset_and_ignores_read_only_fields() {
        let fields = parse_address_body(
            br#"{"city":"Dallas","id":4,"customer_id":9,"country_iso2":"FR","form_fields":[]}"#,
            false,
        )
        .expect("valid");
        assert_eq!(fields.city.as_deref(), Some("Dallas"));
        assert_eq!(fields.country, None);
    }
}
