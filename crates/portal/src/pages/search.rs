//! `/search`: results with highlights, facets that add filters, removable filter chips, sorts,
//! paging and a "no results" block.

use axum::extract::{RawQuery, State};
use dulieu_app::App;
use dulieu_core::text::LangText;
use dulieu_core::{Error, Result};
use dulieu_i18n::{Locale, has_message, message};
use dulieu_search::{FacetBucket, MAX_RESULT_WINDOW, SearchResults, Sort};
use serde::Serialize;
use url::form_urlencoded;

use super::{HitView, text_in};
use crate::error::{PageResult, respond};
use crate::format;
use crate::lang::Lang;
use crate::query::{PAGE_SIZE, SearchQuery};
use crate::render::render;
use crate::session::Visitor;

/// Facets offered as filters, in the order shown.
const FACETS: &[&str] = &[
    "provenance",
    "organization",
    "theme",
    "format",
    "open_license",
    "frequency",
    "organization_kind",
    "stars",
    "quality",
];

#[derive(Serialize)]
struct SearchPage {
    q: String,
    hidden_filters: Vec<String>,
    total: String,
    relaxed: bool,
    hits: Vec<HitView>,
    chips: Vec<Link>,
    clear_href: String,
    facets: Vec<FacetView>,
    sorts: Vec<SortLink>,
    page_number: usize,
    pages: usize,
    previous_href: Option<String>,
    next_href: Option<String>,
    request_href: String,
}

#[derive(Serialize)]
struct Link {
    label: String,
    href: String,
}

#[derive(Serialize)]
struct FacetView {
    name: &'static str,
    values: Vec<FacetValueView>,
}

#[derive(Serialize)]
struct FacetValueView {
    label: String,
    count: String,
    href: String,
    active: bool,
}

#[derive(Serialize)]
struct SortLink {
    name: &'static str,
    href: String,
    current: bool,
}

/// `GET /search` and `GET /en/search`.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let page = build(&app, &lang, &visitor, raw.as_deref()).await;
    respond(lang, page)
}

/// The label of a facet value: a vocabulary label for codes, else the indexed label, else the value.
pub(crate) fn value_label(
    facet: &str,
    value: &str,
    label: Option<&LangText>,
    locale: Locale,
) -> String {
    if facet == "stars" {
        return message(locale, "portal.quality.stars_of", &[("stars", value)]);
    }
    let key = match facet {
        "provenance" => format!("ui.provenance.{value}"),
        "organization_kind" => format!("ui.kind.{value}"),
        "frequency" => format!("ui.frequency.{value}"),
        "open_license" => format!("portal.open_license.{value}"),
        "quality" => format!("check.mqa.band.{value}"),
        _ => String::new(),
    };
    if has_message(&key) {
        return message(locale, &key, &[]);
    }
    label.map_or_else(|| value.to_string(), |l| text_in(l, locale))
}

/// The bucket of `facet` whose value is `value` (as typed in the URL, any case).
fn bucket<'a>(results: &'a SearchResults, facet: &str, value: &str) -> Option<&'a FacetBucket> {
    results
        .facets
        .get(facet)?
        .iter()
        .find(|b| b.value.eq_ignore_ascii_case(value))
}

async fn build(app: &App, lang: &Lang, visitor: &Visitor, raw: Option<&str>) -> Result<String> {
    let locale = lang.locale;
    let prefix = lang.prefix();
    let query = SearchQuery::parse(raw)?;
    let results = app.search(&visitor.actor(), query.request(FACETS)).await?;
    let reachable = usize::try_from(results.total)
        .unwrap_or(usize::MAX)
        .min(MAX_RESULT_WINDOW);
    let pages = reachable.div_ceil(PAGE_SIZE).max(1);
    if query.page > pages {
        return Err(Error::BadRequest {
            code: "page_out_of_range",
            detail: format!("page={} > {pages}", query.page),
        });
    }
    let chips = query
        .filters
        .iter()
        .map(|(facet, value)| {
            let label = bucket(&results, facet, value).and_then(|b| b.label.as_ref());
            let facet_title = message(locale, &format!("portal.facet.{facet}"), &[]);
            Link {
                label: format!(
                    "{facet_title}: {}",
                    value_label(facet, value, label, locale)
                ),
                href: query.toggled(facet, value).href(prefix),
            }
        })
        .collect();
    let facets = FACETS
        .iter()
        .filter_map(|&name| {
            let buckets = results.facets.get(name).filter(|b| !b.is_empty())?;
            let values = buckets
                .iter()
                .map(|b| FacetValueView {
                    label: value_label(name, &b.value, b.label.as_ref(), locale),
                    count: format::count(b.count, locale),
                    href: query.toggled(name, &b.value).href(prefix),
                    active: query.has_filter(name, &b.value),
                })
                .collect();
            Some(FacetView { name, values })
        })
        .collect();
    let current_sort = query
        .sort
        .as_deref()
        .and_then(Sort::parse)
        .unwrap_or_default();
    let sorts = Sort::NAMES
        .iter()
        .map(|&name| SortLink {
            name,
            href: query.sorted(name).href(prefix),
            current: Sort::parse(name) == Some(current_sort),
        })
        .collect();
    let request_href = format!(
        "{prefix}/requests/new?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &query.q)
            .finish()
    );
    let search = SearchPage {
        q: query.q.clone(),
        hidden_filters: query
            .filters
            .iter()
            .map(|(f, v)| format!("{f}:{v}"))
            .collect(),
        total: format::count(results.total, locale),
        relaxed: results.relaxed,
        hits: results
            .results
            .iter()
            .map(|h| HitView::new(h, locale))
            .collect(),
        chips,
        clear_href: query.unfiltered().href(prefix),
        facets,
        sorts,
        page_number: query.page,
        pages,
        previous_href: (query.page > 1).then(|| query.on_page(query.page - 1).href(prefix)),
        next_href: (query.page < pages).then(|| query.on_page(query.page + 1).href(prefix)),
        request_href,
    };
    let title = if query.q.is_empty() {
        message(locale, "portal.search.title", &[])
    } else {
        format!(
            "{} · {}",
            query.q,
            message(locale, "portal.search.title", &[])
        )
    };
    render("search.html", lang, visitor, &title, search)
}
