//! The ingest of tabular distributions: status and progress while the worker reads a file, the
//! tables it found, and the Table Schemas publishers edited (applied by the next ingest).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use dulieu_core::Result;
use dulieu_core::tables::{IngestStatus, IngestedTable, TableIngest};
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{RowExt, json_text, ts, vocab};
use crate::{Conn, db_error};

const COLUMNS: &str = "distribution_id, status, source_sha256, format, encoding, delimiter,
    source_bytes, rows_done, bytes_done, error, warnings, tables, queued_at, started_at,
    finished_at";

fn from_row(row: &AnyRow) -> Result<TableIngest> {
    Ok(TableIngest {
        distribution_id: row.uuid("distribution_id")?,
        status: vocab(IngestStatus::parse, "ingest status", &row.text("status")?)?,
        source_sha256: row.opt_text("source_sha256")?,
        format: row.opt_text("format")?,
        encoding: row.opt_text("encoding")?,
        delimiter: row.opt_text("delimiter")?,
        source_bytes: row.opt_int("source_bytes")?,
        rows_done: row.int("rows_done")?,
        bytes_done: row.int("bytes_done")?,
        error: row
            .opt_text("error")?
            .map(|text| {
                serde_json::from_str(&text).map_err(|e| {
                    dulieu_core::Error::Internal(format!("bad JSON in column error: {e}"))
                })
            })
            .transpose()?,
        warnings: row.json("warnings")?,
        tables: row.json::<Vec<IngestedTable>>("tables")?,
        queued_at: row.time("queued_at")?,
        started_at: row.opt_time("started_at")?,
        finished_at: row.opt_time("finished_at")?,
    })
}

/// Asks for an ingest of a distribution: a new record, or the existing one set back to
/// `queued` with its progress and error cleared. The tables of the last successful ingest stay
/// readable until a new one replaces them.
pub async fn queue(conn: &mut Conn, distribution_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "INSERT INTO table_ingests (distribution_id, status, rows_done, bytes_done, warnings,
            tables, queued_at, updated_at)
         VALUES ($1, 'queued', 0, 0, '{}', '[]', $2, $2)
         ON CONFLICT (distribution_id) DO UPDATE SET status = 'queued', rows_done = 0,
            bytes_done = 0, error = NULL, started_at = NULL, finished_at = NULL,
            queued_at = $2, updated_at = $2",
    )
    .bind(distribution_id.to_string())
    .bind(ts(now))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Marks an ingest as running; false when it is no longer queued or running (e.g. the
/// distribution was deleted).
pub async fn start(conn: &mut Conn, distribution_id: Uuid, now: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE table_ingests SET status = 'running', rows_done = 0, bytes_done = 0,
            started_at = $2, updated_at = $2
         WHERE distribution_id = $1 AND status IN ('queued', 'running')",
    )
    .bind(distribution_id.to_string())
    .bind(ts(now))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// Records the progress of a running ingest.
pub async fn progress(
    conn: &mut Conn,
    distribution_id: Uuid,
    rows_done: i64,
    bytes_done: i64,
    source_bytes: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE table_ingests SET rows_done = $2, bytes_done = $3, source_bytes = $4,
            updated_at = $5
         WHERE distribution_id = $1 AND status = 'running'",
    )
    .bind(distribution_id.to_string())
    .bind(rows_done)
    .bind(bytes_done)
    .bind(source_bytes)
    .bind(ts(Utc::now()))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Stores the outcome of an ingest (`done` with its tables, or `failed` with its error).
pub async fn finish(conn: &mut Conn, ingest: &TableIngest, now: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "UPDATE table_ingests SET status = $2, source_sha256 = $3, format = $4, encoding = $5,
            delimiter = $6, source_bytes = $7, rows_done = $8, bytes_done = $9, error = $10,
            warnings = $11, tables = $12, finished_at = $13, updated_at = $13
         WHERE distribution_id = $1",
    )
    .bind(ingest.distribution_id.to_string())
    .bind(ingest.status.as_str())
    .bind(ingest.source_sha256.clone())
    .bind(ingest.format.clone())
    .bind(ingest.encoding.clone())
    .bind(ingest.delimiter.clone())
    .bind(ingest.source_bytes)
    .bind(ingest.rows_done)
    .bind(ingest.bytes_done)
    .bind(ingest.error.as_ref().map(json_text).transpose()?)
    .bind(json_text(&ingest.warnings)?)
    .bind(json_text(&ingest.tables)?)
    .bind(ts(now))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The ingest of a distribution, if one was ever asked for.
pub async fn get(conn: &mut Conn, distribution_id: Uuid) -> Result<Option<TableIngest>> {
    let sql = format!("SELECT {COLUMNS} FROM table_ingests WHERE distribution_id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(distribution_id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// The ingests of a dataset's distributions, in the distributions' order.
pub async fn list_for_dataset(conn: &mut Conn, dataset_id: Uuid) -> Result<Vec<TableIngest>> {
    let rows = sqlx::query(
        "SELECT t.* FROM table_ingests t JOIN distributions d ON d.id = t.distribution_id
         WHERE d.dataset_id = $1 ORDER BY d.position, d.id",
    )
    .bind(dataset_id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// The ingests of several datasets' distributions (any order).
pub async fn list_for_datasets(conn: &mut Conn, dataset_ids: &[Uuid]) -> Result<Vec<TableIngest>> {
    let rows = crate::codec::fetch_in(
        conn,
        "SELECT t.* FROM table_ingests t JOIN distributions d ON d.id = t.distribution_id
         WHERE d.dataset_id IN (:list)",
        &crate::codec::id_texts(dataset_ids),
    )
    .await?;
    rows.iter().map(from_row).collect()
}

/// The distributions with a done ingest and the checksum of the bytes their tables came from.
pub async fn done_sources(conn: &mut Conn) -> Result<Vec<(Uuid, String)>> {
    let rows = sqlx::query(
        "SELECT distribution_id, source_sha256 FROM table_ingests
         WHERE status = 'done' AND source_sha256 IS NOT NULL ORDER BY distribution_id",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| Ok((row.uuid("distribution_id")?, row.text("source_sha256")?)))
        .collect()
}

/// Saves the Table Schema a publisher edited for one table of a distribution.
pub async fn save_schema_edit(
    conn: &mut Conn,
    distribution_id: Uuid,
    table_name: &str,
    schema: &serde_json::Value,
    edited_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO table_schema_edits (distribution_id, table_name, schema, edited_by, edited_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (distribution_id, table_name) DO UPDATE SET schema = $3, edited_by = $4,
            edited_at = $5",
    )
    .bind(distribution_id.to_string())
    .bind(table_name.to_string())
    .bind(json_text(schema)?)
    .bind(edited_by.map(|id| id.to_string()))
    .bind(ts(now))
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Drops the edited schema of one table (the next ingest infers it again); true when one existed.
pub async fn delete_schema_edit(
    conn: &mut Conn,
    distribution_id: Uuid,
    table_name: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "DELETE FROM table_schema_edits WHERE distribution_id = $1 AND table_name = $2",
    )
    .bind(distribution_id.to_string())
    .bind(table_name.to_string())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// The edited schemas of a distribution's tables, by table name.
pub async fn schema_edits(
    conn: &mut Conn,
    distribution_id: Uuid,
) -> Result<BTreeMap<String, serde_json::Value>> {
    let rows = sqlx::query(
        "SELECT table_name, schema FROM table_schema_edits WHERE distribution_id = $1
         ORDER BY table_name",
    )
    .bind(distribution_id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| Ok((row.text("table_name")?, row.json("schema")?)))
        .collect()
}
