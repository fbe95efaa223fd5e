//! The portal team's forms: rate a question or a dimension (rating, importance, commentary), add
//! or remove evidence and live figures, start a re-assessment, publish an assessment, refresh its
//! live figures, and update an action item (status, progress note). Every form carries the CSRF
//! token; the rules are the app's (`App::judge_question`, `App::add_evidence`, …) and their field
//! errors are shown next to the inputs. Anonymous visitors are sent to sign in; others outside
//! the team get the 403 page.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use dulieu_app::App;
use dulieu_core::account::Actor;
use dulieu_core::text::LangText;
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_i18n::{Locale, message};
use dulieu_readiness::assessment::{CopyRequest, EvidenceInput};
use dulieu_readiness::indicators::INDICATORS;
use dulieu_readiness::plan::ItemUpdate;
use dulieu_readiness::{ContentLang, ItemStatus, PublicationStatus};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::plan::item_anchor;
use super::report::anchor;
use super::{
    EvidenceView, PassageView, RatingView, assessment_path, balance_text, evidence_view,
    passage_view, plan_path, rating_view, status_label, title_in,
};
use crate::error::PageError;
use crate::form::Fields;
use crate::lang::Lang;
use crate::pages::account::{checked, field_messages, see_other, to_sign_in};
use crate::render::render;
use crate::session::Visitor;

/// What a form handler answers: a page, a redirect, or an error page.
type Answer = std::result::Result<Response, PageError>;

/// One option of a select.
#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

/// `?saved=1` after a change.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// The signed-in member of the portal team, or the answer for anyone else: sign-in for
/// anonymous visitors (back to `path`), 403 for others.
fn team_member(
    lang: &Lang,
    visitor: &Visitor,
    path: &str,
) -> std::result::Result<Actor, Box<Response>> {
    match &visitor.signed_in {
        None => Err(Box::new(to_sign_in(lang, path))),
        Some(signed_in) if signed_in.actor.can_manage_portal() => Ok(signed_in.actor.clone()),
        Some(_) => Err(Box::new(
            PageError {
                lang: lang.clone(),
                error: Error::Forbidden {
                    action: "readiness.edit",
                },
            }
            .into_response(),
        )),
    }
}

fn page_error(lang: &Lang, error: Error) -> PageError {
    PageError {
        lang: lang.clone(),
        error,
    }
}

fn csrf(visitor: &Visitor) -> String {
    visitor
        .csrf_binding()
        .map(dulieu_app::csrf_token)
        .unwrap_or_default()
}

/// Field errors by input name, translated; `rename` maps a core field to its input.
fn errors_by_input(
    errors: &FieldErrors,
    locale: Locale,
    rename: &[(&str, &str)],
) -> BTreeMap<String, Vec<String>> {
    let mut by_input: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (field, texts) in field_messages(errors, locale) {
        let top = field.split(['.', '[']).next().unwrap_or(&field).to_string();
        let input = rename
            .iter()
            .find(|(from, _)| *from == top)
            .map_or(top, |(_, to)| (*to).to_string());
        by_input.entry(input).or_default().extend(texts);
    }
    by_input
}

fn language_choices(locale: Locale) -> Vec<Choice> {
    ContentLang::ALL
        .iter()
        .map(|l| Choice {
            value: l.as_str().to_string(),
            label: message(
                locale,
                &format!("portal.readiness.lang.{}", l.as_str()),
                &[],
            ),
        })
        .collect()
}

/// An optional text of a form: trimmed, `None` when empty.
fn optional(fields: &Fields, name: &str) -> Option<String> {
    Some(fields.get(name).trim().to_string()).filter(|v| !v.is_empty())
}

// ---------------------------------------------------------------- question and dimension --

/// What the judgement form holds.
#[derive(Debug, Default, Serialize)]
struct JudgementValues {
    rating: String,
    importance: String,
    commentary: String,
    commentary_lang: String,
}

/// What the evidence form holds.
#[derive(Debug, Default, Serialize)]
struct EvidenceValues {
    sign: String,
    text: String,
    lang: String,
    source: String,
    url: String,
    observed_on: String,
    indicator: String,
    indicator_sign: String,
}

#[derive(Serialize)]
struct JudgePage {
    csrf: String,
    question: bool,
    id: String,
    heading: String,
    wording: Option<PassageView>,
    back_href: String,
    action: String,
    evidence_action: String,
    delete_base: String,
    current: Option<RatingView>,
    balance: String,
    ratings: Vec<Choice>,
    importance: Vec<Choice>,
    langs: Vec<Choice>,
    signs: Vec<Choice>,
    indicators: Vec<Choice>,
    values: JudgementValues,
    evidence_values: EvidenceValues,
    evidence: Vec<EvidenceView>,
    notice: Option<String>,
    form_error: Option<String>,
    errors: BTreeMap<String, Vec<String>>,
}

/// Which judgement form.
#[derive(Clone, Copy)]
enum Target<'a> {
    Question(&'a str),
    Dimension(&'a str),
}

impl Target<'_> {
    fn path(&self, slug: &str) -> String {
        match self {
            Target::Question(id) => format!("{}/questions/{id}", assessment_path(slug)),
            Target::Dimension(id) => format!("{}/dimensions/{id}", assessment_path(slug)),
        }
    }
}

/// Renders the judgement form of `target` with `status`.
#[allow(clippy::too_many_arguments)]
async fn show_judgement(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    actor: &Actor,
    slug: &str,
    target: Target<'_>,
    status: StatusCode,
    submitted: (Option<JudgementValues>, Option<EvidenceValues>),
    errors: BTreeMap<String, Vec<String>>,
    saved: bool,
) -> Result<Response> {
    let locale = lang.locale;
    let prefix = lang.prefix();
    let (assessment, framework) = app.get_assessment(actor, slug).await?;
    let doc = dulieu_readiness::report::document(&assessment, framework);
    let (id, heading, wording, rating, importance, commentary, balance, evidence) = match target {
        Target::Question(qid) => {
            let q = doc
                .dimensions
                .iter()
                .flat_map(|d| d.questions.iter())
                .find(|q| q.id == qid)
                .ok_or_else(|| Error::not_found("question", qid))?;
            let text = title_in(&q.text, locale);
            (
                q.id.clone(),
                text.clone(),
                q.wording
                    .as_ref()
                    .filter(|w| w.text != text)
                    .map(|w| passage_view(w, locale)),
                q.rating.clone(),
                q.importance.clone(),
                q.commentary.clone(),
                q.balance,
                q.evidence
                    .iter()
                    .map(|e| evidence_view(framework, e, locale))
                    .collect(),
            )
        }
        Target::Dimension(did) => {
            let d = doc
                .dimensions
                .iter()
                .find(|d| d.id == did)
                .ok_or_else(|| Error::not_found("dimension", did))?;
            (
                d.id.clone(),
                title_in(&d.name, locale),
                None,
                d.rating.clone(),
                d.importance.clone(),
                d.commentary.clone(),
                d.balance,
                Vec::new(),
            )
        }
    };
    let values = submitted.0.unwrap_or_else(|| JudgementValues {
        rating: rating.clone().unwrap_or_default(),
        importance: importance.clone().unwrap_or_default(),
        commentary_lang: commentary
            .as_ref()
            .map_or(locale.as_str(), |c| c.lang.as_str())
            .to_string(),
        commentary: commentary.map(|c| c.text).unwrap_or_default(),
    });
    let evidence_values = submitted.1.unwrap_or_else(|| EvidenceValues {
        sign: framework
            .signs
            .first()
            .map(|s| s.code.clone())
            .unwrap_or_default(),
        lang: locale.as_str().to_string(),
        indicator_sign: framework
            .signs
            .iter()
            .find(|s| s.stance == dulieu_readiness::framework::Stance::Neutral)
            .or(framework.signs.first())
            .map(|s| s.code.clone())
            .unwrap_or_default(),
        ..EvidenceValues::default()
    });
    let path = target.path(&assessment.slug);
    let back = match target {
        Target::Question(qid) => format!(
            "{prefix}{}#{}",
            assessment_path(&assessment.slug),
            anchor(qid)
        ),
        Target::Dimension(did) => {
            format!("{prefix}{}#dim-{did}", assessment_path(&assessment.slug))
        }
    };
    let page = JudgePage {
        csrf: csrf(visitor),
        question: matches!(target, Target::Question(_)),
        id,
        heading: heading.clone(),
        wording,
        back_href: back,
        action: format!("{prefix}{path}"),
        evidence_action: format!("{prefix}{path}/evidence"),
        delete_base: format!("{prefix}{}/evidence", assessment_path(&assessment.slug)),
        current: rating_view(framework, rating.as_deref(), locale),
        balance: balance_text(&balance, locale),
        ratings: framework
            .ratings
            .iter()
            .map(|r| Choice {
                value: r.code.clone(),
                label: format!(
                    "{} — {}",
                    title_in(&r.label, locale),
                    title_in(&r.meaning, locale)
                ),
            })
            .collect(),
        importance: framework
            .importance
            .iter()
            .map(|l| Choice {
                value: l.code.clone(),
                label: title_in(&l.label, locale),
            })
            .collect(),
        langs: language_choices(locale),
        signs: framework
            .signs
            .iter()
            .map(|s| Choice {
                value: s.code.clone(),
                label: format!("{} {}", s.code, title_in(&s.label, locale)),
            })
            .collect(),
        indicators: INDICATORS
            .iter()
            .map(|i| Choice {
                value: i.id.to_string(),
                label: i.title(locale).to_string(),
            })
            .collect(),
        values,
        evidence_values,
        evidence,
        notice: saved.then(|| message(locale, "portal.readiness.saved", &[])),
        form_error: (!errors.is_empty())
            .then(|| message(locale, "portal.account.errors_summary", &[])),
        errors,
    };
    let title = match target {
        Target::Question(qid) => message(locale, "portal.readiness.question_title", &[("id", qid)]),
        Target::Dimension(_) => message(
            locale,
            "portal.readiness.dimension_title",
            &[("name", &heading)],
        ),
    };
    let html = render("readiness_judge.html", lang, visitor, &title, page)?;
    Ok((status, Html(html)).into_response())
}

async fn judgement_form(
    app: App,
    lang: Lang,
    visitor: Visitor,
    slug: String,
    target: Target<'_>,
    saved: bool,
) -> Answer {
    let actor = match team_member(&lang, &visitor, &target.path(&slug)) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    show_judgement(
        &app,
        &lang,
        &visitor,
        &actor,
        &slug,
        target,
        StatusCode::OK,
        (None, None),
        BTreeMap::new(),
        saved,
    )
    .await
    .map_err(|e| page_error(&lang, e))
}

/// `GET /readiness/assessments/{slug}/questions/{question}`.
pub async fn question_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, question)): Path<(String, String)>,
    Query(query): Query<SavedQuery>,
) -> Answer {
    judgement_form(
        app,
        lang,
        visitor,
        slug,
        Target::Question(&question),
        query.saved.is_some(),
    )
    .await
}

/// `GET /readiness/assessments/{slug}/dimensions/{dimension}`.
pub async fn dimension_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, dimension)): Path<(String, String)>,
    Query(query): Query<SavedQuery>,
) -> Answer {
    judgement_form(
        app,
        lang,
        visitor,
        slug,
        Target::Dimension(&dimension),
        query.saved.is_some(),
    )
    .await
}

fn judgement_values(fields: &Fields) -> JudgementValues {
    JudgementValues {
        rating: fields.get("rating").to_string(),
        importance: fields.get("importance").to_string(),
        commentary: fields.get("commentary").to_string(),
        commentary_lang: fields.get("commentary_lang").to_string(),
    }
}

/// The merge patch of the judgement form: every field, empty ones as `null`.
fn judgement_patch(values: &JudgementValues) -> serde_json::Value {
    let value = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let commentary = value(&values.commentary).map(|text| {
        serde_json::json!({
            "text": text,
            "lang": ContentLang::parse(&values.commentary_lang).unwrap_or_else(|| ContentLang::detect(&text)),
        })
    });
    serde_json::json!({
        "rating": value(&values.rating),
        "importance": value(&values.importance),
        "commentary": commentary,
    })
}

async fn save_judgement(
    app: App,
    lang: Lang,
    visitor: Visitor,
    slug: String,
    target: Target<'_>,
    body: Bytes,
) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    let actor = match team_member(&lang, &visitor, &target.path(&slug)) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    let values = judgement_values(&fields);
    let patch = judgement_patch(&values);
    let result = match target {
        Target::Question(id) => app.judge_question(&actor, &slug, id, &patch).await,
        Target::Dimension(id) => app.judge_dimension(&actor, &slug, id, &patch).await,
    };
    match result {
        Ok(assessment) => Ok(see_other(
            &format!("{}{}?saved=1", lang.prefix(), target.path(&assessment.slug)),
            &[],
        )),
        Err(Error::Invalid(errors)) => {
            let errors = errors_by_input(&errors, lang.locale, &[]);
            show_judgement(
                &app,
                &lang,
                &visitor,
                &actor,
                &slug,
                target,
                StatusCode::UNPROCESSABLE_ENTITY,
                (Some(values), None),
                errors,
                false,
            )
            .await
            .map_err(|e| page_error(&lang, e))
        }
        Err(error) => Err(page_error(&lang, error)),
    }
}

/// `POST /readiness/assessments/{slug}/questions/{question}`: rates the question.
pub async fn save_question(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, question)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    save_judgement(app, lang, visitor, slug, Target::Question(&question), body).await
}

/// `POST /readiness/assessments/{slug}/dimensions/{dimension}`: rates the dimension.
pub async fn save_dimension(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, dimension)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    save_judgement(
        app,
        lang,
        visitor,
        slug,
        Target::Dimension(&dimension),
        body,
    )
    .await
}

/// The evidence the form asks for: a finding, or (with `indicator`) a live figure.
fn evidence_input(values: &EvidenceValues) -> std::result::Result<EvidenceInput, FieldErrors> {
    let value = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    if let Some(indicator) = value(&values.indicator) {
        return Ok(EvidenceInput {
            sign: values.indicator_sign.clone(),
            indicator: Some(indicator),
            ..EvidenceInput::default()
        });
    }
    let observed_on = match value(&values.observed_on) {
        None => None,
        Some(day) => match NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
            Ok(day) => Some(day),
            Err(_) => {
                let mut errors = FieldErrors::new();
                errors.add_with("observed_on", "invalid_value", "detail", day);
                return Err(errors);
            }
        },
    };
    Ok(EvidenceInput {
        sign: values.sign.clone(),
        text: value(&values.text),
        lang: ContentLang::parse(&values.lang),
        source: value(&values.source),
        url: value(&values.url),
        observed_on,
        indicator: None,
    })
}

/// `POST /readiness/assessments/{slug}/questions/{question}/evidence`: adds a finding or a live
/// figure.
pub async fn save_evidence(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, question)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    let target = Target::Question(&question);
    let actor = match team_member(&lang, &visitor, &target.path(&slug)) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    let get = |name: &str| fields.get(name).to_string();
    let values = EvidenceValues {
        sign: get("sign"),
        text: get("text"),
        lang: get("lang"),
        source: get("source"),
        url: get("url"),
        observed_on: get("observed_on"),
        indicator: get("indicator"),
        indicator_sign: get("indicator_sign"),
    };
    let live = !values.indicator.trim().is_empty();
    let result = match evidence_input(&values) {
        Ok(input) => app.add_evidence(&actor, &slug, &question, input).await,
        Err(errors) => Err(Error::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(see_other(
            &format!("{}{}?saved=1", lang.prefix(), target.path(&slug)),
            &[],
        )),
        Err(Error::Invalid(errors)) => {
            let rename: &[(&str, &str)] = if live {
                &[("sign", "indicator_sign")]
            } else {
                &[]
            };
            let errors = errors_by_input(&errors, lang.locale, rename);
            show_judgement(
                &app,
                &lang,
                &visitor,
                &actor,
                &slug,
                target,
                StatusCode::UNPROCESSABLE_ENTITY,
                (None, Some(values)),
                errors,
                false,
            )
            .await
            .map_err(|e| page_error(&lang, e))
        }
        Err(error) => Err(page_error(&lang, error)),
    }
}

/// `POST /readiness/assessments/{slug}/evidence/{evidence}/delete`: removes an evidence item,
/// back to the form of its question (`question` field).
pub async fn delete_evidence(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, evidence)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    let question = fields.get("question").to_string();
    let actor = match team_member(&lang, &visitor, &Target::Question(&question).path(&slug)) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    let id = Uuid::parse_str(&evidence)
        .map_err(|_| page_error(&lang, Error::not_found("evidence", &evidence)))?;
    app.remove_evidence(&actor, &slug, id)
        .await
        .map_err(|e| page_error(&lang, e))?;
    Ok(see_other(
        &format!(
            "{}{}?saved=1",
            lang.prefix(),
            Target::Question(&question).path(&slug)
        ),
        &[],
    ))
}

/// What the re-assessment form holds.
#[derive(Debug, Default, Serialize)]
struct CopyValues {
    title_vi: String,
    title_en: String,
    slug: String,
    started_on: String,
}

#[derive(Serialize)]
struct CopyPage {
    csrf: String,
    action: String,
    back_href: String,
    original: String,
    values: CopyValues,
    form_error: Option<String>,
    errors: BTreeMap<String, Vec<String>>,
}

fn copy_path(slug: &str) -> String {
    format!("{}/copy", assessment_path(slug))
}

#[allow(clippy::too_many_arguments)]
async fn show_copy(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    actor: &Actor,
    slug: &str,
    status: StatusCode,
    values: Option<CopyValues>,
    errors: BTreeMap<String, Vec<String>>,
) -> Result<Response> {
    let locale = lang.locale;
    let (original, _) = app.get_assessment(actor, slug).await?;
    let values = values.unwrap_or_else(|| CopyValues {
        started_on: chrono::Utc::now().date_naive().to_string(),
        ..CopyValues::default()
    });
    let page = CopyPage {
        csrf: csrf(visitor),
        action: format!("{}{}", lang.prefix(), copy_path(&original.slug)),
        back_href: format!("{}{}", lang.prefix(), assessment_path(&original.slug)),
        original: title_in(&original.meta.title, locale),
        values,
        form_error: (!errors.is_empty())
            .then(|| message(locale, "portal.account.errors_summary", &[])),
        errors,
    };
    let title = message(locale, "portal.readiness.copy", &[]);
    let html = render("readiness_copy.html", lang, visitor, &title, page)?;
    Ok((status, Html(html)).into_response())
}

/// `GET /readiness/assessments/{slug}/copy`: the form that starts a re-assessment.
pub async fn copy_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Answer {
    let actor = match team_member(&lang, &visitor, &copy_path(&slug)) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    show_copy(
        &app,
        &lang,
        &visitor,
        &actor,
        &slug,
        StatusCode::OK,
        None,
        BTreeMap::new(),
    )
    .await
    .map_err(|e| page_error(&lang, e))
}

/// `POST /readiness/assessments/{slug}/copy`: starts the re-assessment (a draft copy) and opens
/// its report.
pub async fn copy(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    let actor = match team_member(&lang, &visitor, &copy_path(&slug)) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    let get = |name: &str| fields.get(name).to_string();
    let values = CopyValues {
        title_vi: get("title_vi"),
        title_en: get("title_en"),
        slug: get("slug"),
        started_on: get("started_on"),
    };
    let started_on = match optional(&fields, "started_on") {
        None => Ok(None),
        Some(day) => NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                let mut errors = FieldErrors::new();
                errors.add_with("started_on", "invalid_value", "detail", day);
                Error::Invalid(errors)
            }),
    };
    let result = match started_on {
        Ok(started_on) => {
            let request = CopyRequest {
                slug: optional(&fields, "slug"),
                title: LangText {
                    vi: optional(&fields, "title_vi"),
                    en: optional(&fields, "title_en"),
                },
                started_on,
                assessors: None,
            };
            app.copy_assessment(&actor, &slug, request).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(copy) => Ok(see_other(
            &format!("{}{}?saved=1", lang.prefix(), assessment_path(&copy.slug)),
            &[],
        )),
        Err(Error::Invalid(errors)) => {
            let errors = errors_by_input(&errors, lang.locale, &[("title", "title_vi")]);
            show_copy(
                &app,
                &lang,
                &visitor,
                &actor,
                &slug,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(values),
                errors,
            )
            .await
            .map_err(|e| page_error(&lang, e))
        }
        Err(Error::Conflict { code, .. }) => {
            let mut errors = FieldErrors::new();
            errors.add("slug", code);
            let errors = errors_by_input(&errors, lang.locale, &[]);
            show_copy(
                &app,
                &lang,
                &visitor,
                &actor,
                &slug,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(values),
                errors,
            )
            .await
            .map_err(|e| page_error(&lang, e))
        }
        Err(error) => Err(page_error(&lang, error)),
    }
}

/// `POST /readiness/assessments/{slug}/status`: publishes an assessment (`status=published`) or
/// takes it back to a draft.
pub async fn publish(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    let actor = match team_member(&lang, &visitor, &assessment_path(&slug)) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    let status = PublicationStatus::parse(fields.get("status"))
        .ok_or_else(|| page_error(&lang, Error::invalid("status", "invalid_value")))?;
    let updated = app
        .update_assessment(&actor, &slug, &serde_json::json!({"status": status}))
        .await
        .map_err(|e| page_error(&lang, e))?;
    Ok(see_other(
        &format!(
            "{}{}?saved=1",
            lang.prefix(),
            assessment_path(&updated.slug)
        ),
        &[],
    ))
}

/// `POST /readiness/assessments/{slug}/refresh`: recomputes the live figures.
pub async fn refresh(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> Answer {
    checked(&lang, &visitor, &body)?;
    let actor = match team_member(&lang, &visitor, &assessment_path(&slug)) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    let refreshed = app
        .refresh_live_evidence(&actor, &slug)
        .await
        .map_err(|e| page_error(&lang, e))?;
    Ok(see_other(
        &format!(
            "{}{}?refreshed={refreshed}",
            lang.prefix(),
            assessment_path(&slug)
        ),
        &[],
    ))
}

// ---------------------------------------------------------------------------- action items --

#[derive(Debug, Default, Serialize)]
struct ItemValues {
    status: String,
    note: String,
}

#[derive(Serialize)]
struct NoteView {
    at: String,
    author: Option<String>,
    status_label: String,
    text: Option<String>,
}

#[derive(Serialize)]
struct ItemPage {
    csrf: String,
    action: String,
    back_href: String,
    plan: String,
    item_title: String,
    lang: Option<&'static str>,
    months: String,
    current: String,
    statuses: Vec<Choice>,
    values: ItemValues,
    notes: Vec<NoteView>,
    form_error: Option<String>,
    errors: BTreeMap<String, Vec<String>>,
}

fn item_path(slug: &str, item: &str) -> String {
    format!("{}/items/{item}", plan_path(slug))
}

#[allow(clippy::too_many_arguments)]
async fn show_item(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    actor: &Actor,
    slug: &str,
    item: Uuid,
    status: StatusCode,
    values: Option<ItemValues>,
    errors: BTreeMap<String, Vec<String>>,
) -> Result<Response> {
    let locale = lang.locale;
    let (plan, _) = app.get_plan(actor, slug).await?;
    let found = plan
        .item(item)
        .ok_or_else(|| Error::not_found("action_item", item))?;
    let page = ItemPage {
        csrf: csrf(visitor),
        action: format!(
            "{}{}",
            lang.prefix(),
            item_path(&plan.slug, &item.to_string())
        ),
        back_href: format!(
            "{}{}#{}",
            lang.prefix(),
            plan_path(&plan.slug),
            item_anchor(found)
        ),
        plan: title_in(&plan.title, locale),
        item_title: found.title.clone(),
        lang: super::foreign(found.lang, locale),
        months: message(
            locale,
            "portal.readiness.month_range",
            &[
                ("start", &found.start_month.to_string()),
                ("end", &found.end_month.to_string()),
            ],
        ),
        current: status_label(found.status, locale),
        statuses: ItemStatus::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().to_string(),
                label: status_label(*s, locale),
            })
            .collect(),
        values: values.unwrap_or_else(|| ItemValues {
            status: found.status.as_str().to_string(),
            note: String::new(),
        }),
        notes: found
            .notes
            .iter()
            .map(|n| NoteView {
                at: crate::format::date(n.at.date_naive(), locale),
                author: n.author.clone(),
                status_label: status_label(n.status, locale),
                text: n.text.clone(),
            })
            .collect(),
        form_error: (!errors.is_empty())
            .then(|| message(locale, "portal.account.errors_summary", &[])),
        errors,
    };
    let title = message(locale, "portal.readiness.update_item", &[]);
    let html = render("readiness_item.html", lang, visitor, &title, page)?;
    Ok((status, Html(html)).into_response())
}

fn item_id(lang: &Lang, raw: &str) -> std::result::Result<Uuid, PageError> {
    Uuid::parse_str(raw).map_err(|_| page_error(lang, Error::not_found("action_item", raw)))
}

/// `GET /readiness/plans/{slug}/items/{item}`: the form that updates an action item.
pub async fn item_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, item)): Path<(String, String)>,
) -> Answer {
    let actor = match team_member(&lang, &visitor, &item_path(&slug, &item)) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    let id = item_id(&lang, &item)?;
    show_item(
        &app,
        &lang,
        &visitor,
        &actor,
        &slug,
        id,
        StatusCode::OK,
        None,
        BTreeMap::new(),
    )
    .await
    .map_err(|e| page_error(&lang, e))
}

/// `POST /readiness/plans/{slug}/items/{item}`: sets the item's status and adds the note, then
/// back to the plan at the item.
pub async fn save_item(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, item)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    let fields = checked(&lang, &visitor, &body)?;
    let actor = match team_member(&lang, &visitor, &item_path(&slug, &item)) {
        Ok(actor) => actor,
        Err(answer) => return Ok(*answer),
    };
    let id = item_id(&lang, &item)?;
    let values = ItemValues {
        status: fields.get("status").to_string(),
        note: fields.get("note").to_string(),
    };
    let result = match ItemStatus::parse(&values.status) {
        Some(status) => {
            let update = ItemUpdate {
                status: Some(status),
                note: optional(&fields, "note"),
                ..ItemUpdate::default()
            };
            app.update_action_item(&actor, &slug, id, update).await
        }
        None => {
            let mut errors = FieldErrors::new();
            errors.add_with("status", "invalid_value", "detail", &values.status);
            Err(Error::Invalid(errors))
        }
    };
    match result {
        Ok(updated) => Ok(see_other(
            &format!(
                "{}{}?saved=1#{}",
                lang.prefix(),
                plan_path(&slug),
                item_anchor(&updated)
            ),
            &[],
        )),
        Err(Error::Invalid(errors)) => {
            let errors = errors_by_input(&errors, lang.locale, &[]);
            show_item(
                &app,
                &lang,
                &visitor,
                &actor,
                &slug,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(values),
                errors,
            )
            .await
            .map_err(|e| page_error(&lang, e))
        }
        Err(error) => Err(page_error(&lang, error)),
    }
}
