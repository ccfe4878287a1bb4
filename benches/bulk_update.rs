//! A bulk edit (store credit added) of every customer of a sandbox limited to 30 requests
//! every 5 s, through the worker exactly as the terminal app runs it after `A`, `B`: the
//! backup, then one read and one PUT per customer. Prints the achieved request rate as a
//! fraction of the quota, the 429s met, and the process's resident memory as it goes.
//! Run with `cargo bench --bench bulk_update` (BENCH_CUSTOMERS, default 1,000: about 8
//! minutes, the quota is the limit).

use std::sync::atomic::Ordering;
use std::time::Instant;

use bc_customers::jobs::Cancel;
use bc_customers::jobs::update::BulkChange;
use bc_customers::worker::{self, Command, Outcome, Setup, Write};

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

#[path = "limited_store/mod.rs"]
mod limited_store;

use limited_store::LimitedStore;

#[tokio::main]
async fn main() {
    let store = LimitedStore::start(1_000).await;
    let quota_per_second = store.quota_per_second();
    let LimitedStore {
        running,
        client,
        limit,
        customers,
        folder,
    } = store;
    println!(
        "bulk edit of {customers} customers, rate limit {}/{} s ({quota_per_second:.1} requests/s)",
        limit.quota,
        limit.window.as_secs()
    );
    let setup = Setup {
        places: Some(bc_customers::paths::Places::in_folder(folder.path())),
        known_as: "bench".into(),
        index: false,
    };
    let (worker, mut events, _task) = worker::spawn(client.clone(), setup);
    let change = BulkChange {
        add_store_credit: Some(5.into()),
        ..BulkChange::default()
    };
    let started = Instant::now();
    let baseline = rss_mib();
    worker.send(Command::Write {
        request: 1,
        write: Write::UpdateCustomers {
            ids: (1..=customers as i64).collect(),
            change,
            cancel: Cancel::default(),
        },
    });
    let mut samples = Vec::new();
    let updated = loop {
        let event = events.recv().await.expect("the worker is running");
        match event.result.expect("the job succeeds") {
            Outcome::Progress(progress) => {
                let quarter = progress.done * 4 / progress.total.max(1);
                if samples.len() < quarter as usize {
                    samples.push((progress.step.doing(), progress.done, rss_mib()));
                }
            }
            Outcome::UpdatedCustomers(updated) => break updated,
            other => panic!("an update report, got {other:?}"),
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let requests = client.stats().requests.load(Ordering::Relaxed);
    let refused = client.stats().rate_limited.load(Ordering::Relaxed);
    let rate = requests as f64 / seconds;
    println!("{}", updated.summary());
    println!(
        "requests {requests}, {seconds:.1} s, {rate:.2} requests/s = {:.1} % of the quota (target ≥ 95 %), 429s {refused} (target 0)",
        rate / quota_per_second * 100.0
    );
    println!("resident memory: {baseline:.0} MiB before");
    for (step, done, rss) in samples {
        println!("  {step} {done}: {rss:.0} MiB");
    }
    running.shutdown().await.expect("a clean shutdown");
}
