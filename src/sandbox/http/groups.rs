//! `/customer_groups`, `/customer_groups/count` and `/customer_groups/{id}`.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::super::error::ErrorAnswer;
use super::super::filter::refuse_parameters;
use super::super::group_body::parse_group_body;
use super::super::group_filter::parse_group_query;
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
        (Resource::Groups, Method::GET) => {
            let request = parse_group_query(query)?;
            let groups = blocking(state, move |store| {
                store.list_groups(&request.filter, request.paging)
            })
            .await?;
            Ok(list_json(
                groups.iter().map(|group| group.to_json()).collect(),
            ))
        }
        (Resource::GroupCount, Method::GET) => {
            let request = parse_group_query(query)?;
            let count = blocking(state, move |store| store.count_groups(&request.filter)).await?;
            Ok(ok_json(StatusCode::OK, &json!({ "count": count })))
        }
        (Resource::Groups, Method::POST) => {
            refuse_parameters(query)?;
            let bytes = read_json_body(headers, body).await?;
            let fields = parse_group_body(&bytes, true)?;
            let name = fields.name.clone().unwrap_or_default();
            let created =
                write_blocking(state, move |store| store.create_group(&fields, now_unix()))
                    .await
                    .map_err(|error| write_error(error, &name))?;
            Ok(ok_json(StatusCode::CREATED, &created.to_json()))
        }
        (Resource::Group(id), Method::GET) => {
            refuse_parameters(query)?;
            let id = id.ok_or_else(ErrorAnswer::not_found)?;
            let group = blocking(state, move |store| store.get_group(id)).await?;
            let group = group.ok_or_else(ErrorAnswer::not_found)?;
            Ok(ok_json(StatusCode::OK, &group.to_json()))
        }
        (Resource::Group(id), Method::PUT) => {
            refuse_parameters(query)?;
            let bytes = read_json_body(headers, body).await?;
            let fields = parse_group_body(&bytes, false)?;
            let id = id.ok_or_else(ErrorAnswer::not_found)?;
            let name = fields.name.clone().unwrap_or_default();
            let updated = write_blocking(state, move |store| {
                store.update_group(id, &fields, now_unix())
            })
            .await
            .map_err(|error| write_error(error, &name))?;
            let updated = updated.ok_or_else(ErrorAnswer::not_found)?;
            Ok(ok_json(StatusCode::OK, &updated.to_json()))
        }
        (Resource::Group(id), Method::DELETE) => {
            refuse_parameters(query)?;
            let id = id.ok_or_else(ErrorAnswer::not_found)?;
            if blocking(state, move |store| store.delete_group(id, now_unix())).await? {
                Ok(StatusCode::NO_CONTENT.into_response())
            } else {
                Err(ErrorAnswer::not_found())
            }
        }
        (resource, _) => Err(ErrorAnswer::method_not_allowed(resource.allowed_methods())),
    }
}

fn write_error(error: WriteError, name: &str) -> ErrorAnswer {
    match error {
        WriteError::DuplicateGroupName => ErrorAnswer::duplicate_group_name(name),
        WriteError::DuplicateEmail | WriteError::UnknownGroup => unexpected(error),
        WriteError::Storage(error) => storage_failure(error),
    }
}
