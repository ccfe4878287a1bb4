//! Customer groups in storage. At most one group is the default and at most one is the
//! guests' group: setting either on a group clears it on the others in the same transaction.

use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, params_from_iter};

use super::super::filter::Paging;
use super::super::group::{GroupFields, StoredGroup};
use super::super::group_filter::GroupFilter;
use super::{Store, WriteError};

const COLUMNS: &str = "id, name, is_default, category_access, discount_rules, date_created, \
    date_modified, is_group_for_guests";

impl Store {
    pub fn list_groups(
        &self,
        filter: &GroupFilter,
        paging: Paging,
    ) -> rusqlite::Result<Vec<StoredGroup>> {
        let Some(offset) = paging.offset() else {
            return Ok(Vec::new());
        };
        let (clause, mut values) = where_clause(filter);
        values.push(Value::Integer(paging.limit as i64));
        values.push(Value::Integer(offset));
        let sql =
            format!("SELECT {COLUMNS} FROM customer_groups {clause} ORDER BY id LIMIT ? OFFSET ?");
        self.read(|db| {
            let mut statement = db.prepare_cached(&sql)?;
            let rows = statement.query_map(params_from_iter(values), group_from_row)?;
            rows.collect()
        })
    }

    pub fn count_groups(&self, filter: &GroupFilter) -> rusqlite::Result<u64> {
        let (clause, values) = where_clause(filter);
        self.count_rows("customer_groups", &clause, values)
    }

    pub fn get_group(&self, id: i64) -> rusqlite::Result<Option<StoredGroup>> {
        self.read(|db| get_group(db, id))
    }

    pub fn create_group(&self, fields: &GroupFields, now: i64) -> Result<StoredGroup, WriteError> {
        let name = fields.name.clone().unwrap_or_default();
        let access = fields.category_access.clone().unwrap_or_default();
        let rules = fields.discount_rules.clone().unwrap_or_default();
        self.write(|tx| {
            clear_flags(tx, fields, None, now)?;
            tx.prepare_cached(
                "INSERT INTO customer_groups (name, name_key, is_default, category_access, \
                 discount_rules, date_created, date_modified, is_group_for_guests) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(rusqlite::params![
                name,
                name_key(&name),
                fields.is_default.unwrap_or_default(),
                to_text(&access)?,
                to_text(&rules)?,
                now,
                now,
                fields.is_group_for_guests.unwrap_or_default(),
            ])
            .map_err(unique_name)?;
            let group = get_group(tx, tx.last_insert_rowid())?;
            group.ok_or(WriteError::Storage(rusqlite::Error::QueryReturnedNoRows))
        })
    }

    /// Changes the fields given; `None` when no group has this id.
    pub fn update_group(
        &self,
        id: i64,
        fields: &GroupFields,
        now: i64,
    ) -> Result<Option<StoredGroup>, WriteError> {
        let mut changes: Vec<(&str, Value)> = Vec::new();
        if let Some(name) = &fields.name {
            changes.push(("name", Value::Text(name.clone())));
            changes.push(("name_key", Value::Text(name_key(name))));
        }
        if let Some(on) = fields.is_default {
            changes.push(("is_default", Value::Integer(on.into())));
        }
        if let Some(on) = fields.is_group_for_guests {
            changes.push(("is_group_for_guests", Value::Integer(on.into())));
        }
        if let Some(access) = &fields.category_access {
            changes.push(("category_access", Value::Text(to_text(access)?)));
        }
        if let Some(rules) = &fields.discount_rules {
            changes.push(("discount_rules", Value::Text(to_text(rules)?)));
        }
        changes.push(("date_modified", Value::Integer(now)));
        let assignments: Vec<String> = changes
            .iter()
            .map(|(column, _)| format!("{column} = ?"))
            .collect();
        let sql = format!(
            "UPDATE customer_groups SET {} WHERE id = ?",
            assignments.join(", ")
        );
        let mut values: Vec<Value> = changes.into_iter().map(|(_, value)| value).collect();
        values.push(Value::Integer(id));
        self.write(|tx| {
            if get_group(tx, id)?.is_none() {
                return Ok(None);
            }
            clear_flags(tx, fields, Some(id), now)?;
            tx.prepare_cached(&sql)?
                .execute(params_from_iter(values))
                .map_err(unique_name)?;
            Ok(get_group(tx, id)?)
        })
    }

    /// Deletes a group; its customers are left in no group (and so count as changed).
    /// `false` when there was none with this id.
    pub fn delete_group(&self, id: i64, now: i64) -> rusqlite::Result<bool> {
        self.write(|tx| {
            let deleted = tx
                .prepare_cached("DELETE FROM customer_groups WHERE id = ?")?
                .execute([id])?;
            if deleted == 0 {
                return Ok(false);
            }
            tx.prepare_cached(
                "UPDATE customers SET customer_group_id = 0, date_modified = ? \
                 WHERE customer_group_id = ?",
            )?
            .execute([now, id])?;
            Ok(true)
        })
    }
}

/// The default group's id, if there is one: where a customer created without a group goes.
pub(super) fn default_group(db: &Connection) -> rusqlite::Result<Option<i64>> {
    db.prepare_cached("SELECT id FROM customer_groups WHERE is_default = 1 ORDER BY id LIMIT 1")?
        .query_row([], |row| row.get(0))
        .optional()
}

pub(super) fn group_exists(db: &Connection, id: i64) -> rusqlite::Result<bool> {
    db.prepare_cached("SELECT EXISTS (SELECT 1 FROM customer_groups WHERE id = ?)")?
        .query_row([id], |row| row.get(0))
}

/// Before a group becomes the default (or the guests' group), the one that was stops being it.
fn clear_flags(
    tx: &Connection,
    fields: &GroupFields,
    except: Option<i64>,
    now: i64,
) -> rusqlite::Result<()> {
    for (column, on) in [
        ("is_default", fields.is_default),
        ("is_group_for_guests", fields.is_group_for_guests),
    ] {
        if on == Some(true) {
            tx.prepare_cached(&format!(
                "UPDATE customer_groups SET {column} = 0, date_modified = ? \
                 WHERE {column} = 1 AND id IS NOT ?"
            ))?
            .execute(rusqlite::params![now, except])?;
        }
    }
    Ok(())
}

/// Names compare ignoring case in any script, not only ASCII as SQLite's NOCASE does.
pub(super) fn name_key(name: &str) -> String {
    name.to_lowercase()
}

pub(super) fn to_text(value: &impl serde::Serialize) -> rusqlite::Result<String> {
    serde_json::to_string(value)
        .map_err(|error| rusqlite::Error::ToSqlConversionFailure(error.into()))
}

fn unique_name(error: rusqlite::Error) -> WriteError {
    match error.sqlite_error_code() {
        Some(ErrorCode::ConstraintViolation) => WriteError::DuplicateGroupName,
        _ => WriteError::Storage(error),
    }
}

fn get_group(db: &Connection, id: i64) -> rusqlite::Result<Option<StoredGroup>> {
    db.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM customer_groups WHERE id = ?"
    ))?
    .query_row([id], group_from_row)
    .optional()
}

fn group_from_row(row: &Row) -> rusqlite::Result<StoredGroup> {
    Ok(StoredGroup {
        id: row.get(0)?,
        name: row.get(1)?,
        is_default: row.get(2)?,
        category_access: from_text(row, 3)?,
        discount_rules: from_text(row, 4)?,
        date_created: row.get(5)?,
        date_modified: row.get(6)?,
        is_group_for_guests: row.get(7)?,
    })
}

/// A JSON column read back; text that does not parse is a storage error naming the column.
fn from_text<T: serde::de::DeserializeOwned>(row: &Row, index: usize) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text).map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            format!("customer group column {index} holds unreadable JSON: {error}").into(),
        )
    })
}

/// The WHERE clause of a filter, with its values bound as parameters (never spliced in).
fn where_clause(filter: &GroupFilter) -> (String, Vec<Value>) {
    let mut conditions: Vec<&str> = Vec::new();
    let mut values = Vec::new();
    if let Some(name) = &filter.name {
        conditions.push("name_key = ?");
        values.push(Value::Text(name_key(name)));
    }
    if let Some(part) = &filter.name_like {
        // instr, not LIKE: `%` and `_` in what the client typed are plain characters.
        conditions.push("instr(name_key, ?) > 0");
        values.push(Value::Text(name_key(part)));
    }
    let flags = [
        ("is_default = ?", filter.is_default),
        ("is_group_for_guests = ?", filter.is_group_for_guests),
    ];
    for (condition, value) in flags {
        if let Some(on) = value {
            conditions.push(condition);
            values.push(Value::Integer(on.into()));
        }
    }
    let numbers = [
        ("date_created = ?", filter.date_created),
        ("date_created >= ?", filter.min_date_created),
        ("date_created <= ?", filter.max_date_created),
        ("date_modified = ?", filter.date_modified),
        ("date_modified >= ?", filter.min_date_modified),
        ("date_modified <= ?", filter.max_date_modified),
    ];
    for (condition, value) in numbers {
        if let Some(value) = value {
            conditions.push(condition);
            values.push(Value::Integer(value));
        }
    }
    if conditions.is_empty() {
        (String::new(), values)
    } else {
        (format!("WHERE {}", conditions.join(" AND ")), values)
    }
}
