//! Customers read just before they are written, a page at a time: a job that changes many
//! customers works each change out from a copy no older than a few seconds (an edit made
//! meanwhile by someone else is recomputed, never overwritten), at one read per page of
//! ids rather than one per customer. A page is read again from the customer whose copy grew
//! old, so a slow store (a tight quota) costs a read per the writes a few seconds allow.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use crate::domain::Customer;
use crate::store::{ApiError, MAX_PAGE_SIZE, SharedStore};

/// How old a copy may be when a change is worked out from it.
pub const FRESH_FOR: Duration = Duration::from_secs(10);

/// The customers a job will write, read a page at a time as it reaches them.
pub(super) struct FreshCopies {
    store: SharedStore,
    /// The ids to write, in order.
    ids: Vec<i64>,
    fresh_for: Duration,
    held: tokio::sync::Mutex<Held>,
}

#[derive(Default)]
struct Held {
    copies: HashMap<i64, (Customer, Instant)>,
    /// Ids the store did not have when last read, and when.
    gone: HashMap<i64, Instant>,
}

impl FreshCopies {
    pub(super) fn new(store: &SharedStore, ids: &[i64], fresh_for: Duration) -> FreshCopies {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        FreshCopies {
            store: std::sync::Arc::clone(store),
            ids,
            fresh_for,
            held: tokio::sync::Mutex::default(),
        }
    }

    /// The customer as the store has it, read no longer ago than `fresh_for`; `None` when
    /// the store no longer has it.
    pub(super) async fn get(&self, id: i64) -> Result<Option<Customer>, ApiError> {
        let mut held = self.held.lock().await;
        if let Some((customer, at)) = held.copies.get(&id)
            && at.elapsed() < self.fresh_for
        {
            return Ok(Some(customer.clone()));
        }
        if held
            .gone
            .get(&id)
            .is_some_and(|at| at.elapsed() < self.fresh_for)
        {
            return Ok(None);
        }
        // This one and those after it, within a page of ids.
        let from = self.ids.partition_point(|known| *known < id);
        let mut page: Vec<i64> = self.ids[from..]
            .iter()
            .copied()
            .take_while(|next| next - id < MAX_PAGE_SIZE as i64)
            .collect();
        if page.first() != Some(&id) {
            page.insert(0, id);
        }
        let read = self.store.read_many(&page).await?;
        let at = Instant::now();
        let found: HashSet<i64> = read.iter().map(|customer| customer.id).collect();
        for missing in page.iter().filter(|wanted| !found.contains(wanted)) {
            held.copies.remove(missing);
            held.gone.insert(*missing, at);
        }
        for customer in read {
            held.copies.insert(customer.id, (customer, at));
        }
        Ok(held.copies.get(&id).map(|(customer, _)| customer.clone()))
    }

    /// Forgets a customer's copy once it is written (its answer is the newer copy).
    pub(super) async fn written(&self, id: i64) {
        self.held.lock().await.copies.remove(&id);
    }
}
