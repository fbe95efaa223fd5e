//! The detector on the fixtures: synthetic personal data must be found with its kind, and
//! look-alikes (statistical codes, company tax codes, office phones, money) must not be.

use super::*;
use crate::profile::Profile;

const NOW_YEAR: i32 = 2026;

/// A table from a fixture CSV (no quoted fields), every row as the sample.
fn table(csv: &str) -> TableSample {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    TableSample {
        name: "data".into(),
        row_count: rows.len() as i64,
        schema_violations: 0,
        columns: header
            .iter()
            .enumerate()
            .map(|(i, name)| ColumnSample {
                name: name.to_string(),
                field_type: Some("string".into()),
                distinct_count: None,
                values: rows.iter().map(|r| r[i].to_string()).collect(),
            })
            .collect(),
    }
}

fn people() -> TableSample {
    table(include_str!("../../testdata/people.csv"))
}

fn lookalikes() -> TableSample {
    table(include_str!("../../testdata/lookalikes.csv"))
}

fn policy() -> PiiPolicy {
    Profile::default_profile().pii
}

fn found(table: &TableSample) -> Vec<(String, PiiKind, f64)> {
    scan_table(&policy(), table, NOW_YEAR)
        .into_iter()
        .map(|d| (d.column, d.kind, d.confidence))
        .collect()
}

#[test]
fn finds_every_kind_of_personal_data_with_headers() {
    let found = found(&people());
    let kinds: Vec<(&str, PiiKind)> = found.iter().map(|(c, k, _)| (c.as_str(), *k)).collect();
    assert_eq!(
        kinds,
        vec![
            ("Ngày sinh", PiiKind::BirthDate),
            ("Số CCCD", PiiKind::CitizenId),
            ("Số điện thoại", PiiKind::Phone),
            ("Email", PiiKind::Email),
            ("Mã số thuế cá nhân", PiiKind::TaxCode),
        ]
    );
    // Announced by their names and confirmed by every value: high confidence.
    for (column, _, confidence) in &found {
        assert!(*confidence >= 0.8, "{column}: {confidence}");
    }
}

#[test]
fn finds_identity_numbers_phones_and_emails_from_values_alone() {
    let mut table = people();
    for (i, column) in table.columns.iter_mut().enumerate() {
        column.name = format!("column_{}", i + 1);
    }
    let found = found(&table);
    let by_column = |n: usize| found.iter().find(|(c, _, _)| *c == format!("column_{n}"));
    let (_, kind, confidence) = by_column(5).expect("citizen ids");
    assert_eq!(*kind, PiiKind::CitizenId);
    assert!(*confidence >= 0.8, "{confidence}");
    let (_, kind, confidence) = by_column(6).expect("phones");
    assert_eq!(*kind, PiiKind::Phone);
    assert!(*confidence >= 0.8, "{confidence}");
    assert_eq!(by_column(7).map(|f| f.1), Some(PiiKind::Email));
    // Tax codes without a name saying so: reported, but below high confidence.
    let (_, kind, confidence) = by_column(9).expect("tax codes");
    assert_eq!(*kind, PiiKind::TaxCode);
    assert!((0.5..0.8).contains(confidence), "{confidence}");
    // Dates without a name saying they are births are not reported.
    assert!(by_column(3).is_none(), "{found:?}");
}

#[test]
fn look_alikes_do_not_trigger() {
    let table = lookalikes();
    assert_eq!(found(&table), vec![], "look-alikes reported");
    // And for the right reasons.
    let context = TableContext::of(&table);
    let reasons = |column: &str| {
        let column = table.columns.iter().find(|c| c.name == column).unwrap();
        let values = sampled_values(column);
        let header = hints(&column.name);
        PiiKind::ALL
            .iter()
            .map(|kind| {
                let tally = Tally::of(*kind, &values, &header, NOW_YEAR);
                let (conf, reasons) = confidence(
                    &policy(),
                    &context,
                    &table,
                    column,
                    &header,
                    *kind,
                    &tally,
                    values.len(),
                );
                (*kind, tally.matched, conf, reasons)
            })
            .filter(|(_, matched, _, _)| *matched > 0)
            .collect::<Vec<_>>()
    };
    let stats = reasons("Mã thống kê");
    let citizen = stats.iter().find(|s| s.0 == PiiKind::CitizenId).unwrap();
    assert!(
        citizen.1 > 0,
        "some statistical codes pass the structure by chance"
    );
    assert!(
        citizen.3.contains(&"structure_fails".to_string()),
        "{citizen:?}"
    );
    let files = reasons("Mã hồ sơ");
    let citizen = files.iter().find(|s| s.0 == PiiKind::CitizenId).unwrap();
    assert_eq!(citizen.1, 12, "all file numbers pass the structure");
    assert!(citizen.3.contains(&"sequential".to_string()));
    assert!(citizen.3.contains(&"shared_prefix".to_string()));
    let money = reasons("Tổng thu (đồng)");
    assert!(
        money
            .iter()
            .all(|s| s.3.contains(&"money_like".to_string())),
        "{money:?}"
    );
    let tax = reasons("Mã số thuế");
    let tax = tax.iter().find(|s| s.0 == PiiKind::TaxCode).unwrap();
    assert_eq!(tax.1, 12);
    assert!(tax.3.contains(&"organization_names".to_string()));
    let phones = reasons("Điện thoại");
    assert!(phones[0].3.contains(&"organization_names".to_string()));
}

#[test]
fn masked_values_are_not_exposure() {
    let mut table = people();
    for column in &mut table.columns {
        if column.name == "Số CCCD" || column.name == "Số điện thoại" {
            for value in &mut column.values {
                *value = values::mask(value);
            }
        }
    }
    let found = found(&table);
    assert!(
        found
            .iter()
            .all(|(c, _, _)| c != "Số CCCD" && c != "Số điện thoại"),
        "{found:?}"
    );
}

#[test]
fn few_values_count_less_and_evidence_is_masked() {
    let mut table = people();
    table.columns.retain(|c| c.name == "Số điện thoại");
    table.columns[0].name = "column_1".into();
    table.columns[0].values.truncate(2);
    table.row_count = 2;
    // Two mobile numbers and no header: 0.9 × 2/5.
    assert_eq!(found(&table), vec![]);
    table.columns[0].name = "SĐT".into();
    let detections = scan_table(&policy(), &table, NOW_YEAR);
    assert_eq!(detections.len(), 1);
    let d = &detections[0];
    assert_eq!((d.matched, d.sampled), (2, 2));
    assert!((d.confidence - 0.71).abs() < 1e-9, "{}", d.confidence);
    assert!(d.reasons.contains(&"few_values".to_string()));
    assert_eq!(d.examples.len(), 2);
    for (example, value) in d.examples.iter().zip(&table.columns[0].values) {
        assert_ne!(example, value);
        assert!(example.contains('*'));
    }
}

#[test]
fn repeated_values_are_codes_not_people() {
    let mut table = people();
    table.columns.retain(|c| c.name == "Số CCCD");
    table.columns[0].name = "column_1".into();
    table.row_count = 1000;
    table.columns[0].distinct_count = Some(12);
    let detections = scan_table(&policy(), &table, NOW_YEAR);
    assert_eq!(detections, vec![]);
}

#[test]
fn emails_at_government_domains_count_less() {
    let table = TableSample {
        name: "data".into(),
        row_count: 6,
        schema_violations: 0,
        columns: vec![ColumnSample {
            name: "column_1".into(),
            field_type: None,
            distinct_count: None,
            values: [
                "vanphong@hanoi.gov.vn",
                "sotc@hcm.gov.vn",
                "ubnd@danang.gov.vn",
                "tiepdan@mof.gov.vn",
                "lienhe@mic.gov.vn",
                "vp@moh.gov.vn",
            ]
            .map(String::from)
            .to_vec(),
        }],
    };
    assert_eq!(found(&table), vec![]);
}
