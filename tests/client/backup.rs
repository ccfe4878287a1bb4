//! Backups before deletes, and restores, against a sandbox store over HTTP.

use crate::common;

use bc_customers::domain::Filter;
use bc_customers::jobs::backup::back_up;
use bc_customers::jobs::backup::read_backup;
use bc_customers::jobs::delete::delete_ids;
use bc_customers::jobs::restore::restore;
use bc_customers::jobs::{Cancel, Progress};
use common::TestStore;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_backed_up_customers_are_deleted_and_restore_brings_them_back() {
    let store = TestStore::seeded(400).await;
    let client = store.client();
    let mut filter = Filter::default();
    filter.set("customer_group_id", "3").expect("a filter");
    let before = client.count(&filter).await.expect("a count");
    assert!(before > 10);

    let path = store.folder.path().join("backup.jsonl");
    let ids = back_up(&client, &filter, &path).await.expect("a backup");
    assert_eq!(ids.len() as u64, before);
    let backed_up = read_backup(&path).expect("the backup reads back");
    assert_eq!(backed_up.len() as u64, before);

    // A customer who comes to match after the backup is not caught by the delete.
    let late = store
        .create(json!({"first_name": "Late", "last_name": "Comer", "email": "late@example.com", "customer_group_id": 3}))
        .await;

    let mut seen = Vec::new();
    let report = delete_ids(&client, &ids, &Cancel::default(), |p: Progress| {
        seen.push((p.done, p.total))
    })
    .await;
    assert_eq!(
        (report.done, report.already_gone, report.failed.len()),
        (before, 0, 0)
    );
    assert_eq!(seen.last(), Some(&(before, before)));
    assert_eq!(
        client.count(&filter).await.expect("a count"),
        1,
        "only the late customer is left"
    );
    assert_eq!(
        client
            .get(late["id"].as_i64().expect("an id"))
            .await
            .expect("still there")
            .first_name,
        "Late"
    );

    // Deleting again finds them gone, and says so.
    let again = delete_ids(&client, &ids[..3], &Cancel::default(), |_| {}).await;
    assert_eq!((again.done, again.already_gone), (0, 3));

    let restored = restore(
        &client,
        backed_up.clone(),
        backed_up.len() as u64,
        &Cancel::default(),
        |_| {},
    )
    .await;
    assert_eq!((restored.done, restored.failed.len()), (before, 0));
    let now: Vec<_> = {
        let (_, pages) = client.all_pages(&filter, 2).await.expect("pages");
        let pages: Vec<_> = futures::StreamExt::collect(pages).await;
        pages
            .into_iter()
            .flat_map(|page| page.expect("a page"))
            .filter(|c| c.first_name != "Late")
            .collect()
    };
    assert_eq!(now.len() as u64, before);
    for (old, new) in backed_up.iter().map(|record| &record.customer).zip(&now) {
        assert_ne!(old.id, new.id, "restored customers get new ids");
        assert_eq!(
            (
                &old.first_name,
                &old.last_name,
                &old.email,
                &old.company,
                &old.phone,
                old.store_credit,
                old.customer_group_id,
                &old.notes
            ),
            (
                &new.first_name,
                &new.last_name,
                &new.email,
                &new.company,
                &new.phone,
                new.store_credit,
                new.customer_group_id,
                &new.notes
            )
        );
        assert_eq!(old.registration_ip_address, new.registration_ip_address);
        assert_eq!(old.tax_exempt_category, new.tax_exempt_category);
        assert!(
            new.reset_pass_on_login,
            "passwords cannot be restored: reset at next login"
        );
    }
    // Restoring twice fails on the duplicate emails, and says which.
    let twice = restore(
        &client,
        backed_up[..2].to_vec(),
        2,
        &Cancel::default(),
        |_| {},
    )
    .await;
    assert_eq!(twice.done, 0);
    assert!(twice.failed[0].why.contains("409"), "{:?}", twice.failed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_never_overwrites_an_earlier_one() {
    let store = TestStore::seeded(5).await;
    let client = store.client();
    let path = store.folder.path().join("earlier.jsonl");
    std::fs::write(&path, "the only copy\n").expect("an earlier backup");
    let error = back_up(&client, &Filter::default(), &path)
        .await
        .expect_err("refused");
    assert!(
        format!("{error:#}").contains("nothing was deleted"),
        "{error:#}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("still there"),
        "the only copy\n"
    );
    assert_eq!(store.count("").await, 5);
}

#[test]
fn the_last_delete_is_undoable_until_restored() {
    use bc_customers::jobs::undo_record::{LastDelete, mark_restored, record, undoable};
    let folder = tempfile::tempdir().expect("a folder");
    let backup = |name: &str| {
        let path = folder.path().join(name);
        std::fs::write(&path, "{}\n").expect("a backup");
        path
    };
    assert_eq!(undoable(folder.path(), "Shop A"), None);
    let older = backup("20261101-100000.000-Shop_A.jsonl");
    let newer = backup("20261102-100000.000-Shop_A.jsonl");
    let other_store = backup("20261103-100000.000-Shop_B.jsonl");
    record(&older, &[1, 2]).expect("recorded");
    record(&newer, &[7]).expect("recorded");
    record(&other_store, &[9]).expect("recorded");
    assert_eq!(
        undoable(folder.path(), "Shop A"),
        Some(LastDelete {
            backup: newer.clone(),
            ids: vec![7]
        })
    );
    mark_restored(&newer).expect("marked");
    assert_eq!(
        undoable(folder.path(), "Shop A"),
        None,
        "only the last delete is offered, and it was undone"
    );
    assert_eq!(
        undoable(folder.path(), "Shop B"),
        Some(LastDelete {
            backup: other_store,
            ids: vec![9]
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_checks_the_whole_file_first_and_takes_only_what_it_is_asked() {
    use bc_customers::jobs::restore::restore_backup;
    let store = TestStore::empty().await;
    let client = store.client();
    let line = |id: i64, email: &str| {
        format!(r#"{{"id":{id},"first_name":"A","last_name":"B","email":"{email}"}}"#)
    };
    let damaged = store.folder.path().join("damaged.jsonl");
    std::fs::write(
        &damaged,
        format!("{}\n{{not json\n", line(1, "one@example.com")),
    )
    .expect("a file");
    let error = restore_backup(&client, &damaged, None, &Cancel::default(), |_| {})
        .await
        .expect_err("refused");
    assert!(format!("{error:#}").contains("line 2"), "{error:#}");
    assert_eq!(store.count("").await, 0, "nothing half-restored");

    let whole = store.folder.path().join("whole.jsonl");
    std::fs::write(
        &whole,
        [1, 2, 3]
            .map(|id| line(id, &format!("c{id}@example.com")))
            .join("\n"),
    )
    .expect("a file");
    let mut seen = Vec::new();
    let report = restore_backup(
        &client,
        &whole,
        Some(&[1, 3]),
        &Cancel::default(),
        |p: Progress| seen.push((p.done, p.total)),
    )
    .await
    .expect("restored");
    assert_eq!((report.done, report.failed.len()), (2, 0));
    assert_eq!(seen, [(1, 2), (2, 2)]);
    assert_eq!(store.count("?email=c2@example.com").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_that_cannot_be_written_is_a_file_error_naming_the_path() {
    use bc_customers::jobs::JobError;
    let store = TestStore::seeded(3).await;
    let client = store.client();
    // A folder that cannot be made: its parent is a file (root may write anywhere else).
    let blocker = store.folder.path().join("not-a-folder");
    std::fs::write(&blocker, "").expect("a file");
    let path = blocker.join("backups").join("b.jsonl");
    let error = back_up(&client, &Filter::default(), &path)
        .await
        .expect_err("refused");
    match &error {
        JobError::File { path: named, .. } => assert_eq!(named, &blocker.join("backups")),
        other => panic!("a file error, got {other:?}"),
    }
    assert!(error.to_string().contains("nothing was deleted"), "{error}");
    assert_eq!(store.count("").await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_stays_undoable_until_its_restore_is_whole() {
    use bc_customers::jobs::backup::Selection;
    use bc_customers::jobs::delete::delete_customers;
    use bc_customers::jobs::restore::restore_backup;
    use bc_customers::jobs::undo_record::{LastDelete, undoable};
    let store = TestStore::seeded(6).await;
    let client = store.client();
    let folder = store.folder.path().join("backups");
    let backup = folder.join("20261127-100000.000-Shop.jsonl");
    let deleted = delete_customers(
        &client,
        &Selection::Ids(vec![1, 2, 3]),
        &backup,
        &Cancel::default(),
        |_| {},
    )
    .await
    .expect("deleted");
    assert_eq!(deleted.report.done, 3);
    assert_eq!(deleted.still_on_store, Some(0));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let record = backup.with_extension("jsonl.deleted");
        for file in [&backup, &record] {
            let mode = std::fs::metadata(file)
                .expect("written")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{} is private", file.display());
        }
    }
    assert_eq!(
        undoable(&folder, "Shop"),
        Some(LastDelete {
            backup: backup.clone(),
            ids: vec![1, 2, 3]
        })
    );

    // A restore cancelled before it began is not whole: undo is still offered.
    let cancelled = Cancel::default();
    cancelled.cancel();
    let report = restore_backup(&client, &backup, Some(&[1, 2, 3]), &cancelled, |_| {})
        .await
        .expect("a report");
    assert_eq!((report.done, report.not_attempted), (0, 3));
    assert!(undoable(&folder, "Shop").is_some());

    let report = restore_backup(
        &client,
        &backup,
        Some(&[1, 2, 3]),
        &Cancel::default(),
        |_| {},
    )
    .await
    .expect("a report");
    assert_eq!(report.done, 3);
    assert_eq!(undoable(&folder, "Shop"), None, "restored whole");
    assert_eq!(store.count("").await, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_with_no_line_breaks_is_refused_by_its_line_number() {
    use bc_customers::jobs::backup::MAX_LINE;
    use bc_customers::jobs::restore::restore_backup;
    let store = TestStore::empty().await;
    let client = store.client();
    let endless = store.folder.path().join("zero.jsonl");
    let line = |id: i64| {
        format!(r#"{{"id":{id},"first_name":"A","last_name":"B","email":"c{id}@example.com"}}"#)
    };
    let mut text = format!("{}\n", line(1));
    text.push_str(&"0".repeat(MAX_LINE + 10));
    std::fs::write(&endless, text).expect("a file");
    let error = restore_backup(&client, &endless, None, &Cancel::default(), |_| {})
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
    use bc_customers::jobs::restore::restore_backup;
    let store = TestStore::empty().await;
    let client = store.client();
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
    let error = restore_backup(&client, &path, None, &Cancel::default(), |_| {})
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
    use bc_customers::jobs::restore::restore_backup;
    let store = TestStore::empty().await;
    let client = store.client();
    let path = store.folder.path().join("old.jsonl");
    std::fs::write(
        &path,
        r#"{"id":5,"first_name":"A","last_name":"B","email":"gone-group@example.com","customer_group_id":99}"#,
    )
    .expect("a backup");
    let report = restore_backup(&client, &path, None, &Cancel::default(), |_| {})
        .await
        .expect("restored");
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
