//! Export to CSV and XLSX, and the blank XLSX template.

use chrono::{Datelike, NaiveDate};
use dulieu_core::{Error, Result};
use rust_xlsxwriter::{
    ColNum, Color, DataValidation, DataValidationErrorStyle, ExcelDateTime, Format, RowNum,
    Workbook, Worksheet, XlsxError,
};

use super::Column;
use super::columns::{COLUMNS, FREQUENCY_LABELS, READ_ONLY_COLUMNS, Vocabulary, position};
use super::grid::{UTF8_BOM, guard};
use crate::model::{Effort, Item, ItemStatus, Priority, Sensitivity};

/// Rows of the template that get drop-down lists.
const TEMPLATE_ROWS: RowNum = 5_000;

/// One exported cell.
enum Out {
    Empty,
    Text(String),
    Date(NaiveDate),
    Number(i64),
    Bool(bool),
}

/// Every exported column: the writable ones, then the read-only ones.
fn exported() -> impl Iterator<Item = &'static Column> {
    COLUMNS.iter().chain(READ_ONLY_COLUMNS)
}

/// The cells of `item`, enumerations as wire names (`lang` `None`) or labels in `lang`.
fn cells(item: &Item, lang: Option<&str>) -> Vec<Out> {
    exported()
        .map(|column| cell(item, column.key, lang))
        .collect()
}

fn cell(item: &Item, key: &str, lang: Option<&str>) -> Out {
    let fields = &item.fields;
    let text = |text: &Option<String>| text.clone().map_or(Out::Empty, Out::Text);
    let date = |date: Option<NaiveDate>| date.map_or(Out::Empty, Out::Date);
    match key {
        "id" => Out::Text(item.id.to_string()),
        "organization" => Out::Text(item.organization.clone()),
        "title_vi" => text(&fields.title.vi),
        "title_en" => text(&fields.title.en),
        "description_vi" => text(&fields.description.vi),
        "description_en" => text(&fields.description.en),
        "owning_unit" => text(&fields.owning_unit),
        "system_of_record" => text(&fields.system_of_record),
        "formats" if fields.formats.is_empty() => Out::Empty,
        "formats" => Out::Text(fields.formats.join(", ")),
        "volume" => text(&fields.volume),
        "frequency" => text(&fields.frequency),
        "sensitivity" => word(fields.sensitivity, lang),
        "legal_basis" => text(&fields.legal_basis),
        "priority" => word(fields.priority, lang),
        "effort" => fields.effort.map_or(Out::Empty, |e| word(e, lang)),
        "target_date" => date(fields.target_date),
        "status" => word(fields.status, lang),
        "dataset" => text(&fields.dataset),
        "reason" => text(&fields.reason),
        "responsible" => text(&fields.responsible),
        "published_on" => date(item.published_on),
        "demand_requests" => Out::Number(item.demand.requests),
        "demand_votes" => Out::Number(item.demand.votes),
        "overdue" => Out::Bool(item.overdue),
        _ => Out::Empty,
    }
}

/// An enumerated value: its wire name, or its label in `lang`.
fn word<T: Vocabulary>(value: T, lang: Option<&str>) -> Out {
    let text = match lang {
        Some(lang) => value.choice().label(lang),
        None => value.wire(),
    };
    Out::Text(text.to_string())
}

// --- CSV ----------------------------------------------------------------------------------------

/// Items as CSV: UTF-8 with BOM, a header of column keys, RFC 4180 quoting and line ends.
pub(super) fn csv(items: &[Item]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(UTF8_BOM.to_vec());
    let written = "writing to memory cannot fail";
    writer
        .write_record(exported().map(|c| c.key))
        .expect(written);
    for item in items {
        let record = cells(item, None);
        writer
            .write_record(record.iter().map(csv_text))
            .expect(written);
    }
    writer.into_inner().expect(written)
}

fn csv_text(out: &Out) -> String {
    match out {
        Out::Empty => String::new(),
        Out::Text(text) => guard(text).into_owned(),
        Out::Date(date) => date.format("%Y-%m-%d").to_string(),
        Out::Number(number) => number.to_string(),
        Out::Bool(flag) => flag.to_string(),
    }
}

// --- XLSX ---------------------------------------------------------------------------------------

fn failed(err: XlsxError) -> Error {
    Error::internal(format!("writing the spreadsheet: {err}"))
}

/// The cell formats used.
struct Formats {
    header: Format,
    help: Format,
    date: Format,
}

impl Formats {
    fn new() -> Self {
        Self {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0x00DD_EBF7)),
            help: Format::new()
                .set_italic()
                .set_text_wrap()
                .set_font_color(Color::RGB(0x0059_5959)),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

fn sheet_names(lang: &str) -> (&'static str, &'static str) {
    if lang == "en" {
        ("Data inventory", "Values")
    } else {
        ("Kiểm kê dữ liệu", "Giá trị")
    }
}

/// The width of a column, in characters.
fn width(key: &str) -> f64 {
    match key {
        "id" => 38.0,
        "title_vi" | "title_en" => 40.0,
        "description_vi" | "description_en" => 50.0,
        "system_of_record" | "legal_basis" | "reason" => 30.0,
        _ => 18.0,
    }
}

/// Writes the header row in `lang` and sets the column widths.
fn header<'c>(
    sheet: &mut Worksheet,
    columns: impl Iterator<Item = &'c Column>,
    lang: &str,
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (c, column) in columns.enumerate() {
        let c = c as ColNum;
        sheet.write_string_with_format(0, c, column.header(lang), &formats.header)?;
        sheet.set_column_width(c, width(column.key))?;
    }
    Ok(())
}

/// Items as XLSX: headers and labels in `lang`, dates as dates, the header frozen.
pub(super) fn xlsx(items: &[Item], lang: &str) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let formats = Formats::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_names(lang).0).map_err(failed)?;
    header(sheet, exported(), lang, &formats).map_err(failed)?;
    for (r, item) in items.iter().enumerate() {
        let row = RowNum::try_from(r + 1).map_err(Error::internal)?;
        for (c, out) in cells(item, Some(lang)).iter().enumerate() {
            write_cell(sheet, row, c as ColNum, out, &formats).map_err(failed)?;
        }
    }
    let last = exported().count() as ColNum - 1;
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    sheet
        .autofilter(0, 0, items.len() as RowNum, last)
        .map_err(failed)?;
    book.save_to_buffer().map_err(failed)
}

fn write_cell(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    out: &Out,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match out {
        Out::Empty => {}
        Out::Text(text) => {
            sheet.write_string(row, col, text)?;
        }
        Out::Date(date) => match excel_date(*date) {
            Some(day) => {
                sheet.write_date_with_format(row, col, &day, &formats.date)?;
            }
            None => {
                sheet.write_string(row, col, date.format("%Y-%m-%d").to_string())?;
            }
        },
        Out::Number(number) => {
            sheet.write_number(row, col, *number as f64)?;
        }
        Out::Bool(flag) => {
            sheet.write_boolean(row, col, *flag)?;
        }
    }
    Ok(())
}

/// The day as an Excel date (Excel knows 1900 to 9999).
fn excel_date(date: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(date.year()).ok()?;
    ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).ok()
}

// --- Template -----------------------------------------------------------------------------------

/// The blank template: headers in `lang`, the help row, drop-down lists on the enumerated
/// columns, and a second sheet of the allowed values.
pub(super) fn template(lang: &str) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let formats = Formats::new();
    let (main, values) = sheet_names(lang);
    let sheet = book.add_worksheet();
    sheet.set_name(main).map_err(failed)?;
    header(sheet, COLUMNS.iter(), lang, &formats).map_err(failed)?;
    for (c, column) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(1, c as ColNum, column.help(lang), &formats.help)
            .map_err(failed)?;
    }
    sheet.set_row_height(1, 105).map_err(failed)?;
    sheet.set_freeze_panes(2, 0).map_err(failed)?;
    drop_down::<Sensitivity>(sheet, lang).map_err(failed)?;
    drop_down::<Priority>(sheet, lang).map_err(failed)?;
    drop_down::<Effort>(sheet, lang).map_err(failed)?;
    drop_down::<ItemStatus>(sheet, lang).map_err(failed)?;
    let sheet = book.add_worksheet();
    sheet.set_name(values).map_err(failed)?;
    values_sheet(sheet, lang, &formats).map_err(failed)?;
    book.save_to_buffer().map_err(failed)
}

/// A list of the labels in `lang` on the column of `T` (other values only warn: wire names
/// are accepted too).
fn drop_down<T: Vocabulary>(sheet: &mut Worksheet, lang: &str) -> Result<(), XlsxError> {
    let labels: Vec<&str> = T::CHOICES.iter().map(|c| c.label(lang)).collect();
    let validation = DataValidation::new()
        .allow_list_strings(&labels)?
        .set_error_style(DataValidationErrorStyle::Warning);
    let col = position(T::KEY) as ColNum;
    sheet.add_data_validation(2, col, TEMPLATE_ROWS, col, &validation)?;
    Ok(())
}

/// The allowed values: column, wire name, Vietnamese and English label.
fn values_sheet(sheet: &mut Worksheet, lang: &str, formats: &Formats) -> Result<(), XlsxError> {
    let titles = if lang == "en" {
        ["Column", "Value", "Vietnamese", "English"]
    } else {
        ["Cột", "Giá trị", "Tiếng Việt", "Tiếng Anh"]
    };
    let mut rows: Vec<[&str; 4]> = Vec::new();
    value_rows::<Sensitivity>(lang, &mut rows);
    value_rows::<Priority>(lang, &mut rows);
    value_rows::<Effort>(lang, &mut rows);
    value_rows::<ItemStatus>(lang, &mut rows);
    let frequency = COLUMNS[position("frequency")].header(lang);
    rows.extend(
        FREQUENCY_LABELS
            .iter()
            .map(|&(code, vi, en, _)| [frequency, code, vi, en]),
    );
    for (c, title) in titles.iter().enumerate() {
        sheet.write_string_with_format(0, c as ColNum, *title, &formats.header)?;
        sheet.set_column_width(c as ColNum, 28)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            sheet.write_string(r as RowNum + 1, c as ColNum, *text)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn value_rows<T: Vocabulary>(lang: &str, rows: &mut Vec<[&'static str; 4]>) {
    let column = COLUMNS[position(T::KEY)].header(lang);
    rows.extend(
        T::CHOICES
            .iter()
            .map(|choice| [column, choice.value.wire(), choice.vi, choice.en]),
    );
}
