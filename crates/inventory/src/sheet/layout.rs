//! Where the header is, which column each cell holds, and which rows below it are data.

use dulieu_core::Result;

use super::columns::{self, COLUMNS, Known, fold};
use super::grid::{self, Row, Table};
use super::{Column, HEADER_SCAN_ROWS, MIN_HEADER_MATCHES};

/// The header found: the cell position of each column and where the data starts.
#[derive(Debug)]
pub(super) struct Header {
    /// For each of [`COLUMNS`], the position of its cell, when the file has the column.
    cells: Vec<Option<usize>>,
    /// Headers not recognised.
    pub ignored: Vec<String>,
    /// Known headers (read-only ones included).
    matched: usize,
    /// The index in the table's rows of the first row after the header.
    body: usize,
}

impl Header {
    /// The position of the cell of the column `key`, when the file has it.
    pub fn cell_of(&self, key: &str) -> Option<usize> {
        self.cells.get(columns::position(key)).copied().flatten()
    }

    /// The columns the file has, with the position of their cell.
    fn columns(&self) -> impl Iterator<Item = (&'static Column, usize)> + '_ {
        COLUMNS
            .iter()
            .zip(&self.cells)
            .filter_map(|(column, cell)| cell.map(|cell| (column, cell)))
    }

    fn is_mapped(&self, position: usize) -> bool {
        self.cells.contains(&Some(position))
    }
}

/// The header: the first of the first [`HEADER_SCAN_ROWS`] rows with at least
/// [`MIN_HEADER_MATCHES`] known headers, read with the row under it when merged cells make
/// them one header.
pub(super) fn find_header(table: &Table) -> Option<Header> {
    let scan = table.rows.len().min(HEADER_SCAN_ROWS);
    (0..scan).find_map(|index| {
        let row = &table.rows[index];
        let names: Vec<Vec<String>> = row.cells.iter().map(|c| single(c.text())).collect();
        let one = assign(&names, index + 1);
        (one.matched >= MIN_HEADER_MATCHES).then(|| two_rows(table, index, &one).unwrap_or(one))
    })
}

/// The header read from rows `index` and `index + 1`, when the row under it belongs to it: a
/// merged header cell reaches down into it, or merged parents stand over children and the two
/// rows together name more columns.
fn two_rows(table: &Table, index: usize, one: &Header) -> Option<Header> {
    let parent = &table.rows[index];
    let child = table
        .rows
        .get(index + 1)
        .filter(|r| r.number == parent.number + 1)?;
    let from_header = || table.merges.iter().filter(|m| m.top == parent.number);
    let vertical = from_header().any(|m| m.bottom > m.top);
    let horizontal = from_header().any(|m| m.right > m.left);
    let width = parent.cells.len().max(child.cells.len());
    let names: Vec<Vec<String>> = (0..width)
        .map(|c| parent_child(&parent.cell(c).text(), &child.cell(c).text()))
        .collect();
    let two = assign(&names, index + 2);
    (vertical || (horizontal && two.matched > one.matched)).then_some(two)
}

/// The names to try for a header cell of one row.
fn single(text: impl AsRef<str>) -> Vec<String> {
    let text = text.as_ref().trim();
    if text.is_empty() {
        Vec::new()
    } else {
        vec![text.to_string()]
    }
}

/// The names to try for a header cell of two rows: “Parent / Child”, the child alone,
/// “Parent (Child)”.
fn parent_child(parent: &str, child: &str) -> Vec<String> {
    let (parent, child) = (parent.trim(), child.trim());
    if parent.is_empty() || parent == child {
        single(child)
    } else if child.is_empty() {
        single(parent)
    } else {
        vec![
            format!("{parent} / {child}"),
            child.to_string(),
            format!("{parent} ({child})"),
        ]
    }
}

/// Gives each cell the first column its names match that no cell to its left took.
fn assign(names: &[Vec<String>], body: usize) -> Header {
    let mut header = Header {
        cells: vec![None; COLUMNS.len()],
        ignored: Vec::new(),
        matched: 0,
        body,
    };
    for (position, tried) in names.iter().enumerate() {
        let Some(shown) = tried.first() else {
            continue;
        };
        let found = tried.iter().find_map(|name| match columns::known(name) {
            Some(Known::Column(c)) if header.cells[c].is_none() => Some(Some(c)),
            Some(Known::ReadOnly) => Some(None),
            _ => None,
        });
        match found {
            Some(Some(column)) => header.cells[column] = Some(position),
            Some(None) => {}
            None => {
                if !header.ignored.contains(shown) {
                    header.ignored.push(shown.clone());
                }
                continue;
            }
        }
        header.matched += 1;
    }
    header
}

/// The data rows under the header: without blank rows, the help row, a column-numbering row
/// right under the header, and trailing footnotes.
pub(super) fn data_rows<'t>(table: &'t Table, header: &Header) -> Result<Vec<&'t Row>> {
    let mut rows: Vec<&Row> = table.rows[header.body.min(table.rows.len())..]
        .iter()
        .filter(|row| row.own.iter().any(|&c| header.is_mapped(c)))
        .collect();
    while rows.last().is_some_and(|row| is_footnote(row)) {
        rows.pop();
    }
    if rows.first().is_some_and(|row| is_numbering(row)) {
        rows.remove(0);
    }
    rows.retain(|row| !is_help(row, header));
    grid::check_row_count(rows.len())?;
    Ok(rows)
}

/// A lone cell starting like a note (“Ghi chú: …”, “Nguồn: …”, “* …”).
fn is_footnote(row: &Row) -> bool {
    const STARTS: &[&str] = &[
        "ghi chu",
        "chu thich",
        "luu y",
        "nguon",
        "note",
        "source",
        "*",
    ];
    let [cell] = row.own[..] else {
        return false;
    };
    let text = fold(&row.cell(cell).text());
    STARTS.iter().any(|start| text.starts_with(start))
}

/// A row numbering the columns: “1 2 3 …” or “(1) (2) (3) …”.
fn is_numbering(row: &Row) -> bool {
    row.own.len() >= MIN_HEADER_MATCHES
        && row.own.iter().all(|&c| {
            let text = row.cell(c).text();
            let number = text
                .trim()
                .trim_start_matches(['(', '['])
                .trim_end_matches([')', ']']);
            (1..=3).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit())
        })
}

/// The template's help row: each value is its column's help text.
fn is_help(row: &Row, header: &Header) -> bool {
    let mut given = header
        .columns()
        .filter(|(_, cell)| !row.cell(*cell).is_empty())
        .peekable();
    given.peek().is_some()
        && given.all(|(column, cell)| {
            let text = fold(&row.cell(cell).text());
            text == fold(column.help_vi) || text == fold(column.help_en)
        })
}
