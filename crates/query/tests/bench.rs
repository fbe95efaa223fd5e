//! The benchmark's queries run and do the work they claim (no timing is checked).

use crate::common;

use dulieu_tables::bench::write_synthetic_csv;

#[tokio::test]
async fn benchmark_queries_run_on_the_synthetic_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = Vec::new();
    write_synthetic_csv(&mut text, 3_000).unwrap();
    let text = String::from_utf8(text).unwrap();
    let parquet = common::ingest_csv(dir.path(), "synthetic", &text);

    let times = dulieu_query::bench::run(&common::engine(), &parquet, 20)
        .await
        .unwrap();
    assert_eq!(times.filtered.len(), 20);

    let records: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|line| line.split(',').collect())
        .collect();
    let mut provinces: Vec<&str> = records.iter().map(|r| r[1]).collect();
    provinces.sort_unstable();
    provinces.dedup();
    assert_eq!(times.groups, provinces.len());
    // The filtered queries cycle through the provinces (in group order) with thresholds.
    let matched: u64 = (0..20)
        .map(|i| {
            let province = provinces[i % provinces.len()];
            let threshold = (i as u64 * 104_729) % 900_000;
            records
                .iter()
                .filter(|r| r[1] == province && r[4].parse::<u64>().unwrap() >= threshold)
                .count() as u64
        })
        .sum();
    assert_eq!(times.matched, matched);
    assert!(matched > 0);
    assert_eq!(times.provinces, provinces, "another engine repeats these");
    // The SQL query: one row per sector having official rows with a rate above 50.
    let mut sectors: Vec<&str> = records
        .iter()
        .filter(|r| r[6] == "true" && r[5].parse::<f64>().is_ok_and(|rate| rate > 50.0))
        .map(|r| r[2])
        .collect();
    sectors.sort_unstable();
    sectors.dedup();
    assert_eq!(times.sql_rows, sectors.len());
    assert!(times.sql_rows > 0);

    let [page, total] = dulieu_query::bench::filtered_sqlite("t", "Hà Nội", 3);
    assert!(page.contains("tinh = 'Hà Nội' AND so_lieu >= 314187"));
    assert!(total.starts_with("SELECT count(*)"));
}
