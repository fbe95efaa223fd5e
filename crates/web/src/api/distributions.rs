//! Distributions: links and uploaded files, their versions and downloads.

use std::ops::Range;

use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE,
    ETAG, IF_NONE_MATCH, LOCATION, RANGE,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use dulieu_app::{App, Counting, UploadMeta};
use dulieu_core::account::Actor;
use dulieu_core::catalog::{Distribution, DistributionInput, DistributionVersion};
use dulieu_core::text::LangText;
use dulieu_core::{Error, FieldErrors};
use futures::TryStreamExt;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, Downloader, JsonObject, parse_id};

/// True when the request body is `multipart/form-data`.
pub(crate) fn is_multipart(request: &Request) -> bool {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// A part that cannot be read: 400 `bad_request` with what the parser said.
pub(crate) fn multipart_error(err: axum::extract::multipart::MultipartError) -> ApiError {
    ApiError(Error::BadRequest {
        code: "bad_request",
        detail: err.body_text(),
    })
}

/// Applies one text part sent before the `file` part to the metadata.
async fn apply_text_part(
    input: &mut DistributionInput,
    errors: &mut FieldErrors,
    field: axum::extract::multipart::Field<'_>,
) -> ApiResult<()> {
    let name = field.name().unwrap_or("").to_string();
    let text = field.text().await.map_err(multipart_error)?;
    let set_lang = |target: &mut LangText, lang: &str, text: String| match lang {
        "en" => target.en = Some(text),
        _ => target.vi = Some(text),
    };
    match name.as_str() {
        "metadata" => {
            let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                ApiError(Error::BadRequest {
                    code: "malformed_json",
                    detail: format!("metadata, line {}, column {}: {e}", e.line(), e.column()),
                })
            })?;
            *input = dulieu_core::decode::from_json(value).map_err(ApiError)?;
        }
        "title" | "title.vi" => set_lang(&mut input.title, "vi", text),
        "title.en" => set_lang(&mut input.title, "en", text),
        "description" | "description.vi" => set_lang(&mut input.description, "vi", text),
        "description.en" => set_lang(&mut input.description, "en", text),
        "format" => input.format = Some(text),
        "media_type" => input.media_type = Some(text),
        "license" => input.license = Some(text),
        other => {
            errors.add(other.to_string(), "unknown_field");
        }
    }
    Ok(())
}

fn missing_file() -> ApiError {
    ApiError(Error::BadRequest {
        code: "missing_file",
        detail: "file".into(),
    })
}

/// The parts of a `multipart/form-data` request (400 when it is not one).
pub(crate) async fn open_multipart(request: Request, app: &App) -> ApiResult<Multipart> {
    Multipart::from_request(request, app).await.map_err(|e| {
        ApiError(Error::BadRequest {
            code: "bad_request",
            detail: e.body_text(),
        })
    })
}

/// What a file part says of its file.
pub(crate) fn upload_meta(field: &axum::extract::multipart::Field<'_>) -> UploadMeta {
    UploadMeta::from_part(field.file_name(), field.content_type())
}

/// Adds a distribution: `multipart/form-data` with a `file` part (and optional `metadata` JSON or
/// `title`, `format`, `license` parts before it) uploads a file; a JSON body with `url` adds a link.
#[utoipa::path(post, path = "/api/1/datasets/{id_or_slug}/distributions", tag = "distributions",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug")),
    request_body(content(
        (DistributionInput = "application/json"),
        (UploadForm = "multipart/form-data"),
    )),
    security(("bearer" = [])),
    responses((status = 201, body = Distribution), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(key): Path<String>,
    request: Request,
) -> ApiResult<(StatusCode, Json<Distribution>)> {
    if !is_multipart(&request) {
        let body = JsonObject::from_request(request, &app).await?;
        body.check_create(
            &["url"],
            dulieu_core::catalog::DISTRIBUTION_READ_ONLY_FIELDS,
        )?;
        let input: DistributionInput = body.decode()?;
        return Ok((
            StatusCode::CREATED,
            Json(app.add_link(&actor, &key, input).await?),
        ));
    }
    let mut multipart = open_multipart(request, &app).await?;
    let mut input = DistributionInput::default();
    let mut errors = FieldErrors::new();
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() == Some("file") {
            errors.into_result().map_err(ApiError)?;
            let meta = upload_meta(&field);
            let created = app.add_upload(&actor, &key, input, meta, field).await?;
            return Ok((StatusCode::CREATED, Json(created)));
        }
        apply_text_part(&mut input, &mut errors, field).await?;
    }
    Err(missing_file())
}

/// The multipart form of an upload (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// Optional metadata as JSON (a `DistributionInput` without `url`), sent before `file`.
    metadata: Option<String>,
    /// The file.
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
}

/// One distribution.
#[utoipa::path(get, path = "/api/1/distributions/{id}", tag = "distributions",
    params(("id" = uuid::Uuid, Path, description = "Distribution id")),
    responses((status = 200, body = Distribution), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Distribution>> {
    Ok(Json(
        app.get_distribution(&actor, parse_id("distribution", &id)?)
            .await?,
    ))
}

/// Changes distribution metadata (JSON merge patch).
#[utoipa::path(patch, path = "/api/1/distributions/{id}", tag = "distributions",
    params(("id" = uuid::Uuid, Path, description = "Distribution id")), request_body = DistributionInput,
    security(("bearer" = [])),
    responses((status = 200, body = Distribution), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    body: JsonObject,
) -> ApiResult<Json<Distribution>> {
    Ok(Json(
        app.update_distribution(&actor, parse_id("distribution", &id)?, &body.0)
            .await?,
    ))
}

/// Deletes a distribution (stored files are kept).
#[utoipa::path(delete, path = "/api/1/distributions/{id}", tag = "distributions",
    params(("id" = uuid::Uuid, Path, description = "Distribution id")), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    app.delete_distribution(&actor, parse_id("distribution", &id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The stored file versions, newest first.
#[utoipa::path(get, path = "/api/1/distributions/{id}/versions", tag = "distributions",
    params(("id" = uuid::Uuid, Path, description = "Distribution id")),
    responses((status = 200, body = [DistributionVersion]), (status = 404, body = ErrorBody)))]
pub async fn versions(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<DistributionVersion>>> {
    Ok(Json(
        app.distribution_versions(&actor, parse_id("distribution", &id)?)
            .await?,
    ))
}

/// Replaces the file (multipart `file` part): a new version; older versions stay downloadable.
#[utoipa::path(post, path = "/api/1/distributions/{id}/versions", tag = "distributions",
    params(("id" = uuid::Uuid, Path, description = "Distribution id")),
    request_body(content((UploadForm = "multipart/form-data"))), security(("bearer" = [])),
    responses((status = 201, body = Distribution), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_version(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<(StatusCode, Json<Distribution>)> {
    let id = parse_id("distribution", &id)?;
    if !is_multipart(&request) {
        return Err(ApiError(Error::BadRequest {
            code: "unsupported_media_type",
            detail: "multipart/form-data".into(),
        }));
    }
    let mut multipart = open_multipart(request, &app).await?;
    // The file is the only part this endpoint takes.
    let Some(field) = multipart.next_field().await.map_err(multipart_error)? else {
        return Err(missing_file());
    };
    if field.name() != Some("file") {
        let mut errors = FieldErrors::new();
        errors.add(field.name().unwrap_or("").to_string(), "unknown_field");
        return Err(ApiError(Error::Invalid(errors)));
    }
    let meta = upload_meta(&field);
    let replaced = app.replace_file(&actor, id, meta, field).await?;
    Ok((StatusCode::CREATED, Json(replaced)))
}

/// Downloads the current file (supports `Range`, `If-None-Match`); a link redirects to its URL.
#[utoipa::path(get, path = "/api/1/distributions/{id}/download", tag = "distributions",
    params(("id" = uuid::Uuid, Path, description = "Distribution id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 206, description = "Part of the file"), (status = 303, description = "Link distribution: see Location"),
        (status = 304, description = "Not modified"), (status = 404, body = ErrorBody), (status = 416, body = ErrorBody)))]
pub async fn download(
    State(app): State<App>,
    Downloader(actor): Downloader,
    Path(id): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Response> {
    serve_download(&app, &actor, &id, None, &method, &headers).await
}

/// Downloads one stored version of the file.
#[utoipa::path(get, path = "/api/1/distributions/{id}/versions/{version}/download", tag = "distributions",
    params(("id" = uuid::Uuid, Path, description = "Distribution id"), ("version" = i64, Path, description = "Version number")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 206, description = "Part of the file"), (status = 404, body = ErrorBody), (status = 416, body = ErrorBody)))]
pub async fn download_version(
    State(app): State<App>,
    Downloader(actor): Downloader,
    Path((id, version)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let number = version
        .parse::<i64>()
        .map_err(|_| ApiError(Error::not_found("version", &version)))?;
    serve_download(&app, &actor, &id, Some(number), &method, &headers).await
}

/// Whether a download request is a new use of the dataset: a `GET` of the whole file or of its
/// start (a resumed or split download asks for later parts; a `HEAD` downloads nothing).
fn counting_of(method: &Method, headers: &HeaderMap) -> Counting {
    let from_start = headers
        .get(RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|raw| raw.trim().starts_with("bytes=0-"));
    if method == Method::GET && from_start {
        Counting::Count
    } else {
        Counting::Skip
    }
}

async fn serve_download(
    app: &App,
    actor: &Actor,
    id: &str,
    version: Option<i64>,
    method: &Method,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let id = parse_id("distribution", id)?;
    let counting = counting_of(method, headers);
    let (distribution, version) = match app.download_target(actor, id, version, counting).await? {
        Ok(found) => found,
        Err(url) => {
            let location = HeaderValue::from_str(&percent_encode_non_ascii(&url))
                .map_err(|e| ApiError(Error::internal(e)))?;
            return Ok((StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response());
        }
    };
    let etag = format!("\"{}\"", version.sha256);
    if headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            // Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x".
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        })
    {
        return Ok((StatusCode::NOT_MODIFIED, [(ETAG, etag)]).into_response());
    }
    let size = u64::try_from(version.byte_size).unwrap_or(0);
    let range = match headers.get(RANGE).and_then(|v| v.to_str().ok()) {
        Some(raw) => parse_range(raw, size).map_err(ApiError)?,
        None => None,
    };
    let read = app.open_blob(&version, range.clone()).await?;
    let status = if range.is_some() {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let content_type = version
        .media_type
        .clone()
        .or(distribution.media_type.clone())
        .unwrap_or_else(|| "application/octet-stream".into());
    let filename = version
        .filename
        .clone()
        .unwrap_or_else(|| format!("{}-v{}", distribution.id, version.version));
    let mut response = Response::builder()
        .status(status)
        .header(CONTENT_TYPE, content_type)
        .header(CONTENT_LENGTH, read.range.end - read.range.start)
        .header(ETAG, &etag)
        .header(ACCEPT_RANGES, "bytes")
        .header(CACHE_CONTROL, "public, max-age=0, must-revalidate")
        .header(CONTENT_DISPOSITION, content_disposition(&filename));
    if range.is_some() {
        response = response.header(
            CONTENT_RANGE,
            format!(
                "bytes {}-{}/{}",
                read.range.start,
                read.range.end - 1,
                read.total
            ),
        );
    }
    response
        .body(Body::from_stream(
            read.stream.map_err(std::io::Error::other),
        ))
        .map_err(|e| ApiError(Error::internal(e)))
}

/// Percent-encodes bytes that may not appear raw in a header URI (non-ASCII, controls, space).
fn percent_encode_non_ascii(url: &str) -> String {
    url.bytes()
        .map(|b| {
            if b.is_ascii_graphic() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266 / 5987).
pub(crate) fn content_disposition(filename: &str) -> String {
    let ascii: String = dulieu_core::text::fold_diacritics(filename)
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Parses a single `bytes=` range against `size`. Multiple ranges and other units are ignored
/// (the whole file is served, as RFC 9110 allows); an unsatisfiable range is an error (416).
fn parse_range(raw: &str, size: u64) -> Result<Option<Range<u64>>, Error> {
    let Some(spec) = raw.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((start, end)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let parse = |s: &str| s.trim().parse::<u64>().ok();
    let range = match (start.trim().is_empty(), end.trim().is_empty()) {
        (true, false) => match parse(end) {
            Some(0) | None => return Err(Error::RangeNotSatisfiable { size }),
            Some(n) => size.saturating_sub(n)..size,
        },
        (false, true) => match parse(start) {
            Some(a) => a..size,
            None => return Ok(None),
        },
        (false, false) => match (parse(start), parse(end)) {
            (Some(a), Some(b)) if a <= b => a..(b.saturating_add(1)).min(size),
            _ => return Ok(None),
        },
        (true, true) => return Ok(None),
    };
    if range.start >= size {
        return Err(Error::RangeNotSatisfiable { size });
    }
    Ok(Some(range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-4", 10).unwrap(), Some(0..5));
        assert_eq!(parse_range("bytes=5-", 10).unwrap(), Some(5..10));
        assert_eq!(parse_range("bytes=-3", 10).unwrap(), Some(7..10));
        assert_eq!(parse_range("bytes=-30", 10).unwrap(), Some(0..10));
        assert_eq!(parse_range("bytes=8-100", 10).unwrap(), Some(8..10));
        assert_eq!(parse_range("bytes=0-1,4-5", 10).unwrap(), None);
        assert_eq!(parse_range("items=0-1", 10).unwrap(), None);
        assert_eq!(parse_range("bytes=5-2", 10).unwrap(), None);
        assert!(parse_range("bytes=10-", 10).is_err());
        assert!(parse_range("bytes=-0", 10).is_err());
    }

    #[test]
    fn only_new_downloads_count() {
        let with_range = |raw: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(RANGE, HeaderValue::from_str(raw).unwrap());
            headers
        };
        let none = HeaderMap::new();
        assert_eq!(counting_of(&Method::GET, &none), Counting::Count);
        assert_eq!(
            counting_of(&Method::GET, &with_range("bytes=0-99")),
            Counting::Count
        );
        assert_eq!(
            counting_of(&Method::GET, &with_range("bytes=100-")),
            Counting::Skip
        );
        assert_eq!(
            counting_of(&Method::GET, &with_range("bytes=-5")),
            Counting::Skip
        );
        assert_eq!(counting_of(&Method::HEAD, &none), Counting::Skip);
    }

    #[test]
    fn disposition_keeps_unicode_names() {
        let value = content_disposition("Dân số.csv");
        assert!(value.contains("filename=\"Dan_so.csv\""), "{value}");
        assert!(
            value.contains("filename*=UTF-8''D%C3%A2n%20s%E1%BB%91.csv"),
            "{value}"
        );
    }
}

/// What a pushed file did, with the distribution that holds it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PushAnswer {
    /// `created`, `new_version` or `unchanged`.
    #[schema(value_type = String)]
    pub outcome: dulieu_app::PushOutcome,
    /// The distribution.
    pub distribution: Distribution,
}

/// Publishes a file from an agency's system (the request body, any type): it becomes a new
/// version of the dataset's uploaded distribution with the same file name, or a new
/// distribution (201). Idempotent by checksum: the same bytes again answer `unchanged` and
/// change nothing. The publisher's editors and admins (an API token in scripts).
#[utoipa::path(put, path = "/api/1/datasets/{id_or_slug}/files/{file_name}", tag = "distributions",
    params(("id_or_slug" = String, Path, description = "Dataset id or slug"),
        ("file_name" = String, Path, description = "The file's name, e.g. `dan-so-2025.csv`")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("bearer" = [])),
    responses((status = 200, body = PushAnswer, description = "A new version, or unchanged"),
        (status = 201, body = PushAnswer, description = "A new distribution"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn push(
    State(app): State<App>,
    Caller(actor): Caller,
    Path((key, file_name)): Path<(String, String)>,
    request: Request,
) -> ApiResult<(StatusCode, Json<PushAnswer>)> {
    let body = request.into_body().into_data_stream();
    let (outcome, distribution) = app.push_file(&actor, &key, &file_name, body).await?;
    let status = match outcome {
        dulieu_app::PushOutcome::Created => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    Ok((
        status,
        Json(PushAnswer {
            outcome,
            distribution,
        }),
    ))
}
