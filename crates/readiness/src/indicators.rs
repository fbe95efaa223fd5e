//! Live indicators: figures the portal computes about itself (datasets published per
//! organization, the share openly licensed, the share in machine-readable formats, the time to
//! answer data requests and the share answered on time), attached to
//! assessment questions as evidence items that are refreshed with the date of the figure.
//!
//! Each indicator is one declaration in [`INDICATORS`]: its id, titles, unit, the questions it
//! speaks to and a pure function over [`PortalFacts`] (built from [`share`], [`median`] or a
//! count). Every unit the coming indicators need is here (days for request response times, the
//! 5-star level for the median openness, percent for inventory items published on time), so
//! adding one is its declaration plus, when it needs facts the portal does not gather yet, a
//! field of [`PortalFacts`] filled by the store (`store::readiness::portal_facts`).

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
    /// Every data request that has had its first answer (accepted, fulfilled or refused).
    pub answered_requests: Vec<AnsweredRequestFact>,
    /// Every inventory item whose target date has come (published or not) on `as_of`.
    pub due_inventory: Vec<InventoryFact>,
}

/// What the indicators need to know of one inventory item that is due.
#[derive(Debug, Clone, PartialEq)]
pub struct InventoryFact {
    /// Slug of the organization holding it.
    pub organization: String,
    /// Name of that organization.
    pub organization_name: LangText,
    /// It was published on or before its target date.
    pub on_time: bool,
}

/// What the indicators need to know of one answered data request.
#[derive(Debug, Clone, PartialEq)]
pub struct AnsweredRequestFact {
    /// Slug of the organization that answered.
    pub organization: String,
    /// Name of that organization.
    pub organization_name: LangText,
    /// Working days from the start of the legal clock to the first answer.
    pub working_days: i64,
    /// The answer came by its deadline (with any announced extension).
    pub on_time: bool,
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
    /// Its 5-star level, once the watchdog has checked it.
    pub stars: Option<i64>,
}

string_enum! {
    /// What a figure counts.
    Unit {
        /// A number of things.
        Count = "count",
        /// A share, in percent.
        Percent = "percent",
        /// A duration in days (such as a median response time).
        Days = "days",
        /// A level of the 5-star open data scale (1 to 5).
        Stars = "stars",
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
    Indicator {
        id: "request_response_days",
        title_vi: "Thời gian trả lời yêu cầu dữ liệu (trung vị, ngày làm việc)",
        title_en: "Time to answer data requests (median, working days)",
        unit: Unit::Days,
        questions: &[("odra", "5.3"), ("odra", "5.4"), ("od4b", "4.1")],
        compute: request_response_days,
    },
    Indicator {
        id: "requests_answered_on_time",
        title_vi: "Tỷ lệ yêu cầu dữ liệu được trả lời đúng hạn",
        title_en: "Share of data requests answered on time",
        unit: Unit::Percent,
        questions: &[("odra", "5.3"), ("odra", "5.4"), ("od4b", "4.1")],
        compute: requests_answered_on_time,
    },
    Indicator {
        id: "median_stars",
        title_vi: "Mức sao trung vị của bộ dữ liệu đã công bố (thang 5 sao)",
        title_en: "Median 5-star level of published datasets",
        unit: Unit::Stars,
        questions: &[("odra", "4.3"), ("odra", "4.5"), ("dgra", "6.7")],
        compute: median_stars,
    },
    Indicator {
        id: "inventory_on_time",
        title_vi: "Tỷ lệ mục kiểm kê dữ liệu được công bố đúng hạn",
        title_en: "Share of inventory items published on time",
        unit: Unit::Percent,
        questions: &[("odra", "4.1"), ("odra", "4.2"), ("odra", "3.4")],
        compute: inventory_on_time,
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
    /// The value as people read it: `48`; `12,5% (6/48)` in Vietnamese and `12.5% (6/48)` in
    /// English; `4,5 ngày` / `4.5 days`; `3/5 ★`.
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
            Unit::Days => {
                let days = decimal(self.value, locale);
                match locale {
                    Locale::Vi => format!("{days} ngày"),
                    Locale::En if self.value == 1.0 => format!("{days} day"),
                    Locale::En => format!("{days} days"),
                }
            }
            Unit::Stars => format!("{}/5 ★", decimal(self.value, locale)),
        }
    }
}

/// `value` with one decimal, none when it is whole, with a decimal comma in Vietnamese.
fn decimal(value: f64, locale: Locale) -> String {
    let mut text = if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    if locale == Locale::Vi {
        text = text.replace('.', ",");
    }
    text
}

/// The median of `values` (the mean of the middle two for an even count), rounded to one
/// decimal, with how many values it is taken over; 0 over none.
pub fn median(mut values: Vec<f64>) -> Measure {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let value = match n {
        0 => 0.0,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    };
    Measure {
        value: (value * 10.0).round() / 10.0,
        out_of: Some(n as u64),
        part: None,
        breakdown: Vec::new(),
    }
}

/// The values of `things` grouped by organization (key and name), folded per group by `fold`,
/// largest first; equal values stay in key order (the sort is stable).
fn per_organization<'a, T>(
    things: &'a [T],
    organization: impl Fn(&'a T) -> (&'a str, &'a LangText),
    fold: impl Fn(&[&'a T]) -> f64,
) -> Vec<FigurePart> {
    let mut groups: BTreeMap<&str, (&LangText, Vec<&T>)> = BTreeMap::new();
    for thing in things {
        let (key, label) = organization(thing);
        groups
            .entry(key)
            .or_insert_with(|| (label, Vec::new()))
            .1
            .push(thing);
    }
    let mut breakdown: Vec<FigurePart> = groups
        .into_iter()
        .map(|(key, (label, members))| FigurePart {
            key: key.to_string(),
            label: label.clone(),
            value: fold(&members),
        })
        .collect();
    breakdown.sort_by(|a, b| b.value.total_cmp(&a.value));
    breakdown
}

fn datasets_published(facts: &PortalFacts) -> Measure {
    Measure {
        value: facts.datasets.len() as f64,
        breakdown: per_organization(
            &facts.datasets,
            |d| (&d.publisher, &d.publisher_name),
            |members| members.len() as f64,
        ),
        ..Measure::default()
    }
}

fn request_organization(r: &AnsweredRequestFact) -> (&str, &LangText) {
    (&r.organization, &r.organization_name)
}

fn request_response_days(facts: &PortalFacts) -> Measure {
    let days = |requests: &[&AnsweredRequestFact]| -> Vec<f64> {
        requests.iter().map(|r| r.working_days as f64).collect()
    };
    let all: Vec<&AnsweredRequestFact> = facts.answered_requests.iter().collect();
    Measure {
        breakdown: per_organization(&facts.answered_requests, request_organization, |members| {
            median(days(members)).value
        }),
        ..median(days(&all))
    }
}

fn requests_answered_on_time(facts: &PortalFacts) -> Measure {
    Measure {
        breakdown: per_organization(&facts.answered_requests, request_organization, |members| {
            share(members, |r| r.on_time).value
        }),
        ..share(&facts.answered_requests, |r| r.on_time)
    }
}

fn median_stars(facts: &PortalFacts) -> Measure {
    let checked: Vec<&DatasetFact> = facts
        .datasets
        .iter()
        .filter(|d| d.stars.is_some())
        .collect();
    let stars = |datasets: &[&DatasetFact]| -> Vec<f64> {
        datasets
            .iter()
            .filter_map(|d| d.stars)
            .map(|s| s as f64)
            .collect()
    };
    let owned: Vec<DatasetFact> = checked.iter().map(|d| (*d).clone()).collect();
    Measure {
        breakdown: per_organization(
            &owned,
            |d| (&d.publisher, &d.publisher_name),
            |members| median(stars(members)).value,
        ),
        ..median(stars(&checked))
    }
}

fn inventory_on_time(facts: &PortalFacts) -> Measure {
    Measure {
        breakdown: per_organization(
            &facts.due_inventory,
            |i| (&i.organization, &i.organization_name),
            |members| share(members, |i| i.on_time).value,
        ),
        ..share(&facts.due_inventory, |i| i.on_time)
    }
}

/// The share of `things` for which `counts` holds, in percent with one decimal.
pub fn share<T>(things: &[T], counts: impl Fn(&T) -> bool) -> Measure {
    let whole = things.len() as u64;
    let part = things.iter().filter(|t| counts(t)).count() as u64;
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
    share(&facts.datasets, |d| d.license_open)
}

fn machine_readable_share(facts: &PortalFacts) -> Measure {
    share(&facts.datasets, |d| {
        d.formats.iter().any(|f| is_machine_readable(f))
    })
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
            stars: None,
        }
    }

    fn answered(organization: &str, working_days: i64, on_time: bool) -> AnsweredRequestFact {
        AnsweredRequestFact {
            organization: organization.into(),
            organization_name: LangText::new(
                format!("Bộ {organization}"),
                format!("Ministry {organization}"),
            ),
            working_days,
            on_time,
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
            answered_requests: vec![
                answered("mof", 4, true),
                answered("mof", 25, false),
                answered("gso", 10, true),
                answered("mof", 30, false),
            ],
            due_inventory: Vec::new(),
        }
    }

    #[test]
    fn median_stars_over_checked_datasets_only() {
        let mut facts = facts();
        for (dataset, stars) in facts
            .datasets
            .iter_mut()
            .zip([Some(3), Some(1), Some(4), None])
        {
            dataset.stars = stars;
        }
        let figure = find("median_stars").unwrap().figure(&facts);
        assert_eq!((figure.value, figure.out_of), (3.0, Some(3)));
        let parts: Vec<(&str, f64)> = figure
            .breakdown
            .iter()
            .map(|p| (p.key.as_str(), p.value))
            .collect();
        assert_eq!(parts, [("gso", 4.0), ("mof", 2.0)]);
        assert_eq!(figure.value_text(Locale::En), "3/5 ★");
    }

    #[test]
    fn inventory_on_time_per_organization() {
        let due = |organization: &str, on_time| InventoryFact {
            organization: organization.into(),
            organization_name: LangText::new(organization, organization),
            on_time,
        };
        let facts = PortalFacts {
            due_inventory: vec![
                due("mof", true),
                due("mof", false),
                due("gso", true),
                due("mof", false),
            ],
            ..facts()
        };
        let figure = find("inventory_on_time").unwrap().figure(&facts);
        assert_eq!(
            (figure.value, figure.part, figure.out_of),
            (50.0, Some(2), Some(4))
        );
        let parts: Vec<(&str, f64)> = figure
            .breakdown
            .iter()
            .map(|p| (p.key.as_str(), p.value))
            .collect();
        assert_eq!(parts, [("gso", 100.0), ("mof", 33.3)]);
    }

    #[test]
    fn request_response_times_per_organization() {
        let days = find("request_response_days").unwrap().figure(&facts());
        assert_eq!((days.value, days.out_of), (17.5, Some(4)));
        let parts: Vec<(&str, f64)> = days
            .breakdown
            .iter()
            .map(|p| (p.key.as_str(), p.value))
            .collect();
        assert_eq!(parts, [("mof", 25.0), ("gso", 10.0)]);
        assert_eq!(days.value_text(Locale::En), "17.5 days");
        let on_time = find("requests_answered_on_time").unwrap().figure(&facts());
        assert_eq!(
            (on_time.value, on_time.part, on_time.out_of),
            (50.0, Some(2), Some(4))
        );
        let parts: Vec<(&str, f64)> = on_time
            .breakdown
            .iter()
            .map(|p| (p.key.as_str(), p.value))
            .collect();
        assert_eq!(parts, [("gso", 100.0), ("mof", 33.3)]);
        let none = find("request_response_days")
            .unwrap()
            .figure(&PortalFacts::default());
        assert_eq!((none.value, none.out_of), (0.0, Some(0)));
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
            &[
                fact("a", true, &[]),
                fact("a", false, &[]),
                fact("a", false, &[]),
            ],
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
    fn medians_and_every_unit_read_well() {
        let odd = median(vec![9.0, 2.0, 4.0]);
        assert_eq!((odd.value, odd.out_of), (4.0, Some(3)));
        assert_eq!(median(vec![1.0, 2.0, 4.0, 8.0]).value, 3.0);
        assert_eq!(median(vec![3.0, 4.0]).value, 3.5);
        assert_eq!(median(Vec::new()).out_of, Some(0));
        let figure = |value: f64, unit: Unit| Figure {
            value,
            unit,
            out_of: None,
            part: None,
            breakdown: Vec::new(),
            as_of: Utc::now(),
        };
        assert_eq!(figure(4.5, Unit::Days).value_text(Locale::Vi), "4,5 ngày");
        assert_eq!(figure(12.0, Unit::Days).value_text(Locale::En), "12 days");
        assert_eq!(figure(1.0, Unit::Days).value_text(Locale::En), "1 day");
        assert_eq!(figure(3.0, Unit::Stars).value_text(Locale::En), "3/5 ★");
        assert_eq!(figure(2.5, Unit::Stars).value_text(Locale::Vi), "2,5/5 ★");
        assert_eq!(figure(48.0, Unit::Count).value_text(Locale::Vi), "48");
        assert_eq!(figure(50.0, Unit::Percent).value_text(Locale::Vi), "50,0%");
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
