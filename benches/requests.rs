//! Requests per customer of each bulk job, as the jobs count them (reviews and backups
//! included), against a sandbox limited to 30 requests every 5 s (150 per 30 s, a Standard
//! plan's quota): what a job costs is what it sends.
//!
//! `cargo bench --bench requests` (BENCH_CUSTOMERS, default 300: about 5 minutes).

use std::time::Instant;

use bc_customers::domain::Filter;
use bc_customers::jobs::review::{Selection, review as review_delete};
use bc_customers::jobs::undo::UndoScope;
use bc_customers::jobs::update::{BulkChange, review as review_update};
use bc_customers::jobs::{Cancel, Service};
use bc_customers::paths::Places;
use bc_customers::store::counted::counted;
use rust_decimal::Decimal;

#[path = "limited_store/mod.rs"]
#[allow(dead_code)] // each bench uses its own part of it
mod limited_store;

struct Line {
    job: &'static str,
    customers: u64,
    requests: u64,
    seconds: f64,
}

fn print(line: &Line) {
    println!(
        "{:<48} {:>9} {:>9} {:>13.3} {:>9.1}",
        line.job,
        line.customers,
        line.requests,
        line.requests as f64 / line.customers.max(1) as f64,
        line.seconds
    );
}

#[tokio::main]
async fn main() {
    let store = limited_store::LimitedStore::start(300).await;
    let customers = store.customers;
    let places = Places::in_folder(store.folder.path().join("data"));
    let service = Service::open(store.client.clone(), &places, "bench")
        .await
        .expect("the service");
    println!(
        "{customers} customers, rate limit {}/{} s; requests as each job counts them, its review included",
        store.limit.quota,
        store.limit.window.as_secs()
    );
    println!(
        "{:<48} {:>9} {:>9} {:>13} {:>9}",
        "job", "customers", "requests", "per customer", "seconds"
    );
    let every = Selection::Matching {
        filter: Filter::default(),
        except: Vec::new(),
    };
    let cancel = Cancel::default();

    // A bulk edit of every customer: review (pages), backup (pages), fresh pages, a PUT each.
    let add = BulkChange {
        add_store_credit: Some(Decimal::ONE),
        ..BulkChange::default()
    };
    let started = Instant::now();
    let ((reviewed, updated), requests) = counted(async {
        let reviewed = review_update(&store.client, &every, &add)
            .await
            .expect("a review");
        let updated = service
            .bulk_edit(&reviewed.ids, &add, &cancel, |_| {})
            .await
            .expect("a bulk edit");
        (reviewed, updated)
    })
    .await;
    assert_eq!(updated.report.done, customers);
    let edit = updated.change_set;
    print(&Line {
        job: "update --add-store-credit 1 (every customer)",
        customers: reviewed.customers,
        requests,
        seconds: started.elapsed().as_secs_f64(),
    });

    // The same value again: nothing to send.
    let mut same = BulkChange::default();
    same.set_field("tax_exempt_category=wholesale")
        .expect("a change");
    service
        .bulk_edit(&reviewed.ids, &same, &cancel, |_| {})
        .await
        .expect("set once");
    let started = Instant::now();
    let ((reviewed, updated), requests) = counted(async {
        let reviewed = review_update(&store.client, &every, &same)
            .await
            .expect("a review");
        let updated = service
            .bulk_edit(&reviewed.ids, &same, &cancel, |_| {})
            .await
            .expect("a bulk edit");
        (reviewed, updated)
    })
    .await;
    assert_eq!(updated.already_so, customers);
    print(&Line {
        job: "update where every customer has the value",
        customers: reviewed.customers,
        requests,
        seconds: started.elapsed().as_secs_f64(),
    });

    // A scattered selection: every tenth customer, as marks or a search give it.
    let scattered: Vec<i64> = (1..=customers as i64).filter(|id| id % 10 == 0).collect();
    let started = Instant::now();
    let ((reviewed, updated), requests) = counted(async {
        let marked = Selection::Ids(scattered.clone());
        let reviewed = review_update(&store.client, &marked, &add)
            .await
            .expect("a review");
        let updated = service
            .bulk_edit(&reviewed.ids, &add, &cancel, |_| {})
            .await
            .expect("a bulk edit");
        (reviewed, updated)
    })
    .await;
    assert_eq!(updated.report.done, scattered.len() as u64);
    print(&Line {
        job: "update of every tenth customer (marked)",
        customers: reviewed.customers,
        requests,
        seconds: started.elapsed().as_secs_f64(),
    });

    // Undo of the first bulk edit: fresh pages, a PUT each.
    let started = Instant::now();
    let undone = service
        .undo(edit, UndoScope::Remaining, false, &cancel, |_| {})
        .await
        .expect("an undo");
    print(&Line {
        job: "undo of the first update",
        customers: undone.report.done + undone.conflicts.len() as u64,
        requests: undone.report.requests,
        seconds: started.elapsed().as_secs_f64(),
    });
    assert!(undone.conflicts.is_empty(), "{}", undone.summary());

    // A delete of half the store by a filter of ids, and its undo (with addresses).
    let half = Selection::Matching {
        filter: Filter {
            max_id: Some(customers as i64 / 2),
            ..Filter::default()
        },
        except: Vec::new(),
    };
    let started = Instant::now();
    let (deleted, requests) = counted(async {
        let reviewed = review_delete(&store.client, &half).await.expect("a review");
        service
            .delete(&reviewed, &cancel, |_| {})
            .await
            .expect("a delete")
    })
    .await;
    print(&Line {
        job: "delete of half the store (backup with addresses)",
        customers: deleted.report.done,
        requests,
        seconds: started.elapsed().as_secs_f64(),
    });
    let started = Instant::now();
    let restored = service
        .undo(
            deleted.change_set,
            UndoScope::Remaining,
            false,
            &cancel,
            |_| {},
        )
        .await
        .expect("an undo");
    print(&Line {
        job: "undo of the delete (customers and addresses)",
        customers: restored.report.done,
        requests: restored.report.requests,
        seconds: started.elapsed().as_secs_f64(),
    });
}
