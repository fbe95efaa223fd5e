//! The members page of an organization through the real router: only its admins (and
//! sysadmins) open it, anyone else gets the 403 page in their language; members are added by
//! e-mail with a role, roles changed and members removed, the last admin kept, in both languages.

use crate::common;

use common::{Browser, ORG, PASSWORD, text, world};
use dulieu_core::account::Actor;
use dulieu_core::vocab::Role;
use dulieu_testkit::TestApp;

const MEMBERS: &str = "/workspace/organization/hoi-thuy-van/members";

/// The world with an admin of its organization, signed in; returns the admin's browser and the
/// page's CSRF token.
async fn admin(t: &TestApp) -> (Browser, String, uuid::Uuid) {
    let (user, _) = t.user("quan-tri@example.vn", false).await;
    t.grant(ORG, &user.email, Role::Admin).await;
    let mut browser = Browser::default();
    browser.sign_in(t, &user.email, PASSWORD).await;
    let csrf = browser.csrf(t, MEMBERS).await;
    (browser, csrf, user.id)
}

/// The roles of the organization's members by e-mail, as the store has them.
async fn roles(t: &TestApp) -> Vec<(String, Role)> {
    let mut roles: Vec<(String, Role)> = t
        .app
        .list_members(&Actor::system(), ORG)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.email, m.role))
        .collect();
    roles.sort_by(|a, b| a.0.cmp(&b.0));
    roles
}

#[tokio::test]
async fn only_admins_open_the_members_page() {
    let (t, editor) = world().await;
    let mut anonymous = Browser::default();
    let answer = anonymous.get(&t, MEMBERS).await;
    assert_eq!(answer.status.as_u16(), 303);
    assert_eq!(
        answer.headers["location"],
        "/sign-in?next=%2Fworkspace%2Forganization%2Fhoi-thuy-van%2Fmembers"
    );

    let mut browser = Browser::default();
    browser.sign_in(&t, &editor, PASSWORD).await;
    let vi = browser.get(&t, MEMBERS).await;
    assert_eq!(vi.status.as_u16(), 403, "an editor is not an admin");
    let vi = text(&vi);
    assert!(vi.contains("<html lang=\"vi\">"), "{vi}");
    assert!(vi.contains("Không có quyền truy cập"), "{vi}");
    assert!(
        !vi.contains("bien-tap@example.vn</strong>"),
        "no member listed"
    );
    let en = browser.get(&t, &format!("/en{MEMBERS}")).await;
    assert_eq!(en.status.as_u16(), 403);
    assert!(
        text(&en).contains("You do not have permission"),
        "{}",
        text(&en)
    );
    let workspace = text(&browser.get(&t, "/en/workspace").await);
    assert!(
        !workspace.contains(MEMBERS),
        "no members link for an editor"
    );

    let unknown = browser
        .get(&t, "/workspace/organization/khong-co/members")
        .await;
    assert_eq!(unknown.status.as_u16(), 404);

    let (mut admin, _, _) = admin(&t).await;
    let page = admin.get(&t, &format!("/en{MEMBERS}")).await;
    assert_eq!(page.status.as_u16(), 200);
    let page = text(&page);
    assert!(
        page.contains("Members of Organization hoi-thuy-van"),
        "{page}"
    );
    assert!(page.contains("bien-tap@example.vn"), "{page}");
    assert!(
        page.contains("quan-tri@example.vn</strong> (you)"),
        "{page}"
    );
    let workspace = text(&admin.get(&t, "/en/workspace").await);
    assert!(
        workspace.contains(&format!("href=\"/en{MEMBERS}\"")),
        "the workspace links to the page: {workspace}"
    );
    let vi = text(&admin.get(&t, MEMBERS).await);
    assert!(vi.contains("Thành viên của Tổ chức hoi-thuy-van"), "{vi}");
    assert!(vi.contains("Biên tập viên"), "{vi}");
}

#[tokio::test]
async fn an_admin_adds_members_by_email_and_changes_their_roles() {
    let (t, _) = world().await;
    let (mut browser, csrf, _) = admin(&t).await;
    t.user("moi@example.vn", false).await;

    let added = browser
        .post(
            &t,
            MEMBERS,
            &[
                ("csrf", &csrf),
                ("email", " Moi@Example.vn "),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(added.status.as_u16(), 303, "{}", text(&added));
    assert_eq!(
        added.headers["location"],
        format!("{MEMBERS}?notice=member_saved")
    );
    assert!(
        roles(&t)
            .await
            .contains(&("moi@example.vn".into(), Role::Member))
    );
    let page = text(
        &browser
            .get(&t, &format!("{MEMBERS}?notice=member_saved"))
            .await,
    );
    assert!(page.contains("Đã lưu vai trò của thành viên."), "{page}");

    let changed = browser
        .post(
            &t,
            &format!("/en{MEMBERS}"),
            &[
                ("csrf", &csrf),
                ("email", "moi@example.vn"),
                ("role", "editor"),
            ],
        )
        .await;
    assert_eq!(
        changed.headers["location"],
        format!("/en{MEMBERS}?notice=member_saved")
    );
    assert!(
        roles(&t)
            .await
            .contains(&("moi@example.vn".into(), Role::Editor))
    );

    let unknown = browser
        .post(
            &t,
            &format!("/en{MEMBERS}"),
            &[
                ("csrf", &csrf),
                ("email", "ai-do@example.vn"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(unknown.status.as_u16(), 422);
    let page = text(&unknown);
    assert!(
        page.contains("Please correct the errors marked below."),
        "{page}"
    );
    assert!(
        page.contains("id=\"f-email-error-1\""),
        "next to the e-mail: {page}"
    );
    assert!(page.contains("value=\"ai-do@example.vn\""), "kept: {page}");
    let bad_role = browser
        .post(
            &t,
            MEMBERS,
            &[
                ("csrf", &csrf),
                ("email", "moi@example.vn"),
                ("role", "owner"),
            ],
        )
        .await;
    assert_eq!(bad_role.status.as_u16(), 422);
    assert!(text(&bad_role).contains("id=\"f-role-error-1\""));
    assert!(
        roles(&t)
            .await
            .contains(&("moi@example.vn".into(), Role::Editor))
    );

    let forged = browser
        .post(
            &t,
            MEMBERS,
            &[("email", "moi@example.vn"), ("role", "admin")],
        )
        .await;
    assert_eq!(forged.status.as_u16(), 403, "no CSRF token");
    assert!(
        roles(&t)
            .await
            .contains(&("moi@example.vn".into(), Role::Editor))
    );
}

#[tokio::test]
async fn members_are_removed_but_the_last_admin_stays() {
    let (t, editor) = world().await;
    let (mut browser, csrf, admin_id) = admin(&t).await;
    let editor_id = t.app.user_by_email(&editor).await.unwrap().id;

    let demote = browser
        .post(
            &t,
            &format!("/en{MEMBERS}"),
            &[
                ("csrf", &csrf),
                ("email", "quan-tri@example.vn"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(demote.status.as_u16(), 422);
    assert!(
        text(&demote).contains("The organization must keep at least one administrator."),
        "{}",
        text(&demote)
    );
    let myself = browser
        .post(
            &t,
            &format!("{MEMBERS}/{admin_id}/remove"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(
        myself.headers["location"],
        format!("{MEMBERS}?problem=last_admin")
    );
    let page = text(
        &browser
            .get(&t, &format!("{MEMBERS}?problem=last_admin"))
            .await,
    );
    assert!(
        page.contains("Tổ chức phải còn ít nhất một quản trị viên."),
        "{page}"
    );

    let action = format!("{MEMBERS}/{editor_id}/remove");
    assert!(page.contains(&action), "a remove button per member");
    assert_eq!(browser.post(&t, &action, &[]).await.status.as_u16(), 403);
    let removed = browser
        .post(&t, &format!("/en{action}"), &[("csrf", &csrf)])
        .await;
    assert_eq!(
        removed.headers["location"],
        format!("/en{MEMBERS}?notice=member_removed")
    );
    assert_eq!(
        roles(&t).await,
        vec![("quan-tri@example.vn".to_string(), Role::Admin)]
    );
    let again = browser.post(&t, &action, &[("csrf", &csrf)]).await;
    assert_eq!(again.status.as_u16(), 404, "no longer a member");
}
