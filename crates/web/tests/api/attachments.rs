//! Attachments through the API: files on request messages (multipart, the JSON body still
//! taken) and on feedback reports, stored content-addressed and listed with the thread or the
//! ticket; downloads that follow the ticket's visibility (a private request's files only for the
//! requester, the portal team and the assigned organization); the limits (size, count, name) and
//! malformed forms refused with their codes, nothing posted and nothing stored.

use axum::http::Method;

use crate::requests::{Desk, desk_on};
use crate::support::*;

/// A desk whose attachments are limited to 2 files of 64 bytes.
async fn small_desk() -> Desk {
    desk_on(
        TestApp::with(|c| {
            c.tickets.attachment_max_bytes = 64;
            c.tickets.attachments_per_message = 2;
        })
        .await,
    )
    .await
}

const CSV: &[u8] = b"xa,gia\nPhuc Xa,120\n";
const NOTE: &[u8] = b"Ghi chu kem theo";

impl Desk {
    /// Posts a multipart form to `path` as `who`.
    async fn send_form(
        &self,
        path: &str,
        who: Option<&Person>,
        parts: &[Part<'_>],
    ) -> TestResponse {
        let token = who.and_then(Person::auth);
        self.t()
            .call(multipart(Method::POST, path, token, parts))
            .await
    }

    /// The stored blobs (files under the blob directory, temporary uploads left out).
    fn blobs(&self) -> usize {
        let dir = self.t().data_dir().join("blobs");
        files_under(&dir)
            .iter()
            .filter(|p| p.strip_prefix(&dir).is_ok_and(|p| p.starts_with("blobs")))
            .count()
    }

    /// The messages of request `id` as the team sees them.
    async fn thread(&self, id: &str) -> Vec<Value> {
        self.view(id, Some(&self.team)).await["messages"]
            .as_array()
            .expect("messages")
            .clone()
    }
}

#[tokio::test]
async fn messages_carry_attachments_and_private_threads_keep_them_private() {
    let d = small_desk().await;
    let id = d.file("Riêng tư có tệp", false).await;
    d.assign(&id).await;
    let path = format!("/api/1/requests/{id}/messages");

    let posted = ok(
        &d.send_form(
            &path,
            Some(&d.citizen),
            &[
                Part::Text("body", "Bảng mẫu và ghi chú"),
                Part::File("file", "bảng giá.csv", CSV),
                Part::File("file", "tai-lieu/ghi chu", NOTE),
            ],
        )
        .await,
        201,
    );
    assert_eq!(posted["author_role"], "requester");
    let files = posted["attachments"]
        .as_array()
        .expect("attachments")
        .clone();
    assert_eq!(
        pluck(&files, "file_name"),
        ["bảng giá.csv", "ghi chu"],
        "names without their folders"
    );
    assert_eq!(
        pluck(&files, "media_type"),
        ["text/csv", "application/octet-stream"]
    );
    assert_eq!(files[0]["byte_size"], CSV.len());
    assert_eq!(files[0]["sha256"], sha256_hex(CSV));
    assert_keys(
        &files[0],
        &[
            "id",
            "file_name",
            "media_type",
            "byte_size",
            "sha256",
            "uploaded_by",
            "created_at",
        ],
    );
    assert_eq!(files[0]["uploaded_by"], d.citizen.id);
    // The JSON body is still taken; an empty file input adds nothing.
    ok(
        &d.post(&path, Some(&d.w.editor), json!({"body": "Đã nhận"}))
            .await,
        201,
    );
    let empty = ok(
        &d.send_form(
            &path,
            Some(&d.w.editor),
            &[Part::Text("body", "Không tệp"), Part::File("file", "", b"")],
        )
        .await,
        201,
    );
    assert_eq!(empty["attachments"], json!([]));
    assert_eq!(empty["author_role"], "organization");

    // The thread lists them; the timeline records them.
    let view = d.view(&id, Some(&d.citizen)).await;
    assert_eq!(view["messages"][0]["attachments"], posted["attachments"]);
    let recorded = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "message")
        .expect("message event")
        .clone();
    assert_eq!(
        recorded["details"]["attachments"],
        json!([files[0]["id"], files[1]["id"]])
    );

    // Downloads: the requester, the team, the assigned organization; nobody else.
    let download = format!("/api/1/attachments/{}", uuid_of(&files[0]["id"]));
    for who in [&d.citizen, &d.team, &d.w.member, &d.w.sysadmin] {
        let got = d.get(&download, Some(who)).await;
        status(&got, 200);
        assert_eq!(&got.body[..], CSV, "{}", who.email);
    }
    let got = d.get(&download, Some(&d.citizen)).await;
    assert_eq!(got.header("content-type").as_deref(), Some("text/csv"));
    assert_eq!(
        got.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    let disposition = got.header("content-disposition").unwrap_or_default();
    assert!(
        disposition.starts_with("attachment;")
            && disposition.contains("b%E1%BA%A3ng%20gi%C3%A1.csv"),
        "{disposition}"
    );
    assert!(
        got.header("content-security-policy")
            .unwrap_or_default()
            .contains("sandbox")
    );
    error(
        &d.get(&download, Some(&d.w.outsider)).await,
        404,
        "not_found",
    );
    error(&d.get(&download, None).await, 404, "not_found");
    error(
        &d.get(
            &format!("/api/1/attachments/{}", uuid::Uuid::new_v4()),
            Some(&d.team),
        )
        .await,
        404,
        "not_found",
    );
    error(
        &d.get("/api/1/attachments/x", Some(&d.team)).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn attachment_limits_and_malformed_forms_post_nothing_and_store_nothing() {
    let d = small_desk().await;
    let id = d.file("Giới hạn", true).await;
    let path = format!("/api/1/requests/{id}/messages");
    let big = [b'x'; 65];
    let long_name = format!("{}.csv", "t".repeat(256));
    let stored = d.blobs();
    let citizen = Some(&d.citizen);

    // The text is checked before a file is stored.
    invalid(
        &d.send_form(
            &path,
            citizen,
            &[Part::Text("body", " "), Part::File("file", "a.csv", CSV)],
        )
        .await,
        &[("body", "required")],
    );
    invalid(
        &d.send_form(
            &path,
            citizen,
            &[
                Part::File("file", "a.csv", CSV),
                Part::Text("body", "Sau tệp"),
            ],
        )
        .await,
        &[("body", "required")],
    );
    invalid(
        &d.send_form(
            &path,
            citizen,
            &[
                Part::Text("body", "x"),
                Part::Text("loi", "y"),
                Part::File("file", "a.csv", CSV),
            ],
        )
        .await,
        &[("loi", "unknown_field")],
    );
    let body = invalid(
        &d.send_form(
            &path,
            citizen,
            &[
                Part::Text("body", "Quá lớn"),
                Part::File("file", "lon.bin", &big),
            ],
        )
        .await,
        &[("file", "file_too_large")],
    );
    assert!(
        body["error"]["fields"]["file"][0]["message"]
            .as_str()
            .unwrap()
            .contains("64"),
        "{body}"
    );
    invalid(
        &d.send_form(
            &path,
            citizen,
            &[
                Part::Text("body", "Tên dài"),
                Part::File("file", &long_name, b"1"),
            ],
        )
        .await,
        &[("file", "too_long")],
    );
    assert_eq!(d.blobs(), stored, "nothing stored");
    invalid(
        &d.send_form(
            &path,
            citizen,
            &[
                Part::Text("body", "Ba tệp"),
                Part::File("file", "1.csv", b"1"),
                Part::File("file", "2.csv", b"2"),
                Part::File("file", "3.csv", b"3"),
            ],
        )
        .await,
        &[("file", "too_many_files")],
    );
    error(
        &d.send_form(
            &path,
            citizen,
            &[
                Part::Text("body", "Trước"),
                Part::File("file", "a.csv", CSV),
                Part::Text("body", "Sau tệp"),
            ],
        )
        .await,
        400,
        "bad_request",
    );
    assert!(d.thread(&id).await.is_empty(), "nothing was posted");

    // Who may post is settled before the form is read.
    error(
        &d.send_form(&path, None, &[Part::Text("body", "x")]).await,
        401,
        "unauthenticated",
    );
    let private = d.file("Riêng", false).await;
    error(
        &d.send_form(
            &format!("/api/1/requests/{private}/messages"),
            Some(&d.w.outsider),
            &[Part::Text("body", "x"), Part::File("file", "a.csv", CSV)],
        )
        .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn feedback_reports_carry_attachments_that_follow_the_dataset() {
    let d = small_desk().await;
    d.w.dataset("ho-ngheo", "published", "public").await;
    let path = "/api/1/datasets/ho-ngheo/feedback";
    let stored = d.blobs();
    invalid(
        &d.send_form(
            path,
            Some(&d.citizen),
            &[
                Part::Text("kind", "broken"),
                Part::Text("description", "Sai"),
                Part::File("file", "a.csv", CSV),
            ],
        )
        .await,
        &[("kind", "invalid_value")],
    );
    invalid(
        &d.send_form(path, Some(&d.citizen), &[Part::File("file", "a.csv", CSV)])
            .await,
        &[("kind", "required")],
    );
    assert_eq!(d.blobs(), stored, "nothing stored");
    error(
        &d.send_form(path, None, &[Part::Text("kind", "other")])
            .await,
        401,
        "unauthenticated",
    );

    let ticket = ok(
        &d.send_form(
            path,
            Some(&d.citizen),
            &[
                Part::Text("kind", "data_error"),
                Part::Text("description", "Hàng 3 sai số hộ"),
                Part::Text("location", "hàng 3"),
                Part::File("file", "trich.csv", CSV),
            ],
        )
        .await,
        201,
    );
    assert_eq!(ticket["location"], "hàng 3");
    assert_eq!(
        pluck(ticket["attachments"].as_array().unwrap(), "file_name"),
        ["trich.csv"]
    );
    assert!(d.blobs() > stored);
    let fid = uuid_of(&ticket["id"]);
    let seen = ok(&d.get(&format!("/api/1/feedback/{fid}"), None).await, 200);
    assert_eq!(seen["feedback"]["attachments"], ticket["attachments"]);
    let listed = ok(&d.get(path, None).await, 200);
    assert_eq!(listed[0]["attachments"], ticket["attachments"]);
    // The JSON body is still taken.
    ok(
        &d.report(
            "ho-ngheo",
            Some(&d.citizen),
            json!({"kind": "other", "description": "Không tệp"}),
        )
        .await,
        201,
    );

    // Public dataset: anyone downloads; once the dataset is not public, its members only.
    let download = format!(
        "/api/1/attachments/{}",
        uuid_of(&ticket["attachments"][0]["id"])
    );
    assert_eq!(&d.get(&download, None).await.body[..], CSV);
    ok(
        &d.t()
            .patch(
                "/api/1/datasets/ho-ngheo",
                d.w.editor.auth(),
                json!({"access_rights": "non-public"}),
            )
            .await,
        200,
    );
    error(&d.get(&download, None).await, 404, "not_found");
    error(&d.get(&download, Some(&d.citizen)).await, 404, "not_found");
    status(&d.get(&download, Some(&d.w.member)).await, 200);
}
