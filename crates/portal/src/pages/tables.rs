//! `/dataset/{slug}/tables/{distribution_id}`: a tabular distribution read as tables. The page
//! shows where its ingest stands (with the error and where it happened), the sheets as tabs
//! (`?sheet=`), the columns with their types and profile, the rows (sortable column headers,
//! a filter form, numbered pages by offset and the next page by cursor), downloads of the
//! current query (the API's URLs with the same parameters), the title rows and footnotes found,
//! the warnings, an example SQL query, and — for those who may edit the dataset — the schema
//! editor and a button that reads the file again. Everything works without JavaScript;
//! `assets/tables.js` adds a chart builder and, when the rows have a position, a map.
//!
//! The dataset page's table status and preview are built here too ([`DistributionTable`],
//! [`Preview`]).

mod enhance;
mod grid;
mod query;
mod schema_form;
mod status;

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use dulieu_app::{App, TableRef};
use dulieu_core::account::Actor;
use dulieu_core::catalog::Dataset;
use dulieu_core::tables::{IngestedTable, TableIngest};
use dulieu_core::{Error, Result};
use dulieu_i18n::{Locale, message};
use dulieu_query::{Filter, RowsRequest};
use serde::Serialize;
use uuid::Uuid;

use self::enhance::{ChartForm, MapConfig};
use self::grid::{ColumnView, GridView, Pager, Sorting, schema_fields};
use self::query::{OPERATORS, TableQuery};
use self::schema_form::{Choice, SchemaForm, edited_schema};
use self::status::{IngestSummary, WarningsView, dimensions, is_ready};
use super::account::{field_messages, signed_in_post, to_sign_in};
use super::dataset::distribution_title;
use super::text_in;
use crate::assets::{TableAssets, table_assets};
use crate::error::PageError;
use crate::form::Fields;
use crate::format;
use crate::lang::Lang;
use crate::notice::{NoticeQuery, redirect_with_notice};
use crate::render::render_page;
use crate::session::Visitor;

/// Rows of the dataset page's preview.
const PREVIEW_ROWS: usize = 10;
/// Columns of the dataset page's preview.
const PREVIEW_COLUMNS: usize = 8;
/// The download formats of a query, as the API names them.
const EXPORT_FORMATS: [&str; 4] = ["csv", "json", "parquet", "xlsx"];

/// What a handler answers: a page, a redirect, or an error page.
type Answer = std::result::Result<Response, PageError>;

/// The routes of the table pages under `prefix` (`""` or `"/en"`).
pub(crate) fn routes(prefix: &str) -> Router<App> {
    let at = |path: &str| format!("{prefix}{path}");
    Router::new()
        .route(&at("/dataset/{slug}/tables/{id}"), get(page))
        .route(&at("/dataset/{slug}/tables/{id}/schema"), post(save_schema))
        .route(&at("/dataset/{slug}/tables/{id}/reingest"), post(reingest))
}

/// The path of a distribution's table page, without the language prefix.
pub(crate) fn table_path(slug: &str, id: Uuid) -> String {
    format!("/dataset/{slug}/tables/{id}")
}

/// The path of a table page for `sheet` (none for the first table).
fn sheet_path(slug: &str, id: Uuid, sheet: Option<&str>) -> String {
    let path = table_path(slug, id);
    match sheet {
        Some(sheet) => {
            let query: String = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("sheet", sheet)
                .finish();
            format!("{path}?{query}")
        }
        None => path,
    }
}

/// A tabular distribution's status, as the dataset page lists it beside the distribution.
#[derive(Debug, Serialize)]
pub(crate) struct DistributionTable {
    summary: IngestSummary,
    href: String,
}

impl DistributionTable {
    /// The status of `ingest` with the link to its table page.
    pub(crate) fn new(ingest: &TableIngest, lang: &Lang, slug: &str) -> Self {
        Self {
            summary: IngestSummary::new(ingest, lang.locale),
            href: format!(
                "{}{}",
                lang.prefix(),
                table_path(slug, ingest.distribution_id)
            ),
        }
    }
}

/// The dataset page's preview: the first rows and columns of its first ready table.
#[derive(Debug, Serialize)]
pub(crate) struct Preview {
    caption: String,
    grid: GridView,
    href: String,
}

impl Preview {
    /// The preview of the first ready table among `ingests` (in the dataset's distribution
    /// order), or `None` when no table is ready. A failed query is logged and shows no preview.
    pub(crate) async fn load(
        app: &App,
        actor: &Actor,
        lang: &Lang,
        dataset: &Dataset,
        ingests: &[TableIngest],
    ) -> Option<Self> {
        let (distribution, ingest, table) = dataset.distributions.iter().find_map(|d| {
            let ingest = ingests.iter().find(|i| i.distribution_id == d.id)?;
            let table = ingest.tables.first()?;
            is_ready(ingest).then_some((d, ingest, table))
        })?;
        let fields: Vec<String> = schema_fields(&table.schema)
            .into_iter()
            .filter(|f| f.field_type != "geojson")
            .take(PREVIEW_COLUMNS)
            .map(|f| f.name)
            .collect();
        let request = RowsRequest {
            fields,
            limit: Some(PREVIEW_ROWS),
            ..RowsRequest::default()
        };
        let reference = TableRef {
            distribution: ingest.distribution_id,
            sheet: None,
        };
        let page = match app.table_rows(actor, &reference, &request).await {
            Ok(page) => page,
            Err(error) => {
                tracing::warn!(%error, distribution = %ingest.distribution_id, "table preview failed");
                return None;
            }
        };
        let locale = lang.locale;
        let title = distribution_title(distribution, locale);
        let caption = message(
            locale,
            "portal.tables.preview_caption",
            &[
                ("rows", &page.result.rows.len().to_string()),
                ("columns", &page.result.columns.len().to_string()),
                ("title", &title),
            ],
        );
        Some(Self {
            caption,
            grid: GridView::new(&page, None, locale),
            href: format!(
                "{}{}",
                lang.prefix(),
                table_path(&dataset.slug, ingest.distribution_id)
            ),
        })
    }
}

/// A tab of the sheets of a workbook.
#[derive(Serialize)]
struct SheetTab {
    name: String,
    href: String,
    current: bool,
}

/// A link with its words.
#[derive(Serialize)]
struct Link {
    label: String,
    href: String,
}

/// The filter form: the words, the column, operator and value inputs, and the rest of the
/// query carried as hidden inputs so that filtering keeps it.
#[derive(Serialize)]
struct FilterForm {
    action: String,
    q: String,
    columns: Vec<Choice>,
    operators: Vec<Choice>,
    hidden: Vec<(String, String)>,
}

/// What the page shows about the rows of one table.
#[derive(Serialize)]
struct RowsSection {
    /// "Rows 1–50 of 1,234" or "no rows match".
    caption: String,
    grid: Option<GridView>,
    pager: Option<Pager>,
    /// The refused query in words (400).
    error: Option<String>,
    filter: FilterForm,
    chips: Vec<Link>,
    clear_href: Option<String>,
    downloads: Vec<Link>,
    api_href: String,
}

/// One table of the distribution: its name, what was found around it, its columns and rows.
#[derive(Serialize)]
struct TableSection {
    name: String,
    size: String,
    title: Option<String>,
    notes: Vec<String>,
    columns: Vec<ColumnView>,
    rows: RowsSection,
    table_name: String,
    sql: String,
    sql_href: String,
    chart: ChartForm,
    map: Option<MapConfig>,
}

/// The facts of the source file.
#[derive(Serialize)]
struct FileFacts {
    format: Option<String>,
    encoding: Option<String>,
    delimiter: Option<String>,
    size: Option<String>,
}

/// The publisher's tools: the schema editor (when a table exists) and "read again".
#[derive(Serialize)]
struct PublisherTools {
    csrf: String,
    schema_action: String,
    reingest_action: String,
    sheet: Option<String>,
    form: Option<SchemaForm>,
    form_error: Option<String>,
}

#[derive(Serialize)]
struct TablePage {
    dataset_title: String,
    dataset_href: String,
    distribution_title: String,
    summary: IngestSummary,
    file: FileFacts,
    sheets: Vec<SheetTab>,
    table: Option<TableSection>,
    warnings: WarningsView,
    notice: Option<String>,
    package_href: String,
    publisher: Option<PublisherTools>,
    assets: &'static TableAssets,
}

/// The schema editor as posted, with its errors, to show again.
struct PostedSchema {
    fields: Fields,
    errors: BTreeMap<String, Vec<String>>,
    form_error: Option<String>,
}

/// What the table page is about: the dataset, the distribution's ingest and the chosen table.
struct Subject {
    dataset: Dataset,
    id: Uuid,
    ingest: TableIngest,
}

impl Subject {
    /// The dataset `slug` (as `actor` may see it), its distribution `id` and its ingest; 404
    /// when any is missing or the distribution is another dataset's.
    async fn load(app: &App, actor: &Actor, slug: &str, id: &str) -> Result<Self> {
        let dataset = app.get_dataset(actor, slug).await?;
        let id = Uuid::parse_str(id)
            .ok()
            .filter(|id| dataset.distributions.iter().any(|d| d.id == *id))
            .ok_or_else(|| Error::not_found("table", id))?;
        let ingest = app.table_ingest(actor, id).await?;
        Ok(Self {
            dataset,
            id,
            ingest,
        })
    }

    /// The table named `sheet` (the first when `None`); 404 for a sheet the file does not have.
    fn table(&self, sheet: Option<&str>) -> Result<Option<&IngestedTable>> {
        match (self.ingest.table(sheet), sheet) {
            (Some(table), _) => Ok(Some(table)),
            (None, Some(sheet)) => Err(Error::not_found("table", sheet)),
            (None, None) => Ok(None),
        }
    }
}

/// A filter in words: "tinh equals Hà Nội".
fn filter_label(text: &str, locale: Locale) -> String {
    match Filter::parse(text) {
        Ok(filter) => format!(
            "{} {} {}",
            filter.field,
            message(
                locale,
                &format!("portal.tables.op.{}", filter.op.name()),
                &[]
            ),
            filter.values.join(" | ")
        ),
        Err(_) => text.to_string(),
    }
}

/// The translated message of a refused query.
fn query_error_text(error: &Error, locale: Locale) -> Option<String> {
    match error {
        Error::BadRequest { code, detail } => Some(message(
            locale,
            &format!("error.{code}"),
            &[("detail", detail)],
        )),
        _ => None,
    }
}

/// The filter form of the page at `path` with `query`.
fn filter_form(
    query: &TableQuery,
    path: &str,
    table: &IngestedTable,
    locale: Locale,
) -> FilterForm {
    let mut hidden = Vec::new();
    let p = &query.params;
    if let Some(sheet) = &p.sheet {
        hidden.push(("sheet".to_string(), sheet.clone()));
    }
    for filter in &p.filters {
        hidden.push(("filters".to_string(), filter.clone()));
    }
    if let Some(sort) = &p.sort {
        hidden.push(("sort".to_string(), sort.clone()));
    }
    if let Some(limit) = &p.limit {
        hidden.push(("limit".to_string(), limit.clone()));
    }
    FilterForm {
        action: path.to_string(),
        q: p.q.clone().unwrap_or_default(),
        columns: schema_fields(&table.schema)
            .into_iter()
            .filter(|f| f.field_type != "geojson")
            .map(|f| Choice {
                value: f.name.clone(),
                label: f.name,
            })
            .collect(),
        operators: OPERATORS
            .iter()
            .map(|op| Choice {
                value: op.to_string(),
                label: message(locale, &format!("portal.tables.op.{op}"), &[]),
            })
            .collect(),
        hidden,
    }
}

/// The rows of `table` for `query`; a refused query is said on the page (400), other errors
/// are the page's.
async fn rows_section(
    app: &App,
    actor: &Actor,
    subject: &Subject,
    table: &IngestedTable,
    query: &TableQuery,
    lang: &Lang,
) -> Result<(RowsSection, StatusCode)> {
    let locale = lang.locale;
    let neutral = table_path(&subject.dataset.slug, subject.id);
    let path = format!("{}{neutral}", lang.prefix());
    let api_rows = format!("/api/1/tables/{}/rows", subject.id);
    let chips: Vec<Link> = query
        .params
        .filters
        .iter()
        .enumerate()
        .map(|(i, f)| Link {
            label: filter_label(f, locale),
            href: query.without_filter(i).href(&path),
        })
        .collect();
    let filtered = !chips.is_empty() || query.params.q.is_some();
    let mut section = RowsSection {
        caption: String::new(),
        grid: None,
        pager: None,
        error: None,
        filter: filter_form(query, &path, table, locale),
        clear_href: filtered.then(|| query.unfiltered().href(&path)),
        chips,
        downloads: EXPORT_FORMATS
            .iter()
            .map(|f| Link {
                label: f.to_uppercase(),
                href: query.export_href(&api_rows, f),
            })
            .collect(),
        api_href: query.href(&api_rows),
    };
    let fetched = async {
        let limit = query.limit()?;
        let mut request = query.params.rows_request()?;
        request.limit = Some(limit as usize);
        let reference = TableRef {
            distribution: subject.id,
            sheet: query.params.sheet.clone(),
        };
        let page = app.table_rows(actor, &reference, &request).await?;
        Ok::<_, Error>((page, limit))
    };
    match fetched.await {
        Ok((page, limit)) => {
            let first = query.first_row();
            section.caption = if page.result.rows.is_empty() {
                message(locale, "portal.tables.no_rows", &[])
            } else {
                message(
                    locale,
                    "portal.tables.rows_caption",
                    &[
                        ("first", &format::count(first + 1, locale)),
                        (
                            "last",
                            &format::count(first + page.result.rows.len() as u64, locale),
                        ),
                        ("total", &format::count(page.total, locale)),
                    ],
                )
            };
            section.pager = Some(Pager::new(query, &path, &page, limit, locale));
            section.grid = Some(GridView::new(
                &page,
                Some(Sorting { query, path: &path }),
                locale,
            ));
            Ok((section, StatusCode::OK))
        }
        Err(error) => match query_error_text(&error, locale) {
            Some(text) => {
                section.caption = message(locale, "portal.tables.no_rows", &[]);
                section.error = Some(text);
                Ok((section, StatusCode::BAD_REQUEST))
            }
            None => Err(error),
        },
    }
}

/// What a table page is asked to show: the dataset and distribution (as in its path), the
/// query, the message after a redirect, and the schema editor as posted (with its errors).
struct Shown<'a> {
    slug: &'a str,
    id: &'a str,
    query: TableQuery,
    notice: NoticeQuery,
    posted: Option<PostedSchema>,
}

/// Renders the table page.
async fn show(app: &App, lang: &Lang, visitor: &Visitor, shown: Shown<'_>) -> Result<Response> {
    let Shown {
        slug,
        id,
        query,
        notice,
        posted,
    } = shown;
    let query = &query;
    let locale = lang.locale;
    let actor = visitor.actor();
    let subject = Subject::load(app, &actor, slug, id).await?;
    let sheet = query.params.sheet.as_deref();
    let table = subject.table(sheet)?;
    let distribution = subject
        .dataset
        .distributions
        .iter()
        .find(|d| d.id == subject.id)
        .ok_or_else(|| Error::not_found("table", subject.id))?;
    let dataset_slug = subject.dataset.slug.clone();
    let neutral = table_path(&dataset_slug, subject.id);
    let mut status = StatusCode::OK;
    let summary = IngestSummary::new(&subject.ingest, locale);
    let section = match table.filter(|_| summary.ready) {
        Some(table) => {
            let (rows, rows_status) =
                rows_section(app, &actor, &subject, table, query, lang).await?;
            status = rows_status;
            let selection = query.selection_string();
            let sql = format!("SELECT * FROM \"{}\" LIMIT 10", table.table);
            let sql_href = format!(
                "/api/1/sql?{}",
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("q", &sql)
                    .finish()
            );
            Some(TableSection {
                name: table.name.clone(),
                size: dimensions(table, locale),
                title: table.title.clone(),
                notes: table.notes.clone(),
                columns: grid::columns(table, locale),
                rows,
                table_name: table.table.clone(),
                sql,
                sql_href,
                chart: ChartForm::new(subject.id, &selection, table, locale),
                map: MapConfig::detect(subject.id, &selection, table),
            })
        }
        None => None,
    };
    let sheets = if subject.ingest.tables.len() > 1 {
        let current = table.map(|t| t.name.as_str());
        subject
            .ingest
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| SheetTab {
                name: t.name.clone(),
                href: format!(
                    "{}{}",
                    lang.prefix(),
                    sheet_path(
                        &dataset_slug,
                        subject.id,
                        (i > 0).then_some(t.name.as_str())
                    )
                ),
                current: current == Some(t.name.as_str()),
            })
            .collect()
    } else {
        Vec::new()
    };
    let publisher = actor
        .can_edit_datasets_of(subject.dataset.publisher_id)
        .then(|| {
            let (form, form_error) = match (&posted, table) {
                (Some(posted), Some(table)) => (
                    Some(SchemaForm::as_posted(
                        &table.schema,
                        &posted.fields,
                        posted.errors.clone(),
                        locale,
                    )),
                    posted.form_error.clone(),
                ),
                (None, Some(table)) => (Some(SchemaForm::of_schema(&table.schema, locale)), None),
                (_, None) => (None, None),
            };
            let base = format!("{}{neutral}", lang.prefix());
            PublisherTools {
                csrf: visitor.csrf_token(),
                schema_action: format!("{base}/schema"),
                reingest_action: format!("{base}/reingest"),
                sheet: query.params.sheet.clone(),
                form,
                form_error,
            }
        });
    if let Some(posted) = &posted {
        status = if posted.errors.is_empty() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
    }
    let ingest = &subject.ingest;
    let page = TablePage {
        dataset_title: text_in(&subject.dataset.title, locale),
        dataset_href: format!("{}/dataset/{dataset_slug}", lang.prefix()),
        distribution_title: distribution_title(distribution, locale),
        summary,
        file: FileFacts {
            format: ingest.format.as_ref().map(|f| f.to_uppercase()),
            encoding: ingest.encoding.clone(),
            delimiter: ingest.delimiter.clone().map(
                |d| {
                    if d == "\t" { "Tab".to_string() } else { d }
                },
            ),
            size: ingest.source_bytes.map(|b| format::size(b, locale)),
        },
        sheets,
        warnings: WarningsView::new(&ingest.warnings, table.map(|t| &t.warnings), locale),
        table: section,
        notice: notice.notice(locale),
        package_href: format!("/api/1/datasets/{dataset_slug}/datapackage.zip"),
        publisher,
        assets: table_assets(),
    };
    let heading = message(
        locale,
        "portal.tables.title",
        &[("title", &page.distribution_title)],
    );
    render_page("table.html", lang, visitor, &heading, status, page)
}

/// `GET /dataset/{slug}/tables/{id}`.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Answer {
    let shown = Shown {
        slug: &slug,
        id: &id,
        query: TableQuery::parse(raw.as_deref()),
        notice: NoticeQuery::from_query(raw.as_deref()),
        posted: None,
    };
    show(&app, &lang, &visitor, shown)
        .await
        .map_err(|error| PageError { lang, error })
}

/// Refuses (403) a visitor who may see the dataset but not edit it, before their form is read
/// (the app checks again when it writes).
fn editable(actor: &Actor, subject: &Subject) -> Result<()> {
    if actor.can_edit_datasets_of(subject.dataset.publisher_id) {
        Ok(())
    } else {
        Err(Error::Forbidden {
            action: "dataset.update",
        })
    }
}

/// The table page to come back to after a form: its sheet, when not the first.
fn back_path(slug: &str, id: &str, sheet: Option<&str>) -> String {
    match Uuid::parse_str(id) {
        Ok(id) => sheet_path(slug, id, sheet),
        Err(_) => format!("/dataset/{slug}"),
    }
}

/// `POST /dataset/{slug}/tables/{id}/schema` (`csrf`, `sheet`, `name.N`, `type.N`,
/// `format.N`, `missing_values`): saves the edited Table Schema and reads the file again. Bad
/// inputs are shown next to them (422); a schema the app refuses is said above the form (400);
/// only those who may edit the dataset may (403).
pub async fn save_schema(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    let Some((fields, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &back_path(&slug, &id, None)));
    };
    let actor = &signed_in.actor;
    let sheet = Some(fields.get("sheet").to_string()).filter(|s| !s.is_empty());
    let saved = async {
        let subject = Subject::load(&app, actor, &slug, &id).await?;
        editable(actor, &subject)?;
        let table = subject
            .table(sheet.as_deref())?
            .ok_or_else(|| Error::not_found("table", subject.id))?;
        let edited = edited_schema(&table.schema, &fields)?;
        app.edit_table_schema(actor, subject.id, sheet.as_deref(), &edited)
            .await
    };
    let refused = match saved.await {
        Ok(_) => {
            return Ok(redirect_with_notice(
                &lang,
                &back_path(&slug, &id, sheet.as_deref()),
                "table_schema_saved",
                "",
            ));
        }
        Err(Error::Invalid(errors)) => {
            let mut messages = field_messages(&errors, lang.locale);
            // The app's own checks name the schema as a whole (`schema.fields`).
            let general: Vec<String> = messages
                .iter()
                .filter(|(k, _)| k.starts_with("schema"))
                .flat_map(|(_, v)| v.clone())
                .collect();
            messages.retain(|k, _| !k.starts_with("schema"));
            let form_error = Some(if general.is_empty() {
                message(lang.locale, "portal.account.errors_summary", &[])
            } else {
                general.join(" ")
            });
            PostedSchema {
                fields,
                errors: messages,
                form_error,
            }
        }
        Err(error @ Error::BadRequest { .. }) => PostedSchema {
            form_error: query_error_text(&error, lang.locale),
            fields,
            errors: BTreeMap::new(),
        },
        Err(error) => return Err(PageError { lang, error }),
    };
    let mut query = TableQuery::default();
    query.params.sheet = sheet;
    let shown = Shown {
        slug: &slug,
        id: &id,
        query,
        notice: NoticeQuery::default(),
        posted: Some(refused),
    };
    show(&app, &lang, &visitor, shown)
        .await
        .map_err(|error| PageError { lang, error })
}

/// `POST /dataset/{slug}/tables/{id}/reingest` (`csrf`, `sheet`): reads the file again (queued
/// for the worker); only those who may edit the dataset may (403).
pub async fn reingest(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, id)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    let Some((fields, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &back_path(&slug, &id, None)));
    };
    let actor = &signed_in.actor;
    let sheet = Some(fields.get("sheet").to_string()).filter(|s| !s.is_empty());
    let queued = async {
        let subject = Subject::load(&app, actor, &slug, &id).await?;
        editable(actor, &subject)?;
        app.reingest(actor, subject.id).await
    };
    match queued.await {
        Ok(_) => Ok(redirect_with_notice(
            &lang,
            &back_path(&slug, &id, sheet.as_deref()),
            "table_reingest_queued",
            "",
        )),
        Err(error) => Err(PageError { lang, error }),
    }
}
