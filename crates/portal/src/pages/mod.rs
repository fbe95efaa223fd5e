//! The pages, one module each, and the view of a search result they share.

pub mod account;
pub mod attached_form;
pub mod dataset;
pub mod dataset_form;
pub mod feedback;
pub mod files;
pub mod harvest;
pub mod history;
pub mod home;
pub mod inbox;
pub mod inventory;
pub mod members;
pub mod my_requests;
pub mod notifications;
pub mod organizations;
pub mod quality;
pub mod readiness;
pub mod requests;
pub mod review;
pub mod runs;
pub mod search;
pub mod sources;
pub mod tables;
pub mod ticket_forms;
pub mod tokens;
pub mod workspace;

use dulieu_core::Result;
use dulieu_core::text::LangText;
use dulieu_i18n::Locale;
use dulieu_search::Hit;
use serde::Serialize;

use crate::format;

/// The page number of a `?page=` parameter: 1 when empty, else a whole number from 1 to a
/// million (a 422 naming `page` otherwise).
pub(crate) fn page_number(raw: &str) -> Result<i64> {
    match raw.trim() {
        "" => Ok(1),
        text => text
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=1_000_000).contains(p))
            .ok_or_else(|| requests::invalid_value("page", "1, 2, 3, …")),
    }
}

/// `text` in `locale`, falling back to the other language, or empty.
pub(crate) fn text_in(text: &LangText, locale: Locale) -> String {
    text.get(locale.as_str()).unwrap_or_default().to_string()
}

/// The highlight that goes with the language `text` is shown in (`vi` or `en` variant).
fn highlight_for(
    text: &LangText,
    locale: Locale,
    vi: &Option<String>,
    en: &Option<String>,
) -> Option<String> {
    let shows_english = match locale {
        Locale::En => text.en.is_some(),
        Locale::Vi => text.vi.is_none(),
    };
    if shows_english {
        en.clone()
    } else {
        vi.clone()
    }
}

/// A search result as the pages list it. `*_html` are the search crate's highlights (escaped
/// text with `<mark>` only); the plain fields are escaped by the templates.
#[derive(Debug, Serialize)]
pub(crate) struct HitView {
    slug: String,
    title: String,
    title_html: Option<String>,
    excerpt: String,
    excerpt_html: Option<String>,
    publisher: String,
    publisher_slug: String,
    provenance: String,
    formats: Vec<String>,
    license_open: bool,
    modified: String,
}

impl HitView {
    /// The view of `hit` in `locale`.
    pub(crate) fn new(hit: &Hit, locale: Locale) -> Self {
        let h = &hit.highlights;
        Self {
            slug: hit.slug.clone(),
            title: text_in(&hit.title, locale),
            title_html: highlight_for(&hit.title, locale, &h.title, &h.title_en),
            excerpt: text_in(&hit.excerpt, locale),
            excerpt_html: highlight_for(&hit.excerpt, locale, &h.description, &h.description_en),
            publisher: text_in(&hit.publisher.name, locale),
            publisher_slug: hit.publisher.slug.clone(),
            provenance: hit.publisher.provenance.clone(),
            formats: hit.formats.clone(),
            license_open: hit.license_open,
            modified: format::date(hit.modified, locale),
        }
    }
}
