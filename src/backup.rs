//! Backups before deletes, and restoring from them. Every customer about to be deleted is
//! first written as one JSON line to a backup file; only the customers in that backup are
//! then deleted (by id), so a customer created or changed to match afterwards is never caught.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr, eyre};
use futures::StreamExt;
use serde_json::{Map, Value, json};

use crate::api::{ApiError, Client, Customer, Filter, format_credit};

/// Deletes at once: few enough to stay inside the rate limit's pacing.
const DELETE_CONCURRENCY: usize = 4;

/// A new backup file in the user's data folder, named by time and store.
pub fn new_backup_path(store: &str) -> Result<PathBuf> {
    let folder = crate::paths::backup_folder()?;
    std::fs::create_dir_all(&folder)
        .wrap_err_with(|| format!("cannot create {}", folder.display()))?;
    let store: String = store
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let time = chrono::Local::now().format("%Y%m%d-%H%M%S");
    Ok(folder.join(format!("{time}-{store}.jsonl")))
}

/// Writes every customer the filter matches to `path`, one JSON object a line, and returns
/// their ids. The file is complete when this returns Ok.
pub async fn back_up(client: &Client, filter: &Filter, path: &Path) -> Result<Vec<i64>> {
    let file = std::fs::File::create(path)
        .wrap_err_with(|| format!("cannot create the backup {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let (expected, pages) = client
        .all_pages(filter, 4)
        .await
        .wrap_err("cannot count the customers to back up")?;
    let mut pages = std::pin::pin!(pages);
    let mut ids = Vec::new();
    while let Some(page) = pages.next().await {
        for customer in page.wrap_err("the backup could not be completed")? {
            serde_json::to_writer(&mut out, &customer).wrap_err("cannot write the backup")?;
            out.write_all(b"\n").wrap_err("cannot write the backup")?;
            ids.push(customer.id);
        }
    }
    out.flush().wrap_err("cannot write the backup")?;
    out.get_ref()
        .sync_all()
        .wrap_err("cannot write the backup")?;
    ids.sort_unstable();
    ids.dedup();
    if ids.len() as u64 != expected {
        return Err(eyre!(
            "the store changed while it was backed up ({expected} counted, {} read); nothing was deleted",
            ids.len()
        ));
    }
    Ok(ids)
}

/// What a delete or restore did, exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub done: u64,
    /// Customers that were already gone (a delete of them found nothing).
    pub already_gone: u64,
    /// What failed, with why.
    pub failed: Vec<(String, String)>,
}

/// Deletes these customers by id, a few at a time, paced by the client.
pub async fn delete_ids(
    client: &Client,
    ids: &[i64],
    mut progress: impl FnMut(u64, u64),
) -> Report {
    let total = ids.len() as u64;
    let mut report = Report::default();
    let mut results = futures::stream::iter(ids.iter().copied())
        .map(|id| async move { (id, client.delete(id).await) })
        .buffer_unordered(DELETE_CONCURRENCY);
    while let Some((id, result)) = results.next().await {
        match result {
            Ok(()) => report.done += 1,
            Err(ApiError::Status { status: 404, .. }) => report.already_gone += 1,
            Err(error) => report
                .failed
                .push((format!("customer {id}"), error.to_string())),
        }
        progress(
            report.done + report.already_gone + report.failed.len() as u64,
            total,
        );
    }
    report
}

/// The customers in a backup file.
pub fn read_backup(path: &Path) -> Result<Vec<Customer>> {
    let file = std::fs::File::open(path)
        .wrap_err_with(|| format!("cannot open the backup {}", path.display()))?;
    let mut customers = Vec::new();
    for (number, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.wrap_err_with(|| format!("cannot read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let customer: Customer = serde_json::from_str(&line)
            .wrap_err_with(|| format!("{} line {}: not a customer", path.display(), number + 1))?;
        customers.push(customer);
    }
    Ok(customers)
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

/// Re-creates the customers of a backup, one at a time (a create is never sent twice).
pub async fn restore(
    client: &Client,
    customers: &[Customer],
    mut progress: impl FnMut(u64, u64),
) -> Report {
    let total = customers.len() as u64;
    let mut report = Report::default();
    for (index, customer) in customers.iter().enumerate() {
        match client.create(&restore_fields(customer)).await {
            Ok(_) => report.done += 1,
            Err(error) => report
                .failed
                .push((customer.email.clone(), error.to_string())),
        }
        progress(index as u64 + 1, total);
    }
    report
}
