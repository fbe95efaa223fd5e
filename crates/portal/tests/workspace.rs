//! The publisher workspace through the real router: who may open it, and what it lists.

use crate::common;

use common::{Browser, PASSWORD, text, world};
use serde_json::json;

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_and_back() {
    let (t, _) = world().await;
    let mut browser = Browser::default();
    for (path, location) in [
        ("/workspace", "/sign-in?next=%2Fworkspace"),
        ("/en/workspace", "/en/sign-in?next=%2Fen%2Fworkspace"),
    ] {
        let answer = browser.get(&t, path).await;
        assert_eq!(answer.status.as_u16(), 303, "{path}");
        assert_eq!(answer.headers["location"], location, "{path}");
    }
}

#[tokio::test]
async fn the_workspace_lists_my_organizations_and_drafts_apart_from_published() {
    let (t, email) = world().await;
    let (_, admin) = t.user("admin@example.vn", true).await;
    let published = t
        .post(
            "/api/1/datasets",
            Some(&admin),
            json!({"slug": "muc-nuoc-cong-bo", "title": {"vi": "Mực nước công bố", "en": "Published water levels"},
                   "publisher": common::ORG, "license": "cc-by-4.0", "status": "published"}),
        )
        .await;
    assert_eq!(published.status.as_u16(), 201, "{}", text(&published));
    let mut browser = Browser::default();
    browser.sign_in(&t, &email, PASSWORD).await;

    let page = text(&browser.get(&t, "/en/workspace").await);
    assert!(page.contains("Publisher workspace"), "{page}");
    assert!(
        page.contains("href=\"/en/organization/hoi-thuy-van\""),
        "{page}"
    );
    assert!(page.contains("Editor"), "role shown");
    let drafts = section(&page, "ws-drafts");
    assert!(drafts.contains("/en/dataset/muc-nuoc-nhap"), "{drafts}");
    assert!(!drafts.contains("muc-nuoc-cong-bo"), "{drafts}");
    let published = section(&page, "ws-published");
    assert!(
        published.contains("/en/dataset/muc-nuoc-cong-bo"),
        "{published}"
    );
    assert!(!published.contains("muc-nuoc-nhap"), "{published}");

    let vi = text(&browser.get(&t, "/workspace").await);
    assert!(vi.contains("Tổ chức của tôi"), "{vi}");
    assert!(vi.contains("Biên tập viên"), "role in Vietnamese");
    assert!(vi.contains("href=\"/workspace\""), "header link");

    let mut stranger = Browser::default();
    t.user("khach@example.vn", false).await;
    stranger.sign_in(&t, "khach@example.vn", PASSWORD).await;
    let empty = text(&stranger.get(&t, "/en/workspace").await);
    assert!(
        empty.contains("You are not a member of any organization."),
        "{empty}"
    );
    assert!(!empty.contains("muc-nuoc-nhap"), "another's draft shown");
}

/// The HTML of the `<section>` labelled by heading `id`.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("aria-labelledby=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = page[start..].find("</section>").unwrap() + start;
    &page[start..end]
}

/// The fields of a valid dataset form for the test organization, with `changes` applied.
fn dataset_fields<'a>(csrf: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("csrf", csrf),
        ("publisher", common::ORG),
        ("title_vi", "Lượng mưa theo tháng"),
        ("title_en", "Monthly rainfall"),
        ("description_vi", "Đo tại các trạm."),
        ("description_en", "Measured at the stations."),
        ("keywords", "mưa, khí tượng"),
        ("theme", ""),
        ("license", "cc-by-4.0"),
        ("access_rights", "public"),
        ("frequency", "monthly"),
        ("spatial", "Hà Nội"),
        ("status", "draft"),
    ];
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push((name, value));
    }
    fields
}

#[tokio::test]
async fn the_new_dataset_form_needs_a_signed_in_editor_and_its_csrf_token() {
    let (t, email) = world().await;
    let mut anonymous = Browser::default();
    let answer = anonymous.get(&t, "/workspace/datasets/new").await;
    assert_eq!(answer.status.as_u16(), 303);
    assert_eq!(
        answer.headers["location"],
        "/sign-in?next=%2Fworkspace%2Fdatasets%2Fnew"
    );

    let (member, _) = t.user("thanh-vien@example.vn", false).await;
    t.grant(common::ORG, &member.email, dulieu_core::vocab::Role::Member)
        .await;
    let mut browser = Browser::default();
    browser.sign_in(&t, &member.email, PASSWORD).await;
    let csrf = browser.csrf(&t, "/en/workspace/datasets/new").await;
    let refused = browser
        .post(
            &t,
            "/en/workspace/datasets/new",
            &dataset_fields(&csrf, &[]),
        )
        .await;
    assert_eq!(refused.status.as_u16(), 403, "{}", text(&refused));

    let mut editor = Browser::default();
    editor.sign_in(&t, &email, PASSWORD).await;
    let without = editor
        .post(&t, "/en/workspace/datasets/new", &dataset_fields("", &[]))
        .await;
    assert_eq!(without.status.as_u16(), 403, "no CSRF token");
    let csrf = editor.csrf(&t, "/en/workspace/datasets/new").await;
    let created = editor
        .post(
            &t,
            "/en/workspace/datasets/new",
            &dataset_fields(&csrf, &[]),
        )
        .await;
    assert_eq!(created.status.as_u16(), 303, "{}", text(&created));
    assert_eq!(
        created.headers["location"],
        "/en/dataset/luong-mua-theo-thang"
    );
    let page = text(&editor.get(&t, "/en/dataset/luong-mua-theo-thang").await);
    assert!(page.contains("Monthly rainfall"), "{page}");
    assert!(page.contains("khí tượng"), "keywords split: {page}");
    let workspace = text(&editor.get(&t, "/en/workspace").await);
    assert!(
        section(&workspace, "ws-drafts").contains("/en/dataset/luong-mua-theo-thang"),
        "{workspace}"
    );
}

#[tokio::test]
async fn validation_errors_are_shown_next_to_their_fields_in_both_languages() {
    let (t, email) = world().await;
    let mut editor = Browser::default();
    editor.sign_in(&t, &email, PASSWORD).await;
    let long = "x".repeat(2000);
    for (path, required) in [
        ("/workspace/datasets/new", "ít nhất một ngôn ngữ"),
        ("/en/workspace/datasets/new", "at least one"),
    ] {
        let csrf = editor.csrf(&t, path).await;
        let fields = dataset_fields(
            &csrf,
            &[
                ("title_vi", ""),
                ("title_en", ""),
                ("frequency", "hourly-ish"),
            ],
        );
        let answer = editor.post(&t, path, &fields).await;
        assert_eq!(answer.status.as_u16(), 422, "{path}");
        let html = text(&answer);
        let title = field_html(&html, "title_vi");
        assert!(title.to_lowercase().contains(required), "{path}: {title}");
        assert!(
            title.contains("aria-describedby=\" f-title_vi-error-1\""),
            "{title}"
        );
        let frequency = field_html(&html, "frequency");
        assert!(frequency.contains("field-error"), "{path}: {frequency}");
        assert!(html.contains("value=\"mưa, khí tượng\""), "values kept");
        assert!(!field_html(&html, "spatial").contains("field-error"));

        let fields = dataset_fields(&csrf, &[("title_en", &long)]);
        let html = text(&editor.post(&t, path, &fields).await);
        assert!(
            field_html(&html, "title_en").contains("field-error"),
            "{path}: title.en error next to the English title"
        );
    }
}

/// The HTML of the `.field` holding input `name`.
fn field_html<'a>(page: &'a str, name: &str) -> &'a str {
    let at = page
        .find(&format!("for=\"f-{name}\""))
        .unwrap_or_else(|| panic!("no field {name}"));
    let start = page[..at].rfind("<div class=\"field").unwrap();
    let end = page[at..].find("</div>").unwrap() + at;
    &page[start..end]
}

#[tokio::test]
async fn the_edit_form_is_filled_applies_changes_and_follows_the_api_permissions() {
    let (t, email) = world().await;
    let path = "/en/workspace/datasets/muc-nuoc-nhap/edit";
    let mut anonymous = Browser::default();
    assert_eq!(anonymous.get(&t, path).await.status.as_u16(), 303);

    let (member, _) = t.user("thanh-vien@example.vn", false).await;
    t.grant(common::ORG, &member.email, dulieu_core::vocab::Role::Member)
        .await;
    let mut browser = Browser::default();
    browser.sign_in(&t, &member.email, PASSWORD).await;
    assert_eq!(browser.get(&t, path).await.status.as_u16(), 403, "member");
    t.user("khach@example.vn", false).await;
    let mut stranger = Browser::default();
    stranger.sign_in(&t, "khach@example.vn", PASSWORD).await;
    assert_eq!(
        stranger.get(&t, path).await.status.as_u16(),
        404,
        "draft hidden"
    );

    let mut editor = Browser::default();
    editor.sign_in(&t, &email, PASSWORD).await;
    let form = text(&editor.get(&t, path).await);
    assert!(form.contains("value=\"Draft water levels\""), "{form}");
    let csrf = common::csrf_of(&form);
    let fields = dataset_fields(
        &csrf,
        &[
            ("title_en", "Water levels, reviewed"),
            ("status", "published"),
        ],
    );
    let without = editor.post(&t, path, &dataset_fields("", &[])).await;
    assert_eq!(without.status.as_u16(), 403, "no CSRF token");
    let invalid = editor
        .post(
            &t,
            path,
            &dataset_fields(&csrf, &[("title_vi", ""), ("title_en", "")]),
        )
        .await;
    assert_eq!(invalid.status.as_u16(), 422);
    assert!(field_html(&text(&invalid), "title_vi").contains("field-error"));
    let saved = editor.post(&t, path, &fields).await;
    assert_eq!(saved.status.as_u16(), 303, "{}", text(&saved));
    assert_eq!(
        saved.headers["location"], "/en/dataset/muc-nuoc-nhap",
        "slug kept"
    );
    let page = text(
        &Browser::default()
            .get(&t, "/en/dataset/muc-nuoc-nhap")
            .await,
    );
    assert!(page.contains("Water levels, reviewed"), "published: {page}");
}
