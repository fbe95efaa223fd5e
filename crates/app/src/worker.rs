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
        let idle = Duration::from_millis(self.config().worker.poll_interval_ms.max(10));
        loop {
            if *shutdown.borrow() {
                return;
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
            other => anyhow::bail!("unknown job kind {other:?}"),
        }
    }
}
