//! The API client against a sandbox store over real HTTP: every endpoint, errors a person can
//! act on, and whole exports that survive failures, latency and a tight rate limit.

use crate::common;

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bc_customers::api::Auth;
use bc_customers::api::v2::{Client, ClientOptions};
use bc_customers::domain::{Filter, Secret};
use bc_customers::jobs::Progress;
use bc_customers::jobs::export::{ExportFormat, ExportSpec, export};
use bc_customers::sandbox::RateLimit;
use bc_customers::store::ApiError;
use bc_customers::store::Store;
use common::{TOKEN, TestStore, change, new_customer};
use futures::StreamExt;
use serde_json::{Value, json};

#[tokio::test]
async fn every_endpoint_round_trips() {
    let store = TestStore::seeded(30).await;
    let client = store.client();

    let mut filter = Filter::default();
    assert_eq!(client.count(&filter).await.expect("a count"), 30);
    let page = client.list(&filter, 2, 10).await.expect("a page");
    assert_eq!(
        page.customers.iter().map(|c| c.id).collect::<Vec<_>>(),
        (11..=20).collect::<Vec<_>>()
    );
    assert!(
        client
            .list(&filter, 9, 10)
            .await
            .expect("past the end")
            .customers
            .is_empty(),
        "204 is an empty page"
    );

    let created = client
        .create(&new_customer(
            json!({"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com",
            "store_credit": "2.5", "_authentication": {"password": "secret12"}}),
        ))
        .await
        .expect("created");
    assert_eq!(created.id, 31);
    assert_eq!(created.store_credit.to_string(), "2.5000");
    let v2 = store.v2_client();
    assert!(v2.validate_password(31, "secret12").await.expect("checked"));
    assert!(!v2.validate_password(31, "secret13").await.expect("checked"));

    let updated = client
        .update(31, &change(json!({"company": "Lee & Co"})))
        .await
        .expect("updated");
    assert_eq!(updated.company, "Lee & Co");
    assert_eq!(updated.email, "ann@example.com");
    assert_eq!(client.get(31).await.expect("fetched"), updated);

    filter.set("company", "lee & co").expect("a filter");
    assert_eq!(client.count(&filter).await.expect("a count"), 1);
    client.delete(31).await.expect("deleted");
    assert_eq!(client.get(31).await.unwrap_err().status(), Some(404));

    let mut group = Filter::default();
    group.set("customer_group_id", "0").expect("a filter");
    group.set("max_id", "20").expect("a filter");
    let before = client.count(&group).await.expect("a count");
    assert!(before > 0);
    assert_eq!(
        v2.delete_matching(&group).await.expect("bulk delete"),
        before
    );
    assert_eq!(client.count(&group).await.expect("a count"), 0);
    assert_eq!(
        client.count(&Filter::default()).await.expect("a count"),
        30 - before
    );
}

#[tokio::test]
async fn errors_name_the_field_and_say_what_to_do() {
    let store = TestStore::seeded(2).await;
    let client = store.client();
    let first = client.get(1).await.expect("a customer");
    let duplicate = client
        .create(&new_customer(
            json!({"first_name": "A", "last_name": "B", "email": first.email.to_uppercase()}),
        ))
        .await
        .unwrap_err();
    assert_eq!(duplicate.status(), Some(409));
    assert_eq!(duplicate.field(), Some("email"));
    let invalid = client
        .update(
            1,
            &bc_customers::domain::CustomerChange::set(
                bc_customers::domain::Field::StoreCredit,
                bc_customers::domain::Value::Amount(rust_decimal::Decimal::new(-5, 0)),
            ),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (invalid.status(), invalid.field()),
        (Some(400), Some("store_credit"))
    );

    let wrong = Client::new(
        &store.sandbox.api_url(),
        Auth::Token {
            token: Secret::new("not-the-token"),
            client_id: None,
        },
        ClientOptions::default(),
    )
    .expect("a client");
    let refused = wrong.count(&Filter::default()).await.unwrap_err();
    assert_eq!(refused.status(), Some(401));
    assert!(refused.to_string().contains("check the access token"));
    assert!(!refused.to_string().contains("not-the-token"));

    let legacy = Client::new(
        &store.sandbox.legacy_api_url(),
        Auth::Basic {
            username: "admin".into(),
            api_key: Secret::new(TOKEN),
        },
        ClientOptions::default(),
    )
    .expect("a client");
    assert_eq!(legacy.count(&Filter::default()).await.expect("a count"), 2);

    let nowhere = Client::new(
        "http://127.0.0.1:9/api/v2",
        Auth::Token {
            token: Secret::new("hidden-token"),
            client_id: None,
        },
        ClientOptions {
            retries: 1,
            backoff: Duration::from_millis(5),
            ..ClientOptions::default()
        },
    )
    .expect("a client");
    let down = nowhere.count(&Filter::default()).await.unwrap_err();
    assert!(matches!(down, ApiError::Network(_)), "{down:?}");
    assert!(!down.to_string().contains("hidden-token"));
    assert!(
        down.to_string().ends_with(": connection refused"),
        "says where and why in a few words: {down}"
    );
}

#[tokio::test]
async fn creates_are_not_retried_blindly() {
    let store = TestStore::start(|options| options.fail_rate = 1.0).await;
    let client = store.client();
    let error = client
        .create(&new_customer(
            json!({"first_name": "A", "last_name": "B", "email": "a@example.com"}),
        ))
        .await
        .unwrap_err();
    assert!(matches!(error.status(), Some(500 | 503)), "{error}");
    assert_eq!(
        client.stats().requests.load(Ordering::Relaxed),
        1,
        "sent once"
    );
    // Reads are retried, then give up with the store's answer.
    let error = client.count(&Filter::default()).await.unwrap_err();
    assert!(matches!(error.status(), Some(500 | 503)));
    assert_eq!(client.stats().requests.load(Ordering::Relaxed), 1 + 6);
}

#[tokio::test]
async fn customers_read_by_id_cost_a_request_per_span_of_ids() {
    let store = TestStore::seeded(320).await;
    let client = store.client();
    store
        .request(reqwest::Method::DELETE, "/customers/17")
        .send()
        .await
        .expect("deleted");
    let requests = || client.stats().requests.load(Ordering::Relaxed);

    // A filter's 300 customers, one gone: two pages of id ranges.
    let ids: Vec<i64> = (1..=300).collect();
    let read = client.read_many(&ids).await.expect("read");
    assert_eq!(read.len(), 299);
    assert!(read.iter().all(|c| c.id != 17 && c.id <= 300));
    assert!(
        read.windows(2).all(|two| two[0].id < two[1].id),
        "in id order"
    );
    assert_eq!(requests(), 2);

    // Scattered ids, each its own request; only the ones asked for come back.
    let read = client.read_many(&[5, 320, 5, 40]).await.expect("read");
    assert_eq!(
        read.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![5, 40, 320]
    );
    assert_eq!(requests(), 2 + 2, "5 and 40 share a span; 320 alone");
}

/// The export the scripting command runs: 2,000 customers through a store that fails a fifth
/// of its requests, answers slowly and has a tight quota — every customer once, in id order,
/// and no 429 reaches the caller.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_export_survives_failures_latency_and_rate_limits() {
    let store = TestStore::start(|options| {
        options.seed = 2_000;
        options.fail_rate = 0.2;
        options.latency = Duration::from_millis(20);
        options.rate_limit = RateLimit {
            quota: 6,
            window: Duration::from_millis(300),
        };
    })
    .await;
    let client = store.client();
    let mut out = Vec::new();
    let mut reports = Vec::new();
    let written = export(
        &client,
        &ExportSpec {
            filter: Filter::default(),
            format: ExportFormat::Ndjson,
            with_addresses: false,
        },
        &mut out,
        std::path::Path::new("memory"),
        |p: Progress| reports.push((p.done, p.total)),
    )
    .await
    .expect("a whole export");
    assert_eq!(written, 2_000);
    let ids: Vec<i64> = String::from_utf8(out)
        .expect("text")
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).expect("a customer")["id"]
                .as_i64()
                .expect("an id")
        })
        .collect();
    assert_eq!(ids, (1..=2_000).collect::<Vec<_>>());
    assert_eq!(reports.last(), Some(&(2_000, 2_000)));
    // Enough further requests that the injected faults are surely met (0.8^40 ≈ 1e-4 per
    // 40 calls of never failing), and every one still succeeds.
    for _ in 0..40 {
        assert_eq!(
            client
                .count(&Filter::default())
                .await
                .expect("a count despite failures"),
            2_000
        );
    }
    let stats = client.stats();
    assert!(
        stats.retried.load(Ordering::Relaxed) > 0,
        "the faults were met"
    );
    assert_eq!(
        stats.rate_limited.load(Ordering::Relaxed),
        0,
        "paced under the quota"
    );
    println!(
        "requests {}, retried {}, 429s {}",
        stats.requests.load(Ordering::Relaxed),
        stats.retried.load(Ordering::Relaxed),
        stats.rate_limited.load(Ordering::Relaxed)
    );
}

#[tokio::test]
async fn pacing_keeps_sequential_work_under_the_quota() {
    let store = TestStore::start(|options| {
        options.seed = 5;
        options.rate_limit = RateLimit {
            quota: 5,
            window: Duration::from_millis(400),
        };
    })
    .await;
    let client = store.client();
    for _ in 0..16 {
        client.get(1).await.expect("a customer");
    }
    assert_eq!(
        client.stats().rate_limited.load(Ordering::Relaxed),
        0,
        "paced, never refused"
    );
    let budget = client.rate_budget();
    assert_eq!(budget.quota, Some(5));
}

#[tokio::test]
async fn all_pages_come_in_order_with_bounded_concurrency() {
    let store = TestStore::seeded(1_100).await;
    let client = store.client();
    let mut filter = Filter::default();
    filter.set("min_id", "100").expect("a filter");
    let (total, pages) = client.all_pages(&filter, 3).await.expect("pages");
    assert_eq!(total, 1_001);
    let pages: Vec<_> = pages.collect().await;
    let ids: Vec<i64> = pages
        .into_iter()
        .flat_map(|page| page.expect("a page"))
        .map(|c| c.id)
        .collect();
    assert_eq!(ids.len(), 1_001);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 1_001);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));

    let mut csv = Vec::new();
    let written = export(
        &client,
        &ExportSpec {
            filter: filter.clone(),
            format: ExportFormat::Csv,
            with_addresses: false,
        },
        &mut csv,
        std::path::Path::new("memory"),
        |_| {},
    )
    .await
    .expect("an export");
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    assert_eq!(reader.headers().expect("a header").get(0), Some("id"));
    assert_eq!(reader.records().count() as u64, written);
    let mut json = Vec::new();
    export(
        &client,
        &ExportSpec {
            filter: filter.clone(),
            format: ExportFormat::Json,
            with_addresses: false,
        },
        &mut json,
        std::path::Path::new("memory"),
        |_| {},
    )
    .await
    .expect("an export");
    let parsed: Vec<Value> = serde_json::from_slice(&json).expect("a JSON array");
    assert_eq!(parsed.len(), 1_001);
}

#[tokio::test]
async fn a_store_that_is_down_is_said_at_once_and_a_silent_one_within_the_deadline() {
    // Refused: tried three times in all, a moment apart, however many retries 5xx answers get.
    let nowhere = Client::new(
        "http://127.0.0.1:9/api/v2",
        Auth::Token {
            token: Secret::new("t"),
            client_id: None,
        },
        ClientOptions::default(),
    )
    .expect("a client");
    let down = nowhere.count(&Filter::default()).await.unwrap_err();
    assert!(down.to_string().ends_with("connection refused"), "{down}");
    assert_eq!(nowhere.stats().requests.load(Ordering::Relaxed), 3);

    // A store that takes connections and never answers: given up on at the deadline, after
    // as many attempts as fit in it rather than every retry.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("its address");
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counted = std::sync::Arc::clone(&accepted);
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::Relaxed);
            held.push(socket);
        }
    });
    let slow = Client::new(
        &format!("http://{address}/api/v2"),
        Auth::Token {
            token: Secret::new("t"),
            client_id: None,
        },
        ClientOptions {
            timeout: Duration::from_millis(400),
            deadline: Duration::from_millis(1_000),
            backoff: Duration::from_millis(5),
            ..ClientOptions::default()
        },
    )
    .expect("a client");
    let error = slow.count(&Filter::default()).await.unwrap_err();
    assert!(matches!(error, ApiError::Timeout(_)), "{error:?}");
    let attempts = slow.stats().requests.load(Ordering::Relaxed);
    assert!((2..=3).contains(&attempts), "{attempts} attempts");
    silent.abort();
}
