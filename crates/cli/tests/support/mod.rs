//! What the tests of the real `dulieu` binary share: running a command on a data folder (or in a
//! working directory), reading the folder's SQLite catalog, and a `dulieu serve` process on a free
//! port that answers HTTP requests.
#![allow(dead_code)] // each test file uses some of them

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_dulieu");

/// How long a server may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `dulieu ARGS --data-dir DIR` in `lang` (`None`: the default language, Vietnamese, whatever
/// this machine's locale), with `stdin` as its standard input.
pub fn run(data_dir: &Path, args: &[&str], lang: Option<&str>, stdin: Option<&str>) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).arg("--data-dir").arg(data_dir);
    finish(command, lang, stdin)
}

/// Runs `dulieu ARGS` (a command without a data folder) in the working directory `cwd`, in
/// `lang` as [`run`] does.
pub fn run_in(cwd: &Path, args: &[&str], lang: Option<&str>) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).current_dir(cwd);
    finish(command, lang, None)
}

/// Runs `command` in `lang` with `stdin` as its standard input, to its end.
fn finish(mut command: Command, lang: Option<&str>, stdin: Option<&str>) -> Output {
    command
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
pub fn ok(data_dir: &Path, args: &[&str], lang: Option<&str>, stdin: Option<&str>) -> String {
    let output = run(data_dir, args, lang, stdin);
    assert!(
        output.status.success(),
        "dulieu {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Creates a sysadmin through the CLI and returns its API token (the last line of
/// `create-token`).
pub fn admin_token(data_dir: &Path) -> String {
    let created = ok(
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
    assert!(created.contains("root@example.vn"), "{created}");
    let out = ok(
        data_dir,
        &["admin", "create-token", "--email", "root@example.vn"],
        None,
        None,
    );
    let token = out.lines().last().unwrap().trim().to_string();
    assert!(
        token.starts_with("dl_") && token.len() > 40,
        "last line is the token: {out:?}"
    );
    token
}

/// Runs `read` on a connection to the SQLite catalog in `data_dir`, then closes it.
pub fn with_catalog<T>(data_dir: &Path, read: impl AsyncFnOnce(&mut dulieu_store::Conn) -> T) -> T {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = format!("sqlite://{}?mode=rwc", data_dir.join("dulieu.db").display());
        let store = dulieu_store::Store::connect(&url, &Default::default())
            .await
            .unwrap();
        let mut conn = store.conn().await.unwrap();
        let value = read(&mut conn).await;
        drop(conn);
        store.close().await;
        value
    })
}

/// A `dulieu serve` process on a free port of 127.0.0.1, killed when dropped.
pub struct Server {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    /// The file its log goes to, when it was started with one.
    log: Option<PathBuf>,
}

impl Server {
    /// Serves `data_dir`, logging warnings to the test's standard error.
    pub fn start(data_dir: &Path) -> Server {
        Self::start_with(data_dir, &[])
    }

    /// Like [`Server::start`], with more arguments for `serve`.
    pub fn start_with(data_dir: &Path, extra: &[&str]) -> Server {
        Self::launch(data_dir, extra, None)
    }

    /// Serves `data_dir`, its log (level info, without colours) written to `log`.
    pub fn start_logged(data_dir: &Path, log: PathBuf) -> Server {
        Self::launch(data_dir, &[], Some(log))
    }

    /// Like [`Server::start_logged`], with more arguments for `serve`.
    pub fn start_logged_with(data_dir: &Path, log: PathBuf, extra: &[&str]) -> Server {
        Self::launch(data_dir, extra, Some(log))
    }

    /// Runs `dulieu serve --listen 127.0.0.1:PORT --data-dir DIR EXTRA…` on a port free now, and
    /// waits until the port accepts connections.
    fn launch(data_dir: &Path, extra: &[&str], log: Option<PathBuf>) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(BIN);
        command
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(data_dir)
            .args(extra)
            .stdout(Stdio::null());
        match &log {
            None => command.env("DULIEU_LOG", "warn"),
            Some(path) => command
                .env("DULIEU_LOG", "info")
                .env("NO_COLOR", "1")
                .stderr(std::fs::File::create(path).unwrap()),
        };
        let child = command.spawn().expect("start server");
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, port, log }
    }

    /// The log so far (of a server started with [`Server::start_logged`]), without colour codes.
    pub fn log(&self) -> String {
        let path = self.log.as_ref().expect("a server started with a log file");
        let raw = std::fs::read_to_string(path).unwrap_or_default();
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

    /// SIGKILL: no shutdown code runs.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Sends `method path` with a JSON `body` (and a bearer `token` unless empty); returns the
    /// status and the body (de-chunked).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let auth = if token.is_empty() {
            String::new()
        } else {
            format!("authorization: Bearer {token}\r\n")
        };
        let head = format!(
            "{method} {path} HTTP/1.1\r\nhost: localhost\r\n{auth}connection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
        read_response(stream)
    }

    /// Like [`Server::request`], the body read as JSON (`null` when it is not).
    pub fn json(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
        let (status, bytes) = self.request(method, path, token, body.as_ref());
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The status and body (de-chunked) of the HTTP answer read from `stream` to its end.
pub fn read_response(mut stream: TcpStream) -> (u16, Vec<u8>) {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 2 + size + 2..];
    }
}
