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

/// The group id a person typed: an id, a group's name in any case, or the only name holding
/// what is typed. Empty is 0, no group.
pub fn resolve_group(text: &str, groups: &[(i64, String)]) -> Result<i64, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    if text.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return crate::domain::rules::parse_group_id(text);
    }
    let lower = text.to_lowercase();
    if let Some((id, _)) = groups.iter().find(|(_, name)| name.to_lowercase() == lower) {
        return Ok(*id);
    }
    let mut holding = groups
        .iter()
        .filter(|(_, name)| name.to_lowercase().contains(&lower));
    match (holding.next(), holding.next()) {
        (Some((id, _)), None) => Ok(*id),
        (Some(_), Some(_)) => Err("more than one group: pick one below"),
        (None, _) if groups.is_empty() => Err("a group id (the store's groups are not known)"),
        (None, _) => Err("no group by that name"),
    }
}

/// "Retail (#1), Wholesale (#2)": the groups, for a message that lists them.
pub fn list_groups(groups: &[(i64, String)]) -> String {
    groups
        .iter()
        .map(|(id, name)| format!("{name} (#{id})"))
        .collect::<Vec<_>>()
        .join(", ")
}
