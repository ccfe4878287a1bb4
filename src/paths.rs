//! Where the program keeps its files on this machine.

use std::path::PathBuf;

use color_eyre::eyre::{OptionExt, Result};
use directories::ProjectDirs;

fn project() -> Result<ProjectDirs> {
    ProjectDirs::from("", "", "bc-customers")
        .ok_or_eyre("cannot find a home folder for the program's data; name a file with --db")
}

/// The sandbox store's database when none is named.
pub fn default_sandbox_db() -> Result<PathBuf> {
    Ok(project()?.data_dir().join("sandbox.sqlite3"))
}

/// The terminal app's log when none is named.
pub fn default_log_file() -> Result<PathBuf> {
    let dirs = project()?;
    Ok(dirs
        .state_dir()
        .unwrap_or_else(|| dirs.data_dir())
        .join("bc-customers.log"))
}

/// Where backups taken before deletes are kept.
pub fn backup_folder() -> Result<PathBuf> {
    Ok(project()?.data_dir().join("backups"))
}

/// Where the search indexes, one file per store, are kept.
pub fn index_folder() -> Result<PathBuf> {
    Ok(project()?.data_dir().join("index"))
}

/// Where the change journal is kept.
pub fn journal_folder() -> Result<PathBuf> {
    Ok(project()?.data_dir().to_owned())
}
