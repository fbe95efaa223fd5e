//! Numbers, sizes and dates written for people, per language.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
use dulieu_i18n::Locale;

/// A byte count in human units (`1,5 MB` in Vietnamese, `1.5 MB` in English; powers of 1000).
pub fn size(bytes: i64, locale: Locale) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    let text = if unit == 0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    let text = match locale {
        Locale::Vi => text.replace('.', ","),
        Locale::En => text,
    };
    format!("{text} {}", UNITS[unit])
}

/// A whole number with thousands grouped (`12.345` in Vietnamese, `12,345` in English).
pub fn count(n: u64, locale: Locale) -> String {
    let digits = n.to_string();
    let separator = match locale {
        Locale::Vi => '.',
        Locale::En => ',',
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// A date: `30/11/2026` in Vietnamese, `2026-11-30` in English.
pub fn date(day: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::Vi => day.format("%d/%m/%Y").to_string(),
        Locale::En => day.format("%Y-%m-%d").to_string(),
    }
}

/// A moment, to the minute, in UTC: `30/11/2026 03:29 UTC` in Vietnamese, `2026-11-30 03:29 UTC`
/// in English.
pub fn moment(at: DateTime<Utc>, locale: Locale) -> String {
    moment_in(at, Utc.fix(), locale)
}

/// A moment, to the minute, at the offset `offset` from UTC (the portal's time zone):
/// `30/11/2026 10:29 UTC+07:00` in Vietnamese, `2026-11-30 10:29 UTC+07:00` in English.
pub fn moment_in(at: DateTime<Utc>, offset: FixedOffset, locale: Locale) -> String {
    let local = at.with_timezone(&offset);
    format!(
        "{} {} {}",
        date(local.date_naive(), locale),
        local.format("%H:%M"),
        zone(offset)
    )
}

/// The `datetime` of a `<time>` element for a moment, to the minute (`2026-11-30T03:29Z`).
pub fn datetime_attr(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%MZ").to_string()
}

/// A time zone as an offset from UTC: `UTC`, `UTC+07:00`.
pub fn zone(offset: FixedOffset) -> String {
    if offset.local_minus_utc() == 0 {
        "UTC".to_string()
    } else {
        format!("UTC{offset}")
    }
}

/// A duration given in milliseconds: `350 ms`, `2,5 s` in Vietnamese (`2.5 s` in English),
/// `3 min 20 s`.
pub fn duration_ms(ms: i64, locale: Locale) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        return format!("{ms} ms");
    }
    if ms < 60_000 {
        let text = format!("{:.1}", ms as f64 / 1000.0);
        let text = match locale {
            Locale::Vi => text.replace('.', ","),
            Locale::En => text,
        };
        return format!("{text} s");
    }
    let seconds = ms / 1000;
    format!("{} min {} s", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_counts() {
        assert_eq!(size(512, Locale::En), "512 B");
        assert_eq!(size(1_500_000, Locale::En), "1.5 MB");
        assert_eq!(size(1_500_000, Locale::Vi), "1,5 MB");
        assert_eq!(count(1_234_567, Locale::Vi), "1.234.567");
        assert_eq!(count(999, Locale::En), "999");
        assert_eq!(count(12_345, Locale::En), "12,345");
    }

    #[test]
    fn moments_in_utc() {
        let at = DateTime::parse_from_rfc3339("2026-11-30T03:29:37.097260Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(moment(at, Locale::Vi), "30/11/2026 03:29 UTC");
        assert_eq!(moment(at, Locale::En), "2026-11-30 03:29 UTC");
        let hanoi = FixedOffset::east_opt(7 * 3600).unwrap();
        assert_eq!(
            moment_in(at, hanoi, Locale::Vi),
            "30/11/2026 10:29 UTC+07:00"
        );
        let late = at + chrono::Duration::hours(21);
        assert_eq!(
            moment_in(late, hanoi, Locale::En),
            "2026-12-01 07:29 UTC+07:00"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(duration_ms(350, Locale::Vi), "350 ms");
        assert_eq!(duration_ms(2_540, Locale::Vi), "2,5 s");
        assert_eq!(duration_ms(2_540, Locale::En), "2.5 s");
        assert_eq!(duration_ms(200_000, Locale::En), "3 min 20 s");
        assert_eq!(duration_ms(-5, Locale::En), "0 ms");
    }
}
