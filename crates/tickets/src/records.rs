//! The stored shapes of tickets and what is needed to file one.

use chrono::{DateTime, NaiveDate, Utc};
use dulieu_core::FieldErrors;
use dulieu_core::text::is_plausible_email;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::clock::{Deadline, Timeliness};
use crate::feedback::{FeedbackKind, FeedbackState};
use crate::request::{NOTE_MAX, RefusalReason, RequestState};

/// Longest title, in characters.
pub const TITLE_MAX: usize = 300;
/// Longest short field (purpose, format, granularity, location), in characters.
pub const SHORT_MAX: usize = 1000;

/// A data request as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataRequest {
    /// Stable id.
    pub id: Uuid,
    /// What data is wanted, in a line.
    pub title: String,
    /// What data is wanted, in detail.
    pub description: String,
    /// What it will be used for.
    pub purpose: Option<String>,
    /// Desired format (e.g. CSV).
    pub desired_format: Option<String>,
    /// Desired granularity (e.g. per commune, monthly).
    pub granularity: Option<String>,
    /// Organization the requester thinks holds the data.
    pub suggested_organization_id: Option<Uuid>,
    /// Public (everyone sees it) or private to the portal team and the organization.
    pub is_public: bool,
    /// Requester's account, if signed in when filing.
    pub requester_id: Option<Uuid>,
    /// Where the requester is written to.
    #[serde(skip_serializing)]
    pub requester_email: String,
    /// The requester confirmed the e-mail address (always true when signed in).
    pub confirmed: bool,
    /// Language of the requester's e-mails (`vi` or `en`).
    pub lang: String,
    /// Current state.
    pub state: RequestState,
    /// Organization assigned to answer.
    pub organization_id: Option<Uuid>,
    /// When the answering organization's clock (last) started.
    pub clock_started_at: Option<DateTime<Utc>>,
    /// The current deadline, while one applies.
    pub deadline: Option<Deadline>,
    /// When it was first answered (accepted, fulfilled, refused).
    pub answered_at: Option<DateTime<Utc>>,
    /// The deadline in force at the first answer.
    pub answer_due_at: Option<DateTime<Utc>>,
    /// Working days from the (last) start of the clock to the first answer.
    pub answer_working_days: Option<i64>,
    /// Planned publication date (accepted).
    pub planned_date: Option<NaiveDate>,
    /// Dataset that fulfils it.
    pub dataset_id: Option<Uuid>,
    /// Link to the data when not a dataset of this portal.
    pub link: Option<String>,
    /// Refusal reason.
    pub refusal_reason: Option<RefusalReason>,
    /// Legal basis of a refusal.
    pub legal_basis: Option<String>,
    /// The request it was merged into.
    pub duplicate_of: Option<Uuid>,
    /// Votes ("I need this too").
    pub votes: i64,
    /// Filing time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl DataRequest {
    /// Overdue or long overdue while an answer is due; `None` otherwise.
    pub fn timeliness(&self, now: DateTime<Utc>) -> Option<Timeliness> {
        match (self.state.clock_running(), self.deadline) {
            (true, Some(deadline)) => Some(deadline.timeliness(now)),
            _ => None,
        }
    }

    /// True when the first answer came before its deadline.
    pub fn answered_on_time(&self) -> Option<bool> {
        Some(self.answered_at? < self.answer_due_at?)
    }
}

/// What a requester fills in.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    /// What data is wanted, in a line.
    pub title: String,
    /// In detail.
    pub description: String,
    /// What it will be used for.
    #[serde(default)]
    pub purpose: Option<String>,
    /// Desired format.
    #[serde(default)]
    pub desired_format: Option<String>,
    /// Desired granularity.
    #[serde(default)]
    pub granularity: Option<String>,
    /// Slug or id of the organization thought to hold the data.
    #[serde(default)]
    pub suggested_organization: Option<String>,
    /// Public (default) or private to the portal team.
    #[serde(default = "yes")]
    pub is_public: bool,
    /// E-mail address to confirm (anonymous requesters only).
    #[serde(default)]
    pub email: Option<String>,
    /// The inventory item the request asks for (from its "request this" button): the request is
    /// linked to it as demand, and its organization is suggested.
    #[serde(default)]
    pub inventory_item: Option<uuid::Uuid>,
}

fn yes() -> bool {
    true
}

/// Trims an optional text, dropping it when blank.
pub fn clean(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// Records `required` or `too_long` for a text field.
pub fn check_text(errors: &mut FieldErrors, field: &'static str, text: &str, max: usize) {
    if text.trim().is_empty() {
        errors.add(field, "required");
    } else if text.chars().count() > max {
        errors.add_with(field, "too_long", "max", max);
    }
}

impl RequestInput {
    /// Trims the texts and checks the rules; `anonymous` requires a plausible e-mail.
    pub fn validate(mut self, anonymous: bool) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        self.title = self.title.trim().to_string();
        self.description = self.description.trim().to_string();
        check_text(&mut errors, "title", &self.title, TITLE_MAX);
        check_text(&mut errors, "description", &self.description, NOTE_MAX);
        self.purpose = clean(self.purpose);
        self.desired_format = clean(self.desired_format);
        self.granularity = clean(self.granularity);
        self.suggested_organization = clean(self.suggested_organization);
        for (field, text) in [
            ("purpose", &self.purpose),
            ("desired_format", &self.desired_format),
            ("granularity", &self.granularity),
        ] {
            if let Some(text) = text {
                check_text(&mut errors, field, text, SHORT_MAX);
            }
        }
        self.email = clean(self.email).map(|e| e.to_lowercase());
        if anonymous && !self.email.as_deref().is_some_and(is_plausible_email) {
            errors.add(
                "email",
                if self.email.is_none() {
                    "required"
                } else {
                    "invalid_email"
                },
            );
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

/// Who wrote a message of a request's thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuthorRole {
    /// The requester.
    Requester,
    /// The assigned organization.
    Organization,
    /// The portal team.
    PortalTeam,
    /// Someone else (a voter, a follower).
    Public,
}

impl AuthorRole {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorRole::Requester => "requester",
            AuthorRole::Organization => "organization",
            AuthorRole::PortalTeam => "portal_team",
            AuthorRole::Public => "public",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            AuthorRole::Requester,
            AuthorRole::Organization,
            AuthorRole::PortalTeam,
            AuthorRole::Public,
        ]
        .into_iter()
        .find(|role| role.as_str() == text)
    }
}

/// One message of a request's public thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    /// Stable id.
    pub id: Uuid,
    /// The request.
    pub request_id: Uuid,
    /// Author's account.
    pub author_id: Option<Uuid>,
    /// Author's name.
    pub author_name: Option<String>,
    /// In what capacity the author wrote.
    pub author_role: AuthorRole,
    /// The text.
    pub body: String,
    /// Files attached to it.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
}

/// A file attached to a message of a request's thread or to a feedback ticket. Its bytes are
/// downloaded from `/api/1/attachments/{id}` by those who may see the ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// Stable id.
    pub id: Uuid,
    /// File name as uploaded, without any directory part.
    pub file_name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub byte_size: i64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: Option<Uuid>,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}

/// A feedback ticket as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Feedback {
    /// Stable id.
    pub id: Uuid,
    /// The dataset.
    pub dataset_id: Uuid,
    /// The distribution, when about one file or link.
    pub distribution_id: Option<Uuid>,
    /// The dataset's publisher.
    pub organization_id: Uuid,
    /// Kind of problem.
    pub kind: FeedbackKind,
    /// Current state.
    pub state: FeedbackState,
    /// What is wrong.
    pub description: String,
    /// Row/column reference in a table.
    pub location: Option<String>,
    /// Reporter's account (none for watchdog tickets).
    pub reporter_id: Option<Uuid>,
    /// The watchdog rule that opened it.
    pub rule_id: Option<String>,
    /// When it must be answered.
    pub deadline: Deadline,
    /// Resolution note or reason for not fixing.
    pub resolution_note: Option<String>,
    /// The version that fixes it.
    pub resolved_version: Option<String>,
    /// The ticket it repeats.
    pub duplicate_of: Option<Uuid>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Files the reporter attached.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// Reporting time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Feedback {
    /// Overdue or long overdue while open; `None` once closed.
    pub fn timeliness(&self, now: DateTime<Utc>) -> Option<Timeliness> {
        (!self.state.is_closed()).then(|| self.deadline.timeliness(now))
    }
}

/// What a reporter fills in.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    /// Kind of problem.
    pub kind: FeedbackKind,
    /// What is wrong.
    pub description: String,
    /// The distribution concerned, if one.
    #[serde(default)]
    pub distribution_id: Option<Uuid>,
    /// Row/column reference (e.g. "row 12, column dan_so").
    #[serde(default)]
    pub location: Option<String>,
}

impl FeedbackInput {
    /// Trims the texts and checks the rules.
    pub fn validate(mut self) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        self.description = self.description.trim().to_string();
        check_text(&mut errors, "description", &self.description, NOTE_MAX);
        self.location = clean(self.location);
        if let Some(location) = &self.location {
            check_text(&mut errors, "location", location, SHORT_MAX);
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

/// One entry of a user's notification center.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    /// Stable id.
    pub id: Uuid,
    /// Recipient.
    pub user_id: Uuid,
    /// What happened, e.g. `request.assign` (an i18n key suffix).
    pub kind: String,
    /// `request`, `feedback` or `dataset`.
    pub subject_type: String,
    /// The ticket (or the followed dataset).
    pub subject_id: Uuid,
    /// Values the message refers to (title, state, deadline).
    pub params: serde_json::Value,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When the user marked it read.
    pub read_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_input_rules() {
        let input = RequestInput {
            title: "  Giá đất  ".into(),
            description: "Bảng giá đất 2026".into(),
            purpose: Some("   ".into()),
            ..RequestInput::default()
        };
        let ok = input.clone().validate(false).unwrap();
        assert_eq!(ok.title, "Giá đất");
        assert_eq!(ok.purpose, None);
        let errors = input.validate(true).unwrap_err();
        assert_eq!(errors.0["email"][0].code, "required");
        let errors = RequestInput {
            title: "x".repeat(TITLE_MAX + 1),
            email: Some("nope".into()),
            ..RequestInput::default()
        }
        .validate(true)
        .unwrap_err();
        assert_eq!(errors.0["title"][0].code, "too_long");
        assert_eq!(errors.0["description"][0].code, "required");
        assert_eq!(errors.0["email"][0].code, "invalid_email");
    }

    #[test]
    fn feedback_input_rules() {
        let input = FeedbackInput {
            kind: FeedbackKind::DataError,
            description: " ".into(),
            distribution_id: None,
            location: Some(" hàng 12 ".into()),
        };
        assert!(
            input
                .clone()
                .validate()
                .unwrap_err()
                .0
                .contains_key("description")
        );
        let ok = FeedbackInput {
            description: "Sai số liệu".into(),
            ..input
        }
        .validate()
        .unwrap();
        assert_eq!(ok.location.as_deref(), Some("hàng 12"));
        assert_eq!(
            AuthorRole::parse("portal_team"),
            Some(AuthorRole::PortalTeam)
        );
    }
}
