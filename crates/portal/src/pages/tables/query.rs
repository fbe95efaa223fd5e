//! The table page's query string. It speaks the API's words (`filters`, `q`, `sort`, `sheet`,
//! `limit`, `offset`, `cursor`), so the download links are the API's URLs with the same
//! parameters, plus the filter form's three inputs (`column`, `op`, `value`, read into one more
//! `filters` entry) and `from`, the number of the first row of a page reached by its cursor
//! (shown only). Links that change one thing are written back in the same words.

use dulieu_app::TableParams;
use dulieu_core::{Error, Result};
use url::form_urlencoded;

/// Rows on a page when the query gives no `limit`.
pub(crate) const PAGE_ROWS: u64 = 50;
/// Most rows a page shows.
pub(crate) const MAX_PAGE_ROWS: u64 = 500;

/// The operators of the filter form, in the order it lists them.
pub(crate) const OPERATORS: [&str; 6] = ["eq", "in", "gt", "gte", "lt", "lte"];

/// The parameters of a table page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TableQuery {
    /// The API's parameters.
    pub(crate) params: TableParams,
    /// The first row number (0-based) of a page reached by a cursor.
    pub(crate) from: u64,
}

impl TableQuery {
    /// Reads a raw query string. The filter form's `column`, `op` and `value` become one more
    /// `filters` entry when a column and a value are given.
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect();
        let get = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        let mut params = TableParams::from_pairs(pairs.iter().cloned());
        let (column, value) = (get("column"), get("value"));
        if !column.is_empty() && !value.is_empty() {
            let op = Some(get("op"))
                .filter(|op| !op.is_empty())
                .unwrap_or_else(|| "eq".to_string());
            params.filters.push(format!("{column}:{op}:{value}"));
        }
        Self {
            from: get("from").parse().unwrap_or(0),
            params,
        }
    }

    /// Rows per page: `limit`, or [`PAGE_ROWS`]; 400 `invalid_limit` beyond [`MAX_PAGE_ROWS`]
    /// or at 0, 400 `invalid_parameter` when not a number.
    pub(crate) fn limit(&self) -> Result<u64> {
        let Some(raw) = self.params.limit.as_deref() else {
            return Ok(PAGE_ROWS);
        };
        let limit: u64 = raw.trim().parse().map_err(|_| Error::BadRequest {
            code: "invalid_parameter",
            detail: format!("limit: {raw}"),
        })?;
        if limit == 0 || limit > MAX_PAGE_ROWS {
            return Err(Error::BadRequest {
                code: "invalid_limit",
                detail: format!("limit: {limit} (1–{MAX_PAGE_ROWS})"),
            });
        }
        Ok(limit)
    }

    /// The 0-based number of the page's first row: `offset`, or `from` on a cursor page.
    pub(crate) fn first_row(&self) -> u64 {
        if self.params.cursor.is_some() {
            self.from
        } else {
            self.params
                .offset
                .as_deref()
                .and_then(|o| o.trim().parse().ok())
                .unwrap_or(0)
        }
    }

    /// The first sort key as `(field, descending)`.
    pub(crate) fn sorted_by(&self) -> Option<(&str, bool)> {
        let first = self.params.sort.as_deref()?.split(',').next()?.trim();
        match first.strip_prefix('-') {
            Some(field) => Some((field, true)),
            None => Some((first, false)).filter(|(f, _)| !f.is_empty()),
        }
    }

    /// The query without paging: the rows it selects, from the first.
    fn unpaged(&self) -> Self {
        let mut next = self.clone();
        next.params.offset = None;
        next.params.cursor = None;
        next.from = 0;
        next
    }

    /// This query sorted by `field`: ascending, or descending when it is already ascending.
    pub(crate) fn toggled_sort(&self, field: &str) -> Self {
        let mut next = self.unpaged();
        let descending = self.sorted_by() == Some((field, false));
        next.params.sort = Some(if descending {
            format!("-{field}")
        } else {
            field.to_string()
        });
        next
    }

    /// This query without the filter at `index`.
    pub(crate) fn without_filter(&self, index: usize) -> Self {
        let mut next = self.unpaged();
        if index < next.params.filters.len() {
            next.params.filters.remove(index);
        }
        next
    }

    /// This query without any filter or search words.
    pub(crate) fn unfiltered(&self) -> Self {
        let mut next = self.unpaged();
        next.params.filters.clear();
        next.params.q = None;
        next
    }

    /// This query at row `offset` (0-based).
    pub(crate) fn at_offset(&self, offset: u64) -> Self {
        let mut next = self.unpaged();
        next.params.offset = (offset > 0).then(|| offset.to_string());
        next
    }

    /// This query at the page after `cursor`, whose first row is `from`.
    pub(crate) fn after(&self, cursor: &str, from: u64) -> Self {
        let mut next = self.unpaged();
        next.params.cursor = Some(cursor.to_string());
        next.from = from;
        next
    }

    /// The selection parameters (filters, words, sort, sheet) as query pairs.
    fn selection_pairs(&self, out: &mut form_urlencoded::Serializer<'_, String>) {
        let p = &self.params;
        if let Some(sheet) = &p.sheet {
            out.append_pair("sheet", sheet);
        }
        for filter in &p.filters {
            out.append_pair("filters", filter);
        }
        if let Some(q) = &p.q {
            out.append_pair("q", q);
        }
        if let Some(sort) = &p.sort {
            out.append_pair("sort", sort);
        }
    }

    /// The query string of this page (without `?`; empty for the default page).
    pub(crate) fn query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        self.selection_pairs(&mut out);
        let p = &self.params;
        if let Some(limit) = &p.limit {
            out.append_pair("limit", limit);
        }
        if let Some(cursor) = &p.cursor {
            out.append_pair("cursor", cursor);
            if self.from > 0 {
                out.append_pair("from", &self.from.to_string());
            }
        } else if let Some(offset) = &p.offset {
            out.append_pair("offset", offset);
        }
        out.finish()
    }

    /// `path` with this page's query string.
    pub(crate) fn href(&self, path: &str) -> String {
        with_query(path, &self.query_string())
    }

    /// The API URL of every row this query selects, as a file of `format`.
    pub(crate) fn export_href(&self, api_rows: &str, format: &str) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        self.selection_pairs(&mut out);
        out.append_pair("format", format);
        with_query(api_rows, &out.finish())
    }

    /// The selection as a query string (the chart and the map use the same rows).
    pub(crate) fn selection_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        self.selection_pairs(&mut out);
        out.finish()
    }
}

/// `path?query`, or `path` when `query` is empty.
fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_form_adds_a_filter_to_those_in_the_url() {
        let query = TableQuery::parse(Some(
            "filters=nam%3Agte%3A2020&column=tinh&op=eq&value=H%C3%A0+N%E1%BB%99i&q=nong",
        ));
        assert_eq!(query.params.filters, vec!["nam:gte:2020", "tinh:eq:Hà Nội"]);
        assert_eq!(
            query.href("/t"),
            "/t?filters=nam%3Agte%3A2020&filters=tinh%3Aeq%3AH%C3%A0+N%E1%BB%99i&q=nong"
        );
        // A column without a value adds nothing; the operator defaults to `eq`.
        assert!(
            TableQuery::parse(Some("column=tinh&value="))
                .params
                .filters
                .is_empty()
        );
        let eq = TableQuery::parse(Some("column=tinh&value=x"));
        assert_eq!(eq.params.filters, vec!["tinh:eq:x"]);
    }

    #[test]
    fn sorting_toggles_and_goes_back_to_the_first_page() {
        let query = TableQuery::parse(Some("sort=nam&offset=100"));
        assert_eq!(query.sorted_by(), Some(("nam", false)));
        assert_eq!(query.toggled_sort("nam").href("/t"), "/t?sort=-nam");
        assert_eq!(query.toggled_sort("tinh").href("/t"), "/t?sort=tinh");
        let desc = TableQuery::parse(Some("sort=-nam"));
        assert_eq!(desc.sorted_by(), Some(("nam", true)));
        assert_eq!(desc.toggled_sort("nam").href("/t"), "/t?sort=nam");
    }

    #[test]
    fn pages_by_offset_and_by_cursor() {
        let query = TableQuery::parse(Some("q=x&limit=20"));
        assert_eq!(query.limit().unwrap(), 20);
        assert_eq!(query.at_offset(40).href("/t"), "/t?q=x&limit=20&offset=40");
        assert_eq!(query.at_offset(0).href("/t"), "/t?q=x&limit=20");
        let next = query.after("abc", 20);
        assert_eq!(next.href("/t"), "/t?q=x&limit=20&cursor=abc&from=20");
        let back = TableQuery::parse(Some(&next.query_string()));
        assert_eq!(back.first_row(), 20);
        assert_eq!(back.params.cursor.as_deref(), Some("abc"));
    }

    #[test]
    fn downloads_keep_the_selection_and_drop_the_paging() {
        let query = TableQuery::parse(Some("sheet=L%C3%A1&filters=a%3Aeq%3A1&sort=-a&offset=50"));
        assert_eq!(
            query.export_href("/api/1/tables/x/rows", "csv"),
            "/api/1/tables/x/rows?sheet=L%C3%A1&filters=a%3Aeq%3A1&sort=-a&format=csv"
        );
        assert_eq!(
            query.without_filter(0).href("/t"),
            "/t?sheet=L%C3%A1&sort=-a"
        );
        assert_eq!(query.unfiltered().href("/t"), "/t?sheet=L%C3%A1&sort=-a");
    }

    #[test]
    fn limits_beyond_the_page_maximum_are_refused() {
        for (raw, code) in [
            ("limit=501", "invalid_limit"),
            ("limit=0", "invalid_limit"),
            ("limit=ten", "invalid_parameter"),
        ] {
            let err = TableQuery::parse(Some(raw)).limit().unwrap_err();
            assert_eq!(err.code(), code, "{raw}");
        }
        assert_eq!(TableQuery::parse(None).limit().unwrap(), PAGE_ROWS);
    }
}
