//! The sandbox's storage: data survives a restart, concurrent writes lose nothing, seeding is
//! deterministic, happens only on an empty database and keeps the store's own groups.

use crate::common;

use std::collections::HashSet;

use common::{TestStore, client, ids, start_on};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn data_survives_a_restart() {
    let store = TestStore::seeded(20).await;
    let created = store
        .create(json!({"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "_authentication": {"password": "secret12"}}))
        .await;
    store
        .send_json(Method::PUT, "/customers/3", &json!({"company": "Lee & Co"}))
        .await;
    store
        .request(Method::DELETE, "/customers/5")
        .send()
        .await
        .expect("an answer");
    let before = store.list_all("").await;
    let db = store.db_path();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&db)
            .expect("the database")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "customers are private: {mode:o}");
    }
    let folder = store.stop().await;

    // A seed on a store that already has customers adds none.
    let restarted = start_on(db, |options| options.seed = 500).await;
    assert_eq!(restarted.customers_at_start(), 20);
    let http = client();
    let mut after = Vec::new();
    for page in 1..=2 {
        let response = http
            .get(format!(
                "{}/customers?limit=15&page={page}",
                restarted.api_url()
            ))
            .header("X-Auth-Token", common::TOKEN)
            .send()
            .await
            .expect("an answer");
        after.extend(response.json::<Vec<Value>>().await.expect("a list"));
    }
    let addresses = |customers: &[Value]| -> Vec<Value> {
        customers
            .iter()
            .map(|c| {
                let mut c = c.clone();
                c.as_object_mut().expect("an object").remove("addresses");
                c
            })
            .collect()
    };
    assert_eq!(addresses(&after), addresses(&before));
    let validated: Value = http
        .post(format!(
            "{}/customers/{}/validate",
            restarted.api_url(),
            created["id"]
        ))
        .header("X-Auth-Token", common::TOKEN)
        .json(&json!({"password": "secret12"}))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("a result");
    assert_eq!(validated["success"], true);
    restarted.shutdown().await.expect("a clean shutdown");
    drop(folder);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_lose_nothing() {
    let store = TestStore::seeded(100).await;
    let mut tasks = Vec::new();
    for n in 0..120 {
        let request = store
            .request(Method::POST, "/customers")
            .json(&json!({"first_name": "Con", "last_name": format!("Current{n}"), "email": format!("c{n}@example.com")}));
        tasks.push(tokio::spawn(async move {
            request.send().await.map(|r| r.status())
        }));
    }
    for id in 1..=100 {
        let request = store
            .request(Method::PUT, &format!("/customers/{id}"))
            .json(&json!({"notes": format!("note {id}")}));
        tasks.push(tokio::spawn(async move {
            request.send().await.map(|r| r.status())
        }));
    }
    // Two clients racing for one email: exactly one wins.
    for _ in 0..2 {
        let request = store
            .request(Method::POST, "/customers")
            .json(&json!({"first_name": "Twin", "last_name": "Race", "email": "twin@example.com"}));
        tasks.push(tokio::spawn(async move {
            request.send().await.map(|r| r.status())
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("the task").expect("an answer"));
    }
    assert!(
        statuses[..120].iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    assert!(statuses[120..220].iter().all(|s| *s == StatusCode::OK));
    let mut twins = statuses[220..].to_vec();
    twins.sort();
    assert_eq!(twins, vec![StatusCode::CREATED, StatusCode::CONFLICT]);

    let all = store.list_all("").await;
    assert_eq!(all.len(), 221);
    let unique: HashSet<i64> = ids(&all).into_iter().collect();
    assert_eq!(unique.len(), 221);
    assert_eq!(store.count("?first_name=Con").await, 120);
    for customer in all.iter().filter(|c| c["id"].as_i64() <= Some(100)) {
        assert_eq!(customer["notes"], format!("note {}", customer["id"]));
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_store() {
    let a = TestStore::seeded(60).await;
    let b = TestStore::seeded(60).await;
    let strip = |customers: Vec<Value>| -> Vec<Value> {
        customers
            .into_iter()
            .map(|mut c| {
                c.as_object_mut().expect("an object").remove("addresses");
                c
            })
            .collect()
    };
    assert_eq!(strip(a.list_all("").await), strip(b.list_all("").await));
    assert_eq!(
        a.get_json("/customer_groups").await,
        b.get_json("/customer_groups").await
    );
    let companies: HashSet<String> = a
        .list_all("")
        .await
        .iter()
        .map(|c| c["company"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(companies.len() > 5, "varied companies: {companies:?}");
}

#[tokio::test]
async fn creates_the_database_and_its_folder_when_missing() {
    let folder = tempfile::tempdir().expect("a folder");
    let db = folder.path().join("nested/deeper/store.sqlite3");
    let sandbox = start_on(db.clone(), |_| {}).await;
    assert!(db.exists());
    assert_eq!(sandbox.customers_at_start(), 0);
    sandbox.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn seeding_keeps_a_stores_own_groups() {
    let store = TestStore::empty().await;
    let own = crate::groups::create_group(&store, json!({"name": "Our own"})).await;
    let db = store.db_path();
    let folder = store.stop().await;
    let restarted = start_on(db, |options| options.seed = 200).await;
    assert_eq!(restarted.customers_at_start(), 200);
    let http = client();
    let get = |path: String| {
        http.get(format!("{}{path}", restarted.api_url()))
            .header("X-Auth-Token", common::TOKEN)
            .send()
    };
    let groups: Vec<Value> = get("/customer_groups".into())
        .await
        .expect("an answer")
        .json()
        .await
        .expect("a list");
    assert_eq!(groups, vec![own.clone()], "no demo group was added");
    let in_no_group: Value = get("/customers/count?customer_group_id=0".into())
        .await
        .expect("an answer")
        .json()
        .await
        .expect("a count");
    let in_own: Value = get(format!("/customers/count?customer_group_id={}", own["id"]))
        .await
        .expect("an answer")
        .json()
        .await
        .expect("a count");
    assert_eq!(
        in_no_group["count"].as_u64().unwrap_or(0) + in_own["count"].as_u64().unwrap_or(0),
        200,
        "demo customers join only groups that exist"
    );
    restarted.shutdown().await.expect("a clean shutdown");
    drop(folder);
}
