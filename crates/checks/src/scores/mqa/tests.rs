//! The MQA score against hand computations.

use super::*;
use crate::assess::Assessment;
use crate::profile::Profile;
use crate::testing::*;

fn mqa(f: &crate::DatasetFacts) -> MqaScore {
    score(&Assessment::new(&Profile::default_profile(), f))
}

fn points(score: &MqaScore, id: &str) -> f64 {
    score.indicators.iter().find(|i| i.id == id).unwrap().points
}

/// The fixture: the test dataset without keywords and spatial coverage, with three
/// distributions:
/// 1. an uploaded CSV with media type `text/csv`, a byte size and an issue date;
/// 2. a remote PDF whose latest link check answered 404;
/// 3. a remote HTML page under CC BY-NC (in the register, not open) that answered 200.
///
/// By hand:
///
/// ```text
/// Findability       keywords 0 + themes 30 + spatial 0 + temporal 20                   =  50
/// Accessibility     access URL answering: CSV (never checked), HTML → 2/3 × 50 = 33.33
///                   download URL: CSV, PDF (the HTML page is none) → 2/3 × 20 = 13.33
///                   download URL answering: CSV only              → 1/3 × 30 = 10.00   =  56.66
/// Interoperability  best distribution, the CSV: format 20 + media type 10
///                   + vocabulary 10 + non-proprietary 20 + machine readable 20 = 80
///                   DCAT-AP mandatory (title, description, access URLs) present = 30   = 110
/// Reusability       license 3/3 × 20 = 20, license vocabulary 3/3 × 10 = 10,
///                   access rights 10 + vocabulary 5, contact point 20, publisher 10     =  75
/// Contextuality     rights 0, byte size 1/3 × 5 = 1.67, issued 5, modified 5           =  11.67
/// Total                                                                                = 303.33
/// Band: 221 ≤ 303.33 ≤ 350 → Good
/// ```
#[test]
fn fixture_dataset_matches_the_hand_computation() {
    let mut d = dataset();
    d.keywords.clear();
    d.spatial = None;
    let mut csv = distribution("CSV");
    csv.media_type = Some("text/csv".into());
    csv.byte_size = Some(2048);
    csv.issued = Some(day(2025, 1, 10));
    let pdf = remote("PDF", "https://mof.gov.vn/bao-cao-2025.pdf");
    let mut page = remote("HTML", "https://mof.gov.vn/ngan-sach");
    page.license = "cc-by-nc-4.0".into();
    let mut f = facts(d, vec![csv, pdf.clone(), page.clone()]);
    facts_of(&mut f, pdf.id).link_checks = vec![link_check(1, Some(404), None)];
    facts_of(&mut f, page.id).link_checks = vec![link_check(1, Some(200), None)];

    let score = mqa(&f);
    assert_eq!(score.dimension_points(MqaDimension::Findability), 50.0);
    assert_eq!(points(&score, "access_url_accessibility"), 33.33);
    assert_eq!(points(&score, "download_url"), 13.33);
    assert_eq!(points(&score, "download_url_accessibility"), 10.0);
    assert_eq!(score.dimension_points(MqaDimension::Accessibility), 56.66);
    assert_eq!(
        score.dimension_points(MqaDimension::Interoperability),
        110.0
    );
    assert_eq!(score.dimension_points(MqaDimension::Reusability), 75.0);
    assert_eq!(points(&score, "file_size"), 1.67);
    assert_eq!(score.dimension_points(MqaDimension::Contextuality), 11.67);
    assert_eq!(score.points, 303.33);
    assert_eq!(score.band, MqaBand::Good);
    assert_eq!(score.indicators.len(), 23);
    assert_eq!(
        score.indicators.iter().map(|i| i.max).sum::<u32>(),
        MAX_POINTS
    );
}

/// Everything the model can hold, on one CSV: 405 − 5 (no `dct:rights`) = 400, Excellent.
#[test]
fn a_complete_dataset_is_excellent() {
    let mut csv = distribution("CSV");
    csv.media_type = Some("text/csv".into());
    csv.byte_size = Some(10);
    let score = mqa(&facts(dataset(), vec![csv]));
    assert_eq!(score.points, 400.0);
    assert_eq!(score.band, MqaBand::Excellent);
}

/// No distributions: findability 100, DCAT-AP compliance 30, access rights 15, contact point
/// 20, publisher 10, dates 10 = 185, Sufficient.
#[test]
fn a_dataset_without_distributions() {
    let score = mqa(&facts(dataset(), vec![]));
    assert_eq!(score.points, 185.0);
    assert_eq!(score.band, MqaBand::Sufficient);
}

/// Interoperability is the best single distribution's, not a share: a CSV without media type
/// (70) beats a PDF with one (40).
#[test]
fn interoperability_takes_the_best_distribution() {
    let mut pdf = distribution("PDF");
    pdf.media_type = Some("application/pdf".into());
    let score = mqa(&facts(dataset(), vec![pdf, distribution("CSV")]));
    assert_eq!(points(&score, "format"), 20.0);
    assert_eq!(points(&score, "media_type"), 0.0);
    assert_eq!(points(&score, "machine_readable"), 20.0);
}

#[test]
fn bands_follow_the_thresholds() {
    for (points, band) in [
        (405.0, MqaBand::Excellent),
        (351.0, MqaBand::Excellent),
        (350.99, MqaBand::Good),
        (221.0, MqaBand::Good),
        (220.99, MqaBand::Sufficient),
        (121.0, MqaBand::Sufficient),
        (120.99, MqaBand::Bad),
        (0.0, MqaBand::Bad),
    ] {
        assert_eq!(MqaBand::of(points), band, "{points}");
    }
}

#[test]
fn names_match_their_lists() {
    let score = mqa(&facts(dataset(), vec![]));
    let ids: Vec<&str> = score.indicators.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, INDICATORS);
    let bands: Vec<&str> = [
        MqaBand::Bad,
        MqaBand::Sufficient,
        MqaBand::Good,
        MqaBand::Excellent,
    ]
    .iter()
    .map(|b| b.as_str())
    .collect();
    assert_eq!(bands, BANDS);
    for (name, dimension) in DIMENSIONS.iter().zip([
        MqaDimension::Findability,
        MqaDimension::Accessibility,
        MqaDimension::Interoperability,
        MqaDimension::Reusability,
        MqaDimension::Contextuality,
    ]) {
        assert_eq!(serde_json::to_value(dimension).unwrap(), *name);
    }
}
