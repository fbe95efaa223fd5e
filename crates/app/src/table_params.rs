//! The parameters of a table query as text (a query string of the API, a form of the pages),
//! read into the engine's requests with a stable code and the parameter's name on any mistake.

use dulieu_core::{Error, Result};
use dulieu_query::{AggregateRequest, ExportFormat, Filter, Metric, RowsRequest, SortKey};

use crate::tables::query_error;

/// The text parameters of a rows, aggregate or export query. Repeated `filters` add up (each
/// `field:op:value`); `sort`, `fields`, `group_by` and `metrics` are comma-separated lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableParams {
    /// `field:op:value` conditions (ops `eq`, `in`, `gt`, `gte`, `lt`, `lte`).
    pub filters: Vec<String>,
    /// Words to find in the text columns.
    pub q: Option<String>,
    /// `field` or `-field`, comma-separated.
    pub sort: Option<String>,
    /// Columns to return, comma-separated.
    pub fields: Option<String>,
    /// Rows per page.
    pub limit: Option<String>,
    /// Rows to skip.
    pub offset: Option<String>,
    /// Where the previous page ended.
    pub cursor: Option<String>,
    /// The sheet (a later table of a workbook).
    pub sheet: Option<String>,
    /// Grouping columns, comma-separated.
    pub group_by: Option<String>,
    /// Metrics, comma-separated: `count`, `sum:field`, `avg(field)`, ….
    pub metrics: Option<String>,
    /// `csv`, `json`, `parquet` or `xlsx` to download the whole result as a file.
    pub format: Option<String>,
}

impl TableParams {
    /// Reads the known parameters from `key=value` pairs (others are ignored; a repeated
    /// parameter other than `filters` keeps its last value).
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: AsRef<str>,
        V: Into<String>,
    {
        let mut params = Self::default();
        for (key, value) in pairs {
            let value = value.into();
            let slot = match key.as_ref() {
                "filters" | "filter" => {
                    if !value.is_empty() {
                        params.filters.push(value);
                    }
                    continue;
                }
                "q" => &mut params.q,
                "sort" => &mut params.sort,
                "fields" => &mut params.fields,
                "limit" => &mut params.limit,
                "offset" => &mut params.offset,
                "cursor" => &mut params.cursor,
                "sheet" => &mut params.sheet,
                "group_by" => &mut params.group_by,
                "metrics" => &mut params.metrics,
                "format" => &mut params.format,
                _ => continue,
            };
            *slot = Some(value).filter(|v| !v.trim().is_empty());
        }
        params
    }

    /// The rows request.
    pub fn rows_request(&self) -> Result<RowsRequest> {
        Ok(RowsRequest {
            filters: self.parsed_filters()?,
            q: self.q.clone(),
            sort: self.sort_keys()?,
            fields: list(self.fields.as_deref()),
            limit: number("limit", self.limit.as_deref())?.map(|n| n as usize),
            offset: number("offset", self.offset.as_deref())?,
            cursor: self.cursor.clone(),
        })
    }

    /// The aggregate request.
    pub fn aggregate_request(&self) -> Result<AggregateRequest> {
        Ok(AggregateRequest {
            filters: self.parsed_filters()?,
            q: self.q.clone(),
            group_by: list(self.group_by.as_deref()),
            metrics: list(self.metrics.as_deref())
                .iter()
                .map(|m| Metric::parse(m))
                .collect::<std::result::Result<_, _>>()
                .map_err(query_error)?,
            sort: self.sort_keys()?,
            limit: number("limit", self.limit.as_deref())?.map(|n| n as usize),
        })
    }

    /// The file format asked for (`None`: a JSON answer); 400 `invalid_parameter` for others.
    pub fn export_format(&self) -> Result<Option<ExportFormat>> {
        self.format
            .as_deref()
            .map(|name| {
                ExportFormat::from_extension(name.trim()).ok_or_else(|| Error::BadRequest {
                    code: "invalid_parameter",
                    detail: format!("format: {name}"),
                })
            })
            .transpose()
    }

    fn parsed_filters(&self) -> Result<Vec<Filter>> {
        self.filters
            .iter()
            .map(|f| Filter::parse(f).map_err(query_error))
            .collect()
    }

    fn sort_keys(&self) -> Result<Vec<SortKey>> {
        list(self.sort.as_deref())
            .iter()
            .map(|key| SortKey::parse(key).map_err(query_error))
            .collect()
    }
}

/// A comma-separated list, trimmed, without empty items.
fn list(text: Option<&str>) -> Vec<String> {
    text.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A whole number parameter; anything else but a number is 400 `invalid_parameter`.
fn number(name: &'static str, raw: Option<&str>) -> Result<Option<u64>> {
    raw.map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|value| {
            value.parse::<u64>().map_err(|_| Error::BadRequest {
                code: "invalid_parameter",
                detail: format!("{name}: {value}"),
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_repeated_filters_and_lists() {
        let params = TableParams::from_pairs([
            ("filters", "tinh:eq:Hà Nội"),
            ("filters", "nam:gte:2020"),
            ("sort", "-nam, tinh"),
            ("fields", "tinh,nam"),
            ("limit", "50"),
            ("unknown", "x"),
        ]);
        let request = params.rows_request().unwrap();
        assert_eq!(request.filters.len(), 2);
        assert_eq!(
            request.sort,
            vec![SortKey::desc("nam"), SortKey::asc("tinh")]
        );
        assert_eq!(request.fields, vec!["tinh", "nam"]);
        assert_eq!(request.limit, Some(50));
    }

    #[test]
    fn names_the_parameter_that_is_wrong() {
        let err = TableParams::from_pairs([("offset", "ten")])
            .rows_request()
            .unwrap_err();
        assert_eq!(err.code(), "invalid_parameter");
        assert!(err.to_string().contains("offset: ten"), "{err}");
        let err = TableParams::from_pairs([("metrics", "median:x")])
            .aggregate_request()
            .unwrap_err();
        assert_eq!(err.code(), "unknown_metric");
        let err = TableParams::from_pairs([("format", "pdf")])
            .export_format()
            .unwrap_err();
        assert_eq!(err.code(), "invalid_parameter");
        assert_eq!(
            TableParams::from_pairs([("format", "xlsx")])
                .export_format()
                .unwrap(),
            Some(ExportFormat::Xlsx)
        );
    }
}
