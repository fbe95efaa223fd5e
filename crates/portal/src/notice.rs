//! One-line messages shown after a redirect: `?notice=file_added` (it worked) or
//! `?problem=too_large` (it did not). Only codes of fixed lists are shown, with their text from the
//! catalog in the page's language, so a link cannot put words of its own on a page.

use axum::response::Response;
use dulieu_i18n::{Locale, message};
use serde::Deserialize;

use crate::lang::Lang;
use crate::pages::account::see_other;

/// Codes of success messages (`portal.notice.{code}`).
const NOTICES: &[&str] = &[
    "file_added",
    "link_added",
    "file_removed",
    "member_saved",
    "member_removed",
    "token_revoked",
    "notifications_read",
    "notifications_saved",
    "table_schema_saved",
    "table_reingest_queued",
    "quality_rechecked",
    "review_submitted",
    "review_withdrawn",
    "review_approved",
    "review_sent_back",
    "review_published",
    "source_saved",
    "source_deleted",
    "source_new_version",
    "source_unchanged",
    "source_not_modified",
    "harvest_saved",
    "harvest_deleted",
    "harvest_ran",
    "harvest_running",
];

/// Codes of problem messages (`portal.problem.{code}`).
const PROBLEMS: &[&str] = &[
    "missing_file",
    "too_large",
    "title_too_long",
    "upload_interrupted",
    "last_admin",
    "source_run_failed",
    "harvest_run_failed",
];

/// `?notice=` and `?problem=` of a page.
#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    notice: String,
    #[serde(default)]
    problem: String,
}

impl NoticeQuery {
    /// Reads `notice` and `problem` from a raw query string that may hold other parameters
    /// (the last value of each wins).
    pub fn from_query(raw: Option<&str>) -> Self {
        let mut query = Self::default();
        for (name, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            match name.as_ref() {
                "notice" => query.notice = value.into_owned(),
                "problem" => query.problem = value.into_owned(),
                _ => {}
            }
        }
        query
    }

    /// The success message, if the code is a known one.
    pub fn notice(&self, locale: Locale) -> Option<String> {
        NOTICES
            .contains(&self.notice.as_str())
            .then(|| message(locale, &format!("portal.notice.{}", self.notice), &[]))
    }

    /// The problem message, if the code is a known one (`params` fill its placeholders).
    pub fn problem(&self, locale: Locale, params: &[(&str, &str)]) -> Option<String> {
        PROBLEMS
            .contains(&self.problem.as_str())
            .then(|| message(locale, &format!("portal.problem.{}", self.problem), params))
    }
}

/// `path` with `?notice=code` and then `#anchor` (when not empty).
pub fn with_notice(path: &str, code: &'static str, anchor: &str) -> String {
    debug_assert!(NOTICES.contains(&code), "unknown notice {code}");
    with_code(path, "notice", code, anchor)
}

/// `path` with `?problem=code` and then `#anchor` (when not empty).
pub fn with_problem(path: &str, code: &'static str, anchor: &str) -> String {
    debug_assert!(PROBLEMS.contains(&code), "unknown problem {code}");
    with_code(path, "problem", code, anchor)
}

/// A 303 redirect to page `path` (without the language prefix) with `?notice=code`, then
/// `#anchor` (when not empty).
pub fn redirect_with_notice(lang: &Lang, path: &str, code: &'static str, anchor: &str) -> Response {
    see_other(
        &with_notice(&format!("{}{path}", lang.prefix()), code, anchor),
        &[],
    )
}

/// A 303 redirect to page `path` (without the language prefix) with `?problem=code`, then
/// `#anchor` (when not empty).
pub fn redirect_with_problem(
    lang: &Lang,
    path: &str,
    code: &'static str,
    anchor: &str,
) -> Response {
    see_other(
        &with_problem(&format!("{}{path}", lang.prefix()), code, anchor),
        &[],
    )
}

fn with_code(path: &str, name: &str, code: &str, anchor: &str) -> String {
    let fragment = if anchor.is_empty() {
        String::new()
    } else {
        format!("#{anchor}")
    };
    let joiner = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joiner}{name}={code}{fragment}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_codes_are_shown() {
        let known = NoticeQuery {
            notice: "file_added".into(),
            problem: "last_admin".into(),
        };
        assert!(known.notice(Locale::En).is_some());
        assert!(known.problem(Locale::En, &[]).is_some());
        let forged = NoticeQuery {
            notice: "Your account is locked, call 0123".into(),
            problem: "../error.500".into(),
        };
        assert_eq!(forged.notice(Locale::En), None);
        assert_eq!(forged.problem(Locale::Vi, &[]), None);
    }

    #[test]
    fn every_code_has_both_texts() {
        for code in NOTICES {
            assert!(dulieu_i18n::has_message(&format!("portal.notice.{code}")));
        }
        for code in PROBLEMS {
            assert!(dulieu_i18n::has_message(&format!("portal.problem.{code}")));
        }
    }

    #[test]
    fn codes_go_before_the_anchor() {
        assert_eq!(
            with_notice("/en/x", "file_added", "files"),
            "/en/x?notice=file_added#files"
        );
        assert_eq!(
            with_problem("/x", "last_admin", ""),
            "/x?problem=last_admin"
        );
        assert_eq!(
            with_notice("/x?sheet=L%C3%A1", "table_schema_saved", ""),
            "/x?sheet=L%C3%A1&notice=table_schema_saved"
        );
        let read = NoticeQuery::from_query(Some("filters=a&notice=table_reingest_queued&q=x"));
        assert!(read.notice(Locale::En).is_some());
    }
}
