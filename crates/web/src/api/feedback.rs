//! Feedback on datasets: report, list per dataset and per organization (the inbox), read,
//! take an action, hide the distribution concerned pending review; follow a dataset.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use dulieu_app::App;
use dulieu_app::feedback::{FeedbackChange, FeedbackView};
use dulieu_tickets::feedback::FeedbackAction;
use dulieu_tickets::records::{Feedback, FeedbackInput};
use serde::Deserialize;
use uuid::Uuid;

use super::tickets::{Transition, TransitionBody, read_ticket_body};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, parse_id};

/// Feedback tickets of a dataset, newest first.
#[utoipa::path(get, path = "/api/1/datasets/{id_or_slug}/feedback", tag = "feedback",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug")),
    responses((status = 200, body = [Feedback]), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<Json<Vec<Feedback>>> {
    Ok(Json(app.dataset_feedback(&actor, &key).await?))
}

/// A report with attachments, as `multipart/form-data` (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct FeedbackForm {
    /// Kind of problem, sent (like the other text parts) before the files.
    kind: String,
    /// What is wrong.
    description: String,
    /// The distribution concerned, if one.
    distribution_id: Option<String>,
    /// Row/column reference.
    location: Option<String>,
    /// Files (repeat the part for several; `tickets.attachments_per_message` at most, each up
    /// to `tickets.attachment_max_bytes`).
    #[schema(format = Binary, value_type = Vec<String>)]
    file: Vec<Vec<u8>>,
}

/// Reports a problem on a dataset or one of its distributions (signed in): JSON, or
/// `multipart/form-data` with the text parts then `file` parts as attachments (a screenshot,
/// an extract; 422 on `file` past the limits). `personal_data_exposed` is urgent: the
/// publisher's admins and the portal team are told at once, and the deadline is the short one.
#[utoipa::path(post, path = "/api/1/datasets/{id_or_slug}/feedback", tag = "feedback",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug")),
    request_body(content(
        (FeedbackInput = "application/json"),
        (FeedbackForm = "multipart/form-data"),
    )),
    security(("bearer" = [])),
    responses((status = 201, body = Feedback), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
    request: Request,
) -> ApiResult<(StatusCode, Json<Feedback>)> {
    let authorise = app.may_report_feedback(&actor, &key);
    let form = read_ticket_body(&app, request, authorise, |input: &FeedbackInput| {
        Ok(input.clone().validate().map(|_| ())?)
    })
    .await?;
    let ticket = app
        .report_feedback_with(&actor, &key, form.input, form.files)
        .await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

/// Open feedback on an organization's datasets, soonest deadline first (its members and the
/// portal team).
#[utoipa::path(get, path = "/api/1/organizations/{slug}/feedback", tag = "feedback",
    params(("slug" = String, Path, description = "Organization slug")), security(("bearer" = [])),
    responses((status = 200, body = [Feedback]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn inbox(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<Feedback>>> {
    Ok(Json(app.organization_feedback(&actor, &slug).await?))
}

/// One ticket with the caller's possible actions.
#[utoipa::path(get, path = "/api/1/feedback/{id}", tag = "feedback",
    params(("id" = String, Path, description = "Feedback id")),
    responses((status = 200, body = FeedbackView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<FeedbackView>> {
    let id = parse_id("feedback", &id)?;
    Ok(Json(app.get_feedback(&actor, id).await?))
}

/// An action on a ticket.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackActionInput {
    /// `acknowledge`, `start`, `resolve`, `wont_fix`, `mark_duplicate` or `reopen`.
    pub action: FeedbackAction,
    /// Resolution note (resolve) or reason (wont_fix).
    #[serde(default)]
    pub note: Option<String>,
    /// The version that fixes it (resolve).
    #[serde(default)]
    pub version: Option<String>,
    /// The ticket it repeats (mark_duplicate).
    #[serde(default)]
    pub duplicate_of: Option<Uuid>,
}

impl TransitionBody for FeedbackActionInput {
    const TICKET: &'static str = "feedback";
    type Action = FeedbackAction;
    type Change = FeedbackChange;

    fn split(self) -> Result<(FeedbackAction, FeedbackChange), ApiError> {
        let change = FeedbackChange {
            note: self.note,
            version: self.version,
            duplicate_of: self.duplicate_of,
        };
        Ok((self.action, change))
    }
}

/// Takes an action on a ticket: the publisher's editors and the portal team move it; the
/// reporter may reopen it. 403 `forbidden` by role, 409 `illegal_transition` by state.
#[utoipa::path(post, path = "/api/1/feedback/{id}/transitions", tag = "feedback",
    params(("id" = String, Path, description = "Feedback id")),
    request_body = FeedbackActionInput, security(("bearer" = [])),
    responses((status = 200, body = Feedback), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transition(
    State(app): State<App>,
    Caller(actor): Caller,
    Transition { id, action, change }: Transition<FeedbackActionInput>,
) -> ApiResult<Json<Feedback>> {
    Ok(Json(app.act_on_feedback(&actor, id, action, change).await?))
}

/// Hides the distribution a ticket is about, pending review: it is no longer downloadable
/// (409 `hidden_pending_review`). The publisher's editors and the portal team; audited.
#[utoipa::path(put, path = "/api/1/feedback/{id}/hidden", tag = "feedback",
    params(("id" = String, Path, description = "Feedback id")), security(("bearer" = [])),
    responses((status = 200, body = Feedback), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn hide(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Feedback>> {
    let id = parse_id("feedback", &id)?;
    Ok(Json(app.hide_distribution(&actor, id, true).await?))
}

/// Makes the distribution downloadable again.
#[utoipa::path(delete, path = "/api/1/feedback/{id}/hidden", tag = "feedback",
    params(("id" = String, Path, description = "Feedback id")), security(("bearer" = [])),
    responses((status = 200, body = Feedback), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn show(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Feedback>> {
    let id = parse_id("feedback", &id)?;
    Ok(Json(app.hide_distribution(&actor, id, false).await?))
}

/// Follows a dataset: its feedback is notified.
#[utoipa::path(put, path = "/api/1/datasets/{id_or_slug}/follow", tag = "feedback",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug")), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn follow(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<StatusCode> {
    app.follow_dataset(&actor, &key, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stops following a dataset.
#[utoipa::path(delete, path = "/api/1/datasets/{id_or_slug}/follow", tag = "feedback",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug")), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unfollow(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<StatusCode> {
    app.follow_dataset(&actor, &key, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
