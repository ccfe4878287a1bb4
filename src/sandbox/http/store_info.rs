//! `/store`: what the store says of itself, as BigCommerce's Store Information API answers.
//! Its id is made once for the database, so that files kept about a sandbox store are never
//! taken for another's.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::super::error::ErrorAnswer;
use super::super::filter::refuse_parameters;
use super::{Call, blocking, ok_json};

pub(super) async fn serve(call: &Call<'_>) -> Result<Response, ErrorAnswer> {
    if call.method != Method::GET {
        return Err(ErrorAnswer::method_not_allowed(
            super::routes::Resource::StoreInfo.allowed_methods(),
        ));
    }
    refuse_parameters(call.query)?;
    let id = blocking(call.state, |store| store.store_id()).await?;
    // The store's web address is where it is reached: the host and port of this sandbox.
    let site = call
        .base_url
        .split_once("://")
        .map_or(call.base_url, |(_, rest)| rest);
    let domain = site.split('/').next().unwrap_or(site);
    let origin = format!("http://{domain}");
    Ok(ok_json(
        StatusCode::OK,
        &json!({
            "id": id,
            "domain": domain,
            "secure_url": origin,
            "control_panel_base_url": origin,
            "status": "live",
            "name": "Sandbox store",
            "first_name": "Sandbox",
            "last_name": "Owner",
            "address": "",
            "country": "United States",
            "country_code": "US",
            "phone": "",
            "admin_email": "owner@sandbox.example",
            "order_email": "orders@sandbox.example",
            "timezone": {"name": "Etc/UTC", "raw_offset": 0, "dst_offset": 0, "dst_correction": false},
            "language": "en",
            "currency": "USD",
            "currency_symbol": "$",
            "decimal_separator": ".",
            "thousands_separator": ",",
            "decimal_places": 2,
            "dimension_decimal_places": 2,
            "dimension_decimal_token": ".",
            "dimension_thousands_token": ",",
            "plan_name": "Sandbox",
            "plan_level": "Sandbox",
            "industry": "",
            "logo": [],
            "is_price_entered_with_tax": false,
            "active_comparison_modules": [],
            "features": {"stencil_enabled": false}
        }),
    ))
}
