//! Test support (feature `pyshacl`): runs `pyshacl`, the SHACL validator nobody on the team
//! wrote, on a document and reads its report.
//!
//! The validator is the command named by `DULIEU_PYSHACL` (`scripts/test` installs a pinned
//! version in a venv and sets it). Without it [`pyshacl`] returns `None` and the caller skips,
//! except under `CI=true`, where it panics: CI never skips the check silently.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use oxrdf::vocab::rdf;
use oxrdf::{Graph, NamedNodeRef, TermRef};
use oxrdfio::{RdfFormat, RdfParser};

use crate::RdfSyntax;

const PYSHACL_VAR: &str = "DULIEU_PYSHACL";
const SH: &str = "http://www.w3.org/ns/shacl#";

/// The validator from the environment; `None` means skip (never under `CI=true`).
pub fn pyshacl() -> Option<PathBuf> {
    match std::env::var(PYSHACL_VAR) {
        Ok(path) if !path.trim().is_empty() => Some(PathBuf::from(path.trim())),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "{PYSHACL_VAR} is not set but CI=true: the DCAT-AP exports must be validated by \
             pyshacl in CI. Run the tests through scripts/test, which installs it in a venv and \
             sets {PYSHACL_VAR}."
        ),
        _ => {
            eprintln!(
                "note: {PYSHACL_VAR} is not set; skipping the pyshacl validation \
                 (scripts/test installs pyshacl and sets it)"
            );
            None
        }
    }
}

/// One result of a validation report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `Violation`, `Warning` or `Info`.
    pub severity: String,
    /// The focus node.
    pub focus: String,
    /// The property path.
    pub path: String,
    /// The message.
    pub message: String,
}

/// A validation report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// `sh:conforms`.
    pub conforms: bool,
    /// Every result.
    pub findings: Vec<Finding>,
}

impl Report {
    /// The results of severity `Violation`.
    pub fn violations(&self) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == "Violation")
            .collect()
    }
}

/// Validates `data` (in `syntax`) against the union of the Turtle shapes files `shapes` with
/// `pyshacl` at `bin`, with RDFS inference when `rdfs` is set; panics when pyshacl cannot run.
pub fn validate(
    bin: &Path,
    shapes: &[&Path],
    data: &[u8],
    syntax: RdfSyntax,
    rdfs: bool,
) -> Report {
    let mut file = tempfile_in_tmp(syntax.extension());
    file.1.write_all(data).expect("write the data graph");
    drop(file.1);
    // pyshacl reads one shapes file; Turtle files concatenate (each declares its prefixes).
    let mut shapes_file = tempfile_in_tmp("ttl");
    for path in shapes {
        let text = std::fs::read(path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        shapes_file.1.write_all(&text).expect("write the shapes");
        shapes_file.1.write_all(b"\n").expect("write the shapes");
    }
    drop(shapes_file.1);
    let shapes = &shapes_file.0;
    let data_format = match syntax {
        RdfSyntax::Turtle => "turtle",
        RdfSyntax::RdfXml => "xml",
        RdfSyntax::JsonLd => "json-ld",
    };
    let mut command = Command::new(bin);
    command
        .arg("-s")
        .arg(shapes)
        .args(["-df", data_format, "-f", "turtle"]);
    if rdfs {
        command.args(["-i", "rdfs"]);
    }
    let output = command
        .arg(&file.0)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", bin.display()));
    let _ = std::fs::remove_file(&file.0);
    let _ = std::fs::remove_file(&shapes_file.0);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "pyshacl failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    parse_report(&output.stdout)
}

fn tempfile_in_tmp(extension: &str) -> (PathBuf, std::fs::File) {
    let path = std::env::temp_dir().join(format!(
        "dulieu-shacl-{}-{}.{extension}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let file = std::fs::File::create(&path).expect("create a temporary file");
    (path, file)
}

/// Reads a `sh:ValidationReport` written in Turtle.
pub fn parse_report(turtle: &[u8]) -> Report {
    let mut graph = Graph::new();
    for triple in RdfParser::from_format(RdfFormat::Turtle).for_slice(turtle) {
        let quad = triple.unwrap_or_else(|err| {
            panic!(
                "unreadable pyshacl report: {err}\n{}",
                String::from_utf8_lossy(turtle)
            )
        });
        graph.insert(quad.as_ref());
    }
    let sh = |local: &str| format!("{SH}{local}");
    let conforms_iri = sh("conforms");
    let conforms = graph
        .triples_for_predicate(NamedNodeRef::new_unchecked(&conforms_iri))
        .any(|t| matches!(t.object, TermRef::Literal(l) if l.value() == "true"));
    let result_class = sh("ValidationResult");
    let text = |subject, local: &str| {
        let predicate = sh(local);
        graph
            .object_for_subject_predicate(subject, NamedNodeRef::new_unchecked(&predicate))
            .map(|o| match o {
                TermRef::NamedNode(n) => n.as_str().trim_start_matches(SH).to_string(),
                TermRef::Literal(l) => l.value().to_string(),
                other => other.to_string(),
            })
            .unwrap_or_default()
    };
    let findings = graph
        .subjects_for_predicate_object(rdf::TYPE, NamedNodeRef::new_unchecked(&result_class))
        .map(|result| Finding {
            severity: text(result, "resultSeverity"),
            focus: text(result, "focusNode"),
            path: text(result, "resultPath"),
            message: text(result, "resultMessage"),
        })
        .collect();
    Report { conforms, findings }
}
