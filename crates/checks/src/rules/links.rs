//! `links.available`: a distribution's remote URL answered its latest check. A link that has
//! failed fewer checks in a row than the profile's `consecutive_failures` is reported one
//! severity lower (a server may have a bad hour). Never-checked links are not judged.

use serde_json::json;

use crate::assess::{Assessment, LinkStatus};
use crate::finding::{Finding, Rule, Subject};

pub(super) fn check(a: &Assessment, out: &mut Vec<Finding>) {
    let Some(severity) = a.profile.severity(Rule::LinksAvailable) else {
        return;
    };
    for d in &a.distributions {
        let LinkStatus::Broken {
            latest,
            consecutive,
            since,
        } = &d.link
        else {
            continue;
        };
        let severity = if *consecutive >= a.profile.links.consecutive_failures {
            severity
        } else {
            severity.lowered()
        };
        let subject = Subject::distribution(d.distribution.id);
        let finding = match (&latest.error_code, latest.status) {
            (Some(error), _) => {
                Finding::new(Rule::LinksAvailable, severity, subject, "error").param("error", error)
            }
            (None, status) => Finding::new(Rule::LinksAvailable, severity, subject, "http_status")
                .param("status", status.unwrap_or_default()),
        };
        let url = d
            .distribution
            .remote_url
            .as_deref()
            .unwrap_or(&d.distribution.url);
        out.push(
            finding
                .param("failures", consecutive)
                .param("since", since.date_naive())
                .evidence(json!({
                    "url": url,
                    "latest": latest,
                    "consecutive_failures": consecutive,
                    "failing_since": since,
                })),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::finding::{Rule, Severity};
    use crate::profile::Profile;
    use crate::rules::{check_dataset, test_support::of};
    use crate::testing::*;

    #[test]
    fn answering_and_unchecked_links_pass() {
        let link = remote("CSV", "https://mof.gov.vn/a.csv");
        let mut f = facts(dataset(), vec![link.clone(), distribution("CSV")]);
        facts_of(&mut f, link.id).link_checks = vec![link_check(1, Some(200), None)];
        assert!(
            of(
                &check_dataset(&Profile::default_profile(), &f),
                Rule::LinksAvailable
            )
            .is_empty()
        );
    }

    #[test]
    fn one_failure_warns_two_violate() {
        let link = remote("CSV", "https://mof.gov.vn/a.csv");
        let mut f = facts(dataset(), vec![link.clone()]);
        facts_of(&mut f, link.id).link_checks = vec![
            link_check(9, Some(200), None),
            link_check(2, Some(404), None),
        ];
        let findings = check_dataset(&Profile::default_profile(), &f);
        assert_eq!(
            of(&findings, Rule::LinksAvailable),
            vec![(
                "check.links.available.http_status".into(),
                Severity::Warning
            )]
        );
        let finding = findings
            .iter()
            .find(|f| f.rule == Rule::LinksAvailable)
            .unwrap();
        assert_eq!(finding.params["status"], "404");
        assert_eq!(finding.evidence["url"], "https://mof.gov.vn/a.csv");

        facts_of(&mut f, link.id)
            .link_checks
            .push(link_check(1, None, Some("timeout")));
        let findings = check_dataset(&Profile::default_profile(), &f);
        let finding = findings
            .iter()
            .find(|f| f.rule == Rule::LinksAvailable)
            .unwrap();
        assert_eq!(finding.severity, Severity::Violation);
        assert_eq!(finding.message_key, "check.links.available.error");
        assert_eq!(finding.params["error"], "timeout");
        assert_eq!(finding.params["failures"], "2");
        assert_eq!(
            finding.params["since"],
            (now() - chrono::TimeDelta::days(2))
                .date_naive()
                .to_string()
        );
    }
}
