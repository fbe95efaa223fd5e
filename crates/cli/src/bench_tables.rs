//! `dulieu bench tables`: the datastore measured on a synthetic CSV shaped like published
//! statistics ([`dulieu_tables::bench::write_synthetic_csv`]), then compared with Datasette.
//!
//! 1. Ingest (CSV → Parquet with types, profile and warnings): rows and megabytes per second,
//!    and rows per second per core (rows over the CPU time the process spent).
//! 2. Queries with the in-process engine ([`dulieu_query::bench::run`]): filtered row pages
//!    (with their total), a group-by and a SQL query; p50/p99 of each.
//! 3. Unless `--skip-datasette`: in a Python venv made when missing (pinned sqlite-utils and
//!    Datasette), `sqlite-utils insert` against the ingest on the first M rows of the same CSV,
//!    and the same queries in SQLite SQL through Datasette's JSON API over loopback HTTP against
//!    the engine on the same M rows; that the answers agree is checked.
//!
//! Peak memory is the process's peak resident set (`VmHWM`). Everything is printed as one JSON
//! document, with the targets of the datastore and whether each was met.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use clap::Args;
use dulieu_query::{Engine, EngineConfig};
use dulieu_tables::IngestOptions;
use http_body_util::{BodyExt, Empty};
use serde_json::{Value, json};

use crate::bench::{round, rss_kib};
use crate::bench_search::cpu_seconds;

/// Options of the tables benchmark.
#[derive(Args, Debug, Clone)]
pub struct TablesArgs {
    /// Rows of the synthetic CSV ingested and queried.
    #[arg(long, default_value_t = 10_000_000)]
    pub rows: u64,
    /// Rows of the comparison with sqlite-utils and Datasette: the first rows of the same CSV.
    #[arg(long, default_value_t = 1_000_000)]
    pub datasette_rows: u64,
    /// Skip the comparison (no Python needed).
    #[arg(long)]
    pub skip_datasette: bool,
    /// Working folder for the CSV, Parquet and SQLite files (a temporary folder when absent;
    /// a given folder is kept).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Python venv with sqlite-utils and Datasette, made when missing [default:
    /// $XDG_CACHE_HOME/dulieu/bench-venv, else ~/.cache/dulieu/bench-venv].
    #[arg(long)]
    pub venv: Option<PathBuf>,
    /// Python that makes the venv.
    #[arg(long, default_value = "python3")]
    pub python: String,
    /// Filtered row queries measured (on each side of the comparison too).
    #[arg(long, default_value_t = 200)]
    pub queries: usize,
    /// Runs of the group-by and of the SQL query measured (on each side too).
    #[arg(long, default_value_t = 10)]
    pub repeats: usize,
}

/// The pinned versions installed in the venv.
const DATASETTE_VERSION: &str = "0.65.5";
const SQLITE_UTILS_VERSION: &str = "4.2.1";
/// The table's name in SQLite.
const SQLITE_TABLE: &str = "synthetic";

/// The datastore's targets.
const TARGET_INGEST_ROWS_PER_CORE: f64 = 1_000_000.0;
const TARGET_INGEST_VS_SQLITE_UTILS: f64 = 10.0;
const TARGET_FILTERED_P99_MS: f64 = 50.0;
const TARGET_GROUP_BY_MS: f64 = 300.0;
const TARGET_QUERIES_VS_DATASETTE: f64 = 5.0;
/// The table size the latency targets are stated at.
const TARGET_ROWS: u64 = 10_000_000;

/// Runs the benchmark and prints its JSON report.
pub async fn tables(args: TablesArgs) -> anyhow::Result<()> {
    let temporary = tempfile::tempdir().context("temporary directory")?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| temporary.path().to_path_buf());
    std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
    let engine = Engine::new(EngineConfig::default())?;
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());

    let csv = dir.join(format!("synthetic-{}.csv", args.rows));
    let generated = generate(&csv, args.rows).await?;
    let ingested = ingest_timed(&csv, &dir.join(format!("parquet-{}", args.rows))).await?;
    let rss_after_ingest = rss_kib(std::process::id(), "VmHWM");
    let (queries, _) =
        measure_engine(&engine, &ingested.parquet, args.queries, args.repeats).await?;

    let comparison = if args.skip_datasette {
        None
    } else {
        Some(compare(&args, &dir, &engine).await?)
    };
    let rss_peak = rss_kib(std::process::id(), "VmHWM");

    let per_core = ingested.rows_per_cpu_second();
    let filtered_p99 = percentile_ms(&queries.filtered, 0.99);
    let group_by_p50 = percentile_ms(&queries.group_by, 0.50);
    // The latency targets hold at 10 M rows: say at which size they were measured.
    let size = |statistic: &str| {
        object(json!({
            "statistic": statistic,
            "measured_at_rows": args.rows,
            "at_target_size": args.rows >= TARGET_ROWS,
        }))
    };
    let mut targets = json!({
        "ingest_rows_per_second_per_core": target(
            "≥ 1,000,000 rows/s per core (CSV → Parquet)",
            TARGET_INGEST_ROWS_PER_CORE,
            per_core,
            per_core >= TARGET_INGEST_ROWS_PER_CORE,
        ),
        "filtered_p99_ms": merge(
            target(
                "filtered rows p99 ≤ 50 ms at 10,000,000 rows",
                TARGET_FILTERED_P99_MS,
                filtered_p99,
                filtered_p99 <= TARGET_FILTERED_P99_MS,
            ),
            size("p99"),
        ),
        "group_by_ms": merge(
            target(
                "group-by ≤ 300 ms at 10,000,000 rows",
                TARGET_GROUP_BY_MS,
                group_by_p50,
                group_by_p50 <= TARGET_GROUP_BY_MS,
            ),
            size("p50"),
        ),
    });
    let (ingest_ratio, query_ratio) = comparison.as_ref().map_or((None, None), |c| {
        (Some(c.ingest_ratio), Some(c.min_query_ratio))
    });
    targets["ingest_vs_sqlite_utils"] = optional_target(
        "≥ 10× sqlite-utils insert (rows/s, same rows)",
        TARGET_INGEST_VS_SQLITE_UTILS,
        ingest_ratio,
    );
    targets["queries_vs_datasette"] = optional_target(
        "≥ 5× Datasette (p50 of each query kind, the smallest ratio)",
        TARGET_QUERIES_VS_DATASETTE,
        query_ratio,
    );

    let report = json!({
        "benchmark": "tables",
        "rows": args.rows,
        "cpus": cpus,
        "csv": {
            "bytes": generated.bytes,
            "mb": round(generated.bytes as f64 / 1e6),
            "generate_seconds": round(generated.seconds),
        },
        "ingest": ingested.to_json(),
        "queries": queries.to_json(),
        "rss_mb": {
            "peak_after_ingest": rss_after_ingest.map(|k| round(k as f64 / 1024.0)),
            "peak": rss_peak.map(|k| round(k as f64 / 1024.0)),
        },
        "datasette": comparison.map_or_else(|| json!({"skipped": true}), |c| c.report),
        "targets": targets,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

/// A target with its figure and whether it was met.
pub(crate) fn target(description: &str, target: f64, value: f64, met: bool) -> Value {
    json!({"target": description, "threshold": target, "value": round(value), "met": met})
}

/// A "≥ ratio" target of the comparison; `met` is null when it was skipped.
pub(crate) fn optional_target(description: &str, threshold: f64, value: Option<f64>) -> Value {
    match value {
        Some(value) => target(description, threshold, value, value >= threshold),
        None => json!({"target": description, "threshold": threshold, "value": null,
                       "met": null, "skipped": true}),
    }
}

fn merge(mut value: Value, extra: serde_json::Map<String, Value>) -> Value {
    if let Value::Object(map) = &mut value {
        map.extend(extra);
    }
    value
}

/// Runs blocking work off the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(work).await?
}

struct Generated {
    bytes: u64,
    seconds: f64,
}

/// Writes the synthetic CSV of `rows` rows (the first rows of any larger one) to `path`.
async fn generate(path: &Path, rows: u64) -> anyhow::Result<Generated> {
    let path = path.to_path_buf();
    blocking(move || {
        let started = Instant::now();
        let file = std::fs::File::create(&path).with_context(|| path.display().to_string())?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        let bytes = dulieu_tables::bench::write_synthetic_csv(&mut out, rows)?;
        Ok(Generated {
            bytes,
            seconds: started.elapsed().as_secs_f64(),
        })
    })
    .await
}

/// One timed ingest.
struct Ingested {
    rows: u64,
    source_bytes: u64,
    seconds: f64,
    cpu_seconds: f64,
    parquet: PathBuf,
    parquet_bytes: u64,
}

impl Ingested {
    fn rows_per_second(&self) -> f64 {
        self.rows as f64 / self.seconds.max(f64::EPSILON)
    }

    /// Rows per second of CPU time: what one core does.
    fn rows_per_cpu_second(&self) -> f64 {
        self.rows as f64 / self.cpu_seconds.max(0.01)
    }

    fn to_json(&self) -> Value {
        json!({
            "rows": self.rows,
            "seconds": round(self.seconds),
            "rows_per_second": round(self.rows_per_second()),
            "mb_per_second": round(self.source_bytes as f64 / 1e6 / self.seconds.max(f64::EPSILON)),
            "cpu_seconds": round(self.cpu_seconds),
            "cores_busy": round(self.cpu_seconds / self.seconds.max(f64::EPSILON)),
            "rows_per_second_per_core": round(self.rows_per_cpu_second()),
            "parquet_mb": round(self.parquet_bytes as f64 / 1e6),
        })
    }
}

/// Ingests `csv` into `out` with dulieu-tables, timing it.
async fn ingest_timed(csv: &Path, out: &Path) -> anyhow::Result<Ingested> {
    let (csv, out) = (csv.to_path_buf(), out.to_path_buf());
    blocking(move || {
        let cpu_started = cpu_seconds();
        let started = Instant::now();
        let report = dulieu_tables::ingest(&csv, &out, &IngestOptions::default(), &|_| {})
            .map_err(|e| anyhow::anyhow!("ingest of {}: {e}", csv.display()))?;
        let seconds = started.elapsed().as_secs_f64();
        let table = report
            .tables
            .first()
            .context("the synthetic CSV gives one table")?;
        Ok(Ingested {
            rows: table.row_count,
            source_bytes: report.source_bytes,
            seconds,
            cpu_seconds: cpu_seconds() - cpu_started,
            parquet: table.parquet_path.clone(),
            parquet_bytes: table.parquet_bytes,
        })
    })
    .await
}

/// Durations of each kind of query, and what they found (to compare answers).
struct QueryTimes {
    filtered: Vec<Duration>,
    /// The engine's hot columns (not for Datasette).
    hot: Option<HotTimes>,
    group_by: Vec<Duration>,
    sql: Vec<Duration>,
    matched: u64,
    groups: usize,
    sql_rows: usize,
}

/// Filtered queries before the filters' columns are in memory, and their loading.
struct HotTimes {
    filtered_from_file: Vec<Duration>,
    load: Duration,
    loaded: bool,
}

impl QueryTimes {
    fn to_json(&self) -> Value {
        let mut report = json!({
            "filtered": merge(latency(&self.filtered), object(json!({"matched_rows": self.matched}))),
            "group_by": merge(latency(&self.group_by), object(json!({"groups": self.groups}))),
            "sql": merge(latency(&self.sql), object(json!({"rows": self.sql_rows}))),
        });
        if let Some(hot) = &self.hot {
            report["filtered_from_file"] = merge(
                latency(&hot.filtered_from_file),
                object(json!({
                    "note": "totals counted from the file (hot columns off), as for a table's first queries"
                })),
            );
            report["hot_columns"] = json!({
                "loaded": hot.loaded,
                "load_ms": round(hot.load.as_secs_f64() * 1000.0),
            });
        }
        report
    }
}

fn object(value: Value) -> serde_json::Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// The engine's queries on `parquet`: a warm-up run (footer, page cache), then `queries`
/// filtered queries and `repeats` group-by and SQL runs.
async fn measure_engine(
    engine: &Engine,
    parquet: &Path,
    queries: usize,
    repeats: usize,
) -> anyhow::Result<(QueryTimes, Vec<String>)> {
    let warm_up = dulieu_query::bench::run(engine, parquet, 3).await?;
    let first = dulieu_query::bench::run(engine, parquet, queries).await?;
    let mut times = QueryTimes {
        filtered: first.filtered,
        hot: Some(HotTimes {
            filtered_from_file: first.filtered_from_file,
            load: warm_up.hot_load,
            loaded: first.hot,
        }),
        group_by: vec![first.group_by],
        sql: vec![first.sql],
        matched: first.matched,
        groups: first.groups,
        sql_rows: first.sql_rows,
    };
    for _ in 1..repeats.max(1) {
        let again = dulieu_query::bench::run(engine, parquet, 0).await?;
        times.group_by.push(again.group_by);
        times.sql.push(again.sql);
    }
    Ok((times, first.provinces))
}

/// The `p` quantile of `samples` in milliseconds (nearest rank).
fn percentile_ms(samples: &[Duration], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

fn latency(samples: &[Duration]) -> Value {
    json!({
        "runs": samples.len(),
        "p50_ms": round(percentile_ms(samples, 0.50)),
        "p99_ms": round(percentile_ms(samples, 0.99)),
        "max_ms": round(percentile_ms(samples, 1.0)),
    })
}

// ------------------------------------------------------------------ the comparison --

/// What the comparison found, and its part of the report.
struct Comparison {
    /// dulieu's rows per second over sqlite-utils'.
    ingest_ratio: f64,
    /// The smallest Datasette p50 over dulieu p50 among the query kinds.
    min_query_ratio: f64,
    report: Value,
}

async fn compare(args: &TablesArgs, dir: &Path, engine: &Engine) -> anyhow::Result<Comparison> {
    let venv = args.venv.clone().unwrap_or_else(default_venv);
    let versions = {
        let (venv, python) = (venv.clone(), args.python.clone());
        blocking(move || ensure_venv(&venv, &python)).await?
    };
    let rows = args.datasette_rows;
    let csv = dir.join(format!("synthetic-{rows}.csv"));
    generate(&csv, rows).await?;
    let ours = ingest_timed(&csv, &dir.join(format!("parquet-{rows}"))).await?;

    let db = dir.join("bench.db");
    for stale in ["bench.db", "bench.db-wal", "bench.db-shm"] {
        let _ = std::fs::remove_file(dir.join(stale));
    }
    let sqlite_utils = venv.join("bin/sqlite-utils");
    let db_arg = db.display().to_string();
    let insert_args = strings(&[
        "insert",
        &db_arg,
        SQLITE_TABLE,
        &csv.display().to_string(),
        "--csv",
    ]);
    let started = Instant::now();
    run_tool(&sqlite_utils, &insert_args).await?;
    let insert_seconds = started.elapsed().as_secs_f64();
    let insert_rows_per_second = rows as f64 / insert_seconds.max(f64::EPSILON);

    // sqlite-utils types the integer columns; the rate (with `-` for missing) and the boolean
    // stay text. Give them the types the ingest found, so the same SQL means the same thing.
    let update = format!(
        "UPDATE {SQLITE_TABLE} SET ty_le = NULLIF(ty_le, '-'), chinh_thuc = (chinh_thuc = 'true')"
    );
    let prepare = [
        strings(&["query", &db_arg, &update]),
        strings(&[
            "transform",
            &db_arg,
            SQLITE_TABLE,
            "--type",
            "ty_le",
            "float",
            "--type",
            "chinh_thuc",
            "integer",
        ]),
    ];
    let started = Instant::now();
    for step in &prepare {
        run_tool(&sqlite_utils, step).await?;
    }
    let prepare_seconds = started.elapsed().as_secs_f64();

    let (dulieu, provinces) = measure_engine(engine, &ours.parquet, args.queries, args.repeats)
        .await
        .context("dulieu queries on the comparison's rows")?;
    let mut server = Datasette::start(&venv, &db, &dir.join("datasette.log")).await?;
    let datasette = server
        .measure(&provinces, args.queries, args.repeats)
        .await?;
    let server_rss = rss_kib(server.pid, "VmHWM");
    server.stop().await;

    let agree = dulieu.matched == datasette.matched
        && dulieu.groups == datasette.groups
        && dulieu.sql_rows == datasette.sql_rows;
    anyhow::ensure!(
        agree,
        "dulieu and Datasette disagree: matched {} vs {}, groups {} vs {}, SQL rows {} vs {}",
        dulieu.matched,
        datasette.matched,
        dulieu.groups,
        datasette.groups,
        dulieu.sql_rows,
        datasette.sql_rows
    );
    let kinds = [
        ("filtered", &dulieu.filtered, &datasette.filtered),
        ("group_by", &dulieu.group_by, &datasette.group_by),
        ("sql", &dulieu.sql, &datasette.sql),
    ];
    let mut queries = serde_json::Map::new();
    let mut min_query_ratio = f64::INFINITY;
    for (kind, ours, theirs) in kinds {
        let ratio = |p: f64| percentile_ms(theirs, p) / percentile_ms(ours, p).max(1e-6);
        min_query_ratio = min_query_ratio.min(ratio(0.50));
        queries.insert(
            kind.into(),
            json!({
                "dulieu": latency(ours),
                "datasette": latency(theirs),
                "ratio_p50": round(ratio(0.50)),
                "ratio_p99": round(ratio(0.99)),
            }),
        );
    }
    let ingest_ratio = ours.rows_per_second() / insert_rows_per_second;
    let report = json!({
        "rows": rows,
        "versions": versions,
        "dulieu_measured": "in-process engine",
        "datasette_measured": "HTTP on loopback",
        "ratios": "datasette_time / dulieu_time for queries; dulieu_rows_per_s / sqlite_utils_rows_per_s for ingest",
        "filtered_query": "a page of 100 rows and its total: one engine call; two SQL queries (two requests) for Datasette",
        "ingest": {
            "sqlite_utils_insert": {
                "command": format!("sqlite-utils {}", insert_args.join(" ")),
                "seconds": round(insert_seconds),
                "rows_per_second": round(insert_rows_per_second),
            },
            "dulieu": ours.to_json(),
            "ratio": round(ingest_ratio),
        },
        "sqlite_prepare": {
            "note": "not timed with the insert: the rate and boolean columns given the ingest's types; no index",
            "commands": prepare.iter().map(|step| format!("sqlite-utils {}", step.join(" "))).collect::<Vec<_>>(),
            "seconds": round(prepare_seconds),
        },
        "queries": queries,
        "results_agree": agree,
        "matched_rows": dulieu.matched,
        "datasette_server_rss_mb": server_rss.map(|k| round(k as f64 / 1024.0)),
    });
    Ok(Comparison {
        ingest_ratio,
        min_query_ratio,
        report,
    })
}

/// `$XDG_CACHE_HOME/dulieu/bench-venv`, else `~/.cache/dulieu/bench-venv`.
fn default_venv() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache.join("dulieu").join("bench-venv")
}

/// Makes the venv when its Python does not run, installs the pinned sqlite-utils and Datasette
/// when they are not there at those versions (pip's output on standard error); returns the
/// versions of Python, SQLite, sqlite-utils and Datasette.
fn ensure_venv(venv: &Path, python: &str) -> anyhow::Result<Value> {
    let venv_python = venv.join("bin/python");
    let runs = std::process::Command::new(&venv_python)
        .args(["-c", ""])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !runs {
        let status = std::process::Command::new(python)
            .args(["-m", "venv", "--clear"])
            .arg(venv)
            .stdout(std::io::stderr())
            .status()
            .with_context(|| format!("cannot run {python} to make a venv"))?;
        anyhow::ensure!(
            status.success(),
            "`{python} -m venv {}` failed",
            venv.display()
        );
    }
    let installed = venv_versions(&venv_python)?;
    if installed["datasette"] != DATASETTE_VERSION
        || installed["sqlite_utils"] != SQLITE_UTILS_VERSION
    {
        let status = std::process::Command::new(&venv_python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg(format!("datasette=={DATASETTE_VERSION}"))
            .arg(format!("sqlite-utils=={SQLITE_UTILS_VERSION}"))
            .stdout(std::io::stderr())
            .status()
            .context("cannot run pip in the venv")?;
        anyhow::ensure!(
            status.success(),
            "pip could not install datasette and sqlite-utils"
        );
    }
    venv_versions(&venv_python)
}

/// The versions in the venv (an empty text for a package not installed).
fn venv_versions(venv_python: &Path) -> anyhow::Result<Value> {
    const SCRIPT: &str = "import json, platform, sqlite3, importlib.metadata as m\n\
        def v(name):\n    try:\n        return m.version(name)\n    except m.PackageNotFoundError:\n        return ''\n\
        print(json.dumps({'python': platform.python_version(), 'sqlite': sqlite3.sqlite_version, \
        'datasette': v('datasette'), 'sqlite_utils': v('sqlite-utils')}))";
    let output = std::process::Command::new(venv_python)
        .args(["-c", SCRIPT])
        .output()
        .with_context(|| format!("cannot run {}", venv_python.display()))?;
    anyhow::ensure!(
        output.status.success(),
        "{} failed: {}",
        venv_python.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(serde_json::from_slice(&output.stdout)?)
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Runs a tool of the venv to its end, its output on standard error.
async fn run_tool(tool: &Path, args: &[String]) -> anyhow::Result<()> {
    let status = tokio::process::Command::new(tool)
        .args(args)
        .stdout(std::io::stderr())
        .status()
        .await
        .with_context(|| format!("cannot run {}", tool.display()))?;
    anyhow::ensure!(
        status.success(),
        "`{} {}` failed ({status})",
        tool.display(),
        args.join(" ")
    );
    Ok(())
}

/// A `datasette serve` process on a free loopback port, killed when dropped (also on errors).
struct Datasette {
    child: tokio::process::Child,
    pid: u32,
    authority: String,
    /// The SQL JSON API of the database (`/<db>.json` in Datasette 0.65).
    query_path: String,
    sender: hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
}

impl Datasette {
    async fn start(venv: &Path, db: &Path, log: &Path) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let log_file = std::fs::File::create(log).with_context(|| log.display().to_string())?;
        let mut child = tokio::process::Command::new(venv.join("bin/datasette"))
            .arg("serve")
            .arg(db)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            // Its default 1 s limit would cancel the larger queries instead of timing them.
            .args(["--setting", "sql_time_limit_ms", "600000"])
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .kill_on_drop(true)
            .spawn()
            .context("cannot start datasette")?;
        let pid = child.id().context("datasette pid")?;
        let authority = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        let sender = loop {
            if let Some(status) = child.try_wait()? {
                let log = std::fs::read_to_string(log).unwrap_or_default();
                anyhow::bail!("datasette exited ({status}) before answering:\n{log}");
            }
            if let Ok(mut sender) = connect(&authority).await
                && get(&mut sender, &authority, "/-/versions.json")
                    .await
                    .is_ok_and(|(status, _)| status == hyper::StatusCode::OK)
            {
                break sender;
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "datasette did not answer within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let stem = db
            .file_stem()
            .map_or_else(|| "bench".into(), |s| s.to_string_lossy().into_owned());
        Ok(Self {
            child,
            pid,
            authority,
            query_path: format!("/{stem}.json"),
            sender,
        })
    }

    /// Runs `sql` through the JSON API (`_shape=array`); returns the time to the whole answer
    /// and the rows.
    async fn query(&mut self, sql: &str) -> anyhow::Result<(Duration, Vec<Value>)> {
        let sql: String = url::form_urlencoded::byte_serialize(sql.as_bytes()).collect();
        let path = format!("{}?sql={sql}&_shape=array", self.query_path);
        // Connection upkeep is not the query's time: wait until the connection may send (or
        // open a new one if the server closed it) before the clock starts.
        if self.sender.ready().await.is_err() {
            self.sender = connect(&self.authority).await?;
        }
        let started = Instant::now();
        let (status, body) = get(&mut self.sender, &self.authority, &path).await?;
        let elapsed = started.elapsed();
        anyhow::ensure!(
            status == hyper::StatusCode::OK,
            "datasette answered {status} to {path}: {}",
            String::from_utf8_lossy(&body[..body.len().min(500)])
        );
        Ok((elapsed, serde_json::from_slice(&body)?))
    }

    /// The same queries as [`dulieu_query::bench::run`], in SQLite SQL: one warm-up of each
    /// kind, then `queries` filtered pages with their totals and `repeats` group-by and SQL runs.
    async fn measure(
        &mut self,
        provinces: &[String],
        queries: usize,
        repeats: usize,
    ) -> anyhow::Result<QueryTimes> {
        let province = |i: usize| {
            provinces
                .get(i % provinces.len().max(1))
                .map_or("", String::as_str)
        };
        let group_by = dulieu_query::bench::group_by_sqlite(SQLITE_TABLE);
        let sql = dulieu_query::bench::sql_query(SQLITE_TABLE);
        self.query(&group_by).await?;
        self.query(&sql).await?;
        for statement in dulieu_query::bench::filtered_sqlite(SQLITE_TABLE, province(0), 0) {
            self.query(&statement).await?;
        }
        let mut times = QueryTimes {
            filtered: Vec::with_capacity(queries),
            hot: None,
            group_by: Vec::with_capacity(repeats),
            sql: Vec::with_capacity(repeats),
            matched: 0,
            groups: 0,
            sql_rows: 0,
        };
        for i in 0..queries {
            let [page, total] = dulieu_query::bench::filtered_sqlite(SQLITE_TABLE, province(i), i);
            let (page_time, _) = self.query(&page).await?;
            let (total_time, count) = self.query(&total).await?;
            times.filtered.push(page_time + total_time);
            times.matched += count
                .first()
                .and_then(Value::as_object)
                .and_then(|row| row.values().next())
                .and_then(Value::as_u64)
                .context("a count from datasette")?;
        }
        for _ in 0..repeats.max(1) {
            let (elapsed, rows) = self.query(&group_by).await?;
            times.group_by.push(elapsed);
            times.groups = rows.len();
            let (elapsed, rows) = self.query(&sql).await?;
            times.sql.push(elapsed);
            times.sql_rows = rows.len();
        }
        Ok(times)
    }

    async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}

/// A keep-alive HTTP/1 connection to `authority`.
async fn connect(
    authority: &str,
) -> anyhow::Result<hyper::client::conn::http1::SendRequest<Empty<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(authority).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

/// `GET path` once the connection may send: the status and the whole body.
async fn get(
    sender: &mut hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    authority: &str,
    path: &str,
) -> anyhow::Result<(hyper::StatusCode, Bytes)> {
    sender.ready().await?;
    let request = hyper::Request::get(path)
        .header("host", authority)
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile_ms(&samples, 0.50), 50.0);
        assert_eq!(percentile_ms(&samples, 0.99), 99.0);
        assert_eq!(percentile_ms(&samples, 1.0), 100.0);
        assert_eq!(percentile_ms(&[], 0.5), 0.0);
    }

    #[test]
    fn skipped_comparisons_leave_their_targets_undecided() {
        let skipped = optional_target("x", 5.0, None);
        assert_eq!(skipped["met"], Value::Null);
        assert_eq!(optional_target("x", 5.0, Some(6.0))["met"], true);
        assert_eq!(optional_target("x", 5.0, Some(4.0))["met"], false);
    }
}
