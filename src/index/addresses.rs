//! The countries of customers' addresses, for the summary: an address costs a request per
//! customer, so the index keeps those it has read (details opened, addresses changed in the
//! app, `index sync --with-addresses`) and knows whose it has read.

use rusqlite::{Connection, params};

use super::{IndexError, LocalIndex};
use crate::domain::Address;

impl LocalIndex {
    /// A customer's addresses, all of them, as just read from the store.
    pub fn set_addresses(&self, customer_id: i64, addresses: &[Address]) -> Result<(), IndexError> {
        let mut connection = self.writer();
        let transaction = connection.transaction().map_err(self.failed())?;
        let known: bool = transaction
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1)",
                [customer_id],
                |row| row.get(0),
            )
            .map_err(self.failed())?;
        if known {
            forget_addresses(&transaction, customer_id).map_err(self.failed())?;
            for address in addresses {
                keep_address(&transaction, customer_id, address).map_err(self.failed())?;
            }
            transaction
                .execute(
                    "INSERT OR IGNORE INTO address_reads (customer_id) VALUES (?1)",
                    [customer_id],
                )
                .map_err(self.failed())?;
        }
        transaction.commit().map_err(self.failed())
    }

    /// An address created or changed by the app.
    pub fn keep_address(&self, address: &Address) -> Result<(), IndexError> {
        keep_address(&self.writer(), address.customer_id, address).map_err(self.failed())
    }

    /// An address deleted by the app.
    pub fn remove_address(&self, address_id: i64) -> Result<(), IndexError> {
        self.writer()
            .execute("DELETE FROM addresses WHERE id = ?1", [address_id])
            .map(|_| ())
            .map_err(self.failed())
    }

    /// Customers whose addresses have never been read, at most `limit`, in id order.
    pub fn without_addresses(&self, limit: u64) -> Result<Vec<i64>, IndexError> {
        let connection = self.reader();
        let mut statement = connection
            .prepare_cached(
                "SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM address_reads)
                 ORDER BY id LIMIT ?1",
            )
            .map_err(self.failed())?;
        let rows = statement
            .query_map([limit as i64], |row| row.get(0))
            .map_err(self.failed())?;
        rows.collect::<Result<_, _>>().map_err(self.failed())
    }
}

pub(super) fn forget_addresses(connection: &Connection, customer_id: i64) -> rusqlite::Result<()> {
    connection.execute(
        "DELETE FROM addresses WHERE customer_id = ?1",
        [customer_id],
    )?;
    connection.execute(
        "DELETE FROM address_reads WHERE customer_id = ?1",
        [customer_id],
    )?;
    Ok(())
}

fn keep_address(
    connection: &Connection,
    customer_id: i64,
    address: &Address,
) -> rusqlite::Result<()> {
    connection
        .prepare_cached(
            "INSERT INTO addresses (id, customer_id, country) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id,
                 country = excluded.country",
        )?
        .execute(params![address.id, customer_id, address.country.trim()])
        .map(|_| ())
}
