//! Demo data requests (`data/requests.json`) and feedback (`data/feedback.json`), filed by the
//! demo citizen and taken to their listed state by the demo portal team member and editor
//! through the same use cases as the API, so that their events, deadlines and notices are real.

use chrono::{Days, Utc};
use dulieu_app::App;
use dulieu_app::PageRequest;
use dulieu_app::feedback::FeedbackChange;
use dulieu_app::requests::{ActionInput, RequestQuery};
use dulieu_core::account::Actor;
use dulieu_core::{Error, Result};
use dulieu_i18n::Locale;
use dulieu_tickets::feedback::{FeedbackAction, FeedbackKind, FeedbackState};
use dulieu_tickets::records::{FeedbackInput, RequestInput};
use dulieu_tickets::request::{RefusalReason, RequestAction, RequestState};
use serde::Deserialize;

use crate::accounts::Cast;

const REQUESTS: &str = include_str!("../data/requests.json");
const FEEDBACK: &str = include_str!("../data/feedback.json");

/// Who writes a thread message.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Speaker {
    Requester,
    PortalTeam,
    Organization,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoMessage {
    from: Speaker,
    body: String,
}

/// One demo request: what the citizen files, and the state it is taken to.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoRequest {
    title: String,
    description: String,
    purpose: Option<String>,
    desired_format: Option<String>,
    #[serde(default)]
    granularity: Option<String>,
    suggested_organization: Option<String>,
    /// The organization it is assigned to (the demo editor's).
    #[serde(default)]
    organization: Option<String>,
    state: RequestState,
    /// The question of a clarification, or the note of a fulfilment.
    #[serde(default)]
    note: Option<String>,
    /// Accepted: publication planned this many days after loading.
    #[serde(default)]
    planned_in_days: Option<u64>,
    /// Fulfilled: the demo dataset that answers it.
    #[serde(default)]
    dataset: Option<String>,
    #[serde(default)]
    reason: Option<RefusalReason>,
    #[serde(default)]
    legal_basis: Option<String>,
    #[serde(default)]
    messages: Vec<DemoMessage>,
}

/// One demo feedback ticket: what the citizen reports, and the state it is taken to.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFeedback {
    dataset: String,
    kind: FeedbackKind,
    description: String,
    #[serde(default)]
    location: Option<String>,
    state: FeedbackState,
    /// Resolution note.
    #[serde(default)]
    note: Option<String>,
}

/// Who takes a step of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Party {
    PortalTeam,
    Organization,
}

impl Cast {
    fn speaker(&self, speaker: Speaker) -> &Actor {
        match speaker {
            Speaker::Requester => &self.citizen,
            Speaker::PortalTeam => &self.portal_team,
            Speaker::Organization => &self.editor.0,
        }
    }

    fn party(&self, party: Party) -> &Actor {
        match party {
            Party::PortalTeam => &self.portal_team,
            Party::Organization => &self.editor.0,
        }
    }
}

/// The actions that take a freshly filed request to its demo state, by whom.
fn request_steps(demo: &DemoRequest) -> Result<Vec<(Party, RequestAction, ActionInput)>> {
    if demo.state == RequestState::Submitted {
        return Ok(Vec::new());
    }
    let assign = ActionInput {
        organization: demo.organization.clone(),
        ..ActionInput::default()
    };
    let mut steps = vec![
        (
            Party::PortalTeam,
            RequestAction::Triage,
            ActionInput::default(),
        ),
        (Party::PortalTeam, RequestAction::Assign, assign),
    ];
    let answer = match demo.state {
        RequestState::AwaitingResponse => None,
        RequestState::ClarificationNeeded => Some((
            RequestAction::AskClarification,
            ActionInput {
                note: demo.note.clone(),
                ..ActionInput::default()
            },
        )),
        RequestState::Accepted => Some((
            RequestAction::Accept,
            ActionInput {
                planned_date: demo
                    .planned_in_days
                    .and_then(|days| Utc::now().date_naive().checked_add_days(Days::new(days))),
                ..ActionInput::default()
            },
        )),
        RequestState::Fulfilled => Some((
            RequestAction::Fulfil,
            ActionInput {
                dataset: demo.dataset.clone(),
                note: demo.note.clone(),
                ..ActionInput::default()
            },
        )),
        RequestState::Refused => Some((
            RequestAction::Refuse,
            ActionInput {
                reason: demo.reason,
                legal_basis: demo.legal_basis.clone(),
                ..ActionInput::default()
            },
        )),
        other => {
            return Err(Error::Internal(format!(
                "demo request “{}”: state {other} is not supported",
                demo.title
            )));
        }
    };
    steps.extend(answer.map(|(action, input)| (Party::Organization, action, input)));
    Ok(steps)
}

/// The action that takes a new feedback ticket to its demo state.
fn feedback_step(demo: &DemoFeedback) -> Result<Option<FeedbackAction>> {
    Ok(match demo.state {
        FeedbackState::Open => None,
        FeedbackState::Acknowledged => Some(FeedbackAction::Acknowledge),
        FeedbackState::InProgress => Some(FeedbackAction::Start),
        FeedbackState::Resolved => Some(FeedbackAction::Resolve),
        FeedbackState::WontFix => Some(FeedbackAction::WontFix),
        FeedbackState::Duplicate => {
            return Err(Error::Internal(format!(
                "demo feedback on {}: state duplicate is not supported",
                demo.dataset
            )));
        }
    })
}

fn demo_requests() -> Result<Vec<DemoRequest>> {
    serde_json::from_str(REQUESTS).map_err(crate::bad_data)
}

fn demo_feedback() -> Result<Vec<DemoFeedback>> {
    serde_json::from_str(FEEDBACK).map_err(crate::bad_data)
}

/// Files the demo requests the citizen has not filed yet (by title) and takes each to its
/// state; returns how many were filed.
pub(crate) async fn load_requests(app: &App, cast: &Cast) -> Result<usize> {
    let mine = RequestQuery {
        mine: true,
        ..RequestQuery::default()
    };
    let all = PageRequest {
        page: 1,
        page_size: 1000,
    };
    let filed: Vec<String> = app
        .list_requests(&cast.citizen, &mine, all)
        .await?
        .results
        .into_iter()
        .map(|r| r.title)
        .collect();
    let mut created = 0;
    for demo in demo_requests()? {
        if filed.contains(&demo.title) {
            continue;
        }
        let steps = request_steps(&demo)?;
        let input = RequestInput {
            title: demo.title.clone(),
            description: demo.description.clone(),
            purpose: demo.purpose.clone(),
            desired_format: demo.desired_format.clone(),
            granularity: demo.granularity.clone(),
            suggested_organization: demo.suggested_organization.clone(),
            is_public: true,
            email: None,
            inventory_item: None,
        };
        let request = app.file_request(&cast.citizen, input, Locale::Vi).await?;
        for (party, action, input) in steps {
            app.act_on_request(cast.party(party), request.id, action, input)
                .await?;
        }
        for message in &demo.messages {
            app.post_request_message(cast.speaker(message.from), request.id, &message.body)
                .await?;
        }
        created += 1;
    }
    Ok(created)
}

/// Reports the demo feedback the citizen has not reported yet (by dataset and description) and
/// takes each ticket to its state, by the editor on their organization's datasets and by the
/// portal team elsewhere; returns how many were reported.
pub(crate) async fn load_feedback(app: &App, cast: &Cast) -> Result<usize> {
    let mut created = 0;
    for demo in demo_feedback()? {
        let reported = app
            .dataset_feedback(&cast.citizen, &demo.dataset)
            .await?
            .iter()
            .any(|f| f.description == demo.description && f.reporter_id == cast.citizen.user_id);
        if reported {
            continue;
        }
        let step = feedback_step(&demo)?;
        let input = FeedbackInput {
            kind: demo.kind,
            description: demo.description.clone(),
            distribution_id: None,
            location: demo.location.clone(),
        };
        let ticket = app
            .report_feedback(&cast.citizen, &demo.dataset, input)
            .await?;
        if let Some(action) = step {
            let editor = &cast.editor.0;
            let actor = if editor.role_in(ticket.organization_id).is_some() {
                editor
            } else {
                &cast.portal_team
            };
            let change = FeedbackChange {
                note: demo.note.clone(),
                ..FeedbackChange::default()
            };
            app.act_on_feedback(actor, ticket.id, action, change)
                .await?;
        }
        created += 1;
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_request_reaches_its_state_by_the_rules() {
        let requests = demo_requests().unwrap();
        let editor_org = crate::accounts::demo_accounts()
            .unwrap()
            .into_iter()
            .find_map(|a| a.organization)
            .unwrap();
        let states: Vec<RequestState> = requests.iter().map(|r| r.state).collect();
        assert_eq!(
            states,
            [
                RequestState::Submitted,
                RequestState::AwaitingResponse,
                RequestState::ClarificationNeeded,
                RequestState::Accepted,
                RequestState::Fulfilled,
                RequestState::Refused,
            ]
        );
        for demo in &requests {
            let steps = request_steps(demo).unwrap();
            let mut state = RequestState::Submitted;
            for (party, action, input) in &steps {
                let who = match party {
                    Party::PortalTeam => dulieu_tickets::Party {
                        portal_team: true,
                        ..Default::default()
                    },
                    Party::Organization => dulieu_tickets::Party {
                        org_role: Some(dulieu_core::vocab::Role::Editor),
                        ..Default::default()
                    },
                };
                state = dulieu_tickets::request::transition(state, *action, who).unwrap();
                let needs = dulieu_tickets::request::TransitionInput {
                    note: input.note.clone(),
                    organization_id: input.organization.as_ref().map(|_| Default::default()),
                    dataset_id: input.dataset.as_ref().map(|_| Default::default()),
                    planned_date: input.planned_date,
                    reason: input.reason,
                    legal_basis: input.legal_basis.clone(),
                    ..Default::default()
                };
                needs
                    .validate(*action)
                    .unwrap_or_else(|e| panic!("{}: {action}: {e:?}", demo.title));
            }
            assert_eq!(state, demo.state, "{}", demo.title);
            assert!(
                steps.is_empty() || demo.organization.as_ref() == Some(&editor_org),
                "{}: assigned to the demo editor's organization",
                demo.title
            );
        }
    }

    #[test]
    fn every_demo_feedback_has_what_its_state_needs() {
        let tickets = demo_feedback().unwrap();
        let states: Vec<FeedbackState> = tickets.iter().map(|f| f.state).collect();
        assert_eq!(
            states,
            [
                FeedbackState::Open,
                FeedbackState::Acknowledged,
                FeedbackState::Resolved
            ]
        );
        for demo in &tickets {
            if let Some(action) = feedback_step(demo).unwrap() {
                action
                    .validate(demo.note.as_deref(), false)
                    .unwrap_or_else(|e| panic!("{}: {e:?}", demo.dataset));
            }
        }
    }
}
