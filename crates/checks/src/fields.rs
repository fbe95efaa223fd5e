//! The metadata fields a profile can require or recommend, and whether a dataset or a
//! distribution fills each in. Names follow the catalog's fields; `distribution.*` fields are
//! checked on every distribution. The DCAT-AP property each stands for is in its doc comment.

use dulieu_core::catalog::{Dataset, Distribution};
use dulieu_core::text::LangText;

use crate::profile::Profile;

dulieu_core::string_enum! {
    /// A metadata field the profile can ask for. Labels: `check.field.<name>`.
    MetadataField {
        /// `dct:title` (either language).
        Title = "title",
        /// `dct:title` in English.
        TitleEn = "title_en",
        /// `dct:description` (either language).
        Description = "description",
        /// `dct:description` in English.
        DescriptionEn = "description_en",
        /// `dct:publisher`.
        Publisher = "publisher",
        /// `dcat:contactPoint` (a name or an e-mail).
        ContactPoint = "contact_point",
        /// `dcat:keyword`.
        Keywords = "keywords",
        /// `dcat:theme`.
        Themes = "themes",
        /// `dct:license` (an id other than the profile's "no license" ids).
        License = "license",
        /// `dct:temporal` (a start or an end).
        Temporal = "temporal",
        /// `dct:spatial`.
        Spatial = "spatial",
        /// `dct:accrualPeriodicity`.
        Frequency = "frequency",
        /// `dct:issued`.
        Issued = "issued",
        /// `dct:modified`.
        Modified = "modified",
        /// `dcat:version`.
        Version = "version",
        /// `dcat:distribution` (at least one).
        Distributions = "distributions",
        /// `dcat:accessURL`.
        DistributionUrl = "distribution.url",
        /// `dct:title` of the distribution.
        DistributionTitle = "distribution.title",
        /// `dct:description` of the distribution.
        DistributionDescription = "distribution.description",
        /// `dct:format`.
        DistributionFormat = "distribution.format",
        /// `dcat:mediaType`.
        DistributionMediaType = "distribution.media_type",
        /// `dct:license` of the distribution (its own or the dataset's).
        DistributionLicense = "distribution.license",
        /// `dcat:byteSize`.
        DistributionByteSize = "distribution.byte_size",
        /// `dct:issued` of the distribution.
        DistributionIssued = "distribution.issued",
        /// `dct:modified` of the distribution.
        DistributionModified = "distribution.modified",
    }
}

impl MetadataField {
    /// True for fields checked on each distribution.
    pub fn is_distribution_field(self) -> bool {
        self.as_str().starts_with("distribution.")
    }

    /// The catalog key of the field's label.
    pub fn label_key(self) -> String {
        format!("check.field.{}", self.as_str())
    }

    /// True when the dataset fills in this dataset-level field (distribution fields: false).
    pub fn is_filled_in(self, profile: &Profile, dataset: &Dataset) -> bool {
        match self {
            Self::Title => !dataset.title.is_empty(),
            Self::TitleEn => has_text(dataset.title.en.as_deref()),
            Self::Description => !dataset.description.is_empty(),
            Self::DescriptionEn => has_text(dataset.description.en.as_deref()),
            Self::Publisher => !dataset.publisher.trim().is_empty(),
            Self::ContactPoint => dataset
                .contact_point
                .as_ref()
                .is_some_and(|c| has_text(c.name.as_deref()) || has_text(c.email.as_deref())),
            Self::Keywords => dataset.keywords.iter().any(|k| !k.trim().is_empty()),
            Self::Themes => !dataset.themes.is_empty(),
            Self::License => profile.licenses.is_present(&dataset.license),
            Self::Temporal => dataset
                .temporal
                .as_ref()
                .is_some_and(|t| t.start.is_some() || t.end.is_some()),
            Self::Spatial => has_text(dataset.spatial.as_deref()),
            Self::Frequency => has_text(dataset.frequency.as_deref()),
            Self::Issued => dataset.issued.is_some(),
            Self::Modified => dataset.modified.is_some(),
            Self::Version => has_text(dataset.version.as_deref()),
            Self::Distributions => !dataset.distributions.is_empty(),
            _ => false,
        }
    }

    /// True when the distribution fills in this distribution-level field (dataset fields: false).
    pub fn is_filled_in_distribution(self, profile: &Profile, distribution: &Distribution) -> bool {
        match self {
            Self::DistributionUrl => !distribution.url.trim().is_empty(),
            Self::DistributionTitle => !distribution.title.is_empty(),
            Self::DistributionDescription => !distribution.description.is_empty(),
            Self::DistributionFormat => has_text(distribution.format.as_deref()),
            Self::DistributionMediaType => has_text(distribution.media_type.as_deref()),
            Self::DistributionLicense => profile.licenses.is_present(&distribution.license),
            Self::DistributionByteSize => distribution.byte_size.is_some(),
            Self::DistributionIssued => distribution.issued.is_some(),
            Self::DistributionModified => distribution.modified.is_some(),
            _ => false,
        }
    }
}

fn has_text(text: Option<&str>) -> bool {
    text.is_some_and(|t| !t.trim().is_empty())
}

/// How many characters the longer language of a bilingual text has.
pub(crate) fn longest_text_chars(text: &LangText) -> usize {
    [text.vi.as_deref(), text.en.as_deref()]
        .into_iter()
        .flatten()
        .map(|t| t.trim().chars().count())
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{dataset, distribution};

    #[test]
    fn dataset_fields() {
        let profile = Profile::default_profile();
        let mut d = dataset();
        assert!(MetadataField::Title.is_filled_in(&profile, &d));
        assert!(!MetadataField::TitleEn.is_filled_in(&profile, &d));
        d.spatial = None;
        assert!(!MetadataField::Spatial.is_filled_in(&profile, &d));
        d.spatial = Some("  ".into());
        assert!(!MetadataField::Spatial.is_filled_in(&profile, &d));
        d.spatial = Some("Hà Nội".into());
        assert!(MetadataField::Spatial.is_filled_in(&profile, &d));
        d.license = "none".into();
        assert!(!MetadataField::License.is_filled_in(&profile, &d));
        assert!(!MetadataField::DistributionUrl.is_filled_in(&profile, &d));
    }

    #[test]
    fn distribution_fields() {
        let profile = Profile::default_profile();
        let mut dist = distribution("CSV");
        assert!(MetadataField::DistributionFormat.is_filled_in_distribution(&profile, &dist));
        assert!(!MetadataField::DistributionByteSize.is_filled_in_distribution(&profile, &dist));
        dist.format = None;
        assert!(!MetadataField::DistributionFormat.is_filled_in_distribution(&profile, &dist));
        assert!(!MetadataField::Title.is_filled_in_distribution(&profile, &dist));
        assert!(MetadataField::DistributionUrl.is_distribution_field());
        assert!(!MetadataField::Keywords.is_distribution_field());
    }

    #[test]
    fn longest_text() {
        assert_eq!(longest_text_chars(&LangText::new("abc", "abcdef")), 6);
        assert_eq!(longest_text_chars(&LangText::default()), 0);
    }
}
