//! Conversions between domain values and the portable column encodings (TEXT timestamps, TEXT ids,
//! integer booleans, JSON text).

use chrono::{DateTime, NaiveDate, Utc};
use dulieu_core::{Error, Result};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

/// Fixed-width UTC timestamp text, so text order is time order on both backends.
pub fn ts(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The current time, truncated to microseconds (what the database keeps).
pub fn now() -> DateTime<Utc> {
    parse_ts(&ts(Utc::now())).unwrap_or_else(|_| Utc::now())
}

pub fn parse_ts(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::Internal(format!("bad timestamp {text:?} in database: {e}")))
}

pub fn date(value: Option<NaiveDate>) -> Option<String> {
    value.map(|d| d.format("%Y-%m-%d").to_string())
}

/// Parses a stored vocabulary value (`what` names it in the error).
pub fn vocab<T>(parse: impl Fn(&str) -> Option<T>, what: &str, text: &str) -> Result<T> {
    parse(text).ok_or_else(|| Error::Internal(format!("unknown {what} {text:?} in database")))
}

/// Typed column access that turns decoding problems into internal errors.
pub trait RowExt {
    fn text(&self, col: &str) -> Result<String>;
    fn opt_text(&self, col: &str) -> Result<Option<String>>;
    fn int(&self, col: &str) -> Result<i64>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>>;
    fn flag(&self, col: &str) -> Result<bool> {
        Ok(self.int(col)? != 0)
    }
    fn uuid(&self, col: &str) -> Result<Uuid> {
        parse_uuid(&self.text(col)?)
    }
    fn opt_uuid(&self, col: &str) -> Result<Option<Uuid>> {
        self.opt_text(col)?.as_deref().map(parse_uuid).transpose()
    }
    fn time(&self, col: &str) -> Result<DateTime<Utc>> {
        parse_ts(&self.text(col)?)
    }
    fn opt_time(&self, col: &str) -> Result<Option<DateTime<Utc>>> {
        self.opt_text(col)?.as_deref().map(parse_ts).transpose()
    }
    fn opt_date(&self, col: &str) -> Result<Option<NaiveDate>> {
        self.opt_text(col)?
            .map(|t| {
                NaiveDate::parse_from_str(&t, "%Y-%m-%d")
                    .map_err(|e| Error::Internal(format!("bad date {t:?} in database: {e}")))
            })
            .transpose()
    }
    fn json<T: serde::de::DeserializeOwned>(&self, col: &str) -> Result<T> {
        serde_json::from_str(&self.text(col)?)
            .map_err(|e| Error::Internal(format!("bad JSON in column {col}: {e}")))
    }
}

impl RowExt for AnyRow {
    fn text(&self, col: &str) -> Result<String> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
    fn int(&self, col: &str) -> Result<i64> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>> {
        self.try_get(col).map_err(|e| column_error(col, e))
    }
}

/// A floating-point column (only read through sqlx).
pub fn float(row: &AnyRow, col: &str) -> Result<f64> {
    row.try_get(col).map_err(|e| column_error(col, e))
}

fn column_error(col: &str, err: sqlx::Error) -> Error {
    Error::Internal(format!("column {col}: {err}"))
}

/// The lower bound of an id range or keyset page (`id > $n`, `id >= $n`): the id's text, or the
/// empty text, which every id sorts after, to start at the first. Comparing with a bound value
/// keeps the id index usable, where `($n IS NULL OR id > $n)` reads the table from its start for
/// every page.
pub fn lower_id(id: Option<Uuid>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

pub fn parse_uuid(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|e| Error::Internal(format!("bad id {text:?} in database: {e}")))
}

pub fn json_text<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(Error::internal)
}

/// `$first, $first+1, …` for `count` bound values (an `IN (…)` list). Built from the count only;
/// every value is bound, never written into the SQL.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Values bound per statement by [`fetch_in`].
const IN_CHUNK: usize = 500;

/// Runs `sql` for `values` a chunk at a time and returns every row: `sql` names the list as
/// `IN (:list)`, which becomes `IN ($1, $2, …)` for each chunk; the values are bound, never
/// written into the SQL.
pub async fn fetch_in(conn: &mut crate::Conn, sql: &str, values: &[String]) -> Result<Vec<AnyRow>> {
    let mut rows = Vec::new();
    for chunk in values.chunks(IN_CHUNK) {
        let sql = sql.replace(":list", &placeholders(1, chunk.len()));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for value in chunk {
            query = query.bind(value.clone());
        }
        rows.extend(query.fetch_all(&mut *conn).await.map_err(crate::db_error)?);
    }
    Ok(rows)
}

/// Ids as the text the database keeps.
pub fn id_texts(ids: &[Uuid]) -> Vec<String> {
    ids.iter().map(Uuid::to_string).collect()
}
