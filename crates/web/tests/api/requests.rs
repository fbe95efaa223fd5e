//! Data requests and feedback through the API: every transition of the request state machine
//! by the role allowed to make it, the refused ones (403 `forbidden` by role, 409
//! `illegal_transition` by state, 409 `deadline_passed`/`already_extended`), visibility of
//! private and unconfirmed requests, the e-mails written to the outbox by the worker, the
//! notification center, statistics (JSON and CSV), the deadline job (requests and feedback),
//! feedback with hiding a distribution and the watchdogs' deduplicated tickets.
//!
//! [`Desk`] is the ticket world the other ticket tests (attachments, followers) share.

use axum::http::Method;
use dulieu_app::feedback::WatchdogFinding;
use dulieu_core::account::Actor;
use dulieu_tickets::feedback::FeedbackKind;
use uuid::Uuid;

use crate::support::*;

/// The API world plus a portal team member and a citizen.
pub(crate) struct Desk {
    pub w: World,
    pub team: Person,
    pub citizen: Person,
}

/// The ticket world on a default application.
pub(crate) async fn desk() -> Desk {
    desk_on(TestApp::new().await).await
}

/// The ticket world on `t`.
pub(crate) async fn desk_on(t: TestApp) -> Desk {
    let w = World::on(t).await;
    let team = person(&w.t, "odtf@dulieu.test", false).await;
    w.t.app
        .set_portal_team(&Actor::system(), &team.email, true)
        .await
        .expect("portal team");
    let citizen = person(&w.t, "lan@congdan.test", false).await;
    Desk { w, team, citizen }
}

/// The body of a transition to `awaiting_response`.
fn assign() -> Value {
    json!({"action": "assign", "organization": ORG})
}

impl Desk {
    /// The test application.
    pub fn t(&self) -> &TestApp {
        &self.w.t
    }

    /// `GET path` as `who` (anonymous with `None`).
    pub async fn get(&self, path: &str, who: Option<&Person>) -> TestResponse {
        self.t().get(path, who.and_then(Person::auth)).await
    }

    /// `POST path` with a JSON body as `who`.
    pub async fn post(&self, path: &str, who: Option<&Person>, body: Value) -> TestResponse {
        self.t().post(path, who.and_then(Person::auth), body).await
    }

    /// `PUT path` without a body as `who`.
    pub async fn put(&self, path: &str, who: Option<&Person>) -> TestResponse {
        self.t()
            .send(Method::PUT, path, who.and_then(Person::auth), None)
            .await
    }

    /// `DELETE path` as `who`.
    pub async fn delete(&self, path: &str, who: Option<&Person>) -> TestResponse {
        self.t().delete(path, who.and_then(Person::auth)).await
    }

    /// Files a request as the citizen; returns its id.
    pub async fn file(&self, title: &str, is_public: bool) -> String {
        let body = json!({
            "title": title,
            "description": "Bảng giá đất theo xã, 2020–2025",
            "purpose": "Nghiên cứu thị trường",
            "desired_format": "CSV",
            "suggested_organization": ORG,
            "is_public": is_public,
        });
        let created = ok(
            &self
                .post("/api/1/requests", Some(&self.citizen), body)
                .await,
            201,
        );
        assert_eq!(created["state"], "submitted");
        uuid_of(&created["id"])
    }

    /// Takes an action on request `id` as `who`.
    pub async fn act(&self, id: &str, who: &Person, body: Value) -> TestResponse {
        self.post(
            &format!("/api/1/requests/{id}/transitions"),
            Some(who),
            body,
        )
        .await
    }

    /// Takes an action that must succeed and lead to `state`; returns the request.
    pub async fn step(&self, id: &str, who: &Person, body: Value, state: &str) -> Value {
        let done = ok(&self.act(id, who, body).await, 200);
        assert_eq!(done["state"], state, "{done}");
        done
    }

    /// The portal team assigns request `id` to `ORG`; returns the request.
    pub async fn assign(&self, id: &str) -> Value {
        self.step(id, &self.team, assign(), "awaiting_response")
            .await
    }

    /// Request `id` as `who` sees it (200).
    pub async fn view(&self, id: &str, who: Option<&Person>) -> Value {
        ok(&self.get(&format!("/api/1/requests/{id}"), who).await, 200)
    }

    /// The request list at `query` (`/api/1/requests?{query}`) as `who` (200).
    pub async fn list(&self, query: &str, who: Option<&Person>) -> Value {
        ok(
            &self.get(&format!("/api/1/requests?{query}"), who).await,
            200,
        )
    }

    /// Reports feedback on dataset `key` as `who`.
    pub async fn report(&self, key: &str, who: Option<&Person>, body: Value) -> TestResponse {
        self.post(&format!("/api/1/datasets/{key}/feedback"), who, body)
            .await
    }

    /// Takes an action on feedback ticket `id` as `who`.
    pub async fn feedback_act(&self, id: &str, who: &Person, body: Value) -> TestResponse {
        self.post(
            &format!("/api/1/feedback/{id}/transitions"),
            Some(who),
            body,
        )
        .await
    }

    /// Runs the queued jobs (the e-mails) and returns the outbox's messages.
    pub async fn mails(&self) -> Vec<String> {
        while self.t().app.run_next_job().await.expect("job") {}
        let dir = self.t().data_dir().join("outbox");
        let mut texts: Vec<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default();
        texts.sort();
        texts
    }
}

/// How many of `mails` go to `email`.
pub(crate) fn to(mails: &[String], email: &str) -> usize {
    mails
        .iter()
        .filter(|m| m.contains(&format!("To: {email}")))
        .count()
}

/// The titles of a request list.
fn titles(list: &Value) -> Vec<String> {
    pluck(list["results"].as_array().expect("results"), "title")
}

#[tokio::test]
async fn a_request_walks_to_fulfilment_with_timeline_mails_and_statistics() {
    let d = desk().await;
    let dataset = d.w.dataset("gia-dat-2025", "published", "public").await;
    let id = d.file("Bảng giá đất", true).await;

    d.step(&id, &d.team, json!({"action": "triage"}), "triage")
        .await;
    let assigned = d.assign(&id).await;
    assert!(assigned["deadline"]["due_at"].is_string());
    assert_eq!(assigned["deadline"]["extended"], false);
    d.step(
        &id,
        &d.w.editor,
        json!({"action": "ask_clarification", "note": "Cần dữ liệu cấp xã hay cấp huyện?"}),
        "clarification_needed",
    )
    .await;
    d.step(
        &id,
        &d.citizen,
        json!({"action": "clarify", "note": "Cấp xã."}),
        "awaiting_response",
    )
    .await;
    let extended = d
        .step(
            &id,
            &d.w.editor,
            json!({"action": "extend_deadline", "note": "Cần tổng hợp từ 63 tỉnh."}),
            "awaiting_response",
        )
        .await;
    assert_eq!(extended["deadline"]["extended"], true);
    error(
        &d.act(
            &id,
            &d.w.editor,
            json!({"action": "extend_deadline", "note": "Lần nữa"}),
        )
        .await,
        409,
        "already_extended",
    );
    d.step(
        &id,
        &d.w.editor,
        json!({"action": "accept", "planned_date": "2026-12-31"}),
        "accepted",
    )
    .await;
    let fulfilled = d
        .step(
            &id,
            &d.w.admin,
            json!({"action": "fulfil", "dataset": "gia-dat-2025"}),
            "fulfilled",
        )
        .await;
    assert_eq!(fulfilled["dataset_id"], dataset["id"]);
    assert!(fulfilled["answered_at"].is_string());

    // The timeline has every transition with its actor; the thread takes messages.
    let view = d.view(&id, Some(&d.citizen)).await;
    let actions: Vec<&str> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "triage",
            "assign",
            "ask_clarification",
            "clarify",
            "extend_deadline",
            "accept",
            "fulfil"
        ]
    );
    assert_eq!(
        view["timeline"][3]["details"]["note"],
        "Cần dữ liệu cấp xã hay cấp huyện?"
    );
    assert_eq!(view["timeline"][3]["actor_id"], d.w.editor.id);
    assert_eq!(view["actions"], json!([]));
    assert_eq!(view["following"], true);
    let message = d
        .post(
            &format!("/api/1/requests/{id}/messages"),
            Some(&d.citizen),
            json!({"body": "Cảm ơn!"}),
        )
        .await;
    assert_eq!(ok(&message, 201)["author_role"], "requester");

    // The requester got an e-mail at each step taken by others; the agency heard of the
    // assignment and the clarification.
    let mails = d.mails().await;
    assert_eq!(
        to(&mails, &d.citizen.email),
        6,
        "triage, assign, ask, extend, accept, fulfil; none for the citizen's own acts"
    );
    assert!(
        mails
            .iter()
            .any(|m| m.contains(&d.citizen.email) && m.contains("Subject:"))
    );
    assert!(to(&mails, &d.w.editor.email) >= 2);
    assert_eq!(
        to(&mails, &d.w.member.email),
        0,
        "members are not answerers"
    );
    let center = ok(&d.get("/api/1/notifications", Some(&d.citizen)).await, 200);
    assert!(center["unread"].as_i64().unwrap() >= 6);
    let marked = ok(
        &d.post("/api/1/notifications/read", Some(&d.citizen), json!({}))
            .await,
        200,
    );
    assert!(marked["marked"].as_u64().unwrap() >= 6);

    let stats = ok(&d.get("/api/1/requests/statistics", None).await, 200);
    assert_eq!(stats["overall"]["received"], 1);
    assert_eq!(stats["overall"]["fulfilled"], 1);
    assert_eq!(stats["overall"]["on_time_share"], 1.0);
    assert_eq!(stats["overall"]["median_response_days"], 0);
    assert_eq!(stats["organizations"][0]["slug"], ORG);
    let csv = d.get("/api/1/requests/statistics.csv", None).await;
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let body = text(&csv);
    assert!(
        body.starts_with("organization,name_vi,name_en,received"),
        "{body}"
    );
    assert_eq!(
        body.lines().count(),
        3,
        "header, all, one organization: {body}"
    );
}

#[tokio::test]
async fn refusal_review_merge_availability_and_withdrawal() {
    let d = desk().await;
    d.w.dataset("dan-so-2024", "published", "public").await;
    let id = d.file("Hộ nghèo theo xã", true).await;
    d.assign(&id).await;
    invalid(
        &d.act(&id, &d.w.editor, json!({"action": "refuse"})).await,
        &[("reason", "required"), ("legal_basis", "required")],
    );
    invalid(
        &d.act(
            &id,
            &d.w.editor,
            json!({"action": "refuse", "reason": "secret", "legal_basis": "x"}),
        )
        .await,
        &[("reason", "invalid_value")],
    );
    let refused = d
        .step(
            &id,
            &d.w.editor,
            json!({"action": "refuse", "reason": "personal_data", "legal_basis": "Nghị định 13/2023/NĐ-CP"}),
            "refused",
        )
        .await;
    assert_eq!(refused["refusal_reason"], "personal_data");
    d.step(
        &id,
        &d.citizen,
        json!({"action": "request_review", "note": "Dữ liệu tổng hợp, không định danh."}),
        "internal_review",
    )
    .await;
    error(
        &d.act(
            &id,
            &d.w.editor,
            json!({"action": "uphold_refusal", "reason": "personal_data", "legal_basis": "NĐ 13"}),
        )
        .await,
        403,
        "forbidden",
    );
    d.step(
        &id,
        &d.w.admin,
        json!({"action": "partially_fulfil", "dataset": "dan-so-2024", "note": "Cấp huyện thay cho cấp xã."}),
        "partially_fulfilled",
    )
    .await;

    // Triage outcomes: merge into another request, point to available data.
    let dup = d.file("Hộ nghèo theo xã (trùng)", true).await;
    invalid(
        &d.act(
            &dup,
            &d.team,
            json!({"action": "merge", "duplicate_of": Uuid::new_v4()}),
        )
        .await,
        &[("duplicate_of", "unknown_request")],
    );
    let merged = d
        .step(
            &dup,
            &d.team,
            json!({"action": "merge", "duplicate_of": id}),
            "withdrawn",
        )
        .await;
    assert_eq!(merged["duplicate_of"], id.as_str());
    let available = d.file("Dân số", true).await;
    invalid(
        &d.act(
            &available,
            &d.team,
            json!({"action": "mark_available", "dataset": "khong-co"}),
        )
        .await,
        &[("dataset", "unknown_dataset")],
    );
    d.step(
        &available,
        &d.team,
        json!({"action": "mark_available", "dataset": "dan-so-2024"}),
        "fulfilled",
    )
    .await;
    let gone = d.file("Rút lại", true).await;
    d.step(
        &gone,
        &d.citizen,
        json!({"action": "withdraw"}),
        "withdrawn",
    )
    .await;
    error(
        &d.act(&gone, &d.citizen, json!({"action": "withdraw"}))
            .await,
        409,
        "illegal_transition",
    );
}

#[tokio::test]
async fn illegal_and_forbidden_transitions_are_refused_with_codes() {
    let d = desk().await;
    let id = d.file("Ngân sách xã", true).await;
    let fulfil_link = json!({"action": "fulfil", "link": "https://x.vn"});
    // Roles are checked before states.
    for who in [&d.citizen, &d.w.editor, &d.w.member, &d.w.outsider] {
        error(&d.act(&id, who, assign()).await, 403, "forbidden");
    }
    error(
        &d.act(&id, &d.w.editor, fulfil_link.clone()).await,
        403,
        "forbidden",
    );
    let anonymous = d
        .post(
            &format!("/api/1/requests/{id}/transitions"),
            None,
            json!({"action": "withdraw"}),
        )
        .await;
    error(&anonymous, 401, "unauthenticated");
    invalid(
        &d.act(&id, &d.team, json!({"note": "x"})).await,
        &[("action", "required")],
    );
    invalid(
        &d.act(&id, &d.team, json!({"action": "explode"})).await,
        &[("action", "invalid_value")],
    );
    invalid(
        &d.act(
            &id,
            &d.team,
            json!({"action": "assign", "organization": "khong-co"}),
        )
        .await,
        &[("organization", "unknown_organization")],
    );

    d.assign(&id).await;
    // The portal team does not answer for the agency; members cannot answer either.
    for who in [&d.team, &d.w.member] {
        error(
            &d.act(&id, who, fulfil_link.clone()).await,
            403,
            "forbidden",
        );
    }
    error(
        &d.act(
            &id,
            &d.w.outsider,
            json!({"action": "accept", "planned_date": "2027-01-01"}),
        )
        .await,
        403,
        "forbidden",
    );
    // Illegal from this state.
    let illegal = error(
        &d.act(&id, &d.citizen, json!({"action": "clarify", "note": "?"}))
            .await,
        409,
        "illegal_transition",
    );
    assert!(
        illegal["error"]["message"]
            .as_str()
            .unwrap()
            .contains("awaiting_response"),
        "{illegal}"
    );
    error(
        &d.act(&id, &d.team, json!({"action": "triage"})).await,
        409,
        "illegal_transition",
    );
    error(
        &d.act(
            &id,
            &d.citizen,
            json!({"action": "request_review", "note": "?"}),
        )
        .await,
        409,
        "illegal_transition",
    );
    invalid(
        &d.act(&id, &d.w.editor, json!({"action": "extend_deadline"}))
            .await,
        &[("note", "required")],
    );
    invalid(
        &d.act(
            &id,
            &d.w.editor,
            json!({"action": "fulfil", "link": "javascript:alert(1)"}),
        )
        .await,
        &[("link", "invalid_url")],
    );
    d.step(
        &id,
        &d.w.editor,
        json!({"action": "fulfil", "link": "https://data.example.vn/ngan-sach.csv"}),
        "fulfilled",
    )
    .await;
    for action in ["accept", "refuse", "withdraw", "assign", "extend_deadline"] {
        let body = json!({"action": action, "planned_date": "2027-01-01", "reason": "other",
            "legal_basis": "x", "note": "x", "organization": ORG});
        let who = match action {
            "withdraw" => &d.citizen,
            "assign" => &d.team,
            _ => &d.w.admin,
        };
        error(&d.act(&id, who, body).await, 409, "illegal_transition");
    }
    error(
        &d.get("/api/1/requests/not-an-id", None).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn private_and_unconfirmed_requests_and_list_filters() {
    let d = desk().await;
    let public = d.file("Công khai", true).await;
    let private = d.file("Riêng tư", false).await;
    // Anonymous filing needs an e-mail; the request stays hidden until confirmed.
    invalid(
        &d.post(
            "/api/1/requests",
            None,
            json!({"title": "Ẩn danh", "description": "Mô tả"}),
        )
        .await,
        &[("email", "required")],
    );
    let anon = ok(
        &d.post(
            "/api/1/requests",
            None,
            json!({"title": "Ẩn danh", "description": "Mô tả", "email": "An@Example.VN"}),
        )
        .await,
        201,
    );
    assert_eq!(anon["confirmed"], false);
    assert!(
        anon.get("requester_email").is_none(),
        "addresses are never shown"
    );
    assert_eq!(titles(&d.list("", None).await), ["Công khai"]);
    error(
        &d.get(&format!("/api/1/requests/{private}"), Some(&d.w.outsider))
            .await,
        404,
        "not_found",
    );
    d.view(&private, Some(&d.citizen)).await;
    assert_eq!(d.list("", Some(&d.team)).await["total"], 3);

    // The confirmation link arrives by e-mail; it works once.
    let mails = d.mails().await;
    let mail = mails
        .iter()
        .find(|m| m.contains("To: an@example.vn"))
        .expect("confirmation mail");
    let unfolded = mail.replace("=\r\n", "").replace("=\n", "");
    let start = unfolded.find("/requests/confirm/").expect("link") + "/requests/confirm/".len();
    let token: String = unfolded[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let confirm = || {
        d.post(
            "/api/1/requests/confirmations",
            None,
            json!({"token": token}),
        )
    };
    ok(&confirm().await, 200);
    error(&confirm().await, 404, "not_found");
    assert_eq!(d.list("", None).await["total"], 2);

    // Filters.
    d.assign(&public).await;
    assert_eq!(
        titles(&d.list("state=awaiting_response", None).await),
        ["Công khai"]
    );
    assert_eq!(
        titles(
            &d.list(
                &format!("organization={ORG}&sort=deadline"),
                Some(&d.w.editor)
            )
            .await
        ),
        ["Công khai"]
    );
    assert_eq!(
        d.list("overdue=true", Some(&d.team)).await["total"],
        0,
        "nothing is late yet"
    );
    assert_eq!(d.list("mine=true", Some(&d.citizen)).await["total"], 2);
    error(
        &d.get("/api/1/requests?mine=true", None).await,
        401,
        "unauthenticated",
    );
    invalid(
        &d.get("/api/1/requests?state=lost", None).await,
        &[("state", "invalid_value")],
    );
    invalid(
        &d.get("/api/1/requests?organization=khong-co", None).await,
        &[("organization", "unknown_organization")],
    );

    // Votes and follows.
    let vote = format!("/api/1/requests/{public}/vote");
    let voted = ok(&d.put(&vote, Some(&d.w.outsider)).await, 200);
    assert_eq!(voted["votes"], 1);
    ok(&d.put(&vote, Some(&d.w.outsider)).await, 200);
    let again = d.view(&public, Some(&d.w.outsider)).await;
    assert_eq!(
        (again["request"]["votes"].clone(), again["voted"].clone()),
        (json!(1), json!(true))
    );
    let undone = ok(&d.delete(&vote, Some(&d.w.outsider)).await, 200);
    assert_eq!(undone["votes"], 0);
    error(
        &d.put(&format!("/api/1/requests/{public}/follow"), None)
            .await,
        401,
        "unauthenticated",
    );
}

#[tokio::test]
async fn overdue_requests_notify_the_agency_admins_and_the_team_once() {
    let d = desk().await;
    let id = d.file("Quá hạn", true).await;
    d.assign(&id).await;
    d.mails().await;
    let before = d.mails().await.len();
    let later = chrono::Utc::now() + chrono::Duration::days(60);
    let run = d.t().app.check_deadlines(later).await.unwrap();
    assert_eq!((run.reminded, run.overdue), (0, 1));
    assert_eq!(
        d.t().app.check_deadlines(later).await.unwrap().overdue,
        0,
        "once per deadline"
    );
    let mails = d.mails().await;
    assert_eq!(
        mails.len() - before,
        3,
        "the agency admin, the portal team member and the sysadmin"
    );
    assert_eq!(
        to(&mails, &d.w.admin.email),
        2,
        "the assignment, then the overdue notice"
    );
    assert_eq!(
        to(&mails, &d.team.email) - 1,
        1,
        "the team also had the new request"
    );
    assert_eq!(
        d.list("overdue=true", Some(&d.team)).await["total"],
        0,
        "not overdue at the real now"
    );
    // A reminder comes before the deadline.
    let soon = chrono::Utc::now() + chrono::Duration::days(26);
    let other = d.file("Sắp hạn", true).await;
    d.assign(&other).await;
    let run = d.t().app.check_deadlines(soon).await.unwrap();
    assert_eq!(run.reminded, 1);
}

#[tokio::test]
async fn feedback_deadlines_remind_the_answerers_then_tell_the_admins_and_the_team_once() {
    let d = desk().await;
    d.w.dataset("ho-ngheo", "published", "public").await;
    let report = |kind: &str, description: &str| {
        d.report(
            "ho-ngheo",
            Some(&d.citizen),
            json!({"kind": kind, "description": description}),
        )
    };
    let ordinary = ok(&report("outdated", "Số liệu năm 2019").await, 201);
    let urgent = ok(
        &report("personal_data_exposed", "Lộ số điện thoại").await,
        201,
    );
    let due_at = |ticket: &Value| {
        chrono::DateTime::parse_from_rfc3339(ticket["deadline"]["due_at"].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    let before = d.mails().await;
    let new_mails =
        |who: &Person, mails: &[String]| to(mails, &who.email) - to(&before, &who.email);

    // An hour before the ordinary ticket's deadline (ten working days) it is reminded; the
    // urgent one (one working day) is overdue by then, and gets no reminder: its opening notice
    // was one.
    let soon = due_at(&ordinary) - chrono::Duration::hours(1);
    assert!(due_at(&urgent) < soon);
    let run = d.t().app.check_deadlines(soon).await.unwrap();
    assert_eq!((run.reminded, run.overdue), (1, 1));
    let mails = d.mails().await;
    assert_eq!(
        new_mails(&d.w.editor, &mails),
        1,
        "the editor: the ordinary ticket's reminder"
    );
    assert_eq!(
        new_mails(&d.w.admin, &mails),
        2,
        "the admin: the reminder, and the urgent ticket's overdue notice"
    );
    assert_eq!(
        new_mails(&d.team, &mails),
        1,
        "the team: the overdue notice"
    );
    assert_eq!(new_mails(&d.w.sysadmin, &mails), 1);
    assert_eq!(
        new_mails(&d.citizen, &mails),
        0,
        "the reporter is not told of deadlines"
    );
    let center = ok(&d.get("/api/1/notifications", Some(&d.team)).await, 200);
    let latest = &center["notifications"][0];
    assert_eq!(
        (latest["kind"].clone(), latest["subject_id"].clone()),
        (json!("feedback.overdue"), urgent["id"].clone()),
        "{center}"
    );
    let editor = ok(&d.get("/api/1/notifications", Some(&d.w.editor)).await, 200);
    assert_eq!(editor["notifications"][0]["kind"], "feedback.reminder");

    // Once per deadline: nothing more at the same time; after it, the ordinary one is overdue.
    assert_eq!(
        d.t().app.check_deadlines(soon).await.unwrap(),
        dulieu_app::deadlines::DeadlineRun::default()
    );
    let late = due_at(&ordinary) + chrono::Duration::hours(1);
    let run = d.t().app.check_deadlines(late).await.unwrap();
    assert_eq!((run.reminded, run.overdue), (0, 1));
    // A resolved ticket is no longer chased, and the urgent one was told once.
    let fid = uuid_of(&ordinary["id"]);
    ok(
        &d.feedback_act(
            &fid,
            &d.w.editor,
            json!({"action": "resolve", "note": "Đã cập nhật"}),
        )
        .await,
        200,
    );
    let later = late + chrono::Duration::days(90);
    assert_eq!(
        d.t().app.check_deadlines(later).await.unwrap(),
        dulieu_app::deadlines::DeadlineRun::default()
    );
}

#[tokio::test]
async fn feedback_tickets_hiding_and_watchdog_deduplication() {
    let d = desk().await;
    let dataset = d.w.dataset("ho-ngheo", "published", "public").await;
    let dist = d.w.link("ho-ngheo", "https://example.vn/ds.csv").await;
    let dist_id = uuid_of(&dist["id"]);
    error(
        &d.report(
            "ho-ngheo",
            None,
            json!({"kind": "data_error", "description": "x"}),
        )
        .await,
        401,
        "unauthenticated",
    );
    invalid(
        &d.report(
            "ho-ngheo",
            Some(&d.citizen),
            json!({"kind": "data_error", "description": " "}),
        )
        .await,
        &[("description", "required")],
    );
    invalid(
        &d.report(
            "ho-ngheo",
            Some(&d.citizen),
            json!({"kind": "data_error", "description": "x", "distribution_id": Uuid::new_v4()}),
        )
        .await,
        &[("distribution_id", "unknown_distribution")],
    );
    let urgent = ok(
        &d.report(
            "ho-ngheo",
            Some(&d.citizen),
            json!({"kind": "personal_data_exposed", "description": "Cột CCCD hiện đầy đủ số", "distribution_id": dist_id, "location": "cột cccd"}),
        )
        .await,
        201,
    );
    let fid = uuid_of(&urgent["id"]);
    assert_eq!(urgent["state"], "open");
    let mails = d.mails().await;
    assert_eq!(
        to(&mails, &d.team.email),
        1,
        "urgent: the portal team at once"
    );
    assert_eq!(to(&mails, &d.w.editor.email), 1);

    // One action hides the file; downloads refuse it; the event log records it.
    let hidden = format!("/api/1/feedback/{fid}/hidden");
    error(&d.put(&hidden, Some(&d.citizen)).await, 403, "forbidden");
    ok(&d.put(&hidden, Some(&d.w.editor)).await, 200);
    error(
        &d.get(&format!("/api/1/distributions/{dist_id}/download"), None)
            .await,
        409,
        "hidden_pending_review",
    );
    let history = ok(&d.get("/api/1/datasets/ho-ngheo/history", None).await, 200);
    assert!(
        history["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "hidden"),
        "{history}"
    );

    let act = |who, body| d.feedback_act(&fid, who, body);
    error(
        &act(&d.citizen, json!({"action": "acknowledge"})).await,
        403,
        "forbidden",
    );
    ok(
        &act(&d.w.editor, json!({"action": "acknowledge"})).await,
        200,
    );
    error(
        &act(&d.w.editor, json!({"action": "acknowledge"})).await,
        409,
        "illegal_transition",
    );
    ok(&act(&d.w.editor, json!({"action": "start"})).await, 200);
    invalid(
        &act(&d.w.editor, json!({"action": "resolve"})).await,
        &[("note", "required")],
    );
    let resolved = ok(
        &act(
            &d.w.editor,
            json!({"action": "resolve", "note": "Đã che cột CCCD", "version": "2"}),
        )
        .await,
        200,
    );
    assert_eq!(
        (
            resolved["state"].clone(),
            resolved["resolved_version"].clone()
        ),
        (json!("resolved"), json!("2"))
    );
    error(
        &act(&d.w.editor, json!({"action": "reopen"})).await,
        403,
        "forbidden",
    );
    ok(&act(&d.citizen, json!({"action": "reopen"})).await, 200);
    ok(&d.delete(&hidden, Some(&d.team)).await, 200);
    let list = ok(&d.get("/api/1/datasets/ho-ngheo/feedback", None).await, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let inbox = format!("/api/1/organizations/{ORG}/feedback");
    let open = ok(&d.get(&inbox, Some(&d.w.member)).await, 200);
    assert_eq!(open.as_array().unwrap().len(), 1);
    error(&d.get(&inbox, Some(&d.w.outsider)).await, 403, "forbidden");

    // The watchdogs' internal API opens one ticket per rule and dataset while it is open.
    let finding = || WatchdogFinding {
        rule_id: "open-license".into(),
        dataset_id: Uuid::parse_str(dataset["id"].as_str().unwrap()).unwrap(),
        distribution_id: None,
        kind: FeedbackKind::LicenseQuestion,
        description: "Giấy phép không phải giấy phép mở".into(),
    };
    let (first, new) = d.t().app.open_watchdog_feedback(finding()).await.unwrap();
    assert!(new && first.rule_id.as_deref() == Some("open-license"));
    let (again, new) = d.t().app.open_watchdog_feedback(finding()).await.unwrap();
    assert!(!new && again.id == first.id);
}

#[tokio::test]
async fn notification_settings_turn_mail_off() {
    let d = desk().await;
    let path = "/api/1/notifications/settings";
    let save = |body: Value| d.t().send(Method::PUT, path, d.citizen.auth(), Some(body));
    let settings = ok(&d.get(path, Some(&d.citizen)).await, 200);
    assert_eq!(settings, json!({"email": true, "lang": "vi"}));
    invalid(
        &save(json!({"email": false, "lang": "fr"})).await,
        &[("lang", "invalid_value")],
    );
    ok(&save(json!({"email": false, "lang": "en"})).await, 200);
    let id = d.file("Không thư", true).await;
    d.assign(&id).await;
    let mails = d.mails().await;
    assert_eq!(to(&mails, &d.citizen.email), 0);
    let center = ok(&d.get("/api/1/notifications", Some(&d.citizen)).await, 200);
    assert_eq!(center["notifications"][0]["kind"], "request.assign");
    error(
        &d.get("/api/1/notifications", None).await,
        401,
        "unauthenticated",
    );
}
