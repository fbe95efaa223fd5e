//! What the index knows about a dataset: [`SearchDoc`], built from the catalog's types.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use dulieu_core::catalog::{Dataset, Organization};
use dulieu_core::text::LangText;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The publisher of a dataset, as searched and shown in results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Publisher {
    /// Organization id (visibility of non-public datasets).
    pub id: Uuid,
    /// Organization slug.
    pub slug: String,
    /// Name in vi/en.
    pub name: LangText,
    /// Organization kind (`ministry`, `province`, `company`, ...).
    pub kind: String,
    /// `official` or `community`.
    pub provenance: String,
}

/// A code with its label (a theme, a license).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labelled {
    /// Stable code.
    pub code: String,
    /// Label in vi/en.
    pub label: LangText,
}

/// A distribution's searchable text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistributionText {
    /// Title in vi/en.
    pub title: LangText,
    /// Format (upper case, e.g. `CSV`).
    pub format: Option<String>,
}

/// One dataset as the search index sees it (what results show of it is also stored in the index,
/// see [`ShownDoc`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchDoc {
    /// Dataset id.
    pub id: Uuid,
    /// Dataset slug.
    pub slug: String,
    /// Title in vi/en.
    pub title: LangText,
    /// Description in vi/en (Markdown source).
    pub description: LangText,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Publisher.
    pub publisher: Publisher,
    /// Themes with labels.
    pub themes: Vec<Labelled>,
    /// Distributions' titles and formats.
    pub distributions: Vec<DistributionText>,
    /// Area covered.
    pub spatial: Option<String>,
    /// License with its title.
    pub license: Labelled,
    /// Whether the license is open.
    pub license_open: bool,
    /// Update frequency code.
    pub frequency: Option<String>,
    /// Life-cycle status (`draft`, `published`, ...).
    pub status: String,
    /// Access rights (`public`, `restricted`, `non_public`).
    pub access_rights: String,
    /// True when anyone may see it.
    pub public: bool,
    /// Has a start or end of the period covered.
    pub has_temporal: bool,
    /// Has a contact point.
    pub has_contact: bool,
    /// Date of last modification (the dataset's `modified`, else its last change).
    pub modified: NaiveDate,
    /// Usage count (downloads and views), 0 until usage is recorded.
    pub popularity: u64,
    /// The watchdog's 5-star level, once checked.
    #[serde(default)]
    pub stars: Option<u8>,
    /// The watchdog's EU MQA band (`bad` … `excellent`), once checked.
    #[serde(default)]
    pub quality_band: Option<String>,
    /// When the dataset's record was created (CKAN's `metadata_created`).
    #[serde(default)]
    pub created: Option<DateTime<Utc>>,
    /// When the dataset's record last changed (CKAN's `metadata_modified`).
    #[serde(default)]
    pub updated: Option<DateTime<Utc>>,
}

/// What the index stores of a dataset: what a search result shows, so results need no database
/// read. Written from a [`SearchDoc`] (borrowing its text) when indexing, read back owned.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ShownDoc<'a> {
    pub id: Uuid,
    pub slug: Cow<'a, str>,
    pub title: Cow<'a, LangText>,
    pub description: Cow<'a, LangText>,
    pub keywords: Cow<'a, [String]>,
    pub publisher_slug: Cow<'a, str>,
    pub publisher_name: Cow<'a, LangText>,
    pub publisher_kind: Cow<'a, str>,
    pub provenance: Cow<'a, str>,
    /// Theme codes.
    pub themes: Vec<Cow<'a, str>>,
    /// Distinct formats of the distributions.
    pub formats: Vec<String>,
    pub license: Cow<'a, Labelled>,
    pub license_open: bool,
    pub frequency: Option<Cow<'a, str>>,
    pub status: Cow<'a, str>,
    pub access_rights: Cow<'a, str>,
    pub modified: NaiveDate,
}

impl<'a> ShownDoc<'a> {
    /// What the index stores of `doc`.
    pub fn of(doc: &'a SearchDoc) -> Self {
        Self {
            id: doc.id,
            slug: Cow::Borrowed(&doc.slug),
            title: Cow::Borrowed(&doc.title),
            description: Cow::Borrowed(&doc.description),
            keywords: Cow::Borrowed(&doc.keywords),
            publisher_slug: Cow::Borrowed(&doc.publisher.slug),
            publisher_name: Cow::Borrowed(&doc.publisher.name),
            publisher_kind: Cow::Borrowed(&doc.publisher.kind),
            provenance: Cow::Borrowed(&doc.publisher.provenance),
            themes: doc
                .themes
                .iter()
                .map(|t| Cow::Borrowed(t.code.as_str()))
                .collect(),
            formats: doc.formats(),
            license: Cow::Borrowed(&doc.license),
            license_open: doc.license_open,
            frequency: doc.frequency.as_deref().map(Cow::Borrowed),
            status: Cow::Borrowed(&doc.status),
            access_rights: Cow::Borrowed(&doc.access_rights),
            modified: doc.modified,
        }
    }
}

/// Labels of the registers a dataset refers to by code.
#[derive(Debug, Clone, Default)]
pub struct Registers {
    /// Theme labels by code.
    pub themes: HashMap<String, LangText>,
    /// License titles by id.
    pub licenses: HashMap<String, LangText>,
}

impl SearchDoc {
    /// The search view of a dataset published by `publisher`.
    pub fn new(dataset: &Dataset, publisher: &Organization, registers: &Registers) -> Self {
        let label = |map: &HashMap<String, LangText>, code: &str| Labelled {
            code: code.to_string(),
            label: map
                .get(code)
                .cloned()
                .unwrap_or_else(|| LangText::new(code, code)),
        };
        Self {
            id: dataset.id,
            slug: dataset.slug.clone(),
            title: dataset.title.clone(),
            description: dataset.description.clone(),
            keywords: dataset.keywords.clone(),
            publisher: Publisher {
                id: publisher.id,
                slug: publisher.slug.clone(),
                name: publisher.name.clone(),
                kind: publisher.kind.as_str().to_string(),
                provenance: publisher.provenance.as_str().to_string(),
            },
            themes: dataset
                .themes
                .iter()
                .map(|code| label(&registers.themes, code))
                .collect(),
            distributions: dataset
                .distributions
                .iter()
                .map(|d| DistributionText {
                    title: d.title.clone(),
                    format: d.format.as_ref().map(|f| f.to_uppercase()),
                })
                .collect(),
            spatial: dataset.spatial.clone(),
            license: label(&registers.licenses, &dataset.license),
            license_open: dataset.license_open,
            frequency: dataset.frequency.clone(),
            status: dataset.status.as_str().to_string(),
            access_rights: dataset.access_rights.as_str().to_string(),
            public: dataset.is_public(),
            has_temporal: dataset
                .temporal
                .as_ref()
                .is_some_and(|t| t.start.is_some() || t.end.is_some()),
            has_contact: dataset.contact_point.is_some(),
            modified: dataset
                .modified
                .unwrap_or_else(|| dataset.updated_at.date_naive()),
            popularity: 0,
            stars: None,
            quality_band: None,
            created: Some(dataset.created_at),
            updated: Some(dataset.updated_at),
        }
    }

    /// Distinct formats of the distributions.
    pub fn formats(&self) -> Vec<String> {
        let mut formats: Vec<String> = self
            .distributions
            .iter()
            .filter_map(|d| d.format.clone())
            .collect();
        formats.sort();
        formats.dedup();
        formats
    }

    /// Share (0 to 1) of the descriptive metadata users rely on that is present: an English title,
    /// a description of at least 100 characters, keywords, themes, a distribution, an update
    /// frequency, the area and the period covered, and a contact point.
    pub fn completeness(&self) -> f64 {
        let description_len = self.description.get("vi").map_or(0, |d| d.chars().count());
        let checks = [
            self.title.en.is_some(),
            description_len >= 100,
            !self.keywords.is_empty(),
            !self.themes.is_empty(),
            !self.distributions.is_empty(),
            self.frequency.is_some(),
            self.spatial.is_some(),
            self.has_temporal,
            self.has_contact,
        ];
        checks.iter().filter(|c| **c).count() as f64 / checks.len() as f64
    }

    /// The static part of the relevance multiplier (see [`crate::rank`]).
    pub fn quality_boost(&self) -> f64 {
        crate::rank::quality_boost(
            self.publisher.provenance == "official",
            self.license_open,
            self.completeness(),
        )
    }

    /// Seconds since the epoch of the modification date (midnight UTC).
    pub fn modified_timestamp(&self) -> i64 {
        self.modified.and_time(NaiveTime::MIN).and_utc().timestamp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_reads_back_what_the_index_stored() {
        let labelled = |code: &str| Labelled {
            code: code.into(),
            label: LangText::new(format!("{code} vi"), format!("{code} en")),
        };
        let doc = SearchDoc {
            id: Uuid::from_u128(7),
            slug: "ngan-sach-2024".into(),
            title: LangText::new("Ngân sách 2024", "Budget 2024"),
            description: LangText::new("Thu chi ngân sách", "Revenue and spending"),
            keywords: vec!["ngân sách".into(), "thuế".into()],
            publisher: Publisher {
                id: Uuid::from_u128(9),
                slug: "bo-tai-chinh".into(),
                name: LangText::new("Bộ Tài chính", "Ministry of Finance"),
                kind: "ministry".into(),
                provenance: "official".into(),
            },
            themes: vec![labelled("ECON"), labelled("GOVE")],
            distributions: ["CSV", "XLSX", "CSV"]
                .into_iter()
                .map(|f| DistributionText {
                    title: LangText::new("Tệp", "File"),
                    format: Some(f.into()),
                })
                .chain([DistributionText {
                    title: LangText::new("API", "API"),
                    format: None,
                }])
                .collect(),
            spatial: Some("Hà Nội".into()),
            license: labelled("CC-BY-4.0"),
            license_open: true,
            frequency: Some("annual".into()),
            status: "published".into(),
            access_rights: "public".into(),
            public: true,
            has_temporal: true,
            has_contact: false,
            modified: NaiveDate::from_ymd_opt(2024, 5, 1).expect("a date"),
            popularity: 3,
            stars: Some(4),
            quality_band: Some("good".into()),
            created: None,
            updated: None,
        };
        let json = serde_json::to_string(&ShownDoc::of(&doc)).expect("serialized");
        let shown: ShownDoc = serde_json::from_str(&json).expect("read back");
        assert!(matches!(shown.slug, Cow::Owned(_)), "read back owned");
        assert_eq!(shown.id, doc.id);
        assert_eq!(shown.slug, doc.slug);
        assert_eq!(*shown.title, doc.title);
        assert_eq!(*shown.description, doc.description);
        assert_eq!(*shown.keywords, doc.keywords);
        assert_eq!(shown.publisher_slug, doc.publisher.slug);
        assert_eq!(*shown.publisher_name, doc.publisher.name);
        assert_eq!(shown.publisher_kind, doc.publisher.kind);
        assert_eq!(shown.provenance, doc.publisher.provenance);
        assert_eq!(shown.themes, ["ECON", "GOVE"]);
        assert_eq!(shown.formats, ["CSV", "XLSX"]);
        assert_eq!(*shown.license, doc.license);
        assert!(shown.license_open);
        assert_eq!(shown.frequency.as_deref(), Some("annual"));
        assert_eq!(
            (shown.status.as_ref(), shown.access_rights.as_ref()),
            ("published", "public")
        );
        assert!(
            !json.contains("Hà Nội") && !json.contains("Tệp"),
            "what results do not show is not stored: {json}"
        );
        assert_eq!(shown.modified, doc.modified);
    }
}
