//! Undoing a change set, customer by customer, by what each change did: fields set back where
//! the customer still holds what the change left (its values and its `date_modified`),
//! deleted customers re-created from the backup, created customers deleted (after a backup)
//! unless changed since. Anything else is a conflict and keeps the newer values. An undo is a
//! change set of its own, so it can be undone too; an undo cut off goes on where it stopped.

mod address;
mod customer;
mod group;
mod plan;

use std::path::PathBuf;
use std::sync::Mutex;

use customer::{Effect, conflict, unchanged, undo_one};
use plan::{Created, Plan, Removal, plan_for, recreated_records, relocated};

use super::backup::back_up;
use super::fresh::{FRESH_FOR, FreshCopies};
use super::run::{Each, Shared, run_each};
use super::service::{Service, into_inner, skipped};
use super::{Cancel, Failed, JobError, Progress, Report, Step};
use crate::domain::{Customer, Field, Filter};
use crate::ledger::{ChangeSet, FieldConflict, Kind, Recorded, State};
use crate::store::ApiError;
use crate::store::counted::counted;

/// Which customers of a change set an undo is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UndoScope {
    /// Those still changed, and those whose fate the ledger does not know.
    Remaining,
    /// Those an earlier undo found in conflict: tried again.
    Conflicts,
}

/// A customer an undo left alone because it changed since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoConflict {
    /// The key of its line: a customer's id, or an address's or group's.
    pub customer: i64,
    /// What it is, when not a customer: "address 7 of #12", "group 'VIP'".
    pub subject: Option<String>,
    pub why: String,
    pub fields: Vec<FieldConflict>,
}

impl std::fmt::Display for UndoConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.subject {
            Some(subject) => write!(f, "{subject}: ")?,
            None => write!(f, "customer {}: ", self.customer)?,
        }
        if self.fields.is_empty() {
            write!(f, "{}", self.why)
        } else {
            write!(
                f,
                "{}",
                crate::ledger::history::describe_conflicts(&self.fields)
            )
        }
    }
}

/// What an undo did.
#[derive(Debug, Clone, PartialEq)]
pub struct Undone {
    /// The undo's own change set.
    pub change_set: u64,
    /// The change set it undid, and what kind that was.
    pub undid: u64,
    pub kind: Kind,
    /// Customers set back, re-created or deleted (as `verb` says).
    pub report: Report,
    /// What was done to them: "set back", "restored" or "deleted".
    pub verb: &'static str,
    pub conflicts: Vec<UndoConflict>,
    /// Customers found as they were before already (an earlier undo cut off after its
    /// request), or back already.
    pub already: u64,
    /// Customers the undone change never reached (its request was cut off).
    pub unchanged: u64,
    /// The backup taken before customers were deleted, when some were.
    pub backup: Option<PathBuf>,
    pub stopped: Option<String>,
}

impl Undone {
    /// "386 set back, 1 conflict (changed since; their newer values kept), 0 failed".
    pub fn summary(&self) -> String {
        let mut text = self.report.summary(self.verb);
        if !self.conflicts.is_empty() {
            // Right after what was done: "386 set back, 1 conflict (…), 0 failed".
            let conflicts = format!(
                ", {} conflict{} (changed since; their newer values kept)",
                self.conflicts.len(),
                if self.conflicts.len() == 1 { "" } else { "s" }
            );
            let at = text.find(", ").unwrap_or(text.len());
            text.insert_str(at, &conflicts);
        }
        if self.already > 0 {
            text.push_str(&format!(", {} as they were already", self.already));
        }
        if self.unchanged > 0 {
            text.push_str(&format!(", {} never reached by the change", self.unchanged));
        }
        if let Some(backup) = &self.backup {
            text.push_str(&format!(" (backup: {})", backup.display()));
        }
        text.push_str(&self.report.requests_said());
        if let Some(stopped) = &self.stopped {
            text.push_str(&format!("; stopped: {stopped}"));
        }
        text
    }
}

/// The words of a dialog asking to undo a change set: what will happen, in its own terms,
/// a short line each.
pub fn undo_question(set: &ChangeSet) -> Vec<String> {
    let counts = set.counts();
    let left = counts.done + counts.unknown;
    let customers = crate::format::customers(left);
    let mut lines = match (set.kind, set.undoes) {
        (Kind::Delete, _) => vec![
            format!("Re-create the {customers} this delete removed, from its backup,"),
            "with their addresses. They get new ids, and each must set a new password".to_owned(),
            "at next login: passwords, ids and creation dates cannot be brought back.".to_owned(),
        ],
        (Kind::Create, _) => vec![
            format!("Delete the {customers} this created, after a backup."),
            "A customer changed since it was created is left alone (a conflict).".to_owned(),
        ],
        (Kind::Restore, _) => vec![
            format!("Delete the {customers} this restore re-created, after a backup."),
            "A customer changed since it was restored is left alone (a conflict).".to_owned(),
        ],
        (Kind::Undo, Some(undone)) => vec![format!(
            "Do again what change set {undone} did, for {}.",
            set.about.count(left)
        )],
        (Kind::Address | Kind::Group, _) => set
            .entries
            .values()
            .filter_map(plan::plan_for)
            .flat_map(|plan| plan::in_words(&plan))
            .collect(),
        _ => vec![
            format!(
                "Set back the fields this {} changed on {customers}:",
                set.kind.words()
            ),
            if set.what.is_empty() {
                "its fields.".to_owned()
            } else {
                format!("{}.", set.what)
            },
            "A customer changed since (any difference in those fields, or a newer".to_owned(),
            "date) keeps its newer values: a conflict, listed afterwards.".to_owned(),
        ],
    };
    if counts.unknown > 0 {
        lines.push(format!(
            "{} were on their way when it stopped: the store is asked",
            set.about.count(counts.unknown)
        ));
        lines.push("whether they happened.".to_owned());
    }
    lines
}

impl Service {
    /// An undo (below); its report says how many requests it sent.
    pub async fn undo(
        &self,
        set_id: u64,
        scope: UndoScope,
        confirmed_older: bool,
        cancel: &Cancel,
        progress: impl FnMut(Progress),
    ) -> Result<Undone, JobError> {
        let (undone, requests) =
            counted(self.undo_uncounted(set_id, scope, confirmed_older, cancel, progress)).await;
        undone.map(|mut undone| {
            undone.report.requests = requests;
            undone
        })
    }

    /// Undoes a change set of this store (only its customers in `scope`), recording the undo
    /// as a change set of its own. One undo of a store at a time. A change set recorded
    /// before stores were known by identity is undone only when `confirmed_older`.
    async fn undo_uncounted(
        &self,
        set_id: u64,
        scope: UndoScope,
        confirmed_older: bool,
        cancel: &Cancel,
        mut progress: impl FnMut(Progress),
    ) -> Result<Undone, JobError> {
        let _lock = self.ledger().lock_undo(set_id)?;
        let history = self.history()?;
        let set = match (
            history.set(set_id),
            history.older.iter().find(|s| s.id == set_id),
        ) {
            (Some(set), _) => set.clone(),
            (None, Some(older)) if confirmed_older => older.clone(),
            (None, Some(older)) => {
                let name = match &older.store {
                    Recorded::ByName(name) => name.clone(),
                    Recorded::Store(store) => store.describe(),
                };
                return Err(JobError::OtherStore(format!(
                    "change set {set_id} was recorded before stores were known by identity, as store '{name}'; if it is of {}, confirm it with --confirm-store {}",
                    self.identity().describe(),
                    self.identity()
                        .confirmations()
                        .first()
                        .cloned()
                        .unwrap_or_default()
                )));
            }
            (None, None) => {
                return Err(JobError::Refused(format!(
                    "no change set {set_id} for {}",
                    self.identity().describe()
                )));
            }
        };
        if set.running {
            return Err(JobError::Refused(format!(
                "change set {set_id} is under way; undo it once it ends"
            )));
        }
        let keys = match scope {
            UndoScope::Remaining => set.to_undo(),
            UndoScope::Conflicts => set.keys_in(&[State::Conflict]),
        };
        if keys.is_empty() {
            return Err(JobError::Refused(format!(
                "change set {set_id} has nothing left to undo ({})",
                set.line()
            )));
        }
        // A customer deleted and restored since lives under a new id: undone there.
        // Its date at the last change this program made to it: another date now means
        // someone else changed it since.
        let moved = history.moved();
        let moved_groups = history.moved_groups();
        let moved_addresses = history.moved_addresses();
        let last_dates = history.last_dates();
        let plans: Vec<(i64, Plan)> = keys
            .iter()
            .filter_map(|key| Some((*key, plan_for(set.entries.get(key)?)?)))
            .map(|(key, plan)| {
                let plan = relocated(plan, &moved, &moved_groups, &moved_addresses, &last_dates);
                (key, plan)
            })
            .collect();
        let removes = plans.iter().any(|(_, plan)| matches!(plan, Plan::Judge(_)));
        let recorder = self.begin(
            Kind::Undo,
            keys.clone(),
            removes,
            Some(set_id),
            format!("undo of {set_id} ({})", set.kind.words()),
        )?;
        let change_set = recorder.id();
        let backup = recorder.backup().map(PathBuf::from);
        let header = self.header(&recorder, Kind::Undo);
        let verb = if matches!(set.about, Kind::Address | Kind::Group) {
            "undone"
        } else if plans
            .iter()
            .any(|(_, plan)| matches!(plan, Plan::Recreate { .. }))
        {
            "restored"
        } else if removes {
            "deleted"
        } else {
            "set back"
        };
        let mut undone = Undone {
            change_set,
            undid: set_id,
            kind: set.kind,
            report: Report::default(),
            verb,
            conflicts: Vec::new(),
            already: 0,
            unchanged: 0,
            backup: backup.clone(),
            stopped: None,
        };
        // Created customers to delete are read, judged and backed up first.
        let plans = match self
            .judge_removals(plans, backup.as_deref(), &header, cancel, &mut progress)
            .await
        {
            Ok(plans) => plans,
            Err(error) => {
                recorder.end(cancel.is_cancelled(), Some(error.to_string()))?;
                return Err(error);
            }
        };
        if !plans
            .iter()
            .any(|(_, plan)| matches!(plan, Plan::Remove(Removal::Delete { .. })))
        {
            undone.backup = None;
        }
        // Deleted customers come back from the undone set's backup.
        let records = match recreated_records(&set, &plans) {
            Ok(records) => records,
            Err(error) => {
                recorder.end(false, Some(error.to_string()))?;
                return Err(error);
            }
        };
        let recorder = Mutex::new(recorder);
        let shared = Shared::new(&recorder);
        let store = self.store();
        // The customers whose fields are set back, read a page at a time just before.
        let setting_back: Vec<i64> = plans
            .iter()
            .filter_map(|(_, plan)| match plan {
                Plan::SetBack { customer, .. } => Some(*customer),
                _ => None,
            })
            .collect();
        let fresh = FreshCopies::new(store, &setting_back, FRESH_FOR);
        let total = plans.len() as u64;
        let mut seen = 0;
        let mut kept = Vec::new();
        let mut removed = Vec::new();
        let (mut addresses_kept, mut addresses_gone, mut groups_changed) =
            (Vec::new(), Vec::new(), false);
        let concurrency = if records.is_empty() {
            store.capabilities().concurrency
        } else {
            1 // creates go one at a time
        };
        let run = run_each(
            plans,
            total,
            concurrency,
            cancel,
            &shared,
            |(key, plan)| {
                let (shared, records, fresh) = (&shared, &records, &fresh);
                async move {
                    let (outcome, effect) =
                        undo_one(store, fresh, shared, key, plan, records).await?;
                    Some(Each {
                        key,
                        outcome,
                        value: effect,
                    })
                }
            },
            |effect| {
                match effect {
                    Effect::Kept(customer, part) => {
                        undone.report.done += 1;
                        undone.report.ids.push(customer.id);
                        undone.report.addresses += part.addresses;
                        undone.report.left_without_group += part.left_without_group;
                        undone.report.failed.extend(part.failed);
                        kept.push(*customer);
                    }
                    Effect::Removed(id) => {
                        undone.report.done += 1;
                        undone.report.ids.push(id);
                        removed.push(id);
                    }
                    Effect::AddressKept(address) => {
                        undone.report.done += 1;
                        addresses_kept.push(address);
                    }
                    Effect::AddressGone(id) => {
                        undone.report.done += 1;
                        addresses_gone.push(id);
                    }
                    Effect::GroupChanged => {
                        undone.report.done += 1;
                        groups_changed = true;
                    }
                    Effect::Already => undone.already += 1,
                    Effect::Unchanged => undone.unchanged += 1,
                    Effect::Conflict(mut conflict) => {
                        if matches!(set.about, Kind::Address | Kind::Group) {
                            conflict.subject = set
                                .entries
                                .get(&conflict.customer)
                                .and_then(|entry| entry.did())
                                .map(crate::ledger::Did::subject);
                        }
                        undone.conflicts.push(conflict);
                    }
                    Effect::Failed(who, why) => undone.report.failed.push(Failed { who, why }),
                    Effect::FailedAt(key, why) => {
                        let who = match set.about {
                            Kind::Address | Kind::Group => set
                                .entries
                                .get(&key)
                                .and_then(|entry| entry.did())
                                .map(crate::ledger::Did::subject),
                            _ => None,
                        }
                        .unwrap_or_else(|| format!("customer {key}"));
                        undone.report.failed.push(Failed { who, why });
                    }
                }
                seen += 1;
                progress(Progress {
                    step: Step::Undoing,
                    done: seen,
                    total,
                });
            },
        )
        .await;
        undone.report.not_attempted = run.not_started;
        undone.report.ids.sort_unstable();
        undone.stopped = run.ledger_failed.map(|error| {
            format!("{error}; nothing more was sent (what was under way is kept as unknown in the ledger)")
        });
        let ended = into_inner(recorder).end(cancel.is_cancelled(), undone.stopped.clone());
        self.keep_in_index(kept).await;
        self.drop_from_index(removed).await;
        for address in &addresses_kept {
            self.keep_address(address).await;
        }
        for address in addresses_gone {
            self.forget_address(address).await;
        }
        if groups_changed {
            self.refresh_groups().await;
        }
        ended?;
        Ok(undone)
    }

    /// Reads the created customers an undo would delete, judges each (gone, changed since,
    /// or as created), and backs up those to delete.
    async fn judge_removals(
        &self,
        plans: Vec<(i64, Plan)>,
        backup: Option<&std::path::Path>,
        header: &super::backup::BackupHeader,
        cancel: &Cancel,
        progress: &mut impl FnMut(Progress),
    ) -> Result<Vec<(i64, Plan)>, JobError> {
        let mut judged = Vec::with_capacity(plans.len());
        let mut to_delete = Vec::new();
        for (key, plan) in plans {
            let Plan::Judge(created) = &plan else {
                judged.push((key, plan));
                continue;
            };
            let removal = match created {
                Created::Known(customer, moved) => self.judge_created(customer, *moved).await,
                Created::ByEmail(email) => self.judge_unknown_create(email).await,
            }
            .map_err(JobError::store("cannot read the customers to delete"))?;
            if let Removal::Delete { customer } = removal {
                to_delete.push(customer);
            }
            judged.push((key, Plan::Remove(removal)));
        }
        if let (false, Some(backup)) = (to_delete.is_empty(), backup) {
            back_up(self.store(), &to_delete, backup, header, cancel, progress).await?;
        }
        Ok(judged)
    }

    /// A created customer: deleted if as it was created, else a conflict. One re-created
    /// since (`moved`) is judged by its fields: its date is the restore's.
    async fn judge_created(&self, created: &Customer, moved: bool) -> Result<Removal, ApiError> {
        let now = match self.store().get(created.id).await {
            Ok(now) => now,
            Err(ApiError::Status { status: 404, .. }) => {
                return Ok(Removal::Left(skipped("already gone")));
            }
            Err(error) => return Err(error),
        };
        let changed: Vec<FieldConflict> = Field::ALL
            .into_iter()
            .filter(|field| {
                !created.date_modified.is_empty() && field.read(created) != field.read(&now)
            })
            .map(|field| FieldConflict {
                field: field.name().to_owned(),
                now: field.read(&now).to_string(),
                left: field.read(created).to_string(),
                wanted: "(deleted)".to_owned(),
            })
            .collect();
        let touched = if moved {
            false
        } else if created.date_modified.is_empty() {
            // What was created was not kept then: its dates tell whether it changed since.
            matches!((now.created_at(), now.modified_at()), (Some(c), Some(m)) if m > c + 1)
        } else {
            now.date_modified != created.date_modified
        };
        if !changed.is_empty() || touched {
            return Ok(Removal::Left(conflict(
                format!(
                    "changed since it was created (modified {})",
                    now.date_modified
                ),
                changed,
            )));
        }
        Ok(Removal::Delete { customer: now.id })
    }

    /// A create whose answer never came: found by its email, deleted if it holds what was
    /// sent.
    async fn judge_unknown_create(&self, email: &str) -> Result<Removal, ApiError> {
        let filter = Filter {
            email: Some(email.to_owned()),
            ..Filter::default()
        };
        match self.store().list(&filter, 1, 1).await?.customers.pop() {
            None => Ok(Removal::Left(unchanged())),
            Some(found) => Ok(Removal::Delete { customer: found.id }),
        }
    }
}
