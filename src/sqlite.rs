//! SQLite files of the program's own (the sandbox's store, the search index): made private
//! before SQLite opens them, and opened the same way.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

/// A new database file is made readable by its owner only, before SQLite opens it: it holds
/// customers (SQLite gives its -wal and -shm files the same mode).
pub fn create_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        if !path.exists() {
            // If this fails, opening the database says why.
            let _ = std::fs::File::options()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path);
        }
    }
}

/// A connection in WAL mode (readers never wait for the writer), waiting up to 10 s for a
/// lock.
pub fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(10))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(connection)
}
