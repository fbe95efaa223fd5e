//! `/readiness`: the assessments and action plans the visitor may see, and the live figures of
//! the portal; the portal team also gets the link that starts an action plan.

use axum::extract::State;
use dulieu_app::App;
use dulieu_core::Result;
use dulieu_i18n::message;
use dulieu_readiness::PublicationStatus;
use serde::Serialize;

use super::{BASE, assessment_path, plan_path, title_in};
use crate::error::{PageResult, respond};
use crate::format;
use crate::lang::Lang;
use crate::render::render;
use crate::session::Visitor;

#[derive(Serialize)]
struct ListPage {
    assessments: Vec<AssessmentRow>,
    plans: Vec<PlanRow>,
    indicators: Vec<IndicatorRow>,
    /// For the portal team: where a new action plan is started.
    new_plan_href: Option<String>,
}

#[derive(Serialize)]
struct AssessmentRow {
    href: String,
    title: String,
    framework: String,
    subject: String,
    draft: bool,
    published_on: Option<String>,
    progress: String,
}

#[derive(Serialize)]
struct PlanRow {
    href: String,
    title: String,
    draft: bool,
    starts: String,
    progress: String,
}

#[derive(Serialize)]
struct IndicatorRow {
    title: String,
    value: String,
    date: String,
}

/// `GET /readiness` and `GET /en/readiness`.
pub async fn page(State(app): State<App>, lang: Lang, visitor: Visitor) -> PageResult {
    let page = build(&app, &lang, &visitor).await;
    respond(lang, page)
}

async fn build(app: &App, lang: &Lang, visitor: &Visitor) -> Result<String> {
    let locale = lang.locale;
    let actor = visitor.actor();
    let prefix = lang.prefix();
    let assessments = app
        .list_assessments(&actor)
        .await?
        .into_iter()
        .map(|a| AssessmentRow {
            href: format!("{prefix}{}", assessment_path(&a.slug)),
            title: title_in(&a.meta.title, locale),
            framework: app
                .frameworks()
                .get(&a.framework, &a.framework_version)
                .map_or_else(|| a.framework.clone(), |f| title_in(&f.name, locale)),
            subject: a.meta.subject.clone(),
            draft: a.meta.status == PublicationStatus::Draft,
            published_on: a.meta.published_on.map(|d| format::date(d, locale)),
            progress: message(
                locale,
                "portal.readiness.progress",
                &[
                    ("rated", &a.rated.to_string()),
                    ("questions", &a.questions.to_string()),
                    ("evidence", &a.evidence.to_string()),
                ],
            ),
        })
        .collect();
    let plans = app
        .list_plans(&actor)
        .await?
        .into_iter()
        .map(|p| PlanRow {
            href: format!("{prefix}{}", plan_path(&p.slug)),
            title: title_in(&p.title, locale),
            draft: p.status == PublicationStatus::Draft,
            starts: p.starts_on.format("%m/%Y").to_string(),
            progress: message(
                locale,
                "portal.readiness.items_done",
                &[
                    ("done", &p.done.to_string()),
                    ("items", &p.items.to_string()),
                ],
            ),
        })
        .collect();
    let indicators = app
        .indicator_figures()
        .await?
        .into_iter()
        .map(|i| IndicatorRow {
            title: match locale {
                dulieu_i18n::Locale::Vi => i.title_vi.to_string(),
                dulieu_i18n::Locale::En => i.title_en.to_string(),
            },
            value: i.figure.value_text(locale),
            date: format::date(i.figure.as_of.date_naive(), locale),
        })
        .collect();
    let title = message(locale, "portal.readiness.title", &[]);
    render(
        "readiness_list.html",
        lang,
        visitor,
        &title,
        ListPage {
            assessments,
            plans,
            indicators,
            new_plan_href: actor
                .can_manage_portal()
                .then(|| format!("{prefix}{BASE}/new-plan")),
        },
    )
}
