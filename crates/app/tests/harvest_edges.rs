//! Harvesting at the edges: pages of one dataset read by key, a copy marked gone that the
//! sweep finds again, one unreadable dataset in a catalog, a run whose lease another server
//! took, and a remote publisher whose name a local organization already has.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use chrono::{Duration, Utc};
use dulieu_core::harvest::HarvestOutcome;
use dulieu_core::vocab::OrgKind;
use dulieu_testkit::TestApp;
use serde_json::json;
use uuid::Uuid;

use crate::harvest::{
    budget_dataset, copy_titled, counts, ended_run, portal_a, portal_b, portal_b_on, publish, run,
};

async fn add_source(b: &TestApp, token: &str, slug: &str, kind: &str, url: &str) -> Uuid {
    let created = b
        .post(
            "/api/1/harvest/sources",
            Some(token),
            json!({"slug": slug, "title": slug, "kind": kind, "url": url, "grace_days": 7}),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    created.json()["id"].as_str().unwrap().parse().unwrap()
}

/// Portal A, on loopback `port`, as the CKAN source `portal-a` of `b`.
async fn add_portal_a(b: &TestApp, token: &str, port: u16) -> Uuid {
    add_source(
        b,
        token,
        "portal-a",
        "ckan",
        &format!("http://127.0.0.1:{port}"),
    )
    .await
}

#[tokio::test]
async fn ckan_pages_of_one_dataset_are_read_by_key_and_again_incrementally() {
    let (a, a_token, port) = portal_a().await;
    for year in 2021..=2024 {
        let mut body = budget_dataset(&format!("ngan-sach-{year}"), "published");
        body["title"] = json!({"vi": format!("Ngân sách {year}"), "en": "Budget"});
        publish(&a, &a_token, body).await;
    }
    a.sync_search().await;
    let b = TestApp::with(|c| {
        c.fetch.allow_networks = vec!["127.0.0.1/32".into()];
        c.fetch.allowed_ports.push(port);
        c.harvest.page_size = 1;
    })
    .await;
    let (_, token) = b.user("admin@b.test", true).await;
    add_portal_a(&b, &token, port).await;
    let first = run(&b, &token, "portal-a").await;
    assert_eq!(counts(&first), (4, 0, 0, 0, 0), "{first:?}");
    for year in 2021..=2024 {
        copy_titled(&b, &token, &format!("Ngân sách {year}")).await;
    }
    // Incremental: from the newest change read (that one again, unchanged), nothing gone.
    let again = run(&b, &token, "portal-a").await;
    assert_eq!(again.outcome, HarvestOutcome::Succeeded, "{again:?}");
    assert_eq!(counts(&again), (0, 0, 1, 0, 0), "{again:?}");
}

#[tokio::test]
async fn a_copy_marked_gone_that_the_sweep_finds_again_is_no_longer_gone() {
    let (a, a_token, port) = portal_a().await;
    publish(&a, &a_token, budget_dataset("ngan-sach-2024", "published")).await;
    a.sync_search().await;
    let (b, token) = portal_b(port).await;
    let source = add_portal_a(&b, &token, port).await;
    assert_eq!(counts(&run(&b, &token, "portal-a").await), (1, 0, 0, 0, 0));
    let copy = copy_titled(&b, &token, "Ngân sách nhà nước 2024").await;
    let copy_id: Uuid = copy["id"].as_str().unwrap().parse().unwrap();
    let remote_id = a.get("/api/1/datasets/ngan-sach-2024", None).await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // A sweep that missed it once, long ago, and a harvest that archived it then.
    let mut conn = b.app.store().conn().await.unwrap();
    let long_ago = Utc::now() - Duration::days(30);
    dulieu_store::harvest::set_gone(&mut conn, source, &remote_id, Some(long_ago))
        .await
        .unwrap();
    drop(conn);
    let archived = b
        .patch(
            &format!("/api/1/datasets/{copy_id}"),
            Some(&token),
            json!({"status": "archived"}),
        )
        .await;
    assert_eq!(archived.status, 200, "{:?}", archived.body);

    // Nothing changed on A: the incremental read brings nothing, the sweep finds it.
    let again = run(&b, &token, "portal-a").await;
    assert_eq!(again.outcome, HarvestOutcome::Succeeded, "{again:?}");
    assert_eq!(again.archived, 0, "{again:?}");
    let origin = b.app.dataset_origin(copy_id).await.unwrap().unwrap();
    assert_eq!(origin.gone_since, None);
    let copy = b
        .get(&format!("/api/1/datasets/{copy_id}"), Some(&token))
        .await
        .json();
    assert_eq!(copy["status"], "published", "{copy}");
}

/// A DCAT catalog served from a string the test changes.
async fn catalog_server(turtle: Arc<Mutex<String>>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let router = Router::new().route(
        "/catalog.ttl",
        get(move || {
            let body = turtle.lock().unwrap().clone();
            async move { ([(CONTENT_TYPE, "text/turtle")], body) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    port
}

fn dcat_dataset(n: u32, title: Option<&str>) -> String {
    let title = title.map_or(String::new(), |t| format!(r#"dct:title "{t}"@vi ;"#));
    format!(
        r#"<https://remote.example/dataset/{n}> a dcat:Dataset ; {title}
            dct:description "Mô tả bộ dữ liệu số {n}, đủ dài để đọc."@vi ;
            dct:publisher <https://remote.example/org/so-tai-chinh> .
        "#
    )
}

fn dcat_catalog(datasets: &[String]) -> String {
    let refs: Vec<String> = (1..=datasets.len())
        .map(|n| format!("<https://remote.example/dataset/{n}>"))
        .collect();
    format!(
        r#"@prefix dcat: <http://www.w3.org/ns/dcat#> .
        @prefix dct: <http://purl.org/dc/terms/> .
        @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        <https://remote.example/catalog> a dcat:Catalog ; dct:title "Remote"@vi ;
            dcat:dataset {} .
        <https://remote.example/org/so-tai-chinh> a foaf:Agent ; foaf:name "Sở Tài chính"@vi .
        {}"#,
        refs.join(", "),
        datasets.concat()
    )
}

#[tokio::test]
async fn one_unreadable_dataset_fails_alone_and_its_copy_is_not_gone() {
    let turtle = Arc::new(Mutex::new(dcat_catalog(&[
        dcat_dataset(1, Some("Bộ một")),
        dcat_dataset(2, Some("Bộ hai")),
    ])));
    let port = catalog_server(turtle.clone()).await;
    let (b, token) = portal_b(port).await;
    let url = format!("http://127.0.0.1:{port}/catalog.ttl");
    add_source(&b, &token, "remote", "dcat", &url).await;
    let first = run(&b, &token, "remote").await;
    assert_eq!(counts(&first), (2, 0, 0, 0, 0), "{first:?}");
    let second_copy = copy_titled(&b, &token, "Bộ hai").await;

    // Dataset 2 loses its title: it fails alone, dataset 1 is still read, and the copy of 2
    // is not taken for gone.
    *turtle.lock().unwrap() =
        dcat_catalog(&[dcat_dataset(1, Some("Bộ một, sửa")), dcat_dataset(2, None)]);
    let second = run(&b, &token, "remote").await;
    assert_eq!(second.outcome, HarvestOutcome::Succeeded, "{second:?}");
    assert_eq!(counts(&second), (0, 1, 0, 0, 1), "{second:?}");
    let error = &second.item_errors[0];
    assert_eq!(
        error.remote_id, "https://remote.example/dataset/2",
        "{error:?}"
    );
    assert!(error.message.contains("title"), "{error:?}");
    copy_titled(&b, &token, "Bộ một, sửa").await;
    let id = second_copy["id"].as_str().unwrap().parse().unwrap();
    let origin = b.app.dataset_origin(id).await.unwrap().unwrap();
    assert_eq!(origin.gone_since, None, "{origin:?}");
}

#[tokio::test]
async fn a_remote_publisher_never_lands_in_a_local_organization_of_the_same_name() {
    let (a, a_token, port) = portal_a().await;
    publish(&a, &a_token, budget_dataset("ngan-sach-2024", "published")).await;
    a.sync_search().await;
    // B has its own Ministry of Finance under the slug A's uses.
    let (b, token) = portal_b_on(port, None).await;
    b.organization("bo-tai-chinh", OrgKind::National).await;
    add_portal_a(&b, &token, port).await;
    assert_eq!(counts(&run(&b, &token, "portal-a").await), (1, 0, 0, 0, 0));
    let copy = copy_titled(&b, &token, "Ngân sách nhà nước 2024").await;
    assert_eq!(copy["publisher"], "bo-tai-chinh-portal-a", "{copy}");

    // The next change goes to the same organization, not a third one.
    let changed = a
        .patch(
            "/api/1/datasets/ngan-sach-2024",
            Some(&a_token),
            json!({"keywords": ["ngân sách", "2024", "sửa"]}),
        )
        .await;
    assert_eq!(changed.status, 200, "{:?}", changed.body);
    a.sync_search().await;
    let again = run(&b, &token, "portal-a").await;
    assert_eq!(again.updated, 1, "{again:?}");
    let copy = copy_titled(&b, &token, "Ngân sách nhà nước 2024").await;
    assert_eq!(copy["publisher"], "bo-tai-chinh-portal-a", "{copy}");
    let organizations = b
        .get("/api/1/organizations?page_size=100", None)
        .await
        .json();
    let slugs: Vec<&str> = organizations["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs.len(), 2, "{slugs:?}");
}

#[tokio::test]
async fn a_run_whose_lease_another_server_took_stops_without_writing() {
    // A CKAN source that answers the first page only when told to.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (answer, answered) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        let _ = answered.await;
        let body = json!({"success": true, "result": {"count": 0, "results": []}}).to_string();
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(body.as_bytes()).await.unwrap();
    });
    let b = TestApp::with(|c| {
        c.fetch.allow_networks = vec!["127.0.0.1/32".into()];
        c.fetch.allowed_ports.push(port);
    })
    .await;
    let (_, token) = b.user("admin@b.test", true).await;
    let source = add_source(
        &b,
        &token,
        "slow",
        "ckan",
        &format!("http://127.0.0.1:{port}"),
    )
    .await;
    let started = b
        .post(
            "/api/1/harvest/sources/slow/run?wait=0",
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(started.status, 202, "{:?}", started.body);

    // Another server takes the source over (as if this one had stalled past its lease).
    let mut conn = b.app.store().conn().await.unwrap();
    sqlx::query("UPDATE harvest_sources SET lease_run_id = $1 WHERE id = $2")
        .bind(Uuid::now_v7().to_string())
        .bind(source.to_string())
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    // The page arrives: the run, no longer holding the source, writes nothing of it.
    answer.send(()).unwrap();
    let latest = ended_run(&b, &token, "slow").await;
    assert_eq!(latest["outcome"], "failed", "{latest}");
    assert_eq!(latest["error_code"], "lease_lost", "{latest}");
}
