//! The real `dulieu` binary and its search index: `dulieu reindex` builds it from a demo catalog
//! (with `demo load` leaving it alone), `serve` reuses it as it is, refuses a second writer, and a
//! SIGKILLed server restarts on its committed index without rebuilding it.

use crate::support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{Server, admin_token, ok, run, with_catalog};

/// The last sequence number of the event log of the SQLite catalog in `data_dir`.
fn last_seq(data_dir: &Path) -> i64 {
    with_catalog(data_dir, async |conn| {
        dulieu_store::events::last_seq(conn).await.unwrap()
    })
}

/// What these tests read from a server: its log and its search answers.
impl Server {
    /// The `indexed_seq` the server found its index at when it started (it listens before it
    /// opens the index: the line is waited for).
    fn opened_at(&self) -> Option<i64> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let log = loop {
            let log = self.log();
            if log.contains("search index opened") {
                break log;
            }
            assert!(
                Instant::now() < deadline,
                "no 'search index opened' line in the log:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let line = log
            .lines()
            .find(|l| l.contains("search index opened"))
            .unwrap();
        let value = line
            .split("indexed_seq=")
            .nth(1)
            .unwrap_or_else(|| panic!("no indexed_seq in {line}"));
        value
            .strip_prefix("Some(")
            .and_then(|v| v.split(')').next())
            .map(|v| v.parse().unwrap())
    }

    /// The slugs found for `q` by anyone.
    fn search(&self, q: &str) -> Vec<String> {
        let (status, body) = self.json("GET", &format!("/api/1/search?facets=&q={q}"), "", None);
        assert_eq!(status, 200, "{body}");
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["slug"].as_str().unwrap().to_string())
            .collect()
    }
}

/// The four Ministry of Finance datasets with "ngân sách" in their title.
const BUDGETS: [&str; 4] = [
    "mof-annual-state-budget-reports",
    "mof-budgets-ministries-agencies-provinces",
    "mof-citizens-budget",
    "mof-state-budget-estimates",
];

#[test]
fn reindex_builds_the_index_serve_reuses_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(data, &["demo", "load"], None, None);
    assert!(
        !data.join("search").exists(),
        "demo load does not open the search index"
    );

    let built = ok(data, &["reindex"], None, None);
    assert!(
        built.contains("Đã xây dựng lại chỉ mục tìm kiếm: 49 tập dữ liệu"),
        "{built}"
    );
    let built = ok(data, &["reindex"], Some("en"), None);
    assert!(
        built.contains("Search index rebuilt: 49 datasets"),
        "{built}"
    );
    assert!(data.join("search").join("meta.json").exists());
    let reindexed_at = last_seq(data);
    let token = admin_token(data);

    // serve opens the index as reindex left it, and answers from it without rebuilding. Without
    // the worker: its watchdog writes to the event log on its own (a sweep at start, a check of
    // each changed dataset), which would move the log's end while the test compares it with the
    // index's position.
    let server = Server::start_logged_with(data, dir.path().join("serve-1.log"), &["--no-worker"]);
    assert_eq!(server.opened_at(), Some(reindexed_at));
    let found = server.search("ngan+sach");
    let mut top: Vec<String> = found.iter().take(4).cloned().collect();
    top.sort();
    assert_eq!(top, BUDGETS, "{found:?}");

    // One writer per index: reindex refuses while serve holds it, and says why.
    let refused = run(data, &["reindex"], None, None);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("Không mở được chỉ mục tìm kiếm")
            && stderr.contains("open in another process"),
        "{stderr}"
    );

    // A new dataset reaches the index; then the server is killed.
    let (status, created) = server.json(
        "POST",
        "/api/1/datasets",
        &token,
        Some(json!({"slug": "mua-axit", "title": {"vi": "Quan trắc mưa axit"}, "publisher": "monre", "status": "published"})),
    );
    assert_eq!(status, 201, "{created}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.search("mua+axit") != ["mua-axit"] {
        assert!(
            Instant::now() < deadline,
            "the new dataset was never indexed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = server.log();
    assert!(!log.contains("rebuilding the search index"), "{log}");
    let killed_at = last_seq(data);
    server.kill();

    // Restarted, it finds its committed index at the end of the log: nothing to rebuild.
    let server = Server::start_logged_with(data, dir.path().join("serve-2.log"), &["--no-worker"]);
    assert_eq!(server.opened_at(), Some(killed_at));
    assert_eq!(server.search("mua+axit"), ["mua-axit"]);
    assert_eq!(server.search("ngan+sach").len(), found.len());
    std::thread::sleep(Duration::from_millis(300));
    let log = server.log();
    assert!(!log.contains("rebuilding the search index"), "{log}");
}

/// `dulieu bench search` on a small catalog: its figures, and each target with whether it was met
/// (the build rate is checked only when the index was built, not reused).
#[test]
fn bench_search_prints_its_figures_and_targets_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let args = [
        "bench",
        "search",
        "--datasets",
        "3000",
        "--organizations",
        "30",
        "--seconds",
        "1",
        "--index-threads",
        "1",
        "--index-memory-mb",
        "50",
        "--index-dir",
        index.to_str().unwrap(),
    ];
    let bench = || {
        let output = support::run_in(dir.path(), &args, None);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let report = bench();
    assert_eq!(report["benchmark"], "search");
    assert_eq!(report["datasets"], 3000);
    assert!(report["build"]["datasets_per_second"].as_f64().unwrap() > 0.0);
    for run in ["queries", "queries_with_result_cache"] {
        assert!(
            report[run]["queries_per_second"].as_f64().unwrap() > 0.0,
            "{run}"
        );
        for kind in [
            "single_word",
            "two_words_vi_folded",
            "two_words_with_all_facets",
        ] {
            assert!(report[run]["by_kind"][kind]["queries"].as_u64().unwrap() > 0);
        }
    }
    let targets = &report["targets"];
    for target in ["queries_per_second", "p99_ms", "build_datasets_per_second"] {
        assert!(targets[target]["met"].is_boolean(), "{target}: {targets}");
    }
    assert_eq!(
        targets["queries_per_second"]["value"],
        report["queries"]["queries_per_second"]
    );

    // Again on the kept index: nothing is built, so the build target is skipped.
    let again = bench();
    assert_eq!(again["build"], serde_json::Value::Null);
    assert_eq!(
        again["targets"]["build_datasets_per_second"]["skipped"],
        true
    );
}
