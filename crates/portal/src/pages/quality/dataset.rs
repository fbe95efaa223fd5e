//! `/dataset/{slug}/quality`: a dataset's quality tab — its scores, its findings by severity
//! with how to fix each, the watchdog's open tickets, its history (chart and table) and, for
//! those who may, the form that checks it again (`POST …/quality/recheck`).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use dulieu_app::App;
use dulieu_app::quality::views::{DatasetQuality, FindingView, HistoryView, SeverityCounts};
use dulieu_core::Result;
use dulieu_i18n::{Locale, message};
use serde::Serialize;

use super::chart::{self, Point};
use super::{Band, dataset_path, percent, points, star_glyphs};
use crate::error::{PageError, PageResult, respond};
use crate::format;
use crate::lang::Lang;
use crate::notice::{NoticeQuery, redirect_with_notice};
use crate::pages::account::{signed_in_post, to_sign_in};
use crate::pages::feedback::DatasetTabs;
use crate::pages::text_in;
use crate::pages::ticket_forms::Answer;
use crate::render::render;
use crate::session::Visitor;

#[derive(Serialize)]
struct TabPage {
    tabs: DatasetTabs,
    dataset_title: String,
    notice: Option<String>,
    checked_at: String,
    profile: String,
    scores: ScoresView,
    counts: SeverityCounts,
    findings: Vec<FindingItem>,
    tickets: Vec<TicketItem>,
    history: HistoryBlock,
    recheck: Option<RecheckForm>,
}

/// The scores as written.
#[derive(Serialize)]
struct ScoresView {
    stars: u8,
    star_glyphs: String,
    mqa_points: String,
    mqa_band: Band,
    mqa_parts: Vec<MqaPart>,
    udata: String,
    godi_points: u32,
    godi_class: String,
    odi_level: String,
    /// What the next ODI level needs (catalog labels).
    odi_unmet: Vec<String>,
}

/// One MQA indicator: what it is, its dimension, its points out of its most.
#[derive(Serialize)]
struct MqaPart {
    label: String,
    dimension: String,
    points: String,
    max: u32,
}

#[derive(Serialize)]
pub(crate) struct FindingItem {
    severity: &'static str,
    rule: String,
    rule_title: String,
    subject: String,
    message: String,
    fix: String,
}

impl From<&FindingView> for FindingItem {
    fn from(f: &FindingView) -> Self {
        Self {
            severity: f.severity.as_str(),
            rule: f.rule.as_str().to_string(),
            rule_title: f.rule_title.clone(),
            subject: f.subject_label.clone(),
            message: f.message.clone(),
            fix: f.fix.clone(),
        }
    }
}

#[derive(Serialize)]
struct TicketItem {
    href: String,
    rule_title: String,
    state: String,
    last_day: String,
}

/// A history as a chart and the same numbers as a table.
#[derive(Serialize)]
struct HistoryBlock {
    svg: String,
    rows: Vec<HistoryRow>,
}

#[derive(Serialize)]
struct HistoryRow {
    date: String,
    stars: i64,
    mqa: String,
    violations: i64,
    warnings: i64,
}

#[derive(Serialize)]
struct RecheckForm {
    action: String,
    csrf: String,
}

/// The wire name of a serialised enum value (`"open_data"`).
fn wire<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn scores_view(quality: &DatasetQuality, locale: Locale) -> ScoresView {
    let scores = &quality.report.scores;
    ScoresView {
        stars: scores.stars.dataset,
        star_glyphs: star_glyphs(i64::from(scores.stars.dataset)),
        mqa_points: points(scores.mqa.points, locale),
        mqa_band: Band::new(scores.mqa.band.as_str(), locale),
        mqa_parts: scores
            .mqa
            .indicators
            .iter()
            .map(|i| MqaPart {
                label: message(locale, &format!("check.mqa.{}", i.id), &[]),
                dimension: message(
                    locale,
                    &format!("check.mqa.dimension.{}", wire(&i.dimension)),
                    &[],
                ),
                points: points(i.points, locale),
                max: i.max,
            })
            .collect(),
        udata: percent(scores.udata.score, locale),
        godi_points: scores.godi.points,
        godi_class: wire(&scores.godi.class),
        odi_level: wire(&scores.odi.level),
        odi_unmet: scores
            .odi
            .unmet
            .iter()
            .map(|id| message(locale, &format!("check.odi.requirement.{id}"), &[]))
            .collect(),
    }
}

/// The chart and table of a dataset's history.
fn history_block(history: &[HistoryView], locale: Locale) -> HistoryBlock {
    let chart_points: Vec<Point> = history
        .iter()
        .map(|h| Point {
            at: h.checked_at.timestamp_millis() as f64,
            label: format::date(h.checked_at.date_naive(), locale),
            mqa: h.mqa_points,
            stars: h.stars as f64,
        })
        .collect();
    let svg = match (history.first(), history.last()) {
        (Some(first), Some(last)) => {
            let description = message(
                locale,
                "portal.quality.history_desc",
                &[
                    ("count", &history.len().to_string()),
                    ("from", &format::date(first.checked_at.date_naive(), locale)),
                    ("to", &format::date(last.checked_at.date_naive(), locale)),
                    ("mqa_first", &points(first.mqa_points, locale)),
                    ("mqa_last", &points(last.mqa_points, locale)),
                    ("stars_first", &first.stars.to_string()),
                    ("stars_last", &last.stars.to_string()),
                ],
            );
            let title = message(locale, "portal.quality.history_chart", &[]);
            chart::render("history-chart", &title, &description, &chart_points)
        }
        _ => String::new(),
    };
    HistoryBlock {
        svg,
        rows: history
            .iter()
            .map(|h| HistoryRow {
                date: format::moment(h.checked_at, locale),
                stars: h.stars,
                mqa: points(h.mqa_points, locale),
                violations: h.violations,
                warnings: h.warnings,
            })
            .collect(),
    }
}

async fn build(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    slug: &str,
    notice: &NoticeQuery,
) -> Result<String> {
    let locale = lang.locale;
    let actor = visitor.actor();
    let quality = app.dataset_quality(&actor, slug, locale).await?;
    let clock = &app.ticket_rules().clock;
    let title = text_in(&quality.title, locale);
    let page = TabPage {
        tabs: DatasetTabs::for_quality(app, &actor, lang, &quality.slug).await?,
        notice: notice.notice(locale),
        checked_at: format::moment(quality.checked_at, locale),
        profile: quality.profile.clone(),
        scores: scores_view(&quality, locale),
        counts: quality.counts,
        findings: quality.findings.iter().map(FindingItem::from).collect(),
        tickets: quality
            .tickets
            .iter()
            .map(|t| TicketItem {
                href: format!("{}/feedback/{}", lang.prefix(), t.id),
                rule_title: message(locale, &format!("check.{}.title", t.rule), &[]),
                state: t.state.clone(),
                last_day: format::date(clock.last_day(t.due_at), locale),
            })
            .collect(),
        history: history_block(&quality.history, locale),
        recheck: quality.can_recheck.then(|| RecheckForm {
            action: format!("{}{}/recheck", lang.prefix(), dataset_path(&quality.slug)),
            csrf: visitor.csrf_token(),
        }),
        dataset_title: title.clone(),
    };
    let heading = message(
        locale,
        "portal.quality.dataset_title",
        &[("dataset", &title)],
    );
    render("dataset_quality.html", lang, visitor, &heading, page)
}

/// `GET /dataset/{slug}/quality` (`?notice=quality_rechecked` after a new check).
pub async fn tab(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(notice): Query<NoticeQuery>,
) -> PageResult {
    let page = build(&app, &lang, &visitor, &slug, &notice).await;
    respond(lang, page)
}

/// `POST /dataset/{slug}/quality/recheck` (`csrf`): checks the dataset again now and comes back
/// to its quality tab with a notice. Its publisher's editors and admins and the portal team may
/// (403 for others); visitors are sent to sign in.
pub async fn recheck(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> Answer {
    let Some((_, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &dataset_path(&slug)));
    };
    match app
        .recheck_dataset(&signed_in.actor, &slug, lang.locale)
        .await
    {
        Ok(quality) => Ok(redirect_with_notice(
            &lang,
            &dataset_path(&quality.slug),
            "quality_rechecked",
            "",
        )),
        Err(error) => Err(PageError { lang, error }),
    }
}
