//! Column profiles: null count, distinct count, min, max, mean and top values, in bounded memory.
//!
//! Distinct values are counted exactly (by 64-bit hash) up to a bound per column, then estimated
//! with a HyperLogLog sketch (4096 registers, about 1.6% standard error); `distinct_exact` says
//! which. Top values are counted exactly while a column has at most a bounded number of distinct
//! values; past it, values not seen before are no longer counted and `top_values_exact` is false.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::hash::BuildHasher;

use serde::{Deserialize, Serialize};

use crate::convert::Value;
use crate::schema::FieldType;

/// How many top values a profile lists.
const TOP_VALUES: usize = 10;
/// Longest text kept as a top value (in characters).
const TOP_VALUE_CHARS: usize = 200;

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
    registers: Vec<u8>,
}

impl HyperLogLog {
    const BITS: u32 = 12;

    fn new() -> Self {
        Self {
            registers: vec![0; 1 << Self::BITS],
        }
    }

    fn add(&mut self, hash: u64) {
        let index = (hash >> (64 - Self::BITS)) as usize;
        let rest = (hash << Self::BITS) | (1 << (Self::BITS - 1));
        let rank = rest.leading_zeros() as u8 + 1;
        if self.registers[index] < rank {
            self.registers[index] = rank;
        }
    }

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

/// Builds the profile of one column from its converted values.
#[derive(Debug)]
pub(crate) struct ColumnProfiler {
    name: String,
    field_type: FieldType,
    nulls: u64,
    hasher: foldhash::quality::FixedState,
    exact: Option<HashSet<u64>>,
    sketch: Option<HyperLogLog>,
    distinct_bound: usize,
    top: HashMap<String, u64>,
    top_bound: usize,
    top_exact: bool,
    min: Option<Extreme>,
    max: Option<Extreme>,
    sum: f64,
    numbers: u64,
    scratch: String,
}

impl ColumnProfiler {
    /// A profiler; `distinct_bound` and `top_bound` bound its memory.
    pub fn new(name: &str, field_type: FieldType, distinct_bound: usize, top_bound: usize) -> Self {
        Self {
            name: name.to_owned(),
            field_type,
            nulls: 0,
            hasher: foldhash::quality::FixedState::with_seed(0x64756c6965750001),
            exact: Some(HashSet::new()),
            sketch: None,
            distinct_bound,
            top: HashMap::new(),
            top_bound,
            top_exact: true,
            min: None,
            max: None,
            sum: 0.0,
            numbers: 0,
            scratch: String::new(),
        }
    }

    /// Counts one value.
    pub fn add(&mut self, value: &Value<'_>) {
        self.scratch.clear();
        let extreme = match value {
            Value::Null => {
                self.nulls += 1;
                return;
            }
            Value::Text(text) => {
                self.count(text_key(text));
                return;
            }
            Value::Int(i) => {
                self.sum += *i as f64;
                self.numbers += 1;
                let _ = write!(self.scratch, "{i}");
                Extreme::Int(*i)
            }
            Value::Number(f) => {
                self.sum += *f;
                self.numbers += 1;
                let _ = write!(self.scratch, "{f}");
                Extreme::Number(*f)
            }
            Value::Bool(b) => {
                self.scratch.push_str(if *b { "true" } else { "false" });
                let key = std::mem::take(&mut self.scratch);
                self.count(&key);
                self.scratch = key;
                return;
            }
            Value::Date(d) => {
                let _ = write!(self.scratch, "{d}");
                Extreme::Date(*d)
            }
            Value::DateTime(dt) => {
                let _ = write!(self.scratch, "{}", dt.format("%Y-%m-%dT%H:%M:%S%.f"));
                Extreme::DateTime(*dt)
            }
        };
        if self.min.is_none_or(|min| extreme < min) {
            self.min = Some(extreme);
        }
        if self.max.is_none_or(|max| extreme > max) {
            self.max = Some(extreme);
        }
        let key = std::mem::take(&mut self.scratch);
        self.count(&key);
        self.scratch = key;
    }

    fn count(&mut self, key: &str) {
        let hash = self.hasher.hash_one(key);
        match &mut self.exact {
            Some(set) => {
                set.insert(hash);
                if set.len() > self.distinct_bound {
                    let mut sketch = HyperLogLog::new();
                    set.iter().for_each(|&h| sketch.add(h));
                    self.sketch = Some(sketch);
                    self.exact = None;
                }
            }
            None => {
                if let Some(sketch) = &mut self.sketch {
                    sketch.add(hash);
                }
            }
        }
        if let Some(count) = self.top.get_mut(key) {
            *count += 1;
        } else if self.top.len() < self.top_bound {
            self.top.insert(key.to_owned(), 1);
        } else {
            self.top_exact = false;
        }
    }

    /// The finished profile.
    pub fn finish(self) -> ColumnProfile {
        let (distinct_count, distinct_exact) = match (&self.exact, &self.sketch) {
            (Some(set), _) => (set.len() as u64, true),
            (None, Some(sketch)) => (sketch.estimate(), false),
            (None, None) => (0, true),
        };
        let mut top: Vec<TopValue> = self
            .top
            .into_iter()
            .map(|(value, count)| TopValue { value, count })
            .collect();
        top.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        top.truncate(TOP_VALUES);
        ColumnProfile {
            name: self.name,
            field_type: self.field_type,
            null_count: self.nulls,
            distinct_count,
            distinct_exact,
            min: self.min.map(Extreme::to_json),
            max: self.max.map(Extreme::to_json),
            mean: (self.numbers > 0).then(|| self.sum / self.numbers as f64),
            top_values: top,
            top_values_exact: self.top_exact,
        }
    }
}

/// Texts are counted by their first characters only (long texts are rarely repeated).
fn text_key(text: &str) -> &str {
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
    fn bounds_shrink_with_many_columns() {
        assert_eq!(bounds_for(1), (100_000, 1_000));
        assert_eq!(bounds_for(5_000), (800, 80));
    }
}
