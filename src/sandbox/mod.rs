//! The sandbox store: a local server that speaks the BigCommerce v2 Customers API over HTTP,
//! backed by one SQLite file, so the app and its tests run against a real server with no
//! credentials. See `shared/spec/bigcommerce-v2-behaviour.md` for the behaviour it follows.

mod address;
mod address_body;
mod body;
mod countries;
mod customer;
mod error;
mod filter;
mod group;
mod group_body;
mod group_filter;
mod http;
mod money;
mod rate_limit;
mod seed;
mod seed_addresses;
mod server;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use color_eyre::eyre::{WrapErr, eyre};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use rate_limit::RateLimit;
pub use seed::demo_customers;

use http::SandboxState;
use rate_limit::RateLimiter;
use store::Store;

/// The store hash the sandbox prints in its base URL; any hash is accepted.
pub const STORE_HASH: &str = "sandbox";

/// Long enough for any real client on a slow link, short enough that connections which never
/// send a request cannot pile up and use up the server's file descriptors.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Far beyond any pause of a working client mid-request.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How to run a sandbox store.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Where to listen; port 0 picks a free one.
    pub listen: SocketAddr,
    /// The SQLite file; created with its schema when missing.
    pub db: PathBuf,
    /// The access token clients must send, neither empty nor only whitespace; a random one
    /// when `None`.
    pub token: Option<String>,
    /// Demo customers to create when the database is empty.
    pub seed: u64,
    pub rate_limit: RateLimit,
    /// Added before every answer.
    pub latency: Duration,
    /// The fraction of requests answered with 500 or 503 (0 to 1).
    pub fail_rate: f64,
    /// A connection is closed when a request's headers have not all arrived this long after
    /// the server began waiting for them: new, kept alive between requests, or sending slowly.
    pub header_timeout: Duration,
    /// A connection is closed when it moves no byte either way for this long, e.g. a client
    /// that stops sending a body or stops reading an answer.
    pub idle_timeout: Duration,
}

impl SandboxOptions {
    /// Loopback on a free port, no seed, no faults.
    pub fn new(db: PathBuf) -> Self {
        SandboxOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db,
            token: None,
            seed: 0,
            rate_limit: RateLimit::default(),
            latency: Duration::ZERO,
            fail_rate: 0.0,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
        }
    }
}

/// A sandbox store serving in the background of this process.
pub struct RunningSandbox {
    addr: SocketAddr,
    token: String,
    db: PathBuf,
    customers: u64,
    shutdown: Option<oneshot::Sender<()>>,
    server: JoinHandle<()>,
}

impl RunningSandbox {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn db(&self) -> &std::path::Path {
        &self.db
    }

    /// How many customers the store held when it started.
    pub fn customers_at_start(&self) -> u64 {
        self.customers
    }

    /// The OAuth-style API base, e.g. `http://127.0.0.1:8787/stores/sandbox/v2`.
    pub fn api_url(&self) -> String {
        format!("http://{}/stores/{STORE_HASH}/v2", self.addr)
    }

    /// The legacy API base, e.g. `http://127.0.0.1:8787/api/v2`.
    pub fn legacy_api_url(&self) -> String {
        format!("http://{}/api/v2", self.addr)
    }

    /// Stops taking connections, lets requests under way finish, and closes the database.
    pub async fn shutdown(mut self) -> color_eyre::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        (&mut self.server)
            .await
            .wrap_err("the sandbox server task failed")
    }
}

/// Opens (or creates and seeds) the database and starts serving.
pub async fn start(options: SandboxOptions) -> color_eyre::Result<RunningSandbox> {
    // A blank token is almost surely a mistake (an empty variable), and would let anyone in
    // who sends an empty one.
    if options
        .token
        .as_deref()
        .is_some_and(|token| token.trim().is_empty())
    {
        return Err(eyre!(
            "the sandbox's access token must not be empty or only whitespace (leave it out for a random one)"
        ));
    }
    if !(0.0..=1.0).contains(&options.fail_rate) {
        return Err(eyre!(
            "the fail rate must be between 0 and 1, not {}",
            options.fail_rate
        ));
    }
    // A zero timeout would close every connection before it could send anything.
    if options.header_timeout.is_zero() || options.idle_timeout.is_zero() {
        return Err(eyre!(
            "the sandbox's connection timeouts must be longer than zero"
        ));
    }
    let db = options.db.clone();
    let seed = options.seed;
    let (store, customers) = tokio::task::spawn_blocking(move || open_and_seed(&db, seed))
        .await
        .wrap_err("opening the sandbox database failed")??;
    let listener = TcpListener::bind(options.listen)
        .await
        .wrap_err_with(|| format!("cannot listen on {}", options.listen))?;
    let addr = listener
        .local_addr()
        .wrap_err("the listening socket has no address")?;
    let token = options.token.clone().unwrap_or_else(random_token);
    let state = Arc::new(SandboxState {
        store: Arc::new(store),
        token: token.clone(),
        limiter: RateLimiter::new(options.rate_limit),
        latency: options.latency,
        fail_rate: options.fail_rate,
        local_addr: addr,
    });
    let (shutdown, stopped) = oneshot::channel::<()>();
    let limits = server::Limits {
        header_timeout: options.header_timeout,
        idle_timeout: options.idle_timeout,
    };
    let server = tokio::spawn(server::serve(
        listener,
        http::router(state),
        limits,
        stopped,
    ));
    Ok(RunningSandbox {
        addr,
        token,
        db: options.db,
        customers,
        shutdown: Some(shutdown),
        server,
    })
}

fn open_and_seed(db: &std::path::Path, seed: u64) -> color_eyre::Result<(Store, u64)> {
    if let Some(folder) = db.parent().filter(|folder| !folder.as_os_str().is_empty()) {
        crate::paths::create_private_folder(folder)
            .wrap_err_with(|| format!("cannot create the folder {}", folder.display()))?;
    }
    let store = Store::open(db)
        .wrap_err_with(|| format!("cannot open the sandbox database {}", db.display()))?;
    if seed > 0
        && store
            .is_empty()
            .wrap_err("cannot read the sandbox database")?
    {
        store
            .insert_seeded(&seed::demo_groups(), seed::demo_store(seed))
            .wrap_err("cannot seed the sandbox database")?;
    }
    let customers = store
        .count(&filter::CustomerFilter::default())
        .wrap_err("cannot read the sandbox database")?;
    Ok((store, customers))
}

/// 32 hex digits from the operating system's secure random source.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
