//! Attachments of tickets: the `multipart/form-data` forms that carry them (a message of a
//! request's thread, a feedback report) and their download, which follows the visibility of the
//! ticket.

use axum::body::Body;
use axum::extract::multipart::Field;
use axum::extract::{Path, Request, State};
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    ETAG, X_CONTENT_TYPE_OPTIONS,
};
use axum::response::Response;
use dulieu_app::App;
use dulieu_app::attachments::{FILE_FIELD, ReceivedFiles};
use dulieu_core::Error;
use serde::de::DeserializeOwned;

use super::distributions::{content_disposition, multipart_error, open_multipart, upload_meta};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Downloader, parse_id};

/// A ticket form: its fields and the files received with it.
pub(crate) struct TicketForm<T> {
    /// The text fields, decoded.
    pub input: T,
    /// The `file` parts, already in the blob store.
    pub files: ReceivedFiles,
}

fn bad_request(detail: String) -> ApiError {
    ApiError(Error::BadRequest {
        code: "bad_request",
        detail,
    })
}

/// Reads a text part (at most [`crate::MAX_JSON_BYTES`], UTF-8).
async fn read_text(field: &mut Field<'_>, name: &str) -> ApiResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > crate::MAX_JSON_BYTES {
            return Err(ApiError(Error::TooLarge {
                limit: crate::MAX_JSON_BYTES as u64,
            }));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| bad_request(format!("{name}: not UTF-8")))
}

/// Decodes the text fields like a JSON body (422 per field), then runs `check`.
fn decode<T: DeserializeOwned>(
    fields: &serde_json::Map<String, serde_json::Value>,
    check: &impl Fn(&T) -> dulieu_core::Result<()>,
) -> ApiResult<T> {
    let input: T = dulieu_core::decode::from_json(serde_json::Value::Object(fields.clone()))?;
    check(&input)?;
    Ok(input)
}

/// Reads a ticket form sent as `multipart/form-data`: the text parts first (empty ones are left
/// out), decoded into `T` and checked by `check` before a byte of a file is read; then the
/// `file` parts, each streamed into the blob store (422 on `file` past the attachment limits).
/// A text part after a file is refused (400 `bad_request`).
pub(crate) async fn read_ticket_form<T: DeserializeOwned>(
    app: &App,
    request: Request,
    check: impl Fn(&T) -> dulieu_core::Result<()>,
) -> ApiResult<TicketForm<T>> {
    let mut multipart = open_multipart(request, app).await?;
    let mut fields = serde_json::Map::new();
    let mut input: Option<T> = None;
    let mut files = ReceivedFiles::default();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == FILE_FIELD {
            if input.is_none() {
                input = Some(decode(&fields, &check)?);
            }
            let meta = upload_meta(&field);
            app.receive_file(&mut files, meta, field).await?;
            continue;
        }
        if input.is_some() {
            return Err(bad_request(format!(
                "{name}: text parts go before the files"
            )));
        }
        let text = read_text(&mut field, &name).await?;
        if !text.trim().is_empty() {
            fields.insert(name, text.into());
        }
    }
    let input = match input {
        Some(input) => input,
        None => decode(&fields, &check)?,
    };
    Ok(TicketForm { input, files })
}

/// Downloads a file attached to a message of a request's thread or to a feedback ticket, for
/// those who may see the ticket (the bearer token's user, else the portal session's): a private
/// request's files only for the requester, the portal team and the assigned organization. The
/// file is always served as a download (`Content-Disposition: attachment`, `nosniff`, sandboxed).
#[utoipa::path(get, path = "/api/1/attachments/{id}", tag = "attachments",
    params(("id" = uuid::Uuid, Path, description = "Attachment id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 404, body = ErrorBody)))]
pub async fn download(
    State(app): State<App>,
    Downloader(actor): Downloader,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = parse_id("attachment", &id)?;
    let (attachment, read) = app.open_attachment(&actor, id).await?;
    let content_type = HeaderValue::from_str(&attachment.media_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Response::builder()
        .header(CONTENT_TYPE, content_type)
        .header(CONTENT_LENGTH, read.range.end - read.range.start)
        .header(ETAG, format!("\"{}\"", attachment.sha256))
        .header(CACHE_CONTROL, "private, no-cache")
        .header(
            CONTENT_DISPOSITION,
            content_disposition(&attachment.file_name),
        )
        .header(X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'")
        .body(Body::from_stream(read.stream))
        .map_err(|e| ApiError(Error::internal(e)))
}
