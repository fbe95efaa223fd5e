//! Tables: what was read from each tabular distribution (status, Table Schema, profile), its
//! rows and aggregates, the read-only SQL sandbox, exports of any query and data packages.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use dulieu_app::{App, TableParams, TableRef};
use dulieu_core::Error;
use dulieu_core::tables::TableIngest;
use dulieu_query::{ByteStream, Export, ExportQuery};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, Downloader, JsonObject, parse_id};

/// Pairs of a raw query string.
fn params(raw: Option<&str>) -> TableParams {
    TableParams::from_pairs(
        url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned())),
    )
}

fn table_ref(id: Uuid, params: &TableParams) -> TableRef {
    TableRef {
        distribution: id,
        sheet: params.sheet.clone(),
    }
}

/// What was read from a distribution's file, with the schema, profile and row count of one
/// table (the first, or `sheet`) at the top level.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TableDocument {
    /// The Table Schema of the table (`fields[]` with `name`, `type`, `format`, …).
    #[schema(value_type = Option<Object>)]
    pub schema: Option<serde_json::Value>,
    /// The profile of each column.
    #[schema(value_type = Option<Object>)]
    pub profile: Option<serde_json::Value>,
    /// Rows of the table.
    pub row_count: Option<i64>,
    /// The table's name in SQL (quote it: `SELECT * FROM "…"`).
    pub table: Option<String>,
    /// The ingest: status, progress, error, warnings and every table.
    #[serde(flatten)]
    pub ingest: TableIngest,
}

impl TableDocument {
    fn of(ingest: TableIngest, sheet: Option<&str>) -> Result<Self, ApiError> {
        let chosen = ingest.table(sheet).cloned();
        if sheet.is_some() && chosen.is_none() {
            return Err(ApiError(Error::not_found(
                "table",
                sheet.unwrap_or_default(),
            )));
        }
        Ok(Self {
            schema: chosen.as_ref().map(|t| t.schema.clone()),
            profile: chosen.as_ref().map(|t| t.profile.clone()),
            row_count: chosen.as_ref().map(|t| t.row_count),
            table: chosen.map(|t| t.table),
            ingest,
        })
    }
}

/// A streamed file: its content type and a download name.
fn file_response(stream: ByteStream, content_type: &str, filename: &str) -> Response {
    let body = Body::from_stream(stream.map(|chunk| chunk.map_err(std::io::Error::other)));
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn export_response(export: Export, stem: &str) -> Response {
    let name = format!("{stem}.{}", export.format.extension());
    file_response(export.stream, export.format.content_type(), &name)
}

/// The tables read from a distribution's file: ingest status and progress (`rows_done`,
/// `bytes_done`, `source_bytes`), the error with where it happened, warnings, and per table the
/// Frictionless Table Schema, the profile and the row count.
#[utoipa::path(get, path = "/api/1/tables/{id}", tag = "tables",
    params(("id" = String, Path, description = "Distribution id"),
        ("sheet" = Option<String>, Query, description = "A later sheet of a workbook")),
    responses((status = 200, body = TableDocument),
        (status = 404, body = ErrorBody, description = "No such distribution visible to the caller, or never read as tables")))]
pub async fn get(
    State(app): State<App>,
    Downloader(actor): Downloader,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<TableDocument>> {
    let id = parse_id("table", &id)?;
    let params = params(raw.as_deref());
    let ingest = app.table_ingest(&actor, id).await?;
    Ok(Json(TableDocument::of(ingest, params.sheet.as_deref())?))
}

/// Rows of a table: `filters=field:op:value` (repeatable; ops `eq`, `in` with `|`-separated
/// values, `gt`, `gte`, `lt`, `lte`), `q` (words in any text column, diacritics ignored),
/// `sort=-a,b`, `fields=a,b`, `limit` (≤ 32,000, default 100), `offset` or `cursor` (the
/// previous page's `next_cursor`, for deep pages). `total` counts every matching row. With
/// `format=csv|json|parquet|xlsx` the whole result is streamed as a file.
#[utoipa::path(get, path = "/api/1/tables/{id}/rows", tag = "tables",
    params(("id" = String, Path, description = "Distribution id"),
        ("sheet" = Option<String>, Query, description = "A later sheet of a workbook"),
        ("filters" = Option<Vec<String>>, Query, description = "field:op:value"),
        ("q" = Option<String>, Query), ("sort" = Option<String>, Query),
        ("fields" = Option<String>, Query), ("limit" = Option<u32>, Query),
        ("offset" = Option<u64>, Query), ("cursor" = Option<String>, Query),
        ("format" = Option<String>, Query, description = "csv, json, parquet or xlsx: a file")),
    responses((status = 200, description = "`{columns, rows, row_ids, total, next_cursor}`, or the file"),
        (status = 400, body = ErrorBody, description = "`unknown_field`, `invalid_filter`, `unknown_operator`, `invalid_value`, `invalid_sort`, `invalid_limit`, `invalid_cursor`, `cursor_with_offset`, `invalid_parameter`, `query_timeout`"),
        (status = 404, body = ErrorBody)))]
pub async fn rows(
    State(app): State<App>,
    Downloader(actor): Downloader,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let id = parse_id("table", &id)?;
    let params = params(raw.as_deref());
    let table = table_ref(id, &params);
    let request = params.rows_request()?;
    if let Some(format) = params.export_format()? {
        let query = ExportQuery::Rows {
            table: String::new(),
            request,
        };
        let export = app
            .export_query(&actor, Some(&table), query, format)
            .await?;
        return Ok(export_response(export, &id.to_string()));
    }
    Ok(Json(app.table_rows(&actor, &table, &request).await?).into_response())
}

/// Aggregates over a table: `group_by=a,b` and `metrics=count,sum:x,avg:y,min:z,max:z`, with
/// the same `filters` and `q` as rows, `sort` over result columns and `limit` groups. With
/// `format=…` the result is a file.
#[utoipa::path(get, path = "/api/1/tables/{id}/aggregate", tag = "tables",
    params(("id" = String, Path, description = "Distribution id"),
        ("sheet" = Option<String>, Query), ("group_by" = Option<String>, Query),
        ("metrics" = Option<String>, Query), ("filters" = Option<Vec<String>>, Query),
        ("q" = Option<String>, Query), ("sort" = Option<String>, Query),
        ("limit" = Option<u32>, Query), ("format" = Option<String>, Query)),
    responses((status = 200, description = "`{columns, rows, truncated}`, or the file"),
        (status = 400, body = ErrorBody, description = "`unknown_metric`, `metric_type`, `unknown_field`, …"),
        (status = 404, body = ErrorBody)))]
pub async fn aggregate(
    State(app): State<App>,
    Downloader(actor): Downloader,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let id = parse_id("table", &id)?;
    let params = params(raw.as_deref());
    let table = table_ref(id, &params);
    let request = params.aggregate_request()?;
    if let Some(format) = params.export_format()? {
        let query = ExportQuery::Aggregate {
            table: String::new(),
            request,
        };
        let export = app
            .export_query(&actor, Some(&table), query, format)
            .await?;
        return Ok(export_response(export, &format!("{id}-aggregate")));
    }
    Ok(Json(app.table_aggregate(&actor, &table, &request).await?).into_response())
}

/// An SQL query: exactly one `SELECT` over portal tables, each named by its distribution id in
/// double quotes (`"<id>/<sheet>"` for later sheets). No DDL or DML, no functions that read
/// files or the network; a time limit and a row cap apply.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SqlBody {
    /// The query.
    pub sql: String,
    /// `csv`, `json`, `parquet` or `xlsx` to get the result as a file.
    #[serde(default)]
    pub format: Option<String>,
}

async fn run_sql(
    app: &App,
    actor: &dulieu_core::account::Actor,
    body: SqlBody,
) -> ApiResult<Response> {
    let params = TableParams {
        format: body.format,
        ..TableParams::default()
    };
    if let Some(format) = params.export_format()? {
        let query = ExportQuery::Sql { sql: body.sql };
        let export = app.export_query(actor, None, query, format).await?;
        return Ok(export_response(export, "query"));
    }
    Ok(Json(app.run_sql(actor, &body.sql).await?).into_response())
}

/// Runs a read-only SQL query given as `q` (and `format` for a file).
#[utoipa::path(get, path = "/api/1/sql", tag = "tables",
    params(("q" = String, Query, description = "One SELECT statement"),
        ("format" = Option<String>, Query, description = "csv, json, parquet or xlsx: a file")),
    responses((status = 200, description = "`{columns, rows}`, or the file"),
        (status = 400, body = ErrorBody, description = "`sql_syntax` (with line and column), `sql_not_select`, `sql_multiple_statements`, `sql_unknown_column`, `sql_unknown_function`, `sql_timeout`, `sql_too_many_rows`, `sql_memory_limit`, `missing_parameter`"),
        (status = 404, body = ErrorBody, description = "A table that does not exist or is not visible to the caller")))]
pub async fn sql_get(
    State(app): State<App>,
    Downloader(actor): Downloader,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let mut sql = None;
    let mut format = None;
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "q" | "sql" => sql = Some(value.into_owned()),
            "format" => format = Some(value.into_owned()).filter(|v| !v.is_empty()),
            _ => {}
        }
    }
    let sql = sql
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| missing("q"))?;
    run_sql(&app, &actor, SqlBody { sql, format }).await
}

/// Runs a read-only SQL query given as `{"sql": "..."}`.
#[utoipa::path(post, path = "/api/1/sql", tag = "tables", request_body = SqlBody,
    responses((status = 200, description = "`{columns, rows}`, or the file"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn sql_post(
    State(app): State<App>,
    Downloader(actor): Downloader,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    let body: SqlBody = dulieu_core::decode::from_json(body)?;
    if body.sql.trim().is_empty() {
        return Err(missing("sql"));
    }
    run_sql(&app, &actor, body).await
}

fn missing(name: &str) -> ApiError {
    ApiError(Error::BadRequest {
        code: "missing_parameter",
        detail: name.to_owned(),
    })
}

/// A dataset's tables as a Frictionless data package: a zip of `datapackage.json` (title,
/// license, and a Table Schema per resource) and one CSV file per table.
#[utoipa::path(get, path = "/api/1/datasets/{key}/datapackage.zip", tag = "tables",
    params(("key" = String, Path, description = "Dataset id or slug")),
    responses((status = 200, content_type = "application/zip", description = "The package"),
        (status = 404, body = ErrorBody, description = "No such dataset visible to the caller, or no tables read yet")))]
pub async fn data_package(
    State(app): State<App>,
    Downloader(actor): Downloader,
    Path(key): Path<String>,
) -> ApiResult<Response> {
    let (slug, stream) = app.data_package(&actor, &key).await?;
    Ok(file_response(
        stream,
        "application/zip",
        &format!("{slug}-datapackage.zip"),
    ))
}

/// A Table Schema edited by the publisher, for the first table or `sheet`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemaEdit {
    /// The table's sheet (a later table of a workbook).
    #[serde(default)]
    pub sheet: Option<String>,
    /// The Table Schema: one field per column, in order, with `name`, `type`, `format`, and
    /// `missingValues` at the top.
    #[schema(value_type = Object)]
    pub schema: serde_json::Value,
}

/// Saves an edited Table Schema and reads the file again with it (202: queued). Values that do
/// not fit a type become nulls, each reported as a warning with its row and column.
#[utoipa::path(put, path = "/api/1/tables/{id}/schema", tag = "tables", request_body = SchemaEdit,
    params(("id" = String, Path, description = "Distribution id")),
    responses((status = 202, body = TableDocument),
        (status = 400, body = ErrorBody, description = "`invalid_table_schema`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`field_count_mismatch`")),
    security(("bearer" = [])))]
pub async fn edit_schema(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult<(StatusCode, Json<TableDocument>)> {
    let id = parse_id("table", &id)?;
    let edit: SchemaEdit = dulieu_core::decode::from_json(body)?;
    let ingest = app
        .edit_table_schema(&actor, id, edit.sheet.as_deref(), &edit.schema)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(TableDocument::of(ingest, edit.sheet.as_deref())?),
    ))
}

/// Drops the edited Table Schema of the first table or `sheet`; the file is read again with an
/// inferred schema (202: queued; 200 when there was no edit).
#[utoipa::path(delete, path = "/api/1/tables/{id}/schema", tag = "tables",
    params(("id" = String, Path, description = "Distribution id"),
        ("sheet" = Option<String>, Query, description = "A later sheet of a workbook")),
    responses((status = 202, body = TableDocument), (status = 200, body = TableDocument),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reset_schema(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<(StatusCode, Json<TableDocument>)> {
    let id = parse_id("table", &id)?;
    let sheet = params(raw.as_deref()).sheet;
    let ingest = app.reset_table_schema(&actor, id, sheet.as_deref()).await?;
    let status = if ingest.status == dulieu_core::tables::IngestStatus::Queued {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(TableDocument::of(ingest, sheet.as_deref())?)))
}

/// Reads the distribution's file as tables again (202: queued).
#[utoipa::path(post, path = "/api/1/tables/{id}/ingest", tag = "tables",
    params(("id" = String, Path, description = "Distribution id")),
    responses((status = 202, body = TableDocument),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reingest(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<TableDocument>)> {
    let id = parse_id("table", &id)?;
    let ingest = app.reingest(&actor, id).await?;
    Ok((StatusCode::ACCEPTED, Json(TableDocument::of(ingest, None)?)))
}
