//! The guarded client: requests with manually followed, re-checked redirects, downloads streamed
//! to a file under a size limit, and link checks.

use std::error::Error as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{
    ACCEPT, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE,
    IF_NONE_MATCH, LAST_MODIFIED, LOCATION, RANGE,
};
use reqwest::{Method, Response, StatusCode};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use url::Url;

use crate::config::FetchConfig;
use crate::error::{FetchError, FetchErrorKind};
use crate::guard::{Guard, GuardedResolver, ResolveRefusal, parse_network};

/// The one outbound HTTP client of dulieu, guarded against SSRF: only `http`/`https` URLs on
/// allowed ports, every address (IP literal or resolved) checked against the refused ranges,
/// every redirect hop checked again, bounded time and body size. Cheap to clone (shares its
/// connection pool).
#[derive(Clone, Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    guard: Arc<Guard>,
    config: Arc<FetchConfig>,
}

/// A body fetched into a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL that answered (after redirects).
    pub final_url: String,
    /// Its HTTP status (2xx).
    pub status: u16,
    /// Its `Content-Type`.
    pub content_type: Option<String>,
    /// Its `Content-Length`, when announced.
    pub content_length: Option<u64>,
    /// Bytes written to the file.
    pub bytes_written: u64,
    /// SHA-256 of the bytes written, lower-case hex.
    pub sha256: String,
    /// Every URL that answered with a redirect, in order (the requested URL first).
    pub redirects: Vec<String>,
    /// Whether a redirect went from `https` to `http`.
    pub downgraded: bool,
    /// Time from the first request to the file in place.
    pub elapsed: Duration,
    /// Its `ETag`, for asking next time whether it changed.
    pub etag: Option<String>,
    /// Its `Last-Modified`, for asking next time whether it changed.
    pub last_modified: Option<String>,
}

/// What an earlier fetch of a URL said about its version (`ETag`, `Last-Modified`): sent as
/// `If-None-Match` / `If-Modified-Since` so an unchanged body is not sent again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` last seen.
    pub etag: Option<String>,
    /// The `Last-Modified` last seen.
    pub last_modified: Option<String>,
}

/// The outcome of a conditional fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conditional {
    /// The server answered `304 Not Modified`: no file was written.
    NotModified {
        /// The URL that answered (after redirects).
        final_url: String,
        /// Its `ETag` (the server may send a new one).
        etag: Option<String>,
        /// Its `Last-Modified`.
        last_modified: Option<String>,
        /// Time taken.
        elapsed: Duration,
    },
    /// A body came and is in the file.
    Fetched(Fetched),
}

/// The answer to a link check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCheck {
    /// The URL that answered (after redirects).
    pub final_url: String,
    /// Its HTTP status, whatever it is (a 404 is an answer, not an error).
    pub status: u16,
    /// `HEAD`, or `GET` when the server refused `HEAD` and a one-byte ranged `GET` was sent.
    pub method: &'static str,
    /// Its `Content-Type`.
    pub content_type: Option<String>,
    /// The size of the resource: `Content-Length`, or the total of a `206`'s `Content-Range`.
    pub content_length: Option<u64>,
    /// Every URL that answered with a redirect, in order (the requested URL first).
    pub redirects: Vec<String>,
    /// Whether a redirect went from `https` to `http`.
    pub downgraded: bool,
    /// Time taken.
    pub elapsed: Duration,
}

impl LinkCheck {
    /// Whether the link works (a 2xx answer).
    pub fn is_ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The redirects met on the way to an answer.
struct Trail {
    origin: String,
    redirects: Vec<String>,
    downgraded: bool,
}

impl Trail {
    fn new(origin: &Url) -> Self {
        Self {
            origin: origin.to_string(),
            redirects: Vec::new(),
            downgraded: false,
        }
    }

    /// An error at `url`, the current hop of this trail.
    fn error(&self, kind: FetchErrorKind, url: &Url) -> FetchError {
        FetchError::new(kind, url.as_str()).at_hop(self.redirects.len(), &self.origin)
    }
}

impl Fetcher {
    /// Builds the client; refuses invalid settings (an `allow_networks` entry that is not a
    /// network, no allowed port, zero timeouts or size, a user agent that is not a header value).
    pub fn new(config: FetchConfig) -> Result<Self, FetchError> {
        let allow_networks = config
            .allow_networks
            .iter()
            .map(|text| parse_network(text))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|message| FetchError::invalid_config("fetch.allow_networks", message))?;
        if config.allowed_ports.is_empty() {
            return Err(FetchError::invalid_config(
                "fetch.allowed_ports",
                "must list at least one port",
            ));
        }
        for (setting, value) in [
            (
                "fetch.connect_timeout_seconds",
                config.connect_timeout_seconds,
            ),
            ("fetch.timeout_seconds", config.timeout_seconds),
            ("fetch.check_timeout_seconds", config.check_timeout_seconds),
            ("fetch.max_bytes", config.max_bytes),
        ] {
            if value == 0 {
                return Err(FetchError::invalid_config(setting, "must be at least 1"));
            }
        }
        let user_agent = reqwest::header::HeaderValue::from_str(&config.user_agent)
            .map_err(|e| FetchError::invalid_config("fetch.user_agent", e.to_string()))?;
        let guard = Arc::new(Guard::new(allow_networks, config.allowed_ports.clone()));
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .connect_timeout(config.connect_timeout())
            .dns_resolver(Arc::new(GuardedResolver::new(Arc::clone(&guard))))
            .user_agent(user_agent)
            .build()
            .map_err(|e| FetchError::invalid_config("fetch", error_chain(&e)))?;
        Ok(Self {
            client,
            guard,
            config: Arc::new(config),
        })
    }

    /// The settings in effect.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Checks what can be known without a request (scheme, credentials, port, IP-literal hosts)
    /// and returns the parsed URL: for refusing a link when it is entered.
    pub fn validate_url(&self, url: &str) -> Result<Url, FetchError> {
        self.guard.parse_and_vet(url)
    }

    /// Fetches `url` (`GET`, redirects followed) into the file `dest`. The body is streamed into
    /// a temporary file in `dest`'s folder while it is hashed and counted, and renamed to `dest`
    /// only when complete: a failure (refused hop, non-2xx status, too large, timeout) leaves no
    /// file behind.
    pub async fn fetch_to_file(&self, url: &str, dest: &Path) -> Result<Fetched, FetchError> {
        match self
            .fetch_if_changed(url, dest, &Validators::default())
            .await?
        {
            Conditional::Fetched(fetched) => Ok(fetched),
            // Without validators a server has nothing to answer 304 to; a 304 anyway is a status
            // that brought no body.
            Conditional::NotModified { final_url, .. } => Err(FetchError::new(
                FetchErrorKind::HttpStatus { status: 304 },
                &final_url,
            )),
        }
    }

    /// Like [`Self::fetch_to_file`], but asks the server whether the body changed since the
    /// version `known` describes (`If-None-Match`, `If-Modified-Since`); a `304` answer writes
    /// no file.
    pub async fn fetch_if_changed(
        &self,
        url: &str,
        dest: &Path,
        known: &Validators,
    ) -> Result<Conditional, FetchError> {
        let mut conditions = HeaderMap::new();
        for (name, value) in [
            (IF_NONE_MATCH, &known.etag),
            (IF_MODIFIED_SINCE, &known.last_modified),
        ] {
            if let Some(value) = value.as_deref().and_then(|v| v.parse().ok()) {
                conditions.insert(name, value);
            }
        }
        self.fetch_with(url, dest, conditions, self.config.max_bytes)
            .await
    }

    /// Like [`Self::fetch_to_file`], asking for the media types `accept` (an `Accept` header
    /// value, e.g. `text/turtle, application/ld+json;q=0.9`): content negotiation with catalogs.
    /// The body may be at most `max_bytes` (and never more than `fetch.max_bytes`): catalogs are
    /// read into memory.
    pub async fn fetch_accepting(
        &self,
        url: &str,
        dest: &Path,
        accept: &str,
        max_bytes: u64,
    ) -> Result<Fetched, FetchError> {
        let mut headers = HeaderMap::new();
        if let Ok(value) = accept.parse() {
            headers.insert(ACCEPT, value);
        }
        let max_bytes = max_bytes.min(self.config.max_bytes);
        match self.fetch_with(url, dest, headers, max_bytes).await? {
            Conditional::Fetched(fetched) => Ok(fetched),
            Conditional::NotModified { final_url, .. } => Err(FetchError::new(
                FetchErrorKind::HttpStatus { status: 304 },
                &final_url,
            )),
        }
    }

    async fn fetch_with(
        &self,
        url: &str,
        dest: &Path,
        headers: HeaderMap,
        max_bytes: u64,
    ) -> Result<Conditional, FetchError> {
        let started = Instant::now();
        let start = self.guard.parse_and_vet(url)?;
        let limit = self.config.timeout();
        let download = self.download(start, dest, headers, started, max_bytes);
        tokio::time::timeout(limit, download)
            .await
            .unwrap_or_else(|_| Err(FetchError::new(FetchErrorKind::Timeout { limit }, url)))
    }

    /// Checks a link: `HEAD`, and when the server refuses `HEAD` (405, 501 or another 4xx than
    /// 404, 410 and 429) a `GET` of the first byte (`Range: bytes=0-0`), whose body is not read.
    /// Any final status is an answer; errors are refusals and failures to get one.
    pub async fn check(&self, url: &str) -> Result<LinkCheck, FetchError> {
        let started = Instant::now();
        let start = self.guard.parse_and_vet(url)?;
        let limit = self.config.check_timeout();
        tokio::time::timeout(limit, self.probe(start, started))
            .await
            .unwrap_or_else(|_| Err(FetchError::new(FetchErrorKind::Timeout { limit }, url)))
    }

    async fn download(
        &self,
        start: Url,
        dest: &Path,
        headers: HeaderMap,
        started: Instant,
        max_bytes: u64,
    ) -> Result<Conditional, FetchError> {
        let mut trail = Trail::new(&start);
        let (url, mut response) = self.follow(Method::GET, headers, start, &mut trail).await?;
        let status = response.status();
        let etag = header_text(response.headers(), ETAG.as_str());
        let last_modified = header_text(response.headers(), LAST_MODIFIED.as_str());
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Conditional::NotModified {
                final_url: url.to_string(),
                etag,
                last_modified,
                elapsed: started.elapsed(),
            });
        }
        if !status.is_success() {
            return Err(trail.error(
                FetchErrorKind::HttpStatus {
                    status: status.as_u16(),
                },
                &url,
            ));
        }
        let content_length = header_number(response.headers(), CONTENT_LENGTH.as_str());
        if let Some(declared) = content_length.filter(|&n| n > max_bytes) {
            return Err(trail.error(
                FetchErrorKind::TooLarge {
                    max_bytes,
                    declared: Some(declared),
                },
                &url,
            ));
        }
        let (bytes_written, sha256) = write_body(&mut response, dest, max_bytes)
            .await
            .map_err(|kind| trail.error(kind, &url))?;
        Ok(Conditional::Fetched(Fetched {
            final_url: url.to_string(),
            status: status.as_u16(),
            content_type: header_text(response.headers(), CONTENT_TYPE.as_str()),
            content_length,
            bytes_written,
            sha256,
            redirects: trail.redirects,
            downgraded: trail.downgraded,
            elapsed: started.elapsed(),
            etag,
            last_modified,
        }))
    }

    async fn probe(&self, start: Url, started: Instant) -> Result<LinkCheck, FetchError> {
        let mut trail = Trail::new(&start);
        let (url, response) = self
            .follow(Method::HEAD, HeaderMap::new(), start, &mut trail)
            .await?;
        let (method, url, response) = if head_refused(response.status()) {
            drop(response);
            let mut first_byte = HeaderMap::new();
            first_byte.insert(
                RANGE,
                reqwest::header::HeaderValue::from_static("bytes=0-0"),
            );
            let (url, response) = self
                .follow(Method::GET, first_byte, url, &mut trail)
                .await?;
            ("GET", url, response)
        } else {
            ("HEAD", url, response)
        };
        let headers = response.headers();
        let content_length = if response.status() == StatusCode::PARTIAL_CONTENT {
            header_text(headers, CONTENT_RANGE.as_str()).and_then(|range| range_total(&range))
        } else {
            header_number(headers, CONTENT_LENGTH.as_str())
        };
        Ok(LinkCheck {
            final_url: url.to_string(),
            status: response.status().as_u16(),
            method,
            content_type: header_text(headers, CONTENT_TYPE.as_str()),
            content_length,
            redirects: trail.redirects,
            downgraded: trail.downgraded,
            elapsed: started.elapsed(),
        })
    }

    /// Sends `method` to `url` with `headers` (a range, conditions), following redirects: each
    /// target is resolved against the URL that sent it and vetted like the first one.
    async fn follow(
        &self,
        method: Method,
        headers: HeaderMap,
        mut url: Url,
        trail: &mut Trail,
    ) -> Result<(Url, Response), FetchError> {
        loop {
            self.guard
                .vet_url(&url)
                .map_err(|kind| trail.error(kind, &url))?;
            let request = self
                .client
                .request(method.clone(), url.clone())
                .headers(headers.clone());
            let response = request.send().await.map_err(|e| {
                trail.error(request_error_kind(&e, self.config.connect_timeout()), &url)
            })?;
            let Some(location) = redirect_location(&response) else {
                return Ok((url, response));
            };
            if trail.redirects.len() >= self.config.max_redirects {
                return Err(trail.error(
                    FetchErrorKind::TooManyRedirects {
                        max: self.config.max_redirects,
                    },
                    &url,
                ));
            }
            let next = location
                .and_then(|location| {
                    url.join(&location)
                        .map_err(|e| format!("redirect to {location:?}: {e}"))
                })
                .map_err(|reason| trail.error(FetchErrorKind::InvalidUrl { reason }, &url))?;
            if url.scheme() == "https" && next.scheme() == "http" {
                trail.downgraded = true;
            }
            trail.redirects.push(url.to_string());
            url = next;
        }
    }
}

/// Streams `response`'s body into a temporary file in `dest`'s folder, hashing and counting it,
/// and renames it to `dest` when complete (fsynced); on any error the temporary file is removed.
/// Returns the bytes written and their SHA-256 in hex.
async fn write_body(
    response: &mut Response,
    dest: &Path,
    max_bytes: u64,
) -> Result<(u64, String), FetchErrorKind> {
    let io_error = |what: String, e: std::io::Error| FetchErrorKind::Io {
        message: format!("{what}: {e}"),
    };
    let folder = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temp = tempfile::Builder::new()
        .prefix(".dulieu-fetch-")
        .suffix(".partial")
        .tempfile_in(folder)
        .map_err(|e| io_error(format!("cannot create a file in {}", folder.display()), e))?;
    let write_error = |e| io_error(format!("cannot write {}", temp.path().display()), e);
    let handle = temp.as_file().try_clone().map_err(write_error)?;
    let mut file =
        tokio::io::BufWriter::with_capacity(256 * 1024, tokio::fs::File::from_std(handle));
    let mut hasher = Sha256::new();
    let mut written: u64 = 0;
    while let Some(chunk) = response.chunk().await.map_err(|e| FetchErrorKind::Io {
        message: format!("reading the body failed: {}", error_chain(&e)),
    })? {
        written += chunk.len() as u64;
        if written > max_bytes {
            return Err(FetchErrorKind::TooLarge {
                max_bytes,
                declared: None,
            });
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(write_error)?;
    }
    file.flush().await.map_err(write_error)?;
    file.get_ref().sync_all().await.map_err(write_error)?;
    drop(file);
    temp.persist(dest).map_err(|e| {
        io_error(
            format!("cannot move the file to {}", dest.display()),
            e.error,
        )
    })?;
    Ok((written, hex::encode(hasher.finalize())))
}

/// Whether a `HEAD` answer means the server does not support `HEAD` for this resource.
fn head_refused(status: StatusCode) -> bool {
    let code = status.as_u16();
    code == 501 || (status.is_client_error() && !matches!(code, 404 | 410 | 429))
}

/// The `Location` of a redirect answer: `None` when the answer is not a redirect to follow,
/// `Some(Err)` when its `Location` is missing or not text.
fn redirect_location(response: &Response) -> Option<Result<String, String>> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    Some(match response.headers().get(LOCATION) {
        None => Err(format!(
            "redirect {} without Location",
            response.status().as_u16()
        )),
        Some(value) => value
            .to_str()
            .map(str::to_string)
            .map_err(|_| "redirect Location is not text".to_string()),
    })
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

fn header_number(headers: &HeaderMap, name: &str) -> Option<u64> {
    header_text(headers, name).and_then(|text| text.trim().parse().ok())
}

/// The total size in `Content-Range: bytes 0-0/12345` (`None` for `*`).
fn range_total(content_range: &str) -> Option<u64> {
    content_range.rsplit_once('/')?.1.trim().parse().ok()
}

/// The error of a request that got no answer: a resolver refusal carried through the client's
/// error chain, a connection timeout or another connection failure.
fn request_error_kind(err: &reqwest::Error, connect_timeout: Duration) -> FetchErrorKind {
    let mut source = err.source();
    while let Some(cause) = source {
        if let Some(refusal) = cause.downcast_ref::<ResolveRefusal>() {
            return refusal.clone().into_kind();
        }
        source = cause.source();
    }
    if err.is_timeout() {
        FetchErrorKind::Timeout {
            limit: connect_timeout,
        }
    } else {
        FetchErrorKind::ConnectFailed {
            message: error_chain(err),
        }
    }
}

/// The causes of an error joined with `: ` (the client's own message repeats the URL).
fn error_chain(err: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source = err.source();
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    if parts.is_empty() {
        err.to_string()
    } else {
        parts.join(": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_is_retried_as_get_only_when_refused() {
        for code in [405, 501, 400, 403] {
            assert!(head_refused(StatusCode::from_u16(code).unwrap()), "{code}");
        }
        for code in [200, 204, 301, 404, 410, 429, 500, 503] {
            assert!(!head_refused(StatusCode::from_u16(code).unwrap()), "{code}");
        }
    }

    #[test]
    fn content_range_totals() {
        assert_eq!(range_total("bytes 0-0/12345"), Some(12345));
        assert_eq!(range_total("bytes 0-0/*"), None);
        assert_eq!(range_total("nonsense"), None);
    }
}
