//! The table pages through the real router: a CSV uploaded to a public dataset and read by the
//! worker shows on the dataset page (status, size, link, preview) and on its table page
//! (columns and profile, sortable headers, the filter form, numbered and cursor pages,
//! downloads and SQL with the same query); a refused query is said on the page (400, never a
//! 500); a failed read says what and where; sheets of a workbook are tabs; a private dataset's
//! table is 404 for visitors; the schema editor and "read again" work for the publisher and are
//! refused to others — in both languages.

use crate::common;

use common::{Browser, PASSWORD, csrf_of, text, world};
use dulieu_core::vocab::Role;
use dulieu_testkit::TestApp;
use serde_json::json;

const DATASET: &str = "dan-so";
const ROWS: usize = 130;

/// A CSV of `ROWS` rows: three for Hà Nội, then numbered provinces; `dan_so` grows with the
/// row (largest in the last row, 1903).
fn population_csv() -> Vec<u8> {
    let mut csv = String::from("tinh,nam,dan_so,ty_le\n");
    for i in 0..ROWS {
        let tinh = if i < 3 {
            "Hà Nội".to_string()
        } else {
            format!("Tỉnh số {i}")
        };
        csv.push_str(&format!(
            "{tinh},{},{},{}.5\n",
            2000 + i % 20,
            1000 + i * 7,
            i % 50
        ));
    }
    csv.into_bytes()
}

/// Runs the worker until no job is due.
async fn run_jobs(t: &TestApp) {
    for _ in 0..100 {
        if !t.app.run_next_job().await.expect("job queue") {
            return;
        }
    }
    panic!("the worker never ran out of jobs");
}

/// Uploads `bytes` as `filename` to dataset `slug` through the API; returns the distribution id.
async fn upload(t: &TestApp, token: &str, slug: &str, filename: &str, bytes: &[u8]) -> String {
    let answer = t
        .upload(
            &format!("/api/1/datasets/{slug}/distributions"),
            Some(token),
            filename,
            bytes,
            &[],
        )
        .await;
    assert_eq!(answer.status.as_u16(), 201, "{}", text(&answer));
    answer.json()["id"].as_str().unwrap().to_string()
}

/// The world of the portal tests plus a public dataset of the same organization with the
/// population CSV read as a table; returns the app, the editor's e-mail, a sysadmin token and
/// the distribution id.
async fn tables_world() -> (TestApp, String, String, String) {
    let (t, editor) = world().await;
    let (_, admin) = t.user("quan-tri@example.vn", true).await;
    let created = t
        .post(
            "/api/1/datasets",
            Some(&admin),
            json!({"slug": DATASET, "title": {"vi": "Dân số các tỉnh", "en": "Population of the provinces"},
                   "publisher": common::ORG, "license": "cc-by-4.0", "status": "published"}),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201, "{}", text(&created));
    let id = upload(&t, &admin, DATASET, "dan_so.csv", &population_csv()).await;
    run_jobs(&t).await;
    (t, editor, admin, id)
}

/// The text of the `<tbody>` of the rows table of a page.
fn rows_body(page: &str) -> &str {
    let start = page.find("rows-table").expect("a rows table");
    let body = &page[start..];
    let open = body.find("<tbody>").unwrap();
    let close = body.find("</tbody>").unwrap();
    &body[open..close]
}

/// The first data row of the rows table.
fn first_row(page: &str) -> &str {
    let body = rows_body(page);
    let start = body.find("<tr>").unwrap();
    let end = body[start..].find("</tr>").unwrap();
    &body[start..start + end]
}

/// The `href` of the first link with `rel` on a page, unescaped.
fn rel_href(page: &str, rel: &str) -> Option<String> {
    let marker = format!("rel=\"{rel}\" href=\"");
    let start = page.find(&marker)? + marker.len();
    Some(page[start..].split('"').next()?.replace("&amp;", "&"))
}

#[tokio::test]
async fn the_dataset_page_shows_the_ready_table_and_its_preview_in_both_languages() {
    let (t, _, _, id) = tables_world().await;
    let mut visitor = Browser::default();
    let vi = visitor.get(&t, &format!("/dataset/{DATASET}")).await;
    assert_eq!(vi.status.as_u16(), 200);
    let vi = text(&vi);
    assert!(vi.contains("ingest-done"), "{vi}");
    assert!(vi.contains("Sẵn sàng"), "{vi}");
    assert!(vi.contains("130 dòng × 4 cột"), "{vi}");
    assert!(
        vi.contains(&format!("href=\"/dataset/{DATASET}/tables/{id}\"")),
        "{vi}"
    );
    assert!(vi.contains("Xem bảng"), "{vi}");
    assert!(vi.contains("10 dòng đầu và 4 cột đầu"), "{vi}");
    let preview = rows_body(&vi);
    assert_eq!(preview.matches("<tr>").count(), 10, "ten preview rows");
    assert!(preview.contains("Hà Nội"), "{preview}");
    assert!(
        preview.contains("<td class=\"num\">2,5</td>"),
        "Vietnamese decimal comma: {preview}"
    );

    let en = text(&visitor.get(&t, &format!("/en/dataset/{DATASET}")).await);
    assert!(
        en.contains("Ready") && en.contains("130 rows × 4 columns"),
        "{en}"
    );
    assert!(
        en.contains(&format!("href=\"/en/dataset/{DATASET}/tables/{id}\"")),
        "{en}"
    );
    assert!(en.contains("First 10 rows and 4 columns"), "{en}");
    assert!(
        rows_body(&en).contains("<td class=\"num\">2.5</td>"),
        "{en}"
    );
}

#[tokio::test]
async fn the_table_page_sorts_filters_and_pages_without_javascript() {
    let (t, _, _, id) = tables_world().await;
    let path = format!("/dataset/{DATASET}/tables/{id}");
    let mut visitor = Browser::default();

    let first = visitor.get(&t, &path).await;
    assert_eq!(first.status.as_u16(), 200);
    let page = text(&first);
    assert!(page.contains("Dòng 1–50 trên tổng số 130 dòng"), "{page}");
    assert!(page.contains("aria-sort=\"none\""), "{page}");
    assert!(
        page.contains(&format!("href=\"{path}?sort=dan_so\"")),
        "a header sorts: {page}"
    );
    for format in ["csv", "json", "parquet", "xlsx"] {
        assert!(
            page.contains(&format!("/api/1/tables/{id}/rows?format={format}")),
            "{format} download"
        );
    }
    assert!(page.contains(&format!("/api/1/datasets/{DATASET}/datapackage.zip")));
    assert!(
        page.contains(&format!("SELECT * FROM &quot;{id}&quot; LIMIT 10")),
        "the SQL example quotes the table name"
    );
    assert!(
        page.contains("role=\"region\""),
        "the rows scroll in a labelled region"
    );
    assert!(page.contains("data-chart"), "the chart builder's section");
    assert!(!page.contains("data-map "), "no position columns, no map");
    // The profile: dan_so from 1000 to 1903.
    assert!(page.contains("1000 – 1903"), "{page}");
    assert_eq!(rows_body(&page).matches("<tr>").count(), 50);

    // Sorting: by population, largest first, then back to ascending.
    let sorted = text(&visitor.get(&t, &format!("{path}?sort=-dan_so")).await);
    assert!(
        first_row(&sorted).contains(">1903<"),
        "{}",
        first_row(&sorted)
    );
    assert!(sorted.contains("aria-sort=\"descending\""), "{sorted}");
    assert!(
        sorted.contains(&format!("href=\"{path}?sort=dan_so\"")),
        "{sorted}"
    );

    // The filter form: a column, an operator and a value, plus the words.
    let filtered = visitor
        .get(
            &t,
            &format!("{path}?column=tinh&op=eq&value=H%C3%A0+N%E1%BB%99i"),
        )
        .await;
    assert_eq!(filtered.status.as_u16(), 200);
    let filtered = text(&filtered);
    assert!(
        filtered.contains("Dòng 1–3 trên tổng số 3 dòng"),
        "{filtered}"
    );
    assert!(
        filtered.contains("tinh bằng Hà Nội"),
        "the filter's chip: {filtered}"
    );
    assert!(
        filtered.contains(&format!(
            "/api/1/tables/{id}/rows?filters=tinh%3Aeq%3AH%C3%A0+N%E1%BB%99i&amp;format=csv"
        )),
        "downloads keep the filter: {filtered}"
    );
    let words = text(&visitor.get(&t, &format!("{path}?q=ha+noi")).await);
    assert!(
        words.contains("Dòng 1–3 trên tổng số 3 dòng"),
        "diacritics ignored: {words}"
    );
    let numbers = text(
        &visitor
            .get(&t, &format!("{path}?filters=dan_so%3Agte%3A1800"))
            .await,
    );
    assert!(numbers.contains("trên tổng số 15 dòng"), "{numbers}");

    // Pages: numbers by offset, next by cursor.
    assert!(
        page.contains(&format!("href=\"{path}?offset=100\"")),
        "{page}"
    );
    let next = rel_href(&page, "next").expect("a next link");
    assert!(next.contains("cursor="), "{next}");
    let second = text(&visitor.get(&t, &next).await);
    assert!(
        second.contains("Dòng 51–100 trên tổng số 130 dòng"),
        "{second}"
    );
    assert!(
        first_row(&second).contains(">51<"),
        "{}",
        first_row(&second)
    );
    let last = text(&visitor.get(&t, &format!("{path}?offset=100")).await);
    assert!(
        last.contains("Dòng 101–130 trên tổng số 130 dòng"),
        "{last}"
    );
    assert!(rel_href(&last, "next").is_none(), "no page after the last");
    assert!(rel_href(&last, "prev").is_some());

    // English.
    let en = text(
        &visitor
            .get(&t, &format!("/en{path}?sort=-dan_so&limit=20"))
            .await,
    );
    assert!(en.contains("Rows 1–20 of 130"), "{en}");
    assert!(en.contains("sort ascending"), "{en}");
    assert!(
        en.contains(&format!(
            "href=\"/en{path}?sort=-dan_so&amp;limit=20&amp;offset=20\""
        )),
        "page links keep the sort and the page size: {en}"
    );
}

#[tokio::test]
async fn a_refused_query_is_said_on_the_page_with_a_400() {
    let (t, _, _, id) = tables_world().await;
    let path = format!("/dataset/{DATASET}/tables/{id}");
    let mut visitor = Browser::default();
    for (query, vi, en) in [
        (
            "filters=khong_co%3Aeq%3A1",
            "Bảng không có cột này",
            "The table has no such column",
        ),
        (
            "filters=dan_so%3Agt%3Aabc",
            "Giá trị không đúng kiểu của cột",
            "The value does not fit the column",
        ),
        (
            "sort=khong_co",
            "Bảng không có cột này",
            "The table has no such column",
        ),
        (
            "limit=9999",
            "Số dòng mỗi trang không hợp lệ",
            "Invalid number of rows per page",
        ),
        (
            "cursor=rubbish",
            "Con trỏ trang không hợp lệ",
            "The page cursor is invalid",
        ),
    ] {
        let answer = visitor.get(&t, &format!("{path}?{query}")).await;
        assert_eq!(answer.status.as_u16(), 400, "{query}");
        let page = text(&answer);
        assert!(page.contains(vi), "{query}: {page}");
        assert!(page.contains("role=\"alert\""), "{query}");
        assert!(
            page.contains("table-filter"),
            "the form stays to fix it: {query}"
        );
        let answer = visitor.get(&t, &format!("/en{path}?{query}")).await;
        assert_eq!(answer.status.as_u16(), 400, "{query}");
        assert!(text(&answer).contains(en), "{query}: {}", text(&answer));
    }
    let missing = visitor
        .get(&t, &format!("{path}?sheet=Kh%C3%B4ng+c%C3%B3"))
        .await;
    assert_eq!(missing.status.as_u16(), 404);
    let other = visitor
        .get(
            &t,
            &format!("/dataset/{DATASET}/tables/00000000-0000-0000-0000-000000000000"),
        )
        .await;
    assert_eq!(other.status.as_u16(), 404);
}

#[tokio::test]
async fn a_failed_read_says_what_and_where() {
    let (t, _, admin, _) = tables_world().await;
    let binary = include_bytes!("../../tables/testdata/bad/binary_named.csv");
    let id = upload(&t, &admin, DATASET, "bang.csv", binary).await;
    run_jobs(&t).await;
    let mut visitor = Browser::default();
    let vi = text(&visitor.get(&t, &format!("/dataset/{DATASET}")).await);
    assert!(vi.contains("ingest-failed"), "{vi}");
    assert!(vi.contains("Không đọc được"), "{vi}");
    assert!(vi.contains("Tệp không phải văn bản hay bảng tính"), "{vi}");
    assert!(vi.contains("Vị trí: byte thứ"), "where: {vi}");
    let en = text(&visitor.get(&t, &format!("/en/dataset/{DATASET}")).await);
    assert!(
        en.contains("The file is neither text nor a spreadsheet"),
        "{en}"
    );
    assert!(en.contains("Where: byte"), "{en}");
    let page = visitor
        .get(&t, &format!("/en/dataset/{DATASET}/tables/{id}"))
        .await;
    assert_eq!(page.status.as_u16(), 200);
    let page = text(&page);
    assert!(
        page.contains("The table is not ready to view yet."),
        "{page}"
    );
    assert!(page.contains("Could not be read"), "{page}");
}

#[tokio::test]
async fn the_sheets_of_a_workbook_are_tabs_with_their_title_and_notes() {
    let (t, _, admin, _) = tables_world().await;
    let xlsx = include_bytes!("../../tables/testdata/gso_population.xlsx");
    let id = upload(&t, &admin, DATASET, "dan_so.xlsx", xlsx).await;
    run_jobs(&t).await;
    let path = format!("/dataset/{DATASET}/tables/{id}");
    let mut visitor = Browser::default();
    let first = text(&visitor.get(&t, &path).await);
    assert!(first.contains("sheet-tabs"), "{first}");
    assert!(
        first.contains("Bảng 2.1. Dân số trung bình"),
        "the title found: {first}"
    );
    assert!(
        first.contains("Nguồn: Tổng cục Thống kê."),
        "the notes found: {first}"
    );
    assert!(first.contains("Cần Thơ"), "{first}");
    let labour = visitor
        .get(&t, &format!("{path}?sheet=Lao+%C4%91%E1%BB%99ng"))
        .await;
    assert_eq!(labour.status.as_u16(), 200, "{}", text(&labour));
    let labour = text(&labour);
    assert!(labour.contains("Tỷ lệ thất nghiệp"), "{labour}");
    assert!(
        labour.contains("aria-current=\"page\">Lao động<"),
        "{labour}"
    );
}

#[tokio::test]
async fn a_private_datasets_table_is_hidden_from_visitors() {
    let (t, editor, admin, _) = tables_world().await;
    let id = upload(
        &t,
        &admin,
        "muc-nuoc-nhap",
        "muc_nuoc.csv",
        b"tram,muc\nHue,8\n",
    )
    .await;
    run_jobs(&t).await;
    let path = format!("/dataset/muc-nuoc-nhap/tables/{id}");
    let mut visitor = Browser::default();
    assert_eq!(visitor.get(&t, &path).await.status.as_u16(), 404);
    assert_eq!(
        visitor.get(&t, &format!("/en{path}")).await.status.as_u16(),
        404
    );
    let mut member = Browser::default();
    member.sign_in(&t, &editor, PASSWORD).await;
    let page = member.get(&t, &path).await;
    assert_eq!(page.status.as_u16(), 200);
    assert!(text(&page).contains("Hue"));
}

#[tokio::test]
async fn the_publisher_edits_the_schema_and_others_may_not() {
    let (t, editor, admin, id) = tables_world().await;
    let path = format!("/dataset/{DATASET}/tables/{id}");

    // A signed-in stranger sees no tools and is refused.
    t.user("nguoi-la@example.vn", false).await;
    let mut stranger = Browser::default();
    stranger.sign_in(&t, "nguoi-la@example.vn", PASSWORD).await;
    let page = text(&stranger.get(&t, &path).await);
    assert!(!page.contains("schema-form"), "{page}");
    let csrf = csrf_of(&page);
    let refused = stranger
        .post(
            &t,
            &format!("{path}/schema"),
            &[("csrf", &csrf), ("name.0", "tinh"), ("type.0", "string")],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 403);
    let refused = stranger
        .post(&t, &format!("{path}/reingest"), &[("csrf", &csrf)])
        .await;
    assert_eq!(refused.status.as_u16(), 403);

    // The editor of the organization: the form, a refused input, then a saved change.
    let mut publisher = Browser::default();
    publisher.sign_in(&t, &editor, PASSWORD).await;
    let page = text(&publisher.get(&t, &path).await);
    assert!(page.contains("Sửa lược đồ bảng"), "{page}");
    assert!(page.contains("name=\"type.1\""), "{page}");
    let csrf = csrf_of(&page[page.find("schema-form").unwrap()..]);
    let fields = |nam_type: &'static str, nam_name: &'static str| {
        vec![
            ("name.0", "tinh"),
            ("type.0", "string"),
            ("name.1", nam_name),
            ("type.1", nam_type),
            ("name.2", "dan_so"),
            ("type.2", "integer"),
            ("name.3", "ty_le"),
            ("type.3", "number"),
        ]
    };
    let mut bad = vec![("csrf", csrf.as_str())];
    bad.extend(fields("string", ""));
    let answer = publisher.post(&t, &format!("{path}/schema"), &bad).await;
    assert_eq!(answer.status.as_u16(), 422);
    let shown = text(&answer);
    assert!(
        shown.contains("f-name.1-error-1"),
        "the error is next to its input: {shown}"
    );

    let mut good = vec![("csrf", csrf.as_str())];
    good.extend(fields("string", "nam"));
    let answer = publisher.post(&t, &format!("{path}/schema"), &good).await;
    assert_eq!(answer.status.as_u16(), 303, "{}", text(&answer));
    let location = answer.header("location").unwrap();
    assert!(
        location.ends_with("notice=table_schema_saved"),
        "{location}"
    );
    let notice = text(&publisher.get(&t, &location).await);
    assert!(notice.contains("Đã lưu lược đồ"), "{notice}");
    run_jobs(&t).await;
    let document = t
        .get(&format!("/api/1/tables/{id}"), Some(&admin))
        .await
        .json();
    assert_eq!(document["status"], "done", "{document}");
    assert_eq!(
        document["schema"]["fields"][1]["type"], "string",
        "{document}"
    );

    // Read again, in English.
    let page = text(&publisher.get(&t, &format!("/en{path}")).await);
    assert!(page.contains("Read the file again"), "{page}");
    let answer = publisher
        .post(&t, &format!("/en{path}/reingest"), &[("csrf", &csrf)])
        .await;
    assert_eq!(answer.status.as_u16(), 303);
    let location = answer.header("location").unwrap();
    assert!(location.starts_with("/en/dataset/"), "{location}");
    let queued = text(&publisher.get(&t, &location).await);
    assert!(
        queued.contains("The file is queued to be read again."),
        "{queued}"
    );
    assert!(queued.contains("Waiting to be read"), "{queued}");
    run_jobs(&t).await;

    // A member without the editor role is refused too.
    t.user("xem@example.vn", false).await;
    t.grant(common::ORG, "xem@example.vn", Role::Member).await;
    let mut viewer = Browser::default();
    viewer.sign_in(&t, "xem@example.vn", PASSWORD).await;
    let page = text(&viewer.get(&t, &path).await);
    assert!(!page.contains("schema-form"));
    let csrf = csrf_of(&page);
    let refused = viewer
        .post(&t, &format!("{path}/reingest"), &[("csrf", &csrf)])
        .await;
    assert_eq!(refused.status.as_u16(), 403);
}
