//! The watchdog: runs the checks of [`dulieu_checks`] on datasets and keeps what they find.
//!
//! - [`App::check_datasets`] gathers each dataset's facts (sniffed content, link-check history,
//!   table ingests) in batches, evaluates the profile's rules on every core, and stores each
//!   report with its summary in one transaction per page. A changed report appends a `quality`
//!   event (so the search projection picks up the new stars) and brings the dataset's feedback
//!   tickets in step ([`tickets`]).
//! - [`schedule`] is the loop the worker runs beside its jobs: it follows the event log (a
//!   changed dataset is checked again), sweeps the whole catalog, checks remote links and sends
//!   the publishers' digest when each is due.
//! - [`views`] is what pages, the API and the CLI show: a dataset's report, an organization's
//!   scorecard, the national league table and the findings as open data.

mod digest;
mod facts;
pub mod schedule;
mod texts;
mod tickets;
pub mod views;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use dulieu_checks::{Profile, Report, Severity};
use dulieu_config::Config;
use dulieu_core::catalog::Dataset;
use dulieu_core::event::NewEvent;
use dulieu_core::{Error, Result};
use dulieu_store::quality::{self, QualitySummary};
use uuid::Uuid;

use crate::App;

pub use texts::{finding_text, subject_text};

/// Entity type of the watchdog's events: one per page of checks that changed reports, listing
/// the datasets in `after.dataset_ids`. They are not about a dataset's own history, so their
/// entity id is the check's own.
pub const QUALITY_ENTITY: &str = "quality";

/// Datasets checked per page (one transaction each).
pub const PAGE: usize = 500;

/// The watchdog's settings in force.
pub(crate) struct Watchdog {
    /// The compliance profile.
    pub(crate) profile: Arc<Profile>,
    /// One link check at a time per host, a second apart.
    pub(crate) gate: dulieu_fetch::HostGate,
}

impl Watchdog {
    /// The built-in profile, or the one `[quality] profile` names (a broken file stops the
    /// start, with what is wrong and where).
    pub(crate) fn from_config(config: &Config) -> Result<Self> {
        let profile = if config.quality.profile.is_empty() {
            Profile::default_profile()
        } else {
            let path = &config.quality.profile;
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::Internal(format!("cannot read the compliance profile {path}: {e}"))
            })?;
            Profile::from_toml(&text)
                .map_err(|e| Error::Internal(format!("compliance profile {path}: {e}")))?
        };
        Ok(Self {
            profile: Arc::new(profile),
            gate: dulieu_fetch::HostGate::new(Duration::from_secs(1)),
        })
    }
}

/// What checking a page of datasets did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckRun {
    /// Datasets checked.
    pub checked: usize,
    /// Reports that changed.
    pub changed: usize,
    /// Tickets opened.
    pub opened: usize,
    /// Tickets updated.
    pub updated: usize,
    /// Tickets closed.
    pub closed: usize,
}

impl CheckRun {
    /// Adds another run's counts.
    pub fn add(&mut self, other: CheckRun) {
        self.checked += other.checked;
        self.changed += other.changed;
        self.opened += other.opened;
        self.updated += other.updated;
        self.closed += other.closed;
    }
}

/// The wire name of a serialised enum value.
fn wire_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The summary columns of a report.
pub(crate) fn summary_of(dataset: &Dataset, report: &Report, at: DateTime<Utc>) -> QualitySummary {
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count() as i64;
    let mut violated: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Violation)
        .map(|f| f.rule.as_str().to_string())
        .collect();
    violated.sort();
    violated.dedup();
    QualitySummary {
        dataset_id: dataset.id,
        organization_id: dataset.publisher_id,
        public: dataset.is_public(),
        checked_at: at,
        profile: report.profile.clone(),
        stars: i64::from(report.scores.stars.dataset),
        mqa_points: report.scores.mqa.points,
        mqa_band: report.scores.mqa.band.as_str().to_string(),
        udata_score: report.scores.udata.score,
        godi_points: i64::from(report.scores.godi.points),
        odi_level: wire_name(&report.scores.odi.level),
        violations: count(Severity::Violation),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        violated_rules: violated,
    }
}

impl App {
    /// The compliance profile in force.
    pub fn quality_profile(&self) -> &Profile {
        &self.inner.watchdog.profile
    }

    /// Checks `datasets` at `now` and stores what changed: facts in batches, the rules on every
    /// core, one transaction with the events, then the tickets of datasets whose report changed
    /// (when `[quality] tickets` is on).
    pub async fn check_datasets(
        &self,
        datasets: Vec<Dataset>,
        now: DateTime<Utc>,
    ) -> Result<CheckRun> {
        if datasets.is_empty() {
            return Ok(CheckRun::default());
        }
        let facts = self.facts_of(&datasets, now).await?;
        let profile = self.inner.watchdog.profile.clone();
        let reports = tokio::task::spawn_blocking(move || evaluate_all(&profile, &facts))
            .await
            .map_err(|e| Error::Internal(format!("checks failed: {e}")))?;
        let mut run = CheckRun {
            checked: datasets.len(),
            ..CheckRun::default()
        };
        let changed = self.store_reports(&datasets, &reports, now).await?;
        run.changed = changed.len();
        if self.config().quality.tickets {
            for i in changed {
                match self.sync_tickets(&datasets[i], &reports[i]).await {
                    Ok(tickets) => {
                        run.opened += tickets.opened;
                        run.updated += tickets.updated;
                        run.closed += tickets.closed;
                    }
                    Err(e) => {
                        tracing::warn!(dataset = %datasets[i].id, error = %e, "watchdog tickets not updated")
                    }
                }
            }
        }
        Ok(run)
    }

    /// Checks the datasets with these ids (those that still exist).
    pub async fn check_dataset_ids(&self, ids: &[Uuid], now: DateTime<Utc>) -> Result<CheckRun> {
        let mut run = CheckRun::default();
        for chunk in ids.chunks(PAGE) {
            let mut conn = self.store().conn().await?;
            let mut datasets = Vec::with_capacity(chunk.len());
            for id in chunk {
                if let Some(d) = dulieu_store::datasets::get(&mut conn, &id.to_string()).await? {
                    datasets.push(d);
                }
            }
            drop(conn);
            run.add(self.check_datasets(datasets, now).await?);
        }
        Ok(run)
    }

    /// Stores the reports in one transaction, with a `quality` event per changed report and the
    /// day's summary of each organization touched; returns the indexes of the changed ones.
    async fn store_reports(
        &self,
        datasets: &[Dataset],
        reports: &[Report],
        now: DateTime<Utc>,
    ) -> Result<Vec<usize>> {
        let mut page = Vec::with_capacity(datasets.len());
        for (dataset, report) in datasets.iter().zip(reports) {
            let json = serde_json::to_string(report).map_err(Error::internal)?;
            page.push((summary_of(dataset, report, now), json));
        }
        let mut tx = self.store().begin().await?;
        let saved = quality::save_page(&mut tx, &page).await?;
        let mut changed = Vec::new();
        let mut organizations = std::collections::BTreeSet::new();
        for (i, ((summary, _), saved)) in page.iter().zip(saved).enumerate() {
            if saved.report_changed {
                changed.push(i);
                organizations.insert(summary.organization_id);
            }
        }
        if !changed.is_empty() {
            let ids: Vec<Uuid> = changed.iter().map(|&i| page[i].0.dataset_id).collect();
            dulieu_store::events::append(
                &mut tx,
                &NewEvent {
                    actor_id: None,
                    entity_type: QUALITY_ENTITY,
                    entity_id: Uuid::now_v7(),
                    parent_id: None,
                    action: "checked",
                    before: None,
                    after: Some(serde_json::json!({ "dataset_ids": ids })),
                },
            )
            .await?;
        }
        for org in organizations {
            quality::record_organization_day(&mut tx, org, now.date_naive()).await?;
        }
        tx.commit().await.map_err(Error::internal)?;
        if !changed.is_empty() {
            self.inner.search.wake();
        }
        Ok(changed)
    }
}

/// Evaluates every dataset's facts, spread over the cores, in order.
fn evaluate_all(profile: &Profile, facts: &[dulieu_checks::DatasetFacts]) -> Vec<Report> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let size = facts.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = facts
            .chunks(size)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|f| dulieu_checks::evaluate(profile, f))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// The datasets whose report a `quality` event says changed.
pub fn event_datasets(event: &dulieu_core::event::Event) -> Vec<Uuid> {
    if event.entity_type != QUALITY_ENTITY {
        return Vec::new();
    }
    event
        .after
        .as_ref()
        .and_then(|after| after.get("dataset_ids"))
        .and_then(|ids| ids.as_array())
        .map(|ids| {
            ids.iter()
                .filter_map(|id| id.as_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}
