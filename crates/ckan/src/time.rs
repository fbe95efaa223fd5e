//! CKAN's timestamps: ISO 8601, naive UTC, with microseconds and no zone
//! (`2026-11-30T03:29:37.097260`), and the dates and instants clients send back.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

/// A time as CKAN writes it: naive UTC with microseconds.
pub fn format(at: DateTime<Utc>) -> String {
    let mut text = at.to_rfc3339_opts(SecondsFormat::Micros, true);
    text.pop(); // the `Z`
    text
}

/// Reads an instant: RFC 3339 with a zone, or naive (taken as UTC, as CKAN writes them), with
/// or without fractions; a bare date is its midnight UTC.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    let naive = text.strip_suffix('Z').unwrap_or(text);
    // CKAN's own form, read fast (the patterns below are parsed at every call).
    if let Ok(at) = DateTime::parse_from_rfc3339(&format!("{naive}Z")) {
        return Some(at.with_timezone(&Utc));
    }
    for pattern in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(naive, pattern) {
            return Some(at.and_utc());
        }
    }
    NaiveDate::parse_from_str(naive, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// Reads a date: a bare date, or the UTC date of an instant.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .or_else(|| parse(text).map(|at| at.date_naive()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naive_with_microseconds_round_trips() {
        let at = parse("2026-11-30T03:29:37.097260Z").unwrap();
        assert_eq!(format(at), "2026-11-30T03:29:37.097260");
        assert_eq!(parse(&format(at)), Some(at));
    }

    #[test]
    fn accepts_what_clients_send() {
        assert!(parse("2024-01-01T00:00:00+07:00").is_some());
        assert!(parse("2024-01-01 10:00:00").is_some());
        assert_eq!(
            parse("2024-01-01").unwrap().to_rfc3339(),
            "2024-01-01T00:00:00+00:00"
        );
        assert_eq!(
            parse_date("2024-03-05T23:00:00Z"),
            NaiveDate::from_ymd_opt(2024, 3, 5)
        );
        assert!(parse("yesterday").is_none());
    }
}
