//! Data requests: filing (signed in, or anonymous with an e-mail confirmation), reading with
//! visibility, the transitions of the state machine on the legal clock (one transaction with the
//! new state, its event and its notices), the public thread, votes and followers, statistics.

use chrono::{NaiveDate, SubsecRound, Utc};
use dulieu_core::account::Actor;
use dulieu_core::event::Event;
use dulieu_core::{Error, Result};
use dulieu_i18n::Locale;
use dulieu_store::attachments::Owner;
pub use dulieu_store::requests::Mark;
use dulieu_store::requests::{self, RequestFilter, RequestViewer};
use dulieu_store::{Conn, accounts, datasets, events, organizations};
use dulieu_tickets::Party;
use dulieu_tickets::Timeliness;
use dulieu_tickets::records::{AuthorRole, DataRequest, Message, RequestInput, check_text};
use dulieu_tickets::request::{
    NOTE_MAX, RequestAction, RequestState, TransitionInput, available_actions, transition,
};
use dulieu_tickets::stats::{RequestStats, summarize};
use serde::Serialize;
use uuid::Uuid;

use crate::accounts::{hash_token, random_secret};
use crate::attachments::ReceivedFiles;
use crate::notify::{About, Recipient, Recipients};
use crate::{App, Page, PageRequest, Subject, deny, require_signed_in};

/// Entity type of requests in the event log.
pub const REQUEST_ENTITY: &str = "request";

/// A request with everything its page shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestView {
    /// The request.
    pub request: DataRequest,
    /// Overdue or long overdue while an answer is due.
    pub timeliness: Option<Timeliness>,
    /// Last working day of the deadline, in the portal's time zone.
    pub last_day: Option<NaiveDate>,
    /// Every transition, oldest first (the event log's entries about the request).
    pub timeline: Vec<TimelineEntry>,
    /// The public thread.
    pub messages: Vec<Message>,
    /// What the caller may do now.
    pub actions: Vec<RequestAction>,
    /// The caller voted for it.
    pub voted: bool,
    /// The caller follows it.
    pub following: bool,
}

/// One transition of a request, as its timeline shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// When.
    pub at: chrono::DateTime<Utc>,
    /// Who (none for the system or an anonymous requester).
    pub actor_id: Option<Uuid>,
    /// Their name.
    pub actor_name: Option<String>,
    /// `created`, `assign`, `refuse`, … (an action's wire name).
    pub action: String,
    /// What the transition recorded: state, note, reason, legal basis, dates.
    pub details: serde_json::Value,
}

/// Filters of the request list, as the API and the pages take them.
#[derive(Debug, Clone, Default)]
pub struct RequestQuery {
    /// Only in this state.
    pub state: Option<RequestState>,
    /// Only assigned to this organization (slug).
    pub organization: Option<String>,
    /// Only overdue ones.
    pub overdue: bool,
    /// Only the caller's own.
    pub mine: bool,
    /// Soonest deadline first (an organization's inbox).
    pub by_deadline: bool,
}

/// What comes with an action, as the API and the forms send it (organizations and datasets
/// by slug or id).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// The action to take.
    #[serde(default)]
    pub action: Option<RequestAction>,
    /// Message: a clarification question or answer, the reason of an extension, a note.
    #[serde(default)]
    pub note: Option<String>,
    /// Organization to assign (slug or id).
    #[serde(default)]
    pub organization: Option<String>,
    /// Request to merge into.
    #[serde(default)]
    pub duplicate_of: Option<Uuid>,
    /// Dataset that fulfils the request (slug or id).
    #[serde(default)]
    pub dataset: Option<String>,
    /// Link to the data when not on this portal.
    #[serde(default)]
    pub link: Option<String>,
    /// Planned publication date (accept).
    #[serde(default)]
    pub planned_date: Option<NaiveDate>,
    /// Refusal reason code.
    #[serde(default)]
    pub reason: Option<dulieu_tickets::request::RefusalReason>,
    /// Legal basis of a refusal.
    #[serde(default)]
    pub legal_basis: Option<String>,
}

/// Statistics per organization and overall.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statistics {
    /// Every confirmed request.
    pub overall: RequestStats,
    /// Per organization that was assigned requests, by name.
    pub organizations: Vec<OrganizationStats>,
}

/// One organization's figures.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationStats {
    /// Slug.
    pub slug: String,
    /// Name in Vietnamese.
    pub name_vi: String,
    /// Name in English (Vietnamese when untranslated).
    pub name_en: String,
    /// Figures.
    pub stats: RequestStats,
}

/// May `actor` see the request at all.
pub(crate) fn visible(actor: &Actor, r: &DataRequest) -> bool {
    (r.is_public && r.confirmed)
        || actor.can_manage_portal()
        || (actor.user_id.is_some() && actor.user_id == r.requester_id)
        || r.organization_id
            .is_some_and(|org| actor.can_see_private_of(org))
}

/// The capacity in which `party` writes to a request's thread.
fn author_role(party: Party) -> AuthorRole {
    if party.author {
        AuthorRole::Requester
    } else if party.is_org_editor() {
        AuthorRole::Organization
    } else if party.portal_team {
        AuthorRole::PortalTeam
    } else {
        AuthorRole::Public
    }
}

impl App {
    /// Loads a request the caller may see (404 otherwise).
    pub(crate) async fn visible_request(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: Uuid,
    ) -> Result<DataRequest> {
        requests::get(conn, id)
            .await?
            .filter(|r| visible(actor, r))
            .ok_or_else(|| Error::not_found("request", id))
    }

    /// Files a request. Signed-in requesters follow it; anonymous ones get an e-mail with a
    /// confirmation link, and the request stays hidden until they use it.
    pub async fn file_request(
        &self,
        actor: &Actor,
        input: RequestInput,
        locale: Locale,
    ) -> Result<DataRequest> {
        let anonymous = actor.user_id.is_none();
        let input = input.validate(anonymous)?;
        let now = Utc::now();
        let mut tx = self.store().begin().await?;
        let item = match input.inventory_item {
            Some(id) => Some(crate::inventory::requested_item(&mut tx, actor, id).await?),
            None => None,
        };
        let suggested = match &input.suggested_organization {
            Some(key) => Some(
                self.organization_id(&mut tx, key, "suggested_organization")
                    .await?,
            ),
            None => item.as_ref().map(|i| i.organization_id),
        };
        let email = match actor.user_id {
            Some(user_id) => {
                accounts::user(&mut tx, user_id)
                    .await?
                    .ok_or(Error::Unauthenticated)?
                    .email
            }
            None => input.email.clone().unwrap_or_default(),
        };
        let request = DataRequest {
            id: Uuid::now_v7(),
            title: input.title,
            description: input.description,
            purpose: input.purpose,
            desired_format: input.desired_format,
            granularity: input.granularity,
            suggested_organization_id: suggested,
            is_public: input.is_public,
            requester_id: actor.user_id,
            requester_email: email.clone(),
            confirmed: !anonymous,
            lang: locale.as_str().into(),
            state: RequestState::Submitted,
            organization_id: None,
            clock_started_at: None,
            deadline: None,
            answered_at: None,
            answer_due_at: None,
            answer_working_days: None,
            planned_date: None,
            dataset_id: None,
            link: None,
            refusal_reason: None,
            legal_basis: None,
            duplicate_of: None,
            votes: 0,
            created_at: now,
            updated_at: now,
        };
        let secret = anonymous.then(random_secret);
        requests::insert(
            &mut tx,
            &request,
            secret.as_deref().map(hash_token).as_deref(),
        )
        .await?;
        if let Some(item) = &item {
            dulieu_store::inventory::link_request(&mut tx, item.id, request.id, now).await?;
        }
        if let Some(secret) = secret {
            let link = format!(
                "{}{}/requests/confirm/{secret}",
                self.inner.public_url,
                prefix(locale)
            );
            let recipient = Recipient {
                user_id: None,
                email,
                locale,
                wants_email: true,
            };
            crate::notify::render_mail(&recipient, "request.confirm", &request.title, &[], &link)
                .enqueue(&mut tx)
                .await?;
        } else if let Some(user_id) = actor.user_id {
            requests::set_mark(&mut tx, Mark::Follow, request.id, user_id, true, now).await?;
            self.notify_request(&mut tx, actor, &request, "request.created", &[], |r| {
                r.portal_team = true;
            })
            .await?;
        }
        let details = serde_json::json!({"state": request.state});
        self.commit_change(
            tx,
            actor,
            Subject::new(REQUEST_ENTITY, request.id, None),
            "created",
            None,
            Some(details),
        )
        .await?;
        Ok(request)
    }

    /// Confirms an anonymous request with the secret of its e-mail; the portal team is told.
    pub async fn confirm_request(&self, secret: &str) -> Result<DataRequest> {
        let mut tx = self.store().begin().await?;
        let id = requests::confirm(&mut tx, &hash_token(secret), Utc::now())
            .await?
            .ok_or_else(|| Error::not_found("request", "confirmation"))?;
        let request = requests::get(&mut tx, id)
            .await?
            .ok_or_else(|| Error::not_found("request", id))?;
        let system = Actor::anonymous();
        self.notify_request(&mut tx, &system, &request, "request.created", &[], |r| {
            r.portal_team = true;
        })
        .await?;
        self.commit_change(
            tx,
            &system,
            Subject::new(REQUEST_ENTITY, id, None),
            "confirmed",
            None,
            None,
        )
        .await?;
        Ok(request)
    }

    /// The timeline entries of a ticket's `events`, in their order, each with its actor's name.
    pub(crate) async fn timeline_entries(&self, events: Vec<Event>) -> Result<Vec<TimelineEntry>> {
        let actors: Vec<Uuid> = events.iter().filter_map(|e| e.actor_id).collect();
        let names = self.display_names(&actors).await?;
        Ok(events
            .into_iter()
            .map(|e| TimelineEntry {
                at: e.at,
                actor_name: e.actor_id.and_then(|a| names.get(&a).cloned()),
                actor_id: e.actor_id,
                action: e.action,
                details: e.after.unwrap_or(serde_json::Value::Null),
            })
            .collect())
    }

    /// A request with its timeline, thread and the caller's possible actions.
    pub async fn get_request(&self, actor: &Actor, id: Uuid) -> Result<RequestView> {
        let mut conn = self.store().conn().await?;
        let request = self.visible_request(&mut conn, actor, id).await?;
        let (mut events, _) = events::history(&mut conn, id, 0, 1000).await?;
        events.retain(|e| e.entity_type == REQUEST_ENTITY);
        let timeline = self.timeline_entries(events).await?;
        let messages = requests::messages(&mut conn, id).await?;
        let party = Party::of(actor, request.requester_id, request.organization_id);
        let (voted, following) = match actor.user_id {
            Some(user) => (
                requests::has_mark(&mut conn, Mark::Vote, id, user).await?,
                requests::has_mark(&mut conn, Mark::Follow, id, user).await?,
            ),
            None => (false, false),
        };
        let clock = &self.inner.tickets.clock;
        Ok(RequestView {
            timeliness: request.timeliness(Utc::now()),
            last_day: request
                .deadline
                .filter(|_| request.state.clock_running())
                .map(|d| clock.last_day(d.due_at)),
            actions: available_actions(request.state, party),
            request,
            timeline,
            messages,
            voted,
            following,
        })
    }

    /// A page of the requests the caller may see.
    pub async fn list_requests(
        &self,
        actor: &Actor,
        query: &RequestQuery,
        page: PageRequest,
    ) -> Result<Page<DataRequest>> {
        let mut conn = self.store().conn().await?;
        let organization_id = match &query.organization {
            Some(key) => Some(self.organization_id(&mut conn, key, "organization").await?),
            None => None,
        };
        if query.mine {
            require_signed_in(actor)?;
        }
        let viewer = RequestViewer {
            user_id: actor.user_id,
            organizations: actor.roles.keys().copied().collect(),
            portal_team: actor.can_manage_portal(),
        };
        let filter = RequestFilter {
            state: query.state,
            organization_id,
            requester_id: if query.mine { actor.user_id } else { None },
            overdue_at: query.overdue.then(Utc::now),
            by_deadline: query.by_deadline,
        };
        let (items, total) =
            requests::list(&mut conn, &viewer, &filter, page.offset(), page.page_size).await?;
        Ok(Page::new(items, total, page))
    }

    /// Takes `action` on a request: checks the caller's role (403) and the state (409), the
    /// inputs (422), applies the clock, and writes the new state, its event and the notices in
    /// one transaction.
    pub async fn act_on_request(
        &self,
        actor: &Actor,
        id: Uuid,
        action: RequestAction,
        given: ActionInput,
    ) -> Result<DataRequest> {
        let mut tx = self.store().begin().await?;
        let mut r = self.visible_request(&mut tx, actor, id).await?;
        if !actor.is_authenticated() {
            return Err(Error::Unauthenticated);
        }
        let party = Party::of(actor, r.requester_id, r.organization_id);
        let from = r.state;
        let to = transition(from, action, party)?;
        let input = self.resolve_input(&mut tx, given).await?;
        input.validate(action)?;
        let now = Utc::now();
        let rules = &self.inner.tickets;
        let mut extra: Vec<(&str, String)> = Vec::new();
        match action {
            RequestAction::Assign => {
                let org = input.organization_id.expect("validated");
                let organization = organizations::get(&mut tx, org)
                    .await?
                    .ok_or_else(|| Error::invalid("organization", "unknown_organization"))?;
                extra.push((
                    "organization",
                    organization
                        .name
                        .vi
                        .clone()
                        .unwrap_or(organization.slug.clone()),
                ));
                r.organization_id = Some(org);
                self.start_clock(&mut r, now);
            }
            RequestAction::Merge => {
                let into = input.duplicate_of.expect("validated");
                if into == r.id || requests::get(&mut tx, into).await?.is_none() {
                    return Err(Error::invalid("duplicate_of", "unknown_request"));
                }
                requests::move_marks(&mut tx, r.id, into).await?;
                r.duplicate_of = Some(into);
            }
            RequestAction::MarkAvailable
            | RequestAction::Fulfil
            | RequestAction::PartiallyFulfil => {
                r.dataset_id = input.dataset_id;
                r.link = input.link.clone().filter(|l| !l.trim().is_empty());
            }
            RequestAction::Accept => r.planned_date = input.planned_date,
            RequestAction::Refuse | RequestAction::UpholdRefusal => {
                r.refusal_reason = input.reason;
                r.legal_basis = input.legal_basis.clone().map(|t| t.trim().to_string());
            }
            RequestAction::Clarify | RequestAction::RequestReview => self.start_clock(&mut r, now),
            RequestAction::ExtendDeadline => {
                let current = r
                    .deadline
                    .ok_or(dulieu_tickets::TransitionError::DeadlinePassed)?;
                let extended = rules.requests.extend(&rules.clock, &current, now)?;
                extra.push(("date", rules.clock.last_day(extended.due_at).to_string()));
                r.deadline = Some(extended);
            }
            RequestAction::Triage | RequestAction::AskClarification | RequestAction::Withdraw => {}
        }
        if to.is_answer() && r.answered_at.is_none() {
            r.answered_at = Some(now);
            r.answer_due_at = r.deadline.map(|d| d.due_at);
            r.answer_working_days = r
                .clock_started_at
                .map(|start| rules.clock.working_days_between(start, now));
        }
        r.state = to;
        r.updated_at = now;
        requests::update(&mut tx, &r).await?;
        let details = serde_json::json!({
            "from": from,
            "state": to,
            "note": input.note.as_deref().map(str::trim),
            "organization_id": (action == RequestAction::Assign).then_some(r.organization_id).flatten(),
            "dataset_id": input.dataset_id,
            "link": r.link.clone().filter(|_| input.link.is_some()),
            "planned_date": input.planned_date,
            "reason": input.reason,
            "legal_basis": input.legal_basis.as_deref().map(str::trim),
            "duplicate_of": input.duplicate_of,
            "due_at": r.deadline.map(|d| d.due_at),
        });
        let kind = format!("request.{}", action.as_str());
        self.notify_request(&mut tx, actor, &r, &kind, &extra, |to| match action {
            RequestAction::Assign | RequestAction::Clarify => to.organization = true,
            RequestAction::RequestReview => {
                to.organization_admins = true;
                to.portal_team = true;
            }
            RequestAction::Withdraw => {
                to.organization = true;
                to.portal_team = true;
            }
            _ => {}
        })
        .await?;
        self.commit_change(
            tx,
            actor,
            Subject::new(REQUEST_ENTITY, r.id, None),
            action.as_str(),
            None,
            Some(details),
        )
        .await?;
        Ok(r)
    }

    /// Posts a message to a request's public thread (signed-in callers who may see it).
    pub async fn post_request_message(
        &self,
        actor: &Actor,
        id: Uuid,
        body: &str,
    ) -> Result<Message> {
        self.post_request_message_with(actor, id, body, ReceivedFiles::default())
            .await
    }

    /// Checks, before a form's files are read, that the caller may post to the thread of
    /// request `id` (401 anonymous, 404 when it may not see it).
    pub async fn may_post_request_message(&self, actor: &Actor, id: Uuid) -> Result<()> {
        require_signed_in(actor)?;
        let mut conn = self.store().conn().await?;
        self.visible_request(&mut conn, actor, id).await.map(|_| ())
    }

    /// Posts a message with the files received for it ([`App::receive_file`]), recorded as its
    /// attachments in the same transaction.
    pub async fn post_request_message_with(
        &self,
        actor: &Actor,
        id: Uuid,
        body: &str,
        files: ReceivedFiles,
    ) -> Result<Message> {
        require_signed_in(actor)?;
        check_message_body(body)?;
        let mut tx = self.store().begin().await?;
        let r = self.visible_request(&mut tx, actor, id).await?;
        let party = Party::of(actor, r.requester_id, r.organization_id);
        let mut message = Message {
            id: Uuid::now_v7(),
            request_id: id,
            author_id: actor.user_id,
            author_name: None,
            author_role: author_role(party),
            body: body.trim().to_string(),
            attachments: Vec::new(),
            // What the database keeps, so the answer shows what a later read does.
            created_at: Utc::now().trunc_subsecs(6),
        };
        requests::add_message(&mut tx, &message).await?;
        let owner = Owner::Message {
            request_id: id,
            message_id: message.id,
        };
        message.attachments =
            crate::attachments::record(&mut tx, files, owner, actor, message.created_at).await?;
        self.notify_request(&mut tx, actor, &r, "request.message", &[], |to| {
            to.organization = party.author;
        })
        .await?;
        let attachment_ids: Vec<Uuid> = message.attachments.iter().map(|a| a.id).collect();
        let details = serde_json::json!({
            "message_id": message.id,
            "role": message.author_role,
            "attachments": attachment_ids,
        });
        self.commit_change(
            tx,
            actor,
            Subject::new(REQUEST_ENTITY, id, None),
            "message",
            None,
            Some(details),
        )
        .await?;
        Ok(message)
    }

    /// Votes for (or follows) a request, or takes it back; signed-in callers who may see it.
    pub async fn mark_request(
        &self,
        actor: &Actor,
        id: Uuid,
        mark: Mark,
        on: bool,
    ) -> Result<DataRequest> {
        require_signed_in(actor)?;
        let user = actor.user_id.ok_or_else(|| deny(actor, "request.vote"))?;
        let mut conn = self.store().conn().await?;
        self.visible_request(&mut conn, actor, id).await?;
        requests::set_mark(&mut conn, mark, id, user, on, Utc::now()).await?;
        self.visible_request(&mut conn, actor, id).await
    }

    /// Response statistics, overall and per organization.
    pub async fn request_statistics(&self) -> Result<Statistics> {
        let mut conn = self.store().conn().await?;
        let all = requests::for_statistics(&mut conn).await?;
        let now = Utc::now();
        let overall = summarize(&all, now);
        let mut organizations = Vec::new();
        for org in organizations::all(&mut conn).await? {
            let assigned: Vec<&DataRequest> = all
                .iter()
                .filter(|r| r.organization_id == Some(org.id))
                .collect();
            if assigned.is_empty() {
                continue;
            }
            let name_vi = org.name.vi.clone().unwrap_or_else(|| org.slug.clone());
            organizations.push(OrganizationStats {
                name_en: org.name.en.clone().unwrap_or_else(|| name_vi.clone()),
                name_vi,
                slug: org.slug.clone(),
                stats: summarize(assigned, now),
            });
        }
        organizations.sort_by(|a, b| a.name_vi.cmp(&b.name_vi));
        Ok(Statistics {
            overall,
            organizations,
        })
    }

    /// Resolves the slugs of an action's input into ids (422 on the field when unknown; a
    /// dataset must be public to answer a request).
    async fn resolve_input(&self, conn: &mut Conn, given: ActionInput) -> Result<TransitionInput> {
        let organization_id = match given
            .organization
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(key) => Some(self.organization_id(conn, key, "organization").await?),
            None => None,
        };
        let dataset_id = match given
            .dataset
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(key) => Some(
                datasets::get(conn, key)
                    .await?
                    .filter(|d| d.is_public())
                    .ok_or_else(|| Error::invalid("dataset", "unknown_dataset"))?
                    .id,
            ),
            None => None,
        };
        Ok(TransitionInput {
            note: given.note,
            organization_id,
            duplicate_of: given.duplicate_of,
            dataset_id,
            link: given.link,
            planned_date: given.planned_date,
            reason: given.reason,
            legal_basis: given.legal_basis,
        })
    }

    /// Starts (or restarts) the answering organization's clock at `now`.
    fn start_clock(&self, r: &mut DataRequest, now: chrono::DateTime<Utc>) {
        let rules = &self.inner.tickets;
        r.clock_started_at = Some(now);
        r.deadline = Some(rules.requests.start(&rules.clock, now));
    }

    /// Resolves an organization by slug or id (422 on `field` when unknown).
    pub(crate) async fn organization_id(
        &self,
        conn: &mut Conn,
        key: &str,
        field: &'static str,
    ) -> Result<Uuid> {
        let found = match Uuid::parse_str(key) {
            Ok(id) => organizations::get(conn, id).await?,
            Err(_) => organizations::get_by_slug(conn, key).await?,
        };
        found
            .map(|o| o.id)
            .ok_or_else(|| Error::invalid(field, "unknown_organization"))
    }

    /// Writes the notices of a change to a request: the requester and the followers always,
    /// plus whom `extra` adds.
    async fn notify_request(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        r: &DataRequest,
        kind: &str,
        params: &[(&str, String)],
        extra: impl FnOnce(&mut Audience),
    ) -> Result<()> {
        let mut audience = Audience::default();
        extra(&mut audience);
        let mut to = Recipients::except(actor.user_id);
        if kind != "request.created" {
            match r.requester_id {
                Some(user) => to.add_users(conn, &[user]).await?,
                None => to.add(Recipient {
                    user_id: None,
                    email: r.requester_email.clone(),
                    locale: Locale::parse(&r.lang).unwrap_or_default(),
                    wants_email: true,
                }),
            }
            let followers = requests::followers(conn, r.id).await?;
            to.add_users(conn, &followers).await?;
        }
        if let Some(org) = r.organization_id {
            if audience.organization {
                to.add_organization(conn, org, false).await?;
            } else if audience.organization_admins {
                to.add_organization(conn, org, true).await?;
            }
        }
        if audience.portal_team {
            to.add_portal_team(conn).await?;
        }
        crate::notify::send(
            conn,
            &self.inner.public_url,
            to.into_vec(),
            kind,
            &about_request(r),
            params,
        )
        .await
    }
}

/// What the notices of a request are about: the request and its page.
pub(crate) fn about_request(r: &DataRequest) -> About<'_> {
    About {
        subject_type: REQUEST_ENTITY,
        subject_id: r.id,
        path: format!("/requests/{}", r.id),
        title: &r.title,
        title_en: None,
    }
}

/// Checks the text of a message (422 on `body`: `required`, `too_long`).
pub fn check_message_body(body: &str) -> Result<()> {
    let mut errors = dulieu_core::FieldErrors::new();
    check_text(&mut errors, "body", body, NOTE_MAX);
    errors.into_result()
}

/// Who, beyond the requester and followers, hears of a change.
#[derive(Debug, Default)]
pub(crate) struct Audience {
    /// Editors and admins of the assigned organization.
    pub organization: bool,
    /// Admins of the assigned organization.
    pub organization_admins: bool,
    /// The portal team.
    pub portal_team: bool,
}

/// The path prefix of a language.
pub(crate) fn prefix(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "/en",
        Locale::Vi => "",
    }
}
