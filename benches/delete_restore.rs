//! Bulk delete by id and restore of 300 customers against a sandbox with a rate limit of 30
//! requests every 5 s: the achieved request rate as a fraction of the quota, and the 429s met.
//! Both run through the worker exactly as the terminal app sends them (`A`, `D`, then `u`):
//! backup, delete by id and the check afterwards, then the restore of what was deleted.
//! Run with `cargo bench --bench delete_restore` (about two minutes: the quota is the limit).

use std::sync::atomic::Ordering;
use std::time::Instant;

use bc_customers::domain::Filter;
use bc_customers::jobs::Cancel;
use bc_customers::jobs::undo::UndoScope;
use bc_customers::worker::{self, Chosen, Command, Event, Outcome, Read, Setup, Slot, Write};
use tokio::sync::mpsc::UnboundedReceiver;

#[path = "limited_store/mod.rs"]
mod limited_store;

use limited_store::LimitedStore;

#[tokio::main]
async fn main() {
    let store = LimitedStore::start(300).await;
    let quota_per_second = store.quota_per_second();
    let LimitedStore {
        running,
        client,
        limit,
        customers,
        folder,
    } = store;
    println!(
        "{customers} customers, rate limit {}/{} s ({quota_per_second:.1} requests/s)\n",
        limit.quota,
        limit.window.as_secs()
    );
    println!(
        "{:<28} {:>9} {:>10} {:>12} {:>12} {:>6}",
        "step", "requests", "seconds", "requests/s", "of quota", "429s"
    );

    let phase = |name: &str, started: Instant, before: (u64, u64)| {
        let requests = client.stats().requests.load(Ordering::Relaxed) - before.0;
        let refused = client.stats().rate_limited.load(Ordering::Relaxed) - before.1;
        let seconds = started.elapsed().as_secs_f64();
        let rate = requests as f64 / seconds;
        println!(
            "{name:<28} {requests:>9} {seconds:>10.1} {rate:>12.2} {:>11.1}% {refused:>6}",
            rate / quota_per_second * 100.0
        );
    };
    let counters = |client: &bc_customers::store::SharedStore| {
        (
            client.stats().requests.load(Ordering::Relaxed),
            client.stats().rate_limited.load(Ordering::Relaxed),
        )
    };

    let setup = Setup {
        places: Some(bc_customers::paths::Places::in_folder(folder.path())),
        known_as: "bench".into(),
        index: false,
    };
    let (worker, mut events, _task) = worker::spawn(client.clone(), setup);
    let before = counters(&client);
    let started = Instant::now();
    // The app's review (the ids fixed), then the delete of exactly those.
    worker.send(Command::Read {
        request: 1,
        slot: Slot::DeleteReview,
        read: Read::DeleteReview {
            chosen: Chosen::Matching {
                filter: Filter::default(),
                except: Vec::new(),
            },
        },
    });
    let reviewed = match finished(&mut events).await {
        Outcome::DeleteReview { reviewed, .. } => reviewed,
        other => panic!("a review, got {other:?}"),
    };
    worker.send(Command::Write {
        request: 2,
        write: Write::DeleteCustomers {
            reviewed,
            cancel: Cancel::default(),
        },
    });
    let deleted = match finished(&mut events).await {
        Outcome::DeletedCustomers(deleted) => deleted,
        other => panic!("a delete report, got {other:?}"),
    };
    assert_eq!(
        (deleted.report.done, deleted.report.failed.len()),
        (customers, 0)
    );
    assert_eq!(deleted.still_on_store, Some(0));
    phase("review + back up + delete + check", started, before);

    let before = counters(&client);
    let started = Instant::now();
    worker.send(Command::Write {
        request: 3,
        write: Write::UndoChangeSet {
            set: deleted.change_set,
            scope: UndoScope::Remaining,
            cancel: Cancel::default(),
        },
    });
    let report = match finished(&mut events).await {
        Outcome::Undone(undone) => undone.report,
        other => panic!("an undo report, got {other:?}"),
    };
    assert_eq!((report.done, report.failed.len()), (customers, 0));
    phase("undo (restore)", started, before);
    assert_eq!(
        client.count(&Filter::default()).await.expect("a count"),
        customers
    );
    running.shutdown().await.expect("a clean shutdown");
}

/// The worker's last word on a job, past its progress events.
async fn finished(events: &mut UnboundedReceiver<Event>) -> Outcome {
    loop {
        let event = events.recv().await.expect("the worker is running");
        match event.result.expect("the job succeeds") {
            Outcome::Progress(_) => continue,
            outcome => return outcome,
        }
    }
}
