//! `/`: the search form, the catalog in figures, themes, the newest and the most-used datasets
//! (by downloads in the last days), official and community entry points.

use axum::extract::State;
use dulieu_app::{App, MOST_USED_DAYS, PageRequest};
use dulieu_core::Result;
use dulieu_i18n::{Locale, message};
use dulieu_search::Sort;
use serde::Serialize;

use super::{HitView, text_in};
use crate::error::{PageResult, respond};
use crate::format;
use crate::lang::Lang;
use crate::query::SearchQuery;
use crate::render::render;
use crate::session::Visitor;

/// Newest datasets shown.
const NEWEST: usize = 6;
/// Most-used datasets shown.
const MOST_USED: usize = 6;

#[derive(Serialize)]
struct Home {
    datasets: String,
    organizations: String,
    open_percent: u64,
    themes: Vec<ThemeLink>,
    newest: Vec<HitView>,
    newest_href: String,
    most_used: Vec<UsedView>,
    most_used_days: u64,
    official_href: String,
    community_href: String,
}

#[derive(Serialize)]
struct ThemeLink {
    label: String,
    count: String,
    href: String,
}

/// A most-used dataset: its link, publisher and downloads in the period.
#[derive(Serialize)]
struct UsedView {
    slug: String,
    title: String,
    publisher: String,
    publisher_slug: String,
    downloads: String,
}

/// The most-used public datasets, with their publishers' names in `locale`.
async fn most_used(app: &App, locale: Locale) -> Result<Vec<UsedView>> {
    let used = app.most_used_datasets(MOST_USED).await?;
    let mut views = Vec::with_capacity(used.len());
    for u in used {
        let publisher = app.get_organization(&u.dataset.publisher).await?;
        views.push(UsedView {
            title: text_in(&u.dataset.title, locale),
            slug: u.dataset.slug,
            publisher: text_in(&publisher.name, locale),
            publisher_slug: publisher.slug,
            downloads: format::count(u.downloads, locale),
        });
    }
    Ok(views)
}

/// `GET /` and `GET /en/`.
pub async fn page(State(app): State<App>, lang: Lang, visitor: Visitor) -> PageResult {
    let page = build(&app, &lang, &visitor).await;
    respond(lang, page)
}

/// A search filtered on one `facet:value`, as a link.
pub(crate) fn filtered_href(facet: &str, value: &str, prefix: &str) -> String {
    SearchQuery::default().toggled(facet, value).href(prefix)
}

async fn build(app: &App, lang: &Lang, visitor: &Visitor) -> Result<String> {
    let locale = lang.locale;
    let prefix = lang.prefix();
    let mut request = SearchQuery::default().request(&["open_license", "theme"]);
    request.sort = Sort::Modified;
    request.page_size = NEWEST;
    let results = app.search(&visitor.actor(), request).await?;
    let organizations = app
        .list_organizations(PageRequest {
            page: 1,
            page_size: 1,
        })
        .await?
        .total;
    let open = results
        .facets
        .get("open_license")
        .and_then(|buckets| buckets.iter().find(|b| b.value == "yes"))
        .map_or(0, |b| b.count);
    let open_percent = (open * 100).checked_div(results.total).unwrap_or(0);
    let themes = results
        .facets
        .get("theme")
        .map(|buckets| {
            buckets
                .iter()
                .map(|b| ThemeLink {
                    label: b
                        .label
                        .as_ref()
                        .map_or_else(|| b.value.clone(), |l| text_in(l, locale)),
                    count: format::count(b.count, locale),
                    href: filtered_href("theme", &b.value, prefix),
                })
                .collect()
        })
        .unwrap_or_default();
    let home = Home {
        datasets: format::count(results.total, locale),
        organizations: format::count(u64::try_from(organizations).unwrap_or(0), locale),
        open_percent,
        themes,
        newest: results
            .results
            .iter()
            .map(|h| HitView::new(h, locale))
            .collect(),
        newest_href: SearchQuery::default().sorted("modified").href(prefix),
        most_used: most_used(app, locale).await?,
        most_used_days: MOST_USED_DAYS,
        official_href: filtered_href("provenance", "official", prefix),
        community_href: filtered_href("provenance", "community", prefix),
    };
    render(
        "home.html",
        lang,
        visitor,
        &message(locale, "portal.nav.home", &[]),
        home,
    )
}
