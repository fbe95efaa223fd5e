//! Translations and language negotiation for dulieu.
//!
//! Every user-visible string lives in one static catalog with a Vietnamese text (the default
//! language) and an English text. Texts are looked up by a stable key such as
//! `error.not_found` or `violation.too_long` and may contain `{name}` placeholders that
//! [`message`] fills in.
//!
//! ```
//! use dulieu_i18n::{message, Locale};
//!
//! let locale = Locale::negotiate(Some("en-US,en;q=0.9,vi;q=0.8"));
//! assert_eq!(locale, Locale::En);
//! assert_eq!(
//!     message(locale, "violation.too_long", &[("max", "200")]),
//!     "At most 200 characters."
//! );
//! ```

#![warn(missing_docs)]

mod catalog;
pub mod problems;

use std::fmt;

use catalog::CATALOG;

/// A language dulieu speaks. Vietnamese is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// Vietnamese (`vi`), the default language.
    #[default]
    Vi,
    /// English (`en`).
    En,
}

impl Locale {
    /// Every supported locale, the default first.
    pub const ALL: &'static [Locale] = &[Locale::Vi, Locale::En];

    /// The BCP 47 primary language tag: `"vi"` or `"en"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Vi => "vi",
            Locale::En => "en",
        }
    }

    /// Reads a language tag such as `vi`, `vi-VN`, `en` or `en-US` (case-insensitive).
    ///
    /// Any well-formed tag whose primary subtag is `vi` or `en` is accepted; anything else
    /// (including `*`) gives `None`.
    pub fn parse(tag: &str) -> Option<Locale> {
        match parse_range(tag.trim())? {
            Range::Lang(locale) => locale,
            Range::Any => None,
        }
    }

    /// Picks the locale for a request from its `Accept-Language` header (RFC 9110, §12.5.4).
    ///
    /// The supported locale with the highest q-value wins; on equal q-values the one named
    /// first in the header wins. `*` stands for every locale not named explicitly, which in
    /// practice means the default (Vietnamese). `q=0` refuses a locale. Malformed parts are
    /// ignored. Without a header, or when nothing acceptable is supported, the result is
    /// [`Locale::Vi`].
    pub fn negotiate(accept_language: Option<&str>) -> Locale {
        let Some(header) = accept_language else {
            return Locale::default();
        };

        // Best (q in thousandths, position in header) for each locale and for `*`.
        let mut explicit: [Option<(u16, usize)>; 2] = [None; 2];
        let mut wildcard: Option<(u16, usize)> = None;
        for (position, part) in header.split(',').enumerate().take(MAX_HEADER_PARTS) {
            let Some((range, q)) = parse_part(part) else {
                continue;
            };
            let slot = match range {
                Range::Any => &mut wildcard,
                Range::Lang(Some(locale)) => &mut explicit[locale.index()],
                Range::Lang(None) => continue,
            };
            if slot.is_none_or(|(best, _)| q > best) {
                *slot = Some((q, position));
            }
        }

        let mut chosen: Option<(Locale, u16, usize)> = None;
        for &locale in Locale::ALL {
            let Some((q, position)) = explicit[locale.index()].or(wildcard) else {
                continue;
            };
            if q == 0 {
                continue;
            }
            let better = match chosen {
                None => true,
                Some((_, best_q, best_position)) => {
                    q > best_q || (q == best_q && position < best_position)
                }
            };
            if better {
                chosen = Some((locale, q, position));
            }
        }
        chosen.map_or_else(Locale::default, |(locale, _, _)| locale)
    }

    /// Position of this locale in [`Locale::ALL`].
    fn index(self) -> usize {
        match self {
            Locale::Vi => 0,
            Locale::En => 1,
        }
    }
}

impl fmt::Display for Locale {
    /// Writes the tag, `vi` or `en`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// At most this many comma-separated parts of an `Accept-Language` header are looked at.
const MAX_HEADER_PARTS: usize = 64;

/// A language range of `Accept-Language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    /// `*`.
    Any,
    /// A well-formed tag; `None` when its language is not supported.
    Lang(Option<Locale>),
}

/// Parses one `range[;q=value]` element; `None` when it is empty or malformed.
fn parse_part(part: &str) -> Option<(Range, u16)> {
    let mut pieces = part.split(';');
    let range = parse_range(pieces.next()?.trim())?;
    let mut q = None;
    for param in pieces {
        let (name, value) = param.trim().split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("q") || q.is_some() {
            return None;
        }
        q = Some(parse_qvalue(value.trim())?);
    }
    Some((range, q.unwrap_or(1000)))
}

/// Parses `*` or a language tag `1*8ALPHA *("-" 1*8alphanum)`.
fn parse_range(text: &str) -> Option<Range> {
    if text == "*" {
        return Some(Range::Any);
    }
    let mut subtags = text.split('-');
    let primary = subtags.next()?;
    if primary.is_empty() || primary.len() > 8 || !primary.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    for subtag in subtags {
        if subtag.is_empty()
            || subtag.len() > 8
            || !subtag.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return None;
        }
    }
    let locale = if primary.eq_ignore_ascii_case("vi") {
        Some(Locale::Vi)
    } else if primary.eq_ignore_ascii_case("en") {
        Some(Locale::En)
    } else {
        None
    };
    Some(Range::Lang(locale))
}

/// Parses an RFC 9110 qvalue (`0`, `0.5`, `1.000`, ...) into thousandths.
fn parse_qvalue(text: &str) -> Option<u16> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text, ""),
    };
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: u16 = 0;
    for (i, digit) in fraction.bytes().enumerate() {
        thousandths += u16::from(digit - b'0') * [100, 10, 1][i];
    }
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

const KEY_COUNT: usize = CATALOG.len();

static KEY_ARRAY: [&str; KEY_COUNT] = {
    let mut keys = [""; KEY_COUNT];
    let mut i = 0;
    while i < KEY_COUNT {
        keys[i] = CATALOG[i].0;
        i += 1;
    }
    keys
};

/// Every key of the catalog, in catalog order.
pub const KEYS: &[&str] = &KEY_ARRAY;

/// True when `key` is in the catalog.
pub fn has_message(key: &str) -> bool {
    CATALOG.iter().any(|(k, _, _)| *k == key)
}

/// The raw catalog text of `key` in `locale`, placeholders not filled in; `None` for an
/// unknown key.
pub fn lookup(locale: Locale, key: &str) -> Option<&'static str> {
    CATALOG
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, vi, en)| match locale {
            Locale::Vi => *vi,
            Locale::En => *en,
        })
}

/// The text of `key` in `locale` with every `{name}` placeholder replaced by the value of
/// `name` in `params`.
///
/// Never panics: an unknown key gives the key itself, and a placeholder without a matching
/// parameter is left as it is. Substituted values are not scanned for placeholders again.
pub fn message(locale: Locale, key: &str, params: &[(&str, &str)]) -> String {
    match lookup(locale, key) {
        Some(template) => substitute(template, params),
        None => key.to_owned(),
    }
}

/// Replaces `{name}` placeholders in `template` from `params` (first match wins).
fn substitute(template: &str, params: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let value = params
                .iter()
                .find(|(param, _)| is_placeholder_name(name) && *param == name)?
                .1;
            Some((value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A placeholder name: one or more ASCII letters, digits or underscores.
fn is_placeholder_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashSet};

    use super::*;

    fn negotiate(header: &str) -> Locale {
        Locale::negotiate(Some(header))
    }

    #[test]
    fn as_str_and_display() {
        assert_eq!(Locale::Vi.as_str(), "vi");
        assert_eq!(Locale::En.as_str(), "en");
        assert_eq!(Locale::En.to_string(), "en");
        assert_eq!(Locale::default(), Locale::Vi);
        for &locale in Locale::ALL {
            assert_eq!(Locale::parse(locale.as_str()), Some(locale));
        }
    }

    #[test]
    fn parse_tags() {
        assert_eq!(Locale::parse("vi"), Some(Locale::Vi));
        assert_eq!(Locale::parse("vi-VN"), Some(Locale::Vi));
        assert_eq!(Locale::parse("VI-vn"), Some(Locale::Vi));
        assert_eq!(Locale::parse("en"), Some(Locale::En));
        assert_eq!(Locale::parse("en-US"), Some(Locale::En));
        assert_eq!(Locale::parse("EN-us"), Some(Locale::En));
        assert_eq!(Locale::parse(" en-GB "), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(Locale::parse("*"), None);
        assert_eq!(Locale::parse(""), None);
        assert_eq!(Locale::parse("vie"), None);
        assert_eq!(Locale::parse("envi"), None);
        assert_eq!(Locale::parse("en-"), None);
        assert_eq!(Locale::parse("en_US"), None);
        assert_eq!(Locale::parse("vi;q=1"), None);
    }

    #[test]
    fn negotiate_without_header_is_vietnamese() {
        assert_eq!(Locale::negotiate(None), Locale::Vi);
        assert_eq!(negotiate(""), Locale::Vi);
        assert_eq!(negotiate("   "), Locale::Vi);
    }

    #[test]
    fn negotiate_simple() {
        assert_eq!(negotiate("en"), Locale::En);
        assert_eq!(negotiate("vi"), Locale::Vi);
        assert_eq!(negotiate("fr, de"), Locale::Vi);
        assert_eq!(negotiate("fr, en"), Locale::En);
    }

    #[test]
    fn negotiate_q_values() {
        assert_eq!(negotiate("vi;q=0.5, en;q=0.8"), Locale::En);
        assert_eq!(negotiate("en;q=0.5, vi"), Locale::Vi);
        assert_eq!(negotiate("en-US,en;q=0.9,vi;q=0.8"), Locale::En);
        assert_eq!(negotiate("fr-FR, fr;q=0.9, vi;q=0.2, en;q=0.1"), Locale::Vi);
        assert_eq!(negotiate("en;q=0.001, vi;q=0"), Locale::En);
        assert_eq!(negotiate("en;q=1.0, vi;q=0.999"), Locale::En);
        assert_eq!(negotiate("en ; q=0.9 , vi ; q=0.3"), Locale::En);
        assert_eq!(negotiate("en;Q=0.9, vi;q=0.3"), Locale::En);
    }

    #[test]
    fn negotiate_ties_keep_header_order() {
        assert_eq!(negotiate("en, vi"), Locale::En);
        assert_eq!(negotiate("vi, en"), Locale::Vi);
        assert_eq!(negotiate("en;q=0.7, vi;q=0.7"), Locale::En);
        assert_eq!(negotiate("vi;q=0.7, en;q=0.7"), Locale::Vi);
    }

    #[test]
    fn negotiate_region_subtags() {
        assert_eq!(negotiate("en-GB"), Locale::En);
        assert_eq!(negotiate("en-Latn-US"), Locale::En);
        assert_eq!(negotiate("vi-VN, en-US;q=0.5"), Locale::Vi);
        assert_eq!(negotiate("EN-us"), Locale::En);
        // A lower q on a more specific tag does not spoil a higher one for the language.
        assert_eq!(negotiate("en-US;q=0.1, en;q=0.9, vi;q=0.5"), Locale::En);
    }

    #[test]
    fn negotiate_wildcard() {
        assert_eq!(negotiate("*"), Locale::Vi);
        assert_eq!(negotiate("*, en;q=0.5"), Locale::Vi);
        assert_eq!(negotiate("en, *;q=0.5"), Locale::En);
        assert_eq!(negotiate("en;q=0.5, *"), Locale::Vi);
        assert_eq!(negotiate("fr, *;q=0.1"), Locale::Vi);
        // `*` stands for the locales not named: refusing Vietnamese leaves English.
        assert_eq!(negotiate("vi;q=0, *"), Locale::En);
        assert_eq!(negotiate("*;q=0"), Locale::Vi);
    }

    #[test]
    fn negotiate_refusals() {
        assert_eq!(negotiate("vi;q=0, en;q=0.1"), Locale::En);
        assert_eq!(negotiate("en;q=0"), Locale::Vi);
        assert_eq!(negotiate("vi;q=0, en;q=0"), Locale::Vi);
    }

    #[test]
    fn negotiate_ignores_garbage() {
        assert_eq!(negotiate("garbage;;;"), Locale::Vi);
        assert_eq!(negotiate(",,,;;;===***"), Locale::Vi);
        assert_eq!(negotiate("en;q=abc"), Locale::Vi);
        assert_eq!(negotiate("en;q=1.5, vi;q=0.1"), Locale::Vi);
        assert_eq!(negotiate("en;q=2"), Locale::Vi);
        assert_eq!(negotiate("en;q=-1"), Locale::Vi);
        assert_eq!(negotiate("en;q=0.1234"), Locale::Vi);
        assert_eq!(negotiate("en;q=1.001"), Locale::Vi);
        assert_eq!(negotiate("en;q="), Locale::Vi);
        assert_eq!(negotiate("en;q=0.5;q=0.6"), Locale::Vi);
        assert_eq!(negotiate("en;level=1"), Locale::Vi);
        assert_eq!(negotiate("en;"), Locale::Vi);
        assert_eq!(negotiate("e n, en-"), Locale::Vi);
        assert_eq!(negotiate("tiếng-việt, en"), Locale::En);
        assert_eq!(negotiate("abcdefghi, en"), Locale::En);
        assert_eq!(negotiate("en;q=abc, vi;q=0.2, garbage"), Locale::Vi);
        assert_eq!(negotiate("vi;q=0.2, %%%, en;q=0.3"), Locale::En);
        assert_eq!(negotiate(",en,"), Locale::En);
    }

    #[test]
    fn qvalues() {
        assert_eq!(parse_qvalue("0"), Some(0));
        assert_eq!(parse_qvalue("0."), Some(0));
        assert_eq!(parse_qvalue("0.5"), Some(500));
        assert_eq!(parse_qvalue("0.05"), Some(50));
        assert_eq!(parse_qvalue("0.123"), Some(123));
        assert_eq!(parse_qvalue("1"), Some(1000));
        assert_eq!(parse_qvalue("1.000"), Some(1000));
        assert_eq!(parse_qvalue("1.0001"), None);
        assert_eq!(parse_qvalue(".5"), None);
        assert_eq!(parse_qvalue("00.5"), None);
        assert_eq!(parse_qvalue("0.+5"), None);
        assert_eq!(parse_qvalue(""), None);
    }

    #[test]
    fn substitution() {
        assert_eq!(
            message(Locale::Vi, "violation.too_long", &[("max", "200")]),
            "Tối đa 200 ký tự."
        );
        assert_eq!(
            message(Locale::En, "violation.too_long", &[("max", "200")]),
            "At most 200 characters."
        );
        assert_eq!(
            message(
                Locale::En,
                "error.not_found",
                &[("entity", "Dataset"), ("key", "ngan-sach-2024")]
            ),
            "Dataset not found: ngan-sach-2024"
        );
        let entity = message(Locale::Vi, "entity.dataset", &[]);
        assert_eq!(
            message(
                Locale::Vi,
                "error.not_found",
                &[("key", "ngan-sach-2024"), ("entity", &entity)]
            ),
            "Không tìm thấy tập dữ liệu: ngan-sach-2024"
        );
        // Extra parameters are ignored; the first of duplicate parameters wins.
        assert_eq!(
            message(
                Locale::En,
                "violation.too_short",
                &[("x", "1"), ("min", "3"), ("min", "4")]
            ),
            "At least 3 characters."
        );
    }

    #[test]
    fn missing_param_leaves_placeholder() {
        assert_eq!(
            message(Locale::En, "violation.too_long", &[]),
            "At most {max} characters."
        );
        assert_eq!(
            message(Locale::En, "error.not_found", &[("key", "x")]),
            "{entity} not found: x"
        );
    }

    #[test]
    fn substituted_values_are_not_rescanned() {
        assert_eq!(
            message(
                Locale::En,
                "error.not_found",
                &[("entity", "{key}"), ("key", "{entity}")]
            ),
            "{key} not found: {entity}"
        );
    }

    #[test]
    fn substitute_edge_cases() {
        let params = [("a", "1"), ("b", "2")];
        assert_eq!(substitute("", &params), "");
        assert_eq!(substitute("{a}{b}", &params), "12");
        assert_eq!(substitute("{{a}}", &params), "{1}");
        assert_eq!(substitute("{a", &params), "{a");
        assert_eq!(substitute("a}", &params), "a}");
        assert_eq!(substitute("{}", &params), "{}");
        assert_eq!(substitute("{ a }", &[(" a ", "x")]), "{ a }");
        assert_eq!(substitute("{c} {a}", &params), "{c} 1");
        assert_eq!(substitute("Tối đa {a} ký tự", &params), "Tối đa 1 ký tự");
    }

    #[test]
    fn unknown_key_falls_back_to_key() {
        assert_eq!(message(Locale::Vi, "error.nope", &[]), "error.nope");
        assert_eq!(message(Locale::En, "", &[("a", "b")]), "");
        assert_eq!(message(Locale::En, "{a}", &[("a", "b")]), "{a}");
        assert!(!has_message("error.nope"));
        assert!(has_message("error.internal"));
        assert_eq!(lookup(Locale::En, "error.nope"), None);
        assert_eq!(lookup(Locale::Vi, "ui.site_name"), Some("Cổng dữ liệu mở"));
        assert_eq!(lookup(Locale::En, "ui.site_name"), Some("Open Data Portal"));
    }

    /// Keys whose Vietnamese and English texts may be identical (proper names).
    const SAME_IN_BOTH_LANGUAGES: &[&str] = &[];

    /// The `{name}` placeholders of a text.
    fn placeholders(text: &str) -> BTreeSet<&str> {
        let mut found = BTreeSet::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            rest = &rest[open + 1..];
            if let Some(close) = rest.find('}') {
                let name = &rest[..close];
                if is_placeholder_name(name) {
                    found.insert(name);
                }
            }
        }
        found
    }

    fn has_combining_marks(text: &str) -> bool {
        text.chars().any(|c| ('\u{0300}'..='\u{036F}').contains(&c))
    }

    #[test]
    fn catalog_is_complete_and_consistent() {
        assert_eq!(KEYS.len(), CATALOG.len());
        let mut seen = HashSet::new();
        for (i, &(key, vi, en)) in CATALOG.iter().enumerate() {
            assert_eq!(KEYS[i], key);
            assert!(seen.insert(key), "duplicate key {key}");
            assert!(has_message(key));
            assert!(
                !key.is_empty() && !key.contains(char::is_whitespace),
                "bad key {key:?}"
            );
            assert!(!vi.trim().is_empty(), "{key}: empty Vietnamese text");
            assert!(!en.trim().is_empty(), "{key}: empty English text");
            assert_eq!(vi, vi.trim(), "{key}: Vietnamese text has outer spaces");
            assert_eq!(en, en.trim(), "{key}: English text has outer spaces");
            if !SAME_IN_BOTH_LANGUAGES.contains(&key) {
                assert_ne!(vi, en, "{key}: Vietnamese and English texts are the same");
            }
            assert_eq!(
                placeholders(vi),
                placeholders(en),
                "{key}: placeholders differ between Vietnamese and English"
            );
            assert!(
                !has_combining_marks(vi),
                "{key}: Vietnamese text is not NFC"
            );
            assert!(!has_combining_marks(en), "{key}: English text is not NFC");
        }
    }

    #[test]
    fn nfc_check_works() {
        assert!(!has_combining_marks("Tiếng Việt"));
        // "e" + combining circumflex + combining acute: decomposed "ế".
        assert!(has_combining_marks(
            "Tie\u{0302}\u{0301}ng Vie\u{0323}\u{0302}t"
        ));
    }

    #[test]
    fn placeholder_extraction() {
        let found = placeholders("{a} and {b_2} but not { c } or {}");
        assert_eq!(found, BTreeSet::from(["a", "b_2"]));
    }

    #[test]
    fn required_keys_exist() {
        let errors = [
            "invalid_input",
            "malformed_json",
            "bad_request",
            "invalid_search_query",
            "unknown_action",
            "post_required",
            "unsupported_media_type",
            "upload_interrupted",
            "missing_file",
            "unauthenticated",
            "invalid_credentials",
            "invalid_token",
            "forbidden",
            "not_found",
            "slug_taken",
            "email_taken",
            "already_exists",
            "organization_not_empty",
            "last_admin",
            "payload_too_large",
            "range_not_satisfiable",
            "too_many_attempts",
            "internal",
            "method_not_allowed",
            "unsupported_database_url",
            "unknown_facet",
            "page_out_of_range",
            "unknown_sort",
            "invalid_filter",
            "invalid_parameter",
            "missing_parameter",
            "unknown_field",
            "unknown_operator",
            "invalid_value",
            "invalid_sort",
            "invalid_limit",
            "invalid_cursor",
            "cursor_with_offset",
            "unknown_metric",
            "metric_type",
            "query_timeout",
            "query_memory_limit",
            "sql_syntax",
            "sql_not_select",
            "sql_multiple_statements",
            "sql_unknown_table",
            "sql_unknown_column",
            "sql_unknown_function",
            "sql_invalid",
            "sql_timeout",
            "sql_too_many_rows",
            "sql_memory_limit",
            "sql_execution",
            "export_too_many_rows",
            "xlsx_too_many_rows",
            "xlsx_text_too_long",
            "invalid_package",
            "invalid_table_schema",
        ];
        let entities = [
            "dataset",
            "organization",
            "distribution",
            "user",
            "token",
            "membership",
            "license",
            "theme",
            "blob",
            "version",
            "job",
            "parent",
            "path",
            "table",
            "data_package",
        ];
        let violations = [
            "required",
            "required_one_language",
            "too_long",
            "too_short",
            "too_many",
            "invalid_slug",
            "invalid_email",
            "invalid_url",
            "invalid_format",
            "invalid_media_type",
            "invalid_sha256",
            "unknown_frequency",
            "end_before_start",
            "parent_is_self",
            "parent_cycle",
            "unknown_license",
            "unknown_user",
            "expected_object",
            "invalid_theme_code",
            "invalid_license_id",
            "unknown_theme",
            "unknown_organization",
            "unknown_field",
            "read_only",
            "invalid_type",
            "url_with_upload",
            "invalid_value",
            "slug_taken",
            "government_kind_requires_sysadmin",
            "invalid_role",
            "invalid_page",
            "invalid_page_size",
            "invalid_wait",
            "password_mismatch",
            "wrong_password",
            "email_taken",
            "field_count_mismatch",
            "no_file",
            "duplicate_column",
        ];
        let cli = [
            "listening",
            "migrated",
            "user_created",
            "sysadmin_created",
            "token_created",
            "demo_loaded",
            "demo_tickets_loaded",
            "demo_tables_loaded",
            "ingest.file",
            "ingest.format",
            "ingest.encoding",
            "ingest.delimiter",
            "ingest.output",
            "ingest.table",
            "ingest.rows",
            "ingest.columns",
            "ingest.title",
            "ingest.note",
            "ingest.column",
            "ingest.type",
            "ingest.nulls",
            "ingest.distinct",
            "ingest.profile",
            "ingest.mean",
            "ingest.top",
            "ingest.warnings",
            "ingest.scanning",
            "ingest.writing",
            "ingest.rewriting",
            "ingest.more",
            "error",
            "cannot_open",
            "cannot_listen",
            "cannot_load_demo",
            "cannot_read_password",
            "invalid_input",
            "cannot_open_search",
            "reindexed",
        ];
        let ui = [
            "site_name",
            "provenance.official",
            "provenance.community",
            "status.draft",
            "status.published",
            "status.archived",
            "access.public",
            "access.restricted",
            "access.non-public",
            "role.admin",
            "role.editor",
            "role.member",
            "kind.national",
            "kind.provincial",
            "kind.other-public",
            "kind.civil-society",
            "kind.business",
            "kind.academic",
            "kind.individual",
        ];
        let portal = [
            "skip_link",
            "nav.label",
            "nav.home",
            "nav.search",
            "nav.organizations",
            "switch_language",
            "switch_language_label",
            "footer.api",
            "footer.note",
            "search.label",
            "suggest.label",
            "suggest.datasets",
            "suggest.organizations",
            "suggest.keywords",
            "suggest.count",
            "search.hint",
            "search.button",
            "search.title",
            "search.results",
            "search.relaxed",
            "search.filters",
            "search.active_filters",
            "search.remove_filter",
            "search.clear_filters",
            "search.sort",
            "search.pagination",
            "search.previous",
            "search.next",
            "search.page",
            "sort.relevance",
            "sort.modified",
            "sort.title",
            "sort.popularity",
            "facet.organization",
            "facet.organization_kind",
            "facet.provenance",
            "facet.format",
            "facet.license",
            "facet.open_license",
            "facet.theme",
            "facet.keyword",
            "facet.frequency",
            "open_license.yes",
            "open_license.no",
            "no_results.title",
            "no_results.remove_filters",
            "no_results.spelling",
            "no_results.request",
            "provenance.official",
            "provenance.community",
            "publisher",
            "formats",
            "modified",
            "home.title",
            "home.intro",
            "home.stats",
            "home.count_datasets",
            "home.count_organizations",
            "home.open_share",
            "home.themes",
            "home.newest",
            "home.all_newest",
            "home.sources",
            "home.official_text",
            "home.community_text",
            "dataset.description",
            "dataset.no_description",
            "dataset.details",
            "dataset.license",
            "dataset.license_open",
            "dataset.license_closed",
            "dataset.frequency",
            "dataset.modified",
            "dataset.not_stated",
            "dataset.themes",
            "dataset.keywords",
            "dataset.distributions",
            "dataset.no_distributions",
            "dataset.file",
            "dataset.format",
            "dataset.size",
            "dataset.download",
            "dataset.cite",
            "dataset.api",
            "dataset.api_text",
            "organizations.title",
            "organizations.official",
            "organizations.official_note",
            "organizations.community",
            "organizations.community_note",
            "organizations.none",
            "organization.kind",
            "organization.website",
            "organization.contact",
            "organization.datasets",
            "organization.all_datasets",
            "organization.no_datasets",
            "error.home",
            "error.404.title",
            "error.404.text",
            "error.400.title",
            "error.400.text",
            "error.500.title",
            "error.500.text",
            "error.403.title",
            "error.403.text",
            "error.429.title",
            "error.429.text",
            "account.sign_in",
            "account.sign_out",
            "account.sign_up",
            "account.signed_in_as",
            "account.password_page",
            "account.email",
            "account.display_name",
            "account.password",
            "account.password_confirm",
            "account.current_password",
            "account.new_password",
            "account.new_password_confirm",
            "account.password_hint",
            "account.no_account",
            "account.have_account",
            "account.wrong_credentials",
            "account.password_changed",
            "account.errors_summary",
            "nav.workspace",
            "workspace.title",
            "workspace.organizations",
            "workspace.drafts",
            "workspace.published",
            "workspace.no_organizations",
            "workspace.no_drafts",
            "workspace.no_published",
            "workspace.new_dataset",
            "workspace.no_editable_organization",
            "workspace.publisher",
            "workspace.title_vi",
            "workspace.title_en",
            "workspace.description_vi",
            "workspace.description_en",
            "workspace.keywords",
            "workspace.keywords_hint",
            "workspace.theme",
            "workspace.license",
            "workspace.access_rights",
            "workspace.frequency",
            "workspace.spatial",
            "workspace.status",
            "workspace.none_chosen",
            "workspace.create",
            "workspace.edit_dataset",
            "workspace.save",
            "workspace.edit",
            "error.denied.title",
            "error.denied.text",
            "notice.file_added",
            "notice.link_added",
            "notice.file_removed",
            "notice.member_saved",
            "notice.member_removed",
            "notice.token_revoked",
            "problem.missing_file",
            "problem.too_large",
            "problem.title_too_long",
            "problem.upload_interrupted",
            "problem.last_admin",
            "files.title",
            "files.none",
            "files.link",
            "files.remove",
            "files.upload_title",
            "files.file",
            "files.file_hint",
            "files.display_title",
            "files.display_title_hint",
            "files.upload",
            "files.progress",
            "files.percent",
            "files.failed",
            "files.link_title",
            "files.url",
            "files.url_hint",
            "files.link_display_title_hint",
            "files.format",
            "files.format_hint",
            "files.add_link",
            "members.title",
            "members.manage",
            "members.list",
            "members.role",
            "members.since",
            "members.you",
            "members.change",
            "members.remove",
            "members.add_title",
            "members.add_hint",
            "members.add",
            "members.roles_help",
            "tokens.title",
            "tokens.intro",
            "tokens.new",
            "tokens.name",
            "tokens.name_hint",
            "tokens.create",
            "tokens.created_title",
            "tokens.secret_note",
            "tokens.list",
            "tokens.none",
            "tokens.created",
            "tokens.last_used",
            "tokens.never",
            "tokens.status",
            "tokens.live",
            "tokens.revoked",
            "tokens.revoke",
            "workspace.account",
            "history.title",
            "history.total",
            "history.api",
            "history.none",
            "history.system",
            "history.someone",
            "history.created",
            "history.created_published",
            "history.updated",
            "history.now_published",
            "history.now_archived",
            "history.now_draft",
            "history.changed",
            "history.file_added",
            "history.link_added",
            "history.file_replaced",
            "history.file_updated",
            "history.file_removed",
            "history.field.title",
            "history.field.slug",
            "history.field.contact",
            "history.field.temporal",
            "history.field.version",
            "dataset.downloads",
            "dataset.versions",
            "dataset.version_label",
            "home.most_used",
            "home.most_used_note",
            "home.downloads",
            "home.no_usage",
        ];
        // Readiness assessments and action plans.
        let readiness_cli = [
            "readiness_imported",
            "odtf_granted",
            "odtf_revoked",
            "figures_refreshed",
        ];
        let readiness_entities = [
            "assessment",
            "question",
            "dimension",
            "evidence",
            "action_plan",
            "action_item",
        ];
        let readiness_violations = [
            "framework_mismatch",
            "unknown_assessment",
            "unknown_action_item",
            "prerequisite_cycle",
        ];
        let readiness_words = [
            "framework",
            "subject",
            "assessors",
            "period",
            "published_on",
            "source",
            "summary",
            "dimension",
            "importance",
            "rating",
            "readiness",
            "evidence",
            "balance",
            "unsupported",
            "not_rated",
            "wording",
            "live_figure",
            "late",
            "gantt.description",
            "gantt.year",
            "gantt.today",
            "status.not_started",
            "status.in_progress",
            "status.done",
            "status.blocked",
            "status.dropped",
            "term.short",
            "term.medium",
            "term.long",
            "publication.draft",
            "publication.published",
        ];
        let readiness_portal = [
            "nav.readiness",
            "readiness.title",
            "readiness.intro",
            "readiness.assessments",
            "readiness.plans",
            "readiness.no_assessments",
            "readiness.no_plans",
            "readiness.progress",
            "readiness.items_done",
            "readiness.plan_start",
            "readiness.indicators",
            "readiness.indicators_intro",
            "readiness.figure_date",
            "readiness.draft_note",
            "readiness.based_on",
            "readiness.see_changes",
            "readiness.unsupported_count",
            "readiness.export_markdown",
            "readiness.export_json",
            "readiness.print",
            "readiness.team_actions",
            "readiness.copy",
            "readiness.copy_intro",
            "readiness.slug",
            "readiness.slug_hint",
            "readiness.started_on",
            "readiness.publish",
            "readiness.unpublish",
            "readiness.refresh",
            "readiness.refreshed",
            "readiness.saved",
            "readiness.summary_caption",
            "readiness.scale_legend",
            "readiness.signs_legend",
            "readiness.contents",
            "readiness.edit_dimension",
            "readiness.edit_question",
            "readiness.no_evidence",
            "readiness.live",
            "readiness.breakdown",
            "readiness.source_link",
            "readiness.comparison",
            "readiness.comparison_of",
            "readiness.comparison_summary",
            "readiness.compare_with",
            "readiness.compare_button",
            "readiness.choose_comparison",
            "readiness.added",
            "readiness.removed",
            "readiness.no_changes",
            "readiness.back_to_report",
            "readiness.back_to_plan",
            "readiness.assessment",
            "readiness.open_assessment",
            "readiness.late_count",
            "readiness.gantt",
            "readiness.gantt_alt",
            "readiness.items",
            "readiness.action",
            "readiness.responsible",
            "readiness.months",
            "readiness.month_range",
            "readiness.cost",
            "readiness.status",
            "readiness.none",
            "readiness.prerequisites",
            "readiness.prerequisites_written",
            "readiness.schedule",
            "readiness.cost_written",
            "readiness.references",
            "readiness.notes",
            "readiness.no_notes",
            "readiness.update_item",
            "readiness.note",
            "readiness.save",
            "readiness.question_title",
            "readiness.dimension_title",
            "readiness.rate_question",
            "readiness.rate_dimension",
            "readiness.rate_hint",
            "readiness.commentary",
            "readiness.text_lang",
            "readiness.lang.vi",
            "readiness.lang.en",
            "readiness.add_evidence",
            "readiness.remove_evidence",
            "readiness.sign",
            "readiness.text",
            "readiness.source_label",
            "readiness.url",
            "readiness.observed_on",
            "readiness.attach_indicator",
            "readiness.attach_hint",
            "readiness.indicator",
            "readiness.attach",
            "readiness.gantt_scroll",
            "readiness.items_of",
            "readiness.new_plan",
            "readiness.new_plan_intro",
            "readiness.starts_on",
            "readiness.starts_on_hint",
            "readiness.no_assessment",
            "readiness.publish_plan",
            "readiness.add_item",
            "readiness.term",
            "readiness.no_term",
            "readiness.description",
            "readiness.responsible_hint",
            "readiness.start_month",
            "readiness.end_month",
            "readiness.months_hint",
            "readiness.cost_min",
            "readiness.cost_max",
            "readiness.cost_currency",
            "readiness.cost_note",
            "readiness.references_hint",
            "readiness.prerequisites_hint",
            "readiness.no_items_yet",
            "readiness.remove_item",
            "readiness.remove_item_hint",
            "readiness.item_removed",
        ];
        let mut required = Vec::new();
        for (prefix, names) in [
            ("error", &errors[..]),
            ("entity", &entities[..]),
            ("violation", &violations[..]),
            ("cli", &cli[..]),
            ("ui", &ui[..]),
            // Every code of the frequency vocabulary has a label.
            ("ui.frequency", dulieu_core::vocab::FREQUENCIES),
            ("portal", &portal[..]),
            ("cli", &readiness_cli[..]),
            ("entity", &readiness_entities[..]),
            ("violation", &readiness_violations[..]),
            ("readiness", &readiness_words[..]),
            ("portal", &readiness_portal[..]),
        ] {
            required.extend(names.iter().map(|name| format!("{prefix}.{name}")));
        }
        required.extend(TICKET_KEYS.iter().map(|key| key.to_string()));
        required.extend(TICKET_PAGE_KEYS.iter().map(|key| key.to_string()));
        required.extend(TABLE_KEYS.iter().map(|key| key.to_string()));
        required.extend(CHECK_KEYS.iter().map(|key| key.to_string()));
        required.extend(WATCHDOG_KEYS.iter().map(|key| key.to_string()));
        required.extend(CLI_CHECK_KEYS.iter().map(|key| key.to_string()));
        required.extend(WATCHDOG_PAGE_KEYS.iter().map(|key| key.to_string()));
        required.extend(INVENTORY_KEYS.iter().map(|key| key.to_string()));
        required.extend(REVIEW_KEYS.iter().map(|key| key.to_string()));
        required.extend(PULL_KEYS.iter().map(|key| key.to_string()));
        required.extend(EXPORT_KEYS.iter().map(|key| key.to_string()));
        required.extend(HARVEST_PAGE_KEYS.iter().map(|key| key.to_string()));
        for key in &required {
            assert!(has_message(key), "missing key {key}");
        }
        assert_eq!(
            KEYS.len(),
            required.len(),
            "catalog has keys not listed here"
        );
    }

    #[test]
    fn placeholders_match_the_brief() {
        let expected: &[(&str, &[&str])] = &[
            ("error.malformed_json", &["detail"]),
            ("error.bad_request", &["detail"]),
            ("error.invalid_search_query", &["detail"]),
            ("error.unknown_action", &["detail"]),
            ("error.post_required", &["detail"]),
            ("error.unsupported_media_type", &["expected"]),
            ("error.not_acceptable", &["detail"]),
            ("error.upload_interrupted", &["detail"]),
            ("error.forbidden", &["action"]),
            ("error.not_found", &["entity", "key"]),
            ("error.slug_taken", &["value"]),
            ("error.email_taken", &["value"]),
            ("error.already_exists", &["value"]),
            ("error.payload_too_large", &["limit"]),
            ("error.range_not_satisfiable", &["size"]),
            ("violation.too_long", &["max"]),
            ("violation.too_short", &["min"]),
            ("violation.too_many", &["max"]),
            ("violation.invalid_slug", &["max"]),
            ("violation.invalid_type", &["detail"]),
            ("violation.invalid_value", &["detail"]),
            ("violation.invalid_page_size", &["max"]),
            ("violation.invalid_wait", &["max"]),
            ("violation.unknown_action_item", &["detail"]),
            ("violation.field_count_mismatch", &["expected", "found"]),
            ("error.sql_syntax", &["detail"]),
            ("error.invalid_value", &["detail"]),
            ("error.missing_parameter", &["detail"]),
            ("error.unknown_field", &["detail"]),
            ("error.unknown_operator", &["detail"]),
            ("error.invalid_sort", &["detail"]),
            ("error.invalid_limit", &["detail"]),
            ("error.invalid_cursor", &["detail"]),
            ("error.cursor_with_offset", &["detail"]),
            ("error.unknown_metric", &["detail"]),
            ("error.metric_type", &["detail"]),
            ("error.query_timeout", &["detail"]),
            ("error.query_memory_limit", &["detail"]),
            ("error.sql_not_select", &["detail"]),
            ("error.sql_multiple_statements", &["detail"]),
            ("error.sql_unknown_table", &["detail"]),
            ("error.sql_unknown_column", &["detail"]),
            ("error.sql_unknown_function", &["detail"]),
            ("error.sql_invalid", &["detail"]),
            ("error.sql_timeout", &["detail"]),
            ("error.sql_too_many_rows", &["detail"]),
            ("error.sql_memory_limit", &["detail"]),
            ("error.sql_execution", &["detail"]),
            ("error.export_too_many_rows", &["detail"]),
            ("error.xlsx_too_many_rows", &["detail"]),
            ("error.xlsx_text_too_long", &["detail"]),
            ("error.invalid_package", &["detail"]),
            ("error.invalid_table_schema", &["detail"]),
            ("cli.listening", &["url"]),
            ("cli.migrated", &["database"]),
            ("cli.user_created", &["email", "id"]),
            ("cli.sysadmin_created", &["email", "id"]),
            ("cli.token_created", &["email", "id"]),
            (
                "cli.demo_loaded",
                &["datasets", "distributions", "organizations"],
            ),
            (
                "cli.demo_tickets_loaded",
                &["accounts", "feedback", "requests"],
            ),
            ("cli.demo_tables_loaded", &["tables"]),
            ("cli.ingest.more", &["count"]),
            ("cli.error", &["detail"]),
            ("cli.cannot_open", &["dir"]),
            ("cli.cannot_listen", &["address"]),
            ("cli.invalid_input", &["details"]),
            ("cli.cannot_open_search", &["dir"]),
            ("cli.reindexed", &["datasets", "dir"]),
            ("error.unknown_facet", &["detail"]),
            ("error.page_out_of_range", &["detail"]),
            ("error.unknown_sort", &["detail"]),
            ("error.invalid_filter", &["detail"]),
            ("error.invalid_parameter", &["detail"]),
            ("portal.search.results", &["count"]),
            ("portal.suggest.count", &["count"]),
            ("portal.search.remove_filter", &["label"]),
            ("portal.search.page", &["page", "pages"]),
            ("portal.home.count_datasets", &["count"]),
            ("portal.home.count_organizations", &["count"]),
            ("portal.home.open_share", &["percent"]),
            ("portal.organization.datasets", &["count"]),
            ("error.too_many_attempts", &["seconds"]),
            ("portal.account.signed_in_as", &["name"]),
            ("portal.account.password_hint", &["min"]),
            ("portal.problem.too_large", &["limit"]),
            ("portal.files.file_hint", &["limit"]),
            ("portal.files.percent", &["percent"]),
            ("portal.members.title", &["organization"]),
            ("portal.tokens.created_title", &["name"]),
            ("portal.tokens.revoked", &["at"]),
            ("portal.history.total", &["count"]),
            ("portal.history.changed", &["fields"]),
            ("portal.history.file_added", &["title"]),
            ("portal.history.link_added", &["title"]),
            ("portal.history.file_replaced", &["title"]),
            ("portal.history.file_updated", &["title"]),
            ("portal.history.file_removed", &["title"]),
            ("portal.dataset.version_label", &["version"]),
            ("portal.home.most_used_note", &["days"]),
            ("portal.home.downloads", &["count"]),
            ("portal.home.no_usage", &["days"]),
            // Readiness assessments and action plans.
            ("cli.readiness_imported", &["assessments", "plans"]),
            ("cli.odtf_granted", &["email"]),
            ("cli.odtf_revoked", &["email"]),
            ("cli.figures_refreshed", &["count"]),
            ("cli.published.created", &["dataset", "file"]),
            ("cli.published.new_version", &["dataset", "file", "version"]),
            ("cli.published.unchanged", &["dataset", "file", "version"]),
            ("cli.publish_bad_path", &["path"]),
            ("readiness.balance", &["against", "for", "neutral"]),
            ("readiness.live_figure", &["date", "title", "value"]),
            ("readiness.gantt.description", &["items", "late", "start"]),
            ("readiness.gantt.year", &["n"]),
            (
                "portal.readiness.progress",
                &["evidence", "questions", "rated"],
            ),
            ("portal.readiness.items_done", &["done", "items"]),
            ("portal.readiness.figure_date", &["date"]),
            ("portal.readiness.unsupported_count", &["count"]),
            ("portal.readiness.copy_intro", &["title"]),
            ("portal.readiness.refreshed", &["count"]),
            ("portal.readiness.comparison", &["title"]),
            ("portal.readiness.comparison_of", &["from", "to"]),
            (
                "portal.readiness.comparison_summary",
                &["added", "ratings", "removed", "unchanged"],
            ),
            ("portal.readiness.late_count", &["count"]),
            ("portal.readiness.month_range", &["end", "start"]),
            ("portal.readiness.question_title", &["id"]),
            ("portal.readiness.dimension_title", &["name"]),
            ("portal.readiness.items_of", &["name"]),
            // tickets
            ("error.illegal_transition", &["value"]),
            ("error.duplicate_feedback", &["value"]),
            ("mail.view", &["url"]),
            ("notify.request.created", &["title"]),
            ("notify.request.confirm", &["title"]),
            ("notify.request.triage", &["title"]),
            ("notify.request.assign", &["organization", "title"]),
            ("notify.request.merge", &["title"]),
            ("notify.request.mark_available", &["title"]),
            ("notify.request.ask_clarification", &["title"]),
            ("notify.request.clarify", &["title"]),
            ("notify.request.accept", &["title"]),
            ("notify.request.fulfil", &["title"]),
            ("notify.request.partially_fulfil", &["title"]),
            ("notify.request.refuse", &["title"]),
            ("notify.request.request_review", &["title"]),
            ("notify.request.uphold_refusal", &["title"]),
            ("notify.request.withdraw", &["title"]),
            ("notify.request.extend_deadline", &["date", "title"]),
            ("notify.request.message", &["title"]),
            ("notify.request.reminder", &["date", "title"]),
            ("notify.request.overdue", &["date", "title"]),
            ("notify.feedback.created", &["title"]),
            ("notify.feedback.urgent", &["title"]),
            ("notify.feedback.acknowledge", &["title"]),
            ("notify.feedback.start", &["title"]),
            ("notify.feedback.resolve", &["title"]),
            ("notify.feedback.wont_fix", &["title"]),
            ("notify.feedback.mark_duplicate", &["title"]),
            ("notify.feedback.reopen", &["title"]),
            ("notify.feedback.reminder", &["date", "title"]),
            ("notify.feedback.overdue", &["date", "title"]),
            ("notify.dataset.updated", &["title"]),
            ("notify.review.submitted", &["title"]),
            ("notify.review.approved", &["title"]),
            ("notify.review.sent_back", &["title"]),
            ("error.invalid_transition", &["value"]),
            ("error.blocking_findings", &["value"]),
            ("error.review_not_required", &["value"]),
            ("portal.review.title", &["dataset"]),
            ("portal.review.changes_caption", &["dataset"]),
            ("portal.review.files", &["count", "files"]),
            ("portal.history.review_comment", &["comment"]),
            ("notify.dataset.file_added", &["title"]),
            ("notify.dataset.file_replaced", &["title"]),
            ("notify.dataset.file_removed", &["title"]),
            ("violation.file_too_large", &["max"]),
            ("violation.too_many_files", &["max"]),
            ("portal.requests.attach_hint", &["count", "limit"]),
            ("portal.requests.count", &["count"]),
            ("portal.requests.due", &["date"]),
            // ticket pages
            ("portal.feedback.tab_title", &["dataset"]),
            ("portal.feedback.tickets_caption", &["dataset"]),
            ("portal.feedback.ticket_title", &["kind"]),
            ("portal.inbox.title", &["organization"]),
            ("portal.inbox.requests_count", &["count", "late"]),
            ("portal.inbox.feedback_count", &["count", "late"]),
            ("portal.notifications.unread_count", &["count"]),
            // tables (ingest statuses, errors and warnings; the table pages)
            ("ingest.error.unsupported_format", &["format"]),
            ("ingest.error.sheet_too_large", &["max_cells"]),
            ("ingest.error.too_many_sheets", &["max", "sheets"]),
            ("ingest.error.record_too_large", &["max_bytes"]),
            ("ingest.error.too_many_columns", &["max"]),
            (
                "ingest.error.schema_mismatch",
                &["expected", "found", "table"],
            ),
            ("ingest.error.unknown_table", &["table"]),
            ("ingest.error.unknown", &["code"]),
            ("ingest.warning.row_too_short", &["expected", "found"]),
            ("ingest.warning.row_too_long", &["expected", "found"]),
            ("ingest.warning.footnotes_detected", &["rows"]),
            ("ingest.warning.header_missing", &["name"]),
            ("ingest.warning.header_duplicate", &["name"]),
            ("ingest.warning.value_does_not_fit", &["type", "value"]),
            (
                "ingest.warning.values_treated_as_missing",
                &["count", "values"],
            ),
            ("ingest.warning.invalid_encoding", &["encoding"]),
            (
                "ingest.warning.encoding_guessed",
                &["alternative", "encoding"],
            ),
            ("ingest.warning.unknown", &["code"]),
            (
                "portal.tables.preview_caption",
                &["columns", "rows", "title"],
            ),
            ("portal.tables.running_text", &["rows"]),
            ("portal.tables.running_percent", &["percent", "rows"]),
            ("portal.tables.ready_text", &["columns", "rows"]),
            ("portal.tables.tables_count", &["count"]),
            ("portal.tables.where", &["place"]),
            ("ingest.at_sheet", &["sheet"]),
            ("ingest.at_line", &["line"]),
            ("ingest.at_row", &["row"]),
            ("ingest.at_column", &["column"]),
            ("ingest.at_offset", &["offset"]),
            ("ingest.at_url", &["url"]),
            ("portal.tables.title", &["title"]),
            ("portal.tables.back", &["dataset"]),
            ("portal.tables.rows_caption", &["first", "last", "total"]),
            ("portal.tables.remove_filter", &["label"]),
            ("portal.tables.page_n", &["page"]),
            ("portal.tables.download_as", &["format"]),
            ("portal.tables.approx", &["count"]),
            ("portal.tables.sql_text", &["table"]),
            ("portal.tables.warnings_first", &["shown", "total"]),
            ("portal.tables.metric.sum", &["column"]),
            ("portal.tables.metric.avg", &["column"]),
            (
                "portal.tables.chart_alt",
                &["column", "count", "metric", "type"],
            ),
            ("portal.tables.chart_caption", &["column", "metric"]),
            ("portal.tables.chart_truncated", &["count"]),
            ("portal.tables.chart_failed", &["detail"]),
            ("portal.tables.map_intro", &["columns"]),
            ("portal.tables.map_alt", &["count"]),
            ("portal.tables.map_limited", &["count"]),
            ("portal.tables.field_legend", &["name", "number"]),
            ("check.license.open.not_open", &["license"]),
            ("check.license.open.distribution_not_open", &["license"]),
            ("check.format.open.closed", &["format"]),
            (
                "check.format.machine_readable.not_machine_readable",
                &["format"],
            ),
            (
                "check.format.matches_content.mismatch",
                &["declared", "found"],
            ),
            ("check.stars.dataset.below", &["minimum", "stars"]),
            ("check.metadata.mandatory.missing", &["count"]),
            ("check.metadata.recommended.missing", &["count"]),
            (
                "check.timeliness.frequency.late",
                &["days_late", "due", "last_update"],
            ),
            (
                "check.links.available.http_status",
                &["failures", "since", "status"],
            ),
            (
                "check.links.available.error",
                &["error", "failures", "since"],
            ),
            (
                "check.pull.succeeds.failing",
                &["error", "failures", "since"],
            ),
            ("check.tables.valid.failed", &["code"]),
            ("check.tables.valid.schema_violations", &["count", "tables"]),
            ("check.tables.not_empty.empty", &["count", "tables"]),
            ("check.pii.exposure.found", &["columns", "count"]),
            ("quality.ticket.heading", &["rule"]),
            ("quality.ticket.fix", &["fix"]),
            ("quality.ticket.resolved", &["rule"]),
            ("quality.subject.distribution", &["title"]),
            ("quality.digest.subject", &["organization"]),
            (
                "quality.digest.summary",
                &["datasets", "mqa", "stars", "violations"],
            ),
            (
                "quality.digest.dataset",
                &["rules", "stars", "title", "violations"],
            ),
            ("quality.digest.more", &["count"]),
            ("quality.digest.link", &["url"]),
            ("cli.check.cannot_read_profile", &["path"]),
            ("cli.check.invalid_profile", &["path"]),
            ("cli.check.unknown_dataset", &["dataset"]),
            ("cli.check.dataset", &["organization", "slug", "title"]),
            ("cli.check.checked", &["at", "profile"]),
            (
                "cli.check.scores",
                &["band", "godi", "mqa", "odi", "stars", "udata"],
            ),
            ("cli.check.counts", &["infos", "violations", "warnings"]),
            ("cli.check.fix", &["fix"]),
            ("cli.check.dataset_tickets", &["closed", "open", "opened"]),
            ("cli.check.swept", &["datasets", "profile", "seconds"]),
            ("cli.check.changed", &["changed"]),
            ("cli.check.tickets", &["closed", "opened", "updated"]),
            (
                "cli.check.violations",
                &["datasets", "organizations", "violations"],
            ),
            (
                "cli.check.league_entry",
                &[
                    "band",
                    "compliant",
                    "datasets",
                    "mqa",
                    "name",
                    "organization",
                    "rank",
                    "stars",
                    "violations",
                ],
            ),
            ("cli.check.league_more", &["count"]),
            ("portal.quality.dataset_title", &["dataset"]),
            ("portal.quality.checked_at", &["date", "profile"]),
            ("portal.quality.stars_of", &["stars"]),
            ("portal.quality.mqa_points", &["points"]),
            ("portal.quality.godi_points", &["points"]),
            ("portal.quality.count_violations", &["count"]),
            ("portal.quality.count_warnings", &["count"]),
            ("portal.quality.count_infos", &["count"]),
            ("portal.quality.tickets_caption", &["dataset"]),
            (
                "portal.quality.history_desc",
                &[
                    "count",
                    "from",
                    "mqa_first",
                    "mqa_last",
                    "stars_first",
                    "stars_last",
                    "to",
                ],
            ),
            ("portal.quality.scorecard_title", &["organization"]),
            ("portal.quality.stars_average_value", &["stars"]),
            (
                "portal.quality.compliant_value",
                &["count", "share", "total"],
            ),
            (
                "portal.quality.trend_desc",
                &[
                    "count",
                    "from",
                    "mqa_first",
                    "mqa_last",
                    "stars_first",
                    "stars_last",
                    "to",
                ],
            ),
            ("portal.quality.datasets_caption", &["organization"]),
            ("portal.inventory.count", &["count"]),
            ("portal.inventory.page_of", &["page", "pages"]),
            ("portal.inventory.demand_value", &["requests", "votes"]),
            ("portal.inventory.demand_text", &["requests", "votes"]),
            ("portal.inventory.target_on", &["date"]),
            ("portal.inventory.votes", &["count"]),
            ("portal.inventory.organization_title", &["organization"]),
            ("portal.inventory.plan_counts", &["dated", "undated"]),
            ("portal.inventory.timeline_title", &["organization"]),
            (
                "portal.inventory.timeline_desc",
                &["from", "items", "overdue", "to", "today"],
            ),
            ("portal.inventory.items_of", &["count"]),
            ("portal.inventory.items_caption", &["organization"]),
            ("portal.inventory.priorities_of", &["organization"]),
            ("portal.inventory.value_of", &["value"]),
            ("portal.inventory.new_title", &["organization"]),
            ("portal.inventory.edit_title", &["organization"]),
            ("portal.inventory.import_title", &["organization"]),
            ("portal.inventory.back_to_organization", &["organization"]),
            ("portal.inventory.file_hint", &["limit"]),
            ("portal.inventory.file_too_large", &["limit"]),
            (
                "portal.inventory.report_summary",
                &["created", "refused", "unchanged", "updated"],
            ),
            ("portal.inventory.scorecard_intro", &["count"]),
            ("portal.inventory.overdue_items", &["count"]),
            ("portal.inventory.days_late", &["date", "days"]),
            ("violation.invalid_schedule", &["detail"]),
            ("violation.source_refused", &["detail"]),
            ("error.source_running", &["value"]),
            ("portal.pull.title", &["dataset"]),
            ("portal.pull.source_title", &["file"]),
            ("portal.pull.failing", &["count", "since"]),
            ("portal.pull.connection_keep", &["connection"]),
            ("portal.pull.schedule_hint", &["zone"]),
            ("portal.pull.page_of", &["page", "pages"]),
            ("violation.blocked_url", &["detail"]),
            ("violation.source_unreadable", &["detail"]),
            ("violation.out_of_range", &["max"]),
            ("portal.harvest.edit_title", &["source"]),
            ("portal.harvest.source_title", &["source"]),
            ("portal.harvest.mirror_as", &["kind"]),
            ("portal.harvest.grace", &["days"]),
            ("portal.harvest.preview_total", &["shown", "total"]),
            ("portal.harvest.preview_shown", &["shown"]),
            ("portal.harvest.item_errors_count", &["count"]),
            (
                "portal.harvest.counts",
                &["archived", "created", "failed", "unchanged", "updated"],
            ),
            ("portal.harvest.gone_since", &["date"]),
        ];
        for &(key, names) in expected {
            let text = lookup(Locale::Vi, key).unwrap();
            assert_eq!(placeholders(text), names.iter().copied().collect(), "{key}");
        }
        let with_placeholders = KEYS
            .iter()
            .filter(|key| !placeholders(lookup(Locale::Vi, key).unwrap()).is_empty())
            .count();
        assert_eq!(with_placeholders, expected.len());
    }

    /// Keys of the harvest source pages (`portal::pages::harvest`), the "harvested from" notice of
    /// a dataset's page and the refusals of a harvest source's settings.
    const HARVEST_PAGE_KEYS: &[&str] = &[
        "violation.blocked_url",
        "violation.source_unreadable",
        "violation.taken",
        "violation.reserved",
        "violation.out_of_range",
        "portal.workspace.administration",
        "portal.harvest.title",
        "portal.harvest.intro",
        "portal.harvest.new",
        "portal.harvest.sources",
        "portal.harvest.sources_caption",
        "portal.harvest.no_sources",
        "portal.harvest.col.title",
        "portal.harvest.col.kind",
        "portal.harvest.col.url",
        "portal.harvest.col.datasets",
        "portal.harvest.col.publisher",
        "portal.harvest.col.files",
        "portal.harvest.col.action",
        "portal.harvest.col.created",
        "portal.harvest.col.updated",
        "portal.harvest.col.unchanged",
        "portal.harvest.col.archived",
        "portal.harvest.col.failed",
        "portal.harvest.running_badge",
        "portal.harvest.kind.ckan",
        "portal.harvest.kind.dcat",
        "portal.harvest.kind.data-json",
        "portal.harvest.kind_hint.ckan",
        "portal.harvest.kind_hint.dcat",
        "portal.harvest.kind_hint.data-json",
        "portal.harvest.outcome.running",
        "portal.harvest.outcome.succeeded",
        "portal.harvest.outcome.failed",
        "portal.harvest.outcome.interrupted",
        "portal.harvest.new_title",
        "portal.harvest.edit_title",
        "portal.harvest.source_title",
        "portal.harvest.what_legend",
        "portal.harvest.where_legend",
        "portal.harvest.field.title",
        "portal.harvest.field.title_hint",
        "portal.harvest.field.slug",
        "portal.harvest.field.slug_hint",
        "portal.harvest.field.kind",
        "portal.harvest.field.url",
        "portal.harvest.field.url_hint",
        "portal.harvest.field.organization",
        "portal.harvest.field.organization_hint",
        "portal.harvest.mirror",
        "portal.harvest.mirror_as",
        "portal.harvest.field.publisher_kind",
        "portal.harvest.field.publisher_kind_hint",
        "portal.harvest.field.grace_days",
        "portal.harvest.field.grace_days_hint",
        "portal.harvest.grace",
        "portal.harvest.save",
        "portal.harvest.preview",
        "portal.harvest.preview_hint",
        "portal.harvest.preview_title",
        "portal.harvest.preview_caption",
        "portal.harvest.preview_total",
        "portal.harvest.preview_shown",
        "portal.harvest.action.create",
        "portal.harvest.action.update",
        "portal.harvest.action.unchanged",
        "portal.harvest.item_errors",
        "portal.harvest.item_errors_count",
        "portal.harvest.settings",
        "portal.harvest.edit",
        "portal.harvest.run_hint",
        "portal.harvest.delete_open",
        "portal.harvest.delete_hint",
        "portal.harvest.counts",
        "portal.harvest.harvested_from",
        "portal.harvest.gone_since",
        "portal.notice.harvest_saved",
        "portal.notice.harvest_deleted",
        "portal.notice.harvest_ran",
        "portal.notice.harvest_running",
        "portal.problem.harvest_run_failed",
    ];

    /// Keys of the catalog exports (DCAT-AP catalog texts, ADMS publisher types, 406, pages).
    const EXPORT_KEYS: &[&str] = &[
        "dcat.catalog.title",
        "dcat.catalog.description",
        "dcat.catalog.publisher",
        "dcat.publisher_type.NationalAuthority",
        "dcat.publisher_type.RegionalAuthority",
        "dcat.publisher_type.NonGovernmentalOrganisation",
        "dcat.publisher_type.Company",
        "dcat.publisher_type.Academia-ScientificOrganisation",
        "dcat.publisher_type.PrivateIndividual(s)",
        "error.not_acceptable",
        "entity.catalog_page",
        "entity.sitemap_page",
    ];

    /// Keys of the publication review (the approver role, the review statuses, the refusals
    /// and the notices) and of the push of automatic publication (`dulieu publish`).
    const REVIEW_KEYS: &[&str] = &[
        "ui.role.approver",
        "ui.status.in_review",
        "ui.status.approved",
        "notify.review.submitted",
        "notify.review.approved",
        "notify.review.sent_back",
        "violation.review_required",
        "violation.review_step_only",
        "error.invalid_transition",
        "error.blocking_findings",
        "error.review_not_required",
        "cli.published.created",
        "cli.published.new_version",
        "cli.published.unchanged",
        "cli.publish_bad_path",
        "portal.review.tab",
        "portal.review.title",
        "portal.review.status",
        "portal.review.intro",
        "portal.review.not_required",
        "portal.review.your_step",
        "portal.review.comment",
        "portal.review.comment_required",
        "portal.review.hint.submit",
        "portal.review.hint.withdraw",
        "portal.review.hint.approve",
        "portal.review.hint.send_back",
        "portal.review.hint.publish",
        "portal.review.button.submit",
        "portal.review.button.withdraw",
        "portal.review.button.approve",
        "portal.review.button.send_back",
        "portal.review.button.publish",
        "portal.review.step.submit",
        "portal.review.step.withdraw",
        "portal.review.step.approve",
        "portal.review.step.send_back",
        "portal.review.step.publish",
        "portal.review.blocking",
        "portal.review.blocking_hint",
        "portal.review.no_blocking",
        "portal.review.see_quality",
        "portal.review.changes",
        "portal.review.changes_caption",
        "portal.review.never_published",
        "portal.review.field",
        "portal.review.before",
        "portal.review.after",
        "portal.review.no_changes",
        "portal.review.steps",
        "portal.review.no_steps",
        "portal.review.field.distributions",
        "portal.review.files",
        "portal.notice.review_submitted",
        "portal.notice.review_withdrawn",
        "portal.notice.review_approved",
        "portal.notice.review_sent_back",
        "portal.notice.review_published",
        "portal.history.review_submitted",
        "portal.history.review_withdrawn",
        "portal.history.review_approved",
        "portal.history.review_sent_back",
        "portal.history.review_published",
        "portal.history.review_comment",
    ];

    /// Keys of automatic publication by scheduled pulls: the source's entity, the refusals of its
    /// form and of "run now", and the portal's automatic updates pages with their notices.
    const PULL_KEYS: &[&str] = &[
        "entity.pull_source",
        "violation.invalid_schedule",
        "violation.source_refused",
        "violation.source_needs_upload",
        "error.source_running",
        "portal.pull.tab",
        "portal.pull.title",
        "portal.pull.intro",
        "portal.pull.files",
        "portal.pull.no_files",
        "portal.pull.edit_files",
        "portal.pull.link_no_source",
        "portal.pull.no_source",
        "portal.pull.set_up",
        "portal.pull.manage",
        "portal.pull.source_title",
        "portal.pull.back",
        "portal.pull.status",
        "portal.pull.kind_label",
        "portal.pull.kind.http",
        "portal.pull.kind.sql",
        "portal.pull.schedule_label",
        "portal.pull.paused",
        "portal.pull.paused_hint",
        "portal.pull.next_run",
        "portal.pull.running",
        "portal.pull.last_run",
        "portal.pull.never_run",
        "portal.pull.failures",
        "portal.pull.failing",
        "portal.pull.no_failures",
        "portal.pull.failing_hint",
        "portal.pull.run_now",
        "portal.pull.run_hint",
        "portal.pull.form_new",
        "portal.pull.form_edit",
        "portal.pull.kind_legend",
        "portal.pull.kind_hint.http",
        "portal.pull.kind_hint.sql",
        "portal.pull.url",
        "portal.pull.url_hint",
        "portal.pull.connection",
        "portal.pull.connection_hint",
        "portal.pull.connection_keep",
        "portal.pull.query",
        "portal.pull.query_hint",
        "portal.pull.file_name",
        "portal.pull.file_name_hint",
        "portal.pull.when_legend",
        "portal.pull.schedule",
        "portal.pull.schedule_hint",
        "portal.pull.presets",
        "portal.pull.preset.daily",
        "portal.pull.preset.hourly",
        "portal.pull.preset.weekly",
        "portal.pull.enabled",
        "portal.pull.enabled_hint",
        "portal.pull.save",
        "portal.pull.history",
        "portal.pull.history_caption",
        "portal.pull.no_runs",
        "portal.pull.col.started",
        "portal.pull.col.trigger",
        "portal.pull.col.outcome",
        "portal.pull.col.duration",
        "portal.pull.col.bytes",
        "portal.pull.col.rows",
        "portal.pull.col.version",
        "portal.pull.col.http_status",
        "portal.pull.col.error",
        "portal.pull.trigger.schedule",
        "portal.pull.trigger.manual",
        "portal.pull.outcome.running",
        "portal.pull.outcome.new_version",
        "portal.pull.outcome.unchanged",
        "portal.pull.outcome.not_modified",
        "portal.pull.outcome.failed",
        "portal.pull.outcome.interrupted",
        "portal.pull.pages",
        "portal.pull.page_of",
        "portal.pull.delete",
        "portal.pull.delete_open",
        "portal.pull.delete_hint",
        "portal.pull.delete_confirm",
        "portal.notice.source_saved",
        "portal.notice.source_deleted",
        "portal.notice.source_new_version",
        "portal.notice.source_unchanged",
        "portal.notice.source_not_modified",
        "portal.problem.source_run_failed",
    ];

    /// Keys of the data inventory: the vocabularies' labels, the watchdog's overdue rule, the
    /// import's and the item rules' error codes, and the portal pages.
    const INVENTORY_KEYS: &[&str] = &[
        "entity.inventory_item",
        "inventory.status.identified",
        "inventory.status.assessed",
        "inventory.status.approved_for_release",
        "inventory.status.in_preparation",
        "inventory.status.published",
        "inventory.status.will_not_publish",
        "inventory.priority.quick_win",
        "inventory.priority.priority",
        "inventory.priority.priority_longer_term",
        "inventory.priority.longer_term",
        "inventory.priority.low_value",
        "inventory.sensitivity.public",
        "inventory.sensitivity.restricted",
        "inventory.sensitivity.state_secret",
        "inventory.sensitivity.personal_data",
        "inventory.effort.low",
        "inventory.effort.medium",
        "inventory.effort.high",
        "inventory.quadrant.quick_win",
        "inventory.quadrant.major_project",
        "inventory.quadrant.fill_in",
        "inventory.quadrant.reconsider",
        "inventory.quadrant.unassessed",
        "check.inventory.overdue.title",
        "check.inventory.overdue.fix",
        "error.sheet_unsupported_format",
        "error.sheet_unreadable",
        "error.sheet_no_header",
        "error.sheet_too_many_rows",
        "error.sheet_not_utf8",
        "error.sheet_too_large",
        "violation.legal_basis_required",
        "violation.published_needs_dataset",
        "violation.reason_required",
        "violation.secret_not_publishable",
        "violation.organization_mismatch",
        "violation.id_of_other_organization",
        "violation.unknown_inventory_item",
        "violation.invalid_date",
        "violation.invalid_id",
        "violation.duplicate_id",
        "violation.invalid_frequency",
        "portal.nav.inventory",
        "portal.inventory.title",
        "portal.inventory.intro",
        "portal.inventory.filters",
        "portal.inventory.organization",
        "portal.inventory.any_organization",
        "portal.inventory.any",
        "portal.inventory.words",
        "portal.inventory.overdue_only",
        "portal.inventory.apply",
        "portal.inventory.count",
        "portal.inventory.none",
        "portal.inventory.pages",
        "portal.inventory.page_of",
        "portal.inventory.export_csv",
        "portal.inventory.export_xlsx",
        "portal.inventory.template",
        "portal.inventory.template_vi",
        "portal.inventory.template_en",
        "portal.inventory.item",
        "portal.inventory.demand",
        "portal.inventory.demand_value",
        "portal.inventory.demand_text",
        "portal.inventory.overdue",
        "portal.inventory.field.title_vi",
        "portal.inventory.field.title_en",
        "portal.inventory.field.description_vi",
        "portal.inventory.field.description_en",
        "portal.inventory.field.owning_unit",
        "portal.inventory.field.system_of_record",
        "portal.inventory.field.formats",
        "portal.inventory.field.volume",
        "portal.inventory.field.frequency",
        "portal.inventory.field.sensitivity",
        "portal.inventory.field.legal_basis",
        "portal.inventory.field.priority",
        "portal.inventory.field.effort",
        "portal.inventory.field.target_date",
        "portal.inventory.field.status",
        "portal.inventory.field.dataset",
        "portal.inventory.field.reason",
        "portal.inventory.field.responsible",
        "portal.inventory.field.published_on",
        "portal.inventory.not_stated",
        "portal.inventory.not_assessed",
        "portal.inventory.details",
        "portal.inventory.target_on",
        "portal.inventory.request_this",
        "portal.inventory.request_for_item",
        "portal.inventory.see_item",
        "portal.inventory.votes",
        "portal.inventory.no_requests",
        "portal.inventory.edit",
        "portal.inventory.saved",
        "portal.inventory.deleted",
        "portal.inventory.delete_title",
        "portal.inventory.delete_text",
        "portal.inventory.delete_confirm",
        "portal.inventory.confirm_required",
        "portal.inventory.delete",
        "portal.inventory.organization_title",
        "portal.inventory.organization_link",
        "portal.inventory.organization_intro",
        "portal.inventory.add_item",
        "portal.inventory.import",
        "portal.inventory.timeliness",
        "portal.inventory.due",
        "portal.inventory.on_time",
        "portal.inventory.late",
        "portal.inventory.overdue_count",
        "portal.inventory.on_time_share",
        "portal.inventory.none_due",
        "portal.inventory.plan",
        "portal.inventory.plan_counts",
        "portal.inventory.plan_table",
        "portal.inventory.standing",
        "portal.inventory.standing.not_due",
        "portal.inventory.standing.on_time",
        "portal.inventory.standing.late",
        "portal.inventory.standing.overdue",
        "portal.inventory.no_dated",
        "portal.inventory.timeline_title",
        "portal.inventory.timeline_desc",
        "portal.inventory.today",
        "portal.inventory.items_of",
        "portal.inventory.items_caption",
        "portal.inventory.all_items",
        "portal.inventory.priorities_title",
        "portal.inventory.priorities_of",
        "portal.inventory.priorities_intro",
        "portal.inventory.value_formula",
        "portal.inventory.matrix",
        "portal.inventory.matrix_axes",
        "portal.inventory.axis_value",
        "portal.inventory.axis_effort",
        "portal.inventory.quadrant_meaning.quick_win",
        "portal.inventory.quadrant_meaning.major_project",
        "portal.inventory.quadrant_meaning.fill_in",
        "portal.inventory.quadrant_meaning.reconsider",
        "portal.inventory.quadrant_meaning.unassessed",
        "portal.inventory.quadrant_empty",
        "portal.inventory.value_of",
        "portal.inventory.ranked",
        "portal.inventory.ranked_caption",
        "portal.inventory.rank",
        "portal.inventory.value",
        "portal.inventory.quadrant",
        "portal.inventory.nothing_to_rank",
        "portal.inventory.new_title",
        "portal.inventory.edit_title",
        "portal.inventory.back",
        "portal.inventory.form_intro",
        "portal.inventory.group_what",
        "portal.inventory.group_release",
        "portal.inventory.title_hint",
        "portal.inventory.system_hint",
        "portal.inventory.formats_hint",
        "portal.inventory.volume_hint",
        "portal.inventory.dataset_hint",
        "portal.inventory.responsible_hint",
        "portal.inventory.choose",
        "portal.inventory.save",
        "portal.inventory.create",
        "portal.inventory.import_title",
        "portal.inventory.back_to_organization",
        "portal.inventory.import_intro",
        "portal.inventory.upload",
        "portal.inventory.file",
        "portal.inventory.file_hint",
        "portal.inventory.file_too_large",
        "portal.inventory.import_button",
        "portal.inventory.report",
        "portal.inventory.report_summary",
        "portal.inventory.ignored_columns",
        "portal.inventory.row_errors",
        "portal.inventory.row",
        "portal.inventory.column",
        "portal.inventory.problem",
        "portal.inventory.cell_value",
        "portal.inventory.see_plan",
        "portal.inventory.columns",
        "portal.inventory.columns_intro",
        "portal.inventory.header",
        "portal.inventory.key",
        "portal.inventory.what_to_write",
        "portal.inventory.scorecard_title",
        "portal.inventory.scorecard_intro",
        "portal.inventory.scorecard_empty",
        "portal.inventory.overdue_items",
        "portal.inventory.days_late",
        "portal.inventory.none_overdue",
    ];

    /// Keys of the ticket module (requests, feedback, notifications).
    const TICKET_KEYS: &[&str] = &[
        "error.illegal_transition",
        "error.deadline_passed",
        "error.already_extended",
        "error.extension_not_allowed",
        "error.duplicate_feedback",
        "error.hidden_pending_review",
        "entity.request",
        "entity.feedback",
        "violation.unknown_dataset",
        "violation.unknown_request",
        "violation.unknown_distribution",
        "violation.unknown_feedback",
        "mail.greeting",
        "mail.view",
        "mail.footer",
        "notify.request.created",
        "notify.request.confirm",
        "notify.request.triage",
        "notify.request.assign",
        "notify.request.merge",
        "notify.request.mark_available",
        "notify.request.ask_clarification",
        "notify.request.clarify",
        "notify.request.accept",
        "notify.request.fulfil",
        "notify.request.partially_fulfil",
        "notify.request.refuse",
        "notify.request.request_review",
        "notify.request.uphold_refusal",
        "notify.request.withdraw",
        "notify.request.extend_deadline",
        "notify.request.message",
        "notify.request.reminder",
        "notify.request.overdue",
        "notify.feedback.created",
        "notify.feedback.urgent",
        "notify.feedback.acknowledge",
        "notify.feedback.start",
        "notify.feedback.resolve",
        "notify.feedback.wont_fix",
        "notify.feedback.mark_duplicate",
        "notify.feedback.reopen",
        "notify.feedback.reminder",
        "notify.feedback.overdue",
        "notify.dataset.updated",
        "notify.dataset.file_added",
        "notify.dataset.file_replaced",
        "notify.dataset.file_removed",
        "entity.attachment",
        "violation.file_too_large",
        "violation.too_many_files",
        "request_state.submitted",
        "request_state.triage",
        "request_state.awaiting_response",
        "request_state.clarification_needed",
        "request_state.accepted",
        "request_state.fulfilled",
        "request_state.partially_fulfilled",
        "request_state.refused",
        "request_state.withdrawn",
        "request_state.internal_review",
        "timeliness.on_time",
        "timeliness.overdue",
        "timeliness.long_overdue",
        "refusal.not_held",
        "refusal.personal_data",
        "refusal.state_secret",
        "refusal.commercial_confidentiality",
        "refusal.disproportionate_effort",
        "refusal.other",
        "request_action.triage",
        "request_action.assign",
        "request_action.merge",
        "request_action.mark_available",
        "request_action.ask_clarification",
        "request_action.clarify",
        "request_action.accept",
        "request_action.fulfil",
        "request_action.partially_fulfil",
        "request_action.refuse",
        "request_action.request_review",
        "request_action.uphold_refusal",
        "request_action.withdraw",
        "request_action.extend_deadline",
        "request_action.created",
        "request_action.confirmed",
        "request_action.message",
        "feedback_kind.data_error",
        "feedback_kind.broken_file_or_link",
        "feedback_kind.outdated",
        "feedback_kind.metadata_error",
        "feedback_kind.format_problem",
        "feedback_kind.personal_data_exposed",
        "feedback_kind.license_question",
        "feedback_kind.other",
        "feedback_state.open",
        "feedback_state.acknowledged",
        "feedback_state.in_progress",
        "feedback_state.resolved",
        "feedback_state.wont_fix",
        "feedback_state.duplicate",
        "feedback_action.acknowledge",
        "feedback_action.start",
        "feedback_action.resolve",
        "feedback_action.wont_fix",
        "feedback_action.mark_duplicate",
        "feedback_action.reopen",
        "portal.requests.title",
        "portal.requests.intro",
        "portal.requests.new",
        "portal.requests.mine",
        "portal.requests.stats_title",
        "portal.requests.filters",
        "portal.requests.state",
        "portal.requests.any_state",
        "portal.requests.organization",
        "portal.requests.overdue_only",
        "portal.requests.by_deadline",
        "portal.requests.apply",
        "portal.requests.count",
        "portal.requests.request",
        "portal.requests.deadline",
        "portal.requests.filed",
        "portal.requests.votes",
        "portal.requests.form_intro",
        "portal.requests.field_title",
        "portal.requests.field_description",
        "portal.requests.field_purpose",
        "portal.requests.field_format",
        "portal.requests.field_granularity",
        "portal.requests.field_organization",
        "portal.requests.field_organization_hint",
        "portal.requests.visibility",
        "portal.requests.public",
        "portal.requests.private",
        "portal.requests.submit",
        "portal.requests.due",
        "portal.requests.extended",
        "portal.requests.planned_date",
        "portal.requests.dataset",
        "portal.requests.see_dataset",
        "portal.requests.link",
        "portal.requests.reason",
        "portal.requests.legal_basis",
        "portal.requests.vote",
        "portal.requests.unvote",
        "portal.requests.follow",
        "portal.requests.unfollow",
        "portal.requests.actions",
        "portal.requests.duplicate_of",
        "portal.requests.note",
        "portal.requests.timeline",
        "portal.requests.thread",
        "portal.requests.role_requester",
        "portal.requests.role_organization",
        "portal.requests.role_portal_team",
        "portal.requests.role_public",
        "portal.requests.no_messages",
        "portal.requests.message",
        "portal.requests.send",
        "portal.requests.attach",
        "portal.requests.attach_hint",
        "portal.requests.attachments",
        "portal.requests.stats_all",
        "portal.requests.stats_intro",
        "portal.requests.stats_csv",
        "portal.requests.received",
        "portal.requests.answered",
        "portal.requests.fulfilled",
        "portal.requests.refused",
        "portal.requests.median",
        "portal.requests.p90",
        "portal.requests.on_time",
        "portal.requests.backlog",
        "portal.requests.overdue",
        "portal.error.409.title",
        "portal.error.409.text",
    ];

    /// Keys of the ticket pages: dataset feedback, inbox, my requests, notifications.
    const TICKET_PAGE_KEYS: &[&str] = &[
        "portal.requests.sent_title",
        "portal.requests.sent_text",
        "portal.requests.sent_next",
        "portal.requests.back_to_list",
        "portal.requests.field_email",
        "portal.requests.field_email_hint",
        "portal.requests.anonymous_intro",
        "portal.requests.sign_in_instead",
        "portal.my_requests.intro",
        "portal.my_requests.none",
        "portal.my_requests.how",
        "portal.my_requests.tie_filed",
        "portal.my_requests.tie_voted",
        "portal.my_requests.tie_following",
        "portal.feedback.tabs_label",
        "portal.feedback.tab_overview",
        "portal.feedback.tab_feedback",
        "portal.feedback.open_label",
        "portal.feedback.tab_title",
        "portal.feedback.intro",
        "portal.feedback.tickets",
        "portal.feedback.tickets_caption",
        "portal.feedback.none",
        "portal.feedback.problem",
        "portal.feedback.kind",
        "portal.feedback.reported",
        "portal.feedback.urgent",
        "portal.feedback.report",
        "portal.feedback.urgent_hint",
        "portal.feedback.distribution",
        "portal.feedback.whole_dataset",
        "portal.feedback.description",
        "portal.feedback.location",
        "portal.feedback.location_hint",
        "portal.feedback.attach",
        "portal.feedback.submit",
        "portal.feedback.sign_in_text",
        "portal.feedback.sign_in_to_report",
        "portal.feedback.follow",
        "portal.feedback.unfollow",
        "portal.feedback.follow_hint",
        "portal.feedback.ticket_title",
        "portal.feedback.event_created",
        "portal.feedback.event_hidden",
        "portal.feedback.event_shown",
        "portal.feedback.hidden",
        "portal.feedback.hidden_notice",
        "portal.feedback.rule",
        "portal.feedback.resolution",
        "portal.feedback.version",
        "portal.feedback.duplicate_of",
        "portal.feedback.see_original",
        "portal.feedback.sign_in_to_act",
        "portal.feedback.hide_title",
        "portal.feedback.hide_text",
        "portal.feedback.hide_file",
        "portal.feedback.show_file",
        "portal.feedback.actions",
        "portal.feedback.wont_fix_reason",
        "portal.feedback.note_optional",
        "portal.feedback.version_optional",
        "portal.inbox.link",
        "portal.inbox.title",
        "portal.inbox.intro",
        "portal.inbox.requests_count",
        "portal.inbox.feedback_count",
        "portal.inbox.requests",
        "portal.inbox.requests_caption",
        "portal.inbox.no_requests",
        "portal.inbox.all_requests",
        "portal.inbox.feedback",
        "portal.inbox.feedback_caption",
        "portal.inbox.no_feedback",
        "portal.notifications.title",
        "portal.notifications.unread_label",
        "portal.notifications.unread_count",
        "portal.notifications.mark_all_read",
        "portal.notifications.mark_read",
        "portal.notifications.new",
        "portal.notifications.none",
        "portal.notifications.settings",
        "portal.notifications.settings_intro",
        "portal.notifications.email_legend",
        "portal.notifications.email_on",
        "portal.notifications.lang_legend",
        "portal.notifications.save",
        "portal.notice.notifications_read",
        "portal.notice.notifications_saved",
    ];

    /// The keys of the watchdog checks (`dulieu-checks`: `messages::all_keys`).
    /// The watchdog's tickets, subjects and digest.
    const WATCHDOG_KEYS: &[&str] = &[
        "quality.ticket.heading",
        "quality.ticket.fix",
        "quality.ticket.resolved",
        "quality.subject.dataset",
        "quality.subject.distribution",
        "quality.digest.subject",
        "quality.digest.summary",
        "quality.digest.dataset",
        "quality.digest.to_fix",
        "quality.digest.none",
        "quality.digest.more",
        "quality.digest.link",
    ];

    /// The keys of `dulieu check`, the watchdog from the command line.
    const CLI_CHECK_KEYS: &[&str] = &[
        "cli.check.cannot_read_profile",
        "cli.check.invalid_profile",
        "cli.check.unknown_dataset",
        "cli.check.dataset",
        "cli.check.checked",
        "cli.check.scores",
        "cli.check.counts",
        "cli.check.no_findings",
        "cli.check.fix",
        "cli.check.dataset_tickets",
        "cli.check.swept",
        "cli.check.changed",
        "cli.check.tickets",
        "cli.check.league_empty",
        "cli.check.violations",
        "cli.check.league",
        "cli.check.league_entry",
        "cli.check.league_more",
    ];

    /// The keys of the watchdog's portal pages (a dataset's quality tab, an organization's
    /// scorecard, the league table, the search facets of stars and quality).
    const WATCHDOG_PAGE_KEYS: &[&str] = &[
        "portal.nav.quality",
        "portal.notice.quality_rechecked",
        "portal.facet.stars",
        "portal.facet.quality",
        "portal.quality.tab",
        "portal.quality.dataset_title",
        "portal.quality.intro",
        "portal.quality.checked_at",
        "portal.quality.recheck",
        "portal.quality.recheck_hint",
        "portal.quality.scores",
        "portal.quality.stars",
        "portal.quality.stars_of",
        "portal.quality.mqa",
        "portal.quality.mqa_short",
        "portal.quality.mqa_points",
        "portal.quality.udata",
        "portal.quality.godi",
        "portal.quality.godi_points",
        "portal.quality.odi",
        "portal.quality.odi_next",
        "portal.quality.scores_hint",
        "portal.quality.mqa_parts",
        "portal.quality.indicator",
        "portal.quality.dimension",
        "portal.quality.points",
        "portal.quality.findings",
        "portal.quality.count_violations",
        "portal.quality.count_warnings",
        "portal.quality.count_infos",
        "portal.quality.how_to_fix",
        "portal.quality.no_findings",
        "portal.quality.tickets",
        "portal.quality.tickets_hint",
        "portal.quality.tickets_caption",
        "portal.quality.rule",
        "portal.quality.no_tickets",
        "portal.quality.history",
        "portal.quality.history_chart",
        "portal.quality.history_desc",
        "portal.quality.history_table",
        "portal.quality.date",
        "portal.quality.violations",
        "portal.quality.warnings",
        "portal.quality.no_history",
        "portal.quality.legend_mqa",
        "portal.quality.legend_stars",
        "portal.quality.scorecard_link",
        "portal.quality.scorecard_title",
        "portal.quality.scorecard_public_only",
        "portal.quality.scorecard_all",
        "portal.quality.averages",
        "portal.quality.datasets_checked",
        "portal.quality.mqa_average",
        "portal.quality.stars_average",
        "portal.quality.stars_average_value",
        "portal.quality.udata_average",
        "portal.quality.compliant",
        "portal.quality.compliant_value",
        "portal.quality.per_band",
        "portal.quality.per_stars",
        "portal.quality.by_rule",
        "portal.quality.by_rule_caption",
        "portal.quality.datasets",
        "portal.quality.no_violations",
        "portal.quality.trend",
        "portal.quality.trend_chart",
        "portal.quality.trend_desc",
        "portal.quality.trend_table",
        "portal.quality.no_trend",
        "portal.quality.datasets_worst_first",
        "portal.quality.datasets_caption",
        "portal.quality.dataset",
        "portal.quality.rules_violated",
        "portal.quality.not_public",
        "portal.quality.no_datasets",
        "portal.quality.league_title",
        "portal.quality.league_intro",
        "portal.quality.league_caption",
        "portal.quality.rank",
        "portal.quality.organization",
        "portal.quality.three_stars_share",
        "portal.quality.compliant_share",
        "portal.quality.league_empty",
        "portal.quality.open_data",
        "portal.quality.open_data_text",
        "portal.quality.download_csv",
        "portal.quality.download_json",
    ];

    const CHECK_KEYS: &[&str] = &[
        "check.license.present.title",
        "check.license.present.missing",
        "check.license.present.fix",
        "check.license.open.title",
        "check.license.open.not_open",
        "check.license.open.distribution_not_open",
        "check.license.open.fix",
        "check.format.open.title",
        "check.format.open.closed",
        "check.format.open.missing",
        "check.format.open.fix",
        "check.format.machine_readable.title",
        "check.format.machine_readable.not_machine_readable",
        "check.format.machine_readable.missing",
        "check.format.machine_readable.fix",
        "check.format.matches_content.title",
        "check.format.matches_content.mismatch",
        "check.format.matches_content.empty",
        "check.format.matches_content.fix",
        "check.stars.dataset.title",
        "check.stars.dataset.below",
        "check.stars.dataset.fix",
        "check.metadata.mandatory.title",
        "check.metadata.mandatory.missing",
        "check.metadata.mandatory.fix",
        "check.metadata.recommended.title",
        "check.metadata.recommended.missing",
        "check.metadata.recommended.fix",
        "check.timeliness.frequency.title",
        "check.timeliness.frequency.late",
        "check.timeliness.frequency.no_date",
        "check.timeliness.frequency.fix",
        "check.links.available.title",
        "check.links.available.http_status",
        "check.links.available.error",
        "check.links.available.fix",
        "check.pull.succeeds.title",
        "check.pull.succeeds.failing",
        "check.pull.succeeds.fix",
        "check.tables.valid.title",
        "check.tables.valid.failed",
        "check.tables.valid.schema_violations",
        "check.tables.valid.fix",
        "check.tables.not_empty.title",
        "check.tables.not_empty.empty",
        "check.tables.not_empty.no_tables",
        "check.tables.not_empty.fix",
        "check.pii.exposure.title",
        "check.pii.exposure.found",
        "check.pii.exposure.fix",
        "check.severity.info",
        "check.severity.warning",
        "check.severity.violation",
        "check.field.title",
        "check.field.title_en",
        "check.field.description",
        "check.field.description_en",
        "check.field.publisher",
        "check.field.contact_point",
        "check.field.keywords",
        "check.field.themes",
        "check.field.license",
        "check.field.temporal",
        "check.field.spatial",
        "check.field.frequency",
        "check.field.issued",
        "check.field.modified",
        "check.field.version",
        "check.field.distributions",
        "check.field.distribution.url",
        "check.field.distribution.title",
        "check.field.distribution.description",
        "check.field.distribution.format",
        "check.field.distribution.media_type",
        "check.field.distribution.license",
        "check.field.distribution.byte_size",
        "check.field.distribution.issued",
        "check.field.distribution.modified",
        "check.pii.kind.email",
        "check.pii.kind.phone",
        "check.pii.kind.citizen_id",
        "check.pii.kind.old_id_card",
        "check.pii.kind.tax_code",
        "check.pii.kind.birth_date",
        "check.mqa.band.bad",
        "check.mqa.band.sufficient",
        "check.mqa.band.good",
        "check.mqa.band.excellent",
        "check.mqa.dimension.findability",
        "check.mqa.dimension.accessibility",
        "check.mqa.dimension.interoperability",
        "check.mqa.dimension.reusability",
        "check.mqa.dimension.contextuality",
        "check.mqa.keyword_usage",
        "check.mqa.categories",
        "check.mqa.geo_search",
        "check.mqa.time_based_search",
        "check.mqa.access_url_accessibility",
        "check.mqa.download_url",
        "check.mqa.download_url_accessibility",
        "check.mqa.format",
        "check.mqa.media_type",
        "check.mqa.format_media_type_vocabulary",
        "check.mqa.non_proprietary",
        "check.mqa.machine_readable",
        "check.mqa.dcat_ap_compliance",
        "check.mqa.license_information",
        "check.mqa.license_vocabulary",
        "check.mqa.access_restrictions",
        "check.mqa.access_restrictions_vocabulary",
        "check.mqa.contact_point",
        "check.mqa.publisher",
        "check.mqa.rights",
        "check.mqa.file_size",
        "check.mqa.date_of_issue",
        "check.mqa.modification_date",
        "check.udata.license",
        "check.udata.temporal_coverage",
        "check.udata.spatial",
        "check.udata.update_frequency",
        "check.udata.update_fulfilled_in_time",
        "check.udata.dataset_description_quality",
        "check.udata.has_open_format",
        "check.udata.all_resources_available",
        "check.udata.resources_documentation",
        "check.godi.online",
        "check.godi.free",
        "check.godi.bulk",
        "check.godi.up_to_date",
        "check.godi.open_license",
        "check.godi.open_machine_readable",
        "check.godi.class.open_data",
        "check.godi.class.public_data",
        "check.godi.class.access_controlled",
        "check.godi.class.data_gap",
        "check.odi.level.none",
        "check.odi.level.raw",
        "check.odi.level.pilot",
        "check.odi.level.standard",
        "check.odi.level.expert",
        "check.odi.requirement.open_license",
        "check.odi.requirement.public",
        "check.odi.requirement.downloadable",
        "check.odi.requirement.documentation",
        "check.odi.requirement.machine_readable",
        "check.odi.requirement.timestamps",
        "check.odi.requirement.open_format",
        "check.odi.requirement.contact_point",
        "check.odi.requirement.timely",
        "check.odi.requirement.no_violations",
        "check.odi.requirement.linked_data",
        "check.odi.requirement.no_warnings",
    ];

    /// Keys of the tables: ingest statuses, every ingest error and warning code (with a short
    /// name per warning kind), and the table pages.
    const TABLE_KEYS: &[&str] = &[
        "ingest.status.queued",
        "ingest.status.running",
        "ingest.status.done",
        "ingest.status.failed",
        "ingest.error.empty_file",
        "ingest.error.binary_file",
        "ingest.error.unsupported_format",
        "ingest.error.unsupported_json_shape",
        "ingest.error.malformed_json",
        "ingest.error.corrupt_spreadsheet",
        "ingest.error.corrupt_archive",
        "ingest.error.zip_bomb",
        "ingest.error.sheet_too_large",
        "ingest.error.too_many_sheets",
        "ingest.error.record_too_large",
        "ingest.error.too_many_columns",
        "ingest.error.unterminated_quote",
        "ingest.error.no_table",
        "ingest.error.schema_mismatch",
        "ingest.error.unknown_table",
        "ingest.error.io",
        "ingest.error.parquet",
        "ingest.error.no_file",
        "ingest.error.internal",
        "ingest.error.unknown",
        "ingest.error.fetch_invalid_url",
        "ingest.error.fetch_unsupported_scheme",
        "ingest.error.fetch_blocked_address",
        "ingest.error.fetch_blocked_port",
        "ingest.error.fetch_dns_failed",
        "ingest.error.fetch_connect_failed",
        "ingest.error.fetch_timeout",
        "ingest.error.fetch_too_many_redirects",
        "ingest.error.fetch_too_large",
        "ingest.error.fetch_http_status",
        "ingest.error.fetch_io",
        "ingest.error.fetch_invalid_config",
        "ingest.warning.row_too_short",
        "ingest.warning.row_too_long",
        "ingest.warning.title_rows_skipped",
        "ingest.warning.footnotes_detected",
        "ingest.warning.numbering_row_skipped",
        "ingest.warning.header_missing",
        "ingest.warning.header_duplicate",
        "ingest.warning.no_header",
        "ingest.warning.value_does_not_fit",
        "ingest.warning.values_treated_as_missing",
        "ingest.warning.invalid_encoding",
        "ingest.warning.empty_sheet",
        "ingest.warning.empty_column",
        "ingest.warning.encoding_guessed",
        "ingest.warning.unknown",
        "ingest.warning_kind.row_too_short",
        "ingest.warning_kind.row_too_long",
        "ingest.warning_kind.title_rows_skipped",
        "ingest.warning_kind.footnotes_detected",
        "ingest.warning_kind.numbering_row_skipped",
        "ingest.warning_kind.header_missing",
        "ingest.warning_kind.header_duplicate",
        "ingest.warning_kind.no_header",
        "ingest.warning_kind.value_does_not_fit",
        "ingest.warning_kind.values_treated_as_missing",
        "ingest.warning_kind.invalid_encoding",
        "ingest.warning_kind.empty_sheet",
        "ingest.warning_kind.empty_column",
        "ingest.warning_kind.encoding_guessed",
        "portal.tables.label",
        "portal.tables.view",
        "portal.tables.preview",
        "portal.tables.preview_caption",
        "portal.tables.queued_text",
        "portal.tables.running_text",
        "portal.tables.running_percent",
        "portal.tables.ready_text",
        "portal.tables.tables_count",
        "portal.tables.where",
        "ingest.at_sheet",
        "ingest.at_line",
        "ingest.at_row",
        "ingest.at_column",
        "ingest.at_offset",
        "ingest.at_url",
        "portal.tables.title",
        "portal.tables.back",
        "portal.tables.status",
        "portal.tables.format",
        "portal.tables.encoding",
        "portal.tables.delimiter",
        "portal.tables.sheets",
        "portal.tables.found_text",
        "portal.tables.title_rows",
        "portal.tables.notes",
        "portal.tables.not_ready",
        "portal.tables.rows",
        "portal.tables.rows_caption",
        "portal.tables.no_rows",
        "portal.tables.scroll_label",
        "portal.tables.row_number",
        "portal.tables.sort_asc",
        "portal.tables.sort_desc",
        "portal.tables.true",
        "portal.tables.false",
        "portal.tables.filter",
        "portal.tables.q",
        "portal.tables.q_hint",
        "portal.tables.column_name",
        "portal.tables.any_column",
        "portal.tables.filter_op",
        "portal.tables.filter_value",
        "portal.tables.filter_value_hint",
        "portal.tables.op.eq",
        "portal.tables.op.in",
        "portal.tables.op.gt",
        "portal.tables.op.gte",
        "portal.tables.op.lt",
        "portal.tables.op.lte",
        "portal.tables.apply",
        "portal.tables.active_filters",
        "portal.tables.remove_filter",
        "portal.tables.clear",
        "portal.tables.query_error",
        "portal.tables.pagination",
        "portal.tables.previous",
        "portal.tables.next",
        "portal.tables.page_n",
        "portal.tables.download",
        "portal.tables.download_hint",
        "portal.tables.download_as",
        "portal.tables.api_rows",
        "portal.tables.data_package",
        "portal.tables.columns",
        "portal.tables.columns_caption",
        "portal.tables.column_type",
        "portal.tables.nulls",
        "portal.tables.distinct",
        "portal.tables.range",
        "portal.tables.mean",
        "portal.tables.top_values",
        "portal.tables.approx",
        "portal.tables.type.string",
        "portal.tables.type.integer",
        "portal.tables.type.number",
        "portal.tables.type.boolean",
        "portal.tables.type.date",
        "portal.tables.type.datetime",
        "portal.tables.type.geojson",
        "portal.tables.sql",
        "portal.tables.sql_text",
        "portal.tables.sql_run",
        "portal.tables.warnings",
        "portal.tables.warnings_none",
        "portal.tables.warnings_counts",
        "portal.tables.warnings_first",
        "portal.tables.chart",
        "portal.tables.chart_intro",
        "portal.tables.chart_type",
        "portal.tables.chart.bar",
        "portal.tables.chart.line",
        "portal.tables.chart.pie",
        "portal.tables.chart_category",
        "portal.tables.chart_metric",
        "portal.tables.metric.count",
        "portal.tables.metric.sum",
        "portal.tables.metric.avg",
        "portal.tables.draw",
        "portal.tables.chart_alt",
        "portal.tables.chart_caption",
        "portal.tables.chart_truncated",
        "portal.tables.chart_failed",
        "portal.tables.loading",
        "portal.tables.map",
        "portal.tables.map_intro",
        "portal.tables.map_label",
        "portal.tables.map_alt",
        "portal.tables.map_limited",
        "portal.tables.map_attribution",
        "portal.tables.publisher_tools",
        "portal.tables.reingest",
        "portal.tables.reingest_hint",
        "portal.tables.schema_editor",
        "portal.tables.schema_intro",
        "portal.tables.field_legend",
        "portal.tables.field_name",
        "portal.tables.field_format_hint",
        "portal.tables.missing_values",
        "portal.tables.missing_values_hint",
        "portal.tables.save_schema",
        "portal.notice.table_schema_saved",
        "portal.notice.table_reingest_queued",
    ];

    /// The stable codes of `dulieu-tables` (`ErrorCode`, `WarningCode`) and of remote fetches
    /// (`dulieu-fetch`), as stored with a failed or warned ingest.
    const INGEST_ERROR_CODES: &[&str] = &[
        "empty_file",
        "binary_file",
        "unsupported_format",
        "unsupported_json_shape",
        "malformed_json",
        "corrupt_spreadsheet",
        "corrupt_archive",
        "zip_bomb",
        "sheet_too_large",
        "too_many_sheets",
        "record_too_large",
        "too_many_columns",
        "unterminated_quote",
        "no_table",
        "schema_mismatch",
        "unknown_table",
        "io",
        "parquet",
        "no_file",
        "internal",
    ];
    const FETCH_ERROR_CODES: &[&str] = &[
        "invalid_url",
        "unsupported_scheme",
        "blocked_address",
        "blocked_port",
        "dns_failed",
        "connect_failed",
        "timeout",
        "too_many_redirects",
        "too_large",
        "http_status",
        "io",
        "invalid_config",
    ];
    const INGEST_WARNING_CODES: &[&str] = &[
        "row_too_short",
        "row_too_long",
        "title_rows_skipped",
        "footnotes_detected",
        "numbering_row_skipped",
        "header_missing",
        "header_duplicate",
        "no_header",
        "value_does_not_fit",
        "values_treated_as_missing",
        "invalid_encoding",
        "empty_sheet",
        "empty_column",
        "encoding_guessed",
    ];

    #[test]
    fn every_ingest_code_has_a_text() {
        for code in INGEST_ERROR_CODES {
            assert!(has_message(&format!("ingest.error.{code}")), "{code}");
        }
        for code in FETCH_ERROR_CODES {
            assert!(has_message(&format!("ingest.error.fetch_{code}")), "{code}");
        }
        for code in INGEST_WARNING_CODES {
            assert!(has_message(&format!("ingest.warning.{code}")), "{code}");
            assert!(
                has_message(&format!("ingest.warning_kind.{code}")),
                "{code}"
            );
        }
        for status in ["queued", "running", "done", "failed"] {
            assert!(has_message(&format!("ingest.status.{status}")), "{status}");
        }
    }

    #[test]
    fn ticket_keys_exist() {
        for key in TICKET_KEYS {
            assert!(has_message(key), "{key} missing");
        }
        for state in [
            "submitted",
            "triage",
            "awaiting_response",
            "clarification_needed",
            "accepted",
            "fulfilled",
            "partially_fulfilled",
            "refused",
            "withdrawn",
            "internal_review",
        ] {
            assert!(has_message(&format!("request_state.{state}")), "{state}");
        }
    }
}
