//! SQL sources against real SQLite files.

mod common;

use std::path::Path;
use std::time::Duration;

use common::Source;
use dulieu_sources::sql::{self, SqlPolicy, SqlTarget};
use tempfile::TempDir;

const TABLE: &str = "
CREATE TABLE tinh (id INTEGER PRIMARY KEY, ten TEXT, dan_so INTEGER, dien_tich REAL, ghi_chu TEXT);
INSERT INTO tinh VALUES
  (1, 'Hà Nội', 8435700, 3359.82, NULL),
  (2, 'Thành phố Hồ Chí Minh', 9389700, 2095.39, 'lớn nhất, đông dân'),
  (3, 'Đà Nẵng', 1220190, 1284.88, 'nói \"xin chào\"'),
  (4, ' Huế ', NULL, 0.1, ''),
  (5, 'Cần Thơ', -5, 2.5, 'dòng 1
dòng 2');
";

const EXPECTED: &str = "id,ten,dan_so,dien_tich,ghi_chu
1,Hà Nội,8435700,3359.82,
2,Thành phố Hồ Chí Minh,9389700,2095.39,\"lớn nhất, đông dân\"
3,Đà Nẵng,1220190,1284.88,\"nói \"\"xin chào\"\"\"
4,\" Huế \",,0.1,\"\"
5,Cần Thơ,-5,2.5,\"dòng 1
dòng 2\"
";

const QUERY: &str = "SELECT id, ten, dan_so, dien_tich, ghi_chu FROM tinh ORDER BY id";

/// A SQLite folder with `agency.db` in it, and an empty output folder.
struct Fixture {
    sqlite_dir: TempDir,
    out_dir: TempDir,
}

impl Fixture {
    fn new() -> Self {
        let sqlite_dir = tempfile::tempdir().unwrap();
        let conn = rusqlite::Connection::open(sqlite_dir.path().join("agency.db")).unwrap();
        conn.execute_batch(TABLE).unwrap();
        Fixture {
            sqlite_dir,
            out_dir: tempfile::tempdir().unwrap(),
        }
    }

    fn row_count(&self) -> i64 {
        let conn = rusqlite::Connection::open(self.sqlite_dir.path().join("agency.db")).unwrap();
        conn.query_row("SELECT count(*) FROM tinh", [], |r| r.get(0))
            .unwrap()
    }

    /// The error of extracting [`QUERY`] from the database at `url`, which must fail.
    async fn refused_at(&self, url: &str, policy: &SqlPolicy) -> sql::SqlError {
        let target = SqlTarget::parse(url).unwrap();
        common::refused(&target, QUERY, policy, &self.dest()).await
    }
}

/// `agency.db` in the SQLite folder.
impl Source for Fixture {
    fn target(&self) -> SqlTarget {
        SqlTarget::parse("sqlite://agency.db").unwrap()
    }

    fn policy(&self) -> SqlPolicy {
        SqlPolicy {
            sqlite_dir: Some(self.sqlite_dir.path().to_path_buf()),
            statement_timeout: Duration::from_secs(10),
            ..SqlPolicy::default()
        }
    }

    fn out_dir(&self) -> &Path {
        self.out_dir.path()
    }

    /// The query as it is: SQLite has no schema of the test's own.
    fn sql(&self, template: &str) -> String {
        template.to_string()
    }
}

#[tokio::test]
async fn extracts_exact_csv() {
    let fx = Fixture::new();
    sql::vet(&fx.target(), &fx.policy()).await.unwrap();
    let done = fx.extract(QUERY, &fx.policy()).await.unwrap();
    common::assert_exact_csv(&done, &fx.dest(), EXPECTED, 5);
    assert_eq!(
        done.columns,
        ["id", "ten", "dan_so", "dien_tich", "ghi_chu"]
    );
    // Only the finished file is in the folder.
    let names: Vec<_> = std::fs::read_dir(fx.out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["out.csv"]);

    // The absolute path inside the folder, and a trailing semicolon and comment, are fine too.
    let absolute = format!(
        "sqlite://{}",
        fx.sqlite_dir.path().join("agency.db").display()
    );
    let target = SqlTarget::parse(&absolute).unwrap();
    let again = sql::extract_csv(
        &target,
        &format!("{QUERY};  -- the provinces\n"),
        &fx.policy(),
        &fx.dest(),
    )
    .await
    .unwrap();
    assert_eq!(again.sha256, done.sha256);
}

#[tokio::test]
async fn typed_values_per_value() {
    let fx = Fixture::new();
    let target = SqlTarget::parse("sqlite:agency.db").unwrap();
    let done = sql::extract_csv(
        &target,
        "SELECT 1.0/3 AS third, 1e308 * 10 AS big, 9007199254740993 AS i, -0.5 AS half, \
         NULL AS n, 'a' || char(10) || 'b' AS t",
        &fx.policy(),
        &fx.dest(),
    )
    .await
    .unwrap();
    assert_eq!(done.rows, 1);
    assert_eq!(
        std::fs::read_to_string(fx.dest()).unwrap(),
        "third,big,i,half,n,t\n0.3333333333333333,Infinity,9007199254740993,-0.5,,\"a\nb\"\n"
    );
    // No rows: just the header.
    let done = sql::extract_csv(
        &target,
        "SELECT id, ten FROM tinh WHERE id < 0",
        &fx.policy(),
        &fx.dest(),
    )
    .await
    .unwrap();
    assert_eq!(done.rows, 0);
    assert_eq!(std::fs::read_to_string(fx.dest()).unwrap(), "id,ten\n");
}

#[tokio::test]
async fn refuses_files_outside_the_folder() {
    let fx = Fixture::new();
    let policy = fx.policy();
    // A database outside the folder, reached by an absolute path, by `..` and by a symlink.
    let elsewhere = tempfile::tempdir().unwrap();
    let outside_db = elsewhere.path().join("secret.db");
    rusqlite::Connection::open(&outside_db)
        .unwrap()
        .execute_batch(TABLE)
        .unwrap();
    let dotdot = format!(
        "sqlite://../{}/secret.db",
        elsewhere.path().file_name().unwrap().to_str().unwrap()
    );
    // Both temp dirs live in the same parent, so `..` from the folder reaches the other one.
    assert_eq!(
        fx.sqlite_dir.path().parent(),
        elsewhere.path().parent(),
        "test setup"
    );
    std::os::unix::fs::symlink(&outside_db, fx.sqlite_dir.path().join("link.db")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), fx.sqlite_dir.path().join("subdir")).unwrap();
    for url in [
        format!("sqlite://{}", outside_db.display()),
        dotdot,
        "sqlite://link.db".to_string(),
        "sqlite://subdir/secret.db".to_string(),
        format!(
            "sqlite://{}/../{}/secret.db",
            fx.sqlite_dir.path().display(),
            elsewhere.path().file_name().unwrap().to_str().unwrap()
        ),
        "sqlite:///etc/passwd".to_string(),
        "sqlite://../../../../../../no/such/file.db".to_string(),
    ] {
        let target = SqlTarget::parse(&url).unwrap();
        let err = sql::vet(&target, &policy).await.unwrap_err();
        assert_eq!(err.code(), "sqlite_outside_folder", "{url}: {err}");
        let err = fx.refused_at(&url, &policy).await;
        assert_eq!(err.code(), "sqlite_outside_folder", "{url}: {err}");
    }
    // Missing inside the folder.
    let err = fx.refused_at("sqlite://missing.db", &policy).await;
    assert_eq!(err.code(), "sqlite_not_found", "{err}");
    // No SQLite folder set: SQLite refused altogether.
    let no_sqlite = SqlPolicy {
        sqlite_dir: None,
        ..fx.policy()
    };
    let err = fx.refused(QUERY, &no_sqlite).await;
    assert_eq!(err.code(), "sqlite_not_allowed", "{err}");
}

#[tokio::test]
async fn refuses_more_than_one_statement() {
    let fx = Fixture::new();
    let queries = [
        "SELECT 1; DELETE FROM tinh",
        "SELECT * FROM tinh; DELETE FROM tinh;",
        "SELECT 1; SELECT 2",
        "DELETE FROM tinh; SELECT 1",
    ];
    common::refuses_each(&fx, &queries, "not_one_select").await;
    assert_eq!(fx.row_count(), 5);
}

#[tokio::test]
async fn refuses_writes() {
    let fx = Fixture::new();
    let writes = [
        "DELETE FROM tinh",
        "DELETE FROM tinh RETURNING id",
        "INSERT INTO tinh (id, ten) VALUES (9, 'x')",
        "INSERT INTO tinh (id, ten) VALUES (9, 'x') RETURNING id",
        "UPDATE tinh SET ten = 'x'",
        "UPDATE tinh SET ten = 'x' RETURNING ten",
        "CREATE TABLE khac (a)",
        "DROP TABLE tinh",
        "ATTACH DATABASE 'other.db' AS other",
        "PRAGMA journal_mode = DELETE",
        "VACUUM",
    ];
    common::refuses_each(&fx, &writes, "not_one_select").await;
    assert_eq!(fx.row_count(), 5);
    assert!(!fx.sqlite_dir.path().join("other.db").exists());
}

#[tokio::test]
async fn caps_rows_and_bytes() {
    let fx = Fixture::new();
    let policy = SqlPolicy {
        max_rows: 4,
        ..fx.policy()
    };
    let err = fx.refused(QUERY, &policy).await;
    assert_eq!(err.code(), "too_many_rows", "{err}");
    // Exactly at the cap is fine.
    let policy = SqlPolicy {
        max_rows: 5,
        ..fx.policy()
    };
    fx.extract(QUERY, &policy).await.unwrap();
    std::fs::remove_file(fx.dest()).unwrap();

    let policy = SqlPolicy {
        max_bytes: EXPECTED.len() as u64 - 1,
        ..fx.policy()
    };
    let err = fx.refused(QUERY, &policy).await;
    assert_eq!(err.code(), "too_large", "{err}");
    let policy = SqlPolicy {
        max_bytes: EXPECTED.len() as u64,
        ..fx.policy()
    };
    let done = fx.extract(QUERY, &policy).await.unwrap();
    assert_eq!(done.bytes, EXPECTED.len() as u64);
}

#[tokio::test]
async fn refuses_blobs_naming_the_column() {
    let fx = Fixture::new();
    let query =
        "SELECT id, CASE WHEN id = 3 THEN x'00ff' ELSE ten END AS anh FROM tinh ORDER BY id";
    common::refuses_unsupported_type(&fx, query, &["\"anh\"", "row 3", "hex(anh)"]).await;
}

#[tokio::test]
async fn stops_at_the_time_limit() {
    let fx = Fixture::new();
    let (limit, within) = (Duration::from_millis(500), Duration::from_secs(5));
    let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) \
                   SELECT count(*) FROM c";
    common::stops_at_the_statement_timeout(&fx, endless, limit, within).await;
}

#[tokio::test]
async fn reports_bad_queries() {
    let fx = Fixture::new();
    common::reports_query_failure(&fx, "SELECT nope FROM tinh", "nope").await;
    let err = fx.refused("  ", &fx.policy()).await;
    assert_eq!(err.code(), "query_empty");
}
