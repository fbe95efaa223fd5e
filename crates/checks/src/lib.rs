//! The watchdog's checks as pure functions: no database, no HTTP, no clock.
//!
//! The caller gathers [`DatasetFacts`] (the dataset, what each distribution's bytes are, its
//! link-check history and table ingest, and the time), picks a [`Profile`] (the compliance
//! profile; [`Profile::default_profile`] is built in), and calls [`evaluate`]:
//!
//! - [`check_dataset`] runs every rule and returns [`Finding`]s — rule id, severity, subject,
//!   message key with parameters, evidence and a "how to fix" key. The texts are the catalog's
//!   `check.<rule>.*` keys in Vietnamese and English.
//! - [`score_dataset`] computes the scores from the same facts and findings: EU MQA (0–405,
//!   bands), udata (0–1), 5 stars, Global Open Data Index (0–100) and an ODI certificate
//!   estimate.
//!
//! [`sniff`](sniff::sniff) tells what a file is from its first bytes; [`pii`] is the
//! personal-data detector the `pii.exposure` rule uses.

mod assess;
pub mod fields;
pub mod finding;
pub mod input;
pub mod interval;
pub mod messages;
pub mod pii;
pub mod profile;
mod rules;
pub mod scores;
pub mod sniff;
#[cfg(test)]
mod testing;

use serde::{Deserialize, Serialize};

pub use fields::MetadataField;
pub use finding::{Finding, Rule, Severity, Subject, SubjectKind};
pub use input::{
    ColumnSample, DatasetFacts, DistributionFacts, LinkCheck, PullFacts, TableFacts, TableSample,
};
pub use profile::{Level, Profile, ProfileError};
pub use rules::check_dataset;
pub use scores::{Scores, score_dataset};
pub use sniff::{ContentKind, Sniffed, sniff};

/// The findings and scores of one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    /// The profile's name.
    pub profile: String,
    /// What the rules found.
    pub findings: Vec<Finding>,
    /// The scores.
    pub scores: Scores,
}

/// Runs every rule and computes every score of one dataset (what [`check_dataset`] and
/// [`score_dataset`] do, deriving the facts once).
pub fn evaluate(profile: &Profile, facts: &DatasetFacts) -> Report {
    let assessment = assess::Assessment::new(profile, facts);
    let findings = rules::run(&assessment);
    let scores = scores::scores(&assessment, &findings);
    Report {
        profile: profile.name.clone(),
        findings,
        scores,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::messages::MESSAGES;
    use crate::sniff::ContentKind;
    use crate::testing::*;

    /// Every finding uses a declared message with exactly its declared parameters.
    fn assert_declared(findings: &[Finding]) {
        for f in findings {
            let (_, _, params) = MESSAGES
                .iter()
                .find(|(rule, variant, _)| rule.message_key(variant) == f.message_key)
                .unwrap_or_else(|| panic!("undeclared message {}", f.message_key));
            let mut given: Vec<&str> = f.params.keys().map(String::as_str).collect();
            let mut declared = params.to_vec();
            given.sort_unstable();
            declared.sort_unstable();
            assert_eq!(given, declared, "{}", f.message_key);
            assert_eq!(f.fix_key, f.rule.fix_key());
        }
    }

    #[test]
    fn a_pdf_without_license_then_a_csv_with_cc_by() {
        let profile = Profile::default_profile();
        let mut d = dataset();
        d.license = "none".into();
        let mut pdf = distribution("PDF");
        pdf.license = "none".into();
        let mut f = facts(d, vec![pdf.clone()]);
        facts_of(&mut f, pdf.id).sniffed = Some(sniff(b"%PDF-1.7\n"));
        let before = evaluate(&profile, &f);
        assert_declared(&before.findings);
        let violations: Vec<Rule> = before
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Violation)
            .map(|f| f.rule)
            .collect();
        assert_eq!(
            violations,
            vec![Rule::LicensePresent, Rule::FormatMachineReadable]
        );
        assert_eq!(before.scores.stars.dataset, 0);

        f.dataset.license = "cc-by-4.0".into();
        f.dataset.distributions[0].license = "cc-by-4.0".into();
        let csv = distribution("CSV");
        f.dataset.distributions.push(csv.clone());
        facts_of(&mut f, csv.id).sniffed = Some(sniff(b"ma_tinh,dan_so\n01,8053663\n79,9389720\n"));
        let after = evaluate(&profile, &f);
        assert_declared(&after.findings);
        assert!(
            after
                .findings
                .iter()
                .all(|f| f.severity < Severity::Violation),
            "{:?}",
            after.findings
        );
        assert_eq!(after.scores.stars.dataset, 3);
        assert!(after.scores.mqa.points > before.scores.mqa.points);
        assert!(after.scores.udata.score > before.scores.udata.score);
        assert!(after.scores.godi.points > before.scores.godi.points);
        assert!(after.scores.odi.level > before.scores.odi.level);
        assert_eq!(
            f.distribution(csv.id)
                .and_then(|d| d.sniffed.as_ref())
                .map(|s| s.kind),
            Some(ContentKind::Csv)
        );
    }

    #[test]
    fn evaluate_agrees_with_the_separate_functions() {
        let profile = Profile::default_profile();
        let f = facts(dataset(), vec![distribution("XLSX"), distribution("PDF")]);
        let report = evaluate(&profile, &f);
        let findings = check_dataset(&profile, &f);
        assert_eq!(report.findings, findings);
        assert_eq!(report.scores, score_dataset(&profile, &f, &findings));
        assert_eq!(report.profile, profile.name);
        assert_declared(&findings);
    }
}
