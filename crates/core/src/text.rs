//! Text helpers: bilingual texts, slugs, and Vietnamese diacritic folding.

use serde::{Deserialize, Serialize};

use crate::FieldErrors;

/// A text in Vietnamese and/or English, as `{"vi": "...", "en": "..."}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LangText {
    /// Vietnamese text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vi: Option<String>,
    /// English text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl LangText {
    /// A text with both languages.
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            vi: Some(vi.into()),
            en: Some(en.into()),
        }
    }

    /// Trims both languages and drops empty ones.
    pub fn normalized(self) -> Self {
        let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        Self {
            vi: clean(self.vi),
            en: clean(self.en),
        }
    }

    /// True when neither language has text.
    pub fn is_empty(&self) -> bool {
        self.vi.is_none() && self.en.is_none()
    }

    /// The text in the preferred language (`vi` or `en`), falling back to the other one.
    pub fn get(&self, lang: &str) -> Option<&str> {
        let (first, second) = if lang == "en" {
            (&self.en, &self.vi)
        } else {
            (&self.vi, &self.en)
        };
        first.as_deref().or(second.as_deref())
    }

    /// Checks that at least one language is given (when `required`) and that no text is longer than `max` characters.
    pub fn check(&self, field: &str, required: bool, max: usize, errors: &mut FieldErrors) {
        if required && self.is_empty() {
            errors.add(field, "required_one_language");
        }
        for (lang, text) in [("vi", &self.vi), ("en", &self.en)] {
            if let Some(text) = text
                && text.chars().count() > max
            {
                errors.add_with(format!("{field}.{lang}"), "too_long", "max", max);
            }
        }
    }
}

/// Longest slug accepted.
pub const SLUG_MAX: usize = 100;

/// True for a valid slug: 2 to 100 characters of `a-z`, `0-9` and inner `-`.
pub fn is_valid_slug(slug: &str) -> bool {
    let bytes = slug.as_bytes();
    (2..=SLUG_MAX).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

/// Checks a slug field, recording `invalid_slug` when it is malformed.
pub fn check_slug(field: &str, slug: &str, errors: &mut FieldErrors) {
    if !is_valid_slug(slug) {
        errors.add_with(field, "invalid_slug", "max", SLUG_MAX);
    }
}

/// Makes a slug from free text: folds Vietnamese diacritics, lower-cases, joins words with `-`.
pub fn slugify(text: &str) -> String {
    let folded = fold_diacritics(text).to_lowercase();
    let mut slug = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= SLUG_MAX {
            break;
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// Replaces Vietnamese (and common Latin) accented letters by their base letter, `đ`→`d`.
/// Works on both precomposed (NFC) letters and letters followed by combining marks.
pub fn fold_diacritics(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if ('\u{0300}'..='\u{036f}').contains(&c) {
            continue; // combining mark
        }
        out.push(fold_char(c));
    }
    out
}

/// The base letter of one character (`ế`→`e`, `Đ`→`D`); other characters are returned unchanged.
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    let table = fold_table();
    let code = c as u32;
    let slot = match code {
        FOLD_LATIN_START..FOLD_LATIN_END => table.latin[(code - FOLD_LATIN_START) as usize],
        FOLD_EXTENDED_START..FOLD_EXTENDED_END => {
            table.extended[(code - FOLD_EXTENDED_START) as usize]
        }
        _ => None,
    };
    slot.unwrap_or(c)
}

/// Latin-1 Supplement to Latin Extended-B: `À` … `ư`.
const FOLD_LATIN_START: u32 = 0x00C0;
const FOLD_LATIN_END: u32 = 0x0250;
/// Latin Extended Additional (Vietnamese letters with two marks): `Ạ` … `ỹ`.
const FOLD_EXTENDED_START: u32 = 0x1EA0;
const FOLD_EXTENDED_END: u32 = 0x1F00;

struct FoldTable {
    latin: Vec<Option<char>>,
    extended: Vec<Option<char>>,
}

/// Direct-indexed tables built once from the letter groups (folding runs on every indexed word).
fn fold_table() -> &'static FoldTable {
    static TABLE: std::sync::OnceLock<FoldTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        const GROUPS: &[(&str, char)] = &[
            ("àáảãạăằắẳẵặâầấẩẫậäå", 'a'),
            ("ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÄÅ", 'A'),
            ("èéẻẽẹêềếểễệë", 'e'),
            ("ÈÉẺẼẸÊỀẾỂỄỆË", 'E'),
            ("ìíỉĩịïî", 'i'),
            ("ÌÍỈĨỊÏÎ", 'I'),
            ("òóỏõọôồốổỗộơờớởỡợö", 'o'),
            ("ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÖ", 'O'),
            ("ùúủũụưừứửữựüû", 'u'),
            ("ÙÚỦŨỤƯỪỨỬỮỰÜÛ", 'U'),
            ("ỳýỷỹỵÿ", 'y'),
            ("ỲÝỶỸỴ", 'Y'),
            ("đ", 'd'),
            ("Đ", 'D'),
            ("ç", 'c'),
            ("ñ", 'n'),
        ];
        let mut table = FoldTable {
            latin: vec![None; (FOLD_LATIN_END - FOLD_LATIN_START) as usize],
            extended: vec![None; (FOLD_EXTENDED_END - FOLD_EXTENDED_START) as usize],
        };
        for (letters, base) in GROUPS {
            for letter in letters.chars() {
                let code = letter as u32;
                match code {
                    FOLD_LATIN_START..FOLD_LATIN_END => {
                        table.latin[(code - FOLD_LATIN_START) as usize] = Some(*base)
                    }
                    FOLD_EXTENDED_START..FOLD_EXTENDED_END => {
                        table.extended[(code - FOLD_EXTENDED_START) as usize] = Some(*base)
                    }
                    _ => unreachable!("letter {letter} outside the fold tables"),
                }
            }
        }
        table
    })
}

/// A loose e-mail check: one `@`, a non-empty local part and a dotted domain, no spaces.
pub fn is_plausible_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
                && !domain.contains('@')
                && email.len() <= 254
        }
        None => false,
    }
}

/// True for an absolute `http`/`https` URL with a host.
pub fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !url.chars().any(char::is_whitespace) && url.len() <= 2000
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold_diacritics("Hà Nội"), "Ha Noi");
        assert_eq!(fold_diacritics("ĐỒNG BẰNG"), "DONG BANG");
        assert_eq!(fold_diacritics("Ngân sách nhà nước"), "Ngan sach nha nuoc");
        // decomposed: a + combining grave
        assert_eq!(fold_diacritics("ha\u{0300}"), "ha");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Dân số Hà Nội 2019!"), "dan-so-ha-noi-2019");
        assert_eq!(slugify("  --Bộ Tài chính-- "), "bo-tai-chinh");
        assert!(is_valid_slug("bo-tai-chinh"));
        assert!(!is_valid_slug("Bo"));
        assert!(!is_valid_slug("a"));
        assert!(!is_valid_slug("-ab"));
        assert!(!is_valid_slug("a--b"));
        assert!(!is_valid_slug("hà-nội"));
    }

    #[test]
    fn lang_text_rules() {
        let mut errors = FieldErrors::new();
        LangText::default().check("title", true, 10, &mut errors);
        assert!(errors.0.contains_key("title"));
        let mut errors = FieldErrors::new();
        LangText::new("x".repeat(11), "ok").check("title", true, 10, &mut errors);
        assert!(errors.0.contains_key("title.vi"));
        assert!(!errors.0.contains_key("title.en"));
        let text = LangText {
            vi: Some("  ".into()),
            en: Some(" a ".into()),
        }
        .normalized();
        assert_eq!(text.vi, None);
        assert_eq!(text.get("vi"), Some("a"));
    }

    #[test]
    fn emails_and_urls() {
        assert!(is_plausible_email("a@b.vn"));
        assert!(!is_plausible_email("a@b"));
        assert!(!is_plausible_email("a b@c.vn"));
        assert!(is_http_url("https://mof.gov.vn/x?y=1"));
        assert!(!is_http_url("ftp://x"));
        assert!(!is_http_url("https://"));
    }
}
