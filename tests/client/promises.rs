//! What the ledger promises, each tried the way it once broke: an edit made in the same
//! second as a bulk edit survives its undo; one undo of a store at a time; jobs begun at once
//! never share a backup; a store whose clock is behind is still read right by the index; a
//! renamed group is searched by its new name. The first ones run on the store in memory.

use std::sync::Arc;

use bc_customers::domain::{CustomerChange, Field, Value};
use bc_customers::jobs::undo::UndoScope;
use bc_customers::jobs::update::BulkChange;
use bc_customers::jobs::{Cancel, JobError, Service};
use bc_customers::paths::Places;
use bc_customers::store::memory::MemoryStore;
use rust_decimal::Decimal;

use crate::common::TestStore;

async fn service_on(store: &MemoryStore, data: &std::path::Path) -> Service {
    Service::open(store.shared(), &Places::in_folder(data), "Shop")
        .await
        .expect("the store's service")
}

fn add_credit(amount: i64) -> BulkChange {
    BulkChange {
        add_store_credit: Some(Decimal::new(amount, 0)),
        ..BulkChange::default()
    }
}

#[tokio::test]
async fn an_edit_in_the_same_second_as_a_bulk_edit_survives_its_undo() {
    let data = tempfile::tempdir().expect("a folder");
    let store = MemoryStore::new("Shop");
    store.add_customers(3);
    // Everything happens within one second: dates cannot tell the edits apart.
    store.freeze_clock();
    let service = service_on(&store, data.path()).await;
    let updated = service
        .bulk_edit(&[1, 2, 3], &add_credit(1), &Cancel::default(), |_| {})
        .await
        .expect("a bulk edit");
    assert_eq!(updated.report.done, 3);
    // Another client sets customer 2's credit in that same second.
    let theirs = CustomerChange::set(Field::StoreCredit, Value::Amount(Decimal::new(99, 0)));
    store.shared().update(2, &theirs).await.expect("their edit");

    let undone = service
        .undo(
            updated.change_set,
            UndoScope::Remaining,
            false,
            &Cancel::default(),
            |_| {},
        )
        .await
        .expect("an undo");
    assert_eq!((undone.report.done, undone.conflicts.len()), (2, 1));
    let conflict = &undone.conflicts[0];
    assert_eq!(conflict.customer, 2);
    assert_eq!(
        conflict.to_string(),
        "customer 2: store_credit is '99.0000' now (it left '1.0000', undo wanted '0.0000')"
    );
    let credits: Vec<Decimal> = store.customers().iter().map(|c| c.store_credit).collect();
    assert_eq!(credits, [Decimal::ZERO, Decimal::new(99, 0), Decimal::ZERO]);

    let history = service.history().expect("the history");
    assert_eq!(
        history.set(updated.change_set).expect("the edit").line(),
        "bulk edit · 3 customers · 2 of 3 undone, 1 conflict"
    );
    // Done with: u goes on to the next change set (here there is none; undos aside).
    assert_eq!(history.last_to_undo().map(|set| set.id), None);
    // Tried again, still a conflict; set aside, it is done with for good.
    let retried = service
        .undo(
            updated.change_set,
            UndoScope::Conflicts,
            false,
            &Cancel::default(),
            |_| {},
        )
        .await
        .expect("tried again");
    assert_eq!(retried.conflicts.len(), 1);
    assert_eq!(service.set_aside(updated.change_set).expect("set aside"), 1);
    let history = service.history().expect("the history");
    assert_eq!(
        history
            .set(updated.change_set)
            .expect("the edit")
            .state_words(),
        "2 of 3 undone, 1 set aside"
    );
}

#[tokio::test]
async fn a_created_customer_changed_since_is_a_conflict_not_deleted() {
    let data = tempfile::tempdir().expect("a folder");
    let store = MemoryStore::new("Shop");
    let service = service_on(&store, data.path()).await;
    let mut ada = bc_customers::domain::NewCustomer::default();
    for (field, text) in [
        (Field::FirstName, "Ada"),
        (Field::LastName, "Lovelace"),
        (Field::Email, "ada@example.com"),
    ] {
        ada.fields.insert(field, Value::Text(text.into()));
    }
    let created = service.create(&ada).await.expect("created");
    let edit = CustomerChange::set(Field::Notes, Value::Text("called twice".into()));
    store
        .shared()
        .update(created.id, &edit)
        .await
        .expect("an edit");
    let set = service.history().expect("the history").sets[0].id;
    let undone = service
        .undo(set, UndoScope::Remaining, false, &Cancel::default(), |_| {})
        .await
        .expect("an undo");
    assert_eq!((undone.report.done, undone.conflicts.len()), (0, 1));
    assert_eq!(store.customers().len(), 1, "not deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_undo_of_a_store_at_a_time_and_the_second_says_what_holds_it() {
    let store = TestStore::start(|options| {
        options.seed = 12;
        options.latency = std::time::Duration::from_millis(40);
    })
    .await;
    let service = Arc::new(store.service().await);
    let updated = service
        .bulk_edit(
            &(1..=12).collect::<Vec<_>>(),
            &add_credit(3),
            &Cancel::default(),
            |_| {},
        )
        .await
        .expect("a bulk edit");
    let set = updated.change_set;
    let undo = move |service: Arc<Service>, after: u64| async move {
        tokio::time::sleep(std::time::Duration::from_millis(after)).await;
        service
            .undo(set, UndoScope::Remaining, false, &Cancel::default(), |_| {})
            .await
    };
    let (first, second) = tokio::join!(
        tokio::spawn(undo(Arc::clone(&service), 0)),
        tokio::spawn(undo(Arc::clone(&service), 100))
    );
    let (first, second) = (first.expect("a task"), second.expect("a task"));
    assert_eq!(first.expect("the first undo").report.done, 12);
    match second {
        Err(JobError::Ledger(error)) => assert!(
            error.to_string().contains(&format!(
                "an undo of change set {} is under way",
                updated.change_set
            )),
            "{error}"
        ),
        other => panic!("the second undo should wait its turn: {other:?}"),
    }
    let history = service.history().expect("the history");
    let undos = history
        .sets
        .iter()
        .filter(|set| set.undoes == Some(updated.change_set))
        .count();
    assert_eq!(undos, 1, "one undo recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_begun_at_once_never_share_a_backup() {
    let data = tempfile::tempdir().expect("a folder");
    let store = MemoryStore::new("Shop");
    store.add_customers(16);
    let service = Arc::new(service_on(&store, data.path()).await);
    let jobs = (0..8).map(|n| {
        let service = Arc::clone(&service);
        tokio::spawn(async move {
            service
                .bulk_edit(
                    &[2 * n + 1, 2 * n + 2],
                    &add_credit(1),
                    &Cancel::default(),
                    |_| {},
                )
                .await
        })
    });
    let mut backups = Vec::new();
    for job in futures::future::join_all(jobs).await {
        let updated = job.expect("a task").expect("every one goes through");
        assert_eq!(updated.report.done, 2);
        backups.push(updated.backup);
    }
    backups.sort();
    backups.dedup();
    assert_eq!(backups.len(), 8);
    assert!(
        store
            .customers()
            .iter()
            .all(|c| c.store_credit == Decimal::ONE)
    );
}

#[tokio::test]
async fn the_index_reads_changes_of_a_store_whose_clock_is_an_hour_behind() {
    let data = tempfile::tempdir().expect("a folder");
    let store = MemoryStore::new("Shop");
    store.set_clock_offset(-3_600);
    store.add_customers(5);
    let index = Arc::new(
        bc_customers::index::LocalIndex::open(&data.path().join("index.sqlite3"))
            .expect("an index"),
    );
    let shared = store.shared();
    bc_customers::index::sync::sync(&shared, &index, |_| {})
        .await
        .expect("a first sync");
    // Dates have whole seconds: let the store's clock pass the sync's overlap of one.
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    // (This one reads again what changed in the second the first one ended.)
    bc_customers::index::sync::sync(&shared, &index, |_| {})
        .await
        .expect("a second sync");
    let change = CustomerChange::set(Field::Notes, Value::Text("moved to Leeds".into()));
    shared.update(3, &change).await.expect("an edit");
    let report = bc_customers::index::sync::sync(&shared, &index, |_| {})
        .await
        .expect("a later sync");
    assert_eq!(report.changed, 1, "{report:?}");
    let three = index
        .all()
        .expect("the index")
        .into_iter()
        .find(|c| c.id == 3)
        .expect("customer 3");
    assert_eq!(three.notes, "moved to Leeds");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_group_is_found_by_its_new_name() {
    use reqwest::Method;
    let store = TestStore::seeded(20).await;
    let folder = tempfile::tempdir().expect("a folder");
    let index = Arc::new(
        bc_customers::index::LocalIndex::open(&folder.path().join("index.sqlite3"))
            .expect("an index"),
    );
    let client = store.client();
    bc_customers::index::sync::sync(&client, &index, |_| {})
        .await
        .expect("a sync");
    let vip = client
        .groups()
        .await
        .expect("groups")
        .into_iter()
        .find(|group| group.name == "VIP")
        .expect("a VIP group");
    let response = store
        .send_json(
            Method::PUT,
            &format!("/customer_groups/{}", vip.id),
            &serde_json::json!({"name": "VIP Gold"}),
        )
        .await;
    assert!(response.status().is_success());
    bc_customers::index::sync::sync(&client, &index, |_| {})
        .await
        .expect("a sync");
    let names: std::collections::HashMap<i64, String> =
        index.group_names().expect("names").into_iter().collect();
    assert_eq!(names.get(&vip.id).map(String::as_str), Some("VIP Gold"));
}

#[tokio::test]
async fn an_edit_undone_after_its_customers_were_deleted_and_restored_counts_them_once() {
    let data = tempfile::tempdir().expect("a folder");
    let store = MemoryStore::new("Shop");
    store.add_customers(4);
    let service = service_on(&store, data.path()).await;
    let updated = service
        .bulk_edit(&[1, 2], &add_credit(7), &Cancel::default(), |_| {})
        .await
        .expect("a bulk edit");
    let deleted = service
        .delete(
            &crate::common::reviewed(&[1, 2]),
            &Cancel::default(),
            |_| {},
        )
        .await
        .expect("a delete");
    let restore = |set| {
        let service = &service;
        async move {
            service
                .undo(set, UndoScope::Remaining, false, &Cancel::default(), |_| {})
                .await
                .expect("an undo")
        }
    };
    restore(deleted.change_set).await;
    // The edit is undone on the customers under their new ids.
    let undone = restore(updated.change_set).await;
    assert_eq!(undone.report.done, 2);
    assert!(store.customers().iter().all(|c| c.store_credit.is_zero()));
    let history = service.history().expect("the history");
    let undo = history.set(undone.change_set).expect("the undo");
    assert_eq!(undo.line(), "undo of 1 · 2 customers · done");
    assert_eq!(
        undo.entries.keys().copied().collect::<Vec<_>>(),
        vec![1, 2],
        "under the edit's keys, intent and outcome alike"
    );
    assert_eq!(
        history
            .set(updated.change_set)
            .expect("the edit")
            .state_words(),
        "undone"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn files_left_readable_by_others_are_made_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &std::path::Path| {
        std::fs::metadata(path).expect("there").permissions().mode() & 0o777
    };
    let open = |path: &std::path::Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    let data = tempfile::tempdir().expect("a folder");
    let store = MemoryStore::new("Shop");
    let service = service_on(&store, data.path()).await;
    let ledger = service.ledger().folder().to_owned();
    let journal = ledger.join("journal.jsonl");
    drop(service);
    // As an older version, or a careless copy, left them.
    open(data.path(), 0o755);
    open(&ledger, 0o755);
    open(&journal, 0o644);
    let index_folder = data.path().join("index");
    let index_path = index_folder.join("shop.sqlite3");
    drop(bc_customers::index::LocalIndex::open(&index_path).expect("an index"));
    open(&index_folder, 0o755);
    open(&index_path, 0o644);

    let _service = service_on(&store, data.path()).await;
    drop(bc_customers::index::LocalIndex::open(&index_path).expect("opened again"));
    assert_eq!(mode(data.path()), 0o700);
    assert_eq!(mode(&ledger), 0o700);
    assert_eq!(mode(&journal), 0o600);
    assert_eq!(mode(&index_folder), 0o700);
    assert_eq!(mode(&index_path), 0o600);
}
