//! The inventory spreadsheet: the documented columns, import from CSV or XLSX with an error per
//! bad row (row number, column, code), export to both, and the blank template.
//!
//! # Columns
//!
//! One row per inventory item. Headers may be the column key, the Vietnamese or the English
//! header below (compared without case, extra spaces or Vietnamese diacritics, so
//! `TEN DU LIEU (TIENG VIET)` is `title_vi`; a trailing `*` or `(*)` is ignored). Columns may come
//! in any order; unknown columns are ignored and listed in [`Parsed::ignored_columns`].
//!
//! | key | Vietnamese header | English header | values |
//! |---|---|---|---|
//! | `id` | Mã định danh | ID | UUID of an existing item (the row updates it); empty for a new item |
//! | `organization` | Cơ quan | Organization | the organization's slug; empty: the importing organization |
//! | `title_vi` | Tên dữ liệu (tiếng Việt) | Title (Vietnamese) | required unless `title_en` is given; ≤ 500 characters |
//! | `title_en` | Tên dữ liệu (tiếng Anh) | Title (English) | ≤ 500 characters |
//! | `description_vi` | Mô tả (tiếng Việt) | Description (Vietnamese) | ≤ 10,000 characters |
//! | `description_en` | Mô tả (tiếng Anh) | Description (English) | ≤ 10,000 characters |
//! | `owning_unit` | Đơn vị chủ quản | Owning unit | free text, ≤ 1,000 characters |
//! | `system_of_record` | Hệ thống nguồn | System of record | free text or a national database code (`csdlqg-dan-cu`, …) |
//! | `formats` | Định dạng | Formats | list separated by `,` `;` `/` `&` ` and ` ` và `: `XLSX, PDF, ORACLE` |
//! | `volume` | Dung lượng | Volume | free text |
//! | `frequency` | Tần suất cập nhật | Update frequency | EU frequency code (`annual`, `quarterly`, `monthly`, `irreg`…) or a common label (“Hằng năm”, “Quarterly”…) |
//! | `sensitivity` | Mức độ nhạy cảm | Sensitivity | `public` (Công khai), `restricted` (Hạn chế), `state_secret` (Bí mật nhà nước, Mật), `personal_data` (Dữ liệu cá nhân); empty: `public` |
//! | `legal_basis` | Căn cứ pháp lý | Legal basis | required for `restricted` and `state_secret` |
//! | `priority` | Mức ưu tiên | Priority | required: `quick_win` (Có thể công bố nhanh, Công bố nhanh), `priority` (Ưu tiên), `priority_longer_term` (Ưu tiên dài hạn), `longer_term` (Dài hạn), `low_value` (Giá trị thấp); several (“Quick win/ Priority”): the most urgent |
//! | `effort` | Công sức ước tính | Estimated effort | `low` (Thấp), `medium` (Trung bình), `high` (Cao) |
//! | `target_date` | Ngày dự kiến công bố | Target date | `2026-12-31`, `31/12/2026`, `31-12-2026`, `31.12.2026`, an Excel date or date serial number |
//! | `status` | Trạng thái | Status | `identified` (Đã xác định), `assessed` (Đã đánh giá), `approved_for_release` (Được phép công bố), `in_preparation` (Đang chuẩn bị), `published` (Đã công bố), `will_not_publish` (Không công bố); empty: `identified` |
//! | `dataset` | Bộ dữ liệu đã công bố | Published dataset | dataset slug; required for `published` |
//! | `reason` | Lý do không công bố | Reason not to publish | required for `will_not_publish` |
//! | `responsible` | Người phụ trách | Responsible | name or e-mail |
//!
//! Enumerated values are accepted as the wire name (any case, `-` or space for `_`) or as the
//! Vietnamese or English label. Short header synonyms: “Tên dữ liệu”, “Tên”, “Title” (title in
//! Vietnamese), “Mô tả”, “Description” (description in Vietnamese), “Tổ chức”, “Cơ quan”,
//! “Organization”.
//!
//! Exports add read-only columns after these ([`READ_ONLY_COLUMNS`]: `published_on`,
//! `demand_requests`, `demand_votes`, `overdue`); import recognises and ignores them.
//!
//! # Files
//!
//! * **CSV**: UTF-8 (with or without BOM) or UTF-16 with BOM; the delimiter (`,`, `;` or tab) is
//!   the one most frequent on a line of the first 30; quoted fields may hold newlines. Row
//!   numbers are the physical line where the record starts.
//! * **XLSX**: the first sheet with a recognisable header; row numbers are the sheet's rows.
//!   Merged cells take the value of their top-left cell; a header of two rows under merged
//!   cells reads as “Parent / Child” (the child alone and “Parent (Child)” are tried too).
//! * XLS, ODS and other formats are not read ([`detect`] returns `None`).
//!
//! The header is the first of the first 30 non-blank rows with at least 3 known headers; title
//! rows above it are skipped. After it are skipped: blank rows (no value in a known column), the
//! template's help row, a column-numbering row (“(1) (2) (3)…”) right under the header, and
//! trailing footnotes (a lone cell starting with “Ghi chú”, “Chú thích”, “Lưu ý”, “Nguồn”,
//! “Note”, “Source” or `*`).
//!
//! # Errors
//!
//! Whole-file errors are [`Error::BadRequest`](dulieu_core::Error::BadRequest) with the codes
//! `sheet_unreadable`, `sheet_not_utf8`, `sheet_no_header`, `sheet_too_many_rows` (more than
//! [`MAX_ROWS`] data rows) and `sheet_too_large` (a workbook unpacking to too much data).
//! Row errors ([`RowError`]) carry the column key and one of the codes `invalid_id`,
//! `duplicate_id`, `invalid_value`, `invalid_date`, `required` (title, priority) or a rule code
//! of [`ItemInput::normalized`]: `too_long`, `too_many`, `invalid_format`, `invalid_frequency`,
//! `legal_basis_required`, `published_needs_dataset`, `reason_required`,
//! `secret_not_publishable`.
//!
//! # Export
//!
//! CSV: header of column keys, UTF-8 with BOM, RFC 4180 quoting with CRLF, formats joined with
//! `, `, ISO dates, enumerations as wire names; a text starting with `=`, `+`, `-`, `@` or a
//! control character is written after a `'` (so spreadsheet programs do not run it as a
//! formula) and that `'` is removed again on import. XLSX: headers in the chosen language,
//! enumerations as labels in that language, dates as Excel dates.

mod columns;
mod grid;
mod layout;
mod row;
mod write;

use dulieu_core::{Error, Result};
use serde::Serialize;
use uuid::Uuid;

use crate::model::{Item, ItemInput};

pub use columns::{COLUMNS, READ_ONLY_COLUMNS};

/// One column of the inventory spreadsheet.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Stable key, used as the CSV header and in errors (`title_vi`, `target_date`…).
    pub key: &'static str,
    /// Header in Vietnamese.
    pub vi: &'static str,
    /// Header in English.
    pub en: &'static str,
    /// What to write, in Vietnamese.
    pub help_vi: &'static str,
    /// What to write, in English.
    pub help_en: &'static str,
}

impl Column {
    /// The header in `lang` (`en`, else Vietnamese).
    pub fn header(&self, lang: &str) -> &'static str {
        if lang == "en" { self.en } else { self.vi }
    }

    /// The help text in `lang` (`en`, else Vietnamese).
    pub fn help(&self, lang: &str) -> &'static str {
        if lang == "en" {
            self.help_en
        } else {
            self.help_vi
        }
    }
}

/// Most data rows read from one file.
pub const MAX_ROWS: usize = 50_000;
/// The header must be among this many non-blank rows at the top.
pub const HEADER_SCAN_ROWS: usize = 30;
/// Known headers a row needs to be taken as the header.
pub const MIN_HEADER_MATCHES: usize = 3;

/// The file kinds read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    /// Comma-separated (UTF-8, BOM optional).
    Csv,
    /// Office Open XML workbook.
    Xlsx,
}

/// One good row read from a spreadsheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    /// Its row number as a person sees it (1-based line in CSV, row in the sheet).
    pub row: usize,
    /// The item's id when the row has one (the row updates that item).
    pub id: Option<Uuid>,
    /// The organization slug when the row names one (the cell's text, trimmed).
    pub organization: Option<String>,
    /// The item, normalised and checked.
    pub item: ItemInput,
}

/// A problem with one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    /// The row number as a person sees it.
    pub row: usize,
    /// The column key.
    pub column: String,
    /// Stable error code.
    pub code: String,
    /// The cell's text, when there was one (cut to 200 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// What a spreadsheet yielded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// The good rows.
    pub rows: Vec<SheetRow>,
    /// One entry per problem (a bad row may have several), by row, then in column order.
    pub errors: Vec<RowError>,
    /// Headers not recognised (ignored).
    pub ignored_columns: Vec<String>,
}

/// The whole-file error `code` with what went wrong.
fn refuse(code: &'static str, detail: impl Into<String>) -> Error {
    Error::BadRequest {
        code,
        detail: detail.into(),
    }
}

/// Detects the file kind from its first bytes (a zip is XLSX), else from the file name, else
/// from the content (text is CSV). XLS (OLE2) and ODS files are not supported: `None`.
pub fn detect(bytes: &[u8], file_name: Option<&str>) -> Option<SheetFormat> {
    const OLE2: &[u8] = b"\xD0\xCF\x11\xE0";
    const ODS_MIMETYPE: &[u8] = b"mimetypeapplication/vnd.oasis";
    if bytes.starts_with(b"PK\x03\x04") {
        let ods = bytes
            .get(30..)
            .is_some_and(|rest| rest.starts_with(ODS_MIMETYPE));
        return (!ods).then_some(SheetFormat::Xlsx);
    }
    if bytes.starts_with(OLE2) {
        return None;
    }
    let extension = file_name
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("xlsx") => Some(SheetFormat::Xlsx),
        Some("csv" | "txt" | "tsv") => Some(SheetFormat::Csv),
        _ => grid::is_text(bytes).then_some(SheetFormat::Csv),
    }
}

/// Reads an inventory spreadsheet: the good rows, an error per problem in the bad ones.
pub fn read(bytes: &[u8], format: SheetFormat) -> Result<Parsed> {
    match format {
        SheetFormat::Csv => {
            let table = grid::csv_table(bytes)?;
            let header = layout::find_header(&table).ok_or_else(no_header)?;
            row::parse(&table, &header)
        }
        SheetFormat::Xlsx => {
            let mut book = grid::Book::open(bytes)?;
            for name in book.sheet_names() {
                let table = book.table(&name)?;
                if let Some(header) = layout::find_header(&table) {
                    return row::parse(&table, &header);
                }
            }
            Err(no_header())
        }
    }
}

fn no_header() -> Error {
    refuse(
        "sheet_no_header",
        format!(
            "no row has at least {MIN_HEADER_MATCHES} known column headers in the first \
             {HEADER_SCAN_ROWS} rows"
        ),
    )
}

/// Writes items as CSV (UTF-8 with BOM, so Excel opens it right).
pub fn write_csv(items: &[Item]) -> Vec<u8> {
    write::csv(items)
}

/// Writes items as XLSX with headers and labels in `lang` (`vi` or `en`).
pub fn write_xlsx(items: &[Item], lang: &str) -> Result<Vec<u8>> {
    write::xlsx(items, lang)
}

/// The blank template: headers in `lang`, a help row, and a second sheet listing allowed values.
pub fn template_xlsx(lang: &str) -> Result<Vec<u8>> {
    write::template(lang)
}
