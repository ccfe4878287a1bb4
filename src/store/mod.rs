//! The trait every backend implements — the v2 API over HTTP, the v3 API, a store in memory
//! for tests — in the store's own terms: list a page, count, read, create, update and delete
//! many, groups, addresses, the store's identity, and what the backend can do, so that jobs
//! size themselves. Nothing above this names a wire format or a client type.

pub mod counted;
mod error;
pub mod identity;
pub mod memory;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use futures::stream::{self, Stream, StreamExt};

use crate::domain::{
    Address, AddressChange, Customer, CustomerChange, CustomerGroup, Filter, GroupChange,
    NewCustomer,
};
pub use error::{ApiError, not_json};
pub use identity::StoreIdentity;

/// The most customers one page can hold.
pub const MAX_PAGE_SIZE: u64 = 250;

/// A store behind any backend, shared by the worker, the jobs and the index's sync.
pub type SharedStore = Arc<dyn Store>;

/// What a backend can do, so that jobs size their requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Customers created or updated by one request.
    pub write_batch: usize,
    /// Customers deleted by one request.
    pub delete_batch: usize,
    /// Requests a job keeps under way at once.
    pub concurrency: usize,
    /// Whether it can search text itself (else the local index does).
    pub server_search: bool,
    /// Whether it can list in another order than by id.
    pub server_sort: bool,
}

/// The quota as last reported by the store: what the status bar shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateSnapshot {
    pub quota: Option<u64>,
    pub left: Option<u64>,
    pub resets_in: Option<Duration>,
    /// How long a window of the quota lasts.
    pub window: Option<Duration>,
}

impl RateSnapshot {
    /// The quota as requests a second, once the store has said it.
    pub fn per_second(&self) -> Option<f64> {
        match (self.quota, self.window) {
            (Some(quota), Some(window)) if !window.is_zero() => {
                Some(quota as f64 / window.as_secs_f64())
            }
            _ => None,
        }
    }

    /// "about 1,012 requests, 3 min 25 s at 150 per 30 s": what a job will cost, and how long
    /// it takes at this quota (unknown until the store has said its quota).
    pub fn cost_said(&self, requests: u64) -> String {
        let about = format!(
            "about {} request{}",
            crate::format::thousands(requests),
            if requests == 1 { "" } else { "s" }
        );
        match (self.quota, self.window) {
            (Some(quota), Some(window)) if quota > 0 && !window.is_zero() => {
                let seconds = (requests as f64 * window.as_secs_f64() / quota as f64).ceil() as u64;
                let takes = match seconds {
                    0..60 => format!("{seconds} s"),
                    60..3_600 => format!("{} min {} s", seconds / 60, seconds % 60),
                    _ => format!("{} h {} min", seconds / 3_600, seconds % 3_600 / 60),
                };
                format!(
                    "{about}, {takes} at {quota} per {} s",
                    window.as_secs().max(1)
                )
            }
            _ => about,
        }
    }
}

/// What a store's handle has sent and met, shared by its background handle.
#[derive(Debug, Default)]
pub struct RequestStats {
    pub requests: AtomicU64,
    /// Of those, sent by background work (the index's sync).
    pub background_requests: AtomicU64,
    /// 429 answers received (and waited out).
    pub rate_limited: AtomicU64,
    /// Requests sent again after a 5xx answer or a broken connection.
    pub retried: AtomicU64,
    /// The store's clock at the last answer, in seconds since the epoch; 0 before any.
    pub store_time: AtomicI64,
}

impl RequestStats {
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn background_requests(&self) -> u64 {
        self.background_requests.load(Ordering::Relaxed)
    }

    pub fn rate_limited(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }

    /// The store's clock at its last answer, when it gave one.
    pub fn store_time(&self) -> Option<i64> {
        Some(self.store_time.load(Ordering::Relaxed)).filter(|at| *at > 0)
    }
}

/// A page of customers, with the store's clock when it answered (what "changed since" is
/// measured against; never this machine's clock).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Listed {
    pub customers: Vec<Customer>,
    pub store_time: Option<i64>,
}

#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// The API base the store is reached at.
    fn api_url(&self) -> &str;

    fn capabilities(&self) -> Capabilities;

    /// A handle for background work (the index's sync): same quota and counters, but the
    /// person's own requests go first.
    fn background(&self) -> SharedStore;

    fn stats(&self) -> &RequestStats;

    fn rate_budget(&self) -> RateSnapshot;

    /// What the store says it is, or, when it does not say, where it is.
    async fn identity(&self) -> Result<StoreIdentity, ApiError>;

    /// One page of customers (1-based), in id order; an empty page past the end.
    async fn list(&self, filter: &Filter, page: u64, limit: u64) -> Result<Listed, ApiError>;

    async fn count(&self, filter: &Filter) -> Result<u64, ApiError>;

    /// These customers as they are now, in id order; those the store no longer has are left
    /// out.
    async fn read_many(&self, ids: &[i64]) -> Result<Vec<Customer>, ApiError>;

    /// Creates each customer, answering for each: created, or why not. A create is never
    /// sent twice.
    async fn create_many(&self, customers: &[NewCustomer]) -> Vec<Result<Customer, ApiError>>;

    /// Changes each customer by its change, answering for each.
    async fn update_many(
        &self,
        changes: &[(i64, CustomerChange)],
    ) -> Vec<Result<Customer, ApiError>>;

    /// Deletes each customer, answering for each (404: it was gone).
    async fn delete_many(&self, ids: &[i64]) -> Vec<Result<(), ApiError>>;

    /// Every customer group, in id order.
    async fn groups(&self) -> Result<Vec<CustomerGroup>, ApiError>;

    async fn create_group(&self, group: &GroupChange) -> Result<CustomerGroup, ApiError>;

    async fn update_group(&self, id: i64, change: &GroupChange) -> Result<CustomerGroup, ApiError>;

    /// Deletes a group; its customers are left in no group.
    async fn delete_group(&self, id: i64) -> Result<(), ApiError>;

    /// Every address of a customer, in id order.
    async fn addresses(&self, customer_id: i64) -> Result<Vec<Address>, ApiError>;

    async fn create_address(
        &self,
        customer_id: i64,
        fields: &AddressChange,
    ) -> Result<Address, ApiError>;

    async fn update_address(
        &self,
        customer_id: i64,
        address_id: i64,
        change: &AddressChange,
    ) -> Result<Address, ApiError>;

    async fn delete_address(&self, customer_id: i64, address_id: i64) -> Result<(), ApiError>;
}

/// The answer a store gives for a customer it does not have.
pub fn not_found(what: &str) -> ApiError {
    ApiError::Status {
        status: 404,
        message: format!("{what} was not found."),
        field: None,
    }
}

/// What a single request of a batch answered; an answer missing from the batch is a fault of
/// the backend, said so.
fn first<T>(answers: Vec<Result<T, ApiError>>) -> Result<T, ApiError> {
    answers.into_iter().next().unwrap_or_else(|| {
        Err(ApiError::Internal(
            "the store's backend gave no answer for a request".to_owned(),
        ))
    })
}

/// One customer at a time, for forms and single changes.
impl dyn Store {
    /// The customer as it is now; 404 when the store does not have it.
    pub async fn get(&self, id: i64) -> Result<Customer, ApiError> {
        self.read_many(&[id])
            .await?
            .into_iter()
            .find(|customer| customer.id == id)
            .ok_or_else(|| not_found(&format!("Customer {id}")))
    }

    pub async fn create(&self, customer: &NewCustomer) -> Result<Customer, ApiError> {
        first(self.create_many(std::slice::from_ref(customer)).await)
    }

    pub async fn update(&self, id: i64, change: &CustomerChange) -> Result<Customer, ApiError> {
        first(self.update_many(&[(id, change.clone())]).await)
    }

    pub async fn delete(&self, id: i64) -> Result<(), ApiError> {
        first(self.delete_many(&[id]).await)
    }

    /// Every customer the filter matches, in id order: pages read `concurrency` at a time
    /// and yielded in order, so memory holds at most that many pages. Returns the count
    /// taken before the first page, to check the total against.
    pub async fn all_pages(
        self: &Arc<Self>,
        filter: &Filter,
        concurrency: usize,
    ) -> Result<
        (
            u64,
            impl Stream<Item = Result<Vec<Customer>, ApiError>> + Send + use<>,
        ),
        ApiError,
    > {
        let total = self.count(filter).await?;
        let pages = total.div_ceil(MAX_PAGE_SIZE);
        let store = Arc::clone(self);
        let filter = filter.clone();
        let pages = stream::iter(1..=pages)
            .map(move |page| {
                let store = Arc::clone(&store);
                let filter = filter.clone();
                async move {
                    store
                        .list(&filter, page, MAX_PAGE_SIZE)
                        .await
                        .map(|listed| listed.customers)
                }
            })
            .buffered(concurrency.max(1));
        Ok((total, pages))
    }
}

#[cfg(test)]
#[test]
fn a_jobs_cost_is_said_in_requests_and_time_at_the_quota() {
    let rate = RateSnapshot {
        quota: Some(150),
        window: Some(Duration::from_secs(30)),
        ..RateSnapshot::default()
    };
    assert_eq!(
        rate.cost_said(1_012),
        "about 1,012 requests, 3 min 23 s at 150 per 30 s"
    );
    assert_eq!(RateSnapshot::default().cost_said(1), "about 1 request");
}
