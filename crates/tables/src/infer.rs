//! Type inference: one pass over a column's cells keeps counts (bounded memory), then
//! [`ColumnStats::decide`] picks the narrowest type every value fits.
//!
//! Rules:
//! - Empty cells and known markers (`-`, `…`, `x`, `N/A`, …, see [`crate::parse::MISSING_MARKERS`])
//!   are missing, not values; the markers seen in non-text columns go to `missingValues`.
//! - Types are tried in order boolean, integer, number, date, datetime; the first that every value
//!   fits wins, else text. Up to 1% of values may be words without digits (`không có`, `?`):
//!   in a column that is otherwise numbers or dates they are taken as missing too (and reported).
//! - Numbers: a column is read in the Vietnamese convention (`1.234.567,89`) or the English one
//!   (`1,234,567.89`), whichever all its values fit; when both fit (`1.234`), the file's hint
//!   decides ([`NumberLocale`]). Digits with a leading zero (`01`, postal and GSO codes) are text.
//! - Dates: year first (`2024-03-31`), else day first (`31/03/2024`, the Vietnamese order), else
//!   month first, whichever every value fits, with one separator for the column.

use std::collections::BTreeMap;

use crate::convert::{Cell, date_pattern};
use crate::options::NumberLocale;
use crate::parse::{self, DateOrder};
use crate::schema::{Field, FieldType};

/// Most distinct words kept per column as candidate missing markers.
const MAX_JUNK_KINDS: usize = 5;
/// Most distinct boolean spellings kept per column.
const MAX_BOOL_SPELLINGS: usize = 8;

/// Counts kept for one column during inference.
#[derive(Debug, Clone, Default)]
pub(crate) struct ColumnStats {
    /// Non-empty cells that are not known markers.
    values: u64,
    /// Known markers seen, with counts.
    markers: BTreeMap<String, u64>,
    /// Words without digits that fit no type (candidate markers), with counts.
    junk: BTreeMap<String, u64>,
    junk_total: u64,
    bools: u64,
    true_spellings: Vec<String>,
    false_spellings: Vec<String>,
    int_point: u64,
    int_comma: u64,
    num_point: u64,
    num_comma: u64,
    /// Numbers written with a comma (`12,5`, `1,234`).
    with_comma: u64,
    /// Numbers written with a point (`12.5`, `1.234`).
    with_point: u64,
    /// Date-like texts and typed dates.
    dates: u64,
    date_times: u64,
    ymd: u64,
    dmy: u64,
    mdy: u64,
    separators: u8,
    time_seconds: bool,
    /// Typed (spreadsheet/JSON) dates count for every order.
    typed_dates: u64,
    /// A value fit no type and cannot be taken as missing: the column is text whatever follows,
    /// so later cells are not looked at.
    text_only: bool,
}

const SEP_SLASH: u8 = 1;
const SEP_DASH: u8 = 2;
const SEP_DOT: u8 = 4;

/// What inference decided for one column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Decision {
    /// The field (name set by the caller).
    pub field: Field,
    /// Known markers that mean missing in this column.
    pub markers: Vec<String>,
    /// Words taken as missing under the 1% rule, with their count.
    pub junk_as_missing: Vec<(String, u64)>,
}

impl ColumnStats {
    /// Counts one cell.
    pub fn add(&mut self, cell: Cell<'_>) {
        if self.text_only {
            return;
        }
        match cell {
            Cell::Empty => {}
            Cell::Text(raw) => self.add_text(parse::trim(raw)),
            Cell::Int(_) => {
                self.values += 1;
                self.count_integer();
            }
            Cell::Float(f) => {
                self.values += 1;
                if crate::convert::integral(f).is_some() {
                    self.count_integer();
                } else {
                    self.num_point += 1;
                    self.num_comma += 1;
                }
            }
            Cell::Bool(_) => {
                self.values += 1;
                self.bools += 1;
            }
            Cell::Date(_) => {
                self.values += 1;
                self.dates += 1;
                self.typed_dates += 1;
            }
            Cell::DateTime(_) => {
                self.values += 1;
                self.dates += 1;
                self.typed_dates += 1;
                self.date_times += 1;
                self.time_seconds = true;
            }
        }
    }

    fn count_integer(&mut self) {
        self.int_point += 1;
        self.int_comma += 1;
        self.num_point += 1;
        self.num_comma += 1;
    }

    fn add_text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let first = text.as_bytes()[0];
        if !first.is_ascii_digit() && parse::is_known_marker(text) {
            match self.markers.get_mut(text) {
                Some(count) => *count += 1,
                None => {
                    self.markers.insert(text.to_owned(), 1);
                }
            }
            return;
        }
        self.values += 1;
        if first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.') {
            let shape = parse::number_shape(text);
            if shape.any() {
                self.int_point += u64::from(shape.int_point);
                self.int_comma += u64::from(shape.int_comma);
                self.num_point += u64::from(shape.num_point);
                self.num_comma += u64::from(shape.num_comma);
                self.with_comma += u64::from(text.as_bytes().contains(&b','));
                self.with_point += u64::from(text.as_bytes().contains(&b'.'));
                return;
            }
            match parse::date_shape(text) {
                Some((parts, time)) => self.add_date(parts, time),
                None => self.text_only = true,
            }
            return;
        }
        if let Some(value) = parse::parse_bool_word(text) {
            self.bools += 1;
            let spellings = if value {
                &mut self.true_spellings
            } else {
                &mut self.false_spellings
            };
            if spellings.len() < MAX_BOOL_SPELLINGS && !spellings.iter().any(|s| s == text) {
                spellings.push(text.to_owned());
            }
            return;
        }
        if parse::has_digit(text) {
            self.text_only = true;
            return;
        }
        self.junk_total += 1;
        if let Some(count) = self.junk.get_mut(text) {
            *count += 1;
        } else if self.junk.len() < MAX_JUNK_KINDS && text.chars().count() <= 20 {
            self.junk.insert(text.to_owned(), 1);
        } else {
            // Too many kinds of words to be missing markers.
            self.text_only = true;
        }
    }

    fn add_date(&mut self, parts: parse::DateParts, time: Option<parse::TimeParts>) {
        self.dates += 1;
        self.separators |= match parts.separator {
            b'/' => SEP_SLASH,
            b'-' => SEP_DASH,
            _ => SEP_DOT,
        };
        self.ymd += u64::from(parts.is_date(DateOrder::Ymd));
        self.dmy += u64::from(parts.is_date(DateOrder::Dmy));
        self.mdy += u64::from(parts.is_date(DateOrder::Mdy));
        if let Some(time) = time {
            self.date_times += 1;
            self.time_seconds |= time.has_seconds;
        }
    }

    /// True when the column had no value at all.
    pub fn is_empty(&self) -> bool {
        self.values == 0
    }

    /// Picks the column's type. `comma_hint`: read ambiguous numbers with a decimal comma.
    pub fn decide(&self, name: &str, locale: NumberLocale, comma_hint: bool) -> Decision {
        let markers: Vec<String> = self.markers.keys().cloned().collect();
        let text = || Decision {
            field: Field::new(name, FieldType::String),
            markers: Vec::new(),
            junk_as_missing: Vec::new(),
        };
        if self.values == 0 || self.text_only {
            return text();
        }
        // Counts that must reach `needed` for a type to fit; junk may fill up to 1%.
        let exact = self.values;
        let with_junk = if self.junk_total > 0 && self.junk_total * 100 <= self.values {
            self.values - self.junk_total
        } else {
            exact
        };
        let fits = |count: u64| count > 0 && (count == exact || count == with_junk);
        let decided = |field: Field, count: u64| Decision {
            field,
            markers: markers.clone(),
            junk_as_missing: if count == exact {
                Vec::new()
            } else {
                self.junk.iter().map(|(k, v)| (k.clone(), *v)).collect()
            },
        };

        if fits(self.bools) {
            let mut field = Field::new(name, FieldType::Boolean);
            if !self.true_spellings.is_empty() || !self.false_spellings.is_empty() {
                field.true_values = Some(self.true_spellings.clone());
                field.false_values = Some(self.false_spellings.clone());
            }
            return decided(field, self.bools);
        }
        let comma_ok = fits(self.num_comma);
        let point_ok = fits(self.num_point);
        if comma_ok || point_ok {
            let use_comma = match (comma_ok, point_ok) {
                (true, false) => true,
                (false, true) => false,
                _ => match locale {
                    NumberLocale::Vietnamese => true,
                    NumberLocale::English => false,
                    NumberLocale::Auto => comma_hint,
                },
            };
            let (ints, nums) = if use_comma {
                (self.int_comma, self.num_comma)
            } else {
                (self.int_point, self.num_point)
            };
            let integer = fits(ints) && ints == nums;
            let mut field = Field::new(
                name,
                if integer {
                    FieldType::Integer
                } else {
                    FieldType::Number
                },
            );
            if use_comma && (self.with_comma > 0 || self.with_point > 0) {
                field.decimal_char = Some(",".into());
                field.group_char = Some(".".into());
            } else if !use_comma && self.with_comma > 0 {
                field.group_char = Some(",".into());
            }
            return decided(field, nums);
        }
        if fits(self.dates) {
            let single_separator = self.separators.count_ones() <= 1;
            let text_dates = self.dates - self.typed_dates;
            let order = [DateOrder::Ymd, DateOrder::Dmy, DateOrder::Mdy]
                .into_iter()
                .find(|order| {
                    let ok = match order {
                        DateOrder::Ymd => self.ymd,
                        DateOrder::Dmy => self.dmy,
                        DateOrder::Mdy => self.mdy,
                    };
                    ok == text_dates
                });
            if let (true, Some(order)) = (single_separator, order) {
                let separator = match self.separators {
                    SEP_SLASH => b'/',
                    SEP_DOT => b'.',
                    _ => b'-',
                };
                let date_format = (text_dates > 0).then(|| date_pattern(order, separator));
                let field = if self.date_times > 0 {
                    let mut field = Field::new(name, FieldType::Datetime);
                    field.format = date_format.map(|date| {
                        if date == "default" {
                            date
                        } else if self.time_seconds {
                            format!("{date} %H:%M:%S")
                        } else {
                            format!("{date} %H:%M")
                        }
                    });
                    field
                } else {
                    let mut field = Field::new(name, FieldType::Date);
                    field.format = date_format;
                    field
                };
                return decided(field, self.dates);
            }
        }
        text()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide_texts(values: &[&str]) -> Decision {
        decide_with(values, NumberLocale::Auto, false)
    }

    fn decide_with(values: &[&str], locale: NumberLocale, comma_hint: bool) -> Decision {
        let mut stats = ColumnStats::default();
        for value in values {
            stats.add(Cell::Text(value));
        }
        stats.decide("c", locale, comma_hint)
    }

    fn kind(values: &[&str]) -> FieldType {
        decide_texts(values).field.field_type
    }

    #[test]
    fn integers_numbers_and_text() {
        assert_eq!(kind(&["1", "2", "-3", ""]), FieldType::Integer);
        assert_eq!(kind(&["1", "2.5"]), FieldType::Number);
        assert_eq!(kind(&["1", "abc2"]), FieldType::String);
        assert_eq!(kind(&["01", "02", "79"]), FieldType::String);
        assert_eq!(kind(&[]), FieldType::String);
        assert_eq!(kind(&["true", "FALSE"]), FieldType::Boolean);
        assert_eq!(kind(&["1", "0"]), FieldType::Integer);
    }

    #[test]
    fn vietnamese_numbers_are_recognised() {
        let decision = decide_texts(&["1.234.567,89", "12,5", "3"]);
        assert_eq!(decision.field.field_type, FieldType::Number);
        assert_eq!(decision.field.decimal_char.as_deref(), Some(","));
        assert_eq!(decision.field.group_char.as_deref(), Some("."));
        let decision = decide_texts(&["1.234.567", "2.500", "12"]);
        assert_eq!(decision.field.field_type, FieldType::Integer);
        assert_eq!(decision.field.group_char.as_deref(), Some("."));
        let decision = decide_texts(&["1,234,567.5", "2.5"]);
        assert_eq!(decision.field.field_type, FieldType::Number);
        assert_eq!(decision.field.decimal_char, None);
        assert_eq!(decision.field.group_char.as_deref(), Some(","));
    }

    #[test]
    fn ambiguous_numbers_follow_the_hint() {
        let values = ["1.234", "2.500"];
        assert_eq!(
            decide_with(&values, NumberLocale::Auto, false)
                .field
                .field_type,
            FieldType::Number
        );
        let comma = decide_with(&values, NumberLocale::Auto, true);
        assert_eq!(comma.field.field_type, FieldType::Integer);
        assert_eq!(comma.field.group_char.as_deref(), Some("."));
        assert_eq!(
            decide_with(&values, NumberLocale::Vietnamese, false)
                .field
                .field_type,
            FieldType::Integer
        );
    }

    #[test]
    fn markers_are_missing_not_text() {
        let decision = decide_texts(&["12", "-", "…", "15", ""]);
        assert_eq!(decision.field.field_type, FieldType::Integer);
        assert_eq!(decision.markers, vec!["-".to_owned(), "…".to_owned()]);
    }

    #[test]
    fn one_percent_of_words_may_be_missing_in_a_numeric_column() {
        let mut values: Vec<String> = (0..199).map(|i| i.to_string()).collect();
        values.push("không có".into());
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        let decision = decide_texts(&refs);
        assert_eq!(decision.field.field_type, FieldType::Integer);
        assert_eq!(decision.junk_as_missing, vec![("không có".to_owned(), 1)]);
        // 2% words: text.
        values.push("chưa rõ".into());
        values.truncate(100);
        values.extend(["a".to_owned(), "b".to_owned()]);
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        assert_eq!(kind(&refs), FieldType::String);
    }

    #[test]
    fn dates_and_date_times() {
        let decision = decide_texts(&["31/03/2024", "01/02/2024"]);
        assert_eq!(decision.field.field_type, FieldType::Date);
        assert_eq!(decision.field.format.as_deref(), Some("%d/%m/%Y"));
        let decision = decide_texts(&["03/31/2024", "01/02/2024"]);
        assert_eq!(decision.field.format.as_deref(), Some("%m/%d/%Y"));
        let decision = decide_texts(&["2024-03-31", "2024-01-02"]);
        assert_eq!(decision.field.format.as_deref(), Some("default"));
        let decision = decide_texts(&["2024-03-31T10:00:00Z", "2024-01-02"]);
        assert_eq!(decision.field.field_type, FieldType::Datetime);
        let decision = decide_texts(&["31/03/2024 10:30", "01/02/2024 08:00"]);
        assert_eq!(decision.field.format.as_deref(), Some("%d/%m/%Y %H:%M"));
        assert_eq!(kind(&["31/03/2024", "2024-01-02"]), FieldType::String);
        assert_eq!(kind(&["31/13/2024"]), FieldType::String);
    }

    #[test]
    fn typed_cells_from_spreadsheets() {
        let mut stats = ColumnStats::default();
        stats.add(Cell::Float(3.0));
        stats.add(Cell::Int(4));
        stats.add(Cell::Text("1.234"));
        assert_eq!(
            stats
                .decide("c", NumberLocale::Auto, false)
                .field
                .field_type,
            FieldType::Number
        );
        let mut stats = ColumnStats::default();
        stats.add(Cell::Float(3.0));
        stats.add(Cell::Text("-"));
        assert_eq!(
            stats
                .decide("c", NumberLocale::Auto, false)
                .field
                .field_type,
            FieldType::Integer
        );
    }
}
