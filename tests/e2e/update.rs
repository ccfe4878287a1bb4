//! `bc-customers update` as a script runs it: a review first, --dry-run sends nothing, only
//! what changes is sent, and a bad field is refused before anything is sent.

use std::process::{Command, Output};

use crate::common::spawn_sandbox_process;

const BIN: &str = env!("CARGO_BIN_EXE_bc-customers");

fn run(api_url: &str, home: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("BIGCOMMERCE_API_URL", api_url)
        .env("BIGCOMMERCE_ACCESS_TOKEN", "update-token")
        .env(
            "BC_CUSTOMERS_CONFIG",
            "/nonexistent/bc-customers-config.toml",
        )
        .env("HOME", home)
        .output()
        .expect("the command runs")
}

/// Another client's edit, over HTTP.
fn put_customer(api_url: &str, id: i64, body: serde_json::Value) -> bool {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        crate::common::client()
            .put(format!("{api_url}/customers/{id}"))
            .header("X-Auth-Token", "update-token")
            .header("Accept", "application/json")
            .json(&body)
            .send()
            .await
            .is_ok_and(|response| response.status().is_success())
    })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn update_reviews_then_sends_only_what_changes() {
    let folder = tempfile::tempdir().expect("a folder");
    let store = spawn_sandbox_process(&folder.path().join("store.sqlite3"), "update-token", 40);
    let home = folder.path().display().to_string();
    let update = |args: &[&str]| {
        let mut all = vec!["update"];
        all.extend_from_slice(args);
        run(&store.api_url, &home, &all)
    };
    let count = |args: &[&str]| -> u64 {
        let mut all = vec!["count"];
        all.extend_from_slice(args);
        text(&run(&store.api_url, &home, &all).stdout)
            .trim()
            .parse()
            .expect("a count")
    };

    let refused = update(&["--max-id", "5", "--set", "readonly=true", "--yes"]);
    assert!(!refused.status.success());
    let said = text(&refused.stderr);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.contains("not a field that can be set"), "{said}");

    let in_vip = count(&["--customer-group-id", "3"]);
    let dry = update(&[
        "--max-id",
        "10",
        "--set",
        "customer_group_id=3",
        "--dry-run",
    ]);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    let review = text(&dry.stdout);
    assert!(review.contains("This changes 10 customers"), "{review}");
    assert!(
        review.contains("group: ") && review.contains("→ VIP"),
        "{review}"
    );
    assert!(review.contains("Dry run: nothing was sent."), "{review}");
    assert_eq!(count(&["--customer-group-id", "3"]), in_vip, "nothing sent");

    let done = update(&["--max-id", "10", "--set", "customer_group_id=3", "--yes"]);
    assert!(done.status.success(), "{}", text(&done.stderr));
    let said = text(&done.stdout);
    assert!(
        said.contains("updated, ") && said.contains(", 0 failed"),
        "{said}"
    );
    assert_eq!(count(&["--max-id", "10", "--customer-group-id", "3"]), 10);

    // Again: every customer has the value already, and nothing is sent.
    let again = update(&["--max-id", "10", "--set", "customer_group_id=3", "--yes"]);
    assert!(
        text(&again.stdout).contains("0 updated, 10 already so, 0 failed"),
        "{}",
        text(&again.stdout)
    );

    // Store credit added exactly, from the value each customer has.
    let before = text(
        &run(
            &store.api_url,
            &home,
            &["export", "--format", "ndjson", "--max-id", "3"],
        )
        .stdout,
    );
    let added = update(&["--max-id", "3", "--add-store-credit", "5", "--yes"]);
    assert!(
        text(&added.stdout).contains("3 updated, 0 already so, 0 failed"),
        "{}",
        text(&added.stdout)
    );
    let after = text(
        &run(
            &store.api_url,
            &home,
            &["export", "--format", "ndjson", "--max-id", "3"],
        )
        .stdout,
    );
    for (was, now) in before.lines().zip(after.lines()) {
        let credit = |line: &str| -> rust_decimal::Decimal {
            let value: serde_json::Value = serde_json::from_str(line).expect("a customer");
            value["store_credit"]
                .as_str()
                .expect("a string")
                .parse()
                .expect("an amount")
        };
        assert_eq!(credit(now) - credit(was), rust_decimal::Decimal::from(5));
    }
}

#[test]
fn an_update_is_in_the_history_and_undo_sets_it_back_but_keeps_newer_edits() {
    let folder = tempfile::tempdir().expect("a folder");
    let store = spawn_sandbox_process(&folder.path().join("store.sqlite3"), "update-token", 20);
    let home = folder.path().display().to_string();
    let cli = |args: &[&str]| run(&store.api_url, &home, args);
    let credits = || -> Vec<String> {
        text(&cli(&["export", "--format", "ndjson", "--max-id", "4"]).stdout)
            .lines()
            .map(|line| {
                let value: serde_json::Value = serde_json::from_str(line).expect("a customer");
                value["store_credit"].as_str().expect("a string").to_owned()
            })
            .collect()
    };
    let before = credits();
    let added = cli(&[
        "update",
        "--max-id",
        "4",
        "--add-store-credit",
        "2.5",
        "--yes",
    ]);
    assert!(added.status.success(), "{}", text(&added.stderr));
    let history = cli(&["history", "--format", "json"]);
    let sets: serde_json::Value = serde_json::from_slice(&history.stdout).expect("a JSON array");
    let newest = &sets[0];
    assert_eq!(newest["kind"], "bulk_edit");
    assert_eq!(newest["customers"], 4);
    assert_eq!(newest["undone"], false);
    assert!(newest["id"].is_u64() && newest["when"].is_string());

    // Someone else changes customer 2 afterwards: undo must keep their value.
    // Dates have whole seconds: wait for the next one so the store's date moves.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert!(
        put_customer(
            &store.api_url,
            2,
            serde_json::json!({"store_credit": "99.0000"})
        ),
        "the other edit went through"
    );

    let undone = cli(&["undo", "--yes"]);
    assert!(
        !undone.status.success(),
        "a conflict makes the exit code non-zero"
    );
    let said = text(&undone.stdout);
    assert!(said.contains("3 set back, 1 conflict"), "{said}");
    assert!(
        text(&undone.stderr).contains("customer 2"),
        "{}",
        text(&undone.stderr)
    );
    let after = credits();
    assert_eq!(after[0], before[0], "exactly the 4-decimal string it had");
    assert_eq!(after[1], "99.0000", "the newer value is kept");
    assert_eq!((&after[2], &after[3]), (&before[2], &before[3]));
    let history: serde_json::Value =
        serde_json::from_slice(&cli(&["history", "--format", "json"]).stdout).expect("JSON");
    assert_eq!(history[0]["kind"], "undo");
    assert_eq!(history[1]["undone"], true);
}

#[test]
fn a_delete_undone_can_be_undone_again() {
    let folder = tempfile::tempdir().expect("a folder");
    let store = spawn_sandbox_process(&folder.path().join("store.sqlite3"), "update-token", 10);
    let home = folder.path().display().to_string();
    let cli = |args: &[&str]| run(&store.api_url, &home, args);
    let count = || -> u64 {
        text(&cli(&["count"]).stdout)
            .trim()
            .parse()
            .expect("a count")
    };
    let deleted = cli(&["delete", "--max-id", "2", "--yes"]);
    assert!(deleted.status.success(), "{}", text(&deleted.stderr));
    assert_eq!(count(), 8);
    let undone = cli(&["undo", "--yes"]);
    assert!(undone.status.success(), "{}", text(&undone.stderr));
    assert!(
        text(&undone.stdout).contains("2 restored"),
        "{}",
        text(&undone.stdout)
    );
    assert_eq!(count(), 10);
    let history: serde_json::Value =
        serde_json::from_slice(&cli(&["history", "--format", "json"]).stdout).expect("JSON");
    let undo_id = history[0]["id"]
        .as_u64()
        .expect("the undo's id")
        .to_string();
    assert_eq!(history[0]["kind"], "undo");
    let again = cli(&["undo", &undo_id, "--yes"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("2 deleted"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(
        count(),
        8,
        "the restored customers are deleted again, after a backup"
    );
}

#[test]
fn groups_by_name_and_changes_that_cannot_be_made_are_refused_before_anything_is_sent() {
    let folder = tempfile::tempdir().expect("a folder");
    let store = spawn_sandbox_process(&folder.path().join("store.sqlite3"), "update-token", 40);
    let home = folder.path().display().to_string();
    let cli = |args: &[&str]| run(&store.api_url, &home, args);
    let count = |args: &[&str]| -> String {
        let mut all = vec!["count"];
        all.extend_from_slice(args);
        text(&cli(&all).stdout).trim().to_owned()
    };
    let history = || text(&cli(&["history"]).stdout);

    // Groups by name, any case, wherever an id is taken.
    assert_eq!(
        count(&["--customer-group-id", "vip"]),
        count(&["--customer-group-id", "3"])
    );
    let unknown = cli(&["count", "--customer-group-id", "Platinum"]);
    assert!(!unknown.status.success());
    let said = text(&unknown.stderr);
    assert!(
        said.contains(
            "'Platinum': no group by that name; the store's groups: Retail (#1), Wholesale (#2)"
        ),
        "{said}"
    );
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    let moved = cli(&[
        "update",
        "--max-id",
        "3",
        "--set",
        "customer_group_id=wholesale",
        "--yes",
    ]);
    assert!(moved.status.success(), "{}", text(&moved.stderr));
    assert_eq!(
        count(&["--max-id", "3", "--customer-group-id", "Wholesale"]),
        "3"
    );
    let before = history();

    // A group that does not exist: refused, nothing sent, nothing recorded.
    let missing = cli(&[
        "update",
        "--max-id",
        "3",
        "--set",
        "customer_group_id=99",
        "--yes",
    ]);
    assert!(!missing.status.success());
    assert!(
        text(&missing.stderr).contains("there is no customer group #99"),
        "{}",
        text(&missing.stderr)
    );
    assert_eq!(count(&["--max-id", "3", "--customer-group-id", "2"]), "3");

    // Adding and subtracting at once, and an empty line of notes: refused.
    let both = cli(&[
        "update",
        "--max-id",
        "1",
        "--add-store-credit",
        "1",
        "--subtract-store-credit",
        "1",
        "--yes",
    ]);
    assert!(
        text(&both.stderr).contains("do not go together"),
        "{}",
        text(&both.stderr)
    );
    let empty = cli(&["update", "--max-id", "1", "--append-notes", "", "--yes"]);
    assert!(!empty.status.success());
    assert!(
        text(&empty.stderr).contains("nothing to change"),
        "{}",
        text(&empty.stderr)
    );

    // Store credit pushed above what the store allows: refused for all before any is sent.
    let most = cli(&[
        "update",
        "--min-id",
        "5",
        "--max-id",
        "5",
        "--set",
        "store_credit=9999999999",
        "--yes",
    ]);
    assert!(most.status.success(), "{}", text(&most.stderr));
    let after_most = history();
    let over = cli(&[
        "update",
        "--min-id",
        "4",
        "--max-id",
        "5",
        "--add-store-credit",
        "1",
        "--yes",
    ]);
    assert!(!over.status.success());
    assert!(
        text(&over.stderr)
            .contains("1 customer would have more store credit than the store allows"),
        "{}",
        text(&over.stderr)
    );
    assert_eq!(
        count(&["--min-id", "4", "--max-id", "4", "--store-credit", "1"]),
        "0"
    );
    assert_eq!(history(), after_most, "nothing recorded");
    assert_ne!(before, after_most);
}
