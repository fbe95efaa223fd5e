//! The automatic updates pages (scheduled pulls) through the real router, in both languages: an
//! organization with an editor, its published dataset with an uploaded CSV and a link to another
//! site, and another organization's editor. Visitors are sent to sign in and other
//! organizations' editors are refused; the editor sees the tab, sets up a web source (a bad
//! schedule is shown next to its field), runs it by hand (the demo's fetch guard refuses
//! loopback, so the run fails and the history says why) and deletes it. A database source's
//! credentials never come back in a page.

use crate::common;

use common::{Browser, PASSWORD, text};
use dulieu_core::vocab::{OrgKind, Role};
use dulieu_testkit::{TestApp, TestResponse};
use serde_json::json;

const ORG: &str = "so-tai-nguyen";
const OTHER: &str = "hoi-nghe-ca";
const DATASET: &str = "muc-nuoc-song";
const SOURCES: &str = "/dataset/muc-nuoc-song/sources";
const CSV: &[u8] = b"tram,muc_nuoc\nHa Noi,12\nHue,8\n";
/// The password of the database source: never in a page.
const SECRET: &str = "bi-mat-khong-lo-42";

struct World {
    t: TestApp,
    editor: Browser,
    outsider: Browser,
    /// The uploaded CSV's distribution.
    file: String,
    /// The link's distribution.
    link: String,
}

async fn signed_in(t: &TestApp, email: &str) -> Browser {
    let mut browser = Browser::default();
    let answer = browser.sign_in(t, email, PASSWORD).await;
    assert_eq!(answer.status.as_u16(), 303, "{}", text(&answer));
    browser
}

/// The world, database sources allowed in `10.20.0.0/16`.
async fn world() -> World {
    let t = TestApp::with(|c| c.pull.database_networks = vec!["10.20.0.0/16".into()]).await;
    t.organization(ORG, OrgKind::Provincial).await;
    t.organization(OTHER, OrgKind::Provincial).await;
    let (_, token) = t.user("bien-tap@stnmt.test", false).await;
    t.grant(ORG, "bien-tap@stnmt.test", Role::Editor).await;
    t.user("bien-tap@hoi.test", false).await;
    t.grant(OTHER, "bien-tap@hoi.test", Role::Editor).await;
    let created = t
        .post(
            "/api/1/datasets",
            Some(&token),
            json!({"slug": DATASET, "title": {"vi": "Mực nước sông", "en": "River levels"},
                   "publisher": ORG, "license": "cc-by-4.0", "status": "published"}),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201, "{}", text(&created));
    let path = format!("/api/1/datasets/{DATASET}/distributions");
    let uploaded = t
        .upload(&path, Some(&token), "muc-nuoc.csv", CSV, &[])
        .await;
    assert_eq!(uploaded.status.as_u16(), 201, "{}", text(&uploaded));
    let linked = t
        .post(
            &path,
            Some(&token),
            json!({"url": "https://gso.gov.vn/data/muc-nuoc.xlsx",
                   "title": {"vi": "Bảng tính gốc", "en": "Original workbook"}}),
        )
        .await;
    assert_eq!(linked.status.as_u16(), 201, "{}", text(&linked));
    World {
        editor: signed_in(&t, "bien-tap@stnmt.test").await,
        outsider: signed_in(&t, "bien-tap@hoi.test").await,
        file: uploaded.json()["id"].as_str().unwrap().to_string(),
        link: linked.json()["id"].as_str().unwrap().to_string(),
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

fn redirected_to(answer: &TestResponse) -> String {
    assert_eq!(answer.status.as_u16(), 303, "{}", text(answer));
    answer.header("location").expect("a location")
}

#[tokio::test]
async fn the_pages_are_for_the_publishers_editors_only() {
    let mut w = world().await;
    let t = &w.t;
    let source = format!("{SOURCES}/{}", w.file);

    // Visitors are sent to sign in, back here after.
    let mut visitor = Browser::default();
    for path in [SOURCES.to_string(), source.clone()] {
        let location = redirected_to(&visitor.get(t, &path).await);
        assert!(location.starts_with("/sign-in?next="), "{location}");
    }
    let overview = page(t, &mut visitor, &format!("/dataset/{DATASET}")).await;
    assert!(!overview.contains(SOURCES), "no tab for visitors");

    // Another organization's editor: no tab, 403 pages, and a form posted anyway is refused.
    let overview = page(t, &mut w.outsider, &format!("/dataset/{DATASET}")).await;
    assert!(
        !overview.contains(SOURCES),
        "no tab for other organizations"
    );
    for path in [SOURCES.to_string(), source.clone()] {
        let answer = w.outsider.get(t, &path).await;
        assert_eq!(answer.status.as_u16(), 403, "{path}: {}", text(&answer));
    }
    let refused = w
        .outsider
        .submit(
            t,
            "/workspace",
            &source,
            &[
                ("kind", "http"),
                ("url", "https://gso.gov.vn/a.csv"),
                ("schedule", "0 2 * * *"),
            ],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 403, "{}", text(&refused));

    // The editor: the tab on the dataset's pages, the list in both languages.
    let overview = page(t, &mut w.editor, &format!("/en/dataset/{DATASET}")).await;
    assert!(
        overview.contains(&format!("href=\"/en{SOURCES}\">Automatic updates</a>")),
        "{overview}"
    );
    let list = page(t, &mut w.editor, SOURCES).await;
    assert!(list.contains("<html lang=\"vi\">"), "{list}");
    assert!(
        list.contains("<h1>Tự động cập nhật: Mực nước sông</h1>"),
        "{list}"
    );
    assert!(
        list.contains("class=\"active\" aria-current=\"page\">Tự động cập nhật"),
        "{list}"
    );
    assert!(list.contains(&format!("href=\"{source}\"")), "{list}");
    assert!(list.contains("Thiết lập tự động cập nhật"), "{list}");
    assert!(
        list.contains("Đây là liên kết tới trang web khác"),
        "links cannot have a source: {list}"
    );
    assert!(!list.contains(&format!("{SOURCES}/{}\"", w.link)), "{list}");
    let en = page(t, &mut w.editor, &format!("/en{SOURCES}")).await;
    assert!(
        en.contains("<h1>Automatic updates: River levels</h1>"),
        "{en}"
    );
    assert!(en.contains("Set up automatic updates"), "{en}");

    // A link's page says why it has no form; an id of another dataset is not found.
    let link = page(t, &mut w.editor, &format!("/en{SOURCES}/{}", w.link)).await;
    assert!(link.contains("This is a link to another site"), "{link}");
    assert!(!link.contains("name=\"schedule\""), "{link}");
    let missing = w
        .editor
        .get(
            t,
            &format!("{SOURCES}/00000000-0000-0000-0000-000000000000"),
        )
        .await;
    assert_eq!(missing.status.as_u16(), 404);

    // The files panel of the edit page links to each upload's source.
    let edit = page(
        t,
        &mut w.editor,
        &format!("/workspace/datasets/{DATASET}/edit"),
    )
    .await;
    assert!(edit.contains(&format!("href=\"{source}\"")), "{edit}");
}

#[tokio::test]
async fn an_editor_sets_up_a_web_source_runs_it_and_deletes_it() {
    let mut w = world().await;
    let t = &w.t;
    let source = format!("{SOURCES}/{}", w.file);

    // A new source's form, with its presets; a preset link fills the schedule in.
    let form = page(t, &mut w.editor, &source).await;
    assert!(form.contains("Thiết lập nguồn"), "{form}");
    assert!(
        form.contains("id=\"f-kind-http\" type=\"radio\" name=\"kind\" value=\"http\" checked"),
        "{form}"
    );
    assert!(
        form.contains("href=\"/dataset/muc-nuoc-song/sources/"),
        "{form}"
    );
    assert!(form.contains("?schedule=0+2+*+*+*#f-schedule"), "{form}");
    assert!(form.contains("UTC+07:00"), "the portal's time zone: {form}");
    let preset = page(t, &mut w.editor, &format!("{source}?schedule=0+8+*+*+1")).await;
    assert!(
        preset.contains("name=\"schedule\" type=\"text\" value=\"0 8 * * 1\""),
        "{preset}"
    );

    // A bad schedule: the form again, the message next to the field, what was typed kept.
    let url = "http://localhost/du-lieu/muc-nuoc.csv";
    let refused = w
        .editor
        .submit(
            t,
            &source,
            &source,
            &[
                ("kind", "http"),
                ("url", url),
                ("schedule", "hằng ngày"),
                ("enabled", "1"),
            ],
        )
        .await;
    let html = text(&refused);
    assert_eq!(refused.status.as_u16(), 422, "{html}");
    assert!(html.contains("id=\"f-schedule-error-1\""), "{html}");
    assert!(html.contains("Lịch chạy không hợp lệ"), "{html}");
    assert!(html.contains(&format!("value=\"{url}\"")), "{html}");
    assert!(html.contains("value=\"hằng ngày\""), "{html}");

    // A good one: saved, its page shows it with the next run.
    let saved = w
        .editor
        .submit(
            t,
            &source,
            &source,
            &[
                ("kind", "http"),
                ("url", url),
                ("schedule", "0 2 * * *"),
                ("enabled", "1"),
            ],
        )
        .await;
    assert_eq!(
        redirected_to(&saved),
        format!("{source}?notice=source_saved")
    );
    let shown = page(t, &mut w.editor, &format!("{source}?notice=source_saved")).await;
    assert!(shown.contains("Đã lưu nguồn tự động cập nhật."), "{shown}");
    assert!(
        shown.contains(&format!("<code class=\"source-address\">{url}</code>")),
        "{shown}"
    );
    assert!(shown.contains("<code>0 2 * * *</code>"), "{shown}");
    let next = shown.split("class=\"next-run\"").nth(1).unwrap_or_default();
    assert!(
        next.starts_with("><time datetime=\"") && next.contains(" 02:00 UTC+07:00</time>"),
        "{shown}"
    );
    assert!(shown.contains("Chưa chạy lần nào."), "{shown}");
    assert!(shown.contains("Sửa nguồn"), "{shown}");

    // Run now: loopback is refused when fetched, so the run fails and the history says why.
    let ran = w
        .editor
        .submit(t, &source, &format!("{source}/run"), &[])
        .await;
    assert_eq!(
        redirected_to(&ran),
        format!("{source}?problem=source_run_failed")
    );
    let failed = page(
        t,
        &mut w.editor,
        &format!("/en{source}?problem=source_run_failed"),
    )
    .await;
    assert!(failed.contains("The run failed"), "{failed}");
    assert!(failed.contains("<tr class=\"run-failed\">"), "{failed}");
    assert!(
        failed.contains("outcome-failed\">Failed</span>"),
        "{failed}"
    );
    assert!(failed.contains("<code>blocked_address</code>"), "{failed}");
    assert!(
        failed.contains("Failed 1 time(s) in a row, since"),
        "{failed}"
    );
    assert!(
        failed.contains("<td>&quot;Run now&quot;</td>"),
        "the trigger: {failed}"
    );
    let list = page(t, &mut w.editor, &format!("/en{SOURCES}")).await;
    assert!(list.contains("class=\"source-failing\""), "{list}");
    assert!(list.contains("View and change the source"), "{list}");

    // Paused: the status says so; the saved address is kept when only the schedule changes.
    let paused = w
        .editor
        .submit(
            t,
            &source,
            &source,
            &[("kind", "http"), ("url", url), ("schedule", "0 * * * *")],
        )
        .await;
    redirected_to(&paused);
    let shown = page(t, &mut w.editor, &format!("/en{source}")).await;
    assert!(shown.contains("<strong>Paused</strong>"), "{shown}");
    assert!(
        !shown.contains("id=\"f-enabled\" type=\"checkbox\" name=\"enabled\" value=\"1\" checked"),
        "{shown}"
    );

    // Deleted: back to the list, the file has no source again.
    let deleted = w
        .editor
        .submit(t, &source, &format!("{source}/delete"), &[])
        .await;
    assert_eq!(
        redirected_to(&deleted),
        format!("{SOURCES}?notice=source_deleted")
    );
    let list = page(
        t,
        &mut w.editor,
        &format!("{SOURCES}?notice=source_deleted"),
    )
    .await;
    assert!(list.contains("Đã xóa nguồn tự động cập nhật"), "{list}");
    assert!(
        list.contains("Tệp này chưa được tự động cập nhật."),
        "{list}"
    );
}

/// Posts the form of a database source to `source`.
async fn save_database_source(
    w: &mut World,
    source: &str,
    connection: &str,
    schedule: &str,
) -> TestResponse {
    let fields = [
        ("kind", "sql"),
        ("connection", connection),
        ("query", "SELECT tram, muc_nuoc FROM muc_nuoc"),
        ("file_name", "muc-nuoc.csv"),
        ("schedule", schedule),
        ("enabled", "1"),
    ];
    w.editor.submit(&w.t, source, source, &fields).await
}

#[tokio::test]
async fn database_credentials_never_come_back_in_a_page() {
    let mut w = world().await;
    let source = format!("{SOURCES}/{}", w.file);

    // Refused (a host outside the allowed networks): the password is not typed back.
    let outside = format!("postgres://doc_du_lieu:{SECRET}@192.168.1.5/thong_ke");
    let refused = save_database_source(&mut w, &source, &outside, "0 2 * * *").await;
    let html = text(&refused);
    assert_eq!(refused.status.as_u16(), 422, "{html}");
    assert!(html.contains("id=\"f-connection-error-1\""), "{html}");
    assert!(!html.contains(SECRET), "{html}");

    // Saved: shown with its password masked, the input empty.
    let connection = format!("postgres://doc_du_lieu:{SECRET}@10.20.0.5/thong_ke");
    redirected_to(&save_database_source(&mut w, &source, &connection, "0 2 * * *").await);
    let shown = page(&w.t, &mut w.editor, &format!("/en{source}")).await;
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("10.20.0.5/thong_ke"), "{shown}");
    assert!(shown.contains("Leave empty to keep it."), "{shown}");
    let input = shown
        .split("name=\"connection\"")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap_or_default();
    assert!(!input.contains("value="), "the input starts empty: {input}");

    // Changed without typing the connection again: the saved one is kept.
    redirected_to(&save_database_source(&mut w, &source, "", "30 6 * * *").await);
    let shown = page(&w.t, &mut w.editor, &source).await;
    assert!(shown.contains("<code>30 6 * * *</code>"), "{shown}");
    assert!(shown.contains("10.20.0.5/thong_ke"), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
    let list = page(&w.t, &mut w.editor, SOURCES).await;
    assert!(!list.contains(SECRET), "{list}");
}
