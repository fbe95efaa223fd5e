//! Downloads (whole, ranges, conditional), file versions, link redirects and the upload limit.

use axum::http::Method;

use crate::support::*;

const V1: &[u8] = b"nam,gdp\n2018,5422\n2019,5739\n";
const V2: &[u8] = b"nam,gdp\n2018,5422\n2019,5739\n2020,5819\n2021,6192\n";

async fn uploaded(w: &World) -> (Value, String) {
    w.dataset("tai-ve", "published", "public").await;
    let file = w.upload("tai-ve", "gdp.csv", V1).await;
    let id = uuid_of(&file["id"]);
    (file, id)
}

fn replace(id: &str, token: Option<&str>, filename: &str, bytes: &[u8]) -> axum::http::Request<axum::body::Body> {
    multipart(
        Method::POST,
        &format!("/api/1/distributions/{id}/versions"),
        token,
        &[Part::File("file", filename, bytes)],
    )
}

#[tokio::test]
async fn download_streams_the_exact_bytes_with_headers() {
    let w = World::new().await;
    let (_, id) = uploaded(&w).await;
    let response = w.t.get(&format!("/api/1/distributions/{id}/download"), None).await;
    status(&response, 200);
    assert_eq!(response.body.as_ref(), V1);
    assert_eq!(response.header("content-type").as_deref(), Some("text/csv"));
    assert_eq!(response.header("content-length"), Some(V1.len().to_string()));
    assert_eq!(response.header("etag"), Some(format!("\"{}\"", sha256_hex(V1))));
    assert_eq!(response.header("accept-ranges").as_deref(), Some("bytes"));
    assert_eq!(response.header("content-range"), None);
    let disposition = response.header("content-disposition").unwrap_or_default();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("filename=\"gdp.csv\""), "{disposition}");
}

#[tokio::test]
async fn download_serves_byte_ranges() {
    let w = World::new().await;
    let (_, id) = uploaded(&w).await;
    let path = format!("/api/1/distributions/{id}/download");
    let size = V1.len();
    let etag = format!("\"{}\"", sha256_hex(V1));

    let first = w.t.call(get_with(&path, None, &[("range", "bytes=0-4")])).await;
    status(&first, 206);
    assert_eq!(first.body.as_ref(), &V1[0..5]);
    assert_eq!(first.header("content-range"), Some(format!("bytes 0-4/{size}")));
    assert_eq!(first.header("content-length").as_deref(), Some("5"));
    assert_eq!(first.header("etag"), Some(etag.clone()));
    assert_eq!(first.header("content-type").as_deref(), Some("text/csv"));

    let middle = w.t.call(get_with(&path, None, &[("range", "bytes=8-11")])).await;
    status(&middle, 206);
    assert_eq!(middle.body.as_ref(), &V1[8..12]);
    assert_eq!(middle.header("content-range"), Some(format!("bytes 8-11/{size}")));

    let open_ended = w.t.call(get_with(&path, None, &[("range", "bytes=10-")])).await;
    status(&open_ended, 206);
    assert_eq!(open_ended.body.as_ref(), &V1[10..]);
    assert_eq!(open_ended.header("content-range"), Some(format!("bytes 10-{}/{size}", size - 1)));
    assert_eq!(open_ended.header("content-length"), Some((size - 10).to_string()));

    let suffix = w.t.call(get_with(&path, None, &[("range", "bytes=-5")])).await;
    status(&suffix, 206);
    assert_eq!(suffix.body.as_ref(), &V1[size - 5..]);
    assert_eq!(
        suffix.header("content-range"),
        Some(format!("bytes {}-{}/{size}", size - 5, size - 1))
    );

    let past_end = w.t.call(get_with(&path, None, &[("range", "bytes=20-1000")])).await;
    status(&past_end, 206);
    assert_eq!(past_end.body.as_ref(), &V1[20..]);
    assert_eq!(past_end.header("content-range"), Some(format!("bytes 20-{}/{size}", size - 1)));

    // several ranges or another unit: the whole file
    let whole = w.t.call(get_with(&path, None, &[("range", "bytes=0-1,4-5")])).await;
    status(&whole, 200);
    assert_eq!(whole.body.as_ref(), V1);
}

#[tokio::test]
async fn unsatisfiable_ranges_get_416() {
    let w = World::new().await;
    let (_, id) = uploaded(&w).await;
    let path = format!("/api/1/distributions/{id}/download");
    let size = V1.len();
    for range in [format!("bytes={size}-"), format!("bytes={}-{}", size + 5, size + 10), "bytes=-0".to_string()] {
        let response = w.t.call(get_with(&path, None, &[("range", &range)])).await;
        error(&response, 416, "range_not_satisfiable");
        // RFC 9110 §15.5.17: a 416 to a byte-range request should say the current length.
        assert_eq!(
            response.header("content-range"),
            Some(format!("bytes */{size}")),
            "{range}"
        );
    }
}

#[tokio::test]
async fn if_none_match_gives_304() {
    let w = World::new().await;
    let (_, id) = uploaded(&w).await;
    let path = format!("/api/1/distributions/{id}/download");
    let etag = format!("\"{}\"", sha256_hex(V1));
    for header in [etag.clone(), format!("\"abc\", {etag}"), "*".to_string()] {
        let response = w.t.call(get_with(&path, None, &[("if-none-match", &header)])).await;
        status(&response, 304);
        assert!(response.body.is_empty());
        assert_eq!(response.header("etag"), Some(etag.clone()));
    }
    let stale = w.t.call(get_with(&path, None, &[("if-none-match", "\"0000\"")])).await;
    status(&stale, 200);
    assert_eq!(stale.body.as_ref(), V1);
}

#[tokio::test]
async fn replacing_the_file_adds_a_version_and_keeps_the_old_one() {
    let w = World::new().await;
    let (file, id) = uploaded(&w).await;
    let response = w.t.call(replace(&id, w.editor.auth(), "gdp-2021.csv", V2)).await;
    let replaced = ok(&response, 201);
    assert_keys(&replaced, DISTRIBUTION_KEYS);
    assert_eq!(replaced["id"], file["id"]);
    assert_eq!(replaced["version"], 2);
    assert_eq!(replaced["sha256"], sha256_hex(V2).as_str());
    assert_eq!(replaced["byte_size"], V2.len());
    assert_eq!(replaced["filename"], "gdp-2021.csv");
    assert_eq!(replaced["url"], file["url"]);
    assert_eq!(replaced["title"], file["title"]);
    assert_eq!(replaced["format"], "CSV");
    assert_eq!(ok(&w.t.get(&format!("/api/1/distributions/{id}"), None).await, 200), replaced);
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/tai-ve", None).await, 200)["distributions"],
        json!([replaced.clone()])
    );

    // the current download is the new file
    let current = w.t.get(&format!("/api/1/distributions/{id}/download"), None).await;
    status(&current, 200);
    assert_eq!(current.body.as_ref(), V2);
    assert_eq!(current.header("etag"), Some(format!("\"{}\"", sha256_hex(V2))));
    assert_eq!(current.header("content-length"), Some(V2.len().to_string()));

    // both versions, newest first
    let versions = ok(&w.t.get(&format!("/api/1/distributions/{id}/versions"), None).await, 200);
    let versions = versions.as_array().expect("array").clone();
    assert_eq!(versions.len(), 2);
    for version in &versions {
        assert_keys(version, VERSION_KEYS);
        assert_eq!(version["distribution_id"], id.as_str());
        assert_eq!(version["created_by"], w.editor.id.as_str());
        assert_eq!(version["media_type"], "text/csv");
    }
    assert_eq!(versions[0]["version"], 2);
    assert_eq!(versions[0]["sha256"], sha256_hex(V2).as_str());
    assert_eq!(versions[0]["byte_size"], V2.len());
    assert_eq!(versions[0]["filename"], "gdp-2021.csv");
    assert_eq!(versions[1]["version"], 1);
    assert_eq!(versions[1]["sha256"], sha256_hex(V1).as_str());
    assert_eq!(versions[1]["byte_size"], V1.len());
    assert_eq!(versions[1]["filename"], "gdp.csv");

    // each version stays downloadable
    let old = w.t.get(&format!("/api/1/distributions/{id}/versions/1/download"), None).await;
    status(&old, 200);
    assert_eq!(old.body.as_ref(), V1);
    assert_eq!(old.header("etag"), Some(format!("\"{}\"", sha256_hex(V1))));
    assert_eq!(old.header("content-length"), Some(V1.len().to_string()));
    assert_eq!(old.header("content-type").as_deref(), Some("text/csv"));
    let old_range = w
        .t
        .call(get_with(&format!("/api/1/distributions/{id}/versions/1/download"), None, &[("range", "bytes=0-2")]))
        .await;
    status(&old_range, 206);
    assert_eq!(old_range.body.as_ref(), &V1[..3]);
    let new = w.t.get(&format!("/api/1/distributions/{id}/versions/2/download"), None).await;
    status(&new, 200);
    assert_eq!(new.body.as_ref(), V2);
    for missing in ["3", "0", "x"] {
        error(
            &w.t.get(&format!("/api/1/distributions/{id}/versions/{missing}/download"), None).await,
            404,
            "not_found",
        );
    }

    // a third version; uploading identical bytes again is still a new version
    let third = ok(&w.t.call(replace(&id, w.admin.auth(), "gdp.csv", V1)).await, 201);
    assert_eq!(third["version"], 3);
    assert_eq!(third["sha256"], sha256_hex(V1).as_str());
    let versions = ok(&w.t.get(&format!("/api/1/distributions/{id}/versions"), None).await, 200);
    assert_eq!(pluck(versions.as_array().expect("array"), "version"), vec!["3", "2", "1"]);
    // content-addressed: two distinct blobs on disk
    assert_eq!(files_under(&w.t.config.effective_blobs_dir()).len(), 2);
}

#[tokio::test]
async fn replacing_is_refused_for_links_wrong_bodies_and_readers() {
    let w = World::new().await;
    let (_, id) = uploaded(&w).await;
    let link = w.link("tai-ve", "https://gso.gov.vn/gdp.csv").await;
    let link_id = uuid_of(&link["id"]);
    invalid(
        &w.t.call(replace(&link_id, w.editor.auth(), "a.csv", b"a")).await,
        &[("file", "url_with_upload")],
    );
    error(
        &w.t.post(&format!("/api/1/distributions/{id}/versions"), w.editor.auth(), json!({"url": "https://x.vn/a.csv"}))
            .await,
        415,
        "unsupported_media_type",
    );
    error(
        &w.t.call(multipart(
            Method::POST,
            &format!("/api/1/distributions/{id}/versions"),
            w.editor.auth(),
            &[Part::Text("ghi-chu", "x")],
        ))
        .await,
        422,
        "invalid_input",
    );
    error(
        &w.t.call(multipart(Method::POST, &format!("/api/1/distributions/{id}/versions"), w.editor.auth(), &[]))
            .await,
        400,
        "missing_file",
    );
    error(&w.t.call(replace(&id, None, "a.csv", b"a")).await, 401, "unauthenticated");
    error(&w.t.call(replace(&id, w.member.auth(), "a.csv", b"a")).await, 403, "forbidden");
    error(&w.t.call(replace(&id, w.outsider.auth(), "a.csv", b"a")).await, 403, "forbidden");
    let versions = ok(&w.t.get(&format!("/api/1/distributions/{id}/versions"), None).await, 200);
    assert_eq!(versions.as_array().map(Vec::len), Some(1));
    assert_eq!(files_under(&w.t.config.effective_blobs_dir()).len(), 1, "only the first file is stored");
}

#[tokio::test]
async fn a_link_download_redirects_to_its_url() {
    let w = World::new().await;
    w.dataset("lien-ket", "published", "public").await;
    let link = w.link("lien-ket", "https://gso.gov.vn/so-lieu/dan-so.xlsx?nam=2019").await;
    let id = uuid_of(&link["id"]);
    let response = w.t.get(&format!("/api/1/distributions/{id}/download"), None).await;
    status(&response, 303);
    assert_eq!(
        response.header("location").as_deref(),
        Some("https://gso.gov.vn/so-lieu/dan-so.xlsx?nam=2019")
    );
    assert_eq!(link["format"], "XLSX");
    let versions = ok(&w.t.get(&format!("/api/1/distributions/{id}/versions"), None).await, 200);
    assert_eq!(versions, json!([]));
}

#[tokio::test]
async fn uploads_over_the_limit_get_413_and_store_nothing() {
    let t = TestApp::with(|c| c.max_upload_bytes = 1000).await;
    let w = World::on(t).await;
    w.dataset("gioi-han", "published", "public").await;
    let blobs = w.t.config.effective_blobs_dir();
    let events_before = {
        let mut conn = w.t.app.store().conn().await.expect("connection");
        dulieu_store::events::last_seq(&mut conn).await.expect("seq")
    };

    let too_big = vec![b'x'; 1001];
    let response = w
        .t
        .upload("/api/1/datasets/gioi-han/distributions", w.editor.auth(), "lon.csv", &too_big, &[])
        .await;
    let body = error(&response, 413, "payload_too_large");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("1000")), "{body}");
    let far_too_big = vec![b'y'; 64 * 1024];
    error(
        &w.t.upload("/api/1/datasets/gioi-han/distributions", w.editor.auth(), "rat-lon.csv", &far_too_big, &[])
            .await,
        413,
        "payload_too_large",
    );
    assert_eq!(ok(&w.t.get("/api/1/datasets/gioi-han", None).await, 200)["distributions"], json!([]));
    assert_eq!(files_under(&blobs), Vec::<std::path::PathBuf>::new(), "nothing left under {blobs:?}");
    {
        let mut conn = w.t.app.store().conn().await.expect("connection");
        assert_eq!(
            dulieu_store::events::last_seq(&mut conn).await.expect("seq"),
            events_before,
            "no event recorded"
        );
    }

    // exactly the limit is fine
    let exact = vec![b'z'; 1000];
    let file = w.upload("gioi-han", "vua-du.csv", &exact).await;
    assert_eq!(file["byte_size"], 1000);
    let id = uuid_of(&file["id"]);
    assert_eq!(files_under(&blobs).len(), 1);

    // a replacement over the limit changes nothing either
    error(&w.t.call(replace(&id, w.editor.auth(), "lon.csv", &too_big)).await, 413, "payload_too_large");
    let current = ok(&w.t.get(&format!("/api/1/distributions/{id}"), None).await, 200);
    assert_eq!(current["version"], 1);
    assert_eq!(current["sha256"], sha256_hex(&exact).as_str());
    let versions = ok(&w.t.get(&format!("/api/1/distributions/{id}/versions"), None).await, 200);
    assert_eq!(versions.as_array().map(Vec::len), Some(1));
    assert_eq!(files_under(&blobs).len(), 1);
    let download = w.t.get(&format!("/api/1/distributions/{id}/download"), None).await;
    assert_eq!(download.body.as_ref(), exact.as_slice());
}
