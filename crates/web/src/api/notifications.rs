//! The caller's notification center and notification settings.

use axum::Json;
use axum::extract::State;
use dulieu_app::App;
use dulieu_app::notification_center::{Center, NotificationSettings};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, JsonObject};

/// The caller's latest notifications, newest first, and the unread count.
#[utoipa::path(get, path = "/api/1/notifications", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Center), (status = 401, body = ErrorBody)))]
pub async fn center(State(app): State<App>, Caller(actor): Caller) -> ApiResult<Json<Center>> {
    Ok(Json(app.notification_center(&actor).await?))
}

/// Which notifications to mark read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadInput {
    /// One notification; all of them when absent.
    #[serde(default)]
    pub id: Option<Uuid>,
}

/// How many were marked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReadOutcome {
    /// Notifications marked read.
    pub marked: u64,
}

/// Marks one or all of the caller's notifications read.
#[utoipa::path(post, path = "/api/1/notifications/read", tag = "notifications", request_body = ReadInput,
    security(("bearer" = [])), responses((status = 200, body = ReadOutcome), (status = 401, body = ErrorBody)))]
pub async fn mark_read(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<Json<ReadOutcome>> {
    let input: ReadInput = body.decode()?;
    let marked = app.mark_notifications_read(&actor, input.id).await?;
    Ok(Json(ReadOutcome { marked }))
}

/// The caller's notification settings.
#[utoipa::path(get, path = "/api/1/notifications/settings", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = NotificationSettings), (status = 401, body = ErrorBody)))]
pub async fn settings(
    State(app): State<App>,
    Caller(actor): Caller,
) -> ApiResult<Json<NotificationSettings>> {
    Ok(Json(app.notification_settings(&actor).await?))
}

/// Saves the caller's notification settings.
#[utoipa::path(put, path = "/api/1/notifications/settings", tag = "notifications", request_body = NotificationSettings,
    security(("bearer" = [])), responses((status = 200, body = NotificationSettings), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_settings(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<Json<NotificationSettings>> {
    Ok(Json(
        app.save_notification_settings(&actor, body.decode()?)
            .await?,
    ))
}
