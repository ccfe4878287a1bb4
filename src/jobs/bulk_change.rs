//! What a bulk edit does to each customer, and its review: the same fields set on every
//! customer, store credit added or subtracted (never below 0), a line appended to the notes;
//! only what changes for a customer is sent.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::domain::rules::MAX_STORE_CREDIT;
use crate::domain::{Customer, CustomerChange, Field, FieldValues, Value};

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
    /// Customers whose store credit would go above what the store allows, with the first.
    pub over_limit: u64,
    pub over_limit_example: Option<String>,
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
        if let Some(Value::Amount(credit)) = changes.fields.get(&Field::StoreCredit)
            && *credit > MAX_STORE_CREDIT
        {
            self.over_limit += 1;
            self.over_limit_example.get_or_insert_with(|| {
                format!(
                    "#{} {} has {}",
                    customer.id,
                    customer.email,
                    crate::domain::format_credit(customer.store_credit)
                )
            });
        }
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

    /// The requests the bulk edit will send, at a quota of this many a second: a PUT per
    /// customer that changes, its backup by pages of ids, and those customers read again a
    /// page at a time as they are written (a page lasts 10 s of writes at most).
    pub fn requests(&self, per_second: Option<f64>) -> u64 {
        let pages = |n: u64| n.div_ceil(crate::store::MAX_PAGE_SIZE);
        let writes = self.customers.saturating_sub(self.already_so);
        let fresh_page = per_second
            .map(|rate| (rate * 10.0).floor() as u64)
            .unwrap_or(crate::store::MAX_PAGE_SIZE)
            .clamp(1, crate::store::MAX_PAGE_SIZE);
        writes + pages(self.customers) + writes.div_ceil(fresh_page)
    }

    /// Why the change cannot be made as reviewed, when it cannot: nothing is sent then.
    pub fn refusal(&self) -> Option<String> {
        (self.over_limit > 0).then(|| {
            format!(
                "{} would have more store credit than the store allows (9,999,999,999.9999), e.g. {}; nothing was sent",
                crate::format::customers(self.over_limit),
                self.over_limit_example.as_deref().unwrap_or_default()
            )
        })
    }

    /// The review in lines, e.g. "customer_group_id: 1 ×212 · 3 ×3 → 2".
    pub fn lines(&self, change: &BulkChange) -> Vec<String> {
        self.lines_naming(change, |id| id.to_string())
    }

    /// The same, with groups by name: "group: Retail ×212 · VIP ×3 → Wholesale".
    pub fn lines_naming(&self, change: &BulkChange, group: impl Fn(i64) -> String) -> Vec<String> {
        let mut lines = vec![format!(
            "This changes {}; {} already have the new values (nothing is sent for them).",
            crate::format::customers(self.customers),
            crate::format::thousands(self.already_so)
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

/// A value whole, on one line (a line break shows as ⏎): a review hides nothing that
/// will change.
fn shown(value: &Value) -> String {
    let text = value.to_string().replace("\r\n", "\n").replace('\n', " ⏎ ");
    if text.is_empty() {
        "(empty)".to_owned()
    } else {
        text
    }
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
