//! The tables of a tabular distribution as the catalog keeps them: where their ingest stands,
//! and, once done, each table's Frictionless Table Schema, profile and row count. Schemas,
//! profiles, warnings and errors are the ingest's own JSON documents (stable codes with where).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where the ingest of a distribution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IngestStatus {
    /// Waiting for the worker.
    Queued,
    /// Being read; `rows_done` grows.
    Running,
    /// Tables are ready to query.
    Done,
    /// The file could not be read as tables; `error` says what and where.
    Failed,
}

impl IngestStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => return None,
        })
    }
}

/// One table read from a distribution's file (a sheet of a workbook, or the whole file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IngestedTable {
    /// Its name in queries: the distribution id, then `/<sheet>` for later sheets.
    pub table: String,
    /// The sheet name, or `data` for single-table files.
    pub name: String,
    /// Text of the title rows found above the header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Text of the footnote rows found below the data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Rows stored.
    pub row_count: i64,
    /// The Frictionless Table Schema (`fields[]` with `name`, `type`, `format`, …).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub schema: serde_json::Value,
    /// Per column: nulls, distinct values, min, max, mean, top values.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub profile: serde_json::Value,
    /// What was noticed while reading it (codes with row, line and column).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub warnings: serde_json::Value,
}

/// The ingest of one distribution: its status and progress, and its tables once done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TableIngest {
    /// The distribution.
    pub distribution_id: Uuid,
    /// Where it stands.
    pub status: IngestStatus,
    /// SHA-256 of the bytes the tables were read from.
    pub source_sha256: Option<String>,
    /// The format found in the content (`csv`, `xlsx`, `geojson`, …).
    pub format: Option<String>,
    /// The text encoding found (text formats).
    pub encoding: Option<String>,
    /// The delimiter found (delimited text).
    pub delimiter: Option<String>,
    /// Size of the source in bytes.
    pub source_bytes: Option<i64>,
    /// Rows read so far (while running) or in all (when done).
    pub rows_done: i64,
    /// Bytes of the source read so far.
    pub bytes_done: i64,
    /// Why it failed: `{"code", "location", "params"}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub error: Option<serde_json::Value>,
    /// What was noticed about the file as a whole.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub warnings: serde_json::Value,
    /// The tables of the last successful ingest (kept while a new one runs).
    pub tables: Vec<IngestedTable>,
    /// When the ingest was asked for.
    pub queued_at: DateTime<Utc>,
    /// When the worker started it.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
}

impl TableIngest {
    /// The table named `sheet`, or the first table when `sheet` is `None`.
    pub fn table(&self, sheet: Option<&str>) -> Option<&IngestedTable> {
        match sheet {
            None => self.tables.first(),
            Some(sheet) => self.tables.iter().find(|t| t.name == sheet),
        }
    }
}

/// The formats (upper case, as in the catalog) whose files are read as tables.
pub const TABULAR_FORMATS: &[&str] = &[
    "CSV", "TSV", "TXT", "XLSX", "XLS", "XLSB", "XLSM", "ODS", "JSON", "GEOJSON",
];

/// True when a distribution of `format` is read as tables.
pub fn is_tabular_format(format: Option<&str>) -> bool {
    format.is_some_and(|f| {
        TABULAR_FORMATS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(f))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for status in [
            IngestStatus::Queued,
            IngestStatus::Running,
            IngestStatus::Done,
            IngestStatus::Failed,
        ] {
            assert_eq!(IngestStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(IngestStatus::parse("other"), None);
    }

    #[test]
    fn tabular_formats_ignore_case() {
        assert!(is_tabular_format(Some("csv")));
        assert!(is_tabular_format(Some("GeoJSON")));
        assert!(!is_tabular_format(Some("PDF")));
        assert!(!is_tabular_format(None));
    }
}
