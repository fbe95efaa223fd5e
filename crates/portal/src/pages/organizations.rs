//! `/organizations` (government bodies and non-government publishers in separate, labelled
//! sections, grouped by kind) and `/organization/{slug}` with its datasets.

use axum::extract::{Path, State};
use dulieu_app::{App, PageRequest};
use dulieu_core::Result;
use dulieu_core::vocab::{OrgKind, Provenance};
use dulieu_i18n::message;
use dulieu_search::Sort;
use serde::Serialize;

use super::home::filtered_href;
use super::{HitView, text_in};
use crate::error::{PageResult, respond};
use crate::lang::Lang;
use crate::markdown;
use crate::query::SearchQuery;
use crate::render::render;
use crate::session::Visitor;

/// Organizations listed on one page (the whole register, for now).
const LIST_LIMIT: i64 = 1000;

#[derive(Serialize)]
struct ListPage {
    sections: Vec<Section>,
}

#[derive(Serialize)]
struct Section {
    provenance: &'static str,
    groups: Vec<Group>,
}

#[derive(Serialize)]
struct Group {
    kind: &'static str,
    organizations: Vec<OrgLink>,
}

#[derive(Serialize)]
struct OrgLink {
    slug: String,
    name: String,
}

#[derive(Serialize)]
struct OrganizationPage {
    description_html: Option<String>,
    kind: &'static str,
    provenance: &'static str,
    website: Option<String>,
    contact_email: Option<String>,
    total: u64,
    hits: Vec<HitView>,
    search_href: String,
    quality_href: String,
    inventory_href: String,
}

/// `GET /organizations` and `GET /en/organizations`.
pub async fn list(State(app): State<App>, lang: Lang, visitor: Visitor) -> PageResult {
    let page = build_list(&app, &lang, &visitor).await;
    respond(lang, page)
}

/// `GET /organization/{slug}` and `GET /en/organization/{slug}`.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> PageResult {
    let page = build_page(&app, &lang, &visitor, &slug).await;
    respond(lang, page)
}

async fn build_list(app: &App, lang: &Lang, visitor: &Visitor) -> Result<String> {
    let locale = lang.locale;
    let organizations = app
        .list_organizations(PageRequest {
            page: 1,
            page_size: LIST_LIMIT,
        })
        .await?
        .results;
    let sections = [Provenance::Official, Provenance::Community]
        .into_iter()
        .map(|provenance| Section {
            provenance: provenance.as_str(),
            groups: OrgKind::ALL
                .iter()
                .filter(|kind| kind.provenance() == provenance)
                .filter_map(|&kind| {
                    let mut members: Vec<OrgLink> = organizations
                        .iter()
                        .filter(|o| o.kind == kind)
                        .map(|o| OrgLink {
                            slug: o.slug.clone(),
                            name: text_in(&o.name, locale),
                        })
                        .collect();
                    members.sort_by_key(|o| o.name.to_lowercase());
                    (!members.is_empty()).then_some(Group {
                        kind: kind.as_str(),
                        organizations: members,
                    })
                })
                .collect(),
        })
        .collect();
    let title = message(locale, "portal.organizations.title", &[]);
    render(
        "organizations.html",
        lang,
        visitor,
        &title,
        ListPage { sections },
    )
}

async fn build_page(app: &App, lang: &Lang, visitor: &Visitor, slug: &str) -> Result<String> {
    let locale = lang.locale;
    let organization = app.get_organization(slug).await?;
    let query = SearchQuery::default().toggled("organization", &organization.slug);
    let mut request = query.request(&[]);
    request.sort = Sort::Modified;
    let results = app.search(&visitor.actor(), request).await?;
    let description = text_in(&organization.description, locale);
    let page = OrganizationPage {
        description_html: (!description.trim().is_empty()).then(|| markdown::to_html(&description)),
        kind: organization.kind.as_str(),
        provenance: organization.provenance.as_str(),
        website: organization.website.clone(),
        contact_email: organization.contact_email.clone(),
        total: results.total,
        hits: results
            .results
            .iter()
            .map(|h| HitView::new(h, locale))
            .collect(),
        search_href: filtered_href("organization", &organization.slug, lang.prefix()),
        quality_href: format!(
            "{}{}",
            lang.prefix(),
            super::quality::scorecard_path(&organization.slug)
        ),
        inventory_href: format!(
            "{}{}",
            lang.prefix(),
            super::inventory::organization_path(&organization.slug)
        ),
    };
    render(
        "organization.html",
        lang,
        visitor,
        &text_in(&organization.name, locale),
        page,
    )
}
