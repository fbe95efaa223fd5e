//! The portal's pages through the real router on the demo catalog: both languages, alternates
//! and the language switch, escaping of hostile titles, filters and chips, JSON-LD, error pages.

use dulieu_testkit::{TestApp, TestResponse};
use serde_json::{Value, json};

/// The demo catalog, loaded and indexed.
async fn demo() -> TestApp {
    TestApp::demo().await
}

/// The body as text, after checking the status and that it is HTML.
fn html(response: &TestResponse, status: u16) -> String {
    let body = String::from_utf8_lossy(&response.body).into_owned();
    assert_eq!(response.status.as_u16(), status, "{body}");
    let content_type = response.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    body
}

/// Checks `<html lang>`, both `hreflang` alternates of `neutral` (the path without `/en`) and
/// that the language switch leads to the same page in the other language.
fn check_languages(body: &str, lang: &str, neutral: &str) {
    let neutral_html = neutral.replace('&', "&amp;");
    let en = if neutral == "/" {
        "/en/".to_string()
    } else {
        format!("/en{neutral_html}")
    };
    assert!(
        body.contains(&format!("<html lang=\"{lang}\">")),
        "lang {lang}: {body}"
    );
    assert!(
        body.contains(&format!(
            "<link rel=\"alternate\" hreflang=\"vi\" href=\"{neutral_html}\">"
        )),
        "vi alternate of {neutral}"
    );
    assert!(
        body.contains(&format!(
            "<link rel=\"alternate\" hreflang=\"en\" href=\"{en}\">"
        )),
        "en alternate of {neutral}"
    );
    let (other, other_href) = if lang == "vi" {
        ("en", en.as_str())
    } else {
        ("vi", neutral_html.as_str())
    };
    assert!(
        body.contains(&format!(
            "<a class=\"lang-switch\" href=\"{other_href}\" hreflang=\"{other}\""
        )),
        "switch of {neutral} in {lang}"
    );
}

/// GETs `neutral` in both languages and checks status, HTML and language links.
async fn both(t: &TestApp, neutral: &str, status: u16) -> (String, String) {
    let vi = html(&t.get(neutral, None).await, status);
    check_languages(&vi, "vi", neutral);
    let en_path = if neutral == "/" {
        "/en/".to_string()
    } else {
        format!("/en{neutral}")
    };
    let en = html(&t.get(&en_path, None).await, status);
    check_languages(&en, "en", neutral);
    (vi, en)
}

/// The number in "Kết quả: N" / "Results: N".
fn total(body: &str) -> u64 {
    let start = body
        .find("Kết quả: ")
        .map(|i| i + "Kết quả: ".len())
        .or_else(|| body.find("Results: ").map(|i| i + "Results: ".len()))
        .expect("a result count");
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .expect("a number")
}

#[tokio::test]
async fn home_in_both_languages() {
    let t = demo().await;
    let (vi, en) = both(&t, "/", 200).await;
    assert!(
        vi.contains("<label for=\"q\">Tìm bộ dữ liệu</label>"),
        "{vi}"
    );
    assert!(vi.contains("action=\"/search\""));
    assert!(en.contains("action=\"/en/search\""));
    assert!(vi.contains("49 bộ dữ liệu"), "{vi}");
    assert!(en.contains("49 datasets"));
    assert!(en.contains("publishing organizations"));
    assert!(en.contains("% of datasets have an open license"));
    assert!(vi.contains("href=\"/search?f=provenance%3Aofficial\""));
    assert!(en.contains("href=\"/en/search?f=provenance%3Acommunity\""));
    assert!(vi.contains("href=\"/search?f=theme%3A"), "theme links");
    assert_eq!(vi.matches("<li class=\"hit\">").count(), 6, "six newest");
    assert!(vi.contains("href=\"/assets/portal.css\""));
    // The search box offers suggestions through the script (labels in the page's language).
    assert!(vi.contains("<script src=\"/assets/portal.js?v="), "{vi}");
    assert!(vi.contains("data-suggest=\"/api/1/suggest\" data-prefix=\"\" data-lang=\"vi\""));
    assert!(vi.contains("data-label-datasets=\"Bộ dữ liệu\""));
    assert!(en.contains("data-prefix=\"/en\" data-lang=\"en\""));
    assert!(en.contains("data-label-datasets=\"Datasets\""));
    assert!(vi.contains("class=\"skip-link\" href=\"#main\""));
    // `/en` alone is the English home too.
    let bare = html(&t.get("/en", None).await, 200);
    assert!(bare.contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn search_lists_highlighted_results_with_facets_and_sorts() {
    let t = demo().await;
    let (vi, en) = both(&t, "/search?q=ngan+sach", 200).await;
    assert!(total(&vi) > 0);
    assert_eq!(total(&vi), total(&en));
    assert!(vi.contains("<mark>"), "highlights: {vi}");
    assert!(vi.contains("href=\"/dataset/mof-state-budget-estimates\""));
    assert!(vi.contains("Dữ liệu chính thức của cơ quan nhà nước"));
    assert!(en.contains("Official government data"));
    assert!(
        vi.contains("href=\"/search?q=ngan+sach&amp;f=provenance%3Aofficial\""),
        "facet link"
    );
    assert!(
        en.contains("href=\"/en/search?q=ngan+sach&amp;sort=modified\""),
        "sort link"
    );
    assert!(
        vi.contains("value=\"ngan sach\""),
        "the query stays in the form"
    );
}

#[tokio::test]
async fn filters_combine_and_chips_remove_them() {
    let t = demo().await;
    let all = total(&html(&t.get("/search", None).await, 200));
    let official = total(&html(
        &t.get("/search?f=provenance:official", None).await,
        200,
    ));
    let community = total(&html(
        &t.get("/search?f=provenance:community", None).await,
        200,
    ));
    assert!(official > 0 && community > 0 && official + community == all);
    // Two values of one facet: either.
    let either = html(
        &t.get("/search?f=provenance:official&f=provenance:community", None)
            .await,
        200,
    );
    assert_eq!(total(&either), all);
    // Two facets: both.
    let open = total(&html(&t.get("/search?f=open_license:yes", None).await, 200));
    let both_page = html(
        &t.get("/en/search?f=provenance:official&f=open_license:yes", None)
            .await,
        200,
    );
    let both_total = total(&both_page);
    assert!(both_total <= official && both_total <= open);
    assert!(
        both_total < official || both_total < open,
        "AND narrows something"
    );
    // Each chip removes its own filter.
    assert!(both_page.contains("href=\"/en/search?f=open_license%3Ayes\" aria-label=\"Remove filter Provenance: Official data\""), "{both_page}");
    assert!(both_page.contains("href=\"/en/search?f=provenance%3Aofficial\" aria-label=\"Remove filter Open license: Open license\""));
    assert!(both_page.contains("Clear all filters"));
    // No results: suggestions and the request link.
    let none = html(
        &t.get("/search?q=zzqqxxyy&f=provenance:community", None)
            .await,
        200,
    );
    assert_eq!(total(&none), 0);
    assert!(none.contains("Không tìm thấy bộ dữ liệu nào"));
    assert!(none.contains("href=\"/requests/new?q=zzqqxxyy\""));
    assert!(
        none.contains("href=\"/search?q=zzqqxxyy\""),
        "remove the filters"
    );
}

#[tokio::test]
async fn hostile_titles_are_escaped() {
    let t = demo().await;
    let (_, token) = t.user("admin@example.org", true).await;
    let created = t
        .post(
            "/api/1/datasets",
            Some(&token),
            json!({
                "slug": "hostile",
                "title": {"vi": "<script>alert(1)</script> Ngân sách độc", "en": "<script>alert(2)</script> Hostile budget"},
                "description": {"vi": "Mô tả <script>alert(3)</script> <!-- x", "en": "Text <img src=x onerror=alert(4)>"},
                "keywords": ["zzkeyword"],
                "publisher": "mof",
                "license": "cc-by-4.0",
                "status": "published",
                "access_rights": "public",
            }),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201, "{:?}", created.json());
    t.sync_search().await;
    // Matched in the title (highlighted) and elsewhere only (the title as it is).
    for path in [
        "/search?q=zzkeyword",
        "/search?q=ngan+sach+doc",
        "/en/search?q=hostile",
        "/dataset/hostile",
        "/en/dataset/hostile",
    ] {
        let page = html(&t.get(path, None).await, 200);
        // Inside the JSON-LD script, `<` is text (and `</` is written `<\/`): look elsewhere.
        let body = without_json_ld(&page);
        for n in 1..=4 {
            assert!(
                !body.contains(&format!("<script>alert({n})")),
                "{path}: {body}"
            );
        }
        assert!(!body.contains("<img"), "{path}");
        assert!(
            body.contains("&lt;script&gt;alert("),
            "{path}: escaped title"
        );
    }
    let page = html(&t.get("/dataset/hostile", None).await, 200);
    let ld = json_ld(&page);
    assert_eq!(ld["name"], "<script>alert(1)</script> Ngân sách độc");
}

/// The page without its JSON-LD script element.
fn without_json_ld(body: &str) -> String {
    let start = body.find("<script type=\"application/ld+json\">");
    match start.and_then(|start| Some((start, start + body[start..].find("</script>")?))) {
        Some((start, end)) => format!("{}{}", &body[..start], &body[end..]),
        None => body.to_string(),
    }
}

/// The JSON-LD of a page, parsed.
fn json_ld(body: &str) -> Value {
    let start = body
        .find("<script type=\"application/ld+json\">")
        .expect("a JSON-LD script")
        + "<script type=\"application/ld+json\">".len();
    let end = start + body[start..].find("</script>").expect("its end");
    serde_json::from_str(&body[start..end]).expect("JSON-LD is JSON")
}

#[tokio::test]
async fn every_demo_dataset_page_has_the_schema_org_properties_google_requires() {
    let t = demo().await;
    let listed = t.get("/api/1/datasets?page_size=1000", None).await;
    let slugs: Vec<String> = listed.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["slug"].as_str().unwrap().to_string())
        .collect();
    assert!(slugs.len() > 10, "the demo catalog has public datasets");
    let Some(bin) = dulieu_dcat::shacl::pyshacl() else {
        return;
    };
    let shapes = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/schemaorg/googleRequired.ttl");
    let validate = |markup: &Value| {
        dulieu_dcat::shacl::validate(
            &bin,
            &[&shapes],
            &serde_json::to_vec(markup).unwrap(),
            dulieu_dcat::RdfSyntax::JsonLd,
            false,
        )
    };
    // One document per language of every page's markup (the two languages' pages describe the
    // same dataset IRI, each with its own url). The context is schema.org's vocabulary written
    // inline (pyshacl would otherwise fetch https://schema.org), with the `http://schema.org/`
    // IRIs the shapes use.
    let mut first = Value::Null;
    for prefix in ["", "/en"] {
        let mut markup = Vec::new();
        for slug in &slugs {
            let page = html(&t.get(&format!("{prefix}/dataset/{slug}"), None).await, 200);
            let mut ld = json_ld(&page);
            ld["@context"] = json!({"@vocab": "http://schema.org/"});
            markup.push(ld);
        }
        let report = validate(&Value::Array(markup.clone()));
        assert!(
            report.conforms && report.violations().is_empty(),
            "{prefix}: {:#?}",
            report.violations()
        );
        first = markup.swap_remove(0);
    }
    // The shapes see the datasets: one with a 4-character description does not conform.
    first["description"] = json!("ngắn");
    let report = validate(&first);
    assert!(
        !report.conforms,
        "a 4-character description must not conform"
    );
}

#[tokio::test]
async fn dataset_page_in_both_languages() {
    let t = demo().await;
    let (vi, en) = both(&t, "/dataset/mof-state-budget-estimates", 200).await;
    assert!(
        vi.contains("<h1>Báo cáo ước thực hiện ngân sách nhà nước quý I, 6 tháng và 9 tháng</h1>")
    );
    assert!(en.contains(
        "<h1>State budget estimate reports for Q1, the first half and the first nine months</h1>"
    ));
    assert!(vi.contains("Dữ liệu chính thức của cơ quan nhà nước"));
    assert!(en.contains("Official government data"));
    assert!(vi.contains("href=\"/organization/mof\""));
    assert!(en.contains("Update frequency"));
    assert!(vi.contains("Giấy phép"));
    assert!(en.contains("curl http://"));
    assert!(en.contains("/api/1/datasets/mof-state-budget-estimates"));
    assert!(vi.contains("Cổng dữ liệu mở. http://"), "citation: {vi}");
    for (body, lang) in [(&vi, "vi"), (&en, "en")] {
        let ld = json_ld(body);
        assert_eq!(ld["@type"], "Dataset");
        assert_eq!(ld["@context"], "https://schema.org");
        assert_eq!(ld["inLanguage"], lang);
        assert!(ld["publisher"]["name"].is_string());
    }
}

#[tokio::test]
async fn dataset_page_lists_downloads() {
    let t = demo().await;
    let (_, token) = t.user("admin@example.org", true).await;
    let ds = t
        .post(
            "/api/1/datasets",
            Some(&token),
            json!({"slug": "with-file", "title": {"vi": "Có tệp"}, "publisher": "mof",
                   "license": "cc-by-4.0", "status": "published", "access_rights": "public",
                   "description": {"vi": "**Đậm** và [liên kết](https://example.org)"}}),
        )
        .await;
    assert_eq!(ds.status.as_u16(), 201);
    let up = t
        .upload(
            "/api/1/datasets/with-file/distributions",
            Some(&token),
            "data.csv",
            b"a,b\n1,2\n",
            &[("title", "Bảng số liệu")],
        )
        .await;
    assert_eq!(up.status.as_u16(), 201, "{:?}", up.json());
    let id = up.json()["id"].as_str().expect("id").to_string();
    let (vi, en) = both(&t, "/dataset/with-file", 200).await;
    assert!(
        vi.contains(&format!("href=\"/api/1/distributions/{id}/download\"")),
        "{vi}"
    );
    assert!(vi.contains("Bảng số liệu"));
    assert!(vi.contains("8 B"), "size: {vi}");
    assert!(en.contains("CSV"));
    assert!(vi.contains("<strong>Đậm</strong>"), "Markdown");
    let ld = json_ld(&vi);
    assert_eq!(ld["distribution"][0]["@type"], "DataDownload");
    assert!(
        ld["distribution"][0]["contentUrl"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/1/distributions/{id}/download"))
    );
}

#[tokio::test]
async fn organizations_are_separated_by_provenance() {
    let t = demo().await;
    let (vi, en) = both(&t, "/organizations", 200).await;
    let official = vi
        .find("<h2 id=\"sec-official\">Cơ quan nhà nước</h2>")
        .expect("official section");
    let community = vi
        .find("<h2 id=\"sec-community\">Tổ chức ngoài nhà nước</h2>")
        .expect("community section");
    let mof = vi.find("href=\"/organization/mof\"").expect("mof listed");
    let papi = vi.find("href=\"/organization/papi\"").expect("papi listed");
    assert!(official < mof && mof < community && community < papi);
    assert!(en.contains("Non-government publishers"));
    assert!(en.contains("Central ministry or agency"));
    assert!(en.contains("href=\"/en/organization/papi\""));

    let (vi, en) = both(&t, "/organization/mof", 200).await;
    assert!(vi.contains("Dữ liệu chính thức của cơ quan nhà nước"));
    assert!(vi.contains("Bộ, ngành trung ương"));
    assert!(vi.contains("href=\"/dataset/mof-state-budget-estimates\""));
    assert!(en.contains("href=\"/en/search?f=organization%3Amof\""));
    let (vi, en) = both(&t, "/organization/papi", 200).await;
    assert!(vi.contains("badge-community"));
    assert!(en.contains("Community data"));
    assert!(en.contains("https://papi.org.vn"));
}

#[tokio::test]
async fn error_pages_are_html_in_the_page_language() {
    let t = demo().await;
    for (path, status, lang, text) in [
        ("/dataset/khong-co", 404, "vi", "Không tìm thấy trang"),
        ("/en/dataset/missing", 404, "en", "Page not found"),
        ("/organization/khong-co", 404, "vi", "Không tìm thấy trang"),
        ("/khong-co-trang-nay", 404, "vi", "Không tìm thấy trang"),
        ("/en/no-such-page", 404, "en", "Page not found"),
        ("/search?f=bogus:x", 400, "vi", "Yêu cầu không hợp lệ"),
        ("/en/search?f=nocolon", 400, "en", "Bad request"),
        ("/en/search?page=9999", 400, "en", "Bad request"),
        (
            "/search?q=ngan+sach&page=50",
            400,
            "vi",
            "Yêu cầu không hợp lệ",
        ),
        ("/en/search?sort=best", 400, "en", "Bad request"),
    ] {
        let body = html(&t.get(path, None).await, status);
        assert!(body.contains(&format!("<html lang=\"{lang}\">")), "{path}");
        assert!(body.contains(text), "{path}: {body}");
        assert!(body.contains("role=\"search\""), "{path}: search form");
        let home = if lang == "en" {
            "href=\"/en/\""
        } else {
            "href=\"/\""
        };
        assert!(body.contains(home), "{path}: home link");
    }
    // The API keeps its JSON errors.
    let api = t.get("/api/1/nothing-here", None).await;
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.error_code(), "not_found");
}

#[tokio::test]
async fn the_stylesheet_is_embedded_and_cached() {
    let t = TestApp::new().await;
    let css = t.get("/assets/portal.css", None).await;
    assert_eq!(css.status.as_u16(), 200);
    assert!(
        css.header("content-type")
            .unwrap_or_default()
            .starts_with("text/css")
    );
    assert!(
        css.header("cache-control")
            .unwrap_or_default()
            .contains("max-age=31536000")
    );
    assert!(String::from_utf8_lossy(&css.body).contains(":focus-visible"));
}
