//! `bc-customers delete` and `bc-customers restore`: the command-line side of deleting with a
//! backup and restoring from one. They say exactly what will happen and ask first.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use color_eyre::eyre::{Result, WrapErr, eyre};

use crate::api::{Client, Filter};
use crate::backup::{Cancel, Report, back_up, delete_ids, new_backup_path};
use crate::restore::{count_backup, restore_file};

/// Asks on the terminal; `expected` must be typed exactly.
/// Asks on the terminal; true when the answer is one of `accepted`.
fn confirm(question: &str, accepted: &[&str]) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(eyre!(
            "not confirmed: standard input is not a terminal; add --yes to go ahead"
        ));
    }
    eprint!("{question} ");
    std::io::stderr().flush().wrap_err("cannot ask")?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .wrap_err("cannot read the answer")?;
    Ok(accepted.contains(&answer.trim()))
}

fn progress_line(verb: &'static str) -> impl FnMut(u64, u64) {
    let show = std::io::stderr().is_terminal();
    move |done, total| {
        if show {
            eprint!("\r{verb} {done}/{total}");
        }
    }
}

pub async fn delete_command(
    client: &Client,
    store_name: &str,
    filter: &Filter,
    yes: bool,
) -> Result<()> {
    let count = client
        .count(filter)
        .await
        .wrap_err("cannot count the customers to delete")?;
    if count == 0 {
        println!("No customer matches {filter}; nothing deleted.");
        return Ok(());
    }
    let backup = new_backup_path(store_name)?;
    eprintln!("This deletes {count} customers matching {filter} from store '{store_name}'.");
    eprintln!("They are first backed up to {}.", backup.display());
    if filter.is_empty() {
        // Every customer of the store: only a typed store name will do.
        if yes {
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
        if !confirm(&question, &accepted)? {
            return Err(eyre!("not confirmed; nothing deleted"));
        }
    } else if !yes && !confirm("Type yes to delete them:", &["yes"])? {
        return Err(eyre!("not confirmed; nothing deleted"));
    }
    let ids = back_up(client, filter, &backup).await?;
    let report = delete_ids(client, &ids, &Cancel::default(), progress_line("deleting")).await;
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
    if report.done > 0
        && let Err(error) = crate::last_delete::record(&backup, &report.ids)
    {
        eprintln!("note: the app's undo (u) will not offer this delete: {error:#}");
    }
    // Check the store afterwards rather than trusting the answers.
    let left = client
        .count(filter)
        .await
        .wrap_err("cannot check the store after deleting")?;
    println!(
        "{} (backup: {}).",
        report.summary("deleted"),
        backup.display()
    );
    println!(
        "{left} customers now match the filter. Restore with: bc-customers restore {}",
        backup.display()
    );
    failures(&report, "deleted")
}

pub async fn restore_command(
    client: &Client,
    store_name: &str,
    path: &Path,
    yes: bool,
) -> Result<()> {
    let count = count_backup(path, None)?;
    if count == 0 {
        println!("{} holds no customers; nothing restored.", path.display());
        return Ok(());
    }
    eprintln!(
        "This re-creates {} customers from {} in store '{store_name}'. They get new ids; passwords cannot be restored, so each must reset it at next login.",
        count,
        path.display()
    );
    if !yes && !confirm("Type yes to restore them:", &["yes"])? {
        return Err(eyre!("not confirmed; nothing restored"));
    }
    let report = restore_file(
        client,
        path,
        None,
        &Cancel::default(),
        progress_line("restoring"),
    )
    .await?;
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
    println!("{}.", report.summary("restored"));
    if report.failed.is_empty() {
        // No longer offered for undo in the app; a backup never deleted from has no record.
        let _ = crate::last_delete::mark_restored(path);
    }
    failures(&report, "restored")
}

/// Lists what failed, and makes the command fail when anything did.
fn failures(report: &Report, verb: &str) -> Result<()> {
    for (who, why) in &report.failed {
        eprintln!("  {who}: {why}");
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
