//! The local search index: a sync against a real sandbox equals the store field by field,
//! whatever other clients do meanwhile and however often the store fails; later syncs cost
//! a request or two; search finds parts of words, any order, without case or accents.

use std::sync::Arc;

use bc_customers::domain::{Customer, Filter};
use bc_customers::index::sync::{SyncReport, sync};
use bc_customers::index::{Counted, IndexQuery, LocalIndex, Sort, SortColumn};
use bc_customers::store::SharedStore;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::TestStore;

fn new_index(folder: &std::path::Path) -> Arc<LocalIndex> {
    Arc::new(LocalIndex::open(&folder.join("index").join("store.sqlite3")).expect("an index"))
}

async fn store_customers(client: &SharedStore) -> Vec<Customer> {
    let mut all = Vec::new();
    for page in 1.. {
        let customers = client
            .list(&Filter::default(), page, 250)
            .await
            .expect("a page")
            .customers;
        if customers.is_empty() {
            break;
        }
        all.extend(customers);
    }
    all
}

async fn synced(client: &SharedStore, index: &Arc<LocalIndex>) -> SyncReport {
    sync(client, index, |_| {}).await.expect("a sync")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_while_another_client_changes_the_store_ends_equal_to_it() {
    // Each answer takes a while, so that the changes land while the sync reads.
    let store = TestStore::start(|options| {
        options.seed = 1_500;
        options.latency = std::time::Duration::from_millis(30);
    })
    .await;
    let client = store.client();
    let folder = tempfile::tempdir().expect("a folder");
    let index = new_index(folder.path());
    let syncing = {
        let (client, index) = (client.clone(), index.clone());
        tokio::spawn(async move { synced(&client, &index).await })
    };
    // Meanwhile: creates, edits and deletes all over the id range.
    for n in 0..15i64 {
        store
            .create(
                json!({"first_name": "New", "last_name": format!("Comer{n}"),
                          "email": format!("new{n}@example.org")}),
            )
            .await;
        let edited = store
            .send_json(
                Method::PUT,
                &format!("/customers/{}", 7 + n * 97),
                &json!({"company": format!("Edited {n}")}),
            )
            .await;
        assert_eq!(edited.status(), StatusCode::OK);
        let deleted = store
            .request(Method::DELETE, &format!("/customers/{}", 50 + n * 89))
            .send()
            .await
            .expect("an answer");
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let first = syncing.await.expect("the sync task");
    assert!(first.first);
    // What changed after the first sync's reads is brought in by the next.
    synced(&client, &index).await;
    let held = index.all().expect("the index's customers");
    let on_store = store_customers(&client).await;
    assert_eq!(held.len(), on_store.len());
    for (held, stored) in held.iter().zip(&on_store) {
        assert_eq!(held, stored, "customer {} differs", stored.id);
    }
    // The file holds personal data: its owner's only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(index.path())
            .expect("the file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_against_a_failing_store_completes() {
    let store = TestStore::start(|options| {
        options.seed = 1_200;
        options.fail_rate = 0.3;
    })
    .await;
    let client = store.client();
    let folder = tempfile::tempdir().expect("a folder");
    let index = new_index(folder.path());
    let report = synced(&client, &index).await;
    assert_eq!(report.customers, 1_200);
    let reliable = bc_customers::api::v2::Client::new(
        &store.sandbox.api_url(),
        bc_customers::api::Auth::Token {
            token: bc_customers::domain::Secret::new(crate::common::TOKEN),
            client_id: None,
        },
        bc_customers::api::v2::ClientOptions {
            retries: 50,
            backoff: std::time::Duration::from_millis(5),
            ..Default::default()
        },
    )
    .expect("a client");
    let reliable: SharedStore = Arc::new(reliable);
    assert_eq!(
        index.all().expect("customers"),
        store_customers(&reliable).await
    );
}

#[tokio::test]
async fn an_index_an_older_version_left_does_not_sync_from_scratch_again() {
    let store = bc_customers::store::memory::MemoryStore::new("Shop");
    store.add_customers(30);
    let shared = store.shared();
    let folder = tempfile::tempdir().expect("a folder");
    let index = new_index(folder.path());
    assert!(synced(&shared, &index).await.first);
    // A key an older version wrote and this one does not read.
    let connection = rusqlite::Connection::open(index.path()).expect("the file");
    connection
        .execute(
            "INSERT INTO meta (key, value) VALUES ('first_sync_page', '3')",
            [],
        )
        .expect("an older key");
    let again = synced(&shared, &index).await;
    assert!(!again.first, "only what changed is read: {again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_off_first_sync_goes_on_from_the_page_it_stopped_at() {
    let store = TestStore::seeded(1_000).await;
    let client = store.client();
    let folder = tempfile::tempdir().expect("a folder");
    let index = new_index(folder.path());
    // The first 500 customers were kept before the store went away.
    let kept: Vec<Customer> = store_customers(&client)
        .await
        .into_iter()
        .take(500)
        .collect();
    let next = kept.last().expect("kept").id + 1;
    index.keep_range(&kept, next).expect("kept");
    let state = index.sync_state().expect("its state");
    index
        .set_sync_state(&bc_customers::index::SyncState {
            first_sync_started: Some(bc_customers::dates::now_unix()),
            ..state
        })
        .expect("kept");
    let before = client
        .stats()
        .requests
        .load(std::sync::atomic::Ordering::Relaxed);
    let report = synced(&client, &index).await;
    assert!(report.first);
    assert_eq!(report.customers, 1_000);
    // A count, the last page (for the highest id), the other 500 in three ranges and the
    // open one above them, the
    // groups, the changes since, the count to compare: not the first 500 again.
    let sent = client
        .stats()
        .requests
        .load(std::sync::atomic::Ordering::Relaxed)
        - before;
    assert_eq!(sent, 9, "{report:?}");
    assert_eq!(
        index.all().expect("customers"),
        store_customers(&client).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn later_syncs_cost_a_few_requests_and_find_deletions_by_counting() {
    let store = TestStore::seeded(3_000).await;
    let client = store.client();
    let folder = tempfile::tempdir().expect("a folder");
    let index = new_index(folder.path());
    synced(&client, &index).await;
    // Dates have whole seconds: let the clock pass the overlap.
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    let quiet = synced(&client, &index).await;
    // What changed since (nothing), the count, and the group names as they are now.
    assert_eq!((quiet.changed, quiet.removed, quiet.requests), (0, 0, 3));
    for id in [3, 400, 401, 999, 1_500, 2_001, 2_002, 2_003, 2_750, 3_000] {
        let response = store
            .request(Method::DELETE, &format!("/customers/{id}"))
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }
    let after = synced(&client, &index).await;
    assert_eq!((after.removed, after.customers), (10, 2_990));
    assert!(after.requests <= 60, "{after:?}");
    assert_eq!(
        index.all().expect("customers"),
        store_customers(&client).await
    );
}

#[tokio::test]
async fn search_finds_parts_of_words_in_any_order_without_case_or_accents() {
    let store = TestStore::empty().await;
    for (first, last, email, company, phone, notes) in [
        (
            "Hunter",
            "Smith",
            "hunter.smith@gmail.com",
            "",
            "+1 (555) 123-4567",
            "",
        ),
        (
            "Jürgen",
            "Müller",
            "jm@example.de",
            "Bäckerei Schmidt",
            "030 1234567",
            "",
        ),
        ("Li", "Wu", "li.wu@example.cn", "", "", "prefers email"),
        (
            "Anna",
            "Hunt",
            "anna@yahoo.com",
            "Hunting Supplies",
            "",
            "VIP since 2019",
        ),
    ] {
        store
            .create(
                json!({"first_name": first, "last_name": last, "email": email,
                          "company": company, "phone": phone, "notes": notes}),
            )
            .await;
    }
    let client = store.client();
    let folder = tempfile::tempdir().expect("a folder");
    let index = new_index(folder.path());
    synced(&client, &index).await;
    let found = |text: &str| -> Vec<String> {
        let query = IndexQuery {
            text: text.to_owned(),
            ..IndexQuery::default()
        };
        let names: Vec<String> = index
            .search(&query, 1, 250)
            .expect("a search")
            .iter()
            .map(|c| c.last_name.clone())
            .collect();
        assert_eq!(index.count(&query).expect("a count"), names.len() as u64);
        names
    };
    assert_eq!(found("hunter"), ["Smith"]);
    assert_eq!(found("HUNT"), ["Smith", "Hunt"]);
    assert_eq!(found("smith hunter"), ["Smith"], "any order");
    assert_eq!(found("hunt yahoo"), ["Hunt"], "every word must appear");
    assert_eq!(found("muller"), ["Müller"]);
    assert_eq!(found("MÜLLER"), ["Müller"]);
    assert_eq!(found("backerei"), ["Müller"]);
    assert_eq!(found("gmail"), ["Smith"]);
    assert_eq!(found("smith@gm"), ["Smith"]);
    assert_eq!(found("555-123"), ["Smith"]);
    assert_eq!(found("(555) 123"), ["Smith"], "a phone typed in groups");
    assert_eq!(found("555-12"), ["Smith"]);
    assert_eq!(found("555-23"), Vec::<String>::new(), "the groups count");
    assert_eq!(found("030 123"), ["Müller"]);
    assert_eq!(found("5551234567"), ["Smith"]);
    assert_eq!(found("4567"), ["Smith", "Müller"]);
    assert_eq!(
        found("li wu"),
        ["Wu"],
        "short words find the words they begin"
    );
    assert_eq!(
        found("hunter sm"),
        ["Smith"],
        "long and short words together"
    );
    assert_eq!(found("h"), ["Smith", "Hunt"]);
    assert_eq!(found("vip"), ["Hunt"], "notes are searched");
    let broad = IndexQuery {
        text: "h".into(),
        ..IndexQuery::default()
    };
    assert_eq!(
        index.count_at_most(&broad, 1).expect("a count"),
        Counted::MoreThan(1)
    );
    assert_eq!(
        index.count_at_most(&broad, 2).expect("a count"),
        Counted::Exactly(2)
    );
    assert_eq!(found("zzz"), Vec::<String>::new());
    // Every word counts, symbols and emoji too: one that is nowhere finds nothing.
    assert_eq!(found("🍕"), Vec::<String>::new());
    assert_eq!(found("hunter 🍕"), Vec::<String>::new());
    assert_eq!(found("- hunt"), ["Smith"], "only Smith's phone has a '-'");
    assert_eq!(found("@ wu"), ["Wu"]);
    assert_eq!(found("hunter zzz"), Vec::<String>::new());
    assert_eq!(
        found(""),
        ["Smith", "Müller", "Wu", "Hunt"],
        "nothing typed: everyone"
    );
    // Sorted by any column, either way.
    let sorted = |column, descending| -> Vec<String> {
        let query = IndexQuery {
            sort: Sort { column, descending },
            ..IndexQuery::default()
        };
        index
            .search(&query, 1, 2)
            .expect("a search")
            .iter()
            .map(|c| c.last_name.clone())
            .collect()
    };
    assert_eq!(sorted(SortColumn::Name, false), ["Hunt", "Müller"]);
    assert_eq!(sorted(SortColumn::Name, true), ["Wu", "Smith"]);
    assert_eq!(sorted(SortColumn::Email, false), ["Hunt", "Smith"]);
    // Blank companies and phones last, either way, across pages.
    let all_sorted = |column, descending| -> Vec<String> {
        let query = IndexQuery {
            sort: Sort { column, descending },
            ..IndexQuery::default()
        };
        (1..=2)
            .flat_map(|page| index.search(&query, page, 2).expect("a search"))
            .map(|c| c.last_name.clone())
            .collect()
    };
    assert_eq!(
        all_sorted(SortColumn::Company, false),
        ["Müller", "Hunt", "Smith", "Wu"]
    );
    assert_eq!(
        all_sorted(SortColumn::Company, true),
        ["Hunt", "Müller", "Wu", "Smith"]
    );
    assert_eq!(
        all_sorted(SortColumn::Phone, true),
        ["Müller", "Smith", "Hunt", "Wu"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn countries_come_from_the_addresses_read_and_find_their_customers() {
    let store = TestStore::seeded(120).await;
    let client = store.client();
    let folder = tempfile::tempdir().expect("a folder");
    let index = new_index(folder.path());
    synced(&client, &index).await;
    assert!(index.summary().expect("a summary").countries.is_empty());
    let read = bc_customers::index::sync::read_addresses(&client, &index, |_| {})
        .await
        .expect("addresses read");
    assert_eq!(read, 120);
    // Once read, not again.
    let again = bc_customers::index::sync::read_addresses(&client, &index, |_| {})
        .await
        .expect("nothing to read");
    assert_eq!(again, 0);
    // The store's own addresses, country by country.
    let mut by_country: std::collections::BTreeMap<String, std::collections::BTreeSet<i64>> =
        Default::default();
    for customer in store_customers(&client).await {
        for address in client.addresses(customer.id).await.expect("addresses") {
            by_country
                .entry(address.country)
                .or_default()
                .insert(customer.id);
        }
    }
    let summary = index.summary().expect("a summary");
    assert_eq!(summary.addresses_read, 120);
    assert!(!summary.countries.is_empty());
    for row in &summary.countries {
        let customers = &by_country[&row.label];
        assert_eq!(row.count, customers.len() as u64, "{}", row.label);
        let query = IndexQuery {
            facet: Some(row.facet.clone()),
            ..IndexQuery::default()
        };
        assert_eq!(
            index.ids(&query).expect("ids"),
            customers.iter().copied().collect::<Vec<_>>()
        );
    }
    // A customer deleted takes its addresses out of the counts.
    let (country, customers) = by_country.iter().next().expect("a country");
    let gone = *customers.iter().next().expect("a customer");
    client.delete(gone).await.expect("deleted");
    synced(&client, &index).await;
    let after = index.summary().expect("a summary");
    let count = after
        .countries
        .iter()
        .find(|row| &row.label == country)
        .map_or(0, |row| row.count);
    assert_eq!(count, customers.len() as u64 - 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_edit_of_what_a_search_found_changes_exactly_those_by_id() {
    use bc_customers::jobs::update::BulkChange;
    use bc_customers::worker::{Chosen, Command, Outcome, Read, Slot, Write};

    let store = TestStore::seeded(60).await;
    for n in 0..4 {
        store
            .create(
                json!({"first_name": "Quinn", "last_name": format!("Ørsted{n}"),
                          "email": format!("q{n}@orsted.example")}),
            )
            .await;
    }
    let client = store.client();
    let before = store_customers(&client).await;
    let mut setup = store.setup();
    setup.index = true;
    let (worker, mut events, _task) = bc_customers::worker::spawn(client.clone(), setup);
    worker.send(Command::SyncIndex { request: 9 });
    loop {
        match events.recv().await.expect("an answer").result {
            Ok(Outcome::IndexSynced(_)) => break,
            Ok(_) => {}
            Err(failure) => panic!("{failure}"),
        }
    }
    let identity = client.identity().await.expect("its identity");
    let index = LocalIndex::open(&store.places().index(&identity)).expect("the index");
    let query = IndexQuery {
        text: "orsted".into(),
        ..IndexQuery::default()
    };
    // One of the four unmarked after marking every match.
    let except = index.ids(&query).expect("ids")[..1].to_vec();
    let chosen = Chosen::Found {
        query,
        except: except.clone(),
    };
    let change = BulkChange {
        add_store_credit: Some(7.into()),
        ..BulkChange::default()
    };
    worker.send(Command::Read {
        request: 1,
        slot: Slot::BulkReview,
        read: Read::BulkReview {
            chosen,
            change: change.clone(),
        },
    });
    let review = events.recv().await.expect("an answer");
    let Ok(Outcome::BulkReview(review)) = review.result else {
        panic!("a review: {:?}", review.result)
    };
    assert_eq!(review.customers, 3);
    worker.send(Command::Write {
        request: 2,
        write: Write::UpdateCustomers {
            ids: review.ids.clone(),
            change,
            cancel: Default::default(),
        },
    });
    loop {
        let event = events.recv().await.expect("an answer");
        match event.result {
            Ok(Outcome::UpdatedCustomers(updated)) => {
                assert_eq!(updated.report.done, 3);
                break;
            }
            Ok(Outcome::Progress(_)) => {}
            other => panic!("{other:?}"),
        }
    }
    for (now, was) in store_customers(&client).await.iter().zip(&before) {
        if now.last_name.starts_with("Ørsted") && !except.contains(&now.id) {
            assert_eq!(
                now.store_credit,
                was.store_credit + rust_decimal::Decimal::from(7)
            );
        } else {
            assert_eq!(now, was, "customer {} was left alone", now.id);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broad_search_sorted_by_a_column_pages_in_that_order() {
    let store = TestStore::seeded(1_500).await;
    let client = store.client();
    let folder = tempfile::tempdir().expect("a folder");
    let index = new_index(folder.path());
    synced(&client, &index).await;
    for (text, column, descending) in [
        ("e", SortColumn::Name, true),
        ("example", SortColumn::StoreCredit, false),
        ("example", SortColumn::Created, true),
        ("e", SortColumn::Email, false),
    ] {
        let query = IndexQuery {
            text: text.into(),
            sort: Sort { column, descending },
            ..IndexQuery::default()
        };
        assert!(
            index.count(&query).expect("a count") > 1_000,
            "{text} is broad"
        );
        // Every match, sorted here as SQLite's NOCASE does (ASCII letters folded), id last.
        let mut all: Vec<Customer> = Vec::new();
        index
            .each::<bc_customers::index::IndexError>(
                &IndexQuery {
                    sort: Sort::default(),
                    ..query.clone()
                },
                None,
                |batch| {
                    all.extend(batch);
                    Ok(())
                },
            )
            .expect("every match");
        let key = |c: &Customer| match column {
            SortColumn::Name => format!("{} {}", c.last_name, c.first_name)
                .trim()
                .to_ascii_lowercase(),
            SortColumn::Email => c.email.to_ascii_lowercase(),
            SortColumn::StoreCredit => format!("{:020.4}", c.store_credit),
            _ => format!("{:020}", c.created_at().unwrap_or(0)),
        };
        all.sort_by(|a, b| key(a).cmp(&key(b)).then(a.id.cmp(&b.id)));
        if descending {
            all.reverse();
        }
        for page in [1, 3] {
            let shown: Vec<i64> = index
                .search(&query, page, 50)
                .expect("a page")
                .iter()
                .map(|c| c.id)
                .collect();
            let expected: Vec<i64> = all
                .iter()
                .skip((page as usize - 1) * 50)
                .take(50)
                .map(|c| c.id)
                .collect();
            assert_eq!(shown, expected, "{text} by {column:?}, page {page}");
        }
    }
}

#[tokio::test]
async fn an_index_with_older_words_has_them_made_again_without_asking_the_store() {
    let store = TestStore::empty().await;
    store
        .create(
            json!({"first_name": "Ada", "last_name": "Lee", "email": "ada@example.com",
                       "phone": "555-0123"}),
        )
        .await;
    let client = store.client();
    let folder = tempfile::tempdir().expect("a folder");
    let path = folder.path().join("index").join("store.sqlite3");
    let index = new_index(folder.path());
    synced(&client, &index).await;
    drop(index);
    // As an older version left it: words made the older way (here: none at all).
    let older = rusqlite::Connection::open(&path).expect("the file");
    older
        .execute_batch(
            "UPDATE meta SET value = '1' WHERE key = 'words';
             INSERT INTO customer_parts(customer_parts) VALUES ('delete-all');
             INSERT INTO customer_starts(customer_starts) VALUES ('delete-all');",
        )
        .expect("made older");
    drop(older);
    let requests = client
        .stats()
        .requests
        .load(std::sync::atomic::Ordering::Relaxed);
    let index = LocalIndex::open(&path).expect("opened");
    let query = IndexQuery {
        text: "555-01".into(),
        ..IndexQuery::default()
    };
    let found = index.search(&query, 1, 10).expect("a search");
    assert_eq!(found.len(), 1);
    assert_eq!(
        client
            .stats()
            .requests
            .load(std::sync::atomic::Ordering::Relaxed),
        requests,
        "nothing asked of the store"
    );
}

#[tokio::test]
async fn the_store_filter_narrows_a_search_and_a_sort_in_the_index() {
    let store = TestStore::seeded(300).await;
    let client = store.client();
    let folder = tempfile::tempdir().expect("a folder");
    let index = new_index(folder.path());
    synced(&client, &index).await;
    let filter = Filter {
        customer_group_id: Some(3),
        ..Filter::default()
    };
    let on_store = store.list_all("?customer_group_id=3").await;
    let by_credit = IndexQuery {
        filter: filter.clone(),
        sort: Sort {
            column: SortColumn::StoreCredit,
            descending: true,
        },
        ..IndexQuery::default()
    };
    let found = index.search(&by_credit, 1, 250).expect("a search");
    assert_eq!(found.len(), on_store.len());
    assert!(found.iter().all(|c| c.customer_group_id == 3));
    assert!(
        found
            .windows(2)
            .all(|two| two[0].store_credit >= two[1].store_credit)
    );
    assert_eq!(
        index.count(&by_credit).expect("a count"),
        on_store.len() as u64
    );

    // Text filters match whole values in any case, as the store's do; with words typed too.
    let company = on_store
        .iter()
        .find_map(|c| c["company"].as_str().filter(|c| !c.is_empty()))
        .expect("a company in group 3")
        .to_owned();
    let same_company = IndexQuery {
        filter: Filter {
            company: Some(company.to_uppercase()),
            ..filter.clone()
        },
        ..IndexQuery::default()
    };
    let expected = store
        .list_all(&format!(
            "?customer_group_id=3&company={}",
            company.replace(' ', "%20").replace('&', "%26")
        ))
        .await;
    assert_eq!(
        index.count(&same_company).expect("a count"),
        expected.len() as u64
    );
    let nobody = IndexQuery {
        text: "zzzz".into(),
        ..same_company
    };
    assert_eq!(index.count(&nobody).expect("a count"), 0);
}

#[tokio::test]
async fn a_store_that_counts_more_than_it_lists_is_said_after_a_sync() {
    let store = bc_customers::store::memory::MemoryStore::new("Shop");
    store.add_customers(30);
    let client = store.shared();
    let folder = tempfile::tempdir().expect("a folder");
    let index = new_index(folder.path());
    assert_eq!(synced(&client, &index).await.unlisted, 0);
    store.count_more_than_listed(4);
    let report = synced(&client, &index).await;
    assert_eq!(report.unlisted, 4);
    assert_eq!(report.customers, 30, "the index holds those it lists");
}
