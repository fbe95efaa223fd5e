//! `license.present`: the dataset names a license. `license.open`: that license, and any other
//! license a distribution has, is open under the profile.

use serde_json::json;

use super::dataset_subject;
use crate::assess::Assessment;
use crate::finding::{Finding, Rule, Subject};

pub(super) fn check(a: &Assessment, out: &mut Vec<Finding>) {
    let dataset = &a.facts.dataset;
    if let Some(severity) = a.profile.severity(Rule::LicensePresent)
        && !a.license_present
    {
        out.push(
            Finding::new(
                Rule::LicensePresent,
                severity,
                dataset_subject(a),
                "missing",
            )
            .evidence(json!({ "license": dataset.license })),
        );
    }
    let Some(severity) = a.profile.severity(Rule::LicenseOpen) else {
        return;
    };
    if a.license_present && !a.license_open {
        out.push(
            Finding::new(Rule::LicenseOpen, severity, dataset_subject(a), "not_open")
                .param("license", &dataset.license)
                .evidence(json!({
                    "license": dataset.license,
                    "open_licenses": a.profile.licenses.open,
                })),
        );
    }
    for d in &a.distributions {
        let license = &d.distribution.license;
        if license != &dataset.license && !d.license_open {
            out.push(
                Finding::new(
                    Rule::LicenseOpen,
                    severity,
                    Subject::distribution(d.distribution.id),
                    "distribution_not_open",
                )
                .param("license", license)
                .evidence(json!({
                    "license": license,
                    "dataset_license": dataset.license,
                })),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::finding::{Rule, Severity, SubjectKind};
    use crate::profile::Profile;
    use crate::rules::{check_dataset, test_support::of};
    use crate::testing::*;

    #[test]
    fn an_open_license_passes() {
        let f = facts(dataset(), vec![distribution("CSV")]);
        let findings = check_dataset(&Profile::default_profile(), &f);
        assert!(of(&findings, Rule::LicensePresent).is_empty());
        assert!(of(&findings, Rule::LicenseOpen).is_empty());
    }

    #[test]
    fn no_license_is_a_violation_once() {
        let mut d = dataset();
        d.license = "none".into();
        let mut dist = distribution("CSV");
        dist.license = "none".into();
        let findings = check_dataset(&Profile::default_profile(), &facts(d, vec![dist]));
        assert_eq!(
            of(&findings, Rule::LicensePresent),
            vec![("check.license.present.missing".into(), Severity::Violation)]
        );
        // Not reported again as "not open".
        assert!(of(&findings, Rule::LicenseOpen).is_empty());
    }

    #[test]
    fn a_closed_license_is_named() {
        let mut d = dataset();
        d.license = "cc-by-nc-4.0".into();
        let mut dist = distribution("CSV");
        dist.license = "cc-by-nc-4.0".into();
        let findings = check_dataset(&Profile::default_profile(), &facts(d, vec![dist]));
        let open: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == Rule::LicenseOpen)
            .collect();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].message_key, "check.license.open.not_open");
        assert_eq!(open[0].params["license"], "cc-by-nc-4.0");
        assert_eq!(open[0].subject.kind, SubjectKind::Dataset);
    }

    #[test]
    fn a_distribution_with_its_own_closed_license() {
        let mut closed = distribution("CSV");
        closed.license = "cc-by-nc-4.0".into();
        let f = facts(dataset(), vec![distribution("JSON"), closed.clone()]);
        let findings = check_dataset(&Profile::default_profile(), &f);
        let open: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == Rule::LicenseOpen)
            .collect();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].subject.id, closed.id);
        assert_eq!(
            open[0].message_key,
            "check.license.open.distribution_not_open"
        );
    }
}
