//! Data inventories through the API: who may record, change and delete items; state secrets
//! hidden from the public; the rules of a published or refused item; filters; demand from data
//! requests filed with "request this"; the spreadsheet round trip (CSV and XLSX) and a messy
//! agency file with its row errors; prioritisation, the publication plan, the scorecard's
//! `inventory.overdue` violations and the live indicators fed by the inventory and the watchdog.

use axum::http::Method;
use chrono::{Duration, Utc};

use crate::support::*;

/// Keys of an item.
const ITEM_KEYS: &[&str] = &[
    "id",
    "organization",
    "organization_id",
    "title",
    "description",
    "owning_unit",
    "system_of_record",
    "formats",
    "volume",
    "frequency",
    "sensitivity",
    "legal_basis",
    "priority",
    "effort",
    "target_date",
    "status",
    "dataset",
    "reason",
    "responsible",
    "demand",
    "overdue",
    "created",
    "modified",
];

/// A day relative to today, as the API writes dates.
fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset)).to_string()
}

fn item_body(title: &str, extra: Value) -> Value {
    let mut body = json!({
        "organization": ORG,
        "title": {"vi": title},
        "priority": "priority",
        "status": "identified",
        "sensitivity": "public",
    });
    for (k, v) in extra.as_object().expect("object") {
        body[k] = v.clone();
    }
    body
}

async fn create(w: &World, title: &str, extra: Value) -> Value {
    ok(
        &w.t.post("/api/1/inventory", w.editor.auth(), item_body(title, extra))
            .await,
        201,
    )
}

#[tokio::test]
async fn editors_record_items_and_only_admins_delete_them() {
    let w = World::new().await;
    let created = create(
        &w,
        "  Niên giám thống kê  ",
        json!({"formats": ["xlsx", " pdf", "XLSX"], "frequency": "annual", "effort": "low",
               "system_of_record": "csdlqg-thong-ke-dan-so", "target_date": day(30)}),
    )
    .await;
    // Absent fields are null; `dataset_id` and `published_on` appear once there is one.
    assert_keys(&created, ITEM_KEYS);
    assert_eq!(created["title"]["vi"], "Niên giám thống kê");
    assert_eq!(created["formats"], json!(["XLSX", "PDF"]));
    assert_eq!(created["organization"], ORG);
    assert_eq!(created["demand"], json!({"requests": 0, "votes": 0}));
    assert_eq!(created["overdue"], false);
    let id = uuid_of(&created["id"]);

    for (who, status, code) in [
        (None, 401, "unauthenticated"),
        (w.member.auth(), 403, "forbidden"),
        (w.outsider.auth(), 403, "forbidden"),
    ] {
        error(
            &w.t.post("/api/1/inventory", who, item_body("X", json!({})))
                .await,
            status,
            code,
        );
        error(
            &w.t.patch(
                &format!("/api/1/inventory/{id}"),
                who,
                json!({"status": "assessed"}),
            )
            .await,
            status,
            code,
        );
    }
    error(
        &w.t.post(
            "/api/1/inventory",
            w.editor.auth(),
            item_body("X", json!({"organization": "khong-co"})),
        )
        .await,
        404,
        "not_found",
    );

    let read = ok(&w.t.get(&format!("/api/1/inventory/{id}"), None).await, 200);
    assert_eq!(read["item"], created);
    assert_eq!(read["requests"], json!([]));
    assert_eq!(read["can_edit"], false, "anonymous");
    let read = ok(
        &w.t.get(&format!("/api/1/inventory/{id}"), w.editor.auth())
            .await,
        200,
    );
    assert_eq!(read["can_edit"], true);

    error(
        &w.t.delete(&format!("/api/1/inventory/{id}"), w.editor.auth())
            .await,
        403,
        "forbidden",
    );
    status(
        &w.t.delete(&format!("/api/1/inventory/{id}"), w.admin.auth())
            .await,
        204,
    );
    error(
        &w.t.get(&format!("/api/1/inventory/{id}"), None).await,
        404,
        "not_found",
    );
    let history = ok(&w.t.get("/api/1/inventory", w.admin.auth()).await, 200);
    assert_eq!(history["total"], 0);
}

#[tokio::test]
async fn status_and_sensitivity_rules_name_their_fields() {
    let w = World::new().await;
    let bad = w
        .t
        .post(
            "/api/1/inventory",
            w.editor.auth(),
            item_body(
                "",
                json!({"sensitivity": "state_secret", "status": "published", "frequency": "sometimes"}),
            ),
        )
        .await;
    invalid(
        &bad,
        &[
            ("title", "required"),
            ("legal_basis", "legal_basis_required"),
            ("dataset", "published_needs_dataset"),
            ("status", "secret_not_publishable"),
            ("frequency", "invalid_frequency"),
        ],
    );
    invalid(
        &w.t.post(
            "/api/1/inventory",
            w.editor.auth(),
            item_body("A", json!({"status": "will_not_publish"})),
        )
        .await,
        &[("reason", "reason_required")],
    );
    invalid(
        &w.t.post(
            "/api/1/inventory",
            w.editor.auth(),
            item_body("A", json!({"colour": "blue"})),
        )
        .await,
        &[("colour", "unknown_field")],
    );

    // Published needs a dataset of the same organization; the day it became published stays.
    let item = create(&w, "Dân số", json!({})).await;
    let id = uuid_of(&item["id"]);
    let theirs = ok(
        &w.t.post(
            "/api/1/datasets",
            w.outsider.auth(),
            json!({"slug": "cua-hoi", "title": {"vi": "Của hội", "en": "Theirs"}, "publisher": OTHER_ORG}),
        )
        .await,
        201,
    );
    invalid(
        &w.t.patch(
            &format!("/api/1/inventory/{id}"),
            w.editor.auth(),
            json!({"status": "published", "dataset": theirs["slug"]}),
        )
        .await,
        &[("dataset", "unknown_dataset")],
    );
    w.dataset("dan-so", "published", "public").await;
    let published = ok(
        &w.t.patch(
            &format!("/api/1/inventory/{id}"),
            w.editor.auth(),
            json!({"status": "published", "dataset": "dan-so"}),
        )
        .await,
        200,
    );
    assert_eq!(published["published_on"], day(0));
    assert_eq!(published["dataset"], "dan-so");
    let again = ok(
        &w.t.patch(
            &format!("/api/1/inventory/{id}"),
            w.editor.auth(),
            json!({"volume": "63 tỉnh"}),
        )
        .await,
        200,
    );
    assert_eq!(again["published_on"], day(0));
    assert_eq!(again["volume"], "63 tỉnh");
}

#[tokio::test]
async fn state_secrets_are_listed_only_to_their_holders() {
    let w = World::new().await;
    create(&w, "Bản đồ địa hình", json!({})).await;
    let secret = create(
        &w,
        "Bản đồ quân sự",
        json!({"sensitivity": "state_secret", "legal_basis": "Luật Bảo vệ bí mật nhà nước 2018"}),
    )
    .await;
    let id = uuid_of(&secret["id"]);
    for (who, total) in [
        (None, 1),
        (w.outsider.auth(), 1),
        (w.member.auth(), 2),
        (w.sysadmin.auth(), 2),
    ] {
        let list = ok(&w.t.get("/api/1/inventory", who).await, 200);
        assert_eq!(list["total"], total);
    }
    error(
        &w.t.get(&format!("/api/1/inventory/{id}"), w.outsider.auth())
            .await,
        404,
        "not_found",
    );
    ok(
        &w.t.get(&format!("/api/1/inventory/{id}"), w.member.auth())
            .await,
        200,
    );
    // Nor can a data request be filed for it by someone who may not see it.
    invalid(
        &w.t.post(
            "/api/1/requests",
            w.outsider.auth(),
            json!({"title": "Bản đồ", "description": "Xin bản đồ", "inventory_item": id}),
        )
        .await,
        &[("inventory_item", "unknown_inventory_item")],
    );
}

#[tokio::test]
async fn lists_filter_sort_and_page() {
    let w = World::new().await;
    create(
        &w,
        "Giá đất",
        json!({"priority": "quick_win", "target_date": day(-10)}),
    )
    .await;
    create(
        &w,
        "Dân số",
        json!({"priority": "low_value", "target_date": day(20)}),
    )
    .await;
    create(
        &w,
        "Bảng lương",
        json!({"sensitivity": "personal_data", "status": "will_not_publish", "reason": "Dữ liệu cá nhân", "target_date": day(-30)}),
    )
    .await;
    let titles = |list: &Value| -> Vec<String> {
        list["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"]["vi"].as_str().unwrap().to_string())
            .collect()
    };
    let cases = [
        ("", vec!["Bảng lương", "Dân số", "Giá đất"]),
        ("?sort=target_date", vec!["Bảng lương", "Giá đất", "Dân số"]),
        ("?overdue=true", vec!["Giá đất"]),
        ("?priority=quick_win", vec!["Giá đất"]),
        ("?sensitivity=personal_data", vec!["Bảng lương"]),
        ("?status=will_not_publish", vec!["Bảng lương"]),
        ("?q=GIA%20DAT", vec!["Giá đất"]),
        ("?organization=hoi-du-lieu-mo", vec![]),
    ];
    for (query, expected) in cases {
        let list = ok(
            &w.t.get(&format!("/api/1/inventory{query}"), None).await,
            200,
        );
        assert_eq!(titles(&list), expected, "{query}");
    }
    let list = ok(&w.t.get("/api/1/inventory?overdue=1", None).await, 200);
    assert_eq!(list["results"][0]["overdue"], true);
    let paged = ok(
        &w.t.get("/api/1/inventory?page=2&page_size=2", None).await,
        200,
    );
    assert_eq!(page(&paged, 3, 2, 2).len(), 1);
    for (query, field) in [
        ("?status=done", "status"),
        ("?priority=urgent", "priority"),
        ("?sensitivity=secret", "sensitivity"),
        ("?sort=votes", "sort"),
        ("?overdue=maybe", "overdue"),
        ("?page_size=5000", "page_size"),
    ] {
        let response = w.t.get(&format!("/api/1/inventory{query}"), None).await;
        let body = error(&response, 422, "invalid_input");
        assert!(body["error"]["fields"][field].is_array(), "{query}: {body}");
    }
    error(
        &w.t.get("/api/1/inventory?organization=khong-co", None)
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn requesting_an_item_links_the_request_as_demand() {
    let w = World::new().await;
    let item = create(&w, "Chỉ số giá tiêu dùng theo tỉnh", json!({})).await;
    let id = uuid_of(&item["id"]);
    let citizen = person(&w.t, "dan@example.vn", false).await;
    let request = ok(
        &w.t.post(
            "/api/1/requests",
            citizen.auth(),
            json!({"title": "CPI theo tỉnh", "description": "Xin số liệu CPI theo tỉnh", "inventory_item": id}),
        )
        .await,
        201,
    );
    assert_eq!(
        request["suggested_organization_id"], item["organization_id"],
        "the item's holder is suggested"
    );
    let request_id = uuid_of(&request["id"]);
    let voter = person(&w.t, "ung-ho@example.vn", false).await;
    ok(
        &w.t.send(
            Method::PUT,
            &format!("/api/1/requests/{request_id}/vote"),
            voter.auth(),
            None,
        )
        .await,
        200,
    );
    let read = ok(&w.t.get(&format!("/api/1/inventory/{id}"), None).await, 200);
    assert_eq!(read["item"]["demand"], json!({"requests": 1, "votes": 1}));
    assert_eq!(read["requests"][0]["id"], request["id"]);

    // The holder's editors link and unlink other requests.
    let other = ok(
        &w.t.post(
            "/api/1/requests",
            voter.auth(),
            json!({"title": "CPI 2025", "description": "CPI năm 2025"}),
        )
        .await,
        201,
    );
    let link = format!("/api/1/inventory/{id}/requests/{}", uuid_of(&other["id"]));
    error(
        &w.t.send(Method::PUT, &link, w.outsider.auth(), None).await,
        403,
        "forbidden",
    );
    let linked = ok(
        &w.t.send(Method::PUT, &link, w.editor.auth(), None).await,
        200,
    );
    assert_eq!(linked["item"]["demand"]["requests"], 2);
    let unlinked = ok(&w.t.delete(&link, w.editor.auth()).await, 200);
    assert_eq!(unlinked["item"]["demand"]["requests"], 1);
}

/// Imports `bytes` into `ORG` as the editor.
async fn import(w: &World, bytes: Vec<u8>, content_type: &str, name: &str) -> Value {
    let response =
        w.t.call(raw(
            Method::POST,
            &format!("/api/1/organizations/{ORG}/inventory/import?file_name={name}"),
            w.editor.auth(),
            Some(content_type),
            bytes,
        ))
        .await;
    ok(&response, 200)
}

async fn export(w: &World, extension: &str) -> Vec<u8> {
    let response =
        w.t.get(
            &format!("/api/1/inventory/export.{extension}?organization={ORG}"),
            w.editor.auth(),
        )
        .await;
    assert_eq!(code(&response), 200, "{}", text(&response));
    response.body.to_vec()
}

#[tokio::test]
async fn spreadsheets_round_trip_and_bad_rows_are_reported() {
    let w = World::new().await;
    w.dataset("ngan-sach", "published", "public").await;
    create(
        &w,
        "Ngân sách, \"quyết toán\"",
        json!({"title": {"vi": "Ngân sách, \"quyết toán\"", "en": "Budget\nfinal accounts"},
               "status": "published", "dataset": "ngan-sach", "formats": ["XLSX", "PDF"],
               "target_date": day(-3), "effort": "medium", "frequency": "annual"}),
    )
    .await;
    create(
        &w,
        "Đất đai",
        json!({"sensitivity": "restricted", "legal_basis": "Luật Đất đai 2024", "priority": "priority_longer_term",
               "responsible": "Phòng dữ liệu", "owning_unit": "Cục Đo đạc"}),
    )
    .await;
    let before = ok(&w.t.get("/api/1/inventory", w.editor.auth()).await, 200);

    for (extension, content_type) in [
        ("csv", "text/csv"),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let bytes = export(&w, extension).await;
        let report = import(&w, bytes, content_type, &format!("kiem-ke.{extension}")).await;
        assert_eq!(
            (&report["created"], &report["updated"], &report["unchanged"]),
            (&json!(0), &json!(0), &json!(2)),
            "{extension}: {report}"
        );
        assert_eq!(report["errors"], json!([]), "{extension}");
        let after = ok(&w.t.get("/api/1/inventory", w.editor.auth()).await, 200);
        assert_eq!(after, before, "{extension}: nothing changed");
    }

    // An edited export updates the item it names and creates the new row.
    let csv = String::from_utf8(export(&w, "csv").await).unwrap();
    let edited = csv.replace("Phòng dữ liệu", "Phòng CNTT");
    let header = edited.lines().next().unwrap().to_string();
    let columns = header.trim_start_matches('\u{feff}').split(',').count();
    let mut new_row = vec![String::new(); columns];
    let position = |key: &str| {
        header
            .trim_start_matches('\u{feff}')
            .split(',')
            .position(|c| c == key)
            .unwrap()
    };
    new_row[position("title_vi")] = "Giá nhà ở".into();
    new_row[position("priority")] = "quick_win".into();
    let with_new = format!("{}{}\r\n", edited, new_row.join(","));
    let report = import(&w, with_new.into_bytes(), "text/csv", "kiem-ke.csv").await;
    assert_eq!(
        (&report["created"], &report["updated"], &report["unchanged"]),
        (&json!(1), &json!(1), &json!(1)),
        "{report}"
    );
    let list = ok(
        &w.t.get("/api/1/inventory?q=phong%20cntt", w.editor.auth())
            .await,
        200,
    );
    assert_eq!(list["total"], 1);

    // Rows naming another organization, an unknown dataset or a bad date are refused; the rest
    // is imported.
    let bad = format!(
        "title_vi,priority,organization,dataset,target_date\r\n\
         Tốt,priority,{ORG},,2027-01-31\r\n\
         Sai tổ chức,priority,{OTHER_ORG},,\r\n\
         Sai bộ dữ liệu,priority,,khong-co,\r\n\
         Sai ngày,priority,,,31/02/2027\r\n\
         ,priority,,,\r\n\
         Theo tên,priority,TỔ CHỨC TONG-CUC-THONG-KE,,\r\n"
    );
    let report = import(&w, bad.into_bytes(), "text/csv", "bad.csv").await;
    assert_eq!(
        report["created"], 2,
        "the organization named by its name too: {report}"
    );
    let errors: Vec<(i64, String, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["column"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (3, "organization".into(), "organization_mismatch".into()),
            (4, "dataset".into(), "unknown_dataset".into()),
            (5, "target_date".into(), "invalid_date".into()),
            (6, "title_vi".into(), "required".into()),
        ]
    );

    // Not a spreadsheet; not allowed.
    error(
        &w.t.call(raw(
            Method::POST,
            &format!("/api/1/organizations/{ORG}/inventory/import"),
            w.editor.auth(),
            Some("application/octet-stream"),
            vec![0_u8, 159, 146, 150, 0, 1],
        ))
        .await,
        400,
        "sheet_unsupported_format",
    );
    error(
        &w.t.call(raw(
            Method::POST,
            &format!("/api/1/organizations/{ORG}/inventory/import"),
            w.outsider.auth(),
            Some("text/csv"),
            "title_vi,priority\r\nA,priority\r\n",
        ))
        .await,
        403,
        "forbidden",
    );
}

#[tokio::test]
async fn the_messy_agency_file_reports_each_bad_row() {
    let w = World::new().await;
    // The fixture is the Ministry of Finance's file: two title rows, a merged two-row header in
    // Vietnamese, the organization merged down several rows, blank rows and a footnote.
    w.t.organization("bo-tai-chinh", dulieu_core::vocab::OrgKind::National)
        .await;
    w.t.grant(
        "bo-tai-chinh",
        &w.editor.email,
        dulieu_core::vocab::Role::Editor,
    )
    .await;
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../inventory/testdata/kiem-ke-du-lieu-messy.xlsx"
    ))
    .expect("the messy fixture");
    let response =
        w.t.call(raw(
            Method::POST,
            "/api/1/organizations/bo-tai-chinh/inventory/import",
            w.editor.auth(),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            bytes,
        ))
        .await;
    let report = ok(&response, 200);
    let errors: Vec<(i64, &str, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["column"].as_str().unwrap(),
                e["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (8, "legal_basis", "legal_basis_required"),
            (12, "target_date", "invalid_date"),
            (13, "priority", "invalid_value"),
            (16, "priority", "required"),
        ],
        "{report}"
    );
    assert_eq!(report["ignored_columns"], json!(["STT", "Ghi chú"]));
    let created = report["created"].as_u64().unwrap();
    assert_eq!(created, 4, "rows 7, 9, 14 and 15: {report}");
    let list = ok(
        &w.t.get(
            "/api/1/inventory?organization=bo-tai-chinh",
            w.editor.auth(),
        )
        .await,
        200,
    );
    assert_eq!(list["total"].as_u64().unwrap(), created);
}

#[tokio::test]
async fn the_template_downloads_in_both_languages() {
    let w = World::new().await;
    for lang in ["vi", "en"] {
        let response =
            w.t.get(&format!("/api/1/inventory/template.xlsx?lang={lang}"), None)
                .await;
        assert_eq!(code(&response), 200);
        assert_eq!(
            response.header("content-type").as_deref(),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        assert!(response.body.starts_with(b"PK"));
        // The blank template imports as nothing.
        let report = import(
            &w,
            response.body.to_vec(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "mau.xlsx",
        )
        .await;
        assert_eq!(
            (&report["created"], &report["errors"]),
            (&json!(0), &json!([]))
        );
    }
}

#[tokio::test]
async fn priorities_plans_scorecards_and_indicators_follow_the_inventory() {
    let w = World::new().await;
    create(
        &w,
        "Đăng ký doanh nghiệp",
        json!({"priority": "quick_win", "effort": "low", "target_date": day(-40)}),
    )
    .await;
    create(
        &w,
        "Đất đai",
        json!({"priority": "priority", "effort": "high", "target_date": day(60)}),
    )
    .await;
    create(
        &w,
        "Thời tiết",
        json!({"priority": "low_value", "effort": "low"}),
    )
    .await;
    w.dataset("dan-so", "published", "public").await;
    create(
        &w,
        "Dân số",
        json!({"status": "published", "dataset": "dan-so", "target_date": day(10)}),
    )
    .await;

    let priorities = ok(&w.t.get("/api/1/inventory/priorities", None).await, 200);
    let ranked: Vec<(&str, &str)> = priorities["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["item"]["title"]["vi"].as_str().unwrap(),
                r["quadrant"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ranked,
        [
            ("Đăng ký doanh nghiệp", "quick_win"),
            ("Đất đai", "major_project"),
            ("Thời tiết", "fill_in"),
        ]
    );
    assert_eq!(priorities["quadrants"]["quick_win"], 1);
    assert_eq!(priorities["quadrants"]["reconsider"], 0);

    let plan = ok(
        &w.t.get(&format!("/api/1/organizations/{ORG}/inventory/plan"), None)
            .await,
        200,
    );
    let dated: Vec<&str> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"]["vi"].as_str().unwrap())
        .collect();
    assert_eq!(dated, ["Đăng ký doanh nghiệp", "Dân số", "Đất đai"]);
    assert_eq!(plan["undated"], 1);
    assert_eq!(
        plan["timeliness"],
        json!({"due": 2, "on_time": 1, "late": 0, "overdue": 1})
    );

    let scorecard = ok(
        &w.t.get(&format!("/api/1/organizations/{ORG}/quality"), None)
            .await,
        200,
    );
    let overdue = scorecard["inventory"]["overdue"].as_array().unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["title"]["vi"], "Đăng ký doanh nghiệp");
    assert_eq!(overdue[0]["days_late"], 40);
    assert!(scorecard["violations"].as_i64().unwrap() >= 1);

    let indicators = ok(&w.t.get("/api/1/indicators", None).await, 200);
    let on_time = indicators
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "inventory_on_time")
        .expect("the inventory indicator");
    assert_eq!(on_time["figure"]["value"], 50.0);
    assert_eq!(
        (&on_time["figure"]["part"], &on_time["figure"]["out_of"]),
        (&json!(1), &json!(2))
    );
    let stars = indicators
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "median_stars")
        .expect("the median stars indicator");
    assert_eq!(stars["figure"]["unit"], "stars");
    assert_eq!(stars["figure"]["out_of"], 0, "nothing checked yet");
    w.t.app
        .follow_quality_events(Utc::now())
        .await
        .expect("the watchdog runs");
    let indicators = ok(&w.t.get("/api/1/indicators", None).await, 200);
    let stars = indicators
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "median_stars")
        .unwrap();
    assert_eq!(stars["figure"]["out_of"], 1, "the public dataset, checked");
}
