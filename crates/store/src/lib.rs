//! Storage of dulieu: one SQL layer over SQLite (default) and PostgreSQL, with identical numbered
//! migrations, the append-only event log and the durable job queue.
//!
//! Reads and writes are free functions over a connection (`&mut AnyConnection`), so a use case can
//! run several of them, plus [`events::append`], inside one [`Store::begin`] transaction.

pub mod accounts;
pub mod attachments;
pub mod ckan;
mod codec;
pub mod datasets;
pub mod distributions;
pub mod events;
pub mod export;
pub mod feedback;
pub mod harvest;
pub mod inventory;
pub mod jobs;
pub mod migrate;
pub mod notifications;
pub mod organizations;
pub mod pull;
pub mod quality;
pub mod readiness;
pub mod registers;
pub mod requests;
pub mod scheduled;
pub mod sessions;
pub mod sqlite_reader;
pub mod tables;
pub mod ticket_deadlines;
pub mod usage;

use std::str::FromStr;
use std::time::Duration;

use dulieu_core::{Error, Result};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, ConnectOptions, Executor};

pub use sqlx::AnyConnection as Conn;
/// A transaction; dereferences to a [`Conn`].
pub type Tx = sqlx::Transaction<'static, Any>;

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file (default, embedded).
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// Detects the backend from a database URL.
    pub fn from_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(Error::BadRequest {
                code: "unsupported_database_url",
                detail: "database URL must start with sqlite: or postgres:".into(),
            })
        }
    }

    /// Detects the backend of an open connection.
    pub fn of(conn: &Conn) -> Self {
        if conn.backend_name().eq_ignore_ascii_case("postgresql") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Connection settings.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Largest number of pooled connections.
    pub max_connections: u32,
    /// SQLite `synchronous` setting: `full` (survives power loss) or `normal` (survives process crashes).
    pub sqlite_synchronous: String,
    /// Serve single-dataset reads on SQLite through [`sqlite_reader`] instead of sqlx.
    pub sqlite_direct_reads: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            sqlite_synchronous: "full".into(),
            sqlite_direct_reads: true,
        }
    }
}

/// A connection pool to the catalog database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The SQLite file, when direct reads are enabled.
    direct_read_path: Option<std::path::PathBuf>,
    reader: std::sync::Arc<std::sync::OnceLock<Option<sqlite_reader::SqliteReader>>>,
}

impl Store {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://...`); does not migrate.
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let connect = AnyConnectOptions::from_str(url)
            .map_err(Error::internal)?
            .log_statements(tracing::log::LevelFilter::Trace);
        let synchronous = match options.sqlite_synchronous.as_str() {
            "normal" => "NORMAL",
            _ => "FULL",
        };
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if Backend::of(conn) == Backend::Sqlite {
                        let pragmas: &'static str = match synchronous {
                            "NORMAL" => "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                            _ => "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                        };
                        conn.execute(sqlx::raw_sql(pragmas)).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(connect)
            .await
            .map_err(|e| Error::Internal(format!("cannot connect to the database: {e}")))?;
        let direct_read_path = match backend {
            Backend::Sqlite if options.sqlite_direct_reads => {
                sqlite_reader::SqliteReader::path_of(url)
            }
            _ => None,
        };
        Ok(Self {
            pool,
            backend,
            direct_read_path,
            reader: Default::default(),
        })
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies every migration not applied yet; returns the versions applied now.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        let mut conn = self.conn().await?;
        migrate::run(&mut conn, self.backend).await
    }

    /// A dataset with its distributions, by id or slug: on SQLite through the direct reader (opened
    /// on first use, after migrations), otherwise through the pool.
    pub async fn read_dataset(
        &self,
        id_or_slug: &str,
    ) -> Result<Option<dulieu_core::catalog::Dataset>> {
        match self.reader() {
            Some(reader) => reader.dataset(id_or_slug),
            None => {
                let mut conn = self.conn().await?;
                datasets::get(&mut conn, id_or_slug).await
            }
        }
    }

    /// The public datasets with ids from `from` (included) to `to` (left out), either end open
    /// when `None`, in id order, with their distributions: one batch of a whole-catalog export.
    /// On SQLite the direct reader runs it on a blocking thread; otherwise the pool.
    pub async fn public_between(
        &self,
        from: Option<uuid::Uuid>,
        to: Option<uuid::Uuid>,
    ) -> Result<Vec<dulieu_core::catalog::Dataset>> {
        if self.reader().is_some() {
            let readers = self.reader.clone();
            return tokio::task::spawn_blocking(move || match readers.get() {
                Some(Some(reader)) => reader.public_between(from, to),
                _ => Err(Error::Internal("the direct SQLite reader closed".into())),
            })
            .await
            .map_err(|e| Error::Internal(format!("direct SQLite read failed: {e}")))?;
        }
        let mut conn = self.conn().await?;
        export::public_between(&mut conn, from, to).await
    }

    /// The direct SQLite reader, opened on first use (after migrations); `None` on PostgreSQL,
    /// when turned off, or when it cannot open.
    fn reader(&self) -> Option<&sqlite_reader::SqliteReader> {
        self.reader
            .get_or_init(|| {
                let path = self.direct_read_path.as_deref()?;
                let count = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
                match sqlite_reader::SqliteReader::open(path, count) {
                    Ok(reader) => Some(reader),
                    Err(e) => {
                        tracing::warn!(error = %e, "direct SQLite reads unavailable; using the pool");
                        None
                    }
                }
            })
            .as_ref()
    }

    /// A pooled connection for reads (or single-statement writes).
    pub async fn conn(&self) -> Result<PoolConnection<Any>> {
        self.pool.acquire().await.map_err(db_error)
    }

    /// Starts a transaction. On SQLite the write lock is taken at once (`BEGIN IMMEDIATE`),
    /// so concurrent writers queue instead of failing at commit.
    pub async fn begin(&self) -> Result<Tx> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        };
        tx.map_err(db_error)
    }

    /// True when the database answers.
    pub async fn ping(&self) -> bool {
        let Ok(mut conn) = self.pool.acquire().await else {
            return false;
        };
        conn.execute(sqlx::raw_sql("SELECT 1")).await.is_ok()
    }

    /// Closes every connection (waits for borrowed ones).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Maps a database error to the dulieu error; unique violations become conflicts.
pub(crate) fn db_error(err: sqlx::Error) -> Error {
    if let Some(db) = err.as_database_error()
        && db.is_unique_violation()
    {
        // Callers that know the clashing field (slug, e-mail) rename this; the database's own
        // message (constraint names) is never shown.
        tracing::debug!(error = %db.message(), "unique violation");
        return Error::Conflict {
            code: "already_exists",
            field: "id",
            value: String::new(),
        };
    }
    Error::Internal(format!("database: {err}"))
}
