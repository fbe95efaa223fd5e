//! What scheduled sources (scheduled pulls, harvest sources) share: finding the ones due, and
//! the lease a server takes on one for a run, so two servers never run it at once and a run a
//! stopped server left unfinished is recorded as interrupted.

use chrono::{DateTime, Utc};
use dulieu_core::Result;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, ts};
use crate::{Conn, db_error};

/// Where a kind of scheduled source is kept: fixed table and column names, never user input.
#[derive(Debug, Clone, Copy)]
pub struct Schedules {
    /// The sources' table (`enabled`, `next_run_at`, `lease_until`, `lease_run_id` columns).
    pub sources: &'static str,
    /// Its key column.
    pub key: &'static str,
    /// The runs' table (`outcome`, `finished_at`, `error_code`, `error_message` columns).
    pub runs: &'static str,
    /// The runs' column holding the source's key.
    pub runs_key: &'static str,
}

/// Scheduled pulls.
pub const PULLS: Schedules = Schedules {
    sources: "pull_sources",
    key: "distribution_id",
    runs: "pull_runs",
    runs_key: "distribution_id",
};

/// Harvest sources.
pub const HARVESTS: Schedules = Schedules {
    sources: "harvest_sources",
    key: "id",
    runs: "harvest_runs",
    runs_key: "source_id",
};

/// Sources whose schedule is due at `now` and that no server is running, oldest due first.
pub async fn due(
    conn: &mut Conn,
    kind: Schedules,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Uuid>> {
    let Schedules { sources, key, .. } = kind;
    let sql = format!(
        "SELECT {key} AS source_key FROM {sources}
         WHERE enabled = 1 AND next_run_at IS NOT NULL AND next_run_at <= $1
           AND (lease_until IS NULL OR lease_until < $1)
         ORDER BY next_run_at LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(ts(now))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(|r| r.uuid("source_key")).collect()
}

/// Takes the lease of a source for run `run_id` until `lease_until`, when no other server holds
/// it; false when one does. A run an expired lease left `running` is recorded as interrupted.
pub async fn claim(
    conn: &mut Conn,
    kind: Schedules,
    source: Uuid,
    run_id: Uuid,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<bool> {
    let Schedules {
        sources,
        key,
        runs,
        runs_key,
    } = kind;
    let sql = format!(
        "UPDATE {sources} SET lease_until = $3, lease_run_id = $4
         WHERE {key} = $1 AND (lease_until IS NULL OR lease_until < $2)"
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(source.to_string())
        .bind(ts(now))
        .bind(ts(lease_until))
        .bind(run_id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    let sql = format!(
        "UPDATE {runs} SET outcome = 'interrupted', finished_at = $2, error_code = 'interrupted',
            error_message = 'the server running it stopped before the run ended'
         WHERE {runs_key} = $1 AND outcome = 'running'"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(source.to_string())
        .bind(ts(now))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(true)
}

/// Keeps the lease of a source that run `run_id` holds until `lease_until`; false when the run
/// no longer holds it (another server took the source over).
pub async fn extend_lease(
    conn: &mut Conn,
    kind: Schedules,
    source: Uuid,
    run_id: Uuid,
    lease_until: DateTime<Utc>,
) -> Result<bool> {
    let Schedules { sources, key, .. } = kind;
    let sql =
        format!("UPDATE {sources} SET lease_until = $2 WHERE {key} = $1 AND lease_run_id = $3");
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(source.to_string())
        .bind(ts(lease_until))
        .bind(run_id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// A page of a source's runs as rows of `columns` (a fixed column list), newest first, and how
/// many runs there are.
pub async fn run_rows(
    conn: &mut Conn,
    kind: Schedules,
    columns: &'static str,
    source: Uuid,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AnyRow>, i64)> {
    let Schedules { runs, runs_key, .. } = kind;
    let sql = format!("SELECT COUNT(*) FROM {runs} WHERE {runs_key} = $1");
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(source.to_string())
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
    let sql = format!(
        "SELECT {columns} FROM {runs} WHERE {runs_key} = $1
         ORDER BY started_at DESC, id DESC LIMIT $2 OFFSET $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(source.to_string())
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok((rows, total))
}

/// Keeps a source's newest `keep` runs and deletes the older ones.
pub async fn prune_runs(conn: &mut Conn, kind: Schedules, source: Uuid, keep: i64) -> Result<u64> {
    let Schedules { runs, runs_key, .. } = kind;
    let sql = format!(
        "DELETE FROM {runs} WHERE {runs_key} = $1 AND id NOT IN (
            SELECT id FROM {runs} WHERE {runs_key} = $1
            ORDER BY started_at DESC, id DESC LIMIT $2)"
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(source.to_string())
        .bind(keep)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected())
}
