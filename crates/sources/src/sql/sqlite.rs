//! SQLite sources: the file opened read-only, one read-only statement, a progress-handler time
//! limit; run on a blocking thread.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::csv::CsvSink;
use super::{Finished, SqlError, SqlPolicy};

/// How many virtual-machine steps between two looks at the clock.
const PROGRESS_STEPS: i32 = 1_000;

pub(super) async fn extract(
    path: PathBuf,
    query: &str,
    policy: &SqlPolicy,
    dest: &Path,
) -> Result<Finished, SqlError> {
    let limit = policy.statement_timeout;
    let open_path = path.clone();
    let conn = tokio::task::spawn_blocking(move || open(&open_path, limit))
        .await
        .map_err(|e| SqlError::new("io", format!("the SQLite task failed: {e}")))??;
    let interrupt = conn.get_interrupt_handle();
    let query = query.to_string();
    let dest = dest.to_path_buf();
    let (max_rows, max_bytes) = (policy.max_rows, policy.max_bytes);
    let mut task =
        tokio::task::spawn_blocking(move || run(&conn, &query, limit, &dest, max_rows, max_bytes));
    // The progress handler stops the statement at the limit; this catches anything it cannot
    // (a long busy wait, a slow disk), and then still waits for the thread so that its temporary
    // file is gone before returning.
    let joined = match tokio::time::timeout(limit + Duration::from_secs(2), &mut task).await {
        Ok(joined) => joined,
        Err(_) => {
            interrupt.interrupt();
            let _ = task.await;
            return Err(SqlError::timeout(limit));
        }
    };
    joined.map_err(|e| SqlError::new("io", format!("the SQLite task failed: {e}")))?
}

fn open(path: &Path, limit: Duration) -> Result<Connection, SqlError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_NOFOLLOW;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| {
        SqlError::new(
            "connect_failed",
            format!("the SQLite file {} cannot be opened: {e}", path.display()),
        )
    })?;
    let setup = || -> rusqlite::Result<()> {
        // No other database files can be reached from the query.
        conn.set_limit(rusqlite::limits::Limit::SQLITE_LIMIT_ATTACHED, 0)?;
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA,
            false,
        )?;
        conn.pragma_update(None, "query_only", true)?;
        conn.busy_timeout(limit)?;
        Ok(())
    };
    setup().map_err(|e| {
        SqlError::new(
            "connect_failed",
            format!("the SQLite file {} cannot be set up: {e}", path.display()),
        )
    })?;
    Ok(conn)
}

fn run(
    conn: &Connection,
    query: &str,
    limit: Duration,
    dest: &Path,
    max_rows: u64,
    max_bytes: u64,
) -> Result<Finished, SqlError> {
    let deadline = Instant::now() + limit;
    conn.progress_handler(PROGRESS_STEPS, Some(move || Instant::now() >= deadline))
        .map_err(|e| SqlError::new("query_failed", format!("SQLite: {e}")))?;
    let query_error = |e: rusqlite::Error| query_error(e, limit);

    let mut stmt = conn.prepare(query).map_err(query_error)?;
    if !stmt.readonly() || stmt.column_count() == 0 {
        return Err(not_a_read());
    }
    let columns: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();

    let mut sink = CsvSink::create(dest, max_rows, max_bytes)?;
    sink.header(columns.clone())?;
    let mut rows = stmt.raw_query();
    while let Some(row) = rows.next().map_err(query_error)? {
        let number = sink.start_row()?;
        for (i, name) in columns.iter().enumerate() {
            match row.get_ref(i).map_err(query_error)? {
                ValueRef::Null => sink.null(),
                ValueRef::Integer(v) => sink.display(v),
                ValueRef::Real(v) => sink.text(&super::float_text(v)),
                ValueRef::Text(bytes) => match std::str::from_utf8(bytes) {
                    Ok(text) => sink.text(text),
                    Err(_) => {
                        return Err(SqlError::new(
                            "invalid_text",
                            format!(
                                "column {name:?}, row {number}: the text is not valid UTF-8; \
                                 fix the data or convert it in the query"
                            ),
                        ));
                    }
                },
                ValueRef::Blob(_) => {
                    return Err(SqlError::new(
                        "unsupported_column_type",
                        format!(
                            "column {name:?} holds binary data (BLOB) in row {number}, which \
                             cannot be published as CSV; convert it to text in the query, e.g. \
                             hex({name}) or CAST({name} AS TEXT)"
                        ),
                    ));
                }
            }
        }
        sink.end_row()?;
    }
    drop(rows);
    drop(stmt);
    sink.finish()
}

fn not_a_read() -> SqlError {
    SqlError::new(
        "not_one_select",
        "the database refused the query: it must be exactly one statement that only reads \
         (a SELECT)",
    )
}

fn query_error(error: rusqlite::Error, limit: Duration) -> SqlError {
    match &error {
        rusqlite::Error::MultipleStatement => not_a_read(),
        rusqlite::Error::SqliteFailure(failure, _) => match failure.code {
            ErrorCode::OperationInterrupted => SqlError::timeout(limit),
            ErrorCode::ReadOnly => not_a_read(),
            _ => SqlError::new(
                "query_failed",
                format!("the database refused the query: {error}"),
            ),
        },
        _ => SqlError::new(
            "query_failed",
            format!("the database refused the query: {error}"),
        ),
    }
}
