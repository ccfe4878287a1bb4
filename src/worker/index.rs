//! The worker's side of the local index: its work on a blocking thread, a search's
//! selection turned into ids, and every change the app makes kept in the index at once.

use std::path::PathBuf;
use std::sync::Arc;

use crate::domain::{Address, Customer};
use crate::index::{IndexQuery, LocalIndex};
use crate::jobs::JobError;
use crate::jobs::backup::Selection;
use crate::jobs::export::ExportFormat;

use super::Failure;

/// Runs `work` on the local index on a blocking thread; without an index, says so.
pub(super) async fn on_index<T: Send + 'static>(
    index: &Option<Arc<LocalIndex>>,
    work: impl FnOnce(&LocalIndex) -> Result<T, crate::index::IndexError> + Send + 'static,
) -> Result<T, Failure> {
    let Some(index) = index.clone() else {
        return Err(Failure::Job(JobError::Stopped(
            "the local search index is off for this store".to_owned(),
        )));
    };
    match tokio::task::spawn_blocking(move || work(&index)).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(Failure::Job(JobError::Stopped(error.to_string()))),
        Err(error) => Err(Failure::Job(JobError::Stopped(format!(
            "the search index's work stopped: {error}"
        )))),
    }
}

/// A selection of what a search found becomes the ids the index holds for it now: a job
/// works on customers by id.
pub(super) async fn found_ids(
    index: &Option<Arc<LocalIndex>>,
    selection: Selection,
) -> Result<Selection, Failure> {
    match selection {
        Selection::Found { query, except } => {
            let ids = on_index(index, move |index| index.ids(&query)).await?;
            let except: std::collections::HashSet<i64> = except.into_iter().collect();
            Ok(Selection::Ids(
                ids.into_iter().filter(|id| !except.contains(id)).collect(),
            ))
        }
        other => Ok(other),
    }
}

/// A customer the app created or changed goes into the index at once.
pub(super) async fn keep_in_index(index: &Option<Arc<LocalIndex>>, customer: &Customer) {
    let customer = customer.clone();
    if let Err(error) = on_index(index, move |index| index.upsert(&[customer])).await
        && index.is_some()
    {
        tracing::warn!("the search index was not updated: {error}");
    }
}

/// An address the app created or changed: its country counts in the summary at once.
pub(super) async fn keep_address_in_index(index: &Option<Arc<LocalIndex>>, address: &Address) {
    let address = address.clone();
    if index.is_some()
        && let Err(error) = on_index(index, move |i| i.keep_address(&address)).await
    {
        tracing::warn!("the search index's addresses: {error}");
    }
}

/// Customers the app deleted leave the index at once.
pub(super) async fn drop_from_index(index: &Option<Arc<LocalIndex>>, ids: Vec<i64>) {
    if ids.is_empty() {
        return;
    }
    if let Err(error) = on_index(index, move |index| index.remove(&ids)).await
        && index.is_some()
    {
        tracing::warn!("the search index was not updated: {error}");
    }
}

/// Writes what the index finds into `path`, in the export's format for its name: whole or
/// not at all.
pub(super) async fn export_found(
    index: &Option<Arc<LocalIndex>>,
    query: IndexQuery,
    path: PathBuf,
) -> Result<u64, Failure> {
    on_index(index, move |index| {
        let names = index.group_names()?.into_iter().collect();
        let format = ExportFormat::for_path(&path);
        let written = crate::jobs::export::write_found_to_file(index, &query, format, names, &path)
            .map_err(|error| crate::index::IndexError::Task(error.to_string()))?;
        Ok(written)
    })
    .await
}
