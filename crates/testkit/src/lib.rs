//! Test support: a real [`App`] on a fresh SQLite file (or PostgreSQL database) in a temporary
//! directory, its router, and shortcuts to call the API in-process.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use dulieu_app::App;
use dulieu_config::Config;
use dulieu_core::account::{Actor, NewUser, User};
use dulieu_core::catalog::OrganizationInput;
use dulieu_core::text::LangText;
use dulieu_core::vocab::{OrgKind, Role};
use http_body_util::BodyExt;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

/// A running application for tests.
pub struct TestApp {
    /// The application.
    pub app: App,
    /// Its HTTP router.
    pub router: Router,
    /// Its settings.
    pub config: Config,
    dir: TempDir,
}

/// An answer from the router.
#[derive(Debug)]
pub struct TestResponse {
    /// Status code.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl TestResponse {
    /// The body as JSON (panics with the body text when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}), status {}: {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The error code of an error answer.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// The PostgreSQL server URL for tests, from `DULIEU_TEST_POSTGRES_URL`. Under `CI=true` its
/// absence is a failure, so CI can never silently skip PostgreSQL.
pub fn postgres_url() -> Option<String> {
    match std::env::var("DULIEU_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "DULIEU_TEST_POSTGRES_URL must be set in CI (scripts/test starts PostgreSQL)"
            );
            eprintln!("note: DULIEU_TEST_POSTGRES_URL not set; PostgreSQL test skipped");
            None
        }
    }
}

/// Creates a fresh, uniquely named PostgreSQL database on the test server; returns its URL.
pub async fn fresh_postgres_database(server_url: &str) -> String {
    use sqlx::Connection;
    let name = format!("dulieu_t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(server_url)
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::Executor::execute(
        &mut conn,
        sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")),
    )
    .await
    .expect("create test database");
    let (base, _) = server_url
        .rsplit_once('/')
        .expect("URL has a database part");
    format!("{base}/{name}")
}

impl TestApp {
    /// An application on SQLite with default settings.
    pub async fn new() -> Self {
        Self::with(|_| {}).await
    }

    /// An application on SQLite with adjusted settings, its search index started (brought up to
    /// date by [`TestApp::sync_search`]).
    pub async fn with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config {
            data_dir: dir.path().to_path_buf(),
            public_url: "http://dulieu.test".into(),
            ..Config::default()
        };
        config.database.sqlite_synchronous = "normal".into();
        adjust(&mut config);
        let app = App::open(&config).await.expect("open app");
        app.start_search().await.expect("start search");
        let router = dulieu_web::router(app.clone());
        Self {
            app,
            router,
            config,
            dir,
        }
    }

    /// An application on a fresh PostgreSQL database, when a test server is configured.
    pub async fn postgres() -> Option<Self> {
        let server = postgres_url()?;
        let url = fresh_postgres_database(&server).await;
        Some(Self::with(move |c| c.database_url = url).await)
    }

    /// A fresh application with the demo catalog loaded and indexed.
    pub async fn demo() -> Self {
        let t = Self::new().await;
        dulieu_demo::load(&t.app)
            .await
            .expect("load the demo catalog");
        t.sync_search().await;
        t
    }

    /// Brings the search index up to date with every change made so far; returns the event-log
    /// position it reflects.
    pub async fn sync_search(&self) -> i64 {
        self.app.sync_search().await.expect("sync search")
    }

    /// Runs every job that is due (table ingests, e-mails, fixity checks), as the worker would;
    /// returns how many ran.
    pub async fn run_jobs(&self) -> usize {
        let mut ran = 0;
        while self.app.run_next_job().await.expect("job queue") {
            ran += 1;
        }
        ran
    }

    /// The temporary data directory.
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Sends a request through the router.
    pub async fn call(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("read body")
            .to_bytes();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// Sends `method path` with an optional bearer token and JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        let body = match body {
            Some(json) => {
                builder = builder.header("content-type", "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.call(builder.body(body).expect("request")).await
    }

    /// `GET path`.
    pub async fn get(&self, path: &str, token: Option<&str>) -> TestResponse {
        self.send(Method::GET, path, token, None).await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> TestResponse {
        self.send(Method::POST, path, token, Some(body)).await
    }

    /// `PATCH path` with a JSON body.
    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> TestResponse {
        self.send(Method::PATCH, path, token, Some(body)).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str, token: Option<&str>) -> TestResponse {
        self.send(Method::DELETE, path, token, None).await
    }

    /// Uploads `bytes` as the `file` part of a multipart body, with extra text parts before it.
    pub async fn upload(
        &self,
        path: &str,
        token: Option<&str>,
        filename: &str,
        bytes: &[u8],
        parts: &[(&str, &str)],
    ) -> TestResponse {
        let boundary = "dulieu-test-boundary-7d3f";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in parts {
            body.extend_from_slice(
                format!("--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\ncontent-type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut builder = Request::builder().method(Method::POST).uri(path).header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        );
        if let Some(token) = token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        self.call(builder.body(Body::from(body)).expect("request"))
            .await
    }

    /// Creates a user (optionally sysadmin) directly and returns it with a fresh API token.
    pub async fn user(&self, email: &str, sysadmin: bool) -> (User, String) {
        let user = self
            .app
            .create_user(
                &Actor::system(),
                NewUser {
                    email: email.into(),
                    display_name: None,
                    password: "correct horse battery".into(),
                },
                sysadmin,
            )
            .await
            .expect("create user");
        let token = self
            .app
            .issue_token(&Actor::system(), user.id, Some("test".into()))
            .await
            .expect("issue token");
        (user, token.token_secret)
    }

    /// Creates an organization directly (as the system).
    pub async fn organization(&self, slug: &str, kind: OrgKind) {
        self.app
            .create_organization(
                &Actor::system(),
                OrganizationInput {
                    slug: slug.into(),
                    name: LangText::new(format!("Tổ chức {slug}"), format!("Organization {slug}")),
                    description: LangText::default(),
                    kind,
                    parent: None,
                    contact_email: None,
                    website: None,
                },
            )
            .await
            .expect("create organization");
    }

    /// Gives `email` a role in organization `slug` (as the system).
    pub async fn grant(&self, slug: &str, email: &str, role: Role) {
        self.app
            .set_member(
                &Actor::system(),
                slug,
                dulieu_app::MemberRequest {
                    email: email.into(),
                    role,
                },
            )
            .await
            .expect("grant role");
    }
}
