//! Real-shaped fixtures (written by testdata/make_fixtures.py): the columns, types, row counts
//! and values each one yields.

use crate::common;

use common::{column_values, columns, ingest_ok};
use dulieu_tables::{FieldType, SourceFormat, TextEncoding, WarningCode};

fn names(list: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
    list.iter().map(|(n, t)| (n.to_string(), *t)).collect()
}

#[test]
fn gso_xlsx_title_block_merged_header_numbering_formulas_and_notes() {
    let (_out, report) = ingest_ok("gso_population.xlsx");
    assert_eq!(report.format, SourceFormat::Xlsx);
    // The empty third sheet is skipped with a warning.
    assert_eq!(report.tables.len(), 2);
    assert_eq!(report.warnings.count(WarningCode::EmptySheet), 1);
    let table = &report.tables[0];
    assert_eq!(table.name, "Dân số");
    assert_eq!(
        table.title.as_deref(),
        Some(
            "Bảng 2.1. Dân số trung bình phân theo giới tính và địa phương năm 2024 — Đơn vị tính: Nghìn người"
        )
    );
    assert_eq!(
        columns(table),
        names(&[
            ("Mã", "string"),
            ("Tỉnh, thành phố", "string"),
            ("Dân số / Tổng số", "number"),
            ("Dân số / Nam", "number"),
            ("Dân số / Nữ", "number"),
            ("Tỷ lệ nữ (%)", "number"),
        ])
    );
    assert_eq!(table.row_count, 6);
    // Codes keep their leading zeros; formulas are read as their values; "…" is missing.
    assert_eq!(column_values(table, "Mã")[..2], ["00", "01"]);
    assert_eq!(column_values(table, "Dân số / Tổng số")[1], "8587.1");
    assert_eq!(column_values(table, "Tỷ lệ nữ (%)")[5], "");
    assert!(table.schema.missing_values.contains(&"…".to_owned()));
    assert_eq!(
        table.notes,
        vec![
            "Ghi chú: Số liệu năm 2024 là số liệu sơ bộ.".to_owned(),
            "Nguồn: Tổng cục Thống kê.".to_owned()
        ]
    );
    for code in [
        WarningCode::TitleRowsSkipped,
        WarningCode::NumberingRowSkipped,
        WarningCode::FootnotesDetected,
    ] {
        assert_eq!(table.warnings.count(code), 1, "{code:?}");
    }
    let numbering = table
        .warnings
        .of(WarningCode::NumberingRowSkipped)
        .next()
        .unwrap();
    assert_eq!(numbering.location.row, Some(6));
    assert_eq!(numbering.location.sheet.as_deref(), Some("Dân số"));

    let labour = &report.tables[1];
    assert_eq!(
        columns(labour),
        names(&[
            ("Ngày công bố", "date"),
            ("Chỉ tiêu", "string"),
            ("Giá trị", "number"),
            ("Chính thức", "boolean"),
        ])
    );
    assert_eq!(column_values(labour, "Ngày công bố")[1], "2024-04-15");
    assert_eq!(
        column_values(labour, "Chính thức"),
        ["true", "true", "false"]
    );
}

#[test]
fn gso_xls_and_ods_give_the_same_table() {
    for name in ["gso_population.xls", "gso_population.ods"] {
        let (_out, report) = ingest_ok(name);
        let table = &report.tables[0];
        assert_eq!(table.row_count, 6, "{name}");
        assert_eq!(
            table.notes,
            vec!["Nguồn: Tổng cục Thống kê.".to_owned()],
            "{name}"
        );
        let names: Vec<&str> = table
            .schema
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert!(names.contains(&"Dân số / Nam"), "{name}: {names:?}");
        assert!(names.contains(&"Dân số / Nữ"), "{name}: {names:?}");
        assert_eq!(column_values(table, "Dân số / Nam")[3], "605.4", "{name}");
        assert_eq!(
            column_values(table, "Tỉnh, thành phố")[4],
            "TP. Hồ Chí Minh",
            "{name}"
        );
    }
}

fn assert_investment(name: &str, encoding: TextEncoding) {
    let (_out, report) = ingest_ok(name);
    assert_eq!(report.encoding, Some(encoding), "{name}");
    assert_eq!(report.delimiter.as_deref(), Some(","));
    let table = &report.tables[0];
    assert_eq!(
        columns(table),
        names(&[
            ("Tỉnh", "string"),
            ("Ngày báo cáo", "date"),
            ("Số dự án", "integer"),
            ("Vốn đăng ký (triệu USD)", "number"),
            ("Ghi chú", "string"),
        ])
    );
    assert_eq!(table.row_count, 5);
    assert_eq!(
        column_values(table, "Tỉnh"),
        ["Hà Nội", "Bắc Ninh", "Đà Nẵng", "Thừa Thiên Huế", "Cà Mau"]
    );
    assert_eq!(table.schema.fields[1].format.as_deref(), Some("%d/%m/%Y"));
    assert_eq!(column_values(table, "Ngày báo cáo")[4], "2024-01-31");
    assert_eq!(column_values(table, "Vốn đăng ký (triệu USD)")[3], "");
    assert_eq!(column_values(table, "Ghi chú")[2], "Ổn định");
}

#[test]
fn windows_1258_csv() {
    assert_investment("investment_windows1258.csv", TextEncoding::Windows1258);
}

#[test]
fn tcvn3_csv() {
    assert_investment("investment_tcvn3.csv", TextEncoding::Tcvn3);
}

#[test]
fn semicolon_csv_with_vietnamese_decimals() {
    let (_out, report) = ingest_ok("grdp_semicolon.csv");
    assert_eq!(report.delimiter.as_deref(), Some(";"));
    assert_eq!(report.encoding, Some(TextEncoding::Utf8));
    let table = &report.tables[0];
    assert_eq!(
        columns(table),
        names(&[
            ("Năm", "integer"),
            ("Tỉnh", "string"),
            ("GRDP (tỷ đồng)", "number"),
            ("Tăng trưởng (%)", "number"),
            ("Dân số", "integer"),
            ("Cập nhật", "date"),
        ])
    );
    assert_eq!(column_values(table, "GRDP (tỷ đồng)")[1], "1479200.75");
    assert_eq!(column_values(table, "Dân số")[0], "8587100");
    // "-" and "…" are missing values, recorded in the schema.
    assert_eq!(
        column_values(table, "Tăng trưởng (%)"),
        ["6.27", "5.81", "10.34", "", ""]
    );
    assert_eq!(table.schema.missing_values, vec!["", "-", "…"]);
    let growth = &table.schema.fields[3];
    assert_eq!(growth.decimal_char.as_deref(), Some(","));
    assert_eq!(growth.group_char.as_deref(), Some("."));
    let profile = &table.profile.columns[3];
    assert_eq!(profile.null_count, 2);
    assert_eq!(profile.min, Some(serde_json::json!(5.81)));
    assert_eq!(profile.max, Some(serde_json::json!(10.34)));
}

#[test]
fn geojson_feature_collection_keeps_geometry_as_geojson_text() {
    let (_out, report) = ingest_ok("provinces.geojson");
    assert_eq!(report.format, SourceFormat::Geojson);
    let table = &report.tables[0];
    assert_eq!(
        columns(table),
        names(&[
            ("ma_tinh", "string"),
            ("ten", "string"),
            ("dan_so", "integer"),
            ("dien_tich_km2", "number"),
            ("geometry", "geojson"),
            ("feature_id", "integer"),
        ])
    );
    assert_eq!(table.row_count, 3);
    let geometry = column_values(table, "geometry");
    let point: serde_json::Value = serde_json::from_str(&geometry[0]).unwrap();
    assert_eq!(
        point,
        serde_json::json!({"type": "Point", "coordinates": [105.8342, 21.0278]})
    );
    assert_eq!(geometry[2], "", "a null geometry is null");
    assert_eq!(column_values(table, "ten")[1], "Đà Nẵng");
}

#[test]
fn json_array_of_objects() {
    let (_out, report) = ingest_ok("agencies.json");
    assert_eq!(report.format, SourceFormat::Json);
    let table = &report.tables[0];
    assert_eq!(
        columns(table),
        names(&[
            ("id", "integer"),
            ("co_quan", "string"),
            ("ngay", "date"),
            ("so_bo", "boolean"),
            ("the", "string"),
            ("lien_he", "string"),
        ])
    );
    assert_eq!(column_values(table, "so_bo"), ["false", "true", ""]);
    assert_eq!(column_values(table, "lien_he")[2], r#"{"email":"a@b.vn"}"#);
}

#[test]
fn utf16_tab_separated() {
    let (_out, report) = ingest_ok("areas_utf16.tsv");
    assert_eq!(report.encoding, Some(TextEncoding::Utf16Le));
    assert_eq!(report.delimiter.as_deref(), Some("\t"));
    let table = &report.tables[0];
    assert_eq!(table.schema.fields[0].field_type, FieldType::String);
    assert_eq!(column_values(table, "Mã"), ["01", "79"]);
    assert_eq!(
        column_values(table, "Diện tích (km2)"),
        ["3359.84", "2095.39"]
    );
}

#[test]
fn ragged_rows_are_reported_with_their_lines_and_kept() {
    let (_out, report) = ingest_ok("ragged.csv");
    let table = &report.tables[0];
    assert_eq!(table.row_count, 4, "no row is dropped");
    let short = table.warnings.of(WarningCode::RowTooShort).next().unwrap();
    assert_eq!(short.location.line, Some(3));
    assert_eq!(short.params["expected"], "3");
    assert_eq!(short.params["found"], "2");
    let long = table.warnings.of(WarningCode::RowTooLong).next().unwrap();
    assert_eq!(long.location.line, Some(4));
    assert_eq!(column_values(table, "column_4"), ["", "", "9", ""]);
    assert_eq!(column_values(table, "c"), ["3", "", "8", "12"]);
}

#[test]
fn profiles_count_nulls_distinct_values_and_top_values() {
    let (_out, report) = ingest_ok("investment_windows1258.csv");
    let profile = &report.tables[0].profile;
    assert_eq!(profile.row_count, 5);
    let dates = &profile.columns[1];
    assert_eq!(dates.distinct_count, 4);
    assert!(dates.distinct_exact);
    assert_eq!(dates.top_values[0].value, "2024-01-15");
    assert_eq!(dates.top_values[0].count, 2);
    assert_eq!(dates.min, Some(serde_json::json!("2024-01-15")));
    let projects = &profile.columns[2];
    assert_eq!(projects.mean, Some((120 + 85 + 42 + 12 + 7) as f64 / 5.0));
    assert_eq!(profile.columns[3].null_count, 1);
}
