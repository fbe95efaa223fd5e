//! The background worker: claims jobs from the durable queue and runs them, with retries.

use std::time::Duration;

use chrono::Utc;
use dulieu_core::job::Job;
use dulieu_core::{Error, Result};
use dulieu_store::jobs;
use tokio::sync::watch;

use crate::App;

/// Job kind: re-read a stored blob and check it still hashes to its key (fixity check).
pub const VERIFY_BLOB: &str = "blob.verify";

impl App {
    /// Runs jobs until `shutdown` turns true. Sweeps stale temporary uploads at start.
    pub async fn run_worker(&self, mut shutdown: watch::Receiver<bool>) {
        match self
            .blobs()
            .sweep_temporary(chrono::Duration::hours(24))
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "removed stale temporary uploads"),
            Err(e) => tracing::warn!(error = %e, "could not sweep temporary uploads"),
        }
        match self.requeue_missing_tables().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                queued = n,
                "tables missing from the tables folder queued for ingest"
            ),
            Err(e) => tracing::warn!(error = %e, "could not look for missing tables"),
        }
        let watchdog = {
            let app = self.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(async move { app.run_watchdog(shutdown).await })
        };
        let pulls = self.config().pull.enabled.then(|| {
            let app = self.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(async move { app.run_pull_schedule(shutdown).await })
        });
        let harvests = self.config().harvest.enabled.then(|| {
            let app = self.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(async move { app.run_harvest_schedule(shutdown).await })
        });
        let idle = Duration::from_millis(self.config().worker.poll_interval_ms.max(10));
        let deadline_every =
            Duration::from_secs(self.config().tickets.check_interval_minutes.max(1) * 60);
        let mut next_deadline_check = std::time::Instant::now();
        // Live figures of the readiness assessments: at start, then every interval (0: never).
        let refresh_every = self.config().readiness.refresh_interval_minutes;
        let mut next_refresh = (refresh_every > 0).then(std::time::Instant::now);
        loop {
            if *shutdown.borrow() {
                let _ = watchdog.await;
                for schedule in [pulls, harvests].into_iter().flatten() {
                    let _ = schedule.await;
                }
                return;
            }
            if next_refresh.is_some_and(|at| std::time::Instant::now() >= at) {
                next_refresh =
                    Some(std::time::Instant::now() + Duration::from_secs(refresh_every * 60));
                self.refresh_live_evidence_on_schedule().await;
            }
            if std::time::Instant::now() >= next_deadline_check {
                next_deadline_check = std::time::Instant::now() + deadline_every;
                match self.check_deadlines(Utc::now()).await {
                    Ok(run) if run != crate::deadlines::DeadlineRun::default() => {
                        tracing::info!(
                            reminded = run.reminded,
                            overdue = run.overdue,
                            "deadline notices sent"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "deadline check failed"),
                }
            }
            let ran = match self.run_next_job().await {
                Ok(ran) => ran,
                Err(e) => {
                    tracing::error!(error = %e, "job queue unavailable");
                    false
                }
            };
            if !ran {
                tokio::select! {
                    _ = tokio::time::sleep(idle) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }

    /// Runs the scheduled pulls that come due until `shutdown` turns true (beside the jobs, so a
    /// long pull never holds up the queue).
    pub async fn run_pull_schedule(&self, shutdown: watch::Receiver<bool>) {
        let every = Duration::from_secs(self.config().pull.poll_interval_seconds.max(1));
        repeat(every, shutdown, || async {
            if let Err(e) = self.run_due_pulls(Utc::now()).await {
                tracing::warn!(error = %e, "cannot look for due pulls");
            }
        })
        .await;
    }

    /// Runs the harvest sources that come due until `shutdown` turns true (beside the jobs, so
    /// a long harvest never holds up the queue).
    pub async fn run_harvest_schedule(&self, shutdown: watch::Receiver<bool>) {
        let every = Duration::from_secs(self.config().harvest.poll_interval_seconds.max(1));
        repeat(every, shutdown, || async {
            if let Err(e) = self.run_due_harvests(Utc::now()).await {
                tracing::warn!(error = %e, "cannot look for due harvests");
            }
        })
        .await;
    }

    /// Claims and runs one due job; false when none was due.
    pub async fn run_next_job(&self) -> Result<bool> {
        let lease = chrono::Duration::seconds(self.config().worker.lease_seconds.max(1));
        let job = {
            let mut tx = self.store().begin().await?;
            let job = jobs::claim(&mut tx, Utc::now(), lease).await?;
            tx.commit().await.map_err(Error::internal)?;
            job
        };
        let Some(job) = job else { return Ok(false) };
        let outcome = self.execute(&job).await;
        let mut conn = self.store().conn().await?;
        match outcome {
            Ok(()) => jobs::complete(&mut conn, job.id).await?,
            Err(e) => {
                tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, error = %e, "job failed");
                jobs::fail(&mut conn, &job, &e.to_string(), Utc::now()).await?;
            }
        }
        Ok(true)
    }

    async fn execute(&self, job: &Job) -> anyhow::Result<()> {
        match job.kind.as_str() {
            VERIFY_BLOB => {
                let sha256 = job
                    .payload
                    .get("sha256")
                    .and_then(|v| v.as_str())
                    .ok_or_else(|| anyhow::anyhow!("payload has no sha256"))?;
                if !self.blobs().verify(sha256).await? {
                    anyhow::bail!("stored bytes of blob {sha256} no longer match their checksum");
                }
                Ok(())
            }
            crate::mail::SEND_MAIL => {
                let mail: crate::mail::Mail = serde_json::from_value(job.payload.clone())?;
                self.inner
                    .mailer
                    .send(&self.config().mail.from, &mail)
                    .await
            }
            crate::ingest::INGEST_TABLES => self.run_ingest_job(job).await,
            other => anyhow::bail!("unknown job kind {other:?}"),
        }
    }
}

/// Calls `tick` now and then every `every`, until `shutdown` turns true.
async fn repeat<F, Fut>(every: Duration, mut shutdown: watch::Receiver<bool>, mut tick: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    loop {
        if *shutdown.borrow() {
            return;
        }
        tick().await;
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => {}
        }
    }
}
