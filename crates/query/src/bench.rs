//! The query side of `dulieu bench tables`: over a table ingested from
//! [`dulieu_tables::bench::write_synthetic_csv`], one group-by, `n` filtered row queries and one
//! SQL query, each timed. The same queries are given as SQLite SQL, to run on Datasette for the
//! comparison. Nothing here is run by the tests with a timing expectation.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::aggregate::{AggregateRequest, Metric, MetricFunction};
use crate::error::Result;
use crate::filter::{Filter, FilterOp};
use crate::rows::RowsRequest;
use crate::tables::{TableMap, TableName};
use crate::{Engine, EngineConfig};

/// Filtered queries measured with the hot columns off.
const FROM_FILE_QUERIES: usize = 20;

/// The grouping of the benchmark: per province, rows, sum of `so_lieu`, mean of `ty_le`.
pub fn group_by_request() -> AggregateRequest {
    AggregateRequest {
        group_by: vec!["tinh".into()],
        metrics: vec![
            Metric::count(),
            Metric::of(MetricFunction::Sum, "so_lieu"),
            Metric::of(MetricFunction::Avg, "ty_le"),
        ],
        ..AggregateRequest::default()
    }
}

/// The same grouping in SQLite SQL, for a table named `table`.
pub fn group_by_sqlite(table: &str) -> String {
    format!(
        "SELECT tinh, count(*), sum(so_lieu), avg(ty_le) FROM \"{table}\" GROUP BY tinh ORDER BY tinh"
    )
}

/// The `i`-th filtered query: rows of one province with `so_lieu` at least a threshold, the
/// first page of 100 with the total.
pub fn filtered_request(province: &str, i: usize) -> RowsRequest {
    RowsRequest {
        filters: vec![
            Filter::new("tinh", FilterOp::Eq, province),
            Filter::new("so_lieu", FilterOp::Gte, threshold(i).to_string()),
        ],
        limit: Some(100),
        ..RowsRequest::default()
    }
}

/// The same filtered query in SQLite SQL: the page, then the total.
pub fn filtered_sqlite(table: &str, province: &str, i: usize) -> [String; 2] {
    let province = province.replace('\'', "''");
    let condition = format!("tinh = '{province}' AND so_lieu >= {}", threshold(i));
    [
        format!("SELECT * FROM \"{table}\" WHERE {condition} ORDER BY rowid LIMIT 100"),
        format!("SELECT count(*) FROM \"{table}\" WHERE {condition}"),
    ]
}

fn threshold(i: usize) -> u64 {
    (i as u64 * 104_729) % 900_000
}

/// The SQL query of the benchmark (portable to SQLite), for a table named `table`.
pub fn sql_query(table: &str) -> String {
    format!(
        "SELECT nganh, count(*) AS n, avg(so_lieu) AS mean FROM \"{table}\" \
         WHERE chinh_thuc AND ty_le > 50 GROUP BY nganh ORDER BY n DESC, nganh"
    )
}

/// Durations of one benchmark run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BenchTimes {
    /// Each filtered rows query (page and total), with the filters' columns in memory.
    pub filtered: Vec<Duration>,
    /// Filtered rows queries counting their totals from the file (hot columns off): what a
    /// table's first queries take while its columns load.
    pub filtered_from_file: Vec<Duration>,
    /// Loading the filters' columns into memory.
    pub hot_load: Duration,
    /// Whether they fit the engine's hot column budget.
    pub hot: bool,
    /// The group-by.
    pub group_by: Duration,
    /// The SQL query.
    pub sql: Duration,
    /// Rows matched by the filtered queries, all together (a check that they did work).
    pub matched: u64,
    /// Groups of the group-by.
    pub groups: usize,
    /// The provinces of the filtered queries, in the order they were used (query `i` filters on
    /// `provinces[i % provinces.len()]`): the group-by's order, so another engine can run
    /// [`filtered_sqlite`] with the same values.
    pub provinces: Vec<String>,
    /// Rows the SQL query returned.
    pub sql_rows: usize,
}

/// Runs the benchmark queries on the synthetic table stored at `parquet`.
pub async fn run(engine: &Engine, parquet: &Path, filtered_queries: usize) -> Result<BenchTimes> {
    let name = TableName::new(uuid::Uuid::nil());
    let table = name.to_string();
    let tables = TableMap::new().with(name, parquet);
    let mut times = BenchTimes::default();

    let started = Instant::now();
    let groups = engine
        .aggregate(&tables, &table, &group_by_request())
        .await?;
    times.group_by = started.elapsed();
    times.groups = groups.result.rows.len();
    let provinces: Vec<String> = groups
        .result
        .rows
        .iter()
        .filter_map(|row| row.first().and_then(Value::as_str).map(str::to_owned))
        .collect();

    let province = |i: usize| {
        provinces
            .get(i % provinces.len().max(1))
            .map_or("", String::as_str)
    };
    let from_file = Engine::new(EngineConfig {
        hot_column_bytes: 0,
        ..engine.config().clone()
    })?;
    for i in 0..filtered_queries.min(FROM_FILE_QUERIES) {
        let started = Instant::now();
        from_file
            .rows(&tables, &table, &filtered_request(province(i), i))
            .await?;
        times.filtered_from_file.push(started.elapsed());
    }

    let started = Instant::now();
    times.hot = engine
        .preload(&tables, &table, &filtered_request(province(0), 0))
        .await?;
    times.hot_load = started.elapsed();
    for i in 0..filtered_queries {
        let started = Instant::now();
        let page = engine
            .rows(&tables, &table, &filtered_request(province(i), i))
            .await?;
        times.filtered.push(started.elapsed());
        times.matched += page.total;
    }

    let started = Instant::now();
    let result = engine.sql(&tables, &sql_query(&table)).await?;
    times.sql = started.elapsed();
    times.sql_rows = result.rows.len();
    times.provinces = provinces;
    Ok(times)
}
