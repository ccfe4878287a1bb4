//! What the worker opens once it is needed: the store's service (its identity asked of the
//! store, its ledger and backups) and the store's local index. A store that cannot be reached
//! yet is asked again at the next need; its index can still be read by the identity it gave
//! last time.

use std::sync::Arc;

use super::messages::{Chosen, Failure};
use crate::index::{IndexError, LocalIndex};
use crate::jobs::review::Selection;
use crate::jobs::{JobError, Service};
use crate::paths::Places;
use crate::store::{SharedStore, StoreIdentity};

/// How the worker keeps its store's files.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The user's data folder: without one, nothing is changed (there is no ledger).
    pub places: Option<Places>,
    /// The name the store has here (its profile), under which older journals recorded it.
    pub known_as: String,
    /// Whether the store has a local index.
    pub index: bool,
}

impl Setup {
    /// No ledger, no index: reads only (tests of reading).
    pub fn reads_only() -> Setup {
        Setup {
            places: None,
            known_as: String::new(),
            index: false,
        }
    }
}

pub(super) struct Keeper {
    store: SharedStore,
    setup: Setup,
    service: tokio::sync::Mutex<Option<Arc<Service>>>,
    index: std::sync::Mutex<Option<(StoreIdentity, Arc<LocalIndex>)>>,
}

impl Keeper {
    pub fn new(store: SharedStore, setup: Setup) -> Keeper {
        Keeper {
            store,
            setup,
            service: tokio::sync::Mutex::new(None),
            index: std::sync::Mutex::new(None),
        }
    }

    pub fn store(&self) -> &SharedStore {
        &self.store
    }

    /// The store's service, opened the first time: the store is asked what it is, and its
    /// ledger is opened and checked.
    pub async fn service(&self) -> Result<Arc<Service>, Failure> {
        let mut held = self.service.lock().await;
        if let Some(service) = held.as_ref() {
            return Ok(Arc::clone(service));
        }
        let places = self.setup.places.as_ref().ok_or_else(|| {
            JobError::Refused(
                "no data folder for a change ledger on this machine: nothing can be changed"
                    .to_owned(),
            )
        })?;
        let mut service =
            Service::open(Arc::clone(&self.store), places, &self.setup.known_as).await?;
        if let Some(index) = self.index_of(service.identity()).await? {
            service = service.with_index(index);
        }
        let service = Arc::new(service);
        *held = Some(Arc::clone(&service));
        Ok(service)
    }

    /// The store's index, opened the first time. When the store cannot be reached, the index
    /// of the identity it gave last time is read.
    pub async fn index(&self) -> Result<Arc<LocalIndex>, Failure> {
        if !self.setup.index {
            return Err(JobError::Refused(
                "the local search index is off for this store".to_owned(),
            )
            .into());
        }
        if let Some((_, index)) = self.opened_index() {
            return Ok(index);
        }
        let identity = match self.service().await {
            Ok(service) => service.identity().clone(),
            Err(failure) => {
                let recalled =
                    self.setup.places.as_ref().and_then(|places| {
                        crate::jobs::service::recall(places, self.store.api_url())
                    });
                match recalled {
                    Some(identity) => identity,
                    None => return Err(failure),
                }
            }
        };
        self.index_of(&identity).await?.ok_or_else(|| {
            JobError::Refused("the local search index is off for this store".to_owned()).into()
        })
    }

    fn opened_index(&self) -> Option<(StoreIdentity, Arc<LocalIndex>)> {
        self.index
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The index of this identity (opened and claimed for it the first time).
    async fn index_of(&self, identity: &StoreIdentity) -> Result<Option<Arc<LocalIndex>>, Failure> {
        let (true, Some(places)) = (self.setup.index, &self.setup.places) else {
            return Ok(None);
        };
        if let Some((opened_for, index)) = self.opened_index()
            && opened_for.same_store(identity)
        {
            return Ok(Some(index));
        }
        let path = places.index(identity);
        let claimed = identity.clone();
        let opened = tokio::task::spawn_blocking(move || -> Result<LocalIndex, IndexError> {
            let index = LocalIndex::open(&path)?;
            index.claim(&claimed)?;
            Ok(index)
        })
        .await
        .map_err(|error| JobError::Index(IndexError::Task(error)))?;
        let index = Arc::new(opened.map_err(JobError::Index)?);
        *self
            .index
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Some((identity.clone(), Arc::clone(&index)));
        Ok(Some(index))
    }

    /// A choice of the app as the service takes it: what a search found becomes the ids the
    /// index holds for it now.
    pub async fn selection(&self, chosen: Chosen) -> Result<Selection, Failure> {
        Ok(match chosen {
            Chosen::Ids(ids) => Selection::Ids(ids),
            Chosen::Matching { filter, except } => Selection::Matching { filter, except },
            Chosen::Found { query, except } => {
                let index = self.index().await?;
                let ids = on_index(&index, move |index| index.ids(&query)).await?;
                let except: std::collections::HashSet<i64> = except.into_iter().collect();
                Selection::Ids(ids.into_iter().filter(|id| !except.contains(id)).collect())
            }
        })
    }
}

/// Runs `work` on the local index on a blocking thread (SQLite is not async).
pub(super) async fn on_index<T: Send + 'static>(
    index: &Arc<LocalIndex>,
    work: impl FnOnce(&LocalIndex) -> Result<T, IndexError> + Send + 'static,
) -> Result<T, Failure> {
    let index = Arc::clone(index);
    match tokio::task::spawn_blocking(move || work(&index)).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(JobError::Index(error).into()),
        Err(error) => Err(JobError::Index(IndexError::Task(error)).into()),
    }
}
