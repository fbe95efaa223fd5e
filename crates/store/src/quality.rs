//! What the watchdog found: each dataset's latest quality report with its summary, the
//! summary's history, daily organization summaries, link-check history, content sniffs and the
//! watchdog's own state. The report itself is opaque JSON here (the checks crate defines it).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use dulieu_core::Result;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, fetch_in, float, id_texts, json_text, placeholders, ts};
use crate::{Conn, db_error};

/// The summary of one dataset's latest report: what lists, league tables and facets need.
#[derive(Debug, Clone, PartialEq)]
pub struct QualitySummary {
    /// The dataset.
    pub dataset_id: Uuid,
    /// Its publisher.
    pub organization_id: Uuid,
    /// Anyone may see the dataset (published and public).
    pub public: bool,
    /// When the checks ran.
    pub checked_at: DateTime<Utc>,
    /// The compliance profile's name.
    pub profile: String,
    /// The dataset's 5-star level.
    pub stars: i64,
    /// EU MQA points (0–405).
    pub mqa_points: f64,
    /// EU MQA band (`bad` … `excellent`).
    pub mqa_band: String,
    /// udata's score (0–1).
    pub udata_score: f64,
    /// Global Open Data Index points (0–100).
    pub godi_points: i64,
    /// Estimated ODI certificate level.
    pub odi_level: String,
    /// Findings of severity `violation`.
    pub violations: i64,
    /// Findings of severity `warning`.
    pub warnings: i64,
    /// Findings of severity `info`.
    pub infos: i64,
    /// The ids of the rules with a violation, sorted.
    pub violated_rules: Vec<String>,
}

/// What [`save`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    /// The report differs from the one stored before (or there was none).
    pub report_changed: bool,
    /// The summary differs, so a history row was added.
    pub summary_changed: bool,
}

/// One point of a dataset's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPoint {
    /// When the summary became this.
    pub checked_at: DateTime<Utc>,
    /// Stars.
    pub stars: i64,
    /// MQA points.
    pub mqa_points: f64,
    /// Violations.
    pub violations: i64,
    /// Warnings.
    pub warnings: i64,
}

/// One day of an organization's public datasets.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationDay {
    /// The day (UTC).
    pub day: NaiveDate,
    /// Public datasets checked.
    pub datasets: i64,
    /// Their average MQA points.
    pub mqa_average: f64,
    /// Their average stars.
    pub stars_average: f64,
    /// Their violations, summed.
    pub violations: i64,
}

/// One organization in the league table (public datasets only).
#[derive(Debug, Clone, PartialEq)]
pub struct LeagueRow {
    /// The organization.
    pub organization_id: Uuid,
    /// Public datasets checked.
    pub datasets: i64,
    /// Average MQA points.
    pub mqa_average: f64,
    /// Average stars.
    pub stars_average: f64,
    /// Datasets with three stars or more.
    pub three_stars: i64,
    /// Datasets without any violation.
    pub compliant: i64,
    /// Violations, summed.
    pub violations: i64,
}

/// One stored check of a remote URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLinkCheck {
    /// When it was checked.
    pub checked_at: DateTime<Utc>,
    /// The URL checked.
    pub url: String,
    /// The final HTTP status, when the server answered.
    pub status: Option<u16>,
    /// The fetch error code when it did not.
    pub error_code: Option<String>,
}

/// A remote URL due for a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueLink {
    /// The distribution.
    pub distribution_id: Uuid,
    /// Its dataset.
    pub dataset_id: Uuid,
    /// The URL.
    pub url: String,
}

/// Rows written per multi-row statement (16 values each, well under either engine's limit).
const ROWS_PER_INSERT: usize = 100;

const SUMMARY: &str = "dataset_id, organization_id, public, checked_at, profile, stars,
    mqa_points, mqa_band, udata_score, godi_points, odi_level, violations, warnings, infos, rules";

fn summary_of(row: &AnyRow) -> Result<QualitySummary> {
    let rules: String = row.text("rules")?;
    Ok(QualitySummary {
        dataset_id: row.uuid("dataset_id")?,
        organization_id: row.uuid("organization_id")?,
        public: row.flag("public")?,
        checked_at: row.time("checked_at")?,
        profile: row.text("profile")?,
        stars: row.int("stars")?,
        mqa_points: float(row, "mqa_points")?,
        mqa_band: row.text("mqa_band")?,
        udata_score: float(row, "udata_score")?,
        godi_points: row.int("godi_points")?,
        odi_level: row.text("odi_level")?,
        violations: row.int("violations")?,
        warnings: row.int("warnings")?,
        infos: row.int("infos")?,
        violated_rules: rules
            .split(',')
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// True when two summaries differ in what the history keeps.
fn differs(a: &QualitySummary, b: &QualitySummary) -> bool {
    a.stars != b.stars
        || (a.mqa_points - b.mqa_points).abs() > 1e-9
        || a.violations != b.violations
        || a.warnings != b.warnings
}

/// Stores a dataset's latest report (JSON) with its summary; adds a history row when the
/// summary changed. Run it in a transaction with the event it causes.
pub async fn save(conn: &mut Conn, summary: &QualitySummary, report: &str) -> Result<Saved> {
    let saved = save_page(conn, &[(summary.clone(), report.to_string())]).await?;
    Ok(saved[0])
}

/// Stores the latest reports of several datasets (what [`save`] does for one), reading what
/// was stored before in one query and touching the unchanged ones in one statement; returns
/// what changed, in order.
pub async fn save_page(
    conn: &mut Conn,
    reports: &[(QualitySummary, String)],
) -> Result<Vec<Saved>> {
    let ids: Vec<Uuid> = reports.iter().map(|(s, _)| s.dataset_id).collect();
    let before = reports_of(conn, &ids).await?;
    let mut saved = Vec::with_capacity(reports.len());
    let mut unchanged: Vec<Uuid> = Vec::new();
    let mut rewrite: Vec<&(QualitySummary, String)> = Vec::new();
    let mut history: Vec<&QualitySummary> = Vec::new();
    for item @ (summary, report) in reports {
        let previous = before.get(&summary.dataset_id);
        let outcome = match previous {
            Some((old, old_report)) => Saved {
                report_changed: old_report != report || old.public != summary.public,
                summary_changed: differs(old, summary),
            },
            None => Saved {
                report_changed: true,
                summary_changed: true,
            },
        };
        let moved = previous.is_some_and(|(old, _)| old.organization_id != summary.organization_id);
        if outcome.report_changed || outcome.summary_changed || moved {
            rewrite.push(item);
        } else {
            unchanged.push(summary.dataset_id);
        }
        if outcome.summary_changed {
            history.push(summary);
        }
        saved.push(outcome);
    }
    for chunk in rewrite.chunks(ROWS_PER_INSERT) {
        upsert(conn, chunk).await?;
    }
    for chunk in history.chunks(ROWS_PER_INSERT) {
        add_history(conn, chunk).await?;
    }
    if let Some((first, _)) = reports.first() {
        for chunk in unchanged.chunks(500) {
            let sql = format!(
                "UPDATE quality_results SET checked_at = $1 WHERE dataset_id IN ({})",
                placeholders(2, chunk.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ts(first.checked_at));
            for id in chunk {
                query = query.bind(id.to_string());
            }
            query.execute(&mut *conn).await.map_err(db_error)?;
        }
    }
    Ok(saved)
}

/// `($1, …, $n), ($n+1, …)`: the placeholders of `rows` rows of `columns` values each.
fn value_rows(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", placeholders(r * columns + 1, columns)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes reports (new or replacing the stored ones) in one statement.
async fn upsert(conn: &mut Conn, rows: &[&(QualitySummary, String)]) -> Result<()> {
    let sql = format!(
        "INSERT INTO quality_results (dataset_id, organization_id, public, checked_at, profile,
            stars, mqa_points, mqa_band, udata_score, godi_points, odi_level, violations,
            warnings, infos, rules, report)
         VALUES {}
         ON CONFLICT (dataset_id) DO UPDATE SET organization_id = excluded.organization_id,
            public = excluded.public, checked_at = excluded.checked_at,
            profile = excluded.profile, stars = excluded.stars,
            mqa_points = excluded.mqa_points, mqa_band = excluded.mqa_band,
            udata_score = excluded.udata_score, godi_points = excluded.godi_points,
            odi_level = excluded.odi_level, violations = excluded.violations,
            warnings = excluded.warnings, infos = excluded.infos, rules = excluded.rules,
            report = excluded.report",
        value_rows(rows.len(), 16)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (summary, report) in rows.iter().copied() {
        query = query
            .bind(summary.dataset_id.to_string())
            .bind(summary.organization_id.to_string())
            .bind(i64::from(summary.public))
            .bind(ts(summary.checked_at))
            .bind(summary.profile.clone())
            .bind(summary.stars)
            .bind(summary.mqa_points)
            .bind(summary.mqa_band.clone())
            .bind(summary.udata_score)
            .bind(summary.godi_points)
            .bind(summary.odi_level.clone())
            .bind(summary.violations)
            .bind(summary.warnings)
            .bind(summary.infos)
            .bind(summary.violated_rules.join(","))
            .bind(report.clone());
    }
    query.execute(&mut *conn).await.map_err(db_error)?;
    Ok(())
}

/// Adds history rows in one statement.
async fn add_history(conn: &mut Conn, rows: &[&QualitySummary]) -> Result<()> {
    let sql = format!(
        "INSERT INTO quality_history (dataset_id, checked_at, stars, mqa_points, violations,
            warnings) VALUES {}",
        value_rows(rows.len(), 6)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for summary in rows.iter().copied() {
        query = query
            .bind(summary.dataset_id.to_string())
            .bind(ts(summary.checked_at))
            .bind(summary.stars)
            .bind(summary.mqa_points)
            .bind(summary.violations)
            .bind(summary.warnings);
    }
    query.execute(&mut *conn).await.map_err(db_error)?;
    Ok(())
}

/// The latest summaries and reports (JSON) of several datasets (those checked), by dataset.
pub async fn reports_of(
    conn: &mut Conn,
    dataset_ids: &[Uuid],
) -> Result<HashMap<Uuid, (QualitySummary, String)>> {
    let sql = format!("SELECT {SUMMARY}, report FROM quality_results WHERE dataset_id IN (:list)");
    let rows = fetch_in(conn, &sql, &id_texts(dataset_ids)).await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.uuid("dataset_id")?,
                (summary_of(row)?, row.text("report")?),
            ))
        })
        .collect()
}

/// A dataset's latest summary and report (JSON), when it was checked.
pub async fn get(conn: &mut Conn, dataset_id: Uuid) -> Result<Option<(QualitySummary, String)>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY}, report FROM quality_results WHERE dataset_id = $1"
    )))
    .bind(dataset_id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    row.map(|row| Ok((summary_of(&row)?, row.text("report")?)))
        .transpose()
}

/// The summaries of several datasets (those checked), by dataset.
pub async fn summaries(
    conn: &mut Conn,
    dataset_ids: &[Uuid],
) -> Result<HashMap<Uuid, QualitySummary>> {
    let sql = format!("SELECT {SUMMARY} FROM quality_results WHERE dataset_id IN (:list)");
    let rows = fetch_in(conn, &sql, &id_texts(dataset_ids)).await?;
    rows.iter()
        .map(|row| summary_of(row).map(|s| (s.dataset_id, s)))
        .collect()
}

/// The summaries of an organization's datasets (only the public ones when `public_only`),
/// worst first (most violations, then fewest MQA points).
pub async fn for_organization(
    conn: &mut Conn,
    organization_id: Uuid,
    public_only: bool,
) -> Result<Vec<QualitySummary>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY} FROM quality_results WHERE organization_id = $1
            AND ($2 = 0 OR public = 1)
         ORDER BY violations DESC, mqa_points, dataset_id"
    )))
    .bind(organization_id.to_string())
    .bind(i64::from(public_only))
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter().map(summary_of).collect()
}

/// One keyset page of reports (summary and JSON) in dataset id order after `after`, of one
/// organization or all, public datasets only when `public_only`.
pub async fn scan(
    conn: &mut Conn,
    organization_id: Option<Uuid>,
    public_only: bool,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<(QualitySummary, String)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY}, report FROM quality_results
         WHERE ($1 IS NULL OR organization_id = $1) AND ($2 = 0 OR public = 1)
            AND dataset_id > $3
         ORDER BY dataset_id LIMIT $4"
    )))
    .bind(organization_id.map(|o| o.to_string()))
    .bind(i64::from(public_only))
    .bind(crate::codec::lower_id(after))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| Ok((summary_of(row)?, row.text("report")?)))
        .collect()
}

/// A dataset's history, oldest first, the last `limit` points.
pub async fn history(conn: &mut Conn, dataset_id: Uuid, limit: i64) -> Result<Vec<HistoryPoint>> {
    let rows = sqlx::query(
        "SELECT checked_at, stars, mqa_points, violations, warnings FROM quality_history
         WHERE dataset_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(dataset_id.to_string())
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let mut points = rows
        .iter()
        .map(|row| {
            Ok(HistoryPoint {
                checked_at: row.time("checked_at")?,
                stars: row.int("stars")?,
                mqa_points: float(row, "mqa_points")?,
                violations: row.int("violations")?,
                warnings: row.int("warnings")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    points.reverse();
    Ok(points)
}

/// Records `day`'s summary of an organization's public datasets (replacing the day's earlier
/// one).
pub async fn record_organization_day(
    conn: &mut Conn,
    organization_id: Uuid,
    day: NaiveDate,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO quality_organization_days (organization_id, day, datasets, mqa_average,
            stars_average, violations)
         SELECT $1, $2, COUNT(*), COALESCE(AVG(mqa_points), 0),
            COALESCE(AVG(CAST(stars AS DOUBLE PRECISION)), 0),
            CAST(COALESCE(SUM(violations), 0) AS BIGINT)
         FROM quality_results WHERE organization_id = $1 AND public = 1
         ON CONFLICT (organization_id, day) DO UPDATE SET datasets = excluded.datasets,
            mqa_average = excluded.mqa_average, stars_average = excluded.stars_average,
            violations = excluded.violations",
    )
    .bind(organization_id.to_string())
    .bind(day.format("%Y-%m-%d").to_string())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// An organization's daily summaries from `since`, oldest first.
pub async fn organization_days(
    conn: &mut Conn,
    organization_id: Uuid,
    since: NaiveDate,
) -> Result<Vec<OrganizationDay>> {
    let rows = sqlx::query(
        "SELECT day, datasets, mqa_average, stars_average, violations
         FROM quality_organization_days WHERE organization_id = $1 AND day >= $2 ORDER BY day",
    )
    .bind(organization_id.to_string())
    .bind(since.format("%Y-%m-%d").to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok(OrganizationDay {
                day: row
                    .opt_date("day")?
                    .ok_or_else(|| dulieu_core::Error::Internal("day missing".into()))?,
                datasets: row.int("datasets")?,
                mqa_average: float(row, "mqa_average")?,
                stars_average: float(row, "stars_average")?,
                violations: row.int("violations")?,
            })
        })
        .collect()
}

/// Every organization with checked public datasets, best average MQA first.
pub async fn league(conn: &mut Conn) -> Result<Vec<LeagueRow>> {
    let rows = sqlx::query(
        "SELECT organization_id, COUNT(*) AS datasets, AVG(mqa_points) AS mqa_average,
            AVG(CAST(stars AS DOUBLE PRECISION)) AS stars_average,
            CAST(SUM(CASE WHEN stars >= 3 THEN 1 ELSE 0 END) AS BIGINT) AS three_stars,
            CAST(SUM(CASE WHEN violations = 0 THEN 1 ELSE 0 END) AS BIGINT) AS compliant,
            CAST(SUM(violations) AS BIGINT) AS violations
         FROM quality_results WHERE public = 1
         GROUP BY organization_id ORDER BY mqa_average DESC, organization_id",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok(LeagueRow {
                organization_id: row.uuid("organization_id")?,
                datasets: row.int("datasets")?,
                mqa_average: float(row, "mqa_average")?,
                stars_average: float(row, "stars_average")?,
                three_stars: row.int("three_stars")?,
                compliant: row.int("compliant")?,
                violations: row.int("violations")?,
            })
        })
        .collect()
}

/// Records a check of a distribution's remote URL and keeps only its latest `keep` checks.
pub async fn add_link_check(
    conn: &mut Conn,
    distribution_id: Uuid,
    check: &StoredLinkCheck,
    keep: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO link_checks (distribution_id, url, checked_at, status, error_code)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(distribution_id.to_string())
    .bind(check.url.clone())
    .bind(ts(check.checked_at))
    .bind(check.status.map(i64::from))
    .bind(check.error_code.clone())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    sqlx::query(
        "DELETE FROM link_checks WHERE distribution_id = $1 AND id NOT IN (
            SELECT id FROM link_checks WHERE distribution_id = $1 ORDER BY id DESC LIMIT $2)",
    )
    .bind(distribution_id.to_string())
    .bind(keep.max(1))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The kept link checks of several distributions, newest first, by distribution.
pub async fn link_checks(
    conn: &mut Conn,
    distribution_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<StoredLinkCheck>>> {
    let rows = fetch_in(
        conn,
        "SELECT distribution_id, url, checked_at, status, error_code FROM link_checks
         WHERE distribution_id IN (:list) ORDER BY id DESC",
        &id_texts(distribution_ids),
    )
    .await?;
    let mut found: HashMap<Uuid, Vec<StoredLinkCheck>> = HashMap::new();
    for row in &rows {
        found
            .entry(row.uuid("distribution_id")?)
            .or_default()
            .push(StoredLinkCheck {
                checked_at: row.time("checked_at")?,
                url: row.text("url")?,
                status: row.opt_int("status")?.and_then(|s| u16::try_from(s).ok()),
                error_code: row.opt_text("error_code")?,
            });
    }
    Ok(found)
}

/// Remote URLs not checked since `before` (never checked first), at most `limit`.
pub async fn links_due(conn: &mut Conn, before: DateTime<Utc>, limit: i64) -> Result<Vec<DueLink>> {
    let rows = sqlx::query(
        "SELECT x.id, x.dataset_id, x.remote_url, c.last_checked
         FROM distributions x
         LEFT JOIN (SELECT distribution_id, MAX(checked_at) AS last_checked FROM link_checks
                    GROUP BY distribution_id) c ON c.distribution_id = x.id
         WHERE x.remote_url IS NOT NULL AND x.remote_url <> ''
            AND (c.last_checked IS NULL OR c.last_checked < $1)
         ORDER BY COALESCE(c.last_checked, ''), x.id LIMIT $2",
    )
    .bind(ts(before))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok(DueLink {
                distribution_id: row.uuid("id")?,
                dataset_id: row.uuid("dataset_id")?,
                url: row.text("remote_url")?,
            })
        })
        .collect()
}

/// The stored sniffs (JSON) of several file checksums, by checksum.
pub async fn sniffed(conn: &mut Conn, sha256s: &[String]) -> Result<HashMap<String, String>> {
    let rows = fetch_in(
        conn,
        "SELECT sha256, sniffed FROM content_sniffs WHERE sha256 IN (:list)",
        sha256s,
    )
    .await?;
    rows.iter()
        .map(|row| Ok((row.text("sha256")?, row.text("sniffed")?)))
        .collect()
}

/// Stores what a file's first bytes are (JSON), once per checksum.
pub async fn save_sniffed<T: serde::Serialize>(
    conn: &mut Conn,
    sha256: &str,
    sniffed: &T,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO content_sniffs (sha256, sniffed, sniffed_at) VALUES ($1, $2, $3)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256.to_string())
    .bind(json_text(sniffed)?)
    .bind(ts(at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// A value of the watchdog's state (`events_seq`, `last_sweep_at` …).
pub async fn state(conn: &mut Conn, name: &str) -> Result<Option<String>> {
    sqlx::query_scalar("SELECT value FROM quality_state WHERE name = $1")
        .bind(name.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)
}

/// Sets a value of the watchdog's state.
pub async fn set_state(conn: &mut Conn, name: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO quality_state (name, value) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET value = $2",
    )
    .bind(name.to_string())
    .bind(value.to_string())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}
