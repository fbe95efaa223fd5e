//! The real `dulieu` binary and its search index: `dulieu reindex` builds it from a demo catalog
//! (with `demo load` leaving it alone), `serve` reuses it as it is, refuses a second writer, and a
//! SIGKILLed server restarts on its committed index without rebuilding it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_dulieu");

/// Runs `dulieu ARGS --data-dir DIR` in `lang` (`None`: the default, Vietnamese).
fn run(data_dir: &Path, args: &[&str], lang: Option<&str>, stdin: Option<&str>) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DULIEU_LANG")
        .env_remove("LC_ALL")
        .env_remove("LANG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(lang) = lang {
        command.env("DULIEU_LANG", lang);
    }
    let mut child = command.spawn().expect("run dulieu");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// Like [`run`], asserting success; returns standard output.
fn ok(data_dir: &Path, args: &[&str], lang: Option<&str>, stdin: Option<&str>) -> String {
    let output = run(data_dir, args, lang, stdin);
    assert!(
        output.status.success(),
        "dulieu {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The last sequence number of the event log of the SQLite catalog in `data_dir`.
fn last_seq(data_dir: &Path) -> i64 {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = format!("sqlite://{}?mode=rwc", data_dir.join("dulieu.db").display());
        let store = dulieu_store::Store::connect(&url, &Default::default())
            .await
            .unwrap();
        let mut conn = store.conn().await.unwrap();
        let seq = dulieu_store::events::last_seq(&mut conn).await.unwrap();
        drop(conn);
        store.close().await;
        seq
    })
}

/// A sysadmin's API token, made through the CLI.
fn admin_token(data_dir: &Path) -> String {
    ok(
        data_dir,
        &[
            "admin",
            "create-user",
            "--email",
            "root@example.vn",
            "--password-stdin",
            "--sysadmin",
        ],
        None,
        Some("a long enough password\n"),
    );
    let out = ok(
        data_dir,
        &["admin", "create-token", "--email", "root@example.vn"],
        None,
        None,
    );
    out.lines().last().unwrap().trim().to_string()
}

/// A `dulieu serve` process whose log (level info) goes to a file.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    fn start(data_dir: &Path, log: PathBuf) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(BIN)
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(data_dir)
            .env("DULIEU_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start server");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, port, log }
    }

    /// The log so far, without colour codes.
    fn log(&self) -> String {
        let raw = std::fs::read_to_string(&self.log).unwrap_or_default();
        let mut out = String::new();
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// The `indexed_seq` the server found its index at when it started.
    fn opened_at(&self) -> Option<i64> {
        let log = self.log();
        let line = log
            .lines()
            .find(|l| l.contains("search index opened"))
            .unwrap_or_else(|| panic!("no 'search index opened' line in the log:\n{log}"));
        let value = line
            .split("indexed_seq=")
            .nth(1)
            .unwrap_or_else(|| panic!("no indexed_seq in {line}"));
        value
            .strip_prefix("Some(")
            .and_then(|v| v.split(')').next())
            .map(|v| v.parse().unwrap())
    }

    fn json(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let auth = if token.is_empty() {
            String::new()
        } else {
            format!("authorization: Bearer {token}\r\n")
        };
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nhost: localhost\r\n{auth}connection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("header end");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        assert!(
            !head
                .to_ascii_lowercase()
                .contains("transfer-encoding: chunked"),
            "unexpected chunked answer"
        );
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (
            status,
            serde_json::from_slice(&raw[split + 4..]).unwrap_or(Value::Null),
        )
    }

    /// The slugs found for `q` by anyone.
    fn search(&self, q: &str) -> Vec<String> {
        let (status, body) = self.json("GET", &format!("/api/1/search?facets=&q={q}"), "", None);
        assert_eq!(status, 200, "{body}");
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["slug"].as_str().unwrap().to_string())
            .collect()
    }

    /// SIGKILL: nothing runs on the way out.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The four Ministry of Finance datasets with "ngân sách" in their title.
const BUDGETS: [&str; 4] = [
    "mof-annual-state-budget-reports",
    "mof-budgets-ministries-agencies-provinces",
    "mof-citizens-budget",
    "mof-state-budget-estimates",
];

#[test]
fn reindex_builds_the_index_serve_reuses_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(data, &["demo", "load"], None, None);
    assert!(
        !data.join("search").exists(),
        "demo load does not open the search index"
    );

    let built = ok(data, &["reindex"], None, None);
    assert!(
        built.contains("Đã xây dựng lại chỉ mục tìm kiếm: 49 tập dữ liệu"),
        "{built}"
    );
    let built = ok(data, &["reindex"], Some("en"), None);
    assert!(
        built.contains("Search index rebuilt: 49 datasets"),
        "{built}"
    );
    assert!(data.join("search").join("meta.json").exists());
    let reindexed_at = last_seq(data);
    let token = admin_token(data);

    // serve opens the index as reindex left it, and answers from it without rebuilding.
    let server = Server::start(data, dir.path().join("serve-1.log"));
    assert_eq!(server.opened_at(), Some(reindexed_at));
    let found = server.search("ngan+sach");
    let mut top: Vec<String> = found.iter().take(4).cloned().collect();
    top.sort();
    assert_eq!(top, BUDGETS, "{found:?}");

    // One writer per index: reindex refuses while serve holds it, and says why.
    let refused = run(data, &["reindex"], None, None);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("Không mở được chỉ mục tìm kiếm")
            && stderr.contains("open in another process"),
        "{stderr}"
    );

    // A new dataset reaches the index; then the server is killed.
    let (status, created) = server.json(
        "POST",
        "/api/1/datasets",
        &token,
        Some(json!({"slug": "mua-axit", "title": {"vi": "Quan trắc mưa axit"}, "publisher": "monre", "status": "published"})),
    );
    assert_eq!(status, 201, "{created}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.search("mua+axit") != ["mua-axit"] {
        assert!(
            Instant::now() < deadline,
            "the new dataset was never indexed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = server.log();
    assert!(!log.contains("rebuilding the search index"), "{log}");
    let killed_at = last_seq(data);
    server.kill();

    // Restarted, it finds its committed index at the end of the log: nothing to rebuild.
    let server = Server::start(data, dir.path().join("serve-2.log"));
    assert_eq!(server.opened_at(), Some(killed_at));
    assert_eq!(server.search("mua+axit"), ["mua-axit"]);
    assert_eq!(server.search("ngan+sach").len(), found.len());
    std::thread::sleep(Duration::from_millis(300));
    let log = server.log();
    assert!(!log.contains("rebuilding the search index"), "{log}");
}
