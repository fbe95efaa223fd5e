//! Query results as JSON-ready rows: integers and numbers as JSON numbers (non-finite numbers as
//! null), booleans, texts, dates as `YYYY-MM-DD`, date-times as `YYYY-MM-DDTHH:MM:SS[.ffffff]`,
//! and anything else (lists, structs, intervals from SQL) as its text.

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{
    DataType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, SchemaRef,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use serde::Serialize;
use serde_json::{Number, Value};

use crate::error::{QueryError, Result};
use crate::tables::frictionless_type;

/// A column of a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultColumn {
    /// The column's name.
    pub name: String,
    /// Its Frictionless type (`string`, `integer`, `number`, `boolean`, `date`, `datetime`,
    /// `geojson`), or `any` for types without one.
    #[serde(rename = "type")]
    pub field_type: String,
}

/// Rows of a result, each a list of values in column order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResultSet {
    /// The columns.
    pub columns: Vec<ResultColumn>,
    /// The rows.
    pub rows: Vec<Vec<Value>>,
}

impl ResultSet {
    /// The rows as JSON objects keyed by column name (a later column wins over an earlier one
    /// of the same name).
    pub fn records(&self) -> Vec<serde_json::Map<String, Value>> {
        self.rows
            .iter()
            .map(|row| {
                self.columns
                    .iter()
                    .zip(row)
                    .map(|(column, value)| (column.name.clone(), value.clone()))
                    .collect()
            })
            .collect()
    }

    /// The values of one column.
    pub fn column(&self, name: &str) -> Option<Vec<&Value>> {
        let index = self.columns.iter().position(|c| c.name == name)?;
        Some(self.rows.iter().map(|row| &row[index]).collect())
    }
}

/// Column descriptions of a schema; `type_of` names Frictionless types known better than the
/// Arrow type tells (GeoJSON texts).
pub(crate) fn columns_of(
    schema: &SchemaRef,
    type_of: impl Fn(&str) -> Option<dulieu_tables::FieldType>,
) -> Vec<ResultColumn> {
    schema
        .fields()
        .iter()
        .map(|field| ResultColumn {
            name: field.name().clone(),
            field_type: type_of(field.name())
                .or_else(|| frictionless_type(field.data_type()))
                .map_or("any", |t| t.name())
                .to_owned(),
        })
        .collect()
}

/// Appends the rows of `batch` (all of its columns) to `rows`.
pub(crate) fn append_rows(batch: &RecordBatch, rows: &mut Vec<Vec<Value>>) -> Result<()> {
    let options = FormatOptions::default().with_null("");
    let formatters = batch
        .columns()
        .iter()
        .map(|column| ArrayFormatter::try_new(column.as_ref(), &options))
        .collect::<Result<Vec<_>, _>>()
        .map_err(QueryError::internal)?;
    for row in 0..batch.num_rows() {
        rows.push(
            batch
                .columns()
                .iter()
                .zip(&formatters)
                .map(|(column, formatter)| cell(column.as_ref(), row, formatter))
                .collect(),
        );
    }
    Ok(())
}

fn cell(array: &dyn Array, row: usize, formatter: &ArrayFormatter<'_>) -> Value {
    if array.is_null(row) {
        return Value::Null;
    }
    match array.data_type() {
        DataType::Boolean => Value::Bool(array.as_boolean().value(row)),
        DataType::Int8 => array.as_primitive::<Int8Type>().value(row).into(),
        DataType::Int16 => array.as_primitive::<Int16Type>().value(row).into(),
        DataType::Int32 => array.as_primitive::<Int32Type>().value(row).into(),
        DataType::Int64 => array.as_primitive::<Int64Type>().value(row).into(),
        DataType::UInt8 => array.as_primitive::<UInt8Type>().value(row).into(),
        DataType::UInt16 => array.as_primitive::<UInt16Type>().value(row).into(),
        DataType::UInt32 => array.as_primitive::<UInt32Type>().value(row).into(),
        DataType::UInt64 => array.as_primitive::<UInt64Type>().value(row).into(),
        DataType::Float32 => float(f64::from(array.as_primitive::<Float32Type>().value(row))),
        DataType::Float64 => float(array.as_primitive::<Float64Type>().value(row)),
        DataType::Utf8 => Value::String(array.as_string::<i32>().value(row).to_owned()),
        DataType::LargeUtf8 => Value::String(array.as_string::<i64>().value(row).to_owned()),
        DataType::Utf8View => Value::String(array.as_string_view().value(row).to_owned()),
        DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => {
            let text = formatter.value(row).to_string();
            text.parse::<f64>().map_or(Value::String(text), float)
        }
        _ => Value::String(formatter.value(row).to_string()),
    }
}

fn float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}
