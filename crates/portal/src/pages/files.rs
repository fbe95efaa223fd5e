//! The files and links of a dataset, on its edit page: the list (download links, remove buttons),
//! the upload form and the form adding a remote link. Uploads are `multipart/form-data` streamed to
//! the blob store by `App::add_upload` (the route has no body limit; the blob store enforces the
//! upload limit); without JavaScript the answer is a redirect back with a message, with it
//! (`assets/portal.js`) the same request shows a progress bar. Links go through `App::add_link`,
//! whose field errors are shown next to the inputs.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::response::Response;
use dulieu_app::{App, UploadMeta, csrf_matches};
use dulieu_core::catalog::{Dataset, DistributionInput};
use dulieu_core::text::LangText;
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_i18n::Locale;
use serde::Serialize;
use uuid::Uuid;

use super::account::{field_messages, signed_in_post, to_sign_in};
use super::dataset::{distribution_title, download_path};
use super::dataset_form::{edit_page, edit_path, editable};
use super::sources::source_path;
use crate::error::PageError;
use crate::form::CSRF_FIELD;
use crate::format;
use crate::lang::Lang;
use crate::notice::{NoticeQuery, redirect_with_notice, redirect_with_problem};
use crate::session::Visitor;

/// Largest text part (CSRF token, title) read from an upload form, in bytes.
const MAX_TEXT_PART: usize = 16 * 1024;

/// What the files panel shows besides the dataset: the message after a redirect, and the link form
/// as typed with its errors (after a refused link).
#[derive(Debug, Default)]
pub(crate) struct FilesState {
    /// `?notice=` / `?problem=` of the page.
    pub notice: NoticeQuery,
    /// The link form's inputs.
    pub link: LinkValues,
    /// The link form's errors, by input name.
    pub link_errors: BTreeMap<String, Vec<String>>,
}

/// The inputs of the link form.
#[derive(Debug, Default, Serialize)]
pub(crate) struct LinkValues {
    link_url: String,
    link_title: String,
    link_format: String,
}

/// The files panel of the edit page.
#[derive(Serialize)]
pub(crate) struct FilesPanel {
    upload_action: String,
    link_action: String,
    items: Vec<FileItem>,
    notice: Option<String>,
    upload_problem: Option<String>,
    max_size: String,
    link: LinkValues,
    link_errors: BTreeMap<String, Vec<String>>,
}

/// One distribution in the panel.
#[derive(Serialize)]
struct FileItem {
    title: String,
    is_link: bool,
    format: Option<String>,
    size: Option<String>,
    href: String,
    /// Its automatic updates (uploaded files).
    source_href: Option<String>,
    remove_action: String,
}

impl FilesPanel {
    /// The panel of `dataset` in the page's language.
    pub(crate) fn new(app: &App, lang: &Lang, dataset: &Dataset, state: FilesState) -> Self {
        let locale = lang.locale;
        let base = format!("{}/workspace/datasets/{}", lang.prefix(), dataset.slug);
        let max_size = format::size(
            i64::try_from(app.config().max_upload_bytes).unwrap_or(i64::MAX),
            locale,
        );
        let items = dataset
            .distributions
            .iter()
            .map(|d| FileItem {
                title: distribution_title(d, locale),
                is_link: d.remote_url.is_some(),
                format: d.format.clone(),
                size: d.byte_size.map(|b| format::size(b, locale)),
                href: d.remote_url.clone().unwrap_or_else(|| download_path(d)),
                source_href: d
                    .remote_url
                    .is_none()
                    .then(|| format!("{}{}", lang.prefix(), source_path(&dataset.slug, d.id))),
                remove_action: format!("{base}/files/{}/remove", d.id),
            })
            .collect();
        Self {
            upload_action: format!("{base}/files"),
            link_action: format!("{base}/links"),
            items,
            notice: state.notice.notice(locale),
            upload_problem: state.notice.problem(locale, &[("limit", &max_size)]),
            max_size,
            link: state.link,
            link_errors: state.link_errors,
        }
    }
}

/// A text typed in the page's language, as a title.
fn titled(text: &str, locale: Locale) -> LangText {
    let text = Some(text.trim().to_string()).filter(|t| !t.is_empty());
    match locale {
        Locale::Vi => LangText { vi: text, en: None },
        Locale::En => LangText { vi: None, en: text },
    }
}

fn bad_form(error: &MultipartError) -> Error {
    Error::BadRequest {
        code: "bad_request",
        detail: error.body_text(),
    }
}

/// Reads a short text part (at most [`MAX_TEXT_PART`] bytes).
async fn read_text(field: &mut Field<'_>) -> Result<String> {
    read_text_up_to(field, MAX_TEXT_PART).await
}

/// Reads a text part of at most `limit` bytes.
pub(crate) async fn read_text_up_to(field: &mut Field<'_>, limit: usize) -> Result<String> {
    let name = field.name().unwrap_or_default().to_string();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| bad_form(&e))? {
        if bytes.len() + chunk.len() > limit {
            return Err(Error::BadRequest {
                code: "bad_request",
                detail: format!("{name}: longer than {limit} bytes"),
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| Error::BadRequest {
        code: "bad_request",
        detail: format!("{name}: not UTF-8"),
    })
}

/// Reads and drops what is left of a refused file (at most `limit` bytes), so that the browser,
/// still sending, receives the answer instead of a reset connection.
pub(crate) async fn drain(field: &mut Field<'_>, limit: u64) {
    let mut read: u64 = 0;
    while let Ok(Some(chunk)) = field.chunk().await {
        read += chunk.len() as u64;
        if read > limit {
            return;
        }
    }
}

/// The text parts of an upload form, read before its file part.
#[derive(Default)]
struct UploadForm {
    csrf_ok: bool,
    title: String,
}

/// `POST /workspace/datasets/{slug}/files`: the parts `csrf`, then an optional `file_title`, then
/// `file`. The CSRF token is checked before a byte of the file is read; the file streams to the
/// blob store. Answers a redirect to the edit page with a message (`file_added`, or a problem
/// shown at the upload form).
pub async fn upload(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    request: Request,
) -> std::result::Result<Response, PageError> {
    let fail = |error| PageError {
        lang: lang.clone(),
        error,
    };
    let mut multipart = Multipart::from_request(request, &app).await.map_err(|e| {
        fail(Error::BadRequest {
            code: "bad_request",
            detail: e.body_text(),
        })
    })?;
    let mut form = UploadForm::default();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| fail(bad_form(&e)))?
    {
        match field.name() {
            Some(CSRF_FIELD) => {
                let token = read_text(&mut field).await.map_err(fail)?;
                form.csrf_ok = visitor
                    .csrf_binding()
                    .is_some_and(|binding| csrf_matches(binding, &token));
            }
            Some("file_title") => form.title = read_text(&mut field).await.map_err(fail)?,
            Some("file") => return receive(&app, &lang, &visitor, &slug, form, field).await,
            other => {
                return Err(fail(Error::BadRequest {
                    code: "bad_request",
                    detail: format!("unexpected part {}", other.unwrap_or_default()),
                }));
            }
        }
    }
    if !form.csrf_ok {
        return Err(fail(Error::Forbidden { action: "csrf" }));
    }
    Ok(redirect_with_problem(
        &lang,
        &edit_path(&slug),
        "missing_file",
        "upload",
    ))
}

/// Receives the file part of an upload form whose text parts are `form`: streams it to
/// `App::add_upload` and answers where to go next.
async fn receive(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    slug: &str,
    form: UploadForm,
    mut field: Field<'_>,
) -> std::result::Result<Response, PageError> {
    let fail = |error| PageError {
        lang: lang.clone(),
        error,
    };
    if !form.csrf_ok {
        return Err(fail(Error::Forbidden { action: "csrf" }));
    }
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(lang, &edit_path(slug)));
    };
    let back = edit_path(slug);
    let problem = |code| Ok(redirect_with_problem(lang, &back, code, "upload"));
    let limit = app.config().max_upload_bytes;
    let meta = UploadMeta::from_part(field.file_name(), field.content_type());
    let answer = if meta.filename.is_none() {
        problem("missing_file")
    } else {
        let input = DistributionInput {
            title: titled(&form.title, lang.locale),
            ..DistributionInput::default()
        };
        match app
            .add_upload(&signed_in.actor, slug, input, meta, &mut field)
            .await
        {
            Ok(_) => Ok(redirect_with_notice(lang, &back, "file_added", "files")),
            Err(Error::TooLarge { .. }) => problem("too_large"),
            // The title is the only field the form sends.
            Err(Error::Invalid(_)) => problem("title_too_long"),
            Err(Error::BadRequest {
                code: "upload_interrupted",
                ..
            }) => problem("upload_interrupted"),
            Err(error) => Err(fail(error)),
        }
    };
    // What a refusal left unread (nothing after a stored file).
    drain(&mut field, limit).await;
    answer
}

/// The link-form input that shows the error of core field path `field`.
fn link_input_of(field: &str) -> &'static str {
    match field.split(['.', '[']).next().unwrap_or(field) {
        "title" => "link_title",
        "format" | "media_type" => "link_format",
        _ => "link_url",
    }
}

/// `POST /workspace/datasets/{slug}/links`: adds a remote link (`link_url`, `link_title`,
/// `link_format`) and goes back to the edit page, or shows it again (422) with the errors next to
/// the link form's inputs.
pub async fn add_link(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> std::result::Result<Response, PageError> {
    let Some((fields, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &edit_path(&slug)));
    };
    let actor = &signed_in.actor;
    let link = LinkValues {
        link_url: fields.get("link_url").to_string(),
        link_title: fields.get("link_title").to_string(),
        link_format: fields.get("link_format").to_string(),
    };
    let input = DistributionInput {
        title: titled(&link.link_title, lang.locale),
        url: Some(link.link_url.clone()),
        format: Some(link.link_format.clone()).filter(|f| !f.trim().is_empty()),
        ..DistributionInput::default()
    };
    let errors = match app.add_link(actor, &slug, input).await {
        Ok(_) => {
            return Ok(redirect_with_notice(
                &lang,
                &edit_path(&slug),
                "link_added",
                "files",
            ));
        }
        Err(Error::Invalid(errors)) => errors,
        Err(error) => return Err(PageError { lang, error }),
    };
    let answer = async {
        let dataset = editable(&app, actor, &slug).await?;
        let state = FilesState {
            link,
            link_errors: link_errors(&errors, lang.locale),
            ..FilesState::default()
        };
        edit_page(&app, &lang, &visitor, dataset, state).await
    };
    answer.await.map_err(|error| PageError { lang, error })
}

/// Field errors of the link form by input name, translated.
fn link_errors(errors: &FieldErrors, locale: Locale) -> BTreeMap<String, Vec<String>> {
    let mut by_input: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (field, texts) in field_messages(errors, locale) {
        by_input
            .entry(link_input_of(&field).to_string())
            .or_default()
            .extend(texts);
    }
    by_input
}

/// `POST /workspace/datasets/{slug}/files/{id}/remove`: removes a file or link of the dataset
/// (stored bytes are kept) and goes back to the edit page.
pub async fn remove(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
    body: Bytes,
) -> std::result::Result<Response, PageError> {
    let Some((_, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &edit_path(&slug)));
    };
    let actor = &signed_in.actor;
    let removed = async {
        let dataset = editable(&app, actor, &slug).await?;
        let id = Uuid::parse_str(&id)
            .ok()
            .filter(|id| dataset.distributions.iter().any(|d| d.id == *id))
            .ok_or_else(|| Error::not_found("distribution", &id))?;
        app.delete_distribution(actor, id).await
    };
    match removed.await {
        Ok(()) => Ok(redirect_with_notice(
            &lang,
            &edit_path(&slug),
            "file_removed",
            "files",
        )),
        Err(error) => Err(PageError { lang, error }),
    }
}
