//! `stars.dataset`: the dataset reaches the profile's minimum on Tim Berners-Lee's 5-star scale
//! (its best distribution: 0 without an open license, else the stars of the format — 1 any
//! format, 2 structured, 3 open and structured, 4 RDF, 5 RDF linking to other data).

use serde_json::json;

use super::dataset_subject;
use crate::assess::Assessment;
use crate::finding::{Finding, Rule};

pub(super) fn check(a: &Assessment, out: &mut Vec<Finding>) {
    let Some(severity) = a.profile.severity(Rule::StarsDataset) else {
        return;
    };
    let minimum = a.profile.stars.minimum;
    if a.stars >= minimum {
        return;
    }
    let distributions: Vec<_> = a
        .distributions
        .iter()
        .map(|d| {
            json!({
                "id": d.distribution.id,
                "format": d.format.effective,
                "open_license": d.license_open,
                "stars": d.stars,
            })
        })
        .collect();
    out.push(
        Finding::new(Rule::StarsDataset, severity, dataset_subject(a), "below")
            .param("stars", a.stars)
            .param("minimum", minimum)
            .evidence(json!({
                "stars": a.stars,
                "minimum": minimum,
                "distributions": distributions,
            })),
    );
}

#[cfg(test)]
mod tests {
    use crate::finding::Rule;
    use crate::profile::Profile;
    use crate::rules::check_dataset;
    use crate::testing::*;

    fn stars_finding(f: &crate::DatasetFacts) -> Option<crate::Finding> {
        check_dataset(&Profile::default_profile(), f)
            .into_iter()
            .find(|f| f.rule == Rule::StarsDataset)
    }

    #[test]
    fn three_stars_pass() {
        let f = facts(dataset(), vec![distribution("PDF"), distribution("CSV")]);
        assert!(stars_finding(&f).is_none());
    }

    #[test]
    fn excel_only_has_two_stars() {
        let f = facts(dataset(), vec![distribution("XLS"), distribution("PDF")]);
        let finding = stars_finding(&f).unwrap();
        assert_eq!(finding.message_key, "check.stars.dataset.below");
        assert_eq!(finding.params["stars"], "2");
        assert_eq!(finding.params["minimum"], "3");
        assert_eq!(finding.evidence["distributions"][0]["stars"], 2);
        assert_eq!(finding.evidence["distributions"][1]["stars"], 1);
    }

    #[test]
    fn no_open_license_no_stars() {
        let mut d = dataset();
        d.license = "cc-by-nc-4.0".into();
        let mut csv = distribution("CSV");
        csv.license = d.license.clone();
        let finding = stars_finding(&facts(d, vec![csv])).unwrap();
        assert_eq!(finding.params["stars"], "0");
    }
}
