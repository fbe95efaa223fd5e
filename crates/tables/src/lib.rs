//! Tabular ingest: the bytes of a tabular file become typed tables written as Parquet, each with
//! a Frictionless Table Schema, a column profile, and warnings saying what was noticed and where.
//!
//! No HTTP, no database: the caller (a background job) gives a file path and an output folder,
//! and stores the [`IngestReport`]. The original file is only read.
//!
//! - [`ingest`] detects the format from the content (never the name): delimited text in
//!   UTF-8/UTF-16/Windows-1258/TCVN3 ([`TextEncoding`]), XLSX/XLSB/XLS/ODS (every sheet a
//!   table), JSON arrays of objects and GeoJSON FeatureCollections.
//! - [`apply_schema`] ingests again with schemas a publisher edited (types forced; values that do
//!   not fit become nulls, each reported with its row and column).
//! - Failures are an [`IngestError`]: a stable [`ErrorCode`], a [`Location`] and parameters,
//!   within the memory bounds of [`Limits`]; nothing is left in the output folder.

mod archive;
pub mod bench;
mod convert;
mod delimited;
mod detect;
mod encoding;
mod error;
mod infer;
mod json_source;
mod layout;
mod options;
mod parse;
mod pipeline;
mod profile;
mod schema;
mod sheet;
mod source;
pub mod tcvn3;
mod text_source;
mod write;

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use detect::SourceFormat;
pub use encoding::TextEncoding;
pub use error::{ErrorCode, IngestError, Location, Result, Warning, WarningCode, Warnings};
pub use options::{IngestOptions, Limits, NumberLocale};
pub use pipeline::{Phase, Progress, TableReport};
pub use profile::{ColumnProfile, TableProfile, TopValue};
pub use schema::{Constraints, Field, FieldType, TableSchema};
pub use write::{SCHEMA_METADATA_KEY, arrow_schema, arrow_type};

use detect::Sniffed;
use pipeline::Reporter;
use source::TableSource;

/// What an ingest found and wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    /// The format detected from the content.
    pub format: SourceFormat,
    /// The text encoding (text formats).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<TextEncoding>,
    /// The delimiter (delimited text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Size of the source file in bytes.
    pub source_bytes: u64,
    /// The tables, in order (one per sheet with data).
    pub tables: Vec<TableReport>,
    /// What was noticed about the file as a whole (empty sheets, a guessed encoding).
    pub warnings: Warnings,
}

/// Ingests the file at `path`, writing one Parquet file per table into `out_dir` (created when
/// missing) as `table-1.parquet`, `table-2.parquet`, …. `progress` is called as rows are read.
pub fn ingest(
    path: &Path,
    out_dir: &Path,
    options: &IngestOptions,
    progress: &dyn Fn(&Progress),
) -> Result<IngestReport> {
    run(path, out_dir, options, None, progress)
}

/// Ingests again with edited schemas, by table name (`data` for single-table files, the sheet
/// name for spreadsheets). Tables without an edited schema are inferred as by [`ingest`]. Each
/// edited schema must have one field per column; its names, types, formats and missing values
/// are applied, and values that do not fit are stored as null with a
/// [`WarningCode::ValueDoesNotFit`] at their row and column.
pub fn apply_schema(
    path: &Path,
    out_dir: &Path,
    options: &IngestOptions,
    schemas: &BTreeMap<String, TableSchema>,
    progress: &dyn Fn(&Progress),
) -> Result<IngestReport> {
    run(path, out_dir, options, Some(schemas), progress)
}

/// Everything one run needs.
struct Run<'a> {
    out_dir: &'a Path,
    options: &'a IngestOptions,
    edited: Option<&'a BTreeMap<String, TableSchema>>,
    progress: &'a dyn Fn(&Progress),
    source_bytes: u64,
    tables: Vec<TableReport>,
    warnings: Warnings,
}

impl Run<'_> {
    fn table(&mut self, source: &mut dyn TableSource) -> Result<()> {
        let index = self.tables.len();
        let path: PathBuf = self.out_dir.join(format!("table-{}.parquet", index + 1));
        let name = source.facts().name.clone();
        let edited = self.edited.and_then(|schemas| schemas.get(&name));
        let reporter = Reporter {
            callback: self.progress,
            bytes_total: self.source_bytes,
            table: index,
        };
        let report = pipeline::ingest_table(source, &path, self.options, edited, &reporter)
            .map_err(
                |err| match (&err.location.sheet, source.facts().sheet.clone()) {
                    (None, Some(sheet)) => {
                        let mut err = err;
                        err.location.sheet = Some(sheet);
                        err
                    }
                    _ => err,
                },
            )?;
        self.tables.push(report);
        Ok(())
    }

    fn remove_written(&self) {
        for table in &self.tables {
            let _ = std::fs::remove_file(&table.parquet_path);
        }
    }
}

fn run(
    path: &Path,
    out_dir: &Path,
    options: &IngestOptions,
    edited: Option<&BTreeMap<String, TableSchema>>,
    progress: &dyn Fn(&Progress),
) -> Result<IngestReport> {
    let mut file = File::open(path)?;
    let source_bytes = file.metadata()?.len();
    let sample = detect::read_sample(&mut file)?;
    let sniffed = detect::sniff(&sample)?;
    std::fs::create_dir_all(out_dir)?;
    let mut run = Run {
        out_dir,
        options,
        edited,
        progress,
        source_bytes,
        tables: Vec::new(),
        warnings: Warnings::default(),
    };
    let result = read_tables(&mut run, path, file, &sample, sniffed);
    let result = result.and_then(|(format, encoding, delimiter)| {
        if run.tables.is_empty() {
            return Err(IngestError::new(ErrorCode::NoTable));
        }
        if let Some(edited) = edited
            && let Some(unknown) = edited
                .keys()
                .find(|name| !run.tables.iter().any(|t| &t.name == *name))
        {
            return Err(IngestError::new(ErrorCode::UnknownTable).with("table", unknown));
        }
        Ok((format, encoding, delimiter))
    });
    match result {
        Ok((format, encoding, delimiter)) => Ok(IngestReport {
            format,
            encoding,
            delimiter,
            source_bytes,
            tables: std::mem::take(&mut run.tables),
            warnings: std::mem::take(&mut run.warnings),
        }),
        Err(err) => {
            run.remove_written();
            Err(err)
        }
    }
}

type Detected = (SourceFormat, Option<TextEncoding>, Option<String>);

fn read_tables(
    run: &mut Run<'_>,
    path: &Path,
    file: File,
    sample: &[u8],
    sniffed: Sniffed,
) -> Result<Detected> {
    let limits = &run.options.limits;
    match sniffed {
        Sniffed::Zip => {
            let format = archive::check_zip(file, limits)?;
            if format == SourceFormat::Ods {
                archive::check_ods(File::open(path)?, limits)?;
            }
            read_workbook(run, path, format)?;
            Ok((format, None, None))
        }
        Sniffed::Ole => {
            archive::check_xls(path, limits)?;
            read_workbook(run, path, SourceFormat::Xls)?;
            Ok((SourceFormat::Xls, None, None))
        }
        Sniffed::Text { encoding, json } => {
            if let Some(other) = encoding.guessed_over {
                run.warnings.push(
                    Warning::new(WarningCode::EncodingGuessed, Location::default())
                        .with("encoding", encoding.encoding.name())
                        .with("alternative", other.name()),
                );
            }
            if json {
                let mut source = json_source::JsonSource::new(path, encoding, limits);
                run.table(&mut source)?;
                let format = if source.geojson {
                    SourceFormat::Geojson
                } else {
                    SourceFormat::Json
                };
                return Ok((format, Some(encoding.encoding), None));
            }
            let text = detect::decode_sample(sample, encoding);
            let dialect = delimited::sniff(&text);
            let mut source = text_source::TextSource::new(path, encoding, dialect, limits);
            run.table(&mut source)?;
            Ok((
                SourceFormat::Csv,
                Some(encoding.encoding),
                Some((dialect.delimiter as char).to_string()),
            ))
        }
    }
}

fn read_workbook(run: &mut Run<'_>, path: &Path, format: SourceFormat) -> Result<()> {
    let mut workbook = sheet::Workbook::open(path, format, &run.options.limits)?;
    for name in workbook.sheet_names() {
        match workbook.load(&name)? {
            Some(mut source) => run.table(&mut source)?,
            None => run.warnings.push(Warning::new(
                WarningCode::EmptySheet,
                Location::sheet(&name),
            )),
        }
    }
    Ok(())
}
