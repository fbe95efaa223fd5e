//! Licenses, themes, health probes and the OpenAPI document.

use crate::support::*;

#[tokio::test]
async fn licenses_say_which_are_open() {
    let t = TestApp::new().await;
    let licenses = ok(&t.get("/api/1/licenses", None).await, 200);
    let licenses = licenses.as_array().expect("array").clone();
    for license in &licenses {
        assert_keys(license, &["id", "title", "url", "is_open"]);
    }
    let open: Vec<(String, bool)> = licenses
        .iter()
        .map(|l| {
            (
                l["id"].as_str().unwrap_or_default().to_string(),
                l["is_open"].as_bool().unwrap_or_default(),
            )
        })
        .collect();
    let mut expected = vec![
        ("cc-by-4.0".to_string(), true),
        ("cc-by-nc-4.0".to_string(), false),
        ("cc-by-sa-4.0".to_string(), true),
        ("cc0-1.0".to_string(), true),
        ("none".to_string(), false),
        ("odbl-1.0".to_string(), true),
        ("odc-by-1.0".to_string(), true),
        ("pddl-1.0".to_string(), true),
    ];
    expected.sort();
    let mut sorted = open.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    let by = licenses
        .iter()
        .find(|l| l["id"] == "cc-by-4.0")
        .expect("cc-by-4.0");
    assert_eq!(by["url"], "https://creativecommons.org/licenses/by/4.0/");
    assert!(
        by["title"]["vi"].is_string() && by["title"]["en"].is_string(),
        "{by}"
    );
    assert_eq!(
        licenses.iter().find(|l| l["id"] == "none").expect("none")["url"],
        Value::Null
    );
}

#[tokio::test]
async fn themes_include_the_eu_vocabulary() {
    let t = TestApp::new().await;
    let themes = ok(&t.get("/api/1/themes", None).await, 200);
    let themes = themes.as_array().expect("array").clone();
    for theme in &themes {
        assert_keys(theme, &["code", "label", "is_eu"]);
    }
    let codes = pluck(&themes, "code");
    for code in [
        "AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI",
        "TECH", "TRAN",
    ] {
        assert!(
            codes.iter().any(|c| c == code),
            "{code} missing from {codes:?}"
        );
    }
    let econ = themes.iter().find(|t| t["code"] == "ECON").expect("ECON");
    assert_eq!(econ["is_eu"], true);
    assert_eq!(
        econ["label"],
        json!({"vi": "Kinh tế và tài chính", "en": "Economy and finance"})
    );
}

#[tokio::test]
async fn health_probes_answer() {
    let t = TestApp::new().await;
    let health = t.get("/healthz", None).await;
    status(&health, 200);
    assert_eq!(text(&health), "ok");
    let ready = t.get("/readyz", None).await;
    status(&ready, 200);
    assert_eq!(text(&ready), "ready");
}

/// Every route of the API router, with its methods (OpenAPI spelling of path parameters).
const ROUTES: &[(&str, &[&str])] = &[
    ("/api/1/tables/{id}", &["get"]),
    ("/api/1/tables/{id}/rows", &["get"]),
    ("/api/1/tables/{id}/aggregate", &["get"]),
    ("/api/1/tables/{id}/schema", &["put", "delete"]),
    ("/api/1/tables/{id}/ingest", &["post"]),
    ("/api/1/sql", &["get", "post"]),
    ("/api/1/datasets/{key}/datapackage.zip", &["get"]),
    ("/api/1/requests", &["get", "post"]),
    ("/api/1/requests/confirmations", &["post"]),
    ("/api/1/requests/statistics", &["get"]),
    ("/api/1/requests/statistics.csv", &["get"]),
    ("/api/1/requests/{id}", &["get"]),
    ("/api/1/requests/{id}/transitions", &["post"]),
    ("/api/1/requests/{id}/messages", &["post"]),
    ("/api/1/requests/{id}/vote", &["put", "delete"]),
    ("/api/1/requests/{id}/follow", &["put", "delete"]),
    ("/api/1/datasets/{id_or_slug}/feedback", &["get", "post"]),
    ("/api/1/organizations/{slug}/feedback", &["get"]),
    ("/api/1/feedback/{id}", &["get"]),
    ("/api/1/feedback/{id}/transitions", &["post"]),
    ("/api/1/feedback/{id}/hidden", &["put", "delete"]),
    ("/api/1/datasets/{id_or_slug}/follow", &["put", "delete"]),
    ("/api/1/attachments/{id}", &["get"]),
    ("/api/1/notifications", &["get"]),
    ("/api/1/notifications/read", &["post"]),
    ("/api/1/notifications/settings", &["get", "put"]),
    ("/api/1/organizations", &["get", "post"]),
    ("/api/1/organizations/{slug}", &["get", "patch", "delete"]),
    ("/api/1/organizations/{slug}/members", &["get", "post"]),
    ("/api/1/organizations/{slug}/members/{user_id}", &["delete"]),
    ("/api/1/datasets", &["get", "post"]),
    ("/api/1/datasets/{id_or_slug}", &["get", "patch", "delete"]),
    ("/api/1/datasets/{id_or_slug}/history", &["get"]),
    ("/api/1/datasets/{id_or_slug}/distributions", &["post"]),
    ("/api/1/distributions/{id}", &["get", "patch", "delete"]),
    ("/api/1/distributions/{id}/versions", &["get", "post"]),
    ("/api/1/distributions/{id}/download", &["get"]),
    ("/api/1/datasets/{id_or_slug}/sources", &["get"]),
    (
        "/api/1/distributions/{id}/source",
        &["get", "put", "delete"],
    ),
    ("/api/1/distributions/{id}/source/run", &["post"]),
    ("/api/1/distributions/{id}/source/runs", &["get"]),
    ("/api/1/harvest/sources", &["get", "post"]),
    (
        "/api/1/harvest/sources/{id_or_slug}",
        &["get", "patch", "delete"],
    ),
    ("/api/1/harvest/sources/{id_or_slug}/run", &["post"]),
    ("/api/1/harvest/sources/{id_or_slug}/runs", &["get"]),
    ("/api/1/harvest/preview", &["post"]),
    (
        "/api/1/distributions/{id}/versions/{version}/download",
        &["get"],
    ),
    ("/api/1/users", &["post"]),
    ("/api/1/users/me", &["get"]),
    ("/api/1/tokens", &["get", "post"]),
    ("/api/1/tokens/{id}", &["delete"]),
    ("/api/1/licenses", &["get"]),
    ("/api/1/themes", &["get"]),
    ("/api/1/search", &["get"]),
    ("/api/1/suggest", &["get"]),
    ("/api/1/frameworks", &["get"]),
    ("/api/1/indicators", &["get"]),
    ("/api/1/assessments", &["get", "post"]),
    ("/api/1/assessments/{id_or_slug}", &["get", "patch"]),
    ("/api/1/assessments/{id_or_slug}/copies", &["post"]),
    ("/api/1/assessments/{id_or_slug}/comparison", &["get"]),
    ("/api/1/assessments/{id_or_slug}/report.md", &["get"]),
    (
        "/api/1/assessments/{id_or_slug}/questions/{question}",
        &["patch"],
    ),
    (
        "/api/1/assessments/{id_or_slug}/dimensions/{dimension}",
        &["patch"],
    ),
    (
        "/api/1/assessments/{id_or_slug}/questions/{question}/evidence",
        &["post"],
    ),
    (
        "/api/1/assessments/{id_or_slug}/evidence/{evidence_id}",
        &["delete"],
    ),
    ("/api/1/assessments/{id_or_slug}/live-figures", &["post"]),
    ("/api/1/action-plans", &["get", "post"]),
    ("/api/1/action-plans/{id_or_slug}", &["get", "patch"]),
    ("/api/1/action-plans/{id_or_slug}/items", &["post"]),
    (
        "/api/1/action-plans/{id_or_slug}/items/{item_id}",
        &["patch", "delete"],
    ),
    ("/api/1/action-plans/{id_or_slug}/gantt.svg", &["get"]),
    ("/api/1/datasets/{id_or_slug}/quality", &["get", "post"]),
    ("/api/1/organizations/{slug}/quality", &["get"]),
    ("/api/1/quality/organizations", &["get"]),
    ("/api/1/quality/findings.json", &["get"]),
    ("/api/1/quality/findings.csv", &["get"]),
    ("/api/1/datasets/{id_or_slug}/review", &["get", "post"]),
    ("/api/1/datasets/{id_or_slug}/files/{file_name}", &["put"]),
    ("/api/1/inventory", &["get", "post"]),
    ("/api/1/inventory/{id}", &["get", "patch", "delete"]),
    (
        "/api/1/inventory/{id}/requests/{request_id}",
        &["put", "delete"],
    ),
    ("/api/1/inventory/export.csv", &["get"]),
    ("/api/1/inventory/export.xlsx", &["get"]),
    ("/api/1/inventory/template.xlsx", &["get"]),
    ("/api/1/inventory/priorities", &["get"]),
    ("/api/1/organizations/{slug}/inventory/import", &["post"]),
    ("/api/1/organizations/{slug}/inventory/plan", &["get"]),
];

#[tokio::test]
async fn openapi_document_describes_every_route() {
    let t = TestApp::new().await;
    let response = t.get("/api/1/openapi.json", None).await;
    let doc = ok(&response, 200);
    assert!(
        response
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "{:?}",
        response.header("content-type")
    );
    let version = doc["openapi"].as_str().expect("openapi version");
    assert!(version.starts_with("3."), "{version}");
    assert!(doc["info"]["title"].is_string());
    let paths = doc["paths"].as_object().expect("paths");
    for (path, methods) in ROUTES {
        let item = paths.get(*path).unwrap_or_else(|| {
            panic!(
                "{path} missing from the OpenAPI document: {:?}",
                paths.keys().collect::<Vec<_>>()
            )
        });
        for method in *methods {
            assert!(item.get(*method).is_some(), "{method} {path} missing");
            assert!(
                item[*method]["responses"].is_object(),
                "{method} {path} has no responses"
            );
        }
    }
    // the list parameters are documented
    let parameters: Vec<String> = doc["paths"]["/api/1/datasets"]["get"]["parameters"]
        .as_array()
        .expect("parameters of GET /api/1/datasets")
        .iter()
        .map(|p| p["name"].as_str().unwrap_or_default().to_string())
        .collect();
    for name in ["page", "page_size", "organization", "status"] {
        assert!(
            parameters.iter().any(|p| p == name),
            "{name} missing from {parameters:?}"
        );
    }
    // nothing documented that the router does not serve
    assert_eq!(
        paths.len(),
        ROUTES.len(),
        "{:?}",
        paths.keys().collect::<Vec<_>>()
    );
    assert!(
        doc["components"]["securitySchemes"]["bearer"].is_object(),
        "bearer scheme"
    );
    for schema in [
        "Dataset",
        "Distribution",
        "Organization",
        "ErrorBody",
        "SearchResults",
        "Hit",
        "FacetBucket",
        "Suggestions",
        "DatasetQuality",
        "OrganizationQuality",
        "LeagueEntry",
        "FindingRow",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema}"
        );
    }
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let t = TestApp::new().await;
    let doc = ok(&t.get("/api/1/openapi.json", None).await, 200);
    let unknown = uuid::Uuid::new_v4().to_string();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let concrete = path
            .replace("{slug}", "khong-co")
            .replace("{id_or_slug}", "khong-co")
            .replace("{user_id}", &unknown)
            .replace("{id}", &unknown)
            .replace("{version}", "1");
        for method in item.as_object().expect("path item").keys() {
            let Ok(method) = method.to_uppercase().parse::<axum::http::Method>() else {
                continue;
            };
            if !["GET", "POST", "PATCH", "DELETE"].contains(&method.as_str()) {
                continue;
            }
            let body = matches!(method.as_str(), "POST" | "PATCH").then(|| json!({}));
            let response = t.send(method.clone(), &concrete, None, body).await;
            assert_ne!(
                code(&response),
                405,
                "{method} {concrete}: {}",
                text(&response)
            );
            if code(&response) == 404 {
                assert!(
                    !text(&response).contains(&concrete),
                    "{method} {concrete} hit the fallback: {}",
                    text(&response)
                );
            }
        }
    }
}

#[tokio::test]
async fn sysadmins_extend_the_registers_and_datasets_can_use_them() {
    let w = World::new().await;
    let license = json!({
        "id": "ogl-vn-1.0",
        "title": {"vi": "Giấy phép dữ liệu mở Việt Nam 1.0", "en": "Vietnam Open Data Licence 1.0"},
        "url": "https://data.gov.vn/licence/1.0",
        "is_open": true
    });
    // only sysadmins
    error(
        &w.t.post("/api/1/licenses", None, license.clone()).await,
        401,
        "unauthenticated",
    );
    error(
        &w.t.post("/api/1/licenses", w.admin.auth(), license.clone())
            .await,
        403,
        "forbidden",
    );
    let created = ok(
        &w.t.post("/api/1/licenses", w.sysadmin.auth(), license.clone())
            .await,
        201,
    );
    assert_eq!(created, license);
    error(
        &w.t.post("/api/1/licenses", w.sysadmin.auth(), license)
            .await,
        409,
        "already_exists",
    );
    invalid(
        &w.t.post(
            "/api/1/licenses",
            w.sysadmin.auth(),
            json!({"id": "Bad Id", "title": {"vi": "x"}, "is_open": false, "url": "nope"}),
        )
        .await,
        &[
            ("id", "invalid_license_id"),
            ("title.en", "required"),
            ("url", "invalid_url"),
        ],
    );

    let theme =
        json!({"code": "ODA", "label": {"vi": "Vốn ODA", "en": "Official development assistance"}});
    error(
        &w.t.post("/api/1/themes", w.editor.auth(), theme.clone())
            .await,
        403,
        "forbidden",
    );
    let created = ok(
        &w.t.post("/api/1/themes", w.sysadmin.auth(), theme.clone())
            .await,
        201,
    );
    assert_eq!(created["is_eu"], false, "local themes are never EU themes");
    invalid(
        &w.t.post(
            "/api/1/themes",
            w.sysadmin.auth(),
            json!({"code": "oda", "label": {"vi": "x", "en": "y"}}),
        )
        .await,
        &[("code", "invalid_theme_code")],
    );
    invalid(
        &w.t.post(
            "/api/1/themes",
            w.sysadmin.auth(),
            json!({"code": "XYZ", "label": {"vi": "x", "en": "y"}, "is_eu": true}),
        )
        .await,
        &[("is_eu", "read_only")],
    );
    let themes = ok(&w.t.get("/api/1/themes", None).await, 200);
    assert_eq!(themes.as_array().unwrap().len(), 14);

    // a dataset can now use both
    let mut body = dataset_body("oda-2024", "published", "public");
    body["license"] = json!("ogl-vn-1.0");
    body["themes"] = json!(["ODA", "ECON"]);
    let dataset = ok(
        &w.t.post("/api/1/datasets", w.editor.auth(), body).await,
        201,
    );
    assert_eq!(dataset["license_open"], true);
    assert_eq!(dataset["themes"], json!(["ODA", "ECON"]));
}
