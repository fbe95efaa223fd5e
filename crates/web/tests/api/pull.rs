//! The scheduled-pull API: only the publisher's editors and admins see and change a source;
//! every bad field is reported before anything is written; database credentials are never
//! read back; a run's failure is recorded in the history with its error.

use axum::http::Method;
use serde_json::{Value, json};

use crate::support::*;

async fn put_source(w: &World, who: Option<&str>, id: &str, body: Value) -> TestResponse {
    w.t.send(
        Method::PUT,
        &format!("/api/1/distributions/{id}/source"),
        who,
        Some(body),
    )
    .await
}

#[tokio::test]
async fn sources_are_checked_saved_and_shown_to_the_publisher_only() {
    let w = World::new().await;
    w.dataset("gia", "published", "public").await;
    let file = w.upload("gia", "gia.csv", b"thang,chi_so\n1,100\n").await;
    let id = uuid_of(&file["id"]);
    let path = format!("/api/1/distributions/{id}/source");
    error(&w.t.get(&path, w.editor.auth()).await, 404, "not_found");

    // Every problem at once, nothing saved.
    invalid(
        &put_source(
            &w,
            w.editor.auth(),
            &id,
            json!({"kind": "http", "schedule": "every day"}),
        )
        .await,
        &[("schedule", "invalid_schedule"), ("url", "required")],
    );
    invalid(
        &put_source(
            &w,
            w.editor.auth(),
            &id,
            json!({"kind": "http", "url": "http://169.254.169.254/latest/meta-data", "schedule": "0 2 * * *"}),
        )
        .await,
        &[("url", "source_refused")],
    );
    // Database sources: refused while the administrator allows no network.
    invalid(
        &put_source(
            &w,
            w.editor.auth(),
            &id,
            json!({"kind": "sql", "connection": "postgres://reader:bi-mat@10.20.0.5/thong_ke",
                   "query": "SELECT 1", "schedule": "0 2 * * *"}),
        )
        .await,
        &[("connection", "source_refused")],
    );
    invalid(
        &put_source(
            &w,
            w.editor.auth(),
            &id,
            json!({"kind": "ftp", "schedule": "0 2 * * *"}),
        )
        .await,
        &[("kind", "invalid_value")],
    );
    error(&w.t.get(&path, w.editor.auth()).await, 404, "not_found");

    // Who may: the publisher's editors and admins.
    let good =
        json!({"kind": "http", "url": "https://www.gso.gov.vn/gia.csv", "schedule": "0 2 * * *"});
    error(
        &put_source(&w, None, &id, good.clone()).await,
        401,
        "unauthenticated",
    );
    error(
        &put_source(&w, w.member.auth(), &id, good.clone()).await,
        403,
        "forbidden",
    );
    error(
        &put_source(&w, w.outsider.auth(), &id, good.clone()).await,
        403,
        "forbidden",
    );
    let saved = ok(&put_source(&w, w.editor.auth(), &id, good).await, 200);
    assert_eq!(saved["kind"], "http");
    assert_eq!(saved["schedule"], "0 2 * * *");
    assert_eq!(saved["enabled"], true);
    assert_eq!(saved["running"], false);
    assert_eq!(saved["consecutive_failures"], 0);
    assert!(saved["next_run_at"].is_string());
    error(&w.t.get(&path, w.member.auth()).await, 403, "forbidden");
    assert_eq!(ok(&w.t.get(&path, w.admin.auth()).await, 200), saved);
    let listed = ok(
        &w.t.get("/api/1/datasets/gia/sources", w.editor.auth())
            .await,
        200,
    );
    assert_eq!(listed["results"].as_array().unwrap().len(), 1);
    error(
        &w.t.get("/api/1/datasets/gia/sources", w.outsider.auth())
            .await,
        403,
        "forbidden",
    );

    // Pausing keeps the rest.
    let paused = ok(
        &put_source(&w, w.editor.auth(), &id, json!({"enabled": false})).await,
        200,
    );
    assert_eq!(paused["enabled"], false);
    assert_eq!(paused["url"], "https://www.gso.gov.vn/gia.csv");

    // A run that cannot reach its source is recorded as failed, with its error.
    let run = ok(
        &w.t.post(&format!("{path}/run"), w.editor.auth(), json!({}))
            .await,
        200,
    );
    assert_eq!(run["outcome"], "failed");
    assert!(run["error_code"].is_string(), "{run}");
    let runs = ok(
        &w.t.get(&format!("{path}/runs"), w.editor.auth()).await,
        200,
    );
    let results = page(&runs, 1, 1, 20);
    assert_eq!(results[0]["trigger"], "manual");
    error(
        &w.t.get(&format!("{path}/runs"), w.outsider.auth()).await,
        403,
        "forbidden",
    );
    error(
        &w.t.get(&format!("{path}/runs?page_size=0"), w.editor.auth())
            .await,
        422,
        "invalid_input",
    );

    // A link distribution has no file to version.
    let link = w.link("gia", "https://www.gso.gov.vn/gia.xlsx").await;
    invalid(
        &put_source(
            &w,
            w.editor.auth(),
            &uuid_of(&link["id"]),
            json!({"kind": "http", "url": "https://www.gso.gov.vn/gia.xlsx", "schedule": "@daily"}),
        )
        .await,
        &[("distribution", "source_needs_upload")],
    );

    status(&w.t.delete(&path, w.editor.auth()).await, 204);
    error(&w.t.get(&path, w.editor.auth()).await, 404, "not_found");
    error(&w.t.delete(&path, w.editor.auth()).await, 404, "not_found");
}

#[tokio::test]
async fn database_credentials_are_sealed_and_never_read_back() {
    let t = dulieu_testkit::TestApp::with(|c| {
        c.pull.database_networks = vec!["10.20.0.0/16".into()];
    })
    .await;
    let w = World::on(t).await;
    w.dataset("gia", "published", "public").await;
    let file = w.upload("gia", "gia.csv", b"thang,chi_so\n1,100\n").await;
    let id = uuid_of(&file["id"]);
    let saved = ok(
        &put_source(
            &w,
            w.editor.auth(),
            &id,
            json!({"kind": "sql", "connection": "postgres://reader:bi-mat-lam@10.20.0.5:5432/thong_ke",
                   "query": "SELECT thang, chi_so FROM gia ORDER BY thang",
                   "file_name": "../chi-so-gia.csv", "schedule": "0 2 * * *"}),
        )
        .await,
        200,
    );
    assert_eq!(saved["driver"], "postgres");
    assert_eq!(saved["file_name"], "chi-so-gia.csv");
    let shown = saved["connection"].as_str().unwrap();
    assert!(
        shown.contains("reader") && shown.contains("10.20.0.5"),
        "{shown}"
    );
    let everything = [
        text(
            &w.t.get(
                &format!("/api/1/distributions/{id}/source"),
                w.editor.auth(),
            )
            .await,
        ),
        text(
            &w.t.get("/api/1/datasets/gia/sources", w.editor.auth())
                .await,
        ),
        text(
            &w.t.get("/api/1/datasets/gia/history", w.editor.auth())
                .await,
        ),
    ];
    for body in everything {
        assert!(!body.contains("bi-mat-lam"), "the password leaked: {body}");
    }
    // The query changes; the sealed connection is kept.
    let changed = ok(
        &put_source(
            &w,
            w.editor.auth(),
            &id,
            json!({"query": "SELECT 1 AS mot"}),
        )
        .await,
        200,
    );
    assert_eq!(changed["connection"], saved["connection"]);
    assert_eq!(changed["query"], "SELECT 1 AS mot");
}
