//! What a store holds and what is asked of it, in the store's words and apart from any wire
//! format: customers, new customers, changes, filters, groups, addresses; the one list of a
//! customer's fields and the store's rules for them.

mod address;
mod change;
pub mod countries;
mod customer;
pub mod fields;
mod filter;
mod group;
pub mod rules;

pub use address::{ADDRESS_FIELDS, Address, AddressChange};
pub use change::{CustomerChange, FieldValues, NewCustomer, Secret};
pub use customer::{Customer, FormField, format_credit};
pub use fields::{Field, Value};
pub use filter::{DATE_FORMS, FILTER_LABELS, FILTER_NAMES, Filter, FilterError};
pub use group::{CustomerGroup, GroupChange, list_groups, resolve_group};
