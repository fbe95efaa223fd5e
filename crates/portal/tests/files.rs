//! The files and links of a dataset on its edit page, through the real router: the list, the
//! upload form (multipart, streamed, redirect back with a message; CSRF before the file; limits),
//! the remote link form (errors next to its fields) and the remove buttons, in both languages.

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request};
use common::{Browser, PASSWORD, csrf_of, text, world};
use dulieu_core::account::Actor;
use dulieu_core::vocab::Role;
use dulieu_testkit::TestApp;

const EDIT: &str = "/workspace/datasets/muc-nuoc-nhap/edit";
const UPLOAD: &str = "/workspace/datasets/muc-nuoc-nhap/files";
const LINKS: &str = "/workspace/datasets/muc-nuoc-nhap/links";
const CSV: &[u8] = b"tram,muc_nuoc\nHa Noi,12\nHue,8\n";

/// The editor of the world, signed in; returns the CSRF token of the edit page.
async fn editor(t: &TestApp, email: &str) -> (Browser, String) {
    let mut browser = Browser::default();
    browser.sign_in(t, email, PASSWORD).await;
    let csrf = browser.csrf(t, EDIT).await;
    (browser, csrf)
}

/// The distributions of the draft dataset, as the system sees them.
async fn distributions(t: &TestApp) -> Vec<dulieu_core::catalog::Distribution> {
    t.app
        .get_dataset(&Actor::system(), "muc-nuoc-nhap")
        .await
        .unwrap()
        .distributions
}

#[tokio::test]
async fn an_upload_without_javascript_streams_the_file_and_comes_back_with_a_message() {
    let (t, email) = world().await;
    let (mut browser, csrf) = editor(&t, &email).await;

    let page = text(&browser.get(&t, EDIT).await);
    assert!(
        page.contains("This dataset has no files or links yet.") || page.contains("chưa có tệp"),
        "{page}"
    );
    assert!(page.contains("enctype=\"multipart/form-data\""), "{page}");
    assert!(
        page.contains("<progress"),
        "the progress bar is on the page"
    );
    assert!(
        page.contains("/assets/portal.js?v="),
        "the enhancement script"
    );

    let answer = browser
        .post_multipart(
            &t,
            UPLOAD,
            &[("csrf", &csrf), ("file_title", "Mực nước các trạm")],
            Some(("muc-nuoc.csv", CSV)),
        )
        .await;
    assert_eq!(answer.status.as_u16(), 303, "{}", text(&answer));
    assert_eq!(
        answer.headers["location"],
        "/workspace/datasets/muc-nuoc-nhap/edit?notice=file_added#files"
    );
    let stored = distributions(&t).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].title.vi.as_deref(), Some("Mực nước các trạm"));
    assert_eq!(stored[0].byte_size, Some(CSV.len() as i64));
    assert_eq!(stored[0].format.as_deref(), Some("CSV"));

    let page = text(&browser.get(&t, &format!("{EDIT}?notice=file_added")).await);
    assert!(page.contains("Đã tải tệp lên."), "the message: {page}");
    assert!(page.contains("Mực nước các trạm"), "{page}");
    let href = format!("/api/1/distributions/{}/download", stored[0].id);
    assert!(page.contains(&href), "download link: {page}");
    let download = browser.get(&t, &href).await;
    assert_eq!(download.status.as_u16(), 200);
    assert_eq!(&download.body[..], CSV);

    // In English, the answer goes back to the English page; the title is the English one.
    let answer = browser
        .post_multipart(
            &t,
            &format!("/en{UPLOAD}"),
            &[("csrf", &csrf), ("file_title", "Station levels")],
            Some(("levels.csv", CSV)),
        )
        .await;
    assert_eq!(
        answer.headers["location"],
        "/en/workspace/datasets/muc-nuoc-nhap/edit?notice=file_added#files"
    );
    let page = text(
        &browser
            .get(&t, &format!("/en{EDIT}?notice=file_added"))
            .await,
    );
    assert!(page.contains("The file was uploaded."), "{page}");
    assert!(page.contains("Station levels"), "{page}");
    assert_eq!(distributions(&t).await.len(), 2);
}

#[tokio::test]
async fn an_upload_needs_its_csrf_token_before_the_file() {
    let (t, email) = world().await;
    let (mut browser, csrf) = editor(&t, &email).await;

    let missing = browser
        .post_multipart(&t, UPLOAD, &[], Some(("a.csv", CSV)))
        .await;
    assert_eq!(missing.status.as_u16(), 403);
    let foreign = browser
        .post_multipart(&t, UPLOAD, &[("csrf", "forged")], Some(("a.csv", CSV)))
        .await;
    assert_eq!(foreign.status.as_u16(), 403);

    // The token after the file comes too late: the file is refused unread.
    let boundary = "b0";
    let body = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\na,b\r\n\
         --{boundary}\r\ncontent-disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}--\r\n"
    );
    let request = Request::builder()
        .method(Method::POST)
        .uri(UPLOAD)
        .header("cookie", browser.cookie_header())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    assert_eq!(t.call(request).await.status.as_u16(), 403);
    assert!(distributions(&t).await.is_empty(), "nothing stored");
}

#[tokio::test]
async fn uploads_are_refused_by_role_and_problems_come_back_as_messages() {
    let t = TestApp::with(|c| c.max_upload_bytes = 16).await;
    t.organization(common::ORG, dulieu_core::vocab::OrgKind::Provincial)
        .await;
    let (editor_user, token) = t.user("bien-tap@example.vn", false).await;
    t.grant(common::ORG, &editor_user.email, Role::Editor).await;
    let created = t
        .post(
            "/api/1/datasets",
            Some(&token),
            serde_json::json!({"slug": "muc-nuoc-nhap", "title": {"vi": "Mực nước"}, "publisher": common::ORG}),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201);
    let (mut browser, csrf) = editor(&t, &editor_user.email).await;

    let too_large = browser
        .post_multipart(
            &t,
            UPLOAD,
            &[("csrf", &csrf)],
            Some(("lon.csv", &[b'x'; 100])),
        )
        .await;
    assert_eq!(too_large.status.as_u16(), 303);
    assert_eq!(
        too_large.headers["location"],
        "/workspace/datasets/muc-nuoc-nhap/edit?problem=too_large#upload"
    );
    let page = text(
        &browser
            .get(&t, &format!("/en{EDIT}?problem=too_large"))
            .await,
    );
    assert!(
        page.contains("The file is larger than the limit of 16 B."),
        "{page}"
    );

    let no_file = browser
        .post_multipart(&t, UPLOAD, &[("csrf", &csrf)], Some(("", b"")))
        .await;
    assert_eq!(
        no_file.headers["location"],
        "/workspace/datasets/muc-nuoc-nhap/edit?problem=missing_file#upload"
    );
    let long_title = "t".repeat(400);
    let titled = browser
        .post_multipart(
            &t,
            UPLOAD,
            &[("csrf", &csrf), ("file_title", &long_title)],
            Some(("a.csv", b"a,b\n")),
        )
        .await;
    assert_eq!(
        titled.headers["location"],
        "/workspace/datasets/muc-nuoc-nhap/edit?problem=title_too_long#upload"
    );
    assert!(distributions(&t).await.is_empty(), "nothing stored");

    // A member who may not edit gets the 403 page saying so; an outsider does not see the draft.
    let (member, _) = t.user("thanh-vien@example.vn", false).await;
    t.grant(common::ORG, &member.email, Role::Member).await;
    let mut reader = Browser::default();
    reader.sign_in(&t, &member.email, PASSWORD).await;
    let csrf = csrf_of(&text(&reader.get(&t, "/en/workspace").await));
    let refused = reader
        .post_multipart(
            &t,
            &format!("/en{UPLOAD}"),
            &[("csrf", &csrf)],
            Some(("a.csv", b"a")),
        )
        .await;
    assert_eq!(refused.status.as_u16(), 403);
    assert!(
        text(&refused).contains("You do not have permission"),
        "{}",
        text(&refused)
    );
    t.user("khach@example.vn", false).await;
    let mut outsider = Browser::default();
    outsider.sign_in(&t, "khach@example.vn", PASSWORD).await;
    let csrf = csrf_of(&text(&outsider.get(&t, "/workspace").await));
    let hidden = outsider
        .post_multipart(&t, UPLOAD, &[("csrf", &csrf)], Some(("a.csv", b"a")))
        .await;
    assert_eq!(hidden.status.as_u16(), 404);
    assert!(distributions(&t).await.is_empty());
}

#[tokio::test]
async fn a_remote_link_is_added_with_its_errors_next_to_the_fields() {
    let (t, email) = world().await;
    let (mut browser, csrf) = editor(&t, &email).await;

    let refused = browser
        .post(
            &t,
            &format!("/en{LINKS}"),
            &[
                ("csrf", &csrf),
                ("link_url", "ftp://example.vn/x"),
                ("link_title", "Bulletin"),
                ("link_format", "C S V"),
            ],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 422);
    let page = text(&refused);
    assert!(
        page.contains("Please correct the errors marked below."),
        "{page}"
    );
    for input in ["link_url", "link_format"] {
        let tag_start = page.find(&format!("id=\"f-{input}\"")).unwrap();
        let tag = &page[tag_start..tag_start + page[tag_start..].find('>').unwrap()];
        assert!(tag.contains("aria-invalid=\"true\""), "{input}: {tag}");
        assert!(
            page.contains(&format!("id=\"f-{input}-error-1\"")),
            "{input}"
        );
    }
    assert!(page.contains("value=\"Bulletin\""), "typed values are kept");
    assert!(distributions(&t).await.is_empty());

    let added = browser
        .post(
            &t,
            LINKS,
            &[
                ("csrf", &csrf),
                ("link_url", "https://example.vn/ban-tin.xlsx"),
                ("link_title", "Bản tin"),
                ("link_format", ""),
            ],
        )
        .await;
    assert_eq!(added.status.as_u16(), 303, "{}", text(&added));
    assert_eq!(
        added.headers["location"],
        "/workspace/datasets/muc-nuoc-nhap/edit?notice=link_added#files"
    );
    let stored = distributions(&t).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].remote_url.as_deref(),
        Some("https://example.vn/ban-tin.xlsx")
    );
    assert_eq!(stored[0].format.as_deref(), Some("XLSX"), "guessed");
    let page = text(&browser.get(&t, &format!("{EDIT}?notice=link_added")).await);
    assert!(page.contains("Đã thêm liên kết."), "{page}");
    assert!(
        page.contains("href=\"https://example.vn/ban-tin.xlsx\""),
        "{page}"
    );

    let missing = browser
        .post(&t, LINKS, &[("link_url", "https://example.vn/a.csv")])
        .await;
    assert_eq!(missing.status.as_u16(), 403, "no CSRF token");
}

#[tokio::test]
async fn a_file_is_removed_with_its_button() {
    let (t, email) = world().await;
    let (mut browser, csrf) = editor(&t, &email).await;
    browser
        .post_multipart(&t, UPLOAD, &[("csrf", &csrf)], Some(("a.csv", CSV)))
        .await;
    let id = distributions(&t).await[0].id;
    let action = format!("/workspace/datasets/muc-nuoc-nhap/files/{id}/remove");
    let page = text(&browser.get(&t, EDIT).await);
    assert!(page.contains(&action), "{page}");

    assert_eq!(browser.post(&t, &action, &[]).await.status.as_u16(), 403);
    let elsewhere = browser
        .post(
            &t,
            &format!("/workspace/datasets/khong-co/files/{id}/remove"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(elsewhere.status.as_u16(), 404);
    assert_eq!(distributions(&t).await.len(), 1);

    let removed = browser
        .post(&t, &format!("/en{action}"), &[("csrf", &csrf)])
        .await;
    assert_eq!(removed.status.as_u16(), 303);
    assert_eq!(
        removed.headers["location"],
        "/en/workspace/datasets/muc-nuoc-nhap/edit?notice=file_removed#files"
    );
    assert!(distributions(&t).await.is_empty());
    let page = text(
        &browser
            .get(&t, &format!("/en{EDIT}?notice=file_removed"))
            .await,
    );
    assert!(page.contains("The file or link was removed."), "{page}");
}

#[tokio::test]
async fn the_script_is_served_and_forms_work_without_it() {
    let (t, email) = world().await;
    let (mut browser, _) = editor(&t, &email).await;
    let page = text(&browser.get(&t, EDIT).await);
    let start = page.find("/assets/portal.js").unwrap();
    let src = &page[start..start + page[start..].find('"').unwrap()];
    let script = browser.get(&t, src).await;
    assert_eq!(script.status.as_u16(), 200);
    assert!(
        script.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let js = text(&script);
    assert!(
        js.contains("upload.onprogress"),
        "the progress bar is driven by the upload"
    );
    // Without JavaScript the same form posts to the same place.
    let form_start = page.find("data-upload").unwrap();
    let form = &page[page[..form_start].rfind("<form").unwrap()..form_start];
    assert!(
        form.contains("action=\"/workspace/datasets/muc-nuoc-nhap/files\""),
        "{form}"
    );
    assert!(form.contains("method=\"post\""), "{form}");
}
