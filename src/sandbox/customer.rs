//! A customer as the sandbox keeps it, and as the API shows it.

use serde_json::{Map, Value, json};

use super::money::format_credit;
use crate::dates::format_api_date;

/// One stored customer. Dates are seconds since the Unix epoch; store credit is in
/// ten-thousandths; `form_fields` is the JSON text of the array, or `None` for null.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredCustomer {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub company: String,
    pub phone: String,
    pub store_credit: i64,
    pub registration_ip_address: String,
    pub customer_group_id: i64,
    pub notes: String,
    pub tax_exempt_category: String,
    pub date_created: i64,
    pub date_modified: i64,
    pub reset_pass_on_login: bool,
    pub accepts_marketing: bool,
    pub form_fields: Option<String>,
}

impl StoredCustomer {
    /// The object the API answers with. `base_url` is the store's own API base, from which the
    /// `addresses` link is built.
    pub fn to_json(&self, base_url: &str) -> Value {
        let resource = format!("/customers/{}/addresses", self.id);
        let form_fields = self
            .form_fields
            .as_deref()
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
            .unwrap_or(Value::Null);
        // Key order follows the real service's, which helps anyone diffing the two.
        let mut object = Map::new();
        object.insert("id".into(), json!(self.id));
        object.insert("company".into(), json!(self.company));
        object.insert("first_name".into(), json!(self.first_name));
        object.insert("last_name".into(), json!(self.last_name));
        object.insert("email".into(), json!(self.email));
        object.insert("phone".into(), json!(self.phone));
        object.insert("form_fields".into(), form_fields);
        object.insert(
            "date_created".into(),
            json!(format_api_date(self.date_created)),
        );
        object.insert(
            "date_modified".into(),
            json!(format_api_date(self.date_modified)),
        );
        object.insert(
            "store_credit".into(),
            json!(format_credit(self.store_credit)),
        );
        object.insert(
            "registration_ip_address".into(),
            json!(self.registration_ip_address),
        );
        object.insert("customer_group_id".into(), json!(self.customer_group_id));
        object.insert("notes".into(), json!(self.notes));
        object.insert(
            "tax_exempt_category".into(),
            json!(self.tax_exempt_category),
        );
        object.insert(
            "reset_pass_on_login".into(),
            json!(self.reset_pass_on_login),
        );
        object.insert("accepts_marketing".into(), json!(self.accepts_marketing));
        object.insert(
            "addresses".into(),
            json!({ "url": format!("{base_url}{resource}"), "resource": resource }),
        );
        Value::Object(object)
    }
}

/// The writable fields a create or update request sets; `None` leaves a field as it is
/// (on create: empty, zero or false).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerFields {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub store_credit: Option<i64>,
    pub registration_ip_address: Option<String>,
    pub customer_group_id: Option<i64>,
    pub notes: Option<String>,
    pub tax_exempt_category: Option<String>,
    pub reset_pass_on_login: Option<bool>,
}
