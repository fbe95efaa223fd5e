//! Files attached to tickets: to a message of a request's public thread, or to a feedback
//! ticket. A form's files are streamed into the blob store as they arrive (each under the
//! attachment size limit, at most so many per message), then recorded with the message or ticket
//! in its transaction; downloads follow the visibility of the ticket.

use bytes::Bytes;
use chrono::{DateTime, SubsecRound, Utc};
use dulieu_blobs::BlobStore;
use dulieu_core::account::Actor;
use dulieu_core::catalog::guess_format;
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_store::attachments::{self, Owner};
use dulieu_store::{Conn, jobs};
use dulieu_tickets::records::Attachment;
use futures::{Stream, StreamExt};
use uuid::Uuid;

use crate::worker::VERIFY_BLOB;
use crate::{App, BlobRead, UploadMeta};

/// The form field of attachments, named in their errors.
pub const FILE_FIELD: &str = "file";

/// Longest file name, in characters.
pub const FILE_NAME_MAX: usize = 255;

/// The attachment limits in force (`tickets.attachment_max_bytes`, never more than
/// `max_upload_bytes`, and `tickets.attachments_per_message`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentLimits {
    /// Largest file, in bytes.
    pub max_bytes: u64,
    /// Most files per message or ticket.
    pub max_count: usize,
}

/// Files of one form, already in the blob store, waiting to be recorded with their message or
/// ticket.
#[derive(Debug, Default)]
pub struct ReceivedFiles {
    files: Vec<ReceivedFile>,
}

#[derive(Debug)]
struct ReceivedFile {
    file_name: String,
    media_type: String,
    byte_size: i64,
    sha256: String,
}

impl ReceivedFiles {
    /// How many files were received.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was received.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// 422 on [`FILE_FIELD`] with one parameter.
fn file_error(code: &'static str, key: &'static str, value: impl ToString) -> Error {
    let mut errors = FieldErrors::new();
    errors.add_with(FILE_FIELD, code, key, value);
    Error::Invalid(errors)
}

/// `type/subtype` of token characters (RFC 9110), without parameters, at most 127 characters.
fn is_media_type(text: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    text.len() <= 127
        && text
            .split_once('/')
            .is_some_and(|(kind, sub)| token(kind) && token(sub))
}

/// The media type of an uploaded file: from its name's extension when known, else what the
/// client sent (when well-formed), else `application/octet-stream`.
fn media_type_of(meta: &UploadMeta) -> String {
    if let Some((_, media_type)) = meta.filename.as_deref().and_then(guess_format) {
        return media_type.to_string();
    }
    meta.content_type
        .as_deref()
        .map(|c| {
            c.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|c| is_media_type(c))
        .unwrap_or_else(|| "application/octet-stream".into())
}

impl App {
    /// The attachment limits in force.
    pub fn attachment_limits(&self) -> AttachmentLimits {
        let config = self.config();
        AttachmentLimits {
            max_bytes: config
                .tickets
                .attachment_max_bytes
                .min(config.max_upload_bytes),
            max_count: usize::try_from(config.tickets.attachments_per_message).unwrap_or(0),
        }
    }

    /// Streams one file of a form into the blob store and adds it to `files`. A file input left
    /// empty (no name, no bytes) adds nothing. Refused with 422 on `file`: `too_many_files`,
    /// `too_long` (the name) or `file_too_large` (nothing stored).
    pub async fn receive_file<S, E>(
        &self,
        files: &mut ReceivedFiles,
        meta: UploadMeta,
        body: S,
    ) -> Result<()>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send,
        E: std::fmt::Display + Send,
    {
        let body = body.filter(|chunk| {
            futures::future::ready(!matches!(chunk, Ok(bytes) if bytes.is_empty()))
        });
        let mut body = Box::pin(body.peekable());
        if meta.filename.is_none() && body.as_mut().peek().await.is_none() {
            return Ok(());
        }
        let limits = self.attachment_limits();
        if files.files.len() >= limits.max_count {
            return Err(file_error("too_many_files", "max", limits.max_count));
        }
        let file_name: String = meta
            .filename
            .as_deref()
            .unwrap_or("attachment")
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        if file_name.chars().count() > FILE_NAME_MAX {
            return Err(file_error("too_long", "max", FILE_NAME_MAX));
        }
        let stored = self
            .blobs()
            .put_stream_limited(body, limits.max_bytes)
            .await
            .map_err(|e| match e {
                Error::TooLarge { limit } => file_error("file_too_large", "max", limit),
                other => other,
            })?;
        files.files.push(ReceivedFile {
            file_name,
            media_type: media_type_of(&meta),
            byte_size: i64::try_from(stored.byte_size).map_err(Error::internal)?,
            sha256: stored.sha256,
        });
        Ok(())
    }

    /// An attachment and its bytes, for those who may see its ticket: the thread of a private
    /// request is for the requester, the portal team and the assigned organization; a feedback
    /// ticket follows its dataset. 404 otherwise.
    pub async fn open_attachment(&self, actor: &Actor, id: Uuid) -> Result<(Attachment, BlobRead)> {
        let stored = {
            let mut conn = self.store().conn().await?;
            let stored = attachments::get(&mut conn, id)
                .await?
                .ok_or_else(|| Error::not_found("attachment", id))?;
            let seen = match stored.owner {
                Owner::Message { request_id, .. } => self
                    .visible_request(&mut conn, actor, request_id)
                    .await
                    .map(|_| ()),
                Owner::Feedback(ticket) => self
                    .visible_feedback(&mut conn, actor, ticket)
                    .await
                    .map(|_| ()),
            };
            match seen {
                Ok(()) => stored,
                Err(Error::NotFound { .. }) => return Err(Error::not_found("attachment", id)),
                Err(other) => return Err(other),
            }
        };
        let read = self.blobs().open(&stored.attachment.sha256, None).await?;
        Ok((stored.attachment, read))
    }
}

/// Records the received files as attachments of `owner` in the change's transaction, each with
/// a fixity check queued; returns them.
pub(crate) async fn record(
    conn: &mut Conn,
    files: ReceivedFiles,
    owner: Owner,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<Attachment>> {
    // What the database keeps, so the answer shows what a later read does.
    let now = now.trunc_subsecs(6);
    let mut recorded = Vec::with_capacity(files.files.len());
    for file in files.files {
        let attachment = Attachment {
            id: Uuid::now_v7(),
            file_name: file.file_name,
            media_type: file.media_type,
            byte_size: file.byte_size,
            sha256: file.sha256,
            uploaded_by: actor.user_id,
            created_at: now,
        };
        let key = BlobStore::object_key(&attachment.sha256)?;
        attachments::insert(conn, &attachment, owner, &key).await?;
        let payload = serde_json::json!({"sha256": attachment.sha256});
        jobs::enqueue(conn, VERIFY_BLOB, &payload, now, 5).await?;
        recorded.push(attachment);
    }
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(name: Option<&str>, content_type: Option<&str>) -> UploadMeta {
        UploadMeta::from_part(name, content_type)
    }

    #[test]
    fn media_types_come_from_the_name_then_a_well_formed_header() {
        assert_eq!(media_type_of(&meta(Some("bang.csv"), None)), "text/csv");
        assert_eq!(
            media_type_of(&meta(Some("anh"), Some("image/png; q=1"))),
            "image/png"
        );
        assert_eq!(
            media_type_of(&meta(Some("anh"), Some("text/html\r\nx: y"))),
            "application/octet-stream"
        );
        assert_eq!(media_type_of(&meta(None, None)), "application/octet-stream");
        assert!(!is_media_type("a/b/c") && !is_media_type("/x") && is_media_type("a/b+c"));
    }
}
