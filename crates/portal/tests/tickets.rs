//! The ticket pages beside the request pages, through the real router: a dataset's feedback tab
//! and a ticket's page (reporting, the publisher's actions, hiding a file that exposes personal
//! data, following the dataset), an organization's inbox (members only), "my requests", the
//! notification center and its settings, and filing a request without an account — with their
//! CSRF checks, 403s and both languages.

use crate::common;

use chrono::{Duration, Utc};
use common::desk::{DATASET, signed_in};
use common::{Browser, ORG, csrf_of, text};
use dulieu_testkit::{TestApp, TestResponse};
use dulieu_tickets::Deadline;
use dulieu_tickets::feedback::{FeedbackKind, FeedbackState};
use dulieu_tickets::records::{DataRequest, Feedback};
use dulieu_tickets::request::RequestState;
use uuid::Uuid;

/// A portal with a citizen, a portal team member, an editor of the publisher, another signed-in
/// user, and a published dataset with one file.
struct Desk {
    t: TestApp,
    citizen: String,
    team: String,
    editor: String,
    stranger: String,
    file_id: String,
}

/// The common [`desk`], with another user and a file of the dataset.
async fn desk() -> Desk {
    let common::desk::Desk {
        t,
        citizen,
        team,
        editor,
        editor_token,
    } = common::desk::desk().await;
    let (stranger, _) = t.user("minh@congdan.test", false).await;
    let file = t
        .upload(
            &format!("/api/1/datasets/{DATASET}/distributions"),
            Some(&editor_token),
            "ho-so.csv",
            b"ho_ten,cccd\nNguyen Van A,001\n",
            &[("title", "Danh sách hồ sơ")],
        )
        .await;
    assert_eq!(file.status.as_u16(), 201, "{}", text(&file));
    Desk {
        file_id: file.json()["id"].as_str().unwrap().to_string(),
        t,
        citizen,
        team,
        editor,
        stranger: stranger.email,
    }
}

fn location(response: &TestResponse) -> String {
    response.headers["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn feedback_is_reported_handled_and_a_personal_data_file_hidden_through_the_pages() {
    let d = desk().await;
    let t = &d.t;
    let tab = format!("/dataset/{DATASET}/feedback");

    // Anonymous visitors see the tab (linked from the dataset page) and are sent to sign in.
    let mut anonymous = Browser::default();
    let overview = text(&anonymous.get(t, &format!("/en/dataset/{DATASET}")).await);
    assert!(
        overview.contains(&format!("href=\"/en{tab}\"")) && overview.contains("Feedback"),
        "{overview}"
    );
    let page = text(&anonymous.get(t, &format!("/en{tab}")).await);
    assert!(
        page.contains("No problem has been reported") && page.contains("Sign in to report"),
        "{page}"
    );
    assert!(
        !page.contains("name=\"description\""),
        "no form for anonymous visitors"
    );
    let posted = anonymous
        .post(t, &tab, &[("kind", "other"), ("description", "x")])
        .await;
    assert_eq!(
        location(&posted),
        format!("/sign-in?next=%2Fdataset%2F{DATASET}%2Ffeedback")
    );

    // The citizen reports: CSRF, a blank description (422 next to the field), then for real.
    let mut citizen = signed_in(t, &d.citizen).await;
    let forged = citizen
        .post(t, &tab, &[("kind", "other"), ("description", "x")])
        .await;
    assert_eq!(forged.status.as_u16(), 403);
    let form = text(&citizen.get(t, &format!("/en{tab}")).await);
    for kind in ["Data error", "Personal data exposed", "License question"] {
        assert!(form.contains(kind), "{kind}");
    }
    assert!(form.contains("Danh sách hồ sơ"), "the file can be chosen");
    let refused = citizen
        .submit(
            t,
            &format!("/en{tab}"),
            &format!("/en{tab}"),
            &[
                ("kind", "data_error"),
                ("description", " "),
                ("location", "hàng 7"),
            ],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 422);
    let html = text(&refused);
    assert!(
        html.contains("f-description-error-1")
            && html.contains("aria-invalid")
            && html.contains("value=\"hàng 7\""),
        "the error is shown next to its field, what was typed kept: {html}"
    );
    let reported = citizen
        .submit(
            t,
            &tab,
            &tab,
            &[
                ("kind", "personal_data_exposed"),
                ("distribution_id", &d.file_id),
                ("description", "Tệp có số CCCD <b>thật</b>"),
                ("location", "cột cccd"),
            ],
        )
        .await;
    assert_eq!(reported.status.as_u16(), 303, "{}", text(&reported));
    let ticket = location(&reported);
    assert!(ticket.starts_with("/feedback/"), "{ticket}");
    let page = text(&citizen.get(t, &format!("/en{ticket}")).await);
    assert!(
        page.contains("Urgent") && page.contains("Personal data exposed") && page.contains("Open"),
        "{page}"
    );
    assert!(
        page.contains("&lt;b&gt;thật") && !page.contains("<b>thật"),
        "escaped"
    );
    assert!(
        !page.contains("value=\"acknowledge\""),
        "the reporter cannot acknowledge"
    );
    assert!(!page.contains("/hide\""), "nor hide the file");
    let listed = text(&citizen.get(t, &tab).await);
    assert!(
        listed.contains("Khẩn") && listed.contains(&ticket),
        "{listed}"
    );

    // A report may carry a file (the form is multipart): the ticket links it.
    let csrf = citizen.csrf(t, &tab).await;
    let with_file = citizen
        .post_multipart(
            t,
            &tab,
            &[
                ("csrf", &csrf),
                ("kind", "data_error"),
                ("description", "Tổng không khớp"),
            ],
            Some(("anh <1>.csv", b"tong,1\n")),
        )
        .await;
    assert_eq!(with_file.status.as_u16(), 303, "{}", text(&with_file));
    let page = text(&citizen.get(t, &location(&with_file)).await);
    assert!(
        page.contains("href=\"/api/1/attachments/") && page.contains("anh &lt;1&gt;.csv"),
        "{page}"
    );

    // Someone else may not hide the file (403) nor act (403).
    let mut stranger = signed_in(t, &d.stranger).await;
    let hide = stranger
        .submit(t, &ticket, &format!("{ticket}/hide"), &[("hidden", "1")])
        .await;
    assert_eq!(hide.status.as_u16(), 403);
    let act = stranger
        .submit(
            t,
            &ticket,
            &format!("{ticket}/act"),
            &[("action", "acknowledge")],
        )
        .await;
    assert_eq!(act.status.as_u16(), 403);

    // The publisher's editor hides the file: it is no longer downloadable; then handles the
    // ticket: acknowledge, resolve without a note (422), resolve with note and version.
    let mut editor = signed_in(t, &d.editor).await;
    let page = text(&editor.get(t, &format!("/en{ticket}")).await);
    assert!(
        page.contains("Hide this file pending review") && page.contains("value=\"acknowledge\""),
        "{page}"
    );
    let hidden = editor
        .submit(t, &ticket, &format!("{ticket}/hide"), &[("hidden", "1")])
        .await;
    assert_eq!(hidden.status.as_u16(), 303);
    let download = anonymous
        .get(t, &format!("/api/1/distributions/{}/download", d.file_id))
        .await;
    assert_eq!(download.status.as_u16(), 409);
    let page = text(&editor.get(t, &format!("/en{ticket}")).await);
    assert!(
        page.contains("Show the file again") && page.contains("File hidden pending review"),
        "{page}"
    );
    let path = format!("{ticket}/act");
    let acknowledged = editor
        .submit(t, &ticket, &path, &[("action", "acknowledge")])
        .await;
    assert_eq!(acknowledged.status.as_u16(), 303);
    let again = editor
        .submit(t, &ticket, &path, &[("action", "acknowledge")])
        .await;
    assert_eq!(again.status.as_u16(), 409, "already acknowledged");
    let blank = editor
        .submit(
            t,
            &format!("/en{ticket}"),
            &format!("/en{path}"),
            &[("action", "resolve"), ("note", "")],
        )
        .await;
    assert_eq!(blank.status.as_u16(), 422);
    assert!(text(&blank).contains("form-error"));
    let resolved = editor
        .submit(
            t,
            &ticket,
            &path,
            &[
                ("action", "resolve"),
                ("note", "Đã xoá cột cccd"),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(resolved.status.as_u16(), 303);
    let shown = editor
        .submit(t, &ticket, &format!("{ticket}/hide"), &[("hidden", "0")])
        .await;
    assert_eq!(shown.status.as_u16(), 303);
    let page = text(&citizen.get(t, &ticket).await);
    assert!(
        page.contains("Đã giải quyết")
            && page.contains("Đã xoá cột cccd")
            && page.contains("Tiếp nhận")
            && page.contains("Hiện lại tệp"),
        "{page}"
    );
    assert!(
        page.contains("value=\"reopen\""),
        "the reporter may reopen a closed ticket"
    );
    assert_eq!(
        anonymous
            .get(t, &format!("/api/1/distributions/{}/download", d.file_id))
            .await
            .status
            .as_u16(),
        200
    );

    // Following the dataset from the ticket page comes back to it.
    let follow = citizen
        .submit(
            t,
            &ticket,
            &format!("/dataset/{DATASET}/follow"),
            &[("on", "1"), ("next", &ticket)],
        )
        .await;
    assert_eq!(location(&follow), ticket);
    assert!(text(&citizen.get(t, &tab).await).contains("Bỏ theo dõi tập dữ liệu"));
    let hostile = citizen
        .submit(
            t,
            &tab,
            &format!("/dataset/{DATASET}/follow"),
            &[("on", "0"), ("next", "https://evil.example/")],
        )
        .await;
    assert_eq!(location(&hostile), tab, "only local paths are followed");

    // Unknown tickets are 404 pages.
    assert_eq!(
        anonymous.get(t, "/feedback/nope").await.status.as_u16(),
        404
    );
    assert_eq!(
        anonymous
            .get(t, &format!("/en/feedback/{}", Uuid::now_v7()))
            .await
            .status
            .as_u16(),
        404
    );
}

/// A data request assigned to the organization, its answer overdue.
async fn overdue_request(t: &TestApp, requester: &str) -> DataRequest {
    let mut conn = t.app.store().conn().await.unwrap();
    let (user, _) = dulieu_store::accounts::user_by_email(&mut conn, requester)
        .await
        .unwrap()
        .unwrap();
    let org = dulieu_store::organizations::get_by_slug(&mut conn, ORG)
        .await
        .unwrap()
        .unwrap();
    let filed = Utc::now() - Duration::days(60);
    let mut request = DataRequest {
        id: Uuid::now_v7(),
        title: "Bản đồ quy hoạch".into(),
        description: "Theo xã".into(),
        purpose: None,
        desired_format: None,
        granularity: None,
        suggested_organization_id: None,
        is_public: true,
        requester_id: Some(user.id),
        requester_email: user.email.clone(),
        confirmed: true,
        lang: "vi".into(),
        state: RequestState::Submitted,
        organization_id: None,
        clock_started_at: None,
        deadline: None,
        answered_at: None,
        answer_due_at: None,
        answer_working_days: None,
        planned_date: None,
        dataset_id: None,
        link: None,
        refusal_reason: None,
        legal_basis: None,
        duplicate_of: None,
        votes: 0,
        created_at: filed,
        updated_at: filed,
    };
    dulieu_store::requests::insert(&mut conn, &request, None)
        .await
        .unwrap();
    request.state = RequestState::AwaitingResponse;
    request.organization_id = Some(org.id);
    request.clock_started_at = Some(filed);
    request.deadline = Some(Deadline {
        due_at: Utc::now() - Duration::days(5),
        long_due_at: Utc::now() + Duration::days(5),
        extended: false,
    });
    dulieu_store::requests::update(&mut conn, &request)
        .await
        .unwrap();
    request
}

/// An open feedback ticket on the dataset, its answer overdue.
async fn overdue_ticket(t: &TestApp) -> Feedback {
    let mut conn = t.app.store().conn().await.unwrap();
    let dataset = dulieu_store::datasets::get(&mut conn, DATASET)
        .await
        .unwrap()
        .unwrap();
    let reported = Utc::now() - Duration::days(30);
    let ticket = Feedback {
        id: Uuid::now_v7(),
        dataset_id: dataset.id,
        distribution_id: None,
        organization_id: dataset.publisher_id,
        kind: FeedbackKind::Outdated,
        state: FeedbackState::Open,
        description: "Số liệu năm 2019".into(),
        location: None,
        reporter_id: None,
        rule_id: Some("freshness".into()),
        deadline: Deadline {
            due_at: Utc::now() - Duration::days(3),
            long_due_at: Utc::now() + Duration::days(3),
            extended: false,
        },
        resolution_note: None,
        resolved_version: None,
        duplicate_of: None,
        closed_at: None,
        attachments: Vec::new(),
        created_at: reported,
        updated_at: reported,
    };
    dulieu_store::feedback::insert(&mut conn, &ticket)
        .await
        .unwrap();
    ticket
}

#[tokio::test]
async fn the_inbox_shows_the_organization_its_late_work_and_only_to_its_members() {
    let d = desk().await;
    let t = &d.t;
    let request = overdue_request(t, &d.citizen).await;
    let ticket = overdue_ticket(t).await;
    let inbox = format!("/workspace/organization/{ORG}/inbox");

    let mut anonymous = Browser::default();
    let answer = anonymous.get(t, &inbox).await;
    assert_eq!(answer.status.as_u16(), 303);
    assert!(location(&answer).starts_with("/sign-in?next="));

    let mut citizen = signed_in(t, &d.citizen).await;
    let refused = citizen.get(t, &format!("/en{inbox}")).await;
    assert_eq!(refused.status.as_u16(), 403);
    assert!(text(&refused).contains("lang=\"en\""));
    let unknown = citizen
        .get(t, "/workspace/organization/khong-co/inbox")
        .await;
    assert_eq!(unknown.status.as_u16(), 404);

    let mut editor = signed_in(t, &d.editor).await;
    let workspace = text(&editor.get(t, "/workspace").await);
    assert!(
        workspace.contains(&format!("href=\"{inbox}\"")),
        "{workspace}"
    );
    let page = text(&editor.get(t, &format!("/en{inbox}")).await);
    assert!(
        page.contains(&format!("href=\"/en/requests/{}\"", request.id))
            && page.contains(&format!("href=\"/en/feedback/{}\"", ticket.id)),
        "{page}"
    );
    assert!(
        page.contains("1 requests waiting, 1 late") && page.contains("1 open tickets, 1 late"),
        "{page}"
    );
    assert!(
        page.contains("<tr class=\"late\">") && page.contains("badge-late"),
        "late work is highlighted in colour and words"
    );
    assert!(page.contains("<caption>") && page.contains("scope=\"col\""));
    let vi = text(&editor.get(t, &inbox).await);
    assert!(
        vi.contains("Hộp thư công việc") && vi.contains("Quá hạn"),
        "{vi}"
    );

    // The portal team may open every organization's inbox.
    let mut team = signed_in(t, &d.team).await;
    assert_eq!(team.get(t, &inbox).await.status.as_u16(), 200);
}

#[tokio::test]
async fn my_requests_lists_those_filed_voted_for_or_followed() {
    let d = desk().await;
    let t = &d.t;
    let mut anonymous = Browser::default();
    assert_eq!(
        location(&anonymous.get(t, "/requests/mine").await),
        "/sign-in?next=%2Frequests%2Fmine"
    );

    let mut citizen = signed_in(t, &d.citizen).await;
    let filed = citizen
        .submit(
            t,
            "/requests/new",
            "/requests/new",
            &[
                ("title", "Giá đất theo xã"),
                ("description", "Năm 2025"),
                ("is_public", "1"),
            ],
        )
        .await;
    let own = location(&filed);
    let mut stranger = signed_in(t, &d.stranger).await;
    let other = location(
        &stranger
            .submit(
                t,
                "/requests/new",
                "/requests/new",
                &[
                    ("title", "Chất lượng không khí"),
                    ("description", "Theo giờ"),
                    ("is_public", "1"),
                ],
            )
            .await,
    );
    let untouched = location(
        &stranger
            .submit(
                t,
                "/requests/new",
                "/requests/new",
                &[
                    ("title", "Không liên quan"),
                    ("description", "Khác"),
                    ("is_public", "1"),
                ],
            )
            .await,
    );
    let voted = citizen
        .submit(
            t,
            &other,
            &format!("{other}/mark"),
            &[("mark", "vote"), ("on", "1")],
        )
        .await;
    assert_eq!(voted.status.as_u16(), 303);

    let page = text(&citizen.get(t, "/en/requests/mine").await);
    assert!(
        page.contains(&format!("href=\"/en{own}\""))
            && page.contains(&format!("href=\"/en{other}\"")),
        "{page}"
    );
    assert!(!page.contains(&untouched), "{page}");
    assert!(
        page.contains("you filed it, you follow it") && page.contains("you voted for it"),
        "{page}"
    );
    assert!(page.contains("2 requests"), "{page}");
    let list = text(&citizen.get(t, "/requests").await);
    assert!(
        list.contains("href=\"/requests/mine\""),
        "linked from the list"
    );
}

#[tokio::test]
async fn notifications_are_listed_marked_read_and_their_settings_saved() {
    let d = desk().await;
    let t = &d.t;
    let mut anonymous = Browser::default();
    assert_eq!(
        location(&anonymous.get(t, "/en/notifications").await),
        "/en/sign-in?next=%2Fen%2Fnotifications"
    );
    assert_eq!(
        anonymous
            .get(t, "/notifications/settings")
            .await
            .status
            .as_u16(),
        303
    );

    // The citizen files a request; the team assigns it: the citizen is told.
    let mut citizen = signed_in(t, &d.citizen).await;
    let request = location(
        &citizen
            .submit(
                t,
                "/requests/new",
                "/requests/new",
                &[
                    ("title", "Giá đất <i>2025</i>"),
                    ("description", "Theo xã"),
                    ("is_public", "1"),
                ],
            )
            .await,
    );
    let mut team = signed_in(t, &d.team).await;
    let assigned = team
        .submit(
            t,
            &request,
            &format!("{request}/act"),
            &[("action", "assign"), ("organization", ORG)],
        )
        .await;
    assert_eq!(assigned.status.as_u16(), 303);
    let triage = team
        .submit(
            t,
            &request,
            &format!("{request}/act"),
            &[("action", "withdraw")],
        )
        .await;
    assert_eq!(triage.status.as_u16(), 403, "only the requester withdraws");

    let home = text(&citizen.get(t, "/en/").await);
    assert!(
        home.contains("href=\"/en/notifications\"") && home.contains("count-badge\">1"),
        "{home}"
    );
    let center = text(&citizen.get(t, "/en/notifications").await);
    assert!(
        center.contains("was assigned to")
            && center.contains(&format!("href=\"/en{request}\""))
            && center.contains("1 unread"),
        "{center}"
    );
    assert!(
        center.contains("&lt;i&gt;2025") && !center.contains("<i>2025"),
        "escaped"
    );
    let id = center
        .split("name=\"id\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a mark-read form")
        .to_string();
    let forged = citizen.post(t, "/notifications/read", &[("id", &id)]).await;
    assert_eq!(forged.status.as_u16(), 403);
    let csrf = csrf_of(&center);
    let read = citizen
        .post(t, "/en/notifications/read", &[("csrf", &csrf), ("id", &id)])
        .await;
    assert_eq!(
        location(&read),
        "/en/notifications?notice=notifications_read"
    );
    let center = text(
        &citizen
            .get(t, "/notifications?notice=notifications_read")
            .await,
    );
    assert!(
        center.contains("0 thông báo chưa đọc") && center.contains("Đã đánh dấu đã đọc."),
        "{center}"
    );
    assert!(!center.contains("count-badge"), "{center}");
    let all = citizen
        .post(t, "/notifications/read", &[("csrf", &csrf)])
        .await;
    assert_eq!(all.status.as_u16(), 303);

    // Settings: e-mail off and English; a language not offered is refused.
    let form = text(&citizen.get(t, "/en/notifications/settings").await);
    assert!(
        form.contains("name=\"email\" value=\"1\" checked")
            && form.contains("Language of the e-mails"),
        "{form}"
    );
    let csrf = csrf_of(&form);
    let saved = citizen
        .post(
            t,
            "/en/notifications/settings",
            &[("csrf", &csrf), ("lang", "en")],
        )
        .await;
    assert_eq!(
        location(&saved),
        "/en/notifications/settings?notice=notifications_saved"
    );
    let form = text(&citizen.get(t, &location(&saved)).await);
    assert!(
        !form.contains("value=\"1\" checked")
            && form.contains("value=\"en\" checked")
            && form.contains("The notification settings were saved."),
        "{form}"
    );
    let refused = citizen
        .post(
            t,
            "/notifications/settings",
            &[("csrf", &csrf), ("email", "1"), ("lang", "fr")],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 422);
    assert!(text(&refused).contains("field-error"));
}

#[tokio::test]
async fn an_anonymous_visitor_files_a_request_and_confirms_it_by_email() {
    let d = desk().await;
    let t = &d.t;
    let mut visitor = Browser::default();
    let form = visitor.get(t, "/en/requests/new").await;
    assert_eq!(form.status.as_u16(), 200);
    assert!(
        visitor.cookie(dulieu_portal::PRESESSION_COOKIE).is_some(),
        "the form's token is bound to a pre-session cookie"
    );
    let html = text(&form);
    assert!(
        html.contains("name=\"email\"") && html.contains("autocomplete=\"email\""),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let forged = visitor
        .post(t, "/requests/new", &[("title", "x"), ("description", "y")])
        .await;
    assert_eq!(forged.status.as_u16(), 403);
    let missing = visitor
        .post(
            t,
            "/en/requests/new",
            &[
                ("csrf", &csrf),
                ("title", "Danh sách trường học"),
                ("description", "Toàn quốc"),
                ("is_public", "1"),
            ],
        )
        .await;
    assert_eq!(missing.status.as_u16(), 422);
    let html = text(&missing);
    assert!(
        html.contains("f-email-error-1") && html.contains("Danh sách trường học"),
        "{html}"
    );
    let sent = visitor
        .post(
            t,
            "/requests/new",
            &[
                ("csrf", &csrf),
                ("title", "Danh sách trường học"),
                ("description", "Toàn quốc"),
                ("is_public", "1"),
                ("email", "Hoa@Example.VN"),
            ],
        )
        .await;
    assert_eq!(location(&sent), "/requests/sent");
    let page = text(&visitor.get(t, "/requests/sent").await);
    assert!(page.contains("Kiểm tra hộp thư của bạn"), "{page}");
    let list = text(&visitor.get(t, "/requests").await);
    assert!(
        !list.contains("Danh sách trường học"),
        "hidden until confirmed"
    );

    // The confirmation e-mail's link publishes it.
    let link = confirmation_link(t).await;
    let path = link.trim_start_matches("http://dulieu.test");
    let confirmed = visitor.get(t, path).await;
    assert_eq!(confirmed.status.as_u16(), 303);
    assert!(location(&confirmed).starts_with("/requests/"));
    let list = text(&visitor.get(t, "/requests").await);
    assert!(list.contains("Danh sách trường học"), "{list}");
}

/// The confirmation link of the one e-mail in the outbox, once the worker has sent the queue.
async fn confirmation_link(t: &TestApp) -> String {
    while t.app.run_next_job().await.unwrap() {}
    let outbox = t.config.effective_outbox_dir();
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&outbox).unwrap() {
        let raw = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        // The body is quoted-printable: join the soft line breaks; the link is ASCII.
        let body = raw
            .replace("=\r\n", "")
            .replace("=\n", "")
            .replace("=3D", "=");
        if let Some(start) = body.find("http://dulieu.test/requests/confirm/") {
            let link: String = body[start..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect();
            found.push(link);
        }
    }
    assert_eq!(found.len(), 1, "one confirmation e-mail in {outbox:?}");
    found.remove(0)
}
