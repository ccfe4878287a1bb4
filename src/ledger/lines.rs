//! The lines of a ledger, as kept on disk: one JSON object a line. The store's journal holds
//! a change set's beginning (written and synced before its first request), its end, and
//! conflicts set aside; each change set's own file holds, per customer, what was about to be
//! sent (before the request) and what came of it (after).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::domain::{Address, AddressChange, Customer, CustomerChange, CustomerGroup, GroupChange};
use crate::store::StoreIdentity;

/// What a change set does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// One customer's fields, from the app's form.
    Edit,
    BulkEdit,
    /// Customers created.
    Create,
    /// Customers re-created from a backup.
    Restore,
    Delete,
    /// Another change set undone (or what an undo did, undone in turn).
    Undo,
    /// One address of a customer created, changed or deleted.
    Address,
    /// A customer group created, changed or deleted.
    Group,
}

impl Kind {
    /// "bulk edit", for people.
    pub fn words(self) -> &'static str {
        match self {
            Kind::Edit => "edit",
            Kind::BulkEdit => "bulk edit",
            Kind::Create => "create",
            Kind::Restore => "restore",
            Kind::Delete => "delete",
            Kind::Undo => "undo",
            Kind::Address => "address",
            Kind::Group => "customer group",
        }
    }

    /// "1 customer", "2,000 customers", "3 addresses": what its lines are about, counted.
    pub fn count(self, n: u64) -> String {
        let (one, many) = match self {
            Kind::Address => ("address", "addresses"),
            Kind::Group => ("group", "groups"),
            _ => ("customer", "customers"),
        };
        format!(
            "{} {}",
            crate::format::thousands(n),
            if n == 1 { one } else { many }
        )
    }
}

/// A change set's beginning: what it is about, written ahead of any request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Begin {
    pub id: u64,
    pub kind: Kind,
    /// RFC 3339, local time.
    pub when: String,
    pub store: StoreIdentity,
    /// The customers it is about, by id (a restore: their ids in the backup), fixed when it
    /// was reviewed.
    #[serde(default)]
    pub customers: Vec<i64>,
    /// The backup taken before the first change, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<PathBuf>,
    /// For an undo: the change set it undoes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<u64>,
    /// What it does, in a few words ("store_credit +1.00", "company Lakeside Dental").
    #[serde(default)]
    pub what: String,
}

/// A change set's end: it stopped here (its report was given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct End {
    pub id: u64,
    pub when: String,
    /// Stopped by the person (or a signal) before all its customers were reached.
    #[serde(default)]
    pub cancelled: bool,
    /// Why it stopped early, when something did stop it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

/// Conflicts of a change set's undo that the person chose to leave as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetAside {
    pub id: u64,
    pub customers: Vec<i64>,
}

/// A line of the store's journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalLine {
    Begin(Begin),
    End(End),
    SetAside(SetAside),
}

/// What is about to be sent for one customer: enough, with the store as it is afterwards, to
/// tell whether it happened when no outcome follows (the program was killed mid-request).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// These fields, from these values.
    Edit {
        customer: i64,
        before: CustomerChange,
        after: CustomerChange,
    },
    Delete {
        customer: i64,
    },
    /// A customer created with these fields (its password is never kept).
    Create {
        fields: CustomerChange,
    },
    /// One address of a customer: as it was (none: a new one) and what is sent (none: a
    /// delete).
    Address {
        customer: i64,
        before: Option<Box<Address>>,
        after: Option<AddressChange>,
    },
    /// A customer group: as it was (none: a new one) and what is sent (none: a delete);
    /// the customers in it, when a delete leaves them in no group or an undo puts them back.
    Group {
        before: Option<Box<CustomerGroup>>,
        after: Option<GroupChange>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        members: Vec<i64>,
    },
}

/// What a change did to one customer, when it did something: what undo works from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Did {
    /// The fields as they were and as they became, and the store's `date_modified` after.
    Edited {
        customer: i64,
        before: CustomerChange,
        after: CustomerChange,
        date_modified: String,
    },
    /// Deleted; the change set's backup holds it.
    Deleted { customer: i64 },
    /// Created, as the store answered.
    Created { customer: Box<Customer> },
    /// One address of a customer, as it was and as it became (none: not there).
    Address {
        customer: i64,
        before: Option<Box<Address>>,
        after: Option<Box<Address>>,
    },
    /// A customer group, as it was and as it became (none: not there), and the customers a
    /// delete left in no group (or an undo of it put back), with the `date_modified` each
    /// was left with (a later undo of a change to them knows the change was this program's).
    Group {
        before: Option<Box<CustomerGroup>>,
        after: Option<Box<CustomerGroup>>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        members: Vec<i64>,
        #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        dates: std::collections::BTreeMap<i64, String>,
    },
}

impl Did {
    /// What it changed, for people: "#12", "address 7 of #12", "group 'VIP'".
    pub fn subject(&self) -> String {
        match self {
            Did::Address {
                customer,
                before,
                after,
            } => match after.as_ref().or(before.as_ref()) {
                Some(address) => format!("address {} of #{customer}", address.id),
                None => format!("an address of #{customer}"),
            },
            Did::Group { before, after, .. } => match after.as_ref().or(before.as_ref()) {
                Some(group) => format!("group '{}'", group.name),
                None => "a group".to_owned(),
            },
            other => format!("#{}", other.customer_id().unwrap_or_default()),
        }
    }

    /// The customer it changed, by its id on the store (a group's change: none).
    pub fn customer_id(&self) -> Option<i64> {
        match self {
            Did::Edited { customer, .. }
            | Did::Deleted { customer }
            | Did::Address { customer, .. } => Some(*customer),
            Did::Created { customer } => Some(customer.id),
            Did::Group { .. } => None,
        }
    }
}

/// How one customer's part of a change set ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Changed, as `did` says.
    Done,
    /// The store refused, or could not be reached.
    Failed,
    /// Nothing to send: already so, already gone, or (an undo) already set back.
    Skipped,
    /// An undo found the customer changed since: left with the newer values.
    Conflict,
    /// An undo found that the change it undoes never reached the store (its request was cut
    /// off): nothing to set back.
    Unchanged,
}

/// One field an undo would have set back, but found changed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldConflict {
    pub field: String,
    /// What the customer has now.
    pub now: String,
    /// What the change set left there.
    pub left: String,
    /// What undo wanted to set back.
    pub wanted: String,
}

/// What came of one customer's part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerOutcome {
    pub result: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub did: Option<Did>,
    /// Why it failed, was skipped or is a conflict, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FieldConflict>,
}

/// A line of a change set's own file. `key` names the customer the line is about: its id for
/// edits and deletes, its id in the backup for a restore, a number of its own for a create;
/// an undo's lines use the keys of the change set it undoes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerLine {
    Intent { key: i64, intent: Intent },
    Outcome { key: i64, outcome: CustomerOutcome },
}
