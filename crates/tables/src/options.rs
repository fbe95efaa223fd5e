//! What an ingest may do: limits that keep memory bounded, and hints.

use serde::{Deserialize, Serialize};

/// The bounds an ingest stays within. Exceeding one ends the ingest with a clear error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Longest record (one row of a text file, one element of a JSON array), in bytes.
    pub max_record_bytes: usize,
    /// Most columns in a table.
    pub max_columns: usize,
    /// Most sheets in a workbook.
    pub max_sheets: usize,
    /// Most cells (rows × columns of the used area) in one sheet; spreadsheets are read whole.
    pub max_sheet_cells: u64,
    /// Most bytes an archive (XLSX, ODS) may declare once unpacked, all entries together.
    pub max_unpacked_bytes: u64,
    /// Highest unpacked/packed ratio of one archive entry larger than 1 MiB.
    pub max_compression_ratio: u64,
    /// Rows per Arrow record batch written to Parquet.
    pub batch_rows: usize,
    /// Text bytes per record batch before it is written early (keeps batches of long texts small).
    pub batch_bytes: usize,
    /// Rows whose types are counted before writing starts under the types they show. A later
    /// value that changes a column's type (or a row that adds a column) makes a second read.
    pub sample_rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_record_bytes: 8 << 20,
            max_columns: 2_000,
            max_sheets: 200,
            max_sheet_cells: 20_000_000,
            max_unpacked_bytes: 1 << 30,
            max_compression_ratio: 200,
            batch_rows: 65_536,
            batch_bytes: 64 << 20,
            sample_rows: 10_000,
        }
    }
}

/// How to read numbers written as text when a column alone cannot tell (`1.234` is 1234 in
/// Vietnamese and 1.234 in English).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberLocale {
    /// Decide from the file: a semicolon-separated file uses a decimal comma, others a point.
    #[default]
    Auto,
    /// Decimal comma, point between thousands (`1.234.567,89`).
    Vietnamese,
    /// Decimal point, comma between thousands (`1,234,567.89`).
    English,
}

/// Options of one ingest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngestOptions {
    /// Bounds on memory and size.
    pub limits: Limits,
    /// How ambiguous numbers written as text are read.
    pub number_locale: NumberLocale,
}
