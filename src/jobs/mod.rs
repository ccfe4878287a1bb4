//! Long work on a store, shared by the command line and the terminal app: exporting, backing
//! up, deleting by id with the check afterwards, restoring, and the undo record a delete
//! leaves. Each job reports its progress as one `Progress` type, which the command line's
//! progress bar and the app's gauge both read, and can be cancelled between requests.

pub mod backup;
pub mod csv_rows;
pub mod delete;
pub mod export;
pub mod journal;
pub mod records;
pub mod restore;
pub mod undo;
pub mod undo_record;
pub mod update;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::store::ApiError;

/// Requests at once for backups, deletes and checks: few enough to stay inside the rate
/// limit's pacing.
const CONCURRENCY: usize = 4;

/// Largest page the API gives.
const PAGE: u64 = 250;

/// The stage of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Exporting,
    BackingUp,
    Deleting,
    Checking,
    Restoring,
    Updating,
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

/// Stops a long backup, delete or restore between requests; what was done is still reported.
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

impl From<crate::index::IndexError> for JobError {
    fn from(error: crate::index::IndexError) -> JobError {
        JobError::Stopped(error.to_string())
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

    /// Whether everything asked for was done: nothing failed, nothing left alone.
    pub fn whole(&self) -> bool {
        self.failed.is_empty() && self.not_attempted == 0
    }
}

/// Why a job stopped, by kind: the store, a file, or the job's own reason.
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
    /// The job stopped for a reason of its own: cancelled, the store changed under it, a
    /// damaged backup.
    #[error("{0}")]
    Stopped(String),
}

/// Creates a file that holds customer data: readable and writable by its owner only. With
/// `new_only`, an existing file is never opened (a backup must not replace another).
pub(crate) fn create_private(
    path: &std::path::Path,
    new_only: bool,
) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::File::options();
    options.write(true);
    if new_only {
        options.create_new(true);
    } else {
        options.create(true).truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
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
