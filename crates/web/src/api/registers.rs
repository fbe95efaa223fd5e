//! The license and theme registers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dulieu_app::App;
use dulieu_core::catalog::{License, Theme};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, JsonObject};

/// Every license, with whether it is open.
#[utoipa::path(get, path = "/api/1/licenses", tag = "registers",
    responses((status = 200, body = [License])))]
pub async fn licenses(State(app): State<App>) -> ApiResult<Json<Vec<License>>> {
    Ok(Json(app.licenses().await?))
}

/// Every theme (EU data themes and local themes).
#[utoipa::path(get, path = "/api/1/themes", tag = "registers",
    responses((status = 200, body = [Theme])))]
pub async fn themes(State(app): State<App>) -> ApiResult<Json<Vec<Theme>>> {
    Ok(Json(app.themes().await?))
}

/// Adds a license to the register (sysadmins): `id`, `title` in both languages, `url`, `is_open`.
#[utoipa::path(post, path = "/api/1/licenses", tag = "registers", request_body = License,
    security(("bearer" = [])),
    responses((status = 201, body = License), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_license(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<License>)> {
    body.check_create(&["id", "title", "is_open"], &[])?;
    let license: License = body.decode()?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_license(&actor, license).await?),
    ))
}

/// Adds a local theme to the register (sysadmins): `code`, `label` in both languages.
#[utoipa::path(post, path = "/api/1/themes", tag = "registers", request_body = Theme,
    security(("bearer" = [])),
    responses((status = 201, body = Theme), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_theme(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<Theme>)> {
    body.check_create(&["code", "label"], &["is_eu"])?;
    let mut value = body.0;
    if let Some(fields) = value.as_object_mut() {
        fields.insert("is_eu".into(), serde_json::Value::Bool(false));
    }
    let theme: Theme = dulieu_core::decode::from_json(value).map_err(crate::error::ApiError)?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_theme(&actor, theme).await?),
    ))
}
