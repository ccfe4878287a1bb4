//! `bc-customers restore`: re-creates the customers of a backup, after asking.

use std::path::PathBuf;

use clap::Args;
use color_eyre::eyre::{Result, eyre};

use super::delete::failures;
use super::progress::Bar;
use super::store::StoreArgs;
use crate::jobs::Cancel;
use crate::jobs::restore::{check_backup, restore_backup};

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file (JSON lines), as printed by delete.
    file: PathBuf,
    /// Go ahead without asking.
    #[arg(long)]
    yes: bool,
}

pub fn run(args: RestoreArgs, store: &StoreArgs) -> Result<()> {
    let (backend, store) = store.store_for_changes()?;
    let path = &args.file;
    let count = check_backup(path, None)?;
    if count == 0 {
        println!("{} holds no customers; nothing restored.", path.display());
        return Ok(());
    }
    eprintln!(
        "This re-creates {count} customers from {} in store '{}'. They get new ids; passwords cannot be restored, so each must reset it at next login.",
        path.display(),
        store.name
    );
    if !args.yes && !super::confirm("Type yes to restore them:", &["yes"])? {
        return Err(eyre!("not confirmed; nothing restored"));
    }
    super::runtime()?.block_on(async {
        let bar = Bar::new();
        let report = restore_backup(&backend, path, None, &Cancel::default(), |progress| {
            bar.show(progress)
        })
        .await;
        bar.finish();
        let report = report?;
        if report.done > 0 {
            // Restoring a delete's backup undoes that delete: the journal says so.
            let journal = crate::jobs::journal::Journal::default_place()?;
            let delete = journal.of_store(&store.name)?.into_iter().find(|set| {
                set.kind == crate::jobs::journal::Kind::Delete
                    && !set.undone
                    && set.backup.as_deref() == Some(path.as_path())
            });
            match delete {
                Some(set) => {
                    journal.record_undo_of_delete(&store.name, set.id, path, &report.ids)?
                }
                None => journal.record_new(
                    crate::jobs::journal::Kind::Restore,
                    &store.name,
                    &report.ids,
                )?,
            };
        }
        println!("{}.", report.summary("restored"));
        failures(&report, "restored")
    })
}
