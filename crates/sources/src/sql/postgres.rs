//! PostgreSQL sources: a read-only session and transaction, the query prepared (the extended
//! protocol holds one statement), rows streamed in PostgreSQL's binary format and written as
//! text here.

use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use futures::TryStreamExt;
use sqlx::postgres::{
    PgConnectOptions, PgConnection, PgDatabaseError, PgSslMode, PgTypeInfo, PgTypeKind,
    PgValueFormat,
};
use sqlx::{
    AssertSqlSafe, Column, ConnectOptions, Executor, Row, SqlSafeStr, Statement, TypeInfo, ValueRef,
};

use super::csv::CsvSink;
use super::{Finished, ServerJob, SqlError, compact_json, float_text, float32_text, fraction_text};

/// How a column's values are turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Int2,
    Int4,
    Int8,
    Oid,
    Float4,
    Float8,
    Numeric,
    Text,
    Json,
    Jsonb,
    Date,
    Time,
    TimeTz,
    Timestamp,
    TimestampTz,
    Uuid,
}

fn kind_of(ty: &PgTypeInfo) -> Option<Kind> {
    match ty.kind() {
        PgTypeKind::Domain(base) => return kind_of(base),
        PgTypeKind::Enum(_) => return Some(Kind::Text),
        PgTypeKind::Simple => {}
        _ => return None,
    }
    let kind = match ty.oid().map(|oid| oid.0) {
        Some(16) => Kind::Bool,
        Some(21) => Kind::Int2,
        Some(23) => Kind::Int4,
        Some(20) => Kind::Int8,
        Some(26) => Kind::Oid,
        Some(700) => Kind::Float4,
        Some(701) => Kind::Float8,
        Some(1700) => Kind::Numeric,
        // text, varchar, bpchar, name, "char", unknown (untyped literals)
        Some(25 | 1043 | 1042 | 19 | 18 | 705) => Kind::Text,
        Some(114) => Kind::Json,
        Some(3802) => Kind::Jsonb,
        Some(1082) => Kind::Date,
        Some(1083) => Kind::Time,
        Some(1266) => Kind::TimeTz,
        Some(1114) => Kind::Timestamp,
        Some(1184) => Kind::TimestampTz,
        Some(2950) => Kind::Uuid,
        // Extension types whose binary form is their text.
        _ if ty.name().eq_ignore_ascii_case("citext") => Kind::Text,
        _ => return None,
    };
    Some(kind)
}

pub(super) async fn extract(job: ServerJob<'_>) -> Result<Finished, SqlError> {
    let server = job.server;
    let limit_ms = job
        .policy
        .statement_timeout
        .as_millis()
        .clamp(1, i32::MAX as u128);
    let limit_text = limit_ms.to_string();
    let mut conn: PgConnection = job
        .connect(|ip| {
            // Every field set here, so nothing comes from the portal's own PG* environment
            // (an empty password when the URL has none).
            let options = PgConnectOptions::new_without_pgpass()
                .host(&ip)
                .port(job.port)
                .username(&server.user)
                .password(server.password.as_deref().unwrap_or(""))
                .database(server.database.as_deref().unwrap_or(&server.user))
                .ssl_mode(PgSslMode::Disable)
                .application_name("dulieu")
                .options([
                    ("default_transaction_read_only", "on"),
                    ("statement_timeout", limit_text.as_str()),
                ])
                .disable_statement_logging();
            async move { options.connect().await }
        })
        .await?;
    let result = run(&mut conn, &job, limit_ms).await;
    super::end_session(conn, result).await
}

async fn run(
    conn: &mut PgConnection,
    job: &ServerJob<'_>,
    limit_ms: u128,
) -> Result<CsvSink, SqlError> {
    let limit = job.policy.statement_timeout;
    let fail = |e: sqlx::Error| query_error(e, limit);
    conn.execute(sqlx::raw_sql("BEGIN READ ONLY"))
        .await
        .map_err(fail)?;
    conn.execute(sqlx::raw_sql(AssertSqlSafe(format!(
        "SET LOCAL statement_timeout = {limit_ms}"
    ))))
    .await
    .map_err(fail)?;

    // Parse + Describe: PostgreSQL refuses more than one statement here.
    let statement = conn
        .prepare(AssertSqlSafe(job.query.to_string()).into_sql_str())
        .await
        .map_err(fail)?;
    let columns = statement.columns();
    if columns.is_empty() {
        return Err(not_a_read());
    }
    let mut names = Vec::with_capacity(columns.len());
    let mut kinds = Vec::with_capacity(columns.len());
    for column in columns {
        let ty = column.type_info();
        let kind = kind_of(ty).ok_or_else(|| unsupported(column.name(), ty))?;
        names.push(column.name().to_string());
        kinds.push(kind);
    }

    let mut sink = CsvSink::create(job.dest, job.policy.max_rows, job.policy.max_bytes)?;
    sink.header(names.clone())?;
    let mut rows = statement.query().fetch(&mut *conn);
    while let Some(row) = rows.try_next().await.map_err(fail)? {
        let number = sink.start_row()?;
        for (i, kind) in kinds.iter().enumerate() {
            let value = row.try_get_raw(i).map_err(fail)?;
            if value.is_null() {
                sink.null();
                continue;
            }
            let written = match value.format() {
                // Not expected (sqlx asks for binary results), but PostgreSQL's own text is right.
                PgValueFormat::Text => value.as_str().map(|text| sink.text(text)),
                PgValueFormat::Binary => value
                    .as_bytes()
                    .and_then(|bytes| write_binary(&mut sink, *kind, bytes).map_err(Into::into)),
            };
            written.map_err(|e| {
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
    Ok(sink)
}

fn unsupported(name: &str, ty: &PgTypeInfo) -> SqlError {
    let type_name = ty.name().to_lowercase();
    let example = if type_name == "bytea" {
        format!("encode(\"{name}\", 'hex')")
    } else {
        format!("\"{name}\"::text")
    };
    SqlError::new(
        "unsupported_column_type",
        format!(
            "column {name:?} has the type {type_name}, which cannot be published as CSV; cast it \
             to text in the query, e.g. {example}"
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

fn query_error(error: sqlx::Error, limit: Duration) -> SqlError {
    let Some(db) = error.as_database_error() else {
        return SqlError::new("query_failed", format!("the query failed: {error}"));
    };
    let message = db.message();
    match db.code().as_deref() {
        // query_canceled: statement_timeout
        Some("57014") => SqlError::timeout(limit),
        // read_only_sql_transaction
        Some("25006") => not_a_read(),
        // syntax_error, as PostgreSQL reports several statements in one Parse
        Some("42601") if message.contains("multiple commands") => not_a_read(),
        _ => {
            let mut text = format!("the database refused the query: {message}");
            if let Some(pg) = db.try_downcast_ref::<PgDatabaseError>() {
                if let Some(detail) = pg.detail() {
                    text.push_str(&format!(" ({detail})"));
                }
                if let Some(hint) = pg.hint() {
                    text.push_str(&format!("; hint: {hint}"));
                }
            }
            SqlError::new("query_failed", text)
        }
    }
}

fn array<const N: usize>(bytes: &[u8]) -> Result<[u8; N], String> {
    bytes
        .try_into()
        .map_err(|_| format!("expected {N} bytes, got {}", bytes.len()))
}

fn utf8(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|_| "the text is not valid UTF-8".to_string())
}

/// Writes one non-null value in PostgreSQL's binary format.
fn write_binary(sink: &mut CsvSink, kind: Kind, bytes: &[u8]) -> Result<(), String> {
    match kind {
        Kind::Bool => sink.text(if array::<1>(bytes)?[0] != 0 {
            "true"
        } else {
            "false"
        }),
        Kind::Int2 => sink.display(i16::from_be_bytes(array(bytes)?)),
        Kind::Int4 => sink.display(i32::from_be_bytes(array(bytes)?)),
        Kind::Int8 => sink.display(i64::from_be_bytes(array(bytes)?)),
        Kind::Oid => sink.display(u32::from_be_bytes(array(bytes)?)),
        Kind::Float4 => sink.text(&float32_text(f32::from_be_bytes(array(bytes)?))),
        Kind::Float8 => sink.text(&float_text(f64::from_be_bytes(array(bytes)?))),
        Kind::Numeric => sink.text(&numeric_text(bytes)?),
        Kind::Text => sink.text(utf8(bytes)?),
        Kind::Json => sink.text(&compact_json(utf8(bytes)?)),
        Kind::Jsonb => match bytes.split_first() {
            Some((1, json)) => sink.text(&compact_json(utf8(json)?)),
            _ => return Err("unknown jsonb format".into()),
        },
        Kind::Date => sink.text(&date_text(i32::from_be_bytes(array(bytes)?))?),
        Kind::Time => sink.text(&time_text(i64::from_be_bytes(array(bytes)?))),
        Kind::TimeTz => {
            let raw: [u8; 12] = array(bytes)?;
            let micros = i64::from_be_bytes(raw[..8].try_into().expect("8 bytes"));
            let west = i32::from_be_bytes(raw[8..].try_into().expect("4 bytes"));
            sink.text(&format!("{}{}", time_text(micros), offset_text(-west)));
        }
        Kind::Timestamp => sink.text(&timestamp_text(i64::from_be_bytes(array(bytes)?), "")?),
        Kind::TimestampTz => sink.text(&timestamp_text(i64::from_be_bytes(array(bytes)?), "Z")?),
        Kind::Uuid => {
            let h = hex::encode(array::<16>(bytes)?);
            sink.text(&format!(
                "{}-{}-{}-{}-{}",
                &h[..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..]
            ));
        }
    }
    Ok(())
}

/// PostgreSQL's binary `numeric` as exact decimal text, with the value's own scale (`12.50`).
fn numeric_text(bytes: &[u8]) -> Result<String, String> {
    let word = |i: usize| -> Result<u16, String> {
        bytes
            .get(i * 2..i * 2 + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "truncated numeric".to_string())
    };
    let ndigits = word(0)? as usize;
    let weight = word(1)? as i16 as i64;
    let sign = word(2)?;
    let dscale = word(3)? as usize;
    let digits = (0..ndigits)
        .map(|i| word(4 + i))
        .collect::<Result<Vec<u16>, String>>()?;
    if digits.iter().any(|d| *d > 9999) {
        return Err("bad numeric digit".into());
    }
    match sign {
        0x0000 | 0x4000 => {}
        0xC000 => return Ok("NaN".into()),
        0xD000 => return Ok("Infinity".into()),
        0xF000 => return Ok("-Infinity".into()),
        _ => return Err("bad numeric sign".into()),
    }
    // Base-10000 digit at `position` (0 = the first digit, `weight` = the units group).
    let digit = |position: i64| -> u16 {
        usize::try_from(position)
            .ok()
            .and_then(|p| digits.get(p).copied())
            .unwrap_or(0)
    };
    let mut out = String::new();
    if sign == 0x4000 {
        out.push('-');
    }
    if weight < 0 {
        out.push('0');
    } else {
        for position in 0..=weight {
            if position == 0 {
                out.push_str(&digit(0).to_string());
            } else {
                out.push_str(&format!("{:04}", digit(position)));
            }
        }
    }
    if dscale > 0 {
        out.push('.');
        let mut fraction = String::with_capacity(dscale + 4);
        let mut position = weight + 1;
        while fraction.len() < dscale {
            fraction.push_str(&format!("{:04}", digit(position)));
            position += 1;
        }
        fraction.truncate(dscale);
        out.push_str(&fraction);
    }
    Ok(out)
}

fn epoch() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2000, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("valid date")
}

fn date_text(days: i32) -> Result<String, String> {
    match days {
        i32::MAX => Ok("infinity".into()),
        i32::MIN => Ok("-infinity".into()),
        _ => epoch()
            .date()
            .checked_add_signed(TimeDelta::days(days.into()))
            .map(|d| d.format("%Y-%m-%d").to_string())
            .ok_or_else(|| "date out of range".into()),
    }
}

fn timestamp_text(micros: i64, zone: &str) -> Result<String, String> {
    match micros {
        i64::MAX => Ok("infinity".into()),
        i64::MIN => Ok("-infinity".into()),
        _ => {
            let at = epoch()
                .checked_add_signed(TimeDelta::microseconds(micros))
                .ok_or("timestamp out of range")?;
            let fraction = micros.rem_euclid(1_000_000) as u32;
            Ok(format!(
                "{}{}{zone}",
                at.format("%Y-%m-%dT%H:%M:%S"),
                fraction_text(fraction)
            ))
        }
    }
}

/// `HH:MM:SS[.ffffff]` from microseconds since midnight (PostgreSQL allows `24:00:00`).
fn time_text(micros: i64) -> String {
    let micros = micros.max(0);
    let seconds = micros / 1_000_000;
    format!(
        "{:02}:{:02}:{:02}{}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        fraction_text((micros % 1_000_000) as u32)
    )
}

/// `+07:00` from seconds east of UTC.
fn offset_text(east: i32) -> String {
    let sign = if east < 0 { '-' } else { '+' };
    let east = east.unsigned_abs();
    let mut out = format!("{sign}{:02}:{:02}", east / 3600, east / 60 % 60);
    if !east.is_multiple_of(60) {
        out.push_str(&format!(":{:02}", east % 60));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric(ndigits: u16, weight: i16, sign: u16, dscale: u16, digits: &[u16]) -> String {
        let mut bytes = Vec::new();
        for word in [ndigits, weight as u16, sign, dscale]
            .into_iter()
            .chain(digits.iter().copied())
        {
            bytes.extend_from_slice(&word.to_be_bytes());
        }
        numeric_text(&bytes).unwrap()
    }

    #[test]
    fn numerics() {
        assert_eq!(numeric(2, 0, 0, 2, &[12, 5000]), "12.50");
        assert_eq!(numeric(1, -2, 0, 5, &[1000]), "0.00001");
        assert_eq!(numeric(1, 1, 0, 0, &[10]), "100000");
        assert_eq!(numeric(0, 0, 0, 0, &[]), "0");
        assert_eq!(numeric(0, 0, 0, 3, &[]), "0.000");
        assert_eq!(numeric(3, 1, 0x4000, 4, &[1, 2345, 6789]), "-12345.6789");
        assert_eq!(numeric(3, 2, 0, 0, &[1234, 5678, 9012]), "123456789012");
        assert_eq!(numeric(0, 0, 0xC000, 0, &[]), "NaN");
        assert_eq!(numeric(0, 0, 0xD000, 0, &[]), "Infinity");
        assert_eq!(numeric(0, 0, 0xF000, 0, &[]), "-Infinity");
        assert!(numeric_text(&[0, 1]).is_err());
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(date_text(0).unwrap(), "2000-01-01");
        assert_eq!(date_text(-1).unwrap(), "1999-12-31");
        assert_eq!(date_text(i32::MAX).unwrap(), "infinity");
        assert_eq!(timestamp_text(0, "Z").unwrap(), "2000-01-01T00:00:00Z");
        assert_eq!(
            timestamp_text(-1, "").unwrap(),
            "1999-12-31T23:59:59.999999"
        );
        assert_eq!(
            timestamp_text(1_500_000, "Z").unwrap(),
            "2000-01-01T00:00:01.5Z"
        );
        assert_eq!(time_text(86_400_000_000), "24:00:00");
        assert_eq!(time_text(3_723_000_250), "01:02:03.00025");
        assert_eq!(offset_text(7 * 3600), "+07:00");
        assert_eq!(offset_text(-(5 * 3600 + 30 * 60)), "-05:30");
    }
}
