//! The store a command talks to, resolved in one place from the flags, the environment and
//! the config file; and the one place where a backend is chosen for it.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use color_eyre::eyre::{Result, WrapErr, eyre};

use crate::api::v2;
use crate::config::{self, ConfigFile, StoreFlags, StoreSettings};
use crate::index::LocalIndex;
use crate::jobs::{Cancel, Service};
use crate::paths::Places;
use crate::store::SharedStore;

/// The options that choose a store, shown together under one heading.
#[derive(Debug, Args, Default)]
pub struct StoreArgs {
    /// Store profile from the config file [default: its default_profile].
    #[arg(long, global = true, value_name = "NAME", help_heading = "Store")]
    pub profile: Option<String>,
    /// API base URL, overriding the profile and BIGCOMMERCE_API_URL
    /// (e.g. http://127.0.0.1:8787/stores/sandbox/v2).
    #[arg(long, global = true, value_name = "URL", help_heading = "Store")]
    pub api_url: Option<String>,
    /// Config file [default: BC_CUSTOMERS_CONFIG, else the user's config folder].
    #[arg(long, global = true, value_name = "PATH", help_heading = "Store")]
    pub config: Option<PathBuf>,
    /// Refuse every change to the store (as `read_only = true` in a profile does).
    #[arg(long, global = true, help_heading = "Store")]
    pub read_only: bool,
}

/// The config file that was read, and the store it and the environment name, if any.
pub struct Resolved {
    pub file: ConfigFile,
    pub path: PathBuf,
    pub store: Option<StoreSettings>,
    /// Said before anything else: the file holds a token others can read.
    pub warning: Option<String>,
}

impl StoreArgs {
    pub fn config_path(&self) -> Result<PathBuf> {
        config::config_path(self.config.as_deref())
    }

    /// Flags over environment over profile; no store at all is not an error here.
    pub fn resolve(&self) -> Result<Resolved> {
        let path = self.config_path()?;
        let file = config::load(&path, self.config.is_some())?;
        let warning = config::permission_warning(&path, &file);
        let flags = StoreFlags {
            profile: self.profile.clone(),
            api_url: self.api_url.clone(),
            read_only: self.read_only,
        };
        let store = config::resolve(&file, &flags, |name| std::env::var(name).ok())?;
        Ok(Resolved {
            file,
            path,
            store,
            warning,
        })
    }

    /// The configured store; with none configured, the embedded sandbox store the app opens
    /// then (said on stderr, with how to configure one).
    pub fn store(&self) -> Result<(SharedStore, StoreSettings)> {
        let resolved = self.resolve()?;
        if let Some(warning) = &resolved.warning {
            tell!("warning: {}", crate::sanitize::sanitize(warning));
        }
        let store = match resolved.store {
            Some(store) => store,
            None => {
                tell!(
                    "bc-customers: no store is configured, so this is the embedded sandbox store (the app's, with demo customers); to use a real store, add a profile to {} (see config.example.toml) or set BIGCOMMERCE_STORE_HASH and BIGCOMMERCE_ACCESS_TOKEN",
                    resolved.path.display()
                );
                embedded_sandbox(self.read_only)?
            }
        };
        let backend = connect(&store)?;
        Ok((backend, store))
    }

    /// As `store`, refusing a read-only store: for the commands that change customers.
    pub fn store_for_changes(&self) -> Result<(SharedStore, StoreSettings)> {
        let (backend, store) = self.store()?;
        if store.read_only {
            return Err(eyre!(
                "store '{}' is read-only: nothing can be changed",
                store.name
            ));
        }
        Ok((backend, store))
    }
}

/// Demo customers created the first time the embedded sandbox opens.
pub const FIRST_RUN_CUSTOMERS: u64 = 300;

/// The embedded sandbox store (the one the app opens with no store configured), served on a
/// loopback port of its own for as long as this command runs.
fn embedded_sandbox(read_only: bool) -> Result<StoreSettings> {
    let mut options = crate::sandbox::SandboxOptions::new(crate::paths::default_sandbox_db()?);
    options.seed = FIRST_RUN_CUSTOMERS;
    let (started, reached) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("embedded sandbox".to_owned())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(error) => {
                    let _ = started.send(Err(eyre!(error)));
                    return;
                }
            };
            runtime.block_on(async move {
                match crate::sandbox::start(options).await {
                    Ok(sandbox) => {
                        let _ = started.send(Ok((sandbox.api_url(), sandbox.token().to_owned())));
                        // Served until the command ends.
                        std::future::pending::<()>().await;
                    }
                    Err(error) => {
                        let _ = started.send(Err(error));
                    }
                }
            });
        })
        .wrap_err("cannot start the embedded sandbox store")?;
    let (api_url, token) = reached
        .recv()
        .wrap_err("the embedded sandbox store did not start")?
        .wrap_err("cannot start the embedded sandbox store")?;
    Ok(StoreSettings {
        name: "sandbox store".to_owned(),
        api_url,
        auth: crate::api::Auth::Token {
            token: crate::domain::Secret::new(&token),
            client_id: None,
        },
        read_only,
        page_size: config::DEFAULT_PAGE_SIZE,
        index: true,
    })
}

/// The backend for a resolved store: the v2 API over HTTP.
pub fn connect(store: &StoreSettings) -> Result<SharedStore> {
    let client = v2::Client::new(
        &store.api_url,
        store.auth.clone(),
        v2::ClientOptions::default(),
    )
    .wrap_err_with(|| format!("store '{}'", store.name))?;
    Ok(std::sync::Arc::new(client))
}

/// The store's service: what the store is (asked of it), its ledger (checked writable) and
/// backups, and its index kept in step when it has one.
pub async fn open_service(backend: SharedStore, store: &StoreSettings) -> Result<Service> {
    let places = Places::user()?;
    let mut service = Service::open(backend, &places, &store.name)
        .await
        .wrap_err_with(|| format!("store '{}'", store.name))?;
    if store.index {
        let path = places.index(service.identity());
        if path.exists() {
            let index = LocalIndex::open(&path)?;
            index.claim(service.identity())?;
            service = service.with_index(Arc::new(index));
        }
    }
    Ok(service)
}

/// Cancels the job on Ctrl-C or SIGTERM: requests under way finish and are recorded, and
/// the report is printed.
pub fn cancel_on_signal(cancel: &Cancel) -> tokio::task::JoinHandle<()> {
    let cancel = cancel.clone();
    tokio::spawn(async move {
        super::stop_signal().await;
        tell!(
            "\nstopping: the requests under way finish and are recorded, then the report follows"
        );
        cancel.cancel();
    })
}
