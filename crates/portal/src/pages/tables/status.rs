//! Where the ingest of a distribution stands, in words: its status with progress or size, the
//! error that stopped it and the warnings it noticed, each translated from its stable code
//! (`ingest.error.<code>`, `ingest.warning.<code>`) with its parameters and where in the file
//! (sheet, line, row, column, byte, address).

use std::collections::BTreeMap;

use dulieu_core::tables::{IngestStatus, IngestedTable, TableIngest};
pub(crate) use dulieu_i18n::problems::type_label;
use dulieu_i18n::problems::{place, problem_text};
use dulieu_i18n::{Locale, has_message, message};
use serde::Serialize;
use serde_json::Value;

use crate::format;

/// Warnings listed one by one on the table page; the rest are only counted.
pub(crate) const WARNINGS_SHOWN: usize = 20;

/// An error or a warning as a page shows it.
#[derive(Debug, Serialize)]
pub(crate) struct Problem {
    /// The stable code.
    pub(crate) code: String,
    /// What happened, in the page's language.
    pub(crate) text: String,
    /// Where in the file, in words (none when the file as a whole is concerned).
    pub(crate) place: Option<String>,
}

/// The status of a distribution's tables, as the dataset page and the table page show it.
#[derive(Debug, Serialize)]
pub(crate) struct IngestSummary {
    /// `queued`, `running`, `done` or `failed`.
    pub(crate) status: &'static str,
    /// The status in words.
    pub(crate) label: String,
    /// Progress while reading, rows × columns when ready.
    pub(crate) detail: Option<String>,
    /// Why it failed.
    pub(crate) problem: Option<Problem>,
    /// True when rows can be read (a done ingest, or the previous tables while a new one runs).
    pub(crate) ready: bool,
}

impl IngestSummary {
    /// The summary of `ingest` in `locale`.
    pub(crate) fn new(ingest: &TableIngest, locale: Locale) -> Self {
        let status = ingest.status.as_str();
        let detail = match ingest.status {
            IngestStatus::Queued => Some(message(locale, "portal.tables.queued_text", &[])),
            IngestStatus::Running => Some(progress(ingest, locale)),
            IngestStatus::Done => ingest.tables.first().map(|t| {
                let size = dimensions(t, locale);
                if ingest.tables.len() > 1 {
                    let count = ingest.tables.len().to_string();
                    let tables =
                        message(locale, "portal.tables.tables_count", &[("count", &count)]);
                    format!("{size} · {tables}")
                } else {
                    size
                }
            }),
            IngestStatus::Failed => None,
        };
        Self {
            status,
            label: message(locale, &format!("ingest.status.{status}"), &[]),
            detail,
            problem: ingest.error.as_ref().map(|e| error_problem(e, locale)),
            ready: is_ready(ingest),
        }
    }
}

/// True when the rows of `ingest` can be read: it is done, or a new ingest runs while the
/// tables of the last one are kept.
pub(crate) fn is_ready(ingest: &TableIngest) -> bool {
    !ingest.tables.is_empty() && ingest.source_sha256.is_some()
}

/// "N rows × M columns" of a table.
pub(crate) fn dimensions(table: &IngestedTable, locale: Locale) -> String {
    let rows = format::count(u64::try_from(table.row_count).unwrap_or(0), locale);
    let columns = format::count(field_count(&table.schema) as u64, locale);
    message(
        locale,
        "portal.tables.ready_text",
        &[("rows", &rows), ("columns", &columns)],
    )
}

/// How many fields a Table Schema has.
pub(crate) fn field_count(schema: &Value) -> usize {
    schema
        .get("fields")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

/// Rows read so far, with the share of the file when its size is known.
fn progress(ingest: &TableIngest, locale: Locale) -> String {
    let rows = format::count(u64::try_from(ingest.rows_done).unwrap_or(0), locale);
    match ingest.source_bytes.filter(|total| *total > 0) {
        Some(total) => {
            let percent = (ingest.bytes_done.clamp(0, total) * 100 / total).to_string();
            message(
                locale,
                "portal.tables.running_percent",
                &[("rows", &rows), ("percent", &percent)],
            )
        }
        None => message(locale, "portal.tables.running_text", &[("rows", &rows)]),
    }
}

/// A stored ingest error (`{"code", "location", "params"}`) in words.
pub(crate) fn error_problem(error: &Value, locale: Locale) -> Problem {
    let code = error
        .get("code")
        .and_then(Value::as_str)
        .unwrap_or("internal")
        .to_string();
    // The detail of an internal failure is for the logs, not for visitors.
    let text = if code == "internal" {
        message(locale, "ingest.error.internal", &[])
    } else {
        problem_text("ingest.error", error, locale)
    };
    Problem {
        text,
        place: place(error.get("location"), locale),
        code,
    }
}

/// A stored warning (`{"code", "location", "params"}`) in words.
fn warning_problem(warning: &Value, locale: Locale) -> Problem {
    let code = warning
        .get("code")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    Problem {
        text: problem_text("ingest.warning", warning, locale),
        place: place(warning.get("location"), locale),
        code,
    }
}

/// How many warnings of one kind were found.
#[derive(Debug, Serialize)]
pub(crate) struct WarningCount {
    /// The kind in words.
    pub(crate) label: String,
    /// How many, written for people.
    pub(crate) count: String,
}

/// The warnings of a file and one of its tables: the first [`WARNINGS_SHOWN`] in words with
/// where, and how many of each kind were found in all.
#[derive(Debug, Default, Serialize)]
pub(crate) struct WarningsView {
    /// The first warnings.
    pub(crate) items: Vec<Problem>,
    /// Counts by kind.
    pub(crate) counts: Vec<WarningCount>,
    /// How many in all.
    pub(crate) total: u64,
    /// How many are listed.
    pub(crate) shown: usize,
}

impl WarningsView {
    /// The warnings of the file (`file`) and of one of its tables (`table`), both stored as
    /// `{"items": [...], "totals": {code: n}}`.
    pub(crate) fn new(file: &Value, table: Option<&Value>, locale: Locale) -> Self {
        let sources: Vec<&Value> = std::iter::once(file).chain(table).collect();
        let items: Vec<Problem> = sources
            .iter()
            .filter_map(|w| w.get("items").and_then(Value::as_array))
            .flatten()
            .take(WARNINGS_SHOWN)
            .map(|w| warning_problem(w, locale))
            .collect();
        let mut totals: BTreeMap<String, u64> = BTreeMap::new();
        for source in &sources {
            if let Some(counts) = source.get("totals").and_then(Value::as_object) {
                for (code, n) in counts {
                    *totals.entry(code.clone()).or_default() += n.as_u64().unwrap_or(0);
                }
            }
        }
        let total = totals.values().sum();
        let counts = totals
            .into_iter()
            .map(|(code, n)| {
                let key = format!("ingest.warning_kind.{code}");
                WarningCount {
                    label: if has_message(&key) {
                        message(locale, &key, &[])
                    } else {
                        code
                    },
                    count: format::count(n, locale),
                }
            })
            .collect();
        Self {
            shown: items.len(),
            items,
            counts,
            total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_error_says_what_and_where_in_both_languages() {
        let error = json!({
            "code": "record_too_large",
            "location": {"line": 3},
            "params": {"max_bytes": "8388608"}
        });
        let vi = error_problem(&error, Locale::Vi);
        assert!(vi.text.contains("8388608"), "{}", vi.text);
        assert_eq!(vi.place.as_deref(), Some("dòng 3 của tệp"));
        let en = error_problem(&error, Locale::En);
        assert_eq!(en.place.as_deref(), Some("line 3 of the file"));
        assert_ne!(vi.text, en.text);
    }

    #[test]
    fn places_join_every_known_part() {
        let at = json!({"sheet": "Dân số", "row": 7, "column": "Nam"});
        assert_eq!(
            place(Some(&at), Locale::En).as_deref(),
            Some("sheet “Dân số”, row 7, column “Nam”")
        );
        assert_eq!(place(Some(&json!({})), Locale::En), None);
        assert_eq!(place(None, Locale::En), None);
    }

    #[test]
    fn internal_details_and_unknown_codes_are_not_shown_raw() {
        let internal = json!({"code": "internal", "params": {"detail": "disk /var full"}});
        assert!(!error_problem(&internal, Locale::En).text.contains("/var"));
        let unknown = json!({"code": "future_code"});
        let text = error_problem(&unknown, Locale::En).text;
        assert!(text.contains("future_code"), "{text}");
        assert!(!text.starts_with("ingest."), "{text}");
    }

    #[test]
    fn warnings_list_the_first_and_count_all_by_kind() {
        let items: Vec<Value> = (1..=30)
            .map(|line| {
                json!({"code": "row_too_short", "location": {"line": line},
                       "params": {"expected": "4", "found": "3"}})
            })
            .collect();
        let file = json!({"items": [], "totals": {}});
        let table = json!({"items": items, "totals": {"row_too_short": 250, "empty_column": 1}});
        let view = WarningsView::new(&file, Some(&table), Locale::En);
        assert_eq!(view.shown, WARNINGS_SHOWN);
        assert_eq!(view.total, 251);
        assert_eq!(view.counts.len(), 2);
        assert!(view.items[0].text.contains('4'), "{}", view.items[0].text);
        assert_eq!(view.items[0].place.as_deref(), Some("line 1 of the file"));
    }

    #[test]
    fn a_type_parameter_is_said_in_words() {
        let warning = json!({"code": "value_does_not_fit", "location": {"row": 2, "column": "nam"},
                             "params": {"type": "integer", "value": "abc"}});
        let vi = warning_problem(&warning, Locale::Vi);
        assert!(
            vi.text
                .contains(&message(Locale::Vi, "portal.tables.type.integer", &[]))
        );
    }
}
