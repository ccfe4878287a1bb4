//! Reading the store: pages, the page after (fetched ahead), the count, and their answers.
//! Reads are latest-wins per slot; an answer for a page the user has left is dropped.

use super::keymap::Context;
use super::{App, Awaited, PrefetchedPage};
use crate::domain::Filter;
use crate::worker::{Command, Event, Outcome, Read, Slot};

impl App {
    /// Turns to `page`. The page on screen, its position and its rows change together, when
    /// the new rows are there: at once from the page fetched ahead, else when they arrive.
    pub(super) fn go_to_page(&mut self, page: u64) -> Vec<Command> {
        if self.last_page().is_some_and(|last| page > last) || page == 0 {
            return Vec::new();
        }
        if page == self.page {
            if self.requested_page.take().is_some() {
                // Back to the page on screen before the other arrived: stop waiting for it.
                self.forget_slot(Slot::Page);
                self.loading = false;
            }
            return Vec::new();
        }
        self.range_start = None; // a range is marked on one page
        if let Some(prefetched) = self.prefetched.take()
            && prefetched.page == page
        {
            // Shown at once; the page after it is fetched ahead in turn.
            self.forget_slot(Slot::Page);
            self.requested_page = None;
            self.show_page(page, prefetched.customers);
            self.loading = false;
            return self.prefetch().into_iter().collect();
        }
        self.loading = true;
        self.requested_page = Some(page);
        let read = self.list_read(page);
        vec![self.read(Slot::Page, read)]
    }

    /// Puts another page's rows on screen, the selection at its top.
    fn show_page(&mut self, page: u64, customers: Vec<super::Customer>) {
        self.page = page;
        self.selected = 0;
        self.keep_selected_id = None;
        self.customers = customers;
    }

    pub(super) fn jump_to_typed_page(&mut self) -> Vec<Command> {
        let last = self
            .total
            .map(|total| total.div_ceil(self.page_size).max(1));
        let Some(prompt) = self.page_prompt_mut() else {
            return Vec::new();
        };
        let (input, error) = (&prompt.input, &mut prompt.problem);
        match (input.value().trim().parse::<u64>(), last) {
            (Ok(page), Some(last)) if (1..=last).contains(&page) => {
                self.dismiss(Context::PagePrompt);
                self.go_to_page(page)
            }
            (Ok(page), None) if page >= 1 => {
                self.dismiss(Context::PagePrompt);
                self.go_to_page(page)
            }
            (_, Some(last)) => {
                *error = Some(format!("a page from 1 to {last}"));
                Vec::new()
            }
            (_, None) => {
                *error = Some("a page number of 1 or more".to_owned());
                Vec::new()
            }
        }
    }

    /// A new filter: back to page 1, count again. The store's pages are listed again (a search
    /// is left).
    pub(super) fn apply_filter(&mut self, filter: Filter) -> Vec<Command> {
        self.filter = filter;
        self.search = None;
        self.page = 1;
        self.selected = 0;
        self.total = None;
        self.total_more = false;
        self.customers.clear();
        self.keep_selected_id = None;
        self.range_start = None; // a range is marked on one page
        self.reload()
    }

    /// Fetches the page and the count again (after a filter change or a refresh).
    pub(super) fn reload(&mut self) -> Vec<Command> {
        self.loading = true;
        self.prefetched = None;
        self.requested_page = None;
        let (list, count) = (self.list_read(self.page), self.count_read());
        let mut commands = vec![self.read(Slot::Page, list), self.read(Slot::Count, count)];
        if !self.listing().is_whole_store() {
            // The count above is the filter's; the store's own is needed too (store_total).
            commands.push(self.read(
                Slot::StoreCount,
                Read::Count {
                    filter: Filter::default(),
                },
            ));
        }
        commands
    }

    pub(super) fn prefetch(&mut self) -> Option<Command> {
        let next = self.page + 1;
        if self.last_page().is_some_and(|last| next > last) {
            return None;
        }
        self.prefetching = next;
        let read = self.list_read(next);
        Some(self.read(Slot::NextPage, read))
    }

    /// Stops waiting for the read in a slot: its answer will be dropped.
    pub(super) fn forget_slot(&mut self, slot: Slot) {
        self.in_flight
            .retain(|_, awaited| *awaited != Awaited::Read(slot));
    }

    /// A read in a slot: an older one still in flight there is no longer awaited (latest
    /// wins: the user has moved on).
    pub(super) fn read(&mut self, slot: Slot, read: Read) -> Command {
        let request = self.new_request();
        self.forget_slot(slot);
        self.expect(request, Awaited::Read(slot));
        Command::Read {
            request,
            slot,
            read,
        }
    }

    /// Takes a read's answer in (it was the newest of its slot).
    pub(super) fn receive_read(&mut self, slot: Slot, event: Event) -> Vec<Command> {
        match slot {
            Slot::Customer if self.form().is_none() => {
                self.live_customer_arrived(event.result);
                return Vec::new();
            }
            Slot::Customer => return self.checked(event.result),
            Slot::Summary => {
                self.summary_arrived(event.result);
                return Vec::new();
            }
            Slot::Groups => return self.groups_arrived(event.result),
            Slot::History => {
                self.history_arrived(event.result);
                return Vec::new();
            }
            Slot::BulkReview => {
                self.bulk_review_arrived(event.result);
                return Vec::new();
            }
            Slot::DeleteReview => {
                self.delete_review_arrived(event.result);
                return Vec::new();
            }
            Slot::GroupCounts => {
                self.group_counts_arrived(event.result);
                return Vec::new();
            }
            Slot::Addresses => {
                self.addresses_arrived(event.result);
                return Vec::new();
            }
            _ => {}
        }
        let outcome = match event.result {
            Ok(outcome) => outcome,
            Err(error) => {
                // The last good rows stay on screen, marked as not current; the table and
                // the status bar say what went wrong.
                if slot == Slot::Page {
                    self.loading = false;
                    self.requested_page = None;
                    self.load_failure = Some(error.to_string());
                }
                if slot != Slot::NextPage {
                    self.last_error = Some(error.to_string());
                    self.fading_error = self.last_error.clone();
                }
                return Vec::new();
            }
        };
        // A read that succeeds clears what an earlier failed read said (not what a job
        // reported).
        if self.fading_error.is_some() && self.last_error == self.fading_error {
            self.last_error = None;
        }
        self.fading_error = None;
        match (slot, outcome) {
            (Slot::Page, Outcome::Page(customers)) => {
                self.loading = false;
                self.last_error = None;
                self.load_failure = None;
                match self.requested_page.take() {
                    Some(page) => self.show_page(page, customers),
                    None => self.customers = customers,
                }
                let kept = self
                    .keep_selected_id
                    .take()
                    .and_then(|id| self.customers.iter().position(|c| c.id == id));
                self.selected = kept
                    .unwrap_or(self.selected)
                    .min(self.customers.len().saturating_sub(1));
                if self.customers.is_empty() && self.page > 1 {
                    // The page emptied under us (customers deleted elsewhere): go back one.
                    return self.go_to_page(self.page - 1);
                }
                let mut commands: Vec<Command> = self.prefetch().into_iter().collect();
                commands.extend(self.load_addresses());
                commands
            }
            (Slot::StoreCount, Outcome::Count(total)) => {
                self.store_total = Some(total);
                Vec::new()
            }
            (Slot::NextPage, Outcome::Page(customers)) => {
                self.prefetched = Some(PrefetchedPage {
                    page: self.prefetching,
                    customers,
                });
                Vec::new()
            }
            (Slot::Count, Outcome::CountMoreThan(total)) => {
                // Shown at once; the exact count is asked for now, in the same slot, so the
                // next search typed replaces it (and stops it).
                self.total = Some(total);
                self.total_more = true;
                match &self.search {
                    Some(search) => {
                        let query = self.index_query(search);
                        vec![self.read(Slot::Count, Read::SearchExactCount { query })]
                    }
                    None => Vec::new(),
                }
            }
            (Slot::Count, Outcome::Count(total)) => {
                self.total = Some(total);
                self.total_more = false;
                if self.listing().is_whole_store() {
                    self.store_total = Some(total);
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}
