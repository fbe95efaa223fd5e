//! Harvest sources, their runs and a harvested dataset's origin as the pages show them: moments
//! in the portal's time zone, counts written for the reader, codes the templates translate.

use chrono::{DateTime, FixedOffset, Utc};
use dulieu_app::App;
use dulieu_core::Result;
use dulieu_core::harvest::{HarvestItemError, HarvestOutcome, HarvestRun, HarvestSource};
use dulieu_core::text::is_http_url;
use dulieu_i18n::{Locale, message};
use serde::Serialize;
use uuid::Uuid;

use super::super::runs::When;
use super::source_path;
use crate::format;
use crate::lang::Lang;

/// Where a source stands, in the list and on its page.
#[derive(Debug, Serialize)]
pub(super) struct SourceView {
    slug: String,
    title: String,
    kind: &'static str,
    url: String,
    /// The organization every dataset goes to (its slug); none mirrors the publishers.
    organization: Option<String>,
    publisher_kind: &'static str,
    schedule: String,
    enabled: bool,
    next_run: Option<When>,
    running: bool,
    last_run: Option<When>,
    last_outcome: Option<&'static str>,
    /// Datasets harvested and not archived, written for the reader.
    datasets: String,
    grace_days: i64,
    /// Its page.
    href: String,
}

impl SourceView {
    pub(super) fn new(source: &HarvestSource, lang: &Lang, offset: FixedOffset) -> Self {
        let locale = lang.locale;
        let when = |at: Option<DateTime<Utc>>| at.map(|at| When::new(at, offset, locale));
        Self {
            slug: source.slug.clone(),
            title: source.title.clone(),
            kind: source.kind.as_str(),
            url: source.url.clone(),
            organization: source.organization.clone(),
            publisher_kind: source.publisher_kind.as_str(),
            schedule: source.schedule.clone(),
            enabled: source.enabled,
            next_run: when(source.next_run_at),
            running: source.running,
            last_run: when(source.last_run_at),
            last_outcome: source.last_outcome.map(HarvestOutcome::as_str),
            datasets: format::count(source.dataset_count.max(0) as u64, locale),
            grace_days: source.grace_days,
            href: format!("{}{}", lang.prefix(), source_path(&source.slug)),
        }
    }
}

/// True for the outcomes shown as failures.
fn is_failure(outcome: HarvestOutcome) -> bool {
    matches!(
        outcome,
        HarvestOutcome::Failed | HarvestOutcome::Interrupted
    )
}

/// A run in the history.
#[derive(Debug, Serialize)]
pub(super) struct RunRow {
    started: When,
    trigger: &'static str,
    outcome: &'static str,
    failed: bool,
    /// The run "Run now" just made (`?run=`).
    just_ran: bool,
    duration: Option<String>,
    created: i64,
    updated: i64,
    unchanged: i64,
    archived: i64,
    failed_items: i64,
    error_code: Option<String>,
    error_message: Option<String>,
    item_errors: Vec<HarvestItemError>,
}

impl RunRow {
    pub(super) fn new(
        run: &HarvestRun,
        just_ran: Option<Uuid>,
        offset: FixedOffset,
        locale: Locale,
    ) -> Self {
        Self {
            started: When::new(run.started_at, offset, locale),
            trigger: run.trigger.as_str(),
            outcome: run.outcome.as_str(),
            failed: is_failure(run.outcome),
            just_ran: just_ran == Some(run.id),
            duration: run.duration_ms.map(|ms| format::duration_ms(ms, locale)),
            created: run.created,
            updated: run.updated,
            unchanged: run.unchanged,
            archived: run.archived,
            failed_items: run.failed,
            error_code: run.error_code.clone(),
            error_message: run.error_message.clone(),
            item_errors: run.item_errors.clone(),
        }
    }
}

/// What a run did, in words: "Created 3, updated 1, …".
pub(super) fn counts_text(run: &HarvestRun, locale: Locale) -> String {
    let n = |count: i64| format::count(count.max(0) as u64, locale);
    message(
        locale,
        "portal.harvest.counts",
        &[
            ("created", &n(run.created)),
            ("updated", &n(run.updated)),
            ("unchanged", &n(run.unchanged)),
            ("archived", &n(run.archived)),
            ("failed", &n(run.failed)),
        ],
    )
}

/// The message after "Run now": a notice when the source was read or the run goes on in the
/// background, a problem when the run failed (its error is in the history).
pub(super) fn ran_message(
    outcome: HarvestOutcome,
) -> std::result::Result<&'static str, &'static str> {
    if outcome == HarvestOutcome::Running {
        Ok("harvest_running")
    } else if is_failure(outcome) {
        Err("harvest_run_failed")
    } else {
        Ok("harvest_ran")
    }
}

/// Where a harvested dataset comes from, on its public page.
#[derive(Debug, Serialize)]
pub(crate) struct HarvestedFrom {
    /// The source's title.
    source: String,
    /// The dataset's page at the source, else the source's address; none when neither is an
    /// http(s) address (a source's page could name anything).
    href: Option<String>,
    /// Since when the source no longer lists it (a date).
    gone_since: Option<String>,
}

impl HarvestedFrom {
    /// The origin of dataset `dataset_id`, when it was harvested.
    pub(crate) async fn load(app: &App, dataset_id: Uuid, locale: Locale) -> Result<Option<Self>> {
        Ok(app.dataset_origin(dataset_id).await?.map(|origin| Self {
            href: origin
                .remote_url
                .filter(|url| is_http_url(url))
                .or(Some(origin.source_url).filter(|url| is_http_url(url))),
            source: origin.source_title,
            gone_since: origin
                .gone_since
                .map(|at| format::date(at.date_naive(), locale)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_trigger_and_kind_has_its_text() {
        for outcome in HarvestOutcome::ALL {
            let key = format!("portal.harvest.outcome.{}", outcome.as_str());
            assert!(dulieu_i18n::has_message(&key), "{key}");
            let code = match ran_message(*outcome) {
                Ok(notice) => format!("portal.notice.{notice}"),
                Err(problem) => format!("portal.problem.{problem}"),
            };
            assert!(dulieu_i18n::has_message(&code), "{code}");
        }
        for kind in dulieu_core::harvest::HarvestKind::ALL {
            for key in [
                format!("portal.harvest.kind.{}", kind.as_str()),
                format!("portal.harvest.kind_hint.{}", kind.as_str()),
            ] {
                assert!(dulieu_i18n::has_message(&key), "{key}");
            }
        }
        for action in ["create", "update", "unchanged"] {
            let key = format!("portal.harvest.action.{action}");
            assert!(dulieu_i18n::has_message(&key), "{key}");
        }
    }
}
