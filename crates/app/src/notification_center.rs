//! The signed-in user's notification center and notification settings.

use chrono::Utc;
use dulieu_core::account::Actor;
use dulieu_core::{Error, Result};
use dulieu_store::notifications::{self, Settings};
use dulieu_tickets::records::Notification;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::App;

/// How many notifications the center shows.
pub const CENTER_SIZE: i64 = 100;

/// The latest notifications and the unread count.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Center {
    /// Newest first.
    pub notifications: Vec<Notification>,
    /// How many are unread.
    pub unread: i64,
}

/// A user's notification settings as the API shows and takes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// Also send e-mails.
    pub email: bool,
    /// Language of the e-mails: `vi` or `en`.
    pub lang: String,
}

fn user_of(actor: &Actor) -> Result<Uuid> {
    actor.user_id.ok_or(Error::Unauthenticated)
}

impl App {
    /// The caller's notification center.
    pub async fn notification_center(&self, actor: &Actor) -> Result<Center> {
        let user = user_of(actor)?;
        let mut conn = self.store().conn().await?;
        let (notifications, unread) = notifications::latest(&mut conn, user, CENTER_SIZE).await?;
        Ok(Center {
            notifications,
            unread,
        })
    }

    /// Marks one (or every) notification of the caller read; returns how many.
    pub async fn mark_notifications_read(&self, actor: &Actor, id: Option<Uuid>) -> Result<u64> {
        let user = user_of(actor)?;
        let mut conn = self.store().conn().await?;
        notifications::mark_read(&mut conn, user, id, Utc::now()).await
    }

    /// The caller's settings.
    pub async fn notification_settings(&self, actor: &Actor) -> Result<NotificationSettings> {
        let user = user_of(actor)?;
        let mut conn = self.store().conn().await?;
        let settings = notifications::settings(&mut conn, user).await?;
        Ok(NotificationSettings {
            email: settings.email,
            lang: settings.lang,
        })
    }

    /// Saves the caller's settings (`lang` must be `vi` or `en`).
    pub async fn save_notification_settings(
        &self,
        actor: &Actor,
        input: NotificationSettings,
    ) -> Result<NotificationSettings> {
        let user = user_of(actor)?;
        if !matches!(input.lang.as_str(), "vi" | "en") {
            let mut errors = dulieu_core::FieldErrors::new();
            errors.add_with("lang", "invalid_value", "detail", "vi, en");
            return Err(Error::Invalid(errors));
        }
        let mut conn = self.store().conn().await?;
        notifications::save_settings(
            &mut conn,
            user,
            &Settings {
                email: input.email,
                lang: input.lang.clone(),
            },
        )
        .await?;
        Ok(input)
    }
}
