//! What the command line writes, and what happens when it cannot: a reader that went away
//! (`| head`) ends the output quietly, a full disk is one line on stderr and a failed exit —
//! unless the change the command made is done, which its exit code then says — and nothing
//! ever panics on a closed pipe.

use std::io::Write;
use std::sync::Mutex;

use color_eyre::eyre::{Report, Result, WrapErr};

#[derive(Default)]
struct State {
    /// The reader went away: the rest of the output is dropped.
    closed: bool,
    /// Standard output failed otherwise, first as it failed.
    failed: Option<std::io::Error>,
    /// The command's change to the store is done (and recorded): its exit code says so.
    done: bool,
}

static STATE: Mutex<State> = Mutex::new(State {
    closed: false,
    failed: None,
    done: false,
});

fn state() -> std::sync::MutexGuard<'static, State> {
    STATE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Writes to standard output. A reader that went away ends the output quietly; another
/// failure (a full disk) is an error that says so.
pub fn print(text: &str) -> Result<()> {
    write_out(text).wrap_err("cannot write to standard output")
}

/// A line of a report: as `print`, with a failure kept to be said at the end.
pub fn line(text: &str) {
    if let Err(error) = write_out(&format!("{text}\n")) {
        state().failed.get_or_insert(error);
    }
}

fn write_out(text: &str) -> std::io::Result<()> {
    if state().closed {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
            state().closed = true;
            Ok(())
        }
        other => other,
    }
}

/// A line on standard error; one that cannot be written is dropped (its reader went away).
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// The command's change is done and recorded: what it prints from now on is its report.
pub fn work_done() {
    state().done = true;
}

/// Whether an error is only the reader of standard output going away.
pub fn reader_gone(error: &Report) -> bool {
    let broken = |io: &std::io::Error| io.kind() == std::io::ErrorKind::BrokenPipe;
    error.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(broken)
            || matches!(
                cause.downcast_ref::<crate::jobs::JobError>(),
                Some(crate::jobs::JobError::File { error, .. }) if broken(error)
            )
    })
}

/// The exit code, once the command ended with `code`: a report that could not be written is
/// said, and fails the command unless its change was done.
pub fn finish(code: i32) -> i32 {
    let state = state();
    match &state.failed {
        None => code,
        Some(error) if state.done => {
            note(&format!(
                "bc-customers: the report could not be written to standard output ({error}); the change is done and recorded (bc-customers history shows it)"
            ));
            code
        }
        Some(error) => {
            note(&format!(
                "bc-customers: cannot write to standard output: {error}"
            ));
            1
        }
    }
}
