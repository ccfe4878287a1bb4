//! Undoing one change to a customer group: a new group deleted (if nobody joined it since), a
//! changed one set back, a deleted one created again with its customers put back in it —
//! those still in no group.

use super::customer::{Effect, conflict, effect_of, unchanged};
use crate::domain::{CustomerChange, CustomerGroup, Field, GroupChange, Value};
use std::collections::BTreeMap;

use crate::jobs::groups::{dates_of, members_of};
use crate::jobs::run::Shared;
use crate::jobs::service::{done, failed, skipped};
use crate::ledger::{CustomerOutcome, Did, FieldConflict, Intent};
use crate::store::{ApiError, SharedStore};

/// Takes one group back from `after` to `before`, recorded under `key`.
pub(super) async fn undo_group(
    store: &SharedStore,
    shared: &Shared<'_>,
    key: i64,
    before: Option<Box<CustomerGroup>>,
    after: Option<Box<CustomerGroup>>,
    members: Vec<i64>,
    known: bool,
) -> Option<(CustomerOutcome, Effect)> {
    let (before, after) = (before.map(|was| *was), after.map(|left| *left));
    let finish = |outcome: CustomerOutcome| {
        let effect = effect_of(key, &outcome);
        Some((outcome, effect))
    };
    let groups = match store.groups().await {
        Ok(groups) => groups,
        Err(error) => return finish(failed(&error)),
    };
    // By id; one created again since (a delete undone) by its name.
    let find = |wanted: &CustomerGroup| {
        groups
            .iter()
            .find(|found| wanted.id != 0 && found.id == wanted.id)
            .or_else(|| {
                groups
                    .iter()
                    .find(|found| found.name.eq_ignore_ascii_case(&wanted.name))
            })
            .cloned()
    };
    match (before, after) {
        // Created: deleted again, if as it was created and nobody joined it since.
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
            let now_members = match members_of(store, now.id).await {
                Ok(ids) => ids,
                Err(error) => return finish(failed(&error)),
            };
            let joined = now_members
                .iter()
                .filter(|id| !members.contains(id))
                .count() as u64;
            if joined > 0 {
                return finish(conflict(
                    format!(
                        "{} joined it since; deleting it would leave them in no group",
                        crate::format::customers(joined)
                    ),
                    Vec::new(),
                ));
            }
            let intent = Intent::Group {
                before: Some(Box::new(now.clone())),
                after: None,
                members: now_members.clone(),
            };
            if !shared.intend(key, intent) {
                return None;
            }
            let outcome = match store.delete_group(now.id).await {
                Ok(()) => done(Did::Group {
                    before: Some(Box::new(now)),
                    after: None,
                    dates: dates_of(store, &now_members).await,
                    members: now_members,
                }),
                Err(ApiError::Status { status: 404, .. }) => skipped("already gone"),
                Err(error) => failed(&error),
            };
            changed(key, outcome)
        }
        // Changed: set back, if it holds what the change left.
        (Some(was), Some(left)) => {
            let Some(now) = find(&left) else {
                return finish(conflict("deleted since".to_owned(), Vec::new()));
            };
            let changes = was.differences(&left);
            let differ: Vec<&str> = changes
                .iter()
                .copied()
                .filter(|name| now.field(name) != left.field(name))
                .collect();
            if !differ.is_empty() {
                let back_already = changes
                    .iter()
                    .all(|name| now.field(name) == was.field(name));
                return finish(match (back_already, known) {
                    (true, false) => unchanged(),
                    (true, true) => skipped("as it was before already"),
                    _ => changed_since(&now, &left, Some(&was), &differ),
                });
            }
            let change = GroupChange {
                name: changes.contains(&"name").then(|| was.name.clone()),
                is_default: changes.contains(&"is_default").then_some(was.is_default),
            };
            let intent = Intent::Group {
                before: Some(Box::new(now.clone())),
                after: Some(change.clone()),
                members: Vec::new(),
            };
            if !shared.intend(key, intent) {
                return None;
            }
            let outcome = match store.update_group(now.id, &change).await {
                Ok(saved) => done(Did::Group {
                    before: Some(Box::new(now)),
                    after: Some(Box::new(saved)),
                    members: Vec::new(),
                    dates: Default::default(),
                }),
                Err(error) => failed(&error),
            };
            changed(key, outcome)
        }
        // Deleted: created again, and its customers still in no group put back in it.
        (Some(was), None) => {
            if !known && groups.iter().any(|found| found.id == was.id) {
                return finish(unchanged());
            }
            if groups
                .iter()
                .any(|found| found.name.eq_ignore_ascii_case(&was.name))
            {
                return finish(skipped("a group of that name is there already"));
            }
            let change = GroupChange {
                name: Some(was.name.clone()),
                is_default: was.is_default.then_some(true),
            };
            let intent = Intent::Group {
                before: None,
                after: Some(change.clone()),
                members: members.clone(),
            };
            if !shared.intend(key, intent) {
                return None;
            }
            let created = match store.create_group(&change).await {
                Ok(created) => created,
                Err(error) => return finish(failed(&error)),
            };
            let dates = put_back(store, &members, created.id).await;
            let put_back: Vec<i64> = dates.keys().copied().collect();
            let mut outcome = done(Did::Group {
                before: None,
                after: Some(Box::new(created)),
                members: put_back.clone(),
                dates,
            });
            let left_out = members.len() - put_back.len();
            if left_out > 0 {
                outcome.why = Some(format!(
                    "{} not put back: in another group now, deleted, or not reached",
                    crate::format::customers(left_out as u64)
                ));
            }
            changed(key, outcome)
        }
        (None, None) => finish(unchanged()),
    }
}

/// Puts each customer still in no group into `group`: those it put back, with the date each
/// was left with.
async fn put_back(store: &SharedStore, members: &[i64], group: i64) -> BTreeMap<i64, String> {
    let Ok(customers) = store.read_many(members).await else {
        return BTreeMap::new();
    };
    let joining: Vec<(i64, CustomerChange)> = customers
        .iter()
        .filter(|customer| customer.customer_group_id == 0)
        .map(|customer| {
            (
                customer.id,
                CustomerChange::set(Field::CustomerGroupId, Value::Group(group)),
            )
        })
        .collect();
    store
        .update_many(&joining)
        .await
        .into_iter()
        .filter_map(Result::ok)
        .map(|saved| (saved.id, saved.date_modified))
        .collect()
}

fn changed(key: i64, outcome: CustomerOutcome) -> Option<(CustomerOutcome, Effect)> {
    let effect = match outcome.did {
        Some(_) => Effect::GroupChanged,
        None => effect_of(key, &outcome),
    };
    Some((outcome, effect))
}

/// A conflict naming each field that holds neither what the change left nor what undo wants.
fn changed_since(
    now: &CustomerGroup,
    left: &CustomerGroup,
    wanted: Option<&CustomerGroup>,
    fields: &[&str],
) -> CustomerOutcome {
    conflict(
        "changed since".to_owned(),
        fields
            .iter()
            .map(|name| FieldConflict {
                field: (*name).to_owned(),
                now: now.field(name),
                left: left.field(name),
                wanted: wanted.map_or_else(|| "(deleted)".to_owned(), |was| was.field(name)),
            })
            .collect(),
    )
}
