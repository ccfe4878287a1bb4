//! The one service every change to a store goes through, from the command line and the app
//! alike, and the long work it does: review (the customers fixed), back up, write the ledger
//! ahead, send (paced, cancellable between requests), record each customer's outcome, keep
//! the index, report. Exports and undo run on the same path. Each job reports its progress
//! as one `Progress` type, which the command line's bar and the app's gauge both read.

mod addresses;
pub mod backup;
mod bulk_change;
pub mod csv_rows;
pub mod delete;
pub mod export;
mod fresh;
pub(crate) mod groups;
pub mod records;
pub mod restore;
pub mod review;
mod run;
pub mod service;
pub mod undo;
pub mod update;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use service::Service;

use crate::index::IndexError;
use crate::ledger::LedgerError;
use crate::store::ApiError;

/// Requests at once for backups, deletes and checks: few enough to stay inside the rate
/// limit's pacing.
const CONCURRENCY: usize = 4;

/// The stage of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Exporting,
    BackingUp,
    Deleting,
    Checking,
    Restoring,
    Updating,
    /// Undoing a change set.
    Undoing,
    /// Reading the store into the search index.
    Indexing,
    /// Reading customers' addresses into the search index.
    ReadingAddresses,
}

impl Step {
    /// The step in words, for a progress bar or gauge.
    pub fn doing(self) -> &'static str {
        match self {
            Step::Exporting => "exporting",
            Step::BackingUp => "backing up",
            Step::Deleting => "deleting",
            Step::Checking => "checking the store",
            Step::Restoring => "restoring",
            Step::Updating => "updating",
            Step::Undoing => "undoing",
            Step::Indexing => "indexing",
            Step::ReadingAddresses => "reading addresses",
        }
    }
}

/// How far a job is: customers done of how many, in which step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub step: Step,
    pub done: u64,
    pub total: u64,
}

impl Progress {
    /// Done of total, as a whole percentage (100 when there is nothing to do).
    pub fn percent(&self) -> u64 {
        (self.done * 100)
            .checked_div(self.total)
            .unwrap_or(100)
            .min(100)
    }
}

/// Stops a long job between requests; what was done is still reported.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl PartialEq for Cancel {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// A customer a job could not delete or restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    /// Who: "customer 12", or the email of a customer being restored.
    pub who: String,
    /// Why, in the store's words.
    pub why: String,
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.who, self.why)
    }
}

/// What a delete or restore did, exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub done: u64,
    /// The customers deleted (a delete) or created (a restore), by id.
    pub ids: Vec<i64>,
    /// Customers that were already gone (a delete of them found nothing).
    pub already_gone: u64,
    /// What failed, with why.
    pub failed: Vec<Failed>,
    /// Left alone because the work was cancelled.
    pub not_attempted: u64,
    /// Addresses re-created with the customers (a restore).
    pub addresses: u64,
    /// Customers restored into no group, their group being gone (a restore).
    pub left_without_group: u64,
    /// Requests the job sent to the store, reads and backups included.
    pub requests: u64,
}

impl Report {
    /// `412 deleted, 0 failed` and what else there is to say.
    pub fn summary(&self, verb: &str) -> String {
        let mut text = format!("{} {verb}", crate::format::thousands(self.done));
        if self.addresses > 0 {
            text.push_str(&format!(
                " (with {} address{})",
                crate::format::thousands(self.addresses),
                if self.addresses == 1 { "" } else { "es" }
            ));
        }
        text.push_str(&format!(", {} failed", self.failed.len()));
        if self.already_gone > 0 {
            text.push_str(&format!(", {} already gone", self.already_gone));
        }
        if self.left_without_group > 0 {
            text.push_str(&format!(
                ", {} put in no group (their group is gone)",
                self.left_without_group
            ));
        }
        if self.not_attempted > 0 {
            text.push_str(&format!(
                ", {} left alone (cancelled)",
                crate::format::thousands(self.not_attempted)
            ));
        }
        text
    }

    /// "; 1,012 requests": what a job cost, said at the end of its report.
    pub fn requests_said(&self) -> String {
        format!(
            "; {} request{}",
            crate::format::thousands(self.requests),
            if self.requests == 1 { "" } else { "s" }
        )
    }

    /// Whether everything asked for was done: nothing failed, nothing left alone.
    pub fn whole(&self) -> bool {
        self.failed.is_empty() && self.not_attempted == 0
    }
}

/// Why a job stopped, by kind, kept across layers so that the app and the command line can
/// say which it was.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The store refused or could not be reached while the job was `doing` something.
    #[error("{doing}: {error}")]
    Store { doing: String, error: ApiError },
    /// A file could not be created, read or written (a folder that cannot be written, a
    /// full disk, a missing backup).
    #[error("{doing} {}: {error}", path.display())]
    File {
        doing: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },
    /// The change ledger could not be read or written: nothing more is sent.
    #[error("{0}")]
    Ledger(#[from] LedgerError),
    /// The local search index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// A backup that cannot be used: a damaged line, a customer the store would refuse.
    #[error("{} line {line}: {why}", path.display())]
    Backup {
        path: PathBuf,
        line: usize,
        why: String,
    },
    /// Files of one store offered to another: refused unless asked for by name.
    #[error("{0}")]
    OtherStore(String),
    /// The store changed while it was read whole (an export).
    #[error("the store changed while it was read: {0}")]
    StoreChanged(String),
    /// Cancelled before anything was changed.
    #[error("cancelled while {doing}; nothing was changed")]
    Cancelled { doing: &'static str },
    /// The job found nothing to do, or cannot do what was asked, and says why.
    #[error("{0}")]
    Refused(String),
}

impl JobError {
    pub(crate) fn store(doing: impl Into<String>) -> impl FnOnce(ApiError) -> JobError {
        let doing = doing.into();
        move |error| JobError::Store { doing, error }
    }

    pub(crate) fn file(
        doing: &'static str,
        path: &std::path::Path,
    ) -> impl FnOnce(std::io::Error) -> JobError {
        let path = path.to_owned();
        move |error| JobError::File { doing, path, error }
    }
}

impl From<crate::index::sync::SyncError> for JobError {
    fn from(error: crate::index::sync::SyncError) -> JobError {
        match error {
            crate::index::sync::SyncError::Store(error) => JobError::Store {
                doing: "the index sync stopped".to_owned(),
                error,
            },
            crate::index::sync::SyncError::Index(error) => JobError::Index(error),
        }
    }
}
