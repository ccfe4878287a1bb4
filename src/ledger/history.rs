//! A store's change sets as the ledger's lines add up: for each customer of each set, where
//! it stands now — done (and so to undo), undone, a conflict, failed — with undos applied to
//! the sets they undo, and conflicts set aside.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::lines::{Begin, CustomerOutcome, Did, End, FieldConflict, Intent, Kind, Verdict};
use crate::store::StoreIdentity;

/// Which store a change set was recorded for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    Store(StoreIdentity),
    /// Before stores were known by identity: only the name they were known by here.
    ByName(String),
}

/// Where one customer of a change set stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// Changed: undo sets it back.
    Done,
    /// A request was on its way when the program stopped: undo asks the store whether it
    /// happened.
    Unknown,
    Failed,
    /// Nothing was sent: already so, already gone, or never reached.
    Skipped,
    Undone,
    /// Its undo found it changed since: left with the newer values.
    Conflict,
    /// A conflict the person chose to leave as it is.
    SetAside,
}

/// One customer's part in a change set.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub intent: Option<Intent>,
    pub outcome: Option<CustomerOutcome>,
    pub state: State,
    /// What the last undo found, when it found a conflict.
    pub conflict: Option<CustomerOutcome>,
}

impl Entry {
    /// What the change did, when it did something.
    pub fn did(&self) -> Option<&Did> {
        self.outcome
            .as_ref()
            .and_then(|outcome| outcome.did.as_ref())
    }
}

/// One change set, whole.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSet {
    pub id: u64,
    pub kind: Kind,
    pub when: String,
    pub store: Recorded,
    /// The customers it was about, fixed at its review.
    pub customers: Vec<i64>,
    pub backup: Option<PathBuf>,
    pub undoes: Option<u64>,
    pub what: String,
    /// What its lines are about: its own kind, or for an undo the kind it undoes (its
    /// lines are that set's customers, addresses or groups).
    pub about: Kind,
    pub end: Option<End>,
    /// Each customer's part, by key (see `CustomerLine`).
    pub entries: BTreeMap<i64, Entry>,
    /// Whether it is under way now (its file is held by the job running it).
    pub running: bool,
}

/// How many customers of a change set stand where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub done: u64,
    pub unknown: u64,
    pub failed: u64,
    pub skipped: u64,
    pub undone: u64,
    pub conflicts: u64,
    pub set_aside: u64,
    /// Of the customers it was about, those it never reached.
    pub not_reached: u64,
}

impl ChangeSet {
    pub(super) fn begun(begin: Begin) -> ChangeSet {
        ChangeSet {
            id: begin.id,
            kind: begin.kind,
            when: begin.when,
            store: Recorded::Store(begin.store),
            customers: begin.customers,
            backup: begin.backup,
            undoes: begin.undoes,
            what: begin.what,
            about: begin.kind,
            end: None,
            entries: BTreeMap::new(),
            running: false,
        }
    }

    pub(super) fn take_intent(&mut self, key: i64, intent: Intent) {
        let entry = self.entries.entry(key).or_insert(Entry {
            intent: None,
            outcome: None,
            state: State::Unknown,
            conflict: None,
        });
        entry.intent = Some(intent);
    }

    pub(super) fn take_outcome(&mut self, key: i64, outcome: CustomerOutcome) {
        let state = match outcome.result {
            Verdict::Done => State::Done,
            Verdict::Failed => State::Failed,
            Verdict::Skipped | Verdict::Unchanged => State::Skipped,
            Verdict::Conflict => State::Conflict,
        };
        let entry = self.entries.entry(key).or_insert(Entry {
            intent: None,
            outcome: None,
            state,
            conflict: None,
        });
        entry.state = state;
        entry.outcome = Some(outcome);
    }

    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for entry in self.entries.values() {
            *match entry.state {
                State::Done => &mut counts.done,
                State::Unknown => &mut counts.unknown,
                State::Failed => &mut counts.failed,
                State::Skipped => &mut counts.skipped,
                State::Undone => &mut counts.undone,
                State::Conflict => &mut counts.conflicts,
                State::SetAside => &mut counts.set_aside,
            } += 1;
        }
        counts.not_reached = self
            .customers
            .iter()
            .filter(|id| !self.entries.contains_key(id))
            .count() as u64;
        counts
    }

    /// The customers an undo goes on with: those changed, and those whose request's fate
    /// is unknown.
    pub fn to_undo(&self) -> Vec<i64> {
        self.keys_in(&[State::Done, State::Unknown])
    }

    /// The customers whose undo found a conflict.
    pub fn conflicts(&self) -> Vec<(i64, &Entry)> {
        self.entries
            .iter()
            .filter(|(_, entry)| entry.state == State::Conflict)
            .map(|(key, entry)| (*key, entry))
            .collect()
    }

    pub fn keys_in(&self, states: &[State]) -> Vec<i64> {
        self.entries
            .iter()
            .filter(|(_, entry)| states.contains(&entry.state))
            .map(|(key, _)| *key)
            .collect()
    }

    /// Stopped before its end without saying so: the program was killed, or the machine
    /// stopped.
    pub fn interrupted(&self) -> bool {
        self.end.is_none() && !self.running
    }

    /// How many customers it is about.
    pub fn size(&self) -> u64 {
        (self.customers.len() as u64).max(self.entries.len() as u64)
    }

    /// "delete · 51 customers · 17 undone, 34 to undo", for history lines and the journal
    /// view.
    pub fn state_words(&self) -> String {
        let counts = self.counts();
        let mut parts = Vec::new();
        let changed =
            counts.done + counts.unknown + counts.undone + counts.conflicts + counts.set_aside;
        if self.running {
            parts.push(format!("under way, {} reached", self.entries.len()));
        } else if self.interrupted() {
            parts.push(format!(
                "interrupted after reaching {} of {}",
                self.entries.len(),
                self.size()
            ));
        } else if self.end.as_ref().is_some_and(|end| end.cancelled) {
            parts.push(format!(
                "cancelled after {} of {}",
                self.entries.len(),
                self.size()
            ));
        }
        if counts.undone > 0 && counts.undone == changed {
            parts.push("undone".to_owned());
        } else if counts.undone > 0 {
            parts.push(format!("{} of {changed} undone", counts.undone));
        }
        let left = counts.done + counts.unknown;
        if left > 0 && counts.undone + counts.conflicts + counts.set_aside > 0 {
            parts.push(format!("{left} to undo"));
        }
        if counts.conflicts > 0 {
            parts.push(format!(
                "{} conflict{}",
                counts.conflicts,
                if counts.conflicts == 1 { "" } else { "s" }
            ));
        }
        if counts.set_aside > 0 {
            parts.push(format!("{} set aside", counts.set_aside));
        }
        if counts.unknown > 0 {
            parts.push(format!(
                "{} unknown (undo checks the store)",
                counts.unknown
            ));
        }
        if counts.failed > 0 {
            parts.push(format!("{} failed", counts.failed));
        }
        if changed == 0 && counts.failed == 0 && !self.running {
            parts.push("nothing changed".to_owned());
        } else if parts.is_empty() {
            parts.push("done".to_owned());
        }
        parts.join(", ")
    }

    /// "bulk edit · 387 customers · 386 of 387 undone, 1 conflict".
    pub fn line(&self) -> String {
        let kind = match self.undoes {
            Some(undone) => format!("undo of {undone}"),
            None => self.kind.words().to_owned(),
        };
        let mut line = format!("{kind} · {}", self.about.count(self.size()));
        let state = self.state_words();
        if !state.is_empty() {
            line.push_str(" · ");
            line.push_str(&state);
        }
        line
    }
}

/// Applies each undo to the change set it undoes, oldest first. An undo that a later undo
/// takes back gives the set it undid its change back (those customers are to undo again);
/// put back in force, it takes the change away again.
pub(super) fn settle_undos(sets: &mut BTreeMap<u64, ChangeSet>) {
    // An undo is about what the set it undoes is about (undone sets come first, by id).
    let ids: Vec<u64> = sets.keys().copied().collect();
    for id in ids {
        let about = sets[&id]
            .undoes
            .and_then(|undone| sets.get(&undone))
            .map(|undone| undone.about);
        if let (Some(about), Some(set)) = (about, sets.get_mut(&id)) {
            set.about = about;
        }
    }
    let undos: Vec<(u64, Vec<(i64, CustomerOutcome)>)> = sets
        .values()
        .filter_map(|set| {
            let outcomes = set
                .entries
                .iter()
                .filter_map(|(key, entry)| Some((*key, entry.outcome.clone()?)))
                .collect();
            set.undoes.map(|undone| (undone, outcomes))
        })
        .collect();
    for (undone, outcomes) in undos {
        for (key, outcome) in outcomes {
            match outcome.result {
                // Set back now, or found set back already (an undo stopped before its answer).
                Verdict::Done | Verdict::Skipped => set_state(sets, undone, key, State::Undone),
                // The change never reached the store: there is nothing to undo.
                Verdict::Unchanged => set_state(sets, undone, key, State::Skipped),
                Verdict::Conflict => {
                    set_state(sets, undone, key, State::Conflict);
                    if let Some(entry) = sets
                        .get_mut(&undone)
                        .and_then(|set| set.entries.get_mut(&key))
                    {
                        entry.conflict = Some(outcome);
                    }
                }
                Verdict::Failed => {}
            }
        }
    }
}

/// Sets where one customer of a change set stands; when the set is itself an undo, what it
/// undid follows: its change is back when the undo is taken back, and gone again when the
/// undo is back in force.
fn set_state(sets: &mut BTreeMap<u64, ChangeSet>, id: u64, key: i64, state: State) {
    let Some(set) = sets.get_mut(&id) else {
        return;
    };
    let undoes = set.undoes;
    let Some(entry) = set.entries.get_mut(&key) else {
        return;
    };
    let was = entry.state;
    entry.state = state;
    if state == State::Undone {
        entry.conflict = None;
    }
    let Some(target) = undoes else {
        return;
    };
    let target_state = sets
        .get(&target)
        .and_then(|set| set.entries.get(&key))
        .map(|entry| entry.state);
    match (was, state, target_state) {
        // Taken back (also when its own request's fate was unknown: it happened, since it
        // was found and set back).
        (State::Done | State::Unknown, State::Undone, Some(State::Undone)) => {
            set_state(sets, target, key, State::Done)
        }
        (State::Undone, State::Done, Some(State::Done)) => {
            set_state(sets, target, key, State::Undone)
        }
        _ => {}
    }
}

/// A line of a ledger file that could not be read: reported, and skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damaged {
    pub file: PathBuf,
    pub line: usize,
    pub why: String,
}

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} line {} cannot be read and is skipped: {}",
            self.file.display(),
            self.line,
            self.why
        )
    }
}

/// A store's change sets, newest first, and the lines that could not be read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    pub sets: Vec<ChangeSet>,
    pub damaged: Vec<Damaged>,
    /// Change sets recorded before stores were known by identity, under the name this store
    /// has here: listed, never undone without the store being confirmed.
    pub older: Vec<ChangeSet>,
}

impl History {
    pub fn set(&self, id: u64) -> Option<&ChangeSet> {
        self.sets.iter().find(|set| set.id == id)
    }

    /// Where customers deleted and then re-created by an undo live now: their old id to
    /// their new one, for every such undo still in force. A change to the old id is undone
    /// on the new one.
    pub fn moved(&self) -> BTreeMap<i64, i64> {
        self.recreated(
            |entry| match entry.did() {
                Some(Did::Deleted { customer }) => Some(*customer),
                Some(_) => None,
                // Deleted by a request whose answer never came.
                None => match &entry.intent {
                    Some(Intent::Delete { customer }) => Some(*customer),
                    _ => None,
                },
            },
            |did| match did {
                Did::Created { customer } => Some(customer.id),
                _ => None,
            },
        )
    }

    /// The same for customer groups: a customer's group set by an older change is undone in
    /// terms of the group's new id.
    pub fn moved_groups(&self) -> BTreeMap<i64, i64> {
        self.recreated(
            |entry| match entry.did() {
                Some(Did::Group {
                    before: Some(was),
                    after: None,
                    ..
                }) => Some(was.id),
                _ => None,
            },
            |did| match did {
                Did::Group {
                    before: None,
                    after: Some(now),
                    ..
                } => Some(now.id),
                _ => None,
            },
        )
    }

    /// The same for addresses: an older change to an address is undone on its new id.
    pub fn moved_addresses(&self) -> BTreeMap<i64, i64> {
        self.recreated(
            |entry| match entry.did() {
                Some(Did::Address {
                    before: Some(was),
                    after: None,
                    ..
                }) => Some(was.id),
                _ => None,
            },
            |did| match did {
                Did::Address {
                    before: None,
                    after: Some(now),
                    ..
                } => Some(now.id),
                _ => None,
            },
        )
    }

    /// Old id to new id of whatever an undo still in force created again after the change
    /// it undid deleted it: `deleted` reads the old id from the undone set's entry, `created`
    /// the new one from what the undo did.
    fn recreated(
        &self,
        deleted: impl Fn(&Entry) -> Option<i64>,
        created: impl Fn(&Did) -> Option<i64>,
    ) -> BTreeMap<i64, i64> {
        let by_id: BTreeMap<u64, &ChangeSet> = self.sets.iter().map(|set| (set.id, set)).collect();
        let mut moved = BTreeMap::new();
        for set in by_id.values() {
            let Some(undone) = set.undoes.and_then(|id| by_id.get(&id)) else {
                continue;
            };
            for (key, entry) in &set.entries {
                let (State::Done, Some(now)) = (entry.state, entry.did().and_then(&created)) else {
                    continue;
                };
                if let Some(was) = undone.entries.get(key).and_then(&deleted) {
                    moved.insert(was, now);
                }
            }
        }
        moved
    }

    /// The `date_modified` the store gave each customer at the last change this program made
    /// to it: a customer with another date now was changed by someone else since.
    pub fn last_dates(&self) -> BTreeMap<i64, String> {
        let mut dates = BTreeMap::new();
        for set in self.sets.iter().rev() {
            for entry in set.entries.values() {
                match entry.did() {
                    Some(super::lines::Did::Edited {
                        customer,
                        date_modified,
                        ..
                    }) => {
                        dates.insert(*customer, date_modified.clone());
                    }
                    Some(super::lines::Did::Created { customer }) => {
                        dates.insert(customer.id, customer.date_modified.clone());
                    }
                    Some(super::lines::Did::Group { dates: left, .. }) => {
                        dates.extend(left.iter().map(|(id, date)| (*id, date.clone())));
                    }
                    _ => {}
                }
            }
        }
        dates
    }

    /// The newest change set with something left to undo, undos aside: undo after undo walks
    /// back through the changes rather than redoing the one just undone (an undo is undone by
    /// naming it). A set whose undo ended in conflicts is done with.
    pub fn last_to_undo(&self) -> Option<&ChangeSet> {
        self.sets
            .iter()
            .find(|set| !set.running && set.kind != Kind::Undo && !set.to_undo().is_empty())
    }
}

/// What an undo was asked to set back and found changed: field by field.
pub fn describe_conflicts(conflicts: &[FieldConflict]) -> String {
    conflicts
        .iter()
        .map(|c| {
            format!(
                "{} is '{}' now (it left '{}', undo wanted '{}')",
                c.field, c.now, c.left, c.wanted
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}
