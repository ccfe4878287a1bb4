//! Adding, editing and deleting a customer's addresses from the details: the form's flow
//! from opening to the store's answer, and the delete's dialog.

use super::address_form::{AddressForm, AddressFormMode, SAVE_ADDRESS};
use super::dialog::{Button, Dialog, DialogKind};
use super::keymap::Context;
use super::overlay::Overlay;
use super::{App, Awaited};
use crate::domain::Address;
use crate::worker::{Command, Event, Outcome, Write};

impl App {
    pub(super) fn open_address_form(&mut self, address: Option<Address>) {
        let Some(customer) = self.selected_customer() else {
            return;
        };
        self.open(Overlay::AddressForm(match address {
            Some(address) => AddressForm::edit(&address),
            None => AddressForm::create(customer.id, &customer.first_name, &customer.last_name),
        }));
    }

    /// `o`: the chosen address into the form.
    pub(super) fn edit_chosen_address(&mut self) {
        match self.selected_address().cloned() {
            Some(address) => self.open_address_form(Some(address)),
            None => self.notice = Some("No address to edit: a adds one.".to_owned()),
        }
    }

    /// `X`: asks to delete the chosen address.
    pub(super) fn ask_delete_address(&mut self) {
        match self.selected_address().cloned() {
            Some(address) => self.open(Overlay::Dialog(Dialog::new(DialogKind::DeleteAddress(
                Box::new(address),
            )))),
            None => self.notice = Some("No address to delete.".to_owned()),
        }
    }

    /// Tab / ⇧Tab in the details.
    pub(super) fn choose_address(&mut self, step: isize) {
        if self.shown_addresses().len() < 2 {
            self.notice = Some(match self.shown_addresses().len() {
                0 => "No address to choose: a adds one.".to_owned(),
                _ => "The customer has one address: it is the one chosen.".to_owned(),
            });
            return;
        }
        self.select_address(step);
    }

    pub(super) fn address_form_enter(&mut self) -> Vec<Command> {
        let Some(form) = self.address_form_mut() else {
            return Vec::new();
        };
        if form.focus == SAVE_ADDRESS {
            return self.save_address_form();
        }
        form.next();
        Vec::new()
    }

    pub(super) fn address_form_back(&mut self) {
        let Some(form) = self.address_form_mut() else {
            return;
        };
        if form.saving.is_some() {
            form.message = Some("Saving: waiting for the store's answer.".to_owned());
        } else if form.is_dirty() {
            self.open(Overlay::Dialog(Dialog::new(DialogKind::Discard)));
        } else {
            self.dismiss(Context::AddressForm);
        }
    }

    pub(super) fn save_address_form(&mut self) -> Vec<Command> {
        let request = self.new_request();
        let Some(form) = self.address_form_mut() else {
            return Vec::new();
        };
        if form.saving.is_some() || !form.validate() {
            return Vec::new();
        }
        let fields = form.fields_to_send();
        let write = match &form.mode {
            AddressFormMode::Create => Write::CreateAddress {
                customer_id: form.customer_id,
                fields,
            },
            AddressFormMode::Edit { .. } if fields.is_empty() => {
                form.message = Some("Nothing changed: nothing to save.".to_owned());
                return Vec::new();
            }
            AddressFormMode::Edit { original } => Write::UpdateAddress {
                customer_id: form.customer_id,
                address_id: original.id,
                changes: fields,
            },
        };
        form.saving = Some(request);
        form.message = Some("Saving…".to_owned());
        self.expect(request, Awaited::SaveAddress);
        vec![Command::Write { request, write }]
    }

    /// The store's answer to an address's create or update.
    pub(super) fn address_saved(&mut self, event: Event) -> Vec<Command> {
        let Some(form) = self.address_form_mut() else {
            return Vec::new();
        };
        match event.result {
            Ok(Outcome::Address(address)) => {
                let verb = match form.mode {
                    AddressFormMode::Create => "Added",
                    AddressFormMode::Edit { .. } => "Saved",
                };
                let customer_id = form.customer_id;
                self.notice = Some(format!("{verb} the address {}.", address.one_line()));
                self.dismiss(Context::AddressForm);
                let commands = self.reload_addresses(customer_id);
                // The address saved stays the one chosen once the list comes back.
                if let Some(shown) = self.addresses.as_mut() {
                    shown.keep_chosen = Some(address.id);
                }
                commands
            }
            Ok(_) => Vec::new(),
            Err(failure) => {
                form.refused(&failure);
                Vec::new()
            }
        }
    }

    pub(super) fn choose_in_address_dialog(
        &mut self,
        kind: DialogKind,
        button: Button,
    ) -> Vec<Command> {
        match (kind, button) {
            (DialogKind::DeleteAddress(address), Button::Delete) => {
                let request = self.new_request();
                self.expect(request, Awaited::DeleteAddress);
                vec![Command::Write {
                    request,
                    write: Write::DeleteAddress {
                        customer_id: address.customer_id,
                        address_id: address.id,
                    },
                }]
            }
            _ => {
                self.notice = Some("Nothing deleted.".to_owned());
                Vec::new()
            }
        }
    }

    pub(super) fn address_deleted(&mut self, event: Event) -> Vec<Command> {
        match event.result {
            Ok(Outcome::AddressDeleted { customer_id, .. }) => {
                self.notice = Some("Deleted the address.".to_owned());
                self.reload_addresses(customer_id)
            }
            Ok(_) => Vec::new(),
            Err(failure) => {
                self.last_error = Some(format!("The address was not deleted: {failure}"));
                Vec::new()
            }
        }
    }
}
