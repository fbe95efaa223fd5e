//! A delimited text file as a table: encoding and dialect from a sample, the header found in the
//! first rows, ragged rows reported (short rows padded with nulls, long rows given new
//! columns), and note rows at the end kept apart from the data.

use std::borrow::Cow;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::convert::{Cell, recycle};
use crate::delimited::{Dialect, Record, RecordReader};
use crate::encoding::{ByteCounter, CountingReader, DecodeReader, Detected};
use crate::error::{Location, Result, Warning, WarningCode};
use crate::layout::{self, GridCell};
use crate::options::Limits;
use crate::parse;
use crate::source::{Pass, RowPos, TableFacts, TableSource, Visit};

/// Rows read before deciding where the header is.
const HEADER_SAMPLE_ROWS: usize = 200;
/// Most trailing note-like rows held back as possible footnotes.
const MAX_NOTE_ROWS: usize = 50;

/// A delimited text file.
pub(crate) struct TextSource {
    path: PathBuf,
    detected: Detected,
    dialect: Dialect,
    limits: Limits,
    facts: TableFacts,
    counter: ByteCounter,
    /// Index of the first data record.
    data_start: u64,
    /// Index of the first footnote record (data stops there).
    data_end: u64,
}

/// A record held in memory (header sample, pending notes).
struct HeldRow {
    index: u64,
    line: u64,
    cells: Vec<GridCell>,
}

impl TextSource {
    pub fn new(path: &Path, detected: Detected, dialect: Dialect, limits: &Limits) -> Self {
        Self {
            path: path.to_owned(),
            detected,
            dialect,
            limits: limits.clone(),
            facts: TableFacts {
                name: "data".into(),
                ..TableFacts::default()
            },
            counter: ByteCounter::default(),
            data_start: 0,
            data_end: u64::MAX,
        }
    }

    fn open(&mut self) -> Result<RecordReader<DecodeReader<CountingReader<BufReader<File>>>>> {
        let file = BufReader::with_capacity(256 * 1024, File::open(&self.path)?);
        let counting = CountingReader::new(file, &self.counter);
        Ok(RecordReader::new(
            DecodeReader::new(counting, self.detected),
            self.dialect,
            self.limits.max_record_bytes,
            self.limits.max_columns,
        ))
    }

    fn scan_infer(&mut self, visit: &mut Visit<'_>) -> Result<()> {
        let mut reader = self.open()?;
        // The first rows, to find the header.
        let mut sample: Vec<HeldRow> = Vec::new();
        let mut invalid_lines = Vec::new();
        while sample.len() < HEADER_SAMPLE_ROWS {
            let Some(record) = reader.next_record()? else {
                break;
            };
            let index = record.index;
            let cells = record
                .fields()
                .map(|f| {
                    let text = String::from_utf8_lossy(f);
                    if matches!(text, Cow::Owned(_)) {
                        invalid_lines.push(record.line);
                    }
                    text_cell(text.into_owned())
                })
                .collect();
            sample.push(HeldRow {
                index,
                line: record.line,
                cells,
            });
        }
        let grid: Vec<Vec<GridCell>> = sample.iter().map(|r| r.cells.clone()).collect();
        let lines: Vec<u64> = sample.iter().map(|r| r.line).collect();
        let location = |r: usize| Location::line(lines[r]);
        let mut header = layout::find_header(&grid, &|_, _| false, &location);
        let width = layout::usual_width(&grid, &header);
        if width != header.columns.len() {
            header = layout::find_header_with_width(&grid, &|_, _| false, &location, width);
        }
        self.facts.columns = header.columns;
        self.facts.title = header.title;
        self.facts.comma_hint = self.dialect.delimiter == b';';
        for warning in header.warnings {
            self.facts.warnings.push(warning);
        }
        if !header.title_rows.is_empty() {
            let rows: Vec<String> = header
                .title_rows
                .iter()
                .map(|&r| lines[r].to_string())
                .collect();
            self.facts.warnings.push(
                Warning::new(
                    WarningCode::TitleRowsSkipped,
                    Location::line(lines[header.title_rows[0]]),
                )
                .with("lines", rows.join(",")),
            );
        }
        if header.header_rows.is_empty() && !sample.is_empty() {
            self.facts
                .warnings
                .push(Warning::new(WarningCode::NoHeader, Location::line(1)));
        }
        if let Some(r) = header.numbering_row {
            self.facts.warnings.push(Warning::new(
                WarningCode::NumberingRowSkipped,
                Location::line(lines[r]),
            ));
        }
        self.data_start = sample
            .get(header.data_start)
            .map_or_else(|| sample.last().map_or(0, |r| r.index + 1), |r| r.index);
        let width = self.facts.columns.len();
        for line in invalid_lines {
            if lines
                .iter()
                .position(|&l| l == line)
                .is_some_and(|r| r >= header.data_start)
            {
                self.push_invalid(line);
            }
        }

        let mut pending: Vec<HeldRow> = Vec::new();
        // The sample's data rows, held in memory.
        for row in sample.into_iter().skip(header.data_start) {
            if row.cells.iter().all(is_blank) {
                continue;
            }
            if layout::is_note_like(&row.cells, width) && pending.len() < MAX_NOTE_ROWS {
                pending.push(row);
                continue;
            }
            for held in pending.drain(..) {
                emit_held(&mut self.facts, &held, width, visit)?;
            }
            emit_held(&mut self.facts, &row, width, visit)?;
        }
        // The rest, streamed; only rows that may be footnotes are copied.
        let mut spare = Vec::new();
        while let Some(record) = reader.next_record()? {
            text_cells(&record, &mut spare, |cells, replaced| {
                if replaced {
                    self.push_invalid(record.line);
                }
                let mut values = cells
                    .iter()
                    .map(|c| parse::trim(cell_text(c)))
                    .filter(|t| !t.is_empty());
                let Some(first) = values.next() else {
                    return Ok(());
                };
                let single = values.all(|t| t == first);
                if width >= 2
                    && single
                    && !layout::is_datum_text(first)
                    && pending.len() < MAX_NOTE_ROWS
                {
                    pending.push(HeldRow {
                        index: record.index,
                        line: record.line,
                        cells: cells
                            .iter()
                            .map(|c| text_cell(cell_text(c).to_owned()))
                            .collect(),
                    });
                    return Ok(());
                }
                for held in pending.drain(..) {
                    emit_held(&mut self.facts, &held, width, visit)?;
                }
                emit(&mut self.facts, record.line, cells, width, visit)
            })?;
        }
        if let Some(first) = pending.first() {
            self.data_end = first.index;
            self.facts.notes = pending
                .iter()
                .filter_map(|r| r.cells.iter().find(|c| !is_blank(c)))
                .map(GridCell::header_text)
                .collect();
            self.facts.warnings.push(
                Warning::new(WarningCode::FootnotesDetected, Location::line(first.line))
                    .with("rows", pending.len()),
            );
        }
        if reader.input().replaced {
            self.facts.warnings.push(
                Warning::new(WarningCode::InvalidEncoding, Location::default())
                    .with("encoding", self.detected.encoding.name()),
            );
        }
        Ok(())
    }

    fn push_invalid(&mut self, line: u64) {
        self.facts.warnings.push(
            Warning::new(WarningCode::InvalidEncoding, Location::line(line))
                .with("encoding", self.detected.encoding.name()),
        );
    }

    fn scan_write(&mut self, visit: &mut Visit<'_>) -> Result<()> {
        let (start, end) = (self.data_start, self.data_end);
        let mut reader = self.open()?;
        let facts = &self.facts;
        let mut spare = Vec::new();
        while let Some(record) = reader.next_record()? {
            if record.index < start {
                continue;
            }
            if record.index >= end {
                break;
            }
            text_cells(&record, &mut spare, |cells, _| {
                if cells.iter().all(|c| parse::trim(cell_text(c)).is_empty()) {
                    return Ok(());
                }
                visit(
                    cells,
                    RowPos {
                        line: Some(record.line),
                        row: None,
                    },
                    facts,
                )
            })?;
        }
        Ok(())
    }
}

/// Calls `f` with the record's fields as text cells, and whether invalid UTF-8 was replaced.
/// `spare` lends its allocation to the cells.
fn text_cells(
    record: &Record<'_>,
    spare: &mut Vec<Cell<'static>>,
    f: impl FnOnce(&[Cell<'_>], bool) -> Result<()>,
) -> Result<()> {
    let lossy: Vec<Cow<'_, str>>;
    let mut cells = recycle(std::mem::take(spare));
    let replaced = match record.texts() {
        Some(texts) => {
            cells.extend(texts.map(Cell::Text));
            false
        }
        None => {
            lossy = record.fields().map(String::from_utf8_lossy).collect();
            cells.extend(lossy.iter().map(|t| Cell::Text(t)));
            lossy.iter().any(|t| matches!(t, Cow::Owned(_)))
        }
    };
    let result = f(&cells, replaced);
    *spare = recycle(cells);
    result
}

/// The text of a cell read from a text file (always [`Cell::Text`]).
fn cell_text<'a>(cell: &Cell<'a>) -> &'a str {
    match *cell {
        Cell::Text(text) => text,
        _ => "",
    }
}

fn text_cell(text: String) -> GridCell {
    if text.is_empty() {
        GridCell::Empty
    } else {
        GridCell::Text(text)
    }
}

fn is_blank(cell: &GridCell) -> bool {
    match cell {
        GridCell::Empty => true,
        GridCell::Text(t) => t.trim().is_empty(),
        _ => false,
    }
}

/// Hands a row of the `Infer` pass on, reporting it when ragged (and adding columns for values
/// past the header).
fn emit_held(
    facts: &mut TableFacts,
    row: &HeldRow,
    width: usize,
    visit: &mut Visit<'_>,
) -> Result<()> {
    let cells: Vec<Cell<'_>> = row.cells.iter().map(GridCell::as_cell).collect();
    emit(facts, row.line, &cells, width, visit)
}

fn emit(
    facts: &mut TableFacts,
    line: u64,
    cells: &[Cell<'_>],
    width: usize,
    visit: &mut Visit<'_>,
) -> Result<()> {
    let fields = cells.len();
    let used = cells
        .iter()
        .rposition(|c| {
            !matches!(c, Cell::Text(t) if parse::trim(t).is_empty()) && *c != Cell::Empty
        })
        .map_or(0, |i| i + 1);
    if fields < width {
        facts.warnings.push(
            Warning::new(WarningCode::RowTooShort, Location::line(line))
                .with("expected", width)
                .with("found", fields),
        );
    } else if used > width {
        facts.warnings.push(
            Warning::new(WarningCode::RowTooLong, Location::line(line))
                .with("expected", width)
                .with("found", used),
        );
        while facts.columns.len() < used {
            let name = format!("column_{}", facts.columns.len() + 1);
            let mut seen = facts.columns.iter().cloned().collect();
            let name = layout::unique_name(name, &mut seen, |_| {});
            facts.columns.push(name);
        }
    }
    visit(
        cells,
        RowPos {
            line: Some(line),
            row: None,
        },
        facts,
    )
}

impl TableSource for TextSource {
    fn scan(&mut self, pass: Pass, visit: &mut Visit<'_>) -> Result<()> {
        match pass {
            Pass::Infer => self.scan_infer(visit),
            Pass::Write => self.scan_write(visit),
        }
    }

    fn facts(&mut self) -> &mut TableFacts {
        &mut self.facts
    }

    fn byte_counter(&self) -> Option<ByteCounter> {
        Some(self.counter.clone())
    }
}
