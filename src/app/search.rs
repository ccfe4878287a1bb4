//! Search as you type and sort by any column, over the local index of the whole store; and
//! the index's own state (how many customers, how fresh, a sync under way), kept fresh at
//! start, on `r` and every few minutes.

use std::fmt;

use chrono::{DateTime, Local};
use ratatui::crossterm::event::{Event as TerminalEvent, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::{App, Screen, thousands};
use crate::domain::Filter;
use crate::index::sync::SyncProgress;
use crate::index::{Facet, IndexQuery, IndexStatus, SortColumn};
use crate::worker::{Command, Event, Outcome, Read, RequestId, Slot};

/// How often the index is brought up to date while the app runs.
pub const SYNC_EVERY_SECONDS: i64 = 300;

/// What the table lists: the store's pages under a filter, or what the index finds.
// Made a few times per key press at most: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    Store(Filter),
    Found(IndexQuery),
}

impl Listing {
    /// Every customer of the store, as the store itself counts them.
    pub fn is_whole_store(&self) -> bool {
        matches!(self, Listing::Store(filter) if filter.is_empty())
    }
}

impl fmt::Display for Listing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Listing::Store(filter) => write!(f, "{filter}"),
            Listing::Found(query) => {
                let text = query.text.trim();
                match (&query.facet, text.is_empty()) {
                    (None, true) if !query.filter.is_empty() => write!(f, "{}", query.filter),
                    (None, true) => write!(f, "every customer in the index"),
                    (None, false) => write!(f, "the search '{text}'"),
                    (Some(_), true) => write!(f, "the summary's choice"),
                    (Some(_), false) => write!(f, "the search '{text}' in the summary's choice"),
                }?;
                let said_already = query.facet.is_none() && text.is_empty();
                if !query.filter.is_empty() && !said_already {
                    write!(f, " with {}", query.filter)?;
                }
                Ok(())
            }
        }
    }
}

/// The search line and what it asks the index.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub input: Input,
    pub query: IndexQuery,
    /// Whether the search line has the keys (else the table has them).
    pub editing: bool,
    /// What the search was when `/` came back to it: Esc puts it back (a search opened
    /// afresh has none, and Esc leaves it).
    pub before: Option<String>,
}

/// The local index as the app knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexState {
    /// Whether the store has an index (`index = false` turns it off).
    pub on: bool,
    pub customers: u64,
    /// When the last sync ended, this machine's clock (seconds since the epoch).
    pub synced_at: Option<i64>,
    /// The sync under way, and how far it has come.
    pub syncing: Option<(RequestId, SyncProgress)>,
    /// Why the last sync stopped, until one succeeds.
    pub problem: Option<String>,
    /// Customers the store counts but did not list at the last sync.
    pub unlisted: u64,
}

impl IndexState {
    /// An index that exists, as its file says.
    pub fn on(status: &IndexStatus) -> IndexState {
        IndexState {
            on: true,
            customers: status.customers,
            synced_at: status.synced_at,
            ..IndexState::default()
        }
    }
}

/// Said when search or sort is asked for on a store without an index.
const INDEX_OFF: &str = "Search and sort need the local index, which is off for this store (index = false in its profile).";

impl App {
    /// What the table lists now.
    pub fn listing(&self) -> Listing {
        match &self.search {
            Some(search) => Listing::Found(self.index_query(search)),
            None => Listing::Store(self.filter.clone()),
        }
    }

    /// What a search asks of the index: its words, sort and summary choice, within the
    /// filter in force. Filter, search and sort combine.
    pub(super) fn index_query(&self, search: &Search) -> IndexQuery {
        IndexQuery {
            filter: self.filter.clone(),
            ..search.query.clone()
        }
    }

    /// The read for a page of what the table lists.
    pub(super) fn list_read(&self, page: u64) -> Read {
        match &self.search {
            Some(search) => Read::Search {
                query: self.index_query(search),
                page,
                limit: self.page_size,
            },
            None => Read::List {
                filter: self.filter.clone(),
                page,
                limit: self.page_size,
            },
        }
    }

    /// The read for the count of what the table lists.
    pub(super) fn count_read(&self) -> Read {
        match &self.search {
            Some(search) => Read::SearchCount {
                query: self.index_query(search),
            },
            None => Read::Count {
                filter: self.filter.clone(),
            },
        }
    }

    /// `/`: the search line, with what was searched last.
    pub(super) fn open_search(&mut self) -> Vec<Command> {
        if !self.index.on {
            self.notice = Some(INDEX_OFF.to_owned());
            return Vec::new();
        }
        self.screen = Screen::Table;
        match self.search.as_mut() {
            Some(search) => {
                search.editing = true;
                search.before = Some(search.input.value().to_owned());
                Vec::new()
            }
            None => {
                self.search = Some(Search {
                    editing: true,
                    ..Search::default()
                });
                self.relist()
            }
        }
    }

    /// A key typed into the search line: the matches follow at once.
    pub(super) fn type_into_search(&mut self, key: KeyEvent) -> Vec<Command> {
        let Some(search) = self.search.as_mut() else {
            return Vec::new();
        };
        let changed = search.input.handle_event(&TerminalEvent::Key(key));
        if changed.is_none_or(|c| !c.value) {
            return Vec::new();
        }
        search.query.text = search.input.value().to_owned();
        self.relist()
    }

    /// Enter on the search line: the keys go to the matches.
    pub(super) fn finish_search(&mut self) {
        if let Some(search) = self.search.as_mut() {
            search.editing = false;
            search.before = None;
        }
    }

    /// Esc on the search line: a search come back to is put back as it was (a second Esc
    /// leaves it); one opened afresh is left.
    pub(super) fn escape_search_line(&mut self) -> Vec<Command> {
        let Some(search) = self.search.as_mut() else {
            return Vec::new();
        };
        match search.before.take() {
            None => self.leave_search(),
            Some(was) => {
                search.editing = false;
                if search.input.value() == was {
                    return Vec::new();
                }
                search.input = Input::new(was.clone());
                search.query.text = was;
                self.notice = Some("The search as it was; Esc again leaves it.".to_owned());
                self.relist()
            }
        }
    }

    /// Esc: back to the store's pages as they were.
    pub(super) fn leave_search(&mut self) -> Vec<Command> {
        if self.search.take().is_none() {
            return Vec::new();
        }
        self.relist()
    }

    /// `s`: sort by the next column; `S`: the other way. Either lists from the index, over
    /// every customer of the store the filter and the search select.
    pub(super) fn sort(&mut self, reverse: bool) -> Vec<Command> {
        if !self.index.on {
            self.notice = Some(INDEX_OFF.to_owned());
            return Vec::new();
        }
        let search = self.search.get_or_insert_with(Search::default);
        let sort = &mut search.query.sort;
        if reverse {
            sort.descending = !sort.descending;
        } else {
            sort.column = sort.column.next();
            // Numbers and dates read best largest first; text from A.
            sort.descending = matches!(sort.column, SortColumn::StoreCredit | SortColumn::Created);
        }
        let sorted = sort.label();
        let over = if self.filter.is_empty() {
            "the whole store".to_owned()
        } else {
            format!("the customers with {}", self.filter_words(&self.filter))
        };
        self.notice = Some(format!("Sorted by {sorted} over {over}."));
        self.relist()
    }

    /// A click on a column's title: sort by it; on the column sorted by, the other way.
    pub(super) fn sort_by(&mut self, column: SortColumn) -> Vec<Command> {
        if !matches!(
            self.context(),
            super::keymap::Context::Table | super::keymap::Context::Found
        ) {
            return Vec::new();
        }
        if !self.index.on {
            self.notice = Some(INDEX_OFF.to_owned());
            return Vec::new();
        }
        let search = self.search.get_or_insert_with(Search::default);
        let sort = &mut search.query.sort;
        if sort.column == column {
            sort.descending = !sort.descending;
        } else {
            sort.column = column;
            sort.descending = matches!(column, SortColumn::StoreCredit | SortColumn::Created);
        }
        self.notice = Some(format!("Sorted by {}.", sort.label()));
        self.relist()
    }

    /// The summary's choice, listed from the index.
    pub(super) fn show_facet(&mut self, facet: Facet) -> Vec<Command> {
        self.search = Some(Search {
            query: IndexQuery {
                facet: Some(facet),
                ..IndexQuery::default()
            },
            ..Search::default()
        });
        self.screen = Screen::Table;
        self.relist()
    }

    /// What the table lists changed: page 1, counted again.
    fn relist(&mut self) -> Vec<Command> {
        self.page = 1;
        self.selected = 0;
        self.total = None;
        self.total_more = false;
        self.keep_selected_id = None;
        self.range_start = None;
        self.reload()
    }

    /// Asks the worker to bring the index up to date, unless a sync is under way.
    pub(super) fn sync_index(&mut self) -> Option<Command> {
        if !self.index.on || self.index.syncing.is_some() {
            return None;
        }
        let request = self.new_request();
        self.index.syncing = Some((request, SyncProgress::default()));
        Some(Command::SyncIndex { request })
    }

    /// A sync is due when none ran for a few minutes.
    pub(super) fn sync_index_if_due(&mut self) -> Option<Command> {
        let now = self.now.timestamp();
        let due = self
            .index
            .synced_at
            .is_none_or(|at| now - at >= SYNC_EVERY_SECONDS);
        // A failed sync is tried again on the same schedule, not at every tick.
        let failed_lately = self.index.problem.is_some()
            && self
                .last_sync_try
                .is_some_and(|at| now - at < SYNC_EVERY_SECONDS);
        if due && !failed_lately {
            self.last_sync_try = Some(now);
            return self.sync_index();
        }
        None
    }

    pub(super) fn is_index_event(&self, event: &Event) -> bool {
        self.index
            .syncing
            .is_some_and(|(request, _)| request == event.request)
    }

    /// The sync's progress and end.
    pub(super) fn index_event(&mut self, event: Event) -> Vec<Command> {
        match event.result {
            Ok(Outcome::IndexProgress(progress)) => {
                if let Some((_, shown)) = self.index.syncing.as_mut() {
                    *shown = progress;
                }
                Vec::new()
            }
            Ok(Outcome::IndexOpened(status)) => {
                self.index.on = true;
                self.index.customers = status.customers;
                self.index.synced_at = status.synced_at;
                Vec::new()
            }
            Ok(Outcome::IndexSynced(report)) => {
                self.index.syncing = None;
                self.index.problem = None;
                self.index.unlisted = report.unlisted;
                self.index.customers = report.customers;
                self.index.synced_at = Some(self.now.timestamp());
                // What is listed from the index is read again when the index changed.
                if self.search.is_some() && (report.changed > 0 || report.removed > 0) {
                    self.keep_selected_id = self.selected_customer().map(|c| c.id);
                    return self.reload();
                }
                Vec::new()
            }
            Ok(_) => Vec::new(),
            Err(error) => {
                self.index.syncing = None;
                self.index.problem = Some(error.to_string());
                Vec::new()
            }
        }
    }

    /// "index: 48,213 customers · synced 40 s ago", or the sync under way, for the status bar.
    pub fn index_line(&self, now: DateTime<Local>) -> Option<String> {
        if !self.index.on {
            return None;
        }
        if let Some((_, progress)) = self.index.syncing
            && progress.first
        {
            return Some(format!(
                "index: syncing {} of {}",
                thousands(progress.done),
                thousands(progress.total)
            ));
        }
        let fresh = match (self.index.synced_at, &self.index.problem) {
            (_, Some(_)) => "sync failed, r retries".to_owned(),
            (Some(at), None) => format!("synced {} ago", crate::format::ago(now.timestamp() - at)),
            (None, None) if self.index.syncing.is_some() => "syncing".to_owned(),
            (None, None) => "not synced yet".to_owned(),
        };
        let unlisted = match self.index.unlisted {
            0 => String::new(),
            more => format!(" · the store counts {} more than it lists", thousands(more)),
        };
        Some(format!(
            "index: {} customers · {fresh}{unlisted}",
            thousands(self.index.customers)
        ))
    }

    /// A customer opened, as the store has it now: the page's (or the index's) copy is shown
    /// at once, the store's when it comes.
    pub(super) fn fetch_live(&mut self) -> Vec<Command> {
        match self.selected_customer() {
            Some(customer) => {
                let customer_id = customer.id;
                vec![self.read(Slot::Customer, Read::Get { customer_id })]
            }
            None => Vec::new(),
        }
    }

    /// The live customer arrived: it replaces the index's copy on screen.
    pub(super) fn live_customer_arrived(
        &mut self,
        result: Result<Outcome, crate::worker::Failure>,
    ) {
        match result {
            Ok(Outcome::Customer(live)) => {
                if let Some(shown) = self.customers.iter_mut().find(|c| c.id == live.id) {
                    *shown = live;
                }
            }
            Ok(_) => {}
            Err(error) if error.api().and_then(|e| e.status()) == Some(404) => {
                self.last_error = Some(if self.search.is_some() {
                    "This customer is no longer on the store (the index will catch up on the next sync).".to_owned()
                } else {
                    "This customer is no longer on the store (r reloads the page).".to_owned()
                });
            }
            Err(error) => {
                let copy = if self.search.is_some() {
                    "index's"
                } else {
                    "page's"
                };
                self.last_error = Some(format!(
                    "Showing the {copy} copy: the store could not be read ({error})."
                ));
            }
        }
    }
}
