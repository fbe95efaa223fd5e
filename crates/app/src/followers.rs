//! Followers of a dataset hear of its updates: a change of its metadata, a file or link added,
//! a file replaced by a new version, a file or link removed. The notices go through the
//! notification center and e-mail (per the follower's settings, in their language), written in
//! the transaction of the change, to the followers who may still see the dataset, never to the
//! person who made the change.

use std::collections::HashSet;

use dulieu_core::account::Actor;
use dulieu_core::catalog::Dataset;
use dulieu_core::{Error, Result};
use dulieu_store::{Conn, accounts, datasets, feedback};
use uuid::Uuid;

use crate::App;
use crate::notify::{About, Recipients};

/// Entity type of dataset notices in the notification center.
pub const DATASET_ENTITY: &str = "dataset";

/// What changed in a followed dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DatasetChange {
    /// Its metadata, or a file's.
    Updated,
    /// A file or link was added.
    FileAdded,
    /// A file was replaced by a new version.
    FileReplaced,
    /// A file or link was removed.
    FileRemoved,
}

impl DatasetChange {
    /// The notice's kind (`notify.{kind}` in the catalog).
    fn kind(self) -> &'static str {
        match self {
            DatasetChange::Updated => "dataset.updated",
            DatasetChange::FileAdded => "dataset.file_added",
            DatasetChange::FileReplaced => "dataset.file_replaced",
            DatasetChange::FileRemoved => "dataset.file_removed",
        }
    }
}

/// The followers of `dataset` who may see it.
pub(crate) async fn followers_who_see(conn: &mut Conn, dataset: &Dataset) -> Result<Vec<Uuid>> {
    let followers = feedback::dataset_followers(conn, dataset.id).await?;
    who_may_see(conn, dataset, followers).await
}

/// Those of `users` who may see `dataset`: all of them while it is public, otherwise the members
/// of its publisher and the sysadmins.
async fn who_may_see(conn: &mut Conn, dataset: &Dataset, users: Vec<Uuid>) -> Result<Vec<Uuid>> {
    if dataset.is_public() || users.is_empty() {
        return Ok(users);
    }
    let members: HashSet<Uuid> = accounts::members(conn, dataset.publisher_id)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let mut seeing = Vec::new();
    for user in users {
        let sysadmin = accounts::user(conn, user)
            .await?
            .is_some_and(|u| u.is_sysadmin);
        if sysadmin || members.contains(&user) {
            seeing.push(user);
        }
    }
    Ok(seeing)
}

impl App {
    /// Writes the notices of `change` to dataset `dataset_id` for its followers, in the change's
    /// transaction (read after the change, so its title is the new one).
    pub(crate) async fn notify_dataset_followers(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        dataset_id: Uuid,
        change: DatasetChange,
    ) -> Result<()> {
        let followers = feedback::dataset_followers(conn, dataset_id).await?;
        if followers.is_empty() {
            return Ok(());
        }
        let dataset = datasets::get(conn, &dataset_id.to_string())
            .await?
            .ok_or_else(|| Error::not_found("dataset", dataset_id))?;
        let followers = who_may_see(conn, &dataset, followers).await?;
        let mut to = Recipients::except(actor.user_id);
        to.add_users(conn, &followers).await?;
        let about = About::dataset(&dataset, "");
        crate::notify::send(
            conn,
            &self.inner.public_url,
            to.into_vec(),
            change.kind(),
            &about,
            &[],
        )
        .await
    }
}
