//! The search page's parameters: read from its URL (`q`, repeated `f=facet:value`, `sort`,
//! `page`) and written back into the links that change one of them.

use dulieu_core::{Error, Result};
use dulieu_search::{SearchRequest, Sort, Viewer};
use url::form_urlencoded;

/// Results on one search page.
pub const PAGE_SIZE: usize = 20;

/// The parameters of a search page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// Free text.
    pub q: String,
    /// `(facet, value)` filters in URL order.
    pub filters: Vec<(String, String)>,
    /// Sort name, when not the default.
    pub sort: Option<String>,
    /// Page, from 1.
    pub page: usize,
}

impl Default for SearchQuery {
    /// Everything, by relevance, page 1.
    fn default() -> Self {
        Self {
            q: String::new(),
            filters: Vec::new(),
            sort: None,
            page: 1,
        }
    }
}

fn bad(code: &'static str, detail: impl Into<String>) -> Error {
    Error::BadRequest {
        code,
        detail: detail.into(),
    }
}

impl SearchQuery {
    /// Reads the raw query string; malformed filters, unknown sorts and bad pages are 400s.
    /// Unknown parameters are ignored.
    pub fn parse(raw: Option<&str>) -> Result<Self> {
        let mut query = Self::default();
        for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            match name.as_ref() {
                "q" => query.q = value.into_owned(),
                "f" => {
                    let (facet, value) = value
                        .split_once(':')
                        .filter(|(f, v)| !f.is_empty() && !v.is_empty())
                        .ok_or_else(|| bad("invalid_filter", value.as_ref()))?;
                    let filter = (facet.to_string(), value.to_string());
                    if !query.filters.contains(&filter) {
                        query.filters.push(filter);
                    }
                }
                "sort" if value.is_empty() => {}
                "sort" => {
                    if Sort::parse(&value).is_none() {
                        return Err(bad(
                            "unknown_sort",
                            format!("{value} [{}]", Sort::NAMES.join(", ")),
                        ));
                    }
                    query.sort = Some(value.into_owned());
                }
                "page" => {
                    query.page = value
                        .parse()
                        .ok()
                        .filter(|p| *p >= 1)
                        .ok_or_else(|| bad("invalid_parameter", format!("page={value}")))?;
                }
                _ => {}
            }
        }
        Ok(query)
    }

    /// The search to run, counting `facets`.
    pub fn request(&self, facets: &[&str]) -> SearchRequest {
        let mut request = SearchRequest::new(self.q.clone(), Viewer::default());
        request.filters = self.filters.clone();
        request.facets = facets.iter().map(|f| f.to_string()).collect();
        request.sort = self
            .sort
            .as_deref()
            .and_then(Sort::parse)
            .unwrap_or_default();
        request.page = self.page;
        request.page_size = PAGE_SIZE;
        request
    }

    /// True when `facet:value` is one of the filters.
    pub fn has_filter(&self, facet: &str, value: &str) -> bool {
        self.filters.iter().any(|(f, v)| f == facet && v == value)
    }

    /// This search with `facet:value` added (or removed when present), back on page 1.
    pub fn toggled(&self, facet: &str, value: &str) -> Self {
        let mut next = self.clone();
        next.page = 1;
        if self.has_filter(facet, value) {
            next.filters.retain(|(f, v)| !(f == facet && v == value));
        } else {
            next.filters.push((facet.to_string(), value.to_string()));
        }
        next
    }

    /// This search without any filter, back on page 1.
    pub fn unfiltered(&self) -> Self {
        Self {
            filters: Vec::new(),
            page: 1,
            ..self.clone()
        }
    }

    /// This search sorted by `sort`, back on page 1.
    pub fn sorted(&self, sort: &str) -> Self {
        Self {
            sort: (sort != "relevance").then(|| sort.to_string()),
            page: 1,
            ..self.clone()
        }
    }

    /// This search on `page`.
    pub fn on_page(&self, page: usize) -> Self {
        Self {
            page,
            ..self.clone()
        }
    }

    /// The link to this search under `prefix` (`""` or `"/en"`).
    pub fn href(&self, prefix: &str) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            out.append_pair("q", &self.q);
        }
        for (facet, value) in &self.filters {
            out.append_pair("f", &format!("{facet}:{value}"));
        }
        if let Some(sort) = &self.sort {
            out.append_pair("sort", sort);
        }
        if self.page > 1 {
            out.append_pair("page", &self.page.to_string());
        }
        let query = out.finish();
        if query.is_empty() {
            format!("{prefix}/search")
        } else {
            format!("{prefix}/search?{query}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let q = SearchQuery::parse(Some(
            "q=ng%C3%A2n+s%C3%A1ch&f=format:CSV&f=theme:ECON&sort=modified&page=2&x=1",
        ))
        .unwrap();
        assert_eq!(q.q, "ngân sách");
        assert_eq!(q.filters.len(), 2);
        assert_eq!(q.page, 2);
        assert_eq!(SearchQuery::parse(Some(&q.href("")[8..])).unwrap(), q);
        let fewer = q.toggled("format", "CSV");
        assert_eq!(
            fewer.filters,
            vec![("theme".to_string(), "ECON".to_string())]
        );
        assert_eq!(fewer.page, 1);
        assert_eq!(
            q.unfiltered().href("/en"),
            "/en/search?q=ng%C3%A2n+s%C3%A1ch&sort=modified"
        );
    }

    #[test]
    fn bad_parameters_are_bad_requests() {
        for raw in ["f=nocolon", "f=:x", "sort=best", "page=0", "page=abc"] {
            let err = SearchQuery::parse(Some(raw)).unwrap_err();
            assert!(matches!(err, Error::BadRequest { .. }), "{raw}");
        }
    }
}
