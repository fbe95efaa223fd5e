//! The periodic deadline job: reminds organizations of answers due soon and tells the
//! organization's admins and the portal team about overdue tickets, once per deadline. Data
//! requests and feedback tickets go through the same loop; each kind only says how to find its
//! due tickets, how to mark them notified and what its notices are about.

use chrono::{DateTime, Utc};
use dulieu_core::{Error, Result};
use dulieu_store::ticket_deadlines::{self, Notice, TicketTable};
use dulieu_store::{Conn, datasets, feedback, requests};
use dulieu_tickets::records::{DataRequest, Feedback};
use uuid::Uuid;

use crate::App;
use crate::feedback::{FEEDBACK_ENTITY, about_feedback, feedback_title};
use crate::notify::{About, Recipients};
use crate::requests::{REQUEST_ENTITY, about_request};
use crate::ticket_rules::TicketRules;

/// What one run of the deadline job sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeadlineRun {
    /// Reminders before the deadline (requests and feedback).
    pub reminded: usize,
    /// Overdue notices (requests and feedback).
    pub overdue: usize,
}

/// A kind of ticket with a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Watched {
    Request,
    Feedback,
}

/// A ticket due for a notice, whatever its kind.
struct Due {
    watched: Watched,
    id: Uuid,
    organization_id: Option<Uuid>,
    /// Working days its organization has to answer.
    response_days: u32,
    due_at: DateTime<Utc>,
    /// Its notices' title.
    title: String,
    /// Its page (the feedback tab of its dataset for feedback).
    path: String,
}

impl Due {
    fn of_request(rules: &TicketRules, r: &DataRequest) -> Option<Self> {
        let deadline = r.deadline?;
        let about = about_request(r);
        Some(Self {
            watched: Watched::Request,
            id: r.id,
            organization_id: r.organization_id,
            response_days: rules.requests.response_days,
            due_at: deadline.due_at,
            path: about.path,
            title: r.title.clone(),
        })
    }

    async fn of_feedback(rules: &TicketRules, conn: &mut Conn, ticket: &Feedback) -> Result<Self> {
        let slug = datasets::get(conn, &ticket.dataset_id.to_string())
            .await?
            .map(|d| d.slug)
            .unwrap_or_default();
        let title = feedback_title(ticket);
        let path = about_feedback(ticket, &slug, &title).path;
        Ok(Self {
            watched: Watched::Feedback,
            id: ticket.id,
            organization_id: Some(ticket.organization_id),
            response_days: rules.feedback.of(ticket.kind).response_days,
            due_at: ticket.deadline.due_at,
            title,
            path,
        })
    }

    fn about(&self) -> About<'_> {
        About {
            subject_type: match self.watched {
                Watched::Request => REQUEST_ENTITY,
                Watched::Feedback => FEEDBACK_ENTITY,
            },
            subject_id: self.id,
            path: self.path.clone(),
            title: &self.title,
            title_en: None,
        }
    }
}

impl Watched {
    const ALL: [Watched; 2] = [Watched::Request, Watched::Feedback];

    /// Tickets due for `notice`: due before `at` and not yet notified for this deadline.
    async fn due(
        self,
        rules: &TicketRules,
        conn: &mut Conn,
        notice: Notice,
        at: DateTime<Utc>,
    ) -> Result<Vec<Due>> {
        match self {
            Watched::Request => {
                let found = requests::due_for(conn, notice, at).await?;
                Ok(found
                    .iter()
                    .filter_map(|r| Due::of_request(rules, r))
                    .collect())
            }
            Watched::Feedback => {
                let found = feedback::due_for(conn, notice, at).await?;
                let mut due = Vec::with_capacity(found.len());
                for ticket in &found {
                    due.push(Due::of_feedback(rules, conn, ticket).await?);
                }
                Ok(due)
            }
        }
    }

    /// Records that `notice` of the ticket's current deadline was sent at `at`.
    async fn mark(
        self,
        conn: &mut Conn,
        id: Uuid,
        notice: Notice,
        at: DateTime<Utc>,
    ) -> Result<()> {
        ticket_deadlines::mark_notified(conn, self.table(), id, notice, at).await
    }

    /// The kind's table.
    fn table(self) -> &'static TicketTable {
        match self {
            Watched::Request => &requests::DEADLINES,
            Watched::Feedback => &feedback::DEADLINES,
        }
    }

    /// The notice's kind (`notify.{kind}` in the catalog).
    fn kind(self, notice: Notice) -> &'static str {
        match (self, notice) {
            (Watched::Request, Notice::Reminder) => "request.reminder",
            (Watched::Request, Notice::Overdue) => "request.overdue",
            (Watched::Feedback, Notice::Reminder) => "feedback.reminder",
            (Watched::Feedback, Notice::Overdue) => "feedback.overdue",
        }
    }
}

impl App {
    /// Sends the reminders and overdue notices due at `now`, for data requests and feedback
    /// tickets (each once per deadline). A ticket whose answering period is no longer than the
    /// reminder window (urgent feedback) gets no reminder: its opening notice was one.
    pub async fn check_deadlines(&self, now: DateTime<Utc>) -> Result<DeadlineRun> {
        let rules = &self.inner.tickets;
        let threshold = rules.clock.deadline_after(now, rules.reminder_days);
        let mut run = DeadlineRun::default();
        for watched in Watched::ALL {
            let due = {
                let mut conn = self.store().conn().await?;
                watched
                    .due(rules, &mut conn, Notice::Reminder, threshold)
                    .await?
            };
            for ticket in due
                .iter()
                .filter(|d| d.due_at > now && d.response_days > rules.reminder_days)
            {
                self.send_deadline_notice(ticket, Notice::Reminder, now)
                    .await?;
                run.reminded += 1;
            }
            let overdue = {
                let mut conn = self.store().conn().await?;
                watched.due(rules, &mut conn, Notice::Overdue, now).await?
            };
            for ticket in &overdue {
                self.send_deadline_notice(ticket, Notice::Overdue, now)
                    .await?;
                run.overdue += 1;
            }
        }
        Ok(run)
    }

    /// Writes one notice of a deadline and its mark in one transaction: a reminder to the
    /// organization's editors, an overdue notice to its admins and the portal team (a reminder
    /// is pointless after that, so it is marked too).
    async fn send_deadline_notice(
        &self,
        due: &Due,
        notice: Notice,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let rules = &self.inner.tickets;
        let mut tx = self.store().begin().await?;
        let mut to = Recipients::except(None);
        if let Some(org) = due.organization_id {
            to.add_organization(&mut tx, org, notice == Notice::Overdue)
                .await?;
        }
        if notice == Notice::Overdue {
            to.add_portal_team(&mut tx).await?;
        }
        let params = [("date", rules.clock.last_day(due.due_at).to_string())];
        crate::notify::send(
            &mut tx,
            &self.inner.public_url,
            to.into_vec(),
            due.watched.kind(notice),
            &due.about(),
            &params,
        )
        .await?;
        due.watched
            .mark(&mut tx, due.id, Notice::Reminder, now)
            .await?;
        if notice == Notice::Overdue {
            due.watched
                .mark(&mut tx, due.id, Notice::Overdue, now)
                .await?;
        }
        tx.commit().await.map_err(Error::internal)
    }
}
