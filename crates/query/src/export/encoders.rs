//! CSV, JSON and Parquet encoders. Texts are written canonically, as the export schema
//! ([`dulieu_tables::TableSchema::for_export`]) describes them: dates `YYYY-MM-DD`, date-times
//! `YYYY-MM-DDTHH:MM:SS[.ffffff]`, booleans `true`/`false`, numbers with a decimal point, and
//! an empty CSV field (a JSON `null`) for a missing value. CSV rows end with CRLF (RFC 4180).

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::compute::cast;
use datafusion::arrow::csv;
use datafusion::arrow::csv::writer::Terminator;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::json::{self, writer::JsonArray};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::metadata::KeyValue;
use datafusion::parquet::file::properties::WriterProperties;

use super::pipeline::{ChunkWriter, Encoder, io_error};
use crate::error::{QueryError, Result};

/// The CSV writer settings of exports and data packages.
pub(crate) fn csv_builder() -> csv::WriterBuilder {
    csv::WriterBuilder::new()
        .with_header(true)
        .with_line_terminator(Terminator::CRLF)
        .with_date_format("%Y-%m-%d".to_owned())
        .with_datetime_format("%Y-%m-%dT%H:%M:%S%.f".to_owned())
        .with_timestamp_format("%Y-%m-%dT%H:%M:%S%.f".to_owned())
        .with_timestamp_tz_format("%Y-%m-%dT%H:%M:%S%.f%:z".to_owned())
}

fn arrow_error(err: impl std::fmt::Display) -> QueryError {
    QueryError::internal(err)
}

/// A writer that owns the chunk writer between parts.
enum Slot<W> {
    Idle(ChunkWriter),
    Writing(W),
    Taken,
}

impl<W> Slot<W> {
    fn take_idle(&mut self) -> Result<ChunkWriter> {
        match std::mem::replace(self, Self::Taken) {
            Self::Idle(out) => Ok(out),
            _ => Err(QueryError::internal("encoder part already begun")),
        }
    }

    fn writing(&mut self) -> Result<&mut W> {
        match self {
            Self::Writing(writer) => Ok(writer),
            _ => Err(QueryError::internal("encoder part not begun")),
        }
    }

    fn take_writing(&mut self) -> Result<W> {
        match std::mem::replace(self, Self::Taken) {
            Self::Writing(writer) => Ok(writer),
            _ => Err(QueryError::internal("encoder part not begun")),
        }
    }

    fn close(self) -> Result<()> {
        match self {
            Self::Idle(mut out) => out.close().map_err(io_error),
            _ => Err(QueryError::internal("encoder part not ended")),
        }
    }
}

/// Comma-separated values with a header row (RFC 4180 quoting).
pub(crate) struct CsvEncoder(Slot<csv::Writer<ChunkWriter>>);

impl CsvEncoder {
    pub fn new(out: ChunkWriter) -> Self {
        Self(Slot::Idle(out))
    }
}

impl Encoder for CsvEncoder {
    fn begin(&mut self, _index: usize, schema: &SchemaRef) -> Result<()> {
        let mut writer = csv_builder().build(self.0.take_idle()?);
        // The header is written with the first batch; an empty result still gets one.
        writer
            .write(&RecordBatch::new_empty(schema.clone()))
            .map_err(arrow_error)?;
        self.0 = Slot::Writing(writer);
        Ok(())
    }

    fn batch(&mut self, batch: &RecordBatch) -> Result<()> {
        self.0.writing()?.write(batch).map_err(arrow_error)
    }

    fn end(&mut self) -> Result<()> {
        self.0 = Slot::Idle(self.0.take_writing()?.into_inner());
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.0.close()
    }
}

/// A JSON array of objects, one per row, every column present (`null` when missing).
pub(crate) struct JsonEncoder(Slot<json::Writer<ChunkWriter, JsonArray>>);

impl JsonEncoder {
    pub fn new(out: ChunkWriter) -> Self {
        Self(Slot::Idle(out))
    }
}

impl Encoder for JsonEncoder {
    fn begin(&mut self, _index: usize, _schema: &SchemaRef) -> Result<()> {
        let writer = json::WriterBuilder::new()
            .with_explicit_nulls(true)
            .build::<_, JsonArray>(self.0.take_idle()?);
        self.0 = Slot::Writing(writer);
        Ok(())
    }

    fn batch(&mut self, batch: &RecordBatch) -> Result<()> {
        self.0.writing()?.write(batch).map_err(arrow_error)
    }

    fn end(&mut self) -> Result<()> {
        let mut writer = self.0.take_writing()?;
        writer.finish().map_err(arrow_error)?;
        self.0 = Slot::Idle(writer.into_inner());
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.0.close()
    }
}

/// Parquet (Snappy), row groups of at most 128 Ki rows or 64 MiB held in memory, with the
/// Frictionless schema in the metadata when the rows come from one table. Texts are stored as
/// plain strings (not the string views queries read), which every Parquet reader knows.
pub(crate) struct ParquetEncoder {
    slot: Slot<ArrowWriter<ChunkWriter>>,
    schema_json: Option<String>,
    /// The schema written, once a part has begun.
    written: Option<SchemaRef>,
}

/// `schema` with string views as plain strings.
fn plain_strings(schema: &SchemaRef) -> SchemaRef {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|field| match field.data_type() {
            DataType::Utf8View => field.as_ref().clone().with_data_type(DataType::Utf8),
            _ => field.as_ref().clone(),
        })
        .collect();
    std::sync::Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
}

impl ParquetEncoder {
    pub fn new(out: ChunkWriter, schema_json: Option<String>) -> Self {
        Self {
            slot: Slot::Idle(out),
            schema_json,
            written: None,
        }
    }
}

impl Encoder for ParquetEncoder {
    fn begin(&mut self, _index: usize, schema: &SchemaRef) -> Result<()> {
        let schema = plain_strings(schema);
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(128 << 10))
            .set_max_row_group_bytes(Some(64 << 20))
            .set_created_by(format!("dulieu-query {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(self.slot.take_idle()?, schema.clone(), Some(properties))
            .map_err(arrow_error)?;
        self.slot = Slot::Writing(writer);
        self.written = Some(schema);
        Ok(())
    }

    fn batch(&mut self, batch: &RecordBatch) -> Result<()> {
        let Some(schema) = &self.written else {
            return Err(arrow_error("a Parquet batch before its part began"));
        };
        let columns = batch
            .columns()
            .iter()
            .zip(schema.fields())
            .map(|(column, field)| cast(column, field.data_type()))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(arrow_error)?;
        let batch = RecordBatch::try_new(schema.clone(), columns).map_err(arrow_error)?;
        self.slot.writing()?.write(&batch).map_err(arrow_error)
    }

    fn end(&mut self) -> Result<()> {
        let mut writer = self.slot.take_writing()?;
        if let Some(json) = &self.schema_json {
            writer.append_key_value_metadata(KeyValue::new(
                dulieu_tables::SCHEMA_METADATA_KEY.to_owned(),
                json.clone(),
            ));
        }
        self.slot = Slot::Idle(writer.into_inner().map_err(arrow_error)?);
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.slot.close()
    }
}
