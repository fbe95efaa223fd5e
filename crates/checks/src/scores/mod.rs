//! Scores of a dataset, each computed from the same assessment and findings, each formula in
//! its module: the EU Metadata Quality Assessment ([`mqa`], 0–405 with bands), udata's quality
//! score ([`udata`], 0–1), the 5-star level, the Global Open Data Index points ([`godi`],
//! 0–100) and an estimate of the ODI certificate level ([`odi`]).
//!
//! A rule the profile turns off reports nothing, so it also costs no points where a score is
//! computed from findings (timeliness, link availability, violations).

pub mod godi;
pub mod mqa;
pub mod odi;
pub mod udata;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::assess::Assessment;
use crate::finding::{Finding, Rule};
use crate::input::DatasetFacts;
use crate::profile::Profile;

pub use godi::{GodiClass, GodiScore};
pub use mqa::{MqaBand, MqaDimension, MqaIndicator, MqaScore};
pub use odi::{OdiEstimate, OdiLevel};
pub use udata::UdataScore;

/// Every score of one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scores {
    /// EU Metadata Quality Assessment.
    pub mqa: MqaScore,
    /// udata's quality score.
    pub udata: UdataScore,
    /// 5-star level of the dataset and its distributions.
    pub stars: StarsScore,
    /// Global Open Data Index.
    pub godi: GodiScore,
    /// Estimated ODI certificate level.
    pub odi: OdiEstimate,
}

/// The 5-star level: per distribution (0 without an open license, else its format's stars,
/// 5 for RDF linking to other data), and for the dataset its best distribution's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StarsScore {
    /// The dataset's stars (0 to 5; 0 without distributions).
    pub dataset: u8,
    /// Each distribution's stars, in the dataset's order.
    pub distributions: Vec<DistributionStars>,
}

/// One distribution's stars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistributionStars {
    /// The distribution.
    pub id: Uuid,
    /// Its stars (0 to 5).
    pub stars: u8,
}

/// Computes every score of a dataset from its facts and the findings of [`crate::check_dataset`]
/// on the same facts and profile.
pub fn score_dataset(profile: &Profile, facts: &DatasetFacts, findings: &[Finding]) -> Scores {
    scores(&Assessment::new(profile, facts), findings)
}

/// Computes every score from an assessment and its findings.
pub(crate) fn scores(a: &Assessment, findings: &[Finding]) -> Scores {
    let found = FoundRules(findings);
    Scores {
        mqa: mqa::score(a),
        udata: udata::score(a, &found),
        stars: StarsScore {
            dataset: a.stars,
            distributions: a
                .distributions
                .iter()
                .map(|d| DistributionStars {
                    id: d.distribution.id,
                    stars: d.stars,
                })
                .collect(),
        },
        godi: godi::score(a, &found),
        odi: odi::estimate(a, &found),
    }
}

/// What the findings say, for the scores.
pub(crate) struct FoundRules<'f>(&'f [Finding]);

impl FoundRules<'_> {
    /// True when `rule` found something (at any severity).
    pub fn any(&self, rule: Rule) -> bool {
        self.0.iter().any(|f| f.rule == rule)
    }

    /// True when some finding is at least as serious as `severity`.
    pub fn any_at_least(&self, severity: crate::finding::Severity) -> bool {
        self.0.iter().any(|f| f.severity >= severity)
    }
}

/// The share of `items` meeting `test` (0 when there are none).
pub(crate) fn share<T>(items: &[T], test: impl Fn(&T) -> bool) -> f64 {
    if items.is_empty() {
        0.0
    } else {
        items.iter().filter(|i| test(i)).count() as f64 / items.len() as f64
    }
}

/// Rounds to two decimals.
pub(crate) fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
