//! Readiness pages through the real router: the Vietnam 2019 reports with the report's ratings
//! and question counts in both languages, what visitors and the portal team may see and do, a
//! re-assessment whose comparison shows exactly its changed ratings, and the action plan's Gantt
//! chart with an item marked done.

use crate::common;

use common::{Browser, PASSWORD, csrf_of, text};
use dulieu_core::account::Actor;
use dulieu_testkit::TestApp;

const ODRA: &str = "/readiness/assessments/viet-nam-2019-odra";
const DGRA: &str = "/readiness/assessments/viet-nam-2019-dgra";
const ODRA_PLAN: &str = "/readiness/plans/viet-nam-2019-odra-action-plan";
const TEAM: &str = "odtf@example.vn";

/// An app with the Vietnam 2019 assessments, a portal team member and an ordinary user.
async fn world() -> TestApp {
    let t = TestApp::new().await;
    t.app
        .import_vietnam_2019(&Actor::system())
        .await
        .expect("import");
    t.user(TEAM, false).await;
    t.app
        .set_portal_team(&Actor::system(), TEAM, true)
        .await
        .expect("portal team");
    t.user("khach@example.vn", false).await;
    t
}

/// Each row of the summary table: (dimension, rating, column of the `●` on the scale, 1-based).
fn summary_rows(page: &str) -> Vec<(String, String, usize)> {
    let start = page
        .find("<table class=\"summary\">")
        .expect("summary table");
    let end = page[start..].find("</table>").unwrap() + start;
    let body = &page[start..end];
    let body = &body[body.find("<tbody>").unwrap()..];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let link = between(row, "<a href=\"#dim-", "</a>");
            let name = link
                .split_once("\">")
                .map_or(link.clone(), |(_, n)| n.to_string());
            let rating = between(row, "aria-hidden=\"true\"></span>", "</span>");
            let cells: Vec<&str> = row.split("<td class=\"scale-cell\">").skip(1).collect();
            let column = cells
                .iter()
                .position(|c| c.starts_with("<span aria-hidden=\"true\">●"))
                .map_or(0, |i| i + 1);
            (name, rating, column)
        })
        .collect()
}

fn between(text: &str, from: &str, to: &str) -> String {
    let start = text
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?} in {text}"))
        + from.len();
    let end = text[start..].find(to).unwrap() + start;
    text[start..end].to_string()
}

#[tokio::test]
async fn the_2019_reports_render_with_the_report_ratings_and_counts() {
    let t = world().await;
    let mut browser = Browser::default();
    let list = text(&browser.get(&t, "/readiness").await);
    assert!(list.contains(&format!("href=\"{ODRA}\"")), "{list}");
    assert!(list.contains("href=\"/readiness/plans/viet-nam-2019-dgra-action-plan\""));
    assert!(
        list.contains("43/43 câu hỏi đã xếp hạng · 280 bằng chứng"),
        "{list}"
    );

    let odra = browser.get(&t, ODRA).await;
    assert_eq!(odra.status.as_u16(), 200);
    let page = text(&odra);
    assert!(page.contains("<html lang=\"vi\">"));
    assert!(page.contains("hreflang=\"en\" href=\"/en/readiness/assessments/viet-nam-2019-odra\""));
    let rows = summary_rows(&page);
    let expected = [
        ("1. Lãnh đạo cấp cao", "Vàng", 3),
        ("2. Khung chính sách và pháp lý", "Vàng/Đỏ", 2),
        (
            "3. Cơ cấu thể chế, trách nhiệm và năng lực trong chính phủ",
            "Vàng",
            3,
        ),
        (
            "4. Chính sách, quy trình quản lý dữ liệu của chính phủ và dữ liệu sẵn có",
            "Vàng",
            3,
        ),
        ("5. Nhu cầu về dữ liệu mở", "Vàng", 3),
        (
            "6. Sự tham gia của người dân và năng lực về dữ liệu mở",
            "Vàng/Xanh lá",
            4,
        ),
        (
            "7. Tài chính cho chương trình dữ liệu mở",
            "Vàng/Xanh lá",
            4,
        ),
        ("8. Hạ tầng công nghệ và kỹ năng quốc gia", "Xanh lá", 5),
    ];
    let expected: Vec<(String, String, usize)> = expected
        .iter()
        .map(|(n, r, c)| (n.to_string(), r.to_string(), *c))
        .collect();
    assert_eq!(rows, expected);
    assert_eq!(page.matches("<section class=\"question\"").count(), 43);
    assert_eq!(page.matches("<li class=\"evidence ").count(), 280);
    assert!(page.contains("<th scope=\"col\" class=\"scale-col\">Thấp</th>"));
    assert!(page.contains("href=\"/api/1/assessments/viet-nam-2019-odra/report.md?lang=vi\""));
    assert!(page.contains("href=\"/api/1/assessments/viet-nam-2019-odra\""));
    // The report's own English wording and evidence carry their language on the Vietnamese page.
    assert!(page.contains("<div class=\"prose\" lang=\"en\"><p>Political Leadership: Is there visible political leadership"), "wording");
    assert!(
        !page.contains("Xếp hạng và thêm bằng chứng"),
        "no editing for visitors"
    );

    let english = text(&browser.get(&t, &format!("/en{DGRA}")).await);
    assert!(english.contains("<html lang=\"en\">"));
    let rows = summary_rows(&english);
    let columns: Vec<usize> = rows.iter().map(|r| r.2).collect();
    assert_eq!(columns, [3, 3, 2, 2, 2, 3, 3], "the DGRA Results table");
    assert_eq!(rows[2].0, "3. Business Process Change");
    assert_eq!(rows[2].1, "Yellow/Red");
    assert_eq!(english.matches("<section class=\"question\"").count(), 66);
    assert_eq!(english.matches("<li class=\"evidence ").count(), 320);
    assert!(
        english.contains("188 for · 132 against · 0 neutral"),
        "evidence balance"
    );

    let css = text(&browser.get(&t, "/assets/portal.css").await);
    assert!(
        css.contains("@media print") && css.contains(".dimension { break-before: page"),
        "print CSS"
    );
    assert_eq!(
        browser
            .get(&t, "/readiness/assessments/khong-co")
            .await
            .status
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn visitors_outside_the_team_cannot_edit() {
    let t = world().await;
    let mut anonymous = Browser::default();
    let form = anonymous.get(&t, &format!("{ODRA}/questions/2.1")).await;
    assert_eq!(form.status.as_u16(), 303);
    assert_eq!(
        form.headers["location"],
        "/sign-in?next=%2Freadiness%2Fassessments%2Fviet-nam-2019-odra%2Fquestions%2F2.1"
    );
    let mut guest = Browser::default();
    guest.sign_in(&t, "khach@example.vn", PASSWORD).await;
    assert_eq!(
        guest
            .get(&t, &format!("{ODRA}/questions/2.1"))
            .await
            .status
            .as_u16(),
        403
    );
    assert_eq!(
        guest.get(&t, &format!("{ODRA}/copy")).await.status.as_u16(),
        403
    );
    let page = text(&guest.get(&t, ODRA).await);
    assert!(!page.contains("Bắt đầu đánh giá lại"), "no team actions");
    let csrf = csrf_of(&page);
    let posted = guest
        .post(
            &t,
            &format!("{ODRA}/questions/2.1"),
            &[("csrf", &csrf), ("rating", "green")],
        )
        .await;
    assert_eq!(posted.status.as_u16(), 403);
    let doc = t
        .get("/api/1/assessments/viet-nam-2019-odra", None)
        .await
        .json();
    assert_eq!(
        doc["dimensions"][1]["questions"][0]["rating"], "red",
        "unchanged"
    );
}

#[tokio::test]
async fn a_reassessment_with_two_changed_ratings_shows_exactly_those_in_the_comparison() {
    let t = world().await;
    let mut team = Browser::default();
    team.sign_in(&t, TEAM, PASSWORD).await;
    let report = text(&team.get(&t, ODRA).await);
    assert!(report.contains("Bắt đầu đánh giá lại"), "team actions");

    let csrf = team.csrf(&t, &format!("{ODRA}/copy")).await;
    let copied = team
        .post(
            &t,
            &format!("{ODRA}/copy"),
            &[
                ("csrf", &csrf),
                ("title_vi", "ODRA Việt Nam 2026"),
                ("title_en", "Vietnam ODRA 2026"),
                ("slug", "viet-nam-2026-odra"),
                ("started_on", "2026-11-01"),
            ],
        )
        .await;
    assert_eq!(copied.status.as_u16(), 303, "{}", text(&copied));
    let copy = "/readiness/assessments/viet-nam-2026-odra";
    assert_eq!(copied.headers["location"], format!("{copy}?saved=1"));
    let draft = text(&team.get(&t, copy).await);
    assert!(draft.contains("Bản nháp"), "a draft");
    let mut anonymous = Browser::default();
    assert_eq!(
        anonymous.get(&t, copy).await.status.as_u16(),
        404,
        "drafts are the team's"
    );

    // A rating outside the scale is refused next to its input.
    let csrf = team.csrf(&t, &format!("{copy}/questions/2.1")).await;
    let refused = team
        .post(
            &t,
            &format!("{copy}/questions/2.1"),
            &[("csrf", &csrf), ("rating", "purple")],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 422);
    assert!(
        text(&refused).contains("id=\"f-rating-error-1\""),
        "{}",
        text(&refused)
    );
    let missing_csrf = team
        .post(
            &t,
            &format!("{copy}/questions/2.1"),
            &[("rating", "yellow")],
        )
        .await;
    assert_eq!(missing_csrf.status.as_u16(), 403);

    for (question, rating) in [("2.1", "yellow"), ("8.2", "yellow_green")] {
        let path = format!("{copy}/questions/{question}");
        let csrf = team.csrf(&t, &path).await;
        let saved = team
            .post(
                &t,
                &path,
                &[
                    ("csrf", &csrf),
                    ("rating", rating),
                    ("importance", "very_high"),
                    ("commentary", "Đã có tiến bộ."),
                    ("commentary_lang", "vi"),
                ],
            )
            .await;
        assert_eq!(saved.status.as_u16(), 303, "{}", text(&saved));
    }
    let comparison = text(&team.get(&t, &format!("{copy}/compare")).await);
    assert!(
        comparison.contains("2 xếp hạng thay đổi, 0 bằng chứng được thêm, 0 bằng chứng bị bỏ; 41 câu hỏi không thay đổi."),
        "{comparison}"
    );
    assert_eq!(comparison.matches("class=\"question change\"").count(), 2);
    assert!(comparison.contains("#q-2-1\">2.1 "), "{comparison}");
    assert!(comparison.contains("#q-8-2\">8.2 "), "{comparison}");
    let english = text(
        &team
            .get(&t, &format!("/en{copy}/compare?with=viet-nam-2019-odra"))
            .await,
    );
    assert!(english.contains("2 ratings changed"), "{english}");

    // Evidence added shows in the comparison too.
    let path = format!("{copy}/questions/4.5");
    let csrf = team.csrf(&t, &path).await;
    let added = team
        .post(
            &t,
            &format!("{path}/evidence"),
            &[
                ("csrf", &csrf),
                ("sign", "+"),
                (
                    "text",
                    "Cổng dữ liệu mở quốc gia <script>alert(1)</script> đã vận hành.",
                ),
                ("lang", "vi"),
                ("url", "https://data.gov.vn/"),
                ("observed_on", "2026-11-20"),
            ],
        )
        .await;
    assert_eq!(added.status.as_u16(), 303, "{}", text(&added));
    let form = text(&team.get(&t, &path).await);
    assert!(
        form.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "escaped: {form}"
    );
    assert!(!form.contains("<script>alert(1)"));
    let comparison = text(&team.get(&t, &format!("{copy}/compare")).await);
    assert!(
        comparison.contains("2 xếp hạng thay đổi, 1 bằng chứng được thêm, 0 bằng chứng bị bỏ"),
        "{comparison}"
    );

    // Publishing makes it public.
    let csrf = csrf_of(&text(&team.get(&t, copy).await));
    let published = team
        .post(
            &t,
            &format!("{copy}/status"),
            &[("csrf", &csrf), ("status", "published")],
        )
        .await;
    assert_eq!(published.status.as_u16(), 303);
    assert_eq!(anonymous.get(&t, copy).await.status.as_u16(), 200);
}

#[tokio::test]
async fn the_action_plan_shows_its_gantt_and_an_item_marked_done() {
    let t = world().await;
    let mut visitor = Browser::default();
    let page = text(&visitor.get(&t, ODRA_PLAN).await);
    assert!(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"gantt\" role=\"img\" aria-labelledby=\"gantt-title gantt-desc\""));
    assert!(
        page.contains(
            "<title id=\"gantt-title\">Kế hoạch hành động dữ liệu mở (ODRA 2019)</title>"
        )
    );
    assert!(page.contains(">Năm 1</text>"));
    assert_eq!(
        page.matches("<tr id=\"item-").count(),
        32,
        "the text alternative: one row per item"
    );
    assert_eq!(
        page.matches("class=\"late\"").count(),
        32,
        "every 2019 item is overdue by now"
    );
    assert!(page.contains("50.000–75.000 USD"), "cost ranges");
    assert!(!page.contains("portal.readiness."), "untranslated key");

    let plan = t
        .get("/api/1/action-plans/viet-nam-2019-odra-action-plan", None)
        .await
        .json();
    let id = plan["items"][0]["id"].as_str().unwrap().to_string();
    let item_path = format!("{ODRA_PLAN}/items/{id}");
    assert_eq!(
        visitor.get(&t, &item_path).await.status.as_u16(),
        303,
        "to sign in"
    );

    let mut team = Browser::default();
    team.sign_in(&t, TEAM, PASSWORD).await;
    let plan_page = text(&team.get(&t, ODRA_PLAN).await);
    assert!(
        plan_page.contains(&format!("href=\"{item_path}\"")),
        "an update link per item"
    );
    let csrf = team.csrf(&t, &item_path).await;
    let bad = team
        .post(&t, &item_path, &[("csrf", &csrf), ("status", "finished")])
        .await;
    assert_eq!(bad.status.as_u16(), 422);
    let saved = team
        .post(
            &t,
            &item_path,
            &[
                ("csrf", &csrf),
                ("status", "done"),
                ("note", "Thủ tướng đã công bố sáng kiến."),
            ],
        )
        .await;
    assert_eq!(saved.status.as_u16(), 303, "{}", text(&saved));
    assert_eq!(
        saved.headers["location"],
        format!("{ODRA_PLAN}?saved=1#item-{id}")
    );
    let page = text(&team.get(&t, ODRA_PLAN).await);
    let row = between(&page, &format!("<tr id=\"item-{id}\""), "</tr>");
    assert!(row.starts_with('>'), "no longer marked late: {row}");
    assert!(
        row.contains("<span class=\"status status-done\">Hoàn thành</span>"),
        "{row}"
    );
    assert!(page.contains("Thủ tướng đã công bố sáng kiến."), "the note");
    assert_eq!(page.matches("class=\"late\"").count(), 31);
    assert!(
        page.contains("— 1–1 — Hoàn thành</title>"),
        "the chart shows it done"
    );
    let english = text(&visitor.get(&t, &format!("/en{ODRA_PLAN}")).await);
    assert!(english.contains("— 1–1 — Done</title>"));
    assert!(english.contains("<span class=\"status status-done\">Done</span>"));
}

#[tokio::test]
async fn the_od4b_findings_render_like_the_other_reports() {
    let t = world().await;
    let mut visitor = Browser::default();
    let list = text(&visitor.get(&t, "/readiness").await);
    assert!(
        list.contains("href=\"/readiness/assessments/viet-nam-2019-od4b\""),
        "{list}"
    );
    assert!(
        list.contains("0/11 câu hỏi đã xếp hạng · 40 bằng chứng"),
        "{list}"
    );
    let page = text(
        &visitor
            .get(&t, "/readiness/assessments/viet-nam-2019-od4b")
            .await,
    );
    assert!(
        page.contains("Dữ liệu của chính phủ được quan tâm nhất"),
        "questions in Vietnamese"
    );
    assert_eq!(
        page.matches("<li class=\"evidence stance-neutral\">")
            .count(),
        40
    );
    assert!(
        page.contains("Demographic/Census, Economic data, Finance data, GIS, national statistics"),
        "the summary of findings"
    );
    assert!(
        page.contains("lang=\"en\""),
        "English findings marked on the Vietnamese page"
    );
    assert!(!page.contains("portal.readiness."), "untranslated key");
    let english = text(
        &visitor
            .get(&t, "/en/readiness/assessments/viet-nam-2019-od4b")
            .await,
    );
    assert!(english.contains("Vietnam Open Data for Business Assessment 2019 (OD4B)"));
    assert!(english.contains("Most effective outreach and feedback channels"));
    assert!(english.contains(
        "Emails is considered as the most effective engagement channel by 65% of the respondents."
    ));
}

#[tokio::test]
async fn the_team_starts_a_plan_adds_and_removes_items_through_its_forms() {
    let t = world().await;
    let new_plan = "/readiness/new-plan";
    let mut anonymous = Browser::default();
    let form = anonymous.get(&t, new_plan).await;
    assert_eq!(form.status.as_u16(), 303, "to sign in");
    let mut guest = Browser::default();
    guest.sign_in(&t, "khach@example.vn", PASSWORD).await;
    assert_eq!(guest.get(&t, new_plan).await.status.as_u16(), 403);
    assert!(!text(&guest.get(&t, "/readiness").await).contains(new_plan));

    let mut team = Browser::default();
    team.sign_in(&t, TEAM, PASSWORD).await;
    assert!(text(&team.get(&t, "/readiness").await).contains(&format!("href=\"{new_plan}\"")));
    let csrf = team.csrf(&t, new_plan).await;
    let forged = team
        .post(
            &t,
            new_plan,
            &[("csrf", "forged"), ("title_vi", "Kế hoạch")],
        )
        .await;
    assert_eq!(forged.status.as_u16(), 403, "the CSRF check comes first");
    let refused = team
        .post(
            &t,
            new_plan,
            &[
                ("csrf", &csrf),
                ("framework", "odra"),
                ("assessment", "viet-nam-2019-dgra"),
                ("starts_on", "tháng ba"),
            ],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 422);
    let page = text(&refused);
    assert!(page.contains("id=\"f-starts_on-error-1\""), "{page}");
    let refused = team
        .post(
            &t,
            new_plan,
            &[
                ("csrf", &csrf),
                ("framework", "odra"),
                ("assessment", "viet-nam-2019-dgra"),
                ("starts_on", "2027-03-15"),
            ],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 422);
    let page = text(&refused);
    assert!(
        page.contains("id=\"f-title_vi-error-1\""),
        "title next to its input"
    );
    assert!(
        page.contains("id=\"f-assessment-error-1\""),
        "another framework's assessment"
    );
    assert!(
        page.contains("value=\"2027-03-15\""),
        "what was typed is kept"
    );
    let created = team
        .post(
            &t,
            new_plan,
            &[
                ("csrf", &csrf),
                ("title_vi", "Kế hoạch 2027 <b>mới</b>"),
                ("slug", "ke-hoach-2027"),
                ("framework", "odra"),
                ("assessment", "viet-nam-2019-odra"),
                ("starts_on", "2027-03-15"),
            ],
        )
        .await;
    assert_eq!(created.status.as_u16(), 303, "{}", text(&created));
    let plan = "/readiness/plans/ke-hoach-2027";
    assert_eq!(created.headers["location"], format!("{plan}?saved=1"));
    assert_eq!(
        anonymous.get(&t, plan).await.status.as_u16(),
        404,
        "a draft"
    );
    let page = text(&team.get(&t, plan).await);
    assert!(
        page.contains("Kế hoạch 2027 &lt;b&gt;mới&lt;/b&gt;"),
        "escaped"
    );
    assert!(page.contains("Kế hoạch chưa có hạng mục nào khác."));
    assert!(page.contains(&format!("href=\"{plan}/new-item\"")));

    let new_item = format!("{plan}/new-item");
    let csrf = team.csrf(&t, &new_item).await;
    let not_a_number = team
        .post(
            &t,
            &new_item,
            &[
                ("csrf", &csrf),
                ("dimension", "4"),
                ("title", "X"),
                ("start_month", "1"),
                ("end_month", "2"),
                ("cost_min", "nhiều"),
            ],
        )
        .await;
    assert_eq!(not_a_number.status.as_u16(), 422);
    assert!(text(&not_a_number).contains("id=\"f-cost_min-error-1\""));
    let refused = team
        .post(
            &t,
            &new_item,
            &[
                ("csrf", &csrf),
                ("dimension", "9"),
                ("title", " "),
                ("start_month", "5"),
                ("end_month", "2"),
                ("cost_min", "100"),
                ("cost_currency", "đồng"),
            ],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 422);
    let page = text(&refused);
    for input in ["dimension", "title", "end_month", "cost_currency"] {
        assert!(
            page.contains(&format!("id=\"f-{input}-error-1\"")),
            "{input}: {page}"
        );
    }
    let added = team
        .post(
            &t,
            &new_item,
            &[
                ("csrf", &csrf),
                ("dimension", "4"),
                ("title", "Công bố danh mục dữ liệu"),
                ("lang", "vi"),
                ("term", "short"),
                ("responsible", "ODTF, MIC"),
                ("start_month", "1"),
                ("end_month", "3"),
                ("cost_min", "40.000"),
                ("cost_max", "70.000"),
                ("cost_currency", "USD"),
                (
                    "references",
                    "Bộ công cụ dữ liệu mở https://opendatatoolkit.worldbank.org/",
                ),
            ],
        )
        .await;
    assert_eq!(added.status.as_u16(), 303, "{}", text(&added));
    let token = team_token(&t).await;
    let doc = t
        .get("/api/1/action-plans/ke-hoach-2027", Some(&token))
        .await
        .json();
    let first = &doc["items"][0];
    let first_id = first["id"].as_str().unwrap().to_string();
    assert_eq!(
        added.headers["location"],
        format!("{plan}?saved=1#item-{first_id}")
    );
    assert_eq!(first["responsible"], serde_json::json!(["ODTF", "MIC"]));
    assert_eq!(
        (first["cost"]["min"].as_u64(), first["cost"]["max"].as_u64()),
        (Some(40_000), Some(70_000))
    );
    assert_eq!(
        first["references"][0]["url"],
        "https://opendatatoolkit.worldbank.org/"
    );
    let form = text(&team.get(&t, &new_item).await);
    assert!(
        form.contains(&format!("name=\"prerequisite-{first_id}\"")),
        "items offered as prerequisites"
    );
    let second = team
        .post(
            &t,
            &new_item,
            &[
                ("csrf", &csrf),
                ("dimension", "5"),
                ("title", "Đào tạo cán bộ quản lý dữ liệu"),
                ("start_month", "4"),
                ("end_month", "9"),
                (&format!("prerequisite-{first_id}"), "1"),
            ],
        )
        .await;
    assert_eq!(second.status.as_u16(), 303, "{}", text(&second));
    let page = text(&team.get(&t, plan).await);
    assert_eq!(page.matches("<tr id=\"item-").count(), 2);
    assert!(
        page.contains(&format!("<a href=\"#item-{first_id}\"")),
        "the prerequisite links to its item"
    );

    // Prerequisites are edited on the item's page; a cycle is refused next to its input.
    let doc = t
        .get("/api/1/action-plans/ke-hoach-2027", Some(&token))
        .await
        .json();
    let second_id = doc["items"][1]["id"].as_str().unwrap().to_string();
    let item = format!("{plan}/items/{first_id}");
    let form = text(&team.get(&t, &item).await);
    assert!(form.contains(&format!("name=\"prerequisite-{second_id}\"")));
    assert!(
        !form.contains(&format!("name=\"prerequisite-{first_id}\"")),
        "an item is not offered as its own prerequisite"
    );
    let looped = team
        .post(
            &t,
            &item,
            &[
                ("csrf", &csrf),
                ("status", "not_started"),
                (&format!("prerequisite-{second_id}"), "1"),
            ],
        )
        .await;
    assert_eq!(looped.status.as_u16(), 422);
    assert!(text(&looped).contains("id=\"f-prerequisites-error-1\""));
    let second_item = format!("{plan}/items/{second_id}");
    let form = text(&team.get(&t, &second_item).await);
    assert!(
        form.contains(&format!(
            "name=\"prerequisite-{first_id}\" value=\"1\" checked"
        )),
        "the current prerequisite is ticked"
    );
    let cleared = team
        .post(
            &t,
            &second_item,
            &[("csrf", &csrf), ("status", "not_started")],
        )
        .await;
    assert_eq!(cleared.status.as_u16(), 303, "{}", text(&cleared));
    let page = text(&team.get(&t, plan).await);
    assert!(
        !page.contains(&format!("<a href=\"#item-{first_id}\"")),
        "the prerequisite is gone"
    );

    let csrf = team.csrf(&t, &item).await;
    let removed = team
        .post(&t, &format!("{item}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(removed.status.as_u16(), 303);
    assert_eq!(removed.headers["location"], format!("{plan}?removed=1"));
    let page = text(&team.get(&t, &format!("{plan}?removed=1")).await);
    assert!(page.contains("Đã xoá hạng mục."));
    assert_eq!(page.matches("<tr id=\"item-").count(), 1);
    assert!(
        !page.contains(&format!("#item-{first_id}")),
        "no prerequisite left"
    );
    assert_eq!(team.get(&t, &item).await.status.as_u16(), 404);

    let published = team
        .post(
            &t,
            &format!("{plan}/status"),
            &[("csrf", &csrf), ("status", "published")],
        )
        .await;
    assert_eq!(published.status.as_u16(), 303);
    assert_eq!(
        anonymous.get(&t, plan).await.status.as_u16(),
        200,
        "published"
    );
}

/// An API token of the portal team member.
async fn team_token(t: &TestApp) -> String {
    let (_, token) = t.user("odtf-api@example.vn", false).await;
    t.app
        .set_portal_team(&Actor::system(), "odtf-api@example.vn", true)
        .await
        .expect("portal team");
    token
}
