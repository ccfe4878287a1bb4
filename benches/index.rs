//! The local search index, measured:
//! - keystroke → new results (the page and the count, through the worker as the app asks),
//!   with 100,000 and 1,000,000 customers;
//! - the first sync of 100,000 customers from a store limited to 150 requests / 30 s (quota
//!   used, 429s, how long a person's own request waits meanwhile), and from a store 50 ms away
//!   with no quota (customers a second);
//! - a later sync with nothing changed, and one finding 10 deleted customers (requests);
//! - the app's memory (the real binary in a pseudo-terminal) with a 1,000,000-customer index.
//!
//! `cargo bench --bench index`; BENCH_SECTIONS=search,sync,memory picks sections (memory needs
//! search's 1,000,000-customer index); BENCH_BIG sets the big size.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bc_customers::api::Auth;
use bc_customers::api::v2::{Client, ClientOptions};
use bc_customers::domain::{Filter, Secret};
use bc_customers::index::sync::sync;
use bc_customers::index::{IndexQuery, LocalIndex};
use bc_customers::sandbox::{self, RateLimit, RunningSandbox, SandboxOptions};
use bc_customers::store::SharedStore;
use bc_customers::worker::{self, Command, Outcome, Read, Setup, Slot};

#[path = "../tests/e2e/pty.rs"]
#[allow(dead_code)]
mod pty;

const TOKEN: &str = "bench-token";

/// What a person types, a keystroke at a time: names, a company, parts of emails and phones.
const TYPED: [&str; 8] = [
    "marie ferguson",
    "james m",
    "northwind traders",
    "post.example",
    "(864) 555",
    "zephyr kites",
    "li wu",
    "nobody-is-called-this",
];

struct Store {
    running: RunningSandbox,
    client: SharedStore,
    _folder: tempfile::TempDir,
}

async fn start_store(customers: u64, configure: impl FnOnce(&mut SandboxOptions)) -> Store {
    let folder = tempfile::tempdir().expect("a folder");
    let mut options = SandboxOptions::new(folder.path().join("bench.sqlite3"));
    options.token = Some(TOKEN.to_owned());
    options.seed = customers;
    configure(&mut options);
    let running = sandbox::start(options).await.expect("the sandbox starts");
    let client = client_of(&running);
    Store {
        running,
        client,
        _folder: folder,
    }
}

fn client_of(running: &RunningSandbox) -> SharedStore {
    let client = Client::new(
        &running.api_url(),
        Auth::Token {
            token: Secret::new(TOKEN),
            client_id: None,
        },
        ClientOptions::default(),
    )
    .expect("a client");
    Arc::new(client)
}

fn requests(client: &SharedStore) -> u64 {
    client.stats().requests.load(Ordering::Relaxed)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at].as_secs_f64() * 1000.0
}

/// Every keystroke of `TYPED` through the worker: the page and the count for the text so far.
/// The worker opens the index the app would: in `data`, by the store's identity.
async fn keystrokes(data: &std::path::Path, client: SharedStore) -> (Vec<Duration>, Vec<Duration>) {
    let setup = Setup {
        places: Some(bc_customers::paths::Places::in_folder(data)),
        known_as: "bench".into(),
        index: true,
    };
    let (worker, mut events, _task) = worker::spawn(client, setup);
    let mut times = Vec::new();
    let mut exact = Vec::new();
    let mut request = 0;
    for round in 0..3 {
        for typed in TYPED {
            for end in 1..=typed.len() {
                let query = IndexQuery {
                    text: typed[..end].to_owned(),
                    ..IndexQuery::default()
                };
                let started = Instant::now();
                request += 2;
                worker.send(Command::Read {
                    request: request - 1,
                    slot: Slot::Page,
                    read: Read::Search {
                        query: query.clone(),
                        page: 1,
                        limit: 50,
                    },
                });
                worker.send(Command::Read {
                    request,
                    slot: Slot::Count,
                    read: Read::SearchCount { query },
                });
                let mut broad = false;
                for _ in 0..2 {
                    let event = events.recv().await.expect("the worker answers");
                    assert!(event.result.is_ok(), "{:?}", event.result);
                    broad |= matches!(event.result, Ok(Outcome::CountMoreThan(_)));
                }
                // The first round warms the caches, as a person's first searches do.
                if round > 0 {
                    times.push(started.elapsed());
                }
                if broad {
                    // More than a thousand found: the exact count, as the app asks next.
                    let started = Instant::now();
                    request += 1;
                    worker.send(Command::Read {
                        request,
                        slot: Slot::Count,
                        read: Read::SearchExactCount {
                            query: IndexQuery {
                                text: typed[..end].to_owned(),
                                ..IndexQuery::default()
                            },
                        },
                    });
                    let event = events.recv().await.expect("the worker answers");
                    assert!(event.result.is_ok(), "{:?}", event.result);
                    if round > 0 {
                        exact.push(started.elapsed());
                    }
                }
            }
        }
    }
    (times, exact)
}

/// Seeds a store, syncs an index from it (no quota, no latency), and times keystrokes.
async fn search_section(
    customers: u64,
    keep_for_memory: bool,
) -> Option<(Store, tempfile::TempDir)> {
    let seeding = Instant::now();
    let store = start_store(customers, |_| {}).await;
    println!(
        "\nsearch with {customers} customers (seeded in {:.1} s)",
        seeding.elapsed().as_secs_f64()
    );
    // Where the app looks for this store's index, so that the memory section can open it.
    let data = tempfile::tempdir().expect("a folder");
    let places = data.path().join("bc-customers");
    let identity = store.client.identity().await.expect("the store's identity");
    let path = bc_customers::paths::Places::in_folder(&places).index(&identity);
    let index = Arc::new(LocalIndex::open(&path).expect("an index"));
    index.claim(&identity).expect("the index is this store's");
    let started = Instant::now();
    let report = sync(&store.client, &index, |_| {}).await.expect("a sync");
    let took = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!(
        "  first sync, loopback, no quota: {} customers in {took:.1} s = {:.0} customers/s, {} requests; index file {:.0} MiB",
        report.customers,
        report.customers as f64 / took,
        report.requests,
        size as f64 / 1_048_576.0
    );
    let (mut times, mut exact) = keystrokes(&places, store.client.clone()).await;
    times.sort();
    exact.sort();
    println!(
        "  keystroke → page + count ({} keystrokes): p50 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        times.len(),
        percentile(&times, 0.50),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
        percentile(&times, 1.0)
    );
    if !exact.is_empty() {
        println!(
            "  the exact count after a first \"more than 1,000\" ({} searches): p50 {:.2} ms  max {:.2} ms",
            exact.len(),
            percentile(&exact, 0.5),
            percentile(&exact, 1.0)
        );
    }
    drop(index);
    keep_for_memory.then_some((store, data))
}

/// The first sync under a quota, with a person's own request every second meanwhile; then a
/// sync with nothing changed and one after 10 deletes.
async fn sync_section() {
    let customers = 100_000;
    let limit = RateLimit {
        quota: 150,
        window: Duration::from_secs(30),
    };
    let store = start_store(customers, |options| options.rate_limit = limit).await;
    println!("\nfirst sync of {customers} customers, rate limit 150 / 30 s");
    let folder = tempfile::tempdir().expect("a folder");
    let index = Arc::new(LocalIndex::open(&folder.path().join("index.sqlite3")).expect("an index"));
    let person = store.client.clone();
    let started = Instant::now();
    let before = requests(&store.client);
    let syncing = {
        let (client, index) = (store.client.clone(), Arc::clone(&index));
        tokio::spawn(async move { sync(&client, &index, |_| {}).await })
    };
    // A person turns a page every 3 s meanwhile: how long do their requests wait?
    let mut waits = Vec::new();
    while !syncing.is_finished() {
        tokio::time::sleep(Duration::from_secs(3)).await;
        let asked = Instant::now();
        person
            .list(&Filter::default(), 1 + waits.len() as u64, 50)
            .await
            .expect("a page");
        waits.push(asked.elapsed());
    }
    let report = syncing.await.expect("the sync task").expect("a sync");
    let took = started.elapsed().as_secs_f64();
    let sent = requests(&store.client) - before;
    // A window's whole quota is there at its start: N requests need at least
    // (⌈N / quota⌉ − 1) windows of waiting. How close the sync came to that is the share of
    // the quota it used.
    let windows = sent.div_ceil(limit.quota);
    let least = (windows.saturating_sub(1)) as f64 * limit.window.as_secs_f64();
    waits.sort();
    println!(
        "  {} customers in {took:.1} s: {sent} requests ({} by the sync, {} by the person); the quota allows them in no less than {least:.0} s ({windows} windows): {:.1} % of the quota used, {} 429s",
        report.customers,
        report.requests,
        waits.len(),
        100.0 * least / took,
        store.client.stats().rate_limited.load(Ordering::Relaxed)
    );
    println!(
        "  the person's {} requests meanwhile waited: p50 {:.0} ms  max {:.0} ms",
        waits.len(),
        percentile(&waits, 0.5),
        percentile(&waits, 1.0)
    );
    // Dates have whole seconds: past the overlap, nothing has changed.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let quiet = sync(&store.client, &index, |_| {}).await.expect("a sync");
    println!("  sync with nothing changed: {} requests", quiet.requests);
    for id in [
        17, 9_001, 23_456, 40_000, 40_001, 61_234, 77_777, 88_888, 99_000, 99_999,
    ] {
        store.client.delete(id).await.expect("deleted");
    }
    let after = sync(&store.client, &index, |_| {}).await.expect("a sync");
    println!(
        "  sync after 10 deletes among {customers}: {} removed, {} requests",
        after.removed, after.requests
    );

    let latency = Duration::from_millis(50);
    let slow = start_store(customers, |options| options.latency = latency).await;
    let folder = tempfile::tempdir().expect("a folder");
    let index = Arc::new(LocalIndex::open(&folder.path().join("index.sqlite3")).expect("an index"));
    let started = Instant::now();
    let report = sync(&slow.client, &index, |_| {}).await.expect("a sync");
    let took = started.elapsed().as_secs_f64();
    println!(
        "\nfirst sync of {customers} customers, store 50 ms away, no quota: {took:.1} s = {:.0} customers/s, {} requests",
        report.customers as f64 / took,
        report.requests
    );
}

fn vm(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with(field))
                .and_then(|line| line.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// The real app in a pseudo-terminal on the big store and its index: memory after start,
/// searches and a sort over every customer.
fn memory_section(store: &Store, data: &std::path::Path) {
    let mut command = portable_pty::CommandBuilder::new(env!("CARGO_BIN_EXE_bc-customers"));
    command.env("XDG_DATA_HOME", data);
    command.env("BC_CUSTOMERS_CONFIG", "/nonexistent/config.toml");
    command.env("BIGCOMMERCE_API_URL", store.running.api_url());
    command.env("BIGCOMMERCE_ACCESS_TOKEN", TOKEN);
    let mut session = pty::Session::start(command);
    let pid = session.process_id().expect("the app's process id");
    session.wait_for("index: 1,000,000 customers · synced");
    let started = vm(pid, "VmRSS:");
    for typed in ["/mar", "ie fe", "rguson"] {
        session.text(typed);
        std::thread::sleep(Duration::from_millis(300));
    }
    session.wait_for(" found");
    session.keys(&["Enter", "s", "s", "S"]);
    std::thread::sleep(Duration::from_secs(2));
    // Esc alone: a key right after it would read as Alt and that key.
    session.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(500));
    session.keys(&["i"]);
    // The summary counts a million customers three ways: give it time.
    let started_summary = Instant::now();
    while !session.screen().contains("Signup months") {
        assert!(
            started_summary.elapsed() < Duration::from_secs(120),
            "the summary never came"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let summary_took = started_summary.elapsed();
    println!(
        "\nthe app with a 1,000,000-customer index: {:.0} MiB resident after start, {:.0} MiB after searching, sorting and the summary (peak {:.0} MiB); the summary took {:.1} s",
        started,
        vm(pid, "VmRSS:"),
        vm(pid, "VmHWM:"),
        summary_took.as_secs_f64()
    );
    session.keys(&["q"]);
    session.wait_for_exit();
}

#[tokio::main]
async fn main() {
    let sections = std::env::var("BENCH_SECTIONS").unwrap_or_else(|_| "search,sync,memory".into());
    let big: u64 = std::env::var("BENCH_BIG")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    if sections.contains("search") || sections.contains("memory") {
        search_section(100_000, false).await;
        let kept = search_section(big, sections.contains("memory")).await;
        if let Some((store, data)) = kept {
            tokio::task::block_in_place(|| memory_section(&store, data.path()));
        }
    }
    if sections.contains("sync") {
        sync_section().await;
    }
}
