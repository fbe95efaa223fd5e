//! The data-request state machine: states, refusal reasons, and which party may take which
//! action from which state.

use chrono::NaiveDate;
use dulieu_core::FieldErrors;
use dulieu_core::string_enum;
use uuid::Uuid;

use crate::party::{Allowed, Party, TransitionError};

string_enum! {
    /// Where a data request stands.
    RequestState {
        /// Filed, not yet looked at by the portal team.
        Submitted = "submitted",
        /// The portal team is reviewing it.
        Triage = "triage",
        /// Assigned to an organization, which must answer before the deadline.
        AwaitingResponse = "awaiting_response",
        /// The organization asked the requester to clarify; the clock restarts on the answer.
        ClarificationNeeded = "clarification_needed",
        /// The organization will publish the data (with a planned date).
        Accepted = "accepted",
        /// The data is published (a dataset or link is given).
        Fulfilled = "fulfilled",
        /// Part of the data is published.
        PartiallyFulfilled = "partially_fulfilled",
        /// Refused with a reason code and a legal basis.
        Refused = "refused",
        /// Withdrawn by the requester, or merged into another request.
        Withdrawn = "withdrawn",
        /// The requester contests a refusal; the organization reviews it.
        InternalReview = "internal_review",
    }
}

impl RequestState {
    /// True while the answering organization's clock runs.
    pub fn clock_running(self) -> bool {
        matches!(
            self,
            RequestState::AwaitingResponse | RequestState::InternalReview
        )
    }

    /// True when nothing more is expected (a refusal can still be contested).
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            RequestState::Fulfilled
                | RequestState::PartiallyFulfilled
                | RequestState::Refused
                | RequestState::Withdrawn
        )
    }

    /// True for the states that answer the request (for response-time statistics).
    pub fn is_answer(self) -> bool {
        matches!(
            self,
            RequestState::Accepted
                | RequestState::Fulfilled
                | RequestState::PartiallyFulfilled
                | RequestState::Refused
        )
    }
}

string_enum! {
    /// Why a request was refused.
    RefusalReason {
        /// The organization does not hold the data.
        NotHeld = "not_held",
        /// The data is personal data.
        PersonalData = "personal_data",
        /// The data is a state secret.
        StateSecret = "state_secret",
        /// The data is commercially confidential.
        CommercialConfidentiality = "commercial_confidentiality",
        /// Producing the data would take disproportionate effort.
        DisproportionateEffort = "disproportionate_effort",
        /// Another reason, explained in the legal basis.
        Other = "other",
    }
}

string_enum! {
    /// What can be done to a request.
    RequestAction {
        /// The portal team starts reviewing it.
        Triage = "triage",
        /// The portal team assigns it to an organization (starts the clock).
        Assign = "assign",
        /// The portal team merges it into another request.
        Merge = "merge",
        /// The portal team points to data already available.
        MarkAvailable = "mark_available",
        /// The organization asks the requester to clarify.
        AskClarification = "ask_clarification",
        /// The requester clarifies (restarts the clock).
        Clarify = "clarify",
        /// The organization will publish, by a planned date.
        Accept = "accept",
        /// The organization published the data.
        Fulfil = "fulfil",
        /// The organization published part of the data.
        PartiallyFulfil = "partially_fulfil",
        /// The organization refuses, with a reason and a legal basis.
        Refuse = "refuse",
        /// The requester contests a refusal.
        RequestReview = "request_review",
        /// The reviewer upholds the refusal.
        UpholdRefusal = "uphold_refusal",
        /// The requester withdraws it.
        Withdraw = "withdraw",
        /// The organization announces an extension of the deadline, with a reason.
        ExtendDeadline = "extend_deadline",
    }
}

/// One row of the transition table.
struct Rule {
    from: &'static [RequestState],
    to: Option<RequestState>,
    who: Allowed,
}

use RequestState as S;

const OPEN_FOR_TRIAGE: &[RequestState] = &[S::Submitted, S::Triage];
const ANSWERABLE: &[RequestState] = &[S::AwaitingResponse, S::Accepted, S::InternalReview];

impl RequestAction {
    fn rule(self) -> Rule {
        let rule = |from, to, who| Rule { from, to, who };
        match self {
            RequestAction::Triage => rule(&[S::Submitted], Some(S::Triage), Allowed::PortalTeam),
            RequestAction::Assign => rule(
                &[S::Submitted, S::Triage, S::AwaitingResponse],
                Some(S::AwaitingResponse),
                Allowed::PortalTeam,
            ),
            RequestAction::Merge => rule(OPEN_FOR_TRIAGE, Some(S::Withdrawn), Allowed::PortalTeam),
            RequestAction::MarkAvailable => {
                rule(OPEN_FOR_TRIAGE, Some(S::Fulfilled), Allowed::PortalTeam)
            }
            RequestAction::AskClarification => rule(
                &[S::AwaitingResponse],
                Some(S::ClarificationNeeded),
                Allowed::OrganizationOrTeam,
            ),
            RequestAction::Clarify => rule(
                &[S::ClarificationNeeded],
                Some(S::AwaitingResponse),
                Allowed::Author,
            ),
            RequestAction::Accept => rule(
                &[S::AwaitingResponse, S::InternalReview],
                Some(S::Accepted),
                Allowed::Organization,
            ),
            RequestAction::Fulfil => rule(ANSWERABLE, Some(S::Fulfilled), Allowed::Organization),
            RequestAction::PartiallyFulfil => rule(
                ANSWERABLE,
                Some(S::PartiallyFulfilled),
                Allowed::Organization,
            ),
            RequestAction::Refuse => rule(
                &[S::AwaitingResponse, S::Accepted],
                Some(S::Refused),
                Allowed::Organization,
            ),
            RequestAction::RequestReview => {
                rule(&[S::Refused], Some(S::InternalReview), Allowed::Author)
            }
            RequestAction::UpholdRefusal => rule(
                &[S::InternalReview],
                Some(S::Refused),
                Allowed::ReviewerOrTeam,
            ),
            RequestAction::Withdraw => rule(
                &[
                    S::Submitted,
                    S::Triage,
                    S::AwaitingResponse,
                    S::ClarificationNeeded,
                    S::Accepted,
                    S::InternalReview,
                ],
                Some(S::Withdrawn),
                Allowed::Author,
            ),
            RequestAction::ExtendDeadline => rule(
                &[S::AwaitingResponse, S::InternalReview],
                None,
                Allowed::Organization,
            ),
        }
    }

    /// Who may take this action.
    pub fn allowed(self) -> Allowed {
        self.rule().who
    }

    /// The states it can be taken from.
    pub fn from_states(self) -> &'static [RequestState] {
        self.rule().from
    }

    /// The permission name used in 403 answers, e.g. `request.refuse`.
    pub fn permission(self) -> &'static str {
        match self {
            RequestAction::Triage => "request.triage",
            RequestAction::Assign => "request.assign",
            RequestAction::Merge => "request.merge",
            RequestAction::MarkAvailable => "request.mark_available",
            RequestAction::AskClarification => "request.ask_clarification",
            RequestAction::Clarify => "request.clarify",
            RequestAction::Accept => "request.accept",
            RequestAction::Fulfil => "request.fulfil",
            RequestAction::PartiallyFulfil => "request.partially_fulfil",
            RequestAction::Refuse => "request.refuse",
            RequestAction::RequestReview => "request.request_review",
            RequestAction::UpholdRefusal => "request.uphold_refusal",
            RequestAction::Withdraw => "request.withdraw",
            RequestAction::ExtendDeadline => "request.extend_deadline",
        }
    }
}

/// The state after `action`, when `party` may take it from `state`. The party is checked first:
/// someone without the role learns nothing about the state (403 before 409).
pub fn transition(
    state: RequestState,
    action: RequestAction,
    party: Party,
) -> Result<RequestState, TransitionError> {
    let rule = action.rule();
    if !party.is_any(rule.who) {
        return Err(TransitionError::Forbidden {
            action: action.permission(),
        });
    }
    if !rule.from.contains(&state) {
        return Err(TransitionError::Illegal {
            action: action.as_str(),
            from: state.as_str(),
        });
    }
    Ok(rule.to.unwrap_or(state))
}

/// The actions `party` may take on a request in `state` (what a page offers).
pub fn available_actions(state: RequestState, party: Party) -> Vec<RequestAction> {
    RequestAction::ALL
        .iter()
        .copied()
        .filter(|action| transition(state, *action, party).is_ok())
        .collect()
}

/// What comes with an action: each action needs some of these.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TransitionInput {
    /// A message to the thread (clarification question and answer, reason of an extension,
    /// a note on fulfilment, grounds of a review).
    pub note: Option<String>,
    /// The organization to assign.
    pub organization_id: Option<Uuid>,
    /// The request to merge into.
    pub duplicate_of: Option<Uuid>,
    /// The dataset that fulfils the request.
    pub dataset_id: Option<Uuid>,
    /// A link to the data when it is not a dataset of this portal.
    pub link: Option<String>,
    /// Planned publication date (accept).
    pub planned_date: Option<NaiveDate>,
    /// Refusal reason.
    pub reason: Option<RefusalReason>,
    /// Legal basis of a refusal.
    pub legal_basis: Option<String>,
}

/// Longest note or legal basis, in characters.
pub const NOTE_MAX: usize = 5000;

impl TransitionInput {
    /// Checks that `action` has what it needs; field errors name the missing inputs.
    pub fn validate(&self, action: RequestAction) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let filled = |text: &Option<String>| text.as_deref().is_some_and(|t| !t.trim().is_empty());
        let need_text = |field: &'static str, text: &Option<String>, errors: &mut FieldErrors| {
            if !filled(text) {
                errors.add(field, "required");
            }
        };
        match action {
            RequestAction::Assign if self.organization_id.is_none() => {
                errors.add("organization", "required");
            }
            RequestAction::Merge if self.duplicate_of.is_none() => {
                errors.add("duplicate_of", "required");
            }
            RequestAction::MarkAvailable | RequestAction::Fulfil
                if self.dataset_id.is_none() && !filled(&self.link) =>
            {
                errors.add("dataset", "required");
            }
            RequestAction::PartiallyFulfil => {
                if self.dataset_id.is_none() && !filled(&self.link) {
                    errors.add("dataset", "required");
                }
                need_text("note", &self.note, &mut errors);
            }
            RequestAction::Accept if self.planned_date.is_none() => {
                errors.add("planned_date", "required");
            }
            RequestAction::Refuse | RequestAction::UpholdRefusal => {
                if self.reason.is_none() {
                    errors.add("reason", "required");
                }
                need_text("legal_basis", &self.legal_basis, &mut errors);
            }
            RequestAction::AskClarification
            | RequestAction::Clarify
            | RequestAction::RequestReview
            | RequestAction::ExtendDeadline => need_text("note", &self.note, &mut errors),
            _ => {}
        }
        for (field, text) in [("note", &self.note), ("legal_basis", &self.legal_basis)] {
            if text
                .as_deref()
                .is_some_and(|t| t.chars().count() > NOTE_MAX)
            {
                errors.add_with(field, "too_long", "max", NOTE_MAX);
            }
        }
        if let Some(link) = self.link.as_deref().filter(|l| !l.trim().is_empty())
            && !(link.starts_with("https://") || link.starts_with("http://"))
        {
            errors.add("link", "invalid_url");
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use dulieu_core::vocab::Role;

    use super::*;

    const REQUESTER: Party = Party {
        author: true,
        portal_team: false,
        org_role: None,
    };
    const TEAM: Party = Party {
        author: false,
        portal_team: true,
        org_role: None,
    };
    const EDITOR: Party = Party {
        author: false,
        portal_team: false,
        org_role: Some(Role::Editor),
    };
    const ADMIN: Party = Party {
        author: false,
        portal_team: false,
        org_role: Some(Role::Admin),
    };
    const MEMBER: Party = Party {
        author: false,
        portal_team: false,
        org_role: Some(Role::Member),
    };

    fn walk(steps: &[(RequestAction, Party)]) -> RequestState {
        steps.iter().fold(S::Submitted, |state, (action, party)| {
            transition(state, *action, *party)
                .unwrap_or_else(|e| panic!("{action} from {state}: {e}"))
        })
    }

    #[test]
    fn the_full_path_to_fulfilment() {
        use RequestAction::*;
        let end = walk(&[
            (Triage, TEAM),
            (Assign, TEAM),
            (AskClarification, EDITOR),
            (Clarify, REQUESTER),
            (ExtendDeadline, EDITOR),
            (Accept, EDITOR),
            (Fulfil, ADMIN),
        ]);
        assert_eq!(end, S::Fulfilled);
    }

    #[test]
    fn refusal_review_and_its_outcomes() {
        use RequestAction::*;
        let refused = walk(&[(Assign, TEAM), (Refuse, EDITOR)]);
        assert_eq!(refused, S::Refused);
        let review = transition(refused, RequestReview, REQUESTER).unwrap();
        assert_eq!(review, S::InternalReview);
        // An editor cannot decide the review; an admin or the team can.
        assert_eq!(
            transition(review, UpholdRefusal, EDITOR),
            Err(TransitionError::Forbidden {
                action: "request.uphold_refusal"
            })
        );
        assert_eq!(transition(review, UpholdRefusal, ADMIN), Ok(S::Refused));
        assert_eq!(transition(review, UpholdRefusal, TEAM), Ok(S::Refused));
        assert_eq!(
            transition(review, PartiallyFulfil, EDITOR),
            Ok(S::PartiallyFulfilled)
        );
        assert_eq!(transition(review, Accept, EDITOR), Ok(S::Accepted));
    }

    #[test]
    fn triage_outcomes() {
        use RequestAction::*;
        assert_eq!(transition(S::Triage, Merge, TEAM), Ok(S::Withdrawn));
        assert_eq!(
            transition(S::Submitted, MarkAvailable, TEAM),
            Ok(S::Fulfilled)
        );
        assert_eq!(
            transition(S::AwaitingResponse, Assign, TEAM),
            Ok(S::AwaitingResponse)
        );
        assert!(matches!(
            transition(S::Fulfilled, Assign, TEAM),
            Err(TransitionError::Illegal { .. })
        ));
    }

    #[test]
    fn roles_are_checked_before_states() {
        use RequestAction::*;
        for party in [REQUESTER, EDITOR, MEMBER, Party::default()] {
            assert!(matches!(
                transition(S::Submitted, Assign, party),
                Err(TransitionError::Forbidden { .. })
            ));
        }
        assert!(matches!(
            transition(S::AwaitingResponse, Fulfil, MEMBER),
            Err(TransitionError::Forbidden { .. })
        ));
        assert!(matches!(
            transition(S::AwaitingResponse, Fulfil, TEAM),
            Err(TransitionError::Forbidden { .. })
        ));
        assert!(matches!(
            transition(S::AwaitingResponse, Clarify, EDITOR),
            Err(TransitionError::Forbidden { .. })
        ));
        assert_eq!(
            transition(S::Fulfilled, Withdraw, REQUESTER),
            Err(TransitionError::Illegal {
                action: "withdraw",
                from: "fulfilled"
            })
        );
    }

    #[test]
    fn every_illegal_pair_is_refused_with_409() {
        let everyone = Party {
            author: true,
            portal_team: true,
            org_role: Some(Role::Admin),
        };
        for action in RequestAction::ALL {
            for state in RequestState::ALL {
                let result = transition(*state, *action, everyone);
                assert_eq!(
                    result.is_ok(),
                    action.from_states().contains(state),
                    "{action} from {state}"
                );
            }
        }
        // Closed states accept only what the table says: a review of a refusal.
        assert_eq!(
            available_actions(S::Refused, everyone),
            vec![RequestAction::RequestReview]
        );
        assert!(available_actions(S::Withdrawn, everyone).is_empty());
        assert!(available_actions(S::Fulfilled, everyone).is_empty());
    }

    #[test]
    fn the_clock_runs_while_an_answer_is_due() {
        assert!(S::AwaitingResponse.clock_running() && S::InternalReview.clock_running());
        assert!(!S::ClarificationNeeded.clock_running() && !S::Accepted.clock_running());
        assert!(S::Refused.is_answer() && !S::Withdrawn.is_answer());
        assert!(S::Refused.is_closed() && !S::InternalReview.is_closed());
    }

    #[test]
    fn inputs_required_per_action() {
        let empty = TransitionInput::default();
        let fields = |action| {
            empty
                .validate(action)
                .err()
                .map(|e| e.0.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        assert_eq!(fields(RequestAction::Refuse), vec!["legal_basis", "reason"]);
        assert_eq!(fields(RequestAction::Assign), vec!["organization"]);
        assert_eq!(fields(RequestAction::Accept), vec!["planned_date"]);
        assert_eq!(fields(RequestAction::Fulfil), vec!["dataset"]);
        assert_eq!(fields(RequestAction::ExtendDeadline), vec!["note"]);
        assert_eq!(
            fields(RequestAction::PartiallyFulfil),
            vec!["dataset", "note"]
        );
        assert!(fields(RequestAction::Withdraw).is_empty());
        let refusal = TransitionInput {
            reason: Some(RefusalReason::PersonalData),
            legal_basis: Some("Luật Tiếp cận thông tin 2016, điều 6".into()),
            ..TransitionInput::default()
        };
        assert!(refusal.validate(RequestAction::Refuse).is_ok());
        let bad_link = TransitionInput {
            link: Some("javascript:alert(1)".into()),
            ..TransitionInput::default()
        };
        assert!(
            bad_link
                .validate(RequestAction::Fulfil)
                .unwrap_err()
                .0
                .contains_key("link")
        );
        assert_eq!(RefusalReason::ALL.len(), 6);
        assert_eq!(RequestState::ALL.len(), 10);
    }
}
