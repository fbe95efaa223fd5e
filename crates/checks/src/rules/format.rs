//! `format.open` and `format.machine_readable`: each distribution's format — the real one when
//! its content shows another than declared — is open, and machine-readable. A distribution that
//! fails is reported at `info` when another distribution of the dataset is open and
//! machine-readable (a PDF methodology next to the CSV is documentation, not a gap).
//! `format.matches_content`: the declared format matches the file's first bytes.

use serde_json::{Value, json};

use crate::assess::{Assessment, DistributionAssessment};
use crate::finding::{Finding, Rule, Severity, Subject};
use crate::sniff::ContentKind;

pub(super) fn check(a: &Assessment, out: &mut Vec<Finding>) {
    let alternative = a.has_open_machine_readable();
    for d in &a.distributions {
        let subject = Subject::distribution(d.distribution.id);
        let format = &d.format;
        let severity = |rule: Rule| {
            a.profile.severity(rule).map(|s| {
                let passing_sibling = alternative && !(format.open && format.machine_readable);
                if passing_sibling { Severity::Info } else { s }
            })
        };
        if let Some(severity) = severity(Rule::FormatOpen)
            && !format.open
        {
            out.push(failing(Rule::FormatOpen, severity, subject, d, "closed"));
        }
        if let Some(severity) = severity(Rule::FormatMachineReadable)
            && !format.machine_readable
        {
            out.push(failing(
                Rule::FormatMachineReadable,
                severity,
                subject,
                d,
                "not_machine_readable",
            ));
        }
        if let Some(severity) = a.profile.severity(Rule::FormatMatchesContent) {
            match (format.sniffed, format.matches) {
                (Some(ContentKind::Empty), _) => out.push(
                    Finding::new(Rule::FormatMatchesContent, severity, subject, "empty")
                        .evidence(evidence(d)),
                ),
                (Some(found), Some(false)) => out.push(
                    Finding::new(Rule::FormatMatchesContent, severity, subject, "mismatch")
                        .param("declared", format.declared.as_deref().unwrap_or_default())
                        .param("found", found.format().unwrap_or(found.as_str()))
                        .evidence(evidence(d)),
                ),
                _ => {}
            }
        }
    }
}

/// A format finding: `missing` when no format is known at all, else `variant` with the format.
fn failing(
    rule: Rule,
    severity: Severity,
    subject: Subject,
    d: &DistributionAssessment,
    variant: &str,
) -> Finding {
    match &d.format.effective {
        Some(format) => Finding::new(rule, severity, subject, variant).param("format", format),
        None => Finding::new(rule, severity, subject, "missing"),
    }
    .evidence(evidence(d))
}

fn evidence(d: &DistributionAssessment) -> Value {
    let f = &d.format;
    json!({
        "declared": f.declared,
        "sniffed": f.sniffed,
        "judged": f.effective,
        "open": f.open,
        "machine_readable": f.machine_readable,
    })
}

#[cfg(test)]
mod tests {
    use crate::finding::{Rule, Severity};
    use crate::profile::Profile;
    use crate::rules::{check_dataset, test_support::of};
    use crate::sniff::{ContentKind, Sniffed};
    use crate::testing::*;

    fn check(distributions: Vec<dulieu_core::catalog::Distribution>) -> Vec<crate::Finding> {
        check_dataset(
            &Profile::default_profile(),
            &facts(dataset(), distributions),
        )
    }

    #[test]
    fn open_machine_readable_formats_pass() {
        let findings = check(vec![distribution("CSV"), distribution("GeoJSON")]);
        for rule in [
            Rule::FormatOpen,
            Rule::FormatMachineReadable,
            Rule::FormatMatchesContent,
        ] {
            assert!(of(&findings, rule).is_empty(), "{rule}");
        }
    }

    #[test]
    fn a_lone_pdf_fails_machine_readability() {
        let findings = check(vec![distribution("PDF")]);
        assert!(of(&findings, Rule::FormatOpen).is_empty());
        assert_eq!(
            of(&findings, Rule::FormatMachineReadable),
            vec![(
                "check.format.machine_readable.not_machine_readable".into(),
                Severity::Violation
            )]
        );
    }

    #[test]
    fn excel_is_structured_but_proprietary() {
        let findings = check(vec![distribution("XLSX")]);
        assert_eq!(
            of(&findings, Rule::FormatOpen),
            vec![("check.format.open.closed".into(), Severity::Warning)]
        );
        assert!(of(&findings, Rule::FormatMachineReadable).is_empty());
    }

    #[test]
    fn documents_next_to_open_data_are_info() {
        let findings = check(vec![distribution("CSV"), distribution("DOCX")]);
        assert_eq!(
            of(&findings, Rule::FormatOpen),
            vec![("check.format.open.closed".into(), Severity::Info)]
        );
        assert_eq!(
            of(&findings, Rule::FormatMachineReadable),
            vec![(
                "check.format.machine_readable.not_machine_readable".into(),
                Severity::Info
            )]
        );
    }

    #[test]
    fn no_format_at_all() {
        let findings = check(vec![distribution("")]);
        assert_eq!(
            of(&findings, Rule::FormatOpen),
            vec![("check.format.open.missing".into(), Severity::Warning)]
        );
    }

    #[test]
    fn the_content_is_trusted_over_the_label() {
        let pdf_as_csv = distribution("CSV");
        let mut f = facts(dataset(), vec![pdf_as_csv.clone()]);
        facts_of(&mut f, pdf_as_csv.id).sniffed = Some(Sniffed::of(ContentKind::Pdf));
        let findings = check_dataset(&Profile::default_profile(), &f);
        let mismatch: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == Rule::FormatMatchesContent)
            .collect();
        assert_eq!(mismatch.len(), 1);
        assert_eq!(
            mismatch[0].message_key,
            "check.format.matches_content.mismatch"
        );
        assert_eq!(mismatch[0].params["declared"], "CSV");
        assert_eq!(mismatch[0].params["found"], "PDF");
        assert_eq!(mismatch[0].evidence["sniffed"], "pdf");
        // Judged as what it is: a PDF, not machine-readable.
        assert_eq!(of(&findings, Rule::FormatMachineReadable).len(), 1);

        facts_of(&mut f, pdf_as_csv.id).sniffed = Some(Sniffed::of(ContentKind::Empty));
        let findings = check_dataset(&Profile::default_profile(), &f);
        assert_eq!(
            of(&findings, Rule::FormatMatchesContent),
            vec![(
                "check.format.matches_content.empty".into(),
                Severity::Warning
            )]
        );

        facts_of(&mut f, pdf_as_csv.id).sniffed = Some(Sniffed::of(ContentKind::Csv));
        let findings = check_dataset(&Profile::default_profile(), &f);
        assert!(of(&findings, Rule::FormatMatchesContent).is_empty());
    }
}
