//! A database made before customer groups and addresses existed opens as before, keeps every
//! customer, and gains both resources.

use crate::common;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher, SaltString};
use common::{TOKEN, client, start_on};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The schema and indexes exactly as the sandbox created them before groups and addresses.
const OLD_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS customers (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    first_name              TEXT    NOT NULL COLLATE NOCASE,
    last_name               TEXT    NOT NULL COLLATE NOCASE,
    email                   TEXT    NOT NULL COLLATE NOCASE,
    company                 TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,
    phone                   TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,
    store_credit            INTEGER NOT NULL DEFAULT 0,
    registration_ip_address TEXT    NOT NULL DEFAULT '',
    customer_group_id       INTEGER NOT NULL DEFAULT 0,
    notes                   TEXT    NOT NULL DEFAULT '',
    tax_exempt_category     TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,
    date_created            INTEGER NOT NULL,
    date_modified           INTEGER NOT NULL,
    reset_pass_on_login     INTEGER NOT NULL DEFAULT 0,
    accepts_marketing       INTEGER NOT NULL DEFAULT 0,
    form_fields             TEXT,
    password_hash           TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS customers_email ON customers(email);
CREATE INDEX IF NOT EXISTS customers_first_name ON customers(first_name);
CREATE INDEX IF NOT EXISTS customers_last_name ON customers(last_name);
CREATE INDEX IF NOT EXISTS customers_company ON customers(company);
CREATE INDEX IF NOT EXISTS customers_phone ON customers(phone);
CREATE INDEX IF NOT EXISTS customers_store_credit ON customers(store_credit);
CREATE INDEX IF NOT EXISTS customers_group ON customers(customer_group_id);
CREATE INDEX IF NOT EXISTS customers_group_created ON customers(customer_group_id, date_created);
CREATE INDEX IF NOT EXISTS customers_tax_exempt_category ON customers(tax_exempt_category);
CREATE INDEX IF NOT EXISTS customers_date_created ON customers(date_created);
CREATE INDEX IF NOT EXISTS customers_date_modified ON customers(date_modified);
CREATE INDEX IF NOT EXISTS customers_id ON customers(id);
";

/// Writes an old database: four customers, in groups 0, 2, 7 and 7 (no group existed then),
/// the second with a password, the third with form fields; then a fifth deleted, as stores
/// lose customers.
fn old_database(path: &std::path::Path) {
    let db = rusqlite::Connection::open(path).expect("an old database");
    db.pragma_update(None, "journal_mode", "WAL").expect("WAL");
    db.execute_batch(OLD_SCHEMA).expect("the old schema");
    let hash = argon2::Argon2::default()
        .hash_password(b"secret12", &SaltString::generate(&mut OsRng))
        .expect("a hash")
        .to_string();
    // first name, email, group, store credit, password hash, form fields
    type OldCustomer<'a> = (&'a str, &'a str, i64, i64, Option<&'a str>, Option<&'a str>);
    let rows: [OldCustomer; 5] = [
        ("Ann", "ann@example.com", 0, 125_000, None, None),
        ("Bo", "bo@example.com", 2, 0, Some(hash.as_str()), None),
        (
            "Cy",
            "cy@example.com",
            7,
            0,
            None,
            Some(r#"[{"name":"License ID","value":"L-1"}]"#),
        ),
        ("Di", "di@example.com", 7, 50_000, None, Some("[]")),
        ("Ed", "ed@example.com", 0, 0, None, None),
    ];
    for (first, email, group, credit, password, form_fields) in rows {
        db.execute(
            "INSERT INTO customers (first_name, last_name, email, customer_group_id, store_credit, \
             date_created, date_modified, password_hash, form_fields, notes) \
             VALUES (?, 'Old', ?, ?, ?, 1500000000, 1600000000, ?, ?, 'from before groups')",
            rusqlite::params![first, email, group, credit, password, form_fields],
        )
        .expect("an old customer");
    }
    db.execute("DELETE FROM customers WHERE email = 'ed@example.com'", [])
        .expect("a deleted customer");
}

#[tokio::test]
async fn an_old_database_keeps_its_customers_and_gains_groups_and_addresses() {
    let folder = tempfile::tempdir().expect("a folder");
    let path = folder.path().join("old.sqlite3");
    old_database(&path);

    let sandbox = start_on(path.clone(), |options| options.seed = 50).await;
    assert_eq!(
        sandbox.customers_at_start(),
        4,
        "a store with customers is never seeded"
    );
    let http = client();
    let base = sandbox.api_url();
    let send = |method: Method, path: &str, body: Option<Value>| {
        let mut request = http
            .request(method, format!("{base}{path}"))
            .header("X-Auth-Token", TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send()
    };
    let customers: Vec<Value> = send(Method::GET, "/customers", None)
        .await
        .expect("an answer")
        .json()
        .await
        .expect("a list");
    let seen: Vec<(&str, i64, &str)> = customers
        .iter()
        .map(|c| {
            (
                c["email"].as_str().unwrap_or_default(),
                c["customer_group_id"].as_i64().unwrap_or(-1),
                c["store_credit"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("ann@example.com", 0, "12.5000"),
            ("bo@example.com", 2, "0.0000"),
            ("cy@example.com", 7, "0.0000"),
            ("di@example.com", 7, "5.0000"),
        ]
    );
    assert_eq!(
        customers[2]["form_fields"],
        json!([{"name": "License ID", "value": "L-1"}])
    );
    assert_eq!(
        customers[0]["date_created"],
        "Fri, 14 Jul 2017 02:40:00 +0000"
    );
    assert!(customers.iter().all(|c| c["notes"] == "from before groups"));
    let counted: Value = send(Method::GET, "/customers/count?customer_group_id=7", None)
        .await
        .expect("an answer")
        .json()
        .await
        .expect("a count");
    assert_eq!(
        counted["count"], 2,
        "filters on a group id with no group still work"
    );
    let validated: Value = send(
        Method::POST,
        "/customers/2/validate",
        Some(json!({"password": "secret12"})),
    )
    .await
    .expect("an answer")
    .json()
    .await
    .expect("a result");
    assert_eq!(validated["success"], true, "passwords survive");

    // A customer whose group never existed can be fetched and sent back, but not moved into
    // another group that does not exist.
    let mut cy = customers[2].clone();
    cy["notes"] = json!("still here");
    let resent = send(Method::PUT, "/customers/3", Some(cy))
        .await
        .expect("an answer");
    assert_eq!(resent.status(), StatusCode::OK);
    let moved = send(
        Method::PUT,
        "/customers/3",
        Some(json!({"customer_group_id": 8})),
    )
    .await
    .expect("an answer");
    assert_eq!(moved.status(), StatusCode::BAD_REQUEST);

    // Groups and addresses work on the old store.
    let empty = send(Method::GET, "/customer_groups", None)
        .await
        .expect("an answer");
    assert_eq!(
        empty.status(),
        StatusCode::NO_CONTENT,
        "no demo groups are added to a store with customers"
    );
    let group: Value = send(
        Method::POST,
        "/customer_groups",
        Some(json!({"name": "Old friends", "is_default": true})),
    )
    .await
    .expect("an answer")
    .json()
    .await
    .expect("a group");
    assert_eq!(group["id"], 1);
    let joined = send(
        Method::PUT,
        "/customers/3",
        Some(json!({"customer_group_id": 1})),
    )
    .await
    .expect("an answer");
    assert_eq!(joined.status(), StatusCode::OK);
    let none = send(Method::GET, "/customers/1/addresses", None)
        .await
        .expect("an answer");
    assert_eq!(none.status(), StatusCode::NO_CONTENT);
    let address = send(
        Method::POST,
        "/customers/1/addresses",
        Some(json!({
            "first_name": "Ann", "last_name": "Old", "phone": "555-0100", "street_1": "1 Elm Street",
            "city": "Denver", "state": "Colorado", "zip": "80202", "country": "United States"
        })),
    )
    .await
    .expect("an answer");
    assert_eq!(address.status(), StatusCode::CREATED);
    let new = send(
        Method::POST,
        "/customers",
        Some(json!({"first_name": "Fay", "last_name": "New", "email": "fay@example.com"})),
    )
    .await
    .expect("an answer")
    .json::<Value>()
    .await
    .expect("a customer");
    assert_eq!(
        new["id"], 6,
        "ids carry on after the old ones, deleted ones included"
    );
    assert_eq!(
        new["customer_group_id"], 1,
        "new customers join the default group"
    );
    sandbox.shutdown().await.expect("a clean shutdown");

    // Opened again, the store is as it was left.
    let again = start_on(path, |_| {}).await;
    assert_eq!(again.customers_at_start(), 5);
    let count: Value = http
        .get(format!("{}/customers/1/addresses/count", again.api_url()))
        .header("X-Auth-Token", TOKEN)
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("a count");
    assert_eq!(count["count"], 1);
    again.shutdown().await.expect("a clean shutdown");
}
