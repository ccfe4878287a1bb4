//! Customers' addresses in storage. Every call names the customer: an address is only ever
//! found through its own customer, and a customer who does not exist has no addresses to
//! list, count, add or delete (`None`).

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params_from_iter};

use super::super::address::{AddressFields, StoredAddress};
use super::super::filter::Paging;
use super::Store;

const COLUMNS: &str = "id, customer_id, first_name, last_name, company, street_1, street_2, \
    city, state, zip, country, country_iso2, phone, address_type, form_fields";

impl Store {
    pub fn list_addresses(
        &self,
        customer_id: i64,
        paging: Paging,
    ) -> rusqlite::Result<Option<Vec<StoredAddress>>> {
        self.read(|db| {
            if !customer_exists(db, customer_id)? {
                return Ok(None);
            }
            let Some(offset) = paging.offset() else {
                return Ok(Some(Vec::new()));
            };
            let mut statement = db.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM customer_addresses WHERE customer_id = ? \
                 ORDER BY id LIMIT ? OFFSET ?"
            ))?;
            let rows = statement.query_map(
                rusqlite::params![customer_id, paging.limit as i64, offset],
                address_from_row,
            )?;
            rows.collect::<rusqlite::Result<_>>().map(Some)
        })
    }

    pub fn count_addresses(&self, customer_id: i64) -> rusqlite::Result<Option<u64>> {
        self.read(|db| {
            if !customer_exists(db, customer_id)? {
                return Ok(None);
            }
            let count: i64 = db
                .prepare_cached("SELECT count(*) FROM customer_addresses WHERE customer_id = ?")?
                .query_row([customer_id], |row| row.get(0))?;
            Ok(Some(count.max(0) as u64))
        })
    }

    pub fn get_address(
        &self,
        customer_id: i64,
        address_id: i64,
    ) -> rusqlite::Result<Option<StoredAddress>> {
        self.read(|db| get_address(db, customer_id, address_id))
    }

    pub fn create_address(
        &self,
        customer_id: i64,
        fields: &AddressFields,
    ) -> rusqlite::Result<Option<StoredAddress>> {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let (country, iso2) = fields.country.clone().unwrap_or_default();
        self.write(|tx| {
            if !customer_exists(tx, customer_id)? {
                return Ok(None);
            }
            tx.prepare_cached(
                "INSERT INTO customer_addresses (customer_id, first_name, last_name, company, \
                 street_1, street_2, city, state, zip, country, country_iso2, phone, address_type) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(rusqlite::params![
                customer_id,
                text(&fields.first_name),
                text(&fields.last_name),
                text(&fields.company),
                text(&fields.street_1),
                text(&fields.street_2),
                text(&fields.city),
                text(&fields.state),
                text(&fields.zip),
                country,
                iso2,
                text(&fields.phone),
                fields.address_type.as_deref().unwrap_or("residential"),
            ])?;
            get_address(tx, customer_id, tx.last_insert_rowid())
        })
    }

    /// Changes the fields given; `None` when the customer has no address with this id.
    pub fn update_address(
        &self,
        customer_id: i64,
        address_id: i64,
        fields: &AddressFields,
    ) -> rusqlite::Result<Option<StoredAddress>> {
        let changes = changed_columns(fields);
        if changes.is_empty() {
            return self.get_address(customer_id, address_id);
        }
        let assignments: Vec<String> = changes
            .iter()
            .map(|(column, _)| format!("{column} = ?"))
            .collect();
        let sql = format!(
            "UPDATE customer_addresses SET {} WHERE id = ? AND customer_id = ?",
            assignments.join(", ")
        );
        let mut values: Vec<Value> = changes.into_iter().map(|(_, value)| value).collect();
        values.push(Value::Integer(address_id));
        values.push(Value::Integer(customer_id));
        self.write(|tx| {
            if tx.prepare_cached(&sql)?.execute(params_from_iter(values))? == 0 {
                return Ok(None);
            }
            get_address(tx, customer_id, address_id)
        })
    }

    /// `false` when the customer has no address with this id.
    pub fn delete_address(&self, customer_id: i64, address_id: i64) -> rusqlite::Result<bool> {
        self.write(|tx| {
            Ok(tx
                .prepare_cached("DELETE FROM customer_addresses WHERE id = ? AND customer_id = ?")?
                .execute([address_id, customer_id])?
                > 0)
        })
    }

    /// Deletes the customer's addresses (only the page asked for, when one is named) and says
    /// how many went.
    pub fn delete_addresses(
        &self,
        customer_id: i64,
        paging: Option<Paging>,
    ) -> rusqlite::Result<Option<u64>> {
        self.write(|tx| {
            if !customer_exists(tx, customer_id)? {
                return Ok(None);
            }
            let deleted = match paging {
                None => tx
                    .prepare_cached("DELETE FROM customer_addresses WHERE customer_id = ?")?
                    .execute([customer_id])?,
                Some(paging) => {
                    let Some(offset) = paging.offset() else {
                        return Ok(Some(0));
                    };
                    tx.prepare_cached(
                        "DELETE FROM customer_addresses WHERE id IN (SELECT id FROM \
                         customer_addresses WHERE customer_id = ? ORDER BY id LIMIT ? OFFSET ?)",
                    )?
                    .execute(rusqlite::params![
                        customer_id,
                        paging.limit as i64,
                        offset
                    ])?
                }
            };
            Ok(Some(deleted as u64))
        })
    }
}

fn customer_exists(db: &Connection, customer_id: i64) -> rusqlite::Result<bool> {
    db.prepare_cached("SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?)")?
        .query_row([customer_id], |row| row.get(0))
}

fn get_address(
    db: &Connection,
    customer_id: i64,
    address_id: i64,
) -> rusqlite::Result<Option<StoredAddress>> {
    db.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM customer_addresses WHERE id = ? AND customer_id = ?"
    ))?
    .query_row([address_id, customer_id], address_from_row)
    .optional()
}

fn address_from_row(row: &Row) -> rusqlite::Result<StoredAddress> {
    Ok(StoredAddress {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        first_name: row.get(2)?,
        last_name: row.get(3)?,
        company: row.get(4)?,
        street_1: row.get(5)?,
        street_2: row.get(6)?,
        city: row.get(7)?,
        state: row.get(8)?,
        zip: row.get(9)?,
        country: row.get(10)?,
        country_iso2: row.get(11)?,
        phone: row.get(12)?,
        address_type: row.get(13)?,
        form_fields: row.get(14)?,
    })
}

fn changed_columns(fields: &AddressFields) -> Vec<(&'static str, Value)> {
    let text = |value: &Option<String>| value.clone().map(Value::Text);
    let (country, iso2) = match &fields.country {
        Some((name, iso2)) => (
            Some(Value::Text(name.clone())),
            Some(Value::Text(iso2.clone())),
        ),
        None => (None, None),
    };
    [
        ("first_name", text(&fields.first_name)),
        ("last_name", text(&fields.last_name)),
        ("company", text(&fields.company)),
        ("street_1", text(&fields.street_1)),
        ("street_2", text(&fields.street_2)),
        ("city", text(&fields.city)),
        ("state", text(&fields.state)),
        ("zip", text(&fields.zip)),
        ("country", country),
        ("country_iso2", iso2),
        ("phone", text(&fields.phone)),
        ("address_type", text(&fields.address_type)),
    ]
    .into_iter()
    .filter_map(|(column, value)| value.map(|value| (column, value)))
    .collect()
}
