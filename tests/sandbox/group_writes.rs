//! Changing customer groups over HTTP: create, update, the rules on names and on the one
//! default group, and the fields the store refuses.

use crate::common;

use std::time::Duration;

use crate::groups::{create_group, date, group_count, list_ids};
use common::{TestStore, error_message};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

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
