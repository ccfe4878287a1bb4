//! A seeded sandbox limited to 30 requests every 5 s, and a client for it: what the
//! benchmarks of long jobs run against, so that they measure how close to the quota a job
//! gets.

use std::time::Duration;

use bc_customers::api::Auth;
use bc_customers::api::v2::{Client, ClientOptions};
use bc_customers::domain::Secret;
use bc_customers::sandbox::{self, RateLimit, RunningSandbox, SandboxOptions};

const TOKEN: &str = "bench-token";

pub struct LimitedStore {
    pub running: RunningSandbox,
    pub client: bc_customers::store::SharedStore,
    pub limit: RateLimit,
    /// How many customers it was seeded with (BENCH_CUSTOMERS, else the default given).
    pub customers: u64,
    pub folder: tempfile::TempDir,
}

impl LimitedStore {
    pub async fn start(default_customers: u64) -> LimitedStore {
        let customers: u64 = std::env::var("BENCH_CUSTOMERS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default_customers);
        let limit = RateLimit {
            quota: 30,
            window: Duration::from_secs(5),
        };
        let folder = tempfile::tempdir().expect("a folder");
        let mut options = SandboxOptions::new(folder.path().join("bench.sqlite3"));
        options.token = Some(TOKEN.to_owned());
        options.seed = customers;
        options.rate_limit = limit;
        let running = sandbox::start(options).await.expect("the sandbox starts");
        let client = Client::new(
            &running.api_url(),
            Auth::Token {
                token: Secret::new(TOKEN),
                client_id: None,
            },
            ClientOptions::default(),
        )
        .expect("a client");
        LimitedStore {
            running,
            client: std::sync::Arc::new(client),
            limit,
            customers,
            folder,
        }
    }

    /// The quota as requests a second.
    pub fn quota_per_second(&self) -> f64 {
        self.limit.quota as f64 / self.limit.window.as_secs_f64()
    }
}
