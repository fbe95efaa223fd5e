//! What a check reports: a finding about a dataset or one of its distributions, with the rule
//! that found it, how serious it is, a translatable message and the evidence that was seen.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

dulieu_core::string_enum! {
    /// The stable id of a rule. Its texts are the catalog keys `check.<id>.title` (a short
    /// name), `check.<id>.<variant>` (the messages) and `check.<id>.fix` (how to fix it).
    Rule {
        /// The dataset names a license.
        LicensePresent = "license.present",
        /// The dataset's and every distribution's license is open.
        LicenseOpen = "license.open",
        /// Distributions are in open (non-proprietary) formats.
        FormatOpen = "format.open",
        /// Distributions are in machine-readable formats.
        FormatMachineReadable = "format.machine_readable",
        /// A distribution's declared format matches its real content.
        FormatMatchesContent = "format.matches_content",
        /// The dataset reaches the profile's minimum on the 5-star scale.
        StarsDataset = "stars.dataset",
        /// The metadata the profile requires is filled in.
        MetadataMandatory = "metadata.mandatory",
        /// The metadata the profile recommends is filled in.
        MetadataRecommended = "metadata.recommended",
        /// The dataset was updated as often as its declared frequency promises.
        TimelinessFrequency = "timeliness.frequency",
        /// Remote URLs answer.
        LinksAvailable = "links.available",
        /// Scheduled pulls from agency systems keep working.
        PullSucceeds = "pull.succeeds",
        /// Tabular files could be read, and their values fit their schema.
        TablesValid = "tables.valid",
        /// Tables have rows.
        TablesNotEmpty = "tables.not_empty",
        /// No personal data is exposed in tables.
        PiiExposure = "pii.exposure",
    }
}

impl Ord for Rule {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (*self as u8).cmp(&(*other as u8))
    }
}

impl PartialOrd for Rule {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Rule {
    /// The catalog key of the rule's short name.
    pub fn title_key(self) -> String {
        format!("check.{}.title", self.as_str())
    }

    /// The catalog key of the text saying how to fix what the rule finds.
    pub fn fix_key(self) -> String {
        format!("check.{}.fix", self.as_str())
    }

    /// The catalog key of one of the rule's messages.
    pub fn message_key(self, variant: &str) -> String {
        format!("check.{}.{variant}", self.as_str())
    }
}

/// How serious a finding is. Ordered: `Info < Warning < Violation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; costs no compliance.
    Info,
    /// Should be fixed.
    Warning,
    /// Breaks the open-data rules: opens a ticket for the publisher.
    Violation,
}

impl Severity {
    /// Every severity, least serious first.
    pub const ALL: &'static [Severity] = &[Severity::Info, Severity::Warning, Severity::Violation];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Violation => "violation",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.as_str() == text)
    }

    /// One step less serious (`Info` stays `Info`): used when the evidence is not yet
    /// conclusive (a first failed link check, a personal-data guess of moderate confidence).
    pub fn lowered(self) -> Self {
        match self {
            Severity::Violation => Severity::Warning,
            Severity::Warning | Severity::Info => Severity::Info,
        }
    }

    /// The catalog key of the severity's name (`check.severity.<name>`).
    pub fn label_key(self) -> String {
        format!("check.severity.{}", self.as_str())
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

dulieu_core::string_enum! {
    /// What a finding is about.
    SubjectKind {
        /// The dataset as a whole (its metadata, its best distribution).
        Dataset = "dataset",
        /// One distribution of the dataset.
        Distribution = "distribution",
    }
}

/// The dataset or distribution a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subject {
    /// Dataset or distribution.
    pub kind: SubjectKind,
    /// Its id.
    pub id: Uuid,
}

impl Subject {
    /// A dataset.
    pub fn dataset(id: Uuid) -> Self {
        Self {
            kind: SubjectKind::Dataset,
            id,
        }
    }

    /// A distribution.
    pub fn distribution(id: Uuid) -> Self {
        Self {
            kind: SubjectKind::Distribution,
            id,
        }
    }
}

impl Ord for SubjectKind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (*self as u8).cmp(&(*other as u8))
    }
}

impl PartialOrd for SubjectKind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// One thing a rule found. A rule reports at most one finding per subject, so `(rule, subject)`
/// identifies a finding across runs (what a ticket is opened, updated and closed for).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// The rule that found it.
    pub rule: Rule,
    /// How serious it is (from the profile, sometimes lowered by the rule; see the rule).
    pub severity: Severity,
    /// The dataset or distribution it is about.
    pub subject: Subject,
    /// Catalog key of the message (`check.<rule>.<variant>`).
    pub message_key: String,
    /// Values for the message's `{placeholders}`.
    pub params: BTreeMap<String, String>,
    /// What was seen, as JSON (never the personal data itself).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub evidence: serde_json::Value,
    /// Catalog key of the text saying how to fix it (`check.<rule>.fix`).
    pub fix_key: String,
}

impl Finding {
    /// A finding of `rule` about `subject` with the message variant `variant`.
    pub fn new(rule: Rule, severity: Severity, subject: Subject, variant: &str) -> Self {
        Self {
            rule,
            severity,
            subject,
            message_key: rule.message_key(variant),
            params: BTreeMap::new(),
            evidence: serde_json::Value::Null,
            fix_key: rule.fix_key(),
        }
    }

    /// Adds a message parameter.
    pub fn param(mut self, name: &str, value: impl ToString) -> Self {
        self.params.insert(name.to_string(), value.to_string());
        self
    }

    /// Sets the evidence.
    pub fn evidence(mut self, evidence: serde_json::Value) -> Self {
        self.evidence = evidence;
        self
    }

    /// The parameters as the translation catalog takes them.
    pub fn params_list(&self) -> Vec<(&str, &str)> {
        self.params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_round_trip_and_name_their_keys() {
        for rule in Rule::ALL {
            assert_eq!(Rule::parse(rule.as_str()), Some(*rule));
        }
        assert_eq!(Rule::LicenseOpen.fix_key(), "check.license.open.fix");
        assert_eq!(
            Rule::PiiExposure.message_key("found"),
            "check.pii.exposure.found"
        );
        assert_eq!(
            serde_json::to_value(Rule::TablesNotEmpty).unwrap(),
            "tables.not_empty"
        );
    }

    #[test]
    fn severities_order_and_lower() {
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Violation);
        assert_eq!(Severity::Violation.lowered(), Severity::Warning);
        assert_eq!(Severity::Info.lowered(), Severity::Info);
        assert_eq!(Severity::parse("warning"), Some(Severity::Warning));
        assert_eq!(Severity::parse("error"), None);
    }

    #[test]
    fn findings_carry_keys_and_params() {
        let id = Uuid::nil();
        let finding = Finding::new(
            Rule::FormatOpen,
            Severity::Warning,
            Subject::distribution(id),
            "closed",
        )
        .param("format", "XLS");
        assert_eq!(finding.message_key, "check.format.open.closed");
        assert_eq!(finding.fix_key, "check.format.open.fix");
        assert_eq!(finding.params_list(), vec![("format", "XLS")]);
        let json = serde_json::to_value(&finding).unwrap();
        assert_eq!(json["subject"]["kind"], "distribution");
        assert_eq!(json["severity"], "warning");
    }
}
