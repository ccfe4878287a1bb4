//! The ledger tested as a model, against a real sandbox over HTTP that fails some requests:
//! random sequences of create, edit, bulk edit, delete, undo and restore, with cancels, jobs
//! cut off mid-request (as `kill -9` would), a ledger whose disk fills up, and restarts of the
//! program between steps. After every step, replaying the ledger over the store as it began
//! must give the store as it is (every change that reached the store is in the ledger); at
//! the end, undoing every change set, newest first, must bring every customer's fields back
//! (new ids, creation dates and passwords aside, which the API cannot restore).
//!
//! `cargo test --test client model` runs a few hundred steps; the ignored `model_long_run`
//! runs thousands (`MODEL_CASES`, `MODEL_STEPS`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bc_customers::domain::{Customer, CustomerChange, Field, Filter, NewCustomer, Value};
use bc_customers::jobs::undo::UndoScope;
use bc_customers::jobs::update::BulkChange;
use bc_customers::jobs::{Cancel, Progress};
use bc_customers::ledger::{Did, History, Intent, Kind};
use bc_customers::store::SharedStore;
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::common::{TestStore, reviewed};

#[derive(Debug, Clone)]
enum Op {
    Create(u8),
    Edit { who: u8, what: u8 },
    BulkEdit { mask: u16, what: u8 },
    Delete { mask: u16 },
    Undo,
    RestoreLastDelete,
}

/// One step: what is done, and what goes wrong while it is done.
#[derive(Debug, Clone)]
struct Step {
    op: Op,
    /// Cancelled after this many progress reports.
    cancel_after: Option<u8>,
    /// Cut off (its future dropped, as a killed process) after this many progress reports.
    cut_after: Option<u8>,
    /// The ledger's disk fills up after this many more lines.
    ledger_fails_after: Option<u8>,
    /// The program starts again before the step.
    restart: bool,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<u8>().prop_map(Op::Create),
        4 => (any::<u8>(), 0..3u8).prop_map(|(who, what)| Op::Edit { who, what }),
        3 => (any::<u16>(), 0..3u8).prop_map(|(mask, what)| Op::BulkEdit { mask, what }),
        3 => any::<u16>().prop_map(|mask| Op::Delete { mask }),
        3 => Just(Op::Undo),
        1 => Just(Op::RestoreLastDelete),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    (
        op(),
        prop::option::weighted(0.2, 0..6u8),
        prop::option::weighted(0.15, 0..6u8),
        prop::option::weighted(0.15, 0..6u8),
        prop::bool::weighted(0.25),
    )
        .prop_map(
            |(op, cancel_after, cut_after, ledger_fails_after, restart)| Step {
                op,
                cancel_after,
                cut_after,
                ledger_fails_after,
                restart,
            },
        )
}

/// What the model compares: a customer's writable fields.
fn fields(customer: &Customer) -> Vec<Value> {
    Field::ALL
        .iter()
        .map(|field| field.read(customer))
        .collect()
}

async fn every_customer(store: &SharedStore) -> BTreeMap<i64, Customer> {
    let mut all = BTreeMap::new();
    for page in 1.. {
        let listed = store
            .list(&Filter::default(), page, 250)
            .await
            .expect("the store answers (reads are retried)");
        if listed.customers.is_empty() {
            break;
        }
        all.extend(listed.customers.into_iter().map(|c| (c.id, c)));
    }
    all
}

/// The store as the ledger says it should be: its first state with every change recorded
/// as done made again, in order. A request whose answer never came is taken as the store
/// has it, if the store holds what it was about to do (it must hold one or the other).
fn replay(
    first: &BTreeMap<i64, Customer>,
    history: &History,
    now: &BTreeMap<i64, Customer>,
) -> Result<BTreeMap<i64, Customer>, String> {
    let mut model = first.clone();
    for set in history.sets.iter().rev() {
        for (key, entry) in &set.entries {
            match (entry.did(), &entry.intent, &entry.outcome) {
                (
                    Some(Did::Edited {
                        customer, after, ..
                    }),
                    _,
                    _,
                ) => {
                    if let Some(held) = model.get_mut(customer) {
                        *held = after.applied_to(held);
                    }
                }
                (Some(Did::Deleted { customer }), _, _) => {
                    model.remove(customer);
                }
                (Some(Did::Created { customer }), _, _) => {
                    model.insert(customer.id, (**customer).clone());
                }
                (None, Some(intent), None) => match intent {
                    Intent::Edit {
                        customer,
                        before,
                        after,
                    } => {
                        let (Some(held), Some(there)) =
                            (model.get_mut(customer), now.get(customer))
                        else {
                            continue;
                        };
                        if after.holds_in(there) && !before.holds_in(there) {
                            *held = after.applied_to(held);
                        }
                    }
                    Intent::Delete { customer } => {
                        if !now.contains_key(customer) {
                            model.remove(customer);
                        }
                    }
                    Intent::Create { fields } => {
                        let email = fields.fields.get(&Field::Email).map(ToString::to_string);
                        let made = now.values().find(|c| {
                            Some(&c.email) == email.as_ref() && !model.contains_key(&c.id)
                        });
                        if let Some(made) = made {
                            model.insert(made.id, made.clone());
                        }
                    }
                    // The model runs customers' changes only.
                    Intent::Address { .. } | Intent::Group { .. } => {}
                },
                _ => {}
            }
            let _ = key;
        }
    }
    let same = model.len() == now.len()
        && model
            .iter()
            .zip(now)
            .all(|((a, was), (b, is))| a == b && fields(was) == fields(is));
    if same {
        Ok(model)
    } else {
        let only_model: Vec<&i64> = model.keys().filter(|id| !now.contains_key(id)).collect();
        let only_store: Vec<&i64> = now.keys().filter(|id| !model.contains_key(id)).collect();
        let differ: Vec<&i64> = model
            .iter()
            .filter(|(id, was)| now.get(id).is_some_and(|is| fields(was) != fields(is)))
            .map(|(id, _)| id)
            .collect();
        Err(format!(
            "the store is not what the ledger says: only in the ledger's replay {only_model:?}, only on the store {only_store:?}, different {differ:?}"
        ))
    }
}

/// Every line of an undo is about a customer of the set it undoes, under that set's key:
/// its intent and its outcome alike (else the undo's customers are counted twice, half of
/// them "unknown").
fn undos_keep_their_keys(history: &History) -> Result<(), String> {
    for set in &history.sets {
        let Some(undone) = set.undoes.and_then(|id| history.set(id)) else {
            continue;
        };
        let strays: Vec<&i64> = set
            .entries
            .keys()
            .filter(|key| !undone.entries.contains_key(key))
            .collect();
        if !strays.is_empty() {
            return Err(format!(
                "undo {} has lines under keys {strays:?}, not of change set {}",
                set.id, undone.id
            ));
        }
    }
    Ok(())
}

/// Counts of what the run met, for the note and the long run's report.
#[derive(Default)]
struct Tally {
    steps: AtomicU64,
    faults: AtomicU64,
    undone_sets: AtomicU64,
}

/// Runs one job, cancelled or cut off as the step says.
async fn run_step<T>(
    step: &Step,
    tally: &Tally,
    job: impl FnOnce(Cancel, Box<dyn FnMut(Progress) + Send>) -> futures::future::BoxFuture<'static, T>,
) -> Option<T> {
    let cancel = Cancel::default();
    let seen = Arc::new(AtomicU64::new(0));
    let cut = Arc::new(tokio::sync::Notify::new());
    let (cancel_after, cut_after) = (step.cancel_after, step.cut_after);
    if cancel_after.is_some() || cut_after.is_some() {
        tally.faults.fetch_add(1, Ordering::Relaxed);
    }
    let progress: Box<dyn FnMut(Progress) + Send> = {
        let (cancel, seen, cut) = (cancel.clone(), Arc::clone(&seen), Arc::clone(&cut));
        Box::new(move |_| {
            let now = seen.fetch_add(1, Ordering::Relaxed) + 1;
            if cancel_after.is_some_and(|after| now >= u64::from(after)) {
                cancel.cancel();
            }
            if cut_after.is_some_and(|after| now >= u64::from(after)) {
                cut.notify_one();
            }
        })
    };
    let job = job(cancel, progress);
    tokio::select! {
        done = job => Some(done),
        () = cut.notified() => None, // dropped mid-request, as a killed process
    }
}

async fn run_case(steps: Vec<Step>, tally: &Tally) -> Result<(), String> {
    let store = TestStore::start(|options| {
        options.fail_rate = 0.05;
    })
    .await;
    for n in 0..8 {
        let body = serde_json::json!({
            "first_name": format!("First{n}"),
            "last_name": format!("Last{n}"),
            "email": format!("first{n}@example.com"),
            "company": "Start Co",
            "store_credit": format!("{n}.5000"),
        });
        // The store fails some requests: asked again until it answers.
        while !store
            .send_json(reqwest::Method::POST, "/customers", &body)
            .await
            .status()
            .is_success()
        {}
    }
    let client = store.client();
    let first = every_customer(&client).await;
    let by_email = |customers: &BTreeMap<i64, Customer>| -> BTreeMap<String, Vec<Value>> {
        customers
            .values()
            .map(|c| (c.email.clone(), fields(c)))
            .collect()
    };
    let mut service = Arc::new(store.service().await);
    let mut made = 0u32;
    for step in steps {
        tally.steps.fetch_add(1, Ordering::Relaxed);
        if step.restart {
            service = Arc::new(store.service().await);
        }
        if let Some(lines) = step.ledger_fails_after {
            tally.faults.fetch_add(1, Ordering::Relaxed);
            service.ledger().fail_writes_after(i64::from(lines));
        }
        let ids: Vec<i64> = every_customer(&client).await.into_keys().collect();
        let pick = |mask: u16| -> Vec<i64> {
            ids.iter()
                .enumerate()
                .filter(|(at, _)| mask & (1 << (at % 16)) != 0)
                .map(|(_, id)| *id)
                .collect()
        };
        let job_service = Arc::clone(&service);
        match step.op.clone() {
            Op::Create(n) => {
                made += 1;
                let mut customer = NewCustomer::default();
                for (field, text) in [
                    (Field::FirstName, format!("New{n}")),
                    (Field::LastName, format!("Made{made}")),
                    (Field::Email, format!("new{made}-{n}@example.com")),
                ] {
                    customer.fields.insert(field, Value::Text(text));
                }
                run_step(&step, tally, move |_, _| {
                    Box::pin(async move { job_service.create(&customer).await.map(|_| ()) })
                })
                .await;
            }
            Op::Edit { who, what } if !ids.is_empty() => {
                let id = ids[usize::from(who) % ids.len()];
                let Ok(now) = client.get(id).await else {
                    continue;
                };
                let change = match what {
                    0 => CustomerChange::set(Field::Company, Value::Text(format!("Co {who}"))),
                    1 => CustomerChange::set(Field::Notes, Value::Text(format!("note {who}"))),
                    _ => CustomerChange::set(
                        Field::StoreCredit,
                        Value::Amount(Decimal::new(i64::from(who) * 25, 2)),
                    ),
                };
                let change = change.minus(&now);
                if change.is_empty() {
                    continue;
                }
                let before = change.current_in(&now);
                run_step(&step, tally, move |_, _| {
                    Box::pin(async move { job_service.edit(id, &change, before).await.map(|_| ()) })
                })
                .await;
            }
            Op::BulkEdit { mask, what } => {
                let chosen = pick(mask);
                let mut change = BulkChange::default();
                match what {
                    0 => change.add_store_credit = Some(Decimal::new(15, 1)),
                    1 => {
                        let _ = change.set_field("company=Bulk Co");
                    }
                    _ => change.append_notes = Some("bulk note".into()),
                }
                run_step(&step, tally, move |cancel, progress| {
                    Box::pin(async move {
                        job_service
                            .bulk_edit(&chosen, &change, &cancel, progress)
                            .await
                            .map(|_| ())
                    })
                })
                .await;
            }
            Op::Delete { mask } => {
                let chosen = reviewed(&pick(mask));
                run_step(&step, tally, move |cancel, progress| {
                    Box::pin(async move {
                        job_service
                            .delete(&chosen, &cancel, progress)
                            .await
                            .map(|_| ())
                    })
                })
                .await;
            }
            Op::Undo => {
                let Ok(history) = service.history() else {
                    continue;
                };
                if let Some(set) = history.last_to_undo().map(|set| set.id) {
                    run_step(&step, tally, move |cancel, progress| {
                        Box::pin(async move {
                            job_service
                                .undo(set, UndoScope::Remaining, false, &cancel, progress)
                                .await
                                .map(|_| ())
                        })
                    })
                    .await;
                }
            }
            Op::RestoreLastDelete => {
                let Ok(history) = service.history() else {
                    continue;
                };
                let backup = history
                    .sets
                    .iter()
                    .find(|set| set.kind == Kind::Delete)
                    .and_then(|set| set.backup.clone());
                if let Some(backup) = backup.filter(|path| path.exists()) {
                    run_step(&step, tally, move |cancel, progress| {
                        Box::pin(async move {
                            job_service
                                .restore(&backup, false, &cancel, progress)
                                .await
                                .map(|_| ())
                        })
                    })
                    .await;
                }
            }
            Op::Edit { .. } => {}
        }
        service.ledger().fail_writes_after(-1);
        let history = service.history().map_err(|error| error.to_string())?;
        if !history.damaged.is_empty() {
            return Err(format!("damaged lines: {:?}", history.damaged));
        }
        let now = every_customer(&client).await;
        replay(&first, &history, &now)?;
        undos_keep_their_keys(&history)?;
    }

    // Undo every change set, newest first (those whose undo was cut short, again).
    let history = service.history().map_err(|error| error.to_string())?;
    let sets: Vec<u64> = history.sets.iter().map(|set| set.id).collect();
    for id in sets {
        let mut last_error = String::new();
        for _ in 0..8 {
            let history = service.history().map_err(|error| error.to_string())?;
            let Some(set) = history.set(id) else { break };
            if set.to_undo().is_empty() {
                break;
            }
            match service
                .undo(id, UndoScope::Remaining, false, &Cancel::default(), |_| {})
                .await
            {
                Ok(undone) if !undone.conflicts.is_empty() => {
                    let history = service.history().map_err(|error| error.to_string())?;
                    let sets: Vec<String> = history
                        .sets
                        .iter()
                        .map(|set| {
                            format!(
                                "{} {}: {:?}",
                                set.id,
                                set.line(),
                                set.entries
                                    .iter()
                                    .map(|(k, e)| (
                                        k,
                                        e.state,
                                        e.did().map(|d| format!("{d:?}")
                                            .chars()
                                            .take(30)
                                            .collect::<String>())
                                    ))
                                    .collect::<Vec<_>>()
                            )
                        })
                        .collect();
                    return Err(format!(
                        "undo of {id} met conflicts: {:?}; the ledger: {sets:#?}",
                        undone.conflicts
                    ));
                }
                Ok(_) => {
                    tally.undone_sets.fetch_add(1, Ordering::Relaxed);
                }
                // The store failed some requests: tried again.
                Err(error) => last_error = error.to_string(),
            }
        }
        let history = service.history().map_err(|error| error.to_string())?;
        if let Some(set) = history.set(id).filter(|set| !set.to_undo().is_empty()) {
            return Err(format!(
                "change set {id} could not be undone whole: {} ({last_error}); {:?}",
                set.line(),
                set.entries
            ));
        }
    }
    undos_keep_their_keys(&service.history().map_err(|error| error.to_string())?)?;
    let last = every_customer(&client).await;
    let (was, is) = (by_email(&first), by_email(&last));
    if was != is {
        let missing: Vec<&String> = was
            .keys()
            .filter(|email| !is.contains_key(*email))
            .collect();
        let extra: Vec<&String> = is
            .keys()
            .filter(|email| !was.contains_key(*email))
            .collect();
        let differ: Vec<&String> = was
            .iter()
            .filter(|(email, fields)| is.get(*email).is_some_and(|now| now != *fields))
            .map(|(email, _)| email)
            .collect();
        let history = service.history().map_err(|error| error.to_string())?;
        let sets: Vec<String> = history
            .sets
            .iter()
            .map(|set| {
                format!(
                    "{} {}: {:?}",
                    set.id,
                    set.line(),
                    set.entries
                        .iter()
                        .map(|(k, e)| (k, e.state, e.did().map(|d| d.customer_id())))
                        .collect::<Vec<_>>()
                )
            })
            .collect();
        return Err(format!(
            "undoing every change set did not bring the store back: missing {missing:?}, extra {extra:?}, different {differ:?}; the ledger: {sets:#?}"
        ));
    }
    store.stop().await;
    Ok(())
}

fn run_model(cases: u32, steps: usize) -> Tally {
    let tally = Tally::default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&prop::collection::vec(step(), steps), |steps| {
        runtime
            .block_on(run_case(steps, &tally))
            .map_err(proptest::test_runner::TestCaseError::fail)
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    tally
}

#[test]
fn random_changes_with_faults_are_all_in_the_ledger_and_all_undo() {
    let tally = run_model(16, 14);
    let steps = tally.steps.load(Ordering::Relaxed);
    assert!(steps >= 200, "{steps} steps");
    eprintln!(
        "model: {steps} steps, {} faults injected, {} undos at the end",
        tally.faults.load(Ordering::Relaxed),
        tally.undone_sets.load(Ordering::Relaxed)
    );
}

#[test]
#[ignore = "a long run: cargo test --test client model_long_run -- --ignored --nocapture"]
fn model_long_run() {
    let number = |name: &str, default: u32| {
        std::env::var(name)
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(default)
    };
    let started = std::time::Instant::now();
    let tally = run_model(
        number("MODEL_CASES", 200),
        number("MODEL_STEPS", 30) as usize,
    );
    println!(
        "model long run: {} steps, {} faults injected, {} undos at the end, {:.0} s",
        tally.steps.load(Ordering::Relaxed),
        tally.faults.load(Ordering::Relaxed),
        tally.undone_sets.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
}
