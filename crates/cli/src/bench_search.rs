//! `dulieu bench search`: generates a synthetic catalog (Vietnamese and English titles, 700
//! organizations, Zipf-distributed keywords), builds a search index from it, then runs a fixed mix
//! of queries from several threads and reports build rate, latency, throughput and memory as JSON.
//!
//! It measures the search engine in-process (query analysis, matching, ranking, facet counting,
//! loading and highlighting the page of results), not HTTP.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::Args;
use dulieu_core::text::LangText;
use dulieu_search::{
    DEFAULT_RESULT_CACHE_ENTRIES, DistributionText, FACETS, Labelled, Publisher, SearchDoc,
    SearchIndex, SearchRequest, Viewer, WriterSettings,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use uuid::Uuid;

use crate::bench::{round, rss_kib};
use crate::bench_tables::{optional_target, target};

/// The targets on a 2-core machine at 1 M datasets, checked on the engine alone (every
/// query computed, the cache of whole answers off).
const TARGET_QUERIES_PER_SECOND: f64 = 2_000.0;
const TARGET_P99_MS: f64 = 10.0;
const TARGET_BUILD_PER_SECOND: f64 = 20_000.0;

/// Options of the search benchmark.
#[derive(Args, Debug, Clone)]
pub struct SearchArgs {
    /// Datasets in the synthetic catalog.
    #[arg(long, default_value_t = 1_000_000)]
    pub datasets: usize,
    /// Publishing organizations.
    #[arg(long, default_value_t = 700)]
    pub organizations: usize,
    /// Seconds of measured queries.
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
    /// Threads sending queries (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Indexing threads.
    #[arg(long, default_value_t = 2)]
    pub index_threads: usize,
    /// Indexing memory in MiB.
    #[arg(long, default_value_t = 1024)]
    pub index_memory_mb: usize,
    /// Keep the index in this directory and reuse it when it already holds the catalog (to
    /// measure queries again without rebuilding).
    #[arg(long)]
    pub index_dir: Option<std::path::PathBuf>,
    /// Random seed (the same seed gives the same catalog and queries).
    #[arg(long, default_value_t = 2019)]
    pub seed: u64,
}

/// (Vietnamese, English) topics: the multi-syllable words people search for.
const TOPICS: &[(&str, &str)] = &[
    ("dân số", "population"),
    ("ngân sách", "budget"),
    ("giáo dục", "education"),
    ("y tế", "health"),
    ("giao thông", "transport"),
    ("đất đai", "land"),
    ("môi trường", "environment"),
    ("nông nghiệp", "agriculture"),
    ("doanh nghiệp", "enterprises"),
    ("thuế", "taxes"),
    ("lao động", "labour"),
    ("việc làm", "employment"),
    ("du lịch", "tourism"),
    ("xuất khẩu", "exports"),
    ("nhập khẩu", "imports"),
    ("giá tiêu dùng", "consumer prices"),
    ("tài chính", "finance"),
    ("bệnh viện", "hospitals"),
    ("trường học", "schools"),
    ("chất lượng không khí", "air quality"),
    ("nước sạch", "clean water"),
    ("điện năng", "electricity"),
    ("lâm nghiệp", "forestry"),
    ("thủy sản", "fisheries"),
    ("khí hậu", "climate"),
    ("đầu tư công", "public investment"),
    ("ngân hàng", "banking"),
    ("bảo hiểm xã hội", "social insurance"),
    ("hộ nghèo", "poor households"),
    ("trẻ em", "children"),
    ("bình đẳng giới", "gender equality"),
    ("người cao tuổi", "older people"),
    ("dân tộc thiểu số", "ethnic minorities"),
    ("thiên tai", "natural disasters"),
    ("lũ lụt", "floods"),
    ("hạn hán", "droughts"),
    ("mua sắm công", "public procurement"),
    ("đăng ký kinh doanh", "business registration"),
    ("xây dựng", "construction"),
    ("nhà ở", "housing"),
    ("công nghiệp", "industry"),
    ("năng lượng tái tạo", "renewable energy"),
    ("tai nạn giao thông", "road accidents"),
    ("tiêm chủng", "vaccination"),
    ("dịch bệnh", "epidemics"),
    ("văn hóa", "culture"),
    ("thể thao", "sport"),
    ("khoa học công nghệ", "science and technology"),
    ("bưu chính viễn thông", "post and telecommunications"),
    ("an ninh lương thực", "food security"),
];

const MEASURES: &[(&str, &str)] = &[
    ("Thống kê", "Statistics of"),
    ("Số liệu", "Data on"),
    ("Báo cáo", "Report on"),
    ("Danh mục", "Register of"),
    ("Chỉ tiêu", "Indicators of"),
    ("Bản đồ", "Map of"),
    ("Kế hoạch", "Plan for"),
    ("Tổng hợp", "Summary of"),
];

const BREAKDOWNS: &[(&str, &str)] = &[
    ("theo giới tính", "by sex"),
    ("theo độ tuổi", "by age"),
    ("theo đơn vị hành chính", "by administrative unit"),
    ("theo ngành kinh tế", "by economic sector"),
    ("theo quý", "by quarter"),
    ("theo thành thị và nông thôn", "urban and rural"),
    ("", ""),
];

const PROVINCES: &[&str] = &[
    "Hà Nội",
    "Hồ Chí Minh",
    "Đà Nẵng",
    "Hải Phòng",
    "Cần Thơ",
    "Quảng Ninh",
    "Lào Cai",
    "Điện Biên",
    "Thanh Hóa",
    "Nghệ An",
    "Thừa Thiên Huế",
    "Quảng Nam",
    "Khánh Hòa",
    "Đắk Lắk",
    "Lâm Đồng",
    "Bình Dương",
    "Đồng Nai",
    "Long An",
    "An Giang",
    "Cà Mau",
    "Bắc Ninh",
    "Thái Nguyên",
    "Hà Giang",
    "Sơn La",
    "Bình Định",
    "Gia Lai",
    "Kiên Giang",
    "Đồng Tháp",
];

const AGENCIES: &[(&str, &str)] = &[
    ("Sở Tài chính", "Department of Finance"),
    ("Sở Y tế", "Department of Health"),
    (
        "Sở Giáo dục và Đào tạo",
        "Department of Education and Training",
    ),
    ("Sở Giao thông Vận tải", "Department of Transport"),
    (
        "Sở Tài nguyên và Môi trường",
        "Department of Natural Resources and Environment",
    ),
    (
        "Sở Kế hoạch và Đầu tư",
        "Department of Planning and Investment",
    ),
    ("Cục Thống kê", "Statistics Office"),
    ("Sở Nông nghiệp", "Department of Agriculture"),
    ("Sở Lao động", "Department of Labour"),
    ("Sở Công Thương", "Department of Industry and Trade"),
];

const KINDS: &[(&str, &str)] = &[
    ("province", "official"),
    ("agency", "official"),
    ("ministry", "official"),
    ("company", "community"),
    ("civil_society", "community"),
    ("academia", "community"),
];

const FORMATS: &[&str] = &[
    "CSV", "XLSX", "JSON", "PDF", "XML", "SHP", "GEOJSON", "DOCX",
];
const THEMES: &[&str] = &[
    "AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH",
    "TRAN",
];
const LICENSES: &[(&str, bool)] = &[
    ("cc-by-4.0", true),
    ("cc0-1.0", true),
    ("odc-by", true),
    ("cc-by-sa-4.0", true),
    ("vn-ogl-1.0", true),
    ("cc-by-nc-4.0", false),
    ("not-specified", false),
    ("proprietary", false),
];
const FREQUENCIES: &[&str] = &[
    "annual",
    "quarterly",
    "monthly",
    "weekly",
    "daily",
    "irregular",
];

/// Keywords: each topic, topic × province, and numbered indicator codes; drawn Zipf-distributed.
fn keyword_vocabulary() -> Vec<String> {
    let mut words: Vec<String> = TOPICS.iter().map(|(vi, _)| vi.to_string()).collect();
    for (vi, _) in TOPICS {
        for province in PROVINCES {
            words.push(format!("{vi} {province}"));
        }
    }
    for i in 0..3_000 {
        words.push(format!("chỉ tiêu {i}"));
    }
    words
}

/// Samples ranks 0..n with probability proportional to 1/(rank+1).
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize) -> Self {
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|k| {
                total += 1.0 / k as f64;
                total
            })
            .collect();
        Self { cumulative }
    }

    fn sample(&self, rng: &mut StdRng) -> usize {
        let target = rng.r#gen::<f64>() * self.cumulative.last().copied().unwrap_or(1.0);
        self.cumulative.partition_point(|c| *c < target)
    }
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn organizations(count: usize, rng: &mut StdRng) -> Vec<Publisher> {
    (0..count)
        .map(|i| {
            let (kind, provenance) = if i % 7 == 6 {
                *pick(rng, &KINDS[3..])
            } else {
                *pick(rng, &KINDS[..3])
            };
            let province = PROVINCES[i % PROVINCES.len()];
            let (vi, en) = AGENCIES[(i / PROVINCES.len()) % AGENCIES.len()];
            let name = if provenance == "official" {
                LangText::new(format!("{vi} {province}"), format!("{en}, {province}"))
            } else {
                LangText::new(
                    format!("Công ty Dữ liệu {province} {i}"),
                    format!("{province} Data Company {i}"),
                )
            };
            Publisher {
                id: Uuid::new_v4(),
                slug: format!("org-{i:04}"),
                name,
                kind: kind.to_string(),
                provenance: provenance.to_string(),
            }
        })
        .collect()
}

fn dataset(
    i: usize,
    rng: &mut StdRng,
    publishers: &[Publisher],
    keywords: &[String],
    zipf: &Zipf,
) -> SearchDoc {
    let (topic_vi, topic_en) = *pick(rng, TOPICS);
    let (measure_vi, measure_en) = *pick(rng, MEASURES);
    let (by_vi, by_en) = *pick(rng, BREAKDOWNS);
    let province = *pick(rng, PROVINCES);
    let year = rng.gen_range(2010..=2026);
    let publisher = publishers[zipf.sample(rng) % publishers.len()].clone();
    let (second_vi, second_en) = *pick(rng, TOPICS);
    let title = LangText::new(
        format!("{measure_vi} {topic_vi} {by_vi} tỉnh {province} năm {year}"),
        format!("{measure_en} {topic_en} {by_en}, {province}, {year}"),
    );
    let description = LangText::new(
        format!(
            "Bộ dữ liệu {topic_vi} {by_vi} của tỉnh {province}, do {} công bố. \
             Bao gồm các chỉ tiêu về {second_vi} và {topic_vi} giai đoạn {}–{year}, \
             được cập nhật theo quy định về dữ liệu mở.",
            publisher.name.vi.as_deref().unwrap_or_default(),
            year - 5
        ),
        format!(
            "{topic_en} {by_en} in {province}, published by {}. Includes indicators on \
             {second_en} and {topic_en} for {}–{year}.",
            publisher.name.en.as_deref().unwrap_or_default(),
            year - 5
        ),
    );
    let mut chosen: Vec<String> = (0..rng.gen_range(2..=6))
        .map(|_| keywords[zipf.sample(rng).min(keywords.len() - 1)].clone())
        .collect();
    chosen.push(topic_vi.to_string());
    chosen.sort();
    chosen.dedup();
    let distributions = (0..rng.gen_range(1..=3))
        .map(|n| DistributionText {
            title: LangText::new(
                format!("Tệp dữ liệu {} năm {year}", n + 1),
                format!("Data file {}", n + 1),
            ),
            format: Some(pick(rng, FORMATS).to_string()),
        })
        .collect();
    let (license, open) = *pick(rng, LICENSES);
    let themes = (0..rng.gen_range(1..=2))
        .map(|_| {
            let code = pick(rng, THEMES).to_string();
            Labelled {
                label: LangText::new(code.clone(), code.clone()),
                code,
            }
        })
        .collect();
    SearchDoc {
        id: Uuid::new_v4(),
        slug: format!("dataset-{i:07}"),
        title,
        description,
        keywords: chosen,
        publisher,
        themes,
        distributions,
        spatial: Some(province.to_string()),
        license: Labelled {
            code: license.to_string(),
            label: LangText::new(license, license),
        },
        license_open: open,
        frequency: Some(pick(rng, FREQUENCIES).to_string()),
        status: "published".into(),
        access_rights: "public".into(),
        public: rng.gen_range(0..100) < 95,
        has_temporal: rng.gen_bool(0.5),
        has_contact: rng.gen_bool(0.7),
        modified: NaiveDate::from_ymd_opt(2020, 1, 1).expect("valid date")
            + chrono::Days::new(rng.gen_range(0..2_500)),
        popularity: zipf.sample(rng) as u64,
        stars: Some(rng.gen_range(0..6)),
        quality_band: Some(pick(rng, &["bad", "sufficient", "good", "excellent"]).to_string()),
        created: None,
        updated: None,
    }
}

/// The kinds of query in the mix, each a quarter or so of the queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    SingleWord,
    TwoWordsAccented,
    TwoWordsFolded,
    WithFacets,
    WithFilters,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::SingleWord,
        Kind::TwoWordsAccented,
        Kind::TwoWordsFolded,
        Kind::WithFacets,
        Kind::WithFilters,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::SingleWord => "single_word",
            Kind::TwoWordsAccented => "two_words_vi_accented",
            Kind::TwoWordsFolded => "two_words_vi_folded",
            Kind::WithFacets => "two_words_with_all_facets",
            Kind::WithFilters => "two_words_with_filters",
        }
    }
}

fn two_word_topics() -> Vec<&'static str> {
    TOPICS
        .iter()
        .map(|(vi, _)| *vi)
        .filter(|vi| vi.split(' ').count() == 2)
        .collect()
}

fn request(kind: Kind, rng: &mut StdRng, publishers: &[Publisher]) -> SearchRequest {
    let two = two_word_topics();
    let viewer = Viewer::default();
    let topic = *pick(rng, &two);
    let mut request = match kind {
        Kind::SingleWord => {
            let (vi, en) = *pick(rng, TOPICS);
            let word = if rng.gen_bool(0.5) {
                vi.split(' ').next().unwrap_or(vi)
            } else {
                en.split(' ').next().unwrap_or(en)
            };
            SearchRequest::new(word, viewer)
        }
        Kind::TwoWordsAccented => SearchRequest::new(topic, viewer),
        Kind::TwoWordsFolded | Kind::WithFilters => SearchRequest::new(
            dulieu_core::text::fold_diacritics(topic).to_lowercase(),
            viewer,
        ),
        Kind::WithFacets => SearchRequest::new(topic, viewer),
    };
    match kind {
        Kind::WithFacets => {
            request.facets = FACETS.iter().map(|f| f.name.to_string()).collect();
        }
        Kind::WithFilters => {
            request.filters = vec![
                ("format".into(), pick(rng, &FORMATS[..3]).to_string()),
                ("open_license".into(), "yes".into()),
            ];
            if rng.gen_bool(0.5) {
                let publisher = &publishers[rng.gen_range(0..publishers.len().min(20))];
                request
                    .filters
                    .push(("organization".into(), publisher.slug.clone()));
            }
        }
        _ => {}
    }
    request
}

/// Runs the benchmark and prints its JSON report.
pub fn search(args: SearchArgs) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(args.seed);
    let temporary = tempfile::tempdir()?;
    let dir = args
        .index_dir
        .clone()
        .unwrap_or_else(|| temporary.path().to_path_buf());
    let publishers = organizations(args.organizations.max(1), &mut rng);
    let keywords = keyword_vocabulary();
    let zipf = Zipf::new(keywords.len());

    let index = Arc::new(SearchIndex::open(
        &dir,
        WriterSettings {
            threads: args.index_threads,
            memory_bytes: args.index_memory_mb << 20,
        },
    )?);
    let mut build = serde_json::Value::Null;
    let mut build_rate = None;
    if index.num_docs() != args.datasets as u64 {
        let generate_started = Instant::now();
        let docs: Vec<SearchDoc> = (0..args.datasets)
            .map(|i| dataset(i, &mut rng, &publishers, &keywords, &zipf))
            .collect();
        let generate_seconds = generate_started.elapsed().as_secs_f64();
        index.clear()?;
        let build_started = Instant::now();
        for doc in &docs {
            index.add(doc)?;
        }
        index.commit(1)?;
        let build_seconds = build_started.elapsed().as_secs_f64();
        index.wait_for_merges()?;
        let merged_seconds = build_started.elapsed().as_secs_f64();
        index.commit(1)?;
        build_rate = Some(args.datasets as f64 / build_seconds);
        build = json!({
            "generate_seconds": round(generate_seconds),
            "seconds": round(build_seconds),
            "datasets_per_second": round(args.datasets as f64 / build_seconds),
            "seconds_including_merges": round(merged_seconds),
            "index_threads": args.index_threads,
        });
    }
    let rss_after_build = rss_kib(std::process::id(), "VmRSS");

    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    // Warm-up: one query of each kind, to load the index files.
    for kind in Kind::ALL {
        index.search(&request(kind, &mut rng, &publishers))?;
    }
    // First the engine alone (every query computed), then with the cache of whole answers.
    index.set_result_cache_entries(0);
    let engine = run_queries(&index, &publishers, threads, args.seconds, args.seed)?;
    index.set_result_cache_entries(DEFAULT_RESULT_CACHE_ENTRIES);
    let before = index.result_cache_stats();
    let mut cached = run_queries(&index, &publishers, threads, args.seconds, args.seed)?;
    let after = index.result_cache_stats();
    let (hits, misses) = (after.0 - before.0, after.1 - before.1);
    cached["hit_ratio"] = json!(round(hits as f64 / (hits + misses).max(1) as f64));
    let rss_after_queries = rss_kib(std::process::id(), "VmRSS");
    let rss_peak = rss_kib(std::process::id(), "VmHWM");
    let index_bytes: u64 = walk_size(&dir);
    let rate = engine["queries_per_second"].as_f64().unwrap_or(0.0);
    let p99 = engine["all"]["p99_ms"].as_f64().unwrap_or(f64::MAX);
    let targets = json!({
        "queries_per_second": target(
            "≥ 2,000 queries/s, engine alone",
            TARGET_QUERIES_PER_SECOND,
            rate,
            rate >= TARGET_QUERIES_PER_SECOND,
        ),
        "p99_ms": target("p99 ≤ 10 ms, engine alone", TARGET_P99_MS, p99, p99 <= TARGET_P99_MS),
        "build_datasets_per_second": optional_target(
            "≥ 20,000 datasets/s indexed (skipped when the index was reused)",
            TARGET_BUILD_PER_SECOND,
            build_rate,
        ),
    });
    let report = json!({
        "benchmark": "search",
        "datasets": args.datasets,
        "organizations": args.organizations,
        "keywords_vocabulary": keywords.len(),
        "build": build,
        "index_mb": round(index_bytes as f64 / 1_048_576.0),
        "segments": index.segments(),
        "queries": engine,
        "queries_with_result_cache": cached,
        "rss_mb": {
            "after_build": rss_after_build.map(|k| round(k as f64 / 1024.0)),
            "after_queries": rss_after_queries.map(|k| round(k as f64 / 1024.0)),
            "peak": rss_peak.map(|k| round(k as f64 / 1024.0)),
        },
        "targets": targets,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

/// Runs the query mix from `threads` threads for `seconds` and summarises latency, throughput and
/// CPU per query, overall and per kind of query.
fn run_queries(
    index: &Arc<SearchIndex>,
    publishers: &[Publisher],
    threads: usize,
    seconds: u64,
    seed: u64,
) -> anyhow::Result<serde_json::Value> {
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let cpu_started = cpu_seconds();
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let index = index.clone();
            let publishers = publishers.to_vec();
            let seed = seed + 1 + t as u64;
            std::thread::spawn(move || -> anyhow::Result<Vec<(Kind, u32, u64)>> {
                let mut rng = StdRng::seed_from_u64(seed);
                let mut samples = Vec::new();
                let mut n = 0usize;
                while Instant::now() < until {
                    let kind = Kind::ALL[n % Kind::ALL.len()];
                    n += 1;
                    let request = request(kind, &mut rng, &publishers);
                    let began = Instant::now();
                    let results = index.search(&request)?;
                    let micros = began.elapsed().as_micros() as u32;
                    samples.push((kind, micros, results.total));
                }
                Ok(samples)
            })
        })
        .collect();
    let mut samples = Vec::new();
    for worker in workers {
        samples.extend(
            worker
                .join()
                .map_err(|_| anyhow::anyhow!("a query thread panicked"))??,
        );
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_started;
    let summarize = |latencies: &mut Vec<u32>, totals: &[u64]| {
        latencies.sort_unstable();
        let at = |p: f64| -> f64 {
            if latencies.is_empty() {
                return 0.0;
            }
            let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
            round(f64::from(latencies[i]) / 1000.0)
        };
        let mean_total = if totals.is_empty() {
            0.0
        } else {
            totals.iter().sum::<u64>() as f64 / totals.len() as f64
        };
        json!({
            "queries": latencies.len(),
            "p50_ms": at(0.50),
            "p99_ms": at(0.99),
            "max_ms": at(1.0),
            "mean_matches": mean_total.round(),
        })
    };
    let mut by_kind = serde_json::Map::new();
    for kind in Kind::ALL {
        let of_kind: Vec<&(Kind, u32, u64)> = samples.iter().filter(|s| s.0 == kind).collect();
        let mut latencies: Vec<u32> = of_kind.iter().map(|s| s.1).collect();
        let totals: Vec<u64> = of_kind.iter().map(|s| s.2).collect();
        by_kind.insert(kind.name().into(), summarize(&mut latencies, &totals));
    }
    let mut all: Vec<u32> = samples.iter().map(|s| s.1).collect();
    let totals: Vec<u64> = samples.iter().map(|s| s.2).collect();
    Ok(json!({
        "threads": threads,
        "seconds": round(elapsed),
        "queries_per_second": round(samples.len() as f64 / elapsed),
        "cpu_ms_per_query": round(cpu * 1000.0 / samples.len().max(1) as f64),
        "all": summarize(&mut all, &totals),
        "by_kind": by_kind,
    }))
}

/// CPU time (user + system) this process has used, in seconds (from /proc/self/stat).
pub(crate) fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which ends with ')'): utime and stime are the 12th and 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn walk_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => walk_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}
