//! What undo does for each customer of a change set: from what the change did (or was about
//! to do), followed to where the customer is now.

use std::collections::{BTreeMap, HashMap};

use crate::domain::{Customer, CustomerChange, Field};
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
        (None, None) => return None,
    })
}

/// A plan as it stands now: a customer deleted and restored since is undone under its new
/// id, by its fields (its date is the restore's); another is expected to have the date this
/// program's last change to it left.
pub(super) fn relocated(
    plan: Plan,
    moved: &BTreeMap<i64, i64>,
    last_dates: &BTreeMap<i64, String>,
) -> Plan {
    let now = |mut id: i64| {
        // Followed through each restore; a cycle cannot happen, but is never followed far.
        for _ in 0..64 {
            match moved.get(&id) {
                Some(next) if *next != id => id = *next,
                _ => break,
            }
        }
        id
    };
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
