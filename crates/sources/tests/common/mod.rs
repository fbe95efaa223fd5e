//! What the SQL source tests of every backend (SQLite, PostgreSQL, MySQL) share: a [`Source`] to
//! extract from, the checks on what an extraction left behind, and the scenarios that are the
//! same for all backends but for the SQL they run.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dulieu_sources::sql::{self, Extracted, SqlError, SqlPolicy, SqlTarget};
use sha2::{Digest, Sha256};

/// A test's database and output folder: what a scenario extracts from and writes into.
pub trait Source {
    /// The database the extractions read.
    fn target(&self) -> SqlTarget;

    /// The policy a test starts from: this database allowed, limits no test reaches.
    fn policy(&self) -> SqlPolicy;

    /// The output folder, empty unless an extraction succeeded.
    fn out_dir(&self) -> &Path;

    /// `template` with the test's own names put in (e.g. its schema for `{s}`).
    fn sql(&self, template: &str) -> String;

    /// The CSV file the extractions write.
    fn dest(&self) -> PathBuf {
        self.out_dir().join("out.csv")
    }

    /// Extracts the query `template` (see [`sql`](Self::sql)) into [`dest`](Self::dest).
    async fn extract(&self, template: &str, policy: &SqlPolicy) -> Result<Extracted, SqlError> {
        sql::extract_csv(&self.target(), &self.sql(template), policy, &self.dest()).await
    }

    /// The error of an extraction of `template` that must fail (see [`refused`]).
    async fn refused(&self, template: &str, policy: &SqlPolicy) -> SqlError {
        refused(&self.target(), &self.sql(template), policy, &self.dest()).await
    }
}

/// The error of an extraction that must fail, after checking that it left nothing in the output
/// folder (the parent of `dest`).
pub async fn refused(target: &SqlTarget, query: &str, policy: &SqlPolicy, dest: &Path) -> SqlError {
    let err = sql::extract_csv(target, query, policy, dest)
        .await
        .expect_err("the extraction should fail");
    assert_no_output(dest.parent().unwrap());
    err
}

/// Nothing in the output folder: neither the file nor a temporary one.
pub fn assert_no_output(dir: &Path) {
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

/// The file at `dest` is exactly `expected`, with `rows` data rows, and `done` tells its size,
/// its SHA-256 and the column names of its header.
pub fn assert_exact_csv(done: &Extracted, dest: &Path, expected: &str, rows: u64) {
    let bytes = std::fs::read(dest).unwrap();
    assert_eq!(String::from_utf8(bytes.clone()).unwrap(), expected);
    assert_eq!(done.rows, rows);
    assert_eq!(done.bytes, bytes.len() as u64);
    assert_eq!(done.sha256, hex::encode(Sha256::digest(&bytes)));
    let header = expected.lines().next().unwrap();
    assert_eq!(done.columns, header.split(',').collect::<Vec<_>>());
}

/// Each of `templates` fails with the error `code`, leaving nothing behind.
pub async fn refuses_each(fx: &impl Source, templates: &[&str], code: &str) {
    for template in templates {
        let err = fx.refused(template, &fx.policy()).await;
        assert_eq!(err.code(), code, "{template}: {err}");
    }
}

/// `slow_query` is stopped at the statement time limit `limit`, well `within` the time it
/// would take.
pub async fn stops_at_the_statement_timeout(
    fx: &impl Source,
    slow_query: &str,
    limit: Duration,
    within: Duration,
) {
    let policy = SqlPolicy {
        statement_timeout: limit,
        ..fx.policy()
    };
    let started = Instant::now();
    let err = fx.refused(slow_query, &policy).await;
    assert_eq!(err.code(), "timeout", "{err}");
    assert!(started.elapsed() < within, "{:?}", started.elapsed());
}

/// `query` is refused for a column type CSV cannot hold, with a message containing each of
/// `hints` (the column's name, how to cast it).
pub async fn refuses_unsupported_type(fx: &impl Source, query: &str, hints: &[&str]) {
    let err = fx.refused(query, &fx.policy()).await;
    assert_eq!(err.code(), "unsupported_column_type", "{err}");
    let message = err.to_string();
    for hint in hints {
        assert!(message.contains(hint), "{hint}: {message}");
    }
}

/// `query` fails in the database, and the message passes on what the database said (naming
/// `culprit`).
pub async fn reports_query_failure(fx: &impl Source, query: &str, culprit: &str) {
    let err = fx.refused(query, &fx.policy()).await;
    assert_eq!(err.code(), "query_failed", "{err}");
    assert!(err.to_string().contains(culprit), "{err}");
}
