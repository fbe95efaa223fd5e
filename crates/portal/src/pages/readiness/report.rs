//! `/readiness/assessments/{slug}`: the report of an assessment — what describes it, the summary
//! table (dimension, importance, rating, its place on the Low…High scale, evidence balance), the
//! rating scale, then every dimension with its questions, ratings, evidence balance and evidence.
//! Ratings given without evidence are flagged. Prints to PDF; links to the Markdown and JSON
//! exports. The portal team also gets its editing links.

use axum::extract::{Path, Query, State};
use dulieu_app::App;
use dulieu_core::Result;
use dulieu_i18n::message;
use dulieu_readiness::PublicationStatus;
use dulieu_readiness::report::{self, DimensionDocument, QuestionDocument};
use serde::{Deserialize, Serialize};

use super::{
    EvidenceView, PassageView, RatingView, SignView, assessment_path, balance_text, evidence_view,
    importance_text, passage_view, rating_view, scale_views, sign_views, title_in,
};
use crate::error::{PageResult, respond};
use crate::format;
use crate::lang::Lang;
use crate::render::render;
use crate::session::Visitor;

/// `?saved=1` after a change, `?refreshed=N` after live figures were refreshed.
#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    refreshed: Option<u32>,
}

#[derive(Serialize)]
struct ReportPage {
    slug: String,
    framework: String,
    subject: String,
    assessors: String,
    period: Option<String>,
    published_on: Option<String>,
    source: Option<String>,
    draft: bool,
    based_on: Option<Link>,
    compare_href: Option<String>,
    export_md: String,
    export_json: String,
    scale: Vec<String>,
    ratings: Vec<RatingView>,
    signs: Vec<SignView>,
    has_importance: bool,
    balance: String,
    unsupported: usize,
    dimensions: Vec<DimensionView>,
    team: bool,
    csrf: String,
    notice: Option<String>,
    edit_base: String,
}

#[derive(Serialize)]
struct Link {
    href: String,
    title: String,
}

#[derive(Serialize)]
struct DimensionView {
    id: String,
    name: String,
    importance: String,
    rating: Option<RatingView>,
    column: Option<u8>,
    balance: String,
    unsupported: bool,
    commentary: Option<PassageView>,
    questions: Vec<QuestionView>,
}

#[derive(Serialize)]
struct QuestionView {
    id: String,
    anchor: String,
    text: String,
    wording: Option<PassageView>,
    importance: String,
    rating: Option<RatingView>,
    balance: String,
    unsupported: bool,
    commentary: Option<PassageView>,
    evidence: Vec<EvidenceView>,
}

/// The anchor of a question (`q-4-5`).
pub(crate) fn anchor(question: &str) -> String {
    format!(
        "q-{}",
        question
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
    )
}

/// `GET /readiness/assessments/{slug}` and its English twin.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(query): Query<ReportQuery>,
) -> PageResult {
    let page = build(&app, &lang, &visitor, &slug, &query).await;
    respond(lang, page)
}

async fn build(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    slug: &str,
    query: &ReportQuery,
) -> Result<String> {
    let locale = lang.locale;
    let actor = visitor.actor();
    let prefix = lang.prefix();
    let (assessment, framework) = app.get_assessment(&actor, slug).await?;
    let doc = report::document(&assessment, framework);
    let based_on = match assessment.based_on {
        Some(id) => app
            .get_assessment(&actor, &id.to_string())
            .await
            .ok()
            .map(|(base, _)| Link {
                href: format!("{prefix}{}", assessment_path(&base.slug)),
                title: title_in(&base.meta.title, locale),
            }),
        None => None,
    };
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| format::date(d, locale));
    let period = match (date(doc.meta.started_on), date(doc.meta.finished_on)) {
        (Some(start), Some(end)) => Some(format!("{start} – {end}")),
        (Some(start), None) => Some(format!("{start} –")),
        (None, Some(end)) => Some(format!("– {end}")),
        (None, None) => None,
    };
    let dimensions = doc
        .dimensions
        .iter()
        .map(|d| dimension_view(framework, d, locale))
        .collect();
    let notice = match (&query.saved, query.refreshed) {
        (Some(_), _) => Some(message(locale, "portal.readiness.saved", &[])),
        (None, Some(n)) => Some(message(
            locale,
            "portal.readiness.refreshed",
            &[("count", &n.to_string())],
        )),
        (None, None) => None,
    };
    let team = actor.can_manage_portal();
    let page = ReportPage {
        slug: assessment.slug.clone(),
        framework: format!(
            "{}, v{}",
            title_in(&framework.name, locale),
            framework.version
        ),
        subject: doc.meta.subject.clone(),
        assessors: doc.meta.assessors.join(", "),
        period,
        published_on: date(doc.meta.published_on),
        source: doc.meta.source.clone(),
        draft: doc.meta.status == PublicationStatus::Draft,
        compare_href: based_on
            .as_ref()
            .map(|_| format!("{prefix}{}/compare", assessment_path(&assessment.slug))),
        based_on,
        export_md: format!(
            "/api/1/assessments/{}/report.md?lang={}",
            assessment.slug,
            locale.as_str()
        ),
        export_json: format!("/api/1/assessments/{}", assessment.slug),
        scale: framework
            .summary_scale
            .iter()
            .map(|c| title_in(c, locale))
            .collect(),
        ratings: scale_views(framework, locale),
        signs: sign_views(framework, locale),
        has_importance: !framework.importance.is_empty(),
        balance: balance_text(&doc.balance, locale),
        unsupported: doc.unsupported_ratings,
        dimensions,
        team,
        csrf: if team {
            visitor
                .csrf_binding()
                .map(dulieu_app::csrf_token)
                .unwrap_or_default()
        } else {
            String::new()
        },
        notice,
        edit_base: format!("{prefix}{}", assessment_path(&assessment.slug)),
    };
    render(
        "assessment.html",
        lang,
        visitor,
        &title_in(&doc.meta.title, locale),
        page,
    )
}

fn dimension_view(
    framework: &dulieu_readiness::Framework,
    d: &DimensionDocument,
    locale: dulieu_i18n::Locale,
) -> DimensionView {
    DimensionView {
        id: d.id.clone(),
        name: title_in(&d.name, locale),
        importance: importance_text(framework, d.importance.as_deref(), locale),
        rating: rating_view(framework, d.rating.as_deref(), locale),
        column: d.readiness,
        balance: balance_text(&d.balance, locale),
        unsupported: d.unsupported,
        commentary: d.commentary.as_ref().map(|c| passage_view(c, locale)),
        questions: d
            .questions
            .iter()
            .map(|q| question_view(framework, q, locale))
            .collect(),
    }
}

fn question_view(
    framework: &dulieu_readiness::Framework,
    q: &QuestionDocument,
    locale: dulieu_i18n::Locale,
) -> QuestionView {
    let text = title_in(&q.text, locale);
    QuestionView {
        id: q.id.clone(),
        anchor: anchor(&q.id),
        wording: q
            .wording
            .as_ref()
            .filter(|w| w.text != text)
            .map(|w| passage_view(w, locale)),
        text,
        importance: importance_text(framework, q.importance.as_deref(), locale),
        rating: rating_view(framework, q.rating.as_deref(), locale),
        balance: balance_text(&q.balance, locale),
        unsupported: q.unsupported,
        commentary: q.commentary.as_ref().map(|c| passage_view(c, locale)),
        evidence: q
            .evidence
            .iter()
            .map(|e| evidence_view(framework, e, locale))
            .collect(),
    }
}
