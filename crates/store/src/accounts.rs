//! Users, memberships and API tokens.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use dulieu_core::account::{ApiToken, Membership, User};
use dulieu_core::vocab::Role;
use dulieu_core::{Error, Result};
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, ts};
use crate::{Conn, db_error};

fn user_from_row(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: row.uuid("id")?,
        email: row.text("email")?,
        display_name: row.text("display_name")?,
        is_sysadmin: row.flag("is_sysadmin")?,
        is_odtf: row.flag("is_odtf")?,
        created_at: row.time("created_at")?,
    })
}

/// Inserts a user; the e-mail must be unique (`email_taken` otherwise).
pub async fn insert_user(conn: &mut Conn, user: &User, password_hash: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, is_sysadmin, is_odtf, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(user.id.to_string())
    .bind(&user.email)
    .bind(&user.display_name)
    .bind(password_hash)
    .bind(i64::from(user.is_sysadmin))
    .bind(i64::from(user.is_odtf))
    .bind(ts(user.created_at))
    .execute(&mut *conn)
    .await
    .map_err(|e| match db_error(e) {
        Error::Conflict { .. } => Error::Conflict {
            code: "email_taken",
            field: "email",
            value: user.email.clone(),
        },
        other => other,
    })?;
    Ok(())
}

/// Finds a user by e-mail, with the stored password hash.
pub async fn user_by_email(conn: &mut Conn, email: &str) -> Result<Option<(User, String)>> {
    let row = sqlx::query(
        "SELECT id, email, display_name, is_sysadmin, is_odtf, created_at, password_hash FROM users WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    row.map(|row| Ok((user_from_row(&row)?, row.text("password_hash")?)))
        .transpose()
}

/// Finds a user by id.
pub async fn user(conn: &mut Conn, id: Uuid) -> Result<Option<User>> {
    let row = sqlx::query(
        "SELECT id, email, display_name, is_sysadmin, is_odtf, created_at FROM users WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    row.as_ref().map(user_from_row).transpose()
}

/// Sets or clears the sysadmin flag.
pub async fn set_sysadmin(conn: &mut Conn, id: Uuid, value: bool) -> Result<()> {
    sqlx::query("UPDATE users SET is_sysadmin = $2, updated_at = $3 WHERE id = $1")
        .bind(id.to_string())
        .bind(i64::from(value))
        .bind(ts(Utc::now()))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Grants or withdraws the site-wide portal team role (`odtf`); false when there is no such user.
pub async fn set_odtf(conn: &mut Conn, id: Uuid, value: bool) -> Result<bool> {
    let done = sqlx::query("UPDATE users SET is_odtf = $2, updated_at = $3 WHERE id = $1")
        .bind(id.to_string())
        .bind(i64::from(value))
        .bind(ts(Utc::now()))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// Replaces a user's password hash.
pub async fn set_password_hash(conn: &mut Conn, id: Uuid, hash: &str) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(id.to_string())
        .bind(hash)
        .bind(ts(Utc::now()))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// The roles of a user, by organization id.
pub async fn roles_of(conn: &mut Conn, user_id: Uuid) -> Result<HashMap<Uuid, Role>> {
    let rows = sqlx::query("SELECT organization_id, role FROM memberships WHERE user_id = $1")
        .bind(user_id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    let mut roles = HashMap::new();
    for row in &rows {
        let role = row.text("role")?;
        let role = Role::parse(&role)
            .ok_or_else(|| Error::Internal(format!("unknown role {role:?} in database")))?;
        roles.insert(row.uuid("organization_id")?, role);
    }
    Ok(roles)
}

/// Grants or changes a role; returns the previous role, if any.
pub async fn upsert_membership(
    conn: &mut Conn,
    organization_id: Uuid,
    user_id: Uuid,
    role: Role,
    at: DateTime<Utc>,
) -> Result<Option<Role>> {
    // Insert-or-nothing first: concurrent grants cannot both insert.
    let inserted = sqlx::query(
        "INSERT INTO memberships (organization_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (organization_id, user_id) DO NOTHING",
    )
    .bind(organization_id.to_string())
    .bind(user_id.to_string())
    .bind(role.as_str())
    .bind(ts(at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    if inserted.rows_affected() == 1 {
        return Ok(None);
    }
    let previous = membership_role(conn, organization_id, user_id).await?;
    sqlx::query("UPDATE memberships SET role = $3 WHERE organization_id = $1 AND user_id = $2")
        .bind(organization_id.to_string())
        .bind(user_id.to_string())
        .bind(role.as_str())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(previous)
}

/// The role of a user in an organization.
pub async fn membership_role(
    conn: &mut Conn,
    organization_id: Uuid,
    user_id: Uuid,
) -> Result<Option<Role>> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(organization_id.to_string())
    .bind(user_id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(role.as_deref().and_then(Role::parse))
}

/// Removes a membership; true when there was one.
pub async fn delete_membership(
    conn: &mut Conn,
    organization_id: Uuid,
    user_id: Uuid,
) -> Result<bool> {
    let done = sqlx::query("DELETE FROM memberships WHERE organization_id = $1 AND user_id = $2")
        .bind(organization_id.to_string())
        .bind(user_id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// Members of an organization, by e-mail.
pub async fn members(conn: &mut Conn, organization_id: Uuid) -> Result<Vec<Membership>> {
    let rows = sqlx::query(
        "SELECT o.slug, m.user_id, u.email, m.role, m.created_at
         FROM memberships m JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.organization_id
         WHERE m.organization_id = $1 ORDER BY u.email",
    )
    .bind(organization_id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let role = row.text("role")?;
            Ok(Membership {
                organization: row.text("slug")?,
                user_id: row.uuid("user_id")?,
                email: row.text("email")?,
                role: Role::parse(&role)
                    .ok_or_else(|| Error::Internal(format!("unknown role {role:?}")))?,
                created_at: row.time("created_at")?,
            })
        })
        .collect()
}

/// Number of admins of an organization.
pub async fn admin_count(conn: &mut Conn, organization_id: Uuid) -> Result<i64> {
    role_count(conn, organization_id, Role::Admin).await
}

/// Number of members of an organization with `role`.
pub async fn role_count(conn: &mut Conn, organization_id: Uuid, role: Role) -> Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE organization_id = $1 AND role = $2")
        .bind(organization_id.to_string())
        .bind(role.as_str())
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)
}

fn token_from_row(row: &AnyRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: row.uuid("id")?,
        user_id: row.uuid("user_id")?,
        name: row.text("name")?,
        created_at: row.time("created_at")?,
        last_used_at: row.opt_time("last_used_at")?,
        revoked_at: row.opt_time("revoked_at")?,
    })
}

/// Stores a token by the hash of its secret.
pub async fn insert_token(conn: &mut Conn, token: &ApiToken, token_hash: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token.id.to_string())
    .bind(token.user_id.to_string())
    .bind(&token.name)
    .bind(token_hash)
    .bind(ts(token.created_at))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// A live (not revoked) token by the hash of its secret, with the stored hash for a constant-time check.
pub async fn live_token_by_hash(
    conn: &mut Conn,
    token_hash: &str,
) -> Result<Option<(ApiToken, String)>> {
    let row = sqlx::query(
        "SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at
         FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    row.map(|row| Ok((token_from_row(&row)?, row.text("token_hash")?)))
        .transpose()
}

/// A token by id.
pub async fn token(conn: &mut Conn, id: Uuid) -> Result<Option<ApiToken>> {
    let row = sqlx::query(
        "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    row.as_ref().map(token_from_row).transpose()
}

/// The tokens of a user, newest first.
pub async fn tokens_of(conn: &mut Conn, user_id: Uuid) -> Result<Vec<ApiToken>> {
    let rows = sqlx::query(
        "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens
         WHERE user_id = $1 ORDER BY created_at DESC",
    )
    .bind(user_id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter().map(token_from_row).collect()
}

/// Marks a token revoked.
pub async fn revoke_token(conn: &mut Conn, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .bind(id.to_string())
        .bind(ts(at))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Records that a token was used.
pub async fn touch_token(conn: &mut Conn, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(ts(at))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}
