//! Data request pages: the list with filters (state, organization, overdue, mine; sorted by
//! deadline it is an organization's inbox), the filing form, a request with its deadline,
//! timeline, public thread, votes, follows and the forms of the actions the visitor may take,
//! the e-mail confirmation of anonymous requests, and the response statistics.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use dulieu_app::requests::{ActionInput, Mark, RequestQuery, check_message_body};
use dulieu_app::{App, PageRequest};
use dulieu_core::account::Actor;
use dulieu_core::{Error, Result};
use dulieu_i18n::message;
use dulieu_tickets::records::{DataRequest, RequestInput};
use dulieu_tickets::request::{RefusalReason, RequestAction, RequestState};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::account::{
    answer_form, checked, csrf_bound, errors_summary, form_status, see_other, sign_in_href,
    to_sign_in, with_cookie,
};
use super::attached_form::read_attached_form;
use super::ticket_forms::{
    PageContext, Refused, TicketPages, act, event_text, page, ticket_id, ticket_post,
};
use crate::error::{PageError, respond};
use crate::form::Fields;
use crate::format;
use crate::lang::Lang;
use crate::render::{render, render_page};
use crate::session::Visitor;

/// Requests on one page of the list.
const LIST_SIZE: i64 = 50;

/// `invalid_value` on `field`, naming the accepted values.
pub(crate) fn invalid_value(field: &'static str, accepted: &str) -> Error {
    let mut errors = dulieu_core::FieldErrors::new();
    errors.add_with(field, "invalid_value", "detail", accepted);
    Error::Invalid(errors)
}

/// Wraps an error into the error page in `lang`.
pub(crate) fn page_error(lang: Lang) -> impl FnOnce(Error) -> PageError {
    move |error| PageError { lang, error }
}

/// `?state=&organization=&overdue=&mine=&sort=` of the list.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    state: String,
    #[serde(default)]
    organization: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    mine: String,
    #[serde(default)]
    sort: String,
}

/// A request as the lists show it.
#[derive(Serialize)]
pub(crate) struct Row {
    href: String,
    title: String,
    state: &'static str,
    timeliness: Option<&'static str>,
    filed: String,
    last_day: Option<String>,
    votes: i64,
}

impl Row {
    /// The row of `r` in the page's language, with its deadline's last day while the clock runs.
    pub(crate) fn new(app: &App, lang: &Lang, r: &DataRequest, now: DateTime<Utc>) -> Self {
        let locale = lang.locale;
        let clock = &app.ticket_rules().clock;
        Self {
            href: format!("{}/requests/{}", lang.prefix(), r.id),
            title: r.title.clone(),
            state: r.state.as_str(),
            timeliness: r.timeliness(now).map(|t| t.as_str()),
            filed: format::moment(r.created_at, locale),
            last_day: r
                .deadline
                .filter(|_| r.state.clock_running())
                .map(|d| format::date(clock.last_day(d.due_at), locale)),
            votes: r.votes,
        }
    }

    /// True when the answer is due and late.
    pub(crate) fn is_late(&self) -> bool {
        self.timeliness.is_some_and(|t| t != "on_time")
    }
}

#[derive(Serialize)]
struct ListPage {
    rows: Vec<Row>,
    total: i64,
    states: Vec<&'static str>,
    state: String,
    organization: String,
    overdue: bool,
    mine: bool,
    by_deadline: bool,
    signed_in: bool,
}

/// `GET /requests`.
pub async fn list(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Query(params): Query<ListParams>,
) -> std::result::Result<Response, PageError> {
    let mine = params.mine == "1";
    if mine && visitor.signed_in.is_none() {
        return Ok(to_sign_in(&lang, "/requests?mine=1"));
    }
    let page = build_list(&app, &lang, &visitor, &params).await;
    respond(lang, page).map(IntoResponse::into_response)
}

async fn build_list(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    params: &ListParams,
) -> Result<String> {
    let locale = lang.locale;
    let state = match params.state.as_str() {
        "" => None,
        text => Some(
            RequestState::parse(text)
                .ok_or_else(|| invalid_value("state", "submitted, triage, awaiting_response, …"))?,
        ),
    };
    let query = RequestQuery {
        state,
        organization: Some(params.organization.trim().to_string()).filter(|s| !s.is_empty()),
        overdue: params.overdue == "1",
        mine: params.mine == "1",
        by_deadline: params.sort == "deadline",
    };
    let found = app
        .list_requests(
            &visitor.actor(),
            &query,
            PageRequest {
                page: 1,
                page_size: LIST_SIZE,
            },
        )
        .await?;
    let now = chrono::Utc::now();
    let rows = found
        .results
        .iter()
        .map(|r| Row::new(app, lang, r, now))
        .collect();
    let title = message(locale, "portal.requests.title", &[]);
    render(
        "requests.html",
        lang,
        visitor,
        &title,
        ListPage {
            rows,
            total: found.total,
            states: RequestState::ALL.iter().map(|s| s.as_str()).collect(),
            state: params.state.clone(),
            organization: params.organization.clone(),
            overdue: query.overdue,
            mine: query.mine,
            by_deadline: query.by_deadline,
            signed_in: visitor.signed_in.is_some(),
        },
    )
}

#[derive(Serialize, Default)]
struct FormPage {
    csrf: String,
    action: String,
    values: BTreeMap<String, String>,
    errors: BTreeMap<String, Vec<String>>,
    form_error: Option<String>,
    /// Not signed in: the form asks for an e-mail address to confirm.
    anonymous: bool,
    sign_in_href: String,
}

fn show_form(
    lang: &Lang,
    visitor: &Visitor,
    page: FormPage,
    status: StatusCode,
) -> Result<Response> {
    let title = message(lang.locale, "portal.requests.new", &[]);
    render_page("request_form.html", lang, visitor, &title, status, page)
}

/// `?inventory_item=` of the filing form: the inventory item the request asks for.
#[derive(Debug, Default, Deserialize)]
pub struct NewFormQuery {
    #[serde(default)]
    inventory_item: String,
}

/// `GET /requests/new`: the filing form; anonymous visitors also give an e-mail address to
/// confirm (their form's CSRF token is bound to a pre-session cookie made now if need be). With
/// `?inventory_item=` (an item the visitor may see) it is filled in for that item: its title in
/// the page's language, its organization, and the item itself (hidden), which the request is
/// linked to as demand.
pub async fn new_form(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Query(query): Query<NewFormQuery>,
) -> std::result::Result<Response, PageError> {
    let (visitor, cookie) = csrf_bound(&app, &visitor);
    let mut values = BTreeMap::from([("is_public".to_string(), "1".to_string())]);
    let mut back = "/requests/new".to_string();
    if let Ok(id) = Uuid::parse_str(query.inventory_item.trim())
        && let Ok(view) = app.inventory_item(&visitor.actor(), id).await
    {
        let title = view.item.fields.title_in(lang.locale.as_str()).to_string();
        values.insert("title".into(), title);
        values.insert("suggested_organization".into(), view.item.organization);
        values.insert("inventory_item".into(), id.to_string());
        back = format!("/requests/new?inventory_item={id}");
    }
    let page = FormPage {
        csrf: visitor.csrf_token(),
        action: format!("{}/requests/new", lang.prefix()),
        values,
        anonymous: visitor.signed_in.is_none(),
        sign_in_href: sign_in_href(&lang, &back),
        ..FormPage::default()
    };
    show_form(&lang, &visitor, page, StatusCode::OK)
        .map(|response| with_cookie(response, cookie))
        .map_err(page_error(lang))
}

/// `GET /requests/sent`: what an anonymous requester sees once the form is sent: the request
/// waits for the link of the confirmation e-mail.
pub async fn sent(lang: Lang, visitor: Visitor) -> std::result::Result<Response, PageError> {
    let title = message(lang.locale, "portal.requests.sent_title", &[]);
    let built = render("request_sent.html", &lang, &visitor, &title, ());
    respond(lang, built).map(IntoResponse::into_response)
}

const FORM_FIELDS: &[&str] = &[
    "title",
    "description",
    "purpose",
    "desired_format",
    "granularity",
    "suggested_organization",
    "is_public",
    "email",
    "inventory_item",
];

/// `POST /requests/new`: files the request and goes to its page, or, for an anonymous visitor,
/// to the page that says to confirm it by e-mail; refused inputs are shown next to their
/// fields (422).
pub async fn create(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    body: Bytes,
) -> std::result::Result<Response, PageError> {
    let fields = checked(&lang, &visitor, &body)?;
    let anonymous = visitor.signed_in.is_none();
    let text = |name: &str| Some(fields.get(name).to_string()).filter(|s| !s.trim().is_empty());
    let input = RequestInput {
        title: fields.get("title").to_string(),
        description: fields.get("description").to_string(),
        purpose: text("purpose"),
        desired_format: text("desired_format"),
        granularity: text("granularity"),
        suggested_organization: text("suggested_organization"),
        is_public: fields.get("is_public") == "1",
        email: if anonymous { text("email") } else { None },
        inventory_item: text("inventory_item").and_then(|id| uuid::Uuid::parse_str(id.trim()).ok()),
    };
    let filed = app.file_request(&visitor.actor(), input, lang.locale).await;
    let next = |request: DataRequest| match anonymous {
        true => format!("{}/requests/sent", lang.prefix()),
        false => format!("{}/requests/{}", lang.prefix(), request.id),
    };
    answer_form(
        &lang,
        filed,
        |request| see_other(&next(request), &[]),
        async |errors| {
            let page = FormPage {
                csrf: visitor.csrf_token(),
                action: format!("{}/requests/new", lang.prefix()),
                values: FORM_FIELDS
                    .iter()
                    .map(|f| (f.to_string(), fields.get(f).to_string()))
                    .collect(),
                form_error: errors_summary(&errors, lang.locale),
                anonymous,
                sign_in_href: sign_in_href(&lang, "/requests/new"),
                errors,
            };
            show_form(&lang, &visitor, page, StatusCode::UNPROCESSABLE_ENTITY)
        },
    )
    .await
}

#[derive(Serialize)]
struct TimelineRow {
    at: String,
    action: String,
    actor: Option<String>,
    state: Option<String>,
    note: Option<String>,
    reason: Option<String>,
    legal_basis: Option<String>,
}

#[derive(Serialize)]
struct MessageRow {
    at: String,
    author: Option<String>,
    role: &'static str,
    body: String,
    attachments: Vec<AttachmentLink>,
}

/// An attachment of a message, as the thread links it.
#[derive(Serialize)]
pub(crate) struct AttachmentLink {
    href: String,
    name: String,
    size: String,
}

impl AttachmentLink {
    pub(crate) fn new(
        a: &dulieu_tickets::records::Attachment,
        locale: dulieu_i18n::Locale,
    ) -> Self {
        Self {
            href: format!("/api/1/attachments/{}", a.id),
            name: a.file_name.clone(),
            size: format::size(a.byte_size, locale),
        }
    }
}

/// The hint under the message form's file input, or none when attachments are off.
pub(crate) fn attach_hint(app: &App, locale: dulieu_i18n::Locale) -> Option<String> {
    let limits = app.attachment_limits();
    (limits.max_count > 0).then(|| {
        let size = format::size(i64::try_from(limits.max_bytes).unwrap_or(i64::MAX), locale);
        message(
            locale,
            "portal.requests.attach_hint",
            &[("count", &limits.max_count.to_string()), ("limit", &size)],
        )
    })
}

#[derive(Serialize)]
struct RequestPage {
    id: String,
    title: String,
    description: String,
    purpose: Option<String>,
    desired_format: Option<String>,
    granularity: Option<String>,
    state: &'static str,
    is_public: bool,
    timeliness: Option<&'static str>,
    last_day: Option<String>,
    extended: bool,
    filed: String,
    votes: i64,
    voted: bool,
    following: bool,
    dataset_href: Option<String>,
    link: Option<String>,
    planned_date: Option<String>,
    refusal_reason: Option<&'static str>,
    legal_basis: Option<String>,
    timeline: Vec<TimelineRow>,
    messages: Vec<MessageRow>,
    actions: Vec<&'static str>,
    reasons: Vec<&'static str>,
    csrf: String,
    base: String,
    signed_in: bool,
    errors: BTreeMap<String, Vec<String>>,
    form_error: Option<String>,
    failed_action: String,
    attach_hint: Option<String>,
}

async fn show_request(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    id: Uuid,
    errors: BTreeMap<String, Vec<String>>,
    failed_action: String,
) -> Result<Response> {
    let locale = lang.locale;
    let view = app.get_request(&visitor.actor(), id).await?;
    let r = &view.request;
    let dataset_href = match r.dataset_id {
        Some(dataset) => Some(format!(
            "{}/dataset/{}",
            lang.prefix(),
            app.get_dataset(&visitor.actor(), &dataset.to_string())
                .await?
                .slug
        )),
        None => None,
    };
    let status = form_status(&errors);
    let page = RequestPage {
        id: r.id.to_string(),
        title: r.title.clone(),
        description: r.description.clone(),
        purpose: r.purpose.clone(),
        desired_format: r.desired_format.clone(),
        granularity: r.granularity.clone(),
        state: r.state.as_str(),
        is_public: r.is_public,
        timeliness: view.timeliness.map(|t| t.as_str()),
        last_day: view.last_day.map(|d| format::date(d, locale)),
        extended: r.deadline.is_some_and(|d| d.extended),
        filed: format::moment(r.created_at, locale),
        votes: r.votes,
        voted: view.voted,
        following: view.following,
        dataset_href,
        link: r.link.clone(),
        planned_date: r.planned_date.map(|d| format::date(d, locale)),
        refusal_reason: r.refusal_reason.map(|x| x.as_str()),
        legal_basis: r.legal_basis.clone(),
        timeline: view
            .timeline
            .iter()
            .map(|e| TimelineRow {
                at: format::moment(e.at, locale),
                action: e.action.clone(),
                actor: e.actor_name.clone(),
                state: event_text(&e.details, "state"),
                note: event_text(&e.details, "note"),
                reason: event_text(&e.details, "reason"),
                legal_basis: event_text(&e.details, "legal_basis"),
            })
            .collect(),
        messages: view
            .messages
            .iter()
            .map(|m| MessageRow {
                at: format::moment(m.created_at, locale),
                author: m.author_name.clone(),
                role: m.author_role.as_str(),
                body: m.body.clone(),
                attachments: m
                    .attachments
                    .iter()
                    .map(|a| AttachmentLink::new(a, locale))
                    .collect(),
            })
            .collect(),
        actions: view.actions.iter().map(|a| a.as_str()).collect(),
        reasons: RefusalReason::ALL.iter().map(|r| r.as_str()).collect(),
        csrf: visitor.csrf_token(),
        base: format!("{}/requests/{}", lang.prefix(), r.id),
        signed_in: visitor.signed_in.is_some(),
        form_error: errors_summary(&errors, locale),
        errors,
        failed_action,
        attach_hint: attach_hint(app, locale),
    };
    render_page("request.html", lang, visitor, &r.title, status, page)
}

/// The pages of data requests, for the handlers of [`super::ticket_forms`].
pub(crate) struct RequestPages;

impl TicketPages for RequestPages {
    const KIND: &'static str = "request";
    const BASE: &'static str = "/requests";
    const ACTIONS: &'static str = "assign, fulfil, …";
    type Action = RequestAction;
    type Input = ActionInput;

    fn parse_action(name: &str) -> Option<RequestAction> {
        RequestAction::parse(name)
    }

    /// The action's inputs from the form's fields.
    fn action_input(fields: &Fields) -> Result<ActionInput> {
        let text = |name: &str| Some(fields.get(name).trim().to_string()).filter(|s| !s.is_empty());
        let planned_date = match text("planned_date") {
            Some(day) => Some(
                chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                    .map_err(|_| invalid_value("planned_date", "YYYY-MM-DD"))?,
            ),
            None => None,
        };
        let reason = match text("reason") {
            Some(code) => Some(
                RefusalReason::parse(&code)
                    .ok_or_else(|| invalid_value("reason", "not_held, personal_data, …"))?,
            ),
            None => None,
        };
        let duplicate_of = match text("duplicate_of") {
            Some(id) => Some(
                Uuid::parse_str(&id)
                    .map_err(|_| Error::invalid("duplicate_of", "unknown_request"))?,
            ),
            None => None,
        };
        Ok(ActionInput {
            action: None,
            note: text("note"),
            organization: text("organization"),
            duplicate_of,
            dataset: text("dataset"),
            link: text("link"),
            planned_date,
            reason,
            legal_basis: text("legal_basis"),
        })
    }

    async fn act(
        app: &App,
        actor: &Actor,
        id: Uuid,
        action: RequestAction,
        input: ActionInput,
    ) -> Result<()> {
        app.act_on_request(actor, id, action, input)
            .await
            .map(|_| ())
    }

    async fn show(page: &PageContext<'_>, id: Uuid, refused: Refused) -> Result<Response> {
        let PageContext { app, lang, visitor } = page;
        show_request(app, lang, visitor, id, refused.errors, refused.form).await
    }
}

/// `POST /requests/{id}/messages` (`csrf`, `body`, then optional `file` attachments, as
/// `multipart/form-data`; URL-encoded without files). Who may post is settled before the form is
/// read, the text before a file is stored; refusals (a file too large, too many) are shown at
/// the message form (422).
pub async fn post_message(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> std::result::Result<Response, PageError> {
    let path = format!("/requests/{id}");
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(&lang, &path));
    };
    let id = ticket_id::<RequestPages>(&id).map_err(page_error(lang.clone()))?;
    let actor = &signed_in.actor;
    let posted = async {
        app.may_post_request_message(actor, id).await?;
        let form = read_attached_form(&app, &visitor, request, |fields| {
            check_message_body(fields.get("body"))
        })
        .await?;
        app.post_request_message_with(actor, id, form.fields.get("body"), form.files)
            .await
    };
    answer_form(
        &lang,
        posted.await,
        |_| see_other(&format!("{}{path}#thread", lang.prefix()), &[]),
        async |errors| show_request(&app, &lang, &visitor, id, errors, "message".into()).await,
    )
    .await
}

/// `POST /requests/{id}/mark` (`mark` = `vote` or `follow`, `on` = `1` or `0`).
pub async fn mark(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> std::result::Result<Response, PageError> {
    let post = match ticket_post::<RequestPages>(&lang, &visitor, &body, &id) {
        Ok(post) => post,
        Err(answer) => return Ok(*answer),
    };
    let mark = match post.fields.get("mark") {
        "vote" => Mark::Vote,
        "follow" => Mark::Follow,
        _ => {
            return Err(PageError {
                lang,
                error: invalid_value("mark", "vote, follow"),
            });
        }
    };
    let on = post.fields.get("on") == "1";
    let done = app
        .mark_request(&post.signed_in.actor, post.id, mark, on)
        .await;
    post.back_after(lang, done)
}

/// `GET /requests/confirm/{secret}`: the link of the confirmation e-mail of an anonymous request.
pub async fn confirm(
    State(app): State<App>,
    lang: Lang,
    Path(secret): Path<String>,
) -> std::result::Result<Response, PageError> {
    let request = app
        .confirm_request(&secret)
        .await
        .map_err(page_error(lang.clone()))?;
    Ok(see_other(
        &format!("{}/requests/{}", lang.prefix(), request.id),
        &[],
    ))
}

#[derive(Serialize)]
struct StatsRow {
    name: String,
    slug: String,
    stats: dulieu_tickets::stats::RequestStats,
    on_time: Option<String>,
}

#[derive(Serialize)]
struct StatsPage {
    overall: StatsRow,
    organizations: Vec<StatsRow>,
    reasons: Vec<&'static str>,
    csv_href: String,
}

fn percent(share: Option<f64>) -> Option<String> {
    share.map(|s| format!("{:.0} %", s * 100.0))
}

/// `GET /requests/statistics`: the figures per organization and overall, with the CSV link.
pub async fn statistics(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
) -> std::result::Result<Response, PageError> {
    let built = async {
        let stats = app.request_statistics().await?;
        let locale = lang.locale;
        let page = StatsPage {
            overall: StatsRow {
                name: message(locale, "portal.requests.stats_all", &[]),
                slug: String::new(),
                on_time: percent(stats.overall.on_time_share),
                stats: stats.overall,
            },
            organizations: stats
                .organizations
                .into_iter()
                .map(|o| StatsRow {
                    name: if locale == dulieu_i18n::Locale::En {
                        o.name_en
                    } else {
                        o.name_vi
                    },
                    slug: o.slug,
                    on_time: percent(o.stats.on_time_share),
                    stats: o.stats,
                })
                .collect(),
            reasons: RefusalReason::ALL.iter().map(|r| r.as_str()).collect(),
            csv_href: "/api/1/requests/statistics.csv".into(),
        };
        let title = message(locale, "portal.requests.stats_title", &[]);
        render("request_stats.html", &lang, &visitor, &title, page)
    }
    .await;
    respond(lang, built).map(IntoResponse::into_response)
}

/// The request pages under `prefix` (`""` or `"/en"`).
pub(crate) fn routes(prefix: &str) -> axum::Router<App> {
    use axum::routing::{get, post};
    let at = |path: &str| format!("{prefix}{path}");
    axum::Router::new()
        .route(&at("/requests"), get(list))
        .route(&at("/requests/new"), get(new_form).post(create))
        .route(&at("/requests/sent"), get(sent))
        .route(&at("/requests/statistics"), get(statistics))
        .route(&at("/requests/confirm/{secret}"), get(confirm))
        .route(&at("/requests/{id}"), get(page::<RequestPages>))
        .route(&at("/requests/{id}/act"), post(act::<RequestPages>))
        .route(
            &at("/requests/{id}/messages"),
            // Attachments stream to the blob store, which enforces their limit itself.
            post(post_message).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(&at("/requests/{id}/mark"), post(mark))
}
