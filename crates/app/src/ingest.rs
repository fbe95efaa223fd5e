//! The ingest job: the stored original of a tabular distribution (or its remote file, fetched
//! through the SSRF-guarded client) is read by `dulieu-tables` into Parquet files with a Table
//! Schema and a profile per table. Progress is written to the store as rows are read; the
//! outcome, done or failed with a stable code and where, is stored for the API, the pages and
//! the CLI. The original bytes are never changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use dulieu_core::catalog::Distribution;
use dulieu_core::job::Job;
use dulieu_core::tables::{IngestStatus, IngestedTable, TableIngest, is_tabular_format};
use dulieu_core::{Error, Result};
use dulieu_query::TableName;
use dulieu_store::{Conn, distributions, jobs, tables};
use dulieu_tables::{IngestError, IngestOptions, IngestReport, TableSchema};
use futures::StreamExt;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::App;

/// Job kind: read a distribution's file as tables.
pub const INGEST_TABLES: &str = "table.ingest";

/// Attempts of an ingest job (a file that cannot be read as tables fails at once; these are for
/// faults of the machine: a full disk, an unreachable blob store).
const INGEST_ATTEMPTS: i64 = 3;

/// Asks for an ingest of `distribution_id` in the transaction of the change that made it due.
pub(crate) async fn queue_ingest(
    conn: &mut Conn,
    distribution_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    tables::queue(conn, distribution_id, now).await?;
    jobs::enqueue(
        conn,
        INGEST_TABLES,
        &serde_json::json!({ "distribution_id": distribution_id }),
        now,
        INGEST_ATTEMPTS,
    )
    .await?;
    Ok(())
}

/// Asks for an ingest when a distribution of `format` is read as tables.
pub(crate) async fn queue_ingest_if_tabular(
    conn: &mut Conn,
    distribution: &Distribution,
    now: DateTime<Utc>,
) -> Result<()> {
    if is_tabular_format(distribution.format.as_deref()) {
        queue_ingest(conn, distribution.id, now).await?;
    }
    Ok(())
}

/// The folder of the Parquet files of one ingest.
pub(crate) fn ingest_dir(root: &Path, distribution_id: Uuid, sha256: &str) -> PathBuf {
    root.join(distribution_id.to_string()).join(sha256)
}

/// The Parquet file of the table at `index` (0-based) of an ingest's folder.
pub(crate) fn table_file(dir: &Path, index: usize) -> PathBuf {
    dir.join(format!("table-{}.parquet", index + 1))
}

/// The error of an ingest as stored: its code, where, and its parameters.
fn error_json(error: &IngestError) -> serde_json::Value {
    serde_json::json!({
        "code": error.code.as_str(),
        "location": &*error.location,
        "params": &error.params,
    })
}

/// A local copy of the bytes to read, removed when dropped.
struct SourceFile {
    path: PathBuf,
    sha256: String,
}

impl Drop for SourceFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Why the bytes could not be had: the source's fault (stored as the ingest's error) or the
/// machine's (the job is retried).
enum SourceError {
    Source(serde_json::Value),
    Machine(anyhow::Error),
}

/// A fetch that failed in a way worth retrying (DNS, connection, timeout), with the error to
/// store if no attempt is left.
#[derive(Debug)]
struct RetryableFetch(serde_json::Value);

impl std::fmt::Display for RetryableFetch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "fetch failed: {}", self.0)
    }
}

impl std::error::Error for RetryableFetch {}

impl App {
    /// Runs an ingest job.
    pub(crate) async fn run_ingest_job(&self, job: &Job) -> anyhow::Result<()> {
        let id: Uuid = job
            .payload
            .get("distribution_id")
            .and_then(|v| v.as_str())
            .and_then(|v| Uuid::parse_str(v).ok())
            .ok_or_else(|| anyhow::anyhow!("payload has no distribution_id"))?;
        let outcome = self.ingest(id).await;
        if let Err(e) = &outcome
            && job.attempts >= job.max_attempts
        {
            // The last attempt: the ingest is failed, with the last fetch error when a fetch
            // failed, or else the machine's fault, as its error.
            let error = match e.downcast_ref::<RetryableFetch>() {
                Some(RetryableFetch(error)) => error.clone(),
                None => serde_json::json!({
                    "code": "internal", "location": {}, "params": { "detail": e.to_string() }
                }),
            };
            self.store_failure(id, None, error).await?;
        }
        outcome
    }

    async fn ingest(&self, id: Uuid) -> anyhow::Result<()> {
        let distribution = {
            let mut conn = self.store().conn().await?;
            let Some((distribution, _)) = distributions::get(&mut conn, id).await? else {
                return Ok(()); // deleted since
            };
            if !tables::start(&mut conn, id, Utc::now()).await? {
                return Ok(());
            }
            distribution
        };
        let edits = {
            let mut conn = self.store().conn().await?;
            tables::schema_edits(&mut conn, id).await?
        };
        let root = self.config().effective_tables_dir();
        let work = root.join(".work");
        tokio::fs::create_dir_all(&work).await?;
        let source = match self.source_file(&distribution, &work).await {
            Ok(source) => source,
            Err(SourceError::Source(error)) => {
                return Ok(self.store_failure(id, None, error).await?);
            }
            Err(SourceError::Machine(e)) => return Err(e),
        };
        let building = work.join(format!("{id}-{}", Uuid::now_v7()));
        let report = self.read_tables(id, &source.path, &building, edits).await;
        let report = match report? {
            Ok(report) => report,
            Err(error) => {
                let _ = tokio::fs::remove_dir_all(&building).await;
                let error = error_json(&error);
                return Ok(self.store_failure(id, Some(&source.sha256), error).await?);
            }
        };
        let dir = ingest_dir(&root, id, &source.sha256);
        if tokio::fs::try_exists(&dir).await? {
            tokio::fs::remove_dir_all(&dir).await?;
        }
        tokio::fs::create_dir_all(dir.parent().unwrap_or(&root)).await?;
        tokio::fs::rename(&building, &dir).await?;
        let ingest = done(id, &source.sha256, &report);
        {
            let mut conn = self.store().conn().await?;
            tables::finish(&mut conn, &ingest, Utc::now()).await?;
        }
        remove_other_versions(&root, id, &source.sha256).await;
        tracing::info!(distribution = %id, tables = ingest.tables.len(), rows = ingest.rows_done, "tables ingested");
        self.recheck_distribution(id).await;
        Ok(())
    }

    /// Ingests `path` into `out` on a blocking thread, writing progress to the store every
    /// half second. The outer error is the machine's, the inner the file's.
    async fn read_tables(
        &self,
        id: Uuid,
        path: &Path,
        out: &Path,
        edits: BTreeMap<String, serde_json::Value>,
    ) -> anyhow::Result<std::result::Result<IngestReport, IngestError>> {
        let mut schemas = BTreeMap::new();
        for (name, json) in edits {
            // A schema that no longer reads is ignored (it was checked when saved).
            if let Ok(schema) = TableSchema::from_json(&json) {
                schemas.insert(name, schema);
            }
        }
        let counters = Arc::new(Counters::default());
        let task = {
            let (path, out, counters) = (path.to_owned(), out.to_owned(), counters.clone());
            tokio::task::spawn_blocking(move || {
                let progress = |p: &dulieu_tables::Progress| counters.record(p);
                let options = IngestOptions::default();
                if schemas.is_empty() {
                    dulieu_tables::ingest(&path, &out, &options, &progress)
                } else {
                    dulieu_tables::apply_schema(&path, &out, &options, &schemas, &progress)
                }
            })
        };
        tokio::pin!(task);
        loop {
            tokio::select! {
                result = &mut task => return Ok(result?),
                () = tokio::time::sleep(Duration::from_millis(500)) => {
                    let (rows, bytes, total) = counters.read();
                    let mut conn = self.store().conn().await?;
                    tables::progress(&mut conn, id, rows, bytes, total).await?;
                }
            }
        }
    }

    /// A local copy of the distribution's current bytes: its stored file, or its remote file
    /// fetched through the guarded client.
    async fn source_file(
        &self,
        distribution: &Distribution,
        work: &Path,
    ) -> std::result::Result<SourceFile, SourceError> {
        let path = work.join(format!("{}-{}.source", distribution.id, Uuid::now_v7()));
        if let Some(url) = &distribution.remote_url {
            return self.fetch_source(url, path).await;
        }
        let sha256 = distribution.sha256.clone().ok_or_else(|| {
            SourceError::Source(serde_json::json!({
                "code": "no_file", "location": {}, "params": {}
            }))
        })?;
        let source = SourceFile { path, sha256 };
        let read = self
            .blobs()
            .open(&source.sha256, None)
            .await
            .map_err(|e| SourceError::Machine(e.into()))?;
        copy_stream(read.stream, &source.path)
            .await
            .map_err(|e| SourceError::Machine(e.into()))?;
        Ok(source)
    }

    /// Fetches a remote file through the SSRF-guarded client. A refusal or an answer that will
    /// not change (a blocked address, a 404, a file too large) is the source's fault; a timeout
    /// or a refused connection is retried.
    async fn fetch_source(
        &self,
        url: &str,
        path: PathBuf,
    ) -> std::result::Result<SourceFile, SourceError> {
        match self.fetcher().fetch_to_file(url, &path).await {
            Ok(fetched) => Ok(SourceFile {
                path,
                sha256: fetched.sha256,
            }),
            Err(e) => {
                let error = serde_json::json!({
                    "code": format!("fetch_{}", e.code()),
                    "location": { "url": url },
                    "params": { "detail": e.to_string() },
                });
                if e.is_permanent() {
                    Err(SourceError::Source(error))
                } else {
                    Err(SourceError::Machine(RetryableFetch(error).into()))
                }
            }
        }
    }

    /// Stores a failed ingest: no tables, the error, and (when known) the bytes it was about.
    async fn store_failure(
        &self,
        id: Uuid,
        sha256: Option<&str>,
        error: serde_json::Value,
    ) -> Result<()> {
        let mut conn = self.store().conn().await?;
        let Some(before) = tables::get(&mut conn, id).await? else {
            return Ok(());
        };
        let failed = TableIngest {
            status: IngestStatus::Failed,
            source_sha256: sha256.map(str::to_owned),
            error: Some(error),
            tables: Vec::new(),
            ..before
        };
        tables::finish(&mut conn, &failed, Utc::now()).await?;
        drop(conn);
        let root = self.config().effective_tables_dir();
        remove_other_versions(&root, id, "").await;
        self.recheck_distribution(id).await;
        Ok(())
    }

    /// Queues a new ingest for every done ingest whose Parquet folder is missing from this
    /// server's `tables.dir` (a new server, a restored backup, a cleaned disk): the files are
    /// derived data. Returns how many were queued.
    pub async fn requeue_missing_tables(&self) -> Result<usize> {
        let root = self.config().effective_tables_dir();
        let mut conn = self.store().conn().await?;
        let mut queued = 0;
        for (id, sha256) in tables::done_sources(&mut conn).await? {
            if !ingest_dir(&root, id, &sha256).is_dir() {
                queue_ingest(&mut conn, id, Utc::now()).await?;
                queued += 1;
            }
        }
        Ok(queued)
    }

    /// Reads the tables of a distribution again (after a schema edit, or when its Parquet files
    /// are missing): queued for the worker.
    pub(crate) async fn requeue_ingest(&self, conn: &mut Conn, id: Uuid) -> Result<()> {
        queue_ingest(conn, id, Utc::now()).await
    }
}

/// The record of a successful ingest.
fn done(id: Uuid, sha256: &str, report: &IngestReport) -> TableIngest {
    let tables = report
        .tables
        .iter()
        .enumerate()
        .map(|(index, table)| IngestedTable {
            table: TableName::of_ingested(id, index, &table.name).to_string(),
            name: table.name.clone(),
            title: table.title.clone(),
            notes: table.notes.clone(),
            row_count: i64::try_from(table.row_count).unwrap_or(i64::MAX),
            schema: table.schema.to_json(),
            profile: serde_json::to_value(&table.profile).unwrap_or_default(),
            warnings: serde_json::to_value(&table.warnings).unwrap_or_default(),
        })
        .collect::<Vec<_>>();
    let rows = tables.iter().map(|t| t.row_count).sum();
    let bytes = i64::try_from(report.source_bytes).unwrap_or(i64::MAX);
    TableIngest {
        distribution_id: id,
        status: IngestStatus::Done,
        source_sha256: Some(sha256.to_owned()),
        format: Some(report.format.name().to_owned()),
        encoding: report
            .encoding
            .and_then(|e| serde_json::to_value(e).ok())
            .and_then(|v| v.as_str().map(str::to_owned)),
        delimiter: report.delimiter.clone(),
        source_bytes: Some(bytes),
        rows_done: rows,
        bytes_done: bytes,
        error: None,
        warnings: serde_json::to_value(&report.warnings).unwrap_or_default(),
        tables,
        // Kept as stored: `finish` writes only what an ingest changes.
        queued_at: Utc::now(),
        started_at: None,
        finished_at: None,
    }
}

/// Rows and bytes read so far, shared with the blocking ingest.
#[derive(Default)]
struct Counters {
    rows: AtomicU64,
    bytes: AtomicU64,
    total: AtomicU64,
}

impl Counters {
    fn record(&self, progress: &dulieu_tables::Progress) {
        self.rows.store(progress.rows_done, Ordering::Relaxed);
        self.bytes.store(progress.bytes_read, Ordering::Relaxed);
        self.total.store(progress.bytes_total, Ordering::Relaxed);
    }

    fn read(&self) -> (i64, i64, i64) {
        let get = |n: &AtomicU64| i64::try_from(n.load(Ordering::Relaxed)).unwrap_or(i64::MAX);
        (get(&self.rows), get(&self.bytes), get(&self.total))
    }
}

/// Writes a stream of bytes to `path`.
async fn copy_stream(
    mut stream: futures::stream::BoxStream<'static, std::io::Result<bytes::Bytes>>,
    path: &Path,
) -> std::io::Result<()> {
    let mut file = tokio::fs::File::create(path).await?;
    while let Some(chunk) = stream.next().await {
        file.write_all(&chunk?).await?;
    }
    file.flush().await?;
    file.sync_all().await
}

/// Removes the folders of a distribution's other ingests (older file versions), best effort:
/// a query still reading one keeps its open files.
async fn remove_other_versions(root: &Path, id: Uuid, keep: &str) {
    let Ok(mut entries) = tokio::fs::read_dir(root.join(id.to_string())).await else {
        return;
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        if entry.file_name().to_str() != Some(keep) {
            let _ = tokio::fs::remove_dir_all(entry.path()).await;
        }
    }
}

/// Removes every Parquet file of a deleted distribution, best effort.
pub(crate) async fn remove_tables(root: &Path, id: Uuid) {
    let _ = tokio::fs::remove_dir_all(root.join(id.to_string())).await;
}

impl From<Error> for SourceError {
    fn from(e: Error) -> Self {
        SourceError::Machine(e.into())
    }
}
