//! Changing customers in the sandbox over HTTP: create, update, delete, bulk delete, passwords.

use crate::common;

use std::time::Duration;

use crate::groups::create_group;
use common::{TestStore, error_message, ids};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn ann() -> Value {
    json!({"first_name": "Ann", "last_name": "Lee", "email": "ann.lee@example.com"})
}

#[tokio::test]
async fn creates_with_201_and_every_writable_field() {
    let store = TestStore::empty().await;
    // A customer can join only a group that exists.
    for name in ["Retail", "Wholesale"] {
        create_group(&store, json!({ "name": name })).await;
    }
    let created = store
        .create(json!({
            "first_name": "Ann", "last_name": "Lee", "email": "ann.lee@example.com",
            "company": "Lee & Co", "phone": "(555) 010-0100", "store_credit": "12.5",
            "registration_ip_address": "2001:db8::1", "customer_group_id": 2,
            "notes": "Prefers email", "tax_exempt_category": "G",
            "id": 999, "date_created": "Tue, 13 Nov 2012 21:16:41 +0000", "accepts_marketing": true,
            "addresses": {"url": "x", "resource": "y"}, "form_fields": []
        }))
        .await;
    assert_eq!(created["id"], 1, "read-only id is ignored");
    assert_eq!(created["company"], "Lee & Co");
    assert_eq!(created["store_credit"], "12.5000");
    assert_eq!(created["customer_group_id"], 2);
    assert_eq!(created["registration_ip_address"], "2001:db8::1");
    assert_eq!(created["tax_exempt_category"], "G");
    assert_eq!(created["accepts_marketing"], false, "read-only, ignored");
    assert_ne!(created["date_created"], "Tue, 13 Nov 2012 21:16:41 +0000");
    let fetched = store.get_json("/customers/1").await;
    assert_eq!(fetched, created);

    // A fetched customer can be sent back as it is.
    let resent = store.send_json(Method::PUT, "/customers/1", &fetched).await;
    assert_eq!(resent.status(), StatusCode::OK);
    let numeric_credit = store
        .create(json!({"first_name": "B", "last_name": "C", "email": "b@example.com", "store_credit": 7.25}))
        .await;
    assert_eq!(numeric_credit["store_credit"], "7.2500");
}

#[tokio::test]
async fn refuses_bad_fields_with_400_naming_them_and_keeps_nothing() {
    let store = TestStore::empty().await;
    let with = |field: &str, value: Value| {
        let mut body = ann();
        body[field] = value;
        body
    };
    let cases = [
        (
            json!({"last_name": "Lee", "email": "a@example.com"}),
            "first_name",
        ),
        (
            json!({"first_name": "Ann", "email": "a@example.com"}),
            "last_name",
        ),
        (json!({"first_name": "Ann", "last_name": "Lee"}), "email"),
        (with("first_name", json!(12)), "first_name"),
        (with("first_name", json!("  ")), "first_name"),
        (with("email", json!("ann at example")), "email"),
        (with("email", json!("ann@localhost")), "email"),
        (with("store_credit", json!(-1)), "store_credit"),
        (with("store_credit", json!("ten")), "store_credit"),
        (with("store_credit", json!(1e300)), "store_credit"),
        (with("customer_group_id", json!("two")), "customer_group_id"),
        (with("customer_group_id", json!(1.5)), "customer_group_id"),
        (with("customer_group_id", json!(-3)), "customer_group_id"),
        (
            with("registration_ip_address", json!("999.1.1.1")),
            "registration_ip_address",
        ),
        (with("notes", json!(["a"])), "notes"),
        (
            with("reset_pass_on_login", json!("yes")),
            "reset_pass_on_login",
        ),
        (with("first_name", json!("x".repeat(300))), "first_name"),
        (with("nickname", json!("Annie")), "nickname"),
        (with("force_reset", json!(true)), "force_reset"),
        (
            with("_authentication", json!({"password": "short"})),
            "password",
        ),
        (
            with("_authentication", json!({"password": "lettersonly"})),
            "password",
        ),
        (
            with("_authentication", json!({"password": "1234567890"})),
            "password",
        ),
        (
            with(
                "_authentication",
                json!({"password": "secret12", "password_confirmation": "secret13"}),
            ),
            "password_confirmation",
        ),
        (
            with("_authentication", json!({"reset": true})),
            "_authentication.reset",
        ),
        (
            with("_authentication", json!("secret12")),
            "_authentication",
        ),
    ];
    for (body, field) in cases {
        let (status, message) =
            error_message(store.send_json(Method::POST, "/customers", &body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(message.contains(&format!("'{field}'")), "{body}: {message}");
    }
    for raw in ["", "[]", "\"ann\"", "{\"first_name\": ", "null"] {
        let response = store
            .request(Method::POST, "/customers")
            .header("Content-Type", "application/json")
            .body(raw)
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{raw:?}");
    }
    assert_eq!(store.count("").await, 0);
}

#[tokio::test]
async fn duplicate_emails_conflict_ignoring_case() {
    let store = TestStore::empty().await;
    store.create(ann()).await;
    let other = store
        .create(json!({"first_name": "Bo", "last_name": "Li", "email": "bo@example.com"}))
        .await;
    let mut twin = ann();
    twin["email"] = json!("ANN.Lee@Example.com");
    let response = store.send_json(Method::POST, "/customers", &twin).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: Value = response.json().await.expect("an error body");
    assert_eq!(body[0]["status"], 409);
    assert!(
        body[0]["details"].is_object(),
        "409 explains itself: {body}"
    );

    let path = format!("/customers/{}", other["id"]);
    let response = store
        .send_json(Method::PUT, &path, &json!({"email": "ann.lee@EXAMPLE.com"}))
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let unchanged = store.get_json(&path).await;
    assert_eq!(unchanged["email"], "bo@example.com");
    // Changing the case of one's own email is no conflict.
    let response = store
        .send_json(
            Method::PUT,
            "/customers/1",
            &json!({"email": "Ann.Lee@example.com"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(store.count("").await, 2);
}

#[tokio::test]
async fn updates_change_only_the_fields_sent_and_move_date_modified() {
    let store = TestStore::seeded(10).await;
    let before = store.get_json("/customers/4").await;
    let response = store
        .send_json(
            Method::PUT,
            "/customers/4.json",
            &json!({"notes": "Called on Monday", "store_credit": 3}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let after: Value = response.json().await.expect("a customer");
    assert_eq!(after["notes"], "Called on Monday");
    assert_eq!(after["store_credit"], "3.0000");
    for (field, value) in before.as_object().expect("an object") {
        if !["notes", "store_credit", "date_modified"].contains(&field.as_str()) {
            assert_eq!(&after[field], value, "{field} must not change");
        }
    }
    assert_ne!(
        after["date_modified"], before["date_modified"],
        "seeded dates are in the past"
    );
    assert_eq!(after, store.get_json("/customers/4").await);

    let bad = store
        .send_json(Method::PUT, "/customers/4", &json!({"email": "nope"}))
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(after, store.get_json("/customers/4").await);

    let missing = store
        .send_json(Method::PUT, "/customers/40", &json!({"notes": "x"}))
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn text_is_kept_exactly_as_sent() {
    let store = TestStore::empty().await;
    let awkward = "Zoë \u{1b}[31mred\u{1b}[0m \u{202e}txet \u{0}nul\ttab 名前 👩‍💻 ' OR 1=1; --";
    let mut body = ann();
    body["notes"] = json!(awkward);
    body["company"] = json!("Robert'); DROP TABLE customers;--");
    let created = store.create(body).await;
    assert_eq!(created["notes"], awkward);
    let fetched = store.get_json("/customers/1").await;
    assert_eq!(fetched["notes"], awkward);
    assert_eq!(
        store
            .count("?company=Robert%27)%3B%20DROP%20TABLE%20customers%3B--")
            .await,
        1
    );
}

#[tokio::test]
async fn deletes_one_customer() {
    let store = TestStore::seeded(5).await;
    let response = store
        .request(Method::DELETE, "/customers/3")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.bytes().await.expect("a body").len(), 0);
    assert_eq!(
        store.get("/customers/3").await.status(),
        StatusCode::NOT_FOUND
    );
    let again = store
        .request(Method::DELETE, "/customers/3")
        .send()
        .await
        .expect("an answer");
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert_eq!(ids(&store.list_all("").await), vec![1, 2, 4, 5]);
    // Ids are never given again.
    let created = store.create(ann()).await;
    assert_eq!(created["id"], 6);
}

#[tokio::test]
async fn bulk_delete_removes_what_the_filter_matches() {
    let store = TestStore::seeded(200).await;
    let group_two = store.count("?customer_group_id=2").await;
    assert!(group_two > 0);
    let response = store
        .request(Method::DELETE, "/customers?customer_group_id=2&max_id=150")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(store.count("?customer_group_id=2&max_id=150").await, 0);
    let left_in_group = store.count("?customer_group_id=2").await;
    assert_eq!(
        left_in_group,
        store
            .list_all("?customer_group_id=2&min_id=151")
            .await
            .len() as u64
    );
    let remaining = store.count("").await;

    // With page and limit named, only that page of matches goes.
    let response = store
        .request(Method::DELETE, "/customers.json?limit=10&page=1")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(store.count("").await, remaining - 10);

    let bad = store
        .request(Method::DELETE, "/customers?min_id=abc")
        .send()
        .await
        .expect("an answer");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        store.count("").await,
        remaining - 10,
        "a refused filter deletes nothing"
    );

    // No filter at all deletes every customer, as on the real store.
    let response = store
        .request(Method::DELETE, "/customers")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(store.count("").await, 0);
    assert_eq!(
        store.get("/customers").await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn passwords_are_checked_hashed_and_never_returned() {
    let store = TestStore::empty().await;
    let mut body = ann();
    body["_authentication"] =
        json!({"password": "Plaintext123", "password_confirmation": "Plaintext123"});
    let created = store.create(body).await;
    assert!(!created.to_string().contains("Plaintext123"));
    assert_eq!(created["reset_pass_on_login"], false);

    let validate = |password: &str| {
        let body = json!({ "password": password });
        let store = &store;
        async move {
            let response = store
                .send_json(Method::POST, "/customers/1/validate", &body)
                .await;
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.expect("a result")["success"].clone()
        }
    };
    assert_eq!(validate("Plaintext123").await, true);
    assert_eq!(validate("plaintext123").await, false);

    let response = store
        .send_json(
            Method::PUT,
            "/customers/1",
            &json!({"_authentication": {"password": "Another456", "force_reset": true}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let updated: Value = response.json().await.expect("a customer");
    assert_eq!(updated["reset_pass_on_login"], true);
    assert_eq!(validate("Plaintext123").await, false);
    assert_eq!(validate("Another456").await, true);

    // An update without a password leaves it as it was.
    store
        .send_json(Method::PUT, "/customers/1", &json!({"notes": "x"}))
        .await;
    assert_eq!(validate("Another456").await, true);

    // A customer created without a password has one nobody knows.
    let other = store
        .create(json!({"first_name": "Bo", "last_name": "Li", "email": "bo@example.com"}))
        .await;
    let path = format!("/customers/{}/validate", other["id"]);
    let response = store
        .send_json(Method::POST, &path, &json!({"password": ""}))
        .await;
    assert_eq!(
        response.json::<Value>().await.expect("a result")["success"],
        false
    );

    let missing = store
        .send_json(
            Method::POST,
            "/customers/99/validate",
            &json!({"password": "x"}),
        )
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let no_password = store
        .send_json(Method::POST, "/customers/1/validate", &json!({}))
        .await;
    assert_eq!(no_password.status(), StatusCode::BAD_REQUEST);

    // Only salted hashes reach the disk.
    let folder = store.stop().await;
    for entry in std::fs::read_dir(folder.path()).expect("the store folder") {
        let bytes = std::fs::read(entry.expect("an entry").path()).expect("a file");
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("Plaintext123") && !text.contains("Another456"));
        if text.contains("$argon2") {
            assert!(text.contains("$argon2id$"));
        }
    }
}

#[tokio::test]
async fn date_modified_moves_on_every_update() {
    let store = TestStore::empty().await;
    let created = store.create(ann()).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let updated: Value = store
        .send_json(Method::PUT, "/customers/1", &json!({"phone": "123"}))
        .await
        .json()
        .await
        .expect("a customer");
    assert_eq!(updated["date_created"], created["date_created"]);
    assert_ne!(updated["date_modified"], created["date_modified"]);
    let modified =
        bc_customers::dates::parse_api_date(updated["date_modified"].as_str().expect("a date"))
            .expect("a date");
    let filter = bc_customers::dates::format_api_date(modified);
    let encoded: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    assert_eq!(
        store.count(&format!("?min_date_modified={encoded}")).await,
        1
    );
}
