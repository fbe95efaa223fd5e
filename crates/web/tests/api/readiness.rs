//! Readiness: frameworks, assessments (read by everyone when published, by the portal team when
//! drafts; written by the team only), the comparison of a re-assessment, live figures, action
//! plans and their Gantt chart.

use dulieu_core::account::Actor;

use crate::support::*;

const ODRA: &str = "/api/1/assessments/viet-nam-2019-odra";
const ODRA_PLAN: &str = "/api/1/action-plans/viet-nam-2019-odra-action-plan";

/// An application with the Vietnam 2019 assessments, a portal team member, a sysadmin and an
/// ordinary user.
struct Readiness {
    t: TestApp,
    team: Person,
    sysadmin: Person,
    user: Person,
}

async fn readiness() -> Readiness {
    let t = TestApp::new().await;
    t.app
        .import_vietnam_2019(&Actor::system())
        .await
        .expect("import");
    let team = person(&t, "odtf@dulieu.test", false).await;
    t.app
        .set_portal_team(&Actor::system(), &team.email, true)
        .await
        .expect("portal team");
    let sysadmin = person(&t, "quantri@dulieu.test", true).await;
    let user = person(&t, "nguoidung@dulieu.test", false).await;
    Readiness {
        t,
        team,
        sysadmin,
        user,
    }
}

fn questions(doc: &Value) -> Vec<Value> {
    doc["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["questions"].as_array().unwrap().clone())
        .collect()
}

#[tokio::test]
async fn published_assessments_are_read_by_everyone() {
    let r = readiness().await;
    let list = ok(&r.t.get("/api/1/assessments", None).await, 200);
    assert_eq!(list["total"], 3, "the DGRA, the ODRA and the OD4B");
    assert_keys(
        &list["results"][0],
        &[
            "id",
            "slug",
            "framework",
            "framework_version",
            "title",
            "subject",
            "status",
            "started_on",
            "finished_on",
            "published_on",
            "assessors",
            "source",
            "based_on",
            "questions",
            "rated",
            "evidence",
            "created_at",
            "updated_at",
        ],
    );
    let odra = ok(&r.t.get(ODRA, None).await, 200);
    assert_eq!(odra["framework"]["id"], "odra");
    assert_eq!(odra["framework"]["version"], "3.1");
    let dimensions = odra["dimensions"].as_array().unwrap();
    assert_eq!(dimensions.len(), 8);
    assert_eq!(questions(&odra).len(), 43);
    assert_eq!(dimensions[1]["rating"], "yellow_red");
    assert_eq!(dimensions[1]["readiness"], 2, "Low / Medium");
    assert_eq!(dimensions[7]["readiness"], 5, "High");
    assert_eq!(
        odra["balance"],
        json!({"for": 190, "against": 84, "neutral": 6})
    );
    assert_eq!(odra["unsupported_ratings"], 0);
    let q = &dimensions[0]["questions"][0];
    assert_keys(
        q,
        &[
            "id",
            "text",
            "wording",
            "importance",
            "rating",
            "readiness",
            "commentary",
            "balance",
            "unsupported",
            "evidence",
        ],
    );
    assert_eq!(q["importance"], "very_high");
    assert_eq!(
        q["text"]["vi"],
        "Sự lãnh đạo chính trị đối với Dữ liệu mở/Chính phủ mở/Tiếp cận thông tin được thể hiện rõ đến mức nào?"
    );
    assert_keys(
        &q["evidence"][0],
        &[
            "id",
            "sign",
            "text",
            "lang",
            "source",
            "url",
            "observed_on",
            "live",
        ],
    );
    let by_id = ok(
        &r.t.get(
            &format!("/api/1/assessments/{}", odra["id"].as_str().unwrap()),
            None,
        )
        .await,
        200,
    );
    assert_eq!(by_id["slug"], "viet-nam-2019-odra");
    error(
        &r.t.get("/api/1/assessments/khong-co", None).await,
        404,
        "not_found",
    );

    let markdown = r.t.get(&format!("{ODRA}/report.md?lang=en"), None).await;
    status(&markdown, 200);
    assert!(
        markdown
            .header("content-type")
            .unwrap()
            .starts_with("text/markdown")
    );
    let english = text(&markdown);
    assert!(
        english.contains("| 1. Senior Leadership | Very high | Yellow | Medium |"),
        "{english}"
    );
    let vietnamese = text(&r.t.get(&format!("{ODRA}/report.md"), None).await);
    assert!(
        vietnamese.contains(
            "| Khía cạnh | Mức độ quan trọng | Xếp hạng | Mức độ sẵn sàng | Bằng chứng |"
        ),
        "{vietnamese}"
    );

    let frameworks = ok(&r.t.get("/api/1/frameworks", None).await, 200);
    let ids: Vec<&str> = frameworks
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["dgra", "od4b", "odra"]);
}

#[tokio::test]
async fn only_the_portal_team_writes_and_sees_drafts() {
    let r = readiness().await;
    let new = json!({"framework": "odra", "title": {"vi": "ODRA 2026", "en": "ODRA 2026"}, "subject": "Việt Nam"});
    error(
        &r.t.post("/api/1/assessments", None, new.clone()).await,
        401,
        "unauthenticated",
    );
    error(
        &r.t.post("/api/1/assessments", r.user.auth(), new.clone())
            .await,
        403,
        "forbidden",
    );
    let draft = ok(
        &r.t.post("/api/1/assessments", r.team.auth(), new.clone())
            .await,
        201,
    );
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["slug"], "odra-2026");
    assert_eq!(questions(&draft).len(), 43);
    assert!(questions(&draft).iter().all(|q| q["rating"].is_null()));
    let path = "/api/1/assessments/odra-2026";
    error(&r.t.get(path, None).await, 404, "not_found");
    error(&r.t.get(path, r.user.auth()).await, 404, "not_found");
    ok(&r.t.get(path, r.team.auth()).await, 200);
    ok(&r.t.get(path, r.sysadmin.auth()).await, 200);
    assert_eq!(
        ok(&r.t.get("/api/1/assessments", None).await, 200)["total"],
        3
    );
    assert_eq!(
        ok(&r.t.get("/api/1/assessments", r.team.auth()).await, 200)["total"],
        4
    );
    error(
        &r.t.post("/api/1/assessments", r.team.auth(), new).await,
        409,
        "slug_taken",
    );
    let unknown = error(
        &r.t.post(
            "/api/1/assessments",
            r.team.auth(),
            json!({"framework": "nope", "title": {"vi": "X"}, "subject": "Y"}),
        )
        .await,
        422,
        "invalid_input",
    );
    assert_eq!(
        unknown["error"]["fields"]["framework"][0]["code"],
        "invalid_value"
    );

    // Ratings: the team only, codes of the framework only.
    let question = format!("{path}/questions/2.4");
    error(
        &r.t.patch(
            &format!("{ODRA}/questions/2.4"),
            r.user.auth(),
            json!({"rating": "green"}),
        )
        .await,
        403,
        "forbidden",
    );
    error(
        &r.t.patch(&question, r.user.auth(), json!({"rating": "green"}))
            .await,
        404,
        "not_found",
    );
    let bad = error(
        &r.t.patch(&question, r.team.auth(), json!({"rating": "purple"}))
            .await,
        422,
        "invalid_input",
    );
    assert_eq!(bad["error"]["fields"]["rating"][0]["code"], "invalid_value");
    error(
        &r.t.patch(&question, r.team.auth(), json!({"score": 3}))
            .await,
        422,
        "invalid_input",
    );
    error(
        &r.t.patch(
            &format!("{path}/questions/9.9"),
            r.team.auth(),
            json!({"rating": "green"}),
        )
        .await,
        404,
        "not_found",
    );
    let rated = ok(
        &r.t.patch(&question, r.team.auth(), json!({"rating": "yellow_green", "commentary": {"text": "Đã có Nghị định.", "lang": "vi"}})).await,
        200,
    );
    assert_eq!(rated["rating"], "yellow_green");
    assert_eq!(
        rated["unsupported"], true,
        "rated without evidence is flagged"
    );
    assert_eq!(
        rated["importance"], "very_high",
        "the merge patch kept the importance"
    );

    // Evidence.
    let evidence = format!("{question}/evidence");
    let bad = error(
        &r.t.post(
            &evidence,
            r.team.auth(),
            json!({"sign": "!", "text": "x", "url": "ftp://x"}),
        )
        .await,
        422,
        "invalid_input",
    );
    let fields = bad["error"]["fields"].as_object().unwrap();
    assert!(
        fields.contains_key("sign") && fields.contains_key("url"),
        "{bad}"
    );
    let item = ok(
        &r.t.post(&evidence, r.team.auth(), json!({"sign": "+", "text": "Nghị định 47/2024 về dữ liệu mở", "url": "https://vbpl.vn/", "observed_on": "2026-03-01"})).await,
        201,
    );
    assert_eq!(item["lang"], "vi");
    let doc = ok(&r.t.get(path, r.team.auth()).await, 200);
    let q = questions(&doc)
        .into_iter()
        .find(|q| q["id"] == "2.4")
        .unwrap();
    assert_eq!(q["balance"], json!({"for": 1, "against": 0, "neutral": 0}));
    assert_eq!(q["unsupported"], false);
    let remove = format!("{path}/evidence/{}", item["id"].as_str().unwrap());
    status(&r.t.delete(&remove, r.user.auth()).await, 404);
    status(&r.t.delete(&remove, r.team.auth()).await, 204);
    error(&r.t.delete(&remove, r.team.auth()).await, 404, "not_found");

    // Dimension ratings and publishing.
    let dimension = ok(
        &r.t.patch(
            &format!("{path}/dimensions/2"),
            r.team.auth(),
            json!({"rating": "yellow"}),
        )
        .await,
        200,
    );
    assert_eq!(dimension["readiness"], 3);
    let published = ok(
        &r.t.patch(path, r.team.auth(), json!({"status": "published"}))
            .await,
        200,
    );
    assert_eq!(published["status"], "published");
    assert!(published["published_on"].is_string());
    ok(&r.t.get(path, None).await, 200);
    error(
        &r.t.patch(path, r.team.auth(), json!({"id": "x"})).await,
        422,
        "invalid_input",
    );
}

#[tokio::test]
async fn a_reassessment_with_two_changed_ratings_shows_exactly_those() {
    let r = readiness().await;
    let copy = ok(
        &r.t.post(&format!("{ODRA}/copies"), r.team.auth(), json!({"title": {"vi": "ODRA Việt Nam 2026 (đánh giá lại)", "en": "Vietnam ODRA 2026 (re-assessment)"}, "slug": "viet-nam-2026-odra"})).await,
        201,
    );
    let original = ok(&r.t.get(ODRA, None).await, 200);
    assert_eq!(copy["based_on"], original["id"]);
    assert_eq!(copy["status"], "draft");
    assert_eq!(copy["balance"], original["balance"], "everything copied");
    let path = "/api/1/assessments/viet-nam-2026-odra";
    let unchanged = ok(
        &r.t.get(&format!("{path}/comparison"), r.team.auth()).await,
        200,
    );
    assert_eq!(
        (
            unchanged["ratings_changed"].as_u64(),
            unchanged["unchanged_questions"].as_u64()
        ),
        (Some(0), Some(43))
    );

    ok(
        &r.t.patch(
            &format!("{path}/questions/2.1"),
            r.team.auth(),
            json!({"rating": "yellow"}),
        )
        .await,
        200,
    );
    ok(
        &r.t.patch(
            &format!("{path}/questions/8.2"),
            r.team.auth(),
            json!({"rating": "yellow_green"}),
        )
        .await,
        200,
    );
    let comparison = ok(
        &r.t.get(&format!("{path}/comparison"), r.team.auth()).await,
        200,
    );
    assert_eq!(comparison["ratings_changed"], 2);
    assert_eq!(
        (
            comparison["evidence_added"].as_u64(),
            comparison["evidence_removed"].as_u64()
        ),
        (Some(0), Some(0))
    );
    let changed: Vec<(String, String, String)> = comparison["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["questions"].as_array().unwrap().clone())
        .map(|q| {
            (
                q["id"].as_str().unwrap().to_string(),
                q["rating_from"].as_str().unwrap().to_string(),
                q["rating_to"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        [
            ("2.1".to_string(), "red".to_string(), "yellow".to_string()),
            (
                "8.2".to_string(),
                "green".to_string(),
                "yellow_green".to_string()
            ),
        ]
    );
    // Against any other assessment of the same framework, by slug.
    ok(
        &r.t.get(
            &format!("{path}/comparison?with=viet-nam-2019-odra"),
            r.team.auth(),
        )
        .await,
        200,
    );
    let mismatch = error(
        &r.t.get(
            &format!("{path}/comparison?with=viet-nam-2019-dgra"),
            r.team.auth(),
        )
        .await,
        422,
        "invalid_input",
    );
    assert_eq!(
        mismatch["error"]["fields"]["with"][0]["code"],
        "framework_mismatch"
    );
    let no_base = error(
        &r.t.get(&format!("{ODRA}/comparison"), None).await,
        422,
        "invalid_input",
    );
    assert_eq!(no_base["error"]["fields"]["with"][0]["code"], "required");
    error(
        &r.t.get(&format!("{path}/comparison"), None).await,
        404,
        "not_found",
    );
    error(
        &r.t.post(
            &format!("{ODRA}/copies"),
            r.user.auth(),
            json!({"title": {"vi": "X"}}),
        )
        .await,
        403,
        "forbidden",
    );
}

#[tokio::test]
async fn live_figures_come_from_the_portal_and_refresh() {
    let r = readiness().await;
    r.t.organization("bo-tai-chinh", dulieu_core::vocab::OrgKind::National)
        .await;
    let publish = |slug: &str, license: &str| json!({"slug": slug, "title": {"vi": slug}, "publisher": "bo-tai-chinh", "license": license, "status": "published"});
    ok(
        &r.t.post(
            "/api/1/datasets",
            r.sysadmin.auth(),
            publish("ngan-sach-2025", "cc-by-4.0"),
        )
        .await,
        201,
    );
    ok(
        &r.t.post(
            "/api/1/datasets",
            r.sysadmin.auth(),
            publish("bao-cao-2025", "none"),
        )
        .await,
        201,
    );
    let indicators = ok(&r.t.get("/api/1/indicators", None).await, 200);
    let open = indicators
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "open_license_share")
        .unwrap();
    assert_eq!(open["figure"]["value"], 50.0);
    assert_eq!(
        indicators.as_array().unwrap().len(),
        dulieu_readiness::indicators::INDICATORS.len()
    );
    assert!(
        indicators
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == "request_response_days"),
        "request response times are offered"
    );

    ok(
        &r.t.post(
            &format!("{ODRA}/copies"),
            r.team.auth(),
            json!({"title": {"vi": "Đánh giá lại"}, "slug": "danh-gia-lai"}),
        )
        .await,
        201,
    );
    let path = "/api/1/assessments/danh-gia-lai";
    let evidence = format!("{path}/questions/4.5/evidence");
    let unknown = error(
        &r.t.post(
            &evidence,
            r.team.auth(),
            json!({"sign": "o", "indicator": "moon"}),
        )
        .await,
        422,
        "invalid_input",
    );
    assert_eq!(
        unknown["error"]["fields"]["indicator"][0]["code"],
        "invalid_value"
    );
    let live = ok(
        &r.t.post(
            &evidence,
            r.team.auth(),
            json!({"sign": "o", "indicator": "open_license_share"}),
        )
        .await,
        201,
    );
    assert_eq!(live["live"]["indicator"], "open_license_share");
    assert_eq!(live["live"]["figure"]["value"], 50.0);
    assert_eq!(
        (
            live["live"]["figure"]["part"].as_u64(),
            live["live"]["figure"]["out_of"].as_u64()
        ),
        (Some(1), Some(2))
    );
    let first_date = live["live"]["figure"]["as_of"].clone();

    ok(
        &r.t.post(
            "/api/1/datasets",
            r.sysadmin.auth(),
            publish("thu-chi-2025", "cc0-1.0"),
        )
        .await,
        201,
    );
    error(
        &r.t.post(&format!("{path}/live-figures"), r.user.auth(), json!({}))
            .await,
        404,
        "not_found",
    );
    let refreshed = ok(
        &r.t.post(&format!("{path}/live-figures"), r.team.auth(), json!({}))
            .await,
        200,
    );
    assert_eq!(refreshed["refreshed"], 1);
    let doc = ok(&r.t.get(path, r.team.auth()).await, 200);
    let q = questions(&doc)
        .into_iter()
        .find(|q| q["id"] == "4.5")
        .unwrap();
    let figure = &q["evidence"].as_array().unwrap().last().unwrap()["live"]["figure"];
    assert_eq!(
        figure["value"], 66.7,
        "two of three published datasets are openly licensed"
    );
    assert_ne!(
        figure["as_of"], first_date,
        "the figure carries its new date"
    );
    let markdown = text(
        &r.t.get(&format!("{path}/report.md?lang=en"), r.team.auth())
            .await,
    );
    assert!(
        markdown.contains(
            "- (o) Share of published datasets under an open license: 66.7% (2/3) (figure of "
        ),
        "{markdown}"
    );
}

#[tokio::test]
async fn action_plans_track_progress() {
    let r = readiness().await;
    let list = ok(&r.t.get("/api/1/action-plans", None).await, 200);
    assert_eq!(list["total"], 2);
    let plan = ok(&r.t.get(ODRA_PLAN, None).await, 200);
    let items = plan["items"].as_array().unwrap();
    assert_eq!(items.len(), 32);
    assert_eq!(plan["starts_on"], "2019-04-01");
    assert_eq!(
        plan["late"].as_array().unwrap().len(),
        32,
        "by now every 2019 item is overdue"
    );
    let item = &items[0];
    assert_keys(
        item,
        &[
            "id",
            "dimension",
            "term",
            "title",
            "description",
            "lang",
            "responsible",
            "prerequisites",
            "prerequisite_note",
            "start_month",
            "end_month",
            "schedule_note",
            "cost",
            "references",
            "status",
            "notes",
            "updated_at",
        ],
    );
    let path = format!("{ODRA_PLAN}/items/{}", item["id"].as_str().unwrap());
    let done = json!({"status": "done", "note": "Thủ tướng đã công bố sáng kiến dữ liệu mở."});
    error(
        &r.t.patch(&path, None, done.clone()).await,
        401,
        "unauthenticated",
    );
    error(
        &r.t.patch(&path, r.user.auth(), done.clone()).await,
        403,
        "forbidden",
    );
    let bad = error(
        &r.t.patch(&path, r.team.auth(), json!({"status": "finished"}))
            .await,
        422,
        "invalid_input",
    );
    assert!(bad["error"]["fields"]["status"].is_array(), "{bad}");
    let months = error(
        &r.t.patch(
            &path,
            r.team.auth(),
            json!({"start_month": 5, "end_month": 2}),
        )
        .await,
        422,
        "invalid_input",
    );
    assert_eq!(
        months["error"]["fields"]["end_month"][0]["code"],
        "end_before_start"
    );
    let updated = ok(&r.t.patch(&path, r.team.auth(), done).await, 200);
    assert_eq!(updated["status"], "done");
    assert_eq!(updated["late"], false);
    assert_eq!(
        updated["notes"][0]["text"],
        "Thủ tướng đã công bố sáng kiến dữ liệu mở."
    );
    assert_eq!(updated["notes"][0]["author"], "odtf");
    let plan = ok(&r.t.get(ODRA_PLAN, None).await, 200);
    assert_eq!(plan["late"].as_array().unwrap().len(), 31);
    error(
        &r.t.patch(
            &format!("{ODRA_PLAN}/items/{}", uuid::Uuid::new_v4()),
            r.team.auth(),
            json!({"status": "done"}),
        )
        .await,
        404,
        "not_found",
    );

    let svg =
        r.t.get(&format!("{ODRA_PLAN}/gantt.svg?lang=en"), None)
            .await;
    status(&svg, 200);
    assert!(
        svg.header("content-type")
            .unwrap()
            .starts_with("image/svg+xml")
    );
    let svg = text(&svg);
    assert!(svg.contains("<title id=\"gantt-title\">Open data action plan (ODRA 2019)</title>"));
    assert!(svg.contains("Prime Minister of SRV makes an official public announcement of launch of Vietnam Open data Initiative — 1–1 — Done"), "the done item");

    let draft = ok(
        &r.t.patch(
            ODRA_PLAN,
            r.team.auth(),
            json!({"status": "draft", "starts_on": "2027-01-15"}),
        )
        .await,
        200,
    );
    assert_eq!(
        draft["starts_on"], "2027-01-01",
        "a plan starts on the first of a month"
    );
    error(&r.t.get(ODRA_PLAN, None).await, 404, "not_found");
    ok(&r.t.get(ODRA_PLAN, r.team.auth()).await, 200);
}

#[tokio::test]
async fn the_team_starts_plans_and_adds_and_removes_items() {
    let r = readiness().await;
    let plans = "/api/1/action-plans";
    let new = json!({"title": {"vi": "Kế hoạch 2027"}, "framework": "odra", "starts_on": "2027-03-15", "assessment": "viet-nam-2019-odra"});
    error(
        &r.t.post(plans, None, new.clone()).await,
        401,
        "unauthenticated",
    );
    error(
        &r.t.post(plans, r.user.auth(), new.clone()).await,
        403,
        "forbidden",
    );
    let bad = error(
        &r.t.post(
            plans,
            r.team.auth(),
            json!({"title": {}, "framework": "odra", "starts_on": "2027-03-15", "assessment": "viet-nam-2019-dgra"}),
        )
        .await,
        422,
        "invalid_input",
    );
    let fields = &bad["error"]["fields"];
    assert_eq!(fields["title"][0]["code"], "required_one_language", "{bad}");
    assert_eq!(
        fields["assessment"][0]["code"], "framework_mismatch",
        "{bad}"
    );
    let missing = error(
        &r.t.post(plans, r.team.auth(), json!({})).await,
        422,
        "invalid_input",
    );
    for field in ["title", "framework", "starts_on"] {
        assert_eq!(
            missing["error"]["fields"][field][0]["code"], "required",
            "{field}"
        );
    }
    let unknown = error(
        &r.t.post(
            plans,
            r.team.auth(),
            json!({"title": {"en": "Plan"}, "framework": "moon", "starts_on": "2027-01-01"}),
        )
        .await,
        422,
        "invalid_input",
    );
    assert_eq!(
        unknown["error"]["fields"]["framework"][0]["code"],
        "invalid_value"
    );
    let plan = ok(&r.t.post(plans, r.team.auth(), new.clone()).await, 201);
    assert_eq!(plan["slug"], "ke-hoach-2027");
    assert_eq!(plan["status"], "draft");
    assert_eq!(plan["starts_on"], "2027-03-01");
    assert_eq!(plan["items"], json!([]));
    error(
        &r.t.post(plans, r.team.auth(), new).await,
        409,
        "slug_taken",
    );
    let path = "/api/1/action-plans/ke-hoach-2027";
    error(&r.t.get(path, None).await, 404, "not_found");
    assert_eq!(ok(&r.t.get(plans, r.team.auth()).await, 200)["total"], 3);

    let items = format!("{path}/items");
    let first = json!({"dimension": "4", "title": "Publish the data inventory", "start_month": 1, "end_month": 3,
        "responsible": ["ODTF"], "cost": {"min": 40000, "max": 70000, "currency": "USD"}});
    error(
        &r.t.post(&items, r.user.auth(), first.clone()).await,
        404,
        "not_found",
    );
    error(
        &r.t.post(&format!("{ODRA_PLAN}/items"), None, first.clone())
            .await,
        401,
        "unauthenticated",
    );
    error(
        &r.t.post(&format!("{ODRA_PLAN}/items"), r.user.auth(), first.clone())
            .await,
        403,
        "forbidden",
    );
    let odra_plan = ok(&r.t.get(ODRA_PLAN, None).await, 200);
    let elsewhere = odra_plan["items"][0]["id"].clone();
    let bad = error(
        &r.t.post(
            &items,
            r.team.auth(),
            json!({"dimension": "9", "title": " ", "start_month": 3, "end_month": 1, "prerequisites": [elsewhere],
                "references": [{"title": "Guide", "url": "not a link"}]}),
        )
        .await,
        422,
        "invalid_input",
    );
    let fields = &bad["error"]["fields"];
    assert_eq!(fields["dimension"][0]["code"], "invalid_value", "{bad}");
    assert_eq!(fields["title"][0]["code"], "required", "{bad}");
    assert_eq!(fields["end_month"][0]["code"], "end_before_start", "{bad}");
    assert_eq!(
        fields["prerequisites[0]"][0]["code"], "unknown_action_item",
        "an item of another plan is no prerequisite: {bad}"
    );
    assert_eq!(
        fields["references[0].url"][0]["code"], "invalid_url",
        "{bad}"
    );
    let missing = error(
        &r.t.post(&items, r.team.auth(), json!({})).await,
        422,
        "invalid_input",
    );
    for field in ["dimension", "title", "start_month", "end_month"] {
        assert_eq!(
            missing["error"]["fields"][field][0]["code"], "required",
            "{field}"
        );
    }
    let inventory = ok(&r.t.post(&items, r.team.auth(), first).await, 201);
    assert_eq!(inventory["status"], "not_started");
    assert_eq!(inventory["late"], false);
    assert_eq!(inventory["cost"]["max"], 70000);
    let inventory_id = inventory["id"].as_str().unwrap().to_string();
    let training = ok(
        &r.t.post(
            &items,
            r.team.auth(),
            json!({"dimension": "5", "title": "Đào tạo cán bộ quản lý dữ liệu", "start_month": 4, "end_month": 9,
                "prerequisites": [inventory_id], "term": "short"}),
        )
        .await,
        201,
    );
    assert_eq!(training["lang"], "vi");
    let doc = ok(&r.t.get(path, r.team.auth()).await, 200);
    assert_eq!(doc["items"].as_array().unwrap().len(), 2);
    assert_eq!(doc["items"][1]["prerequisites"], json!([inventory_id]));

    let item = format!("{items}/{inventory_id}");
    error(&r.t.delete(&item, r.user.auth()).await, 404, "not_found");
    status(&r.t.delete(&item, r.team.auth()).await, 204);
    error(&r.t.delete(&item, r.team.auth()).await, 404, "not_found");
    let doc = ok(&r.t.get(path, r.team.auth()).await, 200);
    let left = doc["items"].as_array().unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["id"], training["id"]);
    assert_eq!(
        left[0]["prerequisites"],
        json!([]),
        "a removed item is no longer a prerequisite"
    );
}

#[tokio::test]
async fn a_framework_file_in_the_configured_folder_is_usable() {
    let dir = tempfile::tempdir().unwrap();
    let toy = include_str!("../../../readiness/frameworks/od4b-2.8.toml")
        .replace("id = \"od4b\"", "id = \"toy\"");
    std::fs::write(dir.path().join("toy.toml"), toy).unwrap();
    let folder = dir.path().to_path_buf();
    let t = TestApp::with(move |c| c.readiness.frameworks_dir = folder.display().to_string()).await;
    let team = person(&t, "odtf@dulieu.test", false).await;
    t.app
        .set_portal_team(&Actor::system(), &team.email, true)
        .await
        .unwrap();
    let frameworks = ok(&t.get("/api/1/frameworks", None).await, 200);
    assert!(
        frameworks
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "toy")
    );
    let created = ok(
        &t.post(
            "/api/1/assessments",
            team.auth(),
            json!({"framework": "toy", "title": {"vi": "Thử"}, "subject": "Bộ Tài chính"}),
        )
        .await,
        201,
    );
    assert_eq!(created["framework"]["id"], "toy");
    assert_eq!(questions(&created).len(), 11);
}

#[tokio::test]
async fn the_openapi_document_describes_readiness() {
    let t = TestApp::new().await;
    let doc = ok(&t.get("/api/1/openapi.json", None).await, 200);
    for path in [
        "/api/1/assessments",
        "/api/1/assessments/{id_or_slug}",
        "/api/1/assessments/{id_or_slug}/comparison",
        "/api/1/assessments/{id_or_slug}/questions/{question}",
        "/api/1/action-plans",
        "/api/1/action-plans/{id_or_slug}/items",
        "/api/1/action-plans/{id_or_slug}/items/{item_id}",
        "/api/1/action-plans/{id_or_slug}/gantt.svg",
        "/api/1/frameworks",
        "/api/1/indicators",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["components"]["schemas"]["AssessmentDocument"].is_object());
    assert!(doc["paths"]["/api/1/action-plans"]["post"].is_object());
    assert!(doc["paths"]["/api/1/action-plans/{id_or_slug}/items/{item_id}"]["delete"].is_object());
}
