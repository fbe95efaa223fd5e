//! Helpers shared by the portal's router tests: a cookie-keeping browser that signs in through
//! the form and posts forms with their CSRF token, a world with an editor of an organization
//! that has a draft dataset, and the [`desk`] of the ticket pages' tests.
#![allow(dead_code)] // each test file uses some of them

pub mod desk;

use axum::body::Body;
use axum::http::{Method, Request};
use dulieu_core::vocab::{OrgKind, Role};
use dulieu_testkit::{TestApp, TestResponse};
use serde_json::json;

pub const PASSWORD: &str = "correct horse battery";
pub const ORG: &str = "hoi-thuy-van";

/// A browser: the cookies it was given, sent back with each request.
#[derive(Default)]
pub struct Browser {
    pub cookies: Vec<(String, String)>,
}

impl Browser {
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    pub fn keep(&mut self, response: &TestResponse) {
        for value in response.headers.get_all("set-cookie") {
            let value = value.to_str().unwrap();
            let (pair, attributes) = value.split_once(';').unwrap_or((value, ""));
            let (name, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(k, _)| k != name);
            if !attributes.contains("Max-Age=0") {
                self.cookies.push((name.to_string(), v.to_string()));
            }
        }
    }

    pub async fn get(&mut self, t: &TestApp, path: &str) -> TestResponse {
        let request = Request::builder()
            .uri(path)
            .header("cookie", self.cookie_header())
            .body(Body::empty())
            .unwrap();
        let response = t.call(request).await;
        self.keep(&response);
        response
    }

    pub async fn post(&mut self, t: &TestApp, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let response = t.call(request).await;
        self.keep(&response);
        response
    }

    /// Posts a `multipart/form-data` form: the text `parts` in order, then `file` (name and
    /// bytes) as the `file` part when given.
    pub async fn post_multipart(
        &mut self,
        t: &TestApp,
        path: &str,
        parts: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> TestResponse {
        let boundary = "portal-test-boundary-41c9";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in parts {
            body.extend_from_slice(
                format!("--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        if let Some((filename, bytes)) = file {
            body.extend_from_slice(
                format!("--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\ncontent-type: text/csv\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("cookie", self.cookie_header())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        let response = t.call(request).await;
        self.keep(&response);
        response
    }

    /// Opens `form_path` and returns the CSRF token of its form.
    pub async fn csrf(&mut self, t: &TestApp, form_path: &str) -> String {
        let page = self.get(t, form_path).await;
        assert_eq!(page.status.as_u16(), 200, "{form_path}");
        csrf_of(&text(&page))
    }

    /// Posts `fields` to `action` with the CSRF token of the form on `page`.
    pub async fn submit(
        &mut self,
        t: &TestApp,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let csrf = self.csrf(t, page).await;
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(t, action, &all).await
    }

    /// Signs in through the form.
    pub async fn sign_in(&mut self, t: &TestApp, email: &str, password: &str) -> TestResponse {
        let csrf = self.csrf(t, "/sign-in").await;
        self.post(
            t,
            "/sign-in",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await
    }
}

pub fn text(response: &TestResponse) -> String {
    String::from_utf8_lossy(&response.body).into_owned()
}

/// The first CSRF token in a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

pub fn set_cookie(response: &TestResponse, name: &str) -> String {
    response
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie set"))
}

/// An app with a member of an organization that has a draft dataset.
pub async fn world() -> (TestApp, String) {
    let t = TestApp::new().await;
    t.organization(ORG, OrgKind::Provincial).await;
    let (editor, token) = t.user("bien-tap@example.vn", false).await;
    t.grant(ORG, &editor.email, Role::Editor).await;
    let created = t
        .post(
            "/api/1/datasets",
            Some(&token),
            json!({"slug": "muc-nuoc-nhap", "title": {"vi": "Mực nước bản nháp", "en": "Draft water levels"},
                   "publisher": ORG, "license": "cc-by-4.0", "status": "draft"}),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201, "{}", text(&created));
    t.sync_search().await;
    (t, editor.email)
}
