//! `dulieu check`: the watchdog from the command line. Without `--dataset` it sweeps the whole
//! catalog (what the worker does once a day) with a progress bar and prints what changed and
//! the national league table; with `--dataset` it checks one dataset and prints its findings,
//! each with how to fix it, and its scores. `--json` prints the same as JSON, `--print-profile`
//! the compliance profile in force.

use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use clap::Args;
use dulieu_app::App;
use dulieu_app::quality::CheckRun;
use dulieu_app::quality::views::{DatasetQuality, LeagueEntry};
use dulieu_checks::Profile;
use dulieu_checks::profile::DEFAULT_PROFILE_TOML;
use dulieu_config::Config;
use dulieu_core::account::Actor;
use dulieu_i18n::{Locale, message};
use serde_json::json;

use crate::StateArgs;
use crate::commands::{cli_locale, describe, load_config, open, say};

/// Organizations of the league table printed after a sweep.
const LEAGUE_LINES: usize = 10;

/// Options of `dulieu check`.
#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    #[command(flatten)]
    pub state: StateArgs,
    /// Check only this dataset (slug or id) and print its findings and scores.
    #[arg(long, value_name = "ID_OR_SLUG")]
    pub dataset: Option<String>,
    /// Print JSON: the dataset's quality report, or the sweep's counts and league table.
    #[arg(long)]
    pub json: bool,
    /// Print the compliance profile in force (TOML) and exit without checking.
    #[arg(long, conflicts_with_all = ["dataset", "json"])]
    pub print_profile: bool,
}

/// Runs `dulieu check`.
pub async fn check(args: CheckArgs) -> anyhow::Result<()> {
    let config = load_config(&args.state)?;
    if args.print_profile {
        print!("{}", profile_text(&config)?);
        return Ok(());
    }
    let app = open(&config).await?;
    let result = match &args.dataset {
        Some(key) => check_one(&app, key, args.json).await,
        None => sweep(&app, args.json).await,
    };
    app.store().close().await;
    result
}

/// The text of the compliance profile `config` puts in force: the file `[quality] profile`
/// names, as written (after checking it parses, as the watchdog does at start), or the built-in
/// default.
fn profile_text(config: &Config) -> anyhow::Result<String> {
    let path = &config.quality.profile;
    if path.is_empty() {
        return Ok(DEFAULT_PROFILE_TOML.to_string());
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| say("cli.check.cannot_read_profile", &[("path", path)]))?;
    Profile::from_toml(&text)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| say("cli.check.invalid_profile", &[("path", path)]))?;
    Ok(text)
}

/// `dulieu check --dataset KEY`: checks the dataset now, then prints its report.
async fn check_one(app: &App, key: &str, as_json: bool) -> anyhow::Result<()> {
    let system = Actor::system();
    let dataset = match app.get_dataset(&system, key).await {
        Ok(dataset) => dataset,
        Err(dulieu_core::Error::NotFound { .. }) => {
            anyhow::bail!(say("cli.check.unknown_dataset", &[("dataset", key)]))
        }
        Err(e) => return Err(describe(e)),
    };
    let run = app
        .check_dataset_ids(&[dataset.id], Utc::now())
        .await
        .map_err(describe)?;
    let locale = cli_locale();
    let quality = app
        .dataset_quality(&system, &dataset.id.to_string(), locale)
        .await
        .map_err(describe)?;
    if as_json {
        println!("{}", serde_json::to_string_pretty(&quality)?);
    } else {
        print!("{}", dataset_text(&quality, &run, locale));
    }
    Ok(())
}

/// A dataset's report as text: title, scores, counts, then every finding with its fix.
fn dataset_text(quality: &DatasetQuality, run: &CheckRun, locale: Locale) -> String {
    let say = |key: &str, params: &[(&str, &str)]| message(locale, key, params);
    let title = quality
        .title
        .get(locale.as_str())
        .unwrap_or(quality.slug.as_str())
        .to_string();
    let scores = &quality.report.scores;
    let band = say(&format!("check.mqa.band.{}", scores.mqa.band.as_str()), &[]);
    let odi = wire_name(&scores.odi.level);
    let odi = say(&format!("check.odi.level.{odi}"), &[]);
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(say(
        "cli.check.dataset",
        &[
            ("title", &title),
            ("slug", &quality.slug),
            ("organization", &quality.organization),
        ],
    ));
    line(say(
        "cli.check.checked",
        &[
            ("profile", &quality.profile),
            (
                "at",
                &quality.checked_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            ),
        ],
    ));
    line(say(
        "cli.check.scores",
        &[
            ("stars", &scores.stars.dataset.to_string()),
            ("mqa", &format!("{:.0}", scores.mqa.points)),
            ("band", &band),
            ("udata", &format!("{:.2}", scores.udata.score)),
            ("godi", &scores.godi.points.to_string()),
            ("odi", &odi),
        ],
    ));
    line(say(
        "cli.check.counts",
        &[
            ("violations", &quality.counts.violations.to_string()),
            ("warnings", &quality.counts.warnings.to_string()),
            ("infos", &quality.counts.infos.to_string()),
        ],
    ));
    if quality.findings.is_empty() {
        line(say("cli.check.no_findings", &[]));
    }
    for finding in &quality.findings {
        let severity = say(
            &format!("check.severity.{}", finding.severity.as_str()),
            &[],
        );
        line(String::new());
        // Layout only: every word comes from the catalog.
        line(format!(
            "[{severity}] {} ({}) — {}: {}",
            finding.rule.as_str(),
            finding.rule_title,
            finding.subject_label,
            finding.message
        ));
        line(format!(
            "    {}",
            say("cli.check.fix", &[("fix", &finding.fix)])
        ));
    }
    if !quality.tickets.is_empty() || run.opened + run.updated + run.closed > 0 {
        line(String::new());
        line(say(
            "cli.check.dataset_tickets",
            &[
                ("open", &quality.tickets.len().to_string()),
                ("opened", &run.opened.to_string()),
                ("closed", &run.closed.to_string()),
            ],
        ));
    }
    out
}

/// `dulieu check`: sweeps the catalog with a progress bar, then prints what it did and the
/// league table.
async fn sweep(app: &App, as_json: bool) -> anyhow::Result<()> {
    let bar = crate::progress::bar("{bar:40} {pos}/{len} {per_sec} {eta}", 0);
    let started = Instant::now();
    let run = app
        .sweep_quality(Utc::now(), |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })
        .await
        .map_err(describe)?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let league = app.quality_league().await.map_err(describe)?;
    if as_json {
        let report = json!({
            "profile": app.quality_profile().name,
            "checked": run.checked,
            "changed": run.changed,
            "tickets": {
                "opened": run.opened,
                "updated": run.updated,
                "closed": run.closed,
            },
            "seconds": crate::bench::round(seconds),
            "league": league,
        });
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!(
            "{}",
            sweep_text(
                &run,
                seconds,
                &league,
                &app.quality_profile().name,
                cli_locale()
            )
        );
    }
    Ok(())
}

/// What a sweep did, as text: counts, tickets, and the top of the league table.
fn sweep_text(
    run: &CheckRun,
    seconds: f64,
    league: &[LeagueEntry],
    profile: &str,
    locale: Locale,
) -> String {
    let say = |key: &str, params: &[(&str, &str)]| message(locale, key, params);
    let mut lines = vec![
        say(
            "cli.check.swept",
            &[
                ("datasets", &run.checked.to_string()),
                ("seconds", &format!("{seconds:.1}")),
                ("profile", profile),
            ],
        ),
        say(
            "cli.check.changed",
            &[("changed", &run.changed.to_string())],
        ),
        say(
            "cli.check.tickets",
            &[
                ("opened", &run.opened.to_string()),
                ("updated", &run.updated.to_string()),
                ("closed", &run.closed.to_string()),
            ],
        ),
    ];
    if league.is_empty() {
        lines.push(say("cli.check.league_empty", &[]));
    } else {
        let violations: i64 = league.iter().map(|e| e.violations).sum();
        let datasets: i64 = league.iter().map(|e| e.datasets).sum();
        lines.push(say(
            "cli.check.violations",
            &[
                ("violations", &violations.to_string()),
                ("datasets", &datasets.to_string()),
                ("organizations", &league.len().to_string()),
            ],
        ));
        lines.push(say("cli.check.league", &[]));
        for entry in league.iter().take(LEAGUE_LINES) {
            let name = entry
                .name
                .get(locale.as_str())
                .unwrap_or(entry.organization.as_str())
                .to_string();
            let band = say(&format!("check.mqa.band.{}", entry.mqa_band), &[]);
            lines.push(say(
                "cli.check.league_entry",
                &[
                    ("rank", &entry.rank.to_string()),
                    ("organization", &entry.organization),
                    ("name", &name),
                    ("datasets", &entry.datasets.to_string()),
                    ("mqa", &format!("{:.0}", entry.mqa_average)),
                    ("band", &band),
                    ("stars", &format!("{:.1}", entry.stars_average)),
                    (
                        "compliant",
                        &format!("{:.0}", entry.compliant_share * 100.0),
                    ),
                    ("violations", &entry.violations.to_string()),
                ],
            ));
        }
        if league.len() > LEAGUE_LINES {
            let more = (league.len() - LEAGUE_LINES).to_string();
            lines.push(say("cli.check.league_more", &[("count", &more)]));
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The wire name of a serialised enum value.
fn wire_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
