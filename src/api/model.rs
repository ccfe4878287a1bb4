//! Customers as the v2 API sends them, read tolerantly: `store_credit` as a string or a
//! number, `form_fields` as an array or null, nulls where text is expected, newer fields
//! missing, unknown fields ignored.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use crate::dates::parse_api_date;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Customer {
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
    /// As the store wrote it (RFC 2822); see [`Customer::created_at`].
    #[serde(default, deserialize_with = "text")]
    pub date_created: String,
    #[serde(default, deserialize_with = "text")]
    pub date_modified: String,
    #[serde(default, deserialize_with = "credit", serialize_with = "credit_text")]
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
    pub form_fields: Option<Vec<FormField>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FormField {
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    #[serde(default)]
    pub value: Option<serde_json::Value>,
}

impl Customer {
    /// Seconds since the Unix epoch of `date_created`, when the store's text can be read.
    pub fn created_at(&self) -> Option<i64> {
        parse_api_date(&self.date_created)
    }

    pub fn modified_at(&self) -> Option<i64> {
        parse_api_date(&self.date_modified)
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }

    /// The fields a create or update may set, as text: first name, last name, email,
    /// company, phone, store credit, group id, registration IP, notes, tax-exempt category.
    pub fn writable_texts(&self) -> [String; 10] {
        [
            self.first_name.clone(),
            self.last_name.clone(),
            self.email.clone(),
            self.company.clone(),
            self.phone.clone(),
            format_credit(self.store_credit),
            self.customer_group_id.to_string(),
            self.registration_ip_address.clone(),
            self.notes.clone(),
            self.tax_exempt_category.clone(),
        ]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Count {
    pub count: u64,
}

pub(super) fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Text(String),
        Number(serde_json::Number),
        Other(serde_json::Value),
    }
    Ok(match Given::deserialize(deserializer)? {
        Given::Text(text) => text,
        Given::Number(number) => number.to_string(),
        Given::Other(serde_json::Value::Null) => String::new(),
        Given::Other(other) => other.to_string(),
    })
}

fn credit<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    use serde::de::Error;
    let value = serde_json::Value::deserialize(deserializer)?;
    match &value {
        serde_json::Value::Null => Ok(Decimal::ZERO),
        serde_json::Value::String(text) if text.trim().is_empty() => Ok(Decimal::ZERO),
        serde_json::Value::String(text) => text.trim().parse().map_err(D::Error::custom),
        serde_json::Value::Number(number) => {
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

fn credit_text<S: serde::Serializer>(credit: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_credit(*credit))
}

/// `12.5000`: four decimals, as the store writes amounts.
pub fn format_credit(credit: Decimal) -> String {
    format!("{:.4}", credit)
}

pub(super) fn group<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    use serde::de::Error;
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => Ok(0),
        serde_json::Value::Number(number) => number
            .as_i64()
            .ok_or_else(|| D::Error::custom("customer_group_id is not a whole number")),
        serde_json::Value::String(text) => text.trim().parse().map_err(D::Error::custom),
        other => Err(D::Error::custom(format!(
            "customer_group_id is not a number: {other}"
        ))),
    }
}

pub(super) fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Bool(flag) => flag,
        serde_json::Value::Number(number) => number.as_i64().is_some_and(|n| n != 0),
        serde_json::Value::String(text) => matches!(text.as_str(), "true" | "1"),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_real_service_sends() {
        let customer: Customer = serde_json::from_str(
            r#"{"id":1,"company":"","first_name":"Random ","last_name":"Joe Bob","email":"random.joebob@example.com",
                "phone":"252-101-2010","date_created":"Tue, 13 Nov 2012 21:16:41 +0000",
                "date_modified":"Tue, 13 Nov 2012 21:16:41 +0000","store_credit":"0.0000",
                "registration_ip_address":"50.58.18.2","customer_group_id":0,"notes":"",
                "addresses":{"url":"https://x/api/v2/customers/1/addresses.json","resource":"/customers/1/addresses"}}"#,
        )
        .expect("the doc's example");
        assert_eq!(customer.id, 1);
        assert_eq!(customer.created_at(), Some(1_352_841_401));
        assert_eq!(customer.tax_exempt_category, "");
        assert_eq!(customer.form_fields, None);
    }

    #[test]
    fn tolerates_numbers_nulls_and_newer_fields() {
        let customer: Customer = serde_json::from_str(
            r#"{"id":2,"first_name":null,"store_credit":12.5,"customer_group_id":"3","form_fields":[{"name":"License","value":"A1"}],
                "reset_pass_on_login":true,"accepts_marketing":false,"brand_new":{"x":1}}"#,
        )
        .expect("a tolerant read");
        assert_eq!(customer.first_name, "");
        assert_eq!(format_credit(customer.store_credit), "12.5000");
        assert_eq!(customer.customer_group_id, 3);
        assert_eq!(customer.form_fields.as_ref().map(Vec::len), Some(1));
        assert!(customer.reset_pass_on_login);
        let json = serde_json::to_value(&customer).expect("serialises");
        assert_eq!(json["store_credit"], "12.5000");
    }
}
