//! Changing and deleting customers' addresses over HTTP, addresses going with their customer,
//! and the demo store's addresses.

use crate::common;

use std::collections::HashSet;

use crate::addresses::{add, address_count, address_ids, customer, jane};
use common::{TestStore, error_message};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn updates_change_only_what_is_sent() {
    let store = TestStore::empty().await;
    let (a, b) = (customer(&store, 1).await, customer(&store, 2).await);
    let before = add(&store, a, jane(a)).await;
    let theirs = add(&store, b, jane(b)).await;
    let path = format!("/customers/{a}/addresses/{}", before["id"]);
    let response = store
        .send_json(
            Method::PUT,
            &format!("{path}.json"),
            &json!({"city": "Berlin", "state": "Berlin", "zip": "10115", "country": "GERMANY"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let after: Value = response.json().await.expect("an address");
    assert_eq!(
        (
            after["city"].as_str(),
            after["country"].as_str(),
            after["country_iso2"].as_str()
        ),
        (Some("Berlin"), Some("Germany"), Some("DE"))
    );
    for (field, value) in before.as_object().expect("an object") {
        if !["city", "state", "zip", "country", "country_iso2"].contains(&field.as_str()) {
            assert_eq!(&after[field], value, "{field} must not change");
        }
    }
    assert_eq!(store.get_json(&path).await, after);
    // A fetched address can be sent back as it is, and an empty body changes nothing.
    for body in [after.clone(), json!({})] {
        let response = store.send_json(Method::PUT, &path, &body).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.json::<Value>().await.expect("an address"), after);
    }
    for (body, field) in [
        (json!({"state": ""}), "state"),
        (json!({"country": "Prussia"}), "country"),
        (json!({"phone": null}), "phone"),
        (json!({"address_type": "office"}), "address_type"),
        (json!({"nickname": "home"}), "nickname"),
    ] {
        let (status, message) =
            error_message(store.send_json(Method::PUT, &path, &body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(message.contains(&format!("'{field}'")), "{body}: {message}");
    }
    assert_eq!(
        store.get_json(&path).await,
        after,
        "a refused update changes nothing"
    );
    // Another customer's address, or one that does not exist, is not found through this one.
    for other in [
        format!("/customers/{a}/addresses/{}", theirs["id"]),
        format!("/customers/{a}/addresses/99"),
        format!("/customers/99/addresses/{}", before["id"]),
    ] {
        let response = store
            .send_json(Method::PUT, &other, &json!({"city": "Nowhere"}))
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{other}");
    }
    assert_eq!(
        store
            .get_json(&format!("/customers/{b}/addresses/{}", theirs["id"]))
            .await,
        theirs
    );
}

#[tokio::test]
async fn an_address_is_found_only_through_its_customer() {
    let store = TestStore::empty().await;
    let (a, b) = (customer(&store, 1).await, customer(&store, 2).await);
    let address = add(&store, a, jane(a)).await;
    let theirs = format!("/customers/{b}/addresses/{}", address["id"]);
    assert_eq!(store.get(&theirs).await.status(), StatusCode::NOT_FOUND);
    let delete = store
        .request(Method::DELETE, &theirs)
        .send()
        .await
        .expect("an answer");
    assert_eq!(delete.status(), StatusCode::NOT_FOUND);
    assert_eq!(address_count(&store, a).await, 1);
    for path in [
        format!("/customers/{a}/addresses/2"),
        format!("/customers/{a}/addresses/0"),
    ] {
        let (status, _) = error_message(store.get(&path).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn deletes_one_address_a_page_or_all_of_them() {
    let store = TestStore::empty().await;
    let (a, b) = (customer(&store, 1).await, customer(&store, 2).await);
    let mut mine = Vec::new();
    for _ in 0..5 {
        mine.push(add(&store, a, jane(a)).await["id"].as_i64().expect("an id"));
    }
    let theirs = add(&store, b, jane(b)).await;
    let one = format!("/customers/{a}/addresses/{}", mine[1]);
    let response = store
        .request(Method::DELETE, &one)
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.bytes().await.expect("a body").len(), 0);
    assert_eq!(store.get(&one).await.status(), StatusCode::NOT_FOUND);
    let again = store
        .request(Method::DELETE, &one)
        .send()
        .await
        .expect("an answer");
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let list = format!("/customers/{a}/addresses");
    assert_eq!(
        address_ids(&store, &list).await,
        [mine[0], mine[2], mine[3], mine[4]]
    );

    // With page and limit named, only that page goes, as for customers.
    let page = store
        .request(Method::DELETE, &format!("{list}?limit=2&page=2"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(page.status(), StatusCode::NO_CONTENT);
    assert_eq!(address_ids(&store, &list).await, [mine[0], mine[2]]);
    let bad = store
        .request(Method::DELETE, &format!("{list}?city=Austin"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    let all = store
        .request(Method::DELETE, &format!("{list}.json"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(all.status(), StatusCode::NO_CONTENT);
    assert_eq!(address_count(&store, a).await, 0);
    let none_left = store
        .request(Method::DELETE, &list)
        .send()
        .await
        .expect("an answer");
    assert_eq!(
        none_left.status(),
        StatusCode::NO_CONTENT,
        "deleting nothing is no error"
    );
    assert_eq!(
        store
            .get_json(&format!("/customers/{b}/addresses/{}", theirs["id"]))
            .await,
        theirs,
        "another customer's addresses stay"
    );
    let missing = store
        .request(Method::DELETE, "/customers/99/addresses")
        .send()
        .await
        .expect("an answer");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// Addresses whose customer is gone, read straight from the database file.
fn orphan_addresses(store: &TestStore) -> i64 {
    let db = rusqlite::Connection::open(store.db_path()).expect("the database");
    db.query_row(
        "SELECT count(*) FROM customer_addresses WHERE customer_id NOT IN (SELECT id FROM customers)",
        [],
        |row| row.get(0),
    )
    .expect("a count")
}

#[tokio::test]
async fn deleting_customers_deletes_their_addresses() {
    let store = TestStore::seeded(120).await;
    let all = store.list_all("").await;
    let mut with_addresses = Vec::new();
    for customer in &all {
        let id = customer["id"].as_i64().expect("an id");
        if address_count(&store, id).await > 0 {
            with_addresses.push(id);
        }
    }
    assert!(
        with_addresses.len() > 60,
        "most seeded customers have an address"
    );
    let first = with_addresses[0];
    let response = store
        .request(Method::DELETE, &format!("/customers/{first}"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        store
            .get(&format!("/customers/{first}/addresses"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(orphan_addresses(&store), 0);

    let response = store
        .request(Method::DELETE, "/customers?customer_group_id=2")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(orphan_addresses(&store), 0);
    let response = store
        .request(Method::DELETE, "/customers?limit=10&page=2")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(orphan_addresses(&store), 0);
    let survivor = store.list_all("").await[0]["id"].as_i64().expect("an id");
    let before = address_count(&store, survivor).await;
    assert_eq!(
        store
            .get_json(&format!("/customers/{survivor}/addresses/count"))
            .await["count"],
        before,
        "the others keep theirs"
    );
    let response = store
        .request(Method::DELETE, "/customers")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let db = rusqlite::Connection::open(store.db_path()).expect("the database");
    let left: i64 = db
        .query_row("SELECT count(*) FROM customer_addresses", [], |row| {
            row.get(0)
        })
        .expect("a count");
    assert_eq!(left, 0);
}

#[tokio::test]
async fn seeded_customers_have_real_addresses_the_same_every_time() {
    let a = TestStore::seeded(80).await;
    let b = TestStore::seeded(80).await;
    let mut per_customer = [0; 4];
    let mut countries = HashSet::new();
    for customer in a.list_all("").await {
        let link = customer["addresses"]["url"]
            .as_str()
            .expect("a link")
            .to_owned();
        let resource = customer["addresses"]["resource"]
            .as_str()
            .expect("a resource")
            .to_owned();
        assert_eq!(link, a.url(&resource), "the link leads to the addresses");
        let response = a
            .http
            .get(&link)
            .header("X-Auth-Token", common::TOKEN)
            .send()
            .await
            .expect("an answer");
        let addresses: Vec<Value> = if response.status() == StatusCode::NO_CONTENT {
            Vec::new()
        } else {
            response.json().await.expect("a list")
        };
        per_customer[addresses.len()] += 1;
        for address in &addresses {
            assert_eq!(address["customer_id"], customer["id"]);
            assert_eq!(address["last_name"], customer["last_name"]);
            for field in ["street_1", "city", "state", "zip", "phone", "country"] {
                assert!(
                    !address[field].as_str().unwrap_or_default().is_empty(),
                    "{field}: {address}"
                );
            }
            countries.insert(
                address["country_iso2"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        let path = format!("/customers/{}/addresses", customer["id"]);
        let again = b.get(&path).await;
        let same: Vec<Value> = if again.status() == StatusCode::NO_CONTENT {
            Vec::new()
        } else {
            again.json().await.expect("a list")
        };
        assert_eq!(same, addresses, "{path}");
    }
    assert!(
        per_customer.iter().all(|&n| n > 0),
        "0 to 3 addresses each: {per_customer:?}"
    );
    assert!(countries.len() >= 5, "{countries:?}");
}
