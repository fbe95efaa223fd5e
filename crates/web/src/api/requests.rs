//! Data requests: file, list (filters: state, organization, overdue, mine), read with timeline
//! and thread, take an action of the state machine, post messages, vote and follow, confirm an
//! anonymous request, and the response statistics (JSON and CSV).

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use dulieu_app::requests::{
    ActionInput, Mark, RequestQuery, RequestView, Statistics, check_message_body,
};
use dulieu_app::{App, Page};
use dulieu_core::Error;
use dulieu_tickets::records::{DataRequest, Message, RequestInput};
use dulieu_tickets::request::{RequestAction, RequestState};
use dulieu_tickets::stats::RequestStats;
use serde::Deserialize;

use super::tickets::{Transition, TransitionBody, read_ticket_body};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, JsonObject, PageQuery, current_locale, parse_id};

/// Filters of the request list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Only in this state (`submitted`, `awaiting_response`, …).
    pub state: Option<String>,
    /// Only assigned to this organization (slug or id).
    pub organization: Option<String>,
    /// `true`: only those past their deadline.
    pub overdue: Option<String>,
    /// `true`: only the caller's own.
    pub mine: Option<String>,
    /// `deadline`: soonest deadline first (default: newest first).
    pub sort: Option<String>,
    /// Page number, from 1.
    pub page: Option<String>,
    /// Items per page.
    pub page_size: Option<String>,
}

/// 422 `invalid_value` on `field`, naming the accepted values.
pub(crate) fn invalid_value(field: &'static str, accepted: &str) -> ApiError {
    let mut errors = dulieu_core::FieldErrors::new();
    errors.add_with(field, "invalid_value", "detail", accepted);
    ApiError(Error::Invalid(errors))
}

pub(crate) fn flag(name: &'static str, raw: &Option<String>) -> Result<bool, ApiError> {
    match raw.as_deref() {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(invalid_value(name, "true, false")),
    }
}

impl ListQuery {
    /// The app's query, naming the offending parameter (422).
    pub fn parse(&self) -> Result<RequestQuery, ApiError> {
        let state = match self.state.as_deref().filter(|s| !s.is_empty()) {
            Some(text) => Some(RequestState::parse(text).ok_or_else(|| {
                let states: Vec<&str> = RequestState::ALL.iter().map(|s| s.as_str()).collect();
                invalid_value("state", &states.join(", "))
            })?),
            None => None,
        };
        let by_deadline = match self.sort.as_deref() {
            None | Some("") | Some("newest") => false,
            Some("deadline") => true,
            Some(_) => return Err(invalid_value("sort", "newest, deadline")),
        };
        Ok(RequestQuery {
            state,
            organization: self.organization.clone().filter(|s| !s.is_empty()),
            overdue: flag("overdue", &self.overdue)?,
            mine: flag("mine", &self.mine)?,
            by_deadline,
        })
    }
}

/// Requests the caller may see: public ones, their own, those assigned to their
/// organizations, and all of them for the portal team.
#[utoipa::path(get, path = "/api/1/requests", tag = "requests", params(ListQuery),
    responses((status = 200, body = Page<DataRequest>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Caller(actor): Caller,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Page<DataRequest>>> {
    let page = PageQuery {
        page: query.page.clone(),
        page_size: query.page_size.clone(),
    }
    .request()?;
    Ok(Json(
        app.list_requests(&actor, &query.parse()?, page).await?,
    ))
}

/// Files a data request. Signed in, or anonymous with an `email` that must be confirmed
/// through the link sent to it before the request is shown.
#[utoipa::path(post, path = "/api/1/requests", tag = "requests", request_body = RequestInput,
    responses((status = 201, body = DataRequest), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<DataRequest>)> {
    let request = app
        .file_request(&actor, body.decode()?, current_locale())
        .await?;
    Ok((StatusCode::CREATED, Json(request)))
}

/// The secret of a confirmation e-mail.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    /// The secret from the link.
    pub token: String,
}

/// Confirms an anonymous request with the secret sent by e-mail.
#[utoipa::path(post, path = "/api/1/requests/confirmations", tag = "requests", request_body = Confirmation,
    responses((status = 200, body = DataRequest), (status = 404, body = ErrorBody)))]
pub async fn confirm(State(app): State<App>, body: JsonObject) -> ApiResult<Json<DataRequest>> {
    let confirmation: Confirmation = body.decode()?;
    Ok(Json(app.confirm_request(&confirmation.token).await?))
}

/// One request with its timeline, public thread and the caller's possible actions.
#[utoipa::path(get, path = "/api/1/requests/{id}", tag = "requests",
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = RequestView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<RequestView>> {
    let id = parse_id("request", &id)?;
    Ok(Json(app.get_request(&actor, id).await?))
}

/// Takes an action of the state machine (`action` names it; each needs its fields: `assign`
/// an `organization`, `refuse` a `reason` and `legal_basis`, `accept` a `planned_date`,
/// `fulfil` a `dataset` or `link`, `ask_clarification`/`clarify`/`extend_deadline` a `note`).
/// 403 `forbidden` when the caller's role may not take it, 409 `illegal_transition` when the
/// state does not allow it, 409 `deadline_passed`/`already_extended` for late or repeated
/// extensions.
#[utoipa::path(post, path = "/api/1/requests/{id}/transitions", tag = "requests",
    params(("id" = String, Path, description = "Request id")),
    request_body = ActionInput, security(("bearer" = [])),
    responses((status = 200, body = DataRequest), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transition(
    State(app): State<App>,
    Caller(actor): Caller,
    Transition { id, action, change }: Transition<ActionInput>,
) -> ApiResult<Json<DataRequest>> {
    Ok(Json(app.act_on_request(&actor, id, action, change).await?))
}

impl TransitionBody for ActionInput {
    const TICKET: &'static str = "request";
    type Action = RequestAction;
    type Change = ActionInput;

    /// The action taken out of the body; the rest goes with it.
    fn split(mut self) -> Result<(RequestAction, ActionInput), ApiError> {
        let action = self
            .action
            .take()
            .ok_or_else(|| ApiError(Error::invalid("action", "required")))?;
        Ok((action, self))
    }
}

/// A message to a request's thread.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    /// The text.
    pub body: String,
}

/// A message with attachments, as `multipart/form-data` (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct MessageForm {
    /// The text, sent before the files.
    body: String,
    /// Files (repeat the part for several; `tickets.attachments_per_message` at most, each up
    /// to `tickets.attachment_max_bytes`).
    #[schema(format = Binary, value_type = Vec<String>)]
    file: Vec<Vec<u8>>,
}

/// Posts to a request's public thread (signed-in callers who may see it): JSON, or
/// `multipart/form-data` with the `body` part then `file` parts as attachments (422 on `file`:
/// `too_many_files`, `file_too_large`, `too_long` name; nothing is posted then).
#[utoipa::path(post, path = "/api/1/requests/{id}/messages", tag = "requests",
    params(("id" = String, Path, description = "Request id")),
    request_body(content(
        (MessageInput = "application/json"),
        (MessageForm = "multipart/form-data"),
    )),
    security(("bearer" = [])),
    responses((status = 201, body = Message), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_message(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let id = parse_id("request", &id)?;
    let authorise = app.may_post_request_message(&actor, id);
    let form = read_ticket_body(&app, request, authorise, |m: &MessageInput| {
        check_message_body(&m.body)
    })
    .await?;
    let message = app
        .post_request_message_with(&actor, id, &form.input.body, form.files)
        .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

async fn mark(
    app: &App,
    actor: &dulieu_core::account::Actor,
    id: &str,
    mark: Mark,
    on: bool,
) -> ApiResult<Json<DataRequest>> {
    let id = parse_id("request", id)?;
    Ok(Json(app.mark_request(actor, id, mark, on).await?))
}

/// Votes for a request ("I need this too").
#[utoipa::path(put, path = "/api/1/requests/{id}/vote", tag = "requests",
    params(("id" = String, Path, description = "Request id")), security(("bearer" = [])),
    responses((status = 200, body = DataRequest), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn vote(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<DataRequest>> {
    mark(&app, &actor, &id, Mark::Vote, true).await
}

/// Takes a vote back.
#[utoipa::path(delete, path = "/api/1/requests/{id}/vote", tag = "requests",
    params(("id" = String, Path, description = "Request id")), security(("bearer" = [])),
    responses((status = 200, body = DataRequest), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unvote(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<DataRequest>> {
    mark(&app, &actor, &id, Mark::Vote, false).await
}

/// Follows a request (its changes are notified).
#[utoipa::path(put, path = "/api/1/requests/{id}/follow", tag = "requests",
    params(("id" = String, Path, description = "Request id")), security(("bearer" = [])),
    responses((status = 200, body = DataRequest), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn follow(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<DataRequest>> {
    mark(&app, &actor, &id, Mark::Follow, true).await
}

/// Stops following a request.
#[utoipa::path(delete, path = "/api/1/requests/{id}/follow", tag = "requests",
    params(("id" = String, Path, description = "Request id")), security(("bearer" = [])),
    responses((status = 200, body = DataRequest), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unfollow(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<DataRequest>> {
    mark(&app, &actor, &id, Mark::Follow, false).await
}

/// Response statistics, overall and per organization: received, answered, fulfilled,
/// refused by reason, median and 90th-percentile response time in working days, share answered
/// on time, backlog and overdue.
#[utoipa::path(get, path = "/api/1/requests/statistics", tag = "requests",
    responses((status = 200, body = Statistics)))]
pub async fn statistics(State(app): State<App>) -> ApiResult<Json<Statistics>> {
    Ok(Json(app.request_statistics().await?))
}

/// The statistics as CSV, one row for all requests then one per organization.
#[utoipa::path(get, path = "/api/1/requests/statistics.csv", tag = "requests",
    responses((status = 200, content_type = "text/csv", body = String)))]
pub async fn statistics_csv(State(app): State<App>) -> ApiResult<Response> {
    let stats = app.request_statistics().await?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"request-statistics.csv\"",
            ),
        ],
        statistics_to_csv(&stats),
    )
        .into_response())
}

/// Quotes a CSV field when it needs it (RFC 4180).
pub(crate) fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The CSV document of the statistics (refusal reasons as one column each).
pub fn statistics_to_csv(stats: &Statistics) -> String {
    let reasons: Vec<&str> = dulieu_tickets::request::RefusalReason::ALL
        .iter()
        .map(|r| r.as_str())
        .collect();
    let mut out = String::from(
        "organization,name_vi,name_en,received,answered,fulfilled,partially_fulfilled,refused",
    );
    for reason in &reasons {
        out.push_str(&format!(",refused_{reason}"));
    }
    out.push_str(
        ",withdrawn,median_response_days,p90_response_days,on_time_share,backlog,overdue\r\n",
    );
    let row = |out: &mut String, slug: &str, vi: &str, en: &str, s: &RequestStats| {
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}",
            csv_field(slug),
            csv_field(vi),
            csv_field(en),
            s.received,
            s.answered,
            s.fulfilled,
            s.partially_fulfilled,
            s.refused
        ));
        for reason in &reasons {
            out.push_str(&format!(
                ",{}",
                s.refused_by_reason.get(*reason).copied().unwrap_or(0)
            ));
        }
        out.push_str(&format!(
            ",{},{},{},{},{},{}\r\n",
            s.withdrawn,
            opt(s.median_response_days),
            opt(s.p90_response_days),
            s.on_time_share
                .map(|v| format!("{v:.3}"))
                .unwrap_or_default(),
            s.backlog,
            s.overdue
        ));
    };
    row(&mut out, "", "Tất cả", "All", &stats.overall);
    for org in &stats.organizations {
        row(&mut out, &org.slug, &org.name_vi, &org.name_en, &org.stats);
    }
    out
}
