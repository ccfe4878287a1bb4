//! The worker's reads: pages and counts from the store, a customer and its addresses (each
//! refreshing the index's copy), the store's groups, reviews before a change, the ledger's
//! history, and searches of the local index.

use std::sync::Arc;

use futures::StreamExt;

use super::keeper::{Keeper, on_index};
use super::messages::{Failure, Outcome, QUICK_COUNT, Read};
use crate::domain::Filter;
use crate::index::Counted;
use crate::store::ApiError;

/// Answers one read.
pub(super) async fn answer(keeper: &Keeper, read: Read) -> Result<Outcome, Failure> {
    let store = keeper.store();
    match read {
        Read::List {
            filter,
            page,
            limit,
        } => Ok(Outcome::Page(
            store.list(&filter, page, limit).await?.customers,
        )),
        Read::Count { filter } => Ok(Outcome::Count(store.count(&filter).await?)),
        Read::Get { customer_id } => {
            let customer = store.get(customer_id).await;
            // What was read live refreshes the index's copy.
            if let Ok(service) = keeper.service().await {
                match &customer {
                    Ok(customer) => service.keep_in_index(vec![customer.clone()]).await,
                    Err(error) if error.status() == Some(404) => {
                        service.drop_from_index(vec![customer_id]).await
                    }
                    Err(_) => {}
                }
            }
            Ok(Outcome::Customer(customer?))
        }
        Read::Groups => {
            let groups = store.groups().await?;
            // The summary and searches name groups as the store does now.
            if let Ok(index) = keeper.index().await {
                let kept = groups.clone();
                if let Err(error) = on_index(&index, move |i| i.set_groups(&kept)).await {
                    tracing::warn!("the search index's groups: {error}");
                }
            }
            Ok(Outcome::Groups(groups))
        }
        Read::Addresses { customer_id } => {
            let addresses = store.addresses(customer_id).await?;
            // The summary's countries grow as details are read.
            if let Ok(index) = keeper.index().await {
                let kept = addresses.clone();
                if let Err(error) =
                    on_index(&index, move |i| i.set_addresses(customer_id, &kept)).await
                {
                    tracing::warn!("the search index's addresses: {error}");
                }
            }
            Ok(Outcome::Addresses {
                customer_id,
                addresses,
            })
        }
        Read::GroupCounts { group_ids } => group_counts(keeper, group_ids).await,
        Read::History => Ok(Outcome::History(keeper.service().await?.history()?)),
        Read::BulkReview { chosen, change } => {
            let selection = keeper.selection(chosen).await?;
            Ok(Outcome::BulkReview(
                crate::jobs::update::review(store, &selection, &change).await?,
            ))
        }
        Read::DeleteReview { chosen } => {
            let service = keeper.service().await?;
            let selection = keeper.selection(chosen).await?;
            Ok(Outcome::DeleteReview {
                reviewed: crate::jobs::review::review(store, &selection).await?,
                confirmations: service.identity().confirmations(),
            })
        }
        Read::Search { query, page, limit } => {
            let index = keeper.index().await?;
            Ok(Outcome::Page(
                on_index(&index, move |index| index.search(&query, page, limit)).await?,
            ))
        }
        Read::SearchCount { query } => {
            let index = keeper.index().await?;
            let found = on_index(&index, move |index| {
                index.count_at_most(&query, QUICK_COUNT)
            })
            .await?;
            Ok(match found {
                Counted::Exactly(count) => Outcome::Count(count),
                Counted::MoreThan(count) => Outcome::CountMoreThan(count),
            })
        }
        Read::SearchExactCount { query } => {
            let index = keeper.index().await?;
            Ok(Outcome::Count(
                on_index(&index, move |index| index.count(&query)).await?,
            ))
        }
        Read::Summary => {
            let index = keeper.index().await?;
            Ok(Outcome::Summary(
                on_index(&index, |index| index.summary()).await?,
            ))
        }
    }
}

/// How many customers each group has: one count request per group, a few at a time.
async fn group_counts(keeper: &Keeper, group_ids: Vec<i64>) -> Result<Outcome, Failure> {
    let store = Arc::clone(keeper.store());
    let counts: Vec<Result<(i64, u64), ApiError>> = futures::stream::iter(group_ids)
        .map(|group_id| {
            let store = Arc::clone(&store);
            async move {
                let filter = Filter {
                    customer_group_id: Some(group_id),
                    ..Filter::default()
                };
                store.count(&filter).await.map(|count| (group_id, count))
            }
        })
        .buffered(4)
        .collect()
        .await;
    Ok(Outcome::GroupCounts(
        counts.into_iter().collect::<Result<_, _>>()?,
    ))
}
