//! `bc-customers restore`: re-creates the customers of a backup, after asking. A backup of
//! this store's delete undoes that delete (only the customers it removed and that are not
//! back yet); another store's backup only with `--into-other-store`.

use std::path::PathBuf;

use clap::Args;
use color_eyre::eyre::{Result, eyre};

use super::delete::{cancelled, failures};
use super::progress::Bar;
use super::store::{StoreArgs, cancel_on_signal, open_service};
use crate::jobs::Cancel;
use crate::jobs::restore::RestorePlan;
use crate::sanitize::sanitize;

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file (JSON lines), as printed by delete.
    file: PathBuf,
    /// Copy the customers of a backup of another store (or one written before stores were
    /// known by identity) into this one.
    #[arg(long)]
    into_other_store: bool,
    /// Go ahead without asking.
    #[arg(long)]
    yes: bool,
}

pub fn run(args: RestoreArgs, store: &StoreArgs) -> Result<()> {
    let (backend, settings) = store.store_for_changes()?;
    let path = &args.file;
    super::runtime()?.block_on(async {
        let service = open_service(backend, &settings).await?;
        let store_name = sanitize(&service.identity().describe()).into_owned();
        match service.plan_restore(path, args.into_other_store)? {
            RestorePlan::UndoDelete { set, left: 0 } => {
                say!(
                    "{} is the backup of change set {set}, whose customers are all back; nothing restored.",
                    path.display()
                );
                return Ok(());
            }
            RestorePlan::UndoDelete { set, left } => tell!(
                "This re-creates in {store_name} the {left} customers change set {set} deleted and that are not back yet (the same as bc-customers undo {set})."
            ),
            RestorePlan::Copy { customers: 0 } => {
                say!("{} holds no customers; nothing restored.", path.display());
                return Ok(());
            }
            RestorePlan::Copy { customers } => tell!(
                "This creates the {customers} customers of {} in {store_name}.",
                path.display()
            ),
        }
        tell!(
            "They get new ids; passwords cannot be restored, so each must set a new one at next login."
        );
        if !args.yes && !super::confirm("Type yes to restore them:", &["yes"])? {
            return Err(eyre!("not confirmed; nothing restored"));
        }
        let cancel = Cancel::default();
        let signals = cancel_on_signal(&cancel);
        let bar = Bar::new();
        let restored = service
            .restore(path, args.into_other_store, &cancel, |p| bar.show(p))
            .await;
        bar.finish();
        signals.abort();
        let restored = restored?;
        super::output::work_done();
        say!("{}.", restored.summary());
        failures(restored.report(), "restored")?;
        cancelled(restored.report(), cancel.is_cancelled())
    })
}
