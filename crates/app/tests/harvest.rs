//! Federation: two dulieu instances on loopback. Portal A publishes datasets; portal B harvests
//! A through its CKAN Action API and, separately, through its DCAT catalog. B's copies match A's
//! metadata, a change on A appears on B after the next run (in place, same copy), a dataset
//! deleted on A is archived on B, and what A does not publish (drafts, non-public datasets)
//! never reaches B.

use dulieu_core::harvest::{HarvestOutcome, HarvestRun};
use dulieu_core::vocab::OrgKind;
use dulieu_testkit::TestApp;
use serde_json::{Value, json};

/// Portal A serving its router on a loopback port.
pub(crate) async fn portal_a() -> (TestApp, String, u16) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // Its public URL is where it is served, so the links it writes (Hydra pages) work.
    let a = TestApp::with(|c| c.public_url = format!("http://127.0.0.1:{port}")).await;
    let router = a.router.clone();
    tokio::spawn(async move {
        dulieu_web::serve(listener, router, std::future::pending())
            .await
            .unwrap();
    });
    let (_, token) = a.user("admin@a.test", true).await;
    a.organization("bo-tai-chinh", OrgKind::National).await;
    (a, token, port)
}

/// Portal B, allowed to reach A's port, on SQLite.
pub(crate) async fn portal_b(port: u16) -> (TestApp, String) {
    portal_b_on(port, None).await
}

/// Portal B on the database `database_url` (SQLite when `None`).
pub(crate) async fn portal_b_on(port: u16, database_url: Option<String>) -> (TestApp, String) {
    let b = TestApp::with(|c| {
        c.fetch.allow_networks = vec!["127.0.0.1/32".into()];
        c.fetch.allowed_ports.push(port);
        if let Some(url) = database_url {
            c.database_url = url;
        }
    })
    .await;
    let (_, token) = b.user("admin@b.test", true).await;
    (b, token)
}

pub(crate) fn budget_dataset(slug: &str, status: &str) -> Value {
    json!({
        "slug": slug,
        "title": {"vi": "Ngân sách nhà nước 2024", "en": "State budget 2024"},
        "description": {"vi": "Thu chi ngân sách theo tỉnh.", "en": "Budget revenue and spending by province."},
        "publisher": "bo-tai-chinh",
        "keywords": ["ngân sách", "tài chính công"],
        "themes": ["ECON", "GOVE"],
        "license": "cc-by-4.0",
        "frequency": "annual",
        "status": status,
    })
}

/// Creates a dataset on A with one CSV link; its id.
pub(crate) async fn publish(a: &TestApp, token: &str, body: Value) -> String {
    let created = a.post("/api/1/datasets", Some(token), body).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_string();
    let link = a
        .post(
            &format!("/api/1/datasets/{id}/distributions"),
            Some(token),
            json!({
                "title": {"vi": "Số liệu CSV", "en": "CSV data"},
                "url": "https://data.example.vn/ngan-sach-2024.csv",
                "format": "CSV",
            }),
        )
        .await;
    assert_eq!(link.status, 201, "{:?}", link.body);
    id
}

pub(crate) async fn run(b: &TestApp, token: &str, source: &str) -> HarvestRun {
    let ran = b
        .post(
            &format!("/api/1/harvest/sources/{source}/run"),
            Some(token),
            json!({}),
        )
        .await;
    assert_eq!(ran.status, 200, "{:?}", ran.body);
    serde_json::from_value(ran.json()).unwrap()
}

fn sorted(list: &Value) -> Vec<String> {
    let mut items: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    items.sort();
    items
}

/// The newest run of `source` once it is no longer running (waiting up to 10 s).
pub(crate) async fn ended_run(b: &TestApp, token: &str, source: &str) -> Value {
    let mut latest = Value::Null;
    for _ in 0..200 {
        latest = b
            .get(
                &format!("/api/1/harvest/sources/{source}/runs"),
                Some(token),
            )
            .await
            .json()["results"][0]
            .clone();
        if latest["outcome"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    latest
}

pub(crate) fn counts(run: &HarvestRun) -> (i64, i64, i64, i64, i64) {
    (
        run.created,
        run.updated,
        run.unchanged,
        run.archived,
        run.failed,
    )
}

/// B's copy of a dataset, found by its title through B's own API.
pub(crate) async fn copy_titled(b: &TestApp, token: &str, title: &str) -> Value {
    let list = b.get("/api/1/datasets?page_size=100", Some(token)).await;
    assert_eq!(list.status, 200, "{:?}", list.body);
    list.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"]["vi"] == title)
        .cloned()
        .unwrap_or_else(|| panic!("no copy titled {title}: {:?}", list.body))
}

/// Counts of the runs after the first: nothing changed, one dataset changed, one deleted. A
/// CKAN source is read incrementally (only what changed since the newest change already read,
/// that one included); a catalog is read whole each time.
type Later = [(i64, i64, i64, i64, i64); 3];

async fn federation(kind: &str, path: &str, later: Later, database_url: Option<String>) {
    let (a, a_token, port) = portal_a().await;
    let budget = publish(&a, &a_token, budget_dataset("ngan-sach-2024", "published")).await;
    let mut population = budget_dataset("dan-so-2024", "published");
    population["title"] = json!({"vi": "Dân số 2024", "en": "Population 2024"});
    population["themes"] = json!(["SOCI"]);
    population["license"] = "cc0-1.0".into();
    publish(&a, &a_token, population).await;
    publish(&a, &a_token, budget_dataset("ban-nhap", "draft")).await;
    let mut hidden = budget_dataset("noi-bo", "published");
    hidden["access_rights"] = "non-public".into();
    publish(&a, &a_token, hidden).await;
    a.sync_search().await;

    let (b, b_token) = portal_b_on(port, database_url).await;
    let settings = json!({
        "slug": "portal-a",
        "title": "Portal A",
        "kind": kind,
        "url": format!("http://127.0.0.1:{port}{path}"),
        "grace_days": 0,
        "schedule": "0 3 * * *",
    });

    // The preview reads without writing.
    let preview = b
        .post("/api/1/harvest/preview", Some(&b_token), settings.clone())
        .await;
    assert_eq!(preview.status, 200, "{:?}", preview.body);
    let items = preview.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "{:?}", preview.body);
    assert!(
        items.iter().all(|i| i["action"] == "create"),
        "{:?}",
        preview.body
    );
    assert_eq!(
        b.get("/api/1/datasets", Some(&b_token)).await.json()["total"],
        0
    );

    let created = b
        .post("/api/1/harvest/sources", Some(&b_token), settings)
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);

    let first = run(&b, &b_token, "portal-a").await;
    assert_eq!(first.outcome, HarvestOutcome::Succeeded, "{first:?}");
    assert_eq!(counts(&first), (2, 0, 0, 0, 0), "{first:?}");

    // The copy matches A's metadata.
    let original = a
        .get(&format!("/api/1/datasets/{budget}"), None)
        .await
        .json();
    let copy = copy_titled(&b, &b_token, "Ngân sách nhà nước 2024").await;
    for field in [
        "title",
        "description",
        "license",
        "frequency",
        "status",
        "issued",
    ] {
        assert_eq!(
            copy[field], original[field],
            "{field}: {copy} vs {original}"
        );
    }
    // Keywords and themes are sets (RDF keeps no order).
    for field in ["keywords", "themes"] {
        assert_eq!(sorted(&copy[field]), sorted(&original[field]), "{field}");
    }
    assert_eq!(copy["slug"], "ngan-sach-2024");
    assert_eq!(copy["provenance"], "official");
    let publisher = b
        .get(
            &format!(
                "/api/1/organizations/{}",
                copy["publisher"].as_str().unwrap()
            ),
            None,
        )
        .await
        .json();
    assert_eq!(
        publisher["name"]["vi"], "Tổ chức bo-tai-chinh",
        "{publisher}"
    );
    let links = copy["distributions"].as_array().unwrap();
    assert_eq!(links.len(), 1, "{copy}");
    assert_eq!(links[0]["format"], "CSV");
    assert_eq!(links[0]["title"]["en"], "CSV data");
    let origin = b
        .app
        .dataset_origin(copy["id"].as_str().unwrap().parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(origin.source_slug, "portal-a");

    // Nothing changed on A: nothing changes on B.
    let second = run(&b, &b_token, "portal-a").await;
    assert_eq!(counts(&second), later[0], "{second:?}");

    // A change on A appears on B, in place.
    let changed = a
        .patch(
            &format!("/api/1/datasets/{budget}"),
            Some(&a_token),
            json!({"title": {"vi": "Ngân sách nhà nước 2024 (điều chỉnh)", "en": "State budget 2024 (revised)"}}),
        )
        .await;
    assert_eq!(changed.status, 200, "{:?}", changed.body);
    a.sync_search().await;
    let third = run(&b, &b_token, "portal-a").await;
    assert_eq!(counts(&third), later[1], "{third:?}");
    let revised = copy_titled(&b, &b_token, "Ngân sách nhà nước 2024 (điều chỉnh)").await;
    assert_eq!(revised["id"], copy["id"]);
    assert_eq!(revised["title"]["en"], "State budget 2024 (revised)");

    // A deletion on A archives the copy on B.
    let deleted = a
        .delete(&format!("/api/1/datasets/{budget}"), Some(&a_token))
        .await;
    assert_eq!(deleted.status, 204, "{:?}", deleted.body);
    a.sync_search().await;
    let fourth = run(&b, &b_token, "portal-a").await;
    assert_eq!(counts(&fourth), later[2], "{fourth:?}");
    let archived = b
        .get(
            &format!("/api/1/datasets/{}", copy["id"].as_str().unwrap()),
            Some(&b_token),
        )
        .await
        .json();
    assert_eq!(archived["status"], "archived", "{archived}");

    let history = b
        .get("/api/1/harvest/sources/portal-a/runs", Some(&b_token))
        .await;
    assert_eq!(history.json()["total"], 4, "{:?}", history.body);
}

const CKAN_LATER: Later = [(0, 0, 1, 0, 0), (0, 1, 1, 0, 0), (0, 0, 0, 1, 0)];

#[tokio::test]
async fn b_on_postgres_harvests_a_through_the_ckan_api() {
    let Some(server) = dulieu_testkit::postgres_url() else {
        return;
    };
    let url = dulieu_testkit::fresh_postgres_database(&server).await;
    federation("ckan", "", CKAN_LATER, Some(url)).await;
}

#[tokio::test]
async fn b_harvests_a_through_the_ckan_api() {
    federation("ckan", "", CKAN_LATER, None).await;
}

#[tokio::test]
async fn b_harvests_a_through_its_dcat_catalog() {
    federation(
        "dcat",
        "/catalog.ttl",
        [(0, 0, 2, 0, 0), (0, 1, 1, 0, 0), (0, 0, 1, 1, 0)],
        None,
    )
    .await;
}

#[tokio::test]
async fn b_harvests_a_through_its_data_json() {
    let (a, a_token, port) = portal_a().await;
    publish(&a, &a_token, budget_dataset("ngan-sach-2024", "published")).await;
    let (b, b_token) = portal_b(port).await;
    let created = b
        .post(
            "/api/1/harvest/sources",
            Some(&b_token),
            json!({"slug": "a-json", "title": "A data.json", "kind": "data-json",
                "url": format!("http://127.0.0.1:{port}/data.json")}),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let first = run(&b, &b_token, "a-json").await;
    assert_eq!(counts(&first), (1, 0, 0, 0, 0), "{first:?}");
    let copy = copy_titled(&b, &b_token, "Ngân sách nhà nước 2024").await;
    assert_eq!(copy["license"], "cc-by-4.0", "{copy}");
}

#[tokio::test]
async fn a_source_that_cannot_be_read_fails_the_run_and_archives_nothing() {
    let (a, a_token, port) = portal_a().await;
    publish(&a, &a_token, budget_dataset("ngan-sach-2024", "published")).await;
    a.sync_search().await;
    let (b, b_token) = portal_b(port).await;
    let settings = json!({"slug": "portal-a", "title": "Portal A", "kind": "ckan",
        "url": format!("http://127.0.0.1:{port}"), "grace_days": 0});
    assert_eq!(
        b.post("/api/1/harvest/sources", Some(&b_token), settings)
            .await
            .status,
        201
    );
    assert_eq!(
        counts(&run(&b, &b_token, "portal-a").await),
        (1, 0, 0, 0, 0)
    );

    // Point the source at a path that answers 404: the run fails, the copy stays published.
    let moved = b
        .patch(
            "/api/1/harvest/sources/portal-a",
            Some(&b_token),
            json!({"url": format!("http://127.0.0.1:{port}/not-here")}),
        )
        .await;
    assert_eq!(moved.status, 200, "{:?}", moved.body);
    let failed = run(&b, &b_token, "portal-a").await;
    assert_eq!(failed.outcome, HarvestOutcome::Failed, "{failed:?}");
    assert_eq!(
        failed.error_code.as_deref(),
        Some("http_status"),
        "{failed:?}"
    );
    let copy = copy_titled(&b, &b_token, "Ngân sách nhà nước 2024").await;
    assert_eq!(copy["status"], "published");
}

#[tokio::test]
async fn harvest_sources_are_for_sysadmins_and_checked_before_saving() {
    let b = TestApp::new().await;
    let (_, admin) = b.user("admin@b.test", true).await;
    let (_, someone) = b.user("someone@b.test", false).await;
    let settings =
        json!({"slug": "nguon-x", "title": "X", "kind": "ckan", "url": "https://ckan.example.org"});
    assert_eq!(
        b.post("/api/1/harvest/sources", None, settings.clone())
            .await
            .status,
        401
    );
    assert_eq!(
        b.post("/api/1/harvest/sources", Some(&someone), settings.clone())
            .await
            .status,
        403
    );
    assert_eq!(
        b.get("/api/1/harvest/sources", Some(&someone)).await.status,
        403
    );

    let bad = b
        .post(
            "/api/1/harvest/sources",
            Some(&admin),
            json!({"slug": "Bad Slug", "title": "", "kind": "ckan", "url": "ftp://x",
                "schedule": "every day", "organization": "nobody", "grace_days": -1}),
        )
        .await;
    assert_eq!(bad.status, 422, "{:?}", bad.body);
    let fields = bad.json()["error"]["fields"].clone();
    for field in ["slug", "title", "url", "grace_days"] {
        assert!(fields.get(field).is_some(), "{field} missing in {fields}");
    }
    let unknown_kind = b
        .post(
            "/api/1/harvest/sources",
            Some(&admin),
            json!({"slug": "nguon-y", "title": "Y", "kind": "oai-pmh", "url": "https://x.org"}),
        )
        .await;
    assert_eq!(unknown_kind.status, 422, "{:?}", unknown_kind.body);

    // The guard refuses private addresses before anything is saved.
    let private = b
        .post(
            "/api/1/harvest/sources",
            Some(&admin),
            json!({"slug": "nguon-z", "title": "Z", "kind": "ckan", "url": "http://10.0.0.5"}),
        )
        .await;
    assert_eq!(private.status, 422, "{:?}", private.body);
    assert!(
        private.json()["error"]["fields"]["url"].is_array(),
        "{:?}",
        private.body
    );
    assert_eq!(
        b.get("/api/1/harvest/sources", Some(&admin)).await.json()["results"],
        json!([])
    );

    let ok = b
        .post("/api/1/harvest/sources", Some(&admin), settings)
        .await;
    assert_eq!(ok.status, 201, "{:?}", ok.body);
    assert_eq!(ok.json()["schedule"], "@daily");
    assert_eq!(ok.json()["grace_days"], 7);
    assert_eq!(ok.json()["publisher_kind"], "other-public");
}

#[tokio::test]
async fn a_dataset_gone_from_the_source_is_archived_only_after_the_grace_period() {
    let (a, a_token, port) = portal_a().await;
    let budget = publish(&a, &a_token, budget_dataset("ngan-sach-2024", "published")).await;
    a.sync_search().await;
    let (b, b_token) = portal_b(port).await;
    let settings = json!({"slug": "portal-a", "title": "Portal A", "kind": "ckan",
        "url": format!("http://127.0.0.1:{port}"), "grace_days": 7});
    assert_eq!(
        b.post("/api/1/harvest/sources", Some(&b_token), settings)
            .await
            .status,
        201
    );
    assert_eq!(
        counts(&run(&b, &b_token, "portal-a").await),
        (1, 0, 0, 0, 0)
    );
    let copy = copy_titled(&b, &b_token, "Ngân sách nhà nước 2024").await;
    let copy_id = copy["id"].as_str().unwrap().parse().unwrap();

    assert_eq!(
        a.delete(&format!("/api/1/datasets/{budget}"), Some(&a_token))
            .await
            .status,
        204
    );
    a.sync_search().await;
    // Gone for less than the grace period: marked, not archived.
    assert_eq!(
        counts(&run(&b, &b_token, "portal-a").await),
        (0, 0, 0, 0, 0)
    );
    let origin = b.app.dataset_origin(copy_id).await.unwrap().unwrap();
    assert!(origin.gone_since.is_some(), "{origin:?}");
    assert_eq!(
        copy_titled(&b, &b_token, "Ngân sách nhà nước 2024").await["status"],
        "published"
    );

    // With no grace left, the next run archives it.
    let shorter = b
        .patch(
            "/api/1/harvest/sources/portal-a",
            Some(&b_token),
            json!({"grace_days": 0}),
        )
        .await;
    assert_eq!(shorter.status, 200, "{:?}", shorter.body);
    assert_eq!(
        counts(&run(&b, &b_token, "portal-a").await),
        (0, 0, 0, 1, 0)
    );
    assert_eq!(
        copy_titled(&b, &b_token, "Ngân sách nhà nước 2024").await["status"],
        "archived"
    );
}

#[tokio::test]
async fn a_paged_dcat_catalog_is_read_through_its_hydra_next_links() {
    let (a, a_token, port) = portal_a().await;
    for (slug, title) in [
        ("ngan-sach-2022", "Ngân sách 2022"),
        ("ngan-sach-2023", "Ngân sách 2023"),
        ("ngan-sach-2024", "Ngân sách 2024"),
    ] {
        let mut body = budget_dataset(slug, "published");
        body["title"] = json!({"vi": title, "en": title});
        publish(&a, &a_token, body).await;
    }
    let (b, b_token) = portal_b(port).await;
    let settings = json!({"slug": "a-paged", "title": "A, paged", "kind": "dcat",
        "url": format!("http://127.0.0.1:{port}/catalog.jsonld?page=1&page_size=1")});
    assert_eq!(
        b.post("/api/1/harvest/sources", Some(&b_token), settings)
            .await
            .status,
        201
    );
    let first = run(&b, &b_token, "a-paged").await;
    assert_eq!(counts(&first), (3, 0, 0, 0, 0), "{first:?}");
    for title in ["Ngân sách 2022", "Ngân sách 2023", "Ngân sách 2024"] {
        copy_titled(&b, &b_token, title).await;
    }
}

#[tokio::test]
async fn run_now_answers_202_and_the_run_goes_on_in_the_background() {
    // A source that accepts the connection and says nothing until told to hang up.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (hang_up, hung_up) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let _ = hung_up.await;
        drop(socket);
    });
    let (b, b_token) = portal_b(port).await;
    let settings = json!({"slug": "slow", "title": "Slow", "kind": "ckan",
        "url": format!("http://127.0.0.1:{port}")});
    assert_eq!(
        b.post("/api/1/harvest/sources", Some(&b_token), settings)
            .await
            .status,
        201
    );

    let bad_wait = b
        .post(
            "/api/1/harvest/sources/slow/run?wait=301",
            Some(&b_token),
            json!({}),
        )
        .await;
    assert_eq!(bad_wait.status, 422, "{:?}", bad_wait.body);
    assert!(
        bad_wait.json()["error"]["fields"]["wait"].is_array(),
        "{:?}",
        bad_wait.body
    );

    let started = b
        .post(
            "/api/1/harvest/sources/slow/run?wait=0",
            Some(&b_token),
            json!({}),
        )
        .await;
    assert_eq!(started.status, 202, "{:?}", started.body);
    let run: HarvestRun = serde_json::from_value(started.json()).unwrap();
    assert_eq!(run.outcome, HarvestOutcome::Running);
    let again = b
        .post(
            "/api/1/harvest/sources/slow/run?wait=0",
            Some(&b_token),
            json!({}),
        )
        .await;
    assert_eq!(again.status, 409, "{:?}", again.body);
    assert_eq!(again.json()["error"]["code"], "source_running");

    // The source hangs up: the run, still going after its answer, ends failed in the history.
    hang_up.send(()).unwrap();
    let latest = ended_run(&b, &b_token, "slow").await;
    assert_eq!(latest["id"], run.id.to_string(), "{latest}");
    assert_eq!(latest["outcome"], "failed", "{latest}");
    assert!(latest["finished_at"].is_string(), "{latest}");
}
