//! Errors of pages: an HTML page in the page's language (400, 403, 404, 429 or 500) with a link
//! home and the search form. `/api/…` keeps its JSON errors (crates/web).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use dulieu_core::Error;
use dulieu_i18n::message;
use serde::Serialize;

use crate::lang::Lang;
use crate::render::render;
use crate::session::Visitor;

/// What a page handler answers.
pub type PageResult = Result<Html<String>, PageError>;

/// An error while building a page, with the page's language.
#[derive(Debug)]
pub struct PageError {
    /// The language of the page that failed.
    pub lang: Lang,
    /// What went wrong.
    pub error: Error,
}

/// Wraps a rendered page or its error into a handler's answer.
pub fn respond(lang: Lang, page: dulieu_core::Result<String>) -> PageResult {
    page.map(Html).map_err(|error| PageError { lang, error })
}

/// The status of an error on a page: the request is wrong (400), the thing is missing (404), or
/// the fault is ours (500); a form without its CSRF token is refused (403), and sign-in attempts
/// past the limit wait (429).
fn status_of(err: &Error) -> StatusCode {
    match err {
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::BadRequest { .. } | Error::Invalid(_) => StatusCode::BAD_REQUEST,
        Error::Forbidden { .. } => StatusCode::FORBIDDEN,
        Error::Conflict { .. } => StatusCode::CONFLICT,
        Error::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[derive(Serialize)]
struct ErrorPage {
    status: u16,
    text: String,
    detail: Option<String>,
}

/// The catalog key (without `.title`/`.text`) of the page for `err`: its status's, except that a
/// 403 for a missing role says so (the status's own text is about a form's CSRF token).
fn page_key(err: &Error, status: StatusCode) -> String {
    match err {
        Error::Forbidden { action } if *action != "csrf" => "portal.error.denied".to_string(),
        _ => format!("portal.error.{}", status.as_u16()),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = status_of(&self.error);
        if status.is_server_error() {
            tracing::error!(error = %self.error, "page failed");
        }
        let detail = match &self.error {
            Error::BadRequest { code, detail } => Some(message(
                self.lang.locale,
                &format!("error.{code}"),
                &[("detail", detail)],
            )),
            Error::Conflict { code, value, .. } => Some(message(
                self.lang.locale,
                &format!("error.{code}"),
                &[("value", value)],
            )),
            _ => None,
        };
        let key = page_key(&self.error, status);
        let title = message(self.lang.locale, &format!("{key}.title"), &[]);
        let page = ErrorPage {
            status: status.as_u16(),
            text: message(self.lang.locale, &format!("{key}.text"), &[]),
            detail,
        };
        let retry_after = match &self.error {
            Error::TooManyAttempts { retry_after } => Some(*retry_after),
            _ => None,
        };
        let mut response = match render("error.html", &self.lang, &Visitor::default(), &title, page)
        {
            Ok(html) => (status, Html(html)).into_response(),
            Err(err) => {
                tracing::error!(error = %err, "error page failed");
                (status, title).into_response()
            }
        };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds),
            );
        }
        response
    }
}

/// The HTML 404 page for an unknown path (`/en/…` in English).
pub fn not_found_page(path_and_query: &str) -> Response {
    PageError {
        lang: Lang::from_path(path_and_query),
        error: Error::not_found("path", path_and_query),
    }
    .into_response()
}
