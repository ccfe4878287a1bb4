//! The worker's writes: every change goes through the store's service (the ledger written
//! ahead, backups, the index kept in step); exports write files.

use std::path::PathBuf;

use super::keeper::Keeper;
use super::messages::{Failure, Outcome, Write};
use crate::index::IndexError;
use crate::jobs::export::{ExportFormat, ExportSpec};
use crate::jobs::{JobError, Progress};

/// Performs one write, telling `progress` as a long one goes.
pub(super) async fn perform(
    keeper: &Keeper,
    write: Write,
    progress: impl FnMut(Progress) + Send,
) -> Result<Outcome, Failure> {
    match write {
        Write::Create { customer } => {
            let service = keeper.service().await?;
            Ok(Outcome::Customer(service.create(&customer).await?))
        }
        Write::Update {
            customer_id,
            changes,
            before,
        } => {
            let service = keeper.service().await?;
            Ok(Outcome::Customer(
                service.edit(customer_id, &changes, before).await?,
            ))
        }
        Write::CreateAddress {
            customer_id,
            fields,
        } => {
            let service = keeper.service().await?;
            Ok(Outcome::Address(
                service.create_address(customer_id, &fields).await?,
            ))
        }
        Write::UpdateAddress {
            customer_id,
            address_id,
            changes,
        } => {
            let service = keeper.service().await?;
            Ok(Outcome::Address(
                service
                    .update_address(customer_id, address_id, &changes)
                    .await?,
            ))
        }
        Write::DeleteAddress {
            customer_id,
            address_id,
        } => {
            let service = keeper.service().await?;
            service.delete_address(customer_id, address_id).await?;
            Ok(Outcome::AddressDeleted {
                customer_id,
                address_id,
            })
        }
        Write::CreateGroup { group } => {
            let service = keeper.service().await?;
            Ok(Outcome::Group(service.create_group(&group).await?))
        }
        Write::UpdateGroup { group_id, change } => {
            let service = keeper.service().await?;
            Ok(Outcome::Group(
                service.update_group(group_id, &change).await?,
            ))
        }
        Write::DeleteGroup { group_id } => {
            let service = keeper.service().await?;
            service.delete_group(group_id).await?;
            Ok(Outcome::GroupDeleted(group_id))
        }
        Write::Export { filter, path } => {
            let spec = ExportSpec {
                filter,
                format: ExportFormat::for_path(&path),
                with_addresses: false,
            };
            let written =
                crate::jobs::export::export_to_file(keeper.store(), &spec, &path, progress).await?;
            Ok(Outcome::Exported { written, path })
        }
        Write::ExportFound { query, path } => {
            let written = export_found(keeper, query, path.clone()).await?;
            Ok(Outcome::Exported { written, path })
        }
        Write::DeleteCustomers { reviewed, cancel } => {
            let service = keeper.service().await?;
            Ok(Outcome::DeletedCustomers(
                service.delete(&reviewed, &cancel, progress).await?,
            ))
        }
        Write::UpdateCustomers {
            ids,
            change,
            cancel,
        } => {
            let service = keeper.service().await?;
            Ok(Outcome::UpdatedCustomers(
                service.bulk_edit(&ids, &change, &cancel, progress).await?,
            ))
        }
        Write::UndoChangeSet { set, scope, cancel } => {
            let service = keeper.service().await?;
            Ok(Outcome::Undone(
                service.undo(set, scope, false, &cancel, progress).await?,
            ))
        }
        Write::SetAside { set } => {
            let service = keeper.service().await?;
            Ok(Outcome::SetAside(service.set_aside(set)?))
        }
    }
}

/// Writes what the index finds into `path`, in the export's format for its name: whole or
/// not at all.
async fn export_found(
    keeper: &Keeper,
    query: crate::index::IndexQuery,
    path: PathBuf,
) -> Result<u64, Failure> {
    let index = keeper.index().await?;
    let written = tokio::task::spawn_blocking(move || -> Result<u64, JobError> {
        let names = index.group_names()?.into_iter().collect();
        let format = ExportFormat::for_path(&path);
        crate::jobs::export::write_found_to_file(&index, &query, format, names, &path)
    })
    .await
    .map_err(|error| JobError::Index(IndexError::Task(error)))??;
    Ok(written)
}
