//! Inventory items (what each organization holds) and the data requests linked to them. The
//! writable fields are opaque JSON here (the inventory crate defines them); the columns lists
//! filter and sort on are written beside them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use dulieu_core::Result;
use dulieu_core::text::LangText;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, date, fetch_in, id_texts, ts};
use crate::{Conn, db_error};

/// One stored inventory item.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredItem {
    /// Stable id.
    pub id: Uuid,
    /// The organization holding the data.
    pub organization_id: Uuid,
    /// Its slug (read only; filled when read).
    pub organization: String,
    /// The writable fields as JSON.
    pub fields: String,
    /// The title to sort by (lower case).
    pub sort_title: String,
    /// Folded, lower-cased text the `q` filter searches.
    pub search_text: String,
    /// Sensitivity (wire name).
    pub sensitivity: String,
    /// Priority class (wire name).
    pub priority: String,
    /// Effort (wire name).
    pub effort: Option<String>,
    /// Status (wire name).
    pub status: String,
    /// Target publication date.
    pub target_date: Option<NaiveDate>,
    /// The linked dataset.
    pub dataset_id: Option<Uuid>,
    /// Its current slug (read only; filled when read).
    pub dataset_slug: Option<String>,
    /// The day it became published.
    pub published_on: Option<NaiveDate>,
    /// When it was recorded.
    pub created: DateTime<Utc>,
    /// When it last changed.
    pub modified: DateTime<Utc>,
}

/// Who reads a list: everything, or what the public may see plus the items of the
/// organizations the user belongs to.
#[derive(Debug, Clone, Default)]
pub struct ItemViewer {
    /// Sees every item (sysadmins, the portal team).
    pub sees_all: bool,
    /// The signed-in user, whose organizations' items are all visible.
    pub user_id: Option<Uuid>,
    /// The sensitivity hidden from everyone else (state secrets).
    pub hidden_sensitivity: String,
}

/// Filters of an inventory list; every one optional.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// Only items of this organization.
    pub organization_id: Option<Uuid>,
    /// Only items with this status.
    pub status: Option<String>,
    /// Only items of this priority class.
    pub priority: Option<String>,
    /// Only items of this sensitivity.
    pub sensitivity: Option<String>,
    /// Only items whose folded text contains this (already folded and lower-cased).
    pub text: Option<String>,
    /// Only items past their target date on this day and not decided (`final_statuses`).
    pub overdue_on: Option<NaiveDate>,
    /// The statuses that end an item's way (never overdue).
    pub final_statuses: [String; 2],
}

/// Sort order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ItemOrder {
    /// By title.
    #[default]
    Title,
    /// By target date (none last), then title.
    TargetDate,
    /// Most recently changed first.
    Modified,
}

const SELECT: &str = "SELECT i.id, i.organization_id, o.slug AS organization_slug, i.fields,
    i.sort_title, i.search_text, i.sensitivity, i.priority, i.effort, i.status, i.target_date,
    i.dataset_id, d.slug AS dataset_slug, i.published_on, i.created_at, i.modified_at
    FROM inventory_items i JOIN organizations o ON o.id = i.organization_id
    LEFT JOIN datasets d ON d.id = i.dataset_id";

fn from_row(row: &AnyRow) -> Result<StoredItem> {
    Ok(StoredItem {
        id: row.uuid("id")?,
        organization_id: row.uuid("organization_id")?,
        organization: row.text("organization_slug")?,
        fields: row.text("fields")?,
        sort_title: row.text("sort_title")?,
        search_text: row.text("search_text")?,
        sensitivity: row.text("sensitivity")?,
        priority: row.text("priority")?,
        effort: row.opt_text("effort")?,
        status: row.text("status")?,
        target_date: row.opt_date("target_date")?,
        dataset_id: row.opt_uuid("dataset_id")?,
        dataset_slug: row.opt_text("dataset_slug")?,
        published_on: row.opt_date("published_on")?,
        created: row.time("created_at")?,
        modified: row.time("modified_at")?,
    })
}

/// Records an item, or replaces the fields of the item with its id (its organization and
/// creation time stay as first recorded).
pub async fn save(conn: &mut Conn, item: &StoredItem) -> Result<()> {
    sqlx::query(
        "INSERT INTO inventory_items (id, organization_id, fields, sort_title, search_text,
            sensitivity, priority, effort, status, target_date, dataset_id, published_on,
            created_at, modified_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (id) DO UPDATE SET fields = excluded.fields,
            sort_title = excluded.sort_title, search_text = excluded.search_text,
            sensitivity = excluded.sensitivity, priority = excluded.priority,
            effort = excluded.effort, status = excluded.status,
            target_date = excluded.target_date, dataset_id = excluded.dataset_id,
            published_on = excluded.published_on, modified_at = excluded.modified_at",
    )
    .bind(item.id.to_string())
    .bind(item.organization_id.to_string())
    .bind(item.fields.clone())
    .bind(item.sort_title.clone())
    .bind(item.search_text.clone())
    .bind(item.sensitivity.clone())
    .bind(item.priority.clone())
    .bind(item.effort.clone())
    .bind(item.status.clone())
    .bind(date(item.target_date))
    .bind(item.dataset_id.map(|d| d.to_string()))
    .bind(date(item.published_on))
    .bind(ts(item.created))
    .bind(ts(item.modified))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Deletes an item (its request links go with it).
pub async fn delete(conn: &mut Conn, id: Uuid) -> Result<()> {
    sqlx::query("DELETE FROM inventory_items WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// One item.
pub async fn get(conn: &mut Conn, id: Uuid) -> Result<Option<StoredItem>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE i.id = $1")))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// The items among `ids` (any organization), by id.
pub async fn by_ids(conn: &mut Conn, ids: &[Uuid]) -> Result<HashMap<Uuid, StoredItem>> {
    let rows = fetch_in(
        conn,
        &format!("{SELECT} WHERE i.id IN (:list)"),
        &id_texts(ids),
    )
    .await?;
    rows.iter()
        .map(|row| from_row(row).map(|item| (item.id, item)))
        .collect()
}

/// One page of the items `viewer` may see that match `filter`, and how many match in all.
pub async fn list(
    conn: &mut Conn,
    viewer: &ItemViewer,
    filter: &ItemFilter,
    order: ItemOrder,
    offset: i64,
    limit: i64,
) -> Result<(Vec<StoredItem>, i64)> {
    const WHERE: &str = " WHERE ($1 = 1 OR i.sensitivity <> $2
            OR i.organization_id IN (SELECT m.organization_id FROM memberships m WHERE m.user_id = $3))
        AND ($4 IS NULL OR i.organization_id = $4)
        AND ($5 IS NULL OR i.status = $5)
        AND ($6 IS NULL OR i.priority = $6)
        AND ($7 IS NULL OR i.sensitivity = $7)
        AND ($8 IS NULL OR i.search_text LIKE $8)
        AND ($9 IS NULL OR (i.target_date < $9 AND i.status <> $10 AND i.status <> $11))";
    let order_sql = match order {
        ItemOrder::Title => "i.sort_title, i.id",
        ItemOrder::TargetDate => {
            "CASE WHEN i.target_date IS NULL THEN 1 ELSE 0 END, i.target_date, i.sort_title, i.id"
        }
        ItemOrder::Modified => "i.modified_at DESC, i.id",
    };
    let text = filter
        .text
        .as_ref()
        .map(|t| format!("%{}%", escape_like(t)));
    let binds = [
        Some(viewer.hidden_sensitivity.clone()),
        viewer.user_id.map(|u| u.to_string()),
        filter.organization_id.map(|o| o.to_string()),
        filter.status.clone(),
        filter.priority.clone(),
        filter.sensitivity.clone(),
        text,
        date(filter.overdue_on),
        Some(filter.final_statuses[0].clone()),
        Some(filter.final_statuses[1].clone()),
    ];
    let bound = |sql: String| {
        binds.iter().fold(
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(i64::from(viewer.sees_all)),
            |query, value| query.bind(value.clone()),
        )
    };
    let rows = bound(format!(
        "{SELECT}{WHERE} ORDER BY {order_sql} LIMIT $12 OFFSET $13"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let total = bound(format!(
        "SELECT COUNT(*) AS total FROM inventory_items i{WHERE}"
    ))
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?
    .int("total")?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok((items, total))
}

/// User text without `LIKE`'s wildcards (`%`, `_`) and escape character, so that it matches
/// only itself on both engines.
fn escape_like(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '%' | '_' | '\\'))
        .collect()
}

/// Data requests linked to each of `items` and the votes on them.
pub async fn demand(conn: &mut Conn, items: &[Uuid]) -> Result<HashMap<Uuid, (i64, i64)>> {
    let rows = fetch_in(
        conn,
        "SELECT l.item_id,
            COUNT(DISTINCT l.request_id) AS requests,
            COUNT(v.user_id) AS votes
         FROM inventory_item_requests l
         LEFT JOIN request_votes v ON v.request_id = l.request_id
         WHERE l.item_id IN (:list)
         GROUP BY l.item_id",
        &id_texts(items),
    )
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.uuid("item_id")?,
                (row.int("requests")?, row.int("votes")?),
            ))
        })
        .collect()
}

/// Links a data request to an item (no-op when already linked).
pub async fn link_request(
    conn: &mut Conn,
    item: Uuid,
    request: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO inventory_item_requests (item_id, request_id, created_at)
         VALUES ($1, $2, $3) ON CONFLICT (item_id, request_id) DO NOTHING",
    )
    .bind(item.to_string())
    .bind(request.to_string())
    .bind(ts(at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Removes a link; true when there was one.
pub async fn unlink_request(conn: &mut Conn, item: Uuid, request: Uuid) -> Result<bool> {
    let done =
        sqlx::query("DELETE FROM inventory_item_requests WHERE item_id = $1 AND request_id = $2")
            .bind(item.to_string())
            .bind(request.to_string())
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// The requests linked to an item, oldest link first.
pub async fn requests_of(conn: &mut Conn, item: Uuid) -> Result<Vec<Uuid>> {
    let rows = sqlx::query(
        "SELECT request_id FROM inventory_item_requests WHERE item_id = $1
         ORDER BY created_at, request_id",
    )
    .bind(item.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter().map(|row| row.uuid("request_id")).collect()
}

/// What the timeliness figures need of every item with a target date: organization, status,
/// target date and publication day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedItem {
    /// The organization.
    pub organization_id: Uuid,
    /// Its slug.
    pub organization: String,
    /// Its name.
    pub organization_name: LangText,
    /// Status (wire name).
    pub status: String,
    /// Target date.
    pub target_date: NaiveDate,
    /// The day it became published.
    pub published_on: Option<NaiveDate>,
}

/// Every item with a target date.
pub async fn dated(conn: &mut Conn) -> Result<Vec<DatedItem>> {
    let rows = sqlx::query(
        "SELECT i.organization_id, o.slug, o.name_vi, o.name_en, i.status, i.target_date,
            i.published_on
         FROM inventory_items i JOIN organizations o ON o.id = i.organization_id
         WHERE i.target_date IS NOT NULL ORDER BY o.slug, i.target_date, i.id",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok(DatedItem {
                organization_id: row.uuid("organization_id")?,
                organization: row.text("slug")?,
                organization_name: LangText {
                    vi: row.opt_text("name_vi")?,
                    en: row.opt_text("name_en")?,
                },
                status: row.text("status")?,
                target_date: row.opt_date("target_date")?.unwrap_or_default(),
                published_on: row.opt_date("published_on")?,
            })
        })
        .collect()
}
