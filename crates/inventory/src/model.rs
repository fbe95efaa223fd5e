//! Inventory items: the vocabularies (sensitivity, priority, effort, status), the item as stored
//! and shown, the writable input and its rules.

use chrono::{DateTime, NaiveDate, Utc};
use dulieu_core::text::LangText;
use dulieu_core::{FieldErrors, Result, vocab};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

dulieu_core::string_enum! {
    /// May the data be released, and on what terms (after Project Open Data's `accessLevel`,
    /// with Vietnam's legal categories).
    Sensitivity {
        /// May be published as open data.
        Public = "public",
        /// Released only under conditions; needs a legal basis.
        Restricted = "restricted",
        /// A state secret; needs a legal basis. Never shown to the public.
        StateSecret = "state_secret",
        /// Contains personal data: needs anonymisation before release.
        PersonalData = "personal_data",
    }
}

dulieu_core::string_enum! {
    /// How soon the item should be published (the recommendations of the 2019 assessment's
    /// Annex C), most urgent first.
    Priority {
        /// Easy to publish and worth it: publish first.
        QuickWin = "quick_win",
        /// High value.
        Priority = "priority",
        /// High value, but needs work first.
        PriorityLongerTerm = "priority_longer_term",
        /// Later.
        LongerTerm = "longer_term",
        /// Little demand or use expected.
        LowValue = "low_value",
    }
}

dulieu_core::string_enum! {
    /// The work needed to publish the item.
    Effort {
        /// Days: the data exists in a usable form.
        Low = "low",
        /// Weeks: cleaning, anonymising or a new export.
        Medium = "medium",
        /// Months: a new system, a legal decision or a large clean-up.
        High = "high",
    }
}

dulieu_core::string_enum! {
    /// Where the item is on its way to publication.
    ItemStatus {
        /// Known to exist.
        Identified = "identified",
        /// Sensitivity, value and effort assessed.
        Assessed = "assessed",
        /// Release decided.
        ApprovedForRelease = "approved_for_release",
        /// Being prepared for publication.
        InPreparation = "in_preparation",
        /// Published: linked to its dataset.
        Published = "published",
        /// Will not be published, with the reason.
        WillNotPublish = "will_not_publish",
    }
}

impl Priority {
    /// The value weight of the class in prioritisation (quick win 5 … low value 1).
    pub fn weight(self) -> u32 {
        match self {
            Priority::QuickWin => 5,
            Priority::Priority => 4,
            Priority::PriorityLongerTerm => 3,
            Priority::LongerTerm => 2,
            Priority::LowValue => 1,
        }
    }
}

impl Effort {
    /// The effort rank (low 1, medium 2, high 3).
    pub fn rank(self) -> u32 {
        match self {
            Effort::Low => 1,
            Effort::Medium => 2,
            Effort::High => 3,
        }
    }
}

impl ItemStatus {
    /// True once the item's fate is decided: published or will not be.
    pub fn is_final(self) -> bool {
        matches!(self, ItemStatus::Published | ItemStatus::WillNotPublish)
    }
}

impl Sensitivity {
    /// True when a legal basis must be cited.
    pub fn needs_legal_basis(self) -> bool {
        matches!(self, Sensitivity::Restricted | Sensitivity::StateSecret)
    }

    /// True when the public may see that the item exists (everything but state secrets).
    pub fn is_listed_publicly(self) -> bool {
        self != Sensitivity::StateSecret
    }
}

/// A national database of Decision 714/QĐ-TTg (22 May 2015), as a system of record: its code,
/// Vietnamese and English names.
pub struct NationalDatabase {
    /// Stable code, usable as `system_of_record`.
    pub code: &'static str,
    /// Name in Vietnamese.
    pub vi: &'static str,
    /// Name in English.
    pub en: &'static str,
}

/// The six priority national databases named in the 2019 assessment (Decision 714/QĐ-TTg).
pub const NATIONAL_DATABASES: &[NationalDatabase] = &[
    NationalDatabase {
        code: "csdlqg-dan-cu",
        vi: "Cơ sở dữ liệu quốc gia về dân cư",
        en: "National population database",
    },
    NationalDatabase {
        code: "csdlqg-dat-dai",
        vi: "Cơ sở dữ liệu quốc gia về đất đai",
        en: "National land database",
    },
    NationalDatabase {
        code: "csdlqg-dang-ky-doanh-nghiep",
        vi: "Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp",
        en: "National business registration database",
    },
    NationalDatabase {
        code: "csdlqg-thong-ke-dan-so",
        vi: "Cơ sở dữ liệu quốc gia về thống kê tổng hợp về dân số",
        en: "National demographic statistics database",
    },
    NationalDatabase {
        code: "csdlqg-tai-chinh",
        vi: "Cơ sở dữ liệu quốc gia về tài chính",
        en: "National financial database",
    },
    NationalDatabase {
        code: "csdlqg-bao-hiem",
        vi: "Cơ sở dữ liệu quốc gia về bảo hiểm",
        en: "National insurance database",
    },
];

/// Demand for an item, computed from the data requests linked to it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Demand {
    /// Data requests linked to the item.
    pub requests: i64,
    /// Votes on those requests.
    pub votes: i64,
}

/// An inventory item as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    /// Stable id.
    pub id: Uuid,
    /// The organization holding the data (slug).
    pub organization: String,
    /// Its id.
    pub organization_id: Uuid,
    /// The writable fields.
    #[serde(flatten)]
    pub fields: ItemInput,
    /// The linked dataset's id (when `fields.dataset` names one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_id: Option<Uuid>,
    /// The day the item became `published` (kept if it is edited later).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_on: Option<NaiveDate>,
    /// Demand from linked data requests (computed).
    pub demand: Demand,
    /// Past its target date and not published (computed for the day it was read).
    pub overdue: bool,
    /// When the item was recorded.
    pub created: DateTime<Utc>,
    /// When it last changed.
    pub modified: DateTime<Utc>,
}

/// The writable fields of an inventory item (create, update, one spreadsheet row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// Title in vi/en (at least one).
    pub title: LangText,
    /// Description in vi/en.
    #[serde(default)]
    pub description: LangText,
    /// The unit inside the organization that owns the data.
    #[serde(default)]
    pub owning_unit: Option<String>,
    /// The system the data lives in: a code of [`NATIONAL_DATABASES`] or free text.
    #[serde(default)]
    pub system_of_record: Option<String>,
    /// Formats the data is held in (upper case: `XLSX`, `PDF`, `ORACLE`…).
    #[serde(default)]
    pub formats: Vec<String>,
    /// How much data (free text: "63 provinces × 10 years", "2 GB").
    #[serde(default)]
    pub volume: Option<String>,
    /// Update frequency (EU frequency code).
    #[serde(default)]
    pub frequency: Option<String>,
    /// Sensitivity.
    pub sensitivity: Sensitivity,
    /// The law that restricts or classifies the data (required for `restricted` and
    /// `state_secret`).
    #[serde(default)]
    pub legal_basis: Option<String>,
    /// Priority class.
    pub priority: Priority,
    /// Estimated effort to publish.
    #[serde(default)]
    pub effort: Option<Effort>,
    /// When the item should be published.
    #[serde(default)]
    pub target_date: Option<NaiveDate>,
    /// Status.
    pub status: ItemStatus,
    /// The published dataset (slug; required when `published`).
    #[serde(default)]
    pub dataset: Option<String>,
    /// Why it will not be published (required when `will_not_publish`).
    #[serde(default)]
    pub reason: Option<String>,
    /// Who is responsible (name or e-mail).
    #[serde(default)]
    pub responsible: Option<String>,
}

/// Longest title, per language.
pub const MAX_TITLE: usize = 500;
/// Longest description, per language.
pub const MAX_DESCRIPTION: usize = 10_000;
/// Longest short text field (unit, system, volume, legal basis, reason, responsible).
pub const MAX_SHORT: usize = 1_000;
/// Most formats per item.
pub const MAX_FORMATS: usize = 20;

impl ItemInput {
    /// A minimal item: identified, public, priority class given.
    pub fn new(title: LangText, priority: Priority) -> Self {
        Self {
            title,
            description: LangText::default(),
            owning_unit: None,
            system_of_record: None,
            formats: Vec::new(),
            volume: None,
            frequency: None,
            sensitivity: Sensitivity::Public,
            legal_basis: None,
            priority,
            effort: None,
            target_date: None,
            status: ItemStatus::Identified,
            dataset: None,
            reason: None,
            responsible: None,
        }
    }

    /// Trims every text, drops empty ones, upper-cases and de-duplicates formats, lower-cases
    /// the frequency; then checks the rules, naming each offending field.
    pub fn normalized(self) -> Result<Self> {
        let short = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let mut formats: Vec<String> = Vec::new();
        for format in self.formats {
            let format = format.trim().trim_start_matches('.').to_uppercase();
            if !format.is_empty() && !formats.contains(&format) {
                formats.push(format);
            }
        }
        let item = Self {
            title: self.title.normalized(),
            description: self.description.normalized(),
            owning_unit: short(self.owning_unit),
            system_of_record: short(self.system_of_record),
            formats,
            volume: short(self.volume),
            frequency: short(self.frequency).map(|f| f.to_lowercase()),
            sensitivity: self.sensitivity,
            legal_basis: short(self.legal_basis),
            priority: self.priority,
            effort: self.effort,
            target_date: self.target_date,
            status: self.status,
            dataset: short(self.dataset),
            reason: short(self.reason),
            responsible: short(self.responsible),
        };
        item.check()?;
        Ok(item)
    }

    fn check(&self) -> Result<()> {
        let mut errors = FieldErrors::new();
        if self.title.is_empty() {
            errors.add("title", "required");
        }
        for (field, text, max) in [
            ("title.vi", &self.title.vi, MAX_TITLE),
            ("title.en", &self.title.en, MAX_TITLE),
            ("description.vi", &self.description.vi, MAX_DESCRIPTION),
            ("description.en", &self.description.en, MAX_DESCRIPTION),
            ("owning_unit", &self.owning_unit, MAX_SHORT),
            ("system_of_record", &self.system_of_record, MAX_SHORT),
            ("volume", &self.volume, MAX_SHORT),
            ("legal_basis", &self.legal_basis, MAX_SHORT),
            ("reason", &self.reason, MAX_SHORT),
            ("responsible", &self.responsible, MAX_SHORT),
        ] {
            if text.as_ref().is_some_and(|t| t.chars().count() > max) {
                errors.add_with(field, "too_long", "max", max);
            }
        }
        if self.formats.len() > MAX_FORMATS {
            errors.add_with("formats", "too_many", "max", MAX_FORMATS);
        }
        if self
            .formats
            .iter()
            .any(|f| f.len() > 20 || !f.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            errors.add("formats", "invalid_format");
        }
        if let Some(frequency) = &self.frequency
            && !vocab::is_frequency(frequency)
        {
            errors.add("frequency", "invalid_frequency");
        }
        if self.sensitivity.needs_legal_basis() && self.legal_basis.is_none() {
            errors.add("legal_basis", "legal_basis_required");
        }
        if self.status == ItemStatus::Published && self.dataset.is_none() {
            errors.add("dataset", "published_needs_dataset");
        }
        if self.status == ItemStatus::WillNotPublish && self.reason.is_none() {
            errors.add("reason", "reason_required");
        }
        if self.status == ItemStatus::Published && self.sensitivity == Sensitivity::StateSecret {
            errors.add("status", "secret_not_publishable");
        }
        errors.into_result()
    }

    /// The title in `lang` (`vi` or `en`), falling back to the other language.
    pub fn title_in(&self, lang: &str) -> &str {
        let (first, second) = if lang == "en" {
            (&self.title.en, &self.title.vi)
        } else {
            (&self.title.vi, &self.title.en)
        };
        first.as_deref().or(second.as_deref()).unwrap_or_default()
    }
}

impl Item {
    /// True when the item's target date is before `today` and it is not published or decided
    /// against.
    pub fn is_overdue_on(&self, today: NaiveDate) -> bool {
        is_overdue(&self.fields, today)
    }
}

/// True when `item`'s target date is before `today` and its fate is not decided.
pub fn is_overdue(item: &ItemInput, today: NaiveDate) -> bool {
    crate::plan::standing(item.status, item.target_date, None, today)
        == crate::plan::Standing::Overdue
}

#[cfg(test)]
mod tests {
    use super::*;
    use dulieu_core::Error;

    fn fields_of(error: Error) -> Vec<String> {
        match error {
            Error::Invalid(errors) => errors.0.keys().cloned().collect(),
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn normalizing_cleans_texts_and_formats() {
        let mut input = ItemInput::new(LangText::new("  Dân số  ", ""), Priority::QuickWin);
        input.formats = vec![" xlsx".into(), ".XLSX".into(), "pdf".into(), " ".into()];
        input.frequency = Some(" Annual ".into());
        input.owning_unit = Some("   ".into());
        let item = input.normalized().unwrap();
        assert_eq!(item.title.vi.as_deref(), Some("Dân số"));
        assert_eq!(item.title.en, None);
        assert_eq!(item.formats, vec!["XLSX", "PDF"]);
        assert_eq!(item.frequency.as_deref(), Some("annual"));
        assert_eq!(item.owning_unit, None);
    }

    #[test]
    fn rules_name_each_offending_field() {
        let mut input = ItemInput::new(LangText::default(), Priority::Priority);
        input.sensitivity = Sensitivity::StateSecret;
        input.status = ItemStatus::Published;
        input.frequency = Some("sometimes".into());
        let fields = fields_of(input.normalized().unwrap_err());
        assert_eq!(
            fields,
            vec!["dataset", "frequency", "legal_basis", "status", "title"]
        );
        let mut input = ItemInput::new(LangText::new("A", "A"), Priority::LowValue);
        input.status = ItemStatus::WillNotPublish;
        assert_eq!(fields_of(input.normalized().unwrap_err()), vec!["reason"]);
    }

    #[test]
    fn overdue_means_late_and_undecided() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 6, d).unwrap();
        let mut input = ItemInput::new(LangText::new("A", "A"), Priority::Priority);
        input.target_date = Some(day(10));
        assert!(!is_overdue(&input, day(10)));
        assert!(is_overdue(&input, day(11)));
        input.status = ItemStatus::WillNotPublish;
        assert!(!is_overdue(&input, day(11)));
        input.target_date = None;
        input.status = ItemStatus::Assessed;
        assert!(!is_overdue(&input, day(11)));
    }

    #[test]
    fn only_state_secrets_are_hidden_and_weights_order_classes() {
        assert!(!Sensitivity::StateSecret.is_listed_publicly());
        assert!(Sensitivity::PersonalData.is_listed_publicly());
        let weights: Vec<u32> = Priority::ALL.iter().map(|p| p.weight()).collect();
        assert_eq!(weights, vec![5, 4, 3, 2, 1]);
    }
}
