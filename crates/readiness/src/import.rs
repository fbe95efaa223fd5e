//! The Vietnam 2019 assessment (World Bank, February 2019) as the first assessments of the
//! portal: its DGRA (chapter 2) and ODRA (chapter 3) with every rated question and evidence item
//! as extracted from the report (`seed/*.json`, see `seed/README.md`), both action plans, and
//! the OD4B business survey of Annex B (`od4b`).
//!
//! Texts are kept as written (English, except the Vietnamese evidence of ODRA 3.1); footnotes
//! become the source of an evidence item, their first link its URL. Months of the action items
//! come from the report's timescale (`Months 5-6`), or else from its time needed read the same
//! way (`3-6 months` → months 3–6; `to start after 24 months` shifts it), and the item says so in
//! its schedule note. Costs come from the tabular view (`50 - 75k` → 50,000–75,000 USD) with the
//! detailed plan's words kept as the cost note.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use dulieu_core::text::LangText;
use dulieu_core::{Error, Result};
use serde::Deserialize;
use uuid::Uuid;

use crate::assessment::{
    Assessment, AssessmentMeta, DimensionAssessment, Evidence, Passage, QuestionAssessment,
};
use crate::framework::{Framework, Frameworks};
use crate::plan::{ActionItem, ActionPlan, Cost, Reference, parse_month_range};
use crate::vocab::{ContentLang, ItemStatus, PublicationStatus, Term};

mod od4b;

pub use od4b::OD4B_SLUG;

const DGRA_SEED: &str = include_str!("../seed/dgra_vietnam_2019.json");
const ODRA_SEED: &str = include_str!("../seed/odra_vietnam_2019.json");

/// Slug of the Vietnam 2019 DGRA.
pub const DGRA_SLUG: &str = "viet-nam-2019-dgra";
/// Slug of the Vietnam 2019 ODRA.
pub const ODRA_SLUG: &str = "viet-nam-2019-odra";
/// Slug of the DGRA action plan.
pub const DGRA_PLAN_SLUG: &str = "viet-nam-2019-dgra-action-plan";
/// Slug of the ODRA action plan.
pub const ODRA_PLAN_SLUG: &str = "viet-nam-2019-odra-action-plan";

#[derive(Deserialize)]
struct Seed {
    source: String,
    dimensions: Vec<SeedDimension>,
    action_plan: Vec<SeedAction>,
    #[serde(default)]
    footnote_texts: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct SeedDimension {
    id: String,
    name: String,
    #[serde(default)]
    importance: Option<String>,
    #[serde(default)]
    rating: Option<String>,
    #[serde(default)]
    assessment_overall_rating: Option<String>,
    #[serde(default)]
    assessment: Option<String>,
    questions: Vec<SeedQuestion>,
}

#[derive(Deserialize)]
struct SeedQuestion {
    id: String,
    text: String,
    #[serde(default)]
    importance: Option<String>,
    rating: Option<String>,
    #[serde(default)]
    assessment_table_commentary: Option<String>,
    evidence: Vec<SeedEvidence>,
}

#[derive(Deserialize)]
struct SeedEvidence {
    sign: String,
    text: String,
    #[serde(default)]
    footnotes: Vec<u32>,
    #[serde(default)]
    items: Vec<SeedItem>,
    #[serde(default)]
    text_after_items: Option<String>,
}

#[derive(Deserialize)]
struct SeedItem {
    text: String,
    #[serde(default)]
    footnotes: Vec<u32>,
}

#[derive(Deserialize)]
struct SeedAction {
    /// Dimension name (DGRA) or label (ODRA).
    dimension: String,
    #[serde(default)]
    dimension_id: Option<String>,
    /// DGRA: the action.
    #[serde(default)]
    action: Option<String>,
    /// ODRA: the action.
    #[serde(default)]
    title: Option<String>,
    /// DGRA: the details.
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    description_items: Vec<String>,
    #[serde(default)]
    description_after_items: Option<String>,
    #[serde(default)]
    responsible: Option<String>,
    #[serde(default)]
    responsibility: Option<String>,
    #[serde(default)]
    prerequisite: Option<String>,
    /// DGRA: the time.
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    time_needed: Option<String>,
    #[serde(default)]
    timescale: Option<String>,
    #[serde(default)]
    cost: Option<String>,
    #[serde(default)]
    cost_items: Vec<String>,
    term: String,
    #[serde(default)]
    references_detail: Vec<SeedReference>,
    #[serde(default)]
    tabular_view: Option<SeedTabular>,
}

#[derive(Deserialize)]
struct SeedReference {
    name: String,
    #[serde(default)]
    footnotes: Vec<u32>,
}

#[derive(Deserialize)]
struct SeedTabular {
    #[serde(default)]
    responsible: Option<String>,
    #[serde(default)]
    cost: Option<String>,
}

/// What the import creates.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The DGRA, the ODRA and the OD4B.
    pub assessments: Vec<Assessment>,
    /// Their action plans.
    pub plans: Vec<ActionPlan>,
}

fn bad_seed(err: impl std::fmt::Display) -> Error {
    Error::Internal(format!("the Vietnam 2019 seed is malformed: {err}"))
}

/// `YELLOW/GREEN` → `yellow_green`; `Very High` → `very_high`.
fn code(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Every `http(s)://` link in `text`.
fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    loop {
        let start = match (rest.find("http://"), rest.find("https://")) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => break,
        };
        let candidate: String = rest[start..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ';' | '<' | '>' | '"'))
            .collect();
        rest = &rest[start + candidate.len()..];
        let link = candidate.trim_end_matches(['.', ',', ')']);
        if crate::assessment::is_web_link(link) {
            found.push(link.to_string());
        }
    }
    found
}

struct Footnotes<'a>(&'a BTreeMap<String, String>);

impl Footnotes<'_> {
    /// The citation of footnotes `numbers` (`[15] text; [16] text`) and their first link.
    fn cite(&self, numbers: &[u32]) -> (Option<String>, Option<String>) {
        let mut parts = Vec::new();
        let mut url = None;
        for n in numbers {
            if let Some(text) = self.0.get(&n.to_string()) {
                parts.push(format!("[{n}] {text}"));
                if url.is_none() {
                    url = links(text).into_iter().next();
                }
            }
        }
        let source = (!parts.is_empty()).then(|| {
            let text = parts.join("; ");
            if text.chars().count() > 2000 {
                let cut: String = text.chars().take(1999).collect();
                format!("{cut}…")
            } else {
                text
            }
        });
        (source, url)
    }
}

fn evidence_of(seed: &SeedEvidence, notes: &Footnotes<'_>) -> Evidence {
    let mut text = seed.text.trim().to_string();
    for item in &seed.items {
        text.push_str("\n- ");
        text.push_str(item.text.trim());
    }
    if let Some(after) = seed
        .text_after_items
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        text.push_str("\n\n");
        text.push_str(after.trim());
    }
    let mut numbers = seed.footnotes.clone();
    numbers.extend(seed.items.iter().flat_map(|i| i.footnotes.iter().copied()));
    let (source, url) = notes.cite(&numbers);
    Evidence {
        id: Uuid::now_v7(),
        sign: seed.sign.clone(),
        lang: ContentLang::detect(&text),
        text,
        source,
        url,
        observed_on: None,
        live: None,
    }
}

fn english(text: Option<&str>) -> Option<Passage> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| Passage {
            text: t.to_string(),
            lang: ContentLang::En,
        })
}

/// An assessment from a seed file of the report.
fn assessment_of(
    seed: &Seed,
    framework: &Framework,
    slug: &str,
    meta: AssessmentMeta,
    now: DateTime<Utc>,
) -> Result<Assessment> {
    let notes = Footnotes(&seed.footnote_texts);
    let assessment = Assessment {
        id: Uuid::now_v7(),
        slug: slug.to_string(),
        framework: framework.id.clone(),
        framework_version: framework.version.clone(),
        meta,
        based_on: None,
        dimensions: seed
            .dimensions
            .iter()
            .map(|d| DimensionAssessment {
                id: d.id.clone(),
                importance: d.importance.as_deref().map(code),
                rating: d
                    .rating
                    .as_deref()
                    .or(d.assessment_overall_rating.as_deref())
                    .map(code),
                commentary: english(d.assessment.as_deref()),
                questions: d
                    .questions
                    .iter()
                    .map(|q| QuestionAssessment {
                        id: q.id.clone(),
                        wording: english(Some(&q.text)),
                        importance: q.importance.as_deref().map(code),
                        rating: q.rating.as_deref().map(code),
                        commentary: english(q.assessment_table_commentary.as_deref()),
                        evidence: q.evidence.iter().map(|e| evidence_of(e, &notes)).collect(),
                    })
                    .collect(),
            })
            .collect(),
        created_at: now,
        updated_at: now,
    };
    assessment.check(framework)?;
    Ok(assessment)
}

/// Responsible bodies: `ODTF + ODCTO` → `ODTF`, `ODCTO`.
fn bodies(text: &str) -> Vec<String> {
    text.split('+')
        .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|b| !b.is_empty())
        .collect()
}

/// A cost of the tabular view: `50 - 75k`, `100 – 150k`, `20 -30k/ even`, `NA`, `TBD`.
fn cost_of(tabular: Option<&str>, written: Option<String>) -> Cost {
    let mut cost = Cost {
        note: written,
        ..Cost::default()
    };
    let Some(text) = tabular.map(str::trim).filter(|t| !t.is_empty()) else {
        return cost;
    };
    let (amount, per) = match text.split_once('/') {
        Some((amount, per)) => (amount, Some(per.trim())),
        None => (text, None),
    };
    let thousands = amount.to_lowercase().contains('k');
    let numbers: Vec<u64> = amount
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .map(|n: u64| if thousands { n * 1000 } else { n })
        .collect();
    match numbers[..] {
        [n] => (cost.min, cost.max) = (Some(n), Some(n)),
        [a, b, ..] => (cost.min, cost.max) = (Some(a), Some(b)),
        [] => {
            // `NA`, `N/A`, `TBD`: nothing to count; keep the words when the plan has none.
            if cost.note.is_none() {
                cost.note = Some(text.to_string());
            }
            return cost;
        }
    }
    cost.currency = Some("USD".into());
    // The tabular view cuts "event" to "even".
    cost.per = per.filter(|p| !p.is_empty()).map(|p| {
        if p == "even" {
            "event".to_string()
        } else {
            p.to_string()
        }
    });
    cost
}

fn term_of(text: &str) -> Option<Term> {
    match text {
        "short" => Some(Term::Short),
        "mid" | "medium" => Some(Term::Medium),
        "long" => Some(Term::Long),
        _ => None,
    }
}

/// The months of an action and how they were read.
fn months_of(action: &SeedAction) -> Result<(u32, u32, String)> {
    if let Some(timescale) = action.timescale.as_deref()
        && let Some((start, end)) = parse_month_range(timescale)
    {
        return Ok((start, end, format!("Timescale in the report: {timescale}.")));
    }
    let written = action
        .time_needed
        .as_deref()
        .or(action.time.as_deref())
        .ok_or_else(|| bad_seed(format!("no time for {:?}", action.title)))?;
    let (start, end) =
        parse_month_range(written).ok_or_else(|| bad_seed(format!("cannot read {written:?}")))?;
    // "3-6 months (to start after 24 months)": the duration counts from month 25.
    if let Some(rest) = written.split("start after ").nth(1)
        && let Some((after, _)) = parse_month_range(rest)
    {
        return Ok((
            after + 1,
            after + end,
            format!(
                "Time needed in the report: {written}; months counted from month {}.",
                after + 1
            ),
        ));
    }
    Ok((
        start,
        end,
        format!("Time in the report: {written}; read as months {start}–{end}."),
    ))
}

fn description_of(action: &SeedAction) -> Option<String> {
    let mut text = action
        .description
        .as_deref()
        .or(action.details.as_deref())
        .unwrap_or("")
        .trim()
        .to_string();
    for item in &action.description_items {
        text.push_str(if text.is_empty() { "- " } else { "\n- " });
        text.push_str(item.trim());
    }
    if let Some(after) = action
        .description_after_items
        .as_deref()
        .filter(|a| !a.trim().is_empty())
    {
        text.push_str("\n\n");
        text.push_str(after.trim());
    }
    (!text.is_empty()).then_some(text)
}

/// The ODRA plan's prerequisites as the titles of the items they name (the report words them
/// as conditions; each condition is met by these items).
const ODRA_PREREQUISITES: &[(&str, &[&str])] = &[
    ("ODTF is in place", &["Install an operational Task Force"]),
    (
        "The official announce of the PM is completed, and a circular provides some legal background for data publication",
        &[
            "Prime Minister of SRV makes an official public announcement",
            "Develop an Open Data legislation",
        ],
    ),
    ("Priority agencies selected", &["Setup of a technical team"]),
    (
        "The technical team is in place",
        &["Setup of a technical team"],
    ),
    (
        "The OD portal hosts enough datasets",
        &["Develop a new Open Government Data Portal"],
    ),
];

fn plan_of(
    seed: &Seed,
    framework: &Framework,
    slug: &str,
    title: LangText,
    assessment: Uuid,
    now: DateTime<Utc>,
) -> Result<ActionPlan> {
    let notes = Footnotes(&seed.footnote_texts);
    let mut items = Vec::new();
    for action in &seed.action_plan {
        let dimension = match &action.dimension_id {
            Some(id) => id.clone(),
            None => seed
                .dimensions
                .iter()
                .find(|d| d.name.eq_ignore_ascii_case(&action.dimension))
                .map(|d| d.id.clone())
                .ok_or_else(|| bad_seed(format!("unknown dimension {:?}", action.dimension)))?,
        };
        let title = action
            .title
            .as_deref()
            .or(action.action.as_deref())
            .ok_or_else(|| bad_seed("an action without a title"))?
            .trim()
            .to_string();
        let (start_month, end_month, schedule_note) = months_of(action)?;
        let tabular = action.tabular_view.as_ref();
        let responsible = tabular
            .and_then(|t| t.responsible.as_deref())
            .or(action.responsibility.as_deref())
            .or(action.responsible.as_deref())
            .map(bodies)
            .unwrap_or_default();
        let mut written_cost: Vec<String> = action
            .cost
            .iter()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        written_cost.extend(action.cost_items.iter().map(|c| format!("- {}", c.trim())));
        let references = action
            .references_detail
            .iter()
            .map(|r| Reference {
                title: r.name.trim().to_string(),
                url: notes.cite(&r.footnotes).1,
            })
            .collect();
        items.push(ActionItem {
            id: Uuid::now_v7(),
            dimension,
            term: term_of(&action.term),
            lang: ContentLang::detect(&title),
            title,
            description: description_of(action),
            responsible,
            prerequisites: Vec::new(),
            prerequisite_note: action.prerequisite.clone().filter(|p| !p.trim().is_empty()),
            start_month,
            end_month,
            schedule_note: Some(schedule_note),
            cost: cost_of(
                tabular.and_then(|t| t.cost.as_deref()),
                (!written_cost.is_empty()).then(|| written_cost.join("\n")),
            ),
            references,
            status: ItemStatus::NotStarted,
            notes: Vec::new(),
            updated_at: now,
        });
    }
    // As the tabular view: by dimension, short term before medium and long.
    let dimension_order = |id: &str| framework.dimensions.iter().position(|d| d.id == id);
    items.sort_by_key(|item| (dimension_order(&item.dimension), item.term.map(|t| t as u8)));
    let ids: Vec<(String, Uuid)> = items.iter().map(|i| (i.title.clone(), i.id)).collect();
    for item in &mut items {
        let Some(note) = &item.prerequisite_note else {
            continue;
        };
        let Some((_, titles)) = ODRA_PREREQUISITES
            .iter()
            .find(|(said, _)| note.starts_with(said))
        else {
            return Err(bad_seed(format!("unmapped prerequisite {note:?}")));
        };
        for wanted in *titles {
            let (_, id) = ids
                .iter()
                .find(|(title, _)| title.starts_with(wanted))
                .ok_or_else(|| bad_seed(format!("no item {wanted:?}")))?;
            item.prerequisites.push(*id);
        }
    }
    let plan = ActionPlan {
        id: Uuid::now_v7(),
        slug: slug.to_string(),
        title,
        framework: framework.id.clone(),
        assessment: Some(assessment),
        // The tabular view's Y1 starts in month 04 (April 2019, after the February report).
        starts_on: NaiveDate::from_ymd_opt(2019, 4, 1).expect("a date"),
        status: PublicationStatus::Published,
        source: Some(format!("{}; action plan", seed.source)),
        items,
        created_at: now,
        updated_at: now,
    };
    plan.check()?;
    for item in &plan.items {
        if framework.dimension(&item.dimension).is_none() {
            return Err(bad_seed(format!(
                "item {:?} names dimension {}",
                item.title, item.dimension
            )));
        }
    }
    Ok(plan)
}

/// The Vietnam 2019 DGRA and ODRA with their action plans, and the OD4B, published, as `now`.
pub fn vietnam_2019(frameworks: &Frameworks, now: DateTime<Utc>) -> Result<Imported> {
    let dgra_seed: Seed = serde_json::from_str(DGRA_SEED).map_err(bad_seed)?;
    let odra_seed: Seed = serde_json::from_str(ODRA_SEED).map_err(bad_seed)?;
    let dgra = frameworks
        .get("dgra", "11")
        .ok_or_else(|| bad_seed("the DGRA framework (version 11) is missing"))?;
    let odra = frameworks
        .get("odra", "3.1")
        .ok_or_else(|| bad_seed("the ODRA framework (version 3.1) is missing"))?;
    let od4b = frameworks
        .get("od4b", "2.8")
        .ok_or_else(|| bad_seed("the OD4B framework (version 2.8) is missing"))?;
    let published = NaiveDate::from_ymd_opt(2019, 2, 1);
    let meta = |title: LangText, source: &str, started, finished| AssessmentMeta {
        title,
        subject: "Việt Nam".into(),
        status: PublicationStatus::Published,
        started_on: started,
        finished_on: finished,
        published_on: published,
        assessors: vec!["World Bank".into()],
        source: Some(source.to_string()),
    };
    let dgra_assessment = assessment_of(
        &dgra_seed,
        dgra,
        DGRA_SLUG,
        meta(
            LangText::new(
                "Đánh giá mức độ sẵn sàng chính phủ số của Việt Nam 2019 (DGRA)",
                "Vietnam Digital Government Readiness Assessment 2019 (DGRA)",
            ),
            &dgra_seed.source,
            None,
            None,
        ),
        now,
    )?;
    let odra_assessment = assessment_of(
        &odra_seed,
        odra,
        ODRA_SLUG,
        // Assessment period: July 2017 - January 2018, field mission 15 to 25 January 2018.
        meta(
            LangText::new(
                "Đánh giá mức độ sẵn sàng dữ liệu mở của Việt Nam 2019 (ODRA)",
                "Vietnam Open Data Readiness Assessment 2019 (ODRA)",
            ),
            &odra_seed.source,
            NaiveDate::from_ymd_opt(2017, 7, 1),
            NaiveDate::from_ymd_opt(2018, 1, 31),
        ),
        now,
    )?;
    let plans = vec![
        plan_of(
            &dgra_seed,
            dgra,
            DGRA_PLAN_SLUG,
            LangText::new(
                "Kế hoạch hành động chính phủ số (DGRA 2019)",
                "Digital government action plan (DGRA 2019)",
            ),
            dgra_assessment.id,
            now,
        )?,
        plan_of(
            &odra_seed,
            odra,
            ODRA_PLAN_SLUG,
            LangText::new(
                "Kế hoạch hành động dữ liệu mở (ODRA 2019)",
                "Open data action plan (ODRA 2019)",
            ),
            odra_assessment.id,
            now,
        )?,
    ];
    Ok(Imported {
        assessments: vec![
            dgra_assessment,
            odra_assessment,
            od4b::assessment(od4b, now)?,
        ],
        plans,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_links_costs_and_bodies() {
        assert_eq!(code("YELLOW/GREEN"), "yellow_green");
        assert_eq!(code("Very High"), "very_high");
        assert_eq!(
            links("http://a.vn/x; http://b.vn/y and <https://c.vn/z>."),
            ["http://a.vn/x", "http://b.vn/y", "https://c.vn/z"]
        );
        assert_eq!(bodies("ODTF+ ODCTO"), ["ODTF", "ODCTO"]);
        assert_eq!(
            bodies("OoG + MIC + DG authority"),
            ["OoG", "MIC", "DG authority"]
        );
        let cost = cost_of(Some("50 - 75k"), Some("The costs include".into()));
        assert_eq!(
            (cost.min, cost.max, cost.currency.as_deref()),
            (Some(50_000), Some(75_000), Some("USD"))
        );
        assert_eq!(cost.note.as_deref(), Some("The costs include"));
        let per = cost_of(Some("20 -30k/ even"), None);
        assert_eq!(
            (per.min, per.max, per.per.as_deref()),
            (Some(20_000), Some(30_000), Some("event"))
        );
        let session = cost_of(Some("5 -10k/ session"), None);
        assert_eq!(session.per.as_deref(), Some("session"));
        let na = cost_of(Some("NA"), None);
        assert_eq!((na.min, na.note.as_deref()), (None, Some("NA")));
        assert_eq!(cost_of(None, None), Cost::default());
    }
}
