//! One data row to an item: cells read by column, values parsed, the item's rules checked, and
//! every problem reported against its column.

use std::collections::HashSet;

use chrono::{Datelike, Days, NaiveDate};
use dulieu_core::text::LangText;
use dulieu_core::{Error, FieldErrors, Result};
use uuid::Uuid;

use super::columns::{self, Vocabulary, fold};
use super::grid::{EMPTY, Row, Table, Value};
use super::layout::{self, Header};
use super::{Parsed, RowError, SheetRow};
use crate::model::{ItemInput, ItemStatus, Priority, Sensitivity};

/// Longest cell text quoted in an error.
const MAX_QUOTED: usize = 200;

/// Reads the data rows under `header`.
pub(super) fn parse(table: &Table, header: &Header) -> Result<Parsed> {
    let mut parsed = Parsed {
        ignored_columns: header.ignored.clone(),
        ..Parsed::default()
    };
    let mut seen = HashSet::new();
    for row in layout::data_rows(table, header)? {
        let mut cells = Cells {
            row,
            header,
            errors: Vec::new(),
        };
        match cells.read(&mut seen)? {
            Some(good) => parsed.rows.push(good),
            None => parsed.errors.append(&mut cells.errors),
        }
    }
    Ok(parsed)
}

/// The cells of one row, by column, and the problems found in them.
struct Cells<'a> {
    row: &'a Row,
    header: &'a Header,
    errors: Vec<RowError>,
}

impl Cells<'_> {
    /// The row as an item; `None` when it has problems (in `errors`, in column order).
    fn read(&mut self, seen: &mut HashSet<Uuid>) -> Result<Option<SheetRow>> {
        let id = self.parsed("id", |_, text| Uuid::parse_str(text).ok(), "invalid_id");
        if let Some(id) = id
            && !seen.insert(id)
        {
            self.fail("id", "duplicate_id");
        }
        let organization = self.text("organization");
        let item = match self.input().normalized() {
            Ok(item) => Some(item),
            Err(Error::Invalid(fields)) => {
                self.rule_errors(fields);
                None
            }
            Err(other) => return Err(other),
        };
        self.errors
            .sort_by_key(|error| columns::position(&error.column));
        Ok(item
            .filter(|_| self.errors.is_empty())
            .map(|item| SheetRow {
                row: self.row.number,
                id,
                organization,
                item,
            }))
    }

    /// The item as the cells give it (placeholders where a value could not be read).
    fn input(&mut self) -> ItemInput {
        if self.text("priority").is_none() {
            self.fail("priority", "required");
        }
        let priority = self.choice().unwrap_or(Priority::LowValue);
        let title = LangText {
            vi: self.text("title_vi"),
            en: self.text("title_en"),
        };
        let mut item = ItemInput::new(title, priority);
        item.description = LangText {
            vi: self.text("description_vi"),
            en: self.text("description_en"),
        };
        item.owning_unit = self.text("owning_unit");
        item.system_of_record = self.text("system_of_record");
        item.formats = self
            .text("formats")
            .map(|t| split_formats(&t))
            .unwrap_or_default();
        item.volume = self.text("volume");
        item.frequency = self.text("frequency").map(|t| columns::frequency_code(&t));
        item.sensitivity = self.choice().unwrap_or(Sensitivity::Public);
        item.legal_basis = self.text("legal_basis");
        item.effort = self.choice();
        item.target_date = self.parsed("target_date", parse_date, "invalid_date");
        item.status = self.choice().unwrap_or(ItemStatus::Identified);
        item.dataset = self.text("dataset");
        item.reason = self.text("reason");
        item.responsible = self.text("responsible");
        item
    }

    fn value(&self, key: &str) -> &Value {
        match self.header.cell_of(key) {
            Some(cell) => self.row.cell(cell),
            None => &EMPTY,
        }
    }

    /// The cell's text, trimmed; `None` when empty.
    fn text(&self, key: &str) -> Option<String> {
        let text = self.value(key).text();
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_string())
    }

    /// The cell read by `parse`; `None` when empty, or (with an error `code`) unreadable.
    fn parsed<T>(
        &mut self,
        key: &str,
        parse: impl Fn(&Value, &str) -> Option<T>,
        code: &str,
    ) -> Option<T> {
        let text = self.text(key)?;
        let value = parse(self.value(key), &text);
        if value.is_none() {
            self.fail(key, code);
        }
        value
    }

    /// An enumerated value (`invalid_value` when not one of the allowed ones).
    fn choice<T: Vocabulary>(&mut self) -> Option<T> {
        self.parsed(T::KEY, |_, text| T::parse_cell(text), "invalid_value")
    }

    fn fail(&mut self, key: &str, code: &str) {
        self.errors.push(RowError {
            row: self.row.number,
            column: key.to_string(),
            code: code.to_string(),
            value: self
                .text(key)
                .map(|text| text.chars().take(MAX_QUOTED).collect()),
        });
    }

    /// The item's rule violations, against their columns (none on a column already in error).
    fn rule_errors(&mut self, fields: FieldErrors) {
        for (field, violations) in fields.0 {
            let key = column_key(&field);
            if self.errors.iter().any(|e| e.column == key) {
                continue;
            }
            for violation in violations {
                self.fail(&key, violation.code);
            }
        }
    }
}

/// The column of an item field: `title` and `title.vi` → `title_vi`, `description.en` →
/// `description_en`, others the same.
fn column_key(field: &str) -> String {
    if field == "title" {
        "title_vi".to_string()
    } else {
        field.replace('.', "_")
    }
}

/// Formats separated by `,` `;` `/` `&`, a line break, or the word `and` or `và`.
fn split_formats(text: &str) -> Vec<String> {
    let is_and = |word: &&str| matches!(fold(word).as_str(), "and" | "va");
    text.split([',', ';', '/', '&', '\n'])
        .flat_map(|piece| {
            let words: Vec<&str> = piece.split_whitespace().collect();
            let groups: Vec<String> = words.split(is_and).map(|g| g.join(" ")).collect();
            groups
        })
        .filter(|format| !format.is_empty())
        .collect()
}

/// The first day Excel serial numbers are read for (1970-01-01).
const FIRST_SERIAL: f64 = 25_569.0;
/// The last: 9999-12-31.
const LAST_SERIAL: f64 = 2_958_465.0;

/// A date cell, a date text (`2026-12-31`, `31/12/2026`, `31-12-2026`, `31.12.2026`, with an
/// optional time after it) or an Excel serial number.
fn parse_date(value: &Value, text: &str) -> Option<NaiveDate> {
    match value {
        Value::Date(date) => Some(*date),
        Value::Number(serial) => from_serial(*serial),
        _ => {
            let day = text.split([' ', 'T']).next().unwrap_or_default();
            ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
                .iter()
                .find_map(|format| NaiveDate::parse_from_str(day, format).ok())
                .filter(|date| date.year() >= 1900)
                .or_else(|| text.parse().ok().and_then(from_serial))
        }
    }
}

/// The day of an Excel serial number (whole days from 1970 on; anything else is no date).
fn from_serial(serial: f64) -> Option<NaiveDate> {
    if serial.fract() != 0.0 || !(FIRST_SERIAL..=LAST_SERIAL).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(serial as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn dates_in_the_usual_spellings() {
        let text = |t: &str| parse_date(&Value::Text(t.into()), t);
        assert_eq!(text("2026-03-05"), day(2026, 3, 5));
        assert_eq!(text("05/03/2026"), day(2026, 3, 5));
        assert_eq!(text("5/3/2026"), day(2026, 3, 5));
        assert_eq!(text("05-03-2026"), day(2026, 3, 5));
        assert_eq!(text("5.3.2026"), day(2026, 3, 5));
        assert_eq!(text("2026-03-05 00:00:00"), day(2026, 3, 5));
        assert_eq!(text("46086"), day(2026, 3, 5));
        assert_eq!(
            parse_date(&Value::Number(46086.0), "46086"),
            day(2026, 3, 5)
        );
        for bad in ["31/02/2026", "2026", "5/3/26", "sớm", "46086.5"] {
            assert_eq!(text(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_split_on_separators_and_words() {
        assert_eq!(
            split_formats("xlsx, PDF; csv/json & XML and Oracle và shp\nKML"),
            vec!["xlsx", "PDF", "csv", "json", "XML", "Oracle", "shp", "KML"]
        );
        assert_eq!(split_formats("MS Access"), vec!["MS Access"]);
        assert_eq!(split_formats(" , "), Vec::<String>::new());
    }

    #[test]
    fn field_errors_name_columns() {
        assert_eq!(column_key("title"), "title_vi");
        assert_eq!(column_key("title.en"), "title_en");
        assert_eq!(column_key("description.vi"), "description_vi");
        assert_eq!(column_key("legal_basis"), "legal_basis");
    }
}
