//! Undoing one customer's change: its fields set back, or it re-created, or deleted, each
//! recorded as it happens.

use std::collections::HashMap;

use super::UndoConflict;
use super::plan::{Plan, Removal};
use crate::domain::{Customer, CustomerChange, Filter};
use crate::jobs::Report;
use crate::jobs::fresh::FreshCopies;
use crate::jobs::records::CustomerRecord;
use crate::jobs::restore::{fields_of, recreate};
use crate::jobs::run::Shared;
use crate::jobs::service::{done, failed, skipped};
use crate::ledger::{CustomerOutcome, Did, FieldConflict, Intent, Verdict};
use crate::store::{ApiError, SharedStore};

/// What undoing one customer did, for the report.
pub(super) enum Effect {
    Kept(Box<Customer>, Report),
    Removed(i64),
    /// An address set back or created again, as the store now has it.
    AddressKept(Box<crate::domain::Address>),
    /// An address deleted, by id.
    AddressGone(i64),
    /// A group set back, deleted or created again.
    GroupChanged,
    Already,
    Unchanged,
    Conflict(UndoConflict),
    /// Failed: who (a customer's email), and why.
    Failed(String, String),
    /// Failed: the key of its line, and why.
    FailedAt(i64, String),
}

pub(super) fn conflict(why: String, fields: Vec<FieldConflict>) -> CustomerOutcome {
    CustomerOutcome {
        result: Verdict::Conflict,
        did: None,
        why: Some(why),
        conflicts: fields,
    }
}

pub(super) fn unchanged() -> CustomerOutcome {
    CustomerOutcome {
        result: Verdict::Unchanged,
        did: None,
        why: Some("the change never reached the store".to_owned()),
        conflicts: Vec::new(),
    }
}

pub(super) fn effect_of(customer: i64, outcome: &CustomerOutcome) -> Effect {
    match outcome.result {
        Verdict::Conflict => Effect::Conflict(UndoConflict {
            customer,
            subject: None,
            why: outcome.why.clone().unwrap_or_default(),
            fields: outcome.conflicts.clone(),
        }),
        Verdict::Unchanged => Effect::Unchanged,
        Verdict::Skipped => Effect::Already,
        Verdict::Failed => Effect::FailedAt(customer, outcome.why.clone().unwrap_or_default()),
        Verdict::Done => Effect::Already,
    }
}

/// Undoes one customer's change. `None` when the ledger could not be written (nothing sent).
pub(super) async fn undo_one(
    store: &SharedStore,
    fresh: &FreshCopies,
    shared: &Shared<'_>,
    key: i64,
    plan: Plan,
    records: &HashMap<i64, CustomerRecord>,
) -> Option<(CustomerOutcome, Effect)> {
    match plan {
        Plan::Address {
            customer,
            before,
            after,
            known,
        } => super::address::undo_address(store, shared, key, customer, before, after, known).await,
        Plan::Group {
            before,
            after,
            members,
            known,
        } => super::group::undo_group(store, shared, key, before, after, members, known).await,
        Plan::SetBack {
            customer,
            before,
            after,
            date_modified,
        } => {
            let changed = (before, after);
            set_back(store, fresh, shared, key, customer, changed, date_modified).await
        }
        Plan::Recreate { customer } => {
            let Some(record) = records.get(&customer) else {
                let outcome = CustomerOutcome {
                    result: Verdict::Failed,
                    did: None,
                    why: Some("not in the backup".to_owned()),
                    conflicts: Vec::new(),
                };
                let effect = effect_of(customer, &outcome);
                return Some((outcome, effect));
            };
            bring_back(store, shared, key, record).await
        }
        Plan::Remove(Removal::Left(outcome)) => {
            let effect = effect_of(key, &outcome);
            Some((outcome, effect))
        }
        Plan::Judge(_) => {
            let outcome = CustomerOutcome {
                result: Verdict::Failed,
                did: None,
                why: Some("not read before its delete".to_owned()),
                conflicts: Vec::new(),
            };
            let effect = effect_of(key, &outcome);
            Some((outcome, effect))
        }
        Plan::Remove(Removal::Delete { customer }) => {
            if !shared.intend(key, Intent::Delete { customer }) {
                return None;
            }
            Some(match store.delete(customer).await {
                Ok(()) => (done(Did::Deleted { customer }), Effect::Removed(customer)),
                Err(ApiError::Status { status: 404, .. }) => {
                    (skipped("already gone"), Effect::Already)
                }
                Err(error) => {
                    let outcome = failed(&error);
                    let effect = effect_of(customer, &outcome);
                    (outcome, effect)
                }
            })
        }
    }
}

/// Sets fields back where the customer holds what the change left; else a conflict naming
/// each field that differs. Recorded under `key`, the customer's key in the undone set (the
/// customer may be there under a newer id, re-created since).
pub(super) async fn set_back(
    store: &SharedStore,
    fresh: &FreshCopies,
    shared: &Shared<'_>,
    key: i64,
    customer: i64,
    (before, after): (CustomerChange, CustomerChange),
    date_modified: Option<String>,
) -> Option<(CustomerOutcome, Effect)> {
    let now = match fresh.get(customer).await {
        Ok(Some(now)) => now,
        Ok(None) => {
            let outcome = conflict("deleted since".to_owned(), Vec::new());
            let effect = effect_of(customer, &outcome);
            return Some((outcome, effect));
        }
        Err(error) => {
            let outcome = failed(&error);
            let effect = effect_of(customer, &outcome);
            return Some((outcome, effect));
        }
    };
    fresh.written(customer).await;
    let left_as_it_was = after.holds_in(&now)
        && date_modified
            .as_ref()
            .is_none_or(|date| *date == now.date_modified);
    if !left_as_it_was {
        if before.holds_in(&now) && !before.fields.is_empty() {
            // Set back already (an undo cut off after its request), or never changed.
            let outcome = if date_modified.is_some() {
                skipped("as it was before already")
            } else {
                unchanged()
            };
            let effect = effect_of(customer, &outcome);
            return Some((outcome, effect));
        }
        let fields: Vec<FieldConflict> = after
            .fields
            .iter()
            .filter(|(field, left)| field.read(&now) != **left)
            .map(|(field, left)| FieldConflict {
                field: field.name().to_owned(),
                now: field.read(&now).to_string(),
                left: left.to_string(),
                wanted: before
                    .fields
                    .get(field)
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            })
            .collect();
        let why = if fields.is_empty() {
            format!("changed since (modified {})", now.date_modified)
        } else {
            "changed since".to_owned()
        };
        let outcome = conflict(why, fields);
        let effect = effect_of(customer, &outcome);
        return Some((outcome, effect));
    }
    let intent = Intent::Edit {
        customer,
        before: after.clone(),
        after: before.clone(),
    };
    if !shared.intend(key, intent) {
        return None;
    }
    Some(match store.update(customer, &before).await {
        Ok(saved) => (
            done(Did::Edited {
                customer,
                before: after,
                after: before,
                date_modified: saved.date_modified.clone(),
            }),
            Effect::Kept(Box::new(saved), Report::default()),
        ),
        Err(error) => {
            let outcome = failed(&error);
            let effect = effect_of(customer, &outcome);
            (outcome, effect)
        }
    })
}

/// Creates a deleted customer again from its backup, unless it is back already (its email
/// taken by a customer of the same name).
pub(super) async fn bring_back(
    store: &SharedStore,
    shared: &Shared<'_>,
    key: i64,
    record: &CustomerRecord,
) -> Option<(CustomerOutcome, Effect)> {
    let intent = Intent::Create {
        fields: fields_of(&record.customer),
    };
    if !shared.intend(key, intent) {
        return None;
    }
    let mut part = Report::default();
    Some(match recreate(store, record, &mut part).await {
        Ok(created) => (
            done(Did::Created {
                customer: Box::new(created.clone()),
            }),
            Effect::Kept(Box::new(created), part),
        ),
        Err(error) if error.status() == Some(409) && error.field() == Some("email") => {
            let filter = Filter {
                email: Some(record.customer.email.clone()),
                ..Filter::default()
            };
            let back = store
                .list(&filter, 1, 1)
                .await
                .ok()
                .and_then(|mut listed| listed.customers.pop())
                .filter(|found| {
                    found.first_name == record.customer.first_name
                        && found.last_name == record.customer.last_name
                });
            match back {
                Some(found) => (
                    skipped(format!("back already as customer {}", found.id)),
                    Effect::Already,
                ),
                None => {
                    let outcome = failed(&error);
                    (
                        outcome,
                        Effect::Failed(record.customer.email.clone(), error.to_string()),
                    )
                }
            }
        }
        Err(error) => {
            let outcome = failed(&error);
            (
                outcome,
                Effect::Failed(record.customer.email.clone(), error.to_string()),
            )
        }
    })
}
