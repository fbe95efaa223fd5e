//! The real `dulieu` binary and readiness: `readiness import` loads the Vietnam 2019 assessments
//! and plans once, `admin grant-odtf` / `revoke-odtf` change the portal team, `readiness
//! refresh` runs, and a broken framework file in the frameworks folder stops the binary with the
//! file and the field named.

use crate::support;

use std::path::Path;
use std::process::Output;

use support::with_catalog;

/// Messages in English.
const EN: Option<&str> = Some("en");

/// Runs `dulieu ARGS --data-dir DIR` in English.
fn run(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    support::run(data_dir, args, EN, stdin)
}

/// Like [`run`], asserting success; returns standard output.
fn ok(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    support::ok(data_dir, args, EN, stdin)
}

/// Whether the user with `email` is in the portal team, read from the SQLite catalog.
fn is_odtf(data_dir: &Path, email: &str) -> bool {
    with_catalog(data_dir, async |conn| {
        let (user, _) = dulieu_store::accounts::user_by_email(conn, email)
            .await
            .unwrap()
            .unwrap();
        user.is_odtf
    })
}

#[test]
fn import_grant_and_refresh_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let first = ok(dir.path(), &["readiness", "import"], None);
    assert_eq!(
        first.trim(),
        "Readiness: 3 assessments and 2 action plans imported."
    );
    let again = ok(dir.path(), &["readiness", "import"], None);
    assert_eq!(
        again.trim(),
        "Readiness: 0 assessments and 0 action plans imported."
    );

    ok(
        dir.path(),
        &[
            "admin",
            "create-user",
            "--email",
            "odtf@example.vn",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(!is_odtf(dir.path(), "odtf@example.vn"));
    let granted = ok(
        dir.path(),
        &["admin", "grant-odtf", "--email", "odtf@example.vn"],
        None,
    );
    assert_eq!(
        granted.trim(),
        "odtf@example.vn is now in the portal team (odtf)."
    );
    assert!(is_odtf(dir.path(), "odtf@example.vn"));
    ok(
        dir.path(),
        &["admin", "revoke-odtf", "--email", "odtf@example.vn"],
        None,
    );
    assert!(!is_odtf(dir.path(), "odtf@example.vn"));
    let unknown = run(
        dir.path(),
        &["admin", "grant-odtf", "--email", "nobody@example.vn"],
        None,
    );
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("nobody@example.vn"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );

    let refreshed = ok(dir.path(), &["readiness", "refresh"], None);
    assert_eq!(
        refreshed.trim(),
        "0 live figures refreshed.",
        "the 2019 report has none"
    );
}

#[test]
fn a_broken_framework_file_stops_the_binary_with_its_field() {
    let dir = tempfile::tempdir().unwrap();
    let frameworks = dir.path().join("frameworks");
    std::fs::create_dir_all(&frameworks).unwrap();
    std::fs::write(
        frameworks.join("broken.toml"),
        "id = \"broken\"\nversion = \"1\"\nname = { en = \"Broken\" }\n",
    )
    .unwrap();
    let output = run(dir.path(), &["migrate"], None);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.toml"), "{stderr}");
}
