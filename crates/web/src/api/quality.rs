//! The watchdog: a dataset's quality report (and a new check on demand), an organization's
//! scorecard, the national league table, and every finding on public datasets as open data
//! (JSON and CSV). Texts are in the caller's language (`?lang=` or `Accept-Language`); the open
//! data carries both.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use dulieu_app::App;
use dulieu_app::quality::views::{DatasetQuality, FindingRow, LeagueEntry, OrganizationQuality};
use serde::Deserialize;

use super::requests::csv_field;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, current_locale};

/// A dataset's quality: every finding with how to fix it, the scores (EU MQA, udata, 5-star,
/// GODI, ODI), its history and the watchdog's open tickets. Checked now when it never was.
/// 404 when the caller may not see the dataset.
#[utoipa::path(get, path = "/api/1/datasets/{id_or_slug}/quality", tag = "quality",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug")),
    responses((status = 200, body = DatasetQuality), (status = 404, body = ErrorBody)))]
pub async fn dataset(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<Json<DatasetQuality>> {
    Ok(Json(
        app.dataset_quality(&actor, &key, current_locale()).await?,
    ))
}

/// Checks a dataset again now and returns its new report (the publisher's editors and admins,
/// the portal team). Tickets are opened and closed as after any check.
#[utoipa::path(post, path = "/api/1/datasets/{id_or_slug}/quality", tag = "quality",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug")),
    security(("bearer" = [])),
    responses((status = 200, body = DatasetQuality), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn recheck(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
) -> ApiResult<Json<DatasetQuality>> {
    Ok(Json(
        app.recheck_dataset(&actor, &key, current_locale()).await?,
    ))
}

/// An organization's scorecard: averages, datasets per MQA band and per star level, violations
/// by rule, the daily trend and every dataset counted. Public datasets only, unless the caller
/// is a member or of the portal team.
#[utoipa::path(get, path = "/api/1/organizations/{slug}/quality", tag = "quality",
    params(("slug" = String, Path, description = "Organization slug")),
    responses((status = 200, body = OrganizationQuality), (status = 404, body = ErrorBody)))]
pub async fn organization(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<OrganizationQuality>> {
    Ok(Json(
        app.organization_quality(&actor, &slug, current_locale())
            .await?,
    ))
}

/// The national league table: every organization with checked public datasets, best average
/// MQA points first.
#[utoipa::path(get, path = "/api/1/quality/organizations", tag = "quality",
    responses((status = 200, body = [LeagueEntry])))]
pub async fn league(State(app): State<App>) -> ApiResult<Json<Vec<LeagueEntry>>> {
    Ok(Json(app.quality_league().await?))
}

/// Filter of the findings.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct FindingsQuery {
    /// Only the datasets of this organization (slug).
    pub organization: Option<String>,
}

impl FindingsQuery {
    fn organization(&self) -> Option<&str> {
        self.organization.as_deref().filter(|s| !s.is_empty())
    }

    /// The download's file name: `quality-findings[-<organization>].<extension>`.
    fn disposition(&self, extension: &str) -> String {
        let suffix = self
            .organization()
            .filter(|s| {
                s.len() <= 100
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
            .map(|s| format!("-{s}"))
            .unwrap_or_default();
        format!("attachment; filename=\"quality-findings{suffix}.{extension}\"")
    }
}

/// Every finding on public datasets (of one organization with `organization`), as open data,
/// with the message in Vietnamese and in English. 404 for an unknown organization.
#[utoipa::path(get, path = "/api/1/quality/findings.json", tag = "quality", params(FindingsQuery),
    responses((status = 200, body = [FindingRow]), (status = 404, body = ErrorBody)))]
pub async fn findings_json(
    State(app): State<App>,
    Query(query): Query<FindingsQuery>,
) -> ApiResult<Response> {
    let rows = app.quality_findings(query.organization()).await?;
    Ok((
        [(CONTENT_DISPOSITION, query.disposition("json"))],
        Json(rows),
    )
        .into_response())
}

/// The findings as CSV (RFC 4180, a header row then a row per finding).
#[utoipa::path(get, path = "/api/1/quality/findings.csv", tag = "quality", params(FindingsQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
pub async fn findings_csv(
    State(app): State<App>,
    Query(query): Query<FindingsQuery>,
) -> ApiResult<Response> {
    let rows = app.quality_findings(query.organization()).await?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (CONTENT_DISPOSITION, query.disposition("csv")),
        ],
        findings_to_csv(&rows),
    )
        .into_response())
}

/// The CSV document of the findings.
pub fn findings_to_csv(rows: &[FindingRow]) -> String {
    let mut out = String::from(
        "dataset_id,dataset,organization,checked_at,rule,severity,subject_kind,subject_id,message_vi,message_en\r\n",
    );
    for row in rows {
        let fields = [
            row.dataset_id.to_string(),
            csv_field(&row.dataset),
            csv_field(&row.organization),
            row.checked_at.to_rfc3339(),
            csv_field(&row.rule),
            csv_field(&row.severity),
            csv_field(&row.subject_kind),
            row.subject_id.to_string(),
            csv_field(&row.message_vi),
            csv_field(&row.message_en),
        ];
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}
