//! `bc-customers index sync|status|forget`: the store's local search index.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;
use color_eyre::eyre::{Result, WrapErr, eyre};

use super::progress::Bar;
use super::store::StoreArgs;
use crate::config::StoreSettings;
use crate::format::thousands;
use crate::index::sync::{SyncProgress, SyncReport, sync};
use crate::index::{self, LocalIndex};
use crate::jobs::service::{recall, remember};
use crate::jobs::{Progress, Step};
use crate::paths::Places;
use crate::store::{ApiError, SharedStore, StoreIdentity};

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Bring the index level with the store: every customer the first time, then only what
    /// changed (and which customers are gone).
    Sync {
        /// Also read the addresses of customers whose addresses the index has not read yet
        /// (one request per customer), for the summary's countries.
        #[arg(long)]
        with_addresses: bool,
    },
    /// How many customers the index holds, when it was last synced, and where its file is.
    Status,
    /// Delete the index file (it is built again by the next sync).
    Forget,
}

/// A store's index: where it lives, for which store, and why the store could not be asked
/// what it is (then the identity it gave last time is used).
pub(super) struct StoreIndex {
    pub path: PathBuf,
    pub identity: StoreIdentity,
    pub unreachable: Option<ApiError>,
}

impl StoreIndex {
    /// The index opened, made this store's.
    pub fn open(&self) -> Result<Arc<LocalIndex>> {
        let index = LocalIndex::open(&self.path)?;
        index.claim(&self.identity)?;
        Ok(Arc::new(index))
    }
}

/// Where the store's index lives, or why it has none. The store is asked what it is; when
/// it cannot be reached, the identity it gave last time names the index.
pub(super) async fn store_index(
    backend: &SharedStore,
    store: &StoreSettings,
) -> Result<StoreIndex> {
    if !store.index {
        return Err(eyre!(
            "the search index is off for store '{}' (index = false in its profile)",
            store.name
        ));
    }
    let places = Places::user()?;
    match backend.identity().await {
        Ok(identity) => {
            remember(&places, &identity);
            Ok(StoreIndex {
                path: places.index(&identity),
                identity,
                unreachable: None,
            })
        }
        Err(error) => match recall(&places, backend.api_url()) {
            Some(identity) => Ok(StoreIndex {
                path: places.index(&identity),
                identity,
                unreachable: Some(error),
            }),
            None => Err(error)
                .wrap_err_with(|| format!("store '{}' cannot be asked what it is", store.name)),
        },
    }
}

/// Brings the index up to date, with a progress bar on a terminal.
pub(super) async fn sync_with_bar(
    backend: &crate::store::SharedStore,
    index: &Arc<LocalIndex>,
) -> Result<SyncReport> {
    let bar = Bar::new();
    let shown = |progress: SyncProgress| {
        if progress.first {
            bar.show(Progress {
                step: Step::Indexing,
                done: progress.done,
                total: progress.total,
            });
        }
    };
    let report = tokio::select! {
        report = sync(backend, index, shown) => report,
        () = super::stop_signal() => {
            bar.finish();
            return Err(eyre!("interrupted: the index keeps what was read; the next sync goes on from there"));
        }
    };
    bar.finish();
    Ok(report?)
}

pub fn run(command: IndexCommand, store_args: &StoreArgs) -> Result<()> {
    match command {
        IndexCommand::Sync { with_addresses } => {
            let (backend, store) = store_args.store()?;
            super::runtime()?.block_on(async {
                let found = store_index(&backend, &store).await?;
                if let Some(error) = found.unreachable {
                    return Err(error).wrap_err("cannot sync the index");
                }
                let index = found.open()?;
                let report = sync_with_bar(&backend, &index).await?;
                if with_addresses {
                    let bar = Bar::new();
                    let shown = |progress: SyncProgress| {
                        bar.show(Progress {
                            step: Step::ReadingAddresses,
                            done: progress.done,
                            total: progress.total,
                        })
                    };
                    let read = tokio::select! {
                        read = crate::index::sync::read_addresses(&backend, &index, shown) => read,
                        () = super::stop_signal() => {
                            bar.finish();
                            return Err(eyre!("interrupted: the addresses read so far are kept"));
                        }
                    };
                    bar.finish();
                    say!("addresses read for {} customers", thousands(read?));
                }
                say!(
                    "index: {} customers · {} read · {} removed · {} requests{}",
                    thousands(report.customers),
                    thousands(report.changed),
                    thousands(report.removed),
                    thousands(report.requests),
                    if report.first { " (first sync)" } else { "" }
                );
                if report.unlisted > 0 {
                    tell!(
                        "warning: the store counts {} more customers than it lists; the index holds those it lists",
                        thousands(report.unlisted)
                    );
                }
                Ok(())
            })
        }
        IndexCommand::Status => {
            let (backend, store) = store_args.store()?;
            let found = super::runtime()?.block_on(store_index(&backend, &store))?;
            let path = &found.path;
            if !path.exists() {
                say!(
                    "store: {}\nno index yet: `bc-customers index sync` builds it\nfile: {}",
                    store.name,
                    path.display()
                );
                return Ok(());
            }
            let index = found.open()?;
            let status = index.status()?;
            let last = match status.synced_at {
                Some(at) => {
                    let ago = (crate::dates::now_unix() - at).max(0);
                    let when = chrono::DateTime::from_timestamp(at, 0)
                        .map(|at| {
                            at.with_timezone(&chrono::Local)
                                .format("%Y-%m-%d %H:%M:%S")
                                .to_string()
                        })
                        .unwrap_or_default();
                    format!("{when} ({} ago)", crate::format::ago(ago))
                }
                None => "never finished".to_owned(),
            };
            say!(
                "store: {}",
                found.identity.describe().trim_start_matches("store ")
            );
            say!("customers: {}", thousands(status.customers));
            say!("last sync: {last}");
            if let Some(id) = status.resume_from_id {
                say!(
                    "the first sync stopped before customer #{id}; `bc-customers index sync` goes on from there"
                );
            }
            say!("file: {}", path.display());
            Ok(())
        }
        IndexCommand::Forget => {
            let (backend, store) = store_args.store()?;
            let found = super::runtime()?.block_on(store_index(&backend, &store))?;
            let path = found.path;
            if index::forget(&path).wrap_err_with(|| format!("cannot delete {}", path.display()))? {
                say!("deleted {}", path.display());
            } else {
                say!(
                    "there was no index for store '{}' ({})",
                    store.name,
                    path.display()
                );
            }
            Ok(())
        }
    }
}
