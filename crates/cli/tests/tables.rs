//! The real `dulieu` binary and tabular files: `dulieu ingest` writes Parquet next to nothing
//! important and reports what it found (readable, or JSON), refuses a bad file with its code,
//! where, and exit code 2, and `dulieu bench tables` prints its figures as JSON.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use support::run_in;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tables/testdata")
        .join(name)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `dulieu ARGS` in `cwd` in English, asserting success; returns standard output.
fn ok(cwd: &Path, args: &[&str]) -> String {
    ok_in(cwd, args, Some("en"))
}

/// Runs `dulieu ARGS` in `cwd` in `lang` (`None`: the default, Vietnamese), asserting success;
/// returns standard output.
fn ok_in(cwd: &Path, args: &[&str], lang: Option<&str>) -> String {
    let output = run_in(cwd, args, lang);
    assert!(
        output.status.success(),
        "dulieu {args:?} failed ({}): {}",
        output.status,
        stderr(&output)
    );
    stdout(&output)
}

/// The `table-N.parquet` files in `dir`, sorted.
fn parquet_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// True when `path` is a Parquet file (magic bytes at both ends).
fn is_parquet(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap();
    bytes.len() > 8 && bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1")
}

#[test]
fn ingest_writes_parquet_beside_and_reports_types_profile_and_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("grdp.csv");
    std::fs::copy(fixture("grdp_semicolon.csv"), &source).unwrap();
    let before = std::fs::read(&source).unwrap();

    // Default output: ./<stem>.tables in the working directory; the input is only read.
    let report = ok(dir.path(), &["ingest", "grdp.csv"]);
    let out = dir.path().join("grdp.tables");
    assert_eq!(parquet_files(&out), ["table-1.parquet"]);
    assert!(is_parquet(&out.join("table-1.parquet")));
    assert_eq!(std::fs::read(&source).unwrap(), before);
    for expected in [
        "format     csv",
        "encoding   utf-8",
        "delimiter  \";\"",
        "output     grdp.tables",
        "table \"data\"  rows 5  columns 6  grdp.tables/table-1.parquet",
    ] {
        assert!(report.contains(expected), "{expected:?} in:\n{report}");
    }
    // Columns with their types (and how the source writes them) and profile highlights.
    let line = |start: &str| {
        report
            .lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("a line starting with {start:?} in:\n{report}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("Tăng trưởng (%)"),
        "Tăng trưởng (%) number 1.234,5 2 3 5.81 … 10.34, mean 7.47"
    );
    assert_eq!(
        line("Cập nhật"),
        "Cập nhật date %d/%m/%Y 0 2 2023-12-30 … 2023-12-31"
    );
    assert!(line("Tỉnh").starts_with("Tỉnh string 0 5 top "), "{report}");
    assert!(
        line("Dân số").starts_with("Dân số integer 1.234 0 5 "),
        "{report}"
    );

    // Warnings with their line and column.
    let ragged = ok(
        dir.path(),
        &["ingest", fixture("ragged.csv").to_str().unwrap()],
    );
    assert!(ragged.contains("warnings 2"), "{ragged}");
    assert!(
        ragged.contains("row_too_short  line 3") && ragged.contains("row_too_long  line 4"),
        "{ragged}"
    );
    assert!(
        ragged.contains("fewer fields than the header (2 instead of 3)"),
        "{ragged}"
    );

    // The same report in the default language, Vietnamese; codes stay as they are.
    let ragged_vi = ok_in(
        dir.path(),
        &["ingest", fixture("ragged.csv").to_str().unwrap()],
        None,
    );
    assert!(ragged_vi.contains("cảnh báo 2"), "{ragged_vi}");
    assert!(
        ragged_vi.contains("row_too_short  dòng 3 của tệp  Dòng có ít ô hơn tiêu đề"),
        "{ragged_vi}"
    );
}

#[test]
fn ingest_json_and_out_folder_reuse() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_arg = out.to_str().unwrap();

    // A workbook: one table per sheet with data, the empty sheet a file-level warning.
    let json: Value = serde_json::from_str(&ok(
        dir.path(),
        &[
            "ingest",
            fixture("gso_population.xlsx").to_str().unwrap(),
            "--out",
            out_arg,
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(json["format"], "xlsx");
    let tables = json["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 2);
    assert_eq!(tables[0]["name"], "Dân số");
    assert_eq!(tables[0]["row_count"], 6);
    assert_eq!(tables[0]["schema"]["fields"][2]["name"], "Dân số / Tổng số");
    assert_eq!(json["warnings"]["items"][0]["code"], "empty_sheet");
    assert_eq!(parquet_files(&out), ["table-1.parquet", "table-2.parquet"]);

    // Again into the same folder with a one-table file: the earlier second table goes.
    let json: Value = serde_json::from_str(&ok(
        dir.path(),
        &[
            "ingest",
            fixture("provinces.geojson").to_str().unwrap(),
            "--out",
            out_arg,
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(json["format"], "geojson");
    assert_eq!(parquet_files(&out), ["table-1.parquet"]);

    // A folder holding anything else is never written to.
    std::fs::write(out.join("notes.txt"), "keep me").unwrap();
    let refused = run_in(
        dir.path(),
        &[
            "ingest",
            fixture("ragged.csv").to_str().unwrap(),
            "--out",
            out_arg,
        ],
        Some("en"),
    );
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("notes.txt"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        parquet_files(&out),
        ["notes.txt", "table-1.parquet"],
        "nothing written"
    );
}

#[test]
fn ingest_refuses_a_bad_file_with_its_code_where_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = fixture("bad/unterminated_quote.csv");
    let output = run_in(dir.path(), &["ingest", bad.to_str().unwrap()], Some("en"));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).trim(),
        "error: unterminated_quote at line 2"
    );
    assert!(
        !dir.path().join("unterminated_quote.tables").exists(),
        "nothing left behind"
    );

    // In Vietnamese by default; with --json the error is also JSON on standard output.
    let output = run_in(
        dir.path(),
        &[
            "ingest",
            fixture("bad/malformed.json").to_str().unwrap(),
            "--json",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("lỗi: malformed_json at line 1"),
        "{}",
        stderr(&output)
    );
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["error"]["code"], "malformed_json");
    assert_eq!(json["error"]["location"]["line"], 1);

    // A file that cannot be read is a failure (1), not a refusal.
    let output = run_in(dir.path(), &["ingest", "missing.csv"], Some("en"));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("io"), "{}", stderr(&output));
}

/// `path` in `json` as a number, asserted present and positive.
fn positive(json: &Value, path: &str) -> f64 {
    let value = path
        .split('.')
        .fold(json, |v, key| &v[key])
        .as_f64()
        .unwrap_or_else(|| panic!("{path} is not a number in {json:#}"));
    assert!(value > 0.0, "{path} = {value}");
    value
}

#[test]
fn bench_tables_prints_its_figures_and_targets_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let out = ok(
        dir.path(),
        &[
            "bench",
            "tables",
            "--rows",
            "20000",
            "--skip-datasette",
            "--queries",
            "20",
            "--repeats",
            "3",
            "--dir",
            work.to_str().unwrap(),
        ],
    );
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["benchmark"], "tables");
    assert_eq!(json["rows"], 20_000);
    assert_eq!(json["ingest"]["rows"], 20_000);
    for path in [
        "csv.bytes",
        "ingest.seconds",
        "ingest.rows_per_second",
        "ingest.mb_per_second",
        "ingest.rows_per_second_per_core",
        "ingest.parquet_mb",
        "queries.filtered.p50_ms",
        "queries.filtered.p99_ms",
        "queries.filtered.matched_rows",
        "queries.group_by.p50_ms",
        "queries.sql.p50_ms",
        "rss_mb.peak",
    ] {
        positive(&json, path);
    }
    assert_eq!(json["queries"]["filtered"]["runs"], 20);
    assert_eq!(json["queries"]["group_by"]["runs"], 3);
    assert_eq!(json["queries"]["group_by"]["groups"], 16);
    assert_eq!(json["datasette"]["skipped"], true);
    let targets = json["targets"].as_object().unwrap();
    for name in [
        "ingest_rows_per_second_per_core",
        "filtered_p99_ms",
        "group_by_ms",
    ] {
        assert!(
            targets[name]["met"].is_boolean(),
            "{name}: {:#}",
            targets[name]
        );
        positive(&targets[name], "value");
    }
    assert_eq!(targets["filtered_p99_ms"]["at_target_size"], false);
    for name in ["ingest_vs_sqlite_utils", "queries_vs_datasette"] {
        assert_eq!(targets[name]["met"], Value::Null, "skipped: {name}");
    }
    assert!(work.join("synthetic-20000.csv").exists());
}
