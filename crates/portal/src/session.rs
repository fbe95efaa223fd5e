//! The caller of a page, read from the session cookie, and the cookies the portal sets:
//! `dulieu_session` (the session token) and `dulieu_presession` (binds the CSRF token of the forms
//! shown before sign-in). Both `HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure` when the public URL
//! is https.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderValue;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dulieu_app::{App, SESSION_LIFETIME, SignedIn};
use dulieu_core::account::Actor;

use crate::error::PageError;
use crate::lang::Lang;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "dulieu_session";
/// Name of the pre-session cookie.
pub const PRESESSION_COOKIE: &str = "dulieu_presession";
/// Lifetime of the pre-session cookie, in seconds.
const PRESESSION_SECONDS: i64 = 60 * 60;

/// Who is asking for a page: the signed-in user (if any) and the cookies that bind CSRF tokens.
#[derive(Debug, Clone, Default)]
pub struct Visitor {
    /// The live session behind the cookie, if any.
    pub signed_in: Option<SignedIn>,
    /// The session cookie's token, when it names a live session.
    pub session_token: Option<String>,
    /// The pre-session cookie's value, if sent.
    pub presession: Option<String>,
    /// The peer address (`unknown` when the server does not record it).
    pub client: String,
    /// How many of the signed-in user's notifications are unread (0 for anonymous visitors).
    pub unread: i64,
}

impl Visitor {
    /// The caller for the permission rules (anonymous when not signed in).
    pub fn actor(&self) -> Actor {
        self.signed_in
            .as_ref()
            .map_or_else(Actor::anonymous, |s| s.actor.clone())
    }

    /// What forms are bound to: the session when signed in, else the pre-session cookie.
    pub fn csrf_binding(&self) -> Option<&str> {
        self.session_token.as_deref().or(self.presession.as_deref())
    }

    /// The CSRF token of the forms shown to this visitor (empty when nothing binds one).
    pub fn csrf_token(&self) -> String {
        self.csrf_binding()
            .map(dulieu_app::csrf_token)
            .unwrap_or_default()
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty())
}

/// The user signed in by a request's session cookie, if it names a live session. The API's
/// downloads use it: browsers follow the portal's download links with the cookie.
pub async fn session_actor(app: &App, parts: &Parts) -> dulieu_core::Result<Option<Actor>> {
    match cookie(parts, SESSION_COOKIE) {
        Some(token) => Ok(app.actor_for_session(&token).await?.map(|s| s.actor)),
        None => Ok(None),
    }
}

/// Middleware of the pages: resolves the session cookie once per request into a [`Visitor`]
/// (read by handlers as an extractor) and sends the cookie again when the session's end moved,
/// so the browser's copy slides with it.
pub async fn resolve(State(app): State<App>, mut request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let client = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string());
    let mut visitor = Visitor {
        presession: cookie(&parts, PRESESSION_COOKIE),
        client,
        ..Visitor::default()
    };
    if let Some(token) = cookie(&parts, SESSION_COOKIE) {
        let found = match app.actor_for_session(&token).await {
            Ok(Some(signed_in)) => app
                .unread_notifications(&signed_in.actor)
                .await
                .map(|unread| Some((signed_in, unread))),
            Ok(None) => Ok(None),
            Err(error) => Err(error),
        };
        match found {
            Ok(Some((signed_in, unread))) => {
                visitor.signed_in = Some(signed_in);
                visitor.session_token = Some(token);
                visitor.unread = unread;
            }
            Ok(None) => {}
            Err(error) => {
                let lang = Lang::from_path(parts.uri.path());
                return PageError { lang, error }.into_response();
            }
        }
    }
    let renew = visitor
        .signed_in
        .as_ref()
        .filter(|s| s.renewed)
        .and(visitor.session_token.clone());
    parts.extensions.insert(visitor);
    request = Request::from_parts(parts, body);
    let mut response = next.run(request).await;
    if let Some(token) = renew
        && !response.headers().contains_key(SET_COOKIE)
        && let Ok(value) = HeaderValue::from_str(&session_cookie(&app, &token))
    {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = Infallible;

    /// The visitor found by [`resolve`] (anonymous when the middleware did not run).
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .unwrap_or_default())
    }
}

/// `Set-Cookie` value of the session cookie.
pub fn session_cookie(app: &App, token: &str) -> String {
    cookie_value(app, SESSION_COOKIE, token, SESSION_LIFETIME.num_seconds())
}

/// `Set-Cookie` value of a pre-session cookie.
pub fn presession_cookie(app: &App, value: &str) -> String {
    cookie_value(app, PRESESSION_COOKIE, value, PRESESSION_SECONDS)
}

/// `Set-Cookie` value that removes cookie `name`.
pub fn removal_cookie(app: &App, name: &str) -> String {
    cookie_value(app, name, "", 0)
}

fn cookie_value(app: &App, name: &str, value: &str, max_age: i64) -> String {
    let secure = if app.public_url().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax{secure}")
}
