//! The background task between the UI and the store: `Command`s in, `Event`s out, over tokio
//! channels. It dispatches each command — reads to the store or the index, changes to the
//! store's service — and sends the result back; the UI never waits on the network. Several
//! requests run at once; reads for one view are latest-wins (a newer read in the same slot
//! cancels the older one, so a result for a page the user has left never arrives); writes
//! always finish.

mod keeper;
mod messages;
mod reads;
mod writes;

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use futures::FutureExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub use keeper::Setup;
use keeper::{Keeper, on_index};
pub use messages::*;

use crate::jobs::JobError;
use crate::store::{ApiError, SharedStore};

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
    store: SharedStore,
    setup: Setup,
) -> (WorkerHandle, mpsc::UnboundedReceiver<Event>, JoinHandle<()>) {
    let (commands, inbox) = mpsc::unbounded_channel();
    let (events, outbox) = mpsc::unbounded_channel();
    let worker = Worker {
        keeper: Arc::new(Keeper::new(store, setup)),
        events,
        reads: HashMap::new(),
        writes: Vec::new(),
        sync: None,
    };
    let task = tokio::spawn(worker.run(inbox));
    (WorkerHandle { commands }, outbox, task)
}

struct Worker {
    keeper: Arc<Keeper>,
    events: mpsc::UnboundedSender<Event>,
    /// The read in flight in each slot.
    reads: HashMap<Slot, JoinHandle<()>>,
    writes: Vec<JoinHandle<()>>,
    /// The index's sync under way (one at a time).
    sync: Option<JoinHandle<()>>,
}

impl Worker {
    async fn run(mut self, mut inbox: mpsc::UnboundedReceiver<Command>) {
        while let Some(command) = inbox.recv().await {
            self.writes.retain(|task| !task.is_finished());
            match command {
                Command::Read {
                    request,
                    slot,
                    read,
                } => self.read(request, slot, read),
                Command::Write { request, write } => self.write(request, write),
                Command::SyncIndex { request } => self.sync_index(request),
                Command::Shutdown => break,
            }
        }
        if let Some(sync) = self.sync {
            sync.abort(); // what it read is kept; the next sync goes on from there
        }
        for (_, read) in self.reads {
            read.abort();
        }
        for write in self.writes {
            let _ = write.await;
        }
    }

    fn read(&mut self, request: RequestId, slot: Slot, read: Read) {
        if let Some(older) = self.reads.remove(&slot) {
            older.abort(); // latest wins: the older result would be stale
        }
        let (keeper, events) = (Arc::clone(&self.keeper), self.events.clone());
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let result = guarded(reads::answer(&keeper, read)).await;
            tell(&events, &keeper, request, Some(slot), started, result);
        });
        self.reads.insert(slot, task);
    }

    fn write(&mut self, request: RequestId, write: Write) {
        let (keeper, events) = (Arc::clone(&self.keeper), self.events.clone());
        self.writes.push(tokio::spawn(async move {
            let started = Instant::now();
            // Progress of a long write, and its end, go back on the same request.
            let progress = |progress| {
                tell(
                    &events,
                    &keeper,
                    request,
                    None,
                    started,
                    Ok(Outcome::Progress(progress)),
                )
            };
            let result = guarded(writes::perform(&keeper, write, progress)).await;
            tell(&events, &keeper, request, None, started, result);
        }));
    }

    fn sync_index(&mut self, request: RequestId) {
        if let Some(older) = self.sync.take() {
            older.abort(); // it kept what it read; this one goes on from there
        }
        let (keeper, events) = (Arc::clone(&self.keeper), self.events.clone());
        self.sync = Some(tokio::spawn(async move {
            let started = Instant::now();
            let say = |result| tell(&events, &keeper, request, None, started, result);
            let index = match keeper.index().await {
                Ok(index) => index,
                Err(failure) => return say(Err(failure)),
            };
            match on_index(&index, |index| index.status()).await {
                Ok(status) => say(Ok(Outcome::IndexOpened(status))),
                Err(failure) => return say(Err(failure)),
            }
            let synced = crate::index::sync::sync(keeper.store(), &index, |progress| {
                say(Ok(Outcome::IndexProgress(progress)))
            })
            .await;
            say(synced
                .map(Outcome::IndexSynced)
                .map_err(|error| Failure::from(JobError::from(error))));
        }));
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

/// Sends a result (or a long write's progress) back to the app.
fn tell(
    events: &mpsc::UnboundedSender<Event>,
    keeper: &Keeper,
    request: RequestId,
    slot: Option<Slot>,
    started: Instant,
    result: Result<Outcome, Failure>,
) {
    let _ = events.send(Event {
        request,
        slot,
        result,
        elapsed: started.elapsed(),
        budget: keeper.store().rate_budget(),
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
