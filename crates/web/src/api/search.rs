//! Full-text search and autocomplete over the datasets the caller may see.
//!
//! Both read the raw query string themselves (`url::form_urlencoded`), so that list parameters may
//! be repeated and a repeated or odd parameter is never a framework rejection. Any query text is
//! valid input; only malformed parameters are refused (400, with a stable code).

use axum::Json;
use axum::extract::{RawQuery, State};
use dulieu_app::App;
use dulieu_core::Error;
use dulieu_search::{FACETS, SearchRequest, SearchResults, Sort, Suggestions, Viewer};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::Caller;

/// Suggestions of each kind when `limit` is absent.
pub const SUGGEST_LIMIT: usize = 5;
/// Largest `limit` of suggestions.
pub const MAX_SUGGEST_LIMIT: usize = 20;

/// Parameters of a search.
#[derive(Debug, Clone, Default, PartialEq, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find, in Vietnamese or English, with or without diacritics (`ngan sach` finds
    /// `ngân sách`); any text is accepted, past 1000 characters the rest is ignored.
    pub q: Option<String>,
    /// Facets to count, comma-separated (`organization,format`): every facet when absent, none when
    /// empty. Facets: organization, organization_kind, provenance, format, license, open_license,
    /// theme, keyword, frequency.
    pub facets: Option<String>,
    /// Filters `facet:value`, comma-separated or repeated (`filters=format:CSV&filters=theme:ECON`).
    /// Values of one facet are alternatives; different facets must all match.
    pub filters: Vec<String>,
    /// Order: `relevance` (default), `modified`, `title` or `popularity`.
    pub sort: Option<String>,
    /// Page, from 1.
    pub page: Option<String>,
    /// Results per page, 1 to 100 (default 20); only the first 10,000 results can be paged to.
    pub page_size: Option<String>,
}

/// Pairs of a raw query string (`None`: no query string).
fn pairs(raw: Option<&str>) -> url::form_urlencoded::Parse<'_> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
}

/// A whole number parameter; absent or empty is `None`, anything else but a number is a 400.
fn number(name: &'static str, raw: Option<&str>) -> Result<Option<usize>, Error> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(value) => value
            .parse::<usize>()
            .map(Some)
            .map_err(|_| Error::BadRequest {
                code: "invalid_parameter",
                detail: name.to_string(),
            }),
    }
}

impl SearchQuery {
    /// Reads the parameters from a raw query string; unknown parameters are ignored, repeated
    /// `facets` and `filters` add up, other repeated parameters keep the last value.
    pub fn parse(raw: Option<&str>) -> Self {
        let mut query = Self::default();
        for (key, value) in pairs(raw) {
            let value = value.into_owned();
            match key.as_ref() {
                "q" => query.q = Some(value),
                "facets" => {
                    query.facets = Some(match query.facets.take() {
                        Some(before) => format!("{before},{value}"),
                        None => value,
                    })
                }
                "filters" => query.filters.push(value),
                "sort" => query.sort = Some(value),
                "page" => query.page = Some(value),
                "page_size" => query.page_size = Some(value),
                _ => {}
            }
        }
        query
    }

    /// The search request (its viewer is set by the application from the caller). Facet names
    /// and paging limits are checked by the search itself.
    pub fn request(&self) -> Result<SearchRequest, Error> {
        let mut request = SearchRequest::new(self.q.clone().unwrap_or_default(), Viewer::default());
        request.facets = match &self.facets {
            None => FACETS.iter().map(|f| f.name.to_string()).collect(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map(str::to_string)
                .collect(),
        };
        for filter in self.filters.iter().flat_map(|f| f.split(',')) {
            let filter = filter.trim();
            if filter.is_empty() {
                continue;
            }
            let (facet, value) = filter.split_once(':').ok_or_else(|| Error::BadRequest {
                code: "invalid_filter",
                detail: filter.to_string(),
            })?;
            request
                .filters
                .push((facet.trim().to_string(), value.trim().to_string()));
        }
        if let Some(sort) = self
            .sort
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            request.sort = Sort::parse(sort).ok_or_else(|| Error::BadRequest {
                code: "unknown_sort",
                detail: sort.to_string(),
            })?;
        }
        if let Some(page) = number("page", self.page.as_deref())? {
            request.page = page;
        }
        if let Some(page_size) = number("page_size", self.page_size.as_deref())? {
            request.page_size = page_size;
        }
        Ok(request)
    }
}

/// Parameters of autocomplete.
#[derive(Debug, Clone, Default, PartialEq, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestQuery {
    /// What the user has typed so far (any text; the last word counts as a prefix).
    pub q: Option<String>,
    /// Suggestions of each kind, 1 to 20 (default 5).
    pub limit: Option<String>,
}

impl SuggestQuery {
    /// Reads the parameters from a raw query string (unknown ones are ignored).
    pub fn parse(raw: Option<&str>) -> Self {
        let mut query = Self::default();
        for (key, value) in pairs(raw) {
            match key.as_ref() {
                "q" => query.q = Some(value.into_owned()),
                "limit" => query.limit = Some(value.into_owned()),
                _ => {}
            }
        }
        query
    }

    /// The number of suggestions of each kind (400 `invalid_parameter` outside 1 to 20).
    pub fn limit(&self) -> Result<usize, Error> {
        match number("limit", self.limit.as_deref())? {
            None => Ok(SUGGEST_LIMIT),
            Some(limit) if (1..=MAX_SUGGEST_LIMIT).contains(&limit) => Ok(limit),
            Some(_) => Err(Error::BadRequest {
                code: "invalid_parameter",
                detail: "limit".into(),
            }),
        }
    }
}

/// Searches the datasets the caller may see: results with highlights, the total and facet counts.
#[utoipa::path(get, path = "/api/1/search", tag = "search", params(SearchQuery),
    responses((status = 200, body = SearchResults),
        (status = 400, body = ErrorBody, description = "`unknown_facet`, `page_out_of_range`, `unknown_sort`, `invalid_filter` or `invalid_parameter`")))]
pub async fn search(
    State(app): State<App>,
    Caller(actor): Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<SearchResults>> {
    let request = SearchQuery::parse(raw.as_deref()).request()?;
    Ok(Json(app.search(&actor, request).await?))
}

/// Autocomplete: datasets, organizations and keywords that begin like `q`, among what the caller
/// may see.
#[utoipa::path(get, path = "/api/1/suggest", tag = "search", params(SuggestQuery),
    responses((status = 200, body = Suggestions),
        (status = 400, body = ErrorBody, description = "`invalid_parameter`")))]
pub async fn suggest(
    State(app): State<App>,
    Caller(actor): Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Suggestions>> {
    let query = SuggestQuery::parse(raw.as_deref());
    let limit = query.limit()?;
    Ok(Json(
        app.suggest(&actor, query.q.as_deref().unwrap_or_default(), limit)
            .await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_add_up_and_odd_parameters_are_ignored() {
        let query = SearchQuery::parse(Some(
            "q=ng%C3%A2n+s%C3%A1ch&facets=format&facets=theme,&filters=format:CSV,theme:ECON&filters=format:XLSX&lang=en&q2=x",
        ));
        assert_eq!(query.q.as_deref(), Some("ngân sách"));
        let request = query.request().unwrap();
        assert_eq!(request.q, "ngân sách");
        assert_eq!(request.facets, ["format", "theme"]);
        assert_eq!(
            request.filters,
            [
                ("format".to_string(), "CSV".to_string()),
                ("theme".to_string(), "ECON".to_string()),
                ("format".to_string(), "XLSX".to_string()),
            ]
        );
        assert_eq!((request.page, request.page_size), (1, 20));
    }

    #[test]
    fn facets_absent_means_all_and_empty_means_none() {
        let all = SearchQuery::parse(None).request().unwrap();
        assert_eq!(all.facets.len(), FACETS.len());
        assert_eq!(all.q, "");
        let none = SearchQuery::parse(Some("facets=")).request().unwrap();
        assert!(none.facets.is_empty());
    }

    #[test]
    fn malformed_parameters_have_their_code() {
        let code = |raw: &str| match SearchQuery::parse(Some(raw)).request() {
            Err(Error::BadRequest { code, .. }) => code,
            other => panic!("{raw}: {other:?}"),
        };
        assert_eq!(code("filters=format"), "invalid_filter");
        assert_eq!(code("sort=newest"), "unknown_sort");
        assert_eq!(code("page=two"), "invalid_parameter");
        assert_eq!(code("page_size=-1"), "invalid_parameter");
        let ok = SearchQuery::parse(Some("sort=title&page=&page_size=50"))
            .request()
            .unwrap();
        assert_eq!((ok.sort, ok.page, ok.page_size), (Sort::Title, 1, 50));
        assert_eq!(SuggestQuery::parse(None).limit().unwrap(), SUGGEST_LIMIT);
        assert_eq!(SuggestQuery::parse(Some("limit=20")).limit().unwrap(), 20);
        for raw in ["limit=0", "limit=21", "limit=x"] {
            assert!(matches!(
                SuggestQuery::parse(Some(raw)).limit(),
                Err(Error::BadRequest {
                    code: "invalid_parameter",
                    ..
                })
            ));
        }
    }
}
