//! Scheduled pulls: each distribution's source (settings, where it stands, the lease of a run
//! going on) and the history of its runs. Sealed credentials are stored as given and only
//! returned to the caller that runs the source.

use chrono::{DateTime, Utc};
use dulieu_core::Result;
use dulieu_core::pull::{PullRun, PullSource, RunOutcome, RunTrigger, SourceKind};
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, fetch_in, id_texts, ts, vocab};
use crate::scheduled::{self, PULLS};
use crate::{Conn, db_error};

/// A source as stored: what publishers see, and what only the runner uses.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSource {
    /// The source as shown.
    pub source: PullSource,
    /// The sealed connection URL (`sql` sources).
    pub connection_sealed: Option<String>,
    /// Who set it up.
    pub created_by: Option<Uuid>,
}

/// The settings of a source, written when it is set up or changed.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceSettings {
    /// The distribution it feeds.
    pub distribution_id: Uuid,
    /// `http` or `sql`.
    pub kind: SourceKind,
    /// Web address.
    pub url: Option<String>,
    /// Database driver.
    pub driver: Option<String>,
    /// Sealed connection URL.
    pub connection_sealed: Option<String>,
    /// The connection with its password masked.
    pub connection_display: Option<String>,
    /// The `SELECT`.
    pub query: Option<String>,
    /// File name of each version.
    pub file_name: Option<String>,
    /// Cron schedule.
    pub schedule: String,
    /// Whether the schedule runs.
    pub enabled: bool,
    /// When it next runs.
    pub next_run_at: Option<DateTime<Utc>>,
    /// `ETag` kept (cleared when the address changes).
    pub etag: Option<String>,
    /// `Last-Modified` kept.
    pub last_modified: Option<String>,
    /// Who sets it up.
    pub created_by: Option<Uuid>,
}

const SOURCE_COLUMNS: &str =
    "distribution_id, kind, url, driver, connection_sealed, connection_display, query,
    file_name, schedule, enabled, etag, last_modified, next_run_at, consecutive_failures,
    failing_since, last_run_at, last_outcome, last_error_code, last_error, lease_until,
    created_by, created_at, updated_at";

const RUN_COLUMNS: &str =
    "id, distribution_id, run_trigger, outcome, started_at, finished_at, duration_ms,
    bytes, row_count, version, sha256, http_status, error_code, error_message";

fn source_from(row: &AnyRow, now: DateTime<Utc>) -> Result<StoredSource> {
    let lease_until = row.opt_time("lease_until")?;
    let last_outcome = row
        .opt_text("last_outcome")?
        .map(|t| vocab(RunOutcome::parse, "run outcome", &t))
        .transpose()?;
    Ok(StoredSource {
        source: PullSource {
            distribution_id: row.uuid("distribution_id")?,
            kind: vocab(SourceKind::parse, "source kind", &row.text("kind")?)?,
            url: row.opt_text("url")?,
            driver: row.opt_text("driver")?,
            connection: row.opt_text("connection_display")?,
            query: row.opt_text("query")?,
            file_name: row.opt_text("file_name")?,
            schedule: row.text("schedule")?,
            enabled: row.flag("enabled")?,
            next_run_at: row.opt_time("next_run_at")?,
            running: lease_until.is_some_and(|until| until > now),
            consecutive_failures: row.int("consecutive_failures")?,
            failing_since: row.opt_time("failing_since")?,
            last_run_at: row.opt_time("last_run_at")?,
            last_outcome,
            last_error_code: row.opt_text("last_error_code")?,
            last_error: row.opt_text("last_error")?,
            etag: row.opt_text("etag")?,
            last_modified: row.opt_text("last_modified")?,
            created_at: row.time("created_at")?,
            updated_at: row.time("updated_at")?,
        },
        connection_sealed: row.opt_text("connection_sealed")?,
        created_by: row.opt_uuid("created_by")?,
    })
}

fn run_from(row: &AnyRow) -> Result<PullRun> {
    Ok(PullRun {
        id: row.uuid("id")?,
        distribution_id: row.uuid("distribution_id")?,
        trigger: vocab(RunTrigger::parse, "run trigger", &row.text("run_trigger")?)?,
        outcome: vocab(RunOutcome::parse, "run outcome", &row.text("outcome")?)?,
        started_at: row.time("started_at")?,
        finished_at: row.opt_time("finished_at")?,
        duration_ms: row.opt_int("duration_ms")?,
        bytes: row.opt_int("bytes")?,
        rows: row.opt_int("row_count")?,
        version: row.opt_int("version")?,
        sha256: row.opt_text("sha256")?,
        http_status: row.opt_int("http_status")?,
        error_code: row.opt_text("error_code")?,
        error_message: row.opt_text("error_message")?,
    })
}

/// Sets up a source, or changes its settings (where it stands is kept).
pub async fn save(conn: &mut Conn, settings: &SourceSettings, now: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "INSERT INTO pull_sources (distribution_id, kind, url, driver, connection_sealed,
            connection_display, query, file_name, schedule, enabled, etag, last_modified,
            next_run_at, consecutive_failures, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14, $15, $15)
         ON CONFLICT (distribution_id) DO UPDATE SET kind = $2, url = $3, driver = $4,
            connection_sealed = $5, connection_display = $6, query = $7, file_name = $8,
            schedule = $9, enabled = $10, etag = $11, last_modified = $12, next_run_at = $13,
            updated_at = $15",
    )
    .bind(settings.distribution_id.to_string())
    .bind(settings.kind.as_str())
    .bind(settings.url.clone())
    .bind(settings.driver.clone())
    .bind(settings.connection_sealed.clone())
    .bind(settings.connection_display.clone())
    .bind(settings.query.clone())
    .bind(settings.file_name.clone())
    .bind(settings.schedule.clone())
    .bind(i64::from(settings.enabled))
    .bind(settings.etag.clone())
    .bind(settings.last_modified.clone())
    .bind(settings.next_run_at.map(ts))
    .bind(settings.created_by.map(|id| id.to_string()))
    .bind(ts(now))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// A distribution's source.
pub async fn get(conn: &mut Conn, distribution_id: Uuid) -> Result<Option<StoredSource>> {
    let sql = format!("SELECT {SOURCE_COLUMNS} FROM pull_sources WHERE distribution_id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(distribution_id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(|r| source_from(r, Utc::now())).transpose()
}

/// The sources of a dataset's distributions.
pub async fn of_dataset(conn: &mut Conn, dataset_id: Uuid) -> Result<Vec<StoredSource>> {
    let sql = format!(
        "SELECT {} FROM pull_sources s JOIN distributions d ON d.id = s.distribution_id
         WHERE d.dataset_id = $1 ORDER BY d.position",
        SOURCE_COLUMNS
            .split(',')
            .map(|c| format!("s.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(dataset_id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    let now = Utc::now();
    rows.iter().map(|r| source_from(r, now)).collect()
}

/// The sources of the distributions `ids` (those that have one), by distribution.
pub async fn of_distributions(
    conn: &mut Conn,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, StoredSource>> {
    let sql = format!("SELECT {SOURCE_COLUMNS} FROM pull_sources WHERE distribution_id IN (:list)");
    let now = Utc::now();
    fetch_in(conn, &sql, &id_texts(ids))
        .await?
        .iter()
        .map(|r| source_from(r, now).map(|s| (s.source.distribution_id, s)))
        .collect()
}

/// Removes a distribution's source (its run history goes with it).
pub async fn delete(conn: &mut Conn, distribution_id: Uuid) -> Result<bool> {
    sqlx::query("DELETE FROM pull_runs WHERE distribution_id = $1")
        .bind(distribution_id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    let done = sqlx::query("DELETE FROM pull_sources WHERE distribution_id = $1")
        .bind(distribution_id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// Records a run (started or finished).
pub async fn save_run(conn: &mut Conn, run: &PullRun) -> Result<()> {
    sqlx::query(
        "INSERT INTO pull_runs (id, distribution_id, run_trigger, outcome, started_at, finished_at,
            duration_ms, bytes, row_count, version, sha256, http_status, error_code, error_message)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (id) DO UPDATE SET outcome = $4, finished_at = $6, duration_ms = $7,
            bytes = $8, row_count = $9, version = $10, sha256 = $11, http_status = $12,
            error_code = $13, error_message = $14",
    )
    .bind(run.id.to_string())
    .bind(run.distribution_id.to_string())
    .bind(run.trigger.as_str())
    .bind(run.outcome.as_str())
    .bind(ts(run.started_at))
    .bind(run.finished_at.map(ts))
    .bind(run.duration_ms)
    .bind(run.bytes)
    .bind(run.rows)
    .bind(run.version)
    .bind(run.sha256.clone())
    .bind(run.http_status)
    .bind(run.error_code.clone())
    .bind(run.error_message.clone())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Where a source stands after a run: its outcome, new validators (when the run brought some)
/// and next run; releases the lease. A failure counts one more in a row, a success resets.
pub async fn finish(
    conn: &mut Conn,
    run: &PullRun,
    validators: Option<(Option<String>, Option<String>)>,
    next_run_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let now = run.finished_at.unwrap_or_else(Utc::now);
    let failed = run.outcome == RunOutcome::Failed;
    let (keep_validators, etag, last_modified) = match validators {
        Some((etag, last_modified)) => (0_i64, etag, last_modified),
        None => (1, None, None),
    };
    sqlx::query(
        "UPDATE pull_sources SET
            consecutive_failures = CASE WHEN $2 = 1 THEN consecutive_failures + 1 ELSE 0 END,
            failing_since = CASE WHEN $2 = 1 THEN COALESCE(failing_since, $3) ELSE NULL END,
            last_run_at = $3, last_outcome = $4, last_error_code = $5, last_error = $6,
            etag = CASE WHEN $7 = 1 THEN etag ELSE $8 END,
            last_modified = CASE WHEN $7 = 1 THEN last_modified ELSE $9 END,
            next_run_at = $10, lease_until = NULL, lease_run_id = NULL
         WHERE distribution_id = $1 AND (lease_run_id = $11 OR lease_run_id IS NULL)",
    )
    .bind(run.distribution_id.to_string())
    .bind(i64::from(failed))
    .bind(ts(now))
    .bind(run.outcome.as_str())
    .bind(run.error_code.clone())
    .bind(run.error_message.clone())
    .bind(keep_validators)
    .bind(etag)
    .bind(last_modified)
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
    distribution_id: Uuid,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PullRun>, i64)> {
    let (rows, total) =
        scheduled::run_rows(conn, PULLS, RUN_COLUMNS, distribution_id, limit, offset).await?;
    Ok((rows.iter().map(run_from).collect::<Result<_>>()?, total))
}
