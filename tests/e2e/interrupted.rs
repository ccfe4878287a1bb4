//! `update` stopped on its way, as a person or a machine stops it: Ctrl-C (SIGINT) ends it
//! between requests with its report printed and its record whole; `kill -9` leaves the entry
//! written ahead, from which `history` says how far it got and `undo` sets back exactly the
//! customers it reached.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::spawn_sandbox_process_with;

const BIN: &str = env!("CARGO_BIN_EXE_bc-customers");
const TOKEN: &str = "stop-token";

fn command(api_url: &str, home: &str, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env("BIGCOMMERCE_API_URL", api_url)
        .env("BIGCOMMERCE_ACCESS_TOKEN", TOKEN)
        .env(
            "BC_CUSTOMERS_CONFIG",
            "/nonexistent/bc-customers-config.toml",
        )
        .env("HOME", home)
        .stdin(Stdio::null());
    command
}

/// Every customer's store credit, by id.
fn credits(api_url: &str) -> Vec<(i64, String)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mut all = Vec::new();
        for page in 1.. {
            let response = crate::common::client()
                .get(format!("{api_url}/customers?limit=250&page={page}"))
                .header("X-Auth-Token", TOKEN)
                .header("Accept", "application/json")
                .send()
                .await
                .expect("an answer");
            if response.status() == 204 {
                break;
            }
            let customers: Vec<serde_json::Value> = response.json().await.expect("a list");
            all.extend(customers.iter().map(|c| {
                (
                    c["id"].as_i64().expect("an id"),
                    c["store_credit"].as_str().expect("a credit").to_owned(),
                )
            }));
        }
        all
    })
}

/// Starts `update --add-store-credit 1` on every customer and waits until it has changed at
/// least `reached` of them.
fn update_under_way(api_url: &str, home: &str, before: &[(i64, String)], reached: usize) -> Child {
    let child = command(
        api_url,
        home,
        &["update", "--add-store-credit", "1", "--yes"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("update starts");
    let started = Instant::now();
    let mut child = child;
    loop {
        let changed = credits(api_url)
            .iter()
            .zip(before)
            .filter(|(now, was)| now != was)
            .count();
        if changed >= reached {
            return child;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the update never reached {reached} customers");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn history(api_url: &str, home: &str) -> serde_json::Value {
    let output = command(api_url, home, &["history", "--format", "json"])
        .output()
        .expect("history runs");
    serde_json::from_slice(&output.stdout).expect("a JSON array")
}

#[test]
fn ctrl_c_stops_an_update_between_requests_with_its_report_and_record_whole() {
    let folder = tempfile::tempdir().expect("a folder");
    let store = spawn_sandbox_process_with(
        &folder.path().join("store.sqlite3"),
        TOKEN,
        99,
        &["--latency-ms", "25"],
    );
    let home = folder.path().display().to_string();
    let before = credits(&store.api_url);
    let child = update_under_way(&store.api_url, &home, &before, 10);
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let output = child.wait_with_output().expect("the update ends");
    let said = String::from_utf8_lossy(&output.stdout);
    let complained = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "an interrupted update fails: {said}"
    );
    assert!(
        said.contains("left alone (cancelled)"),
        "the report is printed: {said}"
    );
    assert!(complained.contains("interrupted"), "{complained}");

    let changed = credits(&store.api_url)
        .iter()
        .zip(&before)
        .filter(|(now, was)| now != was)
        .count() as u64;
    assert!((10..99).contains(&changed), "{changed} changed");
    assert!(
        said.starts_with(&format!("{changed} updated")),
        "every line of the report is true: {said}"
    );
    let sets = history(&store.api_url, &home);
    assert_eq!(sets[0]["kind"], "bulk_edit");
    assert_eq!(sets[0]["cancelled"], true);
    assert_eq!(sets[0]["done"], changed, "{}", sets[0]);

    let undone = command(&store.api_url, &home, &["undo", "--yes"])
        .output()
        .expect("undo runs");
    assert!(
        undone.status.success(),
        "{}",
        String::from_utf8_lossy(&undone.stderr)
    );
    assert_eq!(credits(&store.api_url), before, "exactly those set back");
}

#[test]
fn after_kill_9_history_says_how_far_it_got_and_undo_sets_back_exactly_those() {
    let folder = tempfile::tempdir().expect("a folder");
    let store = spawn_sandbox_process_with(
        &folder.path().join("store.sqlite3"),
        TOKEN,
        99,
        &["--latency-ms", "25"],
    );
    let home = folder.path().display().to_string();
    let before = credits(&store.api_url);
    let mut child = update_under_way(&store.api_url, &home, &before, 20);
    child.kill().expect("killed"); // SIGKILL: no handler, no report
    child.wait().expect("gone");

    let reached = credits(&store.api_url)
        .iter()
        .zip(&before)
        .filter(|(now, was)| now != was)
        .count() as u64;
    let sets = history(&store.api_url, &home);
    let set = &sets[0];
    assert_eq!(set["kind"], "bulk_edit");
    assert_eq!(set["interrupted"], true, "{set}");
    assert!(
        set["state"]
            .as_str()
            .is_some_and(|state| state.starts_with("interrupted after reaching")),
        "{set}"
    );
    // What it recorded as done, and what was on its way: at least what reached the store.
    assert!(
        set["to_undo"].as_u64().is_some_and(|left| left >= reached),
        "{set}"
    );

    let undone = command(&store.api_url, &home, &["undo", "--yes"])
        .output()
        .expect("undo runs");
    assert!(
        undone.status.success(),
        "{}{}",
        String::from_utf8_lossy(&undone.stdout),
        String::from_utf8_lossy(&undone.stderr)
    );
    assert_eq!(credits(&store.api_url), before, "exactly those set back");
    let sets = history(&store.api_url, &home);
    assert_eq!(sets[1]["undone"], true, "{}", sets[1]);
}
