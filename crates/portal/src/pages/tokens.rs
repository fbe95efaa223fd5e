//! `/account/tokens`: the signed-in user's API tokens (name, created, last used, revoked), the form
//! that creates one (`App::create_token`; its secret is shown once, in the answer to the form,
//! which no cache keeps) and a revoke button per live token (`App::revoke_token`).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use dulieu_app::{App, NewToken, TokenRequest};
use dulieu_core::{Error, Result};
use dulieu_i18n::message;
use serde::Serialize;
use uuid::Uuid;

use super::account::{errors_summary, field_messages, signed_in_post, to_sign_in};
use crate::error::PageError;
use crate::format;
use crate::lang::Lang;
use crate::notice::{NoticeQuery, redirect_with_notice};
use crate::render::render;
use crate::session::Visitor;

/// The page's path without the language prefix.
const TOKENS_PATH: &str = "/account/tokens";

/// What the page shows besides the list.
#[derive(Default)]
struct Shown {
    notice: NoticeQuery,
    name: String,
    errors: BTreeMap<String, Vec<String>>,
    created: Option<NewToken>,
}

#[derive(Serialize)]
struct TokensPage {
    csrf: String,
    action: String,
    tokens: Vec<TokenRow>,
    name: String,
    errors: BTreeMap<String, Vec<String>>,
    form_error: Option<String>,
    notice: Option<String>,
    created: Option<CreatedToken>,
}

#[derive(Serialize)]
struct TokenRow {
    name: String,
    created: String,
    last_used: Option<String>,
    revoked: Option<String>,
    revoke_action: String,
}

/// A token just created, with its secret.
#[derive(Serialize)]
struct CreatedToken {
    name: String,
    secret: String,
}

async fn show(app: &App, lang: &Lang, visitor: &Visitor, shown: Shown) -> Result<Response> {
    let locale = lang.locale;
    let action = format!("{}{TOKENS_PATH}", lang.prefix());
    let tokens = app
        .list_tokens(&visitor.actor())
        .await?
        .into_iter()
        .map(|t| TokenRow {
            revoke_action: format!("{action}/{}/revoke", t.id),
            created: format::moment(t.created_at, locale),
            last_used: t.last_used_at.map(|at| format::moment(at, locale)),
            revoked: t.revoked_at.map(|at| format::moment(at, locale)),
            name: t.name,
        })
        .collect();
    let status = if shown.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let secret_shown = shown.created.is_some();
    let page = TokensPage {
        csrf: visitor.csrf_token(),
        action,
        tokens,
        name: shown.name,
        form_error: errors_summary(&shown.errors, locale),
        errors: shown.errors,
        notice: shown.notice.notice(locale),
        created: shown.created.map(|t| CreatedToken {
            name: t.token.name,
            secret: t.token_secret,
        }),
    };
    let title = message(locale, "portal.tokens.title", &[]);
    let html = render("tokens.html", lang, visitor, &title, page)?;
    let mut response = (status, Html(html)).into_response();
    if secret_shown {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

/// `GET /account/tokens`.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Query(notice): Query<NoticeQuery>,
) -> std::result::Result<Response, PageError> {
    if visitor.signed_in.is_none() {
        return Ok(to_sign_in(&lang, TOKENS_PATH));
    }
    let shown = Shown {
        notice,
        ..Shown::default()
    };
    show(&app, &lang, &visitor, shown)
        .await
        .map_err(|error| PageError { lang, error })
}

/// `POST /account/tokens` (`name`): creates a token and shows the page with its secret, once; a
/// refused name is shown next to its input (422).
pub async fn create(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    body: Bytes,
) -> std::result::Result<Response, PageError> {
    let Some((fields, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, TOKENS_PATH));
    };
    let name = fields.get("name").to_string();
    let request = TokenRequest {
        name: Some(name.clone()),
        email: None,
        password: None,
    };
    let shown = match app.create_token(&signed_in.actor, request).await {
        Ok(created) => Shown {
            created: Some(created),
            ..Shown::default()
        },
        Err(Error::Invalid(errors)) => Shown {
            name,
            errors: field_messages(&errors, lang.locale),
            ..Shown::default()
        },
        Err(error) => return Err(PageError { lang, error }),
    };
    show(&app, &lang, &visitor, shown)
        .await
        .map_err(|error| PageError { lang, error })
}

/// `POST /account/tokens/{id}/revoke`: revokes one of the visitor's tokens and goes back to the
/// page.
pub async fn revoke(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> std::result::Result<Response, PageError> {
    let Some((_, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, TOKENS_PATH));
    };
    let revoked = match Uuid::parse_str(&id) {
        Ok(id) => app.revoke_token(&signed_in.actor, id).await,
        Err(_) => Err(Error::not_found("token", &id)),
    };
    match revoked {
        Ok(()) => Ok(redirect_with_notice(
            &lang,
            TOKENS_PATH,
            "token_revoked",
            "",
        )),
        Err(error) => Err(PageError { lang, error }),
    }
}
