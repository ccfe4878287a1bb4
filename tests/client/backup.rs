//! Deletes, backups, restores and undo through the store's service, against a sandbox over
//! HTTP: exactly the customers reviewed, each in the ledger before its request, undo that
//! goes on where it stopped, and files that say which store they are of.

use crate::common;

use bc_customers::domain::Filter;
use bc_customers::jobs::backup::{BackupHeader, back_up, read_backup};
use bc_customers::jobs::restore::{RestorePlan, Restored};
use bc_customers::jobs::review::{Selection, review};
use bc_customers::jobs::undo::UndoScope;
use bc_customers::jobs::{Cancel, JobError, Progress, Step};
use bc_customers::ledger::Kind;
use common::{TestStore, reviewed};
use serde_json::json;

fn header(store: &bc_customers::jobs::Service) -> BackupHeader {
    BackupHeader {
        backup_of: store.identity().clone(),
        change_set: 1,
        kind: Kind::Delete,
        taken: "now".into(),
        with_addresses: true,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_takes_exactly_the_reviewed_customers_and_undo_brings_them_back() {
    let store = TestStore::seeded(400).await;
    let service = store.service().await;
    let client = store.client();
    let mut filter = Filter::default();
    filter.set("customer_group_id", "3").expect("a filter");
    let selection = Selection::Matching {
        filter: filter.clone(),
        except: Vec::new(),
    };
    let fixed = review(&client, &selection).await.expect("a review");
    let before = fixed.count();
    assert!(before > 10);

    // A customer who comes to match while the question is open is left alone.
    let late = store
        .create(json!({"first_name": "Late", "last_name": "Comer", "email": "late@example.com", "customer_group_id": 3}))
        .await;
    let mut seen = Vec::new();
    let deleted = service
        .delete(&fixed, &Cancel::default(), |p: Progress| {
            seen.push((p.step, p.done, p.total))
        })
        .await
        .expect("deleted");
    assert_eq!(
        (deleted.report.done, deleted.report.failed.len()),
        (before, 0)
    );
    assert_eq!(deleted.still_on_store, Some(0));
    assert_eq!(deleted.matching_since, Some(1), "{}", deleted.summary());
    assert!(
        deleted
            .summary()
            .contains("1 matching since the review left alone"),
        "{}",
        deleted.summary()
    );
    assert!(seen.contains(&(Step::BackingUp, before, before)));
    assert!(seen.contains(&(Step::Deleting, before, before)));
    assert_eq!(client.count(&filter).await.expect("a count"), 1);
    assert_eq!(
        client
            .get(late["id"].as_i64().expect("an id"))
            .await
            .expect("still there")
            .first_name,
        "Late"
    );
    let backed_up = read_backup(&deleted.backup).expect("the backup reads back");
    assert_eq!(backed_up.len() as u64, before);

    let history = service.history().expect("the history");
    let set = history.set(deleted.change_set).expect("the delete");
    assert_eq!(set.kind, Kind::Delete);
    assert_eq!(set.to_undo().len() as u64, before);

    let undone = service
        .undo(
            deleted.change_set,
            UndoScope::Remaining,
            false,
            &Cancel::default(),
            |_| {},
        )
        .await
        .expect("undone");
    assert_eq!(
        (undone.report.done, undone.report.failed.len()),
        (before, 0)
    );
    let now: Vec<_> = store
        .list_all("?customer_group_id=3")
        .await
        .into_iter()
        .filter(|c| c["first_name"] != "Late")
        .collect();
    assert_eq!(now.len() as u64, before);
    for (old, new) in backed_up.iter().map(|record| &record.customer).zip(&now) {
        assert_ne!(json!(old.id), new["id"], "restored customers get new ids");
        assert_eq!(json!(old.email), new["email"]);
        assert_eq!(json!(old.company), new["company"]);
        assert_eq!(json!(old.notes), new["notes"]);
        assert_eq!(
            new["reset_pass_on_login"],
            json!(true),
            "passwords: reset at next login"
        );
    }
    let history = service.history().expect("the history");
    assert_eq!(
        history
            .set(deleted.change_set)
            .expect("the delete")
            .state_words(),
        "undone"
    );
    // Nothing left to undo; the undo itself can be undone (it deletes them again).
    let again = service
        .undo(
            deleted.change_set,
            UndoScope::Remaining,
            false,
            &Cancel::default(),
            |_| {},
        )
        .await
        .expect_err("nothing left");
    assert!(
        again.to_string().contains("nothing left to undo"),
        "{again}"
    );
    // Undo without an id walks back past the undo: nothing older is left here. The undo
    // itself is still there to be undone by its id.
    assert_eq!(history.last_to_undo().map(|set| set.id), None);
    assert!(
        !history
            .set(undone.change_set)
            .expect("the undo")
            .to_undo()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_undo_goes_on_where_it_stopped_and_restoring_the_backup_takes_only_the_rest() {
    let store = TestStore::seeded(60).await;
    let service = store.service().await;
    let ids: Vec<i64> = (1..=51).collect();
    let deleted = service
        .delete(&reviewed(&ids), &Cancel::default(), |_| {})
        .await
        .expect("deleted");
    assert_eq!(deleted.report.done, 51);

    let cancel = Cancel::default();
    let stop = cancel.clone();
    let undone = service
        .undo(
            deleted.change_set,
            UndoScope::Remaining,
            false,
            &cancel,
            |p| {
                if p.step == Step::Undoing && p.done == 17 {
                    stop.cancel();
                }
            },
        )
        .await
        .expect("an undo, cut short");
    let restored = undone.report.done;
    assert!((17..=18).contains(&restored), "{}", undone.summary());
    let history = service.history().expect("the history");
    let set = history.set(deleted.change_set).expect("the delete");
    assert_eq!(
        set.line(),
        format!(
            "delete · 51 customers · {restored} of 51 undone, {} to undo",
            51 - restored
        )
    );
    assert_eq!(
        history.last_to_undo().map(|s| s.id),
        Some(deleted.change_set),
        "undo goes on with the delete where it stopped"
    );

    // Restoring the delete's backup re-creates only those not back yet.
    let plan = service
        .plan_restore(&deleted.backup, false)
        .expect("a plan");
    assert_eq!(
        plan,
        RestorePlan::UndoDelete {
            set: deleted.change_set,
            left: 51 - restored
        }
    );
    let rest = service
        .restore(&deleted.backup, false, &Cancel::default(), |_| {})
        .await
        .expect("restored");
    assert!(matches!(rest, Restored::Undone(_)));
    assert_eq!(rest.report().done, 51 - restored);
    assert_eq!(store.count("").await, 60, "no customer twice, none missing");
    let history = service.history().expect("the history");
    assert_eq!(
        history
            .set(deleted.change_set)
            .expect("the delete")
            .state_words(),
        "undone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_of_another_store_is_refused_naming_both_and_copied_only_when_asked() {
    let a = TestStore::seeded(5).await;
    let b = TestStore::seeded(0).await;
    let service_a = a.service().await;
    // The same data folder: two sandboxes that share a name and a URL path.
    let service_b = bc_customers::jobs::Service::open(b.client(), &a.places(), "Shop")
        .await
        .expect("store B");
    assert!(!service_a.identity().same_store(service_b.identity()));
    let deleted = service_a
        .delete(&reviewed(&[1, 2]), &Cancel::default(), |_| {})
        .await
        .expect("deleted from A");

    let refused = service_b
        .restore(&deleted.backup, false, &Cancel::default(), |_| {})
        .await
        .expect_err("another store's backup");
    let said = refused.to_string();
    assert!(matches!(refused, JobError::OtherStore(_)), "{said}");
    assert!(
        said.contains(&service_a.identity().describe())
            && said.contains(&service_b.identity().describe()),
        "names both: {said}"
    );
    assert_eq!(b.count("").await, 0);
    assert!(
        service_b.history().expect("B's history").sets.is_empty(),
        "B's history does not list A's delete"
    );
    let undo_in_b = service_b
        .undo(
            deleted.change_set,
            UndoScope::Remaining,
            false,
            &Cancel::default(),
            |_| {},
        )
        .await
        .expect_err("A's change set is not B's");
    assert!(
        undo_in_b.to_string().contains("no change set"),
        "{undo_in_b}"
    );

    let copied = service_b
        .restore(&deleted.backup, true, &Cancel::default(), |_| {})
        .await
        .expect("copied when asked");
    assert!(matches!(copied, Restored::Copied { .. }));
    assert_eq!(b.count("").await, 2);
    assert_eq!(a.count("").await, 3, "A untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_never_overwrites_an_earlier_one() {
    let store = TestStore::seeded(5).await;
    let service = store.service().await;
    let path = store.folder.path().join("earlier.jsonl");
    std::fs::write(&path, "the only copy\n").expect("an earlier backup");
    let error = back_up(
        &store.client(),
        &[1, 2],
        &path,
        &header(&service),
        &Cancel::default(),
        |_| {},
    )
    .await
    .expect_err("refused");
    assert!(matches!(error, JobError::File { .. }), "{error:#}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("still there"),
        "the only copy\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_during_the_backup_changes_nothing_and_says_so() {
    let store = TestStore::start(|options| {
        options.seed = 40;
        options.latency = std::time::Duration::from_millis(5);
    })
    .await;
    let service = store.service().await;
    let cancel = Cancel::default();
    let stop = cancel.clone();
    let mut backing_up = Vec::new();
    let error = service
        .delete(&reviewed(&(1..=40).collect::<Vec<_>>()), &cancel, |p| {
            if p.step == Step::BackingUp {
                backing_up.push(p.done);
                if p.done == 5 {
                    stop.cancel();
                }
            }
        })
        .await
        .expect_err("cancelled");
    assert!(matches!(error, JobError::Cancelled { .. }), "{error}");
    assert!(error.to_string().contains("nothing was changed"), "{error}");
    assert!(
        backing_up.contains(&5),
        "the backup shows its progress: {backing_up:?}"
    );
    assert!(backing_up.len() < 20, "stopped soon after: {backing_up:?}");
    assert_eq!(store.count("").await, 40);
    let history = service.history().expect("the history");
    assert_eq!(
        history.sets[0].state_words(),
        "cancelled after 0 of 40, nothing changed"
    );
    assert!(history.last_to_undo().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ledger_that_cannot_be_written_stops_the_job_before_its_first_change() {
    let store = TestStore::seeded(10).await;
    let service = store.service().await;
    // The beginning is written; the disk fills up after the backup.
    service.ledger().fail_writes_after(1);
    let deleted = service
        .delete(&reviewed(&[1, 2, 3]), &Cancel::default(), |_| {})
        .await;
    match deleted {
        Ok(deleted) => panic!("should not end well: {}", deleted.summary()),
        Err(error) => assert!(error.to_string().contains("No space left"), "{error}"),
    }
    assert_eq!(store.count("").await, 10, "nothing was deleted");

    // A folder where the journal should be: the service does not open at all.
    let other = TestStore::seeded(3).await;
    let places = other.places();
    let identity = other.client().identity().await.expect("its identity");
    std::fs::create_dir_all(places.ledger(&identity).join("journal.jsonl")).expect("a folder");
    let refused = bc_customers::jobs::Service::open(other.client(), &places, "Shop")
        .await
        .expect_err("refused");
    assert!(refused.to_string().contains("journal.jsonl"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_checks_the_whole_file_first() {
    let store = TestStore::empty().await;
    let service = store.service().await;
    let line = |id: i64, email: &str| {
        format!(r#"{{"id":{id},"first_name":"A","last_name":"B","email":"{email}"}}"#)
    };
    let damaged = store.folder.path().join("damaged.jsonl");
    std::fs::write(
        &damaged,
        format!("{}\n{{not json\n", line(1, "one@example.com")),
    )
    .expect("a file");
    let error = service
        .restore(&damaged, true, &Cancel::default(), |_| {})
        .await
        .expect_err("refused");
    assert!(format!("{error:#}").contains("line 2"), "{error:#}");
    assert_eq!(store.count("").await, 0, "nothing half-restored");

    // A backup written before stores were known by identity says no store: only by name.
    let older = store.folder.path().join("older.jsonl");
    std::fs::write(
        &older,
        [1, 2, 3]
            .map(|id| line(id, &format!("c{id}@example.com")))
            .join("\n"),
    )
    .expect("a file");
    let refused = service
        .restore(&older, false, &Cancel::default(), |_| {})
        .await
        .expect_err("which store?");
    assert!(
        refused.to_string().contains("--into-other-store"),
        "{refused}"
    );
    let mut seen = Vec::new();
    let copied = service
        .restore(&older, true, &Cancel::default(), |p: Progress| {
            seen.push((p.done, p.total))
        })
        .await
        .expect("copied");
    assert_eq!((copied.report().done, copied.report().failed.len()), (3, 0));
    assert_eq!(seen, [(1, 3), (2, 3), (3, 3)]);
    // Twice: the same emails are refused, each named.
    let twice = service
        .restore(&older, true, &Cancel::default(), |_| {})
        .await
        .expect("a report");
    assert_eq!(twice.report().done, 0);
    assert!(
        twice.report().failed[0].why.contains("409"),
        "{:?}",
        twice.report().failed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_that_cannot_be_written_is_a_file_error_naming_the_path() {
    let store = TestStore::seeded(3).await;
    let service = store.service().await;
    // A folder that cannot be made: its parent is a file (root may write anywhere else).
    let blocker = store.folder.path().join("not-a-folder");
    std::fs::write(&blocker, "").expect("a file");
    let path = blocker.join("backups").join("b.jsonl");
    let error = back_up(
        &store.client(),
        &[1],
        &path,
        &header(&service),
        &Cancel::default(),
        |_| {},
    )
    .await
    .expect_err("refused");
    match &error {
        JobError::File { path: named, .. } => assert_eq!(named, &blocker.join("backups")),
        other => panic!("a file error, got {other:?}"),
    }
    assert_eq!(store.count("").await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_and_ledger_files_are_private() {
    let store = TestStore::seeded(6).await;
    let service = store.service().await;
    let deleted = service
        .delete(&reviewed(&[1, 2, 3]), &Cancel::default(), |_| {})
        .await
        .expect("deleted");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &std::path::Path| {
            std::fs::metadata(path)
                .expect("written")
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(&deleted.backup), 0o600);
        assert_eq!(mode(deleted.backup.parent().expect("its folder")), 0o700);
        assert_eq!(
            mode(&service.ledger().folder().join("journal.jsonl")),
            0o600
        );
    }
    let name = deleted
        .backup
        .file_name()
        .and_then(|name| name.to_str())
        .expect("a name");
    assert!(
        name.ends_with(&format!("-{}-delete.jsonl", deleted.change_set)),
        "{name}"
    );
    assert!(
        deleted
            .backup
            .to_string_lossy()
            .contains(&service.identity().file_stem()),
        "in the store's own folder"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_with_no_line_breaks_is_refused_by_its_line_number() {
    use bc_customers::jobs::backup::MAX_LINE;
    let store = TestStore::empty().await;
    let service = store.service().await;
    let endless = store.folder.path().join("zero.jsonl");
    let line = |id: i64| {
        format!(r#"{{"id":{id},"first_name":"A","last_name":"B","email":"c{id}@example.com"}}"#)
    };
    let mut text = format!("{}\n", line(1));
    text.push_str(&"0".repeat(MAX_LINE + 10));
    std::fs::write(&endless, text).expect("a file");
    let error = service
        .restore(&endless, true, &Cancel::default(), |_| {})
        .await
        .expect_err("refused");
    let said = error.to_string();
    assert!(
        said.contains("line 2") && said.contains("longer than"),
        "{said}"
    );
    assert_eq!(store.count("").await, 0, "nothing restored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_breaking_the_stores_rules_restores_nothing() {
    let store = TestStore::empty().await;
    let service = store.service().await;
    let path = store.folder.path().join("edited.jsonl");
    let lines: Vec<String> = (1..=5)
        .map(|id| {
            let email = if id == 3 {
                "12345".to_owned()
            } else {
                format!("c{id}@example.com")
            };
            format!(r#"{{"id":{id},"first_name":"A","last_name":"B","email":"{email}"}}"#)
        })
        .collect();
    std::fs::write(&path, lines.join("\n")).expect("a file");
    let error = service
        .restore(&path, true, &Cancel::default(), |_| {})
        .await
        .expect_err("refused");
    let said = error.to_string();
    assert!(
        said.contains("line 3") && said.contains("email '12345'"),
        "{said}"
    );
    assert_eq!(
        store.count("").await,
        0,
        "not 4 restored and 1 failed: none"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_whose_group_is_gone_is_restored_into_no_group() {
    let store = TestStore::empty().await;
    let service = store.service().await;
    let path = store.folder.path().join("old.jsonl");
    std::fs::write(
        &path,
        r#"{"id":5,"first_name":"A","last_name":"B","email":"gone-group@example.com","customer_group_id":99}"#,
    )
    .expect("a backup");
    let restored = service
        .restore(&path, true, &Cancel::default(), |_| {})
        .await
        .expect("restored");
    let report = restored.report();
    assert_eq!(
        (report.done, report.failed.len(), report.left_without_group),
        (1, 0, 1)
    );
    assert!(
        report.summary("restored").contains("1 put in no group"),
        "{}",
        report.summary("restored")
    );
    let back = store.list_all("?email=gone-group@example.com").await;
    assert_eq!(back[0]["customer_group_id"], json!(0));
}
