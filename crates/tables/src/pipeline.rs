//! One table from source to Parquet: the inference pass, the schema, the writing pass with the
//! profile, and what was noticed on the way.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::convert::{Cell, Converter, Value, float_text};
use crate::error::{ErrorCode, IngestError, Result, Warning, WarningCode, Warnings};
use crate::infer::ColumnStats;
use crate::layout::GridCell;
use crate::options::IngestOptions;
use crate::profile::{ColumnProfiler, TableProfile, bounds_for};
use crate::schema::{FieldType, TableSchema};
use crate::source::{Pass, RowPos, TableFacts, TableSource};
use crate::write::TableWriter;

/// Which read of a table is under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Reading the table to find its layout and types.
    Scanning,
    /// Converting, profiling and writing Parquet (from the first rows on, once they have
    /// settled the types).
    Writing,
    /// Reading the table again, because a value past the first rows changed a column's type.
    Rewriting,
}

/// How far an ingest is, reported through the progress callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// 0-based index of the table being read (sheets in workbook order).
    pub table: usize,
    /// The table's name (sheet name, or `data`).
    pub table_name: String,
    /// Which read of the table.
    pub phase: Phase,
    /// Rows done in this phase.
    pub rows_done: u64,
    /// Bytes of the file read in this phase (the whole file for spreadsheets, read first).
    pub bytes_read: u64,
    /// Size of the file in bytes.
    pub bytes_total: u64,
}

/// One table written to Parquet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableReport {
    /// The table's name: its sheet name, or `data` for single-table files.
    pub name: String,
    /// The sheet it came from (spreadsheets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Text of the title rows above the header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Text of the footnote rows below the data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Rows written.
    pub row_count: u64,
    /// The Frictionless Table Schema (describing the source; see [`TableSchema::for_export`]).
    pub schema: TableSchema,
    /// The profile of each column.
    pub profile: TableProfile,
    /// Where the Parquet file is.
    pub parquet_path: PathBuf,
    /// Its size in bytes.
    pub parquet_bytes: u64,
    /// What was noticed (ragged rows, values that did not fit, skipped titles, …).
    pub warnings: Warnings,
}

/// Reports progress every so many rows.
const PROGRESS_EVERY: u64 = 16 * 1024;

/// Progress reporting for one file.
pub(crate) struct Reporter<'a> {
    pub callback: &'a dyn Fn(&Progress),
    pub bytes_total: u64,
    pub table: usize,
}

impl Reporter<'_> {
    fn report(&self, name: &str, phase: Phase, rows_done: u64, bytes_read: u64) {
        (self.callback)(&Progress {
            table: self.table,
            table_name: name.to_owned(),
            phase,
            rows_done,
            bytes_read,
            bytes_total: self.bytes_total,
        });
    }
}

/// A cell as short text, for warnings.
fn cell_text(cell: Cell<'_>) -> String {
    let text = match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.to_owned(),
        Cell::Int(i) => i.to_string(),
        Cell::Float(f) => float_text(f),
        Cell::Bool(b) => b.to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::DateTime(dt) => dt.to_string(),
    };
    text.chars().take(100).collect()
}

/// Most bytes (cells and their text) held while the first rows are sampled: fewer rows when
/// they are wide or long.
const SAMPLE_BYTES: usize = 16 << 20;

/// Reads a table and writes it to `parquet_path`. With `edited`, its types are forced.
///
/// One read normally does everything. Types are counted on every row; once the first
/// [`crate::Limits::sample_rows`] rows have settled a provisional schema (or from the first row,
/// with an edited one), rows are converted, profiled and written as they come. At the end the
/// counts of the whole table decide the schema; when it is not the provisional one (a late
/// value widened a type, a long row added a column), that file is dropped and a second read
/// writes the table under the final schema. The result is always what the whole table decides.
pub(crate) fn ingest_table(
    source: &mut dyn TableSource,
    parquet_path: &Path,
    options: &IngestOptions,
    edited: Option<&TableSchema>,
    reporter: &Reporter<'_>,
) -> Result<TableReport> {
    let counter = source.byte_counter();
    let bytes = || counter.as_ref().map_or(reporter.bytes_total, |c| c.get());
    let name = source.facts().name.clone();
    let output = |schema| TableOutput::start(parquet_path, options, schema);

    // First read: layout, counts for inference, and writing once a schema is settled.
    let mut stats: Vec<ColumnStats> = Vec::new();
    let mut rows = 0u64;
    let mut first = match edited {
        Some(schema) => FirstRead::Writing(Box::new(output(schema.clone())?)),
        None => FirstRead::Sampling(Vec::new(), 0),
    };
    let sample_rows = options.limits.sample_rows.max(1);
    source.scan(Pass::Infer, &mut |cells, pos, facts| {
        if cells.len() > stats.len() {
            stats.resize_with(cells.len(), ColumnStats::default);
        }
        if edited.is_none() {
            for (stat, cell) in stats.iter_mut().zip(cells) {
                stat.add(*cell);
            }
        }
        rows += 1;
        match &mut first {
            FirstRead::Writing(out) => out.push(cells, pos, facts.sheet.as_deref())?,
            FirstRead::Sampling(held, held_bytes) => {
                *held_bytes += cells
                    .iter()
                    .map(|c| std::mem::size_of::<GridCell>() + c.text_len())
                    .sum::<usize>();
                held.push((cells.iter().map(|&c| GridCell::from(c)).collect(), pos));
                if held.len() >= sample_rows || *held_bytes >= SAMPLE_BYTES {
                    let schema =
                        decide_schema(facts, &mut stats, options, None, &mut Warnings::default())?;
                    let mut out = output(schema)?;
                    reporter.report(&name, Phase::Scanning, rows, bytes());
                    out.push_held(std::mem::take(held), facts.sheet.as_deref())?;
                    first = FirstRead::Writing(Box::new(out));
                }
            }
        }
        if rows.is_multiple_of(PROGRESS_EVERY) {
            reporter.report(&name, first.phase(), rows, bytes());
        }
        Ok(())
    })?;
    reporter.report(&name, first.phase(), rows, bytes());

    let facts = source.facts();
    let mut warnings = std::mem::take(&mut facts.warnings);
    let schema = decide_schema(facts, &mut stats, options, edited, &mut warnings)?;
    let sheet = facts.sheet.clone();
    let mut phase = Phase::Writing;
    let mut out = match first {
        FirstRead::Writing(out) if out.schema == schema => *out,
        FirstRead::Writing(out) => {
            drop(out);
            // Second read, under the schema the whole table decided.
            phase = Phase::Rewriting;
            let mut out = output(schema)?;
            source.scan(Pass::Write, &mut |cells, pos, _| {
                out.push(cells, pos, sheet.as_deref())?;
                if out.written.is_multiple_of(PROGRESS_EVERY) {
                    reporter.report(&name, Phase::Rewriting, out.written, bytes());
                }
                Ok(())
            })?;
            out
        }
        FirstRead::Sampling(held, _) => {
            let mut out = output(schema)?;
            out.push_held(held, sheet.as_deref())?;
            out
        }
    };
    reporter.report(&name, phase, out.written, bytes());
    warnings.append(std::mem::take(&mut out.warnings));
    out.finish(edited.is_none(), source.facts(), parquet_path, warnings)
}

/// The first read's writing: rows held until a provisional schema is settled, then written.
enum FirstRead {
    /// The first rows (and their text bytes), held until they settle a provisional schema.
    Sampling(Vec<(Vec<GridCell>, RowPos)>, usize),
    /// Rows written under a provisional (or edited) schema.
    Writing(Box<TableOutput>),
}

impl FirstRead {
    fn phase(&self) -> Phase {
        match self {
            Self::Sampling(..) => Phase::Scanning,
            Self::Writing(_) => Phase::Writing,
        }
    }
}

/// The schema of a table from its facts and counts (or the edited one, checked against the
/// columns found). Names columns found past the header.
fn decide_schema(
    facts: &TableFacts,
    stats: &mut Vec<ColumnStats>,
    options: &IngestOptions,
    edited: Option<&TableSchema>,
    warnings: &mut Warnings,
) -> Result<TableSchema> {
    let mut columns = facts.columns.clone();
    while columns.len() < stats.len() {
        columns.push(format!("column_{}", columns.len() + 1));
    }
    stats.resize_with(columns.len(), ColumnStats::default);
    match edited {
        Some(schema) if schema.fields.len() != columns.len() => {
            Err(IngestError::new(ErrorCode::SchemaMismatch)
                .with("table", &facts.name)
                .with("expected", columns.len())
                .with("found", schema.fields.len()))
        }
        Some(schema) => Ok(schema.clone()),
        None => Ok(infer_schema(
            &columns,
            &facts.fixed_types,
            stats,
            options,
            facts.comma_hint,
            &facts.sheet,
            warnings,
        )),
    }
}

/// Rows converted under a schema, profiled and written to Parquet.
struct TableOutput {
    schema: TableSchema,
    converter: Converter,
    profilers: Vec<ColumnProfiler>,
    writer: TableWriter,
    written: u64,
    /// Values that did not fit their column.
    warnings: Warnings,
}

impl TableOutput {
    /// Starts writing `path` under `schema`.
    fn start(path: &Path, options: &IngestOptions, schema: TableSchema) -> Result<Self> {
        let (distinct_bound, top_bound) = bounds_for(schema.fields.len());
        Ok(Self {
            converter: Converter::new(&schema),
            profilers: schema
                .fields
                .iter()
                .map(|f| ColumnProfiler::new(&f.name, f.field_type, distinct_bound, top_bound))
                .collect(),
            writer: TableWriter::create(path, &schema, &options.limits)?,
            schema,
            written: 0,
            warnings: Warnings::default(),
        })
    }

    /// Converts, profiles and writes one row.
    fn push(&mut self, cells: &[Cell<'_>], pos: RowPos, sheet: Option<&str>) -> Result<()> {
        for (index, profiler) in self.profilers.iter_mut().enumerate() {
            let cell = cells.get(index).copied().unwrap_or(Cell::Empty);
            let value = match self.converter.convert(index, cell) {
                Ok(value) => value,
                Err(()) => {
                    let field = &self.schema.fields[index];
                    self.warnings.push(
                        Warning::new(
                            WarningCode::ValueDoesNotFit,
                            pos.location(sheet, &field.name),
                        )
                        .with("type", field.field_type.name())
                        .with("value", cell_text(cell)),
                    );
                    Value::Null
                }
            };
            profiler.add(&value);
            self.writer.append(index, &value);
        }
        self.writer.end_row()?;
        self.written += 1;
        Ok(())
    }

    /// Writes rows held in memory.
    fn push_held(&mut self, held: Vec<(Vec<GridCell>, RowPos)>, sheet: Option<&str>) -> Result<()> {
        let mut cells = Vec::new();
        for (row, pos) in &held {
            cells.clear();
            cells.extend(row.iter().map(GridCell::as_cell));
            self.push(&cells, *pos, sheet)?;
        }
        Ok(())
    }

    /// Finishes the file and the report: the constraints the profile shows (for an inferred
    /// schema), the profile and the warnings.
    fn finish(
        self,
        inferred: bool,
        facts: &TableFacts,
        parquet_path: &Path,
        warnings: Warnings,
    ) -> Result<TableReport> {
        let Self {
            mut schema,
            profilers,
            writer,
            written,
            ..
        } = self;
        let columns: Vec<_> = profilers.into_iter().map(ColumnProfiler::finish).collect();
        if inferred {
            for (field, profile) in schema.fields.iter_mut().zip(&columns) {
                if written > 0 && profile.null_count == 0 {
                    field.constraints.required = Some(true);
                }
                if written > 1 && profile.distinct_exact && profile.distinct_count == written {
                    field.constraints.unique = Some(true);
                }
            }
        }
        let parquet_bytes = writer.finish(&schema)?;
        Ok(TableReport {
            name: facts.name.clone(),
            sheet: facts.sheet.clone(),
            title: facts.title.clone(),
            notes: facts.notes.clone(),
            row_count: written,
            schema,
            profile: TableProfile {
                row_count: written,
                columns,
            },
            parquet_path: parquet_path.to_owned(),
            parquet_bytes,
            warnings,
        })
    }
}

/// The inferred schema of a table, with the markers of missing values it met.
fn infer_schema(
    names: &[String],
    fixed: &[Option<FieldType>],
    stats: &[ColumnStats],
    options: &IngestOptions,
    comma_hint: bool,
    sheet: &Option<String>,
    warnings: &mut Warnings,
) -> TableSchema {
    let mut missing_values = vec![String::new()];
    let mut fields = Vec::with_capacity(names.len());
    for (index, (name, stat)) in names.iter().zip(stats).enumerate() {
        if let Some(Some(field_type)) = fixed.get(index) {
            fields.push(crate::schema::Field::new(name, *field_type));
            continue;
        }
        let decision = stat.decide(name, options.number_locale, comma_hint);
        let location = crate::error::Location {
            sheet: sheet.clone(),
            ..crate::error::Location::default()
        }
        .with_column(name);
        if stat.is_empty() {
            warnings.push(Warning::new(WarningCode::EmptyColumn, location.clone()));
        }
        if decision.field.field_type != FieldType::String {
            for marker in &decision.markers {
                if !missing_values.contains(marker) {
                    missing_values.push(marker.clone());
                }
            }
        }
        if !decision.junk_as_missing.is_empty() {
            let count: u64 = decision.junk_as_missing.iter().map(|(_, n)| n).sum();
            let values: Vec<&str> = decision
                .junk_as_missing
                .iter()
                .map(|(v, _)| v.as_str())
                .collect();
            warnings.push(
                Warning::new(WarningCode::ValuesTreatedAsMissing, location)
                    .with("values", values.join(", "))
                    .with("count", count),
            );
            for (value, _) in &decision.junk_as_missing {
                if !missing_values.contains(value) {
                    missing_values.push(value.clone());
                }
            }
        }
        fields.push(decision.field);
    }
    TableSchema {
        fields,
        missing_values,
    }
}
