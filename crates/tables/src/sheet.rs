//! Spreadsheets (XLSX, XLSB, XLS, ODS) through calamine: every sheet with data is a table.
//! Formulas are read as their cached values. Merged regions are filled with their value before
//! the header is looked for, so merged header cells flatten into "Dân số / Nam".
//!
//! XLSX and XLSB sheets are read cell by cell with a cap on the cell count and the used area
//! before any grid is allocated; ODS and XLS sheets are read whole by calamine after the
//! archive guard ([`crate::archive`]) and are then checked against the same cap.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, DataRef, Dimensions, Ods, Reader, Sheets, Xls, Xlsb, Xlsx};

use crate::convert::Cell;
use crate::detect::SourceFormat;
use crate::error::{ErrorCode, IngestError, Location, Result, Warning, WarningCode};
use crate::layout::{self, GridCell};
use crate::options::Limits;
use crate::source::{Pass, RowPos, TableFacts, TableSource, Visit};

type Book = Sheets<BufReader<File>>;

/// A sheet's used area: its top-left position and its rows of cells.
type Grid = ((u32, u32), Vec<Vec<GridCell>>);

fn corrupt(err: impl ToString) -> IngestError {
    IngestError::new(ErrorCode::CorruptSpreadsheet).with("detail", err.to_string())
}

/// An open workbook; sheets are loaded one at a time.
pub(crate) struct Workbook {
    book: Book,
    limits: Limits,
}

impl Workbook {
    /// Opens a workbook whose format was detected (and whose archive was checked).
    pub fn open(path: &Path, format: SourceFormat, limits: &Limits) -> Result<Self> {
        let reader = || -> Result<BufReader<File>> { Ok(BufReader::new(File::open(path)?)) };
        let book = match format {
            SourceFormat::Xlsx => Sheets::Xlsx(Xlsx::new(reader()?).map_err(corrupt)?),
            SourceFormat::Xlsb => Sheets::Xlsb(Xlsb::new(reader()?).map_err(corrupt)?),
            SourceFormat::Xls => Sheets::Xls(Xls::new(reader()?).map_err(corrupt)?),
            SourceFormat::Ods => Sheets::Ods(Ods::new(reader()?).map_err(corrupt)?),
            _ => {
                return Err(
                    IngestError::new(ErrorCode::UnsupportedFormat).with("format", format.name())
                );
            }
        };
        let workbook = Self {
            book,
            limits: limits.clone(),
        };
        let sheets = workbook.sheet_names().len();
        if sheets > limits.max_sheets {
            return Err(IngestError::new(ErrorCode::TooManySheets)
                .with("sheets", sheets)
                .with("max", limits.max_sheets));
        }
        Ok(workbook)
    }

    /// The sheet names, in workbook order.
    pub fn sheet_names(&self) -> Vec<String> {
        self.book.sheet_names()
    }

    /// Loads a sheet as a table; `None` when it has no data.
    pub fn load(&mut self, name: &str) -> Result<Option<SheetSource>> {
        let at = || Location::sheet(name);
        let (origin, rows) = match &mut self.book {
            Sheets::Xlsx(book) => {
                let cells = {
                    let mut reader = book
                        .worksheet_cells_reader(name)
                        .map_err(|e| corrupt(e).at(at()))?;
                    collect_cells(name, &self.limits, || reader.next_cell().map_err(corrupt))?
                };
                grid_from_cells(name, &self.limits, cells)?
            }
            Sheets::Xlsb(book) => {
                let cells = {
                    let mut reader = book
                        .worksheet_cells_reader(name)
                        .map_err(|e| corrupt(e).at(at()))?;
                    collect_cells(name, &self.limits, || reader.next_cell().map_err(corrupt))?
                };
                grid_from_cells(name, &self.limits, cells)?
            }
            Sheets::Xls(book) => grid_from_range(
                name,
                &self.limits,
                book.worksheet_range(name)
                    .map_err(|e| corrupt(e).at(at()))?,
            )?,
            Sheets::Ods(book) => grid_from_range(
                name,
                &self.limits,
                book.worksheet_range(name)
                    .map_err(|e| corrupt(e).at(at()))?,
            )?,
        };
        let merges = match &mut self.book {
            Sheets::Xlsx(book) => book.merge_cells_by_sheet_name(name).unwrap_or_default(),
            Sheets::Xls(book) => book.merge_cells_by_sheet_name(name).unwrap_or_default(),
            _ => Vec::new(),
        };
        Ok(SheetSource::new(name, origin, rows, &merges))
    }
}

/// Owned cells with their absolute positions, gathered with a cap on their number.
fn collect_cells<'a>(
    sheet: &str,
    limits: &Limits,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>>,
) -> Result<Vec<((u32, u32), GridCell)>> {
    let mut cells = Vec::new();
    while let Some(cell) = next().map_err(|e| e.at(Location::sheet(sheet)))? {
        let value = grid_cell_ref(cell.get_value());
        if value == GridCell::Empty {
            continue;
        }
        if cells.len() as u64 >= limits.max_sheet_cells {
            return Err(too_large(sheet, limits, None));
        }
        cells.push((cell.get_position(), value));
    }
    Ok(cells)
}

fn too_large(sheet: &str, limits: &Limits, area: Option<(u64, u64)>) -> IngestError {
    let mut err = IngestError::new(ErrorCode::SheetTooLarge)
        .at(Location::sheet(sheet))
        .with("max_cells", limits.max_sheet_cells);
    if let Some((rows, columns)) = area {
        err = err.with("rows", rows).with("columns", columns);
    }
    err
}

/// A dense grid from sparse cells, when its area is within the cap.
fn grid_from_cells(
    sheet: &str,
    limits: &Limits,
    cells: Vec<((u32, u32), GridCell)>,
) -> Result<Grid> {
    let Some(first) = cells.first() else {
        return Ok(((0, 0), Vec::new()));
    };
    let (mut top, mut left, mut bottom, mut right) = (first.0.0, first.0.1, first.0.0, first.0.1);
    for ((r, c), _) in &cells {
        top = top.min(*r);
        bottom = bottom.max(*r);
        left = left.min(*c);
        right = right.max(*c);
    }
    let (height, width) = (u64::from(bottom - top) + 1, u64::from(right - left) + 1);
    if height.saturating_mul(width) > limits.max_sheet_cells {
        return Err(too_large(sheet, limits, Some((height, width))));
    }
    let mut rows = vec![vec![GridCell::Empty; width as usize]; height as usize];
    for ((r, c), value) in cells {
        rows[(r - top) as usize][(c - left) as usize] = value;
    }
    Ok(((top, left), rows))
}

fn grid_from_range(sheet: &str, limits: &Limits, range: calamine::Range<Data>) -> Result<Grid> {
    let (height, width) = range.get_size();
    if (height as u64).saturating_mul(width as u64) > limits.max_sheet_cells {
        return Err(too_large(
            sheet,
            limits,
            Some((height as u64, width as u64)),
        ));
    }
    let origin = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .map(|row| row.iter().map(grid_cell).collect())
        .collect();
    Ok((origin, rows))
}

fn date_cell(dt: &calamine::ExcelDateTime) -> GridCell {
    match dt.as_datetime() {
        Some(value) if value.time() == chrono::NaiveTime::MIN => GridCell::Date(value.date()),
        Some(value) => GridCell::DateTime(value),
        None => GridCell::Float(dt.as_f64()),
    }
}

fn text(value: &str) -> GridCell {
    if value.trim().is_empty() {
        GridCell::Empty
    } else {
        GridCell::Text(value.to_owned())
    }
}

fn grid_cell(data: &Data) -> GridCell {
    match data {
        Data::Int(i) => GridCell::Int(*i),
        Data::Float(f) => GridCell::Float(*f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => text(s),
        Data::Bool(b) => GridCell::Bool(*b),
        Data::DateTime(dt) => date_cell(dt),
        Data::Error(e) => GridCell::Text(e.to_string()),
        Data::Empty => GridCell::Empty,
    }
}

fn grid_cell_ref(data: &DataRef<'_>) -> GridCell {
    match data {
        DataRef::Int(i) => GridCell::Int(*i),
        DataRef::Float(f) => GridCell::Float(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text(s),
        DataRef::SharedString(s) => text(s),
        DataRef::Bool(b) => GridCell::Bool(*b),
        DataRef::DateTime(dt) => date_cell(dt),
        DataRef::Error(e) => GridCell::Text(e.to_string()),
        DataRef::Empty => GridCell::Empty,
    }
}

/// One sheet, held in memory, as a table.
pub(crate) struct SheetSource {
    facts: TableFacts,
    /// Data rows with their 1-based sheet row numbers.
    rows: Vec<(u64, Vec<GridCell>)>,
}

impl SheetSource {
    fn new(
        name: &str,
        origin: (u32, u32),
        mut grid: Vec<Vec<GridCell>>,
        merges: &[Dimensions],
    ) -> Option<Self> {
        fill_merges(&mut grid, origin, merges);
        if layout::used_width(&grid) == 0 {
            return None;
        }
        let sheet_row = |r: usize| u64::from(origin.0) + r as u64 + 1;
        let location = |r: usize| Location {
            sheet: Some(name.to_owned()),
            row: Some(sheet_row(r)),
            ..Location::default()
        };
        let merged_right = |r: usize, c: usize| {
            let (r, c) = (origin.0 as u64 + r as u64, origin.1 as u64 + c as u64);
            merges.iter().any(|m| {
                m.end.1 > m.start.1
                    && (u64::from(m.start.0)..=u64::from(m.end.0)).contains(&r)
                    && (u64::from(m.start.1)..=u64::from(m.end.1)).contains(&c)
            })
        };
        let header = layout::find_header(&grid, &merged_right, &location);
        let end = layout::footnote_start(&grid, header.data_start);
        let mut facts = TableFacts {
            name: name.to_owned(),
            sheet: Some(name.to_owned()),
            title: header.title.clone(),
            columns: header.columns.clone(),
            ..TableFacts::default()
        };
        for warning in header.warnings.iter().cloned() {
            facts.warnings.push(warning);
        }
        if let Some(&first) = header.title_rows.first() {
            let rows: Vec<String> = header
                .title_rows
                .iter()
                .map(|&r| sheet_row(r).to_string())
                .collect();
            facts.warnings.push(
                Warning::new(WarningCode::TitleRowsSkipped, location(first))
                    .with("rows", rows.join(",")),
            );
        }
        if header.header_rows.is_empty() {
            facts.warnings.push(Warning::new(
                WarningCode::NoHeader,
                location(header.data_start),
            ));
        }
        if let Some(r) = header.numbering_row {
            facts
                .warnings
                .push(Warning::new(WarningCode::NumberingRowSkipped, location(r)));
        }
        let notes: Vec<(usize, String)> = (end..grid.len())
            .filter_map(|r| {
                grid[r]
                    .iter()
                    .find(|c| !matches!(c, GridCell::Empty))
                    .map(|c| (r, c.header_text()))
            })
            .collect();
        if let Some((first, _)) = notes.first() {
            facts.warnings.push(
                Warning::new(WarningCode::FootnotesDetected, location(*first))
                    .with("rows", notes.len()),
            );
        }
        facts.notes = notes.into_iter().map(|(_, text)| text).collect();
        let data_end = end.max(header.data_start);
        let rows = grid
            .drain(header.data_start.min(data_end)..data_end)
            .enumerate()
            .filter(|(_, row)| row.iter().any(|c| !matches!(c, GridCell::Empty)))
            .map(|(i, row)| (sheet_row(header.data_start + i), row))
            .collect();
        Some(Self { facts, rows })
    }
}

/// Copies each merged region's value into all its cells.
fn fill_merges(grid: &mut [Vec<GridCell>], origin: (u32, u32), merges: &[Dimensions]) {
    let height = grid.len() as i64;
    for merge in merges {
        let (top, left) = (
            i64::from(merge.start.0) - i64::from(origin.0),
            i64::from(merge.start.1) - i64::from(origin.1),
        );
        let (bottom, right) = (
            i64::from(merge.end.0) - i64::from(origin.0),
            i64::from(merge.end.1) - i64::from(origin.1),
        );
        if top < 0 || left < 0 || top >= height {
            continue;
        }
        let Some(value) = grid[top as usize].get(left as usize).cloned() else {
            continue;
        };
        if value == GridCell::Empty {
            continue;
        }
        for r in top..=bottom.min(height - 1) {
            let row = &mut grid[r as usize];
            for c in left..=right.min(row.len() as i64 - 1) {
                row[c as usize] = value.clone();
            }
        }
    }
}

impl TableSource for SheetSource {
    fn scan(&mut self, _pass: Pass, visit: &mut Visit<'_>) -> Result<()> {
        let mut cells: Vec<Cell<'_>> = Vec::new();
        for (row_number, row) in &self.rows {
            cells.clear();
            cells.extend(row.iter().map(GridCell::as_cell));
            visit(
                &cells,
                RowPos {
                    line: None,
                    row: Some(*row_number),
                },
                &self.facts,
            )?;
        }
        Ok(())
    }

    fn facts(&mut self) -> &mut TableFacts {
        &mut self.facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_regions_take_their_value() {
        let mut grid = vec![
            vec![
                GridCell::Text("Dân số".into()),
                GridCell::Empty,
                GridCell::Empty,
            ],
            vec![
                GridCell::Text("Nam".into()),
                GridCell::Text("Nữ".into()),
                GridCell::Empty,
            ],
        ];
        let merge = Dimensions {
            start: (10, 5),
            end: (10, 6),
        };
        fill_merges(&mut grid, (10, 5), &[merge]);
        assert_eq!(grid[0][1], GridCell::Text("Dân số".into()));
        assert_eq!(grid[0][2], GridCell::Empty);
    }
}
