//! A customer's addresses (`/customers/{id}/addresses`). The customer object carries only a
//! link to them, so they are read one customer at a time.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::client::{Repeat, decode};
use super::model::text;
use super::{ApiError, Client, MAX_PAGE_SIZE};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Address {
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
    /// The full English name ("United States").
    #[serde(default, deserialize_with = "text")]
    pub country: String,
    #[serde(default, deserialize_with = "text")]
    pub country_iso2: String,
    #[serde(default, deserialize_with = "text")]
    pub phone: String,
    #[serde(default, deserialize_with = "text")]
    pub address_type: String,
}

/// The address fields a create or update may set, by API name, in the order a form shows them.
pub const ADDRESS_FIELDS: [&str; 11] = [
    "first_name",
    "last_name",
    "company",
    "street_1",
    "street_2",
    "city",
    "state",
    "zip",
    "country",
    "phone",
    "address_type",
];

impl Address {
    /// The fields that create this address again (for a restore): everything writable.
    pub fn writable_fields(&self) -> Map<String, Value> {
        let mut fields = match json!({
            "first_name": self.first_name,
            "last_name": self.last_name,
            "company": self.company,
            "street_1": self.street_1,
            "street_2": self.street_2,
            "city": self.city,
            // The store refuses an empty state; a space stands for "none" (its own convention).
            "state": if self.state.is_empty() { " " } else { self.state.as_str() },
            "zip": self.zip,
            "country": self.country,
            "phone": self.phone,
        }) {
            Value::Object(fields) => fields,
            _ => Map::new(),
        };
        if !self.address_type.is_empty() {
            fields.insert(
                "address_type".into(),
                Value::from(self.address_type.clone()),
            );
        }
        fields
    }

    /// One line for a list: "12 Main St, Springfield, Illinois 62701, United States".
    pub fn one_line(&self) -> String {
        let street = [self.street_1.trim(), self.street_2.trim()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let place = format!("{} {}", self.state.trim(), self.zip.trim());
        [
            street.as_str(),
            self.city.trim(),
            place.trim(),
            self.country.trim(),
        ]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
    }
}

impl Client {
    /// Every address of a customer, in id order.
    pub async fn addresses(&self, customer_id: i64) -> Result<Vec<Address>, ApiError> {
        let path = format!("customers/{customer_id}/addresses");
        let mut addresses = Vec::new();
        for page in 1u64.. {
            let query = [
                ("page", page.to_string()),
                ("limit", MAX_PAGE_SIZE.to_string()),
            ];
            let answer = self
                .send(Method::GET, &path, &query, None, Repeat::Safe)
                .await?;
            let Some(bytes) = answer else { break };
            let batch: Vec<Address> = decode(&bytes)?;
            let last = (batch.len() as u64) < MAX_PAGE_SIZE;
            addresses.extend(batch);
            if last {
                break;
            }
        }
        Ok(addresses)
    }

    pub async fn create_address(
        &self,
        customer_id: i64,
        fields: &Map<String, Value>,
    ) -> Result<Address, ApiError> {
        let path = format!("customers/{customer_id}/addresses");
        let body = Value::Object(fields.clone());
        let answer = self
            .send(
                Method::POST,
                &path,
                &[],
                Some(&body),
                Repeat::OnlyIfUnprocessed,
            )
            .await?;
        decode(&answer.unwrap_or_default())
    }

    pub async fn update_address(
        &self,
        customer_id: i64,
        address_id: i64,
        changes: &Map<String, Value>,
    ) -> Result<Address, ApiError> {
        let path = format!("customers/{customer_id}/addresses/{address_id}");
        let body = Value::Object(changes.clone());
        let answer = self
            .send(Method::PUT, &path, &[], Some(&body), Repeat::Safe)
            .await?;
        decode(&answer.unwrap_or_default())
    }

    pub async fn delete_address(&self, customer_id: i64, address_id: i64) -> Result<(), ApiError> {
        let path = format!("customers/{customer_id}/addresses/{address_id}");
        self.send(Method::DELETE, &path, &[], None, Repeat::Safe)
            .await?;
        Ok(())
    }
}
