//! Export throughput against a distant store: 100,000 customers from a sandbox that answers
//! after 50 ms (`BENCH_CUSTOMERS`, `BENCH_LATENCY_MS` to change), once with the export's
//! concurrent in-order paging and once page after page, the way the official Python client's
//! `iterall` walks them. Prints the times, the speed-up and the peak memory.
//! Run with `cargo bench --bench export`.

use std::time::{Duration, Instant};

use bc_customers::api::Auth;
use bc_customers::api::v2::{Client, ClientOptions};
use bc_customers::domain::{Filter, Secret};
use bc_customers::jobs::export::{ExportFormat, ExportSpec, export};
use bc_customers::store::MAX_PAGE_SIZE;

#[path = "../tests/common/mod.rs"]
mod common;

const TOKEN: &str = "bench-token";

#[tokio::main]
async fn main() {
    let customers: u64 = env_number("BENCH_CUSTOMERS", 100_000);
    let latency = Duration::from_millis(env_number("BENCH_LATENCY_MS", 50));
    let folder = tempfile::tempdir().expect("a temporary folder");
    // The store runs in its own process, so the memory measured here is the client's alone.
    let latency_ms = latency.as_millis().to_string();
    let store = common::spawn_sandbox_process_with(
        &folder.path().join("bench.sqlite3"),
        TOKEN,
        u32::try_from(customers).expect("a seed the sandbox takes"),
        &["--latency-ms", &latency_ms],
    );
    let api_url = &store.api_url;
    let client = Client::new(
        api_url,
        Auth::Token {
            token: Secret::new(TOKEN),
            client_id: None,
        },
        ClientOptions::default(),
    )
    .expect("a client");
    let client: bc_customers::store::SharedStore = std::sync::Arc::new(client);
    println!(
        "{customers} customers, {} ms latency per request, pages of {MAX_PAGE_SIZE}",
        latency.as_millis()
    );
    let baseline = rss_mib("VmHWM:");
    println!("client peak RSS before exporting: {baseline:.0} MiB\n");

    let started = Instant::now();
    // Resident memory as the export goes: flat means it does not grow with what was written.
    let mut samples = Vec::new();
    let written = export(
        &client,
        &ExportSpec {
            filter: Filter::default(),
            format: ExportFormat::Ndjson,
            with_addresses: false,
        },
        &mut std::io::sink(),
        std::path::Path::new("nowhere"),
        |progress| {
            let quarter = progress.done * 4 / progress.total.max(1);
            if samples.len() < quarter as usize {
                samples.push((progress.done, rss_mib("VmRSS:")));
            }
        },
    )
    .await
    .expect("a whole export");
    let concurrent = started.elapsed();
    assert_eq!(written, customers);
    let after_concurrent = rss_mib("VmHWM:");

    let started = Instant::now();
    let mut fetched = 0u64;
    for page in 1.. {
        let customers = client
            .list(&Filter::default(), page, MAX_PAGE_SIZE)
            .await
            .expect("a page")
            .customers;
        if customers.is_empty() {
            break;
        }
        fetched += customers.len() as u64;
        for customer in &customers {
            serde_json::to_writer(std::io::sink(), customer).expect("serialises");
        }
    }
    let sequential = started.elapsed();
    assert_eq!(fetched, customers);

    println!("{:<40} {:>10} {:>16}", "export", "seconds", "customers/s");
    for (name, took) in [
        ("concurrent, in order (bc-customers)", concurrent),
        ("page after page (iterall)", sequential),
    ] {
        println!(
            "{name:<40} {:>10.2} {:>16.0}",
            took.as_secs_f64(),
            customers as f64 / took.as_secs_f64()
        );
    }
    println!(
        "\nspeed-up: {:.1}x",
        sequential.as_secs_f64() / concurrent.as_secs_f64()
    );
    println!(
        "peak RSS: {baseline:.0} MiB before the exports, {after_concurrent:.0} MiB after the concurrent one"
    );
    let during: Vec<String> = samples
        .iter()
        .map(|(done, mib)| format!("{mib:.0} MiB at {done}"))
        .collect();
    println!("RSS during the concurrent export: {}", during.join(", "));
    println!(
        "429s: {}, retries: {}",
        client
            .stats()
            .rate_limited
            .load(std::sync::atomic::Ordering::Relaxed),
        client
            .stats()
            .retried
            .load(std::sync::atomic::Ordering::Relaxed)
    );
    drop(store); // stops the sandbox
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// A memory figure of this process from /proc (Linux: `VmRSS:` now, `VmHWM:` peak), in MiB;
/// 0 where it cannot be read.
fn rss_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with(field))?;
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map_or(0.0, |kib| kib / 1024.0)
}
