//! The background task between the UI and the store: `Command`s in, `Event`s out, over tokio
//! channels. It owns the API client; the UI never waits on the network. Several requests run
//! at once; reads for one view are latest-wins (a newer read in the same slot cancels the
//! older one, so a result for a page the user has left never arrives); writes always finish.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use std::sync::Arc;

use crate::api::{Address, ApiError, Client, Customer, CustomerGroup, Filter, RateSnapshot};
use crate::index::sync::{SyncProgress, SyncReport};
use crate::index::{IndexQuery, LocalIndex, Summary};
use crate::jobs::backup::Selection;
use crate::jobs::delete::Deleted;
use crate::jobs::export::{ExportFormat, ExportSpec};
use crate::jobs::journal::{ChangeSet, Journal, Kind};
use crate::jobs::undo::Undone;
use crate::jobs::update::{BulkChange, Review, Updated};
use crate::jobs::{Cancel, JobError, Progress, Report};

/// Tags each request; the UI matches events to what it asked for.
pub type RequestId = u64;

/// Where a read's result goes. A new read in a slot supersedes the one in flight there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The page on screen.
    Page,
    /// The page after it, fetched ahead.
    NextPage,
    /// The count for the current filter.
    Count,
    /// The customer in the detail view or a form.
    Customer,
    /// The count of every customer of the store, when a filter is on.
    StoreCount,
    /// The store's customer groups.
    Groups,
    /// The addresses of the customer in the details.
    Addresses,
    /// The number of customers in each group, for the groups view.
    GroupCounts,
    /// The review of a bulk edit.
    BulkReview,
    /// The change journal, for its view.
    History,
    /// The summary of the local index (customers per group, domain, month).
    Summary,
}

/// A search's first count goes no further: broad searches answer at once, exactly after.
pub const QUICK_COUNT: u64 = 1_000;

/// How many slots there are (the app keeps the newest request of each).
pub const SLOTS: usize = 11;

#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    List {
        filter: Filter,
        page: u64,
        limit: u64,
    },
    Count {
        filter: Filter,
    },
    Get {
        customer_id: i64,
    },
    /// Every customer group of the store.
    Groups,
    /// Every address of a customer.
    Addresses {
        customer_id: i64,
    },
    /// How many customers each of these groups has: one count each, a few at once.
    GroupCounts {
        group_ids: Vec<i64>,
    },
    /// The store's change sets, newest first.
    History,
    /// What a bulk edit would do to the selected customers, as they are now.
    BulkReview {
        selection: Selection,
        change: BulkChange,
    },
    /// A page of what the local index finds (answered as `Outcome::Page`).
    Search {
        query: IndexQuery,
        page: u64,
        limit: u64,
    },
    /// How many customers the local index finds, counted no further than a thousand
    /// (answered as `Outcome::Count`, or `Outcome::CountMoreThan` for a broad search).
    SearchCount {
        query: IndexQuery,
    },
    /// Exactly how many customers the local index finds, however many (answered as
    /// `Outcome::Count`; stopped by the next search).
    SearchExactCount {
        query: IndexQuery,
    },
    /// Customers per group, email domain and signup month, from the local index.
    Summary,
}

#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // a few writes a second at most
pub enum Write {
    Create {
        fields: Map<String, Value>,
    },
    Update {
        customer_id: i64,
        changes: Map<String, Value>,
        /// The changed fields as they were, for the journal (a password is not kept).
        before: Map<String, Value>,
    },
    Delete {
        customer_id: i64,
    },
    CreateAddress {
        customer_id: i64,
        fields: Map<String, Value>,
    },
    UpdateAddress {
        customer_id: i64,
        address_id: i64,
        changes: Map<String, Value>,
    },
    DeleteAddress {
        customer_id: i64,
        address_id: i64,
    },
    CreateGroup {
        fields: Map<String, Value>,
    },
    UpdateGroup {
        group_id: i64,
        changes: Map<String, Value>,
    },
    /// Deletes a group; its customers are left in no group.
    DeleteGroup {
        group_id: i64,
    },
    /// Every customer the filter matches, into a file (its name says the format).
    Export {
        filter: Filter,
        path: PathBuf,
    },
    /// Every customer the local index finds, in its order, into a file.
    ExportFound {
        query: IndexQuery,
        path: PathBuf,
    },
    /// Backs the selected customers up to `backup`, deletes exactly those, then checks the
    /// store.
    DeleteCustomers {
        selection: Selection,
        backup: PathBuf,
        cancel: Cancel,
    },
    /// Undoes a change set of the journal, and records the undo.
    UndoChangeSet {
        set: Box<ChangeSet>,
        cancel: Cancel,
    },
    /// Backs the selected customers up to `backup`, then changes each of them.
    UpdateCustomers {
        selection: Selection,
        change: BulkChange,
        backup: PathBuf,
        cancel: Cancel,
    },
    /// Re-creates the customers of a backup (only `only_ids` of them when given).
    Restore {
        backup: PathBuf,
        only_ids: Option<Vec<i64>>,
        cancel: Cancel,
    },
}

// A few commands a second at most: their size does not matter, boxing would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Read {
        request: RequestId,
        slot: Slot,
        read: Read,
    },
    Write {
        request: RequestId,
        write: Write,
    },
    /// Brings the local index level with the store in the background (one sync at a time:
    /// a new one replaces one under way, which keeps what it read). Answered with
    /// `IndexProgress` events and `IndexSynced`.
    SyncIndex {
        request: RequestId,
    },
    /// Cancels the reads in flight and ends the worker once writes under way are done.
    Shutdown,
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Page(Vec<Customer>),
    Count(u64),
    /// A search found more customers than this; the exact count follows when asked for.
    CountMoreThan(u64),
    Customer(Customer),
    Deleted(i64),
    Groups(Vec<CustomerGroup>),
    /// A customer's addresses.
    Addresses {
        customer_id: i64,
        addresses: Vec<Address>,
    },
    /// An address created or changed.
    Address(Address),
    AddressDeleted {
        customer_id: i64,
        address_id: i64,
    },
    /// Customers per group, as (group id, count).
    GroupCounts(Vec<(i64, u64)>),
    /// A group created or changed.
    Group(CustomerGroup),
    GroupDeleted(i64),
    /// A job under way: an export, a delete or a restore.
    Progress(Progress),
    /// An export finished whole.
    Exported {
        written: u64,
        path: PathBuf,
    },
    /// A delete finished (or was cancelled): what it did, where the backup is, what the check
    /// found.
    DeletedCustomers(Deleted),
    /// A restore finished (or was cancelled).
    Restored(Report),
    BulkReview(Review),
    History(Vec<ChangeSet>),
    Undone(Undone),
    /// A bulk edit finished (or was cancelled).
    UpdatedCustomers(Updated),
    Summary(Summary),
    /// The local index's sync under way.
    IndexProgress(SyncProgress),
    /// The local index's sync finished.
    IndexSynced(SyncReport),
}

/// Why a request or job failed: the store's answer, or the job's own reason (a file, a
/// cancelled or damaged backup).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Job(#[from] JobError),
}

impl Failure {
    /// The store's answer, when that is what failed.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Failure::Api(error) | Failure::Job(JobError::Store { error, .. }) => Some(error),
            Failure::Job(_) => None,
        }
    }
}

impl Clone for Failure {
    fn clone(&self) -> Failure {
        match self {
            Failure::Api(error) => Failure::Api(error.clone()),
            // io::Error cannot be cloned; its words are what is shown.
            Failure::Job(error) => Failure::Job(JobError::Stopped(error.to_string())),
        }
    }
}

impl PartialEq for Failure {
    fn eq(&self, other: &Failure) -> bool {
        match (self, other) {
            (Failure::Api(a), Failure::Api(b)) => a == b,
            (a, b) => a.to_string() == b.to_string(),
        }
    }
}

/// A finished request.
#[derive(Debug, Clone)]
pub struct Event {
    pub request: RequestId,
    /// For reads, the slot they were asked for.
    pub slot: Option<Slot>,
    pub result: Result<Outcome, Failure>,
    pub elapsed: Duration,
    /// The rate-limit budget after the request.
    pub budget: RateSnapshot,
}

/// The UI's end of the worker.
#[derive(Debug, Clone)]
pub struct WorkerHandle {
    commands: mpsc::UnboundedSender<Command>,
}

impl WorkerHandle {
    /// Hands a command to the worker; `false` once the worker has ended.
    pub fn send(&self, command: Command) -> bool {
        self.commands.send(command).is_ok()
    }
}

/// Starts the worker on the current tokio runtime.
pub fn spawn(client: Client) -> (WorkerHandle, mpsc::UnboundedReceiver<Event>, JoinHandle<()>) {
    spawn_recording(client, None)
}

/// What the worker keeps besides the client: the change journal and the local index.
#[derive(Debug, Clone, Default)]
pub struct Keeping {
    pub recording: Option<Recording>,
    pub index: Option<Arc<LocalIndex>>,
}

/// Where the worker records the change sets its jobs make (deletes, bulk edits).
#[derive(Debug, Clone)]
pub struct Recording {
    pub journal: Journal,
    /// The store's name, as the journal's records name it.
    pub store: String,
}

/// Starts the worker, recording its change sets in the journal when given one.
pub fn spawn_recording(
    client: Client,
    recording: Option<Recording>,
) -> (WorkerHandle, mpsc::UnboundedReceiver<Event>, JoinHandle<()>) {
    spawn_keeping(
        client,
        Keeping {
            recording,
            index: None,
        },
    )
}

/// Starts the worker with its journal and local index.
pub fn spawn_keeping(
    client: Client,
    keeping: Keeping,
) -> (WorkerHandle, mpsc::UnboundedReceiver<Event>, JoinHandle<()>) {
    let (commands, inbox) = mpsc::unbounded_channel();
    let (events, outbox) = mpsc::unbounded_channel();
    let task = tokio::spawn(run(client, keeping, inbox, events));
    (WorkerHandle { commands }, outbox, task)
}

/// Records one customer's edit from the app's form.
fn record_edit(recording: &Option<Recording>, entry: crate::jobs::journal::Entry) {
    if let Some(recording) = recording
        && let Err(error) =
            recording
                .journal
                .record(Kind::Edit, &recording.store, 1, None, None, &[entry])
    {
        tracing::warn!("the change journal was not written: {error}");
    }
}

/// Records a change set; a journal that cannot be written is logged, never fatal: the
/// change itself was made, and its backup is there.
fn record(
    recording: &Option<Recording>,
    kind: Kind,
    customers: u64,
    backup: &std::path::Path,
    entries: &[crate::jobs::journal::Entry],
) {
    if let Some(recording) = recording
        && customers > 0
        && let Err(error) = recording.journal.record(
            kind,
            &recording.store,
            customers,
            Some(backup),
            None,
            entries,
        )
    {
        tracing::warn!("the change journal was not written: {error}");
    }
}

/// Runs one request; a panic inside it becomes an error event, so the UI never waits for an
/// answer that will not come.
async fn guarded(
    request: impl Future<Output = Result<Outcome, Failure>>,
) -> Result<Outcome, Failure> {
    match AssertUnwindSafe(request).catch_unwind().await {
        Ok(result) => result,
        Err(_) => {
            tracing::error!("a request task panicked");
            Err(Failure::Api(ApiError::Internal(
                "an internal error stopped this request; see the log".to_owned(),
            )))
        }
    }
}

async fn run(
    client: Client,
    keeping: Keeping,
    mut inbox: mpsc::UnboundedReceiver<Command>,
    events: mpsc::UnboundedSender<Event>,
) {
    let Keeping { recording, index } = keeping;
    let mut reads: HashMap<Slot, JoinHandle<()>> = HashMap::new();
    let mut writes: Vec<JoinHandle<()>> = Vec::new();
    let mut sync: Option<JoinHandle<()>> = None;
    while let Some(command) = inbox.recv().await {
        writes.retain(|task| !task.is_finished());
        match command {
            Command::Read {
                request,
                slot,
                read,
            } => {
                if let Some(older) = reads.remove(&slot) {
                    older.abort(); // latest wins: the older result would be stale
                }
                let (client, events) = (client.clone(), events.clone());
                let recording = recording.clone();
                let index = index.clone();
                reads.insert(
                    slot,
                    tokio::spawn(async move {
                        let started = Instant::now();
                        let result = guarded(async {
                            match read {
                                Read::List {
                                    filter,
                                    page,
                                    limit,
                                } => client.list(&filter, page, limit).await.map(Outcome::Page),
                                Read::Count { filter } => {
                                    client.count(&filter).await.map(Outcome::Count)
                                }
                                Read::Get { customer_id } => {
                                    let customer = client.get(customer_id).await;
                                    match &customer {
                                        // What was read live refreshes the index's copy.
                                        Ok(customer) => keep_in_index(&index, customer).await,
                                        Err(error) if error.status() == Some(404) => {
                                            drop_from_index(&index, vec![customer_id]).await
                                        }
                                        Err(_) => {}
                                    }
                                    customer.map(Outcome::Customer)
                                }
                                Read::Groups => {
                                    let groups = client.groups().await;
                                    if let (Ok(groups), Some(_)) = (&groups, &index) {
                                        // The summary names groups as the store does now.
                                        let groups = groups.clone();
                                        if let Err(error) =
                                            on_index(&index, move |i| i.set_groups(&groups)).await
                                        {
                                            tracing::warn!("the search index's groups: {error}");
                                        }
                                    }
                                    groups.map(Outcome::Groups)
                                }
                                Read::GroupCounts { group_ids } => {
                                    group_counts(&client, group_ids).await
                                }
                                Read::History => Ok(Outcome::History(match &recording {
                                    Some(recording) => recording
                                        .journal
                                        .of_store(&recording.store)
                                        .map_err(|error| ApiError::Internal(error.to_string()))?,
                                    None => Vec::new(),
                                })),
                                Read::BulkReview { selection, change } => {
                                    let selection = match found_ids(&index, selection).await {
                                        Ok(selection) => selection,
                                        Err(failure) => return Err(failure),
                                    };
                                    crate::jobs::update::review(&client, &selection, &change)
                                        .await
                                        .map(Outcome::BulkReview)
                                }
                                Read::Search { query, page, limit } => {
                                    return on_index(&index, move |index| {
                                        index.search(&query, page, limit)
                                    })
                                    .await
                                    .map(Outcome::Page);
                                }
                                Read::SearchCount { query } => {
                                    use crate::index::Found;
                                    return on_index(&index, move |index| {
                                        index.count_at_most(&query, QUICK_COUNT)
                                    })
                                    .await
                                    .map(
                                        |found| match found {
                                            Found::Exactly(count) => Outcome::Count(count),
                                            Found::MoreThan(count) => Outcome::CountMoreThan(count),
                                        },
                                    );
                                }
                                Read::SearchExactCount { query } => {
                                    return on_index(&index, move |index| index.count(&query))
                                        .await
                                        .map(Outcome::Count);
                                }
                                Read::Summary => {
                                    return on_index(&index, |index| index.summary())
                                        .await
                                        .map(Outcome::Summary);
                                }
                                Read::Addresses { customer_id } => {
                                    let addresses = client.addresses(customer_id).await;
                                    if let (Ok(addresses), Some(_)) = (&addresses, &index) {
                                        // The summary's countries grow as details are read.
                                        let addresses = addresses.clone();
                                        if let Err(error) = on_index(&index, move |i| {
                                            i.set_addresses(customer_id, &addresses)
                                        })
                                        .await
                                        {
                                            tracing::warn!("the search index's addresses: {error}");
                                        }
                                    }
                                    addresses.map(|addresses| Outcome::Addresses {
                                        customer_id,
                                        addresses,
                                    })
                                }
                            }
                            .map_err(Failure::Api)
                        })
                        .await;
                        let budget = client.rate_budget();
                        let _ = events.send(Event {
                            request,
                            slot: Some(slot),
                            result,
                            elapsed: started.elapsed(),
                            budget,
                        });
                    }),
                );
            }
            Command::Write { request, write } => {
                let (client, events) = (client.clone(), events.clone());
                let recording = recording.clone();
                let index = index.clone();
                writes.push(tokio::spawn(async move {
                    let started = Instant::now();
                    // Progress of a long write, and its end, go back on the same request.
                    let say = |result| send_write_event(&events, &client, request, started, result);
                    let progress = |progress| say(Ok(Outcome::Progress(progress)));
                    let result = guarded(async {
                        match write {
                            Write::Create { fields } => {
                                let created = client.create(&fields).await?;
                                if let Some(recording) = &recording
                                    && let Err(error) = recording
                                        .journal
                                        .record_created(&recording.store, &[created.id])
                                {
                                    tracing::warn!("the change journal was not written: {error}");
                                }
                                keep_in_index(&index, &created).await;
                                Ok(Outcome::Customer(created))
                            }
                            Write::Update {
                                customer_id,
                                changes,
                                before,
                            } => {
                                let saved = client.update(customer_id, &changes).await?;
                                let mut after = changes;
                                after.remove("_authentication");
                                if !after.is_empty() {
                                    let entry = crate::jobs::journal::Entry {
                                        customer_id,
                                        before,
                                        after,
                                        date_modified: saved.date_modified.clone(),
                                    };
                                    record_edit(&recording, entry);
                                }
                                keep_in_index(&index, &saved).await;
                                Ok(Outcome::Customer(saved))
                            }
                            Write::Delete { customer_id } => {
                                client.delete(customer_id).await?;
                                drop_from_index(&index, vec![customer_id]).await;
                                Ok(Outcome::Deleted(customer_id))
                            }
                            Write::CreateAddress {
                                customer_id,
                                fields,
                            } => {
                                let address = client.create_address(customer_id, &fields).await?;
                                keep_address_in_index(&index, &address).await;
                                Ok(Outcome::Address(address))
                            }
                            Write::UpdateAddress {
                                customer_id,
                                address_id,
                                changes,
                            } => {
                                let address = client
                                    .update_address(customer_id, address_id, &changes)
                                    .await?;
                                keep_address_in_index(&index, &address).await;
                                Ok(Outcome::Address(address))
                            }
                            Write::DeleteAddress {
                                customer_id,
                                address_id,
                            } => {
                                client.delete_address(customer_id, address_id).await?;
                                if index.is_some()
                                    && let Err(error) =
                                        on_index(&index, move |i| i.remove_address(address_id))
                                            .await
                                {
                                    tracing::warn!("the search index's addresses: {error}");
                                }
                                Ok(Outcome::AddressDeleted {
                                    customer_id,
                                    address_id,
                                })
                            }
                            Write::CreateGroup { fields } => {
                                Ok(client.create_group(&fields).await.map(Outcome::Group)?)
                            }
                            Write::UpdateGroup { group_id, changes } => Ok(client
                                .update_group(group_id, &changes)
                                .await
                                .map(Outcome::Group)?),
                            Write::DeleteGroup { group_id } => Ok(client
                                .delete_group(group_id)
                                .await
                                .map(|()| Outcome::GroupDeleted(group_id))?),
                            Write::Export { filter, path } => {
                                let spec = ExportSpec {
                                    filter,
                                    format: ExportFormat::for_path(&path),
                                    with_addresses: false,
                                };
                                let written = crate::jobs::export::export_to_file(
                                    &client, &spec, &path, progress,
                                )
                                .await?;
                                Ok(Outcome::Exported { written, path })
                            }
                            Write::ExportFound { query, path } => {
                                let written = export_found(&index, query, path.clone()).await?;
                                Ok(Outcome::Exported { written, path })
                            }
                            Write::DeleteCustomers {
                                selection,
                                backup,
                                cancel,
                            } => {
                                let selection = found_ids(&index, selection).await?;
                                let deleted = crate::jobs::delete::delete_customers(
                                    &client, &selection, &backup, &cancel, progress,
                                )
                                .await?;
                                if let Some(problem) = &deleted.undo_record_problem {
                                    tracing::warn!("undo will not outlive this session: {problem}");
                                }
                                record(&recording, Kind::Delete, deleted.report.done, &backup, &[]);
                                drop_from_index(&index, deleted.report.ids.clone()).await;
                                Ok(Outcome::DeletedCustomers(deleted))
                            }
                            Write::UndoChangeSet { set, cancel } => {
                                let Some(recording) = &recording else {
                                    return Err(Failure::Job(JobError::Stopped(
                                        "no change journal this session".to_owned(),
                                    )));
                                };
                                Ok(Outcome::Undone(
                                    crate::jobs::undo::undo_change_set(
                                        &client,
                                        &recording.journal,
                                        &recording.store,
                                        &set,
                                        &cancel,
                                        progress,
                                    )
                                    .await?,
                                ))
                            }
                            Write::UpdateCustomers {
                                selection,
                                change,
                                backup,
                                cancel,
                            } => {
                                let selection = found_ids(&index, selection).await?;
                                let updated = crate::jobs::update::update_customers(
                                    &client, &selection, &change, &backup, &cancel, progress,
                                )
                                .await?;
                                record(
                                    &recording,
                                    Kind::BulkEdit,
                                    updated.report.done,
                                    &backup,
                                    &updated.entries,
                                );
                                Ok(Outcome::UpdatedCustomers(updated))
                            }
                            Write::Restore {
                                backup,
                                only_ids,
                                cancel,
                            } => {
                                let report = crate::jobs::restore::restore_backup(
                                    &client,
                                    &backup,
                                    only_ids.as_deref(),
                                    &cancel,
                                    progress,
                                )
                                .await?;
                                if let Some(recording) = &recording
                                    && report.done > 0
                                    && let Err(error) = recording.journal.record_new(
                                        Kind::Restore,
                                        &recording.store,
                                        &report.ids,
                                    )
                                {
                                    tracing::warn!("the change journal was not written: {error}");
                                }
                                Ok(Outcome::Restored(report))
                            }
                        }
                    })
                    .await;
                    say(result);
                }));
            }
            Command::SyncIndex { request } => {
                if let Some(older) = sync.take() {
                    older.abort(); // it kept what it read; this one goes on from there
                }
                let Some(index) = index.clone() else {
                    continue;
                };
                let (client, events) = (client.clone(), events.clone());
                sync = Some(tokio::spawn(async move {
                    let started = Instant::now();
                    let say = |result| send_write_event(&events, &client, request, started, result);
                    let result = crate::index::sync::sync(&client, &index, |progress| {
                        say(Ok(Outcome::IndexProgress(progress)))
                    })
                    .await;
                    say(result
                        .map(Outcome::IndexSynced)
                        .map_err(|error| Failure::Job(JobError::Stopped(error.to_string()))));
                }));
            }
            Command::Shutdown => break,
        }
    }
    if let Some(sync) = sync {
        sync.abort(); // what it read is kept; the next sync goes on from there
    }
    for (_, read) in reads {
        read.abort();
    }
    for write in writes {
        let _ = write.await;
    }
}

/// Runs `work` on the local index on a blocking thread; without an index, says so.
async fn on_index<T: Send + 'static>(
    index: &Option<Arc<LocalIndex>>,
    work: impl FnOnce(&LocalIndex) -> Result<T, crate::index::IndexError> + Send + 'static,
) -> Result<T, Failure> {
    let Some(index) = index.clone() else {
        return Err(Failure::Job(JobError::Stopped(
            "the local search index is off for this store".to_owned(),
        )));
    };
    match tokio::task::spawn_blocking(move || work(&index)).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(Failure::Job(JobError::Stopped(error.to_string()))),
        Err(error) => Err(Failure::Job(JobError::Stopped(format!(
            "the search index's work stopped: {error}"
        )))),
    }
}

/// A selection of what a search found becomes the ids the index holds for it now: a job
/// works on customers by id.
async fn found_ids(
    index: &Option<Arc<LocalIndex>>,
    selection: Selection,
) -> Result<Selection, Failure> {
    match selection {
        Selection::Found { query, except } => {
            let ids = on_index(index, move |index| index.ids(&query)).await?;
            let except: std::collections::HashSet<i64> = except.into_iter().collect();
            Ok(Selection::Ids(
                ids.into_iter().filter(|id| !except.contains(id)).collect(),
            ))
        }
        other => Ok(other),
    }
}

/// A customer the app created or changed goes into the index at once.
async fn keep_in_index(index: &Option<Arc<LocalIndex>>, customer: &Customer) {
    let customer = customer.clone();
    if let Err(error) = on_index(index, move |index| index.upsert(&[customer])).await
        && index.is_some()
    {
        tracing::warn!("the search index was not updated: {error}");
    }
}

/// An address the app created or changed: its country counts in the summary at once.
async fn keep_address_in_index(index: &Option<Arc<LocalIndex>>, address: &Address) {
    let address = address.clone();
    if index.is_some()
        && let Err(error) = on_index(index, move |i| i.keep_address(&address)).await
    {
        tracing::warn!("the search index's addresses: {error}");
    }
}

/// Customers the app deleted leave the index at once.
async fn drop_from_index(index: &Option<Arc<LocalIndex>>, ids: Vec<i64>) {
    if ids.is_empty() {
        return;
    }
    if let Err(error) = on_index(index, move |index| index.remove(&ids)).await
        && index.is_some()
    {
        tracing::warn!("the search index was not updated: {error}");
    }
}

/// Writes what the index finds into `path`, in the export's format for its name: whole or
/// not at all.
async fn export_found(
    index: &Option<Arc<LocalIndex>>,
    query: IndexQuery,
    path: PathBuf,
) -> Result<u64, Failure> {
    on_index(index, move |index| {
        let names = index.group_names()?.into_iter().collect();
        let format = ExportFormat::for_path(&path);
        let written = crate::jobs::export::write_found_to_file(index, &query, format, names, &path)
            .map_err(|error| crate::index::IndexError::Task(error.to_string()))?;
        Ok(written)
    })
    .await
}

/// How many customers each group has: one count request per group, four at a time.
async fn group_counts(client: &Client, group_ids: Vec<i64>) -> Result<Outcome, ApiError> {
    use futures::StreamExt;
    let mut counts = futures::stream::iter(group_ids)
        .map(|group_id| async move {
            let filter = Filter {
                customer_group_id: Some(group_id),
                ..Filter::default()
            };
            client.count(&filter).await.map(|count| (group_id, count))
        })
        .buffered(4);
    let mut all = Vec::new();
    while let Some(count) = counts.next().await {
        all.push(count?);
    }
    Ok(Outcome::GroupCounts(all))
}

/// Sends a write's progress, or its end, back to the app.
fn send_write_event(
    events: &mpsc::UnboundedSender<Event>,
    client: &Client,
    request: RequestId,
    started: Instant,
    result: Result<Outcome, Failure>,
) {
    let _ = events.send(Event {
        request,
        slot: None,
        result,
        elapsed: started.elapsed(),
        budget: client.rate_budget(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_request_becomes_an_error() {
        let result = guarded(async { panic!("boom") }).await;
        assert!(matches!(result, Err(Failure::Api(ApiError::Internal(_)))));
        let fine = guarded(async { Ok(Outcome::Count(3)) }).await;
        assert_eq!(fine, Ok(Outcome::Count(3)));
    }
}
