//! One description of each field of a customer: its API name, its label, the store's rule
//! for it, and how to read it from a customer and write it into one. The form, the filter
//! panel, bulk edits, the CSV columns, the command line's `--set` and the ledger's changes
//! are all made from this list.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::customer::{Customer, format_credit};
use super::rules::{field_problem, parse_group_id, parse_store_credit};

/// A field of a customer, by what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    FirstName,
    LastName,
    Email,
    Company,
    Phone,
    StoreCredit,
    CustomerGroupId,
    RegistrationIpAddress,
    Notes,
    TaxExemptCategory,
}

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Four decimal places, 0 or more.
    Amount,
    /// A customer group, by id (0: none).
    Group,
}

impl Field {
    /// Every writable field, in the order forms and tables show them.
    pub const ALL: [Field; 10] = [
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::Company,
        Field::Phone,
        Field::StoreCredit,
        Field::CustomerGroupId,
        Field::RegistrationIpAddress,
        Field::Notes,
        Field::TaxExemptCategory,
    ];

    /// Where the field stands in `ALL` (and in every list made from it).
    pub const fn position(self) -> usize {
        self as usize
    }

    /// The field's name in the API, in files and on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Email => "email",
            Field::Company => "company",
            Field::Phone => "phone",
            Field::StoreCredit => "store_credit",
            Field::CustomerGroupId => "customer_group_id",
            Field::RegistrationIpAddress => "registration_ip_address",
            Field::Notes => "notes",
            Field::TaxExemptCategory => "tax_exempt_category",
        }
    }

    /// The field as a person reads it.
    pub const fn label(self) -> &'static str {
        match self {
            Field::FirstName => "First name",
            Field::LastName => "Last name",
            Field::Email => "Email",
            Field::Company => "Company",
            Field::Phone => "Phone",
            Field::StoreCredit => "Store credit",
            Field::CustomerGroupId => "Customer group",
            Field::RegistrationIpAddress => "Registration IP",
            Field::Notes => "Notes",
            Field::TaxExemptCategory => "Tax-exempt category",
        }
    }

    pub const fn kind(self) -> Kind {
        match self {
            Field::StoreCredit => Kind::Amount,
            Field::CustomerGroupId => Kind::Group,
            _ => Kind::Text,
        }
    }

    /// Whether a new customer must have it.
    pub fn required(self) -> bool {
        matches!(self, Field::FirstName | Field::LastName | Field::Email)
    }

    /// The field of this API name.
    pub fn named(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.name() == name)
    }

    /// What is wrong with this text by the store's rules, if anything; empty store credit
    /// and group mean "not given" and pass.
    pub fn problem(self, text: &str) -> Option<&'static str> {
        field_problem(self.name(), text)
    }

    /// The value typed as `text`, checked by the store's rules (a group by its id).
    pub fn parse(self, text: &str) -> Result<Value, &'static str> {
        if let Some(problem) = self.problem(text) {
            return Err(problem);
        }
        Ok(match self.kind() {
            Kind::Amount if text.trim().is_empty() => Value::Amount(Decimal::ZERO),
            Kind::Amount => Value::Amount(parse_store_credit(text)?),
            Kind::Group if text.trim().is_empty() => Value::Group(0),
            Kind::Group => Value::Group(parse_group_id(text)?),
            // Notes keep their spaces and lines; the rest is trimmed, as the store does.
            Kind::Text if self == Field::Notes => Value::Text(text.to_owned()),
            Kind::Text => Value::Text(text.trim().to_owned()),
        })
    }

    /// The field's value in a customer.
    pub fn read(self, customer: &Customer) -> Value {
        let text = |text: &String| Value::Text(text.clone());
        match self {
            Field::FirstName => text(&customer.first_name),
            Field::LastName => text(&customer.last_name),
            Field::Email => text(&customer.email),
            Field::Company => text(&customer.company),
            Field::Phone => text(&customer.phone),
            Field::StoreCredit => Value::Amount(customer.store_credit),
            Field::CustomerGroupId => Value::Group(customer.customer_group_id),
            Field::RegistrationIpAddress => text(&customer.registration_ip_address),
            Field::Notes => text(&customer.notes),
            Field::TaxExemptCategory => text(&customer.tax_exempt_category),
        }
    }

    /// Sets the field in a customer; a value of another kind is taken as its text.
    pub fn write(self, customer: &mut Customer, value: &Value) {
        let slot = match self {
            Field::StoreCredit => {
                customer.store_credit = match value {
                    Value::Amount(amount) => *amount,
                    other => parse_store_credit(&other.to_string()).unwrap_or_default(),
                };
                return;
            }
            Field::CustomerGroupId => {
                customer.customer_group_id = match value {
                    Value::Group(id) => *id,
                    other => parse_group_id(&other.to_string()).unwrap_or_default(),
                };
                return;
            }
            Field::FirstName => &mut customer.first_name,
            Field::LastName => &mut customer.last_name,
            Field::Email => &mut customer.email,
            Field::Company => &mut customer.company,
            Field::Phone => &mut customer.phone,
            Field::RegistrationIpAddress => &mut customer.registration_ip_address,
            Field::Notes => &mut customer.notes,
            Field::TaxExemptCategory => &mut customer.tax_exempt_category,
        };
        *slot = value.to_string();
    }

    /// The value kept in a file for this field: an amount as the store's text, a group id as
    /// a number (either read back from text or a number).
    pub fn from_json(self, json: &serde_json::Value) -> Result<Value, String> {
        let text = match json {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Number(number) => number.to_string(),
            serde_json::Value::Null => String::new(),
            other => return Err(format!("{}: {other} is not a value", self.name())),
        };
        match self.kind() {
            Kind::Text => Ok(Value::Text(text)),
            _ => self
                .parse(&text)
                .map_err(|problem| format!("{}: '{text}' is not {problem}", self.name())),
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The value of one field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    Text(String),
    Amount(Decimal),
    /// A customer group id.
    Group(i64),
}

impl Value {
    /// As kept in files and sent to the store: text, an amount's four-decimal text, a group
    /// id as a number.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Text(text) => serde_json::Value::String(text.clone()),
            Value::Amount(amount) => serde_json::Value::String(format_credit(*amount)),
            Value::Group(id) => serde_json::Value::from(*id),
        }
    }
}

/// The value as text: an amount with four places.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(text) => f.write_str(text),
            Value::Amount(amount) => f.write_str(&format_credit(*amount)),
            Value::Group(id) => write!(f, "{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_reads_back_what_it_writes() {
        let mut customer = Customer::default();
        for (position, field) in Field::ALL.into_iter().enumerate() {
            assert_eq!(field.position(), position);
            assert_eq!(Field::named(field.name()), Some(field));
            let value = match field.kind() {
                Kind::Text => Value::Text(format!("{field} text")),
                Kind::Amount => Value::Amount(Decimal::new(125, 1)),
                Kind::Group => Value::Group(3),
            };
            field.write(&mut customer, &value);
            assert_eq!(field.read(&customer), value, "{field}");
            assert_eq!(field.from_json(&value.to_json()), Ok(value), "{field}");
        }
        assert_eq!(customer.store_credit.to_string(), "12.5");
        assert_eq!(Field::StoreCredit.read(&customer).to_string(), "12.5000");
    }

    #[test]
    fn typed_values_follow_the_store_rules() {
        assert_eq!(
            Field::Email.parse("12345"),
            Err("an address such as jane@example.com")
        );
        assert_eq!(
            Field::StoreCredit.parse(""),
            Ok(Value::Amount(Decimal::ZERO))
        );
        assert_eq!(Field::CustomerGroupId.parse(" 4 "), Ok(Value::Group(4)));
        assert_eq!(
            Field::Company.parse(" Acme "),
            Ok(Value::Text("Acme".into()))
        );
        assert_eq!(Field::Notes.parse(" a\n"), Ok(Value::Text(" a\n".into())));
    }
}
