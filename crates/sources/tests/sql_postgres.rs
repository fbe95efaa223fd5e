//! SQL sources against a real PostgreSQL (`DULIEU_TEST_POSTGRES_URL`, started by scripts/test).
//! Each test works in its own schema, dropped at the end.

use std::path::{Path, PathBuf};
use std::time::Duration;

use dulieu_sources::sql::{self, SqlError, SqlPolicy, SqlTarget};
use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
use tempfile::TempDir;

/// A schema of its own on the test server, and an empty output folder.
struct Fixture {
    url: String,
    schema: String,
    conn: PgConnection,
    out_dir: TempDir,
}

impl Fixture {
    /// `None` (test skipped) when no PostgreSQL is configured outside CI.
    async fn new() -> Option<Self> {
        let url = dulieu_testkit::postgres_url()?;
        let mut conn = PgConnection::connect(&url).await.unwrap();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let schema = format!("dulieu_sql_{}_{nanos}", std::process::id());
        let setup = format!(
            "CREATE SCHEMA {schema};
             SET search_path = {schema};
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
             RESET search_path;"
        );
        conn.execute(sqlx::raw_sql(AssertSqlSafe(setup)))
            .await
            .unwrap();
        Some(Fixture {
            url,
            schema,
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

    /// The schema's name put into `template` for `{s}`.
    fn sql(&self, template: &str) -> String {
        template.replace("{s}", &self.schema)
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

    async fn drop_schema(mut self) {
        let drop = format!("DROP SCHEMA {} CASCADE", self.schema);
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
             ghi_chu FROM {s}.tinh ORDER BY id",
            &fx.policy(),
        )
        .await
        .unwrap();
    let expected = "id,ten,vung,dan_so,dien_tich,mat_do,thanh_lap,cap_nhat,thanh_pho,ghi_chu
1,Hà Nội,bắc,8435700,3359.82,2510.7,1010-07-01,2024-04-01T01:30:00Z,true,
2,Thành phố Hồ Chí Minh,nam,9389700,2095.39,4481.2,1698-01-01,2024-04-01T12:00:00.25Z,true,\"lớn nhất, đông dân\"
3,Đà Nẵng,trung,1220190,1284.90,949.6,1997-01-01,,true,\"nói \"\"xin chào\"\"\"
4,\" Huế \",,,5048.00,0.1,,2023-12-31T23:59:59.999999Z,false,\"\"
";
    let bytes = std::fs::read(fx.dest()).unwrap();
    assert_eq!(String::from_utf8(bytes.clone()).unwrap(), expected);
    assert_eq!(done.rows, 4);
    assert_eq!(done.bytes, bytes.len() as u64);
    assert_eq!(done.sha256, hex::encode(Sha256::digest(&bytes)));
    assert_eq!(done.columns.len(), 10);
    assert_eq!(done.columns[1], "ten");
    fx.drop_schema().await;
}

#[tokio::test]
async fn writes_types_as_postgresql_does() {
    let Some(fx) = Fixture::new().await else {
        return;
    };
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
    fx.drop_schema().await;
}

#[tokio::test]
async fn refuses_more_than_one_statement() {
    let Some(mut fx) = Fixture::new().await else {
        return;
    };
    for query in [
        "SELECT 1; DELETE FROM {s}.tinh",
        "SELECT * FROM {s}.tinh; DROP TABLE {s}.tinh",
        "COMMIT; DELETE FROM {s}.tinh",
        "SELECT 1; SELECT 2",
    ] {
        let err = fx.refused(query, &fx.policy()).await;
        assert_eq!(err.code(), "not_one_select", "{query}: {err}");
    }
    assert_eq!(fx.count("SELECT count(*) FROM {s}.tinh").await, 4);
    fx.drop_schema().await;
}

#[tokio::test]
async fn refuses_writes() {
    let Some(mut fx) = Fixture::new().await else {
        return;
    };
    for query in [
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
    ] {
        let err = fx.refused(query, &fx.policy()).await;
        assert_eq!(err.code(), "not_one_select", "{query}: {err}");
    }
    assert_eq!(fx.count("SELECT count(*) FROM {s}.tinh").await, 4);
    assert_eq!(
        fx.count(
            "SELECT count(*) FROM information_schema.tables \
             WHERE table_schema = '{s}' AND table_name = 'khac'"
        )
        .await,
        0
    );
    assert_eq!(fx.count("SELECT last_value FROM {s}.so").await, 1);
    fx.drop_schema().await;
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
    let err = fx.refused("SELECT 1 AS x FROM pg_sleep(10)", &policy).await;
    assert_eq!(err.code(), "timeout", "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    fx.drop_schema().await;
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
    let err = sql::vet(&fx.target(), &policy).await.unwrap_err();
    assert_eq!(err.code(), "host_not_allowed", "{err}");
    let err = fx.refused("SELECT 1 AS x", &policy).await;
    assert_eq!(err.code(), "host_not_allowed", "{err}");
    assert!(err.to_string().contains("127.0.0.1"), "{err}");
    assert!(err.to_string().contains("pull.database_networks"), "{err}");
    let err = fx
        .refused(
            "SELECT 1 AS x",
            &SqlPolicy {
                allow_networks: vec![],
                ..fx.policy()
            },
        )
        .await;
    assert_eq!(err.code(), "host_not_allowed", "{err}");
    // Allowed: vetting passes.
    sql::vet(&fx.target(), &fx.policy()).await.unwrap();
    fx.drop_schema().await;
}

#[tokio::test]
async fn refuses_unsupported_types_naming_the_column() {
    let Some(fx) = Fixture::new().await else {
        return;
    };
    let err = fx
        .refused(
            "SELECT id, point(1, 2) AS vi_tri FROM {s}.tinh",
            &fx.policy(),
        )
        .await;
    assert_eq!(err.code(), "unsupported_column_type", "{err}");
    let message = err.to_string();
    assert!(
        message.contains("\"vi_tri\"") && message.contains("point") && message.contains("::text"),
        "{message}"
    );
    let err = fx
        .refused("SELECT '\\x00ff'::bytea AS anh", &fx.policy())
        .await;
    assert_eq!(err.code(), "unsupported_column_type", "{err}");
    assert!(err.to_string().contains("encode("), "{err}");
    // Cast to text, it goes through.
    fx.extract("SELECT point(1, 2)::text AS vi_tri", &fx.policy())
        .await
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(fx.dest()).unwrap(),
        "vi_tri\n\"(1,2)\"\n"
    );
    fx.drop_schema().await;
}

#[tokio::test]
async fn caps_rows_and_bytes() {
    let Some(fx) = Fixture::new().await else {
        return;
    };
    let policy = SqlPolicy {
        max_rows: 10,
        ..fx.policy()
    };
    let err = fx
        .refused("SELECT g FROM generate_series(1, 100000) AS g", &policy)
        .await;
    assert_eq!(err.code(), "too_many_rows", "{err}");
    let policy = SqlPolicy {
        max_bytes: 100,
        ..fx.policy()
    };
    let err = fx
        .refused("SELECT g FROM generate_series(1, 100000) AS g", &policy)
        .await;
    assert_eq!(err.code(), "too_large", "{err}");
    let done = fx
        .extract("SELECT g FROM generate_series(1, 10) AS g", &fx.policy())
        .await
        .unwrap();
    assert_eq!(done.rows, 10);
    fx.drop_schema().await;
}

#[tokio::test]
async fn reports_query_and_connection_failures() {
    let Some(fx) = Fixture::new().await else {
        return;
    };
    let err = fx
        .refused("SELECT khong_co FROM {s}.tinh", &fx.policy())
        .await;
    assert_eq!(err.code(), "query_failed", "{err}");
    assert!(err.to_string().contains("khong_co"), "{err}");

    // Nothing listens on port 1.
    let target = SqlTarget::parse("postgres://postgres@127.0.0.1:1/postgres").unwrap();
    let err = sql::extract_csv(&target, "SELECT 1 AS x", &fx.policy(), &fx.dest())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "connect_failed", "{err}");
    fx.drop_schema().await;
}
