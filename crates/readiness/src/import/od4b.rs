//! The Vietnam 2019 Open Data for Business assessment (ODRA Annex B) as an OD4B assessment: each
//! row of the report's summary of findings is the commentary of the question it answers, and
//! the survey findings behind it are that question's evidence, in the report's words.
//!
//! The report rates nothing in Annex B and marks no finding for or against readiness, so the
//! questions stay unrated and every finding is neutral (`o`) until the portal team judges them.
//! Findings the report words in one paragraph for several barriers become one evidence item.
//! The five recommendations have no months or costs, so they are not an action plan; they
//! stay in the seed file.

use chrono::{DateTime, NaiveDate, Utc};
use dulieu_core::Result;
use dulieu_core::text::LangText;
use serde::Deserialize;
use uuid::Uuid;

use super::{bad_seed, english};
use crate::assessment::{Assessment, AssessmentMeta, Evidence};
use crate::framework::Framework;
use crate::vocab::{ContentLang, PublicationStatus};

const OD4B_SEED: &str = include_str!("../../seed/od4b_vietnam_2019.json");

/// Slug of the Vietnam 2019 OD4B assessment.
pub const OD4B_SLUG: &str = "viet-nam-2019-od4b";

/// The sign of a finding the report does not mark.
const NEUTRAL: &str = "o";

#[derive(Deserialize)]
struct Seed {
    location_in_source: String,
    summary_of_findings: Vec<Finding>,
    participants: Participants,
    information_sources: Vec<Share>,
    awareness_and_value: Vec<Share>,
    data_uses: Vec<Share>,
    most_requested_data_types: Vec<DataType>,
    capabilities: Vec<Share>,
    barriers: Vec<Barrier>,
    engagement: Engagement,
}

/// A row of the summary of findings.
#[derive(Deserialize)]
struct Finding {
    item: String,
    value: String,
}

#[derive(Deserialize)]
struct Participants {
    source_quote: String,
}

/// A survey figure with the sentence that gives it.
#[derive(Deserialize)]
struct Share {
    name: String,
    quote: String,
}

#[derive(Deserialize)]
struct DataType {
    name: String,
    description: String,
}

#[derive(Deserialize)]
struct Barrier {
    description: String,
}

#[derive(Deserialize)]
struct Engagement {
    government_responsiveness: Responsiveness,
    channels_intro: String,
    channels: Vec<Channel>,
    channels_note: String,
}

#[derive(Deserialize)]
struct Responsiveness {
    text: String,
    additional_text: String,
}

#[derive(Deserialize)]
struct Channel {
    description: String,
}

/// A neutral finding in English.
fn finding(text: &str) -> Evidence {
    Evidence {
        id: Uuid::now_v7(),
        sign: NEUTRAL.into(),
        text: text.trim().to_string(),
        lang: ContentLang::En,
        source: None,
        url: None,
        observed_on: None,
        live: None,
    }
}

/// A named survey figure: `Research: More than 57% use data for research.`
fn share(share: &Share) -> Evidence {
    finding(&format!("{}: {}", share.name.trim(), share.quote.trim()))
}

/// `share` for the entries of `list` at `positions`.
fn shares(list: &[Share], positions: &[usize]) -> Result<Vec<Evidence>> {
    positions
        .iter()
        .map(|&i| {
            list.get(i)
                .map(share)
                .ok_or_else(|| bad_seed(format!("no survey figure at position {i}")))
        })
        .collect()
}

/// The evidence of each question, by question id.
fn evidence_by_question(seed: &Seed) -> Result<Vec<(&'static str, Vec<Evidence>)>> {
    let mut barriers: Vec<Evidence> = Vec::new();
    for barrier in &seed.barriers {
        if !barriers
            .iter()
            .any(|e| e.text == barrier.description.trim())
        {
            barriers.push(finding(&barrier.description));
        }
    }
    let responsiveness = &seed.engagement.government_responsiveness;
    let mut channels = vec![finding(&seed.engagement.channels_intro)];
    channels.extend(
        seed.engagement
            .channels
            .iter()
            .map(|c| finding(&c.description)),
    );
    channels.push(finding(&seed.engagement.channels_note));
    let mut awareness = shares(&seed.awareness_and_value, &[0])?;
    awareness.extend(seed.information_sources.iter().map(share));
    let mut value = shares(&seed.awareness_and_value, &[1])?;
    value.extend(seed.data_uses.iter().map(share));
    Ok(vec![
        (
            "1.1",
            seed.most_requested_data_types
                .iter()
                .map(|t| finding(&format!("{}: {}", t.name.trim(), t.description.trim())))
                .collect(),
        ),
        ("1.3", value),
        ("2.1", barriers),
        ("3.1", shares(&seed.capabilities, &[0, 1])?),
        ("3.2", shares(&seed.capabilities, &[2, 3, 4])?),
        ("3.3", shares(&seed.capabilities, &[5, 6, 7])?),
        ("3.4", awareness),
        (
            "4.1",
            vec![
                finding(&responsiveness.text),
                finding(&responsiveness.additional_text),
            ],
        ),
        ("4.2", channels),
    ])
}

/// The Vietnam 2019 OD4B assessment against `framework` (OD4B 2.8), published, as `now`.
pub(super) fn assessment(framework: &Framework, now: DateTime<Utc>) -> Result<Assessment> {
    let seed: Seed = serde_json::from_str(OD4B_SEED).map_err(bad_seed)?;
    let meta = AssessmentMeta {
        title: LangText::new(
            "Đánh giá dữ liệu mở cho doanh nghiệp của Việt Nam 2019 (OD4B)",
            "Vietnam Open Data for Business Assessment 2019 (OD4B)",
        ),
        subject: "Việt Nam".into(),
        status: PublicationStatus::Published,
        // The field mission: 15 to 25 January 2018 (Hanoi and Ho Chi Minh City).
        started_on: NaiveDate::from_ymd_opt(2018, 1, 15),
        finished_on: NaiveDate::from_ymd_opt(2018, 1, 25),
        published_on: NaiveDate::from_ymd_opt(2019, 2, 1),
        assessors: vec!["World Bank".into()],
        source: Some(format!(
            "{}. {}",
            seed.location_in_source.trim(),
            seed.participants.source_quote.trim()
        )),
    };
    let mut assessment = Assessment::start(framework, OD4B_SLUG.into(), meta, now);
    for row in &seed.summary_of_findings {
        let id = framework
            .dimensions
            .iter()
            .flat_map(|d| d.questions.iter())
            .find(|q| {
                q.text
                    .en
                    .as_deref()
                    .is_some_and(|en| en.eq_ignore_ascii_case(row.item.trim()))
            })
            .map(|q| q.id.clone())
            .ok_or_else(|| bad_seed(format!("no OD4B question reads {:?}", row.item)))?;
        let question = assessment
            .question_mut(&id)
            .ok_or_else(|| bad_seed(format!("question {id} is not assessed")))?;
        question.commentary = english(Some(&row.value));
    }
    for (id, evidence) in evidence_by_question(&seed)? {
        let question = assessment
            .question_mut(id)
            .ok_or_else(|| bad_seed(format!("question {id} is not assessed")))?;
        question.evidence = evidence;
    }
    assessment.check(framework)?;
    Ok(assessment)
}
