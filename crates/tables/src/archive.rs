//! Guards run before a spreadsheet library opens a file, so that a hostile file cannot take
//! unbounded memory or time:
//! - zip archives (XLSX, XLSB, ODS): the declared unpacked sizes and ratios are checked, then
//!   every entry is inflated once into nothing with a byte budget (a bomb that lies about its
//!   sizes stops at the budget);
//! - ODS: `content.xml` is scanned for the used area of each sheet, counting repeated rows and
//!   columns (a tiny file can declare a million repeated rows);
//! - XLS: the workbook stream's cell records are scanned for each sheet's used area (the XLS
//!   reader builds every sheet's full grid when it opens the file, and two cells far apart make
//!   a grid of 16 million cells).

use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::Path;

use quick_xml::Reader as XmlReader;
use quick_xml::events::{BytesStart, Event};

use crate::detect::SourceFormat;
use crate::error::{ErrorCode, IngestError, Location, Result};
use crate::options::Limits;

/// Entries larger than this are checked for their compression ratio.
const RATIO_CHECK_BYTES: u64 = 1 << 20;
/// Most entries in a workbook archive.
const MAX_ENTRIES: usize = 10_000;

fn corrupt(err: impl ToString) -> IngestError {
    IngestError::new(ErrorCode::CorruptArchive).with("detail", err.to_string())
}

fn bomb(entry: &str) -> IngestError {
    IngestError::new(ErrorCode::ZipBomb).with("entry", entry)
}

/// Checks a zip archive and tells which workbook format it holds.
pub(crate) fn check_zip(file: File, limits: &Limits) -> Result<SourceFormat> {
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(corrupt)?;
    if archive.len() > MAX_ENTRIES {
        return Err(bomb("*")
            .with("entries", archive.len())
            .with("max_entries", MAX_ENTRIES));
    }
    let mut declared: u64 = 0;
    let mut names = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(corrupt)?;
        let name = entry.name().map_err(corrupt)?.into_owned();
        let (size, packed) = (entry.size(), entry.compressed_size());
        declared = declared.saturating_add(size);
        if declared > limits.max_unpacked_bytes {
            return Err(bomb(&name)
                .with("unpacked_bytes", declared)
                .with("max_bytes", limits.max_unpacked_bytes));
        }
        if size > RATIO_CHECK_BYTES && size / packed.max(1) > limits.max_compression_ratio {
            return Err(bomb(&name)
                .with("ratio", size / packed.max(1))
                .with("max_ratio", limits.max_compression_ratio));
        }
        names.push(name);
    }
    let format = workbook_kind(&mut archive, &names)?;
    inflate_all(&mut archive, limits)?;
    Ok(format)
}

fn workbook_kind<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    names: &[String],
) -> Result<SourceFormat> {
    let has = |name: &str| names.iter().any(|n| n == name);
    if has("xl/workbook.xml") {
        return Ok(SourceFormat::Xlsx);
    }
    if has("xl/workbook.bin") {
        return Ok(SourceFormat::Xlsb);
    }
    if has("mimetype") {
        let mut mimetype = String::new();
        archive
            .by_name("mimetype")
            .map_err(corrupt)?
            .take(200)
            .read_to_string(&mut mimetype)
            .map_err(corrupt)?;
        if mimetype.trim() == "application/vnd.oasis.opendocument.spreadsheet" {
            return Ok(SourceFormat::Ods);
        }
        let kind = match mimetype.trim().rsplit('.').next() {
            Some("text") => "odt",
            Some("presentation") => "odp",
            Some("graphics") => "odg",
            _ => "zip",
        };
        return Err(IngestError::new(ErrorCode::UnsupportedFormat).with("format", kind));
    }
    let format = if has("word/document.xml") {
        "docx"
    } else if has("ppt/presentation.xml") {
        "pptx"
    } else {
        "zip"
    };
    Err(IngestError::new(ErrorCode::UnsupportedFormat).with("format", format))
}

/// Inflates every entry into nothing, stopping when the bytes go past the budget.
fn inflate_all<R: Read + Seek>(archive: &mut zip::ZipArchive<R>, limits: &Limits) -> Result<()> {
    let mut budget = limits.max_unpacked_bytes;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(corrupt)?;
        let name = entry.name().map_err(corrupt)?.into_owned();
        let packed = entry.compressed_size().max(1);
        let inflated = io::copy(&mut (&mut entry).take(budget + 1), &mut io::sink())
            .map_err(|e| corrupt(e).with("entry", &name))?;
        if inflated > budget {
            return Err(bomb(&name).with("max_bytes", limits.max_unpacked_bytes));
        }
        if inflated > RATIO_CHECK_BYTES && inflated / packed > limits.max_compression_ratio {
            return Err(bomb(&name)
                .with("ratio", inflated / packed)
                .with("max_ratio", limits.max_compression_ratio));
        }
        budget -= inflated;
    }
    Ok(())
}

fn attr_u64(start: &BytesStart<'_>, name: &str) -> u64 {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.value.trim().parse().ok())
        .unwrap_or(1)
}

fn attr_string(start: &BytesStart<'_>, name: &str) -> Option<String> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.into_owned())
}

fn has_attr(start: &BytesStart<'_>, name: &str) -> bool {
    start.attributes().flatten().any(|a| a.key.as_ref() == name)
}

/// Scans an ODS file's `content.xml`: each sheet's used area (rows × columns, repeats counted)
/// must stay within the cell limit.
pub(crate) fn check_ods(file: File, limits: &Limits) -> Result<()> {
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(corrupt)?;
    let content = archive.by_name("content.xml").map_err(corrupt)?;
    let mut xml = XmlReader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut sheet = String::new();
    let (mut row, mut col) = (0u64, 0u64);
    let (mut rows_used, mut cols_used) = (0u64, 0u64);
    let mut row_repeat = 1u64;
    let mut row_has_value = false;
    loop {
        let event = xml.read_event_into(&mut buf).map_err(corrupt)?;
        match &event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "table" => {
                    sheet = attr_string(e, "table:name").unwrap_or_default();
                    (row, rows_used, cols_used) = (0, 0, 0);
                }
                "table-row" if matches!(event, Event::Empty(_)) => {
                    row = row.saturating_add(attr_u64(e, "table:number-rows-repeated"));
                }
                "table-row" => {
                    row_repeat = attr_u64(e, "table:number-rows-repeated");
                    col = 0;
                    row_has_value = false;
                }
                "table-cell" | "covered-table-cell" => {
                    let repeat = attr_u64(e, "table:number-columns-repeated");
                    let has_value =
                        matches!(event, Event::Start(_)) || has_attr(e, "office:value-type");
                    col = col.saturating_add(repeat);
                    if has_value {
                        cols_used = cols_used.max(col);
                        row_has_value = true;
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "table-row" => {
                row = row.saturating_add(row_repeat);
                if row_has_value {
                    rows_used = row;
                }
                if rows_used.saturating_mul(cols_used) > limits.max_sheet_cells {
                    return Err(IngestError::new(ErrorCode::SheetTooLarge)
                        .at(Location::sheet(&sheet))
                        .with("rows", rows_used)
                        .with("columns", cols_used)
                        .with("max_cells", limits.max_sheet_cells));
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// BIFF8 record types that hold cells (as the XLS reader stores them).
const XLS_CELL_RECORDS: [u16; 8] = [
    0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x00BD, 0x0006,
];

/// Scans an XLS file's workbook stream: each sheet's used area, and all sheets together (the
/// reader holds them all at once), must stay within the cell limit.
pub(crate) fn check_xls(path: &Path, limits: &Limits) -> Result<()> {
    let corrupt = |err: io::Error| {
        IngestError::new(ErrorCode::CorruptSpreadsheet).with("detail", err.to_string())
    };
    let mut compound = cfb::open(path).map_err(corrupt)?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|name| compound.is_stream(name));
    let Some(name) = name else {
        // Not a workbook: the reader reports it.
        return Ok(());
    };
    let mut stream = BufReader::new(compound.open_stream(name).map_err(corrupt)?);
    let mut names: Vec<String> = Vec::new();
    let mut sheet = 0usize;
    let mut area: Option<(u32, u32, u32, u32)> = None;
    let mut in_sheet = false;
    let mut total: u64 = 0;
    let mut header = [0u8; 4];
    let mut data = Vec::new();
    loop {
        if stream.read_exact(&mut header).is_err() {
            return Ok(());
        }
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        data.resize(len, 0);
        if stream.read_exact(&mut data).is_err() {
            return Ok(());
        }
        match kind {
            0x0085 if data.len() > 8 => names.push(sheet_name(&data[6..])),
            0x0809 => {
                let worksheet = data.get(2..4) == Some(&[0x10, 0x00][..]);
                in_sheet = worksheet;
                area = None;
            }
            0x000A if in_sheet => {
                let cells = area.map_or(0, |(top, bottom, left, right)| {
                    u64::from(bottom - top + 1) * u64::from(right - left + 1)
                });
                total = total.saturating_add(cells);
                if cells > limits.max_sheet_cells || total > limits.max_sheet_cells {
                    let sheet_name = names
                        .get(sheet)
                        .cloned()
                        .unwrap_or_else(|| format!("{}", sheet + 1));
                    let (rows, columns) =
                        area.map_or((0, 0), |(t, b, l, r)| (b - t + 1, r - l + 1));
                    return Err(IngestError::new(ErrorCode::SheetTooLarge)
                        .at(Location::sheet(&sheet_name))
                        .with("rows", rows)
                        .with("columns", columns)
                        .with("max_cells", limits.max_sheet_cells));
                }
                sheet += 1;
                in_sheet = false;
            }
            kind if in_sheet && XLS_CELL_RECORDS.contains(&kind) && data.len() >= 4 => {
                let row = u32::from(u16::from_le_bytes([data[0], data[1]]));
                let first = u32::from(u16::from_le_bytes([data[2], data[3]]));
                let last = if kind == 0x00BD && data.len() >= 6 {
                    u32::from(u16::from_le_bytes([data[len - 2], data[len - 1]]))
                } else {
                    first
                };
                area = Some(match area {
                    None => (row, row, first, last.max(first)),
                    Some((t, b, l, r)) => (t.min(row), b.max(row), l.min(first), r.max(last)),
                });
            }
            _ => {}
        }
    }
}

/// A sheet name from a BOUNDSHEET record's string (8-bit or UTF-16).
fn sheet_name(data: &[u8]) -> String {
    let chars = usize::from(data[0]);
    let wide = data.get(1).is_some_and(|flags| flags & 1 == 1);
    let body = &data[2.min(data.len())..];
    if wide {
        let units: Vec<u16> = body
            .chunks_exact(2)
            .take(chars)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        body.iter().take(chars).map(|&b| char::from(b)).collect()
    }
}
