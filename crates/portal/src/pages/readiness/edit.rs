//! The portal team's forms on assessments: rate a question or a dimension (rating, importance,
//! commentary), add or remove evidence and live figures, start a re-assessment, publish an
//! assessment and refresh its live figures. Every form carries the CSRF token; the rules are the
//! app's (`App::judge_question`, `App::add_evidence`, …) and their field errors are shown next to
//! the inputs. Anonymous visitors are sent to sign in; others outside the team get the 403 page.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use dulieu_app::App;
use dulieu_core::text::LangText;
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_i18n::message;
use dulieu_readiness::assessment::{CopyRequest, EvidenceInput};
use dulieu_readiness::indicators::INDICATORS;
use dulieu_readiness::{ContentLang, PublicationStatus};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::report::anchor;
use super::team::{
    Answer, Choice, InputErrors, Shown, Team, as_team, language_choices, optional, optional_date,
    page_error, team_member,
};
use super::{
    EvidenceView, PassageView, RatingView, assessment_path, balance_text, evidence_view,
    passage_view, rating_view, title_in,
};
use crate::form::Fields;
use crate::lang::Lang;
use crate::pages::account::{checked, see_other};
use crate::session::Visitor;

/// `?saved=1` after a change.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
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
    errors: InputErrors,
}

/// What was submitted on the judgement page: the judgement, or a new evidence item.
enum Submitted {
    Judgement(JudgementValues),
    Evidence(EvidenceValues),
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

/// Renders the judgement form of `target` (with the notice of a change when `saved`).
async fn show_judgement(
    team: &Team<'_>,
    slug: &str,
    target: Target<'_>,
    shown: Shown<Submitted>,
    saved: bool,
) -> Result<Response> {
    let locale = team.lang.locale;
    let prefix = team.lang.prefix();
    let (assessment, framework) = team.app.get_assessment(team.actor, slug).await?;
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
    let form_error = shown.summary(locale);
    let (judgement_values, evidence_values) = match shown.values {
        Some(Submitted::Judgement(values)) => (Some(values), None),
        Some(Submitted::Evidence(values)) => (None, Some(values)),
        None => (None, None),
    };
    let values = judgement_values.unwrap_or_else(|| JudgementValues {
        rating: rating.clone().unwrap_or_default(),
        importance: importance.clone().unwrap_or_default(),
        commentary_lang: commentary
            .as_ref()
            .map_or(locale.as_str(), |c| c.lang.as_str())
            .to_string(),
        commentary: commentary.map(|c| c.text).unwrap_or_default(),
    });
    let evidence_values = evidence_values.unwrap_or_else(|| EvidenceValues {
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
        csrf: team.csrf(),
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
        form_error,
        errors: shown.errors,
    };
    let title = match target {
        Target::Question(qid) => message(locale, "portal.readiness.question_title", &[("id", qid)]),
        Target::Dimension(_) => message(
            locale,
            "portal.readiness.dimension_title",
            &[("name", &heading)],
        ),
    };
    team.show("readiness_judge.html", &title, shown.status, page)
}

async fn judgement_form(
    app: App,
    lang: Lang,
    visitor: Visitor,
    slug: String,
    target: Target<'_>,
    saved: bool,
) -> Answer {
    as_team!(app, lang, visitor, target.path(&slug), |team| {
        show_judgement(&team, &slug, target, Shown::blank(), saved)
            .await
            .map_err(|e| team.error(e))
    })
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
    as_team!(app, lang, visitor, target.path(&slug), |team| {
        let values = judgement_values(&fields);
        let patch = judgement_patch(&values);
        let result = match target {
            Target::Question(id) => app.judge_question(team.actor, &slug, id, &patch).await,
            Target::Dimension(id) => app.judge_dimension(team.actor, &slug, id, &patch).await,
        };
        team.answer_submitted(
            result,
            |assessment| format!("{}?saved=1", target.path(&assessment.slug)),
            &[],
            async |errors| {
                let shown = Shown::refused(Submitted::Judgement(values), errors);
                show_judgement(&team, &slug, target, shown, false).await
            },
        )
        .await
    })
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
    as_team!(app, lang, visitor, target.path(&slug), |team| {
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
        let rename: &[(&str, &str)] = if values.indicator.trim().is_empty() {
            &[]
        } else {
            &[("sign", "indicator_sign")]
        };
        let result = match evidence_input(&values) {
            Ok(input) => app.add_evidence(team.actor, &slug, &question, input).await,
            Err(errors) => Err(Error::Invalid(errors)),
        };
        team.answer_submitted(
            result,
            |_| format!("{}?saved=1", target.path(&slug)),
            rename,
            async |errors| {
                let shown = Shown::refused(Submitted::Evidence(values), errors);
                show_judgement(&team, &slug, target, shown, false).await
            },
        )
        .await
    })
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
    errors: InputErrors,
}

fn copy_path(slug: &str) -> String {
    format!("{}/copy", assessment_path(slug))
}

async fn show_copy(team: &Team<'_>, slug: &str, shown: Shown<CopyValues>) -> Result<Response> {
    let (lang, locale) = (team.lang, team.lang.locale);
    let (original, _) = team.app.get_assessment(team.actor, slug).await?;
    let form_error = shown.summary(locale);
    let values = shown.values.unwrap_or_else(|| CopyValues {
        started_on: chrono::Utc::now().date_naive().to_string(),
        ..CopyValues::default()
    });
    let page = CopyPage {
        csrf: team.csrf(),
        action: format!("{}{}", lang.prefix(), copy_path(&original.slug)),
        back_href: format!("{}{}", lang.prefix(), assessment_path(&original.slug)),
        original: title_in(&original.meta.title, locale),
        values,
        form_error,
        errors: shown.errors,
    };
    let title = message(locale, "portal.readiness.copy", &[]);
    team.show("readiness_copy.html", &title, shown.status, page)
}

/// `GET /readiness/assessments/{slug}/copy`: the form that starts a re-assessment.
pub async fn copy_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Answer {
    as_team!(app, lang, visitor, copy_path(&slug), |team| {
        show_copy(&team, &slug, Shown::blank())
            .await
            .map_err(|e| team.error(e))
    })
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
    as_team!(app, lang, visitor, copy_path(&slug), |team| {
        let get = |name: &str| fields.get(name).to_string();
        let values = CopyValues {
            title_vi: get("title_vi"),
            title_en: get("title_en"),
            slug: get("slug"),
            started_on: get("started_on"),
        };
        let result = match optional_date(&fields, "started_on") {
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
                app.copy_assessment(team.actor, &slug, request).await
            }
            Err(error) => Err(error),
        };
        team.answer_submitted(
            result,
            |copy| format!("{}?saved=1", assessment_path(&copy.slug)),
            &[("title", "title_vi")],
            async |errors| show_copy(&team, &slug, Shown::refused(values, errors)).await,
        )
        .await
    })
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
