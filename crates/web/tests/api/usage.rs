//! Usage counting: downloads through the API count once per new download (in the app's download
//! use case), and the most-used public datasets and per-dataset totals read them back.

use axum::body::Body;
use axum::http::{Method, Request};
use dulieu_core::vocab::{OrgKind, Role};
use dulieu_testkit::TestApp;
use serde_json::json;
use uuid::Uuid;

/// An organization with an editor, a public and a draft dataset; returns the editor's token.
async fn catalog(t: &TestApp) -> String {
    t.organization("thong-ke", OrgKind::National).await;
    let (editor, token) = t.user("bien-tap@example.vn", false).await;
    t.grant("thong-ke", &editor.email, Role::Editor).await;
    for (slug, status) in [("cong-khai", "published"), ("ban-nhap", "draft")] {
        let created = t
            .post(
                "/api/1/datasets",
                Some(&token),
                json!({"slug": slug, "title": {"vi": slug}, "publisher": "thong-ke", "status": status}),
            )
            .await;
        assert_eq!(created.status.as_u16(), 201);
    }
    token
}

/// Uploads a small file to `slug`; returns the distribution id.
async fn upload(t: &TestApp, token: &str, slug: &str) -> Uuid {
    let answer = t
        .upload(
            &format!("/api/1/datasets/{slug}/distributions"),
            Some(token),
            "so-lieu.csv",
            b"a,b\n1,2\n",
            &[],
        )
        .await;
    assert_eq!(answer.status.as_u16(), 201);
    answer.json()["id"].as_str().unwrap().parse().unwrap()
}

async fn download(t: &TestApp, method: Method, id: Uuid, range: Option<&str>, token: Option<&str>) {
    let mut request = Request::builder()
        .method(method)
        .uri(format!("/api/1/distributions/{id}/download"));
    if let Some(range) = range {
        request = request.header("range", range);
    }
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let answer = t.call(request.body(Body::empty()).unwrap()).await;
    assert!(
        answer.status.is_success() || answer.status.is_redirection(),
        "{answer:?}"
    );
}

async fn dataset_id(t: &TestApp, slug: &str, token: &str) -> Uuid {
    let dataset = t.get(&format!("/api/1/datasets/{slug}"), Some(token)).await;
    dataset.json()["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn new_downloads_count_once_and_parts_do_not() {
    let t = TestApp::new().await;
    let token = catalog(&t).await;
    let file = upload(&t, &token, "cong-khai").await;
    let public = dataset_id(&t, "cong-khai", &token).await;
    assert_eq!(t.app.total_downloads(public).await.unwrap(), 0);
    assert!(t.app.most_used_datasets(6).await.unwrap().is_empty());

    download(&t, Method::GET, file, None, None).await;
    download(&t, Method::GET, file, Some("bytes=0-3"), None).await;
    download(&t, Method::GET, file, Some("bytes=4-"), None).await;
    download(&t, Method::HEAD, file, None, None).await;
    assert_eq!(
        t.app.total_downloads(public).await.unwrap(),
        2,
        "a whole file and a download from the start count; a later part and HEAD do not"
    );

    let link = t
        .post(
            "/api/1/datasets/cong-khai/distributions",
            Some(&token),
            json!({"url": "https://example.vn/so-lieu.xlsx"}),
        )
        .await;
    let link: Uuid = link.json()["id"].as_str().unwrap().parse().unwrap();
    download(&t, Method::GET, link, None, None).await;
    assert_eq!(
        t.app.total_downloads(public).await.unwrap(),
        3,
        "following a link counts"
    );
}

#[tokio::test]
async fn the_most_used_are_public_datasets_most_downloaded_first() {
    let t = TestApp::new().await;
    let token = catalog(&t).await;
    let public_file = upload(&t, &token, "cong-khai").await;
    let draft_file = upload(&t, &token, "ban-nhap").await;
    for _ in 0..3 {
        download(&t, Method::GET, draft_file, None, Some(&token)).await;
    }
    download(&t, Method::GET, public_file, None, None).await;
    let draft = dataset_id(&t, "ban-nhap", &token).await;
    assert_eq!(
        t.app.total_downloads(draft).await.unwrap(),
        3,
        "members' downloads of drafts count too"
    );

    let most_used = t.app.most_used_datasets(6).await.unwrap();
    let listed: Vec<(&str, u64)> = most_used
        .iter()
        .map(|u| (u.dataset.slug.as_str(), u.downloads))
        .collect();
    assert_eq!(listed, vec![("cong-khai", 1)], "drafts are never listed");
    assert!(t.app.most_used_datasets(0).await.unwrap().is_empty());
}
