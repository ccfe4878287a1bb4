//! What the app knows of the store besides the page: its customer groups (loaded once, and
//! again on r) so that groups show by name, and the addresses of the customer in the details
//! (read when the details open).

use super::{App, Screen};
use crate::domain::Address;
use crate::worker::{Command, Failure, Outcome, Read, Slot};

/// The addresses of the customer in the details.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerAddresses {
    pub customer_id: i64,
    pub list: AddressList,
    /// The address chosen (Tab) for editing or deleting.
    pub selected: usize,
    /// The address to choose when the list arrives (the one just saved), by id.
    pub keep_chosen: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AddressList {
    Loading,
    Loaded(Vec<Address>),
    Failed(Failure),
}

pub use crate::domain::resolve_group;

impl App {
    /// The store's groups as (id, name), for the fields that pick one.
    pub fn group_names(&self) -> Vec<(i64, String)> {
        self.groups
            .iter()
            .map(|group| (group.id, group.name.clone()))
            .collect()
    }

    /// A filter as the header shows it: `group=Staff, company=Acme` (a group by its name).
    pub fn filter_words(&self, filter: &crate::domain::Filter) -> String {
        filter
            .parts()
            .into_iter()
            .map(|(name, value)| match (name, filter.customer_group_id) {
                ("customer_group_id", Some(id)) => format!("group={}", self.group_label(id)),
                _ => format!("{name}={value}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A group as people know it: its name, `none` for 0, `#7` for an id with no group.
    pub fn group_label(&self, id: i64) -> String {
        if id == 0 {
            return "none".to_owned();
        }
        match self.groups.iter().find(|group| group.id == id) {
            Some(group) => group.name.clone(),
            None => format!("#{id}"),
        }
    }

    pub(super) fn load_groups(&mut self) -> Command {
        self.read(Slot::Groups, Read::Groups)
    }

    pub(super) fn groups_arrived(&mut self, result: Result<Outcome, Failure>) -> Vec<Command> {
        match result {
            Ok(Outcome::Groups(groups)) => {
                self.groups = groups;
                if let Some(made) = self.groups_view.choose.take()
                    && let Some(at) = self.groups.iter().position(|group| group.id == made)
                {
                    self.groups_view.selected = at;
                }
                self.move_in_groups(0);
                return self.count_group_customers();
            }
            // A store with no groups resource: ids stay ids.
            Err(failure) if failure.api().and_then(|e| e.status()) == Some(404) => {}
            Err(failure) => self.last_error = Some(format!("Cannot read the groups: {failure}")),
            Ok(_) => {}
        }
        Vec::new()
    }

    /// Reads the addresses of the customer in the details, unless they are there already.
    pub(super) fn load_addresses(&mut self) -> Vec<Command> {
        if self.screen != Screen::Detail {
            return Vec::new();
        }
        let Some(customer_id) = self.selected_customer().map(|c| c.id) else {
            return Vec::new();
        };
        if self
            .addresses
            .as_ref()
            .is_some_and(|shown| shown.customer_id == customer_id)
        {
            return Vec::new();
        }
        self.reload_addresses(customer_id)
    }

    pub(super) fn reload_addresses(&mut self, customer_id: i64) -> Vec<Command> {
        self.addresses = Some(CustomerAddresses {
            customer_id,
            list: AddressList::Loading,
            selected: 0,
            keep_chosen: None,
        });
        vec![self.read(Slot::Addresses, Read::Addresses { customer_id })]
    }

    pub(super) fn addresses_arrived(&mut self, result: Result<Outcome, Failure>) {
        let Some(shown) = self.addresses.as_mut() else {
            return;
        };
        match result {
            Ok(Outcome::Addresses {
                customer_id,
                addresses,
            }) if customer_id == shown.customer_id => {
                let kept = shown
                    .keep_chosen
                    .take()
                    .and_then(|id| addresses.iter().position(|address| address.id == id));
                shown.selected = kept
                    .unwrap_or(shown.selected)
                    .min(addresses.len().saturating_sub(1));
                shown.list = AddressList::Loaded(addresses);
            }
            Err(failure) => shown.list = AddressList::Failed(failure),
            Ok(_) => {}
        }
    }

    /// The addresses shown, once loaded.
    pub fn shown_addresses(&self) -> &[Address] {
        match self.addresses.as_ref().map(|shown| &shown.list) {
            Some(AddressList::Loaded(addresses)) => addresses,
            _ => &[],
        }
    }

    /// The address chosen in the details.
    pub fn selected_address(&self) -> Option<&Address> {
        let selected = self.addresses.as_ref()?.selected;
        self.shown_addresses().get(selected)
    }

    pub(super) fn select_address(&mut self, step: isize) {
        let count = self.shown_addresses().len();
        if let Some(shown) = self.addresses.as_mut()
            && count > 0
        {
            shown.selected = (shown.selected as isize + step).rem_euclid(count as isize) as usize;
        }
    }
}
