//! `timeliness.frequency`: the data was updated as often as its declared frequency promises.
//! The next update is due one interval after the last change; it is late once the profile's
//! grace (one day, udata's rule) has passed too. Frequencies without a schedule are never late;
//! a schedule with no date at all is reported as such.

use serde_json::json;

use super::dataset_subject;
use crate::assess::{Assessment, Timeliness, days_between};
use crate::finding::{Finding, Rule};

pub(super) fn check(a: &Assessment, out: &mut Vec<Finding>) {
    let Some(severity) = a.profile.severity(Rule::TimelinessFrequency) else {
        return;
    };
    let frequency = a.facts.dataset.frequency.as_deref().unwrap_or_default();
    let interval = a
        .profile
        .timeliness
        .intervals
        .get(frequency)
        .map(|i| i.to_string());
    let grace = a.profile.timeliness.grace.to_string();
    match &a.timeliness {
        Timeliness::Late { last_update, due } => {
            let days_late = days_between(*due, a.facts.now);
            out.push(
                Finding::new(
                    Rule::TimelinessFrequency,
                    severity,
                    dataset_subject(a),
                    "late",
                )
                .param("frequency", frequency)
                .param("last_update", last_update.date_naive())
                .param("due", due.date_naive())
                .param("days_late", days_late)
                .evidence(json!({
                    "frequency": frequency,
                    "interval": interval,
                    "grace": grace,
                    "last_update": last_update,
                    "due": due,
                    "days_late": days_late,
                })),
            );
        }
        Timeliness::NoDate => out.push(
            Finding::new(
                Rule::TimelinessFrequency,
                severity,
                dataset_subject(a),
                "no_date",
            )
            .param("frequency", frequency)
            .evidence(json!({ "frequency": frequency, "interval": interval })),
        ),
        Timeliness::OnTime { .. } | Timeliness::NoSchedule | Timeliness::NoFrequency => {}
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use dulieu_core::catalog::Dataset;

    use crate::finding::{Rule, Severity};
    use crate::profile::Profile;
    use crate::rules::{check_dataset, test_support::of};
    use crate::testing::*;

    fn timeliness(d: Dataset) -> Vec<crate::Finding> {
        check_dataset(&Profile::default_profile(), &facts(d, vec![]))
            .into_iter()
            .filter(|f| f.rule == Rule::TimelinessFrequency)
            .collect()
    }

    #[test]
    fn updated_within_the_year_is_on_time() {
        // Annual, modified 2026-01-20, checked 2026-03-15.
        assert!(timeliness(dataset()).is_empty());
    }

    #[test]
    fn a_monthly_dataset_two_months_old_is_late() {
        let d = Dataset {
            frequency: Some("monthly".into()),
            modified: Some(day(2026, 1, 10)),
            issued: None,
            ..dataset()
        };
        let found = timeliness(d);
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(f.message_key, "check.timeliness.frequency.late");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.params["last_update"], "2026-01-10");
        // 2026-01-10 23:59:59 + 31 days = 2026-02-10 23:59:59; checked 2026-03-15 12:00.
        assert_eq!(f.params["due"], "2026-02-10");
        assert_eq!(f.params["days_late"], "32");
        assert_eq!(f.evidence["interval"], "31d");
    }

    #[test]
    fn one_day_of_grace() {
        let on_the_edge = |modified| Dataset {
            frequency: Some("daily".into()),
            modified: Some(modified),
            issued: None,
            ..dataset()
        };
        // Modified 2026-03-13 (end of day): due 03-14 23:59:59, late after 03-15 23:59:59.
        assert!(timeliness(on_the_edge(day(2026, 3, 13))).is_empty());
        assert_eq!(timeliness(on_the_edge(day(2026, 3, 12))).len(), 1);
    }

    #[test]
    fn irregular_and_undeclared_are_never_late() {
        for frequency in [Some("irreg"), Some("never"), None] {
            let d = Dataset {
                frequency: frequency.map(str::to_string),
                modified: Some(day(2000, 1, 1)),
                ..dataset()
            };
            assert!(timeliness(d).is_empty(), "{frequency:?}");
        }
    }

    #[test]
    fn a_schedule_without_any_date() {
        let d = Dataset {
            modified: None,
            issued: None,
            ..dataset()
        };
        let mut f = facts(d, vec![]);
        let findings = check_dataset(&Profile::default_profile(), &f);
        assert_eq!(
            of(&findings, Rule::TimelinessFrequency),
            vec![(
                "check.timeliness.frequency.no_date".into(),
                Severity::Warning
            )]
        );
        // An upload the caller knows of counts as an update.
        f.data_updated_at = Some(now() - TimeDelta::days(3));
        assert!(
            of(
                &check_dataset(&Profile::default_profile(), &f),
                Rule::TimelinessFrequency
            )
            .is_empty()
        );
    }
}
