//! Accounts: `/sign-in`, `/sign-out`, `/sign-up` and `/account/password`. Every POST checks the
//! form's CSRF token first (403 page otherwise) and answers with a 303 redirect on success; the
//! `next` parameter is followed only when it is a local path.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use dulieu_app::{App, SignedIn};
use dulieu_core::account::{NewUser, PASSWORD_MIN};
use dulieu_core::{Error, FieldErrors};
use dulieu_i18n::{Locale, message};
use serde::{Deserialize, Serialize};

use crate::error::PageError;
use crate::form::{Fields, local_next};
use crate::lang::Lang;
use crate::render::render;
use crate::session::{
    PRESESSION_COOKIE, SESSION_COOKIE, Visitor, presession_cookie, removal_cookie, session_cookie,
};

/// What an account handler answers: a page, a redirect, or an error page.
type Answer = Result<Response, PageError>;

/// `?next=` of the forms.
#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// The fields every account form shares, plus the page's own.
#[derive(Serialize, Default)]
struct FormPage {
    csrf: String,
    next: String,
    email: String,
    display_name: String,
    password_min: usize,
    done: bool,
    form_error: Option<String>,
    errors: BTreeMap<String, Vec<String>>,
}

/// An account form: its template and the catalog key of its title.
struct AccountForm {
    template: &'static str,
    title_key: &'static str,
}

const SIGN_IN: AccountForm = AccountForm {
    template: "sign_in.html",
    title_key: "portal.account.sign_in",
};

const SIGN_UP: AccountForm = AccountForm {
    template: "sign_up.html",
    title_key: "portal.account.sign_up",
};

/// Path of the password form, without the language prefix.
const PASSWORD_PATH: &str = "/account/password";

const PASSWORD: AccountForm = AccountForm {
    template: "password.html",
    title_key: "portal.account.password_page",
};

/// Field errors as the templates show them: translated texts by field.
pub(crate) fn field_messages(
    errors: &FieldErrors,
    locale: Locale,
) -> BTreeMap<String, Vec<String>> {
    errors
        .0
        .iter()
        .map(|(field, violations)| {
            let texts = violations
                .iter()
                .map(|v| {
                    let params: Vec<(&str, &str)> =
                        v.params.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    message(locale, &format!("violation.{}", v.code), &params)
                })
                .collect();
            (field.clone(), texts)
        })
        .collect()
}

/// The message above a form whose inputs have errors (`errors` by input), or `None` when they
/// have none.
pub(crate) fn errors_summary(
    errors: &BTreeMap<String, Vec<String>>,
    locale: Locale,
) -> Option<String> {
    (!errors.is_empty()).then(|| message(locale, "portal.account.errors_summary", &[]))
}

/// The status of a form's page: 200, or 422 when it is shown again with `errors`.
pub(crate) fn form_status(errors: &BTreeMap<String, Vec<String>>) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Renders a form page with a CSRF token bound to the visitor's session, or to a pre-session
/// cookie made now when the visitor has neither.
fn form_page(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    form: &AccountForm,
    status: StatusCode,
    mut page: FormPage,
) -> Answer {
    let (visitor, new_cookie) = csrf_bound(app, visitor);
    page.csrf = visitor.csrf_token();
    page.password_min = PASSWORD_MIN;
    let title = message(lang.locale, form.title_key, &[]);
    let html = render(form.template, lang, &visitor, &title, page).map_err(|error| PageError {
        lang: lang.clone(),
        error,
    })?;
    Ok(with_cookie(
        (status, Html(html)).into_response(),
        new_cookie,
    ))
}

/// The visitor with something to bind a form's CSRF token to: as is when they have a session or
/// a pre-session cookie, else with a pre-session made now and the `Set-Cookie` value to send.
pub(crate) fn csrf_bound(app: &App, visitor: &Visitor) -> (Visitor, Option<String>) {
    let mut visitor = visitor.clone();
    if visitor.csrf_binding().is_some() {
        return (visitor, None);
    }
    let value = dulieu_app::new_presession();
    let cookie = presession_cookie(app, &value);
    visitor.presession = Some(value);
    (visitor, Some(cookie))
}

/// Adds the `Set-Cookie` header `cookie` (if any) to a response.
pub(crate) fn with_cookie(mut response: Response, cookie: Option<String>) -> Response {
    if let Some(cookie) = cookie {
        add_cookie(&mut response, &cookie);
    }
    response
}

/// A 303 redirect to `location`, setting `cookies`.
pub(crate) fn see_other(location: &str, cookies: &[String]) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    for cookie in cookies {
        add_cookie(&mut response, cookie);
    }
    response
}

fn add_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

/// The CSRF check of a posted form, as a 403 page.
pub(crate) fn checked(lang: &Lang, visitor: &Visitor, body: &Bytes) -> Result<Fields, PageError> {
    let fields = Fields::parse(body);
    fields.check_csrf(visitor).map_err(|error| PageError {
        lang: lang.clone(),
        error,
    })?;
    Ok(fields)
}

/// A form posted from a page for signed-in users: its fields once the CSRF check passed (the 403
/// page otherwise) and the session of who sent it, or `None` when the visitor is not signed in
/// (send them to sign in with [`to_sign_in`]).
pub(crate) fn signed_in_post<'v>(
    lang: &Lang,
    visitor: &'v Visitor,
    body: &Bytes,
) -> Result<Option<(Fields, &'v SignedIn)>, PageError> {
    let fields = checked(lang, visitor, body)?;
    Ok(visitor
        .signed_in
        .as_ref()
        .map(|signed_in| (fields, signed_in)))
}

/// The answer to a posted form once its use case ran: what `done` gave goes to `on_done` (a
/// redirect, usually); refused inputs show the form's page again through `show_again`, with the
/// messages of each field; any other error is its error page.
pub(crate) async fn answer_form<T>(
    lang: &Lang,
    done: dulieu_core::Result<T>,
    on_done: impl FnOnce(T) -> Response,
    show_again: impl AsyncFnOnce(BTreeMap<String, Vec<String>>) -> dulieu_core::Result<Response>,
) -> Answer {
    let page_error = |error| PageError {
        lang: lang.clone(),
        error,
    };
    match done {
        Ok(value) => Ok(on_done(value)),
        Err(Error::Invalid(errors)) => {
            let errors = field_messages(&errors, lang.locale);
            show_again(errors).await.map_err(page_error)
        }
        Err(error) => Err(page_error(error)),
    }
}

/// The answer once a session is opened: to `next`, with the session's cookie, the pre-session
/// cookie removed.
fn into_session(app: &App, next: &str, token: &str) -> Response {
    see_other(
        next,
        &[
            session_cookie(app, token),
            removal_cookie(app, PRESESSION_COOKIE),
        ],
    )
}

fn home(lang: &Lang) -> String {
    format!("{}/", lang.prefix())
}

/// `GET /sign-in`.
pub async fn sign_in_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Query(query): Query<NextQuery>,
) -> Answer {
    let next = local_next(&query.next, &home(&lang));
    if visitor.signed_in.is_some() {
        return Ok(see_other(&next, &[]));
    }
    let page = FormPage {
        next,
        ..FormPage::default()
    };
    form_page(&app, &lang, &visitor, &SIGN_IN, StatusCode::OK, page)
}

/// `POST /sign-in`: opens a session and goes to `next`; a wrong e-mail or password shows the
/// form again (401) with one message that does not say which was wrong.
pub async fn sign_in(State(app): State<App>, lang: Lang, visitor: Visitor, body: Bytes) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    let next = local_next(fields.get("next"), &home(&lang));
    let email = fields.get("email").trim().to_string();
    match app
        .sign_in(&email, fields.get("password"), &visitor.client)
        .await
    {
        Ok(opened) => Ok(into_session(&app, &next, &opened.token)),
        Err(Error::BadCredentials { .. }) => {
            let page = FormPage {
                next,
                email,
                form_error: Some(message(
                    lang.locale,
                    "portal.account.wrong_credentials",
                    &[],
                )),
                ..FormPage::default()
            };
            form_page(
                &app,
                &lang,
                &visitor,
                &SIGN_IN,
                StatusCode::UNAUTHORIZED,
                page,
            )
        }
        Err(error) => Err(PageError { lang, error }),
    }
}

/// `POST /sign-out`: ends the session and removes its cookie.
pub async fn sign_out(State(app): State<App>, lang: Lang, visitor: Visitor, body: Bytes) -> Answer {
    checked(&lang, &visitor, &body)?;
    if let Some(token) = &visitor.session_token {
        app.sign_out(token).await.map_err(|error| PageError {
            lang: lang.clone(),
            error,
        })?;
    }
    Ok(see_other(
        &home(&lang),
        &[removal_cookie(&app, SESSION_COOKIE)],
    ))
}

/// `GET /sign-up`.
pub async fn sign_up_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Query(query): Query<NextQuery>,
) -> Answer {
    let page = FormPage {
        next: local_next(&query.next, &home(&lang)),
        ..FormPage::default()
    };
    form_page(&app, &lang, &visitor, &SIGN_UP, StatusCode::OK, page)
}

/// `POST /sign-up`: creates the account (rules of `NewUser`), signs it in, goes to `next`.
pub async fn sign_up(State(app): State<App>, lang: Lang, visitor: Visitor, body: Bytes) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    let next = local_next(fields.get("next"), &home(&lang));
    let password = fields.get("password").to_string();
    let input = NewUser {
        email: fields.get("email").to_string(),
        display_name: Some(fields.get("display_name").to_string()),
        password: password.clone(),
    };
    let mut errors = match input.clone().validate() {
        Ok(_) => FieldErrors::new(),
        Err(errors) => errors,
    };
    if password != fields.get("password_confirm") {
        errors.add("password_confirm", "password_mismatch");
    }
    let result = if errors.is_empty() {
        app.create_user(&visitor.actor(), input, false).await
    } else {
        Err(Error::Invalid(errors))
    };
    let failed = match result {
        Ok(user) => match app.sign_in(&user.email, &password, &visitor.client).await {
            Ok(opened) => return Ok(into_session(&app, &next, &opened.token)),
            Err(error) => return Err(PageError { lang, error }),
        },
        Err(Error::Invalid(errors)) => errors,
        Err(Error::Conflict {
            code: "email_taken",
            ..
        }) => {
            let mut errors = FieldErrors::new();
            errors.add("email", "email_taken");
            errors
        }
        Err(error) => return Err(PageError { lang, error }),
    };
    let page = FormPage {
        next,
        email: fields.get("email").to_string(),
        display_name: fields.get("display_name").to_string(),
        form_error: Some(message(lang.locale, "portal.account.errors_summary", &[])),
        errors: field_messages(&failed, lang.locale),
        ..FormPage::default()
    };
    form_page(
        &app,
        &lang,
        &visitor,
        &SIGN_UP,
        StatusCode::UNPROCESSABLE_ENTITY,
        page,
    )
}

/// `?done=1` after a password change.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

/// Where an anonymous visitor of a signed-in page is sent: the sign-in form, back to `path` (without
/// the language prefix) after.
pub(crate) fn to_sign_in(lang: &Lang, path: &str) -> Response {
    see_other(&sign_in_href(lang, path), &[])
}

/// The link to the sign-in form that comes back to `path` (without the language prefix).
pub(crate) fn sign_in_href(lang: &Lang, path: &str) -> String {
    let here = format!("{}{path}", lang.prefix());
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("next", &here)
        .finish();
    format!("{}/sign-in?{query}", lang.prefix())
}

/// `GET /account/password`.
pub async fn password_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Query(query): Query<DoneQuery>,
) -> Answer {
    if visitor.signed_in.is_none() {
        return Ok(to_sign_in(&lang, PASSWORD_PATH));
    }
    let page = FormPage {
        done: query.done.is_some(),
        ..FormPage::default()
    };
    form_page(&app, &lang, &visitor, &PASSWORD, StatusCode::OK, page)
}

/// `POST /account/password`: checks the current password, sets the new one, ends the user's
/// other sessions.
pub async fn change_password(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    body: Bytes,
) -> Answer {
    let Some((fields, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, PASSWORD_PATH));
    };
    let new_password = fields.get("new_password").to_string();
    let result = if new_password == fields.get("new_password_confirm") {
        app.change_password(signed_in, fields.get("current_password"), new_password)
            .await
    } else {
        let mut errors = FieldErrors::new();
        errors.add("new_password_confirm", "password_mismatch");
        Err(Error::Invalid(errors))
    };
    let errors = match result {
        Ok(()) => {
            return Ok(see_other(
                &format!("{}{PASSWORD_PATH}?done=1", lang.prefix()),
                &[],
            ));
        }
        Err(Error::Invalid(errors)) => errors,
        Err(error) => return Err(PageError { lang, error }),
    };
    let page = FormPage {
        form_error: Some(message(lang.locale, "portal.account.errors_summary", &[])),
        errors: field_messages(&errors, lang.locale),
        ..FormPage::default()
    };
    form_page(
        &app,
        &lang,
        &visitor,
        &PASSWORD,
        StatusCode::UNPROCESSABLE_ENTITY,
        page,
    )
}
