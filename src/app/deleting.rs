//! Marking, deleting and undoing: every delete is shown first as a plan, backed up before it
//! runs, runs in the background with a gauge, can be cancelled, and can be undone.

use super::dialog::{Button, DeletePlan, Dialog, DialogKind};
use super::marks::describe;
use super::overlay::Overlay;
use super::{App, Awaited, Listing, thousands};

use crate::jobs::delete::Deleted;
use crate::jobs::{Cancel, Progress, Step};
use crate::worker::{Chosen, Command, Event, Failure, Outcome, Read, RequestId, Slot, Write};

/// A delete, bulk edit or undo running in the background.
#[derive(Debug, Clone)]
pub struct Job {
    pub request: RequestId,
    pub progress: Progress,
    pub cancel: Cancel,
    /// What it is, for messages: "delete", "bulk edit", "undo".
    pub what: &'static str,
}

/// A delete asked for, while its customers are read: what the dialog will say besides them.
#[derive(Debug, Clone, PartialEq)]
pub struct AskedDelete {
    pub filter: Option<String>,
    pub not_visible: u64,
    pub names: Vec<String>,
}

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

    /// Esc on the table: a range begun is dropped; marks, picked by hand across pages, go
    /// only at a second Esc, the first saying how many.
    pub(super) fn unmark_all(&mut self) {
        if self.range_start.take().is_some() && self.marks.is_empty() {
            self.notice = Some("Range dropped.".to_owned());
            return;
        }
        if self.marks.is_empty() {
            self.notice = Some("Nothing is marked.".to_owned());
            return;
        }
        let asked_just_now = self.unmark_asked_at == Some(self.keys_taken - 1);
        if !asked_just_now {
            self.unmark_asked_at = Some(self.keys_taken);
            self.notice = Some(format!(
                "Esc again unmarks {} (on every page); any other key keeps them.",
                crate::format::customers(self.marks.count())
            ));
            return;
        }
        self.unmark_asked_at = None;
        self.marks.clear();
        self.notice = Some("Unmarked every customer.".to_owned());
    }

    fn busy_with_job(&mut self) -> bool {
        if self.job.is_some() {
            self.notice = Some("A job is under way: wait for it, or c to cancel.".to_owned());
        }
        self.job.is_some()
    }

    /// What must be typed to delete `count` customers: the store's id, domain or address
    /// when that is every customer it has (whatever filter or marks got there), or when how
    /// many it has is not known yet; nothing otherwise.
    fn every_customer_guard(&self, count: u64, confirmations: &[String]) -> Vec<String> {
        // Every match of no filter, even with a few unmarked, is as good as the whole store.
        let whole_store_marked = self
            .marks
            .all_matching()
            .is_some_and(Listing::is_whole_store);
        let every = whole_store_marked || self.store_total.is_none_or(|total| count >= total);
        if every {
            confirmations.to_vec()
        } else {
            Vec::new()
        }
    }

    /// `d`: the selected customer.
    pub(super) fn ask_delete_selected(&mut self) -> Vec<Command> {
        if self.busy_with_job() {
            return Vec::new();
        }
        let Some(customer) = self.selected_customer() else {
            return Vec::new();
        };
        let asked = AskedDelete {
            filter: None,
            not_visible: 0,
            names: vec![describe(customer)],
        };
        let chosen = Chosen::Ids(vec![customer.id]);
        self.review_delete(chosen, asked)
    }

    /// `D`: every marked customer.
    pub(super) fn ask_delete_marked(&mut self) -> Vec<Command> {
        if self.busy_with_job() {
            return Vec::new();
        }
        if self.marks.is_empty() {
            self.notice = Some(
                "Nothing marked: Space marks a customer, v a range, A every one the filter matches."
                    .to_owned(),
            );
            return Vec::new();
        }
        let count = self.marks.count();
        let shown = self.marks.visible(&self.customers, &self.listing());
        let filter = match self.marks.all_matching() {
            Some(listing) if listing.is_whole_store() => {
                Some("none, so every customer of the store".to_owned())
            }
            Some(crate::app::search::Listing::Store(filter)) => Some(self.filter_words(filter)),
            Some(listing) => Some(listing.to_string()),
            None => None,
        };
        let asked = AskedDelete {
            filter,
            not_visible: count.saturating_sub(shown),
            names: self.marks.names(5),
        };
        self.review_delete(self.marks.selection(), asked)
    }

    /// Reads which customers a delete is about before asking: the dialog names exactly
    /// those, and the delete acts on exactly those.
    fn review_delete(&mut self, chosen: Chosen, asked: AskedDelete) -> Vec<Command> {
        self.delete_asked = Some(asked);
        self.notice = Some("Reading which customers to delete…".to_owned());
        vec![self.read(Slot::DeleteReview, Read::DeleteReview { chosen })]
    }

    /// The review arrived: the dialog says what will happen.
    pub(super) fn delete_review_arrived(&mut self, result: Result<Outcome, Failure>) {
        let Some(asked) = self.delete_asked.take() else {
            return;
        };
        match result {
            Ok(Outcome::DeleteReview {
                reviewed,
                confirmations,
            }) => {
                self.notice = None;
                if reviewed.ids.is_empty() {
                    self.notice = Some(
                        "None of them is on the store any more: nothing to delete.".to_owned(),
                    );
                    return;
                }
                let type_to_confirm = self.every_customer_guard(reviewed.count(), &confirmations);
                let names = if asked.names.is_empty() {
                    reviewed.examples.clone()
                } else {
                    asked.names
                };
                let plan = DeletePlan {
                    reviewed,
                    filter: asked.filter,
                    not_visible: asked.not_visible,
                    names,
                    backups: self.backup_folder.clone(),
                    type_to_confirm,
                };
                self.open(Overlay::Dialog(Dialog::new(DialogKind::Delete(Box::new(
                    plan,
                )))));
            }
            Ok(_) => {}
            Err(failure) => {
                self.notice = None;
                self.last_error = Some(format!(
                    "Cannot read which customers to delete: {failure}. Nothing was deleted."
                ));
            }
        }
    }

    /// `u`: asks to undo the store's last change set with something left to undo, read from
    /// the ledger first.
    pub(super) fn ask_undo(&mut self) -> Vec<Command> {
        if self.busy_with_job() {
            return Vec::new();
        }
        self.undo_asked = true;
        vec![self.read(Slot::History, Read::History)]
    }

    pub(super) fn cancel_job(&mut self) {
        self.notice = Some(match &self.job {
            Some(job) => {
                job.cancel.cancel();
                "Cancelling: requests under way finish, and the report counts them.".to_owned()
            }
            None => "No job is under way.".to_owned(),
        });
    }

    pub(super) fn start_delete(&mut self, plan: DeletePlan) -> Vec<Command> {
        // The customer in the details is about to go: show the table, where the gauge is.
        self.screen = super::Screen::Table;
        let count = plan.count();
        self.start_job("delete", Step::BackingUp, count, |cancel| {
            Write::DeleteCustomers {
                reviewed: plan.reviewed,
                cancel,
            }
        })
    }

    /// Hands a long job to the worker, with the flag that cancels it.
    pub(super) fn start_job(
        &mut self,
        what: &'static str,
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
            what,
        });
        self.notice = None;
        self.expect(request, Awaited::Job);
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
        let job = job.clone();
        let mut extra = Vec::new();
        match event.result {
            Ok(Outcome::Progress(progress)) => {
                if let Some(job) = self.job.as_mut() {
                    job.progress = progress;
                }
                return Vec::new();
            }
            Ok(Outcome::DeletedCustomers(deleted)) => self.deleted(deleted),
            Ok(Outcome::UpdatedCustomers(updated)) => self.updated(updated),
            Ok(Outcome::Undone(undone)) => extra = self.undone(undone),
            Ok(_) => return Vec::new(),
            Err(error) => {
                self.last_error = Some(format!("The {} stopped: {error}", job.what));
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
        // The service took them out of the index: the status bar's count follows at once.
        if self.index.on {
            self.index.customers = self.index.customers.saturating_sub(report.done);
        }
        if self.marks.all_matching().is_some() {
            self.marks.clear();
        } else {
            self.marks.forget(&report.ids);
        }
        let undo = if report.done > 0 { " u undoes." } else { "" };
        self.notice = Some(format!(
            "{}.{undo} Backup: {}",
            deleted.summary(),
            deleted.backup.display()
        ));
        self.last_error = report
            .failed
            .first()
            .map(|failed| format!("{} not deleted; {failed}", report.failed.len()));
        if deleted.still_on_store.is_some_and(|left| left > 0) {
            self.last_error = Some(
                "Some deleted customers still show on the store: refresh and check.".to_owned(),
            );
        }
        if let Some(stopped) = &deleted.stopped {
            self.last_error = Some(format!("The delete stopped: {stopped}"));
        }
    }

    pub(super) fn choose_in_delete_dialog(
        &mut self,
        kind: DialogKind,
        button: Button,
    ) -> Vec<Command> {
        match (kind, button) {
            (DialogKind::Delete(plan), Button::Delete) => self.start_delete(*plan),
            (DialogKind::Delete(_), _) => {
                self.notice = Some("Nothing deleted.".to_owned());
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}
