//! The whole app without a terminal: keys into `App::update`, its commands to the real worker,
//! the worker's requests to a sandbox store over HTTP, its events back into the app. What the
//! screen claims is then checked on the store itself.

use crate::common;

use std::time::Duration;

use bc_customers::app::dialog::DialogKind;
use bc_customers::app::{App, Msg, StoreLabel};
use bc_customers::store::SharedStore;
use bc_customers::worker::{self, Command, Event, Setup, WorkerHandle};
use common::TestStore;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;

pub(crate) struct Driven {
    pub(crate) app: App,
    worker: WorkerHandle,
    events: UnboundedReceiver<Event>,
}

impl Driven {
    async fn start(store: &TestStore, read_only: bool) -> Driven {
        Driven::start_with(store, read_only, false).await
    }

    /// The same, with the store's local index, synced before this returns.
    pub(crate) async fn start_indexed(store: &TestStore) -> Driven {
        let mut driven = Driven::start_with(store, false, true).await;
        driven
            .until("the index's first sync", |app| {
                app.index.syncing.is_none() && app.index.synced_at.is_some()
            })
            .await;
        driven
    }

    async fn start_with(store: &TestStore, read_only: bool, index: bool) -> Driven {
        let mut setup = store.setup();
        setup.index = index;
        Driven::on(store.client(), setup, store.folder.path(), read_only).await
    }

    /// The app and its worker on any store, its files under `folder`.
    pub(crate) async fn on(
        store: SharedStore,
        setup: Setup,
        folder: &std::path::Path,
        read_only: bool,
    ) -> Driven {
        let index = setup.index;
        let (worker, events, _task) = worker::spawn(store, setup);
        let mut app = App::new(
            StoreLabel {
                name: "Test Store".into(),
                hash: None,
                sandbox: true,
                read_only,
            },
            50,
            folder.join("backups"),
        );
        app.index.on = index;
        app.now = chrono::Local::now();
        let mut driven = Driven {
            app,
            worker,
            events,
        };
        let first = driven.app.start();
        driven.send(first);
        driven
            .until("the first page", |app| {
                !app.loading && app.total.is_some() && app.pending() == 0
            })
            .await;
        driven
    }

    pub(crate) fn send(&self, commands: Vec<Command>) {
        for command in commands {
            assert!(self.worker.send(command), "the worker is running");
        }
    }

    pub(crate) fn press(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        // As the event loop does: the app is told the time (it names backups by it).
        self.app.now = chrono::Local::now();
        let commands = self.app.update(Msg::Key(KeyEvent::new(code, modifiers)));
        self.send(commands);
    }

    pub(crate) fn key(&mut self, c: char) {
        self.press(KeyCode::Char(c), KeyModifiers::NONE);
    }

    pub(crate) fn keys(&mut self, codes: &[KeyCode]) {
        for code in codes {
            self.press(*code, KeyModifiers::NONE);
        }
    }

    pub(crate) fn ctrl(&mut self, c: char) {
        self.press(KeyCode::Char(c), KeyModifiers::CONTROL);
    }

    pub(crate) fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(c);
        }
    }

    /// Feeds the worker's events to the app until `ready` holds.
    pub(crate) async fn until(&mut self, what: &str, ready: impl Fn(&App) -> bool) {
        while !ready(&self.app) {
            let event = tokio::time::timeout(Duration::from_secs(20), self.events.recv())
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "waited for {what}; notice {:?}, error {:?}, form {:?}",
                        self.app.notice,
                        self.app.last_error,
                        self.app.form().map(|f| &f.message)
                    )
                })
                .expect("the worker is running");
            let commands = self.app.update(Msg::Worker(Box::new(event)));
            self.send(commands);
        }
    }

    /// Waits for the page and count after a change to settle.
    pub(crate) async fn settled(&mut self) {
        self.until("the page and count", |app| {
            !app.loading && app.pending() == 0 && app.job.is_none()
        })
        .await;
    }
}

pub(crate) fn tab(driven: &mut Driven, times: usize) {
    driven.keys(&vec![KeyCode::Tab; times]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_edit_conflict_and_a_refused_email_against_the_store() {
    let store = TestStore::seeded(120).await;
    let mut app = Driven::start(&store, false).await;

    // Create: the new customer is on the store and in the table.
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
    let created = store.list_all("?email=ada@example.com").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["company"], "Analytical");
    assert_eq!(created[0]["store_credit"], "12.5000");
    let id = created[0]["id"].as_i64().expect("an id");
    assert_eq!(
        app.app.selected_customer().map(|c| c.id),
        Some(id),
        "shown and selected in the table"
    );

    // Edit while someone else changes another field: the conflict is shown, and overwriting
    // sends only the user's field, so the other change survives.
    app.key('e');
    tab(&mut app, 4);
    app.type_text("555-0100");
    let response = store
        .send_json(
            Method::PUT,
            &format!("/customers/{id}"),
            &json!({"company": "Babbage & Co"}),
        )
        .await;
    assert!(response.status().is_success());
    app.ctrl('s');
    app.until("the conflict", |app| app.dialog().is_some())
        .await;
    assert!(matches!(
        app.app.dialog().map(|d| &d.kind),
        Some(DialogKind::Conflict(theirs)) if theirs.company == "Babbage & Co"
    ));
    app.keys(&[KeyCode::Right, KeyCode::Right, KeyCode::Enter]);
    app.until("the save", |app| app.form().is_none()).await;
    let now = store.get_json(&format!("/customers/{id}")).await;
    assert_eq!(now["phone"], "555-0100");
    assert_eq!(
        now["company"], "Babbage & Co",
        "only the changed field was sent"
    );
    assert_eq!(now["first_name"], "Ada");

    // A duplicate email is refused at the email field, with everything typed kept.
    app.settled().await;
    let taken = store.get_json("/customers/1").await["email"]
        .as_str()
        .expect("an email")
        .to_owned();
    app.key('n');
    app.type_text("Charles");
    tab(&mut app, 1);
    app.type_text("Babbage");
    tab(&mut app, 1);
    app.type_text(&taken);
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
    assert_eq!(form.focus, 2);
    assert_eq!(form.inputs[0].value(), "Charles");
    assert_eq!(form.inputs[1].value(), "Babbage");
    assert_eq!(store.count("").await, 121, "nothing created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_one_then_a_filter_with_a_late_customer_surviving_then_undo() {
    let store = TestStore::start(|options| {
        options.seed = 200;
        options.latency = Duration::from_millis(15);
    })
    .await;
    let mut app = Driven::start(&store, false).await;

    // Delete one: its review, then the question.
    let first = app.app.selected_customer().expect("a row").clone();
    app.key('d');
    app.until("the question", |app| app.dialog().is_some())
        .await;
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.settled().await;
    assert_eq!(
        store
            .get(&format!("/customers/{}", first.id))
            .await
            .status(),
        404
    );
    assert!(
        app.app
            .notice
            .as_deref()
            .is_some_and(|n| n.starts_with("1 deleted, 0 failed")),
        "{:?}",
        app.app.notice
    );
    let notice = app.app.notice.clone().unwrap_or_default();
    let one_backup = notice
        .split("Backup: ")
        .nth(1)
        .expect("the backup is named");
    let lines = std::fs::read_to_string(one_backup.trim()).expect("the backup");
    assert_eq!(lines.lines().count(), 2, "its header and the customer");

    // Every customer of group 3, by count.
    app.key('f');
    tab(&mut app, 6);
    app.type_text("3");
    app.keys(&[KeyCode::Enter]);
    app.settled().await;
    let matching = store.count("?customer_group_id=3").await;
    assert!(matching > 10);
    assert_eq!(app.app.total, Some(matching));
    let before = store.list_all("?customer_group_id=3").await;
    app.key('A');
    app.key('D');
    app.until("the question", |app| app.dialog().is_some())
        .await;
    // A customer joining the group while the question is open is not caught: the ids were
    // fixed by the review the question shows.
    let late = store
        .create(json!({"first_name": "Late", "last_name": "Comer", "email": "late@example.com", "customer_group_id": 3}))
        .await;
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.until("the deletes to start", |app| app.job.is_some())
        .await;
    app.settled().await;
    let notice = app.app.notice.clone().unwrap_or_default();
    assert!(
        notice.starts_with(&format!(
            "{matching} deleted, 0 failed of {matching} backed up; checked: none left on the store; 1 matching since the review left alone"
        )),
        "{notice}"
    );
    let left = store.list_all("?customer_group_id=3").await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["id"], late["id"]);

    // Undo: every deleted customer back, with the same field values.
    app.key('u');
    app.until("the question", |app| app.dialog().is_some())
        .await;
    assert!(matches!(
        app.app.dialog().map(|d| &d.kind),
        Some(DialogKind::UndoChangeSet { set, .. }) if set.to_undo().len() as u64 == matching
    ));
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.settled().await;
    let after = store.list_all("?customer_group_id=3").await;
    assert_eq!(after.len() as u64, matching + 1);
    let fields = [
        "first_name",
        "last_name",
        "company",
        "phone",
        "store_credit",
        "registration_ip_address",
        "customer_group_id",
        "notes",
        "tax_exempt_category",
    ];
    for was in &before {
        let back = after
            .iter()
            .find(|c| c["email"] == was["email"])
            .unwrap_or_else(|| panic!("{} is back", was["email"]));
        for field in fields {
            assert_eq!(back[field], was[field], "{field} of {}", was["email"]);
        }
        assert_eq!(back["reset_pass_on_login"], Value::Bool(true));
        assert_ne!(back["id"], was["id"], "a new id");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_mode_changes_nothing() {
    let store = TestStore::seeded(30).await;
    let mut app = Driven::start(&store, true).await;
    let before = store.list_all("").await;
    for c in ['n', 'e', 'd', ' ', 'v', 'A', 'D', 'u'] {
        app.key(c);
        app.keys(&[KeyCode::Right, KeyCode::Enter]);
        app.ctrl('s');
    }
    app.keys(&[KeyCode::Esc]);
    app.settled().await;
    assert!(app.app.form().is_none() && app.app.dialog().is_none() && app.app.job.is_none());
    assert_eq!(store.list_all("").await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_on_a_failing_store_reports_exactly_what_happened() {
    let store = TestStore::start(|options| {
        options.seed = 120;
        options.fail_rate = 0.3;
    })
    .await;
    let mut app = Driven::start(&store, false).await;
    app.key('A');
    app.key('D');
    app.until("the question, or why not", |app| {
        app.dialog().is_some() || app.last_error.is_some()
    })
    .await;
    if let Some(error) = &app.app.last_error {
        // The review could not be read: nothing was asked, nothing deleted.
        assert!(error.contains("Nothing was deleted"), "{error}");
        assert_eq!(store.count("").await, 120);
        return;
    }
    let answer = match app.app.dialog().map(|d| &d.kind) {
        Some(DialogKind::Delete(plan)) => plan.type_to_confirm[0].clone(),
        other => panic!("a delete dialog, got {other:?}"),
    };
    app.keys(&[KeyCode::Right]);
    app.type_text(&answer);
    app.keys(&[KeyCode::Enter]);
    app.until("the delete to end", |app| app.job.is_none())
        .await;
    // Counted through the client, which retries the store's failures.
    let left = store
        .client()
        .count(&bc_customers::domain::Filter::default())
        .await
        .expect("a count");
    match &app.app.last_error {
        // The backup could not be completed: nothing was deleted.
        Some(error) if error.starts_with("The delete stopped") => {
            assert!(error.contains("nothing was changed"), "{error}");
            assert_eq!(left, 120);
        }
        _ => {
            let notice = app.app.notice.clone().unwrap_or_default();
            let deleted = 120 - left;
            assert!(
                notice.starts_with(&format!(
                    "{deleted} deleted, {left} failed of 120 backed up"
                )),
                "{notice} (store has {left})"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_edit_adds_store_credit_to_the_marked_customers_after_a_review() {
    let store = TestStore::seeded(12).await;
    let mut app = Driven::start(&store, false).await;
    app.settled().await;
    let before: Vec<Value> = store.list_all("?max_id=3").await;
    app.type_text("   "); // Space ×3 marks customers 1, 2 and 3
    app.key('B');
    assert!(app.app.bulk_form().is_some(), "B opens the bulk edit form");
    app.keys(&[KeyCode::Tab]);
    app.type_text("+5");
    app.ctrl('s');
    app.until("the review", |app| app.dialog().is_some()).await;
    let dialog = app.app.dialog().expect("the review");
    assert_eq!(dialog.focus, 0, "focus on Cancel");
    assert!(matches!(&dialog.kind, DialogKind::BulkReview { review, .. } if review.customers == 3));
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.until("the report", |app| {
        app.job.is_none() && app.notice.as_deref().is_some_and(|n| n.contains("updated"))
    })
    .await;
    assert_eq!(
        app.app.notice.as_deref(),
        Some("3 updated, 0 already so, 0 failed; 5 requests.")
    );
    let after: Vec<Value> = store.list_all("?max_id=3").await;
    for (was, now) in before.iter().zip(&after) {
        let credit = |c: &Value| -> rust_decimal::Decimal {
            c["store_credit"]
                .as_str()
                .expect("a string")
                .parse()
                .expect("an amount")
        };
        assert_eq!(credit(now) - credit(was), rust_decimal::Decimal::from(5));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_view_undoes_a_bulk_edit_field_by_field() {
    let store = TestStore::seeded(8).await;
    let mut app = Driven::start(&store, false).await;
    let before: Vec<Value> = store.list_all("?max_id=2").await;
    app.type_text("  B");
    app.keys(&[KeyCode::Tab, KeyCode::Tab]);
    app.type_text("wholesale");
    app.ctrl('s');
    app.until("the review", |app| app.dialog().is_some()).await;
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.until("the report", |app| {
        app.job.is_none() && app.notice.as_deref().is_some_and(|n| n.contains("updated"))
    })
    .await;
    let changed: Vec<Value> = store.list_all("?max_id=2").await;
    assert!(
        changed
            .iter()
            .all(|c| c["tax_exempt_category"] == "wholesale")
    );

    app.key('H');
    app.until("the journal", |app| app.journal_view.history.is_some())
        .await;
    let sets = app
        .app
        .journal_view
        .rows()
        .into_iter()
        .cloned()
        .collect::<Vec<_>>();
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0].size(), 2);
    // Enter: what it did, field by field; its Undo button asks to undo it.
    app.keys(&[KeyCode::Enter]);
    assert!(matches!(
        app.app.dialog().map(|d| &d.kind),
        Some(DialogKind::ChangeSet(_))
    ));
    let screen = crate::common::screens::draw(&app.app, 140, 30);
    assert!(
        screen.contains("tax_exempt_category '' → 'wholesale'"),
        "{screen}"
    );
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    assert!(matches!(
        app.app.dialog().map(|d| &d.kind),
        Some(DialogKind::UndoChangeSet { .. })
    ));
    app.keys(&[KeyCode::Right, KeyCode::Enter]);
    app.until("the undo's report", |app| {
        app.job.is_none()
            && app
                .notice
                .as_deref()
                .is_some_and(|n| n.contains("set back"))
    })
    .await;
    assert_eq!(
        app.app.notice.as_deref(),
        Some("Change set 1: 2 set back, 0 failed; 3 requests.")
    );
    let after: Vec<Value> = store.list_all("?max_id=2").await;
    for (was, now) in before.iter().zip(&after) {
        assert_eq!(was["tax_exempt_category"], now["tax_exempt_category"]);
    }
    app.until("the journal again", |app| {
        app.journal_view.rows().len() == 2
    })
    .await;
    let sets = app
        .app
        .journal_view
        .rows()
        .into_iter()
        .cloned()
        .collect::<Vec<_>>();
    assert_eq!(
        sets[1].state_words(),
        "undone",
        "the bulk edit shows as undone"
    );
}
