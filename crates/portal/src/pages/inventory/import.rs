//! `/organization/{slug}/inventory/import`: an organization's editors upload their inventory
//! spreadsheet (CSV or XLSX, `multipart/form-data`: the CSRF token first, then the `file`). The
//! page documents the columns (headers and what to write, from `sheet::COLUMNS`) and links the
//! blank template in both languages; after an upload it shows what the import did: items
//! created, updated and unchanged, and a table of the rows refused (row, column in the page's
//! language, the problem, the cell's value). A file that cannot be read is said at the file
//! input (422).

use axum::extract::multipart::Field;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use dulieu_app::App;
use dulieu_app::inventory::ImportReport;
use dulieu_core::catalog::Organization;
use dulieu_core::{Error, Result};
use dulieu_i18n::{Locale, message};
use dulieu_inventory::model::{MAX_DESCRIPTION, MAX_FORMATS, MAX_SHORT, MAX_TITLE};
use dulieu_inventory::sheet::{COLUMNS, RowError};
use serde::Serialize;

use super::organization_path;
use crate::error::PageError;
use crate::form::Fields;
use crate::format;
use crate::lang::Lang;
use crate::pages::account::to_sign_in;
use crate::pages::files::read_text_up_to;
use crate::pages::requests::page_error;
use crate::pages::text_in;
use crate::render::render_page;
use crate::session::Visitor;

/// Largest spreadsheet read (as the API's import: 20 MiB).
pub(crate) const MAX_SHEET_BYTES: usize = 20 * 1024 * 1024;
/// Largest text part (the CSRF token).
const MAX_TEXT_PART: usize = 16 * 1024;
/// The file input's name.
const FILE_FIELD: &str = "file";

/// What a form handler answers: a page, a redirect, or an error page.
type Answer = std::result::Result<Response, PageError>;

/// A documented column of the spreadsheet.
#[derive(Debug, Serialize)]
struct ColumnView {
    key: &'static str,
    header: &'static str,
    help: &'static str,
}

/// A refused row as the report lists it.
#[derive(Debug, Serialize)]
struct RowErrorView {
    row: usize,
    column: String,
    message: String,
    value: Option<String>,
}

#[derive(Debug, Serialize)]
struct ReportView {
    created: usize,
    updated: usize,
    unchanged: usize,
    /// Rows with at least one problem.
    refused_rows: usize,
    errors: Vec<RowErrorView>,
    ignored_columns: Vec<String>,
}

#[derive(Debug, Serialize)]
struct ImportPage {
    csrf: String,
    action: String,
    back_href: String,
    organization_name: String,
    template_vi: &'static str,
    template_en: &'static str,
    max_size: String,
    columns: Vec<ColumnView>,
    file_error: Option<String>,
    report: Option<ReportView>,
}

/// The header of column `key` in `locale` (the key when it is not a documented column).
fn column_header(key: &str, locale: Locale) -> String {
    COLUMNS.iter().find(|c| c.key == key).map_or_else(
        || key.to_string(),
        |c| c.header(locale.as_str()).to_string(),
    )
}

/// The longest text (or most entries) of column `key`, for the messages that say so.
fn column_max(key: &str) -> usize {
    match key {
        "title_vi" | "title_en" => MAX_TITLE,
        "description_vi" | "description_en" => MAX_DESCRIPTION,
        "formats" => MAX_FORMATS,
        _ => MAX_SHORT,
    }
}

/// The problem of a refused row in `locale`.
fn row_error_view(error: &RowError, locale: Locale) -> RowErrorView {
    let max = column_max(&error.column).to_string();
    let value = error.value.clone().unwrap_or_default();
    RowErrorView {
        row: error.row,
        column: column_header(&error.column, locale),
        message: message(
            locale,
            &format!("violation.{}", error.code),
            &[("max", &max), ("detail", &value)],
        ),
        value: error.value.clone(),
    }
}

fn report_view(report: &ImportReport, locale: Locale) -> ReportView {
    let mut rows: Vec<usize> = report.errors.iter().map(|e| e.row).collect();
    rows.dedup();
    ReportView {
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        refused_rows: rows.len(),
        errors: report
            .errors
            .iter()
            .map(|e| row_error_view(e, locale))
            .collect(),
        ignored_columns: report.ignored_columns.clone(),
    }
}

fn show(
    lang: &Lang,
    visitor: &Visitor,
    organization: &Organization,
    status: StatusCode,
    file_error: Option<String>,
    report: Option<ReportView>,
) -> Result<Response> {
    let locale = lang.locale;
    let name = text_in(&organization.name, locale);
    let base = organization_path(&organization.slug);
    let page = ImportPage {
        csrf: visitor.csrf_token(),
        action: format!("{}{base}/import", lang.prefix()),
        back_href: format!("{}{base}", lang.prefix()),
        template_vi: "/api/1/inventory/template.xlsx?lang=vi",
        template_en: "/api/1/inventory/template.xlsx?lang=en",
        max_size: format::size(MAX_SHEET_BYTES as i64, locale),
        columns: COLUMNS
            .iter()
            .map(|c| ColumnView {
                key: c.key,
                header: c.header(locale.as_str()),
                help: c.help(locale.as_str()),
            })
            .collect(),
        file_error,
        report,
        organization_name: name.clone(),
    };
    let title = message(
        locale,
        "portal.inventory.import_title",
        &[("organization", &name)],
    );
    render_page("inventory_import.html", lang, visitor, &title, status, page)
}

/// The organization `slug` when the signed-in visitor may import into it: the sign-in form for
/// visitors, the 403 page for others.
async fn importer(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    slug: &str,
) -> std::result::Result<Organization, Box<Answer>> {
    let page_error = |error| {
        Box::new(Err(PageError {
            lang: lang.clone(),
            error,
        }))
    };
    let Some(signed_in) = &visitor.signed_in else {
        return Err(Box::new(Ok(to_sign_in(
            lang,
            &format!("{}/import", organization_path(slug)),
        ))));
    };
    let organization = app.get_organization(slug).await.map_err(page_error)?;
    if !signed_in.actor.can_edit_datasets_of(organization.id) {
        return Err(page_error(Error::Forbidden {
            action: "inventory.import",
        }));
    }
    Ok(organization)
}

/// `GET /organization/{slug}/inventory/import`.
pub async fn form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Answer {
    let organization = match importer(&app, &lang, &visitor, &slug).await {
        Ok(organization) => organization,
        Err(answer) => return *answer,
    };
    show(&lang, &visitor, &organization, StatusCode::OK, None, None)
        .map_err(page_error(lang.clone()))
}

/// The uploaded file, or why there is none.
enum Upload {
    File {
        name: Option<String>,
        bytes: Vec<u8>,
    },
    Missing,
    TooLarge,
}

fn bad_form(detail: String) -> Error {
    Error::BadRequest {
        code: "bad_request",
        detail,
    }
}

/// Reads and drops what is left of a refused file (at most [`MAX_SHEET_BYTES`] more), so
/// that the browser, still sending, receives the answer.
async fn drain(field: &mut Field<'_>) {
    let mut read = 0;
    while let Ok(Some(chunk)) = field.chunk().await {
        read += chunk.len();
        if read > MAX_SHEET_BYTES {
            return;
        }
    }
}

/// Reads the form: its CSRF token (403 without it, checked before the file is read), then the
/// file.
async fn read_upload(app: &App, visitor: &Visitor, request: Request) -> Result<Upload> {
    let mut multipart = Multipart::from_request(request, app)
        .await
        .map_err(|e| bad_form(e.body_text()))?;
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut upload = Upload::Missing;
    let mut csrf_checked = false;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| bad_form(e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name != FILE_FIELD {
            let text = read_text_up_to(&mut field, MAX_TEXT_PART).await?;
            texts.push((name, text));
            continue;
        }
        if !csrf_checked {
            let fields: Fields = texts.iter().cloned().collect();
            fields.check_csrf(visitor)?;
            csrf_checked = true;
        }
        let file_name = field.file_name().map(str::to_string);
        let mut bytes = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = field.chunk().await.map_err(|e| bad_form(e.body_text()))? {
            if bytes.len() + chunk.len() > MAX_SHEET_BYTES {
                too_large = true;
                drain(&mut field).await;
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        upload = if too_large {
            Upload::TooLarge
        } else if bytes.is_empty() && file_name.as_deref().unwrap_or_default().is_empty() {
            // A file input left empty sends an empty part without a name.
            Upload::Missing
        } else {
            Upload::File {
                name: file_name,
                bytes,
            }
        };
    }
    if !csrf_checked {
        let fields: Fields = texts.into_iter().collect();
        fields.check_csrf(visitor)?;
    }
    Ok(upload)
}

/// `POST /organization/{slug}/inventory/import`: imports the file and shows the report; a
/// file that cannot be read is said at the file input (422).
pub async fn upload(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    request: Request,
) -> Answer {
    let organization = match importer(&app, &lang, &visitor, &slug).await {
        Ok(organization) => organization,
        Err(answer) => return *answer,
    };
    let locale = lang.locale;
    let page_error = |error| PageError {
        lang: lang.clone(),
        error,
    };
    let refused = |message: String| {
        show(
            &lang,
            &visitor,
            &organization,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(message),
            None,
        )
    };
    let upload = read_upload(&app, &visitor, request)
        .await
        .map_err(page_error)?;
    let (name, bytes) = match upload {
        Upload::File { name, bytes } => (name, bytes),
        Upload::Missing => {
            return refused(message(locale, "violation.no_file", &[])).map_err(page_error);
        }
        Upload::TooLarge => {
            let limit = format::size(MAX_SHEET_BYTES as i64, locale);
            return refused(message(
                locale,
                "portal.inventory.file_too_large",
                &[("limit", &limit)],
            ))
            .map_err(page_error);
        }
    };
    let actor = visitor.actor();
    match app
        .import_inventory(&actor, &organization.slug, &bytes, name.as_deref())
        .await
    {
        Ok(report) => show(
            &lang,
            &visitor,
            &organization,
            StatusCode::OK,
            None,
            Some(report_view(&report, locale)),
        )
        .map_err(page_error),
        Err(Error::BadRequest { code, detail }) if code.starts_with("sheet_") => refused(message(
            locale,
            &format!("error.{code}"),
            &[("detail", &detail)],
        ))
        .map_err(page_error),
        Err(error) => Err(page_error(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_errors_name_the_column_in_the_page_language() {
        let error = RowError {
            row: 7,
            column: "title_vi".into(),
            code: "too_long".into(),
            value: Some("x".into()),
        };
        let en = row_error_view(&error, Locale::En);
        assert_eq!(en.column, "Title (Vietnamese)");
        assert_eq!(en.message, "At most 500 characters.");
        let vi = row_error_view(&error, Locale::Vi);
        assert_eq!(vi.column, "Tên dữ liệu (tiếng Việt)");
        assert_eq!(column_header("not_a_column", Locale::En), "not_a_column");
    }

    #[test]
    fn the_report_counts_refused_rows_once() {
        let error = |row, column: &str| RowError {
            row,
            column: column.into(),
            code: "required".into(),
            value: None,
        };
        let report = ImportReport {
            created: 2,
            errors: vec![
                error(3, "priority"),
                error(3, "title_vi"),
                error(5, "priority"),
            ],
            ..ImportReport::default()
        };
        let view = report_view(&report, Locale::Vi);
        assert_eq!(
            (view.created, view.refused_rows, view.errors.len()),
            (2, 2, 3)
        );
    }
}
