//! Marking, deleting and undoing: every delete is shown first as a plan, backed up before it
//! runs, runs in the background with a gauge, can be cancelled, and can be undone.

use std::path::PathBuf;

use super::dialog::{Button, DeletePlan, Dialog, DialogKind};
use super::marks::describe;
use super::{App, Listing, thousands};

use crate::jobs::backup::{Selection, backup_file_name};
use crate::jobs::delete::Deleted;
use crate::jobs::{Cancel, Progress, Report, Step};
use crate::worker::{Command, Event, Outcome, Read, RequestId, Slot, Write};

/// A delete or restore running in the background.
#[derive(Debug, Clone)]
pub struct Job {
    pub request: RequestId,
    pub progress: Progress,
    pub cancel: Cancel,
}

impl Job {
    /// A restore runs in one step; a delete backs up, deletes and checks.
    pub fn restoring(&self) -> bool {
        self.progress.step == Step::Restoring
    }
}

pub use crate::jobs::undo_record::LastDelete;

impl App {
    pub(super) fn toggle_mark(&mut self) {
        let Some(customer) = self.customers.get(self.selected) else {
            return;
        };
        let listing = self.listing();
        if let Some(other) = self.marks.all_matching()
            && *other != listing
        {
            self.notice = Some(format!(
                "Unmarked the customers matching {other}: marks are one by one now."
            ));
        }
        self.marks.toggle(customer, &listing);
        self.selected = (self.selected + 1).min(self.customers.len().saturating_sub(1));
    }

    /// `v` starts a range at the selection; `v` again marks every row from there to here.
    pub(super) fn mark_range(&mut self) {
        let Some(id) = self.selected_customer().map(|c| c.id) else {
            return;
        };
        let start = self
            .range_start
            .take()
            .and_then(|start| self.customers.iter().position(|c| c.id == start));
        match start {
            Some(start) => {
                let (low, high) = (start.min(self.selected), start.max(self.selected));
                self.marks
                    .mark(&self.customers[low..=high], &self.listing());
                self.notice = Some(format!(
                    "Marked {} rows; {} marked in all.",
                    high - low + 1,
                    thousands(self.marks.count())
                ));
            }
            None => {
                self.range_start = Some(id);
                self.notice =
                    Some("Range started: move to its other end and press v again.".to_owned());
            }
        }
    }

    /// `A`: every customer the filter matches, as the store counts them; again to unmark.
    pub(super) fn mark_all_matching(&mut self) {
        let listing = self.listing();
        if self.marks.all_matching() == Some(&listing) {
            self.marks.clear();
            self.notice = Some("Unmarked every customer.".to_owned());
            return;
        }
        match self.total.filter(|_| !self.total_more) {
            Some(total) => {
                self.marks.mark_all(&listing, total);
                self.notice = Some(format!(
                    "Marked all {} customers matching {listing} (every page). D deletes them.",
                    thousands(total),
                ));
            }
            None => self.notice = Some("Still counting the customers; try again.".to_owned()),
        }
    }

    /// Esc on the table: every mark goes.
    pub(super) fn unmark_all(&mut self) {
        if self.marks.is_empty() && self.range_start.is_none() {
            self.notice = Some("Nothing is marked.".to_owned());
            return;
        }
        self.marks.clear();
        self.range_start = None;
        self.notice = Some("Unmarked every customer.".to_owned());
    }

    fn busy_with_job(&mut self) -> bool {
        if self.job.is_some() {
            self.notice =
                Some("A delete or restore is under way: wait for it, or c to cancel.".to_owned());
        }
        self.job.is_some()
    }

    pub(super) fn backup_path(&self) -> PathBuf {
        self.backup_folder
            .join(backup_file_name(&self.store.name, self.now))
    }

    /// What must be typed to delete `count` customers: the store's name or hash when that is
    /// every customer it has (whatever filter or marks got there), or when how many it has is
    /// not known yet; nothing otherwise.
    fn every_customer_guard(&self, count: u64) -> Vec<String> {
        // Every match of no filter, even with a few unmarked, is as good as the whole store.
        let whole_store_marked = self
            .marks
            .all_matching()
            .is_some_and(Listing::is_whole_store);
        let every = whole_store_marked || self.store_total.is_none_or(|total| count >= total);
        if !every {
            return Vec::new();
        }
        std::iter::once(self.store.name.clone())
            .chain(self.store.hash.clone())
            .collect()
    }

    /// `d`: the selected customer.
    pub(super) fn ask_delete_selected(&mut self) {
        if self.busy_with_job() {
            return;
        }
        let Some(customer) = self.selected_customer() else {
            return;
        };
        let plan = DeletePlan {
            selection: Selection::Ids(vec![customer.id]),
            count: 1,
            filter: None,
            not_visible: 0,
            names: vec![describe(customer)],
            backup: self.backup_path(),
            type_to_confirm: self.every_customer_guard(1),
        };
        self.dialog = Some(Dialog::new(DialogKind::Delete(Box::new(plan))));
    }

    /// `D`: every marked customer.
    pub(super) fn ask_delete_marked(&mut self) {
        if self.busy_with_job() {
            return;
        }
        if self.marks.is_empty() {
            self.notice = Some(
                "Nothing marked: Space marks a customer, v a range, A every one the filter matches."
                    .to_owned(),
            );
            return;
        }
        let selection = self.marks.selection();
        let count = self.marks.count();
        let shown = self.marks.visible(&self.customers, &self.listing());
        let names = self.marks.names(5);
        let filter = match self.marks.all_matching() {
            Some(listing) if listing.is_whole_store() => {
                Some("none, so every customer of the store".to_owned())
            }
            Some(listing) => Some(listing.to_string()),
            None => None,
        };
        let type_to_confirm = self.every_customer_guard(count);
        let plan = DeletePlan {
            selection,
            count,
            filter,
            not_visible: count.saturating_sub(shown),
            names,
            backup: self.backup_path(),
            type_to_confirm,
        };
        self.dialog = Some(Dialog::new(DialogKind::Delete(Box::new(plan))));
    }

    /// `u`: asks to restore the last delete.
    /// `u`: asks to undo the store's last change set (read from the journal first), or,
    /// with no journal, its last delete.
    pub(super) fn ask_undo(&mut self) -> Vec<Command> {
        if self.busy_with_job() {
            return Vec::new();
        }
        if self.journal {
            self.undo_asked = true;
            return vec![self.read(Slot::History, Read::History)];
        }
        self.ask_undo_last_delete();
        Vec::new()
    }

    pub(super) fn ask_undo_last_delete(&mut self) {
        match &self.last_delete {
            Some(last) => {
                self.dialog = Some(Dialog::new(DialogKind::Restore {
                    backup: last.backup.clone(),
                    ids: last.ids.clone(),
                }))
            }
            None => self.notice = Some("No delete to undo in this session.".to_owned()),
        }
    }

    pub(super) fn cancel_job(&mut self) {
        self.notice = Some(match &self.job {
            Some(job) => {
                job.cancel.cancel();
                "Cancelling: requests under way finish, and the report counts them.".to_owned()
            }
            None => "No delete or restore is under way.".to_owned(),
        });
    }

    pub(super) fn start_delete(&mut self, plan: DeletePlan) -> Vec<Command> {
        // The customer in the details is about to go: show the table, where the gauge is.
        self.screen = super::Screen::Table;
        self.start_job(Step::BackingUp, plan.count, |cancel| {
            Write::DeleteCustomers {
                selection: plan.selection,
                backup: plan.backup,
                cancel,
            }
        })
    }

    pub(super) fn start_restore(&mut self, backup: PathBuf, ids: Vec<i64>) -> Vec<Command> {
        self.start_job(Step::Restoring, ids.len() as u64, |cancel| Write::Restore {
            backup,
            only_ids: Some(ids),
            cancel,
        })
    }

    /// Hands a delete or restore to the worker, with the flag that cancels it.
    pub(super) fn start_job(
        &mut self,
        step: Step,
        total: u64,
        write: impl FnOnce(Cancel) -> Write,
    ) -> Vec<Command> {
        let request = self.new_request();
        let cancel = Cancel::default();
        self.job = Some(Job {
            request,
            progress: Progress {
                step,
                done: 0,
                total,
            },
            cancel: cancel.clone(),
        });
        self.notice = None;
        vec![Command::Write {
            request,
            write: write(cancel),
        }]
    }

    /// Progress and the end of the job under way.
    pub(super) fn job_event(&mut self, event: Event) -> Vec<Command> {
        let Some(job) = self.job.as_mut() else {
            return Vec::new();
        };
        let restoring = job.restoring();
        let mut extra = Vec::new();
        match event.result {
            Ok(Outcome::Progress(progress)) => {
                job.progress = progress;
                return Vec::new();
            }
            Ok(Outcome::DeletedCustomers(deleted)) => self.deleted(deleted),
            Ok(Outcome::Restored(report)) => self.restored(report),
            Ok(Outcome::UpdatedCustomers(updated)) => self.updated(updated),
            Ok(Outcome::Undone(undone)) => extra = self.undone(undone),
            Ok(_) => return Vec::new(),
            Err(error) => {
                let verb = if restoring { "Restore" } else { "Delete" };
                self.last_error = Some(format!("{verb} stopped: {error}"));
            }
        }
        self.job = None;
        if self.quit_when_job_ends {
            self.should_quit = true;
        }
        self.keep_selected_id = self.selected_customer().map(|c| c.id);
        let mut commands = self.reload();
        commands.extend(extra);
        commands
    }

    fn deleted(&mut self, deleted: Deleted) {
        let report = &deleted.report;
        if self.marks.all_matching().is_some() {
            self.marks.clear();
        } else {
            self.marks.forget(&report.ids);
        }
        let undo = if report.done > 0 { " u undoes." } else { "" };
        let notice = format!(
            "{} of {} backed up; {}.{undo} Backup: {}",
            report.summary("deleted"),
            thousands(deleted.backed_up),
            deleted.check(),
            deleted.backup.display()
        );
        self.last_error = report
            .failed
            .first()
            .map(|failed| format!("{} not deleted; {failed}", report.failed.len()));
        if deleted.still_on_store.is_some_and(|left| left > 0) {
            self.last_error = Some(
                "Some deleted customers still show on the store: refresh and check.".to_owned(),
            );
        }
        if report.done > 0 {
            self.last_delete = Some(LastDelete {
                ids: report.ids.clone(),
                backup: deleted.backup,
            });
        }
        self.notice = Some(notice);
    }

    fn restored(&mut self, report: Report) {
        let rest = match (&self.last_delete, report.not_attempted) {
            (Some(last), left) if left > 0 => format!(
                " The rest can be restored with: bc-customers restore {}",
                last.backup.display()
            ),
            _ => String::new(),
        };
        self.notice = Some(format!(
            "{}. Restored customers have new ids and must set a new password at next login.{rest}",
            report.summary("restored")
        ));
        self.last_error = report
            .failed
            .first()
            .map(|failed| format!("{} not restored; {failed}", report.failed.len()));
        self.last_delete = None;
    }

    pub(super) fn choose_in_delete_dialog(
        &mut self,
        kind: DialogKind,
        button: Button,
    ) -> Vec<Command> {
        match (kind, button) {
            (DialogKind::Delete(plan), Button::Delete) => self.start_delete(*plan),
            (DialogKind::Restore { backup, ids }, Button::Restore) => {
                self.start_restore(backup, ids)
            }
            (DialogKind::Delete(_), _) => {
                self.notice = Some("Nothing deleted.".to_owned());
                Vec::new()
            }
            (DialogKind::Restore { .. }, _) => {
                self.notice = Some("Nothing restored.".to_owned());
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}
