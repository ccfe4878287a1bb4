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
        review.contains("customer_group_id: ") && review.contains("→ 3"),
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
