//! dulieu's errors as CKAN's: the one mapping from [`dulieu_core::Error`] to CKAN's `__type`
//! and status (Validation Error 409, Authorization Error 403, Not Found Error 404, Search Query
//! Error 400, Internal Server Error 500), with messages in the caller's language.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dulieu_core::Error;
use dulieu_i18n::message;
use serde_json::{Map, Value, json};

use crate::error::body_of;
use crate::extract::current_locale;

/// An error on its way to a CKAN client.
#[derive(Debug)]
pub struct CkanError {
    status: StatusCode,
    kind: &'static str,
    /// `message`, or the field errors of a validation error.
    body: Map<String, Value>,
}

/// dulieu's field names as CKAN names them (the first segment of a field path).
const FIELD_NAMES: &[(&str, &str)] = &[
    ("slug", "name"),
    ("publisher", "owner_org"),
    ("description", "notes"),
    ("keywords", "tags"),
    ("themes", "groups"),
    ("license", "license_id"),
    ("access_rights", "private"),
    ("status", "state"),
    ("media_type", "mimetype"),
    ("file", "upload"),
    ("contact_point", "maintainer"),
];

fn ckan_field(path: &str) -> String {
    let (head, rest) = match path.find(['.', '[']) {
        Some(at) => path.split_at(at),
        None => (path, ""),
    };
    let head = FIELD_NAMES
        .iter()
        .find(|(ours, _)| *ours == head)
        .map_or(head, |(_, theirs)| theirs);
    format!("{head}{rest}")
}

impl CkanError {
    /// A `Search Query Error` (400): `q`, `fq` or `sort` cannot be read.
    pub fn search_query(detail: &str) -> Self {
        let text = message(
            current_locale(),
            "error.invalid_search_query",
            &[("detail", detail)],
        );
        Self::with_message(StatusCode::BAD_REQUEST, "Search Query Error", text)
    }

    /// A request body, or a text part of a multipart request, over its size limit: 413, typed
    /// as CKAN's `Validation Error` naming what is too large (`body`, or the part's name).
    pub fn too_large(field: &str, limit: usize) -> Self {
        let text = message(
            current_locale(),
            "error.payload_too_large",
            &[("limit", &limit.to_string())],
        );
        let mut body = Map::new();
        body.insert(field.to_string(), json!([text]));
        Self {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            kind: "Validation Error",
            body,
        }
    }

    fn with_message(status: StatusCode, kind: &'static str, text: String) -> Self {
        let mut body = Map::new();
        body.insert("message".into(), Value::String(text));
        Self { status, kind, body }
    }

    /// The response, in CKAN's error envelope.
    pub fn into_response(self, help: &str) -> Response {
        if self.status.is_server_error() {
            tracing::error!(kind = self.kind, "CKAN action failed");
        }
        let mut error = self.body;
        error.insert("__type".into(), Value::String(self.kind.to_string()));
        (
            self.status,
            axum::Json(json!({"help": help, "success": false, "error": error})),
        )
            .into_response()
    }
}

impl From<Error> for CkanError {
    fn from(err: Error) -> Self {
        let locale = current_locale();
        let detail = body_of(&err, locale).error;
        match &err {
            Error::Invalid(_) => {
                let mut body = Map::new();
                for (field, messages) in detail.fields {
                    let list = body
                        .entry(ckan_field(&field))
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(list) = list {
                        list.extend(messages.into_iter().map(|m| Value::String(m.message)));
                    }
                }
                Self {
                    status: StatusCode::CONFLICT,
                    kind: "Validation Error",
                    body,
                }
            }
            Error::Conflict { field, .. } => {
                let mut body = Map::new();
                body.insert(ckan_field(field), json!([detail.message]));
                Self {
                    status: StatusCode::CONFLICT,
                    kind: "Validation Error",
                    body,
                }
            }
            Error::TooLarge { .. } => {
                let mut body = Map::new();
                body.insert("upload".into(), json!([detail.message]));
                Self {
                    status: StatusCode::CONFLICT,
                    kind: "Validation Error",
                    body,
                }
            }
            Error::BadRequest { .. } | Error::RangeNotSatisfiable { .. } => {
                Self::with_message(StatusCode::CONFLICT, "Validation Error", detail.message)
            }
            Error::Unauthenticated | Error::BadCredentials { .. } | Error::Forbidden { .. } => {
                Self::with_message(StatusCode::FORBIDDEN, "Authorization Error", detail.message)
            }
            Error::TooManyAttempts { .. } => {
                Self::with_message(StatusCode::FORBIDDEN, "Authorization Error", detail.message)
            }
            Error::NotFound { .. } => {
                Self::with_message(StatusCode::NOT_FOUND, "Not Found Error", detail.message)
            }
            Error::Internal(inner) => {
                tracing::error!(error = %inner, "CKAN action failed");
                Self::with_message(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal Server Error",
                    detail.message,
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_take_ckan_names() {
        assert_eq!(ckan_field("slug"), "name");
        assert_eq!(ckan_field("title.vi"), "title.vi");
        assert_eq!(ckan_field("keywords[3]"), "tags[3]");
        assert_eq!(ckan_field("resources[0].url"), "resources[0].url");
    }
}
