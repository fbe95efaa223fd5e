//! The Global Open Data Index (OKFN, 2016/17 edition) per-dataset questions, out of 100:
//!
//! | question | points | how it is answered here |
//! |---|---|---|
//! | available online without registration | 15 | the dataset is published with public access rights |
//! | free of charge | 15 | the same: the portal serves public data free of charge |
//! | downloadable at once (bulk) | 15 | some distribution has a download URL that answers |
//! | up to date | 15 | a date of last change exists and `timeliness.frequency` found nothing |
//! | openly licensed | 20 | the dataset's license is open under the profile |
//! | open and machine-readable format | 20 | some distribution is in an open, machine-readable format |
//!
//! Result classes: open data (100 points), data gap (no distribution), access-controlled (not
//! public), public data (anything else).

use serde::{Deserialize, Serialize};

use super::FoundRules;
use crate::assess::Assessment;
use crate::finding::Rule;

/// The question ids, in order.
pub const QUESTIONS: &[&str] = &[
    "online",
    "free",
    "bulk",
    "up_to_date",
    "open_license",
    "open_machine_readable",
];

/// The result class names.
pub const CLASSES: &[&str] = &["open_data", "public_data", "access_controlled", "data_gap"];

/// The GODI score of a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GodiScore {
    /// Points, 0 to 100.
    pub points: u32,
    /// The result class.
    pub class: GodiClass,
    /// Each question (`online`, `free`, `bulk`, `up_to_date`, `open_license`,
    /// `open_machine_readable`; labels `check.godi.<id>`) and whether it is met.
    pub questions: Vec<GodiQuestion>,
}

/// One question of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GodiQuestion {
    /// Question id.
    pub id: String,
    /// Met or not.
    pub met: bool,
    /// Points it is worth.
    pub points: u32,
}

/// The index's result class (labels `check.godi.class.<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GodiClass {
    /// Every question met.
    OpenData,
    /// Public, but not all of it open.
    PublicData,
    /// Not available to the public.
    AccessControlled,
    /// No data to download.
    DataGap,
}

/// Scores a dataset.
pub(crate) fn score(a: &Assessment, found: &FoundRules) -> GodiScore {
    let public = a.facts.dataset.is_public();
    let questions = [
        ("online", public, 15),
        ("free", public, 15),
        (
            "bulk",
            a.distributions
                .iter()
                .any(|d| d.download_url && d.link.is_available()),
            15,
        ),
        (
            "up_to_date",
            a.last_update.is_some() && !found.any(Rule::TimelinessFrequency),
            15,
        ),
        ("open_license", a.license_open, 20),
        ("open_machine_readable", a.has_open_machine_readable(), 20),
    ]
    .map(|(id, met, points)| GodiQuestion {
        id: id.to_string(),
        met,
        points,
    });
    let points = questions.iter().filter(|q| q.met).map(|q| q.points).sum();
    let class = if a.distributions.is_empty() {
        GodiClass::DataGap
    } else if !public {
        GodiClass::AccessControlled
    } else if points == 100 {
        GodiClass::OpenData
    } else {
        GodiClass::PublicData
    };
    GodiScore {
        points,
        class,
        questions: questions.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use dulieu_core::vocab::AccessRights;

    use super::GodiClass;
    use crate::evaluate;
    use crate::profile::Profile;
    use crate::testing::*;

    fn godi(f: &crate::DatasetFacts) -> super::GodiScore {
        evaluate(&Profile::default_profile(), f).scores.godi
    }

    #[test]
    fn open_data_scores_100() {
        let score = godi(&facts(dataset(), vec![distribution("CSV")]));
        assert_eq!(score.points, 100);
        assert_eq!(score.class, GodiClass::OpenData);
    }

    #[test]
    fn a_closed_license_and_a_pdf() {
        let mut d = dataset();
        d.license = "cc-by-nc-4.0".into();
        let score = godi(&facts(d, vec![distribution("PDF")]));
        // online 15 + free 15 + bulk 15 + up to date 15.
        assert_eq!(score.points, 60);
        assert_eq!(score.class, GodiClass::PublicData);
    }

    #[test]
    fn names_match_their_lists() {
        let score = godi(&facts(dataset(), vec![]));
        let ids: Vec<&str> = score.questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, super::QUESTIONS);
        assert_eq!(score.questions.iter().map(|q| q.points).sum::<u32>(), 100);
        for (name, class) in super::CLASSES.iter().zip([
            GodiClass::OpenData,
            GodiClass::PublicData,
            GodiClass::AccessControlled,
            GodiClass::DataGap,
        ]) {
            assert_eq!(serde_json::to_value(class).unwrap(), *name);
        }
    }

    #[test]
    fn restricted_and_empty_datasets() {
        let mut d = dataset();
        d.access_rights = AccessRights::Restricted;
        let score = godi(&facts(d, vec![distribution("CSV")]));
        assert_eq!(score.class, GodiClass::AccessControlled);
        assert_eq!(score.points, 70);
        assert_eq!(godi(&facts(dataset(), vec![])).class, GodiClass::DataGap);
    }
}
