//! The one service every change to a store goes through, from the command line and the app
//! alike. It knows the store by what the store says it is, keeps that store's ledger and
//! backups, and keeps its search index in step. The long jobs (delete, bulk edit, restore,
//! undo) are in the files beside this one.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::JobError;
use super::backup::{BackupHeader, backup_path};
use crate::domain::{Customer, CustomerChange, NewCustomer};
use crate::index::LocalIndex;
use crate::ledger::{CustomerOutcome, Did, History, Intent, Kind, Ledger, Recorder, Verdict};
use crate::paths::Places;
use crate::store::{ApiError, SharedStore, StoreIdentity};

/// A store, its ledger, its backups and its index.
#[derive(Debug)]
pub struct Service {
    store: SharedStore,
    identity: StoreIdentity,
    ledger: Ledger,
    backups: PathBuf,
    index: Option<Arc<LocalIndex>>,
}

impl Service {
    /// Asks the store what it is and opens its ledger, checked writable: a ledger that cannot
    /// be written stops every change before it starts. `known_as` is the name the store has
    /// here (its profile), under which older journals recorded it.
    pub async fn open(
        store: SharedStore,
        places: &Places,
        known_as: &str,
    ) -> Result<Service, JobError> {
        let identity = store
            .identity()
            .await
            .map_err(JobError::store("cannot ask the store what it is"))?;
        remember(places, &identity);
        Service::for_identity(store, places, identity, known_as)
    }

    /// As `open`, for a store whose identity is known already.
    pub fn for_identity(
        store: SharedStore,
        places: &Places,
        identity: StoreIdentity,
        known_as: &str,
    ) -> Result<Service, JobError> {
        let ledger = Ledger::open(places, &identity, known_as)?;
        Ok(Service {
            store,
            backups: places.backups(&identity),
            identity,
            ledger,
            index: None,
        })
    }

    /// Keeps this index in step with every change.
    pub fn with_index(mut self, index: Arc<LocalIndex>) -> Service {
        self.index = Some(index);
        self
    }

    pub fn store(&self) -> &SharedStore {
        &self.store
    }

    pub fn identity(&self) -> &StoreIdentity {
        &self.identity
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    pub fn index(&self) -> Option<&Arc<LocalIndex>> {
        self.index.as_ref()
    }

    pub fn backup_folder(&self) -> &std::path::Path {
        &self.backups
    }

    /// The store's change sets, newest first.
    pub fn history(&self) -> Result<History, JobError> {
        Ok(self.ledger.history()?)
    }

    /// Leaves the conflicts of a change set's undo as they are; how many.
    pub fn set_aside(&self, set: u64) -> Result<u64, JobError> {
        let history = self.history()?;
        let set = history
            .set(set)
            .ok_or(crate::ledger::LedgerError::NoSuchSet(set))?;
        let conflicts: Vec<i64> = set.conflicts().into_iter().map(|(key, _)| key).collect();
        let count = conflicts.len() as u64;
        if count > 0 {
            self.ledger.set_aside(set.id, conflicts)?;
        }
        Ok(count)
    }

    /// Begins a change set in the ledger (with the path of its backup when it takes one).
    pub(super) fn begin(
        &self,
        kind: Kind,
        customers: Vec<i64>,
        backed_up: bool,
        undoes: Option<u64>,
        what: String,
    ) -> Result<Recorder, JobError> {
        let folder = self.backups.clone();
        let backup =
            move |id| backed_up.then(|| backup_path(&folder, id, kind, chrono::Local::now()));
        Ok(self.ledger.begin(kind, customers, backup, undoes, what)?)
    }

    pub(super) fn header(&self, recorder: &Recorder, kind: Kind) -> BackupHeader {
        BackupHeader {
            backup_of: self.identity.clone(),
            change_set: recorder.id(),
            kind,
            taken: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            // A bulk edit changes no address: its backup keeps the customers' fields.
            with_addresses: kind != Kind::BulkEdit,
        }
    }

    /// Customers created or changed go into the index at once.
    pub async fn keep_in_index(&self, customers: Vec<Customer>) {
        if let Some(index) = &self.index
            && !customers.is_empty()
        {
            let index = Arc::clone(index);
            let kept = tokio::task::spawn_blocking(move || index.upsert(&customers)).await;
            if let Ok(Err(error)) = kept {
                tracing::warn!("the search index was not updated: {error}");
            }
        }
    }

    /// Customers deleted leave the index at once.
    pub async fn drop_from_index(&self, ids: Vec<i64>) {
        if let Some(index) = &self.index
            && !ids.is_empty()
        {
            let index = Arc::clone(index);
            let removed = tokio::task::spawn_blocking(move || index.remove(&ids)).await;
            if let Ok(Err(error)) = removed {
                tracing::warn!("the search index was not updated: {error}");
            }
        }
    }

    /// Creates one customer: in the ledger before it is sent.
    pub async fn create(&self, customer: &NewCustomer) -> Result<Customer, JobError> {
        let recorder = self.begin(Kind::Create, Vec::new(), false, None, customer.email())?;
        let recorder = Mutex::new(recorder);
        let fields = CustomerChange {
            fields: customer.fields.clone(),
            password: None,
            force_password_reset: customer.force_password_reset.then_some(true),
        };
        lock(&recorder).intent(-1, Intent::Create { fields })?;
        let created = self.store.create(customer).await;
        let outcome = match &created {
            Ok(created) => done(Did::Created {
                customer: Box::new(created.clone()),
            }),
            Err(error) => failed(error),
        };
        let recorder = into_inner(recorder);
        let mut recorder = recorder;
        recorder.outcome(-1, outcome)?;
        recorder.end(false, None)?;
        let created = created.map_err(JobError::store("cannot create the customer"))?;
        self.keep_in_index(vec![created.clone()]).await;
        Ok(created)
    }

    /// Changes one customer's fields (from the form); `before` is what the changed fields held,
    /// for undo. In the ledger before it is sent.
    pub async fn edit(
        &self,
        id: i64,
        change: &CustomerChange,
        before: CustomerChange,
    ) -> Result<Customer, JobError> {
        let mut after = change.clone();
        after.password = None;
        let mut recorder = self.begin(Kind::Edit, vec![id], false, None, what_of(change))?;
        recorder.intent(
            id,
            Intent::Edit {
                customer: id,
                before: before.clone(),
                after: after.clone(),
            },
        )?;
        let saved = self.store.update(id, change).await;
        let outcome = match &saved {
            Ok(saved) => done(Did::Edited {
                customer: id,
                before,
                after,
                date_modified: saved.date_modified.clone(),
            }),
            Err(error) => failed(error),
        };
        recorder.outcome(id, outcome)?;
        recorder.end(false, None)?;
        let saved = saved.map_err(JobError::store("cannot save the customer"))?;
        self.keep_in_index(vec![saved.clone()]).await;
        Ok(saved)
    }
}

pub(super) fn lock(recorder: &Mutex<Recorder>) -> std::sync::MutexGuard<'_, Recorder> {
    recorder
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(super) fn into_inner(recorder: Mutex<Recorder>) -> Recorder {
    recorder
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(super) fn done(did: Did) -> CustomerOutcome {
    CustomerOutcome {
        result: Verdict::Done,
        did: Some(did),
        why: None,
        conflicts: Vec::new(),
    }
}

pub(super) fn failed(error: &ApiError) -> CustomerOutcome {
    CustomerOutcome {
        result: Verdict::Failed,
        did: None,
        why: Some(error.to_string()),
        conflicts: Vec::new(),
    }
}

pub(super) fn skipped(why: impl Into<String>) -> CustomerOutcome {
    CustomerOutcome {
        result: Verdict::Skipped,
        did: None,
        why: Some(why.into()),
        conflicts: Vec::new(),
    }
}

/// "store_credit, notes": the fields a change sets, for the ledger's line.
pub(super) fn what_of(change: &CustomerChange) -> String {
    let mut names: Vec<&str> = change.fields.keys().map(|field| field.name()).collect();
    if change.password.is_some() {
        names.push("password");
    }
    if change.force_password_reset.is_some() {
        names.push("password reset at next login");
    }
    names.join(", ")
}

/// Notes what a store said it was, by its URL: its files can then be read while it cannot
/// be reached. Failing to note it costs only that.
pub fn remember(places: &Places, identity: &StoreIdentity) {
    let path = places.known_stores();
    let mut known: BTreeMap<String, StoreIdentity> = std::fs::read(&path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let url = crate::store::identity::canonical_url(&identity.api_url);
    if known.get(&url) == Some(identity) {
        return;
    }
    known.insert(url, identity.clone());
    let written = crate::paths::create_private_folder(places.data()).and_then(|()| {
        let text = serde_json::to_vec_pretty(&known).unwrap_or_default();
        let temporary = path.with_extension("json.partial");
        std::fs::write(&temporary, text).and_then(|()| std::fs::rename(&temporary, &path))
    });
    if let Err(error) = written {
        tracing::warn!(
            "cannot note the store's identity in {}: {error}",
            path.display()
        );
    }
}

/// What the store at this URL said it was when last asked.
pub fn recall(places: &Places, api_url: &str) -> Option<StoreIdentity> {
    let known: BTreeMap<String, StoreIdentity> =
        serde_json::from_slice(&std::fs::read(places.known_stores()).ok()?).ok()?;
    known
        .get(&crate::store::identity::canonical_url(api_url))
        .cloned()
}
