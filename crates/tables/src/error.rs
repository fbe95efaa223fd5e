//! Errors and warnings as stable codes with parameters (what and where), never English sentences:
//! the layers above translate them with the i18n catalog.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Where in the source a problem is. Every part is optional; the more is known, the more is set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Sheet name (spreadsheets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// 1-based physical line in a text file where the record starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based row: the sheet row (as the spreadsheet shows it), or the element of a JSON array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    /// The column: its name in the table when known, else its 1-based number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Byte offset in the file (for problems found before records exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

impl Location {
    /// A location at a line of a text file.
    pub fn line(line: u64) -> Self {
        Self {
            line: Some(line),
            ..Self::default()
        }
    }

    /// A location in a sheet.
    pub fn sheet(sheet: &str) -> Self {
        Self {
            sheet: Some(sheet.to_owned()),
            ..Self::default()
        }
    }

    /// A location at a byte offset.
    pub fn offset(offset: u64) -> Self {
        Self {
            offset: Some(offset),
            ..Self::default()
        }
    }

    /// This location narrowed to a column.
    pub fn with_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(sheet) = &self.sheet {
            parts.push(format!("sheet {sheet:?}"));
        }
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        }
        if let Some(row) = self.row {
            parts.push(format!("row {row}"));
        }
        if let Some(column) = &self.column {
            parts.push(format!("column {column:?}"));
        }
        if let Some(offset) = self.offset {
            parts.push(format!("byte {offset}"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// Why an ingest stopped. Each code is stable (it is stored and translated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The file has no bytes (or only a byte-order mark and blanks).
    EmptyFile,
    /// The bytes are not text nor a known tabular format (e.g. an image or an executable).
    BinaryFile,
    /// A known format that is not tabular or not supported (`format` param: pdf, html, zip, ...).
    UnsupportedFormat,
    /// JSON that is neither an array of objects nor a GeoJSON FeatureCollection.
    UnsupportedJsonShape,
    /// The JSON is malformed (`detail` param) at a line and column.
    MalformedJson,
    /// A spreadsheet that cannot be read (`detail` param): corrupt or truncated.
    CorruptSpreadsheet,
    /// A zip archive (XLSX/ODS) that cannot be read: corrupt or truncated.
    CorruptArchive,
    /// An archive whose declared unpacked size or compression ratio is beyond the limits.
    ZipBomb,
    /// A sheet whose cell grid is beyond the limit (`rows`, `columns`, `max_cells`).
    SheetTooLarge,
    /// The workbook has more sheets than the limit.
    TooManySheets,
    /// A record (line) longer than the limit (`max_bytes`): e.g. a 1 GB single-line file.
    RecordTooLarge,
    /// More columns than the limit (`columns`, `max`).
    TooManyColumns,
    /// A quoted field that never closes before the end of the file.
    UnterminatedQuote,
    /// No table with data was found (all sheets empty, an empty array, a header without rows is fine).
    NoTable,
    /// An edited schema does not match the table (`table`, `expected`, `found`).
    SchemaMismatch,
    /// An edited schema names a table the file does not have (`table`).
    UnknownTable,
    /// Reading the source or writing the output failed (`detail`).
    Io,
    /// Writing Parquet failed (`detail`).
    Parquet,
}

impl ErrorCode {
    /// The stable code text, e.g. `zip_bomb`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmptyFile => "empty_file",
            Self::BinaryFile => "binary_file",
            Self::UnsupportedFormat => "unsupported_format",
            Self::UnsupportedJsonShape => "unsupported_json_shape",
            Self::MalformedJson => "malformed_json",
            Self::CorruptSpreadsheet => "corrupt_spreadsheet",
            Self::CorruptArchive => "corrupt_archive",
            Self::ZipBomb => "zip_bomb",
            Self::SheetTooLarge => "sheet_too_large",
            Self::TooManySheets => "too_many_sheets",
            Self::RecordTooLarge => "record_too_large",
            Self::TooManyColumns => "too_many_columns",
            Self::UnterminatedQuote => "unterminated_quote",
            Self::NoTable => "no_table",
            Self::SchemaMismatch => "schema_mismatch",
            Self::UnknownTable => "unknown_table",
            Self::Io => "io",
            Self::Parquet => "parquet",
        }
    }
}

/// A failed ingest: a stable code, where, and named parameters. Nothing was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub struct IngestError {
    /// What went wrong.
    pub code: ErrorCode,
    /// Where it went wrong (boxed: errors travel in every `Result` and stay small).
    #[serde(default)]
    pub location: Box<Location>,
    /// Named values, e.g. `max_bytes` → `8388608`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

impl IngestError {
    /// An error with no location or parameters.
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            location: Box::default(),
            params: BTreeMap::new(),
        }
    }

    /// This error at a location.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Box::new(location);
        self
    }

    /// This error with one more named parameter.
    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.params.insert(key.to_owned(), value.to_string());
        self
    }

    /// An I/O failure.
    pub fn io(err: &std::io::Error) -> Self {
        Self::new(ErrorCode::Io).with("detail", err)
    }
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_str())?;
        let location = self.location.to_string();
        if !location.is_empty() {
            write!(f, " at {location}")?;
        }
        for (key, value) in &self.params {
            write!(f, "; {key}={value}")?;
        }
        Ok(())
    }
}

impl From<std::io::Error> for IngestError {
    fn from(err: std::io::Error) -> Self {
        Self::io(&err)
    }
}

/// Result of the tables crate.
pub type Result<T, E = IngestError> = std::result::Result<T, E>;

/// Something the ingest noticed and worked around; the data was still written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// A record with fewer fields than the header; padded with nulls (`expected`, `found`).
    RowTooShort,
    /// A record with more fields than the header; extra columns were added (`expected`, `found`).
    RowTooLong,
    /// Title rows above the header were skipped (`rows`, `text`).
    TitleRowsSkipped,
    /// Rows below the table were kept as notes, not data (`rows`).
    FootnotesDetected,
    /// A row numbering the columns (1, 2, 3, …) under the header was skipped (`row`).
    NumberingRowSkipped,
    /// The header had no name for a column; a name was made up (`name`).
    HeaderMissing,
    /// Two columns had the same header; a suffix was added (`name`).
    HeaderDuplicate,
    /// No header row was found; columns are named `column_1`, `column_2`, ….
    NoHeader,
    /// A value that does not fit the column's type was stored as null (`type`, `value`).
    ValueDoesNotFit,
    /// Values without digits in a numeric or date column were taken as missing (`values`, `count`).
    ValuesTreatedAsMissing,
    /// Bytes that are not valid in the detected encoding were replaced (`encoding`).
    InvalidEncoding,
    /// A sheet without any data was skipped.
    EmptySheet,
    /// A column with a header but no values in any row.
    EmptyColumn,
    /// The encoding was a guess between close candidates (`encoding`, `alternative`).
    EncodingGuessed,
}

impl WarningCode {
    /// The stable code text, e.g. `row_too_short`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RowTooShort => "row_too_short",
            Self::RowTooLong => "row_too_long",
            Self::TitleRowsSkipped => "title_rows_skipped",
            Self::FootnotesDetected => "footnotes_detected",
            Self::NumberingRowSkipped => "numbering_row_skipped",
            Self::HeaderMissing => "header_missing",
            Self::HeaderDuplicate => "header_duplicate",
            Self::NoHeader => "no_header",
            Self::ValueDoesNotFit => "value_does_not_fit",
            Self::ValuesTreatedAsMissing => "values_treated_as_missing",
            Self::InvalidEncoding => "invalid_encoding",
            Self::EmptySheet => "empty_sheet",
            Self::EmptyColumn => "empty_column",
            Self::EncodingGuessed => "encoding_guessed",
        }
    }
}

/// One warning: a code, where, and named parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// What was noticed.
    pub code: WarningCode,
    /// Where.
    #[serde(default)]
    pub location: Location,
    /// Named values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

impl Warning {
    /// A warning at a location.
    pub fn new(code: WarningCode, location: Location) -> Self {
        Self {
            code,
            location,
            params: BTreeMap::new(),
        }
    }

    /// This warning with one more named parameter.
    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.params.insert(key.to_owned(), value.to_string());
        self
    }
}

/// Warnings with a bounded memory: the first [`Warnings::KEEP_PER_CODE`] of each code are kept
/// in full, and every code is counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warnings {
    /// The warnings kept, in the order they were found.
    pub items: Vec<Warning>,
    /// How many of each code were found in all (kept or not).
    pub totals: BTreeMap<WarningCode, u64>,
}

impl Warnings {
    /// How many warnings of one code are kept in full.
    pub const KEEP_PER_CODE: u64 = 100;

    /// Records a warning (kept when fewer than the bound of its code were kept).
    pub fn push(&mut self, warning: Warning) {
        let total = self.totals.entry(warning.code).or_insert(0);
        *total += 1;
        if *total <= Self::KEEP_PER_CODE {
            self.items.push(warning);
        }
    }

    /// How many warnings of `code` were found.
    pub fn count(&self, code: WarningCode) -> u64 {
        self.totals.get(&code).copied().unwrap_or(0)
    }

    /// True when nothing was noticed.
    pub fn is_empty(&self) -> bool {
        self.totals.is_empty()
    }

    /// Adds `other`'s warnings after these, keeping the same bound per code.
    pub fn append(&mut self, other: Warnings) {
        let mut kept: BTreeMap<WarningCode, u64> = self
            .totals
            .iter()
            .map(|(&code, &total)| (code, total.min(Self::KEEP_PER_CODE)))
            .collect();
        for warning in other.items {
            let count = kept.entry(warning.code).or_insert(0);
            if *count < Self::KEEP_PER_CODE {
                *count += 1;
                self.items.push(warning);
            }
        }
        for (code, total) in other.totals {
            *self.totals.entry(code).or_insert(0) += total;
        }
    }

    /// The kept warnings of one code.
    pub fn of(&self, code: WarningCode) -> impl Iterator<Item = &Warning> {
        self.items.iter().filter(move |w| w.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_keep_a_bounded_number_per_code_and_count_all() {
        let mut warnings = Warnings::default();
        for line in 0..250 {
            warnings.push(Warning::new(WarningCode::RowTooShort, Location::line(line)));
        }
        warnings.push(Warning::new(WarningCode::EmptySheet, Location::sheet("A")));
        assert_eq!(warnings.count(WarningCode::RowTooShort), 250);
        assert_eq!(
            warnings.of(WarningCode::RowTooShort).count() as u64,
            Warnings::KEEP_PER_CODE
        );
        assert_eq!(warnings.count(WarningCode::EmptySheet), 1);

        let mut later = Warnings::default();
        for line in 0..3 {
            later.push(Warning::new(WarningCode::RowTooShort, Location::line(line)));
            later.push(Warning::new(WarningCode::RowTooLong, Location::line(line)));
        }
        warnings.append(later);
        assert_eq!(warnings.count(WarningCode::RowTooShort), 253);
        assert_eq!(
            warnings.of(WarningCode::RowTooShort).count() as u64,
            Warnings::KEEP_PER_CODE
        );
        assert_eq!(warnings.count(WarningCode::RowTooLong), 3);
        assert_eq!(warnings.of(WarningCode::RowTooLong).count(), 3);
        assert_eq!(warnings.items.last().unwrap().code, WarningCode::RowTooLong);
    }

    #[test]
    fn codes_serialize_as_their_stable_text() {
        let json = serde_json::to_value(ErrorCode::ZipBomb).unwrap();
        assert_eq!(json, serde_json::json!(ErrorCode::ZipBomb.as_str()));
        let json = serde_json::to_value(WarningCode::RowTooShort).unwrap();
        assert_eq!(json, serde_json::json!(WarningCode::RowTooShort.as_str()));
        let err = IngestError::new(ErrorCode::RecordTooLarge)
            .at(Location::line(3))
            .with("max_bytes", 10);
        assert_eq!(err.to_string(), "record_too_large at line 3; max_bytes=10");
    }
}
