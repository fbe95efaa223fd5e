//! What the portal's ticket pages read beyond the API's views: a feedback ticket's timeline
//! (its events and the hiding or showing of its file), whether the caller follows a dataset, the
//! requests a user filed, voted for or follows, and the caller's unread notification count.

use dulieu_core::account::Actor;
use dulieu_core::{Error, Result};
use dulieu_store::requests;
pub use dulieu_store::requests::UserTies;
use dulieu_store::{events, feedback, notifications};
use dulieu_tickets::records::DataRequest;
use uuid::Uuid;

use crate::App;
use crate::feedback::FEEDBACK_ENTITY;
use crate::requests::TimelineEntry;

/// How many of a user's requests "my requests" shows.
pub const MY_REQUESTS_SIZE: i64 = 200;

/// Events read for one timeline (a ticket has a handful).
const TIMELINE_SIZE: i64 = 1000;

/// A request on the caller's "my requests" page, with how they are tied to it.
#[derive(Debug, Clone)]
pub struct MyRequest {
    /// The request.
    pub request: DataRequest,
    /// Filed, voted for, followed.
    pub ties: UserTies,
}

impl App {
    /// The timeline of a feedback ticket the caller may see, oldest first: its own events and
    /// the hiding or showing of its file pending review.
    pub async fn feedback_timeline(&self, actor: &Actor, id: Uuid) -> Result<Vec<TimelineEntry>> {
        let view = self.get_feedback(actor, id).await?;
        let mut conn = self.store().conn().await?;
        let (mut found, _) = events::history(&mut conn, id, 0, TIMELINE_SIZE).await?;
        found.retain(|e| e.entity_type == FEEDBACK_ENTITY);
        if let Some(distribution) = view.feedback.distribution_id {
            let (file_events, _) =
                events::history(&mut conn, distribution, 0, TIMELINE_SIZE).await?;
            found.extend(file_events.into_iter().filter(|e| {
                matches!(e.action.as_str(), "hidden" | "shown")
                    && e.after
                        .as_ref()
                        .and_then(|a| a.get("feedback_id"))
                        .and_then(|v| v.as_str())
                        == Some(id.to_string().as_str())
            }));
        }
        drop(conn);
        found.sort_by_key(|e| e.seq);
        self.timeline_entries(found).await
    }

    /// True when the signed-in caller follows the dataset (false for anonymous callers).
    pub async fn follows_dataset(&self, actor: &Actor, dataset_key: &str) -> Result<bool> {
        let Some(user) = actor.user_id else {
            return Ok(false);
        };
        let dataset = self.get_dataset(actor, dataset_key).await?;
        let mut conn = self.store().conn().await?;
        Ok(feedback::dataset_followers(&mut conn, dataset.id)
            .await?
            .contains(&user))
    }

    /// The requests the signed-in caller filed, voted for or follows, newest first, as far as
    /// they may still see them.
    pub async fn my_requests(&self, actor: &Actor) -> Result<Vec<MyRequest>> {
        let user = actor.user_id.ok_or(Error::Unauthenticated)?;
        let mut conn = self.store().conn().await?;
        Ok(requests::tied_to_user(&mut conn, user, MY_REQUESTS_SIZE)
            .await?
            .into_iter()
            .filter(|(request, _)| crate::requests::visible(actor, request))
            .map(|(request, ties)| MyRequest { request, ties })
            .collect())
    }

    /// How many notifications of the signed-in caller are unread (0 for anonymous callers).
    pub async fn unread_notifications(&self, actor: &Actor) -> Result<i64> {
        let Some(user) = actor.user_id else {
            return Ok(0);
        };
        let mut conn = self.store().conn().await?;
        Ok(notifications::latest(&mut conn, user, 0).await?.1)
    }
}
