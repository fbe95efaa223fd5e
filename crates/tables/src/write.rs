//! Typed rows to a Parquet file, in record batches with bounded memory. The file is written
//! under a temporary name and renamed when complete, so a failed ingest leaves no partial file.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field as ArrowField, Schema, SchemaRef, TimeUnit};
use chrono::Datelike;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use crate::convert::Value;
use crate::error::{ErrorCode, IngestError, Result};
use crate::options::Limits;
use crate::schema::{FieldType, TableSchema};

/// Parquet key-value metadata entry holding the table's Frictionless schema (JSON).
pub const SCHEMA_METADATA_KEY: &str = "frictionless:schema";

/// The Arrow type a field is stored as.
pub fn arrow_type(field_type: FieldType) -> DataType {
    match field_type {
        FieldType::String | FieldType::Geojson => DataType::Utf8,
        FieldType::Integer => DataType::Int64,
        FieldType::Number => DataType::Float64,
        FieldType::Boolean => DataType::Boolean,
        FieldType::Date => DataType::Date32,
        FieldType::Datetime => DataType::Timestamp(TimeUnit::Microsecond, None),
    }
}

/// The Arrow schema of a table.
pub fn arrow_schema(schema: &TableSchema) -> SchemaRef {
    Arc::new(Schema::new(
        schema
            .fields
            .iter()
            .map(|field| ArrowField::new(&field.name, arrow_type(field.field_type), true))
            .collect::<Vec<_>>(),
    ))
}

enum Builder {
    Text(StringBuilder),
    Int(Int64Builder),
    Number(Float64Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
    DateTime(TimestampMicrosecondBuilder),
}

impl Builder {
    fn new(field_type: FieldType) -> Self {
        match field_type {
            FieldType::String | FieldType::Geojson => Self::Text(StringBuilder::new()),
            FieldType::Integer => Self::Int(Int64Builder::new()),
            FieldType::Number => Self::Number(Float64Builder::new()),
            FieldType::Boolean => Self::Bool(BooleanBuilder::new()),
            FieldType::Date => Self::Date(Date32Builder::new()),
            FieldType::Datetime => Self::DateTime(TimestampMicrosecondBuilder::new()),
        }
    }

    /// Appends a value (a value of another type than the builder's is stored as null; the
    /// converter never produces one). Returns the text bytes appended.
    fn append(&mut self, value: &Value<'_>) -> usize {
        match (self, value) {
            (Self::Text(b), Value::Text(text)) => {
                b.append_value(text);
                return text.len();
            }
            (Self::Int(b), Value::Int(i)) => b.append_value(*i),
            (Self::Number(b), Value::Number(f)) => b.append_value(*f),
            (Self::Bool(b), Value::Bool(v)) => b.append_value(*v),
            (Self::Date(b), Value::Date(d)) => b.append_value(days_since_epoch(*d)),
            (Self::DateTime(b), Value::DateTime(dt)) => {
                b.append_value(dt.and_utc().timestamp_micros());
            }
            (Self::Text(b), _) => b.append_null(),
            (Self::Int(b), _) => b.append_null(),
            (Self::Number(b), _) => b.append_null(),
            (Self::Bool(b), _) => b.append_null(),
            (Self::Date(b), _) => b.append_null(),
            (Self::DateTime(b), _) => b.append_null(),
        }
        0
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Self::Text(b) => Arc::new(b.finish()),
            Self::Int(b) => Arc::new(b.finish()),
            Self::Number(b) => Arc::new(b.finish()),
            Self::Bool(b) => Arc::new(b.finish()),
            Self::Date(b) => Arc::new(b.finish()),
            Self::DateTime(b) => Arc::new(b.finish()),
        }
    }
}

fn days_since_epoch(date: chrono::NaiveDate) -> i32 {
    /// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
    const EPOCH_FROM_CE: i32 = 719_163;
    date.num_days_from_ce() - EPOCH_FROM_CE
}

fn parquet_error(err: impl ToString) -> IngestError {
    IngestError::new(ErrorCode::Parquet).with("detail", err.to_string())
}

/// Writes one table to a Parquet file.
pub(crate) struct TableWriter {
    schema: SchemaRef,
    builders: Vec<Builder>,
    rows_in_batch: usize,
    text_bytes: usize,
    batch_rows: usize,
    batch_bytes: usize,
    writer: Option<ArrowWriter<BufWriter<File>>>,
    partial: PathBuf,
    path: PathBuf,
}

/// Most rows of a data page (at batch granularity).
const DATA_PAGE_ROWS: usize = 16 * 1024;

impl TableWriter {
    /// Starts writing `path` (through a temporary file beside it).
    pub fn create(path: &Path, schema: &TableSchema, limits: &Limits) -> Result<Self> {
        let arrow = arrow_schema(schema);
        let partial = path.with_extension("parquet.partial");
        let file = File::create(&partial)?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::LZ4_RAW)
            .set_max_row_group_row_count(Some(1 << 20))
            .set_max_row_group_bytes(Some(128 << 20))
            // Small pages: a page of rows found by the hot columns reads and decompresses
            // only the pages that hold them (the page index locates them).
            .set_data_page_row_count_limit(DATA_PAGE_ROWS)
            .set_created_by(format!("dulieu-tables {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(
            BufWriter::with_capacity(1 << 20, file),
            arrow.clone(),
            Some(properties),
        )
        .map_err(parquet_error)?;
        Ok(Self {
            builders: schema
                .fields
                .iter()
                .map(|f| Builder::new(f.field_type))
                .collect(),
            schema: arrow,
            rows_in_batch: 0,
            text_bytes: 0,
            batch_rows: limits.batch_rows.max(1),
            batch_bytes: limits.batch_bytes.max(1),
            writer: Some(writer),
            partial,
            path: path.to_owned(),
        })
    }

    /// Appends the value of column `index` to the current row (each column once per row, then
    /// [`Self::end_row`]).
    pub fn append(&mut self, index: usize, value: &Value<'_>) {
        if let Some(builder) = self.builders.get_mut(index) {
            self.text_bytes += builder.append(value);
        }
    }

    /// Ends the current row; writes a record batch when one is full.
    pub fn end_row(&mut self) -> Result<()> {
        self.rows_in_batch += 1;
        if self.rows_in_batch >= self.batch_rows || self.text_bytes >= self.batch_bytes {
            self.flush_batch()?;
        }
        Ok(())
    }

    fn flush_batch(&mut self) -> Result<()> {
        if self.rows_in_batch == 0 {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), columns).map_err(parquet_error)?;
        if let Some(writer) = &mut self.writer {
            writer.write(&batch).map_err(parquet_error)?;
        }
        self.rows_in_batch = 0;
        self.text_bytes = 0;
        Ok(())
    }

    /// Finishes the file with the final schema (constraints known once all rows are seen) in its
    /// metadata, and moves it to its name; returns its size in bytes.
    pub fn finish(mut self, schema: &TableSchema) -> Result<u64> {
        self.flush_batch()?;
        let Some(mut writer) = self.writer.take() else {
            return Err(parquet_error("writer already finished"));
        };
        writer.append_key_value_metadata(KeyValue::new(
            SCHEMA_METADATA_KEY.to_owned(),
            schema.to_json().to_string(),
        ));
        let file = writer.into_inner().map_err(parquet_error)?;
        let file = file.into_inner().map_err(|e| IngestError::io(e.error()))?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.partial, &self.path)?;
        Ok(std::fs::metadata(&self.path)?.len())
    }
}

impl Drop for TableWriter {
    fn drop(&mut self) {
        // Nothing half-written stays behind when the ingest fails.
        if self.partial.exists() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_counted_from_the_unix_epoch() {
        let day = |y, m, d| days_since_epoch(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert_eq!(day(1970, 1, 1), 0);
        assert_eq!(day(1969, 12, 31), -1);
        assert_eq!(day(2000, 3, 1), 11_017);
        assert_eq!(day(2024, 2, 29), 19_782);
    }
}
