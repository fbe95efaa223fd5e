//! The publication plan: whether items are published on time, and which to publish first
//! (value against effort).
//!
//! **Value** of an item = its priority class's weight (quick win 5, priority 4, priority
//! longer-term 3, longer term 2, low value 1) plus demand, capped at 3: one point per linked data
//! request and one per five votes on them. So demand can lift a low-value item, but not above a
//! quick win nobody asked for yet. **Effort** is the publisher's estimate (low, medium, high).
//! Items of value 4 or more are "high value"; low effort is "low". The four quadrants follow the
//! usual value/effort matrix.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Effort, Item, ItemStatus};

/// Most points demand adds to an item's value.
pub const MAX_DEMAND_POINTS: u32 = 3;
/// Votes worth one value point.
pub const VOTES_PER_POINT: i64 = 5;
/// Value from which an item counts as high value.
pub const HIGH_VALUE: u32 = 4;

dulieu_core::string_enum! {
    /// Where an item falls on the value/effort matrix.
    Quadrant {
        /// High value, low effort: publish now.
        QuickWin = "quick_win",
        /// High value, more effort: plan and fund.
        MajorProject = "major_project",
        /// Lower value, low effort: publish when convenient.
        FillIn = "fill_in",
        /// Lower value, more effort: reconsider.
        Reconsider = "reconsider",
        /// Effort not estimated yet.
        Unassessed = "unassessed",
    }
}

/// The value of an item (see the module documentation).
pub fn value_of(item: &Item) -> u32 {
    let demand = item.demand.requests.max(0) + item.demand.votes.max(0) / VOTES_PER_POINT;
    let demand = u32::try_from(demand)
        .unwrap_or(u32::MAX)
        .min(MAX_DEMAND_POINTS);
    item.fields.priority.weight() + demand
}

/// The quadrant of an item.
pub fn quadrant_of(item: &Item) -> Quadrant {
    let high = value_of(item) >= HIGH_VALUE;
    match (item.fields.effort, high) {
        (None, _) => Quadrant::Unassessed,
        (Some(Effort::Low), true) => Quadrant::QuickWin,
        (Some(_), true) => Quadrant::MajorProject,
        (Some(Effort::Low), false) => Quadrant::FillIn,
        (Some(_), false) => Quadrant::Reconsider,
    }
}

/// Items still to publish, most valuable and least effort first (then by target date, title).
pub fn ranked(items: &[Item]) -> Vec<&Item> {
    let mut open: Vec<&Item> = items
        .iter()
        .filter(|item| !item.fields.status.is_final())
        .collect();
    open.sort_by(|a, b| {
        value_of(b)
            .cmp(&value_of(a))
            .then_with(|| effort_rank(a).cmp(&effort_rank(b)))
            .then_with(|| a.fields.target_date.cmp(&b.fields.target_date))
            .then_with(|| a.fields.title_in("vi").cmp(b.fields.title_in("vi")))
    });
    open
}

fn effort_rank(item: &Item) -> u32 {
    item.fields.effort.map_or(4, Effort::rank)
}

/// How an organization's (or the nation's) items keep to their target dates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timeliness {
    /// Items with a target date that has come (on or before the day), or published with one.
    pub due: i64,
    /// Published on or before their target date.
    pub on_time: i64,
    /// Published after their target date.
    pub late: i64,
    /// Past their target date and neither published nor decided against.
    pub overdue: i64,
}

impl Timeliness {
    /// The share (0–100) of due items published on time; `None` when none is due.
    pub fn on_time_percent(&self) -> Option<f64> {
        (self.due > 0).then(|| 100.0 * self.on_time as f64 / self.due as f64)
    }
}

/// Where one item stands against its target date on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// No target date, decided against, or the target date has not come.
    NotDue,
    /// Published on or before the target date.
    OnTime,
    /// Published after the target date.
    Late,
    /// Past the target date and neither published nor decided against.
    Overdue,
}

/// Where an item with `status`, `target` date and publication day stands on `today`.
pub fn standing(
    status: ItemStatus,
    target: Option<NaiveDate>,
    published_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Standing {
    let Some(target) = target else {
        return Standing::NotDue;
    };
    match status {
        ItemStatus::WillNotPublish => Standing::NotDue,
        ItemStatus::Published if published_on.is_some_and(|day| day <= target) => Standing::OnTime,
        ItemStatus::Published => Standing::Late,
        _ if target < today => Standing::Overdue,
        _ => Standing::NotDue,
    }
}

/// Counts `items` against their target dates as of `today`. Items decided against are not due.
pub fn timeliness<'a>(items: impl IntoIterator<Item = &'a Item>, today: NaiveDate) -> Timeliness {
    let mut result = Timeliness::default();
    for item in items {
        let fields = &item.fields;
        match standing(fields.status, fields.target_date, item.published_on, today) {
            Standing::NotDue => continue,
            Standing::OnTime => result.on_time += 1,
            Standing::Late => result.late += 1,
            Standing::Overdue => result.overdue += 1,
        }
        result.due += 1;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Demand, ItemInput, Priority};
    use chrono::Utc;
    use dulieu_core::text::LangText;
    use uuid::Uuid;

    fn item(priority: Priority, effort: Option<Effort>, demand: Demand) -> Item {
        let mut fields = ItemInput::new(LangText::new("t", "t"), priority);
        fields.effort = effort;
        Item {
            id: Uuid::new_v4(),
            organization: "gso".into(),
            organization_id: Uuid::nil(),
            fields,
            dataset_id: None,
            published_on: None,
            demand,
            overdue: false,
            created: Utc::now(),
            modified: Utc::now(),
        }
    }

    #[test]
    fn demand_lifts_value_up_to_a_cap() {
        let none = Demand::default();
        let asked = Demand {
            requests: 1,
            votes: 12,
        };
        let flood = Demand {
            requests: 40,
            votes: 900,
        };
        assert_eq!(value_of(&item(Priority::LowValue, None, none)), 1);
        assert_eq!(value_of(&item(Priority::LowValue, None, asked)), 4);
        assert_eq!(value_of(&item(Priority::LowValue, None, flood)), 4);
        assert_eq!(value_of(&item(Priority::QuickWin, None, flood)), 8);
    }

    #[test]
    fn quadrants_follow_value_and_effort() {
        let none = Demand::default();
        let q = |p, e| quadrant_of(&item(p, e, none));
        assert_eq!(q(Priority::QuickWin, Some(Effort::Low)), Quadrant::QuickWin);
        assert_eq!(
            q(Priority::Priority, Some(Effort::High)),
            Quadrant::MajorProject
        );
        assert_eq!(q(Priority::LowValue, Some(Effort::Low)), Quadrant::FillIn);
        assert_eq!(
            q(Priority::LongerTerm, Some(Effort::Medium)),
            Quadrant::Reconsider
        );
        assert_eq!(q(Priority::QuickWin, None), Quadrant::Unassessed);
    }

    #[test]
    fn ranking_puts_value_then_low_effort_first_and_skips_decided_items() {
        let none = Demand::default();
        let mut done = item(Priority::QuickWin, Some(Effort::Low), none);
        done.fields.status = ItemStatus::WillNotPublish;
        let items = vec![
            item(Priority::Priority, Some(Effort::High), none),
            done,
            item(Priority::Priority, Some(Effort::Low), none),
            item(Priority::LowValue, Some(Effort::Low), none),
        ];
        let order: Vec<(Priority, Option<Effort>)> = ranked(&items)
            .iter()
            .map(|i| (i.fields.priority, i.fields.effort))
            .collect();
        assert_eq!(
            order,
            vec![
                (Priority::Priority, Some(Effort::Low)),
                (Priority::Priority, Some(Effort::High)),
                (Priority::LowValue, Some(Effort::Low)),
            ]
        );
    }

    #[test]
    fn timeliness_counts_on_time_late_and_overdue() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let none = Demand::default();
        let with = |status, target: u32, published: Option<u32>| {
            let mut i = item(Priority::Priority, None, none);
            i.fields.status = status;
            i.fields.target_date = Some(day(target));
            i.published_on = published.map(day);
            i
        };
        let items = vec![
            with(ItemStatus::Published, 10, Some(9)),
            with(ItemStatus::Published, 10, Some(12)),
            with(ItemStatus::Assessed, 10, None),
            with(ItemStatus::Assessed, 20, None),
            with(ItemStatus::WillNotPublish, 1, None),
            item(Priority::Priority, None, none),
        ];
        let t = timeliness(&items, day(15));
        assert_eq!(
            t,
            Timeliness {
                due: 3,
                on_time: 1,
                late: 1,
                overdue: 1
            }
        );
        assert!((t.on_time_percent().unwrap() - 100.0 / 3.0).abs() < 1e-9);
        assert_eq!(timeliness(&[], day(15)).on_time_percent(), None);
    }
}
