//! Scheduled pulls (automatic publication): a distribution's source in an agency system, run on
//! a cron schedule or by hand, and the history of its runs. The publisher's editors and admins
//! only; database credentials are written, never read back (the connection is shown with its
//! password masked).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use dulieu_app::{App, Page};
use dulieu_core::Error;
use dulieu_core::pull::{PullRun, PullSource, SourceInput};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, JsonObject, PageQuery, parse_id};

/// The sources of a dataset's distributions.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SourceList {
    /// One per distribution that has a source, in the dataset's order.
    pub results: Vec<PullSource>,
}

/// The sources of a dataset's distributions (its publisher's editors and admins).
#[utoipa::path(get, path = "/api/1/datasets/{id_or_slug}/sources", tag = "distributions",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug")),
    security(("bearer" = [])),
    responses((status = 200, body = SourceList), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn of_dataset(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<Json<SourceList>> {
    Ok(Json(SourceList {
        results: app.dataset_pull_sources(&actor, &key).await?,
    }))
}

/// A distribution's source: where it stands (next run, failures in a row, last outcome).
#[utoipa::path(get, path = "/api/1/distributions/{id}/source", tag = "distributions",
    params(("id" = String, Path, description = "Distribution id")),
    security(("bearer" = [])),
    responses((status = 200, body = PullSource), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<PullSource>> {
    let id = parse_id("distribution", &id)?;
    app.pull_source(&actor, id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError(Error::not_found("pull_source", id)))
}

/// Sets up or changes the source of an uploaded distribution: `{"kind": "http", "url",
/// "schedule"}` or `{"kind": "sql", "connection", "query", "file_name", "schedule"}`, and
/// `enabled`. Checked before anything is written (422 with the field): the schedule, the web
/// address against the fetch guard, the database host against `pull.database_networks`. The
/// connection is sealed at rest; leave it out to keep the one saved.
#[utoipa::path(put, path = "/api/1/distributions/{id}/source", tag = "distributions",
    params(("id" = String, Path, description = "Distribution id")),
    request_body = SourceInput, security(("bearer" = [])),
    responses((status = 200, body = PullSource), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn save(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    body: JsonObject,
) -> ApiResult<Json<PullSource>> {
    let id = parse_id("distribution", &id)?;
    let input: SourceInput = body.decode()?;
    Ok(Json(app.save_pull_source(&actor, id, input).await?))
}

/// Removes a distribution's source and its run history; the versions it published stay.
#[utoipa::path(delete, path = "/api/1/distributions/{id}/source", tag = "distributions",
    params(("id" = String, Path, description = "Distribution id")),
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = parse_id("distribution", &id)?;
    app.delete_pull_source(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Runs the source now and answers with the run as it ended (`new_version`, `unchanged`,
/// `not_modified` or `failed` with its error). 409 `source_running` when a run is going on.
#[utoipa::path(post, path = "/api/1/distributions/{id}/source/run", tag = "distributions",
    params(("id" = String, Path, description = "Distribution id")),
    security(("bearer" = [])),
    responses((status = 200, body = PullRun), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn run(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<PullRun>> {
    let id = parse_id("distribution", &id)?;
    Ok(Json(app.run_pull_now(&actor, id).await?))
}

/// The source's runs, newest first: trigger, outcome, duration, bytes, rows, the version
/// published, and the error of a failed run.
#[utoipa::path(get, path = "/api/1/distributions/{id}/source/runs", tag = "distributions",
    params(("id" = String, Path, description = "Distribution id"), PageQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Page<PullRun>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn runs(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<PullRun>>> {
    let id = parse_id("distribution", &id)?;
    Ok(Json(app.pull_runs(&actor, id, query.request()?).await?))
}
