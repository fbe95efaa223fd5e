//! One table from source to Parquet: the inference pass, the schema, the writing pass with the
//! profile, and what was noticed on the way.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::convert::{Cell, Converter, Value, float_text, recycle};
use crate::error::{ErrorCode, IngestError, Result, Warning, WarningCode, Warnings};
use crate::infer::ColumnStats;
use crate::options::IngestOptions;
use crate::profile::{ColumnProfiler, TableProfile, bounds_for};
use crate::schema::{FieldType, TableSchema};
use crate::source::{Pass, TableSource};
use crate::write::TableWriter;

/// Which read of a table is under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Reading the table to find its layout and types.
    Scanning,
    /// Reading it again to write Parquet and the profile.
    Writing,
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

/// Reads a table twice and writes it to `parquet_path`. With `edited`, its types are forced.
pub(crate) fn ingest_table(
    source: &mut dyn TableSource,
    parquet_path: &Path,
    options: &IngestOptions,
    edited: Option<&TableSchema>,
    reporter: &Reporter<'_>,
) -> Result<TableReport> {
    let counter = source.byte_counter();
    let bytes = || counter.as_ref().map_or(reporter.bytes_total, |c| c.get());

    // First pass: layout, columns and counts for inference.
    let name = source.facts().name.clone();
    let mut stats: Vec<ColumnStats> = Vec::new();
    let mut rows = 0u64;
    source.scan(Pass::Infer, &mut |cells, _| {
        if cells.len() > stats.len() {
            stats.resize_with(cells.len(), ColumnStats::default);
        }
        for (stat, cell) in stats.iter_mut().zip(cells) {
            stat.add(*cell);
        }
        rows += 1;
        if rows.is_multiple_of(PROGRESS_EVERY) {
            reporter.report(&name, Phase::Scanning, rows, bytes());
        }
        Ok(())
    })?;
    reporter.report(&name, Phase::Scanning, rows, bytes());

    let facts = source.facts();
    while facts.columns.len() < stats.len() {
        let column = format!("column_{}", facts.columns.len() + 1);
        facts.columns.push(column);
    }
    stats.resize_with(facts.columns.len(), ColumnStats::default);
    let mut warnings = std::mem::take(&mut facts.warnings);
    let (mut schema, inferred) = match edited {
        Some(schema) => {
            if schema.fields.len() != facts.columns.len() {
                return Err(IngestError::new(ErrorCode::SchemaMismatch)
                    .with("table", &facts.name)
                    .with("expected", facts.columns.len())
                    .with("found", schema.fields.len()));
            }
            (schema.clone(), false)
        }
        None => (
            infer_schema(
                &facts.columns,
                &facts.fixed_types,
                &stats,
                options,
                facts.comma_hint,
                &facts.sheet,
                &mut warnings,
            ),
            true,
        ),
    };
    let sheet = facts.sheet.clone();

    // Second pass: convert, profile, write.
    let converter = Converter::new(&schema);
    let (distinct_bound, top_bound) = bounds_for(schema.fields.len());
    let mut profilers: Vec<ColumnProfiler> = schema
        .fields
        .iter()
        .map(|f| ColumnProfiler::new(&f.name, f.field_type, distinct_bound, top_bound))
        .collect();
    let mut writer = TableWriter::create(parquet_path, &schema, &options.limits)?;
    let mut written = 0u64;
    let mut spare: Vec<Value<'static>> = Vec::with_capacity(schema.fields.len());
    source.scan(Pass::Write, &mut |cells, pos| {
        let mut row = recycle(std::mem::take(&mut spare));
        for (index, profiler) in profilers.iter_mut().enumerate() {
            let cell = cells.get(index).copied().unwrap_or(Cell::Empty);
            let value = match converter.convert(index, cell) {
                Ok(value) => value,
                Err(()) => {
                    let field = &schema.fields[index];
                    warnings.push(
                        Warning::new(
                            WarningCode::ValueDoesNotFit,
                            pos.location(sheet.as_deref(), &field.name),
                        )
                        .with("type", field.field_type.name())
                        .with("value", cell_text(cell)),
                    );
                    Value::Null
                }
            };
            profiler.add(&value);
            row.push(value);
        }
        writer.push(&row)?;
        spare = recycle(row);
        written += 1;
        if written.is_multiple_of(PROGRESS_EVERY) {
            reporter.report(&name, Phase::Writing, written, bytes());
        }
        Ok(())
    })?;
    reporter.report(&name, Phase::Writing, written, bytes());

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
    let facts = source.facts();
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
