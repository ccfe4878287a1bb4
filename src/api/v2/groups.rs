//! Customer groups (`/customer_groups`).

use reqwest::Method;

use super::client::{Client, Repeat, decode};
use super::wire::{GroupBody, group_body};
use crate::domain::{CustomerGroup, GroupChange};
use crate::store::{ApiError, MAX_PAGE_SIZE};

impl Client {
    /// Every customer group of the store, in id order.
    pub async fn customer_groups(&self) -> Result<Vec<CustomerGroup>, ApiError> {
        let mut groups = Vec::new();
        for page in 1u64.. {
            let query = [
                ("page", page.to_string()),
                ("limit", MAX_PAGE_SIZE.to_string()),
            ];
            let answer = self
                .send(Method::GET, "customer_groups", &query, None, Repeat::Safe)
                .await?;
            let Some(bytes) = answer else { break };
            let batch: Vec<GroupBody> = decode(&bytes)?;
            let last = (batch.len() as u64) < MAX_PAGE_SIZE;
            groups.extend(batch.into_iter().map(CustomerGroup::from));
            if last {
                break;
            }
        }
        Ok(groups)
    }

    pub async fn create_customer_group(
        &self,
        group: &GroupChange,
    ) -> Result<CustomerGroup, ApiError> {
        let answer = self
            .send(
                Method::POST,
                "customer_groups",
                &[],
                Some(&group_body(group)),
                Repeat::OnlyIfUnprocessed,
            )
            .await?;
        decode::<GroupBody>(&answer.unwrap_or_default()).map(CustomerGroup::from)
    }

    pub async fn update_customer_group(
        &self,
        id: i64,
        change: &GroupChange,
    ) -> Result<CustomerGroup, ApiError> {
        let path = format!("customer_groups/{id}");
        let answer = self
            .send(
                Method::PUT,
                &path,
                &[],
                Some(&group_body(change)),
                Repeat::Safe,
            )
            .await?;
        decode::<GroupBody>(&answer.unwrap_or_default()).map(CustomerGroup::from)
    }

    pub async fn delete_customer_group(&self, id: i64) -> Result<(), ApiError> {
        let path = format!("customer_groups/{id}");
        self.send(Method::DELETE, &path, &[], None, Repeat::Safe)
            .await?;
        Ok(())
    }
}
