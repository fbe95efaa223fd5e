//! `/dataset/{slug}/sources`: a dataset's automatic updates (scheduled pulls, `dulieu_app::pull`),
//! for its publisher's editors and admins. The list shows each file of the dataset with the state
//! of its source (links to other sites cannot have one); a source's page
//! (`…/sources/{distribution}`) has its state (next run in the portal's time zone, last outcome,
//! failures in a row), the form that sets it up or changes it (a web address or a database query,
//! a cron schedule with a few presets, paused or not), "Run now", its deletion and its run history
//! a page at a time. Every POST is CSRF-checked and answered with a redirect and a notice; refused
//! input shows the form again (422) with each message next to its field. A database connection is
//! never shown back: the app gives it with its password masked, and the password input starts
//! empty (left empty, the saved connection is kept).

use std::fmt::Display;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::{DateTime, FixedOffset, Utc};
use dulieu_app::{App, PageRequest};
use dulieu_core::account::Actor;
use dulieu_core::catalog::{Dataset, Distribution};
use dulieu_core::pull::{PullRun, PullSource, RunOutcome, SourceInput, SourceKind};
use dulieu_core::{Error, Result};
use dulieu_i18n::{Locale, message};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::account::{errors_summary, field_messages, signed_in_post, to_sign_in};
use super::dataset::{distribution_title, version_download_path};
use super::dataset_form::{edit_path, editable};
use super::feedback::DatasetTabs;
use super::requests::{invalid_value, page_error};
use super::runs::{Pager, Preset, When, portal_offset, presets};
use super::ticket_forms::{Answer, Errors};
use super::{page_number, text_in};
use crate::form::Fields;
use crate::format;
use crate::lang::Lang;
use crate::notice::{NoticeQuery, redirect_with_notice, redirect_with_problem};
use crate::render::render_page;
use crate::session::Visitor;

/// Runs on one page of a source's history.
const RUNS_PER_PAGE: i64 = 20;

/// The inputs of the source form; errors of other fields are shown above it.
const INPUTS: &[&str] = &[
    "kind",
    "url",
    "connection",
    "query",
    "file_name",
    "schedule",
];

/// The pages' routes under `prefix` (`""` or `"/en"`).
pub(crate) fn routes(prefix: &str) -> Router<App> {
    let at = |path: &str| format!("{prefix}{path}");
    Router::new()
        .route(&at("/dataset/{slug}/sources"), get(list))
        .route(&at("/dataset/{slug}/sources/{id}"), get(page).post(save))
        .route(&at("/dataset/{slug}/sources/{id}/run"), post(run_now))
        .route(&at("/dataset/{slug}/sources/{id}/delete"), post(delete))
}

/// The path of a dataset's automatic updates, without the language prefix.
pub(crate) fn sources_path(slug: &str) -> String {
    format!("/dataset/{slug}/sources")
}

/// The path of the source page of distribution `id`, without the language prefix.
pub(crate) fn source_path(slug: &str, id: impl Display) -> String {
    format!("/dataset/{slug}/sources/{id}")
}

/// The automatic updates tab's link, when `actor` may manage `dataset`'s sources (its
/// publisher's editors and admins).
pub(crate) fn tab_href(actor: &Actor, lang: &Lang, dataset: &Dataset) -> Option<String> {
    actor
        .can_edit_datasets_of(dataset.publisher_id)
        .then(|| format!("{}{}", lang.prefix(), sources_path(&dataset.slug)))
}

/// Where a source stands.
#[derive(Serialize)]
struct StatusView {
    kind: &'static str,
    url: Option<String>,
    /// The connection, its password masked.
    connection: Option<String>,
    schedule: String,
    enabled: bool,
    next_run: Option<When>,
    running: bool,
    last_run: Option<When>,
    last_outcome: Option<&'static str>,
    last_error_code: Option<String>,
    last_error: Option<String>,
    /// Failed runs in a row.
    failures: i64,
    failing_since: Option<When>,
}

impl StatusView {
    fn new(source: &PullSource, offset: FixedOffset, locale: Locale) -> Self {
        let when = |at: Option<DateTime<Utc>>| at.map(|at| When::new(at, offset, locale));
        Self {
            kind: source.kind.as_str(),
            url: source.url.clone(),
            connection: source.connection.clone(),
            schedule: source.schedule.clone(),
            enabled: source.enabled,
            next_run: when(source.next_run_at),
            running: source.running,
            last_run: when(source.last_run_at),
            last_outcome: source.last_outcome.map(RunOutcome::as_str),
            last_error_code: source.last_error_code.clone(),
            last_error: source.last_error.clone(),
            failures: source.consecutive_failures,
            failing_since: when(source.failing_since),
        }
    }
}

/// A distribution of the dataset in the list.
#[derive(Serialize)]
struct FileRow {
    title: String,
    format: Option<String>,
    /// A link to another site: it cannot have a source.
    is_link: bool,
    /// Its source's page (uploaded files).
    href: Option<String>,
    source: Option<StatusView>,
}

#[derive(Serialize)]
struct ListPage {
    tabs: DatasetTabs,
    dataset_title: String,
    notice: Option<String>,
    files: Vec<FileRow>,
    /// The edit page, where files are uploaded.
    edit_href: String,
}

/// The dataset `slug` and its distribution whose id is `raw`, when `actor` edits the dataset's
/// publisher (403 otherwise; 404 for an id that is not one of the dataset's distributions).
async fn distribution_of(
    app: &App,
    actor: &Actor,
    slug: &str,
    raw: &str,
) -> Result<(Dataset, Distribution)> {
    let dataset = editable(app, actor, slug).await?;
    let distribution = Uuid::parse_str(raw.trim())
        .ok()
        .and_then(|id| dataset.distributions.iter().find(|d| d.id == id).cloned())
        .ok_or_else(|| Error::not_found("distribution", raw))?;
    Ok((dataset, distribution))
}

/// `GET /dataset/{slug}/sources` (`?notice=source_deleted` after a deletion): the dataset's files
/// and their sources. Visitors are sent to sign in; others than the publisher's editors get the
/// 403 page.
pub async fn list(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(notice): Query<NoticeQuery>,
) -> Answer {
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(&lang, &sources_path(&slug)));
    };
    let actor = &signed_in.actor;
    let shown = async {
        let locale = lang.locale;
        let dataset = editable(&app, actor, &slug).await?;
        let sources = app.dataset_pull_sources(actor, &dataset.slug).await?;
        let offset = portal_offset(&app);
        let files = dataset
            .distributions
            .iter()
            .map(|d| FileRow {
                title: distribution_title(d, locale),
                format: d.format.clone(),
                is_link: d.remote_url.is_some(),
                href: d
                    .remote_url
                    .is_none()
                    .then(|| format!("{}{}", lang.prefix(), source_path(&dataset.slug, d.id))),
                source: sources
                    .iter()
                    .find(|s| s.distribution_id == d.id)
                    .map(|s| StatusView::new(s, offset, locale)),
            })
            .collect();
        let dataset_title = text_in(&dataset.title, locale);
        let page = ListPage {
            tabs: DatasetTabs::for_sources(&app, actor, &lang, &dataset.slug, "sources").await?,
            notice: notice.notice(locale),
            files,
            edit_href: format!("{}{}", lang.prefix(), edit_path(&dataset.slug)),
            dataset_title: dataset_title.clone(),
        };
        let title = message(locale, "portal.pull.title", &[("dataset", &dataset_title)]);
        render_page(
            "dataset_sources.html",
            &lang,
            &visitor,
            &title,
            StatusCode::OK,
            page,
        )
    };
    shown.await.map_err(page_error(lang.clone()))
}

/// What the source form's inputs hold. The connection is never among them: it is not shown
/// back.
#[derive(Debug, Serialize)]
struct Values {
    kind: String,
    url: String,
    query: String,
    file_name: String,
    schedule: String,
    enabled: bool,
}

impl Values {
    /// The form of a new source: a web address, run on its schedule.
    fn blank() -> Self {
        Self {
            kind: SourceKind::Http.as_str().to_string(),
            url: String::new(),
            query: String::new(),
            file_name: String::new(),
            schedule: String::new(),
            enabled: true,
        }
    }

    /// The form of a saved source.
    fn of(source: &PullSource) -> Self {
        let text = |t: &Option<String>| t.clone().unwrap_or_default();
        Self {
            kind: source.kind.as_str().to_string(),
            url: text(&source.url),
            query: text(&source.query),
            file_name: text(&source.file_name),
            schedule: source.schedule.clone(),
            enabled: source.enabled,
        }
    }

    /// The form as posted.
    fn from_fields(fields: &Fields) -> Self {
        let get = |name: &str| fields.get(name).to_string();
        Self {
            kind: get("kind"),
            url: get("url"),
            query: get("query"),
            file_name: get("file_name"),
            schedule: get("schedule"),
            enabled: fields.get("enabled") == "1",
        }
    }

    /// What to save, with the `connection` typed (empty keeps the saved one): the fields of the
    /// kind chosen. A kind that is not one is refused here; the app checks the rest.
    fn to_input(&self, connection: &str) -> Result<SourceInput> {
        let kind = match self.kind.trim() {
            "" => None,
            text => Some(SourceKind::parse(text).ok_or_else(|| {
                let kinds: Vec<&str> = SourceKind::ALL.iter().map(|k| k.as_str()).collect();
                invalid_value("kind", &kinds.join(", "))
            })?),
        };
        let sql = kind == Some(SourceKind::Sql);
        let text = |t: &str| t.trim().to_string();
        Ok(SourceInput {
            kind,
            url: (!sql).then(|| text(&self.url)),
            connection: Some(text(connection)).filter(|c| sql && !c.is_empty()),
            query: sql.then(|| text(&self.query)),
            file_name: sql.then(|| text(&self.file_name)),
            schedule: Some(text(&self.schedule)),
            enabled: Some(self.enabled),
        })
    }
}

/// The source form.
#[derive(Serialize)]
struct SourceForm {
    action: String,
    editing: bool,
    values: Values,
    /// The saved connection with its password masked (database sources).
    saved_connection: Option<String>,
    /// Errors by input.
    errors: Errors,
    /// Errors of the source as a whole (e.g. a file that is not an upload).
    other_errors: Vec<String>,
    form_error: Option<String>,
    presets: Vec<Preset>,
    /// The portal's time zone (`UTC+07:00`).
    zone: String,
}

/// A run in the history.
#[derive(Serialize)]
struct RunRow {
    started: When,
    trigger: &'static str,
    outcome: &'static str,
    failed: bool,
    duration: Option<String>,
    bytes: Option<String>,
    rows: Option<String>,
    version: Option<i64>,
    version_href: Option<String>,
    http_status: Option<i64>,
    error_code: Option<String>,
    error_message: Option<String>,
}

impl RunRow {
    fn new(run: &PullRun, offset: FixedOffset, locale: Locale) -> Self {
        Self {
            started: When::new(run.started_at, offset, locale),
            trigger: run.trigger.as_str(),
            outcome: run.outcome.as_str(),
            failed: matches!(run.outcome, RunOutcome::Failed | RunOutcome::Interrupted),
            duration: run.duration_ms.map(|ms| format::duration_ms(ms, locale)),
            bytes: run.bytes.map(|b| format::size(b, locale)),
            rows: run
                .rows
                .map(|r| format::count(u64::try_from(r).unwrap_or_default(), locale)),
            version: run.version,
            version_href: run
                .version
                .map(|v| version_download_path(run.distribution_id, v)),
            http_status: run.http_status,
            error_code: run.error_code.clone(),
            error_message: run.error_message.clone(),
        }
    }
}

#[derive(Serialize)]
struct SourcePage {
    tabs: DatasetTabs,
    dataset_title: String,
    back_href: String,
    notice: Option<String>,
    problem: Option<String>,
    /// A link to another site: no source, no form.
    is_link: bool,
    status: Option<StatusView>,
    form: Option<SourceForm>,
    csrf: String,
    run_action: String,
    delete_action: String,
    runs: Vec<RunRow>,
    pager: Option<Pager>,
}

/// What a source's page shows besides the source.
#[derive(Default)]
struct Shown {
    /// `?notice=` / `?problem=` after a redirect.
    notice: NoticeQuery,
    /// The page of the history (from 1; 0 is the first too).
    page: i64,
    /// A preset chosen without JavaScript (`?schedule=`).
    schedule: Option<String>,
    /// The form as posted, when it was refused.
    values: Option<Values>,
    /// The refused form's errors.
    errors: Errors,
    /// Why a button did not work (a run already going on).
    problem: Option<String>,
}

/// Renders the source page of distribution `raw` of dataset `slug`, answered with `status`.
async fn show(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    actor: &Actor,
    (slug, raw): (&str, &str),
    shown: Shown,
    status: StatusCode,
) -> Result<axum::response::Response> {
    let locale = lang.locale;
    let (dataset, distribution) = distribution_of(app, actor, slug, raw).await?;
    let source = app.pull_source(actor, distribution.id).await?;
    let offset = portal_offset(app);
    let here = format!(
        "{}{}",
        lang.prefix(),
        source_path(&dataset.slug, distribution.id)
    );
    let runs = match &source {
        Some(_) => {
            let request = PageRequest::new(Some(shown.page.max(1)), Some(RUNS_PER_PAGE))?;
            Some(app.pull_runs(actor, distribution.id, request).await?)
        }
        None => None,
    };
    let is_link = distribution.remote_url.is_some();
    let form = (!is_link).then(|| {
        let mut values = shown
            .values
            .unwrap_or_else(|| source.as_ref().map_or_else(Values::blank, Values::of));
        if let Some(schedule) = shown.schedule {
            values.schedule = schedule;
        }
        let (errors, other_errors): (Errors, Errors) = shown
            .errors
            .into_iter()
            .partition(|(field, _)| INPUTS.contains(&field.as_str()));
        SourceForm {
            action: here.clone(),
            editing: source.is_some(),
            values,
            saved_connection: source.as_ref().and_then(|s| s.connection.clone()),
            form_error: errors_summary(&errors, locale)
                .or_else(|| errors_summary(&other_errors, locale)),
            errors,
            other_errors: other_errors.into_values().flatten().collect(),
            presets: presets(&here, locale),
            zone: format::zone(offset),
        }
    });
    let file_title = distribution_title(&distribution, locale);
    let page = SourcePage {
        tabs: DatasetTabs::for_sources(app, actor, lang, &dataset.slug, "source").await?,
        dataset_title: text_in(&dataset.title, locale),
        back_href: format!("{}{}", lang.prefix(), sources_path(&dataset.slug)),
        notice: shown.notice.notice(locale),
        problem: shown.problem.or_else(|| shown.notice.problem(locale, &[])),
        is_link,
        status: source.as_ref().map(|s| StatusView::new(s, offset, locale)),
        form,
        csrf: visitor.csrf_token(),
        run_action: format!("{here}/run"),
        delete_action: format!("{here}/delete"),
        pager: runs.as_ref().and_then(|r| Pager::new(r, &here)),
        runs: runs
            .iter()
            .flat_map(|r| &r.results)
            .map(|run| RunRow::new(run, offset, locale))
            .collect(),
    };
    let title = message(locale, "portal.pull.source_title", &[("file", &file_title)]);
    render_page("dataset_source.html", lang, visitor, &title, status, page)
}

/// `?page=` (of the history) and `?schedule=` (a preset chosen) of a source's page.
#[derive(Debug, Default, Deserialize)]
pub struct SourceParams {
    #[serde(default)]
    page: String,
    #[serde(default)]
    schedule: String,
}

/// `GET /dataset/{slug}/sources/{id}`: a file's source, its form and its history.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, raw)): Path<(String, String)>,
    Query(notice): Query<NoticeQuery>,
    Query(params): Query<SourceParams>,
) -> Answer {
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(&lang, &source_path(&slug, &raw)));
    };
    let shown = async {
        let shown = Shown {
            notice,
            page: page_number(&params.page)?,
            schedule: Some(params.schedule.trim().to_string()).filter(|s| !s.is_empty()),
            ..Shown::default()
        };
        show(
            &app,
            &lang,
            &visitor,
            &signed_in.actor,
            (&slug, &raw),
            shown,
            StatusCode::OK,
        )
        .await
    };
    shown.await.map_err(page_error(lang.clone()))
}

/// `POST /dataset/{slug}/sources/{id}` (`csrf`, `kind`, `url`, `connection`, `query`,
/// `file_name`, `schedule`, `enabled`): sets up or changes the source and comes back to its page
/// (`?notice=source_saved`); refused input shows the form again (422) with the messages.
pub async fn save(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, raw)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    let Some((fields, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &source_path(&slug, &raw)));
    };
    let actor = &signed_in.actor;
    let values = Values::from_fields(&fields);
    let saved = async {
        let (dataset, distribution) = distribution_of(&app, actor, &slug, &raw).await?;
        let input = values.to_input(fields.get("connection"))?;
        app.save_pull_source(actor, distribution.id, input).await?;
        Ok(source_path(&dataset.slug, distribution.id))
    };
    let errors = match saved.await {
        Ok(path) => return Ok(redirect_with_notice(&lang, &path, "source_saved", "")),
        Err(Error::Invalid(errors)) => field_messages(&errors, lang.locale),
        Err(error) => return Err(page_error(lang)(error)),
    };
    let shown = Shown {
        values: Some(values),
        errors,
        ..Shown::default()
    };
    show(
        &app,
        &lang,
        &visitor,
        actor,
        (&slug, &raw),
        shown,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
    .map_err(page_error(lang.clone()))
}

/// The message after a run by hand: a notice when it read the source, a problem when it failed
/// (its error is in the status and the history).
fn ran_message(outcome: RunOutcome) -> std::result::Result<&'static str, &'static str> {
    match outcome {
        RunOutcome::NewVersion => Ok("source_new_version"),
        RunOutcome::Unchanged => Ok("source_unchanged"),
        RunOutcome::NotModified => Ok("source_not_modified"),
        RunOutcome::Failed | RunOutcome::Interrupted | RunOutcome::Running => {
            Err("source_run_failed")
        }
    }
}

/// `POST /dataset/{slug}/sources/{id}/run`: runs the source now (it may take seconds) and comes
/// back to its page with how it ended; a run already going on shows the page again (409) with the
/// reason.
pub async fn run_now(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, raw)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    let Some((_, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &source_path(&slug, &raw)));
    };
    let actor = &signed_in.actor;
    let ran = async {
        let (dataset, distribution) = distribution_of(&app, actor, &slug, &raw).await?;
        let run = app.run_pull_now(actor, distribution.id).await?;
        Ok((source_path(&dataset.slug, distribution.id), run.outcome))
    };
    let problem = match ran.await {
        Ok((path, outcome)) => {
            return Ok(match ran_message(outcome) {
                Ok(notice) => redirect_with_notice(&lang, &path, notice, ""),
                Err(problem) => redirect_with_problem(&lang, &path, problem, ""),
            });
        }
        Err(Error::Conflict { code, value, .. }) => {
            message(lang.locale, &format!("error.{code}"), &[("value", &value)])
        }
        Err(error) => return Err(page_error(lang)(error)),
    };
    let shown = Shown {
        problem: Some(problem),
        ..Shown::default()
    };
    show(
        &app,
        &lang,
        &visitor,
        actor,
        (&slug, &raw),
        shown,
        StatusCode::CONFLICT,
    )
    .await
    .map_err(page_error(lang.clone()))
}

/// `POST /dataset/{slug}/sources/{id}/delete`: removes the source and its history (the versions
/// it published stay) and goes back to the list (`?notice=source_deleted`).
pub async fn delete(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path((slug, raw)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    let Some((_, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &source_path(&slug, &raw)));
    };
    let actor = &signed_in.actor;
    let deleted = async {
        let (dataset, distribution) = distribution_of(&app, actor, &slug, &raw).await?;
        app.delete_pull_source(actor, distribution.id).await?;
        Ok(sources_path(&dataset.slug))
    };
    match deleted.await {
        Ok(path) => Ok(redirect_with_notice(&lang, &path, "source_deleted", "")),
        Err(error) => Err(page_error(lang)(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_form_sends_the_fields_of_the_kind_chosen() {
        let web = Values::from_fields(&fields(&[
            ("kind", "http"),
            ("url", " https://thongke.gov.vn/dan-so.csv "),
            ("query", "SELECT 1"),
            ("schedule", " 0 2 * * * "),
            ("enabled", "1"),
        ]));
        let input = web.to_input("postgres://a:b@10.0.0.1/x").unwrap();
        assert_eq!(input.kind, Some(SourceKind::Http));
        assert_eq!(
            input.url.as_deref(),
            Some("https://thongke.gov.vn/dan-so.csv")
        );
        assert_eq!((input.connection, input.query), (None, None));
        assert_eq!(input.schedule.as_deref(), Some("0 2 * * *"));
        assert_eq!(input.enabled, Some(true));

        let database = Values::from_fields(&fields(&[
            ("kind", "sql"),
            ("query", "SELECT * FROM dan_so"),
            ("file_name", ""),
        ]));
        let kept = database.to_input("  ").unwrap();
        assert_eq!(kept.connection, None, "empty keeps the saved connection");
        assert_eq!(kept.url, None);
        assert_eq!(kept.file_name.as_deref(), Some(""));
        assert_eq!(kept.enabled, Some(false), "an unticked box pauses");
        let given = database.to_input("postgres://a:b@10.0.0.1/x").unwrap();
        assert_eq!(
            given.connection.as_deref(),
            Some("postgres://a:b@10.0.0.1/x")
        );

        let Err(Error::Invalid(errors)) =
            Values::from_fields(&fields(&[("kind", "ftp")])).to_input("")
        else {
            panic!("an unknown kind is refused");
        };
        assert!(errors.0.contains_key("kind"));
    }

    #[test]
    fn every_outcome_preset_and_label_has_its_text() {
        for outcome in RunOutcome::ALL {
            let key = format!("portal.pull.outcome.{}", outcome.as_str());
            assert!(dulieu_i18n::has_message(&key), "{key}");
            let code = match ran_message(*outcome) {
                Ok(notice) => format!("portal.notice.{notice}"),
                Err(problem) => format!("portal.problem.{problem}"),
            };
            assert!(dulieu_i18n::has_message(&code), "{code}");
        }
        for kind in SourceKind::ALL {
            let key = format!("portal.pull.kind.{}", kind.as_str());
            assert!(dulieu_i18n::has_message(&key), "{key}");
        }
        for trigger in dulieu_core::pull::RunTrigger::ALL {
            let key = format!("portal.pull.trigger.{}", trigger.as_str());
            assert!(dulieu_i18n::has_message(&key), "{key}");
        }
    }
}
