//! What holds for every resource beside customers: both path prefixes and the `.json` suffix,
//! credentials, content negotiation, methods, body limits, rate-limit headers, the quota, and
//! the latency and failure options.

use crate::common;

use std::time::{Duration, Instant};

use bc_customers::sandbox::RateLimit;
use common::{TOKEN, TestStore, error_message, start_on};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The paths of a store seeded with 3 customers (whose groups exist) in which customer 1 has
/// one more address, `address`, added by `add_address`.
struct Paths {
    address: String,
}

async fn add_address(store: &TestStore) -> Paths {
    let response = store
        .send_json(Method::POST, "/customers/1/addresses", &address_body())
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.expect("an address");
    Paths {
        address: format!("/customers/1/addresses/{}", created["id"]),
    }
}

fn address_body() -> Value {
    json!({
        "first_name": "Jane", "last_name": "Doe", "phone": "+44 20 7946 0000",
        "street_1": "1 High Street", "city": "London", "state": "Greater London",
        "zip": "SW1A 1AA", "country": "United Kingdom"
    })
}

impl Paths {
    /// A request of each kind that creates or changes something, with its body.
    fn writes(&self) -> Vec<(Method, String, Value)> {
        vec![
            (
                Method::POST,
                "/customer_groups".into(),
                json!({"name": "New"}),
            ),
            (
                Method::PUT,
                "/customer_groups/2".into(),
                json!({"name": "Renamed"}),
            ),
            (
                Method::POST,
                "/customers/1/addresses".into(),
                address_body(),
            ),
            (
                Method::PUT,
                self.address.clone(),
                json!({"city": "Renamed"}),
            ),
        ]
    }

    fn reads(&self) -> Vec<String> {
        vec![
            "/customer_groups".into(),
            "/customer_groups/count".into(),
            "/customer_groups/2".into(),
            "/customers/1/addresses".into(),
            "/customers/1/addresses/count".into(),
            self.address.clone(),
        ]
    }

    /// `(method, path, Allow)` for methods a resource does not take.
    fn refused_methods(&self) -> Vec<(Method, String, &'static str)> {
        vec![
            (Method::DELETE, "/customer_groups".into(), "GET, HEAD, POST"),
            (Method::PUT, "/customer_groups".into(), "GET, HEAD, POST"),
            (Method::POST, "/customer_groups/count".into(), "GET, HEAD"),
            (
                Method::POST,
                "/customer_groups/2".into(),
                "GET, HEAD, PUT, DELETE",
            ),
            (
                Method::PATCH,
                "/customer_groups/2".into(),
                "GET, HEAD, PUT, DELETE",
            ),
            (
                Method::PUT,
                "/customers/1/addresses".into(),
                "GET, HEAD, POST, DELETE",
            ),
            (
                Method::DELETE,
                "/customers/1/addresses/count".into(),
                "GET, HEAD",
            ),
            (Method::POST, self.address.clone(), "GET, HEAD, PUT, DELETE"),
        ]
    }
}

#[tokio::test]
async fn both_prefixes_and_the_json_suffix_serve_the_same_resources() {
    let store = TestStore::seeded(3).await;
    let paths = add_address(&store).await;
    let base = format!("http://{}", store.sandbox.addr());
    for path in paths.reads() {
        let expected: Value = store.get_json(&path).await;
        for prefix in ["/stores/sandbox/v2", "/stores/other-hash/v2", "/api/v2"] {
            for suffix in ["", ".json"] {
                let url = format!("{base}{prefix}{path}{suffix}");
                let response = store
                    .http
                    .get(&url)
                    .basic_auth("admin", Some(TOKEN))
                    .send()
                    .await
                    .expect("an answer");
                assert_eq!(response.status(), StatusCode::OK, "{url}");
                let body: Value = response.json().await.expect("JSON");
                assert_eq!(body, expected, "{url}");
            }
        }
        assert_eq!(
            store.get(&format!("{path}/")).await.status(),
            StatusCode::NOT_FOUND,
            "no trailing slash: {path}"
        );
        let head = store
            .request(Method::HEAD, &path)
            .send()
            .await
            .expect("an answer");
        assert_eq!(head.status(), StatusCode::OK, "HEAD {path}");
    }
}

#[tokio::test]
async fn credentials_accept_methods_and_bodies_are_checked_as_for_customers() {
    let store = TestStore::seeded(3).await;
    let paths = add_address(&store).await;
    for path in paths.reads() {
        let anonymous = store
            .http
            .get(store.url(&path))
            .send()
            .await
            .expect("an answer");
        assert_eq!(
            error_message(anonymous).await.0,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
        let wrong = store
            .http
            .get(store.url(&path))
            .header("X-Auth-Token", "wrong")
            .send()
            .await
            .expect("an answer");
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{path}");
        let xml = store
            .http
            .get(store.url(&path))
            .header("X-Auth-Token", TOKEN)
            .header("Accept", "application/xml")
            .send()
            .await
            .expect("an answer");
        assert_eq!(
            error_message(xml).await.0,
            StatusCode::NOT_ACCEPTABLE,
            "{path}"
        );
    }
    for (method, path, allow) in paths.refused_methods() {
        let response = store
            .request(method.clone(), &path)
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
        assert_eq!(
            error_message(response).await.0,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
    }
    let before: Vec<Value> =
        futures::future::join_all(paths.reads().iter().map(|p| store.get_json(p))).await;
    for (method, path, body) in paths.writes() {
        let path = path.as_str();
        let unauthorised = store
            .http
            .request(method.clone(), store.url(path))
            .json(&body)
            .send()
            .await
            .expect("an answer");
        assert_eq!(
            unauthorised.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
        let text = store
            .request(method.clone(), path)
            .header("Content-Type", "text/plain")
            .body(body.to_string())
            .send()
            .await
            .expect("an answer");
        assert_eq!(
            error_message(text).await.0,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{method} {path}"
        );
        let mut huge = body.clone();
        huge["padding"] = json!("p".repeat(1_100_000));
        let too_large = store.send_json(method.clone(), path, &huge).await;
        assert_eq!(
            error_message(too_large).await.0,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{method} {path}"
        );
        let not_json = store
            .request(method.clone(), path)
            .header("Content-Type", "application/json")
            .body("{\"name\": ")
            .send()
            .await
            .expect("an answer");
        assert_eq!(
            error_message(not_json).await.0,
            StatusCode::BAD_REQUEST,
            "{method} {path}"
        );
    }
    let after: Vec<Value> =
        futures::future::join_all(paths.reads().iter().map(|p| store.get_json(p))).await;
    assert_eq!(after, before, "nothing refused changed anything");
    for (method, path, body) in paths.writes() {
        let response = store.send_json(method.clone(), &path, &body).await;
        assert!(
            response.status().is_success(),
            "{method} {path}: {}",
            response.status()
        );
    }
}

#[tokio::test]
async fn every_answer_counts_against_the_quota_with_its_headers() {
    let store = TestStore::start(|options| {
        options.seed = 3;
        options.rate_limit = RateLimit {
            quota: 4,
            window: Duration::from_secs(30),
        };
    })
    .await;
    let paths = add_address(&store).await;
    let mut lefts = Vec::new();
    for path in paths.reads().into_iter().skip(3) {
        let response = store.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["x-rate-limit-requests-quota"], "4");
        assert_eq!(response.headers()["x-rate-limit-time-window-ms"], "30000");
        assert!(
            response
                .headers()
                .contains_key("x-rate-limit-time-reset-ms")
        );
        lefts.push(
            response.headers()["x-rate-limit-requests-left"]
                .to_str()
                .expect("text")
                .to_owned(),
        );
    }
    assert_eq!(lefts, ["2", "1", "0"], "adding the address took one");
    for (method, path, body) in paths.writes() {
        let refused = store.send_json(method.clone(), &path, &body).await;
        assert_eq!(
            refused.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{method} {path}"
        );
        assert!(refused.headers().contains_key("x-retry-after"));
    }
}

#[tokio::test]
async fn latency_and_failures_apply_to_every_resource() {
    let healthy = TestStore::start(|options| options.seed = 3).await;
    let paths = add_address(&healthy).await;
    let before: Vec<Value> =
        futures::future::join_all(paths.reads().iter().map(|p| healthy.get_json(p))).await;
    let folder = healthy.stop().await;
    let db = folder.path().join("store.sqlite3");
    let failing = start_on(db.clone(), |options| {
        options.fail_rate = 1.0;
        options.latency = Duration::from_millis(100);
    })
    .await;
    let http = common::client();
    let mut statuses = std::collections::BTreeSet::new();
    for round in 0..10 {
        for (method, path, body) in paths.writes() {
            let started = Instant::now();
            let response = http
                .request(method, format!("{}{path}", failing.api_url()))
                .header("X-Auth-Token", TOKEN)
                .json(&body)
                .send()
                .await
                .expect("an answer");
            assert!(
                started.elapsed() >= Duration::from_millis(100),
                "round {round}: {path}"
            );
            statuses.insert(response.status().as_u16());
            let body: Value = response.json().await.expect("an error body");
            assert!(body[0]["message"].is_string());
        }
    }
    assert_eq!(statuses.into_iter().collect::<Vec<_>>(), vec![500, 503]);
    failing.shutdown().await.expect("a clean shutdown");

    // Nothing a failed request was sent did happen.
    let healthy = start_on(db, |_| {}).await;
    let mut after = Vec::new();
    for path in paths.reads() {
        let response = http
            .get(format!("{}{path}", healthy.api_url()))
            .header("X-Auth-Token", TOKEN)
            .send()
            .await
            .expect("an answer");
        after.push(response.json::<Value>().await.expect("JSON"));
    }
    assert_eq!(after, before);
    healthy.shutdown().await.expect("a clean shutdown");
}
