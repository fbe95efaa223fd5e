//! Push publication: an agency script `PUT`s a file by name; the first push makes a
//! distribution, new bytes make a new version, the same bytes again change nothing.

use axum::http::Method;

use crate::support::*;

async fn push(w: &World, who: Option<&str>, name: &str, bytes: &[u8]) -> TestResponse {
    w.t.call(raw(
        Method::PUT,
        &format!("/api/1/datasets/gia/files/{name}"),
        who,
        Some("text/csv"),
        bytes.to_vec(),
    ))
    .await
}

#[tokio::test]
async fn pushing_a_file_is_idempotent_by_checksum() {
    let w = World::new().await;
    w.dataset("gia", "published", "public").await;
    let first = ok(
        &push(&w, w.editor.auth(), "gia.csv", b"thang,chi_so\n1,100\n").await,
        201,
    );
    assert_eq!(first["outcome"], "created");
    assert_eq!(first["distribution"]["filename"], "gia.csv");
    assert_eq!(first["distribution"]["format"], "CSV");
    let id = first["distribution"]["id"].clone();

    let again = ok(
        &push(&w, w.editor.auth(), "gia.csv", b"thang,chi_so\n1,100\n").await,
        200,
    );
    assert_eq!(again["outcome"], "unchanged");
    assert_eq!(again["distribution"]["version"], 1);
    let history = ok(&w.t.get("/api/1/datasets/gia/history", None).await, 200);
    let before = history["total"].clone();

    let newer = ok(
        &push(
            &w,
            w.editor.auth(),
            "gia.csv",
            b"thang,chi_so\n1,100\n2,101\n",
        )
        .await,
        200,
    );
    assert_eq!(newer["outcome"], "new_version");
    assert_eq!(newer["distribution"]["id"], id);
    assert_eq!(newer["distribution"]["version"], 2);
    let history = ok(&w.t.get("/api/1/datasets/gia/history", None).await, 200);
    assert_eq!(
        history["total"].as_i64().unwrap(),
        before.as_i64().unwrap() + 1,
        "one event for the new version, none for the unchanged push"
    );
    let versions = ok(
        &w.t.get(
            &format!("/api/1/distributions/{}/versions", id.as_str().unwrap()),
            None,
        )
        .await,
        200,
    );
    assert_eq!(
        versions.as_array().map(Vec::len).unwrap_or_default(),
        2,
        "{versions}"
    );

    // Another name is another file; only the publisher's editors push.
    let other = ok(
        &push(&w, w.editor.auth(), "gia-2026.csv", b"thang\n1\n").await,
        201,
    );
    assert_ne!(other["distribution"]["id"], id);
    error(
        &push(&w, None, "gia.csv", b"x").await,
        401,
        "unauthenticated",
    );
    error(
        &push(&w, w.member.auth(), "gia.csv", b"x").await,
        403,
        "forbidden",
    );
    error(
        &push(&w, w.outsider.auth(), "gia.csv", b"x").await,
        403,
        "forbidden",
    );
}
