//! The question asked before deleting every customer of a store, whatever filter got there.

use std::process::{Command, Output};

use crate::common::spawn_sandbox_process;

const BIN: &str = env!("CARGO_BIN_EXE_bc-customers");

fn run(api_url: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("BIGCOMMERCE_API_URL", api_url)
        .env("BIGCOMMERCE_ACCESS_TOKEN", "guard-token")
        .env(
            "BC_CUSTOMERS_CONFIG",
            "/nonexistent/bc-customers-config.toml",
        )
        .env("HOME", std::env::temp_dir())
        .output()
        .expect("the command runs")
}

fn count(api_url: &str) -> u64 {
    let output = run(api_url, &["count"]);
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("a count")
}

#[test]
fn a_filter_matching_every_customer_needs_the_store_named_by_what_is_its_own() {
    let folder = tempfile::tempdir().expect("a folder");
    let store = spawn_sandbox_process(&folder.path().join("store.sqlite3"), "guard-token", 20);
    let home = folder.path().display().to_string();
    let delete = |extra: &[&str]| {
        let mut args = vec!["delete", "--min-id", "1"];
        args.extend_from_slice(extra);
        Command::new(BIN)
            .args(&args)
            .env("BIGCOMMERCE_API_URL", &store.api_url)
            .env("BIGCOMMERCE_ACCESS_TOKEN", "guard-token")
            .env(
                "BC_CUSTOMERS_CONFIG",
                "/nonexistent/bc-customers-config.toml",
            )
            .env("HOME", &home)
            .output()
            .expect("the command runs")
    };

    let refused = delete(&["--yes"]);
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("every customer of the store"), "{message}");
    assert!(message.contains("--confirm-store"), "{message}");
    assert_eq!(count(&store.api_url), 20, "nothing deleted");

    let wrong = delete(&["--confirm-store", "another-shop"]);
    assert!(!wrong.status.success());
    assert_eq!(count(&store.api_url), 20, "nothing deleted");

    // A filter that leaves one customer out asks only the usual question.
    let some = Command::new(BIN)
        .args(["delete", "--min-id", "2", "--max-id", "3", "--yes"])
        .env("BIGCOMMERCE_API_URL", &store.api_url)
        .env("BIGCOMMERCE_ACCESS_TOKEN", "guard-token")
        .env(
            "BC_CUSTOMERS_CONFIG",
            "/nonexistent/bc-customers-config.toml",
        )
        .env("HOME", &home)
        .output()
        .expect("the command runs");
    assert!(
        some.status.success(),
        "{}",
        String::from_utf8_lossy(&some.stderr)
    );
    assert_eq!(count(&store.api_url), 18);

    // "sandbox", the name and hash every sandbox prints, names no store in particular; nor
    // does another sandbox's address.
    let by_name = delete(&["--confirm-store", "sandbox"]);
    assert!(!by_name.status.success());
    let said = String::from_utf8_lossy(&by_name.stderr);
    assert!(said.contains("does not name"), "{said}");
    let other = spawn_sandbox_process(&folder.path().join("other.sqlite3"), "guard-token", 1);
    let address = |api_url: &str| {
        api_url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .expect("host:port")
            .to_owned()
    };
    let elsewhere = delete(&["--confirm-store", &address(&other.api_url)]);
    assert!(!elsewhere.status.success());
    assert_eq!(count(&store.api_url), 18, "nothing deleted");

    // Its own address names it.
    let confirmed = delete(&["--confirm-store", &address(&store.api_url)]);
    assert!(
        confirmed.status.success(),
        "{}",
        String::from_utf8_lossy(&confirmed.stderr)
    );
    assert_eq!(count(&store.api_url), 0);
}
