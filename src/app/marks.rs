//! Customers marked for deleting: one by one (kept across pages and filters), or every
//! customer a filter matches, counted by the store rather than by what is on screen.

use std::collections::{BTreeMap, BTreeSet};

use super::Listing;
use crate::domain::Customer;
use crate::worker::Chosen;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    /// Marked one by one, with who they are (they may be on another page by the delete).
    ids: BTreeMap<i64, String>,
    /// Every customer a filter matches.
    all: Option<AllMatching>,
    /// Unmarked one by one while every match of `all` is marked.
    except: BTreeSet<i64>,
}

/// Every customer a filter matches (or a search finds), as counted when they were marked.
#[derive(Debug, Clone, PartialEq)]
struct AllMatching {
    listing: Listing,
    count: u64,
}

impl Marks {
    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// How many customers are marked.
    pub fn count(&self) -> u64 {
        match &self.all {
            Some(all) => all.count.saturating_sub(self.except.len() as u64),
            None => self.ids.len() as u64,
        }
    }

    /// The listing whose every customer is marked.
    pub fn all_matching(&self) -> Option<&Listing> {
        self.all.as_ref().map(|all| &all.listing)
    }

    /// Whether a customer on a page shown under `listing` is marked.
    pub fn contains(&self, id: i64, shown_under: &Listing) -> bool {
        match &self.all {
            Some(all) => all.listing == *shown_under && !self.except.contains(&id),
            None => self.ids.contains_key(&id),
        }
    }

    /// Marks or unmarks one customer shown under `filter`.
    pub fn toggle(&mut self, customer: &Customer, shown_under: &Listing) {
        let id = customer.id;
        match &self.all {
            Some(all) if all.listing == *shown_under => {
                if !self.except.remove(&id) {
                    self.except.insert(id);
                }
            }
            // Marking one by one replaces a mark-all made under another filter.
            Some(_) => {
                self.clear();
                self.ids.insert(id, describe(customer));
            }
            None => {
                if self.ids.remove(&id).is_none() {
                    self.ids.insert(id, describe(customer));
                }
            }
        }
    }

    /// Marks these customers (a range), leaving marked ones marked.
    pub fn mark<'a>(
        &mut self,
        customers: impl IntoIterator<Item = &'a Customer>,
        shown_under: &Listing,
    ) {
        for customer in customers {
            if !self.contains(customer.id, shown_under) {
                self.toggle(customer, shown_under);
            }
        }
    }

    pub fn mark_all(&mut self, listing: &Listing, count: u64) {
        self.clear();
        self.all = Some(AllMatching {
            listing: listing.clone(),
            count,
        });
    }

    pub fn clear(&mut self) {
        *self = Marks::default();
    }

    /// Forgets customers that are gone.
    pub fn forget(&mut self, ids: &[i64]) {
        for id in ids {
            self.ids.remove(id);
        }
    }

    /// Which customers a job on the marks is about.
    pub fn selection(&self) -> Chosen {
        let except = self.except.iter().copied().collect();
        match &self.all {
            Some(AllMatching {
                listing: Listing::Store(filter),
                ..
            }) => Chosen::Matching {
                filter: filter.clone(),
                except,
            },
            Some(AllMatching {
                listing: Listing::Found(query),
                ..
            }) => Chosen::Found {
                query: query.clone(),
                except,
            },
            None => Chosen::Ids(self.ids.keys().copied().collect()),
        }
    }

    /// Who is marked one by one, when there are at most `few`.
    pub fn names(&self, few: usize) -> Vec<String> {
        if self.all.is_some() || self.ids.len() > few {
            return Vec::new();
        }
        self.ids.values().cloned().collect()
    }

    /// How many marked customers are on this page, shown under `filter`.
    pub fn visible(&self, page: &[Customer], shown_under: &Listing) -> u64 {
        page.iter()
            .filter(|c| self.contains(c.id, shown_under))
            .count() as u64
    }
}

/// `#12 Jane Doe <jane@example.com>`.
pub fn describe(customer: &Customer) -> String {
    format!(
        "#{} {} <{}>",
        customer.id,
        customer.full_name(),
        customer.email
    )
}
