//! The command line: one file per subcommand, the store resolved in one place, logging set up
//! once, one progress bar. `main.rs` only hands over to `main` here.

/// A line on standard output that never panics (see `output`).
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::output::line(&format!($($arg)*))
    };
}

/// A line on standard error that never panics (see `output`).
macro_rules! tell {
    ($($arg:tt)*) => {
        $crate::cli::output::note(&format!($($arg)*))
    };
}

mod config;
mod count;
mod delete;
mod export;
mod filters;
mod history;
mod index;
mod logging;
mod output;
mod progress;
mod restore;
mod sandbox;
mod search;
mod store;
mod terminal;
mod undo;
mod update;

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use color_eyre::eyre::{Result, WrapErr, eyre};

use crate::sanitize::sanitize;
use store::StoreArgs;

#[derive(Debug, Parser)]
#[command(
    name = "bc-customers",
    version,
    about = "The customers of a BigCommerce store, from the terminal",
    long_about = "The customers of a BigCommerce store, from the terminal.\n\nWith no subcommand, opens the terminal app on the configured store, or on an embedded sandbox store when none is configured."
)]
struct Cli {
    #[command(flatten)]
    store: StoreArgs,
    /// Log file of the terminal app (the help names the default on this machine).
    #[arg(long, global = true, value_name = "PATH", help_heading = "Logging")]
    log_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve a local sandbox store that speaks the BigCommerce v2 Customers API.
    Sandbox(sandbox::SandboxArgs),
    /// Print how many customers match the filters.
    Count(count::CountArgs),
    /// Write every customer matching the filters, in id order, as CSV, JSON or NDJSON.
    Export(export::ExportArgs),
    /// Delete the customers matching the filters, after backing them up (asks first).
    Delete(delete::DeleteArgs),
    /// Re-create the customers of a backup taken before a delete (asks first).
    Restore(restore::RestoreArgs),
    /// Change every customer the filters match: set fields, add or subtract store credit,
    /// append to the notes (reviews, backs up and asks first).
    Update(update::UpdateArgs),
    /// The change journal of the store, newest first.
    History(history::HistoryArgs),
    /// Undo the store's last change set, or the one named (asks first).
    Undo(undo::UndoArgs),
    /// Find customers by any part of a name, email, company, phone or notes, from the local
    /// search index (brought up to date first).
    Search(search::SearchArgs),
    /// The store's local search index: sync, status, forget.
    #[command(subcommand)]
    Index(index::IndexCommand),
    /// The config file.
    #[command(subcommand)]
    Config(config::ConfigCommand),
}

/// Runs the command line and exits with its outcome: errors are one line on stderr.
pub fn main() {
    // Panics get color-eyre's report; errors are printed below as one line.
    let _ = color_eyre::install();
    let cli = parse();
    // The terminal app logs to a file; other commands log to stderr, where the error below
    // already goes.
    let logs_to_file = cli.command.is_none();
    let code = match run(cli) {
        Ok(()) => 0,
        // The reader of standard output went away (`| head`): nothing more to say.
        Err(error) if output::reader_gone(&error) => 0,
        Err(error) => {
            if logs_to_file {
                tracing::error!("{error:#}");
            }
            // One line a script can log; the causes follow on the same line, each once.
            // The causes may quote the store: shown, never obeyed by the terminal.
            tell!("bc-customers: {}", sanitize(&said_once(&error)));
            1
        }
    };
    std::process::exit(output::finish(code));
}

/// The command line, with the help naming where the log really is on this machine.
fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let log_help = match crate::paths::default_log_file() {
        Ok(path) => format!("Log file of the terminal app [default: {}]", path.display()),
        Err(_) => "Log file of the terminal app".to_owned(),
    };
    let command = Cli::command().mut_arg("log_file", |arg| arg.help(log_help));
    let matches = command.get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
}

fn run(cli: Cli) -> Result<()> {
    logging::init(match &cli.command {
        None => logging::Target::File(cli.log_file.clone()),
        Some(Command::Sandbox(_)) => logging::Target::Stderr("info"),
        Some(_) => logging::Target::Stderr("warn"),
    })?;
    match cli.command {
        Some(Command::Sandbox(args)) => sandbox::run(args),
        Some(Command::Config(command)) => config::run(command, &cli.store),
        Some(Command::Count(args)) => count::run(args, &cli.store),
        Some(Command::Export(args)) => export::run(args, &cli.store),
        Some(Command::Delete(args)) => delete::run(args, &cli.store),
        Some(Command::Restore(args)) => restore::run(args, &cli.store),
        Some(Command::Update(args)) => update::run(args, &cli.store),
        Some(Command::History(args)) => history::run(args, &cli.store),
        Some(Command::Undo(args)) => undo::run(args, &cli.store),
        Some(Command::Search(args)) => search::run(args, &cli.store),
        Some(Command::Index(command)) => index::run(command, &cli.store),
        None => terminal::run(&cli.store),
    }
}

/// An error and its causes on one line, each said once: a cause its error already quotes
/// ("the index sync stopped: cannot reach …") is not said again.
fn said_once(error: &color_eyre::Report) -> String {
    let mut said: Vec<String> = Vec::new();
    for cause in error.chain().map(ToString::to_string) {
        if said.last().is_some_and(|before| before.contains(&cause)) {
            continue;
        }
        said.push(cause);
    }
    said.join(": ")
}

/// Ctrl-C, or SIGTERM on Unix.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().wrap_err("cannot start the async runtime")
}

/// Asks on the terminal; true when the answer is one of `accepted`. Refuses when there is no
/// terminal to ask on.
fn confirm(question: &str, accepted: &[&str]) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(eyre!(
            "not confirmed: standard input is not a terminal; add --yes to go ahead"
        ));
    }
    let _ = write!(std::io::stderr(), "{question} ");
    std::io::stderr().flush().wrap_err("cannot ask")?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .wrap_err("cannot read the answer")?;
    Ok(accepted.contains(&answer.trim()))
}

/// Writes to standard output (see `output`).
fn print(text: &str) -> Result<()> {
    output::print(text)
}

#[cfg(test)]
#[test]
fn each_cause_is_said_once() {
    let store = crate::store::ApiError::Network("at 127.0.0.1:9: connection refused".into());
    let error = color_eyre::Report::new(crate::index::sync::SyncError::Store(store))
        .wrap_err("cannot search");
    assert_eq!(
        said_once(&error),
        "cannot search: the index sync stopped: cannot reach the store at 127.0.0.1:9: connection refused"
    );
}
