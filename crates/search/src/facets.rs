//! Facets: declared once in [`FACETS`], each becomes a filter field and a counted column.
//!
//! Adding a facet (the watchdog's star rating, say) is one [`FacetDef`] line: a name and a function
//! from the [`SearchDoc`] to its values. The schema, the filters, the counts and the API's
//! validation of `facets=` and `filters=` all follow from this list.

use dulieu_core::text::LangText;
use serde::Serialize;

use crate::SearchDoc;
use crate::analyzer::normalize;

/// One value of a facet on a document.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetValue {
    /// The value filtered on (a slug or a code).
    pub value: String,
    /// Its label, when the code alone is not for people.
    pub label: Option<LangText>,
}

impl FacetValue {
    fn plain(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: None,
        }
    }

    fn labelled(value: impl Into<String>, label: &LangText) -> Self {
        Self {
            value: value.into(),
            label: Some(label.clone()),
        }
    }
}

/// A facet: its name in the API and how to read its values off a document.
pub struct FacetDef {
    /// Name in `facets=` and `filters=`.
    pub name: &'static str,
    /// The document's values.
    pub values: fn(&SearchDoc) -> Vec<FacetValue>,
    /// A filter value as the index stores it (`csv` → `CSV`), so filters match however typed.
    pub filter_value: fn(&str) -> String,
}

fn as_is(value: &str) -> String {
    value.trim().to_string()
}

fn lower(value: &str) -> String {
    value.trim().to_lowercase()
}

/// Every facet, in the order results list them.
pub const FACETS: &[FacetDef] = &[
    FacetDef {
        name: "organization",
        values: |d| vec![FacetValue::labelled(&d.publisher.slug, &d.publisher.name)],
        filter_value: lower,
    },
    FacetDef {
        name: "organization_kind",
        values: |d| vec![FacetValue::plain(&d.publisher.kind)],
        filter_value: lower,
    },
    FacetDef {
        name: "provenance",
        values: |d| vec![FacetValue::plain(&d.publisher.provenance)],
        filter_value: lower,
    },
    FacetDef {
        name: "format",
        values: |d| d.formats().into_iter().map(FacetValue::plain).collect(),
        filter_value: |v| v.trim().to_uppercase(),
    },
    FacetDef {
        name: "license",
        values: |d| vec![FacetValue::labelled(&d.license.code, &d.license.label)],
        filter_value: as_is,
    },
    FacetDef {
        name: "open_license",
        values: |d| vec![FacetValue::plain(if d.license_open { "yes" } else { "no" })],
        filter_value: lower,
    },
    FacetDef {
        name: "theme",
        values: |d| {
            d.themes
                .iter()
                .map(|t| FacetValue::labelled(&t.code, &t.label))
                .collect()
        },
        filter_value: as_is,
    },
    FacetDef {
        name: "keyword",
        values: |d| {
            let mut keywords: Vec<String> = d.keywords.iter().map(|k| keyword_value(k)).collect();
            keywords.sort();
            keywords.dedup();
            keywords.into_iter().map(FacetValue::plain).collect()
        },
        filter_value: keyword_value,
    },
    FacetDef {
        name: "frequency",
        values: |d| d.frequency.iter().map(FacetValue::plain).collect(),
        filter_value: lower,
    },
    FacetDef {
        name: "stars",
        values: |d| {
            d.stars
                .iter()
                .map(|s| FacetValue::plain(s.to_string()))
                .collect()
        },
        filter_value: as_is,
    },
    FacetDef {
        name: "quality",
        values: |d| d.quality_band.iter().map(FacetValue::plain).collect(),
        filter_value: lower,
    },
];

/// The facet named `name`.
pub fn facet(name: &str) -> Option<&'static FacetDef> {
    FACETS.iter().find(|f| f.name == name)
}

/// The filter value of a keyword: NFC, trimmed, lower case.
pub fn keyword_value(keyword: &str) -> String {
    normalize(keyword.trim()).to_lowercase()
}

/// Name of the indexed field a facet filters on.
pub(crate) fn filter_field(name: &str) -> String {
    format!("filter_{name}")
}

/// Name of the fast column a facet is counted from.
pub(crate) fn count_column(name: &str) -> String {
    format!("count_{name}")
}

const SEPARATOR: char = '\u{1f}';

/// The column entry of a value: the value and its labels, so counts come back labelled.
pub(crate) fn column_entry(value: &FacetValue) -> String {
    let (vi, en) = value
        .label
        .as_ref()
        .map_or((None, None), |l| (l.vi.as_deref(), l.en.as_deref()));
    format!(
        "{}{SEPARATOR}{}{SEPARATOR}{}",
        value.value,
        vi.unwrap_or_default(),
        en.unwrap_or_default()
    )
}

pub(crate) fn parse_entry(entry: &str) -> (String, Option<LangText>) {
    let mut parts = entry.split(SEPARATOR);
    let value = parts.next().unwrap_or_default().to_string();
    let some = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
    let label = LangText {
        vi: some(parts.next()),
        en: some(parts.next()),
    };
    (value, (!label.is_empty()).then_some(label))
}

/// A facet value with the number of matching datasets.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetBucket {
    /// The value to filter on.
    pub value: String,
    /// Its label, for values that are codes or slugs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<LangText>,
    /// Matching datasets with this value.
    pub count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_carry_labels_both_ways() {
        let value = FacetValue::labelled(
            "bo-tai-chinh",
            &LangText::new("Bộ Tài chính", "Ministry of Finance"),
        );
        let (v, label) = parse_entry(&column_entry(&value));
        assert_eq!(v, "bo-tai-chinh");
        assert_eq!(label.unwrap().en.as_deref(), Some("Ministry of Finance"));
        let (v, label) = parse_entry(&column_entry(&FacetValue::plain("CSV")));
        assert_eq!((v.as_str(), label), ("CSV", None));
    }

    #[test]
    fn facet_names_are_unique() {
        let mut names: Vec<&str> = FACETS.iter().map(|f| f.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FACETS.len());
        assert!(facet("organization").is_some() && facet("nope").is_none());
    }
}
