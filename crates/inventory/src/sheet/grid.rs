//! Files as grids of cells: CSV (decoding, delimiter sniffing) and XLSX (calamine, merged
//! regions filled, with limits on what a hostile workbook can make us unpack or hold).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Cursor, Read};

use calamine::{DataRef, Dimensions, Reader, Xlsx, XlsxError};
use chrono::NaiveDate;
use dulieu_core::{Error, Result};

use super::{HEADER_SCAN_ROWS, MAX_ROWS, refuse};

/// Cells read per row (columns further right are ignored).
const MAX_COLUMNS: usize = 100;
/// Rows with values kept from one sheet: the data rows plus room for titles, headers and notes.
const MAX_TABLE_ROWS: usize = MAX_ROWS + 1_000;
/// Cells with values (or filled from merged regions) kept from one sheet.
const MAX_CELLS: usize = 4_000_000;
/// Bytes a workbook may unpack to.
const MAX_UNPACKED_BYTES: u64 = 200 << 20;
/// Entries a workbook archive may have.
const MAX_ZIP_ENTRIES: usize = 10_000;
/// The byte order mark of UTF-8.
pub(super) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// One cell's value.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) enum Value {
    /// Nothing, or only whitespace.
    #[default]
    Empty,
    /// Text.
    Text(String),
    /// A number (spreadsheets only).
    Number(f64),
    /// A date (spreadsheets only).
    Date(NaiveDate),
}

/// An empty cell, for cells a row or file does not have.
pub(super) static EMPTY: Value = Value::Empty;

impl Value {
    fn from_text(text: &str) -> Self {
        if text.trim().is_empty() {
            Value::Empty
        } else {
            Value::Text(text.to_string())
        }
    }

    /// True for an empty cell.
    pub fn is_empty(&self) -> bool {
        *self == Value::Empty
    }

    /// The value as text: numbers without a trailing `.0`, dates as `YYYY-MM-DD`.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Value::Empty => Cow::Borrowed(""),
            Value::Text(text) => Cow::Borrowed(text),
            Value::Number(number) => Cow::Owned(number.to_string()),
            Value::Date(date) => Cow::Owned(date.format("%Y-%m-%d").to_string()),
        }
    }
}

/// A row with at least one value.
#[derive(Debug)]
pub(super) struct Row {
    /// Its number as a person sees it (CSV line, sheet row).
    pub number: usize,
    /// Its cells, merged regions filled.
    pub cells: Vec<Value>,
    /// The positions of the cells the file itself gives a value (before merged regions are
    /// filled).
    pub own: Vec<usize>,
}

impl Row {
    /// The cell at `position` (empty past the end).
    pub fn cell(&self, position: usize) -> &Value {
        self.cells.get(position).unwrap_or(&EMPTY)
    }
}

/// A merged region, in row numbers and cell positions (inclusive).
#[derive(Debug, Clone, Copy)]
pub(super) struct Region {
    pub top: usize,
    pub bottom: usize,
    pub left: usize,
    pub right: usize,
}

/// The rows of one sheet or file that have values, in order, and its merged regions.
#[derive(Debug, Default)]
pub(super) struct Table {
    pub rows: Vec<Row>,
    pub merges: Vec<Region>,
    cells: usize,
}

impl Table {
    /// Adds a row (rows without values are dropped: they are blank).
    fn push(&mut self, number: usize, cells: Vec<Value>) -> Result<()> {
        let own: Vec<usize> = (0..cells.len()).filter(|&c| !cells[c].is_empty()).collect();
        if own.is_empty() {
            return Ok(());
        }
        if self.rows.len() >= MAX_TABLE_ROWS {
            return Err(too_many_rows());
        }
        self.count_cells(own.len())?;
        self.rows.push(Row { number, cells, own });
        Ok(())
    }

    fn count_cells(&mut self, cells: usize) -> Result<()> {
        self.cells = self.cells.saturating_add(cells);
        if self.cells > MAX_CELLS {
            return Err(too_large(format!("more than {MAX_CELLS} cells")));
        }
        Ok(())
    }

    /// Copies each merged region's top-left value into all its cells (of rows with values).
    fn fill(&mut self, merges: &[Dimensions]) -> Result<()> {
        for merge in merges {
            let region = Region {
                top: merge.start.0 as usize + 1,
                bottom: merge.end.0 as usize + 1,
                left: merge.start.1 as usize,
                right: (merge.end.1 as usize).min(MAX_COLUMNS - 1),
            };
            if region.left > region.right || region.top > region.bottom {
                continue;
            }
            self.merges.push(region);
            let start = self.rows.partition_point(|r| r.number < region.top);
            let Some(value) = self
                .rows
                .get(start)
                .filter(|r| r.number == region.top)
                .map(|r| r.cell(region.left).clone())
                .filter(|v| !v.is_empty())
            else {
                continue;
            };
            let end = self.rows.partition_point(|r| r.number <= region.bottom);
            self.count_cells((end - start) * (region.right - region.left + 1))?;
            for row in &mut self.rows[start..end] {
                if row.cells.len() <= region.right {
                    row.cells.resize(region.right + 1, Value::Empty);
                }
                row.cells[region.left..=region.right].fill(value.clone());
            }
        }
        Ok(())
    }
}

fn too_many_rows() -> Error {
    refuse(
        "sheet_too_many_rows",
        format!("the file has more than {MAX_ROWS} data rows"),
    )
}

fn too_large(detail: String) -> Error {
    refuse("sheet_too_large", detail)
}

/// Fails when a read found more than [`MAX_ROWS`] data rows.
pub(super) fn check_row_count(rows: usize) -> Result<()> {
    if rows > MAX_ROWS {
        return Err(too_many_rows());
    }
    Ok(())
}

// --- Formula guard ------------------------------------------------------------------------------

/// First characters that make a spreadsheet program take a CSV cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn looks_like_formula(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A text for a CSV cell: a `'` before one that would run as a formula.
pub(super) fn guard(text: &str) -> Cow<'_, str> {
    if looks_like_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The inverse of [`guard`].
fn unguard(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => text,
    }
}

// --- CSV ----------------------------------------------------------------------------------------

/// True for text: UTF-16 with a BOM, or valid UTF-8 without NUL bytes.
pub(super) fn is_text(bytes: &[u8]) -> bool {
    let utf16 = encoding_rs::Encoding::for_bom(bytes).is_some_and(|(e, _)| e != encoding_rs::UTF_8);
    utf16 || (std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0))
}

/// The text of a CSV file: UTF-8 (BOM optional) or UTF-16 with a BOM.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>> {
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes)
        && encoding != encoding_rs::UTF_8
    {
        return Ok(encoding.decode_with_bom_removal(bytes).0);
    }
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    std::str::from_utf8(body).map(Cow::Borrowed).map_err(|e| {
        let line = body[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        refuse(
            "sheet_not_utf8",
            format!("line {line} is not UTF-8 text: save the file as “CSV UTF-8”"),
        )
    })
}

/// The delimiter: of `,`, `;` and tab, the one most frequent on a line among the first lines
/// (the header line has the most); `,` on a tie.
fn sniff(text: &str) -> u8 {
    let lines: Vec<&str> = text.lines().take(HEADER_SCAN_ROWS).collect();
    let most_on_a_line = |delimiter: u8| {
        lines
            .iter()
            .map(|line| line.bytes().filter(|&b| b == delimiter).count())
            .max()
            .unwrap_or(0)
    };
    let mut best = b',';
    for candidate in [b';', b'\t'] {
        if most_on_a_line(candidate) > most_on_a_line(best) {
            best = candidate;
        }
    }
    best
}

/// Reads a CSV file; row numbers are the lines where records start.
pub(super) fn csv_table(bytes: &[u8]) -> Result<Table> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff(&text))
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    let mut record = csv::StringRecord::new();
    let mut lines = Lines::new(text.as_bytes());
    while reader
        .read_record(&mut record)
        .map_err(|e| refuse("sheet_unreadable", format!("not a CSV file: {e}")))?
    {
        let line = lines.at(record.position().map_or(0, |p| p.byte() as usize));
        let cells = record.iter().take(MAX_COLUMNS);
        table.push(line, cells.map(|c| Value::from_text(unguard(c))).collect())?;
    }
    Ok(table)
}

/// Line numbers of byte offsets, counted forward.
struct Lines<'t> {
    text: &'t [u8],
    offset: usize,
    line: usize,
}

impl<'t> Lines<'t> {
    fn new(text: &'t [u8]) -> Self {
        Self {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `offset` that is not a line break (records
    /// start there: the reader skips empty lines), for offsets in increasing order.
    fn at(&mut self, offset: usize) -> usize {
        let rest = self.text.get(offset..).unwrap_or_default();
        let start = offset
            + rest
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        let end = start.min(self.text.len()).max(self.offset);
        let passed = &self.text[self.offset..end];
        self.line += passed.iter().filter(|&&b| b == b'\n').count();
        self.offset = end;
        self.line
    }
}

// --- XLSX ---------------------------------------------------------------------------------------

fn unreadable(err: impl std::fmt::Display) -> Error {
    refuse(
        "sheet_unreadable",
        format!("not a readable XLSX workbook: {err}"),
    )
}

/// An XLSX workbook in memory.
pub(super) struct Book<'a> {
    xlsx: Xlsx<Cursor<&'a [u8]>>,
}

impl<'a> Book<'a> {
    /// Checks the archive's size, then opens it.
    pub fn open(bytes: &'a [u8]) -> Result<Self> {
        check_zip(bytes)?;
        let xlsx = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
        Ok(Self { xlsx })
    }

    /// The sheet names, in workbook order.
    pub fn sheet_names(&self) -> Vec<String> {
        self.xlsx.sheet_names()
    }

    /// The sheet `name` as a table, its merged regions filled (chart sheets are empty).
    pub fn table(&mut self, name: &str) -> Result<Table> {
        let mut table = Table::default();
        for (row, cells) in self.cells(name)? {
            table.push(row as usize + 1, cells)?;
        }
        if !table.rows.is_empty() {
            let merges = self
                .xlsx
                .merge_cells_by_sheet_name(name)
                .map_err(unreadable)?;
            table.fill(&merges)?;
        }
        Ok(table)
    }

    /// The cells with values of sheet `name`, by row index.
    fn cells(&mut self, name: &str) -> Result<BTreeMap<u32, Vec<Value>>> {
        let mut rows: BTreeMap<u32, Vec<Value>> = BTreeMap::new();
        let mut reader = match self.xlsx.worksheet_cells_reader(name) {
            Ok(reader) => reader,
            Err(XlsxError::NotAWorksheet(_)) => return Ok(rows),
            Err(err) => return Err(unreadable(err)),
        };
        let mut count = 0usize;
        while let Some(cell) = reader.next_cell().map_err(unreadable)? {
            let (row, column) = cell.get_position();
            let (column, value) = (column as usize, value_of(cell.get_value()));
            if value.is_empty() || column >= MAX_COLUMNS {
                continue;
            }
            count += 1;
            if count > MAX_CELLS {
                return Err(too_large(format!("more than {MAX_CELLS} cells")));
            }
            let cells = rows.entry(row).or_default();
            if cells.len() <= column {
                cells.resize(column + 1, Value::Empty);
            }
            cells[column] = value;
            if rows.len() > MAX_TABLE_ROWS {
                return Err(too_many_rows());
            }
        }
        Ok(rows)
    }
}

/// A calamine cell as a value: dates as dates (ISO text too), numbers as numbers.
fn value_of(data: &DataRef<'_>) -> Value {
    match data {
        DataRef::Int(number) => Value::Number(*number as f64),
        DataRef::Float(number) => Value::Number(*number),
        DataRef::String(text) | DataRef::DurationIso(text) => Value::from_text(text),
        DataRef::SharedString(text) => Value::from_text(text),
        DataRef::DateTimeIso(text) => text
            .get(..10)
            .and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
            .map_or_else(|| Value::from_text(text), Value::Date),
        DataRef::DateTime(when) => when
            .as_datetime()
            .map_or(Value::Number(when.as_f64()), |d| Value::Date(d.date())),
        DataRef::Bool(true) => Value::Text("TRUE".into()),
        DataRef::Bool(false) => Value::Text("FALSE".into()),
        DataRef::Error(error) => Value::Text(error.to_string()),
        DataRef::Empty => Value::Empty,
    }
}

/// Refuses archives with too many entries or unpacking to too many bytes (each entry is
/// inflated once into nothing, so sizes that lie are caught too).
fn check_zip(bytes: &[u8]) -> Result<()> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(too_large(format!(
            "the workbook has more than {MAX_ZIP_ENTRIES} parts"
        )));
    }
    let mut budget = MAX_UNPACKED_BYTES;
    for index in 0..archive.len() {
        let entry = archive.by_index(index).map_err(unreadable)?;
        let unpacked =
            io::copy(&mut entry.take(budget + 1), &mut io::sink()).map_err(unreadable)?;
        budget = budget.checked_sub(unpacked).ok_or_else(|| {
            too_large(format!(
                "the workbook unpacks to more than {} MiB",
                MAX_UNPACKED_BYTES >> 20
            ))
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_text_lose_their_trailing_zero() {
        assert_eq!(Value::Number(2024.0).text(), "2024");
        assert_eq!(Value::Number(1.5).text(), "1.5");
    }

    #[test]
    fn delimiter_is_the_most_frequent_on_a_line() {
        assert_eq!(sniff("Tiêu đề, năm 2026\na;b;c;d\n"), b';');
        assert_eq!(sniff("a\tb\tc\n"), b'\t');
        assert_eq!(sniff("a,b;c\n"), b',');
        assert_eq!(sniff(""), b',');
    }

    #[test]
    fn formula_guard_round_trips() {
        for text in ["=SUM(A1)", "-5", "'=x", "''@y", "plain", "'quoted"] {
            assert_eq!(unguard(&guard(text)), text);
        }
        assert_eq!(guard("=1+1"), "'=1+1");
        assert_eq!(guard("'quoted"), "'quoted");
    }

    #[test]
    fn bad_bytes_name_their_line() {
        let err = decode(b"a,b\nc,\xff\n").unwrap_err();
        match err {
            Error::BadRequest { code, detail } => {
                assert_eq!(code, "sheet_not_utf8");
                assert!(detail.contains("line 2"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Tên;x".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16).unwrap(), "Tên;x");
    }

    #[test]
    fn merged_regions_fill_rows_with_values() {
        let mut table = Table::default();
        let text = |t: &str| Value::Text(t.into());
        table.push(3, vec![text("Bộ A"), text("x")]).unwrap();
        table.push(4, vec![Value::Empty, text("y")]).unwrap();
        table.push(6, vec![Value::Empty, text("z")]).unwrap();
        let merge = Dimensions {
            start: (2, 0),
            end: (4, 0),
        };
        table.fill(&[merge]).unwrap();
        let firsts: Vec<Value> = table.rows.iter().map(|r| r.cell(0).clone()).collect();
        assert_eq!(firsts, vec![text("Bộ A"), text("Bộ A"), Value::Empty]);
        assert_eq!(table.rows[1].own, vec![1]);
    }
}
