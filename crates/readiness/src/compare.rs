//! The comparison of two assessments of the same framework (typically a re-assessment and the
//! assessment it was copied from): per question, whether the rating changed and which evidence
//! items were added or removed, so that progress is visible.
//!
//! Evidence items are matched by content (sign, text, source, link; live figures by indicator),
//! so an edited item shows as one removed and one added, and the comparison also works between
//! assessments that were not copied from each other.

use dulieu_core::{Error, Result};
use serde::Serialize;
use uuid::Uuid;

use crate::assessment::{Assessment, Evidence};

/// Which assessment a side of the comparison is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Side {
    /// Id.
    pub id: Uuid,
    /// Slug.
    pub slug: String,
    /// Framework version.
    pub framework_version: String,
}

/// What changed from one assessment to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparison {
    /// Framework id of both.
    pub framework: String,
    /// The earlier assessment.
    pub from: Side,
    /// The later assessment.
    pub to: Side,
    /// Per dimension, the rating change and the questions that changed.
    pub dimensions: Vec<DimensionChange>,
    /// Questions whose rating changed.
    pub ratings_changed: usize,
    /// Evidence items added, over all questions.
    pub evidence_added: usize,
    /// Evidence items removed, over all questions.
    pub evidence_removed: usize,
    /// Questions where nothing changed.
    pub unchanged_questions: usize,
}

/// The change of one dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DimensionChange {
    /// Dimension id.
    pub id: String,
    /// Rating before.
    pub rating_from: Option<String>,
    /// Rating after.
    pub rating_to: Option<String>,
    /// The questions where something changed.
    pub questions: Vec<QuestionChange>,
}

/// The change of one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionChange {
    /// Question id.
    pub id: String,
    /// Rating before (absent when the question is new).
    pub rating_from: Option<String>,
    /// Rating after (absent when the question is gone).
    pub rating_to: Option<String>,
    /// True when the rating differs.
    pub rating_changed: bool,
    /// Evidence only in the later assessment.
    pub evidence_added: Vec<Evidence>,
    /// Evidence only in the earlier assessment.
    pub evidence_removed: Vec<Evidence>,
}

/// What identifies an evidence item across assessments.
fn identity(item: &Evidence) -> (String, String, Option<String>, Option<String>) {
    match &item.live {
        Some(live) => (
            item.sign.clone(),
            format!("live:{}", live.indicator),
            None,
            None,
        ),
        None => (
            item.sign.clone(),
            item.text.split_whitespace().collect::<Vec<_>>().join(" "),
            item.source.clone(),
            item.url.clone(),
        ),
    }
}

/// Items of `from` without a counterpart in `to` (each counterpart used once).
fn missing(from: &[Evidence], to: &[Evidence]) -> Vec<Evidence> {
    let mut available: Vec<_> = to.iter().map(identity).collect();
    from.iter()
        .filter(|item| {
            let key = identity(item);
            match available.iter().position(|k| *k == key) {
                Some(i) => {
                    available.swap_remove(i);
                    false
                }
                None => true,
            }
        })
        .cloned()
        .collect()
}

/// Compares `from` (earlier) with `to` (later); both must assess the same framework.
pub fn compare(from: &Assessment, to: &Assessment) -> Result<Comparison> {
    if from.framework != to.framework {
        return Err(Error::invalid("with", "framework_mismatch"));
    }
    let side = |a: &Assessment| Side {
        id: a.id,
        slug: a.slug.clone(),
        framework_version: a.framework_version.clone(),
    };
    let mut comparison = Comparison {
        framework: to.framework.clone(),
        from: side(from),
        to: side(to),
        dimensions: Vec::new(),
        ratings_changed: 0,
        evidence_added: 0,
        evidence_removed: 0,
        unchanged_questions: 0,
    };
    for dimension in &to.dimensions {
        let before = from.dimension(&dimension.id);
        let mut change = DimensionChange {
            id: dimension.id.clone(),
            rating_from: before.and_then(|d| d.rating.clone()),
            rating_to: dimension.rating.clone(),
            questions: Vec::new(),
        };
        for question in &dimension.questions {
            let earlier = from.question(&question.id);
            let old_evidence = earlier.map_or(&[][..], |q| &q.evidence[..]);
            let rating_from = earlier.and_then(|q| q.rating.clone());
            let added = missing(&question.evidence, old_evidence);
            let removed = missing(old_evidence, &question.evidence);
            let rating_changed = rating_from != question.rating;
            if !rating_changed && added.is_empty() && removed.is_empty() {
                comparison.unchanged_questions += 1;
                continue;
            }
            comparison.ratings_changed += usize::from(rating_changed);
            comparison.evidence_added += added.len();
            comparison.evidence_removed += removed.len();
            change.questions.push(QuestionChange {
                id: question.id.clone(),
                rating_from,
                rating_to: question.rating.clone(),
                rating_changed,
                evidence_added: added,
                evidence_removed: removed,
            });
        }
        comparison.dimensions.push(change);
    }
    Ok(comparison)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use dulieu_core::text::LangText;

    use super::*;
    use crate::Frameworks;
    use crate::assessment::{AssessmentMeta, EvidenceInput};
    use crate::vocab::PublicationStatus;

    fn meta(title: &str) -> AssessmentMeta {
        AssessmentMeta {
            title: LangText::new(title, title),
            subject: "Việt Nam".into(),
            status: PublicationStatus::Draft,
            started_on: None,
            finished_on: None,
            published_on: None,
            assessors: Vec::new(),
            source: None,
        }
    }

    #[test]
    fn shows_exactly_what_changed() {
        let frameworks = Frameworks::builtin().unwrap();
        let odra = frameworks.latest("odra").unwrap();
        let item = |sign: &str, text: &str| {
            EvidenceInput {
                sign: sign.into(),
                text: Some(text.into()),
                ..EvidenceInput::default()
            }
            .validate(odra, |_| None)
            .unwrap()
        };
        let mut before = Assessment::start(odra, "a".into(), meta("A"), Utc::now());
        for question in before
            .dimensions
            .iter_mut()
            .flat_map(|d| d.questions.iter_mut())
        {
            question.rating = Some("yellow".into());
        }
        before.question_mut("2.4").unwrap().evidence =
            vec![item("-", "No license"), item("+", "A draft decree")];
        let mut after = before.copy_as("b".into(), meta("B"), Utc::now());
        let unchanged = compare(&before, &after).unwrap();
        assert_eq!(
            (
                unchanged.ratings_changed,
                unchanged.evidence_added,
                unchanged.evidence_removed
            ),
            (0, 0, 0),
            "a fresh copy changes nothing, although its evidence has new ids"
        );
        assert_eq!(unchanged.unchanged_questions, 43);

        after.question_mut("2.4").unwrap().rating = Some("yellow_green".into());
        after.question_mut("8.2").unwrap().rating = Some("green".into());
        let q = after.question_mut("2.4").unwrap();
        q.evidence.remove(0);
        q.evidence.push(item("+", "CC BY 4.0 adopted"));
        let comparison = compare(&before, &after).unwrap();
        assert_eq!(comparison.ratings_changed, 2);
        assert_eq!(
            (comparison.evidence_added, comparison.evidence_removed),
            (1, 1)
        );
        assert_eq!(comparison.unchanged_questions, 41);
        let changed: Vec<(&str, Option<&str>, Option<&str>)> = comparison
            .dimensions
            .iter()
            .flat_map(|d| d.questions.iter())
            .map(|q| {
                (
                    q.id.as_str(),
                    q.rating_from.as_deref(),
                    q.rating_to.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            changed,
            [
                ("2.4", Some("yellow"), Some("yellow_green")),
                ("8.2", Some("yellow"), Some("green"))
            ]
        );
        let q24 = &comparison.dimensions[1].questions[0];
        assert_eq!(q24.evidence_removed[0].text, "No license");
        assert_eq!(q24.evidence_added[0].text, "CC BY 4.0 adopted");

        let dgra = frameworks.latest("dgra").unwrap();
        let other = Assessment::start(dgra, "c".into(), meta("C"), Utc::now());
        assert!(compare(&before, &other).is_err());
    }
}
