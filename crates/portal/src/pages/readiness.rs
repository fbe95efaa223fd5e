//! `/readiness/…`: readiness assessments and action plans. Everyone reads the published ones: the
//! list, an assessment's report (summary table as in the 2019 report, then every dimension with
//! its questions and evidence; printable), the comparison of a re-assessment with its base, and
//! an action plan with its Gantt chart. The portal team (`odtf`) also sees drafts and edits:
//! rates questions and dimensions, adds and removes evidence and live figures, starts a
//! re-assessment, publishes it; starts action plans, adds, updates and removes their items and
//! publishes them.

mod compare;
mod edit;
mod list;
mod plan;
mod plan_edit;
mod report;
mod team;

pub use compare::page as compare_page;
pub use edit::{
    copy, copy_form, delete_evidence, dimension_form, publish, question_form, refresh,
    save_dimension, save_evidence, save_question,
};
pub use list::page as list_page;
pub use plan::page as plan_page;
pub use plan_edit::{
    add_item, create_plan, item_form, new_item_form, new_plan_form, publish_plan, remove_item,
    save_item,
};
pub use report::page as report_page;

use dulieu_core::text::LangText;
use dulieu_i18n::{Locale, message};
use dulieu_readiness::assessment::{Evidence, Passage};
use dulieu_readiness::framework::{Framework, Stance};
use dulieu_readiness::report::live_text;
use dulieu_readiness::{Balance, ContentLang};
use serde::Serialize;

use super::text_in;
use crate::format;
use crate::markdown;

/// The path of the readiness pages, without the language prefix.
pub(crate) const BASE: &str = "/readiness";

/// The path of an assessment's report.
pub(crate) fn assessment_path(slug: &str) -> String {
    format!("{BASE}/assessments/{slug}")
}

/// The path of an action plan's page.
pub(crate) fn plan_path(slug: &str) -> String {
    format!("{BASE}/plans/{slug}")
}

/// A rating as shown: its name, colour and meaning, and its column of the summary scale.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RatingView {
    code: String,
    label: String,
    meaning: String,
    color: String,
    scale: Option<String>,
}

/// The view of rating `code` of `framework` (none when not rated).
pub(crate) fn rating_view(
    framework: &Framework,
    code: Option<&str>,
    locale: Locale,
) -> Option<RatingView> {
    let level = framework.rating(code?)?;
    Some(RatingView {
        code: level.code.clone(),
        label: text_in(&level.label, locale),
        meaning: text_in(&level.meaning, locale),
        color: level.color.clone(),
        scale: level
            .summary
            .and_then(|c| framework.summary_scale.get(usize::from(c) - 1))
            .map(|c| text_in(c, locale)),
    })
}

/// Every rating of the scale, for legends and selects.
pub(crate) fn scale_views(framework: &Framework, locale: Locale) -> Vec<RatingView> {
    framework
        .ratings
        .iter()
        .filter_map(|r| rating_view(framework, Some(&r.code), locale))
        .collect()
}

/// An evidence sign as shown: the sign, its name and which way it weighs.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SignView {
    code: String,
    label: String,
    meaning: String,
    stance: &'static str,
}

pub(crate) fn sign_views(framework: &Framework, locale: Locale) -> Vec<SignView> {
    framework
        .signs
        .iter()
        .map(|s| SignView {
            code: s.code.clone(),
            label: text_in(&s.label, locale),
            meaning: text_in(&s.meaning, locale),
            stance: s.stance.as_str(),
        })
        .collect()
}

/// A passage rendered from Markdown, with its language when it differs from the page's.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PassageView {
    html: String,
    lang: Option<&'static str>,
}

/// The `lang` attribute a passage in `lang` needs on a page in `locale`.
pub(crate) fn foreign(lang: ContentLang, locale: Locale) -> Option<&'static str> {
    (lang.as_str() != locale.as_str()).then_some(lang.as_str())
}

pub(crate) fn passage_view(passage: &Passage, locale: Locale) -> PassageView {
    PassageView {
        html: markdown::to_html(&passage.text),
        lang: foreign(passage.lang, locale),
    }
}

/// One part of a live figure's breakdown.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PartView {
    label: String,
    value: String,
}

/// An evidence item as shown.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EvidenceView {
    id: String,
    sign: String,
    sign_label: String,
    stance: &'static str,
    html: Option<String>,
    lang: Option<&'static str>,
    live: Option<String>,
    breakdown: Vec<PartView>,
    source: Option<String>,
    url: Option<String>,
    observed_on: Option<String>,
}

pub(crate) fn evidence_view(
    framework: &Framework,
    evidence: &Evidence,
    locale: Locale,
) -> EvidenceView {
    let sign = framework.sign(&evidence.sign);
    EvidenceView {
        id: evidence.id.to_string(),
        sign: evidence.sign.clone(),
        sign_label: sign.map(|s| text_in(&s.label, locale)).unwrap_or_default(),
        stance: sign.map_or(Stance::Neutral, |s| s.stance).as_str(),
        html: (!evidence.text.is_empty()).then(|| markdown::to_html(&evidence.text)),
        lang: foreign(evidence.lang, locale),
        live: live_text(evidence, locale),
        breakdown: evidence
            .live
            .iter()
            .flat_map(|l| l.figure.breakdown.iter())
            .map(|p| PartView {
                label: text_in(&p.label, locale),
                value: format!("{}", p.value.round() as i64),
            })
            .collect(),
        source: evidence.source.clone(),
        url: evidence.url.clone(),
        observed_on: evidence.observed_on.map(|d| format::date(d, locale)),
    }
}

/// The balance in words.
pub(crate) fn balance_text(balance: &Balance, locale: Locale) -> String {
    dulieu_readiness::report::balance_text(balance, locale)
}

/// The name of importance `code` (empty when none).
pub(crate) fn importance_text(framework: &Framework, code: Option<&str>, locale: Locale) -> String {
    dulieu_readiness::report::importance_name(framework, code, locale)
}

/// A title in the page's language.
pub(crate) fn title_in(title: &LangText, locale: Locale) -> String {
    text_in(title, locale)
}

/// The name of an item status in `locale`.
pub(crate) fn status_label(status: dulieu_readiness::ItemStatus, locale: Locale) -> String {
    message(
        locale,
        &format!("readiness.status.{}", status.as_str()),
        &[],
    )
}

/// The readiness pages under `prefix` (`""` for Vietnamese, `"/en"` for English).
pub(crate) fn routes(prefix: &str) -> axum::Router<dulieu_app::App> {
    use axum::routing::{get, post};
    let at = |path: &str| format!("{prefix}{BASE}{path}");
    axum::Router::new()
        .route(&at(""), get(list_page))
        .route(&at("/assessments/{slug}"), get(report_page))
        .route(&at("/assessments/{slug}/compare"), get(compare_page))
        .route(&at("/assessments/{slug}/copy"), get(copy_form).post(copy))
        .route(&at("/assessments/{slug}/status"), post(publish))
        .route(&at("/assessments/{slug}/refresh"), post(refresh))
        .route(
            &at("/assessments/{slug}/questions/{question}"),
            get(question_form).post(save_question),
        )
        .route(
            &at("/assessments/{slug}/questions/{question}/evidence"),
            post(save_evidence),
        )
        .route(
            &at("/assessments/{slug}/dimensions/{dimension}"),
            get(dimension_form).post(save_dimension),
        )
        .route(
            &at("/assessments/{slug}/evidence/{evidence}/delete"),
            post(delete_evidence),
        )
        .route(&at("/new-plan"), get(new_plan_form).post(create_plan))
        .route(&at("/plans/{slug}"), get(plan_page))
        .route(&at("/plans/{slug}/status"), post(publish_plan))
        .route(
            &at("/plans/{slug}/new-item"),
            get(new_item_form).post(add_item),
        )
        .route(
            &at("/plans/{slug}/items/{item}"),
            get(item_form).post(save_item),
        )
        .route(&at("/plans/{slug}/items/{item}/delete"), post(remove_item))
}
