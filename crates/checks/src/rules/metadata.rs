//! `metadata.mandatory` and `metadata.recommended`: the fields the profile requires and
//! recommends are filled in, on the dataset and on each distribution. One finding per subject
//! lists what is missing.

use serde_json::json;

use super::dataset_subject;
use crate::assess::Assessment;
use crate::fields::MetadataField;
use crate::finding::{Finding, Rule, Subject};

pub(super) fn check(a: &Assessment, out: &mut Vec<Finding>) {
    let policy = &a.profile.metadata;
    for (rule, fields) in [
        (Rule::MetadataMandatory, &policy.required),
        (Rule::MetadataRecommended, &policy.recommended),
    ] {
        let Some(severity) = a.profile.severity(rule) else {
            continue;
        };
        let dataset = &a.facts.dataset;
        let missing: Vec<MetadataField> = fields
            .iter()
            .copied()
            .filter(|f| !f.is_distribution_field() && !f.is_filled_in(a.profile, dataset))
            .collect();
        if !missing.is_empty() {
            out.push(finding(rule, severity, dataset_subject(a), &missing));
        }
        for d in &a.distributions {
            let missing: Vec<MetadataField> = fields
                .iter()
                .copied()
                .filter(|f| {
                    f.is_distribution_field()
                        && !f.is_filled_in_distribution(a.profile, d.distribution)
                })
                .collect();
            if !missing.is_empty() {
                let subject = Subject::distribution(d.distribution.id);
                out.push(finding(rule, severity, subject, &missing));
            }
        }
    }
}

fn finding(
    rule: Rule,
    severity: crate::finding::Severity,
    subject: Subject,
    missing: &[MetadataField],
) -> Finding {
    let names: Vec<&str> = missing.iter().map(|f| f.as_str()).collect();
    Finding::new(rule, severity, subject, "missing")
        .param("count", missing.len())
        .param("fields", names.join(", "))
        .evidence(json!({ "missing": names }))
}

#[cfg(test)]
mod tests {
    use crate::finding::{Rule, Severity, SubjectKind};
    use crate::profile::Profile;
    use crate::rules::check_dataset;
    use crate::testing::*;

    #[test]
    fn a_complete_dataset_passes() {
        let f = facts(dataset(), vec![distribution("CSV")]);
        let findings = check_dataset(&Profile::default_profile(), &f);
        assert!(
            findings
                .iter()
                .all(|f| f.rule != Rule::MetadataMandatory && f.rule != Rule::MetadataRecommended),
            "{findings:?}"
        );
    }

    #[test]
    fn missing_fields_are_listed_per_subject() {
        let mut d = dataset();
        d.description = Default::default();
        d.keywords.clear();
        d.spatial = None;
        let mut dist = distribution("");
        dist.description = Default::default();
        let findings = check_dataset(&Profile::default_profile(), &facts(d, vec![dist.clone()]));
        let mandatory: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == Rule::MetadataMandatory)
            .collect();
        assert_eq!(mandatory.len(), 1);
        assert_eq!(mandatory[0].severity, Severity::Violation);
        assert_eq!(mandatory[0].params["fields"], "description");
        assert_eq!(mandatory[0].params["count"], "1");
        let recommended: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == Rule::MetadataRecommended)
            .collect();
        assert_eq!(recommended.len(), 2);
        assert_eq!(recommended[0].subject.kind, SubjectKind::Dataset);
        assert_eq!(
            recommended[0].evidence["missing"],
            serde_json::json!(["keywords", "spatial"])
        );
        assert_eq!(recommended[1].subject.id, dist.id);
        assert_eq!(
            recommended[1].params["fields"],
            "distribution.description, distribution.format"
        );
        assert_eq!(recommended[1].severity, Severity::Info);
    }

    #[test]
    fn a_dataset_without_distributions() {
        let findings = check_dataset(&Profile::default_profile(), &facts(dataset(), vec![]));
        let recommended: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == Rule::MetadataRecommended)
            .collect();
        assert_eq!(recommended[0].params["fields"], "distributions");
    }
}
