//! `bc-customers update`: changes every customer the filters match — fields set to one value,
//! store credit added or subtracted, a line appended to the notes — after a review that says
//! what each field holds now and how many customers already have the new value.

use clap::Args;
use color_eyre::eyre::{Result, WrapErr, eyre};

use super::delete::{cancelled, failures};
use super::filters::{FilterArgs, group_id};
use super::progress::Bar;
use super::store::{StoreArgs, cancel_on_signal, open_service};
use crate::domain::Field;
use crate::jobs::Cancel;
use crate::jobs::review::Selection;
use crate::jobs::update::{BulkChange, credit_amount, review};
use crate::sanitize::sanitize;
use crate::store::SharedStore;

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
    /// The change the flags ask for, checked before anything is read or sent (a group given
    /// by name is checked by `change_on`).
    fn change(&self) -> Result<BulkChange> {
        self.change_with(None)
    }

    /// The same, with `--set customer_group_id` looked up among the store's groups: by name
    /// or id, and refused when the store has no such group.
    async fn change_on(&self, store: &SharedStore) -> Result<BulkChange> {
        let group = match self.group_assignment() {
            Some(text) => Some(group_id(store, "--set customer_group_id", text).await?),
            None => None,
        };
        self.change_with(group)
    }

    /// The group `--set customer_group_id=…` names, as given.
    fn group_assignment(&self) -> Option<&str> {
        self.set.iter().find_map(|assignment| {
            let (name, value) = assignment.split_once('=')?;
            (name.trim() == Field::CustomerGroupId.name()).then_some(value)
        })
    }

    fn change_with(&self, group: Option<i64>) -> Result<BulkChange> {
        let mut change = BulkChange::default();
        for assignment in &self.set {
            let is_group = assignment
                .split_once('=')
                .is_some_and(|(name, _)| name.trim() == Field::CustomerGroupId.name());
            let assignment = match (is_group, group) {
                (true, Some(id)) => format!("{}={id}", Field::CustomerGroupId.name()),
                // A name, checked against the store once it is reached.
                (true, None) => continue,
                (false, _) => assignment.clone(),
            };
            change
                .set_field(&assignment)
                .map_err(|problem| eyre!("--set {problem}"))?;
        }
        if self.add_store_credit.is_some() && self.subtract_store_credit.is_some() {
            return Err(eyre!(
                "--add-store-credit and --subtract-store-credit do not go together: give one"
            ));
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
        if change.set.contains_key(&Field::StoreCredit)
            && (change.add_store_credit.is_some() || change.subtract_store_credit.is_some())
        {
            return Err(eyre!(
                "--set store_credit and --add/--subtract-store-credit do not go together"
            ));
        }
        if change.set.contains_key(&Field::Notes) && self.append_notes.is_some() {
            return Err(eyre!("--set notes and --append-notes do not go together"));
        }
        // An empty line adds nothing: nothing is sent for it.
        change.append_notes = self
            .append_notes
            .clone()
            .filter(|line| !line.trim().is_empty());
        if change.is_empty() && !(self.group_assignment().is_some() && group.is_none()) {
            return Err(eyre!(
                "nothing to change: give --set FIELD=VALUE, --add-store-credit, --subtract-store-credit or a non-empty --append-notes"
            ));
        }
        Ok(change)
    }
}

pub fn run(args: UpdateArgs, store: &StoreArgs) -> Result<()> {
    args.filter.to_filter()?;
    args.change()?;
    let (backend, settings) = store.store_for_changes()?;
    super::runtime()?.block_on(async {
        let filter = args.filter.on(&backend).await?;
        let change = args.change_on(&backend).await?;
        let service = open_service(backend, &settings).await?;
        // The review reads every matching customer once: their ids are fixed, the counts
        // kept.
        let selection = Selection::Matching {
            filter: filter.clone(),
            except: Vec::new(),
        };
        let review = review(service.store(), &selection, &change)
            .await
            .wrap_err("cannot read the customers to review")?;
        if let Some(why) = review.refusal() {
            return Err(eyre!("cannot change them: {why}"));
        }
        if review.customers == 0 {
            say!("No customer matches {filter}; nothing changed.");
            return Ok(());
        }
        // Groups by name, when the store has them.
        let groups: std::collections::HashMap<i64, String> = service
            .store()
            .groups()
            .await
            .map(|groups| groups.into_iter().map(|g| (g.id, g.name)).collect())
            .unwrap_or_default();
        let mut lines = review.lines_naming(&change, |id| match (id, groups.get(&id)) {
            (0, _) => "none".to_owned(),
            (_, Some(name)) => name.clone(),
            _ => format!("#{id}"),
        });
        let rate = service.store().rate_budget();
        lines.push(format!(
            "It takes {}.",
            rate.cost_said(review.requests(rate.per_second()))
        ));
        if args.dry_run {
            for line in &lines {
                say!("{}", sanitize(line));
            }
            say!("Dry run: nothing was sent.");
            return Ok(());
        }
        for line in &lines {
            tell!("{}", sanitize(line));
        }
        tell!(
            "They are first backed up in {}; a customer that comes to match meanwhile is left alone.",
            service.backup_folder().display()
        );
        if !args.yes && !super::confirm("Type yes to change them:", &["yes"])? {
            return Err(eyre!("not confirmed; nothing changed"));
        }
        let cancel = Cancel::default();
        let signals = cancel_on_signal(&cancel);
        let bar = Bar::new();
        let updated = service
            .bulk_edit(&review.ids, &change, &cancel, |p| bar.show(p))
            .await;
        bar.finish();
        signals.abort();
        let updated = updated?;
        super::output::work_done();
        say!("{} (backup: {}).", updated.summary(), updated.backup.display());
        if updated.report.done > 0 {
            say!(
                "Recorded as change set {}: bc-customers undo {} sets it back.",
                updated.change_set, updated.change_set
            );
        }
        failures(&updated.report, "updated")?;
        cancelled(&updated.report, cancel.is_cancelled())
    })
}
