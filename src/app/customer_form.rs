//! The create and edit form: one field per writable customer field and a password section,
//! each field checked as it is typed; an edit knows what it started from, so it sends only
//! what changed and can say old → new.

use ratatui::crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::rules::{
    PASSWORD_RULE, field_problem, meets_password_rules, parse_group_id, parse_store_credit,
};
use crate::domain::{Customer, CustomerChange, Field, NewCustomer, Secret, Value as FieldValue};
use crate::worker::Failure;

/// The text inputs by API name and label, in the order they are shown: every writable
/// field of the field list, then the password and its confirmation.
pub const FIELDS: [(&str, &str); INPUTS] = form_inputs();

const INPUTS: usize = Field::ALL.len() + 2;
const CREDIT: usize = Field::StoreCredit.position();
pub const GROUP: usize = Field::CustomerGroupId.position();
const PASSWORD: usize = Field::ALL.len();
const CONFIRMATION: usize = PASSWORD + 1;

const fn form_inputs() -> [(&'static str, &'static str); INPUTS] {
    let mut inputs = [("password", "New password"); INPUTS];
    let mut at = 0;
    while at < Field::ALL.len() {
        inputs[at] = (Field::ALL[at].name(), Field::ALL[at].label());
        at += 1;
    }
    inputs[CONFIRMATION] = ("password_confirmation", "Confirm password");
    inputs
}

/// The "force reset at next login" box, after the text fields.
pub const FORCE_RESET: usize = FIELDS.len();
/// The Save button, last.
pub const SAVE: usize = FIELDS.len() + 1;
const STOPS: usize = FIELDS.len() + 2;

#[derive(Debug, Clone, PartialEq)]
pub enum FormMode {
    Create,
    /// Editing this customer, as it was when the form was filled.
    Edit {
        original: Box<Customer>,
    },
}

/// Where a save stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Editing,
    /// Fetching the customer again to see whether it changed since the form was opened.
    Checking,
    /// The create or update is on its way.
    Saving(crate::worker::RequestId),
}

/// One field an edit changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub label: &'static str,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone)]
pub struct CustomerForm {
    pub mode: FormMode,
    pub inputs: Vec<Input>,
    /// What is wrong with each text field, if anything (the store's word after a refusal).
    pub errors: Vec<Option<String>>,
    pub force_reset: bool,
    pub focus: usize,
    /// Said above the fields: why a save did not happen.
    pub message: Option<String>,
    pub stage: Stage,
    /// The text each field started with, to tell what changed.
    initial: Vec<String>,
    initial_force_reset: bool,
    /// The store's groups (id, name): the group is typed by name or id.
    pub groups: Vec<(i64, String)>,
}

impl CustomerForm {
    pub fn create() -> CustomerForm {
        CustomerForm::filled(FormMode::Create, vec![String::new(); FIELDS.len()], false)
    }

    pub fn edit(customer: &Customer) -> CustomerForm {
        CustomerForm::filled(
            FormMode::Edit {
                original: Box::new(customer.clone()),
            },
            values_of(customer),
            customer.reset_pass_on_login,
        )
    }

    fn filled(mode: FormMode, values: Vec<String>, force_reset: bool) -> CustomerForm {
        CustomerForm {
            mode,
            inputs: values.iter().map(|v| Input::new(v.clone())).collect(),
            errors: vec![None; FIELDS.len()],
            force_reset,
            focus: 0,
            message: None,
            stage: Stage::Editing,
            initial: values,
            initial_force_reset: force_reset,
            groups: Vec::new(),
        }
    }

    /// The store's groups, so that the group can be picked by name; an edited customer's
    /// group shows by its name.
    pub fn with_groups(mut self, groups: Vec<(i64, String)>) -> CustomerForm {
        self.groups = groups;
        let named = self.group_name(&self.initial[GROUP]);
        if self.value(GROUP) == self.initial[GROUP] {
            self.inputs[GROUP] = Input::new(named.clone());
        }
        self.initial[GROUP] = named;
        self
    }

    /// A group id as the form shows it: the group's name when the store has one by that id.
    fn group_name(&self, text: &str) -> String {
        match text.trim().parse::<i64>() {
            Ok(id) => self
                .groups
                .iter()
                .find(|(known, _)| *known == id)
                .map_or_else(|| text.to_owned(), |(_, name)| name.clone()),
            Err(_) => text.to_owned(),
        }
    }

    /// The group id the group field names (see `resolve_group`).
    pub fn group_id(&self, text: &str) -> Result<i64, &'static str> {
        super::store_data::resolve_group(text, &self.groups)
    }

    /// The groups whose names hold what is typed in the group field, as "Name #id".
    pub fn group_choices(&self) -> Vec<String> {
        let lower = self.value(GROUP).trim().to_lowercase();
        let exact = self.group_id(self.value(GROUP)).ok();
        self.groups
            .iter()
            .filter(|(id, name)| Some(*id) == exact || name.to_lowercase().contains(&lower))
            .take(6)
            .map(|(id, name)| format!("{name} #{id}"))
            .collect()
    }

    /// A group id as people read it: "Wholesale (#2)", or the id alone when unknown.
    fn group_text(&self, text: &str) -> String {
        match self.group_id(text) {
            Ok(0) => "none".to_owned(),
            Ok(id) => match self.groups.iter().find(|(known, _)| *known == id) {
                Some((_, name)) => format!("{name} (#{id})"),
                None => format!("#{id}"),
            },
            Err(_) => text.trim().to_owned(),
        }
    }

    pub fn original(&self) -> Option<&Customer> {
        match &self.mode {
            FormMode::Edit { original } => Some(original),
            FormMode::Create => None,
        }
    }

    pub fn title(&self) -> String {
        match &self.mode {
            FormMode::Create => "New customer".to_owned(),
            FormMode::Edit { original } => format!("Edit customer #{}", original.id),
        }
    }

    pub fn next(&mut self) {
        self.focus = (self.focus + 1) % STOPS;
    }

    pub fn previous(&mut self) {
        self.focus = (self.focus + STOPS - 1) % STOPS;
    }

    /// Types a key into the focused field (Space ticks the box) and checks the field again.
    pub fn type_key(&mut self, key: KeyEvent) {
        if self.stage != Stage::Editing {
            return;
        }
        match self.focus {
            FORCE_RESET if key.code == KeyCode::Char(' ') => self.force_reset = !self.force_reset,
            FORCE_RESET | SAVE => return,
            field => {
                self.inputs[field].handle_event(&TerminalEvent::Key(key));
                self.errors[field] = self.problem(field);
                if field == PASSWORD {
                    self.errors[CONFIRMATION] = self.problem(CONFIRMATION);
                }
            }
        }
        self.message = None;
    }

    /// Empties the focused text field (Ctrl-u).
    pub fn clear_field(&mut self) {
        if self.stage != Stage::Editing || self.focus >= FIELDS.len() {
            return;
        }
        self.inputs[self.focus] = Input::default();
        self.errors[self.focus] = self.problem(self.focus);
        if self.focus == PASSWORD {
            self.errors[CONFIRMATION] = self.problem(CONFIRMATION);
        }
        self.message = None;
    }

    pub fn toggle_force_reset(&mut self) {
        if self.stage == Stage::Editing {
            self.force_reset = !self.force_reset;
        }
    }

    /// Whether anything differs from what the form started with.
    pub fn is_dirty(&self) -> bool {
        self.force_reset != self.initial_force_reset
            || self
                .inputs
                .iter()
                .zip(&self.initial)
                .any(|(input, initial)| input.value() != initial)
    }

    fn value(&self, field: usize) -> &str {
        self.inputs[field].value()
    }

    /// What is wrong with a field's text, by the store's rules.
    fn problem(&self, field: usize) -> Option<String> {
        let text = self.value(field);
        let trimmed = text.trim();
        let creating = self.mode == FormMode::Create;
        if !creating && field < PASSWORD && text == self.initial[field] {
            // The store holds it already: a value it once took never blocks other changes.
            return None;
        }
        let problem = match FIELDS[field].0 {
            // Editing, an empty amount or group is not "leave it out": it is not a value.
            "store_credit" if trimmed.is_empty() && !creating => parse_store_credit(text).err()?,
            "customer_group_id" if trimmed.is_empty() && !creating => parse_group_id(text).err()?,
            "customer_group_id" => self.group_id(text).err()?,
            "password" if !text.is_empty() && !meets_password_rules(text) => PASSWORD_RULE,
            "password_confirmation" if text != self.value(PASSWORD) => {
                "not the same as the password"
            }
            "password" | "password_confirmation" => return None,
            name => field_problem(name, text)?,
        };
        Some(problem.to_owned())
    }

    /// Checks every field; on a problem, focus moves to the first one and the form says so.
    pub fn validate(&mut self) -> bool {
        for field in 0..FIELDS.len() {
            self.errors[field] = self.problem(field);
        }
        match self.errors.iter().position(Option::is_some) {
            Some(first) => {
                self.focus = first;
                let problems = self.errors.iter().flatten().count();
                self.message = Some(if problems == 1 {
                    "Fix the field marked ✗ to save.".to_owned()
                } else {
                    format!("Fix the {problems} fields marked ✗ to save.")
                });
                false
            }
            None => true,
        }
    }

    /// The customer to create: every field given, and a password when one was typed.
    pub fn new_customer(&self) -> NewCustomer {
        let fields = Field::ALL
            .into_iter()
            .filter(|field| field.required() || !self.value(field.position()).trim().is_empty())
            .map(|field| (field, self.field_value(field)))
            .collect();
        NewCustomer {
            fields,
            password: self.password(),
            force_password_reset: self.force_reset,
        }
    }

    /// The change of an update: only the fields that changed.
    pub fn change(&self) -> CustomerChange {
        CustomerChange {
            fields: self
                .changed_fields()
                .into_iter()
                .map(|input| (Field::ALL[input], self.field_value(Field::ALL[input])))
                .collect(),
            password: self.password(),
            force_password_reset: (self.force_reset != self.initial_force_reset)
                .then_some(self.force_reset),
        }
    }

    /// What a field's input holds, as the store takes it (text trimmed).
    fn field_value(&self, field: Field) -> FieldValue {
        let text = self.value(field.position()).trim();
        match field {
            Field::StoreCredit => FieldValue::Amount(parse_store_credit(text).unwrap_or_default()),
            Field::CustomerGroupId => FieldValue::Group(self.group_id(text).unwrap_or(0)),
            _ => FieldValue::Text(text.to_owned()),
        }
    }

    fn password(&self) -> Option<Secret> {
        Some(self.value(PASSWORD))
            .filter(|password| !password.is_empty())
            .map(Secret::new)
    }

    /// The data fields whose value differs from what the form started with (amounts and
    /// group ids compared as numbers, so `12.5` is not a change from `12.5000`).
    pub fn changed_fields(&self) -> Vec<usize> {
        (0..PASSWORD)
            .filter(|&field| {
                let (now, was) = (self.value(field).trim(), self.initial[field].trim());
                match field {
                    CREDIT => parse_store_credit(now).ok() != parse_store_credit(was).ok(),
                    GROUP => self.group_id(now).ok() != self.group_id(was).ok(),
                    _ => now != was,
                }
            })
            .collect()
    }

    /// Old → new for every change an update would make, passwords never shown.
    pub fn changes(&self) -> Vec<Change> {
        let mut changes: Vec<Change> = self
            .changed_fields()
            .into_iter()
            .map(|field| match field {
                GROUP => Change {
                    label: FIELDS[field].1,
                    old: self.group_text(&self.initial[field]),
                    new: self.group_text(self.value(field)),
                },
                _ => Change {
                    label: FIELDS[field].1,
                    old: self.initial[field].clone(),
                    new: self.value(field).trim().to_owned(),
                },
            })
            .collect();
        if !self.value(PASSWORD).is_empty() {
            changes.push(Change {
                label: "Password",
                old: "(kept)".to_owned(),
                new: "(new password)".to_owned(),
            });
        }
        if self.force_reset != self.initial_force_reset {
            let word = |on: bool| if on { "yes" } else { "no" }.to_owned();
            changes.push(Change {
                label: "Force reset at next login",
                old: word(self.initial_force_reset),
                new: word(self.force_reset),
            });
        }
        changes
    }

    /// Puts a refusal where it belongs: at the field the store named, else above the form.
    /// Everything typed stays.
    pub fn refused(&mut self, failure: &Failure) {
        self.stage = Stage::Editing;
        let Some(error) = failure.api() else {
            self.message = Some(format!(
                "Not saved: {failure}. Everything typed is kept; save again to retry."
            ));
            return;
        };
        let named = error.field().and_then(|name| {
            FIELDS
                .iter()
                .position(|(field, _)| *field == name)
                .or((name == "_authentication").then_some(PASSWORD))
        });
        match (error.status(), error.store_reason(), named) {
            (Some(status), Some(reason), Some(field)) => {
                self.errors[field] = Some(reason.to_owned());
                self.focus = field;
                self.message = Some(format!(
                    "Not saved ({status}): {reason} Fix {} and save again.",
                    FIELDS[field].1
                ));
            }
            (Some(status), Some(reason), None) => {
                self.message = Some(format!("Not saved ({status}): {reason}"));
            }
            _ => {
                self.message = Some(format!(
                    "Not saved: {error}. Everything typed is kept; save again to retry."
                ));
            }
        }
    }

    /// Takes the store's newer version as the new starting point, keeping every field the
    /// user changed as typed on top of it.
    pub fn reload(&mut self, theirs: &Customer) {
        let changed = self.changed_fields();
        let mut values = values_of(theirs);
        values[GROUP] = self.group_name(&values[GROUP]);
        for (field, value) in values.iter().enumerate().take(PASSWORD) {
            if !changed.contains(&field) {
                self.inputs[field] = Input::new(value.clone());
            }
            self.errors[field] = self.problem(field);
        }
        self.initial[..PASSWORD].clone_from_slice(&values[..PASSWORD]);
        if self.force_reset == self.initial_force_reset {
            self.force_reset = theirs.reset_pass_on_login;
        }
        self.initial_force_reset = theirs.reset_pass_on_login;
        self.mode = FormMode::Edit {
            original: Box::new(theirs.clone()),
        };
        self.stage = Stage::Editing;
        let kept: Vec<&str> = changed.iter().map(|&field| FIELDS[field].1).collect();
        self.message = Some(if kept.is_empty() {
            "The store's newer version is loaded.".to_owned()
        } else {
            format!(
                "The store's newer version is loaded; your changes to {} are kept on top. Save again to apply them.",
                kept.join(", ")
            )
        });
    }
}

/// The form's text for a customer, field by field (the password fields empty).
pub fn values_of(customer: &Customer) -> Vec<String> {
    let mut values: Vec<String> = Field::ALL
        .iter()
        .map(|field| match field {
            // Money as money: 12.50, not 12.5000.
            Field::StoreCredit => crate::format::money(customer.store_credit),
            _ => field.read(customer).to_string(),
        })
        .collect();
    values.resize(FIELDS.len(), String::new());
    values
}
