//! The customers resource: list, count, read, create, update, delete, the collection delete
//! and password checks; and the store's own description (`/store`).

use futures::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};

use super::client::{Client, Repeat, decode};
use super::wire::{Count, CustomerBody, StoreBody, change_body, new_customer_body};
use crate::domain::{Customer, CustomerChange, Filter, NewCustomer};
use crate::store::{ApiError, Listed, MAX_PAGE_SIZE, StoreIdentity};

/// Reads by id at once: few enough to stay inside the rate limit's pacing.
pub(super) const CONCURRENCY: usize = 4;

/// The filter as the v2 API's query parameters: its names are the API's.
pub(super) fn query(filter: &Filter) -> Vec<(&'static str, String)> {
    filter.parts()
}

impl Client {
    /// One page of customers (1-based), in id order, with the store's clock when it answered.
    pub async fn list_customers(
        &self,
        filter: &Filter,
        page: u64,
        limit: u64,
    ) -> Result<Listed, ApiError> {
        let mut query = query(filter);
        query.push(("page", page.max(1).to_string()));
        query.push(("limit", limit.clamp(1, MAX_PAGE_SIZE).to_string()));
        let (body, store_time) = self
            .send_dated(Method::GET, "customers", &query, None, Repeat::Safe)
            .await?;
        let customers = match body {
            None => Vec::new(),
            Some(bytes) => decode::<Vec<CustomerBody>>(&bytes)?
                .into_iter()
                .map(Customer::from)
                .collect(),
        };
        Ok(Listed {
            customers,
            store_time,
        })
    }

    pub async fn count_customers(&self, filter: &Filter) -> Result<u64, ApiError> {
        let body = self
            .send(
                Method::GET,
                "customers/count",
                &query(filter),
                None,
                Repeat::Safe,
            )
            .await?;
        let count: Count = decode(&body.unwrap_or_default())?;
        Ok(count.count)
    }

    pub async fn customer(&self, id: i64) -> Result<Customer, ApiError> {
        let path = format!("customers/{id}");
        let body = self
            .send(Method::GET, &path, &[], None, Repeat::Safe)
            .await?;
        decode::<CustomerBody>(&body.unwrap_or_default()).map(Customer::from)
    }

    /// These customers, those not found left out. Ids close together are read as one page
    /// of an id range (up to 250 ids a request), a lone id by itself: a filter's customers or
    /// a marked range cost a request per 250, scattered ids one each at worst.
    pub(super) async fn customers_by_id(&self, ids: &[i64]) -> Result<Vec<Customer>, ApiError> {
        let mut wanted = ids.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let mut reads = futures::stream::iter(id_spans(&wanted, MAX_PAGE_SIZE as i64))
            .map(|(first, last)| async move {
                if first == last {
                    return match self.customer(first).await {
                        Ok(customer) => Ok(vec![customer]),
                        Err(ApiError::Status { status: 404, .. }) => Ok(Vec::new()),
                        Err(error) => Err(error),
                    };
                }
                let span = Filter {
                    min_id: Some(first),
                    max_id: Some(last),
                    ..Filter::default()
                };
                let listed = self.list_customers(&span, 1, MAX_PAGE_SIZE).await?;
                Ok(listed.customers)
            })
            .buffer_unordered(CONCURRENCY);
        let mut found = Vec::with_capacity(wanted.len());
        while let Some(read) = reads.next().await {
            found.extend(
                read?
                    .into_iter()
                    .filter(|customer| wanted.binary_search(&customer.id).is_ok()),
            );
        }
        found.sort_by_key(|customer| customer.id);
        Ok(found)
    }

    pub async fn create_customer(&self, customer: &NewCustomer) -> Result<Customer, ApiError> {
        let body = new_customer_body(customer);
        let answer = self
            .send(
                Method::POST,
                "customers",
                &[],
                Some(&body),
                Repeat::OnlyIfUnprocessed,
            )
            .await?;
        decode::<CustomerBody>(&answer.unwrap_or_default()).map(Customer::from)
    }

    /// Changes only the fields given.
    pub async fn update_customer(
        &self,
        id: i64,
        change: &CustomerChange,
    ) -> Result<Customer, ApiError> {
        let body = change_body(change);
        let path = format!("customers/{id}");
        let answer = self
            .send(Method::PUT, &path, &[], Some(&body), Repeat::Safe)
            .await?;
        decode::<CustomerBody>(&answer.unwrap_or_default()).map(Customer::from)
    }

    pub async fn delete_customer(&self, id: i64) -> Result<(), ApiError> {
        let path = format!("customers/{id}");
        self.send(Method::DELETE, &path, &[], None, Repeat::Safe)
            .await?;
        Ok(())
    }

    /// Deletes every customer the filter matches — every customer of the store when the
    /// filter is empty. The store is not trusted to have deleted everything in one call (the
    /// real one takes batches of 100, and has retired collection deletes on some stores): it
    /// counts again, repeats, and falls back to deleting one by one. Returns how many went.
    /// Nothing in the program deletes by filter (jobs delete reviewed ids); kept for checking
    /// the sandbox's collection delete.
    pub async fn delete_matching(&self, filter: &Filter) -> Result<u64, ApiError> {
        let before = self.count_customers(filter).await?;
        let mut left = before;
        for _ in 0..3 {
            if left == 0 {
                return Ok(before);
            }
            match self
                .send(
                    Method::DELETE,
                    "customers",
                    &query(filter),
                    None,
                    Repeat::Safe,
                )
                .await
            {
                Ok(_) => {}
                Err(ApiError::Status {
                    status: 404 | 405 | 410,
                    ..
                }) => break,
                Err(error) => return Err(error),
            }
            let now = self.count_customers(filter).await?;
            let progressed = now < left;
            left = now;
            if !progressed {
                break;
            }
        }
        while left > 0 {
            let page = self.list_customers(filter, 1, MAX_PAGE_SIZE).await?;
            if page.customers.is_empty() {
                break;
            }
            for customer in page.customers {
                match self.delete_customer(customer.id).await {
                    Ok(()) | Err(ApiError::Status { status: 404, .. }) => {}
                    Err(error) => return Err(error),
                }
            }
            left = self.count_customers(filter).await?;
        }
        Ok(before.saturating_sub(left))
    }

    /// Whether `password` is the customer's current password.
    pub async fn validate_password(&self, id: i64, password: &str) -> Result<bool, ApiError> {
        let body = json!({ "password": password });
        let path = format!("customers/{id}/validate");
        let answer = self
            .send(Method::POST, &path, &[], Some(&body), Repeat::Safe)
            .await?;
        let value: Value = decode(&answer.unwrap_or_default())?;
        Ok(match &value["success"] {
            Value::Bool(success) => *success,
            Value::String(text) => text == "true",
            _ => false,
        })
    }

    /// What the store says it is (`GET /store`); a store without that resource (404, or no
    /// permission for it) is known by its URL.
    pub async fn store_identity(&self) -> Result<StoreIdentity, ApiError> {
        let fallback = || {
            let name = crate::config::store_hash(self.api_url())
                .unwrap_or_else(|| self.api_url().to_owned());
            StoreIdentity::at(self.api_url(), &name)
        };
        match self
            .send(Method::GET, "store", &[], None, Repeat::Safe)
            .await
        {
            Ok(Some(bytes)) => {
                let Ok(body) = decode::<StoreBody>(&bytes) else {
                    return Ok(fallback());
                };
                let mut identity = fallback();
                identity.id = Some(body.id).filter(|id| !id.trim().is_empty());
                if !body.name.trim().is_empty() {
                    identity.name = body.name;
                }
                identity.domain = Some(body.domain).filter(|domain| !domain.trim().is_empty());
                Ok(identity)
            }
            Ok(None) => Ok(fallback()),
            // A token without the store information scope is refused it (403).
            Err(ApiError::Status {
                status: 403 | 404 | 405 | 501,
                ..
            }) => Ok(fallback()),
            Err(error) => Err(error),
        }
    }
}

/// Sorted ids cut into spans of at most `width` ids each, first to last: the fewest spans
/// that cover them (each starts at the first id the one before left out).
fn id_spans(sorted: &[i64], width: i64) -> Vec<(i64, i64)> {
    let mut spans: Vec<(i64, i64)> = Vec::new();
    for &id in sorted {
        match spans.last_mut() {
            Some((first, last)) if id - *first < width => *last = id,
            _ => spans.push((id, id)),
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::id_spans;

    #[test]
    fn ids_are_read_in_the_fewest_spans_of_a_page() {
        assert_eq!(id_spans(&[], 250), vec![]);
        assert_eq!(id_spans(&[7], 250), vec![(7, 7)]);
        let dense: Vec<i64> = (1..=300).collect();
        assert_eq!(id_spans(&dense, 250), vec![(1, 250), (251, 300)]);
        assert_eq!(
            id_spans(&[3, 9, 400, 649, 650, 2000], 250),
            vec![(3, 9), (400, 649), (650, 650), (2000, 2000)]
        );
    }
}
