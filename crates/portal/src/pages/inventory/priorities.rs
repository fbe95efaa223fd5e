//! `/inventory/priorities` (optionally `?organization=`): which items to publish first — the
//! value/effort matrix (quick wins, major projects, fill-ins, items to reconsider, and those
//! whose effort is not assessed yet), each quadrant listing its items, then the items still to
//! publish ranked by value, then least effort.

use axum::extract::{Query, State};
use dulieu_app::App;
use dulieu_app::inventory::{InventoryQuery, ItemOrder, RankedItem};
use dulieu_core::Result;
use dulieu_i18n::message;
use dulieu_inventory::plan::Quadrant;
use serde::{Deserialize, Serialize};

use super::{Choice, Organizations, Shown, item_path, label};
use crate::error::{PageResult, respond};
use crate::format;
use crate::lang::Lang;
use crate::render::render;
use crate::session::Visitor;

/// `?organization=` of the page.
#[derive(Debug, Default, Deserialize)]
pub struct PrioritiesQuery {
    #[serde(default)]
    organization: String,
}

/// An item in a quadrant.
#[derive(Debug, Serialize)]
struct QuadrantItem {
    href: String,
    title: Shown,
    value: u32,
}

/// A quadrant of the matrix with its items.
#[derive(Debug, Serialize)]
struct QuadrantView {
    key: &'static str,
    label: String,
    meaning: String,
    items: Vec<QuadrantItem>,
}

/// A row of the ranked table.
#[derive(Debug, Serialize)]
struct RankRow {
    rank: usize,
    href: String,
    title: Shown,
    organization: String,
    value: u32,
    effort: String,
    priority: String,
    quadrant: String,
    requests: i64,
    votes: i64,
    target_date: Option<String>,
    overdue: bool,
}

#[derive(Debug, Serialize)]
struct PrioritiesPage {
    organization: String,
    organization_name: Option<String>,
    organizations: Vec<Choice>,
    /// The four quadrants, high value first: quick wins, major projects, fill-ins, reconsider.
    quadrants: Vec<QuadrantView>,
    unassessed: QuadrantView,
    rows: Vec<RankRow>,
    plan_href: Option<String>,
}

/// `GET /inventory/priorities`.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Query(query): Query<PrioritiesQuery>,
) -> PageResult {
    let page = build(&app, &lang, &visitor, &query).await;
    respond(lang, page)
}

fn quadrant_view(quadrant: Quadrant, items: &[RankedItem], lang: &Lang) -> QuadrantView {
    let locale = lang.locale;
    QuadrantView {
        key: quadrant.as_str(),
        label: label(locale, "quadrant", quadrant.as_str()),
        meaning: message(
            locale,
            &format!("portal.inventory.quadrant_meaning.{}", quadrant.as_str()),
            &[],
        ),
        items: items
            .iter()
            .filter(|r| r.quadrant == quadrant)
            .map(|r| QuadrantItem {
                href: format!("{}{}", lang.prefix(), item_path(r.item.id)),
                title: Shown::of(&r.item.fields.title, locale),
                value: r.value,
            })
            .collect(),
    }
}

async fn build(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    query: &PrioritiesQuery,
) -> Result<String> {
    let locale = lang.locale;
    let organization = query.organization.trim().to_string();
    let priorities = app
        .inventory_priorities(
            &visitor.actor(),
            &InventoryQuery {
                organization: Some(organization.clone()).filter(|s| !s.is_empty()),
                order: ItemOrder::Title,
                ..InventoryQuery::default()
            },
        )
        .await?;
    let organizations = Organizations::read(app, locale).await?;
    let ranked = &priorities.items;
    let page = PrioritiesPage {
        organization_name: (!organization.is_empty())
            .then(|| organizations.name(&organization, locale)),
        plan_href: (!organization.is_empty()).then(|| {
            format!(
                "{}{}",
                lang.prefix(),
                super::organization_path(&organization)
            )
        }),
        organizations: organizations.choices.clone(),
        quadrants: [
            Quadrant::QuickWin,
            Quadrant::MajorProject,
            Quadrant::FillIn,
            Quadrant::Reconsider,
        ]
        .into_iter()
        .map(|q| quadrant_view(q, ranked, lang))
        .collect(),
        unassessed: quadrant_view(Quadrant::Unassessed, ranked, lang),
        rows: ranked
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let fields = &r.item.fields;
                RankRow {
                    rank: i + 1,
                    href: format!("{}{}", lang.prefix(), item_path(r.item.id)),
                    title: Shown::of(&fields.title, locale),
                    organization: organizations.name(&r.item.organization, locale),
                    value: r.value,
                    effort: match fields.effort {
                        Some(e) => label(locale, "effort", e.as_str()),
                        None => message(locale, "portal.inventory.not_assessed", &[]),
                    },
                    priority: label(locale, "priority", fields.priority.as_str()),
                    quadrant: label(locale, "quadrant", r.quadrant.as_str()),
                    requests: r.item.demand.requests,
                    votes: r.item.demand.votes,
                    target_date: fields.target_date.map(|d| format::date(d, locale)),
                    overdue: r.item.overdue,
                }
            })
            .collect(),
        organization,
    };
    let title = match &page.organization_name {
        Some(name) => message(
            locale,
            "portal.inventory.priorities_of",
            &[("organization", name)],
        ),
        None => message(locale, "portal.inventory.priorities_title", &[]),
    };
    render("inventory_priorities.html", lang, visitor, &title, page)
}
