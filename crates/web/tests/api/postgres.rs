//! The core lifecycle once more on PostgreSQL (skipped when no test server is configured).

use crate::support::*;

#[tokio::test]
async fn core_lifecycle_on_postgres() {
    let Some(t) = TestApp::postgres().await else {
        return;
    };
    assert!(
        t.config.database_url.starts_with("postgres"),
        "{}",
        t.config.database_url
    );
    let sysadmin = person(&t, "quantri@dulieu.test", true).await;

    // organization
    let org = ok(
        &t.post(
            "/api/1/organizations",
            sysadmin.auth(),
            json!({"slug": "bo-tai-chinh", "name": {"vi": "Bộ Tài chính", "en": "Ministry of Finance"}, "kind": "national"}),
        )
        .await,
        201,
    );
    assert_eq!(org["provenance"], "official");

    // user, by registration and password sign-in, made editor
    let user = ok(
        &t.post(
            "/api/1/users",
            None,
            json!({"email": "bientap@mof.gov.vn", "password": "mật khẩu đủ dài"}),
        )
        .await,
        201,
    );
    error(
        &t.post(
            "/api/1/users",
            None,
            json!({"email": "BIENTAP@mof.gov.vn", "password": "mật khẩu đủ dài"}),
        )
        .await,
        409,
        "email_taken",
    );
    let token = ok(
        &t.post(
            "/api/1/tokens",
            None,
            json!({"email": "bientap@mof.gov.vn", "password": "mật khẩu đủ dài"}),
        )
        .await,
        201,
    );
    let editor = token["token_secret"].as_str().expect("secret").to_string();
    let editor = Some(editor.as_str());
    status(
        &t.post(
            "/api/1/organizations/bo-tai-chinh/members",
            sysadmin.auth(),
            json!({"email": "bientap@mof.gov.vn", "role": "editor"}),
        )
        .await,
        200,
    );
    assert_eq!(
        ok(&t.get("/api/1/users/me", editor).await, 200)["id"],
        user["id"]
    );

    // dataset
    let dataset = ok(
        &t.post(
            "/api/1/datasets",
            editor,
            json!({"title": {"vi": "Thu chi ngân sách nhà nước 2023"}, "publisher": "bo-tai-chinh", "license": "cc-by-4.0", "themes": ["ECON"]}),
        )
        .await,
        201,
    );
    assert_eq!(dataset["slug"], "thu-chi-ngan-sach-nha-nuoc-2023");
    assert_eq!(dataset["status"], "draft");
    assert_eq!(dataset["license_open"], true);
    let id = uuid_of(&dataset["id"]);
    error(
        &t.get(&format!("/api/1/datasets/{id}"), None).await,
        404,
        "not_found",
    );
    error(
        &t.post("/api/1/datasets", editor, json!({"title": {"vi": "Thu chi ngân sách nhà nước 2023"}, "publisher": "bo-tai-chinh"}))
            .await,
        409,
        "slug_taken",
    );

    // upload and download
    let bytes = "khoan,2023\nthu,1620\nchi,2076\n".as_bytes();
    let file = ok(
        &t.upload(
            &format!("/api/1/datasets/{id}/distributions"),
            editor,
            "ngan-sach.csv",
            bytes,
            &[],
        )
        .await,
        201,
    );
    assert_eq!(file["sha256"], sha256_hex(bytes).as_str());
    assert_eq!(file["byte_size"], bytes.len());
    assert_eq!(file["format"], "CSV");
    let file_id = uuid_of(&file["id"]);
    let download = t
        .get(&format!("/api/1/distributions/{file_id}/download"), editor)
        .await;
    status(&download, 200);
    assert_eq!(download.body.as_ref(), bytes);
    assert_eq!(
        download.header("etag"),
        Some(format!("\"{}\"", sha256_hex(bytes)))
    );
    let part = t
        .call(get_with(
            &format!("/api/1/distributions/{file_id}/download"),
            editor,
            &[("range", "bytes=0-4")],
        ))
        .await;
    status(&part, 206);
    assert_eq!(part.body.as_ref(), &bytes[..5]);
    let replaced = ok(
        &t.call(multipart(
            axum::http::Method::POST,
            &format!("/api/1/distributions/{file_id}/versions"),
            editor,
            &[Part::File("file", "ngan-sach.csv", b"khoan,2023\n")],
        ))
        .await,
        201,
    );
    assert_eq!(replaced["version"], 2);
    let old = t
        .get(
            &format!("/api/1/distributions/{file_id}/versions/1/download"),
            editor,
        )
        .await;
    assert_eq!(old.body.as_ref(), bytes);

    // patch (publish) and read anonymously
    let patched = ok(
        &t.patch(
            &format!("/api/1/datasets/{id}"),
            editor,
            json!({"status": "published", "description": {"en": "State budget"}, "themes": null}),
        )
        .await,
        200,
    );
    assert_eq!(patched["status"], "published");
    assert_eq!(patched["themes"], json!([]));
    assert_eq!(patched["issued"], today());
    invalid(
        &t.patch(
            &format!("/api/1/datasets/{id}"),
            editor,
            json!({"provenance": "community"}),
        )
        .await,
        &[("provenance", "read_only")],
    );
    let public = ok(
        &t.get("/api/1/datasets/thu-chi-ngan-sach-nha-nuoc-2023", None)
            .await,
        200,
    );
    assert_eq!(public["distributions"][0]["version"], 2);
    let listed = ok(
        &t.get(
            "/api/1/datasets?organization=bo-tai-chinh&status=published",
            None,
        )
        .await,
        200,
    );
    assert_eq!(pluck(&page(&listed, 1, 1, 20), "id"), vec![id.clone()]);

    // history
    let history = ok(
        &t.get(&format!("/api/1/datasets/{id}/history"), None).await,
        200,
    );
    let events = page(&history, 4, 1, 20);
    let actions: Vec<(String, String)> = events
        .iter()
        .map(|e| {
            (
                e["entity_type"].as_str().unwrap_or_default().to_string(),
                e["action"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        vec![
            ("dataset".to_string(), "created".to_string()),
            ("distribution".to_string(), "created".to_string()),
            ("distribution".to_string(), "file_replaced".to_string()),
            ("dataset".to_string(), "updated".to_string()),
        ]
    );
    assert_eq!(events[3]["before"]["status"], "draft");
    assert_eq!(events[3]["after"]["status"], "published");
    assert_eq!(events[0]["actor_id"], user["id"]);

    // delete
    status(
        &t.delete(&format!("/api/1/datasets/{id}"), sysadmin.auth())
            .await,
        204,
    );
    error(
        &t.get(&format!("/api/1/datasets/{id}"), sysadmin.auth())
            .await,
        404,
        "not_found",
    );
    assert_eq!(
        ok(&t.get("/api/1/datasets", sysadmin.auth()).await, 200)["total"],
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_on_postgres() {
    let Some(t) = TestApp::postgres().await else {
        return;
    };
    let w = World::on(t).await;
    let w = &w;
    // one slug, many creators
    let responses = futures::future::join_all((0..5).map(|_| {
        w.t.post(
            "/api/1/datasets",
            w.editor.auth(),
            dataset_body("cung-luc", "published", "public"),
        )
    }))
    .await;
    let mut codes: Vec<u16> = responses.iter().map(code).collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        vec![201, 409, 409, 409, 409],
        "{:?}",
        responses.iter().map(text).collect::<Vec<_>>()
    );
    // many uploads to one dataset, then many versions of one file
    let uploads = futures::future::join_all((0..5).map(|i| async move {
        let name = format!("tep-{i}.csv");
        w.t.upload(
            "/api/1/datasets/cung-luc/distributions",
            w.editor.auth(),
            &name,
            name.as_bytes(),
            &[],
        )
        .await
    }))
    .await;
    for response in &uploads {
        status(response, 201);
    }
    let id = uuid_of(&uploads[0].json()["id"]);
    let versions = futures::future::join_all((0..5).map(|i| {
        let path = format!("/api/1/distributions/{id}/versions");
        let bytes = format!("phien ban {i}").into_bytes();
        async move {
            w.t.call(multipart(
                axum::http::Method::POST,
                &path,
                w.editor.auth(),
                &[Part::File("file", "tep.csv", &bytes)],
            ))
            .await
        }
    }))
    .await;
    for response in &versions {
        status(response, 201);
    }
    let dataset = ok(&w.t.get("/api/1/datasets/cung-luc", None).await, 200);
    assert_eq!(dataset["distributions"].as_array().map(Vec::len), Some(5));
    let listed = ok(
        &w.t.get(&format!("/api/1/distributions/{id}/versions"), None)
            .await,
        200,
    );
    assert_eq!(
        pluck(listed.as_array().expect("array"), "version"),
        vec!["6", "5", "4", "3", "2", "1"]
    );
    let history = ok(
        &w.t.get("/api/1/datasets/cung-luc/history?page_size=100", None)
            .await,
        200,
    );
    assert_eq!(
        history["total"], 11,
        "1 created + 5 uploads + 5 replacements"
    );
}
