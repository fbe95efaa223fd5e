//! The license and theme registers.

use axum::Json;
use axum::extract::State;
use dulieu_app::App;
use dulieu_core::catalog::{License, Theme};

use crate::error::ApiResult;

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
