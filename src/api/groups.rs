//! Customer groups: what a customer's `customer_group_id` names. Staff know them by name
//! ("Wholesale"), so the app loads them once per store.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::client::{Repeat, decode};
use super::model::{flag, group, text};
use super::{ApiError, Client, MAX_PAGE_SIZE};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerGroup {
    #[serde(deserialize_with = "group")]
    pub id: i64,
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    #[serde(default, deserialize_with = "flag")]
    pub is_default: bool,
    /// Kept as the store sent it: the app shows and changes only the name and the default.
    #[serde(default)]
    pub category_access: Value,
    #[serde(default)]
    pub discount_rules: Value,
    #[serde(default, deserialize_with = "flag")]
    pub is_group_for_guests: bool,
    #[serde(default, deserialize_with = "text")]
    pub date_created: String,
    #[serde(default, deserialize_with = "text")]
    pub date_modified: String,
}

impl Client {
    /// Every customer group of the store, in id order.
    pub async fn groups(&self) -> Result<Vec<CustomerGroup>, ApiError> {
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
            let batch: Vec<CustomerGroup> = decode(&bytes)?;
            let last = (batch.len() as u64) < MAX_PAGE_SIZE;
            groups.extend(batch);
            if last {
                break;
            }
        }
        Ok(groups)
    }

    pub async fn create_group(
        &self,
        fields: &Map<String, Value>,
    ) -> Result<CustomerGroup, ApiError> {
        let body = Value::Object(fields.clone());
        let answer = self
            .send(
                Method::POST,
                "customer_groups",
                &[],
                Some(&body),
                Repeat::OnlyIfUnprocessed,
            )
            .await?;
        decode(&answer.unwrap_or_default())
    }

    pub async fn update_group(
        &self,
        id: i64,
        changes: &Map<String, Value>,
    ) -> Result<CustomerGroup, ApiError> {
        let body = Value::Object(changes.clone());
        let path = format!("customer_groups/{id}");
        let answer = self
            .send(Method::PUT, &path, &[], Some(&body), Repeat::Safe)
            .await?;
        decode(&answer.unwrap_or_default())
    }

    /// Deletes a group; its customers are left in no group.
    pub async fn delete_group(&self, id: i64) -> Result<(), ApiError> {
        let path = format!("customer_groups/{id}");
        self.send(Method::DELETE, &path, &[], None, Repeat::Safe)
            .await?;
        Ok(())
    }
}
