//! Data inventories: list (filters: organization, status, priority, sensitivity, text, overdue),
//! read, create, update (JSON merge patch), delete, link data requests as demand, import and
//! export the spreadsheet (CSV, XLSX), the blank template, the prioritisation (value against
//! effort) and an organization's publication plan. State secrets are never listed to the public.

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use dulieu_app::inventory::{
    FilterText, ImportReport, InventoryQuery, ItemOrder, ItemView, Priorities, PublicationPlan,
};
use dulieu_app::{App, Page};
use dulieu_inventory::sheet::{self, SheetFormat};
use dulieu_inventory::{Item, ItemInput};
use serde::Deserialize;

use super::requests::{flag, invalid_value};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, JsonObject, current_locale, parse_id, read_body};

/// Largest spreadsheet accepted by the import (20 MiB).
pub const MAX_SHEET_BYTES: usize = 20 * 1024 * 1024;

/// XLSX's media type.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Filters of the inventory list and its exports.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Only this organization's items (slug or id).
    pub organization: Option<String>,
    /// Only in this status (`identified`, `assessed`, `approved_for_release`,
    /// `in_preparation`, `published`, `will_not_publish`).
    pub status: Option<String>,
    /// Only of this priority class (`quick_win`, `priority`, `priority_longer_term`,
    /// `longer_term`, `low_value`).
    pub priority: Option<String>,
    /// Only of this sensitivity (`public`, `restricted`, `state_secret`, `personal_data`).
    pub sensitivity: Option<String>,
    /// Words in the titles, descriptions, unit, system or responsible person (accents ignored).
    pub q: Option<String>,
    /// `true`: only items past their target date and not published.
    pub overdue: Option<String>,
    /// `title` (default), `target_date` or `modified`.
    pub sort: Option<String>,
    /// Page number, from 1.
    pub page: Option<String>,
    /// Items per page, 1 to 1000 (default 20).
    pub page_size: Option<String>,
    /// Language of the spreadsheet headers (`vi` default, `en`).
    pub lang: Option<String>,
}

impl ListQuery {
    /// The app's query, naming the offending parameter (422).
    pub fn parse(&self) -> Result<InventoryQuery, ApiError> {
        let order = match self.sort.as_deref().map(str::trim) {
            None | Some("") | Some("title") => ItemOrder::Title,
            Some("target_date") => ItemOrder::TargetDate,
            Some("modified") => ItemOrder::Modified,
            Some(_) => return Err(invalid_value("sort", "title, target_date, modified")),
        };
        let filters = FilterText {
            organization: text(&self.organization),
            status: text(&self.status),
            priority: text(&self.priority),
            sensitivity: text(&self.sensitivity),
            q: text(&self.q),
        };
        Ok(InventoryQuery::from_text(
            filters,
            flag("overdue", &self.overdue)?,
            order,
        )?)
    }

    fn page(&self) -> Result<dulieu_app::PageRequest, ApiError> {
        crate::extract::PageQuery {
            page: self.page.clone(),
            page_size: self.page_size.clone(),
        }
        .request()
    }

    fn lang(&self) -> &str {
        match self.lang.as_deref() {
            Some("en") => "en",
            Some("vi") => "vi",
            _ => current_locale().as_str(),
        }
    }
}

/// The inventory items the caller may see: every item but state secrets, plus all of the
/// caller's organizations' items. Each has its demand (linked data requests and their votes)
/// and whether it is overdue.
#[utoipa::path(get, path = "/api/1/inventory", tag = "inventory", params(ListQuery),
    responses((status = 200, body = Page<Item>), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Caller(actor): Caller,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Page<Item>>> {
    Ok(Json(
        app.list_inventory(&actor, &query.parse()?, query.page()?)
            .await?,
    ))
}

/// Body of a new item: the organization and the item's fields.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewItem {
    /// The organization holding the data (slug or id).
    pub organization: String,
    /// The fields.
    #[serde(flatten)]
    pub fields: ItemInput,
}

/// Records an inventory item (the organization's editors and admins).
#[utoipa::path(post, path = "/api/1/inventory", tag = "inventory", request_body = NewItem,
    security(("bearer" = [])),
    responses((status = 201, body = Item), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<Item>)> {
    body.check_create(
        &["organization", "title", "priority", "status", "sensitivity"],
        &[
            "id",
            "organization_id",
            "dataset_id",
            "published_on",
            "demand",
            "overdue",
            "created",
            "modified",
        ],
    )?;
    let JsonObject(mut value) = body;
    let organization = value
        .as_object_mut()
        .and_then(|o| o.remove("organization"))
        .and_then(|v| v.as_str().map(str::to_string))
        .ok_or_else(|| ApiError(dulieu_core::Error::invalid("organization", "invalid_value")))?;
    let fields: ItemInput = JsonObject(value).decode()?;
    let item = app
        .create_inventory_item(&actor, &organization, fields)
        .await?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// One item with the data requests linked to it. 404 for state secrets the caller may not see.
#[utoipa::path(get, path = "/api/1/inventory/{id}", tag = "inventory",
    params(("id" = String, Path, description = "Item id")),
    responses((status = 200, body = ItemView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ItemView>> {
    let id = parse_id("inventory_item", &id)?;
    Ok(Json(app.inventory_item(&actor, id).await?))
}

/// Changes an item (JSON merge patch of its fields; the organization's editors and admins).
/// Becoming `published` needs `dataset`, a dataset of the same organization.
#[utoipa::path(patch, path = "/api/1/inventory/{id}", tag = "inventory",
    params(("id" = String, Path, description = "Item id")), request_body = ItemInput,
    security(("bearer" = [])),
    responses((status = 200, body = Item), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    JsonObject(patch): JsonObject,
) -> ApiResult<Json<Item>> {
    let id = parse_id("inventory_item", &id)?;
    Ok(Json(app.patch_inventory_item(&actor, id, &patch).await?))
}

/// Deletes an item (the organization's admins).
#[utoipa::path(delete, path = "/api/1/inventory/{id}", tag = "inventory",
    params(("id" = String, Path, description = "Item id")), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = parse_id("inventory_item", &id)?;
    app.delete_inventory_item(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Links a data request to an item as demand for it (the organization's editors and admins).
#[utoipa::path(put, path = "/api/1/inventory/{id}/requests/{request_id}", tag = "inventory",
    params(("id" = String, Path, description = "Item id"),
        ("request_id" = String, Path, description = "Data request id")),
    security(("bearer" = [])),
    responses((status = 200, body = ItemView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn link_request(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((id, request)): Path<(String, String)>,
) -> ApiResult<Json<ItemView>> {
    let id = parse_id("inventory_item", &id)?;
    let request = parse_id("request", &request)?;
    Ok(Json(
        app.link_inventory_request(&actor, id, request, true)
            .await?,
    ))
}

/// Removes a data request's link to an item.
#[utoipa::path(delete, path = "/api/1/inventory/{id}/requests/{request_id}", tag = "inventory",
    params(("id" = String, Path, description = "Item id"),
        ("request_id" = String, Path, description = "Data request id")),
    security(("bearer" = [])),
    responses((status = 200, body = ItemView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn unlink_request(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((id, request)): Path<(String, String)>,
) -> ApiResult<Json<ItemView>> {
    let id = parse_id("inventory_item", &id)?;
    let request = parse_id("request", &request)?;
    Ok(Json(
        app.link_inventory_request(&actor, id, request, false)
            .await?,
    ))
}

/// Name of the uploaded file, for the format when the bytes do not tell.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ImportQuery {
    /// The file's name (`kiem-ke.xlsx`, `inventory.csv`).
    pub file_name: Option<String>,
}

/// Imports an organization's inventory spreadsheet, sent as the request body (CSV or XLSX, at
/// most 20 MiB; the columns are those of the template). Rows naming an `id` of the organization
/// update that item; others create one. Every bad row is reported (row, column, code) and the
/// rest imported. The organization's editors and admins.
#[utoipa::path(post, path = "/api/1/organizations/{slug}/inventory/import", tag = "inventory",
    params(("slug" = String, Path, description = "Organization slug"), ImportQuery),
    request_body(content = Vec<u8>, content_type = "text/csv"), security(("bearer" = [])),
    responses((status = 200, body = ImportReport),
        (status = 400, body = ErrorBody, description = "`sheet_unsupported_format`, `sheet_unreadable`, `sheet_no_header`, `sheet_too_many_rows`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn import(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
    Query(query): Query<ImportQuery>,
    request: Request,
) -> ApiResult<Json<ImportReport>> {
    let is_xlsx = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(XLSX));
    let name = query
        .file_name
        .clone()
        .or_else(|| is_xlsx.then(|| "upload.xlsx".to_string()));
    let bytes = read_body(request, MAX_SHEET_BYTES).await?;
    Ok(Json(
        app.import_inventory(&actor, &slug, &bytes, name.as_deref())
            .await?,
    ))
}

/// The items the caller may see (with the list's filters) as CSV.
#[utoipa::path(get, path = "/api/1/inventory/export.csv", tag = "inventory", params(ListQuery),
    responses((status = 200, content_type = "text/csv", body = String),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export_csv(
    State(app): State<App>,
    Caller(actor): Caller,
    Query(query): Query<ListQuery>,
) -> ApiResult<Response> {
    let bytes = app
        .export_inventory(&actor, &query.parse()?, SheetFormat::Csv, query.lang())
        .await?;
    Ok(download(
        bytes,
        "text/csv; charset=utf-8",
        "kiem-ke-du-lieu.csv",
    ))
}

/// The items the caller may see (with the list's filters) as XLSX, headers in `lang`.
#[utoipa::path(get, path = "/api/1/inventory/export.xlsx", tag = "inventory", params(ListQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export_xlsx(
    State(app): State<App>,
    Caller(actor): Caller,
    Query(query): Query<ListQuery>,
) -> ApiResult<Response> {
    let bytes = app
        .export_inventory(&actor, &query.parse()?, SheetFormat::Xlsx, query.lang())
        .await?;
    Ok(download(bytes, XLSX, "kiem-ke-du-lieu.xlsx"))
}

/// Language of a template.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct TemplateQuery {
    /// `vi` (default) or `en`.
    pub lang: Option<String>,
}

/// The blank inventory template: the headers, a row saying what to write in each column, and
/// a sheet of the allowed values.
#[utoipa::path(get, path = "/api/1/inventory/template.xlsx", tag = "inventory",
    params(TemplateQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn template(Query(query): Query<TemplateQuery>) -> ApiResult<Response> {
    let lang = match query.lang.as_deref() {
        Some("en") => "en",
        _ => "vi",
    };
    let bytes = sheet::template_xlsx(lang)?;
    let name = if lang == "en" {
        "inventory-template.xlsx"
    } else {
        "mau-kiem-ke-du-lieu.xlsx"
    };
    Ok(download(bytes, XLSX, name))
}

/// An optional query parameter as text, blank when absent.
fn text(raw: &Option<String>) -> &str {
    raw.as_deref().unwrap_or_default()
}

fn download(bytes: Vec<u8>, content_type: &str, name: &str) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The items still to publish (with the list's filters), most valuable and least effort first,
/// each with its value and quadrant, the count per quadrant, and how the items keep to their
/// target dates.
#[utoipa::path(get, path = "/api/1/inventory/priorities", tag = "inventory", params(ListQuery),
    responses((status = 200, body = Priorities), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn priorities(
    State(app): State<App>,
    Caller(actor): Caller,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Priorities>> {
    Ok(Json(
        app.inventory_priorities(&actor, &query.parse()?).await?,
    ))
}

/// An organization's publication plan: its items with a target date, earliest first, and how
/// they keep to their dates.
#[utoipa::path(get, path = "/api/1/organizations/{slug}/inventory/plan", tag = "inventory",
    params(("slug" = String, Path, description = "Organization slug")),
    responses((status = 200, body = PublicationPlan), (status = 404, body = ErrorBody)))]
pub async fn plan(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<PublicationPlan>> {
    Ok(Json(app.publication_plan(&actor, &slug).await?))
}
