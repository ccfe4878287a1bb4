//! The journal kept before stores were known by identity (`journal.jsonl` in the data
//! folder, an edit's fields in `change-N.jsonl`, a delete's ids beside its backup): read so
//! that its change sets are still listed, under the name the store had, and can be undone
//! once the person confirms which store they belong to.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::history::{ChangeSet, Damaged, Entry, Recorded, State};
use super::lines::{CustomerOutcome, Did, Kind, Verdict};
use crate::domain::{Customer, CustomerChange};

#[derive(Debug, Deserialize)]
struct OlderSet {
    id: u64,
    kind: Kind,
    when: String,
    store: String,
    #[serde(default)]
    customers: u64,
    #[serde(default)]
    backup: Option<PathBuf>,
    #[serde(default)]
    undoes: Option<u64>,
    #[serde(default)]
    ids: Vec<i64>,
}

#[derive(Debug, Deserialize)]
struct OlderEntry {
    customer_id: i64,
    before: CustomerChange,
    after: CustomerChange,
    date_modified: String,
}

fn journal(folder: &Path) -> PathBuf {
    folder.join("journal.jsonl")
}

fn sets(folder: &Path) -> (Vec<OlderSet>, Vec<Damaged>) {
    let mut sets = Vec::new();
    let damaged =
        super::read_lines(&journal(folder), |set: OlderSet| sets.push(set)).unwrap_or_default();
    (sets, damaged)
}

/// The highest id the older journal used: new change sets are numbered after it, so that
/// one number never names two sets.
pub(super) fn highest_id(folder: &Path) -> u64 {
    sets(folder).0.iter().map(|set| set.id).max().unwrap_or(0)
}

/// The older journal's change sets of the store known here as `name`, newest first.
pub(super) fn read(folder: &Path, name: &str) -> (Vec<ChangeSet>, Vec<Damaged>) {
    let (all, mut damaged) = sets(folder);
    let undone: Vec<u64> = all.iter().filter_map(|set| set.undoes).collect();
    let mut found = Vec::new();
    for set in all.into_iter().filter(|set| set.store == name) {
        let mut change = ChangeSet {
            id: set.id,
            kind: set.kind,
            when: set.when,
            store: Recorded::ByName(set.store),
            customers: Vec::new(),
            backup: set.backup.clone(),
            undoes: set.undoes,
            what: String::new(),
            about: set.kind,
            end: None,
            entries: Default::default(),
            running: false,
        };
        let mut state = if undone.contains(&set.id) {
            State::Undone
        } else {
            State::Done
        };
        let entries_path = folder.join(format!("change-{}.jsonl", set.id));
        let mut dids = Vec::new();
        if entries_path.exists() {
            damaged.extend(
                super::read_lines(&entries_path, |entry: OlderEntry| {
                    dids.push(Did::Edited {
                        customer: entry.customer_id,
                        before: entry.before,
                        after: entry.after,
                        date_modified: entry.date_modified,
                    })
                })
                .unwrap_or_default(),
            );
        } else if !set.ids.is_empty() && set.kind != Kind::Undo {
            // What a create or restore made: undo deletes them, unless changed since (told
            // by their dates, as what was created was not kept then).
            dids.extend(set.ids.iter().map(|&id| Did::Created {
                customer: Box::new(Customer {
                    id,
                    ..Customer::default()
                }),
            }));
        } else if let Some(backup) = &set.backup
            && set.kind == Kind::Delete
        {
            let (ids, restored) = deleted_ids(backup);
            dids.extend(ids.into_iter().map(|customer| Did::Deleted { customer }));
            if restored {
                state = State::Undone;
            }
        }
        for did in dids {
            let Some(key) = did.customer_id() else {
                continue;
            };
            change.entries.insert(
                key,
                Entry {
                    intent: None,
                    outcome: Some(CustomerOutcome {
                        result: Verdict::Done,
                        did: Some(did),
                        why: None,
                        conflicts: Vec::new(),
                    }),
                    state,
                    conflict: None,
                },
            );
        }
        change.end = Some(super::End {
            id: set.id,
            when: change.when.clone(),
            cancelled: false,
            stopped: None,
        });
        if change.entries.is_empty() {
            // Nothing left to tell what it did: listed with its count alone.
            change.customers = (0..set.customers as i64).map(|n| -n - 1).collect();
        }
        found.push(change);
    }
    found.reverse();
    (found, damaged)
}

/// The ids a delete removed, as noted beside its backup, and whether it was restored since.
fn deleted_ids(backup: &Path) -> (Vec<i64>, bool) {
    let beside = |what: &str| {
        let mut name = backup.as_os_str().to_owned();
        name.push(format!(".{what}"));
        PathBuf::from(name)
    };
    for (what, restored) in [("deleted", false), ("restored", true)] {
        if let Ok(text) = std::fs::read_to_string(beside(what))
            && let Ok(ids) = serde_json::from_str::<Vec<i64>>(&text)
        {
            return (ids, restored);
        }
    }
    (Vec::new(), false)
}
