//! What can go wrong with an outbound fetch: a kind with a stable code, the URL it happened at
//! and, after redirects, the hop and the URL first asked for.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

/// A failed fetch: what went wrong ([`FetchErrorKind`], [`FetchError::code`]) and where (the URL
/// being requested and, after redirects, the hop and the URL first asked for).
#[derive(Debug)]
pub struct FetchError {
    kind: FetchErrorKind,
    url: String,
    hop: usize,
    origin: Option<String>,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchErrorKind {
    /// The URL cannot be parsed, has no host, or carries credentials.
    InvalidUrl {
        /// Why it is refused.
        reason: String,
    },
    /// A scheme other than `http` or `https`.
    UnsupportedScheme {
        /// The scheme asked for.
        scheme: String,
    },
    /// The host is (or resolves to) an address in a refused range.
    BlockedAddress {
        /// The host as written in the URL.
        host: String,
        /// The refused address.
        address: IpAddr,
        /// The range it falls in, e.g. `loopback (127.0.0.0/8)`.
        reason: &'static str,
    },
    /// A port outside the allowed list.
    BlockedPort {
        /// The port asked for.
        port: u16,
        /// The ports that are allowed.
        allowed: Vec<u16>,
    },
    /// The host name could not be resolved.
    DnsFailed {
        /// The host name.
        host: String,
        /// The resolver's answer.
        message: String,
    },
    /// No connection could be made or it broke before an answer (TLS errors included).
    ConnectFailed {
        /// The cause.
        message: String,
    },
    /// The fetch did not finish in time.
    Timeout {
        /// The limit that was reached.
        limit: Duration,
    },
    /// More redirects than allowed.
    TooManyRedirects {
        /// The limit.
        max: usize,
    },
    /// The body is larger than allowed (declared up front or counted while reading).
    TooLarge {
        /// The limit in bytes.
        max_bytes: u64,
        /// The `Content-Length` the server announced, when it did and it was too large.
        declared: Option<u64>,
    },
    /// The final answer is not a success.
    HttpStatus {
        /// The HTTP status code.
        status: u16,
    },
    /// Reading the body or writing the file failed.
    Io {
        /// What failed and why.
        message: String,
    },
    /// The fetch settings are invalid (found when the [`crate::Fetcher`] is built).
    InvalidConfig {
        /// The setting, e.g. `fetch.allow_networks`.
        setting: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl FetchError {
    /// An error at `url`, the first request (no redirect yet).
    pub fn new(kind: FetchErrorKind, url: impl Into<String>) -> Self {
        Self {
            kind,
            url: url.into(),
            hop: 0,
            origin: None,
        }
    }

    /// Records that the error happened at redirect `hop` (1 = the first redirect target) of a
    /// fetch that started at `origin`.
    pub fn at_hop(mut self, hop: usize, origin: &str) -> Self {
        if hop > 0 {
            self.hop = hop;
            self.origin = Some(origin.to_string());
        }
        self
    }

    pub(crate) fn invalid_config(setting: &'static str, message: impl Into<String>) -> Self {
        Self::new(
            FetchErrorKind::InvalidConfig {
                setting,
                message: message.into(),
            },
            "",
        )
    }

    /// What went wrong.
    pub fn kind(&self) -> &FetchErrorKind {
        &self.kind
    }

    /// The URL being requested when it went wrong (a redirect target after redirects).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// 0 for the first request, N for the Nth redirect target.
    pub fn hop(&self) -> usize {
        self.hop
    }

    /// The HTTP status of an `http_status` error.
    pub fn status(&self) -> Option<u16> {
        match self.kind {
            FetchErrorKind::HttpStatus { status } => Some(status),
            _ => None,
        }
    }

    /// Stable machine code, e.g. `blocked_address`.
    pub fn code(&self) -> &'static str {
        match self.kind {
            FetchErrorKind::InvalidUrl { .. } => "invalid_url",
            FetchErrorKind::UnsupportedScheme { .. } => "unsupported_scheme",
            FetchErrorKind::BlockedAddress { .. } => "blocked_address",
            FetchErrorKind::BlockedPort { .. } => "blocked_port",
            FetchErrorKind::DnsFailed { .. } => "dns_failed",
            FetchErrorKind::ConnectFailed { .. } => "connect_failed",
            FetchErrorKind::Timeout { .. } => "timeout",
            FetchErrorKind::TooManyRedirects { .. } => "too_many_redirects",
            FetchErrorKind::TooLarge { .. } => "too_large",
            FetchErrorKind::HttpStatus { .. } => "http_status",
            FetchErrorKind::Io { .. } => "io",
            FetchErrorKind::InvalidConfig { .. } => "invalid_config",
        }
    }

    /// Whether retrying the same fetch later cannot help (the URL, the guard, the limits or the
    /// server's definite answer refuse it). DNS, connection, timeout, I/O errors and the HTTP
    /// statuses 408, 425, 429 and 5xx are worth a retry.
    pub fn is_permanent(&self) -> bool {
        match self.kind {
            FetchErrorKind::DnsFailed { .. }
            | FetchErrorKind::ConnectFailed { .. }
            | FetchErrorKind::Timeout { .. }
            | FetchErrorKind::Io { .. } => false,
            FetchErrorKind::HttpStatus { status } => {
                !(matches!(status, 408 | 425 | 429) || status >= 500)
            }
            _ => true,
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FetchErrorKind::InvalidUrl { reason } => write!(f, "invalid URL: {reason}")?,
            FetchErrorKind::UnsupportedScheme { scheme } => write!(
                f,
                "unsupported scheme {scheme}: only http and https are fetched"
            )?,
            FetchErrorKind::BlockedAddress {
                host,
                address,
                reason,
            } => {
                if host == &address.to_string() {
                    write!(f, "blocked address {address}: {reason}")?;
                } else {
                    write!(f, "blocked address: {host} is {address}, {reason}")?;
                }
                write!(f, " (allow it with fetch.allow_networks)")?;
            }
            FetchErrorKind::BlockedPort { port, allowed } => {
                let allowed: Vec<String> = allowed.iter().map(u16::to_string).collect();
                write!(
                    f,
                    "blocked port {port}: allowed ports are {}",
                    allowed.join(", ")
                )?;
            }
            FetchErrorKind::DnsFailed { host, message } => {
                write!(f, "cannot resolve {host}: {message}")?
            }
            FetchErrorKind::ConnectFailed { message } => write!(f, "connection failed: {message}")?,
            FetchErrorKind::Timeout { limit } => {
                write!(f, "timed out after {} s", limit.as_secs_f64())?
            }
            FetchErrorKind::TooManyRedirects { max } => write!(f, "more than {max} redirects")?,
            FetchErrorKind::TooLarge {
                max_bytes,
                declared: Some(declared),
            } => write!(
                f,
                "too large: {declared} bytes announced, at most {max_bytes} allowed"
            )?,
            FetchErrorKind::TooLarge {
                max_bytes,
                declared: None,
            } => write!(f, "too large: more than {max_bytes} bytes")?,
            FetchErrorKind::HttpStatus { status } => write!(f, "HTTP status {status}")?,
            FetchErrorKind::Io { message } => write!(f, "{message}")?,
            FetchErrorKind::InvalidConfig { setting, message } => {
                return write!(f, "invalid {setting}: {message}");
            }
        }
        write!(f, " — at {}", self.url)?;
        if let Some(origin) = &self.origin {
            write!(f, " (redirect {} from {origin})", self.hop)?;
        }
        Ok(())
    }
}

impl std::error::Error for FetchError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_and_where() {
        let err = FetchError::new(
            FetchErrorKind::BlockedAddress {
                host: "10.0.0.1".into(),
                address: "10.0.0.1".parse().unwrap(),
                reason: "private network (10.0.0.0/8)",
            },
            "http://10.0.0.1/",
        )
        .at_hop(2, "http://example.org/a");
        assert_eq!(err.code(), "blocked_address");
        assert_eq!(err.hop(), 2);
        assert_eq!(
            err.to_string(),
            "blocked address 10.0.0.1: private network (10.0.0.0/8) (allow it with \
             fetch.allow_networks) — at http://10.0.0.1/ (redirect 2 from http://example.org/a)"
        );
        let err = FetchError::new(
            FetchErrorKind::TooLarge {
                max_bytes: 10,
                declared: Some(20),
            },
            "http://example.org/f.csv",
        );
        assert_eq!(
            err.to_string(),
            "too large: 20 bytes announced, at most 10 allowed — at http://example.org/f.csv"
        );
    }

    #[test]
    fn permanence_follows_the_kind_and_status() {
        let status = |status| FetchError::new(FetchErrorKind::HttpStatus { status }, "u");
        assert!(status(404).is_permanent());
        assert!(status(410).is_permanent());
        assert!(!status(429).is_permanent());
        assert!(!status(503).is_permanent());
        assert_eq!(status(503).status(), Some(503));
        let timeout = FetchError::new(
            FetchErrorKind::Timeout {
                limit: Duration::from_secs(1),
            },
            "u",
        );
        assert!(!timeout.is_permanent());
        let port = FetchError::new(
            FetchErrorKind::BlockedPort {
                port: 22,
                allowed: vec![80, 443],
            },
            "http://example.org:22/",
        );
        assert!(port.is_permanent());
        assert_eq!(port.status(), None);
        assert!(
            port.to_string()
                .starts_with("blocked port 22: allowed ports are 80, 443")
        );
    }
}
