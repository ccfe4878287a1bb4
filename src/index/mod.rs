//! The local search index of a store: one SQLite file per store in the user's data folder,
//! holding every customer as the store sent it, the group names, and two full-text tables
//! (SQLite's FTS5) that find parts of words. The v2 API filters only by exact values and
//! lists only in id order; the index answers "hunter", "gmail" or "most store credit" at once.
//!
//! Two connections: searches read while a sync writes (WAL), each behind its own lock, used
//! from blocking threads only.

mod addresses;
mod search;
mod summary;
pub mod sync;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::{Customer, CustomerGroup};
use crate::sqlite::{connect, create_private};
use crate::store::StoreIdentity;
use addresses::forget_addresses;
pub use search::{Counted, Facet, IndexQuery, Sort, SortColumn};
pub use summary::{Summary, SummaryRow};

/// The local index of one store.
pub struct LocalIndex {
    path: PathBuf,
    writer: Mutex<Connection>,
    /// Two, so that a page and its count are read at once.
    readers: [Mutex<Connection>; 2],
    /// Stops the exact count under way when the next search is typed.
    counting: Mutex<Option<rusqlite::InterruptHandle>>,
}

impl std::fmt::Debug for LocalIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalIndex")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Where the index's sync stands: read and written in one place (`sync_state`,
/// `set_sync_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncState {
    /// The store's clock the next sync reads changes from (never this machine's).
    pub store_synced_at: Option<i64>,
    /// When the last whole sync ended, by this machine's clock (said to people).
    pub synced_at: Option<i64>,
    /// A first sync under way: the store's clock when it began …
    pub first_sync_started: Option<i64>,
    /// … and the customer id it goes on from.
    pub first_sync_next_id: Option<i64>,
}

const STORE_SYNCED_AT: &str = "store_synced_at";
const SYNCED_AT: &str = "synced_at";
const FIRST_SYNC_STARTED: &str = "first_sync_started";
const FIRST_SYNC_NEXT_ID: &str = "first_sync_next_id";
/// The store the index holds, by its identity's key.
const STORE: &str = "store";
/// How the words of the full-text tables are made; an index with older words has them made
/// again from the customers it holds (nothing is read from the store).
const WORDS: &str = "words";
const WORDS_NOW: &str = "2";

/// What `bc-customers index status` and the status bar say.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexStatus {
    pub customers: u64,
    /// When the last whole sync ended (seconds since the epoch, this machine's clock).
    pub synced_at: Option<i64>,
    /// A first sync cut off: the customer id it goes on from.
    pub resume_from_id: Option<i64>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS customers (
    id INTEGER PRIMARY KEY,
    record TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    company TEXT NOT NULL,
    phone TEXT NOT NULL,
    store_credit REAL NOT NULL,
    customer_group_id INTEGER NOT NULL,
    domain TEXT NOT NULL,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS customers_name ON customers (name COLLATE NOCASE, id);
CREATE INDEX IF NOT EXISTS customers_email ON customers (email COLLATE NOCASE, id);
CREATE INDEX IF NOT EXISTS customers_company ON customers (company COLLATE NOCASE, id);
CREATE INDEX IF NOT EXISTS customers_phone ON customers (phone, id);
CREATE INDEX IF NOT EXISTS customers_credit ON customers (store_credit, id);
CREATE INDEX IF NOT EXISTS customers_group ON customers (customer_group_id, id);
CREATE INDEX IF NOT EXISTS customers_domain ON customers (domain, id);
CREATE INDEX IF NOT EXISTS customers_created ON customers (created, id);
CREATE TABLE IF NOT EXISTS groups (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
-- The countries of the addresses read so far (an address costs a request per customer).
CREATE TABLE IF NOT EXISTS addresses (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    country TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS addresses_customer ON addresses (customer_id);
CREATE INDEX IF NOT EXISTS addresses_country ON addresses (country, customer_id);
-- Customers whose every address has been read.
CREATE TABLE IF NOT EXISTS address_reads (customer_id INTEGER PRIMARY KEY);
-- Parts of words of three letters or more: trigrams, case and accents folded.
CREATE VIRTUAL TABLE IF NOT EXISTS customer_parts USING fts5(
    first_name, last_name, email, company, phone, notes,
    tokenize = 'trigram remove_diacritics 1', content = '', contentless_delete = 1
);
-- Words of one or two letters find the words they begin.
CREATE VIRTUAL TABLE IF NOT EXISTS customer_starts USING fts5(
    first_name, last_name, email, company, phone, notes,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2', content = '',
    contentless_delete = 1, detail = none
);
";

/// Failures of the index, said in a person's words.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("the search index {path}: {error}")]
    Database {
        path: PathBuf,
        error: rusqlite::Error,
    },
    #[error("cannot create the search index's folder {path}: {error}")]
    Folder {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("the search index's work stopped: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("a stored customer could not be read: {0}")]
    Record(#[from] serde_json::Error),
}

impl LocalIndex {
    /// Opens the index file, creating it (mode 0600, as it holds personal data) with its
    /// folder when missing.
    pub fn open(path: &Path) -> Result<LocalIndex, IndexError> {
        if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
            crate::paths::create_private_folder(folder).map_err(|error| IndexError::Folder {
                path: folder.to_owned(),
                error,
            })?;
        }
        create_private(path);
        // One left readable by others (by an older version, say) is made private.
        for part in [folder_of(path), Some(path)].into_iter().flatten() {
            crate::paths::keep_private(part);
        }
        let database = |error| IndexError::Database {
            path: path.to_owned(),
            error,
        };
        let writer = connect(path).map_err(database)?;
        writer.execute_batch(SCHEMA).map_err(database)?;
        // A sync writes thousands of customers a second into nine B-trees and two full-text
        // tables: a bigger page cache than SQLite's 2 MiB halves the time it takes.
        writer
            .pragma_update(None, "cache_size", -16_000)
            .map_err(database)?;
        let readers = [
            Mutex::new(connect(path).map_err(database)?),
            Mutex::new(connect(path).map_err(database)?),
        ];
        let index = LocalIndex {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers,
            counting: Mutex::new(None),
        };
        if index.meta(WORDS)?.as_deref() != Some(WORDS_NOW) {
            index.remake_words()?;
        }
        Ok(index)
    }

    /// Makes the full-text tables again from the customers held.
    fn remake_words(&self) -> Result<(), IndexError> {
        let mut connection = self.writer();
        let transaction = connection.transaction().map_err(self.failed())?;
        transaction
            .execute_batch(
                "INSERT INTO customer_parts(customer_parts) VALUES ('delete-all');
                 INSERT INTO customer_starts(customer_starts) VALUES ('delete-all');",
            )
            .map_err(self.failed())?;
        {
            let mut rows = transaction
                .prepare("SELECT record FROM customers")
                .map_err(self.failed())?;
            let records = rows
                .query_map([], |row| row.get::<_, String>(0))
                .map_err(self.failed())?;
            for record in records {
                let customer: Customer = serde_json::from_str(&record.map_err(self.failed())?)?;
                write_words(&transaction, &customer).map_err(self.failed())?;
            }
        }
        set_meta(&transaction, WORDS, Some(WORDS_NOW)).map_err(self.failed())?;
        transaction.commit().map_err(self.failed())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes the index this store's: one that holds another store's customers, or was made
    /// before stores were known by identity, is emptied and read again from this store.
    /// Whether it was emptied.
    pub fn claim(&self, store: &StoreIdentity) -> Result<bool, IndexError> {
        let key = store.key();
        let held = self.meta(STORE)?;
        if held.as_deref() == Some(key.as_str()) {
            return Ok(false);
        }
        let had_any = self.len()? > 0 || held.is_some();
        let mut connection = self.writer();
        let transaction = connection.transaction().map_err(self.failed())?;
        transaction
            .execute_batch(
                "DELETE FROM customers;
                 INSERT INTO customer_parts(customer_parts) VALUES ('delete-all');
                 INSERT INTO customer_starts(customer_starts) VALUES ('delete-all');
                 DELETE FROM groups; DELETE FROM addresses; DELETE FROM address_reads;
                 DELETE FROM meta;",
            )
            .map_err(self.failed())?;
        set_meta(&transaction, STORE, Some(&key)).map_err(self.failed())?;
        set_meta(&transaction, WORDS, Some(WORDS_NOW)).map_err(self.failed())?;
        transaction.commit().map_err(self.failed())?;
        Ok(had_any)
    }

    fn failed(&self) -> impl Fn(rusqlite::Error) -> IndexError + '_ {
        |error| IndexError::Database {
            path: self.path.clone(),
            error,
        }
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A reader connection: a free one, else the first when it is free.
    fn reader(&self) -> MutexGuard<'_, Connection> {
        for reader in &self.readers {
            match reader.try_lock() {
                Ok(guard) => return guard,
                Err(std::sync::TryLockError::Poisoned(poisoned)) => return poisoned.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
        }
        self.readers[0].lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts these customers in the index as the store sent them (new or changed).
    pub fn upsert(&self, customers: &[Customer]) -> Result<(), IndexError> {
        let mut connection = self.writer();
        let transaction = connection.transaction().map_err(self.failed())?;
        for customer in customers {
            write_customer(&transaction, customer).map_err(self.failed())?;
        }
        transaction.commit().map_err(self.failed())
    }

    /// Takes customers out of the index (deleted from the store).
    pub fn remove(&self, ids: &[i64]) -> Result<(), IndexError> {
        let mut connection = self.writer();
        let transaction = connection.transaction().map_err(self.failed())?;
        for &id in ids {
            remove_customer(&transaction, id).map_err(self.failed())?;
            forget_addresses(&transaction, id).map_err(self.failed())?;
        }
        transaction.commit().map_err(self.failed())
    }

    /// The store's groups, replacing those known.
    pub fn set_groups(&self, groups: &[CustomerGroup]) -> Result<(), IndexError> {
        let mut connection = self.writer();
        let transaction = connection.transaction().map_err(self.failed())?;
        transaction
            .execute("DELETE FROM groups", [])
            .map_err(self.failed())?;
        for group in groups {
            transaction
                .execute(
                    "INSERT INTO groups (id, name) VALUES (?1, ?2)",
                    params![group.id, group.name],
                )
                .map_err(self.failed())?;
        }
        transaction.commit().map_err(self.failed())
    }

    /// The group names known, by id.
    pub fn group_names(&self) -> Result<Vec<(i64, String)>, IndexError> {
        let connection = self.reader();
        let mut statement = connection
            .prepare_cached("SELECT id, name FROM groups ORDER BY id")
            .map_err(self.failed())?;
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(self.failed())?;
        rows.collect::<Result<_, _>>().map_err(self.failed())
    }

    /// How many customers the index holds.
    pub fn len(&self) -> Result<u64, IndexError> {
        self.reader()
            .query_row("SELECT count(*) FROM customers", [], |row| {
                row.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(self.failed())
    }

    pub fn is_empty(&self) -> Result<bool, IndexError> {
        Ok(self.len()? == 0)
    }

    /// How many customers the index holds with ids from `min` to `max`.
    pub fn count_between(&self, min: i64, max: i64) -> Result<u64, IndexError> {
        self.reader()
            .query_row(
                "SELECT count(*) FROM customers WHERE id BETWEEN ?1 AND ?2",
                params![min, max],
                |row| row.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(self.failed())
    }

    /// The ids held from `min` to `max`.
    pub fn ids_between(&self, min: i64, max: i64) -> Result<Vec<i64>, IndexError> {
        let connection = self.reader();
        let mut statement = connection
            .prepare_cached("SELECT id FROM customers WHERE id BETWEEN ?1 AND ?2 ORDER BY id")
            .map_err(self.failed())?;
        let rows = statement
            .query_map(params![min, max], |row| row.get(0))
            .map_err(self.failed())?;
        rows.collect::<Result<_, _>>().map_err(self.failed())
    }

    /// The highest id held, if any.
    pub fn max_id(&self) -> Result<Option<i64>, IndexError> {
        self.reader()
            .query_row("SELECT max(id) FROM customers", [], |row| row.get(0))
            .map_err(self.failed())
    }

    /// One customer as last seen.
    pub fn customer(&self, id: i64) -> Result<Option<Customer>, IndexError> {
        let record: Option<String> = self
            .reader()
            .query_row("SELECT record FROM customers WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()
            .map_err(self.failed())?;
        Ok(match record {
            Some(record) => Some(serde_json::from_str(&record)?),
            None => None,
        })
    }

    /// Every customer held, in id order (for comparing with the store).
    pub fn all(&self) -> Result<Vec<Customer>, IndexError> {
        let connection = self.reader();
        let mut statement = connection
            .prepare("SELECT record FROM customers ORDER BY id")
            .map_err(self.failed())?;
        let records = statement
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(self.failed())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.failed())?;
        records
            .iter()
            .map(|record| serde_json::from_str(record).map_err(IndexError::from))
            .collect()
    }

    pub fn status(&self) -> Result<IndexStatus, IndexError> {
        let state = self.sync_state()?;
        Ok(IndexStatus {
            customers: self.len()?,
            synced_at: state.synced_at,
            resume_from_id: state.first_sync_next_id,
        })
    }

    /// Where the index's sync stands, as the file keeps it.
    pub fn sync_state(&self) -> Result<SyncState, IndexError> {
        let number = |key| -> Result<Option<i64>, IndexError> {
            Ok(self.meta(key)?.and_then(|value| value.parse().ok()))
        };
        Ok(SyncState {
            store_synced_at: number(STORE_SYNCED_AT)?,
            synced_at: number(SYNCED_AT)?,
            first_sync_started: number(FIRST_SYNC_STARTED)?,
            first_sync_next_id: number(FIRST_SYNC_NEXT_ID)?,
        })
    }

    /// Keeps where the sync stands (and forgets what older versions kept besides).
    pub fn set_sync_state(&self, state: &SyncState) -> Result<(), IndexError> {
        let text = |value: Option<i64>| value.map(|value| value.to_string());
        let mut connection = self.writer();
        let transaction = connection.transaction().map_err(self.failed())?;
        for (key, value) in [
            (STORE_SYNCED_AT, text(state.store_synced_at)),
            (SYNCED_AT, text(state.synced_at)),
            (FIRST_SYNC_STARTED, text(state.first_sync_started)),
            (FIRST_SYNC_NEXT_ID, text(state.first_sync_next_id)),
            ("first_sync_page", None),
        ] {
            set_meta(&transaction, key, value.as_deref()).map_err(self.failed())?;
        }
        transaction.commit().map_err(self.failed())
    }

    fn meta(&self, key: &str) -> Result<Option<String>, IndexError> {
        self.reader()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()
            .map_err(self.failed())
    }

    /// Customers of a first sync and where it goes on from, together.
    pub fn keep_range(&self, customers: &[Customer], next_id: i64) -> Result<(), IndexError> {
        let mut connection = self.writer();
        let transaction = connection.transaction().map_err(self.failed())?;
        for customer in customers {
            write_customer(&transaction, customer).map_err(self.failed())?;
        }
        set_meta(&transaction, FIRST_SYNC_NEXT_ID, Some(&next_id.to_string()))
            .map_err(self.failed())?;
        transaction.commit().map_err(self.failed())
    }
}

/// Deletes an index file with its WAL and shared-memory files; `false` when there was none.
pub fn forget(path: &Path) -> std::io::Result<bool> {
    let mut found = false;
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(PathBuf::from(name)) {
            Ok(()) => found = true,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
    }
    Ok(found)
}

fn set_meta(connection: &Connection, key: &str, value: Option<&str>) -> rusqlite::Result<()> {
    match value {
        Some(value) => connection.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        ),
        None => connection.execute("DELETE FROM meta WHERE key = ?1", [key]),
    }
    .map(|_| ())
}

fn remove_customer(connection: &Connection, id: i64) -> rusqlite::Result<()> {
    let gone = connection.execute("DELETE FROM customers WHERE id = ?1", [id])?;
    if gone > 0 {
        connection.execute("DELETE FROM customer_parts WHERE rowid = ?1", [id])?;
        connection.execute("DELETE FROM customer_starts WHERE rowid = ?1", [id])?;
    }
    Ok(())
}

fn write_customer(connection: &Connection, customer: &Customer) -> rusqlite::Result<()> {
    remove_customer(connection, customer.id)?;
    let record = serde_json::to_string(customer)
        .map_err(|error| rusqlite::Error::ToSqlConversionFailure(Box::new(error)))?;
    let name = format!("{} {}", customer.last_name, customer.first_name)
        .trim()
        .to_owned();
    let domain = customer
        .email
        .rsplit_once('@')
        .map(|(_, domain)| domain.trim().to_lowercase())
        .unwrap_or_default();
    let credit = customer
        .store_credit
        .to_string()
        .parse::<f64>()
        .unwrap_or(0.0);
    connection
        .prepare_cached(
            "INSERT INTO customers (id, record, name, email, company, phone, store_credit,
                 customer_group_id, domain, created, modified)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            customer.id,
            record,
            name,
            customer.email,
            customer.company,
            customer.phone,
            credit,
            customer.customer_group_id,
            domain,
            customer.created_at().unwrap_or(0),
            customer.modified_at().unwrap_or(0),
        ])?;
    write_words(connection, customer)
}

/// What a search finds a customer by: its words, in both full-text tables. A phone is found
/// as written, by its digits, and by its groups of digits ("1 555 123 4567" for "+1 (555)
/// 123-4567"), so that "555-123" finds it and "555-01" does not find 555-5013.
fn write_words(connection: &Connection, customer: &Customer) -> rusqlite::Result<()> {
    let digits: String = customer
        .phone
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let phone = format!(
        "{} {digits} {}",
        customer.phone,
        digit_groups(&customer.phone)
    );
    for table in ["customer_parts", "customer_starts"] {
        connection
            .prepare_cached(&format!(
                "INSERT INTO {table} (rowid, first_name, last_name, email, company, phone, notes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            ))?
            .execute(params![
                customer.id,
                customer.first_name,
                customer.last_name,
                customer.email,
                customer.company,
                phone,
                customer.notes,
            ])?;
    }
    Ok(())
}

/// A phone's digits in their groups, one space between: "+44 (20) 7946-0000" is
/// "44 20 7946 0000".
pub(crate) fn digit_groups(phone: &str) -> String {
    phone
        .split(|c: char| !c.is_ascii_digit())
        .filter(|group| !group.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn folder_of(path: &Path) -> Option<&Path> {
    path.parent()
        .filter(|folder| !folder.as_os_str().is_empty())
}
