//! The evidence balance shown next to a rating: how many items weigh for readiness, against it,
//! or neither. It informs the reader; it never becomes a score. A rating placed on the summary
//! scale with no evidence at all is flagged.

use serde::Serialize;

use crate::assessment::Evidence;
use crate::framework::{Framework, Stance};

/// Evidence items counted by the way their sign weighs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Balance {
    /// Items for readiness (`+`).
    #[serde(rename = "for")]
    pub for_readiness: usize,
    /// Items against readiness (`-`).
    pub against: usize,
    /// Mixed or neutral items (`o`).
    pub neutral: usize,
}

impl Balance {
    /// The balance of `evidence` under the signs of `framework` (unknown signs count as neutral).
    pub fn of(evidence: &[Evidence], framework: &Framework) -> Self {
        let mut balance = Self::default();
        for item in evidence {
            match framework.sign(&item.sign).map(|s| s.stance) {
                Some(Stance::For) => balance.for_readiness += 1,
                Some(Stance::Against) => balance.against += 1,
                _ => balance.neutral += 1,
            }
        }
        balance
    }

    /// Adds `other` to this balance.
    pub fn add(&mut self, other: Balance) {
        self.for_readiness += other.for_readiness;
        self.against += other.against;
        self.neutral += other.neutral;
    }

    /// Number of items.
    pub fn total(&self) -> usize {
        self.for_readiness + self.against + self.neutral
    }
}

/// True when `rating` places something on the summary scale while no evidence supports it (a
/// grey "insufficient information" rating needs none).
pub fn unsupported(framework: &Framework, rating: Option<&str>, balance: &Balance) -> bool {
    rating.is_some_and(|r| framework.summary_column(r).is_some()) && balance.total() == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Frameworks;
    use crate::assessment::EvidenceInput;

    fn item(framework: &Framework, sign: &str) -> Evidence {
        EvidenceInput {
            sign: sign.into(),
            text: Some("finding".into()),
            ..EvidenceInput::default()
        }
        .validate(framework, |_| None)
        .unwrap()
    }

    #[test]
    fn counts_by_stance_and_flags_bare_ratings() {
        let frameworks = Frameworks::builtin().unwrap();
        let odra = frameworks.latest("odra").unwrap();
        let evidence = vec![
            item(odra, "+"),
            item(odra, "+"),
            item(odra, "-"),
            item(odra, "o"),
        ];
        let balance = Balance::of(&evidence, odra);
        assert_eq!(
            (balance.for_readiness, balance.against, balance.neutral),
            (2, 1, 1)
        );
        assert_eq!(
            serde_json::to_value(balance).unwrap(),
            serde_json::json!({"for": 2, "against": 1, "neutral": 1})
        );
        let none = Balance::default();
        assert!(unsupported(odra, Some("green"), &none));
        assert!(
            !unsupported(odra, Some("grey"), &none),
            "grey needs no evidence"
        );
        assert!(!unsupported(odra, None, &none));
        assert!(!unsupported(odra, Some("red"), &balance));
        let mut sum = balance;
        sum.add(balance);
        assert_eq!(sum.total(), 8);
    }
}
