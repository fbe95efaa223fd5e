//! Scheduled pulls, the automatic publication of agency systems: a distribution's source (a web
//! address fetched with `ETag`/`Last-Modified`, or one `SELECT` against an agency database,
//! published as CSV) runs on its cron schedule. A run publishes a new version only when the bytes
//! changed, through the same path as an upload (versions, table ingest, the watchdog's checks,
//! the dataset's modified date, the followers' notices).
//!
//! Restart safety: a run is recorded as `running` and its source leased before anything is
//! read; the version is written in one transaction after the bytes are stored; the run's end is
//! written after. A server that stops mid-run leaves the lease to expire: the next claim records
//! the run as interrupted and reads the source again, and since a version is only made when the
//! bytes differ from the current version's, nothing is lost and nothing is published twice.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, FixedOffset, Utc};
use dulieu_core::account::Actor;
use dulieu_core::catalog::Distribution;
use dulieu_core::pull::{PullRun, PullSource, RunOutcome, RunTrigger, SourceInput, SourceKind};
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_fetch::{Conditional, Validators};
use dulieu_sources::sql::{self, SqlPolicy, SqlTarget};
use dulieu_sources::{Schedule, SealingKey};
use dulieu_store::pull::{self as store_pull, SourceSettings, StoredSource};
use dulieu_store::{Conn, distributions, scheduled};
use uuid::Uuid;

use crate::files::UploadMeta;
use crate::paging::{Page, PageRequest};
use crate::{App, Subject};

/// The event log's name for a distribution's source.
pub const SOURCE_ENTITY: &str = "pull_source";
/// Sources looked at per round of the schedule.
const DUE_PER_ROUND: i64 = 20;
/// Longest file name of a database source's versions.
const MAX_FILE_NAME: usize = 200;

/// What reading a source gave.
enum Read {
    /// The server said the file has not changed.
    NotModified {
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// Bytes in a local file.
    Bytes {
        path: PathBuf,
        sha256: String,
        bytes: u64,
        rows: Option<u64>,
        http_status: Option<u16>,
        etag: Option<String>,
        last_modified: Option<String>,
        file_name: String,
    },
}

/// Why a run failed: a stable code and what and where.
struct Failure {
    code: String,
    message: String,
    http_status: Option<u16>,
}

impl Failure {
    fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            http_status: None,
        }
    }
}

impl App {
    /// The time zone cron schedules are read in (the portal's, `tickets.utc_offset`).
    fn pull_offset(&self) -> FixedOffset {
        self.ticket_rules().clock.offset()
    }

    /// The key sealing database credentials: `pull.secret_key`, or the key file in the data
    /// folder (made on first use).
    fn sealing_key(&self) -> Result<SealingKey> {
        let configured = self.config().pull.secret_key.trim();
        let key = if configured.is_empty() {
            SealingKey::load_or_create(&self.config().pull_key_file())
        } else {
            SealingKey::from_base64(configured)
        };
        key.map_err(|e| Error::Internal(format!("pull.secret_key: {e}")))
    }

    /// Where database sources may connect, and their limits.
    fn sql_policy(&self) -> SqlPolicy {
        let pull = &self.config().pull;
        SqlPolicy {
            allow_networks: pull.database_networks.clone(),
            sqlite_dir: Some(pull.sqlite_dir.trim())
                .filter(|d| !d.is_empty())
                .map(PathBuf::from),
            statement_timeout: std::time::Duration::from_secs(pull.sql_time_limit_seconds),
            connect_timeout: self.fetcher().config().connect_timeout(),
            max_rows: pull.sql_max_rows,
            max_bytes: self.fetcher().config().max_bytes,
        }
    }

    /// The distribution, when `actor` may manage its dataset's sources (its publisher's
    /// editors and admins).
    async fn distribution_for_source(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        distribution_id: Uuid,
    ) -> Result<Distribution> {
        Ok(self
            .distribution_for_change(conn, actor, distribution_id, Actor::can_edit_datasets_of)
            .await?
            .0)
    }

    /// A distribution's source, if it has one.
    pub async fn pull_source(
        &self,
        actor: &Actor,
        distribution_id: Uuid,
    ) -> Result<Option<PullSource>> {
        let mut conn = self.store().conn().await?;
        self.distribution_for_source(&mut conn, actor, distribution_id)
            .await?;
        Ok(store_pull::get(&mut conn, distribution_id)
            .await?
            .map(|s| s.source))
    }

    /// The sources of a dataset's distributions, for its publishers.
    pub async fn dataset_pull_sources(
        &self,
        actor: &Actor,
        dataset_key: &str,
    ) -> Result<Vec<PullSource>> {
        let mut conn = self.store().conn().await?;
        let dataset = self
            .dataset_for_change(
                &mut conn,
                actor,
                dataset_key,
                "pull_source.read",
                Actor::can_edit_datasets_of,
            )
            .await?;
        Ok(store_pull::of_dataset(&mut conn, dataset.id)
            .await?
            .into_iter()
            .map(|s| s.source)
            .collect())
    }

    /// Sets up or changes the source of an uploaded distribution. Everything is checked before
    /// anything is written: the schedule, the web address against the fetch guard, the database
    /// connection against `pull.database_networks` / `pull.sqlite_dir`. The connection is kept
    /// sealed; when changing other fields it may be left out.
    pub async fn save_pull_source(
        &self,
        actor: &Actor,
        distribution_id: Uuid,
        input: SourceInput,
    ) -> Result<PullSource> {
        let (distribution, before) = {
            let mut conn = self.store().conn().await?;
            let distribution = self
                .distribution_for_source(&mut conn, actor, distribution_id)
                .await?;
            let before = store_pull::get(&mut conn, distribution_id).await?;
            (distribution, before)
        };
        if distribution.remote_url.is_some() {
            return Err(Error::invalid("distribution", "source_needs_upload"));
        }
        let mut settings = self
            .source_settings(&distribution, before.as_ref(), input)
            .await?;
        settings.created_by = actor.user_id;
        let now = Utc::now();
        let mut tx = self.store().begin().await?;
        store_pull::save(&mut tx, &settings, now).await?;
        let after = store_pull::get(&mut tx, distribution_id)
            .await?
            .ok_or_else(|| Error::Internal("source vanished".into()))?;
        self.commit_change(
            tx,
            actor,
            Subject::new(
                SOURCE_ENTITY,
                distribution_id,
                Some(distribution.dataset_id),
            ),
            if before.is_some() {
                "updated"
            } else {
                "created"
            },
            before
                .map(|b| crate::snapshot(&b.source))
                .unwrap_or_default(),
            crate::snapshot(&after.source),
        )
        .await?;
        Ok(after.source)
    }

    /// Checks an input against what is saved and makes the settings to write.
    async fn source_settings(
        &self,
        distribution: &Distribution,
        before: Option<&StoredSource>,
        input: SourceInput,
    ) -> Result<SourceSettings> {
        let mut errors = FieldErrors::new();
        let kind = input.kind.or(before.map(|b| b.source.kind));
        let schedule_text = input
            .schedule
            .clone()
            .or_else(|| before.map(|b| b.source.schedule.clone()))
            .unwrap_or_default();
        let schedule = if schedule_text.trim().is_empty() {
            errors.add("schedule", "required");
            None
        } else {
            Schedule::parse(&schedule_text)
                .map_err(|e| errors.add_with("schedule", "invalid_schedule", "detail", e.reason))
                .ok()
        };
        let enabled = input
            .enabled
            .or(before.map(|b| b.source.enabled))
            .unwrap_or(true);
        let mut settings = SourceSettings {
            distribution_id: distribution.id,
            kind: kind.unwrap_or(SourceKind::Http),
            url: None,
            driver: None,
            connection_sealed: None,
            connection_display: None,
            query: None,
            file_name: None,
            // As the schedule reads it (whitespace normalised); errors are returned below.
            schedule: schedule
                .as_ref()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            enabled,
            next_run_at: None,
            etag: None,
            last_modified: None,
            created_by: None,
        };
        match kind {
            None => {
                errors.add("kind", "required");
            }
            Some(SourceKind::Http) => {
                let url = input
                    .url
                    .or_else(|| before.and_then(|b| b.source.url.clone()))
                    .map(|u| u.trim().to_string())
                    .unwrap_or_default();
                if url.is_empty() {
                    errors.add("url", "required");
                } else if let Err(e) = self.fetcher().validate_url(&url) {
                    errors.add_with("url", "source_refused", "detail", e);
                }
                // The validators belong to the address they came from.
                if let Some(b) = before.filter(|b| b.source.url.as_deref() == Some(url.as_str())) {
                    settings.etag = b.source.etag.clone();
                    settings.last_modified = b.source.last_modified.clone();
                }
                settings.url = Some(url);
            }
            Some(SourceKind::Sql) => {
                self.sql_settings(&mut settings, before, &input, &mut errors)
                    .await?;
            }
        }
        errors.into_result()?;
        settings.next_run_at = schedule
            .as_ref()
            .and_then(|s| s.next_after(Utc::now(), self.pull_offset()));
        Ok(settings)
    }

    /// The database part of a source's settings: the connection (given now, or the sealed one
    /// kept), the query and the file name.
    async fn sql_settings(
        &self,
        settings: &mut SourceSettings,
        before: Option<&StoredSource>,
        input: &SourceInput,
        errors: &mut FieldErrors,
    ) -> Result<()> {
        let owner = settings.distribution_id.to_string();
        let kept = before.filter(|b| b.source.kind == SourceKind::Sql);
        let given = input
            .connection
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let connection = match (given, kept.and_then(|b| b.connection_sealed.as_deref())) {
            (Some(text), _) => Some(text.to_string()),
            (None, Some(sealed)) => {
                Some(self.sealing_key()?.open(sealed, &owner).map_err(|e| {
                    Error::Internal(format!("cannot open the sealed connection: {e}"))
                })?)
            }
            (None, None) => None,
        };
        match connection.as_deref().map(SqlTarget::parse) {
            None => {
                errors.add("connection", "required");
            }
            Some(Err(e)) => errors.add_with("connection", "source_refused", "detail", e),
            Some(Ok(target)) => match sql::vet(&target, &self.sql_policy()).await {
                Err(e) => errors.add_with("connection", "source_refused", "detail", e),
                Ok(()) => {
                    settings.driver = Some(target.driver().as_str().to_string());
                    settings.connection_display = Some(target.redacted());
                    settings.connection_sealed = connection
                        .as_deref()
                        .map(|c| self.sealing_key().map(|key| key.seal(c, &owner)))
                        .transpose()?;
                }
            },
        }
        let query = input
            .query
            .clone()
            .or_else(|| kept.and_then(|b| b.source.query.clone()))
            .map(|q| q.trim().to_string())
            .unwrap_or_default();
        if query.is_empty() {
            errors.add("query", "required");
        } else if let Err(e) = sql::check_query(&query) {
            errors.add_with("query", "source_refused", "detail", e);
        }
        settings.query = Some(query);
        let file_name = input
            .file_name
            .clone()
            .or_else(|| kept.and_then(|b| b.source.file_name.clone()))
            .and_then(|n| UploadMeta::from_part(Some(n.trim()), None).filename);
        match file_name {
            Some(name) if name.chars().count() > MAX_FILE_NAME => {
                errors.add_with("file_name", "too_long", "max", MAX_FILE_NAME);
            }
            Some(name) => settings.file_name = Some(name),
            None => settings.file_name = Some(format!("{}.csv", settings.distribution_id)),
        }
        Ok(())
    }

    /// Removes a distribution's source and its run history (the versions it published stay).
    pub async fn delete_pull_source(&self, actor: &Actor, distribution_id: Uuid) -> Result<()> {
        let mut tx = self.store().begin().await?;
        let distribution = self
            .distribution_for_source(&mut tx, actor, distribution_id)
            .await?;
        let before = store_pull::get(&mut tx, distribution_id)
            .await?
            .ok_or_else(|| Error::not_found("pull_source", distribution_id))?;
        store_pull::delete(&mut tx, distribution_id).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new(
                SOURCE_ENTITY,
                distribution_id,
                Some(distribution.dataset_id),
            ),
            "deleted",
            crate::snapshot(&before.source),
            None,
        )
        .await
    }

    /// A page of a source's runs, newest first.
    pub async fn pull_runs(
        &self,
        actor: &Actor,
        distribution_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<PullRun>> {
        let mut conn = self.store().conn().await?;
        self.distribution_for_source(&mut conn, actor, distribution_id)
            .await?;
        store_pull::get(&mut conn, distribution_id)
            .await?
            .ok_or_else(|| Error::not_found("pull_source", distribution_id))?;
        let (runs, total) =
            store_pull::runs(&mut conn, distribution_id, page.page_size, page.offset()).await?;
        Ok(Page::new(runs, total, page))
    }

    /// Runs a source now, whatever its schedule; the run as it ended. A run already going on
    /// is a conflict (`source_running`).
    pub async fn run_pull_now(&self, actor: &Actor, distribution_id: Uuid) -> Result<PullRun> {
        {
            let mut conn = self.store().conn().await?;
            self.distribution_for_source(&mut conn, actor, distribution_id)
                .await?;
            store_pull::get(&mut conn, distribution_id)
                .await?
                .ok_or_else(|| Error::not_found("pull_source", distribution_id))?;
        }
        self.run_pull(distribution_id, RunTrigger::Manual)
            .await?
            .ok_or_else(|| Error::Conflict {
                code: "source_running",
                field: "distribution",
                value: distribution_id.to_string(),
            })
    }

    /// Runs every source whose schedule is due (the worker calls this); how many ran.
    pub async fn run_due_pulls(&self, now: DateTime<Utc>) -> Result<usize> {
        let due = {
            let mut conn = self.store().conn().await?;
            scheduled::due(&mut conn, scheduled::PULLS, now, DUE_PER_ROUND).await?
        };
        let mut ran = 0;
        for id in due {
            match self.run_pull(id, RunTrigger::Schedule).await {
                Ok(Some(run)) => {
                    ran += 1;
                    tracing::info!(distribution = %id, outcome = %run.outcome, "scheduled pull ran");
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(distribution = %id, error = %e, "scheduled pull failed"),
            }
        }
        Ok(ran)
    }

    /// One run of a source: claims it, reads it, publishes a new version when the bytes
    /// changed, and records the run. `None` when another run holds the source.
    pub(crate) async fn run_pull(
        &self,
        distribution_id: Uuid,
        trigger: RunTrigger,
    ) -> Result<Option<PullRun>> {
        let now = Utc::now();
        let lease = chrono::Duration::seconds(
            i64::try_from(self.config().pull.lease_seconds).unwrap_or(i64::MAX / 2),
        );
        let mut run = PullRun {
            id: Uuid::now_v7(),
            distribution_id,
            trigger,
            outcome: RunOutcome::Running,
            started_at: now,
            finished_at: None,
            duration_ms: None,
            bytes: None,
            rows: None,
            version: None,
            sha256: None,
            http_status: None,
            error_code: None,
            error_message: None,
        };
        let stored = {
            let mut tx = self.store().begin().await?;
            if !scheduled::claim(
                &mut tx,
                scheduled::PULLS,
                distribution_id,
                run.id,
                now,
                now + lease,
            )
            .await?
            {
                return Ok(None);
            }
            let Some(stored) = store_pull::get(&mut tx, distribution_id).await? else {
                return Ok(None);
            };
            store_pull::save_run(&mut tx, &run).await?;
            tx.commit().await.map_err(Error::internal)?;
            stored
        };
        let started = Instant::now();
        let work = self.config().data_dir.join("pull");
        let result = match tokio::fs::create_dir_all(&work).await {
            Ok(()) => self.read_and_publish(&stored, &work, &mut run).await,
            Err(e) => Err(Failure::new(
                "io",
                format!("cannot use the folder {}: {e}", work.display()),
            )),
        };
        let validators = match result {
            Ok(validators) => validators,
            Err(failure) => {
                run.outcome = RunOutcome::Failed;
                run.http_status = failure.http_status.map(i64::from);
                run.error_code = Some(failure.code);
                run.error_message = Some(failure.message);
                None
            }
        };
        let finished = Utc::now();
        run.finished_at = Some(finished);
        run.duration_ms = Some(i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX));
        let next = Schedule::parse(&stored.source.schedule)
            .ok()
            .and_then(|s| s.next_after(finished, self.pull_offset()));
        // A manual run leaves the schedule as it was, unless it was overdue.
        let next = match (trigger, stored.source.next_run_at) {
            (RunTrigger::Manual, Some(planned)) if planned > finished => Some(planned),
            _ => next,
        };
        {
            let mut tx = self.store().begin().await?;
            store_pull::save_run(&mut tx, &run).await?;
            store_pull::finish(&mut tx, &run, validators, next).await?;
            let keep = i64::from(self.config().pull.history.max(1));
            scheduled::prune_runs(&mut tx, scheduled::PULLS, distribution_id, keep).await?;
            tx.commit().await.map_err(Error::internal)?;
        }
        // The watchdog judges a failing source (and clears its finding once it works again);
        // a new version is checked anyway, through its event.
        if run.outcome == RunOutcome::Failed || stored.source.consecutive_failures > 0 {
            let dataset_id = {
                let mut conn = self.store().conn().await?;
                distributions::get(&mut conn, distribution_id)
                    .await?
                    .map(|(d, _)| d.dataset_id)
            };
            if let Some(dataset_id) = dataset_id
                && let Err(e) = self.check_dataset_ids(&[dataset_id], Utc::now()).await
            {
                tracing::warn!(dataset = %dataset_id, error = %e, "cannot check the pulled dataset");
            }
        }
        Ok(Some(run))
    }

    /// Reads the source into a work file and publishes it when it changed; fills in the run and
    /// returns the validators to keep (web sources).
    async fn read_and_publish(
        &self,
        stored: &StoredSource,
        work: &Path,
        run: &mut PullRun,
    ) -> std::result::Result<Option<(Option<String>, Option<String>)>, Failure> {
        let folder = tempfile::Builder::new()
            .prefix("run-")
            .tempdir_in(work)
            .map_err(|e| Failure::new("io", format!("cannot make a work folder: {e}")))?;
        let read = self.read_source(stored, folder.path()).await?;
        let (path, sha256, bytes, file_name, etag, last_modified) = match read {
            Read::NotModified {
                etag,
                last_modified,
            } => {
                run.outcome = RunOutcome::NotModified;
                run.http_status = Some(304);
                let etag = etag.or_else(|| stored.source.etag.clone());
                let last_modified = last_modified.or_else(|| stored.source.last_modified.clone());
                return Ok(Some((etag, last_modified)));
            }
            Read::Bytes {
                path,
                sha256,
                bytes,
                rows,
                http_status,
                etag,
                last_modified,
                file_name,
            } => {
                run.rows = rows.and_then(|r| i64::try_from(r).ok());
                run.http_status = http_status.map(i64::from);
                (path, sha256, bytes, file_name, etag, last_modified)
            }
        };
        run.bytes = i64::try_from(bytes).ok();
        run.sha256 = Some(sha256.clone());
        let validators = Some((etag, last_modified));
        let distribution_id = stored.source.distribution_id;
        let current = {
            let mut conn = self.store().conn().await.map_err(internal)?;
            distributions::get(&mut conn, distribution_id)
                .await
                .map_err(internal)?
                .map(|(d, _)| d)
                .ok_or_else(|| Failure::new("distribution_gone", "the distribution was deleted"))?
        };
        if current.sha256.as_deref() == Some(sha256.as_str()) {
            run.outcome = RunOutcome::Unchanged;
            return Ok(validators);
        }
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| Failure::new("io", format!("cannot read {}: {e}", path.display())))?;
        let blob = self
            .blobs()
            .put_stream(tokio_util::io::ReaderStream::new(file))
            .await
            .map_err(internal)?;
        if blob.sha256 != sha256 {
            return Err(Failure::new(
                "io",
                "the work file changed while it was being stored",
            ));
        }
        let actor = Self::source_actor(stored);
        let meta = UploadMeta {
            filename: Some(file_name),
            content_type: None,
        };
        let published = self
            .record_file_version(&actor, distribution_id, current.dataset_id, blob, meta)
            .await
            .map_err(internal)?;
        run.version = Some(published.version);
        run.outcome = RunOutcome::NewVersion;
        Ok(validators)
    }

    /// Who a pulled version is recorded as: the system, on behalf of the person who set up the
    /// source (their id goes into the event log; none once their account is gone).
    fn source_actor(stored: &StoredSource) -> Actor {
        Actor {
            user_id: stored.created_by,
            ..Actor::system()
        }
    }

    /// Reads a source into a file in `folder`.
    async fn read_source(
        &self,
        stored: &StoredSource,
        folder: &Path,
    ) -> std::result::Result<Read, Failure> {
        let dest = folder.join("source");
        let source = &stored.source;
        match source.kind {
            SourceKind::Http => {
                let url = source.url.as_deref().unwrap_or_default();
                let known = Validators {
                    etag: source.etag.clone(),
                    last_modified: source.last_modified.clone(),
                };
                match self.fetcher().fetch_if_changed(url, &dest, &known).await {
                    Ok(Conditional::NotModified {
                        etag,
                        last_modified,
                        ..
                    }) => Ok(Read::NotModified {
                        etag,
                        last_modified,
                    }),
                    Ok(Conditional::Fetched(fetched)) => Ok(Read::Bytes {
                        file_name: file_name_of(&fetched.final_url),
                        path: dest,
                        sha256: fetched.sha256,
                        bytes: fetched.bytes_written,
                        rows: None,
                        http_status: Some(fetched.status),
                        etag: fetched.etag,
                        last_modified: fetched.last_modified,
                    }),
                    Err(e) => {
                        let mut failure = Failure::new(e.code(), e.to_string());
                        if let dulieu_fetch::FetchErrorKind::HttpStatus { status } = e.kind() {
                            failure.http_status = Some(*status);
                        }
                        Err(failure)
                    }
                }
            }
            SourceKind::Sql => {
                let owner = source.distribution_id.to_string();
                let sealed = stored.connection_sealed.as_deref().unwrap_or_default();
                let connection = self
                    .sealing_key()
                    .map_err(internal)?
                    .open(sealed, &owner)
                    .map_err(|e| Failure::new("sealed_connection", e.to_string()))?;
                let target = SqlTarget::parse(&connection)
                    .map_err(|e| Failure::new(e.code(), e.to_string()))?;
                let query = source.query.as_deref().unwrap_or_default();
                let extracted = sql::extract_csv(&target, query, &self.sql_policy(), &dest)
                    .await
                    .map_err(|e| Failure::new(e.code(), e.to_string()))?;
                Ok(Read::Bytes {
                    path: dest,
                    sha256: extracted.sha256,
                    bytes: extracted.bytes,
                    rows: Some(extracted.rows),
                    http_status: None,
                    etag: None,
                    last_modified: None,
                    file_name: source
                        .file_name
                        .clone()
                        .unwrap_or_else(|| format!("{}.csv", source.distribution_id)),
                })
            }
        }
    }
}

/// A failure of the portal itself (database, blob store) during a run.
fn internal(e: Error) -> Failure {
    Failure::new("internal", e.to_string())
}

/// The last path segment of a URL, as the file name of its versions (`data` when it has none).
fn file_name_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.path_segments()
                .and_then(|mut s| s.next_back().map(str::to_string))
        })
        .map(|s| {
            percent_decode(&s)
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "data".into())
}

/// `%XX` escapes decoded (invalid UTF-8 is replaced).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_the_last_path_segment() {
        assert_eq!(
            file_name_of("https://gso.gov.vn/du-lieu/d%C3%A2n-s%E1%BB%91.csv?v=2"),
            "dân-số.csv"
        );
        assert_eq!(file_name_of("https://gso.gov.vn/"), "data");
        assert_eq!(file_name_of("https://gso.gov.vn/a%2F..%2Fb.csv"), "b.csv");
        assert_eq!(file_name_of("not a url"), "data");
    }
}
