//! The export against the official DCAT-AP 3.0.1 shapes, run by pyshacl.

use std::path::{Path, PathBuf};

use dulieu_dcat::RdfSyntax;
use dulieu_dcat::shacl::{self, Report};

use crate::fixture;

fn shapes(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/dcat-ap-3.0.1")
        .join(name)
}

/// Validates `data` with both shape files; panics on any violation, returns the warnings.
pub fn assert_conforms(bin: &Path, data: &[u8], syntax: RdfSyntax) -> Vec<String> {
    let mut warnings = Vec::new();
    // The 3.0.1 release's three shape sets that work offline: the single-file design
    // (cardinalities, literal and class ranges), and the older pair (existence and cardinality;
    // class ranges). Recommended-property warnings come from shapes_recommended.ttl.
    for file in [
        "dcat-ap-SHACL.ttl",
        "shapes.ttl",
        "range.ttl",
        "shapes_recommended.ttl",
    ] {
        let report: Report = shacl::validate(bin, &[&shapes(file)], data, syntax, false);
        let violations = report.violations();
        // Recommended-property shapes only warn: they do not conform, without violations.
        let conforms = report.conforms || file == "shapes_recommended.ttl";
        assert!(
            conforms && violations.is_empty(),
            "{file} ({syntax:?}): {} violation(s):\n{violations:#?}\n{}",
            violations.len(),
            String::from_utf8_lossy(data)
        );
        warnings.extend(
            report
                .findings
                .iter()
                .map(|f| format!("{file}: {} {} {}", f.focus, f.path, f.message)),
        );
    }
    warnings
}

#[test]
fn the_catalog_conforms_to_dcat_ap_3_in_every_syntax() {
    let Some(bin) = shacl::pyshacl() else {
        return;
    };
    let page = dulieu_dcat::HydraPage {
        url: format!("{}/catalog.ttl", fixture::BASE),
        page: 2,
        page_size: 2,
        total: 5,
    };
    for syntax in RdfSyntax::ALL {
        let warnings = assert_conforms(&bin, &fixture::catalog(syntax, Some(&page)), syntax);
        for warning in warnings {
            eprintln!("warning: {warning}");
        }
    }
}

#[test]
fn a_violation_is_reported() {
    let Some(bin) = shacl::pyshacl() else {
        return;
    };
    // A dataset without a title or description: the shapes must catch it, or the check above
    // proves nothing.
    let data = b"<https://x.example/d> a <http://www.w3.org/ns/dcat#Dataset> .";
    let report = shacl::validate(
        &bin,
        &[&shapes("dcat-ap-SHACL.ttl")],
        data,
        RdfSyntax::Turtle,
        false,
    );
    assert!(!report.conforms);
    let paths: Vec<&str> = report
        .violations()
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert!(
        paths.contains(&"http://purl.org/dc/terms/title"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"http://purl.org/dc/terms/description"),
        "{paths:?}"
    );
}

#[test]
fn data_json_conforms_to_the_project_open_data_schema() {
    let Some(bin) = shacl::pyshacl() else {
        return;
    };
    // The venv that holds pyshacl also holds jsonschema (a dependency of frictionless).
    let python = bin.with_file_name("python");
    let schemas =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/project-open-data-v1.1");
    let mut writer = dulieu_dcat::DataJsonWriter::new(Vec::new(), fixture::site()).unwrap();
    writer
        .dataset(&fixture::full_dataset(), &fixture::gso())
        .unwrap();
    writer
        .dataset(&fixture::bare_dataset(), &fixture::gso())
        .unwrap();
    let bytes = writer.finish().unwrap();
    let data = std::env::temp_dir().join(format!(
        "dulieu-data-{}.json",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::write(&data, &bytes).unwrap();
    let output = std::process::Command::new(&python)
        .arg(schemas.join("validate.py"))
        .arg(&schemas)
        .arg(&data)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", python.display()));
    let _ = std::fs::remove_file(&data);
    assert!(
        output.status.success(),
        "data.json does not validate:\n{}{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&bytes)
    );
}
