//! Pages of rows over an ingested table: filters, `q`, sort, projection, paging and totals.

use crate::common;

use common::{Fixture, Row, engine};
use dulieu_query::{
    ErrorCode, Filter, FilterOp, RowsPage, RowsRequest, SortKey, TableMap, TableName,
};
use serde_json::{Value, json};

fn ids(page: &RowsPage) -> Vec<i64> {
    page.result
        .column("id")
        .expect("id column")
        .into_iter()
        .map(|v| v.as_i64().unwrap())
        .collect()
}

fn expected_ids(rows: &[Row], keep: impl Fn(&Row) -> bool) -> Vec<i64> {
    rows.iter()
        .filter(|row| keep(row))
        .map(|row| row.id)
        .collect()
}

fn request(filters: &[&str]) -> RowsRequest {
    RowsRequest {
        filters: filters.iter().map(|f| Filter::parse(f).unwrap()).collect(),
        limit: Some(1_000),
        ..RowsRequest::default()
    }
}

#[tokio::test]
async fn unfiltered_first_page_in_file_order_with_total_from_the_footer() {
    let fixture = Fixture::new(300);
    let page = engine()
        .rows(&fixture.tables, &fixture.table(), &RowsRequest::default())
        .await
        .unwrap();
    assert_eq!(page.total, 300);
    assert_eq!(page.result.rows.len(), 100);
    assert_eq!(ids(&page), (1..=100).collect::<Vec<_>>());
    assert_eq!(page.row_ids, (0..100).collect::<Vec<u64>>());
    assert!(page.next_cursor.is_some());
    let names: Vec<(&str, &str)> = page
        .result
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.field_type.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("id", "integer"),
            ("tinh", "string"),
            ("nganh", "string"),
            ("ngay", "date"),
            ("so_lieu", "integer"),
            ("ty_le", "number"),
            ("chinh_thuc", "boolean"),
        ]
    );
    let first = &fixture.rows[0];
    assert_eq!(
        page.result.rows[0],
        vec![
            json!(first.id),
            json!(first.tinh),
            json!(first.nganh),
            json!(first.ngay),
            json!(first.so_lieu),
            json!(first.ty_le),
            json!(first.chinh_thuc),
        ]
    );
}

#[tokio::test]
async fn filters_compare_typed_values() {
    let fixture = Fixture::new(400);
    let engine = engine();
    let run = |filters: &'static [&'static str]| {
        let engine = engine.clone();
        let tables = fixture.tables.clone();
        let table = fixture.table();
        async move {
            engine
                .rows(&tables, &table, &request(filters))
                .await
                .unwrap()
        }
    };
    let rows = &fixture.rows;

    let page = run(&["tinh:eq:Hà Nội"]).await;
    let expected = expected_ids(rows, |r| r.tinh == "Hà Nội");
    assert_eq!(ids(&page), expected);
    assert_eq!(page.total, expected.len() as u64);

    let page = run(&["so_lieu:gte:500", "so_lieu:lt:700"]).await;
    assert_eq!(
        ids(&page),
        expected_ids(rows, |r| (500..700).contains(&r.so_lieu))
    );

    let page = run(&["so_lieu:gt:990"]).await;
    assert_eq!(ids(&page), expected_ids(rows, |r| r.so_lieu > 990));

    let page = run(&["so_lieu:lte:5"]).await;
    assert_eq!(ids(&page), expected_ids(rows, |r| r.so_lieu <= 5));

    let page = run(&["tinh:in:Huế|Cần Thơ", "chinh_thuc:eq:true"]).await;
    assert_eq!(
        ids(&page),
        expected_ids(rows, |r| (r.tinh == "Huế" || r.tinh == "Cần Thơ")
            && r.chinh_thuc)
    );

    let page = run(&["ngay:gte:2024-06-01", "ngay:lt:2024-07-01"]).await;
    assert_eq!(
        ids(&page),
        expected_ids(rows, |r| r.ngay.starts_with("2024-06"))
    );

    let page = run(&["ty_le:gt:90.5"]).await;
    assert_eq!(
        ids(&page),
        expected_ids(rows, |r| r.ty_le.is_some_and(|v| v > 90.5))
    );
    assert_eq!(page.total, ids(&page).len() as u64);
}

#[tokio::test]
async fn bad_filters_name_the_parameter_and_field() {
    let fixture = Fixture::new(20);
    let engine = engine();
    let err = engine
        .rows(
            &fixture.tables,
            &fixture.table(),
            &request(&["so_lieu:gt:abc"]),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidValue);
    assert_eq!(err.param, Some("filters"));
    assert_eq!(err.field.as_deref(), Some("so_lieu"));
    assert_eq!(err.value.as_deref(), Some("abc"));
    assert_eq!(err.detail.as_deref(), Some("integer"));

    let err = engine
        .rows(
            &fixture.tables,
            &fixture.table(),
            &request(&["ngay:eq:31/01/2024"]),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::InvalidValue, Some("ngay"))
    );

    let err = engine
        .rows(
            &fixture.tables,
            &fixture.table(),
            &request(&["dan_so:eq:1"]),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::UnknownField);
    assert_eq!(err.param, Some("filters"));
    assert_eq!(err.field.as_deref(), Some("dan_so"));

    assert_eq!(
        Filter::parse("tinh:like:Hà").unwrap_err().code,
        ErrorCode::UnknownOperator
    );

    let sort = RowsRequest {
        sort: vec![SortKey::asc("nope")],
        ..RowsRequest::default()
    };
    let err = engine
        .rows(&fixture.tables, &fixture.table(), &sort)
        .await
        .unwrap_err();
    assert_eq!(
        (err.code, err.param),
        (ErrorCode::UnknownField, Some("sort"))
    );

    let fields = RowsRequest {
        fields: vec!["id".into(), "nope".into()],
        ..RowsRequest::default()
    };
    let err = engine
        .rows(&fixture.tables, &fixture.table(), &fields)
        .await
        .unwrap_err();
    assert_eq!(
        (err.code, err.param),
        (ErrorCode::UnknownField, Some("fields"))
    );

    let too_many = RowsRequest {
        limit: Some(32_001),
        ..RowsRequest::default()
    };
    let err = engine
        .rows(&fixture.tables, &fixture.table(), &too_many)
        .await
        .unwrap_err();
    assert_eq!(
        (err.code, err.param),
        (ErrorCode::InvalidLimit, Some("limit"))
    );

    let err = engine
        .rows(
            &fixture.tables,
            "0190ffff-0000-7000-8000-000000000000",
            &RowsRequest::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::UnknownTable);
    let err = engine
        .rows(&fixture.tables, "not-a-table", &RowsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::UnknownTable);
}

#[tokio::test]
async fn q_matches_words_ignoring_case_and_diacritics() {
    let fixture = Fixture::new(200);
    let engine = engine();
    let q = |text: &str| RowsRequest {
        q: Some(text.to_owned()),
        limit: Some(1_000),
        ..RowsRequest::default()
    };
    let expected = expected_ids(&fixture.rows, |r| r.tinh == "Đà Nẵng");
    for text in ["Đà Nẵng", "da nang", "DA NANG", "đà   nẴng"] {
        let page = engine
            .rows(&fixture.tables, &fixture.table(), &q(text))
            .await
            .unwrap();
        assert_eq!(ids(&page), expected, "{text}");
        assert_eq!(page.total, expected.len() as u64);
    }
    // Every word must match, each in any text column.
    let page = engine
        .rows(&fixture.tables, &fixture.table(), &q("hue nong"))
        .await
        .unwrap();
    assert_eq!(
        ids(&page),
        expected_ids(&fixture.rows, |r| r.tinh == "Huế"
            && r.nganh == "Nông nghiệp")
    );
    let page = engine
        .rows(&fixture.tables, &fixture.table(), &q("Sài Gòn"))
        .await
        .unwrap();
    assert_eq!((page.total, page.result.rows.len()), (0, 0));
    assert_eq!(page.next_cursor, None);
}

#[tokio::test]
async fn sorts_by_several_keys_and_projects_fields() {
    let fixture = Fixture::new(250);
    let request = RowsRequest {
        sort: vec![
            SortKey::parse("tinh").unwrap(),
            SortKey::parse("-so_lieu").unwrap(),
        ],
        fields: vec!["so_lieu".into(), "id".into()],
        limit: Some(1_000),
        ..RowsRequest::default()
    };
    let page = engine()
        .rows(&fixture.tables, &fixture.table(), &request)
        .await
        .unwrap();
    let names: Vec<&str> = page
        .result
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["so_lieu", "id"]);
    let mut expected = fixture.rows.clone();
    expected.sort_by(|a, b| {
        a.tinh
            .cmp(b.tinh)
            .then(b.so_lieu.cmp(&a.so_lieu))
            .then(a.id.cmp(&b.id))
    });
    assert_eq!(
        ids(&page),
        expected.iter().map(|r| r.id).collect::<Vec<_>>()
    );
    assert_eq!(page.result.rows[0].len(), 2);
}

#[tokio::test]
async fn nulls_sort_last_both_ways() {
    let fixture = Fixture::new(60);
    for descending in [false, true] {
        let request = RowsRequest {
            sort: vec![SortKey {
                field: "ty_le".into(),
                descending,
            }],
            limit: Some(100),
            ..RowsRequest::default()
        };
        let page = engine()
            .rows(&fixture.tables, &fixture.table(), &request)
            .await
            .unwrap();
        let values = page.result.column("ty_le").unwrap();
        let nulls = values.iter().filter(|v| v.is_null()).count();
        assert!(nulls > 0);
        assert!(values[values.len() - nulls..].iter().all(|v| v.is_null()));
        let numbers: Vec<f64> = values[..values.len() - nulls]
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let mut sorted = numbers.clone();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
        if descending {
            sorted.reverse();
        }
        assert_eq!(numbers, sorted);
    }
}

/// Walks every page with cursors and with offsets; both give the same rows.
async fn cursor_pages_match_offset_pages(request: RowsRequest, expected_total: u64) {
    let fixture = Fixture::new(530);
    let engine = engine();
    let table = fixture.table();
    let mut by_cursor: Vec<Vec<Value>> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = engine
            .rows(
                &fixture.tables,
                &table,
                &RowsRequest {
                    cursor: cursor.clone(),
                    limit: Some(37),
                    ..request.clone()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.total, expected_total);
        by_cursor.extend(page.result.rows.clone());
        pages += 1;
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(by_cursor.len() as u64, expected_total);
    assert_eq!(pages, expected_total.div_ceil(37).max(1));
    let mut by_offset: Vec<Vec<Value>> = Vec::new();
    for offset in (0..expected_total).step_by(37) {
        let page = engine
            .rows(
                &fixture.tables,
                &table,
                &RowsRequest {
                    offset: Some(offset),
                    limit: Some(37),
                    ..request.clone()
                },
            )
            .await
            .unwrap();
        by_offset.extend(page.result.rows);
    }
    assert_eq!(by_cursor, by_offset);
    let all = engine
        .rows(
            &fixture.tables,
            &table,
            &RowsRequest {
                limit: Some(1_000),
                ..request.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(by_cursor, all.result.rows);
}

#[tokio::test]
async fn cursor_paging_in_file_order() {
    cursor_pages_match_offset_pages(RowsRequest::default(), 530).await;
}

#[tokio::test]
async fn cursor_paging_with_sort_ties_and_nulls() {
    let request = RowsRequest {
        sort: vec![SortKey::desc("ty_le"), SortKey::asc("tinh")],
        ..RowsRequest::default()
    };
    cursor_pages_match_offset_pages(request, 530).await;
}

#[tokio::test]
async fn cursor_paging_with_filters_and_q() {
    let rows = common::rows(530);
    let expected = rows
        .iter()
        .filter(|r| r.so_lieu >= 300 && r.nganh == "Dịch vụ")
        .count() as u64;
    let request = RowsRequest {
        filters: vec![Filter::new("so_lieu", FilterOp::Gte, "300")],
        q: Some("dich vu".into()),
        sort: vec![SortKey::asc("ngay")],
        ..RowsRequest::default()
    };
    cursor_pages_match_offset_pages(request, expected).await;
}

#[tokio::test]
async fn cursor_paging_with_filters_in_file_order() {
    let rows = common::rows(530);
    let expected = rows
        .iter()
        .filter(|r| r.tinh == "Huế" || r.tinh == "Hà Nội")
        .count() as u64;
    let request = RowsRequest {
        filters: vec![Filter::parse("tinh:in:Huế|Hà Nội").unwrap()],
        ..RowsRequest::default()
    };
    cursor_pages_match_offset_pages(request, expected).await;
}

#[tokio::test]
async fn cursors_are_checked() {
    let fixture = Fixture::new(120);
    let engine = engine();
    let table = fixture.table();
    let first = engine
        .rows(&fixture.tables, &table, &RowsRequest::default())
        .await
        .unwrap();
    let cursor = first.next_cursor.unwrap();

    // Another query (a different filter) refuses the cursor.
    let other = RowsRequest {
        cursor: Some(cursor.clone()),
        filters: vec![Filter::new("tinh", FilterOp::Eq, "Huế")],
        ..RowsRequest::default()
    };
    let err = engine
        .rows(&fixture.tables, &table, &other)
        .await
        .unwrap_err();
    assert_eq!(
        (err.code, err.param),
        (ErrorCode::InvalidCursor, Some("cursor"))
    );

    // An altered cursor is refused.
    let mut altered = cursor.clone().into_bytes();
    let at = altered.len() / 3;
    altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
    let altered = RowsRequest {
        cursor: Some(String::from_utf8(altered).unwrap()),
        ..RowsRequest::default()
    };
    let err = engine
        .rows(&fixture.tables, &table, &altered)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidCursor);

    // Another engine secret refuses it too.
    let stranger = dulieu_query::Engine::new(dulieu_query::EngineConfig {
        cursor_secret: [1; 32],
        ..common::config()
    })
    .unwrap();
    let again = RowsRequest {
        cursor: Some(cursor.clone()),
        ..RowsRequest::default()
    };
    assert_eq!(
        stranger
            .rows(&fixture.tables, &table, &again)
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidCursor
    );

    // Cursor and offset together are refused.
    let both = RowsRequest {
        cursor: Some(cursor.clone()),
        offset: Some(10),
        ..RowsRequest::default()
    };
    assert_eq!(
        engine
            .rows(&fixture.tables, &table, &both)
            .await
            .unwrap_err()
            .code,
        ErrorCode::CursorWithOffset
    );

    // An offset past any table, however large, is an empty page with the exact total.
    for offset in [1_000_000, i64::MAX as u64, u64::MAX] {
        let far = RowsRequest {
            offset: Some(offset),
            ..RowsRequest::default()
        };
        let page = engine.rows(&fixture.tables, &table, &far).await.unwrap();
        assert!(page.result.rows.is_empty(), "offset {offset}");
        assert_eq!(page.total, 120, "offset {offset}");
    }

    // A table ingested again (another file) refuses cursors of the old one.
    let mut other_fixture = Fixture::new(120);
    other_fixture.add(fixture.id, &common::csv(&common::rows(90)));
    let err = engine
        .rows(&other_fixture.tables, &table, &again)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidCursor);
}

#[tokio::test]
async fn sheets_after_the_first_are_named_with_a_slash() {
    let fixture = Fixture::new(10);
    let path = fixture
        .tables
        .clone()
        .resolve_path(&TableName::new(fixture.id))
        .await;
    let tables = TableMap::new().with(TableName::sheet(fixture.id, "Dân số"), path);
    let name = format!("{}/Dân số", fixture.id);
    let page = engine()
        .rows(&tables, &name, &RowsRequest::default())
        .await
        .unwrap();
    assert_eq!(page.total, 10);
    let info = engine().table_info(&tables, &name).await.unwrap();
    assert_eq!(info.row_count, 10);
    assert_eq!(info.schema.fields.len(), 7);
}

trait ResolvePath {
    async fn resolve_path(self, name: &TableName) -> std::path::PathBuf;
}

impl ResolvePath for TableMap {
    async fn resolve_path(self, name: &TableName) -> std::path::PathBuf {
        use dulieu_query::TableResolver;
        self.resolve(name).await.unwrap().unwrap()
    }
}

#[tokio::test]
async fn unreadable_files_are_reported_without_their_path() {
    let fixture = Fixture::new(5);
    let dir = fixture.dir.path();
    std::fs::write(dir.join("broken.parquet"), b"PAR1 not really").unwrap();
    let id = fixture.id;
    for path in [dir.join("broken.parquet"), dir.join("missing.parquet")] {
        let tables = TableMap::new().with(TableName::new(id), &path);
        let err = engine()
            .rows(&tables, &id.to_string(), &RowsRequest::default())
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::TableUnreadable);
        assert!(!err.code.is_client_error());
        let detail = err.detail.unwrap();
        assert!(!detail.contains(dir.to_str().unwrap()), "{detail}");
    }
}
