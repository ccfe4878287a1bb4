//! `bc-customers delete`: says exactly what will happen, asks, then runs the same delete job
//! as the terminal app — back up, delete those ids, check the store.

use clap::Args;
use color_eyre::eyre::{Result, WrapErr, eyre};

use super::filters::FilterArgs;
use super::progress::Bar;
use super::store::StoreArgs;
use crate::domain::Filter;
use crate::jobs::backup::{Selection, backup_file_name};
use crate::jobs::delete::delete_customers;
use crate::jobs::{Cancel, Report};

#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Go ahead without asking (not when the filters match every customer of the store).
    #[arg(long, help_heading = "Confirmation")]
    yes: bool,
    /// The store's name or hash, answering for scripts the question asked when the filters
    /// match every customer of the store.
    #[arg(long, value_name = "NAME", help_heading = "Confirmation")]
    confirm_store: Option<String>,
}

pub fn run(args: DeleteArgs, store: &StoreArgs) -> Result<()> {
    let filter = args.filter.to_filter()?;
    let (backend, store) = store.store_for_changes()?;
    let store_name = store.name.as_str();
    super::runtime()?.block_on(async {
        let count = backend
            .count(&filter)
            .await
            .wrap_err("cannot count the customers to delete")?;
        if count == 0 {
            println!("No customer matches {filter}; nothing deleted.");
            return Ok(());
        }
        let backup = crate::paths::backup_folder()?
            .join(backup_file_name(store_name, chrono::Local::now()));
        eprintln!("This deletes {count} customers matching {filter} from store '{store_name}'.");
        eprintln!("They are first backed up to {}.", backup.display());
        // Every customer of the store, whatever the filter: only its name or hash will do.
        let every = filter.is_empty()
            || count
                >= backend
                    .count(&Filter::default())
                    .await
                    .wrap_err("cannot count the store's customers")?;
        if every {
            let hash = crate::config::store_hash(backend.api_url());
            let accepted: Vec<&str> = std::iter::once(store_name).chain(hash.as_deref()).collect();
            eprintln!("That is every customer of the store.");
            let confirmed = match &args.confirm_store {
                Some(answer) => accepted.contains(&answer.trim()),
                None if args.yes => {
                    return Err(eyre!(
                        "deleting every customer of a store must be confirmed by typing its name: run without --yes, or add --confirm-store NAME"
                    ));
                }
                None => {
                    let question = match &hash {
                        Some(hash) => format!(
                            "Type the store's name ({store_name}) or hash ({hash}) to delete every customer:"
                        ),
                        None => {
                            format!("Type the store's name ({store_name}) to delete every customer:")
                        }
                    };
                    super::confirm(&question, &accepted)?
                }
            };
            if !confirmed {
                return Err(eyre!("not confirmed: that is not the store's name; nothing deleted"));
            }
        } else if !args.yes && !super::confirm("Type yes to delete them:", &["yes"])? {
            return Err(eyre!("not confirmed; nothing deleted"));
        }
        let selection = Selection::Matching {
            filter: filter.clone(),
            except: Vec::new(),
        };
        let bar = Bar::new();
        let deleted = delete_customers(&backend, &selection, &backup, &Cancel::default(), |p| {
            bar.show(p)
        })
        .await;
        bar.finish();
        let deleted = deleted?;
        if deleted.report.done > 0 {
            crate::jobs::journal::Journal::default_place()?.record(
                crate::jobs::journal::Kind::Delete,
                store_name,
                deleted.report.done,
                Some(&backup),
                None,
                &[],
            )?;
        }
        if let Some(problem) = &deleted.undo_record_problem {
            eprintln!(
                "note: the app's undo (u) will not offer this delete: {}",
                crate::sanitize::sanitize(problem)
            );
        }
        println!(
            "{} of {} backed up; {}.",
            deleted.report.summary("deleted"),
            deleted.backed_up,
            deleted.check()
        );
        println!("Restore with: bc-customers restore {}", backup.display());
        failures(&deleted.report, "deleted")
    })
}

/// Lists what failed, and makes the command fail when anything did.
pub fn failures(report: &Report, verb: &str) -> Result<()> {
    for failed in &report.failed {
        eprintln!("  {}", crate::sanitize::sanitize(&failed.to_string()));
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
