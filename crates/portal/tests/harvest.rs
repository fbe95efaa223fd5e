//! The harvest source pages through the real router, in both languages, against a CKAN-like
//! portal on loopback (the fetch guard allows its port): a sysadmin sees the list, a refused
//! form shows its messages next to the fields, Preview lists what the source would yield
//! without saving anything, the source is saved, run by hand (its counts come back as a notice
//! and its item error in the history), a harvested dataset's public page says where it comes
//! from, and the source is deleted. Visitors are sent to sign in, other users get the 403 page.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common;

use common::{Browser, PASSWORD, text};
use dulieu_core::vocab::{OrgKind, Role};
use dulieu_testkit::{TestApp, TestResponse};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LIST: &str = "/admin/harvest";
const NEW: &str = "/admin/harvest/new";
const SLUG: &str = "cong-tai-chinh";
const ADMIN: &str = "quan-tri@cong.test";
const EDITOR: &str = "bien-tap@cong.test";

/// The CKAN `package_search` answer of the portal: two packages and one without a title.
fn packages() -> Value {
    let ministry = json!({"id": "org-btc", "name": "bo-tai-chinh", "title": "Bộ Tài chính"});
    json!({"success": true, "result": {"count": 3, "results": [
        {"id": "pkg-ngan-sach", "name": "ngan-sach-2024", "title": "Ngân sách nhà nước 2024",
         "notes": "Thu chi ngân sách theo tỉnh.", "metadata_modified": "2026-01-02T03:04:05.000000",
         "organization": ministry, "license_id": "cc-by",
         "resources": [{"id": "res-1", "name": "Số liệu CSV", "format": "CSV",
                        "url": "https://data.example.vn/ngan-sach-2024.csv"}]},
        {"id": "pkg-no-cong", "name": "no-cong-2024", "title": "Nợ công 2024",
         "metadata_modified": "2026-01-03T03:04:05.000000", "organization": ministry,
         "resources": [{"id": "res-2", "name": "Bảng", "format": "XLSX",
                        "url": "https://data.example.vn/no-cong.xlsx"},
                       {"id": "res-3", "name": "Ghi chú", "format": "PDF",
                        "url": "https://data.example.vn/no-cong.pdf"}]},
        {"id": "pkg-khong-ten", "notes": "<script>no title</script>",
         "metadata_modified": "2026-01-04T03:04:05.000000"}
    ]}})
}

/// A web server on loopback answering every request with `body` (JSON) after `delay`; the
/// requests it got.
async fn ckan_server(body: Value, delay: Duration) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let requests = seen.clone();
    let body = body.to_string().into_bytes();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let (body, requests) = (body.clone(), requests.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                requests
                    .lock()
                    .unwrap()
                    .push(head.lines().next().unwrap_or_default().to_string());
                tokio::time::sleep(delay).await;
                let mut reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                reply.extend_from_slice(&body);
                let _ = socket.write_all(&reply).await;
            });
        }
    });
    (port, seen)
}

struct World {
    t: TestApp,
    admin: Browser,
    editor: Browser,
    /// The CKAN portal's base URL.
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

async fn signed_in(t: &TestApp, email: &str) -> Browser {
    let mut browser = Browser::default();
    let answer = browser.sign_in(t, email, PASSWORD).await;
    assert_eq!(answer.status.as_u16(), 303, "{}", text(&answer));
    browser
}

async fn world() -> World {
    world_answering_after(Duration::ZERO).await
}

/// The world, the CKAN portal answering after `delay`.
async fn world_answering_after(delay: Duration) -> World {
    let (port, requests) = ckan_server(packages(), delay).await;
    let t = TestApp::with(|c| {
        c.fetch.allow_networks = vec!["127.0.0.1/32".into()];
        c.fetch.allowed_ports.push(port);
    })
    .await;
    t.organization("so-tai-chinh", OrgKind::Provincial).await;
    t.user(ADMIN, true).await;
    t.user(EDITOR, false).await;
    t.grant("so-tai-chinh", EDITOR, Role::Admin).await;
    World {
        admin: signed_in(&t, ADMIN).await,
        editor: signed_in(&t, EDITOR).await,
        url: format!("http://127.0.0.1:{port}"),
        requests,
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

/// The form's fields for the source at `url`, with `intent`.
fn fields<'a>(url: &'a str, intent: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("slug", SLUG),
        ("title", "Cổng dữ liệu tài chính"),
        ("kind", "ckan"),
        ("url", url),
        ("organization", ""),
        ("publisher_kind", "national"),
        ("schedule", "0 2 * * *"),
        ("enabled", "1"),
        ("grace_days", "7"),
        ("intent", intent),
    ]
}

#[tokio::test]
async fn the_harvest_pages_are_for_sysadmins_only() {
    let mut w = world().await;
    let t = &w.t;

    let mut visitor = Browser::default();
    for path in [LIST, NEW, "/en/admin/harvest/x"] {
        let location = redirected_to(&visitor.get(t, path).await);
        assert!(location.contains("sign-in?next="), "{path}: {location}");
    }

    // An organization's admin is not a sysadmin: the 403 page saying a role is missing, in both
    // languages; a form posted anyway changes nothing; no link in the workspace.
    for path in [LIST, NEW, "/en/admin/harvest", "/en/admin/harvest/new"] {
        let answer = w.editor.get(t, path).await;
        assert_eq!(answer.status.as_u16(), 403, "{path}: {}", text(&answer));
    }
    let en = text(&w.editor.get(t, "/en/admin/harvest").await);
    assert!(en.contains("<html lang=\"en\">"), "{en}");
    let refused = w
        .editor
        .submit(t, "/workspace", NEW, &fields(&w.url, "save"))
        .await;
    assert_eq!(refused.status.as_u16(), 403, "{}", text(&refused));
    let refused = w
        .editor
        .submit(t, "/workspace", NEW, &fields(&w.url, "preview"))
        .await;
    assert_eq!(refused.status.as_u16(), 403, "{}", text(&refused));
    assert!(w.requests.lock().unwrap().is_empty(), "no preview for them");
    let workspace = page(t, &mut w.editor, "/workspace").await;
    assert!(
        !workspace.contains("href=\"/admin/harvest\""),
        "{workspace}"
    );

    // The sysadmin: the link in the workspace, an empty list with the new source button.
    let workspace = page(t, &mut w.admin, "/en/workspace").await;
    assert!(
        workspace.contains("<a href=\"/en/admin/harvest\">Harvest sources</a>"),
        "{workspace}"
    );
    let list = page(t, &mut w.admin, LIST).await;
    assert!(list.contains("<h1>Nguồn thu thập</h1>"), "{list}");
    assert!(list.contains("Chưa có nguồn thu thập nào."), "{list}");
    assert!(list.contains("href=\"/admin/harvest/new\""), "{list}");
    let missing = w.admin.get(t, "/admin/harvest/khong-co").await;
    assert_eq!(missing.status.as_u16(), 404);
}

#[tokio::test]
async fn a_sysadmin_previews_saves_runs_and_deletes_a_source() {
    let mut w = world().await;
    let t = &w.t;

    // The form: every kind with its help, the organizations, the presets (no JavaScript).
    let form = page(t, &mut w.admin, "/en/admin/harvest/new").await;
    assert!(form.contains("<h1>New harvest source</h1>"), "{form}");
    for kind in ["ckan", "dcat", "data-json"] {
        assert!(
            form.contains(&format!("id=\"f-kind-{kind}-hint\"")),
            "{form}"
        );
    }
    assert!(
        form.contains("id=\"f-kind-ckan\" type=\"radio\" name=\"kind\" value=\"ckan\" checked"),
        "{form}"
    );
    assert!(
        form.contains("<option value=\"\">— Mirror the source&#x27;s publishers —</option>"),
        "{form}"
    );
    assert!(form.contains("<option value=\"so-tai-chinh\">"), "{form}");
    assert!(form.contains("?schedule=0+2+*+*+*#f-schedule"), "{form}");
    let preset = page(t, &mut w.admin, "/admin/harvest/new?schedule=0+8+*+*+1").await;
    assert!(
        preset.contains("name=\"schedule\" type=\"text\" value=\"0 8 * * 1\""),
        "{preset}"
    );

    // Refused: each message next to its field, in both languages, what was typed kept.
    let mut bad = fields("ftp://example.vn/catalog", "save");
    bad[0] = ("slug", "Không Hợp Lệ");
    bad[1] = ("title", "");
    bad[8] = ("grace_days", "mãi mãi");
    let refused = w.admin.submit(t, NEW, NEW, &bad).await;
    let html = text(&refused);
    assert_eq!(refused.status.as_u16(), 422, "{html}");
    for field in ["slug", "title", "url", "grace_days"] {
        assert!(
            html.contains(&format!("id=\"f-{field}-error-1\"")),
            "{field}: {html}"
        );
    }
    assert!(html.contains("Phải là số nguyên từ 0 đến 3650."), "{html}");
    assert!(
        html.contains("value=\"ftp://example.vn/catalog\""),
        "{html}"
    );
    assert!(html.contains("value=\"mãi mãi\""), "{html}");
    let en = "/en/admin/harvest/new";
    let mut blocked = fields("http://10.0.0.1/catalog", "save");
    blocked[6] = ("schedule", "every day");
    let refused = w.admin.submit(t, en, en, &blocked).await;
    let html = text(&refused);
    assert_eq!(refused.status.as_u16(), 422, "{html}");
    assert!(
        html.contains("The portal may not read this address"),
        "{html}"
    );
    assert!(html.contains("id=\"f-schedule-error-1\""), "{html}");
    assert!(html.contains("value=\"every day\""), "{html}");

    // Preview: the items with what a run would do, the item error, nothing saved.
    let url = w.url.clone();
    let previewed = w.admin.submit(t, NEW, NEW, &fields(&url, "preview")).await;
    let html = text(&previewed);
    assert_eq!(previewed.status.as_u16(), 200, "{html}");
    assert!(html.contains("id=\"preview\""), "{html}");
    assert!(html.contains("Ngân sách nhà nước 2024"), "{html}");
    assert!(html.contains("Nợ công 2024"), "{html}");
    assert!(html.contains("Bộ Tài chính"), "{html}");
    assert!(html.contains("<td class=\"num\">2</td>"), "{html}");
    assert!(html.contains("action-create\">Sẽ tạo mới</span>"), "{html}");
    assert!(
        html.contains("Nguồn có 3 bộ dữ liệu; 2 bộ đầu tiên"),
        "{html}"
    );
    assert!(
        html.contains("<code class=\"source-address\">pkg-khong-ten</code>"),
        "{html}"
    );
    assert!(!html.contains("<script>no title"), "escaped: {html}");
    assert!(
        html.contains("value=\"Cổng dữ liệu tài chính\""),
        "the form kept: {html}"
    );
    assert!(
        w.requests.lock().unwrap()[0].contains("/api/3/action/package_search"),
        "{:?}",
        w.requests.lock().unwrap()
    );
    let list = page(t, &mut w.admin, LIST).await;
    assert!(
        list.contains("Chưa có nguồn thu thập nào."),
        "nothing saved: {list}"
    );

    // Saved: its page with the settings, the list with the source.
    let saved = w.admin.submit(t, NEW, NEW, &fields(&url, "save")).await;
    let source = format!("{LIST}/{SLUG}");
    assert_eq!(
        redirected_to(&saved),
        format!("{source}?notice=harvest_saved")
    );
    let shown = page(t, &mut w.admin, &format!("{source}?notice=harvest_saved")).await;
    assert!(shown.contains("Đã lưu nguồn thu thập."), "{shown}");
    assert!(
        shown.contains("<h1>Nguồn thu thập: Cổng dữ liệu tài chính</h1>"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("<code class=\"source-address\">{url}</code>")),
        "{shown}"
    );
    assert!(
        shown.contains("Theo đơn vị công bố của nguồn (loại tổ chức: Bộ, ngành trung ương)"),
        "{shown}"
    );
    assert!(shown.contains("Nguồn chưa chạy lần nào."), "{shown}");
    let list = page(t, &mut w.admin, "/en/admin/harvest").await;
    assert!(
        list.contains(&format!(
            "<a href=\"/en{source}\">Cổng dữ liệu tài chính</a>"
        )),
        "{list}"
    );
    assert!(list.contains("<td>CKAN portal</td>"), "{list}");
    assert!(
        list.contains("UTC+07:00</time>"),
        "next run in the portal's zone: {list}"
    );

    // The edit form holds the saved settings; a change is saved in place.
    let edit = format!("{source}/edit");
    let form = page(t, &mut w.admin, &edit).await;
    assert!(form.contains(&format!("value=\"{url}\"")), "{form}");
    assert!(
        form.contains("<option value=\"national\" selected>"),
        "{form}"
    );
    let mut changed = fields(&url, "save");
    changed[4] = ("organization", "so-tai-chinh");
    changed[8] = ("grace_days", "30");
    let updated = w.admin.submit(t, &edit, &edit, &changed).await;
    assert_eq!(
        redirected_to(&updated),
        format!("{source}?notice=harvest_saved")
    );

    // Run now: created 2, failed 1; the counts come with the notice, the item error in the
    // history.
    let ran = w
        .admin
        .submit(t, &source, &format!("/en{source}/run"), &[])
        .await;
    let location = redirected_to(&ran);
    assert!(
        location.starts_with(&format!("/en{source}?run="))
            && location.ends_with("&notice=harvest_ran"),
        "{location}"
    );
    let shown = page(t, &mut w.admin, &location).await;
    assert!(
        shown.contains(
            "The source was harvested. Created 2, updated 0, unchanged 0, archived 0, failed 1."
        ),
        "{shown}"
    );
    assert!(
        shown.contains("outcome-succeeded\">Succeeded</span>"),
        "{shown}"
    );
    assert!(shown.contains("<tr class=\"just-ran\">"), "{shown}");
    assert!(shown.contains("<details class=\"item-errors\">"), "{shown}");
    assert!(shown.contains("<code>pkg-khong-ten</code>"), "{shown}");
    assert!(shown.contains("<dd>30 days</dd>"), "{shown}");
    assert!(
        shown.contains("<dd><a href=\"/en/organization/so-tai-chinh\">"),
        "{shown}"
    );
    assert!(shown.contains("<dd class=\"datasets\">2</dd>"), "{shown}");

    // A harvested dataset's page says where it comes from.
    let dataset = page(t, &mut Browser::default(), "/en/dataset/ngan-sach-2024").await;
    assert!(dataset.contains("Harvested from"), "{dataset}");
    assert!(
        dataset.contains(&format!(
            "<a href=\"{url}/dataset/ngan-sach-2024\" rel=\"external\">Cổng dữ liệu tài chính</a>"
        )),
        "{dataset}"
    );
    assert!(!dataset.contains("no longer lists"), "{dataset}");
    let other = page(t, &mut Browser::default(), "/dataset/ngan-sach-2024").await;
    assert!(other.contains("Thu thập từ"), "{other}");

    // Preview again: the harvested items are now unchanged.
    let previewed = w
        .admin
        .submit(t, &edit, &edit, &changed_intent(&changed))
        .await;
    let html = text(&previewed);
    assert_eq!(previewed.status.as_u16(), 200, "{html}");
    assert!(
        html.contains("action-unchanged\">Không đổi</span>"),
        "{html}"
    );
    assert!(!html.contains("action-create"), "{html}");

    // Deleted through its confirmation step: back to the list; the datasets stay.
    let deleted = w
        .admin
        .submit(t, &source, &format!("{source}/delete"), &[])
        .await;
    assert_eq!(
        redirected_to(&deleted),
        format!("{LIST}?notice=harvest_deleted")
    );
    let list = page(t, &mut w.admin, &format!("{LIST}?notice=harvest_deleted")).await;
    assert!(list.contains("Đã xóa nguồn thu thập"), "{list}");
    assert!(list.contains("Chưa có nguồn thu thập nào."), "{list}");
    page(t, &mut Browser::default(), "/dataset/ngan-sach-2024").await;
}

/// `fields` asking for a preview instead.
fn changed_intent<'a>(fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    fields
        .iter()
        .map(|&(name, value)| (name, if name == "intent" { "preview" } else { value }))
        .collect()
}

#[tokio::test]
async fn a_failed_run_shows_its_error() {
    let mut w = world().await;
    let t = &w.t;
    // A source that cannot be read (nothing listens on loopback's port 80, or the guard refuses
    // `localhost` when it resolves elsewhere; not an IP literal, so it is saved): its run fails
    // and the history says why.
    let mut refused = fields("http://localhost/api", "save");
    refused[2] = ("kind", "data-json");
    let saved = w.admin.submit(t, NEW, NEW, &refused).await;
    let source = format!("{LIST}/{SLUG}");
    redirected_to(&saved);
    let ran = w
        .admin
        .submit(t, &source, &format!("{source}/run"), &[])
        .await;
    let location = redirected_to(&ran);
    assert!(
        location.ends_with("&problem=harvest_run_failed"),
        "{location}"
    );
    let shown = page(t, &mut w.admin, &location).await;
    assert!(shown.contains("Lần thu thập thất bại"), "{shown}");
    assert!(
        shown.contains("<tr class=\"run-failed just-ran\">"),
        "{shown}"
    );
    assert!(
        shown.contains("outcome-failed\">Thất bại</span>"),
        "{shown}"
    );
    assert!(shown.contains("<td class=\"run-error\"><code>"), "{shown}");
    let list = page(t, &mut w.admin, LIST).await;
    assert!(list.contains("<tr class=\"run-failed\">"), "{list}");
}

#[tokio::test]
async fn run_now_while_a_run_goes_on_says_so() {
    let mut w = world_answering_after(Duration::from_millis(1500)).await;
    let t = &w.t;
    let saved = w.admin.submit(t, NEW, NEW, &fields(&w.url, "save")).await;
    redirected_to(&saved);
    let source = format!("{LIST}/{SLUG}");
    let run = format!("/en{source}/run");
    let mut second = signed_in(t, ADMIN).await;
    let (first_csrf, second_csrf) = (
        w.admin.csrf(t, &source).await,
        second.csrf(t, &source).await,
    );
    let (first_fields, second_fields) = (
        [("csrf", first_csrf.as_str())],
        [("csrf", second_csrf.as_str())],
    );
    let (first, refused) = tokio::join!(w.admin.post(t, &run, &first_fields), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        second.post(t, &run, &second_fields).await
    });
    redirected_to(&first);
    let html = text(&refused);
    assert_eq!(refused.status.as_u16(), 409, "{html}");
    assert!(html.contains("id=\"source-problem\""), "{html}");
    assert!(
        html.contains("A run of this source is still going on"),
        "{html}"
    );
    assert!(
        html.contains("<h1>Harvest source: Cổng dữ liệu tài chính</h1>"),
        "{html}"
    );
}
