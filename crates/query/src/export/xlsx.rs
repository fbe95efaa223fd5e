//! XLSX exports with rust_xlsxwriter in constant-memory mode: rows go to a temporary file as
//! they arrive, and the workbook (a zip) is streamed when the result is complete.
//!
//! Excel holds at most 1,048,576 rows per sheet, the header included: a result with more data
//! rows than [`XLSX_MAX_DATA_ROWS`] is refused with `xlsx_too_many_rows` (CSV and Parquet have
//! no such limit) rather than split over sheets, which tools reading the file back would not
//! join. Texts longer than Excel's 32,767 characters are refused with `xlsx_text_too_long`
//! naming the column and row. Numbers are cells of numbers, except integers beyond ±2^53, which
//! a spreadsheet cannot hold exactly and are written as text; dates and date-times are date
//! cells (`yyyy-mm-dd`, `yyyy-mm-dd hh:mm:ss`), or ISO text before 1900-03-01 where Excel's
//! calendar is wrong; booleans are boolean cells; a missing value is an empty cell.

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    SchemaRef, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::pipeline::{ChunkWriter, Encoder};
use crate::error::{ErrorCode, QueryError, Result};

/// Most data rows of an XLSX export (Excel's 1,048,576 rows less the header).
pub const XLSX_MAX_DATA_ROWS: u64 = 1_048_575;

/// Days from Excel's day 0 (1899-12-30) to 1970-01-01.
const EXCEL_EPOCH_OFFSET: f64 = 25_569.0;
/// The first day Excel's calendar counts right (1900-03-01), in days since 1970-01-01.
const EXCEL_FIRST_RIGHT_DAY: i64 = -25_508;
/// Integers a double holds exactly.
const EXACT_INTEGER: i64 = 1 << 53;

pub(crate) struct XlsxEncoder {
    out: Option<ChunkWriter>,
    workbook: Workbook,
    sheet: Option<Worksheet>,
    names: Vec<String>,
    row: u32,
    formats: Formats,
}

struct Formats {
    header: Format,
    date: Format,
    datetime: Format,
}

fn xlsx_error(err: XlsxError) -> QueryError {
    QueryError::internal(err)
}

impl XlsxEncoder {
    pub fn new(out: ChunkWriter) -> Self {
        Self {
            out: Some(out),
            workbook: Workbook::new(),
            sheet: None,
            names: Vec::new(),
            row: 0,
            formats: Formats {
                header: Format::new().set_bold(),
                date: Format::new().set_num_format("yyyy-mm-dd"),
                datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            },
        }
    }
}

/// Writes the value at `i` of `column` into a cell.
fn write_cell(
    sheet: &mut Worksheet,
    (row, col): (u32, u16),
    column: &dyn Array,
    i: usize,
    formatter: &ArrayFormatter<'_>,
    formats: &Formats,
) -> Result<(), XlsxError> {
    if column.is_null(i) {
        return Ok(());
    }
    let text = || formatter.value(i).to_string();
    match column.data_type() {
        DataType::Boolean => sheet.write_boolean(row, col, column.as_boolean().value(i)),
        DataType::Int8 => sheet.write_number(row, col, column.as_primitive::<Int8Type>().value(i)),
        DataType::Int16 => {
            sheet.write_number(row, col, column.as_primitive::<Int16Type>().value(i))
        }
        DataType::Int32 => {
            sheet.write_number(row, col, column.as_primitive::<Int32Type>().value(i))
        }
        DataType::UInt8 => {
            sheet.write_number(row, col, column.as_primitive::<UInt8Type>().value(i))
        }
        DataType::UInt16 => {
            sheet.write_number(row, col, column.as_primitive::<UInt16Type>().value(i))
        }
        DataType::UInt32 => {
            sheet.write_number(row, col, column.as_primitive::<UInt32Type>().value(i))
        }
        DataType::Int64 => {
            let value = column.as_primitive::<Int64Type>().value(i);
            if value.abs() <= EXACT_INTEGER {
                sheet.write_number(row, col, value as f64)
            } else {
                sheet.write_string(row, col, text())
            }
        }
        DataType::UInt64 => {
            let value = column.as_primitive::<UInt64Type>().value(i);
            if value <= EXACT_INTEGER as u64 {
                sheet.write_number(row, col, value as f64)
            } else {
                sheet.write_string(row, col, text())
            }
        }
        DataType::Float32 | DataType::Float64 => {
            let value = match column.data_type() {
                DataType::Float32 => f64::from(column.as_primitive::<Float32Type>().value(i)),
                _ => column.as_primitive::<Float64Type>().value(i),
            };
            if !value.is_finite() {
                return Ok(());
            }
            sheet.write_number(row, col, value)
        }
        DataType::Date32 => {
            let days = i64::from(column.as_primitive::<Date32Type>().value(i));
            if days < EXCEL_FIRST_RIGHT_DAY {
                return sheet.write_string(row, col, text()).map(|_| ());
            }
            let serial = days as f64 + EXCEL_EPOCH_OFFSET;
            sheet.write_number_with_format(row, col, serial, &formats.date)
        }
        DataType::Timestamp(unit, None) => {
            let micros = match unit {
                TimeUnit::Second => column
                    .as_primitive::<TimestampSecondType>()
                    .value(i)
                    .saturating_mul(1_000_000),
                TimeUnit::Millisecond => column
                    .as_primitive::<TimestampMillisecondType>()
                    .value(i)
                    .saturating_mul(1_000),
                TimeUnit::Microsecond => column.as_primitive::<TimestampMicrosecondType>().value(i),
                TimeUnit::Nanosecond => {
                    column.as_primitive::<TimestampNanosecondType>().value(i) / 1_000
                }
            };
            let days = micros as f64 / 86_400e6;
            if days < EXCEL_FIRST_RIGHT_DAY as f64 {
                return sheet.write_string(row, col, text()).map(|_| ());
            }
            sheet.write_number_with_format(row, col, days + EXCEL_EPOCH_OFFSET, &formats.datetime)
        }
        _ => sheet.write_string(row, col, text()),
    }
    .map(|_| ())
}

impl Encoder for XlsxEncoder {
    fn begin(&mut self, _index: usize, schema: &SchemaRef) -> Result<()> {
        let mut sheet = self
            .workbook
            .new_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet.set_name("data").map_err(xlsx_error)?;
        self.names = schema.fields().iter().map(|f| f.name().clone()).collect();
        for (index, name) in self.names.iter().enumerate() {
            let col = u16::try_from(index).map_err(|_| QueryError::internal("too many columns"))?;
            sheet
                .write_string_with_format(0, col, name, &self.formats.header)
                .map_err(xlsx_error)?;
        }
        self.sheet = Some(sheet);
        self.row = 1;
        Ok(())
    }

    fn batch(&mut self, batch: &RecordBatch) -> Result<()> {
        let rows = batch.num_rows() as u64;
        if u64::from(self.row) - 1 + rows > XLSX_MAX_DATA_ROWS {
            return Err(QueryError::new(ErrorCode::XlsxTooManyRows)
                .with_detail(format!("at most {XLSX_MAX_DATA_ROWS}")));
        }
        let options = FormatOptions::default();
        let formatters = batch
            .columns()
            .iter()
            .map(|column| ArrayFormatter::try_new(column.as_ref(), &options))
            .collect::<Result<Vec<_>, _>>()
            .map_err(QueryError::internal)?;
        let sheet = self
            .sheet
            .as_mut()
            .ok_or_else(|| QueryError::internal("xlsx sheet not begun"))?;
        // Constant-memory sheets are written row by row.
        for i in 0..batch.num_rows() {
            for (index, (column, formatter)) in batch.columns().iter().zip(&formatters).enumerate()
            {
                let col =
                    u16::try_from(index).map_err(|_| QueryError::internal("too many columns"))?;
                write_cell(
                    sheet,
                    (self.row, col),
                    column.as_ref(),
                    i,
                    formatter,
                    &self.formats,
                )
                .map_err(|err| match err {
                    XlsxError::MaxStringLengthExceeded => {
                        QueryError::new(ErrorCode::XlsxTextTooLong)
                            .with_field(self.names.get(index).cloned().unwrap_or_default())
                            .with_value(self.row.to_string())
                            .with_detail("at most 32767 characters")
                    }
                    other => xlsx_error(other),
                })?;
            }
            self.row += 1;
        }
        Ok(())
    }

    fn end(&mut self) -> Result<()> {
        let sheet = self
            .sheet
            .take()
            .ok_or_else(|| QueryError::internal("xlsx sheet not begun"))?;
        self.workbook.push_worksheet(sheet);
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        let mut out = self
            .out
            .take()
            .ok_or_else(|| QueryError::internal("xlsx already saved"))?;
        self.workbook.save_to_writer(&mut out).map_err(xlsx_error)?;
        out.close().map_err(QueryError::internal)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{Int64Array, StringArray};
    use datafusion::arrow::datatypes::{Field, Schema};
    use tokio::sync::mpsc;

    use super::*;

    fn encoder() -> (XlsxEncoder, SchemaRef) {
        let (sender, _receiver) = mpsc::channel(1);
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, true),
            Field::new("ghi_chu", DataType::Utf8, true),
        ]));
        let mut encoder = XlsxEncoder::new(ChunkWriter::new(sender));
        encoder.begin(0, &schema).unwrap();
        (encoder, schema)
    }

    fn batch(schema: &SchemaRef, text: &str) -> RecordBatch {
        RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from(vec![1])),
                Arc::new(StringArray::from(vec![text])),
            ],
        )
        .unwrap()
    }

    #[test]
    fn refuses_rows_beyond_excel_sheets() {
        let (mut encoder, schema) = encoder();
        encoder.row = XLSX_MAX_DATA_ROWS as u32;
        encoder.batch(&batch(&schema, "x")).unwrap();
        let err = encoder.batch(&batch(&schema, "x")).unwrap_err();
        assert_eq!(err.code, ErrorCode::XlsxTooManyRows);
    }

    #[test]
    fn refuses_texts_beyond_excel_cells() {
        let (mut encoder, schema) = encoder();
        encoder.batch(&batch(&schema, &"á".repeat(32_767))).unwrap();
        let err = encoder
            .batch(&batch(&schema, &"á".repeat(32_768)))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::XlsxTextTooLong);
        assert_eq!(err.field.as_deref(), Some("ghi_chu"));
        assert_eq!(err.value.as_deref(), Some("2"));
    }
}
