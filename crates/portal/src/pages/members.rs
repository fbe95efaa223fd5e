//! `/workspace/organization/{slug}/members`: the members of an organization and their roles, for
//! its admins (and sysadmins; anyone else gets the 403 page). Adding a member by e-mail and
//! changing a role are one form each (`App::set_member`); removing is `App::remove_member`. Those
//! use cases hold the rules (admins only, the last admin stays); their refusals are shown on the
//! page.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use dulieu_app::{App, MemberRequest};
use dulieu_core::account::Actor;
use dulieu_core::catalog::Organization;
use dulieu_core::vocab::Role;
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_i18n::{Locale, message};
use serde::Serialize;
use uuid::Uuid;

use super::account::{errors_summary, field_messages, see_other, signed_in_post, to_sign_in};
use super::text_in;
use crate::error::PageError;
use crate::format;
use crate::lang::Lang;
use crate::notice::{NoticeQuery, redirect_with_notice, redirect_with_problem};
use crate::render::render;
use crate::session::Visitor;

/// The page's path without the language prefix.
fn members_path(slug: &str) -> String {
    format!("/workspace/organization/{slug}/members")
}

/// The add form's inputs as typed.
#[derive(Debug, Default, Serialize)]
struct AddValues {
    email: String,
    role: String,
}

/// What the page shows besides the organization's members.
#[derive(Debug, Default)]
struct Shown {
    notice: NoticeQuery,
    values: AddValues,
    errors: BTreeMap<String, Vec<String>>,
    problem: Option<String>,
}

#[derive(Serialize)]
struct MembersPage {
    organization: String,
    organization_href: String,
    csrf: String,
    action: String,
    members: Vec<MemberRow>,
    roles: Vec<RoleChoice>,
    values: AddValues,
    errors: BTreeMap<String, Vec<String>>,
    form_error: Option<String>,
    notice: Option<String>,
    problem: Option<String>,
}

#[derive(Serialize)]
struct MemberRow {
    email: String,
    role: &'static str,
    since: String,
    remove_action: String,
    is_me: bool,
}

#[derive(Serialize)]
struct RoleChoice {
    value: &'static str,
    label: String,
}

/// The organization `slug` if the visitor administers it (404 when it does not exist, 403 when
/// they are not its admin).
async fn administered(app: &App, actor: &Actor, slug: &str) -> Result<Organization> {
    let organization = app.get_organization(slug).await?;
    if actor.can_admin(organization.id) {
        Ok(organization)
    } else {
        Err(Error::Forbidden {
            action: "organization.members.manage",
        })
    }
}

async fn show(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    slug: &str,
    shown: Shown,
) -> Result<Response> {
    let locale = lang.locale;
    let actor = visitor.actor();
    let organization = administered(app, &actor, slug).await?;
    let members = app.list_members(&actor, slug).await?;
    let path = format!("{}{}", lang.prefix(), members_path(slug));
    let status = if shown.errors.is_empty() && shown.problem.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = MembersPage {
        organization: text_in(&organization.name, locale),
        organization_href: format!("{}/organization/{}", lang.prefix(), organization.slug),
        csrf: visitor.csrf_token(),
        members: members
            .into_iter()
            .map(|m| MemberRow {
                remove_action: format!("{path}/{}/remove", m.user_id),
                is_me: Some(m.user_id) == actor.user_id,
                since: format::date(m.created_at.date_naive(), locale),
                role: m.role.as_str(),
                email: m.email,
            })
            .collect(),
        action: path,
        roles: Role::ALL
            .iter()
            .map(|r| RoleChoice {
                value: r.as_str(),
                label: message(locale, &format!("ui.role.{}", r.as_str()), &[]),
            })
            .collect(),
        form_error: errors_summary(&shown.errors, locale),
        values: shown.values,
        errors: shown.errors,
        notice: shown.notice.notice(locale),
        problem: shown.problem.or_else(|| shown.notice.problem(locale, &[])),
    };
    let title = message(
        locale,
        "portal.members.title",
        &[("organization", &page.organization)],
    );
    let html = render("members.html", lang, visitor, &title, page)?;
    Ok((status, Html(html)).into_response())
}

/// `GET /workspace/organization/{slug}/members`.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(notice): Query<NoticeQuery>,
) -> std::result::Result<Response, PageError> {
    if visitor.signed_in.is_none() {
        return Ok(to_sign_in(&lang, &members_path(&slug)));
    }
    let shown = Shown {
        notice,
        ..Shown::default()
    };
    show(&app, &lang, &visitor, &slug, shown)
        .await
        .map_err(|error| PageError { lang, error })
}

/// The request of a posted add or change form: an unknown role is a field error.
fn member_request(values: &AddValues) -> Result<MemberRequest> {
    let Some(role) = Role::parse(&values.role) else {
        let mut errors = FieldErrors::new();
        errors.add("role", "invalid_role");
        return Err(Error::Invalid(errors));
    };
    Ok(MemberRequest {
        email: values.email.clone(),
        role,
    })
}

/// The refusal to leave an organization without an admin, shown at the top of the page.
fn last_admin(locale: Locale) -> String {
    message(locale, "portal.problem.last_admin", &[])
}

/// `POST /workspace/organization/{slug}/members` (`email`, `role`): adds a member or changes a
/// member's role, then goes back to the page; refusals are shown on the page again (422).
pub async fn save(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> std::result::Result<Response, PageError> {
    let Some((fields, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &members_path(&slug)));
    };
    let values = AddValues {
        email: fields.get("email").trim().to_string(),
        role: fields.get("role").to_string(),
    };
    let saved = match member_request(&values) {
        Ok(request) => app.set_member(&signed_in.actor, &slug, request).await,
        Err(error) => Err(error),
    };
    let mut shown = Shown::default();
    match saved {
        Ok(_) => {
            return Ok(redirect_with_notice(
                &lang,
                &members_path(&slug),
                "member_saved",
                "",
            ));
        }
        Err(Error::Invalid(errors)) => shown.errors = field_messages(&errors, lang.locale),
        Err(Error::Conflict {
            code: "last_admin", ..
        }) => shown.problem = Some(last_admin(lang.locale)),
        Err(error) => return Err(PageError { lang, error }),
    }
    shown.values = values;
    show(&app, &lang, &visitor, &slug, shown)
        .await
        .map_err(|error| PageError { lang, error })
}

/// `POST /workspace/organization/{slug}/members/{user_id}/remove`: removes a member and goes back
/// to the page (to the workspace when admins removed themselves).
pub async fn remove(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, user_id)): Path<(String, String)>,
    body: Bytes,
) -> std::result::Result<Response, PageError> {
    let Some((_, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &members_path(&slug)));
    };
    let fail = |error| PageError {
        lang: lang.clone(),
        error,
    };
    let user_id =
        Uuid::parse_str(&user_id).map_err(|_| fail(Error::not_found("membership", &user_id)))?;
    let back = members_path(&slug);
    match app.remove_member(&signed_in.actor, &slug, user_id).await {
        Ok(()) if signed_in.actor.user_id == Some(user_id) => {
            Ok(see_other(&format!("{}/workspace", lang.prefix()), &[]))
        }
        Ok(()) => Ok(redirect_with_notice(&lang, &back, "member_removed", "")),
        Err(Error::Conflict {
            code: "last_admin", ..
        }) => Ok(redirect_with_problem(&lang, &back, "last_admin", "")),
        Err(error) => Err(fail(error)),
    }
}
