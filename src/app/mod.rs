//! The app's state and its update function: messages in, worker commands out. Pure: no I/O,
//! no clock, no terminal; what it needs from outside (the time, the backup folder, where the
//! table was drawn) comes in as data, so every decision is tested without any of them.

pub mod address_form;
mod addresses;
pub mod bulk_edit;
pub mod customer_form;
mod deleting;
pub mod dialog;
mod editing;
mod exporting;
pub mod filter_form;
mod groups_view;
mod journal_view;
pub mod keymap;
mod keys;
pub mod marks;
mod overlay;
mod paging;
pub mod search;
mod store_data;
pub mod summary;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Local};
use ratatui::crossterm::event::{KeyEvent, KeyEventKind, MouseEvent};
use tui_input::Input;

pub use crate::domain::Customer;
use crate::domain::{CustomerGroup, Filter};
use crate::store::RateSnapshot;
use crate::worker::{Command, Event, RequestId, Slot};
pub use deleting::Job;
pub use groups_view::{GroupPrompt, GroupsView};
use keymap::Context;
use marks::Marks;
pub use overlay::{HelpLine, Overlay};
pub use search::{IndexState, Listing, Search};
pub use store_data::{AddressList, CustomerAddresses};

pub use crate::format::thousands;

/// What awaits a request's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Awaited {
    /// A read for this slot: only the newest of its slot is taken.
    Read(Slot),
    Export,
    /// The delete, bulk edit or undo under way.
    Job,
    SaveCustomer,
    SaveAddress,
    DeleteAddress,
    SaveGroup,
    DeleteGroup,
    SetAside,
}

/// Everything that can happen to the app.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Worker(Box<Event>),
    /// The spinner's clock.
    Tick,
    /// A wheel turn or a click (only when the mouse is turned on).
    Mouse(MouseEvent),
    /// The terminal changed size: where the table's rows are now.
    Resize(TableArea),
    /// A click on a column's title: sort by it (again: the other way).
    SortBy(crate::index::SortColumn),
}

/// Where the last frame drew the table's rows: what paging by a screen and clicks go by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableArea {
    /// The terminal line of the first row.
    pub top: u16,
    /// How many rows fit.
    pub rows: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Table,
    Detail,
    /// The customer groups.
    Groups,
    /// The change journal.
    Journal,
    /// Customers per group, email domain and signup month.
    Summary,
}

/// Which store the app is on, for the header and status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreLabel {
    pub name: String,
    /// The store hash, when the API URL names one: also accepted where the name is asked.
    pub hash: Option<String>,
    pub sandbox: bool,
    pub read_only: bool,
}

/// A one-line prompt (go to page, export to): what is typed and what is wrong with it.
#[derive(Debug, Clone, Default)]
pub struct Prompt {
    pub input: Input,
    pub problem: Option<String>,
}

impl Prompt {
    pub fn with_text(text: String) -> Prompt {
        Prompt {
            input: Input::new(text),
            problem: None,
        }
    }
}

/// The export running in the background.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportRun {
    pub request: RequestId,
    /// Customers written so far.
    pub written: u64,
    /// Of how many.
    pub total: u64,
}

/// The page after the one on screen, fetched ahead.
#[derive(Debug, Clone)]
struct PrefetchedPage {
    page: u64,
    customers: Vec<Customer>,
}

#[derive(Debug)]
pub struct App {
    /// Keys taken so far (a second Esc is known by it).
    keys_taken: u64,
    /// The key that asked whether to drop every mark: the next Esc does.
    unmark_asked_at: Option<u64>,
    /// The error a failed read left: the next read that succeeds clears it.
    fading_error: Option<String>,
    /// The last click on a row: which, and when (a second soon after opens it).
    last_click: Option<(usize, DateTime<Local>)>,
    pub store: StoreLabel,
    pub filter: Filter,
    pub page_size: u64,
    /// The page on screen, from 1.
    pub page: u64,
    pub customers: Vec<Customer>,
    /// Customers matching the filter, once counted.
    pub total: Option<u64>,
    /// The total is a first count of a broad search: more than it, the exact count coming.
    pub total_more: bool,
    /// Every customer of the store, as last counted: a delete of that many needs the store's
    /// name typed.
    pub store_total: Option<u64>,
    pub selected: usize,
    pub screen: Screen,
    /// What is open on top of the screen, the top last: forms, prompts, dialogs, the help.
    overlays: Vec<Overlay>,
    /// The export running in the background.
    pub export: Option<ExportRun>,
    /// A result worth saying once (e.g. where an export went).
    pub notice: Option<String>,
    pub last_error: Option<String>,
    /// Said in the status bar for the whole session (a config file others can read).
    pub warning: Option<String>,
    pub budget: RateSnapshot,
    pub spinner: usize,
    pub should_quit: bool,
    /// Whether the page on screen is being fetched (first load or a page change).
    pub loading: bool,
    /// Why the page could not be loaded, until it is: the rows on screen (if any) are not
    /// current.
    pub load_failure: Option<String>,
    /// The page asked for, shown once its rows arrive.
    pub requested_page: Option<u64>,
    /// The store's customer groups, as last loaded.
    pub groups: Vec<CustomerGroup>,
    /// The addresses of the customer in the details.
    pub addresses: Option<CustomerAddresses>,
    /// The groups view: the chosen group, and customers per group.
    pub groups_view: GroupsView,
    /// `u` was pressed: the journal read next opens the undo of its last change set.
    undo_asked: bool,
    /// The journal view: the change sets and the one picked.
    pub journal_view: journal_view::JournalView,

    /// A delete asked for, while its customers are read.
    delete_asked: Option<deleting::AskedDelete>,

    /// Customers marked for deleting.
    pub marks: Marks,
    /// Where `v` started a range (a customer id on this page).
    pub range_start: Option<i64>,
    /// The delete or restore under way.
    pub job: Option<Job>,
    /// Where backups are written before deletes.
    pub backup_folder: PathBuf,
    /// The time now, as the event loop last said: it names backups and exports.
    pub now: DateTime<Local>,
    /// Quit once the cancelled job has reported what it did.
    pub quit_when_job_ends: bool,
    /// The search line and what it finds, while the table lists from the index.
    pub search: Option<Search>,
    /// The store's local index: on or off, how big, how fresh.
    pub index: IndexState,
    /// When a sync was last asked for on the schedule (seconds since the epoch).
    last_sync_try: Option<i64>,
    /// The summary view's charts and choices.
    pub summary_view: summary::SummaryView,
    table: TableArea,
    next_request: RequestId,
    /// Every request in flight, with what awaits its answer; a read's answer is taken only
    /// while it is the newest of its slot.
    in_flight: BTreeMap<RequestId, Awaited>,
    prefetched: Option<PrefetchedPage>,
    /// The page number of the read in the `NextPage` slot.
    prefetching: u64,
    /// Keep this customer selected when the page comes back (refresh).
    keep_selected_id: Option<i64>,
}

impl App {
    /// An app on `store`, writing its backups into `backup_folder`.
    pub fn new(store: StoreLabel, page_size: u64, backup_folder: PathBuf) -> App {
        App {
            keys_taken: 0,
            unmark_asked_at: None,
            fading_error: None,
            last_click: None,
            store,
            filter: Filter::default(),
            page_size: page_size.clamp(1, 250),
            page: 1,
            customers: Vec::new(),
            total: None,
            total_more: false,
            store_total: None,
            selected: 0,
            screen: Screen::Table,
            overlays: Vec::new(),
            export: None,
            notice: None,
            last_error: None,
            warning: None,
            budget: RateSnapshot::default(),
            spinner: 0,
            should_quit: false,
            loading: true,
            load_failure: None,
            requested_page: None,
            groups: Vec::new(),
            addresses: None,
            groups_view: GroupsView::default(),
            journal_view: journal_view::JournalView::default(),
            undo_asked: false,
            delete_asked: None,
            marks: Marks::default(),
            range_start: None,
            job: None,
            backup_folder,
            now: DateTime::<Local>::from(std::time::UNIX_EPOCH),
            quit_when_job_ends: false,
            search: None,
            index: IndexState::default(),
            last_sync_try: None,
            summary_view: summary::SummaryView::default(),
            table: TableArea { top: 2, rows: 20 },
            next_request: 1,
            in_flight: BTreeMap::new(),
            prefetched: None,
            prefetching: 0,
            keep_selected_id: None,
        }
    }

    /// The commands that load the first screen, and the store's groups; and the index's
    /// sync, when the store has one.
    pub fn start(&mut self) -> Vec<Command> {
        let mut commands = self.reload();
        commands.push(self.load_groups());
        if let Some(sync) = self.sync_index() {
            self.last_sync_try = Some(self.now.timestamp());
            commands.push(sync);
        }
        commands
    }

    /// The context of the screen under any overlay: what the help lists.
    pub fn screen_context(&self) -> Context {
        match self.screen {
            Screen::Table if self.search.is_some() => Context::Found,
            Screen::Table => Context::Table,
            Screen::Detail => Context::Detail,
            Screen::Groups => Context::Groups,
            Screen::Journal => Context::Journal,
            Screen::Summary => Context::Summary,
        }
    }

    /// What has the focus: what is open on top, else the search line while it is typed
    /// into, else the screen. Keys go there first.
    pub fn context(&self) -> Context {
        match self.overlay() {
            Some(overlay) => overlay.context(),
            None if self.search.as_ref().is_some_and(|s| s.editing) => Context::Search,
            None => self.screen_context(),
        }
    }

    /// Requests under way, for the status bar.
    pub fn pending(&self) -> usize {
        self.in_flight.len()
    }

    pub fn selected_customer(&self) -> Option<&Customer> {
        self.customers.get(self.selected)
    }

    /// The last page number, once the count is known.
    pub fn last_page(&self) -> Option<u64> {
        self.total
            .filter(|_| !self.total_more)
            .map(|total| total.div_ceil(self.page_size).max(1))
    }

    /// `51–100 of 1,234`, or what is known so far.
    /// The terminal line of the table's first row (its column titles are on the line above).
    pub fn table_top(&self) -> u16 {
        self.table.top
    }

    pub fn position(&self) -> String {
        let first = (self.page - 1) * self.page_size + 1;
        let shown = self.customers.len() as u64;
        if shown == 0 && self.total == Some(0) {
            return "no customers".to_owned();
        }
        let range = if shown == 0 {
            "none".to_owned()
        } else {
            format!("{}–{}", thousands(first), thousands(first + shown - 1))
        };
        match self.total {
            Some(total) if self.total_more => format!("{range} of more than {}", thousands(total)),
            Some(total) => format!("{range} of {}", thousands(total)),
            None => format!("{range} of …"),
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Key(key) if key.kind != KeyEventKind::Release => self.key(key),
            Msg::Key(_) => Vec::new(),
            Msg::Worker(event) => self.receive(*event),
            Msg::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                self.sync_index_if_due().into_iter().collect()
            }
            Msg::Mouse(mouse) => self.mouse(mouse),
            Msg::SortBy(column) => self.sort_by(column),
            Msg::Resize(table) => {
                self.table = TableArea {
                    top: table.top,
                    rows: table.rows.max(1),
                };
                Vec::new()
            }
        }
    }

    /// The index of the first customer drawn when `visible` rows fit: the window follows
    /// the selection.
    pub fn first_visible_row(&self, visible: usize) -> usize {
        (self.selected + 1).saturating_sub(visible.max(1))
    }

    fn new_request(&mut self) -> RequestId {
        let request = self.next_request;
        self.next_request += 1;
        request
    }

    /// Takes a worker's result to whatever asked for it.
    fn receive(&mut self, event: Event) -> Vec<Command> {
        self.budget = event.budget;
        if self.is_index_event(&event) {
            return self.index_event(event);
        }
        // A job that changed many customers: the index reads what changed at once.
        let changed_many = matches!(
            event.result,
            Ok(crate::worker::Outcome::UpdatedCustomers(_)
                | crate::worker::Outcome::Undone(_)
                | crate::worker::Outcome::DeletedCustomers(_)
                // Its customers are left in no group.
                | crate::worker::Outcome::GroupDeleted(_))
        );
        let mut commands = self.dispatch(event);
        if changed_many {
            commands.extend(self.sync_index());
        }
        commands
    }

    /// Notes a request in flight and what awaits its answer.
    fn expect(&mut self, request: RequestId, awaited: Awaited) {
        self.in_flight.insert(request, awaited);
    }

    /// Takes a worker's result to whatever asked for it; an answer nothing awaits (a read
    /// superseded since) is dropped.
    fn dispatch(&mut self, event: Event) -> Vec<Command> {
        let Some(&awaited) = self.in_flight.get(&event.request) else {
            return Vec::new();
        };
        // A long write's progress comes on its request; it is awaited until its end.
        if !matches!(event.result, Ok(crate::worker::Outcome::Progress(_))) {
            self.in_flight.remove(&event.request);
        }
        match awaited {
            Awaited::Read(slot) => self.receive_read(slot, event),
            Awaited::Export => {
                self.export_event(event);
                Vec::new()
            }
            Awaited::Job => self.job_event(event),
            Awaited::SaveCustomer => self.saved(event),
            Awaited::SaveAddress => self.address_saved(event),
            Awaited::DeleteAddress => self.address_deleted(event),
            Awaited::SaveGroup => self.group_saved(event),
            Awaited::DeleteGroup => self.group_deleted(event),
            Awaited::SetAside => self.set_aside_done(event.result),
        }
    }
}
