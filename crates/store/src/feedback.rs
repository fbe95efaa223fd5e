//! Feedback tickets on datasets (with their attachments and the marks of the deadline notices),
//! distributions hidden pending review, and dataset followers.

use chrono::{DateTime, Utc};
use dulieu_core::{Error, Result};
use dulieu_tickets::feedback::{FeedbackKind, FeedbackState};
use dulieu_tickets::records::Feedback;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, parse_uuid, ts, vocab};
use crate::ticket_deadlines::{self, Notice, TicketTable, deadline};
use crate::{Conn, db_error};

const COLUMNS: &str = "id, dataset_id, distribution_id, organization_id, kind, state, description,
    location, reporter_id, rule_id, due_at, long_due_at, resolution_note, resolved_version,
    duplicate_of, closed_at, created_at, updated_at, 0 AS extended";

/// The states in which a ticket waits for an answer.
const OPEN_STATES: &str = "'open', 'acknowledged', 'in_progress'";

/// The feedback table, for the deadline notices.
pub const DEADLINES: TicketTable = TicketTable {
    name: "feedback",
    from: "feedback",
    columns: COLUMNS,
    open_states: OPEN_STATES,
};

/// The tickets of `rows`, with their attachments.
async fn tickets(conn: &mut Conn, rows: &[AnyRow]) -> Result<Vec<Feedback>> {
    let mut tickets = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    let ids: Vec<Uuid> = tickets.iter().map(|t| t.id).collect();
    let mut attached = crate::attachments::of_feedback(conn, &ids).await?;
    for ticket in &mut tickets {
        ticket.attachments = attached.remove(&ticket.id).unwrap_or_default();
    }
    Ok(tickets)
}

/// The ticket of an optional row, with its attachments.
async fn ticket(conn: &mut Conn, row: Option<AnyRow>) -> Result<Option<Feedback>> {
    Ok(tickets(conn, row.as_slice()).await?.pop())
}

fn from_row(row: &AnyRow) -> Result<Feedback> {
    Ok(Feedback {
        id: row.uuid("id")?,
        dataset_id: row.uuid("dataset_id")?,
        distribution_id: row.opt_uuid("distribution_id")?,
        organization_id: row.uuid("organization_id")?,
        kind: vocab(FeedbackKind::parse, "feedback kind", &row.text("kind")?)?,
        state: vocab(FeedbackState::parse, "feedback state", &row.text("state")?)?,
        description: row.text("description")?,
        location: row.opt_text("location")?,
        reporter_id: row.opt_uuid("reporter_id")?,
        rule_id: row.opt_text("rule_id")?,
        deadline: deadline(row)?
            .ok_or_else(|| Error::Internal("feedback without deadline".into()))?,
        resolution_note: row.opt_text("resolution_note")?,
        resolved_version: row.opt_text("resolved_version")?,
        duplicate_of: row.opt_uuid("duplicate_of")?,
        closed_at: row.opt_time("closed_at")?,
        attachments: Vec::new(),
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

/// The key that keeps one open watchdog ticket per rule and dataset.
pub fn dedup_key(rule_id: &str, dataset_id: Uuid) -> String {
    format!("{rule_id}/{dataset_id}")
}

fn open_dedup_key(f: &Feedback) -> Option<String> {
    match (&f.rule_id, f.state.is_closed()) {
        (Some(rule), false) => Some(dedup_key(rule, f.dataset_id)),
        _ => None,
    }
}

/// Stores a new ticket. A watchdog ticket (with `rule_id`) clashes with an open one of the same
/// rule and dataset: 409 `duplicate_feedback`.
pub async fn insert(conn: &mut Conn, f: &Feedback) -> Result<()> {
    sqlx::query(
        "INSERT INTO feedback (id, dataset_id, distribution_id, organization_id, kind, state,
         description, location, reporter_id, rule_id, dedup_key, due_at, long_due_at,
         created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
    )
    .bind(f.id.to_string())
    .bind(f.dataset_id.to_string())
    .bind(f.distribution_id.map(|d| d.to_string()))
    .bind(f.organization_id.to_string())
    .bind(f.kind.as_str())
    .bind(f.state.as_str())
    .bind(&f.description)
    .bind(f.location.clone())
    .bind(f.reporter_id.map(|r| r.to_string()))
    .bind(f.rule_id.clone())
    .bind(open_dedup_key(f))
    .bind(ts(f.deadline.due_at))
    .bind(ts(f.deadline.long_due_at))
    .bind(ts(f.created_at))
    .execute(&mut *conn)
    .await
    .map_err(duplicate_rule_error(f))?;
    Ok(())
}

/// The error of a write of `f`: a clash of keys is the open watchdog ticket of the same rule and
/// dataset, 409 `duplicate_feedback`.
fn duplicate_rule_error(f: &Feedback) -> impl FnOnce(sqlx::Error) -> Error + '_ {
    move |e| match db_error(e) {
        Error::Conflict { .. } => Error::Conflict {
            code: "duplicate_feedback",
            field: "rule_id",
            value: f.rule_id.clone().unwrap_or_default(),
        },
        other => other,
    }
}

/// One ticket.
pub async fn get(conn: &mut Conn, id: Uuid) -> Result<Option<Feedback>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM feedback WHERE id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    ticket(conn, row).await
}

/// The open watchdog ticket of a rule on a dataset.
pub async fn open_for_rule(
    conn: &mut Conn,
    rule_id: &str,
    dataset_id: Uuid,
) -> Result<Option<Feedback>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM feedback WHERE dedup_key = $1"
    )))
    .bind(dedup_key(rule_id, dataset_id))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    ticket(conn, row).await
}

/// Writes a transition: state, resolution, duplicate, closing time, deadline (the row must
/// exist). A new deadline clears the marks of the notices sent for the previous one.
pub async fn update(conn: &mut Conn, f: &Feedback) -> Result<()> {
    let done = sqlx::query(
        "UPDATE feedback SET state = $2, resolution_note = $3, resolved_version = $4,
         duplicate_of = $5, closed_at = $6, dedup_key = $7, due_at = $8, long_due_at = $9,
         updated_at = $10,
         reminded_at = CASE WHEN due_at = $8 THEN reminded_at ELSE NULL END,
         overdue_notified_at = CASE WHEN due_at = $8 THEN overdue_notified_at ELSE NULL END
         WHERE id = $1",
    )
    .bind(f.id.to_string())
    .bind(f.state.as_str())
    .bind(f.resolution_note.clone())
    .bind(f.resolved_version.clone())
    .bind(f.duplicate_of.map(|d| d.to_string()))
    .bind(f.closed_at.map(ts))
    .bind(open_dedup_key(f))
    .bind(ts(f.deadline.due_at))
    .bind(ts(f.deadline.long_due_at))
    .bind(ts(f.updated_at))
    .execute(&mut *conn)
    .await
    .map_err(duplicate_rule_error(f))?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found("feedback", f.id));
    }
    Ok(())
}

/// Replaces a ticket's description (a watchdog ticket whose findings changed).
pub async fn set_description(
    conn: &mut Conn,
    id: Uuid,
    description: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE feedback SET description = $2, updated_at = $3 WHERE id = $1")
        .bind(id.to_string())
        .bind(description.to_string())
        .bind(ts(at))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Tickets on a dataset, newest first.
pub async fn for_dataset(conn: &mut Conn, dataset_id: Uuid) -> Result<Vec<Feedback>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM feedback WHERE dataset_id = $1 ORDER BY created_at DESC, id"
    )))
    .bind(dataset_id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    tickets(conn, &rows).await
}

/// Open tickets of an organization's datasets, soonest deadline first.
pub async fn open_for_organization(
    conn: &mut Conn,
    organization_id: Uuid,
) -> Result<Vec<Feedback>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM feedback WHERE organization_id = $1
           AND state IN ({OPEN_STATES})
         ORDER BY due_at, created_at"
    )))
    .bind(organization_id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    tickets(conn, &rows).await
}

/// Open tickets due at or before `at` whose `notice` was not yet sent for the current deadline,
/// soonest deadline first.
pub async fn due_for(conn: &mut Conn, notice: Notice, at: DateTime<Utc>) -> Result<Vec<Feedback>> {
    let rows = ticket_deadlines::due_rows(conn, &DEADLINES, notice, at).await?;
    tickets(conn, &rows).await
}

/// Hides a distribution pending review (`Some(time)`) or shows it again (`None`); returns
/// whether it exists.
pub async fn set_hidden(
    conn: &mut Conn,
    distribution_id: Uuid,
    at: Option<DateTime<Utc>>,
) -> Result<bool> {
    let done = sqlx::query("UPDATE distributions SET hidden_at = $2 WHERE id = $1")
        .bind(distribution_id.to_string())
        .bind(at.map(ts))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// When a distribution was hidden pending review, if it is.
pub async fn hidden_at(conn: &mut Conn, distribution_id: Uuid) -> Result<Option<DateTime<Utc>>> {
    let row = sqlx::query("SELECT hidden_at FROM distributions WHERE id = $1")
        .bind(distribution_id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(match row {
        Some(row) => row.opt_time("hidden_at")?,
        None => None,
    })
}

/// Follows (or stops following) a dataset; returns whether anything changed.
pub async fn follow_dataset(
    conn: &mut Conn,
    dataset_id: Uuid,
    user_id: Uuid,
    on: bool,
    at: DateTime<Utc>,
) -> Result<bool> {
    let done = if on {
        sqlx::query(
            "INSERT INTO dataset_followers (dataset_id, user_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (dataset_id, user_id) DO NOTHING",
        )
        .bind(dataset_id.to_string())
        .bind(user_id.to_string())
        .bind(ts(at))
        .execute(&mut *conn)
        .await
    } else {
        sqlx::query("DELETE FROM dataset_followers WHERE dataset_id = $1 AND user_id = $2")
            .bind(dataset_id.to_string())
            .bind(user_id.to_string())
            .execute(&mut *conn)
            .await
    }
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// Users following a dataset.
pub async fn dataset_followers(conn: &mut Conn, dataset_id: Uuid) -> Result<Vec<Uuid>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT user_id FROM dataset_followers WHERE dataset_id = $1 ORDER BY created_at",
    )
    .bind(dataset_id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    ids.iter().map(|id| parse_uuid(id)).collect()
}
