//! udata's quality score (data.gouv.fr, `compute_quality_score`): nine criteria worth one point
//! each, divided by 9.
//!
//! 1. `license` — a license is given;
//! 2. `temporal_coverage` — given;
//! 3. `spatial` — given;
//! 4. `update_frequency` — given;
//! 5. `update_fulfilled_in_time` — a frequency is given and the `timeliness.frequency` rule
//!    found nothing (frequencies without a schedule are always in time);
//! 6. `dataset_description_quality` — the description has more than 100 characters (in its
//!    longer language);
//! 7. `has_open_format` — some distribution is in an open, machine-readable format (udata's
//!    closed formats PDF, DOC(X), XLS(X) are not);
//! 8. `all_resources_available` — the `links.available` rule found nothing (unchecked links
//!    count as available);
//! 9. `resources_documentation` — some distribution has a description.
//!
//! Criteria 7–9 need distributions: without any they are not met.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::FoundRules;
use crate::assess::Assessment;
use crate::fields::{MetadataField, longest_text_chars};
use crate::finding::Rule;

/// udata's `QUALITY_DESCRIPTION_LENGTH`.
pub const DESCRIPTION_MIN_CHARS: usize = 100;

/// The criteria (udata's keys), in order.
pub const CRITERIA: &[&str] = &[
    "license",
    "temporal_coverage",
    "spatial",
    "update_frequency",
    "update_fulfilled_in_time",
    "dataset_description_quality",
    "has_open_format",
    "all_resources_available",
    "resources_documentation",
];

/// udata's quality score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UdataScore {
    /// Criteria met over 9, from 0 to 1 (three decimals).
    pub score: f64,
    /// Each criterion (udata's key) and whether it is met.
    pub criteria: BTreeMap<String, bool>,
}

/// Scores a dataset.
pub(crate) fn score(a: &Assessment, found: &FoundRules) -> UdataScore {
    let dataset = &a.facts.dataset;
    let profile = a.profile;
    let has_resources = !a.distributions.is_empty();
    let has_frequency = MetadataField::Frequency.is_filled_in(profile, dataset);
    let criteria = [
        ("license", a.license_present),
        (
            "temporal_coverage",
            MetadataField::Temporal.is_filled_in(profile, dataset),
        ),
        (
            "spatial",
            MetadataField::Spatial.is_filled_in(profile, dataset),
        ),
        ("update_frequency", has_frequency),
        (
            "update_fulfilled_in_time",
            has_frequency && !found.any(Rule::TimelinessFrequency),
        ),
        (
            "dataset_description_quality",
            longest_text_chars(&dataset.description) > DESCRIPTION_MIN_CHARS,
        ),
        (
            "has_open_format",
            has_resources && a.has_open_machine_readable(),
        ),
        (
            "all_resources_available",
            has_resources && !found.any(Rule::LinksAvailable),
        ),
        (
            "resources_documentation",
            a.distributions
                .iter()
                .any(|d| !d.distribution.description.is_empty()),
        ),
    ];
    let met = criteria.iter().filter(|(_, met)| *met).count();
    UdataScore {
        score: (met as f64 / criteria.len() as f64 * 1000.0).round() / 1000.0,
        criteria: criteria
            .into_iter()
            .map(|(key, met)| (key.to_string(), met))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use crate::profile::Profile;
    use crate::testing::*;
    use crate::{Report, evaluate};

    fn udata(f: &crate::DatasetFacts) -> super::UdataScore {
        let Report { scores, .. } = evaluate(&Profile::default_profile(), f);
        scores.udata
    }

    #[test]
    fn a_complete_dataset_scores_one() {
        let score = udata(&facts(dataset(), vec![distribution("CSV")]));
        assert_eq!(score.score, 1.0, "{:?}", score.criteria);
    }

    #[test]
    fn each_missing_criterion_costs_a_ninth() {
        let mut d = dataset();
        d.spatial = None;
        d.frequency = None;
        let pdf = remote("PDF", "https://mof.gov.vn/a.pdf");
        let mut f = facts(d, vec![pdf.clone()]);
        facts_of(&mut f, pdf.id).link_checks = vec![link_check(1, Some(500), None)];
        let score = udata(&f);
        // Missing: spatial, update_frequency, update_fulfilled_in_time, has_open_format,
        // all_resources_available → 4/9.
        assert_eq!(score.score, 0.444);
        assert!(!score.criteria["has_open_format"]);
        assert!(!score.criteria["all_resources_available"]);
        assert!(score.criteria["resources_documentation"]);
    }

    #[test]
    fn criteria_match_their_list() {
        let score = udata(&facts(dataset(), vec![]));
        let mut keys: Vec<&str> = super::CRITERIA.to_vec();
        keys.sort_unstable();
        assert_eq!(
            score
                .criteria
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            keys
        );
    }

    #[test]
    fn no_resources_no_resource_points() {
        let score = udata(&facts(dataset(), vec![]));
        // license, temporal, spatial, frequency, in time, description = 6/9.
        assert_eq!(score.score, 0.667);
    }
}
