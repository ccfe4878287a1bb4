//! The sandbox on the wire: credentials, content negotiation, methods, rate limits, injected
//! faults and latency, and hostile requests that must never break it.

use crate::common;

use std::time::{Duration, Instant};

use bc_customers::sandbox::RateLimit;
use common::{TOKEN, TestStore, error_message, start_on};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn refuses_missing_or_wrong_credentials_with_401() {
    let store = TestStore::seeded(3).await;
    let url = store.url("/customers");
    let attempts = [
        store.http.get(&url),
        store.http.get(&url).header("X-Auth-Token", "wrong"),
        store.http.get(&url).header("X-Auth-Token", ""),
        store.http.get(&url).basic_auth("admin", Some("wrong")),
        store
            .http
            .get(&url)
            .header("Authorization", "Basic !!!not-base64"),
        store
            .http
            .get(&url)
            .header("Authorization", format!("Bearer {TOKEN}")),
    ];
    for attempt in attempts {
        let (status, _) = error_message(attempt.send().await.expect("an answer")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let unauthorised_write = store.http.delete(&url).send().await.expect("an answer");
    assert_eq!(unauthorised_write.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        store.count("").await,
        3,
        "nothing changes without credentials"
    );
    let legacy = store
        .http
        .get(&url)
        .basic_auth("anyone", Some(TOKEN))
        .send()
        .await
        .expect("an answer");
    assert_eq!(legacy.status(), StatusCode::OK);
    // X-Auth-Client is sent by older clients and ignored.
    let with_client = store
        .request(Method::GET, "/customers/1")
        .header("X-Auth-Client", "abc")
        .send()
        .await;
    assert_eq!(with_client.expect("an answer").status(), StatusCode::OK);
}

#[tokio::test]
async fn answers_405_406_415_and_413_like_the_service() {
    let store = TestStore::seeded(3).await;
    let cases = [
        (Method::PATCH, "/customers", "GET, HEAD, POST, DELETE"),
        (Method::PUT, "/customers", "GET, HEAD, POST, DELETE"),
        (Method::POST, "/customers/count", "GET, HEAD"),
        (Method::DELETE, "/customers/count", "GET, HEAD"),
        (Method::POST, "/customers/1", "GET, HEAD, PUT, DELETE"),
        (Method::GET, "/customers/1/validate", "POST"),
    ];
    for (method, path, allow) in cases {
        let response = store
            .request(method.clone(), path)
            .send()
            .await
            .expect("an answer");
        assert_eq!(
            response
                .headers()
                .get("allow")
                .and_then(|v| v.to_str().ok()),
            Some(allow),
            "{method} {path}"
        );
        let (status, _) = error_message(response).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
    }

    let xml = store
        .http
        .get(store.url("/customers"))
        .header("X-Auth-Token", TOKEN)
        .header("Accept", "application/xml");
    assert_eq!(
        error_message(xml.send().await.expect("an answer")).await.0,
        StatusCode::NOT_ACCEPTABLE
    );
    for accept in ["*/*", "application/*", "text/html, application/json;q=0.5"] {
        let response = store
            .http
            .get(store.url("/customers/1"))
            .header("X-Auth-Token", TOKEN)
            .header("Accept", accept);
        assert_eq!(
            response.send().await.expect("an answer").status(),
            StatusCode::OK,
            "{accept}"
        );
    }

    let body = r#"{"first_name":"A","last_name":"B","email":"a@example.com"}"#;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = store.request(Method::POST, "/customers").body(body);
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        let (status, _) = error_message(request.send().await.expect("an answer")).await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
    }
    let charset = store
        .request(Method::POST, "/customers")
        .header("Content-Type", "application/json; charset=utf-8");
    assert_eq!(
        charset.body(body).send().await.expect("an answer").status(),
        StatusCode::CREATED
    );

    let huge = format!(
        r#"{{"first_name":"A","last_name":"B","email":"big@example.com","notes":"{}"}}"#,
        "n".repeat(1_100_000)
    );
    let response = store
        .request(Method::POST, "/customers")
        .header("Content-Type", "application/json")
        .body(huge);
    assert_eq!(
        error_message(response.send().await.expect("an answer"))
            .await
            .0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(store.count("").await, 4);
}

#[tokio::test]
async fn every_answer_carries_rate_limit_headers_and_429_past_the_quota() {
    let store = TestStore::start(|options| {
        options.seed = 2;
        options.rate_limit = RateLimit {
            quota: 5,
            window: Duration::from_millis(1500),
        };
    })
    .await;
    let mut lefts = Vec::new();
    for _ in 0..5 {
        let response = store.get("/customers/1").await;
        assert_eq!(response.status(), StatusCode::OK);
        let header = |name: &str| -> u64 {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .expect(name)
        };
        assert_eq!(header("x-rate-limit-requests-quota"), 5);
        assert_eq!(header("x-rate-limit-time-window-ms"), 1500);
        assert!(header("x-rate-limit-time-reset-ms") <= 1500);
        lefts.push(header("x-rate-limit-requests-left"));
    }
    assert_eq!(lefts, vec![4, 3, 2, 1, 0]);
    let refused = store.get("/customers/1").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = refused.headers()["x-retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let reset_ms: u64 = refused.headers()["x-rate-limit-time-reset-ms"]
        .to_str()
        .expect("text")
        .parse()
        .expect("ms");
    let (status, _) = error_message(refused).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // A refused write changes nothing.
    let write = store
        .send_json(Method::DELETE, "/customers/1", &json!({}))
        .await;
    assert_eq!(write.status(), StatusCode::TOO_MANY_REQUESTS);
    // Errors carry the headers too.
    let unauthorised = store
        .http
        .get(store.url("/customers"))
        .send()
        .await
        .expect("an answer");
    assert!(
        unauthorised
            .headers()
            .contains_key("x-rate-limit-requests-left")
    );

    tokio::time::sleep(Duration::from_millis(reset_ms + 50)).await;
    assert_eq!(
        store.get("/customers/1").await.status(),
        StatusCode::OK,
        "the window turned and customer 1 is still there"
    );
}

#[tokio::test]
async fn injected_failures_answer_500_or_503_and_change_nothing() {
    let folder = tempfile::tempdir().expect("a folder");
    let db = folder.path().join("store.sqlite3");
    let failing = start_on(db.clone(), |options| {
        options.seed = 10;
        options.fail_rate = 1.0;
    })
    .await;
    let http = common::client();
    let mut statuses = std::collections::BTreeSet::new();
    for attempt in 0..30 {
        let response = http
            .post(format!("{}/customers", failing.api_url()))
            .header("X-Auth-Token", TOKEN)
            .json(&json!({"first_name": "A", "last_name": "B", "email": format!("a{attempt}@example.com")}))
            .send()
            .await
            .expect("an answer");
        statuses.insert(response.status().as_u16());
        let body: Value = response.json().await.expect("an error body");
        assert!(body[0]["message"].is_string());
    }
    assert_eq!(statuses.into_iter().collect::<Vec<_>>(), vec![500, 503]);
    failing.shutdown().await.expect("a clean shutdown");

    let healthy = start_on(db, |options| options.fail_rate = 0.0).await;
    assert_eq!(
        healthy.customers_at_start(),
        10,
        "no failed request wrote anything"
    );
    healthy.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn some_failures_at_a_partial_rate() {
    let store = TestStore::start(|options| {
        options.seed = 3;
        options.fail_rate = 0.3;
    })
    .await;
    let mut failed = 0;
    for _ in 0..200 {
        let status = store.get("/customers/1").await.status();
        if status.is_server_error() {
            failed += 1;
        } else {
            assert_eq!(status, StatusCode::OK);
        }
    }
    assert!(
        (20..=100).contains(&failed),
        "about 30% of 200 should fail, {failed} did"
    );
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let store = TestStore::start(|options| {
        options.seed = 1;
        options.latency = Duration::from_millis(150);
    })
    .await;
    for path in ["/customers/1", "/customers/count", "/nowhere"] {
        let started = Instant::now();
        store.get(path).await;
        assert!(started.elapsed() >= Duration::from_millis(150), "{path}");
    }
}

/// Malformed, huge and hostile requests get a 4xx answer; the server keeps serving and the
/// data stays as it was.
#[tokio::test]
async fn hostile_requests_never_break_the_store() {
    let store = TestStore::seeded(25).await;
    let before = store.list_all("").await;
    let queries = [
        "/customers?first_name=%27%20OR%20%271%27%3D%271",
        "/customers?email=x%27%3B%20DELETE%20FROM%20customers%3B--",
        "/customers?first_name=%FF%FE%00",
        "/customers?%FF=1",
        "/customers?min_id=9223372036854775808",
        "/customers?min_id=-9223372036854775809",
        "/customers?max_id=1e999",
        "/customers?store_credit=1e400",
        "/customers?store_credit=NaN",
        "/customers?page=18446744073709551615&limit=250",
        "/customers?page=18446744073709551616",
        "/customers?min_date_created=%1B%5B31m",
        "/customers?customer_group_id=%00",
        "/customers?limit=%2B5",
        "/customers?first_name[]=a",
        "/customers?a=1&a=2&b",
        "/customers/%2e%2e/%2e%2e/etc/passwd",
        "/customers/1%00",
        "/customers/-1",
        "/customers/count?page=0",
        "/customer_groups?name:like=%27%20OR%20%271%27%3D%271",
        "/customer_groups?name=%25&date_created=%1B%5B31m",
        "/customer_groups/count?is_default=%00",
        "/customers/1/addresses?page=18446744073709551615&limit=250",
        "/customers/1/addresses/%2e%2e",
        "/customers/1/addresses/count?limit=1e9",
    ];
    for path in queries {
        let status = store.get(path).await.status();
        assert!(
            status.is_success() || status.is_client_error(),
            "{path}: {status}"
        );
    }
    let bodies: Vec<Vec<u8>> = vec![
        b"\xff\xfe\xfd".to_vec(),
        b"{\"first_name\": \"\\ud800\"}".to_vec(),
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        format!("{{\"a\":{}1{}}}", "{\"a\":".repeat(5_000), "}".repeat(5_000)).into_bytes(),
        br#"{"first_name":"A","last_name":"B","email":"x@example.com","customer_group_id":99999999999999999999999}"#.to_vec(),
        br#"{"first_name":"A","last_name":"B","email":"x@example.com","store_credit":"1e999"}"#.to_vec(),
        br#"{"first_name":"A","first_name":"B"}"#.to_vec(),
        b"{}".to_vec(),
    ];
    for body in bodies {
        for (method, path) in [
            (Method::POST, "/customers"),
            (Method::PUT, "/customers/1"),
            (Method::POST, "/customers/1/validate"),
            (Method::POST, "/customer_groups"),
            (Method::POST, "/customers/1/addresses"),
        ] {
            let response = store
                .request(method.clone(), path)
                .header("Content-Type", "application/json")
                .body(body.clone())
                .send()
                .await
                .expect("an answer");
            let status = response.status();
            assert!(
                status.is_client_error() || (path == "/customers/1" && status == StatusCode::OK),
                "{method} {path}: {status}"
            );
        }
    }
    let odd_headers = store
        .http
        .get(store.url("/customers/1"))
        .header("X-Auth-Token", TOKEN)
        .header("Host", "evil\u{7f}host");
    let status = odd_headers.send().await.map(|r| r.status());
    assert!(status.map_or(true, |s| s == StatusCode::OK || s.is_client_error()));

    let after = store.list_all("").await;
    assert_eq!(after.len(), before.len());
    for (a, b) in before.iter().zip(&after) {
        if a["id"] != 1 {
            assert_eq!(a, b);
        }
    }
}
