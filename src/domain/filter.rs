//! Which customers a request is about: every filter of the original resource doc and of the
//! current spec, checked before anything is sent. The same filter serves the list, the count
//! and every job; each backend renders it in its own terms.

use std::fmt;

use rust_decimal::Decimal;

use super::fields::Field;
use crate::dates::{format_api_date, parse_api_date};

/// The fields a filter matches exactly, in the field list's order.
pub const FIELD_FILTERS: [Field; 8] = [
    Field::FirstName,
    Field::LastName,
    Field::Email,
    Field::Company,
    Field::Phone,
    Field::StoreCredit,
    Field::CustomerGroupId,
    Field::TaxExemptCategory,
];

/// The filters that bound a range, by name.
const RANGE_FILTERS: [&str; 6] = [
    "min_id",
    "max_id",
    "min_date_created",
    "max_date_created",
    "min_date_modified",
    "max_date_modified",
];

/// The labels of the range filters, as people read them.
const RANGE_LABELS: [&str; 6] = [
    "Id from",
    "Id up to",
    "Created from",
    "Created up to",
    "Changed from",
    "Changed up to",
];

/// The filters in words, in the order of `FILTER_NAMES`: the fields' labels, then the
/// ranges'.
pub const FILTER_LABELS: [&str; 14] = filter_labels();

const fn filter_labels() -> [&'static str; 14] {
    let mut labels = [""; 14];
    let mut at = 0;
    while at < FIELD_FILTERS.len() {
        labels[at] = FIELD_FILTERS[at].label();
        at += 1;
    }
    while at < labels.len() {
        labels[at] = RANGE_LABELS[at - FIELD_FILTERS.len()];
        at += 1;
    }
    labels
}

/// The filters by their API names, in the order they are shown and sent: the fields, then
/// the ranges.
pub const FILTER_NAMES: [&str; 14] = filter_names();

const fn filter_names() -> [&'static str; 14] {
    let mut names = [""; 14];
    let mut at = 0;
    while at < FIELD_FILTERS.len() {
        names[at] = FIELD_FILTERS[at].name();
        at += 1;
    }
    while at < names.len() {
        names[at] = RANGE_FILTERS[at - FIELD_FILTERS.len()];
        at += 1;
    }
    names
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub store_credit: Option<Decimal>,
    pub customer_group_id: Option<i64>,
    pub tax_exempt_category: Option<String>,
    pub min_id: Option<i64>,
    pub max_id: Option<i64>,
    /// Seconds since the Unix epoch; sent as RFC 2822.
    pub min_date_created: Option<i64>,
    pub max_date_created: Option<i64>,
    pub min_date_modified: Option<i64>,
    pub max_date_modified: Option<i64>,
}

/// A filter value the store would refuse, said so that a person can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FilterError {
    pub field: String,
    pub problem: String,
}

impl FilterError {
    fn new(field: &str, problem: impl Into<String>) -> Self {
        FilterError {
            field: field.to_owned(),
            problem: problem.into(),
        }
    }
}

/// The date forms a filter accepts, for messages and hints.
pub const DATE_FORMS: &str =
    "YYYY-MM-DD, ISO 8601 (2024-05-06T07:34:10Z) or RFC 2822 (Mon, 06 May 2024 07:34:10 +0000)";

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// Sets one filter from text typed by a person or given on the command line. Empty text
    /// clears it. `min_date`/`max_date` are taken as the old names of the creation dates.
    /// A refused value leaves the filter as it was.
    pub fn set(&mut self, name: &str, text: &str) -> Result<(), FilterError> {
        let mut next = self.clone();
        next.set_unchecked(name, text)?;
        next.check_ranges()?;
        *self = next;
        Ok(())
    }

    fn set_unchecked(&mut self, name: &str, text: &str) -> Result<(), FilterError> {
        let text = text.trim();
        let given = (!text.is_empty()).then_some(text);
        match name {
            "first_name" => self.first_name = given.map(str::to_owned),
            "last_name" => self.last_name = given.map(str::to_owned),
            "email" => self.email = given.map(str::to_owned),
            "company" => self.company = given.map(str::to_owned),
            "phone" => self.phone = given.map(str::to_owned),
            "tax_exempt_category" => self.tax_exempt_category = given.map(str::to_owned),
            "store_credit" => {
                self.store_credit = given.map(|t| parse_credit(name, t)).transpose()?
            }
            "customer_group_id" => {
                self.customer_group_id = given.map(|t| parse_whole(name, t, 0)).transpose()?
            }
            "min_id" => self.min_id = given.map(|t| parse_whole(name, t, 1)).transpose()?,
            "max_id" => self.max_id = given.map(|t| parse_whole(name, t, 1)).transpose()?,
            "min_date_created" | "min_date" => {
                self.min_date_created = given.map(|t| parse_date(name, t)).transpose()?
            }
            "max_date_created" | "max_date" => {
                self.max_date_created = given.map(|t| parse_date(name, t)).transpose()?
            }
            "min_date_modified" => {
                self.min_date_modified = given.map(|t| parse_date(name, t)).transpose()?
            }
            "max_date_modified" => {
                self.max_date_modified = given.map(|t| parse_date(name, t)).transpose()?
            }
            other => {
                return Err(FilterError::new(
                    other,
                    "is not a filter of the customers resource",
                ));
            }
        }
        Ok(())
    }

    fn check_ranges(&self) -> Result<(), FilterError> {
        let pairs = [
            ("max_id", self.min_id, self.max_id),
            (
                "max_date_created",
                self.min_date_created,
                self.max_date_created,
            ),
            (
                "max_date_modified",
                self.min_date_modified,
                self.max_date_modified,
            ),
        ];
        for (field, min, max) in pairs {
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                return Err(FilterError::new(
                    field,
                    "is before its minimum, so nothing could match",
                ));
            }
        }
        Ok(())
    }

    /// The filters given, by name, with their values as text (dates in RFC 2822).
    pub fn parts(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        let mut text = |name: &'static str, value: &Option<String>| {
            if let Some(value) = value {
                query.push((name, value.clone()));
            }
        };
        text("first_name", &self.first_name);
        text("last_name", &self.last_name);
        text("email", &self.email);
        text("company", &self.company);
        text("phone", &self.phone);
        text("tax_exempt_category", &self.tax_exempt_category);
        if let Some(credit) = self.store_credit {
            query.push(("store_credit", credit.normalize().to_string()));
        }
        for (name, value) in [
            ("customer_group_id", self.customer_group_id),
            ("min_id", self.min_id),
            ("max_id", self.max_id),
        ] {
            if let Some(value) = value {
                query.push((name, value.to_string()));
            }
        }
        for (name, value) in [
            ("min_date_created", self.min_date_created),
            ("max_date_created", self.max_date_created),
            ("min_date_modified", self.min_date_modified),
            ("max_date_modified", self.max_date_modified),
        ] {
            if let Some(value) = value {
                query.push((name, format_api_date(value)));
            }
        }
        query
    }
}

/// `last_name=Lee, customer_group_id=2`: for headers, prompts and backups.
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return write!(f, "no filter (every customer)");
        }
        let parts: Vec<String> = self
            .parts()
            .into_iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        write!(f, "{}", parts.join(", "))
    }
}

fn parse_whole(name: &str, text: &str, minimum: i64) -> Result<i64, FilterError> {
    match text.parse::<i64>() {
        Ok(value) if value >= minimum => Ok(value),
        Ok(_) => Err(FilterError::new(name, format!("must be {minimum} or more"))),
        Err(_) => Err(FilterError::new(
            name,
            format!("'{text}' is not a whole number"),
        )),
    }
}

fn parse_credit(name: &str, text: &str) -> Result<Decimal, FilterError> {
    match text.parse::<Decimal>() {
        Ok(amount) if amount.is_sign_negative() && !amount.is_zero() => {
            Err(FilterError::new(name, "cannot be negative"))
        }
        Ok(amount) if amount.normalize().scale() > 4 => {
            Err(FilterError::new(name, "has more than 4 decimal places"))
        }
        Ok(amount) => Ok(amount),
        Err(_) => Err(FilterError::new(
            name,
            format!("'{text}' is not an amount such as 12.50"),
        )),
    }
}

fn parse_date(name: &str, text: &str) -> Result<i64, FilterError> {
    parse_api_date(text)
        .ok_or_else(|| FilterError::new(name, format!("'{text}' is not a date; use {DATE_FORMS}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_filter_with_dates_in_rfc_2822() {
        let mut filter = Filter::default();
        filter.set("last_name", " Lee ").expect("text");
        filter.set("store_credit", "5.50").expect("amount");
        filter.set("customer_group_id", "2").expect("group");
        filter.set("min_date", "2024-05-06").expect("date");
        filter
            .set("max_date_modified", "2024-05-06T07:34:10+02:00")
            .expect("date");
        assert_eq!(
            filter.parts(),
            vec![
                ("last_name", "Lee".to_owned()),
                ("store_credit", "5.5".to_owned()),
                ("customer_group_id", "2".to_owned()),
                (
                    "min_date_created",
                    "Mon, 06 May 2024 00:00:00 +0000".to_owned()
                ),
                (
                    "max_date_modified",
                    "Mon, 06 May 2024 05:34:10 +0000".to_owned()
                ),
            ]
        );
        filter.set("last_name", "").expect("clears");
        assert_eq!(filter.last_name, None);
    }

    #[test]
    fn refuses_values_the_store_would_refuse() {
        let mut filter = Filter::default();
        for (name, text) in [
            ("min_id", "abc"),
            ("min_id", "0"),
            ("customer_group_id", "1.5"),
            ("store_credit", "-2"),
            ("store_credit", "1.00001"),
            ("min_date_created", "last week"),
            ("nickname", "x"),
        ] {
            let error = filter.set(name, text).expect_err(text);
            assert_eq!(error.field, name);
        }
        filter.set("min_id", "10").expect("an id");
        assert!(filter.set("max_id", "5").is_err());
        assert_eq!(
            filter.max_id, None,
            "a refused value leaves the filter as it was"
        );
        assert_eq!(filter.min_id, Some(10));
    }
}
