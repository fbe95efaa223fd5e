//! Single values that look like personal data: e-mail addresses, dates of birth, names of
//! people; and masking, so that evidence shows the shape of a value, never the value.

use chrono::{Datelike, NaiveDate};
use dulieu_core::text::{fold_diacritics, is_plausible_email};

/// The oldest age taken as plausible for a date of birth.
const MAX_AGE: i32 = 110;

/// Family names that open most Vietnamese full names (folded, lower case).
const SURNAMES: &[&str] = &[
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do",
    "ho", "ngo", "duong", "ly", "dinh", "truong", "lam", "mai", "trinh", "doan", "luu", "cao",
    "ta", "to", "ha", "chu", "thai", "luong", "quach", "kieu", "la", "tang", "vuong", "khuc",
    "dam", "nong", "lo", "lai", "tong", "trieu", "giang", "thach", "han", "diep", "quan", "au",
    "ong", "bach", "khong", "tieu", "nghiem", "phung", "phi", "mac", "ton", "ung",
];

/// What an e-mail-like value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Email {
    /// An address at a government domain (`.gov.vn`): an office's, usually published.
    Official,
    /// Any other address.
    Other,
}

/// Reads an e-mail address (`mailto:` allowed).
pub(crate) fn email(value: &str) -> Option<Email> {
    let value = value.trim();
    let value = value.strip_prefix("mailto:").unwrap_or(value);
    if !is_plausible_email(value) {
        return None;
    }
    let domain = value
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    Some(if domain.ends_with(".gov.vn") || domain == "gov.vn" {
        Email::Official
    } else {
        Email::Other
    })
}

/// True for a date a living person may have been born on: `dd/mm/yyyy` (also with `-` or `.`,
/// one-digit day and month) or ISO `yyyy-mm-dd` (a time after it allowed), in the last 110
/// years. With `year_alone`, a bare four-digit year counts too (for a "Năm sinh" column).
pub(crate) fn birth_date(value: &str, now_year: i32, year_alone: bool) -> bool {
    let value = value.trim();
    let plausible = |year: i32| (now_year - MAX_AGE..=now_year).contains(&year);
    if year_alone && value.len() == 4 {
        return value.parse::<i32>().is_ok_and(plausible);
    }
    parse_date(value).is_some_and(|d| plausible(d.year()))
}

fn parse_date(value: &str) -> Option<NaiveDate> {
    let date_part = value.split(['T', ' ']).next().unwrap_or(value);
    if let Ok(date) = NaiveDate::parse_from_str(date_part, "%Y-%m-%d") {
        return Some(date);
    }
    let parts: Vec<&str> = date_part.split(['/', '-', '.']).collect();
    let [day, month, year] = parts.as_slice() else {
        return None;
    };
    if year.len() != 4 || day.is_empty() || day.len() > 2 || month.is_empty() || month.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// True for a value shaped like a Vietnamese full name: two to five capitalised words of
/// letters, the first a common family name.
pub(crate) fn person_name(value: &str) -> bool {
    let words: Vec<&str> = value.split_whitespace().collect();
    if !(2..=5).contains(&words.len()) {
        return false;
    }
    let well_formed = words.iter().all(|w| {
        w.chars().all(char::is_alphabetic) && w.chars().next().is_some_and(char::is_uppercase)
    });
    let family = fold_diacritics(words[0]).to_lowercase();
    well_formed && SURNAMES.contains(&family.as_str())
}

/// The shape of a value without the value: e-mail as `n***@domain`, digits of dates all
/// masked, other values with the first two and last two characters kept when longer than
/// seven characters, and masked entirely otherwise.
pub(crate) fn mask(value: &str) -> String {
    let value = value.trim();
    if let Some((local, domain)) = value.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    if parse_date(value).is_some() {
        return value
            .chars()
            .map(|c| if c.is_ascii_digit() { '*' } else { c })
            .collect();
    }
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < 2 || i >= chars.len() - 2 || !c.is_alphanumeric() {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email("an.nguyen@gmail.com"), Some(Email::Other));
        assert_eq!(email("mailto:vanphong@hanoi.gov.vn"), Some(Email::Official));
        assert_eq!(email("not an email"), None);
        assert_eq!(email("a@b"), None);
    }

    #[test]
    fn birth_dates() {
        assert!(birth_date("15/08/1985", 2026, false));
        assert!(birth_date("5-8-1985", 2026, false));
        assert!(birth_date("1985-08-15", 2026, false));
        assert!(birth_date("1985-08-15T00:00:00", 2026, false));
        assert!(!birth_date("31/02/1985", 2026, false));
        assert!(!birth_date("15/08/1890", 2026, false));
        assert!(!birth_date("15/08/2030", 2026, false));
        assert!(!birth_date("1985", 2026, false));
        assert!(birth_date("1985", 2026, true));
        assert!(!birth_date("2.500", 2026, true));
    }

    #[test]
    fn names() {
        assert!(person_name("Nguyễn Văn An"));
        assert!(person_name("Trần Thị Bích Ngọc"));
        assert!(person_name("ĐẶNG VĂN LÂM"));
        assert!(!person_name("Nguyễn"));
        assert!(!person_name("nguyễn văn an"));
        assert!(!person_name("Phường Phúc Xá"));
        assert!(!person_name("Nguyễn Văn An 2"));
    }

    #[test]
    fn masks_keep_the_shape_only() {
        assert_eq!(mask("0912345678"), "09******78");
        assert_eq!(mask("an.nguyen@gmail.com"), "a***@gmail.com");
        assert_eq!(mask("15/08/1985"), "**/**/****");
        assert_eq!(mask("0912 345 678"), "09** *** *78");
        assert_eq!(mask("12345"), "*****");
    }
}
