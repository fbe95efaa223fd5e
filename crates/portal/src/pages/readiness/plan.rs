//! `/readiness/plans/{slug}`: an action plan — its Gantt chart by month over Y1–Y3 (SVG, with
//! today's line and late items marked) and, as its text alternative, the table of items by
//! dimension: responsible bodies, months, cost, status (late ones flagged), prerequisites,
//! references and progress notes. The portal team gets an "update" link per item, a link to add
//! an item and the button that publishes the plan or takes it back to a draft.

use axum::extract::{Path, Query, State};
use chrono::{NaiveDate, Utc};
use dulieu_app::App;
use dulieu_core::Result;
use dulieu_i18n::{Locale, message};
use dulieu_readiness::plan::{ActionItem, ActionPlan};
use dulieu_readiness::{PublicationStatus, gantt};
use serde::{Deserialize, Serialize};

use super::{assessment_path, foreign, plan_path, status_label, title_in};
use crate::error::{PageResult, respond};
use crate::format;
use crate::lang::Lang;
use crate::markdown;
use crate::render::render;
use crate::session::Visitor;

/// `?saved=1` after a change, `?removed=1` after an item was removed.
#[derive(Debug, Default, Deserialize)]
pub struct PlanQuery {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    removed: Option<String>,
}

#[derive(Serialize)]
struct PlanPage {
    framework: String,
    starts: String,
    draft: bool,
    source: Option<String>,
    assessment_href: Option<String>,
    svg: String,
    late: String,
    json_href: String,
    groups: Vec<Group>,
    team: bool,
    csrf: String,
    edit_base: String,
    notice: Option<String>,
}

#[derive(Serialize)]
struct Group {
    id: String,
    name: String,
    items: Vec<ItemView>,
}

#[derive(Serialize)]
struct ItemView {
    id: String,
    anchor: String,
    title: String,
    lang: Option<&'static str>,
    description_html: Option<String>,
    term: Option<String>,
    responsible: String,
    months: String,
    dates: String,
    schedule_note: Option<String>,
    cost: Option<String>,
    cost_is_note: bool,
    cost_note: Option<String>,
    status: &'static str,
    status_label: String,
    late: bool,
    prerequisites: Vec<Prerequisite>,
    prerequisite_note: Option<String>,
    references: Vec<Reference>,
    notes: Vec<Note>,
    edit_href: String,
}

#[derive(Serialize)]
struct Prerequisite {
    anchor: String,
    title: String,
}

#[derive(Serialize)]
struct Reference {
    title: String,
    url: Option<String>,
}

#[derive(Serialize)]
struct Note {
    at: String,
    author: Option<String>,
    status_label: String,
    text: Option<String>,
}

/// The anchor of an item on the plan page.
pub(crate) fn item_anchor(item: &ActionItem) -> String {
    format!("item-{}", item.id)
}

/// `GET /readiness/plans/{slug}` and its English twin.
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
    let prefix = lang.prefix();
    let actor = visitor.actor();
    let (plan, framework) = app.get_plan(&actor, slug).await?;
    let today = Utc::now().date_naive();
    let labels = gantt::labels(&plan, framework, today, locale);
    let svg = gantt::render(&plan, today, &labels, "gantt");
    let assessment_href = match plan.assessment {
        Some(id) => app
            .get_assessment(&actor, &id.to_string())
            .await
            .ok()
            .map(|(a, _)| format!("{prefix}{}", assessment_path(&a.slug))),
        None => None,
    };
    let late = plan.items.iter().filter(|i| plan.is_late(i, today)).count();
    let mut groups: Vec<Group> = Vec::new();
    for item in &plan.items {
        let view = item_view(&plan, item, today, lang);
        match groups.iter_mut().find(|g| g.id == item.dimension) {
            Some(group) => group.items.push(view),
            None => groups.push(Group {
                id: item.dimension.clone(),
                name: framework
                    .dimension(&item.dimension)
                    .map(|d| title_in(&d.name, locale))
                    .unwrap_or_else(|| item.dimension.clone()),
                items: vec![view],
            }),
        }
    }
    let page = PlanPage {
        framework: format!(
            "{}, v{}",
            title_in(&framework.name, locale),
            framework.version
        ),
        starts: month_year(plan.starts_on, locale),
        draft: plan.status == PublicationStatus::Draft,
        source: plan.source.clone(),
        assessment_href,
        svg,
        late: message(
            locale,
            "portal.readiness.late_count",
            &[("count", &late.to_string())],
        ),
        json_href: format!("/api/1/action-plans/{}", plan.slug),
        groups,
        team: actor.can_manage_portal(),
        csrf: visitor
            .csrf_binding()
            .map(dulieu_app::csrf_token)
            .unwrap_or_default(),
        edit_base: format!("{prefix}{}", plan_path(&plan.slug)),
        notice: match (&query.saved, &query.removed) {
            (_, Some(_)) => Some(message(locale, "portal.readiness.item_removed", &[])),
            (Some(_), None) => Some(message(locale, "portal.readiness.saved", &[])),
            (None, None) => None,
        },
    };
    render(
        "action_plan.html",
        lang,
        visitor,
        &title_in(&plan.title, locale),
        page,
    )
}

/// The first line of `text`, at most 60 characters (the table shows the estimate; the item's
/// details the whole note).
fn shortened(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > 60 {
        let cut: String = line.chars().take(59).collect();
        format!("{}…", cut.trim_end())
    } else {
        line.to_string()
    }
}

/// `04/2019` (Vietnamese) or `2019-04` (English).
fn month_year(day: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::Vi => day.format("%m/%Y").to_string(),
        Locale::En => day.format("%Y-%m").to_string(),
    }
}

fn item_view(plan: &ActionPlan, item: &ActionItem, today: NaiveDate, lang: &Lang) -> ItemView {
    let locale = lang.locale;
    let last_day = plan
        .month_start(item.end_month + 1)
        .pred_opt()
        .unwrap_or(plan.starts_on);
    ItemView {
        id: item.id.to_string(),
        anchor: item_anchor(item),
        title: item.title.clone(),
        lang: foreign(item.lang, locale),
        description_html: item.description.as_deref().map(markdown::to_html),
        term: item
            .term
            .map(|t| message(locale, &format!("readiness.term.{}", t.as_str()), &[])),
        responsible: item.responsible.join(", "),
        months: message(
            locale,
            "portal.readiness.month_range",
            &[
                ("start", &item.start_month.to_string()),
                ("end", &item.end_month.to_string()),
            ],
        ),
        dates: format!(
            "{} – {}",
            month_year(plan.month_start(item.start_month), locale),
            month_year(last_day, locale)
        ),
        schedule_note: item.schedule_note.clone(),
        cost: item.cost.range_text(locale).map(|text| shortened(&text)),
        cost_is_note: item.cost.min.is_none() && item.cost.max.is_none(),
        cost_note: item.cost.note.clone(),
        status: item.status.as_str(),
        status_label: status_label(item.status, locale),
        late: plan.is_late(item, today),
        prerequisites: item
            .prerequisites
            .iter()
            .filter_map(|id| plan.item(*id))
            .map(|p| Prerequisite {
                anchor: item_anchor(p),
                title: p.title.clone(),
            })
            .collect(),
        prerequisite_note: item.prerequisite_note.clone(),
        references: item
            .references
            .iter()
            .map(|r| Reference {
                title: r.title.clone(),
                url: r.url.clone(),
            })
            .collect(),
        notes: item
            .notes
            .iter()
            .map(|n| Note {
                at: format::date(n.at.date_naive(), locale),
                author: n.author.clone(),
                status_label: status_label(n.status, locale),
                text: n.text.clone(),
            })
            .collect(),
        edit_href: format!(
            "{}{}/items/{}",
            lang.prefix(),
            plan_path(&plan.slug),
            item.id
        ),
    }
}
