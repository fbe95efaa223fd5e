//! What the rules and the scores both derive from the facts, computed once per dataset: for
//! each distribution its real format, license, link status and stars; for the dataset its
//! stars, last update and timeliness. The rules turn this into findings, the scores into points.

use chrono::{DateTime, NaiveDate, Utc};
use dulieu_core::catalog::Distribution;

use crate::input::{DatasetFacts, DistributionFacts, LinkCheck};
use crate::profile::Profile;
use crate::sniff::ContentKind;

/// The derived view of a dataset.
pub(crate) struct Assessment<'a> {
    /// The profile judged against.
    pub profile: &'a Profile,
    /// The facts judged.
    pub facts: &'a DatasetFacts,
    /// Each distribution, in the dataset's order.
    pub distributions: Vec<DistributionAssessment<'a>>,
    /// The dataset names a license.
    pub license_present: bool,
    /// The dataset's license is open.
    pub license_open: bool,
    /// The best distribution's stars (0 without distributions).
    pub stars: u8,
    /// When the data last changed, as far as anything tells.
    pub last_update: Option<DateTime<Utc>>,
    /// Whether that is recent enough for the declared frequency.
    pub timeliness: Timeliness,
}

/// The derived view of a distribution.
pub(crate) struct DistributionAssessment<'a> {
    /// The distribution.
    pub distribution: &'a Distribution,
    /// Its facts, when any.
    pub facts: Option<&'a DistributionFacts>,
    /// Its format, declared and real.
    pub format: FormatView,
    /// Its license (own or inherited) is open.
    pub license_open: bool,
    /// Its license (own or inherited) is present.
    pub license_present: bool,
    /// What the link checks say.
    pub link: LinkStatus,
    /// Its stars on the 5-star scale.
    pub stars: u8,
    /// It has a download URL: an upload, or a remote file (not a web page).
    pub download_url: bool,
}

/// A distribution's format: what it says, what its bytes are, and what that means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormatView {
    /// The declared format token, upper case.
    pub declared: Option<String>,
    /// The sniffed content kind.
    pub sniffed: Option<ContentKind>,
    /// The format judged: the declared one unless the content shows another.
    pub effective: Option<String>,
    /// Whether the content matches the declared format (`None` when it cannot be told).
    pub matches: Option<bool>,
    /// The judged format is open (non-proprietary).
    pub open: bool,
    /// The judged format is machine-readable.
    pub machine_readable: bool,
    /// Stars the judged format earns under an open license (1 when unknown).
    pub stars: u8,
}

/// What the link checks of a distribution say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LinkStatus {
    /// Never checked (uploads, or not yet): counts as available, as in udata.
    NotChecked,
    /// The latest check passed.
    Available,
    /// The latest check failed.
    Broken {
        /// The latest check.
        latest: LinkCheck,
        /// Failed checks in a row, up to the latest.
        consecutive: u32,
        /// When the first of them happened.
        since: DateTime<Utc>,
    },
}

impl LinkStatus {
    /// True unless the latest check failed.
    pub fn is_available(&self) -> bool {
        !matches!(self, LinkStatus::Broken { .. })
    }
}

/// Whether a dataset is up to date for its declared frequency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Timeliness {
    /// No frequency declared: nothing to hold it to.
    NoFrequency,
    /// The frequency promises no schedule (irregular, continuous, never …).
    NoSchedule,
    /// A schedule, but no date tells when the data last changed.
    NoDate,
    /// Updated in time; the next update is due then.
    OnTime { due: DateTime<Utc> },
    /// Late: the update was due then, and the grace has passed.
    Late {
        /// When the data last changed.
        last_update: DateTime<Utc>,
        /// When the next update was due.
        due: DateTime<Utc>,
    },
}

impl<'a> Assessment<'a> {
    /// Derives everything from the facts.
    pub fn new(profile: &'a Profile, facts: &'a DatasetFacts) -> Self {
        let dataset = &facts.dataset;
        let distributions: Vec<DistributionAssessment<'a>> = facts
            .each_distribution()
            .map(|(distribution, dist_facts)| {
                DistributionAssessment::new(profile, distribution, dist_facts)
            })
            .collect();
        let stars = distributions.iter().map(|d| d.stars).max().unwrap_or(0);
        let last_update = last_update(facts);
        let timeliness = timeliness(
            profile,
            dataset.frequency.as_deref(),
            last_update,
            facts.now,
        );
        Self {
            profile,
            facts,
            license_present: profile.licenses.is_present(&dataset.license),
            license_open: profile.licenses.is_open(&dataset.license),
            distributions,
            stars,
            last_update,
            timeliness,
        }
    }

    /// True when some distribution is in an open and machine-readable format.
    pub fn has_open_machine_readable(&self) -> bool {
        self.distributions
            .iter()
            .any(|d| d.format.open && d.format.machine_readable)
    }
}

impl<'a> DistributionAssessment<'a> {
    fn new(
        profile: &Profile,
        distribution: &'a Distribution,
        facts: Option<&'a DistributionFacts>,
    ) -> Self {
        let sniffed = facts.and_then(|f| f.sniffed.as_ref());
        let format = format_view(
            profile,
            distribution.format.as_deref(),
            sniffed.map(|s| s.kind),
        );
        let license_open = profile.licenses.is_open(&distribution.license);
        let linked = sniffed.is_some_and(|s| {
            s.kind.is_rdf()
                && s.uri_hosts
                    .iter()
                    .filter(|h| !profile.stars.vocabulary_hosts.contains(h))
                    .count()
                    >= profile.stars.linked_min_hosts
        });
        let stars = match (license_open, format.stars) {
            (false, _) => 0,
            (true, 4) if linked => 5,
            (true, stars) => stars,
        };
        let is_upload = distribution.remote_url.is_none();
        let download_url = is_upload || format.effective.as_deref().is_some_and(|f| f != "HTML");
        Self {
            distribution,
            facts,
            license_present: profile.licenses.is_present(&distribution.license),
            license_open,
            link: link_status(facts.map(|f| f.link_checks.as_slice()).unwrap_or_default()),
            stars,
            download_url,
            format,
        }
    }
}

/// The format judged for a distribution declaring `declared` whose bytes are `sniffed`.
pub(crate) fn format_view(
    profile: &Profile,
    declared: Option<&str>,
    sniffed: Option<ContentKind>,
) -> FormatView {
    let declared = declared
        .map(|f| f.trim().trim_start_matches('.').to_ascii_uppercase())
        .filter(|f| !f.is_empty());
    let declared_policy = declared.as_deref().and_then(|f| profile.format(f));
    let matches = match (declared_policy, sniffed) {
        (Some(policy), Some(kind)) => Some(policy.content.contains(&kind)),
        _ => None,
    };
    let effective = match (matches, sniffed.and_then(ContentKind::format)) {
        (Some(true), _) | (_, None) => declared.clone(),
        (_, Some(found)) => Some(found.to_string()),
    };
    let policy = effective.as_deref().and_then(|f| profile.format(f));
    FormatView {
        declared,
        sniffed,
        effective,
        matches,
        open: policy.is_some_and(|p| p.open),
        machine_readable: policy.is_some_and(|p| p.machine_readable),
        stars: policy.map_or(1, |p| p.stars),
    }
}

/// The link status from a history of checks in any order.
pub(crate) fn link_status(checks: &[LinkCheck]) -> LinkStatus {
    let mut newest_first: Vec<&LinkCheck> = checks.iter().collect();
    newest_first.sort_by_key(|c| std::cmp::Reverse(c.checked_at));
    let Some(latest) = newest_first.first() else {
        return LinkStatus::NotChecked;
    };
    if latest.is_ok() {
        return LinkStatus::Available;
    }
    let failures: Vec<&&LinkCheck> = newest_first.iter().take_while(|c| !c.is_ok()).collect();
    LinkStatus::Broken {
        latest: (*latest).clone(),
        consecutive: failures.len() as u32,
        since: failures.last().map_or(latest.checked_at, |c| c.checked_at),
    }
}

/// The end of a day, for dates without a time: an update dated that day may have happened
/// at any hour of it.
fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc())
        .unwrap_or_default()
}

/// The newest of: the dataset's modification and issue dates, its distributions' modification
/// dates and creation times, and the caller's `data_updated_at`.
pub(crate) fn last_update(facts: &DatasetFacts) -> Option<DateTime<Utc>> {
    let dataset = &facts.dataset;
    let dates = [dataset.modified, dataset.issued]
        .into_iter()
        .chain(dataset.distributions.iter().map(|d| d.modified))
        .flatten()
        .map(end_of_day);
    let times = dataset
        .distributions
        .iter()
        .map(|d| d.created_at)
        .chain(facts.data_updated_at);
    dates.chain(times).max()
}

/// udata's rule: the next update is due one interval after the last; late once the grace
/// has passed too.
pub(crate) fn timeliness(
    profile: &Profile,
    frequency: Option<&str>,
    last_update: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Timeliness {
    let Some(frequency) = frequency.map(str::trim).filter(|f| !f.is_empty()) else {
        return Timeliness::NoFrequency;
    };
    let Some(interval) = profile.timeliness.interval(frequency) else {
        return Timeliness::NoSchedule;
    };
    let Some(last_update) = last_update else {
        return Timeliness::NoDate;
    };
    let due = last_update + interval;
    if now > due + profile.timeliness.grace.delta() {
        Timeliness::Late { last_update, due }
    } else {
        Timeliness::OnTime { due }
    }
}

/// Whole days between two times (rounded down).
pub(crate) fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_days().max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::Sniffed;
    use crate::testing::*;
    use chrono::{TimeDelta, TimeZone};

    #[test]
    fn the_content_decides_the_format_when_it_disagrees() {
        let profile = Profile::default_profile();
        let view = format_view(&profile, Some("csv"), Some(ContentKind::Csv));
        assert_eq!(view.effective.as_deref(), Some("CSV"));
        assert_eq!(view.matches, Some(true));
        assert!(view.open && view.machine_readable && view.stars == 3);
        let view = format_view(&profile, Some("CSV"), Some(ContentKind::Pdf));
        assert_eq!(view.matches, Some(false));
        assert_eq!(view.effective.as_deref(), Some("PDF"));
        assert!(!view.machine_readable && view.stars == 1);
        // Content that names no format: the declared one stands.
        let view = format_view(&profile, Some("XLSX"), Some(ContentKind::Binary));
        assert_eq!(view.matches, Some(false));
        assert_eq!(view.effective.as_deref(), Some("XLSX"));
        // Nothing declared: the content tells.
        let view = format_view(&profile, None, Some(ContentKind::Csv));
        assert_eq!(
            (view.matches, view.effective.as_deref()),
            (None, Some("CSV"))
        );
        // Unknown everything.
        let view = format_view(&profile, Some("FOO"), None);
        assert!(!view.open && !view.machine_readable && view.stars == 1);
        assert_eq!(view.matches, None);
    }

    #[test]
    fn link_status_follows_the_latest_check() {
        assert_eq!(link_status(&[]), LinkStatus::NotChecked);
        let ok = link_check(3, Some(200), None);
        let bad1 = link_check(2, Some(404), None);
        let bad2 = link_check(1, None, Some("timeout"));
        assert!(!link_status(&[bad1.clone(), ok.clone()]).is_available());
        match link_status(&[bad2.clone(), ok.clone(), bad1.clone()]) {
            LinkStatus::Broken {
                latest,
                consecutive,
                since,
            } => {
                assert_eq!(latest, bad2);
                assert_eq!(consecutive, 2);
                assert_eq!(since, bad1.checked_at);
            }
            other => panic!("{other:?}"),
        }
        let recovered = link_check(0, Some(301), None);
        assert_eq!(link_status(&[bad1, bad2, recovered]), LinkStatus::Available);
    }

    #[test]
    fn timeliness_has_one_day_of_grace() {
        let profile = Profile::default_profile();
        let last = Utc.with_ymd_and_hms(2026, 2, 1, 10, 0, 0).unwrap();
        let due = last + TimeDelta::days(31);
        let at = |t| timeliness(&profile, Some("monthly"), Some(last), t);
        assert_eq!(at(due), Timeliness::OnTime { due });
        assert_eq!(at(due + TimeDelta::days(1)), Timeliness::OnTime { due });
        assert_eq!(
            at(due + TimeDelta::days(1) + TimeDelta::seconds(1)),
            Timeliness::Late {
                last_update: last,
                due
            }
        );
        assert_eq!(
            timeliness(&profile, Some("irreg"), Some(last), now()),
            Timeliness::NoSchedule
        );
        assert_eq!(
            timeliness(&profile, None, Some(last), now()),
            Timeliness::NoFrequency
        );
        assert_eq!(
            timeliness(&profile, Some("daily"), None, now()),
            Timeliness::NoDate
        );
    }

    #[test]
    fn last_update_takes_the_newest_date() {
        let mut dist = distribution("CSV");
        dist.modified = Some(day(2026, 2, 2));
        let mut f = facts(dataset(), vec![dist]);
        f.dataset.modified = Some(day(2026, 1, 1));
        assert_eq!(
            last_update(&f),
            Some(Utc.with_ymd_and_hms(2026, 2, 2, 23, 59, 59).unwrap())
        );
        let upload = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        f.data_updated_at = Some(upload);
        assert_eq!(last_update(&f), Some(upload));
        let bare = facts(
            dulieu_core::catalog::Dataset {
                modified: None,
                issued: None,
                ..dataset()
            },
            vec![],
        );
        assert_eq!(last_update(&bare), None);
    }

    #[test]
    fn stars_per_distribution_and_dataset() {
        let profile = Profile::default_profile();
        let csv = distribution("CSV");
        let xls = distribution("XLS");
        let mut closed = distribution("RDF");
        closed.license = "cc-by-nc-4.0".into();
        let ttl = distribution("TTL");
        let mut f = facts(
            dataset(),
            vec![csv.clone(), xls.clone(), closed.clone(), ttl.clone()],
        );
        facts_of(&mut f, ttl.id).sniffed = Some(Sniffed {
            kind: ContentKind::Turtle,
            uri_hosts: vec![
                "dbpedia.org".into(),
                "dulieu.gov.vn".into(),
                "www.w3.org".into(),
            ],
        });
        let a = Assessment::new(&profile, &f);
        let stars: Vec<u8> = a.distributions.iter().map(|d| d.stars).collect();
        assert_eq!(stars, vec![3, 2, 0, 5]);
        assert_eq!(a.stars, 5);

        // Turtle naming only vocabularies and its own host: four stars.
        facts_of(&mut f, ttl.id).sniffed = Some(Sniffed {
            kind: ContentKind::Turtle,
            uri_hosts: vec!["dulieu.gov.vn".into(), "purl.org".into()],
        });
        assert_eq!(Assessment::new(&profile, &f).stars, 4);

        let none = facts(dataset(), vec![]);
        assert_eq!(Assessment::new(&profile, &none).stars, 0);
    }

    #[test]
    fn remote_pages_have_no_download_url() {
        let profile = Profile::default_profile();
        let page = remote("HTML", "https://mof.gov.vn/ngan-sach");
        let file = remote("CSV", "https://mof.gov.vn/ngan-sach.csv");
        let upload = distribution("");
        let f = facts(dataset(), vec![page, file, upload]);
        let a = Assessment::new(&profile, &f);
        let download: Vec<bool> = a.distributions.iter().map(|d| d.download_url).collect();
        assert_eq!(download, vec![false, true, true]);
    }

    #[test]
    fn days_between_rounds_down() {
        let a = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(days_between(a, a + TimeDelta::hours(47)), 1);
        assert_eq!(days_between(a + TimeDelta::days(1), a), 0);
    }
}
