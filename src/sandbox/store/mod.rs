//! The sandbox's storage: one SQLite file in WAL mode. Writes go through one connection, one
//! transaction each; reads use a small pool of connections so they never wait on a write.
//! Every call blocks: the HTTP layer runs them on tokio's blocking pool.

mod addresses;
mod customers;
mod groups;
mod seeding;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension};

use crate::sqlite::{connect, create_private};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS customers (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    first_name              TEXT    NOT NULL COLLATE NOCASE,
    last_name               TEXT    NOT NULL COLLATE NOCASE,
    email                   TEXT    NOT NULL COLLATE NOCASE,
    company                 TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,
    phone                   TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,
    store_credit            INTEGER NOT NULL DEFAULT 0,
    registration_ip_address TEXT    NOT NULL DEFAULT '',
    customer_group_id       INTEGER NOT NULL DEFAULT 0,
    notes                   TEXT    NOT NULL DEFAULT '',
    tax_exempt_category     TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,
    date_created            INTEGER NOT NULL,
    date_modified           INTEGER NOT NULL,
    reset_pass_on_login     INTEGER NOT NULL DEFAULT 0,
    accepts_marketing       INTEGER NOT NULL DEFAULT 0,
    form_fields             TEXT,
    password_hash           TEXT
);
";

/// Tables added after the first release: a database made before them gains them when opened,
/// and keeps everything it held.
const GROUPS_AND_ADDRESSES: &str = "
CREATE TABLE IF NOT EXISTS customer_groups (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    name                TEXT    NOT NULL,
    -- The name in lower case: names are unique whatever their case, in any script.
    name_key            TEXT    NOT NULL,
    is_default          INTEGER NOT NULL DEFAULT 0,
    category_access     TEXT    NOT NULL,
    discount_rules      TEXT    NOT NULL,
    date_created        INTEGER NOT NULL,
    date_modified       INTEGER NOT NULL,
    is_group_for_guests INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS customer_addresses (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id  INTEGER NOT NULL,
    first_name   TEXT    NOT NULL,
    last_name    TEXT    NOT NULL,
    company      TEXT    NOT NULL DEFAULT '',
    street_1     TEXT    NOT NULL,
    street_2     TEXT    NOT NULL DEFAULT '',
    city         TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    zip          TEXT    NOT NULL,
    country      TEXT    NOT NULL,
    country_iso2 TEXT    NOT NULL,
    phone        TEXT    NOT NULL,
    address_type TEXT    NOT NULL DEFAULT 'residential',
    form_fields  TEXT
);
";

/// What the store says of itself: its id, made once for the database.
const STORE_INFO: &str = "
CREATE TABLE IF NOT EXISTS store_info (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
";

/// One index for every filter. Each sorts its rows by id within equal values, so a filtered
/// page is read in id order without sorting.
const INDEXES: &str = "
CREATE UNIQUE INDEX IF NOT EXISTS customers_email ON customers(email);
CREATE INDEX IF NOT EXISTS customers_first_name ON customers(first_name);
CREATE INDEX IF NOT EXISTS customers_last_name ON customers(last_name);
CREATE INDEX IF NOT EXISTS customers_company ON customers(company);
CREATE INDEX IF NOT EXISTS customers_phone ON customers(phone);
CREATE INDEX IF NOT EXISTS customers_store_credit ON customers(store_credit);
CREATE INDEX IF NOT EXISTS customers_group ON customers(customer_group_id);
CREATE INDEX IF NOT EXISTS customers_group_created ON customers(customer_group_id, date_created);
CREATE INDEX IF NOT EXISTS customers_tax_exempt_category ON customers(tax_exempt_category);
CREATE INDEX IF NOT EXISTS customers_date_created ON customers(date_created);
CREATE INDEX IF NOT EXISTS customers_date_modified ON customers(date_modified);
-- The ids alone, in order: skipping to a page deep in the list walks this narrow index
-- instead of every row of the table.
CREATE INDEX IF NOT EXISTS customers_id ON customers(id);
CREATE UNIQUE INDEX IF NOT EXISTS customer_groups_name ON customer_groups(name_key);
-- A customer's addresses, in id order (an index keeps the row id after the key).
CREATE INDEX IF NOT EXISTS customer_addresses_customer ON customer_addresses(customer_id);
";

/// Readers kept open between requests; more are opened under load and closed after.
const IDLE_READERS: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("another customer has this email address")]
    DuplicateEmail,
    #[error("another customer group has this name")]
    DuplicateGroupName,
    #[error("no customer group has this id")]
    UnknownGroup,
    #[error(transparent)]
    Storage(#[from] rusqlite::Error),
}

pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl Store {
    /// Opens the database at `path`, creating the file and its schema when missing.
    pub fn open(path: &Path) -> rusqlite::Result<Store> {
        create_private(path);
        let writer = connect(path)?;
        writer.execute_batch(SCHEMA)?;
        writer.execute_batch(GROUPS_AND_ADDRESSES)?;
        writer.execute_batch(INDEXES)?;
        writer.execute_batch(STORE_INFO)?;
        Ok(Store {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// How many rows of `table` the `WHERE` clause (with its values) matches.
    fn count_rows(
        &self,
        table: &str,
        clause: &str,
        values: Vec<rusqlite::types::Value>,
    ) -> rusqlite::Result<u64> {
        let sql = format!("SELECT count(*) FROM {table} {clause}");
        self.read(|db| {
            let count: i64 = db
                .prepare_cached(&sql)?
                .query_row(rusqlite::params_from_iter(values), |row| row.get(0))?;
            Ok(count.max(0) as u64)
        })
    }

    fn read<T>(
        &self,
        work: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let pooled = relock(&self.readers).pop();
        let connection = match pooled {
            Some(connection) => connection,
            None => connect(&self.path)?,
        };
        let result = work(&connection);
        let mut idle = relock(&self.readers);
        if idle.len() < IDLE_READERS {
            idle.push(connection);
        }
        result
    }

    /// Runs `work` in one transaction on the single writer connection.
    fn write<T, E: From<rusqlite::Error>>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut writer = relock(&self.writer);
        let transaction = writer.transaction()?;
        let value = work(&transaction)?;
        transaction.commit()?;
        Ok(value)
    }

    /// The store's id: made the first time it is asked for, the same for the database's life.
    /// Two sandboxes on two databases are two stores; one database is one store on any port.
    pub fn store_id(&self) -> rusqlite::Result<String> {
        self.write(|tx| {
            let known: Option<String> = tx
                .query_row("SELECT value FROM store_info WHERE key = 'id'", [], |row| {
                    row.get(0)
                })
                .optional()?;
            if let Some(id) = known {
                return Ok(id);
            }
            let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
            let id: String = (0..10)
                .map(|_| alphabet[fastrand::usize(..alphabet.len())] as char)
                .collect();
            tx.execute(
                "INSERT INTO store_info (key, value) VALUES ('id', ?1)",
                [&id],
            )?;
            Ok(id)
        })
    }

    pub fn is_empty(&self) -> rusqlite::Result<bool> {
        self.read(|db| {
            db.query_row("SELECT NOT EXISTS (SELECT 1 FROM customers)", [], |row| {
                row.get(0)
            })
        })
    }
}

/// A panic elsewhere never leaves a connection half-used (each call finishes or rolls back),
/// so a poisoned lock is still safe to take.
fn relock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
