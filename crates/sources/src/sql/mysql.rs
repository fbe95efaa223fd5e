//! MySQL and MariaDB sources: a read-only session and transaction, the query as a server-side
//! prepared statement (which holds one statement), rows streamed in the binary protocol.

use std::time::Duration;

use futures::TryStreamExt;
use sqlx::mysql::{
    MySql, MySqlConnectOptions, MySqlConnection, MySqlDatabaseError, MySqlSslMode, MySqlTypeInfo,
};
use sqlx::{
    AssertSqlSafe, Column, ConnectOptions, Decode, Executor, Row, SqlSafeStr, Statement, Type,
    TypeInfo, ValueRef,
};

use super::csv::CsvSink;
use super::{Finished, ServerJob, SqlError, compact_json, float_text, float32_text, fraction_text};

/// How a column's values are turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int { size: usize, unsigned: bool },
    Float,
    Double,
    Decimal,
    Text,
    Json,
    Date,
    DateTime,
    Timestamp,
    Time,
    Null,
}

fn kind_of(ty: &MySqlTypeInfo) -> Option<Kind> {
    let int = |size, unsigned| Some(Kind::Int { size, unsigned });
    match ty.name() {
        "BOOLEAN" | "TINYINT" => int(1, false),
        "TINYINT UNSIGNED" => int(1, true),
        "SMALLINT" => int(2, false),
        "SMALLINT UNSIGNED" | "YEAR" => int(2, true),
        "INT" | "MEDIUMINT" => int(4, false),
        "INT UNSIGNED" | "MEDIUMINT UNSIGNED" => int(4, true),
        "BIGINT" => int(8, false),
        "BIGINT UNSIGNED" => int(8, true),
        "FLOAT" => Some(Kind::Float),
        "DOUBLE" => Some(Kind::Double),
        "DECIMAL" => Some(Kind::Decimal),
        "DATE" => Some(Kind::Date),
        "DATETIME" => Some(Kind::DateTime),
        "TIMESTAMP" => Some(Kind::Timestamp),
        "TIME" => Some(Kind::Time),
        "JSON" => Some(Kind::Json),
        "NULL" => Some(Kind::Null),
        // CHAR, VARCHAR, TEXT, ENUM, SET …, unless their collation is `binary`.
        _ if <str as Type<MySql>>::compatible(ty) => Some(Kind::Text),
        _ => None,
    }
}

pub(super) async fn extract(job: ServerJob<'_>) -> Result<Finished, SqlError> {
    let server = job.server;
    let mut conn: MySqlConnection = job
        .connect(|ip| {
            let mut options = MySqlConnectOptions::new()
                .host(&ip)
                .port(job.port)
                .username(&server.user)
                .ssl_mode(MySqlSslMode::Disabled)
                .charset("utf8mb4")
                // Keep the server's own SQL mode, so the query means what it means there.
                .pipes_as_concat(false)
                .no_engine_substitution(false)
                // TIMESTAMP values come back in UTC.
                .timezone(Some("+00:00".to_string()))
                .disable_statement_logging();
            if let Some(password) = &server.password {
                options = options.password(password);
            }
            if let Some(database) = &server.database {
                options = options.database(database);
            }
            async move { options.connect().await }
        })
        .await?;
    let result = run(&mut conn, &job).await;
    super::end_session(conn, result).await
}

async fn run(conn: &mut MySqlConnection, job: &ServerJob<'_>) -> Result<CsvSink, SqlError> {
    let limit = job.policy.statement_timeout;
    let fail = |e: sqlx::Error| query_error(e, limit, job.query);
    // Every transaction of this session is read-only (a DDL statement's implicit commit cannot
    // escape into a writable one).
    conn.execute(sqlx::raw_sql("SET SESSION TRANSACTION READ ONLY"))
        .await
        .map_err(fail)?;
    let limit_ms = limit.as_millis().clamp(1, u32::MAX as u128);
    let mysql_limit = format!("SET SESSION max_execution_time = {limit_ms}");
    if conn
        .execute(sqlx::raw_sql(AssertSqlSafe(mysql_limit)))
        .await
        .is_err()
    {
        // MariaDB: the limit in seconds, for every statement.
        let seconds = limit_ms as f64 / 1000.0;
        let mariadb_limit = format!("SET SESSION max_statement_time = {seconds:.3}");
        conn.execute(sqlx::raw_sql(AssertSqlSafe(mariadb_limit)))
            .await
            .map_err(fail)?;
    }
    conn.execute(sqlx::raw_sql("START TRANSACTION READ ONLY"))
        .await
        .map_err(fail)?;

    // COM_STMT_PREPARE: the server refuses more than one statement.
    let statement = conn
        .prepare(AssertSqlSafe(job.query.to_string()).into_sql_str())
        .await
        .map_err(fail)?;
    if statement.columns().is_empty() {
        return Err(not_a_read());
    }

    let mut sink = CsvSink::create(job.dest, job.policy.max_rows, job.policy.max_bytes)?;
    let mut kinds: Option<Vec<Kind>> = None;
    let mut rows = statement.query().fetch(&mut *conn);
    let mut names: Vec<String> = statement
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    while let Some(row) = rows.try_next().await.map_err(fail)? {
        // The result set's own column definitions, which can be more precise than the
        // prepared statement's.
        if kinds.is_none() {
            let mut found = Vec::new();
            for column in row.columns() {
                let ty = column.type_info();
                found.push(kind_of(ty).ok_or_else(|| unsupported(column.name(), ty))?);
            }
            names = row.columns().iter().map(|c| c.name().to_string()).collect();
            sink.header(names.clone())?;
            kinds = Some(found);
        }
        let row_kinds = kinds.as_deref().unwrap_or_default();
        let number = sink.start_row()?;
        for (i, kind) in row_kinds.iter().enumerate() {
            let value = row.try_get_raw(i).map_err(fail)?;
            if value.is_null() {
                sink.null();
                continue;
            }
            let bytes = <&[u8] as Decode<MySql>>::decode(value);
            bytes
                .map_err(|e| e.to_string())
                .and_then(|bytes| write_binary(&mut sink, *kind, bytes))
                .map_err(|e| {
                    SqlError::new(
                        "query_failed",
                        format!(
                            "column {:?}, row {number}: the value cannot be read: {e}",
                            names[i]
                        ),
                    )
                })?;
        }
        sink.end_row()?;
    }
    drop(rows);
    if kinds.is_none() {
        // No rows: the header from the prepared statement.
        sink.header(names)?;
    }
    Ok(sink)
}

fn unsupported(name: &str, ty: &MySqlTypeInfo) -> SqlError {
    let type_name = ty.name();
    let binary = type_name.contains("BLOB")
        || type_name.contains("BINARY")
        || matches!(type_name, "BIT" | "GEOMETRY")
        || <[u8] as Type<MySql>>::compatible(ty);
    let example = if binary {
        format!("HEX(`{name}`)")
    } else {
        format!("CAST(`{name}` AS CHAR)")
    };
    let what = if binary {
        format!("{type_name} (binary data)")
    } else {
        type_name.to_string()
    };
    SqlError::new(
        "unsupported_column_type",
        format!(
            "column {name:?} has the type {what}, which cannot be published as CSV; cast it to \
             text in the query, e.g. {example}"
        ),
    )
}

fn not_a_read() -> SqlError {
    SqlError::new(
        "not_one_select",
        "the database refused the query: it must be exactly one statement that only reads \
         (a SELECT)",
    )
}

/// MySQL/MariaDB error numbers.
const ER_PARSE_ERROR: u16 = 1064;
const ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION: u16 = 1792;
const ER_QUERY_TIMEOUT: u16 = 3024; // MySQL: max_execution_time
const ER_STATEMENT_TIMEOUT: u16 = 1969; // MariaDB: max_statement_time
const ER_UNSUPPORTED_PS: u16 = 1295; // "not supported in the prepared statement protocol"
const ER_OPTION_PREVENTS_STATEMENT: u16 = 1290; // e.g. --read-only servers

fn query_error(error: sqlx::Error, limit: Duration, query: &str) -> SqlError {
    let Some(db) = error.as_database_error() else {
        return SqlError::new("query_failed", format!("the query failed: {error}"));
    };
    let message = db.message();
    let number = db
        .try_downcast_ref::<MySqlDatabaseError>()
        .map(|e| e.number());
    match number {
        Some(ER_QUERY_TIMEOUT | ER_STATEMENT_TIMEOUT) => SqlError::timeout(limit),
        Some(
            ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
            | ER_UNSUPPORTED_PS
            | ER_OPTION_PREVENTS_STATEMENT,
        ) => not_a_read(),
        Some(ER_PARSE_ERROR) if error_after_semicolon(message, query) => not_a_read(),
        _ => SqlError::new(
            "query_failed",
            format!("the database refused the query: {message}"),
        ),
    }
}

/// Whether a syntax error's "near '…'" points just after a `;`: the server refused a second
/// statement (this only picks the error code; the refusal itself is the server's).
fn error_after_semicolon(message: &str, query: &str) -> bool {
    let Some(start) = message.find("near '") else {
        return false;
    };
    let rest = &message[start + "near '".len()..];
    let near = rest.rfind("' at line").map_or(rest, |end| &rest[..end]);
    if near.is_empty() {
        return false;
    }
    query
        .match_indices(near)
        .any(|(at, _)| query[..at].trim_end().ends_with(';'))
}

fn le<const N: usize>(bytes: &[u8]) -> Result<[u8; N], String> {
    bytes
        .get(..N)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| format!("expected {N} bytes, got {}", bytes.len()))
}

fn utf8(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|_| "the text is not valid UTF-8".to_string())
}

/// Writes one non-null value in MySQL's binary protocol format.
fn write_binary(sink: &mut CsvSink, kind: Kind, bytes: &[u8]) -> Result<(), String> {
    match kind {
        Kind::Int { size, unsigned } => {
            let mut raw = [0u8; 8];
            raw[..size].copy_from_slice(bytes.get(..size).ok_or("truncated integer")?);
            if unsigned {
                sink.display(u64::from_le_bytes(raw));
            } else {
                // Sign-extend from `size` bytes.
                let shift = 64 - 8 * size as u32;
                sink.display((i64::from_le_bytes(raw) << shift) >> shift);
            }
        }
        Kind::Float => sink.text(&float32_text(f32::from_le_bytes(le(bytes)?))),
        Kind::Double => sink.text(&float_text(f64::from_le_bytes(le(bytes)?))),
        Kind::Decimal | Kind::Text => sink.text(utf8(bytes)?),
        Kind::Json => sink.text(&compact_json(utf8(bytes)?)),
        Kind::Date => sink.text(&date_text(bytes)?),
        Kind::DateTime => sink.text(&datetime_text(bytes, "")?),
        Kind::Timestamp => sink.text(&datetime_text(bytes, "Z")?),
        Kind::Time => sink.text(&time_text(bytes)?),
        Kind::Null => sink.null(),
    }
    Ok(())
}

/// The fields of a binary DATE/DATETIME/TIMESTAMP.
struct DateParts {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    micros: u32,
}

/// Reads a binary DATE/DATETIME/TIMESTAMP (length byte first; missing fields are zero).
fn date_parts(bytes: &[u8]) -> Result<DateParts, String> {
    let (&len, rest) = bytes.split_first().ok_or("empty date")?;
    let rest = rest.get(..usize::from(len)).ok_or("truncated date")?;
    let at = |i: usize| rest.get(i).copied().unwrap_or(0);
    Ok(DateParts {
        year: u16::from_le_bytes([at(0), at(1)]),
        month: at(2),
        day: at(3),
        hour: at(4),
        minute: at(5),
        second: at(6),
        micros: u32::from_le_bytes([at(7), at(8), at(9), at(10)]),
    })
}

fn date_text(bytes: &[u8]) -> Result<String, String> {
    let d = date_parts(bytes)?;
    Ok(format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
}

fn datetime_text(bytes: &[u8], zone: &str) -> Result<String, String> {
    let d = date_parts(bytes)?;
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{zone}",
        d.year,
        d.month,
        d.day,
        d.hour,
        d.minute,
        d.second,
        fraction_text(d.micros)
    ))
}

/// A binary TIME: `[-]HH:MM:SS[.ffffff]`, hours past 24 when it is a duration.
fn time_text(bytes: &[u8]) -> Result<String, String> {
    let (&len, rest) = bytes.split_first().ok_or("empty time")?;
    let rest = rest.get(..usize::from(len)).ok_or("truncated time")?;
    if rest.is_empty() {
        return Ok("00:00:00".into());
    }
    if rest.len() < 8 {
        return Err("truncated time".into());
    }
    let negative = rest[0] != 0;
    let days = u32::from_le_bytes(le(&rest[1..5])?);
    let hours = u64::from(days) * 24 + u64::from(rest[5]);
    let micros = if rest.len() >= 12 {
        u32::from_le_bytes(le(&rest[8..12])?)
    } else {
        0
    };
    Ok(format!(
        "{}{hours:02}:{:02}:{:02}{}",
        if negative { "-" } else { "" },
        rest[6],
        rest[7],
        fraction_text(micros)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporal_values() {
        assert_eq!(date_text(&[4, 0xE8, 0x07, 5, 1]).unwrap(), "2024-05-01");
        assert_eq!(date_text(&[0]).unwrap(), "0000-00-00");
        assert_eq!(
            datetime_text(&[7, 0xE8, 0x07, 5, 1, 8, 30, 0], "Z").unwrap(),
            "2024-05-01T08:30:00Z"
        );
        assert_eq!(
            datetime_text(&[11, 0xE8, 0x07, 5, 1, 8, 30, 0, 0x20, 0xA1, 0x07, 0], "").unwrap(),
            "2024-05-01T08:30:00.5"
        );
        assert_eq!(
            time_text(&[8, 1, 1, 0, 0, 0, 2, 3, 4]).unwrap(),
            "-26:03:04"
        );
        assert_eq!(time_text(&[0]).unwrap(), "00:00:00");
    }

    #[test]
    fn semicolon_errors() {
        let msg = "You have an error in your SQL syntax; check the manual that corresponds to \
                   your MariaDB server version for the right syntax to use near 'DELETE FROM t' \
                   at line 1";
        assert!(error_after_semicolon(msg, "SELECT 1; DELETE FROM t"));
        assert!(!error_after_semicolon(msg, "SELECT 1 DELETE FROM t"));
        assert!(!error_after_semicolon("other", "SELECT 1; x"));
    }
}
