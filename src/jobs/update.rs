//! Changing many customers at once: the same fields set on every customer of a selection,
//! store credit added or subtracted (never below 0), a line appended to the notes. The
//! selection is backed up first; each customer then gets one PUT with only the fields that
//! change for it, computed from the customer as read just before, so that an edit made
//! meanwhile by someone else is never overwritten blindly.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Mutex;

use futures::StreamExt;
use rust_decimal::Decimal;

use super::backup::{back_up, backup_customers};
use super::review::Selection;
use super::run::{Each, Shared, run_each};
use super::service::{Service, done, failed, into_inner, skipped};
use super::{Cancel, Failed, JobError, Progress, Report, Step};
use crate::domain::{Customer, CustomerChange, Field, FieldValues, Value};
use crate::ledger::{CustomerOutcome, Did, Intent, Kind};
use crate::store::{ApiError, MAX_PAGE_SIZE, SharedStore};

/// What a bulk edit does to each customer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BulkChange {
    /// Fields set to one value for everyone.
    pub set: FieldValues,
    pub add_store_credit: Option<Decimal>,
    pub subtract_store_credit: Option<Decimal>,
    /// A line added at the end of the notes.
    pub append_notes: Option<String>,
    /// Every customer must set a new password at next login.
    pub force_reset: bool,
}

impl BulkChange {
    /// Takes `FIELD=VALUE`, checked with the store's rules (the form's).
    pub fn set_field(&mut self, assignment: &str) -> Result<(), String> {
        let (name, text) = assignment
            .split_once('=')
            .ok_or_else(|| format!("'{assignment}' is not FIELD=VALUE"))?;
        let name = name.trim();
        let field = Field::named(name).ok_or_else(|| {
            let names: Vec<&str> = Field::ALL.iter().map(|field| field.name()).collect();
            format!(
                "'{name}' is not a field that can be set; these can: {}",
                names.join(", ")
            )
        })?;
        let value = field
            .parse(text)
            .map_err(|problem| format!("{name}: '{text}' is not {problem}"))?;
        self.set.insert(field, value);
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
            && self.add_store_credit.is_none()
            && self.subtract_store_credit.is_none()
            && self.append_notes.is_none()
            && !self.force_reset
    }

    /// "store_credit +1, notes with a line added", for the ledger.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .set
            .iter()
            .map(|(field, value)| format!("{field} = {value}"))
            .collect();
        if let Some(add) = self.add_store_credit {
            parts.push(format!("store_credit +{add}"));
        }
        if let Some(subtract) = self.subtract_store_credit {
            parts.push(format!("store_credit −{subtract}"));
        }
        if self.append_notes.is_some() {
            parts.push("a line added to the notes".to_owned());
        }
        if self.force_reset {
            parts.push("a new password at next login".to_owned());
        }
        parts.join(", ")
    }

    /// The fields this change touches, in the field list's order.
    pub fn fields(&self) -> Vec<Field> {
        let mut fields: Vec<Field> = self.set.keys().copied().collect();
        if self.add_store_credit.is_some() || self.subtract_store_credit.is_some() {
            fields.push(Field::StoreCredit);
        }
        if self.append_notes.is_some() {
            fields.push(Field::Notes);
        }
        fields.sort();
        fields.dedup();
        fields
    }

    /// The fields that change for this customer as it is now (only those that differ), and
    /// whether its store credit stopped at 0.
    pub fn changes_for(&self, customer: &Customer) -> (CustomerChange, bool) {
        let mut change = CustomerChange {
            fields: self.set.clone(),
            ..CustomerChange::default()
        };
        let mut stopped_at_zero = false;
        if self.add_store_credit.is_some() || self.subtract_store_credit.is_some() {
            let mut credit = customer.store_credit + self.add_store_credit.unwrap_or_default()
                - self.subtract_store_credit.unwrap_or_default();
            if credit < Decimal::ZERO {
                credit = Decimal::ZERO;
                stopped_at_zero = true;
            }
            change
                .fields
                .insert(Field::StoreCredit, Value::Amount(credit));
        }
        if let Some(line) = &self.append_notes {
            let notes = if customer.notes.is_empty() {
                line.clone()
            } else {
                format!("{}\n{line}", customer.notes)
            };
            change.fields.insert(Field::Notes, Value::Text(notes));
        }
        if self.force_reset {
            change.force_password_reset = Some(true);
        }
        (change.minus(customer), stopped_at_zero)
    }
}

fn amount(text: &str) -> Result<Decimal, String> {
    crate::domain::rules::parse_store_credit(text).map_err(|problem| format!("'{text}': {problem}"))
}

/// An amount of store credit to add or subtract, checked like the form's.
pub fn credit_amount(text: &str) -> Result<Decimal, String> {
    Decimal::from_str(text.trim())
        .map_err(|_| format!("'{text}' is not an amount such as 12.50"))
        .and_then(|_| amount(text))
}

/// What a bulk edit will do, said before it is done.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Review {
    /// The customers read, by id: the bulk edit acts on exactly these.
    pub ids: Vec<i64>,
    pub customers: u64,
    /// Customers that have every new value already: no request is sent for them.
    pub already_so: u64,
    /// Customers whose store credit would stop at 0.
    pub stop_at_zero: u64,
    /// For each field that changes: the values customers have now, with how many have each.
    pub now: BTreeMap<Field, BTreeMap<String, u64>>,
    /// A few customers, old → new.
    pub examples: Vec<String>,
}

impl Review {
    pub fn add(&mut self, customer: &Customer, change: &BulkChange) {
        self.customers += 1;
        self.ids.push(customer.id);
        let (changes, stopped) = change.changes_for(customer);
        if changes.is_empty() {
            self.already_so += 1;
        }
        self.stop_at_zero += u64::from(stopped);
        for field in change.fields() {
            let shown = shown(&field.read(customer));
            *self.now.entry(field).or_default().entry(shown).or_default() += 1;
        }
        if self.examples.len() < 3 && !changes.is_empty() {
            let mut each: Vec<String> = changes
                .fields
                .iter()
                .map(|(field, new)| {
                    format!("{field} {} → {}", shown(&field.read(customer)), shown(new))
                })
                .collect();
            if changes.force_password_reset.is_some() {
                each.push("a new password at next login".to_owned());
            }
            self.examples.push(format!(
                "#{} {}: {}",
                customer.id,
                customer.email,
                each.join(", ")
            ));
        }
    }

    /// The review in lines, e.g. "customer_group_id: 1 ×212 · 3 ×3 → 2".
    pub fn lines(&self, change: &BulkChange) -> Vec<String> {
        self.lines_naming(change, |id| id.to_string())
    }

    /// The same, with groups by name: "group: Retail ×212 · VIP ×3 → Wholesale".
    pub fn lines_naming(&self, change: &BulkChange, group: impl Fn(i64) -> String) -> Vec<String> {
        let mut lines = vec![format!(
            "This changes {} customers; {} already have the new values (nothing is sent for them).",
            self.customers, self.already_so
        )];
        for (field, values) in &self.now {
            let is_group = *field == Field::CustomerGroupId;
            let named = |value: &str| match value.parse::<i64>() {
                Ok(id) if is_group => group(id),
                _ => value.to_owned(),
            };
            let now: Vec<String> = values
                .iter()
                .take(6)
                .map(|(value, count)| format!("{} ×{count}", named(value)))
                .collect();
            let new = match (field, change.set.get(field)) {
                (_, Some(value)) => named(&shown(value)),
                (Field::Notes, None) => "with a line added".to_owned(),
                _ => match (change.add_store_credit, change.subtract_store_credit) {
                    (Some(add), _) => format!("+{add}"),
                    (_, Some(subtract)) => format!("−{subtract}"),
                    _ => String::new(),
                },
            };
            let field = if is_group { "group" } else { field.name() };
            lines.push(format!("  {field}: {} → {new}", now.join(" · ")));
        }
        if self.stop_at_zero > 0 {
            lines.push(format!(
                "  {} would go below 0: their store credit stops at 0.",
                self.stop_at_zero
            ));
        }
        lines.extend(
            self.examples
                .iter()
                .map(|example| format!("  e.g. {example}")),
        );
        lines
    }
}

fn shown(value: &Value) -> String {
    let text: String = value.to_string().chars().take(40).collect();
    if text.is_empty() {
        "(empty)".to_owned()
    } else {
        text
    }
}

/// What a bulk edit did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Updated {
    /// Its change set in the ledger.
    pub change_set: u64,
    pub backup: std::path::PathBuf,
    pub report: Report,
    /// Why it stopped early, when something stopped it.
    pub stopped: Option<String>,
    /// Customers that had the new values already.
    pub already_so: u64,
    /// Customers changed by someone else since the backup: read again and recomputed.
    pub recomputed: u64,
}

impl Updated {
    /// "212 updated, 3 already so, 0 failed".
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} updated, {} already so, {} failed",
            crate::format::thousands(self.report.done),
            crate::format::thousands(self.already_so),
            self.report.failed.len()
        );
        if self.recomputed > 0 {
            text.push_str(&format!(
                ", {} changed meanwhile and recomputed",
                self.recomputed
            ));
        }
        if self.report.not_attempted > 0 {
            text.push_str(&format!(
                ", {} left alone (cancelled)",
                self.report.not_attempted
            ));
        }
        if self.report.already_gone > 0 {
            text.push_str(&format!(", {} already gone", self.report.already_gone));
        }
        if let Some(stopped) = &self.stopped {
            text.push_str(&format!("; stopped: {stopped}"));
        }
        text
    }
}

/// Reads the reviewed customers as they are now and says what the change would do to them;
/// the review holds their ids, and the job acts on exactly those.
pub async fn review(
    store: &SharedStore,
    selection: &Selection,
    change: &BulkChange,
) -> Result<Review, ApiError> {
    let mut review = Review::default();
    match selection {
        Selection::Ids(ids) => {
            for chunk in ids.chunks(MAX_PAGE_SIZE as usize) {
                for customer in store.read_many(chunk).await? {
                    review.add(&customer, change);
                }
            }
        }
        Selection::Matching { filter, except } => {
            let (_, pages) = store
                .all_pages(filter, store.capabilities().concurrency)
                .await?;
            let mut pages = std::pin::pin!(pages);
            while let Some(page) = pages.next().await {
                for customer in page? {
                    if !except.contains(&customer.id) {
                        review.add(&customer, change);
                    }
                }
            }
        }
    }
    review.ids.sort_unstable();
    review.ids.dedup();
    Ok(review)
}

impl Service {
    /// Backs up the reviewed customers, then changes each: read again just before (an edit
    /// made since the backup is never overwritten blindly), sent only what changes for it,
    /// each in the ledger before its request.
    pub async fn bulk_edit(
        &self,
        ids: &[i64],
        change: &BulkChange,
        cancel: &Cancel,
        mut progress: impl FnMut(Progress),
    ) -> Result<Updated, JobError> {
        let recorder = self.begin(Kind::BulkEdit, ids.to_vec(), true, None, change.describe())?;
        let backup = recorder
            .backup()
            .map(std::path::PathBuf::from)
            .unwrap_or_default();
        let header = self.header(&recorder, Kind::BulkEdit);
        let backed_up =
            match back_up(self.store(), ids, &backup, &header, cancel, &mut progress).await {
                Ok(backed_up) => backed_up,
                Err(error) => {
                    recorder.end(cancel.is_cancelled(), Some(error.to_string()))?;
                    return Err(error);
                }
            };
        let change_set = recorder.id();
        let recorder = Mutex::new(recorder);
        let shared = Shared::new(&recorder);
        let total = backed_up.ids.len() as u64;
        let records =
            backup_customers(&backup, None)?.filter_map(|line| Some(line.ok()?.record.customer));
        let mut updated = Updated {
            change_set,
            backup: backup.clone(),
            ..Updated::default()
        };
        updated.report.already_gone = backed_up.already_gone;
        let store = self.store();
        let mut seen = 0;
        let mut saved = Vec::new();
        let run = run_each(
            records,
            total,
            store.capabilities().concurrency,
            cancel,
            &shared,
            |backed| {
                let shared = &shared;
                async move {
                    let id = backed.id;
                    let (outcome, value) = update_one(store, shared, change, backed).await?;
                    Some(Each {
                        key: id,
                        outcome,
                        value: (id, value),
                    })
                }
            },
            |(id, result)| {
                match result {
                    Ok(Updating::Updated { recomputed, now }) => {
                        updated.report.done += 1;
                        updated.report.ids.push(id);
                        updated.recomputed += u64::from(recomputed);
                        saved.push(*now);
                    }
                    Ok(Updating::AlreadySo) => updated.already_so += 1,
                    Ok(Updating::Gone) => updated.report.already_gone += 1,
                    Err(error) => updated.report.failed.push(Failed {
                        who: format!("customer {id}"),
                        why: error.to_string(),
                    }),
                }
                seen += 1;
                progress(Progress {
                    step: Step::Updating,
                    done: seen,
                    total,
                });
            },
        )
        .await;
        updated.report.not_attempted = run.not_started;
        updated.report.ids.sort_unstable();
        updated.stopped = run.ledger_failed.map(|error| {
            format!("{error}; nothing more was sent (what was under way is kept as unknown in the ledger)")
        });
        let ended = into_inner(recorder).end(cancel.is_cancelled(), updated.stopped.clone());
        self.keep_in_index(saved).await;
        ended?;
        Ok(updated)
    }
}

/// How one customer's part went.
enum Updating {
    Updated {
        recomputed: bool,
        now: Box<Customer>,
    },
    AlreadySo,
    Gone,
}

/// One customer: read again, its change worked out from what it holds now, written in the
/// ledger, then sent. `None` when the ledger could not be written (nothing was sent).
async fn update_one(
    store: &SharedStore,
    shared: &Shared<'_>,
    change: &BulkChange,
    backed: Customer,
) -> Option<(CustomerOutcome, Result<Updating, ApiError>)> {
    let now = match store.get(backed.id).await {
        Ok(now) => now,
        Err(ApiError::Status { status: 404, .. }) => {
            return Some((skipped("already gone"), Ok(Updating::Gone)));
        }
        Err(error) => return Some((failed(&error), Err(error))),
    };
    // Dates have whole seconds: any other difference counts as a change too.
    let recomputed = now.date_modified != backed.date_modified || now != backed;
    let (changes, _) = change.changes_for(&now);
    if changes.is_empty() {
        return Some((skipped("already so"), Ok(Updating::AlreadySo)));
    }
    let before = changes.current_in(&now);
    let intent = Intent::Edit {
        customer: now.id,
        before: before.clone(),
        after: changes.clone(),
    };
    if !shared.intend(now.id, intent) {
        return None;
    }
    Some(match store.update(now.id, &changes).await {
        Ok(saved) => (
            done(Did::Edited {
                customer: now.id,
                before,
                after: changes,
                date_modified: saved.date_modified.clone(),
            }),
            Ok(Updating::Updated {
                recomputed,
                now: Box::new(saved),
            }),
        ),
        Err(error) => (failed(&error), Err(error)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(credit: &str, group: i64, notes: &str) -> Customer {
        Customer {
            id: 1,
            email: "a@example.com".into(),
            store_credit: Decimal::from_str(credit).expect("an amount"),
            customer_group_id: group,
            notes: notes.into(),
            ..Customer::default()
        }
    }

    #[test]
    fn only_what_changes_is_sent_and_credit_never_goes_below_zero() {
        let mut change = BulkChange::default();
        change.set_field("customer_group_id=2").expect("a group");
        change.subtract_store_credit = Some(Decimal::from(5));
        change.append_notes = Some("called".into());
        let (sent, stopped) = change.changes_for(&customer("3.5000", 2, "VIP"));
        assert!(stopped);
        assert_eq!(sent.fields.get(&Field::CustomerGroupId), None, "already so");
        assert_eq!(
            sent.fields.get(&Field::StoreCredit),
            Some(&Value::Amount(Decimal::ZERO))
        );
        assert_eq!(
            sent.fields.get(&Field::Notes),
            Some(&Value::Text("VIP\ncalled".into()))
        );
        assert!(change.set_field("readonly=true").is_err());
        assert!(change.set_field("email=12345").is_err());
        assert!(change.set_field("store_credit=-1").is_err());
    }

    #[test]
    fn the_review_counts_values_now_and_those_already_so() {
        let mut change = BulkChange::default();
        change.set_field("customer_group_id=2").expect("a group");
        let mut review = Review::default();
        for group in [1, 1, 3, 2] {
            review.add(&customer("0", group, ""), &change);
        }
        assert_eq!((review.customers, review.already_so), (4, 1));
        let lines = review.lines(&change).join("\n");
        assert!(lines.contains("group: 1 ×2 · 2 ×1 · 3 ×1 → 2"), "{lines}");
        let names = ["none", "Retail", "Wholesale", "VIP"];
        let named = review
            .lines_naming(&change, |id| names[id as usize].to_owned())
            .join("\n");
        assert!(
            named.contains("group: Retail ×2 · Wholesale ×1 · VIP ×1 → Wholesale"),
            "{named}"
        );
    }
}
