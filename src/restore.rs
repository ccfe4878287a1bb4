//! Restoring from a backup file: every line is checked before the first customer is created,
//! then the file is read again as the customers are re-created, so memory stays flat however
//! large the backup.

use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::Path;

use color_eyre::eyre::{Result, WrapErr};
use serde_json::{Map, Value, json};

use crate::api::{Client, Customer, format_credit};
use crate::backup::{Cancel, Report};

/// The customers of a backup as it is read (only those in `only`, when given).
pub fn backup_customers(
    path: &Path,
    only: Option<&[i64]>,
) -> Result<impl Iterator<Item = Result<Customer>> + Send + use<>> {
    let file = std::fs::File::open(path)
        .wrap_err_with(|| format!("cannot open the backup {}", path.display()))?;
    let only: Option<BTreeSet<i64>> = only.map(|ids| ids.iter().copied().collect());
    let shown = path.display().to_string();
    Ok(std::io::BufReader::new(file)
        .lines()
        .enumerate()
        .filter_map(move |(number, line)| {
            let line = match line.wrap_err_with(|| format!("cannot read {shown}")) {
                Ok(line) => line,
                Err(error) => return Some(Err(error)),
            };
            if line.trim().is_empty() {
                return None;
            }
            let customer = serde_json::from_str::<Customer>(&line)
                .wrap_err_with(|| format!("{shown} line {}: not a customer", number + 1));
            match (&customer, &only) {
                (Ok(customer), Some(only)) if !only.contains(&customer.id) => None,
                _ => Some(customer),
            }
        }))
}

/// Every customer in a backup file, all in memory (for small backups and tests).
pub fn read_backup(path: &Path) -> Result<Vec<Customer>> {
    backup_customers(path, None)?.collect()
}

/// Reads a backup through once, checking every line: how many customers it would restore.
pub fn count_backup(path: &Path, only: Option<&[i64]>) -> Result<u64> {
    let mut count = 0;
    for customer in backup_customers(path, only)? {
        customer?;
        count += 1;
    }
    Ok(count)
}

/// The fields that re-create a customer: everything writable, and a password reset at next
/// login, since passwords cannot be restored.
pub fn restore_fields(customer: &Customer) -> Map<String, Value> {
    let value = json!({
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "email": customer.email,
        "company": customer.company,
        "phone": customer.phone,
        "store_credit": format_credit(customer.store_credit),
        "registration_ip_address": customer.registration_ip_address,
        "customer_group_id": customer.customer_group_id,
        "notes": customer.notes,
        "tax_exempt_category": customer.tax_exempt_category,
        "_authentication": { "force_reset": true },
    });
    match value {
        Value::Object(fields) => fields,
        _ => Map::new(),
    }
}

/// Re-creates these customers (`total` of them), one at a time: a create is never sent twice.
pub async fn restore(
    client: &Client,
    customers: impl IntoIterator<Item = Customer>,
    total: u64,
    cancel: &Cancel,
    mut progress: impl FnMut(u64, u64),
) -> Report {
    let mut report = Report::default();
    let mut seen = 0;
    for customer in customers {
        if cancel.is_cancelled() {
            report.not_attempted = total.saturating_sub(seen);
            break;
        }
        match client.create(&restore_fields(&customer)).await {
            Ok(created) => {
                report.done += 1;
                report.ids.push(created.id);
            }
            Err(error) => report.failed.push((customer.email, error.to_string())),
        }
        seen += 1;
        progress(seen, total);
    }
    report
}

/// Re-creates the customers of a backup file (only `only` of them, when given), checking the
/// whole file first so that a damaged backup restores nothing rather than half.
pub async fn restore_file(
    client: &Client,
    path: &Path,
    only: Option<&[i64]>,
    cancel: &Cancel,
    progress: impl FnMut(u64, u64),
) -> Result<Report> {
    let total = count_backup(path, only)?;
    // Every line was read above; one that fails now (the file changed) is skipped.
    let customers = backup_customers(path, only)?.filter_map(Result::ok);
    Ok(restore(client, customers, total, cancel, progress).await)
}
