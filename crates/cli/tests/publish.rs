//! `dulieu publish`: an agency's file pushed to a dataset becomes a new file, then a new version
//! when its bytes change; the same bytes again change nothing; a missing file is refused.

use crate::support;

use support::{ok, run};

#[test]
fn publish_pushes_new_bytes_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo", "load"], None, None);
    let file = dir.path().join("chi-tieu-2026.csv");
    std::fs::write(&file, "thang,chi\n1,100\n").unwrap();
    let path = file.to_str().unwrap();
    let publish = [
        "publish",
        "--dataset",
        "mof-citizens-budget",
        "--file",
        path,
    ];

    let first = ok(&data, &publish, Some("en"), None);
    assert!(first.contains("as a new file"), "{first}");
    let again = ok(&data, &publish, Some("en"), None);
    assert!(again.contains("is unchanged"), "{again}");
    std::fs::write(&file, "thang,chi\n1,100\n2,120\n").unwrap();
    let newer = ok(&data, &publish, Some("vi"), None);
    assert!(newer.contains("phiên bản 2"), "{newer}");

    let missing = run(
        &data,
        &[
            "publish",
            "--dataset",
            "mof-citizens-budget",
            "--file",
            "/nonexistent/x.csv",
        ],
        Some("en"),
        None,
    );
    assert!(!missing.status.success());
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("Cannot read the file /nonexistent/x.csv"),
        "{stderr}"
    );
    let unknown = run(
        &data,
        &["publish", "--dataset", "khong-co", "--file", path],
        Some("en"),
        None,
    );
    assert!(!unknown.status.success());
}
