//! The demo catalog loads completely, publicly, and only once; its accounts sign in with their
//! documented passwords and its requests and feedback stand in their listed states.

use std::collections::BTreeMap;

use dulieu_core::vocab::Provenance;
use dulieu_testkit::TestApp;
use serde_json::{Value, json};

#[tokio::test]
async fn loads_the_annex_c_catalog_once() {
    let test = TestApp::new().await;
    let first = dulieu_demo::load(&test.app).await.unwrap();
    assert!(first.organizations >= 20);
    assert_eq!(first.datasets, 49);
    assert_eq!(first.distributions, 36, "rows with a usable link");
    assert_eq!(
        (first.assessments, first.action_plans),
        (3, 2),
        "the 2019 DGRA and ODRA with their plans, and the OD4B"
    );
    assert_eq!(
        (first.accounts, first.requests, first.feedback),
        (3, 6, 3),
        "a citizen, a portal team member and an editor; six requests; three feedback tickets"
    );
    assert_eq!(
        first.tables,
        dulieu_demo::tables::TABLES.len(),
        "the tabular files"
    );
    assert_eq!(
        first.inventory, 55,
        "every Annex C row and the six national databases"
    );
    let second = dulieu_demo::load(&test.app).await.unwrap();
    assert_eq!(
        second,
        dulieu_demo::LoadReport::default(),
        "a second load creates nothing"
    );

    let list = test.get("/api/1/datasets?page_size=100", None).await.json();
    assert_eq!(list["total"], 49, "every demo dataset is public");
    let budget = test
        .get("/api/1/datasets/mof-state-budget-estimates", None)
        .await
        .json();
    assert_eq!(budget["publisher"], "mof");
    assert_eq!(
        budget["provenance"],
        serde_json::json!(Provenance::Official)
    );
    assert_eq!(budget["license"], "none");
    assert_eq!(budget["license_open"], false);
    assert_eq!(budget["distributions"][0]["url"], "http://bit.ly/2XbzAAS");
    let gso = test.get("/api/1/organizations/gso", None).await.json();
    assert_eq!(gso["parent"], "mpi");
    let assessments = test.get("/api/1/assessments", None).await.json();
    assert_eq!(assessments["total"], 3, "published, so public");
    let plans = test.get("/api/1/action-plans", None).await.json();
    assert_eq!(plans["total"], 2);

    let inventory = test
        .get("/api/1/inventory?page_size=100", None)
        .await
        .json();
    assert_eq!(inventory["total"], 55);
    let overdue = test
        .get("/api/1/inventory?overdue=true&sort=target_date", None)
        .await
        .json();
    let titles: Vec<&str> = overdue["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"]["en"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "National business registration database",
            "National population database",
            "National financial database"
        ],
        "past their target dates (the demo runs after September 2026)"
    );
    let budget_item = test
        .get(
            "/api/1/inventory?organization=mof&q=ngan+sach+nha+nuoc&status=published",
            None,
        )
        .await
        .json();
    let budget_item = budget_item["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["dataset"] == "mof-state-budget-estimates")
        .expect("the Annex C row of the budget estimates, found without accents");
    assert_eq!(budget_item["priority"], "quick_win", "Quick win/ Priority");
}

/// Signs a demo account in with its documented password; returns its API token.
async fn sign_in(test: &TestApp, email: &str) -> String {
    let local = email.split('@').next().unwrap();
    let body =
        json!({"name": "demo test", "email": email, "password": format!("dulieu-demo-{local}")});
    let answer = test.post("/api/1/tokens", None, body).await;
    assert_eq!(answer.status, 201, "{email}: {}", answer.json());
    answer.json()["token_secret"].as_str().unwrap().to_string()
}

/// The request with `title` from a list answer.
fn by_title<'a>(list: &'a Value, title: &str) -> &'a Value {
    list["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == title)
        .unwrap_or_else(|| panic!("no request “{title}”"))
}

#[tokio::test]
async fn the_demo_accounts_requests_and_feedback_stand_in_their_states() {
    let test = TestApp::demo().await;
    let citizen = sign_in(&test, "citizen@demo.example.vn").await;
    let team = sign_in(&test, "odtf@demo.example.vn").await;
    let editor = sign_in(&test, "gso-editor@demo.example.vn").await;
    let me = |token| test.get("/api/1/users/me", Some(token));
    assert_eq!(me(&team).await.json()["is_odtf"], true);
    assert_eq!(me(&citizen).await.json()["is_odtf"], false);
    assert_eq!(me(&editor).await.json()["is_sysadmin"], false);
    let members = test
        .get("/api/1/organizations/gso/members", Some(&editor))
        .await
        .json();
    assert!(
        members
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["email"] == "gso-editor@demo.example.vn" && m["role"] == "editor"),
        "{members}"
    );

    let list = test.get("/api/1/requests?page_size=100", None).await.json();
    assert_eq!(list["total"], 6, "every demo request is public: {list}");
    let mut states = BTreeMap::new();
    for r in list["results"].as_array().unwrap() {
        *states
            .entry(r["state"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    let want: BTreeMap<String, i32> = [
        "accepted",
        "awaiting_response",
        "clarification_needed",
        "fulfilled",
        "refused",
        "submitted",
    ]
    .into_iter()
    .map(|s| (s.to_string(), 1))
    .collect();
    assert_eq!(states, want);

    let waiting = by_title(&list, "Chỉ số giá tiêu dùng theo tỉnh, hằng tháng");
    assert!(
        waiting["deadline"]["due_at"].is_string(),
        "the clock runs: {waiting}"
    );
    let id = waiting["id"].as_str().unwrap();
    let view = test
        .get(&format!("/api/1/requests/{id}"), Some(&editor))
        .await
        .json();
    let actions: Vec<&str> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["created", "triage", "assign", "message"]);
    assert_eq!(view["messages"][0]["author_role"], "portal_team");
    assert!(
        view["actions"]
            .as_array()
            .unwrap()
            .contains(&json!("fulfil")),
        "the editor may answer: {view}"
    );

    let fulfilled = by_title(&list, "Dân số theo tỉnh, giới tính và nhóm tuổi");
    let dataset = test
        .get("/api/1/datasets/gso-population-demographic-data", None)
        .await
        .json();
    assert_eq!(fulfilled["dataset_id"], dataset["id"]);
    let refused = by_title(&list, "Phiếu điều tra gốc của Tổng điều tra dân số 2019");
    assert_eq!(refused["refusal_reason"], "personal_data");
    assert!(
        refused["legal_basis"]
            .as_str()
            .unwrap()
            .contains("104/2016/QH13")
    );
    let accepted = by_title(
        &list,
        "Dân số và số hộ theo xã, phường (Tổng điều tra 2019)",
    );
    assert!(accepted["planned_date"].is_string(), "{accepted}");

    let inbox = test
        .get(
            "/api/1/requests?organization=gso&sort=deadline",
            Some(&editor),
        )
        .await
        .json();
    assert_eq!(inbox["total"], 5, "all but the submitted one are the GSO's");
    let stats = test.get("/api/1/requests/statistics", None).await.json();
    let overall = &stats["overall"];
    assert_eq!(
        (
            &overall["received"],
            &overall["answered"],
            &overall["fulfilled"],
            &overall["refused"]
        ),
        (&json!(6), &json!(3), &json!(1), &json!(1))
    );
    assert_eq!(overall["refused_by_reason"], json!({"personal_data": 1}));
    assert_eq!(stats["organizations"][0]["slug"], "gso");
    assert_eq!(stats["organizations"][0]["stats"]["received"], 5);

    let feedback_state = |slug: &'static str| {
        let test = &test;
        async move {
            let list = test
                .get(&format!("/api/1/datasets/{slug}/feedback"), None)
                .await
                .json();
            let states: Vec<String> = list
                .as_array()
                .unwrap_or_else(|| panic!("{slug}: {list}"))
                .iter()
                .map(|f| f["state"].as_str().unwrap().to_string())
                .collect();
            states
        }
    };
    assert_eq!(feedback_state("mof-public-debt-news").await, ["open"]);
    assert_eq!(feedback_state("gso-statistics").await, ["acknowledged"]);
    assert_eq!(
        feedback_state("gso-population-demographic-data").await,
        ["resolved"]
    );

    let notices = test
        .get("/api/1/notifications", Some(&citizen))
        .await
        .json();
    let kinds: Vec<&str> = notices["notifications"]
        .as_array()
        .unwrap_or_else(|| panic!("{notices}"))
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "request.assign",
        "request.fulfil",
        "request.refuse",
        "feedback.resolve",
    ] {
        assert!(
            kinds.contains(&kind),
            "the citizen was told of {kind}: {kinds:?}"
        );
    }

    // The notices' e-mails were queued with the changes; the worker writes them to the outbox.
    let mut ran = 0;
    while test.app.run_next_job().await.unwrap() {
        ran += 1;
        assert!(ran < 1000, "the job queue does not empty");
    }
    let outbox = test.config.effective_outbox_dir();
    let mails: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect();
    let to = |address: &str| {
        mails
            .iter()
            .filter(|m| m.contains(&format!("To: {address}")))
            .count()
    };
    assert!(to("citizen@demo.example.vn") >= 10, "{} mails", mails.len());
    assert!(to("gso-editor@demo.example.vn") >= 5, "assigned to the GSO");
    assert!(to("odtf@demo.example.vn") >= 6, "new requests to triage");
}

/// Runs the worker until the demo's tabular files are read (other jobs, such as the remote
/// files of link distributions, run or wait for their retry meanwhile).
async fn read_demo_tables(test: &TestApp) -> Vec<(String, Value)> {
    let mut documents = Vec::new();
    for _ in 0..200 {
        documents.clear();
        for file in dulieu_demo::tables::TABLES {
            let dataset = test
                .get(&format!("/api/1/datasets/{}", file.dataset), None)
                .await
                .json();
            let id = dataset["distributions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["filename"] == file.filename)
                .unwrap_or_else(|| panic!("{} is not uploaded", file.filename))["id"]
                .as_str()
                .unwrap()
                .to_string();
            let document = test.get(&format!("/api/1/tables/{id}"), None).await.json();
            documents.push((file.filename.to_string(), document));
        }
        if documents.iter().all(|(_, d)| d["status"] == "done") {
            return documents;
        }
        if !test.app.run_next_job().await.unwrap() {
            break;
        }
    }
    panic!("the demo tables were not read: {documents:?}");
}

#[tokio::test]
async fn the_demo_tables_are_read_as_typed_tables() {
    let test = TestApp::demo().await;
    let documents: BTreeMap<String, Value> = read_demo_tables(&test).await.into_iter().collect();

    let population = &documents["dan_so_tinh_2023.csv"];
    assert_eq!(population["row_count"], 20, "{population}");
    let fields = population["schema"]["fields"].as_array().unwrap();
    let types: Vec<&str> = fields.iter().map(|f| f["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "string", "string", "string", "number", "number", "integer", "number"
        ],
        "codes stay text, Vietnamese decimals are numbers: {fields:?}"
    );
    let table = &population["tables"][0];
    let title = table["title"].as_str().unwrap_or_default();
    assert!(
        title.contains("Dân số trung bình"),
        "the title row: {table}"
    );
    assert_eq!(
        table["notes"].as_array().map(Vec::len),
        Some(1),
        "the note: {table}"
    );

    let workbook = &documents["dan_so_gioi_tinh_2024.xlsx"];
    let sheets: Vec<&str> = workbook["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(sheets, ["Dân số", "Lao động"], "the empty sheet is skipped");

    let positions = &documents["toa_do_trung_tam_tinh.csv"];
    assert_eq!(positions["row_count"], 20);
    let names: Vec<&str> = positions["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["type"] == "number")
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["vi_do", "kinh_do"], "the map's columns");
}
