//! `bc-customers index` and `search` as a script runs them: the index is built, searched in
//! each output format, reported on, turned off by the profile, and forgotten.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::spawn_sandbox_process;

const BIN: &str = env!("CARGO_BIN_EXE_bc-customers");

fn run(home: &Path, api_url: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env("BIGCOMMERCE_API_URL", api_url)
        .env("BIGCOMMERCE_ACCESS_TOKEN", "search-token")
        .env("BC_CUSTOMERS_CONFIG", "/nonexistent/config.toml")
        .output()
        .expect("the command runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn build_search_report_and_forget_the_index() {
    let folder = tempfile::tempdir().expect("a folder");
    let store = spawn_sandbox_process(&folder.path().join("store.sqlite3"), "search-token", 600);
    let home = folder.path().join("home");
    let api = store.api_url.as_str();

    let status = stdout(&run(&home, api, &["index", "status"]));
    assert!(status.contains("no index yet"), "{status}");

    let synced = stdout(&run(&home, api, &["index", "sync"]));
    assert!(synced.contains("index: 600 customers"), "{synced}");
    assert!(synced.contains("(first sync)"), "{synced}");

    // A known customer, created after the first sync, is found by the next search's sync.
    let client = bc_customers::api::v2::Client::new(
        api,
        bc_customers::api::Auth::Token {
            token: bc_customers::domain::Secret::new("search-token"),
            client_id: None,
        },
        Default::default(),
    )
    .expect("a client");
    let fields = serde_json::json!({"first_name": "Zoë", "last_name": "Quixwell",
                                    "email": "zq@gmail.com", "phone": "+1 (555) 010-9999"});
    let created = tokio::runtime::Runtime::new()
        .expect("a runtime")
        .block_on(client.create_customer(&crate::common::new_customer(fields)))
        .expect("created");

    let table = stdout(&run(&home, api, &["search", "zoe", "QUIX"]));
    assert!(table.contains("Quixwell"), "{table}");
    assert!(table.trim_end().ends_with("1 customer"), "{table}");

    let json: Value = serde_json::from_str(&stdout(&run(
        &home,
        api,
        &["search", "010-99", "--format", "json"],
    )))
    .expect("a JSON array");
    assert_eq!(json.as_array().map(Vec::len), Some(1));
    assert_eq!(json[0]["id"], created.id);
    assert_eq!(json[0]["email"], "zq@gmail.com");

    let csv = stdout(&run(
        &home,
        api,
        &["search", "gmail.com", "--format", "csv", "--no-sync"],
    ));
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .is_some_and(|h| h.starts_with("id,first_name,last_name,email"))
    );
    assert!(lines.any(|line| line.contains("Quixwell")), "{csv}");

    let ndjson = stdout(&run(
        &home,
        api,
        &[
            "search",
            "--sort",
            "store-credit",
            "--descending",
            "--limit",
            "5",
            "--format",
            "ndjson",
        ],
    ));
    let credits: Vec<f64> = ndjson
        .lines()
        .map(|line| {
            let customer: Value = serde_json::from_str(line).expect("a JSON line");
            customer["store_credit"]
                .as_str()
                .and_then(|c| c.parse().ok())
                .expect("a credit")
        })
        .collect();
    assert_eq!(credits.len(), 5);
    assert!(
        credits.windows(2).all(|pair| pair[0] >= pair[1]),
        "{credits:?}"
    );

    let none = stdout(&run(&home, api, &["search", "nobody-has-this-zzq"]));
    assert!(none.trim_end().ends_with("0 customers"), "{none}");

    let status = stdout(&run(&home, api, &["index", "status"]));
    assert!(status.contains("customers: 601"), "{status}");
    assert!(status.contains("last sync: "), "{status}");
    let file = status
        .lines()
        .find_map(|line| line.strip_prefix("file: "))
        .expect("the file's path");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file)
            .expect("the index file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the index holds personal data");
    }

    let forgot = stdout(&run(&home, api, &["index", "forget"]));
    assert!(forgot.contains("deleted"), "{forgot}");
    assert!(!Path::new(file).exists());
}

#[test]
fn a_profile_with_the_index_off_says_so() {
    let folder = tempfile::tempdir().expect("a folder");
    let config = folder.path().join("config.toml");
    std::fs::write(
        &config,
        "[profiles.shop]\napi_url = \"http://127.0.0.1:9/stores/shop/v2\"\naccess_token = \"t\"\nindex = false\n",
    )
    .expect("written");
    for args in [&["search", "anna"][..], &["index", "sync"][..]] {
        let output = Command::new(BIN)
            .args(args)
            .env("HOME", folder.path())
            .env("BC_CUSTOMERS_CONFIG", &config)
            .env_remove("BIGCOMMERCE_API_URL")
            .env_remove("BIGCOMMERCE_ACCESS_TOKEN")
            .output()
            .expect("the command runs");
        assert!(!output.status.success());
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(
            said.contains("the search index is off for store 'shop' (index = false"),
            "{said}"
        );
    }
}

#[test]
fn search_open_and_summarise_in_the_terminal() {
    let folder = tempfile::tempdir().expect("a folder");
    let store = spawn_sandbox_process(&folder.path().join("store.sqlite3"), "search-token", 300);
    let client = bc_customers::api::v2::Client::new(
        &store.api_url,
        bc_customers::api::Auth::Token {
            token: bc_customers::domain::Secret::new("search-token"),
            client_id: None,
        },
        Default::default(),
    )
    .expect("a client");
    let fields = serde_json::json!({"first_name": "Zebulon", "last_name": "Quartzé",
                                    "email": "zeb@quartz.example", "company": "Bäckerei Quartz"});
    tokio::runtime::Runtime::new()
        .expect("a runtime")
        .block_on(client.create_customer(&crate::common::new_customer(fields)))
        .expect("created");

    let home = folder.path().join("home");
    std::fs::create_dir_all(&home).expect("a home");
    let mut command = portable_pty::CommandBuilder::new(BIN);
    command.env("HOME", &home);
    command.env_remove("XDG_DATA_HOME");
    command.env("BC_CUSTOMERS_CONFIG", home.join("none.toml"));
    command.env("BIGCOMMERCE_API_URL", &store.api_url);
    command.env("BIGCOMMERCE_ACCESS_TOKEN", "search-token");
    command.cwd(&home);
    let mut session = crate::pty::Session::start(command);
    // The index is built in the background; the status bar says when.
    session.wait_for("index: 301 customers · synced");
    // Typed without accents, in parts, in any order.
    session.keys(&["/"]);
    session.text("backerei zebu");
    // The count and the row arrive each in their time.
    session.wait_until("the match and its count", |screen| {
        screen.contains("1 found") && screen.contains("Quartzé")
    });
    // Enter: to the match; Enter: its details, read from the store.
    session.keys(&["Enter"]);
    session.wait_for("details (read live from the store)");
    session.keys(&["Enter"]);
    session.wait_for("Zebulon Quartzé ─");
    session.keys(&["Escape"]);
    session.wait_for("ID ↑ Name");
    std::thread::sleep(std::time::Duration::from_millis(300));
    session.keys(&["Escape"]);
    session.wait_for("1–50 of 301");
    // The summary: groups, domains, countries, months.
    std::thread::sleep(std::time::Duration::from_millis(300));
    session.keys(&["i"]);
    let summary = session.wait_for("Signup months");
    assert!(
        summary.contains("Groups · 301 customers in the index"),
        "{summary}"
    );
    assert!(summary.contains("quartz.example"), "{summary}");
    session.keys(&["q"]);
    session.wait_for_exit();
}
