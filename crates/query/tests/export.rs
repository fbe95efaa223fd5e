//! Exports in every format, read back and compared with the rows they came from; data packages
//! read back from their zip.

use crate::common;

use std::io::{Cursor, Read};

use bytes::Bytes;
use calamine::{Data, Reader, Xlsx};
use common::{Fixture, engine};
use datafusion::arrow::array::{AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use dulieu_query::{
    AggregateRequest, DataPackage, ErrorCode, ExportFormat, ExportQuery, Filter, PackageLicense,
    PackageResource, RowsRequest, SortKey,
};
use futures::TryStreamExt;
use serde_json::{Value, json};
use uuid::Uuid;

async fn bytes(stream: dulieu_query::ByteStream) -> Vec<u8> {
    let chunks: Vec<Bytes> = stream.try_collect().await.unwrap();
    chunks.concat()
}

fn rows_query(fixture: &Fixture, request: RowsRequest) -> ExportQuery {
    ExportQuery::Rows {
        table: fixture.table(),
        request,
    }
}

async fn export(fixture: &Fixture, query: &ExportQuery, format: ExportFormat) -> Vec<u8> {
    let export = engine()
        .export(&fixture.tables, query, format)
        .await
        .unwrap();
    assert_eq!(export.format, format);
    bytes(export.stream).await
}

#[tokio::test]
async fn csv_has_a_header_and_canonical_values() {
    let fixture = Fixture::new(3_000);
    let query = rows_query(&fixture, RowsRequest::default());
    let csv = String::from_utf8(export(&fixture, &query, ExportFormat::Csv).await).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], "id,tinh,nganh,ngay,so_lieu,ty_le,chinh_thuc");
    assert_eq!(
        lines.len(),
        3_000 + 2,
        "header, rows and the final line end"
    );
    assert_eq!(lines.last(), Some(&""));
    for (line, row) in lines[1..].iter().zip(&fixture.rows) {
        let ty_le = row.ty_le.map_or(String::new(), |v| v.to_string());
        assert_eq!(
            *line,
            format!(
                "{},{},{},{},{},{ty_le},{}",
                row.id, row.tinh, row.nganh, row.ngay, row.so_lieu, row.chinh_thuc
            )
        );
    }
}

#[tokio::test]
async fn json_is_an_array_of_objects_with_nulls() {
    let fixture = Fixture::new(40);
    let request = RowsRequest {
        filters: vec![Filter::parse("tinh:eq:Huế").unwrap()],
        sort: vec![SortKey::desc("id")],
        fields: vec!["id".into(), "ty_le".into()],
        ..RowsRequest::default()
    };
    let json: Value = serde_json::from_slice(
        &export(&fixture, &rows_query(&fixture, request), ExportFormat::Json).await,
    )
    .unwrap();
    let expected: Vec<Value> = fixture
        .rows
        .iter()
        .rev()
        .filter(|r| r.tinh == "Huế")
        .map(|r| json!({"id": r.id, "ty_le": r.ty_le}))
        .collect();
    assert_eq!(json, Value::Array(expected));

    // An empty result is an empty array.
    let none = RowsRequest {
        q: Some("không có".into()),
        ..RowsRequest::default()
    };
    let json: Value = serde_json::from_slice(
        &export(&fixture, &rows_query(&fixture, none), ExportFormat::Json).await,
    )
    .unwrap();
    assert_eq!(json, json!([]));
}

#[tokio::test]
async fn parquet_reads_back_with_its_schema() {
    let fixture = Fixture::new(500);
    let request = RowsRequest {
        offset: Some(100),
        limit: Some(250),
        ..RowsRequest::default()
    };
    let data = export(
        &fixture,
        &rows_query(&fixture, request),
        ExportFormat::Parquet,
    )
    .await;
    let reader = ParquetRecordBatchReaderBuilder::try_new(Bytes::from(data)).unwrap();
    let metadata = reader
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .cloned()
        .unwrap_or_default();
    let schema = metadata
        .iter()
        .find(|kv| kv.key == dulieu_tables::SCHEMA_METADATA_KEY)
        .and_then(|kv| kv.value.clone())
        .expect("schema in the metadata");
    let schema: Value = serde_json::from_str(&schema).unwrap();
    assert_eq!(schema["fields"][3]["name"], "ngay");
    assert_eq!(schema["fields"][3]["type"], "date");
    // Texts are stored as plain strings, not the string views queries read.
    let tinh = reader.schema().field_with_name("tinh").unwrap().clone();
    assert_eq!(tinh.data_type(), &DataType::Utf8);
    let batches: Vec<RecordBatch> = reader.build().unwrap().map(Result::unwrap).collect();
    let ids: Vec<i64> = batches
        .iter()
        .flat_map(|b| b.column(0).as_primitive::<Int64Type>().values().to_vec())
        .collect();
    assert_eq!(ids, (101..=350).collect::<Vec<_>>());
}

#[tokio::test]
async fn xlsx_reads_back_with_typed_cells() {
    let fixture = Fixture::new(120);
    let data = export(
        &fixture,
        &rows_query(&fixture, RowsRequest::default()),
        ExportFormat::Xlsx,
    )
    .await;
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(data)).unwrap();
    assert_eq!(workbook.sheet_names(), ["data"]);
    let range = workbook.worksheet_range("data").unwrap();
    assert_eq!(range.height(), 121);
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header,
        [
            "id",
            "tinh",
            "nganh",
            "ngay",
            "so_lieu",
            "ty_le",
            "chinh_thuc"
        ]
    );
    for (cells, row) in range.rows().skip(1).zip(&fixture.rows) {
        assert_eq!(cells[0], Data::Float(row.id as f64));
        assert_eq!(cells[1], Data::String(row.tinh.to_owned()));
        match &cells[3] {
            Data::DateTime(date) => {
                let date = date.as_datetime().unwrap().date();
                assert_eq!(date.to_string(), row.ngay);
            }
            other => panic!("a date cell, not {other:?}"),
        }
        match row.ty_le {
            Some(value) => assert_eq!(cells[5], Data::Float(value)),
            None => assert_eq!(cells[5], Data::Empty),
        }
        assert_eq!(cells[6], Data::Bool(row.chinh_thuc));
    }
}

#[tokio::test]
async fn aggregates_and_sql_export_too() {
    let fixture = Fixture::new(90);
    let aggregate = ExportQuery::Aggregate {
        table: fixture.table(),
        request: AggregateRequest {
            group_by: vec!["nganh".into()],
            ..AggregateRequest::default()
        },
    };
    let csv = String::from_utf8(export(&fixture, &aggregate, ExportFormat::Csv).await).unwrap();
    assert_eq!(
        csv.lines().next(),
        Some("nganh,count"),
        "group column then the metric"
    );
    assert_eq!(csv.lines().count(), 4);

    let sql = ExportQuery::Sql {
        sql: format!(
            "SELECT tinh, max(so_lieu) AS top FROM \"{}\" GROUP BY tinh ORDER BY tinh",
            fixture.table()
        ),
    };
    let json: Value =
        serde_json::from_slice(&export(&fixture, &sql, ExportFormat::Json).await).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 5);
    assert!(json[0]["top"].is_i64());

    let refused = ExportQuery::Sql {
        sql: "DROP TABLE x".into(),
    };
    let err = engine()
        .export(&fixture.tables, &refused, ExportFormat::Csv)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::SqlNotSelect);

    let with_cursor = rows_query(
        &fixture,
        RowsRequest {
            cursor: Some("x".into()),
            ..RowsRequest::default()
        },
    );
    let err = engine()
        .export(&fixture.tables, &with_cursor, ExportFormat::Csv)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidCursor);
}

#[tokio::test]
async fn an_abandoned_export_stops() {
    let fixture = Fixture::new(5_000);
    let export = engine()
        .export(
            &fixture.tables,
            &rows_query(&fixture, RowsRequest::default()),
            ExportFormat::Csv,
        )
        .await
        .unwrap();
    let mut stream = export.stream;
    let first = futures::StreamExt::next(&mut stream)
        .await
        .unwrap()
        .unwrap();
    assert!(!first.is_empty());
    drop(stream);
    // Nothing to observe but that dropping does not hang or panic; a new export still works.
    let again = engine()
        .export(
            &fixture.tables,
            &rows_query(&fixture, RowsRequest::default()),
            ExportFormat::Json,
        )
        .await
        .unwrap();
    assert!(!bytes(again.stream).await.is_empty());
}

#[tokio::test]
async fn data_package_zip_reads_back() {
    let mut fixture = Fixture::new(75);
    let regions = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0003);
    fixture.add(
        regions,
        "tinh,vung\nHà Nội,Đồng bằng sông Hồng\nHuế,\"Bắc Trung Bộ, \"\"miền Trung\"\"\"\n",
    );
    let package = DataPackage {
        name: "Thống kê dân số 2024".into(),
        title: Some("Thống kê dân số".into()),
        description: None,
        homepage: Some("https://dulieu.example/datasets/thong-ke".into()),
        licenses: vec![PackageLicense {
            name: Some("CC-BY-4.0".into()),
            path: Some("https://creativecommons.org/licenses/by/4.0/".into()),
            title: None,
        }],
        resources: vec![
            PackageResource {
                table: fixture.table(),
                name: "Số liệu".into(),
                title: Some("Số liệu".into()),
                description: None,
            },
            PackageResource {
                table: regions.to_string(),
                name: "Vùng".into(),
                title: None,
                description: Some("Vùng kinh tế".into()),
            },
        ],
    };
    let stream = engine()
        .data_package(&fixture.tables, &package)
        .await
        .unwrap();
    let data = bytes(stream).await;
    let mut zip = zip::ZipArchive::new(Cursor::new(data)).unwrap();
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().into_owned())
        .collect();
    assert_eq!(
        names,
        ["datapackage.json", "data/so-lieu.csv", "data/vung.csv"]
    );
    let mut text = String::new();
    zip.by_name("datapackage.json")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let descriptor: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(descriptor["profile"], "tabular-data-package");
    assert_eq!(descriptor["name"], "thong-ke-dan-so-2024");
    assert_eq!(descriptor["licenses"][0]["name"], "CC-BY-4.0");
    let resources = descriptor["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 2);
    let first = &resources[0];
    assert_eq!(first["name"], "so-lieu");
    assert_eq!(first["path"], "data/so-lieu.csv");
    assert_eq!(first["profile"], "tabular-data-resource");
    assert_eq!(first["format"], "csv");
    assert_eq!(first["mediatype"], "text/csv");
    assert_eq!(first["encoding"], "utf-8");
    assert_eq!(first["title"], "Số liệu");
    assert_eq!(first["schema"]["fields"][3]["name"], "ngay");
    assert_eq!(first["schema"]["fields"][3]["type"], "date");
    assert_eq!(first["schema"]["fields"][0]["constraints"]["unique"], true);
    assert_eq!(first["schema"]["missingValues"], json!([""]));
    assert_eq!(resources[1]["description"], "Vùng kinh tế");
    for resource in resources {
        let name = resource["name"].as_str().unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || matches!(c, '.' | '_' | '-'))
        );
    }

    let mut csv = String::new();
    zip.by_name("data/so-lieu.csv")
        .unwrap()
        .read_to_string(&mut csv)
        .unwrap();
    assert_eq!(csv.split("\r\n").count(), 75 + 2);
    assert!(csv.starts_with("id,tinh,nganh,ngay,so_lieu,ty_le,chinh_thuc\r\n1,"));
    let mut regions_csv = String::new();
    zip.by_name("data/vung.csv")
        .unwrap()
        .read_to_string(&mut regions_csv)
        .unwrap();
    assert_eq!(
        regions_csv,
        "tinh,vung\r\nHà Nội,Đồng bằng sông Hồng\r\nHuế,\"Bắc Trung Bộ, \"\"miền Trung\"\"\"\r\n"
    );

    let empty = DataPackage {
        name: "x".into(),
        ..DataPackage::default()
    };
    let err = engine()
        .data_package(&fixture.tables, &empty)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::InvalidPackage);
}
