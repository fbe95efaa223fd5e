//! The catalog exports over HTTP: DCAT-AP 3 in three syntaxes with content negotiation and
//! Hydra paging, checked by pyshacl against the official shapes on the demo catalog; the
//! dataset documents; data.json; the sitemap and robots.txt. Only public datasets appear.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dulieu_dcat::shacl;
use dulieu_dcat::{RdfSyntax, read_dcat};

use crate::support::*;

const BASE: &str = "http://dulieu.test";

async fn get_accept(t: &TestApp, path: &str, accept: Option<&str>) -> TestResponse {
    let mut request = Request::get(path);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    t.call(request.body(Body::empty()).unwrap()).await
}

fn shapes(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/dcat-ap-3.0.1")
        .join(name)
}

/// Public datasets as the anonymous API lists them.
async fn public_total(t: &TestApp) -> u64 {
    ok(&t.get("/api/1/datasets?page_size=1", None).await, 200)["total"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn exports_of_the_demo_catalog_conform_to_dcat_ap_3_and_read_back() {
    let t = TestApp::demo().await;
    let total = public_total(&t).await;
    assert!(total > 10, "the demo catalog has public datasets");
    let bin = shacl::pyshacl();
    for syntax in RdfSyntax::ALL {
        let path = format!("/catalog.{}", syntax.extension());
        let response = t.get(&path, None).await;
        assert_eq!(response.status, StatusCode::OK, "{path}");
        let content_type = response.header("content-type").unwrap();
        assert!(
            content_type.starts_with(syntax.media_type()),
            "{content_type}"
        );
        let page = read_dcat(&response.body, syntax, &format!("{BASE}{path}"))
            .unwrap_or_else(|err| panic!("{path}: {err}"));
        assert_eq!(page.datasets.len() as u64, total, "{path}");
        assert_eq!(page.next, None);
        let Some(bin) = &bin else { continue };
        for file in ["dcat-ap-SHACL.ttl", "shapes.ttl", "range.ttl"] {
            let report = shacl::validate(bin, &[&shapes(file)], &response.body, syntax, false);
            assert!(
                report.conforms && report.violations().is_empty(),
                "{path} against {file}: {:#?}",
                report.violations()
            );
        }
    }
}

#[tokio::test]
async fn exports_negotiate_the_catalog_syntax_and_refuse_others_with_406() {
    let w = World::new().await;
    w.dataset("cong-khai", "published", "public").await;
    for (accept, expected) in [
        (None, "text/turtle"),
        (Some("*/*"), "text/turtle"),
        (Some("application/rdf+xml"), "application/rdf+xml"),
        (
            Some("text/turtle;q=0.5, application/ld+json"),
            "application/ld+json",
        ),
    ] {
        let response = get_accept(&w.t, "/catalog", accept).await;
        assert_eq!(response.status, StatusCode::OK, "{accept:?}");
        assert!(
            response
                .header("content-type")
                .unwrap()
                .starts_with(expected),
            "{accept:?}"
        );
        assert_eq!(response.header("vary").as_deref(), Some("accept"));
    }
    let refused = get_accept(&w.t, "/catalog", Some("text/html")).await;
    assert_eq!(refused.status, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(refused.error_code(), "not_acceptable");
    let message = refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("text/turtle") && message.contains("application/ld+json"));
}

#[tokio::test]
async fn exports_page_the_catalog_with_hydra_links() {
    let w = World::new().await;
    for n in 0..5 {
        w.dataset(&format!("bo-{n}"), "published", "public").await;
    }
    let page_url = |n: u32| format!("{BASE}/catalog.ttl?page={n}&page_size=2");
    let response = w.t.get("/catalog.ttl?page=2&page_size=2", None).await;
    assert_eq!(response.status, StatusCode::OK);
    let text = String::from_utf8(response.body.to_vec()).unwrap();
    let page = read_dcat(response.body.as_ref(), RdfSyntax::Turtle, BASE).unwrap();
    assert_eq!(page.datasets.len(), 2);
    assert_eq!(page.next.as_deref(), Some(page_url(3).as_str()));
    let graph = graph_of(&response.body);
    let view = page_url(2);
    let hydra = |p: &str| format!("http://www.w3.org/ns/hydra/core#{p}");
    for (property, value) in [
        ("first", page_url(1)),
        ("last", page_url(3)),
        ("previous", page_url(1)),
        ("next", page_url(3)),
    ] {
        assert!(
            graph.contains(&format!("<{view}> <{}> <{value}>", hydra(property))),
            "{property} in\n{text}"
        );
    }
    assert!(graph.contains(&format!(
        "<{BASE}/catalog> <{}> \"5\"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>",
        hydra("totalItems")
    )));
    let last = w.t.get("/catalog.ttl?page=3&page_size=2", None).await;
    let last = read_dcat(last.body.as_ref(), RdfSyntax::Turtle, BASE).unwrap();
    assert_eq!((last.datasets.len(), last.next), (1, None));
    // Default page size, past the last page, bad numbers.
    let default = w.t.get("/catalog.jsonld?page=1", None).await;
    let default = read_dcat(default.body.as_ref(), RdfSyntax::JsonLd, BASE).unwrap();
    assert_eq!(default.datasets.len(), 5);
    let past = w.t.get("/catalog.ttl?page=4&page_size=2", None).await;
    assert_eq!(past.status, StatusCode::NOT_FOUND);
    assert_eq!(past.error_code(), "not_found");
    for bad in [
        "page=0",
        "page=abc",
        "page=1&page_size=0",
        "page=1&page_size=1001",
    ] {
        let response = w.t.get(&format!("/catalog.rdf?{bad}"), None).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(response.error_code(), "invalid_input", "{bad}");
    }
}

/// The triples of a Turtle document as N-Triples lines.
fn graph_of(turtle: &[u8]) -> String {
    let mut out = String::new();
    for quad in oxrdfio::RdfParser::from_format(oxrdfio::RdfFormat::Turtle).for_slice(turtle) {
        out.push_str(&quad.unwrap().to_string());
        out.push('\n');
    }
    out
}

#[tokio::test]
async fn exports_leave_out_drafts_and_non_public_datasets() {
    let w = World::new().await;
    let public = w.dataset("cong-khai", "published", "public").await;
    w.dataset("ban-nhap", "draft", "public").await;
    w.dataset("han-che", "published", "restricted").await;
    w.dataset("khong-cong-khai", "published", "non-public")
        .await;
    let catalog = w.t.get("/catalog.ttl", None).await;
    let page = read_dcat(catalog.body.as_ref(), RdfSyntax::Turtle, BASE).unwrap();
    let ids: Vec<&str> = page
        .datasets
        .iter()
        .map(|d| d.as_ref().expect("every dataset reads").remote_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [format!("{BASE}/dataset/{}", public["id"].as_str().unwrap())]
    );
    let data_json = ok(&w.t.get("/data.json", None).await, 200);
    assert_eq!(data_json["dataset"].as_array().unwrap().len(), 1);
    let sitemap = String::from_utf8(w.t.get("/sitemap.xml", None).await.body.to_vec()).unwrap();
    assert!(sitemap.contains("/dataset/cong-khai<"));
    for hidden in ["ban-nhap", "han-che", "khong-cong-khai", "unknown-slug"] {
        assert!(
            !sitemap.contains(&format!("/dataset/{hidden}<")),
            "{hidden}"
        );
        for extension in ["ttl", "rdf", "jsonld"] {
            // Even the publisher's editor, signed in, gets no export of a dataset that is not public.
            let response =
                w.t.get(&format!("/dataset/{hidden}.{extension}"), w.editor.auth())
                    .await;
            assert_eq!(
                response.status,
                StatusCode::NOT_FOUND,
                "{hidden}.{extension}"
            );
            assert_eq!(response.error_code(), "not_found");
        }
    }
}

#[tokio::test]
async fn exports_serve_each_public_dataset_and_its_iri() {
    let w = World::new().await;
    let dataset = w.dataset("cong-khai", "published", "public").await;
    let id = dataset["id"].as_str().unwrap();
    for syntax in RdfSyntax::ALL {
        let path = format!("/dataset/cong-khai.{}", syntax.extension());
        let response = w.t.get(&path, None).await;
        assert_eq!(response.status, StatusCode::OK, "{path}");
        assert!(
            response
                .header("content-type")
                .unwrap()
                .starts_with(syntax.media_type())
        );
        let page = read_dcat(response.body.as_ref(), syntax, BASE).unwrap();
        assert_eq!(page.datasets.len(), 1);
        let read = page.datasets[0].as_ref().expect("the dataset reads");
        assert_eq!(read.remote_id, format!("{BASE}/dataset/{id}"));
        assert_eq!(
            read.input.title,
            serde_json::from_value(dataset["title"].clone()).unwrap()
        );
        assert_eq!(read.input.slug.as_deref(), Some("cong-khai"));
    }
    // The dataset's IRI answers RDF to linked-data clients and the page to browsers.
    let rdf = get_accept(&w.t, &format!("/dataset/{id}"), Some("text/turtle")).await;
    assert_eq!(rdf.status, StatusCode::OK);
    assert!(
        rdf.header("content-type")
            .unwrap()
            .starts_with("text/turtle")
    );
    let page = get_accept(&w.t, &format!("/dataset/{id}"), Some("text/html,*/*;q=0.8")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = String::from_utf8(page.body.to_vec()).unwrap();
    assert!(
        html.contains("/dataset/cong-khai.ttl"),
        "alternate link in the page head"
    );
}

#[tokio::test]
async fn exports_data_json_sitemap_and_robots() {
    let w = World::new().await;
    let dataset = w.dataset("cong-khai", "published", "public").await;
    let response = w.t.get("/data.json", None).await;
    assert!(
        response
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let catalog = response.json();
    assert_eq!(
        catalog["conformsTo"],
        "https://project-open-data.cio.gov/v1.1/schema"
    );
    assert_eq!(catalog["@type"], "dcat:Catalog");
    let entry = &catalog["dataset"][0];
    assert_eq!(
        entry["identifier"],
        format!("{BASE}/dataset/{}", dataset["id"].as_str().unwrap())
    );
    assert_eq!(entry["accessLevel"], "public");
    assert_eq!(entry["landingPage"], format!("{BASE}/dataset/cong-khai"));
    let back = dulieu_dcat::read_data_json(&response.body).unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(
        back[0].as_ref().expect("the dataset reads").input.title.vi,
        dataset["title"]["vi"].as_str().map(str::to_string)
    );

    let sitemap = w.t.get("/sitemap.xml", None).await;
    assert!(
        sitemap
            .header("content-type")
            .unwrap()
            .starts_with("application/xml")
    );
    let xml = String::from_utf8(sitemap.body.to_vec()).unwrap();
    assert!(xml.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    for loc in [
        format!("{BASE}/"),
        format!("{BASE}/en"),
        format!("{BASE}/search"),
        format!("{BASE}/organizations"),
        format!("{BASE}/organization/{ORG}"),
        format!("{BASE}/en/organization/{ORG}"),
        format!("{BASE}/dataset/cong-khai"),
        format!("{BASE}/en/dataset/cong-khai"),
    ] {
        assert!(
            xml.contains(&format!("<loc>{loc}</loc>")),
            "{loc} in\n{xml}"
        );
    }
    assert!(xml.contains("<lastmod>"));
    assert_eq!(
        w.t.get("/sitemap.xml?page=2", None).await.status,
        StatusCode::NOT_FOUND
    );
    let robots = w.t.get("/robots.txt", None).await;
    let robots = String::from_utf8(robots.body.to_vec()).unwrap();
    assert!(robots.contains(&format!("Sitemap: {BASE}/sitemap.xml")));
}
