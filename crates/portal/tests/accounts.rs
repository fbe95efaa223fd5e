//! Accounts in the portal through the real router: cookies and their flags, CSRF, sign in and
//! out, what a member sees, the `next` redirect, the sign-in rate limit, sign-up and the
//! password change.

use crate::common;

use dulieu_testkit::TestApp;

use common::{Browser, PASSWORD, csrf_of, set_cookie, text, world};

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_secure_on_https() {
    let (t, email) = world().await;
    let mut browser = Browser::default();
    let form = browser.get(&t, "/sign-in").await;
    let pre = set_cookie(&form, "dulieu_presession");
    assert!(
        pre.contains("HttpOnly") && pre.contains("SameSite=Lax"),
        "{pre}"
    );
    let answer = browser.sign_in(&t, &email, PASSWORD).await;
    assert_eq!(answer.status.as_u16(), 303, "{}", text(&answer));
    let cookie = set_cookie(&answer, "dulieu_session");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=1209600"] {
        assert!(cookie.contains(flag), "{flag} missing: {cookie}");
    }
    assert!(!cookie.contains("Secure"), "http public URL: {cookie}");
    let token = browser.cookie("dulieu_session").unwrap();
    assert_eq!(token.len(), 43, "32 bytes in base64url: {token}");

    let https = TestApp::with(|c| c.public_url = "https://dulieu.test".into()).await;
    https.user("a@example.vn", false).await;
    let mut browser = Browser::default();
    let answer = browser.sign_in(&https, "a@example.vn", PASSWORD).await;
    assert!(set_cookie(&answer, "dulieu_session").contains("; Secure"));
}

#[tokio::test]
async fn a_signed_in_member_sees_drafts_and_the_header_names_them() {
    let (t, email) = world().await;
    let mut browser = Browser::default();
    assert_eq!(
        browser
            .get(&t, "/dataset/muc-nuoc-nhap")
            .await
            .status
            .as_u16(),
        404
    );
    let search = text(
        &browser
            .get(&t, "/search?q=m%E1%BB%B1c+n%C6%B0%E1%BB%9Bc")
            .await,
    );
    assert!(
        !search.contains("muc-nuoc-nhap"),
        "anonymous search shows the draft"
    );

    browser.sign_in(&t, &email, PASSWORD).await;
    let page = browser.get(&t, "/en/dataset/muc-nuoc-nhap").await;
    assert_eq!(page.status.as_u16(), 200);
    assert!(text(&page).contains("Draft water levels"));
    assert!(text(&page).contains("Signed in as bien-tap"), "header");
    assert!(
        text(&page).contains("action=\"/en/sign-out\""),
        "sign-out button"
    );
    let search = text(
        &browser
            .get(&t, "/search?q=m%E1%BB%B1c+n%C6%B0%E1%BB%9Bc")
            .await,
    );
    assert!(
        search.contains("/dataset/muc-nuoc-nhap"),
        "member search misses the draft"
    );
}

#[tokio::test]
async fn a_wrong_password_is_told_in_both_languages() {
    let (t, email) = world().await;
    for (prefix, expected) in [
        ("", "Thư điện tử hoặc mật khẩu không đúng."),
        ("/en", "The e-mail or password is not correct."),
    ] {
        let mut browser = Browser::default();
        let csrf = browser.csrf(&t, &format!("{prefix}/sign-in")).await;
        let answer = browser
            .post(
                &t,
                &format!("{prefix}/sign-in"),
                &[
                    ("csrf", &csrf),
                    ("email", &email),
                    ("password", "wrong password!"),
                ],
            )
            .await;
        assert_eq!(answer.status.as_u16(), 401);
        assert!(text(&answer).contains(expected), "{prefix}");
        assert!(browser.cookie("dulieu_session").is_none());
    }
}

#[tokio::test]
async fn a_post_without_the_right_csrf_token_is_refused() {
    let (t, email) = world().await;
    let mut browser = Browser::default();
    browser.csrf(&t, "/sign-in").await;
    for csrf in ["", "0000", &dulieu_app::csrf_token("someone else")] {
        let answer = browser
            .post(
                &t,
                "/sign-in",
                &[("csrf", csrf), ("email", &email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(answer.status.as_u16(), 403, "csrf {csrf:?}");
        assert!(browser.cookie("dulieu_session").is_none());
    }
    // A token taken from another visitor's page does not fit this visitor's cookie.
    let mut other = Browser::default();
    let foreign = other.csrf(&t, "/sign-in").await;
    let answer = browser
        .post(
            &t,
            "/sign-in",
            &[
                ("csrf", &foreign),
                ("email", &email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status.as_u16(), 403);

    browser.sign_in(&t, &email, PASSWORD).await;
    let answer = browser.post(&t, "/sign-out", &[("csrf", "")]).await;
    assert_eq!(answer.status.as_u16(), 403);
    assert!(text(&answer).contains("Không thể gửi biểu mẫu"));
    assert_eq!(
        browser
            .get(&t, "/dataset/muc-nuoc-nhap")
            .await
            .status
            .as_u16(),
        200,
        "still signed in"
    );
}

#[tokio::test]
async fn next_is_followed_only_to_local_paths() {
    let (t, email) = world().await;
    for (next, expected) in [
        ("/en/dataset/muc-nuoc-nhap", "/en/dataset/muc-nuoc-nhap"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
    ] {
        let mut browser = Browser::default();
        let csrf = browser.csrf(&t, "/sign-in").await;
        let answer = browser
            .post(
                &t,
                "/sign-in",
                &[
                    ("csrf", &csrf),
                    ("email", &email),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(answer.status.as_u16(), 303);
        assert_eq!(
            answer.header("location").as_deref(),
            Some(expected),
            "{next}"
        );
    }
}

#[tokio::test]
async fn five_failures_lock_sign_in_for_a_while_without_checking_the_password() {
    let (t, email) = world().await;
    let mut browser = Browser::default();
    for _ in 0..5 {
        let answer = browser.sign_in(&t, &email, "wrong password!").await;
        assert_eq!(answer.status.as_u16(), 401);
    }
    let answer = browser.sign_in(&t, &email, PASSWORD).await;
    assert_eq!(answer.status.as_u16(), 429, "even the right password waits");
    let retry: u64 = answer.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    assert!(browser.cookie("dulieu_session").is_none());
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let (t, email) = world().await;
    let mut browser = Browser::default();
    browser.sign_in(&t, &email, PASSWORD).await;
    let token = browser.cookie("dulieu_session").unwrap();
    let page = text(&browser.get(&t, "/").await);
    let answer = browser
        .post(&t, "/sign-out", &[("csrf", &csrf_of(&page))])
        .await;
    assert_eq!(answer.status.as_u16(), 303);
    assert!(set_cookie(&answer, "dulieu_session").contains("Max-Age=0"));
    assert!(t.app.actor_for_session(&token).await.unwrap().is_none());
    // The old cookie, replayed, is anonymous.
    let mut replay = Browser::default();
    replay.cookies.push(("dulieu_session".into(), token));
    assert_eq!(
        replay
            .get(&t, "/dataset/muc-nuoc-nhap")
            .await
            .status
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn a_password_change_needs_the_current_one_and_ends_other_sessions() {
    let (t, email) = world().await;
    let mut laptop = Browser::default();
    let mut phone = Browser::default();
    laptop.sign_in(&t, &email, PASSWORD).await;
    phone.sign_in(&t, &email, PASSWORD).await;

    let csrf = laptop.csrf(&t, "/en/account/password").await;
    let new = "a much longer new password";
    let wrong = laptop
        .post(
            &t,
            "/en/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", "not it at all"),
                ("new_password", new),
                ("new_password_confirm", new),
            ],
        )
        .await;
    assert_eq!(wrong.status.as_u16(), 422);
    assert!(text(&wrong).contains("The current password is not correct."));
    assert_eq!(
        phone
            .get(&t, "/dataset/muc-nuoc-nhap")
            .await
            .status
            .as_u16(),
        200
    );

    let done = laptop
        .post(
            &t,
            "/en/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", new),
                ("new_password_confirm", new),
            ],
        )
        .await;
    assert_eq!(done.status.as_u16(), 303, "{}", text(&done));
    assert_eq!(
        phone
            .get(&t, "/dataset/muc-nuoc-nhap")
            .await
            .status
            .as_u16(),
        404,
        "phone signed out"
    );
    assert_eq!(
        laptop
            .get(&t, "/dataset/muc-nuoc-nhap")
            .await
            .status
            .as_u16(),
        200,
        "laptop kept"
    );
    let mut again = Browser::default();
    assert_eq!(
        again.sign_in(&t, &email, PASSWORD).await.status.as_u16(),
        401
    );
    assert_eq!(again.sign_in(&t, &email, new).await.status.as_u16(), 303);
}

#[tokio::test]
async fn the_password_page_sends_anonymous_visitors_to_sign_in() {
    let t = TestApp::new().await;
    let answer = Browser::default().get(&t, "/en/account/password").await;
    assert_eq!(answer.status.as_u16(), 303);
    assert_eq!(
        answer.header("location").as_deref(),
        Some("/en/sign-in?next=%2Fen%2Faccount%2Fpassword")
    );
}

#[tokio::test]
async fn sign_up_validates_next_to_the_fields_then_signs_in() {
    let t = TestApp::new().await;
    let mut browser = Browser::default();
    let csrf = browser.csrf(&t, "/en/sign-up").await;
    let bad = browser
        .post(
            &t,
            "/en/sign-up",
            &[
                ("csrf", &csrf),
                ("email", "not-an-email"),
                ("password", "short"),
                ("password_confirm", "other"),
            ],
        )
        .await;
    assert_eq!(bad.status.as_u16(), 422);
    let body = text(&bad);
    assert!(body.contains("The two passwords differ."), "{body}");
    assert!(body.contains("aria-invalid=\"true\""));
    let ok = browser
        .post(
            &t,
            "/en/sign-up",
            &[
                ("csrf", &csrf),
                ("email", "New@Example.vn"),
                ("display_name", "Lan"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(ok.status.as_u16(), 303, "{}", text(&ok));
    assert!(text(&browser.get(&t, "/en/").await).contains("Signed in as Lan"));

    let mut second = Browser::default();
    let csrf = second.csrf(&t, "/sign-up").await;
    let taken = second
        .post(
            &t,
            "/sign-up",
            &[
                ("csrf", &csrf),
                ("email", "new@example.vn"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(taken.status.as_u16(), 422);
    assert!(text(&taken).contains("Đã có tài khoản dùng thư điện tử này."));
}

#[tokio::test]
async fn a_session_used_after_an_hour_slides_and_its_cookie_is_sent_again() {
    let (t, email) = world().await;
    let mut browser = Browser::default();
    browser.sign_in(&t, &email, PASSWORD).await;
    let token = browser.cookie("dulieu_session").unwrap();
    let page = browser.get(&t, "/").await;
    assert!(
        page.headers.get("set-cookie").is_none(),
        "a fresh session is not renewed"
    );

    let session = t
        .app
        .actor_for_session(&token)
        .await
        .unwrap()
        .unwrap()
        .session;
    let now = chrono::Utc::now();
    let mut conn = t.app.store().conn().await.unwrap();
    dulieu_store::sessions::touch(
        &mut conn,
        session.id,
        now - chrono::Duration::hours(2),
        now + chrono::Duration::minutes(1),
    )
    .await
    .unwrap();
    drop(conn);
    let page = browser.get(&t, "/").await;
    let cookie = set_cookie(&page, "dulieu_session");
    assert!(
        cookie.starts_with(&format!("dulieu_session={token};")),
        "{cookie}"
    );
    let slid = t
        .app
        .actor_for_session(&token)
        .await
        .unwrap()
        .unwrap()
        .session;
    assert!(
        slid.expires_at > now + chrono::Duration::days(13),
        "{slid:?}"
    );
}
