//! Customers marked for deleting: one by one (kept across pages and filters), or every
//! customer a filter matches, counted by the store rather than by what is on screen.

use std::collections::BTreeSet;

use crate::api::{Customer, Filter};
use crate::backup::Selection;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    /// Marked one by one.
    ids: BTreeSet<i64>,
    /// Every customer this filter matches, of which the store counted `count`.
    all: Option<(Filter, u64)>,
    /// Unmarked one by one while every match of `all` is marked.
    except: BTreeSet<i64>,
}

impl Marks {
    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// How many customers are marked.
    pub fn count(&self) -> u64 {
        match &self.all {
            Some((_, count)) => count.saturating_sub(self.except.len() as u64),
            None => self.ids.len() as u64,
        }
    }

    /// The filter whose every match is marked.
    pub fn all_matching(&self) -> Option<&Filter> {
        self.all.as_ref().map(|(filter, _)| filter)
    }

    /// Whether a customer on a page shown under `filter` is marked.
    pub fn contains(&self, id: i64, shown_under: &Filter) -> bool {
        match &self.all {
            Some((filter, _)) => filter == shown_under && !self.except.contains(&id),
            None => self.ids.contains(&id),
        }
    }

    /// Marks or unmarks one customer shown under `filter`.
    pub fn toggle(&mut self, id: i64, shown_under: &Filter) {
        match &self.all {
            Some((filter, _)) if filter == shown_under => {
                if !self.except.remove(&id) {
                    self.except.insert(id);
                }
            }
            // Marking one by one replaces a mark-all made under another filter.
            Some(_) => {
                self.clear();
                self.ids.insert(id);
            }
            None => {
                if !self.ids.remove(&id) {
                    self.ids.insert(id);
                }
            }
        }
    }

    /// Marks these customers (a range), leaving marked ones marked.
    pub fn mark(&mut self, ids: impl IntoIterator<Item = i64>, shown_under: &Filter) {
        for id in ids {
            if !self.contains(id, shown_under) {
                self.toggle(id, shown_under);
            }
        }
    }

    pub fn mark_all(&mut self, filter: &Filter, count: u64) {
        self.clear();
        self.all = Some((filter.clone(), count));
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

    /// What a delete of the marks is about.
    pub fn selection(&self) -> Selection {
        match &self.all {
            Some((filter, _)) => Selection::Matching {
                filter: filter.clone(),
                except: self.except.iter().copied().collect(),
            },
            None => Selection::Ids(self.ids.iter().copied().collect()),
        }
    }

    /// How many marked customers are on this page, shown under `filter`.
    pub fn visible(&self, page: &[Customer], shown_under: &Filter) -> u64 {
        page.iter()
            .filter(|c| self.contains(c.id, shown_under))
            .count() as u64
    }
}
