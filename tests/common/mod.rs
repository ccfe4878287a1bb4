//! A sandbox store started inside the test, on loopback with a temporary database, and a
//! client that talks to it over real HTTP.

#![allow(dead_code)] // each test binary uses its own part of this

pub mod screens;

use std::time::Duration;

use bc_customers::sandbox::{self, RunningSandbox, SandboxOptions};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::Value;
use tempfile::TempDir;

pub const TOKEN: &str = "test-token-0123456789";

pub struct TestStore {
    pub sandbox: RunningSandbox,
    pub folder: TempDir,
    pub http: reqwest::Client,
}

impl TestStore {
    /// An empty store.
    pub async fn empty() -> TestStore {
        TestStore::start(|_| {}).await
    }

    /// A store seeded with `count` demo customers.
    pub async fn seeded(count: u64) -> TestStore {
        TestStore::start(|options| options.seed = count).await
    }

    pub async fn start(configure: impl FnOnce(&mut SandboxOptions)) -> TestStore {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let sandbox = start_on(folder.path().join("store.sqlite3"), configure).await;
        TestStore {
            sandbox,
            folder,
            http: client(),
        }
    }

    pub fn db_path(&self) -> std::path::PathBuf {
        self.folder.path().join("store.sqlite3")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.api_url())
    }

    /// A request with the token and JSON `Accept`, as the official clients send it.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header("X-Auth-Token", TOKEN)
            .header("Accept", "application/json")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path)
            .send()
            .await
            .expect("the sandbox answers")
    }

    /// The JSON answer of a GET that must succeed.
    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.json().await.expect("a JSON answer")
    }

    /// This store through the store trait (the v2 backend over HTTP), short retry delays.
    pub fn client(&self) -> bc_customers::store::SharedStore {
        std::sync::Arc::new(self.v2_client())
    }

    /// The v2 HTTP client itself, with short retry delays.
    pub fn v2_client(&self) -> bc_customers::api::v2::Client {
        let auth = bc_customers::api::Auth::Token {
            token: bc_customers::domain::Secret::new(TOKEN),
            client_id: None,
        };
        let options = bc_customers::api::v2::ClientOptions {
            backoff: Duration::from_millis(20),
            ..Default::default()
        };
        bc_customers::api::v2::Client::new(&self.sandbox.api_url(), auth, options)
            .expect("a client")
    }

    pub async fn send_json(&self, method: Method, path: &str, body: &Value) -> Response {
        self.request(method, path)
            .json(body)
            .send()
            .await
            .expect("the sandbox answers")
    }

    pub async fn create(&self, body: Value) -> Value {
        let response = self.send_json(Method::POST, "/customers", &body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "creating {body}");
        response.json().await.expect("a customer")
    }

    pub async fn count(&self, query: &str) -> u64 {
        let response = self.get(&format!("/customers/count{query}")).await;
        assert_eq!(response.status(), StatusCode::OK, "count{query}");
        let body: Value = response.json().await.expect("a count");
        body["count"].as_u64().expect("count is a number")
    }

    /// Every customer matching `query` (which must not hold page or limit), page by page.
    pub async fn list_all(&self, query: &str) -> Vec<Value> {
        let mut customers = Vec::new();
        for page in 1.. {
            let separator = if query.is_empty() { "?" } else { "&" };
            let path = format!("/customers{query}{separator}limit=250&page={page}");
            let response = self.get(&path).await;
            if response.status() == StatusCode::NO_CONTENT {
                break;
            }
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let batch: Vec<Value> = response.json().await.expect("a list");
            customers.extend(batch);
        }
        customers
    }

    pub async fn stop(self) -> TempDir {
        self.sandbox.shutdown().await.expect("a clean shutdown");
        self.folder
    }
}

pub async fn start_on(
    db: std::path::PathBuf,
    configure: impl FnOnce(&mut SandboxOptions),
) -> RunningSandbox {
    let mut options = SandboxOptions::new(db);
    options.token = Some(TOKEN.to_owned());
    configure(&mut options);
    sandbox::start(options).await.expect("the sandbox starts")
}

pub fn client() -> reqwest::Client {
    bc_customers::api::v2::install_tls_provider();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// The error body: a one-element array of `{status, message}`.
pub async fn error_message(response: Response) -> (StatusCode, String) {
    let status = response.status();
    let body: Value = response.json().await.expect("an error body in JSON");
    let entry = &body.as_array().expect("errors come as an array")[0];
    assert_eq!(entry["status"].as_u64(), Some(u64::from(status.as_u16())));
    (
        status,
        entry["message"].as_str().expect("a message").to_owned(),
    )
}

pub fn ids(customers: &[Value]) -> Vec<i64> {
    customers
        .iter()
        .map(|c| c["id"].as_i64().expect("an id"))
        .collect()
}

/// A sandbox store in its own process — the built binary, started as a person starts it.
pub struct SandboxProcess {
    pub child: std::process::Child,
    pub api_url: String,
    /// What it printed at start.
    pub banner: String,
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `bc-customers sandbox` on a free loopback port and reads its banner.
pub fn spawn_sandbox_process(db: &std::path::Path, token: &str, seed: u32) -> SandboxProcess {
    spawn_sandbox_process_with(db, token, seed, &[])
}

/// The same, with more of the sandbox's options (e.g. `--latency-ms 50`).
pub fn spawn_sandbox_process_with(
    db: &std::path::Path,
    token: &str,
    seed: u32,
    options: &[&str],
) -> SandboxProcess {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_bc-customers"))
        .args([
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--token",
            token,
            "--seed",
            &seed.to_string(),
            "--db",
        ])
        .arg(db)
        .args(options)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the sandbox starts");
    let mut output = std::io::BufReader::new(child.stdout.take().expect("its output"));
    let mut banner = String::new();
    for _ in 0..6 {
        output.read_line(&mut banner).expect("a banner line");
    }
    let first_line = banner.lines().next().unwrap_or_default();
    let address = first_line
        .trim()
        .rsplit("http://")
        .next()
        .expect("an address")
        .to_owned();
    SandboxProcess {
        child,
        api_url: format!("http://{address}/stores/sandbox/v2"),
        banner,
    }
}

/// A new customer from the JSON a person would send the API: fields by API name, and a
/// password in `_authentication`.
pub fn new_customer(json: Value) -> bc_customers::domain::NewCustomer {
    use bc_customers::domain::{Field, NewCustomer, Secret};
    let mut customer = NewCustomer::default();
    for (name, value) in json.as_object().expect("an object") {
        if name == "_authentication" {
            customer.password = value["password"].as_str().map(Secret::new);
            customer.force_password_reset = value["force_reset"].as_bool().unwrap_or(false);
            continue;
        }
        let field = Field::named(name).expect("a field of a customer");
        let value = field.from_json(value).expect("a value the field takes");
        customer.fields.insert(field, value);
    }
    customer
}

/// A change from the JSON of an update: fields by API name.
pub fn change(json: Value) -> bc_customers::domain::CustomerChange {
    serde_json::from_value(json).expect("a change of a customer")
}

impl TestStore {
    /// A data folder of this test's own: ledger, backups, indexes.
    pub fn places(&self) -> bc_customers::paths::Places {
        bc_customers::paths::Places::in_folder(self.folder.path().join("data"))
    }

    /// The store's service, its files in this test's data folder.
    pub async fn service(&self) -> bc_customers::jobs::Service {
        bc_customers::jobs::Service::open(self.client(), &self.places(), "Shop")
            .await
            .expect("the store's service")
    }

    /// How the worker keeps this store's files: in this test's data folder, no index.
    pub fn setup(&self) -> bc_customers::worker::Setup {
        bc_customers::worker::Setup {
            places: Some(self.places()),
            known_as: "Shop".into(),
            index: false,
        }
    }
}

/// A review of these ids, as a job takes it.
pub fn reviewed(ids: &[i64]) -> bc_customers::jobs::review::Reviewed {
    bc_customers::jobs::review::Reviewed {
        ids: ids.to_vec(),
        ..Default::default()
    }
}
