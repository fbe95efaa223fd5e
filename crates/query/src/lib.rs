//! Queries over the Parquet tables written by `dulieu-tables`, with Apache DataFusion: pages of
//! rows (filters, full-text `q`, sort, projection, offset or cursor paging, exact totals),
//! aggregates, a read-only SQL sandbox, streamed exports (CSV, JSON, Parquet, XLSX) and
//! Frictionless data packages.
//!
//! No HTTP and no database: the caller says which tables exist and may be read through a
//! [`TableResolver`] (a [`TableMap`] or its own), naming each table by its distribution id
//! ([`TableName`]: `"<uuid>"`, `"<uuid>/<sheet>"` for later sheets), and maps the
//! [`QueryError`] codes to responses.
//!
//! ```no_run
//! # async fn example(parquet: std::path::PathBuf, id: uuid::Uuid) -> dulieu_query::Result<()> {
//! use dulieu_query::{Engine, EngineConfig, Filter, RowsRequest, TableMap, TableName};
//! let engine = Engine::new(EngineConfig::default())?;
//! let tables = TableMap::new().with(TableName::new(id), parquet);
//! let request = RowsRequest {
//!     filters: vec![Filter::parse("tinh:eq:Hà Nội")?],
//!     q: Some("nong nghiep".into()),
//!     ..RowsRequest::default()
//! };
//! let page = engine.rows(&tables, &id.to_string(), &request).await?;
//! println!("{} of {}", page.result.rows.len(), page.total);
//! # Ok(()) }
//! ```

mod aggregate;
pub mod bench;
mod cursor;
mod error;
mod export;
mod filter;
mod fold;
mod hot;
mod package;
mod provider;
mod result;
mod rows;
mod run;
mod session;
mod sql;
mod tables;

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use aggregate::{AggregateRequest, AggregateResult, DEFAULT_GROUPS, Metric, MetricFunction};
pub use error::{ErrorCode, QueryError, Result, SqlPosition};
pub use export::{ByteStream, Export, ExportFormat, ExportQuery, XLSX_MAX_DATA_ROWS};
pub use filter::{Filter, FilterOp, SortKey};
pub use fold::fold;
pub use hot::{HotColumnStats, MAX_INDEXED_VALUES};
pub use package::{DataPackage, PackageLicense, PackageResource, resource_name};
pub use result::{ResultColumn, ResultSet};
pub use rows::{DEFAULT_LIMIT, RowsPage, RowsRequest};
pub use tables::{ResolveError, TableInfo, TableMap, TableName, TableResolver};

use cursor::CursorKey;
use hot::HotColumns;
use session::Sessions;
use tables::FooterCache;

/// Bounds of one kind of query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryLimits {
    /// Longest run; the query is cancelled after it.
    pub time_limit: Duration,
    /// Most memory the query's operators may hold, in bytes (nothing spills to disk).
    pub memory_limit: usize,
    /// Most rows of a result (`limit` maximum for rows and aggregates, the row cap for SQL and
    /// exports); `None` for no cap.
    pub max_rows: Option<u64>,
}

/// How an [`Engine`] runs queries.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EngineConfig {
    /// Rows and aggregates: 30 s, 512 MiB, `limit` ≤ 32,000.
    pub api: QueryLimits,
    /// The SQL sandbox: 10 s, 256 MiB, at most 32,000 rows.
    pub sql: QueryLimits,
    /// Exports and data packages: 15 min, 512 MiB, no row cap (XLSX has its own).
    pub export: QueryLimits,
    /// Threads per query (default: the machine's cores).
    pub target_partitions: usize,
    /// Memory for the columns that row filters read, kept so that exact totals do not read
    /// the file again (512 MiB; 0 turns it off). See ARCHITECTURE.md, "Hot columns".
    pub hot_column_bytes: usize,
    /// The secret cursors are signed with. Give the same secret to every server of a portal
    /// so cursors outlive a restart; by default a random one per engine.
    pub cursor_secret: [u8; 32],
}

impl std::fmt::Debug for EngineConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineConfig")
            .field("api", &self.api)
            .field("sql", &self.sql)
            .field("export", &self.export)
            .field("target_partitions", &self.target_partitions)
            .field("hot_column_bytes", &self.hot_column_bytes)
            .finish_non_exhaustive()
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            api: QueryLimits {
                time_limit: Duration::from_secs(30),
                memory_limit: 512 << 20,
                max_rows: Some(32_000),
            },
            sql: QueryLimits {
                time_limit: Duration::from_secs(10),
                memory_limit: 256 << 20,
                max_rows: Some(32_000),
            },
            export: QueryLimits {
                time_limit: Duration::from_secs(15 * 60),
                memory_limit: 512 << 20,
                max_rows: None,
            },
            target_partitions: std::thread::available_parallelism().map_or(2, usize::from),
            hot_column_bytes: 512 << 20,
            cursor_secret: random_secret(),
        }
    }
}

fn random_secret() -> [u8; 32] {
    let mut secret = [0u8; 32];
    secret[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    secret[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    secret
}

/// Runs queries over Parquet tables. Cheap to share (`Arc`); every query gets its own session,
/// catalog and memory pool, while footers of the files read are cached.
#[derive(Debug, Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: EngineConfig,
    sessions: Sessions,
    footers: FooterCache,
    cursors: CursorKey,
    hot: HotColumns,
}

impl Engine {
    /// An engine with `config`.
    pub fn new(config: EngineConfig) -> Result<Self> {
        Ok(Self {
            inner: Arc::new(Inner {
                sessions: Sessions::new(config.target_partitions)?,
                footers: FooterCache::default(),
                cursors: CursorKey::new(config.cursor_secret),
                hot: HotColumns::new(config.hot_column_bytes),
                config,
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.inner.config
    }

    /// What the hot columns hold (columns in memory for counting filtered rows).
    pub fn hot_column_stats(&self) -> HotColumnStats {
        self.inner.hot.stats()
    }

    /// Loads into memory the columns the filters of `request` read on `table` (as a count of
    /// its rows does in the background), when they fit; says whether they are in memory.
    pub async fn preload(
        &self,
        tables: &dyn TableResolver,
        table: &str,
        request: &RowsRequest,
    ) -> Result<bool> {
        let file = self
            .inner
            .footers
            .open(tables, table, ErrorCode::UnknownTable, "table")
            .await?;
        let selection = rows::Selection::new(file.clone(), request)?;
        self.inner
            .hot
            .preload(file, selection.filter_columns())
            .await
    }

    /// The row count and export schema of a table (`unknown_table` when it does not resolve).
    pub async fn table_info(&self, tables: &dyn TableResolver, table: &str) -> Result<TableInfo> {
        let file = self
            .inner
            .footers
            .open(tables, table, ErrorCode::UnknownTable, "table")
            .await?;
        Ok(TableInfo {
            name: table.to_owned(),
            row_count: file.row_count,
            schema: file.schema.for_export(),
        })
    }
}
