//! Datasets.

use chrono::{DateTime, Utc};
use dulieu_core::catalog::{ContactPoint, Dataset, DatasetInput, Temporal};
use dulieu_core::text::LangText;
use dulieu_core::vocab::{AccessRights, DatasetStatus, OrgKind};
use dulieu_core::{Error, Result};
use uuid::Uuid;

use crate::codec::{RowExt, date, json_text, ts};
use crate::organizations::slug_conflict;
use crate::{Conn, db_error, distributions};

/// The columns of a dataset `d` with its publisher `o` and license `l`.
macro_rules! dataset_columns {
    () => {
        "d.id, d.slug, d.title_vi, d.title_en, d.description_vi, d.description_en,
        d.publisher_id, o.slug AS publisher_slug, o.kind AS publisher_kind, d.contact_name,
        d.contact_email, d.keywords, d.themes, d.license_id, l.is_open AS license_open,
        d.access_rights, d.temporal_start, d.temporal_end, d.spatial, d.frequency, d.issued,
        d.modified, d.version, d.status, d.created_at, d.updated_at"
    };
}
pub(crate) use dataset_columns;

/// Joins the publisher `o` and license `l` of dataset `d`.
macro_rules! join_publisher_and_license {
    () => {
        " FROM datasets d
        JOIN organizations o ON o.id = d.publisher_id
        JOIN licenses l ON l.id = d.license_id"
    };
}
pub(crate) use join_publisher_and_license;

pub(crate) const SELECT: &str =
    concat!("SELECT ", dataset_columns!(), join_publisher_and_license!());

/// A dataset with its distributions: one row per distribution (or one row without any), in
/// distribution order. `in id order: CONDITION` orders the rows of several datasets by dataset
/// id first (see [`group_rows`]).
macro_rules! select_with_distributions {
    (in id order: $($condition:tt)+) => {
        select_with_distributions!(@ "d.id, ", $($condition)+)
    };
    (@ $order:literal, $($condition:tt)+) => {
        concat!(
            "SELECT ",
            $crate::datasets::dataset_columns!(),
            ", ",
            $crate::distributions::distribution_columns!(),
            $crate::datasets::join_publisher_and_license!(),
            " LEFT JOIN distributions x ON x.dataset_id = d.id",
            $crate::distributions::join_current_version!(),
            " WHERE ",
            $($condition)+,
            " ORDER BY ",
            $order,
            "x.position, x.created_at"
        )
    };
    ($($condition:tt)+) => {
        select_with_distributions!(@ "", $($condition)+)
    };
}
pub(crate) use select_with_distributions;

/// Who is reading, for visibility filtering in lists.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// Sees everything (sysadmin).
    pub sees_all: bool,
    /// Also sees private datasets of the organizations this user belongs to.
    pub user_id: Option<Uuid>,
}

/// Filters of a dataset list.
#[derive(Debug, Clone, Default)]
pub struct DatasetFilter {
    /// Only datasets of this publisher.
    pub publisher_id: Option<Uuid>,
    /// Only datasets with this status.
    pub status: Option<DatasetStatus>,
}

pub(crate) fn from_row(row: &impl RowExt) -> Result<Dataset> {
    let parse_err =
        |what: &str, v: &str| Error::Internal(format!("unknown {what} {v:?} in database"));
    let kind_text = row.text("publisher_kind")?;
    let kind = OrgKind::parse(&kind_text).ok_or_else(|| parse_err("kind", &kind_text))?;
    let access = row.text("access_rights")?;
    let status = row.text("status")?;
    let contact_name = row.opt_text("contact_name")?;
    let contact_email = row.opt_text("contact_email")?;
    let start = row.opt_date("temporal_start")?;
    let end = row.opt_date("temporal_end")?;
    Ok(Dataset {
        id: row.uuid("id")?,
        slug: row.text("slug")?,
        title: LangText {
            vi: row.opt_text("title_vi")?,
            en: row.opt_text("title_en")?,
        },
        description: LangText {
            vi: row.opt_text("description_vi")?,
            en: row.opt_text("description_en")?,
        },
        publisher: row.text("publisher_slug")?,
        publisher_id: row.uuid("publisher_id")?,
        provenance: kind.provenance(),
        contact_point: (contact_name.is_some() || contact_email.is_some()).then_some(
            ContactPoint {
                name: contact_name,
                email: contact_email,
            },
        ),
        keywords: row.json("keywords")?,
        themes: row.json("themes")?,
        license: row.text("license_id")?,
        license_open: row.flag("license_open")?,
        access_rights: AccessRights::parse(&access).ok_or_else(|| parse_err("access", &access))?,
        temporal: (start.is_some() || end.is_some()).then_some(Temporal { start, end }),
        spatial: row.opt_text("spatial")?,
        frequency: row.opt_text("frequency")?,
        issued: row.opt_date("issued")?,
        modified: row.opt_date("modified")?,
        version: row.opt_text("version")?,
        status: DatasetStatus::parse(&status).ok_or_else(|| parse_err("status", &status))?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
        distributions: Vec::new(),
    })
}

/// The single-dataset query by id, for other readers of the same database.
pub(crate) const SELECT_WITH_DISTRIBUTIONS_BY_ID: &str = select_with_distributions!("d.id = $1");
/// The single-dataset query by slug, for other readers of the same database.
pub(crate) const SELECT_WITH_DISTRIBUTIONS_BY_SLUG: &str =
    select_with_distributions!("d.slug = $1");

/// Finds a dataset by id or slug, with its distributions, in one query.
pub async fn get(conn: &mut Conn, id_or_slug: &str) -> Result<Option<Dataset>> {
    let rows = match Uuid::parse_str(id_or_slug) {
        Ok(id) => {
            sqlx::query(SELECT_WITH_DISTRIBUTIONS_BY_ID)
                .bind(id.to_string())
                .fetch_all(&mut *conn)
                .await
        }
        Err(_) => {
            sqlx::query(SELECT_WITH_DISTRIBUTIONS_BY_SLUG)
                .bind(id_or_slug)
                .fetch_all(&mut *conn)
                .await
        }
    }
    .map_err(db_error)?;
    from_rows(&rows)
}

/// Builds a dataset from the rows of a `select_with_distributions!` query (none: not found).
pub(crate) fn from_rows<R: RowExt>(rows: &[R]) -> Result<Option<Dataset>> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let mut dataset = from_row(first)?;
    for row in rows {
        if row.opt_text("x_id")?.is_some() {
            dataset.distributions.push(distributions::from_row(row)?);
        }
    }
    Ok(Some(dataset))
}

/// Builds the datasets of a `select_with_distributions!(in id order: …)` query: each run of rows
/// with the same dataset id is one dataset.
pub(crate) fn group_rows<R: RowExt>(rows: &[R]) -> Result<Vec<Dataset>> {
    let mut datasets = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let id = rows[start].text("id")?;
        let mut end = start + 1;
        while end < rows.len() && rows[end].text("id")? == id {
            end += 1;
        }
        datasets.extend(from_rows(&rows[start..end])?);
        start = end;
    }
    Ok(datasets)
}

/// The SQL condition of `Dataset::is_public` on a dataset row aliased `d`: published or archived,
/// with public access rights.
macro_rules! is_public_sql {
    () => {
        "(d.status IN ('published', 'archived') AND d.access_rights = 'public')"
    };
}
pub(crate) use is_public_sql;

/// One page of datasets visible to `viewer`, newest first, with distributions, and the total count.
pub async fn list(
    conn: &mut Conn,
    viewer: &Viewer,
    filter: &DatasetFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Dataset>, i64)> {
    const VISIBLE: &str = concat!(
        " WHERE ($1 = 1 OR ",
        is_public_sql!(),
        "
            OR d.publisher_id IN (SELECT m.organization_id FROM memberships m WHERE m.user_id = $2))
        AND ($4 IS NULL OR d.status = $4)"
    );
    // One publisher's datasets are found through the publisher index: the condition names the
    // column only when it filters (`$3 IS NULL OR …` would read the whole table).
    let of_publisher = match filter.publisher_id {
        Some(_) => " AND d.publisher_id = $3",
        None => " AND $3 IS NULL",
    };
    let sees_all = i64::from(viewer.sees_all);
    let user = viewer.user_id.map(|u| u.to_string());
    let publisher = filter.publisher_id.map(|p| p.to_string());
    let status = filter.status.map(|s| s.as_str().to_string());
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT}{VISIBLE}{of_publisher} ORDER BY d.created_at DESC, d.id DESC LIMIT $5 OFFSET $6"
    )))
    .bind(sees_all)
    .bind(user.clone())
    .bind(publisher.clone())
    .bind(status.clone())
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM datasets d{VISIBLE}{of_publisher}"
    )))
    .bind(sees_all)
    .bind(user)
    .bind(publisher)
    .bind(status)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    let datasets = with_distributions(conn, &rows).await?;
    Ok((datasets, total))
}

/// The datasets of `rows` with their distributions (one query for all of them).
pub(crate) async fn with_distributions(
    conn: &mut Conn,
    rows: &[sqlx::any::AnyRow],
) -> Result<Vec<Dataset>> {
    let mut datasets = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    let ids: Vec<Uuid> = datasets.iter().map(|d| d.id).collect();
    let mut by_dataset = distributions::list_for_datasets(conn, &ids).await?;
    for dataset in &mut datasets {
        dataset.distributions = by_dataset.remove(&dataset.id).unwrap_or_default();
    }
    Ok(datasets)
}

/// Every dataset (any status or access rights) with its distributions, by id, after `after`:
/// one keyset page of at most `limit`, for walking the whole catalog (e.g. rebuilding the search
/// index). Ids are UUIDv7 text, so id order is about creation order.
pub async fn scan(conn: &mut Conn, after: Option<Uuid>, limit: i64) -> Result<Vec<Dataset>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE d.id > $1 ORDER BY d.id LIMIT $2"
    )))
    .bind(crate::codec::lower_id(after))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    with_distributions(conn, &rows).await
}

/// The slugs of several datasets (those that exist), by id.
pub async fn slugs_of(
    conn: &mut Conn,
    ids: &[Uuid],
) -> Result<std::collections::BTreeMap<Uuid, String>> {
    let rows = crate::codec::fetch_in(
        conn,
        "SELECT id, slug FROM datasets WHERE id IN (:list)",
        &crate::codec::id_texts(ids),
    )
    .await?;
    rows.iter()
        .map(|row| Ok((row.uuid("id")?, row.text("slug")?)))
        .collect()
}

/// The ids of every dataset of a publisher, in id order.
pub async fn ids_of_publisher(conn: &mut Conn, publisher_id: Uuid) -> Result<Vec<Uuid>> {
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM datasets WHERE publisher_id = $1 ORDER BY id")
            .bind(publisher_id.to_string())
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?;
    ids.iter().map(|id| crate::codec::parse_uuid(id)).collect()
}

/// Inserts a validated dataset.
pub async fn insert(
    conn: &mut Conn,
    id: Uuid,
    input: &DatasetInput,
    publisher_id: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    write(
        conn,
        "INSERT INTO datasets (id, slug, title_vi, title_en, description_vi, description_en,
            publisher_id, contact_name, contact_email, keywords, themes, license_id, access_rights,
            temporal_start, temporal_end, spatial, frequency, issued, modified, version, status,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
            $19, $20, $21, $22, $22)",
        id,
        input,
        publisher_id,
        at,
    )
    .await
}

/// Replaces the writable fields of a dataset.
pub async fn update(
    conn: &mut Conn,
    id: Uuid,
    input: &DatasetInput,
    publisher_id: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    write(
        conn,
        "UPDATE datasets SET slug = $2, title_vi = $3, title_en = $4, description_vi = $5,
            description_en = $6, publisher_id = $7, contact_name = $8, contact_email = $9,
            keywords = $10, themes = $11, license_id = $12, access_rights = $13,
            temporal_start = $14, temporal_end = $15, spatial = $16, frequency = $17, issued = $18,
            modified = $19, version = $20, status = $21, updated_at = $22
         WHERE id = $1",
        id,
        input,
        publisher_id,
        at,
    )
    .await
}

/// Runs an insert or update whose parameters are the dataset fields in column order.
async fn write(
    conn: &mut Conn,
    sql: &'static str,
    id: Uuid,
    input: &DatasetInput,
    publisher_id: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    let contact = input.contact_point.clone().unwrap_or_default();
    let temporal = input.temporal.clone().unwrap_or_default();
    sqlx::query(sql)
        .bind(id.to_string())
        .bind(input.slug().to_string())
        .bind(input.title.vi.clone())
        .bind(input.title.en.clone())
        .bind(input.description.vi.clone())
        .bind(input.description.en.clone())
        .bind(publisher_id.to_string())
        .bind(contact.name)
        .bind(contact.email)
        .bind(json_text(&input.keywords)?)
        .bind(json_text(&input.themes)?)
        .bind(input.license.clone())
        .bind(input.access_rights.as_str())
        .bind(date(temporal.start))
        .bind(date(temporal.end))
        .bind(input.spatial.clone())
        .bind(input.frequency.clone())
        .bind(date(input.issued))
        .bind(date(input.modified))
        .bind(input.version.clone())
        .bind(input.status.as_str())
        .bind(ts(at))
        .execute(&mut *conn)
        .await
        .map_err(|e| slug_conflict(e, input.slug()))?;
    Ok(())
}

/// Marks a dataset changed now (after a distribution change).
pub async fn touch(conn: &mut Conn, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE datasets SET updated_at = $2, modified = $3 WHERE id = $1")
        .bind(id.to_string())
        .bind(ts(at))
        .bind(at.format("%Y-%m-%d").to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Deletes a dataset and its distribution records (stored files stay in the blob store).
pub async fn delete(conn: &mut Conn, id: Uuid) -> Result<()> {
    sqlx::query("DELETE FROM datasets WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Number of datasets (all statuses).
pub async fn count(conn: &mut Conn) -> Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM datasets")
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)
}

/// Whether a dataset has the slug `slug` (a cheap check: no dataset is read).
pub async fn slug_taken(conn: &mut Conn, slug: &str) -> Result<bool> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM datasets WHERE slug = $1")
        .bind(slug.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(found.is_some())
}
