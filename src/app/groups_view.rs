//! The groups view: every customer group with how many customers it has (counted in the
//! background, one request each) and the default marked; Enter shows a group's customers;
//! groups are created, renamed and deleted here.

use std::collections::HashMap;

use super::dialog::{Button, Dialog, DialogKind};
use super::keymap::Context;
use super::overlay::Overlay;
use super::{App, Awaited, Prompt, Screen};
use crate::domain::{CustomerGroup, Filter, GroupChange};
use crate::worker::{Command, Event, Failure, Outcome, Read, RequestId, Slot, Write};

#[derive(Debug, Clone, Default)]
pub struct GroupsView {
    /// The row chosen: a group, or after the last one, the customers in no group.
    pub selected: usize,
    /// Customers per group id (0: in no group), once counted.
    pub counts: HashMap<i64, u64>,
    /// The group to choose when the groups arrive (one just made), by id.
    pub choose: Option<i64>,
}

/// The prompt for a new group's name, or a group's new name.
#[derive(Debug, Clone)]
pub struct GroupPrompt {
    pub prompt: Prompt,
    /// The group being renamed; `None` creates one.
    pub renaming: Option<i64>,
    /// The create or rename on its way.
    pub saving: Option<RequestId>,
}

impl App {
    /// `C`: the groups view, with the groups read again and their customers counted.
    pub(super) fn open_groups(&mut self) -> Vec<Command> {
        self.screen = Screen::Groups;
        self.groups_view.selected = 0;
        vec![self.load_groups()]
    }

    /// Counts each group's customers, when the groups view shows.
    pub(super) fn count_group_customers(&mut self) -> Vec<Command> {
        if self.screen != Screen::Groups || self.groups.is_empty() {
            return Vec::new();
        }
        // And those in no group, the last row.
        let group_ids = self
            .groups
            .iter()
            .map(|group| group.id)
            .chain([0])
            .collect();
        vec![self.read(Slot::GroupCounts, Read::GroupCounts { group_ids })]
    }

    pub(super) fn group_counts_arrived(&mut self, result: Result<Outcome, Failure>) {
        match result {
            Ok(Outcome::GroupCounts(counts)) => {
                self.groups_view.counts = counts.into_iter().collect()
            }
            Err(failure) => {
                self.last_error = Some(format!("Cannot count the groups' customers: {failure}"))
            }
            Ok(_) => {}
        }
    }

    pub fn selected_group(&self) -> Option<&CustomerGroup> {
        self.groups.get(self.groups_view.selected)
    }

    /// Moves among the rows: the groups, then "(no group)".
    pub(super) fn move_in_groups(&mut self, step: isize) {
        let rows = self.groups.len() + 1;
        let at = self.groups_view.selected as isize + step;
        self.groups_view.selected = at.clamp(0, rows as isize - 1) as usize;
    }

    /// Enter: the table, filtered to the chosen group's customers (or those in none).
    pub(super) fn show_group_customers(&mut self) -> Vec<Command> {
        let id = self.selected_group().map_or(0, |group| group.id);
        self.screen = Screen::Table;
        self.apply_filter(Filter {
            customer_group_id: Some(id),
            ..Filter::default()
        })
    }

    /// `n` (new) or `e` (rename) in the groups view: a prompt for the name.
    pub(super) fn ask_group_name(&mut self, renaming: bool) {
        let (text, renaming) = match (renaming, self.selected_group()) {
            (true, Some(group)) => (group.name.clone(), Some(group.id)),
            (true, None) => {
                self.notice = Some(
                    "No group chosen: this row is the customers in no group; n creates a group."
                        .to_owned(),
                );
                return;
            }
            (false, _) => (String::new(), None),
        };
        self.open(Overlay::GroupPrompt(GroupPrompt {
            prompt: Prompt::with_text(text),
            renaming,
            saving: None,
        }));
    }

    /// Enter in the name prompt: creates or renames, keeping the prompt until the store
    /// answers.
    pub(super) fn save_group_name(&mut self) -> Vec<Command> {
        let request = self.new_request();
        let Some(asked) = self.group_prompt_mut() else {
            return Vec::new();
        };
        if asked.saving.is_some() {
            return Vec::new();
        }
        let name = asked.prompt.input.value().trim().to_owned();
        if name.is_empty() {
            asked.prompt.problem = Some("a name".to_owned());
            return Vec::new();
        }
        let group = GroupChange::named(name);
        asked.saving = Some(request);
        let write = match asked.renaming {
            Some(group_id) => Write::UpdateGroup {
                group_id,
                change: group,
            },
            None => Write::CreateGroup { group },
        };
        self.expect(request, Awaited::SaveGroup);
        vec![Command::Write { request, write }]
    }

    /// The store's answer to a create or rename.
    pub(super) fn group_saved(&mut self, event: Event) -> Vec<Command> {
        let Some(asked) = self.group_prompt_mut() else {
            return Vec::new();
        };
        match event.result {
            Ok(Outcome::Group(group)) => {
                self.notice = Some(match asked.renaming {
                    Some(_) => format!("Renamed the group to {}.", group.name),
                    None => format!("Created the group {} (#{}).", group.name, group.id),
                });
                // Chosen once the groups come back, to rename or look into at once.
                self.groups_view.choose = Some(group.id);
                self.dismiss(Context::GroupPrompt);
                vec![self.load_groups()]
            }
            Ok(_) => Vec::new(),
            Err(failure) => {
                // What was typed stays; the store's reason shows beside it.
                asked.saving = None;
                asked.prompt.problem = Some(
                    failure
                        .api()
                        .and_then(|error| error.store_reason())
                        .map_or_else(|| failure.to_string(), str::to_owned),
                );
                Vec::new()
            }
        }
    }

    /// `d` in the groups view: asks, saying how many customers will be left in no group.
    pub(super) fn ask_delete_group(&mut self) {
        let Some(group) = self.selected_group().cloned() else {
            self.notice =
                Some("No group chosen: this row is the customers in no group.".to_owned());
            return;
        };
        let customers = self.groups_view.counts.get(&group.id).copied();
        self.open(Overlay::Dialog(Dialog::new(DialogKind::DeleteGroup {
            group: Box::new(group),
            customers,
        })));
    }

    pub(super) fn choose_in_group_dialog(
        &mut self,
        kind: DialogKind,
        button: Button,
    ) -> Vec<Command> {
        match (kind, button) {
            (DialogKind::DeleteGroup { group, .. }, Button::Delete) => {
                let request = self.new_request();
                self.expect(request, Awaited::DeleteGroup);
                vec![Command::Write {
                    request,
                    write: Write::DeleteGroup { group_id: group.id },
                }]
            }
            _ => {
                self.notice = Some("Nothing deleted.".to_owned());
                Vec::new()
            }
        }
    }

    pub(super) fn group_deleted(&mut self, event: Event) -> Vec<Command> {
        match event.result {
            Ok(Outcome::GroupDeleted(id)) => {
                let name = self.group_label(id);
                self.notice = Some(format!(
                    "Deleted the group {name}; its customers are in no group now. u undoes it."
                ));
                self.groups.retain(|group| group.id != id);
                self.move_in_groups(0);
                vec![self.load_groups()]
            }
            Ok(_) => Vec::new(),
            Err(failure) => {
                self.last_error = Some(format!("The group was not deleted: {failure}"));
                Vec::new()
            }
        }
    }
}
