//! The built binary as a person or a script runs it: the sandbox subcommand prints how to
//! reach it, stops cleanly on SIGTERM, refuses a blank token and warns when reachable from the
//! network; count and export talk to it and fail in one line.

use crate::common;

use std::process::Command;

use common::{SandboxProcess, spawn_sandbox_process};

const BIN: &str = env!("CARGO_BIN_EXE_bc-customers");

struct Sandbox {
    process: SandboxProcess,
    api_url: String,
    _folder: tempfile::TempDir,
}

fn start_sandbox(seed: u32) -> Sandbox {
    let folder = tempfile::tempdir().expect("a folder");
    let process = spawn_sandbox_process(&folder.path().join("store.sqlite3"), "cli-token", seed);
    let text = &process.banner;
    assert!(text.contains("Token:     cli-token"), "{text}");
    assert!(text.contains(&format!("({seed} customers)")), "{text}");
    assert!(text.contains("curl -H 'X-Auth-Token: cli-token'"), "{text}");
    let api_url = process.api_url.clone();
    Sandbox {
        process,
        api_url,
        _folder: folder,
    }
}

fn run(sandbox: &Sandbox, token: &str, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("BIGCOMMERCE_API_URL", &sandbox.api_url)
        .env("BIGCOMMERCE_ACCESS_TOKEN", token)
        .env(
            "BC_CUSTOMERS_CONFIG",
            "/nonexistent/bc-customers-config.toml",
        )
        .output()
        .expect("the command runs")
}

#[test]
fn count_and_export_against_the_sandbox_binary() {
    let mut sandbox = start_sandbox(300);
    let count = run(&sandbox, "cli-token", &["count"]);
    assert!(count.status.success());
    assert_eq!(String::from_utf8_lossy(&count.stdout).trim(), "300");

    let filtered = run(
        &sandbox,
        "cli-token",
        &[
            "count",
            "--customer-group-id",
            "2",
            "--min-date",
            "2016-01-01",
        ],
    );
    let group_two: u64 = String::from_utf8_lossy(&filtered.stdout)
        .trim()
        .parse()
        .expect("a number");
    assert!(group_two > 0 && group_two < 300);

    let export = run(
        &sandbox,
        "cli-token",
        &["export", "--customer-group-id", "2"],
    );
    assert!(export.status.success());
    assert!(
        export.stderr.is_empty(),
        "nothing extra when stderr is not a terminal"
    );
    let text = String::from_utf8(export.stdout).expect("text");
    assert!(text.starts_with("id,first_name,last_name,email,"));
    assert_eq!(text.lines().count() as u64, group_two + 1);

    let bad_filter = run(&sandbox, "cli-token", &["count", "--min-id", "abc"]);
    assert!(!bad_filter.status.success());
    let message = String::from_utf8_lossy(&bad_filter.stderr);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("--min-id"), "{message}");

    let refused = run(&sandbox, "wrong-token", &["export", "--format", "json"]);
    assert!(!refused.status.success());
    assert!(refused.stdout.is_empty(), "no partial output");
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("401") && message.contains("check the access token"),
        "{message}"
    );
    assert!(!message.contains("wrong-token"));

    // SIGTERM stops the store gracefully.
    let stopped = Command::new("kill")
        .args(["-TERM", &sandbox.process.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(stopped.success());
    let status = sandbox.process.child.wait().expect("the sandbox exits");
    assert!(status.success(), "{status:?}");
}

#[test]
fn with_no_store_configured_the_commands_use_the_embedded_sandbox_and_say_so() {
    let home = tempfile::tempdir().expect("a home");
    let run_bare = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .env_remove("BIGCOMMERCE_API_URL")
            .env_remove("BIGCOMMERCE_STORE_HASH")
            .env_remove("BIGCOMMERCE_ACCESS_TOKEN")
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env(
                "BC_CUSTOMERS_CONFIG",
                "/nonexistent/bc-customers-config.toml",
            )
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the command runs")
    };
    let output = run_bare(&["count"]);
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{message}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "300");
    assert!(
        message.contains("embedded sandbox store") && message.contains("BIGCOMMERCE_ACCESS_TOKEN"),
        "{message}"
    );
    // The same store each time, as the app's: a change made by one command is seen by the next.
    let updated = run_bare(&[
        "update",
        "--max-id",
        "1",
        "--set",
        "company=Embedded Co",
        "--yes",
    ]);
    assert!(
        updated.status.success(),
        "{}",
        String::from_utf8_lossy(&updated.stderr)
    );
    let found = run_bare(&["count", "--company", "Embedded Co"]);
    assert_eq!(String::from_utf8_lossy(&found.stdout).trim(), "1");
    let again = run_bare(&[
        "update",
        "--max-id",
        "2",
        "--add-store-credit",
        "1",
        "--yes",
    ]);
    assert!(again.status.success());
    // The command line speaks like the app: a line a change set, kinds and times in words.
    let history = run_bare(&["history"]);
    let text = String::from_utf8_lossy(&history.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].trim_start().starts_with("2  "), "{text}");
    assert!(
        lines[0].contains("bulk edit · 2 customers · done · store_credit +1"),
        "{text}"
    );
    assert!(lines[1].contains("company = Embedded Co"), "{text}");
    assert!(!text.contains('⏎') && !text.contains("BulkEdit"), "{text}");
    // Search's table: columns fit what they hold, no group is "none".
    let found = run_bare(&["search", "--company", "Embedded Co"]);
    let text = String::from_utf8_lossy(&found.stdout);
    let header = text.lines().next().unwrap_or_default();
    assert!(header.starts_with("ID  Name"), "{text}");
    assert!(text.contains("Embedded Co"), "{text}");
    assert!(text.ends_with("1 customer\n"), "{text}");
}

#[test]
fn delete_with_a_backup_then_restore_from_the_command_line() {
    let sandbox = start_sandbox(200);
    let home = tempfile::tempdir().expect("a home");
    let run_in = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("BIGCOMMERCE_API_URL", &sandbox.api_url)
            .env("BIGCOMMERCE_ACCESS_TOKEN", "cli-token")
            .env(
                "BC_CUSTOMERS_CONFIG",
                "/nonexistent/bc-customers-config.toml",
            )
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the command runs")
    };
    let count = |args: &[&str]| -> u64 {
        let mut all = vec!["count"];
        all.extend_from_slice(args);
        String::from_utf8_lossy(&run_in(&all).stdout)
            .trim()
            .parse()
            .expect("a number")
    };
    let group = count(&["--customer-group-id", "4"]);
    assert!(group > 0);

    // Without --yes and with no terminal to ask on, nothing happens.
    let unconfirmed = run_in(&["delete", "--customer-group-id", "4"]);
    assert!(!unconfirmed.status.success());
    assert!(String::from_utf8_lossy(&unconfirmed.stderr).contains("--yes"));
    assert_eq!(count(&["--customer-group-id", "4"]), group);

    // Every customer of the store needs the store named, never just --yes.
    let everything = run_in(&["delete", "--yes"]);
    assert!(!everything.status.success());
    assert!(
        String::from_utf8_lossy(&everything.stderr).contains("--confirm-store"),
        "{}",
        String::from_utf8_lossy(&everything.stderr)
    );
    assert_eq!(count(&[]), 200);

    let deleted = run_in(&["delete", "--customer-group-id", "4", "--yes"]);
    assert!(
        deleted.status.success(),
        "{}",
        String::from_utf8_lossy(&deleted.stderr)
    );
    let said = String::from_utf8_lossy(&deleted.stdout).into_owned();
    assert!(
        said.contains(&format!("{group} deleted, 0 failed")),
        "{said}"
    );
    let said_before = String::from_utf8_lossy(&deleted.stderr).into_owned();
    assert!(
        said_before.contains(&format!(
            "This deletes {group} customers matching customer_group_id=4"
        )),
        "{said_before}"
    );
    assert_eq!(count(&["--customer-group-id", "4"]), 0);
    let backup = said
        .split("restore ")
        .nth(1)
        .map(|rest| rest.trim().to_owned())
        .expect("the restore command is printed");
    assert!(
        backup.starts_with(&home.path().join("data").display().to_string()),
        "{backup}"
    );
    assert_eq!(
        std::fs::read_to_string(&backup)
            .expect("the backup")
            .lines()
            .count() as u64,
        group + 1,
        "a line naming the store, then each customer"
    );

    let restored = run_in(&["restore", &backup, "--yes"]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    // The backup kept each customer's addresses; the restore brings them back and counts them.
    let addresses: usize = std::fs::read_to_string(&backup)
        .expect("the backup")
        .lines()
        .map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).expect("a record");
            record["addresses"].as_array().map_or(0, Vec::len)
        })
        .sum();
    assert!(addresses > 0, "seeded customers have addresses");
    let said = String::from_utf8_lossy(&restored.stdout).into_owned();
    assert!(
        said.contains(&format!(
            "{group} restored (with {addresses} addresses), 0 failed"
        )),
        "{said}"
    );
    assert!(String::from_utf8_lossy(&restored.stderr).contains("set a new one at next login"));
    // Restoring the delete's backup undoes the delete, as the journal says.
    let history: serde_json::Value =
        serde_json::from_slice(&run_in(&["history", "--format", "json"]).stdout).expect("JSON");
    assert_eq!(history[0]["kind"], "undo");
    assert_eq!(
        (&history[1]["kind"], &history[1]["undone"]),
        (&serde_json::json!("delete"), &serde_json::json!(true))
    );
    assert_eq!(count(&["--customer-group-id", "4"]), group);
    assert_eq!(count(&[]), 200);
}

#[test]
fn read_only_refuses_deletes_and_restores() {
    let sandbox = start_sandbox(20);
    for args in [
        &["--read-only", "delete", "--min-id", "1", "--yes"][..],
        &["restore", "/nonexistent.jsonl", "--yes", "--read-only"][..],
    ] {
        let output = run(&sandbox, "cli-token", args);
        assert!(!output.status.success());
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("read-only"),
            "{args:?}"
        );
    }
    assert_eq!(
        String::from_utf8_lossy(&run(&sandbox, "cli-token", &["count"]).stdout).trim(),
        "20"
    );
}

/// Runs `bc-customers sandbox` (on a free loopback port, with a database in `folder`) and
/// waits for it to exit. One still running after a few seconds started serving: it is killed
/// and the test fails.
fn sandbox_exit(
    folder: &std::path::Path,
    args: &[&str],
    token_env: Option<&str>,
) -> std::process::Output {
    let mut command = Command::new(BIN);
    command
        .args(["sandbox", "--listen", "127.0.0.1:0", "--db"])
        .arg(folder.join("store.sqlite3"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    match token_env {
        Some(token) => command.env("BC_CUSTOMERS_SANDBOX_TOKEN", token),
        None => command.env_remove("BC_CUSTOMERS_SANDBOX_TOKEN"),
    };
    let mut child = command.spawn().expect("the sandbox command runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while child.try_wait().expect("its status").is_none() {
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let output = child.wait_with_output().expect("its output");
            panic!(
                "{args:?} {token_env:?}: the sandbox started instead of refusing:\n{}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().expect("its output")
}

#[test]
fn sandbox_refuses_an_empty_or_blank_token() {
    let folder = tempfile::tempdir().expect("a folder");
    let cases: [(&[&str], Option<&str>); 5] = [
        (&["--token", ""], None),
        (&["--token", "   "], None),
        (&["--token", "\t"], None),
        (&[], Some("")),
        (&[], Some("  ")),
    ];
    for (args, token_env) in cases {
        let output = sandbox_exit(folder.path(), args, token_env);
        assert!(!output.status.success(), "{args:?} {token_env:?}");
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            message.lines().count(),
            1,
            "{args:?} {token_env:?}: {message}"
        );
        assert!(
            message.contains("token must not be empty"),
            "{args:?} {token_env:?}: {message}"
        );
        assert!(
            output.stdout.is_empty(),
            "no banner: {args:?} {token_env:?}"
        );
    }
    assert!(
        !folder.path().join("store.sqlite3").exists(),
        "refused before creating the database"
    );
}

/// Starts `bc-customers sandbox --listen <listen>`, waits for its banner, stops it with SIGTERM
/// and returns everything it wrote to stderr.
fn sandbox_stderr(listen: &str) -> String {
    use std::io::{BufRead, Read};
    let folder = tempfile::tempdir().expect("a folder");
    let mut child = Command::new(BIN)
        .args([
            "sandbox",
            "--listen",
            listen,
            "--token",
            "cli-token",
            "--db",
        ])
        .arg(folder.path().join("store.sqlite3"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the sandbox starts");
    let stdout = child.stdout.take().expect("its output");
    let (lines, banner) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let started = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match banner.recv_timeout(left) {
            Ok(line) if line.starts_with("Press Ctrl-C") => break true,
            Ok(_) => {}
            Err(_) => break false,
        }
    };
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(started, "{listen}: no banner; stderr: {stderr}");
    stderr
}

#[test]
fn sandbox_warns_when_reachable_from_the_network() {
    // Only listens there: nothing connects to a non-loopback address.
    let everywhere = sandbox_stderr("0.0.0.0:0");
    let warning = everywhere
        .lines()
        .find(|line| line.contains("reachable from the network"))
        .unwrap_or_else(|| panic!("no warning on stderr: {everywhere}"));
    assert!(warning.starts_with("warning:"), "{warning}");
    assert!(
        warning.contains("knows the token can read and change"),
        "{warning}"
    );

    let loopback = sandbox_stderr("127.0.0.1:0");
    assert!(
        !loopback.contains("warning"),
        "no warning on loopback: {loopback}"
    );
}
