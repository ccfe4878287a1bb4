//! A customer's address as the sandbox keeps it, and as the API shows it.

use serde_json::{Map, Value, json};

/// One stored address. `country` is the name the store shows for the country, and
/// `country_iso2` its code; `form_fields` is the JSON text of the array, or `None` for null.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredAddress {
    pub id: i64,
    pub customer_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub street_1: String,
    pub street_2: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub country: String,
    pub country_iso2: String,
    pub phone: String,
    pub address_type: String,
    pub form_fields: Option<String>,
}

impl StoredAddress {
    /// The object the API answers with, its keys in the real service's order.
    pub fn to_json(&self) -> Value {
        let form_fields = self
            .form_fields
            .as_deref()
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
            .unwrap_or(Value::Null);
        let mut object = Map::new();
        object.insert("id".into(), json!(self.id));
        object.insert("customer_id".into(), json!(self.customer_id));
        object.insert("first_name".into(), json!(self.first_name));
        object.insert("last_name".into(), json!(self.last_name));
        object.insert("company".into(), json!(self.company));
        object.insert("street_1".into(), json!(self.street_1));
        object.insert("street_2".into(), json!(self.street_2));
        object.insert("city".into(), json!(self.city));
        object.insert("state".into(), json!(self.state));
        object.insert("zip".into(), json!(self.zip));
        object.insert("country".into(), json!(self.country));
        object.insert("country_iso2".into(), json!(self.country_iso2));
        object.insert("phone".into(), json!(self.phone));
        object.insert("address_type".into(), json!(self.address_type));
        object.insert("form_fields".into(), form_fields);
        Value::Object(object)
    }
}

/// The writable fields a create or update request sets; `None` leaves a field as it is
/// (on create: empty, or `residential` for the type). `country` is the shown name and code.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressFields {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub street_1: Option<String>,
    pub street_2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<(String, String)>,
    pub phone: Option<String>,
    pub address_type: Option<String>,
}
