//! Harvest sources: other portals' catalogs (a CKAN Action API, a DCAT catalog, a `data.json`)
//! copied in on a schedule, their runs with counts and per-item errors, and a preview of what a
//! source would yield. Sysadmins only.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use dulieu_app::{App, Page};
use dulieu_core::harvest::{
    HarvestOutcome, HarvestPreview, HarvestRun, HarvestSource, HarvestSourceInput,
};
use dulieu_core::{Error, FieldErrors};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, JsonObject, PageQuery};

/// Every harvest source.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct HarvestSourceList {
    /// By title.
    pub results: Vec<HarvestSource>,
}

/// Every harvest source, with where it stands (next run, last outcome, datasets harvested).
#[utoipa::path(get, path = "/api/1/harvest/sources", tag = "harvest",
    security(("bearer" = [])),
    responses((status = 200, body = HarvestSourceList), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Caller(actor): Caller,
) -> ApiResult<Json<HarvestSourceList>> {
    Ok(Json(HarvestSourceList {
        results: app.harvest_sources(&actor).await?,
    }))
}

/// Sets up a harvest source: `slug`, `title`, `kind` (`ckan`, `dcat`, `data-json`), `url`, and
/// optionally `organization` (every dataset goes there; absent: one organization per publisher
/// of the source, of kind `publisher_kind`), `schedule` (cron, `@daily`), `enabled`,
/// `grace_days` (7). Its first run is due at once.
#[utoipa::path(post, path = "/api/1/harvest/sources", tag = "harvest",
    request_body = HarvestSourceInput, security(("bearer" = [])),
    responses((status = 201, body = HarvestSource), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<HarvestSource>)> {
    let input: HarvestSourceInput = body.decode()?;
    let source = app.create_harvest_source(&actor, input).await?;
    Ok((StatusCode::CREATED, Json(source)))
}

/// A harvest source.
#[utoipa::path(get, path = "/api/1/harvest/sources/{id_or_slug}", tag = "harvest",
    params(("id_or_slug" = String, Path, description = "Source id or slug")),
    security(("bearer" = [])),
    responses((status = 200, body = HarvestSource), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<Json<HarvestSource>> {
    Ok(Json(app.harvest_source(&actor, &key).await?))
}

/// Changes a harvest source (JSON merge patch of its writable fields).
#[utoipa::path(patch, path = "/api/1/harvest/sources/{id_or_slug}", tag = "harvest",
    params(("id_or_slug" = String, Path, description = "Source id or slug")),
    request_body = Object, security(("bearer" = [])),
    responses((status = 200, body = HarvestSource), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
    body: JsonObject,
) -> ApiResult<Json<HarvestSource>> {
    Ok(Json(
        app.update_harvest_source(&actor, &key, &body.0).await?,
    ))
}

/// Removes a harvest source and its runs; the datasets harvested stay, no longer harvested.
#[utoipa::path(delete, path = "/api/1/harvest/sources/{id_or_slug}", tag = "harvest",
    params(("id_or_slug" = String, Path, description = "Source id or slug")),
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<StatusCode> {
    app.delete_harvest_source(&actor, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Query of "run now".
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct RunQuery {
    /// Seconds to wait for the run to end, 0 to 300 (default 30).
    pub wait: Option<String>,
}

/// The longest wait "run now" accepts, in seconds.
const MAX_RUN_WAIT: u64 = 300;

impl RunQuery {
    /// The wait, checked (422 `invalid_wait` naming `wait`).
    fn wait(&self) -> Result<std::time::Duration, ApiError> {
        let seconds = match self.wait.as_deref() {
            None => 30,
            Some(raw) => raw
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| *s <= MAX_RUN_WAIT)
                .ok_or_else(|| {
                    let mut errors = FieldErrors::new();
                    errors.add_with("wait", "invalid_wait", "max", MAX_RUN_WAIT);
                    ApiError(Error::Invalid(errors))
                })?,
        };
        Ok(std::time::Duration::from_secs(seconds))
    }
}

/// Starts a run of the source. When it ends within `wait` seconds the answer is 200 with the
/// run as it ended: counts of datasets created, updated, unchanged, archived and failed, the
/// per-item errors, and the error that stopped a failed run. Otherwise it is 202 with the run
/// as it stands (`running`); it goes on in the background and its end shows in the source's
/// runs. 409 `source_running` when a run is going on.
#[utoipa::path(post, path = "/api/1/harvest/sources/{id_or_slug}/run", tag = "harvest",
    params(("id_or_slug" = String, Path, description = "Source id or slug"), RunQuery),
    security(("bearer" = [])),
    responses((status = 200, body = HarvestRun), (status = 202, body = HarvestRun),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn run(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
    Query(query): Query<RunQuery>,
) -> ApiResult<(StatusCode, Json<HarvestRun>)> {
    let run = app.run_harvest_now(&actor, &key, query.wait()?).await?;
    let status = if run.outcome == HarvestOutcome::Running {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(run)))
}

/// The source's runs, newest first.
#[utoipa::path(get, path = "/api/1/harvest/sources/{id_or_slug}/runs", tag = "harvest",
    params(("id_or_slug" = String, Path, description = "Source id or slug"), PageQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Page<HarvestRun>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn runs(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<HarvestRun>>> {
    Ok(Json(
        app.harvest_runs(&actor, &key, query.request()?).await?,
    ))
}

/// What the settings in the body would yield, without writing anything: the first 50 datasets,
/// each with what a run would do (`create`, `update`, `unchanged`), and items that could not be
/// read. 422 `source_unreadable` on `url` when the source cannot be read.
#[utoipa::path(post, path = "/api/1/harvest/preview", tag = "harvest",
    request_body = HarvestSourceInput, security(("bearer" = [])),
    responses((status = 200, body = HarvestPreview), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<Json<HarvestPreview>> {
    let input: HarvestSourceInput = body.decode()?;
    Ok(Json(app.preview_harvest(&actor, input).await?))
}
