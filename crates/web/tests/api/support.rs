//! Shared fixtures and assertions of the API tests.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use dulieu_core::vocab::{OrgKind, Role};
pub use dulieu_testkit::{TestApp, TestResponse};
pub use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The government publisher every fixture dataset belongs to.
pub const ORG: &str = "tong-cuc-thong-ke";
/// A non-government organization whose admin is the outsider.
pub const OTHER_ORG: &str = "hoi-du-lieu-mo";

/// Keys of an organization document.
pub const ORGANIZATION_KEYS: &[&str] = &[
    "id",
    "slug",
    "name",
    "description",
    "kind",
    "provenance",
    "parent",
    "contact_email",
    "website",
    "created_at",
    "updated_at",
];

/// Keys of a dataset document.
pub const DATASET_KEYS: &[&str] = &[
    "id",
    "slug",
    "title",
    "description",
    "publisher",
    "publisher_id",
    "provenance",
    "contact_point",
    "keywords",
    "themes",
    "license",
    "license_open",
    "access_rights",
    "temporal",
    "spatial",
    "frequency",
    "issued",
    "modified",
    "version",
    "status",
    "created_at",
    "updated_at",
    "distributions",
];

/// Keys of a distribution document.
pub const DISTRIBUTION_KEYS: &[&str] = &[
    "id",
    "dataset_id",
    "title",
    "description",
    "format",
    "media_type",
    "url",
    "remote_url",
    "byte_size",
    "sha256",
    "filename",
    "version",
    "license",
    "issued",
    "modified",
    "created_at",
    "updated_at",
];

/// Keys of a stored file version.
pub const VERSION_KEYS: &[&str] = &[
    "distribution_id",
    "version",
    "sha256",
    "byte_size",
    "media_type",
    "filename",
    "created_at",
    "created_by",
];

/// Keys of a membership.
pub const MEMBERSHIP_KEYS: &[&str] = &["organization", "user_id", "email", "role", "created_at"];

/// Keys of a listed API token.
pub const TOKEN_KEYS: &[&str] = &[
    "id",
    "user_id",
    "name",
    "created_at",
    "last_used_at",
    "revoked_at",
];

/// Keys of a user.
pub const USER_KEYS: &[&str] = &[
    "id",
    "email",
    "display_name",
    "is_sysadmin",
    "is_odtf",
    "created_at",
];

/// Keys of an event of the history.
pub const EVENT_KEYS: &[&str] = &[
    "seq",
    "at",
    "actor_id",
    "entity_type",
    "entity_id",
    "parent_id",
    "action",
    "before",
    "after",
];

/// A user of the fixture with a live API token.
pub struct Person {
    /// User id.
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Bearer token.
    pub token: String,
}

impl Person {
    /// The token as `Some(&str)` for the request helpers.
    pub fn auth(&self) -> Option<&str> {
        Some(&self.token)
    }
}

/// A test application with two organizations and one user per role.
///
/// - `ORG` (national): `admin`, `editor`, `member`.
/// - `OTHER_ORG` (civil-society): `outsider` is its admin.
/// - `sysadmin`: site administrator, member of nothing.
pub struct World {
    pub t: TestApp,
    pub sysadmin: Person,
    pub admin: Person,
    pub editor: Person,
    pub member: Person,
    pub outsider: Person,
}

/// Creates a user with a token.
pub async fn person(t: &TestApp, email: &str, sysadmin: bool) -> Person {
    let (user, token) = t.user(email, sysadmin).await;
    Person {
        id: user.id.to_string(),
        email: user.email,
        token,
    }
}

impl World {
    /// The fixture on a fresh SQLite application.
    pub async fn new() -> Self {
        Self::on(TestApp::new().await).await
    }

    /// The fixture on `t`.
    pub async fn on(t: TestApp) -> Self {
        t.organization(ORG, OrgKind::National).await;
        t.organization(OTHER_ORG, OrgKind::CivilSociety).await;
        let sysadmin = person(&t, "quantri@dulieu.test", true).await;
        let admin = person(&t, "admin@gso.test", false).await;
        let editor = person(&t, "bientap@gso.test", false).await;
        let member = person(&t, "thanhvien@gso.test", false).await;
        let outsider = person(&t, "ngoai@hoi.test", false).await;
        t.grant(ORG, &admin.email, Role::Admin).await;
        t.grant(ORG, &editor.email, Role::Editor).await;
        t.grant(ORG, &member.email, Role::Member).await;
        t.grant(OTHER_ORG, &outsider.email, Role::Admin).await;
        Self {
            t,
            sysadmin,
            admin,
            editor,
            member,
            outsider,
        }
    }

    /// Creates a dataset of `ORG` as the editor.
    pub async fn dataset(&self, slug: &str, status: &str, access_rights: &str) -> Value {
        let response = self
            .t
            .post(
                "/api/1/datasets",
                self.editor.auth(),
                dataset_body(slug, status, access_rights),
            )
            .await;
        ok(&response, 201)
    }

    /// Uploads `bytes` as `filename` to dataset `key` as the editor; returns the distribution.
    pub async fn upload(&self, key: &str, filename: &str, bytes: &[u8]) -> Value {
        let response = self
            .t
            .upload(
                &format!("/api/1/datasets/{key}/distributions"),
                self.editor.auth(),
                filename,
                bytes,
                &[],
            )
            .await;
        ok(&response, 201)
    }

    /// Adds a link distribution to dataset `key` as the editor.
    pub async fn link(&self, key: &str, url: &str) -> Value {
        let response = self
            .t
            .post(
                &format!("/api/1/datasets/{key}/distributions"),
                self.editor.auth(),
                json!({"title": {"vi": "Liên kết gốc"}, "url": url}),
            )
            .await;
        ok(&response, 201)
    }
}

/// A complete dataset body of `ORG`.
pub fn dataset_body(slug: &str, status: &str, access_rights: &str) -> Value {
    json!({
        "slug": slug,
        "title": {"vi": format!("Tập dữ liệu {slug}"), "en": format!("Dataset {slug}")},
        "publisher": ORG,
        "license": "cc-by-4.0",
        "status": status,
        "access_rights": access_rights,
    })
}

/// The body as text, for failure messages.
pub fn text(response: &TestResponse) -> String {
    String::from_utf8_lossy(&response.body).into_owned()
}

/// Asserts the status and returns the JSON body.
#[track_caller]
pub fn ok(response: &TestResponse, status: u16) -> Value {
    assert_eq!(
        response.status.as_u16(),
        status,
        "unexpected status; body: {}",
        text(response)
    );
    response.json()
}

/// Asserts the status only (for bodies that are not JSON).
#[track_caller]
pub fn status(response: &TestResponse, status: u16) {
    assert_eq!(
        response.status.as_u16(),
        status,
        "unexpected status; body: {}",
        text(response)
    );
}

/// True when `message` is a raw catalog key or still has a `{placeholder}`.
fn untranslated(message: &str) -> bool {
    let raw_key = ["error.", "violation.", "entity."]
        .iter()
        .any(|prefix| message.contains(prefix));
    let placeholder = message.split('{').skip(1).any(|rest| {
        rest.split_once('}').is_some_and(|(name, _)| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        })
    });
    raw_key || placeholder
}

/// Asserts an error answer: status, stable code, a translated message and the exact error
/// document shape (`{"error": {"code", "message"[, "fields"]}}`). Returns the body.
#[track_caller]
pub fn error(response: &TestResponse, status: u16, code: &str) -> Value {
    assert_eq!(
        response.status.as_u16(),
        status,
        "unexpected status; body: {}",
        text(response)
    );
    assert!(
        response
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "error without a JSON content type: {:?}",
        response.header("content-type")
    );
    let body = response.json();
    let object = body.as_object().expect("error body is an object");
    assert_eq!(object.keys().collect::<Vec<_>>(), vec!["error"], "{body}");
    let error = body["error"].as_object().expect("error is an object");
    for key in error.keys() {
        assert!(
            ["code", "message", "fields"].contains(&key.as_str()),
            "unexpected key {key} in {body}"
        );
    }
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"]
        .as_str()
        .expect("message is a string");
    assert!(!message.trim().is_empty(), "empty message: {body}");
    assert!(
        !untranslated(message),
        "untranslated message {message:?}: {body}"
    );
    if let Some(fields) = error.get("fields") {
        for (field, list) in fields.as_object().expect("fields is an object") {
            for violation in list.as_array().expect("a list per field") {
                let text = violation["message"].as_str().unwrap_or_default();
                assert!(
                    !text.trim().is_empty() && !untranslated(text),
                    "field {field}: untranslated message {text:?}: {body}"
                );
                assert!(violation["code"].is_string(), "{body}");
            }
        }
    }
    body
}

/// Asserts a 422 `invalid_input` with exactly these `(field, code)` problems.
#[track_caller]
pub fn invalid(response: &TestResponse, expected: &[(&str, &str)]) -> Value {
    let body = error(response, 422, "invalid_input");
    let mut actual: Vec<(String, String)> = body["error"]["fields"]
        .as_object()
        .unwrap_or_else(|| panic!("no fields in {body}"))
        .iter()
        .flat_map(|(field, list)| {
            list.as_array()
                .into_iter()
                .flatten()
                .map(|v| {
                    (
                        field.clone(),
                        v["code"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    actual.sort();
    let mut wanted: Vec<(String, String)> = expected
        .iter()
        .map(|(f, c)| ((*f).to_string(), (*c).to_string()))
        .collect();
    wanted.sort();
    assert_eq!(actual, wanted, "{body}");
    body
}

/// Asserts that `value` is an object with exactly `keys`.
#[track_caller]
pub fn assert_keys(value: &Value, keys: &[&str]) {
    let mut actual: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    actual.sort_unstable();
    let mut wanted = keys.to_vec();
    wanted.sort_unstable();
    assert_eq!(actual, wanted, "{value}");
}

/// Asserts a list document `{"results", "total", "page", "page_size"}` and returns its results.
#[track_caller]
pub fn page(value: &Value, total: i64, page: i64, page_size: i64) -> Vec<Value> {
    assert_keys(value, &["results", "total", "page", "page_size"]);
    assert_eq!(value["total"], total, "{value}");
    assert_eq!(value["page"], page, "{value}");
    assert_eq!(value["page_size"], page_size, "{value}");
    value["results"]
        .as_array()
        .expect("results is an array")
        .clone()
}

/// The `field` of each item.
pub fn pluck(items: &[Value], field: &str) -> Vec<String> {
    items
        .iter()
        .map(|item| match &item[field] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// Asserts that `value` is a UUID string and returns it.
#[track_caller]
pub fn uuid_of(value: &Value) -> String {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"));
    uuid::Uuid::parse_str(text).unwrap_or_else(|e| panic!("not a UUID {text:?}: {e}"));
    text.to_string()
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

/// Every file under `dir` (recursively); empty when `dir` does not exist.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.expect("read dir entry").path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// One part of a hand-built multipart body.
pub enum Part<'a> {
    /// A text field.
    Text(&'a str, &'a str),
    /// A file field: name, file name, bytes.
    File(&'a str, &'a str, &'a [u8]),
}

/// A `multipart/form-data` request built from `parts`, in order.
pub fn multipart(
    method: Method,
    path: &str,
    token: Option<&str>,
    parts: &[Part<'_>],
) -> Request<Body> {
    let boundary = "api-test-boundary-91c2";
    let mut body: Vec<u8> = Vec::new();
    for part in parts {
        match part {
            Part::Text(name, value) => body.extend_from_slice(
                format!("--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            ),
            Part::File(name, filename, bytes) => {
                body.extend_from_slice(
                    format!(
                        "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\ncontent-type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let mut builder = Request::builder().method(method).uri(path).header(
        "content-type",
        format!("multipart/form-data; boundary={boundary}"),
    );
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    builder.body(Body::from(body)).expect("request")
}

/// A request with a raw body and content type.
pub fn raw(
    method: Method,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(content_type) = content_type {
        builder = builder.header("content-type", content_type);
    }
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    builder.body(body.into()).expect("request")
}

/// A GET with extra headers.
pub fn get_with(path: &str, token: Option<&str>, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::builder().method(Method::GET).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    builder.body(Body::empty()).expect("request")
}

/// The HTTP status as a number (for tables of expectations).
pub fn code(response: &TestResponse) -> u16 {
    let status: StatusCode = response.status;
    status.as_u16()
}
