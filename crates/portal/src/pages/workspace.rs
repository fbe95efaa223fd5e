//! `/workspace`: the signed-in publisher's organizations (with their role, and a link to manage
//! the members of those they administer), the datasets of those organizations, drafts apart from
//! published ones, links to the account pages and, for sysadmins, to the administration pages
//! (harvest sources). Anonymous visitors go to sign-in.

use axum::extract::State;
use axum::response::{Html, IntoResponse};
use dulieu_app::{App, PageRequest};
use dulieu_core::Result;
use dulieu_core::account::Actor;
use dulieu_i18n::message;
use serde::Serialize;

use super::account::to_sign_in;
use super::text_in;
use crate::error::PageError;
use crate::lang::Lang;
use crate::render::render;
use crate::session::Visitor;

/// Organizations and datasets read for the page (a publisher's whole set, for now).
const LIST_LIMIT: i64 = 1000;

#[derive(Serialize)]
struct WorkspacePage {
    /// Links to the portal's administration pages (sysadmins).
    administers: bool,
    organizations: Vec<MyOrganization>,
    drafts: Vec<MyDataset>,
    published: Vec<MyDataset>,
}

#[derive(Serialize)]
struct MyOrganization {
    slug: String,
    name: String,
    role: &'static str,
    manages_members: bool,
}

#[derive(Serialize)]
struct MyDataset {
    slug: String,
    title: String,
    publisher: String,
    status: &'static str,
    editable: bool,
}

/// `GET /workspace` and `GET /en/workspace`.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
) -> std::result::Result<axum::response::Response, PageError> {
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(&lang, "/workspace"));
    };
    match build(&app, &lang, &visitor, &signed_in.actor).await {
        Ok(html) => Ok(Html(html).into_response()),
        Err(error) => Err(PageError { lang, error }),
    }
}

async fn build(app: &App, lang: &Lang, visitor: &Visitor, actor: &Actor) -> Result<String> {
    let locale = lang.locale;
    let all = PageRequest {
        page: 1,
        page_size: LIST_LIMIT,
    };
    let mut organizations: Vec<MyOrganization> = app
        .list_organizations(all)
        .await?
        .results
        .into_iter()
        .filter_map(|o| {
            actor.roles.get(&o.id).map(|role| MyOrganization {
                slug: o.slug.clone(),
                name: text_in(&o.name, locale),
                role: role.as_str(),
                manages_members: actor.can_admin(o.id),
            })
        })
        .collect();
    organizations.sort_by_key(|o| o.name.to_lowercase());
    let (mut drafts, mut published) = (Vec::new(), Vec::new());
    for organization in &organizations {
        let datasets = app
            .list_datasets(actor, Some(&organization.slug), None, all)
            .await?
            .results;
        for dataset in datasets {
            let view = MyDataset {
                slug: dataset.slug.clone(),
                title: text_in(&dataset.title, locale),
                publisher: organization.name.clone(),
                status: dataset.status.as_str(),
                editable: actor.can_edit_datasets_of(dataset.publisher_id),
            };
            if !dataset.status.is_out() {
                drafts.push(view);
            } else {
                published.push(view);
            }
        }
    }
    let title = message(locale, "portal.workspace.title", &[]);
    render(
        "workspace.html",
        lang,
        visitor,
        &title,
        WorkspacePage {
            administers: actor.is_sysadmin,
            organizations,
            drafts,
            published,
        },
    )
}
