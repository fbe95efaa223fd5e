//! When the watchdog runs: the loop the worker starts beside its jobs follows the event log (a
//! dataset or distribution that changed is checked again within seconds) and, once a minute,
//! runs what is due: the full sweep, a round of link checks, the publishers' digest. Its
//! position in the log and the times of the last sweep and digest are kept in the database, so
//! a restart resumes where it stopped.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use dulieu_core::Result;
use dulieu_store::quality::{self, DueLink, StoredLinkCheck};
use dulieu_store::{datasets, events};
use futures::StreamExt;
use tokio::sync::watch;
use uuid::Uuid;

use super::{CheckRun, PAGE};
use crate::App;

/// State: the last event-log position the watchdog has checked.
const EVENTS_SEQ: &str = "events_seq";
/// State: when the last full sweep finished.
const LAST_SWEEP: &str = "last_sweep_at";
/// State: when the last digest was sent.
const LAST_DIGEST: &str = "last_digest_at";
/// Events read per batch.
const EVENT_BATCH: i64 = 500;
/// Batches of events read before the datasets they touched are checked.
const FOLLOW_BATCHES: usize = 20;
/// Remote URLs checked per round.
const LINKS_PER_ROUND: i64 = 50;
/// Link checks in flight at once (each host still one at a time).
const LINKS_AT_ONCE: usize = 4;
/// How often due duties are looked for.
const DUTY_EVERY: Duration = Duration::from_secs(60);

impl App {
    /// Runs the watchdog until `shutdown` turns true (the worker starts it).
    pub async fn run_watchdog(&self, mut shutdown: watch::Receiver<bool>) {
        if let Err(e) = self.start_watchdog_state().await {
            tracing::warn!(error = %e, "watchdog state unavailable");
        }
        let follow_every = Duration::from_millis(self.config().worker.poll_interval_ms.max(100));
        let mut next_duties = std::time::Instant::now();
        loop {
            if *shutdown.borrow() {
                return;
            }
            match self.follow_quality_events(Utc::now()).await {
                Ok(run) if run.checked > 0 => tracing::info!(
                    checked = run.checked,
                    changed = run.changed,
                    "watchdog checked changed datasets"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "watchdog cannot follow the event log"),
            }
            if std::time::Instant::now() >= next_duties {
                next_duties = std::time::Instant::now() + DUTY_EVERY;
                self.run_due_quality_duties(Utc::now()).await;
            }
            tokio::select! {
                _ = tokio::time::sleep(follow_every) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    /// On the first start: the log position is the current end (the first sweep covers what
    /// came before) and the first digest is one interval away.
    async fn start_watchdog_state(&self) -> Result<()> {
        let mut conn = self.store().conn().await?;
        if quality::state(&mut conn, EVENTS_SEQ).await?.is_none() {
            let last = events::last_seq(&mut conn).await?;
            quality::set_state(&mut conn, EVENTS_SEQ, &last.to_string()).await?;
        }
        if quality::state(&mut conn, LAST_DIGEST).await?.is_none() {
            quality::set_state(&mut conn, LAST_DIGEST, &Utc::now().to_rfc3339()).await?;
        }
        Ok(())
    }

    /// Runs the sweep, the link checks and the digest when each is due (errors are logged).
    pub async fn run_due_quality_duties(&self, now: DateTime<Utc>) {
        let settings = self.config().quality.clone();
        if self
            .is_due(LAST_SWEEP, settings.sweep_interval_hours, 3600, now)
            .await
        {
            match self.sweep_quality(now, |_, _| {}).await {
                Ok(run) => tracing::info!(
                    checked = run.checked,
                    changed = run.changed,
                    opened = run.opened,
                    closed = run.closed,
                    "watchdog sweep done"
                ),
                Err(e) => tracing::warn!(error = %e, "watchdog sweep failed"),
            }
        }
        if settings.link_check_interval_hours > 0 {
            match self.check_due_links(now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(links = n, "watchdog checked links"),
                Err(e) => tracing::warn!(error = %e, "watchdog link checks failed"),
            }
        }
        if self
            .is_due(LAST_DIGEST, settings.digest_interval_days, 86_400, now)
            .await
        {
            match self.send_quality_digests().await {
                Ok(sent) => tracing::info!(mails = sent, "quality digests queued"),
                Err(e) => tracing::warn!(error = %e, "quality digests failed"),
            }
            if let Err(e) = self.set_quality_state(LAST_DIGEST, &now.to_rfc3339()).await {
                tracing::warn!(error = %e, "cannot record the digest time");
            }
        }
    }

    /// True when `every` units of `unit_seconds` have passed since the time kept under `name`
    /// (never when `every` is 0; always when no time is kept).
    async fn is_due(&self, name: &str, every: u64, unit_seconds: i64, now: DateTime<Utc>) -> bool {
        if every == 0 {
            return false;
        }
        let last = match self.store().conn().await {
            Ok(mut conn) => quality::state(&mut conn, name).await.ok().flatten(),
            Err(_) => return false,
        };
        let Some(last) = last.and_then(|t| DateTime::parse_from_rfc3339(&t).ok()) else {
            return true;
        };
        let every = chrono::Duration::seconds(
            i64::try_from(every).unwrap_or(i64::MAX / 86_400) * unit_seconds,
        );
        now - last.with_timezone(&Utc) >= every
    }

    async fn set_quality_state(&self, name: &str, value: &str) -> Result<()> {
        let mut conn = self.store().conn().await?;
        quality::set_state(&mut conn, name, value).await
    }

    /// Checks again the datasets that changed since the watchdog's position in the event log
    /// (a dataset's events, a distribution's), then moves the position on. Up to
    /// `FOLLOW_BATCHES` batches of events are read before checking, so a dataset changed many
    /// times in a row is checked once.
    pub async fn follow_quality_events(&self, now: DateTime<Utc>) -> Result<CheckRun> {
        let mut run = CheckRun::default();
        let mut position: i64 = {
            let mut conn = self.store().conn().await?;
            quality::state(&mut conn, EVENTS_SEQ)
                .await?
                .and_then(|s| s.parse().ok())
                .unwrap_or(0)
        };
        loop {
            let from = position;
            let mut touched: BTreeSet<Uuid> = BTreeSet::new();
            let mut more = false;
            for _ in 0..FOLLOW_BATCHES {
                let batch = {
                    let mut conn = self.store().conn().await?;
                    events::since(&mut conn, position, EVENT_BATCH).await?
                };
                touched.extend(batch.iter().filter_map(|e| match e.entity_type.as_str() {
                    "dataset" if e.action != "deleted" => Some(e.entity_id),
                    "distribution" | crate::pull::SOURCE_ENTITY => e.parent_id,
                    _ => None,
                }));
                position = batch.last().map_or(position, |e| e.seq);
                more = batch.len() as i64 == EVENT_BATCH;
                if !more {
                    break;
                }
            }
            let ids: Vec<Uuid> = touched.into_iter().collect();
            run.add(self.check_dataset_ids(&ids, now).await?);
            if position != from {
                self.set_quality_state(EVENTS_SEQ, &position.to_string())
                    .await?;
            }
            if !more {
                return Ok(run);
            }
        }
    }

    /// Checks every dataset, a page at a time, calling `progress(done, total)` after each page;
    /// records the sweep's end.
    pub async fn sweep_quality(
        &self,
        now: DateTime<Utc>,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<CheckRun> {
        let total = {
            let mut conn = self.store().conn().await?;
            usize::try_from(datasets::count(&mut conn).await?).unwrap_or(0)
        };
        let mut run = CheckRun::default();
        let mut after = None;
        loop {
            let page = {
                let mut conn = self.store().conn().await?;
                datasets::scan(&mut conn, after, PAGE as i64).await?
            };
            let Some(last) = page.last().map(|d| d.id) else {
                break;
            };
            let size = page.len();
            after = Some(last);
            run.add(self.check_datasets(page, now).await?);
            progress(run.checked, total.max(run.checked));
            if size < PAGE {
                break;
            }
        }
        // Every organization's day, also where nothing changed, so trends have a point a day.
        {
            let mut conn = self.store().conn().await?;
            for org in dulieu_store::organizations::all(&mut conn).await? {
                quality::record_organization_day(&mut conn, org.id, now.date_naive()).await?;
            }
        }
        self.set_quality_state(LAST_SWEEP, &now.to_rfc3339())
            .await?;
        Ok(run)
    }

    /// Checks a round of remote URLs not checked for `[quality] link_check_interval_hours`
    /// (never checked first) through the guarded client, one request at a time per host, keeps
    /// the outcome and checks their datasets again; returns how many URLs were checked.
    pub async fn check_due_links(&self, now: DateTime<Utc>) -> Result<usize> {
        let settings = &self.config().quality;
        let hours = i64::try_from(settings.link_check_interval_hours).unwrap_or(i64::MAX / 3600);
        let before = now - chrono::Duration::hours(hours);
        let due = {
            let mut conn = self.store().conn().await?;
            quality::links_due(&mut conn, before, LINKS_PER_ROUND).await?
        };
        if due.is_empty() {
            return Ok(0);
        }
        let keep = i64::from(settings.link_history.max(1));
        let outcomes: Vec<(DueLink, StoredLinkCheck)> = futures::stream::iter(due)
            .map(|link| {
                let app = self.clone();
                async move {
                    let check = app.check_link(&link.url).await;
                    (link, check)
                }
            })
            .buffer_unordered(LINKS_AT_ONCE)
            .collect()
            .await;
        let mut datasets = BTreeSet::new();
        {
            let mut conn = self.store().conn().await?;
            for (link, check) in &outcomes {
                quality::add_link_check(&mut conn, link.distribution_id, check, keep).await?;
                datasets.insert(link.dataset_id);
            }
        }
        let ids: Vec<Uuid> = datasets.into_iter().collect();
        self.check_dataset_ids(&ids, now).await?;
        Ok(outcomes.len())
    }

    /// Checks one URL in its host's turn.
    async fn check_link(&self, url: &str) -> StoredLinkCheck {
        let _turn = self.inner.watchdog.gate.enter(url).await;
        match self.fetcher().check(url).await {
            Ok(answer) => StoredLinkCheck {
                checked_at: Utc::now(),
                url: url.to_string(),
                status: Some(answer.status),
                error_code: None,
            },
            Err(e) => StoredLinkCheck {
                checked_at: Utc::now(),
                url: url.to_string(),
                status: e.status(),
                error_code: Some(e.code().to_string()),
            },
        }
    }

    /// Checks a distribution's dataset again (after its tables were read).
    pub(crate) async fn recheck_distribution(&self, distribution_id: Uuid) {
        let dataset = match self.store().conn().await {
            Ok(mut conn) => dulieu_store::distributions::get(&mut conn, distribution_id)
                .await
                .map(|found| found.map(|(d, _)| d.dataset_id)),
            Err(e) => Err(e),
        };
        let checked = match dataset {
            Ok(Some(id)) => self.check_dataset_ids(&[id], Utc::now()).await.map(|_| ()),
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        };
        if let Err(e) = checked {
            tracing::warn!(distribution = %distribution_id, error = %e, "watchdog check after ingest failed");
        }
    }
}
