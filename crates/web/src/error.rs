//! The one mapping from [`dulieu_core::Error`] to HTTP: status code, stable code, localised message.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dulieu_core::Error;
use dulieu_i18n::{Locale, message};
use serde::Serialize;

use crate::extract::current_locale;

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        ApiError(err)
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// The error document: `{"error": {"code", "message", "fields"}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The error itself.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code.
    pub code: String,
    /// Human message in the negotiated language.
    pub message: String,
    /// Per-field problems (for `invalid_input`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, Vec<FieldMessage>>,
}

/// One problem with one field.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    /// Stable machine code.
    pub code: String,
    /// Human message.
    pub message: String,
}

/// The HTTP status of each error.
pub fn status_of(err: &Error) -> StatusCode {
    match err {
        Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::BadRequest { code, .. } if *code == "unsupported_media_type" => {
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        }
        Error::BadRequest { code, .. } if *code == "not_acceptable" => StatusCode::NOT_ACCEPTABLE,
        Error::BadRequest { .. } => StatusCode::BAD_REQUEST,
        Error::Unauthenticated | Error::BadCredentials { .. } => StatusCode::UNAUTHORIZED,
        Error::Forbidden { .. } => StatusCode::FORBIDDEN,
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::Conflict { .. } => StatusCode::CONFLICT,
        Error::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        Error::RangeNotSatisfiable { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
        Error::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Builds the error document in `locale`.
pub fn body_of(err: &Error, locale: Locale) -> ErrorBody {
    let code = err.code();
    let text = match err {
        Error::BadRequest { detail, .. } => message(
            locale,
            &format!("error.{code}"),
            &[("detail", detail), ("expected", detail)],
        ),
        Error::Forbidden { action } => message(locale, "error.forbidden", &[("action", action)]),
        Error::NotFound { entity, key } => {
            // The catalog writes each entity as it stands in the sentence (capitalised in English).
            let entity_text = message(locale, &format!("entity.{entity}"), &[]);
            message(
                locale,
                "error.not_found",
                &[("entity", &entity_text), ("key", key)],
            )
        }
        Error::Conflict { value, .. } => {
            message(locale, &format!("error.{code}"), &[("value", value)])
        }
        Error::TooLarge { limit } => message(
            locale,
            "error.payload_too_large",
            &[("limit", &limit.to_string())],
        ),
        Error::RangeNotSatisfiable { size } => message(
            locale,
            "error.range_not_satisfiable",
            &[("size", &size.to_string())],
        ),
        Error::TooManyAttempts { retry_after } => message(
            locale,
            "error.too_many_attempts",
            &[("seconds", &retry_after.to_string())],
        ),
        _ => message(locale, &format!("error.{code}"), &[]),
    };
    let mut fields = BTreeMap::new();
    if let Error::Invalid(errors) = err {
        for (field, violations) in &errors.0 {
            let list = violations
                .iter()
                .map(|v| {
                    let params: Vec<(&str, &str)> =
                        v.params.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    FieldMessage {
                        code: v.code.to_string(),
                        message: message(locale, &format!("violation.{}", v.code), &params),
                    }
                })
                .collect();
            fields.insert(field.clone(), list);
        }
    }
    ErrorBody {
        error: ErrorDetail {
            code: code.to_string(),
            message: text,
            fields,
        },
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        if status.is_server_error() {
            tracing::error!(error = %self.0, "request failed");
        }
        let body = body_of(&self.0, current_locale());
        let mut response = (status, Json(body)).into_response();
        if let Error::RangeNotSatisfiable { size } = &self.0
            && let Ok(value) = axum::http::HeaderValue::from_str(&format!("bytes */{size}"))
        {
            response
                .headers_mut()
                .insert(axum::http::header::CONTENT_RANGE, value);
        }
        if let Error::TooManyAttempts { retry_after } = &self.0 {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(*retry_after),
            );
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"dulieu\""),
            );
        }
        response
    }
}

/// 404 for unknown paths: JSON under `/api/`, the portal's HTML page elsewhere.
pub async fn not_found_fallback(uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") {
        ApiError(Error::not_found("path", path)).into_response()
    } else {
        let path_and_query = uri.path_and_query().map_or(path, |pq| pq.as_str());
        dulieu_portal::not_found_page(path_and_query)
    }
}

/// JSON 405 for known paths with the wrong method.
pub async fn method_not_allowed_fallback() -> Response {
    let locale = current_locale();
    let body = ErrorBody {
        error: ErrorDetail {
            code: "method_not_allowed".into(),
            message: message(locale, "error.method_not_allowed", &[]),
            fields: BTreeMap::new(),
        },
    };
    (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response()
}
