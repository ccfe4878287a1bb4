//! What goes between the app and the worker: reads and writes in, events out, each tagged
//! with the request that asked.

use std::path::PathBuf;
use std::time::Duration;

use crate::domain::{
    Address, AddressChange, Customer, CustomerChange, CustomerGroup, Filter, GroupChange,
    NewCustomer,
};
use std::sync::Arc;

use crate::index::sync::{SyncProgress, SyncReport};
use crate::index::{IndexQuery, IndexStatus, Summary};
use crate::jobs::delete::Deleted;
use crate::jobs::review::Reviewed;
use crate::jobs::undo::{UndoScope, Undone};
use crate::jobs::update::{BulkChange, Review, Updated};
use crate::jobs::{Cancel, JobError, Progress};
use crate::ledger::History;
use crate::store::{ApiError, RateSnapshot};

/// Tags each request; the UI matches events to what it asked for.
pub type RequestId = u64;

/// Where a read's result goes. A new read in a slot supersedes the one in flight there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The page on screen.
    Page,
    /// The page after it, fetched ahead.
    NextPage,
    /// The count for the current filter.
    Count,
    /// The customer in the detail view or a form.
    Customer,
    /// The count of every customer of the store, when a filter is on.
    StoreCount,
    /// The store's customer groups.
    Groups,
    /// The addresses of the customer in the details.
    Addresses,
    /// The number of customers in each group, for the groups view.
    GroupCounts,
    /// The review of a bulk edit.
    BulkReview,
    /// The change journal, for its view.
    History,
    /// The summary of the local index (customers per group, domain, month).
    Summary,
    /// The review before a delete: which customers, fixed.
    DeleteReview,
}

/// A search's first count goes no further: broad searches answer at once, exactly after.
pub const QUICK_COUNT: u64 = 1_000;

/// Which customers an export writes.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // one per export
pub enum ExportOf {
    /// Every customer the filter matches, from the store, in id order.
    Matching(Filter),
    /// Every customer the local index finds, in its order.
    Found(IndexQuery),
    /// The marked customers, as marked.
    Marked(Chosen),
}

/// Which customers a job is about, as the app chose them.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // one per job
pub enum Chosen {
    /// These customers, by id (marked one by one).
    Ids(Vec<i64>),
    /// Every customer the filter matches when reviewed, but these.
    Matching { filter: Filter, except: Vec<i64> },
    /// Every customer a search of the local index finds, but these: read from the index as
    /// ids before the review.
    Found { query: IndexQuery, except: Vec<i64> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    List {
        filter: Filter,
        page: u64,
        limit: u64,
    },
    Count {
        filter: Filter,
    },
    Get {
        customer_id: i64,
    },
    /// Every customer group of the store.
    Groups,
    /// Every address of a customer.
    Addresses {
        customer_id: i64,
    },
    /// How many customers each of these groups has: one count each, a few at once.
    GroupCounts {
        group_ids: Vec<i64>,
    },
    /// The store's change sets, newest first.
    History,
    /// What a bulk edit would do to the chosen customers, as they are now.
    BulkReview {
        chosen: Chosen,
        change: BulkChange,
    },
    /// Which customers a delete would remove, read from the store and fixed.
    DeleteReview {
        chosen: Chosen,
    },
    /// A page of what the local index finds (answered as `Outcome::Page`).
    Search {
        query: IndexQuery,
        page: u64,
        limit: u64,
    },
    /// How many customers the local index finds, counted no further than a thousand
    /// (answered as `Outcome::Count`, or `Outcome::CountMoreThan` for a broad search).
    SearchCount {
        query: IndexQuery,
    },
    /// Exactly how many customers the local index finds, however many (answered as
    /// `Outcome::Count`; stopped by the next search).
    SearchExactCount {
        query: IndexQuery,
    },
    /// Customers per group, email domain and signup month, from the local index.
    Summary,
}

#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // a few writes a second at most
pub enum Write {
    Create {
        customer: NewCustomer,
    },
    Update {
        customer_id: i64,
        changes: CustomerChange,
        /// The changed fields as they were, for the journal (a password is not kept).
        before: CustomerChange,
    },
    CreateAddress {
        customer_id: i64,
        fields: AddressChange,
    },
    UpdateAddress {
        customer_id: i64,
        address_id: i64,
        changes: AddressChange,
    },
    DeleteAddress {
        customer_id: i64,
        address_id: i64,
    },
    CreateGroup {
        group: GroupChange,
    },
    UpdateGroup {
        group_id: i64,
        change: GroupChange,
    },
    /// Deletes a group; its customers are left in no group.
    DeleteGroup {
        group_id: i64,
    },
    /// Customers into a file (its name says the format; `~/` is the home folder). A file
    /// there already is replaced only when `replace` says so; else the answer asks.
    Export {
        of: ExportOf,
        path: PathBuf,
        replace: bool,
    },
    /// Backs the reviewed customers up, deletes exactly those, then checks the store.
    DeleteCustomers {
        reviewed: Reviewed,
        cancel: Cancel,
    },
    /// Undoes a change set of the ledger (those of its customers in `scope`).
    UndoChangeSet {
        set: u64,
        scope: UndoScope,
        cancel: Cancel,
    },
    /// Leaves a change set's conflicts as they are.
    SetAside {
        set: u64,
    },
    /// Backs the reviewed customers up, then changes each of them.
    UpdateCustomers {
        ids: Vec<i64>,
        change: BulkChange,
        cancel: Cancel,
    },
}

// A few commands a second at most: their size does not matter, boxing would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Read {
        request: RequestId,
        slot: Slot,
        read: Read,
    },
    Write {
        request: RequestId,
        write: Write,
    },
    /// Brings the local index level with the store in the background (one sync at a time:
    /// a new one replaces one under way, which keeps what it read). Answered with
    /// `IndexProgress` events and `IndexSynced`.
    SyncIndex {
        request: RequestId,
    },
    /// Cancels the reads in flight and ends the worker once writes under way are done.
    Shutdown,
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Page(Vec<Customer>),
    Count(u64),
    /// A search found more customers than this; the exact count follows when asked for.
    CountMoreThan(u64),
    Customer(Customer),
    Groups(Vec<CustomerGroup>),
    /// A customer's addresses.
    Addresses {
        customer_id: i64,
        addresses: Vec<Address>,
    },
    /// An address created or changed.
    Address(Address),
    AddressDeleted {
        customer_id: i64,
        address_id: i64,
    },
    /// Customers per group, as (group id, count).
    GroupCounts(Vec<(i64, u64)>),
    /// A group created or changed.
    Group(CustomerGroup),
    GroupDeleted(i64),
    /// A job under way: an export, a delete or a restore.
    Progress(Progress),
    /// An export finished whole.
    Exported {
        written: u64,
        path: PathBuf,
    },
    /// An export asked to write where a file is: nothing was written; asked before replacing.
    ExportWouldReplace {
        of: ExportOf,
        path: PathBuf,
    },
    /// A delete finished (or was cancelled): what it did, where the backup is, what the check
    /// found.
    DeletedCustomers(Deleted),
    BulkReview(Review),
    /// The customers a delete would remove, and what names the store (its id, domain,
    /// address) for a delete of every customer.
    DeleteReview {
        reviewed: Reviewed,
        confirmations: Vec<String>,
    },
    History(History),
    Undone(Undone),
    /// Conflicts set aside, how many.
    SetAside(u64),
    /// A bulk edit finished (or was cancelled).
    UpdatedCustomers(Updated),
    Summary(Summary),
    /// The local index's sync under way.
    IndexProgress(SyncProgress),
    /// The local index's sync finished.
    IndexSynced(SyncReport),
    /// The local index is open for this store, as it stands.
    IndexOpened(IndexStatus),
}

/// Why a request or job failed: the store's answer, or the job's own reason (a file, the
/// ledger, a cancelled or damaged backup), its kind kept.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Job(Arc<JobError>),
}

impl From<JobError> for Failure {
    fn from(error: JobError) -> Failure {
        Failure::Job(Arc::new(error))
    }
}

impl Failure {
    /// The store's answer, when that is what failed.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Failure::Api(error) => Some(error),
            Failure::Job(job) => match job.as_ref() {
                JobError::Store { error, .. } => Some(error),
                _ => None,
            },
        }
    }

    /// The job's own reason, when that is what failed.
    pub fn job(&self) -> Option<&JobError> {
        match self {
            Failure::Job(job) => Some(job),
            Failure::Api(_) => None,
        }
    }
}

impl PartialEq for Failure {
    fn eq(&self, other: &Failure) -> bool {
        match (self, other) {
            (Failure::Api(a), Failure::Api(b)) => a == b,
            (Failure::Job(a), Failure::Job(b)) => {
                Arc::ptr_eq(a, b) || a.to_string() == b.to_string()
            }
            _ => false,
        }
    }
}

/// A finished request.
#[derive(Debug, Clone)]
pub struct Event {
    pub request: RequestId,
    /// For reads, the slot they were asked for.
    pub slot: Option<Slot>,
    pub result: Result<Outcome, Failure>,
    pub elapsed: Duration,
    /// The rate-limit budget after the request.
    pub budget: RateSnapshot,
}
