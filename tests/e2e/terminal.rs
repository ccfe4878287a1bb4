//! End to end: the built binary in a pseudo-terminal against a sandbox store, driven by keys,
//! read from the screen as a person would.

use std::path::Path;

use portable_pty::CommandBuilder;

use crate::common;
use crate::pty::Session;

const BIN: &str = env!("CARGO_BIN_EXE_bc-customers");

/// The app on the sandbox at `api_url`, with its home, settings and log in `home`.
fn app(home: &Path, api_url: &str) -> CommandBuilder {
    let mut command = CommandBuilder::new(BIN);
    command.arg("--log-file");
    command.arg(home.join("app.log"));
    command.env("HOME", home);
    command.env("BC_CUSTOMERS_CONFIG", home.join("none.toml"));
    command.env("BIGCOMMERCE_API_URL", api_url);
    command.env("BIGCOMMERCE_ACCESS_TOKEN", "e2e-token");
    command.cwd(home);
    command
}

#[test]
fn browse_page_filter_and_read_a_customer() {
    let folder = tempfile::tempdir().expect("a folder");
    let sandbox =
        common::spawn_sandbox_process(&folder.path().join("store.sqlite3"), "e2e-token", 300);
    let api_url = &sandbox.api_url;
    let command = app(folder.path(), api_url);
    let mut session = Session::start(command);

    session.wait_until("the first page", |screen| {
        screen.contains("1–50 of 300") && screen.contains("page 1 of 6") && screen.contains("Email")
    });

    session.keys(&["]"]);
    session.wait_for("51–100 of 300");
    session.keys(&["}"]);
    session.wait_for("251–300 of 300");
    session.keys(&["{"]);
    session.wait_for("1–50 of 300");

    // Filter by a last name taken from the store itself.
    let last_name = "Smith";
    session.keys(&["f"]);
    session.wait_for("Filter — Enter applies");
    session.keys(&["Tab"]);
    session.text(last_name);
    session.keys(&["Enter"]);
    // The chip shows at once; the page and its count arrive after.
    let filtered = session.wait_until("the filtered page and its count", |screen| {
        let rows = screen
            .lines()
            .filter(|line| line.contains(" Smith "))
            .count();
        screen.contains("last_name=Smith")
            && rows > 0
            && screen.contains(&format!("1–{rows} of {rows} "))
    });
    assert!(!filtered.contains("1–50 of 300"), "{filtered}");

    session.keys(&["Enter"]);
    // A capture can land in the middle of a redraw: wait for the whole view.
    session.wait_until("the detail view", |screen| {
        screen.contains("Last name  Smith")
            && screen.contains("Customer ")
            && screen.contains("(store: ")
    });
    // The filter chip shows in the detail view too: wait for the view itself to go.
    session.keys(&["Escape"]);
    session.wait_until("the filtered list again", |screen| {
        screen.contains("last_name=Smith") && !screen.contains("(store: ")
    });

    session.keys(&["q"]);
    session.wait_for_exit();
}

/// A GET on the store over HTTP, as JSON (null for an empty answer).
fn get_json(api_url: &str, token: &str, path: &str) -> serde_json::Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let response = common::client()
            .get(format!("{api_url}{path}"))
            .header("X-Auth-Token", token)
            .header("Accept", "application/json")
            .send()
            .await
            .expect("the store answers");
        let bytes = response.bytes().await.expect("an answer");
        if bytes.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("JSON")
        }
    })
}

/// The number of customers with this email on the store, asked over HTTP.
fn count_on_store(api_url: &str, token: &str, email: &str) -> u64 {
    get_json(api_url, token, &format!("/customers/count?email={email}"))["count"]
        .as_u64()
        .expect("a number")
}

#[test]
fn create_delete_and_undo_in_the_terminal() {
    let folder = tempfile::tempdir().expect("a folder");
    let sandbox =
        common::spawn_sandbox_process(&folder.path().join("store.sqlite3"), "e2e-token", 30);
    let api_url = &sandbox.api_url;
    let command = app(folder.path(), api_url);
    let mut session = Session::start(command.clone());
    session.wait_for("1–30 of 30");

    session.keys(&["n"]);
    session.wait_for("New customer");
    session.text("Ada");
    session.keys(&["Tab"]);
    session.text("Lovelace");
    session.keys(&["Tab"]);
    session.text("ada@example");
    session.wait_for("an address such as jane@example.com");
    session.text(".com");
    session.keys(&["C-s"]);
    session.wait_for("Created customer #31 Ada Lovelace");
    session.wait_for("1–31 of 31");
    assert_eq!(count_on_store(api_url, "e2e-token", "ada@example.com"), 1);

    // The new customer is selected: d deletes it after the dialog.
    session.keys(&["d"]);
    let dialog = session.wait_for("[ Delete 1 customer ]");
    assert!(
        dialog.contains("#31 Ada Lovelace <ada@example.com>"),
        "{dialog}"
    );
    assert!(dialog.contains("/backups"), "{dialog}");
    session.keys(&["Right", "Enter"]);
    session.wait_for("1 deleted, 0 failed");
    assert_eq!(count_on_store(api_url, "e2e-token", "ada@example.com"), 0);

    // Undo outlives the session: quit, start again, u.
    session.keys(&["q"]);
    session.wait_for_exit();
    drop(session);
    let mut session = Session::start(command);
    session.wait_for("1–30 of 30");
    session.keys(&["u"]);
    session.wait_for("[ Undo change set ");
    session.keys(&["Right", "Enter"]);
    session.wait_for("1 restored, 0 failed");
    assert_eq!(count_on_store(api_url, "e2e-token", "ada@example.com"), 1);

    session.keys(&["q"]);
    session.wait_for_exit();
}

#[test]
fn a_store_that_cannot_be_reached_says_so_and_is_logged() {
    let folder = tempfile::tempdir().expect("a folder");
    // A port nobody listens on: taken, then let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let api_url = format!("http://127.0.0.1:{port}/stores/gone/v2");
    let mut session = Session::start(app(folder.path(), &api_url));
    let screen = session.wait_for("Cannot reach the store at");
    assert!(
        screen.contains(&format!(
            "Cannot reach the store at 127.0.0.1:{port}: connection refused"
        )) && screen.contains("r retries"),
        "{screen}"
    );
    assert!(!screen.contains("no customers"), "{screen}");
    session.keys(&["q"]);
    session.wait_for_exit();
    let log = std::fs::read_to_string(folder.path().join("app.log")).expect("the log");
    assert!(
        log.contains("connection refused"),
        "the failure is in the log:\n{log}"
    );
}

#[test]
fn an_address_added_in_the_details_comes_back_with_undo() {
    let folder = tempfile::tempdir().expect("a folder");
    let sandbox =
        common::spawn_sandbox_process(&folder.path().join("store.sqlite3"), "e2e-token", 30);
    let api_url = &sandbox.api_url;
    let first = &get_json(api_url, "e2e-token", "/customers?limit=1")[0];
    let email = first["email"].as_str().expect("an email").to_owned();
    let addresses_of = |id: i64| match get_json(
        api_url,
        "e2e-token",
        &format!("/customers/{id}/addresses?limit=250"),
    ) {
        serde_json::Value::Array(list) => list,
        _ => Vec::new(),
    };
    let before = addresses_of(first["id"].as_i64().expect("an id")).len();

    let mut session = Session::start(app(folder.path(), api_url));
    session.wait_for("1–30 of 30");
    session.keys(&["Enter"]);
    session.wait_until("the addresses", |screen| {
        screen.contains("Addresses") && !screen.contains("loading…")
    });
    session.keys(&["a"]);
    session.wait_for("New address of customer #1");
    session.keys(&["Tab", "Tab", "Tab"]);
    session.text("Unter den Linden 1");
    session.keys(&["Tab", "Tab"]);
    session.text("Berlin");
    session.keys(&["Tab", "Tab"]);
    session.text("10117");
    session.keys(&["Tab"]);
    session.text("germ");
    session.wait_for("Germany");
    session.keys(&["Tab"]);
    session.text("+49 30 0000000");
    session.keys(&["C-s"]);
    session.wait_for("Added the address");
    let added = addresses_of(1);
    assert_eq!(added.len(), before + 1, "on the store: {added:?}");
    assert!(
        added
            .iter()
            .any(|a| a["city"] == "Berlin" && a["country_iso2"] == "DE")
    );

    // Delete the customer from the details, then undo: the addresses come back with it.
    session.keys(&["d"]);
    session.wait_for("[ Delete 1 customer ]");
    session.keys(&["Right", "Enter"]);
    session.wait_for("1 deleted, 0 failed");
    assert_eq!(count_on_store(api_url, "e2e-token", &email), 0);
    session.keys(&["u"]);
    session.wait_for("[ Undo change set ");
    session.keys(&["Right", "Enter"]);
    session.wait_for(&format!("1 restored (with {} address", before + 1));
    let found = get_json(api_url, "e2e-token", &format!("/customers?email={email}"));
    let new_id = found[0]["id"].as_i64().expect("restored, with a new id");
    let back = addresses_of(new_id);
    assert_eq!(back.len(), before + 1);
    assert!(
        back.iter()
            .any(|a| a["city"] == "Berlin" && a["street_1"] == "Unter den Linden 1")
    );
    session.keys(&["q"]);
    session.wait_for_exit();
}
