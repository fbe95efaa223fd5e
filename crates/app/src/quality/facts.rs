//! Gathering what the checks look at, a page of datasets at a time: the link-check history of
//! their remote URLs, their table ingests and what their stored files' first bytes are (sniffed
//! once per checksum and kept).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use dulieu_checks::{DatasetFacts, DistributionFacts, LinkCheck, PullFacts, Sniffed, TableFacts};
use dulieu_core::Result;
use dulieu_core::catalog::Dataset;
use dulieu_store::{pull, quality, tables};
use futures::StreamExt;
use uuid::Uuid;

use crate::App;

/// Bytes read from the start of a file to tell what it is.
const SNIFF_BYTES: u64 = 64 * 1024;

/// What the checks need to know about a distribution's scheduled pull.
fn pull_facts(source: &dulieu_core::pull::PullSource) -> PullFacts {
    PullFacts {
        source: source
            .url
            .clone()
            .or_else(|| source.connection.clone())
            .unwrap_or_default(),
        consecutive_failures: u32::try_from(source.consecutive_failures).unwrap_or(u32::MAX),
        failing_since: source.failing_since,
        last_error_code: source.last_error_code.clone(),
        last_error: source.last_error.clone(),
    }
}

impl App {
    /// The facts of each dataset, in order, read in a few queries for the whole page.
    pub(crate) async fn facts_of(
        &self,
        datasets: &[Dataset],
        now: DateTime<Utc>,
    ) -> Result<Vec<DatasetFacts>> {
        let distribution_ids: Vec<Uuid> = datasets
            .iter()
            .flat_map(|d| d.distributions.iter().map(|x| x.id))
            .collect();
        let mut conn = self.store().conn().await?;
        let links = quality::link_checks(&mut conn, &distribution_ids).await?;
        let pulls = pull::of_distributions(&mut conn, &distribution_ids).await?;
        let dataset_ids: Vec<Uuid> = datasets.iter().map(|d| d.id).collect();
        let ingests: HashMap<Uuid, TableFacts> = tables::list_for_datasets(&mut conn, &dataset_ids)
            .await?
            .iter()
            .map(|i| (i.distribution_id, TableFacts::from_ingest(i)))
            .collect();
        let mut shas: Vec<String> = datasets
            .iter()
            .flat_map(|d| d.distributions.iter().filter_map(|x| x.sha256.clone()))
            .collect();
        shas.sort();
        shas.dedup();
        let stored = quality::sniffed(&mut conn, &shas).await?;
        drop(conn);
        let mut sniffs: HashMap<String, Sniffed> = stored
            .into_iter()
            .filter_map(|(sha, json)| Some((sha, serde_json::from_str(&json).ok()?)))
            .collect();
        let missing: Vec<String> = shas
            .into_iter()
            .filter(|s| !sniffs.contains_key(s))
            .collect();
        for sha in missing {
            if let Some(sniffed) = self.sniff_blob(&sha).await {
                sniffs.insert(sha, sniffed);
            }
        }
        Ok(datasets
            .iter()
            .map(|dataset| {
                let mut facts = DatasetFacts::new(dataset.clone(), now);
                facts.data_updated_at = dataset
                    .distributions
                    .iter()
                    .filter(|d| d.sha256.is_some())
                    .map(|d| d.updated_at)
                    .max();
                facts.distributions = dataset
                    .distributions
                    .iter()
                    .map(|d| DistributionFacts {
                        distribution_id: d.id,
                        sniffed: d.sha256.as_ref().and_then(|s| sniffs.get(s).cloned()),
                        link_checks: links
                            .get(&d.id)
                            .map(|checks| {
                                checks
                                    .iter()
                                    .map(|c| LinkCheck {
                                        checked_at: c.checked_at,
                                        status: c.status,
                                        error_code: c.error_code.clone(),
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                        table: ingests.get(&d.id).cloned(),
                        pull: pulls.get(&d.id).map(|stored| pull_facts(&stored.source)),
                    })
                    .collect();
                facts
            })
            .collect())
    }

    /// Reads the first bytes of a stored file, tells what they are and keeps the answer; `None`
    /// when the file cannot be read (the checks then judge by the declared format).
    async fn sniff_blob(&self, sha256: &str) -> Option<Sniffed> {
        let read = match self.blobs().open(sha256, Some(0..SNIFF_BYTES)).await {
            Ok(read) => read,
            Err(dulieu_core::Error::RangeNotSatisfiable { .. }) => {
                return Some(self.keep_sniff(sha256, dulieu_checks::sniff(b"")).await);
            }
            Err(e) => {
                tracing::warn!(sha256, error = %e, "cannot read a stored file to sniff it");
                return None;
            }
        };
        let mut bytes = Vec::new();
        let mut stream = read.stream;
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(chunk) => bytes.extend_from_slice(&chunk),
                Err(e) => {
                    tracing::warn!(sha256, error = %e, "cannot read a stored file to sniff it");
                    return None;
                }
            }
        }
        Some(self.keep_sniff(sha256, dulieu_checks::sniff(&bytes)).await)
    }

    async fn keep_sniff(&self, sha256: &str, sniffed: Sniffed) -> Sniffed {
        let saved = match self.store().conn().await {
            Ok(mut conn) => quality::save_sniffed(&mut conn, sha256, &sniffed, Utc::now()).await,
            Err(e) => Err(e),
        };
        if let Err(e) = saved {
            tracing::warn!(sha256, error = %e, "cannot keep a sniff");
        }
        sniffed
    }
}
