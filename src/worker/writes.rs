//! The worker's writes: every change goes through the store's service (the ledger written
//! ahead, backups, the index kept in step); exports write files.

use std::path::PathBuf;

use super::keeper::Keeper;
use super::messages::{ExportOf, Failure, Outcome, Write};
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
        Write::Export { of, path, replace } => {
            let path = crate::paths::expand_home(&path);
            // Only a regular file is replaced: a FIFO or a device is written through.
            let there = std::fs::metadata(&path).is_ok_and(|found| found.is_file());
            if there && !replace {
                return Ok(Outcome::ExportWouldReplace { of, path });
            }
            let format = ExportFormat::for_path(&path);
            let written = match of {
                ExportOf::Matching(filter) => {
                    let spec = ExportSpec {
                        filter,
                        format,
                        with_addresses: false,
                    };
                    crate::jobs::export::export_to_file(keeper.store(), &spec, &path, progress)
                        .await?
                }
                ExportOf::Found(query) => export_found(keeper, query, path.clone()).await?,
                ExportOf::Marked(chosen) => {
                    let selection = keeper.selection(chosen).await?;
                    let reviewed = crate::jobs::review::review(keeper.store(), &selection)
                        .await
                        .map_err(JobError::store("cannot read the marked customers"))?;
                    crate::jobs::export::export_ids_to_file(
                        keeper.store(),
                        &reviewed.ids,
                        format,
                        &path,
                        progress,
                    )
                    .await?
                }
            };
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
