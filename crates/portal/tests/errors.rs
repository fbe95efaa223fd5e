//! The error pages a server fault and a missing role answer, in both languages, through the real
//! router (no route fails on purpose: the fault is a database that has gone away).

use crate::common;

use common::{Browser, PASSWORD, text, world};
use dulieu_testkit::TestApp;

#[tokio::test]
async fn a_server_fault_answers_the_500_page_in_the_page_language() {
    let t = TestApp::new().await;
    t.app.store().close().await;
    let mut browser = Browser::default();
    for (path, lang, title, text_part) in [
        ("/", "vi", "Lỗi máy chủ", "Đã có lỗi ở phía chúng tôi."),
        (
            "/en/",
            "en",
            "Server error",
            "Something went wrong on our side.",
        ),
        (
            "/en/organizations",
            "en",
            "Server error",
            "Please try again later.",
        ),
    ] {
        let answer = browser.get(&t, path).await;
        assert_eq!(answer.status.as_u16(), 500, "{path}");
        let page = text(&answer);
        assert!(page.contains(&format!("<html lang=\"{lang}\">")), "{page}");
        assert!(page.contains(&format!("<h1>{title}</h1>")), "{page}");
        assert!(page.contains(text_part), "{page}");
        assert!(!page.contains("database"), "no detail of the fault: {page}");
    }
}

#[tokio::test]
async fn a_missing_role_and_a_missing_csrf_token_say_different_things() {
    let (t, email) = world().await;
    let mut browser = Browser::default();
    browser.sign_in(&t, &email, PASSWORD).await;
    let members = "/en/workspace/organization/hoi-thuy-van/members";
    let denied = browser.get(&t, members).await;
    assert_eq!(denied.status.as_u16(), 403);
    let denied = text(&denied);
    assert!(
        denied.contains("<h1>You do not have permission</h1>"),
        "{denied}"
    );
    assert!(
        denied.contains("Ask one of its administrators."),
        "{denied}"
    );

    let forged = browser
        .post(&t, "/en/account/tokens", &[("name", "x")])
        .await;
    assert_eq!(forged.status.as_u16(), 403);
    let forged = text(&forged);
    assert!(
        forged.contains("<h1>The form could not be sent</h1>"),
        "{forged}"
    );
    assert!(!forged.contains("You do not have permission"), "{forged}");
}
