//! `bc-customers undo`: undoes the store's last change set, or the one named. An edit's fields
//! are set back only on customers nobody changed since; the others are listed as conflicts
//! and the exit code says so.

use clap::Args;
use color_eyre::eyre::{Result, eyre};

use super::progress::Bar;
use super::store::StoreArgs;
use crate::jobs::Cancel;
use crate::jobs::journal::{Journal, Kind};
use crate::jobs::undo::undo_change_set;
use crate::sanitize::sanitize;

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The change set to undo, by its id in `history` [default: the last one not undone].
    id: Option<u64>,
    /// Go ahead without asking.
    #[arg(long, help_heading = "Confirmation")]
    yes: bool,
}

pub fn run(args: UndoArgs, store: &StoreArgs) -> Result<()> {
    let (backend, store) = store.store_for_changes()?;
    let journal = Journal::default_place()?;
    let sets = journal.of_store(&store.name)?;
    let set = match args.id {
        Some(id) => sets
            .into_iter()
            .find(|set| set.id == id)
            .ok_or_else(|| eyre!("no change set {id} for store '{}'", store.name))?,
        None => sets
            .into_iter()
            .find(|set| !set.undone && set.kind != Kind::Undo)
            .ok_or_else(|| eyre!("nothing to undo for store '{}'", store.name))?,
    };
    eprintln!(
        "This undoes change set {} ({:?}, {} customers, {}).",
        set.id, set.kind, set.customers, set.when
    );
    if !args.yes && !super::confirm("Type yes to undo it:", &["yes"])? {
        return Err(eyre!("not confirmed; nothing changed"));
    }
    super::runtime()?.block_on(async {
        let bar = Bar::new();
        let undone = undo_change_set(
            &backend,
            &journal,
            &store.name,
            &set,
            &Cancel::default(),
            |p| bar.show(p),
        )
        .await;
        bar.finish();
        let undone = undone?;
        println!("{}.", undone.summary());
        for conflict in undone.conflicts() {
            eprintln!("  conflict: {}", sanitize(&conflict.to_string()));
        }
        super::delete::failures(undone.report(), "undone")?;
        if undone.conflicts().is_empty() {
            Ok(())
        } else {
            Err(eyre!(
                "{} customers changed since and kept their newer values",
                undone.conflicts().len()
            ))
        }
    })
}
