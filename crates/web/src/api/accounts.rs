//! Users and API tokens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use dulieu_app::{App, NewToken, TokenRequest};
use dulieu_core::account::{ApiToken, NewUser, User};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Caller, JsonObject, parse_id};

/// Registers an account.
#[utoipa::path(post, path = "/api/1/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = User), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_user(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<User>)> {
    body.check_create(
        &["email", "password"],
        &["id", "is_sysadmin", "is_odtf", "created_at"],
    )?;
    let input: NewUser = body.decode()?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_user(&actor, input, false).await?),
    ))
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/1/users/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = User), (status = 401, body = ErrorBody)))]
pub async fn me(State(app): State<App>, Caller(actor): Caller) -> ApiResult<Json<User>> {
    Ok(Json(app.current_user(&actor).await?))
}

/// Creates an API token, for the signed-in user or by e-mail and password. The secret is shown once.
#[utoipa::path(post, path = "/api/1/tokens", tag = "accounts", request_body = TokenRequest,
    responses((status = 201, body = NewToken), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(app): State<App>,
    Caller(actor): Caller,
    body: JsonObject,
) -> ApiResult<(StatusCode, Json<NewToken>)> {
    let request: TokenRequest = body.decode()?;
    Ok((
        StatusCode::CREATED,
        Json(app.create_token(&actor, request).await?),
    ))
}

/// The signed-in user's tokens (without secrets).
#[utoipa::path(get, path = "/api/1/tokens", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = [ApiToken]), (status = 401, body = ErrorBody)))]
pub async fn list_tokens(
    State(app): State<App>,
    Caller(actor): Caller,
) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(app.list_tokens(&actor).await?))
}

/// Revokes a token.
#[utoipa::path(delete, path = "/api/1/tokens/{id}", tag = "accounts",
    params(("id" = uuid::Uuid, Path, description = "Token id")), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(app): State<App>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    app.revoke_token(&actor, parse_id("token", &id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
