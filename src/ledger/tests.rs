use rust_decimal::Decimal;

use super::*;
use crate::domain::{CustomerChange, Field, Value};

fn store(port: u16) -> StoreIdentity {
    StoreIdentity::at(
        &format!("http://127.0.0.1:{port}/stores/sandbox/v2"),
        "sandbox",
    )
}

fn credit(amount: i64) -> CustomerChange {
    CustomerChange::set(Field::StoreCredit, Value::Amount(Decimal::new(amount, 0)))
}

fn edited(customer: i64) -> CustomerOutcome {
    CustomerOutcome {
        result: Verdict::Done,
        did: Some(Did::Edited {
            customer,
            before: credit(1),
            after: credit(2),
            date_modified: "Fri, 27 Nov 2026 08:00:00 +0000".into(),
        }),
        why: None,
        conflicts: Vec::new(),
    }
}

fn bulk_edit(ledger: &Ledger, customers: &[i64], reached: &[i64], end: bool) -> u64 {
    let mut recorder = ledger
        .begin(
            Kind::BulkEdit,
            customers.to_vec(),
            |_| None,
            None,
            "credit".into(),
        )
        .expect("begun");
    for &customer in reached {
        recorder
            .intent(
                customer,
                Intent::Edit {
                    customer,
                    before: credit(1),
                    after: credit(2),
                },
            )
            .expect("an intent");
        recorder
            .outcome(customer, edited(customer))
            .expect("an outcome");
    }
    let id = recorder.id();
    if end {
        recorder.end(false, None).expect("ended");
    }
    id
}

#[test]
fn each_store_has_its_own_ledger_and_sets_are_read_back_whole() {
    let data = tempfile::tempdir().expect("a folder");
    let places = Places::in_folder(data.path());
    let a = Ledger::open(&places, &store(19561), "sandbox").expect("a ledger");
    let b = Ledger::open(&places, &store(19562), "sandbox").expect("a ledger");
    let first = bulk_edit(&a, &[1, 2, 3], &[1, 2, 3], true);
    bulk_edit(&b, &[7], &[7], true);
    let history = a.history().expect("a history");
    assert_eq!(history.sets.len(), 1, "store B's set is not store A's");
    let set = &history.sets[0];
    assert_eq!(set.id, first);
    assert_eq!(set.counts().done, 3);
    assert_eq!(set.to_undo(), vec![1, 2, 3]);
    assert_eq!(set.line(), "bulk edit · 3 customers · done");
    assert_ne!(a.folder(), b.folder());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| std::fs::metadata(path).expect("there").permissions().mode();
        assert_eq!(mode(a.folder()) & 0o777, 0o700);
        assert_eq!(mode(&a.folder().join("journal.jsonl")) & 0o777, 0o600);
        assert_eq!(
            mode(&a.folder().join(format!("set-{first}.jsonl"))) & 0o777,
            0o600
        );
    }
}

#[test]
fn undo_is_kept_per_customer_and_conflicts_can_be_set_aside() {
    let data = tempfile::tempdir().expect("a folder");
    let ledger = Ledger::open(&Places::in_folder(data.path()), &store(1), "s").expect("a ledger");
    let edit = bulk_edit(&ledger, &[1, 2, 3, 4], &[1, 2, 3, 4], true);
    let mut undo = ledger
        .begin(
            Kind::Undo,
            vec![1, 2, 3, 4],
            |_| None,
            Some(edit),
            String::new(),
        )
        .expect("begun");
    undo.outcome(1, edited(1)).expect("an outcome");
    undo.outcome(
        2,
        CustomerOutcome {
            result: Verdict::Conflict,
            did: None,
            why: Some("changed since".into()),
            conflicts: vec![FieldConflict {
                field: "store_credit".into(),
                now: "9.0000".into(),
                left: "2.0000".into(),
                wanted: "1.0000".into(),
            }],
        },
    )
    .expect("an outcome");
    let undo_id = undo.id();
    undo.end(true, None).expect("ended");
    let history = ledger.history().expect("a history");
    let set = history.set(edit).expect("the edit");
    assert_eq!(
        set.line(),
        "bulk edit · 4 customers · 1 of 4 undone, 2 to undo, 1 conflict"
    );
    assert_eq!(set.to_undo(), vec![3, 4], "undo goes on where it stopped");
    assert_eq!(
        history.last_to_undo().map(|s| s.id),
        Some(edit),
        "undos aside: the edit, where it stopped"
    );
    assert!(
        history.set(undo_id).is_some(),
        "the undo is a change set too"
    );
    ledger.set_aside(edit, vec![2]).expect("set aside");
    let history = ledger.history().expect("a history");
    assert_eq!(history.set(edit).expect("the edit").counts().set_aside, 1);
}

#[test]
fn a_killed_job_leaves_a_set_that_says_how_far_it_got() {
    let data = tempfile::tempdir().expect("a folder");
    let ledger = Ledger::open(&Places::in_folder(data.path()), &store(1), "s").expect("a ledger");
    let mut recorder = ledger
        .begin(Kind::BulkEdit, vec![1, 2, 3], |_| None, None, String::new())
        .expect("begun");
    recorder.outcome(1, edited(1)).expect("an outcome");
    recorder
        .intent(
            2,
            Intent::Edit {
                customer: 2,
                before: credit(1),
                after: credit(2),
            },
        )
        .expect("an intent");
    let id = recorder.id();
    let running = ledger.history().expect("a history");
    assert!(running.set(id).expect("the set").running, "held by its job");
    drop(recorder); // as a killed process leaves it: no end
    let history = ledger.history().expect("a history");
    let set = history.set(id).expect("the set");
    assert!(set.interrupted());
    assert_eq!(
        set.to_undo(),
        vec![1, 2],
        "the one whose answer never came too"
    );
    assert_eq!(
        set.state_words(),
        "interrupted after reaching 2 of 3, 1 unknown (undo checks the store)"
    );
}

#[test]
fn a_damaged_line_is_reported_and_skipped_and_a_cut_line_does_not_spoil_the_next() {
    let data = tempfile::tempdir().expect("a folder");
    let ledger = Ledger::open(&Places::in_folder(data.path()), &store(1), "s").expect("a ledger");
    let first = bulk_edit(&ledger, &[1], &[1], true);
    let journal = ledger.folder().join("journal.jsonl");
    let mut file = File::options()
        .append(true)
        .open(&journal)
        .expect("the journal");
    file.write_all(b"{\"begin\": {\"id\": 99, \"ki")
        .expect("a cut line");
    drop(file);
    let second = bulk_edit(&ledger, &[2], &[2], true);
    let history = ledger.history().expect("a history");
    assert_eq!(
        history.sets.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![second, first]
    );
    assert_eq!(history.damaged.len(), 1, "{:?}", history.damaged);
    assert_eq!(history.damaged[0].line, 3);
    assert!(
        history.damaged[0]
            .to_string()
            .contains("journal.jsonl line 3")
    );
}

#[test]
fn a_journal_that_cannot_be_written_stops_before_anything_begins() {
    let data = tempfile::tempdir().expect("a folder");
    let places = Places::in_folder(data.path());
    let identity = store(1);
    // A folder where the journal should be.
    std::fs::create_dir_all(places.ledger(&identity).join("journal.jsonl")).expect("a folder");
    let error = Ledger::open(&places, &identity, "s").expect_err("refused");
    assert!(error.to_string().contains("journal.jsonl"), "{error}");

    // A disk that fills up: the beginning cannot be written, so nothing begins.
    let other = store(2);
    let ledger = Ledger::open(&places, &other, "s").expect("a ledger");
    ledger.fail_writes_after(0);
    let error = ledger
        .begin(Kind::Delete, vec![1], |_| None, None, String::new())
        .expect_err("refused");
    assert!(error.to_string().contains("No space left"), "{error}");
}

#[test]
fn ids_stay_unique_when_many_jobs_begin_at_once() {
    let data = tempfile::tempdir().expect("a folder");
    let ledger = Ledger::open(&Places::in_folder(data.path()), &store(1), "s").expect("a ledger");
    let threads: Vec<_> = (0..8)
        .map(|n| {
            let ledger = ledger.clone();
            std::thread::spawn(move || bulk_edit(&ledger, &[n], &[n], true))
        })
        .collect();
    let mut ids: Vec<u64> = threads
        .into_iter()
        .map(|thread| thread.join().expect("a thread"))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 8);
}

#[test]
fn one_undo_of_a_store_at_a_time_and_the_second_says_who_holds_it() {
    let data = tempfile::tempdir().expect("a folder");
    let ledger = Ledger::open(&Places::in_folder(data.path()), &store(1), "s").expect("a ledger");
    let held = ledger.lock_undo(13).expect("the lock");
    let refused = ledger.lock_undo(13).expect_err("held");
    assert!(
        refused
            .to_string()
            .contains("an undo of change set 13 is under way"),
        "{refused}"
    );
    drop(held);
    ledger.lock_undo(14).expect("free again");
}

#[test]
fn the_journal_kept_before_identities_is_listed_by_name() {
    let data = tempfile::tempdir().expect("a folder");
    let places = Places::in_folder(data.path());
    std::fs::write(
        data.path().join("journal.jsonl"),
        concat!(
            r#"{"id":4,"kind":"bulk_edit","when":"2026-11-27T08:00:00+00:00","store":"sandbox","customers":1}"#,
            "\n",
            r#"{"id":5,"kind":"delete","when":"2026-11-27T09:00:00+00:00","store":"other","customers":2}"#,
            "\n"
        ),
    )
    .expect("an older journal");
    std::fs::write(
        data.path().join("change-4.jsonl"),
        r#"{"customer_id":3,"before":{"store_credit":"1.0000"},"after":{"store_credit":"6.0000"},"date_modified":"x"}"#,
    )
    .expect("its entries");
    let ledger = Ledger::open(&places, &store(1), "sandbox").expect("a ledger");
    let history = ledger.history().expect("a history");
    assert_eq!(history.older.len(), 1, "only the sets of this store's name");
    assert_eq!(history.older[0].to_undo(), vec![3]);
    assert!(matches!(history.older[0].store, Recorded::ByName(ref name) if name == "sandbox"));
    let next = bulk_edit(&ledger, &[1], &[1], true);
    assert_eq!(next, 6, "numbered after the older journal's sets");
}

#[test]
fn an_undo_taken_back_gives_its_set_its_change_back() {
    let data = tempfile::tempdir().expect("a folder");
    let ledger = Ledger::open(&Places::in_folder(data.path()), &store(1), "s").expect("a ledger");
    let edit = bulk_edit(&ledger, &[1, 2], &[1, 2], true);
    let undo_of = |undone: u64, keys: &[i64]| {
        let mut undo = ledger
            .begin(
                Kind::Undo,
                keys.to_vec(),
                |_| None,
                Some(undone),
                String::new(),
            )
            .expect("begun");
        for &key in keys {
            undo.outcome(key, edited(key)).expect("an outcome");
        }
        let id = undo.id();
        undo.end(false, None).expect("ended");
        id
    };
    let undo = undo_of(edit, &[1, 2]);
    let states = |id: u64| {
        let history = ledger.history().expect("a history");
        let set = history.set(id).expect("the set").clone();
        set.entries.values().map(|e| e.state).collect::<Vec<_>>()
    };
    assert_eq!(states(edit), [State::Undone, State::Undone]);
    let redo = undo_of(undo, &[1]);
    assert_eq!(states(undo), [State::Undone, State::Done]);
    assert_eq!(
        states(edit),
        [State::Done, State::Undone],
        "customer 1's change is back"
    );
    undo_of(redo, &[1]);
    assert_eq!(states(undo), [State::Done, State::Done]);
    assert_eq!(
        states(edit),
        [State::Undone, State::Undone],
        "and gone again"
    );
}
