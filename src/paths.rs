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
