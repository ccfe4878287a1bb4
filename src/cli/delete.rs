//! `bc-customers delete`: says exactly what will happen, asks, then runs the same delete job
//! as the terminal app — back up, delete those ids, check the store.

use clap::Args;
use color_eyre::eyre::{Result, WrapErr, eyre};

use super::filters::FilterArgs;
use super::progress::Bar;
use super::store::StoreArgs;
use crate::jobs::backup::{Selection, backup_file_name};
use crate::jobs::delete::delete_customers;
use crate::jobs::{Cancel, Report};

#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Go ahead without asking (not for deleting every customer).
    #[arg(long, help_heading = "Confirmation")]
    yes: bool,
}

pub fn run(args: DeleteArgs, store: &StoreArgs) -> Result<()> {
    let filter = args.filter.to_filter()?;
    let (client, store) = store.client_for_changes()?;
    let store_name = store.name.as_str();
    super::runtime()?.block_on(async {
        let count = client
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
        if filter.is_empty() {
            // Every customer of the store: only a typed store name will do.
            if args.yes {
                return Err(eyre!(
                    "deleting every customer of a store must be confirmed by typing its name: run without --yes"
                ));
            }
            let hash = crate::config::store_hash(client.api_url());
            let question = match &hash {
                Some(hash) => format!(
                    "Type the store's name ({store_name}) or hash ({hash}) to delete every customer:"
                ),
                None => format!("Type the store's name ({store_name}) to delete every customer:"),
            };
            let accepted: Vec<&str> = std::iter::once(store_name).chain(hash.as_deref()).collect();
            if !super::confirm(&question, &accepted)? {
                return Err(eyre!("not confirmed; nothing deleted"));
            }
        } else if !args.yes && !super::confirm("Type yes to delete them:", &["yes"])? {
            return Err(eyre!("not confirmed; nothing deleted"));
        }
        let selection = Selection::Matching {
            filter: filter.clone(),
            except: Vec::new(),
        };
        let bar = Bar::new();
        let deleted = delete_customers(&client, &selection, &backup, &Cancel::default(), |p| {
            bar.show(p)
        })
        .await;
        bar.finish();
        let deleted = deleted?;
        if let Some(problem) = &deleted.undo_record_problem {
            eprintln!("note: the app's undo (u) will not offer this delete: {problem}");
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
        eprintln!("  {failed}");
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
