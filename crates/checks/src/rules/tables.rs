//! `tables.valid`: a tabular file could be read, and its values fit its schema.
//! `tables.not_empty`: the tables read have rows. Ingests still queued or running are not
//! judged.

use dulieu_core::tables::IngestStatus;
use serde_json::json;

use crate::assess::Assessment;
use crate::finding::{Finding, Rule, Subject};

pub(super) fn check(a: &Assessment, out: &mut Vec<Finding>) {
    for d in &a.distributions {
        let Some(table) = d.facts.and_then(|f| f.table.as_ref()) else {
            continue;
        };
        let subject = Subject::distribution(d.distribution.id);
        if let Some(severity) = a.profile.severity(Rule::TablesValid) {
            match table.status {
                IngestStatus::Failed => {
                    let code = table.error_code.as_deref().unwrap_or("unknown");
                    out.push(
                        Finding::new(Rule::TablesValid, severity, subject, "failed")
                            .param("code", code)
                            .evidence(json!({ "status": "failed", "error_code": code })),
                    );
                }
                IngestStatus::Done => {
                    let violating: Vec<_> = table
                        .tables
                        .iter()
                        .filter(|t| t.schema_violations > 0)
                        .collect();
                    if !violating.is_empty() {
                        let count: u64 = violating.iter().map(|t| t.schema_violations).sum();
                        let names: Vec<&str> = violating.iter().map(|t| t.name.as_str()).collect();
                        let per_table: Vec<_> = violating
                            .iter()
                            .map(|t| json!({ "table": t.name, "values": t.schema_violations }))
                            .collect();
                        out.push(
                            Finding::new(Rule::TablesValid, severity, subject, "schema_violations")
                                .param("count", count)
                                .param("tables", names.join(", "))
                                .evidence(json!({ "schema_violations": per_table })),
                        );
                    }
                }
                IngestStatus::Queued | IngestStatus::Running => {}
            }
        }
        if let Some(severity) = a.profile.severity(Rule::TablesNotEmpty)
            && table.status == IngestStatus::Done
        {
            let min_rows = a.profile.tables.min_rows;
            let empty: Vec<&str> = table
                .tables
                .iter()
                .filter(|t| t.row_count < min_rows)
                .map(|t| t.name.as_str())
                .collect();
            if table.tables.is_empty() {
                out.push(
                    Finding::new(Rule::TablesNotEmpty, severity, subject, "no_tables")
                        .evidence(json!({ "tables": 0 })),
                );
            } else if !empty.is_empty() {
                out.push(
                    Finding::new(Rule::TablesNotEmpty, severity, subject, "empty")
                        .param("count", empty.len())
                        .param("tables", empty.join(", "))
                        .evidence(json!({ "empty_tables": empty, "min_rows": min_rows })),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use dulieu_core::tables::IngestStatus;

    use crate::finding::{Rule, Severity};
    use crate::input::{TableFacts, TableSample};
    use crate::profile::Profile;
    use crate::rules::{check_dataset, test_support::of};
    use crate::testing::*;

    fn with_table(table: TableFacts) -> Vec<crate::Finding> {
        let csv = distribution("CSV");
        let mut f = facts(dataset(), vec![csv.clone()]);
        facts_of(&mut f, csv.id).table = Some(table);
        check_dataset(&Profile::default_profile(), &f)
    }

    fn sample(name: &str, rows: i64, violations: u64) -> TableSample {
        TableSample {
            name: name.into(),
            row_count: rows,
            schema_violations: violations,
            columns: vec![],
        }
    }

    fn done(tables: Vec<TableSample>) -> TableFacts {
        TableFacts {
            status: IngestStatus::Done,
            error_code: None,
            tables,
        }
    }

    #[test]
    fn good_tables_pass() {
        let findings = with_table(done(vec![sample("data", 10, 0)]));
        assert!(of(&findings, Rule::TablesValid).is_empty());
        assert!(of(&findings, Rule::TablesNotEmpty).is_empty());
    }

    #[test]
    fn a_failed_ingest_names_its_code() {
        let findings = with_table(TableFacts {
            status: IngestStatus::Failed,
            error_code: Some("corrupt_spreadsheet".into()),
            tables: vec![],
        });
        let f = findings
            .iter()
            .find(|f| f.rule == Rule::TablesValid)
            .unwrap();
        assert_eq!(f.message_key, "check.tables.valid.failed");
        assert_eq!(f.params["code"], "corrupt_spreadsheet");
        assert!(of(&findings, Rule::TablesNotEmpty).is_empty());
    }

    #[test]
    fn values_outside_the_schema() {
        let findings = with_table(done(vec![sample("2024", 10, 3), sample("2025", 10, 2)]));
        let f = findings
            .iter()
            .find(|f| f.rule == Rule::TablesValid)
            .unwrap();
        assert_eq!(f.message_key, "check.tables.valid.schema_violations");
        assert_eq!(f.params["count"], "5");
        assert_eq!(f.params["tables"], "2024, 2025");
    }

    #[test]
    fn empty_tables() {
        let findings = with_table(done(vec![sample("data", 10, 0), sample("Sheet2", 0, 0)]));
        assert_eq!(
            of(&findings, Rule::TablesNotEmpty),
            vec![("check.tables.not_empty.empty".into(), Severity::Warning)]
        );
        let findings = with_table(done(vec![]));
        assert_eq!(
            of(&findings, Rule::TablesNotEmpty),
            vec![("check.tables.not_empty.no_tables".into(), Severity::Warning)]
        );
    }

    #[test]
    fn running_ingests_are_not_judged() {
        let findings = with_table(TableFacts {
            status: IngestStatus::Running,
            error_code: None,
            tables: vec![],
        });
        assert!(of(&findings, Rule::TablesValid).is_empty());
        assert!(of(&findings, Rule::TablesNotEmpty).is_empty());
    }
}
