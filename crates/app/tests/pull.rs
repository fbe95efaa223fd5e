//! Scheduled pulls against real sources: a web server on loopback that answers with `ETag`s and
//! `304`s, and a PostgreSQL table. A version is published only when the bytes change; a source
//! that keeps failing is reported by the watchdog after the profile's number of failures, and
//! the finding goes once it works again. Both on SQLite and (when configured) on PostgreSQL.

use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use dulieu_app::pull::SOURCE_ENTITY;
use dulieu_core::account::Actor;
use dulieu_core::pull::{PullSource, RunOutcome, SourceInput, SourceKind};
use dulieu_core::vocab::OrgKind;
use dulieu_testkit::TestApp;
use futures::stream;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

/// What the web source serves.
struct Served {
    body: Vec<u8>,
    etag: String,
    failing: bool,
    requests: Vec<String>,
}

type Shared = Arc<Mutex<Served>>;

/// A web server on loopback serving `state`: `503` while failing, `304` when the request's
/// `If-None-Match` is the current `ETag`, the body otherwise.
async fn source_server(state: Shared) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let state = state.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let if_none_match = head
                    .lines()
                    .find_map(|l| l.strip_prefix("if-none-match: "))
                    .map(str::to_string);
                let reply = {
                    let mut s = state.lock().unwrap();
                    s.requests.push(head.clone());
                    if s.failing {
                        b"HTTP/1.1 503 Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    } else if if_none_match.as_deref() == Some(s.etag.as_str()) {
                        format!(
                            "HTTP/1.1 304 Not Modified\r\nETag: {}\r\nConnection: close\r\n\r\n",
                            s.etag
                        )
                        .into_bytes()
                    } else {
                        let mut reply = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nETag: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            s.etag,
                            s.body.len()
                        )
                        .into_bytes();
                        reply.extend_from_slice(&s.body);
                        reply
                    }
                };
                let _ = socket.write_all(&reply).await;
            });
        }
    });
    port
}

/// The gso organization, a dataset `dan-so` and its uploaded `dan-so.csv` with `bytes`; the
/// distribution's id.
async fn dataset_with_file(test: &TestApp, bytes: &[u8]) -> Uuid {
    test.organization("gso", OrgKind::National).await;
    let input = serde_json::from_value(json!({
        "slug": "dan-so", "title": {"vi": "Dân số trung bình"}, "publisher": "gso",
        "license": "cc-by-4.0",
    }))
    .unwrap();
    test.app
        .create_dataset(&Actor::system(), input)
        .await
        .unwrap();
    let body = stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(bytes.to_vec()))]);
    test.app
        .add_upload(
            &Actor::system(),
            "dan-so",
            Default::default(),
            dulieu_app::UploadMeta::from_part(Some("dan-so.csv"), None),
            body,
        )
        .await
        .unwrap()
        .id
}

async fn source(test: &TestApp, id: Uuid) -> PullSource {
    test.app
        .pull_source(&Actor::system(), id)
        .await
        .unwrap()
        .unwrap()
}

/// Runs what the schedule has due a minute after the source's next run; how it ended.
async fn run_scheduled(test: &TestApp, id: Uuid) -> RunOutcome {
    let due = source(test, id).await.next_run_at.expect("scheduled");
    assert_eq!(
        test.app
            .run_due_pulls(due + Duration::minutes(1))
            .await
            .unwrap(),
        1
    );
    let runs = test
        .app
        .pull_runs(&Actor::system(), id, Default::default())
        .await
        .unwrap();
    runs.results[0].outcome
}

async fn pull_findings(test: &TestApp) -> usize {
    test.app
        .dataset_quality(&Actor::system(), "dan-so", dulieu_i18n::Locale::En)
        .await
        .unwrap()
        .findings
        .iter()
        .filter(|f| f.rule.as_str() == "pull.succeeds")
        .count()
}

async fn web_source_publishes_only_changes(test: TestApp, state: Shared, port: u16) {
    let v1 = b"ma_tinh,dan_so\n01,8435700\n".to_vec();
    let id = dataset_with_file(&test, &v1).await;
    {
        let mut s = state.lock().unwrap();
        s.body = v1.clone();
        s.etag = "\"v1\"".into();
    }
    let saved = test
        .app
        .save_pull_source(
            &Actor::system(),
            id,
            SourceInput {
                kind: Some(SourceKind::Http),
                url: Some(format!("http://127.0.0.1:{port}/du-lieu/dan-so.csv")),
                schedule: Some("*/15 * * * *".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let next = saved.next_run_at.unwrap();
    assert!(next > Utc::now() && next <= Utc::now() + Duration::minutes(15));
    assert_eq!(
        test.app.run_due_pulls(Utc::now()).await.unwrap(),
        0,
        "not due yet"
    );

    // The same bytes as the uploaded version: nothing published, the ETag kept.
    assert_eq!(run_scheduled(&test, id).await, RunOutcome::Unchanged);
    assert_eq!(source(&test, id).await.etag.as_deref(), Some("\"v1\""));
    // Asked with If-None-Match: 304, nothing read.
    assert_eq!(run_scheduled(&test, id).await, RunOutcome::NotModified);
    assert!(
        state.lock().unwrap().requests[1]
            .to_ascii_lowercase()
            .contains("if-none-match: \"v1\"")
    );
    let versions = test
        .app
        .distribution_versions(&Actor::system(), id)
        .await
        .unwrap();
    assert_eq!(versions.len(), 1);

    // New data: a new version, with the file name from the address, and its ingest queued.
    let modified_before = test
        .app
        .store()
        .read_dataset("dan-so")
        .await
        .unwrap()
        .unwrap()
        .updated_at;
    let v2 = b"ma_tinh,dan_so\n01,8435700\n79,9389700\n".to_vec();
    {
        let mut s = state.lock().unwrap();
        s.body = v2.clone();
        s.etag = "\"v2\"".into();
    }
    assert_eq!(run_scheduled(&test, id).await, RunOutcome::NewVersion);
    let versions = test
        .app
        .distribution_versions(&Actor::system(), id)
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].version, 2);
    assert_eq!(versions[0].byte_size, v2.len() as i64);
    let dataset = test
        .app
        .store()
        .read_dataset("dan-so")
        .await
        .unwrap()
        .unwrap();
    assert!(dataset.updated_at > modified_before);
    assert_eq!(dataset.modified, Some(Utc::now().date_naive()));
    assert_eq!(dataset.distributions[0].version, 2);
    assert!(
        test.run_jobs().await >= 1,
        "the new version is read as tables"
    );
    let table = test.app.table_ingest(&Actor::system(), id).await.unwrap();
    assert_eq!(table.tables[0].row_count, 2);

    let runs = test
        .app
        .pull_runs(&Actor::system(), id, Default::default())
        .await
        .unwrap();
    assert_eq!(runs.total, 3);
    let newest = &runs.results[0];
    assert_eq!(newest.version, Some(2));
    assert_eq!(newest.bytes, Some(v2.len() as i64));
    assert_eq!(newest.http_status, Some(200));
    assert!(newest.duration_ms.is_some() && newest.finished_at.is_some());
    assert_eq!(runs.results[1].http_status, Some(304));

    // Failing: reported after three failures in a row (the default profile), not before.
    state.lock().unwrap().failing = true;
    for _ in 0..2 {
        assert_eq!(run_scheduled(&test, id).await, RunOutcome::Failed);
    }
    assert_eq!(pull_findings(&test).await, 0);
    assert_eq!(run_scheduled(&test, id).await, RunOutcome::Failed);
    let failing = source(&test, id).await;
    assert_eq!(failing.consecutive_failures, 3);
    assert_eq!(failing.last_error_code.as_deref(), Some("http_status"));
    assert_eq!(pull_findings(&test).await, 1);
    let runs = test
        .app
        .pull_runs(&Actor::system(), id, Default::default())
        .await
        .unwrap();
    assert_eq!(runs.results[0].http_status, Some(503));

    // Working again: the finding goes, the count starts over.
    state.lock().unwrap().failing = false;
    assert_eq!(run_scheduled(&test, id).await, RunOutcome::NotModified);
    assert_eq!(source(&test, id).await.consecutive_failures, 0);
    assert_eq!(pull_findings(&test).await, 0);

    // Setting up and changing the source are events of the dataset's log.
    let mut conn = test.app.store().conn().await.unwrap();
    let (history, _) = dulieu_store::events::history(&mut conn, dataset.id, 0, 100)
        .await
        .unwrap();
    assert!(
        history
            .iter()
            .any(|e| e.entity_type == SOURCE_ENTITY && e.action == "created")
    );
}

fn shared() -> Shared {
    Arc::new(Mutex::new(Served {
        body: Vec::new(),
        etag: String::new(),
        failing: false,
        requests: Vec::new(),
    }))
}

fn allow_loopback(c: &mut dulieu_config::Config, port: u16) {
    c.fetch.allow_networks = vec!["127.0.0.1/32".into()];
    c.fetch.allowed_ports.push(port);
}

#[tokio::test]
async fn a_web_source_publishes_a_version_only_when_its_bytes_change() {
    let state = shared();
    let port = source_server(state.clone()).await;
    let test = TestApp::with(|c| allow_loopback(c, port)).await;
    web_source_publishes_only_changes(test, state, port).await;
}

#[tokio::test]
async fn a_web_source_on_postgres() {
    let state = shared();
    let port = source_server(state.clone()).await;
    let Some(server) = dulieu_testkit::postgres_url() else {
        return;
    };
    let url = dulieu_testkit::fresh_postgres_database(&server).await;
    let test = TestApp::with(|c| {
        c.database_url = url;
        allow_loopback(c, port);
    })
    .await;
    web_source_publishes_only_changes(test, state, port).await;
}

#[tokio::test]
async fn a_database_source_publishes_a_version_only_when_its_rows_change() {
    let Some(server) = dulieu_testkit::postgres_url() else {
        return;
    };
    // The agency's database: its own PostgreSQL database with a table.
    let agency = dulieu_testkit::fresh_postgres_database(&server).await;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&agency)
        .await
        .unwrap();
    for statement in [
        "CREATE TABLE dan_so (ma_tinh TEXT PRIMARY KEY, ten TEXT NOT NULL, dan_so BIGINT, nam DATE)",
        "INSERT INTO dan_so VALUES ('01', 'Hà Nội', 8435700, '2023-12-31'), ('79', 'TP. Hồ Chí Minh', 9389700, '2023-12-31')",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    let test = TestApp::with(|c| {
        c.pull.database_networks = vec!["127.0.0.1/32".into(), "::1/128".into()];
    })
    .await;
    let id = dataset_with_file(&test, b"ma_tinh\n").await;

    // A host outside the allowed networks is refused before anything is saved.
    let refused = test
        .app
        .save_pull_source(
            &Actor::system(),
            id,
            SourceInput {
                kind: Some(SourceKind::Sql),
                connection: Some("postgres://reader:secret@10.9.8.7/thong_ke".into()),
                query: Some("SELECT 1".into()),
                schedule: Some("0 2 * * *".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        format!("{refused:?}").contains("source_refused"),
        "{refused:?}"
    );
    assert!(source_or_none(&test, id).await.is_none());

    let saved = test
        .app
        .save_pull_source(
            &Actor::system(),
            id,
            SourceInput {
                kind: Some(SourceKind::Sql),
                connection: Some(agency.clone()),
                query: Some("SELECT ma_tinh, ten, dan_so, nam FROM dan_so ORDER BY ma_tinh".into()),
                file_name: Some("dan-so-tinh.csv".into()),
                schedule: Some("0 2 * * *".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(saved.driver.as_deref(), Some("postgres"));
    // The connection is kept sealed: not in the database in clear, and shown masked.
    let mut conn = test.app.store().conn().await.unwrap();
    let stored = dulieu_store::pull::get(&mut conn, id)
        .await
        .unwrap()
        .unwrap();
    drop(conn);
    let sealed = stored.connection_sealed.unwrap();
    assert!(!sealed.contains("postgres://"), "{sealed}");
    // Changing the schedule keeps the sealed connection.
    test.app
        .save_pull_source(
            &Actor::system(),
            id,
            SourceInput {
                schedule: Some("30 2 * * *".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    assert_eq!(run_scheduled(&test, id).await, RunOutcome::NewVersion);
    let csv = latest_bytes(&test, id).await;
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        "ma_tinh,ten,dan_so,nam\n01,Hà Nội,8435700,2023-12-31\n79,TP. Hồ Chí Minh,9389700,2023-12-31\n"
    );
    let runs = test
        .app
        .pull_runs(&Actor::system(), id, Default::default())
        .await
        .unwrap();
    assert_eq!(runs.results[0].rows, Some(2));

    // The same rows: nothing published.
    assert_eq!(run_scheduled(&test, id).await, RunOutcome::Unchanged);
    // A new row: a new version.
    sqlx::query("INSERT INTO dan_so VALUES ('48', 'Đà Nẵng', 1220200, '2023-12-31')")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(run_scheduled(&test, id).await, RunOutcome::NewVersion);
    let versions = test
        .app
        .distribution_versions(&Actor::system(), id)
        .await
        .unwrap();
    assert_eq!(versions.len(), 3, "the upload and two pulled versions");
    assert_eq!(versions[0].filename.as_deref(), Some("dan-so-tinh.csv"));
    pool.close().await;
}

async fn source_or_none(test: &TestApp, id: Uuid) -> Option<PullSource> {
    test.app.pull_source(&Actor::system(), id).await.unwrap()
}

async fn latest_bytes(test: &TestApp, id: Uuid) -> Vec<u8> {
    use futures::TryStreamExt;
    let versions = test
        .app
        .distribution_versions(&Actor::system(), id)
        .await
        .unwrap();
    let read = test.app.open_blob(&versions[0], None).await.unwrap();
    let chunks: Vec<bytes::Bytes> = read.stream.try_collect().await.unwrap();
    chunks.concat()
}
