//! `/organization/{slug}/quality`: an organization's scorecard — its averages, its datasets per
//! MQA band and per star level (bars, with the numbers in words), its violations by rule, its
//! trend (chart and table) and its datasets, worst first, each linking to its quality tab.

use axum::extract::{Path, State};
use dulieu_app::App;
use dulieu_app::quality::views::{OrganizationQuality, TrendDay};
use dulieu_core::Result;
use dulieu_i18n::{Locale, message};
use serde::Serialize;

use super::chart::{self, Point};
use super::{Band, Bar, dataset_path, decimal, percent, points, star_glyphs};
use crate::error::{PageResult, respond};
use crate::format;
use crate::lang::Lang;
use crate::pages::text_in;
use crate::render::render;
use crate::session::Visitor;

/// The MQA bands, worst first.
const BANDS: [&str; 4] = ["bad", "sufficient", "good", "excellent"];

#[derive(Serialize)]
struct ScorecardPage {
    organization_name: String,
    organization_href: String,
    public_only: bool,
    datasets: i64,
    mqa_average: String,
    mqa_band: Band,
    stars_average: String,
    udata_average: String,
    compliant: i64,
    compliant_share: String,
    violations: i64,
    bands: Vec<Bar>,
    stars: Vec<Bar>,
    rules: Vec<RuleRow>,
    trend_svg: String,
    trend: Vec<TrendRow>,
    dataset_rows: Vec<DatasetRow>,
    /// The inventory against its publication plan (overdue items are violations).
    inventory: crate::pages::inventory::ScorecardSection,
}

#[derive(Serialize)]
struct RuleRow {
    title: String,
    datasets: i64,
    width: f64,
}

#[derive(Serialize)]
struct TrendRow {
    date: String,
    datasets: i64,
    mqa: String,
    stars: String,
    violations: i64,
}

#[derive(Serialize)]
struct DatasetRow {
    title: String,
    href: String,
    stars: i64,
    star_glyphs: String,
    mqa: String,
    band: Band,
    violations: i64,
    warnings: i64,
    /// Titles of the rules violated.
    rules: Vec<String>,
    public: bool,
}

/// The chart of an organization's trend.
fn trend_chart(trend: &[TrendDay], locale: Locale) -> String {
    let (Some(first), Some(last)) = (trend.first(), trend.last()) else {
        return String::new();
    };
    let chart_points: Vec<Point> = trend
        .iter()
        .map(|d| Point {
            at: (d.day - first.day).num_days() as f64,
            label: format::date(d.day, locale),
            mqa: d.mqa_average,
            stars: d.stars_average,
        })
        .collect();
    let description = message(
        locale,
        "portal.quality.trend_desc",
        &[
            ("count", &trend.len().to_string()),
            ("from", &format::date(first.day, locale)),
            ("to", &format::date(last.day, locale)),
            ("mqa_first", &points(first.mqa_average, locale)),
            ("mqa_last", &points(last.mqa_average, locale)),
            ("stars_first", &decimal(first.stars_average, 1, locale)),
            ("stars_last", &decimal(last.stars_average, 1, locale)),
        ],
    );
    let title = message(locale, "portal.quality.trend_chart", &[]);
    chart::render("trend-chart", &title, &description, &chart_points)
}

fn scorecard(q: &OrganizationQuality, lang: &Lang) -> ScorecardPage {
    let locale = lang.locale;
    let total = q.datasets;
    let widest_rule = q.rules.iter().map(|r| r.datasets).max().unwrap_or(0).max(1);
    ScorecardPage {
        organization_name: text_in(&q.name, locale),
        organization_href: format!("{}/organization/{}", lang.prefix(), q.organization),
        public_only: q.public_only,
        datasets: total,
        mqa_average: points(q.mqa_average, locale),
        mqa_band: Band::new(&q.mqa_band, locale),
        stars_average: decimal(q.stars_average, 1, locale),
        udata_average: percent(q.udata_average, locale),
        compliant: q.compliant,
        compliant_share: percent(
            if total > 0 {
                q.compliant as f64 / total as f64
            } else {
                0.0
            },
            locale,
        ),
        violations: q.violations,
        bands: BANDS
            .iter()
            .map(|band| {
                Bar::new(
                    band.to_string(),
                    message(locale, &format!("check.mqa.band.{band}"), &[]),
                    q.bands.get(*band).copied().unwrap_or(0),
                    total,
                    locale,
                )
            })
            .collect(),
        stars: q
            .stars
            .iter()
            .enumerate()
            .map(|(level, &count)| {
                Bar::new(
                    level.to_string(),
                    message(
                        locale,
                        "portal.quality.stars_of",
                        &[("stars", &level.to_string())],
                    ),
                    count,
                    total,
                    locale,
                )
            })
            .collect(),
        rules: q
            .rules
            .iter()
            .map(|r| RuleRow {
                title: r.title.clone(),
                datasets: r.datasets,
                width: (r.datasets as f64 / widest_rule as f64 * 1000.0).round() / 10.0,
            })
            .collect(),
        trend_svg: trend_chart(&q.trend, locale),
        trend: q
            .trend
            .iter()
            .map(|d| TrendRow {
                date: format::date(d.day, locale),
                datasets: d.datasets,
                mqa: points(d.mqa_average, locale),
                stars: decimal(d.stars_average, 1, locale),
                violations: d.violations,
            })
            .collect(),
        dataset_rows: q
            .datasets_list
            .iter()
            .map(|d| DatasetRow {
                title: text_in(&d.title, locale),
                href: format!("{}{}", lang.prefix(), dataset_path(&d.slug)),
                stars: d.stars,
                star_glyphs: star_glyphs(d.stars),
                mqa: points(d.mqa_points, locale),
                band: Band::new(&d.mqa_band, locale),
                violations: d.violations,
                warnings: d.warnings,
                rules: d
                    .violated_rules
                    .iter()
                    .map(|r| message(locale, &format!("check.{r}.title"), &[]))
                    .collect(),
                public: d.public,
            })
            .collect(),
        inventory: crate::pages::inventory::ScorecardSection::new(
            &q.inventory,
            &q.organization,
            lang,
        ),
    }
}

async fn build(app: &App, lang: &Lang, visitor: &Visitor, slug: &str) -> Result<String> {
    let locale = lang.locale;
    let quality = app
        .organization_quality(&visitor.actor(), slug, locale)
        .await?;
    let page = scorecard(&quality, lang);
    let title = message(
        locale,
        "portal.quality.scorecard_title",
        &[("organization", &page.organization_name)],
    );
    render("quality_scorecard.html", lang, visitor, &title, page)
}

/// `GET /organization/{slug}/quality`: the scorecard (public datasets only, unless the visitor
/// is a member or of the portal team).
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> PageResult {
    let page = build(&app, &lang, &visitor, &slug).await;
    respond(lang, page)
}
