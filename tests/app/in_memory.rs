//! The whole app over the in-memory store: the same keys, worker, service and ledger as over
//! HTTP, with no socket. What the screen claims is checked on the store itself.

use std::path::Path;

use bc_customers::app::dialog::DialogKind;
use bc_customers::domain::{Customer, Field, Filter};
use bc_customers::paths::Places;
use bc_customers::store::memory::MemoryStore;
use bc_customers::worker::Setup;
use ratatui::crossterm::event::KeyCode;
use rust_decimal::Decimal;

use crate::store::{Driven, tab};

fn setup(folder: &Path, index: bool) -> Setup {
    Setup {
        places: Some(Places::in_folder(folder.join("data"))),
        known_as: "Shop".into(),
        index,
    }
}

async fn driven(store: &MemoryStore, folder: &Path) -> Driven {
    Driven::on(store.shared(), setup(folder, false), folder, false).await
}

fn find(store: &MemoryStore, id: i64) -> Option<Customer> {
    store.customers().into_iter().find(|c| c.id == id)
}

fn by_email(store: &MemoryStore, email: &str) -> Option<Customer> {
    store.customers().into_iter().find(|c| c.email == email)
}

/// Every field undo brings back (ids, dates and passwords aside).
fn kept_fields(customer: &Customer) -> Vec<String> {
    Field::ALL
        .iter()
        .map(|field| field.read(customer).to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_a_filter_a_new_customer_and_an_edit_in_memory() {
    let store = MemoryStore::new("Shop");
    store.add_customers(120);
    let folder = tempfile::tempdir().expect("a folder");
    let mut app = driven(&store, folder.path()).await;
    assert_eq!(app.app.total, Some(120));
    assert_eq!(app.app.customers.len(), 50);

    app.key(']');
    app.settled().await;
    assert_eq!(app.app.page, 2);
    assert_eq!(app.app.customers[0].id, 51);

    // A filter on the last name, exact as the store's.
    app.key('f');
    tab(&mut app, 1);
    app.type_text("Last77");
    app.keys(&[KeyCode::Enter]);
    app.settled().await;
    assert_eq!(app.app.total, Some(1));
    assert_eq!(app.app.customers[0].email, "customer77@example.com");
    app.key('x');
    app.settled().await;
    assert_eq!(app.app.total, Some(120));

    // A new customer: on the store, in the table, selected.
    app.key('n');
    app.type_text("Ada");
    tab(&mut app, 1);
    app.type_text("Lovelace");
    tab(&mut app, 1);
    app.type_text("ada@example.com");
    tab(&mut app, 1);
    app.type_text("Analytical");
    tab(&mut app, 2);
    app.type_text("12.5");
    app.ctrl('s');
    app.until("the form to close", |app| app.form().is_none())
        .await;
    app.settled().await;
    let ada = by_email(&store, "ada@example.com").expect("created on the store");
    assert_eq!(ada.company, "Analytical");
    assert_eq!(ada.store_credit, Decimal::new(125, 1));
    assert_eq!(app.app.selected_customer().map(|c| c.id), Some(ada.id));

    // An edit sends the one field changed.
    app.key('e');
    tab(&mut app, 4);
    app.type_text("555-0100");
    app.ctrl('s');
    app.until("the save", |app| app.form().is_none()).await;
    app.settled().await;
    let edited = find(&store, ada.id).expect("still there");
    assert_eq!(edited.phone, "555-0100");
    assert_eq!(edited.company, "Analytical");

    // A taken email is refused at its field, and what was typed stays.
    app.key('n');
    app.type_text("Charles");
    tab(&mut app, 1);
    app.type_text("Babbage");
    tab(&mut app, 1);
    app.type_text("customer1@example.com");
    app.ctrl('s');
    app.until("the refusal", |app| {
        app.form().is_some_and(|f| f.errors[2].is_some())
    })
    .await;
    let form = app.app.form().expect("the form stays");
    assert!(
        form.errors[2]
            .as_deref()
            .is_some_and(|e| e.contains("already exists")),
        "{:?}",
        form.errors[2]
    );
    assert_eq!(form.inputs[0].value(), "Charles");
    assert_eq!(store.customers().len(), 121, "nothing created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_of_marked_customers_and_its_undo_in_memory() {
    let store = MemoryStore::new("Shop");
    store.add_group("Retail");
    let wholesale = store.add_group("Wholesale");
    store.add_customers(30);
    let folder = tempfile::tempdir().expect("a folder");
    let mut app = driven(&store, folder.path()).await;

    // Give the first three something undo must bring back.
    app.type_text("   B");
    app.keys(&[KeyCode::Tab, KeyCode::Tab]);
    app.type_text("wholesale");
    app.ctrl('s');
    app.until("the review", |app| app.dialog().is_some()).await;
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.until("the report", |app| {
        app.job.is_none() && app.notice.as_deref().is_some_and(|n| n.contains("updated"))
    })
    .await;
    app.settled().await;
    let before: Vec<Customer> = store.customers().into_iter().take(3).collect();
    assert!(before.iter().all(|c| c.tax_exempt_category == "wholesale"));

    // The marks stay after the bulk edit; D deletes exactly them after the question.
    app.key('D');
    app.until("the question", |app| app.dialog().is_some())
        .await;
    assert!(matches!(
        app.app.dialog().map(|d| &d.kind),
        Some(DialogKind::Delete(plan)) if plan.reviewed.count() == 3
    ));
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.until("the deletes to start", |app| app.job.is_some())
        .await;
    app.settled().await;
    let notice = app.app.notice.clone().unwrap_or_default();
    assert!(
        notice.starts_with("3 deleted, 0 failed of 3 backed up; checked: none left on the store"),
        "{notice}"
    );
    assert_eq!(store.customers().len(), 27);
    assert!(before.iter().all(|c| find(&store, c.id).is_none()));

    // Undo: the three back, every field as it was, under new ids.
    app.key('u');
    app.until("the question", |app| app.dialog().is_some())
        .await;
    assert!(matches!(
        app.app.dialog().map(|d| &d.kind),
        Some(DialogKind::UndoChangeSet { set, .. }) if set.to_undo().len() == 3
    ));
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.until("the undo's report", |app| {
        app.job.is_none()
            && app
                .notice
                .as_deref()
                .is_some_and(|n| n.contains("restored"))
    })
    .await;
    app.settled().await;
    assert_eq!(store.customers().len(), 30);
    for was in &before {
        let back = by_email(&store, &was.email).expect("back on the store");
        assert_ne!(back.id, was.id, "a new id");
        assert_eq!(kept_fields(&back), kept_fields(was), "{}", was.email);
    }
    assert!(
        store
            .customers()
            .iter()
            .all(|c| c.customer_group_id != wholesale.id)
    );

    // Both change sets are in the journal; the next undo is the bulk edit's, and it finds
    // its customers under their new ids.
    app.key('u');
    app.until("the question", |app| app.dialog().is_some())
        .await;
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.until("the undo's report", |app| {
        app.job.is_none()
            && app
                .notice
                .as_deref()
                .is_some_and(|n| n.contains("set back"))
    })
    .await;
    assert!(
        store
            .customers()
            .iter()
            .all(|c| c.tax_exempt_category.is_empty()),
        "the bulk edit undone on the re-created customers too"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_write_in_memory_is_reported_and_left_to_undo() {
    let store = MemoryStore::new("Shop");
    store.add_customers(10);
    store.fail_writes_to(2);
    let folder = tempfile::tempdir().expect("a folder");
    let mut app = driven(&store, folder.path()).await;
    app.type_text("   B");
    app.keys(&[KeyCode::Tab]);
    app.type_text("+5");
    app.ctrl('s');
    app.until("the review", |app| app.dialog().is_some()).await;
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.until("the report", |app| {
        app.job.is_none() && app.notice.as_deref().is_some_and(|n| n.contains("updated"))
    })
    .await;
    assert_eq!(
        app.app.notice.as_deref(),
        Some("2 updated, 0 already so, 1 failed; 5 requests.")
    );
    let credit = |id| find(&store, id).expect("there").store_credit;
    assert_eq!(credit(1), Decimal::from(5));
    assert_eq!(credit(2), Decimal::ZERO);
    assert_eq!(credit(3), Decimal::from(5));

    // The journal knows which customers it reached; undo sets back those two only.
    app.key('H');
    app.until("the journal", |app| app.journal_view.history.is_some())
        .await;
    let set = app.app.journal_view.rows()[0].clone();
    assert_eq!(set.to_undo().len(), 2);
    store.heal();
    app.key('u');
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.until("the undo's report", |app| {
        app.job.is_none()
            && app
                .notice
                .as_deref()
                .is_some_and(|n| n.contains("set back"))
    })
    .await;
    assert!((1..=3).all(|id| credit(id) == Decimal::ZERO));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_over_the_index_of_a_store_in_memory() {
    let store = MemoryStore::new("Shop");
    store.add_customers(200);
    let folder = tempfile::tempdir().expect("a folder");
    let mut app = Driven::on(
        store.shared(),
        setup(folder.path(), true),
        folder.path(),
        false,
    )
    .await;
    app.until("the index's first sync", |app| {
        app.index.syncing.is_none() && app.index.synced_at.is_some()
    })
    .await;
    assert_eq!(app.app.index.customers, 200);

    app.key('/');
    app.type_text("customer177");
    app.settled().await;
    assert_eq!(app.app.total, Some(1));
    assert_eq!(app.app.customers[0].email, "customer177@example.com");

    // The store's own count agrees with what the index holds.
    let count = store
        .shared()
        .count(&Filter::default())
        .await
        .expect("a count");
    assert_eq!(count, 200);
}
