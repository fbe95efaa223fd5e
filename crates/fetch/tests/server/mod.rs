//! A small real HTTP/1.1 server on 127.0.0.1 for the fetcher's tests: one request per
//! connection, answers chosen by a route function, every request recorded.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    headers: Vec<(String, String)>,
}

impl Request {
    /// A header's value (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// How the server answers.
pub enum Reply {
    /// Status, headers and a body sent with its `Content-Length` (not sent for `HEAD`).
    Sized(u16, Vec<(&'static str, String)>, Vec<u8>),
    /// A body without `Content-Length`, ended by closing the connection.
    Unsized(u16, Vec<u8>),
    /// No answer at all.
    Stall,
}

impl Reply {
    /// A redirect to `location`.
    pub fn redirect(status: u16, location: impl Into<String>) -> Self {
        Reply::Sized(status, vec![("Location", location.into())], Vec::new())
    }
}

type Route = dyn Fn(&Request) -> Reply + Send + Sync;

/// The running server (stops with the test's runtime).
pub struct TestServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl TestServer {
    pub async fn start(route: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let route: Arc<Route> = Arc::new(route);
        let seen = Arc::clone(&requests);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let route = Arc::clone(&route);
                let seen = Arc::clone(&seen);
                tokio::spawn(async move { serve(stream, &*route, &seen).await });
            }
        });
        Self { addr, requests }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(mut stream: TcpStream, route: &Route, seen: &Mutex<Vec<Request>>) {
    let Some(request) = read_head(&mut stream).await else {
        return;
    };
    seen.lock().unwrap().push(request.clone());
    let head_only = request.method == "HEAD";
    let reply = route(&request);
    let (status, headers, body, sized) = match reply {
        Reply::Sized(status, headers, body) => (status, headers, body, true),
        Reply::Unsized(status, body) => (status, Vec::new(), body, false),
        Reply::Stall => {
            tokio::time::sleep(Duration::from_secs(120)).await;
            return;
        }
    };
    let mut head = format!("HTTP/1.1 {status} Test\r\nConnection: close\r\n");
    for (name, value) in &headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if sized
        && !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("Content-Length"))
    {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    // The client may hang up early (a refused size); write errors are expected then.
    let _ = stream.write_all(head.as_bytes()).await;
    if !head_only {
        let _ = stream.write_all(&body).await;
    }
    let _ = stream.shutdown().await;
}

async fn read_head(stream: &mut TcpStream) -> Option<Request> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buffer.len() > 64 * 1024 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buffer);
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers = lines
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect();
    Some(Request {
        method,
        path,
        headers,
    })
}
