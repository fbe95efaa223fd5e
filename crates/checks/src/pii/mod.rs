//! The personal-data detector: which columns of a table look like they hold personal data, and
//! how sure that is.
//!
//! Each column is scored for every kind ([`PiiKind`]) and keeps its best kind. The confidence,
//! from 0 to 1, is
//!
//! ```text
//! confidence = clamp( weight share × min(1, sampled / min_sample)
//!                     + header_boost            when the column name announces the kind
//!                     − penalties ) × factors
//! ```
//!
//! - **weight share**: the sum over sampled values of the weight of what each value is, over
//!   the number of sampled (non-empty) values. Weights: e-mail 1.0 (at a government domain, an
//!   office's address, 0.4); mobile number 0.9, mobile
//!   number that lost its leading zero 0.7, landline 0.5; 12-digit citizen identity number with
//!   its structure (province code, century-and-sex digit, plausible birth year) 0.9; 9-digit
//!   identity card number 0.45; tax code with a valid check digit 0.6; date of birth 0.45
//!   (only a header makes a date a birth date with some certainty). A column where no value
//!   matches scores 0 whatever its name: masked values (`001******345`) are not exposed.
//! - **penalties** (false positives): values that are sequential (−0.5), share a prefix of at
//!   least half their digits (−0.3), repeat (fewer than half the rows distinct, −0.5), look
//!   like amounts of money (most end in `000`, −0.5); 12-digit values failing the identity
//!   structure (− their share: a column of statistical codes); a name saying "code" (`Mã xã`,
//!   −0.3) without announcing the kind; phone-like values that carry the tax-code check digit
//!   (−0.5); phones, e-mails and tax codes in a table of organizations and no people (−0.5).
//! - **factors and bonuses**: tax codes next to people's names +0.1; dates of birth without a
//!   column of names count half ("dates of birth next to names" is what exposes people).

mod headers;
mod values;
mod vn_ids;

use serde::{Deserialize, Serialize};

use crate::input::{ColumnSample, TableSample};
use crate::profile::PiiPolicy;

use headers::{HeaderHints, hints};
use vn_ids::{CitizenId, Phone};

dulieu_core::string_enum! {
    /// A kind of personal data. Labels: `check.pii.kind.<name>`.
    PiiKind {
        /// E-mail addresses.
        Email = "email",
        /// Vietnamese phone numbers.
        Phone = "phone",
        /// 12-digit citizen identity numbers (CCCD).
        CitizenId = "citizen_id",
        /// 9-digit identity card numbers (CMND).
        OldIdCard = "old_id_card",
        /// Tax codes (MST).
        TaxCode = "tax_code",
        /// Dates of birth.
        BirthDate = "birth_date",
    }
}

impl PiiKind {
    /// True for the kinds that are numbers identifying one person or line.
    fn is_number(self) -> bool {
        matches!(
            self,
            PiiKind::Phone | PiiKind::CitizenId | PiiKind::OldIdCard | PiiKind::TaxCode
        )
    }
}

/// A column that looks like it holds personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnDetection {
    /// The table (sheet) name.
    pub table: String,
    /// The column name.
    pub column: String,
    /// The kind of personal data.
    pub kind: PiiKind,
    /// How sure, from 0 to 1 (two decimals).
    pub confidence: f64,
    /// Sampled values that matched the kind.
    pub matched: usize,
    /// Sampled (non-empty) values.
    pub sampled: usize,
    /// Masked examples of matching values.
    pub examples: Vec<String>,
    /// What raised or lowered the confidence (`values`, `header`, `sequential` …).
    pub reasons: Vec<String>,
}

/// Values that mean "nothing here".
const MISSING: &[&str] = &["-", "–", "—", "x", "n/a", "na", "...", "…", "null", "none"];

/// Scans every column of a table; returns the columns at or above the policy's reporting
/// confidence, each with its most likely kind.
pub fn scan_table(policy: &PiiPolicy, table: &TableSample, now_year: i32) -> Vec<ColumnDetection> {
    let context = TableContext::of(table);
    table
        .columns
        .iter()
        .filter_map(|column| best_kind(policy, &context, table, column, now_year))
        .filter(|d| d.confidence >= policy.report_confidence)
        .collect()
}

/// What the other columns of the table say.
struct TableContext {
    /// Some column holds names of people.
    person_names: bool,
    /// Some column names organizations.
    organizations: bool,
}

impl TableContext {
    fn of(table: &TableSample) -> Self {
        let person_names = table.columns.iter().any(|c| {
            if hints(&c.name).person_name {
                return true;
            }
            let values = sampled_values(c);
            values.len() >= 3
                && values.iter().filter(|v| values::person_name(v)).count() * 10 >= values.len() * 6
        });
        let organizations = table.columns.iter().any(|c| hints(&c.name).organization);
        Self {
            person_names,
            organizations,
        }
    }
}

/// The non-empty values of a column, trimmed.
fn sampled_values(column: &ColumnSample) -> Vec<&str> {
    column
        .values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty() && !MISSING.contains(&v.to_lowercase().as_str()))
        .collect()
}

/// The column's most likely kind, when any value matches one.
fn best_kind(
    policy: &PiiPolicy,
    context: &TableContext,
    table: &TableSample,
    column: &ColumnSample,
    now_year: i32,
) -> Option<ColumnDetection> {
    let values = sampled_values(column);
    if values.is_empty() {
        return None;
    }
    let header = hints(&column.name);
    let mut best: Option<ColumnDetection> = None;
    for kind in PiiKind::ALL {
        let tally = Tally::of(*kind, &values, &header, now_year);
        if tally.matched == 0 {
            continue;
        }
        let (confidence, reasons) = confidence(
            policy,
            context,
            table,
            column,
            &header,
            *kind,
            &tally,
            values.len(),
        );
        if best.as_ref().is_none_or(|b| confidence > b.confidence) {
            best = Some(ColumnDetection {
                table: table.name.clone(),
                column: column.name.clone(),
                kind: *kind,
                confidence: (confidence * 100.0).round() / 100.0,
                matched: tally.matched,
                sampled: values.len(),
                examples: tally
                    .matched_values
                    .iter()
                    .take(policy.max_examples)
                    .map(|v| values::mask(v))
                    .collect(),
                reasons,
            });
        }
    }
    best
}

/// How the sampled values of a column match one kind.
struct Tally<'v> {
    /// Values that match.
    matched: usize,
    /// The sum of their weights.
    weight: f64,
    /// Values of the kind's digit shape, matching or not (12 digits for citizen ids).
    shaped: usize,
    /// Matching values as written.
    matched_values: Vec<&'v str>,
    /// Matching values as digits only (number kinds).
    digits: Vec<String>,
    /// Matching e-mail addresses at government domains.
    official: usize,
}

impl<'v> Tally<'v> {
    fn of(kind: PiiKind, values: &[&'v str], header: &HeaderHints, now_year: i32) -> Self {
        let mut tally = Tally {
            matched: 0,
            weight: 0.0,
            shaped: 0,
            matched_values: Vec::new(),
            digits: Vec::new(),
            official: 0,
        };
        for value in values {
            let weight = match kind {
                PiiKind::Email => values::email(value).map(|e| match e {
                    values::Email::Official => {
                        tally.official += 1;
                        0.4
                    }
                    values::Email::Other => 1.0,
                }),
                PiiKind::Phone => vn_ids::phone(value).map(|p| match p {
                    Phone::Mobile => 0.9,
                    Phone::MobileWithoutZero => 0.7,
                    Phone::Landline => 0.5,
                }),
                PiiKind::CitizenId => match vn_ids::citizen_id(value, now_year) {
                    CitizenId::NotShaped => None,
                    CitizenId::Unstructured => {
                        tally.shaped += 1;
                        None
                    }
                    CitizenId::Structured => {
                        tally.shaped += 1;
                        Some(0.9)
                    }
                },
                PiiKind::OldIdCard => vn_ids::old_id_card(value).then_some(0.45),
                PiiKind::TaxCode => vn_ids::tax_code(value).then_some(0.6),
                PiiKind::BirthDate => {
                    let year_alone = header.announces(PiiKind::BirthDate);
                    values::birth_date(value, now_year, year_alone).then_some(0.45)
                }
            };
            if let Some(weight) = weight {
                tally.matched += 1;
                tally.weight += weight;
                tally.matched_values.push(value);
                if kind.is_number() {
                    tally
                        .digits
                        .push(value.chars().filter(char::is_ascii_digit).collect());
                }
            }
        }
        tally
    }
}

/// The confidence of one kind for one column, with the reasons.
#[allow(clippy::too_many_arguments)]
fn confidence(
    policy: &PiiPolicy,
    context: &TableContext,
    table: &TableSample,
    column: &ColumnSample,
    header: &HeaderHints,
    kind: PiiKind,
    tally: &Tally,
    sampled: usize,
) -> (f64, Vec<String>) {
    let mut reasons = vec!["values".to_string()];
    let mut why = |reason: &str| reasons.push(reason.to_string());
    let sample_factor = (sampled as f64 / policy.min_sample as f64).min(1.0);
    if sample_factor < 1.0 {
        why("few_values");
    }
    let mut score = tally.weight / sampled as f64 * sample_factor;
    if header.announces(kind) {
        score += policy.header_boost;
        why("header");
    }
    if kind.is_number() {
        if is_sequential(&tally.digits) {
            score -= 0.5;
            why("sequential");
        }
        if shares_prefix(&tally.digits) {
            score -= 0.3;
            why("shared_prefix");
        }
        if looks_like_money(&tally.digits) {
            score -= 0.5;
            why("money_like");
        }
        if repeats(table, column, sampled) {
            score -= 0.5;
            why("repeated_values");
        }
        if header.code && !header.announces(kind) {
            score -= 0.3;
            why("code_header");
        }
    }
    match kind {
        PiiKind::CitizenId if tally.shaped > tally.matched => {
            score -= (tally.shaped - tally.matched) as f64 / sampled as f64;
            why("structure_fails");
        }
        PiiKind::Phone if carries_tax_check_digits(&tally.digits) => {
            score -= 0.5;
            why("tax_check_digits");
        }
        PiiKind::TaxCode if context.person_names => {
            score += 0.1;
            why("next_to_names");
        }
        PiiKind::BirthDate if !context.person_names => {
            score *= 0.5;
            why("no_names");
        }
        PiiKind::Email if tally.official > 0 => why("official_addresses"),
        _ => {}
    }
    let organizational = matches!(kind, PiiKind::Phone | PiiKind::Email | PiiKind::TaxCode);
    if organizational && context.organizations && !context.person_names {
        score -= 0.5;
        why("organization_names");
    }
    (score.clamp(0.0, 1.0), reasons)
}

/// At least three values, and four in five steps between them (sorted) are 1.
fn is_sequential(digits: &[String]) -> bool {
    let mut numbers: Vec<u128> = digits.iter().filter_map(|d| d.parse().ok()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    if numbers.len() < 3 {
        return false;
    }
    let steps_of_one = numbers.windows(2).filter(|w| w[1] - w[0] == 1).count();
    steps_of_one * 5 >= (numbers.len() - 1) * 4
}

/// At least three values of the same length sharing their first half or more.
fn shares_prefix(digits: &[String]) -> bool {
    let Some(first) = digits.first() else {
        return false;
    };
    if digits.len() < 3 || digits.iter().any(|d| d.len() != first.len()) {
        return false;
    }
    let common = digits.iter().fold(first.len(), |common, d| {
        first
            .bytes()
            .zip(d.bytes())
            .take(common)
            .take_while(|(a, b)| a == b)
            .count()
    });
    common * 2 >= first.len()
}

/// At least three values, and three in five end in `000`.
fn looks_like_money(digits: &[String]) -> bool {
    digits.len() >= 3
        && digits.iter().filter(|d| d.ends_with("000")).count() * 5 >= digits.len() * 3
}

/// Fewer than half the values are distinct (over the whole column when its distinct count is
/// known, else over the sample), judged from ten values up.
fn repeats(table: &TableSample, column: &ColumnSample, sampled: usize) -> bool {
    match column.distinct_count {
        Some(distinct) if table.row_count >= 10 => distinct * 2 < table.row_count as u64,
        Some(_) => false,
        None => {
            let mut values: Vec<&str> = sampled_values(column);
            values.sort_unstable();
            values.dedup();
            sampled >= 10 && values.len() * 2 < sampled
        }
    }
}

/// At least three 10-digit values, and four in five carry a valid tax-code check digit
/// (one in eleven random numbers does).
fn carries_tax_check_digits(digits: &[String]) -> bool {
    let ten: Vec<&String> = digits.iter().filter(|d| d.len() == 10).collect();
    ten.len() >= 3
        && ten.iter().filter(|d| vn_ids::tax_check_digit_ok(d)).count() * 5 >= ten.len() * 4
}

#[cfg(test)]
mod tests;
