//! Configuration of dulieu: defaults < `dulieu.toml` < `DULIEU_*` environment < command-line flags.
//!
//! Every setting is listed once in [`SETTINGS`] (its TOML path, environment variable and meaning);
//! the environment overlay and `dulieu config example` are both generated from that list.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A configuration problem: which source and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The configuration file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// File path.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The file, the environment or a flag holds a value of the wrong shape.
    #[error("invalid configuration in {origin}: {message}")]
    Invalid {
        /// `dulieu.toml line 3`, `DULIEU_LISTEN`, ...
        origin: String,
        /// What is wrong.
        message: String,
    },
}

/// All settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: String,
    /// Directory for the SQLite database, local blobs and other state.
    pub data_dir: PathBuf,
    /// Database URL; SQLite in the data directory when empty.
    pub database_url: String,
    /// Public base URL of the portal (for links in API answers); `http://{listen}` when empty.
    pub public_url: String,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: u64,
    /// Database settings.
    pub database: DatabaseConfig,
    /// Blob storage settings.
    pub blobs: BlobsConfig,
    /// Background worker settings.
    pub worker: WorkerConfig,
    /// In-memory cache settings.
    pub cache: CacheConfig,
    /// Search index settings.
    pub search: SearchConfig,
    /// Tables read from tabular files and the queries over them.
    pub tables: TablesConfig,
    /// Readiness assessment settings.
    pub readiness: ReadinessConfig,
    /// Data request and feedback deadlines (the legal clock).
    pub tickets: TicketsConfig,
    /// The watchdog: quality and compliance checks.
    pub quality: QualityConfig,
    /// Outgoing e-mail.
    pub mail: MailConfig,
    /// Outbound HTTP fetches and their SSRF guard.
    pub fetch: FetchSettings,
    /// Automatic publication: scheduled pulls from agency systems.
    pub pull: PullConfig,
    /// Harvesting other portals' catalogs (CKAN, DCAT, data.json).
    pub harvest: HarvestConfig,
    /// Log filter (tracing `EnvFilter` syntax).
    pub log: String,
}

/// Database settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// Pool size.
    pub max_connections: u32,
    /// SQLite durability: `full` or `normal`.
    pub sqlite_synchronous: String,
    /// Read single datasets on SQLite through direct connections (faster) instead of the pool.
    pub sqlite_direct_reads: bool,
}

/// Blob storage settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BlobsConfig {
    /// `local` or `s3`.
    pub backend: String,
    /// Directory for local blobs; `{data_dir}/blobs` when empty.
    pub dir: String,
    /// S3 endpoint URL (empty for AWS).
    pub s3_endpoint: String,
    /// S3 bucket.
    pub s3_bucket: String,
    /// S3 region.
    pub s3_region: String,
    /// S3 access key id.
    pub s3_access_key_id: String,
    /// S3 secret access key.
    pub s3_secret_access_key: String,
    /// Allow a plain-HTTP S3 endpoint.
    pub s3_allow_http: bool,
}

/// In-memory cache settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheConfig {
    /// Bytes of public dataset JSON kept in memory (0 disables the cache).
    pub dataset_bytes: usize,
    /// Milliseconds between reads of the event log for changes made by other processes.
    pub follow_interval_ms: u64,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            dataset_bytes: 64 * 1024 * 1024,
            follow_interval_ms: 1000,
        }
    }
}

/// Search index settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Directory of the search index; `{data_dir}/search` when empty. One server process per
    /// directory: a second server needs its own.
    pub index_dir: String,
    /// Memory of the index writer, in MiB (at least 15 per writer thread is used).
    pub writer_memory_mb: usize,
    /// Indexing threads.
    pub writer_threads: usize,
    /// Milliseconds between reads of the event log for changes made by other processes.
    pub follow_interval_ms: u64,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            index_dir: String::new(),
            writer_memory_mb: 64,
            writer_threads: 1,
            follow_interval_ms: 250,
        }
    }
}

/// Tables read from tabular files (Parquet) and the queries over them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TablesConfig {
    /// Directory of the Parquet files; `{data_dir}/tables` when empty. Derived data: each
    /// server keeps its own and rebuilds what is missing from the stored originals.
    pub dir: String,
    /// Longest run of a rows or aggregate query, in seconds.
    pub query_time_limit_seconds: u64,
    /// Most memory of one rows or aggregate query, in MiB.
    pub query_memory_mb: usize,
    /// Longest run of a query of the SQL sandbox, in seconds.
    pub sql_time_limit_seconds: u64,
    /// Most memory of one query of the SQL sandbox, in MiB.
    pub sql_memory_mb: usize,
    /// Most rows a query of the SQL sandbox returns.
    pub sql_max_rows: u64,
    /// Memory for hot columns, in MiB: the columns that row filters read, kept so that the
    /// exact totals (and, in file order, the rows) of filtered pages come without reading the
    /// file again. Least recently used columns leave first; 0 turns it off.
    pub hot_column_mb: usize,
    /// Secret that signs paging cursors (any text; give every server of a portal the same one
    /// so cursors work across servers and restarts). Random per start when empty.
    pub cursor_secret: String,
}

impl Default for TablesConfig {
    fn default() -> Self {
        Self {
            dir: String::new(),
            query_time_limit_seconds: 30,
            query_memory_mb: 512,
            sql_time_limit_seconds: 10,
            sql_memory_mb: 256,
            sql_max_rows: 32_000,
            hot_column_mb: 512,
            cursor_secret: String::new(),
        }
    }
}

/// Readiness assessment settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReadinessConfig {
    /// Folder of framework files (`*.toml`) added to the built-in ones;
    /// `{data_dir}/frameworks` when empty (read when it exists).
    pub frameworks_dir: String,
    /// Minutes between the worker's refreshes of the live figures (0: only on demand).
    pub refresh_interval_minutes: u64,
}

impl Default for ReadinessConfig {
    fn default() -> Self {
        Self {
            frameworks_dir: String::new(),
            refresh_interval_minutes: 24 * 60,
        }
    }
}

/// The watchdog: which compliance profile the checks apply, and how often it sweeps the whole
/// catalog, checks remote links and e-mails publishers their digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QualityConfig {
    /// Compliance profile file (TOML); the built-in profile when empty.
    pub profile: String,
    /// Hours between full sweeps of the catalog (0: only on changes).
    pub sweep_interval_hours: u64,
    /// Hours between checks of one remote URL (0: never).
    pub link_check_interval_hours: u64,
    /// Link checks kept per distribution.
    pub link_history: u32,
    /// Days between digest e-mails to publishers (0: never).
    pub digest_interval_days: u64,
    /// Open, update and close feedback tickets for violations.
    pub tickets: bool,
}

impl Default for QualityConfig {
    fn default() -> Self {
        Self {
            profile: String::new(),
            sweep_interval_hours: 24,
            link_check_interval_hours: 24,
            link_history: 30,
            digest_interval_days: 7,
            tickets: true,
        }
    }
}

/// Deadlines of data requests and feedback, in working days. The defaults follow the EU Open
/// Data Directive (20 + 20 working days); an operator applying a national rule sets the numbers
/// here and lists the year's lunar-calendar holidays (Tết, Hùng Kings) in `holidays`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TicketsConfig {
    /// Working days an organization has to answer a data request.
    pub response_days: u32,
    /// Working days added by an extension announced before the deadline (0: none).
    pub extension_days: u32,
    /// Working days after the deadline from which a request is long overdue.
    pub long_overdue_days: u32,
    /// Working days to answer feedback on a dataset.
    pub feedback_days: u32,
    /// Working days to answer urgent feedback (personal data exposed).
    pub feedback_urgent_days: u32,
    /// Working days before a deadline when the organization is reminded.
    pub reminder_days: u32,
    /// Offset of the portal's time zone from UTC (`+07:00`: Asia/Ho_Chi_Minh, no DST).
    pub utc_offset: String,
    /// Holidays on the same date every year, `MM-DD` comma list (Vietnam's fixed holidays).
    pub fixed_holidays: String,
    /// Extra holidays, `YYYY-MM-DD` comma list (Tết and other lunar dates, compensatory days).
    pub holidays: String,
    /// Minutes between runs of the deadline job (reminders and overdue notices).
    pub check_interval_minutes: u64,
    /// Largest file attached to a message or a feedback ticket, in bytes.
    pub attachment_max_bytes: u64,
    /// Most files attached to one message or feedback ticket.
    pub attachments_per_message: u32,
}

impl Default for TicketsConfig {
    fn default() -> Self {
        Self {
            response_days: 20,
            extension_days: 20,
            long_overdue_days: 20,
            feedback_days: 10,
            feedback_urgent_days: 1,
            reminder_days: 3,
            utc_offset: "+07:00".into(),
            fixed_holidays: "01-01,04-30,05-01,09-02".into(),
            holidays: String::new(),
            check_interval_minutes: 60,
            attachment_max_bytes: 20_000_000,
            attachments_per_message: 5,
        }
    }
}

/// Outgoing e-mail: a file outbox (default, for development) or an SMTP server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// `outbox` (one .eml file per message) or `smtp`.
    pub transport: String,
    /// Sender address.
    pub from: String,
    /// Folder of the outbox; `{data_dir}/outbox` when empty.
    pub outbox_dir: String,
    /// SMTP server host.
    pub smtp_host: String,
    /// SMTP server port.
    pub smtp_port: u16,
    /// `starttls`, `tls` or `none` (test servers only).
    pub smtp_security: String,
    /// SMTP user name (empty: no authentication).
    pub smtp_username: String,
    /// SMTP password (prefer the environment over the file).
    pub smtp_password: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            transport: "outbox".into(),
            from: "dulieu <noreply@dulieu.invalid>".into(),
            outbox_dir: String::new(),
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_security: "starttls".into(),
            smtp_username: String::new(),
            smtp_password: String::new(),
        }
    }
}

/// Outbound HTTP fetches (remote files, link checks, harvesting) and their SSRF guard. Plain
/// data: `dulieu-fetch` turns it into its `FetchConfig`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchSettings {
    /// Seconds to establish a connection.
    pub connect_timeout_seconds: u64,
    /// Seconds for a whole fetch: redirects, headers and body.
    pub timeout_seconds: u64,
    /// Seconds for a whole link check.
    pub check_timeout_seconds: u64,
    /// Largest fetched body, in bytes.
    pub max_bytes: u64,
    /// Most redirects followed.
    pub max_redirects: usize,
    /// Ports that may be connected to.
    pub allowed_ports: Vec<u16>,
    /// Networks (CIDR or single addresses) reachable although refused by default (loopback,
    /// private, link-local …): intranet deployments.
    pub allow_networks: Vec<String>,
    /// `User-Agent` sent; `dulieu/<version> (+<public url>)` when empty.
    pub user_agent: String,
}

impl Default for FetchSettings {
    fn default() -> Self {
        Self {
            connect_timeout_seconds: 10,
            timeout_seconds: 600,
            check_timeout_seconds: 30,
            max_bytes: 2 * 1024 * 1024 * 1024,
            max_redirects: 5,
            allowed_ports: vec![80, 443, 8080, 8443],
            allow_networks: Vec::new(),
            user_agent: String::new(),
        }
    }
}

/// Scheduled pulls of distributions from agency systems (web addresses and databases).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PullConfig {
    /// Run due pulls in the worker.
    pub enabled: bool,
    /// Seconds between looks for due pulls.
    pub poll_interval_seconds: u64,
    /// Seconds a started run is leased to its server; a run still unfinished then (its server
    /// stopped) is recorded as interrupted and started again.
    pub lease_seconds: u64,
    /// Runs kept in each source's history.
    pub history: u32,
    /// Key that seals database credentials at rest: 32 bytes in base64. Give every server of a
    /// portal the same one. Empty: `{data_dir}/pull.key`, made on first use.
    pub secret_key: String,
    /// Networks agency databases may be reached in (CIDR, e.g. `10.20.0.0/16`). Empty:
    /// PostgreSQL and MySQL sources are refused.
    pub database_networks: Vec<String>,
    /// Folder SQLite source files must be in. Empty: SQLite sources are refused.
    pub sqlite_dir: String,
    /// Longest run of a source query, in seconds.
    pub sql_time_limit_seconds: u64,
    /// Most rows a source query may return.
    pub sql_max_rows: u64,
}

impl Default for PullConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            poll_interval_seconds: 30,
            lease_seconds: 900,
            history: 200,
            secret_key: String::new(),
            database_networks: Vec::new(),
            sqlite_dir: String::new(),
            sql_time_limit_seconds: 300,
            sql_max_rows: 10_000_000,
        }
    }
}

/// Harvesting other portals' catalogs on their schedules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HarvestConfig {
    /// Run due harvests in the worker.
    pub enabled: bool,
    /// Seconds between looks for due harvests.
    pub poll_interval_seconds: u64,
    /// Seconds a started run is leased to its server, renewed while it goes on; a run left
    /// unfinished longer (its server stopped) is recorded as interrupted.
    pub lease_seconds: u64,
    /// Runs kept in each source's history.
    pub history: u32,
    /// Datasets asked for per request (CKAN `rows`, at most 1000).
    pub page_size: u32,
    /// Most pages read in one run (a bound on runaway paging).
    pub max_pages: u32,
    /// Largest page (or whole `data.json`) read from a source, in MiB: pages are read into
    /// memory.
    pub max_page_megabytes: u64,
}

impl Default for HarvestConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            poll_interval_seconds: 60,
            lease_seconds: 600,
            history: 100,
            page_size: 1000,
            max_pages: 10_000,
            max_page_megabytes: 64,
        }
    }
}

/// Background worker settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkerConfig {
    /// Run the job worker inside `serve`.
    pub in_process: bool,
    /// Pause between polls of an empty queue, in milliseconds.
    pub poll_interval_ms: u64,
    /// Seconds a claimed job is leased before another worker may retry it.
    pub lease_seconds: i64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            database_url: String::new(),
            public_url: String::new(),
            max_upload_bytes: 2 * 1024 * 1024 * 1024,
            database: DatabaseConfig::default(),
            blobs: BlobsConfig::default(),
            worker: WorkerConfig::default(),
            cache: CacheConfig::default(),
            search: SearchConfig::default(),
            tables: TablesConfig::default(),
            readiness: ReadinessConfig::default(),
            quality: QualityConfig::default(),
            tickets: TicketsConfig::default(),
            mail: MailConfig::default(),
            fetch: FetchSettings::default(),
            pull: PullConfig::default(),
            harvest: HarvestConfig::default(),
            log: "info".into(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            max_connections: 8,
            sqlite_synchronous: "full".into(),
            sqlite_direct_reads: true,
        }
    }
}

impl Default for BlobsConfig {
    fn default() -> Self {
        Self {
            backend: "local".into(),
            dir: String::new(),
            s3_endpoint: String::new(),
            s3_bucket: String::new(),
            s3_region: "us-east-1".into(),
            s3_access_key_id: String::new(),
            s3_secret_access_key: String::new(),
            s3_allow_http: false,
        }
    }
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            in_process: true,
            poll_interval_ms: 500,
            lease_seconds: 300,
        }
    }
}

/// One documented setting.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// Dotted TOML path.
    pub path: &'static str,
    /// Environment variable.
    pub env: &'static str,
    /// What it means.
    pub doc: &'static str,
}

/// Every setting, in the order `config example` prints them.
pub const SETTINGS: &[Setting] = &[
    Setting {
        path: "listen",
        env: "DULIEU_LISTEN",
        doc: "Address the HTTP server listens on.",
    },
    Setting {
        path: "data_dir",
        env: "DULIEU_DATA_DIR",
        doc: "Directory for the SQLite database, local blobs and other state.",
    },
    Setting {
        path: "database_url",
        env: "DULIEU_DATABASE_URL",
        doc: "Database URL: empty for SQLite in the data directory, or postgres://user:pass@host/db.",
    },
    Setting {
        path: "public_url",
        env: "DULIEU_PUBLIC_URL",
        doc: "Public base URL used in links (empty: http://{listen}).",
    },
    Setting {
        path: "max_upload_bytes",
        env: "DULIEU_MAX_UPLOAD_BYTES",
        doc: "Largest accepted upload in bytes (default 2 GiB).",
    },
    Setting {
        path: "log",
        env: "DULIEU_LOG",
        doc: "Log filter, e.g. info or dulieu_web=debug,info.",
    },
    Setting {
        path: "database.max_connections",
        env: "DULIEU_DATABASE_MAX_CONNECTIONS",
        doc: "Database connection pool size.",
    },
    Setting {
        path: "database.sqlite_synchronous",
        env: "DULIEU_DATABASE_SQLITE_SYNCHRONOUS",
        doc: "SQLite durability: full (survives power loss) or normal (survives process crashes, faster writes).",
    },
    Setting {
        path: "database.sqlite_direct_reads",
        env: "DULIEU_DATABASE_SQLITE_DIRECT_READS",
        doc: "Read single datasets on SQLite through direct connections on the request thread (faster than the pool).",
    },
    Setting {
        path: "blobs.backend",
        env: "DULIEU_BLOBS_BACKEND",
        doc: "Where uploaded files are stored: local or s3.",
    },
    Setting {
        path: "blobs.dir",
        env: "DULIEU_BLOBS_DIR",
        doc: "Directory for local blobs (empty: {data_dir}/blobs).",
    },
    Setting {
        path: "blobs.s3_endpoint",
        env: "DULIEU_BLOBS_S3_ENDPOINT",
        doc: "S3-compatible endpoint URL (empty for AWS).",
    },
    Setting {
        path: "blobs.s3_bucket",
        env: "DULIEU_BLOBS_S3_BUCKET",
        doc: "S3 bucket name.",
    },
    Setting {
        path: "blobs.s3_region",
        env: "DULIEU_BLOBS_S3_REGION",
        doc: "S3 region.",
    },
    Setting {
        path: "blobs.s3_access_key_id",
        env: "DULIEU_BLOBS_S3_ACCESS_KEY_ID",
        doc: "S3 access key id.",
    },
    Setting {
        path: "blobs.s3_secret_access_key",
        env: "DULIEU_BLOBS_S3_SECRET_ACCESS_KEY",
        doc: "S3 secret access key (prefer the environment over the file).",
    },
    Setting {
        path: "blobs.s3_allow_http",
        env: "DULIEU_BLOBS_S3_ALLOW_HTTP",
        doc: "Allow a plain-HTTP S3 endpoint (test servers only).",
    },
    Setting {
        path: "worker.in_process",
        env: "DULIEU_WORKER_IN_PROCESS",
        doc: "Run the background job worker inside `dulieu serve` (set false when running `dulieu worker` separately).",
    },
    Setting {
        path: "worker.poll_interval_ms",
        env: "DULIEU_WORKER_POLL_INTERVAL_MS",
        doc: "Pause between polls of an empty job queue, in milliseconds.",
    },
    Setting {
        path: "worker.lease_seconds",
        env: "DULIEU_WORKER_LEASE_SECONDS",
        doc: "Seconds a claimed job is leased before another worker may retry it.",
    },
    Setting {
        path: "cache.dataset_bytes",
        env: "DULIEU_CACHE_DATASET_BYTES",
        doc: "Bytes of public dataset JSON kept in memory for fast reads (0 disables the cache).",
    },
    Setting {
        path: "cache.follow_interval_ms",
        env: "DULIEU_CACHE_FOLLOW_INTERVAL_MS",
        doc: "Milliseconds between reads of the event log for changes made by other dulieu processes.",
    },
    Setting {
        path: "search.index_dir",
        env: "DULIEU_SEARCH_INDEX_DIR",
        doc: "Directory of the search index (empty: {data_dir}/search). Each server process needs its own; rebuild it with `dulieu reindex`.",
    },
    Setting {
        path: "search.writer_memory_mb",
        env: "DULIEU_SEARCH_WRITER_MEMORY_MB",
        doc: "Memory of the search index writer in MiB (at least 15 per writer thread is used).",
    },
    Setting {
        path: "search.writer_threads",
        env: "DULIEU_SEARCH_WRITER_THREADS",
        doc: "Threads that build the search index.",
    },
    Setting {
        path: "search.follow_interval_ms",
        env: "DULIEU_SEARCH_FOLLOW_INTERVAL_MS",
        doc: "Milliseconds between reads of the event log for changes to index made by other dulieu processes (this process's own changes are indexed at once).",
    },
    Setting {
        path: "tables.dir",
        env: "DULIEU_TABLES_DIR",
        doc: "Directory of the Parquet files read from tabular distributions (empty: {data_dir}/tables). Derived data: the worker reads again, at start, every table whose files are missing.",
    },
    Setting {
        path: "tables.query_time_limit_seconds",
        env: "DULIEU_TABLES_QUERY_TIME_LIMIT_SECONDS",
        doc: "Longest run of a rows or aggregate query of the tables API, in seconds.",
    },
    Setting {
        path: "tables.query_memory_mb",
        env: "DULIEU_TABLES_QUERY_MEMORY_MB",
        doc: "Most memory of one rows or aggregate query, in MiB.",
    },
    Setting {
        path: "tables.sql_time_limit_seconds",
        env: "DULIEU_TABLES_SQL_TIME_LIMIT_SECONDS",
        doc: "Longest run of a query of the SQL sandbox (/api/1/sql), in seconds.",
    },
    Setting {
        path: "tables.sql_memory_mb",
        env: "DULIEU_TABLES_SQL_MEMORY_MB",
        doc: "Most memory of one query of the SQL sandbox, in MiB.",
    },
    Setting {
        path: "tables.sql_max_rows",
        env: "DULIEU_TABLES_SQL_MAX_ROWS",
        doc: "Most rows one query of the SQL sandbox returns.",
    },
    Setting {
        path: "tables.cursor_secret",
        env: "DULIEU_TABLES_CURSOR_SECRET",
        doc: "Secret that signs paging cursors; give every server of a portal the same one (empty: random per start).",
    },
    Setting {
        path: "readiness.frameworks_dir",
        env: "DULIEU_READINESS_FRAMEWORKS_DIR",
        doc: "Folder of readiness framework files (*.toml) added to the built-in DGRA, ODRA and OD4B, checked at start (empty: {data_dir}/frameworks, when it exists).",
    },
    Setting {
        path: "readiness.refresh_interval_minutes",
        env: "DULIEU_READINESS_REFRESH_INTERVAL_MINUTES",
        doc: "Minutes between the worker's refreshes of the live figures attached to assessments (0: only on demand).",
    },
    Setting {
        path: "quality.profile",
        env: "DULIEU_QUALITY_PROFILE",
        doc: "Compliance profile file (TOML) the watchdog applies, checked at start (empty: the built-in profile; `dulieu check --print-profile` prints it).",
    },
    Setting {
        path: "quality.sweep_interval_hours",
        env: "DULIEU_QUALITY_SWEEP_INTERVAL_HOURS",
        doc: "Hours between the watchdog's full sweeps of the catalog (0: only datasets that change).",
    },
    Setting {
        path: "quality.link_check_interval_hours",
        env: "DULIEU_QUALITY_LINK_CHECK_INTERVAL_HOURS",
        doc: "Hours between checks of one remote URL (0: no link checks).",
    },
    Setting {
        path: "quality.link_history",
        env: "DULIEU_QUALITY_LINK_HISTORY",
        doc: "Link checks kept per distribution.",
    },
    Setting {
        path: "quality.digest_interval_days",
        env: "DULIEU_QUALITY_DIGEST_INTERVAL_DAYS",
        doc: "Days between the quality digest e-mails to each publisher's editors and admins (0: none).",
    },
    Setting {
        path: "quality.tickets",
        env: "DULIEU_QUALITY_TICKETS",
        doc: "Open, update and close feedback tickets for the watchdog's violations (true/false).",
    },
    Setting {
        path: "tickets.response_days",
        env: "DULIEU_TICKETS_RESPONSE_DAYS",
        doc: "Working days an organization has to answer a data request (EU Open Data Directive: 20; set your national rule).",
    },
    Setting {
        path: "tickets.extension_days",
        env: "DULIEU_TICKETS_EXTENSION_DAYS",
        doc: "Working days added when an extension is announced, with a reason, before the deadline (0: no extension).",
    },
    Setting {
        path: "tickets.long_overdue_days",
        env: "DULIEU_TICKETS_LONG_OVERDUE_DAYS",
        doc: "Working days after the deadline from which a request is long overdue.",
    },
    Setting {
        path: "tickets.feedback_days",
        env: "DULIEU_TICKETS_FEEDBACK_DAYS",
        doc: "Working days to answer feedback on a dataset.",
    },
    Setting {
        path: "tickets.feedback_urgent_days",
        env: "DULIEU_TICKETS_FEEDBACK_URGENT_DAYS",
        doc: "Working days to answer urgent feedback (personal data exposed).",
    },
    Setting {
        path: "tickets.reminder_days",
        env: "DULIEU_TICKETS_REMINDER_DAYS",
        doc: "Working days before a deadline when the organization is reminded.",
    },
    Setting {
        path: "tickets.utc_offset",
        env: "DULIEU_TICKETS_UTC_OFFSET",
        doc: "Offset of the portal's time zone from UTC, e.g. +07:00 (Asia/Ho_Chi_Minh has no daylight saving time).",
    },
    Setting {
        path: "tickets.fixed_holidays",
        env: "DULIEU_TICKETS_FIXED_HOLIDAYS",
        doc: "Public holidays on the same date every year, comma-separated MM-DD (Vietnam: 01-01,04-30,05-01,09-02).",
    },
    Setting {
        path: "tickets.holidays",
        env: "DULIEU_TICKETS_HOLIDAYS",
        doc: "Other days off, comma-separated YYYY-MM-DD: list each year's Tết, Hùng Kings' day, the second National Day holiday and compensatory days.",
    },
    Setting {
        path: "tickets.check_interval_minutes",
        env: "DULIEU_TICKETS_CHECK_INTERVAL_MINUTES",
        doc: "Minutes between runs of the deadline job that sends reminders and overdue notices.",
    },
    Setting {
        path: "tickets.attachment_max_bytes",
        env: "DULIEU_TICKETS_ATTACHMENT_MAX_BYTES",
        doc: "Largest file attached to a request message or a feedback ticket, in bytes (default 20 MB; never more than max_upload_bytes).",
    },
    Setting {
        path: "tickets.attachments_per_message",
        env: "DULIEU_TICKETS_ATTACHMENTS_PER_MESSAGE",
        doc: "Most files attached to one request message or feedback ticket (0: no attachments).",
    },
    Setting {
        path: "mail.transport",
        env: "DULIEU_MAIL_TRANSPORT",
        doc: "How e-mail is sent: outbox (one .eml file per message in mail.outbox_dir, for development) or smtp.",
    },
    Setting {
        path: "mail.from",
        env: "DULIEU_MAIL_FROM",
        doc: "Sender address of e-mails, e.g. Cổng dữ liệu <noreply@data.example.vn>.",
    },
    Setting {
        path: "mail.outbox_dir",
        env: "DULIEU_MAIL_OUTBOX_DIR",
        doc: "Folder of the e-mail outbox (empty: {data_dir}/outbox).",
    },
    Setting {
        path: "mail.smtp_host",
        env: "DULIEU_MAIL_SMTP_HOST",
        doc: "SMTP server host.",
    },
    Setting {
        path: "mail.smtp_port",
        env: "DULIEU_MAIL_SMTP_PORT",
        doc: "SMTP server port.",
    },
    Setting {
        path: "mail.smtp_security",
        env: "DULIEU_MAIL_SMTP_SECURITY",
        doc: "SMTP connection security: starttls, tls or none (test servers only).",
    },
    Setting {
        path: "mail.smtp_username",
        env: "DULIEU_MAIL_SMTP_USERNAME",
        doc: "SMTP user name (empty: no authentication).",
    },
    Setting {
        path: "mail.smtp_password",
        env: "DULIEU_MAIL_SMTP_PASSWORD",
        doc: "SMTP password (prefer the environment over the file).",
    },
    Setting {
        path: "fetch.connect_timeout_seconds",
        env: "DULIEU_FETCH_CONNECT_TIMEOUT_SECONDS",
        doc: "Seconds to connect to a remote server (remote files, link checks, harvesting).",
    },
    Setting {
        path: "fetch.timeout_seconds",
        env: "DULIEU_FETCH_TIMEOUT_SECONDS",
        doc: "Seconds for a whole remote file fetch, redirects and body included.",
    },
    Setting {
        path: "fetch.check_timeout_seconds",
        env: "DULIEU_FETCH_CHECK_TIMEOUT_SECONDS",
        doc: "Seconds for a whole link check.",
    },
    Setting {
        path: "fetch.max_bytes",
        env: "DULIEU_FETCH_MAX_BYTES",
        doc: "Largest remote file fetched, in bytes (default 2 GiB).",
    },
    Setting {
        path: "fetch.max_redirects",
        env: "DULIEU_FETCH_MAX_REDIRECTS",
        doc: "Most redirects followed; each target is checked like the first URL.",
    },
    Setting {
        path: "fetch.allowed_ports",
        env: "DULIEU_FETCH_ALLOWED_PORTS",
        doc: "Ports remote fetches may connect to (environment: comma list).",
    },
    Setting {
        path: "fetch.allow_networks",
        env: "DULIEU_FETCH_ALLOW_NETWORKS",
        doc: "Networks fetches may reach although refused by default (loopback, private, link-local, CGNAT …), e.g. [\"10.20.0.0/16\"] for an intranet (environment: comma list).",
    },
    Setting {
        path: "fetch.user_agent",
        env: "DULIEU_FETCH_USER_AGENT",
        doc: "User-Agent of outbound requests (empty: dulieu/<version> (+<public_url>)).",
    },
    Setting {
        path: "pull.enabled",
        env: "DULIEU_PULL_ENABLED",
        doc: "Run the scheduled pulls of distributions from agency systems in the worker (true/false).",
    },
    Setting {
        path: "pull.poll_interval_seconds",
        env: "DULIEU_PULL_POLL_INTERVAL_SECONDS",
        doc: "Seconds between looks for due pulls.",
    },
    Setting {
        path: "pull.lease_seconds",
        env: "DULIEU_PULL_LEASE_SECONDS",
        doc: "Seconds a started pull is leased to its server; an unfinished run is then recorded as interrupted and started again.",
    },
    Setting {
        path: "pull.history",
        env: "DULIEU_PULL_HISTORY",
        doc: "Runs kept in each source's history.",
    },
    Setting {
        path: "pull.secret_key",
        env: "DULIEU_PULL_SECRET_KEY",
        doc: "Key sealing database credentials at rest, 32 bytes in base64; the same on every server (empty: {data_dir}/pull.key, made on first use). Prefer the environment over the file.",
    },
    Setting {
        path: "pull.database_networks",
        env: "DULIEU_PULL_DATABASE_NETWORKS",
        doc: "Networks agency databases may be reached in, e.g. [\"10.20.0.0/16\"] (empty: PostgreSQL and MySQL sources refused; environment: comma list).",
    },
    Setting {
        path: "pull.sqlite_dir",
        env: "DULIEU_PULL_SQLITE_DIR",
        doc: "Folder SQLite source files must be in (empty: SQLite sources refused).",
    },
    Setting {
        path: "pull.sql_time_limit_seconds",
        env: "DULIEU_PULL_SQL_TIME_LIMIT_SECONDS",
        doc: "Longest run of a source query, in seconds.",
    },
    Setting {
        path: "pull.sql_max_rows",
        env: "DULIEU_PULL_SQL_MAX_ROWS",
        doc: "Most rows a source query may return.",
    },
    Setting {
        path: "harvest.enabled",
        env: "DULIEU_HARVEST_ENABLED",
        doc: "Run the harvest sources' schedules in the worker (true/false).",
    },
    Setting {
        path: "harvest.poll_interval_seconds",
        env: "DULIEU_HARVEST_POLL_INTERVAL_SECONDS",
        doc: "Seconds between looks for due harvests.",
    },
    Setting {
        path: "harvest.lease_seconds",
        env: "DULIEU_HARVEST_LEASE_SECONDS",
        doc: "Seconds a started harvest is leased to its server, renewed while it goes on; an unfinished run is then recorded as interrupted.",
    },
    Setting {
        path: "harvest.history",
        env: "DULIEU_HARVEST_HISTORY",
        doc: "Runs kept in each harvest source's history.",
    },
    Setting {
        path: "harvest.page_size",
        env: "DULIEU_HARVEST_PAGE_SIZE",
        doc: "Datasets asked for per request to a CKAN source (1 to 1000).",
    },
    Setting {
        path: "harvest.max_pages",
        env: "DULIEU_HARVEST_MAX_PAGES",
        doc: "Most pages read in one harvest run.",
    },
    Setting {
        path: "harvest.max_page_megabytes",
        env: "DULIEU_HARVEST_MAX_PAGE_MEGABYTES",
        doc: "Largest page (or whole data.json) read from a harvest source, in MiB; pages are read into memory.",
    },
];

impl Config {
    /// Loads defaults, then the file (`file`, or `{data_dir}/dulieu.toml` when it exists), then
    /// `DULIEU_*` variables from `env`. Flags are applied by the caller afterwards.
    pub fn load(
        file: Option<&Path>,
        data_dir: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut tree =
            toml::Value::try_from(Config::default()).map_err(|e| ConfigError::Invalid {
                origin: "defaults".into(),
                message: e.to_string(),
            })?;
        let env: Vec<(String, String)> = env.into_iter().collect();
        let env_data_dir = env
            .iter()
            .find(|(k, _)| k == "DULIEU_DATA_DIR")
            .map(|(_, v)| PathBuf::from(v));
        let candidate = match (file, data_dir.map(Path::to_path_buf).or(env_data_dir)) {
            (Some(file), _) => Some(file.to_path_buf()),
            (None, Some(dir)) => Some(dir.join("dulieu.toml")).filter(|p| p.exists()),
            (None, None) => Some(PathBuf::from("dulieu.toml")).filter(|p| p.exists()),
        };
        if let Some(path) = candidate {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            let file_tree: toml::Value =
                toml::from_str(&text).map_err(|e| ConfigError::Invalid {
                    origin: path.display().to_string(),
                    message: e.to_string(),
                })?;
            merge(&mut tree, file_tree);
        }
        for setting in SETTINGS {
            if let Some((_, raw)) = env.iter().find(|(k, _)| k == setting.env) {
                let value = env_value(&tree, setting.path, raw);
                set_path(&mut tree, setting.path, value);
            }
        }
        let mut config: Config =
            tree.try_into()
                .map_err(|e: toml::de::Error| ConfigError::Invalid {
                    origin: "configuration".into(),
                    message: e.to_string(),
                })?;
        if let Some(dir) = data_dir {
            config.data_dir = dir.to_path_buf();
        }
        config.check()?;
        Ok(config)
    }

    /// Checks values that have a closed set of choices.
    pub fn check(&self) -> Result<(), ConfigError> {
        let invalid = |origin: &str, message: &str| ConfigError::Invalid {
            origin: origin.into(),
            message: message.into(),
        };
        if !matches!(self.database.sqlite_synchronous.as_str(), "full" | "normal") {
            return Err(invalid(
                "database.sqlite_synchronous",
                "must be full or normal",
            ));
        }
        if !matches!(self.blobs.backend.as_str(), "local" | "s3") {
            return Err(invalid("blobs.backend", "must be local or s3"));
        }
        if self.blobs.backend == "s3" && self.blobs.s3_bucket.is_empty() {
            return Err(invalid(
                "blobs.s3_bucket",
                "is required when blobs.backend is s3",
            ));
        }
        if !self.database_url.is_empty()
            && !self.database_url.starts_with("sqlite:")
            && !self.database_url.starts_with("postgres")
        {
            return Err(invalid(
                "database_url",
                "must start with sqlite: or postgres://",
            ));
        }
        if self.max_upload_bytes == 0 {
            return Err(invalid("max_upload_bytes", "must be at least 1"));
        }
        if !matches!(self.mail.transport.as_str(), "outbox" | "smtp") {
            return Err(invalid("mail.transport", "must be outbox or smtp"));
        }
        if self.mail.transport == "smtp" && self.mail.smtp_host.is_empty() {
            return Err(invalid(
                "mail.smtp_host",
                "is required when mail.transport is smtp",
            ));
        }
        if !matches!(
            self.mail.smtp_security.as_str(),
            "starttls" | "tls" | "none"
        ) {
            return Err(invalid(
                "mail.smtp_security",
                "must be starttls, tls or none",
            ));
        }
        if self.tickets.attachment_max_bytes == 0 {
            return Err(invalid(
                "tickets.attachment_max_bytes",
                "must be at least 1",
            ));
        }
        if self.tickets.response_days == 0 {
            return Err(invalid("tickets.response_days", "must be at least 1"));
        }
        if self.search.writer_threads == 0 {
            return Err(invalid("search.writer_threads", "must be at least 1"));
        }
        for (origin, value) in [
            (
                "fetch.connect_timeout_seconds",
                self.fetch.connect_timeout_seconds,
            ),
            ("fetch.timeout_seconds", self.fetch.timeout_seconds),
            (
                "fetch.check_timeout_seconds",
                self.fetch.check_timeout_seconds,
            ),
            ("fetch.max_bytes", self.fetch.max_bytes),
        ] {
            if value == 0 {
                return Err(invalid(origin, "must be at least 1"));
            }
        }
        for (origin, value) in [
            (
                "pull.poll_interval_seconds",
                self.pull.poll_interval_seconds,
            ),
            ("pull.lease_seconds", self.pull.lease_seconds),
            (
                "pull.sql_time_limit_seconds",
                self.pull.sql_time_limit_seconds,
            ),
            ("pull.sql_max_rows", self.pull.sql_max_rows),
            (
                "harvest.poll_interval_seconds",
                self.harvest.poll_interval_seconds,
            ),
            ("harvest.lease_seconds", self.harvest.lease_seconds),
            ("harvest.page_size", u64::from(self.harvest.page_size)),
            ("harvest.max_pages", u64::from(self.harvest.max_pages)),
            (
                "harvest.max_page_megabytes",
                self.harvest.max_page_megabytes,
            ),
        ] {
            if value == 0 {
                return Err(invalid(origin, "must be at least 1"));
            }
        }
        if self.fetch.allowed_ports.is_empty() {
            return Err(invalid(
                "fetch.allowed_ports",
                "must list at least one port",
            ));
        }
        if self.harvest.page_size > 1000 {
            return Err(invalid("harvest.page_size", "must be at most 1000"));
        }
        Ok(())
    }

    /// The database URL in effect (SQLite in the data directory by default).
    pub fn effective_database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("dulieu.db").display()
            )
        } else {
            self.database_url.clone()
        }
    }

    /// The blob directory in effect.
    pub fn effective_blobs_dir(&self) -> PathBuf {
        if self.blobs.dir.is_empty() {
            self.data_dir.join("blobs")
        } else {
            PathBuf::from(&self.blobs.dir)
        }
    }

    /// The search index directory in effect.
    pub fn effective_search_dir(&self) -> PathBuf {
        if self.search.index_dir.is_empty() {
            self.data_dir.join("search")
        } else {
            PathBuf::from(&self.search.index_dir)
        }
    }

    /// The folder of the tables' Parquet files in effect.
    pub fn effective_tables_dir(&self) -> PathBuf {
        if self.tables.dir.is_empty() {
            self.data_dir.join("tables")
        } else {
            PathBuf::from(&self.tables.dir)
        }
    }

    /// The folder of extra readiness frameworks in effect.
    pub fn effective_frameworks_dir(&self) -> PathBuf {
        if self.readiness.frameworks_dir.is_empty() {
            self.data_dir.join("frameworks")
        } else {
            PathBuf::from(&self.readiness.frameworks_dir)
        }
    }

    /// The file of the key sealing database credentials, when no key is configured.
    pub fn pull_key_file(&self) -> PathBuf {
        self.data_dir.join("pull.key")
    }

    /// The e-mail outbox folder in effect.
    pub fn effective_outbox_dir(&self) -> PathBuf {
        if self.mail.outbox_dir.is_empty() {
            self.data_dir.join("outbox")
        } else {
            PathBuf::from(&self.mail.outbox_dir)
        }
    }

    /// The public base URL in effect, without a trailing slash.
    pub fn effective_public_url(&self) -> String {
        if self.public_url.is_empty() {
            format!("http://{}", self.listen)
        } else {
            self.public_url.trim_end_matches('/').to_string()
        }
    }

    /// A commented `dulieu.toml` with every setting at its default.
    pub fn example() -> String {
        let defaults = toml::Value::try_from(Config::default())
            .unwrap_or(toml::Value::Table(Default::default()));
        let mut out = String::from(
            "# dulieu.toml — every setting with its default.\n# Precedence: defaults < this file < DULIEU_* environment < command-line flags.\n",
        );
        let mut section = "";
        for setting in SETTINGS {
            let (table, key) = setting.path.rsplit_once('.').unwrap_or(("", setting.path));
            if table != section {
                out.push_str(&format!("\n[{table}]\n"));
                section = table;
            }
            let value = lookup(&defaults, setting.path)
                .map(|v| v.to_string())
                .unwrap_or_else(|| "\"\"".into());
            out.push_str(&format!(
                "\n# {}\n# env: {}\n{key} = {value}\n",
                setting.doc, setting.env
            ));
        }
        out
    }
}

fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(base), toml::Value::Table(over)) => {
            for (key, value) in over {
                match base.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, over) => *base = over,
    }
}

fn lookup<'a>(tree: &'a toml::Value, path: &str) -> Option<&'a toml::Value> {
    path.split('.').try_fold(tree, |node, key| node.get(key))
}

fn set_path(tree: &mut toml::Value, path: &str, value: toml::Value) {
    let mut node = tree;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let toml::Value::Table(table) = node else {
            return;
        };
        if keys.peek().is_none() {
            table.insert(key.to_string(), value);
            return;
        }
        node = table
            .entry(key.to_string())
            .or_insert_with(|| toml::Value::Table(Default::default()));
    }
}

/// Reads an environment value with the type of the default at `path`.
fn env_value(tree: &toml::Value, path: &str, raw: &str) -> toml::Value {
    typed_value(lookup(tree, path), raw)
}

/// `raw` read as the type of `default`; a list reads a comma list of its first item's type.
fn typed_value(default: Option<&toml::Value>, raw: &str) -> toml::Value {
    match default {
        Some(toml::Value::Array(items)) => toml::Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| typed_value(items.first(), item))
                .collect(),
        ),
        Some(toml::Value::Integer(_)) => raw
            .trim()
            .parse::<i64>()
            .map(toml::Value::Integer)
            .unwrap_or_else(|_| toml::Value::String(raw.into())),
        Some(toml::Value::Boolean(_)) => match raw.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => toml::Value::Boolean(true),
            "0" | "false" | "no" | "off" => toml::Value::Boolean(false),
            _ => toml::Value::String(raw.into()),
        },
        _ => toml::Value::String(raw.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("dulieu.toml"),
            "listen = \"0.0.0.0:9000\"\nmax_upload_bytes = 100\n[worker]\npoll_interval_ms = 5\n",
        )
        .unwrap();
        let env = vec![
            ("DULIEU_MAX_UPLOAD_BYTES".to_string(), "200".to_string()),
            ("DULIEU_WORKER_IN_PROCESS".to_string(), "false".to_string()),
            ("OTHER".to_string(), "x".to_string()),
        ];
        let config = Config::load(None, Some(dir.path()), env).unwrap();
        assert_eq!(config.listen, "0.0.0.0:9000", "file over default");
        assert_eq!(config.max_upload_bytes, 200, "environment over file");
        assert_eq!(config.worker.poll_interval_ms, 5);
        assert!(!config.worker.in_process);
        assert_eq!(config.data_dir, dir.path());
        assert!(config.effective_database_url().starts_with("sqlite://"));
        assert_eq!(config.effective_search_dir(), dir.path().join("search"));
        assert_eq!(
            config.effective_frameworks_dir(),
            dir.path().join("frameworks")
        );
    }

    #[test]
    fn search_settings_from_file_and_environment() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("dulieu.toml"),
            "[search]\nwriter_memory_mb = 128\nindex_dir = \"/var/lib/dulieu/search-a\"\n",
        )
        .unwrap();
        let env = vec![
            ("DULIEU_SEARCH_WRITER_THREADS".to_string(), "2".to_string()),
            (
                "DULIEU_SEARCH_FOLLOW_INTERVAL_MS".to_string(),
                "50".to_string(),
            ),
        ];
        let config = Config::load(None, Some(dir.path()), env).unwrap();
        assert_eq!(
            config.search,
            SearchConfig {
                index_dir: "/var/lib/dulieu/search-a".into(),
                writer_memory_mb: 128,
                writer_threads: 2,
                follow_interval_ms: 50,
            }
        );
        assert_eq!(
            config.effective_search_dir(),
            PathBuf::from("/var/lib/dulieu/search-a")
        );
        let env = vec![("DULIEU_SEARCH_WRITER_THREADS".to_string(), "0".to_string())];
        let err = Config::load(None, Some(dir.path().join("none").as_path()), env).unwrap_err();
        assert!(err.to_string().contains("search.writer_threads"), "{err}");
    }

    #[test]
    fn fetch_lists_come_from_the_file_or_comma_lists_in_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let none = dir.path().join("none");
        let config = Config::load(None, Some(none.as_path()), vec![]).unwrap();
        assert_eq!(config.fetch, FetchSettings::default());
        assert_eq!(config.fetch.allowed_ports, vec![80, 443, 8080, 8443]);
        std::fs::write(
            dir.path().join("dulieu.toml"),
            "[fetch]\nallowed_ports = [443]\nallow_networks = [\"10.20.0.0/16\"]\n",
        )
        .unwrap();
        let config = Config::load(None, Some(dir.path()), vec![]).unwrap();
        assert_eq!(config.fetch.allowed_ports, vec![443]);
        assert_eq!(config.fetch.allow_networks, vec!["10.20.0.0/16"]);
        let env = vec![
            (
                "DULIEU_FETCH_ALLOWED_PORTS".to_string(),
                "80, 8081".to_string(),
            ),
            (
                "DULIEU_FETCH_ALLOW_NETWORKS".to_string(),
                "127.0.0.1/32,fd00::/8".to_string(),
            ),
            ("DULIEU_FETCH_MAX_REDIRECTS".to_string(), "2".to_string()),
        ];
        let config = Config::load(None, Some(dir.path()), env).unwrap();
        assert_eq!(config.fetch.allowed_ports, vec![80, 8081]);
        assert_eq!(
            config.fetch.allow_networks,
            vec!["127.0.0.1/32", "fd00::/8"]
        );
        assert_eq!(config.fetch.max_redirects, 2);
        let env = vec![("DULIEU_FETCH_ALLOWED_PORTS".to_string(), "http".to_string())];
        assert!(Config::load(None, Some(none.as_path()), env).is_err());
        let env = vec![("DULIEU_FETCH_ALLOWED_PORTS".to_string(), String::new())];
        let err = Config::load(None, Some(none.as_path()), env).unwrap_err();
        assert!(err.to_string().contains("fetch.allowed_ports"), "{err}");
        let env = vec![("DULIEU_FETCH_TIMEOUT_SECONDS".to_string(), "0".to_string())];
        let err = Config::load(None, Some(none.as_path()), env).unwrap_err();
        assert!(err.to_string().contains("fetch.timeout_seconds"), "{err}");
    }

    #[test]
    fn live_figures_refresh_daily_unless_told_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let none = dir.path().join("none");
        let config = Config::load(None, Some(none.as_path()), vec![]).unwrap();
        assert_eq!(config.readiness.refresh_interval_minutes, 24 * 60);
        let env = vec![(
            "DULIEU_READINESS_REFRESH_INTERVAL_MINUTES".to_string(),
            "15".to_string(),
        )];
        let config = Config::load(None, Some(none.as_path()), env).unwrap();
        assert_eq!(config.readiness.refresh_interval_minutes, 15);
    }

    #[test]
    fn bad_values_say_where() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("dulieu.toml"), "listen = 3\nnope = 1\n").unwrap();
        let err = Config::load(None, Some(dir.path()), vec![]).unwrap_err();
        assert!(
            err.to_string().contains("nope") || err.to_string().contains("listen"),
            "{err}"
        );
        let env = vec![("DULIEU_MAX_UPLOAD_BYTES".to_string(), "lots".to_string())];
        assert!(Config::load(None, Some(dir.path().join("none").as_path()), env).is_err());
        let env = vec![("DULIEU_BLOBS_BACKEND".to_string(), "ftp".to_string())];
        let err = Config::load(None, Some(dir.path().join("none").as_path()), env).unwrap_err();
        assert!(err.to_string().contains("blobs.backend"));
    }

    #[test]
    fn example_lists_every_setting_and_parses_back() {
        let example = Config::example();
        for setting in SETTINGS {
            assert!(example.contains(setting.env), "{}", setting.env);
        }
        let parsed: Config = toml::from_str(&example).unwrap();
        assert_eq!(parsed, Config::default());
    }
}
