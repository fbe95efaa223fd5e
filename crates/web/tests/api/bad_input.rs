//! Bad input: malformed JSON, wrong content types, invalid fields, unknown keys, paging
//! parameters, unknown paths, and error messages in both languages.

use axum::http::Method;

use crate::support::*;

#[tokio::test]
async fn malformed_json_is_400_with_line_and_column() {
    let w = World::new().await;
    let body = "{\n  \"title\": {\"vi\": \"Dân số\"},\n  \"publisher\": \n}";
    let response =
        w.t.call(raw(
            Method::POST,
            "/api/1/datasets",
            w.editor.auth(),
            Some("application/json"),
            body,
        ))
        .await;
    let error_body = error(&response, 400, "malformed_json");
    let message = error_body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("line 4") && message.contains("column"),
        "{message}"
    );
    let english =
        w.t.call({
            let mut request = raw(
                Method::POST,
                "/api/1/datasets",
                w.editor.auth(),
                Some("application/json"),
                "{\"a\": 1,",
            );
            request
                .headers_mut()
                .insert("accept-language", "en".parse().expect("header"));
            request
        })
        .await;
    let english = error(&english, 400, "malformed_json");
    let message = english["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("The request body is not valid JSON"),
        "{message}"
    );
    assert!(
        message.contains("line 1") && message.contains("column"),
        "{message}"
    );
    // every JSON endpoint reads the body the same way
    for (method, path) in [
        (Method::POST, "/api/1/organizations".to_string()),
        (Method::PATCH, format!("/api/1/organizations/{ORG}")),
        (Method::POST, format!("/api/1/organizations/{ORG}/members")),
        (Method::PATCH, "/api/1/datasets/x".to_string()),
        (Method::POST, "/api/1/users".to_string()),
        (Method::POST, "/api/1/tokens".to_string()),
    ] {
        let response =
            w.t.call(raw(
                method.clone(),
                &path,
                w.sysadmin.auth(),
                Some("application/json"),
                "{oops",
            ))
            .await;
        error(&response, 400, "malformed_json");
    }
    assert_eq!(
        ok(&w.t.get("/api/1/datasets", w.sysadmin.auth()).await, 200)["total"],
        0
    );
}

#[tokio::test]
async fn bodies_must_be_json_objects_sent_as_json() {
    let w = World::new().await;
    let valid = dataset_body("dung-kieu", "draft", "public").to_string();
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let response =
            w.t.call(raw(
                Method::POST,
                "/api/1/datasets",
                w.editor.auth(),
                content_type,
                valid.clone(),
            ))
            .await;
        let body = error(&response, 415, "unsupported_media_type");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("application/json")),
            "{body}"
        );
    }
    // JSON with parameters or a +json suffix is JSON
    let response =
        w.t.call(raw(
            Method::POST,
            "/api/1/datasets",
            w.editor.auth(),
            Some("application/json; charset=utf-8"),
            valid,
        ))
        .await;
    status(&response, 201);
    let response =
        w.t.call(raw(
            Method::POST,
            "/api/1/datasets",
            w.editor.auth(),
            Some("application/merge-patch+json"),
            dataset_body("kieu-hau-to", "draft", "public").to_string(),
        ))
        .await;
    status(&response, 201);
    // an empty body
    let response =
        w.t.call(raw(
            Method::POST,
            "/api/1/datasets",
            w.editor.auth(),
            Some("application/json"),
            "",
        ))
        .await;
    error(&response, 400, "malformed_json");
}

#[tokio::test]
async fn json_that_is_not_an_object_is_422() {
    let w = World::new().await;
    w.dataset("dung-kieu", "draft", "public").await;
    for body in ["[1, 2]", "\"chuỗi\"", "42", "null"] {
        for (method, path) in [
            (Method::POST, "/api/1/datasets"),
            (Method::PATCH, "/api/1/datasets/dung-kieu"),
            (Method::POST, "/api/1/users"),
        ] {
            let response =
                w.t.call(raw(
                    method.clone(),
                    path,
                    w.editor.auth(),
                    Some("application/json"),
                    body,
                ))
                .await;
            assert_eq!(
                code(&response),
                422,
                "{method} {path} {body}: {}",
                text(&response)
            );
            let detail = response.json();
            assert_eq!(detail["error"]["code"], "invalid_input");
            assert_eq!(
                detail["error"]["fields"]["body"][0]["code"], "expected_object",
                "{detail}"
            );
        }
    }
    // ...with a message that says what is wrong (no raw `{detail}` placeholder)
    let response =
        w.t.call(raw(
            Method::POST,
            "/api/1/datasets",
            w.editor.auth(),
            Some("application/json"),
            "[1, 2]",
        ))
        .await;
    invalid(&response, &[("body", "expected_object")]);
}

#[tokio::test]
async fn json_bodies_over_one_mebibyte_are_413() {
    let w = World::new().await;
    let mut body = dataset_body("qua-lon", "draft", "public");
    body["description"] = json!({"vi": "x".repeat(1024 * 1024 + 10)});
    let response = w.t.post("/api/1/datasets", w.editor.auth(), body).await;
    error(&response, 413, "payload_too_large");
    error(
        &w.t.get("/api/1/datasets/qua-lon", w.sysadmin.auth()).await,
        404,
        "not_found",
    );
    // also where uploads lift the body limit: a JSON link body stays bounded
    w.dataset("nho", "draft", "public").await;
    let response = w
        .t
        .post(
            "/api/1/datasets/nho/distributions",
            w.editor.auth(),
            json!({"url": "https://gso.gov.vn/a.csv", "description": {"vi": "y".repeat(1024 * 1024 + 10)}}),
        )
        .await;
    error(&response, 413, "payload_too_large");
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/nho", w.editor.auth()).await, 200)["distributions"],
        json!([])
    );
}

#[tokio::test]
async fn dataset_fields_are_validated_one_by_one() {
    let w = World::new().await;
    let post = |body: Value| {
        let t = &w.t;
        let token = w.editor.token.clone();
        async move { t.post("/api/1/datasets", Some(&token), body).await }
    };
    let base = || json!({"title": {"vi": "Dữ liệu hợp lệ"}, "publisher": ORG});
    let with = |key: &str, value: Value| {
        let mut body = base();
        body[key] = value;
        body
    };
    invalid(
        &post(json!({"publisher": ORG})).await,
        &[("title", "required")],
    );
    invalid(
        &post(json!({"title": {"vi": "Không nhà xuất bản"}})).await,
        &[("publisher", "required")],
    );
    // a blank title gives no slug either
    invalid(
        &post(with("title", json!({"vi": "   "}))).await,
        &[("title", "required_one_language"), ("slug", "invalid_slug")],
    );
    invalid(
        &post(json!({"slug": "co-dinh-danh", "title": {"vi": "   ", "en": ""}, "publisher": ORG}))
            .await,
        &[("title", "required_one_language")],
    );
    invalid(
        &post(with("title", json!("Dân số"))).await,
        &[("title", "invalid_type")],
    );
    invalid(
        &post(with("title", json!({"vi": "x".repeat(301)}))).await,
        &[("title.vi", "too_long")],
    );
    invalid(
        &post(with("title", json!({"vi": "a", "zh": "b"}))).await,
        &[("title.zh", "unknown_field")],
    );
    invalid(
        &post(with("slug", json!("Không Hợp Lệ"))).await,
        &[("slug", "invalid_slug")],
    );
    invalid(
        &post(with("slug", json!("a"))).await,
        &[("slug", "invalid_slug")],
    );
    invalid(
        &post(with("slug", json!("a--b"))).await,
        &[("slug", "invalid_slug")],
    );
    invalid(
        &post(with("publisher", json!("khong-co"))).await,
        &[("publisher", "unknown_organization")],
    );
    invalid(
        &post(with("license", json!("mit"))).await,
        &[("license", "unknown_license")],
    );
    invalid(
        &post(with("themes", json!(["ECON", "SOCI", "KHONG"]))).await,
        &[("themes[2]", "unknown_theme")],
    );
    invalid(
        &post(with("themes", json!(["KHONG"]))).await,
        &[("themes[0]", "unknown_theme")],
    );
    invalid(
        &post(with("keywords", json!("dân số"))).await,
        &[("keywords", "invalid_type")],
    );
    invalid(
        &post(with("keywords", json!(["x".repeat(101)]))).await,
        &[("keywords[0]", "too_long")],
    );
    invalid(
        &post(with("frequency", json!("thinh-thoang"))).await,
        &[("frequency", "unknown_frequency")],
    );
    invalid(
        &post(with("access_rights", json!("bi-mat"))).await,
        &[("access_rights", "invalid_value")],
    );
    invalid(
        &post(with("status", json!("live"))).await,
        &[("status", "invalid_value")],
    );
    invalid(
        &post(with("issued", json!("30/06/2019"))).await,
        &[("issued", "invalid_type")],
    );
    invalid(
        &post(with(
            "temporal",
            json!({"start": "2020-01-01", "end": "2019-01-01"}),
        ))
        .await,
        &[("temporal.end", "end_before_start")],
    );
    invalid(
        &post(with("contact_point", json!({"email": "khong-phai-email"}))).await,
        &[("contact_point.email", "invalid_email")],
    );
    invalid(
        &post(with("popularity", json!(3))).await,
        &[("popularity", "unknown_field")],
    );
    // several rule violations are reported together
    invalid(
        &post(json!({"title": {"vi": ""}, "slug": "Sai", "publisher": ORG, "frequency": "never-ever"})).await,
        &[("title", "required_one_language"), ("slug", "invalid_slug"), ("frequency", "unknown_frequency")],
    );
    invalid(
        &post(json!({"title": {"vi": "Ổn"}, "publisher": "khong-co", "license": "mit", "themes": ["X"]})).await,
        &[
            ("publisher", "unknown_organization"),
            ("license", "unknown_license"),
            ("themes[0]", "unknown_theme"),
        ],
    );
    // a title that gives no slug
    invalid(
        &post(json!({"title": {"vi": "!!!"}, "publisher": ORG})).await,
        &[("slug", "invalid_slug")],
    );
    assert_eq!(
        ok(&w.t.get("/api/1/datasets", w.sysadmin.auth()).await, 200)["total"],
        0
    );
}

#[tokio::test]
async fn missing_fields_are_all_reported_at_once() {
    let w = World::new().await;
    invalid(
        &w.t.post("/api/1/datasets", w.editor.auth(), json!({}))
            .await,
        &[("title", "required"), ("publisher", "required")],
    );
}

#[tokio::test]
async fn provenance_is_never_settable() {
    let w = World::new().await;
    w.dataset("nguon-goc", "published", "public").await;
    let mut dataset = dataset_body("tu-xung", "published", "public");
    dataset["provenance"] = json!("official");
    let attempts = [
        (
            "create organization",
            w.t.post(
                "/api/1/organizations",
                w.sysadmin.auth(),
                json!({"slug": "abc", "name": {"vi": "x"}, "kind": "national", "provenance": "official"}),
            )
            .await,
        ),
        (
            "patch organization",
            w.t.patch(&format!("/api/1/organizations/{ORG}"), w.sysadmin.auth(), json!({"provenance": "community"}))
                .await,
        ),
        ("create dataset", w.t.post("/api/1/datasets", w.editor.auth(), dataset).await),
        (
            "patch dataset",
            w.t.patch("/api/1/datasets/nguon-goc", w.sysadmin.auth(), json!({"provenance": "community"})).await,
        ),
    ];
    let mut wrong = Vec::new();
    for (what, response) in &attempts {
        let fields = if code(response) == 422 {
            response.json()["error"]["fields"].clone()
        } else {
            Value::Null
        };
        if fields
            != json!({"provenance": [{"code": "read_only", "message": "Không thể thay đổi trường này."}]})
        {
            wrong.push(format!("{what}: {} {}", code(response), text(response)));
        }
    }
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/nguon-goc", None).await, 200)["provenance"],
        "official"
    );
    error(
        &w.t.get("/api/1/datasets/tu-xung", w.sysadmin.auth()).await,
        404,
        "not_found",
    );
    assert!(
        wrong.is_empty(),
        "provenance not refused as read_only:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn unknown_ids_and_slugs_are_404() {
    let w = World::new().await;
    let sys = w.sysadmin.auth();
    let unknown = uuid::Uuid::new_v4();
    for path in [
        "/api/1/datasets/khong-co".to_string(),
        format!("/api/1/datasets/{unknown}"),
        "/api/1/datasets/00000000-0000-0000-0000-00000000000g".to_string(),
        "/api/1/datasets/khong-co/history".to_string(),
        format!("/api/1/datasets/{unknown}/history"),
        "/api/1/organizations/khong-co".to_string(),
        "/api/1/organizations/khong-co/members".to_string(),
    ] {
        error(&w.t.get(&path, sys).await, 404, "not_found");
    }
    for path in [
        "/api/1/datasets/khong-co".to_string(),
        format!("/api/1/datasets/{unknown}"),
        "/api/1/organizations/khong-co".to_string(),
    ] {
        error(
            &w.t.patch(&path, sys, json!({"spatial": "x"})).await,
            404,
            "not_found",
        );
        error(&w.t.delete(&path, sys).await, 404, "not_found");
    }
    error(
        &w.t.upload(
            &format!("/api/1/datasets/{unknown}/distributions"),
            sys,
            "a.csv",
            b"a",
            &[],
        )
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
async fn duplicate_slugs_are_409() {
    let w = World::new().await;
    w.dataset("trung-lap", "draft", "public").await;
    w.dataset("khac", "draft", "public").await;
    let body = error(
        &w.t.post(
            "/api/1/datasets",
            w.editor.auth(),
            dataset_body("trung-lap", "published", "public"),
        )
        .await,
        409,
        "slug_taken",
    );
    assert_eq!(
        body["error"]["message"],
        "Định danh 'trung-lap' đã được sử dụng."
    );
    error(
        &w.t.patch(
            "/api/1/datasets/khac",
            w.editor.auth(),
            json!({"slug": "trung-lap"}),
        )
        .await,
        409,
        "slug_taken",
    );
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/khac", w.editor.auth()).await, 200)["slug"],
        "khac"
    );
    // the slug of another organization's dataset is taken too (slugs are global)
    let mut other = dataset_body("trung-lap", "draft", "public");
    other["publisher"] = json!(OTHER_ORG);
    error(
        &w.t.post("/api/1/datasets", w.outsider.auth(), other).await,
        409,
        "slug_taken",
    );
}

#[tokio::test]
async fn paging_parameters_are_checked() {
    let w = World::new().await;
    w.dataset("co-lich-su", "published", "public").await;
    for (query, field, violation) in [
        ("page_size=0", "page_size", "invalid_page_size"),
        ("page_size=1001", "page_size", "invalid_page_size"),
        ("page_size=-1", "page_size", "invalid_page_size"),
        ("page_size=abc", "page_size", "invalid_page_size"),
        ("page=x", "page", "invalid_page"),
        ("page=0", "page", "invalid_page"),
        ("page=1.5", "page", "invalid_page"),
    ] {
        for path in [
            "/api/1/datasets",
            "/api/1/organizations",
            "/api/1/datasets/co-lich-su/history",
        ] {
            let response = w.t.get(&format!("{path}?{query}"), None).await;
            invalid(&response, &[(field, violation)]);
        }
    }
    let body = invalid(
        &w.t.get("/api/1/datasets?page_size=0", None).await,
        &[("page_size", "invalid_page_size")],
    );
    assert_eq!(
        body["error"]["fields"]["page_size"][0]["message"],
        "Phải là số nguyên từ 1 đến 1000."
    );
    invalid(
        &w.t.get("/api/1/datasets?page=0&page_size=0", None).await,
        &[("page", "invalid_page"), ("page_size", "invalid_page_size")],
    );
    let max = ok(&w.t.get("/api/1/datasets?page_size=1000", None).await, 200);
    assert_eq!(page(&max, 1, 1, 1000).len(), 1);
}

#[tokio::test]
async fn unknown_paths_and_methods_get_json_errors() {
    let t = TestApp::new().await;
    let body = error(&t.get("/api/1/khong-co", None).await, 404, "not_found");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("/api/1/khong-co")),
        "{body}"
    );
    error(&t.get("/api/2/datasets", None).await, 404, "not_found");
    error(
        &t.send(Method::PUT, "/api/1/datasets", None, Some(json!({})))
            .await,
        405,
        "method_not_allowed",
    );
    error(
        &t.delete("/api/1/licenses", None).await,
        405,
        "method_not_allowed",
    );
}

#[tokio::test]
async fn errors_speak_vietnamese_by_default_and_english_on_request() {
    let w = World::new().await;
    let path = "/api/1/datasets/khong-co";
    let vi = error(&w.t.get(path, None).await, 404, "not_found");
    assert_eq!(
        vi["error"]["message"],
        "Không tìm thấy tập dữ liệu: khong-co"
    );
    let en_request =
        |path: &str, language: &str| get_with(path, None, &[("accept-language", language)]);
    let en = error(&w.t.call(en_request(path, "en")).await, 404, "not_found");
    assert_eq!(en["error"]["message"], "Dataset not found: khong-co");
    let negotiated = error(
        &w.t.call(en_request(path, "en-US,en;q=0.9,vi;q=0.5")).await,
        404,
        "not_found",
    );
    assert_eq!(negotiated["error"]["message"], en["error"]["message"]);
    let preferred_vi = error(
        &w.t.call(en_request(path, "vi-VN,en;q=0.5")).await,
        404,
        "not_found",
    );
    assert_eq!(preferred_vi["error"]["message"], vi["error"]["message"]);
    let by_query = error(
        &w.t.get(&format!("{path}?lang=en"), None).await,
        404,
        "not_found",
    );
    assert_eq!(by_query["error"]["message"], en["error"]["message"]);

    // field messages too
    let body = json!({"slug": "ngon-ngu", "title": {"vi": ""}, "publisher": ORG});
    let vi = invalid(
        &w.t.post("/api/1/datasets", w.editor.auth(), body.clone())
            .await,
        &[("title", "required_one_language")],
    );
    let mut request = raw(
        Method::POST,
        "/api/1/datasets",
        w.editor.auth(),
        Some("application/json"),
        body.to_string(),
    );
    request
        .headers_mut()
        .insert("accept-language", "en".parse().expect("header"));
    let en = invalid(
        &w.t.call(request).await,
        &[("title", "required_one_language")],
    );
    assert_eq!(vi["error"]["message"], "Một số trường không hợp lệ.");
    assert_eq!(en["error"]["message"], "Some fields are invalid.");
    assert_eq!(
        en["error"]["fields"]["title"][0]["message"],
        "Give a text in Vietnamese or English (at least one)."
    );
    assert_ne!(
        vi["error"]["fields"]["title"][0]["message"],
        en["error"]["fields"]["title"][0]["message"]
    );

    // authentication and permission errors
    let vi = error(
        &w.t.get("/api/1/users/me", None).await,
        401,
        "unauthenticated",
    );
    let en = error(
        &w.t.call(en_request("/api/1/users/me", "en")).await,
        401,
        "unauthenticated",
    );
    assert_eq!(
        vi["error"]["message"],
        "Vui lòng đăng nhập hoặc gửi mã truy cập API hợp lệ."
    );
    assert_eq!(en["error"]["message"], "Sign in or send a valid API token.");
    let forbidden_vi = error(
        &w.t.post(
            "/api/1/datasets",
            w.member.auth(),
            dataset_body("cam", "draft", "public"),
        )
        .await,
        403,
        "forbidden",
    );
    let mut request = raw(
        Method::POST,
        "/api/1/datasets",
        w.member.auth(),
        Some("application/json"),
        dataset_body("cam", "draft", "public").to_string(),
    );
    request
        .headers_mut()
        .insert("accept-language", "en".parse().expect("header"));
    let forbidden_en = error(&w.t.call(request).await, 403, "forbidden");
    assert_ne!(
        forbidden_vi["error"]["message"],
        forbidden_en["error"]["message"]
    );
    assert!(
        forbidden_en["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("You do not have permission")),
        "{forbidden_en}"
    );

    // the unknown-path fallback and the unknown-user violation are translated too
    error(&w.t.get("/api/1/khong-co", None).await, 404, "not_found");
    error(
        &w.t.call(en_request("/api/1/khong-co", "en")).await,
        404,
        "not_found",
    );
    invalid(
        &w.t.post(
            &format!("/api/1/organizations/{ORG}/members"),
            w.admin.auth(),
            json!({"email": "ma@x.vn", "role": "member"}),
        )
        .await,
        &[("email", "unknown_user")],
    );
}
