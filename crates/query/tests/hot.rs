//! Hot columns: pages and totals counted from columns in memory are the ones the file gives.

use std::sync::Arc;

use datafusion::arrow::array::{Int64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::file::properties::WriterProperties;
use dulieu_query::{
    Engine, EngineConfig, Filter, RowsPage, RowsRequest, SortKey, TableMap, TableName,
};

use crate::common::{self, Fixture};

/// Rows of the fixture: more distinct ids than a column kept as an index may hold, so `id` is
/// kept whole while `tinh`, `so_lieu`, `ty_le` (with nulls) and `chinh_thuc` are indexed.
const ROWS: usize = 5_000;

fn engine_with_hot_bytes(bytes: usize) -> Engine {
    Engine::new(EngineConfig {
        hot_column_bytes: bytes,
        ..common::config()
    })
    .unwrap()
}

fn request(filters: &[&str]) -> RowsRequest {
    RowsRequest {
        filters: filters.iter().map(|f| Filter::parse(f).unwrap()).collect(),
        ..RowsRequest::default()
    }
}

/// The requests compared: one indexed filter (few and many rows), several, an indexed filter
/// with a filter on a column kept whole, ranges, nulls, `q`, none matching.
fn requests() -> Vec<RowsRequest> {
    let mut requests = vec![
        request(&["tinh:eq:Huế"]),
        request(&["tinh:in:Huế|Hà Nội|Cần Thơ"]),
        request(&["tinh:eq:Huế", "so_lieu:gte:500"]),
        request(&["tinh:eq:Đà Nẵng", "id:lt:3000", "chinh_thuc:eq:true"]),
        request(&["chinh_thuc:eq:false", "id:gt:10"]),
        request(&["id:gte:4000"]),
        request(&["ty_le:lt:20"]),
        request(&["ty_le:gte:0", "tinh:eq:Hải Phòng"]),
        request(&["tinh:eq:Không có"]),
        request(&["so_lieu:gt:998", "id:lte:2500"]),
    ];
    requests.push(RowsRequest {
        q: Some("dich vu".into()),
        filters: vec![Filter::parse("so_lieu:lt:100").unwrap()],
        ..RowsRequest::default()
    });
    requests.push(RowsRequest {
        offset: Some(120),
        limit: Some(30),
        ..request(&["tinh:eq:Huế"])
    });
    requests
}

/// Every page of `request`, following cursors.
async fn all_pages(engine: &Engine, fixture: &Fixture, request: &RowsRequest) -> Vec<RowsPage> {
    pages_of(engine, &fixture.tables, &fixture.table(), request).await
}

/// Every page of `request` on `table`, following cursors.
async fn pages_of(
    engine: &Engine,
    tables: &TableMap,
    table: &str,
    request: &RowsRequest,
) -> Vec<RowsPage> {
    let mut pages = Vec::new();
    let mut request = RowsRequest {
        limit: Some(request.limit.unwrap_or(211)),
        ..request.clone()
    };
    loop {
        let page = engine.rows(tables, table, &request).await.unwrap();
        let next = page.next_cursor.clone();
        pages.push(page);
        match next {
            Some(cursor) if request.offset.is_none() => request.cursor = Some(cursor),
            _ => return pages,
        }
    }
}

#[tokio::test]
async fn pages_and_totals_from_memory_match_the_file() {
    let fixture = Fixture::new(ROWS);
    let from_file = engine_with_hot_bytes(0);
    let hot = engine_with_hot_bytes(64 << 20);
    for request in requests() {
        assert!(
            hot.preload(&fixture.tables, &fixture.table(), &request)
                .await
                .unwrap(),
            "{request:?}"
        );
        let served = hot.hot_column_stats().counts_served;
        let expected = all_pages(&from_file, &fixture, &request).await;
        let found = all_pages(&hot, &fixture, &request).await;
        assert_eq!(found, expected, "{request:?}");
        assert_eq!(
            hot.hot_column_stats().counts_served,
            served + found.len() as u64,
            "every page was counted in memory: {request:?}"
        );
    }
    assert_eq!(from_file.hot_column_stats().columns, 0);
}

#[tokio::test]
async fn totals_of_sorted_pages_come_from_memory() {
    let fixture = Fixture::new(ROWS);
    let from_file = engine_with_hot_bytes(0);
    let hot = engine_with_hot_bytes(64 << 20);
    let request = RowsRequest {
        sort: vec![SortKey::desc("ty_le"), SortKey::asc("id")],
        ..request(&["tinh:in:Huế|Cần Thơ", "so_lieu:lt:700"])
    };
    assert!(
        hot.preload(&fixture.tables, &fixture.table(), &request)
            .await
            .unwrap()
    );
    let expected = all_pages(&from_file, &fixture, &request).await;
    assert_eq!(all_pages(&hot, &fixture, &request).await, expected);
    let rows = common::rows(ROWS);
    let total = rows
        .iter()
        .filter(|r| (r.tinh == "Huế" || r.tinh == "Cần Thơ") && r.so_lieu < 700)
        .count() as u64;
    assert_eq!(expected[0].total, total);
    assert!(hot.hot_column_stats().counts_served >= 1);
}

#[tokio::test]
async fn a_first_count_loads_the_columns_in_the_background() {
    let fixture = Fixture::new(ROWS);
    let hot = engine_with_hot_bytes(64 << 20);
    let request = request(&["tinh:eq:Huế", "id:gt:100"]);
    let first = hot
        .rows(&fixture.tables, &fixture.table(), &request)
        .await
        .unwrap();
    assert_eq!(hot.hot_column_stats().counts_served, 0);
    let mut loaded = false;
    for _ in 0..200 {
        if hot.hot_column_stats().columns == 2 {
            loaded = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(loaded, "{:?}", hot.hot_column_stats());
    let again = hot
        .rows(&fixture.tables, &fixture.table(), &request)
        .await
        .unwrap();
    assert_eq!(again, first);
    assert_eq!(hot.hot_column_stats().counts_served, 1);
}

#[tokio::test]
async fn columns_beyond_the_budget_are_read_from_the_file() {
    let fixture = Fixture::new(ROWS);
    let tiny = engine_with_hot_bytes(1_000);
    let request = request(&["tinh:eq:Huế"]);
    assert!(
        !tiny
            .preload(&fixture.tables, &fixture.table(), &request)
            .await
            .unwrap()
    );
    let page = tiny
        .rows(&fixture.tables, &fixture.table(), &request)
        .await
        .unwrap();
    let rows = common::rows(ROWS);
    assert_eq!(
        page.total,
        rows.iter().filter(|r| r.tinh == "Huế").count() as u64
    );
    assert_eq!(tiny.hot_column_stats().columns, 0);
    assert_eq!(tiny.hot_column_stats().counts_served, 0);
}

#[tokio::test]
async fn least_recently_used_columns_leave_when_the_budget_is_full() {
    let fixture = Fixture::new(ROWS);
    // Room for `id` (8 bytes a row, kept whole) and a little more, not for two such columns.
    let budget = ROWS * 8 * 3 / 2 + 4096;
    let hot = engine_with_hot_bytes(budget);
    for filters in [["id:gt:5"], ["ngay:gte:2024-03-01"], ["id:lt:9"]] {
        hot.preload(&fixture.tables, &fixture.table(), &request(&filters))
            .await
            .unwrap();
        let stats = hot.hot_column_stats();
        assert!(stats.bytes <= budget, "{stats:?}");
    }
    // `id` came back last: it is in memory, and a count on it is served from there.
    let stats = hot.hot_column_stats();
    let page = hot
        .rows(&fixture.tables, &fixture.table(), &request(&["id:lt:9"]))
        .await
        .unwrap();
    assert_eq!(page.total, 8);
    assert_eq!(
        hot.hot_column_stats().counts_served,
        stats.counts_served + 1
    );
}

#[tokio::test]
async fn a_load_stops_when_the_columns_outgrow_the_budget() {
    let fixture = Fixture::new(ROWS);
    // Dates are 4 bytes a row, which fits; kept as an index they take 8 more a row, which
    // does not: the load is given up while reading.
    let budget = ROWS * 6;
    let hot = engine_with_hot_bytes(budget);
    let request = request(&["ngay:gte:2024-03-01"]);
    assert!(
        !hot.preload(&fixture.tables, &fixture.table(), &request)
            .await
            .unwrap()
    );
    assert_eq!(hot.hot_column_stats().columns, 0);
    let page = hot
        .rows(&fixture.tables, &fixture.table(), &request)
        .await
        .unwrap();
    let rows = common::rows(ROWS);
    let expected = rows
        .iter()
        .filter(|r| r.ngay.as_str() >= "2024-03-01")
        .count() as u64;
    assert_eq!(page.total, expected);
}

#[tokio::test]
async fn rows_spread_over_row_groups_and_pages_are_read_where_they_are() {
    // 5,000 rows in row groups of 700 and pages of at most 64 rows, written in batches of 333.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("groups.parquet");
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("tinh", DataType::Utf8, true),
        Field::new("so_lieu", DataType::Int64, true),
    ]));
    let properties = WriterProperties::builder()
        .set_max_row_group_row_count(Some(700))
        .set_data_page_row_count_limit(64)
        .set_write_batch_size(16)
        .build();
    let file = std::fs::File::create(&path).unwrap();
    let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(properties)).unwrap();
    for start in (0..5_000i64).step_by(333) {
        let ids: Vec<i64> = (start..(start + 333).min(5_000)).collect();
        let tinh: Vec<Option<&str>> = ids
            .iter()
            .map(|id| (id % 13 != 0).then_some(common::PROVINCES[(id * 7 % 5) as usize]))
            .collect();
        let so_lieu: Vec<Option<i64>> = ids
            .iter()
            .map(|id| (id % 17 != 0).then_some(id * 7_919 % 10_007))
            .collect();
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from(ids)),
                Arc::new(StringArray::from(tinh)),
                Arc::new(Int64Array::from(so_lieu)),
            ],
        )
        .unwrap();
        writer.write(&batch).unwrap();
    }
    writer.close().unwrap();
    let id = uuid::Uuid::from_u128(7);
    let tables = TableMap::new().with(TableName::new(id), &path);
    let table = id.to_string();

    let from_file = engine_with_hot_bytes(0);
    let hot = engine_with_hot_bytes(64 << 20);
    for filters in [
        &["tinh:eq:Huế"][..],
        &["tinh:eq:Huế", "so_lieu:gte:5000"],
        &["so_lieu:lt:300"],
        &["id:gte:1390", "id:lt:1410"],
        &["tinh:in:Hà Nội|Cần Thơ", "id:gt:4000"],
    ] {
        let request = RowsRequest {
            limit: Some(97),
            ..request(filters)
        };
        assert!(hot.preload(&tables, &table, &request).await.unwrap());
        let expected = pages_of(&from_file, &tables, &table, &request).await;
        assert!(expected[0].total > 0, "{filters:?}");
        let found = pages_of(&hot, &tables, &table, &request).await;
        assert_eq!(found, expected, "{filters:?}");
    }
}
