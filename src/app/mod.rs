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
mod paging;
pub mod search;
mod store_data;
pub mod summary;

use std::path::PathBuf;

use chrono::{DateTime, Local};
use ratatui::crossterm::event::{KeyEvent, KeyEventKind, MouseEvent};
use tui_input::Input;

pub use crate::domain::Customer;
use crate::domain::{CustomerGroup, Filter};
use crate::store::RateSnapshot;
use crate::worker::{Command, Event, RequestId};
use address_form::AddressForm;
use customer_form::{CustomerForm, Stage};
pub use deleting::Job;
use dialog::Dialog;
use filter_form::FilterForm;
pub use groups_view::{GroupPrompt, GroupsView};
use keymap::Context;
use marks::Marks;
pub use search::{IndexState, Listing, Search};
pub use store_data::{AddressList, CustomerAddresses};

pub use crate::format::thousands;

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
    pub help_open: bool,
    /// Lines the help is scrolled by, on a short terminal.
    pub help_scroll: u16,
    /// The filter panel, while open.
    pub filter_form: Option<FilterForm>,
    /// The "go to page" prompt, while open.
    pub page_prompt: Option<Prompt>,
    /// The "export to" prompt, while open.
    pub export_prompt: Option<Prompt>,
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
    /// The prompt for a group's name, while open.
    pub group_prompt: Option<GroupPrompt>,
    /// The group delete on its way.
    group_delete: Option<RequestId>,
    /// A delete asked for, while its customers are read.
    delete_asked: Option<deleting::AskedDelete>,
    /// Conflicts being set aside.
    set_aside: Option<RequestId>,
    /// The create or edit form, while open.
    pub form: Option<CustomerForm>,
    /// The address form, while open.
    pub address_form: Option<AddressForm>,
    /// The bulk edit form, while open.
    pub bulk_form: Option<bulk_edit::BulkForm>,
    /// The address delete on its way.
    address_delete: Option<RequestId>,
    /// A confirmation waiting for an answer.
    pub dialog: Option<Dialog>,
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
    /// The newest request per slot: older answers are stale and dropped.
    latest: [Option<RequestId>; crate::worker::SLOTS],
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
            help_open: false,
            help_scroll: 0,
            filter_form: None,
            page_prompt: None,
            export_prompt: None,
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
            group_prompt: None,
            journal_view: journal_view::JournalView::default(),
            undo_asked: false,
            group_delete: None,
            delete_asked: None,
            set_aside: None,
            form: None,
            address_form: None,
            bulk_form: None,
            address_delete: None,
            dialog: None,
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
            latest: [None; crate::worker::SLOTS],
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

    /// What has the focus: the help, a dialog, the form, a prompt, the filter panel, or the
    /// screen under them. Keys go there first.
    pub fn context(&self) -> Context {
        if self.help_open {
            Context::Help
        } else if self.dialog.is_some() {
            Context::Dialog
        } else if self.form.is_some() {
            Context::Form
        } else if self.address_form.is_some() {
            Context::AddressForm
        } else if self.bulk_form.is_some() {
            Context::BulkForm
        } else if self.group_prompt.is_some() {
            Context::GroupPrompt
        } else if self.page_prompt.is_some() {
            Context::PagePrompt
        } else if self.export_prompt.is_some() {
            Context::ExportPrompt
        } else if self.filter_form.is_some() {
            Context::Filter
        } else if self.search.as_ref().is_some_and(|s| s.editing) {
            Context::Search
        } else {
            self.screen_context()
        }
    }

    /// Requests under way, for the status bar.
    pub fn pending(&self) -> usize {
        self.latest.iter().flatten().count()
            + usize::from(self.export.is_some())
            + usize::from(self.job.is_some())
            + usize::from(
                self.form
                    .as_ref()
                    .is_some_and(|f| matches!(f.stage, Stage::Saving(_))),
            )
            + usize::from(
                self.address_form
                    .as_ref()
                    .is_some_and(|f| f.saving.is_some()),
            )
            + usize::from(self.address_delete.is_some())
            + usize::from(self.group_delete.is_some())
            + usize::from(self.set_aside.is_some())
            + usize::from(
                self.bulk_form
                    .as_ref()
                    .is_some_and(|f| f.reviewing.is_some()),
            )
            + usize::from(
                self.group_prompt
                    .as_ref()
                    .is_some_and(|p| p.saving.is_some()),
            )
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
    pub fn position(&self) -> String {
        let first = (self.page - 1) * self.page_size + 1;
        let shown = self.customers.len() as u64;
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

    /// Takes a worker's result to whatever asked for it.
    fn dispatch(&mut self, event: Event) -> Vec<Command> {
        if self
            .export
            .is_some_and(|export| export.request == event.request)
        {
            self.export_event(event);
            return Vec::new();
        }
        if self
            .job
            .as_ref()
            .is_some_and(|job| job.request == event.request)
        {
            return self.job_event(event);
        }
        if self
            .form
            .as_ref()
            .is_some_and(|form| form.stage == Stage::Saving(event.request))
        {
            return self.saved(event);
        }
        if self
            .address_form
            .as_ref()
            .is_some_and(|form| form.saving == Some(event.request))
        {
            return self.address_saved(event);
        }
        if self.address_delete == Some(event.request) {
            return self.address_deleted(event);
        }
        if self
            .group_prompt
            .as_ref()
            .is_some_and(|asked| asked.saving == Some(event.request))
        {
            return self.group_saved(event);
        }
        if self.group_delete == Some(event.request) {
            return self.group_deleted(event);
        }
        if self.set_aside == Some(event.request) {
            return self.set_aside_done(event.result);
        }
        self.receive_read(event)
    }
}
