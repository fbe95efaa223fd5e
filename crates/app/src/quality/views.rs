//! What the watchdog's pages, API and CLI show, with the caller's visibility: a dataset's report
//! (every finding in the caller's language with how to fix it, the scores, the history and the
//! open tickets), an organization's scorecard, the national league table, and every finding as
//! open data.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use dulieu_checks::scores::MqaBand;
use dulieu_checks::{Report, Rule, Severity, Subject};
use dulieu_core::account::Actor;
use dulieu_core::catalog::Dataset;
use dulieu_core::text::LangText;
use dulieu_core::{Error, Result};
use dulieu_i18n::{Locale, message};
use dulieu_store::quality::{self, QualitySummary};
use dulieu_store::{Conn, datasets, feedback, organizations};
use serde::Serialize;
use uuid::Uuid;

use super::texts::{finding_text, subject_text};
use crate::App;

/// History points shown with a dataset's report.
const HISTORY_POINTS: i64 = 60;
/// Days of an organization's trend.
const TREND_DAYS: i64 = 180;

/// One finding as people read it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingView {
    /// Rule id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub rule: Rule,
    /// The rule's short name.
    pub rule_title: String,
    /// How serious it is.
    pub severity: Severity,
    /// What it is about.
    pub subject: Subject,
    /// What it is about, as text.
    pub subject_label: String,
    /// The message.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// What was seen.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub evidence: serde_json::Value,
}

/// One point of a dataset's history.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryView {
    /// When the summary became this.
    pub checked_at: DateTime<Utc>,
    /// Stars.
    pub stars: i64,
    /// MQA points.
    pub mqa_points: f64,
    /// Violations.
    pub violations: i64,
    /// Warnings.
    pub warnings: i64,
}

/// An open ticket the watchdog holds on the dataset.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatchdogTicket {
    /// The ticket.
    pub id: Uuid,
    /// The rule it is for.
    pub rule: String,
    /// Its state.
    pub state: String,
    /// Its deadline.
    pub due_at: DateTime<Utc>,
}

/// A dataset's quality: its latest report, read for people, with history and tickets.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatasetQuality {
    /// The dataset.
    pub dataset_id: Uuid,
    /// Its slug.
    pub slug: String,
    /// Its title.
    pub title: LangText,
    /// Its publisher's slug.
    pub organization: String,
    /// When the checks ran.
    pub checked_at: DateTime<Utc>,
    /// The compliance profile applied.
    pub profile: String,
    /// Violations, warnings and notes.
    pub counts: SeverityCounts,
    /// Every finding, most serious first.
    pub findings: Vec<FindingView>,
    /// The full report (findings with message keys, every score with its parts).
    pub report: Report,
    /// The summary over time, oldest first (a point per change).
    pub history: Vec<HistoryView>,
    /// The watchdog's open tickets on the dataset.
    pub tickets: Vec<WatchdogTicket>,
    /// The caller may ask for a new check.
    pub can_recheck: bool,
}

/// Findings by severity.
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeverityCounts {
    /// Violations.
    pub violations: i64,
    /// Warnings.
    pub warnings: i64,
    /// Notes.
    pub infos: i64,
}

/// How many datasets a rule finds a violation in.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleCount {
    /// Rule id.
    pub rule: String,
    /// Its short name.
    pub title: String,
    /// Datasets with a violation of it.
    pub datasets: i64,
}

/// One day of an organization's trend.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendDay {
    /// The day.
    pub day: NaiveDate,
    /// Datasets checked.
    pub datasets: i64,
    /// Average MQA points.
    pub mqa_average: f64,
    /// Average stars.
    pub stars_average: f64,
    /// Violations.
    pub violations: i64,
}

/// A dataset in a scorecard.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoredDataset {
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: LangText,
    /// Stars.
    pub stars: i64,
    /// MQA points.
    pub mqa_points: f64,
    /// MQA band.
    pub mqa_band: String,
    /// Violations.
    pub violations: i64,
    /// Warnings.
    pub warnings: i64,
    /// Ids of the rules violated.
    pub violated_rules: Vec<String>,
    /// Anyone may see it.
    pub public: bool,
}

/// An organization's scorecard.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationQuality {
    /// The organization's slug.
    pub organization: String,
    /// Its name.
    pub name: LangText,
    /// Only public datasets are counted (the caller is not a member).
    pub public_only: bool,
    /// Datasets checked.
    pub datasets: i64,
    /// Average MQA points.
    pub mqa_average: f64,
    /// The band of the average.
    pub mqa_band: String,
    /// Average stars.
    pub stars_average: f64,
    /// Average udata score (0–1).
    pub udata_average: f64,
    /// Datasets without violations.
    pub compliant: i64,
    /// Violations in all.
    pub violations: i64,
    /// Datasets per MQA band (`bad` … `excellent`).
    pub bands: BTreeMap<String, i64>,
    /// Datasets per star level, 0 to 5.
    pub stars: Vec<i64>,
    /// Violations by rule, most frequent first.
    pub rules: Vec<RuleCount>,
    /// Daily summaries of the public datasets, oldest first.
    pub trend: Vec<TrendDay>,
    /// Every dataset counted, worst first.
    pub datasets_list: Vec<ScoredDataset>,
    /// The inventory against its publication plan: each overdue item is a violation of
    /// `inventory.overdue`, counted in `violations`.
    pub inventory: crate::inventory::InventoryStanding,
}

/// One organization in the national league table.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeagueEntry {
    /// Rank, from 1.
    pub rank: usize,
    /// Slug.
    pub organization: String,
    /// Name.
    pub name: LangText,
    /// Public datasets checked.
    pub datasets: i64,
    /// Average MQA points.
    pub mqa_average: f64,
    /// The band of the average.
    pub mqa_band: String,
    /// Average stars.
    pub stars_average: f64,
    /// Share of datasets with three stars or more (0–1).
    pub three_stars_share: f64,
    /// Share of datasets without violations (0–1).
    pub compliant_share: f64,
    /// Violations in all.
    pub violations: i64,
}

/// One finding as a row of open data.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingRow {
    /// Dataset id.
    pub dataset_id: Uuid,
    /// Dataset slug.
    pub dataset: String,
    /// Publisher slug.
    pub organization: String,
    /// When checked.
    pub checked_at: DateTime<Utc>,
    /// Rule id.
    pub rule: String,
    /// Severity.
    pub severity: String,
    /// `dataset` or `distribution`.
    pub subject_kind: String,
    /// Dataset or distribution id.
    pub subject_id: Uuid,
    /// Message in Vietnamese.
    pub message_vi: String,
    /// Message in English.
    pub message_en: String,
}

impl App {
    /// A dataset's quality for the caller (404 when they may not see it); checked now when it
    /// never was.
    pub async fn dataset_quality(
        &self,
        actor: &Actor,
        key: &str,
        locale: Locale,
    ) -> Result<DatasetQuality> {
        self.checked_quality(actor, key, locale, false).await
    }

    /// Checks a dataset again now (its publisher's editors and admins, the portal team).
    pub async fn recheck_dataset(
        &self,
        actor: &Actor,
        key: &str,
        locale: Locale,
    ) -> Result<DatasetQuality> {
        self.checked_quality(actor, key, locale, true).await
    }

    /// A dataset's quality, checked first when `again` (callers who may ask for it) or when it
    /// never was.
    async fn checked_quality(
        &self,
        actor: &Actor,
        key: &str,
        locale: Locale,
        again: bool,
    ) -> Result<DatasetQuality> {
        let mut conn = self.store().conn().await?;
        let dataset = self.visible_dataset(&mut conn, actor, key).await?;
        if again && !may_recheck(actor, &dataset) {
            return Err(crate::deny(actor, "quality.recheck"));
        }
        if again || quality::get(&mut conn, dataset.id).await?.is_none() {
            drop(conn);
            self.check_datasets(vec![dataset.clone()], Utc::now())
                .await?;
            conn = self.store().conn().await?;
        }
        self.quality_view(&mut conn, actor, &dataset, locale).await
    }

    pub(crate) async fn quality_view(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        dataset: &Dataset,
        locale: Locale,
    ) -> Result<DatasetQuality> {
        let (summary, json) = quality::get(conn, dataset.id)
            .await?
            .ok_or_else(|| Error::not_found("dataset", dataset.id))?;
        let mut report: Report = serde_json::from_str(&json).map_err(Error::internal)?;
        report
            .findings
            .sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(&b.rule)));
        let findings = report
            .findings
            .iter()
            .map(|f| FindingView {
                rule: f.rule,
                rule_title: message(locale, &f.rule.title_key(), &[]),
                severity: f.severity,
                subject: f.subject,
                subject_label: subject_text(dataset, f, locale),
                message: finding_text(f, locale),
                fix: message(locale, &f.fix_key, &[]),
                evidence: f.evidence.clone(),
            })
            .collect();
        let history = quality::history(conn, dataset.id, HISTORY_POINTS)
            .await?
            .into_iter()
            .map(|p| HistoryView {
                checked_at: p.checked_at,
                stars: p.stars,
                mqa_points: p.mqa_points,
                violations: p.violations,
                warnings: p.warnings,
            })
            .collect();
        let tickets = feedback::for_dataset(conn, dataset.id)
            .await?
            .into_iter()
            .filter(|t| !t.state.is_closed())
            .filter_map(|t| {
                Some(WatchdogTicket {
                    id: t.id,
                    rule: t.rule_id?,
                    state: t.state.as_str().to_string(),
                    due_at: t.deadline.due_at,
                })
            })
            .collect();
        Ok(DatasetQuality {
            dataset_id: dataset.id,
            slug: dataset.slug.clone(),
            title: dataset.title.clone(),
            organization: dataset.publisher.clone(),
            checked_at: summary.checked_at,
            profile: summary.profile,
            counts: SeverityCounts {
                violations: summary.violations,
                warnings: summary.warnings,
                infos: summary.infos,
            },
            findings,
            report,
            history,
            tickets,
            can_recheck: may_recheck(actor, dataset),
        })
    }

    /// An organization's scorecard: its public datasets, or all of them for its members and
    /// the portal team.
    pub async fn organization_quality(
        &self,
        actor: &Actor,
        slug: &str,
        locale: Locale,
    ) -> Result<OrganizationQuality> {
        let mut conn = self.store().conn().await?;
        let org = organizations::get_by_slug(&mut conn, slug)
            .await?
            .ok_or_else(|| Error::not_found("organization", slug))?;
        let public_only = !(actor.can_see_private_of(org.id) || actor.can_manage_portal());
        let summaries = quality::for_organization(&mut conn, org.id, public_only).await?;
        let since = Utc::now().date_naive() - chrono::Duration::days(TREND_DAYS);
        let trend = quality::organization_days(&mut conn, org.id, since)
            .await?
            .into_iter()
            .map(|d| TrendDay {
                day: d.day,
                datasets: d.datasets,
                mqa_average: d.mqa_average,
                stars_average: d.stars_average,
                violations: d.violations,
            })
            .collect();
        let mut datasets_list = Vec::with_capacity(summaries.len());
        for s in &summaries {
            if let Some(d) = datasets::get(&mut conn, &s.dataset_id.to_string()).await? {
                datasets_list.push(scored(&d, s));
            }
        }
        let count = summaries.len() as i64;
        let average = |f: fn(&QualitySummary) -> f64| {
            if summaries.is_empty() {
                0.0
            } else {
                summaries.iter().map(f).sum::<f64>() / summaries.len() as f64
            }
        };
        let mqa_average = average(|s| s.mqa_points);
        let mut bands: BTreeMap<String, i64> = [
            MqaBand::Bad,
            MqaBand::Sufficient,
            MqaBand::Good,
            MqaBand::Excellent,
        ]
        .iter()
        .map(|b| (b.as_str().to_string(), 0))
        .collect();
        let mut stars = vec![0_i64; 6];
        let mut rules: BTreeMap<String, i64> = BTreeMap::new();
        for s in &summaries {
            *bands.entry(s.mqa_band.clone()).or_default() += 1;
            stars[usize::try_from(s.stars.clamp(0, 5)).unwrap_or(0)] += 1;
            for rule in &s.violated_rules {
                *rules.entry(rule.clone()).or_default() += 1;
            }
        }
        let mut rules: Vec<RuleCount> = rules
            .into_iter()
            .map(|(rule, datasets)| RuleCount {
                title: message(locale, &format!("check.{rule}.title"), &[]),
                rule,
                datasets,
            })
            .collect();
        rules.sort_by_key(|r| std::cmp::Reverse(r.datasets));
        let inventory = self.inventory_standing(actor, org.id).await?;
        Ok(OrganizationQuality {
            organization: org.slug.clone(),
            name: org.name.clone(),
            public_only,
            datasets: count,
            mqa_average,
            mqa_band: MqaBand::of(mqa_average).as_str().to_string(),
            stars_average: average(|s| s.stars as f64),
            udata_average: average(|s| s.udata_score),
            compliant: summaries.iter().filter(|s| s.violations == 0).count() as i64,
            violations: summaries.iter().map(|s| s.violations).sum::<i64>()
                + inventory.overdue.len() as i64,
            bands,
            stars,
            rules,
            trend,
            datasets_list,
            inventory,
        })
    }

    /// The national league table: every organization with checked public datasets, best
    /// average MQA first.
    pub async fn quality_league(&self) -> Result<Vec<LeagueEntry>> {
        let mut conn = self.store().conn().await?;
        let names: BTreeMap<Uuid, (String, LangText)> = organizations::all(&mut conn)
            .await?
            .into_iter()
            .map(|o| (o.id, (o.slug, o.name)))
            .collect();
        Ok(quality::league(&mut conn)
            .await?
            .into_iter()
            .filter_map(|row| {
                let (slug, name) = names.get(&row.organization_id)?.clone();
                let share = |n: i64| n as f64 / row.datasets.max(1) as f64;
                Some(LeagueEntry {
                    rank: 0,
                    organization: slug,
                    name,
                    datasets: row.datasets,
                    mqa_average: row.mqa_average,
                    mqa_band: MqaBand::of(row.mqa_average).as_str().to_string(),
                    stars_average: row.stars_average,
                    three_stars_share: share(row.three_stars),
                    compliant_share: share(row.compliant),
                    violations: row.violations,
                })
            })
            .enumerate()
            .map(|(i, entry)| LeagueEntry {
                rank: i + 1,
                ..entry
            })
            .collect())
    }

    /// Every finding on public datasets (of one organization when given), as open data, in
    /// dataset id order.
    pub async fn quality_findings(&self, organization: Option<&str>) -> Result<Vec<FindingRow>> {
        let mut conn = self.store().conn().await?;
        let org = match organization {
            Some(slug) => Some(
                organizations::get_by_slug(&mut conn, slug)
                    .await?
                    .ok_or_else(|| Error::not_found("organization", slug))?,
            ),
            None => None,
        };
        let slugs: BTreeMap<Uuid, String> = organizations::all(&mut conn)
            .await?
            .into_iter()
            .map(|o| (o.id, o.slug))
            .collect();
        let mut rows = Vec::new();
        let mut after = None;
        loop {
            let page =
                quality::scan(&mut conn, org.as_ref().map(|o| o.id), true, after, 500).await?;
            let Some(last) = page.last().map(|(s, _)| s.dataset_id) else {
                break;
            };
            let ids: Vec<Uuid> = page.iter().map(|(s, _)| s.dataset_id).collect();
            let slugs_of: BTreeMap<Uuid, String> = datasets::slugs_of(&mut conn, &ids).await?;
            for (summary, json) in &page {
                let report: Report = serde_json::from_str(json).map_err(Error::internal)?;
                for f in &report.findings {
                    rows.push(FindingRow {
                        dataset_id: summary.dataset_id,
                        dataset: slugs_of
                            .get(&summary.dataset_id)
                            .cloned()
                            .unwrap_or_default(),
                        organization: slugs
                            .get(&summary.organization_id)
                            .cloned()
                            .unwrap_or_default(),
                        checked_at: summary.checked_at,
                        rule: f.rule.as_str().to_string(),
                        severity: f.severity.as_str().to_string(),
                        subject_kind: f.subject.kind.as_str().to_string(),
                        subject_id: f.subject.id,
                        message_vi: finding_text(f, Locale::Vi),
                        message_en: finding_text(f, Locale::En),
                    });
                }
            }
            if page.len() < 500 {
                break;
            }
            after = Some(last);
        }
        Ok(rows)
    }
}

/// The caller may ask for a new check of `dataset`.
fn may_recheck(actor: &Actor, dataset: &Dataset) -> bool {
    actor.can_edit_datasets_of(dataset.publisher_id) || actor.can_manage_portal()
}

fn scored(dataset: &Dataset, s: &QualitySummary) -> ScoredDataset {
    ScoredDataset {
        slug: dataset.slug.clone(),
        title: dataset.title.clone(),
        stars: s.stars,
        mqa_points: s.mqa_points,
        mqa_band: s.mqa_band.clone(),
        violations: s.violations,
        warnings: s.warnings,
        violated_rules: s.violated_rules.clone(),
        public: s.public,
    }
}
