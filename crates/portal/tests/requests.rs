//! The data request pages through the real router: the list and its filters, the filing form
//! (sign-in, CSRF, errors next to their fields in both languages), the request page with the
//! actions of each role (the task force assigns, the agency asks for clarification and
//! fulfils), the 403 and 409 answers, escaping, and the statistics page, in both languages.

use crate::common;

use common::desk::{desk, signed_in};
use common::{Browser, ORG, text};
use dulieu_testkit::TestApp;
use serde_json::json;

/// Posts an action form of the request page as `browser`.
async fn act(browser: &mut Browser, t: &TestApp, path: &str, fields: &[(&str, &str)]) -> u16 {
    let action = format!("{path}/act");
    browser
        .submit(t, path, &action, fields)
        .await
        .status
        .as_u16()
}

#[tokio::test]
async fn a_request_is_filed_assigned_clarified_and_fulfilled_through_the_pages() {
    let d = desk().await;
    let t = &d.t;
    let mut anonymous = Browser::default();
    // Anonymous visitors may file too, with an e-mail address (tests/tickets.rs follows it).
    let answer = text(&anonymous.get(t, "/requests/new").await);
    assert!(
        answer.contains("name=\"email\"") && answer.contains("/sign-in?next=%2Frequests%2Fnew"),
        "{answer}"
    );
    let list = text(&anonymous.get(t, "/en/requests").await);
    assert!(
        list.contains("<h1>Data requests</h1>") && list.contains("0 requests"),
        "{list}"
    );

    let mut citizen = signed_in(t, &d.citizen).await;
    let csrf = citizen.csrf(t, "/en/requests/new").await;
    // Missing CSRF → 403; a blank title → 422 with the message next to the field.
    let forged = citizen
        .post(t, "/requests/new", &[("title", "x"), ("description", "y")])
        .await;
    assert_eq!(forged.status.as_u16(), 403);
    let refused = citizen
        .post(
            t,
            "/en/requests/new",
            &[
                ("csrf", &csrf),
                ("title", " "),
                ("description", "Mô tả"),
                ("is_public", "1"),
            ],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 422);
    let html = text(&refused);
    assert!(
        html.contains("f-title-error-1") && html.contains("aria-invalid"),
        "{html}"
    );
    let filed = citizen
        .post(
            t,
            "/requests/new",
            &[
                ("csrf", &csrf),
                ("title", "Giá đất <script>alert(1)</script>"),
                ("description", "Theo xã"),
                ("suggested_organization", ORG),
                ("is_public", "1"),
            ],
        )
        .await;
    assert_eq!(filed.status.as_u16(), 303, "{}", text(&filed));
    let path = filed.headers["location"].to_str().unwrap().to_string();
    assert!(path.starts_with("/requests/"), "{path}");
    let page = text(&citizen.get(t, &path).await);
    assert!(page.contains("Đã gửi"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)") && !page.contains("<script>alert(1)"),
        "escaped"
    );
    assert!(
        page.contains("value=\"withdraw\""),
        "the requester may withdraw"
    );
    assert!(!page.contains("value=\"assign\""), "but not assign");

    // The editor may not assign: 403 page; the team assigns.
    let mut editor = signed_in(t, &d.editor).await;
    assert_eq!(
        act(
            &mut editor,
            t,
            &path,
            &[("action", "assign"), ("organization", ORG)]
        )
        .await,
        403
    );
    let mut team = signed_in(t, &d.team).await;
    let team_page = text(&team.get(t, &format!("/en{path}")).await);
    assert!(
        team_page.contains("Assign to an organization"),
        "{team_page}"
    );
    assert_eq!(
        act(
            &mut team,
            t,
            &path,
            &[("action", "assign"), ("organization", ORG)]
        )
        .await,
        303
    );
    // Triage is over: 409.
    assert_eq!(act(&mut team, t, &path, &[("action", "triage")]).await, 409);

    // The agency asks for clarification (a note is required: 422 on the page), the citizen
    // answers, the agency fulfils with the dataset.
    assert_eq!(
        act(
            &mut editor,
            t,
            &path,
            &[("action", "ask_clarification"), ("note", "")]
        )
        .await,
        422
    );
    assert_eq!(
        act(
            &mut editor,
            t,
            &path,
            &[
                ("action", "ask_clarification"),
                ("note", "Cấp xã hay huyện?")
            ]
        )
        .await,
        303
    );
    let page = text(&citizen.get(t, &path).await);
    assert!(
        page.contains("Cần làm rõ") && page.contains("Cấp xã hay huyện?"),
        "{page}"
    );
    assert_eq!(
        act(
            &mut citizen,
            t,
            &path,
            &[("action", "clarify"), ("note", "Cấp xã.")]
        )
        .await,
        303
    );
    assert_eq!(
        act(
            &mut editor,
            t,
            &path,
            &[("action", "fulfil"), ("dataset", "gia-dat")]
        )
        .await,
        303
    );
    let page = text(&citizen.get(t, &format!("/en{path}")).await);
    assert!(
        page.contains("Fulfilled") && page.contains("href=\"/en/dataset/gia-dat\""),
        "{page}"
    );

    // Thread, vote.
    let csrf = citizen.csrf(t, &path).await;
    let posted = citizen
        .post(
            t,
            &format!("{path}/messages"),
            &[("csrf", &csrf), ("body", "Cảm ơn!")],
        )
        .await;
    assert_eq!(posted.status.as_u16(), 303);
    let team_csrf = team.csrf(t, &path).await;
    let voted = team
        .post(
            t,
            &format!("{path}/mark"),
            &[("csrf", &team_csrf), ("mark", "vote"), ("on", "1")],
        )
        .await;
    assert_eq!(voted.status.as_u16(), 303);
    let page = text(&citizen.get(t, &path).await);
    assert!(page.contains("Cảm ơn!"), "{page}");

    // The lists and the statistics show it.
    let mine = text(&citizen.get(t, "/requests?mine=1").await);
    assert!(mine.contains("1 yêu cầu"), "{mine}");
    let inbox = text(
        &editor
            .get(
                t,
                &format!("/en/requests?organization={ORG}&sort=deadline&state=fulfilled"),
            )
            .await,
    );
    assert!(inbox.contains("1 requests"), "{inbox}");
    assert_eq!(
        anonymous
            .get(t, "/requests?state=nope")
            .await
            .status
            .as_u16(),
        400
    );
    let stats = text(&anonymous.get(t, "/en/requests/statistics").await);
    assert!(
        stats.contains("Request response statistics") && stats.contains("All organizations"),
        "{stats}"
    );
    assert!(stats.contains("<td>1</td>"), "{stats}");
    let vi = text(&anonymous.get(t, "/requests/statistics").await);
    assert!(
        vi.contains("Tỷ lệ đúng hạn") && vi.contains("100 %"),
        "{vi}"
    );
}

#[tokio::test]
async fn a_message_carries_attachments_listed_in_the_thread() {
    let t = TestApp::with(|c| c.tickets.attachment_max_bytes = 32).await;
    let (citizen, token) = t.user("lan@congdan.test", false).await;
    let filed = t
        .post(
            "/api/1/requests",
            Some(&token),
            json!({"title": "Giá đất có tệp", "description": "Mẫu kèm theo", "is_public": false}),
        )
        .await;
    assert_eq!(filed.status.as_u16(), 201, "{}", text(&filed));
    let path = format!("/requests/{}", filed.json()["id"].as_str().unwrap());
    let mut browser = signed_in(&t, &citizen.email).await;
    let page = text(&browser.get(&t, &path).await);
    assert!(
        page.contains("enctype=\"multipart/form-data\"")
            && page.contains("name=\"file\" type=\"file\" multiple")
            && page.contains("Tối đa 5 tệp, mỗi tệp đến 32 B."),
        "{page}"
    );

    let csrf = browser.csrf(&t, &path).await;
    let posted = browser
        .post_multipart(
            &t,
            &format!("{path}/messages"),
            &[("csrf", &csrf), ("body", "Bảng mẫu")],
            Some(("mau <1>.csv", b"xa,gia\n")),
        )
        .await;
    assert_eq!(posted.status.as_u16(), 303, "{}", text(&posted));
    assert_eq!(posted.headers["location"], format!("{path}#thread"));
    let page = text(&browser.get(&t, &path).await);
    let start = page
        .find("href=\"/api/1/attachments/")
        .expect("attachment link")
        + 6;
    let href: String = page[start..].chars().take_while(|c| *c != '"').collect();
    assert!(page.contains("mau &lt;1&gt;.csv</a> (7 B)"), "{page}");
    let download = browser.get(&t, &href).await;
    assert_eq!(download.status.as_u16(), 200);
    assert_eq!(&download.body[..], b"xa,gia\n");
    let mut stranger = Browser::default();
    assert_eq!(
        stranger.get(&t, &href).await.status.as_u16(),
        404,
        "private"
    );

    // A file over the limit is refused at the form, in the page's language; nothing is posted.
    for (prefix, said) in [("", "tối đa 32 byte"), ("/en", "at most 32 bytes")] {
        let csrf = browser.csrf(&t, &format!("{prefix}{path}")).await;
        let refused = browser
            .post_multipart(
                &t,
                &format!("{prefix}{path}/messages"),
                &[("csrf", &csrf), ("body", "Quá lớn")],
                Some(("lon.csv", &[b'x'; 33])),
            )
            .await;
        assert_eq!(refused.status.as_u16(), 422);
        assert!(text(&refused).contains(said), "{}", text(&refused));
    }
    let page = text(&browser.get(&t, &path).await);
    assert!(!page.contains("Quá lớn"), "{page}");
    // The CSRF token comes before the files.
    let forged = browser
        .post_multipart(
            &t,
            &format!("{path}/messages"),
            &[("csrf", "forged"), ("body", "x")],
            Some(("a.csv", b"a")),
        )
        .await;
    assert_eq!(forged.status.as_u16(), 403);
}
