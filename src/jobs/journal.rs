//! The change journal: one record per change set that the app or the command line makes, in
//! one format for every kind, appended to `journal.jsonl` in the user's data folder (0600).
//! An edit's per-customer before and after go to a file beside it, so that undo can set back
//! exactly the fields it changed, and only on customers nobody changed since.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::domain::CustomerChange;

use super::{JobError, create_private};

/// What a change set did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// One customer's fields, from the app's form.
    Edit,
    BulkEdit,
    /// Customers created (their ids kept).
    Create,
    /// Customers re-created from a backup (their new ids kept).
    Restore,
    Delete,
    Undo,
}

fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// One change set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeSet {
    pub id: u64,
    pub kind: Kind,
    /// RFC 3339, local time.
    pub when: String,
    /// The store's name, as the app and the command line name it.
    pub store: String,
    /// How many customers it changed.
    pub customers: u64,
    /// The backup taken first, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<PathBuf>,
    /// For an undo: the change set it undid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<u64>,
    /// For a create: the customers it created.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<i64>,
    /// Set when read back: a later undo undid it.
    #[serde(default)]
    pub undone: bool,
}

/// One customer's part of an edit: the fields as they were and as they became, and the
/// `date_modified` the store gave it, to tell later whether anyone changed it since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub customer_id: i64,
    pub before: CustomerChange,
    pub after: CustomerChange,
    pub date_modified: String,
}

/// The journal of the user's data folder.
#[derive(Debug, Clone)]
pub struct Journal {
    folder: PathBuf,
}

impl Journal {
    pub fn in_folder(folder: impl Into<PathBuf>) -> Journal {
        Journal {
            folder: folder.into(),
        }
    }

    /// The journal in the user's data folder.
    pub fn default_place() -> color_eyre::Result<Journal> {
        Ok(Journal::in_folder(crate::paths::journal_folder()?))
    }

    fn file(&self) -> PathBuf {
        self.folder.join("journal.jsonl")
    }

    /// Where an edit's entries are kept.
    pub fn entries_file(&self, id: u64) -> PathBuf {
        self.folder.join(format!("change-{id}.jsonl"))
    }

    /// Every change set, oldest first, with `undone` set from the undos that follow.
    pub fn all(&self) -> Result<Vec<ChangeSet>, JobError> {
        let path = self.file();
        let file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(JobError::file("cannot read the journal", &path)(error)),
        };
        let mut sets: Vec<ChangeSet> = Vec::new();
        for (number, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(JobError::file("cannot read the journal", &path))?;
            if line.trim().is_empty() {
                continue;
            }
            let set: ChangeSet = serde_json::from_str(&line).map_err(|error| {
                JobError::Stopped(format!("{} line {}: {error}", path.display(), number + 1))
            })?;
            sets.push(set);
        }
        let undone: Vec<u64> = sets.iter().filter_map(|set| set.undoes).collect();
        for set in &mut sets {
            set.undone = undone.contains(&set.id);
        }
        Ok(sets)
    }

    /// The change sets of one store, newest first.
    pub fn of_store(&self, store: &str) -> Result<Vec<ChangeSet>, JobError> {
        let mut sets: Vec<ChangeSet> = self
            .all()?
            .into_iter()
            .filter(|s| s.store == store)
            .collect();
        sets.reverse();
        Ok(sets)
    }

    /// Adds a change set (its id is the next one) and, for an edit, its entries.
    pub fn record(
        &self,
        kind: Kind,
        store: &str,
        customers: u64,
        backup: Option<&Path>,
        undoes: Option<u64>,
        entries: &[Entry],
    ) -> Result<ChangeSet, JobError> {
        let set = ChangeSet {
            id: self.next_id()?,
            kind,
            when: now(),
            store: store.to_owned(),
            customers,
            backup: backup.map(Path::to_owned),
            undoes,
            ids: Vec::new(),
            undone: false,
        };
        if !entries.is_empty() {
            std::fs::create_dir_all(&self.folder).map_err(JobError::file(
                "cannot create the journal folder",
                &self.folder,
            ))?;
            let path = self.entries_file(set.id);
            let mut file = std::io::BufWriter::new(
                create_private(&path, true).map_err(JobError::file("cannot write", &path))?,
            );
            for entry in entries {
                let line = serde_json::to_string(entry).map_err(|error| {
                    JobError::Stopped(format!("cannot write an entry: {error}"))
                })?;
                writeln!(file, "{line}").map_err(JobError::file("cannot write", &path))?;
            }
            file.flush()
                .map_err(JobError::file("cannot write", &path))?;
        }
        self.append(set)
    }

    fn next_id(&self) -> Result<u64, JobError> {
        Ok(self.all()?.iter().map(|set| set.id).max().unwrap_or(0) + 1)
    }

    /// Adds a change set at the end of the journal, created private the first time; the
    /// journal is appended to, never rewritten.
    fn append(&self, set: ChangeSet) -> Result<ChangeSet, JobError> {
        std::fs::create_dir_all(&self.folder).map_err(JobError::file(
            "cannot create the journal folder",
            &self.folder,
        ))?;
        let path = self.file();
        let opened = if path.exists() {
            std::fs::File::options().append(true).open(&path)
        } else {
            create_private(&path, true)
        };
        let mut file = opened.map_err(JobError::file("cannot write the journal", &path))?;
        let line = serde_json::to_string(&set)
            .map_err(|error| JobError::Stopped(format!("cannot write the journal: {error}")))?;
        writeln!(file, "{line}").map_err(JobError::file("cannot write the journal", &path))?;
        Ok(set)
    }

    /// Records customers created (a create is undone by deleting them, with a backup).
    pub fn record_created(&self, store: &str, ids: &[i64]) -> Result<ChangeSet, JobError> {
        self.record_new(Kind::Create, store, ids)
    }

    /// Records customers created by `kind` (a create, or a restore): undone by deleting them.
    pub fn record_new(&self, kind: Kind, store: &str, ids: &[i64]) -> Result<ChangeSet, JobError> {
        self.append(ChangeSet {
            id: self.next_id()?,
            kind,
            when: now(),
            store: store.to_owned(),
            customers: ids.len() as u64,
            backup: None,
            undoes: None,
            ids: ids.to_vec(),
            undone: false,
        })
    }

    /// Records the undo of a delete: the backup it restored from and the customers it
    /// re-created (an undo of it deletes them again).
    pub fn record_undo_of_delete(
        &self,
        store: &str,
        undoes: u64,
        backup: &Path,
        ids: &[i64],
    ) -> Result<ChangeSet, JobError> {
        self.append(ChangeSet {
            id: self.next_id()?,
            kind: Kind::Undo,
            when: now(),
            store: store.to_owned(),
            customers: ids.len() as u64,
            backup: Some(backup.to_owned()),
            undoes: Some(undoes),
            ids: ids.to_vec(),
            undone: false,
        })
    }

    /// The entries of an edit.
    pub fn entries(&self, id: u64) -> Result<Vec<Entry>, JobError> {
        let path = self.entries_file(id);
        let text = std::fs::read_to_string(&path).map_err(JobError::file("cannot read", &path))?;
        text.lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                serde_json::from_str(line)
                    .map_err(|error| JobError::Stopped(format!("{}: {error}", path.display())))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Field, Value};
    use rust_decimal::Decimal;

    #[test]
    fn change_sets_read_back_newest_first_and_an_undo_marks_its_set() {
        let folder = tempfile::tempdir().expect("a folder");
        let journal = Journal::in_folder(folder.path());
        let entry = Entry {
            customer_id: 3,
            before: CustomerChange::set(Field::StoreCredit, Value::Amount(Decimal::ONE)),
            after: CustomerChange::set(Field::StoreCredit, Value::Amount(Decimal::new(6, 0))),
            date_modified: "Fri, 27 Nov 2026 08:00:00 +0000".into(),
        };
        let edit = journal
            .record(
                Kind::BulkEdit,
                "Shop",
                1,
                None,
                None,
                std::slice::from_ref(&entry),
            )
            .expect("recorded");
        journal
            .record(
                Kind::Delete,
                "Other",
                4,
                Some(Path::new("/b.jsonl")),
                None,
                &[],
            )
            .expect("recorded");
        journal
            .record(Kind::Undo, "Shop", 1, None, Some(edit.id), &[])
            .expect("recorded");
        let shop = journal.of_store("Shop").expect("read");
        assert_eq!(shop.iter().map(|s| s.id).collect::<Vec<_>>(), vec![3, 1]);
        assert!(shop[1].undone && !shop[0].undone);
        assert_eq!(journal.entries(edit.id).expect("entries"), vec![entry]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(folder.path().join("journal.jsonl"))
                .expect("the journal")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
