//! SQL sources against a real MySQL or MariaDB server, when `DULIEU_TEST_MYSQL_URL` names one
//! (e.g. `mysql://root@127.0.0.1:53306/mysql`; the user must be able to create databases).
//! Each test works in its own database, dropped at the end; the scenarios PostgreSQL runs as well
//! are in `server/mod.rs`.

mod common;
mod server;

use std::time::Duration;

use common::Source;
use server::Server;

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

/// The test server, a database per test.
static MYSQL: Server = Server {
    url: mysql_url,
    setup: &[
        "CREATE DATABASE {s} CHARACTER SET utf8mb4",
        "CREATE TABLE {s}.tinh (
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
         )",
        "INSERT INTO {s}.tinh VALUES
           (1, 'Hà Nội', 'bắc', 8435700, 3359.82, 2510.7, '1010-07-01',
            '2024-04-01 08:30:00', 1, NULL),
           (2, 'Thành phố Hồ Chí Minh', 'nam', 9389700, 2095.39, 4481.2, '1698-01-01',
            '2024-04-01 12:00:00.25', 1, 'lớn nhất, đông dân'),
           (3, 'Đà Nẵng', 'trung', 1220190, 1284.90, 949.6, '1997-01-01',
            NULL, 1, 'nói \"xin chào\"'),
           (4, ' Huế ', NULL, NULL, 5048.00, 0.1, NULL,
            '2023-12-31 23:59:59.999999', 0, '')",
    ],
    teardown: "DROP DATABASE {s}",
    schema_is_database: true,
    unreachable_url: "mysql://root@127.0.0.1:1/mysql",
};

#[tokio::test]
async fn extracts_exact_csv() {
    // DATETIME has no time zone; booleans are TINYINT(1).
    let expected = "id,ten,vung,dan_so,dien_tich,mat_do,thanh_lap,cap_nhat,thanh_pho,ghi_chu
1,Hà Nội,bắc,8435700,3359.82,2510.7,1010-07-01,2024-04-01T08:30:00,1,
2,Thành phố Hồ Chí Minh,nam,9389700,2095.39,4481.2,1698-01-01,2024-04-01T12:00:00.25,1,\"lớn nhất, đông dân\"
3,Đà Nẵng,trung,1220190,1284.90,949.6,1997-01-01,,1,\"nói \"\"xin chào\"\"\"
4,\" Huế \",,,5048.00,0.1,,2023-12-31T23:59:59.999999,0,\"\"
";
    MYSQL
        .run(async |fx| server::extracts_exact_csv(fx, expected).await)
        .await;
}

#[tokio::test]
async fn writes_types() {
    MYSQL
        .run(async |fx| {
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
        })
        .await;
}

#[tokio::test]
async fn refuses_more_than_one_statement() {
    MYSQL
        .run(async |fx| server::refuses_more_than_one_statement(fx, &[]).await)
        .await;
}

#[tokio::test]
async fn refuses_writes() {
    MYSQL
        .run(async |fx| {
            // Statements that return no rows are refused before they run: no file on the server.
            let outfile = std::env::temp_dir().join(fx.sql("{s}.csv"));
            let query = format!("SELECT 1 INTO OUTFILE '{}'", outfile.display());
            let err = fx.refused(&query, &fx.policy()).await;
            assert_eq!(err.code(), "not_one_select", "{err}");
            assert!(!outfile.exists());
            // MariaDB has DELETE … RETURNING (refused in the read-only transaction); MySQL does
            // not know it (a syntax error).
            let err = fx
                .refused("DELETE FROM {s}.tinh RETURNING id", &fx.policy())
                .await;
            assert!(
                matches!(err.code(), "not_one_select" | "query_failed"),
                "{err}"
            );
            let writes = [
                "DELETE FROM {s}.tinh",
                "INSERT INTO {s}.tinh (id, ten) VALUES (9, 'x')",
                "UPDATE {s}.tinh SET ten = 'x'",
                "CREATE TABLE {s}.khac (a INT)",
                "CREATE TABLE {s}.khac AS SELECT 1 AS a",
                "DROP TABLE {s}.tinh",
                "TRUNCATE TABLE {s}.tinh",
                "SET SESSION TRANSACTION READ WRITE",
                "COMMIT",
                "SELECT 1 INTO @x",
            ];
            server::refuses_writes(fx, &writes).await;
        })
        .await;
}

#[tokio::test]
async fn stops_at_the_statement_timeout() {
    MYSQL
        .run(async |fx| {
            let (limit, within) = (Duration::from_secs(1), Duration::from_secs(10));
            // A long computation (SLEEP() is just interrupted and returns 1 on MySQL).
            let slow = "SELECT count(*) AS n FROM information_schema.columns a, \
                        information_schema.columns b, information_schema.columns c";
            common::stops_at_the_statement_timeout(fx, slow, limit, within).await
        })
        .await;
}

#[tokio::test]
async fn refuses_hosts_outside_the_allowed_networks() {
    MYSQL
        .run(async |fx| server::refuses_hosts_outside_the_allowed_networks(fx).await)
        .await;
}

#[tokio::test]
async fn refuses_unsupported_types_naming_the_column() {
    MYSQL
        .run(async |fx| {
            let blob = "SELECT id, UNHEX('00FF') AS anh FROM {s}.tinh";
            common::refuses_unsupported_type(fx, blob, &["\"anh\"", "HEX("]).await;
            let bits = "SELECT b'101' AS bits, POINT(1, 2) AS p";
            common::refuses_unsupported_type(fx, bits, &["\"bits\""]).await;
        })
        .await;
}

#[tokio::test]
async fn caps_rows_and_bytes() {
    MYSQL
        .run(async |fx| {
            let (ids, names) = ("SELECT id FROM {s}.tinh", "SELECT ten FROM {s}.tinh");
            server::caps_rows_and_bytes(fx, 3, ids, 20, names).await
        })
        .await;
}

#[tokio::test]
async fn reports_query_and_connection_failures() {
    MYSQL
        .run(async |fx| server::reports_query_and_connection_failures(fx).await)
        .await;
}
