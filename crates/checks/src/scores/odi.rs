//! An estimate of the ODI Open Data Certificate level a dataset could claim. The certificate is
//! a self-assessed questionnaire; only the requirements a machine can check are checked, so
//! this is a floor to discuss, not a certificate. Levels are cumulative:
//!
//! | level (ODI id) | requirements checked here |
//! |---|---|
//! | raw (`basic`) | `open_license`: the license is open; `public`: published with public access; `downloadable`: a download URL answers |
//! | pilot | `documentation`: a description of more than 100 characters; `machine_readable`: a machine-readable format; `timestamps`: an issue or modification date |
//! | standard | `open_format`: an open, machine-readable format; `contact_point`: someone to report errors to; `timely`: a frequency is declared and kept; `no_violations`: no finding at `violation` |
//! | expert (`exemplar`) | `linked_data`: four stars or more; `no_warnings`: no finding above `info` |
//!
//! `unmet` lists the requirements of the next level that are not met (all of them from the
//! first unmet level up).

use serde::{Deserialize, Serialize};

use super::FoundRules;
use super::udata::DESCRIPTION_MIN_CHARS;
use crate::assess::Assessment;
use crate::fields::{MetadataField, longest_text_chars};
use crate::finding::{Rule, Severity};

/// The level names, lowest first.
pub const LEVELS: &[&str] = &["none", "raw", "pilot", "standard", "expert"];

/// The requirement ids, level by level.
pub const REQUIREMENTS: &[&str] = &[
    "open_license",
    "public",
    "downloadable",
    "documentation",
    "machine_readable",
    "timestamps",
    "open_format",
    "contact_point",
    "timely",
    "no_violations",
    "linked_data",
    "no_warnings",
];

/// The estimated level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OdiEstimate {
    /// The highest level whose requirements, and those below, are all met.
    pub level: OdiLevel,
    /// Requirements not met, from the first level not reached up (labels
    /// `check.odi.requirement.<id>`).
    pub unmet: Vec<String>,
}

/// ODI certificate levels (labels `check.odi.level.<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum OdiLevel {
    /// Not even raw.
    None,
    /// "A great start at the basics of publishing open data" (ODI id `basic`).
    Raw,
    /// "Data users receive extra support from, and provide feedback to the publisher".
    Pilot,
    /// "Regularly published open data with robust support that people can rely on".
    Standard,
    /// "An exceptional example of information infrastructure" (ODI id `exemplar`).
    Expert,
}

/// Estimates the level of a dataset.
pub(crate) fn estimate(a: &Assessment, found: &FoundRules) -> OdiEstimate {
    let dataset = &a.facts.dataset;
    let profile = a.profile;
    let levels: [(OdiLevel, Vec<(&str, bool)>); 4] = [
        (
            OdiLevel::Raw,
            vec![
                ("open_license", a.license_open),
                ("public", dataset.is_public()),
                (
                    "downloadable",
                    a.distributions
                        .iter()
                        .any(|d| d.download_url && d.link.is_available()),
                ),
            ],
        ),
        (
            OdiLevel::Pilot,
            vec![
                (
                    "documentation",
                    longest_text_chars(&dataset.description) > DESCRIPTION_MIN_CHARS,
                ),
                (
                    "machine_readable",
                    a.distributions.iter().any(|d| d.format.machine_readable),
                ),
                (
                    "timestamps",
                    dataset.issued.is_some() || dataset.modified.is_some(),
                ),
            ],
        ),
        (
            OdiLevel::Standard,
            vec![
                ("open_format", a.has_open_machine_readable()),
                (
                    "contact_point",
                    MetadataField::ContactPoint.is_filled_in(profile, dataset),
                ),
                (
                    "timely",
                    MetadataField::Frequency.is_filled_in(profile, dataset)
                        && !found.any(Rule::TimelinessFrequency),
                ),
                ("no_violations", !found.any_at_least(Severity::Violation)),
            ],
        ),
        (
            OdiLevel::Expert,
            vec![
                ("linked_data", a.stars >= 4),
                ("no_warnings", !found.any_at_least(Severity::Warning)),
            ],
        ),
    ];
    let mut level = OdiLevel::None;
    let mut unmet = Vec::new();
    for (candidate, requirements) in levels {
        let missing: Vec<String> = requirements
            .iter()
            .filter(|(_, met)| !met)
            .map(|(id, _)| id.to_string())
            .collect();
        if missing.is_empty() && unmet.is_empty() {
            level = candidate;
        }
        unmet.extend(missing);
    }
    OdiEstimate { level, unmet }
}

#[cfg(test)]
mod tests {
    use super::OdiLevel;
    use crate::evaluate;
    use crate::profile::Profile;
    use crate::sniff::{ContentKind, Sniffed};
    use crate::testing::*;

    fn odi(f: &crate::DatasetFacts) -> super::OdiEstimate {
        evaluate(&Profile::default_profile(), f).scores.odi
    }

    #[test]
    fn levels_rise_with_the_dataset() {
        let mut d = dataset();
        d.license = "none".into();
        let estimate = odi(&facts(d.clone(), vec![distribution("PDF")]));
        assert_eq!(estimate.level, OdiLevel::None);
        assert_eq!(estimate.unmet[0], "open_license");

        d.license = "cc-by-4.0".into();
        let mut pdf = distribution("PDF");
        pdf.license = d.license.clone();
        let estimate = odi(&facts(d.clone(), vec![pdf.clone()]));
        assert_eq!(estimate.level, OdiLevel::Raw);
        assert_eq!(estimate.unmet[0], "machine_readable");

        let estimate = odi(&facts(d.clone(), vec![distribution("XLS")]));
        assert_eq!(estimate.level, OdiLevel::Pilot);
        assert!(estimate.unmet.contains(&"open_format".to_string()));

        let estimate = odi(&facts(d.clone(), vec![distribution("CSV")]));
        assert_eq!(estimate.level, OdiLevel::Standard);
        assert_eq!(estimate.unmet, vec!["linked_data"]);

        let ttl = distribution("TTL");
        let mut f = facts(d, vec![ttl.clone()]);
        facts_of(&mut f, ttl.id).sniffed = Some(Sniffed::of(ContentKind::Turtle));
        let estimate = odi(&f);
        assert_eq!(estimate.level, OdiLevel::Expert, "{:?}", estimate.unmet);
        assert!(estimate.unmet.is_empty());
    }

    #[test]
    fn names_match_their_lists() {
        // A dataset meeting nothing lists every requirement.
        let mut d = dataset();
        d.license = "none".into();
        d.description = Default::default();
        d.issued = None;
        d.modified = None;
        d.contact_point = None;
        d.frequency = None;
        d.status = dulieu_core::vocab::DatasetStatus::Draft;
        let estimate = odi(&facts(d, vec![]));
        assert_eq!(estimate.unmet, super::REQUIREMENTS);
        for (name, level) in super::LEVELS.iter().zip([
            OdiLevel::None,
            OdiLevel::Raw,
            OdiLevel::Pilot,
            OdiLevel::Standard,
            OdiLevel::Expert,
        ]) {
            assert_eq!(serde_json::to_value(level).unwrap(), *name);
        }
    }

    #[test]
    fn a_violation_stops_at_pilot() {
        // Open license and CSV, but a broken link twice in a row (a violation).
        let link = remote("CSV", "https://mof.gov.vn/a.csv");
        let mut f = facts(dataset(), vec![distribution("CSV"), link.clone()]);
        facts_of(&mut f, link.id).link_checks = vec![
            link_check(2, Some(404), None),
            link_check(1, Some(404), None),
        ];
        let estimate = odi(&f);
        assert_eq!(estimate.level, OdiLevel::Pilot, "{:?}", estimate.unmet);
        assert!(estimate.unmet.contains(&"no_violations".to_string()));
    }
}
