//! Where the table is in a grid of cells: title rows above the header, the header rows (flattened
//! into unique column names), a row numbering the columns, and footnote rows below the data.
//!
//! Rows are classified as empty, *single* (one distinct value: a title, a note, a group label),
//! *text* (two or more values, none numeric) or *data* (at least one number, date or boolean).
//! - Titles: the single and empty rows at the top (when the table has two or more columns).
//! - Header: the text rows from there up to the first data row (at most [`MAX_HEADER_ROWS`];
//!   when there are more, or no data row, only the first, extended while it has horizontally
//!   merged cells). No text row before data: no header, columns are `column_1`, ….
//! - Numbering: a data row right under the header whose numbers run 1, 2, 3, … is skipped.
//! - Footnotes: the single rows after the last data row (in a table that has data rows), or
//!   single rows starting like a note (`Ghi chú`, `Nguồn`, `(*)`, `Note`, `Source`) at the end.
//!
//! Header cells of merged regions hold the region's value (the caller fills them); an empty
//! header cell in an upper header row whose left neighbour has a value takes that value (the
//! shape a merged header takes once saved as CSV). A column's name joins its header cells top
//! to bottom with " / ", skipping repeats: "Dân số / Nam".

use std::collections::HashSet;

use crate::convert::float_text;
use crate::error::{Location, Warning, WarningCode};
use crate::parse;

/// Most rows a header may span.
pub(crate) const MAX_HEADER_ROWS: usize = 4;

/// A cell owned by a grid (spreadsheets, and the first rows of a text file).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum GridCell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(chrono::NaiveDate),
    DateTime(chrono::NaiveDateTime),
}

impl From<crate::convert::Cell<'_>> for GridCell {
    fn from(cell: crate::convert::Cell<'_>) -> Self {
        use crate::convert::Cell;
        match cell {
            Cell::Empty => Self::Empty,
            Cell::Text(t) => Self::Text(t.to_owned()),
            Cell::Int(i) => Self::Int(i),
            Cell::Float(f) => Self::Float(f),
            Cell::Bool(b) => Self::Bool(b),
            Cell::Date(d) => Self::Date(d),
            Cell::DateTime(dt) => Self::DateTime(dt),
        }
    }
}

impl GridCell {
    /// The cell as a borrowed [`crate::convert::Cell`].
    pub fn as_cell(&self) -> crate::convert::Cell<'_> {
        use crate::convert::Cell;
        match self {
            Self::Empty => Cell::Empty,
            Self::Text(t) => Cell::Text(t),
            Self::Int(i) => Cell::Int(*i),
            Self::Float(f) => Cell::Float(*f),
            Self::Bool(b) => Cell::Bool(*b),
            Self::Date(d) => Cell::Date(*d),
            Self::DateTime(dt) => Cell::DateTime(*dt),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Self::Empty => true,
            Self::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as header text (whitespace collapsed).
    pub fn header_text(&self) -> String {
        let text = match self {
            Self::Empty => String::new(),
            Self::Text(t) => t.clone(),
            Self::Int(i) => i.to_string(),
            Self::Float(f) => float_text(*f),
            Self::Bool(b) => b.to_string(),
            Self::Date(d) => d.to_string(),
            Self::DateTime(dt) => dt.to_string(),
        };
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// True for a number, date or boolean (typed, or text that reads as one).
    fn is_datum(&self) -> bool {
        match self {
            Self::Empty => false,
            Self::Text(t) => is_datum_text(t.trim()),
            _ => true,
        }
    }
}

/// True when a (trimmed) text reads as a number or a date.
pub(crate) fn is_datum_text(text: &str) -> bool {
    parse::number_shape(text).any() || parse::date_shape(text).is_some()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowKind {
    Empty,
    Single,
    Text,
    Data,
}

fn classify(row: &[GridCell]) -> RowKind {
    let mut distinct: Vec<String> = Vec::new();
    let mut datum = false;
    for cell in row.iter().filter(|c| !c.is_empty()) {
        datum |= cell.is_datum();
        let text = cell.header_text();
        if distinct.len() < 2 && !distinct.contains(&text) {
            distinct.push(text);
        }
    }
    match (distinct.len(), datum) {
        (0, _) => RowKind::Empty,
        (_, true) => RowKind::Data,
        (1, false) => RowKind::Single,
        _ => RowKind::Text,
    }
}

/// The header of a table found in a grid.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    /// Rows above the header that were skipped (indices), with their text.
    pub title_rows: Vec<usize>,
    pub title: Option<String>,
    /// The header rows (indices).
    pub header_rows: Vec<usize>,
    /// A row numbering the columns, skipped.
    pub numbering_row: Option<usize>,
    /// Index of the first data row.
    pub data_start: usize,
    /// Unique column names.
    pub columns: Vec<String>,
    /// What was noticed while naming columns.
    pub warnings: Vec<Warning>,
}

/// Width of a grid: last column with a value in any row.
pub(crate) fn used_width(rows: &[Vec<GridCell>]) -> usize {
    rows.iter()
        .map(|row| row.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1))
        .max()
        .unwrap_or(0)
}

/// Finds titles, header and numbering row. `merged_right(row, col)` tells whether a cell is part
/// of a horizontally merged region (spreadsheets; always false for text files). `location(row)`
/// turns a grid row index into a location for warnings.
pub(crate) fn find_header(
    rows: &[Vec<GridCell>],
    merged_right: &dyn Fn(usize, usize) -> bool,
    location: &dyn Fn(usize) -> Location,
) -> Header {
    find_header_with_width(rows, merged_right, location, used_width(rows))
}

/// [`find_header`] naming `width` columns.
pub(crate) fn find_header_with_width(
    rows: &[Vec<GridCell>],
    merged_right: &dyn Fn(usize, usize) -> bool,
    location: &dyn Fn(usize) -> Location,
    width: usize,
) -> Header {
    let kinds: Vec<RowKind> = rows.iter().map(|r| classify(r)).collect();
    let mut start = 0;
    let mut title_rows = Vec::new();
    if width >= 2 {
        while start < rows.len() && matches!(kinds[start], RowKind::Empty | RowKind::Single) {
            if kinds[start] == RowKind::Single {
                title_rows.push(start);
            }
            start += 1;
        }
    } else {
        while start < rows.len() && kinds[start] == RowKind::Empty {
            start += 1;
        }
    }
    let title = (!title_rows.is_empty()).then(|| {
        title_rows
            .iter()
            .filter_map(|&r| rows[r].iter().find(|c| !c.is_empty()))
            .map(GridCell::header_text)
            .collect::<Vec<_>>()
            .join(" — ")
    });

    let mut header_rows = Vec::new();
    if start < rows.len() && kinds[start] != RowKind::Data {
        let first_data = (start..rows.len()).find(|&r| kinds[r] == RowKind::Data);
        let block_end = first_data.unwrap_or(rows.len());
        let block_ok = first_data.is_some()
            && block_end - start <= MAX_HEADER_ROWS
            && (start..block_end).all(|r| {
                kinds[r] == RowKind::Text
                    || r > start && kinds[r] == RowKind::Single && spans(rows, r, merged_right)
            });
        if block_ok {
            header_rows.extend(start..block_end);
        } else {
            header_rows.push(start);
            let mut next = start + 1;
            while next < rows.len()
                && header_rows.len() < MAX_HEADER_ROWS
                && kinds[next] == RowKind::Text
                && (0..width).any(|c| merged_right(next - 1, c))
            {
                header_rows.push(next);
                next += 1;
            }
        }
    }
    let mut data_start = header_rows.last().map_or(start, |&r| r + 1);
    let numbering_row = (data_start < rows.len()
        && is_numbering(&rows[data_start], header_rows.len() > 1))
    .then_some(data_start);
    if numbering_row.is_some() {
        data_start += 1;
    }
    let (columns, warnings) = column_names(rows, &header_rows, width, location);
    Header {
        title_rows,
        title,
        header_rows,
        numbering_row,
        data_start,
        columns,
        warnings,
    }
}

/// A single-valued row that is a merged group heading spanning columns (part of a header).
fn spans(rows: &[Vec<GridCell>], r: usize, merged_right: &dyn Fn(usize, usize) -> bool) -> bool {
    rows[r]
        .iter()
        .enumerate()
        .any(|(c, cell)| !cell.is_empty() && merged_right(r, c))
}

/// A row of consecutive whole numbers from 1 (at least three), with only short labels (`A`,
/// `B`) besides. Under a one-row header the row must also have a label or `(1)`-style numbers,
/// so that a first data row `1, 2, 3` is kept.
fn is_numbering(row: &[GridCell], multi_row_header: bool) -> bool {
    let mut numbers = Vec::new();
    let mut marked = multi_row_header;
    for cell in row.iter().filter(|c| !c.is_empty()) {
        match cell {
            GridCell::Int(i) => numbers.push(*i),
            GridCell::Float(f) => match crate::convert::integral(*f) {
                Some(i) => numbers.push(i),
                None => return false,
            },
            GridCell::Text(t) => {
                let t = t.trim();
                let inner = t.trim_start_matches('(').trim_end_matches(')');
                match inner.parse::<i64>() {
                    Ok(i) => {
                        marked |= inner.len() < t.len();
                        numbers.push(i);
                    }
                    Err(_) if t.chars().count() <= 3 => marked = true,
                    Err(_) => return false,
                }
            }
            _ => return false,
        }
    }
    marked && numbers.len() >= 3 && numbers[0] == 1 && numbers.windows(2).all(|w| w[1] == w[0] + 1)
}

/// Flattens header rows into unique names.
fn column_names(
    rows: &[Vec<GridCell>],
    header_rows: &[usize],
    width: usize,
    location: &dyn Fn(usize) -> Location,
) -> (Vec<String>, Vec<Warning>) {
    let mut warnings = Vec::new();
    // Header texts, with the left value carried into empty cells of upper rows.
    let mut texts: Vec<Vec<String>> = header_rows
        .iter()
        .map(|&r| {
            (0..width)
                .map(|c| {
                    rows[r]
                        .get(c)
                        .map(GridCell::header_text)
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    for level in 0..texts.len().saturating_sub(1) {
        for c in 1..width {
            let below_has_text = !texts[level + 1][c].is_empty();
            if texts[level][c].is_empty() && below_has_text {
                texts[level][c] = texts[level][c - 1].clone();
            }
        }
    }
    let mut seen = HashSet::new();
    let mut names = Vec::with_capacity(width);
    for c in 0..width {
        let mut parts: Vec<&str> = Vec::new();
        for level in &texts {
            let part = level[c].as_str();
            if !part.is_empty() && parts.last() != Some(&part) {
                parts.push(part);
            }
        }
        let mut name = parts.join(" / ");
        if name.is_empty() {
            name = format!("column_{}", c + 1);
            if let Some(&r) = header_rows.last() {
                warnings.push(
                    Warning::new(WarningCode::HeaderMissing, location(r))
                        .with("column", c + 1)
                        .with("name", &name),
                );
            }
        }
        let name = unique_name(name, &mut seen, |unique| {
            if let Some(&r) = header_rows.last() {
                warnings.push(
                    Warning::new(WarningCode::HeaderDuplicate, location(r))
                        .with("column", c + 1)
                        .with("name", unique),
                );
            }
        });
        names.push(name);
    }
    (names, warnings)
}

/// `name`, or `name (2)`, `name (3)`, … when taken; calls `renamed` when it had to change.
pub(crate) fn unique_name(
    name: String,
    seen: &mut HashSet<String>,
    mut renamed: impl FnMut(&str),
) -> String {
    if seen.insert(name.clone()) {
        return name;
    }
    let mut n = 2;
    loop {
        let candidate = format!("{name} ({n})");
        if seen.insert(candidate.clone()) {
            renamed(&candidate);
            return candidate;
        }
        n += 1;
    }
}

/// Prefixes that start a note under a table.
const NOTE_PREFIXES: &[&str] = &[
    "ghi chú",
    "nguồn",
    "chú thích",
    "(*)",
    "*",
    "note",
    "source",
    "sơ bộ",
];

/// True when a row's only value looks like a note under a table.
fn starts_like_note(row: &[GridCell]) -> bool {
    row.iter().find(|c| !c.is_empty()).is_some_and(|cell| {
        let text = cell.header_text().to_lowercase();
        NOTE_PREFIXES.iter().any(|p| text.starts_with(p))
    })
}

/// Index where footnote rows start below the data (`rows.len()` when there are none).
pub(crate) fn footnote_start(rows: &[Vec<GridCell>], data_start: usize) -> usize {
    let kinds: Vec<RowKind> = rows.iter().map(|r| classify(r)).collect();
    let has_data = kinds[data_start.min(kinds.len())..].contains(&RowKind::Data);
    let mut end = rows.len();
    while end > data_start {
        match kinds[end - 1] {
            RowKind::Empty => end -= 1,
            RowKind::Single if has_data || starts_like_note(&rows[end - 1]) => end -= 1,
            _ => break,
        }
    }
    // Keep trailing empty rows out, but do not count them as notes.
    end
}

/// The usual width of the rows of a text file: the widest of its header rows and the most
/// common width of its first data rows (so one long row is reported as ragged, not named).
pub(crate) fn usual_width(rows: &[Vec<GridCell>], header: &Header) -> usize {
    let row_width =
        |row: &Vec<GridCell>| row.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
    let header_width = header
        .header_rows
        .iter()
        .map(|&r| row_width(&rows[r]))
        .max()
        .unwrap_or(0);
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for row in rows.iter().skip(header.data_start) {
        let width = row_width(row);
        if width == 0 {
            continue;
        }
        match counts.iter_mut().find(|(w, _)| *w == width) {
            Some((_, n)) => *n += 1,
            None => counts.push((width, 1)),
        }
    }
    let common = counts
        .iter()
        .max_by_key(|(w, n)| (*n, *w))
        .map_or(0, |(w, _)| *w);
    header_width.max(common).max(1)
}

/// True when a streamed row (text files) could be a footnote: one value in a table of two or
/// more columns.
pub(crate) fn is_note_like(row: &[GridCell], width: usize) -> bool {
    width >= 2 && classify(row) == RowKind::Single
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> GridCell {
        if t.is_empty() {
            GridCell::Empty
        } else {
            GridCell::Text(t.to_owned())
        }
    }

    fn grid(rows: &[&[&str]]) -> Vec<Vec<GridCell>> {
        rows.iter()
            .map(|r| r.iter().map(|t| text(t)).collect())
            .collect()
    }

    fn header(rows: &[Vec<GridCell>]) -> Header {
        find_header(rows, &|_, _| false, &|r| Location {
            row: Some(r as u64 + 1),
            ..Location::default()
        })
    }

    #[test]
    fn a_gso_table_with_title_two_header_rows_numbering_and_notes() {
        let rows = grid(&[
            &["Bảng 1. Dân số trung bình phân theo giới tính", "", "", ""],
            &["Đơn vị: nghìn người", "", "", ""],
            &["", "", "", ""],
            &["Tỉnh", "Dân số", "", "Tỷ lệ"],
            &["", "Nam", "Nữ", ""],
            &["A", "1", "2", "3"],
            &["Hà Nội", "4.100,5", "4.300,2", "51,2"],
            &["Đà Nẵng", "600,1", "620,9", "50,9"],
            &["", "", "", ""],
            &["Ghi chú: số liệu sơ bộ", "", "", ""],
            &["Nguồn: Tổng cục Thống kê", "", "", ""],
        ]);
        let found = header(&rows);
        assert_eq!(found.title_rows, vec![0, 1]);
        assert_eq!(
            found.title.as_deref(),
            Some("Bảng 1. Dân số trung bình phân theo giới tính — Đơn vị: nghìn người")
        );
        assert_eq!(found.header_rows, vec![3, 4]);
        assert_eq!(found.numbering_row, Some(5));
        assert_eq!(found.data_start, 6);
        assert_eq!(
            found.columns,
            vec!["Tỉnh", "Dân số / Nam", "Dân số / Nữ", "Tỷ lệ"]
        );
        assert_eq!(footnote_start(&rows, found.data_start), 8);
    }

    #[test]
    fn no_header_when_the_first_row_is_data() {
        let rows = grid(&[&["1", "2"], &["3", "4"]]);
        let found = header(&rows);
        assert!(found.header_rows.is_empty());
        assert_eq!(found.columns, vec!["column_1", "column_2"]);
        assert_eq!(found.data_start, 0);
    }

    #[test]
    fn text_only_tables_take_one_header_row() {
        let rows = grid(&[
            &["Tên", "Địa chỉ"],
            &["Bộ Tài chính", "Hà Nội"],
            &["Bộ Y tế", "Hà Nội"],
        ]);
        let found = header(&rows);
        assert_eq!(found.header_rows, vec![0]);
        assert_eq!(footnote_start(&rows, found.data_start), 3);
    }

    #[test]
    fn duplicate_and_missing_names_are_made_unique() {
        let rows = grid(&[&["Năm", "", "Năm", "Tỉnh"], &["2020", "1", "2", "A"]]);
        let found = header(&rows);
        assert_eq!(found.columns, vec!["Năm", "column_2", "Năm (2)", "Tỉnh"]);
        let codes: Vec<_> = found.warnings.iter().map(|w| w.code).collect();
        assert_eq!(
            codes,
            vec![WarningCode::HeaderMissing, WarningCode::HeaderDuplicate]
        );
    }

    #[test]
    fn merged_header_cells_extend_a_text_only_header() {
        let rows = grid(&[
            &["Cơ quan", "Liên hệ", "Liên hệ"],
            &["", "Điện thoại", "Thư"],
            &["Bộ A", "x", "y"],
        ]);
        let merged = |r: usize, c: usize| r == 0 && (c == 1 || c == 2);
        let found = find_header(&rows, &merged, &|_| Location::default());
        assert_eq!(found.header_rows, vec![0, 1]);
        assert_eq!(
            found.columns,
            vec!["Cơ quan", "Liên hệ / Điện thoại", "Liên hệ / Thư"]
        );
    }
}
