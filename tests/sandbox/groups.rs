//! Reading customer groups over HTTP: list, count, paging and every filter.

use crate::common;

use common::{TestStore, error_message, ids};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Creates a group that must be accepted, and returns it as the store answered.
pub async fn create_group(store: &TestStore, body: Value) -> Value {
    let response = store
        .send_json(Method::POST, "/customer_groups", &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "creating {body}");
    response.json().await.expect("a customer group")
}

/// Every group matching `query` (without page or limit), page by page.
pub async fn all_groups(store: &TestStore, query: &str) -> Vec<Value> {
    let mut groups = Vec::new();
    for page in 1.. {
        let separator = if query.is_empty() { "?" } else { "&" };
        let response = store
            .get(&format!(
                "/customer_groups{query}{separator}limit=2&page={page}"
            ))
            .await;
        if response.status() == StatusCode::NO_CONTENT {
            break;
        }
        assert_eq!(response.status(), StatusCode::OK, "{query}");
        groups.extend(response.json::<Vec<Value>>().await.expect("a list"));
    }
    groups
}

pub async fn group_count(store: &TestStore, query: &str) -> u64 {
    let body = store
        .get_json(&format!("/customer_groups/count{query}"))
        .await;
    body["count"].as_u64().expect("a count")
}

/// The ids of one page of groups; none when the store answers 204.
pub async fn list_ids(store: &TestStore, query: &str) -> Vec<i64> {
    let response = store.get(&format!("/customer_groups{query}")).await;
    if response.status() == StatusCode::NO_CONTENT {
        return Vec::new();
    }
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    ids(&response.json::<Vec<Value>>().await.expect("a list"))
}

pub fn date(group: &Value, field: &str) -> i64 {
    bc_customers::dates::parse_api_date(group[field].as_str().expect("a date")).expect("a date")
}

pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[tokio::test]
async fn an_empty_store_has_no_groups_and_answers_204() {
    let store = TestStore::empty().await;
    let response = store.get("/customer_groups").await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.headers().get("content-type").is_none());
    assert_eq!(response.bytes().await.expect("a body").len(), 0);
    assert_eq!(group_count(&store, "").await, 0);
    let (status, _) = error_message(store.get("/customer_groups/1").await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn lists_groups_in_id_order_and_pages_through() {
    let store = TestStore::seeded(20).await;
    let first: Vec<Value> = store
        .get("/customer_groups")
        .await
        .json()
        .await
        .expect("a list");
    let names: Vec<&str> = first
        .iter()
        .map(|g| g["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(
        names,
        [
            "Retail",
            "Wholesale",
            "VIP",
            "Staff",
            "Trade",
            "Education",
            "Guests"
        ]
    );
    assert_eq!(ids(&first), (1..=7).collect::<Vec<_>>());
    assert_eq!(all_groups(&store, "").await, first);
    assert_eq!(
        list_ids(&store, ".json?limit=3&page=2").await,
        vec![4, 5, 6]
    );
    assert_eq!(
        store.get("/customer_groups?page=4&limit=3").await.status(),
        StatusCode::NO_CONTENT,
        "past the end"
    );
    assert_eq!(
        group_count(&store, "?page=2&limit=1").await,
        7,
        "paging does not change a count"
    );
    for (path, status, field) in [
        (
            "/customer_groups?limit=251",
            StatusCode::PAYLOAD_TOO_LARGE,
            "limit",
        ),
        ("/customer_groups?limit=0", StatusCode::BAD_REQUEST, "limit"),
        ("/customer_groups?page=x", StatusCode::BAD_REQUEST, "page"),
        (
            "/customer_groups?is_default=perhaps",
            StatusCode::BAD_REQUEST,
            "is_default",
        ),
        (
            "/customer_groups/count?date_created:min=soon",
            StatusCode::BAD_REQUEST,
            "date_created:min",
        ),
        (
            "/customer_groups?sort=name",
            StatusCode::BAD_REQUEST,
            "sort",
        ),
        (
            "/customer_groups/count?min_id=2",
            StatusCode::BAD_REQUEST,
            "min_id",
        ),
        (
            "/customer_groups/2?name=VIP",
            StatusCode::BAD_REQUEST,
            "name",
        ),
    ] {
        let (got, message) = error_message(store.get(path).await).await;
        assert_eq!(got, status, "{path}");
        assert!(message.contains(&format!("'{field}'")), "{path}: {message}");
    }
}

/// Each filter, checked against the same rule applied to every group by hand; the count with
/// the same filter agrees with the list.
#[tokio::test]
async fn every_group_filter_matches_what_it_should() {
    let store = TestStore::seeded(10).await;
    create_group(&store, json!({"name": "Trade 100% off_"})).await;
    let all = all_groups(&store, "").await;
    assert_eq!(all.len(), 8);
    let vip = &all[2];
    let staff = &all[3];
    let rfc = bc_customers::dates::format_api_date;
    let iso = |seconds: i64| {
        chrono::DateTime::from_timestamp(seconds, 0)
            .expect("a date")
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    };
    type Rule<'a> = Box<dyn Fn(&Value) -> bool + 'a>;
    let name_has = |part: &'static str| -> Rule<'_> {
        Box::new(move |g: &Value| {
            g["name"]
                .as_str()
                .unwrap_or_default()
                .to_lowercase()
                .contains(part)
        })
    };
    let (vip_created, staff_created) = (date(vip, "date_created"), date(staff, "date_created"));
    let staff_modified = date(staff, "date_modified");
    let cases: Vec<(String, Rule)> = vec![
        ("name=vip".into(), Box::new(|g: &Value| g["name"] == "VIP")),
        (
            "name=VIP%20".into(),
            Box::new(|g: &Value| g["name"] == "VIP"),
        ),
        ("name%3Alike=RA".into(), name_has("ra")),
        ("name:like=%25".into(), name_has("%")),
        ("name:like=_".into(), name_has("_")),
        (
            "is_default=true".into(),
            Box::new(|g: &Value| g["is_default"] == true),
        ),
        (
            "is_default=false".into(),
            Box::new(|g: &Value| g["is_default"] == false),
        ),
        (
            "is_group_for_guests=1".into(),
            Box::new(|g: &Value| g["is_group_for_guests"] == true),
        ),
        (
            format!("date_created={}", encode(&rfc(vip_created))),
            Box::new(move |g: &Value| date(g, "date_created") == vip_created),
        ),
        (
            format!("date_created:min={}", iso(vip_created)),
            Box::new(move |g: &Value| date(g, "date_created") >= vip_created),
        ),
        (
            format!("date_created:max={}", iso(staff_created)),
            Box::new(move |g: &Value| date(g, "date_created") <= staff_created),
        ),
        (
            format!("date_modified={}", encode(&rfc(staff_modified))),
            Box::new(move |g: &Value| date(g, "date_modified") == staff_modified),
        ),
        (
            format!("date_modified:min={}", iso(staff_modified)),
            Box::new(move |g: &Value| date(g, "date_modified") >= staff_modified),
        ),
        (
            format!("date_modified:max={}", iso(staff_modified)),
            Box::new(move |g: &Value| date(g, "date_modified") <= staff_modified),
        ),
        (
            format!("name:like=a&date_created:max={}", iso(staff_created)),
            Box::new(move |g: &Value| {
                g["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_lowercase()
                    .contains('a')
                    && date(g, "date_created") <= staff_created
            }),
        ),
    ];
    for (query, rule) in cases {
        let expected: Vec<i64> = all
            .iter()
            .filter(|g| rule(g))
            .map(|g| g["id"].as_i64().expect("an id"))
            .collect();
        assert!(
            !expected.is_empty() && expected.len() < all.len(),
            "{query} should pick some, not all ({expected:?})"
        );
        assert_eq!(
            ids(&all_groups(&store, &format!("?{query}")).await),
            expected,
            "{query}"
        );
        assert_eq!(
            group_count(&store, &format!("?{query}")).await,
            expected.len() as u64,
            "count {query}"
        );
    }
    assert_eq!(
        group_count(&store, "?name=&is_default=").await,
        8,
        "empty filters filter nothing"
    );
    assert_eq!(
        store.get("/customer_groups?name=Nobody").await.status(),
        StatusCode::NO_CONTENT
    );
}
