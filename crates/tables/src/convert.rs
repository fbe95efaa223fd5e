//! Cells as sources give them, and their conversion to typed values under a Table Schema.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::parse::{self, DateOrder, NumberFormat};
use crate::schema::{Field, FieldType, TableSchema};

/// One cell as read from a source: text files give text, spreadsheets and JSON typed values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

impl Cell<'_> {
    /// Bytes of text the cell holds (0 for typed values).
    pub fn text_len(&self) -> usize {
        match self {
            Self::Text(text) => text.len(),
            _ => 0,
        }
    }
}

/// An empty vector with `spare`'s allocation, for items that borrow from elsewhere (the
/// allocation is reused when both item types have the same layout).
pub(crate) fn recycle<T, U>(mut spare: Vec<T>) -> Vec<U> {
    spare.clear();
    spare
        .into_iter()
        .map(|_| unreachable!("the vector is empty"))
        .collect()
}

/// A value converted to its field's type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Text(Cow<'a, str>),
    Int(i64),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

/// How a date or date-time field is written in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DateFormat {
    /// Three numbers with one separator, in an order; date-times add a lenient time of day.
    Fast(DateOrder, u8),
    /// Year first or day first, whichever the value is.
    Any,
    /// A strftime pattern, read with chrono.
    Pattern(String),
}

impl DateFormat {
    /// Reads a Frictionless `format` of a date (`with_time` false) or date-time field.
    fn of(format: Option<&str>, with_time: bool) -> Self {
        match format {
            None | Some("default") => Self::Fast(DateOrder::Ymd, b'-'),
            Some("any") => Self::Any,
            Some(pattern) => fast_pattern(pattern, with_time)
                .unwrap_or_else(|| Self::Pattern(pattern.to_owned())),
        }
    }
}

/// `%d/%m/%Y`-like patterns (optionally followed by ` %H:%M[:%S]` for date-times).
fn fast_pattern(pattern: &str, with_time: bool) -> Option<DateFormat> {
    let (date, time) = match pattern.find([' ', 'T']) {
        Some(at) if with_time => (&pattern[..at], Some(&pattern[at + 1..])),
        Some(_) => return None,
        None => (pattern, None),
    };
    if let Some(time) = time
        && time != "%H:%M"
        && time != "%H:%M:%S"
    {
        return None;
    }
    let bytes = date.as_bytes();
    if bytes.len() != 8 || bytes[0] != b'%' || bytes[3] != b'%' || bytes[6] != b'%' {
        return None;
    }
    let separator = bytes[2];
    if bytes[5] != separator || !matches!(separator, b'/' | b'-' | b'.') {
        return None;
    }
    let order = match [bytes[1], bytes[4], bytes[7]] {
        [b'Y', b'm', b'd'] => DateOrder::Ymd,
        [b'd', b'm', b'Y'] => DateOrder::Dmy,
        [b'm', b'd', b'Y'] => DateOrder::Mdy,
        _ => return None,
    };
    Some(DateFormat::Fast(order, separator))
}

/// The pattern text of a date format made by inference.
pub(crate) fn date_pattern(order: DateOrder, separator: u8) -> String {
    let sep = separator as char;
    match order {
        DateOrder::Ymd if sep == '-' => "default".to_owned(),
        DateOrder::Ymd => format!("%Y{sep}%m{sep}%d"),
        DateOrder::Dmy => format!("%d{sep}%m{sep}%Y"),
        DateOrder::Mdy => format!("%m{sep}%d{sep}%Y"),
    }
}

#[derive(Debug, Clone)]
enum Parser {
    String,
    Geojson,
    Integer(NumberFormat),
    Number(NumberFormat),
    Boolean {
        trues: Vec<String>,
        falses: Vec<String>,
    },
    Date(DateFormat),
    DateTime(DateFormat),
}

/// Converts the cells of one table under its schema.
#[derive(Debug, Clone)]
pub(crate) struct Converter {
    parsers: Vec<Parser>,
    missing: Vec<String>,
}

fn number_format(field: &Field) -> NumberFormat {
    NumberFormat {
        decimal: field
            .decimal_char
            .as_deref()
            .and_then(|c| c.chars().next())
            .unwrap_or('.'),
        group: field.group_char.as_deref().and_then(|c| c.chars().next()),
    }
}

impl Converter {
    pub fn new(schema: &TableSchema) -> Self {
        let parsers = schema
            .fields
            .iter()
            .map(|field| match field.field_type {
                FieldType::String => Parser::String,
                FieldType::Geojson => Parser::Geojson,
                FieldType::Integer => Parser::Integer(number_format(field)),
                FieldType::Number => Parser::Number(number_format(field)),
                FieldType::Boolean => Parser::Boolean {
                    trues: field.true_values.clone().unwrap_or_else(|| {
                        ["true", "True", "TRUE", "1"].map(String::from).to_vec()
                    }),
                    falses: field.false_values.clone().unwrap_or_else(|| {
                        ["false", "False", "FALSE", "0"].map(String::from).to_vec()
                    }),
                },
                FieldType::Date => Parser::Date(DateFormat::of(field.format.as_deref(), false)),
                FieldType::Datetime => {
                    Parser::DateTime(DateFormat::of(field.format.as_deref(), true))
                }
            })
            .collect();
        let missing = schema
            .missing_values
            .iter()
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty())
            .collect();
        Self { parsers, missing }
    }

    /// True when `text` (trimmed) means "no value".
    pub fn is_missing(&self, text: &str) -> bool {
        text.is_empty() || self.missing.iter().any(|m| m == text)
    }

    /// The value of column `index`, or `Err(())` when the cell does not fit the field's type.
    pub fn convert<'a>(&self, index: usize, cell: Cell<'a>) -> Result<Value<'a>, ()> {
        let parser = &self.parsers[index];
        match cell {
            Cell::Empty => Ok(Value::Null),
            Cell::Text(raw) => {
                let text = parse::trim(raw);
                if self.is_missing(text) {
                    return Ok(Value::Null);
                }
                convert_text(parser, raw, text)
            }
            Cell::Int(i) => match parser {
                Parser::String => Ok(Value::Text(Cow::Owned(i.to_string()))),
                Parser::Integer(_) => Ok(Value::Int(i)),
                Parser::Number(_) => Ok(Value::Number(i as f64)),
                _ => Err(()),
            },
            Cell::Float(f) => match parser {
                Parser::String => Ok(Value::Text(Cow::Owned(float_text(f)))),
                Parser::Integer(_) => integral(f).map(Value::Int).ok_or(()),
                Parser::Number(_) if f.is_finite() => Ok(Value::Number(f)),
                _ => Err(()),
            },
            Cell::Bool(b) => match parser {
                Parser::String => Ok(Value::Text(Cow::Borrowed(if b { "true" } else { "false" }))),
                Parser::Boolean { .. } => Ok(Value::Bool(b)),
                _ => Err(()),
            },
            Cell::Date(d) => match parser {
                Parser::String => Ok(Value::Text(Cow::Owned(d.to_string()))),
                Parser::Date(_) => Ok(Value::Date(d)),
                Parser::DateTime(_) => Ok(Value::DateTime(d.and_time(NaiveTime::MIN))),
                _ => Err(()),
            },
            Cell::DateTime(dt) => match parser {
                Parser::String => Ok(Value::Text(Cow::Owned(dt.to_string()))),
                Parser::Date(_) if dt.time() == NaiveTime::MIN => Ok(Value::Date(dt.date())),
                Parser::DateTime(_) => Ok(Value::DateTime(dt)),
                _ => Err(()),
            },
        }
    }
}

/// An integral float as `i64` (spreadsheets store every number as a float).
pub(crate) fn integral(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15).then_some(f as i64)
}

/// A float as text, without `.0` when integral.
pub(crate) fn float_text(f: f64) -> String {
    match integral(f) {
        Some(i) => i.to_string(),
        None => f.to_string(),
    }
}

fn convert_text<'a>(parser: &Parser, raw: &'a str, text: &'a str) -> Result<Value<'a>, ()> {
    match parser {
        Parser::String => Ok(Value::Text(Cow::Borrowed(raw))),
        Parser::Geojson => Ok(Value::Text(Cow::Borrowed(text))),
        Parser::Integer(format) => parse::parse_int(text, *format).map(Value::Int).ok_or(()),
        Parser::Number(format) => parse::parse_number(text, *format)
            .filter(|f| f.is_finite())
            .map(Value::Number)
            .ok_or(()),
        Parser::Boolean { trues, falses } => {
            if trues.iter().any(|t| t == text) {
                Ok(Value::Bool(true))
            } else if falses.iter().any(|f| f == text) {
                Ok(Value::Bool(false))
            } else {
                Err(())
            }
        }
        Parser::Date(format) => parse_date(format, text).map(Value::Date).ok_or(()),
        Parser::DateTime(format) => parse_datetime(format, text).map(Value::DateTime).ok_or(()),
    }
}

fn parse_date(format: &DateFormat, text: &str) -> Option<NaiveDate> {
    match format {
        DateFormat::Fast(order, separator) => {
            let (parts, time) = parse::date_shape(text)?;
            (time.is_none() && parts.separator == *separator)
                .then(|| parts.date(*order))
                .flatten()
        }
        DateFormat::Any => {
            let (parts, time) = parse::date_shape(text)?;
            if time.is_some() {
                return None;
            }
            parts
                .date(DateOrder::Ymd)
                .or_else(|| parts.date(DateOrder::Dmy))
        }
        DateFormat::Pattern(pattern) => NaiveDate::parse_from_str(text, pattern).ok(),
    }
}

fn parse_datetime(format: &DateFormat, text: &str) -> Option<NaiveDateTime> {
    match format {
        DateFormat::Fast(order, separator) => {
            let (parts, time) = parse::date_shape(text)?;
            if parts.separator != *separator {
                return None;
            }
            let date = parts.date(*order)?;
            Some(time.map_or(date.and_time(NaiveTime::MIN), |t| t.on(date)))
        }
        DateFormat::Any => {
            let (parts, time) = parse::date_shape(text)?;
            let date = parts
                .date(DateOrder::Ymd)
                .or_else(|| parts.date(DateOrder::Dmy))?;
            Some(time.map_or(date.and_time(NaiveTime::MIN), |t| t.on(date)))
        }
        DateFormat::Pattern(pattern) => NaiveDateTime::parse_from_str(text, pattern).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(fields: Vec<Field>) -> TableSchema {
        TableSchema {
            fields,
            missing_values: vec![String::new(), "-".into(), "…".into()],
        }
    }

    #[test]
    fn converts_text_under_source_formats() {
        let mut number = Field::new("n", FieldType::Number);
        number.decimal_char = Some(",".into());
        number.group_char = Some(".".into());
        let mut date = Field::new("d", FieldType::Date);
        date.format = Some("%d/%m/%Y".into());
        let mut when = Field::new("t", FieldType::Datetime);
        when.format = Some("%d/%m/%Y %H:%M".into());
        let converter = Converter::new(&schema(vec![number, date, when]));
        assert_eq!(
            converter.convert(0, Cell::Text("1.234,5")),
            Ok(Value::Number(1234.5))
        );
        assert_eq!(converter.convert(0, Cell::Text(" - ")), Ok(Value::Null));
        assert_eq!(converter.convert(0, Cell::Text("…")), Ok(Value::Null));
        assert_eq!(converter.convert(0, Cell::Text("abc")), Err(()));
        assert_eq!(
            converter.convert(1, Cell::Text("31/12/2024")),
            Ok(Value::Date(NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()))
        );
        assert_eq!(converter.convert(1, Cell::Text("2024-12-31")), Err(()));
        let Ok(Value::DateTime(dt)) = converter.convert(2, Cell::Text("31/12/2024 23:59:30"))
        else {
            panic!("not a date-time");
        };
        assert_eq!(dt.to_string(), "2024-12-31 23:59:30");
    }

    #[test]
    fn converts_typed_cells_and_refuses_what_does_not_fit() {
        let converter = Converter::new(&schema(vec![
            Field::new("i", FieldType::Integer),
            Field::new("s", FieldType::String),
            Field::new("b", FieldType::Boolean),
        ]));
        assert_eq!(converter.convert(0, Cell::Float(12.0)), Ok(Value::Int(12)));
        assert_eq!(converter.convert(0, Cell::Float(12.5)), Err(()));
        assert_eq!(
            converter.convert(1, Cell::Float(12.0)),
            Ok(Value::Text("12".into()))
        );
        assert_eq!(
            converter.convert(2, Cell::Text("TRUE")),
            Ok(Value::Bool(true))
        );
        assert_eq!(converter.convert(2, Cell::Int(3)), Err(()));
    }

    #[test]
    fn recycled_vectors_keep_their_allocation() {
        let mut cells: Vec<Cell<'static>> = Vec::with_capacity(16);
        cells.push(Cell::Int(1));
        let text = String::from("x");
        let mut borrowed: Vec<Cell<'_>> = recycle(cells);
        assert!(borrowed.is_empty() && borrowed.capacity() >= 16);
        borrowed.push(Cell::Text(&text));
        let values: Vec<Value<'static>> = recycle(vec![Value::Null; 8]);
        assert!(values.is_empty() && values.capacity() >= 8);
    }

    #[test]
    fn strftime_patterns_fall_back_to_chrono() {
        let mut date = Field::new("d", FieldType::Date);
        date.format = Some("%d %b %Y".into());
        let converter = Converter::new(&schema(vec![date]));
        assert_eq!(
            converter.convert(0, Cell::Text("05 Mar 2024")),
            Ok(Value::Date(NaiveDate::from_ymd_opt(2024, 3, 5).unwrap()))
        );
        assert_eq!(date_pattern(DateOrder::Dmy, b'/'), "%d/%m/%Y");
        assert_eq!(date_pattern(DateOrder::Ymd, b'-'), "default");
    }
}
