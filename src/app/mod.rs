//! The app's state and its update function: messages in, worker commands out. Pure: no I/O,
//! no terminal, so every decision is tested without either.

pub mod customer_form;
mod deleting;
pub mod dialog;
mod editing;
mod exporting;
pub mod filter_form;
pub mod keymap;
pub mod marks;
mod paging;

use ratatui::crossterm::event::{KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::api::{Customer, Filter, RateSnapshot};
use crate::worker::{Command, Event, RequestId};
use customer_form::{CustomerForm, Stage};
pub use deleting::{Job, LastDelete};
use dialog::{Dialog, DialogKind};
use filter_form::FilterForm;
use keymap::{Action, Context, action_for};
use marks::Marks;

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
    /// The table's visible height changed (rows that fit).
    Resize {
        table_rows: u16,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Table,
    Detail,
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
    pub selected: usize,
    pub screen: Screen,
    pub help_open: bool,
    /// Lines the help is scrolled by, on a short terminal.
    pub help_scroll: u16,
    /// The filter panel, while open.
    pub filter_form: Option<FilterForm>,
    /// The "go to page" prompt, while open, and what is wrong with its text.
    pub page_prompt: Option<(Input, Option<String>)>,
    /// The "export to" prompt, while open, and what is wrong with its text.
    pub export_prompt: Option<(Input, Option<String>)>,
    /// The export running in the background: its request, customers written, of how many.
    pub export: Option<(RequestId, u64, u64)>,
    /// A result worth saying once (e.g. where an export went).
    pub notice: Option<String>,
    pub last_error: Option<String>,
    pub budget: RateSnapshot,
    pub spinner: usize,
    pub should_quit: bool,
    /// Whether the page on screen is being fetched (first load or a page change).
    pub loading: bool,
    /// The create or edit form, while open.
    pub form: Option<CustomerForm>,
    /// A confirmation waiting for an answer.
    pub dialog: Option<Dialog>,
    /// Customers marked for deleting.
    pub marks: Marks,
    /// Where `v` started a range (a customer id on this page).
    pub range_start: Option<i64>,
    /// The delete or restore under way.
    pub job: Option<Job>,
    /// What `u` would restore.
    pub last_delete: Option<LastDelete>,
    /// Where backups are written before deletes.
    pub backup_folder: std::path::PathBuf,
    /// Quit once the cancelled job has reported what it did.
    pub quit_when_job_ends: bool,
    table_rows: u16,
    next_request: RequestId,
    /// The newest request per slot: older answers are stale and dropped.
    latest: [Option<RequestId>; 4],
    /// The page after this one, fetched ahead: (page number, customers).
    prefetched: Option<(u64, Vec<Customer>)>,
    /// The page number of the read in the `NextPage` slot.
    prefetching: u64,
    /// Keep this customer selected when the page comes back (refresh).
    keep_selected_id: Option<i64>,
}

impl App {
    pub fn new(store: StoreLabel, page_size: u64) -> App {
        App {
            store,
            filter: Filter::default(),
            page_size: page_size.clamp(1, 250),
            page: 1,
            customers: Vec::new(),
            total: None,
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
            budget: RateSnapshot::default(),
            spinner: 0,
            should_quit: false,
            loading: true,
            form: None,
            dialog: None,
            marks: Marks::default(),
            range_start: None,
            job: None,
            last_delete: None,
            backup_folder: crate::paths::backup_folder()
                .unwrap_or_else(|_| std::path::PathBuf::from("backups")),
            quit_when_job_ends: false,
            table_rows: 20,
            next_request: 1,
            latest: [None; 4],
            prefetched: None,
            prefetching: 0,
            keep_selected_id: None,
        }
    }

    /// The commands that load the first screen.
    pub fn start(&mut self) -> Vec<Command> {
        self.reload()
    }

    /// The context of the screen under any overlay: what the help lists.
    pub fn screen_context(&self) -> Context {
        match self.screen {
            Screen::Table => Context::Table,
            Screen::Detail => Context::Detail,
        }
    }

    pub fn context(&self) -> Context {
        if self.help_open {
            Context::Help
        } else if self.dialog.is_some() {
            Context::Dialog
        } else if self.form.is_some() {
            Context::Form
        } else if self.page_prompt.is_some() {
            Context::PagePrompt
        } else if self.export_prompt.is_some() {
            Context::ExportPrompt
        } else if self.filter_form.is_some() {
            Context::Filter
        } else {
            match self.screen {
                Screen::Table => Context::Table,
                Screen::Detail => Context::Detail,
            }
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
    }

    pub fn selected_customer(&self) -> Option<&Customer> {
        self.customers.get(self.selected)
    }

    /// The last page number, once the count is known.
    pub fn last_page(&self) -> Option<u64> {
        self.total
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
            Some(total) => format!("{range} of {}", thousands(total)),
            None => format!("{range} of …"),
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Key(key) if key.kind != KeyEventKind::Release => {
                // A notice is said once: the next key clears it.
                self.notice = None;
                match action_for(key, self.context(), self.store.read_only) {
                    Some(action) => self.act(action),
                    None => {
                        // The focused field takes every key that is not an action: typing
                        // `q` into a field never quits.
                        let prompt = self.page_prompt.as_mut().or(self.export_prompt.as_mut());
                        if let Some(dialog) = self.dialog.as_mut() {
                            if !dialog.must_type().is_empty() {
                                dialog
                                    .typed
                                    .handle_event(&ratatui::crossterm::event::Event::Key(key));
                            }
                        } else if let Some(form) = self.form.as_mut() {
                            form.type_key(key);
                        } else if let Some((input, error)) = prompt {
                            input.handle_event(&ratatui::crossterm::event::Event::Key(key));
                            *error = None;
                        } else if let Some(form) = self.filter_form.as_mut() {
                            form.type_key(key);
                        }
                        Vec::new()
                    }
                }
            }
            Msg::Key(_) => Vec::new(),
            Msg::Worker(event) => self.receive(*event),
            Msg::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                Vec::new()
            }
            Msg::Mouse(mouse) => self.mouse(mouse),
            Msg::Resize { table_rows } => {
                self.table_rows = table_rows.max(1);
                Vec::new()
            }
        }
    }

    fn act(&mut self, action: Action) -> Vec<Command> {
        let rows = self.customers.len();
        let screenful = usize::from(self.table_rows.max(2) - 1);
        match action {
            Action::Quit if self.job.is_some() && !self.quit_when_job_ends => {
                // Stop the job first, so that what it did is known and said on the way out.
                self.cancel_job();
                self.quit_when_job_ends = true;
                self.notice = Some(
                    "Cancelling the job before quitting (press quit again to leave at once)."
                        .to_owned(),
                );
            }
            Action::Quit => self.should_quit = true,
            Action::ToggleHelp => {
                self.help_open = !self.help_open;
                self.help_scroll = 0;
            }
            Action::Back if self.help_open => self.help_open = false,
            Action::Down if self.help_open => {
                // Never past the last line: k comes straight back up.
                let lines = keymap::bindings_for(self.screen_context(), false, self.store.read_only)
                    .count() as u16;
                // The help box fills the terminal but its border: the table's rows and 2 more.
                let visible = self.table_rows + 2;
                self.help_scroll = (self.help_scroll + 1).min((lines + 2).saturating_sub(visible));
            }
            Action::Up if self.help_open => self.help_scroll = self.help_scroll.saturating_sub(1),
            Action::Back if self.dialog.is_some() => return self.choose_in_dialog(0),
            Action::Back if self.form.is_some() => self.form_back(),
            Action::NextField if self.dialog.is_some() => {
                self.dialog.iter_mut().for_each(Dialog::next)
            }
            Action::PreviousField if self.dialog.is_some() => {
                self.dialog.iter_mut().for_each(Dialog::previous)
            }
            Action::Submit if self.dialog.is_some() => {
                let focus = self.dialog.as_ref().map_or(0, |d| d.focus);
                return self.choose_in_dialog(focus);
            }
            Action::NextField if self.form.is_some() => {
                self.form.iter_mut().for_each(CustomerForm::next)
            }
            Action::PreviousField if self.form.is_some() => {
                self.form.iter_mut().for_each(CustomerForm::previous)
            }
            Action::Submit => return self.form_enter(),
            Action::Save => return self.save_form(),
            Action::NewCustomer => self.open_create_form(),
            Action::Edit => self.open_edit_form(),
            Action::Mark => self.toggle_mark(),
            Action::MarkRange => self.mark_range(),
            Action::MarkAllMatching => self.mark_all_matching(),
            Action::DeleteSelected => self.ask_delete_selected(),
            Action::DeleteMarked => self.ask_delete_marked(),
            Action::Undo => self.ask_undo(),
            Action::CancelJob => self.cancel_job(),
            Action::Back if self.screen == Screen::Table && !self.marks.is_empty() => {
                self.marks.clear();
                self.range_start = None;
                self.notice = Some("Unmarked every customer.".to_owned());
            }
            Action::Back if self.page_prompt.is_some() => self.page_prompt = None,
            Action::Back if self.export_prompt.is_some() => self.export_prompt = None,
            Action::OpenExportPrompt if self.export.is_some() => {
                self.notice = Some("An export is already running.".to_owned());
            }
            Action::OpenExportPrompt => {
                let name = chrono::Local::now()
                    .format("customers-%Y%m%d-%H%M%S.csv")
                    .to_string();
                self.export_prompt = Some((Input::new(name), None));
            }
            Action::ApplyFilter if self.export_prompt.is_some() => return self.start_export(),
            Action::Back if self.filter_form.is_some() => self.filter_form = None,
            Action::OpenPagePrompt => self.page_prompt = Some((Input::default(), None)),
            Action::ApplyFilter if self.page_prompt.is_some() => return self.jump_to_typed_page(),
            Action::OpenFilter => self.filter_form = Some(FilterForm::from_filter(&self.filter)),
            Action::ClearFilter if !self.filter.is_empty() => {
                return self.apply_filter(Filter::default());
            }
            Action::ClearFilter => {}
            Action::NextField => self.filter_form.iter_mut().for_each(FilterForm::next),
            Action::PreviousField => self.filter_form.iter_mut().for_each(FilterForm::previous),
            Action::ClearFields => self.filter_form.iter_mut().for_each(FilterForm::clear),
            Action::ApplyFilter => {
                if let Some(Ok(filter)) = self.filter_form.as_mut().map(FilterForm::to_filter) {
                    self.filter_form = None;
                    return self.apply_filter(filter);
                }
            }
            Action::Back => self.screen = Screen::Table,
            Action::Down => self.selected = (self.selected + 1).min(rows.saturating_sub(1)),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::PageDown => {
                self.selected = (self.selected + screenful).min(rows.saturating_sub(1))
            }
            Action::PageUp => self.selected = self.selected.saturating_sub(screenful),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = rows.saturating_sub(1),
            Action::OpenDetail if rows > 0 => self.screen = Screen::Detail,
            Action::OpenDetail => {}
            Action::NextPage => return self.go_to_page(self.page + 1),
            Action::PreviousPage if self.page > 1 => return self.go_to_page(self.page - 1),
            Action::PreviousPage => {}
            Action::FirstPage => return self.go_to_page(1),
            Action::LastPage => {
                if let Some(last) = self.last_page() {
                    return self.go_to_page(last);
                }
            }
            Action::Refresh => {
                self.keep_selected_id = self.selected_customer().map(|c| c.id);
                return self.reload();
            }
        }
        Vec::new()
    }

    /// The index of the first customer drawn when `visible` rows fit: the window follows
    /// the selection.
    pub fn first_visible_row(&self, visible: usize) -> usize {
        (self.selected + 1).saturating_sub(visible.max(1))
    }

    fn mouse(&mut self, mouse: MouseEvent) -> Vec<Command> {
        if self.context() != Context::Table && self.context() != Context::Detail {
            return Vec::new();
        }
        match mouse.kind {
            MouseEventKind::ScrollDown => self.act(Action::Down),
            MouseEventKind::ScrollUp => self.act(Action::Up),
            MouseEventKind::Down(MouseButton::Left) if self.screen == Screen::Table => {
                let visible = usize::from(self.table_rows);
                let Some(line) = mouse.row.checked_sub(crate::ui::FIRST_TABLE_LINE) else {
                    return Vec::new();
                };
                let index = self.first_visible_row(visible) + usize::from(line);
                if usize::from(line) < visible && index < self.customers.len() {
                    self.selected = index;
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn new_request(&mut self) -> RequestId {
        let request = self.next_request;
        self.next_request += 1;
        request
    }

    /// Presses a dialog's button (0, the safe one, for Esc). A button that needs a typed
    /// name does nothing until the name is right.
    fn choose_in_dialog(&mut self, focus: usize) -> Vec<Command> {
        let Some(dialog) = self.dialog.take() else {
            return Vec::new();
        };
        if focus != 0 && !dialog.ready() {
            self.dialog = Some(dialog);
            return Vec::new();
        }
        match dialog.kind {
            kind @ (DialogKind::Delete(_) | DialogKind::Restore { .. }) => {
                self.choose_in_delete_dialog(kind, focus)
            }
            kind => self.choose_in_form_dialog(kind, focus),
        }
    }

    /// Takes a worker's result to whatever asked for it.
    fn receive(&mut self, event: Event) -> Vec<Command> {
        self.budget = event.budget;
        if self
            .export
            .is_some_and(|(export, _, _)| export == event.request)
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
        self.receive_read(event)
    }
}
