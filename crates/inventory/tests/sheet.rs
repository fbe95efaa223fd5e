//! The inventory spreadsheet: a messy agency workbook, round trips through CSV and XLSX, the
//! template, and whole-file errors.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use dulieu_core::Error;
use dulieu_core::text::LangText;
use dulieu_inventory::sheet::{self, COLUMNS, Parsed, RowError, SheetFormat};
use dulieu_inventory::{Demand, Effort, Item, ItemInput, ItemStatus, Priority, Sensitivity};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use uuid::Uuid;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn error(row: usize, column: &str, code: &str, value: Option<&str>) -> RowError {
    RowError {
        row,
        column: column.into(),
        code: code.into(),
        value: value.map(Into::into),
    }
}

fn code_of(result: dulieu_core::Result<Parsed>) -> &'static str {
    match result {
        Err(Error::BadRequest { code, .. }) => code,
        other => panic!("expected a whole-file error, got {other:?}"),
    }
}

// --- The messy workbook -------------------------------------------------------------------------

/// The Excel serial number of a day.
fn serial(date: NaiveDate) -> f64 {
    (date - day(1899, 12, 30)).num_days() as f64
}

/// An agency's inventory as people make them: two title rows, a two-row header with merged
/// cells (folded and unaccented headers, a parent over three columns), a numbering row,
/// organization and unit merged down over several rows, blank rows, dates as dates, text and
/// serial numbers, and footnotes. Rows 8, 12, 13 and 16 are bad.
fn messy_workbook() -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let plain = Format::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let sheet = book.add_worksheet();
    sheet.set_name("Biểu 01")?;
    // Rows 1–2: titles. Row 3: blank.
    sheet.merge_range(0, 0, 0, 12, "BIỂU MẪU KIỂM KÊ DỮ LIỆU", &plain)?;
    sheet.write(1, 0, "Đơn vị báo cáo: Bộ Tài chính — năm 2026")?;
    // Rows 4–5: the header.
    let tall = [
        (0, "STT"),
        (1, "Cơ quan"),
        (2, "Đơn vị chủ quản"),
        (3, "TEN DU LIEU (TIENG VIET)"),
        (4, "Mô tả"),
        (5, "Định dạng"),
        (6, "Mức độ nhạy cảm"),
        (7, "Căn cứ pháp lý *"),
        (11, "tần suất  cập nhật"),
        (12, "Ghi chú"),
    ];
    for (col, text) in tall {
        sheet.merge_range(3, col, 4, col, text, &plain)?;
    }
    sheet.merge_range(3, 8, 3, 10, "Thông tin công bố", &plain)?;
    sheet.write(4, 8, "Mức ưu tiên")?;
    sheet.write(4, 9, "Ngày dự kiến công bố")?;
    sheet.write(4, 10, "Trạng thái")?;
    // Row 6: column numbers.
    for col in 0..13u16 {
        sheet.write(5, col, format!("({})", col + 1))?;
    }
    // Rows 7–9: organization and unit merged down.
    sheet.merge_range(6, 1, 8, 1, "bo-tai-chinh", &plain)?;
    sheet.merge_range(6, 2, 8, 2, "Vụ Ngân sách nhà nước", &plain)?;
    data_row(
        sheet,
        6,
        &[
            (0, "1"),
            (3, "Dự toán ngân sách nhà nước"),
            (4, "Dự toán, quyết toán theo năm"),
            (5, "XLSX, PDF"),
            (6, "Công khai"),
            (8, "Có thể công bố nhanh"),
            (10, "Đã đánh giá"),
            (11, "Hằng năm"),
        ],
    )?;
    sheet.write_date_with_format(6, 9, &ExcelDateTime::from_ymd(2026, 6, 30)?, &date)?;
    data_row(
        sheet,
        7,
        &[
            (0, "2"),
            (3, "Nợ công"),
            (5, "PDF và DOCX"),
            (6, "Mật"),
            (8, "Ưu tiên"),
            (9, "31/12/2026"),
        ],
    )?;
    data_row(
        sheet,
        8,
        &[
            (0, "3"),
            (3, "Thu chi ngân sách địa phương"),
            (5, "CSV"),
            (8, "Quick win/ Priority"),
            (12, "Số liệu 2020–2025"),
        ],
    )?;
    sheet.write_number(8, 9, serial(day(2026, 9, 30)))?;
    // Rows 10–11: blank. Rows 12–15: the organization merged down, the unit over 14–15.
    sheet.merge_range(11, 1, 14, 1, "bo-tai-chinh", &plain)?;
    sheet.merge_range(13, 2, 14, 2, "Tổng cục Hải quan", &plain)?;
    data_row(
        sheet,
        11,
        &[
            (0, "4"),
            (2, "Cục Thuế"),
            (3, "Doanh nghiệp nợ thuế"),
            (8, "Ưu tiên dài hạn"),
            (9, "30/02/2027"),
        ],
    )?;
    data_row(
        sheet,
        12,
        &[(0, "5"), (3, "Số liệu hải quan"), (8, "Khẩn cấp")],
    )?;
    data_row(
        sheet,
        13,
        &[
            (0, "6"),
            (3, "Kim ngạch xuất nhập khẩu"),
            (6, "Dữ liệu cá nhân"),
            (8, "Giá trị thấp"),
            (10, "Đang chuẩn bị"),
        ],
    )?;
    data_row(
        sheet,
        14,
        &[
            (0, "7"),
            (3, "Biểu thuế xuất nhập khẩu"),
            (6, "Hạn chế"),
            (7, "Luật Hải quan 2014"),
            (8, "Dài hạn"),
            (11, "irreg"),
        ],
    )?;
    // Row 16: no priority. Row 17: blank. Rows 18–19: footnotes.
    data_row(
        sheet,
        15,
        &[(0, "8"), (3, "Tài sản công"), (6, "Công khai")],
    )?;
    sheet.merge_range(
        17,
        0,
        17,
        12,
        "Ghi chú: (*) bắt buộc với dữ liệu hạn chế và bí mật",
        &plain,
    )?;
    sheet.write(18, 1, "Nguồn: Vụ Tài chính – Kế hoạch")?;
    book.save_to_buffer()
}

fn data_row(sheet: &mut Worksheet, row: u32, cells: &[(u16, &str)]) -> Result<(), XlsxError> {
    for &(col, text) in cells {
        match text.parse::<f64>() {
            Ok(number) => sheet.write_number(row, col, number)?,
            Err(_) => sheet.write_string(row, col, text)?,
        };
    }
    Ok(())
}

fn fixture_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/kiem-ke-du-lieu-messy.xlsx")
}

/// What the messy workbook must yield.
fn assert_messy(parsed: &Parsed) {
    assert_eq!(
        parsed.errors,
        vec![
            error(8, "legal_basis", "legal_basis_required", None),
            error(12, "target_date", "invalid_date", Some("30/02/2027")),
            error(13, "priority", "invalid_value", Some("Khẩn cấp")),
            error(16, "priority", "required", None),
        ]
    );
    assert_eq!(parsed.ignored_columns, vec!["STT", "Ghi chú"]);
    let rows: Vec<usize> = parsed.rows.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![7, 9, 14, 15]);
    for row in &parsed.rows {
        assert_eq!(row.organization.as_deref(), Some("bo-tai-chinh"));
        assert_eq!(row.id, None);
    }

    let first = &parsed.rows[0].item;
    let mut expected = ItemInput::new(
        LangText {
            vi: Some("Dự toán ngân sách nhà nước".into()),
            en: None,
        },
        Priority::QuickWin,
    );
    expected.description.vi = Some("Dự toán, quyết toán theo năm".into());
    expected.owning_unit = Some("Vụ Ngân sách nhà nước".into());
    expected.formats = vec!["XLSX".into(), "PDF".into()];
    expected.frequency = Some("annual".into());
    expected.target_date = Some(day(2026, 6, 30));
    expected.status = ItemStatus::Assessed;
    assert_eq!(first, &expected);

    let merged_down = &parsed.rows[1].item;
    assert_eq!(
        merged_down.owning_unit.as_deref(),
        Some("Vụ Ngân sách nhà nước")
    );
    assert_eq!(merged_down.priority, Priority::QuickWin);
    assert_eq!(merged_down.target_date, Some(day(2026, 9, 30)));
    assert_eq!(merged_down.status, ItemStatus::Identified);
    assert_eq!(merged_down.sensitivity, Sensitivity::Public);

    let personal = &parsed.rows[2].item;
    assert_eq!(personal.owning_unit.as_deref(), Some("Tổng cục Hải quan"));
    assert_eq!(personal.sensitivity, Sensitivity::PersonalData);
    assert_eq!(personal.priority, Priority::LowValue);
    assert_eq!(personal.status, ItemStatus::InPreparation);

    let restricted = &parsed.rows[3].item;
    assert_eq!(restricted.owning_unit.as_deref(), Some("Tổng cục Hải quan"));
    assert_eq!(restricted.sensitivity, Sensitivity::Restricted);
    assert_eq!(
        restricted.legal_basis.as_deref(),
        Some("Luật Hải quan 2014")
    );
    assert_eq!(restricted.priority, Priority::LongerTerm);
    assert_eq!(restricted.frequency.as_deref(), Some("irreg"));
}

#[test]
fn a_messy_workbook_reports_each_bad_row_and_imports_the_rest() {
    let bytes = messy_workbook().unwrap();
    assert_eq!(sheet::detect(&bytes, None), Some(SheetFormat::Xlsx));
    assert_messy(&sheet::read(&bytes, SheetFormat::Xlsx).unwrap());
}

#[test]
fn the_committed_messy_fixture_reads_as_documented() {
    let bytes = std::fs::read(fixture_path()).unwrap();
    assert_messy(&sheet::read(&bytes, SheetFormat::Xlsx).unwrap());
}

/// Regenerates `testdata/kiem-ke-du-lieu-messy.xlsx`:
/// `cargo nextest run --workspace -E 'package(dulieu-inventory) & test(write_messy_fixture)' --run-ignored only`.
#[test]
#[ignore = "writes the committed fixture"]
fn write_messy_fixture() {
    std::fs::write(fixture_path(), messy_workbook().unwrap()).unwrap();
}

// --- Round trips --------------------------------------------------------------------------------

fn items() -> Vec<Item> {
    let efforts = [
        None,
        Some(Effort::Low),
        Some(Effort::Medium),
        Some(Effort::High),
    ];
    let created: DateTime<Utc> = "2026-01-05T08:00:00Z".parse().unwrap();
    ItemStatus::ALL
        .iter()
        .enumerate()
        .map(|(i, &status)| {
            let mut fields = ItemInput::new(
                LangText::new(
                    format!("Dữ liệu số {i}, \"bản chính\"; năm 2026"),
                    format!("Data set {i}"),
                ),
                Priority::ALL[i % Priority::ALL.len()],
            );
            fields.sensitivity = Sensitivity::ALL[i % Sensitivity::ALL.len()];
            fields.effort = efforts[i % efforts.len()];
            fields.status = status;
            if i % 2 == 0 {
                fields.description = LangText::new(
                    "Dòng một, có dấu phẩy\nDòng hai: \"trích dẫn\"; và chấm phẩy",
                    "=SUM(A1:A9) is not a formula",
                );
                fields.owning_unit = Some("Cục Thống kê".into());
                fields.system_of_record = Some("csdlqg-dan-cu".into());
                fields.formats = vec!["XLSX".into(), "PDF".into(), "ORACLE".into()];
                fields.volume = Some("-5 GB, 63 tỉnh × 10 năm".into());
                fields.frequency = Some("quarterly".into());
                fields.target_date = Some(day(2026, 12, 31));
                fields.responsible = Some("nguyen.van.a@mof.gov.vn".into());
            }
            if fields.sensitivity.needs_legal_basis() {
                fields.legal_basis = Some("Luật Bảo vệ bí mật nhà nước 2018, Điều 7".into());
            }
            if status == ItemStatus::Published {
                fields.dataset = Some("du-toan-ngan-sach".into());
            }
            if status == ItemStatus::WillNotPublish {
                fields.reason = Some("Chứa dữ liệu cá nhân, chưa ẩn danh được".into());
            }
            Item {
                id: Uuid::now_v7(),
                organization: "bo-tai-chinh".into(),
                organization_id: Uuid::nil(),
                fields: fields.normalized().unwrap(),
                dataset_id: None,
                published_on: (status == ItemStatus::Published).then(|| day(2026, 2, 1)),
                demand: Demand {
                    requests: i as i64,
                    votes: 3 * i as i64,
                },
                overdue: i == 1,
                created,
                modified: created,
            }
        })
        .collect()
}

fn assert_round_trip(items: &[Item], parsed: &Parsed) {
    assert_eq!(parsed.errors, vec![]);
    assert_eq!(parsed.ignored_columns, Vec::<String>::new());
    assert_eq!(parsed.rows.len(), items.len());
    for (item, row) in items.iter().zip(&parsed.rows) {
        assert_eq!(row.id, Some(item.id));
        assert_eq!(row.organization.as_deref(), Some("bo-tai-chinh"));
        assert_eq!(row.item, item.fields);
    }
}

#[test]
fn csv_export_reads_back_unchanged() {
    let items = items();
    let bytes = sheet::write_csv(&items);
    assert!(bytes.starts_with(b"\xEF\xBB\xBFid,organization,title_vi,"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.contains(",'=SUM(A1:A9) is not a formula,"), "{text}");
    assert!(text.contains(",\"XLSX, PDF, ORACLE\","));
    assert!(text.contains(",overdue\r\n"));
    assert_eq!(
        sheet::detect(&bytes, Some("kiem-ke.csv")),
        Some(SheetFormat::Csv)
    );
    let parsed = sheet::read(&bytes, SheetFormat::Csv).unwrap();
    assert_round_trip(&items, &parsed);
    // Row numbers are the lines records start on: descriptions hold one line break.
    let rows: Vec<usize> = parsed.rows.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![2, 4, 5, 7, 8, 10]);
}

#[test]
fn xlsx_export_reads_back_unchanged_in_both_languages() {
    let items = items();
    for lang in ["vi", "en"] {
        let bytes = sheet::write_xlsx(&items, lang).unwrap();
        let parsed = sheet::read(&bytes, SheetFormat::Xlsx).unwrap();
        assert_round_trip(&items, &parsed);
        let rows: Vec<usize> = parsed.rows.iter().map(|r| r.row).collect();
        assert_eq!(rows, (2..2 + items.len()).collect::<Vec<_>>());
    }
}

#[test]
fn xlsx_export_has_headers_in_the_language_and_real_dates() {
    use calamine::{Data, Reader, Xlsx};
    let items = items();
    let bytes = sheet::write_xlsx(&items, "en").unwrap();
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("Data inventory").unwrap();
    assert_eq!(
        range.get((0, 2)),
        Some(&Data::String("Title (Vietnamese)".into()))
    );
    let target = COLUMNS.iter().position(|c| c.key == "target_date").unwrap();
    assert!(matches!(range.get((1, target)), Some(Data::DateTime(_))));
    let priority = COLUMNS.iter().position(|c| c.key == "priority").unwrap();
    assert_eq!(
        range.get((1, priority)),
        Some(&Data::String("Quick win".into()))
    );
    let id = range.get((1, 0)).unwrap();
    assert_eq!(id, &Data::String(items[0].id.to_string()));
}

// --- CSV as people save it ----------------------------------------------------------------------

#[test]
fn semicolon_csv_with_bom_title_and_line_breaks() {
    let text = "\u{FEFF}Danh mục dữ liệu năm 2026\r\n\
                \r\n\
                Tên dữ liệu;Mức ưu tiên;Trạng thái;Ngày dự kiến công bố;Định dạng\r\n\
                \"Dân số; lao động\";Ưu tiên;Đã xác định;5/3/2026;\"CSV, XLSX\"\r\n\
                \"Hộ tịch\r\nnhiều dòng\";quick_win;;2026-12-31;PDF và DOCX\r\n\
                ;;;;\r\n\
                Đất đai;;;;\r\n\
                Ghi chú: số liệu tạm tính;;;;\r\n";
    let parsed = sheet::read(text.as_bytes(), SheetFormat::Csv).unwrap();
    assert_eq!(parsed.errors, vec![error(8, "priority", "required", None)]);
    let rows: Vec<usize> = parsed.rows.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![4, 5]);
    let first = &parsed.rows[0].item;
    assert_eq!(first.title.vi.as_deref(), Some("Dân số; lao động"));
    assert_eq!(first.priority, Priority::Priority);
    assert_eq!(first.target_date, Some(day(2026, 3, 5)));
    assert_eq!(first.formats, vec!["CSV", "XLSX"]);
    let second = &parsed.rows[1].item;
    assert_eq!(second.title.vi.as_deref(), Some("Hộ tịch\r\nnhiều dòng"));
    assert_eq!(second.formats, vec!["PDF", "DOCX"]);
}

#[test]
fn ids_cells_and_rules_are_checked_per_row() {
    let id = Uuid::now_v7();
    let long = "x".repeat(501);
    let text = format!(
        "id,title_en,priority,sensitivity,effort,status,frequency,Cột lạ\n\
         {id},One,low_value,,,,,a\n\
         {id},Two,low_value,,,,,\n\
         not-a-uuid,Three,priority,secret-ish,huge,,,\n\
         ,{long},priority,,,published,sometimes,\n\
         ,Five,priority longer term,STATE SECRET,medium,will not publish,,\n"
    );
    let parsed = sheet::read(text.as_bytes(), SheetFormat::Csv).unwrap();
    assert_eq!(parsed.ignored_columns, vec!["Cột lạ"]);
    let id_text = id.to_string();
    assert_eq!(
        parsed.errors,
        vec![
            error(3, "id", "duplicate_id", Some(&id_text)),
            error(4, "id", "invalid_id", Some("not-a-uuid")),
            error(4, "sensitivity", "invalid_value", Some("secret-ish")),
            error(4, "effort", "invalid_value", Some("huge")),
            error(5, "title_en", "too_long", Some(&long[..200])),
            error(5, "frequency", "invalid_frequency", Some("sometimes")),
            error(5, "dataset", "published_needs_dataset", None),
            error(6, "legal_basis", "legal_basis_required", None),
            error(6, "reason", "reason_required", None),
        ]
    );
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(parsed.rows[0].id, Some(id));
    assert_eq!(parsed.rows[0].item.title.en.as_deref(), Some("One"));
}

// --- The template -------------------------------------------------------------------------------

#[test]
fn the_template_reads_back_as_nothing() {
    for lang in ["vi", "en"] {
        let bytes = sheet::template_xlsx(lang).unwrap();
        let parsed = sheet::read(&bytes, SheetFormat::Xlsx).unwrap();
        assert_eq!(parsed, Parsed::default(), "{lang}");
    }
}

#[test]
fn the_template_lists_allowed_values_and_help() {
    use calamine::{Data, Reader, Xlsx};
    let bytes = sheet::template_xlsx("vi").unwrap();
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), vec!["Kiểm kê dữ liệu", "Giá trị"]);
    let main = book.worksheet_range("Kiểm kê dữ liệu").unwrap();
    let priority = COLUMNS.iter().position(|c| c.key == "priority").unwrap();
    assert_eq!(
        main.get((0, priority)),
        Some(&Data::String("Mức ưu tiên".into()))
    );
    assert_eq!(
        main.get((1, priority)),
        Some(&Data::String(COLUMNS[priority].help_vi.into()))
    );
    let values = book.worksheet_range("Giá trị").unwrap();
    let listed: Vec<String> = values.rows().map(|r| r[1].to_string()).collect();
    for wire in [
        "state_secret",
        "quick_win",
        "medium",
        "will_not_publish",
        "irreg",
    ] {
        assert!(listed.iter().any(|v| v == wire), "{wire}");
    }
}

// --- Whole-file errors and detection -------------------------------------------------------------

#[test]
fn files_without_a_header_or_readable_bytes_are_refused() {
    let no_header = "a,b,c\n1,2,3\nTên dữ liệu,x,y\n";
    assert_eq!(
        code_of(sheet::read(no_header.as_bytes(), SheetFormat::Csv)),
        "sheet_no_header"
    );
    assert_eq!(
        code_of(sheet::read(b"", SheetFormat::Csv)),
        "sheet_no_header"
    );
    let latin1 = b"title_vi,priority,status\n\xC9t\xE9,priority,\n";
    assert_eq!(
        code_of(sheet::read(latin1, SheetFormat::Csv)),
        "sheet_not_utf8"
    );
    let garbage = b"PK\x03\x04 this is not a zip archive";
    assert_eq!(
        code_of(sheet::read(garbage, SheetFormat::Xlsx)),
        "sheet_unreadable"
    );
    assert_eq!(
        code_of(sheet::read(b"plain text", SheetFormat::Xlsx)),
        "sheet_unreadable"
    );
    let mut blank = Workbook::new();
    blank.add_worksheet().write(0, 0, "Không có gì").unwrap();
    let blank = blank.save_to_buffer().unwrap();
    assert_eq!(
        code_of(sheet::read(&blank, SheetFormat::Xlsx)),
        "sheet_no_header"
    );
}

#[test]
fn more_than_the_most_rows_is_refused() {
    let mut text = String::from("title_vi,priority,status\n");
    for i in 0..=sheet::MAX_ROWS {
        text.push_str(&format!("Dữ liệu {i},priority,\n"));
    }
    assert_eq!(
        code_of(sheet::read(text.as_bytes(), SheetFormat::Csv)),
        "sheet_too_many_rows"
    );
}

#[test]
fn detection_uses_bytes_then_name_then_content() {
    assert_eq!(
        sheet::detect(b"PK\x03\x04rest", Some("a.csv")),
        Some(SheetFormat::Xlsx)
    );
    assert_eq!(sheet::detect(b"\xD0\xCF\x11\xE0rest", Some("a.xls")), None);
    let mut ods = b"PK\x03\x04".to_vec();
    ods.extend([0u8; 26]);
    ods.extend(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet");
    assert_eq!(sheet::detect(&ods, Some("a.ods")), None);
    assert_eq!(
        sheet::detect(b"\x00\x01\x02", Some("x.XLSX")),
        Some(SheetFormat::Xlsx)
    );
    assert_eq!(
        sheet::detect(b"\xff\xfe", Some("x.tsv")),
        Some(SheetFormat::Csv)
    );
    assert_eq!(
        sheet::detect("Tên,x".as_bytes(), None),
        Some(SheetFormat::Csv)
    );
    assert_eq!(sheet::detect(b"\x00\x01\xff", None), None);
    assert_eq!(sheet::detect(b"\x00\x01\xff", Some("notes.pdf")), None);
}

#[test]
fn a_parent_header_over_languages_names_both_titles() {
    let mut book = Workbook::new();
    let plain = Format::new();
    let sheet = book.add_worksheet();
    sheet
        .merge_range(0, 0, 0, 1, "Tên dữ liệu", &plain)
        .unwrap();
    sheet.write(1, 0, "Tiếng Việt").unwrap();
    sheet.write(1, 1, "Tiếng Anh").unwrap();
    sheet
        .merge_range(0, 2, 1, 2, "Mức ưu tiên", &plain)
        .unwrap();
    sheet.merge_range(0, 3, 1, 3, "Trạng thái", &plain).unwrap();
    data_row(
        sheet,
        2,
        &[(0, "Hộ tịch"), (1, "Civil status"), (2, "Ưu tiên")],
    )
    .unwrap();
    let parsed = sheet::read(&book.save_to_buffer().unwrap(), SheetFormat::Xlsx).unwrap();
    assert_eq!(parsed.errors, vec![]);
    assert_eq!(parsed.ignored_columns, Vec::<String>::new());
    let item = &parsed.rows[0].item;
    assert_eq!(parsed.rows[0].row, 3);
    assert_eq!(item.title, LangText::new("Hộ tịch", "Civil status"));
    assert_eq!(item.priority, Priority::Priority);
}
