//! The append-only event log. Append inside the transaction of the change it records.

use dulieu_core::Result;
use dulieu_core::event::{Event, NewEvent};
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, json_text, now, ts};
use crate::{Conn, db_error};

/// Advisory lock key that orders event appends on PostgreSQL.
const EVENT_ORDER_LOCK: i64 = 7_355_609;

/// Appends an event; returns its sequence number. Call it last in the transaction: on PostgreSQL
/// it takes a transaction-wide lock so that sequence order is commit order (a reader tailing the
/// log with [`since`] never skips an event that commits late). SQLite writers are serial already.
pub async fn append(conn: &mut Conn, event: &NewEvent) -> Result<i64> {
    if crate::Backend::of(conn) == crate::Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(EVENT_ORDER_LOCK)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    let before = event.before.as_ref().map(json_text).transpose()?;
    let after = event.after.as_ref().map(json_text).transpose()?;
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO events (at, actor_id, entity_type, entity_id, parent_id, action, before_json, after_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq",
    )
    .bind(ts(now()))
    .bind(event.actor_id.map(|a| a.to_string()))
    .bind(event.entity_type)
    .bind(event.entity_id.to_string())
    .bind(event.parent_id.map(|p| p.to_string()))
    .bind(event.action)
    .bind(before)
    .bind(after)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(seq)
}

fn from_row(row: &AnyRow) -> Result<Event> {
    let parse = |col: &str| -> Result<Option<serde_json::Value>> {
        row.opt_text(col)?
            .map(|t| serde_json::from_str(&t).map_err(dulieu_core::Error::internal))
            .transpose()
    };
    Ok(Event {
        seq: row.int("seq")?,
        at: row.time("at")?,
        actor_id: row.opt_uuid("actor_id")?,
        entity_type: row.text("entity_type")?,
        entity_id: row.uuid("entity_id")?,
        parent_id: row.opt_uuid("parent_id")?,
        action: row.text("action")?,
        before: parse("before_json")?,
        after: parse("after_json")?,
    })
}

const SELECT: &str = "SELECT seq, at, actor_id, entity_type, entity_id, parent_id, action, before_json, after_json FROM events";

/// Events about an entity or its children (e.g. a dataset and its distributions), oldest first.
pub async fn history(
    conn: &mut Conn,
    entity_id: Uuid,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Event>, i64)> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE entity_id = $1 OR parent_id = $1 ORDER BY seq LIMIT $2 OFFSET $3"
    )))
    .bind(entity_id.to_string())
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let total = count_about(conn, entity_id).await?;
    Ok((rows.iter().map(from_row).collect::<Result<_>>()?, total))
}

/// The latest `limit` events about an entity or its children, newest first, and how many there
/// are in all (what a page shows of a long history).
pub async fn latest(conn: &mut Conn, entity_id: Uuid, limit: i64) -> Result<(Vec<Event>, i64)> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE entity_id = $1 OR parent_id = $1 ORDER BY seq DESC LIMIT $2"
    )))
    .bind(entity_id.to_string())
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let total = count_about(conn, entity_id).await?;
    Ok((rows.iter().map(from_row).collect::<Result<_>>()?, total))
}

/// How many events are about an entity or its children.
async fn count_about(conn: &mut Conn, entity_id: Uuid) -> Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE entity_id = $1 OR parent_id = $1")
        .bind(entity_id.to_string())
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)
}

/// Events after `seq`, oldest first (for projections tailing the log).
pub async fn since(conn: &mut Conn, seq: i64, limit: i64) -> Result<Vec<Event>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE seq > $1 ORDER BY seq LIMIT $2"
    )))
    .bind(seq)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// The highest sequence number, 0 for an empty log.
pub async fn last_seq(conn: &mut Conn) -> Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM events")
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)
}
