//! The BigCommerce v2 API over HTTP as a store: customers, customer groups, addresses and the
//! store's description. Only this folder and the place where a store is chosen name its
//! client or its bodies.

mod addresses;
mod client;
mod customers;
mod groups;
mod wire;

use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt;

pub use client::{Client, ClientOptions, install_tls_provider};

use crate::domain::{
    Address, AddressChange, Customer, CustomerChange, CustomerGroup, Filter, GroupChange,
    NewCustomer,
};
use crate::store::{
    ApiError, Capabilities, Listed, RateSnapshot, RequestStats, SharedStore, Store, StoreIdentity,
};

#[async_trait]
impl Store for Client {
    fn api_url(&self) -> &str {
        Client::api_url(self)
    }

    fn capabilities(&self) -> Capabilities {
        // v2 writes one customer a request; deletes by filter only, which jobs never use.
        Capabilities {
            write_batch: 1,
            delete_batch: 1,
            concurrency: customers::CONCURRENCY,
            server_search: false,
            server_sort: false,
        }
    }

    fn background(&self) -> SharedStore {
        Arc::new(Client::background(self))
    }

    fn stats(&self) -> &RequestStats {
        self.request_stats()
    }

    fn rate_budget(&self) -> RateSnapshot {
        self.quota()
    }

    async fn identity(&self) -> Result<StoreIdentity, ApiError> {
        self.store_identity().await
    }

    async fn list(&self, filter: &Filter, page: u64, limit: u64) -> Result<Listed, ApiError> {
        self.list_customers(filter, page, limit).await
    }

    async fn count(&self, filter: &Filter) -> Result<u64, ApiError> {
        self.count_customers(filter).await
    }

    async fn read_many(&self, ids: &[i64]) -> Result<Vec<Customer>, ApiError> {
        self.customers_by_id(ids).await
    }

    async fn create_many(&self, customers: &[NewCustomer]) -> Vec<Result<Customer, ApiError>> {
        // One at a time, in order: a create is never sent twice, nor two at once for one email.
        let mut created = Vec::with_capacity(customers.len());
        for customer in customers {
            created.push(self.create_customer(customer).await);
        }
        created
    }

    async fn update_many(
        &self,
        changes: &[(i64, CustomerChange)],
    ) -> Vec<Result<Customer, ApiError>> {
        // Gathered first: a stream over a borrowing closure is not `Send` here.
        let updates: Vec<_> = changes
            .iter()
            .map(|(id, change)| self.update_customer(*id, change))
            .collect();
        futures::stream::iter(updates)
            .buffered(customers::CONCURRENCY)
            .collect()
            .await
    }

    async fn delete_many(&self, ids: &[i64]) -> Vec<Result<(), ApiError>> {
        let deletes: Vec<_> = ids.iter().map(|id| self.delete_customer(*id)).collect();
        futures::stream::iter(deletes)
            .buffered(customers::CONCURRENCY)
            .collect()
            .await
    }

    async fn groups(&self) -> Result<Vec<CustomerGroup>, ApiError> {
        self.customer_groups().await
    }

    async fn create_group(&self, group: &GroupChange) -> Result<CustomerGroup, ApiError> {
        self.create_customer_group(group).await
    }

    async fn update_group(&self, id: i64, change: &GroupChange) -> Result<CustomerGroup, ApiError> {
        self.update_customer_group(id, change).await
    }

    async fn delete_group(&self, id: i64) -> Result<(), ApiError> {
        self.delete_customer_group(id).await
    }

    async fn addresses(&self, customer_id: i64) -> Result<Vec<Address>, ApiError> {
        self.customer_addresses(customer_id).await
    }

    async fn create_address(
        &self,
        customer_id: i64,
        fields: &AddressChange,
    ) -> Result<Address, ApiError> {
        self.create_customer_address(customer_id, fields).await
    }

    async fn update_address(
        &self,
        customer_id: i64,
        address_id: i64,
        change: &AddressChange,
    ) -> Result<Address, ApiError> {
        self.update_customer_address(customer_id, address_id, change)
            .await
    }

    async fn delete_address(&self, customer_id: i64, address_id: i64) -> Result<(), ApiError> {
        self.delete_customer_address(customer_id, address_id).await
    }
}
