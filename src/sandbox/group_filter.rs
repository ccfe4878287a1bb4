//! The query string of the customer group collection: the filters of the current spec
//! (`name`, `name:like`, `is_default`, dates with `:min`/`:max`) and paging.

use super::error::ErrorAnswer;
use super::filter::{Paging, parse_date, parse_limit, parse_page};

/// Text matches ignoring case: `name` the whole name, `name_like` any part of it. Dates are
/// seconds since the Unix epoch; bounds are inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupFilter {
    pub name: Option<String>,
    pub name_like: Option<String>,
    pub is_default: Option<bool>,
    pub is_group_for_guests: Option<bool>,
    pub date_created: Option<i64>,
    pub min_date_created: Option<i64>,
    pub max_date_created: Option<i64>,
    pub date_modified: Option<i64>,
    pub min_date_modified: Option<i64>,
    pub max_date_modified: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupQuery {
    pub filter: GroupFilter,
    pub paging: Paging,
}

const KNOWN: [&str; 12] = [
    "page",
    "limit",
    "name",
    "name:like",
    "is_default",
    "is_group_for_guests",
    "date_created",
    "date_created:min",
    "date_created:max",
    "date_modified",
    "date_modified:min",
    "date_modified:max",
];

/// Reads the raw query string of a list, count or (refused) bulk request on groups.
pub fn parse_group_query(raw: Option<&str>) -> Result<GroupQuery, ErrorAnswer> {
    let mut query = GroupQuery::default();
    let Some(raw) = raw else { return Ok(query) };
    let f = &mut query.filter;
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        let name = name.as_ref();
        let value = value.trim();
        if value.is_empty() && (name.is_empty() || KNOWN.contains(&name)) {
            continue; // an empty filter filters nothing, as for customers
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
            "name" => f.name = Some(value.to_owned()),
            "name:like" => f.name_like = Some(value.to_owned()),
            "is_default" => f.is_default = Some(parse_bool(name, value)?),
            "is_group_for_guests" => f.is_group_for_guests = Some(parse_bool(name, value)?),
            "date_created" => f.date_created = Some(parse_date(name, value)?),
            "date_created:min" => f.min_date_created = Some(parse_date(name, value)?),
            "date_created:max" => f.max_date_created = Some(parse_date(name, value)?),
            "date_modified" => f.date_modified = Some(parse_date(name, value)?),
            "date_modified:min" => f.min_date_modified = Some(parse_date(name, value)?),
            "date_modified:max" => f.max_date_modified = Some(parse_date(name, value)?),
            other => return Err(ErrorAnswer::unsupported_field(other)),
        }
    }
    Ok(query)
}

fn parse_bool(name: &str, value: &str) -> Result<bool, ErrorAnswer> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(ErrorAnswer::invalid_field(name, "must be true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn reads_every_filter() {
        let query = parse_group_query(Some(
            "name=VIP&name%3Alike=ho&is_default=true&is_group_for_guests=0&date_created=2024-01-02\
             &date_created:min=2024-01-01&date_created:max=2024-12-31T23:59:59Z\
             &date_modified=2024-03-01&date_modified:min=2024-02-01&date_modified:max=2024-04-01\
             &page=2&limit=10",
        ))
        .expect("a valid query");
        let f = &query.filter;
        assert_eq!(f.name.as_deref(), Some("VIP"));
        assert_eq!(f.name_like.as_deref(), Some("ho"));
        assert_eq!(
            (f.is_default, f.is_group_for_guests),
            (Some(true), Some(false))
        );
        assert_eq!(f.date_created, Some(1_704_153_600));
        assert_eq!(f.min_date_created, Some(1_704_067_200));
        assert_eq!(f.max_date_created, Some(1_735_689_599));
        assert!(f.date_modified.is_some() && f.min_date_modified.is_some());
        assert!(f.max_date_modified.is_some());
        assert_eq!((query.paging.page, query.paging.limit), (2, 10));
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        for (raw, status) in [
            ("is_default=maybe", StatusCode::BAD_REQUEST),
            ("date_created:min=yesterday", StatusCode::BAD_REQUEST),
            ("min_id=3", StatusCode::BAD_REQUEST),
            ("limit=251", StatusCode::PAYLOAD_TOO_LARGE),
            ("page=0", StatusCode::BAD_REQUEST),
        ] {
            let error = parse_group_query(Some(raw)).expect_err(raw);
            assert_eq!(error.status, status, "{raw}");
        }
        assert_eq!(
            parse_group_query(Some("name=&is_default=")).expect("empty filters"),
            GroupQuery::default()
        );
    }
}
