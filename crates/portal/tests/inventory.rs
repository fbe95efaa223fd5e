//! The data inventory's pages through the real router, in both languages: the public list hides
//! state secrets and its filters and export links work; an item's "request this data" button
//! opens the request form filled in for it, and filing that form links the request to the item
//! as demand; the organization's editors create and edit items through the forms (refused
//! input shown next to its field), its admins delete them, others get 403; the spreadsheet
//! import reports the refused rows and imports the good ones; the prioritisation and the
//! publication plan show their items; the scorecard lists the overdue item as a violation.

use crate::common;

use common::desk::{DATASET, Desk, desk, signed_in};
use common::{Browser, ORG, csrf_of, text};
use dulieu_core::account::Actor;
use dulieu_core::vocab::Role;
use dulieu_i18n::{Locale, message};
use dulieu_testkit::{TestApp, TestResponse};
use serde_json::{Value, json};
use uuid::Uuid;

/// `text` as the templates escape it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

/// The catalog text of `key` in `locale` with `params`, as a page shows it.
fn shown(locale: Locale, key: &str, params: &[(&str, &str)]) -> String {
    escaped(&message(locale, key, params))
}

fn location(answer: &TestResponse) -> String {
    answer
        .header("location")
        .unwrap_or_else(|| panic!("no location: {}", text(answer)))
}

/// The items of the inventory world.
struct Items {
    /// Public, a quick win of low effort, past its target date: overdue.
    overdue: Uuid,
    /// Restricted, high effort, due in 2099.
    restricted: Uuid,
    /// A state secret: never shown to the public.
    secret: Uuid,
    /// Published (the desk's dataset), after its target date.
    published: Uuid,
}

/// Records an item of `ORG` through the API as the desk's editor.
async fn item(d: &Desk, body: Value) -> Uuid {
    let mut body = body;
    body["organization"] = json!(ORG);
    let created =
        d.t.post("/api/1/inventory", Some(&d.editor_token), body)
            .await;
    assert_eq!(created.status.as_u16(), 201, "{}", text(&created));
    Uuid::parse_str(created.json()["id"].as_str().expect("an id")).expect("a UUID")
}

/// The desk (a national organization with a published dataset, its editor, a citizen, the
/// portal team) with four inventory items.
async fn inventory_world() -> (Desk, Items) {
    let d = desk().await;
    let overdue = item(
        &d,
        json!({"title": {"vi": "Dân số theo tỉnh", "en": "Population by province"},
               "priority": "quick_win", "effort": "low", "status": "assessed",
               "sensitivity": "public", "target_date": "2024-01-31",
               "system_of_record": "csdlqg-dan-cu", "formats": ["xlsx", "pdf"]}),
    )
    .await;
    let restricted = item(
        &d,
        json!({"title": {"vi": "Hồ sơ thuế doanh nghiệp", "en": "Company tax records"},
               "priority": "priority", "effort": "high", "status": "in_preparation",
               "sensitivity": "restricted", "legal_basis": "Luật Quản lý thuế 2019",
               "target_date": "2099-12-31"}),
    )
    .await;
    let secret = item(
        &d,
        json!({"title": {"vi": "Bản đồ công trình quốc phòng", "en": "Defence works map"},
               "priority": "low_value", "status": "identified", "sensitivity": "state_secret",
               "legal_basis": "Luật Bảo vệ bí mật nhà nước 2018"}),
    )
    .await;
    let published = item(
        &d,
        json!({"title": {"vi": "Bảng giá đất", "en": "Land price tables"},
               "priority": "priority", "effort": "low", "status": "published",
               "sensitivity": "public", "dataset": DATASET, "target_date": "2020-01-01"}),
    )
    .await;
    (
        d,
        Items {
            overdue,
            restricted,
            secret,
            published,
        },
    )
}

/// GETs `path` as `browser`, expecting `status`; the page's HTML.
async fn page(t: &TestApp, browser: &mut Browser, path: &str, status: u16) -> String {
    let answer = browser.get(t, path).await;
    let html = text(&answer);
    assert_eq!(answer.status.as_u16(), status, "{path}: {html}");
    html
}

/// The part of `html` from `start` to the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start}: {html}"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_public_list_hides_state_secrets_and_its_filters_work() {
    let (d, items) = inventory_world().await;
    let t = &d.t;
    let mut visitor = Browser::default();
    let vi = page(t, &mut visitor, "/inventory", 200).await;
    for title in [
        "Dân số theo tỉnh",
        "Hồ sơ thuế doanh nghiệp",
        "Bảng giá đất",
    ] {
        assert!(vi.contains(title), "{title}: {vi}");
    }
    assert!(!vi.contains("Bản đồ công trình quốc phòng"), "{vi}");
    assert!(vi.contains(&shown(
        Locale::Vi,
        "portal.inventory.count",
        &[("count", "3")]
    )));
    // The overdue item says so in words; the demand column is there.
    assert!(
        vi.contains(&format!(
            "<strong class=\"badge badge-late\">{}</strong>",
            shown(Locale::Vi, "portal.inventory.overdue", &[])
        )),
        "{vi}"
    );
    assert!(vi.contains(&format!("href=\"/inventory/{}\"", items.overdue)));
    // The secret's page is not found for visitors, nor for a user outside the organization.
    page(
        t,
        &mut visitor,
        &format!("/inventory/{}", items.secret),
        404,
    )
    .await;
    let mut citizen = signed_in(t, &d.citizen).await;
    page(
        t,
        &mut citizen,
        &format!("/en/inventory/{}", items.secret),
        404,
    )
    .await;
    // Its organization's editor sees it.
    let mut editor = signed_in(t, &d.editor).await;
    let own = page(t, &mut editor, "/inventory", 200).await;
    assert!(own.contains("Bản đồ công trình quốc phòng"), "{own}");

    // English titles on the English page.
    let en = page(t, &mut visitor, "/en/inventory", 200).await;
    assert!(en.contains("Population by province") && en.contains("Company tax records"));
    assert!(!en.contains("Defence works map"), "{en}");
    assert!(en.contains("<html lang=\"en\">"));

    // Filters: overdue only, sensitivity, words without diacritics, organization.
    let overdue = page(t, &mut visitor, "/en/inventory?overdue=1", 200).await;
    assert!(overdue.contains("Population by province"), "{overdue}");
    assert!(
        !overdue.contains("Company tax records") && !overdue.contains("Land price tables"),
        "{overdue}"
    );
    assert!(
        overdue.contains("id=\"f-overdue\" name=\"overdue\" type=\"checkbox\" value=\"1\" checked")
    );
    // The exports and the template keep the filters and the page's language.
    assert!(
        overdue.contains("href=\"/api/1/inventory/export.csv?overdue=1&amp;lang=en\""),
        "{overdue}"
    );
    assert!(overdue.contains("href=\"/api/1/inventory/export.xlsx?overdue=1&amp;lang=en\""));
    assert!(overdue.contains("href=\"/api/1/inventory/template.xlsx?lang=en\""));
    let csv = t
        .get("/api/1/inventory/export.csv?overdue=1&lang=en", None)
        .await;
    assert_eq!(csv.status.as_u16(), 200);
    let csv = text(&csv);
    assert!(
        csv.contains("Dân số theo tỉnh") && !csv.contains("Bảng giá đất"),
        "{csv}"
    );

    let restricted = page(t, &mut visitor, "/inventory?sensitivity=restricted", 200).await;
    assert!(
        restricted.contains("Hồ sơ thuế doanh nghiệp"),
        "{restricted}"
    );
    assert!(!restricted.contains("Dân số theo tỉnh"), "{restricted}");
    let words = page(t, &mut visitor, "/inventory?q=thue+doanh", 200).await;
    assert!(words.contains("Hồ sơ thuế doanh nghiệp"), "{words}");
    assert!(!words.contains("Bảng giá đất"), "{words}");
    let published = page(
        t,
        &mut visitor,
        &format!("/inventory?organization={ORG}&status=published"),
        200,
    )
    .await;
    assert!(published.contains("Bảng giá đất") && !published.contains("Dân số theo tỉnh"));
    let none = page(t, &mut visitor, "/inventory?q=khong+co+gi+nhu+vay", 200).await;
    assert!(
        none.contains(&shown(Locale::Vi, "portal.inventory.none", &[])),
        "{none}"
    );
    // A value outside a vocabulary is a bad request; an unknown organization is not found.
    page(t, &mut visitor, "/inventory?status=done", 400).await;
    page(t, &mut visitor, "/inventory?organization=khong-co", 404).await;
    // The nav links the list.
    assert!(
        vi.contains("<a href=\"/inventory\">Kiểm kê dữ liệu</a>"),
        "{vi}"
    );
}

#[tokio::test]
async fn an_item_page_fills_in_the_request_form_and_the_filed_request_is_its_demand() {
    let (d, items) = inventory_world().await;
    let t = &d.t;
    let mut visitor = Browser::default();
    let html = page(
        t,
        &mut visitor,
        &format!("/en/inventory/{}", items.overdue),
        200,
    )
    .await;
    // Every field: the national database by its name, formats, priority, effort, sensitivity.
    for expected in [
        "<h1>Population by province</h1>",
        "National population database (csdlqg-dan-cu)",
        "XLSX, PDF",
        "Quick win",
        "Public",
        "Assessed",
        "2024-01-31",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    let request_href = format!("/en/requests/new?inventory_item={}", items.overdue);
    assert!(html.contains(&format!("href=\"{request_href}\"")), "{html}");
    assert!(html.contains(&shown(Locale::En, "portal.inventory.request_this", &[])));
    assert!(html.contains(&shown(
        Locale::En,
        "portal.inventory.demand_text",
        &[("requests", "0"), ("votes", "0")]
    )));
    // No edit link, no delete form for visitors.
    assert!(
        !html.contains("/edit\"") && !html.contains("name=\"confirm\""),
        "{html}"
    );
    // A restricted item shows its legal basis; a published one links its dataset and has no
    // request button.
    let restricted = page(
        t,
        &mut visitor,
        &format!("/inventory/{}", items.restricted),
        200,
    )
    .await;
    assert!(
        restricted.contains("Luật Quản lý thuế 2019"),
        "{restricted}"
    );
    let published = page(
        t,
        &mut visitor,
        &format!("/inventory/{}", items.published),
        200,
    )
    .await;
    assert!(
        published.contains(&format!("href=\"/dataset/{DATASET}\"")),
        "{published}"
    );
    assert!(
        !published.contains("/requests/new?inventory_item="),
        "{published}"
    );

    // The citizen follows the button: the form is filled in for the item, in English.
    let mut citizen = signed_in(t, &d.citizen).await;
    let form = page(t, &mut citizen, &request_href, 200).await;
    assert!(
        form.contains(
            "id=\"f-title\" name=\"title\" type=\"text\" value=\"Population by province\""
        ),
        "{form}"
    );
    assert!(
        form.contains(&format!(
            "name=\"suggested_organization\" type=\"text\" value=\"{ORG}\""
        )),
        "{form}"
    );
    let hidden = format!(
        "<input type=\"hidden\" name=\"inventory_item\" value=\"{}\">",
        items.overdue
    );
    assert!(form.contains(&hidden), "{form}");
    // In Vietnamese, the Vietnamese title.
    let form_vi = page(
        t,
        &mut citizen,
        &format!("/requests/new?inventory_item={}", items.overdue),
        200,
    )
    .await;
    assert!(form_vi.contains("value=\"Dân số theo tỉnh\""), "{form_vi}");
    // An unknown or hidden item leaves the form blank.
    let blank = page(
        t,
        &mut citizen,
        &format!("/requests/new?inventory_item={}", items.secret),
        200,
    )
    .await;
    assert!(!blank.contains("name=\"inventory_item\""), "{blank}");
    assert!(!blank.contains("Bản đồ"), "{blank}");
    let id = items.overdue.to_string();
    let filed = citizen
        .post(
            t,
            "/en/requests/new",
            &[
                ("csrf", &csrf_of(&form)),
                ("title", "Population by province"),
                ("description", "Per year since 2010, please."),
                ("suggested_organization", ORG),
                ("is_public", "1"),
                ("inventory_item", &id),
            ],
        )
        .await;
    assert_eq!(filed.status.as_u16(), 303, "{}", text(&filed));
    let request_path = location(&filed);
    assert!(request_path.starts_with("/en/requests/"), "{request_path}");

    // The request is the item's demand, listed on its page.
    let view = t
        .app
        .inventory_item(&Actor::anonymous(), items.overdue)
        .await
        .expect("the item");
    assert_eq!(view.item.demand.requests, 1);
    let html = page(
        t,
        &mut visitor,
        &format!("/en/inventory/{}", items.overdue),
        200,
    )
    .await;
    assert!(html.contains(&shown(
        Locale::En,
        "portal.inventory.demand_text",
        &[("requests", "1"), ("votes", "0")]
    )));
    assert!(html.contains(&format!("href=\"{request_path}\"")), "{html}");
    let list = page(t, &mut visitor, "/en/inventory", 200).await;
    assert!(
        list.contains(&shown(
            Locale::En,
            "portal.inventory.demand_value",
            &[("requests", "1"), ("votes", "0")]
        )),
        "{list}"
    );
}

#[tokio::test]
async fn editors_create_and_edit_items_admins_delete_them_and_others_are_refused() {
    let (d, _) = inventory_world().await;
    let t = &d.t;
    let new_path = format!("/organization/{ORG}/inventory/new");

    // Visitors are sent to sign in; users outside the organization get 403.
    let mut visitor = Browser::default();
    let answer = visitor.get(t, &new_path).await;
    assert_eq!(answer.status.as_u16(), 303);
    assert!(
        location(&answer).starts_with("/sign-in?next="),
        "{}",
        location(&answer)
    );
    let mut citizen = signed_in(t, &d.citizen).await;
    let refused = page(t, &mut citizen, &new_path, 403).await;
    assert!(refused.contains(&shown(Locale::Vi, "portal.error.denied.title", &[])));
    let csrf = csrf_of(&page(t, &mut citizen, "/requests/new", 200).await);
    let posted = citizen
        .post(
            t,
            &new_path,
            &[("csrf", &csrf), ("title_vi", "X"), ("priority", "priority")],
        )
        .await;
    assert_eq!(posted.status.as_u16(), 403, "{}", text(&posted));

    // The editor: the form, with the national databases offered.
    let mut editor = signed_in(t, &d.editor).await;
    let form = page(t, &mut editor, &format!("/en{new_path}"), 200).await;
    assert!(
        form.contains("<datalist id=\"national-databases\">"),
        "{form}"
    );
    assert!(form.contains("value=\"csdlqg-bao-hiem\" label=\"National insurance database\""));
    assert!(form.contains("type=\"date\""), "{form}");
    // Without the CSRF token: 403.
    let forged = editor
        .post(t, &new_path, &[("title_vi", "X"), ("priority", "priority")])
        .await;
    assert_eq!(forged.status.as_u16(), 403);
    // Refused: no title, restricted without a legal basis, a date that is not one.
    let csrf = csrf_of(&form);
    let refused = editor
        .post(
            t,
            &format!("/en{new_path}"),
            &[
                ("csrf", &csrf),
                ("title_vi", " "),
                ("description_vi", "Giữ lại khi hiện lại"),
                ("priority", "priority"),
                ("sensitivity", "restricted"),
                ("status", "identified"),
                ("target_date", "31/12/2026"),
            ],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 422, "{}", text(&refused));
    let html = text(&refused);
    assert!(html.contains("id=\"f-target_date-error-1\""), "{html}");
    assert!(
        html.contains(&shown(Locale::En, "violation.invalid_date", &[])),
        "{html}"
    );
    assert!(
        html.contains("Giữ lại khi hiện lại"),
        "typed text kept: {html}"
    );
    let refused = editor
        .post(
            t,
            &format!("/en{new_path}"),
            &[
                ("csrf", &csrf),
                ("title_vi", " "),
                ("priority", "priority"),
                ("sensitivity", "restricted"),
                ("status", "identified"),
            ],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 422, "{}", text(&refused));
    let html = text(&refused);
    assert!(html.contains("id=\"f-title_vi-error-1\""), "{html}");
    assert!(html.contains("id=\"f-legal_basis-error-1\""), "{html}");
    assert!(
        html.contains(&shown(Locale::En, "violation.legal_basis_required", &[])),
        "{html}"
    );
    assert!(html.contains("aria-invalid=\"true\""), "{html}");

    // Created, then shown.
    let created = editor
        .post(
            t,
            &new_path,
            &[
                ("csrf", &csrf),
                ("title_vi", "Sổ bộ hộ tịch"),
                ("title_en", "Civil status registers"),
                ("owning_unit", "Vụ Hộ tịch"),
                ("system_of_record", "csdlqg-dan-cu"),
                ("formats", "xlsx, oracle"),
                ("volume", "63 tỉnh"),
                ("frequency", "monthly"),
                ("sensitivity", "personal_data"),
                ("priority", "priority_longer_term"),
                ("effort", "medium"),
                ("target_date", "2027-06-30"),
                ("status", "assessed"),
                ("responsible", "ho-tich@example.vn"),
            ],
        )
        .await;
    assert_eq!(created.status.as_u16(), 303, "{}", text(&created));
    let item_path = location(&created);
    assert!(item_path.starts_with("/inventory/") && item_path.ends_with("?saved=1"));
    let html = page(t, &mut editor, &item_path, 200).await;
    for expected in [
        "Sổ bộ hộ tịch",
        "Vụ Hộ tịch",
        "Cơ sở dữ liệu quốc gia về dân cư (csdlqg-dan-cu)",
        "XLSX, ORACLE",
        "63 tỉnh",
        "Dữ liệu cá nhân",
        "Ưu tiên dài hạn",
        "Trung bình",
        "30/06/2027",
        "ho-tich@example.vn",
        "Đã lưu mục kiểm kê.",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    let id = item_path
        .trim_start_matches("/inventory/")
        .trim_end_matches("?saved=1")
        .to_string();
    // The editor may edit but not delete.
    assert!(
        html.contains(&format!("href=\"/inventory/{id}/edit\"")),
        "{html}"
    );
    assert!(!html.contains("name=\"confirm\""), "{html}");

    // Edit: the form holds the item; published without a dataset is refused at the dataset.
    let edit_path = format!("/inventory/{id}/edit");
    let form = page(t, &mut editor, &edit_path, 200).await;
    assert!(form.contains("value=\"Sổ bộ hộ tịch\"") && form.contains("value=\"2027-06-30\""));
    assert!(
        form.contains("<option value=\"monthly\" selected>"),
        "{form}"
    );
    let mut fields = vec![
        ("csrf", csrf_of(&form)),
        ("title_vi", "Sổ bộ hộ tịch".to_string()),
        ("priority", "priority_longer_term".to_string()),
        ("sensitivity", "personal_data".to_string()),
        ("status", "published".to_string()),
    ];
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = editor.post(t, &edit_path, &borrowed).await;
    assert_eq!(refused.status.as_u16(), 422, "{}", text(&refused));
    let html = text(&refused);
    assert!(html.contains("id=\"f-dataset-error-1\""), "{html}");
    assert!(html.contains(&shown(Locale::Vi, "violation.published_needs_dataset", &[])));
    fields.push(("dataset", DATASET.to_string()));
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = editor.post(t, &edit_path, &borrowed).await;
    assert_eq!(saved.status.as_u16(), 303, "{}", text(&saved));
    let html = page(t, &mut editor, &location(&saved), 200).await;
    assert!(
        html.contains(&format!("href=\"/dataset/{DATASET}\"")),
        "{html}"
    );
    assert!(
        !html.contains("/requests/new?inventory_item="),
        "published: {html}"
    );

    // Someone else may not edit it (403), the editor may not delete it (403).
    page(t, &mut citizen, &edit_path, 403).await;
    let delete = format!("/inventory/{id}/delete");
    let csrf = csrf_of(&html);
    let answer = editor
        .post(t, &delete, &[("csrf", &csrf), ("confirm", "1")])
        .await;
    assert_eq!(answer.status.as_u16(), 403, "{}", text(&answer));

    // The organization's admin deletes it, once the box is ticked.
    let (admin, _) = t.user("quan-tri-to-chuc@gso.test", false).await;
    t.grant(ORG, &admin.email, Role::Admin).await;
    let mut admin = signed_in(t, &admin.email).await;
    let html = page(t, &mut admin, &format!("/en/inventory/{id}"), 200).await;
    assert!(html.contains("name=\"confirm\""), "{html}");
    let csrf = csrf_of(&html);
    let unconfirmed = admin
        .post(t, &format!("/en{delete}"), &[("csrf", &csrf)])
        .await;
    assert_eq!(unconfirmed.status.as_u16(), 422);
    assert!(text(&unconfirmed).contains(&shown(
        Locale::En,
        "portal.inventory.confirm_required",
        &[]
    )));
    let deleted = admin
        .post(
            t,
            &format!("/en{delete}"),
            &[("csrf", &csrf), ("confirm", "1")],
        )
        .await;
    assert_eq!(deleted.status.as_u16(), 303, "{}", text(&deleted));
    assert_eq!(
        location(&deleted),
        format!("/en/organization/{ORG}/inventory?deleted=1")
    );
    let html = page(t, &mut admin, &location(&deleted), 200).await;
    assert!(html.contains(&shown(Locale::En, "portal.inventory.deleted", &[])));
    page(t, &mut admin, &format!("/inventory/{id}"), 404).await;
}

/// A CSV with one good row and three refused ones (lines 3, 4 and 5).
const CSV: &str = "title_vi,title_en,priority,sensitivity,target_date,legal_basis\n\
Thống kê lao động,Labour statistics,priority,public,2027-06-30,\n\
Dữ liệu hạn chế,Restricted data,priority,restricted,,\n\
Không ưu tiên,No priority,,public,,\n\
Ngày sai,Bad date,quick_win,public,31/02/2026,\n";

#[tokio::test]
async fn the_import_reports_refused_rows_and_imports_the_good_ones() {
    let (d, _) = inventory_world().await;
    let t = &d.t;
    let path = format!("/organization/{ORG}/inventory/import");
    let mut citizen = signed_in(t, &d.citizen).await;
    page(t, &mut citizen, &path, 403).await;

    let mut editor = signed_in(t, &d.editor).await;
    let form = page(t, &mut editor, &format!("/en{path}"), 200).await;
    assert!(form.contains("enctype=\"multipart/form-data\""), "{form}");
    // The documented columns and the template in both languages.
    assert!(form.contains("Title (Vietnamese)") && form.contains("<code>title_vi</code>"));
    assert!(form.contains("Required (or the English title); at most 500 characters."));
    assert!(form.contains("href=\"/api/1/inventory/template.xlsx?lang=vi\""));
    assert!(form.contains("href=\"/api/1/inventory/template.xlsx?lang=en\""));
    let csrf = csrf_of(&form);

    // Without the token, nothing is read: 403.
    let forged = editor
        .post_multipart(t, &path, &[], Some(("kiem-ke.csv", CSV.as_bytes())))
        .await;
    assert_eq!(forged.status.as_u16(), 403);
    // A file that is no spreadsheet is refused at the file input.
    let pdf = editor
        .post_multipart(
            t,
            &format!("/en{path}"),
            &[("csrf", &csrf)],
            Some(("bao-cao.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".as_slice())),
        )
        .await;
    assert_eq!(pdf.status.as_u16(), 422, "{}", text(&pdf));
    let html = text(&pdf);
    assert!(html.contains("id=\"f-file-error\""), "{html}");
    assert!(
        html.contains(&shown(Locale::En, "error.sheet_unsupported_format", &[])),
        "{html}"
    );
    // No file at all.
    let missing = editor
        .post_multipart(t, &path, &[("csrf", &csrf)], None)
        .await;
    assert_eq!(missing.status.as_u16(), 422, "{}", text(&missing));
    assert!(text(&missing).contains(&shown(Locale::Vi, "violation.no_file", &[])));

    // The CSV: one item created, three rows refused with their column and problem.
    let answer = editor
        .post_multipart(
            t,
            &format!("/en{path}"),
            &[("csrf", &csrf)],
            Some(("kiem-ke.csv", CSV.as_bytes())),
        )
        .await;
    assert_eq!(answer.status.as_u16(), 200, "{}", text(&answer));
    let html = text(&answer);
    assert!(
        html.contains(&shown(
            Locale::En,
            "portal.inventory.report_summary",
            &[
                ("created", "1"),
                ("updated", "0"),
                ("unchanged", "0"),
                ("refused", "3")
            ]
        )),
        "{html}"
    );
    let table = between(&html, "<caption>Rows with problems</caption>", "</table>");
    for (row, column, code, value) in [
        (3, "Legal basis", "violation.legal_basis_required", None),
        (4, "Priority", "violation.required", None),
        (
            5,
            "Target date",
            "violation.invalid_date",
            Some("31/02/2026"),
        ),
    ] {
        let cells = format!(
            "<tr><td class=\"num\">{row}</td><td>{column}</td><td>{}</td><td>{}</td></tr>",
            shown(Locale::En, code, &[]),
            value.map_or("—".to_string(), |v| format!("<code>{v}</code>"))
        );
        assert!(table.contains(&cells), "{cells}: {table}");
    }
    assert!(!table.contains("Labour statistics"), "{table}");
    // In Vietnamese, the column's Vietnamese header.
    let answer = editor
        .post_multipart(
            t,
            &path,
            &[("csrf", &csrf)],
            Some(("kiem-ke.csv", CSV.as_bytes())),
        )
        .await;
    let html = text(&answer);
    assert!(html.contains("<td>Căn cứ pháp lý</td>"), "{html}");
    // The good row is an item of the organization (the second import created it again).
    let listed = page(
        t,
        &mut editor,
        &format!("/organization/{ORG}/inventory"),
        200,
    )
    .await;
    assert!(listed.contains("Thống kê lao động"), "{listed}");
    assert!(
        !listed.contains("Ngày sai") && !listed.contains("Dữ liệu hạn chế"),
        "{listed}"
    );
}

#[tokio::test]
async fn the_priorities_and_the_plan_show_their_items() {
    let (d, items) = inventory_world().await;
    let t = &d.t;
    let mut visitor = Browser::default();
    for path in [
        "/en/inventory/priorities",
        &format!("/en/inventory/priorities?organization={ORG}"),
    ] {
        let html = page(t, &mut visitor, path, 200).await;
        // The value formula, explained.
        assert!(html.contains(&shown(Locale::En, "portal.inventory.value_formula", &[])));
        // Quick win of low effort: a quick win; priority of high effort: a major project.
        let quick = between(&html, "id=\"q-quick_win-h\"", "</section>");
        assert!(quick.contains("Population by province"), "{quick}");
        assert!(!quick.contains("Company tax records"), "{quick}");
        let major = between(&html, "id=\"q-major_project-h\"", "</section>");
        assert!(major.contains("Company tax records"), "{major}");
        // The secret is the public's to see neither there nor ranked; the published item is
        // not waiting.
        let unassessed = between(&html, "id=\"q-unassessed-h\"", "</section>");
        assert!(!unassessed.contains("Defence works map"), "{unassessed}");
        let ranked = between(&html, "<caption>Items not yet published", "</table>");
        let first = ranked.find("Population by province").expect("ranked");
        let second = ranked.find("Company tax records").expect("ranked");
        assert!(first < second, "{ranked}");
        assert!(!ranked.contains("Land price tables"), "{ranked}");
    }

    // The plan: the timeline as an image with its title, today, the table beside it.
    let html = page(
        t,
        &mut visitor,
        &format!("/organization/{ORG}/inventory"),
        200,
    )
    .await;
    assert!(
        html.contains("class=\"inventory-timeline\" role=\"img\""),
        "{html}"
    );
    assert!(html.contains("aria-labelledby=\"plan-timeline-title plan-timeline-desc\""));
    assert!(
        html.contains("<title id=\"plan-timeline-title\">"),
        "{html}"
    );
    assert!(html.contains(&format!(
        ">{}</text>",
        shown(Locale::Vi, "portal.inventory.today", &[])
    )));
    let table = between(
        &html,
        "<caption>Các mục theo ngày dự kiến công bố",
        "</table>",
    );
    let overdue_row = between(table, &format!("/inventory/{}", items.overdue), "</tr>");
    assert!(overdue_row.contains("31/01/2024") && overdue_row.contains("Quá hạn"));
    assert!(table.contains("Hồ sơ thuế doanh nghiệp") && table.contains("Bảng giá đất"));
    // Timeliness: two due (one late, one overdue), none on time.
    let cards = between(&html, "class=\"score-cards inventory-timeliness\"", "</dl>");
    let value = |label: &str| {
        between(cards, &format!("<dt>{label}</dt>"), "</dd>")
            .rsplit('>')
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(value("Đã đến hạn"), "2", "{cards}");
    assert_eq!(value("Công bố trễ hạn"), "1", "{cards}");
    assert_eq!(value("Quá hạn, chưa công bố"), "1", "{cards}");
    assert_eq!(value("Tỷ lệ đúng hạn"), "0%", "{cards}");
    // Visitors have no editing buttons; the editor has "add" and "import".
    assert!(
        !html.contains(&format!("/organization/{ORG}/inventory/new")),
        "{html}"
    );
    let mut editor = signed_in(t, &d.editor).await;
    let own = page(
        t,
        &mut editor,
        &format!("/en/organization/{ORG}/inventory"),
        200,
    )
    .await;
    assert!(own.contains(&format!("href=\"/en/organization/{ORG}/inventory/new\"")));
    assert!(own.contains(&format!("href=\"/en/organization/{ORG}/inventory/import\"")));
    // The organization's page links the plan.
    let organization = page(t, &mut visitor, &format!("/organization/{ORG}"), 200).await;
    assert!(
        organization.contains(&format!("href=\"/organization/{ORG}/inventory\"")),
        "{organization}"
    );
}

#[tokio::test]
async fn the_scorecard_lists_overdue_items_as_violations() {
    let (d, items) = inventory_world().await;
    let t = &d.t;
    let mut visitor = Browser::default();
    for (prefix, locale) in [("", Locale::Vi), ("/en", Locale::En)] {
        let html = page(
            t,
            &mut visitor,
            &format!("{prefix}/organization/{ORG}/quality"),
            200,
        )
        .await;
        let section = between(&html, "id=\"inventory-h\"", "</section>");
        assert!(
            section.contains(&shown(locale, "check.inventory.overdue.title", &[])),
            "{section}"
        );
        assert!(
            section.contains(&shown(locale, "check.inventory.overdue.fix", &[])),
            "{section}"
        );
        assert!(
            section.contains("<code>inventory.overdue</code>"),
            "{section}"
        );
        assert!(
            section.contains(&format!("href=\"{prefix}/inventory/{}\"", items.overdue)),
            "{section}"
        );
        let days = (chrono::Utc::now().date_naive()
            - chrono::NaiveDate::from_ymd_opt(2024, 1, 31).expect("a date"))
        .num_days()
        .to_string();
        let date = if locale == Locale::En {
            "2024-01-31"
        } else {
            "31/01/2024"
        };
        assert!(
            section.contains(&shown(
                locale,
                "portal.inventory.days_late",
                &[("days", &days), ("date", date)]
            )),
            "{section}"
        );
        // Only the overdue item is a violation.
        assert!(
            !section.contains(&items.restricted.to_string()),
            "{section}"
        );
        assert!(
            section.contains(&format!("href=\"{prefix}/organization/{ORG}/inventory\"")),
            "{section}"
        );
    }
}
