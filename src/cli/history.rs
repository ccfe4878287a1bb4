//! `bc-customers history`: the change journal of the current store, newest first.

use clap::{Args, ValueEnum};
use color_eyre::eyre::Result;

use super::store::StoreArgs;
use crate::jobs::journal::Journal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum HistoryFormat {
    #[default]
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// A table for people, or a JSON array of change sets (id, kind, when, customers,
    /// undone, …) for scripts.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Table, help_heading = "Output")]
    format: HistoryFormat,
}

pub fn run(args: HistoryArgs, store: &StoreArgs) -> Result<()> {
    let (_, store) = store.store()?;
    let sets = Journal::default_place()?.of_store(&store.name)?;
    match args.format {
        HistoryFormat::Json => println!("{}", serde_json::to_string_pretty(&sets)?),
        HistoryFormat::Table => {
            if sets.is_empty() {
                println!("No change recorded for store '{}'.", store.name);
            }
            for set in sets {
                let kind = serde_json::to_value(set.kind)?;
                println!(
                    "{:>5}  {:<25}  {:<9}  {:>7} customers{}{}",
                    set.id,
                    set.when,
                    kind.as_str().unwrap_or_default(),
                    set.customers,
                    set.undoes
                        .map(|id| format!("  (undoes {id})"))
                        .unwrap_or_default(),
                    if set.undone { "  undone" } else { "" }
                );
            }
        }
    }
    Ok(())
}
