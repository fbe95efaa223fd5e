//! `/quality`: the national league table — every organization with checked public datasets,
//! best average MQA first, each linking to its scorecard — and the links to download every
//! finding as open data.

use axum::extract::State;
use dulieu_app::App;
use dulieu_core::Result;
use dulieu_i18n::message;
use serde::Serialize;

use super::{Band, decimal, percent, points, scorecard_path};
use crate::error::{PageResult, respond};
use crate::lang::Lang;
use crate::pages::text_in;
use crate::render::render;
use crate::session::Visitor;

/// Every finding as CSV (crates/web).
const FINDINGS_CSV: &str = "/api/1/quality/findings.csv";
/// Every finding as JSON (crates/web).
const FINDINGS_JSON: &str = "/api/1/quality/findings.json";

#[derive(Serialize)]
struct LeaguePage {
    rows: Vec<LeagueRow>,
    csv_href: &'static str,
    json_href: &'static str,
}

#[derive(Serialize)]
struct LeagueRow {
    rank: usize,
    name: String,
    href: String,
    datasets: i64,
    mqa: String,
    band: Band,
    stars: String,
    three_stars: String,
    compliant: String,
    violations: i64,
}

async fn build(app: &App, lang: &Lang, visitor: &Visitor) -> Result<String> {
    let locale = lang.locale;
    let rows = app
        .quality_league()
        .await?
        .into_iter()
        .map(|e| LeagueRow {
            rank: e.rank,
            name: text_in(&e.name, locale),
            href: format!("{}{}", lang.prefix(), scorecard_path(&e.organization)),
            datasets: e.datasets,
            mqa: points(e.mqa_average, locale),
            band: Band::new(&e.mqa_band, locale),
            stars: decimal(e.stars_average, 1, locale),
            three_stars: percent(e.three_stars_share, locale),
            compliant: percent(e.compliant_share, locale),
            violations: e.violations,
        })
        .collect();
    let title = message(locale, "portal.quality.league_title", &[]);
    let page = LeaguePage {
        rows,
        csv_href: FINDINGS_CSV,
        json_href: FINDINGS_JSON,
    };
    render("quality_league.html", lang, visitor, &title, page)
}

/// `GET /quality` and `GET /en/quality`.
pub async fn page(State(app): State<App>, lang: Lang, visitor: Visitor) -> PageResult {
    let page = build(&app, &lang, &visitor).await;
    respond(lang, page)
}
