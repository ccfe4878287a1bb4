//! Reading customers from the sandbox over HTTP: lists, paging, every filter, counts.

use crate::common;

use bc_customers::dates::parse_api_date;
use common::{TestStore, error_message, ids};
use reqwest::StatusCode;
use serde_json::Value;

fn text(customer: &Value, field: &str) -> String {
    customer[field].as_str().expect("a text field").to_owned()
}

fn date(customer: &Value, field: &str) -> i64 {
    parse_api_date(&text(customer, field)).expect("an RFC 2822 date")
}

#[tokio::test]
async fn lists_fifty_by_default_in_id_order_and_pages_through() {
    let store = TestStore::seeded(320).await;
    let first: Vec<Value> = store.get("/customers").await.json().await.expect("a list");
    assert_eq!(ids(&first), (1..=50).collect::<Vec<_>>());

    let page: Vec<Value> = store
        .get("/customers?page=2&limit=100")
        .await
        .json()
        .await
        .expect("a list");
    assert_eq!(ids(&page), (101..=200).collect::<Vec<_>>());

    let last: Vec<Value> = store
        .get("/customers?page=2&limit=250")
        .await
        .json()
        .await
        .expect("a list");
    assert_eq!(ids(&last), (251..=320).collect::<Vec<_>>());

    let past_the_end = store.get("/customers?page=3&limit=250").await;
    assert_eq!(past_the_end.status(), StatusCode::NO_CONTENT);
    assert!(past_the_end.headers().get("content-type").is_none());
    assert_eq!(
        past_the_end.bytes().await.expect("a body").len(),
        0,
        "204 has an empty body"
    );

    let all = store.list_all("").await;
    assert_eq!(ids(&all), (1..=320).collect::<Vec<_>>());
    assert_eq!(store.count("").await, 320);
}

#[tokio::test]
async fn paging_rules_answer_413_and_400_naming_the_field() {
    let store = TestStore::seeded(3).await;
    assert_eq!(
        store.get("/customers?limit=250").await.status(),
        StatusCode::OK
    );
    let cases = [
        (
            "/customers?limit=251",
            StatusCode::PAYLOAD_TOO_LARGE,
            "limit",
        ),
        (
            "/customers?limit=100000000000000000000000",
            StatusCode::PAYLOAD_TOO_LARGE,
            "limit",
        ),
        ("/customers?limit=0", StatusCode::BAD_REQUEST, "limit"),
        ("/customers?limit=ten", StatusCode::BAD_REQUEST, "limit"),
        ("/customers?page=0", StatusCode::BAD_REQUEST, "page"),
        ("/customers?page=-1", StatusCode::BAD_REQUEST, "page"),
        ("/customers?page=1.5", StatusCode::BAD_REQUEST, "page"),
        ("/customers?min_id=one", StatusCode::BAD_REQUEST, "min_id"),
        (
            "/customers?customer_group_id=2.5",
            StatusCode::BAD_REQUEST,
            "customer_group_id",
        ),
        (
            "/customers?store_credit=lots",
            StatusCode::BAD_REQUEST,
            "store_credit",
        ),
        (
            "/customers?min_date_created=yesterday",
            StatusCode::BAD_REQUEST,
            "min_date_created",
        ),
        (
            "/customers/count?max_date=2024-13-45",
            StatusCode::BAD_REQUEST,
            "max_date",
        ),
        ("/customers?sort=id", StatusCode::BAD_REQUEST, "sort"),
        (
            "/customers/count?first_name_like=a",
            StatusCode::BAD_REQUEST,
            "first_name_like",
        ),
    ];
    for (path, status, field) in cases {
        let (got, message) = error_message(store.get(path).await).await;
        assert_eq!(got, status, "{path}");
        assert!(message.contains(&format!("'{field}'")), "{path}: {message}");
    }
    let (_, message) = error_message(store.get("/customers?sort=id").await).await;
    assert_eq!(
        message,
        "The field 'sort' is not supported by this resource."
    );
}

/// Each filter, checked against the same rule applied to the whole list by hand; the count
/// with the same filter agrees with the list.
#[tokio::test]
async fn every_filter_matches_what_it_should() {
    let store = TestStore::seeded(300).await;
    let all = store.list_all("").await;
    assert_eq!(all.len(), 300);
    let sample = &all[137];
    let with_company = all
        .iter()
        .find(|c| !text(c, "company").is_empty())
        .expect("a company");
    let with_category = all
        .iter()
        .find(|c| !text(c, "tax_exempt_category").is_empty())
        .expect("a category");
    let credit: f64 = text(with_company, "store_credit")
        .parse()
        .expect("a decimal");
    let middle_created = date(&all[150], "date_created");
    let middle_modified = date(&all[90], "date_modified");
    let iso = |seconds: i64| {
        chrono::DateTime::from_timestamp(seconds, 0)
            .expect("a date")
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let rfc = |seconds: i64| bc_customers::dates::format_api_date(seconds);
    let encode =
        |value: &str| form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>();

    type Rule<'a> = Box<dyn Fn(&Value) -> bool + 'a>;
    let same_text = |field: &'static str, value: String| -> Rule<'_> {
        Box::new(move |c: &Value| text(c, field).to_lowercase() == value.to_lowercase())
    };
    let cases: Vec<(String, Rule)> = vec![
        (
            format!("first_name={}", text(sample, "first_name").to_uppercase()),
            same_text("first_name", text(sample, "first_name")),
        ),
        (
            format!("last_name={}", encode(&text(sample, "last_name"))),
            same_text("last_name", text(sample, "last_name")),
        ),
        (
            format!("company={}", encode(&text(with_company, "company"))),
            same_text("company", text(with_company, "company")),
        ),
        (
            format!("email={}", encode(&text(sample, "email").to_uppercase())),
            same_text("email", text(sample, "email")),
        ),
        (
            format!("phone={}", encode(&text(sample, "phone"))),
            same_text("phone", text(sample, "phone")),
        ),
        (
            format!(
                "tax_exempt_category={}",
                text(with_category, "tax_exempt_category")
            ),
            same_text(
                "tax_exempt_category",
                text(with_category, "tax_exempt_category"),
            ),
        ),
        (
            format!("store_credit={credit}"),
            Box::new(move |c: &Value| text(c, "store_credit").parse::<f64>().ok() == Some(credit)),
        ),
        (
            "customer_group_id=3".into(),
            Box::new(|c: &Value| c["customer_group_id"] == 3),
        ),
        (
            "min_id=280".into(),
            Box::new(|c: &Value| c["id"].as_i64() >= Some(280)),
        ),
        (
            "max_id=12".into(),
            Box::new(|c: &Value| c["id"].as_i64() <= Some(12)),
        ),
        (
            format!("min_date_created={}", encode(&rfc(middle_created))),
            Box::new(move |c: &Value| date(c, "date_created") >= middle_created),
        ),
        (
            format!("max_date_created={}", iso(middle_created)),
            Box::new(move |c: &Value| date(c, "date_created") <= middle_created),
        ),
        (
            format!("min_date={}", iso(middle_created)),
            Box::new(move |c: &Value| date(c, "date_created") >= middle_created),
        ),
        (
            "max_date=2020-06-01".into(),
            Box::new(|c: &Value| date(c, "date_created") <= 1_590_969_600),
        ),
        (
            format!("min_date_modified={}", encode(&rfc(middle_modified))),
            Box::new(move |c: &Value| date(c, "date_modified") >= middle_modified),
        ),
        (
            format!("max_date_modified={}", encode("2021-01-01T00:00:00+02:00")),
            Box::new(|c: &Value| date(c, "date_modified") <= 1_609_452_000),
        ),
        (
            "customer_group_id=0&min_id=100&max_id=200".into(),
            Box::new(|c: &Value| {
                c["customer_group_id"] == 0 && (100..=200).contains(&c["id"].as_i64().unwrap_or(0))
            }),
        ),
    ];
    for (query, rule) in cases {
        let expected: Vec<i64> = all
            .iter()
            .filter(|c| rule(c))
            .map(|c| c["id"].as_i64().expect("an id"))
            .collect();
        assert!(
            !expected.is_empty() && expected.len() < 300,
            "{query} should pick some, not all ({})",
            expected.len()
        );
        let got = store.list_all(&format!("?{query}")).await;
        assert_eq!(ids(&got), expected, "{query}");
        assert_eq!(
            store.count(&format!("?{query}")).await,
            expected.len() as u64,
            "count {query}"
        );
    }
}

#[tokio::test]
async fn text_filters_match_whole_values_only() {
    let store = TestStore::empty().await;
    store.create(serde_json::json!({"first_name": "Annabel", "last_name": "Lee", "email": "annabel@example.com"})).await;
    store.create(serde_json::json!({"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "store_credit": 5})).await;
    let anns = store.list_all("?first_name=ann").await;
    assert_eq!(anns.len(), 1);
    assert_eq!(anns[0]["first_name"], "Ann");
    assert_eq!(
        store.get("/customers?first_name=An").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(store.count("?first_name=An").await, 0);
    assert_eq!(store.count("?store_credit=5.0000").await, 1);
    assert_eq!(store.count("?store_credit=5").await, 1);
    assert_eq!(store.count("?store_credit=5.00001").await, 0);
    assert_eq!(
        store.count("?first_name=").await,
        2,
        "an empty filter filters nothing"
    );
}

#[tokio::test]
async fn customers_look_like_the_real_service() {
    let store = TestStore::seeded(40).await;
    let all = store.list_all("").await;
    let rfc2822 = |value: &str| {
        let bytes = value.as_bytes();
        value.len() == 31
            && value.ends_with(" +0000")
            && bytes[3] == b','
            && bytes[5].is_ascii_digit()
            && bytes[6].is_ascii_digit()
    };
    for customer in &all {
        let id = customer["id"].as_i64().expect("an id");
        for field in ["date_created", "date_modified"] {
            assert!(
                rfc2822(&text(customer, field)),
                "{field}: {}",
                customer[field]
            );
        }
        let credit = text(customer, "store_credit");
        assert_eq!(
            credit.split('.').nth(1).map(str::len),
            Some(4),
            "four decimals: {credit}"
        );
        assert_eq!(
            customer["addresses"]["resource"],
            format!("/customers/{id}/addresses")
        );
        assert_eq!(
            customer["addresses"]["url"],
            store.url(&format!("/customers/{id}/addresses"))
        );
        assert!(customer["form_fields"].is_null() || customer["form_fields"].is_array());
        for field in ["accepts_marketing", "reset_pass_on_login"] {
            assert!(customer[field].is_boolean(), "{field}");
        }
        assert!(customer.get("password").is_none() && customer.get("_authentication").is_none());
    }
    let one = store.get_json("/customers/7").await;
    assert_eq!(one, all[6]);
}

#[tokio::test]
async fn both_prefixes_with_and_without_json_serve_the_same_store() {
    let store = TestStore::seeded(5).await;
    let base = format!("http://{}", store.sandbox.addr());
    let paths = [
        "/stores/sandbox/v2/customers/2",
        "/stores/abc123/v2/customers/2.json",
        "/api/v2/customers/2",
        "/api/v2/customers/2.json",
    ];
    for path in paths {
        let response = store
            .http
            .get(format!("{base}{path}"))
            .header("X-Auth-Token", common::TOKEN)
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let customer: Value = response.json().await.expect("a customer");
        assert_eq!(customer["id"], 2, "{path}");
        let prefix = &path[..path.find("/customers").expect("a customers path")];
        assert_eq!(
            customer["addresses"]["url"],
            format!("{base}{prefix}/customers/2/addresses"),
            "{path}"
        );
    }
    let counted: Value = store
        .http
        .get(format!("{base}/api/v2/customers/count.json"))
        .basic_auth("admin", Some(common::TOKEN))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("a count");
    assert_eq!(counted["count"], 5);
    assert_eq!(
        store.get("/customers/").await.status(),
        StatusCode::NOT_FOUND,
        "no trailing slash"
    );
}

#[tokio::test]
async fn missing_customers_are_404() {
    let store = TestStore::seeded(3).await;
    for path in [
        "/customers/4",
        "/customers/0",
        "/customers/abc",
        "/customers/99999999999999999999999",
        "/customers/1/addresses/zz",
    ] {
        let (status, message) = error_message(store.get(path).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(message, "The requested resource was not found.");
    }
}
