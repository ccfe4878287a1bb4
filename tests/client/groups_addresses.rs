//! The client's customer groups and addresses against a seeded sandbox, and exports with them.

use bc_customers::domain::{AddressChange, Filter, GroupChange};
use bc_customers::jobs::export::{ExportFormat, ExportSpec, export};
use bc_customers::store::ApiError;
use serde_json::{Value, json};

use crate::common::TestStore;

/// Address fields by API name, from JSON.
fn fields(value: Value) -> AddressChange {
    value
        .as_object()
        .expect("an object")
        .iter()
        .map(|(name, text)| (name.clone(), text.as_str().unwrap_or_default().to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_and_addresses_round_trip() {
    let store = TestStore::seeded(20).await;
    let client = store.client();

    let groups = client.groups().await.expect("the groups");
    assert!(
        groups.iter().any(|g| g.name == "Retail" && g.is_default),
        "{groups:?}"
    );
    let created = client
        .create_group(&GroupChange::named("Night Owls"))
        .await
        .expect("created");
    let renamed = client
        .update_group(created.id, &GroupChange::named("Early Birds"))
        .await
        .expect("renamed");
    assert_eq!(renamed.name, "Early Birds");
    let taken = client
        .create_group(&GroupChange::named("early birds"))
        .await
        .expect_err("a name in use");
    assert_eq!(taken.status(), Some(409));
    client.delete_group(created.id).await.expect("deleted");
    assert!(
        !client
            .groups()
            .await
            .expect("groups")
            .iter()
            .any(|g| g.id == created.id)
    );

    let address = client
        .create_address(
            1,
            &fields(json!({
                "first_name": "Ada", "last_name": "Lee", "phone": "0113 000 0000",
                "street_1": "1 Main St", "city": "Leeds", "state": "Yorkshire",
                "zip": "LS1 1AA", "country": "United Kingdom"
            })),
        )
        .await
        .expect("created");
    assert_eq!(address.country_iso2, "GB");
    let moved = client
        .update_address(1, address.id, &fields(json!({"city": "York"})))
        .await
        .expect("updated");
    assert_eq!(
        (moved.city.as_str(), moved.street_1.as_str()),
        ("York", "1 Main St")
    );
    assert!(
        client
            .addresses(1)
            .await
            .expect("listed")
            .iter()
            .any(|a| a.id == address.id)
    );
    let unknown = client
        .create_address(1, &fields(json!({"first_name": "A", "last_name": "B", "phone": "1", "street_1": "x", "city": "y", "state": "z", "zip": "1", "country": "Atlantis"})))
        .await
        .expect_err("no such country");
    assert!(
        matches!(&unknown, ApiError::Status { status: 400, .. })
            && unknown.field() == Some("country"),
        "{unknown:?}"
    );
    client.delete_address(1, address.id).await.expect("deleted");
    assert!(
        !client
            .addresses(1)
            .await
            .expect("listed")
            .iter()
            .any(|a| a.id == address.id)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_carry_group_names_and_addresses_when_asked() {
    let store = TestStore::seeded(30).await;
    let client = store.client();
    let names: std::collections::HashMap<i64, String> = client
        .groups()
        .await
        .expect("groups")
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let spec = |format, with_addresses| ExportSpec {
        filter: Filter::default(),
        format,
        with_addresses,
    };
    let to = std::path::Path::new("memory");

    let mut csv = Vec::new();
    export(
        &client,
        &spec(ExportFormat::Csv, true),
        &mut csv,
        to,
        |_| {},
    )
    .await
    .expect("a CSV export");
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let header = reader.headers().expect("a header").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (group, group_name, count, city) = (
        column("customer_group_id"),
        column("customer_group_name"),
        column("address_count"),
        column("address_city"),
    );
    assert_eq!(group_name, group + 1, "the name beside the id");
    let mut with_addresses = 0;
    for row in reader.records() {
        let row = row.expect("a row");
        let id: i64 = row[group].parse().expect("a group id");
        assert_eq!(&row[group_name], names.get(&id).map_or("", String::as_str));
        if row[count].parse::<u64>().expect("a count") > 0 {
            with_addresses += 1;
            assert!(!row[city].is_empty());
        }
    }
    assert!(with_addresses > 0);

    let mut ndjson = Vec::new();
    export(
        &client,
        &spec(ExportFormat::Ndjson, true),
        &mut ndjson,
        to,
        |_| {},
    )
    .await
    .expect("an NDJSON export");
    let first: Value =
        serde_json::from_slice(ndjson.split(|b| *b == b'\n').next().expect("a line"))
            .expect("JSON");
    let on_store = store.get_json("/customers/1/addresses").await;
    let listed = first["addresses"].as_array().map_or(0, Vec::len);
    assert_eq!(listed, on_store.as_array().map_or(0, Vec::len));

    let mut plain = Vec::new();
    export(
        &client,
        &spec(ExportFormat::Ndjson, false),
        &mut plain,
        to,
        |_| {},
    )
    .await
    .expect("an export");
    assert!(!String::from_utf8_lossy(&plain).contains("\"addresses\":["));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_credit_added_to_500_customers_is_undone_to_the_exact_strings() {
    use bc_customers::jobs::Cancel;
    use bc_customers::jobs::undo::UndoScope;
    use bc_customers::jobs::update::BulkChange;
    let store = TestStore::seeded(500).await;
    let service = store.service().await;
    let credits = |customers: &[Value]| -> Vec<(i64, String)> {
        customers
            .iter()
            .map(|c| {
                (
                    c["id"].as_i64().expect("an id"),
                    c["store_credit"].as_str().expect("a string").to_owned(),
                )
            })
            .collect()
    };
    let before = credits(&store.list_all("").await);
    let change = BulkChange {
        add_store_credit: Some("1.0001".parse().expect("an amount")),
        ..BulkChange::default()
    };
    let ids: Vec<i64> = (1..=500).collect();
    let updated = service
        .bulk_edit(&ids, &change, &Cancel::default(), |_| {})
        .await
        .expect("updated");
    assert_eq!((updated.report.done, updated.report.failed.len()), (500, 0));
    let during = credits(&store.list_all("").await);
    assert!(before.iter().zip(&during).all(|(was, now)| was != now));

    let undone = service
        .undo(
            updated.change_set,
            UndoScope::Remaining,
            false,
            &Cancel::default(),
            |_| {},
        )
        .await
        .expect("undone");
    assert_eq!((undone.report.done, undone.conflicts.len()), (500, 0));
    assert_eq!(
        credits(&store.list_all("").await),
        before,
        "every value back, to the string"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_edit_never_overwrites_an_edit_made_after_its_backup() {
    use bc_customers::jobs::update::BulkChange;
    use bc_customers::jobs::{Cancel, Step};
    use reqwest::Method;
    let store = TestStore::seeded(30).await;
    let service = store.service().await;
    let change = BulkChange {
        add_store_credit: Some("5".parse().expect("an amount")),
        ..BulkChange::default()
    };
    let ids: Vec<i64> = (1..=10).collect();
    let mut edited = false;
    let updated = service
        .bulk_edit(&ids, &change, &Cancel::default(), |p| {
            // Once the backup is whole, another client edits customer 3 before the updates.
            if p.step == Step::BackingUp && p.done == p.total && !edited {
                edited = true;
                tokio::task::block_in_place(|| {
                    tokio::runtime::Handle::current().block_on(store.send_json(
                        Method::PUT,
                        "/customers/3",
                        &json!({"company": "Theirs Ltd", "store_credit": "50.0000"}),
                    ))
                });
            }
        })
        .await
        .expect("updated");
    assert!(
        edited,
        "the other edit happened between the backup and the updates"
    );
    assert_eq!((updated.report.done, updated.report.failed.len()), (10, 0));
    assert_eq!(
        updated.recomputed, 1,
        "customer 3 was read again and recomputed"
    );
    let three = store.get_json("/customers/3").await;
    assert_eq!(three["company"], "Theirs Ltd", "their edit survives");
    assert_eq!(
        three["store_credit"], "55.0000",
        "5 added to what it holds now"
    );
}
