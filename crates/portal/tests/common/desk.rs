//! A desk for the ticket pages' tests: a national organization that publishes the dataset
//! [`DATASET`], a citizen, a member of the portal team and an editor of the organization.

use dulieu_core::account::Actor;
use dulieu_core::vocab::{OrgKind, Role};
use dulieu_testkit::TestApp;
use serde_json::json;

use super::{Browser, ORG, PASSWORD, text};

/// The published dataset's slug.
pub const DATASET: &str = "gia-dat";

/// The app and the e-mail addresses of its people.
pub struct Desk {
    pub t: TestApp,
    pub citizen: String,
    pub team: String,
    pub editor: String,
    /// The editor's API token.
    pub editor_token: String,
}

/// A new desk.
pub async fn desk() -> Desk {
    let t = TestApp::new().await;
    t.organization(ORG, OrgKind::National).await;
    let (citizen, _) = t.user("lan@congdan.test", false).await;
    let (team, _) = t.user("odtf@dulieu.test", false).await;
    t.app
        .set_portal_team(&Actor::system(), &team.email, true)
        .await
        .unwrap();
    let (editor, editor_token) = t.user("bientap@gso.test", false).await;
    t.grant(ORG, &editor.email, Role::Editor).await;
    let created = t
        .post(
            "/api/1/datasets",
            Some(&editor_token),
            json!({"slug": DATASET, "title": {"vi": "Giá đất", "en": "Land prices"},
                   "publisher": ORG, "license": "cc-by-4.0", "status": "published"}),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201, "{}", text(&created));
    Desk {
        t,
        citizen: citizen.email,
        team: team.email,
        editor: editor.email,
        editor_token,
    }
}

/// A browser signed in as `email` through the form.
pub async fn signed_in(t: &TestApp, email: &str) -> Browser {
    let mut browser = Browser::default();
    let answer = browser.sign_in(t, email, PASSWORD).await;
    assert_eq!(answer.status.as_u16(), 303, "sign in {email}");
    browser
}
