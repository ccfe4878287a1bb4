//! Where `export --output` writes: a regular file only when whole, through anything else, and
//! never over a file it did not make.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{SandboxProcess, spawn_sandbox_process_with};

const BIN: &str = env!("CARGO_BIN_EXE_bc-customers");
const TOKEN: &str = "files-token";

fn sandbox(folder: &Path, customers: u32, options: &[&str]) -> SandboxProcess {
    spawn_sandbox_process_with(&folder.join("store.sqlite3"), TOKEN, customers, options)
}

fn export_command(store: &SandboxProcess, output: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(["export", "--output"])
        .arg(output)
        .env("BIGCOMMERCE_API_URL", &store.api_url)
        .env("BIGCOMMERCE_ACCESS_TOKEN", TOKEN)
        .env(
            "BC_CUSTOMERS_CONFIG",
            "/nonexistent/bc-customers-config.toml",
        );
    command
}

fn export(store: &SandboxProcess, output: &Path) -> Output {
    export_command(store, output)
        .output()
        .expect("the command runs")
}

fn partial_files(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .expect("the folder")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".partial"))
        .collect()
}

#[test]
fn a_regular_file_appears_whole_and_private_and_an_unrelated_partial_stays() {
    use std::os::unix::fs::PermissionsExt;
    let folder = tempfile::tempdir().expect("a folder");
    let store = sandbox(folder.path(), 40, &[]);
    let output = folder.path().join("big.csv");
    let unrelated = folder.path().join("big.partial");
    std::fs::write(&unrelated, "someone else's work").expect("written");
    let done = export(&store, &output);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&output)
            .expect("the export")
            .lines()
            .count(),
        41
    );
    let mode = std::fs::metadata(&output)
        .expect("the export")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "customer data is private: {mode:o}");
    assert_eq!(
        std::fs::read_to_string(&unrelated).expect("still there"),
        "someone else's work"
    );
    assert_eq!(partial_files(folder.path()), vec!["big.partial".to_owned()]);
}

#[test]
fn a_fifo_is_written_through_and_stays_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let folder = tempfile::tempdir().expect("a folder");
    let store = sandbox(folder.path(), 25, &[]);
    let fifo = folder.path().join("pipe");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let reading = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("the pipe reads"))
    };
    let done = export(&store, &fifo);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let text = reading.join().expect("the reader");
    assert_eq!(text.lines().count(), 26, "the header and every customer");
    let kind = std::fs::symlink_metadata(&fifo)
        .expect("still there")
        .file_type();
    assert!(kind.is_fifo(), "the FIFO was not replaced");
    assert!(partial_files(folder.path()).is_empty());
}

#[test]
fn a_full_device_is_reported_and_left_as_it_is() {
    use std::os::unix::fs::FileTypeExt;
    let full = Path::new("/dev/full");
    let is_device =
        |path: &Path| std::fs::metadata(path).is_ok_and(|found| found.file_type().is_char_device());
    if !is_device(full) {
        eprintln!("no /dev/full here; nothing to check");
        return;
    }
    let folder = tempfile::tempdir().expect("a folder");
    let store = sandbox(folder.path(), 300, &[]);
    let done = export(&store, full);
    assert!(!done.status.success());
    let message = String::from_utf8_lossy(&done.stderr);
    assert!(message.contains("No space left on device"), "{message}");
    assert!(is_device(full), "/dev/full is still the device");
}

#[test]
fn an_interrupted_export_leaves_no_file_behind() {
    let folder = tempfile::tempdir().expect("a folder");
    // Slow answers: the export is surely under way when it is interrupted.
    let store = sandbox(folder.path(), 600, &["--latency-ms", "400"]);
    let output = folder.path().join("big.csv");
    let running = export_command(&store, &output)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the export starts");
    let started = Instant::now();
    while partial_files(folder.path()).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the export never began"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = Command::new("kill")
        .args(["-TERM", &running.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let ended = running.wait_with_output().expect("the export ends");
    assert!(
        !ended.status.success(),
        "an interrupted export is no success"
    );
    let message = String::from_utf8_lossy(&ended.stderr);
    assert!(message.contains("interrupted"), "{message}");
    assert!(partial_files(folder.path()).is_empty(), "no .partial left");
    assert!(!output.exists(), "no half export under the real name");
}
