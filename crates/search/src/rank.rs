//! The relevance formula.
//!
//! ```text
//! score = text × quality × freshness
//! text      = Σ over query words of the best-weighted field match (BM25, see `query`), plus pair
//!             (adjacent-word) matches
//! quality   = 1 + 0.2·official + 0.2·open_license + 0.3·completeness      (1.0 … 1.7)
//! freshness = 1 + 0.3 · 0.5^(age_days / 365)                             (1.0 … 1.3)
//! ```
//!
//! `completeness` is [`SearchDoc::completeness`](crate::SearchDoc::completeness) (0 to 1). The
//! multipliers are small next to the text score on purpose: they order datasets that match a query
//! about equally well (a fresh, documented, openly licensed official dataset first), but never lift
//! a poor text match above a good one. With an empty query the text part is 1 and the order is
//! quality × freshness.

/// Weight of an official (government) publisher.
pub const OFFICIAL_WEIGHT: f64 = 0.2;
/// Weight of an open license.
pub const OPEN_LICENSE_WEIGHT: f64 = 0.2;
/// Weight of metadata completeness.
pub const COMPLETENESS_WEIGHT: f64 = 0.3;
/// Largest freshness bonus (for data modified today).
pub const FRESHNESS_WEIGHT: f64 = 0.3;
/// Days after which the freshness bonus halves.
pub const FRESHNESS_HALF_LIFE_DAYS: f64 = 365.0;

/// The largest quality × freshness multiplier (search uses it to prune safely).
pub const MAX_MULTIPLIER: f64 =
    (1.0 + OFFICIAL_WEIGHT + OPEN_LICENSE_WEIGHT + COMPLETENESS_WEIGHT) * (1.0 + FRESHNESS_WEIGHT);

/// The quality multiplier, computed when a dataset is indexed.
pub fn quality_boost(official: bool, open_license: bool, completeness: f64) -> f64 {
    1.0 + OFFICIAL_WEIGHT * f64::from(u8::from(official))
        + OPEN_LICENSE_WEIGHT * f64::from(u8::from(open_license))
        + COMPLETENESS_WEIGHT * completeness.clamp(0.0, 1.0)
}

/// The freshness multiplier of data modified `age_seconds` ago (future dates count as today).
pub fn freshness(age_seconds: i64) -> f64 {
    let age_days = age_seconds.max(0) as f64 / 86_400.0;
    1.0 + FRESHNESS_WEIGHT * 0.5f64.powf(age_days / FRESHNESS_HALF_LIFE_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_ranges_from_one_to_one_point_seven() {
        assert_eq!(quality_boost(false, false, 0.0), 1.0);
        assert!((quality_boost(true, true, 1.0) - 1.7).abs() < 1e-9);
        assert!(quality_boost(true, false, 0.5) > quality_boost(false, false, 0.5));
    }

    #[test]
    fn max_multiplier_bounds_every_document() {
        assert!(quality_boost(true, true, 1.0) * freshness(0) <= MAX_MULTIPLIER + 1e-9);
    }

    #[test]
    fn freshness_halves_each_year() {
        assert!((freshness(0) - 1.3).abs() < 1e-9);
        assert!((freshness(365 * 86_400) - 1.15).abs() < 1e-9);
        assert!(freshness(10 * 365 * 86_400) < 1.001);
        assert_eq!(freshness(-5), freshness(0));
    }
}
