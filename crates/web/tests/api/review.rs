//! The publication review through the API: a government publisher with an approver publishes
//! only through `draft → in_review → approved → published`; an approver sends back a submission
//! with a blocking violation and approves the fixed one; every step is in the review history.

use dulieu_core::vocab::Role;

use crate::support::*;

/// A CSV table, so the format rules pass once the license is fixed.
const CSV: &[u8] = "tinh,dan_so\nHà Nội,8435700\nĐà Nẵng,1220200\n".as_bytes();

async fn step(w: &World, who: &Person, slug: &str, body: Value) -> TestResponse {
    w.t.post(&format!("/api/1/datasets/{slug}/review"), who.auth(), body)
        .await
}

fn actions(review: &Value) -> Vec<&str> {
    review["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn an_approver_sends_back_a_blocking_violation_and_approves_the_fixed_dataset() {
    let w = World::new().await;
    // Without an approver, editors publish directly and there is no review.
    w.dataset("truoc-do", "published", "public").await;
    let approver = person(&w.t, "duyet@gso.test", false).await;
    w.t.grant(ORG, &approver.email, Role::Approver).await;

    // Now publishing goes through review; in_review and approved are never set by hand.
    let mut body = dataset_body("dan-so", "published", "public");
    body["description"] = json!({"vi": "Dân số theo tỉnh", "en": "Population by province"});
    invalid(
        &w.t.post("/api/1/datasets", w.editor.auth(), body.clone())
            .await,
        &[("status", "review_required")],
    );
    body["status"] = json!("draft");
    body["license"] = json!("none");
    ok(
        &w.t.post("/api/1/datasets", w.editor.auth(), body).await,
        201,
    );
    w.upload("dan-so", "dan-so.csv", CSV).await;
    for (status, code) in [
        ("published", "review_required"),
        ("in_review", "review_step_only"),
        ("approved", "review_step_only"),
    ] {
        invalid(
            &w.t.patch(
                "/api/1/datasets/dan-so",
                w.editor.auth(),
                json!({"status": status}),
            )
            .await,
            &[("status", code)],
        );
    }
    let review = ok(
        &w.t.get("/api/1/datasets/dan-so/review", w.editor.auth())
            .await,
        200,
    );
    assert_eq!(review["required"], true);
    assert_eq!(review["status"], "draft");
    assert_eq!(actions(&review), ["submit"]);
    let review = ok(
        &w.t.get("/api/1/datasets/dan-so/review", approver.auth())
            .await,
        200,
    );
    assert!(actions(&review).is_empty(), "nothing to approve yet");

    // The approver cannot submit; the editor can. The watchdog checks on submission.
    error(
        &step(&w, &approver, "dan-so", json!({"action": "submit"})).await,
        403,
        "forbidden",
    );
    let submitted = ok(
        &step(&w, &w.editor, "dan-so", json!({"action": "submit"})).await,
        200,
    );
    assert_eq!(submitted["status"], "in_review");
    let blocking: Vec<&str> = submitted["blocking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(blocking.contains(&"license.present"), "{submitted}");
    assert!(
        submitted["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["field"] == "title" && c["before"].is_null()),
        "never published: every field is new: {submitted}"
    );
    error(
        &step(&w, &w.editor, "dan-so", json!({"action": "approve"})).await,
        403,
        "forbidden",
    );
    let refused = error(
        &step(&w, &approver, "dan-so", json!({"action": "approve"})).await,
        409,
        "blocking_findings",
    );
    assert!(refused.to_string().contains("license.present"), "{refused}");
    invalid(
        &step(&w, &approver, "dan-so", json!({"action": "send_back"})).await,
        &[("comment", "required")],
    );
    let back = ok(
        &step(
            &w,
            &approver,
            "dan-so",
            json!({"action": "send_back", "comment": "Chưa có giấy phép mở."}),
        )
        .await,
        200,
    );
    assert_eq!(back["status"], "draft");

    // Fixed: an open license. Submitted again, approved, then published by the editor.
    ok(
        &w.t.patch(
            "/api/1/datasets/dan-so",
            w.editor.auth(),
            json!({"license": "cc-by-4.0"}),
        )
        .await,
        200,
    );
    ok(
        &step(&w, &w.editor, "dan-so", json!({"action": "submit"})).await,
        200,
    );
    error(
        &step(&w, &w.editor, "dan-so", json!({"action": "submit"})).await,
        409,
        "invalid_transition",
    );
    let approved = ok(
        &step(
            &w,
            &approver,
            "dan-so",
            json!({"action": "approve", "comment": "Đạt."}),
        )
        .await,
        200,
    );
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["blocking"], json!([]));
    error(
        &w.t.get("/api/1/datasets/dan-so", None).await,
        404,
        "not_found",
    );
    let published = ok(
        &step(&w, &w.editor, "dan-so", json!({"action": "publish"})).await,
        200,
    );
    assert_eq!(published["status"], "published");
    let public = ok(&w.t.get("/api/1/datasets/dan-so", None).await, 200);
    assert_eq!(public["issued"], today());

    let steps: Vec<(String, Option<String>)> = published["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["action"].as_str().unwrap().to_string(),
                s["comment"].as_str().map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("submit".into(), None),
            ("send_back".into(), Some("Chưa có giấy phép mở.".into())),
            ("submit".into(), None),
            ("approve".into(), Some("Đạt.".into())),
            ("publish".into(), None),
        ]
    );
    assert_eq!(published["steps"][1]["actor_id"], json!(approver.id));

    // A published dataset is edited as before; the review shows the change since publication.
    ok(
        &w.t.patch(
            "/api/1/datasets/dan-so",
            w.editor.auth(),
            json!({"title": {"vi": "Dân số 2025", "en": "Population 2025"}}),
        )
        .await,
        200,
    );
    let review = ok(
        &w.t.get("/api/1/datasets/dan-so/review", w.editor.auth())
            .await,
        200,
    );
    let changes: Vec<&str> = review["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["title"]);
    assert_eq!(review["changes"][0]["before"]["vi"], "Tập dữ liệu dan-so");

    // The approver was told of each submission; the editors of the decisions.
    let notices = ok(&w.t.get("/api/1/notifications", approver.auth()).await, 200);
    assert!(
        notices.to_string().contains("review.submitted"),
        "{notices}"
    );
}

#[tokio::test]
async fn publishers_without_review_and_community_publishers_publish_directly() {
    let w = World::new().await;
    w.dataset("truc-tiep", "published", "public").await;
    error(
        &step(&w, &w.editor, "truc-tiep", json!({"action": "submit"})).await,
        409,
        "review_not_required",
    );
    // An approver of a civil-society organization does not bring review.
    let approver = person(&w.t, "duyet@hoi.test", false).await;
    w.t.grant(OTHER_ORG, &approver.email, Role::Approver).await;
    let mut body = dataset_body("cua-hoi", "published", "public");
    body["publisher"] = json!(OTHER_ORG);
    ok(
        &w.t.post("/api/1/datasets", w.outsider.auth(), body).await,
        201,
    );
    invalid(
        &step(&w, &w.editor, "truc-tiep", json!({"action": "later"})).await,
        &[("action", "invalid_value")],
    );
}
