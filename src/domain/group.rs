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
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
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

impl CustomerGroup {
    /// This group with a change applied.
    pub fn with(&self, change: &GroupChange) -> CustomerGroup {
        let mut group = self.clone();
        if let Some(name) = &change.name {
            group.name = name.clone();
        }
        if let Some(is_default) = change.is_default {
            group.is_default = is_default;
        }
        group
    }

    /// What of a group a change can set, in which two groups differ: `name`, `is_default`.
    pub fn differences(&self, other: &CustomerGroup) -> Vec<&'static str> {
        let mut fields = Vec::new();
        if self.name != other.name {
            fields.push("name");
        }
        if self.is_default != other.is_default {
            fields.push("is_default");
        }
        fields
    }

    /// The value of one of those, as text.
    pub fn field(&self, name: &str) -> String {
        match name {
            "name" => self.name.clone(),
            "is_default" => self.is_default.to_string(),
            _ => String::new(),
        }
    }
}
