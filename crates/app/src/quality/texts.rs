//! The watchdog's findings as text in either language: the message of a finding, what it is
//! about, and the description of the ticket a violated rule opens.

use dulieu_checks::{Finding, Rule, SubjectKind};
use dulieu_core::catalog::Dataset;
use dulieu_i18n::{Locale, message};

/// The largest ticket description (the feedback form's limit).
const DESCRIPTION_MAX: usize = dulieu_tickets::request::NOTE_MAX;

/// A finding's message in `locale`.
pub fn finding_text(finding: &Finding, locale: Locale) -> String {
    message(locale, &finding.message_key, &finding.params_list())
}

/// What a finding is about, in `locale`: the dataset, or the distribution by its title (its id
/// when it has none or is gone).
pub fn subject_text(dataset: &Dataset, finding: &Finding, locale: Locale) -> String {
    match finding.subject.kind {
        SubjectKind::Dataset => message(locale, "quality.subject.dataset", &[]),
        SubjectKind::Distribution => {
            let title = dataset
                .distributions
                .iter()
                .find(|d| d.id == finding.subject.id)
                .and_then(|d| {
                    let lang = locale.as_str();
                    d.title
                        .get(lang)
                        .or_else(|| d.title.get("vi"))
                        .or(d.filename.as_deref())
                        .map(str::to_string)
                })
                .unwrap_or_else(|| finding.subject.id.to_string());
            message(locale, "quality.subject.distribution", &[("title", &title)])
        }
    }
}

/// The description of the ticket for `rule`: in Vietnamese then English, the rule, each
/// finding with what it is about, and how to fix it; cut to the form's limit.
pub(crate) fn ticket_description(dataset: &Dataset, rule: Rule, findings: &[&Finding]) -> String {
    let mut parts = Vec::new();
    for locale in [Locale::Vi, Locale::En] {
        let title = message(locale, &rule.title_key(), &[]);
        let mut text = message(locale, "quality.ticket.heading", &[("rule", &title)]);
        for finding in findings {
            text.push_str(&format!(
                "\n- {}: {}",
                subject_text(dataset, finding, locale),
                finding_text(finding, locale)
            ));
        }
        let fix = message(locale, &rule.fix_key(), &[]);
        text.push_str("\n\n");
        text.push_str(&message(locale, "quality.ticket.fix", &[("fix", &fix)]));
        parts.push(text);
    }
    let text = parts.join("\n\n---\n\n");
    if text.chars().count() <= DESCRIPTION_MAX {
        text
    } else {
        let mut cut: String = text.chars().take(DESCRIPTION_MAX - 1).collect();
        cut.push('…');
        cut
    }
}

/// The note the watchdog closes a ticket with, in both languages.
pub(crate) fn resolved_note(rule: &str) -> String {
    let title = |locale| {
        Rule::parse(rule)
            .map(|r| message(locale, &r.title_key(), &[]))
            .unwrap_or_else(|| rule.to_string())
    };
    format!(
        "{}\n\n{}",
        message(
            Locale::Vi,
            "quality.ticket.resolved",
            &[("rule", &title(Locale::Vi))]
        ),
        message(
            Locale::En,
            "quality.ticket.resolved",
            &[("rule", &title(Locale::En))]
        ),
    )
}
