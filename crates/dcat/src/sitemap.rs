//! `sitemap.xml` (sitemaps.org 0.9): the portal's public pages in both languages, with the
//! date of their last change, split into files of at most [`MAX_URLS`] URLs under a sitemap
//! index when there are more.

use chrono::{DateTime, SecondsFormat, Utc};

/// URLs per sitemap file (the protocol's limit).
pub const MAX_URLS: usize = 50_000;

/// One URL of a sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapUrl {
    /// Absolute URL.
    pub loc: String,
    /// Last change.
    pub lastmod: Option<DateTime<Utc>>,
}

/// The pages of the portal in both languages (Vietnamese at `/…`, English at `/en/…`): home,
/// search and organizations list, then each organization (`slug`, last change) and each public
/// dataset.
pub fn urls(
    base: &str,
    organizations: &[(String, DateTime<Utc>)],
    datasets: &[(String, DateTime<Utc>)],
) -> Vec<SitemapUrl> {
    let mut urls = Vec::with_capacity(6 + 2 * (organizations.len() + datasets.len()));
    let mut both = |path: &str, lastmod: Option<DateTime<Utc>>| {
        for prefix in ["", "/en"] {
            let loc = if path == "/" && !prefix.is_empty() {
                format!("{base}{prefix}")
            } else {
                format!("{base}{prefix}{path}")
            };
            urls.push(SitemapUrl { loc, lastmod });
        }
    };
    for path in ["/", "/search", "/organizations"] {
        both(path, None);
    }
    for (slug, at) in organizations {
        both(&format!("/organization/{slug}"), Some(*at));
    }
    for (slug, at) in datasets {
        both(&format!("/dataset/{slug}"), Some(*at));
    }
    urls
}

/// How many sitemap files `count` URLs need.
pub fn parts(count: usize) -> usize {
    count.div_ceil(MAX_URLS).max(1)
}

/// A `<urlset>` of `urls`.
pub fn urlset(urls: &[SitemapUrl]) -> String {
    let mut out = String::with_capacity(120 * urls.len() + 200);
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    out.push_str("\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for url in urls {
        out.push_str("<url><loc>");
        escape_into(&mut out, &url.loc);
        out.push_str("</loc>");
        if let Some(at) = url.lastmod {
            out.push_str("<lastmod>");
            out.push_str(&at.to_rfc3339_opts(SecondsFormat::Secs, true));
            out.push_str("</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// A `<sitemapindex>` of `parts` sitemap files at `{sitemap_url}?page=N`.
pub fn index(sitemap_url: &str, parts: usize) -> String {
    let mut out = String::new();
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    out.push_str("\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for part in 1..=parts {
        out.push_str("<sitemap><loc>");
        escape_into(&mut out, &format!("{sitemap_url}?page={part}"));
        out.push_str("</loc></sitemap>\n");
    }
    out.push_str("</sitemapindex>\n");
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn lists_both_languages_and_escapes() {
        let at = Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap();
        let urls = urls(
            "https://d.example",
            &[("gso".into(), at)],
            &[("dan-so".into(), at)],
        );
        let locs: Vec<&str> = urls.iter().map(|u| u.loc.as_str()).collect();
        assert_eq!(
            locs,
            [
                "https://d.example/",
                "https://d.example/en",
                "https://d.example/search",
                "https://d.example/en/search",
                "https://d.example/organizations",
                "https://d.example/en/organizations",
                "https://d.example/organization/gso",
                "https://d.example/en/organization/gso",
                "https://d.example/dataset/dan-so",
                "https://d.example/en/dataset/dan-so",
            ]
        );
        let xml = urlset(&urls);
        assert!(xml.contains(
            "<url><loc>https://d.example/dataset/dan-so</loc><lastmod>2024-05-06T07:08:09Z</lastmod></url>"
        ));
        let index = index("https://d.example/sitemap.xml", 2);
        assert!(index.contains("<loc>https://d.example/sitemap.xml?page=2</loc>"));
        assert_eq!(parts(0), 1);
        assert_eq!(parts(MAX_URLS), 1);
        assert_eq!(parts(MAX_URLS + 1), 2);
    }
}
