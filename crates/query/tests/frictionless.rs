//! Data packages checked by a validator nobody on the team wrote: the fixtures of
//! `dulieu-tables` (a semicolon CSV with Vietnamese decimals, the GSO-style two-sheet XLSX,
//! GeoJSON, a JSON array) are ingested, exported with [`Engine::data_package`] as the API serves
//! it (one zip), unpacked, and `frictionless validate` must pass on its `datapackage.json`.
//!
//! The validator is the `frictionless` command named by `DULIEU_FRICTIONLESS` (scripts/test
//! installs a pinned version in a venv and sets it). Without it the test prints a note and
//! passes, except under `CI=true`, where it fails: CI never skips it silently.

use crate::common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use bytes::Bytes;
use dulieu_query::{DataPackage, Engine, PackageLicense, PackageResource, TableMap, TableName};
use dulieu_tables::{IngestOptions, ingest};
use futures::TryStreamExt;
use serde_json::Value;
use uuid::Uuid;

const FRICTIONLESS_VAR: &str = "DULIEU_FRICTIONLESS";

/// The validator from the environment; `None` means skip (never under `CI=true`).
fn frictionless() -> Option<PathBuf> {
    match std::env::var(FRICTIONLESS_VAR) {
        Ok(path) if !path.trim().is_empty() => Some(PathBuf::from(path.trim())),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "{FRICTIONLESS_VAR} is not set but CI=true: data packages must be validated by \
             frictionless in CI. Run the tests through scripts/test, which installs it in a venv \
             and sets {FRICTIONLESS_VAR}."
        ),
        _ => {
            eprintln!(
                "note: {FRICTIONLESS_VAR} is not set; skipping `frictionless validate` \
                 (scripts/test installs frictionless and sets it)"
            );
            None
        }
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tables/testdata")
        .join(name)
}

/// Ingests each fixture into `dir` and names every table it gives as the API does (the
/// distribution id, `id/<sheet>` for later sheets); returns the tables, one resource each and
/// their row counts.
fn ingest_fixtures(dir: &Path, files: &[&str]) -> (TableMap, Vec<PackageResource>, Vec<u64>) {
    let mut tables = TableMap::new();
    let mut resources = Vec::new();
    let mut rows = Vec::new();
    for (n, file) in files.iter().enumerate() {
        let id = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_1000 + n as u128);
        let report = ingest(
            &fixture(file),
            &dir.join(format!("ingest-{n}")),
            &IngestOptions::default(),
            &|_| {},
        )
        .unwrap_or_else(|err| panic!("ingest {file}: {err}"));
        for (index, table) in report.tables.iter().enumerate() {
            let name = TableName::of_ingested(id, index, &table.name);
            resources.push(PackageResource {
                table: name.to_string(),
                name: format!("{file} {}", table.name),
                title: Some(format!("{file} — {}", table.name)),
                description: table.title.clone(),
            });
            tables.insert(name, &table.parquet_path);
            rows.push(table.row_count);
        }
    }
    (tables, resources, rows)
}

/// Streams the package zip and unpacks it into `dir`; returns the descriptor's path.
async fn export_and_unpack(
    tables: &TableMap,
    package: &DataPackage,
    dir: &Path,
) -> (PathBuf, Vec<String>) {
    let engine = Engine::new(common::config()).unwrap();
    let stream = engine.data_package(tables, package).await.unwrap();
    let chunks: Vec<Bytes> = stream.try_collect().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(chunks.concat())).unwrap();
    let mut names = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.enclosed_name().expect("a relative entry path");
        let path = dir.join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        std::fs::write(&path, data).unwrap();
        names.push(name.to_string_lossy().into_owned());
    }
    (dir.join("datapackage.json"), names)
}

/// Runs `frictionless validate --json` on `descriptor`; panics with its report unless the
/// package is valid, without warnings, and each resource was read with `rows[i]` rows.
fn validate(frictionless: &Path, descriptor: &Path, rows: &[u64]) {
    let output = Command::new(frictionless)
        .args(["validate", "--json"])
        .arg(descriptor)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", frictionless.display()));
    let text = String::from_utf8_lossy(&output.stdout);
    let failed = |why: &str| -> ! {
        panic!(
            "frictionless validate {}: {why} ({}):\n{text}\n{}",
            descriptor.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    };
    let report: Value = serde_json::from_str(&text).unwrap_or_else(|_| failed("no JSON report"));
    if !output.status.success() || report["valid"] != true {
        failed("invalid");
    }
    if report["stats"]["warnings"] != 0 {
        failed("warnings");
    }
    let read: Vec<u64> = report["tasks"]
        .as_array()
        .unwrap_or_else(|| failed("no tasks"))
        .iter()
        .map(|task| task["stats"]["rows"].as_u64().unwrap_or_default())
        .collect();
    if read != rows {
        failed(&format!("rows read {read:?}, expected {rows:?}"));
    }
}

#[tokio::test]
async fn data_packages_of_the_ingest_fixtures_pass_frictionless_validate() {
    let Some(frictionless) = frictionless() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let files = [
        "grdp_semicolon.csv",
        "gso_population.xlsx",
        "provinces.geojson",
        "agencies.json",
    ];
    let (tables, resources, rows) = ingest_fixtures(dir.path(), &files);
    assert_eq!(resources.len(), 5, "the XLSX gives two tables");
    let package = DataPackage {
        name: "Số liệu kiểm thử".into(),
        title: Some("Số liệu kiểm thử".into()),
        description: Some("Các tệp mẫu của dulieu-tables".into()),
        homepage: Some("https://dulieu.example/datasets/so-lieu-kiem-thu".into()),
        licenses: vec![PackageLicense {
            name: Some("CC-BY-4.0".into()),
            path: Some("https://creativecommons.org/licenses/by/4.0/".into()),
            title: Some("Creative Commons Attribution 4.0".into()),
        }],
        resources,
    };
    let unpacked = dir.path().join("package");
    let (descriptor, entries) = export_and_unpack(&tables, &package, &unpacked).await;
    assert_eq!(entries.len(), 6, "{entries:?}");
    validate(&frictionless, &descriptor, &rows);

    // One package per fixture too, so a failure names its file.
    for (n, file) in files.iter().enumerate() {
        let (resources, rows): (Vec<PackageResource>, Vec<u64>) = package
            .resources
            .iter()
            .zip(&rows)
            .filter(|(r, _)| r.name.starts_with(file))
            .map(|(r, n)| (r.clone(), *n))
            .unzip();
        let single = DataPackage {
            name: file.to_string(),
            resources,
            ..DataPackage::default()
        };
        let (descriptor, _) =
            export_and_unpack(&tables, &single, &dir.path().join(format!("single-{n}"))).await;
        validate(&frictionless, &descriptor, &rows);
    }
}
