//! The rules. Each turns the assessment of a dataset into findings at the severity the profile
//! gives it, and does nothing when the profile turns it off.

mod format;
mod license;
mod links;
mod metadata;
mod pii;
mod pull;
mod stars;
mod tables;
mod timeliness;

use crate::assess::Assessment;
use crate::finding::{Finding, Rule, Subject};
use crate::input::DatasetFacts;
use crate::profile::Profile;

/// Runs every rule of the profile on one dataset. Findings come rule by rule (in
/// [`Rule::ALL`] order), and within a rule the dataset first, then the distributions in order.
pub fn check_dataset(profile: &Profile, facts: &DatasetFacts) -> Vec<Finding> {
    run(&Assessment::new(profile, facts))
}

/// Runs every rule on an assessment.
pub(crate) fn run(assessment: &Assessment) -> Vec<Finding> {
    let mut findings = Vec::new();
    license::check(assessment, &mut findings);
    format::check(assessment, &mut findings);
    stars::check(assessment, &mut findings);
    metadata::check(assessment, &mut findings);
    timeliness::check(assessment, &mut findings);
    links::check(assessment, &mut findings);
    pull::check(assessment, &mut findings);
    tables::check(assessment, &mut findings);
    pii::check(assessment, &mut findings);
    findings.sort_by_key(|f| {
        let rule = Rule::ALL.iter().position(|r| *r == f.rule);
        (rule, f.subject.kind != crate::finding::SubjectKind::Dataset)
    });
    findings
}

/// The dataset as a subject.
fn dataset_subject(assessment: &Assessment) -> Subject {
    Subject::dataset(assessment.facts.dataset.id)
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::finding::{Finding, Rule};

    /// The findings of one rule, as (message key, severity) pairs.
    pub fn of(findings: &[Finding], rule: Rule) -> Vec<(String, crate::finding::Severity)> {
        findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| (f.message_key.clone(), f.severity))
            .collect()
    }
}
