//! Users and API tokens: registration, sign-in by password, listing, revocation, `users/me`.

use axum::http::Method;

use crate::support::*;

const PASSWORD: &str = "mật khẩu đủ dài 2024";

async fn register(t: &TestApp, email: &str) -> Value {
    ok(
        &t.post(
            "/api/1/users",
            None,
            json!({"email": email, "password": PASSWORD, "display_name": "Nguyễn Thị Lan"}),
        )
        .await,
        201,
    )
}

async fn sign_in(t: &TestApp, email: &str, name: Option<&str>) -> Value {
    let mut body = json!({"email": email, "password": PASSWORD});
    if let Some(name) = name {
        body["name"] = json!(name);
    }
    ok(&t.post("/api/1/tokens", None, body).await, 201)
}

#[tokio::test]
async fn registration_creates_a_plain_user() {
    let t = TestApp::new().await;
    let user = register(&t, "  Lan.Nguyen@Example.VN ").await;
    assert_keys(&user, USER_KEYS);
    uuid_of(&user["id"]);
    assert_eq!(user["email"], "lan.nguyen@example.vn");
    assert_eq!(user["display_name"], "Nguyễn Thị Lan");
    assert_eq!(user["is_sysadmin"], false);
    assert!(
        !crate::support::text(
            &t.post(
                "/api/1/users",
                None,
                json!({"email": "x@y.vn", "password": PASSWORD})
            )
            .await
        )
        .contains(PASSWORD),
        "the password is never echoed"
    );

    // without a display name, the part before @ is used
    let plain = ok(
        &t.post(
            "/api/1/users",
            None,
            json!({"email": "minh@example.vn", "password": PASSWORD}),
        )
        .await,
        201,
    );
    assert_eq!(plain["display_name"], "minh");

    // e-mails are unique, whatever their case
    let body = error(
        &t.post(
            "/api/1/users",
            None,
            json!({"email": "LAN.NGUYEN@example.vn", "password": PASSWORD}),
        )
        .await,
        409,
        "email_taken",
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("lan.nguyen@example.vn")),
        "{body}"
    );
}

#[tokio::test]
async fn registration_is_validated() {
    let t = TestApp::new().await;
    let body = invalid(
        &t.post(
            "/api/1/users",
            None,
            json!({"email": "an@example.vn", "password": "ngan"}),
        )
        .await,
        &[("password", "too_short")],
    );
    assert_eq!(
        body["error"]["fields"]["password"][0]["message"],
        "Tối thiểu 10 ký tự."
    );
    invalid(
        &t.post(
            "/api/1/users",
            None,
            json!({"email": "khong-phai-email", "password": "123"}),
        )
        .await,
        &[("email", "invalid_email"), ("password", "too_short")],
    );
    invalid(
        &t.post(
            "/api/1/users",
            None,
            json!({"email": "an@example.vn", "password": "x".repeat(1025)}),
        )
        .await,
        &[("password", "too_long")],
    );
    invalid(
        &t.post("/api/1/users", None, json!({"email": "an@example.vn"}))
            .await,
        &[("password", "required")],
    );
    // nobody makes themselves a sysadmin
    invalid(
        &t.post(
            "/api/1/users",
            None,
            json!({"email": "an@example.vn", "password": PASSWORD, "is_sysadmin": true}),
        )
        .await,
        &[("is_sysadmin", "read_only")],
    );
    // exactly the minimum length is accepted
    let user = ok(
        &t.post(
            "/api/1/users",
            None,
            json!({"email": "an@example.vn", "password": "0123456789"}),
        )
        .await,
        201,
    );
    assert_eq!(user["is_sysadmin"], false);
}

#[tokio::test]
async fn tokens_are_created_by_password_listed_and_revoked() {
    let t = TestApp::new().await;
    let user = register(&t, "lan@example.vn").await;
    let created = sign_in(&t, "LAN@example.vn", Some("máy chủ thu thập")).await;
    assert_keys(
        &created,
        &[
            "id",
            "user_id",
            "name",
            "created_at",
            "last_used_at",
            "revoked_at",
            "token_secret",
        ],
    );
    assert_eq!(created["user_id"], user["id"]);
    assert_eq!(created["name"], "máy chủ thu thập");
    assert_eq!(created["last_used_at"], Value::Null);
    assert_eq!(created["revoked_at"], Value::Null);
    let secret = created["token_secret"]
        .as_str()
        .expect("secret")
        .to_string();
    assert!(secret.starts_with("dl_") && secret.len() > 30, "{secret}");

    // the token works
    let me = ok(&t.get("/api/1/users/me", Some(&secret)).await, 200);
    assert_eq!(me, user);

    // a signed-in user creates more tokens without a password; the default name is "api"
    let second = ok(
        &t.post("/api/1/tokens", Some(&secret), json!({})).await,
        201,
    );
    assert_eq!(second["user_id"], user["id"]);
    assert_eq!(second["name"], "api");
    let second_secret = second["token_secret"].as_str().expect("secret").to_string();
    assert_ne!(second_secret, secret);

    // listing: newest first, without secrets; last use is recorded
    let listed = ok(&t.get("/api/1/tokens", Some(&secret)).await, 200);
    let listed = listed.as_array().expect("array").clone();
    assert_eq!(listed.len(), 2);
    for token in &listed {
        assert_keys(token, TOKEN_KEYS);
        assert_eq!(token["user_id"], user["id"]);
    }
    assert_eq!(
        pluck(&listed, "id"),
        vec![
            second["id"].as_str().unwrap_or_default(),
            created["id"].as_str().unwrap_or_default()
        ]
    );
    assert!(listed[1]["last_used_at"].is_string(), "{listed:?}");
    assert!(!crate::support::text(&t.get("/api/1/tokens", Some(&secret)).await).contains(&secret));

    // revoke the first token with the second
    let first_id = created["id"].as_str().expect("id");
    status(
        &t.delete(&format!("/api/1/tokens/{first_id}"), Some(&second_secret))
            .await,
        204,
    );
    let refused = t.get("/api/1/users/me", Some(&secret)).await;
    error(&refused, 401, "invalid_token");
    assert_eq!(
        refused.header("www-authenticate").as_deref(),
        Some("Bearer realm=\"dulieu\"")
    );
    // a revoked token is refused even where no sign-in is needed
    error(
        &t.get("/api/1/datasets", Some(&secret)).await,
        401,
        "invalid_token",
    );
    let listed = ok(&t.get("/api/1/tokens", Some(&second_secret)).await, 200);
    let revoked = listed
        .as_array()
        .expect("array")
        .iter()
        .find(|t| t["id"] == first_id)
        .expect("revoked token still listed")
        .clone();
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    // the other token still works
    assert_eq!(
        ok(&t.get("/api/1/users/me", Some(&second_secret)).await, 200)["email"],
        "lan@example.vn"
    );
}

#[tokio::test]
async fn token_requests_are_checked() {
    let t = TestApp::new().await;
    register(&t, "lan@example.vn").await;
    let other = register(&t, "minh@example.vn").await;
    let wrong = t
        .post(
            "/api/1/tokens",
            None,
            json!({"email": "lan@example.vn", "password": "sai mật khẩu rồi"}),
        )
        .await;
    error(&wrong, 401, "invalid_credentials");
    error(
        &t.post(
            "/api/1/tokens",
            None,
            json!({"email": "khong-co@example.vn", "password": PASSWORD}),
        )
        .await,
        401,
        "invalid_credentials",
    );
    error(
        &t.post("/api/1/tokens", None, json!({"name": "x"})).await,
        401,
        "unauthenticated",
    );
    invalid(
        &t.post("/api/1/tokens", None, json!({"email": "lan@example.vn"}))
            .await,
        &[("password", "required")],
    );
    invalid(
        &t.post(
            "/api/1/tokens",
            None,
            json!({"email": "lan@example.vn", "password": PASSWORD, "scope": "all"}),
        )
        .await,
        &[("scope", "unknown_field")],
    );
    let lan = sign_in(&t, "lan@example.vn", None).await;
    let lan_secret = lan["token_secret"].as_str().expect("secret").to_string();
    invalid(
        &t.post(
            "/api/1/tokens",
            Some(&lan_secret),
            json!({"name": "x".repeat(101)}),
        )
        .await,
        &[("name", "too_long")],
    );
    // revoking: only one's own tokens; unknown and malformed ids are not found
    let minh = sign_in(&t, "minh@example.vn", None).await;
    let minh_id = minh["id"].as_str().expect("id");
    error(
        &t.delete(&format!("/api/1/tokens/{minh_id}"), Some(&lan_secret))
            .await,
        404,
        "not_found",
    );
    error(
        &t.delete(
            &format!("/api/1/tokens/{}", uuid::Uuid::new_v4()),
            Some(&lan_secret),
        )
        .await,
        404,
        "not_found",
    );
    error(
        &t.delete("/api/1/tokens/khong-phai-uuid", Some(&lan_secret))
            .await,
        404,
        "not_found",
    );
    error(
        &t.delete(&format!("/api/1/tokens/{minh_id}"), None).await,
        401,
        "unauthenticated",
    );
    let minh_secret = minh["token_secret"].as_str().expect("secret");
    assert_eq!(
        ok(&t.get("/api/1/users/me", Some(minh_secret)).await, 200)["id"],
        other["id"]
    );
    // the token list shows only one's own tokens
    let listed = ok(&t.get("/api/1/tokens", Some(&lan_secret)).await, 200);
    assert_eq!(
        pluck(listed.as_array().expect("array"), "user_id"),
        vec![lan["user_id"].as_str().unwrap_or_default()]
    );
}

#[tokio::test]
async fn users_me_needs_a_valid_bearer_token() {
    let t = TestApp::new().await;
    let (user, token) = t.user("an@example.vn", false).await;
    let me = ok(&t.get("/api/1/users/me", Some(&token)).await, 200);
    assert_keys(&me, USER_KEYS);
    assert_eq!(me["id"], user.id.to_string().as_str());
    assert_eq!(me["email"], "an@example.vn");
    assert_eq!(me["display_name"], "an");
    assert_eq!(me["is_sysadmin"], false);
    let (_, admin_token) = t.user("quantri@example.vn", true).await;
    assert_eq!(
        ok(&t.get("/api/1/users/me", Some(&admin_token)).await, 200)["is_sysadmin"],
        true
    );

    error(
        &t.get("/api/1/users/me", None).await,
        401,
        "unauthenticated",
    );
    error(
        &t.get("/api/1/users/me", Some("dl_khong-ton-tai")).await,
        401,
        "invalid_token",
    );
    for header in [
        "Basic YWJjOmRlZg==",
        "Bearer",
        "Bearer    ",
        &format!("Token {token}"),
    ] {
        let response = t
            .call(get_with(
                "/api/1/users/me",
                None,
                &[("authorization", header)],
            ))
            .await;
        error(&response, 401, "invalid_token");
    }
    // the scheme is case-insensitive
    let response = t
        .call(get_with(
            "/api/1/users/me",
            None,
            &[("authorization", &format!("bearer {token}"))],
        ))
        .await;
    assert_eq!(ok(&response, 200)["email"], "an@example.vn");
    // and users/me is GET only
    let response = t
        .send(Method::DELETE, "/api/1/users/me", Some(&token), None)
        .await;
    error(&response, 405, "method_not_allowed");
}
