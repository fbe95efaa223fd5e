//! Usage of datasets: downloads are counted per dataset and day by the download use case
//! ([`App::download_target`]), read back as the most-used public datasets and per-dataset totals.

use chrono::{Days, NaiveDate, Utc};
use dulieu_core::Result;
use dulieu_core::catalog::Dataset;
use dulieu_store::{Conn, usage};
use uuid::Uuid;

use crate::App;

/// The period the most-used datasets are counted over, in days (today included).
pub const MOST_USED_DAYS: u64 = 30;

/// A dataset with the number of times it was downloaded in a period.
#[derive(Debug, Clone)]
pub struct DatasetUsage {
    /// The dataset (public), with its distributions.
    pub dataset: Dataset,
    /// Downloads counted in the period.
    pub downloads: u64,
}

/// Whether a download request is a use of the dataset to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// A download from the start of the file, or the redirect to a link: counted once.
    Count,
    /// Not a new download (a later part of a resumed or split download, a `HEAD`): not counted.
    Skip,
}

/// Today's date in UTC, the day downloads are counted on.
fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Counts one download of `dataset_id` today. Counting must not cost a download: a failure is
/// logged and the download goes on.
pub(crate) async fn count_download(conn: &mut Conn, dataset_id: Uuid) {
    if let Err(error) = usage::record_download(conn, dataset_id, today()).await {
        tracing::warn!(%error, %dataset_id, "download not counted");
    }
}

impl App {
    /// The `limit` public datasets downloaded most over the last [`MOST_USED_DAYS`] days, most
    /// first; empty while nothing was downloaded.
    pub async fn most_used_datasets(&self, limit: usize) -> Result<Vec<DatasetUsage>> {
        let since = today()
            .checked_sub_days(Days::new(MOST_USED_DAYS - 1))
            .unwrap_or(NaiveDate::MIN);
        let top = {
            let mut conn = self.store().conn().await?;
            usage::most_downloaded(&mut conn, since, i64::try_from(limit).unwrap_or(i64::MAX))
                .await?
        };
        let mut found = Vec::with_capacity(top.len());
        for (id, downloads) in top {
            // A dataset deleted or made private since the query is left out.
            if let Some(dataset) = self.store().read_dataset(&id.to_string()).await?
                && dataset.is_public()
            {
                found.push(DatasetUsage {
                    dataset: self.present(dataset),
                    downloads: u64::try_from(downloads).unwrap_or(0),
                });
            }
        }
        Ok(found)
    }

    /// Every download of the dataset counted so far. The caller has read the dataset (and so
    /// passed its visibility rule); a popularity sort reads the same number.
    pub async fn total_downloads(&self, dataset_id: Uuid) -> Result<u64> {
        let mut conn = self.store().conn().await?;
        let total = usage::total_downloads(&mut conn, dataset_id).await?;
        Ok(u64::try_from(total).unwrap_or(0))
    }
}
