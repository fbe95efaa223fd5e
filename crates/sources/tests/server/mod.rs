//! What the PostgreSQL and MySQL tests share: a schema of the test's own on a real server (see
//! [`Server`]; on MySQL a schema is a database), holding the table `tinh`, and the scenarios both
//! run on it. Each backend's file keeps its own SQL and the values only it writes that way.

use std::time::Duration;

use dulieu_sources::sql::{self, SqlPolicy, SqlTarget};
use sqlx::{AnyConnection, AssertSqlSafe, Connection, Executor};
use tempfile::TempDir;

use crate::common::{self, Source};

/// The query of [`extracts_exact_csv`]: all of `tinh`.
const TINH_QUERY: &str = "SELECT id, ten, vung, dan_so, dien_tich, mat_do, thanh_lap, cap_nhat, \
                          thanh_pho, ghi_chu FROM {s}.tinh ORDER BY id";

/// A kind of database server under test, and how a test gets a schema of its own there.
pub struct Server {
    /// The test server's URL; `None` (test skipped) when none is configured outside CI.
    pub url: fn() -> Option<String>,
    /// Statement templates that create the schema `{s}` with the table `tinh`: four provinces
    /// (`id` 1 to 4) in the columns `id, ten, vung, dan_so, dien_tich, mat_do, thanh_lap,
    /// cap_nhat, thanh_pho, ghi_chu`, in the server's own types.
    pub setup: &'static [&'static str],
    /// The statement template that drops the schema `{s}` and all in it.
    pub teardown: &'static str,
    /// Whether extractions connect to the schema as their database (MySQL) rather than to the
    /// server's URL as it is (PostgreSQL).
    pub schema_is_database: bool,
    /// A URL of this kind on which nothing listens.
    pub unreachable_url: &'static str,
}

impl Server {
    /// Runs `scenario` on a fresh schema and drops the schema afterwards; does nothing (the test
    /// is skipped) when no server is configured outside CI.
    pub async fn run(&'static self, scenario: impl AsyncFnOnce(&mut ServerFixture)) {
        let Some(mut fx) = ServerFixture::open(self).await else {
            return;
        };
        scenario(&mut fx).await;
        fx.drop_schema().await;
    }
}

/// A schema of its own on the test server, a connection to check on it, and an empty output
/// folder. Query templates name the schema `{s}`.
pub struct ServerFixture {
    server: &'static Server,
    url: String,
    schema: String,
    conn: AnyConnection,
    out_dir: TempDir,
}

impl ServerFixture {
    /// `None` when no server is configured outside CI.
    async fn open(server: &'static Server) -> Option<Self> {
        let server_url = (server.url)()?;
        sqlx::any::install_default_drivers();
        let mut conn = AnyConnection::connect(&server_url).await.unwrap();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let schema = format!("dulieu_sql_{}_{nanos}", std::process::id());
        for template in server.setup {
            let statement = template.replace("{s}", &schema);
            conn.execute(sqlx::raw_sql(AssertSqlSafe(statement)))
                .await
                .unwrap();
        }
        let url = if server.schema_is_database {
            // The same server and credentials, with this database.
            let base = server_url
                .rsplit_once('/')
                .map_or(server_url.as_str(), |(b, _)| b);
            format!("{base}/{schema}")
        } else {
            server_url
        };
        Some(ServerFixture {
            server,
            url,
            schema,
            conn,
            out_dir: tempfile::tempdir().unwrap(),
        })
    }

    /// The number the query `template` counts, asked outside any extraction.
    pub async fn count(&mut self, template: &str) -> i64 {
        let query = self.sql(template);
        sqlx::query_scalar(AssertSqlSafe(query))
            .fetch_one(&mut self.conn)
            .await
            .unwrap()
    }

    async fn drop_schema(mut self) {
        let drop = self.sql(self.server.teardown);
        self.conn
            .execute(sqlx::raw_sql(AssertSqlSafe(drop)))
            .await
            .unwrap();
    }
}

impl Source for ServerFixture {
    fn target(&self) -> SqlTarget {
        SqlTarget::parse(&self.url).unwrap()
    }

    /// Loopback addresses allowed.
    fn policy(&self) -> SqlPolicy {
        SqlPolicy {
            allow_networks: vec!["127.0.0.1/32".into(), "::1/128".into()],
            statement_timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            ..SqlPolicy::default()
        }
    }

    fn out_dir(&self) -> &std::path::Path {
        self.out_dir.path()
    }

    /// The schema's name put in for `{s}`.
    fn sql(&self, template: &str) -> String {
        template.replace("{s}", &self.schema)
    }
}

/// All of `tinh` gives exactly `expected`; an empty result gives the header only.
pub async fn extracts_exact_csv(fx: &ServerFixture, expected: &str) {
    let done = fx.extract(TINH_QUERY, &fx.policy()).await.unwrap();
    common::assert_exact_csv(&done, &fx.dest(), expected, 4);

    // Empty result: the header only.
    let done = fx
        .extract("SELECT id, ten FROM {s}.tinh WHERE id < 0", &fx.policy())
        .await
        .unwrap();
    assert_eq!(done.rows, 0);
    assert_eq!(std::fs::read_to_string(fx.dest()).unwrap(), "id,ten\n");
}

/// Several statements in one query are refused (these and the backend's `more` as well), and
/// none of them ran.
pub async fn refuses_more_than_one_statement(fx: &mut ServerFixture, more: &[&str]) {
    let queries = [
        "SELECT 1; DELETE FROM {s}.tinh",
        "SELECT * FROM {s}.tinh; DROP TABLE {s}.tinh",
        "SELECT 1; SELECT 2",
    ];
    common::refuses_each(fx, &queries, "not_one_select").await;
    common::refuses_each(fx, more, "not_one_select").await;
    assert_eq!(fx.count("SELECT count(*) FROM {s}.tinh").await, 4);
}

/// Each of `writes` is refused, and none of them wrote: `tinh` is whole, and no table `khac`
/// (which some of them create) is there.
pub async fn refuses_writes(fx: &mut ServerFixture, writes: &[&str]) {
    common::refuses_each(fx, writes, "not_one_select").await;
    assert_eq!(fx.count("SELECT count(*) FROM {s}.tinh").await, 4);
    assert_eq!(
        fx.count(
            "SELECT count(*) FROM information_schema.tables \
             WHERE table_schema = '{s}' AND table_name = 'khac'"
        )
        .await,
        0
    );
}

/// A server whose address is not in the allowed networks is refused before connecting, naming
/// the address and the setting; allowing no network refuses every server.
pub async fn refuses_hosts_outside_the_allowed_networks(fx: &ServerFixture) {
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
}

/// `rows_query` returns more than `max_rows` rows and `bytes_query` more than `max_bytes` bytes
/// of CSV: both refused, nothing written.
pub async fn caps_rows_and_bytes(
    fx: &ServerFixture,
    max_rows: u64,
    rows_query: &str,
    max_bytes: u64,
    bytes_query: &str,
) {
    let policy = SqlPolicy {
        max_rows,
        ..fx.policy()
    };
    let err = fx.refused(rows_query, &policy).await;
    assert_eq!(err.code(), "too_many_rows", "{err}");
    let policy = SqlPolicy {
        max_bytes,
        ..fx.policy()
    };
    let err = fx.refused(bytes_query, &policy).await;
    assert_eq!(err.code(), "too_large", "{err}");
}

/// A query the server cannot run fails with what the server said; a server that cannot be
/// reached fails to connect.
pub async fn reports_query_and_connection_failures(fx: &ServerFixture) {
    common::reports_query_failure(fx, "SELECT khong_co FROM {s}.tinh", "khong_co").await;

    let target = SqlTarget::parse(fx.server.unreachable_url).unwrap();
    let err = common::refused(&target, "SELECT 1 AS x", &fx.policy(), &fx.dest()).await;
    assert_eq!(err.code(), "connect_failed", "{err}");
}
