//! The compliance profile: what the open-data rules expect, as a TOML file. The default,
//! `profiles/default.toml`, is built into the binary; a deployment may give its own.
//!
//! [`Profile::from_toml`] refuses unknown keys and names the key (and line) of every problem.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use crate::fields::MetadataField;
use crate::finding::{Rule, Severity};
use crate::interval::Interval;
use crate::sniff::ContentKind;

/// The default profile's text, as shipped.
pub const DEFAULT_PROFILE_TOML: &str = include_str!("../profiles/default.toml");

/// A compliance profile (see `profiles/default.toml` for what each part means).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// A short name recorded with every run.
    pub name: String,
    /// Which licenses are open, known, or mean "none".
    pub licenses: LicensePolicy,
    /// Known formats (upper-case tokens, as distributions store them).
    pub formats: BTreeMap<String, FormatPolicy>,
    /// Required and recommended metadata.
    pub metadata: MetadataPolicy,
    /// Allowed time between updates per frequency.
    pub timeliness: TimelinessPolicy,
    /// The 5-star scale.
    pub stars: StarsPolicy,
    /// Link checks.
    pub links: LinksPolicy,
    /// Scheduled pulls from agency systems.
    #[serde(default)]
    pub pull: PullPolicy,
    /// Tables.
    pub tables: TablesPolicy,
    /// The personal-data detector.
    pub pii: PiiPolicy,
    /// The level of every rule.
    pub rules: BTreeMap<Rule, Level>,
    /// What blocks the approval of a government publisher's dataset.
    pub review: ReviewPolicy,
}

/// What blocks approval in the publication review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewPolicy {
    /// Findings of these severities block approval until they are fixed.
    pub blocking: Vec<Severity>,
}

impl ReviewPolicy {
    /// True when findings of `severity` block approval.
    pub fn blocks(&self, severity: Severity) -> bool {
        self.blocking.contains(&severity)
    }
}

/// Which licenses count as what (ids of the license register).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicensePolicy {
    /// Licenses that are open (Open Definition conformant) under the law.
    pub open: Vec<String>,
    /// Every license of the controlled vocabulary (the register), open or not.
    pub known: Vec<String>,
    /// Ids that mean "no license".
    pub absent: Vec<String>,
}

impl LicensePolicy {
    /// True when `id` names a license (not empty, not one of the "no license" ids).
    pub fn is_present(&self, id: &str) -> bool {
        let id = id.trim();
        !id.is_empty() && !self.absent.iter().any(|a| a == id)
    }

    /// True when `id` is an open license.
    pub fn is_open(&self, id: &str) -> bool {
        self.open.iter().any(|o| o == id.trim())
    }

    /// True when `id` is in the controlled vocabulary.
    pub fn is_known(&self, id: &str) -> bool {
        self.known.iter().any(|k| k == id.trim())
    }
}

/// What the law says about one format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatPolicy {
    /// Non-proprietary: an open standard anyone may implement.
    pub open: bool,
    /// Structured data a program can read.
    pub machine_readable: bool,
    /// Stars the format earns under an open license (1 to 4; RDF linking to other data makes 5).
    pub stars: u8,
    /// The IANA media type.
    #[serde(default)]
    pub media_type: Option<String>,
    /// Sniffed content kinds that match the format.
    pub content: Vec<ContentKind>,
}

/// Metadata fields the law requires and recommends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetadataPolicy {
    /// Fields that must be filled in.
    pub required: Vec<MetadataField>,
    /// Fields that should be filled in.
    pub recommended: Vec<MetadataField>,
}

/// How late an update may be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelinessPolicy {
    /// Lateness tolerated after an update falls due.
    pub grace: Interval,
    /// Time between updates per frequency code; codes not listed promise no schedule.
    pub intervals: BTreeMap<String, Interval>,
}

impl TimelinessPolicy {
    /// The time allowed between updates for `frequency`, when it promises a schedule.
    pub fn interval(&self, frequency: &str) -> Option<TimeDelta> {
        self.intervals.get(frequency).map(|i| i.delta())
    }
}

/// The 5-star scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StarsPolicy {
    /// The least a dataset should reach.
    pub minimum: u8,
    /// Hosts of vocabularies: URIs on them describe, they do not link to other data.
    pub vocabulary_hosts: Vec<String>,
    /// Other hosts an RDF file must name to count as linked (its own and at least one more).
    pub linked_min_hosts: usize,
}

/// Link checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinksPolicy {
    /// Failed checks in a row before a broken link gets the rule's full severity.
    pub consecutive_failures: u32,
}

/// Scheduled pulls from agency systems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullPolicy {
    /// Failed runs in a row before a source is reported.
    pub consecutive_failures: u32,
}

impl Default for PullPolicy {
    fn default() -> Self {
        Self {
            consecutive_failures: 3,
        }
    }
}

/// Tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TablesPolicy {
    /// Rows a table needs not to count as empty.
    pub min_rows: i64,
}

/// The personal-data detector's thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PiiPolicy {
    /// Columns at or above this confidence are reported.
    pub report_confidence: f64,
    /// Below this confidence a finding is one severity lower.
    pub high_confidence: f64,
    /// Confidence a header naming the kind of data adds.
    pub header_boost: f64,
    /// Sampled values needed for the values to count fully.
    pub min_sample: usize,
    /// Masked examples kept as evidence per column.
    pub max_examples: usize,
}

/// What a rule does: nothing (`off`), or report at a severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The rule does not run.
    Off,
    /// Reports at `info`.
    Info,
    /// Reports at `warning`.
    Warning,
    /// Reports at `violation`.
    Violation,
}

impl Level {
    /// The severity findings get, `None` when off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Violation => Some(Severity::Violation),
        }
    }
}

/// A problem in a profile file: which key, where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ProfileError {
    /// The key path (`pii.report_confidence`, `formats.CSV.stars`); empty for syntax errors
    /// outside any key.
    pub key: String,
    /// The line (from 1), when known.
    pub line: Option<usize>,
    /// The column (from 1), when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("compliance profile")?;
        if !self.key.is_empty() {
            write!(f, ", key `{}`", self.key)?;
        }
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, " (line {line}, column {column})")?,
            (Some(line), None) => write!(f, " (line {line})")?,
            _ => {}
        }
        write!(f, ": {}", self.message)
    }
}

impl Profile {
    /// The default profile (parsed once).
    pub fn default_profile() -> Profile {
        static DEFAULT: OnceLock<Profile> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                Profile::from_toml(DEFAULT_PROFILE_TOML)
                    .unwrap_or_else(|e| panic!("the bundled default profile is invalid: {e}"))
            })
            .clone()
    }

    /// Reads a profile from TOML and checks it.
    pub fn from_toml(text: &str) -> Result<Profile, ProfileError> {
        let deserializer = toml::Deserializer::new(text);
        let profile: Profile = serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let path = err.path().to_string();
            let inner = err.into_inner();
            let (line, column) = match inner.span() {
                Some(span) => {
                    let (line, column) = line_and_column(text, span.start);
                    (Some(line), Some(column))
                }
                None => (None, None),
            };
            ProfileError {
                key: if path == "." { String::new() } else { path },
                line,
                column,
                message: inner.message().trim().replace('\n', " "),
            }
        })?;
        profile.check().map_err(|(key, message)| ProfileError {
            line: locate(text, &key),
            key,
            column: None,
            message,
        })?;
        Ok(profile)
    }

    /// The level of `rule` (`off` when the profile does not list it).
    pub fn level(&self, rule: Rule) -> Level {
        self.rules.get(&rule).copied().unwrap_or(Level::Off)
    }

    /// The severity of `rule`'s findings, `None` when the rule is off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        self.level(rule).severity()
    }

    /// What the profile says about a format token (any case, leading dot ignored).
    pub fn format(&self, token: &str) -> Option<&FormatPolicy> {
        let token = token.trim().trim_start_matches('.').to_ascii_uppercase();
        self.formats.get(&token)
    }

    /// True when some format of the profile has the media type `media_type`.
    pub fn knows_media_type(&self, media_type: &str) -> bool {
        let media_type = media_type.trim().to_ascii_lowercase();
        self.formats
            .values()
            .any(|f| f.media_type.as_deref() == Some(media_type.as_str()))
    }

    /// The rules beyond the file's shape; `Err((key, message))` for the first problem.
    fn check(&self) -> Result<(), (String, String)> {
        let fail = |key: String, message: &str| Err((key, message.to_string()));
        if self.name.trim().is_empty() {
            return fail("name".into(), "must not be empty");
        }
        for (list, ids) in [
            ("open", &self.licenses.open),
            ("known", &self.licenses.known),
            ("absent", &self.licenses.absent),
        ] {
            if let Some(id) = ids
                .iter()
                .find(|id| id.trim() != id.as_str() || id.contains(' '))
            {
                return Err((
                    format!("licenses.{list}"),
                    format!("`{id}` is not a license id (no spaces)"),
                ));
            }
        }
        if let Some(id) = self
            .licenses
            .open
            .iter()
            .find(|id| !self.licenses.is_known(id))
        {
            return Err((
                "licenses.open".into(),
                format!("`{id}` is open but not in licenses.known"),
            ));
        }
        if let Some(id) = self
            .licenses
            .open
            .iter()
            .find(|id| self.licenses.absent.contains(id))
        {
            return Err((
                "licenses.absent".into(),
                format!("`{id}` cannot be both open and absent"),
            ));
        }
        for (token, format) in &self.formats {
            let valid_token = !token.is_empty()
                && token.len() <= 40
                && token
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "-_+.".contains(c));
            if !valid_token {
                return fail(
                    format!("formats.{token}"),
                    "format tokens are upper case (A-Z, 0-9, - _ + .), as distributions store them",
                );
            }
            if !(1..=4).contains(&format.stars) {
                return fail(
                    format!("formats.{token}.stars"),
                    "must be 1 to 4 (the fifth star is earned by linking to other data)",
                );
            }
            if format.content.is_empty() {
                return fail(
                    format!("formats.{token}.content"),
                    "list at least one content kind",
                );
            }
            if let Some(media_type) = &format.media_type
                && (!media_type.contains('/') || media_type.to_ascii_lowercase() != *media_type)
            {
                return fail(
                    format!("formats.{token}.media_type"),
                    "must be a lower-case media type such as text/csv",
                );
            }
        }
        if let Some(field) = self
            .metadata
            .required
            .iter()
            .find(|f| self.metadata.recommended.contains(f))
        {
            return Err((
                "metadata.recommended".into(),
                format!("`{field}` is already required"),
            ));
        }
        if let Some(code) = self
            .timeliness
            .intervals
            .keys()
            .find(|code| !dulieu_core::vocab::is_frequency(code))
        {
            return fail(
                format!("timeliness.intervals.{code}"),
                "is not a code of the EU frequency vocabulary (lower case, as datasets store it)",
            );
        }
        if !(1..=5).contains(&self.stars.minimum) {
            return fail("stars.minimum".into(), "must be 1 to 5");
        }
        if self.stars.linked_min_hosts < 2 {
            return fail(
                "stars.linked_min_hosts".into(),
                "must be at least 2 (the file's own host and another)",
            );
        }
        if self.links.consecutive_failures == 0 {
            return fail("links.consecutive_failures".into(), "must be at least 1");
        }
        if self.pull.consecutive_failures == 0 {
            return fail("pull.consecutive_failures".into(), "must be at least 1");
        }
        if self.tables.min_rows < 1 {
            return fail("tables.min_rows".into(), "must be at least 1");
        }
        let pii = &self.pii;
        for (key, value) in [
            ("report_confidence", pii.report_confidence),
            ("high_confidence", pii.high_confidence),
            ("header_boost", pii.header_boost),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return fail(format!("pii.{key}"), "must be between 0 and 1");
            }
        }
        if pii.report_confidence <= 0.0 || pii.high_confidence < pii.report_confidence {
            return fail(
                "pii.high_confidence".into(),
                "must be at least pii.report_confidence, which must be above 0",
            );
        }
        if pii.min_sample == 0 {
            return fail("pii.min_sample".into(), "must be at least 1");
        }
        if let Some(rule) = Rule::ALL.iter().find(|r| !self.rules.contains_key(r)) {
            return Err((
                "rules".into(),
                format!("no level for `{rule}` (give off, info, warning or violation)"),
            ));
        }
        Ok(())
    }
}

/// Line and column (from 1) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The line where the key path `key` is written (`a.b.c` as `c = …` under `[a.b]`, or as the
/// table header `[a.b.c]`), for problems found after parsing. Simple TOML only: table headers
/// and `key = value` lines, which is what profiles use.
fn locate(text: &str, key: &str) -> Option<usize> {
    let mut table = String::new();
    let mut best = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            table = unquote_path(header);
            if table == key {
                return Some(i + 1);
            }
            continue;
        }
        let Some((name, _)) = line.split_once('=') else {
            continue;
        };
        let name = unquote_path(name);
        let path = if table.is_empty() {
            name
        } else {
            format!("{table}.{name}")
        };
        if path == key {
            return Some(i + 1);
        }
        if best.is_none() && key.starts_with(&format!("{path}.")) {
            best = Some(i + 1);
        }
    }
    best
}

/// A TOML key path without quotes and spaces around the dots.
fn unquote_path(path: &str) -> String {
    path.split('.')
        .map(|part| part.trim().trim_matches('"'))
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(edit: impl Fn(&str) -> String) -> Result<Profile, ProfileError> {
        Profile::from_toml(&edit(DEFAULT_PROFILE_TOML))
    }

    #[test]
    fn the_default_profile_parses_and_covers_every_rule() {
        let profile = Profile::default_profile();
        for rule in Rule::ALL {
            assert_ne!(profile.level(*rule), Level::Off, "{rule}");
        }
        assert!(profile.licenses.is_open("cc-by-4.0"));
        assert!(!profile.licenses.is_open("cc-by-nc-4.0"));
        assert!(profile.licenses.is_known("cc-by-nc-4.0"));
        assert!(!profile.licenses.is_present("none"));
        assert!(
            profile
                .format("csv")
                .is_some_and(|f| f.open && f.machine_readable && f.stars == 3)
        );
        assert!(
            profile
                .format(".xlsx")
                .is_some_and(|f| !f.open && f.stars == 2)
        );
        assert!(
            profile
                .format("PDF")
                .is_some_and(|f| !f.machine_readable && f.stars == 1)
        );
        assert!(profile.knows_media_type("text/csv"));
        assert_eq!(
            profile.timeliness.interval("monthly"),
            Some(TimeDelta::days(31))
        );
        assert_eq!(profile.timeliness.interval("irreg"), None);
        assert_eq!(profile.timeliness.grace, Interval::days(1));
    }

    #[test]
    fn every_frequency_code_is_placed() {
        // Each code of the vocabulary either has an interval or is listed in the profile's
        // comment as promising no schedule.
        let profile = Profile::default_profile();
        let unscheduled = ["update_cont", "irreg", "other", "unknown", "never"];
        for code in dulieu_core::vocab::FREQUENCIES {
            assert!(
                profile.timeliness.intervals.contains_key(*code) != unscheduled.contains(code),
                "{code}"
            );
        }
    }

    #[test]
    fn unknown_keys_are_refused_with_their_line() {
        let err = with(|t| t.replace("[pii]\n", "[pii]\ncolour = \"red\"\n")).unwrap_err();
        assert!(err.message.contains("unknown field `colour`"), "{err}");
        let expected_line = DEFAULT_PROFILE_TOML
            .lines()
            .position(|l| l == "[pii]")
            .unwrap()
            + 2;
        assert_eq!(err.line, Some(expected_line), "{err}");
        assert!(err.to_string().contains(&format!("line {expected_line}")));
    }

    #[test]
    fn wrong_values_name_their_key() {
        let err = with(|t| {
            t.replace(
                "\"license.open\" = \"violation\"",
                "\"license.open\" = \"fatal\"",
            )
        })
        .unwrap_err();
        assert!(err.key.starts_with("rules"), "{err}");
        assert!(err.line.is_some(), "{err}");
        let err =
            with(|t| t.replace("\nmonthly = \"31d\"", "\nmonthly = \"a month\"")).unwrap_err();
        assert_eq!(err.key, "timeliness.intervals.monthly", "{err}");
        assert!(err.message.contains("not a length of time"), "{err}");
        let err = with(|t| t.replace("\nmonthly = \"31d\"", "\nsometimes = \"31d\"")).unwrap_err();
        assert_eq!(err.key, "timeliness.intervals.sometimes");
        assert!(err.line.is_some());
        let err =
            with(|t| t.replace("report_confidence = 0.5", "report_confidence = 1.5")).unwrap_err();
        assert_eq!(err.key, "pii.report_confidence");
        let line = err.line.unwrap();
        assert!(
            DEFAULT_PROFILE_TOML
                .replace("report_confidence = 0.5", "report_confidence = 1.5")
                .lines()
                .nth(line - 1)
                .unwrap()
                .starts_with("report_confidence"),
            "{err}"
        );
    }

    #[test]
    fn cross_checks() {
        let err = with(|t| t.replacen("\"cc-by-4.0\",", "\"cc-by-4.0\", \"mystery-1.0\",", 1))
            .unwrap_err();
        assert_eq!(err.key, "licenses.open", "{err}");
        assert!(err.message.contains("mystery-1.0"));
        let err = with(|t| t.replace("\"pii.exposure\" = \"violation\"\n", "")).unwrap_err();
        assert_eq!(err.key, "rules");
        assert!(err.message.contains("pii.exposure"));
        let err = with(|t| t.replace("[formats.CSV]", "[formats.csv]")).unwrap_err();
        assert_eq!(err.key, "formats.csv");
        assert!(err.line.is_some());
        let err = with(|t| t.replacen("stars = 3", "stars = 5", 1)).unwrap_err();
        assert!(err.key.ends_with(".stars"), "{err}");
        let err = with(|t| {
            t.replacen(
                "content = [\"csv\", \"text\"]",
                "content = [\"spreadsheet\"]",
                1,
            )
        })
        .unwrap_err();
        assert!(err.key.starts_with("formats.CSV.content"), "{err}");
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let err = Profile::from_toml("name = \"x\"\n[licenses\n").unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
        let err = Profile::from_toml("name = \"x\"\n").unwrap_err();
        assert!(err.message.contains("missing field"), "{err}");
    }

    #[test]
    fn rules_can_be_turned_off() {
        let profile = with(|t| {
            t.replace(
                "\"stars.dataset\" = \"warning\"",
                "\"stars.dataset\" = \"off\"",
            )
        })
        .unwrap();
        assert_eq!(profile.severity(Rule::StarsDataset), None);
        assert_eq!(
            profile.severity(Rule::LicensePresent),
            Some(Severity::Violation)
        );
    }
}
