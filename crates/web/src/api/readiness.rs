//! Readiness: frameworks, assessments (dimensions[] → questions[] → evidence[]), their
//! comparison and reports, live indicators, and action plans with their Gantt chart. Everyone
//! reads what is published; the portal team (`odtf`) and sysadmins read drafts and write.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use dulieu_app::readiness::{IndicatorFigure, PlanFields};
use dulieu_app::{App, Page};
use dulieu_readiness::assessment::{
    AssessmentHeader, CopyRequest, Evidence, EvidenceInput, NewAssessment,
};
use dulieu_readiness::compare::Comparison;
use dulieu_readiness::framework::Framework;
use dulieu_readiness::gantt;
use dulieu_readiness::plan::{ItemDocument, ItemUpdate, PlanDocument, PlanHeader};
use dulieu_readiness::plan_input::{NewItem, NewPlan};
use dulieu_readiness::report::{self, AssessmentDocument, DimensionDocument, QuestionDocument};
use serde::Serialize;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, JsonObject, PageQuery, current_locale, parse_id};

/// One page of a list held in memory (assessments and plans are few).
fn page_of<T>(all: Vec<T>, query: &PageQuery) -> ApiResult<Page<T>> {
    let request = query.request()?;
    let total = all.len() as i64;
    let results = all
        .into_iter()
        .skip(usize::try_from(request.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(request.page_size).unwrap_or(0))
        .collect();
    Ok(Page::new(results, total, request))
}

/// The frameworks the portal knows (built in, and added as files).
#[utoipa::path(get, path = "/api/1/frameworks", tag = "readiness",
    responses((status = 200, body = [Framework])))]
pub async fn frameworks(State(app): State<App>) -> Json<Vec<Framework>> {
    Json(app.frameworks().all().to_vec())
}

/// The live indicators of the portal with their figures now.
#[utoipa::path(get, path = "/api/1/indicators", tag = "readiness",
    responses((status = 200, body = [IndicatorFigure])))]
pub async fn indicators(State(app): State<App>) -> ApiResult<Json<Vec<IndicatorFigure>>> {
    Ok(Json(app.indicator_figures().await?))
}

/// Assessments the caller may see (drafts for the portal team), newest first.
#[utoipa::path(get, path = "/api/1/assessments", tag = "readiness", params(PageQuery),
    responses((status = 200, body = Page<AssessmentHeader>), (status = 422, body = ErrorBody)))]
pub async fn list_assessments(
    State(app): State<App>,
    Caller(actor): Caller,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<AssessmentHeader>>> {
    Ok(Json(page_of(app.list_assessments(&actor).await?, &query)?))
}

/// Starts a blank assessment of a framework, as a draft (the portal team).
#[utoipa::path(post, path = "/api/1/assessments", tag = "readiness", request_body = NewAssessment,
    security(("bearer" = [])),
    responses((status = 201, body = AssessmentDocument), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_assessment(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<AssessmentDocument>)> {
    body.check_create(
        &["framework", "title", "subject"],
        &["id", "status", "based_on"],
    )?;
    let created = app.create_assessment(&actor, body.decode()?).await?;
    let framework = app
        .frameworks()
        .get(&created.framework, &created.framework_version);
    let framework = framework.ok_or_else(|| ApiError(dulieu_core::Error::internal("framework")))?;
    Ok((
        StatusCode::CREATED,
        Json(report::document(&created, framework)),
    ))
}

/// One assessment: what describes it, its dimensions with their questions and evidence, the
/// evidence balance beside every rating and the ratings given without evidence.
#[utoipa::path(get, path = "/api/1/assessments/{id_or_slug}", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Assessment id or slug")),
    responses((status = 200, body = AssessmentDocument), (status = 404, body = ErrorBody)))]
pub async fn get_assessment(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<Json<AssessmentDocument>> {
    let (assessment, framework) = app.get_assessment(&actor, &key).await?;
    Ok(Json(report::document(&assessment, framework)))
}

/// Changes what describes an assessment: title, subject, status (publish with `published`),
/// dates, assessors, source (JSON merge patch; the portal team).
#[utoipa::path(patch, path = "/api/1/assessments/{id_or_slug}", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Assessment id or slug")),
    request_body = dulieu_readiness::assessment::AssessmentMeta, security(("bearer" = [])),
    responses((status = 200, body = AssessmentDocument), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_assessment(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
    body: JsonObject,
) -> ApiResult<Json<AssessmentDocument>> {
    let updated = app.update_assessment(&actor, &key, &body.0).await?;
    let (assessment, framework) = app.get_assessment(&actor, &updated.id.to_string()).await?;
    Ok(Json(report::document(&assessment, framework)))
}

/// Starts a re-assessment: a draft copy with every rating, commentary and evidence item (the
/// portal team). Compare it with the original through `/comparison`.
#[utoipa::path(post, path = "/api/1/assessments/{id_or_slug}/copies", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Assessment id or slug")),
    request_body = CopyRequest, security(("bearer" = [])),
    responses((status = 201, body = AssessmentDocument), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn copy_assessment(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<AssessmentDocument>)> {
    body.check_create(&["title"], &["id", "status", "based_on"])?;
    let copy = app.copy_assessment(&actor, &key, body.decode()?).await?;
    let (assessment, framework) = app.get_assessment(&actor, &copy.id.to_string()).await?;
    Ok((
        StatusCode::CREATED,
        Json(report::document(&assessment, framework)),
    ))
}

/// Query of a comparison.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct ComparisonQuery {
    /// The earlier assessment (id or slug); the one this assessment was copied from by default.
    pub with: Option<String>,
}

/// What changed since an earlier assessment: per question, the rating before and after and the
/// evidence added and removed (only questions that changed are listed).
#[utoipa::path(get, path = "/api/1/assessments/{id_or_slug}/comparison", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Assessment id or slug"), ComparisonQuery),
    responses((status = 200, body = Comparison), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn comparison(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
    Query(query): Query<ComparisonQuery>,
) -> ApiResult<Json<Comparison>> {
    let (_, _, comparison) = app
        .compare_assessments(&actor, &key, query.with.as_deref())
        .await?;
    Ok(Json(comparison))
}

/// The report of an assessment in Markdown, in the negotiated language (`?lang=en` or
/// `Accept-Language`): summary table, then every dimension with its questions and evidence.
#[utoipa::path(get, path = "/api/1/assessments/{id_or_slug}/report.md", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Assessment id or slug")),
    responses((status = 200, content_type = "text/markdown", body = String), (status = 404, body = ErrorBody)))]
pub async fn markdown_report(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<Response> {
    let (assessment, framework) = app.get_assessment(&actor, &key).await?;
    let document = report::document(&assessment, framework);
    let text = report::markdown(&document, framework, current_locale());
    let disposition = format!("inline; filename=\"{}.md\"", assessment.slug);
    Ok((
        [
            (CONTENT_TYPE, "text/markdown; charset=utf-8".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        text,
    )
        .into_response())
}

/// Rates a question or changes its importance or commentary: JSON merge patch of `rating`
/// (a code of the framework's scale, `null` to remove), `importance` and `commentary`
/// (`{"text", "lang"}`; the portal team).
#[utoipa::path(patch, path = "/api/1/assessments/{id_or_slug}/questions/{question}", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Assessment id or slug"), ("question" = String, Path, description = "Question id, e.g. 4.5")),
    request_body = dulieu_readiness::assessment::Judgement, security(("bearer" = [])),
    responses((status = 200, body = QuestionDocument), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn judge_question(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((key, question)): Path<(String, String)>,
    body: JsonObject,
) -> ApiResult<Json<QuestionDocument>> {
    let assessment = app.judge_question(&actor, &key, &question, &body.0).await?;
    let (assessment, framework) = app
        .get_assessment(&actor, &assessment.id.to_string())
        .await?;
    report::document(&assessment, framework)
        .dimensions
        .into_iter()
        .flat_map(|d| d.questions)
        .find(|q| q.id == question)
        .map(Json)
        .ok_or_else(|| ApiError(dulieu_core::Error::not_found("question", question)))
}

/// Rates a dimension or changes its importance or commentary (as a question; the portal team).
#[utoipa::path(patch, path = "/api/1/assessments/{id_or_slug}/dimensions/{dimension}", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Assessment id or slug"), ("dimension" = String, Path, description = "Dimension id, e.g. 4")),
    request_body = dulieu_readiness::assessment::Judgement, security(("bearer" = [])),
    responses((status = 200, body = DimensionDocument), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn judge_dimension(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((key, dimension)): Path<(String, String)>,
    body: JsonObject,
) -> ApiResult<Json<DimensionDocument>> {
    let assessment = app
        .judge_dimension(&actor, &key, &dimension, &body.0)
        .await?;
    let (assessment, framework) = app
        .get_assessment(&actor, &assessment.id.to_string())
        .await?;
    report::document(&assessment, framework)
        .dimensions
        .into_iter()
        .find(|d| d.id == dimension)
        .map(Json)
        .ok_or_else(|| ApiError(dulieu_core::Error::not_found("dimension", dimension)))
}

/// Adds an evidence item to a question: `sign` (`+`, `-`, `o`), `text`, `lang`, `source`, `url`,
/// `observed_on`; or a live `indicator` of the portal, whose figure is computed now and on each
/// refresh (the portal team).
#[utoipa::path(post, path = "/api/1/assessments/{id_or_slug}/questions/{question}/evidence", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Assessment id or slug"), ("question" = String, Path, description = "Question id")),
    request_body = EvidenceInput, security(("bearer" = [])),
    responses((status = 201, body = Evidence), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_evidence(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((key, question)): Path<(String, String)>,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<Evidence>)> {
    body.check_create(&["sign"], &["id", "live"])?;
    let evidence = app
        .add_evidence(&actor, &key, &question, body.decode()?)
        .await?;
    Ok((StatusCode::CREATED, Json(evidence)))
}

/// Removes an evidence item (the portal team).
#[utoipa::path(delete, path = "/api/1/assessments/{id_or_slug}/evidence/{evidence_id}", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Assessment id or slug"), ("evidence_id" = uuid::Uuid, Path, description = "Evidence id")),
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_evidence(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((key, evidence)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let evidence = parse_id("evidence", &evidence)?;
    app.remove_evidence(&actor, &key, evidence).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many live figures were refreshed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Refreshed {
    /// Live evidence items given a new figure.
    pub refreshed: usize,
}

/// Recomputes the live figures of an assessment (the portal team).
#[utoipa::path(post, path = "/api/1/assessments/{id_or_slug}/live-figures", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Assessment id or slug")), security(("bearer" = [])),
    responses((status = 200, body = Refreshed), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn refresh_live_figures(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<Json<Refreshed>> {
    let refreshed = app.refresh_live_evidence(&actor, &key).await?;
    Ok(Json(Refreshed { refreshed }))
}

/// Action plans the caller may see, newest first.
#[utoipa::path(get, path = "/api/1/action-plans", tag = "readiness", params(PageQuery),
    responses((status = 200, body = Page<PlanHeader>), (status = 422, body = ErrorBody)))]
pub async fn list_plans(
    State(app): State<App>,
    Caller(actor): Caller,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<PlanHeader>>> {
    Ok(Json(page_of(app.list_plans(&actor).await?, &query)?))
}

/// Starts an empty action plan of a framework, as a draft (the portal team): `title`,
/// `framework`, `starts_on` (moved to the first of its month), and optionally `slug`, the
/// `assessment` it answers (id or slug, same framework) and `source`.
#[utoipa::path(post, path = "/api/1/action-plans", tag = "readiness", request_body = NewPlan,
    security(("bearer" = [])),
    responses((status = 201, body = PlanDocument), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_plan(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<PlanDocument>)> {
    body.check_create(
        &["title", "framework", "starts_on"],
        &["id", "status", "items"],
    )?;
    let plan = app.create_plan(&actor, body.decode()?).await?;
    Ok((
        StatusCode::CREATED,
        Json(plan.document(Utc::now().date_naive())),
    ))
}

/// One action plan with its items, their progress notes and the items late today.
#[utoipa::path(get, path = "/api/1/action-plans/{id_or_slug}", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Plan id or slug")),
    responses((status = 200, body = PlanDocument), (status = 404, body = ErrorBody)))]
pub async fn get_plan(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<Json<PlanDocument>> {
    let (plan, _) = app.get_plan(&actor, &key).await?;
    Ok(Json(plan.document(Utc::now().date_naive())))
}

/// Publishes or withdraws a plan, or moves its start: JSON merge patch of `status` and
/// `starts_on` (the portal team).
#[utoipa::path(patch, path = "/api/1/action-plans/{id_or_slug}", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Plan id or slug")),
    request_body = PlanFields, security(("bearer" = [])),
    responses((status = 200, body = PlanDocument), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_plan(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
    body: JsonObject,
) -> ApiResult<Json<PlanDocument>> {
    let plan = app.update_plan(&actor, &key, &body.0).await?;
    Ok(Json(plan.document(Utc::now().date_naive())))
}

/// Sets the status of an action item (`not_started`, `in_progress`, `done`, `blocked`,
/// `dropped`) and/or adds a progress `note`, or moves its `start_month` / `end_month` (the
/// portal team).
#[utoipa::path(patch, path = "/api/1/action-plans/{id_or_slug}/items/{item_id}", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Plan id or slug"), ("item_id" = uuid::Uuid, Path, description = "Item id")),
    request_body = ItemUpdate, security(("bearer" = [])),
    responses((status = 200, body = ItemDocument), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_item(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((key, item)): Path<(String, String)>,
    body: JsonObject,
) -> ApiResult<Json<ItemDocument>> {
    let item = parse_id("action_item", &item)?;
    let updated = app
        .update_action_item(&actor, &key, item, body.decode()?)
        .await?;
    let (plan, _) = app.get_plan(&actor, &key).await?;
    let late = plan.is_late(&updated, Utc::now().date_naive());
    Ok(Json(ItemDocument {
        item: updated,
        late,
    }))
}

/// Adds an item at the end of a plan (the portal team): `dimension` (of the plan's framework),
/// `title`, `start_month`, `end_month`, and optionally `term`, `description`, `lang`,
/// `responsible`, `prerequisites` (ids of items of the same plan), `cost`, `references`,
/// `status`.
#[utoipa::path(post, path = "/api/1/action-plans/{id_or_slug}/items", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Plan id or slug")),
    request_body = NewItem, security(("bearer" = [])),
    responses((status = 201, body = ItemDocument), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_item(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<ItemDocument>)> {
    body.check_create(
        &["dimension", "title", "start_month", "end_month"],
        &["id", "notes", "updated_at"],
    )?;
    let item = app.add_action_item(&actor, &key, body.decode()?).await?;
    let (plan, _) = app.get_plan(&actor, &key).await?;
    let late = plan.is_late(&item, Utc::now().date_naive());
    Ok((StatusCode::CREATED, Json(ItemDocument { item, late })))
}

/// Removes an item with its progress notes (the portal team); items that named it as a
/// prerequisite no longer do.
#[utoipa::path(delete, path = "/api/1/action-plans/{id_or_slug}/items/{item_id}", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Plan id or slug"), ("item_id" = uuid::Uuid, Path, description = "Item id")),
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_item(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((key, item)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let item = parse_id("action_item", &item)?;
    app.remove_action_item(&actor, &key, item).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The Gantt chart of a plan (SVG, by month over Y1–Y3, today's line, late items marked), in the
/// negotiated language.
#[utoipa::path(get, path = "/api/1/action-plans/{id_or_slug}/gantt.svg", tag = "readiness",
    params(("id_or_slug" = String, Path, description = "Plan id or slug")),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 404, body = ErrorBody)))]
pub async fn gantt_svg(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<Response> {
    let (plan, framework) = app.get_plan(&actor, &key).await?;
    let today = Utc::now().date_naive();
    let labels = gantt::labels(&plan, framework, today, current_locale());
    let svg = gantt::render(&plan, today, &labels, "gantt");
    Ok(([(CONTENT_TYPE, "image/svg+xml; charset=utf-8")], svg).into_response())
}
