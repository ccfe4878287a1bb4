//! End to end: the built binary in a real pseudo-terminal (tmux) against a sandbox store,
//! driven by keys, read from the screen as a person would. Needs tmux (`.ci/run` installs it).

use crate::common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_bc-customers");

struct Session {
    name: String,
}

impl Session {
    /// A tmux session named after the test, so that tests can run side by side.
    fn start(test: &str, command: &str) -> Session {
        let name = format!("bc-e2e-{}-{test}", std::process::id());
        let status = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "120",
                "-y",
                "32",
                command,
            ])
            .status()
            .expect("tmux is needed for the end-to-end test (apt-get install tmux)");
        assert!(status.success(), "tmux could not start a session");
        Session { name }
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.name])
            .args(keys)
            .status()
            .expect("tmux");
        assert!(status.success());
    }

    fn text(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.name, "-l", text])
            .status()
            .expect("tmux");
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let output = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Waits until the screen shows `text`, and returns the screen.
    fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |screen| screen.contains(text))
    }

    /// Waits until `ready` holds for the screen, and returns the screen.
    fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "waited for {what}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for_exit(&self) {
        let started = Instant::now();
        while self.alive() && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(!self.alive(), "q quits the app");
    }

    fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["has-session", "-t", &self.name])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .stderr(Stdio::null())
            .status();
    }
}

#[test]
fn browse_page_filter_and_read_a_customer() {
    let folder = tempfile::tempdir().expect("a folder");
    let sandbox =
        common::spawn_sandbox_process(&folder.path().join("store.sqlite3"), "e2e-token", 300);
    let api_url = &sandbox.api_url;
    let command = format!(
        "env HOME={home} BC_CUSTOMERS_CONFIG={home}/none.toml BIGCOMMERCE_API_URL={api_url} BIGCOMMERCE_ACCESS_TOKEN=e2e-token {BIN} --log-file {home}/app.log",
        home = folder.path().display()
    );
    let session = Session::start("browse", &command);

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
    session.keys(&["/"]);
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
    session.keys(&["Escape"]);
    session.wait_for("last_name=Smith");

    session.keys(&["q"]);
    session.wait_for_exit();
}

/// The number of customers with this email on the store, asked over HTTP.
fn count_on_store(api_url: &str, token: &str, email: &str) -> u64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let body: serde_json::Value = common::client()
            .get(format!("{api_url}/customers/count?email={email}"))
            .header("X-Auth-Token", token)
            .header("Accept", "application/json")
            .send()
            .await
            .expect("the store answers")
            .json()
            .await
            .expect("a count");
        body["count"].as_u64().expect("a number")
    })
}

#[test]
fn create_delete_and_undo_in_the_terminal() {
    let folder = tempfile::tempdir().expect("a folder");
    let sandbox =
        common::spawn_sandbox_process(&folder.path().join("store.sqlite3"), "e2e-token", 30);
    let api_url = &sandbox.api_url;
    let command = format!(
        "env HOME={home} BC_CUSTOMERS_CONFIG={home}/none.toml BIGCOMMERCE_API_URL={api_url} BIGCOMMERCE_ACCESS_TOKEN=e2e-token {BIN} --log-file {home}/app.log",
        home = folder.path().display()
    );
    let session = Session::start("change", &command);
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
    assert!(dialog.contains("/backups/"), "{dialog}");
    session.keys(&["Right", "Enter"]);
    session.wait_for("1 deleted, 0 failed");
    assert_eq!(count_on_store(api_url, "e2e-token", "ada@example.com"), 0);

    // Undo outlives the session: quit, start again, u.
    session.keys(&["q"]);
    session.wait_for_exit();
    drop(session);
    let session = Session::start("change-again", &command);
    session.wait_for("1–30 of 30");
    session.keys(&["u"]);
    session.wait_for("[ Restore 1 customer ]");
    session.keys(&["Right", "Enter"]);
    session.wait_for("1 restored, 0 failed");
    assert_eq!(count_on_store(api_url, "e2e-token", "ada@example.com"), 1);

    session.keys(&["q"]);
    session.wait_for_exit();
}
