//! Customers in storage: pages and counts by filter, one by id, create, update, delete.

use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, params_from_iter};

use super::super::customer::{CustomerFields, StoredCustomer};
use super::super::filter::{CreditMatch, CustomerFilter, Paging};
use super::groups::{default_group, group_exists};
use super::{Store, WriteError};

const COLUMNS: &str = "id, first_name, last_name, email, company, phone, store_credit, \
    registration_ip_address, customer_group_id, notes, tax_exempt_category, date_created, \
    date_modified, reset_pass_on_login, accepts_marketing, form_fields";

impl Store {
    pub fn list(
        &self,
        filter: &CustomerFilter,
        paging: Paging,
    ) -> rusqlite::Result<Vec<StoredCustomer>> {
        let Some(offset) = paging.offset() else {
            return Ok(Vec::new());
        };
        let (clause, mut values) = where_clause(filter);
        values.push(Value::Integer(paging.limit as i64));
        values.push(Value::Integer(offset));
        // Find the page's ids first (on an index), then read only those rows.
        let sql = format!(
            "SELECT {COLUMNS} FROM customers WHERE id IN \
             (SELECT id FROM customers {clause} ORDER BY id LIMIT ? OFFSET ?) ORDER BY id"
        );
        self.read(|db| {
            let mut statement = db.prepare_cached(&sql)?;
            let rows = statement.query_map(params_from_iter(values), customer_from_row)?;
            rows.collect()
        })
    }

    pub fn count(&self, filter: &CustomerFilter) -> rusqlite::Result<u64> {
        let (clause, values) = where_clause(filter);
        self.count_rows("customers", &clause, values)
    }

    pub fn get(&self, id: i64) -> rusqlite::Result<Option<StoredCustomer>> {
        self.read(|db| get(db, id))
    }

    pub fn create(
        &self,
        fields: &CustomerFields,
        password_hash: Option<&str>,
        now: i64,
    ) -> Result<StoredCustomer, WriteError> {
        self.write(|tx| {
            // A customer created with no group joins the store's default group, if any.
            let group = match fields.customer_group_id {
                Some(0) => 0,
                Some(id) if group_exists(tx, id)? => id,
                Some(_) => return Err(WriteError::UnknownGroup),
                None => default_group(tx)?.unwrap_or(0),
            };
            let inserted = tx.prepare_cached(
                "INSERT INTO customers (first_name, last_name, email, company, phone, store_credit, \
                 registration_ip_address, customer_group_id, notes, tax_exempt_category, \
                 date_created, date_modified, reset_pass_on_login, password_hash) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(rusqlite::params![
                fields.first_name.as_deref().unwrap_or_default(),
                fields.last_name.as_deref().unwrap_or_default(),
                fields.email.as_deref().unwrap_or_default(),
                fields.company.as_deref().unwrap_or_default(),
                fields.phone.as_deref().unwrap_or_default(),
                fields.store_credit.unwrap_or_default(),
                fields.registration_ip_address.as_deref().unwrap_or_default(),
                group,
                fields.notes.as_deref().unwrap_or_default(),
                fields.tax_exempt_category.as_deref().unwrap_or_default(),
                now,
                now,
                fields.reset_pass_on_login.unwrap_or_default(),
                password_hash,
            ]);
            inserted.map_err(unique_email)?;
            let customer = get(tx, tx.last_insert_rowid())?;
            customer.ok_or(WriteError::Storage(rusqlite::Error::QueryReturnedNoRows))
        })
    }

    /// Changes the fields given; `None` when no customer has this id.
    pub fn update(
        &self,
        id: i64,
        fields: &CustomerFields,
        password_hash: Option<&str>,
        now: i64,
    ) -> Result<Option<StoredCustomer>, WriteError> {
        let mut changes = changed_columns(fields);
        if let Some(hash) = password_hash {
            changes.push(("password_hash", Value::Text(hash.to_owned())));
        }
        changes.push(("date_modified", Value::Integer(now)));
        let assignments: Vec<String> = changes
            .iter()
            .map(|(column, _)| format!("{column} = ?"))
            .collect();
        let sql = format!(
            "UPDATE customers SET {} WHERE id = ?",
            assignments.join(", ")
        );
        let mut values: Vec<Value> = changes.into_iter().map(|(_, value)| value).collect();
        values.push(Value::Integer(id));
        self.write(|tx| {
            let Some(before) = get(tx, id)? else {
                return Ok(None);
            };
            // A group that no longer exists may still be on customers of an older database;
            // sending it back unchanged is allowed, moving a customer into it is not.
            if let Some(group) = fields.customer_group_id
                && group != 0
                && group != before.customer_group_id
                && !group_exists(tx, group)?
            {
                return Err(WriteError::UnknownGroup);
            }
            let updated = tx
                .prepare_cached(&sql)?
                .execute(params_from_iter(values))
                .map_err(unique_email)?;
            if updated == 0 {
                return Ok(None);
            }
            Ok(get(tx, id)?)
        })
    }

    /// Deletes one customer and their addresses; `false` when there was none with this id.
    pub fn delete(&self, id: i64) -> rusqlite::Result<bool> {
        self.write(|tx| {
            tx.prepare_cached("DELETE FROM customer_addresses WHERE customer_id = ?")?
                .execute([id])?;
            Ok(tx
                .prepare_cached("DELETE FROM customers WHERE id = ?")?
                .execute([id])?
                > 0)
        })
    }

    /// Deletes what the filter matches (only the page asked for, when one is named), with
    /// their addresses, and says how many customers went.
    pub fn delete_matching(
        &self,
        filter: &CustomerFilter,
        paging: Option<Paging>,
    ) -> rusqlite::Result<u64> {
        let (clause, mut values) = where_clause(filter);
        let (addresses, customers) = match paging {
            // Every customer: SQLite empties a table fastest with no WHERE at all.
            None if clause.is_empty() => (
                "DELETE FROM customer_addresses".to_owned(),
                "DELETE FROM customers".to_owned(),
            ),
            None => (
                format!(
                    "DELETE FROM customer_addresses WHERE customer_id IN \
                     (SELECT id FROM customers {clause})"
                ),
                format!("DELETE FROM customers {clause}"),
            ),
            Some(paging) => {
                let Some(offset) = paging.offset() else {
                    return Ok(0);
                };
                values.push(Value::Integer(paging.limit as i64));
                values.push(Value::Integer(offset));
                let page =
                    format!("SELECT id FROM customers {clause} ORDER BY id LIMIT ? OFFSET ?");
                (
                    format!("DELETE FROM customer_addresses WHERE customer_id IN ({page})"),
                    format!("DELETE FROM customers WHERE id IN ({page})"),
                )
            }
        };
        self.write(|tx| {
            tx.execute(&addresses, params_from_iter(values.iter()))?;
            Ok(tx.execute(&customers, params_from_iter(values))? as u64)
        })
    }

    /// The stored password hash: `None` when there is no such customer, `Some(None)` when the
    /// customer's password was generated by the store and never disclosed.
    pub fn password_hash(&self, id: i64) -> rusqlite::Result<Option<Option<String>>> {
        self.read(|db| {
            db.prepare_cached("SELECT password_hash FROM customers WHERE id = ?")?
                .query_row([id], |row| row.get(0))
                .optional()
        })
    }
}

fn unique_email(error: rusqlite::Error) -> WriteError {
    match error.sqlite_error_code() {
        Some(ErrorCode::ConstraintViolation) => WriteError::DuplicateEmail,
        _ => WriteError::Storage(error),
    }
}

fn get(db: &Connection, id: i64) -> rusqlite::Result<Option<StoredCustomer>> {
    db.prepare_cached(&format!("SELECT {COLUMNS} FROM customers WHERE id = ?"))?
        .query_row([id], customer_from_row)
        .optional()
}

fn customer_from_row(row: &Row) -> rusqlite::Result<StoredCustomer> {
    Ok(StoredCustomer {
        id: row.get(0)?,
        first_name: row.get(1)?,
        last_name: row.get(2)?,
        email: row.get(3)?,
        company: row.get(4)?,
        phone: row.get(5)?,
        store_credit: row.get(6)?,
        registration_ip_address: row.get(7)?,
        customer_group_id: row.get(8)?,
        notes: row.get(9)?,
        tax_exempt_category: row.get(10)?,
        date_created: row.get(11)?,
        date_modified: row.get(12)?,
        reset_pass_on_login: row.get(13)?,
        accepts_marketing: row.get(14)?,
        form_fields: row.get(15)?,
    })
}

fn changed_columns(fields: &CustomerFields) -> Vec<(&'static str, Value)> {
    let text = |value: &Option<String>| value.clone().map(Value::Text);
    let number = |value: &Option<i64>| value.map(Value::Integer);
    [
        ("first_name", text(&fields.first_name)),
        ("last_name", text(&fields.last_name)),
        ("email", text(&fields.email)),
        ("company", text(&fields.company)),
        ("phone", text(&fields.phone)),
        ("store_credit", number(&fields.store_credit)),
        (
            "registration_ip_address",
            text(&fields.registration_ip_address),
        ),
        ("customer_group_id", number(&fields.customer_group_id)),
        ("notes", text(&fields.notes)),
        ("tax_exempt_category", text(&fields.tax_exempt_category)),
        (
            "reset_pass_on_login",
            fields
                .reset_pass_on_login
                .map(|on| Value::Integer(on.into())),
        ),
    ]
    .into_iter()
    .filter_map(|(column, value)| value.map(|value| (column, value)))
    .collect()
}

/// The WHERE clause of a filter, with its values bound as parameters (never spliced in).
fn where_clause(filter: &CustomerFilter) -> (String, Vec<Value>) {
    let mut conditions: Vec<&str> = Vec::new();
    let mut values = Vec::new();
    let mut add = |condition: &'static str, value: Value| {
        conditions.push(condition);
        values.push(value);
    };
    let texts = [
        ("first_name = ?", &filter.first_name),
        ("last_name = ?", &filter.last_name),
        ("company = ?", &filter.company),
        ("email = ?", &filter.email),
        ("phone = ?", &filter.phone),
        ("tax_exempt_category = ?", &filter.tax_exempt_category),
    ];
    for (condition, value) in texts {
        if let Some(value) = value {
            add(condition, Value::Text(value.clone()));
        }
    }
    let numbers = [
        ("id >= ?", filter.min_id),
        ("id <= ?", filter.max_id),
        ("customer_group_id = ?", filter.customer_group_id),
        ("date_created >= ?", filter.min_date_created),
        ("date_created <= ?", filter.max_date_created),
        ("date_modified >= ?", filter.min_date_modified),
        ("date_modified <= ?", filter.max_date_modified),
    ];
    for (condition, value) in numbers {
        if let Some(value) = value {
            add(condition, Value::Integer(value));
        }
    }
    match filter.store_credit {
        Some(CreditMatch::Exactly(credit)) => add("store_credit = ?", Value::Integer(credit)),
        Some(CreditMatch::Nothing) => conditions.push("0"),
        None => {}
    }
    if conditions.is_empty() {
        (String::new(), values)
    } else {
        (format!("WHERE {}", conditions.join(" AND ")), values)
    }
}
