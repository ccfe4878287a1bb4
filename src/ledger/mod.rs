//! The change ledger of a store: every change set is written here before its first request
//! and synced to disk, each customer's intent before the request that changes it and its
//! outcome after; so whatever stops the program — an error, Ctrl-C, `kill -9`, a full disk —
//! what reached the store is known, and undo can set back exactly that.
//!
//! One folder per store, named by its identity: `journal.jsonl` (beginnings, ends, conflicts
//! set aside), `set-N.jsonl` per change set (its customers' lines), and lock files. A line
//! that cannot be read is reported and skipped; the rest works.

pub mod history;
pub mod lines;
mod older;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

pub use history::{
    ChangeSet, Counts, Damaged, Entry, History, Recorded, State, describe_conflicts,
};
pub use lines::{
    Begin, CustomerLine, CustomerOutcome, Did, End, FieldConflict, Intent, JournalLine, Kind,
    SetAside, Verdict,
};

use crate::paths::{Places, create_private_file, create_private_folder};
use crate::store::StoreIdentity;

/// Why the ledger could not be read or written, with the file it is about.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("the change ledger {}: {error}", path.display())]
    File {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("the change ledger: {0}")]
    Line(#[from] serde_json::Error),
    #[error("change set {0} is not in this store's ledger")]
    NoSuchSet(u64),
    /// Another undo of this store holds the lock.
    #[error("{0}")]
    Busy(String),
}

fn file_error(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |error| LedgerError::File {
        path: path.to_owned(),
        error,
    }
}

/// Lines written between syncs to disk; a sync also follows a quiet moment.
const SYNC_EVERY_LINES: usize = 32;
const SYNC_EVERY: Duration = Duration::from_millis(200);

/// The ledger of one store.
#[derive(Debug, Clone)]
pub struct Ledger {
    folder: PathBuf,
    identity: StoreIdentity,
    /// The journal kept before stores were known by identity, and the name this store had
    /// in it.
    older: Option<(PathBuf, String)>,
    /// Lines left before writes fail (tests of a failing disk); negative: never.
    fail_after: Arc<AtomicI64>,
}

impl Ledger {
    /// The store's ledger in the user's data folder, made (0700) and checked writable: a
    /// ledger that cannot be written stops every change before it starts. `known_as` is the
    /// name the store had in the journal kept before identities.
    pub fn open(
        places: &Places,
        identity: &StoreIdentity,
        known_as: &str,
    ) -> std::result::Result<Ledger, LedgerError> {
        let folder = places.ledger(identity);
        create_private_folder(&folder).map_err(file_error(&folder))?;
        // Left readable by others (by an older version, say): made private.
        for private in [places.data(), &folder, &folder.join("journal.jsonl")] {
            crate::paths::keep_private(private);
        }
        let ledger = Ledger {
            folder,
            identity: identity.clone(),
            older: Some((places.older_journal(), known_as.to_owned())),
            fail_after: Arc::new(AtomicI64::new(-1)),
        };
        // Opened for appending now, so that a journal that cannot be written (a folder in its
        // place, no space, no permission) is said before anything is sent.
        ledger.append_journal_file()?;
        Ok(ledger)
    }

    pub fn identity(&self) -> &StoreIdentity {
        &self.identity
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }

    fn journal_path(&self) -> PathBuf {
        self.folder.join("journal.jsonl")
    }

    fn set_path(&self, id: u64) -> PathBuf {
        self.folder.join(format!("set-{id}.jsonl"))
    }

    /// Makes every write fail after `lines` more lines, as a full disk would (tests).
    #[doc(hidden)]
    pub fn fail_writes_after(&self, lines: i64) {
        self.fail_after.store(lines, Ordering::SeqCst);
    }

    fn check_fault(&self, path: &Path) -> std::result::Result<(), LedgerError> {
        let left = self.fail_after.load(Ordering::SeqCst);
        if left == 0 {
            return Err(LedgerError::File {
                path: path.to_owned(),
                error: std::io::Error::from_raw_os_error(28), // ENOSPC
            });
        }
        if left > 0 {
            self.fail_after.fetch_sub(1, Ordering::SeqCst);
        }
        Ok(())
    }

    /// The journal, opened to append (made private the first time). A last line cut short
    /// (a write that never finished) is closed with a line break, so that what follows is
    /// whole; the cut line is reported when read.
    fn append_journal_file(&self) -> std::result::Result<File, LedgerError> {
        let path = self.journal_path();
        append_file(&path)
    }

    /// Writes one line at the end of the journal and syncs it to disk.
    fn append_journal(&self, line: &JournalLine) -> std::result::Result<(), LedgerError> {
        let path = self.journal_path();
        self.check_fault(&path)?;
        let mut file = self.append_journal_file()?;
        let mut text = serde_json::to_vec(line)?;
        text.push(b'\n');
        file.write_all(&text).map_err(file_error(&path))?;
        file.sync_data().map_err(file_error(&path))
    }

    /// Begins a change set: takes the next id, writes the beginning and syncs it, and opens
    /// the set's own file (held by this job until it ends). Nothing is sent before this
    /// returns.
    pub fn begin(
        &self,
        kind: Kind,
        customers: Vec<i64>,
        backup: impl FnOnce(u64) -> Option<PathBuf>,
        undoes: Option<u64>,
        what: String,
    ) -> std::result::Result<Recorder, LedgerError> {
        let lock_path = self.folder.join("journal.lock");
        let lock = append_file(&lock_path)?;
        lock.lock().map_err(file_error(&lock_path))?;
        let id = self.next_id()?;
        let begin = Begin {
            id,
            kind,
            when: now(),
            store: self.identity.clone(),
            customers,
            backup: backup(id),
            undoes,
            what,
        };
        self.append_journal(&JournalLine::Begin(begin.clone()))?;
        let set_path = self.set_path(id);
        let set_file = create_private_file(&set_path, true).map_err(file_error(&set_path))?;
        // Held while the job runs: a reader finding it held knows the set is under way.
        set_file.try_lock().map_err(|error| LedgerError::File {
            path: set_path.clone(),
            error: error.into(),
        })?;
        drop(lock);
        Ok(Recorder {
            ledger: self.clone(),
            begin,
            file: set_file,
            path: set_path,
            unsynced: 0,
            synced_at: Instant::now(),
        })
    }

    fn next_id(&self) -> std::result::Result<u64, LedgerError> {
        let mut highest = 0;
        read_lines(&self.journal_path(), |line: JournalLine| {
            if let JournalLine::Begin(begin) = line {
                highest = highest.max(begin.id);
            }
        })?;
        if let Some((folder, _)) = &self.older {
            highest = highest.max(older::highest_id(folder));
        }
        // A set's file left by a beginning that was never written: its number is taken too.
        if let Ok(files) = std::fs::read_dir(&self.folder) {
            for file in files.flatten() {
                let name = file.file_name();
                let number = name
                    .to_str()
                    .and_then(|name| name.strip_prefix("set-"))
                    .and_then(|rest| rest.strip_suffix(".jsonl"))
                    .and_then(|number| number.parse::<u64>().ok());
                highest = highest.max(number.unwrap_or(0));
            }
        }
        Ok(highest + 1)
    }

    /// Every change set of this store, newest first, with where each customer stands; lines
    /// that cannot be read are reported and skipped.
    pub fn history(&self) -> std::result::Result<History, LedgerError> {
        let mut damaged = Vec::new();
        let mut sets: BTreeMap<u64, ChangeSet> = BTreeMap::new();
        let mut ends = Vec::new();
        let mut set_aside = Vec::new();
        damaged.extend(read_lines(
            &self.journal_path(),
            |line: JournalLine| match line {
                JournalLine::Begin(begin) if begin.store.same_store(&self.identity) => {
                    sets.insert(begin.id, ChangeSet::begun(begin));
                }
                JournalLine::Begin(_) => {}
                JournalLine::End(end) => ends.push(end),
                JournalLine::SetAside(aside) => set_aside.push(aside),
            },
        )?);
        for end in ends {
            if let Some(set) = sets.get_mut(&end.id) {
                set.end = Some(end);
            }
        }
        for set in sets.values_mut() {
            let path = self.set_path(set.id);
            damaged.extend(read_lines(&path, |line: CustomerLine| match line {
                CustomerLine::Intent { key, intent } => set.take_intent(key, intent),
                CustomerLine::Outcome { key, outcome } => set.take_outcome(key, outcome),
            })?);
            if set.end.is_none() {
                set.running = held_elsewhere(&path);
            }
        }
        history::settle_undos(&mut sets);
        for aside in set_aside {
            if let Some(set) = sets.get_mut(&aside.id) {
                for key in aside.customers {
                    if let Some(entry) = set.entries.get_mut(&key)
                        && entry.state == State::Conflict
                    {
                        entry.state = State::SetAside;
                    }
                }
            }
        }
        let older = match &self.older {
            Some((folder, name)) => {
                let (older, older_damaged) = older::read(folder, name);
                damaged.extend(older_damaged);
                older
            }
            None => Vec::new(),
        };
        Ok(History {
            sets: sets.into_values().rev().collect(),
            damaged,
            older,
        })
    }

    /// Leaves a change set's conflicts as they are: its undo is done with them.
    pub fn set_aside(&self, id: u64, customers: Vec<i64>) -> std::result::Result<(), LedgerError> {
        self.append_journal(&JournalLine::SetAside(SetAside { id, customers }))
    }

    /// Takes the store's undo lock: one undo of this store at a time. Held until dropped;
    /// when another holds it, says who.
    pub fn lock_undo(&self, undoing: u64) -> std::result::Result<UndoLock, LedgerError> {
        let path = self.folder.join("undo.lock");
        let mut file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(file_error(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(LedgerError::Busy(if holder.is_empty() {
                    "another undo of this store is under way; wait for it to end".to_owned()
                } else {
                    format!("{holder}; wait for it to end")
                }));
            }
            Err(std::fs::TryLockError::Error(error)) => {
                return Err(LedgerError::File { path, error });
            }
        }
        let holder = format!(
            "an undo of change set {undoing} is under way (process {}, since {})",
            std::process::id(),
            chrono::Local::now().format("%H:%M:%S")
        );
        file.set_len(0).map_err(file_error(&path))?;
        file.rewind().map_err(file_error(&path))?;
        file.write_all(holder.as_bytes())
            .map_err(file_error(&path))?;
        Ok(UndoLock { _file: file })
    }
}

/// The store's undo lock, held while an undo runs.
#[derive(Debug)]
pub struct UndoLock {
    _file: File,
}

/// Writes one change set's lines as its job goes: each customer's intent before its request,
/// its outcome after, synced in small batches; and the end.
#[derive(Debug)]
pub struct Recorder {
    ledger: Ledger,
    begin: Begin,
    file: File,
    path: PathBuf,
    unsynced: usize,
    synced_at: Instant,
}

impl Recorder {
    pub fn id(&self) -> u64 {
        self.begin.id
    }

    pub fn backup(&self) -> Option<&Path> {
        self.begin.backup.as_deref()
    }

    fn write(&mut self, line: &CustomerLine) -> std::result::Result<(), LedgerError> {
        self.ledger.check_fault(&self.path)?;
        let mut text = serde_json::to_vec(line)?;
        text.push(b'\n');
        // One write of a whole line to a file opened for appending: a line is never split
        // by another writer, and a process killed after it keeps it (it is in the kernel).
        self.file.write_all(&text).map_err(file_error(&self.path))?;
        self.unsynced += 1;
        if self.unsynced >= SYNC_EVERY_LINES || self.synced_at.elapsed() >= SYNC_EVERY {
            self.sync()?;
        }
        Ok(())
    }

    fn sync(&mut self) -> std::result::Result<(), LedgerError> {
        self.file.sync_data().map_err(file_error(&self.path))?;
        self.unsynced = 0;
        self.synced_at = Instant::now();
        Ok(())
    }

    /// What is about to be sent for one customer; the request goes only once this is written.
    pub fn intent(&mut self, key: i64, intent: Intent) -> std::result::Result<(), LedgerError> {
        self.write(&CustomerLine::Intent { key, intent })
    }

    pub fn outcome(
        &mut self,
        key: i64,
        outcome: CustomerOutcome,
    ) -> std::result::Result<(), LedgerError> {
        self.write(&CustomerLine::Outcome { key, outcome })
    }

    /// Ends the change set: its lines synced, and its end in the journal.
    pub fn end(
        mut self,
        cancelled: bool,
        stopped: Option<String>,
    ) -> std::result::Result<(), LedgerError> {
        self.sync()?;
        self.ledger.append_journal(&JournalLine::End(End {
            id: self.begin.id,
            when: now(),
            cancelled,
            stopped,
        }))
    }
}

fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A ledger file opened to append, made private the first time; a last line cut short is
/// closed with a line break first.
fn append_file(path: &Path) -> std::result::Result<File, LedgerError> {
    let mut file = match File::options().append(true).read(true).open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let created = create_private_file(path, true);
            let file = match created {
                Ok(file) => file,
                // Made by another writer meanwhile.
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => File::options()
                    .append(true)
                    .read(true)
                    .open(path)
                    .map_err(file_error(path))?,
                Err(error) => return Err(file_error(path)(error)),
            };
            drop(file);
            File::options()
                .append(true)
                .read(true)
                .open(path)
                .map_err(file_error(path))?
        }
        Err(error) => return Err(file_error(path)(error)),
    };
    let length = file.metadata().map_err(file_error(path))?.len();
    if length > 0 {
        let mut last = [0u8];
        file.seek(std::io::SeekFrom::Start(length - 1))
            .and_then(|_| file.read_exact(&mut last))
            .map_err(file_error(path))?;
        if last[0] != b'\n' {
            file.write_all(b"\n").map_err(file_error(path))?;
        }
    }
    Ok(file)
}

/// Reads a ledger file line by line into `take`; a missing file has no lines. Lines that
/// cannot be read are returned, not fatal.
fn read_lines<T: serde::de::DeserializeOwned>(
    path: &Path,
    mut take: impl FnMut(T),
) -> std::result::Result<Vec<Damaged>, LedgerError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(file_error(path)(error)),
    };
    let mut damaged = Vec::new();
    let mut reader = std::io::BufReader::new(file);
    let mut number = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(file_error(path))?;
        if read == 0 {
            break;
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<T>(&line) {
            Ok(value) => take(value),
            Err(error) => damaged.push(Damaged {
                file: path.to_owned(),
                line: number,
                why: if line.ends_with(b"\n") {
                    error.to_string()
                } else {
                    "cut short (a write that never finished)".to_owned()
                },
            }),
        }
    }
    Ok(damaged)
}

/// Whether another job holds a change set's file (it is under way).
fn held_elsewhere(path: &Path) -> bool {
    match File::open(path) {
        Ok(file) => matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests;
