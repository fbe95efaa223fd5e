//! Cron schedules: the five classic fields (minute, hour, day of month, month, day of week),
//! ranges, lists, steps, names (`MON`, `JAN`) and the `@hourly`, `@daily`, `@weekly`,
//! `@monthly` and `@yearly` nicknames, evaluated in the portal's time zone (a fixed offset from
//! UTC: Vietnam has no daylight saving time).

use std::fmt;

use chrono::{DateTime, FixedOffset, Utc};
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

/// A parsed cron schedule.
#[derive(Clone)]
pub struct Schedule {
    text: String,
    cron: Cron,
}

/// A schedule that cannot be read, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid schedule {text:?}: {reason}")]
pub struct ScheduleError {
    /// The schedule as given.
    pub text: String,
    /// Why it is refused.
    pub reason: String,
}

impl Schedule {
    /// Reads a five-field cron expression or a nickname; seconds and years are refused.
    pub fn parse(text: &str) -> Result<Self, ScheduleError> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let refuse = |reason: String| ScheduleError {
            text: text.clone(),
            reason,
        };
        if text.is_empty() {
            return Err(refuse("empty".into()));
        }
        if !text.starts_with('@') && text.split(' ').count() != 5 {
            return Err(refuse(
                "needs five fields: minute hour day-of-month month day-of-week".into(),
            ));
        }
        let cron = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            .build()
            .parse(&text)
            .map_err(|e| refuse(e.to_string()))?;
        Ok(Self { text, cron })
    }

    /// The schedule as written (whitespace normalised).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The first time strictly after `after` the schedule fires, reading its fields in the time
    /// zone `offset`; `None` when it never fires again (e.g. `0 0 30 2 *`).
    pub fn next_after(&self, after: DateTime<Utc>, offset: FixedOffset) -> Option<DateTime<Utc>> {
        let local = after.with_timezone(&offset);
        self.cron
            .find_next_occurrence(&local, false)
            .ok()
            .map(|next| next.with_timezone(&Utc))
    }
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Schedule").field(&self.text).finish()
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Schedule {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Offset, TimeZone};

    fn vietnam() -> FixedOffset {
        FixedOffset::east_opt(7 * 3600).unwrap()
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn daily_at_two_in_the_morning_vietnam_time() {
        let s = Schedule::parse("0 2 * * *").unwrap();
        // 2026-12-01 10:00 UTC is 17:00 in Hà Nội: next is 02:00 on the 2nd, 19:00 UTC the 1st.
        assert_eq!(
            s.next_after(at(2026, 12, 1, 10, 0), vietnam()),
            Some(at(2026, 12, 1, 19, 0))
        );
        // Strictly after: at the firing time itself, the next day.
        assert_eq!(
            s.next_after(at(2026, 12, 1, 19, 0), vietnam()),
            Some(at(2026, 12, 2, 19, 0))
        );
    }

    #[test]
    fn steps_names_and_nicknames() {
        let every_15 = Schedule::parse("*/15  *  * * *").unwrap();
        assert_eq!(every_15.as_str(), "*/15 * * * *");
        assert_eq!(
            every_15.next_after(at(2026, 1, 1, 0, 7), Utc.fix()),
            Some(at(2026, 1, 1, 0, 15))
        );
        let mondays = Schedule::parse("30 8 * * MON").unwrap();
        // 2026-12-01 is a Tuesday: the next Monday is the 7th, 08:30 local = 01:30 UTC.
        assert_eq!(
            mondays.next_after(at(2026, 12, 1, 0, 0), vietnam()),
            Some(at(2026, 12, 7, 1, 30))
        );
        let hourly = Schedule::parse("@hourly").unwrap();
        assert_eq!(
            hourly.next_after(at(2026, 1, 1, 3, 59), Utc.fix()),
            Some(at(2026, 1, 1, 4, 0))
        );
    }

    #[test]
    fn bad_schedules_are_refused_with_the_reason() {
        for bad in [
            "",
            "* * * *",
            "0 0 * * * *",
            "61 * * * *",
            "0 25 * * *",
            "tomorrow",
            "0 0 * * 9",
        ] {
            let err = Schedule::parse(bad).unwrap_err();
            assert!(!err.reason.is_empty(), "{bad:?}");
        }
    }

    #[test]
    fn an_impossible_date_never_fires() {
        let s = Schedule::parse("0 0 30 2 *").unwrap();
        assert_eq!(s.next_after(at(2026, 1, 1, 0, 0), Utc.fix()), None);
    }
}
