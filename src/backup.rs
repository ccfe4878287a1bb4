//! Backups before deletes, and restoring from them. Every customer about to be deleted is
//! first written as one JSON line to a backup file; only the customers in that backup are
//! then deleted (by id), so a customer created or changed to match afterwards is never caught.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use color_eyre::eyre::{Result, WrapErr, eyre};
use futures::StreamExt;

use crate::api::{ApiError, Client, Customer, Filter};

/// Requests at once: few enough to stay inside the rate limit's pacing.
const CONCURRENCY: usize = 4;

/// Largest page the API gives.
const PAGE: u64 = 250;

/// Stops a long backup, delete or restore between requests; what was done is still reported.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl PartialEq for Cancel {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Which customers a delete is about.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // one per delete
pub enum Selection {
    /// These customers, by id (marked one by one).
    Ids(Vec<i64>),
    /// Every customer the filter matches when the backup is taken, but these.
    Matching { filter: Filter, except: Vec<i64> },
}

/// The store's name as it appears in file names.
pub fn file_safe(store: &str) -> String {
    store
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The file name of a backup taken now: time and store.
pub fn backup_file_name(store: &str, at: chrono::DateTime<chrono::Local>) -> String {
    // Milliseconds too: two deletes within a second must not share (and overwrite) a backup.
    format!(
        "{}-{}.jsonl",
        at.format("%Y%m%d-%H%M%S%.3f"),
        file_safe(store)
    )
}

/// A new backup file in the user's data folder, named by time and store.
pub fn new_backup_path(store: &str) -> Result<PathBuf> {
    let folder = crate::paths::backup_folder()?;
    std::fs::create_dir_all(&folder)
        .wrap_err_with(|| format!("cannot create {}", folder.display()))?;
    Ok(folder.join(backup_file_name(store, chrono::Local::now())))
}

/// What a backup holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackedUp {
    /// The customers written to the file, in id order: the only ones to delete.
    pub ids: Vec<i64>,
    /// Marked customers the store no longer had.
    pub already_gone: u64,
}

/// Writes every customer the filter matches to `path`, one JSON object a line, and returns
/// their ids. The file is complete when this returns Ok.
pub async fn back_up(client: &Client, filter: &Filter, path: &Path) -> Result<Vec<i64>> {
    let selection = Selection::Matching {
        filter: filter.clone(),
        except: Vec::new(),
    };
    let backed_up =
        back_up_selection(client, &selection, path, &Cancel::default(), |_, _| {}).await?;
    Ok(backed_up.ids)
}

/// Writes the selected customers to `path` as they are on the store now. Cancelling stops it
/// and removes the unfinished file: nothing is deleted without a whole backup.
pub async fn back_up_selection(
    client: &Client,
    selection: &Selection,
    path: &Path,
    cancel: &Cancel,
    mut progress: impl FnMut(u64, u64),
) -> Result<BackedUp> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)
            .wrap_err_with(|| format!("cannot create {}", folder.display()))?;
    }
    // Never over an earlier backup: that one may be the only copy of other customers.
    let file = std::fs::File::options()
        .write(true)
        .create_new(true)
        .open(path)
        .wrap_err_with(|| {
            format!(
                "cannot create the backup {}; nothing was deleted",
                path.display()
            )
        })?;
    let mut out = std::io::BufWriter::new(file);
    let mut backed_up = BackedUp::default();
    let mut write = |customer: &Customer| -> Result<()> {
        serde_json::to_writer(&mut out, customer).wrap_err("cannot write the backup")?;
        out.write_all(b"\n").wrap_err("cannot write the backup")
    };
    let written = match selection {
        Selection::Ids(ids) => {
            let total = ids.len() as u64;
            let mut fetched = futures::stream::iter(ids.iter().copied())
                .map(|id| async move { (id, client.get(id).await) })
                .buffered(CONCURRENCY);
            let mut seen = 0;
            let mut outcome = Ok(());
            while let Some((id, result)) = fetched.next().await {
                if cancel.is_cancelled() {
                    outcome = Err(eyre!("cancelled while backing up; nothing was deleted"));
                    break;
                }
                match result {
                    Ok(customer) => {
                        if let Err(error) = write(&customer) {
                            outcome = Err(error);
                            break;
                        }
                        backed_up.ids.push(customer.id);
                    }
                    Err(ApiError::Status { status: 404, .. }) => backed_up.already_gone += 1,
                    Err(error) => {
                        outcome = Err(eyre!(error))
                            .wrap_err(format!("cannot back up customer {id}; nothing was deleted"));
                        break;
                    }
                }
                seen += 1;
                progress(seen, total);
            }
            outcome
        }
        Selection::Matching { filter, except } => {
            let except: BTreeSet<i64> = except.iter().copied().collect();
            let (expected, pages) = client
                .all_pages(filter, CONCURRENCY)
                .await
                .wrap_err("cannot count the customers to back up")?;
            let mut pages = std::pin::pin!(pages);
            let mut read = 0;
            let mut outcome = Ok(());
            while let Some(page) = pages.next().await {
                if cancel.is_cancelled() {
                    outcome = Err(eyre!("cancelled while backing up; nothing was deleted"));
                    break;
                }
                let page = match page.wrap_err("the backup could not be completed") {
                    Ok(page) => page,
                    Err(error) => {
                        outcome = Err(error);
                        break;
                    }
                };
                for customer in page {
                    read += 1;
                    if except.contains(&customer.id) {
                        continue;
                    }
                    if let Err(error) = write(&customer) {
                        outcome = Err(error);
                        break;
                    }
                    backed_up.ids.push(customer.id);
                }
                progress(read, expected);
            }
            if outcome.is_ok() && read != expected {
                outcome = Err(eyre!(
                    "the store changed while it was backed up ({expected} counted, {read} read); nothing was deleted"
                ));
            }
            outcome
        }
    };
    let finished = written.and_then(|()| {
        out.flush().wrap_err("cannot write the backup")?;
        out.get_ref().sync_all().wrap_err("cannot write the backup")
    });
    if let Err(error) = finished {
        drop(out);
        let _ = std::fs::remove_file(path);
        return Err(error);
    }
    backed_up.ids.sort_unstable();
    backed_up.ids.dedup();
    Ok(backed_up)
}

/// What a delete or restore did, exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub done: u64,
    /// The customers deleted (a delete) or created (a restore), by id.
    pub ids: Vec<i64>,
    /// Customers that were already gone (a delete of them found nothing).
    pub already_gone: u64,
    /// What failed, with why.
    pub failed: Vec<(String, String)>,
    /// Left alone because the work was cancelled.
    pub not_attempted: u64,
}

impl Report {
    /// `412 deleted, 0 failed` and what else there is to say.
    pub fn summary(&self, verb: &str) -> String {
        let mut text = format!(
            "{} {verb}, {} failed",
            crate::format::thousands(self.done),
            self.failed.len()
        );
        if self.already_gone > 0 {
            text.push_str(&format!(", {} already gone", self.already_gone));
        }
        if self.not_attempted > 0 {
            text.push_str(&format!(
                ", {} left alone (cancelled)",
                crate::format::thousands(self.not_attempted)
            ));
        }
        text
    }
}

/// Deletes these customers by id, a few at a time, paced by the client. Cancelling sends no
/// new request; the ones under way finish and are counted.
pub async fn delete_ids(
    client: &Client,
    ids: &[i64],
    cancel: &Cancel,
    mut progress: impl FnMut(u64, u64),
) -> Report {
    let total = ids.len() as u64;
    let mut report = Report::default();
    let mut started = 0u64;
    let mut results = futures::stream::iter(ids.iter().copied())
        .take_while(|_| {
            let go = !cancel.is_cancelled();
            started += u64::from(go);
            std::future::ready(go)
        })
        .map(|id| async move { (id, client.delete(id).await) })
        .buffer_unordered(CONCURRENCY);
    while let Some((id, result)) = results.next().await {
        match result {
            Ok(()) => {
                report.done += 1;
                report.ids.push(id);
            }
            Err(ApiError::Status { status: 404, .. }) => report.already_gone += 1,
            Err(error) => report
                .failed
                .push((format!("customer {id}"), error.to_string())),
        }
        progress(
            report.done + report.already_gone + report.failed.len() as u64,
            total,
        );
    }
    drop(results);
    report.not_attempted = total - started;
    report.ids.sort_unstable();
    report
}

/// Which of these ids the store still has: checked after a delete rather than trusting its
/// answers. Reads the id range page by page when that is cheaper than one read per id.
pub async fn still_on_store(client: &Client, ids: &[i64]) -> Result<Vec<i64>, ApiError> {
    let (Some(&low), Some(&high)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(Vec::new());
    };
    let wanted: BTreeSet<i64> = ids.iter().copied().collect();
    let span_pages = (high - low) as u64 / PAGE + 1;
    if span_pages <= ids.len() as u64 {
        let filter = Filter {
            min_id: Some(low),
            max_id: Some(high),
            ..Filter::default()
        };
        let (_, pages) = client.all_pages(&filter, CONCURRENCY).await?;
        let mut pages = std::pin::pin!(pages);
        let mut present = Vec::new();
        while let Some(page) = pages.next().await {
            present.extend(
                page?
                    .into_iter()
                    .map(|c| c.id)
                    .filter(|id| wanted.contains(id)),
            );
        }
        return Ok(present);
    }
    let mut answers = futures::stream::iter(wanted.iter().copied())
        .map(|id| async move { (id, client.get(id).await) })
        .buffer_unordered(CONCURRENCY);
    let mut present = Vec::new();
    while let Some((id, answer)) = answers.next().await {
        match answer {
            Ok(_) => present.push(id),
            Err(ApiError::Status { status: 404, .. }) => {}
            Err(error) => return Err(error),
        }
    }
    present.sort_unstable();
    Ok(present)
}
