//! The EU Metadata Quality Assessment (data.europa.eu MQA): 23 indicators in five dimensions,
//! 405 points at most, rated in bands.
//!
//! | dimension | indicator | how it is scored here | max |
//! |---|---|---|---|
//! | findability | keyword usage | keywords given | 30 |
//! | | categories | themes given | 30 |
//! | | geo search | spatial coverage given | 20 |
//! | | time based search | temporal coverage (start or end) given | 20 |
//! | accessibility | AccessURL accessibility | share of distributions whose URL answered its latest check (never checked counts as answering, as in udata) | 50 |
//! | | DownloadURL | share of distributions with a download URL (uploads, and remote files that are not web pages) | 20 |
//! | | DownloadURL accessibility | share of distributions with a download URL that answered | 30 |
//! | interoperability | format | format declared | 20 |
//! | | media type | media type declared | 10 |
//! | | format / media type from vocabulary | the declared format or media type is in the profile's formats | 10 |
//! | | non-proprietary | the judged format is open | 20 |
//! | | machine readable | the judged format is machine-readable | 20 |
//! | | DCAT-AP compliance | DCAT-AP 3 mandatory properties present (dataset title and description, every distribution's access URL): what the SHACL shapes check on catalog data whose types the model already enforces | 30 |
//! | reusability | license information | share of distributions with a license | 20 |
//! | | license vocabulary | share of distributions whose license is in the register | 10 |
//! | | access restrictions | access rights given (always: the model requires them) | 10 |
//! | | access restrictions vocabulary | from the EU access-right vocabulary (always: public, restricted, non-public) | 5 |
//! | | contact point | a name or e-mail | 20 |
//! | | publisher | publisher given | 10 |
//! | contextuality | rights | `dct:rights` is not in the model: 0 | 5 |
//! | | file size | share of distributions with a byte size | 5 |
//! | | date of issue | issue date on the dataset or a distribution | 5 |
//! | | modification date | modification date on the dataset or a distribution | 5 |
//!
//! Distribution indicators score the share of distributions meeting them × the points
//! (0.5 × 20 = 10); the five format indicators of interoperability are taken from the single
//! distribution scoring best on them, as the MQA does. A dataset without distributions scores 0
//! on every distribution indicator. Bands: Excellent 351–405, Good 221–350, Sufficient 121–220,
//! Bad 0–120 (a total between two bands, 350.5, takes the lower).

use serde::{Deserialize, Serialize};

use super::{round2, share};
use crate::assess::{Assessment, DistributionAssessment};
use crate::fields::MetadataField;

/// The most points.
pub const MAX_POINTS: u32 = 405;

/// The rating names, worst first.
pub const BANDS: &[&str] = &["bad", "sufficient", "good", "excellent"];

/// The dimension names.
pub const DIMENSIONS: &[&str] = &[
    "findability",
    "accessibility",
    "interoperability",
    "reusability",
    "contextuality",
];

/// The indicator ids, in the order of [`MqaScore::indicators`].
pub const INDICATORS: &[&str] = &[
    "keyword_usage",
    "categories",
    "geo_search",
    "time_based_search",
    "access_url_accessibility",
    "download_url",
    "download_url_accessibility",
    "format",
    "media_type",
    "format_media_type_vocabulary",
    "non_proprietary",
    "machine_readable",
    "dcat_ap_compliance",
    "license_information",
    "license_vocabulary",
    "access_restrictions",
    "access_restrictions_vocabulary",
    "contact_point",
    "publisher",
    "rights",
    "file_size",
    "date_of_issue",
    "modification_date",
];

/// The DCAT-AP 3 mandatory properties (Dataset `dct:title`, `dct:description`; Distribution
/// `dcat:accessURL`).
const DCAT_AP_MANDATORY: &[MetadataField] = &[
    MetadataField::Title,
    MetadataField::Description,
    MetadataField::DistributionUrl,
];

/// The MQA score of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MqaScore {
    /// Points, 0 to 405 (two decimals).
    pub points: f64,
    /// The rating.
    pub band: MqaBand,
    /// Every indicator with its points.
    pub indicators: Vec<MqaIndicator>,
}

impl MqaScore {
    /// The points of one dimension.
    pub fn dimension_points(&self, dimension: MqaDimension) -> f64 {
        round2(
            self.indicators
                .iter()
                .filter(|i| i.dimension == dimension)
                .map(|i| i.points)
                .sum(),
        )
    }
}

/// One indicator's points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MqaIndicator {
    /// Indicator id (`keyword_usage`, `access_url_accessibility` …); label `check.mqa.<id>`.
    pub id: String,
    /// Its dimension.
    pub dimension: MqaDimension,
    /// Points earned (two decimals).
    pub points: f64,
    /// Points possible.
    pub max: u32,
}

/// The five MQA dimensions (labels `check.mqa.dimension.<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MqaDimension {
    /// 100 points.
    Findability,
    /// 100 points.
    Accessibility,
    /// 110 points.
    Interoperability,
    /// 75 points.
    Reusability,
    /// 20 points.
    Contextuality,
}

/// The MQA rating (labels `check.mqa.band.<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MqaBand {
    /// 0–120.
    Bad,
    /// 121–220.
    Sufficient,
    /// 221–350.
    Good,
    /// 351–405.
    Excellent,
}

impl MqaBand {
    /// The band of a total.
    pub fn of(points: f64) -> Self {
        if points >= 351.0 {
            MqaBand::Excellent
        } else if points >= 221.0 {
            MqaBand::Good
        } else if points >= 121.0 {
            MqaBand::Sufficient
        } else {
            MqaBand::Bad
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            MqaBand::Bad => "bad",
            MqaBand::Sufficient => "sufficient",
            MqaBand::Good => "good",
            MqaBand::Excellent => "excellent",
        }
    }
}

/// Scores a dataset.
pub(crate) fn score(a: &Assessment) -> MqaScore {
    use MqaDimension::*;
    let dataset = &a.facts.dataset;
    let profile = a.profile;
    let dists = &a.distributions;
    let yes = |test: bool| if test { 1.0 } else { 0.0 };
    let filled = |field: MetadataField| yes(field.is_filled_in(profile, dataset));
    let interop = best_interoperability(a);
    let dcat_ap = DCAT_AP_MANDATORY.iter().all(|f| {
        if f.is_distribution_field() {
            dists
                .iter()
                .all(|d| f.is_filled_in_distribution(profile, d.distribution))
        } else {
            f.is_filled_in(profile, dataset)
        }
    });
    let any_date = |dataset_has: bool, distribution_has: fn(&DistributionAssessment) -> bool| {
        yes(dataset_has || dists.iter().any(distribution_has))
    };
    let indicators: Vec<(&str, MqaDimension, f64, u32)> = vec![
        (
            "keyword_usage",
            Findability,
            filled(MetadataField::Keywords),
            30,
        ),
        ("categories", Findability, filled(MetadataField::Themes), 30),
        (
            "geo_search",
            Findability,
            filled(MetadataField::Spatial),
            20,
        ),
        (
            "time_based_search",
            Findability,
            filled(MetadataField::Temporal),
            20,
        ),
        (
            "access_url_accessibility",
            Accessibility,
            share(dists, |d| d.link.is_available()),
            50,
        ),
        (
            "download_url",
            Accessibility,
            share(dists, |d| d.download_url),
            20,
        ),
        (
            "download_url_accessibility",
            Accessibility,
            share(dists, |d| d.download_url && d.link.is_available()),
            30,
        ),
        ("format", Interoperability, interop[0], 20),
        ("media_type", Interoperability, interop[1], 10),
        (
            "format_media_type_vocabulary",
            Interoperability,
            interop[2],
            10,
        ),
        ("non_proprietary", Interoperability, interop[3], 20),
        ("machine_readable", Interoperability, interop[4], 20),
        ("dcat_ap_compliance", Interoperability, yes(dcat_ap), 30),
        (
            "license_information",
            Reusability,
            share(dists, |d| d.license_present),
            20,
        ),
        (
            "license_vocabulary",
            Reusability,
            share(dists, |d| {
                d.license_present && profile.licenses.is_known(&d.distribution.license)
            }),
            10,
        ),
        ("access_restrictions", Reusability, 1.0, 10),
        ("access_restrictions_vocabulary", Reusability, 1.0, 5),
        (
            "contact_point",
            Reusability,
            filled(MetadataField::ContactPoint),
            20,
        ),
        (
            "publisher",
            Reusability,
            filled(MetadataField::Publisher),
            10,
        ),
        ("rights", Contextuality, 0.0, 5),
        (
            "file_size",
            Contextuality,
            share(dists, |d| d.distribution.byte_size.is_some()),
            5,
        ),
        (
            "date_of_issue",
            Contextuality,
            any_date(dataset.issued.is_some(), |d| {
                d.distribution.issued.is_some()
            }),
            5,
        ),
        (
            "modification_date",
            Contextuality,
            any_date(dataset.modified.is_some(), |d| {
                d.distribution.modified.is_some()
            }),
            5,
        ),
    ];
    let indicators: Vec<MqaIndicator> = indicators
        .into_iter()
        .map(|(id, dimension, fraction, max)| MqaIndicator {
            id: id.to_string(),
            dimension,
            points: round2(fraction * max as f64),
            max,
        })
        .collect();
    let points = round2(indicators.iter().map(|i| i.points).sum());
    MqaScore {
        points,
        band: MqaBand::of(points),
        indicators,
    }
}

/// The five format indicators (format, media type, vocabulary, non-proprietary, machine
/// readable) of the distribution scoring best on them, as fractions (0 or 1).
fn best_interoperability(a: &Assessment) -> [f64; 5] {
    const POINTS: [f64; 5] = [20.0, 10.0, 10.0, 20.0, 20.0];
    let profile = a.profile;
    a.distributions
        .iter()
        .map(|d| {
            let declared = d.format.declared.as_deref();
            let media_type = d
                .distribution
                .media_type
                .as_deref()
                .filter(|m| !m.trim().is_empty());
            let from_vocabulary = declared.is_some_and(|f| profile.format(f).is_some())
                || media_type.is_some_and(|m| profile.knows_media_type(m));
            [
                declared.is_some(),
                media_type.is_some(),
                from_vocabulary,
                d.format.open,
                d.format.machine_readable,
            ]
            .map(|met| if met { 1.0 } else { 0.0 })
        })
        .max_by(|x, y| {
            let total = |v: &[f64; 5]| v.iter().zip(POINTS).map(|(f, p)| f * p).sum::<f64>();
            total(x).total_cmp(&total(y))
        })
        .unwrap_or([0.0; 5])
}

#[cfg(test)]
mod tests;
