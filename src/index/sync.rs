//! Keeping the index equal to the store with few requests, in the background.
//!
//! - The first sync reads every page, a few at a time, keeping each page with the page it
//!   goes on from: cut off by a failing store, it goes on from there.
//! - Then, and at every sync after, only the customers modified since the last sync are read
//!   (`min_date_modified`, overlapping by a second as dates have whole seconds): when nothing
//!   changed, that is one request that comes back empty.
//! - Deleted customers are found by counting: the store's count against the index's, and
//!   where they differ, counts over halves of the id range (`min_id`/`max_id`) down to ranges
//!   of one page, which are read and compared. Nothing deleted costs one count.
//!
//! Every request goes through the background store: the person's own requests go first.

use std::sync::Arc;
use std::time::Duration;

use futures::{StreamExt, stream};

use super::{IndexError, LocalIndex, SyncState};
use crate::domain::{Customer, Filter};
use crate::store::ApiError;
use crate::store::SharedStore;

/// Customers per page read.
pub const PAGE: u64 = 250;
/// Ranges of a first sync read at once: enough to hide a distant store's latency.
pub const CONCURRENCY: usize = 6;
/// Customers kept in one transaction by a first sync.
const WRITE_BATCH: usize = 2_500;
/// A sync cut off by a failing store starts again (from where it stopped) this many times.
const ROUNDS: u32 = 6;

/// How far a sync has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncProgress {
    /// Customers read so far (the first sync), or changes read (later ones).
    pub done: u64,
    pub total: u64,
    /// Whether this is the first sync, reading every page.
    pub first: bool,
}

/// What a sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncReport {
    pub first: bool,
    /// Customers read from the store and kept (new or changed).
    pub changed: u64,
    /// Customers the store no longer has, taken out.
    pub removed: u64,
    /// Customers in the index after it.
    pub customers: u64,
    /// Requests it sent.
    pub requests: u64,
    /// Customers the store counts but does not list (its count stays above what it lists
    /// after the sync): said as a warning, since the index cannot hold them.
    pub unlisted: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the index sync stopped: {0}")]
    Store(#[from] ApiError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// Runs `work` on the index on a blocking thread: SQLite is not async.
async fn on_index<T: Send + 'static>(
    index: &Arc<LocalIndex>,
    work: impl FnOnce(&LocalIndex) -> Result<T, IndexError> + Send + 'static,
) -> Result<T, IndexError> {
    let index = Arc::clone(index);
    match tokio::task::spawn_blocking(move || work(&index)).await {
        Ok(result) => result,
        Err(error) => Err(IndexError::Task(error)),
    }
}

/// Whether a failure is the store's passing trouble, worth going on from later.
fn passing(error: &ApiError) -> bool {
    match error {
        ApiError::Network(_) | ApiError::Timeout(_) => true,
        ApiError::Status { status, .. } => *status == 429 || *status >= 500,
        _ => false,
    }
}

/// Brings the index level with the store: the first sync when it has never finished one,
/// else the changes since the last. A store failing on the way is tried again, going on from
/// where the sync stopped.
pub async fn sync(
    store: &SharedStore,
    index: &Arc<LocalIndex>,
    mut progress: impl FnMut(SyncProgress) + Send,
) -> Result<SyncReport, SyncError> {
    let store = store.background();
    // Its own requests only: the person's go through the same store meanwhile.
    let sent = || store.stats().background_requests();
    let sent_before = sent();
    let mut round = 0;
    let mut report = loop {
        match sync_once(&store, index, &mut progress).await {
            Err(SyncError::Store(error)) if passing(&error) && round + 1 < ROUNDS => {
                round += 1;
                tracing::info!("the index sync met a failing store ({error}); going on");
                tokio::time::sleep(Duration::from_millis(250 << round.min(5))).await;
            }
            other => break other?,
        }
    };
    report.requests = sent() - sent_before;
    report.customers = on_index(index, |index| index.len()).await?;
    Ok(report)
}

async fn sync_once(
    store: &SharedStore,
    index: &Arc<LocalIndex>,
    progress: &mut (impl FnMut(SyncProgress) + Send),
) -> Result<SyncReport, SyncError> {
    let state = on_index(index, |index| index.sync_state()).await?;
    let mut report = SyncReport::default();
    let since = match (state.store_synced_at, state.first_sync_next_id) {
        (Some(since), None) => since,
        _ => {
            report.first = true;
            first_sync(store, index, state, progress).await?
        }
    };
    let (changed, watermark) = changes_since(store, index, since).await?;
    report.changed += changed;
    let (removed, store_total) = remove_deleted(store, index).await?;
    report.removed = removed;
    let held = on_index(index, |index| index.len()).await?;
    report.unlisted = store_total.saturating_sub(held);
    if report.unlisted > 0 {
        tracing::warn!(
            "the store counts {} customers more than it lists",
            report.unlisted
        );
    }
    // Group names as the store has them now: a renamed group is never shown by its old name.
    match store.groups().await {
        Ok(groups) => on_index(index, move |index| index.set_groups(&groups)).await?,
        Err(ApiError::Status { status: 404, .. }) => {} // a store without groups
        Err(error) => return Err(error.into()),
    }
    let done = SyncState {
        store_synced_at: Some(watermark),
        synced_at: Some(crate::dates::now_unix()),
        first_sync_started: None,
        first_sync_next_id: None,
    };
    on_index(index, move |index| index.set_sync_state(&done)).await?;
    if report.first {
        report.changed += on_index(index, |index| index.len()).await?;
    }
    Ok(report)
}

/// Reads every customer into the index; returns the store's clock when the first sync began
/// (kept across a restart), from which the changes made during it are read next.
///
/// Customers are read by id range (`min_id`/`max_id`), never by page number: a customer
/// deleted meanwhile would shift later pages and hide another. The ranges are sized to hold
/// a page each and read a few at once; each range is kept as it arrives, and the id the sync
/// goes on from moves past it once every range below it is kept.
async fn first_sync(
    store: &SharedStore,
    index: &Arc<LocalIndex>,
    state: SyncState,
    progress: &mut (impl FnMut(SyncProgress) + Send),
) -> Result<i64, SyncError> {
    let (started, from_id) = (state.first_sync_started, state.first_sync_next_id);
    let total = store.count(&Filter::default()).await?;
    let started = match started {
        Some(started) => started,
        None => {
            // The store's clock at the count: what changes during the sync are read from.
            // Never this machine's clock: a store whose clock is behind would have its
            // changes missed. Without a `Date`, from the start of time.
            let started = store.stats().store_time().unwrap_or(0);
            let begun = SyncState {
                first_sync_started: Some(started),
                first_sync_next_id: Some(1),
                ..state
            };
            on_index(index, move |index| index.set_sync_state(&begun)).await?;
            started
        }
    };
    let from_id = from_id.unwrap_or(1).max(1);
    let mut done = on_index(index, move |index| index.count_between(1, from_id - 1)).await?;
    progress(SyncProgress {
        done,
        total,
        first: true,
    });
    // The highest id now: the last customer of the last page.
    let top = match total.div_ceil(PAGE) {
        0 => 0,
        last => store
            .list(&Filter::default(), last, PAGE)
            .await?
            .customers
            .last()
            .map_or(0, |customer| customer.id),
    };
    let ranges = id_ranges(from_id, top, total.saturating_sub(done));
    let mut reads = stream::iter(ranges)
        .map(|(min, max)| {
            let store = store.clone();
            async move { read_range(&store, min, max).await.map(|read| (max, read)) }
        })
        .buffered(CONCURRENCY);
    // Ranges are kept several at a time (fewer, bigger transactions write far faster), on a
    // blocking thread while the next ranges are read.
    let mut batch = Vec::new();
    let mut next_id = None;
    let mut writing: Option<tokio::task::JoinHandle<Result<(), IndexError>>> = None;
    loop {
        let read = reads.next().await;
        let last = read.is_none();
        if let Some(read) = read {
            let (max, customers) = read?;
            done += customers.len() as u64;
            batch.extend(customers);
            next_id = max.map(|max| max + 1).or(next_id);
            progress(SyncProgress {
                done,
                total: total.max(done),
                first: true,
            });
        }
        if batch.len() >= WRITE_BATCH || (last && !batch.is_empty()) {
            if let Some(previous) = writing.take() {
                finish_write(previous).await?;
            }
            let (customers, index) = (std::mem::take(&mut batch), Arc::clone(index));
            writing = Some(tokio::task::spawn_blocking(move || match next_id {
                Some(next_id) => index.keep_range(&customers, next_id),
                None => index.upsert(&customers),
            }));
        }
        if last {
            break;
        }
    }
    if let Some(previous) = writing.take() {
        finish_write(previous).await?;
    }
    Ok(started)
}

/// The id ranges from `from` to `top` (and one open range above it, for customers created
/// meanwhile), each expected to hold a little less than a page given `left` customers there.
fn id_ranges(from: i64, top: i64, left: u64) -> Vec<(i64, Option<i64>)> {
    let mut ranges = Vec::new();
    if top >= from && left > 0 {
        let span = (top - from + 1) as f64;
        let density = (left as f64 / span).min(1.0);
        // Ids with no gaps: a range of PAGE - 1 ids holds at most PAGE - 1 customers. With
        // gaps, leave room for unevenness.
        let width = if density > 0.98 {
            (PAGE - 1) as f64
        } else {
            0.9 * PAGE as f64 / density
        };
        let width = (width as i64).max(1);
        let mut min = from;
        while min <= top {
            let max = min.saturating_add(width - 1).min(top);
            ranges.push((min, Some(max)));
            min = max + 1;
        }
    }
    ranges.push((top.max(from - 1) + 1, None));
    ranges
}

/// Every customer with an id from `min` to `max` (or above `min`), read a page at a time by
/// id.
async fn read_range(
    store: &SharedStore,
    min: i64,
    max: Option<i64>,
) -> Result<Vec<Customer>, SyncError> {
    let mut from = min;
    let mut read = Vec::new();
    loop {
        let filter = Filter {
            min_id: Some(from),
            max_id: max,
            ..Filter::default()
        };
        let customers = store.list(&filter, 1, PAGE).await?.customers;
        let count = customers.len() as u64;
        if let Some(last) = customers.last() {
            from = last.id + 1;
        }
        read.extend(customers);
        if count < PAGE {
            return Ok(read);
        }
    }
}

/// Waits for a write of kept customers.
async fn finish_write(
    write: tokio::task::JoinHandle<Result<(), IndexError>>,
) -> Result<(), SyncError> {
    match write.await {
        Ok(result) => Ok(result?),
        Err(error) => Err(IndexError::Task(error).into()),
    }
}

/// Keeps every customer modified since `since` (a second earlier, as dates are whole
/// seconds), read by id so that none is skipped; returns how many, and the store's clock to
/// measure the next sync from: its `Date` at the first answer, else the newest
/// `date_modified` it sent — never this machine's clock, which may disagree with the store's.
async fn changes_since(
    store: &SharedStore,
    index: &Arc<LocalIndex>,
    since: i64,
) -> Result<(u64, i64), SyncError> {
    let mut watermark = None;
    let mut newest = None;
    let mut changed = 0;
    let mut from = 1;
    loop {
        let filter = Filter {
            min_date_modified: Some(since - 1),
            min_id: Some(from),
            ..Filter::default()
        };
        let listed = store.list(&filter, 1, PAGE).await?;
        let (customers, date) = (listed.customers, listed.store_time);
        // The store's clock at the first answer: anything changed after it is read next time.
        watermark = watermark.or(date);
        newest = customers
            .iter()
            .filter_map(Customer::modified_at)
            .max()
            .max(newest);
        let read = customers.len() as u64;
        changed += read;
        if let Some(last) = customers.last() {
            from = last.id + 1;
        }
        if read > 0 {
            on_index(index, move |index| index.upsert(&customers)).await?;
        }
        if read < PAGE {
            break;
        }
    }
    Ok((changed, watermark.or(newest).unwrap_or(since).max(since)))
}

/// Finds the customers the store no longer has by counting, and takes them out. Ranges of
/// ids where the counts differ are halved until a range fits one page, which is read: its
/// customers are kept as they are now and the rest of the range taken out. Customers the
/// index lacks (a page that shifted while the first sync read) are found the same way.
/// What was taken out, and the store's count of every customer.
async fn remove_deleted(
    store: &SharedStore,
    index: &Arc<LocalIndex>,
) -> Result<(u64, u64), SyncError> {
    let store_total = store.count(&Filter::default()).await?;
    let (index_total, max_id) = on_index(index, |index| {
        Ok((index.len()?, index.max_id()?.unwrap_or(0)))
    })
    .await?;
    if store_total == index_total {
        return Ok((0, store_total));
    }
    let between = |min: i64, max: i64| Filter {
        min_id: Some(min),
        max_id: Some(max),
        ..Filter::default()
    };
    let mut removed = 0;
    let in_range = if max_id > 0 {
        store.count(&between(1, max_id)).await?
    } else {
        0
    };
    if store_total > in_range {
        // Customers above the highest id held: new since, kept as they are.
        let customers = read_range(store, max_id + 1, None).await?;
        on_index(index, move |index| index.upsert(&customers)).await?;
    }
    // Ranges to look at, with the store's count in each.
    let mut ranges = vec![(1, max_id, in_range)];
    while let Some((min, max, store_count)) = ranges.pop() {
        if min > max {
            continue;
        }
        let held = on_index(index, move |index| index.count_between(min, max)).await?;
        if held == store_count {
            continue;
        }
        if store_count <= PAGE || min == max {
            let customers = store.list(&between(min, max), 1, PAGE).await?.customers;
            removed += on_index(index, move |index| {
                let kept: std::collections::HashSet<i64> = customers.iter().map(|c| c.id).collect();
                let gone: Vec<i64> = index
                    .ids_between(min, max)?
                    .into_iter()
                    .filter(|id| !kept.contains(id))
                    .collect();
                index.upsert(&customers)?;
                index.remove(&gone)?;
                Ok(gone.len() as u64)
            })
            .await?;
            continue;
        }
        let middle = min + (max - min) / 2;
        let lower = store.count(&between(min, middle)).await?;
        ranges.push((middle + 1, max, store_count.saturating_sub(lower)));
        ranges.push((min, middle, lower));
    }
    Ok((removed, store_total))
}

/// Reads the addresses of every customer whose addresses the index has not read (one
/// request each, a few at once, through the background store), for the summary's
/// countries; returns how many customers' addresses were read.
pub async fn read_addresses(
    store: &SharedStore,
    index: &Arc<LocalIndex>,
    mut progress: impl FnMut(SyncProgress) + Send,
) -> Result<u64, SyncError> {
    let store = store.background();
    let total = on_index(index, |index| {
        Ok(index.without_addresses(u64::MAX >> 1)?.len() as u64)
    })
    .await?;
    let mut done = 0;
    loop {
        let ids = on_index(index, |index| index.without_addresses(PAGE)).await?;
        if ids.is_empty() {
            return Ok(done);
        }
        let mut reads = stream::iter(ids)
            .map(|customer_id| {
                let store = Arc::clone(&store);
                async move { (customer_id, store.addresses(customer_id).await) }
            })
            .buffered(CONCURRENCY);
        while let Some((customer_id, addresses)) = reads.next().await {
            match addresses {
                Ok(addresses) => {
                    on_index(index, move |index| {
                        index.set_addresses(customer_id, &addresses)
                    })
                    .await?;
                }
                // Deleted meanwhile: the index lets the customer go.
                Err(ApiError::Status { status: 404, .. }) => {
                    on_index(index, move |index| index.remove(&[customer_id])).await?;
                }
                Err(error) => return Err(error.into()),
            }
            done += 1;
            progress(SyncProgress {
                done,
                total: total.max(done),
                first: true,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_hold_a_little_less_than_a_page_and_end_open() {
        assert_eq!(
            id_ranges(1, 600, 600),
            vec![
                (1, Some(249)),
                (250, Some(498)),
                (499, Some(600)),
                (601, None)
            ]
        );
        // Half the ids taken: ranges twice as wide, with room.
        assert_eq!(id_ranges(1, 1000, 500)[0], (1, Some(450)));
        assert_eq!(id_ranges(5, 0, 0), vec![(5, None)]);
        assert_eq!(id_ranges(1, 0, 0), vec![(1, None)]);
    }
}
