//! A customer as this program keeps it: in backups, the ledger and the search index. Read
//! from older files too (they held the store's rows, which have the same names), so a
//! missing field reads as empty.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::dates::parse_api_date;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Customer {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub company: String,
    pub phone: String,
    /// As the store wrote it (RFC 2822); see [`Customer::created_at`].
    pub date_created: String,
    pub date_modified: String,
    #[serde(with = "credit_text")]
    pub store_credit: Decimal,
    pub registration_ip_address: String,
    pub customer_group_id: i64,
    pub notes: String,
    pub tax_exempt_category: String,
    pub reset_pass_on_login: bool,
    pub accepts_marketing: bool,
    pub form_fields: Option<Vec<FormField>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FormField {
    #[serde(default)]
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
}

/// `12.5000`: four decimals, as the store writes amounts.
pub fn format_credit(credit: Decimal) -> String {
    format!("{:.4}", credit)
}

/// Store credit kept as the store's four-decimal text, read back from text or a number.
mod credit_text {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(credit: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::format_credit(*credit))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(deserializer)? {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_files_read_and_amounts_keep_four_places() {
        let old = r#"{"id":7,"first_name":"Ada","last_name":"L","email":"a@example.com","store_credit":"1.5000",
            "customer_group_id":2,"date_created":"Tue, 13 Nov 2012 21:16:41 +0000"}"#;
        let customer: Customer = serde_json::from_str(old).expect("reads");
        assert_eq!(customer.id, 7);
        assert_eq!(customer.created_at(), Some(1_352_841_401));
        assert_eq!(customer.notes, "");
        let json = serde_json::to_value(&customer).expect("writes");
        assert_eq!(json["store_credit"], "1.5000");
        let again: Customer = serde_json::from_value(json).expect("reads back");
        assert_eq!(again, customer);
    }
}
