//! Reports of an assessment: the document (the assessment with the framework's names, the
//! summary column of each rating, the evidence balance and the flags of ratings without
//! evidence), which is both the API answer and the JSON export, and the Markdown report (summary
//! table as in the report, then each dimension with its questions and evidence).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use dulieu_core::text::LangText;
use dulieu_i18n::{Locale, message};
use serde::Serialize;
use uuid::Uuid;

use crate::assessment::{Assessment, AssessmentMeta, Evidence, Passage};
use crate::balance::{Balance, unsupported};
use crate::framework::Framework;
use crate::indicators;

/// The framework an assessment uses, named.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FrameworkRef {
    /// Id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Name.
    pub name: LangText,
}

/// An assessment as read: dimensions[] → questions[] → evidence[], with names and balances.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentDocument {
    /// Id.
    pub id: Uuid,
    /// Slug.
    pub slug: String,
    /// The framework.
    pub framework: FrameworkRef,
    /// What describes it.
    #[serde(flatten)]
    pub meta: AssessmentMeta,
    /// The assessment this one was copied from.
    pub based_on: Option<Uuid>,
    /// Columns of the summary scale, lowest readiness first.
    pub summary_scale: Vec<LangText>,
    /// Evidence balance of the whole assessment.
    pub balance: Balance,
    /// Ratings (of questions and dimensions) given without any evidence.
    pub unsupported_ratings: usize,
    /// The dimensions.
    pub dimensions: Vec<DimensionDocument>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A dimension as read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DimensionDocument {
    /// Id.
    pub id: String,
    /// Name (framework).
    pub name: LangText,
    /// Importance code.
    pub importance: Option<String>,
    /// Rating code.
    pub rating: Option<String>,
    /// Column of the summary scale the rating stands for (1 = lowest).
    pub readiness: Option<u8>,
    /// Commentary.
    pub commentary: Option<Passage>,
    /// Evidence balance of its questions.
    pub balance: Balance,
    /// True when the dimension is rated while none of its questions has evidence.
    pub unsupported: bool,
    /// The questions.
    pub questions: Vec<QuestionDocument>,
}

/// A question as read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionDocument {
    /// Id.
    pub id: String,
    /// The question (framework).
    pub text: LangText,
    /// The question as the assessment words it, when it does.
    pub wording: Option<Passage>,
    /// Importance code.
    pub importance: Option<String>,
    /// Rating code.
    pub rating: Option<String>,
    /// Column of the summary scale the rating stands for.
    pub readiness: Option<u8>,
    /// Commentary.
    pub commentary: Option<Passage>,
    /// Evidence balance.
    pub balance: Balance,
    /// True when rated without evidence.
    pub unsupported: bool,
    /// The evidence.
    pub evidence: Vec<Evidence>,
}

/// The document of `assessment` under `framework`.
pub fn document(assessment: &Assessment, framework: &Framework) -> AssessmentDocument {
    let mut total = Balance::default();
    let mut unsupported_ratings = 0;
    let dimensions = assessment
        .dimensions
        .iter()
        .map(|dimension| {
            let definition = framework.dimension(&dimension.id);
            let mut balance = Balance::default();
            let questions: Vec<QuestionDocument> = dimension
                .questions
                .iter()
                .map(|question| {
                    let question_balance = Balance::of(&question.evidence, framework);
                    balance.add(question_balance);
                    let bare =
                        unsupported(framework, question.rating.as_deref(), &question_balance);
                    unsupported_ratings += usize::from(bare);
                    QuestionDocument {
                        id: question.id.clone(),
                        text: framework
                            .question(&question.id)
                            .map(|(_, q)| q.text.clone())
                            .unwrap_or_default(),
                        wording: question.wording.clone(),
                        importance: question.importance.clone(),
                        rating: question.rating.clone(),
                        readiness: question
                            .rating
                            .as_deref()
                            .and_then(|r| framework.summary_column(r)),
                        commentary: question.commentary.clone(),
                        balance: question_balance,
                        unsupported: bare,
                        evidence: question.evidence.clone(),
                    }
                })
                .collect();
            total.add(balance);
            let bare = unsupported(framework, dimension.rating.as_deref(), &balance);
            unsupported_ratings += usize::from(bare);
            DimensionDocument {
                id: dimension.id.clone(),
                name: definition.map(|d| d.name.clone()).unwrap_or_default(),
                importance: dimension.importance.clone(),
                rating: dimension.rating.clone(),
                readiness: dimension
                    .rating
                    .as_deref()
                    .and_then(|r| framework.summary_column(r)),
                commentary: dimension.commentary.clone(),
                balance,
                unsupported: bare,
                questions,
            }
        })
        .collect();
    AssessmentDocument {
        id: assessment.id,
        slug: assessment.slug.clone(),
        framework: FrameworkRef {
            id: framework.id.clone(),
            version: framework.version.clone(),
            name: framework.name.clone(),
        },
        meta: assessment.meta.clone(),
        based_on: assessment.based_on,
        summary_scale: framework.summary_scale.clone(),
        balance: total,
        unsupported_ratings,
        dimensions,
        created_at: assessment.created_at,
        updated_at: assessment.updated_at,
    }
}

/// `text` in `locale` (falling back to the other language).
fn text_in(text: &LangText, locale: Locale) -> &str {
    text.get(locale.as_str()).unwrap_or_default()
}

/// Name of a rating code in `locale`, or the "not rated" words.
pub fn rating_name(framework: &Framework, rating: Option<&str>, locale: Locale) -> String {
    match rating.and_then(|r| framework.rating(r)) {
        Some(level) => text_in(&level.label, locale).to_string(),
        None => message(locale, "readiness.not_rated", &[]),
    }
}

/// Name of an importance code in `locale` (empty when none).
pub fn importance_name(framework: &Framework, importance: Option<&str>, locale: Locale) -> String {
    importance
        .and_then(|i| framework.importance_level(i))
        .map(|l| text_in(&l.label, locale).to_string())
        .unwrap_or_default()
}

/// The balance in words: `3 for · 1 against · 0 neutral`.
pub fn balance_text(balance: &Balance, locale: Locale) -> String {
    message(
        locale,
        "readiness.balance",
        &[
            ("for", &balance.for_readiness.to_string()),
            ("against", &balance.against.to_string()),
            ("neutral", &balance.neutral.to_string()),
        ],
    )
}

/// A table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// A list item whose text may span lines (continuation lines indented).
fn list_item(out: &mut String, marker: &str, text: &str) {
    let mut lines = text.lines();
    let _ = writeln!(out, "- {marker}{}", lines.next().unwrap_or(""));
    for line in lines {
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "  {line}");
        }
    }
}

/// The words of a live figure: `title: value (as of date)`.
pub fn live_text(evidence: &Evidence, locale: Locale) -> Option<String> {
    let live = evidence.live.as_ref()?;
    let title =
        indicators::find(&live.indicator).map_or(live.indicator.as_str(), |i| i.title(locale));
    let date = live.figure.as_of.format("%Y-%m-%d").to_string();
    Some(message(
        locale,
        "readiness.live_figure",
        &[
            ("title", title),
            ("value", &live.figure.value_text(locale)),
            ("date", &date),
        ],
    ))
}

/// The Markdown report of `document` in `locale`.
pub fn markdown(doc: &AssessmentDocument, framework: &Framework, locale: Locale) -> String {
    let t = |key: &str| message(locale, key, &[]);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", text_in(&doc.meta.title, locale));
    let _ = writeln!(
        out,
        "- {}: {} ({})",
        t("readiness.framework"),
        text_in(&framework.name, locale),
        framework.version
    );
    let _ = writeln!(out, "- {}: {}", t("readiness.subject"), doc.meta.subject);
    if !doc.meta.assessors.is_empty() {
        let _ = writeln!(
            out,
            "- {}: {}",
            t("readiness.assessors"),
            doc.meta.assessors.join(", ")
        );
    }
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    if let (Some(start), end) = (day(doc.meta.started_on), day(doc.meta.finished_on)) {
        let _ = writeln!(
            out,
            "- {}: {start} – {}",
            t("readiness.period"),
            end.unwrap_or_default()
        );
    }
    if let Some(published) = day(doc.meta.published_on) {
        let _ = writeln!(out, "- {}: {published}", t("readiness.published_on"));
    }
    if let Some(source) = &doc.meta.source {
        let _ = writeln!(out, "- {}: {source}", t("readiness.source"));
    }
    let _ = writeln!(
        out,
        "- {}: {}",
        t("readiness.evidence"),
        balance_text(&doc.balance, locale)
    );
    let _ = writeln!(out, "\n## {}\n", t("readiness.summary"));
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
        t("readiness.dimension"),
        t("readiness.importance"),
        t("readiness.rating"),
        t("readiness.readiness"),
        t("readiness.evidence")
    );
    for dimension in &doc.dimensions {
        let scale = dimension
            .readiness
            .and_then(|c| doc.summary_scale.get(usize::from(c) - 1))
            .map(|c| text_in(c, locale).to_string())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {}. {} | {} | {} | {} | {} |",
            dimension.id,
            cell(text_in(&dimension.name, locale)),
            cell(&importance_name(
                framework,
                dimension.importance.as_deref(),
                locale
            )),
            cell(&rating_name(framework, dimension.rating.as_deref(), locale)),
            cell(&scale),
            cell(&balance_text(&dimension.balance, locale))
        );
    }
    for dimension in &doc.dimensions {
        let _ = writeln!(
            out,
            "\n## {}. {}\n",
            dimension.id,
            text_in(&dimension.name, locale)
        );
        judgement_line(
            &mut out,
            framework,
            locale,
            dimension.rating.as_deref(),
            dimension.importance.as_deref(),
            &dimension.balance,
            dimension.unsupported,
        );
        if let Some(commentary) = &dimension.commentary {
            let _ = writeln!(out, "\n{}", commentary.text);
        }
        for question in &dimension.questions {
            let _ = writeln!(
                out,
                "\n### {} {}\n",
                question.id,
                text_in(&question.text, locale)
            );
            if let Some(wording) = &question.wording
                && wording.text != text_in(&question.text, locale)
            {
                let _ = writeln!(out, "*{}:* {}\n", t("readiness.wording"), wording.text);
            }
            judgement_line(
                &mut out,
                framework,
                locale,
                question.rating.as_deref(),
                question.importance.as_deref(),
                &question.balance,
                question.unsupported,
            );
            if let Some(commentary) = &question.commentary {
                let _ = writeln!(out, "\n{}", commentary.text);
            }
            if !question.evidence.is_empty() {
                out.push('\n');
            }
            for evidence in &question.evidence {
                let mut text = match live_text(evidence, locale) {
                    Some(live) if evidence.text.is_empty() => live,
                    Some(live) => format!("{live} — {}", evidence.text),
                    None => evidence.text.clone(),
                };
                let mut cited = Vec::new();
                if let Some(source) = &evidence.source {
                    cited.push(source.clone());
                }
                if let Some(url) = &evidence.url {
                    cited.push(format!("<{url}>"));
                }
                if let Some(observed) = evidence.observed_on {
                    cited.push(observed.format("%Y-%m-%d").to_string());
                }
                if !cited.is_empty() {
                    let _ = write!(text, "\n({})", cited.join(" · "));
                }
                list_item(&mut out, &format!("({}) ", evidence.sign), &text);
            }
        }
    }
    out
}

fn judgement_line(
    out: &mut String,
    framework: &Framework,
    locale: Locale,
    rating: Option<&str>,
    importance: Option<&str>,
    balance: &Balance,
    bare: bool,
) {
    let t = |key: &str| message(locale, key, &[]);
    let mut parts = vec![format!(
        "**{}:** {}",
        t("readiness.rating"),
        rating_name(framework, rating, locale)
    )];
    let importance = importance_name(framework, importance, locale);
    if !importance.is_empty() {
        parts.push(format!("**{}:** {importance}", t("readiness.importance")));
    }
    parts.push(format!(
        "**{}:** {}",
        t("readiness.evidence"),
        balance_text(balance, locale)
    ));
    if bare {
        parts.push(format!("**{}**", t("readiness.unsupported")));
    }
    let _ = writeln!(out, "{}", parts.join(" · "));
}
