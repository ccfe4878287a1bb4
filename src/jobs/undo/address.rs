//! Undoing one address change: a new address deleted, a changed one set back, a deleted one
//! created again — each only where the address still holds what the change left.

use super::customer::{Effect, conflict, effect_of, unchanged};
use crate::domain::Address;
use crate::jobs::run::Shared;
use crate::jobs::service::{done, failed, skipped};
use crate::ledger::{CustomerOutcome, Did, FieldConflict, Intent};
use crate::store::{ApiError, SharedStore};

/// Takes one address back from `after` to `before`, recorded under `key`.
pub(super) async fn undo_address(
    store: &SharedStore,
    shared: &Shared<'_>,
    key: i64,
    customer: i64,
    before: Option<Box<Address>>,
    after: Option<Box<Address>>,
    known: bool,
) -> Option<(CustomerOutcome, Effect)> {
    let (before, after) = (before.map(|was| *was), after.map(|left| *left));
    let finish = |outcome: CustomerOutcome| {
        let effect = effect_of(key, &outcome);
        Some((outcome, effect))
    };
    let addresses = match store.addresses(customer).await {
        Ok(addresses) => addresses,
        Err(ApiError::Status { status: 404, .. }) => {
            return finish(conflict(
                "its customer was deleted since".to_owned(),
                Vec::new(),
            ));
        }
        Err(error) => return finish(failed(&error)),
    };
    // By id; one re-created since (its customer restored) by what it holds.
    let find = |wanted: &Address| {
        addresses
            .iter()
            .find(|found| wanted.id != 0 && found.id == wanted.id)
            .or_else(|| {
                addresses
                    .iter()
                    .find(|found| found.differences(wanted).is_empty())
            })
            .cloned()
    };
    match (before, after) {
        // Created: deleted again, if as it was created.
        (None, Some(created)) => {
            let Some(now) = find(&created) else {
                return finish(if known {
                    skipped("already gone")
                } else {
                    unchanged()
                });
            };
            let differ = now.differences(&created);
            if !differ.is_empty() {
                return finish(changed_since(&now, &created, None, &differ));
            }
            let intent = Intent::Address {
                customer,
                before: Some(Box::new(now.clone())),
                after: None,
            };
            if !shared.intend(key, intent) {
                return None;
            }
            let outcome = match store.delete_address(customer, now.id).await {
                Ok(()) => done(Did::Address {
                    customer,
                    before: Some(Box::new(now.clone())),
                    after: None,
                }),
                Err(ApiError::Status { status: 404, .. }) => skipped("already gone"),
                Err(error) => failed(&error),
            };
            let effect = match outcome.did {
                Some(_) => Effect::AddressGone(now.id),
                None => effect_of(key, &outcome),
            };
            Some((outcome, effect))
        }
        // Changed: the fields it changed set back, if they hold what it left.
        (Some(was), Some(left)) => {
            let Some(now) = find(&left) else {
                return finish(conflict("deleted since".to_owned(), Vec::new()));
            };
            let changed = was.differences(&left);
            let differ: Vec<&str> = changed
                .iter()
                .copied()
                .filter(|name| now.field(name).trim() != left.field(name).trim())
                .collect();
            if !differ.is_empty() {
                let back_already = changed
                    .iter()
                    .all(|name| now.field(name).trim() == was.field(name).trim());
                return finish(match (back_already, known) {
                    (true, false) => unchanged(),
                    (true, true) => skipped("as it was before already"),
                    _ => changed_since(&now, &left, Some(&was), &differ),
                });
            }
            let change: crate::domain::AddressChange = was
                .writable()
                .into_iter()
                .filter(|(name, _)| changed.contains(&name.as_str()))
                .collect();
            let intent = Intent::Address {
                customer,
                before: Some(Box::new(now.clone())),
                after: Some(change.clone()),
            };
            if !shared.intend(key, intent) {
                return None;
            }
            let outcome = match store.update_address(customer, now.id, &change).await {
                Ok(saved) => {
                    let outcome = done(Did::Address {
                        customer,
                        before: Some(Box::new(now)),
                        after: Some(Box::new(saved.clone())),
                    });
                    return Some((outcome, Effect::AddressKept(Box::new(saved))));
                }
                Err(error) => failed(&error),
            };
            finish(outcome)
        }
        // Deleted: created again from what it held, unless it is back already.
        (Some(was), None) => {
            if !known && addresses.iter().any(|found| found.id == was.id) {
                return finish(unchanged());
            }
            if addresses
                .iter()
                .any(|found| found.differences(&was).is_empty())
            {
                return finish(skipped("back already"));
            }
            let fields = was.writable();
            let intent = Intent::Address {
                customer,
                before: None,
                after: Some(fields.clone()),
            };
            if !shared.intend(key, intent) {
                return None;
            }
            match store.create_address(customer, &fields).await {
                Ok(created) => {
                    let outcome = done(Did::Address {
                        customer,
                        before: None,
                        after: Some(Box::new(created.clone())),
                    });
                    Some((outcome, Effect::AddressKept(Box::new(created))))
                }
                Err(error) => finish(failed(&error)),
            }
        }
        (None, None) => finish(unchanged()),
    }
}

/// A conflict naming each field that holds neither what the change left nor what undo wants.
fn changed_since(
    now: &Address,
    left: &Address,
    wanted: Option<&Address>,
    fields: &[&str],
) -> CustomerOutcome {
    conflict(
        "changed since".to_owned(),
        fields
            .iter()
            .map(|name| FieldConflict {
                field: (*name).to_owned(),
                now: now.field(name).to_owned(),
                left: left.field(name).to_owned(),
                wanted: wanted
                    .map_or_else(|| "(deleted)".to_owned(), |was| was.field(name).to_owned()),
            })
            .collect(),
    )
}
