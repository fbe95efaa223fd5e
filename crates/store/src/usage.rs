//! Usage of datasets: downloads counted per dataset and UTC day (migration 0003). A download is one
//! upsert of its day's counter; nothing goes to the event log.

use chrono::NaiveDate;
use dulieu_core::Result;
use uuid::Uuid;

use crate::codec::RowExt;
use crate::datasets::is_public_sql;
use crate::{Conn, db_error};

/// The stored form of a day: `YYYY-MM-DD`, so text order is day order.
fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Counts one download of `dataset_id` on `day`.
pub async fn record_download(conn: &mut Conn, dataset_id: Uuid, day: NaiveDate) -> Result<()> {
    sqlx::query(
        "INSERT INTO dataset_downloads (dataset_id, day, downloads) VALUES ($1, $2, 1)
         ON CONFLICT (dataset_id, day) DO UPDATE SET downloads = dataset_downloads.downloads + 1",
    )
    .bind(dataset_id.to_string())
    .bind(day_text(day))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The public datasets downloaded most from `since` (inclusive) on: at most `limit` pairs of
/// dataset id and downloads, most downloaded first (ties by id). Datasets without downloads in
/// that time are not listed.
pub async fn most_downloaded(
    conn: &mut Conn,
    since: NaiveDate,
    limit: i64,
) -> Result<Vec<(Uuid, i64)>> {
    let rows = sqlx::query(concat!(
        "SELECT u.dataset_id, CAST(SUM(u.downloads) AS BIGINT) AS downloads
         FROM dataset_downloads u JOIN datasets d ON d.id = u.dataset_id
         WHERE u.day >= $1 AND ",
        is_public_sql!(),
        " GROUP BY u.dataset_id ORDER BY downloads DESC, u.dataset_id LIMIT $2"
    ))
    .bind(day_text(since))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| Ok((row.uuid("dataset_id")?, row.int("downloads")?)))
        .collect()
}

/// Every download of `dataset_id` counted so far (0 when none). What a popularity sort reads.
pub async fn total_downloads(conn: &mut Conn, dataset_id: Uuid) -> Result<i64> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(downloads), 0) AS BIGINT) FROM dataset_downloads WHERE dataset_id = $1",
    )
    .bind(dataset_id.to_string())
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)
}
