//! Numbers, sizes and dates written for people, per language.

use chrono::{DateTime, NaiveDate, Utc};
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
    format!(
        "{} {} UTC",
        date(at.date_naive(), locale),
        at.format("%H:%M")
    )
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
    }
}
