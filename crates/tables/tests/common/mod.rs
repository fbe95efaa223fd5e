//! Helpers shared by the integration tests: fixture paths, ingest into a temporary folder, and
//! reading back the Parquet files.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use dulieu_tables::{
    IngestError, IngestOptions, IngestReport, TableReport, TableSchema, apply_schema, ingest,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// A file of `testdata/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

/// Ingests `path` into a new temporary folder (kept alive by the returned guard).
pub fn ingest_path(
    path: &Path,
    options: &IngestOptions,
) -> (tempfile::TempDir, Result<IngestReport, IngestError>) {
    let out = tempfile::tempdir().expect("temporary folder");
    let result = ingest(path, out.path(), options, &|_| {});
    (out, result)
}

/// Ingests a fixture with default options, expecting success.
pub fn ingest_ok(name: &str) -> (tempfile::TempDir, IngestReport) {
    let (out, result) = ingest_path(&fixture(name), &IngestOptions::default());
    let report = result.unwrap_or_else(|err| panic!("{name}: {err}"));
    (out, report)
}

/// Re-ingests with edited schemas.
pub fn reingest(
    path: &Path,
    schemas: BTreeMap<String, TableSchema>,
) -> (tempfile::TempDir, Result<IngestReport, IngestError>) {
    let out = tempfile::tempdir().expect("temporary folder");
    let result = apply_schema(
        path,
        out.path(),
        &IngestOptions::default(),
        &schemas,
        &|_| {},
    );
    (out, result)
}

/// The record batches of a table's Parquet file.
pub fn batches(table: &TableReport) -> Vec<RecordBatch> {
    let file = File::open(&table.parquet_path).expect("parquet file");
    ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("parquet reader")
        .build()
        .expect("batches")
        .map(|b| b.expect("batch"))
        .collect()
}

/// Column names and Frictionless types of a table.
pub fn columns(table: &TableReport) -> Vec<(String, &'static str)> {
    table
        .schema
        .fields
        .iter()
        .map(|f| (f.name.clone(), f.field_type.name()))
        .collect()
}

/// One column of a table's Parquet file, each value rendered as text ("" for null).
pub fn column_values(table: &TableReport, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for batch in batches(table) {
        let index = batch.schema().index_of(name).expect("column");
        let array = batch.column(index);
        let formatter = arrow_cast_display(array);
        for row in 0..array.len() {
            out.push(formatter(row));
        }
    }
    out
}

fn arrow_cast_display(array: &arrow_array::ArrayRef) -> impl Fn(usize) -> String + '_ {
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Date32Type, Float64Type, Int64Type, TimestampMicrosecondType};
    use arrow_schema::DataType;
    move |row: usize| {
        if array.is_null(row) {
            return String::new();
        }
        match array.data_type() {
            DataType::Utf8 => array.as_string::<i32>().value(row).to_owned(),
            DataType::Int64 => array.as_primitive::<Int64Type>().value(row).to_string(),
            DataType::Float64 => array.as_primitive::<Float64Type>().value(row).to_string(),
            DataType::Boolean => array.as_boolean().value(row).to_string(),
            DataType::Date32 => array
                .as_primitive::<Date32Type>()
                .value_as_date(row)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            DataType::Timestamp(_, _) => array
                .as_primitive::<TimestampMicrosecondType>()
                .value_as_datetime(row)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            other => panic!("unexpected type {other}"),
        }
    }
}
