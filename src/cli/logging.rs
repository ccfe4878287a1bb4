//! Logging, set up once for every subcommand: the terminal app logs to a file (its screen is
//! the terminal), the other commands to stderr. `RUST_LOG` overrides the level.

use std::path::PathBuf;

use color_eyre::eyre::{Result, WrapErr};
use tracing_subscriber::EnvFilter;

pub enum Target {
    /// The terminal app's log file (`None`: the default one in the user's state folder).
    File(Option<PathBuf>),
    /// Standard error, from this level up.
    Stderr(&'static str),
}

pub fn init(target: Target) -> Result<()> {
    let filter =
        |level: &str| EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    match target {
        Target::File(path) => {
            let path = match path {
                Some(path) => path,
                None => crate::paths::default_log_file()?,
            };
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder)
                    .wrap_err_with(|| format!("cannot create {}", folder.display()))?;
            }
            let log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .wrap_err_with(|| format!("cannot open the log file {}", path.display()))?;
            tracing_subscriber::fmt()
                .with_env_filter(filter("info"))
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(log))
                .init();
        }
        Target::Stderr(level) => tracing_subscriber::fmt()
            .with_env_filter(filter(level))
            .with_writer(std::io::stderr)
            .init(),
    }
    Ok(())
}
