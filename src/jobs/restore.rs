//! Restoring from a backup. A backup of this store's delete is restored by undoing that
//! delete: only the customers it removed and that are not back yet. Any other backup — of
//! another store when asked for by name, or written before stores were known by identity —
//! is copied whole, every line checked before the first customer is created.

use std::path::Path;
use std::sync::Mutex;

use super::backup::{backup_customers, backup_header};
use super::records::CustomerRecord;
use super::run::{Each, Shared, run_each};
use super::service::{Service, done, failed, into_inner};
use super::undo::{UndoScope, Undone};
use super::{Cancel, Failed, JobError, Progress, Report, Step};
use crate::domain::rules::address_field_problem;
use crate::domain::{Customer, CustomerChange, Field, NewCustomer, Value};
use crate::ledger::{Did, Intent, Kind};
use crate::store::{ApiError, SharedStore};

/// What a restore did.
#[derive(Debug, Clone, PartialEq)]
pub enum Restored {
    /// The backup was of a delete of this store: that delete was undone.
    Undone(Undone),
    /// Every customer of the backup was created here, as a change set of its own.
    Copied { change_set: u64, report: Report },
}

impl Restored {
    pub fn report(&self) -> &Report {
        match self {
            Restored::Undone(undone) => &undone.report,
            Restored::Copied { report, .. } => report,
        }
    }

    pub fn summary(&self) -> String {
        match self {
            Restored::Undone(undone) => undone.summary(),
            Restored::Copied { report, .. } => {
                format!("{}{}", report.summary("restored"), report.requests_said())
            }
        }
    }
}

/// A customer created again from its backup, with its addresses. A customer whose group was
/// deleted since goes into no group rather than not back at all.
pub(super) async fn recreate(
    store: &SharedStore,
    record: &CustomerRecord,
    report: &mut Report,
) -> Result<Customer, ApiError> {
    let mut again = NewCustomer::again(&record.customer);
    let mut created = store.create(&again).await;
    if let Err(error) = &created
        && error.status() == Some(400)
        && error.field() == Some("customer_group_id")
    {
        again.fields.insert(Field::CustomerGroupId, Value::Group(0));
        created = store.create(&again).await;
        if created.is_ok() {
            report.left_without_group += 1;
        }
    }
    let created = created?;
    for address in &record.addresses {
        match store.create_address(created.id, &address.writable()).await {
            Ok(_) => report.addresses += 1,
            Err(error) => report.failed.push(Failed {
                who: format!("an address of {}", record.customer.email),
                why: error.to_string(),
            }),
        }
    }
    Ok(created)
}

/// The fields a customer is created with again, as the ledger keeps them (no password).
pub(super) fn fields_of(customer: &Customer) -> CustomerChange {
    let again = NewCustomer::again(customer);
    CustomerChange {
        fields: again.fields,
        password: None,
        force_password_reset: Some(true),
    }
}

/// Reads a backup through once, checking every line against the store's field rules: how
/// many customers it would restore. A damaged line, or a customer the store would refuse (an
/// email of `12345`), is an error naming the line, so that nothing is half restored.
pub fn check_backup(path: &Path, only: Option<&[i64]>) -> Result<u64, JobError> {
    let mut count = 0;
    for line in backup_customers(path, only)? {
        let line = line?;
        let customer = &line.record.customer;
        let problem = Field::ALL
            .into_iter()
            .find_map(|field| {
                let text = field.read(customer).to_string();
                field
                    .problem(&text)
                    .map(|problem| (field.name().to_owned(), text, problem))
            })
            .or_else(|| {
                line.record.addresses.iter().find_map(|address| {
                    address.writable().into_iter().find_map(|(field, text)| {
                        address_field_problem(&field, &text)
                            .map(|problem| (format!("address {field}"), text, problem))
                    })
                })
            });
        if let Some((field, text, problem)) = problem {
            let shown: String = text.chars().take(60).collect();
            let why = match problem {
                "required" => format!("{field} is missing"),
                problem => format!("{field} '{shown}' is not {problem}"),
            };
            return Err(JobError::Backup {
                path: path.to_owned(),
                line: line.number,
                why: format!(
                    "customer #{} cannot be restored: {why}; nothing was restored",
                    customer.id
                ),
            });
        }
        count += 1;
    }
    Ok(count)
}

/// What restoring a backup will do, said before it is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestorePlan {
    /// It is the backup of this store's delete `set`: that delete is undone, re-creating the
    /// `left` customers it removed that are not back yet.
    UndoDelete { set: u64, left: u64 },
    /// Every one of its `customers` is created here.
    Copy { customers: u64 },
}

impl Service {
    /// What restoring this backup would do. Of this store's delete: undo that delete. Of
    /// another store, or of no known store: refused unless `into_other_store`, which copies
    /// every customer of it here.
    pub fn plan_restore(
        &self,
        path: &Path,
        into_other_store: bool,
    ) -> Result<RestorePlan, JobError> {
        let header = backup_header(path)?;
        if !into_other_store {
            let Some(header) = header else {
                return Err(JobError::OtherStore(format!(
                    "{} was written before stores were known by identity, so it cannot say which store it is of; if it is of {}, restore it with --into-other-store",
                    path.display(),
                    self.identity().describe()
                )));
            };
            if !header.backup_of.same_store(self.identity()) {
                return Err(JobError::OtherStore(format!(
                    "this backup is of {}, not of {}; --into-other-store copies its customers into this one",
                    header.backup_of.describe(),
                    self.identity().describe()
                )));
            }
            let history = self.history()?;
            if let Some(set) = history.set(header.change_set)
                && set.kind == Kind::Delete
            {
                return Ok(RestorePlan::UndoDelete {
                    set: set.id,
                    left: set.to_undo().len() as u64,
                });
            }
        }
        Ok(RestorePlan::Copy {
            customers: check_backup(path, None)?,
        })
    }

    /// Restores a backup file as `plan_restore` says.
    pub async fn restore(
        &self,
        path: &Path,
        into_other_store: bool,
        cancel: &Cancel,
        progress: impl FnMut(Progress),
    ) -> Result<Restored, JobError> {
        match self.plan_restore(path, into_other_store)? {
            RestorePlan::UndoDelete { set, .. } => Ok(Restored::Undone(
                self.undo(set, UndoScope::Remaining, false, cancel, progress)
                    .await?,
            )),
            RestorePlan::Copy { .. } => self.copy_backup(path, cancel, progress).await,
        }
    }

    /// Creates every customer of a backup here, one at a time (a create is never sent
    /// twice), after checking the whole file.
    async fn copy_backup(
        &self,
        path: &Path,
        cancel: &Cancel,
        mut progress: impl FnMut(Progress),
    ) -> Result<Restored, JobError> {
        let total = check_backup(path, None)?;
        let ids: Vec<i64> = backup_customers(path, None)?
            .filter_map(|line| Some(line.ok()?.record.customer.id))
            .collect();
        let recorder = self.begin(
            Kind::Restore,
            ids,
            false,
            None,
            format!("from {}", path.display()),
        )?;
        let change_set = recorder.id();
        let recorder = Mutex::new(recorder);
        let shared = Shared::new(&recorder);
        let records = backup_customers(path, None)?.filter_map(|line| Some(line.ok()?.record));
        let store = self.store();
        let mut report = Report::default();
        let mut created = Vec::new();
        let mut seen = 0;
        // One at a time: two creates of one email at once would both be refused or both
        // go through.
        let run = run_each(
            records,
            total,
            1,
            cancel,
            &shared,
            |record| {
                let shared = &shared;
                async move {
                    let key = record.customer.id;
                    let intent = Intent::Create {
                        fields: fields_of(&record.customer),
                    };
                    if !shared.intend(key, intent) {
                        return None;
                    }
                    let mut part = Report::default();
                    let made = recreate(store, &record, &mut part).await;
                    let outcome = match &made {
                        Ok(customer) => done(Did::Created {
                            customer: Box::new(customer.clone()),
                        }),
                        Err(error) => failed(error),
                    };
                    Some(Each {
                        key,
                        outcome,
                        value: (record.customer.email, made, part),
                    })
                }
            },
            |(email, made, part)| {
                report.addresses += part.addresses;
                report.left_without_group += part.left_without_group;
                report.failed.extend(part.failed);
                match made {
                    Ok(customer) => {
                        report.done += 1;
                        report.ids.push(customer.id);
                        created.push(customer);
                    }
                    Err(error) => report.failed.push(Failed {
                        who: email,
                        why: error.to_string(),
                    }),
                }
                seen += 1;
                progress(Progress {
                    step: Step::Restoring,
                    done: seen,
                    total,
                });
            },
        )
        .await;
        report.not_attempted = run.not_started;
        let stopped = run.ledger_failed.map(|error| error.to_string());
        let ended = into_inner(recorder).end(cancel.is_cancelled(), stopped);
        self.keep_in_index(created).await;
        ended?;
        Ok(Restored::Copied { change_set, report })
    }
}
