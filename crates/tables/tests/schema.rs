//! Re-ingest with a publisher-edited Table Schema, progress reporting, and the Parquet files
//! (types, embedded schema).

use crate::common;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::File;

use common::{column_values, fixture, ingest_ok, reingest};
use dulieu_tables::{
    ErrorCode, FieldType, IngestOptions, Phase, SCHEMA_METADATA_KEY, TableSchema, WarningCode,
    ingest,
};
use parquet::file::reader::{FileReader, SerializedFileReader};

#[test]
fn an_edited_schema_forces_types_and_reports_values_that_do_not_fit() {
    let path = fixture("investment_windows1258.csv");
    let (_out, report) = ingest_ok("investment_windows1258.csv");
    let mut schema = report.tables[0].schema.clone();
    // The publisher renames a column, says "Ghi chú" is a number (it is not) and the project
    // count a text.
    schema.fields[0].name = "Tỉnh/thành".into();
    schema.fields[2].field_type = FieldType::String;
    schema.fields[4].field_type = FieldType::Number;
    schema.fields[4].constraints = Default::default();
    let (_out, result) = reingest(&path, BTreeMap::from([("data".to_owned(), schema)]));
    let report = result.unwrap();
    let table = &report.tables[0];
    assert_eq!(table.schema.fields[0].name, "Tỉnh/thành");
    assert_eq!(column_values(table, "Tỉnh/thành")[0], "Hà Nội");
    assert_eq!(
        column_values(table, "Số dự án"),
        ["120", "85", "42", "12", "7"]
    );
    assert_eq!(column_values(table, "Ghi chú"), ["", "", "", "", ""]);
    let misfits: Vec<_> = table.warnings.of(WarningCode::ValueDoesNotFit).collect();
    assert_eq!(misfits.len(), 4, "the four notes, not the empty one");
    assert_eq!(misfits[0].location.line, Some(2));
    assert_eq!(misfits[0].location.column.as_deref(), Some("Ghi chú"));
    assert_eq!(misfits[0].params["type"], "number");
    assert_eq!(misfits[0].params["value"], "Tăng mạnh");
    let batches = common::batches(table);
    assert_eq!(
        batches[0].schema().field(2).data_type(),
        &arrow_schema::DataType::Utf8
    );
}

#[test]
fn an_edited_date_format_is_applied() {
    let path = fixture("grdp_semicolon.csv");
    let (_out, report) = ingest_ok("grdp_semicolon.csv");
    let mut schema = report.tables[0].schema.clone();
    // Read "Cập nhật" month first: 31/12/2023 no longer fits.
    schema.fields[5].format = Some("%m/%d/%Y".into());
    let (_out, result) = reingest(&path, BTreeMap::from([("data".to_owned(), schema)]));
    let table = &result.unwrap().tables[0];
    assert_eq!(column_values(table, "Cập nhật"), ["", "", "", "", ""]);
    assert_eq!(table.warnings.count(WarningCode::ValueDoesNotFit), 5);
}

#[test]
fn an_edited_schema_must_match_the_table() {
    let path = fixture("ragged.csv");
    let (_out, report) = ingest_ok("ragged.csv");
    let mut schema = report.tables[0].schema.clone();
    schema.fields.pop();
    let (out, result) = reingest(&path, BTreeMap::from([("data".to_owned(), schema.clone())]));
    let err = result.unwrap_err();
    assert_eq!(err.code, ErrorCode::SchemaMismatch);
    assert_eq!(err.params["expected"], "4");
    assert_eq!(err.params["found"], "3");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);

    let (_out, result) = reingest(&path, BTreeMap::from([("Sheet9".to_owned(), schema)]));
    let err = result.unwrap_err();
    assert_eq!(err.code, ErrorCode::UnknownTable);
    assert_eq!(err.params["table"], "Sheet9");
}

#[test]
fn the_schema_round_trips_through_frictionless_json_and_parquet_metadata() {
    let (_out, report) = ingest_ok("gso_population.xlsx");
    let table = &report.tables[0];
    let json = table.schema.to_json();
    assert_eq!(json["fields"][2]["name"], "Dân số / Tổng số");
    assert_eq!(json["fields"][2]["type"], "number");
    assert_eq!(TableSchema::from_json(&json).unwrap(), table.schema);
    let reader = SerializedFileReader::new(File::open(&table.parquet_path).unwrap()).unwrap();
    let metadata = reader.metadata().file_metadata();
    let stored = metadata
        .key_value_metadata()
        .and_then(|kv| kv.iter().rev().find(|kv| kv.key == SCHEMA_METADATA_KEY))
        .and_then(|kv| kv.value.clone())
        .expect("schema in the Parquet metadata");
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(stored, json);
    assert_eq!(metadata.num_rows(), 6);
}

#[test]
fn progress_reports_the_sample_then_rows_and_bytes_written_in_one_read() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("big.csv");
    let mut file = File::create(&csv).unwrap();
    let bytes = dulieu_tables::bench::write_synthetic_csv(&mut file, 50_000).unwrap();
    drop(file);
    let seen = RefCell::new(Vec::new());
    let report = ingest(
        &csv,
        &dir.path().join("out"),
        &IngestOptions::default(),
        &|p| seen.borrow_mut().push(p.clone()),
    )
    .unwrap();
    let seen = seen.into_inner();
    let last_scan = seen.iter().rfind(|p| p.phase == Phase::Scanning).unwrap();
    let last_write = seen.iter().rfind(|p| p.phase == Phase::Writing).unwrap();
    // The types are settled on the sample; the rest is written in the same read.
    assert_eq!(
        last_scan.rows_done as usize,
        IngestOptions::default().limits.sample_rows
    );
    assert!(seen.iter().all(|p| p.phase != Phase::Rewriting));
    let first_write = seen.iter().position(|p| p.phase == Phase::Writing).unwrap();
    assert!(
        seen[first_write..]
            .iter()
            .all(|p| p.phase == Phase::Writing)
    );
    assert_eq!(last_write.rows_done, 50_000);
    assert_eq!(last_write.bytes_read, bytes);
    assert_eq!(last_write.bytes_total, bytes);
    assert!(
        seen.len() >= 6,
        "reports along the way, not only at the end"
    );
    assert!(
        seen.windows(2)
            .all(|w| w[0].phase != w[1].phase || w[0].rows_done <= w[1].rows_done)
    );

    let table = &report.tables[0];
    assert_eq!(table.row_count, 50_000);
    let types: Vec<_> = table.schema.fields.iter().map(|f| f.field_type).collect();
    assert_eq!(
        types,
        [
            FieldType::Integer,
            FieldType::String,
            FieldType::String,
            FieldType::Date,
            FieldType::Integer,
            FieldType::Number,
            FieldType::Boolean,
        ]
    );
    assert_eq!(table.schema.missing_values, vec!["", "-"]);
    assert!(table.profile.columns[0].distinct_exact);
    assert_eq!(table.profile.columns[0].distinct_count, 50_000);
    assert!(table.schema.fields[0].constraints.unique == Some(true));
    assert_eq!(table.profile.columns[1].distinct_count, 16);
}

/// A CSV of `rows` integer rows whose row `odd_row` (1-based) holds `odd_value`.
fn integers_with_one_late_value(rows: u64, odd_row: u64, odd_value: &str) -> String {
    let mut csv = String::from("id,value\n");
    for id in 1..=rows {
        let value = if id == odd_row {
            odd_value.to_owned()
        } else {
            (id * 7).to_string()
        };
        csv.push_str(&format!("{id},{value}\n"));
    }
    csv
}

#[test]
fn a_late_value_that_changes_a_type_makes_a_second_read_under_the_final_schema() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("late.csv");
    std::fs::write(&csv, integers_with_one_late_value(30_000, 25_000, "12.5")).unwrap();
    let seen = RefCell::new(Vec::new());
    let report = ingest(
        &csv,
        &dir.path().join("out"),
        &IngestOptions::default(),
        &|p| seen.borrow_mut().push(p.phase),
    )
    .unwrap();
    let table = &report.tables[0];
    assert_eq!(table.schema.fields[1].field_type, FieldType::Number);
    assert_eq!(table.row_count, 30_000);
    let values = column_values(table, "value");
    assert_eq!(values.len(), 30_000);
    assert_eq!(values[0], "7");
    assert_eq!(values[24_999], "12.5");
    assert_eq!(values[29_999], "210000");
    assert!(table.warnings.is_empty(), "{:?}", table.warnings);
    assert_eq!(table.profile.columns[1].null_count, 0);
    let seen = seen.into_inner();
    assert_eq!(seen.last(), Some(&Phase::Rewriting));
    // Only the final file is left.
    let files: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files, ["table-1.parquet"]);
}

#[test]
fn any_sample_size_gives_the_same_tables() {
    let names = [
        "gso_population.xlsx",
        "gso_population.ods",
        "gso_population.xls",
        "grdp_semicolon.csv",
        "investment_windows1258.csv",
        "investment_tcvn3.csv",
        "areas_utf16.tsv",
        "ragged.csv",
        "agencies.json",
        "provinces.geojson",
    ];
    let dir = tempfile::tempdir().unwrap();
    let late = dir.path().join("late.csv");
    std::fs::write(&late, integers_with_one_late_value(300, 280, "không rõ")).unwrap();
    let mut paths: Vec<_> = names.iter().map(|n| fixture(n)).collect();
    paths.push(late);
    for path in paths {
        let ingest_with = |sample_rows: usize| {
            let mut options = IngestOptions::default();
            options.limits.sample_rows = sample_rows;
            let out = tempfile::tempdir().unwrap();
            let mut report = ingest(&path, out.path(), &options, &|_| {})
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let data: Vec<Vec<Vec<String>>> = report
                .tables
                .iter()
                .map(|table| {
                    table
                        .schema
                        .fields
                        .iter()
                        .map(|f| column_values(table, &f.name))
                        .collect()
                })
                .collect();
            for table in &mut report.tables {
                table.parquet_path = Default::default();
                table.parquet_bytes = 0;
            }
            (report, data)
        };
        let whole = ingest_with(usize::MAX);
        for sample_rows in [1, 2, 5] {
            assert_eq!(
                ingest_with(sample_rows),
                whole,
                "{} with a sample of {sample_rows} rows",
                path.display()
            );
        }
    }
}
