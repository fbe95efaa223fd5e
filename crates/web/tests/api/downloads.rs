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

fn replace(
    id: &str,
    token: Option<&str>,
    filename: &str,
    bytes: &[u8],
) -> axum::http::Request<axum::body::Body> {
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
    let response =
        w.t.get(&format!("/api/1/distributions/{id}/download"), None)
            .await;
    status(&response, 200);
    assert_eq!(response.body.as_ref(), V1);
    assert_eq!(response.header("content-type").as_deref(), Some("text/csv"));
    assert_eq!(
        response.header("content-length"),
        Some(V1.len().to_string())
    );
    assert_eq!(
        response.header("etag"),
        Some(format!("\"{}\"", sha256_hex(V1)))
    );
    assert_eq!(response.header("accept-ranges").as_deref(), Some("bytes"));
    assert_eq!(response.header("content-range"), None);
    let disposition = response.header("content-disposition").unwrap_or_default();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename=\"gdp.csv\""),
        "{disposition}"
    );
}

#[tokio::test]
async fn download_serves_byte_ranges() {
    let w = World::new().await;
    let (_, id) = uploaded(&w).await;
    let path = format!("/api/1/distributions/{id}/download");
    let size = V1.len();
    let etag = format!("\"{}\"", sha256_hex(V1));

    let first =
        w.t.call(get_with(&path, None, &[("range", "bytes=0-4")]))
            .await;
    status(&first, 206);
    assert_eq!(first.body.as_ref(), &V1[0..5]);
    assert_eq!(
        first.header("content-range"),
        Some(format!("bytes 0-4/{size}"))
    );
    assert_eq!(first.header("content-length").as_deref(), Some("5"));
    assert_eq!(first.header("etag"), Some(etag.clone()));
    assert_eq!(first.header("content-type").as_deref(), Some("text/csv"));

    let middle =
        w.t.call(get_with(&path, None, &[("range", "bytes=8-11")]))
            .await;
    status(&middle, 206);
    assert_eq!(middle.body.as_ref(), &V1[8..12]);
    assert_eq!(
        middle.header("content-range"),
        Some(format!("bytes 8-11/{size}"))
    );

    let open_ended =
        w.t.call(get_with(&path, None, &[("range", "bytes=10-")]))
            .await;
    status(&open_ended, 206);
    assert_eq!(open_ended.body.as_ref(), &V1[10..]);
    assert_eq!(
        open_ended.header("content-range"),
        Some(format!("bytes 10-{}/{size}", size - 1))
    );
    assert_eq!(
        open_ended.header("content-length"),
        Some((size - 10).to_string())
    );

    let suffix =
        w.t.call(get_with(&path, None, &[("range", "bytes=-5")]))
            .await;
    status(&suffix, 206);
    assert_eq!(suffix.body.as_ref(), &V1[size - 5..]);
    assert_eq!(
        suffix.header("content-range"),
        Some(format!("bytes {}-{}/{size}", size - 5, size - 1))
    );

    let past_end =
        w.t.call(get_with(&path, None, &[("range", "bytes=20-1000")]))
            .await;
    status(&past_end, 206);
    assert_eq!(past_end.body.as_ref(), &V1[20..]);
    assert_eq!(
        past_end.header("content-range"),
        Some(format!("bytes 20-{}/{size}", size - 1))
    );

    // several ranges or another unit: the whole file
    let whole =
        w.t.call(get_with(&path, None, &[("range", "bytes=0-1,4-5")]))
            .await;
    status(&whole, 200);
    assert_eq!(whole.body.as_ref(), V1);
}

#[tokio::test]
async fn unsatisfiable_ranges_get_416() {
    let w = World::new().await;
    let (_, id) = uploaded(&w).await;
    let path = format!("/api/1/distributions/{id}/download");
    let size = V1.len();
    for range in [
        format!("bytes={size}-"),
        format!("bytes={}-{}", size + 5, size + 10),
        "bytes=-0".to_string(),
    ] {
        let response = w.t.call(get_with(&path, None, &[("range", &range)])).await;
        let body = error(&response, 416, "range_not_satisfiable");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(&size.to_string())),
            "{body}"
        );
    }
    // the same on an older version
    let response =
        w.t.call(get_with(
            &format!("/api/1/distributions/{id}/versions/1/download"),
            None,
            &[("range", "bytes=999-")],
        ))
        .await;
    error(&response, 416, "range_not_satisfiable");
}

#[tokio::test]
async fn a_416_names_the_current_length() {
    // RFC 9110 §14.4 / §15.5.17: a 416 answer to a byte-range request sends `Content-Range: bytes */<length>`.
    let w = World::new().await;
    let (_, id) = uploaded(&w).await;
    let response =
        w.t.call(get_with(
            &format!("/api/1/distributions/{id}/download"),
            None,
            &[("range", "bytes=1000-")],
        ))
        .await;
    status(&response, 416);
    assert_eq!(
        response.header("content-range"),
        Some(format!("bytes */{}", V1.len()))
    );
}

#[tokio::test]
async fn if_none_match_gives_304() {
    let w = World::new().await;
    let (_, id) = uploaded(&w).await;
    let path = format!("/api/1/distributions/{id}/download");
    let etag = format!("\"{}\"", sha256_hex(V1));
    for header in [etag.clone(), format!("\"abc\", {etag}"), "*".to_string()] {
        let response =
            w.t.call(get_with(&path, None, &[("if-none-match", &header)]))
                .await;
        status(&response, 304);
        assert!(response.body.is_empty());
        assert_eq!(response.header("etag"), Some(etag.clone()));
    }
    let stale =
        w.t.call(get_with(&path, None, &[("if-none-match", "\"0000\"")]))
            .await;
    status(&stale, 200);
    assert_eq!(stale.body.as_ref(), V1);
}

#[tokio::test]
async fn replacing_the_file_adds_a_version_and_keeps_the_old_one() {
    let w = World::new().await;
    let (file, id) = uploaded(&w).await;
    let response =
        w.t.call(replace(&id, w.editor.auth(), "gdp-2021.csv", V2))
            .await;
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
    assert_eq!(
        ok(
            &w.t.get(&format!("/api/1/distributions/{id}"), None).await,
            200
        ),
        replaced
    );
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/tai-ve", None).await, 200)["distributions"],
        json!([replaced.clone()])
    );

    // the current download is the new file
    let current =
        w.t.get(&format!("/api/1/distributions/{id}/download"), None)
            .await;
    status(&current, 200);
    assert_eq!(current.body.as_ref(), V2);
    assert_eq!(
        current.header("etag"),
        Some(format!("\"{}\"", sha256_hex(V2)))
    );
    assert_eq!(current.header("content-length"), Some(V2.len().to_string()));

    // both versions, newest first
    let versions = ok(
        &w.t.get(&format!("/api/1/distributions/{id}/versions"), None)
            .await,
        200,
    );
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
    let old =
        w.t.get(
            &format!("/api/1/distributions/{id}/versions/1/download"),
            None,
        )
        .await;
    status(&old, 200);
    assert_eq!(old.body.as_ref(), V1);
    assert_eq!(old.header("etag"), Some(format!("\"{}\"", sha256_hex(V1))));
    assert_eq!(old.header("content-length"), Some(V1.len().to_string()));
    assert_eq!(old.header("content-type").as_deref(), Some("text/csv"));
    let old_range =
        w.t.call(get_with(
            &format!("/api/1/distributions/{id}/versions/1/download"),
            None,
            &[("range", "bytes=0-2")],
        ))
        .await;
    status(&old_range, 206);
    assert_eq!(old_range.body.as_ref(), &V1[..3]);
    let new =
        w.t.get(
            &format!("/api/1/distributions/{id}/versions/2/download"),
            None,
        )
        .await;
    status(&new, 200);
    assert_eq!(new.body.as_ref(), V2);
    for missing in ["3", "0", "x"] {
        error(
            &w.t.get(
                &format!("/api/1/distributions/{id}/versions/{missing}/download"),
                None,
            )
            .await,
            404,
            "not_found",
        );
    }

    // a third version; uploading identical bytes again is still a new version
    let third = ok(
        &w.t.call(replace(&id, w.admin.auth(), "gdp.csv", V1)).await,
        201,
    );
    assert_eq!(third["version"], 3);
    assert_eq!(third["sha256"], sha256_hex(V1).as_str());
    let versions = ok(
        &w.t.get(&format!("/api/1/distributions/{id}/versions"), None)
            .await,
        200,
    );
    assert_eq!(
        pluck(versions.as_array().expect("array"), "version"),
        vec!["3", "2", "1"]
    );
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
        &w.t.call(replace(&link_id, w.editor.auth(), "a.csv", b"a"))
            .await,
        &[("file", "url_with_upload")],
    );
    error(
        &w.t.post(
            &format!("/api/1/distributions/{id}/versions"),
            w.editor.auth(),
            json!({"url": "https://x.vn/a.csv"}),
        )
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
        &w.t.call(multipart(
            Method::POST,
            &format!("/api/1/distributions/{id}/versions"),
            w.editor.auth(),
            &[],
        ))
        .await,
        400,
        "missing_file",
    );
    error(
        &w.t.call(replace(&id, None, "a.csv", b"a")).await,
        401,
        "unauthenticated",
    );
    error(
        &w.t.call(replace(&id, w.member.auth(), "a.csv", b"a")).await,
        403,
        "forbidden",
    );
    error(
        &w.t.call(replace(&id, w.outsider.auth(), "a.csv", b"a"))
            .await,
        403,
        "forbidden",
    );
    let versions = ok(
        &w.t.get(&format!("/api/1/distributions/{id}/versions"), None)
            .await,
        200,
    );
    assert_eq!(versions.as_array().map(Vec::len), Some(1));
    assert_eq!(
        files_under(&w.t.config.effective_blobs_dir()).len(),
        1,
        "only the first file is stored"
    );
}

#[tokio::test]
async fn a_link_download_redirects_to_its_url() {
    let w = World::new().await;
    w.dataset("lien-ket", "published", "public").await;
    let link = w
        .link(
            "lien-ket",
            "https://gso.gov.vn/so-lieu/dan-so.xlsx?nam=2019",
        )
        .await;
    let id = uuid_of(&link["id"]);
    let response =
        w.t.get(&format!("/api/1/distributions/{id}/download"), None)
            .await;
    status(&response, 303);
    assert_eq!(
        response.header("location").as_deref(),
        Some("https://gso.gov.vn/so-lieu/dan-so.xlsx?nam=2019")
    );
    assert_eq!(link["format"], "XLSX");
    let versions = ok(
        &w.t.get(&format!("/api/1/distributions/{id}/versions"), None)
            .await,
        200,
    );
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
        dulieu_store::events::last_seq(&mut conn)
            .await
            .expect("seq")
    };

    let too_big = vec![b'x'; 1001];
    let response =
        w.t.upload(
            "/api/1/datasets/gioi-han/distributions",
            w.editor.auth(),
            "lon.csv",
            &too_big,
            &[],
        )
        .await;
    let body = error(&response, 413, "payload_too_large");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("1000")),
        "{body}"
    );
    let far_too_big = vec![b'y'; 64 * 1024];
    error(
        &w.t.upload(
            "/api/1/datasets/gioi-han/distributions",
            w.editor.auth(),
            "rat-lon.csv",
            &far_too_big,
            &[],
        )
        .await,
        413,
        "payload_too_large",
    );
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/gioi-han", None).await, 200)["distributions"],
        json!([])
    );
    assert_eq!(
        files_under(&blobs),
        Vec::<std::path::PathBuf>::new(),
        "nothing left under {blobs:?}"
    );
    {
        let mut conn = w.t.app.store().conn().await.expect("connection");
        assert_eq!(
            dulieu_store::events::last_seq(&mut conn)
                .await
                .expect("seq"),
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
    error(
        &w.t.call(replace(&id, w.editor.auth(), "lon.csv", &too_big))
            .await,
        413,
        "payload_too_large",
    );
    let current = ok(
        &w.t.get(&format!("/api/1/distributions/{id}"), None).await,
        200,
    );
    assert_eq!(current["version"], 1);
    assert_eq!(current["sha256"], sha256_hex(&exact).as_str());
    let versions = ok(
        &w.t.get(&format!("/api/1/distributions/{id}/versions"), None)
            .await,
        200,
    );
    assert_eq!(versions.as_array().map(Vec::len), Some(1));
    assert_eq!(files_under(&blobs).len(), 1);
    let download =
        w.t.get(&format!("/api/1/distributions/{id}/download"), None)
            .await;
    assert_eq!(download.body.as_ref(), exact.as_slice());
}

#[tokio::test]
async fn if_none_match_uses_weak_comparison() {
    // RFC 9110 §13.1.2: If-None-Match compares entity tags weakly, so W/"x" matches "x".
    let w = World::new().await;
    let (_, id) = uploaded(&w).await;
    let weak = format!("W/\"{}\"", sha256_hex(V1));
    let response =
        w.t.call(get_with(
            &format!("/api/1/distributions/{id}/download"),
            None,
            &[("if-none-match", &weak)],
        ))
        .await;
    status(&response, 304);
    assert!(response.body.is_empty());
}

/// Decodes `%XX` escapes (for comparing a `Location` with the URL it encodes).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len() + 1
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn links_with_vietnamese_urls_redirect_instead_of_failing() {
    let w = World::new().await;
    w.dataset("lien-ket-tieng-viet", "published", "public")
        .await;
    let url = "https://gso.gov.vn/dữ-liệu/dân-số.csv";
    let response =
        w.t.post(
            "/api/1/datasets/lien-ket-tieng-viet/distributions",
            w.editor.auth(),
            json!({"url": url}),
        )
        .await;
    if code(&response) == 422 {
        // refusing such a URL up front is acceptable
        invalid(&response, &[("url", "invalid_url")]);
        return;
    }
    let link = ok(&response, 201);
    let id = uuid_of(&link["id"]);
    let download =
        w.t.get(&format!("/api/1/distributions/{id}/download"), None)
            .await;
    status(&download, 303);
    let raw_location = download
        .headers
        .get("location")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .expect("a Location header");
    // a Location is a URI: non-ASCII characters must be percent-encoded (RFC 9110 §10.2.2, RFC 3986)
    let location = download.header("location").unwrap_or_else(|| {
        panic!("Location is not a valid URI (raw non-ASCII bytes): {raw_location}")
    });
    assert!(location.is_ascii(), "{location}");
    assert_eq!(percent_decode(&location), url);
}

#[tokio::test]
async fn stored_media_types_never_break_downloads() {
    let w = World::new().await;
    w.dataset("kieu-noi-dung", "published", "public").await;
    let response =
        w.t.call(multipart(
            Method::POST,
            "/api/1/datasets/kieu-noi-dung/distributions",
            w.editor.auth(),
            &[
                Part::Text("media_type", "text/csv; charset=\"tiếng việt\""),
                Part::File("file", "a.csv", b"a\n"),
            ],
        ))
        .await;
    if code(&response) == 422 {
        // refusing such a media type up front is acceptable
        invalid(&response, &[("media_type", "invalid_media_type")]);
        return;
    }
    let created = ok(&response, 201);
    let id = uuid_of(&created["id"]);
    let download =
        w.t.get(&format!("/api/1/distributions/{id}/download"), None)
            .await;
    status(&download, 200);
    assert_eq!(download.body.as_ref(), b"a\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_replacements_get_distinct_versions() {
    let w = World::new().await;
    let (_, id) = uploaded(&w).await;
    let bodies: Vec<Vec<u8>> = (0..6)
        .map(|i| format!("phien ban {i}\n").into_bytes())
        .collect();
    let responses = futures::future::join_all(
        bodies
            .iter()
            .map(|bytes| w.t.call(replace(&id, w.editor.auth(), "gdp.csv", bytes))),
    )
    .await;
    for response in &responses {
        status(response, 201);
    }
    let versions = ok(
        &w.t.get(&format!("/api/1/distributions/{id}/versions"), None)
            .await,
        200,
    );
    let versions = versions.as_array().expect("array").clone();
    assert_eq!(
        pluck(&versions, "version"),
        vec!["7", "6", "5", "4", "3", "2", "1"]
    );
    let mut hashes = pluck(&versions, "sha256");
    hashes.sort();
    let mut expected: Vec<String> = bodies.iter().map(|b| sha256_hex(b)).collect();
    expected.push(sha256_hex(V1));
    expected.sort();
    assert_eq!(hashes, expected);
    let current = ok(
        &w.t.get(&format!("/api/1/distributions/{id}"), None).await,
        200,
    );
    assert_eq!(current["version"], 7);
    assert_eq!(current["sha256"], versions[0]["sha256"]);
    for version in &versions {
        let number = version["version"].as_i64().expect("number");
        let download =
            w.t.get(
                &format!("/api/1/distributions/{id}/versions/{number}/download"),
                None,
            )
            .await;
        assert_eq!(
            sha256_hex(&download.body),
            version["sha256"].as_str().unwrap_or_default()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_uploads_to_one_dataset_are_all_kept() {
    let w = World::new().await;
    w.dataset("song-song", "published", "public").await;
    let bodies: Vec<Vec<u8>> = (0..6).map(|i| format!("tep {i}\n").into_bytes()).collect();
    let w = &w;
    let responses = futures::future::join_all(bodies.iter().enumerate().map(|(i, bytes)| {
        let name = format!("tep-{i}.csv");
        async move {
            w.t.upload(
                "/api/1/datasets/song-song/distributions",
                w.editor.auth(),
                &name,
                bytes,
                &[],
            )
            .await
        }
    }))
    .await;
    for response in &responses {
        status(response, 201);
    }
    let dataset = ok(&w.t.get("/api/1/datasets/song-song", None).await, 200);
    let distributions = dataset["distributions"].as_array().expect("array");
    assert_eq!(distributions.len(), 6);
    let mut names = pluck(distributions, "filename");
    names.sort();
    assert_eq!(
        names,
        (0..6).map(|i| format!("tep-{i}.csv")).collect::<Vec<_>>()
    );
}
