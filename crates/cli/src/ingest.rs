//! `dulieu ingest FILE`: a local tabular file to typed Parquet tables with `dulieu-tables` — no
//! server, no database, the file only read — with a progress bar on standard error and the
//! report on standard output: readable, or the `IngestReport` as JSON with `--json`.
//!
//! The readable report is in the operator's language (`DULIEU_LANG`, `LC_ALL`, `LANG`); each
//! warning keeps its stable code next to its text. A file the ingest refuses ends the process
//! with [`INPUT_REFUSED_EXIT`], its code and where.

use std::cell::Cell;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use dulieu_i18n::Locale;
use dulieu_i18n::problems::{place, problem_text};
use dulieu_tables::{
    ColumnProfile, ErrorCode, Field, FieldType, IngestError, IngestOptions, IngestReport, Phase,
    Progress, TableReport, Warning, Warnings,
};
use indicatif::HumanBytes;
use serde_json::{Value, json};

/// Options of `dulieu ingest`.
#[derive(Args, Debug, Clone)]
pub struct IngestArgs {
    /// The file: CSV/TSV (UTF-8, UTF-16, Windows-1258, TCVN3), XLSX/XLS/ODS, JSON or GeoJSON.
    pub file: PathBuf,
    /// Folder for the Parquet files, `table-1.parquet`, … (default: ./FILE_STEM.tables).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the report (or the error) as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The exit code of a file the ingest refused (its content: format, encoding, limits, …).
/// Failing to read it or to write the output exits with 1, as other failures do.
pub const INPUT_REFUSED_EXIT: u8 = 2;

/// An ingest that stopped: its error as `dulieu-tables` gives it.
#[derive(Debug)]
pub struct IngestFailed(pub IngestError);

impl std::fmt::Display for IngestFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for IngestFailed {}

/// The exit code for an error of any command: [`INPUT_REFUSED_EXIT`] for a refused input file,
/// else 1.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<IngestFailed>() {
        Some(IngestFailed(e)) if !matches!(e.code, ErrorCode::Io | ErrorCode::Parquet) => {
            INPUT_REFUSED_EXIT
        }
        _ => 1,
    }
}

/// Runs `dulieu ingest` (blocking: call it off the async runtime).
pub fn ingest(args: IngestArgs) -> anyhow::Result<()> {
    let out = args.out.clone().unwrap_or_else(|| default_out(&args.file));
    check_out_dir(&out)?;
    let out_existed = out.exists();
    let locale = crate::commands::cli_locale();
    let bar = crate::progress::bar(
        "{prefix} {bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta} {msg}",
        0,
    );
    let phase_shown: Cell<Option<(usize, Phase)>> = Cell::new(None);
    let on_progress = |progress: &Progress| {
        if phase_shown.get() != Some((progress.table, progress.phase)) {
            phase_shown.set(Some((progress.table, progress.phase)));
            bar.reset();
            bar.set_length(progress.bytes_total);
            bar.set_prefix(format!(
                "{} {}",
                progress.table_name,
                phase_name(progress.phase, locale)
            ));
        }
        bar.set_position(progress.bytes_read);
        bar.set_message(label("rows", progress.rows_done, locale));
    };
    let result = dulieu_tables::ingest(&args.file, &out, &IngestOptions::default(), &on_progress);
    bar.finish_and_clear();
    match result {
        Ok(report) => {
            remove_stale_tables(&out, report.tables.len());
            if args.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", render(&args.file, &out, &report, locale));
            }
            Ok(())
        }
        Err(err) => {
            // The ingest removed what it wrote; a folder it made for nothing goes too.
            if !out_existed {
                let _ = std::fs::remove_dir(&out);
            }
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({ "error": err }))?
                );
            }
            Err(IngestFailed(err).into())
        }
    }
}

fn phase_name(phase: Phase, locale: Locale) -> String {
    let key = match phase {
        Phase::Scanning => "cli.ingest.scanning",
        Phase::Writing => "cli.ingest.writing",
        Phase::Rewriting => "cli.ingest.rewriting",
    };
    dulieu_i18n::message(locale, key, &[])
}

/// A word of the report (`cli.ingest.<name>`) in `locale`.
fn word(name: &str, locale: Locale) -> String {
    dulieu_i18n::message(locale, &format!("cli.ingest.{name}"), &[])
}

/// `<word> <value>`, as in "rows 5".
fn label(name: &str, value: impl std::fmt::Display, locale: Locale) -> String {
    format!("{} {value}", word(name, locale))
}

/// `./<file stem>.tables`, in the working directory.
fn default_out(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map_or_else(|| "data".into(), |s| s.to_string_lossy());
    PathBuf::from(format!("{stem}.tables"))
}

/// True for `table-<n>.parquet`, the names the ingest writes.
fn table_number(name: &str) -> Option<usize> {
    name.strip_prefix("table-")?
        .strip_suffix(".parquet")?
        .parse()
        .ok()
}

/// The output folder is missing or holds only Parquet files of an earlier ingest: nothing
/// else is ever overwritten.
fn check_out_dir(out: &Path) -> anyhow::Result<()> {
    if !out.exists() {
        return Ok(());
    }
    anyhow::ensure!(out.is_dir(), "{} is not a folder", out.display());
    let entries = std::fs::read_dir(out).with_context(|| out.display().to_string())?;
    for entry in entries {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        anyhow::ensure!(
            table_number(&name).is_some(),
            "{} holds other files than table-N.parquet ({name}); give an empty or new folder \
             with --out",
            out.display()
        );
    }
    Ok(())
}

/// Removes the `table-<n>.parquet` an earlier ingest left beyond the `tables` just written.
fn remove_stale_tables(out: &Path, tables: usize) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for entry in entries.flatten() {
        if table_number(&entry.file_name().to_string_lossy()).is_some_and(|n| n > tables) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// How many warnings of one code the readable report lists (all are counted).
const WARNINGS_SHOWN_PER_CODE: usize = 5;

/// The readable report, in `locale`.
pub fn render(file: &Path, out: &Path, report: &IngestReport, locale: Locale) -> String {
    let mut lines: Vec<(String, String)> = vec![(
        word("file", locale),
        format!("{} ({})", file.display(), HumanBytes(report.source_bytes)),
    )];
    lines.push((word("format", locale), report.format.name().to_owned()));
    if let Some(encoding) = report.encoding {
        lines.push((word("encoding", locale), encoding.name().to_owned()));
    }
    if let Some(delimiter) = &report.delimiter {
        lines.push((word("delimiter", locale), format!("{delimiter:?}")));
    }
    lines.push((word("output", locale), out.display().to_string()));
    let width = column_width(lines.iter().map(|(name, _)| name.as_str()), "");
    let mut text = String::new();
    for (name, value) in &lines {
        let _ = writeln!(text, "{name:width$}  {value}");
    }
    render_warnings(&mut text, "", &report.warnings, locale);
    for table in &report.tables {
        text.push('\n');
        render_table(&mut text, table, locale);
    }
    text
}

fn render_table(text: &mut String, table: &TableReport, locale: Locale) {
    let _ = writeln!(
        text,
        "{} {:?}  {}  {}  {} ({})",
        word("table", locale),
        table.name,
        label("rows", table.row_count, locale),
        label("columns", table.schema.fields.len(), locale),
        table.parquet_path.display(),
        HumanBytes(table.parquet_bytes)
    );
    if let Some(title) = &table.title {
        let _ = writeln!(text, "  {}", label("title", title, locale));
    }
    for note in &table.notes {
        let _ = writeln!(text, "  {}", label("note", note, locale));
    }
    let types: Vec<String> = table.schema.fields.iter().map(type_text).collect();
    let [column, kind, nulls, distinct, profile] =
        ["column", "type", "nulls", "distinct", "profile"].map(|name| word(name, locale));
    let name_width = column_width(table.schema.fields.iter().map(|f| f.name.as_str()), &column);
    let type_width = column_width(types.iter().map(String::as_str), &kind);
    let _ = writeln!(
        text,
        "  {column:name_width$}  {kind:type_width$}  {nulls:>8}  {distinct:>9}  {profile}"
    );
    for ((field, kind), profile) in table
        .schema
        .fields
        .iter()
        .zip(&types)
        .zip(&table.profile.columns)
    {
        let distinct = if profile.distinct_exact {
            profile.distinct_count.to_string()
        } else {
            format!("~{}", profile.distinct_count)
        };
        let _ = writeln!(
            text,
            "  {:name_width$}  {kind:type_width$}  {:>8}  {distinct:>9}  {}",
            field.name,
            profile.null_count,
            highlights(profile, locale)
        );
    }
    render_warnings(text, "  ", &table.warnings, locale);
}

/// The widest of `values` and `header`, in characters.
fn column_width<'a>(values: impl Iterator<Item = &'a str>, header: &str) -> usize {
    values
        .map(|v| v.chars().count())
        .chain([header.chars().count()])
        .max()
        .unwrap_or(0)
}

/// The type with how the source writes it: `date %d/%m/%Y`, `number 1.234,5` (its group and
/// decimal marks shown on a sample), `boolean có/không`.
fn type_text(field: &Field) -> String {
    let mut text = field.field_type.name().to_owned();
    if let Some(format) = field.format.as_deref().filter(|f| *f != "default") {
        let _ = write!(text, " {format}");
    }
    if field.decimal_char.is_some() || field.group_char.is_some() {
        let group = field.group_char.as_deref().unwrap_or("");
        let _ = write!(text, " 1{group}234");
        if field.field_type != FieldType::Integer {
            let _ = write!(text, "{}5", field.decimal_char.as_deref().unwrap_or("."));
        }
    }
    if let (Some(yes), Some(no)) = (&field.true_values, &field.false_values) {
        let _ = write!(text, " {}/{}", yes.join("|"), no.join("|"));
    }
    text
}

/// Range and mean of ordered columns, else the most frequent values.
fn highlights(profile: &ColumnProfile, locale: Locale) -> String {
    let mut text = String::new();
    if let (Some(min), Some(max)) = (&profile.min, &profile.max) {
        let _ = write!(text, "{} … {}", value_text(min), value_text(max));
        if let Some(mean) = profile.mean {
            let _ = write!(text, ", {}", label("mean", round_text(mean), locale));
        }
        return text;
    }
    let top: Vec<String> = profile
        .top_values
        .iter()
        .take(3)
        .map(|top| format!("{} ({})", shorten(&top.value, 30), top.count))
        .collect();
    if !top.is_empty() {
        let more = if profile.top_values_exact { "" } else { " …" };
        let _ = write!(text, "{}{more}", label("top", top.join(", "), locale));
    }
    text
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), round_text),
        other => other.to_string(),
    }
}

/// A number with at most two decimals, without trailing zeros.
fn round_text(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn shorten(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// The warnings, a few of each code with where and what, then how many there were in all.
fn render_warnings(text: &mut String, indent: &str, warnings: &Warnings, locale: Locale) {
    if warnings.is_empty() {
        return;
    }
    let total: u64 = warnings.totals.values().sum();
    let _ = writeln!(text, "{indent}{}", label("warnings", total, locale));
    for (code, count) in &warnings.totals {
        for warning in warnings.of(*code).take(WARNINGS_SHOWN_PER_CODE) {
            let _ = writeln!(text, "{indent}  {}", warning_text(warning, locale));
        }
        let shown = warnings.of(*code).take(WARNINGS_SHOWN_PER_CODE).count() as u64;
        if *count > shown {
            let more = (count - shown).to_string();
            let _ = writeln!(
                text,
                "{indent}  {} … {}",
                code.as_str(),
                dulieu_i18n::message(locale, "cli.ingest.more", &[("count", &more)])
            );
        }
    }
}

/// `code  where  what`, the what in words with the warning's values.
fn warning_text(warning: &Warning, locale: Locale) -> String {
    let mut text = warning.code.as_str().to_owned();
    let stored = serde_json::to_value(warning).unwrap_or(Value::Null);
    if let Some(place) = place(stored.get("location"), locale) {
        let _ = write!(text, "  {place}");
    }
    let _ = write!(
        text,
        "  {}",
        problem_text("ingest.warning", &stored, locale)
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_ingests_own_file_names_count_as_tables() {
        assert_eq!(table_number("table-12.parquet"), Some(12));
        assert_eq!(table_number("table-.parquet"), None);
        assert_eq!(table_number("data.parquet"), None);
        assert_eq!(
            default_out(Path::new("/x/Dân số.csv")),
            PathBuf::from("Dân số.tables")
        );
    }

    #[test]
    fn numbers_keep_two_decimals_at_most() {
        assert_eq!(round_text(681_240.366), "681240.37");
        assert_eq!(round_text(2023.0), "2023");
        assert_eq!(shorten("Hà Nội", 2), "Hà…");
    }

    #[test]
    fn refused_inputs_exit_with_two_and_io_failures_with_one() {
        let refused =
            anyhow::Error::new(IngestFailed(IngestError::new(ErrorCode::UnterminatedQuote)));
        assert_eq!(exit_code(&refused), INPUT_REFUSED_EXIT);
        let io = anyhow::Error::new(IngestFailed(IngestError::new(ErrorCode::Io)));
        assert_eq!(exit_code(&io), 1);
        assert_eq!(exit_code(&anyhow::anyhow!("other")), 1);
    }
}
