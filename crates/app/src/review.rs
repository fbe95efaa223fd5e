//! The publication review: a government publisher that has named an approver publishes through
//! `draft → in_review → approved → published`. Editors submit (the watchdog checks the dataset
//! then), withdraw and publish once approved; approvers approve (refused while findings of the
//! profile's blocking severities remain) or send back with a comment. Each step is an event on
//! the dataset (who, when, the comment), and the people concerned get a notice. Reviewers see the
//! blocking findings and what changed since the dataset was last published.

use chrono::{DateTime, Utc};
use dulieu_core::account::Actor;
use dulieu_core::catalog::Dataset;
use dulieu_core::event::Event;
use dulieu_core::vocab::{DatasetStatus, Role};
use dulieu_core::{Error, Result};
use dulieu_i18n::Locale;
use dulieu_store::{Conn, accounts, datasets, events};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::notify::{About, Recipients};
use crate::quality::views::FindingView;
use crate::{App, Subject, deny};

dulieu_core::string_enum! {
    /// A step of the review.
    ReviewAction {
        /// An editor asks for approval (draft → in review).
        Submit = "submit",
        /// An editor takes the submission back (in review → draft).
        Withdraw = "withdraw",
        /// An approver approves (in review → approved).
        Approve = "approve",
        /// An approver sends it back with a comment (in review → draft).
        SendBack = "send_back",
        /// An editor or approver publishes the approved dataset (approved → published).
        Publish = "publish",
    }
}

impl ReviewAction {
    /// The status the step starts from and the one it leads to.
    pub fn transition(self) -> (DatasetStatus, DatasetStatus) {
        match self {
            ReviewAction::Submit => (DatasetStatus::Draft, DatasetStatus::InReview),
            ReviewAction::Withdraw | ReviewAction::SendBack => {
                (DatasetStatus::InReview, DatasetStatus::Draft)
            }
            ReviewAction::Approve => (DatasetStatus::InReview, DatasetStatus::Approved),
            ReviewAction::Publish => (DatasetStatus::Approved, DatasetStatus::Published),
        }
    }

    /// True when `actor` may take this step for datasets of `org`.
    pub fn allowed(self, actor: &Actor, org: Uuid) -> bool {
        match self {
            ReviewAction::Submit | ReviewAction::Withdraw => actor.can_edit_datasets_of(org),
            ReviewAction::Approve | ReviewAction::SendBack => actor.can_approve_for(org),
            ReviewAction::Publish => actor.can_edit_datasets_of(org) || actor.can_approve_for(org),
        }
    }

    /// The event action recorded for the step.
    fn event(self) -> &'static str {
        match self {
            ReviewAction::Submit => "review_submitted",
            ReviewAction::Withdraw => "review_withdrawn",
            ReviewAction::Approve => "review_approved",
            ReviewAction::SendBack => "review_sent_back",
            ReviewAction::Publish => "review_published",
        }
    }
}

/// Longest review comment.
pub const MAX_COMMENT: usize = 5_000;

/// A step asked for, with its comment (required to send back).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// The step.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub action: ReviewAction,
    /// Why (shown in the dataset's review history).
    #[serde(default)]
    pub comment: Option<String>,
}

/// One field that changed since the last publication.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    /// The field.
    pub field: String,
    /// Its value when last published (`null` when never published).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub before: serde_json::Value,
    /// Its value now.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub after: serde_json::Value,
}

/// One step of a dataset's review history.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewStep {
    /// The step.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub action: ReviewAction,
    /// Who took it.
    pub actor_id: Option<Uuid>,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub comment: Option<String>,
}

/// A dataset's review: where it stands, what the caller may do, what blocks approval, what
/// changed since it was last published, and the steps so far.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewView {
    /// The dataset.
    pub dataset_id: Uuid,
    /// Its slug.
    pub slug: String,
    /// Its status.
    pub status: DatasetStatus,
    /// Its publisher publishes through review (a government body with an approver).
    pub required: bool,
    /// The steps the caller may take now.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub actions: Vec<ReviewAction>,
    /// Findings of the latest check whose severity blocks approval.
    pub blocking: Vec<FindingView>,
    /// Fields changed since the dataset was last published (every field when it never was).
    pub changes: Vec<FieldChange>,
    /// The review's steps, oldest first.
    pub steps: Vec<ReviewStep>,
}

/// Fields a review compares (what a publisher writes; not timestamps or derived values).
const COMPARED_FIELDS: &[&str] = &[
    "slug",
    "title",
    "description",
    "contact_point",
    "keywords",
    "themes",
    "license",
    "access_rights",
    "temporal",
    "spatial",
    "frequency",
    "version",
    "distributions",
];

/// Distribution fields a review compares.
const COMPARED_DISTRIBUTION_FIELDS: &[&str] = &[
    "title",
    "description",
    "format",
    "license",
    "remote_url",
    "sha256",
];

impl App {
    /// True when datasets of `publisher_id` publish through review: a government body with at
    /// least one approver.
    pub(crate) async fn review_required(
        &self,
        conn: &mut Conn,
        publisher_id: Uuid,
    ) -> Result<bool> {
        let Some(org) = dulieu_store::organizations::get(conn, publisher_id).await? else {
            return Ok(false);
        };
        Ok(org.kind.is_government()
            && accounts::role_count(conn, publisher_id, Role::Approver).await? > 0)
    }

    /// Refuses a plain edit's status change that must go through the review: `in_review` and
    /// `approved` are never set by hand, and where review is required only sysadmins publish a
    /// dataset that is not approved (or already published).
    pub(crate) async fn check_status_change(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        publisher_id: Uuid,
        before: Option<DatasetStatus>,
        after: DatasetStatus,
    ) -> Result<()> {
        if before == Some(after) {
            return Ok(());
        }
        if !DatasetStatus::EDITABLE.contains(&after) {
            return Err(Error::invalid("status", "review_step_only"));
        }
        let publishes = after == DatasetStatus::Published
            && !matches!(
                before,
                Some(DatasetStatus::Approved) | Some(DatasetStatus::Published)
            );
        if publishes && !actor.is_sysadmin && self.review_required(conn, publisher_id).await? {
            return Err(Error::invalid("status", "review_required"));
        }
        Ok(())
    }

    /// True when datasets of the organization `publisher_id` publish through review.
    pub async fn publishes_through_review(&self, publisher_id: Uuid) -> Result<bool> {
        let mut conn = self.store().conn().await?;
        self.review_required(&mut conn, publisher_id).await
    }

    /// A dataset's review, as the caller sees it (404 when the caller may not see the dataset).
    pub async fn dataset_review(
        &self,
        actor: &Actor,
        key: &str,
        locale: Locale,
    ) -> Result<ReviewView> {
        let dataset = self.get_dataset(actor, key).await?;
        let mut conn = self.store().conn().await?;
        self.review_view(&mut conn, actor, &dataset, locale).await
    }

    /// Takes a review step (see [`ReviewAction`]); answers the review after it.
    pub async fn review_dataset(
        &self,
        actor: &Actor,
        key: &str,
        input: ReviewInput,
        locale: Locale,
    ) -> Result<ReviewView> {
        let comment = input
            .comment
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        if comment
            .as_ref()
            .is_some_and(|c| c.chars().count() > MAX_COMMENT)
        {
            let mut errors = dulieu_core::FieldErrors::new();
            errors.add_with("comment", "too_long", "max", MAX_COMMENT);
            return Err(Error::Invalid(errors));
        }
        if input.action == ReviewAction::SendBack && comment.is_none() {
            return Err(Error::invalid("comment", "required"));
        }
        let dataset = self.get_dataset(actor, key).await?;
        if !input.action.allowed(actor, dataset.publisher_id) {
            return Err(deny(actor, "dataset.review"));
        }
        let (from, to) = input.action.transition();
        {
            let mut conn = self.store().conn().await?;
            if !self
                .review_required(&mut conn, dataset.publisher_id)
                .await?
            {
                return Err(Error::Conflict {
                    code: "review_not_required",
                    field: "action",
                    value: input.action.as_str().to_string(),
                });
            }
        }
        if dataset.status != from {
            return Err(Error::Conflict {
                code: "invalid_transition",
                field: "status",
                value: dataset.status.as_str().to_string(),
            });
        }
        if matches!(input.action, ReviewAction::Submit | ReviewAction::Approve) {
            self.check_datasets(vec![dataset.clone()], Utc::now())
                .await?;
        }
        if input.action == ReviewAction::Approve {
            let mut conn = self.store().conn().await?;
            let blocking = self
                .blocking_findings(&mut conn, actor, &dataset, locale)
                .await?;
            if !blocking.is_empty() {
                let rules: Vec<&str> = blocking.iter().map(|f| f.rule.as_str()).collect();
                return Err(Error::Conflict {
                    code: "blocking_findings",
                    field: "findings",
                    value: rules.join(", "),
                });
            }
        }
        self.move_status(actor, &dataset, input.action, to, comment)
            .await?;
        let dataset = self.get_dataset(actor, &dataset.id.to_string()).await?;
        let mut conn = self.store().conn().await?;
        self.review_view(&mut conn, actor, &dataset, locale).await
    }

    /// Writes the new status (and the issue date on publication), the step's event and its
    /// notices, in one transaction; refuses if the status moved meanwhile.
    async fn move_status(
        &self,
        actor: &Actor,
        dataset: &Dataset,
        action: ReviewAction,
        to: DatasetStatus,
        comment: Option<String>,
    ) -> Result<()> {
        let mut tx = self.store().begin().await?;
        let current = datasets::get(&mut tx, &dataset.id.to_string())
            .await?
            .ok_or_else(|| Error::not_found("dataset", dataset.id))?;
        if current.status != dataset.status {
            return Err(Error::Conflict {
                code: "invalid_transition",
                field: "status",
                value: current.status.as_str().to_string(),
            });
        }
        let now = Utc::now();
        let mut input = current.to_input();
        input.status = to;
        if to == DatasetStatus::Published && input.issued.is_none() {
            input.issued = Some(now.date_naive());
        }
        datasets::update(&mut tx, current.id, &input, current.publisher_id, now).await?;
        self.notify_review(&mut tx, actor, &current, action).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("dataset", current.id, None),
            action.event(),
            Some(serde_json::json!({ "status": current.status })),
            Some(serde_json::json!({ "status": to, "comment": comment })),
        )
        .await
    }

    /// Tells the approvers of a submission, and the editors and admins of a decision.
    async fn notify_review(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        dataset: &Dataset,
        action: ReviewAction,
    ) -> Result<()> {
        let mut to = Recipients::except(actor.user_id);
        let kind = match action {
            ReviewAction::Submit => {
                let approvers: Vec<Uuid> = accounts::members(conn, dataset.publisher_id)
                    .await?
                    .into_iter()
                    .filter(|m| m.role == Role::Approver)
                    .map(|m| m.user_id)
                    .collect();
                to.add_users(conn, &approvers).await?;
                "review.submitted"
            }
            ReviewAction::Approve => {
                to.add_organization(conn, dataset.publisher_id, false)
                    .await?;
                "review.approved"
            }
            ReviewAction::SendBack => {
                to.add_organization(conn, dataset.publisher_id, false)
                    .await?;
                "review.sent_back"
            }
            ReviewAction::Withdraw | ReviewAction::Publish => return Ok(()),
        };
        let about = About::dataset(dataset, "/review");
        crate::notify::send(
            conn,
            &self.inner.public_url,
            to.into_vec(),
            kind,
            &about,
            &[],
        )
        .await
    }

    /// The findings of the dataset's latest check whose severity blocks approval.
    async fn blocking_findings(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        dataset: &Dataset,
        locale: Locale,
    ) -> Result<Vec<FindingView>> {
        if dulieu_store::quality::get(conn, dataset.id)
            .await?
            .is_none()
        {
            return Ok(Vec::new());
        }
        let policy = &self.quality_profile().review;
        Ok(self
            .quality_view(conn, actor, dataset, locale)
            .await?
            .findings
            .into_iter()
            .filter(|f| policy.blocks(f.severity))
            .collect())
    }

    async fn review_view(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        dataset: &Dataset,
        locale: Locale,
    ) -> Result<ReviewView> {
        let required = self.review_required(conn, dataset.publisher_id).await?;
        let actions = if required {
            ReviewAction::ALL
                .iter()
                .copied()
                .filter(|a| a.transition().0 == dataset.status)
                .filter(|a| a.allowed(actor, dataset.publisher_id))
                .collect()
        } else {
            Vec::new()
        };
        let (mut history, _) = events::history(conn, dataset.id, 0, 10_000).await?;
        history.retain(|e| e.entity_type == "dataset" && e.entity_id == dataset.id);
        Ok(ReviewView {
            dataset_id: dataset.id,
            slug: dataset.slug.clone(),
            status: dataset.status,
            required,
            actions,
            blocking: self.blocking_findings(conn, actor, dataset, locale).await?,
            changes: changes_since_publication(&history, dataset),
            steps: history.iter().filter_map(review_step).collect(),
        })
    }
}

/// The step an event records, if it is one.
fn review_step(event: &Event) -> Option<ReviewStep> {
    let action = ReviewAction::ALL
        .iter()
        .copied()
        .find(|a| a.event() == event.action)?;
    Some(ReviewStep {
        action,
        actor_id: event.actor_id,
        at: event.at,
        comment: event
            .after
            .as_ref()
            .and_then(|a| a.get("comment"))
            .and_then(|c| c.as_str())
            .map(str::to_string),
    })
}

/// The dataset as it was when last published: the newest full snapshot (of a creation or an
/// edit) at or before the last event that made it published (a direct publication or the
/// review's publish step, which leaves the fields as they were).
fn last_published(history: &[Event]) -> Option<&serde_json::Value> {
    let status = |value: Option<&serde_json::Value>| {
        value
            .and_then(|v| v.get("status"))
            .and_then(|s| s.as_str())
            .map(str::to_string)
    };
    let published = Some("published".to_string());
    let made_published = history.iter().rposition(|e| {
        status(e.after.as_ref()) == published && status(e.before.as_ref()) != published
    })?;
    history[..=made_published]
        .iter()
        .rev()
        .filter_map(|e| e.after.as_ref())
        .find(|after| after.get("title").is_some())
}

/// The compared fields that differ between the last published snapshot and `dataset` now.
fn changes_since_publication(history: &[Event], dataset: &Dataset) -> Vec<FieldChange> {
    let now = comparable(&serde_json::to_value(dataset).unwrap_or_default());
    let before = last_published(history).map(comparable).unwrap_or_default();
    COMPARED_FIELDS
        .iter()
        .filter_map(|field| {
            let after = now.get(*field).cloned().unwrap_or_default();
            let before = before.get(*field).cloned().unwrap_or_default();
            (after != before).then(|| FieldChange {
                field: field.to_string(),
                before,
                after,
            })
        })
        .collect()
}

/// The compared fields of a dataset snapshot, its distributions reduced to theirs.
fn comparable(snapshot: &serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    let pick = |value: &serde_json::Value, fields: &[&str]| -> serde_json::Value {
        serde_json::Value::Object(
            fields
                .iter()
                .filter_map(|f| value.get(*f).map(|v| (f.to_string(), v.clone())))
                .collect(),
        )
    };
    let mut picked = match pick(snapshot, COMPARED_FIELDS) {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    if let Some(serde_json::Value::Array(list)) = snapshot.get("distributions") {
        let reduced = list
            .iter()
            .map(|d| pick(d, COMPARED_DISTRIBUTION_FIELDS))
            .collect();
        picked.insert("distributions".into(), serde_json::Value::Array(reduced));
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_lead_from_draft_to_published_and_back() {
        let mut status = DatasetStatus::Draft;
        for action in [
            ReviewAction::Submit,
            ReviewAction::SendBack,
            ReviewAction::Submit,
            ReviewAction::Approve,
            ReviewAction::Publish,
        ] {
            let (from, to) = action.transition();
            assert_eq!(from, status, "{action}");
            status = to;
        }
        assert_eq!(status, DatasetStatus::Published);
        assert_eq!(ReviewAction::Withdraw.transition().1, DatasetStatus::Draft);
    }

    #[test]
    fn who_takes_which_step() {
        let org = Uuid::now_v7();
        let with = |role| Actor {
            user_id: Some(Uuid::now_v7()),
            roles: std::collections::HashMap::from([(org, role)]),
            ..Actor::default()
        };
        let editor = with(Role::Editor);
        let approver = with(Role::Approver);
        assert!(ReviewAction::Submit.allowed(&editor, org));
        assert!(!ReviewAction::Approve.allowed(&editor, org));
        assert!(ReviewAction::Approve.allowed(&approver, org));
        assert!(ReviewAction::SendBack.allowed(&approver, org));
        assert!(!ReviewAction::Submit.allowed(&approver, org));
        assert!(ReviewAction::Publish.allowed(&approver, org));
        assert!(!ReviewAction::Approve.allowed(&with(Role::Admin), org));
    }
}
