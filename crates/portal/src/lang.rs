//! The language of a page, read from its path: `/en` and `/en/…` are English, the rest Vietnamese.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use dulieu_i18n::Locale;
use serde::Serialize;

/// Path prefix of the English pages.
const EN_PREFIX: &str = "/en";

/// The language of the requested page and the page's path in the default language.
#[derive(Debug, Clone)]
pub struct Lang {
    /// The page's language.
    pub locale: Locale,
    /// The path and query without the language prefix (`/search?q=x`, `/` for home).
    pub neutral: String,
}

impl Lang {
    /// Reads the language from a request path and query (`/en/search?q=x`). Leading slashes are
    /// collapsed, so that no language link can become protocol-relative (`//host`).
    pub fn from_path(path_and_query: &str) -> Self {
        let english = path_and_query
            .strip_prefix(EN_PREFIX)
            .filter(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'));
        let (locale, rest) = match english {
            Some(rest) => (Locale::En, rest),
            None => (Locale::Vi, path_and_query),
        };
        Self {
            locale,
            neutral: format!("/{}", rest.trim_start_matches('/')),
        }
    }

    /// The prefix of links to pages in this language: `""` or `"/en"`.
    pub fn prefix(&self) -> &'static str {
        prefix_of(self.locale)
    }

    /// The same page in `locale`.
    pub fn href_in(&self, locale: Locale) -> String {
        format!("{}{}", prefix_of(locale), self.neutral)
    }

    /// What every template needs to know about the page's language and its alternates.
    pub fn meta(&self) -> LangMeta {
        let other = match self.locale {
            Locale::Vi => Locale::En,
            Locale::En => Locale::Vi,
        };
        LangMeta {
            lang: self.locale.as_str(),
            prefix: self.prefix(),
            other_lang: other.as_str(),
            other_href: self.href_in(other),
            href_vi: self.href_in(Locale::Vi),
            href_en: self.href_in(Locale::En),
        }
    }
}

/// The link prefix of `locale`.
pub fn prefix_of(locale: Locale) -> &'static str {
    match locale {
        Locale::Vi => "",
        Locale::En => EN_PREFIX,
    }
}

/// The language fields of every page's template context.
#[derive(Debug, Serialize)]
pub struct LangMeta {
    /// `vi` or `en`.
    pub lang: &'static str,
    /// Prefix of links to pages in this language.
    pub prefix: &'static str,
    /// The other language's tag.
    pub other_lang: &'static str,
    /// This page in the other language.
    pub other_href: String,
    /// This page in Vietnamese.
    pub href_vi: String,
    /// This page in English.
    pub href_en: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let path = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path(), |pq| pq.as_str());
        Ok(Self::from_path(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_decides_the_language() {
        let en = Lang::from_path("/en/search?q=x");
        assert_eq!(en.locale, Locale::En);
        assert_eq!(en.neutral, "/search?q=x");
        assert_eq!(en.href_in(Locale::Vi), "/search?q=x");
        assert_eq!(Lang::from_path("/en").neutral, "/");
        assert_eq!(Lang::from_path("/en?x=1").neutral, "/?x=1");
        let vi = Lang::from_path("/english-data");
        assert_eq!(vi.locale, Locale::Vi);
        assert_eq!(vi.href_in(Locale::En), "/en/english-data");
        assert_eq!(
            Lang::from_path("/en//evil.example").href_in(Locale::Vi),
            "/evil.example"
        );
        assert_eq!(Lang::from_path("//evil.example").neutral, "/evil.example");
    }
}
