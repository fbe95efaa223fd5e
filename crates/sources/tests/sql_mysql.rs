//! SQL sources against a real MySQL or MariaDB server, when `DULIEU_TEST_MYSQL_URL` names one
//! (e.g. `mysql://root@127.0.0.1:53306/mysql`; the user must be able to create databases).
//! Each test works in its own database, dropped at the end.

use std::path::{Path, PathBuf};
use std::time::Duration;

use dulieu_sources::sql::{self, SqlError, SqlPolicy, SqlTarget};
use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Connection, Executor, MySqlConnection};
use tempfile::TempDir;

/// The MySQL/MariaDB server for tests, or `None` (test skipped) when not configured.
fn mysql_url() -> Option<String> {
    match std::env::var("DULIEU_TEST_MYSQL_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "DULIEU_TEST_MYSQL_URL must be set in CI (scripts/test starts MariaDB)"
            );
            eprintln!("note: DULIEU_TEST_MYSQL_URL not set; MySQL test skipped");
            None
        }
    }
}

/// A database of its own on the test server, and an empty output folder.
struct Fixture {
    url: String,
    db: String,
    conn: MySqlConnection,
    out_dir: TempDir,
}

impl Fixture {
    async fn new() -> Option<Self> {
        let server_url = mysql_url()?;
        let mut conn = MySqlConnection::connect(&server_url).await.unwrap();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let db = format!("dulieu_sql_{}_{nanos}", std::process::id());
        for statement in [
            format!("CREATE DATABASE {db} CHARACTER SET utf8mb4"),
            format!(
                "CREATE TABLE {db}.tinh (
                   id INT PRIMARY KEY,
                   ten VARCHAR(100) NOT NULL,
                   vung ENUM('bắc', 'trung', 'nam'),
                   dan_so BIGINT,
                   dien_tich DECIMAL(10, 2),
                   mat_do DOUBLE,
                   thanh_lap DATE,
                   cap_nhat DATETIME(6),
                   thanh_pho TINYINT(1),
                   ghi_chu TEXT
                 )"
            ),
            format!(
                "INSERT INTO {db}.tinh VALUES
                   (1, 'Hà Nội', 'bắc', 8435700, 3359.82, 2510.7, '1010-07-01',
                    '2024-04-01 08:30:00', 1, NULL),
                   (2, 'Thành phố Hồ Chí Minh', 'nam', 9389700, 2095.39, 4481.2, '1698-01-01',
                    '2024-04-01 12:00:00.25', 1, 'lớn nhất, đông dân'),
                   (3, 'Đà Nẵng', 'trung', 1220190, 1284.90, 949.6, '1997-01-01',
                    NULL, 1, 'nói \"xin chào\"'),
                   (4, ' Huế ', NULL, NULL, 5048.00, 0.1, NULL,
                    '2023-12-31 23:59:59.999999', 0, '')"
            ),
        ] {
            conn.execute(sqlx::raw_sql(AssertSqlSafe(statement)))
                .await
                .unwrap();
        }
        // The same server and credentials, with this database.
        let base = server_url
            .rsplit_once('/')
            .map_or(server_url.as_str(), |(b, _)| b);
        let url = format!("{base}/{db}");
        Some(Fixture {
            url,
            db,
            conn,
            out_dir: tempfile::tempdir().unwrap(),
        })
    }

    fn policy(&self) -> SqlPolicy {
        SqlPolicy {
            allow_networks: vec!["127.0.0.1/32".into(), "::1/128".into()],
            statement_timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            ..SqlPolicy::default()
        }
    }

    fn target(&self) -> SqlTarget {
        SqlTarget::parse(&self.url).unwrap()
    }

    fn dest(&self) -> PathBuf {
        self.out_dir.path().join("out.csv")
    }

    fn sql(&self, template: &str) -> String {
        template.replace("{d}", &self.db)
    }

    async fn extract(&self, query: &str, policy: &SqlPolicy) -> Result<sql::Extracted, SqlError> {
        sql::extract_csv(&self.target(), &self.sql(query), policy, &self.dest()).await
    }

    async fn refused(&self, query: &str, policy: &SqlPolicy) -> SqlError {
        let err = self
            .extract(query, policy)
            .await
            .expect_err("the extraction should fail");
        assert_no_output(self.out_dir.path());
        err
    }

    async fn count(&mut self, query: &str) -> i64 {
        let query = self.sql(query);
        sqlx::query_scalar(AssertSqlSafe(query))
            .fetch_one(&mut self.conn)
            .await
            .unwrap()
    }

    async fn drop_db(mut self) {
        let drop = format!("DROP DATABASE {}", self.db);
        self.conn
            .execute(sqlx::raw_sql(AssertSqlSafe(drop)))
            .await
            .unwrap();
    }
}

fn assert_no_output(dir: &Path) {
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

#[tokio::test]
async fn extracts_exact_csv() {
    let Some(fx) = Fixture::new().await else {
        return;
    };
    let done = fx
        .extract(
            "SELECT id, ten, vung, dan_so, dien_tich, mat_do, thanh_lap, cap_nhat, thanh_pho, \
             ghi_chu FROM {d}.tinh ORDER BY id",
            &fx.policy(),
        )
        .await
        .unwrap();
    let expected = "id,ten,vung,dan_so,dien_tich,mat_do,thanh_lap,cap_nhat,thanh_pho,ghi_chu
1,Hà Nội,bắc,8435700,3359.82,2510.7,1010-07-01,2024-04-01T08:30:00,1,
2,Thành phố Hồ Chí Minh,nam,9389700,2095.39,4481.2,1698-01-01,2024-04-01T12:00:00.25,1,\"lớn nhất, đông dân\"
3,Đà Nẵng,trung,1220190,1284.90,949.6,1997-01-01,,1,\"nói \"\"xin chào\"\"\"
4,\" Huế \",,,5048.00,0.1,,2023-12-31T23:59:59.999999,0,\"\"
";
    let bytes = std::fs::read(fx.dest()).unwrap();
    assert_eq!(String::from_utf8(bytes.clone()).unwrap(), expected);
    assert_eq!(done.rows, 4);
    assert_eq!(done.bytes, bytes.len() as u64);
    assert_eq!(done.sha256, hex::encode(Sha256::digest(&bytes)));
    assert_eq!(done.columns[1], "ten");

    // Empty result: the header only.
    let done = fx
        .extract("SELECT id, ten FROM {d}.tinh WHERE id < 0", &fx.policy())
        .await
        .unwrap();
    assert_eq!(done.rows, 0);
    assert_eq!(std::fs::read_to_string(fx.dest()).unwrap(), "id,ten\n");
    fx.drop_db().await;
}

#[tokio::test]
async fn writes_types() {
    let Some(fx) = Fixture::new().await else {
        return;
    };
    fx.extract(
        "SELECT CAST(-1 AS SIGNED) AS a, CAST(18446744073709551615 AS UNSIGNED) AS b, \
         -128 AS c, 0.1e0 + 0.2e0 AS d, CAST(1.1 AS FLOAT) AS e, \
         CAST('-26:03:04.5' AS TIME(1)) AS f, CAST('2024-02-29' AS DATE) AS g, \
         TIMESTAMP('2024-02-29 13:45:01') AS h, 12345678901234567890.123 AS i, \
         JSON_OBJECT('b', JSON_ARRAY(1, 2), 'a', 'x  y') AS j, NULL AS k, 'chữ' AS l",
        &fx.policy(),
    )
    .await
    .unwrap();
    let text = std::fs::read_to_string(fx.dest()).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("a,b,c,d,e,f,g,h,i,j,k,l"));
    let row = lines.next().unwrap();
    // The JSON field differs: MySQL has a JSON type (compacted), MariaDB's JSON is text.
    assert!(
        row.starts_with(
            "-1,18446744073709551615,-128,0.30000000000000004,1.1,-26:03:04.5,2024-02-29,\
             2024-02-29T13:45:01,12345678901234567890.123,"
        ),
        "{row}"
    );
    assert!(row.ends_with(",,chữ"), "{row}");
    fx.drop_db().await;
}

#[tokio::test]
async fn refuses_more_than_one_statement() {
    let Some(mut fx) = Fixture::new().await else {
        return;
    };
    for query in [
        "SELECT 1; DELETE FROM {d}.tinh",
        "SELECT * FROM {d}.tinh; DROP TABLE {d}.tinh",
        "SELECT 1; SELECT 2",
    ] {
        let err = fx.refused(query, &fx.policy()).await;
        assert_eq!(err.code(), "not_one_select", "{query}: {err}");
    }
    assert_eq!(fx.count("SELECT count(*) FROM {d}.tinh").await, 4);
    fx.drop_db().await;
}

#[tokio::test]
async fn refuses_writes() {
    let Some(mut fx) = Fixture::new().await else {
        return;
    };
    for query in [
        "DELETE FROM {d}.tinh",
        "INSERT INTO {d}.tinh (id, ten) VALUES (9, 'x')",
        "UPDATE {d}.tinh SET ten = 'x'",
        "CREATE TABLE {d}.khac (a INT)",
        "CREATE TABLE {d}.khac AS SELECT 1 AS a",
        "DROP TABLE {d}.tinh",
        "TRUNCATE TABLE {d}.tinh",
        "SET SESSION TRANSACTION READ WRITE",
        "COMMIT",
    ] {
        let err = fx.refused(query, &fx.policy()).await;
        assert_eq!(err.code(), "not_one_select", "{query}: {err}");
    }
    // Statements that return no rows are refused before they run: no file on the server.
    let outfile = std::env::temp_dir().join(format!("{}.csv", fx.db));
    let query = format!("SELECT 1 INTO OUTFILE '{}'", outfile.display());
    let err = fx.refused(&query, &fx.policy()).await;
    assert_eq!(err.code(), "not_one_select", "{err}");
    assert!(!outfile.exists());
    let err = fx.refused("SELECT 1 INTO @x", &fx.policy()).await;
    assert_eq!(err.code(), "not_one_select", "{err}");
    // MariaDB has DELETE … RETURNING (refused in the read-only transaction); MySQL does not
    // know it (a syntax error).
    let err = fx
        .refused("DELETE FROM {d}.tinh RETURNING id", &fx.policy())
        .await;
    assert!(
        matches!(err.code(), "not_one_select" | "query_failed"),
        "{err}"
    );
    assert_eq!(fx.count("SELECT count(*) FROM {d}.tinh").await, 4);
    assert_eq!(
        fx.count(
            "SELECT count(*) FROM information_schema.tables \
             WHERE table_schema = '{d}' AND table_name = 'khac'"
        )
        .await,
        0
    );
    fx.drop_db().await;
}

#[tokio::test]
async fn stops_at_the_statement_timeout() {
    let Some(fx) = Fixture::new().await else {
        return;
    };
    let policy = SqlPolicy {
        statement_timeout: Duration::from_secs(1),
        ..fx.policy()
    };
    let started = std::time::Instant::now();
    // A long computation (SLEEP() is just interrupted and returns 1 on MySQL).
    let err = fx
        .refused(
            "SELECT count(*) AS n FROM information_schema.columns a, \
             information_schema.columns b, information_schema.columns c",
            &policy,
        )
        .await;
    assert_eq!(err.code(), "timeout", "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    fx.drop_db().await;
}

#[tokio::test]
async fn refuses_hosts_outside_the_allowed_networks() {
    let Some(fx) = Fixture::new().await else {
        return;
    };
    let policy = SqlPolicy {
        allow_networks: vec!["10.0.0.0/8".into()],
        ..fx.policy()
    };
    let err = fx.refused("SELECT 1 AS x", &policy).await;
    assert_eq!(err.code(), "host_not_allowed", "{err}");
    assert!(err.to_string().contains("pull.database_networks"), "{err}");
    fx.drop_db().await;
}

#[tokio::test]
async fn refuses_unsupported_types_naming_the_column() {
    let Some(fx) = Fixture::new().await else {
        return;
    };
    let err = fx
        .refused(
            "SELECT id, UNHEX('00FF') AS anh FROM {d}.tinh",
            &fx.policy(),
        )
        .await;
    assert_eq!(err.code(), "unsupported_column_type", "{err}");
    let message = err.to_string();
    assert!(
        message.contains("\"anh\"") && message.contains("HEX("),
        "{message}"
    );
    let err = fx
        .refused("SELECT b'101' AS bits, POINT(1, 2) AS p", &fx.policy())
        .await;
    assert_eq!(err.code(), "unsupported_column_type", "{err}");
    assert!(err.to_string().contains("\"bits\""), "{err}");
    fx.drop_db().await;
}

#[tokio::test]
async fn caps_rows_and_bytes() {
    let Some(fx) = Fixture::new().await else {
        return;
    };
    let policy = SqlPolicy {
        max_rows: 3,
        ..fx.policy()
    };
    let err = fx.refused("SELECT id FROM {d}.tinh", &policy).await;
    assert_eq!(err.code(), "too_many_rows", "{err}");
    let policy = SqlPolicy {
        max_bytes: 20,
        ..fx.policy()
    };
    let err = fx.refused("SELECT ten FROM {d}.tinh", &policy).await;
    assert_eq!(err.code(), "too_large", "{err}");
    fx.drop_db().await;
}
