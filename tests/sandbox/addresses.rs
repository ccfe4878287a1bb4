//! Customers' addresses over HTTP: list, count, get and create, with the country table and
//! the fields the store refuses.

use crate::common;

use common::{TestStore, error_message, ids};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub fn jane(customer_id: i64) -> Value {
    json!({
        "first_name": "Jane", "last_name": "Doe", "phone": "512-555-0100",
        "street_1": "123 Main Street", "city": "Austin", "state": "Texas", "zip": "78726",
        "country": "United States", "customer_id": customer_id
    })
}

pub async fn customer(store: &TestStore, n: u32) -> i64 {
    let created = store
        .create(json!({"first_name": "Cus", "last_name": format!("Tomer{n}"), "email": format!("c{n}@example.com")}))
        .await;
    created["id"].as_i64().expect("an id")
}

pub async fn add(store: &TestStore, customer: i64, body: Value) -> Value {
    let path = format!("/customers/{customer}/addresses");
    let response = store.send_json(Method::POST, &path, &body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{path} {body}");
    response.json().await.expect("an address")
}

/// The ids of a page of the customer's addresses; none when the store answers 204.
pub async fn address_ids(store: &TestStore, path: &str) -> Vec<i64> {
    let response = store.get(path).await;
    if response.status() == StatusCode::NO_CONTENT {
        assert_eq!(response.bytes().await.expect("a body").len(), 0);
        return Vec::new();
    }
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    ids(&response.json::<Vec<Value>>().await.expect("a list"))
}

pub async fn address_count(store: &TestStore, customer: i64) -> u64 {
    let body = store
        .get_json(&format!("/customers/{customer}/addresses/count"))
        .await;
    body["count"].as_u64().expect("a count")
}

#[tokio::test]
async fn lists_a_customers_addresses_in_id_order_and_pages_through() {
    let store = TestStore::empty().await;
    let (a, b) = (customer(&store, 1).await, customer(&store, 2).await);
    assert_eq!(
        address_ids(&store, &format!("/customers/{a}/addresses")).await,
        Vec::<i64>::new()
    );
    assert_eq!(address_count(&store, a).await, 0);
    let mut mine = Vec::new();
    for n in 0..3 {
        mine.push(add(&store, a, jane(a)).await["id"].as_i64().expect("an id"));
        add(&store, b, jane(b)).await;
        assert_eq!(n + 1, address_count(&store, a).await);
    }
    let list = format!("/customers/{a}/addresses");
    assert_eq!(address_ids(&store, &list).await, mine);
    assert_eq!(
        address_ids(&store, &format!("{list}.json?limit=2&page=2")).await,
        mine[2..]
    );
    assert_eq!(
        address_ids(&store, &format!("{list}?page=3&limit=2")).await,
        Vec::<i64>::new()
    );
    assert_eq!(
        address_ids(&store, &format!("/customers/{b}/addresses?limit=1"))
            .await
            .len(),
        1
    );
    let count: Value = store
        .get_json(&format!("{list}/count.json?page=2&limit=1"))
        .await;
    assert_eq!(count, json!({"count": 3}), "paging does not change a count");
    for (path, status, field) in [
        (
            format!("{list}?limit=251"),
            StatusCode::PAYLOAD_TOO_LARGE,
            "limit",
        ),
        (format!("{list}?page=0"), StatusCode::BAD_REQUEST, "page"),
        (
            format!("{list}?city=Austin"),
            StatusCode::BAD_REQUEST,
            "city",
        ),
        (
            format!("{list}/count?zip=1"),
            StatusCode::BAD_REQUEST,
            "zip",
        ),
        (
            format!("{list}/{}?limit=1", mine[0]),
            StatusCode::BAD_REQUEST,
            "limit",
        ),
    ] {
        let (got, message) = error_message(store.get(&path).await).await;
        assert_eq!(got, status, "{path}");
        assert!(message.contains(&format!("'{field}'")), "{path}: {message}");
    }
    for path in [
        "/customers/99/addresses",
        "/customers/99/addresses/count",
        "/customers/99999999999999999999/addresses",
        "/customers/0/addresses/count",
    ] {
        let (status, message) = error_message(store.get(path).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(message, "The requested resource was not found.");
    }
}

#[tokio::test]
async fn creates_an_address_with_201_and_the_country_code() {
    let store = TestStore::empty().await;
    let id = customer(&store, 1).await;
    let created = add(&store, id, jane(id)).await;
    let keys: Vec<&str> = created
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "customer_id",
            "first_name",
            "last_name",
            "company",
            "street_1",
            "street_2",
            "city",
            "state",
            "zip",
            "country",
            "country_iso2",
            "phone",
            "address_type",
            "form_fields"
        ]
    );
    assert_eq!(created["id"], 1);
    assert_eq!(created["customer_id"], id);
    assert_eq!(
        (created["company"].as_str(), created["street_2"].as_str()),
        (Some(""), Some(""))
    );
    assert_eq!(created["country_iso2"], "US");
    assert_eq!(created["address_type"], "residential");
    assert!(created["form_fields"].is_null());
    assert_eq!(
        store
            .get_json(&format!("/customers/{id}/addresses/1"))
            .await,
        created
    );

    let mut abroad = jane(id);
    for (key, value) in [
        ("country", json!("  UNITED kingdom ")),
        ("state", json!(" ")),
        ("zip", json!("SW1A 1AA")),
        ("company", json!("Doe & Daughters")),
        ("street_2", json!("Flat 2")),
        ("address_type", json!("commercial")),
        // Read-only: ignored, as on a fetched address sent back.
        ("id", json!(77)),
        ("customer_id", json!(12345)),
        ("country_iso2", json!("FR")),
        (
            "form_fields",
            json!([{"name": "Gate code", "value": "1234"}]),
        ),
    ] {
        abroad[key] = value;
    }
    let uk = add(&store, id, abroad).await;
    assert_eq!(uk["id"], 2);
    assert_eq!(uk["customer_id"], id);
    assert_eq!(
        uk["country"], "United Kingdom",
        "the store's own name for it"
    );
    assert_eq!(uk["country_iso2"], "GB");
    assert_eq!(uk["state"], " ", "a space stands for no state");
    assert_eq!(uk["address_type"], "commercial");
    assert!(uk["form_fields"].is_null());
    for (country, name, code) in [
        ("germany", "Germany", "DE"),
        ("South Korea", "Korea, Republic of", "KR"),
        ("Côte d'Ivoire", "Cote d'Ivoire", "CI"),
    ] {
        let mut body = jane(id);
        body["country"] = json!(country);
        let created = add(&store, id, body).await;
        assert_eq!(
            (
                created["country"].as_str(),
                created["country_iso2"].as_str()
            ),
            (Some(name), Some(code))
        );
    }
    // Text is kept as sent.
    let mut odd = jane(id);
    odd["street_1"] = json!("Ringstraße 7 \u{1b}[31m ' OR 1=1; --");
    assert_eq!(
        add(&store, id, odd.clone()).await["street_1"],
        odd["street_1"]
    );
}

#[tokio::test]
async fn refuses_missing_and_bad_fields_naming_them_and_keeps_nothing() {
    let store = TestStore::empty().await;
    let id = customer(&store, 1).await;
    let path = format!("/customers/{id}/addresses");
    for field in [
        "first_name",
        "last_name",
        "phone",
        "street_1",
        "city",
        "state",
        "zip",
        "country",
    ] {
        let mut body = jane(id);
        body.as_object_mut().expect("an object").remove(field);
        let (status, message) =
            error_message(store.send_json(Method::POST, &path, &body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}");
        assert_eq!(
            message,
            format!("The required field '{field}' was not supplied.")
        );
    }
    let with = |field: &str, value: Value| {
        let mut body = jane(id);
        body[field] = value;
        body
    };
    let cases = [
        (with("state", json!("")), "state"),
        (with("state", json!(null)), "state"),
        (with("first_name", json!("  ")), "first_name"),
        (with("zip", json!(78726)), "zip"),
        (with("country", json!("Atlantis")), "country"),
        (with("country", json!("US")), "country"),
        (with("country", json!(840)), "country"),
        (with("address_type", json!("home")), "address_type"),
        (with("company", json!({"name": "x"})), "company"),
        (with("city", json!("x".repeat(256))), "city"),
        (with("county", json!("Travis")), "county"),
    ];
    for (body, field) in cases {
        let (status, message) =
            error_message(store.send_json(Method::POST, &path, &body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(message.contains(&format!("'{field}'")), "{body}: {message}");
    }
    for raw in ["", "[]", "{\"city\": "] {
        let response = store
            .request(Method::POST, &path)
            .header("Content-Type", "application/json")
            .body(raw)
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{raw:?}");
    }
    assert_eq!(address_count(&store, id).await, 0);
    let missing = store
        .send_json(Method::POST, "/customers/99/addresses", &jane(99))
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
