//! The API's filters as flags, by their parameter names in kebab-case, shared by every
//! command that selects customers.

use clap::Args;
use color_eyre::eyre::{Result, WrapErr, eyre};

use crate::domain::{Filter, list_groups, resolve_group};
use crate::store::SharedStore;

/// The filters, listed together under one heading. Text matches the whole value, ignoring
/// case, as the store does.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "Filters")]
pub struct FilterArgs {
    /// Customers with this first name (the whole name, any case).
    #[arg(long, value_name = "TEXT")]
    first_name: Option<String>,
    /// Customers with this last name (the whole name, any case).
    #[arg(long, value_name = "TEXT")]
    last_name: Option<String>,
    /// Customers of this company (the whole name, any case).
    #[arg(long, value_name = "TEXT")]
    company: Option<String>,
    /// The customer with this email address.
    #[arg(long, value_name = "TEXT")]
    email: Option<String>,
    /// Customers with this phone number (as stored).
    #[arg(long, value_name = "TEXT")]
    phone: Option<String>,
    /// Customers with exactly this store credit (5 matches 5.0000).
    #[arg(long, value_name = "AMOUNT")]
    store_credit: Option<String>,
    /// Customers in this customer group, by id or name (any case; 0: no group).
    #[arg(long, value_name = "GROUP")]
    customer_group_id: Option<String>,
    /// Customers with this id or a greater one.
    #[arg(long, value_name = "ID")]
    min_id: Option<String>,
    /// Customers with this id or a smaller one.
    #[arg(long, value_name = "ID")]
    max_id: Option<String>,
    /// Created on or after this date: YYYY-MM-DD, ISO 8601 or RFC 2822 (alias --min-date).
    #[arg(long, value_name = "DATE", alias = "min-date")]
    min_date_created: Option<String>,
    /// Created on or before this date (alias --max-date).
    #[arg(long, value_name = "DATE", alias = "max-date")]
    max_date_created: Option<String>,
    /// Changed on or after this date.
    #[arg(long, value_name = "DATE")]
    min_date_modified: Option<String>,
    /// Changed on or before this date.
    #[arg(long, value_name = "DATE")]
    max_date_modified: Option<String>,
    /// Customers in this tax-exempt category.
    #[arg(long, value_name = "TEXT")]
    tax_exempt_category: Option<String>,
}

impl FilterArgs {
    /// The filter the flags name, each value checked before anything is sent; a group given
    /// by name is looked up among the store's groups.
    pub async fn on(&self, store: &SharedStore) -> Result<Filter> {
        let mut filter = self.to_filter()?;
        if let Some(name) = self.group_name() {
            filter.customer_group_id = Some(group_id(store, "--customer-group-id", name).await?);
        }
        Ok(filter)
    }

    /// The group, when given by name rather than id.
    fn group_name(&self) -> Option<&str> {
        self.customer_group_id
            .as_deref()
            .filter(|text| !is_number(text))
    }

    /// The filter the flags name, each value checked (a group by name is left to `on`).
    pub fn to_filter(&self) -> Result<Filter> {
        let mut filter = Filter::default();
        let given = [
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("company", &self.company),
            ("email", &self.email),
            ("phone", &self.phone),
            ("store_credit", &self.store_credit),
            (
                "customer_group_id",
                &self
                    .customer_group_id
                    .clone()
                    .filter(|text| is_number(text)),
            ),
            ("min_id", &self.min_id),
            ("max_id", &self.max_id),
            ("min_date_created", &self.min_date_created),
            ("max_date_created", &self.max_date_created),
            ("min_date_modified", &self.min_date_modified),
            ("max_date_modified", &self.max_date_modified),
            ("tax_exempt_category", &self.tax_exempt_category),
        ];
        for (name, value) in given {
            if let Some(value) = value {
                filter
                    .set(name, value)
                    .map_err(|error| eyre!("--{}: {}", name.replace('_', "-"), error.problem))?;
            }
        }
        Ok(filter)
    }
}

fn is_number(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || c == '-')
}

/// A customer group named as people name it — its id, or its name in any case (or the only
/// name holding what is given) — checked against the store's groups: an unknown or ambiguous
/// one is a one-line error listing them.
pub async fn group_id(store: &SharedStore, flag: &str, text: &str) -> Result<i64> {
    let groups: Vec<(i64, String)> = store
        .groups()
        .await
        .wrap_err("cannot read the store's customer groups")?
        .into_iter()
        .map(|group| (group.id, group.name))
        .collect();
    let id = resolve_group(text, &groups).map_err(|problem| {
        eyre!(
            "{flag}: '{}': {problem}; the store's groups: {}",
            text.trim(),
            list_groups(&groups)
        )
    })?;
    if id != 0 && !groups.iter().any(|(known, _)| *known == id) {
        return Err(eyre!(
            "{flag}: there is no customer group #{id}; the store's groups: {}",
            list_groups(&groups)
        ));
    }
    Ok(id)
}
