//! `bc-customers update`: changes every customer the filters match — fields set to one value,
//! store credit added or subtracted, a line appended to the notes — after a review that says
//! what each field holds now and how many customers already have the new value.

use clap::Args;
use color_eyre::eyre::{Result, WrapErr, eyre};
use futures::StreamExt;

use super::delete::failures;
use super::filters::FilterArgs;
use super::progress::Bar;
use super::store::StoreArgs;
use crate::jobs::Cancel;
use crate::jobs::backup::{Selection, backup_file_name};
use crate::jobs::update::{BulkChange, Review, credit_amount, update_customers};
use crate::sanitize::sanitize;

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Set a field of every matching customer, by its API name (e.g. customer_group_id=2,
    /// tax_exempt_category=wholesale); checked with the store's rules before anything is sent.
    #[arg(long = "set", value_name = "FIELD=VALUE", help_heading = "Changes")]
    set: Vec<String>,
    /// Add this amount to each customer's store credit.
    #[arg(long, value_name = "AMOUNT", help_heading = "Changes")]
    add_store_credit: Option<String>,
    /// Subtract this amount from each customer's store credit (never below 0).
    #[arg(long, value_name = "AMOUNT", help_heading = "Changes")]
    subtract_store_credit: Option<String>,
    /// Add this line at the end of each customer's notes.
    #[arg(long, value_name = "TEXT", help_heading = "Changes")]
    append_notes: Option<String>,
    /// Print the review and send nothing.
    #[arg(long, help_heading = "Confirmation")]
    dry_run: bool,
    /// Go ahead without asking.
    #[arg(long, help_heading = "Confirmation")]
    yes: bool,
}

impl UpdateArgs {
    fn change(&self) -> Result<BulkChange> {
        let mut change = BulkChange::default();
        for assignment in &self.set {
            change
                .set_field(assignment)
                .map_err(|problem| eyre!("--set {problem}"))?;
        }
        change.add_store_credit = self
            .add_store_credit
            .as_deref()
            .map(credit_amount)
            .transpose()
            .map_err(|problem| eyre!("--add-store-credit: {problem}"))?;
        change.subtract_store_credit = self
            .subtract_store_credit
            .as_deref()
            .map(credit_amount)
            .transpose()
            .map_err(|problem| eyre!("--subtract-store-credit: {problem}"))?;
        if change.set.contains_key(&crate::domain::Field::StoreCredit)
            && (change.add_store_credit.is_some() || change.subtract_store_credit.is_some())
        {
            return Err(eyre!(
                "--set store_credit and --add/--subtract-store-credit do not go together"
            ));
        }
        if change.set.contains_key(&crate::domain::Field::Notes) && self.append_notes.is_some() {
            return Err(eyre!("--set notes and --append-notes do not go together"));
        }
        change.append_notes = self.append_notes.clone();
        if change.is_empty() {
            return Err(eyre!(
                "nothing to change: give --set FIELD=VALUE, --add-store-credit, --subtract-store-credit or --append-notes"
            ));
        }
        Ok(change)
    }
}

pub fn run(args: UpdateArgs, store: &StoreArgs) -> Result<()> {
    let filter = args.filter.to_filter()?;
    let change = args.change()?;
    let (backend, store) = store.store_for_changes()?;
    super::runtime()?.block_on(async {
        // The review reads every matching customer once; only the counts are kept.
        let (_, pages) = backend
            .all_pages(&filter, 8)
            .await
            .wrap_err("cannot read the customers to review")?;
        let mut pages = std::pin::pin!(pages);
        let mut review = Review::default();
        while let Some(page) = pages.next().await {
            for customer in page.wrap_err("cannot read the customers to review")? {
                review.add(&customer, &change);
            }
        }
        if review.customers == 0 {
            println!("No customer matches {filter}; nothing changed.");
            return Ok(());
        }
        // Groups by name, when the store has them.
        let groups: std::collections::HashMap<i64, String> = backend
            .groups()
            .await
            .map(|groups| groups.into_iter().map(|g| (g.id, g.name)).collect())
            .unwrap_or_default();
        let lines = review.lines_naming(&change, |id| match (id, groups.get(&id)) {
            (0, _) => "none".to_owned(),
            (_, Some(name)) => name.clone(),
            _ => format!("#{id}"),
        });
        if args.dry_run {
            for line in &lines {
                println!("{}", sanitize(line));
            }
            println!("Dry run: nothing was sent.");
            return Ok(());
        }
        for line in &lines {
            eprintln!("{}", sanitize(line));
        }
        let backup = crate::paths::backup_folder()?
            .join(backup_file_name(&store.name, chrono::Local::now()));
        eprintln!("They are first backed up to {}.", backup.display());
        if !args.yes && !super::confirm("Type yes to change them:", &["yes"])? {
            return Err(eyre!("not confirmed; nothing changed"));
        }
        let selection = Selection::Matching {
            filter: filter.clone(),
            except: Vec::new(),
        };
        let bar = Bar::new();
        let updated = update_customers(
            &backend,
            &selection,
            &change,
            &backup,
            &Cancel::default(),
            |p| bar.show(p),
        )
        .await;
        bar.finish();
        let updated = updated?;
        if updated.report.done > 0 {
            let journal = crate::jobs::journal::Journal::default_place()?;
            let set = journal.record(
                crate::jobs::journal::Kind::BulkEdit,
                &store.name,
                updated.report.done,
                Some(&backup),
                None,
                &updated.entries,
            )?;
            eprintln!(
                "Recorded as change set {}: bc-customers undo {} sets it back.",
                set.id, set.id
            );
        }
        println!("{} (backup: {}).", updated.summary(), backup.display());
        failures(&updated.report, "updated")
    })
}
