//! The API tokens page through the real router: the signed-in user's tokens only, a new token's
//! secret shown once (and working), revoking, in both languages.

use crate::common;

use common::{Browser, PASSWORD, text, world};

const TOKENS: &str = "/account/tokens";

#[tokio::test]
async fn tokens_are_listed_created_once_and_revoked() {
    let (t, email) = world().await;
    let mut anonymous = Browser::default();
    let answer = anonymous.get(&t, TOKENS).await;
    assert_eq!(
        answer.headers["location"],
        "/sign-in?next=%2Faccount%2Ftokens"
    );

    let mut browser = Browser::default();
    browser.sign_in(&t, &email, PASSWORD).await;
    let page = text(&browser.get(&t, &format!("/en{TOKENS}")).await);
    assert!(page.contains("<h1>API tokens</h1>"), "{page}");
    assert!(
        page.contains("<strong>test</strong>"),
        "the token made by the test kit: {page}"
    );
    let csrf = common::csrf_of(&page);

    let created = browser
        .post(
            &t,
            &format!("/en{TOKENS}"),
            &[("csrf", &csrf), ("name", "đồng bộ đêm")],
        )
        .await;
    assert_eq!(created.status.as_u16(), 200);
    assert_eq!(created.headers["cache-control"], "no-store");
    let page = text(&created);
    assert!(page.contains("New token “đồng bộ đêm”"), "{page}");
    let start = page.find("id=\"token-secret\">").unwrap() + "id=\"token-secret\">".len();
    let secret = &page[start..start + page[start..].find('<').unwrap()];
    assert!(secret.starts_with("dl_"), "{secret}");
    let start = page.find("<strong>đồng bộ đêm</strong>").unwrap();
    let item = &page[start..start + page[start..].find("</li>").unwrap()];
    assert!(item.contains("Never"), "not used yet: {item}");
    let me = t.get("/api/1/users/me", Some(secret)).await;
    assert_eq!(me.status.as_u16(), 200, "the new token works");
    assert_eq!(me.json()["email"], email.as_str());

    let listed = text(&browser.get(&t, TOKENS).await);
    assert!(!listed.contains(secret), "the secret is shown once");
    let start = listed.find("<strong>đồng bộ đêm</strong>").unwrap();
    let item = &listed[start..start + listed[start..].find("</li>").unwrap()];
    assert!(!item.contains("Chưa dùng"), "its last use is shown: {item}");
    assert_eq!(
        item.matches(" UTC").count(),
        2,
        "created and last used: {item}"
    );

    let token_id = t
        .app
        .list_tokens(&t.app.authenticate(Some(secret)).await.unwrap())
        .await
        .unwrap()
        .into_iter()
        .find(|tk| tk.name == "đồng bộ đêm")
        .unwrap()
        .id;
    let action = format!("{TOKENS}/{token_id}/revoke");
    assert!(listed.contains(&action), "a revoke button");
    assert_eq!(browser.post(&t, &action, &[]).await.status.as_u16(), 403);
    let revoked = browser.post(&t, &action, &[("csrf", &csrf)]).await;
    assert_eq!(
        revoked.headers["location"],
        format!("{TOKENS}?notice=token_revoked")
    );
    assert_eq!(
        t.get("/api/1/users/me", Some(secret)).await.status.as_u16(),
        401,
        "a revoked token no longer works"
    );
    let page = text(
        &browser
            .get(&t, &format!("{TOKENS}?notice=token_revoked"))
            .await,
    );
    assert!(page.contains("Đã thu hồi mã truy cập."), "{page}");
    assert!(page.contains("Đã thu hồi lúc"), "{page}");
    assert!(!page.contains(&action), "no button for a revoked token");
}

#[tokio::test]
async fn a_token_name_too_long_is_shown_next_to_its_field_and_others_tokens_are_not_mine() {
    let (t, email) = world().await;
    let (_, other_secret) = t.user("nguoi-khac@example.vn", false).await;
    let mut browser = Browser::default();
    browser.sign_in(&t, &email, PASSWORD).await;
    let csrf = browser.csrf(&t, TOKENS).await;

    let long = "x".repeat(101);
    let refused = browser
        .post(
            &t,
            &format!("/en{TOKENS}"),
            &[("csrf", &csrf), ("name", &long)],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 422);
    let page = text(&refused);
    assert!(page.contains("id=\"f-name-error-1\""), "{page}");
    assert!(page.contains("aria-invalid=\"true\""), "{page}");
    assert!(!page.contains("token-secret"), "nothing created");

    let others = t
        .app
        .list_tokens(&t.app.authenticate(Some(&other_secret)).await.unwrap())
        .await
        .unwrap();
    let foreign = browser
        .post(
            &t,
            &format!("{TOKENS}/{}/revoke", others[0].id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(foreign.status.as_u16(), 404);
    assert_eq!(
        t.get("/api/1/users/me", Some(&other_secret))
            .await
            .status
            .as_u16(),
        200,
        "another user's token stays"
    );
    let listed = text(&browser.get(&t, TOKENS).await);
    assert_eq!(
        listed.matches("class=\"token-name\"").count(),
        1,
        "only mine: {listed}"
    );
}
