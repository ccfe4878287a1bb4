//! Creating and editing customers: the form's flow from opening to the store's answer.
//! An edit is checked against the store before it is sent, and sends only what changed.

use super::customer_form::{CustomerForm, FORCE_RESET, FormMode, SAVE, Stage};
use super::dialog::{Button, Dialog, DialogKind};
use super::keymap::Context;
use super::overlay::Overlay;
use super::{App, Awaited};
use crate::domain::Customer;
use crate::worker::{Command, Event, Failure, Outcome, Read, Slot, Write};

impl App {
    pub(super) fn open_create_form(&mut self) {
        self.open(Overlay::Form(
            CustomerForm::create().with_groups(self.group_names()),
        ));
    }

    pub(super) fn open_edit_form(&mut self) -> Vec<Command> {
        let groups = self.group_names();
        let Some(customer) = self.selected_customer() else {
            return Vec::new();
        };
        self.open(Overlay::Form(
            CustomerForm::edit(customer).with_groups(groups),
        ));
        // A row from the local index may be older than the store: the form takes the
        // store's customer when it arrives, unless something was typed by then.
        self.fetch_live()
    }

    /// Enter in the form: saves on the Save button, ticks the box on it, else moves on.
    pub(super) fn form_enter(&mut self) -> Vec<Command> {
        let Some(form) = self.form_mut() else {
            return Vec::new();
        };
        match form.focus {
            SAVE => return self.save_form(),
            FORCE_RESET => form.toggle_force_reset(),
            _ => form.next(),
        }
        Vec::new()
    }

    /// Esc in the form: closes it, asking first when something would be lost.
    pub(super) fn form_back(&mut self) {
        let Some(form) = self.form_mut() else {
            return;
        };
        match form.stage {
            Stage::Saving(_) => {
                form.message = Some("Saving: waiting for the store's answer.".to_owned());
            }
            Stage::Checking => {
                // Nothing was sent yet: stop waiting for the check.
                form.stage = Stage::Editing;
                form.message = Some("Not saved.".to_owned());
                self.forget_slot(Slot::Customer);
            }
            Stage::Editing if form.is_dirty() => {
                self.open(Overlay::Dialog(Dialog::new(DialogKind::Discard)))
            }
            Stage::Editing => self.dismiss(Context::Form),
        }
    }

    /// Ctrl-s, or Enter on Save: checks every field, then creates, or reviews and checks an
    /// edit before sending it.
    pub(super) fn save_form(&mut self) -> Vec<Command> {
        let Some(form) = self.form_mut() else {
            return Vec::new();
        };
        if form.stage != Stage::Editing || !form.validate() {
            return Vec::new();
        }
        match &form.mode {
            FormMode::Create => {
                let customer = form.new_customer();
                let request = self.new_request();
                if let Some(form) = self.form_mut() {
                    form.stage = Stage::Saving(request);
                    form.message = Some("Creating…".to_owned());
                }
                self.expect(request, Awaited::SaveCustomer);
                vec![Command::Write {
                    request,
                    write: Write::Create { customer },
                }]
            }
            FormMode::Edit { .. } => {
                let changes = form.changes();
                match changes.len() {
                    0 => {
                        form.message = Some("Nothing changed: nothing to save.".to_owned());
                        Vec::new()
                    }
                    1 => self.check_before_update(),
                    _ => {
                        self.open(Overlay::Dialog(Dialog::new(DialogKind::Review(changes))));
                        Vec::new()
                    }
                }
            }
        }
    }

    /// Fetches the customer again: an edit is sent only if nobody changed it meanwhile.
    pub(super) fn check_before_update(&mut self) -> Vec<Command> {
        let Some(id) = self.form().and_then(|f| f.original()).map(|c| c.id) else {
            return Vec::new();
        };
        if let Some(form) = self.form_mut() {
            form.stage = Stage::Checking;
            form.message = Some("Checking the store for changes made meanwhile…".to_owned());
        }
        vec![self.read(Slot::Customer, Read::Get { customer_id: id })]
    }

    /// Sends the changed fields, whatever the store has now (after a check, or to overwrite).
    pub(super) fn send_update(&mut self) -> Vec<Command> {
        let request = self.new_request();
        let Some(form) = self.form_mut() else {
            return Vec::new();
        };
        let Some(id) = form.original().map(|c| c.id) else {
            return Vec::new();
        };
        let changes = form.change();
        // What the changed fields held, so the journal can set them back.
        let before = form
            .original()
            .map(|original| changes.current_in(original))
            .unwrap_or_default();
        form.stage = Stage::Saving(request);
        form.message = Some("Saving…".to_owned());
        self.expect(request, Awaited::SaveCustomer);
        vec![Command::Write {
            request,
            write: Write::Update {
                customer_id: id,
                changes,
                before,
            },
        }]
    }

    /// The customer as the store has it now, fetched before an update.
    pub(super) fn checked(&mut self, result: Result<Outcome, Failure>) -> Vec<Command> {
        let Some(form) = self.form_mut() else {
            return Vec::new();
        };
        if form.stage == Stage::Editing
            && !form.is_dirty()
            && let Ok(Outcome::Customer(live)) = &result
            && form.original().is_some_and(|shown| shown.id == live.id)
        {
            let groups = self.group_names();
            self.open(Overlay::Form(CustomerForm::edit(live).with_groups(groups)));
            self.live_customer_arrived(result);
            return Vec::new();
        }
        if form.stage != Stage::Checking {
            return Vec::new();
        }
        let theirs = match result {
            Ok(Outcome::Customer(theirs)) => theirs,
            Ok(_) => return Vec::new(),
            Err(error) => {
                form.refused(&error);
                form.message = Some(format!(
                    "Not saved: the store could not be checked for changes made meanwhile ({error}). Save again to retry."
                ));
                return Vec::new();
            }
        };
        let unchanged = form
            .original()
            .is_some_and(|original| same_version(original, &theirs));
        if unchanged {
            return self.send_update();
        }
        form.stage = Stage::Editing;
        form.message = None;
        self.open(Overlay::Dialog(Dialog::new(DialogKind::Conflict(
            Box::new(theirs),
        ))));
        Vec::new()
    }

    /// The store's answer to a create or update: the form closes, or keeps everything typed
    /// and says what the store refused, at the field it named.
    pub(super) fn saved(&mut self, event: Event) -> Vec<Command> {
        let Some(form) = self.form_mut() else {
            return Vec::new();
        };
        let saved = match event.result {
            Ok(Outcome::Customer(customer)) => customer,
            Ok(_) => return Vec::new(),
            Err(error) => {
                form.refused(&error);
                return Vec::new();
            }
        };
        let creating = form.mode == FormMode::Create;
        let what: Vec<&str> = form.changes().iter().map(|c| c.label).collect();
        self.dismiss(Context::Form);
        self.keep_selected_id = Some(saved.id);
        if creating {
            self.notice = Some(format!(
                "Created customer #{} {} <{}>.",
                saved.id,
                saved.full_name(),
                saved.email
            ));
            // New customers come last in id order: show the last page, where it appears.
            if let Some(total) = self.total.as_mut() {
                *total += 1;
            }
            // The service put it in the index: the status bar's count follows at once.
            if self.index.on {
                self.index.customers += 1;
            }
            self.page = self.last_page().unwrap_or(self.page);
        } else {
            self.notice = Some(format!(
                "Saved customer #{}: {} changed.",
                saved.id,
                what.join(", ").to_lowercase()
            ));
            if let Some(row) = self.customers.iter_mut().find(|c| c.id == saved.id) {
                *row = saved;
            }
        }
        self.reload()
    }

    pub(super) fn choose_in_form_dialog(
        &mut self,
        kind: DialogKind,
        button: Button,
    ) -> Vec<Command> {
        match (kind, button) {
            (DialogKind::Review(_), Button::Save) => self.check_before_update(),
            (DialogKind::Conflict(theirs), Button::Reload) => {
                if let Some(form) = self.form_mut() {
                    form.reload(&theirs);
                }
                Vec::new()
            }
            (DialogKind::Conflict(theirs), Button::Overwrite) => {
                // Overwrite: theirs becomes the base, so only the user's changes are sent.
                if let Some(form) = self.form_mut() {
                    form.mode = FormMode::Edit {
                        original: theirs.clone(),
                    };
                }
                self.send_update()
            }
            (DialogKind::Conflict(_), _) => {
                if let Some(form) = self.form_mut() {
                    form.message = Some("Not saved; your changes are still here.".to_owned());
                }
                Vec::new()
            }
            (DialogKind::Discard, Button::Discard) => {
                // Only one form is open at a time: whichever it is closes.
                self.dismiss(Context::Form);
                self.dismiss(Context::AddressForm);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}

/// Whether the store's customer is the version the form was opened on: same `date_modified`
/// and, since that has only whole seconds, the same fields.
fn same_version(original: &Customer, theirs: &Customer) -> bool {
    let same_time = match (original.modified_at(), theirs.modified_at()) {
        (Some(was), Some(now)) => was == now,
        _ => original.date_modified == theirs.date_modified,
    };
    same_time && original == theirs
}
