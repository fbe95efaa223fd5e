//! The in-app notification center and per-user notification settings.

use chrono::{DateTime, Utc};
use dulieu_core::Result;
use dulieu_tickets::records::Notification;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, json_text, ts};
use crate::{Conn, db_error};

/// Adds a notification.
pub async fn insert(conn: &mut Conn, n: &Notification) -> Result<()> {
    sqlx::query(
        "INSERT INTO notifications (id, user_id, kind, subject_type, subject_id, params, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(n.id.to_string())
    .bind(n.user_id.to_string())
    .bind(&n.kind)
    .bind(&n.subject_type)
    .bind(n.subject_id.to_string())
    .bind(json_text(&n.params)?)
    .bind(ts(n.created_at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

fn from_row(row: &AnyRow) -> Result<Notification> {
    Ok(Notification {
        id: row.uuid("id")?,
        user_id: row.uuid("user_id")?,
        kind: row.text("kind")?,
        subject_type: row.text("subject_type")?,
        subject_id: row.uuid("subject_id")?,
        params: row.json("params")?,
        created_at: row.time("created_at")?,
        read_at: row.opt_time("read_at")?,
    })
}

/// A user's latest notifications, newest first, and how many are unread.
pub async fn latest(
    conn: &mut Conn,
    user_id: Uuid,
    limit: i64,
) -> Result<(Vec<Notification>, i64)> {
    let rows = sqlx::query(
        "SELECT id, user_id, kind, subject_type, subject_id, params, created_at, read_at
         FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(user_id.to_string())
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let unread: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user_id.to_string())
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok((rows.iter().map(from_row).collect::<Result<_>>()?, unread))
}

/// Marks a user's notifications read (one, or all when `id` is `None`); returns how many.
pub async fn mark_read(
    conn: &mut Conn,
    user_id: Uuid,
    id: Option<Uuid>,
    at: DateTime<Utc>,
) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE notifications SET read_at = $3
         WHERE user_id = $1 AND read_at IS NULL AND ($2 = '' OR id = $2)",
    )
    .bind(user_id.to_string())
    .bind(id.map(|i| i.to_string()).unwrap_or_default())
    .bind(ts(at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected())
}

/// A user's notification settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Also send e-mails (the notification center always gets them).
    pub email: bool,
    /// Language of the e-mails (`vi` or `en`).
    pub lang: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            email: true,
            lang: "vi".into(),
        }
    }
}

/// A user's settings (the defaults when never saved).
pub async fn settings(conn: &mut Conn, user_id: Uuid) -> Result<Settings> {
    let row = sqlx::query("SELECT email, lang FROM notification_settings WHERE user_id = $1")
        .bind(user_id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    match row {
        Some(row) => Ok(Settings {
            email: row.flag("email")?,
            lang: row.text("lang")?,
        }),
        None => Ok(Settings::default()),
    }
}

/// Saves a user's settings.
pub async fn save_settings(conn: &mut Conn, user_id: Uuid, settings: &Settings) -> Result<()> {
    sqlx::query(
        "INSERT INTO notification_settings (user_id, email, lang) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, lang = excluded.lang",
    )
    .bind(user_id.to_string())
    .bind(i64::from(settings.email))
    .bind(&settings.lang)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The portal team: users with the `odtf` role and sysadmins.
pub async fn portal_team(conn: &mut Conn) -> Result<Vec<Uuid>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM users WHERE is_odtf = 1 OR is_sysadmin = 1 ORDER BY created_at",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    ids.iter().map(|id| crate::codec::parse_uuid(id)).collect()
}
