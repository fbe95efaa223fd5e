//! Live indicators: figures the portal computes about itself (datasets published per
//! organization, the share openly licensed, the share in machine-readable formats), attached to
//! assessment questions as evidence items that are refreshed with the date of the figure.
//!
//! Each indicator is one declaration in [`INDICATORS`]: its id, titles, unit, the questions it
//! speaks to and a pure function over [`PortalFacts`]. An indicator that needs facts the portal
//! does not gather yet (data request response times, star levels, inventory timeliness) adds them
//! to [`PortalFacts`] first.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use dulieu_core::string_enum;
use dulieu_core::text::LangText;
use dulieu_core::vocab::is_machine_readable;
use dulieu_i18n::Locale;
use serde::{Deserialize, Serialize};

/// What the indicators are computed from: a snapshot of the portal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PortalFacts {
    /// When the snapshot was taken.
    pub as_of: DateTime<Utc>,
    /// Every published, public dataset.
    pub datasets: Vec<DatasetFact>,
}

/// What the indicators need to know of one published dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetFact {
    /// Slug of the publisher.
    pub publisher: String,
    /// Name of the publisher.
    pub publisher_name: LangText,
    /// Its license is open.
    pub license_open: bool,
    /// Formats of its distributions (upper case).
    pub formats: Vec<String>,
}

string_enum! {
    /// What a figure counts.
    Unit {
        /// A number of things.
        Count = "count",
        /// A share, in percent.
        Percent = "percent",
    }
}

/// A computed figure with the date it holds for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// The value (a count, or a percentage rounded to one decimal).
    pub value: f64,
    /// What the value counts.
    pub unit: Unit,
    /// For a share: how many things it is a share of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of: Option<u64>,
    /// For a share: how many things are in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<u64>,
    /// The value per organization (or other part), largest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breakdown: Vec<FigurePart>,
    /// When the figure was computed.
    pub as_of: DateTime<Utc>,
}

/// One part of a figure's breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FigurePart {
    /// Stable key (an organization slug).
    pub key: String,
    /// Name of the part.
    pub label: LangText,
    /// Its value.
    pub value: f64,
}

/// A figure before it is dated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Measure {
    /// The value.
    pub value: f64,
    /// For a share: the whole.
    pub out_of: Option<u64>,
    /// For a share: the part.
    pub part: Option<u64>,
    /// The value per part.
    pub breakdown: Vec<FigurePart>,
}

/// One live indicator.
#[derive(Debug, Clone, Copy)]
pub struct Indicator {
    /// Stable id, stored with the evidence it feeds.
    pub id: &'static str,
    /// Title in Vietnamese.
    pub title_vi: &'static str,
    /// Title in English.
    pub title_en: &'static str,
    /// What the figure counts.
    pub unit: Unit,
    /// The questions it is evidence for: (framework id, question id).
    pub questions: &'static [(&'static str, &'static str)],
    /// Computes the figure.
    pub compute: fn(&PortalFacts) -> Measure,
}

/// Every live indicator.
pub const INDICATORS: &[Indicator] = &[
    Indicator {
        id: "datasets_published",
        title_vi: "Số bộ dữ liệu đã công bố trên cổng",
        title_en: "Datasets published on the portal",
        unit: Unit::Count,
        questions: &[("odra", "4.5"), ("odra", "4.2"), ("dgra", "6.7")],
        compute: datasets_published,
    },
    Indicator {
        id: "open_license_share",
        title_vi: "Tỷ lệ bộ dữ liệu đã công bố có giấy phép mở",
        title_en: "Share of published datasets under an open license",
        unit: Unit::Percent,
        questions: &[("odra", "2.4"), ("odra", "4.5"), ("dgra", "6.7")],
        compute: open_license_share,
    },
    Indicator {
        id: "machine_readable_share",
        title_vi: "Tỷ lệ bộ dữ liệu đã công bố ở định dạng máy đọc được",
        title_en: "Share of published datasets in a machine-readable format",
        unit: Unit::Percent,
        questions: &[("odra", "4.3"), ("odra", "4.5"), ("dgra", "6.7")],
        compute: machine_readable_share,
    },
];

/// The indicator with `id`.
pub fn find(id: &str) -> Option<&'static Indicator> {
    INDICATORS.iter().find(|i| i.id == id)
}

/// The ids of every indicator, for messages listing what is allowed.
pub fn ids() -> String {
    INDICATORS
        .iter()
        .map(|i| i.id)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Indicator {
    /// The figure of this indicator over `facts`, dated `facts.as_of`.
    pub fn figure(&self, facts: &PortalFacts) -> Figure {
        let measure = (self.compute)(facts);
        Figure {
            value: measure.value,
            unit: self.unit,
            out_of: measure.out_of,
            part: measure.part,
            breakdown: measure.breakdown,
            as_of: facts.as_of,
        }
    }

    /// The title in `locale`.
    pub fn title(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::Vi => self.title_vi,
            Locale::En => self.title_en,
        }
    }

    /// True when the indicator speaks to question `question` of framework `framework`.
    pub fn suits(&self, framework: &str, question: &str) -> bool {
        self.questions
            .iter()
            .any(|(f, q)| *f == framework && *q == question)
    }
}

impl Figure {
    /// The value as people read it: `48`, or `12,5% (6/48)` in Vietnamese and `12.5% (6/48)` in
    /// English.
    pub fn value_text(&self, locale: Locale) -> String {
        match self.unit {
            Unit::Count => format!("{}", self.value.round() as i64),
            Unit::Percent => {
                let mut text = format!("{:.1}%", self.value);
                if locale == Locale::Vi {
                    text = text.replace('.', ",");
                }
                match (self.part, self.out_of) {
                    (Some(part), Some(whole)) => format!("{text} ({part}/{whole})"),
                    _ => text,
                }
            }
        }
    }
}

fn datasets_published(facts: &PortalFacts) -> Measure {
    let mut per_publisher: BTreeMap<&str, (LangText, f64)> = BTreeMap::new();
    for dataset in &facts.datasets {
        per_publisher
            .entry(&dataset.publisher)
            .or_insert_with(|| (dataset.publisher_name.clone(), 0.0))
            .1 += 1.0;
    }
    let mut breakdown: Vec<FigurePart> = per_publisher
        .into_iter()
        .map(|(key, (label, value))| FigurePart {
            key: key.to_string(),
            label,
            value,
        })
        .collect();
    // Largest first; equal counts stay in slug order (the sort is stable).
    breakdown.sort_by(|a, b| b.value.total_cmp(&a.value));
    Measure {
        value: facts.datasets.len() as f64,
        breakdown,
        ..Measure::default()
    }
}

/// The share of datasets for which `counts` holds, in percent with one decimal.
fn share(facts: &PortalFacts, counts: impl Fn(&DatasetFact) -> bool) -> Measure {
    let whole = facts.datasets.len() as u64;
    let part = facts.datasets.iter().filter(|d| counts(d)).count() as u64;
    let value = if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    };
    Measure {
        value,
        out_of: Some(whole),
        part: Some(part),
        breakdown: Vec::new(),
    }
}

fn open_license_share(facts: &PortalFacts) -> Measure {
    share(facts, |d| d.license_open)
}

fn machine_readable_share(facts: &PortalFacts) -> Measure {
    share(facts, |d| d.formats.iter().any(|f| is_machine_readable(f)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(publisher: &str, open: bool, formats: &[&str]) -> DatasetFact {
        DatasetFact {
            publisher: publisher.into(),
            publisher_name: LangText::new(
                format!("Bộ {publisher}"),
                format!("Ministry {publisher}"),
            ),
            license_open: open,
            formats: formats.iter().map(|f| f.to_string()).collect(),
        }
    }

    fn facts() -> PortalFacts {
        PortalFacts {
            as_of: "2026-11-30T08:00:00Z".parse().unwrap(),
            datasets: vec![
                fact("mof", true, &["CSV"]),
                fact("mof", false, &["PDF"]),
                fact("gso", true, &["XLSX", "PDF"]),
                fact("mof", false, &[]),
            ],
        }
    }

    #[test]
    fn counts_per_organization() {
        let figure = find("datasets_published").unwrap().figure(&facts());
        assert_eq!(figure.value, 4.0);
        let parts: Vec<(&str, f64)> = figure
            .breakdown
            .iter()
            .map(|p| (p.key.as_str(), p.value))
            .collect();
        assert_eq!(parts, [("mof", 3.0), ("gso", 1.0)]);
        assert_eq!(figure.as_of.to_rfc3339(), "2026-11-30T08:00:00+00:00");
        assert_eq!(figure.value_text(Locale::En), "4");
    }

    #[test]
    fn shares_in_percent() {
        let open = find("open_license_share").unwrap().figure(&facts());
        assert_eq!(
            (open.value, open.part, open.out_of),
            (50.0, Some(2), Some(4))
        );
        let readable = find("machine_readable_share").unwrap().figure(&facts());
        assert_eq!(readable.value, 50.0);
        let third = share(
            &PortalFacts {
                datasets: vec![
                    fact("a", true, &[]),
                    fact("a", false, &[]),
                    fact("a", false, &[]),
                ],
                ..PortalFacts::default()
            },
            |d| d.license_open,
        );
        assert_eq!(third.value, 33.3);
        assert_eq!(readable.value_text(Locale::Vi), "50,0% (2/4)");
        assert_eq!(readable.value_text(Locale::En), "50.0% (2/4)");
        let empty = find("open_license_share")
            .unwrap()
            .figure(&PortalFacts::default());
        assert_eq!((empty.value, empty.out_of), (0.0, Some(0)));
    }

    #[test]
    fn indicators_are_unique_and_aimed_at_real_questions() {
        let frameworks = crate::Frameworks::builtin().unwrap();
        for (i, indicator) in INDICATORS.iter().enumerate() {
            assert!(
                INDICATORS[..i].iter().all(|o| o.id != indicator.id),
                "{}",
                indicator.id
            );
            for (framework, question) in indicator.questions {
                let framework = frameworks.latest(framework).unwrap();
                assert!(framework.question(question).is_some(), "{question}");
            }
        }
        assert!(find("open_license_share").unwrap().suits("odra", "2.4"));
        assert!(!find("open_license_share").unwrap().suits("odra", "1.1"));
    }
}
