//! Customer groups: what a customer's group id names. Staff know them by name
//! ("Wholesale").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerGroup {
    pub id: i64,
    pub name: String,
    pub is_default: bool,
    pub is_group_for_guests: bool,
    pub date_created: String,
    pub date_modified: String,
}

/// A group to create, or what changes in one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupChange {
    pub name: Option<String>,
    pub is_default: Option<bool>,
}

impl GroupChange {
    pub fn named(name: impl Into<String>) -> GroupChange {
        GroupChange {
            name: Some(name.into()),
            is_default: None,
        }
    }
}
