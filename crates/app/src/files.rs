//! Distribution use cases: links, streamed uploads, file versions and downloads.

use std::ops::Range;

use bytes::Bytes;
use chrono::Utc;
use dulieu_core::account::Actor;
use dulieu_core::catalog::{
    DISTRIBUTION_READ_ONLY_FIELDS, Distribution, DistributionInput, DistributionVersion,
    guess_format,
};
use dulieu_core::{Error, Result};
use dulieu_store::distributions::{self, NewFile};
use dulieu_store::{Conn, datasets, jobs, registers};
use futures::Stream;
use uuid::Uuid;

use crate::catalog::patched;
use crate::followers::DatasetChange;
use crate::ingest::{queue_ingest_if_tabular, remove_tables};
use crate::usage::{Counting, count_download};
use crate::worker::VERIFY_BLOB;
use crate::{App, BlobRead, Subject, snapshot};

dulieu_core::string_enum! {
    /// What a pushed file did.
    PushOutcome {
        /// A new distribution was made for it.
        Created = "created",
        /// It became a new version of the distribution of the same file name.
        NewVersion = "new_version",
        /// The same bytes were already there: nothing changed.
        Unchanged = "unchanged",
    }
}

/// What the client said about an uploaded file.
#[derive(Debug, Clone, Default)]
pub struct UploadMeta {
    /// Original file name.
    pub filename: Option<String>,
    /// Content type sent with the file.
    pub content_type: Option<String>,
}

impl UploadMeta {
    /// What a multipart file part says: its file name without any directory part (browsers and
    /// clients may send a path; an empty name is none) and its content type.
    pub fn from_part(filename: Option<&str>, content_type: Option<&str>) -> Self {
        Self {
            filename: filename
                .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
                .filter(|n| !n.is_empty()),
            content_type: content_type.map(str::to_string),
        }
    }
}

impl App {
    async fn check_license(&self, conn: &mut Conn, license: Option<&str>) -> Result<()> {
        if let Some(license) = license
            && !registers::license_exists(conn, license).await?
        {
            return Err(Error::invalid("license", "unknown_license"));
        }
        Ok(())
    }

    /// The dataset a new distribution goes to, once the caller may add to it and the license exists.
    async fn dataset_for_new_distribution(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        dataset_key: &str,
        input: &DistributionInput,
    ) -> Result<Uuid> {
        let dataset = self
            .dataset_for_change(
                conn,
                actor,
                dataset_key,
                "distribution.create",
                Actor::can_edit_datasets_of,
            )
            .await?;
        self.check_license(conn, input.license.as_deref()).await?;
        Ok(dataset.id)
    }

    /// Adds a distribution that links to a remote URL.
    pub async fn add_link(
        &self,
        actor: &Actor,
        dataset_key: &str,
        input: DistributionInput,
    ) -> Result<Distribution> {
        let mut input = input.validate(false)?;
        if let (None, Some(url)) = (&input.format, &input.url)
            && let Some((format, media_type)) = guess_format(url)
        {
            input.format = Some(format.into());
            input.media_type.get_or_insert_with(|| media_type.into());
        }
        let mut tx = self.store().begin().await?;
        let dataset_id = self
            .dataset_for_new_distribution(&mut tx, actor, dataset_key, &input)
            .await?;
        self.create_distribution(tx, actor, dataset_id, &input, None)
            .await
    }

    /// Adds a distribution whose bytes are streamed in `body`. Permission and metadata are checked
    /// before a byte is read; the file is stored before the record is written, in one transaction.
    pub async fn add_upload<S, E>(
        &self,
        actor: &Actor,
        dataset_key: &str,
        input: DistributionInput,
        meta: UploadMeta,
        body: S,
    ) -> Result<Distribution>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let mut input = input.validate(true)?;
        let dataset_id = {
            let mut conn = self.store().conn().await?;
            self.dataset_for_new_distribution(&mut conn, actor, dataset_key, &input)
                .await?
        };
        let guessed = meta.filename.as_deref().and_then(guess_format);
        if input.format.is_none() {
            input.format = guessed.map(|(format, _)| format.to_string());
        }
        if input.media_type.is_none() {
            input.media_type = guessed
                .map(|(_, media_type)| media_type.to_string())
                .or_else(|| {
                    meta.content_type
                        .clone()
                        .filter(|c| c != "application/octet-stream")
                });
        }
        if input.title.is_empty()
            && let Some(name) = &meta.filename
        {
            input.title.vi = Some(name.clone());
        }
        let stored = self.blobs().put_stream(body).await?;
        let file = NewFile {
            sha256: stored.sha256,
            byte_size: i64::try_from(stored.byte_size).map_err(Error::internal)?,
            media_type: input.media_type.clone(),
            filename: meta.filename,
        };
        let mut tx = self.store().begin().await?;
        // The dataset may have been deleted while the bytes were arriving.
        datasets::get(&mut tx, &dataset_id.to_string())
            .await?
            .ok_or_else(|| Error::not_found("dataset", dataset_key))?;
        self.create_distribution(tx, actor, dataset_id, &input, Some(&file))
            .await
    }

    /// Publishes a file from an agency's system (the push of automatic publication): the
    /// dataset's uploaded distribution of the same file name gets the bytes as a new version, or
    /// a new distribution is made when there is none. Idempotent by checksum: the same bytes
    /// again change nothing (no version, no event, no notice).
    pub async fn push_file<S, E>(
        &self,
        actor: &Actor,
        dataset_key: &str,
        file_name: &str,
        body: S,
    ) -> Result<(PushOutcome, Distribution)>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let meta = UploadMeta::from_part(Some(file_name.trim()), None);
        let Some(name) = meta.filename.clone() else {
            return Err(Error::invalid("file_name", "required"));
        };
        let dataset = {
            let mut conn = self.store().conn().await?;
            self.dataset_for_change(
                &mut conn,
                actor,
                dataset_key,
                "distribution.create",
                Actor::can_edit_datasets_of,
            )
            .await?
        };
        let target = dataset
            .distributions
            .iter()
            .find(|d| d.remote_url.is_none() && d.filename.as_deref() == Some(name.as_str()));
        let Some(target) = target else {
            let created = self
                .add_upload(actor, dataset_key, DistributionInput::default(), meta, body)
                .await?;
            return Ok((PushOutcome::Created, created));
        };
        let stored = self.blobs().put_stream(body).await?;
        if target.sha256.as_deref() == Some(stored.sha256.as_str()) {
            return Ok((PushOutcome::Unchanged, self.with_url(target.clone())));
        }
        let replaced = self
            .record_file_version(actor, target.id, dataset.id, stored, meta)
            .await?;
        Ok((PushOutcome::NewVersion, replaced))
    }

    /// Replaces the file of an uploaded distribution: a new version; old versions stay downloadable.
    pub async fn replace_file<S, E>(
        &self,
        actor: &Actor,
        id: Uuid,
        meta: UploadMeta,
        body: S,
    ) -> Result<Distribution>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let dataset_id = {
            let mut conn = self.store().conn().await?;
            let (distribution, _) = self
                .distribution_for_change(&mut conn, actor, id, Actor::can_edit_datasets_of)
                .await?;
            if distribution.remote_url.is_some() {
                return Err(Error::invalid("file", "url_with_upload"));
            }
            distribution.dataset_id
        };
        let stored = self.blobs().put_stream(body).await?;
        self.record_file_version(actor, id, dataset_id, stored, meta)
            .await
    }

    /// Records stored bytes as a new version of distribution `id`, with its event, the ingest
    /// of a tabular file and the followers' notices.
    pub(crate) async fn record_file_version(
        &self,
        actor: &Actor,
        id: Uuid,
        dataset_id: Uuid,
        stored: dulieu_blobs::StoredBlob,
        meta: UploadMeta,
    ) -> Result<Distribution> {
        let mut tx = self.store().begin().await?;
        let (before, _) = distributions::get(&mut tx, id)
            .await?
            .ok_or_else(|| Error::not_found("distribution", id))?;
        let file = NewFile {
            sha256: stored.sha256,
            byte_size: i64::try_from(stored.byte_size).map_err(Error::internal)?,
            media_type: before.media_type.clone().or(meta.content_type),
            filename: meta.filename,
        };
        let now = Utc::now();
        add_file_version(&mut tx, actor, id, dataset_id, &file, now).await?;
        let after = self.distribution_in(&mut tx, id).await?;
        queue_ingest_if_tabular(&mut tx, &after, now).await?;
        self.notify_dataset_followers(&mut tx, actor, dataset_id, DatasetChange::FileReplaced)
            .await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("distribution", id, Some(dataset_id)),
            "file_replaced",
            snapshot(&self.with_url(before)),
            snapshot(&after),
        )
        .await?;
        Ok(after)
    }

    /// Inserts a distribution (with its first file version when `file` is given), records the
    /// event and commits.
    async fn create_distribution(
        &self,
        mut tx: dulieu_store::Tx,
        actor: &Actor,
        dataset_id: Uuid,
        input: &DistributionInput,
        file: Option<&NewFile>,
    ) -> Result<Distribution> {
        let id = Uuid::now_v7();
        let now = Utc::now();
        distributions::insert(&mut tx, id, dataset_id, input, now).await?;
        match file {
            Some(file) => add_file_version(&mut tx, actor, id, dataset_id, file, now).await?,
            None => datasets::touch(&mut tx, dataset_id, now).await?,
        }
        let created = self.distribution_in(&mut tx, id).await?;
        queue_ingest_if_tabular(&mut tx, &created, now).await?;
        self.notify_dataset_followers(&mut tx, actor, dataset_id, DatasetChange::FileAdded)
            .await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("distribution", id, Some(dataset_id)),
            "created",
            None,
            snapshot(&created),
        )
        .await?;
        Ok(created)
    }

    pub(crate) fn with_url(&self, mut distribution: Distribution) -> Distribution {
        if distribution.remote_url.is_none() {
            distribution.url = format!(
                "{}/api/1/distributions/{}/download",
                self.inner.public_url, distribution.id
            );
        }
        distribution
    }

    async fn distribution_in(&self, conn: &mut Conn, id: Uuid) -> Result<Distribution> {
        distributions::get(conn, id)
            .await?
            .map(|(d, _)| self.with_url(d))
            .ok_or_else(|| Error::Internal("distribution vanished".into()))
    }

    /// Loads a distribution, enforcing its dataset's visibility (404) and then `allowed` (403/401).
    pub(crate) async fn distribution_for_change(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: Uuid,
        allowed: impl Fn(&Actor, Uuid) -> bool,
    ) -> Result<(Distribution, Option<String>)> {
        let (distribution, explicit_license) = distributions::get(conn, id)
            .await?
            .ok_or_else(|| Error::not_found("distribution", id))?;
        self.dataset_for_change(
            conn,
            actor,
            &distribution.dataset_id.to_string(),
            "distribution.update",
            allowed,
        )
        .await
        .map_err(|e| match e {
            Error::NotFound { .. } => Error::not_found("distribution", id),
            other => other,
        })?;
        Ok((self.with_url(distribution), explicit_license))
    }

    /// A distribution, if its dataset is visible to `actor`.
    pub async fn get_distribution(&self, actor: &Actor, id: Uuid) -> Result<Distribution> {
        let mut conn = self.store().conn().await?;
        Ok(self
            .distribution_for_change(&mut conn, actor, id, |_, _| true)
            .await?
            .0)
    }

    /// Changes distribution metadata by JSON merge patch.
    pub async fn update_distribution(
        &self,
        actor: &Actor,
        id: Uuid,
        patch: &serde_json::Value,
    ) -> Result<Distribution> {
        let mut tx = self.store().begin().await?;
        let (before, input) = self
            .checked_distribution_patch(&mut tx, actor, id, patch)
            .await?;
        let now = Utc::now();
        distributions::update(&mut tx, id, &input, now).await?;
        datasets::touch(&mut tx, before.dataset_id, now).await?;
        let after = self.distribution_in(&mut tx, id).await?;
        // A new remote file, or a format now read as tables: read it (again).
        if after.remote_url != before.remote_url || after.format != before.format {
            queue_ingest_if_tabular(&mut tx, &after, now).await?;
        }
        self.notify_dataset_followers(&mut tx, actor, before.dataset_id, DatasetChange::Updated)
            .await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("distribution", id, Some(before.dataset_id)),
            "updated",
            snapshot(&before),
            snapshot(&after),
        )
        .await?;
        Ok(after)
    }

    /// Distribution `id` as it is, and `patch` merged into it, once `actor` may change it and the
    /// result is valid with a known license: every check of [`App::update_distribution`].
    pub(crate) async fn checked_distribution_patch(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: Uuid,
        patch: &serde_json::Value,
    ) -> Result<(Distribution, DistributionInput)> {
        let (before, explicit_license) = self
            .distribution_for_change(conn, actor, id, Actor::can_edit_datasets_of)
            .await?;
        let input = patched(
            &before.to_input(explicit_license),
            patch,
            DISTRIBUTION_READ_ONLY_FIELDS,
        )?
        .validate(before.remote_url.is_none())?;
        self.check_license(conn, input.license.as_deref()).await?;
        Ok((before, input))
    }

    /// Deletes a distribution record (stored files are kept).
    pub async fn delete_distribution(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let mut tx = self.store().begin().await?;
        let (before, _) = self
            .distribution_for_change(&mut tx, actor, id, Actor::can_edit_datasets_of)
            .await?;
        distributions::delete(&mut tx, id).await?;
        datasets::touch(&mut tx, before.dataset_id, Utc::now()).await?;
        self.notify_dataset_followers(
            &mut tx,
            actor,
            before.dataset_id,
            DatasetChange::FileRemoved,
        )
        .await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("distribution", id, Some(before.dataset_id)),
            "deleted",
            snapshot(&before),
            None,
        )
        .await?;
        remove_tables(&self.config().effective_tables_dir(), id).await;
        Ok(())
    }

    /// The file versions of a distribution, newest first.
    pub async fn distribution_versions(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Vec<DistributionVersion>> {
        let mut conn = self.store().conn().await?;
        self.distribution_for_change(&mut conn, actor, id, |_, _| true)
            .await?;
        distributions::versions(&mut conn, id).await
    }

    /// What a download of the current (or a given) version serves: the stored version of an
    /// upload, or `Err(url)` for a link distribution (the client is sent there). A download to
    /// count adds one to the dataset's usage of the day (API and portal downloads alike).
    pub async fn download_target(
        &self,
        actor: &Actor,
        id: Uuid,
        version: Option<i64>,
        counting: Counting,
    ) -> Result<std::result::Result<(Distribution, DistributionVersion), String>> {
        let mut conn = self.store().conn().await?;
        let (distribution, _) = self
            .distribution_for_change(&mut conn, actor, id, |_, _| true)
            .await?;
        // A file hidden pending review (personal data exposed) is served to nobody.
        if dulieu_store::feedback::hidden_at(&mut conn, id)
            .await?
            .is_some()
        {
            return Err(Error::Conflict {
                code: "hidden_pending_review",
                field: "distribution",
                value: id.to_string(),
            });
        }
        let target = match &distribution.remote_url {
            Some(url) => Err(url.clone()),
            None => {
                let wanted = version.unwrap_or(distribution.version);
                let version = distributions::versions(&mut conn, id)
                    .await?
                    .into_iter()
                    .find(|v| v.version == wanted)
                    .ok_or_else(|| Error::not_found("version", wanted))?;
                Ok(version)
            }
        };
        if counting == Counting::Count {
            count_download(&mut conn, distribution.dataset_id).await;
        }
        Ok(target.map(|version| (distribution, version)))
    }

    /// Opens stored bytes of a version, whole or a byte range.
    pub async fn open_blob(
        &self,
        version: &DistributionVersion,
        range: Option<Range<u64>>,
    ) -> Result<BlobRead> {
        self.blobs().open(&version.sha256, range).await
    }
}

/// Records a stored file as the next version, touches the dataset and queues the fixity check.
async fn add_file_version(
    tx: &mut dulieu_store::Tx,
    actor: &Actor,
    id: Uuid,
    dataset_id: Uuid,
    file: &NewFile,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    distributions::add_version(tx, id, file, actor.user_id, now).await?;
    datasets::touch(tx, dataset_id, now).await?;
    let payload = serde_json::json!({"sha256": file.sha256});
    jobs::enqueue(tx, VERIFY_BLOB, &payload, now, 5).await?;
    Ok(())
}
