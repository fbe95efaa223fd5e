//! Request extractors: the caller (actor + language), JSON bodies with precise errors, and the
//! per-request language scope used when rendering errors.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use dulieu_app::App;
use dulieu_core::account::Actor;
use dulieu_core::{Error, decode};
use dulieu_i18n::Locale;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

tokio::task_local! {
    static LOCALE: Locale;
}

/// The language negotiated for the current request (Vietnamese outside a request).
pub fn current_locale() -> Locale {
    LOCALE.try_with(|l| *l).unwrap_or_default()
}

/// The language asked for by `?lang=` or `Accept-Language`.
fn locale_of(parts: &axum::http::request::Parts) -> Locale {
    let from_query = parts.uri.query().and_then(|q| {
        q.split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Locale::parse(v))
    });
    from_query.unwrap_or_else(|| {
        Locale::negotiate(
            parts
                .headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        )
    })
}

/// Middleware: runs the rest of the request inside its language scope.
pub async fn locale_scope(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let locale = locale_of(&parts);
    let request = Request::from_parts(parts, body);
    LOCALE.scope(locale, next.run(request)).await
}

/// Who is calling: resolved from `Authorization: Bearer <token>` (anonymous without it).
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let token = match parts.headers.get(AUTHORIZATION) {
            None => None,
            Some(value) => {
                let value = value.to_str().map_err(|_| bad_token())?;
                let (scheme, token) = value.split_once(' ').ok_or_else(bad_token)?;
                if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
                    return Err(bad_token());
                }
                Some(token.trim().to_string())
            }
        };
        Ok(Caller(app.authenticate(token.as_deref()).await?))
    }
}

/// Who is downloading: the bearer token's user, else the user of the portal's session cookie
/// (browsers follow the portal's download links with it, so publishers get their drafts' files),
/// else anonymous.
#[derive(Debug, Clone)]
pub struct Downloader(pub Actor);

impl FromRequestParts<App> for Downloader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        if parts.headers.contains_key(AUTHORIZATION) {
            let Caller(actor) = Caller::from_request_parts(parts, app).await?;
            return Ok(Downloader(actor));
        }
        let actor = dulieu_portal::session_actor(app, parts).await?;
        Ok(Downloader(actor.unwrap_or_else(Actor::anonymous)))
    }
}

fn bad_token() -> ApiError {
    ApiError(Error::BadCredentials {
        code: "invalid_token",
    })
}

/// The whole body of `request`, at most `limit` bytes (413 beyond).
pub async fn read_body(request: Request, limit: usize) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|err| {
            let source = std::error::Error::source(&err);
            let too_large = source.is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            if too_large {
                ApiError(Error::TooLarge {
                    limit: limit as u64,
                })
            } else {
                ApiError(Error::BadRequest {
                    code: "bad_request",
                    detail: err.to_string(),
                })
            }
        })
}

/// A JSON object body: 415 without a JSON content type, 413 over the size limit, 400 when it is
/// not JSON (with line and column), 422 when it is JSON but not an object.
#[derive(Debug, Clone)]
pub struct JsonObject(pub serde_json::Value);

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime::Mime>().ok())
            .is_some_and(|m| m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON));
        if !is_json {
            return Err(ApiError(Error::BadRequest {
                code: "unsupported_media_type",
                detail: "application/json".into(),
            }));
        }
        let bytes = read_body(request, crate::MAX_JSON_BYTES).await?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError(Error::BadRequest {
                code: "malformed_json",
                detail: format!("line {}, column {}: {e}", e.line(), e.column()),
            })
        })?;
        if !value.is_object() {
            return Err(ApiError(Error::invalid("body", "expected_object")));
        }
        Ok(JsonObject(value))
    }
}

impl JsonObject {
    /// Checks a create body: every missing required field and every read-only field is reported
    /// at once (422), before the typed decoding.
    pub fn check_create(&self, required: &[&str], read_only: &[&str]) -> Result<(), ApiError> {
        let mut errors = dulieu_core::FieldErrors::new();
        if let Some(fields) = self.0.as_object() {
            for field in required {
                if fields.get(*field).is_none_or(serde_json::Value::is_null) {
                    errors.add(*field, "required");
                }
            }
            for field in read_only {
                if fields.contains_key(*field) {
                    errors.add(*field, "read_only");
                }
            }
        }
        errors.into_result().map_err(ApiError)
    }

    /// Decodes into `T`, naming the offending field on mismatch (422).
    pub fn decode<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        decode::from_json(self.0).map_err(ApiError)
    }
}

/// Query parameters for paged lists.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Page number, from 1.
    pub page: Option<String>,
    /// Items per page, 1 to 1000 (default 20).
    pub page_size: Option<String>,
}

impl PageQuery {
    /// Checks the numbers, naming the offending parameter.
    pub fn request(&self) -> Result<dulieu_app::PageRequest, ApiError> {
        let number = |field: &'static str,
                      code: &'static str,
                      raw: &Option<String>|
         -> Result<Option<i64>, ApiError> {
            raw.as_deref()
                .map(|v| {
                    v.trim().parse::<i64>().map_err(|_| {
                        let mut errors = dulieu_core::FieldErrors::new();
                        errors.add_with(field, code, "max", dulieu_app::paging::MAX_PAGE_SIZE);
                        ApiError(Error::Invalid(errors))
                    })
                })
                .transpose()
        };
        let page = number("page", "invalid_page", &self.page)?;
        let size = number("page_size", "invalid_page_size", &self.page_size)?;
        dulieu_app::PageRequest::new(page, size).map_err(ApiError)
    }
}

/// Parses an id from the path; a malformed one is simply not found.
pub fn parse_id(entity: &'static str, raw: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(raw).map_err(|_| ApiError(Error::not_found(entity, raw)))
}
