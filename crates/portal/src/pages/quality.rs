//! The watchdog's pages: a dataset's quality tab (its scores, every finding with how to fix
//! it, the watchdog's open tickets, its history as a chart and a table, and for its editors the
//! form that checks it again), an organization's scorecard, and the national league table.
//! Data from `dulieu_app::quality::views`.

mod chart;
pub(crate) mod dataset;
mod league;
mod organization;

use axum::Router;
use axum::routing::{get, post};
use dulieu_app::App;
use dulieu_i18n::{Locale, message};
use serde::Serialize;

pub use dataset::{recheck, tab};
pub use league::page as league_page;
pub use organization::page as scorecard_page;

/// The watchdog's pages under `prefix` (`""` or `"/en"`).
pub(crate) fn routes(prefix: &str) -> Router<App> {
    let at = |path: &str| format!("{prefix}{path}");
    Router::new()
        .route(&at("/dataset/{slug}/quality"), get(tab))
        .route(&at("/dataset/{slug}/quality/recheck"), post(recheck))
        .route(&at("/organization/{slug}/quality"), get(scorecard_page))
        .route(&at("/quality"), get(league_page))
}

/// The path of a dataset's quality tab, without the language prefix.
pub(crate) fn dataset_path(slug: &str) -> String {
    format!("/dataset/{slug}/quality")
}

/// The path of an organization's scorecard, without the language prefix.
pub(crate) fn scorecard_path(slug: &str) -> String {
    format!("/organization/{slug}/quality")
}

/// `value` with `digits` decimals, with the language's decimal mark (`2,5` in Vietnamese).
fn decimal(value: f64, digits: usize, locale: Locale) -> String {
    let text = format!("{value:.digits$}");
    let text = if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() {
        text.trim_start_matches('-').to_string()
    } else {
        text
    };
    match locale {
        Locale::Vi => text.replace('.', ","),
        Locale::En => text,
    }
}

/// A share (0–1) as a whole percentage: `67%`.
fn percent(share: f64, locale: Locale) -> String {
    format!("{}%", decimal(share * 100.0, 0, locale))
}

/// MQA points as written: a whole number (`245`).
fn points(value: f64, locale: Locale) -> String {
    decimal(value, 0, locale)
}

/// `stars` (0–5) as five glyphs, filled then empty: `★★★☆☆`.
fn star_glyphs(stars: i64) -> String {
    let filled = usize::try_from(stars.clamp(0, 5)).unwrap_or(0);
    format!("{}{}", "★".repeat(filled), "☆".repeat(5 - filled))
}

/// An MQA band as pages show it: its wire name (for the badge's colour) and its name.
#[derive(Debug, Serialize)]
struct Band {
    name: String,
    label: String,
}

impl Band {
    fn new(name: &str, locale: Locale) -> Self {
        Self {
            name: name.to_string(),
            label: message(locale, &format!("check.mqa.band.{name}"), &[]),
        }
    }
}

/// One bar of a distribution (datasets per band, per star level): its label, count and share.
#[derive(Debug, Serialize)]
struct Bar {
    label: String,
    /// The wire name, for the bar's colour (a band's name, or the star level).
    key: String,
    count: i64,
    /// Share of all datasets, as written.
    share: String,
    /// Width of the bar, in percent of the widest possible.
    width: f64,
}

impl Bar {
    fn new(key: String, label: String, count: i64, total: i64, locale: Locale) -> Self {
        let share = if total > 0 {
            count as f64 / total as f64
        } else {
            0.0
        };
        Self {
            label,
            key,
            count,
            share: percent(share, locale),
            width: (share * 1000.0).round() / 10.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_per_language() {
        assert_eq!(decimal(2.46, 1, Locale::Vi), "2,5");
        assert_eq!(decimal(2.44, 1, Locale::En), "2.4");
        assert_eq!(decimal(-0.01, 1, Locale::En), "0.0");
        assert_eq!(percent(2.0 / 3.0, Locale::En), "67%");
        assert_eq!(percent(0.0, Locale::Vi), "0%");
        assert_eq!(points(244.6, Locale::Vi), "245");
    }

    #[test]
    fn stars_are_five_glyphs() {
        assert_eq!(star_glyphs(3), "★★★☆☆");
        assert_eq!(star_glyphs(0), "☆☆☆☆☆");
        assert_eq!(star_glyphs(9), "★★★★★");
        assert_eq!(star_glyphs(-1), "☆☆☆☆☆");
    }

    #[test]
    fn bars_are_shares_of_the_total() {
        let bar = Bar::new("good".into(), "Good".into(), 1, 4, Locale::En);
        assert_eq!((bar.share.as_str(), bar.width), ("25%", 25.0));
        let none = Bar::new("bad".into(), "Bad".into(), 0, 0, Locale::En);
        assert_eq!((none.share.as_str(), none.width), ("0%", 0.0));
    }
}
