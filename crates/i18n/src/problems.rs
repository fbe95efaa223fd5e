//! Stored problems in words: an ingest error or warning is kept as
//! `{"code", "location", "params"}` with a stable code; this turns it into the reader's language
//! (`<prefix>.<code>` with its parameters, `<prefix>.unknown` for a code this release does not
//! know) and says where it is (`ingest.at_sheet`, `ingest.at_line`, …). The portal pages and the
//! command line both show problems this way.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{Locale, has_message, message};

/// The text of a stored value: strings as they are, numbers and the rest as JSON.
pub fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A Table Schema type in words (`portal.tables.type.<type>`), or as written when unknown.
pub fn type_label(field_type: &str, locale: Locale) -> String {
    let key = format!("portal.tables.type.{field_type}");
    if has_message(&key) {
        message(locale, &key, &[])
    } else {
        field_type.to_string()
    }
}

/// The `params` object of a stored problem as text pairs; a `type` parameter (a Table Schema
/// type) is given in words.
fn params_of(problem: &Value, locale: Locale) -> BTreeMap<String, String> {
    problem
        .get("params")
        .and_then(Value::as_object)
        .map(|params| {
            params
                .iter()
                .map(|(name, value)| {
                    let text = plain(value);
                    let text = if name == "type" {
                        type_label(&text, locale)
                    } else {
                        text
                    };
                    (name.clone(), text)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What a stored problem says, in words: `<prefix>.<code>` with the problem's parameters, or
/// `<prefix>.unknown` with the code for a code this release does not know.
pub fn problem_text(prefix: &str, problem: &Value, locale: Locale) -> String {
    let code = problem.get("code").and_then(Value::as_str).unwrap_or("");
    let params = params_of(problem, locale);
    let key = format!("{prefix}.{code}");
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if has_message(&key) {
        message(locale, &key, &pairs)
    } else {
        pairs.insert(0, ("code", code));
        message(locale, &format!("{prefix}.unknown"), &pairs)
    }
}

/// Where a problem is, in words: "sheet “Dân số”, row 7, column “Nam”"; none when the
/// location is empty (the file as a whole).
pub fn place(location: Option<&Value>, locale: Locale) -> Option<String> {
    let location = location?.as_object()?;
    let parts: Vec<String> = [
        ("sheet", "ingest.at_sheet"),
        ("line", "ingest.at_line"),
        ("row", "ingest.at_row"),
        ("column", "ingest.at_column"),
        ("offset", "ingest.at_offset"),
        ("url", "ingest.at_url"),
    ]
    .iter()
    .filter_map(|(name, key)| {
        let value = plain(location.get(*name)?);
        (!value.is_empty()).then(|| message(locale, key, &[(*name, value.as_str())]))
    })
    .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn known_codes_read_with_their_parameters_and_places() {
        let warning = json!({"code": "row_too_short", "location": {"line": 3},
                             "params": {"expected": 6, "found": 4}});
        let text = problem_text("ingest.warning", &warning, Locale::En);
        assert!(text.contains("(4 instead of 6)"), "{text}");
        assert_eq!(
            place(warning.get("location"), Locale::En).as_deref(),
            Some("line 3 of the file")
        );
        let at = json!({"sheet": "Dân số", "row": 7, "column": "Nam"});
        assert_eq!(
            place(Some(&at), Locale::Vi).as_deref(),
            Some("trang tính «Dân số», hàng 7, cột «Nam»")
        );
        assert_eq!(place(Some(&json!({})), Locale::En), None);
    }

    #[test]
    fn unknown_codes_are_named_not_hidden() {
        let problem = json!({"code": "from_a_later_release", "params": {}});
        let text = problem_text("ingest.warning", &problem, Locale::En);
        assert!(text.contains("from_a_later_release"), "{text}");
    }
}
