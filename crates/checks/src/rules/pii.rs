//! `pii.exposure`: no column of a distribution's tables looks like personal data. One finding
//! per distribution lists the columns found, each with its kind, confidence and masked
//! examples; below the profile's `high_confidence` the finding is one severity lower.

use chrono::Datelike;
use serde_json::json;

use crate::assess::Assessment;
use crate::finding::{Finding, Rule, Subject};
use crate::pii::{ColumnDetection, scan_table};

pub(super) fn check(a: &Assessment, out: &mut Vec<Finding>) {
    let Some(severity) = a.profile.severity(Rule::PiiExposure) else {
        return;
    };
    let policy = &a.profile.pii;
    let now_year = a.facts.now.year();
    for d in &a.distributions {
        let Some(table) = d.facts.and_then(|f| f.table.as_ref()) else {
            continue;
        };
        let found: Vec<ColumnDetection> = table
            .tables
            .iter()
            .flat_map(|t| scan_table(policy, t, now_year))
            .collect();
        let Some(highest) = found.iter().map(|c| c.confidence).reduce(f64::max) else {
            continue;
        };
        let severity = if highest >= policy.high_confidence {
            severity
        } else {
            severity.lowered()
        };
        let columns: Vec<&str> = found.iter().map(|c| c.column.as_str()).collect();
        let mut kinds: Vec<&str> = found.iter().map(|c| c.kind.as_str()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        out.push(
            Finding::new(
                Rule::PiiExposure,
                severity,
                Subject::distribution(d.distribution.id),
                "found",
            )
            .param("count", found.len())
            .param("columns", columns.join(", "))
            .param("kinds", kinds.join(", "))
            .evidence(json!({ "columns": found, "highest_confidence": highest })),
        );
    }
}

#[cfg(test)]
mod tests {
    use dulieu_core::tables::IngestStatus;

    use crate::finding::{Rule, Severity};
    use crate::input::{ColumnSample, TableFacts, TableSample};
    use crate::profile::Profile;
    use crate::rules::{check_dataset, test_support::of};
    use crate::testing::*;

    fn with_columns(columns: Vec<(&str, Vec<&str>)>) -> Vec<crate::Finding> {
        let csv = distribution("CSV");
        let mut f = facts(dataset(), vec![csv.clone()]);
        let rows = columns.first().map_or(0, |c| c.1.len()) as i64;
        facts_of(&mut f, csv.id).table = Some(TableFacts {
            status: IngestStatus::Done,
            error_code: None,
            tables: vec![TableSample {
                name: "data".into(),
                row_count: rows,
                schema_violations: 0,
                columns: columns
                    .into_iter()
                    .map(|(name, values)| ColumnSample {
                        name: name.into(),
                        field_type: None,
                        distinct_count: None,
                        values: values.into_iter().map(String::from).collect(),
                    })
                    .collect(),
            }],
        });
        check_dataset(&Profile::default_profile(), &f)
    }

    const PHONES: [&str; 5] = [
        "0912345678",
        "0987654321",
        "0358123456",
        "0779876543",
        "0868112233",
    ];

    #[test]
    fn statistics_pass() {
        let findings = with_columns(vec![
            (
                "Quận",
                vec!["Ba Đình", "Hoàn Kiếm", "Tây Hồ", "Long Biên", "Cầu Giấy"],
            ),
            (
                "Dân số",
                vec!["226315", "135618", "168257", "337993", "292536"],
            ),
        ]);
        assert!(of(&findings, Rule::PiiExposure).is_empty());
    }

    #[test]
    fn phone_numbers_with_their_header_are_a_violation() {
        let findings = with_columns(vec![("Số điện thoại", PHONES.to_vec())]);
        let f = findings
            .iter()
            .find(|f| f.rule == Rule::PiiExposure)
            .unwrap();
        assert_eq!(f.severity, Severity::Violation);
        assert_eq!(f.message_key, "check.pii.exposure.found");
        assert_eq!(f.params["columns"], "Số điện thoại");
        assert_eq!(f.params["kinds"], "phone");
        let evidence = f.evidence.to_string();
        assert!(
            !evidence.contains("0912345678"),
            "evidence leaks: {evidence}"
        );
        assert_eq!(f.evidence["columns"][0]["examples"][0], "09******78");
    }

    #[test]
    fn a_moderate_guess_is_a_warning() {
        // Tax codes without a header: 0.6 confidence.
        let findings = with_columns(vec![(
            "column_1",
            vec![
                "0100233488",
                "0314409058",
                "8091141708",
                "8072940550",
                "8008196729",
            ],
        )]);
        assert_eq!(
            of(&findings, Rule::PiiExposure),
            vec![("check.pii.exposure.found".into(), Severity::Warning)]
        );
    }
}
