//! Confirmations as data: what a dialog asks, its buttons (the safe one first, and focused),
//! and what the user has typed where a name must be typed.

use std::path::PathBuf;

use tui_input::Input;

use super::customer_form::Change;
use crate::domain::Customer;
use crate::jobs::review::Reviewed;
use crate::jobs::undo::UndoScope;
use crate::ledger::ChangeSet;

/// Exactly what a delete will do, shown before it is done: the customers reviewed on the
/// store, by id.
#[derive(Debug, Clone, PartialEq)]
pub struct DeletePlan {
    pub reviewed: Reviewed,
    /// The filter, when every customer matching one is deleted.
    pub filter: Option<String>,
    /// Of those, how many are not on the screen.
    pub not_visible: u64,
    /// A few of them.
    pub names: Vec<String>,
    /// Where the store's backups go.
    pub backups: PathBuf,
    /// Deleting every customer of the store: one of these (its id, domain or address) must
    /// be typed first.
    pub type_to_confirm: Vec<String>,
}

impl DeletePlan {
    pub fn count(&self) -> u64 {
        self.reviewed.count()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum DialogKind {
    Delete(Box<DeletePlan>),
    /// An edit of several fields, old → new, before it is sent.
    Review(Vec<Change>),
    /// The customer changed on the store since the form was opened: theirs beside yours.
    Conflict(Box<Customer>),
    /// Esc on a form with unsaved changes.
    Discard,
    /// Quit asked for with a form holding unsaved changes.
    QuitWithChanges,
    /// What a change set did, customer by customer (from the journal view).
    ChangeSet(Box<crate::ledger::ChangeSet>),
    /// An export named a file that is there already.
    ReplaceExport {
        of: Box<crate::worker::ExportOf>,
        path: std::path::PathBuf,
        total: u64,
    },
    /// One of a customer's addresses.
    DeleteAddress(Box<crate::domain::Address>),
    /// What a bulk edit will do, read from the store, before anything is sent.
    BulkReview {
        review: Box<crate::jobs::update::Review>,
        change: Box<crate::jobs::update::BulkChange>,
    },
    /// A change set of the ledger, to undo (those of its customers in `scope`).
    UndoChangeSet {
        set: Box<ChangeSet>,
        scope: UndoScope,
    },
    /// The customers whose undo found them changed since: which field, its value now and
    /// the value undo wanted; tried again, or set aside.
    Conflicts(Box<ChangeSet>),
    /// A customer group; its customers (as counted, if they were) are left in no group.
    DeleteGroup {
        group: Box<crate::domain::CustomerGroup>,
        customers: Option<u64>,
    },
}

/// A dialog's buttons, by what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    /// Do nothing: the first button of every dialog but the form's own.
    Cancel,
    Delete,
    /// From the review of an edit: back to the form, nothing sent.
    BackToForm,
    Save,
    /// From a conflict: the store's version into the form, your changes on top.
    Reload,
    /// From a conflict: send your changes over theirs.
    Overwrite,
    KeepEditing,
    Discard,
    /// Leave the app.
    Quit,
    /// Write over a file that is there.
    Replace,
    /// From a bulk edit's review: send the changes.
    Update,
    /// Undo a change set.
    Undo,
    /// Try a change set's conflicts again.
    Retry,
    /// Leave a change set's conflicts as they are.
    SetAside,
}

#[derive(Debug, Clone)]
pub struct Dialog {
    pub kind: DialogKind,
    /// The focused button, as an index into `buttons()`; 0 is the safe one.
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
            DialogKind::Review(_) => "Save these changes?",
            DialogKind::Conflict(_) => "Changed on the store since you opened it",
            DialogKind::Discard => "Unsaved changes",
            DialogKind::QuitWithChanges => "Quit with unsaved changes?",
            DialogKind::ReplaceExport { .. } => "Replace the file?",
            DialogKind::ChangeSet(_) => "A change set",
            DialogKind::DeleteAddress(_) => "Delete an address",
            DialogKind::DeleteGroup { .. } => "Delete a customer group",
            DialogKind::BulkReview { .. } => "Change these customers?",
            DialogKind::UndoChangeSet { .. } => "Undo a change",
            DialogKind::Conflicts(_) => "Conflicts of an undo",
        }
    }

    /// The buttons, the safe one first.
    pub fn buttons(&self) -> &'static [Button] {
        match &self.kind {
            DialogKind::Delete(_) => &[Button::Cancel, Button::Delete],
            DialogKind::Review(_) => &[Button::BackToForm, Button::Save],
            DialogKind::Conflict(_) => &[Button::Cancel, Button::Reload, Button::Overwrite],
            DialogKind::Discard => &[Button::KeepEditing, Button::Discard],
            DialogKind::QuitWithChanges => &[Button::KeepEditing, Button::Quit],
            DialogKind::ReplaceExport { .. } => &[Button::Cancel, Button::Replace],
            DialogKind::ChangeSet(_) => &[Button::Cancel, Button::Undo],
            DialogKind::BulkReview { .. } => &[Button::Cancel, Button::Update],
            DialogKind::UndoChangeSet { .. } => &[Button::Cancel, Button::Undo],
            DialogKind::Conflicts(_) => &[Button::Cancel, Button::Retry, Button::SetAside],
            DialogKind::DeleteAddress(_) | DialogKind::DeleteGroup { .. } => {
                &[Button::Cancel, Button::Delete]
            }
        }
    }

    /// What a button says in this dialog.
    pub fn label(&self, button: Button) -> String {
        use crate::format::customers;
        match (button, &self.kind) {
            (Button::Delete, DialogKind::Delete(plan)) => {
                format!("Delete {}", customers(plan.count()))
            }
            (Button::Cancel, DialogKind::Conflicts(_) | DialogKind::ChangeSet(_)) => {
                "Close".to_owned()
            }
            (Button::Cancel, _) => "Cancel".to_owned(),
            (Button::Delete, DialogKind::DeleteAddress(_)) => "Delete the address".to_owned(),
            (Button::Delete, DialogKind::DeleteGroup { group, .. }) => {
                format!("Delete {}", group.name)
            }
            (Button::Delete, _) => "Delete".to_owned(),
            (Button::BackToForm, _) => "Back to the form".to_owned(),
            (Button::Save, _) => "Save".to_owned(),
            (Button::Reload, _) => "Reload into the form".to_owned(),
            (Button::Overwrite, _) => "Overwrite theirs".to_owned(),
            (Button::KeepEditing, _) => "Keep editing".to_owned(),
            (Button::Update, DialogKind::BulkReview { review, .. }) => format!(
                "Update {}",
                customers(review.customers.saturating_sub(review.already_so))
            ),
            (Button::Update, _) => "Update".to_owned(),
            (Button::Undo, DialogKind::UndoChangeSet { set, .. } | DialogKind::ChangeSet(set)) => {
                format!("Undo change set {}", set.id)
            }
            (Button::Undo, _) => "Undo".to_owned(),
            (Button::Retry, _) => "Try them again".to_owned(),
            (Button::SetAside, _) => "Set them aside".to_owned(),
            (Button::Discard, _) => "Discard changes".to_owned(),
            (Button::Quit, _) => "Quit, losing them".to_owned(),
            (Button::Replace, _) => "Replace it".to_owned(),
        }
    }

    /// The button Enter presses.
    pub fn focused(&self) -> Button {
        self.buttons()[self.focus.min(self.buttons().len() - 1)]
    }

    /// What may be typed to confirm (the store's id, domain or address); empty when nothing
    /// is asked.
    pub fn must_type(&self) -> &[String] {
        match &self.kind {
            DialogKind::Delete(plan) => &plan.type_to_confirm,
            _ => &[],
        }
    }

    /// Whether a button may be pressed: the delete of a whole store waits for its name or
    /// hash; the safe button never waits.
    pub fn ready(&self, button: Button) -> bool {
        let typed = self.typed.value().trim();
        button == self.buttons()[0]
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
