//! Where the program keeps its files on this machine: one data folder, and in it a ledger,
//! backups and a search index per store, each named by the store's identity so that two
//! stores never share one. Folders are private (0700), files holding customers too (0600).

use std::io;
use std::path::{Path, PathBuf};

use color_eyre::eyre::{OptionExt, Result};
use directories::ProjectDirs;

use crate::store::StoreIdentity;

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

/// The user's data folder and the places in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    data: PathBuf,
}

impl Places {
    /// The user's own data folder.
    pub fn user() -> Result<Places> {
        Ok(Places {
            data: project()?.data_dir().to_owned(),
        })
    }

    /// Another folder (tests, benchmarks).
    pub fn in_folder(data: impl Into<PathBuf>) -> Places {
        Places { data: data.into() }
    }

    pub fn data(&self) -> &Path {
        &self.data
    }

    /// A store's ledger: its change sets and what each did to each customer.
    pub fn ledger(&self, store: &StoreIdentity) -> PathBuf {
        self.data.join("ledger").join(store.file_stem())
    }

    /// A store's backups, one file per change set.
    pub fn backups(&self, store: &StoreIdentity) -> PathBuf {
        self.data.join("backups").join(store.file_stem())
    }

    /// Backups written before stores were known by identity, loose in one folder.
    pub fn older_backups(&self) -> PathBuf {
        self.data.join("backups")
    }

    /// A store's search index.
    pub fn index(&self, store: &StoreIdentity) -> PathBuf {
        self.data
            .join("index")
            .join(format!("{}.sqlite3", store.file_stem()))
    }

    /// The journal of every store, as it was kept before stores were known by identity.
    pub fn older_journal(&self) -> PathBuf {
        self.data.clone()
    }

    /// What each store said it was when last asked, by its URL: for reading its files while
    /// it cannot be reached.
    pub fn known_stores(&self) -> PathBuf {
        self.data.join("stores.json")
    }
}

/// Makes a folder and those above it, readable by its owner only.
pub fn create_private_folder(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// Makes a file or folder made by an older version, or by hand, readable by its owner only
/// when others could read it (0600 for a file, 0700 for a folder); said in the log when it
/// cannot be.
pub fn keep_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(found) = std::fs::metadata(path) else {
            return;
        };
        let mode = found.permissions().mode();
        if mode & 0o077 == 0 {
            return;
        }
        let private = if found.is_dir() { 0o700 } else { 0o600 };
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(private)) {
            Ok(()) => tracing::info!(
                "{} was readable by others ({:o}); made private",
                path.display(),
                mode & 0o777
            ),
            Err(error) => tracing::warn!(
                "{} is readable by others ({:o}) and cannot be made private: {error}",
                path.display(),
                mode & 0o777
            ),
        }
    }
}

/// Creates a file that holds customer data: readable and writable by its owner only. With
/// `new_only`, an existing file is never opened (a backup must not replace another).
pub fn create_private_file(path: &Path, new_only: bool) -> io::Result<std::fs::File> {
    let mut options = std::fs::File::options();
    options.write(true);
    if new_only {
        options.create_new(true);
    } else {
        options.create(true).truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// A path as people type it: `~/…` (or `~` alone) is in the home folder.
pub fn expand_home(path: &Path) -> PathBuf {
    expand_home_in(path, std::env::var_os("HOME").as_deref())
}

fn expand_home_in(path: &Path, home: Option<&std::ffi::OsStr>) -> PathBuf {
    let Some(text) = path.to_str() else {
        return path.to_owned();
    };
    let rest = match text {
        "~" => "",
        _ => match text.strip_prefix("~/") {
            Some(rest) => rest,
            None => return path.to_owned(),
        },
    };
    match home.filter(|home| !home.is_empty()) {
        Some(home) => PathBuf::from(home).join(rest),
        None => path.to_owned(),
    }
}

#[cfg(test)]
#[test]
fn a_path_typed_from_the_home_folder_is_in_it() {
    let home = Some(std::ffi::OsStr::new("/home/ada"));
    let expanded = |text: &str| expand_home_in(Path::new(text), home);
    assert_eq!(expanded("~/out.csv"), PathBuf::from("/home/ada/out.csv"));
    assert_eq!(expanded("~"), PathBuf::from("/home/ada"));
    assert_eq!(expanded("out.csv"), PathBuf::from("out.csv"));
    assert_eq!(expanded("~bob/out.csv"), PathBuf::from("~bob/out.csv"));
    assert_eq!(
        expand_home_in(Path::new("~/x"), None),
        PathBuf::from("~/x"),
        "no home: as typed"
    );
}
