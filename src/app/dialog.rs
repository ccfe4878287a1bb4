//! Confirmations as data: what a dialog asks, its buttons (the safe one first, and focused),
//! and what the user has typed where a name must be typed.

use std::path::PathBuf;

use tui_input::Input;

use super::customer_form::Change;
use crate::api::Customer;
use crate::backup::Selection;

/// Exactly what a delete will do, shown before it is done.
#[derive(Debug, Clone, PartialEq)]
pub struct DeletePlan {
    pub selection: Selection,
    /// Customers it deletes (as counted now).
    pub count: u64,
    /// The filter, when every customer matching one is deleted.
    pub filter: Option<String>,
    /// Of those, how many are not on the screen.
    pub not_visible: u64,
    /// Names of the customers when there are few of them.
    pub names: Vec<String>,
    pub backup: PathBuf,
    /// Deleting every customer of the store: one of these (its name, its hash) must be typed
    /// first.
    pub type_to_confirm: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DialogKind {
    Delete(Box<DeletePlan>),
    /// Undo: re-create the customers of the last delete from its backup.
    Restore {
        backup: PathBuf,
        ids: Vec<i64>,
    },
    /// An edit of several fields, old → new, before it is sent.
    Review(Vec<Change>),
    /// The customer changed on the store since the form was opened: theirs beside yours.
    Conflict(Box<Customer>),
    /// Esc on a form with unsaved changes.
    Discard,
}

#[derive(Debug, Clone)]
pub struct Dialog {
    pub kind: DialogKind,
    /// The focused button; 0 is the safe one.
    pub focus: usize,
    /// What has been typed where a name is asked for.
    pub typed: Input,
}

impl Dialog {
    pub fn new(kind: DialogKind) -> Dialog {
        Dialog {
            kind,
            focus: 0,
            typed: Input::default(),
        }
    }

    pub fn title(&self) -> &'static str {
        match &self.kind {
            DialogKind::Delete(_) => "Delete customers",
            DialogKind::Restore { .. } => "Undo the last delete",
            DialogKind::Review(_) => "Save these changes?",
            DialogKind::Conflict(_) => "Changed on the store since you opened it",
            DialogKind::Discard => "Unsaved changes",
        }
    }

    pub fn buttons(&self) -> Vec<String> {
        use crate::format::customers;
        match &self.kind {
            DialogKind::Delete(plan) => vec![
                "Cancel".to_owned(),
                format!("Delete {}", customers(plan.count)),
            ],
            DialogKind::Restore { ids, .. } => vec![
                "Cancel".to_owned(),
                format!("Restore {}", customers(ids.len() as u64)),
            ],
            DialogKind::Review(_) => vec!["Back to the form".to_owned(), "Save".to_owned()],
            DialogKind::Conflict(_) => vec![
                "Cancel".to_owned(),
                "Reload into the form".to_owned(),
                "Overwrite theirs".to_owned(),
            ],
            DialogKind::Discard => vec!["Keep editing".to_owned(), "Discard changes".to_owned()],
        }
    }

    /// What may be typed to confirm (the store's name or hash); empty when nothing is asked.
    pub fn must_type(&self) -> &[String] {
        match &self.kind {
            DialogKind::Delete(plan) => &plan.type_to_confirm,
            _ => &[],
        }
    }

    /// Whether the focused button may be pressed: the delete of a whole store waits for its
    /// name or hash.
    pub fn ready(&self) -> bool {
        let typed = self.typed.value().trim();
        self.focus == 0
            || self.must_type().is_empty()
            || self.must_type().iter().any(|answer| answer == typed)
    }

    pub fn next(&mut self) {
        self.focus = (self.focus + 1) % self.buttons().len();
    }

    pub fn previous(&mut self) {
        let count = self.buttons().len();
        self.focus = (self.focus + count - 1) % count;
    }
}
