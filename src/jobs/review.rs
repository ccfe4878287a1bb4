//! The review before a change: which customers it is about, read from the store and fixed.
//! The job then acts on exactly those ids; a customer that comes to match afterwards is left
//! alone, and the report says how many there are.

use futures::StreamExt;

use crate::domain::{Customer, Filter};
use crate::store::{ApiError, SharedStore};

/// Which customers a job is about, as the person chose them.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // one per job
pub enum Selection {
    /// These customers, by id (marked one by one).
    Ids(Vec<i64>),
    /// Every customer the filter matches when reviewed, but these.
    Matching { filter: Filter, except: Vec<i64> },
}

/// The customers a job will act on, fixed when reviewed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reviewed {
    pub ids: Vec<i64>,
    /// The filter they matched, when they were chosen by one: the report counts what matches
    /// it afterwards but was not reviewed.
    pub filter: Option<Filter>,
    /// A few of them, "Ada Lee <ada@example.com>", for the question asked.
    pub examples: Vec<String>,
}

impl Reviewed {
    /// The requests a delete of them will send: its backup by pages of ids and each
    /// customer's addresses (undo creates them again), a DELETE each, and the check.
    pub fn delete_requests(&self) -> u64 {
        let customers = self.count();
        customers * 2 + customers.div_ceil(crate::store::MAX_PAGE_SIZE) + 1
    }

    pub fn count(&self) -> u64 {
        self.ids.len() as u64
    }
}

/// How many customers the question names.
const EXAMPLES: usize = 5;

/// "#12 Ada Lee <ada@example.com>".
pub fn describe(customer: &Customer) -> String {
    format!(
        "#{} {} <{}>",
        customer.id,
        customer.full_name(),
        customer.email
    )
}

/// Reads the chosen customers' ids from the store: a filter's matches page by page, marked
/// ids as given (those gone by then are found when backed up).
pub async fn review(store: &SharedStore, selection: &Selection) -> Result<Reviewed, ApiError> {
    match selection {
        Selection::Ids(ids) => {
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            let examples = store
                .read_many(&ids[..ids.len().min(EXAMPLES)])
                .await?
                .iter()
                .map(describe)
                .collect();
            Ok(Reviewed {
                ids,
                filter: None,
                examples,
            })
        }
        Selection::Matching { filter, except } => {
            let (_, pages) = store
                .all_pages(filter, store.capabilities().concurrency)
                .await?;
            let mut pages = std::pin::pin!(pages);
            let mut reviewed = Reviewed {
                filter: Some(filter.clone()),
                ..Reviewed::default()
            };
            while let Some(page) = pages.next().await {
                for customer in page? {
                    if except.contains(&customer.id) {
                        continue;
                    }
                    if reviewed.examples.len() < EXAMPLES {
                        reviewed.examples.push(describe(&customer));
                    }
                    reviewed.ids.push(customer.id);
                }
            }
            reviewed.ids.sort_unstable();
            reviewed.ids.dedup();
            Ok(reviewed)
        }
    }
}
