//! SQL sources: one read-only `SELECT` against an agency's database, published as a CSV file.
//!
//! # Supported
//! - PostgreSQL (`postgres://`, `postgresql://`), MySQL and MariaDB (`mysql://`, `mariadb://`),
//!   SQLite files (`sqlite://<path>`, `sqlite:<path>`; a relative path is taken inside the
//!   administrator's SQLite folder). No options after `?` are accepted in a URL. Connections are
//!   made without TLS (keep agency databases on networks the administrator trusts).
//! - Column types, written as text:
//!   - PostgreSQL: `bool`, `int2/4/8`, `oid`, `float4/8`, `numeric` (exact, with its scale),
//!     `text`, `varchar`, `bpchar`, `name`, `"char"`, `citext`, enums, domains of these, `date`,
//!     `time`, `timetz`, `timestamp`, `timestamptz` (UTC, `Z`), `uuid`, `json`, `jsonb`;
//!   - MySQL/MariaDB: integers (`TINYINT(1)` as 0/1), `FLOAT`, `DOUBLE`, `DECIMAL`, `YEAR`,
//!     `DATE`, `DATETIME`, `TIMESTAMP` (UTC, `Z`), `TIME`, text types, `ENUM`, `JSON`;
//!   - SQLite: per value: `INTEGER`, `REAL`, `TEXT`, `NULL`.
//!
//!   Dates and times are ISO 8601 / RFC 3339 (`2024-05-01`, `2024-05-01T08:30:00.5Z`); floats are
//!   the shortest text that reads back to the same value (`NaN`, `Infinity`, `-Infinity`); JSON is
//!   compacted (no whitespace outside strings, key order kept). Binary data (`bytea`, `BLOB`,
//!   `BINARY`, `BIT`) and any other type are refused with `unsupported_column_type`: convert the
//!   column in the query (`col::text`, `encode(col, 'hex')`, `CAST(col AS CHAR)`, `hex(col)`).
//! - CSV: UTF-8, a header row of the column names, RFC 4180 quoting, `\n` line ends. `NULL` is an
//!   empty field; an empty string is written `""` so the two stay apart.
//!
//! # Read-only guarantees
//! Enforced by the database engine, never by reading the SQL text:
//! - exactly one statement: the query is prepared on its own (PostgreSQL's and MySQL's prepared
//!   statements hold one statement; for SQLite the text left after the first statement must be
//!   empty or comments) and it must return columns;
//! - PostgreSQL: session `default_transaction_read_only=on`, `BEGIN READ ONLY`,
//!   `SET LOCAL statement_timeout`, always rolled back;
//! - MySQL/MariaDB: `SET SESSION TRANSACTION READ ONLY`, `START TRANSACTION READ ONLY`,
//!   `max_execution_time` (MySQL) or `max_statement_time` (MariaDB), always rolled back;
//! - SQLite: the file opened read-only (no symlink as the last path part), `query_only`, no
//!   `ATTACH`, the statement must be read-only for SQLite, a progress-handler time limit;
//! - the whole run is also bounded by a timer on the portal's side, rows are streamed and counted
//!   against `max_rows`/`max_bytes`, and the file only appears, complete, when all went well.
//! - the host is resolved once, every address must lie in `allow_networks`, and the connection
//!   is made to that vetted address (a later DNS answer cannot redirect it).
//!
//! These are defences in depth: a database can still have functions with side effects (or, in
//! MySQL, `SELECT … INTO OUTFILE`). Agencies should always give the portal a database user that
//! may only read what is to be published.

mod csv;
mod mysql;
mod postgres;
mod sqlite;

use std::fmt;
use std::net::IpAddr;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use ipnet::IpNet;
use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};

/// The longest query text accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 100_000;

/// Which database engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Driver {
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
    /// A SQLite file on the portal's server.
    Sqlite,
}

impl Driver {
    /// `"postgres"`, `"mysql"` or `"sqlite"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Driver::Postgres => "postgres",
            Driver::Mysql => "mysql",
            Driver::Sqlite => "sqlite",
        }
    }
}

impl fmt::Display for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed, not-yet-vetted connection URL.
#[derive(Clone, PartialEq, Eq)]
pub struct SqlTarget {
    driver: Driver,
    /// The scheme as written (lower case), e.g. `postgresql`.
    scheme: String,
    endpoint: Endpoint,
}

#[derive(Clone, PartialEq, Eq)]
enum Endpoint {
    Server(Server),
    File { path: PathBuf },
}

#[derive(Clone, PartialEq, Eq)]
struct Server {
    host: Host,
    /// The port written in the URL, if any.
    port: Option<u16>,
    user: String,
    /// The user name as written in the URL (percent-encoded), for display.
    user_display: String,
    password: Option<String>,
    database: Option<String>,
    /// The database name as written in the URL (percent-encoded), for display.
    database_display: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Host {
    Ip(IpAddr),
    Name(String),
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
            Host::Ip(IpAddr::V4(ip)) => write!(f, "{ip}"),
            Host::Name(name) => f.write_str(name),
        }
    }
}

impl Server {
    fn port_or_default(&self, driver: Driver) -> u16 {
        self.port.unwrap_or(match driver {
            Driver::Mysql => 3306,
            _ => 5432,
        })
    }
}

impl SqlTarget {
    /// Parses `postgres://`, `postgresql://`, `mysql://`, `mariadb://`, `sqlite://<path>` or
    /// `sqlite:<path>` URLs.
    pub fn parse(url: &str) -> Result<SqlTarget, SqlError> {
        let url = url.trim();
        let Some((scheme, rest)) = url.split_once(':') else {
            return Err(SqlError::invalid_url(
                "expected a URL such as postgres://user:password@host:5432/database",
            ));
        };
        let scheme = scheme.to_ascii_lowercase();
        if scheme.is_empty()
            || !scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return Err(SqlError::invalid_url(
                "expected a URL such as postgres://user:password@host:5432/database",
            ));
        }
        let driver = match scheme.as_str() {
            "postgres" | "postgresql" => Driver::Postgres,
            "mysql" | "mariadb" => Driver::Mysql,
            "sqlite" => Driver::Sqlite,
            other => {
                return Err(SqlError::new(
                    "unsupported_driver",
                    format!(
                        "database type {other:?} is not supported: use postgres://, mysql://, \
                         mariadb:// or sqlite://"
                    ),
                ));
            }
        };
        let endpoint = if driver == Driver::Sqlite {
            parse_sqlite_path(rest)?
        } else {
            parse_server(url)?
        };
        Ok(SqlTarget {
            driver,
            scheme,
            endpoint,
        })
    }

    /// The database engine.
    pub fn driver(&self) -> Driver {
        self.driver
    }

    /// The URL with the password replaced by `•••`.
    pub fn redacted(&self) -> String {
        match &self.endpoint {
            Endpoint::File { path } => format!("sqlite://{}", path.display()),
            Endpoint::Server(server) => {
                let mut out = format!("{}://{}", self.scheme, server.user_display);
                if server.password.is_some() {
                    out.push_str(":•••");
                }
                out.push('@');
                out.push_str(&server.host.to_string());
                if let Some(port) = server.port {
                    out.push_str(&format!(":{port}"));
                }
                out.push('/');
                out.push_str(&server.database_display);
                out
            }
        }
    }
}

impl fmt::Debug for SqlTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SqlTarget").field(&self.redacted()).finish()
    }
}

fn parse_sqlite_path(rest: &str) -> Result<Endpoint, SqlError> {
    let raw = rest.strip_prefix("//").unwrap_or(rest);
    if raw.contains('?') || raw.contains('#') {
        return Err(SqlError::invalid_url(
            "options after \"?\" are not supported in a SQLite URL (the file is always opened \
             read-only)",
        ));
    }
    let path = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| SqlError::invalid_url("the SQLite path is not valid UTF-8"))?;
    if path.is_empty() || path.starts_with(':') || path.contains('\0') {
        return Err(SqlError::invalid_url(
            "a SQLite URL needs a file path, e.g. sqlite://agency.db",
        ));
    }
    Ok(Endpoint::File {
        path: PathBuf::from(path.into_owned()),
    })
}

fn parse_server(text: &str) -> Result<Endpoint, SqlError> {
    let url = url::Url::parse(text).map_err(|e| {
        SqlError::invalid_url(format!(
            "not a valid URL ({e}); expected e.g. postgres://user:password@host:5432/database"
        ))
    })?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(SqlError::invalid_url(
            "options after \"?\" or \"#\" are not supported in the connection URL",
        ));
    }
    let host = match url.host() {
        None => {
            return Err(SqlError::invalid_url(
                "the URL names no host (local sockets are not supported)",
            ));
        }
        Some(url::Host::Ipv4(ip)) => Host::Ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Host::Ip(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            if let Ok(ip) = name.parse::<IpAddr>() {
                Host::Ip(ip)
            } else if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            {
                Host::Name(name.to_ascii_lowercase())
            } else {
                return Err(SqlError::invalid_url(format!(
                    "{name:?} is not a host name or IP address"
                )));
            }
        }
    };
    let user_display = url.username().to_string();
    let user = decode_part(&user_display, "user name")?;
    if user.is_empty() {
        return Err(SqlError::invalid_url(
            "the URL names no database user (e.g. postgres://reader:password@host/database)",
        ));
    }
    let password = url
        .password()
        .map(|p| decode_part(p, "password"))
        .transpose()?;
    let database_display = url.path().strip_prefix('/').unwrap_or("").to_string();
    if database_display.contains('/') {
        return Err(SqlError::invalid_url(
            "the path after the host must be just the database name",
        ));
    }
    let database = decode_part(&database_display, "database name")?;
    Ok(Endpoint::Server(Server {
        host,
        port: url.port(),
        user,
        user_display,
        password,
        database: (!database.is_empty()).then_some(database),
        database_display,
    }))
}

fn decode_part(text: &str, what: &str) -> Result<String, SqlError> {
    percent_decode_str(text)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| SqlError::invalid_url(format!("the {what} in the URL is not valid UTF-8")))
}

/// Where SQL sources may connect, set by the system administrator.
#[derive(Debug, Clone)]
pub struct SqlPolicy {
    /// Networks (CIDR or single address) database hosts may resolve into. Empty: PostgreSQL and
    /// MySQL sources refused.
    pub allow_networks: Vec<String>,
    /// Folder SQLite source files must be inside. `None`: SQLite sources refused.
    pub sqlite_dir: Option<PathBuf>,
    /// The query's time limit.
    pub statement_timeout: Duration,
    /// The time limit for resolving the host and connecting.
    pub connect_timeout: Duration,
    /// More rows: error, nothing written.
    pub max_rows: u64,
    /// A bigger CSV: error, nothing written.
    pub max_bytes: u64,
}

impl Default for SqlPolicy {
    /// Nothing allowed; 60 s per query, 10 s to connect, 1 000 000 rows, 1 GiB.
    fn default() -> Self {
        SqlPolicy {
            allow_networks: Vec::new(),
            sqlite_dir: None,
            statement_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_rows: 1_000_000,
            max_bytes: 1 << 30,
        }
    }
}

/// A SQL source's failure: a stable snake_case [`code`](Self::code) and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SqlError {
    code: &'static str,
    message: String,
}

impl SqlError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        SqlError {
            code,
            message: message.into(),
        }
    }

    fn invalid_url(message: impl Into<String>) -> Self {
        SqlError::new(
            "invalid_connection_url",
            format!("invalid connection URL: {}", message.into()),
        )
    }

    fn io(what: &str, error: std::io::Error) -> Self {
        SqlError::new("io", format!("{what}: {error}"))
    }

    fn timeout(limit: Duration) -> Self {
        SqlError::new(
            "timeout",
            format!(
                "the query did not finish within the time limit of {} (set by the administrator)",
                human_duration(limit)
            ),
        )
    }

    /// The stable error code, e.g. `host_not_allowed`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message, also given by `Display`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

fn human_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// A finished extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// Data rows written (the header not counted).
    pub rows: u64,
    /// Size of the CSV file.
    pub bytes: u64,
    /// SHA-256 of the CSV file, lowercase hex.
    pub sha256: String,
    /// The column names, as in the header row.
    pub columns: Vec<String>,
    /// Time from start to the file being in place.
    pub elapsed: Duration,
}

/// Checks the query text before it is saved: not empty, at most 100 kB.
pub fn check_query(query: &str) -> Result<(), SqlError> {
    if query.trim().is_empty() {
        return Err(SqlError::new("query_empty", "the query is empty"));
    }
    if query.len() > MAX_QUERY_BYTES {
        return Err(SqlError::new(
            "query_too_long",
            format!(
                "the query is {} bytes long; at most {MAX_QUERY_BYTES} bytes are accepted",
                query.len()
            ),
        ));
    }
    Ok(())
}

/// A target that passed the policy.
enum Vetted {
    /// Addresses the host resolved to, all allowed, in resolver order.
    Server {
        server: Server,
        addrs: Vec<IpAddr>,
        port: u16,
    },
    /// The canonical path of a file inside the SQLite folder.
    File(PathBuf),
}

/// Checks a target against the policy without running anything: scheme, SQLite path inside the
/// folder, host resolving only into allowed networks.
pub async fn vet(target: &SqlTarget, policy: &SqlPolicy) -> Result<(), SqlError> {
    vet_target(target, policy).await.map(|_| ())
}

async fn vet_target(target: &SqlTarget, policy: &SqlPolicy) -> Result<Vetted, SqlError> {
    match &target.endpoint {
        Endpoint::File { path } => vet_sqlite_path(path, policy).await.map(Vetted::File),
        Endpoint::Server(server) => {
            let networks = parse_networks(&policy.allow_networks)?;
            if networks.is_empty() {
                return Err(SqlError::new(
                    "host_not_allowed",
                    "database connections are not allowed on this portal: the administrator \
                     allows networks with pull.database_networks",
                ));
            }
            let port = server.port_or_default(target.driver);
            let addrs = resolve(&server.host, port, policy.connect_timeout).await?;
            for ip in &addrs {
                if !network_allows(&networks, *ip) {
                    let what = match &server.host {
                        Host::Ip(_) => format!("the address {ip}"),
                        Host::Name(name) => format!("{name} resolves to {ip}, which"),
                    };
                    return Err(SqlError::new(
                        "host_not_allowed",
                        format!(
                            "{what} is not in the networks the administrator allows for \
                             databases (pull.database_networks)"
                        ),
                    ));
                }
            }
            Ok(Vetted::Server {
                server: server.clone(),
                addrs,
                port,
            })
        }
    }
}

/// Parses `allow_networks` entries: CIDR networks or single addresses.
fn parse_networks(entries: &[String]) -> Result<Vec<IpNet>, SqlError> {
    entries
        .iter()
        .map(|entry| {
            let text = entry.trim();
            text.parse::<IpNet>()
                .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
                .map(|net| net.trunc())
                .map_err(|_| {
                    SqlError::new(
                        "invalid_policy",
                        format!(
                            "pull.database_networks: {text:?} is not a network such as \
                             10.20.0.0/16 or a single address"
                        ),
                    )
                })
        })
        .collect()
}

fn network_allows(networks: &[IpNet], ip: IpAddr) -> bool {
    let canonical = ip.to_canonical();
    networks
        .iter()
        .any(|net| net.contains(&ip) || net.contains(&canonical))
}

async fn resolve(host: &Host, port: u16, limit: Duration) -> Result<Vec<IpAddr>, SqlError> {
    let name = match host {
        Host::Ip(ip) => return Ok(vec![*ip]),
        Host::Name(name) => name,
    };
    let found = tokio::time::timeout(limit, tokio::net::lookup_host((name.as_str(), port)))
        .await
        .map_err(|_| {
            SqlError::new(
                "dns_failed",
                format!(
                    "looking up the database host {name} took longer than {}",
                    human_duration(limit)
                ),
            )
        })?
        .map_err(|e| {
            SqlError::new(
                "dns_failed",
                format!("the database host {name} could not be looked up: {e}"),
            )
        })?;
    let mut addrs: Vec<IpAddr> = Vec::new();
    for addr in found {
        if !addrs.contains(&addr.ip()) {
            addrs.push(addr.ip());
        }
    }
    if addrs.is_empty() {
        return Err(SqlError::new(
            "dns_failed",
            format!("the database host {name} has no address"),
        ));
    }
    Ok(addrs)
}

/// `path` with `.` and `..` folded away without touching the file system.
fn lexical_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

async fn vet_sqlite_path(path: &Path, policy: &SqlPolicy) -> Result<PathBuf, SqlError> {
    let Some(dir) = &policy.sqlite_dir else {
        return Err(SqlError::new(
            "sqlite_not_allowed",
            "SQLite sources are not allowed on this portal: the administrator has not set a \
             folder for SQLite files",
        ));
    };
    let dir_real = tokio::fs::canonicalize(dir).await.map_err(|e| {
        SqlError::io(
            &format!("the SQLite folder {} cannot be used", dir.display()),
            e,
        )
    })?;
    let wanted = if path.is_absolute() {
        path.to_path_buf()
    } else {
        dir_real.join(path)
    };
    let outside = || {
        SqlError::new(
            "sqlite_outside_folder",
            format!(
                "the SQLite file {} is not inside the folder the administrator allows ({})",
                path.display(),
                dir.display()
            ),
        )
    };
    let real = match tokio::fs::canonicalize(&wanted).await {
        Ok(real) => real,
        Err(e) => {
            // Say "outside" for anything that is outside on its face, so the error does not tell
            // which files exist elsewhere on the server.
            let lexical = lexical_normal(&wanted);
            if !lexical.starts_with(&dir_real) && !lexical.starts_with(lexical_normal(dir)) {
                return Err(outside());
            }
            return Err(SqlError::new(
                "sqlite_not_found",
                format!("the SQLite file {} cannot be opened: {e}", path.display()),
            ));
        }
    };
    if !real.starts_with(&dir_real) {
        return Err(outside());
    }
    let meta = tokio::fs::metadata(&real)
        .await
        .map_err(|e| SqlError::io(&format!("the SQLite file {}", path.display()), e))?;
    if !meta.is_file() {
        return Err(SqlError::new(
            "sqlite_not_found",
            format!("{} is not a file", path.display()),
        ));
    }
    Ok(real)
}

/// Runs `query` against the target and writes the result as CSV to `dest` (through a temporary
/// file in the same folder, renamed when complete; on error no file is left).
pub async fn extract_csv(
    target: &SqlTarget,
    query: &str,
    policy: &SqlPolicy,
    dest: &Path,
) -> Result<Extracted, SqlError> {
    check_query(query)?;
    let started = Instant::now();
    // The database enforces statement_timeout itself; this outer limit also covers resolving,
    // connecting and a server that ignores its own limit.
    let overall = policy
        .connect_timeout
        .saturating_mul(2)
        .saturating_add(policy.statement_timeout)
        .saturating_add(Duration::from_secs(5));
    let run = async {
        let vetted = vet_target(target, policy).await?;
        match vetted {
            Vetted::File(path) => sqlite::extract(path, query, policy, dest).await,
            Vetted::Server {
                server,
                addrs,
                port,
            } => {
                let job = ServerJob {
                    server: &server,
                    addrs: &addrs,
                    port,
                    query,
                    policy,
                    dest,
                };
                match target.driver {
                    Driver::Mysql => mysql::extract(job).await,
                    _ => postgres::extract(job).await,
                }
            }
        }
    };
    let finished = tokio::time::timeout(overall, run)
        .await
        .map_err(|_| SqlError::timeout(policy.statement_timeout))??;
    Ok(Extracted {
        rows: finished.rows,
        bytes: finished.bytes,
        sha256: finished.sha256,
        columns: finished.columns,
        elapsed: started.elapsed(),
    })
}

/// What a network driver needs for one run.
struct ServerJob<'a> {
    server: &'a Server,
    addrs: &'a [IpAddr],
    port: u16,
    query: &'a str,
    policy: &'a SqlPolicy,
    dest: &'a Path,
}

impl ServerJob<'_> {
    /// Tries each vetted address in turn with `connect`, within the connect time limit.
    async fn connect<C, F, Fut>(&self, mut connect: F) -> Result<C, SqlError>
    where
        F: FnMut(String) -> Fut,
        Fut: std::future::Future<Output = Result<C, sqlx::Error>>,
    {
        let limit = self.policy.connect_timeout;
        let mut last = None;
        for ip in self.addrs {
            let shown = match ip {
                IpAddr::V6(v6) => format!("[{v6}]:{}", self.port),
                IpAddr::V4(v4) => format!("{v4}:{}", self.port),
            };
            match tokio::time::timeout(limit, connect(ip.to_string())).await {
                Ok(Ok(conn)) => return Ok(conn),
                Ok(Err(e)) => last = Some(connect_error(&shown, e)),
                Err(_) => {
                    last = Some(SqlError::new(
                        "connect_failed",
                        format!(
                            "could not connect to the database at {shown} within {}",
                            human_duration(limit)
                        ),
                    ))
                }
            }
        }
        Err(last.unwrap_or_else(|| SqlError::new("connect_failed", "no address to connect to")))
    }
}

fn connect_error(at: &str, error: sqlx::Error) -> SqlError {
    let detail = match &error {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    };
    SqlError::new(
        "connect_failed",
        format!("could not connect to the database at {at}: {detail}"),
    )
}

/// Ends a database session after its query: on success the read-only transaction is rolled back
/// and the connection closed (a few seconds at most; nothing was changed and nothing is kept);
/// on an error the connection is just dropped, which ends the transaction as well without
/// waiting for unread rows. Then the CSV file is finished off the async threads.
async fn end_session<C>(
    mut conn: C,
    result: Result<csv::CsvSink, SqlError>,
) -> Result<Finished, SqlError>
where
    C: sqlx::Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
{
    if result.is_ok() {
        let _ = tokio::time::timeout(Duration::from_secs(5), async {
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut conn).await;
            let _ = conn.close().await;
        })
        .await;
    }
    let sink = result?;
    tokio::task::spawn_blocking(move || sink.finish())
        .await
        .map_err(|e| SqlError::new("io", format!("writing the CSV file failed: {e}")))?
}

/// A finished CSV file.
struct Finished {
    rows: u64,
    bytes: u64,
    sha256: String,
    columns: Vec<String>,
}

/// Formats a float as the shortest text that reads back to the same value.
fn float_text(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        value.to_string()
    }
}

/// As [`float_text`], for a 4-byte float (its own shortest text, not the widened double's).
fn float32_text(value: f32) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        value.to_string()
    }
}

/// JSON text without whitespace outside strings; everything else kept as is.
fn compact_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            out.push(c);
        }
    }
    out
}

/// `.ffffff` with trailing zeros removed, or nothing for a whole second.
fn fraction_text(micros: u32) -> String {
    if micros == 0 {
        return String::new();
    }
    let digits = format!(".{micros:06}");
    digits.trim_end_matches('0').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_postgres_urls() {
        let t =
            SqlTarget::parse("postgres://reader:s%40cret@db.agency.gov.vn:6432/so_lieu").unwrap();
        assert_eq!(t.driver(), Driver::Postgres);
        let Endpoint::Server(s) = &t.endpoint else {
            panic!("not a server")
        };
        assert_eq!(s.user, "reader");
        assert_eq!(s.password.as_deref(), Some("s@cret"));
        assert_eq!(s.host, Host::Name("db.agency.gov.vn".into()));
        assert_eq!(s.port, Some(6432));
        assert_eq!(s.database.as_deref(), Some("so_lieu"));

        let t = SqlTarget::parse("postgresql://u@127.0.0.1/d").unwrap();
        assert_eq!(t.driver(), Driver::Postgres);
        let Endpoint::Server(s) = &t.endpoint else {
            panic!("not a server")
        };
        assert_eq!(s.host, Host::Ip("127.0.0.1".parse().unwrap()));
        assert_eq!(s.port_or_default(Driver::Postgres), 5432);
        assert_eq!(s.password, None);

        let t = SqlTarget::parse("mariadb://u:p@[::1]:3307/x").unwrap();
        assert_eq!(t.driver(), Driver::Mysql);
        let Endpoint::Server(s) = &t.endpoint else {
            panic!("not a server")
        };
        assert_eq!(s.host, Host::Ip("::1".parse().unwrap()));
        assert_eq!(t.redacted(), "mariadb://u:•••@[::1]:3307/x");

        let t = SqlTarget::parse("MYSQL://u@h/").unwrap();
        assert_eq!(t.driver(), Driver::Mysql);
        let Endpoint::Server(s) = &t.endpoint else {
            panic!("not a server")
        };
        assert_eq!(s.database, None);
        assert_eq!(s.port_or_default(Driver::Mysql), 3306);
    }

    #[test]
    fn parses_sqlite_urls() {
        for (url, path) in [
            ("sqlite://agency.db", "agency.db"),
            ("sqlite:agency.db", "agency.db"),
            ("sqlite:///srv/data/agency.db", "/srv/data/agency.db"),
            (
                "sqlite://sub/d%E1%BB%AF%20li%E1%BB%87u.db",
                "sub/dữ liệu.db",
            ),
        ] {
            let t = SqlTarget::parse(url).unwrap();
            assert_eq!(t.driver(), Driver::Sqlite);
            let Endpoint::File { path: parsed } = &t.endpoint else {
                panic!("{url}: not a file")
            };
            assert_eq!(parsed, &PathBuf::from(path), "{url}");
        }
        for bad in [
            "sqlite://",
            "sqlite::memory:",
            "sqlite://a.db?mode=rwc",
            "sqlite:",
        ] {
            assert_eq!(
                SqlTarget::parse(bad).unwrap_err().code(),
                "invalid_connection_url",
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_bad_urls() {
        for (url, code) in [
            ("", "invalid_connection_url"),
            ("db.example.org", "invalid_connection_url"),
            ("postgres:///db", "invalid_connection_url"),
            ("postgres://host/db", "invalid_connection_url"),
            (
                "postgres://u:p@host/db?sslmode=disable",
                "invalid_connection_url",
            ),
            (
                "postgres://u:p@host/db?host=/var/run/postgresql",
                "invalid_connection_url",
            ),
            ("postgres://u:p@host/db/extra", "invalid_connection_url"),
            ("postgres://u:p@host:99999/db", "invalid_connection_url"),
            ("mssql://u:p@host/db", "unsupported_driver"),
            ("oracle://u:p@host/db", "unsupported_driver"),
            ("https://example.org/", "unsupported_driver"),
        ] {
            let err = SqlTarget::parse(url).unwrap_err();
            assert_eq!(err.code(), code, "{url}: {err}");
        }
    }

    #[test]
    fn redaction_never_shows_the_password() {
        for (url, shown) in [
            (
                "postgres://reader:Pa55w0rd@db.example.org:5432/stats",
                "postgres://reader:•••@db.example.org:5432/stats",
            ),
            (
                "postgresql://reader:Pa55w0rd%2F%40@10.1.2.3/stats",
                "postgresql://reader:•••@10.1.2.3/stats",
            ),
            ("mysql://reader@db/stats", "mysql://reader@db/stats"),
        ] {
            let target = SqlTarget::parse(url).unwrap();
            assert_eq!(target.redacted(), shown);
            let debug = format!("{target:?}");
            assert!(!debug.contains("Pa55w0rd"), "{debug}");
            assert!(!target.redacted().contains("Pa55w0rd"));
        }
        // Errors never echo the URL either.
        let err = SqlTarget::parse("postgres://u:Pa55w0rd@h/db?x=1").unwrap_err();
        assert!(!err.to_string().contains("Pa55w0rd"), "{err}");
    }

    #[test]
    fn driver_names() {
        assert_eq!(Driver::Postgres.as_str(), "postgres");
        assert_eq!(Driver::Mysql.as_str(), "mysql");
        assert_eq!(Driver::Sqlite.as_str(), "sqlite");
    }

    #[test]
    fn query_checks() {
        assert_eq!(check_query(" \n ").unwrap_err().code(), "query_empty");
        assert_eq!(
            check_query(&"x".repeat(MAX_QUERY_BYTES + 1))
                .unwrap_err()
                .code(),
            "query_too_long"
        );
        check_query("SELECT 1").unwrap();
    }

    #[test]
    fn networks() {
        let nets = parse_networks(&[
            "10.20.0.0/16".into(),
            " 127.0.0.1 ".into(),
            "fd00::/8".into(),
        ])
        .unwrap();
        assert!(network_allows(&nets, "10.20.3.4".parse().unwrap()));
        assert!(!network_allows(&nets, "10.21.0.1".parse().unwrap()));
        assert!(network_allows(&nets, "127.0.0.1".parse().unwrap()));
        assert!(!network_allows(&nets, "127.0.0.2".parse().unwrap()));
        assert!(network_allows(&nets, "::ffff:10.20.0.9".parse().unwrap()));
        assert!(network_allows(&nets, "fd12::1".parse().unwrap()));
        assert!(!network_allows(&nets, "::1".parse().unwrap()));
        assert_eq!(
            parse_networks(&["10.0.0.0/33".into()]).unwrap_err().code(),
            "invalid_policy"
        );
    }

    #[tokio::test]
    async fn vet_checks_every_address() {
        let target = SqlTarget::parse("postgres://u:p@127.0.0.1:5432/db").unwrap();
        let mut policy = SqlPolicy::default();
        let err = vet(&target, &policy).await.unwrap_err();
        assert_eq!(err.code(), "host_not_allowed");
        assert!(err.to_string().contains("pull.database_networks"), "{err}");
        policy.allow_networks = vec!["10.0.0.0/8".into()];
        let err = vet(&target, &policy).await.unwrap_err();
        assert_eq!(err.code(), "host_not_allowed");
        assert!(err.to_string().contains("127.0.0.1"), "{err}");
        policy.allow_networks = vec!["127.0.0.0/8".into()];
        vet(&target, &policy).await.unwrap();
        // "localhost" may resolve to ::1 as well as 127.0.0.1: every address must be allowed.
        let named = SqlTarget::parse("postgres://u@localhost/db").unwrap();
        let addrs = resolve(
            &Host::Name("localhost".into()),
            5432,
            Duration::from_secs(5),
        )
        .await
        .unwrap();
        let result = vet(&named, &policy).await;
        if addrs.iter().all(|ip| ip.is_ipv4()) {
            result.unwrap();
        } else {
            assert_eq!(result.unwrap_err().code(), "host_not_allowed");
        }
    }

    #[test]
    fn compacts_json() {
        assert_eq!(
            compact_json("{\"a\": [1, 2], \"b\": \"x y\\\" z\",\n \"c\": null}"),
            "{\"a\":[1,2],\"b\":\"x y\\\" z\",\"c\":null}"
        );
        assert_eq!(compact_json(r#""a\\" "#), r#""a\\""#);
    }

    #[test]
    fn floats() {
        assert_eq!(float_text(0.1), "0.1");
        assert_eq!(float_text(2.0), "2");
        assert_eq!(float_text(-1.5e-7), "-0.00000015");
        assert_eq!(float_text(f64::NAN), "NaN");
        assert_eq!(float_text(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(float32_text(1.1), "1.1");
        assert_eq!(fraction_text(500_000), ".5");
        assert_eq!(fraction_text(1), ".000001");
        assert_eq!(fraction_text(0), "");
    }
}
