//! Forms that carry attachments. The page sends them as `multipart/form-data`: the CSRF token
//! first, then the text fields, then the `file` parts (a file input left empty sends one empty
//! part, which adds nothing). The CSRF token and the text are checked before a byte of a file is
//! stored; each file streams into the blob store through `App::receive_file` under the attachment
//! limits. After a refusal the rest of the upload is read and dropped, so that the browser,
//! still sending, receives the answer. A form without files may also come URL-encoded.

use axum::extract::multipart::Field;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use dulieu_app::App;
use dulieu_app::UploadMeta;
use dulieu_app::attachments::{FILE_FIELD, ReceivedFiles};
use dulieu_core::{Error, Result};

use super::files::{drain, read_text_up_to};
use crate::form::Fields;
use crate::session::Visitor;

/// Largest URL-encoded form, and largest text part of a multipart form, in bytes.
const MAX_TEXT: usize = 1024 * 1024;

/// A posted form with its attachments.
pub(crate) struct AttachedForm {
    /// The text fields (the CSRF token among them).
    pub fields: Fields,
    /// The files, already in the blob store.
    pub files: ReceivedFiles,
}

fn bad_form(detail: String) -> Error {
    Error::BadRequest {
        code: "bad_request",
        detail,
    }
}

fn is_multipart(request: &Request) -> bool {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// The CSRF check, then `check` on the text fields.
fn checked(
    fields: Fields,
    visitor: &Visitor,
    check: &mut impl FnMut(&Fields) -> Result<()>,
) -> Result<Fields> {
    fields.check_csrf(visitor)?;
    check(&fields)?;
    Ok(fields)
}

/// A multipart form being read.
struct Reading<'a, C> {
    app: &'a App,
    visitor: &'a Visitor,
    check: C,
    /// Text parts before the first file.
    texts: Vec<(String, String)>,
    /// The checked text fields, once a file part came.
    fields: Option<Fields>,
    files: ReceivedFiles,
}

impl<C: FnMut(&Fields) -> Result<()>> Reading<'_, C> {
    /// Takes one part: a text part (before any file), or a file (the text checked first).
    async fn part(&mut self, field: &mut Field<'_>) -> Result<()> {
        let name = field.name().unwrap_or_default().to_string();
        if name == FILE_FIELD {
            if self.fields.is_none() {
                let texts = std::mem::take(&mut self.texts);
                self.fields = Some(checked(
                    texts.into_iter().collect(),
                    self.visitor,
                    &mut self.check,
                )?);
            }
            let meta = UploadMeta::from_part(field.file_name(), field.content_type());
            return self.app.receive_file(&mut self.files, meta, field).await;
        }
        if self.fields.is_some() {
            return Err(bad_form(format!("{name}: text parts go before the files")));
        }
        let text = read_text_up_to(field, MAX_TEXT).await?;
        self.texts.push((name, text));
        Ok(())
    }

    /// The form, once every part was taken.
    fn finish(mut self) -> Result<AttachedForm> {
        let fields = match self.fields {
            Some(fields) => fields,
            None => checked(
                self.texts.into_iter().collect(),
                self.visitor,
                &mut self.check,
            )?,
        };
        Ok(AttachedForm {
            fields,
            files: self.files,
        })
    }
}

/// Reads a form with attachments posted by `visitor`: 403 without its CSRF token, `check`'s
/// refusal of the text fields (it sees them once, also to keep what was typed), the refusal of
/// a file (422 on `file`), or the form.
pub(crate) async fn read_attached_form(
    app: &App,
    visitor: &Visitor,
    request: Request,
    mut check: impl FnMut(&Fields) -> Result<()>,
) -> Result<AttachedForm> {
    if !is_multipart(&request) {
        let body = axum::body::to_bytes(request.into_body(), MAX_TEXT)
            .await
            .map_err(|e| bad_form(e.to_string()))?;
        return Ok(AttachedForm {
            fields: checked(Fields::parse(&body), visitor, &mut check)?,
            files: ReceivedFiles::default(),
        });
    }
    let mut multipart = Multipart::from_request(request, app)
        .await
        .map_err(|e| bad_form(e.body_text()))?;
    let mut reading = Reading {
        app,
        visitor,
        check,
        texts: Vec::new(),
        fields: None,
        files: ReceivedFiles::default(),
    };
    let limit = app.attachment_limits().max_bytes;
    let refused = loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break None,
            Err(e) => break Some(bad_form(e.body_text())),
        };
        if let Err(error) = reading.part(&mut field).await {
            drain(&mut field, limit).await;
            break Some(error);
        }
    };
    if let Some(error) = refused {
        while let Ok(Some(mut rest)) = multipart.next_field().await {
            drain(&mut rest, limit).await;
        }
        return Err(error);
    }
    reading.finish()
}
