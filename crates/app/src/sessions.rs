//! Browser sessions of the portal: sign in with e-mail and password, resolve the session cookie
//! to an actor, sign out, change the password (which ends the user's other sessions). The token
//! is 32 random bytes given to the browser; only its SHA-256 hash is stored.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use dulieu_core::account::{Actor, Session, User};
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_store::{accounts, sessions};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::App;
use crate::accounts::{hash_password, hash_token, random_secret};

/// How long a session lives without being used.
pub const SESSION_LIFETIME: Duration = Duration::days(14);

/// A use moves the session's end at most this often (one write an hour, not one per request).
const SLIDE_EVERY: Duration = Duration::hours(1);

/// A session just opened: its record and the token for the browser's cookie, given this once.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The stored record.
    pub session: Session,
    /// The secret for the cookie.
    pub token: String,
}

/// The caller behind a live session cookie.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Who they are for the permission rules.
    pub actor: Actor,
    /// Their account.
    pub user: User,
    /// The session.
    pub session: Session,
    /// True when this use moved the session's end (the cookie should be sent again).
    pub renewed: bool,
}

impl App {
    /// Opens a session for the owner of `email` when `password` is theirs. `client` is the
    /// caller's address: failures are counted per e-mail and per client, and once either has used
    /// up its attempts the password is not checked at all (`TooManyAttempts`).
    pub async fn sign_in(&self, email: &str, password: &str, client: &str) -> Result<NewSession> {
        let keys = [
            format!("email:{}", email.trim().to_lowercase()),
            format!("client:{client}"),
        ];
        self.inner.logins.check(&keys, Instant::now())?;
        let user = match self.check_credentials(email, password).await {
            Ok(user) => user,
            Err(err) => {
                if matches!(err, Error::BadCredentials { .. }) {
                    self.inner.logins.failed(&keys, Instant::now());
                }
                return Err(err);
            }
        };
        let now = now();
        let session = Session {
            id: Uuid::now_v7(),
            user_id: user.id,
            created_at: now,
            last_seen_at: now,
            expires_at: now + SESSION_LIFETIME,
        };
        let token = random_secret();
        let mut conn = self.store().conn().await?;
        sessions::delete_expired(&mut conn, now).await?;
        sessions::insert(&mut conn, &session, &hash_token(&token)).await?;
        Ok(NewSession { session, token })
    }

    /// The signed-in caller of a session token; `None` when it is unknown or expired.
    pub async fn actor_for_session(&self, token: &str) -> Result<Option<SignedIn>> {
        let presented = hash_token(token);
        let now = now();
        let mut conn = self.store().conn().await?;
        let Some((mut session, stored)) =
            sessions::live_by_hash(&mut conn, &presented, now).await?
        else {
            return Ok(None);
        };
        if !bool::from(stored.as_bytes().ct_eq(presented.as_bytes())) {
            return Ok(None);
        }
        let Some(user) = accounts::user(&mut conn, session.user_id).await? else {
            return Ok(None);
        };
        let renewed = now - session.last_seen_at >= SLIDE_EVERY;
        if renewed {
            session.last_seen_at = now;
            session.expires_at = now + SESSION_LIFETIME;
            sessions::touch(&mut conn, session.id, now, session.expires_at).await?;
        }
        let roles = accounts::roles_of(&mut conn, user.id).await?;
        let actor = Actor {
            user_id: Some(user.id),
            is_sysadmin: user.is_sysadmin,
            is_odtf: user.is_odtf,
            roles,
        };
        Ok(Some(SignedIn {
            actor,
            user,
            session,
            renewed,
        }))
    }

    /// Ends the session of `token` (nothing happens for an unknown token).
    pub async fn sign_out(&self, token: &str) -> Result<()> {
        if let Some(signed_in) = self.actor_for_session(token).await? {
            let mut conn = self.store().conn().await?;
            sessions::delete(&mut conn, signed_in.session.id).await?;
        }
        Ok(())
    }

    /// Changes the password of a signed-in user after checking the current one, and ends every
    /// other session of theirs. Errors are per field: `current_password`, `new_password`.
    pub async fn change_password(
        &self,
        signed_in: &SignedIn,
        current: &str,
        new_password: String,
    ) -> Result<()> {
        let mut errors = FieldErrors::new();
        let mut checked = FieldErrors::new();
        dulieu_core::account::check_password(&new_password, &mut checked);
        if let Some(violations) = checked.0.remove("password") {
            errors.0.insert("new_password".into(), violations);
        }
        if self
            .check_credentials(&signed_in.user.email, current)
            .await
            .is_err()
        {
            errors.add("current_password", "wrong_password");
        }
        errors.into_result()?;
        let hash = hash_password(new_password).await?;
        let mut tx = self.store().begin().await?;
        accounts::set_password_hash(&mut tx, signed_in.user.id, &hash).await?;
        sessions::delete_others(&mut tx, signed_in.user.id, Some(signed_in.session.id)).await?;
        tx.commit().await.map_err(Error::internal)?;
        Ok(())
    }
}

/// Current time at the store's precision (microseconds).
fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now - Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos() % 1000))
}

/// The CSRF token of forms bound to `binding` (a session token, or the pre-session cookie's
/// value): a hash of it under a purpose label, so the token reveals nothing about the cookie and
/// a page can only show it to the holder of the cookie.
pub fn csrf_token(binding: &str) -> String {
    hash_token(&format!("dulieu-csrf:{binding}"))
}

/// Whether `presented` is the CSRF token of `binding` (compared in constant time).
pub fn csrf_matches(binding: &str, presented: &str) -> bool {
    bool::from(csrf_token(binding).as_bytes().ct_eq(presented.as_bytes()))
}

/// A new random secret for a pre-session cookie (binds the CSRF token of the sign-in forms).
pub fn new_presession() -> String {
    random_secret()
}
