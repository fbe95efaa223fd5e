//! What every form of the portal team shares: who may use it (signed in and in the team), the
//! form being shown with its answer status, values and errors, the CSRF token, and field errors
//! translated and placed next to their inputs.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dulieu_app::App;
use dulieu_core::account::Actor;
use dulieu_core::{Error, FieldErrors};
use dulieu_i18n::{Locale, message};
use dulieu_readiness::ContentLang;
use serde::Serialize;

use crate::error::PageError;
use crate::form::Fields;
use crate::lang::Lang;
use crate::pages::account::{field_messages, see_other, to_sign_in};
use crate::render::render_page;
use crate::session::Visitor;

/// What a form handler answers: a page, a redirect, or an error page.
pub(super) type Answer = std::result::Result<Response, PageError>;

/// Error messages by input name.
pub(super) type InputErrors = BTreeMap<String, Vec<String>>;

/// One option of a select.
#[derive(Serialize)]
pub(super) struct Choice {
    pub(super) value: String,
    pub(super) label: String,
}

/// A member of the portal team at a form: the app, the page's language, the visitor and their
/// rights.
pub(super) struct Team<'a> {
    pub(super) app: &'a App,
    pub(super) lang: &'a Lang,
    pub(super) visitor: &'a Visitor,
    pub(super) actor: &'a Actor,
}

impl Team<'_> {
    /// The CSRF token of the visitor's session.
    pub(super) fn csrf(&self) -> String {
        self.visitor
            .csrf_binding()
            .map(dulieu_app::csrf_token)
            .unwrap_or_default()
    }

    /// The error page of `error` in the page's language.
    pub(super) fn error(&self, error: Error) -> PageError {
        page_error(self.lang, error)
    }

    /// A form's page: `template` rendered with `page` under `title`, answered with `status`
    /// (that of the [`Shown`] form).
    pub(super) fn show(
        &self,
        template: &str,
        title: &str,
        status: StatusCode,
        page: impl Serialize,
    ) -> dulieu_core::Result<Response> {
        render_page(template, self.lang, self.visitor, title, status, page)
    }

    /// Where a submitted form goes once its use case ran: to `next(done)` (a path, in the page's
    /// language) when it is done, else shown again by `show` with its errors, or the error page
    /// ([`show_again`]).
    pub(super) async fn answer_submitted<T>(
        &self,
        result: dulieu_core::Result<T>,
        next: impl FnOnce(T) -> String,
        rename: &[(&str, &str)],
        show: impl AsyncFnOnce(InputErrors) -> dulieu_core::Result<Response>,
    ) -> Answer {
        match result {
            Ok(done) => Ok(see_other(
                &format!("{}{}", self.lang.prefix(), next(done)),
                &[],
            )),
            Err(error) => show_again(self, error, rename, show).await,
        }
    }
}

/// A form as shown: blank (200) or again after a refused submission (422) with what was
/// submitted (`V`) and the errors next to their inputs.
pub(super) struct Shown<V> {
    pub(super) status: StatusCode,
    pub(super) values: Option<V>,
    pub(super) errors: InputErrors,
}

impl<V> Shown<V> {
    /// The form as first shown.
    pub(super) fn blank() -> Self {
        Self {
            status: StatusCode::OK,
            values: None,
            errors: InputErrors::new(),
        }
    }

    /// The form shown again with `values` and `errors`.
    pub(super) fn refused(values: V, errors: InputErrors) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            values: Some(values),
            errors,
        }
    }

    /// The summary above a refused form.
    pub(super) fn summary(&self, locale: Locale) -> Option<String> {
        (!self.errors.is_empty()).then(|| message(locale, "portal.account.errors_summary", &[]))
    }
}

/// The signed-in member of the portal team, or the answer for anyone else: sign-in for
/// anonymous visitors (back to `path`), 403 for others.
pub(super) fn team_member(
    lang: &Lang,
    visitor: &Visitor,
    path: &str,
) -> std::result::Result<Actor, Box<Response>> {
    match &visitor.signed_in {
        None => Err(Box::new(to_sign_in(lang, path))),
        Some(signed_in) if signed_in.actor.can_manage_portal() => Ok(signed_in.actor.clone()),
        Some(_) => Err(Box::new(
            PageError {
                lang: lang.clone(),
                error: Error::Forbidden {
                    action: "readiness.edit",
                },
            }
            .into_response(),
        )),
    }
}

pub(super) fn page_error(lang: &Lang, error: Error) -> PageError {
    PageError {
        lang: lang.clone(),
        error,
    }
}

/// Field errors by input name, translated. `rename` maps a field of the rules to its input;
/// a field path (`cost.currency`) is matched whole first, then by its first part (`title` for
/// `title.vi`, `references` for `references[0].url`).
pub(super) fn errors_by_input(
    errors: &FieldErrors,
    locale: Locale,
    rename: &[(&str, &str)],
) -> InputErrors {
    let mut by_input = InputErrors::new();
    for (field, texts) in field_messages(errors, locale) {
        let top = field.split(['.', '[']).next().unwrap_or(&field).to_string();
        let input = rename
            .iter()
            .find(|(from, _)| *from == field)
            .or_else(|| rename.iter().find(|(from, _)| *from == top))
            .map_or(top, |(_, to)| (*to).to_string());
        by_input.entry(input).or_default().extend(texts);
    }
    by_input
}

pub(super) fn language_choices(locale: Locale) -> Vec<Choice> {
    ContentLang::ALL
        .iter()
        .map(|l| Choice {
            value: l.as_str().to_string(),
            label: message(
                locale,
                &format!("portal.readiness.lang.{}", l.as_str()),
                &[],
            ),
        })
        .collect()
}

/// An optional text of a form: trimmed, `None` when empty.
pub(super) fn optional(fields: &Fields, name: &str) -> Option<String> {
    Some(fields.get(name).trim().to_string()).filter(|v| !v.is_empty())
}

/// A `YYYY-MM-DD` date of a form, `None` when empty; an `invalid_value` of `field` otherwise.
pub(super) fn optional_date(
    fields: &Fields,
    field: &str,
) -> std::result::Result<Option<chrono::NaiveDate>, Error> {
    match optional(fields, field) {
        None => Ok(None),
        Some(day) => chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                let mut errors = FieldErrors::new();
                errors.add_with(field, "invalid_value", "detail", day);
                Error::Invalid(errors)
            }),
    }
}

/// The errors to show next to the inputs of a form refused with `error` (invalid fields, or a
/// slug in use); any other error is passed on for the error page.
pub(super) fn refused_fields(
    error: Error,
    locale: Locale,
    rename: &[(&str, &str)],
) -> std::result::Result<InputErrors, Error> {
    match error {
        Error::Invalid(errors) => Ok(errors_by_input(&errors, locale, rename)),
        Error::Conflict { code, field, .. } => {
            let mut errors = FieldErrors::new();
            errors.add(field, code);
            Ok(errors_by_input(&errors, locale, &[]))
        }
        other => Err(other),
    }
}

/// Where a refused form goes: shown again with its errors, or the error page.
pub(super) async fn show_again(
    team: &Team<'_>,
    error: Error,
    rename: &[(&str, &str)],
    show: impl AsyncFnOnce(InputErrors) -> dulieu_core::Result<Response>,
) -> Answer {
    let errors = refused_fields(error, team.lang.locale, rename).map_err(|e| team.error(e))?;
    show(errors).await.map_err(|e| team.error(e))
}

/// Runs `body` for a member of the portal team at `path`; sends anyone else to sign in or to
/// the 403 page.
macro_rules! as_team {
    ($app:expr, $lang:expr, $visitor:expr, $path:expr, |$team:ident| $body:expr) => {{
        let actor = match $crate::pages::readiness::team::team_member(&$lang, &$visitor, &$path) {
            Ok(actor) => actor,
            Err(answer) => return Ok(*answer),
        };
        let $team = $crate::pages::readiness::team::Team {
            app: &$app,
            lang: &$lang,
            visitor: &$visitor,
            actor: &actor,
        };
        $body
    }};
}
pub(super) use as_team;
