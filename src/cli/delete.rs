//! `bc-customers delete`: reviews which customers match (their ids fixed), says exactly what
//! will happen, asks, then runs the same delete as the terminal app — back up, record, delete
//! those ids, check the store.

use clap::Args;
use color_eyre::eyre::{Result, WrapErr, eyre};

use super::filters::FilterArgs;
use super::progress::Bar;
use super::store::{StoreArgs, cancel_on_signal, open_service};
use crate::domain::Filter;
use crate::jobs::review::{Selection, review};
use crate::jobs::{Cancel, Report};
use crate::sanitize::sanitize;

#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Go ahead without asking (not when the filters match every customer of the store).
    #[arg(long, help_heading = "Confirmation")]
    yes: bool,
    /// The store's id, domain or host:port, answering for scripts the question asked when
    /// the filters match every customer of the store.
    #[arg(long, value_name = "STORE", help_heading = "Confirmation")]
    confirm_store: Option<String>,
}

pub fn run(args: DeleteArgs, store: &StoreArgs) -> Result<()> {
    args.filter.to_filter()?;
    let (backend, settings) = store.store_for_changes()?;
    super::runtime()?.block_on(async {
        let filter = args.filter.on(&backend).await?;
        let service = open_service(backend, &settings).await?;
        let identity = service.identity().clone();
        let selection = Selection::Matching {
            filter: filter.clone(),
            except: Vec::new(),
        };
        let reviewed = review(service.store(), &selection)
            .await
            .wrap_err("cannot read the customers to delete")?;
        let count = reviewed.count();
        if count == 0 {
            say!("No customer matches {filter}; nothing deleted.");
            return Ok(());
        }
        tell!(
            "This deletes {count} customers matching {filter} from {}.",
            sanitize(&identity.describe())
        );
        for example in &reviewed.examples {
            tell!("  {}", sanitize(example));
        }
        tell!(
            "It takes {}.",
            service
                .store()
                .rate_budget()
                .cost_said(reviewed.delete_requests())
        );
        tell!(
            "They are first backed up in {}; a customer that comes to match meanwhile is left alone.",
            service.backup_folder().display()
        );
        // Every customer of the store, whatever the filter: only its id, domain or address
        // will do (names are not unique: every sandbox has the same).
        let every = filter.is_empty()
            || count
                >= service
                    .store()
                    .count(&Filter::default())
                    .await
                    .wrap_err("cannot count the store's customers")?;
        if every {
            let accepted = identity.confirmations();
            tell!("That is every customer of the store.");
            let confirmed = match &args.confirm_store {
                Some(answer) => accepted.iter().any(|known| known == answer.trim()),
                None if args.yes => {
                    return Err(eyre!(
                        "deleting every customer of a store must be confirmed by naming it: run without --yes, or add --confirm-store {}",
                        accepted.first().cloned().unwrap_or_default()
                    ));
                }
                None => {
                    let accepted: Vec<&str> = accepted.iter().map(String::as_str).collect();
                    let question = format!(
                        "Type the store's id or address ({}) to delete every customer:",
                        accepted.join(" or ")
                    );
                    super::confirm(&question, &accepted)?
                }
            };
            if !confirmed {
                return Err(eyre!(
                    "not confirmed: that does not name {} (it answers to {}); nothing deleted",
                    sanitize(&identity.describe()),
                    accepted.join(", ")
                ));
            }
        } else if !args.yes && !super::confirm("Type yes to delete them:", &["yes"])? {
            return Err(eyre!("not confirmed; nothing deleted"));
        }
        let cancel = Cancel::default();
        let signals = cancel_on_signal(&cancel);
        let bar = Bar::new();
        let deleted = service.delete(&reviewed, &cancel, |p| bar.show(p)).await;
        bar.finish();
        signals.abort();
        let deleted = deleted?;
        super::output::work_done();
        say!("{}.", deleted.summary());
        if deleted.report.done > 0 {
            say!(
                "Recorded as change set {}: bc-customers undo {} re-creates them.",
                deleted.change_set, deleted.change_set
            );
            say!("Restore with: bc-customers restore {}", deleted.backup.display());
        }
        failures(&deleted.report, "deleted")?;
        cancelled(&deleted.report, cancel.is_cancelled())
    })
}

/// Lists what failed, and makes the command fail when anything did.
pub fn failures(report: &Report, verb: &str) -> Result<()> {
    for failed in &report.failed {
        tell!("  {}", sanitize(&failed.to_string()));
    }
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(eyre!(
            "{} customers could not be {verb}",
            report.failed.len()
        ))
    }
}

/// A job stopped by a signal fails the command, after its report.
pub fn cancelled(report: &Report, cancelled: bool) -> Result<()> {
    if cancelled {
        Err(eyre!(
            "interrupted: {} customers were left alone; the report above is what was done",
            report.not_attempted
        ))
    } else {
        Ok(())
    }
}
