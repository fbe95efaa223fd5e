//! Assessments: who assessed what, when, against which framework; per dimension a rating, an
//! importance and a commentary; per question a rating, an importance, a commentary and the
//! evidence items (sign, text, source, link, date; or a live figure of the portal).
//!
//! Ratings are judgements written by people: nothing here computes one.

use chrono::{DateTime, NaiveDate, Utc};
use dulieu_core::text::{LangText, check_slug, slugify};
use dulieu_core::{FieldErrors, Result};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::framework::Framework;
use crate::indicators::{self, Figure};
use crate::vocab::{ContentLang, PublicationStatus};

/// The most characters of a commentary or an evidence text.
pub const TEXT_MAX: usize = 10_000;
/// The most characters of a title, a subject, an assessor or a source.
const SHORT_MAX: usize = 300;
/// The most characters of a source citation or a link.
const SOURCE_MAX: usize = 2000;

/// Free text and the language it is written in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Passage {
    /// The text (Markdown: paragraphs and `-` lists).
    pub text: String,
    /// Its language.
    pub lang: ContentLang,
}

impl Passage {
    /// A passage in the language its text looks like.
    pub fn detected(text: impl Into<String>) -> Self {
        let text = text.into();
        let lang = ContentLang::detect(&text);
        Self { text, lang }
    }

    /// Trims the text; `None` when nothing is left. Longer than `max` is an error on `field`.
    fn cleaned(self, field: &str, max: usize, errors: &mut FieldErrors) -> Option<Self> {
        let text = self.text.trim().to_string();
        if text.chars().count() > max {
            errors.add_with(field, "too_long", "max", max);
        }
        (!text.is_empty()).then_some(Self { text, ..self })
    }
}

/// What describes an assessment, apart from its ratings (editable as a whole).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssessmentMeta {
    /// Title.
    pub title: LangText,
    /// The country or organization assessed.
    pub subject: String,
    /// Shown to the public, or still a draft.
    #[serde(default = "draft")]
    pub status: PublicationStatus,
    /// First day of the assessment work.
    #[serde(default)]
    pub started_on: Option<NaiveDate>,
    /// Last day of the assessment work.
    #[serde(default)]
    pub finished_on: Option<NaiveDate>,
    /// When the report was published.
    #[serde(default)]
    pub published_on: Option<NaiveDate>,
    /// Who assessed (people or organizations).
    #[serde(default)]
    pub assessors: Vec<String>,
    /// The report or document the assessment comes from.
    #[serde(default)]
    pub source: Option<String>,
}

fn draft() -> PublicationStatus {
    PublicationStatus::Draft
}

impl AssessmentMeta {
    /// Trims the texts and checks the rules.
    pub fn validate(self) -> std::result::Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = self.title.normalized();
        title.check("title", true, SHORT_MAX, &mut errors);
        let subject = self.subject.trim().to_string();
        if subject.is_empty() {
            errors.add("subject", "required");
        } else if subject.chars().count() > SHORT_MAX {
            errors.add_with("subject", "too_long", "max", SHORT_MAX);
        }
        if let (Some(start), Some(end)) = (self.started_on, self.finished_on)
            && end < start
        {
            errors.add("finished_on", "end_before_start");
        }
        let assessors: Vec<String> = self
            .assessors
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        if assessors.len() > 50 {
            errors.add_with("assessors", "too_many", "max", 50);
        }
        for (i, assessor) in assessors.iter().enumerate() {
            if assessor.chars().count() > SHORT_MAX {
                errors.add_with(format!("assessors[{i}]"), "too_long", "max", SHORT_MAX);
            }
        }
        let source = self
            .source
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if source
            .as_ref()
            .is_some_and(|s| s.chars().count() > SOURCE_MAX)
        {
            errors.add_with("source", "too_long", "max", SOURCE_MAX);
        }
        if errors.is_empty() {
            Ok(Self {
                title,
                subject,
                assessors,
                source,
                ..self
            })
        } else {
            Err(errors)
        }
    }

    /// The slug made from the title (Vietnamese first).
    pub fn derived_slug(&self) -> String {
        slugify(self.title.get("vi").unwrap_or_default())
    }
}

/// An assessment of a country or an organization against one framework.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    /// Stable id.
    pub id: Uuid,
    /// Unique short name, used in links.
    pub slug: String,
    /// Framework id.
    pub framework: String,
    /// Framework version.
    pub framework_version: String,
    /// What describes it.
    #[serde(flatten)]
    pub meta: AssessmentMeta,
    /// The assessment this one was copied from (a re-assessment).
    pub based_on: Option<Uuid>,
    /// The dimensions, in framework order.
    pub dimensions: Vec<DimensionAssessment>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// An assessment as listed: what describes it and how far it has come.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentHeader {
    /// Stable id.
    pub id: Uuid,
    /// Unique short name.
    pub slug: String,
    /// Framework id.
    pub framework: String,
    /// Framework version.
    pub framework_version: String,
    /// What describes it.
    #[serde(flatten)]
    pub meta: AssessmentMeta,
    /// The assessment this one was copied from.
    pub based_on: Option<Uuid>,
    /// Number of questions.
    pub questions: u64,
    /// Number of rated questions.
    pub rated: u64,
    /// Number of evidence items.
    pub evidence: u64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// The judgement on one dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DimensionAssessment {
    /// Dimension id of the framework.
    pub id: String,
    /// Importance given here (the framework's by default).
    pub importance: Option<String>,
    /// Rating code, when rated.
    pub rating: Option<String>,
    /// Commentary.
    pub commentary: Option<Passage>,
    /// The questions, in framework order.
    pub questions: Vec<QuestionAssessment>,
}

/// The judgement on one primary question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionAssessment {
    /// Question id of the framework.
    pub id: String,
    /// The question as this assessment words it, when it differs from the framework.
    pub wording: Option<Passage>,
    /// Importance given here (the framework's by default).
    pub importance: Option<String>,
    /// Rating code, when rated.
    pub rating: Option<String>,
    /// Commentary.
    pub commentary: Option<Passage>,
    /// The evidence, in order.
    pub evidence: Vec<Evidence>,
}

/// One evidence item.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    /// Stable id.
    pub id: Uuid,
    /// Sign code of the framework (`+`, `-`, `o`).
    pub sign: String,
    /// The finding (Markdown: paragraphs and `-` lists); for a live figure, an optional note.
    pub text: String,
    /// Language of the text.
    pub lang: ContentLang,
    /// Citation of the source.
    pub source: Option<String>,
    /// Link to the source.
    pub url: Option<String>,
    /// When the finding was observed.
    pub observed_on: Option<NaiveDate>,
    /// A figure of the portal, refreshed by the portal.
    pub live: Option<LiveFigure>,
}

/// A live indicator attached as evidence, with its last figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LiveFigure {
    /// Indicator id.
    pub indicator: String,
    /// The figure and its date.
    pub figure: Figure,
}

/// The judgement fields of a question or a dimension (what `PATCH` changes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Judgement {
    /// Rating code (`null` removes the rating).
    #[serde(default)]
    pub rating: Option<String>,
    /// Importance code.
    #[serde(default)]
    pub importance: Option<String>,
    /// Commentary.
    #[serde(default)]
    pub commentary: Option<Passage>,
}

impl Judgement {
    /// Checks the codes against `framework` and trims the commentary.
    pub fn validate(self, framework: &Framework) -> std::result::Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        if let Some(rating) = &self.rating
            && framework.rating(rating).is_none()
        {
            let known = Framework::codes(&framework.ratings, |r| &r.code);
            errors.add_with(
                "rating",
                "invalid_value",
                "detail",
                format!("{rating} ({known})"),
            );
        }
        if let Some(importance) = &self.importance
            && framework.importance_level(importance).is_none()
        {
            let known = Framework::codes(&framework.importance, |l| &l.code);
            errors.add_with(
                "importance",
                "invalid_value",
                "detail",
                format!("{importance} ({known})"),
            );
        }
        let commentary = self
            .commentary
            .and_then(|c| c.cleaned("commentary", TEXT_MAX, &mut errors));
        if errors.is_empty() {
            Ok(Self { commentary, ..self })
        } else {
            Err(errors)
        }
    }
}

/// A new evidence item, or a live indicator to attach.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    /// Sign code (`+`, `-`, `o`).
    pub sign: String,
    /// The finding; optional with an indicator.
    #[serde(default)]
    pub text: Option<String>,
    /// Language of the text (guessed from the text when absent).
    #[serde(default)]
    pub lang: Option<ContentLang>,
    /// Citation of the source.
    #[serde(default)]
    pub source: Option<String>,
    /// Link to the source (`http://` or `https://`).
    #[serde(default)]
    pub url: Option<String>,
    /// When the finding was observed.
    #[serde(default)]
    pub observed_on: Option<NaiveDate>,
    /// A live indicator to attach instead of (or with) a text.
    #[serde(default)]
    pub indicator: Option<String>,
}

/// True for an absolute `http://` or `https://` link with a host and no spaces.
pub fn is_web_link(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

impl EvidenceInput {
    /// Checks the item against `framework`; a live indicator gets `figure` (computed by the
    /// caller). The result has a fresh id.
    pub fn validate(
        self,
        framework: &Framework,
        figure: impl FnOnce(&str) -> Option<Figure>,
    ) -> std::result::Result<Evidence, FieldErrors> {
        let mut errors = FieldErrors::new();
        let sign = self.sign.trim().to_string();
        if sign.is_empty() {
            errors.add("sign", "required");
        } else if framework.sign(&sign).is_none() {
            let known = Framework::codes(&framework.signs, |s| &s.code);
            errors.add_with(
                "sign",
                "invalid_value",
                "detail",
                format!("{sign} ({known})"),
            );
        }
        let text = self.text.unwrap_or_default().trim().to_string();
        let indicator = self
            .indicator
            .map(|i| i.trim().to_string())
            .filter(|i| !i.is_empty());
        if text.is_empty() && indicator.is_none() {
            errors.add("text", "required");
        } else if text.chars().count() > TEXT_MAX {
            errors.add_with("text", "too_long", "max", TEXT_MAX);
        }
        let optional = |value: Option<String>| {
            value
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let source = optional(self.source);
        if source
            .as_ref()
            .is_some_and(|s| s.chars().count() > SOURCE_MAX)
        {
            errors.add_with("source", "too_long", "max", SOURCE_MAX);
        }
        let url = optional(self.url);
        if let Some(url) = &url
            && (url.len() > SOURCE_MAX || !is_web_link(url))
        {
            errors.add("url", "invalid_url");
        }
        let live = match &indicator {
            None => None,
            Some(id) => match figure(id) {
                Some(figure) => Some(LiveFigure {
                    indicator: id.clone(),
                    figure,
                }),
                None => {
                    errors.add_with(
                        "indicator",
                        "invalid_value",
                        "detail",
                        format!("{id} ({})", indicators::ids()),
                    );
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let lang = self.lang.unwrap_or_else(|| ContentLang::detect(&text));
        Ok(Evidence {
            id: Uuid::now_v7(),
            sign,
            text,
            lang,
            source,
            url,
            observed_on: self.observed_on,
            live,
        })
    }
}

/// What is needed to start an assessment from a framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAssessment {
    /// Framework id (`dgra`, `odra`, `od4b`, …).
    pub framework: String,
    /// Framework version; the newest when absent.
    #[serde(default)]
    pub version: Option<String>,
    /// Short name for links; made from the title when absent.
    #[serde(default)]
    pub slug: Option<String>,
    /// Title.
    pub title: LangText,
    /// The country or organization assessed.
    pub subject: String,
    /// First day of the assessment work.
    #[serde(default)]
    pub started_on: Option<NaiveDate>,
    /// Who assesses.
    #[serde(default)]
    pub assessors: Vec<String>,
}

/// What is needed to start a re-assessment from an existing assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CopyRequest {
    /// Short name for links; made from the title when absent.
    #[serde(default)]
    pub slug: Option<String>,
    /// Title of the re-assessment.
    pub title: LangText,
    /// First day of the re-assessment work.
    #[serde(default)]
    pub started_on: Option<NaiveDate>,
    /// Who re-assesses (the original's assessors when absent).
    #[serde(default)]
    pub assessors: Option<Vec<String>>,
}

/// The slug asked for, or the one made from the title; checked.
pub fn choose_slug(
    asked: Option<&str>,
    meta: &AssessmentMeta,
) -> std::result::Result<String, FieldErrors> {
    let slug = asked
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| meta.derived_slug());
    let mut errors = FieldErrors::new();
    check_slug("slug", &slug, &mut errors);
    if errors.is_empty() {
        Ok(slug)
    } else {
        Err(errors)
    }
}

impl Assessment {
    /// A blank assessment of every dimension and question of `framework`, with the framework's
    /// importance and no rating.
    pub fn start(
        framework: &Framework,
        slug: String,
        meta: AssessmentMeta,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id: Uuid::now_v7(),
            slug,
            framework: framework.id.clone(),
            framework_version: framework.version.clone(),
            meta,
            based_on: None,
            dimensions: framework
                .dimensions
                .iter()
                .map(|d| DimensionAssessment {
                    id: d.id.clone(),
                    importance: d.importance.clone(),
                    rating: None,
                    commentary: None,
                    questions: d
                        .questions
                        .iter()
                        .map(|q| QuestionAssessment {
                            id: q.id.clone(),
                            wording: None,
                            importance: q.importance.clone(),
                            rating: None,
                            commentary: None,
                            evidence: Vec::new(),
                        })
                        .collect(),
                })
                .collect(),
            created_at: now,
            updated_at: now,
        }
    }

    /// The start of a re-assessment: everything of this one (ratings, commentary, evidence with
    /// new ids), as a draft that names this one as its base.
    pub fn copy_as(&self, slug: String, meta: AssessmentMeta, now: DateTime<Utc>) -> Self {
        let mut copy = self.clone();
        copy.id = Uuid::now_v7();
        copy.slug = slug;
        copy.meta = AssessmentMeta {
            status: PublicationStatus::Draft,
            ..meta
        };
        copy.based_on = Some(self.id);
        copy.created_at = now;
        copy.updated_at = now;
        for question in copy
            .dimensions
            .iter_mut()
            .flat_map(|d| d.questions.iter_mut())
        {
            for evidence in &mut question.evidence {
                evidence.id = Uuid::now_v7();
            }
        }
        copy
    }

    /// Checks every id and code against `framework` (for imported or stored assessments).
    pub fn check(&self, framework: &Framework) -> Result<()> {
        let mut errors = FieldErrors::new();
        if self.framework != framework.id || self.framework_version != framework.version {
            errors.add_with("framework", "invalid_value", "detail", framework.key());
        }
        for (i, dimension) in self.dimensions.iter().enumerate() {
            let path = format!("dimensions[{i}]");
            if framework.dimension(&dimension.id).is_none() {
                errors.add_with(
                    format!("{path}.id"),
                    "invalid_value",
                    "detail",
                    &dimension.id,
                );
            }
            check_codes(
                framework,
                &path,
                dimension.rating.as_deref(),
                dimension.importance.as_deref(),
                &mut errors,
            );
            for (j, question) in dimension.questions.iter().enumerate() {
                let path = format!("{path}.questions[{j}]");
                match framework.question(&question.id) {
                    Some((d, _)) if d.id == dimension.id => {}
                    _ => errors.add_with(
                        format!("{path}.id"),
                        "invalid_value",
                        "detail",
                        &question.id,
                    ),
                }
                check_codes(
                    framework,
                    &path,
                    question.rating.as_deref(),
                    question.importance.as_deref(),
                    &mut errors,
                );
                for (k, evidence) in question.evidence.iter().enumerate() {
                    if framework.sign(&evidence.sign).is_none() {
                        errors.add_with(
                            format!("{path}.evidence[{k}].sign"),
                            "invalid_value",
                            "detail",
                            &evidence.sign,
                        );
                    }
                }
            }
        }
        errors.into_result()
    }

    /// The question with `id`.
    pub fn question(&self, id: &str) -> Option<&QuestionAssessment> {
        self.questions().find(|q| q.id == id)
    }

    /// The question with `id`, to change.
    pub fn question_mut(&mut self, id: &str) -> Option<&mut QuestionAssessment> {
        self.dimensions
            .iter_mut()
            .flat_map(|d| d.questions.iter_mut())
            .find(|q| q.id == id)
    }

    /// The dimension with `id`.
    pub fn dimension(&self, id: &str) -> Option<&DimensionAssessment> {
        self.dimensions.iter().find(|d| d.id == id)
    }

    /// Every question, in order.
    pub fn questions(&self) -> impl Iterator<Item = &QuestionAssessment> {
        self.dimensions.iter().flat_map(|d| d.questions.iter())
    }

    /// The evidence item with `id` and the question it belongs to.
    pub fn evidence(&self, id: Uuid) -> Option<(&QuestionAssessment, &Evidence)> {
        self.questions()
            .find_map(|q| q.evidence.iter().find(|e| e.id == id).map(|e| (q, e)))
    }

    /// True when the public may see it.
    pub fn is_published(&self) -> bool {
        self.meta.status == PublicationStatus::Published
    }
}

fn check_codes(
    framework: &Framework,
    path: &str,
    rating: Option<&str>,
    importance: Option<&str>,
    errors: &mut FieldErrors,
) {
    if let Some(rating) = rating
        && framework.rating(rating).is_none()
    {
        errors.add_with(format!("{path}.rating"), "invalid_value", "detail", rating);
    }
    if let Some(importance) = importance
        && framework.importance_level(importance).is_none()
    {
        errors.add_with(
            format!("{path}.importance"),
            "invalid_value",
            "detail",
            importance,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Frameworks;

    fn odra() -> Framework {
        Frameworks::builtin()
            .unwrap()
            .latest("odra")
            .unwrap()
            .clone()
    }

    fn meta() -> AssessmentMeta {
        AssessmentMeta {
            title: LangText::new("Đánh giá ODRA 2026", "ODRA 2026"),
            subject: " Việt Nam ".into(),
            status: PublicationStatus::Draft,
            started_on: None,
            finished_on: None,
            published_on: None,
            assessors: vec![" ODTF ".into(), " ".into()],
            source: Some("  ".into()),
        }
    }

    #[test]
    fn starts_blank_with_the_framework_importance() {
        let framework = odra();
        let meta = meta().validate().unwrap();
        assert_eq!(meta.subject, "Việt Nam");
        assert_eq!(meta.assessors, ["ODTF"]);
        assert_eq!(meta.source, None);
        let slug = choose_slug(None, &meta).unwrap();
        assert_eq!(slug, "danh-gia-odra-2026");
        let a = Assessment::start(&framework, slug, meta, Utc::now());
        assert_eq!(a.questions().count(), 43);
        assert_eq!(
            a.question("2.1").unwrap().importance.as_deref(),
            Some("very_high")
        );
        assert!(
            a.questions()
                .all(|q| q.rating.is_none() && q.evidence.is_empty())
        );
        a.check(&framework).unwrap();
    }

    #[test]
    fn meta_rules() {
        let mut bad = meta();
        bad.title = LangText::default();
        bad.subject = String::new();
        bad.started_on = NaiveDate::from_ymd_opt(2026, 5, 1);
        bad.finished_on = NaiveDate::from_ymd_opt(2026, 4, 1);
        let errors = bad.validate().unwrap_err();
        let fields: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["finished_on", "subject", "title"]);
        assert!(choose_slug(Some("Bad Slug"), &meta()).is_err());
    }

    #[test]
    fn judgements_use_the_framework_codes() {
        let framework = odra();
        let ok = Judgement {
            rating: Some("yellow_green".into()),
            importance: Some("high".into()),
            commentary: Some(Passage::detected("  Có tiến bộ rõ rệt.  ")),
        }
        .validate(&framework)
        .unwrap();
        assert_eq!(ok.commentary.unwrap().text, "Có tiến bộ rõ rệt.");
        let errors = Judgement {
            rating: Some("purple".into()),
            importance: Some("huge".into()),
            commentary: None,
        }
        .validate(&framework)
        .unwrap_err();
        assert_eq!(errors.0["rating"][0].code, "invalid_value");
        assert!(errors.0["rating"][0].params["detail"].contains("yellow_green"));
        assert!(errors.0.contains_key("importance"));
    }

    #[test]
    fn evidence_rules() {
        let framework = odra();
        let no_figure = |_: &str| None;
        let item = EvidenceInput {
            sign: "+".into(),
            text: Some(" Luật Tiếp cận thông tin có hiệu lực từ năm 2018. ".into()),
            url: Some("https://vbpl.vn/".into()),
            ..EvidenceInput::default()
        }
        .validate(&framework, no_figure)
        .unwrap();
        assert_eq!(item.lang, ContentLang::Vi);
        assert_eq!(
            item.text,
            "Luật Tiếp cận thông tin có hiệu lực từ năm 2018."
        );
        let errors = EvidenceInput {
            sign: "!".into(),
            url: Some("javascript:alert(1)".into()),
            ..EvidenceInput::default()
        }
        .validate(&framework, no_figure)
        .unwrap_err();
        let fields: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["sign", "text", "url"]);
        let unknown = EvidenceInput {
            sign: "o".into(),
            indicator: Some("moon_phase".into()),
            ..EvidenceInput::default()
        }
        .validate(&framework, no_figure)
        .unwrap_err();
        assert_eq!(unknown.0["indicator"][0].code, "invalid_value");
        assert!(
            !is_web_link("https:// x")
                && !is_web_link("https://")
                && is_web_link("http://a.vn/x y".split(' ').next().unwrap())
        );
    }

    #[test]
    fn a_copy_keeps_the_judgements_with_new_evidence_ids() {
        let framework = odra();
        let mut original = Assessment::start(
            &framework,
            "goc".into(),
            meta().validate().unwrap(),
            Utc::now(),
        );
        let question = original.question_mut("4.5").unwrap();
        question.rating = Some("yellow".into());
        question.evidence.push(
            EvidenceInput {
                sign: "-".into(),
                text: Some("Most data published have no license".into()),
                ..EvidenceInput::default()
            }
            .validate(&framework, |_| None)
            .unwrap(),
        );
        original.meta.status = PublicationStatus::Published;
        let mut copy_meta = meta().validate().unwrap();
        copy_meta.title = LangText::new("Đánh giá lại", "Re-assessment");
        let copy = original.copy_as("danh-gia-lai".into(), copy_meta, Utc::now());
        assert_eq!(copy.based_on, Some(original.id));
        assert_ne!(copy.id, original.id);
        assert!(!copy.is_published());
        let (before, after) = (
            original.question("4.5").unwrap(),
            copy.question("4.5").unwrap(),
        );
        assert_eq!(after.rating, before.rating);
        assert_eq!(after.evidence[0].text, before.evidence[0].text);
        assert_ne!(after.evidence[0].id, before.evidence[0].id);
    }
}
