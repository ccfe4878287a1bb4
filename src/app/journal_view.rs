//! The journal view: the store's change sets, newest first — when, what, how many customers
//! and where they stand (undone, to undo, conflicts) — undoing the one picked as a job like
//! any other, and a set's conflicts listed, to try again or set aside.

use super::dialog::{Button, Dialog, DialogKind};
use super::overlay::Overlay;
use super::{App, Awaited, Screen};
use crate::jobs::Step;
use crate::jobs::undo::{UndoScope, Undone};
use crate::ledger::{ChangeSet, History};
use crate::worker::{Command, Failure, Outcome, Read, Slot, Write};

#[derive(Debug, Clone, Default)]
pub struct JournalView {
    /// The store's change sets, once read.
    pub history: Option<History>,
    pub selected: usize,
}

impl JournalView {
    /// Every row of the view: this store's change sets, then those recorded before stores
    /// were known by identity.
    pub fn rows(&self) -> Vec<&ChangeSet> {
        self.history
            .iter()
            .flat_map(|history| history.sets.iter().chain(&history.older))
            .collect()
    }

    fn picked(&self) -> Option<&ChangeSet> {
        self.rows().get(self.selected).copied()
    }

    fn is_older(&self, set: &ChangeSet) -> bool {
        self.history
            .as_ref()
            .is_some_and(|history| history.older.iter().any(|older| older.id == set.id))
    }
}

impl App {
    /// `H`: the change journal of this store.
    pub(super) fn open_journal(&mut self) -> Vec<Command> {
        if self.screen != Screen::Journal {
            self.journal_view.selected = 0;
        }
        self.screen = Screen::Journal;
        vec![self.read(Slot::History, Read::History)]
    }

    pub(super) fn history_arrived(&mut self, result: Result<Outcome, Failure>) {
        let undo_asked = std::mem::take(&mut self.undo_asked);
        match result {
            Ok(Outcome::History(history)) => {
                if let Some(damaged) = history.damaged.first() {
                    self.last_error = Some(format!(
                        "{} line(s) of the ledger cannot be read and are skipped: {damaged}",
                        history.damaged.len()
                    ));
                }
                if undo_asked {
                    // `u`: the newest change set with something left to undo; one whose undo
                    // ended in conflicts is done with.
                    match history.last_to_undo() {
                        Some(set) => self.ask_undo_set(set.clone(), UndoScope::Remaining),
                        None => self.notice = Some("Nothing to undo for this store.".to_owned()),
                    }
                }
                // The selection stays on its change set when newer ones arrive.
                let picked = self.journal_view.picked().map(|set| set.id);
                let rows = history.sets.len() + history.older.len();
                let again = picked.and_then(|id| {
                    history
                        .sets
                        .iter()
                        .chain(&history.older)
                        .position(|set| set.id == id)
                });
                self.journal_view.selected = again
                    .unwrap_or(self.journal_view.selected)
                    .min(rows.saturating_sub(1));
                self.journal_view.history = Some(history);
            }
            Err(failure) => self.last_error = Some(format!("Cannot read the journal: {failure}")),
            Ok(_) => {}
        }
    }

    pub(super) fn move_in_journal(&mut self, step: isize) {
        let count = self.journal_view.rows().len();
        if count > 0 {
            let at = self.journal_view.selected as isize + step;
            self.journal_view.selected = at.clamp(0, count as isize - 1) as usize;
        }
    }

    fn ask_undo_set(&mut self, set: ChangeSet, scope: UndoScope) {
        self.open(Overlay::Dialog(Dialog::new(DialogKind::UndoChangeSet {
            set: Box::new(set),
            scope,
        })));
    }

    /// Enter in the journal view: what the change set picked did.
    pub(super) fn open_change_set(&mut self) {
        match self.journal_view.picked().cloned() {
            Some(set) => self.open(Overlay::Dialog(Dialog::new(DialogKind::ChangeSet(
                Box::new(set),
            )))),
            None => self.notice = Some("No change recorded for this store yet.".to_owned()),
        }
    }

    /// u in the journal view: asks to undo the change set picked (its conflicts, when that
    /// is all it has left).
    pub(super) fn ask_undo_change_set(&mut self) {
        let Some(set) = self.journal_view.picked().cloned() else {
            self.notice = Some("No change recorded for this store yet.".to_owned());
            return;
        };
        self.ask_undo_of(set);
    }

    fn ask_undo_of(&mut self, set: ChangeSet) {
        if self.job.is_some() {
            self.notice = Some("A job is under way: wait for it, or c to cancel.".to_owned());
            return;
        }
        if self.journal_view.is_older(&set) {
            self.notice = Some(format!(
                "Change set {} was recorded before stores were known by identity: undo it from the command line, where the store is confirmed (bc-customers undo {} --confirm-store …).",
                set.id, set.id
            ));
            return;
        }
        if set.running {
            self.notice = Some(format!("Change set {} is under way.", set.id));
        } else if !set.to_undo().is_empty() {
            self.ask_undo_set(set, UndoScope::Remaining);
        } else if !set.conflicts().is_empty() {
            self.open(Overlay::Dialog(Dialog::new(DialogKind::Conflicts(
                Box::new(set),
            ))));
        } else {
            self.notice = Some(format!(
                "Change set {} has nothing left to undo ({}).",
                set.id,
                set.state_words()
            ));
        }
    }

    /// `x` in the journal view: the conflicts of the change set picked.
    pub(super) fn show_conflicts(&mut self) {
        let Some(set) = self.journal_view.picked().cloned() else {
            return;
        };
        if set.conflicts().is_empty() {
            self.notice = Some(format!("Change set {} has no conflicts.", set.id));
        } else {
            self.open(Overlay::Dialog(Dialog::new(DialogKind::Conflicts(
                Box::new(set),
            ))));
        }
    }

    pub(super) fn choose_in_undo_dialog(
        &mut self,
        kind: DialogKind,
        button: Button,
    ) -> Vec<Command> {
        match (kind, button) {
            (DialogKind::UndoChangeSet { set, scope }, Button::Undo) => {
                self.undo_change_set(&set, scope)
            }
            (DialogKind::Conflicts(set), Button::Retry) => {
                self.undo_change_set(&set, UndoScope::Conflicts)
            }
            (DialogKind::Conflicts(set), Button::SetAside) => {
                let request = self.new_request();
                self.expect(request, Awaited::SetAside);
                vec![Command::Write {
                    request,
                    write: Write::SetAside { set: set.id },
                }]
            }
            (DialogKind::Conflicts(_) | DialogKind::ChangeSet(_), Button::Cancel) => Vec::new(),
            (DialogKind::ChangeSet(set), _) => {
                self.ask_undo_of(*set);
                Vec::new()
            }
            (DialogKind::Conflicts(_), _) => Vec::new(),
            _ => {
                self.notice = Some("Nothing undone.".to_owned());
                Vec::new()
            }
        }
    }

    fn undo_change_set(&mut self, set: &ChangeSet, scope: UndoScope) -> Vec<Command> {
        let customers = match scope {
            UndoScope::Remaining => set.to_undo().len(),
            UndoScope::Conflicts => set.conflicts().len(),
        };
        let id = set.id;
        self.start_job("undo", Step::Undoing, customers as u64, |cancel| {
            Write::UndoChangeSet {
                set: id,
                scope,
                cancel,
            }
        })
    }

    pub(super) fn undone(&mut self, undone: Undone) -> Vec<Command> {
        self.notice = Some(format!(
            "Change set {}: {}.",
            undone.undid,
            undone.summary()
        ));
        self.last_error = match (undone.conflicts.first(), undone.report.failed.first()) {
            (Some(conflict), _) => Some(format!(
                "{} kept their newer values ({conflict}); H, then x on change set {}, lists them to try again or set aside.",
                crate::format::customers(undone.conflicts.len() as u64),
                undone.undid
            )),
            (None, Some(failed)) => Some(format!("not undone: {failed}")),
            (None, None) => undone.stopped.clone(),
        };
        if self.screen == Screen::Journal {
            vec![self.read(Slot::History, Read::History)]
        } else {
            Vec::new()
        }
    }

    /// Conflicts set aside.
    pub(super) fn set_aside_done(&mut self, result: Result<Outcome, Failure>) -> Vec<Command> {
        match result {
            Ok(Outcome::SetAside(count)) => {
                self.notice = Some(format!(
                    "{} set aside: their newer values stay.",
                    crate::format::customers(count)
                ));
                if self.screen == Screen::Journal {
                    return vec![self.read(Slot::History, Read::History)];
                }
            }
            Ok(_) => {}
            Err(failure) => self.last_error = Some(format!("Cannot set them aside: {failure}")),
        }
        Vec::new()
    }
}
