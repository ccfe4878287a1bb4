//! A customer group as the sandbox keeps it, and as the API shows it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};

use super::money::format_credit;
use crate::dates::format_api_date;

/// Which categories the group's customers may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessType {
    All,
    Specific,
    None,
}

/// `category_access`: the categories are listed only when the type is `specific`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryAccess {
    #[serde(rename = "type")]
    pub kind: AccessType,
    pub categories: Vec<i64>,
}

impl Default for CategoryAccess {
    fn default() -> Self {
        CategoryAccess {
            kind: AccessType::All,
            categories: Vec::new(),
        }
    }
}

/// How a discount rule changes a price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiscountMethod {
    Percent,
    Fixed,
    Price,
}

/// One of a group's `discount_rules`. Amounts are ten-thousandths, shown as `"5.0000"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DiscountRule {
    /// A price list replaces the discount: the real service shows no method or amount.
    PriceList { price_list_id: i64 },
    All {
        method: DiscountMethod,
        #[serde(with = "amount_text")]
        amount: i64,
    },
    Category {
        method: DiscountMethod,
        #[serde(with = "amount_text")]
        amount: i64,
        category_id: i64,
    },
    Product {
        method: DiscountMethod,
        #[serde(with = "amount_text")]
        amount: i64,
        product_id: i64,
    },
}

/// One stored group. Dates are seconds since the Unix epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGroup {
    pub id: i64,
    pub name: String,
    pub is_default: bool,
    pub category_access: CategoryAccess,
    pub discount_rules: Vec<DiscountRule>,
    pub date_created: i64,
    pub date_modified: i64,
    pub is_group_for_guests: bool,
}

impl StoredGroup {
    /// The object the API answers with, its keys in the real service's order.
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("id".into(), json!(self.id));
        object.insert("name".into(), json!(self.name));
        object.insert("is_default".into(), json!(self.is_default));
        object.insert("category_access".into(), json!(self.category_access));
        object.insert("discount_rules".into(), json!(self.discount_rules));
        object.insert(
            "date_created".into(),
            json!(format_api_date(self.date_created)),
        );
        object.insert(
            "date_modified".into(),
            json!(format_api_date(self.date_modified)),
        );
        object.insert(
            "is_group_for_guests".into(),
            json!(self.is_group_for_guests),
        );
        Value::Object(object)
    }
}

/// The writable fields a create or update request sets; `None` leaves a field as it is
/// (on create: the defaults).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupFields {
    pub name: Option<String>,
    pub is_default: Option<bool>,
    pub category_access: Option<CategoryAccess>,
    pub discount_rules: Option<Vec<DiscountRule>>,
    pub is_group_for_guests: Option<bool>,
}

/// Amounts travel as text with four decimals, as `store_credit` does.
mod amount_text {
    use super::*;

    pub fn serialize<S: Serializer>(amount: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_credit(*amount))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        let text = String::deserialize(deserializer)?;
        let amount: rust_decimal::Decimal = text
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("'{text}' is not an amount")))?;
        super::super::money::credit_from_decimal(amount)
            .ok_or_else(|| serde::de::Error::custom(format!("'{text}' is out of range")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_api_shape() {
        let group = StoredGroup {
            id: 2,
            name: "Wholesale".into(),
            is_default: false,
            category_access: CategoryAccess {
                kind: AccessType::Specific,
                categories: vec![18, 19],
            },
            discount_rules: vec![
                DiscountRule::All {
                    method: DiscountMethod::Percent,
                    amount: 50_000,
                },
                DiscountRule::Product {
                    method: DiscountMethod::Price,
                    amount: 123_400,
                    product_id: 23,
                },
                DiscountRule::PriceList { price_list_id: 3 },
            ],
            date_created: 0,
            date_modified: 0,
            is_group_for_guests: false,
        };
        assert_eq!(
            group.to_json().to_string(),
            r#"{"id":2,"name":"Wholesale","is_default":false,"category_access":{"type":"specific","categories":[18,19]},"discount_rules":[{"type":"all","method":"percent","amount":"5.0000"},{"type":"product","method":"price","amount":"12.3400","product_id":23},{"type":"price_list","price_list_id":3}],"date_created":"Thu, 01 Jan 1970 00:00:00 +0000","date_modified":"Thu, 01 Jan 1970 00:00:00 +0000","is_group_for_guests":false}"#
        );
        let rules = serde_json::to_string(&group.discount_rules).expect("JSON");
        let back: Vec<DiscountRule> = serde_json::from_str(&rules).expect("rules");
        assert_eq!(back, group.discount_rules);
    }
}
