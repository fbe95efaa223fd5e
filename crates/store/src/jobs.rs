//! The durable job queue: enqueue inside a change's transaction, claim with a lease, finish or retry
//! with backoff. A job whose worker died is claimed again once its lease expires.

use chrono::{DateTime, Duration, Utc};
use dulieu_core::Result;
use dulieu_core::job::{Job, backoff_seconds};
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, json_text, ts};
use crate::{Backend, Conn, db_error};

/// Adds a job to run at `run_at`; returns its id.
pub async fn enqueue(
    conn: &mut Conn,
    kind: &str,
    payload: &serde_json::Value,
    run_at: DateTime<Utc>,
    max_attempts: i64,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let now = ts(Utc::now());
    sqlx::query(
        "INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at)
         VALUES ($1, $2, $3, 'queued', 0, $4, $5, $6, $6)",
    )
    .bind(id.to_string())
    .bind(kind.to_string())
    .bind(json_text(payload)?)
    .bind(max_attempts)
    .bind(ts(run_at))
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(id)
}

fn from_row(row: &AnyRow) -> Result<Job> {
    Ok(Job {
        id: row.uuid("id")?,
        kind: row.text("kind")?,
        payload: row.json("payload")?,
        status: row.text("status")?,
        attempts: row.int("attempts")?,
        max_attempts: row.int("max_attempts")?,
        run_at: row.time("run_at")?,
        last_error: row.opt_text("last_error")?,
    })
}

/// Claims the next due job (or one whose lease expired) for `lease`; counts the attempt.
pub async fn claim(conn: &mut Conn, now: DateTime<Utc>, lease: Duration) -> Result<Option<Job>> {
    let pick = match Backend::of(conn) {
        Backend::Postgres => {
            "SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= $2)
                OR (status = 'running' AND locked_until < $2)
             ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED"
        }
        Backend::Sqlite => {
            "SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= $2)
                OR (status = 'running' AND locked_until < $2)
             ORDER BY run_at LIMIT 1"
        }
    };
    let sql = format!(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $1, updated_at = $2
         WHERE id = ({pick})
         RETURNING id, kind, payload, status, attempts, max_attempts, run_at, last_error"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(ts(now + lease))
        .bind(ts(now))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// Marks a job done.
pub async fn complete(conn: &mut Conn, id: Uuid) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET status = 'done', locked_until = NULL, updated_at = $2 WHERE id = $1",
    )
    .bind(id.to_string())
    .bind(ts(Utc::now()))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Records a failed attempt: retried after a backoff, or marked `failed` when attempts are used up.
pub async fn fail(conn: &mut Conn, job: &Job, error: &str, now: DateTime<Utc>) -> Result<()> {
    let exhausted = job.attempts >= job.max_attempts;
    let status = if exhausted { "failed" } else { "queued" };
    let run_at = now + Duration::seconds(backoff_seconds(job.attempts));
    sqlx::query(
        "UPDATE jobs SET status = $2, run_at = $3, last_error = $4, locked_until = NULL, updated_at = $5
         WHERE id = $1",
    )
    .bind(job.id.to_string())
    .bind(status)
    .bind(ts(run_at))
    .bind(error.chars().take(4000).collect::<String>())
    .bind(ts(now))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// A job by id.
pub async fn get(conn: &mut Conn, id: Uuid) -> Result<Option<Job>> {
    let row = sqlx::query(
        "SELECT id, kind, payload, status, attempts, max_attempts, run_at, last_error FROM jobs WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// Number of jobs per status.
pub async fn counts(conn: &mut Conn) -> Result<Vec<(String, i64)>> {
    let rows =
        sqlx::query("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status ORDER BY status")
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?;
    rows.iter()
        .map(|row| Ok((row.text("status")?, row.int("n")?)))
        .collect()
}
