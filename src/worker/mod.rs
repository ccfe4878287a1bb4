//! The background task between the UI and the store: `Command`s in, `Event`s out, over tokio
//! channels. It owns the API client; the UI never waits on the network. Several requests run
//! at once; reads for one view are latest-wins (a newer read in the same slot cancels the
//! older one, so a result for a page the user has left never arrives); writes always finish.

mod index;
mod messages;

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use futures::FutureExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::domain::Filter;
use crate::index::LocalIndex;
use crate::jobs::JobError;
use crate::jobs::export::{ExportFormat, ExportSpec};
use crate::jobs::journal::{Journal, Kind};
use crate::store::ApiError;
use crate::store::SharedStore;

use index::{
    drop_from_index, export_found, found_ids, keep_address_in_index, keep_in_index, on_index,
};
pub use messages::*;

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
pub fn spawn(
    client: SharedStore,
) -> (WorkerHandle, mpsc::UnboundedReceiver<Event>, JoinHandle<()>) {
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
    client: SharedStore,
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
    client: SharedStore,
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
    client: SharedStore,
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
                let (client, events) = (Arc::clone(&client), events.clone());
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
                                } => client
                                    .list(&filter, page, limit)
                                    .await
                                    .map(|listed| Outcome::Page(listed.customers)),
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
                let (client, events) = (Arc::clone(&client), events.clone());
                let recording = recording.clone();
                let index = index.clone();
                writes.push(tokio::spawn(async move {
                    let started = Instant::now();
                    // Progress of a long write, and its end, go back on the same request.
                    let say = |result| send_write_event(&events, &client, request, started, result);
                    let progress = |progress| say(Ok(Outcome::Progress(progress)));
                    let result = guarded(async {
                        match write {
                            Write::Create { customer } => {
                                let created = client.create(&customer).await?;
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
                                after.password = None;
                                after.force_password_reset = None;
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
                            Write::CreateGroup { group } => {
                                Ok(client.create_group(&group).await.map(Outcome::Group)?)
                            }
                            Write::UpdateGroup { group_id, change } => Ok(client
                                .update_group(group_id, &change)
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
                let (client, events) = (Arc::clone(&client), events.clone());
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

/// How many customers each group has: one count request per group, four at a time.
async fn group_counts(client: &SharedStore, group_ids: Vec<i64>) -> Result<Outcome, ApiError> {
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
    client: &SharedStore,
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
