//! Datasets.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use dulieu_app::{App, Page};
use dulieu_core::catalog::{Dataset, DatasetInput};
use dulieu_core::event::Event;
use dulieu_core::vocab::DatasetStatus;
use dulieu_core::{Error, FieldErrors};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, JsonObject, PageQuery};

/// Filters and paging of the dataset list.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct DatasetQuery {
    /// Page number, from 1.
    pub page: Option<String>,
    /// Items per page, 1 to 1000 (default 20).
    pub page_size: Option<String>,
    /// Only datasets of this organization (slug).
    pub organization: Option<String>,
    /// Only datasets with this status (`draft`, `published`, `archived`).
    pub status: Option<String>,
}

/// Lists the datasets the caller may see, newest first.
#[utoipa::path(get, path = "/api/1/datasets", tag = "datasets", params(DatasetQuery),
    responses((status = 200, body = Page<Dataset>), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Caller(actor): Caller,
    Query(query): Query<DatasetQuery>,
) -> ApiResult<Json<Page<Dataset>>> {
    let page = PageQuery {
        page: query.page,
        page_size: query.page_size,
    }
    .request()?;
    let status = match query.status.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(DatasetStatus::parse(raw).ok_or_else(|| {
            let mut errors = FieldErrors::new();
            errors.add_with("status", "invalid_value", "detail", raw);
            ApiError(Error::Invalid(errors))
        })?),
    };
    let organization = query.organization.as_deref().filter(|o| !o.is_empty());
    Ok(Json(
        app.list_datasets(&actor, organization, status, page)
            .await?,
    ))
}

/// Creates a dataset (editors and admins of the publisher).
#[utoipa::path(post, path = "/api/1/datasets", tag = "datasets", request_body = DatasetInput,
    security(("bearer" = [])),
    responses((status = 201, body = Dataset), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<Dataset>)> {
    body.check_create(
        &["title", "publisher"],
        dulieu_core::catalog::DATASET_READ_ONLY_FIELDS,
    )?;
    let input: DatasetInput = body.decode()?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_dataset(&actor, input).await?),
    ))
}

/// One dataset by id or slug, with its distributions.
#[utoipa::path(get, path = "/api/1/datasets/{id_or_slug}", tag = "datasets",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug")),
    responses((status = 200, body = Dataset), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<axum::response::Response> {
    let json = app.get_dataset_json(&actor, &key).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        json,
    )
        .into_response())
}

/// Changes a dataset (JSON merge patch; editors and admins of the publisher).
#[utoipa::path(patch, path = "/api/1/datasets/{id_or_slug}", tag = "datasets",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug")),
    request_body = DatasetInput, security(("bearer" = [])),
    responses((status = 200, body = Dataset), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
    body: JsonObject,
) -> ApiResult<Json<Dataset>> {
    Ok(Json(app.update_dataset(&actor, &key, &body.0).await?))
}

/// Deletes a dataset (admins of the publisher). Stored files are kept.
#[utoipa::path(delete, path = "/api/1/datasets/{id_or_slug}", tag = "datasets",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug")), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<StatusCode> {
    app.delete_dataset(&actor, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The change history of a dataset and its distributions, from the event log.
#[utoipa::path(get, path = "/api/1/datasets/{id_or_slug}/history", tag = "datasets",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug"), PageQuery),
    responses((status = 200, body = Page<Event>), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<Event>>> {
    Ok(Json(
        app.dataset_history(&actor, &key, query.request()?).await?,
    ))
}
