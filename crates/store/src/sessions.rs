//! Browser sessions, found by the SHA-256 hash of their token.

use chrono::{DateTime, Utc};
use dulieu_core::Result;
use dulieu_core::account::Session;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, ts};
use crate::{Conn, db_error};

fn session_from_row(row: &AnyRow) -> Result<Session> {
    Ok(Session {
        id: row.uuid("id")?,
        user_id: row.uuid("user_id")?,
        created_at: row.time("created_at")?,
        last_seen_at: row.time("last_seen_at")?,
        expires_at: row.time("expires_at")?,
    })
}

/// Stores a session with the hash of its token.
pub async fn insert(conn: &mut Conn, session: &Session, token_hash: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(session.id.to_string())
    .bind(session.user_id.to_string())
    .bind(token_hash)
    .bind(ts(session.created_at))
    .bind(ts(session.last_seen_at))
    .bind(ts(session.expires_at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The session whose token hashes to `token_hash` and that has not expired at `now`, with the
/// stored hash (for a constant-time comparison by the caller).
pub async fn live_by_hash(
    conn: &mut Conn,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Session, String)>> {
    let row = sqlx::query(
        "SELECT id, user_id, token_hash, created_at, last_seen_at, expires_at FROM sessions
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(ts(now))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    row.map(|row| Ok((session_from_row(&row)?, row.text("token_hash")?)))
        .transpose()
}

/// Records a use of the session and moves its end.
pub async fn touch(
    conn: &mut Conn,
    id: Uuid,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1")
        .bind(id.to_string())
        .bind(ts(now))
        .bind(ts(expires_at))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Ends one session.
pub async fn delete(conn: &mut Conn, id: Uuid) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Ends every session of a user except `keep`; returns how many ended.
pub async fn delete_others(conn: &mut Conn, user_id: Uuid, keep: Option<Uuid>) -> Result<u64> {
    let keep = keep.map(|id| id.to_string()).unwrap_or_default();
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id.to_string())
        .bind(keep)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected())
}

/// Removes sessions that ended before `now`; returns how many.
pub async fn delete_expired(conn: &mut Conn, now: DateTime<Utc>) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(ts(now))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected())
}
