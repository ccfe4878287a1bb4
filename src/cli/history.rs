//! `bc-customers history`: the store's change sets, newest first, each with where its
//! customers stand ("delete · 51 customers · 17 undone, 34 to undo"); then those recorded
//! before stores were known by identity, under this store's name.

use clap::{Args, ValueEnum};
use color_eyre::eyre::Result;
use serde_json::{Value, json};

use super::store::{StoreArgs, open_service};
use crate::ledger::{ChangeSet, Recorded};
use crate::sanitize::sanitize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum HistoryFormat {
    #[default]
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// A table for people, or a JSON array of change sets (id, kind, when, customers,
    /// undone, to_undo, conflicts, …) for scripts.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Table, help_heading = "Output")]
    format: HistoryFormat,
}

pub fn run(args: HistoryArgs, store: &StoreArgs) -> Result<()> {
    let (backend, settings) = store.store()?;
    super::runtime()?.block_on(async {
        let service = open_service(backend, &settings).await?;
        let history = service.history()?;
        for damaged in &history.damaged {
            tell!("warning: {}", sanitize(&damaged.to_string()));
        }
        match args.format {
            HistoryFormat::Json => {
                let sets: Vec<Value> = history
                    .sets
                    .iter()
                    .chain(&history.older)
                    .map(as_json)
                    .collect();
                super::print(&format!("{}\n", serde_json::to_string_pretty(&sets)?))?;
            }
            HistoryFormat::Table => {
                // One line a change set: its number, when (this machine's time), what it is
                // and where its customers stand, then what it did.
                let line = |set: &crate::ledger::ChangeSet| {
                    let what = if set.what.is_empty() || set.undoes.is_some() {
                        String::new()
                    } else {
                        format!(" · {}", set.what)
                    };
                    sanitize(&format!(
                        "{:>5}  {}  {}{what}",
                        set.id,
                        crate::dates::local_time(&set.when),
                        set.line()
                    ))
                    .into_owned()
                };
                if history.sets.is_empty() && history.older.is_empty() {
                    say!("No change recorded for {}.", service.identity().describe());
                }
                for set in &history.sets {
                    say!("{}", line(set));
                }
                if !history.older.is_empty() {
                    say!(
                        "Recorded before stores were known by identity, as '{}' (undo ID --confirm-store {} undoes one here):",
                        sanitize(&settings.name),
                        service
                            .identity()
                            .confirmations()
                            .first()
                            .cloned()
                            .unwrap_or_default()
                    );
                    for set in &history.older {
                        say!("{}", line(set));
                    }
                }
            }
        }
        Ok(())
    })
}

fn as_json(set: &ChangeSet) -> Value {
    let counts = set.counts();
    let (store, older) = match &set.store {
        Recorded::Store(identity) => (serde_json::to_value(identity).unwrap_or_default(), false),
        Recorded::ByName(name) => (json!(name), true),
    };
    json!({
        "id": set.id,
        "kind": set.kind,
        "when": set.when,
        "store": store,
        "recorded_before_identities": older,
        "customers": set.size(),
        "what": set.what,
        "backup": set.backup,
        "undoes": set.undoes,
        "state": set.state_words(),
        "interrupted": set.interrupted(),
        "running": set.running,
        "cancelled": set.end.as_ref().is_some_and(|end| end.cancelled),
        "done": counts.done,
        "to_undo": counts.done + counts.unknown,
        "unknown": counts.unknown,
        "undone_customers": counts.undone,
        "undone": counts.undone > 0 && counts.done + counts.unknown == 0,
        "conflicts": counts.conflicts,
        "set_aside": counts.set_aside,
        "failed": counts.failed,
        "skipped": counts.skipped,
        "not_reached": counts.not_reached,
    })
}
