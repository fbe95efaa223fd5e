//! The public catalog for the exports (DCAT-AP, data.json, sitemap): only datasets anyone may
//! see (`Dataset::is_public`), in id order, a page at a time, with their distributions loaded in
//! one query per page.
//!
//! Keyset conditions compare ids with a bound value only (see `codec::lower_id`).

use chrono::{DateTime, Utc};
use dulieu_core::Result;
use dulieu_core::catalog::Dataset;
use uuid::Uuid;

use crate::codec::{RowExt, lower_id};
use crate::datasets::{
    SELECT, group_rows, is_public_sql, select_with_distributions, with_distributions,
};
use crate::{Conn, db_error};

/// Public datasets with ids from `$1` on, in id order, one row per distribution.
pub(crate) const PUBLIC_FROM: &str =
    select_with_distributions!(in id order: is_public_sql!(), " AND d.id >= $1");
/// Public datasets with ids from `$1` up to `$2` (left out), in id order, one row per
/// distribution.
pub(crate) const PUBLIC_BETWEEN: &str = select_with_distributions!(
    in id order: is_public_sql!(), " AND d.id >= $1 AND d.id < $2"
);

/// Public datasets with ids after `after` (all when `None`), at most `limit`, in id order, with
/// their distributions: a keyset page for walking the whole public catalog.
pub async fn public_after(
    conn: &mut Conn,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Dataset>> {
    const WHERE: &str = concat!(" WHERE ", is_public_sql!(), " AND d.id > $1");
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT}{WHERE} ORDER BY d.id LIMIT $2"
    )))
    .bind(lower_id(after))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    with_distributions(conn, &rows).await
}

/// The id starting each run of `size` public datasets in id order (the first, the
/// `size + 1`th, ...): the bounds of batches that can be read at the same time.
pub async fn public_batch_starts(conn: &mut Conn, size: i64) -> Result<Vec<Uuid>> {
    let rows = sqlx::query(concat!(
        "SELECT id FROM (SELECT d.id, ROW_NUMBER() OVER (ORDER BY d.id) AS n FROM datasets d",
        " WHERE ",
        is_public_sql!(),
        ") numbered WHERE (n - 1) % $1 = 0 ORDER BY id"
    ))
    .bind(size.max(1))
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter().map(|row| row.uuid("id")).collect()
}

/// Public datasets with ids from `from` (included) to `to` (left out), either end open when
/// `None`, in id order, with their distributions (one query).
pub async fn public_between(
    conn: &mut Conn,
    from: Option<Uuid>,
    to: Option<Uuid>,
) -> Result<Vec<Dataset>> {
    let query = match to {
        Some(to) => sqlx::query(PUBLIC_BETWEEN)
            .bind(lower_id(from))
            .bind(to.to_string()),
        None => sqlx::query(PUBLIC_FROM).bind(lower_id(from)),
    };
    let rows = query.fetch_all(&mut *conn).await.map_err(db_error)?;
    group_rows(&rows)
}

/// Public datasets `offset..offset + limit` in id order, with their distributions: one numbered
/// page of the catalog.
pub async fn public_page(conn: &mut Conn, offset: i64, limit: i64) -> Result<Vec<Dataset>> {
    const WHERE: &str = concat!(" WHERE ", is_public_sql!());
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT}{WHERE} ORDER BY d.id LIMIT $1 OFFSET $2"
    )))
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    with_distributions(conn, &rows).await
}

/// How many datasets are public.
pub async fn public_count(conn: &mut Conn) -> Result<i64> {
    sqlx::query_scalar(concat!(
        "SELECT COUNT(*) FROM datasets d WHERE ",
        is_public_sql!()
    ))
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)
}

/// Slug and last change of public datasets after `after` (all when `None`), at most `limit`, in
/// id order, with the id of the last one for the next call: what a sitemap needs.
pub async fn public_slugs_after(
    conn: &mut Conn,
    after: Option<Uuid>,
    limit: i64,
) -> Result<(Vec<(String, DateTime<Utc>)>, Option<Uuid>)> {
    let rows = sqlx::query(concat!(
        "SELECT d.id, d.slug, d.updated_at FROM datasets d WHERE ",
        is_public_sql!(),
        " AND d.id > $1 ORDER BY d.id LIMIT $2"
    ))
    .bind(lower_id(after))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let last = rows.last().map(|row| row.uuid("id")).transpose()?;
    let entries = rows
        .iter()
        .map(|row| Ok((row.text("slug")?, row.time("updated_at")?)))
        .collect::<Result<Vec<_>>>()?;
    Ok((entries, last))
}
