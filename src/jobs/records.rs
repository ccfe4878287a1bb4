//! A customer with its addresses: one line of a backup, or of an export with addresses. The
//! customer object carries only a link to its addresses, so they are read one customer at a
//! time, a few at once.

use futures::StreamExt;
use serde::{Deserialize, Deserializer, Serialize};

use super::CONCURRENCY;
use crate::domain::{Address, Customer};
use crate::store::ApiError;
use crate::store::SharedStore;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerRecord {
    #[serde(flatten)]
    pub customer: Customer,
    /// Absent from backups written before addresses were kept: none then.
    #[serde(default, deserialize_with = "address_list")]
    pub addresses: Vec<Address>,
}

impl CustomerRecord {
    /// Records of customers alone, their addresses not read.
    pub fn without_addresses(customers: Vec<Customer>) -> Vec<CustomerRecord> {
        customers
            .into_iter()
            .map(|customer| CustomerRecord {
                customer,
                addresses: Vec::new(),
            })
            .collect()
    }
}

/// The addresses of a record: a list, or nothing (a link object, null or a missing key, as
/// the store's own customer object or an older backup has it).
fn address_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Address>, D::Error> {
    use serde::de::Error;
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Array(items) => items
            .into_iter()
            .map(|item| serde_json::from_value(item).map_err(D::Error::custom))
            .collect(),
        _ => Ok(Vec::new()),
    }
}

/// The customers with their addresses as they are read, in the order given, a few at once.
/// A customer whose addresses are not found was deleted meanwhile: it has none to keep.
pub fn addresses_of(
    store: &SharedStore,
    customers: Vec<Customer>,
) -> impl futures::Stream<Item = Result<CustomerRecord, ApiError>> + Send + '_ {
    futures::stream::iter(customers)
        .map(move |customer| async move {
            let addresses = match store.addresses(customer.id).await {
                Ok(addresses) => addresses,
                Err(ApiError::Status { status: 404, .. }) => Vec::new(),
                Err(error) => return Err(error),
            };
            Ok(CustomerRecord {
                customer,
                addresses,
            })
        })
        .buffered(CONCURRENCY)
}

/// The customers with their addresses, in the order given.
pub async fn with_addresses(
    store: &SharedStore,
    customers: Vec<Customer>,
) -> Result<Vec<CustomerRecord>, ApiError> {
    let mut records = std::pin::pin!(addresses_of(store, customers));
    let mut all = Vec::new();
    while let Some(record) = records.next().await {
        all.push(record?);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_backup_lines_read_with_no_addresses() {
        let old = r#"{"id":7,"first_name":"Ada","last_name":"L","email":"a@example.com","store_credit":"1.5000"}"#;
        let record: CustomerRecord = serde_json::from_str(old).expect("reads");
        assert_eq!(record.customer.id, 7);
        assert_eq!(record.customer.first_name, "Ada");
        assert!(record.addresses.is_empty());

        let link = r#"{"id":7,"email":"a@example.com","addresses":{"url":"x","resource":"/customers/7/addresses"}}"#;
        let record: CustomerRecord = serde_json::from_str(link).expect("reads");
        assert!(record.addresses.is_empty());

        let new = CustomerRecord {
            customer: record.customer.clone(),
            addresses: vec![Address {
                id: 3,
                customer_id: 7,
                city: "Leeds".into(),
                country: "United Kingdom".into(),
                ..Address::default()
            }],
        };
        let line = serde_json::to_string(&new).expect("writes");
        assert_eq!(
            serde_json::from_str::<CustomerRecord>(&line).expect("reads"),
            new
        );
    }
}
