//! `/customers/{id}/addresses`, `…/addresses/count` and `…/addresses/{address_id}`. A customer
//! who does not exist answers 404 on every one of them, as does another customer's address.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::super::address_body::parse_address_body;
use super::super::error::ErrorAnswer;
use super::super::filter::{parse_paging_query, refuse_parameters};
use super::protocol::read_json_body;
use super::routes::Resource;
use super::{Call, blocking, list_json, ok_json};

pub(super) async fn serve(
    call: &Call<'_>,
    resource: Resource,
    body: Body,
) -> Result<Response, ErrorAnswer> {
    let (state, query, headers) = (call.state, call.query, &call.parts.headers);
    let found = |id: Option<i64>| id.ok_or_else(ErrorAnswer::not_found);
    match (resource, call.method.clone()) {
        (Resource::Addresses(customer), Method::GET) => {
            let paging = parse_paging_query(query)?;
            let customer = found(customer)?;
            let addresses =
                blocking(state, move |store| store.list_addresses(customer, paging)).await?;
            let addresses = addresses.ok_or_else(ErrorAnswer::not_found)?;
            Ok(list_json(addresses.iter().map(|a| a.to_json()).collect()))
        }
        (Resource::AddressCount(customer), Method::GET) => {
            // Paging is accepted (the spec lists it) and, for a count, changes nothing.
            parse_paging_query(query)?;
            let customer = found(customer)?;
            let count = blocking(state, move |store| store.count_addresses(customer)).await?;
            let count = count.ok_or_else(ErrorAnswer::not_found)?;
            Ok(ok_json(StatusCode::OK, &json!({ "count": count })))
        }
        (Resource::Addresses(customer), Method::POST) => {
            refuse_parameters(query)?;
            let bytes = read_json_body(headers, body).await?;
            let fields = parse_address_body(&bytes, true)?;
            let customer = found(customer)?;
            let created =
                blocking(state, move |store| store.create_address(customer, &fields)).await?;
            let created = created.ok_or_else(ErrorAnswer::not_found)?;
            Ok(ok_json(StatusCode::CREATED, &created.to_json()))
        }
        (Resource::Addresses(customer), Method::DELETE) => {
            // With page or limit, only that page of the addresses goes, as for customers.
            let paging = parse_paging_query(query)?;
            let paging = paging.explicit.then_some(paging);
            let customer = found(customer)?;
            let deleted =
                blocking(state, move |store| store.delete_addresses(customer, paging)).await?;
            deleted.ok_or_else(ErrorAnswer::not_found)?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        (Resource::Address(customer, address), Method::GET) => {
            refuse_parameters(query)?;
            let (customer, address) = (found(customer)?, found(address)?);
            let found = blocking(state, move |store| store.get_address(customer, address)).await?;
            let found = found.ok_or_else(ErrorAnswer::not_found)?;
            Ok(ok_json(StatusCode::OK, &found.to_json()))
        }
        (Resource::Address(customer, address), Method::PUT) => {
            refuse_parameters(query)?;
            let bytes = read_json_body(headers, body).await?;
            let fields = parse_address_body(&bytes, false)?;
            let (customer, address) = (found(customer)?, found(address)?);
            let updated = blocking(state, move |store| {
                store.update_address(customer, address, &fields)
            })
            .await?;
            let updated = updated.ok_or_else(ErrorAnswer::not_found)?;
            Ok(ok_json(StatusCode::OK, &updated.to_json()))
        }
        (Resource::Address(customer, address), Method::DELETE) => {
            refuse_parameters(query)?;
            let (customer, address) = (found(customer)?, found(address)?);
            if blocking(state, move |store| store.delete_address(customer, address)).await? {
                Ok(StatusCode::NO_CONTENT.into_response())
            } else {
                Err(ErrorAnswer::not_found())
            }
        }
        (resource, _) => Err(ErrorAnswer::method_not_allowed(resource.allowed_methods())),
    }
}
