//! `dulieu bench catalog`: dataset create rate through the app layer, then
//! `GET /api/1/datasets/{slug}` throughput and latency over HTTP on loopback against a real
//! `dulieu serve` child process, and that server's memory. Prints one JSON document.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use clap::Args;
use dulieu_core::account::Actor;
use dulieu_core::catalog::{DatasetInput, OrganizationInput};
use dulieu_core::text::LangText;
use dulieu_core::vocab::{AccessRights, DatasetStatus, OrgKind};
use http_body_util::{BodyExt, Empty};
use rand::Rng;
use serde_json::json;

use crate::StateArgs;
use crate::commands::load_config;

/// Options of the catalog benchmark.
#[derive(Args, Debug, Clone)]
pub struct CatalogArgs {
    /// Datasets in the catalog (created first unless the catalog already has them).
    #[arg(long, default_value_t = 100_000)]
    pub datasets: usize,
    /// Seconds of measured GET load.
    #[arg(long, default_value_t = 15)]
    pub seconds: u64,
    /// Seconds of unmeasured warm-up load.
    #[arg(long, default_value_t = 3)]
    pub warmup: u64,
    /// Concurrent keep-alive HTTP connections.
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    /// Concurrent creators during the create phase.
    #[arg(long, default_value_t = 4)]
    pub writers: usize,
    /// Where the benchmark catalog lives (a temporary directory when absent; reused when given).
    #[command(flatten)]
    pub state: StateArgs,
}

pub(crate) const BENCH_ORG: &str = "bench-org";

fn slug_of(i: usize) -> String {
    format!("bench-dataset-{i:07}")
}

pub(crate) fn dataset_input(i: usize) -> DatasetInput {
    DatasetInput {
        slug: Some(slug_of(i)),
        title: LangText::new(
            format!("Dữ liệu thống kê dân số tỉnh số {i}"),
            format!("Population statistics of province {i}"),
        ),
        description: LangText::new(
            "Số liệu dân số theo giới tính, độ tuổi và đơn vị hành chính, cập nhật hằng năm.",
            "Population by sex, age and administrative unit, updated yearly.",
        ),
        publisher: BENCH_ORG.into(),
        contact_point: None,
        keywords: vec![
            "dân số".into(),
            "population".into(),
            format!("k{}", i % 100),
        ],
        themes: vec!["SOCI".into()],
        license: "cc-by-4.0".into(),
        access_rights: AccessRights::Public,
        temporal: None,
        spatial: Some("Việt Nam".into()),
        frequency: Some("annual".into()),
        issued: None,
        modified: None,
        version: None,
        status: DatasetStatus::Published,
    }
}

/// Runs the benchmark and prints its JSON report.
pub async fn catalog(args: CatalogArgs) -> anyhow::Result<()> {
    let temp;
    let mut state = args.state.clone();
    if state.data_dir.is_none() {
        temp = tempfile::tempdir().context("temporary directory")?;
        state.data_dir = Some(temp.path().to_path_buf());
    }
    let data_dir: PathBuf = state.data_dir.clone().unwrap_or_default();
    let config = load_config(&state)?;
    let app = dulieu_app::App::open(&config).await?;
    let system = Actor::system();
    if app.get_organization(BENCH_ORG).await.is_err() {
        app.create_organization(
            &system,
            OrganizationInput {
                slug: BENCH_ORG.into(),
                name: LangText::new("Tổ chức đo hiệu năng", "Benchmark organization"),
                description: LangText::default(),
                kind: OrgKind::National,
                parent: None,
                contact_email: None,
                website: None,
            },
        )
        .await?;
    }
    let existing = {
        let mut conn = app.store().conn().await?;
        dulieu_store::datasets::count(&mut conn).await? as usize
    };

    // Phase 1: create through the app layer (validation, transaction, event log).
    let to_create = args.datasets.saturating_sub(existing);
    let started = Instant::now();
    let writers = args.writers.max(1);
    let mut tasks = Vec::new();
    for w in 0..writers {
        let app = app.clone();
        let system = system.clone();
        let range: Vec<usize> = (existing..args.datasets)
            .filter(|i| i % writers == w)
            .collect();
        tasks.push(tokio::spawn(async move {
            for i in range {
                app.create_dataset(&system, dataset_input(i)).await?;
            }
            Ok::<_, dulieu_core::Error>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let create_seconds = started.elapsed().as_secs_f64();
    app.store().close().await;
    drop(app);

    // Phase 2: a real server process on loopback.
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0")?;
        probe.local_addr()?.port()
    };
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .arg("serve")
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(&data_dir)
        .args(
            state
                .database_url
                .iter()
                .flat_map(|u| ["--database-url".to_string(), u.clone()]),
        )
        .env("DULIEU_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("cannot start the server")?;
    let pid = child.id().context("server pid")?;
    let base = format!("http://127.0.0.1:{port}");
    wait_until_up(&base).await?;

    let total = args.datasets.max(1);
    let warm_stop = Instant::now() + Duration::from_secs(args.warmup);
    run_load(&base, args.connections, total, warm_stop).await?;
    let rss_before = rss_kib(pid, "VmRSS");
    let measure_until = Instant::now() + Duration::from_secs(args.seconds);
    let measure_started = Instant::now();
    let results = run_load(&base, args.connections, total, measure_until).await?;
    let elapsed = measure_started.elapsed().as_secs_f64();
    let rss_after = rss_kib(pid, "VmRSS");
    let rss_peak = rss_kib(pid, "VmHWM");
    let _ = child.start_kill();
    let _ = child.wait().await;

    let mut latencies: Vec<u32> = results
        .iter()
        .flat_map(|r| r.latencies_us.iter().copied())
        .collect();
    latencies.sort_unstable();
    let requests = latencies.len();
    let errors: usize = results.iter().map(|r| r.errors).sum();
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        f64::from(latencies[index]) / 1000.0
    };
    let report = json!({
        "benchmark": "catalog",
        "backend": if config.effective_database_url().starts_with("postgres") { "postgres" } else { "sqlite" },
        "sqlite_synchronous": config.database.sqlite_synchronous,
        "datasets": args.datasets,
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "create": {
            "created": to_create,
            "writers": writers,
            "seconds": round(create_seconds),
            "per_second": round(if create_seconds > 0.0 { to_create as f64 / create_seconds } else { 0.0 }),
        },
        "get_dataset": {
            "path": "/api/1/datasets/{slug}",
            "connections": args.connections,
            "seconds": round(elapsed),
            "requests": requests,
            "errors": errors,
            "per_second": round(requests as f64 / elapsed.max(f64::EPSILON)),
            "latency_ms": {"p50": pct(0.50), "p90": pct(0.90), "p99": pct(0.99), "max": pct(1.0)},
        },
        "server_rss_mb": {
            "before_load": rss_before.map(|k| round(k as f64 / 1024.0)),
            "after_load": rss_after.map(|k| round(k as f64 / 1024.0)),
            "peak": rss_peak.map(|k| round(k as f64 / 1024.0)),
        },
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

pub(crate) fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

pub(crate) fn rss_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

async fn wait_until_up(base: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(stream) = tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await
        {
            drop(stream);
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "server did not start within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

struct ConnectionResult {
    latencies_us: Vec<u32>,
    errors: usize,
}

async fn run_load(
    base: &str,
    connections: usize,
    datasets: usize,
    until: Instant,
) -> anyhow::Result<Vec<ConnectionResult>> {
    let authority = base.trim_start_matches("http://").to_string();
    let mut tasks = Vec::new();
    for _ in 0..connections.max(1) {
        let authority = authority.clone();
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(&authority).await?;
            stream.set_nodelay(true)?;
            let io = hyper_util::rt::TokioIo::new(stream);
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(io).await?;
            tokio::spawn(connection);
            let mut result = ConnectionResult {
                latencies_us: Vec::with_capacity(100_000),
                errors: 0,
            };
            while Instant::now() < until {
                let i = rand::thread_rng().gen_range(0..datasets);
                let request = hyper::Request::get(format!("/api/1/datasets/{}", slug_of(i)))
                    .header("host", &authority)
                    .body(Empty::<Bytes>::new())?;
                let started = Instant::now();
                let response = sender.send_request(request).await?;
                let ok = response.status() == hyper::StatusCode::OK;
                let _ = response.into_body().collect().await?;
                let micros = started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
                if ok {
                    result.latencies_us.push(micros);
                } else {
                    result.errors += 1;
                }
            }
            Ok::<_, anyhow::Error>(result)
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await??);
    }
    Ok(results)
}
