//! What the pipeline needs from each kind of file: the rows of a table (read once to infer types
//! and write, and again only when the first read's provisional types did not hold), and what was
//! found about the table on the way.

use crate::convert::Cell;
use crate::encoding::ByteCounter;
use crate::error::{Location, Result, Warnings};
use crate::schema::FieldType;

/// Where a row is in the source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RowPos {
    /// 1-based line in a text file.
    pub line: Option<u64>,
    /// 1-based sheet row, or element of a JSON array.
    pub row: Option<u64>,
}

impl RowPos {
    /// The location of this row in `sheet`, at a column.
    pub fn location(self, sheet: Option<&str>, column: &str) -> Location {
        Location {
            sheet: sheet.map(str::to_owned),
            line: self.line,
            row: self.row,
            column: Some(column.to_owned()),
            offset: None,
        }
    }
}

/// Which of the two reads a scan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pass {
    /// First read: find the layout, count for inference, collect warnings.
    Infer,
    /// Second read (only when needed): the same rows again, to convert and write.
    Write,
}

/// Called with each data row (cells in column order; a row may be shorter than the columns) and
/// what is known about the table so far.
pub(crate) type Visit<'v> = dyn FnMut(&[Cell<'_>], RowPos, &TableFacts) -> Result<()> + 'v;

/// Facts about a table found while reading it.
#[derive(Debug, Clone, Default)]
pub(crate) struct TableFacts {
    /// The table's name: the sheet name, or `data` for single-table files.
    pub name: String,
    /// The sheet, for spreadsheets.
    pub sheet: Option<String>,
    /// Text of the title rows above the header.
    pub title: Option<String>,
    /// Text of the footnote rows below the data.
    pub notes: Vec<String>,
    /// Column names, unique, in order.
    pub columns: Vec<String>,
    /// Types fixed by the source (a GeoJSON geometry), by column.
    pub fixed_types: Vec<Option<FieldType>>,
    /// Numbers that could be read either way are read with a decimal comma (a semicolon file).
    pub comma_hint: bool,
    /// What the source noticed.
    pub warnings: Warnings,
}

/// One table of a source file.
pub(crate) trait TableSource {
    /// Reads the table's data rows from the start. The `Infer` pass comes first and settles the
    /// columns (the rows it visits may already be written); the `Write` pass, when one is
    /// needed, gives the same rows.
    fn scan(&mut self, pass: Pass, visit: &mut Visit<'_>) -> Result<()>;

    /// What is known about the table (complete after the `Infer` pass).
    fn facts(&mut self) -> &mut TableFacts;

    /// Counts the bytes of the file read in the current pass (`None` when the file was read
    /// whole before the table was found, as spreadsheets are).
    fn byte_counter(&self) -> Option<ByteCounter> {
        None
    }
}
