//! A customer's addresses, created, changed and deleted one at a time: each a change set of
//! the ledger, written before the request with the address as it was, so that undo can set
//! it back, delete it or create it again.

use std::sync::Arc;

use super::JobError;
use super::service::{Service, done, failed};
use crate::domain::{Address, AddressChange};
use crate::ledger::{Did, Intent, Kind};
use crate::store::{ApiError, not_found};

/// The key of a new address's line: its id is the store's answer.
const NEW: i64 = -1;

impl Service {
    pub async fn create_address(
        &self,
        customer_id: i64,
        fields: &AddressChange,
    ) -> Result<Address, JobError> {
        self.change_address(customer_id, None, Some(fields))
            .await?
            .ok_or_else(|| JobError::Refused("the store answered no address".to_owned()))
    }

    pub async fn update_address(
        &self,
        customer_id: i64,
        address_id: i64,
        change: &AddressChange,
    ) -> Result<Address, JobError> {
        self.change_address(customer_id, Some(address_id), Some(change))
            .await?
            .ok_or_else(|| JobError::Refused("the store answered no address".to_owned()))
    }

    pub async fn delete_address(&self, customer_id: i64, address_id: i64) -> Result<(), JobError> {
        self.change_address(customer_id, Some(address_id), None)
            .await
            .map(|_| ())
    }

    /// One address created (`address` none), changed, or deleted (`change` none). The
    /// address is read first, so that the ledger holds what it was.
    async fn change_address(
        &self,
        customer: i64,
        address: Option<i64>,
        change: Option<&AddressChange>,
    ) -> Result<Option<Address>, JobError> {
        let before = match address {
            Some(id) => Some(self.address_now(customer, id).await?),
            None => None,
        };
        let (key, what) = match (&before, change) {
            (None, _) => (NEW, format!("new address of #{customer}")),
            (Some(was), Some(change)) => (
                was.id,
                format!(
                    "address {} of #{customer}: {}",
                    was.id,
                    change.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ),
            (Some(was), None) => (was.id, format!("address {} of #{customer} deleted", was.id)),
        };
        let mut recorder = self.begin(Kind::Address, Vec::new(), false, None, what)?;
        recorder.intent(
            key,
            Intent::Address {
                customer,
                before: before.clone().map(Box::new),
                after: change.cloned(),
            },
        )?;
        let store = self.store();
        let sent: Result<Option<Address>, ApiError> = match (&before, change) {
            (None, Some(fields)) => store.create_address(customer, fields).await.map(Some),
            (Some(was), Some(change)) => store
                .update_address(customer, was.id, change)
                .await
                .map(Some),
            (Some(was), None) => store.delete_address(customer, was.id).await.map(|()| None),
            (None, None) => Ok(None),
        };
        let outcome = match &sent {
            Ok(after) => done(Did::Address {
                customer,
                before: before.clone().map(Box::new),
                after: after.clone().map(Box::new),
            }),
            Err(error) => failed(error),
        };
        recorder.outcome(key, outcome)?;
        recorder.end(false, None)?;
        let after = sent.map_err(JobError::store(match (&before, change) {
            (Some(_), None) => "cannot delete the address",
            _ => "cannot save the address",
        }))?;
        match (&after, &before) {
            (Some(address), _) => self.keep_address(address).await,
            (None, Some(was)) => self.forget_address(was.id).await,
            (None, None) => {}
        }
        Ok(after)
    }

    /// One address of a customer, as the store has it now.
    pub(super) async fn address_now(
        &self,
        customer: i64,
        address: i64,
    ) -> Result<Address, JobError> {
        self.store()
            .addresses(customer)
            .await
            .and_then(|addresses| {
                addresses
                    .into_iter()
                    .find(|found| found.id == address)
                    .ok_or_else(|| not_found(&format!("Address {address} of customer {customer}")))
            })
            .map_err(JobError::store("cannot read the address"))
    }

    /// The index keeps each address's country (search by country).
    pub(super) async fn keep_address(&self, address: &Address) {
        if let Some(index) = self.index() {
            let (index, address) = (Arc::clone(index), address.clone());
            let kept = tokio::task::spawn_blocking(move || index.keep_address(&address)).await;
            if let Ok(Err(error)) = kept {
                tracing::warn!("the search index's addresses: {error}");
            }
        }
    }

    pub(super) async fn forget_address(&self, address: i64) {
        if let Some(index) = self.index() {
            let index = Arc::clone(index);
            let removed = tokio::task::spawn_blocking(move || index.remove_address(address)).await;
            if let Ok(Err(error)) = removed {
                tracing::warn!("the search index's addresses: {error}");
            }
        }
    }
}
