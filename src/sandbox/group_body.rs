//! Request bodies of customer group create and update, checked field by field: a 400 naming
//! the first field refused, down to the key inside a discount rule.

use std::collections::HashSet;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::body::{boolean, decimal, json_object, name_text};
use super::error::ErrorAnswer;
use super::group::{AccessType, CategoryAccess, DiscountMethod, DiscountRule, GroupFields};
use super::money::credit_from_input;

/// Sent back by clients that fetched a group; never changed by a request.
const READ_ONLY: [&str; 3] = ["id", "date_created", "date_modified"];

/// Reads a create (`creating`: `name` is required) or update body.
pub fn parse_group_body(bytes: &[u8], creating: bool) -> Result<GroupFields, ErrorAnswer> {
    let object = json_object(bytes)?;
    let mut fields = GroupFields::default();
    for (name, value) in &object {
        match name.as_str() {
            "name" => fields.name = Some(name_text(name, value)?),
            "is_default" => fields.is_default = Some(boolean(name, value)?),
            "is_group_for_guests" => fields.is_group_for_guests = Some(boolean(name, value)?),
            "category_access" => fields.category_access = Some(category_access(value)?),
            "discount_rules" => fields.discount_rules = Some(discount_rules(value)?),
            read_only if READ_ONLY.contains(&read_only) => {}
            unknown => return Err(ErrorAnswer::unsupported_field(unknown)),
        }
    }
    if creating && fields.name.is_none() {
        return Err(ErrorAnswer::missing_field("name"));
    }
    Ok(fields)
}

fn category_access(value: &Value) -> Result<CategoryAccess, ErrorAnswer> {
    let Value::Object(object) = value else {
        return Err(ErrorAnswer::invalid_field(
            "category_access",
            "must be an object such as {\"type\": \"all\"}",
        ));
    };
    let (mut kind, mut categories) = (None, None);
    for (name, value) in object {
        match name.as_str() {
            "type" => {
                kind = Some(match value.as_str() {
                    Some("all") => AccessType::All,
                    Some("specific") => AccessType::Specific,
                    Some("none") => AccessType::None,
                    _ => {
                        return Err(ErrorAnswer::invalid_field(
                            "category_access.type",
                            "must be all, specific or none",
                        ));
                    }
                })
            }
            "categories" => categories = Some(category_ids(value)?),
            unknown => {
                return Err(ErrorAnswer::unsupported_field(&format!(
                    "category_access.{unknown}"
                )));
            }
        }
    }
    let kind = kind.ok_or_else(|| ErrorAnswer::missing_field("category_access.type"))?;
    let categories = categories.unwrap_or_default();
    // Categories only mean something for `specific`; a list beside `all` or `none` is a mistake.
    if kind != AccessType::Specific && !categories.is_empty() {
        return Err(ErrorAnswer::invalid_field(
            "category_access.categories",
            "must be empty unless the type is specific",
        ));
    }
    Ok(CategoryAccess { kind, categories })
}

fn category_ids(value: &Value) -> Result<Vec<i64>, ErrorAnswer> {
    let field = "category_access.categories";
    let Value::Array(items) = value else {
        return Err(ErrorAnswer::invalid_field(
            field,
            "must be an array of category ids",
        ));
    };
    let mut seen = HashSet::new();
    let mut ids = Vec::with_capacity(items.len());
    for item in items {
        let id = positive_id(item).ok_or_else(|| {
            ErrorAnswer::invalid_field(field, "must hold whole numbers of 1 or more")
        })?;
        if !seen.insert(id) {
            return Err(ErrorAnswer::invalid_field(
                field,
                &format!("lists category {id} twice"),
            ));
        }
        ids.push(id);
    }
    Ok(ids)
}

fn discount_rules(value: &Value) -> Result<Vec<DiscountRule>, ErrorAnswer> {
    let Value::Array(items) = value else {
        return Err(ErrorAnswer::invalid_field(
            "discount_rules",
            "must be an array of rules",
        ));
    };
    let mut rules: Vec<DiscountRule> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let rule = discount_rule(index, item)?;
        // Two rules for the same thing would leave the price undecided.
        if rules.iter().any(|earlier| same_target(earlier, &rule)) {
            return Err(ErrorAnswer::invalid_field(
                &format!("discount_rules[{index}]"),
                "discounts what an earlier rule already does",
            ));
        }
        rules.push(rule);
    }
    Ok(rules)
}

fn same_target(a: &DiscountRule, b: &DiscountRule) -> bool {
    use DiscountRule::*;
    match (a, b) {
        (PriceList { .. }, PriceList { .. }) | (All { .. }, All { .. }) => true,
        (Category { category_id: x, .. }, Category { category_id: y, .. }) => x == y,
        (Product { product_id: x, .. }, Product { product_id: y, .. }) => x == y,
        _ => false,
    }
}

/// One rule; every key it does not use must be absent (or null).
fn discount_rule(index: usize, value: &Value) -> Result<DiscountRule, ErrorAnswer> {
    let field = |key: &str| format!("discount_rules[{index}].{key}");
    let Value::Object(object) = value else {
        return Err(ErrorAnswer::invalid_field(
            &format!("discount_rules[{index}]"),
            "must be an object such as {\"type\": \"all\", \"method\": \"percent\", \"amount\": \"5\"}",
        ));
    };
    const KEYS: [&str; 6] = [
        "type",
        "method",
        "amount",
        "price_list_id",
        "category_id",
        "product_id",
    ];
    if let Some(unknown) = object.keys().find(|key| !KEYS.contains(&key.as_str())) {
        return Err(ErrorAnswer::unsupported_field(&field(unknown)));
    }
    let kind = match given(object, "type").map(Value::as_str) {
        None => return Err(ErrorAnswer::missing_field(&field("type"))),
        Some(Some(kind @ ("price_list" | "all" | "category" | "product"))) => kind,
        Some(_) => {
            return Err(ErrorAnswer::invalid_field(
                &field("type"),
                "must be price_list, all, category or product",
            ));
        }
    };
    let used: &[&str] = match kind {
        "price_list" => &["type", "price_list_id"],
        "all" => &["type", "method", "amount"],
        "category" => &["type", "method", "amount", "category_id"],
        _ => &["type", "method", "amount", "product_id"],
    };
    if let Some(unused) = KEYS
        .iter()
        .find(|key| !used.contains(key) && given(object, key).is_some())
    {
        return Err(ErrorAnswer::invalid_field(
            &field(unused),
            &format!("is not used by a {kind} rule"),
        ));
    }
    let id = |key: &str| -> Result<i64, ErrorAnswer> {
        let value = given(object, key).ok_or_else(|| ErrorAnswer::missing_field(&field(key)))?;
        positive_id(value).ok_or_else(|| {
            ErrorAnswer::invalid_field(&field(key), "must be a whole number of 1 or more")
        })
    };
    if kind == "price_list" {
        return Ok(DiscountRule::PriceList {
            price_list_id: id("price_list_id")?,
        });
    }
    let method = match given(object, "method").map(Value::as_str) {
        None => return Err(ErrorAnswer::missing_field(&field("method"))),
        Some(Some("percent")) => DiscountMethod::Percent,
        Some(Some("fixed")) => DiscountMethod::Fixed,
        Some(Some("price")) => DiscountMethod::Price,
        Some(_) => {
            return Err(ErrorAnswer::invalid_field(
                &field("method"),
                "must be percent, fixed or price",
            ));
        }
    };
    let amount = amount(object, method, &field("amount"))?;
    Ok(match kind {
        "all" => DiscountRule::All { method, amount },
        "category" => DiscountRule::Category {
            method,
            amount,
            category_id: id("category_id")?,
        },
        _ => DiscountRule::Product {
            method,
            amount,
            product_id: id("product_id")?,
        },
    })
}

fn amount(
    object: &Map<String, Value>,
    method: DiscountMethod,
    field: &str,
) -> Result<i64, ErrorAnswer> {
    let value = given(object, "amount").ok_or_else(|| ErrorAnswer::missing_field(field))?;
    let invalid = || {
        ErrorAnswer::invalid_field(
            field,
            "must be an amount from 0 to 9999999999.9999, as a number or a numeric string",
        )
    };
    let amount = decimal(value).ok_or_else(invalid)?;
    let amount = credit_from_input(amount).ok_or_else(invalid)?;
    if method == DiscountMethod::Percent && Decimal::new(amount, 4) > Decimal::from(100) {
        return Err(ErrorAnswer::invalid_field(
            field,
            "must be at most 100 for a percent discount",
        ));
    }
    Ok(amount)
}

/// A key that is present and not null.
fn given<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|value| !value.is_null())
}

fn positive_id(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .filter(|id| (1..=i64::from(i32::MAX)).contains(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn create(body: &str) -> Result<GroupFields, ErrorAnswer> {
        parse_group_body(body.as_bytes(), true)
    }

    #[test]
    fn reads_a_full_group() {
        let fields = create(
            r#"{"name":"Trade","is_default":true,"is_group_for_guests":false,"id":9,
                "category_access":{"type":"specific","categories":[4,7]},
                "discount_rules":[{"type":"all","method":"percent","amount":"5"},
                                  {"type":"category","method":"fixed","amount":2.5,"category_id":4},
                                  {"type":"product","method":"price","amount":"19.99","product_id":12},
                                  {"type":"price_list","price_list_id":3,"method":null}]}"#,
        )
        .expect("a valid body");
        assert_eq!(fields.name.as_deref(), Some("Trade"));
        assert_eq!(fields.is_default, Some(true));
        assert_eq!(
            fields.category_access.map(|access| access.categories),
            Some(vec![4, 7])
        );
        let rules = fields.discount_rules.expect("rules");
        assert_eq!(
            rules[1],
            DiscountRule::Category {
                method: DiscountMethod::Fixed,
                amount: 25_000,
                category_id: 4
            }
        );
        assert_eq!(rules[3], DiscountRule::PriceList { price_list_id: 3 });
    }

    #[test]
    fn names_the_field_it_refuses() {
        let cases = [
            (r#"{}"#, "name"),
            (r#"{"name":" "}"#, "name"),
            (r#"{"name":7}"#, "name"),
            (r#"{"name":"A","is_default":"yes"}"#, "is_default"),
            (r#"{"name":"A","colour":"red"}"#, "colour"),
            (r#"{"name":"A","category_access":"all"}"#, "category_access"),
            (
                r#"{"name":"A","category_access":{}}"#,
                "category_access.type",
            ),
            (
                r#"{"name":"A","category_access":{"type":"some"}}"#,
                "category_access.type",
            ),
            (
                r#"{"name":"A","category_access":{"type":"all","categories":[1]}}"#,
                "category_access.categories",
            ),
            (
                r#"{"name":"A","category_access":{"type":"specific","categories":[1,1]}}"#,
                "category_access.categories",
            ),
            (
                r#"{"name":"A","category_access":{"type":"specific","categories":["x"]}}"#,
                "category_access.categories",
            ),
            (
                r#"{"name":"A","category_access":{"type":"all","extra":1}}"#,
                "category_access.extra",
            ),
            (r#"{"name":"A","discount_rules":{}}"#, "discount_rules"),
            (r#"{"name":"A","discount_rules":[1]}"#, "discount_rules[0]"),
            (
                r#"{"name":"A","discount_rules":[{"method":"percent"}]}"#,
                "discount_rules[0].type",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"shipping"}]}"#,
                "discount_rules[0].type",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"all","amount":"5"}]}"#,
                "discount_rules[0].method",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"all","method":"half","amount":"5"}]}"#,
                "discount_rules[0].method",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"all","method":"percent"}]}"#,
                "discount_rules[0].amount",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"all","method":"percent","amount":"150"}]}"#,
                "discount_rules[0].amount",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"all","method":"fixed","amount":-1}]}"#,
                "discount_rules[0].amount",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"all","method":"fixed","amount":"lots"}]}"#,
                "discount_rules[0].amount",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"category","method":"fixed","amount":1}]}"#,
                "discount_rules[0].category_id",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"product","method":"fixed","amount":1,"product_id":0}]}"#,
                "discount_rules[0].product_id",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"all","method":"fixed","amount":1,"product_id":4}]}"#,
                "discount_rules[0].product_id",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"price_list","price_list_id":2,"amount":"1"}]}"#,
                "discount_rules[0].amount",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"price_list"}]}"#,
                "discount_rules[0].price_list_id",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"all","method":"fixed","amount":1,"colour":2}]}"#,
                "discount_rules[0].colour",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"all","method":"fixed","amount":1},{"type":"all","method":"percent","amount":1}]}"#,
                "discount_rules[1]",
            ),
            (
                r#"{"name":"A","discount_rules":[{"type":"category","method":"fixed","amount":1,"category_id":3},{"type":"category","method":"percent","amount":1,"category_id":3}]}"#,
                "discount_rules[1]",
            ),
        ];
        for (body, field) in cases {
            let error = create(body).expect_err(body);
            assert_eq!(error.status, StatusCode::BAD_REQUEST, "{body}");
            assert!(
                error.message.contains(&format!("'{field}'")),
                "{body}: {}",
                error.message
            );
        }
    }

    #[test]
    fn an_update_may_send_any_subset() {
        let fields = parse_group_body(br#"{"is_default":false}"#, false).expect("valid");
        assert_eq!(fields.name, None);
        assert_eq!(fields.is_default, Some(false));
    }
}
