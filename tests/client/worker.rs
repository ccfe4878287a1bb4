//! The background worker against a slow sandbox: results come back tagged, several requests
//! run at once, and a superseded read never reports.

use crate::common;

use std::time::Duration;

use bc_customers::domain::Filter;
use bc_customers::worker::{self, Command, ExportOf, Outcome, Read, Slot, Write};
use common::TestStore;
use serde_json::json;

async fn slow_store() -> TestStore {
    TestStore::start(|options| {
        options.seed = 120;
        options.latency = Duration::from_millis(150);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_are_tagged_and_the_latest_wins() {
    let store = slow_store().await;
    let (worker, mut events, task) = worker::spawn(store.client(), store.setup());
    let list = |page| Read::List {
        filter: Filter::default(),
        page,
        limit: 10,
    };
    assert!(worker.send(Command::Read {
        request: 1,
        slot: Slot::Page,
        read: list(1)
    }));
    assert!(worker.send(Command::Read {
        request: 2,
        slot: Slot::Page,
        read: list(2)
    }));
    assert!(worker.send(Command::Read {
        request: 3,
        slot: Slot::Count,
        read: Read::Count {
            filter: Filter::default()
        }
    }));

    let mut seen = Vec::new();
    for _ in 0..2 {
        let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
            .await
            .expect("in time")
            .expect("an event");
        assert!(event.elapsed >= Duration::from_millis(150));
        assert!(
            event.budget.left.is_some(),
            "the budget travels with the result"
        );
        seen.push((event.request, event.result.expect("a result")));
    }
    seen.sort_by_key(|(request, _)| *request);
    assert_eq!(seen[0].0, 2, "request 1 was superseded by 2");
    match &seen[0].1 {
        Outcome::Page(customers) => assert_eq!(customers.first().map(|c| c.id), Some(11)),
        other => panic!("expected a page, got {other:?}"),
    }
    assert_eq!(seen[1], (3, Outcome::Count(120)));
    // Nothing else arrives: the superseded read was cancelled.
    assert!(
        tokio::time::timeout(Duration::from_millis(400), events.recv())
            .await
            .is_err()
    );

    worker.send(Command::Shutdown);
    task.await.expect("the worker ends");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_run_alongside_reads_and_always_report() {
    let store = slow_store().await;
    let (worker, mut events, task) = worker::spawn(store.client(), store.setup());
    let fields = json!({"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"});
    worker.send(Command::Write {
        request: 7,
        write: Write::Create {
            customer: crate::common::new_customer(fields),
        },
    });
    worker.send(Command::Write {
        request: 8,
        write: Write::Update {
            customer_id: 5,
            changes: crate::common::change(json!({"company": "Five Ltd"})),
            before: crate::common::change(json!({"company": ""})),
        },
    });
    worker.send(Command::Write {
        request: 9,
        write: Write::Update {
            customer_id: 9999,
            changes: crate::common::change(json!({"company": "Nobody"})),
            before: crate::common::change(json!({"company": ""})),
        },
    });
    worker.send(Command::Read {
        request: 10,
        slot: Slot::Customer,
        read: Read::Get { customer_id: 1 },
    });
    worker.send(Command::Shutdown);

    let mut results = Vec::new();
    while let Some(event) = events.recv().await {
        results.push((event.request, event.result));
    }
    task.await.expect("the worker ends");
    results.sort_by_key(|(request, _)| *request);
    let requests: Vec<u64> = results.iter().map(|(request, _)| *request).collect();
    assert_eq!(
        &requests[..3],
        &[7, 8, 9],
        "writes finish even when the worker is told to stop"
    );
    assert!(matches!(&results[0].1, Ok(Outcome::Customer(c)) if c.email == "ann@example.com"));
    assert!(matches!(&results[1].1, Ok(Outcome::Customer(c)) if c.company == "Five Ltd"));
    assert_eq!(
        results[2]
            .1
            .as_ref()
            .map_err(|e| e.api().and_then(|e| e.status())),
        Err(Some(404))
    );
    assert_eq!(store.count("").await, 121);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_into_a_file_with_progress() {
    let store = TestStore::seeded(600).await;
    let (worker, mut events, task) = worker::spawn(store.client(), store.setup());
    let path = store.folder.path().join("group.csv");
    let mut filter = Filter::default();
    filter.set("min_id", "101").expect("a filter");
    worker.send(Command::Write {
        request: 1,
        write: Write::Export {
            of: ExportOf::Matching(filter),
            path: path.clone(),
            replace: false,
        },
    });
    worker.send(Command::Shutdown);
    let mut progress = Vec::new();
    let mut done = None;
    while let Some(event) = events.recv().await {
        match event.result.expect("no error") {
            Outcome::Progress(p) => progress.push((p.done, p.total)),
            Outcome::Exported { written, path } => done = Some((written, path)),
            other => panic!("unexpected {other:?}"),
        }
    }
    task.await.expect("the worker ends");
    assert_eq!(done, Some((500, path.clone())));
    assert_eq!(progress.last(), Some(&(500, 500)));
    let text = std::fs::read_to_string(&path).expect("the file");
    assert_eq!(text.lines().count(), 501, "a header and 500 customers");
    assert!(!path.with_extension("partial").exists());
    // Dates as spreadsheets read them.
    let first = text.lines().nth(1).expect("a row");
    assert!(
        first.contains("T") && first.contains("Z,"),
        "ISO 8601 dates: {first}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_asks_before_replacing_a_file_and_writes_the_marked_customers() {
    let store = TestStore::seeded(30).await;
    let home = store.folder.path().join("home");
    std::fs::create_dir_all(&home).expect("a folder");
    let (worker, mut events, task) = worker::spawn(store.client(), store.setup());
    let there = home.join("marked.json");
    std::fs::write(&there, "kept").expect("a file there");
    let export = |request, replace| Command::Write {
        request,
        write: Write::Export {
            of: ExportOf::Marked(bc_customers::worker::Chosen::Ids(vec![3, 5, 8])),
            path: home.join("marked.json"),
            replace,
        },
    };
    worker.send(export(1, false));
    let asked = loop {
        match events
            .recv()
            .await
            .expect("an answer")
            .result
            .expect("no error")
        {
            Outcome::ExportWouldReplace { path, .. } => break path,
            Outcome::Progress(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(asked, there);
    assert_eq!(std::fs::read_to_string(&there).expect("the file"), "kept");
    worker.send(export(2, true));
    worker.send(Command::Shutdown);
    let mut written = None;
    while let Some(event) = events.recv().await {
        if let Outcome::Exported { written: n, .. } = event.result.expect("no error") {
            written = Some(n);
        }
    }
    task.await.expect("the worker ends");
    assert_eq!(written, Some(3));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&there).expect("the file")).expect("JSON");
    let ids: Vec<i64> = json
        .as_array()
        .expect("an array")
        .iter()
        .map(|c| c["id"].as_i64().expect("an id"))
        .collect();
    assert_eq!(ids, [3, 5, 8], "the marked customers, and only they");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apps_deletes_and_bulk_edits_go_into_the_ledger() {
    use bc_customers::jobs::Cancel;
    use bc_customers::jobs::update::BulkChange;
    use bc_customers::ledger::Kind;
    let store = TestStore::seeded(10).await;
    let (worker, mut events, _task) = worker::spawn(store.client(), store.setup());
    let mut change = BulkChange::default();
    change.set_field("company=Acme").expect("a field");
    let writes = [
        Write::UpdateCustomers {
            ids: vec![1, 2, 3],
            change,
            cancel: Cancel::default(),
        },
        Write::DeleteCustomers {
            reviewed: crate::common::reviewed(&[4, 5]),
            cancel: Cancel::default(),
        },
    ];
    for (request, write) in (1..).zip(writes) {
        worker.send(Command::Write { request, write });
        loop {
            let event = events.recv().await.expect("the worker answers");
            match event.result.expect("the job succeeds") {
                Outcome::Progress(_) => continue,
                _ => break,
            }
        }
    }
    let history = store.service().await.history().expect("the ledger");
    let kinds: Vec<(Kind, u64)> = history
        .sets
        .iter()
        .map(|set| (set.kind, set.counts().done))
        .collect();
    assert_eq!(kinds, vec![(Kind::Delete, 2), (Kind::BulkEdit, 3)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_edit_and_a_create_are_recorded_and_each_undone() {
    use bc_customers::jobs::Cancel;
    use bc_customers::jobs::undo::UndoScope;
    use bc_customers::ledger::Kind;
    use reqwest::Method;
    let store = TestStore::seeded(5).await;
    let (worker, mut events, _task) = worker::spawn(store.client(), store.setup());
    let company_was = store.get_json("/customers/2").await["company"].clone();
    let writes = [
        Write::Create {
            customer: crate::common::new_customer(
                json!({"first_name": "Ada", "last_name": "L", "email": "ada@example.com"}),
            ),
        },
        Write::Update {
            customer_id: 2,
            changes: crate::common::change(json!({"company": "Edited Ltd"})),
            before: crate::common::change(json!({"company": company_was})),
        },
    ];
    for (request, write) in (1..).zip(writes) {
        worker.send(Command::Write { request, write });
        events
            .recv()
            .await
            .expect("an answer")
            .result
            .expect("done");
    }
    let service = store.service().await;
    let history = service.history().expect("the ledger");
    assert_eq!(history.sets[0].kind, Kind::Edit);
    assert_eq!(
        (history.sets[1].kind, history.sets[1].counts().done),
        (Kind::Create, 1)
    );
    let undone = service
        .undo(
            history.sets[0].id,
            UndoScope::Remaining,
            false,
            &Cancel::default(),
            |_| {},
        )
        .await
        .expect("undone");
    assert_eq!(undone.report.done, 1);
    assert_eq!(store.get_json("/customers/2").await["company"], company_was);

    // A created customer edited since is a conflict: it is not deleted.
    store
        .send_json(
            Method::PUT,
            "/customers/6",
            &json!({"company": "Changed since"}),
        )
        .await;
    let undone = service
        .undo(
            history.sets[1].id,
            UndoScope::Remaining,
            false,
            &Cancel::default(),
            |_| {},
        )
        .await
        .expect("an undo");
    assert_eq!((undone.report.done, undone.conflicts.len()), (0, 1));
    assert!(
        undone.conflicts[0]
            .to_string()
            .contains("company is 'Changed since' now"),
        "{}",
        undone.conflicts[0]
    );
    assert_eq!(store.count("").await, 6, "the edited customer stays");
}
