//! The real `dulieu` binary: its command-line contract, and that a SIGKILL at any moment of an
//! upload or of a burst of dataset writes leaves either the old or the new state, never a mix.

use crate::support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{BIN, Server, admin_token, ok, read_response, with_catalog};

fn setup_dataset(server: &Server, token: &str) -> String {
    let (status, _) = server.json(
        "POST",
        "/api/1/organizations",
        token,
        Some(json!({"slug": "gso", "name": {"vi": "Tổng cục Thống kê"}, "kind": "national"})),
    );
    assert_eq!(status, 201);
    let (status, dataset) = server.json(
        "POST",
        "/api/1/datasets",
        token,
        Some(json!({"slug": "dan-so", "title": {"vi": "Dân số"}, "publisher": "gso", "version": "v0"})),
    );
    assert_eq!(status, 201, "{dataset}");
    dataset["id"].as_str().unwrap().to_string()
}

fn multipart_head(boundary: &str, filename: &str) -> String {
    format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\ncontent-type: text/csv\r\n\r\n"
    )
}

fn upload(server: &Server, path: &str, token: &str, bytes: &[u8]) -> (u16, Value) {
    let boundary = "crash-boundary";
    let mut body = multipart_head(boundary, "data.csv").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {token}\r\nconnection: close\r\ncontent-type: multipart/form-data; boundary={boundary}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body).unwrap();
    let (status, bytes) = read_response(stream);
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[test]
fn cli_contract() {
    let dir = tempfile::tempdir().unwrap();
    let migrated = ok(dir.path(), &["migrate"], None, None);
    assert!(
        migrated.contains("lược đồ mới nhất"),
        "Vietnamese by default: {migrated}"
    );
    let english = ok(dir.path(), &["migrate"], Some("en"), None);
    assert!(english.contains("latest schema"), "{english}");
    let output = Command::new(BIN)
        .args(["config", "example"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("DULIEU_DATABASE_URL") && text.contains("max_upload_bytes"));
    admin_token(dir.path());
    let bad = Command::new(BIN)
        .args([
            "admin",
            "create-user",
            "--email",
            "x@example.vn",
            "--password-stdin",
            "--data-dir",
        ])
        .arg(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!bad.status.success(), "an empty password is refused");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("password"));
}

#[test]
fn sigkill_during_upload_keeps_the_previous_version() {
    let dir = tempfile::tempdir().unwrap();
    let token = admin_token(dir.path());
    let server = Server::start(dir.path());
    let dataset = setup_dataset(&server, &token);
    let (status, created) = upload(
        &server,
        &format!("/api/1/datasets/{dataset}/distributions"),
        &token,
        b"year,people\n2019,96208984\n",
    );
    assert_eq!(status, 201, "{created}");
    let distribution = created["id"].as_str().unwrap().to_string();
    let v1_sha = created["sha256"].as_str().unwrap().to_string();

    // Start replacing the file with 64 MiB, send half, then SIGKILL the server mid-stream.
    let boundary = "crash-boundary";
    let total = 64 * 1024 * 1024;
    let head = multipart_head(boundary, "big.csv");
    let tail = format!("\r\n--{boundary}--\r\n");
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        stream,
        "POST /api/1/distributions/{distribution}/versions HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {token}\r\ncontent-type: multipart/form-data; boundary={boundary}\r\ncontent-length: {}\r\n\r\n{head}",
        head.len() + total + tail.len()
    )
    .unwrap();
    let chunk = vec![b'7'; 1024 * 1024];
    for _ in 0..32 {
        stream.write_all(&chunk).unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    server.kill();
    drop(stream);

    let server = Server::start(dir.path());
    let (status, after) = server.json(
        "GET",
        &format!("/api/1/distributions/{distribution}"),
        &token,
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(
        after["version"], 1,
        "the interrupted upload left no version"
    );
    assert_eq!(after["sha256"], v1_sha.as_str());
    let (_, versions) = server.json(
        "GET",
        &format!("/api/1/distributions/{distribution}/versions"),
        &token,
        None,
    );
    assert_eq!(versions.as_array().unwrap().len(), 1);
    let (status, bytes) = server.request(
        "GET",
        &format!("/api/1/distributions/{distribution}/download"),
        &token,
        None,
    );
    assert_eq!(
        (status, bytes.as_slice()),
        (200, &b"year,people\n2019,96208984\n"[..])
    );
    // Only the first file is stored as a blob.
    let blobs: Vec<_> = walk(&dir.path().join("blobs").join("blobs"));
    assert_eq!(blobs.len(), 1, "{blobs:?}");
    // And the portal still takes new versions.
    let (status, replaced) = upload(
        &server,
        &format!("/api/1/distributions/{distribution}/versions"),
        &token,
        b"year,people\n2024,101300000\n",
    );
    assert_eq!(status, 201, "{replaced}");
    assert_eq!(replaced["version"], 2);
}

#[test]
fn sigkill_during_dataset_writes_keeps_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let token = admin_token(dir.path());
    let server = Server::start(dir.path());
    let dataset = setup_dataset(&server, &token);
    let port = server.port;
    let writer = {
        let token = token.clone();
        let dataset = dataset.clone();
        std::thread::spawn(move || {
            let mut acknowledged = 0u64;
            for n in 1..100_000u64 {
                let body = json!({"version": format!("v{n}"), "description": {"vi": format!("lần ghi {n}")}}).to_string();
                let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
                    break;
                };
                let head = format!(
                    "PATCH /api/1/datasets/{dataset} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {token}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).is_err() {
                    break;
                }
                let mut raw = Vec::new();
                if stream.read_to_end(&mut raw).is_err() || !raw.starts_with(b"HTTP/1.1 200") {
                    break;
                }
                acknowledged = n;
            }
            acknowledged
        })
    };
    std::thread::sleep(Duration::from_millis(1500));
    server.kill();
    let acknowledged = writer.join().unwrap();
    assert!(
        acknowledged > 0,
        "some writes were acknowledged before the kill"
    );

    let server = Server::start(dir.path());
    let (status, current) = server.json("GET", &format!("/api/1/datasets/{dataset}"), &token, None);
    assert_eq!(status, 200);
    let version: u64 = current["version"]
        .as_str()
        .unwrap()
        .trim_start_matches('v')
        .parse()
        .unwrap();
    assert!(
        version == acknowledged || version == acknowledged + 1,
        "state v{version} after {acknowledged} acknowledged writes"
    );
    assert_eq!(
        current["description"]["vi"],
        format!("lần ghi {version}"),
        "no half-applied write"
    );
    // The event log holds exactly one event per committed write, and its last state is the current
    // one. The dataset's history also lists the events of its children, such as the feedback
    // ticket the watchdog opens because it has no license: only the dataset's own events count.
    let (_, history) = server.json(
        "GET",
        &format!("/api/1/datasets/{dataset}/history?page_size=1000"),
        &token,
        None,
    );
    let total = history["total"].as_u64().unwrap();
    assert!(
        total <= 1000 || version > 999,
        "history fits in one page for this check"
    );
    let events: Vec<&Value> = history["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_type"] == "dataset")
        .collect();
    assert!(
        events.iter().all(|e| e["entity_id"] == dataset.as_str()),
        "{events:?}"
    );
    assert_eq!(
        events.len() as u64,
        version + 1,
        "one created event plus one per committed update"
    );
    let last = events.last().unwrap();
    assert_eq!(last["after"]["version"], current["version"]);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn serve_demo_shows_the_annex_c_catalog_to_anyone() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--demo"]);
    // The listener is bound before the demo loads; the first request waits until serving starts.
    let (status, list) = server.json("GET", "/api/1/datasets?page_size=1", "", None);
    assert_eq!(status, 200);
    assert_eq!(list["total"], 49);
    let (status, health) = server.request("GET", "/readyz", "", None);
    assert_eq!((status, health.as_slice()), (200, &b"ready"[..]));
}

#[test]
fn a_separate_worker_process_runs_the_jobs_serve_left() {
    let dir = tempfile::tempdir().unwrap();
    let token = admin_token(dir.path());
    let server = Server::start_with(dir.path(), &["--no-worker"]);
    let dataset = setup_dataset(&server, &token);
    let (status, _) = upload(
        &server,
        &format!("/api/1/datasets/{dataset}/distributions"),
        &token,
        b"a,b\n1,2\n",
    );
    assert_eq!(status, 201);
    let jobs = |dir: &Path| -> Vec<(String, i64)> {
        with_catalog(dir, async |conn| {
            dulieu_store::jobs::counts(conn).await.unwrap()
        })
    };
    assert_eq!(
        jobs(dir.path()),
        vec![("queued".to_string(), 2)],
        "serve --no-worker leaves the jobs (the file's fixity check and its table ingest)"
    );

    // The watchdog the worker runs would open tickets for the dataset's missing license, and
    // their notices queue mails: they are not the jobs this test is about.
    let mut worker = Command::new(BIN)
        .args(["worker", "--data-dir"])
        .arg(dir.path())
        .env("DULIEU_LOG", "warn")
        .env("DULIEU_QUALITY_TICKETS", "false")
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = jobs(dir.path());
    while seen != vec![("done".to_string(), 2)] && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        seen = jobs(dir.path());
    }
    // Stopped before asserting, so that a failure does not leave the worker running.
    worker.kill().unwrap();
    worker.wait().unwrap();
    assert_eq!(
        seen,
        vec![("done".to_string(), 2)],
        "the worker did not run the jobs"
    );
}
