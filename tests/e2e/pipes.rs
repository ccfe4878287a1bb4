//! The command line when its output has nowhere to go: a reader that went away (`| head`)
//! ends the command quietly, a full disk is one line and a failed exit — unless the change was
//! made, which the exit code then says — and nothing panics.

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::spawn_sandbox_process;

const BIN: &str = env!("CARGO_BIN_EXE_bc-customers");

struct Setup {
    _process: common::SandboxProcess,
    api_url: String,
    home: tempfile::TempDir,
}

fn setup() -> Setup {
    let home = tempfile::tempdir().expect("a home");
    let process = spawn_sandbox_process(&home.path().join("store.sqlite3"), "pipe-token", 40);
    Setup {
        api_url: process.api_url.clone(),
        _process: process,
        home,
    }
}

fn command(setup: &Setup, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env("HOME", setup.home.path())
        .env("XDG_DATA_HOME", setup.home.path().join("data"))
        .env("BIGCOMMERCE_API_URL", &setup.api_url)
        .env("BIGCOMMERCE_ACCESS_TOKEN", "pipe-token")
        .env(
            "BC_CUSTOMERS_CONFIG",
            "/nonexistent/bc-customers-config.toml",
        )
        .stdin(Stdio::null());
    command
}

/// Runs with standard output (and, when `both`, standard error) a pipe whose reader is gone
/// before the command writes: every write meets a closed pipe.
fn with_closed_pipes(setup: &Setup, args: &[&str], both: bool) -> (Option<i32>, String) {
    let mut command = command(setup, args);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("the command runs");
    drop(child.stdout.take());
    let stderr = if both {
        drop(child.stderr.take());
        String::new()
    } else {
        let mut text = String::new();
        use std::io::Read;
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut text)
            .expect("stderr read");
        text
    };
    let status = child.wait().expect("it ends");
    (status.code(), stderr)
}

fn with_full_disk(setup: &Setup, args: &[&str]) -> std::process::Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    command(setup, args)
        .stdout(full)
        .output()
        .expect("the command runs")
}

fn count(setup: &Setup, args: &[&str]) -> String {
    let mut all = vec!["count"];
    all.extend_from_slice(args);
    let output = command(setup, &all).output().expect("count runs");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn a_reader_that_went_away_ends_each_command_quietly() {
    if !Path::new("/dev/full").exists() {
        return; // not Linux: nothing to write into
    }
    let setup = setup();
    let updated = with_closed_pipes(
        &setup,
        &[
            "update",
            "--max-id",
            "3",
            "--add-store-credit",
            "1",
            "--yes",
        ],
        true,
    );
    assert_eq!(
        updated.0,
        Some(0),
        "the work was done: its exit code says so"
    );
    assert_eq!(
        count(&setup, &["--store-credit", "1"]),
        "3",
        "and it was done once"
    );

    for args in [
        &["count"][..],
        &["history"],
        &["history", "--format", "json"],
        &[
            "update",
            "--max-id",
            "3",
            "--append-notes",
            "x",
            "--dry-run",
        ],
        &["search", "--format", "table", "e"],
        &["export"],
        &["index", "status"],
    ] {
        let (code, stderr) = with_closed_pipes(&setup, args, false);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_full_disk_is_one_line_and_a_failed_exit_unless_the_change_was_made() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let setup = setup();
    for args in [&["count"][..], &["history"], &["index", "status"]] {
        let output = with_full_disk(&setup, args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to standard output: No space left on device"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
    }

    let output = with_full_disk(
        &setup,
        &[
            "update",
            "--max-id",
            "2",
            "--add-store-credit",
            "1",
            "--yes",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("the change is done and recorded"),
        "{stderr}"
    );
    assert_eq!(count(&setup, &["--store-credit", "1"]), "2");
}
