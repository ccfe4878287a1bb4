//! Sandbox query latency over loopback HTTP on a large store.
//!
//! Seeds a store of 1,000,000 customers (`BENCH_CUSTOMERS` to change it), then times filtered
//! pages, a page deep in the list, and counts, as a client sees them, and prints p50/p99.
//! Run with `cargo bench --bench sandbox_queries`.

use std::time::{Duration, Instant};

use bc_customers::sandbox::{self, SandboxOptions};

const TOKEN: &str = "bench-token";

struct Case {
    name: &'static str,
    paths: Vec<String>,
}

#[tokio::main]
async fn main() {
    let customers: u64 = std::env::var("BENCH_CUSTOMERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let folder = tempfile::tempdir().expect("a temporary folder");
    let db = folder.path().join("bench.sqlite3");

    let mut options = SandboxOptions::new(db.clone());
    options.token = Some(TOKEN.to_owned());
    options.seed = customers;
    let seeding = Instant::now();
    let running = sandbox::start(options).await.expect("the sandbox starts");
    let seeded_in = seeding.elapsed();
    let db_bytes: u64 = std::fs::read_dir(folder.path())
        .expect("the bench folder")
        .filter_map(|entry| entry.ok()?.metadata().ok())
        .map(|meta| meta.len())
        .sum();
    println!(
        "seeded {customers} customers in {:.1} s; database {:.0} MiB",
        seeded_in.as_secs_f64(),
        db_bytes as f64 / (1024.0 * 1024.0)
    );

    let last_names = [
        "Smith", "Nguyen", "Garcia", "Kowalski", "Okafor", "Rossi", "Tanaka", "Patel",
    ];
    let deep_page = (customers / 250 * 3 / 4).clamp(1, 3000);
    let cases = vec![
        Case {
            name: "filtered page: last_name, 50",
            paths: last_names.iter().map(|n| format!("/customers?last_name={n}&limit=50")).collect(),
        },
        Case {
            name: "filtered page: group + dates, 50",
            paths: (1..=5)
                .map(|g| format!("/customers?customer_group_id={g}&min_date_created=2020-01-01&max_date_created=2023-12-31&page=3"))
                .collect(),
        },
        Case { name: "first page, 250", paths: vec!["/customers?limit=250".to_owned()] },
        Case {
            name: &*Box::leak(format!("deep page: {deep_page} of 250").into_boxed_str()),
            paths: vec![format!("/customers?page={deep_page}&limit=250")],
        },
        Case {
            name: "filtered count: last_name",
            paths: last_names.iter().map(|n| format!("/customers/count?last_name={n}")).collect(),
        },
        Case {
            name: "filtered count: group",
            paths: (0..=5).map(|g| format!("/customers/count?customer_group_id={g}")).collect(),
        },
        Case {
            name: "filtered count: date range",
            paths: vec!["/customers/count?min_date_created=2018-01-01&max_date_created=2024-06-30".to_owned()],
        },
        Case { name: "count, no filter", paths: vec!["/customers/count".to_owned()] },
        Case { name: "one customer by id", paths: (1..=20).map(|i| format!("/customers/{}", i * customers / 21)).collect() },
    ];

    bc_customers::api::v2::install_tls_provider();
    let http = reqwest::Client::new();
    let base = running.api_url();
    println!("{rounds} requests each, over loopback HTTP, one at a time\n");
    println!(
        "{:<36} {:>10} {:>10} {:>10}",
        "request", "p50 ms", "p99 ms", "max ms"
    );
    for case in &cases {
        let mut times = Vec::with_capacity(rounds);
        for round in 0..rounds + 10 {
            let path = &case.paths[round % case.paths.len()];
            let started = Instant::now();
            let response = http
                .get(format!("{base}{path}"))
                .header("X-Auth-Token", TOKEN)
                .send()
                .await
                .expect("an answer");
            let status = response.status();
            let body = response.bytes().await.expect("a body");
            let elapsed = started.elapsed();
            assert!(status.is_success(), "{path}: {status}");
            std::hint::black_box(body);
            if round >= 10 {
                times.push(elapsed); // the first ten warm the caches
            }
        }
        times.sort();
        let at = |q: f64| millis(times[((times.len() as f64 * q) as usize).min(times.len() - 1)]);
        println!(
            "{:<36} {:>10.2} {:>10.2} {:>10.2}",
            case.name,
            at(0.50),
            at(0.99),
            millis(times[times.len() - 1])
        );
    }
    running.shutdown().await.expect("a clean shutdown");
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
