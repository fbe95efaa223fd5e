//! Accounts: users, tokens, authentication, memberships.

use std::collections::HashMap;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use chrono::Utc;
use dulieu_core::account::{Actor, ApiToken, Membership, NewUser, User};
use dulieu_core::vocab::Role;
use dulieu_core::{Error, Result};
use dulieu_store::accounts;
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::{App, Subject, deny, require_signed_in, snapshot};

/// Prefix of every API token secret, so leaked tokens are recognisable.
pub const TOKEN_PREFIX: &str = "dl_";

/// Body of a token request: a name, and e-mail + password when not already signed in.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// Name of the token (what it is for).
    #[serde(default)]
    pub name: Option<String>,
    /// E-mail, when signing in with a password.
    #[serde(default)]
    pub email: Option<String>,
    /// Password, when signing in with a password.
    #[serde(default)]
    pub password: Option<String>,
}

/// A newly created token: its record and the secret, shown this once.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewToken {
    /// The stored record.
    #[serde(flatten)]
    pub token: ApiToken,
    /// The secret to send as `Authorization: Bearer <token>`.
    pub token_secret: String,
}

/// Body of a membership change.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberRequest {
    /// E-mail of the user.
    pub email: String,
    /// Role to grant.
    pub role: Role,
}

/// 32 random bytes from the OS-seeded generator, base64url without padding.
pub(crate) fn random_secret() -> String {
    let mut random = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut random);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)
}

/// The stored form of a secret (API token, session token): hex SHA-256.
pub(crate) fn hash_token(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub(crate) async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(Error::internal)
    })
    .await
    .map_err(Error::internal)?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

impl App {
    /// Resolves a bearer token to an actor; no token means anonymous, a bad one is refused.
    pub async fn authenticate(&self, bearer: Option<&str>) -> Result<Actor> {
        let Some(secret) = bearer else {
            return Ok(Actor::anonymous());
        };
        let invalid = || Error::BadCredentials {
            code: "invalid_token",
        };
        let presented = hash_token(secret.trim());
        let mut conn = self.store().conn().await?;
        let Some((token, stored)) = accounts::live_token_by_hash(&mut conn, &presented).await?
        else {
            return Err(invalid());
        };
        if !bool::from(stored.as_bytes().ct_eq(presented.as_bytes())) {
            return Err(invalid());
        }
        let user = accounts::user(&mut conn, token.user_id)
            .await?
            .ok_or_else(invalid)?;
        let roles = accounts::roles_of(&mut conn, user.id).await?;
        let now = Utc::now();
        let stale = token
            .last_used_at
            .is_none_or(|last| now - last > chrono::Duration::seconds(60));
        if stale {
            accounts::touch_token(&mut conn, token.id, now).await?;
        }
        Ok(Actor {
            user_id: Some(user.id),
            is_sysadmin: user.is_sysadmin,
            is_odtf: user.is_odtf,
            roles,
        })
    }

    /// Creates an account. Anyone may register; only a sysadmin (or the CLI) may create a sysadmin.
    pub async fn create_user(&self, actor: &Actor, input: NewUser, sysadmin: bool) -> Result<User> {
        if sysadmin && !actor.is_sysadmin {
            return Err(deny(actor, "user.create_sysadmin"));
        }
        let input = input.validate()?;
        let user = User {
            id: Uuid::now_v7(),
            email: input.email.clone(),
            display_name: input.display_name.clone().unwrap_or_default(),
            is_sysadmin: sysadmin,
            is_odtf: false,
            created_at: dulieu_store_now(),
        };
        let hash = hash_password(input.password).await?;
        let mut tx = self.store().begin().await?;
        accounts::insert_user(&mut tx, &user, &hash).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("user", user.id, None),
            "created",
            None,
            snapshot(&user),
        )
        .await?;
        Ok(user)
    }

    /// The signed-in user.
    pub async fn current_user(&self, actor: &Actor) -> Result<User> {
        let id = actor.user_id.ok_or(Error::Unauthenticated)?;
        let mut conn = self.store().conn().await?;
        accounts::user(&mut conn, id)
            .await?
            .ok_or_else(|| Error::not_found("user", id))
    }

    /// Creates an API token for the signed-in user, or for the owner of e-mail + password.
    pub async fn create_token(&self, actor: &Actor, request: TokenRequest) -> Result<NewToken> {
        let user_id = match (actor.user_id, &request.email, &request.password) {
            (_, Some(email), Some(password)) => self.check_credentials(email, password).await?.id,
            (Some(user_id), None, None) => user_id,
            (None, None, None) => return Err(Error::Unauthenticated),
            _ => return Err(Error::invalid("password", "required")),
        };
        self.issue_token(actor, user_id, request.name).await
    }

    /// The user owning `email` when `password` is theirs. An unknown e-mail costs the same
    /// password check as a wrong password, so timing does not reveal which e-mails exist.
    pub(crate) async fn check_credentials(&self, email: &str, password: &str) -> Result<User> {
        let mut conn = self.store().conn().await?;
        let found = accounts::user_by_email(&mut conn, &email.trim().to_lowercase()).await?;
        drop(conn);
        let (user, hash) = match found {
            Some(found) => found,
            None => {
                let _ = verify_password(password.to_string(), dummy_hash().await).await;
                return Err(invalid_credentials());
            }
        };
        if !verify_password(password.to_string(), hash).await {
            return Err(invalid_credentials());
        }
        Ok(user)
    }

    /// Issues a token for `user_id` (the CLI uses this directly).
    pub async fn issue_token(
        &self,
        actor: &Actor,
        user_id: Uuid,
        name: Option<String>,
    ) -> Result<NewToken> {
        let name = name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "api".to_string());
        if name.chars().count() > 100 {
            let mut errors = dulieu_core::FieldErrors::new();
            errors.add_with("name", "too_long", "max", 100);
            return Err(Error::Invalid(errors));
        }
        let secret = format!("{TOKEN_PREFIX}{}", random_secret());
        let token = ApiToken {
            id: Uuid::now_v7(),
            user_id,
            name,
            created_at: dulieu_store_now(),
            last_used_at: None,
            revoked_at: None,
        };
        let mut tx = self.store().begin().await?;
        accounts::insert_token(&mut tx, &token, &hash_token(&secret)).await?;
        let by = Actor {
            user_id: actor.user_id.or(Some(user_id)),
            ..actor.clone()
        };
        self.commit_change(
            tx,
            &by,
            Subject::new("token", token.id, Some(user_id)),
            "created",
            None,
            snapshot(&token),
        )
        .await?;
        Ok(NewToken {
            token,
            token_secret: secret,
        })
    }

    /// The signed-in user's tokens.
    pub async fn list_tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>> {
        let user_id = actor.user_id.ok_or(Error::Unauthenticated)?;
        let mut conn = self.store().conn().await?;
        accounts::tokens_of(&mut conn, user_id).await
    }

    /// Revokes a token of the signed-in user (a sysadmin may revoke any).
    pub async fn revoke_token(&self, actor: &Actor, id: Uuid) -> Result<()> {
        require_signed_in(actor)?;
        let mut tx = self.store().begin().await?;
        let token = accounts::token(&mut tx, id)
            .await?
            .filter(|t| actor.is_sysadmin || Some(t.user_id) == actor.user_id)
            .ok_or_else(|| Error::not_found("token", id))?;
        accounts::revoke_token(&mut tx, id, Utc::now()).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("token", id, Some(token.user_id)),
            "revoked",
            snapshot(&token),
            None,
        )
        .await?;
        Ok(())
    }

    /// The display names of users by id, to say who made a change (users without one, or
    /// gone, are left out; e-mail addresses are never given).
    pub async fn display_names(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, String>> {
        let mut conn = self.store().conn().await?;
        let mut names = HashMap::new();
        for &id in ids {
            if names.contains_key(&id) {
                continue;
            }
            if let Some(user) = accounts::user(&mut conn, id).await?
                && !user.display_name.trim().is_empty()
            {
                names.insert(id, user.display_name);
            }
        }
        Ok(names)
    }

    /// Finds a user by e-mail (CLI).
    pub async fn user_by_email(&self, email: &str) -> Result<User> {
        let mut conn = self.store().conn().await?;
        accounts::user_by_email(&mut conn, &email.trim().to_lowercase())
            .await?
            .map(|(user, _)| user)
            .ok_or_else(|| Error::not_found("user", email))
    }

    /// Members of an organization (visible to its members and sysadmins).
    pub async fn list_members(&self, actor: &Actor, slug: &str) -> Result<Vec<Membership>> {
        let mut conn = self.store().conn().await?;
        let org = self
            .organization_for_change(
                &mut conn,
                actor,
                slug,
                "organization.members.list",
                Actor::can_see_private_of,
            )
            .await?;
        accounts::members(&mut conn, org.id).await
    }

    /// Grants or changes a member's role (organization admins and sysadmins).
    pub async fn set_member(
        &self,
        actor: &Actor,
        slug: &str,
        request: MemberRequest,
    ) -> Result<Membership> {
        let mut tx = self.store().begin().await?;
        let org = self
            .organization_for_change(
                &mut tx,
                actor,
                slug,
                "organization.members.manage",
                Actor::can_admin,
            )
            .await?;
        let email = request.email.trim().to_lowercase();
        let (user, _) = accounts::user_by_email(&mut tx, &email)
            .await?
            .ok_or_else(|| Error::invalid("email", "unknown_user"))?;
        let current = accounts::membership_role(&mut tx, org.id, user.id).await?;
        if current == Some(Role::Admin)
            && request.role != Role::Admin
            && accounts::admin_count(&mut tx, org.id).await? <= 1
        {
            return Err(last_admin());
        }
        let previous =
            accounts::upsert_membership(&mut tx, org.id, user.id, request.role, Utc::now()).await?;
        let membership = accounts::members(&mut tx, org.id)
            .await?
            .into_iter()
            .find(|m| m.user_id == user.id)
            .ok_or_else(|| Error::Internal("membership vanished".into()))?;
        let action = if previous.is_some() {
            "updated"
        } else {
            "created"
        };
        self.commit_change(
            tx,
            actor,
            Subject::new("membership", user.id, Some(org.id)),
            action,
            previous.map(|r| serde_json::json!({"role": r})),
            snapshot(&membership),
        )
        .await?;
        Ok(membership)
    }

    /// Removes a member (organization admins and sysadmins); the last admin stays.
    pub async fn remove_member(&self, actor: &Actor, slug: &str, user_id: Uuid) -> Result<()> {
        let mut tx = self.store().begin().await?;
        let org = self
            .organization_for_change(
                &mut tx,
                actor,
                slug,
                "organization.members.manage",
                Actor::can_admin,
            )
            .await?;
        let role = accounts::membership_role(&mut tx, org.id, user_id)
            .await?
            .ok_or_else(|| Error::not_found("membership", user_id))?;
        if role == Role::Admin && accounts::admin_count(&mut tx, org.id).await? <= 1 {
            return Err(last_admin());
        }
        accounts::delete_membership(&mut tx, org.id, user_id).await?;
        self.commit_change(
            tx,
            actor,
            Subject::new("membership", user_id, Some(org.id)),
            "deleted",
            Some(serde_json::json!({"role": role})),
            None,
        )
        .await?;
        Ok(())
    }

    /// Sets a user's password (CLI).
    pub async fn set_password(&self, user_id: Uuid, password: String) -> Result<()> {
        let mut errors = dulieu_core::FieldErrors::new();
        dulieu_core::account::check_password(&password, &mut errors);
        errors.into_result()?;
        let hash = hash_password(password).await?;
        let mut conn = self.store().conn().await?;
        accounts::set_password_hash(&mut conn, user_id, &hash).await
    }
}

/// An argon2id hash of a random password, checked against when the e-mail is unknown so that the
/// answer takes as long as for a known e-mail.
async fn dummy_hash() -> String {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async {
            let mut random = [0u8; 24];
            rand::thread_rng().fill_bytes(&mut random);
            hash_password(hex::encode(random)).await.unwrap_or_default()
        })
        .await
        .clone()
}

fn invalid_credentials() -> Error {
    Error::BadCredentials {
        code: "invalid_credentials",
    }
}

fn last_admin() -> Error {
    Error::Conflict {
        code: "last_admin",
        field: "role",
        value: "admin".into(),
    }
}

/// Current time at the store's precision.
pub(crate) fn dulieu_store_now() -> chrono::DateTime<Utc> {
    let now = Utc::now();
    now - chrono::Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos() % 1000))
}
