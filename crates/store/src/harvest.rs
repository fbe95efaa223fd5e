//! Harvesting: the sources the portal team sets up, their runs, and the link from each harvested
//! dataset to its source and remote id.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use dulieu_core::Result;
use dulieu_core::harvest::{HarvestKind, HarvestOutcome, HarvestRun, HarvestSource};
use dulieu_core::pull::RunTrigger;
use dulieu_core::vocab::OrgKind;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, json_text, ts, vocab};
use crate::scheduled::{self, HARVESTS};
use crate::{Conn, db_error};

/// The settings of a source, written when it is set up or changed.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRow {
    /// Stable id.
    pub id: Uuid,
    /// Unique, URL-safe name.
    pub slug: String,
    /// Title.
    pub title: String,
    /// What it speaks.
    pub kind: HarvestKind,
    /// Its URL.
    pub url: String,
    /// Organization every harvested dataset goes to.
    pub organization_id: Option<Uuid>,
    /// Kind of the organizations made for its publishers.
    pub publisher_kind: OrgKind,
    /// Cron schedule.
    pub schedule: String,
    /// Whether the schedule runs.
    pub enabled: bool,
    /// Grace period in days.
    pub grace_days: i64,
    /// When it next runs.
    pub next_run_at: Option<DateTime<Utc>>,
    /// Who set it up.
    pub created_by: Option<Uuid>,
}

/// A harvested dataset's link to its source.
#[derive(Debug, Clone, PartialEq)]
pub struct HarvestedLink {
    /// The local copy.
    pub dataset_id: Uuid,
    /// Hash of what the source said last time it changed.
    pub content_hash: String,
    /// Since when the source no longer lists it.
    pub gone_since: Option<DateTime<Utc>>,
}

/// Where a dataset was harvested from (shown on its page).
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// The source's slug.
    pub source_slug: String,
    /// The source's title.
    pub source_title: String,
    /// The source's URL.
    pub source_url: String,
    /// The dataset's id at the source.
    pub remote_id: String,
    /// The dataset's page at the source.
    pub remote_url: Option<String>,
    /// Since when the source no longer lists it.
    pub gone_since: Option<DateTime<Utc>>,
}

const SOURCE_SELECT: &str = "SELECT s.id, s.slug, s.title, s.kind, s.url, o.slug AS organization,
    s.publisher_kind, s.schedule, s.enabled, s.grace_days, s.high_water, s.next_run_at,
    s.last_run_at, s.last_outcome, s.lease_until, s.created_at, s.updated_at,
    (SELECT COUNT(*) FROM harvested_datasets h JOIN datasets d ON d.id = h.dataset_id
      WHERE h.source_id = s.id AND d.status <> 'archived') AS dataset_count
    FROM harvest_sources s LEFT JOIN organizations o ON o.id = s.organization_id";

const RUN_COLUMNS: &str = "id, source_id, run_trigger, outcome, started_at, finished_at,
    duration_ms, created_count, updated_count, unchanged_count, archived_count, failed_count,
    item_errors, error_code, error_message";

fn source_from(row: &AnyRow, now: DateTime<Utc>) -> Result<HarvestSource> {
    Ok(HarvestSource {
        id: row.uuid("id")?,
        slug: row.text("slug")?,
        title: row.text("title")?,
        kind: vocab(HarvestKind::parse, "harvest kind", &row.text("kind")?)?,
        url: row.text("url")?,
        organization: row.opt_text("organization")?,
        publisher_kind: vocab(
            OrgKind::parse,
            "organization kind",
            &row.text("publisher_kind")?,
        )?,
        schedule: row.text("schedule")?,
        enabled: row.flag("enabled")?,
        grace_days: row.int("grace_days")?,
        high_water: row.opt_time("high_water")?,
        next_run_at: row.opt_time("next_run_at")?,
        running: row
            .opt_time("lease_until")?
            .is_some_and(|until| until > now),
        last_run_at: row.opt_time("last_run_at")?,
        last_outcome: row
            .opt_text("last_outcome")?
            .map(|t| vocab(HarvestOutcome::parse, "harvest outcome", &t))
            .transpose()?,
        dataset_count: row.int("dataset_count")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

fn run_from(row: &AnyRow) -> Result<HarvestRun> {
    Ok(HarvestRun {
        id: row.uuid("id")?,
        source_id: row.uuid("source_id")?,
        trigger: vocab(RunTrigger::parse, "run trigger", &row.text("run_trigger")?)?,
        outcome: vocab(
            HarvestOutcome::parse,
            "harvest outcome",
            &row.text("outcome")?,
        )?,
        started_at: row.time("started_at")?,
        finished_at: row.opt_time("finished_at")?,
        duration_ms: row.opt_int("duration_ms")?,
        created: row.int("created_count")?,
        updated: row.int("updated_count")?,
        unchanged: row.int("unchanged_count")?,
        archived: row.int("archived_count")?,
        failed: row.int("failed_count")?,
        item_errors: row.json("item_errors")?,
        error_code: row.opt_text("error_code")?,
        error_message: row.opt_text("error_message")?,
    })
}

/// Sets up a source, or changes its settings (where it stands is kept).
pub async fn save(conn: &mut Conn, source: &SourceRow, now: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "INSERT INTO harvest_sources (id, slug, title, kind, url, organization_id, publisher_kind,
            schedule, enabled, grace_days, next_run_at, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
         ON CONFLICT (id) DO UPDATE SET slug = $2, title = $3, kind = $4, url = $5,
            organization_id = $6, publisher_kind = $7, schedule = $8, enabled = $9,
            grace_days = $10, next_run_at = $11, updated_at = $13,
            high_water = CASE WHEN harvest_sources.url = $5 AND harvest_sources.kind = $4
                THEN harvest_sources.high_water ELSE NULL END",
    )
    .bind(source.id.to_string())
    .bind(source.slug.clone())
    .bind(source.title.clone())
    .bind(source.kind.as_str())
    .bind(source.url.clone())
    .bind(source.organization_id.map(|id| id.to_string()))
    .bind(source.publisher_kind.as_str())
    .bind(source.schedule.clone())
    .bind(i64::from(source.enabled))
    .bind(source.grace_days)
    .bind(source.next_run_at.map(ts))
    .bind(source.created_by.map(|id| id.to_string()))
    .bind(ts(now))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// A source by id or slug.
pub async fn get(conn: &mut Conn, key: &str) -> Result<Option<HarvestSource>> {
    let sql = format!("{SOURCE_SELECT} WHERE s.id = $1 OR s.slug = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(key.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    row.map(|r| source_from(&r, Utc::now())).transpose()
}

/// Every source, by title.
pub async fn list(conn: &mut Conn) -> Result<Vec<HarvestSource>> {
    let sql = format!("{SOURCE_SELECT} ORDER BY s.title, s.slug");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    let now = Utc::now();
    rows.iter().map(|r| source_from(r, now)).collect()
}

/// Removes a source with its runs and links (its datasets stay, no longer harvested).
pub async fn delete(conn: &mut Conn, id: Uuid) -> Result<bool> {
    let done = sqlx::query("DELETE FROM harvest_sources WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// Records a run (started or finished).
pub async fn save_run(conn: &mut Conn, run: &HarvestRun) -> Result<()> {
    let sql = format!(
        "INSERT INTO harvest_runs ({RUN_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (id) DO UPDATE SET outcome = $4, finished_at = $6, duration_ms = $7,
            created_count = $8, updated_count = $9, unchanged_count = $10,
            archived_count = $11, failed_count = $12, item_errors = $13, error_code = $14,
            error_message = $15"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(run.id.to_string())
        .bind(run.source_id.to_string())
        .bind(run.trigger.as_str())
        .bind(run.outcome.as_str())
        .bind(ts(run.started_at))
        .bind(run.finished_at.map(ts))
        .bind(run.duration_ms)
        .bind(run.created)
        .bind(run.updated)
        .bind(run.unchanged)
        .bind(run.archived)
        .bind(run.failed)
        .bind(json_text(&run.item_errors)?)
        .bind(run.error_code.clone())
        .bind(run.error_message.clone())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Where a source stands after a run: its outcome, the newest remote change seen (kept when
/// `None`) and its next run; releases the lease.
pub async fn finish(
    conn: &mut Conn,
    run: &HarvestRun,
    high_water: Option<DateTime<Utc>>,
    next_run_at: Option<DateTime<Utc>>,
) -> Result<()> {
    sqlx::query(
        "UPDATE harvest_sources SET last_run_at = $2, last_outcome = $3,
            high_water = COALESCE($4, high_water), next_run_at = $5,
            lease_until = NULL, lease_run_id = NULL
         WHERE id = $1 AND (lease_run_id = $6 OR lease_run_id IS NULL)",
    )
    .bind(run.source_id.to_string())
    .bind(ts(run.finished_at.unwrap_or_else(Utc::now)))
    .bind(run.outcome.as_str())
    .bind(high_water.map(ts))
    .bind(next_run_at.map(ts))
    .bind(run.id.to_string())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// A source's runs, newest first, and how many there are.
pub async fn runs(
    conn: &mut Conn,
    source_id: Uuid,
    limit: i64,
    offset: i64,
) -> Result<(Vec<HarvestRun>, i64)> {
    let (rows, total) =
        scheduled::run_rows(conn, HARVESTS, RUN_COLUMNS, source_id, limit, offset).await?;
    Ok((rows.iter().map(run_from).collect::<Result<_>>()?, total))
}

/// Every dataset harvested from a source, by remote id.
pub async fn links(conn: &mut Conn, source_id: Uuid) -> Result<HashMap<String, HarvestedLink>> {
    let rows = sqlx::query(
        "SELECT remote_id, dataset_id, content_hash, gone_since FROM harvested_datasets
         WHERE source_id = $1",
    )
    .bind(source_id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok((
                r.text("remote_id")?,
                HarvestedLink {
                    dataset_id: r.uuid("dataset_id")?,
                    content_hash: r.text("content_hash")?,
                    gone_since: r.opt_time("gone_since")?,
                },
            ))
        })
        .collect()
}

/// What a source last said about one of its datasets.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRow<'a> {
    /// The source.
    pub source_id: Uuid,
    /// The dataset's id at the source.
    pub remote_id: &'a str,
    /// The local copy.
    pub dataset_id: Uuid,
    /// Its page at the source.
    pub remote_url: Option<&'a str>,
    /// When the source last changed it.
    pub remote_modified: Option<DateTime<Utc>>,
    /// Hash of what the source said.
    pub content_hash: &'a str,
}

/// Records (or refreshes) a harvested dataset's link; it is no longer gone.
pub async fn save_link(conn: &mut Conn, link: &LinkRow<'_>, now: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "INSERT INTO harvested_datasets (source_id, remote_id, dataset_id, remote_url,
            remote_modified, content_hash, last_seen_at, gone_since)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
         ON CONFLICT (source_id, remote_id) DO UPDATE SET dataset_id = $3, remote_url = $4,
            remote_modified = $5, content_hash = $6, last_seen_at = $7, gone_since = NULL",
    )
    .bind(link.source_id.to_string())
    .bind(link.remote_id.to_string())
    .bind(link.dataset_id.to_string())
    .bind(link.remote_url.map(str::to_string))
    .bind(link.remote_modified.map(ts))
    .bind(link.content_hash.to_string())
    .bind(ts(now))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Marks whether a harvested dataset is gone from its source (since `gone_since`).
pub async fn set_gone(
    conn: &mut Conn,
    source_id: Uuid,
    remote_id: &str,
    gone_since: Option<DateTime<Utc>>,
) -> Result<()> {
    sqlx::query(
        "UPDATE harvested_datasets SET gone_since = $3 WHERE source_id = $1 AND remote_id = $2",
    )
    .bind(source_id.to_string())
    .bind(remote_id.to_string())
    .bind(gone_since.map(ts))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Whether the organization holds a dataset harvested from the source: whether the source made
/// it (a source never takes over an organization it did not make).
pub async fn publishes_for(
    conn: &mut Conn,
    source_id: Uuid,
    organization_id: Uuid,
) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM harvested_datasets h JOIN datasets d ON d.id = h.dataset_id
         WHERE h.source_id = $1 AND d.publisher_id = $2 LIMIT 1",
    )
    .bind(source_id.to_string())
    .bind(organization_id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(found.is_some())
}

/// Where a dataset was harvested from, if it was.
pub async fn origin(conn: &mut Conn, dataset_id: Uuid) -> Result<Option<Origin>> {
    let row = sqlx::query(
        "SELECT s.slug, s.title, s.url, h.remote_id, h.remote_url, h.gone_since
         FROM harvested_datasets h JOIN harvest_sources s ON s.id = h.source_id
         WHERE h.dataset_id = $1",
    )
    .bind(dataset_id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    row.map(|r| {
        Ok(Origin {
            source_slug: r.text("slug")?,
            source_title: r.text("title")?,
            source_url: r.text("url")?,
            remote_id: r.text("remote_id")?,
            remote_url: r.opt_text("remote_url")?,
            gone_since: r.opt_time("gone_since")?,
        })
    })
    .transpose()
}
