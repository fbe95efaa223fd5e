//! Column profiles: null count, distinct count, min, max, mean and top values, in bounded memory.
//!
//! Each non-null value is hashed once (a fixed-seed 64-bit hash of its text, or of its typed value
//! for numbers, booleans and dates), and that hash serves the top values, the distinct values and
//! the sketch. Distinct values are counted exactly (by hash) up to a bound per column, then
//! estimated with a HyperLogLog sketch of their hashes (4096 registers, about 1.6% standard
//! error); `distinct_exact` says which. Top values are counted exactly while a column has at most
//! a bounded number of distinct values; past it, values not seen before are no longer counted and
//! `top_values_exact` is false.

use std::fmt::Write;
use std::hash::BuildHasher;

use foldhash::quality::FixedState;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

use serde::{Deserialize, Serialize};

use crate::convert::Value;
use crate::schema::FieldType;

/// How many top values a profile lists.
const TOP_VALUES: usize = 10;
/// Longest text kept as a top value (in characters).
const TOP_VALUE_CHARS: usize = 200;
/// The hasher of every value: fixed, so profiles are reproducible.
const HASHER: FixedState = FixedState::with_seed(0x64756c6965750001);

/// One frequent value and how many rows have it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopValue {
    /// The value as text.
    pub value: String,
    /// Rows with that value.
    pub count: u64,
}

/// The profile of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnProfile {
    /// The column name.
    pub name: String,
    /// The column type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Rows without a value.
    pub null_count: u64,
    /// Distinct non-null values.
    pub distinct_count: u64,
    /// False when `distinct_count` is an estimate.
    pub distinct_exact: bool,
    /// Smallest value (numbers, dates, date-times).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<serde_json::Value>,
    /// Largest value (numbers, dates, date-times).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<serde_json::Value>,
    /// Mean of the values (numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// The most frequent values, most frequent first.
    pub top_values: Vec<TopValue>,
    /// False when the top values were counted among the first distinct values only.
    pub top_values_exact: bool,
}

/// The profile of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableProfile {
    /// Rows in the table.
    pub row_count: u64,
    /// One profile per column, in column order.
    pub columns: Vec<ColumnProfile>,
}

/// HyperLogLog with 2^12 registers.
#[derive(Debug, Clone)]
struct HyperLogLog {
    registers: Box<[u8; HyperLogLog::REGISTERS]>,
}

impl HyperLogLog {
    const BITS: u32 = 12;
    const REGISTERS: usize = 1 << Self::BITS;

    /// A sketch of the given hashes.
    fn from_hashes(hashes: impl IntoIterator<Item = u64>) -> Self {
        let mut sketch = Self {
            registers: Box::new([0; Self::REGISTERS]),
        };
        for hash in hashes {
            sketch.add(hash);
        }
        sketch
    }

    /// Counts a hash.
    fn add(&mut self, hash: u64) {
        let index = (hash >> (64 - Self::BITS)) as usize;
        let rest = (hash << Self::BITS) | (1 << (Self::BITS - 1));
        let rank = rest.leading_zeros() as u8 + 1;
        if self.registers[index] < rank {
            self.registers[index] = rank;
        }
    }

    /// The estimated number of distinct hashes.
    fn estimate(&self) -> u64 {
        let m = self.registers.len() as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let sum: f64 = self
            .registers
            .iter()
            .map(|&r| 2f64.powi(-i32::from(r)))
            .sum();
        let raw = alpha * m * m / sum;
        let zeros = self.registers.iter().filter(|&&r| r == 0).count();
        let estimate = if raw <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            raw
        };
        estimate.round() as u64
    }
}

#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
enum Extreme {
    Int(i64),
    Number(f64),
    Date(chrono::NaiveDate),
    DateTime(chrono::NaiveDateTime),
}

impl Extreme {
    fn to_json(self) -> serde_json::Value {
        match self {
            Self::Int(i) => i.into(),
            Self::Number(f) => {
                serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, Into::into)
            }
            Self::Date(d) => d.to_string().into(),
            Self::DateTime(dt) => dt.format("%Y-%m-%dT%H:%M:%S%.f").to_string().into(),
        }
    }
}

/// A non-text value counted among the top values; written as text when the profile is finished.
/// Hashed as itself, variant included, so values of different kinds hash apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum TopKey {
    Int(i64),
    /// The bits of a finite number.
    Number(u64),
    Bool(bool),
    Date(chrono::NaiveDate),
    DateTime(chrono::NaiveDateTime),
}

impl TopKey {
    /// Writes the value as its top-value text (numbers and dates as `Display` writes them).
    fn write(self, out: &mut String) {
        match self {
            Self::Int(i) => {
                if i < 0 {
                    out.push('-');
                }
                push_digits(out, i.unsigned_abs(), 1);
            }
            Self::Number(bits) => write_number(out, f64::from_bits(bits)),
            Self::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            Self::Date(d) => write_date(out, d),
            Self::DateTime(dt) => {
                let _ = write!(out, "{}", dt.format("%Y-%m-%dT%H:%M:%S%.f"));
            }
        }
    }
}

/// Writes `n` in decimal, zero-padded to `width` digits.
fn push_digits(out: &mut String, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    while n > 0 || digits.len() - at < width {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
}

/// Writes a number as `Display` does. Numbers of at most six decimals below 10⁹ are written
/// directly: their shortest round-trip text is those decimals.
fn write_number(out: &mut String, f: f64) {
    const SCALE: f64 = 1e6;
    let scaled = (f * SCALE).round();
    if f != 0.0 && f.abs() < 1e9 && scaled / SCALE == f {
        if f < 0.0 {
            out.push('-');
        }
        let scaled = scaled.abs() as u64;
        push_digits(out, scaled / 1_000_000, 1);
        let mut frac = scaled % 1_000_000;
        if frac != 0 {
            out.push('.');
            let mut digits = 6;
            while frac.is_multiple_of(10) {
                frac /= 10;
                digits -= 1;
            }
            push_digits(out, frac, digits);
        }
    } else {
        let _ = write!(out, "{f}");
    }
}

/// Writes a date as `Display` does.
fn write_date(out: &mut String, d: chrono::NaiveDate) {
    use chrono::Datelike;
    match u64::try_from(d.year()) {
        Ok(year) if year <= 9999 => {
            push_digits(out, year, 4);
            out.push('-');
            push_digits(out, u64::from(d.month()), 2);
            out.push('-');
            push_digits(out, u64::from(d.day()), 2);
        }
        _ => {
            let _ = write!(out, "{d}");
        }
    }
}

/// A value among the top values: a text (truncated by [`text_key`]) or another value.
#[derive(Debug)]
enum TopEntry {
    Text(String),
    Value(TopKey),
}

impl TopEntry {
    /// The value's text, as the profile shows it.
    fn into_text(self) -> String {
        match self {
            Self::Text(text) => text,
            Self::Value(key) => {
                let mut text = String::new();
                key.write(&mut text);
                text
            }
        }
    }
}

/// A top value with its hash (its identity, and where it goes when the table grows) and its
/// count.
#[derive(Debug)]
struct Counted {
    entry: TopEntry,
    hash: u64,
    count: u64,
}

/// The top values: each value's count, while there is room for new values.
#[derive(Debug)]
struct TopCounts {
    /// The values, by hash: values with equal 64-bit hashes are one value, as among the
    /// distinct values.
    counted: HashTable<Counted>,
    /// How many more values may be added.
    room: usize,
    /// False once a value could not be added for want of room.
    exact: bool,
}

impl TopCounts {
    /// Room for `bound` values.
    fn new(bound: usize) -> Self {
        Self {
            counted: HashTable::new(),
            room: bound,
            exact: true,
        }
    }

    /// Counts the value of `hash` (`entry` makes it when it is new). True when it was not
    /// there: a value not seen before, or seen only while there was no room, so it must be
    /// counted among the distinct values.
    fn count(&mut self, hash: u64, entry: impl FnOnce() -> TopEntry) -> bool {
        if let Some(counted) = self.counted.find_mut(hash, |c| c.hash == hash) {
            counted.count += 1;
            return false;
        }
        if self.room > 0 {
            self.room -= 1;
            let counted = Counted {
                entry: entry(),
                hash,
                count: 1,
            };
            self.counted.insert_unique(hash, counted, |c| c.hash);
        } else {
            self.exact = false;
        }
        true
    }

    /// The most frequent values, most frequent first, then by text.
    fn into_top(self) -> Vec<TopValue> {
        let mut top: Vec<TopValue> = self
            .counted
            .into_iter()
            .map(|c| TopValue {
                value: c.entry.into_text(),
                count: c.count,
            })
            .collect();
        top.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        top.truncate(TOP_VALUES);
        top
    }
}

/// The distinct values: their hashes while at most the bound, then a sketch of them.
#[derive(Debug)]
enum Distinct {
    /// The hash of each distinct value (already well mixed: the table uses it as is).
    Exact(HashTable<u64>),
    /// A sketch of every hash, past the bound.
    Estimated(HyperLogLog),
}

impl Distinct {
    /// Counts a value by its hash (a value already counted adds nothing); past `bound` distinct
    /// values, the counted hashes seed a sketch.
    fn add(&mut self, hash: u64, bound: usize) {
        match self {
            Self::Exact(set) => {
                if let Entry::Vacant(slot) = set.entry(hash, |&h| h == hash, |&h| h) {
                    slot.insert(hash);
                    if set.len() > bound {
                        let sketch = HyperLogLog::from_hashes(set.iter().copied());
                        *self = Self::Estimated(sketch);
                    }
                }
            }
            Self::Estimated(sketch) => sketch.add(hash),
        }
    }

    /// The count and whether it is exact.
    fn count(&self) -> (u64, bool) {
        match self {
            Self::Exact(set) => (set.len() as u64, true),
            Self::Estimated(sketch) => (sketch.estimate(), false),
        }
    }
}

/// Builds the profile of one column from its converted values.
#[derive(Debug)]
pub(crate) struct ColumnProfiler {
    name: String,
    field_type: FieldType,
    nulls: u64,
    distinct: Distinct,
    distinct_bound: usize,
    top: TopCounts,
    min: Option<Extreme>,
    max: Option<Extreme>,
    sum: f64,
    numbers: u64,
}

impl ColumnProfiler {
    /// A profiler; `distinct_bound` and `top_bound` bound its memory.
    pub fn new(name: &str, field_type: FieldType, distinct_bound: usize, top_bound: usize) -> Self {
        Self {
            name: name.to_owned(),
            field_type,
            nulls: 0,
            distinct: Distinct::Exact(HashTable::new()),
            distinct_bound,
            top: TopCounts::new(top_bound),
            min: None,
            max: None,
            sum: 0.0,
            numbers: 0,
        }
    }

    /// Counts one value.
    pub fn add(&mut self, value: &Value<'_>) {
        let (key, extreme) = match *value {
            Value::Null => {
                self.nulls += 1;
                return;
            }
            Value::Text(ref text) => {
                let text = text_key(text);
                let hash = HASHER.hash_one(text);
                if self.top.count(hash, || TopEntry::Text(text.to_owned())) {
                    self.distinct.add(hash, self.distinct_bound);
                }
                return;
            }
            Value::Int(i) => {
                self.sum += i as f64;
                self.numbers += 1;
                (TopKey::Int(i), Some(Extreme::Int(i)))
            }
            Value::Number(f) => {
                self.sum += f;
                self.numbers += 1;
                (TopKey::Number(f.to_bits()), Some(Extreme::Number(f)))
            }
            Value::Bool(b) => (TopKey::Bool(b), None),
            Value::Date(d) => (TopKey::Date(d), Some(Extreme::Date(d))),
            Value::DateTime(dt) => (TopKey::DateTime(dt), Some(Extreme::DateTime(dt))),
        };
        if let Some(extreme) = extreme {
            if self.min.is_none_or(|min| extreme < min) {
                self.min = Some(extreme);
            }
            if self.max.is_none_or(|max| extreme > max) {
                self.max = Some(extreme);
            }
        }
        let hash = HASHER.hash_one(key);
        if self.top.count(hash, || TopEntry::Value(key)) {
            self.distinct.add(hash, self.distinct_bound);
        }
    }

    /// The finished profile.
    pub fn finish(self) -> ColumnProfile {
        let (distinct_count, distinct_exact) = self.distinct.count();
        ColumnProfile {
            name: self.name,
            field_type: self.field_type,
            null_count: self.nulls,
            distinct_count,
            distinct_exact,
            min: self.min.map(Extreme::to_json),
            max: self.max.map(Extreme::to_json),
            mean: (self.numbers > 0).then(|| self.sum / self.numbers as f64),
            top_values_exact: self.top.exact,
            top_values: self.top.into_top(),
        }
    }
}

/// Texts are counted by their first characters only (long texts are rarely repeated).
fn text_key(text: &str) -> &str {
    if text.len() <= TOP_VALUE_CHARS {
        return text;
    }
    match text.char_indices().nth(TOP_VALUE_CHARS) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// Bounds per column that keep a whole table's profilers within a few hundred MiB.
pub(crate) fn bounds_for(columns: usize) -> (usize, usize) {
    let columns = columns.max(1);
    let distinct = (4_000_000 / columns).clamp(256, 100_000);
    let top = (400_000 / columns).clamp(32, 1_000);
    (distinct, top)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_nulls_distinct_extremes_and_top_values() {
        let mut profiler = ColumnProfiler::new("n", FieldType::Integer, 100, 100);
        for value in [3, 1, 3, 2, 3] {
            profiler.add(&Value::Int(value));
        }
        profiler.add(&Value::Null);
        let profile = profiler.finish();
        assert_eq!(profile.null_count, 1);
        assert_eq!(profile.distinct_count, 3);
        assert!(profile.distinct_exact);
        assert_eq!(profile.min, Some(serde_json::json!(1)));
        assert_eq!(profile.max, Some(serde_json::json!(3)));
        assert_eq!(profile.mean, Some(12.0 / 5.0));
        assert_eq!(
            profile.top_values[0],
            TopValue {
                value: "3".into(),
                count: 3
            }
        );
    }

    #[test]
    fn distinct_counts_past_the_bound_are_estimated_closely() {
        let mut profiler = ColumnProfiler::new("t", FieldType::String, 1_000, 50);
        for i in 0..100_000 {
            profiler.add(&Value::Text(format!("value {i}").into()));
        }
        let profile = profiler.finish();
        assert!(!profile.distinct_exact);
        assert!(!profile.top_values_exact);
        let error = (profile.distinct_count as f64 - 100_000.0).abs() / 100_000.0;
        assert!(error < 0.05, "estimate {} too far", profile.distinct_count);
    }

    #[test]
    fn a_value_is_counted_as_distinct_once() {
        let mut profiler = ColumnProfiler::new("n", FieldType::Integer, 100, 2);
        // 1 and 2 fill the top values; 3 and the others are seen while they are full.
        for value in [1, 2, 3, 3, 1, 3, 4, 4] {
            profiler.add(&Value::Int(value));
        }
        // The same digits as another kind are other values.
        profiler.add(&Value::Number(3.0));
        profiler.add(&Value::Number(3.0));
        profiler.add(&Value::Text("3".into()));
        profiler.add(&Value::Text("3".into()));
        let profile = profiler.finish();
        assert_eq!(profile.distinct_count, 6);
        assert!(profile.distinct_exact);
        assert!(!profile.top_values_exact);
        let top: Vec<_> = profile
            .top_values
            .iter()
            .map(|t| (t.value.as_str(), t.count))
            .collect();
        assert_eq!(top, [("1", 2), ("2", 1)]);
    }

    #[test]
    fn integer_distinct_counts_past_the_bound_are_estimated_closely() {
        let mut profiler = ColumnProfiler::new("id", FieldType::Integer, 1_000, 50);
        for _ in 0..2 {
            for i in 0..100_000i64 {
                profiler.add(&Value::Int(1_000_000 + 3 * i));
            }
        }
        let profile = profiler.finish();
        assert!(!profile.distinct_exact);
        assert!(!profile.top_values_exact);
        let error = (profile.distinct_count as f64 - 100_000.0).abs() / 100_000.0;
        assert!(error < 0.05, "estimate {} too far", profile.distinct_count);
    }

    #[test]
    fn values_are_written_as_display_writes_them() {
        let text = |key: TopKey| {
            let mut out = String::new();
            key.write(&mut out);
            out
        };
        for i in [0, 7, -7, 10, 1_000_000, i64::MAX, i64::MIN] {
            assert_eq!(text(TopKey::Int(i)), i.to_string());
        }
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut numbers = vec![
            0.0,
            -0.0,
            1.0,
            -1.5,
            0.1,
            0.000_001,
            5e-7,
            1e9,
            999_999_999.5,
        ];
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            numbers.push((seed % 100_000_000) as f64 / 100.0);
            numbers.push(-((seed % 1_000_000_007) as f64) / 1e6);
            numbers.push(f64::from_bits(seed >> 2));
            numbers.push((seed % 1000) as f64 / 3.0);
        }
        for f in numbers {
            assert_eq!(text(TopKey::Number(f.to_bits())), f.to_string());
        }
        for (y, m, d) in [
            (2024, 3, 5),
            (0, 1, 1),
            (9999, 12, 31),
            (-1, 1, 1),
            (10_000, 1, 1),
        ] {
            let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(text(TopKey::Date(date)), date.to_string());
        }
    }

    #[test]
    fn bounds_shrink_with_many_columns() {
        assert_eq!(bounds_for(1), (100_000, 1_000));
        assert_eq!(bounds_for(5_000), (800, 80));
    }
}
