//! Files attached to the tickets: to a message of a request's thread, or to a feedback ticket.
//! The bytes are in the blob store; a row keeps what was uploaded, by whom, and where it lives.

use std::collections::HashMap;

use dulieu_core::Result;
use dulieu_tickets::records::Attachment;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, ts};
use crate::{Conn, db_error};

/// What an attachment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A message of a request's public thread.
    Message {
        /// The request.
        request_id: Uuid,
        /// The message.
        message_id: Uuid,
    },
    /// A feedback ticket.
    Feedback(Uuid),
}

/// An attachment with its owner and the object key of its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// What is shown.
    pub attachment: Attachment,
    /// What it belongs to.
    pub owner: Owner,
    /// Where the blob store keeps the bytes.
    pub blob_key: String,
}

const COLUMNS: &str = "id, request_id, message_id, feedback_id, file_name, media_type, byte_size,
    sha256, blob_key, uploaded_by, created_at";

fn attachment(row: &AnyRow) -> Result<Attachment> {
    Ok(Attachment {
        id: row.uuid("id")?,
        file_name: row.text("file_name")?,
        media_type: row.text("media_type")?,
        byte_size: row.int("byte_size")?,
        sha256: row.text("sha256")?,
        uploaded_by: row.opt_uuid("uploaded_by")?,
        created_at: row.time("created_at")?,
    })
}

fn stored(row: &AnyRow) -> Result<Stored> {
    let owner = match (
        row.opt_uuid("request_id")?,
        row.opt_uuid("message_id")?,
        row.opt_uuid("feedback_id")?,
    ) {
        (Some(request_id), Some(message_id), _) => Owner::Message {
            request_id,
            message_id,
        },
        (_, _, Some(feedback)) => Owner::Feedback(feedback),
        _ => {
            return Err(dulieu_core::Error::Internal(
                "attachment without an owner in database".into(),
            ));
        }
    };
    Ok(Stored {
        attachment: attachment(row)?,
        owner,
        blob_key: row.text("blob_key")?,
    })
}

/// Records an attachment of `owner` (which must exist).
pub async fn insert(conn: &mut Conn, a: &Attachment, owner: Owner, blob_key: &str) -> Result<()> {
    let (request_id, message_id, feedback_id) = match owner {
        Owner::Message {
            request_id,
            message_id,
        } => (Some(request_id), Some(message_id), None),
        Owner::Feedback(feedback) => (None, None, Some(feedback)),
    };
    sqlx::query(
        "INSERT INTO ticket_attachments (id, request_id, message_id, feedback_id, file_name,
         media_type, byte_size, sha256, blob_key, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(a.id.to_string())
    .bind(request_id.map(|id| id.to_string()))
    .bind(message_id.map(|id| id.to_string()))
    .bind(feedback_id.map(|id| id.to_string()))
    .bind(&a.file_name)
    .bind(&a.media_type)
    .bind(a.byte_size)
    .bind(&a.sha256)
    .bind(blob_key.to_string())
    .bind(a.uploaded_by.map(|id| id.to_string()))
    .bind(ts(a.created_at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// One attachment with its owner.
pub async fn get(conn: &mut Conn, id: Uuid) -> Result<Option<Stored>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM ticket_attachments WHERE id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    row.as_ref().map(stored).transpose()
}

/// The attachments of a request's messages, by message, oldest first.
pub async fn of_request_messages(
    conn: &mut Conn,
    request_id: Uuid,
) -> Result<HashMap<Uuid, Vec<Attachment>>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM ticket_attachments WHERE request_id = $1 ORDER BY created_at, id"
    )))
    .bind(request_id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    group(&rows, "message_id")
}

/// How many ids go into one `IN (…)` list.
const IN_CHUNK: usize = 500;

/// The attachments of feedback tickets, by ticket, oldest first.
pub async fn of_feedback(
    conn: &mut Conn,
    feedback_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Attachment>>> {
    let mut found = HashMap::new();
    for chunk in feedback_ids.chunks(IN_CHUNK) {
        let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT {COLUMNS} FROM ticket_attachments WHERE feedback_id IN ({})
             ORDER BY created_at, id",
            marks.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id.to_string());
        }
        let rows = query.fetch_all(&mut *conn).await.map_err(db_error)?;
        for (owner, list) in group(&rows, "feedback_id")? {
            found.insert(owner, list);
        }
    }
    Ok(found)
}

/// Groups rows by the owner id in `column`, keeping their order.
fn group(rows: &[AnyRow], column: &str) -> Result<HashMap<Uuid, Vec<Attachment>>> {
    let mut grouped: HashMap<Uuid, Vec<Attachment>> = HashMap::new();
    for row in rows {
        grouped
            .entry(row.uuid(column)?)
            .or_default()
            .push(attachment(row)?);
    }
    Ok(grouped)
}
