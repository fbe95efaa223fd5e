//! Helpers of the integration tests: small generated CSV tables ingested to Parquet with
//! `dulieu_tables::ingest`, and an engine over them.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use dulieu_query::{Engine, EngineConfig, QueryLimits, TableMap, TableName};
use dulieu_tables::{IngestOptions, ingest};
use uuid::Uuid;

/// Provinces of the generated table (with diacritics).
pub const PROVINCES: [&str; 5] = ["Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ", "Hải Phòng"];
/// Sectors of the generated table.
pub const SECTORS: [&str; 3] = ["Nông nghiệp", "Công nghiệp", "Dịch vụ"];

/// One generated row, as the tests expect to read it back.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: i64,
    pub tinh: &'static str,
    pub nganh: &'static str,
    /// `YYYY-MM-DD`.
    pub ngay: String,
    pub so_lieu: i64,
    /// Missing now and then.
    pub ty_le: Option<f64>,
    pub chinh_thuc: bool,
}

/// The generated rows: deterministic, with repeated values so sorts have ties.
pub fn rows(count: usize) -> Vec<Row> {
    (0..count)
        .map(|i| {
            let i64 = i as i64;
            Row {
                id: i64 + 1,
                tinh: PROVINCES[(i * 7 + i / 3) % PROVINCES.len()],
                nganh: SECTORS[(i * 5 + 1) % SECTORS.len()],
                ngay: format!("2024-{:02}-{:02}", 1 + (i % 12), 1 + (i * 13 % 28)),
                so_lieu: (i64 * 7_919) % 1_000,
                ty_le: (i % 11 != 3).then(|| {
                    let raw = ((i64 * 37) % 1_000) as f64 / 10.0 + 0.25;
                    format!("{raw:.2}").parse().unwrap()
                }),
                chinh_thuc: i % 3 == 0,
            }
        })
        .collect()
}

/// The rows as a CSV in the shapes the ingest reads (Vietnamese dates, `-` for missing).
pub fn csv(rows: &[Row]) -> String {
    let mut text = String::from("id,tinh,nganh,ngay,so_lieu,ty_le,chinh_thuc\n");
    for row in rows {
        let (year, rest) = row.ngay.split_once('-').unwrap();
        let (month, day) = rest.split_once('-').unwrap();
        let ty_le = row.ty_le.map_or("-".to_owned(), |v| format!("{v:.2}"));
        text.push_str(&format!(
            "{},{},{},{day}/{month}/{year},{},{ty_le},{}\n",
            row.id, row.tinh, row.nganh, row.so_lieu, row.chinh_thuc
        ));
    }
    text
}

/// Writes `text` as a CSV and ingests it; returns the Parquet file of its (only) table.
pub fn ingest_csv(dir: &Path, name: &str, text: &str) -> PathBuf {
    let source = dir.join(format!("{name}.csv"));
    std::fs::write(&source, text).unwrap();
    let out = dir.join(name);
    let report = ingest(&source, &out, &IngestOptions::default(), &|_| {})
        .unwrap_or_else(|err| panic!("ingest {name}: {err}"));
    report.tables[0].parquet_path.clone()
}

/// A temporary folder with the generated table ingested, and the tables map naming it.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub rows: Vec<Row>,
    pub id: Uuid,
    pub tables: TableMap,
}

impl Fixture {
    /// `count` generated rows as one table.
    pub fn new(count: usize) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let rows = rows(count);
        let parquet = ingest_csv(dir.path(), "stats", &csv(&rows));
        let id = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001);
        let tables = TableMap::new().with(TableName::new(id), parquet);
        Self {
            dir,
            rows,
            id,
            tables,
        }
    }

    /// The table's name in queries.
    pub fn table(&self) -> String {
        self.id.to_string()
    }

    /// Adds a second table from a CSV text, named by `id`.
    pub fn add(&mut self, id: Uuid, text: &str) {
        let parquet = ingest_csv(self.dir.path(), &id.to_string(), text);
        self.tables.insert(TableName::new(id), parquet);
    }
}

/// The default engine, with a fixed cursor secret.
pub fn engine() -> Engine {
    Engine::new(config()).unwrap()
}

/// The default configuration with a fixed cursor secret and two threads.
pub fn config() -> EngineConfig {
    EngineConfig {
        target_partitions: 2,
        cursor_secret: [7; 32],
        ..EngineConfig::default()
    }
}

/// An engine whose SQL limits are `sql`.
pub fn engine_with_sql(sql: QueryLimits) -> Engine {
    Engine::new(EngineConfig { sql, ..config() }).unwrap()
}

/// SQL limits with the given time and memory.
pub fn sql_limits(time_limit: Duration, memory_limit: usize, max_rows: u64) -> QueryLimits {
    QueryLimits {
        time_limit,
        memory_limit,
        max_rows: Some(max_rows),
    }
}
