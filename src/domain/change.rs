//! What is asked of a store: a new customer, and a change to one (only the fields that
//! change). A password travels with them but is never kept in a file.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::customer::Customer;
use super::fields::{Field, Value};

/// A secret that never shows in `Debug` output, logs or messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Fields by what they hold, each with its value.
pub type FieldValues = BTreeMap<Field, Value>;

/// A customer to create: the fields given (the rest take the store's defaults: a customer
/// given no group joins the default group), and optionally a password.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewCustomer {
    pub fields: FieldValues,
    pub password: Option<Secret>,
    /// The customer must choose a new password at the next login.
    pub force_password_reset: bool,
}

impl NewCustomer {
    /// A customer as it was, to create again (a restore): every writable field, and a new
    /// password at next login, since a password cannot be brought back.
    pub fn again(customer: &Customer) -> NewCustomer {
        NewCustomer {
            fields: Field::ALL
                .into_iter()
                .map(|field| (field, field.read(customer)))
                .collect(),
            password: None,
            force_password_reset: true,
        }
    }

    pub fn email(&self) -> String {
        self.fields
            .get(&Field::Email)
            .map(ToString::to_string)
            .unwrap_or_default()
    }
}

/// A change to one customer: only the fields that change, a new password, or whether a new
/// password is needed at next login.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CustomerChange {
    pub fields: FieldValues,
    /// Never written to a file.
    pub password: Option<Secret>,
    pub force_password_reset: Option<bool>,
}

impl CustomerChange {
    /// One field set to one value.
    pub fn set(field: Field, value: Value) -> CustomerChange {
        CustomerChange {
            fields: BTreeMap::from([(field, value)]),
            ..CustomerChange::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.password.is_none() && self.force_password_reset.is_none()
    }

    /// The customer with this change made.
    pub fn applied_to(&self, customer: &Customer) -> Customer {
        let mut changed = customer.clone();
        for (field, value) in &self.fields {
            field.write(&mut changed, value);
        }
        if let Some(reset) = self.force_password_reset {
            changed.reset_pass_on_login = reset;
        }
        changed
    }

    /// What this change's fields hold in `customer` now (the reset flag too): the change
    /// that would set them back.
    pub fn current_in(&self, customer: &Customer) -> CustomerChange {
        CustomerChange {
            fields: self
                .fields
                .keys()
                .map(|field| (*field, field.read(customer)))
                .collect(),
            password: None,
            force_password_reset: self
                .force_password_reset
                .map(|_| customer.reset_pass_on_login),
        }
    }

    /// Only what differs from `customer` now.
    pub fn minus(&self, customer: &Customer) -> CustomerChange {
        CustomerChange {
            fields: self
                .fields
                .iter()
                .filter(|(field, value)| field.read(customer) != **value)
                .map(|(field, value)| (*field, value.clone()))
                .collect(),
            password: self.password.clone(),
            force_password_reset: self
                .force_password_reset
                .filter(|reset| *reset != customer.reset_pass_on_login),
        }
    }

    /// Whether `customer` holds every value of this change (a password aside: it cannot be
    /// read).
    pub fn holds_in(&self, customer: &Customer) -> bool {
        self.minus(customer).without_password().is_empty()
    }

    fn without_password(mut self) -> CustomerChange {
        self.password = None;
        self
    }
}

/// Kept as an object of API names to values (`{"store_credit": "5.0000"}`), with
/// `force_password_reset`; the password is never written.
impl Serialize for CustomerChange {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serde_json::Map::new();
        for (field, value) in &self.fields {
            object.insert(field.name().to_owned(), value.to_json());
        }
        if let Some(reset) = self.force_password_reset {
            object.insert("force_password_reset".to_owned(), reset.into());
        }
        object.serialize(serializer)
    }
}

/// Read back from what `Serialize` writes, and from older journals (`_authentication`
/// holding `force_reset`).
impl<'de> Deserialize<'de> for CustomerChange {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let object = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        let mut change = CustomerChange::default();
        for (name, json) in object {
            match name.as_str() {
                "force_password_reset" => change.force_password_reset = json.as_bool(),
                "_authentication" => {
                    change.force_password_reset = json.get("force_reset").and_then(|r| r.as_bool())
                }
                _ => {
                    let field = Field::named(&name).ok_or_else(|| {
                        D::Error::custom(format!("'{name}' is not a field of a customer"))
                    })?;
                    let value = field.from_json(&json).map_err(D::Error::custom)?;
                    change.fields.insert(field, value);
                }
            }
        }
        Ok(change)
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;
    use serde_json::json;

    use super::*;

    #[test]
    fn a_change_is_kept_by_api_names_and_never_with_its_password() {
        let mut change = CustomerChange::set(Field::StoreCredit, Value::Amount(Decimal::new(6, 0)));
        change
            .fields
            .insert(Field::CustomerGroupId, Value::Group(2));
        change.password = Some(Secret::new("secret12"));
        change.force_password_reset = Some(true);
        let json = serde_json::to_value(&change).expect("writes");
        assert_eq!(
            json,
            json!({"store_credit": "6.0000", "customer_group_id": 2, "force_password_reset": true})
        );
        let back: CustomerChange = serde_json::from_value(json).expect("reads");
        assert_eq!(back.password, None);
        assert_eq!(back.fields, change.fields);
        let old: CustomerChange = serde_json::from_value(
            json!({"notes": "x", "_authentication": {"force_reset": false}}),
        )
        .expect("an older journal's entry");
        assert_eq!(old.force_password_reset, Some(false));
        assert!(serde_json::from_value::<CustomerChange>(json!({"nickname": "x"})).is_err());
    }

    #[test]
    fn what_differs_and_what_holds() {
        let customer = Customer {
            store_credit: Decimal::new(5, 0),
            notes: "VIP".into(),
            ..Customer::default()
        };
        let mut change = CustomerChange::set(Field::Notes, Value::Text("VIP".into()));
        change
            .fields
            .insert(Field::StoreCredit, Value::Amount(Decimal::new(7, 0)));
        let needed = change.minus(&customer);
        assert_eq!(needed.fields.len(), 1);
        assert!(!change.holds_in(&customer));
        assert!(change.holds_in(&change.applied_to(&customer)));
        assert_eq!(
            change.current_in(&customer).fields.get(&Field::StoreCredit),
            Some(&Value::Amount(Decimal::new(5, 0)))
        );
    }
}
