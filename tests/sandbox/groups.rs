//! Customer groups over HTTP: list, count, filters, create, update, delete, the one default
//! group, unique names, and what groups mean for customers.

use crate::common;

use std::time::Duration;

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
async fn all_groups(store: &TestStore, query: &str) -> Vec<Value> {
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

async fn group_count(store: &TestStore, query: &str) -> u64 {
    let body = store
        .get_json(&format!("/customer_groups/count{query}"))
        .await;
    body["count"].as_u64().expect("a count")
}

/// The ids of one page of groups; none when the store answers 204.
async fn list_ids(store: &TestStore, query: &str) -> Vec<i64> {
    let response = store.get(&format!("/customer_groups{query}")).await;
    if response.status() == StatusCode::NO_CONTENT {
        return Vec::new();
    }
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    ids(&response.json::<Vec<Value>>().await.expect("a list"))
}

fn date(group: &Value, field: &str) -> i64 {
    bc_customers::dates::parse_api_date(group[field].as_str().expect("a date")).expect("a date")
}

fn encode(value: &str) -> String {
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

#[tokio::test]
async fn creates_a_group_with_defaults_or_every_field() {
    let store = TestStore::empty().await;
    let plain = create_group(&store, json!({"name": "Wholesale"})).await;
    let fields: Vec<&str> = plain
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "id",
            "name",
            "is_default",
            "category_access",
            "discount_rules",
            "date_created",
            "date_modified",
            "is_group_for_guests"
        ]
    );
    assert_eq!(plain["id"], 1);
    assert_eq!(plain["is_default"], false);
    assert_eq!(
        plain["category_access"],
        json!({"type": "all", "categories": []})
    );
    assert_eq!(plain["discount_rules"], json!([]));
    assert_eq!(plain["is_group_for_guests"], false);
    assert_eq!(plain["date_created"], plain["date_modified"]);
    let created = date(&plain, "date_created");
    assert!((bc_customers::dates::now_unix() - created).abs() < 60);
    assert_eq!(store.get_json("/customer_groups/1").await, plain);

    let full = create_group(
        &store,
        json!({
            "name": "Trade", "is_default": true, "is_group_for_guests": false,
            "category_access": {"type": "specific", "categories": [18, 23]},
            "discount_rules": [
                {"type": "all", "method": "percent", "amount": 5},
                {"type": "category", "method": "fixed", "amount": "2.5", "category_id": 18},
                {"type": "product", "method": "price", "amount": 19.99, "product_id": 7},
                {"type": "price_list", "price_list_id": 3}
            ],
            "id": 99, "date_created": "Tue, 13 Nov 2012 21:16:41 +0000", "date_modified": "x"
        }),
    )
    .await;
    assert_eq!(full["id"], 2, "read-only fields are ignored");
    assert_ne!(full["date_created"], "Tue, 13 Nov 2012 21:16:41 +0000");
    assert_eq!(full["is_default"], true);
    assert_eq!(
        full["category_access"],
        json!({"type": "specific", "categories": [18, 23]})
    );
    assert_eq!(
        full["discount_rules"],
        json!([
            {"type": "all", "method": "percent", "amount": "5.0000"},
            {"type": "category", "method": "fixed", "amount": "2.5000", "category_id": 18},
            {"type": "product", "method": "price", "amount": "19.9900", "product_id": 7},
            {"type": "price_list", "price_list_id": 3}
        ])
    );
    // A fetched group can be sent back as it is.
    let resent = store
        .send_json(Method::PUT, "/customer_groups/2", &full)
        .await;
    assert_eq!(resent.status(), StatusCode::OK);
    let resent: Value = resent.json().await.expect("a group");
    assert_eq!(resent["discount_rules"], full["discount_rules"]);
    assert_eq!(group_count(&store, "").await, 2);
}

#[tokio::test]
async fn refuses_bad_group_fields_with_400_naming_them_and_keeps_nothing() {
    let store = TestStore::empty().await;
    let cases = [
        (json!({}), "name"),
        (json!({"name": ""}), "name"),
        (json!({"name": 5}), "name"),
        (json!({"name": "x".repeat(300)}), "name"),
        (json!({"name": "A", "is_default": 1}), "is_default"),
        (
            json!({"name": "A", "is_group_for_guests": "no"}),
            "is_group_for_guests",
        ),
        (json!({"name": "A", "members": []}), "members"),
        (
            json!({"name": "A", "category_access": null}),
            "category_access",
        ),
        (
            json!({"name": "A", "category_access": {"type": "most"}}),
            "category_access.type",
        ),
        (
            json!({"name": "A", "category_access": {"type": "none", "categories": [3]}}),
            "category_access.categories",
        ),
        (
            json!({"name": "A", "category_access": {"type": "specific", "categories": [0]}}),
            "category_access.categories",
        ),
        (
            json!({"name": "A", "discount_rules": "10%"}),
            "discount_rules",
        ),
        (
            json!({"name": "A", "discount_rules": [{"type": "all", "method": "percent", "amount": 101}]}),
            "discount_rules[0].amount",
        ),
        (
            json!({"name": "A", "discount_rules": [{"type": "all", "method": "fixed", "amount": "1.5"}, {"type": "brand", "method": "fixed", "amount": 1}]}),
            "discount_rules[1].type",
        ),
        (
            json!({"name": "A", "discount_rules": [{"type": "product", "method": "price", "amount": 1}]}),
            "discount_rules[0].product_id",
        ),
        (
            json!({"name": "A", "discount_rules": [{"type": "price_list", "price_list_id": 1, "method": "percent"}]}),
            "discount_rules[0].method",
        ),
    ];
    for (body, field) in cases {
        let (status, message) = error_message(
            store
                .send_json(Method::POST, "/customer_groups", &body)
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(message.contains(&format!("'{field}'")), "{body}: {message}");
    }
    for raw in ["", "[]", "\"VIP\"", "{\"name\": ", "null"] {
        let response = store
            .request(Method::POST, "/customer_groups")
            .header("Content-Type", "application/json")
            .body(raw)
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{raw:?}");
    }
    assert_eq!(group_count(&store, "").await, 0);
}

#[tokio::test]
async fn names_are_unique_ignoring_case() {
    let store = TestStore::empty().await;
    create_group(&store, json!({"name": "VIP"})).await;
    let other = create_group(&store, json!({"name": "Über Kunden"})).await;
    for name in ["vip", "VIP", "über kunden", "ÜBER KUNDEN"] {
        let response = store
            .send_json(Method::POST, "/customer_groups", &json!({ "name": name }))
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "{name}");
        let body: Value = response.json().await.expect("an error body");
        assert_eq!(body[0]["status"], 409);
        assert_eq!(body[0]["message"], "The field 'name' is invalid.");
        assert!(
            body[0]["details"]["conflict_reason"]
                .as_str()
                .is_some_and(|r| r.contains(name))
        );
    }
    let path = format!("/customer_groups/{}", other["id"]);
    let renamed = store
        .send_json(Method::PUT, &path, &json!({"name": "Vip"}))
        .await;
    assert_eq!(renamed.status(), StatusCode::CONFLICT);
    assert_eq!(store.get_json(&path).await["name"], "Über Kunden");
    // A group may change the case of its own name.
    let recased = store
        .send_json(Method::PUT, "/customer_groups/1", &json!({"name": "Vip"}))
        .await;
    assert_eq!(recased.status(), StatusCode::OK);
    assert_eq!(group_count(&store, "").await, 2);
}

#[tokio::test]
async fn updates_change_only_what_is_sent_and_move_date_modified() {
    let store = TestStore::seeded(5).await;
    let before = store.get_json("/customer_groups/4").await;
    let response = store
        .send_json(
            Method::PUT,
            "/customer_groups/4.json",
            &json!({"discount_rules": [{"type": "all", "method": "percent", "amount": "12.5"}]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let after: Value = response.json().await.expect("a group");
    assert_eq!(
        after["discount_rules"],
        json!([{"type": "all", "method": "percent", "amount": "12.5000"}]),
        "the rules are replaced as a whole"
    );
    for (field, value) in before.as_object().expect("an object") {
        if !["discount_rules", "date_modified"].contains(&field.as_str()) {
            assert_eq!(&after[field], value, "{field} must not change");
        }
    }
    assert!(date(&after, "date_modified") > date(&before, "date_modified"));
    assert_eq!(after, store.get_json("/customer_groups/4").await);

    let nothing = store
        .send_json(Method::PUT, "/customer_groups/4", &json!({}))
        .await;
    assert_eq!(nothing.status(), StatusCode::OK);
    let bad = store
        .send_json(
            Method::PUT,
            "/customer_groups/4",
            &json!({"category_access": {"type": "all", "categories": [1]}}),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        store.get_json("/customer_groups/4").await["category_access"],
        before["category_access"]
    );
    for path in [
        "/customer_groups/40",
        "/customer_groups/99999999999999999999",
    ] {
        let missing = store
            .send_json(Method::PUT, path, &json!({"name": "X"}))
            .await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND, "{path}");
    }

    let created = create_group(&store, json!({"name": "Later"})).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let path = format!("/customer_groups/{}", created["id"]);
    let updated: Value = store
        .send_json(Method::PUT, &path, &json!({"name": "Later still"}))
        .await
        .json()
        .await
        .expect("a group");
    assert_eq!(updated["date_created"], created["date_created"]);
    assert_ne!(updated["date_modified"], created["date_modified"]);
}

#[tokio::test]
async fn one_group_at_a_time_is_the_default_and_one_the_guests() {
    let store = TestStore::empty().await;
    let a = create_group(&store, json!({"name": "A", "is_default": true})).await;
    let b = create_group(
        &store,
        json!({"name": "B", "is_default": true, "is_group_for_guests": true}),
    )
    .await;
    assert_eq!(b["is_default"], true);
    let a_now = store.get_json("/customer_groups/1").await;
    assert_eq!(a_now["is_default"], false, "the new default took over");
    assert!(date(&a_now, "date_modified") >= date(&a, "date_modified"));
    assert_eq!(list_ids(&store, "?is_default=true").await, vec![2]);
    let response = store
        .send_json(
            Method::PUT,
            "/customer_groups/1",
            &json!({"is_default": true, "is_group_for_guests": true}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(list_ids(&store, "?is_default=true").await, vec![1]);
    assert_eq!(list_ids(&store, "?is_group_for_guests=true").await, vec![1]);
    // Turning it off leaves the store with no default group.
    store
        .send_json(
            Method::PUT,
            "/customer_groups/1",
            &json!({"is_default": false}),
        )
        .await;
    assert_eq!(
        list_ids(&store, "?is_default=true").await,
        Vec::<i64>::new()
    );
}

#[tokio::test]
async fn customers_join_the_default_group_and_only_groups_that_exist() {
    let store = TestStore::empty().await;
    let customer = |n: u32| json!({"first_name": "C", "last_name": format!("N{n}"), "email": format!("c{n}@example.com")});
    assert_eq!(
        store.create(customer(1)).await["customer_group_id"],
        0,
        "no default group: none"
    );
    create_group(&store, json!({"name": "Retail"})).await;
    let default = create_group(&store, json!({"name": "Members", "is_default": true})).await;
    assert_eq!(
        store.create(customer(2)).await["customer_group_id"],
        default["id"]
    );
    let mut explicit = customer(3);
    explicit["customer_group_id"] = json!(1);
    assert_eq!(store.create(explicit).await["customer_group_id"], 1);
    let mut none = customer(4);
    none["customer_group_id"] = json!(0);
    assert_eq!(
        store.create(none).await["customer_group_id"],
        0,
        "0 means no group"
    );

    let mut unknown = customer(5);
    unknown["customer_group_id"] = json!(9);
    let (status, message) =
        error_message(store.send_json(Method::POST, "/customers", &unknown).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(message, "The field 'customer_group_id' is invalid.");
    let (status, message) = error_message(
        store
            .send_json(
                Method::PUT,
                "/customers/1",
                &json!({"customer_group_id": 9}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(message, "The field 'customer_group_id' is invalid.");
    assert_eq!(store.get_json("/customers/1").await["customer_group_id"], 0);
    let moved = store
        .send_json(
            Method::PUT,
            "/customers/1",
            &json!({"customer_group_id": 2}),
        )
        .await;
    assert_eq!(
        moved.json::<Value>().await.expect("a customer")["customer_group_id"],
        2
    );
    assert_eq!(
        store.count("").await,
        4,
        "the refused customer was not kept"
    );
}

#[tokio::test]
async fn deleting_a_group_leaves_its_customers_in_no_group() {
    let store = TestStore::seeded(200).await;
    let members = store.list_all("?customer_group_id=3").await;
    assert!(members.len() > 5);
    let others = store.count("?customer_group_id=0").await;
    let response = store
        .request(Method::DELETE, "/customer_groups/3")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.bytes().await.expect("a body").len(), 0);
    assert_eq!(
        store.get("/customer_groups/3").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(store.count("?customer_group_id=3").await, 0);
    assert_eq!(
        store.count("?customer_group_id=0").await,
        others + members.len() as u64
    );
    for member in &members {
        let now = store
            .get_json(&format!("/customers/{}", member["id"]))
            .await;
        assert_eq!(now["customer_group_id"], 0);
        assert_ne!(
            now["date_modified"], member["date_modified"],
            "a changed customer shows it"
        );
    }
    let again = store
        .request(Method::DELETE, "/customer_groups/3.json")
        .send()
        .await
        .expect("an answer");
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert_eq!(group_count(&store, "").await, 6);

    // Deleting every group was sunset upstream: refused, nothing deleted.
    let response = store
        .request(Method::DELETE, "/customer_groups")
        .send()
        .await
        .expect("an answer");
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("GET, HEAD, POST")
    );
    assert_eq!(
        error_message(response).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(group_count(&store, "").await, 6);
}
