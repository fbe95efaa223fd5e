//! `dulieu bench checks`: the watchdog's sweep rate. Builds a portal of synthetic datasets
//! shaped like a government catalog (formats CSV, XLSX, PDF and JSON, some files not what their
//! format says; open, closed and missing licenses; metadata partly filled; updates more or less
//! late), inserted in batches straight through the store, then times two full sweeps with
//! [`App::sweep_quality`]: the first (every report new) and a steady one (nothing changed). No
//! network: files are stored locally (a few distinct contents, sniffed once each) and there are
//! no remote URLs, so no link checks. Prints one JSON document.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Context;
use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use clap::Args;
use dulieu_app::App;
use dulieu_app::quality::CheckRun;
use dulieu_checks::Report;
use dulieu_core::catalog::{ContactPoint, DatasetInput, DistributionInput, OrganizationInput};
use dulieu_core::text::LangText;
use dulieu_core::vocab::{AccessRights, DatasetStatus, OrgKind};
use dulieu_store::distributions::NewFile;
use dulieu_store::{datasets, distributions, organizations, quality};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use uuid::Uuid;

use crate::StateArgs;
use crate::bench::{round, rss_kib};
use crate::commands::load_config;

/// The issue's target: 100 000 datasets swept in at most 60 seconds (release build).
const TARGET_DATASETS: f64 = 100_000.0;
const TARGET_SECONDS: f64 = 60.0;

/// Datasets inserted per transaction.
const BATCH: usize = 1_000;

/// Options of the checks benchmark.
#[derive(Args, Debug, Clone)]
pub struct ChecksArgs {
    /// Datasets in the synthetic catalog (created first unless the catalog already has them).
    #[arg(long, default_value_t = 10_000)]
    pub datasets: usize,
    /// Publishing organizations.
    #[arg(long, default_value_t = 60)]
    pub organizations: usize,
    /// Let the sweeps open, update and close feedback tickets for violations, as the worker
    /// does (`[quality] tickets`); off by default, to time the checks themselves.
    #[arg(long)]
    pub tickets: bool,
    /// Random seed (the same seed gives the same catalog).
    #[arg(long, default_value_t = 2019)]
    pub seed: u64,
    /// Where the benchmark catalog lives (a temporary directory when absent; reused when given).
    #[command(flatten)]
    pub state: StateArgs,
}

/// A file content the synthetic distributions share, by what it really is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Content {
    Csv,
    Xlsx,
    Pdf,
    Json,
}

impl Content {
    const ALL: [Content; 4] = [Content::Csv, Content::Xlsx, Content::Pdf, Content::Json];

    /// The format token a publisher declares for it.
    fn format(self) -> &'static str {
        match self {
            Content::Csv => "CSV",
            Content::Xlsx => "XLSX",
            Content::Pdf => "PDF",
            Content::Json => "JSON",
        }
    }

    fn media_type(self) -> &'static str {
        match self {
            Content::Csv => "text/csv",
            Content::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Content::Pdf => "application/pdf",
            Content::Json => "application/json",
        }
    }

    /// Small but real first bytes of such a file.
    fn bytes(self) -> Vec<u8> {
        match self {
            Content::Csv => "tinh,nam,dan_so\nHà Nội,2019,8053663\nĐà Nẵng,2019,1134310\n"
                .as_bytes()
                .to_vec(),
            Content::Json => br#"[{"tinh":"Ha Noi","nam":2019,"dan_so":8053663}]"#.to_vec(),
            Content::Pdf => {
                b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n".to_vec()
            }
            Content::Xlsx => {
                // A zip whose first entries are those of a spreadsheet.
                let mut out = Vec::new();
                for name in ["[Content_Types].xml", "xl/workbook.xml"] {
                    out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x00\x00");
                    out.extend_from_slice(&[0; 4 + 4 + 4 + 4]); // time/date, crc, sizes
                    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
                    out.extend_from_slice(&0u16.to_le_bytes());
                    out.extend_from_slice(name.as_bytes());
                }
                out
            }
        }
    }
}

/// The stored files, by content.
struct Files(Vec<(Content, NewFile)>);

impl Files {
    /// Stores one file of each content.
    async fn store(app: &App) -> anyhow::Result<Self> {
        let mut files = Vec::new();
        for content in Content::ALL {
            let stored = app.blobs().put_bytes(Bytes::from(content.bytes())).await?;
            files.push((
                content,
                NewFile {
                    sha256: stored.sha256,
                    byte_size: i64::try_from(stored.byte_size).unwrap_or(i64::MAX),
                    media_type: Some(content.media_type().to_string()),
                    filename: Some(format!("data.{}", content.format().to_lowercase())),
                },
            ));
        }
        Ok(Self(files))
    }

    fn of(&self, content: Content) -> &NewFile {
        &self
            .0
            .iter()
            .find(|(c, _)| *c == content)
            .expect("every content is stored")
            .1
    }
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

const TOPICS: &[(&str, &str)] = &[
    ("Dân số", "Population"),
    ("Ngân sách", "Budget"),
    ("Giáo dục", "Education"),
    ("Y tế", "Health"),
    ("Giao thông", "Transport"),
    ("Môi trường", "Environment"),
    ("Nông nghiệp", "Agriculture"),
    ("Doanh nghiệp", "Enterprises"),
];
const PROVINCES: &[&str] = &[
    "Hà Nội",
    "Hồ Chí Minh",
    "Đà Nẵng",
    "Hải Phòng",
    "Cần Thơ",
    "Lào Cai",
    "Nghệ An",
    "Khánh Hòa",
];
const THEMES: &[&str] = &[
    "AGRI", "ECON", "EDUC", "ENVI", "GOVE", "HEAL", "SOCI", "TRAN",
];
const FREQUENCIES: &[&str] = &["annual", "quarterly", "monthly", "irreg"];

fn org_slug(i: usize) -> String {
    format!("bench-check-org-{i:04}")
}

fn organization_input(i: usize) -> OrganizationInput {
    let province = PROVINCES[i % PROVINCES.len()];
    OrganizationInput {
        slug: org_slug(i),
        name: LangText::new(
            format!("Sở Thông tin {province} {i}"),
            format!("Department of Information, {province} {i}"),
        ),
        description: LangText::default(),
        kind: if i.is_multiple_of(5) {
            OrgKind::National
        } else {
            OrgKind::Provincial
        },
        parent: None,
        contact_email: None,
        website: None,
    }
}

/// One synthetic dataset: its metadata, when it was last changed, and its files' contents
/// with the formats they declare.
struct Synthetic {
    input: DatasetInput,
    at: DateTime<Utc>,
    files: Vec<(String, Option<Content>)>,
}

fn synthetic(i: usize, organizations: usize, now: DateTime<Utc>, rng: &mut StdRng) -> Synthetic {
    let (topic_vi, topic_en) = *pick(rng, TOPICS);
    let province = *pick(rng, PROVINCES);
    let year = rng.gen_range(2015..=2025);
    let with_english = rng.gen_bool(0.6);
    let title = LangText {
        vi: Some(format!("{topic_vi} tỉnh {province} năm {year}")),
        en: with_english.then(|| format!("{topic_en} of {province}, {year}")),
    };
    let description = match rng.gen_range(0..10) {
        0..=6 => LangText::new(
            format!(
                "Số liệu {} của tỉnh {province} năm {year}, theo đơn vị hành chính và giới tính, \
                 do cơ quan quản lý công bố theo quy định về dữ liệu mở.",
                topic_vi.to_lowercase()
            ),
            format!("{topic_en} of {province} in {year}, by administrative unit and sex."),
        ),
        7 => LangText::new(format!("{topic_vi} {year}"), ""),
        _ => LangText::default(),
    };
    let license = match rng.gen_range(0..10) {
        0..=5 => *pick(rng, &["cc-by-4.0", "cc0-1.0", "odbl-1.0"]),
        6 => "cc-by-nc-4.0",
        _ => "none",
    };
    let at = now - Duration::days(rng.gen_range(0..1_500));
    let files = (0..rng.gen_range(0..=3))
        .map(|_| {
            let content = *pick(rng, &Content::ALL);
            // One file in twenty says it is something it is not; one in twenty has no file yet.
            let declared = if rng.gen_bool(0.05) {
                pick(rng, &Content::ALL).format()
            } else {
                content.format()
            };
            let stored = (!rng.gen_bool(0.05)).then_some(content);
            (declared.to_string(), stored)
        })
        .collect();
    Synthetic {
        input: DatasetInput {
            slug: Some(format!("bench-check-{i:07}")),
            title,
            description,
            publisher: org_slug(i % organizations),
            contact_point: rng.gen_bool(0.5).then(|| ContactPoint {
                name: Some("Phòng Thống kê".into()),
                email: Some(format!("thongke{}@example.gov.vn", i % organizations)),
            }),
            keywords: (0..rng.gen_range(0..4))
                .map(|_| pick(rng, TOPICS).0.to_lowercase())
                .collect(),
            themes: (0..rng.gen_range(0..=2))
                .map(|_| pick(rng, THEMES).to_string())
                .collect(),
            license: license.to_string(),
            access_rights: if rng.gen_bool(0.92) {
                AccessRights::Public
            } else {
                AccessRights::Restricted
            },
            temporal: None,
            spatial: rng.gen_bool(0.7).then(|| province.to_string()),
            frequency: rng
                .gen_bool(0.6)
                .then(|| pick(rng, FREQUENCIES).to_string()),
            issued: rng.gen_bool(0.5).then(|| at.date_naive()),
            modified: rng.gen_bool(0.5).then(|| at.date_naive()),
            version: None,
            status: if rng.gen_bool(0.95) {
                DatasetStatus::Published
            } else {
                DatasetStatus::Draft
            },
        },
        at,
        files,
    }
}

/// Creates the organizations and `count` datasets after the `existing` ones, a transaction per
/// batch; returns the distributions created.
async fn populate(
    app: &App,
    args: &ChecksArgs,
    existing: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let organizations_count = args.organizations.max(1);
    let mut org_ids = Vec::with_capacity(organizations_count);
    {
        let mut conn = app.store().conn().await?;
        for i in 0..organizations_count {
            let input = organization_input(i);
            let id = match organizations::get_by_slug(&mut conn, &input.slug).await? {
                Some(org) => org.id,
                None => {
                    let id = Uuid::now_v7();
                    organizations::insert(&mut conn, id, &input, None, now).await?;
                    id
                }
            };
            org_ids.push(id);
        }
    }
    let files = Files::store(app).await?;
    let mut rng = StdRng::seed_from_u64(args.seed);
    let mut created = 0;
    let mut start = existing;
    while start < args.datasets {
        let end = (start + BATCH).min(args.datasets);
        let mut tx = app.store().begin().await?;
        for i in start..end {
            let dataset = synthetic(i, organizations_count, now, &mut rng);
            let id = Uuid::now_v7();
            datasets::insert(
                &mut tx,
                id,
                &dataset.input,
                org_ids[i % organizations_count],
                dataset.at,
            )
            .await?;
            for (n, (format, stored)) in dataset.files.into_iter().enumerate() {
                let distribution = Uuid::now_v7();
                let input = DistributionInput {
                    title: LangText::new(format!("Tệp {}", n + 1), format!("File {}", n + 1)),
                    description: LangText::default(),
                    format: Some(format),
                    media_type: None,
                    url: None,
                    license: None,
                    issued: None,
                    modified: None,
                };
                distributions::insert(&mut tx, distribution, id, &input, dataset.at).await?;
                if let Some(content) = stored {
                    distributions::add_version(
                        &mut tx,
                        distribution,
                        files.of(content),
                        None,
                        dataset.at,
                    )
                    .await?;
                }
                created += 1;
            }
        }
        tx.commit().await.context("commit a batch of datasets")?;
        start = end;
    }
    Ok(created)
}

/// What the stored reports found.
struct Counts {
    /// Findings by severity.
    severities: BTreeMap<&'static str, i64>,
    /// Findings by rule.
    rules: BTreeMap<&'static str, i64>,
    /// Datasets with a violation of each rule.
    violating: BTreeMap<String, i64>,
}

/// Counts the findings of every stored report.
async fn count_findings(app: &App) -> anyhow::Result<Counts> {
    let mut severities = BTreeMap::from([("violation", 0), ("warning", 0), ("info", 0)]);
    let mut rules: BTreeMap<&'static str, i64> = BTreeMap::new();
    let mut violating: BTreeMap<String, i64> = BTreeMap::new();
    let mut conn = app.store().conn().await?;
    let mut after = None;
    loop {
        let page = quality::scan(&mut conn, None, false, after, 1_000).await?;
        let Some(last) = page.last().map(|(s, _)| s.dataset_id) else {
            break;
        };
        for (summary, json) in &page {
            let report: Report = serde_json::from_str(json).context("a stored report")?;
            for finding in &report.findings {
                *severities.entry(finding.severity.as_str()).or_default() += 1;
                *rules.entry(finding.rule.as_str()).or_default() += 1;
            }
            for rule in &summary.violated_rules {
                *violating.entry(rule.clone()).or_default() += 1;
            }
        }
        if page.len() < 1_000 {
            break;
        }
        after = Some(last);
    }
    Ok(Counts {
        severities,
        rules,
        violating,
    })
}

/// One timed sweep.
async fn timed_sweep(app: &App) -> anyhow::Result<(CheckRun, f64)> {
    let started = Instant::now();
    let run = app
        .sweep_quality(Utc::now(), |_, _| {})
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((run, started.elapsed().as_secs_f64()))
}

fn sweep_json(run: &CheckRun, seconds: f64) -> serde_json::Value {
    json!({
        "datasets": run.checked,
        "seconds": round(seconds),
        "checks_per_second": round(run.checked as f64 / seconds.max(f64::EPSILON)),
        "reports_changed": run.changed,
        "tickets": {"opened": run.opened, "updated": run.updated, "closed": run.closed},
    })
}

/// Runs the benchmark and prints its JSON report.
pub async fn checks(args: ChecksArgs) -> anyhow::Result<()> {
    let temp;
    let mut state = args.state.clone();
    if state.data_dir.is_none() {
        temp = tempfile::tempdir().context("temporary directory")?;
        state.data_dir = Some(temp.path().to_path_buf());
    }
    let mut config = load_config(&state)?;
    config.quality.tickets = args.tickets;
    let app = App::open(&config).await?;
    let now = Utc::now();
    let existing = {
        let mut conn = app.store().conn().await?;
        usize::try_from(datasets::count(&mut conn).await?).unwrap_or(0)
    };
    let started = Instant::now();
    let distributions_created = populate(&app, &args, existing, now).await?;
    let create_seconds = started.elapsed().as_secs_f64();
    let created = args.datasets.saturating_sub(existing);

    let (first, first_seconds) = timed_sweep(&app).await?;
    let (steady, steady_seconds) = timed_sweep(&app).await?;
    let counts = count_findings(&app).await?;
    let findings: i64 = counts.severities.values().sum();
    let checks_per_second = first.checked as f64 / first_seconds.max(f64::EPSILON);
    let target_rate = TARGET_DATASETS / TARGET_SECONDS;
    let report = json!({
        "benchmark": "checks",
        "backend": if config.effective_database_url().starts_with("postgres") { "postgres" } else { "sqlite" },
        "profile": app.quality_profile().name,
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "datasets": first.checked,
        "organizations": args.organizations.max(1),
        "tickets": args.tickets,
        "create": {
            "datasets": created,
            "distributions": distributions_created,
            "seconds": round(create_seconds),
            "per_second": round(if create_seconds > 0.0 { created as f64 / create_seconds } else { 0.0 }),
        },
        "seconds": round(first_seconds),
        "checks_per_second": round(checks_per_second),
        "findings": findings,
        "findings_by_severity": counts.severities,
        "findings_by_rule": counts.rules,
        "datasets_violating": counts.violating,
        "first_sweep": sweep_json(&first, first_seconds),
        "steady_sweep": sweep_json(&steady, steady_seconds),
        "target": {
            "goal": "100000 datasets swept in at most 60 s (release build)",
            "checks_per_second": round(target_rate),
            "met": checks_per_second >= target_rate,
        },
        "peak_rss_mb": rss_kib(std::process::id(), "VmHWM").map(|k| round(k as f64 / 1024.0)),
    });
    app.store().close().await;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
