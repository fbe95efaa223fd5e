//! Data requests: the request rows, their public thread of messages, votes and followers.
//! Transitions are written by the app with [`update`] and an event in the same transaction.

use chrono::{DateTime, Utc};
use dulieu_core::{Error, Result};
use dulieu_tickets::records::{AuthorRole, DataRequest, Message};
use dulieu_tickets::request::{RefusalReason, RequestState};
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, date, ts, vocab};
use crate::ticket_deadlines::{self, Notice, TicketTable, deadline};
use crate::{Conn, db_error};

const COLUMNS: &str = "r.id, r.title, r.description, r.purpose, r.desired_format, r.granularity,
    r.suggested_organization_id, r.is_public, r.requester_id, r.requester_email, r.confirmed,
    r.lang, r.state, r.organization_id, r.clock_started_at, r.due_at, r.long_due_at, r.extended,
    r.answered_at, r.answer_due_at, r.answer_working_days, r.planned_date, r.dataset_id, r.link, r.refusal_reason,
    r.legal_basis, r.duplicate_of, r.created_at, r.updated_at,
    (SELECT COUNT(*) FROM request_votes v WHERE v.request_id = r.id) AS votes";

/// The states in which a request waits for its organization's answer.
const WAITING_STATES: &str = "'awaiting_response', 'internal_review'";

/// The request table, for the deadline notices.
pub const DEADLINES: TicketTable = TicketTable {
    name: "data_requests",
    from: "data_requests r",
    columns: COLUMNS,
    open_states: WAITING_STATES,
};

fn from_row(row: &AnyRow) -> Result<DataRequest> {
    Ok(DataRequest {
        id: row.uuid("id")?,
        title: row.text("title")?,
        description: row.text("description")?,
        purpose: row.opt_text("purpose")?,
        desired_format: row.opt_text("desired_format")?,
        granularity: row.opt_text("granularity")?,
        suggested_organization_id: row.opt_uuid("suggested_organization_id")?,
        is_public: row.flag("is_public")?,
        requester_id: row.opt_uuid("requester_id")?,
        requester_email: row.text("requester_email")?,
        confirmed: row.flag("confirmed")?,
        lang: row.text("lang")?,
        state: vocab(RequestState::parse, "request state", &row.text("state")?)?,
        organization_id: row.opt_uuid("organization_id")?,
        clock_started_at: row.opt_time("clock_started_at")?,
        deadline: deadline(row)?,
        answered_at: row.opt_time("answered_at")?,
        answer_due_at: row.opt_time("answer_due_at")?,
        answer_working_days: row.opt_int("answer_working_days")?,
        planned_date: row.opt_date("planned_date")?,
        dataset_id: row.opt_uuid("dataset_id")?,
        link: row.opt_text("link")?,
        refusal_reason: row
            .opt_text("refusal_reason")?
            .map(|r| vocab(RefusalReason::parse, "refusal reason", &r))
            .transpose()?,
        legal_basis: row.opt_text("legal_basis")?,
        duplicate_of: row.opt_uuid("duplicate_of")?,
        votes: row.int("votes")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

fn opt_id(id: Option<Uuid>) -> Option<String> {
    id.map(|id| id.to_string())
}

/// Stores a new request; `confirm_token_hash` is the hash of the e-mail confirmation secret of
/// an anonymous requester.
pub async fn insert(
    conn: &mut Conn,
    request: &DataRequest,
    confirm_token_hash: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO data_requests (id, title, description, purpose, desired_format, granularity,
         suggested_organization_id, is_public, requester_id, requester_email, confirmed,
         confirm_token_hash, lang, state, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)",
    )
    .bind(request.id.to_string())
    .bind(&request.title)
    .bind(&request.description)
    .bind(request.purpose.clone())
    .bind(request.desired_format.clone())
    .bind(request.granularity.clone())
    .bind(opt_id(request.suggested_organization_id))
    .bind(i64::from(request.is_public))
    .bind(opt_id(request.requester_id))
    .bind(&request.requester_email)
    .bind(i64::from(request.confirmed))
    .bind(confirm_token_hash.map(str::to_string))
    .bind(&request.lang)
    .bind(request.state.as_str())
    .bind(ts(request.created_at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// One request.
pub async fn get(conn: &mut Conn, id: Uuid) -> Result<Option<DataRequest>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM data_requests r WHERE r.id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// Writes the state and everything a transition can change (the row must exist). A new
/// deadline clears the marks of the reminder and overdue notice sent for the previous one.
pub async fn update(conn: &mut Conn, r: &DataRequest) -> Result<()> {
    let done = sqlx::query(
        "UPDATE data_requests SET state = $2, organization_id = $3, clock_started_at = $4,
         due_at = $5, long_due_at = $6, extended = $7, answered_at = $8, answer_due_at = $9,
         planned_date = $10, dataset_id = $11, link = $12, refusal_reason = $13,
         legal_basis = $14, duplicate_of = $15, confirmed = $16, updated_at = $17,
         answer_working_days = $18,
         reminded_at = CASE WHEN due_at = $5 THEN reminded_at ELSE NULL END,
         overdue_notified_at = CASE WHEN due_at = $5 THEN overdue_notified_at ELSE NULL END
         WHERE id = $1",
    )
    .bind(r.id.to_string())
    .bind(r.state.as_str())
    .bind(opt_id(r.organization_id))
    .bind(r.clock_started_at.map(ts))
    .bind(r.deadline.map(|d| ts(d.due_at)))
    .bind(r.deadline.map(|d| ts(d.long_due_at)))
    .bind(i64::from(r.deadline.is_some_and(|d| d.extended)))
    .bind(r.answered_at.map(ts))
    .bind(r.answer_due_at.map(ts))
    .bind(date(r.planned_date))
    .bind(opt_id(r.dataset_id))
    .bind(r.link.clone())
    .bind(r.refusal_reason.map(|x| x.as_str()))
    .bind(r.legal_basis.clone())
    .bind(opt_id(r.duplicate_of))
    .bind(i64::from(r.confirmed))
    .bind(ts(r.updated_at))
    .bind(r.answer_working_days)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found("request", r.id));
    }
    Ok(())
}

/// Confirms the anonymous request whose confirmation secret hashes to `token_hash` (once:
/// the hash is cleared); returns its id.
pub async fn confirm(conn: &mut Conn, token_hash: &str, at: DateTime<Utc>) -> Result<Option<Uuid>> {
    let id: Option<String> = sqlx::query_scalar(
        "UPDATE data_requests SET confirmed = 1, confirm_token_hash = NULL, updated_at = $2
         WHERE confirm_token_hash = $1 RETURNING id",
    )
    .bind(token_hash.to_string())
    .bind(ts(at))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    id.map(|id| crate::codec::parse_uuid(&id)).transpose()
}

/// Who is looking at requests: what they may see beyond public, confirmed ones.
#[derive(Debug, Clone, Default)]
pub struct RequestViewer {
    /// Signed-in user (sees their own requests).
    pub user_id: Option<Uuid>,
    /// Organizations the user belongs to (see requests assigned to them).
    pub organizations: Vec<Uuid>,
    /// The portal team sees everything.
    pub portal_team: bool,
}

/// Filters of a request list.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// Only in this state.
    pub state: Option<RequestState>,
    /// Only assigned to this organization.
    pub organization_id: Option<Uuid>,
    /// Only filed by this user.
    pub requester_id: Option<Uuid>,
    /// Only those whose answer is overdue at this instant.
    pub overdue_at: Option<DateTime<Utc>>,
    /// Order by deadline (soonest first) instead of newest first.
    pub by_deadline: bool,
}

/// The WHERE clause (with `$n` placeholders) and its values for a viewer and filter.
/// The placeholders are numbered from `$1`; every value is bound, never spliced into the SQL.
fn where_clause(viewer: &RequestViewer, filter: &RequestFilter) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut binds = Vec::new();
    let next = |binds: &mut Vec<String>, value: String| {
        binds.push(value);
        format!("${}", binds.len())
    };
    if !viewer.portal_team {
        let mut visible = vec!["(r.is_public = 1 AND r.confirmed = 1)".to_string()];
        if let Some(user) = viewer.user_id {
            visible.push(format!(
                "r.requester_id = {}",
                next(&mut binds, user.to_string())
            ));
        }
        if !viewer.organizations.is_empty() {
            let list: Vec<String> = viewer
                .organizations
                .iter()
                .map(|org| next(&mut binds, org.to_string()))
                .collect();
            visible.push(format!("r.organization_id IN ({})", list.join(", ")));
        }
        clauses.push(format!("({})", visible.join(" OR ")));
    }
    if let Some(state) = filter.state {
        clauses.push(format!(
            "r.state = {}",
            next(&mut binds, state.as_str().into())
        ));
    }
    if let Some(org) = filter.organization_id {
        clauses.push(format!(
            "r.organization_id = {}",
            next(&mut binds, org.to_string())
        ));
    }
    if let Some(user) = filter.requester_id {
        clauses.push(format!(
            "r.requester_id = {}",
            next(&mut binds, user.to_string())
        ));
    }
    if let Some(now) = filter.overdue_at {
        clauses.push(format!(
            "r.state IN ({WAITING_STATES}) AND r.due_at <= {}",
            next(&mut binds, ts(now))
        ));
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (sql, binds)
}

/// Requests the viewer may see that match the filter, a page of them and the total.
pub async fn list(
    conn: &mut Conn,
    viewer: &RequestViewer,
    filter: &RequestFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<DataRequest>, i64)> {
    let (clause, binds) = where_clause(viewer, filter);
    let order = if filter.by_deadline {
        "CASE WHEN r.due_at IS NULL THEN 1 ELSE 0 END, r.due_at, r.created_at"
    } else {
        "r.created_at DESC, r.id"
    };
    let n = binds.len();
    let sql = format!(
        "SELECT {COLUMNS} FROM data_requests r {clause} ORDER BY {order} LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in &binds {
        query = query.bind(value.clone());
    }
    let rows = query
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    let mut count = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM data_requests r {clause}"
    )));
    for value in binds {
        count = count.bind(value);
    }
    let total = count.fetch_one(&mut *conn).await.map_err(db_error)?;
    Ok((rows.iter().map(from_row).collect::<Result<_>>()?, total))
}

/// Every confirmed request (for the statistics), oldest first.
pub async fn for_statistics(conn: &mut Conn) -> Result<Vec<DataRequest>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM data_requests r WHERE r.confirmed = 1 ORDER BY r.created_at"
    )))
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// Requests whose answer is waited for and due at or before `at`, whose `notice` was not yet
/// sent for the current deadline, soonest deadline first.
pub async fn due_for(
    conn: &mut Conn,
    notice: Notice,
    at: DateTime<Utc>,
) -> Result<Vec<DataRequest>> {
    let rows = ticket_deadlines::due_rows(conn, &DEADLINES, notice, at).await?;
    rows.iter().map(from_row).collect()
}

// ---------------------------------------------------------------------------- messages --

/// Adds a message to a request's thread.
pub async fn add_message(conn: &mut Conn, message: &Message) -> Result<()> {
    sqlx::query(
        "INSERT INTO request_messages (id, request_id, author_id, author_role, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(message.id.to_string())
    .bind(message.request_id.to_string())
    .bind(opt_id(message.author_id))
    .bind(message.author_role.as_str())
    .bind(&message.body)
    .bind(ts(message.created_at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// A request's thread, oldest first, with the authors' names and the attachments.
pub async fn messages(conn: &mut Conn, request_id: Uuid) -> Result<Vec<Message>> {
    let rows = sqlx::query(
        "SELECT m.id, m.request_id, m.author_id, u.display_name, m.author_role, m.body, m.created_at
         FROM request_messages m LEFT JOIN users u ON u.id = m.author_id
         WHERE m.request_id = $1 ORDER BY m.created_at, m.id",
    )
    .bind(request_id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let mut attached = crate::attachments::of_request_messages(conn, request_id).await?;
    rows.iter()
        .map(|row| {
            let id = row.uuid("id")?;
            Ok(Message {
                id,
                request_id: row.uuid("request_id")?,
                author_id: row.opt_uuid("author_id")?,
                author_name: row.opt_text("display_name")?,
                author_role: vocab(AuthorRole::parse, "author role", &row.text("author_role")?)?,
                body: row.text("body")?,
                attachments: attached.remove(&id).unwrap_or_default(),
                created_at: row.time("created_at")?,
            })
        })
        .collect()
}

// ------------------------------------------------------------------- votes and followers --

/// A per-user mark on a request: a vote or a follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// "I need this too".
    Vote,
    /// Hears about every change.
    Follow,
}

impl Mark {
    fn table(self) -> &'static str {
        match self {
            Mark::Vote => "request_votes",
            Mark::Follow => "request_followers",
        }
    }
}

/// Sets or clears a user's mark; returns whether anything changed.
pub async fn set_mark(
    conn: &mut Conn,
    mark: Mark,
    request_id: Uuid,
    user_id: Uuid,
    on: bool,
    at: DateTime<Utc>,
) -> Result<bool> {
    let table = mark.table();
    let done = if on {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {table} (request_id, user_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (request_id, user_id) DO NOTHING"
        )))
        .bind(request_id.to_string())
        .bind(user_id.to_string())
        .bind(ts(at))
        .execute(&mut *conn)
        .await
    } else {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE request_id = $1 AND user_id = $2"
        )))
        .bind(request_id.to_string())
        .bind(user_id.to_string())
        .execute(&mut *conn)
        .await
    }
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// True when the user has the mark.
pub async fn has_mark(
    conn: &mut Conn,
    mark: Mark,
    request_id: Uuid,
    user_id: Uuid,
) -> Result<bool> {
    let table = mark.table();
    let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM {table} WHERE request_id = $1 AND user_id = $2"
    )))
    .bind(request_id.to_string())
    .bind(user_id.to_string())
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(count > 0)
}

/// Users following a request.
pub async fn followers(conn: &mut Conn, request_id: Uuid) -> Result<Vec<Uuid>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT user_id FROM request_followers WHERE request_id = $1 ORDER BY created_at",
    )
    .bind(request_id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    ids.iter().map(|id| crate::codec::parse_uuid(id)).collect()
}

/// How a user is tied to a request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UserTies {
    /// They filed it.
    pub filed: bool,
    /// They voted for it.
    pub voted: bool,
    /// They follow it.
    pub following: bool,
}

/// The requests a user filed, voted for or follows, newest first (at most `limit`), with how
/// they are tied to each.
pub async fn tied_to_user(
    conn: &mut Conn,
    user_id: Uuid,
    limit: i64,
) -> Result<Vec<(DataRequest, UserTies)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS},
           (SELECT COUNT(*) FROM request_votes mv WHERE mv.request_id = r.id AND mv.user_id = $1) AS my_vote,
           (SELECT COUNT(*) FROM request_followers mf WHERE mf.request_id = r.id AND mf.user_id = $1) AS my_follow
         FROM data_requests r
         WHERE r.requester_id = $1
            OR EXISTS (SELECT 1 FROM request_votes v2 WHERE v2.request_id = r.id AND v2.user_id = $1)
            OR EXISTS (SELECT 1 FROM request_followers f2 WHERE f2.request_id = r.id AND f2.user_id = $1)
         ORDER BY r.created_at DESC, r.id LIMIT $2"
    )))
    .bind(user_id.to_string())
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let request = from_row(row)?;
            let ties = UserTies {
                filed: request.requester_id == Some(user_id),
                voted: row.int("my_vote")? > 0,
                following: row.int("my_follow")? > 0,
            };
            Ok((request, ties))
        })
        .collect()
}

/// Moves the votes and followers of a merged request to the one it was merged into.
pub async fn move_marks(conn: &mut Conn, from: Uuid, into: Uuid) -> Result<()> {
    for table in [Mark::Vote.table(), Mark::Follow.table()] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {table} (request_id, user_id, created_at)
             SELECT $2, user_id, created_at FROM {table} WHERE request_id = $1
             ON CONFLICT (request_id, user_id) DO NOTHING"
        )))
        .bind(from.to_string())
        .bind(into.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}
