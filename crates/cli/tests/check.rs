//! The real `dulieu` binary's watchdog commands: `dulieu check` sweeps a catalog (a first sweep
//! stores every report, a second changes none), checks one dataset and explains its findings in
//! the operator's language, refuses an unknown dataset clearly, prints the compliance profile in
//! force as TOML; `dulieu bench checks` times sweeps of a synthetic catalog.

use crate::support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use support::{BIN, ok, run, run_in, with_catalog};

/// A demo dataset (Ministry of Finance).
const DATASET: &str = "mof-citizens-budget";

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Runs `dulieu ARGS --data-dir DIR` in English with `env` set.
fn run_with_env(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("LC_ALL")
        .env_remove("LANG")
        .env("DULIEU_LANG", "en")
        .stdin(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

#[test]
fn check_sweeps_the_catalog_then_explains_one_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(data, &["demo", "load"], None, None);
    let datasets = with_catalog(data, async |conn| {
        dulieu_store::datasets::count(conn).await.unwrap()
    });
    assert!(datasets > 0);

    // The first sweep stores a report for every dataset.
    let first = json(&ok(data, &["check", "--json"], Some("en"), None));
    assert_eq!(first["checked"], datasets, "{first}");
    assert_eq!(first["changed"], datasets, "every report is new: {first}");
    assert_eq!(first["profile"], "vn-default-2026");
    let league = first["league"].as_array().unwrap();
    assert!(
        !league.is_empty(),
        "public demo datasets are ranked: {first}"
    );
    assert_eq!(league[0]["rank"], 1);
    let ranked: i64 = league.iter().map(|e| e["datasets"].as_i64().unwrap()).sum();
    assert!(ranked > 0 && ranked <= datasets, "{ranked} of {datasets}");
    let reports = with_catalog(data, async |conn| {
        dulieu_store::quality::scan(conn, None, false, None, 1_000)
            .await
            .unwrap()
            .len() as i64
    });
    assert_eq!(reports, datasets, "one stored report per dataset");

    // A second sweep finds nothing new, and says so in the operator's language.
    let second = ok(data, &["check"], Some("en"), None);
    assert!(
        second.contains(&format!("Datasets checked: {datasets},")),
        "{second}"
    );
    assert!(second.contains("Reports changed: 0."), "{second}");
    assert!(
        second.contains("Tickets: 0 opened, 0 updated, 0 closed."),
        "{second}"
    );
    assert!(second.contains("League table"), "{second}");
    assert!(second.contains("1. "), "the top of the league: {second}");
    let vietnamese = ok(data, &["check"], None, None);
    assert!(
        vietnamese.contains(&format!("Đã kiểm tra {datasets} bộ dữ liệu")),
        "Vietnamese by default: {vietnamese}"
    );
    assert!(vietnamese.contains("Bảng xếp hạng"), "{vietnamese}");

    // One dataset, as JSON: the report people read.
    let report = json(&ok(
        data,
        &["check", "--dataset", DATASET, "--json"],
        Some("en"),
        None,
    ));
    assert_eq!(report["slug"], DATASET, "{report}");
    let findings = report["findings"].as_array().unwrap();
    let counts = &report["counts"];
    let counted = counts["violations"].as_i64().unwrap()
        + counts["warnings"].as_i64().unwrap()
        + counts["infos"].as_i64().unwrap();
    assert_eq!(findings.len() as i64, counted, "{report}");
    let stars = report["report"]["scores"]["stars"]["dataset"]
        .as_u64()
        .unwrap();
    assert!(stars <= 5);

    // The same as text: scores, then each finding with what it is about and how to fix it.
    let text = ok(data, &["check", "--dataset", DATASET], Some("en"), None);
    assert!(text.contains(&format!("({DATASET})")), "{text}");
    assert!(text.contains(&format!("Scores: {stars}/5 stars")), "{text}");
    for finding in findings {
        let rule = finding["rule"].as_str().unwrap();
        let message = finding["message"].as_str().unwrap();
        assert!(
            text.contains(&format!("{rule} (")) && text.contains(message),
            "{rule}: {message} in {text}"
        );
        assert!(
            text.contains(&format!("How to fix: {}", finding["fix"].as_str().unwrap())),
            "{text}"
        );
    }
    if findings.is_empty() {
        assert!(text.contains("Nothing to report."), "{text}");
    }
    let text_vi = ok(data, &["check", "--dataset", DATASET], None, None);
    assert!(text_vi.contains("Điểm: "), "{text_vi}");
    if !findings.is_empty() {
        assert!(text_vi.contains("Cách khắc phục: "), "{text_vi}");
    }
}

#[test]
fn check_refuses_an_unknown_dataset_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(data, &["migrate"], None, None);
    let output = run(
        data,
        &["check", "--dataset", "no-such-dataset"],
        Some("en"),
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("no dataset has the slug or id “no-such-dataset”"),
        "{err}"
    );
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    let output = run(data, &["check", "--dataset", "no-such-dataset"], None, None);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("không có bộ dữ liệu nào"),
        "{}",
        stderr(&output)
    );
    // An empty catalog sweeps to nothing, successfully.
    let empty = ok(data, &["check"], Some("en"), None);
    assert!(empty.contains("Datasets checked: 0,"), "{empty}");
    assert!(empty.contains("league table is empty"), "{empty}");
}

#[test]
fn print_profile_prints_the_profile_in_force_as_toml() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let text = ok(data, &["check", "--print-profile"], None, None);
    let profile: toml::Table = toml::from_str(&text).expect("the default profile is TOML");
    assert_eq!(profile["name"].as_str(), Some("vn-default-2026"));
    assert_eq!(
        profile["rules"]["license.present"].as_str(),
        Some("violation"),
        "{text}"
    );
    assert!(profile["formats"].get("CSV").is_some());

    // A deployment's own profile is the one printed.
    let own = text.replace("name = \"vn-default-2026\"", "name = \"tinh-thu-nghiem\"");
    let path = data.join("profile.toml");
    std::fs::write(&path, &own).unwrap();
    let output = run_with_env(
        data,
        &["check", "--print-profile"],
        &[("DULIEU_QUALITY_PROFILE", path.to_str().unwrap())],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let printed: toml::Table = toml::from_str(&stdout(&output)).unwrap();
    assert_eq!(printed["name"].as_str(), Some("tinh-thu-nghiem"));

    // A broken one is refused with its key.
    std::fs::write(&path, own.replace("[pii]\n", "[pii]\ncolour = \"red\"\n")).unwrap();
    let output = run_with_env(
        data,
        &["check", "--print-profile"],
        &[("DULIEU_QUALITY_PROFILE", path.to_str().unwrap())],
    );
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("is not valid") && err.contains("colour"),
        "{err}"
    );
}

#[test]
fn bench_checks_times_a_first_and_a_steady_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(
        dir.path(),
        &[
            "bench",
            "checks",
            "--datasets",
            "50",
            "--organizations",
            "4",
        ],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report = json(&stdout(&output));
    assert_eq!(report["benchmark"], "checks");
    assert_eq!(report["datasets"], 50, "{report}");
    assert_eq!(report["create"]["datasets"], 50, "{report}");
    assert!(
        report["checks_per_second"].as_f64().unwrap() > 0.0,
        "{report}"
    );
    assert!(report["seconds"].as_f64().unwrap() > 0.0, "{report}");
    assert!(
        report["findings"].as_i64().unwrap() > 0,
        "a realistic mix has findings: {report}"
    );
    let by_rule: i64 = report["findings_by_rule"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_i64().unwrap())
        .sum();
    assert_eq!(Some(by_rule), report["findings"].as_i64(), "{report}");
    assert_eq!(report["first_sweep"]["reports_changed"], 50, "{report}");
    assert_eq!(report["steady_sweep"]["datasets"], 50, "{report}");
    assert_eq!(
        report["steady_sweep"]["reports_changed"], 0,
        "nothing changed between the sweeps: {report}"
    );
    assert!(
        report["datasets_violating"]["license.present"]
            .as_i64()
            .unwrap_or(0)
            > 0,
        "some synthetic datasets have no license: {report}"
    );
    assert!(report["target"]["met"].is_boolean());
}
