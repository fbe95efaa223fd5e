//! Feedback tickets for violations: one open ticket per violated rule and dataset (the feedback
//! store's `dedup_key` makes a second impossible), its text kept in step with the findings, and
//! closed by the watchdog when the rule passes. A rule whose last ticket the publisher closed as
//! "won't fix" is not reopened.

use std::collections::BTreeMap;

use chrono::Utc;
use dulieu_checks::{Finding, Report, Rule, Severity, SubjectKind};
use dulieu_core::Result;
use dulieu_core::account::Actor;
use dulieu_core::catalog::Dataset;
use dulieu_store::feedback;
use dulieu_tickets::feedback::{FeedbackAction, FeedbackKind, FeedbackState};

use super::texts::{resolved_note, ticket_description};
use crate::feedback::{FEEDBACK_ENTITY, FeedbackChange, WatchdogFinding};
use crate::{App, Subject};

/// The kind of ticket a rule's violation opens.
pub(crate) fn ticket_kind(rule: Rule) -> FeedbackKind {
    match rule {
        Rule::LicensePresent | Rule::LicenseOpen => FeedbackKind::LicenseQuestion,
        Rule::FormatOpen
        | Rule::FormatMachineReadable
        | Rule::FormatMatchesContent
        | Rule::StarsDataset => FeedbackKind::FormatProblem,
        Rule::MetadataMandatory | Rule::MetadataRecommended => FeedbackKind::MetadataError,
        Rule::TimelinessFrequency | Rule::PullSucceeds => FeedbackKind::Outdated,
        Rule::LinksAvailable => FeedbackKind::BrokenFileOrLink,
        Rule::TablesValid | Rule::TablesNotEmpty => FeedbackKind::DataError,
        Rule::PiiExposure => FeedbackKind::PersonalDataExposed,
    }
}

/// What bringing a dataset's tickets in step did.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct TicketSync {
    pub opened: usize,
    pub updated: usize,
    pub closed: usize,
}

impl App {
    /// Opens, updates and closes the watchdog's tickets of `dataset` after `report`.
    pub(crate) async fn sync_tickets(
        &self,
        dataset: &Dataset,
        report: &Report,
    ) -> Result<TicketSync> {
        let mut violated: BTreeMap<Rule, Vec<&Finding>> = BTreeMap::new();
        for finding in &report.findings {
            if finding.severity == Severity::Violation {
                violated.entry(finding.rule).or_default().push(finding);
            }
        }
        let existing = {
            let mut conn = self.store().conn().await?;
            feedback::for_dataset(&mut conn, dataset.id).await?
        };
        let mut sync = TicketSync::default();
        let system = Actor::system();
        // Close the open tickets of rules that pass now.
        for ticket in existing.iter().filter(|t| !t.state.is_closed()) {
            let Some(rule) = ticket.rule_id.as_deref() else {
                continue;
            };
            if Rule::parse(rule).is_some_and(|r| violated.contains_key(&r)) {
                continue;
            }
            let change = FeedbackChange {
                note: Some(resolved_note(rule)),
                ..FeedbackChange::default()
            };
            self.act_on_feedback(&system, ticket.id, FeedbackAction::Resolve, change)
                .await?;
            sync.closed += 1;
        }
        for (rule, findings) in violated {
            let description = ticket_description(dataset, rule, &findings);
            // Tickets are newest first: the first of the rule is its latest.
            let latest = existing
                .iter()
                .find(|t| t.rule_id.as_deref() == Some(rule.as_str()));
            match latest {
                Some(open) if !open.state.is_closed() => {
                    if open.description != description {
                        self.update_watchdog_ticket(open.id, dataset.id, &description)
                            .await?;
                        sync.updated += 1;
                    }
                }
                Some(closed) if closed.state == FeedbackState::WontFix => {}
                _ => {
                    let distributions: Vec<_> = findings
                        .iter()
                        .filter(|f| f.subject.kind == SubjectKind::Distribution)
                        .map(|f| f.subject.id)
                        .collect();
                    let distribution_id = (distributions.len() == findings.len()
                        && distributions.windows(2).all(|w| w[0] == w[1]))
                    .then(|| distributions.first().copied())
                    .flatten();
                    let (_, new) = self
                        .open_watchdog_feedback(WatchdogFinding {
                            rule_id: rule.as_str().to_string(),
                            dataset_id: dataset.id,
                            distribution_id,
                            kind: ticket_kind(rule),
                            description,
                        })
                        .await?;
                    sync.opened += usize::from(new);
                }
            }
        }
        Ok(sync)
    }

    /// Replaces the text of an open watchdog ticket, with an `updated` event.
    async fn update_watchdog_ticket(
        &self,
        id: uuid::Uuid,
        dataset_id: uuid::Uuid,
        description: &str,
    ) -> Result<()> {
        let mut tx = self.store().begin().await?;
        feedback::set_description(&mut tx, id, description, Utc::now()).await?;
        self.commit_change(
            tx,
            &Actor::system(),
            Subject::new(FEEDBACK_ENTITY, id, Some(dataset_id)),
            "updated",
            None,
            Some(serde_json::json!({ "description": description })),
        )
        .await
    }
}
