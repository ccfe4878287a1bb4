//! `bc-customers undo`: undoes the store's last change set with something left to undo, or
//! the one named; goes on where an earlier undo stopped. An edit's fields are set back only
//! on customers that still hold what it left; the others are listed as conflicts and the exit
//! code says so. `--conflicts` tries those again; `--set-aside` leaves them as they are.

use clap::Args;
use color_eyre::eyre::{Result, eyre};

use super::delete::{cancelled, failures};
use super::progress::Bar;
use super::store::{StoreArgs, cancel_on_signal, open_service};
use crate::jobs::Cancel;
use crate::jobs::undo::{UndoScope, undo_question};
use crate::ledger::describe_conflicts;
use crate::sanitize::sanitize;

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The change set to undo, by its id in `history` [default: the last one with something
    /// left to undo].
    id: Option<u64>,
    /// Try again the customers an earlier undo of this change set found in conflict.
    #[arg(long, conflicts_with = "set_aside")]
    conflicts: bool,
    /// Leave the conflicts of this change set's undo as they are: it is done with them.
    #[arg(long)]
    set_aside: bool,
    /// The store's id, domain or host:port: confirms that a change set recorded before
    /// stores were known by identity is of this store.
    #[arg(long, value_name = "STORE", help_heading = "Confirmation")]
    confirm_store: Option<String>,
    /// Go ahead without asking.
    #[arg(long, help_heading = "Confirmation")]
    yes: bool,
}

pub fn run(args: UndoArgs, store: &StoreArgs) -> Result<()> {
    let (backend, settings) = store.store_for_changes()?;
    super::runtime()?.block_on(async {
        let service = open_service(backend, &settings).await?;
        let identity = service.identity().clone();
        let history = service.history()?;
        for damaged in &history.damaged {
            tell!("warning: {}", sanitize(&damaged.to_string()));
        }
        let confirmed_older = match &args.confirm_store {
            Some(answer) if identity.confirmations().iter().any(|known| known == answer.trim()) => {
                true
            }
            Some(answer) => {
                return Err(eyre!(
                    "'{}' does not name {} (it answers to {})",
                    sanitize(answer),
                    sanitize(&identity.describe()),
                    identity.confirmations().join(", ")
                ));
            }
            None => false,
        };
        let set = match args.id {
            Some(id) => history
                .set(id)
                .or_else(|| history.older.iter().find(|set| set.id == id))
                .cloned()
                .ok_or_else(|| eyre!("no change set {id} for {}", identity.describe()))?,
            None => history
                .last_to_undo()
                .cloned()
                .ok_or_else(|| eyre!("nothing to undo for {}", identity.describe()))?,
        };
        if args.set_aside {
            let count = service.set_aside(set.id)?;
            say!(
                "{count} conflict{} of change set {} set aside: their newer values stay.",
                if count == 1 { "" } else { "s" },
                set.id
            );
            return Ok(());
        }
        let scope = if args.conflicts {
            UndoScope::Conflicts
        } else {
            UndoScope::Remaining
        };
        tell!(
            "Change set {} ({}, {}): {}.",
            set.id,
            set.when,
            sanitize(&identity.describe()),
            set.line()
        );
        if scope == UndoScope::Conflicts {
            tell!(
                "This tries again the {} customers its undo found changed since.",
                set.conflicts().len()
            );
        } else {
            for line in undo_question(&set) {
                tell!("{}", sanitize(&line));
            }
        }
        if !args.yes && !super::confirm("Type yes to undo it:", &["yes"])? {
            return Err(eyre!("not confirmed; nothing changed"));
        }
        let cancel = Cancel::default();
        let signals = cancel_on_signal(&cancel);
        let bar = Bar::new();
        let undone = service
            .undo(set.id, scope, confirmed_older, &cancel, |p| bar.show(p))
            .await;
        bar.finish();
        signals.abort();
        let undone = undone?;
        super::output::work_done();
        say!("{}.", undone.summary());
        for conflict in &undone.conflicts {
            let detail = if conflict.fields.is_empty() {
                conflict.why.clone()
            } else {
                describe_conflicts(&conflict.fields)
            };
            tell!(
                "  conflict: customer {}: {}",
                conflict.customer,
                sanitize(&detail)
            );
        }
        if undone.report.done > 0 {
            say!(
                "Recorded as change set {}: bc-customers undo {} does it again.",
                undone.change_set, undone.change_set
            );
        }
        failures(&undone.report, "undone")?;
        cancelled(&undone.report, cancel.is_cancelled())?;
        if undone.conflicts.is_empty() {
            Ok(())
        } else {
            Err(eyre!(
                "{} customers changed since and kept their newer values (bc-customers undo {} --conflicts tries again, --set-aside leaves them)",
                undone.conflicts.len(),
                set.id
            ))
        }
    })
}
