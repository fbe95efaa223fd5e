//! Feedback on datasets: reports by users and by the watchdogs (deduplicated by rule and
//! dataset), the publisher's transitions on the feedback clock, and hiding a distribution
//! pending review when personal data is exposed.

use chrono::Utc;
use dulieu_core::account::Actor;
use dulieu_core::catalog::Dataset;
use dulieu_core::{Error, Result};
use dulieu_store::attachments::Owner;
use dulieu_store::{Conn, datasets, distributions, feedback};
use dulieu_tickets::Party;
use dulieu_tickets::Timeliness;
use dulieu_tickets::feedback::{
    FeedbackAction, FeedbackKind, FeedbackState, available_actions, transition,
};
use dulieu_tickets::records::{Feedback, FeedbackInput, clean};
use serde::Serialize;
use uuid::Uuid;

use crate::attachments::ReceivedFiles;
use crate::notify::{About, Recipients};
use crate::{App, Subject, require_signed_in};

/// Entity type of feedback in the event log.
pub const FEEDBACK_ENTITY: &str = "feedback";

/// A feedback ticket with what its page shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackView {
    /// The ticket.
    pub feedback: Feedback,
    /// Overdue or long overdue while open.
    pub timeliness: Option<Timeliness>,
    /// What the caller may do now.
    pub actions: Vec<FeedbackAction>,
    /// The caller may hide or show the distribution concerned.
    pub can_hide: bool,
}

/// What a transition of a ticket carries.
#[derive(Debug, Clone, Default)]
pub struct FeedbackChange {
    /// Resolution note or reason for not fixing.
    pub note: Option<String>,
    /// The version that fixes it.
    pub version: Option<String>,
    /// The ticket it repeats.
    pub duplicate_of: Option<Uuid>,
}

/// A ticket opened by a watchdog rule.
#[derive(Debug, Clone)]
pub struct WatchdogFinding {
    /// Stable id of the rule, e.g. `open-license`.
    pub rule_id: String,
    /// The dataset.
    pub dataset_id: Uuid,
    /// The distribution, when about one.
    pub distribution_id: Option<Uuid>,
    /// Kind of problem.
    pub kind: FeedbackKind,
    /// What the rule found.
    pub description: String,
}

impl App {
    /// A dataset the caller may see (404 otherwise).
    pub(crate) async fn visible_dataset(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        key: &str,
    ) -> Result<Dataset> {
        datasets::get(conn, key)
            .await?
            .filter(|d| d.is_public() || actor.can_see_private_of(d.publisher_id))
            .ok_or_else(|| Error::not_found("dataset", key))
    }

    /// Reports a problem on a dataset (signed-in callers who may see it). Urgent kinds tell the
    /// publisher's admins and the portal team at once.
    pub async fn report_feedback(
        &self,
        actor: &Actor,
        dataset_key: &str,
        input: FeedbackInput,
    ) -> Result<Feedback> {
        self.report_feedback_with(actor, dataset_key, input, ReceivedFiles::default())
            .await
    }

    /// Checks, before a form's files are read, that the caller may report on the dataset (401
    /// anonymous, 404 when it may not see it).
    pub async fn may_report_feedback(&self, actor: &Actor, dataset_key: &str) -> Result<()> {
        require_signed_in(actor)?;
        let mut conn = self.store().conn().await?;
        self.visible_dataset(&mut conn, actor, dataset_key)
            .await
            .map(|_| ())
    }

    /// Reports a problem with the files received for it ([`App::receive_file`]), recorded as
    /// the ticket's attachments in the same transaction.
    pub async fn report_feedback_with(
        &self,
        actor: &Actor,
        dataset_key: &str,
        input: FeedbackInput,
        files: ReceivedFiles,
    ) -> Result<Feedback> {
        require_signed_in(actor)?;
        let input = input.validate()?;
        let mut tx = self.store().begin().await?;
        let dataset = self.visible_dataset(&mut tx, actor, dataset_key).await?;
        let ticket = self
            .open_ticket(&mut tx, actor, &dataset, input, None, files)
            .await?;
        self.commit_opened(tx, actor, ticket).await
    }

    /// Commits a new ticket with its `created` event.
    async fn commit_opened(
        &self,
        tx: dulieu_store::Tx,
        actor: &Actor,
        ticket: Feedback,
    ) -> Result<Feedback> {
        let subject = Subject::new(FEEDBACK_ENTITY, ticket.id, Some(ticket.dataset_id));
        self.commit_change(
            tx,
            actor,
            subject,
            "created",
            None,
            crate::snapshot(&ticket),
        )
        .await?;
        Ok(ticket)
    }

    /// Opens a ticket for a watchdog finding, unless the rule has one open on the dataset
    /// already: returns the ticket and whether it is new.
    pub async fn open_watchdog_feedback(
        &self,
        finding: WatchdogFinding,
    ) -> Result<(Feedback, bool)> {
        let system = Actor::system();
        let mut tx = self.store().begin().await?;
        if let Some(open) =
            feedback::open_for_rule(&mut tx, &finding.rule_id, finding.dataset_id).await?
        {
            return Ok((open, false));
        }
        let dataset = datasets::get(&mut tx, &finding.dataset_id.to_string())
            .await?
            .ok_or_else(|| Error::not_found("dataset", finding.dataset_id))?;
        let input = FeedbackInput {
            kind: finding.kind,
            description: finding.description,
            distribution_id: finding.distribution_id,
            location: None,
        }
        .validate()?;
        let ticket = self
            .open_ticket(
                &mut tx,
                &system,
                &dataset,
                input,
                Some(finding.rule_id),
                ReceivedFiles::default(),
            )
            .await?;
        Ok((self.commit_opened(tx, &system, ticket).await?, true))
    }

    /// Inserts a ticket, its attachments and its notices in `tx`; the caller commits with the
    /// event.
    async fn open_ticket(
        &self,
        tx: &mut dulieu_store::Tx,
        actor: &Actor,
        dataset: &Dataset,
        input: FeedbackInput,
        rule_id: Option<String>,
        files: ReceivedFiles,
    ) -> Result<Feedback> {
        if let Some(dist) = input.distribution_id {
            let belongs = distributions::get(tx, dist)
                .await?
                .is_some_and(|(d, _)| d.dataset_id == dataset.id);
            if !belongs {
                return Err(Error::invalid("distribution_id", "unknown_distribution"));
            }
        }
        let now = Utc::now();
        let rules = &self.inner.tickets;
        let mut ticket = Feedback {
            id: Uuid::now_v7(),
            dataset_id: dataset.id,
            distribution_id: input.distribution_id,
            organization_id: dataset.publisher_id,
            kind: input.kind,
            state: FeedbackState::Open,
            description: input.description,
            location: input.location,
            reporter_id: actor.user_id,
            rule_id,
            deadline: rules.feedback.start(&rules.clock, input.kind, now),
            resolution_note: None,
            resolved_version: None,
            duplicate_of: None,
            closed_at: None,
            attachments: Vec::new(),
            created_at: now,
            updated_at: now,
        };
        feedback::insert(tx, &ticket).await?;
        ticket.attachments =
            crate::attachments::record(tx, files, Owner::Feedback(ticket.id), actor, now).await?;
        let kind = if ticket.kind.is_urgent() {
            "feedback.urgent"
        } else {
            "feedback.created"
        };
        self.notify_feedback(tx, actor, &ticket, dataset, kind, ticket.kind.is_urgent())
            .await?;
        Ok(ticket)
    }

    /// The tickets of a dataset the caller may see, newest first.
    pub async fn dataset_feedback(
        &self,
        actor: &Actor,
        dataset_key: &str,
    ) -> Result<Vec<Feedback>> {
        let mut conn = self.store().conn().await?;
        let dataset = self.visible_dataset(&mut conn, actor, dataset_key).await?;
        feedback::for_dataset(&mut conn, dataset.id).await
    }

    /// Open tickets on an organization's datasets, soonest deadline first (its members only).
    pub async fn organization_feedback(
        &self,
        actor: &Actor,
        organization: &str,
    ) -> Result<Vec<Feedback>> {
        let mut conn = self.store().conn().await?;
        let org = self
            .organization_id(&mut conn, organization, "organization")
            .await?;
        if !(actor.can_see_private_of(org) || actor.can_manage_portal()) {
            return Err(crate::deny(actor, "feedback.inbox"));
        }
        feedback::open_for_organization(&mut conn, org).await
    }

    /// Loads a ticket whose dataset the caller may see (404 otherwise).
    pub(crate) async fn visible_feedback(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Feedback> {
        let ticket = feedback::get(conn, id)
            .await?
            .ok_or_else(|| Error::not_found("feedback", id))?;
        self.visible_dataset(conn, actor, &ticket.dataset_id.to_string())
            .await
            .map_err(|_| Error::not_found("feedback", id))?;
        Ok(ticket)
    }

    /// A ticket with the caller's possible actions.
    pub async fn get_feedback(&self, actor: &Actor, id: Uuid) -> Result<FeedbackView> {
        let mut conn = self.store().conn().await?;
        let ticket = self.visible_feedback(&mut conn, actor, id).await?;
        let party = Party::of(actor, ticket.reporter_id, Some(ticket.organization_id));
        Ok(FeedbackView {
            timeliness: ticket.timeliness(Utc::now()),
            actions: available_actions(ticket.state, party),
            can_hide: ticket.distribution_id.is_some()
                && (party.is_org_editor() || party.portal_team),
            feedback: ticket,
        })
    }

    /// Takes `action` on a ticket (403 by role, 409 by state, 422 by input), with its event.
    pub async fn act_on_feedback(
        &self,
        actor: &Actor,
        id: Uuid,
        action: FeedbackAction,
        change: FeedbackChange,
    ) -> Result<Feedback> {
        let mut tx = self.store().begin().await?;
        let mut ticket = self.visible_feedback(&mut tx, actor, id).await?;
        if !actor.is_authenticated() {
            return Err(Error::Unauthenticated);
        }
        let party = Party::of(actor, ticket.reporter_id, Some(ticket.organization_id));
        let from = ticket.state;
        let to = transition(from, action, party)?;
        let note = clean(change.note);
        action.validate(note.as_deref(), change.duplicate_of.is_some())?;
        if let Some(original) = change.duplicate_of {
            let same_dataset = feedback::get(&mut tx, original)
                .await?
                .is_some_and(|o| o.dataset_id == ticket.dataset_id && o.id != ticket.id);
            if !same_dataset {
                return Err(Error::invalid("duplicate_of", "unknown_feedback"));
            }
        }
        let now = Utc::now();
        ticket.state = to;
        ticket.updated_at = now;
        match action {
            FeedbackAction::Resolve | FeedbackAction::WontFix => {
                ticket.resolution_note = note.clone();
                ticket.resolved_version = clean(change.version.clone());
            }
            FeedbackAction::MarkDuplicate => ticket.duplicate_of = change.duplicate_of,
            FeedbackAction::Reopen => {
                let rules = &self.inner.tickets;
                ticket.deadline = rules.feedback.start(&rules.clock, ticket.kind, now);
            }
            FeedbackAction::Acknowledge | FeedbackAction::Start => {}
        }
        ticket.closed_at = to.is_closed().then_some(now);
        feedback::update(&mut tx, &ticket).await?;
        let dataset = datasets::get(&mut tx, &ticket.dataset_id.to_string())
            .await?
            .ok_or_else(|| Error::not_found("feedback", id))?;
        let kind = format!("feedback.{}", action.as_str());
        self.notify_feedback(&mut tx, actor, &ticket, &dataset, &kind, false)
            .await?;
        let details = serde_json::json!({
            "from": from, "state": to, "note": note,
            "version": ticket.resolved_version, "duplicate_of": ticket.duplicate_of,
        });
        self.commit_change(
            tx,
            actor,
            Subject::new(FEEDBACK_ENTITY, ticket.id, Some(ticket.dataset_id)),
            action.as_str(),
            None,
            Some(details),
        )
        .await?;
        Ok(ticket)
    }

    /// Hides the distribution a ticket is about pending review (or shows it again): editors and
    /// admins of the publisher or the portal team, in one action with an audit event. Hidden
    /// files are not downloadable.
    pub async fn hide_distribution(
        &self,
        actor: &Actor,
        feedback_id: Uuid,
        hidden: bool,
    ) -> Result<Feedback> {
        let mut tx = self.store().begin().await?;
        let ticket = self.visible_feedback(&mut tx, actor, feedback_id).await?;
        let party = Party::of(actor, ticket.reporter_id, Some(ticket.organization_id));
        if !(party.is_org_editor() || party.portal_team) {
            return Err(crate::deny(actor, "distribution.hide"));
        }
        let dist = ticket
            .distribution_id
            .ok_or_else(|| Error::invalid("distribution_id", "required"))?;
        feedback::set_hidden(&mut tx, dist, hidden.then(Utc::now)).await?;
        let details = serde_json::json!({"hidden": hidden, "feedback_id": ticket.id});
        self.commit_change(
            tx,
            actor,
            Subject::new("distribution", dist, Some(ticket.dataset_id)),
            if hidden { "hidden" } else { "shown" },
            None,
            Some(details),
        )
        .await?;
        Ok(ticket)
    }

    /// True when a distribution is hidden pending review.
    pub async fn is_distribution_hidden(&self, id: Uuid) -> Result<bool> {
        let mut conn = self.store().conn().await?;
        Ok(feedback::hidden_at(&mut conn, id).await?.is_some())
    }

    /// Follows (or stops following) a dataset: its feedback and changes are notified.
    pub async fn follow_dataset(&self, actor: &Actor, dataset_key: &str, on: bool) -> Result<bool> {
        require_signed_in(actor)?;
        let user = actor
            .user_id
            .ok_or_else(|| crate::deny(actor, "dataset.follow"))?;
        let mut conn = self.store().conn().await?;
        let dataset = self.visible_dataset(&mut conn, actor, dataset_key).await?;
        feedback::follow_dataset(&mut conn, dataset.id, user, on, Utc::now()).await
    }

    /// Notices of a ticket change: the publisher's editors, the reporter, the dataset's
    /// followers who may see it; `urgent` adds the portal team.
    async fn notify_feedback(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        ticket: &Feedback,
        dataset: &Dataset,
        kind: &str,
        urgent: bool,
    ) -> Result<()> {
        let mut to = Recipients::except(actor.user_id);
        to.add_organization(conn, ticket.organization_id, false)
            .await?;
        if let Some(reporter) = ticket.reporter_id {
            to.add_users(conn, &[reporter]).await?;
        }
        let followers = crate::followers::followers_who_see(conn, dataset).await?;
        to.add_users(conn, &followers).await?;
        if urgent {
            to.add_portal_team(conn).await?;
        }
        let title = feedback_title(ticket);
        let params = [("kind", ticket.kind.as_str().to_string())];
        crate::notify::send(
            conn,
            &self.inner.public_url,
            to.into_vec(),
            kind,
            &about_feedback(ticket, &dataset.slug, &title),
            &params,
        )
        .await
    }
}

/// The title of a ticket in notices: the start of its description.
pub(crate) fn feedback_title(ticket: &Feedback) -> String {
    ticket.description.chars().take(80).collect()
}

/// What the notices of a ticket are about: the ticket, on its dataset's feedback page.
pub(crate) fn about_feedback<'a>(
    ticket: &Feedback,
    dataset_slug: &str,
    title: &'a str,
) -> About<'a> {
    About {
        subject_type: FEEDBACK_ENTITY,
        subject_id: ticket.id,
        path: format!("/dataset/{dataset_slug}/feedback"),
        title,
        title_en: None,
    }
}
