//! Aggregates over an ingested table, checked against sums computed here.

use crate::common;

use std::collections::BTreeMap;

use common::{Fixture, engine};
use dulieu_query::{AggregateRequest, ErrorCode, Filter, Metric, MetricFunction, SortKey};
use serde_json::json;

#[tokio::test]
async fn groups_with_every_metric() {
    let fixture = Fixture::new(333);
    let request = AggregateRequest {
        group_by: vec!["tinh".into()],
        metrics: vec![
            Metric::count(),
            Metric::parse("count:ty_le").unwrap(),
            Metric::parse("sum:so_lieu").unwrap(),
            Metric::parse("avg:so_lieu").unwrap(),
            Metric::parse("min:ngay").unwrap(),
            Metric::parse("max:ty_le").unwrap(),
        ],
        ..AggregateRequest::default()
    };
    let result = engine()
        .aggregate(&fixture.tables, &fixture.table(), &request)
        .await
        .unwrap();
    assert!(!result.truncated);
    let names: Vec<(&str, &str)> = result
        .result
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.field_type.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("tinh", "string"),
            ("count", "integer"),
            ("count(ty_le)", "integer"),
            ("sum(so_lieu)", "integer"),
            ("avg(so_lieu)", "number"),
            ("min(ngay)", "date"),
            ("max(ty_le)", "number"),
        ]
    );
    let mut expected: BTreeMap<&str, Vec<&common::Row>> = BTreeMap::new();
    for row in &fixture.rows {
        expected.entry(row.tinh).or_default().push(row);
    }
    assert_eq!(result.result.rows.len(), expected.len());
    // Sorted by the group column (byte order of the UTF-8 text).
    for (row, (tinh, members)) in result.result.rows.iter().zip(&expected) {
        let sum: i64 = members.iter().map(|r| r.so_lieu).sum();
        let non_null = members.iter().filter(|r| r.ty_le.is_some()).count();
        let max = members
            .iter()
            .filter_map(|r| r.ty_le)
            .fold(f64::MIN, f64::max);
        let min_date = members.iter().map(|r| r.ngay.clone()).min().unwrap();
        assert_eq!(row[0], json!(tinh));
        assert_eq!(row[1], json!(members.len()));
        assert_eq!(row[2], json!(non_null));
        assert_eq!(row[3], json!(sum));
        let avg = row[4].as_f64().unwrap();
        assert!((avg - sum as f64 / members.len() as f64).abs() < 1e-9);
        assert_eq!(row[5], json!(min_date));
        assert_eq!(row[6], json!(max));
    }
}

#[tokio::test]
async fn no_groups_gives_one_row_after_filters() {
    let fixture = Fixture::new(200);
    let request = AggregateRequest {
        filters: vec![Filter::parse("chinh_thuc:eq:true").unwrap()],
        q: Some("cong nghiep".into()),
        ..AggregateRequest::default()
    };
    let result = engine()
        .aggregate(&fixture.tables, &fixture.table(), &request)
        .await
        .unwrap();
    let expected = fixture
        .rows
        .iter()
        .filter(|r| r.chinh_thuc && r.nganh == "Công nghiệp")
        .count();
    assert_eq!(result.result.rows, vec![vec![json!(expected)]]);
}

#[tokio::test]
async fn sorts_by_a_metric_and_truncates() {
    let fixture = Fixture::new(200);
    let request = AggregateRequest {
        group_by: vec!["tinh".into(), "nganh".into()],
        metrics: vec![Metric::of(MetricFunction::Sum, "so_lieu")],
        sort: vec![SortKey::parse("-sum(so_lieu)").unwrap()],
        limit: Some(4),
        ..AggregateRequest::default()
    };
    let result = engine()
        .aggregate(&fixture.tables, &fixture.table(), &request)
        .await
        .unwrap();
    assert!(result.truncated);
    assert_eq!(result.result.rows.len(), 4);
    let mut sums: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    for row in &fixture.rows {
        *sums.entry((row.tinh, row.nganh)).or_default() += row.so_lieu;
    }
    let mut expected: Vec<i64> = sums.into_values().collect();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    let got: Vec<i64> = result
        .result
        .rows
        .iter()
        .map(|row| row[2].as_i64().unwrap())
        .collect();
    assert_eq!(got, expected[..4]);
}

#[tokio::test]
async fn metric_types_and_names_are_checked() {
    let fixture = Fixture::new(20);
    let engine = engine();
    let run = |request: AggregateRequest| {
        let engine = engine.clone();
        let tables = fixture.tables.clone();
        let table = fixture.table();
        async move {
            engine
                .aggregate(&tables, &table, &request)
                .await
                .unwrap_err()
        }
    };
    let err = run(AggregateRequest {
        metrics: vec![Metric::of(MetricFunction::Sum, "tinh")],
        ..AggregateRequest::default()
    })
    .await;
    assert_eq!(err.code, ErrorCode::MetricType);
    assert_eq!(err.param, Some("metrics"));
    assert_eq!(err.field.as_deref(), Some("tinh"));
    let err = run(AggregateRequest {
        metrics: vec![Metric::of(MetricFunction::Avg, "ngay")],
        ..AggregateRequest::default()
    })
    .await;
    assert_eq!(err.code, ErrorCode::MetricType);
    let err = run(AggregateRequest {
        group_by: vec!["nope".into()],
        ..AggregateRequest::default()
    })
    .await;
    assert_eq!(
        (err.code, err.param),
        (ErrorCode::UnknownField, Some("group_by"))
    );
    let err = run(AggregateRequest {
        metrics: vec![Metric::of(MetricFunction::Max, "nope")],
        ..AggregateRequest::default()
    })
    .await;
    assert_eq!(
        (err.code, err.param),
        (ErrorCode::UnknownField, Some("metrics"))
    );
    let err = run(AggregateRequest {
        group_by: vec!["tinh".into()],
        sort: vec![SortKey::asc("so_lieu")],
        ..AggregateRequest::default()
    })
    .await;
    assert_eq!(
        (err.code, err.param),
        (ErrorCode::UnknownField, Some("sort"))
    );
}
