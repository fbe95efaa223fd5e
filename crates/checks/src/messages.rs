//! Every text key the checks and scores use, for the pages and for the catalog's tests:
//! each rule's messages with their parameters, and the labels of fields, severities, kinds of
//! personal data, score bands, indicators and levels.

use crate::finding::Rule;

/// Every message a rule reports: the rule, the variant (key `check.<rule>.<variant>`) and the
/// parameters it fills in.
pub const MESSAGES: &[(Rule, &str, &[&str])] = &[
    (Rule::LicensePresent, "missing", &[]),
    (Rule::LicenseOpen, "not_open", &["license"]),
    (Rule::LicenseOpen, "distribution_not_open", &["license"]),
    (Rule::FormatOpen, "closed", &["format"]),
    (Rule::FormatOpen, "missing", &[]),
    (
        Rule::FormatMachineReadable,
        "not_machine_readable",
        &["format"],
    ),
    (Rule::FormatMachineReadable, "missing", &[]),
    (
        Rule::FormatMatchesContent,
        "mismatch",
        &["declared", "found"],
    ),
    (Rule::FormatMatchesContent, "empty", &[]),
    (Rule::StarsDataset, "below", &["stars", "minimum"]),
    (Rule::MetadataMandatory, "missing", &["count", "fields"]),
    (Rule::MetadataRecommended, "missing", &["count", "fields"]),
    (
        Rule::TimelinessFrequency,
        "late",
        &["frequency", "last_update", "due", "days_late"],
    ),
    (Rule::TimelinessFrequency, "no_date", &["frequency"]),
    (
        Rule::LinksAvailable,
        "http_status",
        &["status", "failures", "since"],
    ),
    (
        Rule::LinksAvailable,
        "error",
        &["error", "failures", "since"],
    ),
    (
        Rule::PullSucceeds,
        "failing",
        &["failures", "since", "error"],
    ),
    (Rule::TablesValid, "failed", &["code"]),
    (Rule::TablesValid, "schema_violations", &["count", "tables"]),
    (Rule::TablesNotEmpty, "empty", &["count", "tables"]),
    (Rule::TablesNotEmpty, "no_tables", &[]),
    (Rule::PiiExposure, "found", &["count", "columns", "kinds"]),
];

/// Every label key: severities, metadata fields, kinds of personal data, MQA bands, dimensions
/// and indicators, udata criteria, GODI questions and classes, ODI levels and requirements.
pub fn label_keys() -> Vec<String> {
    use crate::scores::{godi, mqa, odi, udata};
    let mut keys: Vec<String> = crate::finding::Severity::ALL
        .iter()
        .map(|s| s.label_key())
        .collect();
    keys.extend(
        crate::fields::MetadataField::ALL
            .iter()
            .map(|f| f.label_key()),
    );
    keys.extend(
        crate::pii::PiiKind::ALL
            .iter()
            .map(|k| format!("check.pii.kind.{k}")),
    );
    let groups: [(&str, &[&str]); 8] = [
        ("check.mqa.band", mqa::BANDS),
        ("check.mqa.dimension", mqa::DIMENSIONS),
        ("check.mqa", mqa::INDICATORS),
        ("check.udata", udata::CRITERIA),
        ("check.godi", godi::QUESTIONS),
        ("check.godi.class", godi::CLASSES),
        ("check.odi.level", odi::LEVELS),
        ("check.odi.requirement", odi::REQUIREMENTS),
    ];
    for (prefix, names) in groups {
        keys.extend(names.iter().map(|n| format!("{prefix}.{n}")));
    }
    keys
}

/// Every key: each rule's title, fix and messages, and [`label_keys`].
pub fn all_keys() -> Vec<String> {
    let mut keys = Vec::new();
    for rule in Rule::ALL {
        keys.push(rule.title_key());
        keys.push(rule.fix_key());
        keys.extend(
            MESSAGES
                .iter()
                .filter(|(r, _, _)| r == rule)
                .map(|(r, variant, _)| r.message_key(variant)),
        );
    }
    keys.extend(label_keys());
    keys
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use dulieu_i18n::{Locale, lookup};

    use super::*;

    fn placeholders(text: &str) -> BTreeSet<String> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
            .collect()
    }

    #[test]
    fn every_key_has_vietnamese_and_english_text() {
        for key in all_keys() {
            for locale in [Locale::Vi, Locale::En] {
                assert!(lookup(locale, &key).is_some(), "{key} has no {locale} text");
            }
        }
    }

    #[test]
    fn messages_use_only_their_parameters() {
        for (rule, variant, params) in MESSAGES {
            let key = rule.message_key(variant);
            for locale in [Locale::Vi, Locale::En] {
                let text = lookup(locale, &key).unwrap_or_default();
                for name in placeholders(text) {
                    assert!(
                        params.contains(&name.as_str()),
                        "{key} ({locale}) uses {{{name}}}"
                    );
                }
            }
        }
        for key in label_keys() {
            let text = lookup(Locale::En, &key).unwrap_or_default();
            assert!(placeholders(text).is_empty(), "{key} is a label");
        }
    }

    #[test]
    fn every_rule_has_a_message() {
        for rule in Rule::ALL {
            assert!(MESSAGES.iter().any(|(r, _, _)| r == rule), "{rule}");
        }
    }
}
