//! What the index knows about a dataset: [`SearchDoc`], built from the catalog's types.

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

/// One dataset as the search index sees it. Also stored in the index, so results need no database
/// read.
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
