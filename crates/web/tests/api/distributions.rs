//! Distributions: links (JSON) and uploads (multipart), read, merge-patch, delete, validation.

use axum::http::Method;

use crate::support::*;

const CSV: &[u8] = "tinh,dan_so\nHà Nội,8053663\nĐà Nẵng,1134310\n".as_bytes();

#[tokio::test]
async fn a_json_body_with_url_adds_a_link() {
    let w = World::new().await;
    let dataset = w.dataset("co-lien-ket", "published", "public").await;
    let created = ok(
        &w.t.post(
            "/api/1/datasets/co-lien-ket/distributions",
            w.editor.auth(),
            json!({
                "title": {"vi": "Bảng dân số", "en": "Population table"},
                "description": {"vi": "Tệp gốc trên trang của Tổng cục"},
                "url": "https://gso.gov.vn/data/dan-so.csv",
                "issued": "2020-05-01",
            }),
        )
        .await,
        201,
    );
    assert_keys(&created, DISTRIBUTION_KEYS);
    let id = uuid_of(&created["id"]);
    assert_eq!(created["dataset_id"], dataset["id"]);
    assert_eq!(
        created["title"],
        json!({"vi": "Bảng dân số", "en": "Population table"})
    );
    assert_eq!(
        created["description"],
        json!({"vi": "Tệp gốc trên trang của Tổng cục"})
    );
    assert_eq!(created["url"], "https://gso.gov.vn/data/dan-so.csv");
    assert_eq!(created["remote_url"], "https://gso.gov.vn/data/dan-so.csv");
    assert_eq!(created["format"], "CSV", "guessed from the URL");
    assert_eq!(created["media_type"], "text/csv");
    assert_eq!(created["byte_size"], Value::Null);
    assert_eq!(created["sha256"], Value::Null);
    assert_eq!(created["filename"], Value::Null);
    assert_eq!(created["version"], 0);
    assert_eq!(
        created["license"], "cc-by-4.0",
        "inherited from the dataset"
    );
    assert_eq!(created["issued"], "2020-05-01");

    assert_eq!(
        ok(
            &w.t.get(&format!("/api/1/distributions/{id}"), None).await,
            200
        ),
        created
    );
    let read = ok(&w.t.get("/api/1/datasets/co-lien-ket", None).await, 200);
    assert_eq!(read["distributions"], json!([created.clone()]));
    assert_eq!(
        read["modified"],
        today(),
        "adding a distribution modifies the dataset"
    );

    // explicit format and license; by dataset id
    let explicit = ok(
        &w.t.post(
            &format!("/api/1/datasets/{}/distributions", dataset["id"].as_str().unwrap_or_default()),
            w.editor.auth(),
            json!({"url": "https://gso.gov.vn/api/dan-so", "format": ".json", "license": "odbl-1.0"}),
        )
        .await,
        201,
    );
    assert_eq!(explicit["format"], "JSON");
    assert_eq!(explicit["license"], "odbl-1.0");
    assert_eq!(explicit["title"], json!({}));
    assert_eq!(explicit["media_type"], Value::Null);
}

#[tokio::test]
async fn link_bodies_are_validated() {
    let w = World::new().await;
    w.dataset("kiem-tra", "published", "public").await;
    let path = "/api/1/datasets/kiem-tra/distributions";
    invalid(
        &w.t.post(path, w.editor.auth(), json!({"title": {"vi": "Không URL"}}))
            .await,
        &[("url", "required")],
    );
    invalid(
        &w.t.post(
            path,
            w.editor.auth(),
            json!({"url": "ftp://gso.gov.vn/a.csv"}),
        )
        .await,
        &[("url", "invalid_url")],
    );
    invalid(
        &w.t.post(
            path,
            w.editor.auth(),
            json!({"url": "https://gso.gov.vn/a.csv", "license": "mit"}),
        )
        .await,
        &[("license", "unknown_license")],
    );
    invalid(
        &w.t.post(
            path,
            w.editor.auth(),
            json!({"url": "https://gso.gov.vn/a.csv", "format": "C S V"}),
        )
        .await,
        &[("format", "invalid_format")],
    );
    invalid(
        &w.t.post(
            path,
            w.editor.auth(),
            json!({"url": "https://gso.gov.vn/a.csv", "media_type": "csv"}),
        )
        .await,
        &[("media_type", "invalid_media_type")],
    );
    invalid(
        &w.t.post(
            path,
            w.editor.auth(),
            json!({"url": "https://gso.gov.vn/a.csv", "size": 3}),
        )
        .await,
        &[("size", "unknown_field")],
    );
    invalid(
        &w.t.post(
            path,
            w.editor.auth(),
            json!({"url": "https://gso.gov.vn/a.csv", "sha256": "00"}),
        )
        .await,
        &[("sha256", "read_only")],
    );
    error(
        &w.t.post(
            "/api/1/datasets/khong-co/distributions",
            w.sysadmin.auth(),
            json!({"url": "https://gso.gov.vn/a.csv"}),
        )
        .await,
        404,
        "not_found",
    );
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/kiem-tra", None).await, 200)["distributions"],
        json!([])
    );
}

#[tokio::test]
async fn a_multipart_file_part_uploads_a_file() {
    let w = World::new().await;
    let dataset = w.dataset("co-tep", "published", "public").await;
    let response =
        w.t.upload(
            "/api/1/datasets/co-tep/distributions",
            w.editor.auth(),
            "dan-so-2019.csv",
            CSV,
            &[
                ("title", "Dân số 2019"),
                ("title.en", "Population 2019"),
                ("description", "Theo tỉnh"),
            ],
        )
        .await;
    let created = ok(&response, 201);
    assert_keys(&created, DISTRIBUTION_KEYS);
    let id = uuid_of(&created["id"]);
    assert_eq!(created["dataset_id"], dataset["id"]);
    assert_eq!(
        created["title"],
        json!({"vi": "Dân số 2019", "en": "Population 2019"})
    );
    assert_eq!(created["description"], json!({"vi": "Theo tỉnh"}));
    assert_eq!(created["format"], "CSV");
    assert_eq!(created["media_type"], "text/csv");
    assert_eq!(created["byte_size"], CSV.len());
    assert_eq!(created["sha256"], sha256_hex(CSV).as_str());
    assert_eq!(created["filename"], "dan-so-2019.csv");
    assert_eq!(created["version"], 1);
    assert_eq!(created["remote_url"], Value::Null);
    assert_eq!(created["license"], "cc-by-4.0");
    assert_eq!(
        created["url"],
        format!("http://dulieu.test/api/1/distributions/{id}/download").as_str()
    );
    assert_eq!(
        ok(
            &w.t.get(&format!("/api/1/distributions/{id}"), None).await,
            200
        ),
        created
    );
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/co-tep", None).await, 200)["distributions"],
        json!([created.clone()])
    );
    // the bytes are stored under their hash
    let stored = files_under(&w.t.config.effective_blobs_dir());
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert!(stored[0].ends_with(sha256_hex(CSV)), "{stored:?}");
    assert_eq!(std::fs::read(&stored[0]).expect("blob"), CSV);
}

#[tokio::test]
async fn upload_format_media_type_and_title_come_from_the_file_name() {
    let w = World::new().await;
    w.dataset("nhieu-dinh-dang", "draft", "public").await;
    let cases = [
        (
            "bao-cao.xlsx",
            Some("XLSX"),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ),
        (
            "ranh-gioi.GeoJSON",
            Some("GEOJSON"),
            Some("application/geo+json"),
        ),
        ("api.json", Some("JSON"), Some("application/json")),
        ("tai-lieu.pdf", Some("PDF"), Some("application/pdf")),
        ("khong-duoi", None, None),
    ];
    for (filename, format, media_type) in cases {
        let bytes = format!("noi dung {filename}");
        let created = w
            .upload("nhieu-dinh-dang", filename, bytes.as_bytes())
            .await;
        assert_eq!(created["format"], json!(format), "{filename}");
        assert_eq!(created["media_type"], json!(media_type), "{filename}");
        assert_eq!(created["title"], json!({"vi": filename}), "{filename}");
        assert_eq!(created["filename"], filename);
        assert_eq!(created["byte_size"], bytes.len());
        assert_eq!(created["sha256"], sha256_hex(bytes.as_bytes()).as_str());
    }
    // a metadata part (JSON) sent before the file
    let response =
        w.t.call(multipart(
            Method::POST,
            "/api/1/datasets/nhieu-dinh-dang/distributions",
            w.editor.auth(),
            &[
                Part::Text(
                    "metadata",
                    r#"{"title": {"en": "Raw export"}, "format": "txt", "license": "cc0-1.0"}"#,
                ),
                Part::File("file", "xuat.dat", b"raw"),
            ],
        ))
        .await;
    let created = ok(&response, 201);
    assert_eq!(created["title"], json!({"en": "Raw export"}));
    assert_eq!(created["format"], "TXT");
    assert_eq!(created["license"], "cc0-1.0");
    assert_eq!(created["byte_size"], 3);
    // an empty file is a file
    let empty = w.upload("nhieu-dinh-dang", "rong.csv", b"").await;
    assert_eq!(empty["byte_size"], 0);
    assert_eq!(empty["sha256"], sha256_hex(b"").as_str());
    assert_eq!(
        ok(
            &w.t.get("/api/1/datasets/nhieu-dinh-dang", w.member.auth())
                .await,
            200
        )["distributions"]
            .as_array()
            .map(Vec::len),
        Some(7)
    );
}

#[tokio::test]
async fn uploads_larger_than_the_json_limit_are_accepted() {
    let w = World::new().await;
    w.dataset("tep-lon", "published", "public").await;
    let big: Vec<u8> = (0..3 * 1024 * 1024 / 2).map(|i| (i % 251) as u8).collect();
    let created = w.upload("tep-lon", "lon.bin", &big).await;
    assert_eq!(created["byte_size"], big.len());
    assert_eq!(created["sha256"], sha256_hex(&big).as_str());
    let id = created["id"].as_str().unwrap_or_default();
    let download =
        w.t.get(&format!("/api/1/distributions/{id}/download"), None)
            .await;
    status(&download, 200);
    assert!(
        download.body.as_ref() == big.as_slice(),
        "downloaded bytes differ"
    );
}

#[tokio::test]
async fn malformed_uploads_are_refused_without_storing_anything() {
    let w = World::new().await;
    w.dataset("tai-len-sai", "published", "public").await;
    let path = "/api/1/datasets/tai-len-sai/distributions";
    // no file part
    error(
        &w.t.call(multipart(
            Method::POST,
            path,
            w.editor.auth(),
            &[Part::Text("title", "Không có tệp")],
        ))
        .await,
        400,
        "missing_file",
    );
    // an unknown text part
    invalid(
        &w.t.call(multipart(
            Method::POST,
            path,
            w.editor.auth(),
            &[
                Part::Text("colour", "xanh"),
                Part::File("file", "a.csv", b"a\n"),
            ],
        ))
        .await,
        &[("colour", "unknown_field")],
    );
    // a URL together with a file
    invalid(
        &w.t.call(multipart(
            Method::POST,
            path,
            w.editor.auth(),
            &[
                Part::Text("metadata", r#"{"url": "https://gso.gov.vn/a.csv"}"#),
                Part::File("file", "a.csv", b"a\n"),
            ],
        ))
        .await,
        &[("url", "url_with_upload")],
    );
    // broken metadata JSON
    error(
        &w.t.call(multipart(
            Method::POST,
            path,
            w.editor.auth(),
            &[
                Part::Text("metadata", "{\"title\": "),
                Part::File("file", "a.csv", b"a\n"),
            ],
        ))
        .await,
        400,
        "malformed_json",
    );
    invalid(
        &w.t.call(multipart(
            Method::POST,
            path,
            w.editor.auth(),
            &[
                Part::Text("license", "khong-co"),
                Part::File("file", "a.csv", b"a\n"),
            ],
        ))
        .await,
        &[("license", "unknown_license")],
    );
    // not multipart and not JSON
    error(
        &w.t.call(raw(
            Method::POST,
            path,
            w.editor.auth(),
            Some("text/csv"),
            "a,b\n",
        ))
        .await,
        415,
        "unsupported_media_type",
    );
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/tai-len-sai", None).await, 200)["distributions"],
        json!([])
    );
    assert_eq!(
        files_under(&w.t.config.effective_blobs_dir()),
        Vec::<std::path::PathBuf>::new()
    );
}

#[tokio::test]
async fn distribution_patch_is_a_json_merge_patch() {
    let w = World::new().await;
    w.dataset("sua-phan-phoi", "published", "public").await;
    let file = w.upload("sua-phan-phoi", "so-lieu.csv", CSV).await;
    let path = format!(
        "/api/1/distributions/{}",
        file["id"].as_str().unwrap_or_default()
    );
    let patched = ok(
        &w.t.patch(
            &path,
            w.editor.auth(),
            json!({"title": {"en": "Figures"}, "format": "tsv", "license": "cc0-1.0", "description": {"vi": "Mô tả"}}),
        )
        .await,
        200,
    );
    assert_keys(&patched, DISTRIBUTION_KEYS);
    assert_eq!(patched["id"], file["id"]);
    assert_eq!(
        patched["title"],
        json!({"vi": "so-lieu.csv", "en": "Figures"})
    );
    assert_eq!(patched["format"], "TSV");
    assert_eq!(patched["license"], "cc0-1.0");
    assert_eq!(patched["description"], json!({"vi": "Mô tả"}));
    for kept in [
        "sha256",
        "byte_size",
        "version",
        "url",
        "filename",
        "media_type",
        "created_at",
    ] {
        assert_eq!(patched[kept], file[kept], "{kept}");
    }
    assert_eq!(ok(&w.t.get(&path, None).await, 200), patched);

    // null clears; a cleared license falls back to the dataset's
    let cleared = ok(
        &w.t.patch(
            &path,
            w.editor.auth(),
            json!({"license": null, "description": null, "format": null}),
        )
        .await,
        200,
    );
    assert_eq!(cleared["license"], "cc-by-4.0");
    assert_eq!(cleared["description"], json!({}));
    assert_eq!(cleared["format"], Value::Null);
    // ...and follows the dataset's license when that changes
    status(
        &w.t.patch(
            "/api/1/datasets/sua-phan-phoi",
            w.editor.auth(),
            json!({"license": "odbl-1.0"}),
        )
        .await,
        200,
    );
    assert_eq!(ok(&w.t.get(&path, None).await, 200)["license"], "odbl-1.0");

    // read-only and invalid changes
    for field in [
        "id",
        "dataset_id",
        "byte_size",
        "sha256",
        "version",
        "filename",
        "created_at",
        "updated_at",
    ] {
        let mut body = serde_json::Map::new();
        body.insert(field.to_string(), json!("x"));
        invalid(
            &w.t.patch(&path, w.editor.auth(), Value::Object(body)).await,
            &[(field, "read_only")],
        );
    }
    invalid(
        &w.t.patch(
            &path,
            w.editor.auth(),
            json!({"url": "https://gso.gov.vn/khac.csv"}),
        )
        .await,
        &[("url", "url_with_upload")],
    );
    invalid(
        &w.t.patch(&path, w.editor.auth(), json!({"license": "mit"}))
            .await,
        &[("license", "unknown_license")],
    );
    invalid(
        &w.t.patch(&path, w.editor.auth(), json!({"colour": "xanh"}))
            .await,
        &[("colour", "unknown_field")],
    );

    // a link's URL can be changed, and not removed
    let link = w.link("sua-phan-phoi", "https://gso.gov.vn/cu.csv").await;
    let link_path = format!(
        "/api/1/distributions/{}",
        link["id"].as_str().unwrap_or_default()
    );
    let moved = ok(
        &w.t.patch(
            &link_path,
            w.editor.auth(),
            json!({"url": "https://gso.gov.vn/moi.csv"}),
        )
        .await,
        200,
    );
    assert_eq!(moved["url"], "https://gso.gov.vn/moi.csv");
    assert_eq!(moved["remote_url"], "https://gso.gov.vn/moi.csv");
    invalid(
        &w.t.patch(&link_path, w.editor.auth(), json!({"url": null}))
            .await,
        &[("url", "required")],
    );
    error(
        &w.t.patch(
            &format!("/api/1/distributions/{}", uuid::Uuid::new_v4()),
            w.sysadmin.auth(),
            json!({"title": {"vi": "x"}}),
        )
        .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn distribution_delete_removes_the_record_only() {
    let w = World::new().await;
    w.dataset("xoa-phan-phoi", "published", "public").await;
    let file = w.upload("xoa-phan-phoi", "a.csv", CSV).await;
    let link = w.link("xoa-phan-phoi", "https://gso.gov.vn/b.csv").await;
    let path = format!(
        "/api/1/distributions/{}",
        file["id"].as_str().unwrap_or_default()
    );
    status(&w.t.delete(&path, w.editor.auth()).await, 204);
    error(&w.t.get(&path, None).await, 404, "not_found");
    error(
        &w.t.get(&format!("{path}/download"), None).await,
        404,
        "not_found",
    );
    error(
        &w.t.get(&format!("{path}/versions"), None).await,
        404,
        "not_found",
    );
    error(&w.t.delete(&path, w.editor.auth()).await, 404, "not_found");
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/xoa-phan-phoi", None).await, 200)["distributions"],
        json!([link])
    );
    // stored files are kept (nothing is lost)
    assert_eq!(files_under(&w.t.config.effective_blobs_dir()).len(), 1);
}

#[tokio::test]
async fn unknown_distributions_are_not_found() {
    let w = World::new().await;
    let unknown = uuid::Uuid::new_v4();
    for path in [
        format!("/api/1/distributions/{unknown}"),
        format!("/api/1/distributions/{unknown}/download"),
        format!("/api/1/distributions/{unknown}/versions"),
        format!("/api/1/distributions/{unknown}/versions/1/download"),
        "/api/1/distributions/khong-phai-uuid".to_string(),
        "/api/1/distributions/khong-phai-uuid/download".to_string(),
        "/api/1/distributions/khong-phai-uuid/versions".to_string(),
        "/api/1/distributions/123/versions/1/download".to_string(),
    ] {
        let body = error(&w.t.get(&path, w.sysadmin.auth()).await, 404, "not_found");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("bản phân phối")),
            "{path}: {body}"
        );
    }
    error(
        &w.t.delete(
            &format!("/api/1/distributions/{unknown}"),
            w.sysadmin.auth(),
        )
        .await,
        404,
        "not_found",
    );
    error(
        &w.t.delete("/api/1/distributions/xyz", w.sysadmin.auth())
            .await,
        404,
        "not_found",
    );
    error(
        &w.t.patch(
            "/api/1/distributions/xyz",
            w.sysadmin.auth(),
            json!({"title": {"vi": "x"}}),
        )
        .await,
        404,
        "not_found",
    );
    error(
        &w.t.call(multipart(
            Method::POST,
            &format!("/api/1/distributions/{unknown}/versions"),
            w.sysadmin.auth(),
            &[Part::File("file", "a.csv", b"a")],
        ))
        .await,
        404,
        "not_found",
    );
    assert_eq!(
        files_under(&w.t.config.effective_blobs_dir()),
        Vec::<std::path::PathBuf>::new()
    );
}

#[tokio::test]
async fn uploaded_file_names_lose_their_directories_and_keep_unicode() {
    let w = World::new().await;
    w.dataset("ten-tep", "published", "public").await;
    let created = w.upload("ten-tep", "../../etc/Dân số.csv", b"a\n").await;
    assert_eq!(created["filename"], "Dân số.csv");
    assert_eq!(created["title"], json!({"vi": "Dân số.csv"}));
    assert_eq!(created["format"], "CSV");
    let id = uuid_of(&created["id"]);
    let download =
        w.t.get(&format!("/api/1/distributions/{id}/download"), None)
            .await;
    status(&download, 200);
    assert_eq!(
        download.header("content-disposition").as_deref(),
        Some("attachment; filename=\"Dan_so.csv\"; filename*=UTF-8''D%C3%A2n%20s%E1%BB%91.csv")
    );
    // nothing was written outside the blob store (and the database and search index)
    let outside: Vec<_> = files_under(w.t.data_dir())
        .into_iter()
        .filter(|p| !p.starts_with(w.t.config.effective_blobs_dir()))
        .filter(|p| !p.starts_with(w.t.config.effective_search_dir()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            !name.starts_with("dulieu.db")
        })
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
}

#[tokio::test]
async fn a_dataset_is_not_found_by_the_id_of_something_else() {
    let w = World::new().await;
    w.dataset("mot", "published", "public").await;
    let file = w.upload("mot", "a.csv", b"a\n").await;
    let organization = ok(
        &w.t.get(&format!("/api/1/organizations/{ORG}"), None).await,
        200,
    );
    for id in [&file["id"], &organization["id"]] {
        let id = id.as_str().unwrap_or_default();
        error(
            &w.t.get(&format!("/api/1/datasets/{id}"), w.sysadmin.auth())
                .await,
            404,
            "not_found",
        );
    }
    let dataset = ok(&w.t.get("/api/1/datasets/mot", None).await, 200);
    error(
        &w.t.get(
            &format!(
                "/api/1/distributions/{}",
                dataset["id"].as_str().unwrap_or_default()
            ),
            w.sysadmin.auth(),
        )
        .await,
        404,
        "not_found",
    );
}
