//! Distributions and their stored file versions.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use dulieu_core::Result;
use dulieu_core::catalog::{Distribution, DistributionInput, DistributionVersion};
use dulieu_core::text::LangText;
use uuid::Uuid;

use crate::codec::{RowExt, date, ts};
use crate::{Conn, db_error};

/// The columns of a distribution (aliased `x_*`), over `distributions x` joined to its dataset `d`
/// and, by [`JOIN_CURRENT_VERSION`], its current version `v`.
macro_rules! distribution_columns {
    () => {
        "x.id AS x_id, x.dataset_id AS x_dataset_id, x.title_vi AS x_title_vi,
        x.title_en AS x_title_en, x.description_vi AS x_description_vi,
        x.description_en AS x_description_en, x.format AS x_format, x.media_type AS x_media_type,
        x.remote_url AS x_remote_url, x.current_version AS x_current_version,
        x.license_id AS x_explicit_license, COALESCE(x.license_id, d.license_id) AS x_license,
        x.issued AS x_issued, x.modified AS x_modified, x.created_at AS x_created_at,
        x.updated_at AS x_updated_at, v.byte_size AS x_byte_size, v.sha256 AS x_sha256,
        v.filename AS x_filename"
    };
}
pub(crate) use distribution_columns;

/// Joins the current version `v` of distribution `x`.
macro_rules! join_current_version {
    () => {
        " LEFT JOIN distribution_versions v ON v.distribution_id = x.id AND v.version = x.current_version"
    };
}
pub(crate) use join_current_version;

const SELECT: &str = concat!(
    "SELECT ",
    distribution_columns!(),
    " FROM distributions x JOIN datasets d ON d.id = x.dataset_id",
    join_current_version!()
);

/// Reads the `x_*` columns of a row into a distribution.
pub(crate) fn from_row(row: &impl RowExt) -> Result<Distribution> {
    let remote_url = row.opt_text("x_remote_url")?;
    let byte_size = row.opt_int("x_byte_size")?;
    Ok(Distribution {
        id: row.uuid("x_id")?,
        dataset_id: row.uuid("x_dataset_id")?,
        title: LangText {
            vi: row.opt_text("x_title_vi")?,
            en: row.opt_text("x_title_en")?,
        },
        description: LangText {
            vi: row.opt_text("x_description_vi")?,
            en: row.opt_text("x_description_en")?,
        },
        format: row.opt_text("x_format")?,
        media_type: row.opt_text("x_media_type")?,
        url: remote_url.clone().unwrap_or_default(),
        remote_url,
        byte_size,
        sha256: row.opt_text("x_sha256")?,
        filename: row.opt_text("x_filename")?,
        version: row.int("x_current_version")?,
        license: row.text("x_license")?,
        issued: row.opt_date("x_issued")?,
        modified: row.opt_date("x_modified")?,
        created_at: row.time("x_created_at")?,
        updated_at: row.time("x_updated_at")?,
    })
}

/// Finds a distribution; also returns its explicitly set license (None = inherited).
pub async fn get(conn: &mut Conn, id: Uuid) -> Result<Option<(Distribution, Option<String>)>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE x.id = $1")))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    row.map(|row| Ok((from_row(&row)?, row.opt_text("x_explicit_license")?)))
        .transpose()
}

/// The distributions of one dataset, in creation order.
pub async fn list_for_dataset(conn: &mut Conn, dataset_id: Uuid) -> Result<Vec<Distribution>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE x.dataset_id = $1 ORDER BY x.position, x.created_at"
    )))
    .bind(dataset_id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// The distributions of several datasets, grouped by dataset.
pub async fn list_for_datasets(
    conn: &mut Conn,
    dataset_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Distribution>>> {
    let mut grouped: HashMap<Uuid, Vec<Distribution>> = HashMap::new();
    if dataset_ids.is_empty() {
        return Ok(grouped);
    }
    let sql = format!(
        "{SELECT} WHERE x.dataset_id IN ({}) ORDER BY x.position, x.created_at",
        crate::codec::placeholders(1, dataset_ids.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in dataset_ids {
        query = query.bind(id.to_string());
    }
    let rows = query.fetch_all(&mut *conn).await.map_err(db_error)?;
    for row in &rows {
        let distribution = from_row(row)?;
        grouped
            .entry(distribution.dataset_id)
            .or_default()
            .push(distribution);
    }
    Ok(grouped)
}

/// Inserts a distribution record (version 0: no file yet, or a remote link).
pub async fn insert(
    conn: &mut Conn,
    id: Uuid,
    dataset_id: Uuid,
    input: &DistributionInput,
    at: DateTime<Utc>,
) -> Result<()> {
    // Lock the dataset row first so concurrent inserts number positions one after the other.
    sqlx::query("UPDATE datasets SET updated_at = updated_at WHERE id = $1")
        .bind(dataset_id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    let position: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM distributions WHERE dataset_id = $1",
    )
    .bind(dataset_id.to_string())
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    sqlx::query(
        "INSERT INTO distributions (id, dataset_id, position, title_vi, title_en, description_vi,
            description_en, format, media_type, remote_url, current_version, license_id, issued,
            modified, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13, $14, $14)",
    )
    .bind(id.to_string())
    .bind(dataset_id.to_string())
    .bind(position)
    .bind(input.title.vi.clone())
    .bind(input.title.en.clone())
    .bind(input.description.vi.clone())
    .bind(input.description.en.clone())
    .bind(input.format.clone())
    .bind(input.media_type.clone())
    .bind(input.url.clone())
    .bind(input.license.clone())
    .bind(date(input.issued))
    .bind(date(input.modified))
    .bind(ts(at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Replaces the metadata of a distribution.
pub async fn update(
    conn: &mut Conn,
    id: Uuid,
    input: &DistributionInput,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE distributions SET title_vi = $2, title_en = $3, description_vi = $4,
            description_en = $5, format = $6, media_type = $7, remote_url = $8, license_id = $9,
            issued = $10, modified = $11, updated_at = $12
         WHERE id = $1",
    )
    .bind(id.to_string())
    .bind(input.title.vi.clone())
    .bind(input.title.en.clone())
    .bind(input.description.vi.clone())
    .bind(input.description.en.clone())
    .bind(input.format.clone())
    .bind(input.media_type.clone())
    .bind(input.url.clone())
    .bind(input.license.clone())
    .bind(date(input.issued))
    .bind(date(input.modified))
    .bind(ts(at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Records a new stored file as the next version and makes it current; returns the version number.
pub async fn add_version(
    conn: &mut Conn,
    id: Uuid,
    file: &NewFile,
    by: Option<Uuid>,
    at: DateTime<Utc>,
) -> Result<i64> {
    // Increment on the row itself: the row lock makes concurrent uploads take 1, 2, 3, ...
    let version: i64 = sqlx::query_scalar(
        "UPDATE distributions SET current_version = current_version + 1, updated_at = $2, modified = $3
         WHERE id = $1 RETURNING current_version",
    )
    .bind(id.to_string())
    .bind(ts(at))
    .bind(at.format("%Y-%m-%d").to_string())
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    sqlx::query(
        "INSERT INTO distribution_versions (distribution_id, version, sha256, byte_size, media_type,
            filename, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(version)
    .bind(file.sha256.clone())
    .bind(file.byte_size)
    .bind(file.media_type.clone())
    .bind(file.filename.clone())
    .bind(ts(at))
    .bind(by.map(|u| u.to_string()))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(version)
}

/// A stored file to record as a version.
#[derive(Debug, Clone)]
pub struct NewFile {
    /// SHA-256, hex.
    pub sha256: String,
    /// Size in bytes.
    pub byte_size: i64,
    /// Media type.
    pub media_type: Option<String>,
    /// Original file name.
    pub filename: Option<String>,
}

/// All file versions of a distribution, newest first.
pub async fn versions(conn: &mut Conn, id: Uuid) -> Result<Vec<DistributionVersion>> {
    let rows = sqlx::query(
        "SELECT distribution_id, version, sha256, byte_size, media_type, filename, created_at,
            created_by
         FROM distribution_versions WHERE distribution_id = $1 ORDER BY version DESC",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok(DistributionVersion {
                distribution_id: row.uuid("distribution_id")?,
                version: row.int("version")?,
                sha256: row.text("sha256")?,
                byte_size: row.int("byte_size")?,
                media_type: row.opt_text("media_type")?,
                filename: row.opt_text("filename")?,
                created_at: row.time("created_at")?,
                created_by: row.opt_uuid("created_by")?,
            })
        })
        .collect()
}

/// Deletes a distribution record and its version records (the stored files stay).
pub async fn delete(conn: &mut Conn, id: Uuid) -> Result<()> {
    sqlx::query("DELETE FROM distributions WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// True when some version of some distribution, or some ticket attachment, stores the blob
/// `sha256`.
pub async fn blob_is_referenced(conn: &mut Conn, sha256: &str) -> Result<bool> {
    let count: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM distribution_versions WHERE sha256 = $1)
              + (SELECT COUNT(*) FROM ticket_attachments WHERE sha256 = $1)",
    )
    .bind(sha256)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(count > 0)
}
