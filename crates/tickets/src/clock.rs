//! The legal clock: deadlines counted in working days of a holiday calendar, in the portal's
//! time zone.
//!
//! Conventions (those of the EU Open Data Directive and the UK FOIA): the day a ticket is
//! received is day 0, the response is due by the end of the `n`-th working day after it.
//! Saturdays, Sundays and the calendar's holidays are not working days. The time zone is a fixed
//! UTC offset, `+07:00` for Vietnam (Asia/Ho_Chi_Minh has had no daylight saving time since
//! 1975, so a fixed offset is exact and needs no time-zone database).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::party::TransitionError;

/// UTC offset of Asia/Ho_Chi_Minh, in seconds.
pub const VIETNAM_UTC_OFFSET: i32 = 7 * 3600;

/// Vietnam's public holidays on fixed solar dates (Labour Code 2019, art. 112): New Year's Day,
/// Reunification Day, International Labour Day, National Day. The lunar ones (Tết, Hùng Kings'
/// commemoration), the second National Day holiday (1 or 3 September) and the compensatory days
/// given when a holiday falls on a weekend change every year: the operator lists them per year.
pub const VIETNAM_FIXED_HOLIDAYS: &[(u32, u32)] = &[(1, 1), (4, 30), (5, 1), (9, 2)];

/// Non-working days: weekends, holidays on fixed dates every year, and listed dates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Calendar {
    fixed: BTreeSet<(u32, u32)>,
    dates: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// A calendar with weekends only.
    pub fn weekends_only() -> Self {
        Self::default()
    }

    /// Vietnam's fixed public holidays ([`VIETNAM_FIXED_HOLIDAYS`]).
    pub fn vietnam() -> Self {
        Self::weekends_only().with_fixed(VIETNAM_FIXED_HOLIDAYS.iter().copied())
    }

    /// Adds holidays that fall on the same (month, day) every year.
    pub fn with_fixed(mut self, days: impl IntoIterator<Item = (u32, u32)>) -> Self {
        self.fixed.extend(days);
        self
    }

    /// Adds holidays on given dates (Tết and other lunar-calendar or one-off days off).
    pub fn with_dates(mut self, dates: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.dates.extend(dates);
        self
    }

    /// True on a public holiday (whatever the weekday).
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.dates.contains(&date) || self.fixed.contains(&(date.month(), date.day()))
    }

    /// True on a Monday to Friday that is not a holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(date)
    }
}

/// A calendar in a time zone: turns instants into local working days and back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingClock {
    calendar: Calendar,
    offset: FixedOffset,
}

impl WorkingClock {
    /// A clock over `calendar` at a fixed UTC offset.
    pub fn new(calendar: Calendar, offset: FixedOffset) -> Self {
        Self { calendar, offset }
    }

    /// A clock at Vietnam's time (UTC+07:00).
    pub fn vietnam(calendar: Calendar) -> Self {
        Self::new(
            calendar,
            FixedOffset::east_opt(VIETNAM_UTC_OFFSET).expect("valid offset"),
        )
    }

    /// The calendar.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The offset from UTC.
    pub fn offset(&self) -> FixedOffset {
        self.offset
    }

    /// The local date of an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.offset).date_naive()
    }

    /// The instant the local day `date` starts.
    pub fn start_of(&self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
        self.offset
            .from_local_datetime(&midnight)
            .single()
            .expect("a fixed offset has no gaps")
            .with_timezone(&Utc)
    }

    /// The `days`-th working day after the local date of `from` (`from`'s own day when 0).
    pub fn nth_working_day_after(&self, from: DateTime<Utc>, days: u32) -> NaiveDate {
        let mut date = self.local_date(from);
        let mut left = days;
        while left > 0 {
            date = date + Days::new(1);
            if self.calendar.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// The deadline `days` working days after `from`: the instant the local day after the last
    /// allowed working day begins (a ticket is late from that instant on).
    pub fn deadline_after(&self, from: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let last = self.nth_working_day_after(from, days);
        self.start_of(last + Days::new(1))
    }

    /// The last local day allowed by a deadline from [`Self::deadline_after`].
    pub fn last_day(&self, deadline: DateTime<Utc>) -> NaiveDate {
        self.local_date(deadline - chrono::Duration::seconds(1))
    }

    /// Working days after the local date of `from` up to and including that of `to` (0 when
    /// answered the same day or `to` is earlier).
    pub fn working_days_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        let end = self.local_date(to);
        let mut date = self.local_date(from);
        let mut count = 0;
        while date < end {
            date = date + Days::new(1);
            if self.calendar.is_working_day(date) {
                count += 1;
            }
        }
        count
    }
}

/// Lengths of the clock for one kind of ticket, in working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockPolicy {
    /// Time to answer.
    pub response_days: u32,
    /// Extra time when an extension is announced before the deadline (0: none allowed).
    pub extension_days: u32,
    /// Days after the deadline from which the ticket is long overdue.
    pub long_overdue_days: u32,
}

impl ClockPolicy {
    /// Data requests: 20 + 20 working days, as the EU Open Data Directive (art. 4(2)) sets when
    /// no national rule does; long overdue 20 working days after the deadline.
    pub const REQUESTS: ClockPolicy = ClockPolicy {
        response_days: 20,
        extension_days: 20,
        long_overdue_days: 20,
    };

    /// Feedback on datasets: 10 working days, no extension, long overdue 10 days later.
    pub const FEEDBACK: ClockPolicy = ClockPolicy {
        response_days: 10,
        extension_days: 0,
        long_overdue_days: 10,
    };

    /// Starts the clock at `from`.
    pub fn start(&self, clock: &WorkingClock, from: DateTime<Utc>) -> Deadline {
        self.deadline(clock, from, self.response_days, false)
    }

    fn deadline(
        &self,
        clock: &WorkingClock,
        from: DateTime<Utc>,
        days: u32,
        extended: bool,
    ) -> Deadline {
        let due_at = clock.deadline_after(from, days);
        let long_due_at = clock.deadline_after(
            clock.start_of(clock.last_day(due_at)),
            self.long_overdue_days,
        );
        Deadline {
            due_at,
            long_due_at,
            extended,
        }
    }

    /// Extends `current`, announced at `now`: refused after the deadline, a second time, or
    /// when the policy allows none.
    pub fn extend(
        &self,
        clock: &WorkingClock,
        current: &Deadline,
        now: DateTime<Utc>,
    ) -> Result<Deadline, TransitionError> {
        if self.extension_days == 0 {
            return Err(TransitionError::ExtensionNotAllowed);
        }
        if current.extended {
            return Err(TransitionError::AlreadyExtended);
        }
        if now >= current.due_at {
            return Err(TransitionError::DeadlinePassed);
        }
        let last = clock.start_of(clock.last_day(current.due_at));
        Ok(self.deadline(clock, last, self.extension_days, true))
    }
}

/// When a ticket must be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadline {
    /// Late from this instant on.
    pub due_at: DateTime<Utc>,
    /// Long overdue from this instant on.
    pub long_due_at: DateTime<Utc>,
    /// The deadline was extended.
    pub extended: bool,
}

impl Deadline {
    /// Where `now` stands against the deadline.
    pub fn timeliness(&self, now: DateTime<Utc>) -> Timeliness {
        if now >= self.long_due_at {
            Timeliness::LongOverdue
        } else if now >= self.due_at {
            Timeliness::Overdue
        } else {
            Timeliness::OnTime
        }
    }
}

dulieu_core::string_enum! {
    /// A ticket's standing against its deadline while it waits for an answer (derived, never
    /// stored).
    Timeliness {
        /// Before the deadline.
        OnTime = "on_time",
        /// Past the deadline.
        Overdue = "overdue",
        /// Long past the deadline.
        LongOverdue = "long_overdue",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// An instant given in Vietnam's local time.
    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        FixedOffset::east_opt(VIETNAM_UTC_OFFSET)
            .unwrap()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn tet_2027() -> Vec<NaiveDate> {
        // Tết Đinh Mùi: 5 February 2027; the government's days off 4–10 February.
        (4..=10).map(|d| date(2027, 2, d)).collect()
    }

    #[test]
    fn weekends_and_fixed_holidays_are_not_working_days() {
        let calendar = Calendar::vietnam();
        assert!(calendar.is_working_day(date(2026, 12, 4))); // Friday
        assert!(!calendar.is_working_day(date(2026, 12, 5))); // Saturday
        assert!(!calendar.is_working_day(date(2026, 12, 6))); // Sunday
        assert!(!calendar.is_working_day(date(2027, 1, 1))); // New Year, Friday
        assert!(!calendar.is_working_day(date(2027, 4, 30))); // Reunification Day
        assert!(!calendar.is_working_day(date(2027, 5, 1)));
        assert!(!calendar.is_working_day(date(2026, 9, 2))); // National Day, Wednesday
        assert!(calendar.is_holiday(date(2029, 9, 2)));
        assert!(Calendar::weekends_only().is_working_day(date(2027, 1, 1)));
    }

    #[test]
    fn operator_dates_add_tet() {
        let calendar = Calendar::vietnam().with_dates(tet_2027());
        assert!(!calendar.is_working_day(date(2027, 2, 4)));
        assert!(!calendar.is_working_day(date(2027, 2, 10)));
        assert!(calendar.is_working_day(date(2027, 2, 11)));
        // Only that year.
        assert!(calendar.is_working_day(date(2028, 2, 4)));
    }

    #[test]
    fn twenty_working_days_skip_weekends() {
        let clock = WorkingClock::vietnam(Calendar::weekends_only());
        // Received Monday 7 Dec 2026 → 20 working days end Monday 4 Jan 2027.
        let received = local(2026, 12, 7, 10, 0);
        assert_eq!(clock.nth_working_day_after(received, 20), date(2027, 1, 4));
        assert_eq!(clock.nth_working_day_after(received, 0), date(2026, 12, 7));
        // Received on a Saturday: the first working day is Monday.
        assert_eq!(
            clock.nth_working_day_after(local(2026, 12, 5, 9, 0), 1),
            date(2026, 12, 7)
        );
    }

    #[test]
    fn holidays_push_the_deadline() {
        let weekends = WorkingClock::vietnam(Calendar::weekends_only());
        let vietnam = WorkingClock::vietnam(Calendar::vietnam());
        let received = local(2026, 12, 7, 10, 0);
        // New Year's Day (Friday 1 Jan 2027) costs one day.
        assert_eq!(
            vietnam.nth_working_day_after(received, 20),
            date(2027, 1, 5)
        );
        assert_eq!(
            weekends.nth_working_day_after(received, 20),
            date(2027, 1, 4)
        );
        // Tết 2027 (4–10 Feb) costs five working days.
        let with_tet = WorkingClock::vietnam(Calendar::vietnam().with_dates(tet_2027()));
        let january = local(2027, 1, 25, 8, 0);
        assert_eq!(
            vietnam.nth_working_day_after(january, 20),
            date(2027, 2, 22)
        );
        assert_eq!(
            with_tet.nth_working_day_after(january, 20),
            date(2027, 3, 1)
        );
    }

    #[test]
    fn the_local_day_decides_near_midnight() {
        let clock = WorkingClock::vietnam(Calendar::weekends_only());
        // 23:30 UTC on Friday is already Saturday 06:30 in Hanoi: received on Saturday.
        let friday_utc = Utc.with_ymd_and_hms(2026, 12, 4, 23, 30, 0).unwrap();
        assert_eq!(clock.local_date(friday_utc), date(2026, 12, 5));
        assert_eq!(
            clock.nth_working_day_after(friday_utc, 1),
            date(2026, 12, 7)
        );
        // 16:59 UTC is 23:59 the same day in Hanoi.
        let late_friday = Utc.with_ymd_and_hms(2026, 12, 4, 16, 59, 0).unwrap();
        assert_eq!(clock.local_date(late_friday), date(2026, 12, 4));
        // The deadline is local midnight after the last day: 17:00 UTC.
        let due = clock.deadline_after(local(2026, 12, 7, 10, 0), 1);
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 12, 8, 17, 0, 0).unwrap());
        assert_eq!(clock.last_day(due), date(2026, 12, 8));
        // In UTC the same instants fall on other days.
        let utc_clock =
            WorkingClock::new(Calendar::weekends_only(), FixedOffset::east_opt(0).unwrap());
        assert_eq!(utc_clock.local_date(friday_utc), date(2026, 12, 4));
    }

    #[test]
    fn working_days_between_counts_after_the_start_day() {
        let clock = WorkingClock::vietnam(Calendar::vietnam());
        let monday = local(2026, 12, 7, 9, 0);
        assert_eq!(
            clock.working_days_between(monday, local(2026, 12, 7, 17, 0)),
            0
        );
        assert_eq!(
            clock.working_days_between(monday, local(2026, 12, 11, 9, 0)),
            4
        );
        assert_eq!(
            clock.working_days_between(monday, local(2026, 12, 14, 9, 0)),
            5
        );
        assert_eq!(
            clock.working_days_between(monday, local(2026, 12, 1, 9, 0)),
            0
        );
        // Across New Year: 28 Dec (Mon) → 4 Jan (Mon) has 4 working days (1 Jan off).
        assert_eq!(
            clock.working_days_between(local(2026, 12, 28, 9, 0), local(2027, 1, 4, 9, 0)),
            4
        );
    }

    #[test]
    fn deadlines_extend_once_before_they_pass() {
        let clock = WorkingClock::vietnam(Calendar::weekends_only());
        let policy = ClockPolicy::REQUESTS;
        let received = local(2026, 12, 7, 10, 0);
        let deadline = policy.start(&clock, received);
        assert_eq!(clock.last_day(deadline.due_at), date(2027, 1, 4));
        // Long overdue 20 working days after the last day: 1 Feb 2027.
        assert_eq!(clock.last_day(deadline.long_due_at), date(2027, 2, 1));
        assert!(!deadline.extended);

        let extended = policy
            .extend(&clock, &deadline, local(2026, 12, 20, 9, 0))
            .unwrap();
        assert!(extended.extended);
        assert_eq!(clock.last_day(extended.due_at), date(2027, 2, 1));
        assert_eq!(
            policy.extend(&clock, &extended, local(2026, 12, 21, 9, 0)),
            Err(TransitionError::AlreadyExtended)
        );
        // On the last day itself it is still in time; the next morning it is not.
        assert!(
            policy
                .extend(&clock, &deadline, local(2027, 1, 4, 23, 59))
                .is_ok()
        );
        assert_eq!(
            policy.extend(&clock, &deadline, local(2027, 1, 5, 0, 0)),
            Err(TransitionError::DeadlinePassed)
        );
        assert_eq!(
            ClockPolicy::FEEDBACK.extend(&clock, &deadline, received),
            Err(TransitionError::ExtensionNotAllowed)
        );
    }

    #[test]
    fn timeliness_is_derived_from_now() {
        let clock = WorkingClock::vietnam(Calendar::vietnam());
        let deadline = ClockPolicy::REQUESTS.start(&clock, local(2026, 12, 7, 10, 0));
        assert_eq!(
            deadline.timeliness(local(2027, 1, 5, 23, 59)),
            Timeliness::OnTime
        );
        assert_eq!(
            deadline.timeliness(local(2027, 1, 6, 0, 0)),
            Timeliness::Overdue
        );
        assert_eq!(
            deadline.timeliness(deadline.long_due_at),
            Timeliness::LongOverdue
        );
    }
}
