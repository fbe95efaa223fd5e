//! `/organization/{slug}/inventory`: an organization's inventory — how its items keep to their
//! target dates (due, on time, late, overdue, the on-time share), its publication plan as a
//! timeline (SVG, with the same facts as a table), and every item it holds. Its editors get the
//! buttons that add an item and import a spreadsheet.

use axum::extract::{Path, Query, State};
use dulieu_app::inventory::{InventoryQuery, ItemOrder};
use dulieu_app::{App, PageRequest};
use dulieu_core::Result;
use dulieu_i18n::message;
use dulieu_inventory::plan::{Standing, standing};
use serde::{Deserialize, Serialize};

use super::timeline::{self, Mark, Words};
use super::{Organizations, Row, Shown, TimelinessView, item_path, label, today};
use crate::error::{PageResult, respond};
use crate::format;
use crate::lang::Lang;
use crate::pages::text_in;
use crate::render::render;
use crate::session::Visitor;

/// Most items listed under the plan (the national list pages through the rest).
const LIST_LIMIT: i64 = 500;

/// `?saved=1` after an import, `?deleted=1` after an item was deleted.
#[derive(Debug, Default, Deserialize)]
pub struct PlanQuery {
    #[serde(default)]
    deleted: Option<String>,
}

/// One dated item in the timeline's table.
#[derive(Debug, Serialize)]
struct PlanRow {
    href: String,
    title: Shown,
    target_date: String,
    status: &'static str,
    status_label: String,
    standing: &'static str,
    standing_label: String,
    overdue: bool,
    color: &'static str,
}

/// A status in the timeline's legend.
#[derive(Debug, Serialize)]
struct LegendEntry {
    label: String,
    color: &'static str,
}

#[derive(Debug, Serialize)]
struct PlanPage {
    organization_name: String,
    organization_href: String,
    scorecard_href: String,
    list_href: String,
    priorities_href: String,
    csv_href: String,
    xlsx_href: String,
    timeliness: TimelinessView,
    dated: usize,
    undated: i64,
    svg: String,
    timeline_label: String,
    plan_rows: Vec<PlanRow>,
    legend: Vec<LegendEntry>,
    rows: Vec<Row>,
    total: i64,
    can_edit: bool,
    new_href: String,
    import_href: String,
    deleted: bool,
}

/// `GET /organization/{slug}/inventory`.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(query): Query<PlanQuery>,
) -> PageResult {
    let page = build(&app, &lang, &visitor, &slug, &query).await;
    respond(lang, page)
}

async fn build(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    slug: &str,
    query: &PlanQuery,
) -> Result<String> {
    let locale = lang.locale;
    let actor = visitor.actor();
    let plan = app.publication_plan(&actor, slug).await?;
    let organization = &plan.organization;
    let slug = organization.slug.as_str();
    let name = text_in(&organization.name, locale);
    let all = app
        .list_inventory(
            &actor,
            &InventoryQuery {
                organization: Some(organization.id.to_string()),
                order: ItemOrder::Title,
                ..InventoryQuery::default()
            },
            PageRequest {
                page: 1,
                page_size: LIST_LIMIT,
            },
        )
        .await?;
    let organizations = Organizations::read(app, locale).await?;
    let today = today();
    let overdue = plan.items.iter().filter(|i| i.overdue).count();
    let marks: Vec<Mark> = plan
        .items
        .iter()
        .filter_map(|item| {
            Some(Mark {
                title: Shown::of(&item.fields.title, locale).text,
                target: item.fields.target_date?,
                status: item.fields.status,
                overdue: item.overdue,
            })
        })
        .collect();
    let (from, to) = (
        marks.iter().map(|m| m.target).min(),
        marks.iter().map(|m| m.target).max(),
    );
    let words = Words {
        title: message(
            locale,
            "portal.inventory.timeline_title",
            &[("organization", &name)],
        ),
        description: message(
            locale,
            "portal.inventory.timeline_desc",
            &[
                ("items", &marks.len().to_string()),
                ("overdue", &overdue.to_string()),
                (
                    "from",
                    &from.map(|d| format::date(d, locale)).unwrap_or_default(),
                ),
                (
                    "to",
                    &to.map(|d| format::date(d, locale)).unwrap_or_default(),
                ),
                ("today", &format::date(today, locale)),
            ],
        ),
        today: message(locale, "portal.inventory.today", &[]),
    };
    let plan_rows = plan
        .items
        .iter()
        .filter_map(|item| {
            let fields = &item.fields;
            let target = fields.target_date?;
            let standing = match standing(fields.status, Some(target), item.published_on, today) {
                Standing::NotDue => "not_due",
                Standing::OnTime => "on_time",
                Standing::Late => "late",
                Standing::Overdue => "overdue",
            };
            Some(PlanRow {
                href: format!("{}{}", lang.prefix(), item_path(item.id)),
                title: Shown::of(&fields.title, locale),
                target_date: format::date(target, locale),
                status: fields.status.as_str(),
                status_label: label(locale, "status", fields.status.as_str()),
                standing,
                standing_label: message(
                    locale,
                    &format!("portal.inventory.standing.{standing}"),
                    &[],
                ),
                overdue: item.overdue,
                color: timeline::status_color(fields.status),
            })
        })
        .collect();
    let filter = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("organization", slug)
        .finish();
    let base = super::organization_path(slug);
    let page = PlanPage {
        organization_href: format!("{}/organization/{slug}", lang.prefix()),
        scorecard_href: format!(
            "{}{}",
            lang.prefix(),
            crate::pages::quality::scorecard_path(slug)
        ),
        list_href: format!("{}/inventory?{filter}", lang.prefix()),
        priorities_href: format!("{}/inventory/priorities?{filter}", lang.prefix()),
        csv_href: format!(
            "/api/1/inventory/export.csv?{filter}&lang={}",
            locale.as_str()
        ),
        xlsx_href: format!(
            "/api/1/inventory/export.xlsx?{filter}&lang={}",
            locale.as_str()
        ),
        timeliness: TimelinessView::new(&plan.timeliness),
        dated: plan.items.len(),
        undated: plan.undated,
        svg: timeline::render(&marks, today, &words, "plan-timeline"),
        timeline_label: words.title.clone(),
        plan_rows,
        legend: dulieu_inventory::ItemStatus::ALL
            .iter()
            .map(|s| LegendEntry {
                label: label(locale, "status", s.as_str()),
                color: timeline::status_color(*s),
            })
            .collect(),
        rows: all
            .results
            .iter()
            .map(|item| Row::new(item, &organizations, lang))
            .collect(),
        total: all.total,
        can_edit: actor.can_edit_datasets_of(organization.id),
        new_href: format!("{}{base}/new", lang.prefix()),
        import_href: format!("{}{base}/import", lang.prefix()),
        deleted: query.deleted.is_some(),
        organization_name: name,
    };
    let title = message(
        locale,
        "portal.inventory.organization_title",
        &[("organization", &page.organization_name)],
    );
    render("inventory_plan.html", lang, visitor, &title, page)
}
