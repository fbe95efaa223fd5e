//! `pull.succeeds`: a distribution published automatically from an agency system still gets its
//! data. A source that has failed the profile's `pull.consecutive_failures` runs in a row is
//! reported; fewer failures are not (a database may be down for maintenance one night).

use serde_json::json;

use crate::assess::Assessment;
use crate::finding::{Finding, Rule, Subject};

pub(super) fn check(a: &Assessment, out: &mut Vec<Finding>) {
    let Some(severity) = a.profile.severity(Rule::PullSucceeds) else {
        return;
    };
    let needed = a.profile.pull.consecutive_failures;
    for d in &a.distributions {
        let Some(pull) = d.facts.and_then(|f| f.pull.as_ref()) else {
            continue;
        };
        if pull.consecutive_failures < needed {
            continue;
        }
        let since = pull.failing_since.unwrap_or(a.facts.now);
        let error = pull
            .last_error_code
            .clone()
            .unwrap_or_else(|| "unknown".into());
        out.push(
            Finding::new(
                Rule::PullSucceeds,
                severity,
                Subject::distribution(d.distribution.id),
                "failing",
            )
            .param("failures", pull.consecutive_failures)
            .param("since", since.date_naive())
            .param("error", &error)
            .evidence(json!({
                "source": pull.source,
                "consecutive_failures": pull.consecutive_failures,
                "failing_since": since,
                "error_code": error,
                "error": pull.last_error,
            })),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::finding::{Rule, Severity};
    use crate::input::PullFacts;
    use crate::profile::Profile;
    use crate::rules::{check_dataset, test_support::of};
    use crate::testing::*;

    fn failing(times: u32) -> PullFacts {
        PullFacts {
            source: "https://gso.gov.vn/dan-so.csv".into(),
            consecutive_failures: times,
            failing_since: Some(now() - chrono::TimeDelta::days(3)),
            last_error_code: Some("http_status".into()),
            last_error: Some("HTTP 503 at https://gso.gov.vn/dan-so.csv".into()),
        }
    }

    #[test]
    fn a_source_is_reported_only_after_enough_failures_in_a_row() {
        let pulled = distribution("CSV");
        let mut f = facts(dataset(), vec![pulled.clone()]);
        let profile = Profile::default_profile();
        assert_eq!(profile.pull.consecutive_failures, 3);
        for (times, reported) in [(0, false), (2, false), (3, true), (7, true)] {
            facts_of(&mut f, pulled.id).pull = Some(failing(times));
            let findings = check_dataset(&profile, &f);
            let expected = if reported {
                vec![("check.pull.succeeds.failing".into(), Severity::Violation)]
            } else {
                vec![]
            };
            assert_eq!(of(&findings, Rule::PullSucceeds), expected, "{times}");
        }
        let findings = check_dataset(&profile, &f);
        let finding = findings
            .iter()
            .find(|x| x.rule == Rule::PullSucceeds)
            .unwrap();
        assert_eq!(finding.params["failures"], "7");
        assert_eq!(finding.params["error"], "http_status");
        assert_eq!(finding.evidence["source"], "https://gso.gov.vn/dan-so.csv");
    }

    #[test]
    fn the_profile_sets_the_threshold_and_can_turn_the_rule_off() {
        let pulled = distribution("CSV");
        let mut f = facts(dataset(), vec![pulled.clone()]);
        facts_of(&mut f, pulled.id).pull = Some(failing(1));
        let mut profile = Profile::default_profile();
        profile.pull.consecutive_failures = 1;
        assert_eq!(
            of(&check_dataset(&profile, &f), Rule::PullSucceeds).len(),
            1
        );
        profile
            .rules
            .insert(Rule::PullSucceeds, crate::profile::Level::Off);
        assert!(of(&check_dataset(&profile, &f), Rule::PullSucceeds).is_empty());
    }
}
