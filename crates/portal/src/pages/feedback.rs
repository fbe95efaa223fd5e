//! Feedback pages: a dataset's feedback tab (its tickets, newest first, and the form to report a
//! problem), a ticket's page (deadline, timeline and the forms of the actions the visitor may
//! take, including hiding the file of a personal-data ticket pending review), and following a
//! dataset. Reporting and acting need a session; anonymous visitors are sent to sign in.

use std::collections::BTreeMap;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use dulieu_app::App;
use dulieu_app::feedback::FeedbackChange;
use dulieu_core::account::Actor;
use dulieu_core::{Error, Result};
use dulieu_i18n::{Locale, message};
use dulieu_tickets::Timeliness;
use dulieu_tickets::feedback::{FeedbackAction, FeedbackKind};
use dulieu_tickets::records::{Feedback, FeedbackInput};
use serde::Serialize;
use uuid::Uuid;

use super::account::{
    answer_form, errors_summary, form_status, see_other, sign_in_href, signed_in_post, to_sign_in,
};
use super::attached_form::read_attached_form;
use super::dataset::distribution_title;
use super::requests::{AttachmentLink, attach_hint, invalid_value, page_error};
use super::text_in;
use super::ticket_forms::{
    Answer, Errors, PageContext, Refused, TicketPages, act, event_text, page, ticket_post,
};
use crate::form::{Fields, local_next};
use crate::format;
use crate::lang::Lang;
use crate::render::render_page;
use crate::session::Visitor;

/// Characters of a ticket's description that its row shows.
const SUMMARY_CHARS: usize = 120;

/// The template of a dataset's feedback tab.
const TAB_TEMPLATE: &str = "dataset_feedback.html";

/// The first line of `text`, cut at [`SUMMARY_CHARS`] characters.
fn summary(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.chars().count() > SUMMARY_CHARS {
        let cut: String = line.chars().take(SUMMARY_CHARS).collect();
        format!("{}…", cut.trim_end())
    } else {
        line.to_string()
    }
}

/// `overdue` or `long_overdue` while the ticket is open and late.
fn late(ticket: &Feedback, now: DateTime<Utc>) -> Option<&'static str> {
    ticket
        .timeliness(now)
        .filter(|t| *t != Timeliness::OnTime)
        .map(|t| t.as_str())
}

/// The last working day of an open ticket's deadline.
fn last_day(app: &App, ticket: &Feedback, locale: Locale) -> Option<String> {
    let clock = &app.ticket_rules().clock;
    (!ticket.state.is_closed())
        .then(|| format::date(clock.last_day(ticket.deadline.due_at), locale))
}

/// A feedback ticket as the lists show it.
#[derive(Serialize)]
pub(crate) struct FeedbackRow {
    href: String,
    summary: String,
    kind: &'static str,
    urgent: bool,
    state: &'static str,
    late: Option<&'static str>,
    last_day: Option<String>,
    reported: String,
    /// The dataset, in lists of several datasets' tickets.
    dataset: Option<DatasetLink>,
}

/// A link to a dataset.
#[derive(Serialize)]
pub(crate) struct DatasetLink {
    /// Its title in the page's language.
    pub(crate) title: String,
    /// Its page.
    pub(crate) href: String,
}

impl FeedbackRow {
    /// The row of `ticket` in the page's language.
    pub(crate) fn new(app: &App, lang: &Lang, ticket: &Feedback, now: DateTime<Utc>) -> Self {
        Self {
            href: format!("{}/feedback/{}", lang.prefix(), ticket.id),
            summary: summary(&ticket.description),
            kind: ticket.kind.as_str(),
            urgent: ticket.kind.is_urgent(),
            state: ticket.state.as_str(),
            late: late(ticket, now),
            last_day: last_day(app, ticket, lang.locale),
            reported: format::moment(ticket.created_at, lang.locale),
            dataset: None,
        }
    }

    /// True while the ticket is open and past its deadline.
    pub(crate) fn is_late(&self) -> bool {
        self.late.is_some()
    }

    /// The row naming its dataset too.
    pub(crate) fn with_dataset(mut self, dataset: DatasetLink) -> Self {
        self.dataset = Some(dataset);
        self
    }
}

/// The tabs of a dataset's pages: its overview, its feedback, with the open tickets' count, and
/// its quality (`pages::quality`); for the publisher's members where the dataset publishes
/// through review, its review (`pages::review`); for the publisher's editors, its automatic
/// updates (`pages::sources`).
#[derive(Serialize)]
pub(crate) struct DatasetTabs {
    overview_href: String,
    feedback_href: String,
    quality_href: String,
    review_href: Option<String>,
    sources_href: Option<String>,
    open_feedback: usize,
    current: &'static str,
}

impl DatasetTabs {
    fn new(lang: &Lang, slug: &str, tickets: &[Feedback], current: &'static str) -> Self {
        Self {
            overview_href: format!("{}/dataset/{slug}", lang.prefix()),
            feedback_href: format!("{}/dataset/{slug}/feedback", lang.prefix()),
            quality_href: format!("{}/dataset/{slug}/quality", lang.prefix()),
            review_href: None,
            sources_href: None,
            open_feedback: tickets.iter().filter(|t| !t.state.is_closed()).count(),
            current,
        }
    }

    /// The tabs of a page of the dataset that is `current`, with the members' tabs `actor` sees.
    async fn load(
        app: &App,
        actor: &Actor,
        lang: &Lang,
        slug: &str,
        current: &'static str,
    ) -> Result<Self> {
        let tickets = app.dataset_feedback(actor, slug).await?;
        Self::new(lang, slug, &tickets, current)
            .with_member_tabs(app, actor, lang, slug)
            .await
    }

    /// The tabs of the dataset's quality page.
    pub(crate) async fn for_quality(
        app: &App,
        actor: &Actor,
        lang: &Lang,
        slug: &str,
    ) -> Result<Self> {
        Self::load(app, actor, lang, slug, "quality").await
    }

    /// The tabs of the dataset's review page (which only its publisher's members see).
    pub(crate) async fn for_review(
        app: &App,
        actor: &Actor,
        lang: &Lang,
        slug: &str,
    ) -> Result<Self> {
        let mut tabs = Self::load(app, actor, lang, slug, "review").await?;
        tabs.review_href = Some(format!(
            "{}{}",
            lang.prefix(),
            super::review::review_path(slug)
        ));
        Ok(tabs)
    }

    /// The tabs of the dataset's automatic updates pages (which only its publisher's editors
    /// see): `current` is `sources` (the list) or `source` (one source's page).
    pub(crate) async fn for_sources(
        app: &App,
        actor: &Actor,
        lang: &Lang,
        slug: &str,
        current: &'static str,
    ) -> Result<Self> {
        Self::load(app, actor, lang, slug, current).await
    }

    /// These tabs with the review's and the automatic updates', when `actor` sees them (members
    /// of the publisher only: others are not asked for the dataset again).
    async fn with_member_tabs(
        mut self,
        app: &App,
        actor: &Actor,
        lang: &Lang,
        slug: &str,
    ) -> Result<Self> {
        if actor.user_id.is_none() || (!actor.is_sysadmin && actor.roles.is_empty()) {
            return Ok(self);
        }
        let dataset = app.get_dataset(actor, slug).await?;
        self.review_href = super::review::tab_href(app, actor, lang, &dataset).await?;
        self.sources_href = super::sources::tab_href(actor, lang, &dataset);
        Ok(self)
    }

    /// The tabs of the dataset's overview page.
    pub(crate) async fn for_overview(
        app: &App,
        actor: &Actor,
        lang: &Lang,
        slug: &str,
    ) -> Result<Self> {
        Self::load(app, actor, lang, slug, "overview").await
    }
}

/// An option of a select.
#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

/// The form that follows (or stops following) a dataset, coming back to `next`.
#[derive(Serialize)]
struct FollowForm {
    action: String,
    following: bool,
    next: String,
}

impl FollowForm {
    async fn load(app: &App, actor: &Actor, lang: &Lang, slug: &str, next: String) -> Result<Self> {
        Ok(Self {
            action: format!("{}/dataset/{slug}/follow", lang.prefix()),
            following: app.follows_dataset(actor, slug).await?,
            next,
        })
    }
}

#[derive(Serialize)]
struct TabPage {
    tabs: DatasetTabs,
    dataset_title: String,
    rows: Vec<FeedbackRow>,
    kinds: Vec<Choice>,
    distributions: Vec<Choice>,
    signed_in: bool,
    sign_in_href: String,
    csrf: String,
    action: String,
    follow: FollowForm,
    attach_hint: Option<String>,
    values: BTreeMap<String, String>,
    errors: Errors,
    form_error: Option<String>,
}

/// Inputs of the report form.
const REPORT_FIELDS: &[&str] = &["kind", "distribution_id", "description", "location"];

/// Renders a dataset's feedback tab, the report form filled with `values` and `errors`.
async fn show_tab(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    slug: &str,
    values: BTreeMap<String, String>,
    errors: Errors,
) -> Result<Response> {
    let locale = lang.locale;
    let actor = visitor.actor();
    let dataset = app.get_dataset(&actor, slug).await?;
    let tickets = app.dataset_feedback(&actor, slug).await?;
    let now = Utc::now();
    let path = format!("/dataset/{}/feedback", dataset.slug);
    let title = text_in(&dataset.title, locale);
    let status = form_status(&errors);
    let page = TabPage {
        tabs: DatasetTabs::new(lang, &dataset.slug, &tickets, "feedback")
            .with_member_tabs(app, &actor, lang, &dataset.slug)
            .await?,
        rows: tickets
            .iter()
            .map(|t| FeedbackRow::new(app, lang, t, now))
            .collect(),
        kinds: FeedbackKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().to_string(),
                label: message(locale, &format!("feedback_kind.{}", k.as_str()), &[]),
            })
            .collect(),
        distributions: dataset
            .distributions
            .iter()
            .map(|d| Choice {
                value: d.id.to_string(),
                label: distribution_title(d, locale),
            })
            .collect(),
        signed_in: visitor.signed_in.is_some(),
        sign_in_href: sign_in_href(lang, &path),
        csrf: visitor.csrf_token(),
        action: format!("{}{path}", lang.prefix()),
        follow: FollowForm::load(
            app,
            &actor,
            lang,
            &dataset.slug,
            format!("{}{path}", lang.prefix()),
        )
        .await?,
        attach_hint: attach_hint(app, locale),
        values,
        form_error: errors_summary(&errors, locale),
        errors,
        dataset_title: title.clone(),
    };
    let heading = message(locale, "portal.feedback.tab_title", &[("dataset", &title)]);
    render_page(TAB_TEMPLATE, lang, visitor, &heading, status, page)
}

/// `GET /dataset/{slug}/feedback`: the dataset's tickets and the report form.
pub async fn tab(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Answer {
    let values = BTreeMap::from([("kind".to_string(), "data_error".to_string())]);
    show_tab(&app, &lang, &visitor, &slug, values, Errors::new())
        .await
        .map_err(page_error(lang))
}

/// The report's inputs from the form's fields (422 on `kind` or `distribution_id` when they
/// name nothing known).
fn report_input(fields: &Fields) -> Result<FeedbackInput> {
    let kind = FeedbackKind::parse(fields.get("kind"))
        .ok_or_else(|| invalid_value("kind", "data_error, broken_file_or_link, …"))?;
    let distribution_id = match fields.get("distribution_id").trim() {
        "" => None,
        id => Some(
            Uuid::parse_str(id)
                .map_err(|_| Error::invalid("distribution_id", "unknown_distribution"))?,
        ),
    };
    let location = Some(fields.get("location").to_string()).filter(|l| !l.trim().is_empty());
    Ok(FeedbackInput {
        kind,
        description: fields.get("description").to_string(),
        distribution_id,
        location,
    })
}

/// `POST /dataset/{slug}/feedback` (`csrf`, the report's fields, then optional `file`
/// attachments, as `multipart/form-data`; URL-encoded without files): reports the problem and
/// goes to the new ticket. The dataset is looked up and the text checked before a file is
/// stored; refused inputs are shown next to their fields, with what was typed (422).
pub async fn report(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    request: Request,
) -> Answer {
    let Some(signed_in) = &visitor.signed_in else {
        return Ok(to_sign_in(&lang, &format!("/dataset/{slug}/feedback")));
    };
    let actor = &signed_in.actor;
    // What was typed, to show it again when the report is refused.
    let typed: Mutex<BTreeMap<String, String>> = Mutex::default();
    let reported = async {
        app.get_dataset(actor, &slug).await?;
        let form = read_attached_form(&app, &visitor, request, |fields| {
            *typed.lock().unwrap_or_else(|e| e.into_inner()) = REPORT_FIELDS
                .iter()
                .map(|f| (f.to_string(), fields.get(f).to_string()))
                .collect();
            report_input(fields)?
                .validate()
                .map(|_| ())
                .map_err(Error::Invalid)
        })
        .await?;
        let input = report_input(&form.fields)?;
        app.report_feedback_with(actor, &slug, input, form.files)
            .await
    };
    answer_form(
        &lang,
        reported.await,
        |ticket| see_other(&format!("{}/feedback/{}", lang.prefix(), ticket.id), &[]),
        async |errors| {
            let typed = typed.into_inner().unwrap_or_else(|e| e.into_inner());
            show_tab(&app, &lang, &visitor, &slug, typed, errors).await
        },
    )
    .await
}

/// One entry of a ticket's timeline, in words.
#[derive(Serialize)]
struct EventRow {
    at: String,
    what: String,
    actor: Option<String>,
    state: Option<String>,
    note: Option<String>,
    version: Option<String>,
}

/// The catalog key of what a timeline entry says happened: an action's name, the report, or
/// the hiding or showing of the file.
fn event_key(action: &str) -> String {
    match action {
        "created" | "hidden" | "shown" => format!("portal.feedback.event_{action}"),
        other => format!("feedback_action.{other}"),
    }
}

#[derive(Serialize)]
struct TicketPage {
    tabs: DatasetTabs,
    dataset_title: String,
    dataset_href: String,
    kind: &'static str,
    urgent: bool,
    state: &'static str,
    late: Option<&'static str>,
    last_day: Option<String>,
    reported: String,
    description: String,
    location: Option<String>,
    rule_id: Option<String>,
    distribution: Option<String>,
    hidden: bool,
    resolution_note: Option<String>,
    resolved_version: Option<String>,
    duplicate_href: Option<String>,
    attachments: Vec<AttachmentLink>,
    timeline: Vec<EventRow>,
    actions: Vec<&'static str>,
    others: Vec<Choice>,
    can_hide: bool,
    signed_in: bool,
    sign_in_href: String,
    csrf: String,
    base: String,
    follow: FollowForm,
    errors: Errors,
    form_error: Option<String>,
    failed_action: String,
}

/// Renders a ticket's page, with `errors` next to the form of `failed_action`.
async fn show_ticket(
    app: &App,
    lang: &Lang,
    visitor: &Visitor,
    id: Uuid,
    errors: Errors,
    failed_action: &str,
) -> Result<Response> {
    let locale = lang.locale;
    let actor = visitor.actor();
    let view = app.get_feedback(&actor, id).await?;
    let ticket = &view.feedback;
    let dataset = app
        .get_dataset(&actor, &ticket.dataset_id.to_string())
        .await?;
    let tickets = app.dataset_feedback(&actor, &dataset.slug).await?;
    let timeline = app.feedback_timeline(&actor, id).await?;
    let hidden = match ticket.distribution_id {
        Some(distribution) => app.is_distribution_hidden(distribution).await?,
        None => false,
    };
    let names: std::collections::HashMap<Uuid, String> = tickets
        .iter()
        .map(|t| (t.id, summary(&t.description)))
        .collect();
    let others: Vec<Choice> = tickets
        .iter()
        .filter(|t| t.id != id)
        .map(|t| Choice {
            value: t.id.to_string(),
            label: format!(
                "{} · {}",
                message(locale, &format!("feedback_kind.{}", t.kind.as_str()), &[]),
                names.get(&t.id).cloned().unwrap_or_default()
            ),
        })
        .collect();
    let actions = view
        .actions
        .iter()
        .filter(|a| **a != FeedbackAction::MarkDuplicate || !others.is_empty())
        .map(|a| a.as_str())
        .collect();
    let base = format!("{}/feedback/{id}", lang.prefix());
    let status = form_status(&errors);
    let kind_label = message(
        locale,
        &format!("feedback_kind.{}", ticket.kind.as_str()),
        &[],
    );
    let title = message(
        locale,
        "portal.feedback.ticket_title",
        &[("kind", &kind_label)],
    );
    let page = TicketPage {
        tabs: DatasetTabs::new(lang, &dataset.slug, &tickets, "ticket")
            .with_member_tabs(app, &actor, lang, &dataset.slug)
            .await?,
        dataset_title: text_in(&dataset.title, locale),
        dataset_href: format!("{}/dataset/{}", lang.prefix(), dataset.slug),
        kind: ticket.kind.as_str(),
        urgent: ticket.kind.is_urgent(),
        state: ticket.state.as_str(),
        late: late(ticket, Utc::now()),
        last_day: last_day(app, ticket, locale),
        reported: format::moment(ticket.created_at, locale),
        description: ticket.description.clone(),
        location: ticket.location.clone(),
        rule_id: ticket.rule_id.clone(),
        distribution: ticket.distribution_id.map(|d| {
            dataset
                .distributions
                .iter()
                .find(|x| x.id == d)
                .map_or_else(|| d.to_string(), |x| distribution_title(x, locale))
        }),
        hidden,
        resolution_note: ticket.resolution_note.clone(),
        resolved_version: ticket.resolved_version.clone(),
        duplicate_href: ticket
            .duplicate_of
            .map(|d| format!("{}/feedback/{d}", lang.prefix())),
        attachments: ticket
            .attachments
            .iter()
            .map(|a| AttachmentLink::new(a, locale))
            .collect(),
        timeline: timeline
            .iter()
            .map(|e| EventRow {
                at: format::moment(e.at, locale),
                what: message(locale, &event_key(&e.action), &[]),
                actor: e.actor_name.clone(),
                state: event_text(&e.details, "state").filter(|_| e.action != "created"),
                note: event_text(&e.details, "note"),
                version: event_text(&e.details, "version"),
            })
            .collect(),
        actions,
        others,
        can_hide: view.can_hide && ticket.kind == FeedbackKind::PersonalDataExposed,
        signed_in: visitor.signed_in.is_some(),
        sign_in_href: sign_in_href(lang, &format!("/feedback/{id}")),
        csrf: visitor.csrf_token(),
        follow: FollowForm::load(app, &actor, lang, &dataset.slug, base.clone()).await?,
        base,
        form_error: errors_summary(&errors, locale),
        errors,
        failed_action: failed_action.to_string(),
    };
    render_page("feedback.html", lang, visitor, &title, status, page)
}

/// The pages of feedback tickets, for the handlers of [`super::ticket_forms`].
pub(crate) struct FeedbackPages;

impl TicketPages for FeedbackPages {
    const KIND: &'static str = "feedback";
    const BASE: &'static str = "/feedback";
    const ACTIONS: &'static str = "acknowledge, start, resolve, …";
    type Action = FeedbackAction;
    type Input = FeedbackChange;

    fn parse_action(name: &str) -> Option<FeedbackAction> {
        FeedbackAction::parse(name)
    }

    /// The change an action's form carries.
    fn action_input(fields: &Fields) -> Result<FeedbackChange> {
        let text = |name: &str| Some(fields.get(name).trim().to_string()).filter(|s| !s.is_empty());
        let duplicate_of = match text("duplicate_of") {
            Some(id) => Some(
                Uuid::parse_str(&id)
                    .map_err(|_| Error::invalid("duplicate_of", "unknown_feedback"))?,
            ),
            None => None,
        };
        Ok(FeedbackChange {
            note: text("note"),
            version: text("version"),
            duplicate_of,
        })
    }

    async fn act(
        app: &App,
        actor: &Actor,
        id: Uuid,
        action: FeedbackAction,
        change: FeedbackChange,
    ) -> Result<()> {
        app.act_on_feedback(actor, id, action, change)
            .await
            .map(|_| ())
    }

    async fn show(page: &PageContext<'_>, id: Uuid, refused: Refused) -> Result<Response> {
        let PageContext { app, lang, visitor } = page;
        show_ticket(app, lang, visitor, id, refused.errors, &refused.form).await
    }
}

/// `POST /feedback/{id}/hide` (`hidden` = `1` or `0`): hides the ticket's file pending review,
/// or shows it again (the publisher's editors and the portal team; 403 otherwise).
pub async fn hide(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let post = match ticket_post::<FeedbackPages>(&lang, &visitor, &body, &id) {
        Ok(post) => post,
        Err(answer) => return Ok(*answer),
    };
    let hidden = post.fields.get("hidden") == "1";
    let done = app
        .hide_distribution(&post.signed_in.actor, post.id, hidden)
        .await;
    post.back_after(lang, done)
}

/// `POST /dataset/{slug}/follow` (`on` = `1` or `0`, `next`): follows the dataset (its feedback
/// and changes are notified) or stops, then goes back to `next` (a local path).
pub async fn follow(
    State(app): State<App>,
    lang: Lang,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: Bytes,
) -> Answer {
    let path = format!("/dataset/{slug}/feedback");
    let Some((fields, signed_in)) = signed_in_post(&lang, &visitor, &body)? else {
        return Ok(to_sign_in(&lang, &path));
    };
    app.follow_dataset(&signed_in.actor, &slug, fields.get("on") == "1")
        .await
        .map_err(page_error(lang.clone()))?;
    let back = local_next(fields.get("next"), &format!("{}{path}", lang.prefix()));
    Ok(see_other(&back, &[]))
}

/// The feedback pages under `prefix` (`""` or `"/en"`).
pub(crate) fn routes(prefix: &str) -> axum::Router<App> {
    use axum::routing::{get, post};
    let at = |path: &str| format!("{prefix}{path}");
    axum::Router::new()
        .route(&at("/dataset/{slug}/feedback"), get(tab).post(report))
        .route(&at("/dataset/{slug}/follow"), post(follow))
        .route(&at("/feedback/{id}"), get(page::<FeedbackPages>))
        .route(&at("/feedback/{id}/act"), post(act::<FeedbackPages>))
        .route(&at("/feedback/{id}/hide"), post(hide))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_keep_the_first_line_and_cut_long_ones() {
        assert_eq!(summary("Sai số\nchi tiết"), "Sai số");
        let long = "ô".repeat(SUMMARY_CHARS + 5);
        let cut = summary(&long);
        assert_eq!(cut.chars().count(), SUMMARY_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(summary(""), "");
    }

    #[test]
    fn every_timeline_entry_has_words() {
        for action in ["created", "hidden", "shown"]
            .into_iter()
            .chain(FeedbackAction::ALL.iter().map(|a| a.as_str()))
        {
            assert!(dulieu_i18n::has_message(&event_key(action)), "{action}");
        }
    }
}
