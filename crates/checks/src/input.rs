//! What the checks look at: the dataset as the catalog keeps it, plus facts the caller gathered
//! about each distribution (the sniffed content, the link-check history, the table ingest) and
//! the current time. Plain data; the caller fills it from the store, the checks never do I/O.

use chrono::{DateTime, Utc};
use dulieu_core::catalog::{Dataset, Distribution};
use dulieu_core::tables::{IngestStatus, TableIngest};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::sniff::Sniffed;

/// Everything the checks need about one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetFacts {
    /// The dataset with its distributions.
    pub dataset: Dataset,
    /// Facts about its distributions (by id; distributions without an entry have no facts).
    pub distributions: Vec<DistributionFacts>,
    /// When the data last changed, when the caller knows better than the dataset's dates (the
    /// newest upload of any distribution).
    pub data_updated_at: Option<DateTime<Utc>>,
    /// The time the checks run at.
    pub now: DateTime<Utc>,
}

impl DatasetFacts {
    /// Facts for `dataset` with nothing known about its distributions.
    pub fn new(dataset: Dataset, now: DateTime<Utc>) -> Self {
        Self {
            dataset,
            distributions: Vec::new(),
            data_updated_at: None,
            now,
        }
    }

    /// The facts about the distribution `id`, when there are any.
    pub fn distribution(&self, id: Uuid) -> Option<&DistributionFacts> {
        self.distributions.iter().find(|d| d.distribution_id == id)
    }

    /// Each distribution of the dataset with its facts, in the dataset's order.
    pub fn each_distribution(
        &self,
    ) -> impl Iterator<Item = (&Distribution, Option<&DistributionFacts>)> {
        self.dataset
            .distributions
            .iter()
            .map(|d| (d, self.distribution(d.id)))
    }
}

/// Facts about one distribution, each optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DistributionFacts {
    /// The distribution.
    pub distribution_id: Uuid,
    /// What its file's first bytes are ([`crate::sniff()`]).
    pub sniffed: Option<Sniffed>,
    /// Link checks of its remote URL, in any order (the history kept).
    pub link_checks: Vec<LinkCheck>,
    /// The outcome of reading it as tables.
    pub table: Option<TableFacts>,
    /// Where its scheduled pull stands, when it has a source.
    #[serde(default)]
    pub pull: Option<PullFacts>,
}

/// Where a distribution's scheduled pull from an agency system stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullFacts {
    /// The source: its web address, or its database connection with the password masked.
    pub source: String,
    /// Failed runs in a row (0 after a success).
    pub consecutive_failures: u32,
    /// When the first of them happened.
    pub failing_since: Option<DateTime<Utc>>,
    /// The stable code of the latest failure.
    pub last_error_code: Option<String>,
    /// The latest failure, what and where.
    pub last_error: Option<String>,
}

impl DistributionFacts {
    /// Facts with nothing known yet.
    pub fn new(distribution_id: Uuid) -> Self {
        Self {
            distribution_id,
            ..Self::default()
        }
    }
}

/// One check of a remote URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkCheck {
    /// When it was checked.
    pub checked_at: DateTime<Utc>,
    /// The final HTTP status, when the server answered.
    pub status: Option<u16>,
    /// The fetch error code when it did not (`dns_failed`, `timeout`, `blocked_address` …).
    pub error_code: Option<String>,
}

impl LinkCheck {
    /// True when the server answered with a 2xx or 3xx status and nothing failed.
    pub fn is_ok(&self) -> bool {
        self.error_code.is_none() && self.status.is_some_and(|s| (200..400).contains(&s))
    }
}

/// The outcome of reading a distribution as tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableFacts {
    /// Where the ingest stands (`queued` and `running` are not judged yet).
    pub status: IngestStatus,
    /// The error code of a failed ingest (`corrupt_spreadsheet`, `no_table` …).
    pub error_code: Option<String>,
    /// The tables read.
    pub tables: Vec<TableSample>,
}

/// One table: its size, the values that did not fit its schema, and a sample per column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TableSample {
    /// Sheet name, or `data`.
    pub name: String,
    /// Rows stored.
    pub row_count: i64,
    /// Values that did not fit the schema (stored as missing).
    pub schema_violations: u64,
    /// The columns, in order.
    pub columns: Vec<ColumnSample>,
}

/// One column and some of its values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnSample {
    /// The column name (its header).
    pub name: String,
    /// The Table Schema type (`string`, `integer`, `date` …), when known.
    pub field_type: Option<String>,
    /// Distinct non-missing values in the whole column, when known.
    pub distinct_count: Option<u64>,
    /// Some of its values as text (a row sample, or the profile's top values).
    pub values: Vec<String>,
}

/// The warning code of a value that did not fit the table's schema.
const SCHEMA_VIOLATION_WARNING: &str = "value_does_not_fit";

impl TableFacts {
    /// The facts the catalog keeps about an ingest: status, error code, and per table its rows,
    /// schema violations and columns with their profile's top values as the sample. A caller
    /// that can read rows may replace the samples with a row sample.
    pub fn from_ingest(ingest: &TableIngest) -> Self {
        let error_code = ingest
            .error
            .as_ref()
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let tables = ingest
            .tables
            .iter()
            .map(|table| TableSample {
                name: table.name.clone(),
                row_count: table.row_count,
                schema_violations: table.warnings["totals"][SCHEMA_VIOLATION_WARNING]
                    .as_u64()
                    .unwrap_or(0),
                columns: columns_of(&table.schema, &table.profile),
            })
            .collect();
        Self {
            status: ingest.status,
            error_code,
            tables,
        }
    }
}

/// The columns named by a Table Schema, with type, distinct count and top values from the
/// profile (`profile.columns[]` in the same order, matched by name).
fn columns_of(schema: &Value, profile: &Value) -> Vec<ColumnSample> {
    let profiles = profile["columns"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let fields = schema["fields"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let names: Vec<&str> = if fields.is_empty() {
        profiles.iter().filter_map(|c| c["name"].as_str()).collect()
    } else {
        fields.iter().filter_map(|f| f["name"].as_str()).collect()
    };
    names
        .into_iter()
        .map(|name| {
            let column = profiles.iter().find(|c| c["name"].as_str() == Some(name));
            let field = fields.iter().find(|f| f["name"].as_str() == Some(name));
            let field_type = field
                .and_then(|f| f["type"].as_str())
                .or_else(|| column.and_then(|c| c["type"].as_str()))
                .map(str::to_string);
            let values = column
                .and_then(|c| c["top_values"].as_array())
                .map(|top| {
                    top.iter()
                        .filter_map(|v| v["value"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            ColumnSample {
                name: name.to_string(),
                field_type,
                distinct_count: column.and_then(|c| c["distinct_count"].as_u64()),
                values,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use dulieu_core::tables::IngestedTable;
    use serde_json::json;

    #[test]
    fn link_checks_pass_on_2xx_and_3xx_only() {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let check = |status: Option<u16>, error: Option<&str>| LinkCheck {
            checked_at: at,
            status,
            error_code: error.map(str::to_string),
        };
        assert!(check(Some(200), None).is_ok());
        assert!(check(Some(302), None).is_ok());
        assert!(!check(Some(404), None).is_ok());
        assert!(!check(Some(500), None).is_ok());
        assert!(!check(None, Some("timeout")).is_ok());
        assert!(!check(Some(200), Some("too_large")).is_ok());
    }

    #[test]
    fn table_facts_from_a_stored_ingest() {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let ingest = TableIngest {
            distribution_id: Uuid::nil(),
            status: IngestStatus::Done,
            source_sha256: None,
            format: Some("csv".into()),
            encoding: None,
            delimiter: None,
            source_bytes: None,
            rows_done: 2,
            bytes_done: 0,
            error: None,
            warnings: json!({}),
            tables: vec![IngestedTable {
                table: "t".into(),
                name: "data".into(),
                title: None,
                notes: vec![],
                row_count: 2,
                schema: json!({"fields": [{"name": "Họ tên", "type": "string"}, {"name": "SĐT", "type": "string"}]}),
                profile: json!({"row_count": 2, "columns": [
                    {"name": "Họ tên", "type": "string", "distinct_count": 2,
                     "top_values": [{"value": "Nguyễn Văn An", "count": 1}]},
                    {"name": "SĐT", "type": "string", "distinct_count": 2,
                     "top_values": [{"value": "0912345678", "count": 1}, {"value": "0987654321", "count": 1}]}
                ]}),
                warnings: json!({"items": [], "totals": {"value_does_not_fit": 3}}),
            }],
            queued_at: at,
            started_at: None,
            finished_at: None,
        };
        let facts = TableFacts::from_ingest(&ingest);
        assert_eq!(facts.status, IngestStatus::Done);
        let table = &facts.tables[0];
        assert_eq!(table.row_count, 2);
        assert_eq!(table.schema_violations, 3);
        assert_eq!(table.columns[1].name, "SĐT");
        assert_eq!(table.columns[1].values, vec!["0912345678", "0987654321"]);
        assert_eq!(table.columns[1].distinct_count, Some(2));

        let failed = TableIngest {
            status: IngestStatus::Failed,
            error: Some(json!({"code": "corrupt_spreadsheet", "location": {}})),
            tables: vec![],
            ..ingest
        };
        let facts = TableFacts::from_ingest(&failed);
        assert_eq!(facts.error_code.as_deref(), Some("corrupt_spreadsheet"));
        assert!(facts.tables.is_empty());
    }
}
