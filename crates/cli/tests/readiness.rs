//! The real `dulieu` binary and readiness: `readiness import` loads the Vietnam 2019 assessments
//! and plans once, `admin grant-odtf` / `revoke-odtf` change the portal team, `readiness
//! refresh` runs, and a broken framework file in the frameworks folder stops the binary with the
//! file and the field named.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use std::io::Write;

const BIN: &str = env!("CARGO_BIN_EXE_dulieu");

/// Runs `dulieu ARGS --data-dir DIR` in English.
fn run(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env("DULIEU_LANG", "en")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dulieu");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn ok(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let output = run(data_dir, args, stdin);
    assert!(
        output.status.success(),
        "dulieu {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Whether the user with `email` is in the portal team, read from the SQLite catalog.
fn is_odtf(data_dir: &Path, email: &str) -> bool {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = format!("sqlite://{}?mode=rwc", data_dir.join("dulieu.db").display());
        let store = dulieu_store::Store::connect(&url, &Default::default())
            .await
            .unwrap();
        let mut conn = store.conn().await.unwrap();
        let (user, _) = dulieu_store::accounts::user_by_email(&mut conn, email)
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
        "Readiness: 2 assessments and 2 action plans imported."
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
