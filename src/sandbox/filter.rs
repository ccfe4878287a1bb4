//! The query string of the customer collection: filters and paging, checked the way the store
//! checks them (400 naming the field, 413 for a page size above the maximum).

use rust_decimal::Decimal;

use super::error::ErrorAnswer;
use super::money::credit_from_decimal;
use crate::dates::parse_api_date;

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 250;

/// What a filter on `store_credit` can match: an exact amount in ten-thousandths, or nothing
/// at all (an amount with more than four decimals can never be stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditMatch {
    Exactly(i64),
    Nothing,
}

/// Every filter of the original resource doc and of the current spec. Text matches exactly
/// (case-insensitively); `min_*`/`max_*` bounds are inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    pub min_id: Option<i64>,
    pub max_id: Option<i64>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub tax_exempt_category: Option<String>,
    pub store_credit: Option<CreditMatch>,
    pub customer_group_id: Option<i64>,
    pub min_date_created: Option<i64>,
    pub max_date_created: Option<i64>,
    pub min_date_modified: Option<i64>,
    pub max_date_modified: Option<i64>,
}

/// Which rows of the ordered result a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u64,
    pub limit: u64,
    /// Whether the request named `page` or `limit` at all.
    pub explicit: bool,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            page: 1,
            limit: DEFAULT_LIMIT,
            explicit: false,
        }
    }
}

impl Paging {
    /// Rows to skip, or `None` when the page lies beyond any possible table.
    pub fn offset(&self) -> Option<i64> {
        let skipped = (self.page - 1).checked_mul(self.limit)?;
        i64::try_from(skipped).ok()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectionQuery {
    pub filter: CustomerFilter,
    pub paging: Paging,
}

/// Reads the raw query string of a collection request.
pub fn parse_collection_query(raw: Option<&str>) -> Result<CollectionQuery, ErrorAnswer> {
    let mut query = CollectionQuery::default();
    let Some(raw) = raw else { return Ok(query) };
    let f = &mut query.filter;
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        let name = name.as_ref();
        let value = value.trim();
        if name.is_empty() && value.is_empty() {
            continue; // `?&` and a trailing `&` carry nothing
        }
        if value.is_empty() && is_known(name) {
            continue; // an empty filter filters nothing, as on the store
        }
        match name {
            "page" => {
                query.paging.page = parse_page(value)?;
                query.paging.explicit = true;
            }
            "limit" => {
                query.paging.limit = parse_limit(value)?;
                query.paging.explicit = true;
            }
            "min_id" => f.min_id = Some(parse_int(name, value)?),
            "max_id" => f.max_id = Some(parse_int(name, value)?),
            "customer_group_id" => f.customer_group_id = Some(parse_int(name, value)?),
            "first_name" => f.first_name = Some(value.to_owned()),
            "last_name" => f.last_name = Some(value.to_owned()),
            "company" => f.company = Some(value.to_owned()),
            "email" => f.email = Some(value.to_owned()),
            "phone" => f.phone = Some(value.to_owned()),
            "tax_exempt_category" => f.tax_exempt_category = Some(value.to_owned()),
            "store_credit" => f.store_credit = Some(parse_credit(value)?),
            "min_date_created" | "min_date" => f.min_date_created = Some(parse_date(name, value)?),
            "max_date_created" | "max_date" => f.max_date_created = Some(parse_date(name, value)?),
            "min_date_modified" => f.min_date_modified = Some(parse_date(name, value)?),
            "max_date_modified" => f.max_date_modified = Some(parse_date(name, value)?),
            other => return Err(ErrorAnswer::unsupported_field(other)),
        }
    }
    Ok(query)
}

/// Reads the query string of a list that takes no filter (a customer's addresses): `page`
/// and `limit` only.
pub fn parse_paging_query(raw: Option<&str>) -> Result<Paging, ErrorAnswer> {
    let mut paging = Paging::default();
    let Some(raw) = raw else { return Ok(paging) };
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        let value = value.trim();
        match name.as_ref() {
            "" if value.is_empty() => {}
            "page" | "limit" if value.is_empty() => {}
            "page" => {
                paging.page = parse_page(value)?;
                paging.explicit = true;
            }
            "limit" => {
                paging.limit = parse_limit(value)?;
                paging.explicit = true;
            }
            other => return Err(ErrorAnswer::unsupported_field(other)),
        }
    }
    Ok(paging)
}

/// Refuses any query parameter: the single-customer endpoints take none.
pub fn refuse_parameters(raw: Option<&str>) -> Result<(), ErrorAnswer> {
    let Some(raw) = raw else { return Ok(()) };
    match form_urlencoded::parse(raw.as_bytes()).find(|(name, _)| !name.is_empty()) {
        Some((name, _)) => Err(ErrorAnswer::unsupported_field(&name)),
        None => Ok(()),
    }
}

fn is_known(name: &str) -> bool {
    matches!(
        name,
        "page"
            | "limit"
            | "min_id"
            | "max_id"
            | "customer_group_id"
            | "first_name"
            | "last_name"
            | "company"
            | "email"
            | "phone"
            | "tax_exempt_category"
            | "store_credit"
            | "min_date_created"
            | "min_date"
            | "max_date_created"
            | "max_date"
            | "min_date_modified"
            | "max_date_modified"
    )
}

pub(super) fn parse_int(name: &str, value: &str) -> Result<i64, ErrorAnswer> {
    value
        .parse::<i64>()
        .map_err(|_| ErrorAnswer::invalid_field(name, "must be a whole number"))
}

pub(super) fn parse_page(value: &str) -> Result<u64, ErrorAnswer> {
    match value.parse::<u64>() {
        Ok(page) if page >= 1 => Ok(page),
        _ => Err(ErrorAnswer::invalid_field(
            "page",
            "must be a whole number of 1 or more",
        )),
    }
}

pub(super) fn parse_limit(value: &str) -> Result<u64, ErrorAnswer> {
    let all_digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    match value.parse::<u64>() {
        Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(limit),
        Ok(limit) if limit > MAX_LIMIT => Err(ErrorAnswer::limit_too_large()),
        // Digits too many for any integer are still a number above the maximum.
        Err(_) if all_digits && value.trim_start_matches('0').len() > 3 => {
            Err(ErrorAnswer::limit_too_large())
        }
        _ => Err(ErrorAnswer::invalid_field(
            "limit",
            "must be a whole number from 1 to 250",
        )),
    }
}

fn parse_credit(value: &str) -> Result<CreditMatch, ErrorAnswer> {
    let invalid = || ErrorAnswer::invalid_field("store_credit", "must be a decimal amount");
    let amount: Decimal = value.parse().map_err(|_| invalid())?;
    // An amount the store could never hold (negative, too precise, too large) matches no one.
    Ok(credit_from_decimal(amount).map_or(CreditMatch::Nothing, CreditMatch::Exactly))
}

pub(super) fn parse_date(name: &str, value: &str) -> Result<i64, ErrorAnswer> {
    parse_api_date(value).ok_or_else(|| {
        ErrorAnswer::invalid_field(name, "must be a date in RFC 2822 or ISO 8601 form")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn parse(raw: &str) -> Result<CollectionQuery, ErrorAnswer> {
        parse_collection_query(Some(raw))
    }

    #[test]
    fn reads_filters_and_paging() {
        let q =
            parse("first_name=Ann&min_id=3&page=2&limit=250&store_credit=5&min_date=2024-01-01")
                .expect("valid query");
        assert_eq!(q.filter.first_name.as_deref(), Some("Ann"));
        assert_eq!(q.filter.min_id, Some(3));
        assert_eq!(q.filter.store_credit, Some(CreditMatch::Exactly(50_000)));
        assert_eq!(q.filter.min_date_created, Some(1_704_067_200));
        assert_eq!(
            q.paging,
            Paging {
                page: 2,
                limit: 250,
                explicit: true
            }
        );
        assert_eq!(q.paging.offset(), Some(250));
    }

    #[test]
    fn limits_above_the_maximum_are_too_large() {
        for raw in ["limit=251", "limit=99999999999999999999999"] {
            assert_eq!(
                parse(raw).unwrap_err().status,
                StatusCode::PAYLOAD_TOO_LARGE,
                "{raw}"
            );
        }
        for raw in [
            "limit=0",
            "limit=-1",
            "limit=ten",
            "page=0",
            "page=-3",
            "min_id=1.5",
            "min_id=1e3",
        ] {
            assert_eq!(
                parse(raw).unwrap_err().status,
                StatusCode::BAD_REQUEST,
                "{raw}"
            );
        }
    }

    #[test]
    fn unknown_parameters_are_named() {
        let err = parse("first_name=a&sort=id").unwrap_err();
        assert_eq!(
            err.message,
            "The field 'sort' is not supported by this resource."
        );
    }

    #[test]
    fn credit_with_too_many_decimals_matches_nothing() {
        let q = parse("store_credit=5.00001").expect("valid query");
        assert_eq!(q.filter.store_credit, Some(CreditMatch::Nothing));
        let q = parse("store_credit=5.00000").expect("valid query");
        assert_eq!(q.filter.store_credit, Some(CreditMatch::Exactly(50_000)));
    }

    #[test]
    fn huge_pages_have_no_offset() {
        let q = parse("page=18446744073709551615&limit=250").expect("valid query");
        assert_eq!(q.paging.offset(), None);
    }
}
