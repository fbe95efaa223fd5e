//! What data requests and feedback tickets share about their deadlines: the deadline read from
//! its columns, and its notices — a reminder as it nears, an overdue notice once it has passed —
//! each sent once per deadline (the tables' `reminded_at` and `overdue_notified_at` marks, which
//! a new deadline clears).

use chrono::{DateTime, Utc};
use dulieu_core::Result;
use dulieu_tickets::Deadline;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, ts};
use crate::{Conn, db_error};

/// A deadline from its three columns (`due_at`, `long_due_at`, `extended`).
pub(crate) fn deadline(row: &AnyRow) -> Result<Option<Deadline>> {
    Ok(
        match (row.opt_time("due_at")?, row.opt_time("long_due_at")?) {
            (Some(due_at), Some(long_due_at)) => Some(Deadline {
                due_at,
                long_due_at,
                extended: row.opt_int("extended")?.unwrap_or(0) != 0,
            }),
            _ => None,
        },
    )
}

/// A notice of a ticket's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The deadline is near.
    Reminder,
    /// The deadline has passed.
    Overdue,
}

impl Notice {
    /// The column that marks when the notice of the current deadline was sent.
    fn sent_column(self) -> &'static str {
        match self {
            Notice::Reminder => "reminded_at",
            Notice::Overdue => "overdue_notified_at",
        }
    }
}

/// A table of tickets with deadlines. Every part is SQL fixed in code (the constants of the
/// ticket modules), never taken from input.
#[derive(Debug, Clone, Copy)]
pub struct TicketTable {
    /// The table's name.
    pub(crate) name: &'static str,
    /// The `FROM` item the columns are read from (the table, with the alias they use).
    pub(crate) from: &'static str,
    /// The columns read for a ticket.
    pub(crate) columns: &'static str,
    /// The states in which a ticket waits for an answer, as an SQL list of strings.
    pub(crate) open_states: &'static str,
}

/// The rows of the tickets waiting for an answer whose deadline falls at or before `at` and
/// whose `notice` was not yet sent for this deadline, soonest deadline first.
pub(crate) async fn due_rows(
    conn: &mut Conn,
    table: &TicketTable,
    notice: Notice,
    at: DateTime<Utc>,
) -> Result<Vec<AnyRow>> {
    let TicketTable {
        from,
        columns,
        open_states,
        ..
    } = table;
    let sent = notice.sent_column();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {columns} FROM {from}
         WHERE state IN ({open_states}) AND due_at <= $1 AND {sent} IS NULL
         ORDER BY due_at, id"
    )))
    .bind(ts(at))
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)
}

/// Records that `notice` of the current deadline of ticket `id` was sent at `at`.
pub async fn mark_notified(
    conn: &mut Conn,
    table: &TicketTable,
    id: Uuid,
    notice: Notice,
    at: DateTime<Utc>,
) -> Result<()> {
    let name = table.name;
    let sent = notice.sent_column();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {name} SET {sent} = $2 WHERE id = $1"
    )))
    .bind(id.to_string())
    .bind(ts(at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}
