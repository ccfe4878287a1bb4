//! Changing the marked customers at once: a form with the fields that make sense for many
//! customers, a review read from the store before anything is sent (focus on Cancel), then
//! the update job in the background with the gauge, the cancel key and an exact report.

use ratatui::crossterm::event::{Event as TerminalEvent, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::App;
use super::dialog::{Button, Dialog, DialogKind};
use super::keymap::Context;
use super::overlay::Overlay;
use super::store_data::resolve_group;
use crate::jobs::Step;
use crate::jobs::update::{BulkChange, Updated, credit_amount};
use crate::worker::Chosen;
use crate::worker::{Command, Failure, Outcome, Read, RequestId, Slot, Write};

/// The text fields, in order; then the two boxes and the button.
pub const BULK_LABELS: [&str; 4] = [
    "Customer group",
    "Store credit",
    "Tax-exempt category",
    "Notes",
];
const GROUP: usize = 0;
const CREDIT: usize = 1;
const TAX: usize = 2;
const NOTES: usize = 3;
/// "Append the notes as a line" instead of replacing them.
pub const APPEND_BOX: usize = 4;
pub const RESET_BOX: usize = 5;
pub const REVIEW: usize = 6;

#[derive(Debug, Clone)]
pub struct BulkForm {
    pub selection: Chosen,
    /// How many customers are marked.
    pub count: u64,
    pub inputs: Vec<Input>,
    pub errors: Vec<Option<String>>,
    pub append_notes: bool,
    pub force_reset: bool,
    pub focus: usize,
    pub message: Option<String>,
    pub groups: Vec<(i64, String)>,
    /// The review being read.
    pub reviewing: Option<RequestId>,
}

impl BulkForm {
    pub fn new(selection: Chosen, count: u64, groups: Vec<(i64, String)>) -> BulkForm {
        BulkForm {
            selection,
            count,
            inputs: vec![Input::default(); BULK_LABELS.len()],
            errors: vec![None; BULK_LABELS.len()],
            append_notes: true,
            force_reset: false,
            focus: 0,
            message: None,
            groups,
            reviewing: None,
        }
    }

    pub fn next(&mut self) {
        self.focus = (self.focus + 1) % (REVIEW + 1);
    }

    pub fn previous(&mut self) {
        self.focus = (self.focus + REVIEW) % (REVIEW + 1);
    }

    pub fn type_key(&mut self, key: KeyEvent) {
        if self.focus < BULK_LABELS.len() && self.reviewing.is_none() {
            self.inputs[self.focus].handle_event(&TerminalEvent::Key(key));
            self.errors[self.focus] = self.problem(self.focus);
            self.message = None;
        }
    }

    pub fn clear_field(&mut self) {
        if self.focus < BULK_LABELS.len() {
            self.inputs[self.focus] = Input::default();
            self.errors[self.focus] = None;
        }
    }

    /// Space on a box ticks it; in a text field it is a space.
    pub fn toggle(&mut self, space: KeyEvent) {
        match self.focus {
            APPEND_BOX => self.append_notes = !self.append_notes,
            RESET_BOX => self.force_reset = !self.force_reset,
            _ => self.type_key(space),
        }
    }

    fn text(&self, field: usize) -> &str {
        self.inputs[field].value().trim()
    }

    fn problem(&self, field: usize) -> Option<String> {
        let mut alone = BulkChange::default();
        self.apply(field, &mut alone).err()
    }

    /// Adds what one field says to the change; empty fields keep what customers have.
    fn apply(&self, field: usize, change: &mut BulkChange) -> Result<(), String> {
        let text = self.text(field);
        if text.is_empty() {
            return Ok(());
        }
        match field {
            GROUP => {
                let id = resolve_group(text, &self.groups)?;
                if id != 0
                    && !self.groups.is_empty()
                    && !self.groups.iter().any(|(known, _)| *known == id)
                {
                    return Err(format!("the store has no group #{id}"));
                }
                change.set_field(&format!("customer_group_id={id}"))
            }
            CREDIT => match text.split_at(1) {
                ("+", amount) => credit_amount(amount).map(|a| change.add_store_credit = Some(a)),
                ("-", amount) => {
                    credit_amount(amount).map(|a| change.subtract_store_credit = Some(a))
                }
                ("=", amount) => change.set_field(&format!("store_credit={}", amount.trim())),
                _ => change.set_field(&format!("store_credit={text}")),
            }
            .map_err(|problem| format!("{problem} (=12.50 sets, +5 adds, -5 subtracts)")),
            TAX => change.set_field(&format!("tax_exempt_category={text}")),
            _ if self.append_notes => {
                change.append_notes = Some(text.to_owned());
                Ok(())
            }
            _ => change.set_field(&format!("notes={text}")),
        }
    }

    /// The change the form describes, or the first problem (focus moves to it).
    pub fn change(&mut self) -> Option<BulkChange> {
        let mut change = BulkChange {
            force_reset: self.force_reset,
            ..BulkChange::default()
        };
        for field in [GROUP, CREDIT, TAX, NOTES] {
            if let Err(problem) = self.apply(field, &mut change) {
                self.errors[field] = Some(problem);
                self.focus = field;
                self.message = Some("Fix the field marked ✗ to review.".to_owned());
                return None;
            }
        }
        if change.is_empty() {
            self.message = Some("Nothing to change: fill in a field or tick a box.".to_owned());
            return None;
        }
        Some(change)
    }
}

impl App {
    /// `B`: the marked customers into the bulk edit form.
    pub(super) fn open_bulk_form(&mut self) {
        if self.job.is_some() {
            self.notice = Some("A job is under way: wait for it, or c to cancel.".to_owned());
            return;
        }
        if self.marks.is_empty() {
            self.notice = Some(
                "Nothing marked: Space, v or A mark customers; B then changes them all.".to_owned(),
            );
            return;
        }
        self.open(Overlay::BulkForm(BulkForm::new(
            self.marks.selection(),
            self.marks.count(),
            self.group_names(),
        )));
    }

    /// Ctrl-s, or Enter on Review: reads the customers to say what will change.
    pub(super) fn review_bulk_edit(&mut self) -> Vec<Command> {
        let Some(form) = self.bulk_form_mut() else {
            return Vec::new();
        };
        if form.reviewing.is_some() {
            return Vec::new();
        }
        let Some(change) = form.change() else {
            return Vec::new();
        };
        form.message = Some("Reading the customers for the review…".to_owned());
        let selection = form.selection.clone();
        let command = self.read(
            Slot::BulkReview,
            Read::BulkReview {
                chosen: selection,
                change,
            },
        );
        if let (Some(form), Command::Read { request, .. }) = (self.bulk_form_mut(), &command) {
            form.reviewing = Some(*request);
        }
        vec![command]
    }

    pub(super) fn bulk_review_arrived(&mut self, result: Result<Outcome, Failure>) {
        let Some(form) = self.bulk_form_mut() else {
            return;
        };
        form.reviewing = None;
        match result {
            Ok(Outcome::BulkReview(review)) if review.refusal().is_some() => {
                form.message = review
                    .refusal()
                    .map(|why| format!("Cannot change them: {why}."));
            }
            Ok(Outcome::BulkReview(review)) => {
                form.message = None;
                let Some(change) = form.change() else {
                    return;
                };
                self.open(Overlay::Dialog(Dialog::new(DialogKind::BulkReview {
                    review: Box::new(review),
                    change: Box::new(change),
                })));
            }
            Err(failure) => {
                form.message = Some(format!("Cannot review: {failure}. Nothing was sent."));
            }
            Ok(_) => {}
        }
    }

    pub(super) fn choose_in_bulk_dialog(
        &mut self,
        kind: DialogKind,
        button: Button,
    ) -> Vec<Command> {
        match (kind, button) {
            (DialogKind::BulkReview { review, change }, Button::Update) => {
                self.dismiss(Context::BulkForm);
                // Exactly the customers reviewed: any that match since are left alone.
                self.start_job("bulk edit", Step::BackingUp, review.customers, |cancel| {
                    Write::UpdateCustomers {
                        ids: review.ids,
                        change: *change,
                        cancel,
                    }
                })
            }
            _ => {
                if let Some(form) = self.bulk_form_mut() {
                    form.message = Some("Nothing sent; the form is as you left it.".to_owned());
                }
                Vec::new()
            }
        }
    }

    pub(super) fn updated(&mut self, updated: Updated) {
        if self.marks.all_matching().is_some() {
            self.marks.clear();
        }
        self.notice = Some(format!("{}.", updated.summary()));
        self.last_error = updated
            .report
            .failed
            .first()
            .map(|failed| format!("{} not updated; {failed}", updated.report.failed.len()));
    }
}
