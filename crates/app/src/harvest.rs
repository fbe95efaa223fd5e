//! Harvesting: the portal team points dulieu at another portal's catalog (a CKAN Action API, a
//! DCAT catalog, a Project Open Data `data.json`); on its schedule each source is read page by
//! page and its datasets are copied in — created, updated in place (matched on the source's own
//! id, never duplicated), and archived once gone from the source for the grace period. Every run
//! records its counts and per-item errors; a preview shows what a source would yield without
//! writing anything.
//!
//! Harvested datasets are ordinary datasets of an organization (the source's chosen one, or one
//! made for each of the source's publishers), so search, exports and the watchdog see them; their
//! files stay links to the source. Each page is written in one transaction, with one event per
//! dataset changed.

mod apply;
mod read;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use dulieu_core::account::Actor;
use dulieu_core::harvest::{
    HarvestItemError, HarvestKind, HarvestOutcome, HarvestPreview, HarvestRun, HarvestSource,
    HarvestSourceInput, ITEM_ERRORS_KEPT, PreviewItem,
};
use dulieu_core::pull::RunTrigger;
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_sources::Schedule;
use dulieu_store::harvest::{self as store, Origin, SourceRow};
use dulieu_store::{organizations, scheduled};
use uuid::Uuid;

use crate::paging::{Page, PageRequest};
use crate::{App, Subject, deny, require_signed_in, snapshot};

pub use read::Failure;

/// Entity type of harvest sources in the event log.
pub const SOURCE_ENTITY: &str = "harvest_source";

/// Items a preview shows at most.
pub const PREVIEW_ITEMS: usize = 50;

/// Most pages a preview reads (a source whose items all fail, or whose pages are empty, ends
/// the preview there).
const PREVIEW_PAGES: usize = 5;

/// Due sources run per look.
const DUE_PER_ROUND: i64 = 5;

fn require_portal_team(actor: &Actor, action: &'static str) -> Result<()> {
    require_signed_in(actor)?;
    if actor.is_sysadmin {
        Ok(())
    } else {
        Err(deny(actor, action))
    }
}

/// The counts of a run as it goes.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) created: i64,
    pub(crate) updated: i64,
    pub(crate) unchanged: i64,
    pub(crate) archived: i64,
    pub(crate) failed: i64,
    pub(crate) errors: Vec<HarvestItemError>,
}

impl Tally {
    pub(crate) fn fail(&mut self, remote_id: impl Into<String>, message: impl Into<String>) {
        self.failed += 1;
        self.note(remote_id, message);
    }

    /// Keeps an error about an item that was still taken (e.g. one of its links was refused).
    pub(crate) fn note(&mut self, remote_id: impl Into<String>, message: impl Into<String>) {
        if self.errors.len() < ITEM_ERRORS_KEPT {
            self.errors.push(HarvestItemError {
                remote_id: remote_id.into(),
                message: message.into(),
            });
        }
    }
}

impl App {
    /// Whether `actor` may set up harvest sources (sysadmins); the refusal otherwise.
    pub fn may_manage_harvests(&self, actor: &Actor) -> Result<()> {
        require_portal_team(actor, "harvest.create")
    }

    /// Every harvest source (sysadmins).
    pub async fn harvest_sources(&self, actor: &Actor) -> Result<Vec<HarvestSource>> {
        require_portal_team(actor, "harvest.read")?;
        let mut conn = self.store().conn().await?;
        store::list(&mut conn).await
    }

    /// One harvest source by id or slug (sysadmins).
    pub async fn harvest_source(&self, actor: &Actor, key: &str) -> Result<HarvestSource> {
        require_portal_team(actor, "harvest.read")?;
        let mut conn = self.store().conn().await?;
        store::get(&mut conn, key)
            .await?
            .ok_or_else(|| Error::not_found("harvest_source", key))
    }

    /// Sets up a harvest source (sysadmins). Its first run is due at once when enabled.
    pub async fn create_harvest_source(
        &self,
        actor: &Actor,
        input: HarvestSourceInput,
    ) -> Result<HarvestSource> {
        require_portal_team(actor, "harvest.create")?;
        self.save_harvest_source(actor, None, input).await
    }

    /// Changes a harvest source by JSON merge patch (sysadmins).
    pub async fn update_harvest_source(
        &self,
        actor: &Actor,
        key: &str,
        patch: &serde_json::Value,
    ) -> Result<HarvestSource> {
        let before = self.harvest_source(actor, key).await?;
        let input = crate::catalog::patched(
            &before.to_input(),
            patch,
            &[
                "id",
                "high_water",
                "next_run_at",
                "running",
                "last_run_at",
                "last_outcome",
                "dataset_count",
                "created_at",
                "updated_at",
            ],
        )?;
        self.save_harvest_source(actor, Some(before), input).await
    }

    async fn save_harvest_source(
        &self,
        actor: &Actor,
        before: Option<HarvestSource>,
        input: HarvestSourceInput,
    ) -> Result<HarvestSource> {
        let input = input.validate()?;
        let mut errors = FieldErrors::new();
        let schedule = Schedule::parse(&input.schedule)
            .map_err(|e| errors.add_with("schedule", "invalid_schedule", "detail", e.reason))
            .ok();
        if let Err(e) = self.fetcher().validate_url(&input.url) {
            errors.add_with("url", "blocked_url", "detail", e.to_string());
        }
        let mut tx = self.store().begin().await?;
        let organization_id = match &input.organization {
            Some(slug) => match organizations::get_by_slug(&mut tx, slug).await? {
                Some(org) => Some(org.id),
                None => {
                    errors.add("organization", "unknown_organization");
                    None
                }
            },
            None => None,
        };
        if let Some(other) = store::get(&mut tx, &input.slug).await?
            && before.as_ref().is_none_or(|b| b.id != other.id)
        {
            errors.add("slug", "taken");
        }
        errors.into_result()?;
        let schedule = schedule.ok_or_else(|| Error::Internal("schedule vanished".into()))?;
        let now = Utc::now();
        let id = before.as_ref().map_or_else(Uuid::now_v7, |b| b.id);
        // A new source runs at once; a changed one keeps its turn unless the schedule changed.
        let next_run_at = match &before {
            Some(b) if b.schedule == schedule.as_str() && b.enabled == input.enabled => {
                b.next_run_at
            }
            Some(_) => schedule.next_after(now, self.ticket_rules().clock.offset()),
            None => Some(now),
        }
        .filter(|_| input.enabled);
        store::save(
            &mut tx,
            &SourceRow {
                id,
                slug: input.slug.clone(),
                title: input.title.clone(),
                kind: input.kind,
                url: input.url.clone(),
                organization_id,
                publisher_kind: input.publisher_kind,
                schedule: schedule.as_str().to_string(),
                enabled: input.enabled,
                grace_days: input.grace_days,
                next_run_at,
                created_by: actor.user_id,
            },
            now,
        )
        .await?;
        let saved = store::get(&mut tx, &id.to_string())
            .await?
            .ok_or_else(|| Error::Internal("harvest source vanished".into()))?;
        let action = if before.is_some() {
            "updated"
        } else {
            "created"
        };
        self.commit_change(
            tx,
            actor,
            Subject::new(SOURCE_ENTITY, id, None),
            action,
            before.as_ref().and_then(snapshot),
            snapshot(&saved),
        )
        .await?;
        Ok(saved)
    }

    /// Removes a harvest source (sysadmins). Its datasets stay, no longer harvested.
    pub async fn delete_harvest_source(&self, actor: &Actor, key: &str) -> Result<()> {
        let before = self.harvest_source(actor, key).await?;
        let mut tx = self.store().begin().await?;
        store::delete(&mut tx, before.id).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new(SOURCE_ENTITY, before.id, None),
            "deleted",
            snapshot(&before),
            None,
        )
        .await
    }

    /// A page of a source's runs, newest first (sysadmins).
    pub async fn harvest_runs(
        &self,
        actor: &Actor,
        key: &str,
        page: PageRequest,
    ) -> Result<Page<HarvestRun>> {
        let source = self.harvest_source(actor, key).await?;
        let mut conn = self.store().conn().await?;
        let (runs, total) =
            store::runs(&mut conn, source.id, page.page_size, page.offset()).await?;
        Ok(Page::new(runs, total, page))
    }

    /// Starts a run of a source now (sysadmins); 409 `source_running` when a server is running
    /// it. The run goes on in the background; the answer is the run as it ended when it ends
    /// within `wait`, otherwise as it stands (`running`), to be followed in the source's runs.
    pub async fn run_harvest_now(
        &self,
        actor: &Actor,
        key: &str,
        wait: std::time::Duration,
    ) -> Result<HarvestRun> {
        let source = self.harvest_source(actor, key).await?;
        let Some((run, source)) = self.claim_harvest(source.id, RunTrigger::Manual).await? else {
            return Err(Error::Conflict {
                code: "source_running",
                field: "source",
                value: source.slug,
            });
        };
        let started = run.clone();
        let app = self.clone();
        let running = tokio::spawn(async move { app.carry_out_harvest(run, source).await });
        match tokio::time::timeout(wait, running).await {
            Ok(ended) => ended.map_err(Error::internal)?,
            Err(_) => Ok(started),
        }
    }

    /// What the settings `input` would yield, without writing anything (sysadmins): the first
    /// [`PREVIEW_ITEMS`] datasets, each with what a run would do to it.
    pub async fn preview_harvest(
        &self,
        actor: &Actor,
        input: HarvestSourceInput,
    ) -> Result<HarvestPreview> {
        require_portal_team(actor, "harvest.preview")?;
        let input = input.validate()?;
        let mut conn = self.store().conn().await?;
        let known = match store::get(&mut conn, &input.slug).await? {
            Some(source) if source.url == input.url => store::links(&mut conn, source.id).await?,
            _ => Default::default(),
        };
        drop(conn);
        let mut reader = read::Reader::new(self, input.kind, &input.url, None);
        let mut preview = HarvestPreview {
            items: Vec::new(),
            total: None,
            item_errors: Vec::new(),
        };
        for _ in 0..PREVIEW_PAGES {
            if preview.items.len() >= PREVIEW_ITEMS {
                break;
            }
            let page = reader.next_page().await.map_err(|f| {
                let mut errors = FieldErrors::new();
                errors.add_with("url", "source_unreadable", "detail", f.to_string());
                Error::Invalid(errors)
            })?;
            let Some(page) = page else { break };
            preview.total = preview.total.or(page.total);
            for item in page.items {
                match item {
                    Ok(remote) if preview.items.len() < PREVIEW_ITEMS => {
                        let action = match known.get(&remote.remote_id) {
                            None => "create",
                            Some(link) if link.content_hash == apply::content_hash(&remote) => {
                                "unchanged"
                            }
                            Some(_) => "update",
                        };
                        preview.items.push(PreviewItem {
                            title: remote.input.title.clone(),
                            publisher: remote.publisher.name.clone(),
                            distributions: remote.distributions.len(),
                            remote_id: remote.remote_id,
                            action: action.into(),
                        });
                    }
                    Ok(_) => {}
                    Err(e) if preview.item_errors.len() < ITEM_ERRORS_KEPT => {
                        preview.item_errors.push(e)
                    }
                    Err(_) => {}
                }
            }
        }
        Ok(preview)
    }

    /// Where a dataset was harvested from, when it was.
    pub async fn dataset_origin(&self, dataset_id: Uuid) -> Result<Option<Origin>> {
        let mut conn = self.store().conn().await?;
        store::origin(&mut conn, dataset_id).await
    }

    /// Runs every source due at `now` that no server is running; how many ran.
    pub async fn run_due_harvests(&self, now: DateTime<Utc>) -> Result<usize> {
        let due = {
            let mut conn = self.store().conn().await?;
            scheduled::due(&mut conn, scheduled::HARVESTS, now, DUE_PER_ROUND).await?
        };
        let mut ran = 0;
        for id in due {
            match self.run_harvest(id, RunTrigger::Schedule).await {
                Ok(Some(run)) => {
                    ran += 1;
                    tracing::info!(source = %id, outcome = run.outcome.as_str(),
                        created = run.created, updated = run.updated, archived = run.archived,
                        failed = run.failed, "harvest ran");
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(source = %id, error = %e, "harvest could not run"),
            }
        }
        Ok(ran)
    }

    /// Runs a source once: claims its lease (`None` when another server holds it), reads it
    /// page by page writing each page in one transaction, archives what is gone when the whole
    /// source was read, and records the run.
    pub async fn run_harvest(
        &self,
        source_id: Uuid,
        trigger: RunTrigger,
    ) -> Result<Option<HarvestRun>> {
        match self.claim_harvest(source_id, trigger).await? {
            Some((run, source)) => self.carry_out_harvest(run, source).await.map(Some),
            None => Ok(None),
        }
    }

    /// Takes the lease of a source and records its run as started; `None` when another server
    /// holds the lease.
    async fn claim_harvest(
        &self,
        source_id: Uuid,
        trigger: RunTrigger,
    ) -> Result<Option<(HarvestRun, HarvestSource)>> {
        let lease = self.harvest_lease();
        let now = Utc::now();
        let run = HarvestRun {
            id: Uuid::now_v7(),
            source_id,
            trigger,
            outcome: HarvestOutcome::Running,
            started_at: now,
            finished_at: None,
            duration_ms: None,
            created: 0,
            updated: 0,
            unchanged: 0,
            archived: 0,
            failed: 0,
            item_errors: Vec::new(),
            error_code: None,
            error_message: None,
        };
        let mut tx = self.store().begin().await?;
        if !scheduled::claim(
            &mut tx,
            scheduled::HARVESTS,
            source_id,
            run.id,
            now,
            now + lease,
        )
        .await?
        {
            return Ok(None);
        }
        store::save_run(&mut tx, &run).await?;
        let source = store::get(&mut tx, &source_id.to_string())
            .await?
            .ok_or_else(|| Error::not_found("harvest_source", source_id.to_string()))?;
        tx.commit().await.map_err(Error::internal)?;
        Ok(Some((run, source)))
    }

    /// How long a run's lease lasts before it is renewed.
    fn harvest_lease(&self) -> chrono::Duration {
        chrono::Duration::seconds(self.config().harvest.lease_seconds.max(1) as i64)
    }

    /// Renews the lease of a run every third of its length while the run goes on (one page can
    /// take as long as a fetch may); sets `lost` and stops when another server has taken it.
    async fn keep_lease(
        self,
        source_id: Uuid,
        run_id: Uuid,
        lost: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) {
        let lease = self.harvest_lease();
        let every = (lease / 3)
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(1));
        loop {
            tokio::time::sleep(every).await;
            let renewed = match self.store().conn().await {
                Ok(mut conn) => {
                    let until = Utc::now() + lease;
                    scheduled::extend_lease(
                        &mut conn,
                        scheduled::HARVESTS,
                        source_id,
                        run_id,
                        until,
                    )
                    .await
                }
                Err(e) => Err(e),
            };
            match renewed {
                Ok(true) => {}
                Ok(false) => {
                    lost.store(true, std::sync::atomic::Ordering::SeqCst);
                    return;
                }
                // A passing database error: the next beat tries again, within the lease.
                Err(e) => {
                    tracing::warn!(source = %source_id, error = %e, "harvest lease not renewed")
                }
            }
        }
    }

    /// Reads and applies a claimed source, then records how the run ended.
    async fn carry_out_harvest(
        &self,
        mut run: HarvestRun,
        source: HarvestSource,
    ) -> Result<HarvestRun> {
        let settings = &self.config().harvest;
        let lease_lost = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let heartbeat = tokio::spawn(self.clone().keep_lease(
            source.id,
            run.id,
            lease_lost.clone(),
        ));
        let mut tally = Tally::default();
        let outcome = self
            .harvest_pages(&source, run.id, &lease_lost, &mut tally)
            .await;
        heartbeat.abort();
        let finished = Utc::now();
        let high_water = match outcome {
            Ok(high_water) => {
                run.outcome = HarvestOutcome::Succeeded;
                high_water
            }
            Err(failure) => {
                run.outcome = HarvestOutcome::Failed;
                run.error_code = Some(failure.code);
                run.error_message = Some(failure.message);
                None
            }
        };
        run.finished_at = Some(finished);
        run.duration_ms = Some((finished - run.started_at).num_milliseconds().max(0));
        run.created = tally.created;
        run.updated = tally.updated;
        run.unchanged = tally.unchanged;
        run.archived = tally.archived;
        run.failed = tally.failed;
        run.item_errors = tally.errors;
        let next_run_at = Schedule::parse(&source.schedule)
            .ok()
            .and_then(|s| s.next_after(finished, self.ticket_rules().clock.offset()))
            .filter(|_| source.enabled);
        let mut tx = self.store().begin().await?;
        store::save_run(&mut tx, &run).await?;
        store::finish(&mut tx, &run, high_water, next_run_at).await?;
        let keep = i64::from(settings.history.max(1));
        scheduled::prune_runs(&mut tx, scheduled::HARVESTS, source.id, keep).await?;
        tx.commit().await.map_err(Error::internal)?;
        Ok(run)
    }

    /// Reads every page of `source` and applies it; the newest remote change seen, when the
    /// whole source was read.
    async fn harvest_pages(
        &self,
        source: &HarvestSource,
        run_id: Uuid,
        lease_lost: &std::sync::atomic::AtomicBool,
        tally: &mut Tally,
    ) -> std::result::Result<Option<DateTime<Utc>>, Failure> {
        let mut target = apply::Target::load(self, source)
            .await
            .map_err(Failure::internal)?;
        // Only a CKAN source can be asked for what changed since; catalogs are read whole.
        let since = source
            .high_water
            .filter(|_| source.kind == HarvestKind::Ckan);
        let incremental = since.is_some();
        let mut reader = read::Reader::new(self, source.kind, &source.url, since);
        let mut high_water = source.high_water;
        // The mark may not pass an item that could not be taken: the next run tries it again.
        let mut hold: Option<DateTime<Utc>> = None;
        let mut seen = HashSet::new();
        let mut pages = 0u32;
        // Before writing anything read, the run makes sure it still holds the source (the
        // heartbeat renews it during long reads; this renews it at every step).
        let check_lease = || async {
            let mut conn = self.store().conn().await.map_err(Failure::internal)?;
            let until = Utc::now() + self.harvest_lease();
            let held =
                scheduled::extend_lease(&mut conn, scheduled::HARVESTS, source.id, run_id, until)
                    .await
                    .map_err(Failure::internal)?;
            if held && !lease_lost.load(std::sync::atomic::Ordering::SeqCst) {
                Ok(())
            } else {
                Err(Failure::new(
                    "lease_lost",
                    "another server took the run over: its lease could not be renewed",
                ))
            }
        };
        let mut next = reader.next_page().await?;
        while let Some(page) = next {
            check_lease().await?;
            pages += 1;
            if pages > self.config().harvest.max_pages {
                return Err(read::too_many_pages(self.config().harvest.max_pages));
            }
            hold = earliest(hold, page.hold);
            let mut items = Vec::with_capacity(page.items.len());
            for item in page.items {
                match item {
                    Ok(remote) => {
                        seen.insert(remote.remote_id.clone());
                        high_water = high_water.max(remote.remote_modified);
                        items.push(remote);
                    }
                    Err(e) => {
                        // It is still at the source: its copy is not gone.
                        seen.insert(e.remote_id.clone());
                        tally.fail(e.remote_id, e.message);
                    }
                }
            }
            // The next page is read while this one is written: the source and the database
            // each take their time, and neither waits for the other.
            let (applied, following) =
                futures::join!(target.apply_page(self, items, tally), reader.next_page());
            hold = earliest(hold, applied.map_err(Failure::internal)?);
            next = following?;
        }
        // An incremental read saw only what changed; the ids of everything still there come
        // from a sweep of the whole source.
        let present = if incremental {
            reader.sweep_ids().await?
        } else {
            seen
        };
        check_lease().await?;
        target
            .archive_gone(self, &present, tally)
            .await
            .map_err(Failure::internal)?;
        Ok(match hold {
            Some(hold) => high_water.map(|h| h.min(hold)),
            None => high_water,
        })
    }
}

/// The earlier of two optional instants.
fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
