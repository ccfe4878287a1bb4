//! Customer groups, created, renamed and deleted: each a change set of the ledger, written
//! before the request with the group as it was and, for a delete, the customers it leaves in
//! no group, so that undo can put them back.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::TryStreamExt;

use super::JobError;
use super::service::{Service, done, failed};
use crate::domain::{CustomerGroup, Filter, GroupChange};
use crate::ledger::{Did, Intent, Kind};
use crate::store::{ApiError, SharedStore, not_found};

/// The key of a new group's line: its id is the store's answer.
const NEW: i64 = -1;

impl Service {
    pub async fn create_group(&self, group: &GroupChange) -> Result<CustomerGroup, JobError> {
        self.change_group(None, Some(group))
            .await?
            .ok_or_else(|| JobError::Refused("the store answered no group".to_owned()))
    }

    pub async fn update_group(
        &self,
        id: i64,
        change: &GroupChange,
    ) -> Result<CustomerGroup, JobError> {
        self.change_group(Some(id), Some(change))
            .await?
            .ok_or_else(|| JobError::Refused("the store answered no group".to_owned()))
    }

    /// Deletes a group; its customers are left in no group (the ledger names them).
    pub async fn delete_group(&self, id: i64) -> Result<(), JobError> {
        self.change_group(Some(id), None).await.map(|_| ())
    }

    async fn change_group(
        &self,
        group: Option<i64>,
        change: Option<&GroupChange>,
    ) -> Result<Option<CustomerGroup>, JobError> {
        let store = self.store();
        let before = match group {
            Some(id) => Some(
                group_now(store, id)
                    .await
                    .map_err(JobError::store("cannot read the group"))?,
            ),
            None => None,
        };
        let members = match (&before, change) {
            (Some(was), None) => members_of(store, was.id)
                .await
                .map_err(JobError::store("cannot read the group's customers"))?,
            _ => Vec::new(),
        };
        let (key, what) = match (&before, change) {
            (None, Some(new)) => (
                NEW,
                format!("new group '{}'", new.name.as_deref().unwrap_or_default()),
            ),
            (Some(was), Some(change)) => (was.id, describe(was, change)),
            (Some(was), None) => (
                was.id,
                format!(
                    "group '{}' deleted, {} left in no group",
                    was.name,
                    crate::format::customers(members.len() as u64)
                ),
            ),
            (None, None) => return Ok(None),
        };
        let mut recorder = self.begin(Kind::Group, Vec::new(), false, None, what)?;
        recorder.intent(
            key,
            Intent::Group {
                before: before.clone().map(Box::new),
                after: change.cloned(),
                members: members.clone(),
            },
        )?;
        let sent: Result<Option<CustomerGroup>, ApiError> = match (&before, change) {
            (None, Some(new)) => store.create_group(new).await.map(Some),
            (Some(was), Some(change)) => store.update_group(was.id, change).await.map(Some),
            (Some(was), None) => store.delete_group(was.id).await.map(|()| None),
            (None, None) => Ok(None),
        };
        let outcome = match &sent {
            Ok(after) => done(Did::Group {
                before: before.clone().map(Box::new),
                after: after.clone().map(Box::new),
                dates: dates_of(store, &members).await,
                members,
            }),
            Err(error) => failed(error),
        };
        recorder.outcome(key, outcome)?;
        recorder.end(false, None)?;
        let after = sent.map_err(JobError::store(match change {
            None => "cannot delete the group",
            Some(_) => "cannot save the group",
        }))?;
        self.refresh_groups().await;
        Ok(after)
    }

    /// The index names groups as the store does now.
    pub async fn refresh_groups(&self) {
        let Some(index) = self.index() else {
            return;
        };
        match self.store().groups().await {
            Ok(groups) => {
                let index = Arc::clone(index);
                let kept = tokio::task::spawn_blocking(move || index.set_groups(&groups)).await;
                if let Ok(Err(error)) = kept {
                    tracing::warn!("the search index's groups: {error}");
                }
            }
            Err(error) => tracing::warn!("the store's groups could not be read: {error}"),
        }
    }
}

/// "group 'VIP': name → 'VIP Gold'".
fn describe(was: &CustomerGroup, change: &GroupChange) -> String {
    let mut parts = Vec::new();
    if let Some(name) = &change.name {
        parts.push(format!("name → '{name}'"));
    }
    if let Some(is_default) = change.is_default {
        parts.push(format!("default → {is_default}"));
    }
    format!("group '{}': {}", was.name, parts.join(", "))
}

/// A group as the store has it now.
pub(super) async fn group_now(store: &SharedStore, id: i64) -> Result<CustomerGroup, ApiError> {
    store
        .groups()
        .await?
        .into_iter()
        .find(|group| group.id == id)
        .ok_or_else(|| not_found(&format!("Customer group {id}")))
}

/// The customers in a group, by id.
pub(super) async fn members_of(store: &SharedStore, group: i64) -> Result<Vec<i64>, ApiError> {
    let filter = Filter {
        customer_group_id: Some(group),
        ..Filter::default()
    };
    let (_, pages) = store.all_pages(&filter, 2).await?;
    let pages: Vec<Vec<crate::domain::Customer>> = pages.try_collect().await?;
    let mut ids: Vec<i64> = pages.into_iter().flatten().map(|c| c.id).collect();
    ids.sort_unstable();
    Ok(ids)
}

/// The `date_modified` of these customers now (after a change to their group), by id; none
/// when they cannot be read (an undo then finds them changed since, and says so).
pub(super) async fn dates_of(store: &SharedStore, ids: &[i64]) -> BTreeMap<i64, String> {
    if ids.is_empty() {
        return BTreeMap::new();
    }
    match store.read_many(ids).await {
        Ok(customers) => customers
            .into_iter()
            .map(|customer| (customer.id, customer.date_modified))
            .collect(),
        Err(error) => {
            tracing::warn!("the dates of a group's customers could not be read: {error}");
            BTreeMap::new()
        }
    }
}
