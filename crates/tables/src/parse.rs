//! Reading values written as text: numbers in Vietnamese and English conventions, dates and
//! date-times in day-first, month-first and ISO order, booleans and missing-value markers.
//! Hand-written and allocation-free on the common paths: they run on every cell.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Markers that mean "no value" in published tables (GSO tables use `-`, `…` and `x`).
pub(crate) const MISSING_MARKERS: &[&str] = &[
    "-", "–", "—", "…", "...", "..", ".", "x", "X", "NA", "N/A", "n/a", "#N/A", "null", "NULL",
    "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!",
];

/// Which bytes start a known marker (most texts are told apart by their first byte).
const MARKER_FIRST_BYTES: [bool; 256] = {
    let mut starts = [false; 256];
    let mut i = 0;
    while i < MISSING_MARKERS.len() {
        starts[MISSING_MARKERS[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    starts
};

/// True for a known missing-value marker (none starts with a digit).
pub(crate) fn is_known_marker(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(&first) if MARKER_FIRST_BYTES[usize::from(first)] => MISSING_MARKERS.contains(&text),
        _ => false,
    }
}

/// `text.trim()`, without looking at characters when the text starts and ends with visible ASCII.
pub(crate) fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// Spellings read as `true` (compared without case).
const TRUE_WORDS: &[&str] = &["true", "yes", "có", "đúng"];
/// Spellings read as `false` (compared without case).
const FALSE_WORDS: &[&str] = &["false", "no", "không", "sai"];

/// `Some(value)` when the text is a boolean word (English or Vietnamese, any case).
pub(crate) fn parse_bool_word(text: &str) -> Option<bool> {
    if text.len() > 6 {
        return None;
    }
    let lower;
    let text = if text.is_ascii() {
        text
    } else {
        lower = text.to_lowercase();
        lower.as_str()
    };
    let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(text));
    if is(TRUE_WORDS) {
        Some(true)
    } else if is(FALSE_WORDS) {
        Some(false)
    } else {
        None
    }
}

/// How a text could be read as a number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct NumberShape {
    /// An integer with a decimal point convention (`1234`, `1,234,567`).
    pub int_point: bool,
    /// An integer with a decimal comma convention (`1234`, `1.234.567`).
    pub int_comma: bool,
    /// A number with a decimal point (`12.5`, `1,234.5`, `1e5`, or any integer above).
    pub num_point: bool,
    /// A number with a decimal comma (`12,5`, `1.234,5`, or any integer above).
    pub num_comma: bool,
    /// Digits with a leading zero (`007`): a code, not a quantity.
    pub leading_zero: bool,
}

impl NumberShape {
    /// True when the text is a number in some convention.
    pub fn any(self) -> bool {
        self.num_point || self.num_comma
    }
}

/// Splits an optional sign.
fn unsigned(text: &str) -> &str {
    match text.as_bytes().first() {
        Some(b'-' | b'+') => &text[1..],
        _ => text,
    }
}

/// Digits grouped by `group` in threes (`1.234.567`), at least one group mark.
fn is_grouped(digits: &str, group: u8) -> bool {
    let mut parts = digits.as_bytes().split(|&b| b == group);
    let Some(first) = parts.next() else {
        return false;
    };
    let mut groups = 0;
    if first.is_empty() || first.len() > 3 || first[0] == b'0' || !all_digits(first) {
        return false;
    }
    for part in parts {
        if part.len() != 3 || !all_digits(part) {
            return false;
        }
        groups += 1;
    }
    groups > 0
}

fn all_digits<T: AsRef<[u8]> + ?Sized>(text: &T) -> bool {
    let bytes = text.as_ref();
    !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit)
}

/// The ways a (trimmed) text can be read as a number.
pub(crate) fn number_shape(text: &str) -> NumberShape {
    let mut shape = NumberShape::default();
    let body = unsigned(text);
    if body.is_empty() || !body.as_bytes()[0].is_ascii_digit() && body.as_bytes()[0] != b'.' {
        return shape;
    }
    if all_digits(body) {
        if body.len() > 1 && body.starts_with('0') {
            shape.leading_zero = true;
        } else {
            shape.int_point = true;
            shape.int_comma = true;
            shape.num_point = true;
            shape.num_comma = true;
        }
        return shape;
    }
    let (mut points, mut commas, mut exponent, mut other) = (false, false, false, false);
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => {}
            b'.' => points = true,
            b',' => commas = true,
            b'e' | b'E' => exponent = true,
            // A sign may follow an exponent's mark; anything else is no number at all.
            b'-' | b'+' => other = true,
            _ => return shape,
        }
    }
    if exponent {
        shape.num_point = is_scientific(body);
        return shape;
    }
    if other {
        return shape;
    }
    // Decimal point: optional comma groups, one point, digits after (each needs its mark).
    shape.int_point = commas && is_grouped(body, b',');
    shape.num_point = shape.int_point || points && decimal(body, b'.', b',');
    shape.int_comma = points && is_grouped(body, b'.');
    shape.num_comma = shape.int_comma || commas && decimal(body, b',', b'.');
    shape
}

/// `int[.frac]` with `mark` as the decimal mark and `group` allowed between thousands.
fn decimal(body: &str, mark: u8, group: u8) -> bool {
    let Some(at) = body.bytes().position(|b| b == mark) else {
        return false;
    };
    let (int, frac) = (&body[..at], &body[at + 1..]);
    if !all_digits(frac) {
        return false;
    }
    int.is_empty() || all_digits(int) || is_grouped(int, group)
}

fn is_scientific(body: &str) -> bool {
    let Some(at) = body.bytes().position(|b| b == b'e' || b == b'E') else {
        return false;
    };
    let (mantissa, exponent) = (&body[..at], &body[at + 1..]);
    let mantissa_ok = all_digits(mantissa) || decimal(mantissa, b'.', b'\0');
    mantissa_ok && all_digits(unsigned(exponent)) && unsigned(exponent).len() <= 3
}

/// How numbers are written in a column: the decimal mark and the thousands mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NumberFormat {
    pub decimal: char,
    pub group: Option<char>,
}

impl NumberFormat {
    /// `1234.5`, no thousands mark.
    #[cfg(test)]
    pub const PLAIN: Self = Self {
        decimal: '.',
        group: None,
    };
}

/// Reads an integer written with an optional thousands mark; `None` when it is not one.
pub(crate) fn parse_int(text: &str, format: NumberFormat) -> Option<i64> {
    if let Ok(value) = text.parse::<i64>() {
        let body = unsigned(text);
        return (body.len() == 1 || !body.starts_with('0')).then_some(value);
    }
    let group = format.group?;
    let body = unsigned(text);
    if !group.is_ascii() || !is_grouped(body, group as u8) {
        return None;
    }
    let mut digits = String::with_capacity(text.len());
    if text.starts_with('-') {
        digits.push('-');
    }
    digits.extend(body.chars().filter(|c| *c != group));
    digits.parse().ok()
}

/// Digits with at most one decimal point, followed by a digit (`12`, `12.5`, `.5`): the
/// commonest numbers, which [`number_shape`] would find readable with a decimal point.
fn is_plain_decimal(body: &str) -> bool {
    let bytes = body.as_bytes();
    let mut point = None;
    for (at, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => {}
            b'.' if point.is_none() => point = Some(at),
            _ => return false,
        }
    }
    match point {
        None => !bytes.is_empty(),
        Some(at) => at + 1 < bytes.len(),
    }
}

/// Reads a number written with the given marks; `None` when it is not one.
pub(crate) fn parse_number(text: &str, format: NumberFormat) -> Option<f64> {
    let body = unsigned(text);
    let first = *body.as_bytes().first()?;
    if !first.is_ascii_digit() && first != b'.' && first != format.decimal as u8 {
        return None;
    }
    if format.decimal == '.' && format.group.is_none_or(|g| !text.contains(g)) {
        if is_plain_decimal(body) {
            return text.parse().ok();
        }
        let shape = number_shape(text);
        return if shape.num_point || all_digits(body) {
            text.parse().ok()
        } else {
            None
        };
    }
    let (int, frac) = match body.split_once(format.decimal) {
        Some((int, frac)) if all_digits(frac) => (int, Some(frac)),
        Some(_) => return None,
        None => (body, None),
    };
    let int_ok = int.is_empty() && frac.is_some()
        || all_digits(int)
        || format
            .group
            .is_some_and(|g| g.is_ascii() && is_grouped(int, g as u8));
    if !int_ok {
        return None;
    }
    let mut canonical = String::with_capacity(text.len());
    if text.starts_with('-') {
        canonical.push('-');
    }
    canonical.extend(int.chars().filter(|c| c.is_ascii_digit()));
    if let Some(frac) = frac {
        canonical.push('.');
        canonical.push_str(frac);
    }
    canonical.parse().ok()
}

/// The order of day, month and year in a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum DateOrder {
    /// `2024-03-31`
    Ymd,
    /// `31/03/2024` (Vietnamese)
    Dmy,
    /// `03/31/2024`
    Mdy,
}

/// A date written as three numbers with one separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateParts {
    pub separator: u8,
    pub parts: [u32; 3],
    /// The first part has four digits (a year first).
    pub year_first: bool,
}

impl DateParts {
    /// Year, month and day in `order`, when the parts are written in a way it allows.
    fn ymd(&self, order: DateOrder) -> Option<(u32, u32, u32)> {
        let [a, b, c] = self.parts;
        match order {
            DateOrder::Ymd if self.year_first => Some((a, b, c)),
            DateOrder::Dmy if !self.year_first => Some((c, b, a)),
            DateOrder::Mdy if !self.year_first => Some((c, a, b)),
            _ => None,
        }
    }

    /// The date in `order`, when valid.
    pub fn date(&self, order: DateOrder) -> Option<NaiveDate> {
        let (y, m, d) = self.ymd(order)?;
        NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
    }

    /// True when the parts make a valid date in `order` (what [`Self::date`] checks, without
    /// building the date: inference asks this of every cell, in three orders).
    pub fn is_date(&self, order: DateOrder) -> bool {
        self.ymd(order).is_some_and(|(y, m, d)| {
            let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
            let days = match m {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                2 if leap => 29,
                2 => 28,
                _ => 0,
            };
            (1..=days).contains(&d)
        })
    }
}

/// A time of day written `H:M`, `H:M:S` or `H:M:S.fff`, with an optional `Z` or `±hh:mm` offset
/// (converted to UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimeParts {
    pub time: NaiveTime,
    pub has_seconds: bool,
    /// Offset east of UTC in seconds, when written.
    pub offset: Option<i32>,
}

/// The two most common date shapes, `dd/mm/yyyy` and `yyyy-mm-dd` (any one separator), read by
/// position: what [`date_shape`] finds for them, without searching.
fn common_date_shape(text: &[u8]) -> Option<DateParts> {
    let &[a0, a1, a2, a3, a4, a5, a6, a7, a8, a9] = text else {
        return None;
    };
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let separator = |b: u8| matches!(b, b'/' | b'-' | b'.');
    if separator(a2) && a5 == a2 {
        let parts = [
            number(&[a0, a1])?,
            number(&[a3, a4])?,
            number(&[a6, a7, a8, a9])?,
        ];
        return Some(DateParts {
            separator: a2,
            parts,
            year_first: false,
        });
    }
    if separator(a4) && a7 == a4 {
        let parts = [
            number(&[a0, a1, a2, a3])?,
            number(&[a5, a6])?,
            number(&[a8, a9])?,
        ];
        return Some(DateParts {
            separator: a4,
            parts,
            year_first: true,
        });
    }
    None
}

/// Splits `text` into a date and an optional time, without deciding the order.
pub(crate) fn date_shape(text: &str) -> Option<(DateParts, Option<TimeParts>)> {
    match common_date_shape(text.as_bytes()) {
        Some(parts) => Some((parts, None)),
        None => any_date_shape(text),
    }
}

/// [`date_shape`] for any text.
fn any_date_shape(text: &str) -> Option<(DateParts, Option<TimeParts>)> {
    let (date, time) = match text.bytes().position(|b| b == b'T' || b == b' ') {
        Some(at) => (&text.as_bytes()[..at], Some(text[at + 1..].trim_start())),
        None => (text.as_bytes(), None),
    };
    let separator = *date.iter().find(|b| matches!(b, b'/' | b'-' | b'.'))?;
    let mut parts = [0u32; 3];
    let mut lengths = [0usize; 3];
    let mut count = 0;
    for part in date.split(|&b| b == separator) {
        if count == 3 || part.is_empty() || part.len() > 4 || !all_digits(part) {
            return None;
        }
        parts[count] = part.iter().fold(0, |n, &d| n * 10 + u32::from(d - b'0'));
        lengths[count] = part.len();
        count += 1;
    }
    if count != 3 {
        return None;
    }
    let year_first = lengths[0] == 4 && lengths[1] <= 2 && lengths[2] <= 2;
    let year_last = lengths[2] == 4 && lengths[0] <= 2 && lengths[1] <= 2;
    if !year_first && !year_last {
        return None;
    }
    let time = match time {
        Some(time) => Some(time_shape(time)?),
        None => None,
    };
    Some((
        DateParts {
            separator,
            parts,
            year_first,
        },
        time,
    ))
}

fn time_shape(text: &str) -> Option<TimeParts> {
    let (clock, offset) = split_offset(text)?;
    let mut fields = clock.splitn(3, ':');
    let hour: u32 = two_digits(fields.next()?)?;
    let minute: u32 = two_digits(fields.next()?)?;
    let (second, nanos, has_seconds) = match fields.next() {
        Some(seconds) => {
            let (whole, frac) = seconds.split_once(['.', ',']).unwrap_or((seconds, ""));
            let second = two_digits(whole)?;
            let nanos = if frac.is_empty() {
                0
            } else {
                if !all_digits(frac) || frac.len() > 9 {
                    return None;
                }
                frac.parse::<u32>().ok()? * 10u32.pow(9 - frac.len() as u32)
            };
            (second, nanos, true)
        }
        None => (0, 0, false),
    };
    Some(TimeParts {
        time: NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?,
        has_seconds,
        offset,
    })
}

fn two_digits(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 2 || !all_digits(text) {
        return None;
    }
    text.parse().ok()
}

/// Splits a trailing `Z` or `±hh:mm` offset.
fn split_offset(text: &str) -> Option<(&str, Option<i32>)> {
    if let Some(clock) = text.strip_suffix('Z') {
        return Some((clock, Some(0)));
    }
    if let Some(at) = text.rfind(['+', '-']) {
        let (clock, zone) = (&text[..at], &text[at + 1..]);
        let (hours, minutes) = zone.split_once(':').unwrap_or((zone, "00"));
        let (hours, minutes) = (two_digits(hours)?, two_digits(minutes)?);
        let sign = if text.as_bytes()[at] == b'-' { -1 } else { 1 };
        return Some((clock, Some(sign * (hours * 3600 + minutes * 60) as i32)));
    }
    Some((text, None))
}

impl TimeParts {
    /// The date-time on `date`, in UTC when an offset was written.
    pub fn on(&self, date: NaiveDate) -> NaiveDateTime {
        let local = date.and_time(self.time);
        match self.offset {
            Some(offset) => local - chrono::Duration::seconds(i64::from(offset)),
            None => local,
        }
    }
}

/// True when the text has an ASCII digit.
pub(crate) fn has_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_dates_are_read_by_position_as_any_date_is() {
        let mut texts: Vec<String> = [
            "31/03/2024",
            "2024-03-31",
            "03.31.2024",
            "2024/3/31",
            "31-03-2024",
            "31/03-2024",
            "2024-03/31",
            "3a/03/2024",
            "31/03/20245",
            "31/03/202",
            "12345678901",
            "2024-03-31T10:00",
            "31/03/2024 08:15",
            "1/1/2024",
            "00/00/0000",
            "99/99/9999",
            "-1/03/2024",
            "31 03 2024",
        ]
        .map(String::from)
        .to_vec();
        for (d, m, y) in [(1, 2, 2020), (31, 12, 1999), (29, 2, 2023)] {
            for sep in ['/', '-', '.'] {
                texts.push(format!("{d:02}{sep}{m:02}{sep}{y}"));
                texts.push(format!("{y}{sep}{m:02}{sep}{d:02}"));
            }
        }
        let mut fast = 0;
        for text in &texts {
            if common_date_shape(text.as_bytes()).is_some() {
                fast += 1;
            }
            assert_eq!(date_shape(text), any_date_shape(text), "{text}");
        }
        assert!(fast >= 20, "the common shapes take the fast path ({fast})");
    }

    #[test]
    fn plain_decimals_read_as_the_general_reader_does() {
        for text in [
            "12", "12.5", ".5", "-.5", "+3.25", "0.0", "-0", "1.", "1.2.3", "1,5", "1e5", "007",
            "12.5x", "", "-", "+", ".", "1_000", "٣",
        ] {
            let body = unsigned(text);
            if is_plain_decimal(body) && !body.is_empty() {
                let shape = number_shape(text);
                let general = if shape.num_point || all_digits(body) {
                    text.parse::<f64>().ok()
                } else {
                    None
                };
                assert_eq!(parse_number(text, NumberFormat::PLAIN), general, "{text}");
            }
        }
        assert!(is_plain_decimal("12.5") && is_plain_decimal(".5") && is_plain_decimal("7"));
        assert!(!is_plain_decimal("1.") && !is_plain_decimal("1.2.3") && !is_plain_decimal("1e5"));
    }

    #[test]
    fn date_checks_agree_with_building_the_date() {
        for year in [1900, 1999, 2000, 2023, 2024, 2100, 9999] {
            for month in 0..=13 {
                for day in 0..=32 {
                    let parts = [
                        DateParts {
                            separator: b'-',
                            parts: [year, month, day],
                            year_first: true,
                        },
                        DateParts {
                            separator: b'/',
                            parts: [day, month, year],
                            year_first: false,
                        },
                        DateParts {
                            separator: b'/',
                            parts: [month, day, year],
                            year_first: false,
                        },
                    ];
                    for parts in parts {
                        for order in [DateOrder::Ymd, DateOrder::Dmy, DateOrder::Mdy] {
                            assert_eq!(
                                parts.is_date(order),
                                parts.date(order).is_some(),
                                "{parts:?} {order:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    const VI: NumberFormat = NumberFormat {
        decimal: ',',
        group: Some('.'),
    };
    const EN: NumberFormat = NumberFormat {
        decimal: '.',
        group: Some(','),
    };

    #[test]
    fn shapes_tell_the_conventions_apart() {
        let vi_only = number_shape("1.234.567,89");
        assert!(vi_only.num_comma && !vi_only.num_point && !vi_only.int_comma);
        let en_only = number_shape("1,234,567.89");
        assert!(en_only.num_point && !en_only.num_comma);
        let ambiguous = number_shape("1.234");
        assert!(ambiguous.int_comma && ambiguous.num_point && !ambiguous.int_point);
        let plain = number_shape("-42");
        assert!(plain.int_point && plain.int_comma);
        assert!(number_shape("007").leading_zero);
        assert!(!number_shape("007").any());
        assert!(number_shape("1e5").num_point);
        assert!(number_shape("12,5").num_comma && !number_shape("12,5").int_point);
        for text in [
            "abc", "1.2.3", "12a", "", "-", ".", "1,23,456", "inf", "NaN", "1..2",
        ] {
            assert!(!number_shape(text).any(), "{text:?}");
        }
    }

    #[test]
    fn vietnamese_and_english_numbers_parse() {
        assert_eq!(parse_number("1.234.567,89", VI), Some(1_234_567.89));
        assert_eq!(parse_number("-12,5", VI), Some(-12.5));
        assert_eq!(parse_number("1,234,567.89", EN), Some(1_234_567.89));
        assert_eq!(parse_number("12.5", NumberFormat::PLAIN), Some(12.5));
        assert_eq!(parse_number("1.2.3", VI), None);
        assert_eq!(parse_number("inf", NumberFormat::PLAIN), None);
        assert_eq!(parse_number("12,5", EN), None);
        assert_eq!(parse_int("1.234.567", VI), Some(1_234_567));
        assert_eq!(parse_int("-1,234", EN), Some(-1234));
        assert_eq!(parse_int("1.5", VI), None);
        assert_eq!(parse_int("007", VI), None);
        assert_eq!(parse_int("0", VI), Some(0));
    }

    #[test]
    fn dates_in_each_order() {
        let (parts, time) = date_shape("31/03/2024").unwrap();
        assert!(time.is_none());
        assert_eq!(
            parts.date(DateOrder::Dmy),
            NaiveDate::from_ymd_opt(2024, 3, 31)
        );
        assert_eq!(parts.date(DateOrder::Mdy), None);
        let (parts, _) = date_shape("1/2/2024").unwrap();
        assert_eq!(
            parts.date(DateOrder::Dmy),
            NaiveDate::from_ymd_opt(2024, 2, 1)
        );
        assert_eq!(
            parts.date(DateOrder::Mdy),
            NaiveDate::from_ymd_opt(2024, 1, 2)
        );
        let (parts, _) = date_shape("2024-03-31").unwrap();
        assert_eq!(
            parts.date(DateOrder::Ymd),
            NaiveDate::from_ymd_opt(2024, 3, 31)
        );
        assert_eq!(parts.date(DateOrder::Dmy), None);
        assert!(date_shape("31.03.2024").is_some());
        for text in [
            "2024",
            "1.234.567",
            "12/2024",
            "31/03/24",
            "a/b/c",
            "2024-03-31-01",
        ] {
            assert!(date_shape(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn date_times_with_seconds_fractions_and_offsets() {
        let (parts, time) = date_shape("2024-03-31T08:30:15.5+07:00").unwrap();
        let time = time.unwrap();
        assert!(time.has_seconds);
        let utc = time.on(parts.date(DateOrder::Ymd).unwrap());
        assert_eq!(utc.to_string(), "2024-03-31 01:30:15.500");
        let (_, time) = date_shape("31/03/2024 08:30").unwrap();
        assert!(!time.unwrap().has_seconds);
        assert!(date_shape("31/03/2024 25:00").is_none());
    }

    #[test]
    fn booleans_and_markers() {
        assert_eq!(parse_bool_word("Có"), Some(true));
        assert_eq!(parse_bool_word("KHÔNG"), Some(false));
        assert_eq!(parse_bool_word("TRUE"), Some(true));
        assert_eq!(parse_bool_word("1"), None);
        assert!(is_known_marker("…"));
        assert!(is_known_marker("-"));
        assert!(!is_known_marker("0"));
    }
}
