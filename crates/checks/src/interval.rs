//! A length of time as the profile writes it: a whole number and a unit, `5min`, `12h`, `31d`.

use std::fmt;

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

/// The longest interval accepted: 100 years.
const MAX_MINUTES: u64 = 100 * 366 * 24 * 60;

/// A length of time in whole minutes, written `<n>min`, `<n>h` or `<n>d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Interval {
    minutes: u64,
}

impl Interval {
    /// An interval of whole days.
    pub const fn days(days: u64) -> Self {
        Self {
            minutes: days * 24 * 60,
        }
    }

    /// The length in minutes.
    pub fn minutes(self) -> u64 {
        self.minutes
    }

    /// The length as a chrono delta.
    pub fn delta(self) -> TimeDelta {
        // At most 100 years of minutes: always in range.
        TimeDelta::minutes(self.minutes as i64)
    }

    /// Reads `5min`, `12h` or `31d`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let (number, unit) = text.split_at(digits);
        let per_unit = match unit {
            "min" => 1,
            "h" => 60,
            "d" => 24 * 60,
            _ => {
                return Err(format!(
                    "`{text}` is not a length of time: write a whole number and min, h or d (5min, 12h, 31d)"
                ));
            }
        };
        let minutes = number
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(per_unit))
            .filter(|m| (1..=MAX_MINUTES).contains(m))
            .ok_or_else(|| format!("`{text}` must be more than zero and at most 100 years"))?;
        Ok(Self { minutes })
    }
}

impl TryFrom<String> for Interval {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text)
    }
}

impl From<Interval> for String {
    fn from(interval: Interval) -> String {
        interval.to_string()
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minutes;
        if m.is_multiple_of(24 * 60) {
            write!(f, "{}d", m / (24 * 60))
        } else if m.is_multiple_of(60) {
            write!(f, "{}h", m / 60)
        } else {
            write!(f, "{m}min")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_the_three_units() {
        assert_eq!(Interval::parse("5min").unwrap().minutes(), 5);
        assert_eq!(Interval::parse("12h").unwrap().minutes(), 720);
        assert_eq!(Interval::parse("31d").unwrap(), Interval::days(31));
        assert_eq!(Interval::parse("90min").unwrap().to_string(), "90min");
        assert_eq!(Interval::parse("48h").unwrap().to_string(), "2d");
        assert_eq!(Interval::days(1).delta(), TimeDelta::days(1));
    }

    #[test]
    fn refuses_what_is_not_a_length() {
        for bad in [
            "",
            "31",
            "d",
            "3 d",
            "1w",
            "0d",
            "-1d",
            "99999999999999999999d",
            "40000d",
        ] {
            assert!(Interval::parse(bad).is_err(), "{bad}");
        }
    }
}
