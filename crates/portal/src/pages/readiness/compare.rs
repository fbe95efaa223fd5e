//! `/readiness/assessments/{slug}/compare?with=…`: what changed between an earlier assessment (by
//! default the one this re-assessment was copied from) and this one — per question, the rating
//! before and after and the evidence added and removed; questions where nothing changed are
//! counted, not listed.

use axum::extract::{Path, Query, State};
use dulieu_app::App;
use dulieu_core::Result;
use dulieu_i18n::{Locale, message};
use dulieu_readiness::Framework;
use dulieu_readiness::compare::Comparison;
use serde::{Deserialize, Serialize};

use super::report::anchor;
use super::{EvidenceView, RatingView, assessment_path, evidence_view, rating_view, title_in};
use crate::error::{PageResult, respond};
use crate::lang::Lang;
use crate::render::render;
use crate::session::Visitor;

/// `?with=` names the earlier assessment.
#[derive(Debug, Default, Deserialize)]
pub struct CompareQuery {
    #[serde(default)]
    with: Option<String>,
}

#[derive(Serialize)]
struct ComparePage {
    to: Side,
    from: Option<Side>,
    summary: Option<String>,
    dimensions: Vec<DimensionChange>,
    choices: Vec<Choice>,
    action: String,
}

#[derive(Serialize)]
struct Side {
    href: String,
    title: String,
}

#[derive(Serialize)]
struct Choice {
    slug: String,
    title: String,
    selected: bool,
}

#[derive(Serialize)]
struct DimensionChange {
    id: String,
    name: String,
    rating_from: Option<RatingView>,
    rating_to: Option<RatingView>,
    rating_changed: bool,
    questions: Vec<QuestionChange>,
}

#[derive(Serialize)]
struct QuestionChange {
    id: String,
    href: String,
    text: String,
    rating_from: Option<RatingView>,
    rating_to: Option<RatingView>,
    rating_changed: bool,
    added: Vec<EvidenceView>,
    removed: Vec<EvidenceView>,
}

/// `GET /readiness/assessments/{slug}/compare` and its English twin.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(query): Query<CompareQuery>,
) -> PageResult {
    let page = build(&app, &lang, &visitor, &slug, query).await;
    respond(lang, page)
}

async fn build(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    slug: &str,
    query: CompareQuery,
) -> Result<String> {
    let locale = lang.locale;
    let prefix = lang.prefix();
    let actor = visitor.actor();
    let (later, framework) = app.get_assessment(&actor, slug).await?;
    let with = query.with.filter(|w| !w.trim().is_empty());
    let side = |a: &dulieu_readiness::Assessment| Side {
        href: format!("{prefix}{}", assessment_path(&a.slug)),
        title: title_in(&a.meta.title, locale),
    };
    let (from, summary, dimensions) = if with.is_some() || later.based_on.is_some() {
        let (earlier, later, comparison) = app
            .compare_assessments(&actor, slug, with.as_deref())
            .await?;
        let summary = summary_text(&comparison, locale);
        let dimensions = changes(framework, &comparison, &side(&later).href, locale);
        (Some(side(&earlier)), Some(summary), dimensions)
    } else {
        (None, None, Vec::new())
    };
    let chosen =
        with.unwrap_or_else(|| later.based_on.map(|id| id.to_string()).unwrap_or_default());
    let choices = app
        .list_assessments(&actor)
        .await?
        .into_iter()
        .filter(|a| a.framework == later.framework && a.id != later.id)
        .map(|a| Choice {
            selected: chosen == a.slug || chosen == a.id.to_string(),
            slug: a.slug,
            title: title_in(&a.meta.title, locale),
        })
        .collect();
    let to = side(&later);
    let title = message(
        locale,
        "portal.readiness.comparison",
        &[("title", &to.title)],
    );
    let page = ComparePage {
        action: format!("{prefix}{}/compare", assessment_path(&later.slug)),
        to,
        from,
        summary,
        dimensions,
        choices,
    };
    render("readiness_compare.html", lang, visitor, &title, page)
}

fn summary_text(comparison: &Comparison, locale: Locale) -> String {
    message(
        locale,
        "portal.readiness.comparison_summary",
        &[
            ("ratings", &comparison.ratings_changed.to_string()),
            ("added", &comparison.evidence_added.to_string()),
            ("removed", &comparison.evidence_removed.to_string()),
            ("unchanged", &comparison.unchanged_questions.to_string()),
        ],
    )
}

/// The dimensions where something changed, with the questions that changed.
fn changes(
    framework: &Framework,
    comparison: &Comparison,
    report_href: &str,
    locale: Locale,
) -> Vec<DimensionChange> {
    comparison
        .dimensions
        .iter()
        .filter(|d| d.rating_from != d.rating_to || !d.questions.is_empty())
        .map(|d| DimensionChange {
            id: d.id.clone(),
            name: framework
                .dimension(&d.id)
                .map(|def| title_in(&def.name, locale))
                .unwrap_or_else(|| d.id.clone()),
            rating_from: rating_view(framework, d.rating_from.as_deref(), locale),
            rating_to: rating_view(framework, d.rating_to.as_deref(), locale),
            rating_changed: d.rating_from != d.rating_to,
            questions: d
                .questions
                .iter()
                .map(|q| QuestionChange {
                    id: q.id.clone(),
                    href: format!("{report_href}#{}", anchor(&q.id)),
                    text: framework
                        .question(&q.id)
                        .map(|(_, def)| title_in(&def.text, locale))
                        .unwrap_or_default(),
                    rating_from: rating_view(framework, q.rating_from.as_deref(), locale),
                    rating_to: rating_view(framework, q.rating_to.as_deref(), locale),
                    rating_changed: q.rating_changed,
                    added: q
                        .evidence_added
                        .iter()
                        .map(|e| evidence_view(framework, e, locale))
                        .collect(),
                    removed: q
                        .evidence_removed
                        .iter()
                        .map(|e| evidence_view(framework, e, locale))
                        .collect(),
                })
                .collect(),
        })
        .collect()
}
