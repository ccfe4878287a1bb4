//! The address form: add or edit one of a customer's addresses, each field checked as it is
//! typed by the store's rules, the country picked from the names the store knows.

use ratatui::crossterm::event::{Event as TerminalEvent, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::countries;
use crate::domain::rules::address_field_problem;
use crate::domain::{ADDRESS_FIELDS, Address, AddressChange};
use crate::worker::{Failure, RequestId};

/// The labels of `ADDRESS_FIELDS`, in the same order.
pub const ADDRESS_LABELS: [&str; 11] = [
    "First name",
    "Last name",
    "Company",
    "Street",
    "Street, line 2",
    "City",
    "State / region",
    "Postcode / ZIP",
    "Country",
    "Phone",
    "Type",
];

const STATE: usize = 6;
pub const COUNTRY: usize = 8;
pub const TYPE: usize = 10;
/// The Save button, after the fields.
pub const SAVE_ADDRESS: usize = ADDRESS_FIELDS.len();

#[derive(Debug, Clone, PartialEq)]
pub enum AddressFormMode {
    Create,
    Edit { original: Box<Address> },
}

#[derive(Debug, Clone)]
pub struct AddressForm {
    pub customer_id: i64,
    pub mode: AddressFormMode,
    pub inputs: Vec<Input>,
    pub errors: Vec<Option<String>>,
    pub focus: usize,
    pub message: Option<String>,
    /// The create or update on its way.
    pub saving: Option<RequestId>,
    /// The country offered below the country field that ↓ and ↑ have chosen (Enter takes it).
    pub country_choice: Option<usize>,
    initial: Vec<String>,
}

/// The kinds of address the store knows.
pub const ADDRESS_TYPES: [&str; 2] = ["residential", "commercial"];

impl AddressForm {
    /// A new address, with the customer's name filled in.
    pub fn create(customer_id: i64, first_name: &str, last_name: &str) -> AddressForm {
        let mut values = vec![String::new(); ADDRESS_FIELDS.len()];
        values[0] = first_name.to_owned();
        values[1] = last_name.to_owned();
        values[TYPE] = "residential".to_owned();
        let mut form = AddressForm::filled(customer_id, AddressFormMode::Create, values);
        // Filled in for convenience, but not a change the user made.
        form.initial = vec![String::new(); ADDRESS_FIELDS.len()];
        form
    }

    pub fn edit(address: &Address) -> AddressForm {
        let values = vec![
            address.first_name.clone(),
            address.last_name.clone(),
            address.company.clone(),
            address.street_1.clone(),
            address.street_2.clone(),
            address.city.clone(),
            // The store's "no state" is a space; the form shows it empty.
            address.state.trim().to_owned(),
            address.zip.clone(),
            address.country.clone(),
            address.phone.clone(),
            address.address_type.clone(),
        ];
        AddressForm::filled(
            address.customer_id,
            AddressFormMode::Edit {
                original: Box::new(address.clone()),
            },
            values,
        )
    }

    fn filled(customer_id: i64, mode: AddressFormMode, values: Vec<String>) -> AddressForm {
        AddressForm {
            customer_id,
            mode,
            inputs: values.iter().map(|v| Input::new(v.clone())).collect(),
            errors: vec![None; ADDRESS_FIELDS.len()],
            focus: 0,
            message: None,
            saving: None,
            country_choice: None,
            initial: values,
        }
    }

    pub fn title(&self) -> String {
        match &self.mode {
            AddressFormMode::Create => format!("New address of customer #{}", self.customer_id),
            AddressFormMode::Edit { original } => format!("Edit address #{}", original.id),
        }
    }

    pub fn next(&mut self) {
        self.country_choice = None;
        self.focus = (self.focus + 1) % (SAVE_ADDRESS + 1);
    }

    pub fn previous(&mut self) {
        self.country_choice = None;
        self.focus = (self.focus + SAVE_ADDRESS) % (SAVE_ADDRESS + 1);
    }

    fn value(&self, field: usize) -> &str {
        self.inputs[field].value()
    }

    pub fn type_key(&mut self, key: KeyEvent) {
        if self.saving.is_some() || self.focus >= SAVE_ADDRESS {
            return;
        }
        if self.focus == TYPE {
            self.choose_type(key);
        } else {
            self.inputs[self.focus].handle_event(&TerminalEvent::Key(key));
        }
        if self.focus == COUNTRY {
            self.country_choice = None;
        }
        self.errors[self.focus] = self.problem(self.focus);
        self.message = None;
    }

    /// The type is a choice, not free text: Space or ←/→ switch it, r and c name one.
    fn choose_type(&mut self, key: KeyEvent) {
        use ratatui::crossterm::event::KeyCode;
        let now = ADDRESS_TYPES
            .iter()
            .position(|kind| *kind == self.value(TYPE).trim());
        let chosen = match key.code {
            KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => {
                now.map_or(0, |at| (at + 1) % ADDRESS_TYPES.len())
            }
            KeyCode::Char('r' | 'R') => 0,
            KeyCode::Char('c' | 'C') => 1,
            _ => return,
        };
        self.inputs[TYPE] = Input::new(ADDRESS_TYPES[chosen].to_owned());
    }

    /// ↓/↑ in the country field: the next or previous country offered. False when none is
    /// offered there (the keys then move between fields).
    pub fn move_country_choice(&mut self, step: isize) -> bool {
        let count = self.country_choices().len();
        if self.focus != COUNTRY || count == 0 || self.saving.is_some() {
            return false;
        }
        let next = match self.country_choice {
            Some(at) => (at as isize + step).rem_euclid(count as isize) as usize,
            None if step > 0 => 0,
            None => count - 1,
        };
        self.country_choice = Some(next);
        true
    }

    /// Enter in the country field with a country chosen below: it is taken.
    pub fn take_country_choice(&mut self) -> bool {
        let Some(chosen) = self.country_choice.take() else {
            return false;
        };
        let Some(name) = self.country_choices().get(chosen).copied() else {
            return false;
        };
        self.inputs[COUNTRY] = Input::new(name.to_owned());
        self.errors[COUNTRY] = self.problem(COUNTRY);
        true
    }

    pub fn clear_field(&mut self) {
        if self.saving.is_none() && self.focus < SAVE_ADDRESS {
            self.inputs[self.focus] = Input::default();
            self.errors[self.focus] = self.problem(self.focus);
        }
    }

    /// The countries whose names hold what is typed in the country field (a few of them).
    pub fn country_choices(&self) -> Vec<&'static str> {
        countries::matching(self.value(COUNTRY), 6)
    }

    fn problem(&self, field: usize) -> Option<String> {
        let text = self.value(field);
        match field {
            // Empty is the store's "no state" (sent as a space).
            STATE if text.trim().is_empty() => None,
            COUNTRY if !text.trim().is_empty() && countries::resolve(text).is_none() => {
                Some(match self.country_choices().len() {
                    0 => "no country by that name".to_owned(),
                    _ => "pick one of the countries below".to_owned(),
                })
            }
            TYPE if text.trim().is_empty() => None,
            _ => address_field_problem(ADDRESS_FIELDS[field], text.trim()).map(str::to_owned),
        }
    }

    /// Checks every field; on a problem, focus moves to the first one.
    pub fn validate(&mut self) -> bool {
        for field in 0..ADDRESS_FIELDS.len() {
            self.errors[field] = self.problem(field);
        }
        match self.errors.iter().position(Option::is_some) {
            Some(first) => {
                self.focus = first;
                self.message = Some("Fix the fields marked ✗ to save.".to_owned());
                false
            }
            None => true,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.inputs
            .iter()
            .zip(&self.initial)
            .any(|(input, initial)| input.value() != initial)
    }

    /// The text a field sends: the country by the store's name for it, an empty state as the
    /// store's space.
    fn sent(&self, field: usize) -> String {
        let text = self.value(field).trim();
        match field {
            COUNTRY => countries::resolve(text)
                .map_or(text, |(name, _)| name)
                .to_owned(),
            STATE if text.is_empty() => " ".to_owned(),
            TYPE if text.is_empty() => "residential".to_owned(),
            _ => text.to_owned(),
        }
    }

    /// What to send: every field for a new address, only the changed ones for an edit.
    pub fn fields_to_send(&self) -> AddressChange {
        (0..ADDRESS_FIELDS.len())
            .filter(|&field| match self.mode {
                AddressFormMode::Create => !self.sent(field).is_empty(),
                AddressFormMode::Edit { .. } => self.value(field) != self.initial[field],
            })
            .map(|field| (ADDRESS_FIELDS[field].to_owned(), self.sent(field)))
            .collect()
    }

    /// Puts a refusal where it belongs: at the field the store named, else above the form.
    pub fn refused(&mut self, failure: &Failure) {
        self.saving = None;
        let named = failure
            .api()
            .and_then(|error| error.field())
            .and_then(|name| ADDRESS_FIELDS.iter().position(|field| *field == name));
        let reason = failure
            .api()
            .and_then(|error| error.store_reason())
            .map(str::to_owned)
            .unwrap_or_else(|| failure.to_string());
        if let Some(field) = named {
            self.errors[field] = Some(reason.clone());
            self.focus = field;
        }
        self.message = Some(format!(
            "Not saved: {reason}. Everything typed is kept; save again to retry."
        ));
    }
}
