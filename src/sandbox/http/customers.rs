//! `/customers`, `/customers/count`, `/customers/{id}` and `/customers/{id}/validate`.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::body::Body;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::super::body::{parse_customer_body, parse_validate_body};
use super::super::error::ErrorAnswer;
use super::super::filter::{parse_collection_query, refuse_parameters};
use super::super::store::WriteError;
use super::protocol::read_json_body;
use super::routes::Resource;
use super::{Call, blocking, list_json, ok_json, storage_failure, unexpected, write_blocking};
use crate::dates::now_unix;

pub(super) async fn serve(
    call: &Call<'_>,
    resource: Resource,
    body: Body,
) -> Result<Response, ErrorAnswer> {
    let (state, query, headers) = (call.state, call.query, &call.parts.headers);
    match (resource, call.method.clone()) {
        (Resource::Customers, Method::GET) => {
            let request = parse_collection_query(query)?;
            let customers = blocking(state, move |store| {
                store.list(&request.filter, request.paging)
            })
            .await?;
            Ok(list_json(
                customers
                    .iter()
                    .map(|customer| customer.to_json(call.base_url))
                    .collect(),
            ))
        }
        (Resource::Count, Method::GET) => {
            let request = parse_collection_query(query)?;
            let count = blocking(state, move |store| store.count(&request.filter)).await?;
            Ok(ok_json(StatusCode::OK, &json!({ "count": count })))
        }
        (Resource::Customers, Method::DELETE) => {
            let request = parse_collection_query(query)?;
            let paging = request.paging.explicit.then_some(request.paging);
            let deleted = blocking(state, move |store| {
                store.delete_matching(&request.filter, paging)
            })
            .await?;
            tracing::info!(deleted, "sandbox bulk delete");
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        (Resource::Customers, Method::POST) => {
            refuse_parameters(query)?;
            let bytes = read_json_body(headers, body).await?;
            let request = parse_customer_body(&bytes, true)?;
            let email = request.fields.email.clone().unwrap_or_default();
            let created = write_blocking(state, move |store| {
                let hash = request.password.as_deref().map(hash_password).transpose()?;
                store.create(&request.fields, hash.as_deref(), now_unix())
            })
            .await
            .map_err(|error| write_error(error, &email))?;
            Ok(ok_json(
                StatusCode::CREATED,
                &created.to_json(call.base_url),
            ))
        }
        (Resource::Customer(id), Method::GET) => {
            refuse_parameters(query)?;
            let id = id.ok_or_else(ErrorAnswer::not_found)?;
            let customer = blocking(state, move |store| store.get(id)).await?;
            let customer = customer.ok_or_else(ErrorAnswer::not_found)?;
            Ok(ok_json(StatusCode::OK, &customer.to_json(call.base_url)))
        }
        (Resource::Customer(id), Method::PUT) => {
            refuse_parameters(query)?;
            let bytes = read_json_body(headers, body).await?;
            let request = parse_customer_body(&bytes, false)?;
            let id = id.ok_or_else(ErrorAnswer::not_found)?;
            let email = request.fields.email.clone().unwrap_or_default();
            let updated = write_blocking(state, move |store| {
                let hash = request.password.as_deref().map(hash_password).transpose()?;
                store.update(id, &request.fields, hash.as_deref(), now_unix())
            })
            .await
            .map_err(|error| write_error(error, &email))?;
            let updated = updated.ok_or_else(ErrorAnswer::not_found)?;
            Ok(ok_json(StatusCode::OK, &updated.to_json(call.base_url)))
        }
        (Resource::Customer(id), Method::DELETE) => {
            refuse_parameters(query)?;
            let id = id.ok_or_else(ErrorAnswer::not_found)?;
            if blocking(state, move |store| store.delete(id)).await? {
                Ok(StatusCode::NO_CONTENT.into_response())
            } else {
                Err(ErrorAnswer::not_found())
            }
        }
        (Resource::Validate(id), Method::POST) => {
            refuse_parameters(query)?;
            let bytes = read_json_body(headers, body).await?;
            let password = parse_validate_body(&bytes)?;
            let id = id.ok_or_else(ErrorAnswer::not_found)?;
            let hash = blocking(state, move |store| store.password_hash(id)).await?;
            let hash = hash.ok_or_else(ErrorAnswer::not_found)?;
            let success = match hash {
                Some(hash) => {
                    tokio::task::spawn_blocking(move || password_matches(&password, &hash))
                        .await
                        .unwrap_or(false)
                }
                None => false, // generated by the store and never disclosed: nothing can match
            };
            Ok(ok_json(StatusCode::OK, &json!({ "success": success })))
        }
        (resource, _) => Err(ErrorAnswer::method_not_allowed(resource.allowed_methods())),
    }
}

fn write_error(error: WriteError, email: &str) -> ErrorAnswer {
    match error {
        WriteError::DuplicateEmail => ErrorAnswer::duplicate_email(email),
        WriteError::UnknownGroup => ErrorAnswer::invalid_field(
            "customer_group_id",
            "must be the id of an existing customer group, or 0 for none",
        ),
        WriteError::DuplicateGroupName => unexpected(error),
        WriteError::Storage(error) => storage_failure(error),
    }
}

fn hash_password(password: &str) -> Result<String, WriteError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| WriteError::Storage(rusqlite::Error::InvalidQuery))
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}
