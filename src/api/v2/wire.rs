//! The v2 API's bodies: customers, groups and addresses as the store sends them, read
//! tolerantly (`store_credit` as text or a number, nulls where text is expected, newer fields
//! missing, unknown fields ignored), and the bodies sent to it (`_authentication` for
//! passwords). Nothing outside this folder sees them.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};

use crate::domain::{
    Address, AddressChange, Customer, CustomerChange, CustomerGroup, FieldValues, FormField,
    GroupChange, NewCustomer, Secret,
};

#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct CustomerBody {
    pub id: i64,
    #[serde(default, deserialize_with = "text")]
    pub first_name: String,
    #[serde(default, deserialize_with = "text")]
    pub last_name: String,
    #[serde(default, deserialize_with = "text")]
    pub email: String,
    #[serde(default, deserialize_with = "text")]
    pub company: String,
    #[serde(default, deserialize_with = "text")]
    pub phone: String,
    #[serde(default, deserialize_with = "text")]
    pub date_created: String,
    #[serde(default, deserialize_with = "text")]
    pub date_modified: String,
    #[serde(default, deserialize_with = "credit")]
    pub store_credit: Decimal,
    #[serde(default, deserialize_with = "text")]
    pub registration_ip_address: String,
    #[serde(default, deserialize_with = "group")]
    pub customer_group_id: i64,
    #[serde(default, deserialize_with = "text")]
    pub notes: String,
    #[serde(default, deserialize_with = "text")]
    pub tax_exempt_category: String,
    #[serde(default, deserialize_with = "flag")]
    pub reset_pass_on_login: bool,
    #[serde(default, deserialize_with = "flag")]
    pub accepts_marketing: bool,
    #[serde(default)]
    pub form_fields: Option<Vec<FormFieldBody>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct FormFieldBody {
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    #[serde(default)]
    pub value: Option<Value>,
}

impl From<CustomerBody> for Customer {
    fn from(body: CustomerBody) -> Customer {
        Customer {
            id: body.id,
            first_name: body.first_name,
            last_name: body.last_name,
            email: body.email,
            company: body.company,
            phone: body.phone,
            date_created: body.date_created,
            date_modified: body.date_modified,
            store_credit: body.store_credit,
            registration_ip_address: body.registration_ip_address,
            customer_group_id: body.customer_group_id,
            notes: body.notes,
            tax_exempt_category: body.tax_exempt_category,
            reset_pass_on_login: body.reset_pass_on_login,
            accepts_marketing: body.accepts_marketing,
            form_fields: body.form_fields.map(|fields| {
                fields
                    .into_iter()
                    .map(|field| FormField {
                        name: field.name,
                        value: field.value,
                    })
                    .collect()
            }),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct GroupBody {
    #[serde(deserialize_with = "group")]
    pub id: i64,
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    #[serde(default, deserialize_with = "flag")]
    pub is_default: bool,
    #[serde(default, deserialize_with = "flag")]
    pub is_group_for_guests: bool,
    #[serde(default, deserialize_with = "text")]
    pub date_created: String,
    #[serde(default, deserialize_with = "text")]
    pub date_modified: String,
}

impl From<GroupBody> for CustomerGroup {
    fn from(body: GroupBody) -> CustomerGroup {
        CustomerGroup {
            id: body.id,
            name: body.name,
            is_default: body.is_default,
            is_group_for_guests: body.is_group_for_guests,
            date_created: body.date_created,
            date_modified: body.date_modified,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct AddressBody {
    pub id: i64,
    #[serde(default)]
    pub customer_id: i64,
    #[serde(default, deserialize_with = "text")]
    pub first_name: String,
    #[serde(default, deserialize_with = "text")]
    pub last_name: String,
    #[serde(default, deserialize_with = "text")]
    pub company: String,
    #[serde(default, deserialize_with = "text")]
    pub street_1: String,
    #[serde(default, deserialize_with = "text")]
    pub street_2: String,
    #[serde(default, deserialize_with = "text")]
    pub city: String,
    #[serde(default, deserialize_with = "text")]
    pub state: String,
    #[serde(default, deserialize_with = "text")]
    pub zip: String,
    #[serde(default, deserialize_with = "text")]
    pub country: String,
    #[serde(default, deserialize_with = "text")]
    pub country_iso2: String,
    #[serde(default, deserialize_with = "text")]
    pub phone: String,
    #[serde(default, deserialize_with = "text")]
    pub address_type: String,
}

impl From<AddressBody> for Address {
    fn from(body: AddressBody) -> Address {
        Address {
            id: body.id,
            customer_id: body.customer_id,
            first_name: body.first_name,
            last_name: body.last_name,
            company: body.company,
            street_1: body.street_1,
            street_2: body.street_2,
            city: body.city,
            state: body.state,
            zip: body.zip,
            country: body.country,
            country_iso2: body.country_iso2,
            phone: body.phone,
            address_type: body.address_type,
        }
    }
}

/// What the store says of itself (`GET /store`).
#[derive(Debug, Clone, Deserialize)]
pub(super) struct StoreBody {
    #[serde(default, deserialize_with = "text")]
    pub id: String,
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    #[serde(default, deserialize_with = "text")]
    pub domain: String,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub(super) struct Count {
    pub count: u64,
}

fn fields_body(fields: &FieldValues) -> Map<String, Value> {
    fields
        .iter()
        .map(|(field, value)| (field.name().to_owned(), value.to_json()))
        .collect()
}

/// `_authentication`, when there is a password or a reset to send.
fn authentication(password: Option<&Secret>, force_reset: Option<bool>) -> Option<Value> {
    if password.is_none() && force_reset.is_none() {
        return None;
    }
    let mut section = Map::new();
    if let Some(password) = password {
        section.insert("password".to_owned(), json!(password.expose()));
        section.insert("password_confirmation".to_owned(), json!(password.expose()));
    }
    if let Some(reset) = force_reset {
        section.insert("force_reset".to_owned(), json!(reset));
    }
    Some(Value::Object(section))
}

/// The body of a create.
pub(super) fn new_customer_body(customer: &NewCustomer) -> Value {
    let mut body = fields_body(&customer.fields);
    let reset = customer.force_password_reset.then_some(true);
    if let Some(section) = authentication(customer.password.as_ref(), reset) {
        body.insert("_authentication".to_owned(), section);
    }
    Value::Object(body)
}

/// The body of an update: only the fields that change.
pub(super) fn change_body(change: &CustomerChange) -> Value {
    let mut body = fields_body(&change.fields);
    if let Some(section) = authentication(change.password.as_ref(), change.force_password_reset) {
        body.insert("_authentication".to_owned(), section);
    }
    Value::Object(body)
}

pub(super) fn group_body(change: &GroupChange) -> Value {
    let mut body = Map::new();
    if let Some(name) = &change.name {
        body.insert("name".to_owned(), json!(name));
    }
    if let Some(is_default) = change.is_default {
        body.insert("is_default".to_owned(), json!(is_default));
    }
    Value::Object(body)
}

pub(super) fn address_body(change: &AddressChange) -> Value {
    Value::Object(
        change
            .iter()
            .map(|(name, text)| (name.clone(), json!(text)))
            .collect(),
    )
}

pub(super) fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Text(String),
        Number(serde_json::Number),
        Other(Value),
    }
    Ok(match Given::deserialize(deserializer)? {
        Given::Text(text) => text,
        Given::Number(number) => number.to_string(),
        Given::Other(Value::Null) => String::new(),
        Given::Other(other) => other.to_string(),
    })
}

fn credit<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    use serde::de::Error;
    let value = Value::deserialize(deserializer)?;
    match &value {
        Value::Null => Ok(Decimal::ZERO),
        Value::String(text) if text.trim().is_empty() => Ok(Decimal::ZERO),
        Value::String(text) => text.trim().parse().map_err(D::Error::custom),
        Value::Number(number) => {
            let text = number.to_string();
            text.parse()
                .or_else(|_| Decimal::from_scientific(&text))
                .map_err(D::Error::custom)
        }
        other => Err(D::Error::custom(format!(
            "store_credit is not an amount: {other}"
        ))),
    }
}

fn group<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    use serde::de::Error;
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(0),
        Value::Number(number) => number
            .as_i64()
            .ok_or_else(|| D::Error::custom("customer_group_id is not a whole number")),
        Value::String(text) => text.trim().parse().map_err(D::Error::custom),
        other => Err(D::Error::custom(format!(
            "customer_group_id is not a number: {other}"
        ))),
    }
}

fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Bool(flag) => flag,
        Value::Number(number) => number.as_i64().is_some_and(|n| n != 0),
        Value::String(text) => matches!(text.as_str(), "true" | "1"),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Field, format_credit};

    fn customer(json: &str) -> Customer {
        serde_json::from_str::<CustomerBody>(json)
            .expect("a customer body")
            .into()
    }

    #[test]
    fn reads_what_the_real_service_sends() {
        let customer = customer(
            r#"{"id":1,"company":"","first_name":"Random ","last_name":"Joe Bob","email":"random.joebob@example.com",
                "phone":"252-101-2010","date_created":"Tue, 13 Nov 2012 21:16:41 +0000",
                "date_modified":"Tue, 13 Nov 2012 21:16:41 +0000","store_credit":"0.0000",
                "registration_ip_address":"50.58.18.2","customer_group_id":0,"notes":"",
                "addresses":{"url":"https://x/api/v2/customers/1/addresses.json","resource":"/customers/1/addresses"}}"#,
        );
        assert_eq!(customer.id, 1);
        assert_eq!(customer.created_at(), Some(1_352_841_401));
        assert_eq!(customer.tax_exempt_category, "");
        assert_eq!(customer.form_fields, None);
    }

    #[test]
    fn tolerates_numbers_nulls_and_newer_fields() {
        let customer = customer(
            r#"{"id":2,"first_name":null,"store_credit":12.5,"customer_group_id":"3","form_fields":[{"name":"License","value":"A1"}],
                "reset_pass_on_login":true,"accepts_marketing":false,"brand_new":{"x":1}}"#,
        );
        assert_eq!(customer.first_name, "");
        assert_eq!(format_credit(customer.store_credit), "12.5000");
        assert_eq!(customer.customer_group_id, 3);
        assert_eq!(customer.form_fields.as_ref().map(Vec::len), Some(1));
        assert!(customer.reset_pass_on_login);
    }

    #[test]
    fn a_password_goes_in_authentication_with_its_confirmation() {
        let mut change = CustomerChange::default();
        change
            .fields
            .insert(Field::CustomerGroupId, crate::domain::Value::Group(2));
        change.password = Some(Secret::new("secret12"));
        assert_eq!(
            change_body(&change),
            json!({"customer_group_id": 2, "_authentication": {"password": "secret12", "password_confirmation": "secret12"}})
        );
        let again = NewCustomer {
            force_password_reset: true,
            ..NewCustomer::default()
        };
        assert_eq!(
            new_customer_body(&again),
            json!({"_authentication": {"force_reset": true}})
        );
    }
}
