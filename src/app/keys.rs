//! Keys, routed by focus: the context decides which table a key is read from and what its
//! action does there. The open dialog, form, prompt or panel takes a key first (its table,
//! then typing into its field); only a key on the screen itself reaches the screen's actions.

use ratatui::crossterm::event::{
    Event as TerminalEvent, KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind,
};
use tui_input::backend::crossterm::EventHandler;

use super::address_form::AddressForm;
use super::customer_form::{CustomerForm, FORCE_RESET};
use super::dialog::{Button, Dialog, DialogKind};
use super::filter_form::FilterForm;
use super::keymap::{Action, Context, action_for};
use super::overlay::Overlay;
use super::{App, Prompt, Screen};
use crate::worker::Command;

/// Two clicks on a row this close together open it.
const DOUBLE_CLICK_MS: i64 = 400;

impl App {
    pub(super) fn key(&mut self, key: KeyEvent) -> Vec<Command> {
        // A notice is said once: the next key clears it.
        self.notice = None;
        self.keys_taken += 1;
        let context = self.context();
        // A key that would change the store says why it does nothing here.
        if self.store.read_only
            && action_for(key, context, true).is_none()
            && action_for(key, context, false).is_some_and(|action| action.changes_store())
        {
            self.notice = Some(
                "Read-only: this store is opened read-only (--read-only, or read_only = true in its profile); nothing is changed."
                    .to_owned(),
            );
            return Vec::new();
        }
        match action_for(key, context, self.store.read_only) {
            // A form's unsaved changes are asked about first, as Esc does; asked already,
            // quit means quit.
            Some(Action::Quit)
                if self.unsaved_changes()
                    && !matches!(
                        self.dialog().map(|d| &d.kind),
                        Some(DialogKind::QuitWithChanges)
                    ) =>
            {
                self.open(Overlay::Dialog(Dialog::new(DialogKind::QuitWithChanges)));
                Vec::new()
            }
            Some(Action::Quit) => {
                self.quit();
                Vec::new()
            }
            Some(action) => match context {
                Context::Help => {
                    self.act_in_help(action);
                    Vec::new()
                }
                Context::Dialog => self.act_in_dialog(action),
                Context::Form => self.act_in_form(action),
                Context::AddressForm => self.act_in_address_form(action),
                Context::BulkForm => self.act_in_bulk_form(action),
                Context::PagePrompt => self.act_in_page_prompt(action),
                Context::ExportPrompt => self.act_in_export_prompt(action),
                Context::Filter => self.act_in_filter(action),
                Context::Groups => self.act_in_groups(action),
                Context::Journal => self.act_in_journal(action),
                Context::GroupPrompt => self.act_in_group_prompt(action),
                Context::Search => self.act_in_search(action),
                Context::Summary => self.act_in_summary(action),
                Context::Table | Context::Found | Context::Detail => self.act_on_screen(action),
            },
            None if context == Context::Search => self.type_into_search(key),
            None => {
                // The focused field takes every key that is not an action: typing `q` into a
                // field never quits.
                self.type_into(context, key);
                Vec::new()
            }
        }
    }

    fn type_into(&mut self, context: Context, key: KeyEvent) {
        let event = TerminalEvent::Key(key);
        match context {
            Context::Dialog => {
                if let Some(dialog) = self.dialog_mut()
                    && !dialog.must_type().is_empty()
                {
                    dialog.typed.handle_event(&event);
                }
            }
            Context::Form => self
                .form_mut()
                .into_iter()
                .for_each(|form| form.type_key(key)),
            Context::AddressForm => self
                .address_form_mut()
                .into_iter()
                .for_each(|form| form.type_key(key)),
            Context::BulkForm => self
                .bulk_form_mut()
                .into_iter()
                .for_each(|form| form.type_key(key)),
            Context::PagePrompt => self
                .page_prompt_mut()
                .into_iter()
                .for_each(|p| p.type_key(&event)),
            Context::GroupPrompt => self
                .group_prompt_mut()
                .into_iter()
                .for_each(|asked| asked.prompt.type_key(&event)),
            Context::ExportPrompt => self
                .export_prompt_mut()
                .into_iter()
                .for_each(|p| p.type_key(&event)),
            Context::Filter => self
                .filter_form_mut()
                .into_iter()
                .for_each(|f| f.type_key(key)),
            Context::Table
            | Context::Found
            | Context::Search
            | Context::Summary
            | Context::Detail
            | Context::Groups
            | Context::Journal
            | Context::Help => {}
        }
    }

    /// Whether an open form holds something typed and not saved.
    fn unsaved_changes(&self) -> bool {
        self.form().is_some_and(|form| form.is_dirty())
            || self.address_form().is_some_and(|form| form.is_dirty())
            || self
                .bulk_form()
                .is_some_and(|form| form.inputs.iter().any(|input| !input.value().is_empty()))
    }

    fn quit(&mut self) {
        if self.job.is_some() && !self.quit_when_job_ends {
            // Stop the job first, so that what it did is known and said on the way out.
            self.cancel_job();
            self.quit_when_job_ends = true;
            self.notice = Some(
                "Cancelling the job before quitting (press quit again to leave at once)."
                    .to_owned(),
            );
        } else {
            self.should_quit = true;
        }
    }

    fn act_in_help(&mut self, action: Action) {
        match action {
            Action::Back | Action::ToggleHelp => self.dismiss(Context::Help),
            Action::Down => {
                // Never past the last line: k comes straight back up. The lines are those the
                // help draws.
                let lines = self.help_lines().len() as u16;
                // The help box fills the terminal but its border: the table's rows and 2 more.
                let visible = self.table.rows + 2;
                let last = lines.saturating_sub(visible);
                self.scroll_help(1, last);
            }
            Action::Up => self.scroll_help(-1, u16::MAX),
            _ => {}
        }
    }

    fn act_in_dialog(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::NextField => self.dialog_mut().into_iter().for_each(Dialog::next),
            Action::PreviousField => self.dialog_mut().into_iter().for_each(Dialog::previous),
            Action::Submit => {
                if let Some(button) = self.dialog().map(Dialog::focused) {
                    return self.press(button);
                }
            }
            Action::Back => {
                if let Some(button) = self.dialog().map(Dialog::safe_button) {
                    return self.press(button);
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn act_in_form(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::NextField => self.form_mut().into_iter().for_each(CustomerForm::next),
            Action::PreviousField => self.form_mut().into_iter().for_each(CustomerForm::previous),
            Action::ClearField => self
                .form_mut()
                .into_iter()
                .for_each(CustomerForm::clear_field),
            Action::Toggle => {
                if let Some(form) = self.form_mut() {
                    if form.focus == FORCE_RESET {
                        form.toggle_force_reset();
                    } else {
                        // In a text field Space is a space.
                        form.type_key(KeyEvent::from(KeyCode::Char(' ')));
                    }
                }
            }
            Action::Submit => return self.form_enter(),
            Action::Save => return self.save_form(),
            Action::Back => self.form_back(),
            _ => {}
        }
        Vec::new()
    }

    fn act_in_address_form(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::Down | Action::Up => {
                let step = if action == Action::Down { 1 } else { -1 };
                if let Some(form) = self.address_form_mut()
                    && !form.move_country_choice(step)
                {
                    if step > 0 {
                        form.next()
                    } else {
                        form.previous()
                    }
                }
            }
            Action::Submit
                if self
                    .address_form_mut()
                    .is_some_and(AddressForm::take_country_choice) =>
            {
                self.address_form_mut()
                    .into_iter()
                    .for_each(AddressForm::next);
            }
            Action::NextField => self
                .address_form_mut()
                .into_iter()
                .for_each(AddressForm::next),
            Action::PreviousField => self
                .address_form_mut()
                .into_iter()
                .for_each(AddressForm::previous),
            Action::ClearField => self
                .address_form_mut()
                .into_iter()
                .for_each(AddressForm::clear_field),
            Action::Submit => return self.address_form_enter(),
            Action::Save => return self.save_address_form(),
            Action::Back => self.address_form_back(),
            _ => {}
        }
        Vec::new()
    }

    fn act_in_groups(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::Down => self.move_in_groups(1),
            Action::Up => self.move_in_groups(-1),
            Action::Top => self.groups_view.selected = 0,
            Action::Bottom => self.groups_view.selected = self.groups.len(),
            Action::ShowGroupCustomers => return self.show_group_customers(),
            Action::NewGroup => self.ask_group_name(false),
            Action::RenameGroup => self.ask_group_name(true),
            Action::DeleteGroup => self.ask_delete_group(),
            Action::Back => self.screen = Screen::Table,
            Action::Refresh => return vec![self.load_groups()],
            Action::ToggleHelp => {
                self.open_help();
            }
            _ => {}
        }
        Vec::new()
    }

    fn act_in_journal(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::Down => self.move_in_journal(1),
            Action::Up => self.move_in_journal(-1),
            Action::UndoPicked => self.ask_undo_change_set(),
            Action::OpenChangeSet => self.open_change_set(),
            Action::ShowConflicts => self.show_conflicts(),
            Action::Back => self.screen = Screen::Table,
            Action::Refresh => return self.open_journal(),
            Action::ToggleHelp => {
                self.open_help();
            }
            _ => {}
        }
        Vec::new()
    }

    fn act_in_search(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::Apply => self.finish_search(),
            Action::Back => return self.escape_search_line(),
            Action::Down | Action::Up => return self.act_on_screen(action),
            _ => {}
        }
        Vec::new()
    }

    fn act_in_summary(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::Down => self.move_in_summary(1),
            Action::Up => self.move_in_summary(-1),
            Action::NextField => self.next_chart(1),
            Action::PreviousField => self.next_chart(-1),
            Action::ShowChosen => return self.show_chosen(),
            Action::Back => self.screen = Screen::Table,
            Action::Refresh => return self.open_summary(),
            Action::ToggleHelp => {
                self.open_help();
            }
            _ => {}
        }
        Vec::new()
    }

    fn act_in_group_prompt(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::Apply => return self.save_group_name(),
            Action::Back => self.dismiss(Context::GroupPrompt),
            _ => {}
        }
        Vec::new()
    }

    fn act_in_bulk_form(&mut self, action: Action) -> Vec<Command> {
        use super::bulk_edit::{BulkForm, REVIEW};
        match action {
            Action::NextField => self.bulk_form_mut().into_iter().for_each(BulkForm::next),
            Action::PreviousField => self
                .bulk_form_mut()
                .into_iter()
                .for_each(BulkForm::previous),
            Action::ClearField => self
                .bulk_form_mut()
                .into_iter()
                .for_each(BulkForm::clear_field),
            Action::Toggle => self
                .bulk_form_mut()
                .into_iter()
                .for_each(|form| form.toggle(KeyEvent::from(KeyCode::Char(' ')))),
            Action::Save => return self.review_bulk_edit(),
            Action::Submit => {
                if self.bulk_form().is_some_and(|f| f.focus == REVIEW) {
                    return self.review_bulk_edit();
                }
                self.bulk_form_mut().into_iter().for_each(BulkForm::next);
            }
            Action::Back => {
                // A review still being read is no longer waited for.
                let reviewing = self.bulk_form().is_some_and(|f| f.reviewing.is_some());
                self.dismiss(Context::BulkForm);
                if reviewing {
                    self.forget_slot(crate::worker::Slot::BulkReview);
                }
                self.notice = Some("Nothing changed.".to_owned());
            }
            _ => {}
        }
        Vec::new()
    }

    fn act_in_page_prompt(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::Apply => return self.jump_to_typed_page(),
            Action::Back => self.dismiss(Context::PagePrompt),
            _ => {}
        }
        Vec::new()
    }

    fn act_in_export_prompt(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::Apply => return self.start_export(),
            Action::Back => self.dismiss(Context::ExportPrompt),
            _ => {}
        }
        Vec::new()
    }

    fn act_in_filter(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::NextField => self
                .filter_form_mut()
                .into_iter()
                .for_each(FilterForm::next),
            Action::PreviousField => self
                .filter_form_mut()
                .into_iter()
                .for_each(FilterForm::previous),
            Action::ClearFields => self
                .filter_form_mut()
                .into_iter()
                .for_each(FilterForm::clear),
            Action::Apply => {
                if let Some(Ok(filter)) = self.filter_form_mut().map(FilterForm::to_filter) {
                    self.dismiss(Context::Filter);
                    return self.apply_filter(filter);
                }
            }
            Action::Back => self.dismiss(Context::Filter),
            _ => {}
        }
        Vec::new()
    }

    /// The table's and the details' own keys.
    fn act_on_screen(&mut self, action: Action) -> Vec<Command> {
        let rows = self.customers.len();
        let screenful = usize::from(self.table.rows.max(2) - 1);
        match action {
            Action::ToggleHelp => {
                self.open_help();
            }
            Action::NewCustomer => self.open_create_form(),
            Action::Edit => return self.open_edit_form(),
            Action::Mark => self.toggle_mark(),
            Action::MarkRange => self.mark_range(),
            Action::MarkAllMatching => self.mark_all_matching(),
            Action::UnmarkAll => self.unmark_all(),
            Action::NextAddress => self.choose_address(1),
            Action::PreviousAddress => self.choose_address(-1),
            Action::AddAddress => self.open_address_form(None),
            Action::EditAddress => self.edit_chosen_address(),
            Action::DeleteAddress => self.ask_delete_address(),
            Action::OpenGroups => return self.open_groups(),
            Action::BulkEdit => self.open_bulk_form(),
            Action::OpenJournal => return self.open_journal(),
            Action::DeleteSelected => return self.ask_delete_selected(),
            Action::DeleteMarked => return self.ask_delete_marked(),
            Action::Undo => return self.ask_undo(),
            Action::CancelJob => self.cancel_job(),
            Action::OpenExportPrompt if self.export.is_some() => {
                self.notice = Some("An export is already running.".to_owned());
            }
            Action::OpenExportPrompt => {
                let name = self.now.format("customers-%Y%m%d-%H%M%S.csv").to_string();
                self.open(Overlay::ExportPrompt(Prompt::with_text(name)));
            }
            Action::OpenPagePrompt => self.open(Overlay::PagePrompt(Prompt::default())),
            Action::OpenFilter => self.open(Overlay::Filter(FilterForm::from_filter(
                &self.filter,
                self.group_names(),
            ))),
            Action::ClearFilter if self.filter.is_empty() => {
                self.notice = Some("No filter to clear.".to_owned());
            }
            Action::ClearFilter => return self.apply_filter(crate::domain::Filter::default()),
            Action::OpenSearch => return self.open_search(),
            Action::SortNext => return self.sort(false),
            Action::SortReverse => return self.sort(true),
            Action::OpenSummary => return self.open_summary(),
            // On the table listing a search: back to the store's pages.
            Action::Back if self.screen == Screen::Table => return self.leave_search(),
            Action::Back => self.screen = Screen::Table,
            Action::Down => {
                self.selected = (self.selected + 1).min(rows.saturating_sub(1));
                return self.load_addresses();
            }
            Action::Up => {
                self.selected = self.selected.saturating_sub(1);
                return self.load_addresses();
            }
            Action::PageDown => {
                self.selected = (self.selected + screenful).min(rows.saturating_sub(1))
            }
            Action::PageUp => self.selected = self.selected.saturating_sub(screenful),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = rows.saturating_sub(1),
            Action::OpenDetail if rows > 0 => {
                self.screen = Screen::Detail;
                let mut commands = self.fetch_live();
                commands.extend(self.load_addresses());
                return commands;
            }
            Action::OpenDetail => {}
            Action::NextPage => return self.turn_to(Some(self.page + 1)),
            Action::PreviousPage => return self.turn_to(Some(self.page.saturating_sub(1))),
            Action::FirstPage => return self.turn_to(Some(1)),
            Action::LastPage => return self.turn_to(self.last_page()),
            Action::Refresh => {
                self.keep_selected_id = self.selected_customer().map(|c| c.id);
                let mut commands = self.reload();
                commands.push(self.load_groups());
                commands.extend(self.sync_index());
                if self.screen == Screen::Detail {
                    self.addresses = None;
                    commands.extend(self.load_addresses());
                }
                return commands;
            }
            // Keys of other contexts never reach the screen: its tables have none of them.
            Action::Quit
            | Action::NextField
            | Action::PreviousField
            | Action::Apply
            | Action::ClearFields
            | Action::ClearField
            | Action::Save
            | Action::Submit
            | Action::Toggle
            | Action::ShowGroupCustomers
            | Action::NewGroup
            | Action::RenameGroup
            | Action::DeleteGroup
            | Action::ShowChosen
            | Action::UndoPicked
            | Action::OpenChangeSet
            | Action::ShowConflicts => {}
        }
        Vec::new()
    }

    /// A page key: to that page, or a word on why not.
    fn turn_to(&mut self, page: Option<u64>) -> Vec<Command> {
        let notice = match (page, self.last_page()) {
            (None, _) => "Still counting the customers; try again.",
            (Some(0), _) => "This is the first page.",
            (Some(page), Some(last)) if page > last => "This is the last page.",
            (Some(page), _) if page == self.page && self.requested_page.is_none() => {
                "This page is on screen."
            }
            (Some(page), _) => return self.go_to_page(page),
        };
        self.notice = Some(notice.to_owned());
        Vec::new()
    }

    pub(super) fn mouse(&mut self, mouse: MouseEvent) -> Vec<Command> {
        // The wheel and clicks reach the rows on screen (the store's or a search's) and the
        // details, when nothing is open on top of them.
        if !matches!(
            self.context(),
            Context::Table | Context::Found | Context::Detail
        ) {
            return Vec::new();
        }
        match mouse.kind {
            MouseEventKind::ScrollDown => self.act_on_screen(Action::Down),
            MouseEventKind::ScrollUp => self.act_on_screen(Action::Up),
            MouseEventKind::Down(MouseButton::Left) if self.screen == Screen::Table => {
                let visible = usize::from(self.table.rows);
                let Some(line) = mouse.row.checked_sub(self.table.top) else {
                    return Vec::new();
                };
                let index = self.first_visible_row(visible) + usize::from(line);
                if usize::from(line) >= visible || index >= self.customers.len() {
                    return Vec::new();
                }
                self.selected = index;
                // A second click on the same row soon after opens it, as Enter does.
                let again = self.last_click.is_some_and(|(row, at)| {
                    row == index && (self.now - at).num_milliseconds() < DOUBLE_CLICK_MS
                });
                self.last_click = Some((index, self.now));
                if again {
                    self.last_click = None;
                    return self.act_on_screen(Action::OpenDetail);
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}

impl App {
    /// Presses a dialog's button. One that needs a typed name does nothing until the name is
    /// right.
    fn press(&mut self, button: Button) -> Vec<Command> {
        let Some(dialog) = self.take_dialog() else {
            return Vec::new();
        };
        if !dialog.ready(button) {
            self.open(Overlay::Dialog(dialog));
            return Vec::new();
        }
        match dialog.kind {
            kind @ DialogKind::Delete(_) => self.choose_in_delete_dialog(kind, button),
            kind @ DialogKind::DeleteAddress(_) => self.choose_in_address_dialog(kind, button),
            kind @ DialogKind::DeleteGroup { .. } => self.choose_in_group_dialog(kind, button),
            kind @ DialogKind::BulkReview { .. } => self.choose_in_bulk_dialog(kind, button),
            kind @ (DialogKind::UndoChangeSet { .. }
            | DialogKind::Conflicts(_)
            | DialogKind::ChangeSet(_)) => self.choose_in_undo_dialog(kind, button),
            kind @ DialogKind::ReplaceExport { .. } => self.choose_in_replace_dialog(kind, button),
            DialogKind::QuitWithChanges => {
                if button == Button::Quit {
                    self.quit();
                }
                Vec::new()
            }
            kind => self.choose_in_form_dialog(kind, button),
        }
    }
}

impl Prompt {
    fn type_key(&mut self, event: &TerminalEvent) {
        self.input.handle_event(event);
        self.problem = None;
    }
}

impl Dialog {
    /// The button Esc presses: the one that does nothing.
    pub fn safe_button(&self) -> Button {
        self.buttons()[0]
    }
}
