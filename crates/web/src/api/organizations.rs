//! Organizations and their members.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use dulieu_app::{App, Page};
use dulieu_core::account::Membership;
use dulieu_core::catalog::{Organization, OrganizationInput};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, JsonObject, PageQuery, parse_id};

/// Lists organizations by slug.
#[utoipa::path(get, path = "/api/1/organizations", tag = "organizations", params(PageQuery),
    responses((status = 200, body = Page<Organization>), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<Organization>>> {
    Ok(Json(app.list_organizations(query.request()?).await?))
}

/// Creates an organization. Government kinds need a sysadmin; the creator becomes admin.
#[utoipa::path(post, path = "/api/1/organizations", tag = "organizations",
    request_body = OrganizationInput, security(("bearer" = [])),
    responses((status = 201, body = Organization), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<Organization>)> {
    body.check_create(
        &["slug", "name", "kind"],
        dulieu_core::catalog::ORGANIZATION_READ_ONLY_FIELDS,
    )?;
    let input: OrganizationInput = body.decode()?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_organization(&actor, input).await?),
    ))
}

/// One organization.
#[utoipa::path(get, path = "/api/1/organizations/{slug}", tag = "organizations",
    params(("slug" = String, Path, description = "Organization slug")),
    responses((status = 200, body = Organization), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Path(slug): Path<String>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(app.get_organization(&slug).await?))
}

/// Changes an organization (JSON merge patch; its admins and sysadmins).
#[utoipa::path(patch, path = "/api/1/organizations/{slug}", tag = "organizations",
    params(("slug" = String, Path, description = "Organization slug")),
    request_body = OrganizationInput, security(("bearer" = [])),
    responses((status = 200, body = Organization), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
    body: JsonObject,
) -> ApiResult<Json<Organization>> {
    Ok(Json(app.update_organization(&actor, &slug, &body.0).await?))
}

/// Deletes an organization without datasets or sub-organizations.
#[utoipa::path(delete, path = "/api/1/organizations/{slug}", tag = "organizations",
    params(("slug" = String, Path, description = "Organization slug")), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn delete(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
) -> ApiResult<StatusCode> {
    app.delete_organization(&actor, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Members of an organization (visible to its members).
#[utoipa::path(get, path = "/api/1/organizations/{slug}/members", tag = "organizations",
    params(("slug" = String, Path, description = "Organization slug")), security(("bearer" = [])),
    responses((status = 200, body = [Membership]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn members(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<Membership>>> {
    Ok(Json(app.list_members(&actor, &slug).await?))
}

/// Grants or changes a member's role (organization admins).
#[utoipa::path(post, path = "/api/1/organizations/{slug}/members", tag = "organizations",
    params(("slug" = String, Path, description = "Organization slug")),
    request_body = dulieu_app::MemberRequest, security(("bearer" = [])),
    responses((status = 200, body = Membership), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_member(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
    body: JsonObject,
) -> ApiResult<Json<Membership>> {
    Ok(Json(app.set_member(&actor, &slug, body.decode()?).await?))
}

/// Removes a member (organization admins); the last admin cannot be removed.
#[utoipa::path(delete, path = "/api/1/organizations/{slug}/members/{user_id}", tag = "organizations",
    params(("slug" = String, Path, description = "Organization slug"), ("user_id" = uuid::Uuid, Path, description = "User id")),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remove_member(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((slug, user_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let user_id = parse_id("membership", &user_id)?;
    app.remove_member(&actor, &slug, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
