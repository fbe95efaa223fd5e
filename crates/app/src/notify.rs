//! Notifications of ticket changes: a row in each recipient's notification center and, when
//! they want e-mail, a queued mail in their language. Both are written in the transaction of the
//! change, so a change and its notices commit or fail together; sending happens later.

use std::collections::HashSet;

use chrono::Utc;
use dulieu_core::Result;
use dulieu_i18n::{Locale, message};
use dulieu_store::{Conn, accounts, notifications};
use dulieu_tickets::records::Notification;
use uuid::Uuid;

use crate::mail::Mail;

/// Someone to tell about a change.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Recipient {
    /// Their account (none for an anonymous requester, who only gets e-mail).
    pub user_id: Option<Uuid>,
    /// Their address.
    pub email: String,
    /// Language of their messages.
    pub locale: Locale,
    /// Also send an e-mail.
    pub wants_email: bool,
}

impl Recipient {
    /// A user, with their saved preferences.
    pub(crate) async fn user(conn: &mut Conn, user_id: Uuid) -> Result<Option<Self>> {
        let Some(user) = accounts::user(conn, user_id).await? else {
            return Ok(None);
        };
        let settings = notifications::settings(conn, user_id).await?;
        Ok(Some(Self {
            user_id: Some(user_id),
            email: user.email,
            locale: Locale::parse(&settings.lang).unwrap_or_default(),
            wants_email: settings.email,
        }))
    }
}

/// A list of recipients without repeats, leaving out the person who made the change.
#[derive(Debug, Default)]
pub(crate) struct Recipients {
    list: Vec<Recipient>,
    seen: HashSet<String>,
    actor: Option<Uuid>,
}

impl Recipients {
    /// An empty list that will leave out `actor`.
    pub(crate) fn except(actor: Option<Uuid>) -> Self {
        Self {
            actor,
            ..Self::default()
        }
    }

    /// Adds a recipient unless already there or the actor.
    pub(crate) fn add(&mut self, recipient: Recipient) {
        if recipient.user_id.is_some() && recipient.user_id == self.actor {
            return;
        }
        if self.seen.insert(recipient.email.clone()) {
            self.list.push(recipient);
        }
    }

    /// Adds users by id.
    pub(crate) async fn add_users(&mut self, conn: &mut Conn, ids: &[Uuid]) -> Result<()> {
        for id in ids {
            if let Some(recipient) = Recipient::user(conn, *id).await? {
                self.add(recipient);
            }
        }
        Ok(())
    }

    /// Adds the editors and admins (`admins_only`: the admins) of an organization.
    pub(crate) async fn add_organization(
        &mut self,
        conn: &mut Conn,
        organization_id: Uuid,
        admins_only: bool,
    ) -> Result<()> {
        let ids: Vec<Uuid> = accounts::members(conn, organization_id)
            .await?
            .into_iter()
            .filter(|m| {
                if admins_only {
                    m.role == dulieu_core::vocab::Role::Admin
                } else {
                    m.role.can_edit()
                }
            })
            .map(|m| m.user_id)
            .collect();
        self.add_users(conn, &ids).await
    }

    /// Adds the portal team (`odtf` members and sysadmins).
    pub(crate) async fn add_portal_team(&mut self, conn: &mut Conn) -> Result<()> {
        let ids = notifications::portal_team(conn).await?;
        self.add_users(conn, &ids).await
    }

    /// The recipients.
    pub(crate) fn into_vec(self) -> Vec<Recipient> {
        self.list
    }
}

/// What a notice is about: `request`, `feedback` or `dataset`, its id, its page path (without
/// the language prefix) and its title (in English too, when it has one).
pub(crate) struct About<'a> {
    pub subject_type: &'static str,
    pub subject_id: Uuid,
    pub path: String,
    pub title: &'a str,
    pub title_en: Option<&'a str>,
}

impl<'a> About<'a> {
    /// A dataset's page (`path` below it, e.g. `/review`; empty for the page itself).
    pub(crate) fn dataset(dataset: &'a dulieu_core::catalog::Dataset, path: &str) -> Self {
        About {
            subject_type: crate::followers::DATASET_ENTITY,
            subject_id: dataset.id,
            path: format!("/dataset/{}{path}", dataset.slug),
            title: dataset.title.get("vi").unwrap_or(&dataset.slug),
            title_en: dataset.title.en.as_deref(),
        }
    }
}

impl About<'_> {
    /// The title in `locale`.
    fn title_in(&self, locale: Locale) -> &str {
        match (locale, self.title_en) {
            (Locale::En, Some(title)) => title,
            _ => self.title,
        }
    }
}

/// Writes the notices of one change: `kind` names the message (`notify.{kind}` in the catalog,
/// with `{title}` and the given extra parameters). The notification row keeps `title` (and
/// `title_en`) and the extra parameters; the e-mail is in the recipient's language.
pub(crate) async fn send(
    conn: &mut Conn,
    public_url: &str,
    recipients: Vec<Recipient>,
    kind: &str,
    about: &About<'_>,
    extra: &[(&str, String)],
) -> Result<()> {
    let mut params = serde_json::Map::new();
    params.insert("title".into(), about.title.into());
    if let Some(title) = about.title_en {
        params.insert("title_en".into(), title.into());
    }
    for (key, value) in extra {
        params.insert((*key).into(), value.clone().into());
    }
    let now = Utc::now();
    for recipient in recipients {
        if let Some(user_id) = recipient.user_id {
            notifications::insert(
                conn,
                &Notification {
                    id: Uuid::now_v7(),
                    user_id,
                    kind: kind.to_string(),
                    subject_type: about.subject_type.to_string(),
                    subject_id: about.subject_id,
                    params: serde_json::Value::Object(params.clone()),
                    created_at: now,
                    read_at: None,
                },
            )
            .await?;
        }
        if recipient.wants_email {
            let link = format!(
                "{public_url}{}{}",
                match recipient.locale {
                    Locale::En => "/en",
                    Locale::Vi => "",
                },
                about.path
            );
            render_mail(
                &recipient,
                kind,
                about.title_in(recipient.locale),
                extra,
                &link,
            )
            .enqueue(conn)
            .await?;
        }
    }
    Ok(())
}

/// The e-mail of a notice in the recipient's language.
pub(crate) fn render_mail(
    recipient: &Recipient,
    kind: &str,
    title: &str,
    extra: &[(&str, String)],
    link: &str,
) -> Mail {
    let locale = recipient.locale;
    let mut params: Vec<(&str, &str)> = vec![("title", title)];
    params.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
    let subject = message(locale, &format!("notify.{kind}"), &params);
    let body = format!(
        "{}\n\n{}\n\n{}\n{}\n",
        message(locale, "mail.greeting", &[]),
        subject,
        message(locale, "mail.view", &[("url", link)]),
        message(locale, "mail.footer", &[]),
    );
    Mail {
        to: recipient.email.clone(),
        subject: format!("[{}] {subject}", message(locale, "ui.site_name", &[])),
        body,
    }
}
