//! Filters on typed columns (`field:op:value`), sort keys (`-field`) and the typed values they
//! compare with, parsed by the column's Frictionless type.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, ident, lit};
use dulieu_tables::FieldType;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, QueryError, Result};
use crate::tables::TableFile;

/// How a filter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    /// Equal to the value.
    Eq,
    /// Equal to one of the values.
    In,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Gte,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
}

impl FilterOp {
    const ALL: [Self; 6] = [Self::Eq, Self::In, Self::Gt, Self::Gte, Self::Lt, Self::Lte];

    /// The operator's name in `field:op:value`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::In => "in",
            Self::Gt => "gt",
            Self::Gte => "gte",
            Self::Lt => "lt",
            Self::Lte => "lte",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }
}

/// One condition on a column. Values are text, parsed by the column's type when the query is
/// built (integers `-12`, numbers `3.5`, booleans `true`/`false`, dates `2024-01-31`, date-times
/// `2024-01-31T08:30:00`, texts as written).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Filter {
    /// The column.
    pub field: String,
    /// The comparison.
    pub op: FilterOp,
    /// The value (one, or several for `in`).
    pub values: Vec<String>,
}

impl Filter {
    /// A filter.
    pub fn new(field: impl Into<String>, op: FilterOp, value: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            op,
            values: vec![value.into()],
        }
    }

    /// An `in` filter.
    pub fn one_of(field: impl Into<String>, values: impl IntoIterator<Item = String>) -> Self {
        Self {
            field: field.into(),
            op: FilterOp::In,
            values: values.into_iter().collect(),
        }
    }

    /// Reads `field:op:value` (ops `eq`, `in`, `gt`, `gte`, `lt`, `lte`). The field ends at the
    /// first `:` that is followed by a known operator and a `:`, so field names and values may
    /// themselves contain colons. `in` values are separated by `|`; `\|` is a literal bar and
    /// `\\` a backslash.
    pub fn parse(text: &str) -> Result<Self> {
        let invalid = || QueryError::param(ErrorCode::InvalidFilter, "filters").with_value(text);
        let split = text.match_indices(':').find_map(|(at, _)| {
            let rest = &text[at + 1..];
            let (op, value) = rest.split_once(':')?;
            FilterOp::from_name(op).map(|op| (&text[..at], op, value))
        });
        let Some((field, op, value)) = split else {
            let mut parts = text.splitn(3, ':');
            return match (parts.next(), parts.next(), parts.next()) {
                (Some(field), Some(op), Some(_)) if !field.is_empty() => {
                    Err(QueryError::param(ErrorCode::UnknownOperator, "filters")
                        .with_field(field)
                        .with_value(op))
                }
                _ => Err(invalid()),
            };
        };
        if field.is_empty() {
            return Err(invalid());
        }
        let values = match op {
            FilterOp::In => split_bars(value),
            _ => vec![value.to_owned()],
        };
        Ok(Self {
            field: field.to_owned(),
            op,
            values,
        })
    }

    /// The condition as an expression over the table's columns.
    pub(crate) fn to_expr(&self, table: &TableFile) -> Result<Expr> {
        let field = table.field(&self.field, "filters")?;
        let column = ident(&field.name);
        let values = self
            .values
            .iter()
            .map(|value| parse_value(field.field_type, &field.name, value, "filters"))
            .collect::<Result<Vec<_>>>()?;
        let empty =
            || QueryError::param(ErrorCode::InvalidFilter, "filters").with_field(&field.name);
        if self.op == FilterOp::In {
            if values.is_empty() {
                return Err(empty());
            }
            return Ok(column.in_list(values.into_iter().map(lit).collect(), false));
        }
        let [value] = <[ScalarValue; 1]>::try_from(values).map_err(|_| empty())?;
        let value = lit(value);
        Ok(match self.op {
            FilterOp::Eq | FilterOp::In => column.eq(value),
            FilterOp::Gt => column.gt(value),
            FilterOp::Gte => column.gt_eq(value),
            FilterOp::Lt => column.lt(value),
            FilterOp::Lte => column.lt_eq(value),
        })
    }
}

fn split_bars(text: &str) -> Vec<String> {
    let mut values = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next()
                    && let Some(last) = values.last_mut()
                {
                    if next != '|' && next != '\\' {
                        last.push('\\');
                    }
                    last.push(next);
                }
            }
            '|' => values.push(String::new()),
            c => {
                if let Some(last) = values.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    values
}

/// One key of an ordering.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SortKey {
    /// The column.
    pub field: String,
    /// Largest first.
    pub descending: bool,
}

impl SortKey {
    /// Ascending by `field`.
    pub fn asc(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            descending: false,
        }
    }

    /// Descending by `field`.
    pub fn desc(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            descending: true,
        }
    }

    /// Reads `field` (ascending) or `-field` (descending).
    pub fn parse(text: &str) -> Result<Self> {
        let key = match text.strip_prefix('-') {
            Some(field) => Self::desc(field),
            None => Self::asc(text),
        };
        if key.field.is_empty() {
            return Err(QueryError::param(ErrorCode::InvalidSort, "sort").with_value(text));
        }
        Ok(key)
    }
}

/// Parses a value written as text by the type of `field`; a value that does not fit is an
/// `invalid_value` naming the field, the parameter and the expected type.
pub(crate) fn parse_value(
    field_type: FieldType,
    field: &str,
    text: &str,
    param: &'static str,
) -> Result<ScalarValue> {
    let invalid = || {
        QueryError::param(ErrorCode::InvalidValue, param)
            .with_field(field)
            .with_value(text)
            .with_detail(field_type.name())
    };
    let trimmed = text.trim();
    Ok(match field_type {
        FieldType::String | FieldType::Geojson => ScalarValue::Utf8(Some(text.to_owned())),
        FieldType::Integer => ScalarValue::Int64(Some(trimmed.parse().map_err(|_| invalid())?)),
        FieldType::Number => {
            let number: f64 = trimmed.parse().map_err(|_| invalid())?;
            if !number.is_finite() {
                return Err(invalid());
            }
            ScalarValue::Float64(Some(number))
        }
        FieldType::Boolean => {
            ScalarValue::Boolean(Some(match trimmed.to_ascii_lowercase().as_str() {
                "true" | "1" => true,
                "false" | "0" => false,
                _ => return Err(invalid()),
            }))
        }
        FieldType::Date => {
            let date = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d").map_err(|_| invalid())?;
            ScalarValue::Date32(Some(days_since_epoch(date)))
        }
        FieldType::Datetime => {
            let datetime = parse_datetime(trimmed).ok_or_else(invalid)?;
            ScalarValue::TimestampMicrosecond(Some(datetime.and_utc().timestamp_micros()), None)
        }
    })
}

/// `2024-01-31`, `2024-01-31T08:30`, `2024-01-31 08:30:00.5`, with an optional `Z`.
fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.strip_suffix('Z').unwrap_or(text);
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date.and_time(NaiveTime::MIN));
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
}

pub(crate) fn days_since_epoch(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    i32::try_from((date - epoch).num_days()).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_filters() {
        assert_eq!(
            Filter::parse("tinh:eq:Hà Nội").unwrap(),
            Filter::new("tinh", FilterOp::Eq, "Hà Nội")
        );
        assert_eq!(
            Filter::parse("giờ:gte:08:30").unwrap(),
            Filter::new("giờ", FilterOp::Gte, "08:30")
        );
        assert_eq!(
            Filter::parse("a:b:lt:5").unwrap(),
            Filter::new("a:b", FilterOp::Lt, "5")
        );
        assert_eq!(
            Filter::parse(r"tinh:in:Huế|Hà Nội|a\|b|c\\").unwrap(),
            Filter::one_of("tinh", ["Huế", "Hà Nội", "a|b", r"c\"].map(String::from))
        );
        let err = Filter::parse("tinh:like:Hà").unwrap_err();
        assert_eq!(err.code, ErrorCode::UnknownOperator);
        assert_eq!(err.param, Some("filters"));
        assert_eq!(err.value.as_deref(), Some("like"));
        assert_eq!(
            Filter::parse("tinh").unwrap_err().code,
            ErrorCode::InvalidFilter
        );
        assert_eq!(
            Filter::parse(":eq:1").unwrap_err().code,
            ErrorCode::InvalidFilter
        );
    }

    #[test]
    fn parses_sort_keys() {
        assert_eq!(SortKey::parse("-Dân số").unwrap(), SortKey::desc("Dân số"));
        assert_eq!(SortKey::parse("tinh").unwrap(), SortKey::asc("tinh"));
        assert_eq!(
            SortKey::parse("-").unwrap_err().code,
            ErrorCode::InvalidSort
        );
    }

    #[test]
    fn parses_values_by_type() {
        let value = |t, s| parse_value(t, "f", s, "filters");
        assert_eq!(
            value(FieldType::Integer, " 42 ").unwrap(),
            ScalarValue::Int64(Some(42))
        );
        assert_eq!(
            value(FieldType::Number, "2.5").unwrap(),
            ScalarValue::Float64(Some(2.5))
        );
        assert_eq!(
            value(FieldType::Boolean, "TRUE").unwrap(),
            ScalarValue::Boolean(Some(true))
        );
        assert_eq!(
            value(FieldType::Date, "1970-01-11").unwrap(),
            ScalarValue::Date32(Some(10))
        );
        assert_eq!(
            value(FieldType::Datetime, "1970-01-01T00:00:01Z").unwrap(),
            ScalarValue::TimestampMicrosecond(Some(1_000_000), None)
        );
        let err = value(FieldType::Integer, "12a").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidValue);
        assert_eq!(err.field.as_deref(), Some("f"));
        assert_eq!(err.detail.as_deref(), Some("integer"));
        assert!(value(FieldType::Number, "NaN").is_err());
        assert!(value(FieldType::Date, "31/01/2024").is_err());
    }
}
