//! Action plans: the items of a plan (dimension, title, description, responsible bodies,
//! prerequisites, start and end month, cost range, references), their status and progress
//! notes, and the calendar that decides which items are late.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use dulieu_core::FieldErrors;
use dulieu_core::text::LangText;
use dulieu_i18n::Locale;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::vocab::{ContentLang, ItemStatus, PublicationStatus, Term};

/// The most characters of a progress note.
pub const NOTE_MAX: usize = 4000;
/// The last month an item may end in (ten years).
pub const LAST_MONTH: u32 = 120;
/// Months of the chart: Y1 to Y3, as the report's tabular view.
pub const CHART_MONTHS: u32 = 36;

/// An action plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionPlan {
    /// Stable id.
    pub id: Uuid,
    /// Unique short name, used in links.
    pub slug: String,
    /// Title.
    pub title: LangText,
    /// Framework whose dimensions the items belong to.
    pub framework: String,
    /// The assessment the plan answers.
    pub assessment: Option<Uuid>,
    /// First day of month 1 of the plan.
    pub starts_on: NaiveDate,
    /// Shown to the public, or still a draft.
    pub status: PublicationStatus,
    /// Where the plan comes from.
    pub source: Option<String>,
    /// The items, in order.
    pub items: Vec<ActionItem>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// An action plan as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanHeader {
    /// Stable id.
    pub id: Uuid,
    /// Unique short name.
    pub slug: String,
    /// Title.
    pub title: LangText,
    /// Framework of the items' dimensions.
    pub framework: String,
    /// The assessment the plan answers.
    pub assessment: Option<Uuid>,
    /// First day of month 1.
    pub starts_on: NaiveDate,
    /// Shown to the public, or still a draft.
    pub status: PublicationStatus,
    /// Number of items.
    pub items: u64,
    /// Number of items done.
    pub done: u64,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// One action of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionItem {
    /// Stable id.
    pub id: Uuid,
    /// Dimension id of the plan's framework.
    pub dimension: String,
    /// Short, medium or long term.
    pub term: Option<Term>,
    /// What is to be done.
    pub title: String,
    /// How (Markdown).
    pub description: Option<String>,
    /// Language of the title and description.
    pub lang: ContentLang,
    /// Who is responsible (abbreviations as the report writes them).
    pub responsible: Vec<String>,
    /// Items that must be done first.
    pub prerequisites: Vec<Uuid>,
    /// Prerequisites as the source words them.
    pub prerequisite_note: Option<String>,
    /// First month (1 = the plan's first month).
    pub start_month: u32,
    /// Last month.
    pub end_month: u32,
    /// How the months were read from the source.
    pub schedule_note: Option<String>,
    /// Cost estimate.
    pub cost: Cost,
    /// Examples and documents to learn from.
    pub references: Vec<Reference>,
    /// Progress.
    pub status: ItemStatus,
    /// Progress notes, oldest first.
    pub notes: Vec<ProgressNote>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A cost estimate: a range in a currency, and what the source says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Cost {
    /// Lowest estimate.
    pub min: Option<u64>,
    /// Highest estimate.
    pub max: Option<u64>,
    /// Currency of the range (ISO 4217).
    pub currency: Option<String>,
    /// What the range is counted per (`event`, `session`), when not for the whole item.
    pub per: Option<String>,
    /// The estimate as written (`NA`, `TBD`, an explanation).
    pub note: Option<String>,
}

impl Cost {
    /// The range as people read it: `50.000–75.000 USD` (Vietnamese) or `50,000–75,000 USD`
    /// (English), with `/ per` when per unit; the note when there is no range; `None` when
    /// there is neither.
    pub fn range_text(&self, locale: Locale) -> Option<String> {
        let amount = |n: u64| group_thousands(n, locale);
        let currency = self.currency.as_deref().unwrap_or("");
        let range = match (self.min, self.max) {
            (Some(min), Some(max)) if min != max => {
                Some(format!("{}–{}", amount(min), amount(max)))
            }
            (Some(n), _) | (None, Some(n)) => Some(amount(n)),
            (None, None) => None,
        };
        match range {
            Some(range) => {
                let mut text = format!("{range} {currency}").trim().to_string();
                if let Some(per) = &self.per {
                    text.push_str(" / ");
                    text.push_str(per);
                }
                Some(text)
            }
            None => self.note.clone().filter(|n| !n.trim().is_empty()),
        }
    }
}

/// `12345678` as `12.345.678` (Vietnamese) or `12,345,678` (English).
fn group_thousands(n: u64, locale: Locale) -> String {
    let digits = n.to_string();
    let separator = match locale {
        Locale::Vi => '.',
        Locale::En => ',',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// A reference of an action item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// What it is.
    pub title: String,
    /// Where it is.
    #[serde(default)]
    pub url: Option<String>,
}

/// A progress note: the status set at that moment and what was said.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressNote {
    /// Stable id.
    pub id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (display name).
    pub author: Option<String>,
    /// The status after the note.
    pub status: ItemStatus,
    /// What was said.
    pub text: Option<String>,
}

/// A change of an item by the portal team: a new status and/or a note, new months, or new
/// prerequisites.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemUpdate {
    /// New status.
    #[serde(default)]
    pub status: Option<ItemStatus>,
    /// A progress note.
    #[serde(default)]
    pub note: Option<String>,
    /// New first month.
    #[serde(default)]
    pub start_month: Option<u32>,
    /// New last month.
    #[serde(default)]
    pub end_month: Option<u32>,
    /// New prerequisites, replacing the old ones (empty for none).
    #[serde(default)]
    pub prerequisites: Option<Vec<Uuid>>,
}

impl ItemUpdate {
    /// Checks the update against `item` of `plan`: something must change, months stay in order
    /// within ten years, a note is at most [`NOTE_MAX`] characters, prerequisites are other
    /// items of the plan and close no cycle.
    pub fn validate(
        self,
        plan: &ActionPlan,
        item: &ActionItem,
    ) -> std::result::Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let note = self
            .note
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX) {
            errors.add_with("note", "too_long", "max", NOTE_MAX);
        }
        let start = self.start_month.unwrap_or(item.start_month);
        let end = self.end_month.unwrap_or(item.end_month);
        for (field, month) in [
            ("start_month", self.start_month),
            ("end_month", self.end_month),
        ] {
            if month.is_some_and(|m| !(1..=LAST_MONTH).contains(&m)) {
                errors.add_with(field, "invalid_value", "detail", format!("1–{LAST_MONTH}"));
            }
        }
        if end < start {
            errors.add("end_month", "end_before_start");
        }
        let prerequisites = self.prerequisites.map(|wanted| {
            let kept = crate::plan_input::checked_prerequisites(&mut errors, plan, wanted);
            let mut changed = plan.clone();
            if let Some(it) = changed.items.iter_mut().find(|i| i.id == item.id) {
                it.prerequisites = kept.clone();
            }
            if kept.contains(&item.id) || changed.is_in_cycle(item.id) {
                errors.add("prerequisites", "prerequisite_cycle");
            }
            kept
        });
        if self.status.is_none()
            && note.is_none()
            && self.start_month.is_none()
            && self.end_month.is_none()
            && prerequisites.is_none()
        {
            errors.add("body", "required");
        }
        if errors.is_empty() {
            Ok(Self {
                note,
                prerequisites,
                ..self
            })
        } else {
            Err(errors)
        }
    }
}

/// An action plan as read: the plan, the day it is read and its late items.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanDocument {
    /// The plan.
    #[serde(flatten)]
    pub plan: ActionPlan,
    /// The day lateness is judged on.
    pub today: NaiveDate,
    /// Ids of the items that should have ended and are neither done nor dropped.
    pub late: Vec<Uuid>,
}

/// An action item as read, with whether it is late.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemDocument {
    /// The item.
    #[serde(flatten)]
    pub item: ActionItem,
    /// True when it should have ended and is neither done nor dropped.
    pub late: bool,
}

impl ActionPlan {
    /// The plan as read on `today`.
    pub fn document(self, today: NaiveDate) -> PlanDocument {
        let late = self
            .items
            .iter()
            .filter(|i| self.is_late(i, today))
            .map(|i| i.id)
            .collect();
        PlanDocument {
            plan: self,
            today,
            late,
        }
    }

    /// The first day of month `month` (1-based) of the plan.
    pub fn month_start(&self, month: u32) -> NaiveDate {
        self.starts_on
            .checked_add_months(Months::new(month.saturating_sub(1)))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Months elapsed between the plan's start and `day` (0 on the first day, 1.5 in the middle
    /// of month 2; negative before the start).
    pub fn months_elapsed(&self, day: NaiveDate) -> f64 {
        let whole = (day.year() - self.starts_on.year()) * 12 + day.month() as i32
            - self.starts_on.month() as i32;
        let month_start = self
            .starts_on
            .with_day(1)
            .and_then(|d| d.checked_add_months(Months::new(whole.max(0) as u32)))
            .unwrap_or(day);
        let next = month_start
            .checked_add_months(Months::new(1))
            .unwrap_or(month_start);
        let length = (next - month_start).num_days().max(1) as f64;
        let into = if whole >= 0 {
            (day - month_start).num_days() as f64 / length
        } else {
            0.0
        };
        whole as f64 + into
    }

    /// True when `item` should have ended before `today` and is neither done nor dropped.
    pub fn is_late(&self, item: &ActionItem, today: NaiveDate) -> bool {
        !item.status.is_closed() && today >= self.month_start(item.end_month + 1)
    }

    /// The item with `id`.
    pub fn item(&self, id: Uuid) -> Option<&ActionItem> {
        self.items.iter().find(|i| i.id == id)
    }

    /// True when the public may see it.
    pub fn is_published(&self) -> bool {
        self.status == PublicationStatus::Published
    }

    /// Checks that prerequisites name other items of the plan and never form a cycle, and that
    /// months are in order.
    pub fn check(&self) -> std::result::Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        for (i, item) in self.items.iter().enumerate() {
            if item.start_month < 1
                || item.end_month < item.start_month
                || item.end_month > LAST_MONTH
            {
                errors.add(format!("items[{i}].end_month"), "end_before_start");
            }
            for prerequisite in &item.prerequisites {
                if *prerequisite == item.id || self.item(*prerequisite).is_none() {
                    errors.add_with(
                        format!("items[{i}].prerequisites"),
                        "unknown_action_item",
                        "detail",
                        prerequisite,
                    );
                }
            }
            if self.is_in_cycle(item.id) {
                errors.add(format!("items[{i}].prerequisites"), "prerequisite_cycle");
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// True when following prerequisites from item `id` leads back to it.
    pub fn is_in_cycle(&self, id: Uuid) -> bool {
        self.depends_on(id, id, &mut Vec::new())
    }

    /// True when some prerequisite chain from `from` reaches `target`.
    fn depends_on(&self, from: Uuid, target: Uuid, seen: &mut Vec<Uuid>) -> bool {
        let Some(item) = self.item(from) else {
            return false;
        };
        for prerequisite in &item.prerequisites {
            if *prerequisite == target {
                return true;
            }
            if !seen.contains(prerequisite) {
                seen.push(*prerequisite);
                if self.depends_on(*prerequisite, target, seen) {
                    return true;
                }
            }
        }
        false
    }
}

/// Reads a month range written as in the report: `Month 1`, `Months 5-6`, `Month 24-48`,
/// `3-6 months` (the first two numbers, in order).
pub fn parse_month_range(text: &str) -> Option<(u32, u32)> {
    let numbers: Vec<u32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .filter_map(|part| part.parse().ok())
        .take(2)
        .collect();
    match numbers[..] {
        [a] if a >= 1 => Some((a, a)),
        [a, b] if a >= 1 && b >= a => Some((a, b)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn item(start: u32, end: u32, status: ItemStatus) -> ActionItem {
        ActionItem {
            id: Uuid::now_v7(),
            dimension: "1".into(),
            term: Some(Term::Short),
            title: "Item".into(),
            description: None,
            lang: ContentLang::En,
            responsible: vec!["ODTF".into()],
            prerequisites: Vec::new(),
            prerequisite_note: None,
            start_month: start,
            end_month: end,
            schedule_note: None,
            cost: Cost::default(),
            references: Vec::new(),
            status,
            notes: Vec::new(),
            updated_at: Utc::now(),
        }
    }

    fn plan(items: Vec<ActionItem>) -> ActionPlan {
        ActionPlan {
            id: Uuid::now_v7(),
            slug: "plan".into(),
            title: LangText::new("Kế hoạch", "Plan"),
            framework: "odra".into(),
            assessment: None,
            starts_on: day(2019, 4, 1),
            status: PublicationStatus::Published,
            source: None,
            items,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn months_and_lateness() {
        let p = plan(vec![
            item(1, 3, ItemStatus::InProgress),
            item(1, 3, ItemStatus::Done),
        ]);
        assert_eq!(p.month_start(1), day(2019, 4, 1));
        assert_eq!(p.month_start(10), day(2020, 1, 1));
        assert_eq!(p.months_elapsed(day(2019, 4, 1)), 0.0);
        assert_eq!(p.months_elapsed(day(2019, 6, 16)), 2.5);
        assert_eq!(p.months_elapsed(day(2026, 11, 30)).floor(), 91.0);
        assert!(p.months_elapsed(day(2019, 1, 1)) < 0.0);
        // Month 3 ends on 30 June 2019.
        assert!(!p.is_late(&p.items[0], day(2019, 6, 30)));
        assert!(p.is_late(&p.items[0], day(2019, 7, 1)));
        assert!(
            !p.is_late(&p.items[1], day(2026, 1, 1)),
            "done items are never late"
        );
    }

    #[test]
    fn reads_month_ranges() {
        assert_eq!(parse_month_range("Month 1"), Some((1, 1)));
        assert_eq!(parse_month_range("Months 5-6"), Some((5, 6)));
        assert_eq!(parse_month_range("Month 24-48"), Some((24, 48)));
        assert_eq!(parse_month_range("3-6 months"), Some((3, 6)));
        assert_eq!(parse_month_range("12 -18 month"), Some((12, 18)));
        assert_eq!(parse_month_range("Months"), None);
        assert_eq!(parse_month_range("6-3 months"), None);
    }

    #[test]
    fn updates_are_checked() {
        let it = item(2, 4, ItemStatus::NotStarted);
        let p = plan(vec![it.clone()]);
        let ok = ItemUpdate {
            status: Some(ItemStatus::Done),
            note: Some("  Đã ban hành.  ".into()),
            ..ItemUpdate::default()
        }
        .validate(&p, &it)
        .unwrap();
        assert_eq!(ok.note.as_deref(), Some("Đã ban hành."));
        let errors = ItemUpdate {
            end_month: Some(1),
            ..ItemUpdate::default()
        }
        .validate(&p, &it)
        .unwrap_err();
        assert_eq!(errors.0["end_month"][0].code, "end_before_start");
        let nothing = ItemUpdate::default().validate(&p, &it).unwrap_err();
        assert_eq!(nothing.0["body"][0].code, "required");
        let far = ItemUpdate {
            start_month: Some(0),
            ..ItemUpdate::default()
        }
        .validate(&p, &it)
        .unwrap_err();
        assert!(far.0.contains_key("start_month"));
    }

    #[test]
    fn changed_prerequisites_are_items_of_the_plan_and_close_no_cycle() {
        let a = item(1, 2, ItemStatus::NotStarted);
        let mut b = item(3, 4, ItemStatus::NotStarted);
        b.prerequisites = vec![a.id];
        let c = item(5, 6, ItemStatus::NotStarted);
        let p = plan(vec![a.clone(), b.clone(), c.clone()]);
        let change = |it: &ActionItem, prerequisites: Vec<Uuid>| {
            ItemUpdate {
                prerequisites: Some(prerequisites),
                ..ItemUpdate::default()
            }
            .validate(&p, it)
        };
        let kept = change(&c, vec![b.id, a.id, b.id]).unwrap();
        assert_eq!(
            kept.prerequisites,
            Some(vec![b.id, a.id]),
            "repeats dropped"
        );
        assert_eq!(change(&b, vec![]).unwrap().prerequisites, Some(vec![]));
        let looped = change(&a, vec![b.id]).unwrap_err();
        assert_eq!(looped.0["prerequisites"][0].code, "prerequisite_cycle");
        let itself = change(&c, vec![c.id]).unwrap_err();
        assert_eq!(itself.0["prerequisites"][0].code, "prerequisite_cycle");
        let unknown = change(&c, vec![Uuid::now_v7()]).unwrap_err();
        assert_eq!(unknown.0["prerequisites[0]"][0].code, "unknown_action_item");
    }

    #[test]
    fn prerequisites_must_exist_and_not_loop() {
        let mut a = item(1, 2, ItemStatus::NotStarted);
        let mut b = item(3, 4, ItemStatus::NotStarted);
        b.prerequisites = vec![a.id];
        let good = plan(vec![a.clone(), b.clone()]);
        good.check().unwrap();
        a.prerequisites = vec![b.id];
        let looped = plan(vec![a, b]);
        let errors = looped.check().unwrap_err();
        assert!(
            errors
                .0
                .values()
                .flatten()
                .any(|v| v.code == "prerequisite_cycle")
        );
    }

    #[test]
    fn cost_ranges_read_well() {
        let cost = Cost {
            min: Some(50_000),
            max: Some(75_000),
            currency: Some("USD".into()),
            ..Cost::default()
        };
        assert_eq!(cost.range_text(Locale::En).unwrap(), "50,000–75,000 USD");
        assert_eq!(cost.range_text(Locale::Vi).unwrap(), "50.000–75.000 USD");
        let per = Cost {
            min: Some(20_000),
            max: Some(30_000),
            currency: Some("USD".into()),
            per: Some("event".into()),
            ..Cost::default()
        };
        assert_eq!(
            per.range_text(Locale::En).unwrap(),
            "20,000–30,000 USD / event"
        );
        let na = Cost {
            note: Some("NA".into()),
            ..Cost::default()
        };
        assert_eq!(na.range_text(Locale::En).unwrap(), "NA");
        assert_eq!(Cost::default().range_text(Locale::En), None);
    }
}
