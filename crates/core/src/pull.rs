//! Scheduled pulls (automatic publication): a distribution's source in an agency system, as the
//! catalog keeps and shows it, and the history of its runs. Credentials are never part of these
//! types: a database source shows its connection with the password masked.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::string_enum! {
    /// Where a source's bytes come from.
    SourceKind {
        /// An `http`/`https` URL fetched with `ETag`/`Last-Modified`.
        Http = "http",
        /// One `SELECT` against an agency database, published as CSV.
        Sql = "sql",
    }
}

crate::string_enum! {
    /// How a run ended (or that it has not).
    RunOutcome {
        /// Still going.
        Running = "running",
        /// The bytes changed: a new version of the distribution was published.
        NewVersion = "new_version",
        /// Bytes came, the same as the current version's: nothing published.
        Unchanged = "unchanged",
        /// The server said the file has not changed (`304`): nothing published.
        NotModified = "not_modified",
        /// The source could not be read; `error_code` and `error_message` say why.
        Failed = "failed",
        /// Its server stopped before the run ended; the source was run again.
        Interrupted = "interrupted",
    }
}

impl RunOutcome {
    /// Whether the run reached the source and read it (a new version or not).
    pub fn succeeded(self) -> bool {
        matches!(self, Self::NewVersion | Self::Unchanged | Self::NotModified)
    }
}

crate::string_enum! {
    /// What started a run.
    RunTrigger {
        /// Its schedule came due.
        Schedule = "schedule",
        /// Someone asked for it ("run now").
        Manual = "manual",
    }
}

/// A distribution's source, as shown to its publishers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullSource {
    /// The distribution the source feeds.
    pub distribution_id: Uuid,
    /// `http` or `sql`.
    pub kind: SourceKind,
    /// The web address (`http` sources).
    pub url: Option<String>,
    /// `postgres`, `mysql` or `sqlite` (`sql` sources).
    pub driver: Option<String>,
    /// The connection with its password masked (`sql` sources); the credentials themselves are
    /// kept sealed and never shown.
    pub connection: Option<String>,
    /// The `SELECT` run (`sql` sources).
    pub query: Option<String>,
    /// File name of each version (`sql` sources; web sources keep the name the server gives).
    pub file_name: Option<String>,
    /// Cron schedule (minute hour day-of-month month day-of-week), in the portal's time zone.
    pub schedule: String,
    /// Whether the schedule runs (a paused source can still be run by hand).
    pub enabled: bool,
    /// When the schedule next runs it.
    pub next_run_at: Option<DateTime<Utc>>,
    /// Whether a run is going on now.
    pub running: bool,
    /// Failed runs in a row (0 after a success).
    pub consecutive_failures: i64,
    /// The first of the current failures in a row.
    pub failing_since: Option<DateTime<Utc>>,
    /// When the last run ended.
    pub last_run_at: Option<DateTime<Utc>>,
    /// How it ended.
    pub last_outcome: Option<RunOutcome>,
    /// The stable code of its error, when it failed.
    pub last_error_code: Option<String>,
    /// Its error, when it failed.
    pub last_error: Option<String>,
    /// `ETag` of the last fetched body (web sources).
    pub etag: Option<String>,
    /// `Last-Modified` of the last fetched body (web sources).
    pub last_modified: Option<String>,
    /// When the source was set up.
    pub created_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

/// One run of a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullRun {
    /// The run.
    pub id: Uuid,
    /// The distribution of the source.
    pub distribution_id: Uuid,
    /// What started it.
    pub trigger: RunTrigger,
    /// How it ended.
    pub outcome: RunOutcome,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// How long it took, in milliseconds.
    pub duration_ms: Option<i64>,
    /// Bytes read from the source.
    pub bytes: Option<i64>,
    /// Rows read (`sql` sources).
    pub rows: Option<i64>,
    /// The version published (`new_version`).
    pub version: Option<i64>,
    /// SHA-256 of the bytes read.
    pub sha256: Option<String>,
    /// The HTTP status of the answer (web sources).
    pub http_status: Option<i64>,
    /// Stable code of the failure (`timeout`, `http_status`, `query_failed` …).
    pub error_code: Option<String>,
    /// The failure, what and where.
    pub error_message: Option<String>,
}

/// What a publisher sends to set up or change a source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    /// `http` or `sql`.
    pub kind: Option<SourceKind>,
    /// The web address (`http`).
    #[serde(default)]
    pub url: Option<String>,
    /// The database connection URL with its credentials (`sql`), e.g.
    /// `postgres://reader:secret@10.20.0.5/thong_ke`. Kept sealed; leave it out when changing
    /// other fields of a source that has one.
    #[serde(default)]
    pub connection: Option<String>,
    /// The `SELECT` (`sql`).
    #[serde(default)]
    pub query: Option<String>,
    /// File name of each version (`sql`; default `<distribution>.csv`).
    #[serde(default)]
    pub file_name: Option<String>,
    /// Cron schedule, e.g. `0 2 * * *` (every day at 02:00).
    pub schedule: Option<String>,
    /// Whether the schedule runs (default true).
    #[serde(default)]
    pub enabled: Option<bool>,
}
