//! What undo does for each customer of a change set: from what the change did (or was about
//! to do), followed to where the customer is now.

use std::collections::{BTreeMap, HashMap};

use crate::domain::{Address, Customer, CustomerChange, CustomerGroup, Field, Value};
use crate::jobs::JobError;
use crate::jobs::backup::backup_customers;
use crate::jobs::records::CustomerRecord;
use crate::ledger::{ChangeSet, CustomerOutcome, Did, Entry, Intent};

/// What undo does for one customer.
#[derive(Debug, Clone)]
pub(super) enum Plan {
    /// Set these fields back, if the customer still holds what the change left.
    SetBack {
        customer: i64,
        before: CustomerChange,
        after: CustomerChange,
        /// What the change left, when its answer came; unknown when it was cut off, and of
        /// no use once the customer was re-created (a restore gives it a new date).
        date_modified: Option<String>,
    },
    /// Create again from the change set's backup.
    Recreate { customer: i64 },
    /// A created customer, to judge (and back up) before any delete.
    Judge(Created),
    /// A created customer, judged: deleted, or left with why.
    Remove(Removal),
    /// One address to take back to `before` (none: deleted) from `after` (none: it was
    /// deleted). `known`: the change's answer came; else the store tells whether it happened.
    Address {
        customer: i64,
        before: Option<Box<Address>>,
        after: Option<Box<Address>>,
        known: bool,
    },
    /// A group to take back likewise; `members`: the customers a delete left in no group.
    Group {
        before: Option<Box<CustomerGroup>>,
        after: Option<Box<CustomerGroup>>,
        members: Vec<i64>,
        known: bool,
    },
}

/// A customer a change created.
#[derive(Debug, Clone)]
pub(super) enum Created {
    /// As the store answered the create (and whether it was re-created since, under a new
    /// id and date).
    Known(Box<Customer>, bool),
    /// The create's answer never came: found by the email it was sent with.
    ByEmail(String),
}

/// A created customer's fate, decided (and backed up) before any delete.
#[derive(Debug, Clone)]
pub(super) enum Removal {
    Delete { customer: i64 },
    Left(CustomerOutcome),
}

/// What undo does for a customer, from what the change did (or, when its answer never
/// came, what it was about to do).
pub(super) fn plan_for(entry: &Entry) -> Option<Plan> {
    let intent = entry.intent.as_ref();
    Some(match (entry.did(), intent) {
        (
            Some(Did::Edited {
                customer,
                before,
                after,
                date_modified,
            }),
            _,
        ) => Plan::SetBack {
            customer: *customer,
            before: before.clone(),
            after: after.clone(),
            date_modified: Some(date_modified.clone()),
        },
        (Some(Did::Deleted { customer }), _) => Plan::Recreate {
            customer: *customer,
        },
        (Some(Did::Created { customer }), _) => {
            Plan::Judge(Created::Known(customer.clone(), false))
        }
        (
            None,
            Some(Intent::Edit {
                customer,
                before,
                after,
            }),
        ) => Plan::SetBack {
            customer: *customer,
            before: before.clone(),
            after: after.clone(),
            date_modified: None,
        },
        (None, Some(Intent::Delete { customer })) => Plan::Recreate {
            customer: *customer,
        },
        (None, Some(Intent::Create { fields })) => Plan::Judge(Created::ByEmail(
            fields
                .fields
                .get(&Field::Email)
                .map(ToString::to_string)
                .unwrap_or_default(),
        )),
        (
            Some(Did::Address {
                customer,
                before,
                after,
            }),
            _,
        ) => Plan::Address {
            customer: *customer,
            before: before.clone(),
            after: after.clone(),
            known: true,
        },
        (
            None,
            Some(Intent::Address {
                customer,
                before,
                after,
            }),
        ) => Plan::Address {
            customer: *customer,
            before: before.clone(),
            after: after
                .as_ref()
                .map(|change| Box::new(before.clone().unwrap_or_default().with(change))),
            known: false,
        },
        (
            Some(Did::Group {
                before,
                after,
                members,
                ..
            }),
            _,
        ) => Plan::Group {
            before: before.clone(),
            after: after.clone(),
            members: members.clone(),
            known: true,
        },
        (
            None,
            Some(Intent::Group {
                before,
                after,
                members,
            }),
        ) => Plan::Group {
            before: before.clone(),
            after: after
                .as_ref()
                .map(|change| Box::new(before.clone().unwrap_or_default().with(change))),
            members: members.clone(),
            known: false,
        },
        (None, None) => return None,
    })
}

/// Where an id lives now, followed through each undo that created its thing again; a cycle
/// cannot happen, but is never followed far.
fn followed(moved: &BTreeMap<i64, i64>, mut id: i64) -> i64 {
    for _ in 0..64 {
        match moved.get(&id) {
            Some(next) if *next != id => id = *next,
            _ => break,
        }
    }
    id
}

/// A change's customer group in terms of the store now: a group deleted and created again
/// by an undo has a new id.
fn in_groups_now(mut change: CustomerChange, moved_groups: &BTreeMap<i64, i64>) -> CustomerChange {
    if let Some(Value::Group(id)) = change.fields.get_mut(&Field::CustomerGroupId) {
        *id = followed(moved_groups, *id);
    }
    change
}

/// A plan as it stands now: a customer deleted and restored since is undone under its new
/// id, by its fields (its date is the restore's); another is expected to have the date this
/// program's last change to it left; a group created again by an undo, by its new id.
pub(super) fn relocated(
    plan: Plan,
    moved: &BTreeMap<i64, i64>,
    moved_groups: &BTreeMap<i64, i64>,
    moved_addresses: &BTreeMap<i64, i64>,
    last_dates: &BTreeMap<i64, String>,
) -> Plan {
    let plan = match plan {
        Plan::SetBack {
            customer,
            before,
            after,
            date_modified,
        } => Plan::SetBack {
            customer,
            before: in_groups_now(before, moved_groups),
            after: in_groups_now(after, moved_groups),
            date_modified,
        },
        other => other,
    };
    let now = |id: i64| followed(moved, id);
    match plan {
        Plan::SetBack {
            customer,
            before,
            after,
            date_modified,
        } if now(customer) != customer => Plan::SetBack {
            customer: now(customer),
            before,
            after,
            date_modified: date_modified.filter(|_| false),
        },
        Plan::SetBack {
            customer,
            before,
            after,
            date_modified: Some(_),
        } => Plan::SetBack {
            customer,
            before,
            after,
            date_modified: last_dates.get(&customer).cloned(),
        },
        Plan::Judge(Created::Known(mut created, _)) if now(created.id) != created.id => {
            created.id = now(created.id);
            Plan::Judge(Created::Known(created, true))
        }
        Plan::Address {
            customer,
            before,
            mut after,
            known,
        } => {
            if let Some(address) = after.as_mut() {
                address.id = followed(moved_addresses, address.id);
            }
            Plan::Address {
                customer: now(customer),
                before,
                after,
                known,
            }
        }
        Plan::Group {
            before,
            mut after,
            members,
            known,
        } => {
            if let Some(group) = after.as_mut() {
                group.id = followed(moved_groups, group.id);
            }
            Plan::Group {
                before,
                after,
                members: members.into_iter().map(now).collect(),
                known,
            }
        }
        Plan::Judge(Created::Known(mut created, moved)) => {
            if let Some(date) = last_dates.get(&created.id) {
                created.date_modified = date.clone();
            }
            Plan::Judge(Created::Known(created, moved))
        }
        other => other,
    }
}

/// The records of the customers to re-create, read once from the undone set's backup.
pub(super) fn recreated_records(
    set: &ChangeSet,
    plans: &[(i64, Plan)],
) -> Result<HashMap<i64, CustomerRecord>, JobError> {
    let wanted: Vec<i64> = plans
        .iter()
        .filter_map(|(_, plan)| match plan {
            Plan::Recreate { customer } => Some(*customer),
            _ => None,
        })
        .collect();
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let backup = set.backup.as_deref().ok_or_else(|| {
        JobError::Refused(format!(
            "change set {} has no backup to re-create its customers from",
            set.id
        ))
    })?;
    let mut records = HashMap::new();
    for line in backup_customers(backup, Some(&wanted))? {
        let line = line?;
        records.insert(line.record.customer.id, line.record);
    }
    Ok(records)
}

/// What undoing an address or group change will do, in a line or two.
pub(super) fn in_words(plan: &Plan) -> Vec<String> {
    match plan {
        Plan::Address {
            customer,
            before,
            after,
            ..
        } => match (before, after) {
            (None, Some(created)) => vec![
                format!("Delete the address this added to #{customer}:"),
                format!("{}.", created.one_line()),
                "Changed since, it is left alone (a conflict).".to_owned(),
            ],
            (Some(was), Some(left)) => vec![
                format!(
                    "Set back address {} of #{customer} ({}) to:",
                    left.id,
                    was.differences(left).join(", ")
                ),
                format!("{}.", was.one_line()),
                "Changed since, it keeps its newer values (a conflict).".to_owned(),
            ],
            (Some(was), _) => vec![
                format!("Create again the address this deleted from #{customer}:"),
                format!("{} (it gets a new id).", was.one_line()),
            ],
            (None, None) => Vec::new(),
        },
        Plan::Group {
            before,
            after,
            members,
            ..
        } => match (before, after) {
            (None, Some(created)) => vec![
                format!("Delete the customer group '{}' this created.", created.name),
                "If customers joined it since, it is left alone (a conflict).".to_owned(),
            ],
            (Some(was), Some(left)) => vec![format!(
                "Set customer group '{}' back to '{}'{}, unless changed since.",
                left.name,
                was.name,
                if was.is_default != left.is_default {
                    if was.is_default {
                        " (the default group)"
                    } else {
                        " (not the default group)"
                    }
                } else {
                    ""
                }
            )],
            (Some(was), _) => vec![
                format!(
                    "Create the customer group '{}' again (it gets a new id), and put",
                    was.name
                ),
                format!(
                    "its {} back in it (those still in no group).",
                    crate::format::customers(members.len() as u64)
                ),
            ],
            (None, None) => Vec::new(),
        },
        _ => Vec::new(),
    }
}
