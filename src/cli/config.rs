//! `bc-customers config`: the config file.

use clap::Subcommand;
use color_eyre::eyre::Result;

use super::store::StoreArgs;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print where the config file lives.
    Path,
}

pub fn run(command: ConfigCommand, store: &StoreArgs) -> Result<()> {
    match command {
        ConfigCommand::Path => {
            say!("{}", store.config_path()?.display());
            Ok(())
        }
    }
}
