//! SQL sources against a real PostgreSQL (`DULIEU_TEST_POSTGRES_URL`, started by scripts/test).
//! Each test works in its own schema, dropped at the end; the scenarios MySQL runs as well are
//! in `server/mod.rs`.

mod common;
mod server;

use std::time::Duration;

use common::Source;
use server::Server;

/// The test server, a schema per test.
static POSTGRES: Server = Server {
    url: dulieu_testkit::postgres_url,
    setup: &["CREATE SCHEMA {s};
        SET search_path = {s};
        CREATE TYPE vung AS ENUM ('bắc', 'trung', 'nam');
        CREATE TABLE tinh (
          id int4 PRIMARY KEY,
          ten text NOT NULL,
          vung vung,
          dan_so int8,
          dien_tich numeric(10, 2),
          mat_do float8,
          thanh_lap date,
          cap_nhat timestamptz,
          thanh_pho bool,
          ghi_chu varchar(80)
        );
        INSERT INTO tinh VALUES
          (1, 'Hà Nội', 'bắc', 8435700, 3359.82, 2510.7, '1010-07-01',
           '2024-04-01 08:30:00+07', true, NULL),
          (2, 'Thành phố Hồ Chí Minh', 'nam', 9389700, 2095.39, 4481.2, '1698-01-01',
           '2024-04-01 12:00:00.25+00', true, 'lớn nhất, đông dân'),
          (3, 'Đà Nẵng', 'trung', 1220190, 1284.90, 949.6, '1997-01-01',
           NULL, true, 'nói \"xin chào\"'),
          (4, ' Huế ', NULL, NULL, 5048.00, 0.1, NULL,
           '2023-12-31 23:59:59.999999+00', false, '');
        CREATE SEQUENCE so;
        RESET search_path;"],
    teardown: "DROP SCHEMA {s} CASCADE",
    schema_is_database: false,
    unreachable_url: "postgres://postgres@127.0.0.1:1/postgres",
};

/// A query long enough to reach every cap.
const MANY_ROWS: &str = "SELECT g FROM generate_series(1, 100000) AS g";

#[tokio::test]
async fn extracts_exact_csv() {
    // Timestamps with a time zone in UTC.
    let expected = "id,ten,vung,dan_so,dien_tich,mat_do,thanh_lap,cap_nhat,thanh_pho,ghi_chu
1,Hà Nội,bắc,8435700,3359.82,2510.7,1010-07-01,2024-04-01T01:30:00Z,true,
2,Thành phố Hồ Chí Minh,nam,9389700,2095.39,4481.2,1698-01-01,2024-04-01T12:00:00.25Z,true,\"lớn nhất, đông dân\"
3,Đà Nẵng,trung,1220190,1284.90,949.6,1997-01-01,,true,\"nói \"\"xin chào\"\"\"
4,\" Huế \",,,5048.00,0.1,,2023-12-31T23:59:59.999999Z,false,\"\"
";
    POSTGRES
        .run(async |fx| server::extracts_exact_csv(fx, expected).await)
        .await;
}

#[tokio::test]
async fn writes_types_as_postgresql_does() {
    POSTGRES
        .run(async |fx| {
            // Every numeric as PostgreSQL writes it itself.
            fx.extract(
                "SELECT v, v::text AS t FROM (VALUES (0::numeric), (1.5), (-0.0001), \
                 (123456789.123456789), (1e20), (1e-20), ('NaN'), ('Infinity'), ('-Infinity'), \
                 (10000), (9999.9999), (0.00), (-42), (100000000.000000001), (0.1e-3)) AS x(v)",
                &fx.policy(),
            )
            .await
            .unwrap();
            let text = std::fs::read_to_string(fx.dest()).unwrap();
            let mut lines = text.lines();
            assert_eq!(lines.next(), Some("v,t"));
            let mut n = 0;
            for line in lines {
                let (ours, theirs) = line.split_once(',').unwrap();
                assert_eq!(ours, theirs, "{line}");
                n += 1;
            }
            assert_eq!(n, 15);

            fx.extract(
                "SELECT 1::int2 AS a, 2::int4 AS b, -3::int8 AS c, 1.1::float4 AS d, \
                 0.1::float8 + 0.2 AS e, 'NaN'::float8 AS f, '-Infinity'::float8 AS g, \
                 '12:34:56.789'::time AS h, '24:00'::time AS i, '08:00:00+07'::timetz AS j, \
                 '2024-02-29 13:45:01'::timestamp AS k, 'infinity'::timestamptz AS l, \
                 '-infinity'::date AS m, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS n, \
                 '{\"b\": [1, 2.50], \"a\": \"x  y\"}'::jsonb AS o, \
                 '{\"b\": [1, 2.50],  \"a\": \"x  y\"}'::json AS p, 'abc  '::char(5) AS q, \
                 'tên'::name AS r, 26::oid AS s, 'x'::\"char\" AS t, 'chữ' AS u, NULL::text AS v, \
                 true AS w",
                &fx.policy(),
            )
            .await
            .unwrap();
            assert_eq!(
                std::fs::read_to_string(fx.dest()).unwrap(),
                "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w\n\
                 1,2,-3,1.1,0.30000000000000004,NaN,-Infinity,12:34:56.789,24:00:00,08:00:00+07:00,\
                 2024-02-29T13:45:01,infinity,-infinity,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,\
                 \"{\"\"a\"\":\"\"x  y\"\",\"\"b\"\":[1,2.50]}\",\"{\"\"b\"\":[1,2.50],\"\"a\"\":\"\"x  y\"\"}\",\
                 \"abc  \",tên,26,x,chữ,,true\n"
            );
        })
        .await;
}

#[tokio::test]
async fn refuses_more_than_one_statement() {
    POSTGRES
        .run(async |fx| {
            server::refuses_more_than_one_statement(fx, &["COMMIT; DELETE FROM {s}.tinh"]).await
        })
        .await;
}

#[tokio::test]
async fn refuses_writes() {
    POSTGRES
        .run(async |fx| {
            let writes = [
                "DELETE FROM {s}.tinh",
                "DELETE FROM {s}.tinh RETURNING id",
                "WITH d AS (DELETE FROM {s}.tinh RETURNING *) SELECT count(*) FROM d",
                "INSERT INTO {s}.tinh (id, ten) VALUES (9, 'x') RETURNING id",
                "UPDATE {s}.tinh SET ten = 'x' RETURNING ten",
                "CREATE TABLE {s}.khac (a int)",
                "CREATE TABLE {s}.khac AS SELECT 1 AS a",
                "SELECT 1 AS a INTO {s}.khac",
                "SELECT nextval('{s}.so')",
                "SELECT id FROM {s}.tinh FOR UPDATE",
                "SET TRANSACTION READ WRITE",
                "COMMIT",
                "TRUNCATE {s}.tinh",
            ];
            server::refuses_writes(fx, &writes).await;
            assert_eq!(fx.count("SELECT last_value FROM {s}.so").await, 1);
        })
        .await;
}

#[tokio::test]
async fn stops_at_the_statement_timeout() {
    POSTGRES
        .run(async |fx| {
            let (limit, within) = (Duration::from_secs(1), Duration::from_secs(8));
            let slow = "SELECT 1 AS x FROM pg_sleep(10)";
            common::stops_at_the_statement_timeout(fx, slow, limit, within).await
        })
        .await;
}

#[tokio::test]
async fn refuses_hosts_outside_the_allowed_networks() {
    POSTGRES
        .run(async |fx| server::refuses_hosts_outside_the_allowed_networks(fx).await)
        .await;
}

#[tokio::test]
async fn refuses_unsupported_types_naming_the_column() {
    POSTGRES
        .run(async |fx| {
            let point = "SELECT id, point(1, 2) AS vi_tri FROM {s}.tinh";
            common::refuses_unsupported_type(fx, point, &["\"vi_tri\"", "point", "::text"]).await;
            let bytea = "SELECT '\\x00ff'::bytea AS anh";
            common::refuses_unsupported_type(fx, bytea, &["encode("]).await;
            // Cast to text, it goes through.
            fx.extract("SELECT point(1, 2)::text AS vi_tri", &fx.policy())
                .await
                .unwrap();
            assert_eq!(
                std::fs::read_to_string(fx.dest()).unwrap(),
                "vi_tri\n\"(1,2)\"\n"
            );
        })
        .await;
}

#[tokio::test]
async fn caps_rows_and_bytes() {
    POSTGRES
        .run(async |fx| {
            server::caps_rows_and_bytes(fx, 10, MANY_ROWS, 100, MANY_ROWS).await;
            let done = fx
                .extract("SELECT g FROM generate_series(1, 10) AS g", &fx.policy())
                .await
                .unwrap();
            assert_eq!(done.rows, 10);
        })
        .await;
}

#[tokio::test]
async fn reports_query_and_connection_failures() {
    POSTGRES
        .run(async |fx| server::reports_query_and_connection_failures(fx).await)
        .await;
}
