//! The publication review's page through the real router, in both languages: a national body
//! with an editor and an approver. The editor sees the review tab and submits; the approver sees
//! the blocking finding, cannot approve (409, said on the page), cannot send back without a
//! comment (422, next to the field) and sends back with one; the editor fixes the license and
//! submits again; the approver approves; the editor publishes. The dataset's history says each
//! step; the workspace shows the review status; the members page explains the approver role.
//! Visitors and other organizations' editors do not see the page.

use crate::common;

use common::{Browser, PASSWORD, text};
use dulieu_core::vocab::{OrgKind, Role};
use dulieu_testkit::{TestApp, TestResponse};
use serde_json::json;

const BODY: &str = "bo-thong-ke";
const OTHER: &str = "hoi-nghe-ca";
const DATASET: &str = "dan-so";
const REVIEW: &str = "/dataset/dan-so/review";
const CSV: &[u8] = "tinh,dan_so\nHà Nội,8435700\nĐà Nẵng,1220200\n".as_bytes();
const SENT_BACK: &str = "Chưa có giấy phép mở, xin bổ sung.";

struct World {
    t: TestApp,
    editor: Browser,
    approver: Browser,
    outsider: Browser,
    editor_token: String,
}

async fn signed_in(t: &TestApp, email: &str) -> Browser {
    let mut browser = Browser::default();
    let answer = browser.sign_in(t, email, PASSWORD).await;
    assert_eq!(answer.status.as_u16(), 303, "{}", text(&answer));
    browser
}

/// A national body with an editor and an approver, its draft without a license (a violation
/// that blocks approval) with a CSV file, and a provincial organization without approver with
/// its own editor and draft.
async fn world() -> World {
    let t = TestApp::new().await;
    t.organization(BODY, OrgKind::National).await;
    t.organization(OTHER, OrgKind::Provincial).await;
    let (_, editor_token) = t.user("bien-tap@gso.test", false).await;
    t.grant(BODY, "bien-tap@gso.test", Role::Editor).await;
    t.user("duyet@gso.test", false).await;
    t.grant(BODY, "duyet@gso.test", Role::Approver).await;
    let (_, outsider_token) = t.user("bien-tap@hoi.test", false).await;
    t.grant(OTHER, "bien-tap@hoi.test", Role::Editor).await;
    for (token, slug, publisher) in [
        (&editor_token, DATASET, BODY),
        (&outsider_token, "cua-hoi", OTHER),
    ] {
        let created = t
            .post(
                "/api/1/datasets",
                Some(token),
                json!({"slug": slug, "title": {"vi": "Dân số theo tỉnh", "en": "Population by province"},
                       "description": {"vi": "Dân số theo tỉnh", "en": "Population by province"},
                       "publisher": publisher, "license": "none", "status": "draft"}),
            )
            .await;
        assert_eq!(created.status.as_u16(), 201, "{}", text(&created));
    }
    let uploaded = t
        .upload(
            &format!("/api/1/datasets/{DATASET}/distributions"),
            Some(&editor_token),
            "dan-so.csv",
            CSV,
            &[],
        )
        .await;
    assert_eq!(uploaded.status.as_u16(), 201, "{}", text(&uploaded));
    t.run_jobs().await;
    World {
        editor: signed_in(&t, "bien-tap@gso.test").await,
        approver: signed_in(&t, "duyet@gso.test").await,
        outsider: signed_in(&t, "bien-tap@hoi.test").await,
        editor_token,
        t,
    }
}

/// GETs `path` as `browser`, expecting 200.
async fn page(t: &TestApp, browser: &mut Browser, path: &str) -> String {
    let answer = browser.get(t, path).await;
    let html = text(&answer);
    assert_eq!(answer.status.as_u16(), 200, "{path}: {html}");
    html
}

/// Posts the review form of `action` with `comment`, the CSRF token taken from the review page.
async fn step(
    t: &TestApp,
    browser: &mut Browser,
    prefix: &str,
    action: &str,
    comment: &str,
) -> TestResponse {
    let path = format!("{prefix}{REVIEW}");
    browser
        .submit(t, &path, &path, &[("action", action), ("comment", comment)])
        .await
}

fn redirected_to(answer: &TestResponse, notice: &str) -> String {
    assert_eq!(answer.status.as_u16(), 303, "{}", text(answer));
    let location = answer.header("location").expect("a location");
    assert!(
        location.ends_with(&format!("?notice={notice}")),
        "{location}"
    );
    location
}

fn button(label: &str) -> String {
    format!(">{label}</button>")
}

#[tokio::test]
async fn an_approver_sends_back_approves_and_the_editor_publishes_through_the_review_page() {
    let mut w = world().await;
    let t = &w.t;

    // The editor sees the tab and, in both languages, the status, the changes and Submit.
    let overview = page(t, &mut w.editor, &format!("/en/dataset/{DATASET}")).await;
    assert!(
        overview.contains("href=\"/en/dataset/dan-so/review\""),
        "{overview}"
    );
    assert!(overview.contains(">Publication review</a>"), "{overview}");
    let vi = page(t, &mut w.editor, REVIEW).await;
    assert!(vi.contains("<html lang=\"vi\">"), "{vi}");
    assert!(vi.contains("Bản nháp"), "{vi}");
    assert!(vi.contains(&button("Gửi duyệt")), "{vi}");
    assert!(
        vi.contains("class=\"active\" aria-current=\"page\">Xét duyệt công bố"),
        "{vi}"
    );
    let en = page(t, &mut w.editor, &format!("/en{REVIEW}")).await;
    assert!(en.contains(&button("Submit for review")), "{en}");
    assert!(!en.contains(&button("Approve")), "{en}");
    assert!(
        en.contains("<th scope=\"row\">Title</th><td>—</td><td>Dân số theo tỉnh / Population by province</td>"),
        "never published: the title is new: {en}"
    );
    assert!(en.contains("1 file(s): "), "the file, summarised: {en}");
    assert!(
        !en.contains("<th scope=\"row\">Keywords</th>"),
        "no keyword was set: {en}"
    );
    assert!(en.contains("No steps yet."), "{en}");

    // The approver has nothing to do on a draft.
    let draft = page(t, &mut w.approver, &format!("/en{REVIEW}")).await;
    assert!(!draft.contains("class=\"review-form\""), "{draft}");

    // The editor submits; the page says so; the workspace shows the status.
    let answer = step(t, &mut w.editor, "/en", "submit", "").await;
    let location = redirected_to(&answer, "review_submitted");
    let after = page(t, &mut w.editor, &location).await;
    assert!(
        after.contains("Submitted for review; the approvers were told."),
        "{after}"
    );
    assert!(after.contains(&button("Withdraw")), "{after}");
    let workspace = page(t, &mut w.editor, "/en/workspace").await;
    assert!(workspace.contains("In review"), "{workspace}");
    let workspace = page(t, &mut w.editor, "/workspace").await;
    assert!(workspace.contains("Đang chờ duyệt"), "{workspace}");

    // The approver sees the blocking finding and Approve / Send back.
    let review = page(t, &mut w.approver, &format!("/en{REVIEW}")).await;
    assert!(review.contains("<code>license.present</code>"), "{review}");
    assert!(review.contains("In review"), "{review}");
    assert!(review.contains(&button("Approve")), "{review}");
    assert!(review.contains(&button("Send back")), "{review}");

    // Approving is refused while the violation remains: the page says why (409).
    let refused = step(t, &mut w.approver, "/en", "approve", "").await;
    let html = text(&refused);
    assert_eq!(refused.status.as_u16(), 409, "{html}");
    assert!(
        html.contains("Cannot approve yet: violations remain to be fixed"),
        "{html}"
    );
    assert!(html.contains("license.present"), "{html}");
    assert!(
        html.contains(&button("Approve")),
        "the page, not an error page: {html}"
    );

    // Sending back needs a comment: the message is next to the field (422).
    let refused = step(t, &mut w.approver, "", "send_back", "  ").await;
    let html = text(&refused);
    assert_eq!(refused.status.as_u16(), 422, "{html}");
    assert!(
        html.contains("<p class=\"field-error\" id=\"comment-send_back-error-1\">"),
        "{html}"
    );
    assert!(html.contains("aria-invalid=\"true\""), "{html}");

    // With a comment, back to draft, the comment among the steps.
    let answer = step(t, &mut w.approver, "", "send_back", SENT_BACK).await;
    let location = redirected_to(&answer, "review_sent_back");
    let back = page(t, &mut w.editor, &location).await;
    assert!(back.contains("Bản nháp"), "{back}");
    assert!(back.contains(SENT_BACK), "{back}");
    assert!(back.contains("Trả lại"), "{back}");

    // Fixed, submitted again, approved, published.
    let fixed = t
        .patch(
            &format!("/api/1/datasets/{DATASET}"),
            Some(&w.editor_token),
            json!({"license": "cc-by-4.0"}),
        )
        .await;
    assert_eq!(fixed.status.as_u16(), 200, "{}", text(&fixed));
    redirected_to(
        &step(t, &mut w.editor, "", "submit", "").await,
        "review_submitted",
    );
    let review = page(t, &mut w.approver, &format!("/en{REVIEW}")).await;
    assert!(review.contains("No blocking findings."), "{review}");
    redirected_to(
        &step(t, &mut w.approver, "/en", "approve", "Đạt yêu cầu.").await,
        "review_approved",
    );
    let mut visitor = Browser::default();
    let hidden = visitor.get(t, &format!("/dataset/{DATASET}")).await;
    assert_eq!(hidden.status.as_u16(), 404, "approved is not public yet");
    let ready = page(t, &mut w.editor, &format!("/en{REVIEW}")).await;
    assert!(ready.contains(&button("Publish")), "{ready}");
    redirected_to(
        &step(t, &mut w.editor, "/en", "publish", "").await,
        "review_published",
    );

    // Public now; its history says each step, the send-back with its comment.
    let public = page(t, &mut visitor, &format!("/en/dataset/{DATASET}")).await;
    for sentence in [
        "Submitted the dataset for review.",
        &format!("Sent the dataset back for changes. Comment: “{SENT_BACK}”"),
        "Approved the dataset for publication. Comment: “Đạt yêu cầu.”",
        "Published the approved dataset.",
    ] {
        assert!(public.contains(sentence), "{sentence}: {public}");
    }
    assert!(
        !public.contains("/review\""),
        "no review tab for visitors: {public}"
    );
    let vi = page(t, &mut visitor, &format!("/dataset/{DATASET}")).await;
    assert!(
        vi.contains(&format!(
            "Trả lại bộ dữ liệu để sửa. Nhận xét: “{SENT_BACK}”"
        )),
        "{vi}"
    );
    // The steps on the review page, oldest first, with who took them.
    let done = page(t, &mut w.editor, REVIEW).await;
    let first = done.find("review-step-submit").expect("submit step");
    let last = done.find("review-step-publish").expect("publish step");
    assert!(first < last, "{done}");
    assert!(
        !done.contains("duyet@gso.test"),
        "display names, never e-mails: {done}"
    );
}

#[tokio::test]
async fn visitors_and_other_organizations_do_not_see_the_review() {
    let mut w = world().await;
    let t = &w.t;
    // A visitor: 404 on the page of a draft, sign-in on a post.
    let mut visitor = Browser::default();
    for prefix in ["", "/en"] {
        let answer = visitor.get(t, &format!("{prefix}{REVIEW}")).await;
        assert_eq!(answer.status.as_u16(), 404, "{}", text(&answer));
    }
    // Another organization's editor: 404 on the page, refused steps.
    let answer = w.outsider.get(t, REVIEW).await;
    assert_eq!(answer.status.as_u16(), 404, "{}", text(&answer));
    let answer = w
        .outsider
        .submit(
            t,
            "/workspace",
            REVIEW,
            &[("action", "submit"), ("comment", "")],
        )
        .await;
    assert!(
        matches!(answer.status.as_u16(), 403 | 404),
        "{}",
        text(&answer)
    );
    let still = page(t, &mut w.editor, &format!("/en{REVIEW}")).await;
    assert!(
        still.contains(&button("Submit for review")),
        "still a draft: {still}"
    );
    // A post without the CSRF token is refused.
    let forged = w
        .editor
        .post(t, REVIEW, &[("action", "submit"), ("comment", "")])
        .await;
    assert_eq!(forged.status.as_u16(), 403, "{}", text(&forged));
    // Its own publisher has no approver: no review tab, and the page says it publishes directly.
    let own = page(t, &mut w.outsider, "/en/dataset/cua-hoi").await;
    assert!(!own.contains("/review\""), "{own}");
    let direct = page(t, &mut w.outsider, "/en/dataset/cua-hoi/review").await;
    assert!(direct.contains("publishes directly"), "{direct}");
    assert!(!direct.contains("class=\"review-form\""), "{direct}");
}

#[tokio::test]
async fn the_members_page_explains_the_approver_role() {
    let t = TestApp::new().await;
    t.organization(BODY, OrgKind::National).await;
    t.user("quan-tri@gso.test", false).await;
    t.grant(BODY, "quan-tri@gso.test", Role::Admin).await;
    let mut admin = signed_in(&t, "quan-tri@gso.test").await;
    let en = page(
        &t,
        &mut admin,
        &format!("/en/workspace/organization/{BODY}/members"),
    )
    .await;
    assert!(
        en.contains("<option value=\"approver\">Approver</option>"),
        "{en}"
    );
    assert!(
        en.contains("approvers approve datasets before they are published"),
        "{en}"
    );
    let vi = page(
        &t,
        &mut admin,
        &format!("/workspace/organization/{BODY}/members"),
    )
    .await;
    assert!(vi.contains("Người phê duyệt"), "{vi}");
}
