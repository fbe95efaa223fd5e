//! What the table page and the dataset page's preview show of a table: its columns with their
//! types and profile highlights, and rows as cells of text (numbers with the language's decimal
//! mark, booleans in words, long texts cut), with header cells that sort.

use dulieu_core::tables::IngestedTable;
use dulieu_i18n::{Locale, message};
use dulieu_query::{ResultColumn, RowsPage};
use serde::Serialize;
use serde_json::Value;

use super::query::TableQuery;
use super::status::type_label;
use crate::format;

/// Characters of a cell shown before it is cut.
const CELL_CHARS: usize = 200;
/// Top values a column's profile lists.
const TOP_SHOWN: usize = 3;

/// A column of a table as the column list shows it.
#[derive(Debug, Serialize)]
pub(crate) struct ColumnView {
    name: String,
    field_type: String,
    type_label: String,
    format: Option<String>,
    nulls: String,
    distinct: String,
    range: Option<String>,
    mean: Option<String>,
    top: Vec<String>,
}

/// A field of a Table Schema: its name, type and format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SchemaField {
    /// The column name.
    pub(crate) name: String,
    /// The Table Schema type.
    pub(crate) field_type: String,
    /// The format, when not the default.
    pub(crate) format: Option<String>,
}

/// The fields of a stored Table Schema, in column order.
pub(crate) fn schema_fields(schema: &Value) -> Vec<SchemaField> {
    schema
        .get("fields")
        .and_then(Value::as_array)
        .map(|fields| {
            fields
                .iter()
                .map(|f| SchemaField {
                    name: text_of(f.get("name")),
                    field_type: Some(text_of(f.get("type")))
                        .filter(|t| !t.is_empty())
                        .unwrap_or_else(|| "string".to_string()),
                    format: Some(text_of(f.get("format")))
                        .filter(|t| !t.is_empty() && t != "default"),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn text_of(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A number from a profile as people read it in `locale` (decimal comma in Vietnamese).
fn number_text(value: &Value, locale: Locale) -> String {
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or_default();
            let rounded = (f * 1000.0).round() / 1000.0;
            localized_decimal(&rounded.to_string(), locale)
        }
        other => text_of(Some(other)),
    }
}

/// `text` (a number written with `.`) with the decimal mark of `locale`.
fn localized_decimal(text: &str, locale: Locale) -> String {
    match locale {
        Locale::Vi => text.replace('.', ","),
        Locale::En => text.to_string(),
    }
}

/// The columns of `table`: its schema's fields with their profiles.
pub(crate) fn columns(table: &IngestedTable, locale: Locale) -> Vec<ColumnView> {
    let profiles = table
        .profile
        .get("columns")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    schema_fields(&table.schema)
        .into_iter()
        .enumerate()
        .map(|(index, field)| {
            let profile = profiles.get(index).cloned().unwrap_or(Value::Null);
            let number = field.field_type == "number";
            let count = |name: &str| profile.get(name).and_then(Value::as_u64).unwrap_or(0);
            let distinct = format::count(count("distinct_count"), locale);
            let exact = profile
                .get("distinct_exact")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            let range = match (profile.get("min"), profile.get("max")) {
                (Some(min), Some(max)) if !min.is_null() && !max.is_null() => Some(format!(
                    "{} – {}",
                    number_text(min, locale),
                    number_text(max, locale)
                )),
                _ => None,
            };
            ColumnView {
                type_label: type_label(&field.field_type, locale),
                field_type: field.field_type,
                name: field.name,
                format: field.format,
                nulls: format::count(count("null_count"), locale),
                distinct: if exact {
                    distinct
                } else {
                    message(locale, "portal.tables.approx", &[("count", &distinct)])
                },
                range,
                mean: profile
                    .get("mean")
                    .filter(|m| !m.is_null())
                    .map(|m| number_text(m, locale)),
                top: profile
                    .get("top_values")
                    .and_then(Value::as_array)
                    .map(|values| {
                        values
                            .iter()
                            .take(TOP_SHOWN)
                            .map(|v| {
                                let n = v.get("count").and_then(Value::as_u64).unwrap_or(0);
                                let value = cut(&text_of(v.get("value")));
                                let value = if number {
                                    localized_decimal(&value, locale)
                                } else {
                                    value
                                };
                                format!("{value} ({})", format::count(n, locale))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// `text` cut at [`CELL_CHARS`] characters.
fn cut(text: &str) -> String {
    if text.chars().count() > CELL_CHARS {
        let head: String = text.chars().take(CELL_CHARS).collect();
        format!("{head}…")
    } else {
        text.to_string()
    }
}

/// A value of a result as a cell's text.
fn cell_text(value: &Value, column: &ResultColumn, locale: Locale) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => message(
            locale,
            if *b {
                "portal.tables.true"
            } else {
                "portal.tables.false"
            },
            &[],
        ),
        Value::Number(n) if column.field_type == "number" => {
            localized_decimal(&n.to_string(), locale)
        }
        Value::Number(n) => n.to_string(),
        Value::String(s) => cut(s),
        other => cut(&other.to_string()),
    }
}

/// A header cell of the rows: the column and, on the table page, the link that sorts by it.
#[derive(Debug, Serialize)]
pub(crate) struct HeaderCell {
    name: String,
    type_label: String,
    numeric: bool,
    /// `ascending`, `descending` or `none` (for `aria-sort`), when the rows can be sorted.
    sort: Option<&'static str>,
    /// The link that sorts by this column (ascending first, then descending).
    sort_href: Option<String>,
    /// What following the link does, in words.
    sort_label: Option<String>,
}

/// One row: its number in the table (1-based) and its cells.
#[derive(Debug, Serialize)]
pub(crate) struct RowView {
    number: String,
    cells: Vec<String>,
}

/// Rows as a table of text.
#[derive(Debug, Serialize)]
pub(crate) struct GridView {
    pub(crate) columns: Vec<HeaderCell>,
    pub(crate) rows: Vec<RowView>,
}

/// How the header cells link: to this query sorted by each column, on `path`.
pub(crate) struct Sorting<'a> {
    /// The page's query.
    pub(crate) query: &'a TableQuery,
    /// The table page's path.
    pub(crate) path: &'a str,
}

impl GridView {
    /// The rows of `page`; header cells link to sort when `sorting` is given.
    pub(crate) fn new(page: &RowsPage, sorting: Option<Sorting<'_>>, locale: Locale) -> Self {
        let columns = page
            .result
            .columns
            .iter()
            .map(|column| {
                let numeric = matches!(column.field_type.as_str(), "integer" | "number");
                let mut cell = HeaderCell {
                    name: column.name.clone(),
                    type_label: type_label(&column.field_type, locale),
                    numeric,
                    sort: None,
                    sort_href: None,
                    sort_label: None,
                };
                if let Some(sorting) = &sorting
                    && column.field_type != "geojson"
                {
                    let current = sorting
                        .query
                        .sorted_by()
                        .filter(|(field, _)| *field == column.name);
                    cell.sort = Some(match current {
                        Some((_, false)) => "ascending",
                        Some((_, true)) => "descending",
                        None => "none",
                    });
                    let next = sorting.query.toggled_sort(&column.name);
                    let descending = next.sorted_by().is_some_and(|(_, d)| d);
                    cell.sort_label = Some(message(
                        locale,
                        if descending {
                            "portal.tables.sort_desc"
                        } else {
                            "portal.tables.sort_asc"
                        },
                        &[],
                    ));
                    cell.sort_href = Some(next.href(sorting.path));
                }
                cell
            })
            .collect();
        let rows = page
            .result
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| RowView {
                number: page
                    .row_ids
                    .get(i)
                    .map(|id| format::count(id + 1, locale))
                    .unwrap_or_default(),
                cells: row
                    .iter()
                    .zip(&page.result.columns)
                    .map(|(value, column)| cell_text(value, column, locale))
                    .collect(),
            })
            .collect();
        Self { columns, rows }
    }
}

/// A link of the pager.
#[derive(Debug, Serialize)]
pub(crate) struct PageLink {
    /// The page number, or `None` for a gap (…).
    number: Option<String>,
    href: Option<String>,
    current: bool,
}

/// Paging of the rows: numbered pages by offset, previous, and next by cursor.
#[derive(Debug, Serialize)]
pub(crate) struct Pager {
    pub(crate) links: Vec<PageLink>,
    pub(crate) previous_href: Option<String>,
    pub(crate) next_href: Option<String>,
}

impl Pager {
    /// The pager of a page starting at row `first` (0-based) of `total` rows, `limit` per page.
    pub(crate) fn new(
        query: &TableQuery,
        path: &str,
        page: &RowsPage,
        limit: u64,
        locale: Locale,
    ) -> Self {
        let first = query.first_row();
        let total = page.total;
        let pages = total.div_ceil(limit).max(1);
        let current = first.is_multiple_of(limit).then_some(first / limit + 1);
        let shown = |n: u64| n == 1 || n == pages || current.is_some_and(|c| n.abs_diff(c) <= 2);
        let mut links = Vec::new();
        let mut gap = false;
        for n in 1..=pages {
            if shown(n) {
                links.push(PageLink {
                    number: Some(format::count(n, locale)),
                    href: Some(query.at_offset((n - 1) * limit).href(path)),
                    current: current == Some(n),
                });
                gap = false;
            } else if !gap {
                links.push(PageLink {
                    number: None,
                    href: None,
                    current: false,
                });
                gap = true;
            }
        }
        Self {
            links: if pages > 1 { links } else { Vec::new() },
            previous_href: (first > 0)
                .then(|| query.at_offset(first.saturating_sub(limit)).href(path)),
            next_href: page.next_cursor.as_deref().map(|cursor| {
                let from = first + page.result.rows.len() as u64;
                query.after(cursor, from).href(path)
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dulieu_query::ResultSet;
    use serde_json::json;

    fn page(total: u64, rows: usize, next: Option<&str>) -> RowsPage {
        RowsPage {
            result: ResultSet {
                columns: vec![
                    ResultColumn {
                        name: "tinh".into(),
                        field_type: "string".into(),
                    },
                    ResultColumn {
                        name: "ty_le".into(),
                        field_type: "number".into(),
                    },
                    ResultColumn {
                        name: "chinh_thuc".into(),
                        field_type: "boolean".into(),
                    },
                ],
                rows: (0..rows)
                    .map(|_| vec![json!("Hà Nội"), json!(51.2), json!(true)])
                    .collect(),
            },
            row_ids: (0..rows as u64).collect(),
            total,
            next_cursor: next.map(str::to_owned),
        }
    }

    #[test]
    fn cells_speak_the_page_language() {
        let query = TableQuery::parse(Some("sort=tinh"));
        let grid = GridView::new(
            &page(1, 1, None),
            Some(Sorting {
                query: &query,
                path: "/t",
            }),
            Locale::Vi,
        );
        assert_eq!(grid.rows[0].cells[1], "51,2");
        assert_eq!(grid.rows[0].number, "1");
        assert_eq!(grid.columns[0].sort, Some("ascending"));
        assert_eq!(grid.columns[0].sort_href.as_deref(), Some("/t?sort=-tinh"));
        assert_eq!(grid.columns[1].sort, Some("none"));
        let en = GridView::new(&page(1, 1, None), None, Locale::En);
        assert_eq!(en.rows[0].cells[1], "51.2");
        assert_eq!(en.rows[0].cells[2], "true");
        assert!(en.columns[0].sort_href.is_none());
    }

    #[test]
    fn the_pager_numbers_pages_around_the_current_one() {
        let query = TableQuery::parse(Some("offset=500"));
        let pager = Pager::new(&query, "/t", &page(2_000, 50, Some("c")), 50, Locale::En);
        let numbers: Vec<Option<String>> = pager.links.iter().map(|l| l.number.clone()).collect();
        let labels: Vec<String> = numbers
            .iter()
            .map(|n| n.clone().unwrap_or_else(|| "…".into()))
            .collect();
        assert_eq!(labels, ["1", "…", "9", "10", "11", "12", "13", "…", "40"]);
        assert!(
            pager
                .links
                .iter()
                .any(|l| l.current && l.number.as_deref() == Some("11"))
        );
        assert_eq!(pager.previous_href.as_deref(), Some("/t?offset=450"));
        assert_eq!(pager.next_href.as_deref(), Some("/t?cursor=c&from=550"));
        let single = Pager::new(
            &TableQuery::default(),
            "/t",
            &page(3, 3, None),
            50,
            Locale::En,
        );
        assert!(single.links.is_empty() && single.next_href.is_none());
    }

    #[test]
    fn columns_join_schema_and_profile() {
        let table = IngestedTable {
            table: "x".into(),
            name: "data".into(),
            title: None,
            notes: vec![],
            row_count: 2,
            schema: json!({"fields": [{"name": "nam", "type": "integer"}, {"name": "tinh", "type": "string"}]}),
            profile: json!({"row_count": 2, "columns": [
                {"name": "nam", "type": "integer", "null_count": 0, "distinct_count": 2, "distinct_exact": true,
                 "min": 2019, "max": 2023, "mean": 2021.5, "top_values": [], "top_values_exact": true},
                {"name": "tinh", "type": "string", "null_count": 1, "distinct_count": 1500, "distinct_exact": false,
                 "top_values": [{"value": "Hà Nội", "count": 1}], "top_values_exact": true}
            ]}),
            warnings: json!({}),
        };
        let columns = columns(&table, Locale::Vi);
        assert_eq!(columns[0].range.as_deref(), Some("2019 – 2023"));
        assert_eq!(columns[0].mean.as_deref(), Some("2021,5"));
        assert_eq!(columns[1].distinct, "khoảng 1.500");
        assert_eq!(columns[1].top, ["Hà Nội (1)"]);
        let numbers = IngestedTable {
            schema: json!({"fields": [{"name": "ty_le", "type": "number"}]}),
            profile: json!({"row_count": 1, "columns": [
                {"name": "ty_le", "type": "number", "null_count": 0, "distinct_count": 1, "distinct_exact": true,
                 "top_values": [{"value": "51.2", "count": 3}], "top_values_exact": true}
            ]}),
            ..table
        };
        assert_eq!(super::columns(&numbers, Locale::Vi)[0].top, ["51,2 (3)"]);
    }
}
