//! `/admin/harvest…`: the harvest sources (`dulieu_app::harvest`), for sysadmins. The list shows
//! each source with where it stands (next run in the portal's time zone, last outcome, datasets
//! harvested, a run going on); the form (`…/new`, `…/{slug}/edit`) sets one up or changes it and
//! its Preview button shows what the settings would yield without saving anything; a source's
//! page has its settings, "Run now" (the run's counts come back as a notice), its deletion and its
//! run history a page at a time, each run with its counts and its item errors. Every POST is
//! CSRF-checked; refused input shows the form again (422) with each message next to its field.
//! Visitors are sent to sign in; other users get the 403 page (the app's rule).
//!
//! A harvested dataset's public page says where it comes from ([`HarvestedFrom`]).

mod form;
mod view;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use dulieu_app::{App, PageRequest};
use dulieu_core::account::Actor;
use dulieu_core::harvest::HarvestSource;
use dulieu_core::{Error, Result};
use dulieu_i18n::message;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::account::{field_messages, signed_in_post, to_sign_in};
use super::page_number;
use super::requests::page_error;
use super::runs::{Pager, portal_offset};
use super::ticket_forms::Answer;
use crate::lang::Lang;
use crate::notice::{NoticeQuery, redirect_with_notice, redirect_with_problem};

/// How long "Run now" waits for the run to end before answering that it goes on in the
/// background.
const RUN_NOW_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
use crate::render::render_page;
use crate::session::Visitor;
use form::{FormView, Shown, Values};
use view::{RunRow, SourceView, counts_text, ran_message};

pub(crate) use view::HarvestedFrom;

/// Runs on one page of a source's history.
const RUNS_PER_PAGE: i64 = 20;

/// The list's path, without the language prefix.
pub(crate) const LIST_PATH: &str = "/admin/harvest";

/// The new source form's path, without the language prefix.
const NEW_PATH: &str = "/admin/harvest/new";

/// The pages' routes under `prefix` (`""` or `"/en"`).
pub(crate) fn routes(prefix: &str) -> Router<App> {
    let at = |path: &str| format!("{prefix}{path}");
    Router::new()
        .route(&at(LIST_PATH), get(list))
        .route(&at(NEW_PATH), get(new_form).post(create))
        .route(&at("/admin/harvest/{slug}"), get(page))
        .route(
            &at("/admin/harvest/{slug}/edit"),
            get(edit_form).post(update),
        )
        .route(&at("/admin/harvest/{slug}/run"), post(run_now))
        .route(&at("/admin/harvest/{slug}/delete"), post(delete))
}

/// The path of source `slug`'s page, without the language prefix.
pub(crate) fn source_path(slug: &str) -> String {
    format!("{LIST_PATH}/{slug}")
}

/// The path of source `slug`'s form, without the language prefix.
fn edit_path(slug: &str) -> String {
    format!("{LIST_PATH}/{slug}/edit")
}

#[derive(Serialize)]
struct ListPage {
    notice: Option<String>,
    new_href: String,
    sources: Vec<SourceView>,
}

/// `GET /admin/harvest` (`?notice=harvest_deleted` after a deletion): every source.
pub async fn list(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Query(notice): Query<NoticeQuery>,
) -> Answer {
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(&lang, LIST_PATH));
    };
    let shown = async {
        let sources = app.harvest_sources(&signed_in.actor).await?;
        let offset = portal_offset(&app);
        let page = ListPage {
            notice: notice.notice(lang.locale),
            new_href: format!("{}{NEW_PATH}", lang.prefix()),
            sources: sources
                .iter()
                .map(|s| SourceView::new(s, &lang, offset))
                .collect(),
        };
        let title = message(lang.locale, "portal.harvest.title", &[]);
        render_page(
            "harvest_sources.html",
            &lang,
            &visitor,
            &title,
            StatusCode::OK,
            page,
        )
    };
    shown.await.map_err(page_error(lang.clone()))
}

/// Which form: a new source's, or the one of the saved source `slug`.
#[derive(Clone, Copy)]
enum Target<'a> {
    New,
    Edit(&'a str),
}

impl Target<'_> {
    fn path(self) -> String {
        match self {
            Target::New => NEW_PATH.to_string(),
            Target::Edit(slug) => edit_path(slug),
        }
    }
}

#[derive(Serialize)]
struct FormPage {
    form: FormView,
    csrf: String,
    list_href: String,
    /// The saved source's page (editing).
    source: Option<Link>,
}

/// A link to a page: its text and address.
#[derive(Serialize)]
struct Link {
    text: String,
    href: String,
}

/// Renders the form of `target` holding `values` (the saved source's, when `None`) with what
/// `shown` adds, answered with `status`.
async fn show_form(
    app: &App,
    (lang, visitor, actor): (&Lang, &Visitor, &Actor),
    target: Target<'_>,
    values: Option<Values>,
    mut shown: Shown,
    status: StatusCode,
) -> Result<Response> {
    let locale = lang.locale;
    let source = match target {
        Target::Edit(slug) => Some(app.harvest_source(actor, slug).await?),
        Target::New => {
            app.may_manage_harvests(actor)?;
            None
        }
    };
    let mut values =
        values.unwrap_or_else(|| source.as_ref().map_or_else(Values::blank, Values::of));
    if let Some(schedule) = shown.schedule.take() {
        values.set_schedule(schedule);
    }
    let action = format!("{}{}", lang.prefix(), target.path());
    let title = match &source {
        Some(s) => message(locale, "portal.harvest.edit_title", &[("source", &s.title)]),
        None => message(locale, "portal.harvest.new_title", &[]),
    };
    let page = FormPage {
        form: FormView::new(app, locale, action, source.is_some(), values, shown).await?,
        csrf: visitor.csrf_token(),
        list_href: format!("{}{LIST_PATH}", lang.prefix()),
        source: source.as_ref().map(|s| Link {
            text: s.title.clone(),
            href: format!("{}{}", lang.prefix(), source_path(&s.slug)),
        }),
    };
    render_page("harvest_form.html", lang, visitor, &title, status, page)
}

/// `?schedule=` of a form (a preset chosen without JavaScript).
#[derive(Debug, Default, Deserialize)]
pub struct FormParams {
    #[serde(default)]
    schedule: String,
}

/// A form's GET: the form of `target`, with a preset's schedule when one was chosen.
async fn form_page(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    target: Target<'_>,
    params: FormParams,
) -> Answer {
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(lang, &target.path()));
    };
    let shown = Shown {
        schedule: Some(params.schedule.trim().to_string()).filter(|s| !s.is_empty()),
        ..Shown::default()
    };
    let who = (lang, visitor, &signed_in.actor);
    show_form(app, who, target, None, shown, StatusCode::OK)
        .await
        .map_err(page_error(lang.clone()))
}

/// `GET /admin/harvest/new`: the form of a new source.
pub async fn new_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Query(params): Query<FormParams>,
) -> Answer {
    form_page(&app, &lang, &visitor, Target::New, params).await
}

/// `GET /admin/harvest/{slug}/edit`: the form of a saved source.
pub async fn edit_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(params): Query<FormParams>,
) -> Answer {
    form_page(&app, &lang, &visitor, Target::Edit(&slug), params).await
}

/// A posted form: `intent=preview` shows what the settings would yield (nothing is saved),
/// anything else saves them and goes to the source's page (`?notice=harvest_saved`). Refused
/// input shows the form again (422) with the messages next to their fields.
async fn submit(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    target: Target<'_>,
    body: &Bytes,
) -> Answer {
    let Some((fields, signed_in)) = signed_in_post(lang, visitor, body)? else {
        return Ok(to_sign_in(lang, &target.path()));
    };
    let actor = &signed_in.actor;
    let values = Values::from_fields(&fields);
    let previewing = fields.get("intent") == "preview";
    let done = async {
        let input = values.to_input()?;
        if previewing {
            return Ok(Err(app.preview_harvest(actor, input).await?));
        }
        let saved = match target {
            Target::New => app.create_harvest_source(actor, input).await?,
            Target::Edit(slug) => {
                let patch = serde_json::to_value(&input).map_err(Error::internal)?;
                app.update_harvest_source(actor, slug, &patch).await?
            }
        };
        Ok(Ok(saved))
    };
    let shown = match done.await {
        Ok(Ok(saved)) => {
            let path = source_path(&saved.slug);
            return Ok(redirect_with_notice(lang, &path, "harvest_saved", ""));
        }
        Ok(Err(preview)) => Shown {
            preview: Some(preview),
            ..Shown::default()
        },
        Err(Error::Invalid(errors)) => Shown {
            errors: field_messages(&errors, lang.locale),
            ..Shown::default()
        },
        Err(error) => return Err(page_error(lang.clone())(error)),
    };
    let status = if shown.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let who = (lang, visitor, actor);
    show_form(app, who, target, Some(values), shown, status)
        .await
        .map_err(page_error(lang.clone()))
}

/// `POST /admin/harvest/new` (`csrf`, `slug`, `title`, `kind`, `url`, `organization`,
/// `publisher_kind`, `schedule`, `enabled`, `grace_days`, `intent`): sets up a source, or
/// previews it.
pub async fn create(State(app): State<App>, lang: Lang, visitor: Visitor, body: Bytes) -> Answer {
    submit(&app, &lang, &visitor, Target::New, &body).await
}

/// `POST /admin/harvest/{slug}/edit` (the fields of [`create`]): changes a source, or previews
/// its new settings.
pub async fn update(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> Answer {
    submit(&app, &lang, &visitor, Target::Edit(&slug), &body).await
}

#[derive(Serialize)]
struct SourcePage {
    source: SourceView,
    /// The organization every dataset goes to; none mirrors the source's publishers.
    organization: Option<Link>,
    notice: Option<String>,
    problem: Option<String>,
    csrf: String,
    list_href: String,
    edit_href: String,
    run_action: String,
    delete_action: String,
    runs: Vec<RunRow>,
    pager: Option<Pager>,
}

/// What a source's page shows besides the source.
#[derive(Default)]
struct PageShown {
    /// `?notice=` / `?problem=` after a redirect.
    notice: NoticeQuery,
    /// The page of the history (from 1).
    page: i64,
    /// The run "Run now" just made (`?run=`): its counts go with the notice.
    ran: Option<Uuid>,
    /// Why a button did not work (a run already going on).
    problem: Option<String>,
}

/// Renders the page of source `slug`, answered with `status`.
async fn show_source(
    app: &App,
    (lang, visitor, actor): (&Lang, &Visitor, &Actor),
    slug: &str,
    shown: PageShown,
    status: StatusCode,
) -> Result<Response> {
    let locale = lang.locale;
    let source: HarvestSource = app.harvest_source(actor, slug).await?;
    let request = PageRequest::new(Some(shown.page.max(1)), Some(RUNS_PER_PAGE))?;
    let runs = app.harvest_runs(actor, &source.slug, request).await?;
    let offset = portal_offset(app);
    let here = format!("{}{}", lang.prefix(), source_path(&source.slug));
    let organization = match &source.organization {
        Some(slug) => {
            let org = app.get_organization(slug).await?;
            Some(Link {
                text: super::text_in(&org.name, locale),
                href: format!("{}/organization/{}", lang.prefix(), org.slug),
            })
        }
        None => None,
    };
    // The counts of the run just made, after the notice or the problem.
    let ran = shown
        .ran
        .and_then(|id| runs.results.iter().find(|r| r.id == id))
        .map(|run| counts_text(run, locale));
    let with_counts = |text: String| match &ran {
        Some(counts) => format!("{text} {counts}"),
        None => text,
    };
    let page = SourcePage {
        source: SourceView::new(&source, lang, offset),
        organization,
        notice: shown.notice.notice(locale).map(with_counts),
        problem: shown
            .problem
            .or_else(|| shown.notice.problem(locale, &[]).map(with_counts)),
        csrf: visitor.csrf_token(),
        list_href: format!("{}{LIST_PATH}", lang.prefix()),
        edit_href: format!("{}{}", lang.prefix(), edit_path(&source.slug)),
        run_action: format!("{here}/run"),
        delete_action: format!("{here}/delete"),
        pager: Pager::new(&runs, &here),
        runs: runs
            .results
            .iter()
            .map(|run| RunRow::new(run, shown.ran, offset, locale))
            .collect(),
    };
    let title = message(
        locale,
        "portal.harvest.source_title",
        &[("source", &source.title)],
    );
    render_page("harvest_source.html", lang, visitor, &title, status, page)
}

/// `?page=` (of the history) and `?run=` (the run just made) of a source's page.
#[derive(Debug, Default, Deserialize)]
pub struct SourceParams {
    #[serde(default)]
    page: String,
    #[serde(default)]
    run: String,
}

/// `GET /admin/harvest/{slug}`: a source, its buttons and its history.
pub async fn page(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(notice): Query<NoticeQuery>,
    Query(params): Query<SourceParams>,
) -> Answer {
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(&lang, &source_path(&slug)));
    };
    let shown = async {
        let shown = PageShown {
            notice,
            page: page_number(&params.page)?,
            ran: Uuid::parse_str(params.run.trim()).ok(),
            problem: None,
        };
        let who = (&lang, &visitor, &signed_in.actor);
        show_source(&app, who, &slug, shown, StatusCode::OK).await
    };
    shown.await.map_err(page_error(lang.clone()))
}

/// `POST /admin/harvest/{slug}/run`: runs the source now (it may take a while) and comes back to
/// its page with how it ended and its counts; a run already going on shows the page again (409)
/// with the reason.
pub async fn run_now(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> Answer {
    let Some((_, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &source_path(&slug)));
    };
    let actor = &signed_in.actor;
    let problem = match app.run_harvest_now(actor, &slug, RUN_NOW_WAIT).await {
        Ok(run) => {
            let path = format!("{}?run={}", source_path(&slug), run.id);
            return Ok(match ran_message(run.outcome) {
                Ok(notice) => redirect_with_notice(&lang, &path, notice, ""),
                Err(problem) => redirect_with_problem(&lang, &path, problem, ""),
            });
        }
        Err(Error::Conflict { code, value, .. }) => {
            message(lang.locale, &format!("error.{code}"), &[("value", &value)])
        }
        Err(error) => return Err(page_error(lang)(error)),
    };
    let shown = PageShown {
        problem: Some(problem),
        ..PageShown::default()
    };
    let who = (&lang, &visitor, actor);
    show_source(&app, who, &slug, shown, StatusCode::CONFLICT)
        .await
        .map_err(page_error(lang.clone()))
}

/// `POST /admin/harvest/{slug}/delete`: removes the source and its history (its datasets stay,
/// no longer harvested) and goes back to the list (`?notice=harvest_deleted`).
pub async fn delete(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> Answer {
    let Some((_, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &source_path(&slug)));
    };
    match app.delete_harvest_source(&signed_in.actor, &slug).await {
        Ok(()) => Ok(redirect_with_notice(
            &lang,
            LIST_PATH,
            "harvest_deleted",
            "",
        )),
        Err(error) => Err(page_error(lang)(error)),
    }
}
