//! The SQL sandbox: what runs, what is refused (with which code), and the limits.

use crate::common;

use std::time::{Duration, Instant};

use common::{Fixture, engine, engine_with_sql, sql_limits};
use dulieu_query::{ErrorCode, TableName};
use serde_json::json;
use uuid::Uuid;

const REGIONS: &str = "tinh,vung\nHà Nội,Đồng bằng sông Hồng\nHải Phòng,Đồng bằng sông Hồng\n\
Huế,Bắc Trung Bộ\nĐà Nẵng,Nam Trung Bộ\nCần Thơ,Đồng bằng sông Cửu Long\n";

fn regions_id() -> Uuid {
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0002)
}

#[tokio::test]
async fn runs_selects_over_allowed_tables() {
    let fixture = Fixture::new(150);
    let table = fixture.table();
    let engine = engine();
    let sql = format!(
        "SELECT tinh, count(*) AS n, sum(so_lieu) AS total FROM \"{table}\" \
         WHERE chinh_thuc GROUP BY tinh ORDER BY tinh"
    );
    let result = engine.sql(&fixture.tables, &sql).await.unwrap();
    let names: Vec<&str> = result.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["tinh", "n", "total"]);
    let mut expected = std::collections::BTreeMap::<&str, (i64, i64)>::new();
    for row in fixture.rows.iter().filter(|r| r.chinh_thuc) {
        let entry = expected.entry(row.tinh).or_default();
        entry.0 += 1;
        entry.1 += row.so_lieu;
    }
    let expected: Vec<Vec<serde_json::Value>> = expected
        .into_iter()
        .map(|(tinh, (n, total))| vec![json!(tinh), json!(n), json!(total)])
        .collect();
    assert_eq!(result.rows, expected);

    // WITH, the folding function, an upper-case id, a trailing semicolon.
    let sql = format!(
        "WITH hue AS (SELECT * FROM \"{}\" WHERE vi_fold(tinh) = 'hue') \
         SELECT count(*) AS n FROM hue;",
        table.to_uppercase()
    );
    let result = engine.sql(&fixture.tables, &sql).await.unwrap();
    let hue = fixture.rows.iter().filter(|r| r.tinh == "Huế").count();
    assert_eq!(result.rows, vec![vec![json!(hue)]]);

    // Aggregates without a table and set operations are queries too.
    let result = engine
        .sql(
            &fixture.tables,
            "SELECT 1 AS a UNION ALL SELECT 2 ORDER BY a",
        )
        .await
        .unwrap();
    assert_eq!(result.rows, vec![vec![json!(1)], vec![json!(2)]]);
}

#[tokio::test]
async fn joins_two_allowed_tables() {
    let mut fixture = Fixture::new(100);
    fixture.add(regions_id(), REGIONS);
    let sql = format!(
        "SELECT r.vung, count(*) AS n FROM \"{}\" s JOIN \"{}\" r ON s.tinh = r.tinh \
         GROUP BY r.vung ORDER BY n DESC, r.vung",
        fixture.table(),
        regions_id()
    );
    let result = engine().sql(&fixture.tables, &sql).await.unwrap();
    let total: i64 = result.rows.iter().map(|row| row[1].as_i64().unwrap()).sum();
    assert_eq!(total, 100);
    let delta = fixture
        .rows
        .iter()
        .filter(|r| r.tinh == "Hà Nội" || r.tinh == "Hải Phòng")
        .count();
    let red_river = result
        .rows
        .iter()
        .find(|row| row[0] == json!("Đồng bằng sông Hồng"))
        .unwrap();
    assert_eq!(red_river[1], json!(delta));

    // The caller lists the tables a query reads, to resolve them at once.
    assert_eq!(
        engine().sql_tables(&sql).unwrap(),
        vec![TableName::new(fixture.id), TableName::new(regions_id())]
    );
}

async fn refused(sql: &str) -> dulieu_query::QueryError {
    let mut fixture = Fixture::new(10);
    fixture.add(regions_id(), REGIONS);
    let sql = sql.replace("{t}", &fixture.table());
    engine()
        .sql(&fixture.tables, &sql)
        .await
        .expect_err("refused")
}

#[tokio::test]
async fn refuses_everything_but_one_select() {
    for sql in [
        "CREATE TABLE x AS SELECT * FROM \"{t}\"",
        "CREATE EXTERNAL TABLE x STORED AS CSV LOCATION '/etc/passwd'",
        "CREATE VIEW v AS SELECT 1",
        "DROP TABLE \"{t}\"",
        "INSERT INTO \"{t}\" SELECT * FROM \"{t}\"",
        "DELETE FROM \"{t}\"",
        "UPDATE \"{t}\" SET id = 1",
        "COPY \"{t}\" TO '/tmp/stolen.csv'",
        "COPY (SELECT 1) TO '/tmp/stolen.parquet' STORED AS PARQUET",
        "SET datafusion.execution.target_partitions = 64",
        "EXPLAIN SELECT * FROM \"{t}\"",
        "SELECT * INTO copy FROM \"{t}\"",
        "SHOW ALL",
        "PREPARE q AS SELECT 1",
        "DESCRIBE \"{t}\"",
    ] {
        let err = refused(sql).await;
        assert_eq!(err.code, ErrorCode::SqlNotSelect, "{sql}: {err}");
        assert_eq!(err.param, Some("sql"));
    }
    assert_eq!(
        refused("SELECT 1; SELECT 2").await.code,
        ErrorCode::SqlMultipleStatements
    );
}

#[tokio::test]
async fn refuses_tables_and_functions_outside_the_portal() {
    let unknown = Uuid::from_u128(42);
    for sql in [
        format!("SELECT * FROM \"{unknown}\""),
        "SELECT * FROM people".to_owned(),
        "SELECT * FROM '/etc/passwd'".to_owned(),
        "SELECT * FROM 'file:///etc/passwd'".to_owned(),
        "SELECT * FROM read_parquet('/etc/x.parquet')".to_owned(),
        "SELECT * FROM read_csv('/etc/passwd')".to_owned(),
        "SELECT * FROM generate_series(1, 10)".to_owned(),
        "SELECT * FROM information_schema.tables".to_owned(),
        "SELECT * FROM other.public.\"{t}\"".to_owned(),
    ] {
        let err = refused(&sql).await;
        assert_eq!(err.code, ErrorCode::SqlUnknownTable, "{sql}: {err}");
    }
    let err = refused(&format!("SELECT * FROM \"{unknown}\"")).await;
    assert_eq!(err.field.as_deref(), Some(unknown.to_string().as_str()));

    let err = refused("SELECT input_file_name() FROM \"{t}\"").await;
    assert_eq!(err.code, ErrorCode::SqlUnknownFunction, "{err}");
    let err = refused("SELECT no_such_function(id) FROM \"{t}\"").await;
    assert_eq!(err.code, ErrorCode::SqlUnknownFunction, "{err}");
}

#[tokio::test]
async fn errors_carry_a_position() {
    let err = refused("SELECT id\nFROM \"{t}\" WHERE )").await;
    assert_eq!(err.code, ErrorCode::SqlSyntax);
    let position = err.position.expect("position");
    assert_eq!(position.line, 2);

    let err = refused("SELECT id, dan_so FROM \"{t}\"").await;
    assert_eq!(err.code, ErrorCode::SqlUnknownColumn, "{err}");
    assert!(err.position.is_some(), "{err}");

    let err = refused("SELECT id + tinh FROM \"{t}\" WHERE").await;
    assert_eq!(err.code, ErrorCode::SqlSyntax);
}

#[tokio::test]
async fn caps_the_rows() {
    let fixture = Fixture::new(120);
    let engine = engine_with_sql(sql_limits(Duration::from_secs(30), 64 << 20, 100));
    let table = fixture.table();
    let ok = engine
        .sql(
            &fixture.tables,
            &format!("SELECT id FROM \"{table}\" LIMIT 100"),
        )
        .await
        .unwrap();
    assert_eq!(ok.rows.len(), 100);
    let err = engine
        .sql(&fixture.tables, &format!("SELECT id FROM \"{table}\""))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::SqlTooManyRows);
}

#[tokio::test]
async fn cancels_a_slow_query_at_the_time_limit() {
    let fixture = Fixture::new(2_000);
    let engine = engine_with_sql(sql_limits(Duration::from_millis(300), 256 << 20, 10));
    let table = fixture.table();
    // Eight billion combinations: far beyond the limit.
    let sql = format!(
        "SELECT count(*) FROM \"{table}\" a, \"{table}\" b, \"{table}\" c \
         WHERE a.so_lieu + b.so_lieu + c.so_lieu = -1"
    );
    let started = Instant::now();
    let err = engine.sql(&fixture.tables, &sql).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::SqlTimeout, "{err}");
    // Cancelled, not left running: the call returns promptly.
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[tokio::test]
async fn stops_a_query_beyond_its_memory() {
    let fixture = Fixture::new(2_000);
    let engine = engine_with_sql(sql_limits(Duration::from_secs(60), 2 << 20, 10));
    let table = fixture.table();
    // Four million groups do not fit in 2 MiB (nothing spills to disk).
    let sql = format!(
        "SELECT k, count(*) AS n FROM (SELECT a.id * 10000 + b.id AS k \
         FROM \"{table}\" a, \"{table}\" b) GROUP BY k ORDER BY n DESC, k LIMIT 5"
    );
    let err = engine.sql(&fixture.tables, &sql).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::SqlMemoryLimit, "{err}");
}
