//! The legal clock and deadlines in force, built from the `[tickets]` settings.

use chrono::{FixedOffset, NaiveDate};
use dulieu_config::TicketsConfig;
use dulieu_core::{Error, Result};
use dulieu_tickets::feedback::FeedbackPolicy;
use dulieu_tickets::{Calendar, ClockPolicy, WorkingClock};

/// The clock and the deadline lengths of requests and feedback.
#[derive(Debug, Clone)]
pub struct TicketRules {
    /// Working days in the portal's time zone.
    pub clock: WorkingClock,
    /// Data requests.
    pub requests: ClockPolicy,
    /// Feedback on datasets.
    pub feedback: FeedbackPolicy,
    /// Working days before a deadline when the organization is reminded.
    pub reminder_days: u32,
}

fn bad(setting: &str, value: &str) -> Error {
    Error::Internal(format!("setting {setting}: cannot read {value:?}"))
}

/// Reads a comma list, skipping blanks.
fn items(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|s| !s.is_empty())
}

impl TicketRules {
    /// Reads the settings; a malformed date or offset names its setting.
    pub fn from_config(config: &TicketsConfig) -> Result<Self> {
        let offset: FixedOffset = config
            .utc_offset
            .trim()
            .parse()
            .map_err(|_| bad("tickets.utc_offset", &config.utc_offset))?;
        let fixed = items(&config.fixed_holidays)
            .map(|md| {
                NaiveDate::parse_from_str(&format!("2000-{md}"), "%Y-%m-%d")
                    .map(|d| (chrono::Datelike::month(&d), chrono::Datelike::day(&d)))
                    .map_err(|_| bad("tickets.fixed_holidays", md))
            })
            .collect::<Result<Vec<_>>>()?;
        let dates = items(&config.holidays)
            .map(|d| {
                NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad("tickets.holidays", d))
            })
            .collect::<Result<Vec<_>>>()?;
        let calendar = Calendar::weekends_only()
            .with_fixed(fixed)
            .with_dates(dates);
        Ok(Self {
            clock: WorkingClock::new(calendar, offset),
            requests: ClockPolicy {
                response_days: config.response_days,
                extension_days: config.extension_days,
                long_overdue_days: config.long_overdue_days,
            },
            feedback: FeedbackPolicy {
                normal: ClockPolicy {
                    response_days: config.feedback_days,
                    extension_days: 0,
                    long_overdue_days: config.feedback_days,
                },
                urgent: ClockPolicy {
                    response_days: config.feedback_urgent_days,
                    extension_days: 0,
                    long_overdue_days: config.feedback_urgent_days.max(1),
                },
            },
            reminder_days: config.reminder_days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_vietnam_and_the_eu_directive() {
        let rules = TicketRules::from_config(&TicketsConfig::default()).unwrap();
        assert_eq!(rules.requests, ClockPolicy::REQUESTS);
        assert_eq!(rules.clock, WorkingClock::vietnam(Calendar::vietnam()));
    }

    #[test]
    fn operator_dates_and_errors_name_the_setting() {
        let config = TicketsConfig {
            holidays: "2027-02-04, 2027-02-05".into(),
            ..TicketsConfig::default()
        };
        let rules = TicketRules::from_config(&config).unwrap();
        let tet = NaiveDate::from_ymd_opt(2027, 2, 5).unwrap();
        assert!(!rules.clock.calendar().is_working_day(tet));
        let broken = TicketsConfig {
            holidays: "2027-13-01".into(),
            ..TicketsConfig::default()
        };
        let err = TicketRules::from_config(&broken).unwrap_err();
        assert!(err.to_string().contains("tickets.holidays"), "{err}");
        let broken = TicketsConfig {
            utc_offset: "Asia/Hanoi".into(),
            ..TicketsConfig::default()
        };
        assert!(
            TicketRules::from_config(&broken)
                .unwrap_err()
                .to_string()
                .contains("utc_offset")
        );
    }
}
