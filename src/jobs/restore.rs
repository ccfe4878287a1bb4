//! Restoring from a backup file: every line is checked before the first customer is created,
//! then the file is read again as the customers are re-created, so memory stays flat however
//! large the backup.

use std::path::Path;

use super::backup::backup_customers;
use super::records::CustomerRecord;
use super::{Cancel, Failed, JobError, Progress, Report, Step, undo_record};
use crate::domain::rules::address_field_problem;
use crate::domain::{Field, NewCustomer, Value};
use crate::store::SharedStore;

/// Re-creates these customers (`total` of them) with their addresses, one at a time: a create
/// is never sent twice.
pub async fn restore(
    store: &SharedStore,
    records: impl IntoIterator<Item = CustomerRecord>,
    total: u64,
    cancel: &Cancel,
    mut progress: impl FnMut(Progress),
) -> Report {
    let mut report = Report::default();
    for (seen, record) in (0u64..).zip(records) {
        if cancel.is_cancelled() {
            report.not_attempted = total.saturating_sub(seen);
            break;
        }
        let customer = record.customer;
        let mut fields = NewCustomer::again(&customer);
        let mut created = store.create(&fields).await;
        if let Err(error) = &created
            && error.status() == Some(400)
            && error.field() == Some("customer_group_id")
        {
            // The customer's group was deleted since the backup: restore it into no group
            // rather than not at all.
            fields
                .fields
                .insert(Field::CustomerGroupId, Value::Group(0));
            created = store.create(&fields).await;
            if created.is_ok() {
                report.left_without_group += 1;
            }
        }
        match created {
            Ok(created) => {
                report.done += 1;
                report.ids.push(created.id);
                for address in &record.addresses {
                    match store.create_address(created.id, &address.writable()).await {
                        Ok(_) => report.addresses += 1,
                        Err(error) => report.failed.push(Failed {
                            who: format!("an address of {}", customer.email),
                            why: error.to_string(),
                        }),
                    }
                }
            }
            Err(error) => report.failed.push(Failed {
                who: customer.email,
                why: error.to_string(),
            }),
        }
        progress(Progress {
            step: Step::Restoring,
            done: seen + 1,
            total,
        });
    }
    report
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
            return Err(JobError::Stopped(format!(
                "{} line {}: customer #{} cannot be restored: {why}; nothing was restored",
                path.display(),
                line.number,
                customer.id,
            )));
        }
        count += 1;
    }
    Ok(count)
}

/// Re-creates the customers of a backup file (only `only` of them, when given), checking the
/// whole file first so that a damaged backup restores nothing rather than half. A restore done
/// whole is no longer offered for undo.
pub async fn restore_backup(
    store: &SharedStore,
    path: &Path,
    only: Option<&[i64]>,
    cancel: &Cancel,
    progress: impl FnMut(Progress),
) -> Result<Report, JobError> {
    let total = check_backup(path, only)?;
    // Every line was read above; one that fails now (the file changed) is skipped.
    let records = backup_customers(path, only)?.filter_map(|line| Some(line.ok()?.record));
    let report = restore(store, records, total, cancel, progress).await;
    if report.whole() {
        // A backup never deleted from (or restored before) has no record to mark.
        let _ = undo_record::mark_restored(path);
    }
    Ok(report)
}
