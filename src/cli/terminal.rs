//! The terminal app (no subcommand): on the configured store, or on an embedded sandbox store
//! when none is configured.

use color_eyre::eyre::{Result, WrapErr};

use super::store::{FIRST_RUN_CUSTOMERS, Resolved, StoreArgs, connect};
use crate::app::StoreLabel;
use crate::config;
use crate::paths::default_sandbox_db;
use crate::sandbox::{self, SandboxOptions};
use crate::tui::Settings;

/// The terminal app on the configured store, or on an embedded sandbox when none is.
pub fn run(store_args: &StoreArgs) -> Result<()> {
    let Resolved {
        file,
        store,
        warning,
        ..
    } = store_args.resolve()?;
    if let Some(warning) = &warning {
        // Said on the terminal before the app takes it, and kept in the status bar.
        tell!("warning: {warning}");
        tracing::warn!("{warning}");
    }
    super::runtime()?.block_on(async {
        match store {
            Some(store) => {
                let label = StoreLabel {
                    name: store.name.clone(),
                    hash: config::store_hash(&store.api_url),
                    sandbox: false,
                    read_only: store.read_only,
                };
                let backend = connect(&store)?;
                let settings = Settings {
                    page_size: store.page_size,
                    mouse: file.ui.mouse,
                    warning,
                    index: store.index,
                };
                crate::tui::run(backend, label, settings).await
            }
            None => {
                let mut options = SandboxOptions::new(default_sandbox_db()?);
                options.seed = FIRST_RUN_CUSTOMERS;
                let sandbox = sandbox::start(options).await.wrap_err("cannot start the sandbox store")?;
                tracing::info!(api_url = %sandbox.api_url(), "no store configured: using the embedded sandbox");
                let sandbox_store = config::StoreSettings {
                    name: "sandbox store".to_owned(),
                    api_url: sandbox.api_url(),
                    auth: crate::api::Auth::Token {
                        token: crate::domain::Secret::new(sandbox.token()),
                        client_id: None,
                    },
                    read_only: store_args.read_only,
                    page_size: config::DEFAULT_PAGE_SIZE,
                    index: true,
                };
                let backend = connect(&sandbox_store)?;
                let label = StoreLabel {
                    name: "sandbox store".to_owned(),
                    hash: config::store_hash(&sandbox.api_url()),
                    sandbox: true,
                    read_only: store_args.read_only,
                };
                let settings = Settings {
                    page_size: config::DEFAULT_PAGE_SIZE,
                    mouse: file.ui.mouse,
                    warning,
                    index: true,
                };
                let result = crate::tui::run(backend, label, settings).await;
                sandbox.shutdown().await?;
                result
            }
        }
    })
}
