//! The bad-input corpus: every file ends with a clear error (a stable code, and where), within
//! bounded memory, and leaves nothing in the output folder. Small files are in testdata/bad/
//! (written by testdata/make_fixtures.py); large ones are generated here.

use crate::common;

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use dulieu_tables::{ErrorCode, IngestError, IngestOptions, Limits};

fn ingest_error(path: &Path, options: &IngestOptions) -> IngestError {
    let (out, result) = common::ingest_path(path, options);
    let err = match result {
        Ok(report) => panic!("{} was ingested: {report:?}", path.display()),
        Err(err) => err,
    };
    let left: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
    err
}

fn bad(name: &str) -> IngestError {
    ingest_error(
        &common::fixture(&format!("bad/{name}")),
        &IngestOptions::default(),
    )
}

fn assert_unsupported(name: &str, format: &str) {
    let err = bad(name);
    assert_eq!(err.code, ErrorCode::UnsupportedFormat, "{name}: {err}");
    assert_eq!(err.params["format"], format, "{name}");
}

#[test]
fn empty_file() {
    assert_eq!(bad("empty.csv").code, ErrorCode::EmptyFile);
}

#[test]
fn byte_order_mark_and_blank_lines_only() {
    assert_eq!(bad("bom_only.csv").code, ErrorCode::EmptyFile);
}

#[test]
fn binary_file_named_csv() {
    let err = bad("binary_named.csv");
    assert_eq!(err.code, ErrorCode::BinaryFile);
    assert!(err.location.offset.is_some());
}

#[test]
fn control_characters_named_csv() {
    assert_eq!(bad("control_characters.csv").code, ErrorCode::BinaryFile);
}

#[test]
fn png_named_csv() {
    assert_unsupported("png_named.csv", "png");
}

#[test]
fn pdf_named_xlsx() {
    assert_unsupported("pdf_named.xlsx", "pdf");
}

#[test]
fn html_named_xls() {
    assert_unsupported("html_named.xls", "html");
}

#[test]
fn xml_named_xlsx() {
    assert_unsupported("xml_named.xlsx", "xml");
}

#[test]
fn gzip_named_csv() {
    assert_unsupported("gzip_named.csv", "gzip");
}

#[test]
fn rar_named_xlsx() {
    assert_unsupported("rar_named.xlsx", "rar");
}

#[test]
fn executable_named_csv() {
    assert_unsupported("elf_named.csv", "executable");
}

#[test]
fn parquet_named_csv() {
    assert_unsupported("parquet_named.csv", "parquet");
}

#[test]
fn plain_zip_named_xlsx() {
    assert_unsupported("plain_zip.xlsx", "zip");
}

#[test]
fn word_document_named_xlsx() {
    assert_unsupported("docx_named.xlsx", "docx");
}

#[test]
fn text_document_named_ods() {
    assert_unsupported("odt_named.ods", "odt");
}

#[test]
fn corrupt_zip() {
    assert_eq!(bad("corrupt_zip.xlsx").code, ErrorCode::CorruptArchive);
}

#[test]
fn truncated_xlsx() {
    assert_eq!(bad("truncated.xlsx").code, ErrorCode::CorruptArchive);
}

#[test]
fn truncated_xls() {
    assert_eq!(bad("truncated.xls").code, ErrorCode::CorruptSpreadsheet);
}

#[test]
fn ole_file_without_a_workbook() {
    assert_eq!(bad("ole_garbage.xls").code, ErrorCode::CorruptSpreadsheet);
}

#[test]
fn unterminated_quote() {
    let err = bad("unterminated_quote.csv");
    assert_eq!(err.code, ErrorCode::UnterminatedQuote);
    assert_eq!(err.location.line, Some(2));
}

#[test]
fn malformed_json() {
    let err = bad("malformed.json");
    assert_eq!(err.code, ErrorCode::MalformedJson);
    assert_eq!(err.location.line, Some(1));
}

#[test]
fn json_with_trailing_garbage() {
    assert_eq!(
        bad("json_trailing_garbage.json").code,
        ErrorCode::MalformedJson
    );
}

#[test]
fn json_array_of_numbers() {
    let err = bad("json_numbers.json");
    assert_eq!(err.code, ErrorCode::UnsupportedJsonShape);
    assert_eq!(err.location.row, Some(1));
}

#[test]
fn empty_json_array() {
    assert_eq!(bad("json_empty_array.json").code, ErrorCode::NoTable);
}

#[test]
fn feature_collection_without_a_feature_array() {
    assert_eq!(
        bad("json_string.json").code,
        ErrorCode::UnsupportedJsonShape
    );
}

#[test]
fn single_geojson_feature() {
    let err = bad("geojson_single_feature.geojson");
    assert_eq!(err.code, ErrorCode::UnsupportedJsonShape);
    assert_eq!(err.params["type"], "Feature");
}

#[test]
fn ods_with_a_million_repeated_rows() {
    let err = bad("ods_repeat_bomb.ods");
    assert_eq!(err.code, ErrorCode::SheetTooLarge);
    assert_eq!(err.location.sheet.as_deref(), Some("Bom"));
}

#[test]
fn workbook_whose_sheets_are_all_empty() {
    assert_eq!(bad("ods_empty_sheets.ods").code, ErrorCode::NoTable);
}

// Generated inputs.

/// A minimal XLSX holding sheets of the given XML.
fn xlsx(sheets: &[(&str, String)]) -> Vec<u8> {
    xlsx_with(sheets, zip::CompressionMethod::Deflated)
}

fn xlsx_with(sheets: &[(&str, String)], method: zip::CompressionMethod) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .large_file(true);
    let mut add = |name: &str, body: &str| {
        zip.start_file(name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    };
    let overrides: String = (1..=sheets.len())
        .map(|i| format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#))
        .collect();
    add(
        "[Content_Types].xml",
        &format!(
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>"#
        ),
    );
    add(
        "_rels/.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    let sheet_list: String = sheets
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            format!(
                r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#,
                i + 1,
                i + 1
            )
        })
        .collect();
    add(
        "xl/workbook.xml",
        &format!(
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheet_list}</sheets></workbook>"#
        ),
    );
    let rels: String = (1..=sheets.len())
        .map(|i| format!(r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#))
        .collect();
    add(
        "xl/_rels/workbook.xml.rels",
        &format!(
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
        ),
    );
    for (i, (_, body)) in sheets.iter().enumerate() {
        add(&format!("xl/worksheets/sheet{}.xml", i + 1), body);
    }
    zip.finish().unwrap().into_inner()
}

fn sheet_xml(rows: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
    )
}

fn write_temp(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// A sheet XML of `bytes` bytes: one cell, then padding that compresses extremely well.
fn padded_sheet(bytes: usize) -> String {
    let mut body = sheet_xml(r#"<row r="1"><c r="A1"><v>1</v></c></row>"#);
    body.insert_str(body.len() - "</worksheet>".len(), &" ".repeat(bytes));
    body
}

#[test]
fn generated_xlsx_that_is_a_valid_workbook_is_read() {
    // The generator itself makes readable workbooks: the bombs below fail for their size only.
    let sheet = sheet_xml(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Năm</t></is></c></row><row r="2"><c r="A2"><v>2024</v></c></row>"#,
    );
    let (_dir, path) = write_temp("ok.xlsx", &xlsx(&[("Một", sheet)]));
    let (_out, result) = common::ingest_path(&path, &IngestOptions::default());
    let report = result.unwrap();
    assert_eq!(report.tables[0].row_count, 1);
    assert_eq!(report.tables[0].schema.fields[0].name, "Năm");
}

#[test]
fn zip_bomb_by_compression_ratio() {
    let (_dir, path) = write_temp("bomb.xlsx", &xlsx(&[("Bom", padded_sheet(64 << 20))]));
    let err = ingest_error(&path, &IngestOptions::default());
    assert_eq!(err.code, ErrorCode::ZipBomb);
    assert_eq!(err.params["entry"], "xl/worksheets/sheet1.xml");
    assert!(err.params.contains_key("ratio"));
}

#[test]
fn zip_bomb_by_declared_size() {
    let (_dir, path) = write_temp(
        "big.xlsx",
        &xlsx_with(
            &[("Bom", padded_sheet(20 << 20))],
            zip::CompressionMethod::Stored,
        ),
    );
    let options = IngestOptions {
        limits: Limits {
            max_unpacked_bytes: 16 << 20,
            ..Limits::default()
        },
        ..IngestOptions::default()
    };
    let err = ingest_error(&path, &options);
    assert_eq!(err.code, ErrorCode::ZipBomb);
    assert_eq!(err.params["max_bytes"], (16u64 << 20).to_string());
}

#[test]
fn zip_bomb_that_lies_about_its_sizes() {
    let mut bytes = xlsx(&[("Bom", padded_sheet(48 << 20))]);
    // Declare 1,000 bytes unpacked in the local and central headers of the sheet entry.
    let name = b"xl/worksheets/sheet1.xml";
    let mut at = 0;
    while let Some(pos) = bytes[at..].windows(name.len()).position(|w| w == name) {
        let start = at + pos;
        for (signature, size_offset, name_offset) in
            [(0x04034b50u32, 22, 30), (0x02014b50u32, 24, 46)]
        {
            if start >= name_offset {
                let header = start - name_offset;
                if bytes[header..header + 4] == signature.to_le_bytes() {
                    bytes[header + size_offset..header + size_offset + 4]
                        .copy_from_slice(&1000u32.to_le_bytes());
                }
            }
        }
        at = start + name.len();
    }
    let (_dir, path) = write_temp("liar.xlsx", &bytes);
    let options = IngestOptions {
        limits: Limits {
            max_unpacked_bytes: 8 << 20,
            max_compression_ratio: 1_000_000,
            ..Limits::default()
        },
        ..IngestOptions::default()
    };
    let err = ingest_error(&path, &options);
    assert!(
        matches!(err.code, ErrorCode::ZipBomb | ErrorCode::CorruptArchive),
        "{err}"
    );
}

#[test]
fn xlsx_with_cells_far_apart() {
    let sheet = sheet_xml(
        r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>"#,
    );
    let (_dir, path) = write_temp("far.xlsx", &xlsx(&[("Xa", sheet)]));
    let err = ingest_error(&path, &IngestOptions::default());
    assert_eq!(err.code, ErrorCode::SheetTooLarge);
    assert_eq!(err.location.sheet.as_deref(), Some("Xa"));
    assert_eq!(err.params["rows"], "1048576");
    assert_eq!(err.params["columns"], "16384");
}

#[test]
fn xlsx_with_more_cells_than_the_limit() {
    let rows: String = (1..=200)
        .map(|r| {
            format!(
                r#"<row r="{r}">{}</row>"#,
                (0..10)
                    .map(|c| format!(r#"<c r="{}{r}"><v>{c}</v></c>"#, (b'A' + c) as char))
                    .collect::<String>()
            )
        })
        .collect();
    let (_dir, path) = write_temp("many.xlsx", &xlsx(&[("Nhiều", sheet_xml(&rows))]));
    let options = IngestOptions {
        limits: Limits {
            max_sheet_cells: 1_000,
            ..Limits::default()
        },
        ..IngestOptions::default()
    };
    let err = ingest_error(&path, &options);
    assert_eq!(err.code, ErrorCode::SheetTooLarge);
}

#[test]
fn workbook_with_too_many_sheets() {
    let sheets: Vec<(String, String)> = (1..=5)
        .map(|i| {
            (
                format!("S{i}"),
                sheet_xml(r#"<row r="1"><c r="A1"><v>1</v></c></row>"#),
            )
        })
        .collect();
    let refs: Vec<(&str, String)> = sheets
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    let (_dir, path) = write_temp("sheets.xlsx", &xlsx(&refs));
    let options = IngestOptions {
        limits: Limits {
            max_sheets: 3,
            ..Limits::default()
        },
        ..IngestOptions::default()
    };
    let err = ingest_error(&path, &options);
    assert_eq!(err.code, ErrorCode::TooManySheets);
    assert_eq!(err.params["sheets"], "5");
}

/// Peak resident memory of this test process, in bytes (Linux).
fn peak_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

#[test]
fn one_gigabyte_single_line_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one_line.csv");
    {
        let mut file = std::fs::File::create(&path).unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..1024 {
            file.write_all(&chunk).unwrap();
        }
        file.seek(SeekFrom::End(0)).unwrap();
    }
    let before = peak_memory();
    let err = ingest_error(&path, &IngestOptions::default());
    assert_eq!(err.code, ErrorCode::RecordTooLarge);
    assert_eq!(err.location.line, Some(1));
    assert_eq!(
        err.params["max_bytes"],
        Limits::default().max_record_bytes.to_string()
    );
    let grown = peak_memory().saturating_sub(before);
    assert!(grown < 128 << 20, "memory grew by {grown} bytes");
}

#[test]
fn quoted_field_larger_than_the_record_limit() {
    let mut text = b"ma,ghi_chu\n01,ok\n02,\"".to_vec();
    text.extend(std::iter::repeat_n(b'y', 10 << 20));
    text.extend_from_slice(b"\"\n03,ok\n");
    let (_dir, path) = write_temp("long_field.csv", &text);
    let err = ingest_error(&path, &IngestOptions::default());
    assert_eq!(err.code, ErrorCode::RecordTooLarge);
    assert_eq!(err.location.line, Some(3));
}

#[test]
fn five_thousand_columns_csv() {
    let header: Vec<String> = (1..=5000).map(|i| format!("c{i}")).collect();
    let row: Vec<String> = (1..=5000).map(|i| i.to_string()).collect();
    let text = format!("{}\n{}\n", header.join(","), row.join(","));
    let (_dir, path) = write_temp("wide.csv", text.as_bytes());
    let err = ingest_error(&path, &IngestOptions::default());
    assert_eq!(err.code, ErrorCode::TooManyColumns);
    assert_eq!(err.location.line, Some(1));
    assert_eq!(err.params["max"], Limits::default().max_columns.to_string());
}

#[test]
fn five_thousand_keys_json() {
    let object: serde_json::Map<String, serde_json::Value> =
        (1..=5000).map(|i| (format!("k{i}"), i.into())).collect();
    let text = serde_json::to_vec(&vec![serde_json::Value::Object(object)]).unwrap();
    let (_dir, path) = write_temp("wide.json", &text);
    let err = ingest_error(&path, &IngestOptions::default());
    assert_eq!(err.code, ErrorCode::TooManyColumns);
    assert_eq!(err.location.row, Some(1));
}

#[test]
fn json_element_larger_than_the_record_limit() {
    let big = "z".repeat(10 << 20);
    let text = format!(r#"[{{"a": "small"}}, {{"a": "{big}"}}]"#);
    let (_dir, path) = write_temp("big_element.json", text.as_bytes());
    let err = ingest_error(&path, &IngestOptions::default());
    assert_eq!(err.code, ErrorCode::RecordTooLarge);
    assert_eq!(err.location.row, Some(2));
}

#[test]
fn xls_with_cells_far_apart() {
    let err = bad("xls_far_apart_cells.xls");
    assert_eq!(err.code, ErrorCode::SheetTooLarge);
    assert_eq!(err.location.sheet.as_deref(), Some("Xa 2"));
    assert_eq!(err.params["rows"], "65536");
    assert_eq!(err.params["columns"], "256");
}

#[test]
fn invalid_utf8_after_the_detection_sample_is_replaced_and_reported() {
    let mut text = b"ma,ten\n".to_vec();
    let mut line = 1;
    while text.len() < 1_200_000 {
        line += 1;
        text.extend_from_slice(format!("{line},ten {line}\n").as_bytes());
    }
    text.extend_from_slice(b"999999,t\xffn\n");
    let (_dir, path) = write_temp("late_invalid.csv", &text);
    let (_out, result) = common::ingest_path(&path, &IngestOptions::default());
    let report = result.unwrap();
    let table = &report.tables[0];
    assert_eq!(table.row_count, line as u64);
    let warning = table
        .warnings
        .of(dulieu_tables::WarningCode::InvalidEncoding)
        .next()
        .expect("reported");
    assert_eq!(warning.location.line, Some(line as u64 + 1));
    assert_eq!(
        common::column_values(table, "ten").last().unwrap(),
        "t\u{FFFD}n"
    );
}
