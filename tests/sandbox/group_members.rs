//! What groups mean for customers: the default group, group ids that must exist, and a
//! deleted group's customers.

use crate::common;

use crate::groups::{create_group, group_count};
use common::{TestStore, error_message};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

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
