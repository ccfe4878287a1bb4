//! Filling an empty store with demo data in one transaction.

use super::super::address::StoredAddress;
use super::super::customer::StoredCustomer;
use super::super::group::StoredGroup;
use super::groups::{name_key, to_text};
use super::{INDEXES, Store, relock};

impl Store {
    /// Inserts demo groups (only when the store has none) and demo customers with their
    /// addresses, in one transaction, in order (so ids follow creation dates). The indexes are
    /// built once after the rows are in, several times faster than keeping them up to date row
    /// by row; then the planner's statistics are refreshed. Says how many customers went in.
    pub fn insert_seeded(
        &self,
        groups: &[StoredGroup],
        customers: impl Iterator<Item = (StoredCustomer, Vec<StoredAddress>)>,
    ) -> rusqlite::Result<u64> {
        // Building the indexes of a large store sorts far more than SQLite's default 2 MiB of
        // cache holds; a larger one for the load alone saves a few seconds per million rows.
        relock(&self.writer).pragma_update(None, "cache_size", -128 * 1024)?;
        let inserted = self.write(|tx| -> rusqlite::Result<u64> {
            let had_groups: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM customer_groups)",
                [],
                |row| row.get(0),
            )?;
            if !had_groups {
                insert_groups(tx, groups)?;
            }
            let indexes: Vec<String> = tx
                .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")?
                .query_map([], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for name in indexes {
                tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
            }
            let mut statement = tx.prepare(
                "INSERT INTO customers (first_name, last_name, email, company, phone, store_credit, \
                 registration_ip_address, customer_group_id, notes, tax_exempt_category, \
                 date_created, date_modified, reset_pass_on_login, accepts_marketing, form_fields) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?;
            let mut address_statement = tx.prepare(
                "INSERT INTO customer_addresses (customer_id, first_name, last_name, company, \
                 street_1, street_2, city, state, zip, country, country_iso2, phone, address_type, \
                 form_fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?;
            let mut inserted = 0;
            let mut first_id = None;
            for (c, addresses) in customers {
                statement.execute(rusqlite::params![
                    c.first_name,
                    c.last_name,
                    c.email,
                    c.company,
                    c.phone,
                    c.store_credit,
                    c.registration_ip_address,
                    c.customer_group_id,
                    c.notes,
                    c.tax_exempt_category,
                    c.date_created,
                    c.date_modified,
                    c.reset_pass_on_login,
                    c.accepts_marketing,
                    c.form_fields,
                ])?;
                let id = tx.last_insert_rowid();
                first_id.get_or_insert(id);
                for a in addresses {
                    address_statement.execute(rusqlite::params![
                        id,
                        a.first_name,
                        a.last_name,
                        a.company,
                        a.street_1,
                        a.street_2,
                        a.city,
                        a.state,
                        a.zip,
                        a.country,
                        a.country_iso2,
                        a.phone,
                        a.address_type,
                        a.form_fields,
                    ])?;
                }
                inserted += 1;
            }
            drop((statement, address_statement));
            // The store's own groups were kept: demo customers may only join those that exist.
            if let (true, Some(first_id)) = (had_groups, first_id) {
                tx.execute(
                    "UPDATE customers SET customer_group_id = 0 WHERE id >= ? \
                     AND customer_group_id NOT IN (SELECT id FROM customer_groups)",
                    [first_id],
                )?;
            }
            tx.execute_batch(INDEXES)?;
            Ok(inserted)
        });
        relock(&self.writer).pragma_update(None, "cache_size", -2 * 1024)?;
        let inserted = inserted?;
        relock(&self.writer).execute_batch("ANALYZE")?;
        Ok(inserted)
    }
}

fn insert_groups(tx: &rusqlite::Transaction, groups: &[StoredGroup]) -> rusqlite::Result<()> {
    let mut statement = tx.prepare(
        "INSERT INTO customer_groups (id, name, name_key, is_default, category_access, \
         discount_rules, date_created, date_modified, is_group_for_guests) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?;
    for group in groups {
        statement.execute(rusqlite::params![
            group.id,
            group.name,
            name_key(&group.name),
            group.is_default,
            to_text(&group.category_access)?,
            to_text(&group.discount_rules)?,
            group.date_created,
            group.date_modified,
            group.is_group_for_guests,
        ])?;
    }
    Ok(())
}
