//! The CKAN Action API v3 (`/api/3/action/…`, `/api/action/…`): envelopes and error types,
//! every action, permissions, private datasets, the query language and the DataStore.

use axum::body::Body;
use axum::http::{Method, Request};

use crate::support::*;

/// Calls an action with the raw token in `Authorization` (as CKAN clients send it).
async fn ckan(
    t: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> TestResponse {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        builder = builder.header("authorization", token);
    }
    let body = match body {
        Some(json) => {
            builder = builder.header("content-type", "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    t.call(builder.body(body).expect("request")).await
}

/// POSTs an action and returns its `result`, asserting the success envelope.
async fn action(t: &TestApp, name: &str, token: Option<&str>, body: Value) -> Value {
    let response = ckan(
        t,
        Method::POST,
        &format!("/api/3/action/{name}"),
        token,
        Some(body),
    )
    .await;
    let body = ok(&response, 200);
    assert_eq!(body["success"], true, "{body}");
    assert_eq!(
        body["help"],
        format!("http://dulieu.test/api/3/action/help_show?name={name}")
    );
    body["result"].clone()
}

/// POSTs an action expected to fail; asserts the error envelope and returns `error`.
async fn failure(
    t: &TestApp,
    name: &str,
    token: Option<&str>,
    body: Value,
    status: u16,
    kind: &str,
) -> Value {
    let response = ckan(
        t,
        Method::POST,
        &format!("/api/3/action/{name}"),
        token,
        Some(body),
    )
    .await;
    let body = ok(&response, status);
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["error"]["__type"], kind, "{body}");
    assert!(
        body["help"].as_str().is_some_and(|h| h.ends_with(name)),
        "{body}"
    );
    body["error"].clone()
}

async fn get(t: &TestApp, path: &str, token: Option<&str>) -> Value {
    let response = ckan(t, Method::GET, path, token, None).await;
    let body = ok(&response, 200);
    assert_eq!(body["success"], true, "{body}");
    body["result"].clone()
}

/// Three datasets of `ORG`: public, private (restricted) and a public draft.
async fn catalog(w: &World) {
    w.dataset("cong-khai", "published", "public").await;
    w.dataset("rieng-tu", "published", "restricted").await;
    w.dataset("ban-nhap", "draft", "public").await;
    w.t.sync_search().await;
}

#[tokio::test]
async fn ckan_reads_answer_in_ckan_s_envelope() {
    let w = World::new().await;
    catalog(&w).await;
    let t = &w.t;
    let status = get(t, "/api/3/action/status_show", None).await;
    assert_eq!(status["site_url"], "http://dulieu.test");
    assert_eq!(status["locale_default"], "vi");
    assert_eq!(get(t, "/api/3/action/site_read", None).await, true);
    assert_eq!(
        get(t, "/api/action/site_read", None).await,
        true,
        "unversioned form"
    );
    let version = ok(&t.get("/api/3", None).await, 200);
    assert_eq!(version["version"], 3);
    assert_eq!(
        get(t, "/api/3/action/package_list", None).await,
        json!(["cong-khai"])
    );
    let licenses = get(t, "/api/3/action/license_list", None).await;
    let cc_by = licenses
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "cc-by")
        .expect("cc-by listed");
    assert_eq!(cc_by["od_conformance"], "approved");
    assert_eq!(cc_by["domain_data"], "True");
    let orgs = get(t, "/api/3/action/organization_list", None).await;
    assert_eq!(orgs, json!([OTHER_ORG, ORG]), "sorted by title");
    let orgs = get(
        t,
        "/api/3/action/organization_list?all_fields=true&sort=name%20asc",
        None,
    )
    .await;
    let gso = orgs
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == ORG)
        .unwrap();
    assert_eq!(
        gso["package_count"], 1,
        "only the public dataset counts for anonymous"
    );
    assert_eq!(gso["is_organization"], true);
    let shown = get(
        t,
        &format!("/api/3/action/organization_show?id={ORG}"),
        None,
    )
    .await;
    assert_eq!(shown["name"], ORG);
    let by_id = get(
        t,
        &format!(
            "/api/3/action/organization_show?id={}&include_datasets=true",
            shown["id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(by_id["packages"][0]["name"], "cong-khai");
    assert!(get(t, "/api/3/action/group_list", None).await.is_array());
    assert_eq!(
        get(t, "/api/3/action/help_show?name=package_show", None).await,
        "A dataset by `id` (id or name)."
    );

    let package = get(t, "/api/3/action/package_show?id=cong-khai", None).await;
    assert_eq!(package["name"], "cong-khai");
    assert_eq!(package["title"], "Tập dữ liệu cong-khai");
    assert_eq!(package["title_translated"]["en"], "Dataset cong-khai");
    assert_eq!(package["license_id"], "cc-by");
    assert_eq!(package["isopen"], true);
    assert_eq!(package["private"], false);
    assert_eq!(package["state"], "active");
    assert_eq!(package["organization"]["name"], ORG);
    assert_eq!(package["num_resources"], 0);
    let modified = package["metadata_modified"].as_str().unwrap();
    assert!(
        !modified.ends_with('Z') && modified.len() == 26,
        "{modified}"
    );
    let by_id = get(
        t,
        &format!(
            "/api/3/action/package_show?id={}",
            package["id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(by_id["name"], "cong-khai");
}

#[tokio::test]
async fn ckan_private_and_draft_datasets_stay_hidden() {
    let w = World::new().await;
    catalog(&w).await;
    let t = &w.t;
    for who in [None, w.outsider.auth()] {
        let error = failure(
            t,
            "package_show",
            who,
            json!({"id": "rieng-tu"}),
            404,
            "Not Found Error",
        )
        .await;
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
        let found = action(
            t,
            "package_search",
            who,
            json!({"include_private": true, "include_drafts": true}),
        )
        .await;
        assert_eq!(found["count"], 1, "{found}");
        assert_eq!(found["results"][0]["name"], "cong-khai");
    }
    // Members see them when they ask, as in CKAN.
    let member = w.member.auth();
    assert_eq!(
        action(t, "package_show", member, json!({"id": "rieng-tu"})).await["private"],
        true
    );
    let found = action(t, "package_search", member, json!({})).await;
    assert_eq!(found["count"], 1, "private ones only with include_private");
    let found = action(
        t,
        "package_search",
        member,
        json!({"include_private": true}),
    )
    .await;
    assert_eq!(found["count"], 2);
    let found = action(
        t,
        "package_search",
        member,
        json!({"include_private": true, "include_drafts": true, "sort": "name asc"}),
    )
    .await;
    let names: Vec<&str> = found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ban-nhap", "cong-khai", "rieng-tu"]);
    assert_eq!(found["results"][0]["state"], "draft");
}

#[tokio::test]
async fn ckan_requests_it_cannot_read_get_ckan_s_errors() {
    let w = World::new().await;
    let t = &w.t;
    let response = ckan(t, Method::GET, "/api/3/action/no_such_action", None, None).await;
    let body = ok(&response, 400);
    assert!(
        body.as_str().is_some_and(|s| s.contains("no_such_action")),
        "bare string: {body}"
    );
    let response = ckan(t, Method::GET, "/api/3/action/package_create", None, None).await;
    assert!(ok(&response, 400).is_string(), "GET of a write action");
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/3/action/package_show")
        .header("content-type", "application/json")
        .body(Body::from("{\"id\": "))
        .unwrap();
    assert!(
        ok(&t.call(request).await, 400).is_string(),
        "malformed JSON"
    );
    let error = failure(
        t,
        "package_search",
        None,
        json!({"q": "organization:(a OR"}),
        400,
        "Search Query Error",
    )
    .await;
    assert!(
        error["message"].as_str().unwrap().contains("character"),
        "{error}"
    );
    let error = failure(
        t,
        "package_search",
        None,
        json!({"fq": "nonsense_field:1"}),
        400,
        "Search Query Error",
    )
    .await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("nonsense_field"),
        "{error}"
    );
    failure(
        t,
        "package_search",
        None,
        json!({"bogus": 1}),
        400,
        "Search Query Error",
    )
    .await;
    failure(
        t,
        "package_search",
        None,
        json!({"sort": "colour desc"}),
        400,
        "Search Query Error",
    )
    .await;
    failure(
        t,
        "package_show",
        None,
        json!({"id": "khong-co"}),
        404,
        "Not Found Error",
    )
    .await;
    let error = failure(t, "package_show", None, json!({}), 409, "Validation Error").await;
    assert!(error["id"].is_array(), "{error}");
    failure(
        t,
        "package_list",
        Some("not-a-token"),
        json!({}),
        403,
        "Authorization Error",
    )
    .await;
}

#[tokio::test]
async fn ckan_writes_go_through_the_use_cases_with_their_permissions() {
    let w = World::new().await;
    let t = &w.t;
    let body = json!({
        "name": "ngan-sach-2025", "title": "Ngân sách 2025", "owner_org": ORG,
        "notes": "Dự toán", "license_id": "odc-odbl", "tags": [{"name": "ngân sách"}],
        "extras": [{"key": "frequency", "value": "annual"}],
        "resources": [{"url": "https://example.org/ngan-sach.csv", "name": "Bảng"}],
    });
    for who in [None, w.member.auth(), w.outsider.auth()] {
        failure(
            t,
            "package_create",
            who,
            body.clone(),
            403,
            "Authorization Error",
        )
        .await;
    }
    let created = action(t, "package_create", w.editor.auth(), body.clone()).await;
    assert_eq!(created["name"], "ngan-sach-2025");
    assert_eq!(created["license_id"], "odc-odbl");
    assert_eq!(created["num_resources"], 1);
    assert_eq!(created["resources"][0]["format"], "CSV");
    assert_eq!(created["tags"][0]["name"], "ngân sách");
    let id = created["id"].as_str().unwrap().to_string();
    let error = failure(
        t,
        "package_create",
        w.editor.auth(),
        body.clone(),
        409,
        "Validation Error",
    )
    .await;
    assert!(error["name"].is_array(), "the taken name: {error}");
    let mut bad = body.clone();
    bad["name"] = json!("hong");
    bad["resources"] = json!([{"name": "no url"}]);
    let error = failure(
        t,
        "package_create",
        w.editor.auth(),
        bad,
        409,
        "Validation Error",
    )
    .await;
    assert!(error["resources[0].url"].is_array(), "{error}");
    failure(
        t,
        "package_show",
        w.editor.auth(),
        json!({"id": "hong"}),
        404,
        "Not Found Error",
    )
    .await;

    // A file in the multipart field `upload`, the token raw in X-CKAN-API-Key.
    let boundary = "ckan-test-boundary";
    let mut multipart = Vec::new();
    for (name, value) in [("package_id", id.as_str()), ("name", "Dữ liệu gốc")] {
        multipart.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    multipart.extend_from_slice(format!("--{boundary}\r\ncontent-disposition: form-data; name=\"upload\"; filename=\"so-lieu.csv\"\r\ncontent-type: text/csv\r\n\r\nnam,tong\n2025,10\n\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/action/resource_create")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("x-ckan-api-key", w.editor.token.as_str())
        .body(Body::from(multipart))
        .unwrap();
    let body = ok(&t.call(request).await, 200);
    let resource = &body["result"];
    assert_eq!(resource["url_type"], "upload");
    assert_eq!(resource["name"], "Dữ liệu gốc");
    assert_eq!(resource["format"], "CSV");
    assert_eq!(resource["size"], 17);
    let resource_id = resource["id"].as_str().unwrap().to_string();
    let download = t
        .get(
            resource["url"]
                .as_str()
                .unwrap()
                .trim_start_matches("http://dulieu.test"),
            None,
        )
        .await;
    assert_eq!(&download.body[..], b"nam,tong\n2025,10\n");
    let shown = action(t, "resource_show", None, json!({"id": resource_id})).await;
    assert_eq!(shown["position"], 1);
    failure(
        t,
        "resource_create",
        w.outsider.auth(),
        json!({"package_id": id, "url": "https://example.org/x.csv"}),
        403,
        "Authorization Error",
    )
    .await;

    let patched = action(
        t,
        "package_patch",
        w.editor.auth(),
        json!({"id": id, "notes": "Dự toán đã sửa"}),
    )
    .await;
    assert_eq!(patched["notes"], "Dự toán đã sửa");
    assert_eq!(patched["license_id"], "odc-odbl", "kept by a patch");
    assert_eq!(patched["num_resources"], 2, "resources kept by a patch");
    assert_eq!(patched["tags"][0]["name"], "ngân sách");
    failure(
        t,
        "package_patch",
        w.member.auth(),
        json!({"id": id, "notes": "x"}),
        403,
        "Authorization Error",
    )
    .await;

    let updated = action(
        t,
        "package_update",
        w.editor.auth(),
        json!({"id": id, "name": "ngan-sach-2025", "title": "Ngân sách", "owner_org": ORG}),
    )
    .await;
    assert_eq!(
        updated["notes"], "",
        "a full update clears what it leaves out"
    );
    assert_eq!(updated["license_id"], "notspecified");
    assert_eq!(updated["num_tags"], 0);
    assert_eq!(updated["num_resources"], 2, "resources kept when not given");

    let changed = action(
        t,
        "resource_patch",
        w.editor.auth(),
        json!({"id": resource_id, "description": "Mô tả tệp"}),
    )
    .await;
    assert_eq!(changed["description"], "Mô tả tệp");
    assert_eq!(changed["name"], "Dữ liệu gốc");
    assert_eq!(
        action(
            t,
            "resource_delete",
            w.editor.auth(),
            json!({"id": resource_id})
        )
        .await,
        Value::Null
    );
    failure(
        t,
        "resource_show",
        None,
        json!({"id": resource_id}),
        404,
        "Not Found Error",
    )
    .await;

    failure(
        t,
        "package_delete",
        w.editor.auth(),
        json!({"id": id}),
        403,
        "Authorization Error",
    )
    .await;
    assert_eq!(
        action(t, "package_delete", w.admin.auth(), json!({"id": id})).await,
        Value::Null
    );
    failure(
        t,
        "package_show",
        w.admin.auth(),
        json!({"id": id}),
        404,
        "Not Found Error",
    )
    .await;

    let org = action(
        t,
        "organization_create",
        w.editor.auth(),
        json!({"name": "nhom-mo", "title": "Nhóm mở"}),
    )
    .await;
    assert_eq!(org["name"], "nhom-mo");
    failure(
        t,
        "organization_create",
        None,
        json!({"name": "nhom-khac"}),
        403,
        "Authorization Error",
    )
    .await;
    failure(
        t,
        "organization_create",
        w.editor.auth(),
        json!({"name": "nhom-bo", "kind": "national"}),
        403,
        "Authorization Error",
    )
    .await;
}

#[tokio::test]
async fn ckan_package_search_speaks_the_solr_subset() {
    solr_subset(World::new().await).await;
}

/// The same on PostgreSQL (skipped when no test server is configured).
#[tokio::test]
async fn ckan_package_search_speaks_the_solr_subset_on_postgres() {
    let Some(t) = TestApp::postgres().await else {
        return;
    };
    solr_subset(World::on(t).await).await;
}

async fn solr_subset(w: World) {
    let t = &w.t;
    for (slug, org, tag, format) in [
        ("dan-so", ORG, "dân số", "CSV"),
        ("lao-dong", ORG, "lao động", "XLSX"),
        ("moi-truong", OTHER_ORG, "môi trường", "CSV"),
    ] {
        let token = if org == ORG {
            w.editor.auth()
        } else {
            w.outsider.auth()
        };
        action(t, "package_create", token, json!({
            "name": slug, "title": format!("Số liệu {slug}"), "owner_org": org,
            "license_id": "cc-by", "tags": [{"name": tag}],
            "resources": [{"url": format!("https://example.org/{slug}.{}", format.to_lowercase())}],
        }))
        .await;
    }
    let names = |found: &Value| -> Vec<String> {
        found["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    let all = action(
        t,
        "package_search",
        None,
        json!({"sort": "metadata_modified asc", "rows": 1000}),
    )
    .await;
    assert_eq!(all["count"], 3);
    assert_eq!(names(&all), ["dan-so", "lao-dong", "moi-truong"]);
    assert_eq!(
        all["results"][0]["resources"][0]["format"], "CSV",
        "full package dicts"
    );
    let second = all["results"][1]["metadata_modified"]
        .as_str()
        .unwrap()
        .to_string();

    let since = action(t, "package_search", None, json!({"fq": format!("metadata_modified:[{second}Z TO *]"), "sort": "metadata_modified asc"})).await;
    assert_eq!(names(&since), ["lao-dong", "moi-truong"]);
    let before = action(
        t,
        "package_search",
        None,
        json!({"fq": format!("metadata_modified:{{* TO {second}}}")}),
    )
    .await;
    assert_eq!(names(&before), ["dan-so"]);
    let page = action(
        t,
        "package_search",
        None,
        json!({"sort": "metadata_modified asc", "rows": 1, "start": 1}),
    )
    .await;
    assert_eq!(
        (page["count"].as_u64(), names(&page)),
        (Some(3), vec!["lao-dong".to_string()])
    );
    let future = action(
        t,
        "package_search",
        None,
        json!({"fq": "metadata_created:[NOW+1DAY TO *]"}),
    )
    .await;
    assert_eq!(future["count"], 0);

    let found = action(
        t,
        "package_search",
        None,
        json!({"fq": format!("organization:{OTHER_ORG} OR res_format:XLSX"), "sort": "name asc"}),
    )
    .await;
    assert_eq!(names(&found), ["lao-dong", "moi-truong"]);
    let found = action(
        t,
        "package_search",
        None,
        json!({"fq_list": [format!("organization:{ORG}"), "-tags:\"dân số\""]}),
    )
    .await;
    assert_eq!(names(&found), ["lao-dong"]);
    let found = action(
        t,
        "package_search",
        None,
        json!({"q": "name:dan-so OR name:moi-truong", "sort": "name desc"}),
    )
    .await;
    assert_eq!(names(&found), ["moi-truong", "dan-so"]);
    let found = action(t, "package_search", None, json!({"q": "lao dong"})).await;
    assert_eq!(names(&found), ["lao-dong"], "words without accents");
    // `fl` keeps only the fields asked for; ids alone (a harvester's sweep) in id order.
    let ids = action(
        t,
        "package_search",
        None,
        json!({"fl": "id", "sort": "id asc", "rows": 1000}),
    )
    .await;
    let mut expected: Vec<Value> = all["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!({"id": r["id"]}))
        .collect();
    expected.sort_by_key(|r| r["id"].as_str().unwrap().to_string());
    assert_eq!(
        (ids["count"].clone(), ids["results"].clone()),
        (json!(3), Value::Array(expected))
    );
    let some = action(
        t,
        "package_search",
        None,
        json!({"fl": "name,num_resources", "q": "name:dan-so"}),
    )
    .await;
    assert_eq!(
        some["results"],
        json!([{"name": "dan-so", "num_resources": 1}])
    );
    let found = action(
        t,
        "package_search",
        None,
        json!({"q": "*:*", "fq": "license_id:cc-by +dataset_type:dataset"}),
    )
    .await;
    assert_eq!(found["count"], 3);

    let query = "/api/3/action/package_search?facet.field=%5B%22organization%22,%22res_format%22,%22license_id%22,%22tags%22%5D&facet.limit=5&rows=0";
    let facets = get(t, query, None).await;
    assert_eq!(facets["results"], json!([]));
    assert_eq!(facets["facets"]["res_format"], json!({"CSV": 2, "XLSX": 1}));
    assert_eq!(facets["facets"]["license_id"], json!({"cc-by": 3}));
    assert_eq!(facets["facets"]["organization"][ORG], 2);
    let items = facets["search_facets"]["organization"]["items"]
        .as_array()
        .unwrap();
    assert!(
        items.iter().any(|i| i["name"] == ORG && i["count"] == 2),
        "{items:?}"
    );
    assert_eq!(
        facets["search_facets"]["tags"]["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        get(t, "/api/3/action/package_list?limit=2&offset=1", None).await,
        json!(["lao-dong", "moi-truong"])
    );
    assert_eq!(
        get(t, "/api/3/action/tag_list?query=ng", None).await,
        json!(["lao động", "môi trường"])
    );
}

#[tokio::test]
async fn ckan_datastore_reads_the_tables() {
    let w = World::new().await;
    let dataset = w.dataset("bang", "published", "public").await;
    let distribution = w
        .upload(
            dataset["id"].as_str().unwrap(),
            "dan-so.csv",
            "tinh,dan_so\nHà Nội,8500000\nHuế,1100000\nĐà Nẵng,1200000\n".as_bytes(),
        )
        .await;
    w.t.run_jobs().await;
    let id = distribution["id"].as_str().unwrap();
    let t = &w.t;
    let found = get(
        t,
        &format!("/api/3/action/datastore_search?resource_id={id}&limit=2"),
        None,
    )
    .await;
    assert_eq!(found["total"], 3);
    assert_eq!(found["fields"][0], json!({"id": "_id", "type": "int"}));
    assert_eq!(found["records"][0]["_id"], 1);
    assert_eq!(found["records"][0]["tinh"], "Hà Nội");
    assert_eq!(found["records"].as_array().unwrap().len(), 2);
    assert!(
        found["_links"]["next"]
            .as_str()
            .unwrap()
            .ends_with("offset=2")
    );
    let filtered = action(
        t,
        "datastore_search",
        None,
        json!({"resource_id": id, "filters": {"tinh": "Huế"}, "records_format": "lists"}),
    )
    .await;
    assert_eq!(filtered["total"], 1);
    assert_eq!(filtered["records"][0][1], "Huế");
    let package = get(t, "/api/3/action/package_show?id=bang", None).await;
    assert_eq!(package["resources"][0]["datastore_active"], true);
    let sql = action(
        t,
        "datastore_search_sql",
        None,
        json!({"sql": format!("SELECT COUNT(*) AS n FROM \"{id}\"")}),
    )
    .await;
    assert_eq!(sql["records"][0]["n"], 3);
    failure(
        t,
        "datastore_search",
        None,
        json!({"resource_id": uuid::Uuid::nil()}),
        404,
        "Not Found Error",
    )
    .await;
}

/// The value of a package's extra.
fn extra<'a>(package: &'a Value, key: &str) -> Option<&'a str> {
    package["extras"]
        .as_array()?
        .iter()
        .find(|e| e["key"] == key)?["value"]
        .as_str()
}

/// Sends a multipart request to an action.
async fn multipart_action(
    t: &TestApp,
    name: &str,
    token: Option<&str>,
    parts: &[Part<'_>],
) -> TestResponse {
    t.call(multipart(
        Method::POST,
        &format!("/api/3/action/{name}"),
        token,
        parts,
    ))
    .await
}

/// Asserts CKAN's error envelope with `status` and `kind` and returns `error`.
#[track_caller]
fn ckan_error(response: &TestResponse, status: u16, kind: &str) -> Value {
    let body = ok(response, status);
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["error"]["__type"], kind, "{body}");
    body["error"].clone()
}

#[tokio::test]
async fn ckan_runs_of_prefix_operators_are_a_search_query_error_not_a_crash() {
    let w = World::new().await;
    w.dataset("cong-khai", "published", "public").await;
    w.t.sync_search().await;
    let t = &w.t;
    let tail = "tags:x";
    let fill = |prefix: &str| prefix.repeat((10_000 - tail.len()) / prefix.len()) + tail;
    for (key, query) in [
        ("q", fill("-")),
        ("q", fill("!")),
        ("fq", fill("+")),
        ("fq", fill("NOT ")),
        ("q", fill("-!+")),
        ("fq_list", fill("(NOT ")),
    ] {
        let body = if key == "fq_list" {
            json!({key: [query]})
        } else {
            json!({key: query})
        };
        let error = failure(t, "package_search", None, body, 400, "Search Query Error").await;
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains("nested") && message.contains("character"),
            "{key}: {message}"
        );
    }
    // The same over GET.
    let response = ckan(
        t,
        Method::GET,
        &format!("/api/3/action/package_search?q={}", fill("-")),
        None,
        None,
    )
    .await;
    ckan_error(&response, 400, "Search Query Error");
    // The deepest accepted nesting is searched (a shallow tree, whatever the prefixes).
    let deepest = format!("{}name:cong-khai{}", "-(-".repeat(10), ")".repeat(10));
    let found = action(t, "package_search", None, json!({"q": deepest})).await;
    assert_eq!(found["count"], 1, "an even number of negations: {found}");
    let found = action(
        t,
        "package_search",
        None,
        json!({"q": format!("{}name:cong-khai", "-".repeat(31))}),
    )
    .await;
    assert_eq!(found["count"], 0, "an odd number of negations: {found}");
}

#[tokio::test]
async fn ckan_now_followed_by_a_multibyte_character_is_a_search_query_error() {
    let w = World::new().await;
    let t = &w.t;
    for fq in [
        "metadata_modified:NOWé",
        "metadata_modified:[NOW−1DAY TO *]",
        "metadata_created:{* TO NOW+1DAY€}",
    ] {
        let error = failure(
            t,
            "package_search",
            None,
            json!({"fq": fq}),
            400,
            "Search Query Error",
        )
        .await;
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("is not a date"), "{fq}: {message}");
    }
}

#[tokio::test]
async fn ckan_bodies_and_text_parts_are_limited_except_files() {
    let w = World::new().await;
    let t = &w.t;
    let dataset = w.dataset("bang", "published", "public").await;
    let id = dataset["id"].as_str().unwrap();
    let over = "a".repeat(dulieu_web::MAX_JSON_BYTES + 1);

    // A JSON body over the limit: 413 naming the body, in CKAN's envelope.
    let response = ckan(
        t,
        Method::POST,
        "/api/3/action/package_search",
        None,
        Some(json!({"q": over})),
    )
    .await;
    let error = ckan_error(&response, 413, "Validation Error");
    assert!(
        error["body"][0]
            .as_str()
            .is_some_and(|m| m.contains("1048576")),
        "{error}"
    );

    // Multipart to an action without files: the body limit holds, text parts included.
    let response = multipart_action(t, "package_search", None, &[Part::Text("q", &over)]).await;
    let error = ckan_error(&response, 413, "Validation Error");
    assert!(error["body"].is_array() || error["q"].is_array(), "{error}");
    let response = multipart_action(
        t,
        "package_search",
        None,
        &[
            Part::Text("q", "x"),
            Part::File("extra", "big.bin", over.as_bytes()),
        ],
    )
    .await;
    let error = ckan_error(&response, 413, "Validation Error");
    assert!(error["body"].is_array(), "{error}");

    // Actions that take files: the file may be large, the text parts may not.
    for name in ["resource_create", "resource_update"] {
        let response = multipart_action(
            t,
            name,
            w.editor.auth(),
            &[
                Part::Text("package_id", id),
                Part::Text("notes", &over),
                Part::File("upload", "a.csv", b"a,b\n1,2\n"),
            ],
        )
        .await;
        let error = ckan_error(&response, 413, "Validation Error");
        assert!(error["notes"][0].is_string(), "the part is named: {error}");
    }
    let third = "b".repeat(dulieu_web::MAX_JSON_BYTES / 3 + 1);
    let response = multipart_action(
        t,
        "resource_create",
        w.editor.auth(),
        &[
            Part::Text("package_id", id),
            Part::Text("name", &third),
            Part::Text("description", &third),
            Part::Text("format", &third),
            Part::File("upload", "a.csv", b"a,b\n1,2\n"),
        ],
    )
    .await;
    let error = ckan_error(&response, 413, "Validation Error");
    assert!(
        error["format"].is_array(),
        "text parts count together: {error}"
    );
    let package = action(t, "package_show", None, json!({"id": id})).await;
    assert_eq!(package["num_resources"], 0, "nothing written: {package}");

    let big = vec![b'7'; 3 * dulieu_web::MAX_JSON_BYTES];
    for base in ["/api/3/action", "/api/action"] {
        let response = t
            .call(multipart(
                Method::POST,
                &format!("{base}/resource_create"),
                w.editor.auth(),
                &[
                    Part::Text("package_id", id),
                    Part::File("upload", "lon.csv", &big),
                ],
            ))
            .await;
        let body = ok(&response, 200);
        assert_eq!(body["result"]["size"], big.len(), "{base}");
    }
}

#[tokio::test]
async fn ckan_private_decides_over_the_access_rights_extra() {
    let w = World::new().await;
    let t = &w.t;
    let editor = w.editor.auth();
    let created = action(
        t,
        "package_create",
        editor,
        json!({"name": "ho-so", "title": "Hồ sơ", "owner_org": ORG}),
    )
    .await;
    assert_eq!(created["private"], false);
    assert_eq!(extra(&created, "access_rights"), Some("public"));
    let anonymous_sees = |found: Value| found["count"] == 1;

    // `private: true` against the `access_rights: public` package_show writes.
    let patched = action(
        t,
        "package_patch",
        editor,
        json!({"id": "ho-so", "private": true}),
    )
    .await;
    assert_eq!(patched["private"], true, "{patched}");
    assert_eq!(extra(&patched, "access_rights"), Some("non-public"));
    failure(
        t,
        "package_show",
        None,
        json!({"id": "ho-so"}),
        404,
        "Not Found Error",
    )
    .await;
    assert!(!anonymous_sees(
        action(t, "package_search", None, json!({"q": "name:ho-so"})).await
    ));

    // And back.
    let patched = action(
        t,
        "package_patch",
        editor,
        json!({"id": "ho-so", "private": "false"}),
    )
    .await;
    assert_eq!(extra(&patched, "access_rights"), Some("public"));
    assert_eq!(
        action(t, "package_show", None, json!({"id": "ho-so"})).await["name"],
        "ho-so"
    );
    assert!(anonymous_sees(
        action(t, "package_search", None, json!({"q": "name:ho-so"})).await
    ));

    // The extra alone in a patch decides; `private: true` then keeps `restricted`.
    let restricted = json!([{"key": "access_rights", "value": "restricted"}]);
    let patched = action(
        t,
        "package_patch",
        editor,
        json!({"id": "ho-so", "extras": restricted}),
    )
    .await;
    assert_eq!(
        (patched["private"].clone(), extra(&patched, "access_rights")),
        (json!(true), Some("restricted"))
    );
    let patched = action(
        t,
        "package_patch",
        editor,
        json!({"id": "ho-so", "private": true, "notes": "Ghi chú"}),
    )
    .await;
    assert_eq!(extra(&patched, "access_rights"), Some("restricted"));

    // show → edit `private` → update: the edit wins over the extra shown.
    let mut shown = action(t, "package_show", editor, json!({"id": "ho-so"})).await;
    shown["private"] = json!(false);
    let updated = action(t, "package_update", editor, shown).await;
    assert_eq!(extra(&updated, "access_rights"), Some("public"));
    assert!(anonymous_sees(
        action(t, "package_search", None, json!({"q": "name:ho-so"})).await
    ));
}

#[tokio::test]
async fn ckan_updates_keep_issued_and_bump_modified() {
    let w = World::new().await;
    let t = &w.t;
    let editor = w.editor.auth();
    let created = action(
        t,
        "package_create",
        editor,
        json!({"name": "lich-su", "title": "Lịch sử", "owner_org": ORG, "extras": [
            {"key": "issued", "value": "2020-01-01"}, {"key": "modified", "value": "2020-02-01"}
        ]}),
    )
    .await;
    assert_eq!(created["state"], "active");
    assert_eq!(extra(&created, "issued"), Some("2020-01-01"));
    assert_eq!(extra(&created, "modified"), Some("2020-02-01"));

    // An ordinary CKAN client: no dulieu dates in what it sends.
    let before = today();
    let updated = action(
        t,
        "package_update",
        editor,
        json!({"id": "lich-su", "name": "lich-su", "title": "Lịch sử mới", "owner_org": ORG}),
    )
    .await;
    let after = today();
    assert_eq!(extra(&updated, "issued"), Some("2020-01-01"), "{updated}");
    let modified = extra(&updated, "modified").unwrap().to_string();
    assert!(
        before <= modified && modified <= after,
        "bumped to the day: {modified}"
    );
    assert!(
        updated["metadata_modified"].as_str() > created["metadata_modified"].as_str(),
        "{} then {}",
        created["metadata_modified"],
        updated["metadata_modified"]
    );

    // Sent dates are written.
    let updated = action(
        t,
        "package_update",
        editor,
        json!({"id": "lich-su", "title": "Lịch sử", "owner_org": ORG, "extras": [
            {"key": "issued", "value": "2019-05-05"}, {"key": "modified", "value": "2021-03-03"}
        ]}),
    )
    .await;
    assert_eq!(extra(&updated, "issued"), Some("2019-05-05"));
    assert_eq!(extra(&updated, "modified"), Some("2021-03-03"));

    // A patch bumps `modified` and keeps `issued`, though the package shown carries both.
    let before = today();
    let patched = action(
        t,
        "package_patch",
        editor,
        json!({"id": "lich-su", "notes": "Đã sửa"}),
    )
    .await;
    let after = today();
    assert_eq!(extra(&patched, "issued"), Some("2019-05-05"));
    let modified = extra(&patched, "modified").unwrap().to_string();
    assert!(before <= modified && modified <= after, "{modified}");
    assert!(patched["metadata_modified"].as_str() > updated["metadata_modified"].as_str());
}

#[tokio::test]
async fn ckan_resource_update_checks_the_fields_before_storing_the_file() {
    let w = World::new().await;
    let t = &w.t;
    let dataset = w.dataset("tep", "published", "public").await;
    let first = b"nam,so\n2024,1\n";
    let distribution = w
        .upload(dataset["id"].as_str().unwrap(), "so-lieu.csv", first)
        .await;
    let id = distribution["id"].as_str().unwrap().to_string();
    let shown = action(t, "resource_show", None, json!({"id": id})).await;
    let unchanged = |now: &Value| {
        for key in ["size", "hash", "version", "url", "last_modified"] {
            assert_eq!(now[key], shown[key], "{key}: {now}");
        }
    };
    let second = b"nam,so\n2025,2\n2026,3\n";
    for (name, field, value, error_key) in [
        ("resource_update", "issued", "soon", "issued"),
        ("resource_patch", "issued", "soon", "issued"),
        (
            "resource_update",
            "license_id",
            "other-closed",
            "license_id",
        ),
        ("resource_patch", "license_id", "other-closed", "license_id"),
    ] {
        let response = multipart_action(
            t,
            name,
            w.editor.auth(),
            &[
                Part::Text("id", &id),
                Part::Text(field, value),
                Part::File("upload", "so-lieu.csv", second),
            ],
        )
        .await;
        let error = ckan_error(&response, 409, "Validation Error");
        assert!(error[error_key].is_array(), "{name} {field}: {error}");
        unchanged(&action(t, "resource_show", None, json!({"id": id})).await);
        let download = t
            .get(
                shown["url"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("http://dulieu.test"),
                None,
            )
            .await;
        assert_eq!(&download.body[..], first, "{name} {field}");
    }
    let versions = ok(
        &t.get(&format!("/api/1/distributions/{id}/versions"), None)
            .await,
        200,
    );
    assert_eq!(versions.as_array().map(Vec::len), Some(1), "{versions}");

    // With valid fields the file is replaced and the fields written.
    let response = multipart_action(
        t,
        "resource_patch",
        w.editor.auth(),
        &[
            Part::Text("id", &id),
            Part::Text("description", "Bản mới"),
            Part::File("upload", "so-lieu.csv", second),
        ],
    )
    .await;
    let body = ok(&response, 200);
    assert_eq!(body["result"]["size"], second.len());
    assert_eq!(body["result"]["description"], "Bản mới");
    assert_eq!(body["result"]["hash"], sha256_hex(second));
}

#[tokio::test]
async fn ckan_numeric_parameters_at_their_extremes_are_never_a_500() {
    let w = World::new().await;
    let dataset = w.dataset("so", "published", "public").await;
    let t = &w.t;
    action(
        t,
        "package_patch",
        w.editor.auth(),
        json!({"id": "so", "tags": [{"name": "dân số"}]}),
    )
    .await;
    let u64_max = u64::MAX.to_string();
    let i64_max = i64::MAX.to_string();

    // package_list: an offset PostgreSQL cannot take is refused; the largest it can take is
    // past the end.
    for offset in [u64_max.as_str(), "-1", "1e3", "99999999999999999999999"] {
        let error = failure(
            t,
            "package_list",
            None,
            json!({"offset": offset}),
            409,
            "Validation Error",
        )
        .await;
        assert!(error["offset"].is_array(), "{offset}: {error}");
    }
    assert_eq!(
        get(
            t,
            &format!("/api/3/action/package_list?offset={i64_max}"),
            None
        )
        .await,
        json!([])
    );
    assert_eq!(
        get(
            t,
            &format!("/api/3/action/package_list?limit={u64_max}"),
            None
        )
        .await,
        json!(["so"]),
        "limit clamped"
    );

    // package_search: facet.limit clamped both ways, start past the end, rows negative refused.
    for limit in [i64_max.as_str(), "-9223372036854775808", "-1", "0"] {
        let found = get(
            t,
            &format!(
                "/api/3/action/package_search?facet.field=%5B%22tags%22%5D&facet.limit={limit}&rows=0"
            ),
            None,
        )
        .await;
        let expected = if limit == "0" {
            json!({})
        } else {
            json!({"dân số": 1})
        };
        assert_eq!(found["facets"]["tags"], expected, "facet.limit={limit}");
    }
    let found = get(
        t,
        &format!("/api/3/action/package_search?start={u64_max}&rows={u64_max}"),
        None,
    )
    .await;
    assert_eq!(
        (found["count"].clone(), found["results"].clone()),
        (json!(1), json!([]))
    );
    for (key, value) in [
        ("rows", "-1"),
        ("start", "-1"),
        ("facet.limit", u64_max.as_str()),
    ] {
        let error = failure(
            t,
            "package_search",
            None,
            json!({key: value}),
            409,
            "Validation Error",
        )
        .await;
        assert!(error[key].is_array(), "{key}={value}: {error}");
    }

    // datastore_search: an offset past i64 is refused, the largest is an empty page.
    let distribution = w
        .upload(
            dataset["id"].as_str().unwrap(),
            "bang.csv",
            b"a,b\n1,2\n3,4\n",
        )
        .await;
    w.t.run_jobs().await;
    let id = distribution["id"].as_str().unwrap();
    let error = failure(
        t,
        "datastore_search",
        None,
        json!({"resource_id": id, "offset": u64_max}),
        409,
        "Validation Error",
    )
    .await;
    assert!(error["offset"].is_array(), "{error}");
    let page = get(
        t,
        &format!("/api/3/action/datastore_search?resource_id={id}&offset={i64_max}&limit=32000"),
        None,
    )
    .await;
    assert_eq!(page["records"], json!([]));
    assert_eq!(page["total"], 2);
    assert!(
        page["_links"]["next"]
            .as_str()
            .is_some_and(|n| n.ends_with(&format!("offset={}", i64::MAX as u64 + 32_000))),
        "{page}"
    );
}
