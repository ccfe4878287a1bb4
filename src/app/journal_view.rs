//! The journal view: the store's change sets, newest first — when, what, how many customers,
//! undone or not — and undoing the one picked, as a job like any other.

use super::dialog::{Button, Dialog, DialogKind};
use super::{App, Screen};
use crate::jobs::Step;
use crate::jobs::journal::{ChangeSet, Kind};
use crate::jobs::undo::Undone;
use crate::worker::{Command, Failure, Outcome, Read, Slot, Write};

#[derive(Debug, Clone, Default)]
pub struct JournalView {
    /// The change sets, newest first, once read.
    pub sets: Option<Vec<ChangeSet>>,
    pub selected: usize,
}

impl App {
    /// `H`: the change journal of this store.
    pub(super) fn open_journal(&mut self) -> Vec<Command> {
        self.screen = Screen::Journal;
        self.journal_view.selected = 0;
        vec![self.read(Slot::History, Read::History)]
    }

    pub(super) fn history_arrived(&mut self, result: Result<Outcome, Failure>) {
        let undo_asked = std::mem::take(&mut self.undo_asked);
        match result {
            Ok(Outcome::History(sets)) if undo_asked => {
                // `u`: the newest change set not undone yet (an undo is undone from the view).
                match sets
                    .iter()
                    .find(|set| !set.undone && set.kind != Kind::Undo)
                {
                    Some(set) => {
                        self.dialog = Some(Dialog::new(DialogKind::UndoChangeSet(Box::new(
                            set.clone(),
                        ))))
                    }
                    None => self.ask_undo_last_delete(),
                }
            }
            Ok(Outcome::History(sets)) => {
                self.journal_view.selected =
                    self.journal_view.selected.min(sets.len().saturating_sub(1));
                self.journal_view.sets = Some(sets);
            }
            Err(failure) => self.last_error = Some(format!("Cannot read the journal: {failure}")),
            Ok(_) => {}
        }
    }

    pub(super) fn move_in_journal(&mut self, step: isize) {
        let count = self.journal_view.sets.as_ref().map_or(0, Vec::len);
        if count > 0 {
            let at = self.journal_view.selected as isize + step;
            self.journal_view.selected = at.clamp(0, count as isize - 1) as usize;
        }
    }

    /// Enter or u in the journal view: asks to undo the change set picked.
    pub(super) fn ask_undo_change_set(&mut self) {
        if self.job.is_some() {
            self.notice = Some("A job is under way: wait for it, or c to cancel.".to_owned());
            return;
        }
        let picked = self
            .journal_view
            .sets
            .as_ref()
            .and_then(|sets| sets.get(self.journal_view.selected))
            .cloned();
        match picked {
            Some(set) if set.undone => {
                self.notice = Some(format!("Change set {} was undone already.", set.id));
            }
            Some(set) => self.dialog = Some(Dialog::new(DialogKind::UndoChangeSet(Box::new(set)))),
            None => self.notice = Some("No change recorded for this store yet.".to_owned()),
        }
    }

    pub(super) fn choose_in_undo_dialog(
        &mut self,
        kind: DialogKind,
        button: Button,
    ) -> Vec<Command> {
        match (kind, button) {
            (DialogKind::UndoChangeSet(set), Button::Undo) => {
                let step = if set.kind == Kind::Delete {
                    Step::Restoring
                } else {
                    Step::Updating
                };
                self.start_job(step, set.customers, |cancel| Write::UndoChangeSet {
                    set,
                    cancel,
                })
            }
            _ => {
                self.notice = Some("Nothing undone.".to_owned());
                Vec::new()
            }
        }
    }

    pub(super) fn undone(&mut self, undone: Undone) -> Vec<Command> {
        self.notice = Some(format!("{}.", undone.summary()));
        self.last_error = undone
            .conflicts()
            .first()
            .map(|c| format!("{} kept their newer values; {c}", undone.conflicts().len()))
            .or_else(|| {
                undone
                    .report()
                    .failed
                    .first()
                    .map(|f| format!("not undone: {f}"))
            });
        if self.screen == Screen::Journal {
            vec![self.read(Slot::History, Read::History)]
        } else {
            Vec::new()
        }
    }
}
