//! Reads of the CKAN Action API: many datasets by id in a few queries (a `package_search` page
//! of up to 1,000 packages), and the public names and keywords (`package_list`, `tag_list`).

use std::collections::BTreeSet;

use dulieu_core::Result;
use dulieu_core::catalog::Dataset;
use uuid::Uuid;

use crate::codec::{RowExt, fetch_in, id_texts};
use crate::datasets::{SELECT, is_public_sql, with_distributions};
use crate::{Conn, db_error};

/// The datasets with these ids that exist, with their distributions, in `ids` order: one query
/// per 500 datasets and one for their distributions.
pub async fn datasets_by_ids(conn: &mut Conn, ids: &[Uuid]) -> Result<Vec<Dataset>> {
    let rows = fetch_in(
        conn,
        &format!("{SELECT} WHERE d.id IN (:list)"),
        &id_texts(ids),
    )
    .await?;
    let mut found = with_distributions(conn, &rows).await?;
    let position: std::collections::HashMap<&Uuid, usize> =
        ids.iter().enumerate().map(|(i, id)| (id, i)).collect();
    found.sort_by_key(|d| position.get(&d.id).copied().unwrap_or(usize::MAX));
    Ok(found)
}

/// The slugs of public datasets, A to Z, one page.
pub async fn public_slugs(conn: &mut Conn, offset: i64, limit: i64) -> Result<Vec<String>> {
    sqlx::query_scalar(concat!(
        "SELECT d.slug FROM datasets d WHERE ",
        is_public_sql!(),
        " ORDER BY d.slug LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)
}

/// The distinct keywords of public datasets, in text order.
pub async fn public_keywords(conn: &mut Conn) -> Result<Vec<String>> {
    let rows = sqlx::query(concat!(
        "SELECT d.keywords FROM datasets d WHERE ",
        is_public_sql!()
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let mut keywords = BTreeSet::new();
    for row in &rows {
        let list: Vec<String> = row.json("keywords")?;
        keywords.extend(list);
    }
    Ok(keywords.into_iter().collect())
}
