//! The feedback state machine: problems reported on a dataset or one of its distributions.

use dulieu_core::FieldErrors;
use dulieu_core::string_enum;

use crate::clock::{ClockPolicy, Deadline, WorkingClock};
use crate::party::{Allowed, Party, TransitionError};

string_enum! {
    /// What kind of problem is reported.
    FeedbackKind {
        /// Wrong values in the data.
        DataError = "data_error",
        /// A file cannot be downloaded or a link is dead.
        BrokenFileOrLink = "broken_file_or_link",
        /// The data is out of date.
        Outdated = "outdated",
        /// The description (metadata) is wrong.
        MetadataError = "metadata_error",
        /// The format is unusable.
        FormatProblem = "format_problem",
        /// The data exposes personal data (urgent).
        PersonalDataExposed = "personal_data_exposed",
        /// A question about the license.
        LicenseQuestion = "license_question",
        /// Something else.
        Other = "other",
    }
}

impl FeedbackKind {
    /// Urgent kinds notify at once and have the short clock.
    pub fn is_urgent(self) -> bool {
        self == FeedbackKind::PersonalDataExposed
    }
}

string_enum! {
    /// Where a feedback ticket stands.
    FeedbackState {
        /// Reported, not yet looked at.
        Open = "open",
        /// The publisher has seen it.
        Acknowledged = "acknowledged",
        /// The publisher is fixing it.
        InProgress = "in_progress",
        /// Fixed (with a note and, where relevant, the new version).
        Resolved = "resolved",
        /// Will not be fixed (with a reason).
        WontFix = "wont_fix",
        /// Already reported in another ticket.
        Duplicate = "duplicate",
    }
}

impl FeedbackState {
    /// True when the ticket is closed.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            FeedbackState::Resolved | FeedbackState::WontFix | FeedbackState::Duplicate
        )
    }
}

string_enum! {
    /// What can be done to a feedback ticket.
    FeedbackAction {
        /// The publisher has seen it.
        Acknowledge = "acknowledge",
        /// The publisher starts fixing it.
        Start = "start",
        /// Fixed, with a note.
        Resolve = "resolve",
        /// Will not be fixed, with a reason.
        WontFix = "wont_fix",
        /// Closed as a duplicate of another ticket.
        MarkDuplicate = "mark_duplicate",
        /// The reporter or the portal team reopens a closed ticket.
        Reopen = "reopen",
    }
}

use FeedbackState as F;

const OPEN_STATES: &[FeedbackState] = &[F::Open, F::Acknowledged, F::InProgress];

impl FeedbackAction {
    fn rule(self) -> (&'static [FeedbackState], FeedbackState, Allowed) {
        match self {
            FeedbackAction::Acknowledge => {
                (&[F::Open], F::Acknowledged, Allowed::OrganizationOrTeam)
            }
            FeedbackAction::Start => (
                &[F::Open, F::Acknowledged],
                F::InProgress,
                Allowed::OrganizationOrTeam,
            ),
            FeedbackAction::Resolve => (OPEN_STATES, F::Resolved, Allowed::OrganizationOrTeam),
            FeedbackAction::WontFix => (OPEN_STATES, F::WontFix, Allowed::OrganizationOrTeam),
            FeedbackAction::MarkDuplicate => {
                (OPEN_STATES, F::Duplicate, Allowed::OrganizationOrTeam)
            }
            FeedbackAction::Reopen => (
                &[F::Resolved, F::WontFix, F::Duplicate],
                F::Open,
                Allowed::AuthorOrTeam,
            ),
        }
    }

    /// The states it can be taken from.
    pub fn from_states(self) -> &'static [FeedbackState] {
        self.rule().0
    }

    /// The permission name used in 403 answers, e.g. `feedback.resolve`.
    pub fn permission(self) -> &'static str {
        match self {
            FeedbackAction::Acknowledge => "feedback.acknowledge",
            FeedbackAction::Start => "feedback.start",
            FeedbackAction::Resolve => "feedback.resolve",
            FeedbackAction::WontFix => "feedback.wont_fix",
            FeedbackAction::MarkDuplicate => "feedback.mark_duplicate",
            FeedbackAction::Reopen => "feedback.reopen",
        }
    }

    /// Checks the inputs the action needs: a note to resolve, a reason not to fix, the ticket a
    /// duplicate repeats.
    pub fn validate(self, note: Option<&str>, duplicate_given: bool) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let filled = note.is_some_and(|n| !n.trim().is_empty());
        match self {
            FeedbackAction::Resolve | FeedbackAction::WontFix if !filled => {
                errors.add("note", "required");
            }
            FeedbackAction::MarkDuplicate if !duplicate_given => {
                errors.add("duplicate_of", "required");
            }
            _ => {}
        }
        if note.is_some_and(|n| n.chars().count() > crate::request::NOTE_MAX) {
            errors.add_with("note", "too_long", "max", crate::request::NOTE_MAX);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The state after `action`, when `party` may take it from `state` (403 before 409).
pub fn transition(
    state: FeedbackState,
    action: FeedbackAction,
    party: Party,
) -> Result<FeedbackState, TransitionError> {
    let (from, to, who) = action.rule();
    if !party.is_any(who) {
        return Err(TransitionError::Forbidden {
            action: action.permission(),
        });
    }
    if !from.contains(&state) {
        return Err(TransitionError::Illegal {
            action: action.as_str(),
            from: state.as_str(),
        });
    }
    Ok(to)
}

/// The actions `party` may take on a ticket in `state`.
pub fn available_actions(state: FeedbackState, party: Party) -> Vec<FeedbackAction> {
    FeedbackAction::ALL
        .iter()
        .copied()
        .filter(|action| transition(state, *action, party).is_ok())
        .collect()
}

/// Feedback clock lengths: the ordinary policy and the one for urgent kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedbackPolicy {
    /// Ordinary tickets.
    pub normal: ClockPolicy,
    /// Urgent tickets (`personal_data_exposed`).
    pub urgent: ClockPolicy,
}

impl Default for FeedbackPolicy {
    fn default() -> Self {
        Self {
            normal: ClockPolicy::FEEDBACK,
            urgent: ClockPolicy {
                response_days: 1,
                extension_days: 0,
                long_overdue_days: 2,
            },
        }
    }
}

impl FeedbackPolicy {
    /// The clock lengths of a ticket of `kind`.
    pub fn of(&self, kind: FeedbackKind) -> ClockPolicy {
        if kind.is_urgent() {
            self.urgent
        } else {
            self.normal
        }
    }

    /// The deadline of a ticket of `kind` reported at `at`.
    pub fn start(
        &self,
        clock: &WorkingClock,
        kind: FeedbackKind,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Deadline {
        self.of(kind).start(clock, at)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use dulieu_core::vocab::Role;

    use super::*;
    use crate::clock::Calendar;

    const REPORTER: Party = Party {
        author: true,
        portal_team: false,
        org_role: None,
    };
    const EDITOR: Party = Party {
        author: false,
        portal_team: false,
        org_role: Some(Role::Editor),
    };
    const TEAM: Party = Party {
        author: false,
        portal_team: true,
        org_role: None,
    };

    #[test]
    fn the_publisher_walks_a_ticket_to_resolution() {
        let acknowledged = transition(F::Open, FeedbackAction::Acknowledge, EDITOR).unwrap();
        let working = transition(acknowledged, FeedbackAction::Start, EDITOR).unwrap();
        let resolved = transition(working, FeedbackAction::Resolve, TEAM).unwrap();
        assert_eq!(resolved, F::Resolved);
        assert!(resolved.is_closed());
        assert_eq!(
            transition(resolved, FeedbackAction::Reopen, REPORTER),
            Ok(F::Open)
        );
    }

    #[test]
    fn refusals_are_typed() {
        assert!(matches!(
            transition(F::Open, FeedbackAction::Resolve, REPORTER),
            Err(TransitionError::Forbidden {
                action: "feedback.resolve"
            })
        ));
        assert!(matches!(
            transition(F::Open, FeedbackAction::Reopen, EDITOR),
            Err(TransitionError::Forbidden { .. })
        ));
        assert_eq!(
            transition(F::Resolved, FeedbackAction::Acknowledge, EDITOR),
            Err(TransitionError::Illegal {
                action: "acknowledge",
                from: "resolved"
            })
        );
        let everyone = Party {
            author: true,
            portal_team: true,
            org_role: Some(Role::Admin),
        };
        for action in FeedbackAction::ALL {
            for state in FeedbackState::ALL {
                assert_eq!(
                    transition(*state, *action, everyone).is_ok(),
                    action.from_states().contains(state)
                );
            }
        }
        assert_eq!(
            available_actions(F::WontFix, everyone),
            vec![FeedbackAction::Reopen]
        );
    }

    #[test]
    fn inputs_and_urgency() {
        assert!(FeedbackAction::Resolve.validate(None, false).is_err());
        assert!(
            FeedbackAction::Resolve
                .validate(Some("fixed in v2"), false)
                .is_ok()
        );
        assert!(FeedbackAction::MarkDuplicate.validate(None, false).is_err());
        assert!(FeedbackKind::PersonalDataExposed.is_urgent());
        assert!(!FeedbackKind::DataError.is_urgent());
        let clock = WorkingClock::vietnam(Calendar::vietnam());
        // Friday 4 Dec 2026, 10:00 in Hanoi.
        let friday = Utc.with_ymd_and_hms(2026, 12, 4, 3, 0, 0).unwrap();
        let policy = FeedbackPolicy::default();
        let urgent = policy.start(&clock, FeedbackKind::PersonalDataExposed, friday);
        let normal = policy.start(&clock, FeedbackKind::Outdated, friday);
        assert_eq!(
            clock.last_day(urgent.due_at),
            chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
        );
        assert_eq!(
            clock.last_day(normal.due_at),
            chrono::NaiveDate::from_ymd_opt(2026, 12, 18).unwrap()
        );
    }
}
