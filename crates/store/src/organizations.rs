//! Organizations.

use dulieu_core::catalog::{Organization, OrganizationInput};
use dulieu_core::text::LangText;
use dulieu_core::vocab::OrgKind;
use dulieu_core::{Error, Result};
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, ts};
use crate::{Conn, db_error};

const SELECT: &str =
    "SELECT o.id, o.slug, o.name_vi, o.name_en, o.description_vi, o.description_en,
    o.kind, p.slug AS parent_slug, o.contact_email, o.website, o.created_at, o.updated_at
    FROM organizations o LEFT JOIN organizations p ON p.id = o.parent_id";

fn from_row(row: &AnyRow) -> Result<Organization> {
    let kind_text = row.text("kind")?;
    let kind = OrgKind::parse(&kind_text)
        .ok_or_else(|| Error::Internal(format!("unknown organization kind {kind_text:?}")))?;
    Ok(Organization {
        id: row.uuid("id")?,
        slug: row.text("slug")?,
        name: LangText {
            vi: row.opt_text("name_vi")?,
            en: row.opt_text("name_en")?,
        },
        description: LangText {
            vi: row.opt_text("description_vi")?,
            en: row.opt_text("description_en")?,
        },
        kind,
        provenance: kind.provenance(),
        parent: row.opt_text("parent_slug")?,
        contact_email: row.opt_text("contact_email")?,
        website: row.opt_text("website")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

/// Finds an organization by slug.
pub async fn get_by_slug(conn: &mut Conn, slug: &str) -> Result<Option<Organization>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE o.slug = $1")))
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// Finds an organization by id.
pub async fn get(conn: &mut Conn, id: Uuid) -> Result<Option<Organization>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE o.id = $1")))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// One page of organizations ordered by slug, and the total count.
pub async fn list(conn: &mut Conn, offset: i64, limit: i64) -> Result<(Vec<Organization>, i64)> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} ORDER BY o.slug LIMIT $1 OFFSET $2"
    )))
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organizations")
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok((rows.iter().map(from_row).collect::<Result<_>>()?, total))
}

/// Every organization, ordered by slug (there are hundreds, not millions).
pub async fn all(conn: &mut Conn) -> Result<Vec<Organization>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY o.slug")))
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// Inserts an organization; `parent_id` must already be resolved.
pub async fn insert(
    conn: &mut Conn,
    id: Uuid,
    input: &OrganizationInput,
    parent_id: Option<Uuid>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    write(
        conn,
        "INSERT INTO organizations (id, slug, name_vi, name_en, description_vi, description_en, kind,
            parent_id, contact_email, website, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        id,
        input,
        parent_id,
        at,
    )
    .await
}

/// Replaces the writable fields of an organization.
pub async fn update(
    conn: &mut Conn,
    id: Uuid,
    input: &OrganizationInput,
    parent_id: Option<Uuid>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    write(
        conn,
        "UPDATE organizations SET slug = $2, name_vi = $3, name_en = $4, description_vi = $5,
            description_en = $6, kind = $7, parent_id = $8, contact_email = $9, website = $10,
            updated_at = $11
         WHERE id = $1",
        id,
        input,
        parent_id,
        at,
    )
    .await
}

/// Runs an insert or update whose parameters are the organization fields in column order.
async fn write(
    conn: &mut Conn,
    sql: &'static str,
    id: Uuid,
    input: &OrganizationInput,
    parent_id: Option<Uuid>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    sqlx::query(sql)
        .bind(id.to_string())
        .bind(&input.slug)
        .bind(input.name.vi.clone())
        .bind(input.name.en.clone())
        .bind(input.description.vi.clone())
        .bind(input.description.en.clone())
        .bind(input.kind.as_str())
        .bind(parent_id.map(|p| p.to_string()))
        .bind(input.contact_email.clone())
        .bind(input.website.clone())
        .bind(ts(at))
        .execute(&mut *conn)
        .await
        .map_err(|e| slug_conflict(e, &input.slug))?;
    Ok(())
}

/// True when `ancestor` is `id` or one of its ancestors (to refuse parent cycles).
pub async fn is_ancestor_or_self(conn: &mut Conn, ancestor: Uuid, id: Uuid) -> Result<bool> {
    let mut current = Some(id);
    let mut steps = 0;
    while let Some(node) = current {
        if node == ancestor {
            return Ok(true);
        }
        steps += 1;
        if steps > 64 {
            return Ok(true);
        }
        let parent: Option<Option<String>> =
            sqlx::query_scalar("SELECT parent_id FROM organizations WHERE id = $1")
                .bind(node.to_string())
                .fetch_optional(&mut *conn)
                .await
                .map_err(db_error)?;
        current = parent
            .flatten()
            .as_deref()
            .map(crate::codec::parse_uuid)
            .transpose()?;
    }
    Ok(false)
}

/// Counts what still refers to an organization (datasets, child organizations).
pub async fn dependents(conn: &mut Conn, id: Uuid) -> Result<i64> {
    let count: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM datasets WHERE publisher_id = $1)
              + (SELECT COUNT(*) FROM organizations WHERE parent_id = $1)",
    )
    .bind(id.to_string())
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(count)
}

/// Deletes an organization (its memberships go with it).
pub async fn delete(conn: &mut Conn, id: Uuid) -> Result<()> {
    sqlx::query("DELETE FROM organizations WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Maps a unique violation on insert/update to a `slug_taken` conflict.
pub(crate) fn slug_conflict(err: sqlx::Error, slug: &str) -> Error {
    match db_error(err) {
        Error::Conflict { .. } => Error::Conflict {
            code: "slug_taken",
            field: "slug",
            value: slug.to_string(),
        },
        other => other,
    }
}
