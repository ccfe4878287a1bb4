//! A customer's addresses (`/customers/{id}/addresses`). The customer object carries only a
//! link to them, so they are read one customer at a time.

use reqwest::Method;

use super::client::{Client, Repeat, decode};
use super::wire::{AddressBody, address_body};
use crate::domain::{Address, AddressChange};
use crate::store::{ApiError, MAX_PAGE_SIZE};

impl Client {
    /// Every address of a customer, in id order.
    pub async fn customer_addresses(&self, customer_id: i64) -> Result<Vec<Address>, ApiError> {
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
            let batch: Vec<AddressBody> = decode(&bytes)?;
            let last = (batch.len() as u64) < MAX_PAGE_SIZE;
            addresses.extend(batch.into_iter().map(Address::from));
            if last {
                break;
            }
        }
        Ok(addresses)
    }

    pub async fn create_customer_address(
        &self,
        customer_id: i64,
        fields: &AddressChange,
    ) -> Result<Address, ApiError> {
        let path = format!("customers/{customer_id}/addresses");
        let answer = self
            .send(
                Method::POST,
                &path,
                &[],
                Some(&address_body(fields)),
                Repeat::OnlyIfUnprocessed,
            )
            .await?;
        decode::<AddressBody>(&answer.unwrap_or_default()).map(Address::from)
    }

    pub async fn update_customer_address(
        &self,
        customer_id: i64,
        address_id: i64,
        change: &AddressChange,
    ) -> Result<Address, ApiError> {
        let path = format!("customers/{customer_id}/addresses/{address_id}");
        let answer = self
            .send(
                Method::PUT,
                &path,
                &[],
                Some(&address_body(change)),
                Repeat::Safe,
            )
            .await?;
        decode::<AddressBody>(&answer.unwrap_or_default()).map(Address::from)
    }

    pub async fn delete_customer_address(
        &self,
        customer_id: i64,
        address_id: i64,
    ) -> Result<(), ApiError> {
        let path = format!("customers/{customer_id}/addresses/{address_id}");
        self.send(Method::DELETE, &path, &[], None, Repeat::Safe)
            .await?;
        Ok(())
    }
}
