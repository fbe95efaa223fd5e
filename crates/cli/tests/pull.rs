//! Scheduled pulls survive a crash: the real `dulieu serve` is killed (SIGKILL) in the middle
//! of a scheduled run whose source is sending its body; after a restart the run is recorded as
//! interrupted and the source is read again once the lease has expired, so the version it was
//! about to publish is published, once.

use crate::support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Server, admin_token};

/// How the agency's web server answers.
#[derive(Clone)]
enum Mode {
    /// Headers and half the body, then nothing (the connection stays open).
    Stall,
    /// The whole body.
    Serve(Vec<u8>),
}

struct Source {
    mode: Mutex<Mode>,
    requests: Mutex<usize>,
}

/// The agency's web server on loopback; its port.
fn start_source(source: Arc<Source>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let source = source.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                *source.requests.lock().unwrap() += 1;
                let mode = source.mode.lock().unwrap().clone();
                match mode {
                    Mode::Stall => {
                        let _ = stream.write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\nma_tinh,dan_so\n",
                        );
                        std::thread::sleep(Duration::from_secs(120));
                    }
                    Mode::Serve(body) => {
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(head.as_bytes());
                        let _ = stream.write_all(&body);
                    }
                }
            });
        }
    });
    port
}

/// `PUT path` with raw bytes.
fn put_bytes(server: &Server, path: &str, token: &str, bytes: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let head = format!(
        "PUT {path} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {token}\r\nconnection: close\r\ncontent-type: text/csv\r\ncontent-length: {}\r\n\r\n",
        bytes.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(bytes).unwrap();
    support::read_response(stream).0
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_scheduled_run_cut_by_a_crash_is_redone_after_the_restart() {
    let source = Arc::new(Source {
        mode: Mutex::new(Mode::Stall),
        requests: Mutex::new(0),
    });
    let port = start_source(source.clone());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("dulieu.toml"),
        format!(
            "[fetch]\nallow_networks = [\"127.0.0.1/32\"]\nallowed_ports = [80, 443, {port}]\n\n\
             [pull]\nlease_seconds = 3\npoll_interval_seconds = 1\n"
        ),
    )
    .unwrap();
    let token = admin_token(&data);
    let server = Server::start(&data);
    let (status, _) = server.json(
        "POST",
        "/api/1/organizations",
        &token,
        Some(json!({"slug": "gso", "name": {"vi": "Tổng cục Thống kê"}, "kind": "national"})),
    );
    assert_eq!(status, 201);
    let (status, _) = server.json(
        "POST",
        "/api/1/datasets",
        &token,
        Some(json!({"slug": "dan-so", "title": {"vi": "Dân số"}, "publisher": "gso"})),
    );
    assert_eq!(status, 201);
    let v1 = b"ma_tinh,dan_so\n01,8435700\n";
    assert_eq!(
        put_bytes(
            &server,
            "/api/1/datasets/dan-so/files/dan-so.csv",
            &token,
            v1
        ),
        201
    );
    let (_, dataset) = server.json("GET", "/api/1/datasets/dan-so", &token, None);
    let id = dataset["distributions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, saved) = server.json(
        "PUT",
        &format!("/api/1/distributions/{id}/source"),
        &token,
        Some(json!({
            "kind": "http",
            "url": format!("http://127.0.0.1:{port}/dan-so.csv"),
            "schedule": "* * * * *",
        })),
    );
    assert_eq!(status, 200, "{saved}");

    // The schedule starts the run within a minute; the source stalls mid-body; the server dies.
    wait_for("the scheduled run", Duration::from_secs(90), || {
        *source.requests.lock().unwrap() > 0
    });
    std::thread::sleep(Duration::from_millis(300));
    let runs_path = format!("/api/1/distributions/{id}/source/runs");
    let (_, runs) = server.json("GET", &runs_path, &token, None);
    assert_eq!(runs["results"][0]["outcome"], "running", "{runs}");
    server.kill();

    // Restarted, with the agency's new data: the run is redone once the lease has expired.
    let v2 = b"ma_tinh,dan_so\n01,8435700\n79,9389700\n".to_vec();
    *source.mode.lock().unwrap() = Mode::Serve(v2.clone());
    let server = Server::start(&data);
    let mut runs = Value::Null;
    wait_for("the redone run", Duration::from_secs(60), || {
        runs = server.json("GET", &runs_path, &token, None).1;
        runs["results"][0]["outcome"] == "new_version"
    });
    let outcomes: Vec<&str> = runs["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["new_version", "interrupted"], "{runs}");
    assert_eq!(runs["results"][0]["version"], 2);

    let (_, versions) = server.json(
        "GET",
        &format!("/api/1/distributions/{id}/versions"),
        &token,
        None,
    );
    assert_eq!(versions.as_array().unwrap().len(), 2, "{versions}");
    let (status, bytes) = server.request(
        "GET",
        &format!("/api/1/distributions/{id}/versions/2/download"),
        &token,
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(bytes, v2);
    let (_, source_now) = server.json(
        "GET",
        &format!("/api/1/distributions/{id}/source"),
        &token,
        None,
    );
    assert_eq!(source_now["consecutive_failures"], 0);
    assert_eq!(source_now["running"], false);
}
