//! What the pages of scheduled jobs share (a file's automatic updates, `pages::sources`; harvest
//! sources, `pages::harvest`): moments in the portal's time zone, the schedule presets offered
//! beside a cron input (they work without JavaScript), and the pager of a run history. Their
//! markup is in `_schedule_fields.html` and `_runs_pager.html`.

use chrono::{DateTime, FixedOffset, Utc};
use dulieu_app::{App, Page};
use dulieu_i18n::{Locale, message};
use serde::Serialize;

use crate::format;

/// The schedules offered beside the schedule input: the catalog key of their label, and the
/// cron expression.
pub(crate) const PRESETS: &[(&str, &str)] = &[
    ("portal.pull.preset.daily", "0 2 * * *"),
    ("portal.pull.preset.hourly", "0 * * * *"),
    ("portal.pull.preset.weekly", "0 8 * * 1"),
];

/// The portal's time zone, the one schedules are read in.
pub(crate) fn portal_offset(app: &App) -> FixedOffset {
    app.ticket_rules().clock.offset()
}

/// A moment as the pages show it: in the portal's time zone, with the `datetime` of its
/// `<time>` element.
#[derive(Debug, Serialize)]
pub(crate) struct When {
    text: String,
    datetime: String,
}

impl When {
    /// `at` in the time zone `offset`, written for `locale`.
    pub(crate) fn new(at: DateTime<Utc>, offset: FixedOffset, locale: Locale) -> Self {
        Self {
            text: format::moment_in(at, offset, locale),
            datetime: format::datetime_attr(at),
        }
    }
}

/// A schedule offered beside the input: its link fills the input in without JavaScript (the page
/// again, `?schedule=`), the script fills it in place.
#[derive(Debug, Serialize)]
pub(crate) struct Preset {
    label: String,
    schedule: &'static str,
    href: String,
}

/// The [`PRESETS`] of the form at `here` (its path with the language prefix), labelled in
/// `locale`.
pub(crate) fn presets(here: &str, locale: Locale) -> Vec<Preset> {
    PRESETS
        .iter()
        .map(|&(key, schedule)| Preset {
            label: message(locale, key, &[]),
            schedule,
            href: format!(
                "{here}?{}#f-schedule",
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("schedule", schedule)
                    .finish()
            ),
        })
        .collect()
}

/// The links between the pages of a run history.
#[derive(Debug, Serialize)]
pub(crate) struct Pager {
    pub(crate) page: i64,
    pub(crate) pages: i64,
    pub(crate) previous_href: Option<String>,
    pub(crate) next_href: Option<String>,
}

impl Pager {
    /// The pager of `runs`, whose pages are at `href?page=n#history`; none when one page holds
    /// them all.
    pub(crate) fn new<T>(runs: &Page<T>, href: &str) -> Option<Self> {
        let pages = ((runs.total + runs.page_size - 1) / runs.page_size).max(1);
        let link = |n: i64| {
            if n > 1 {
                format!("{href}?page={n}#history")
            } else {
                format!("{href}#history")
            }
        };
        (pages > 1 || runs.page > 1).then(|| Self {
            page: runs.page,
            pages,
            previous_href: (runs.page > 1).then(|| link(runs.page - 1)),
            next_href: (runs.page < pages).then(|| link(runs.page + 1)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_is_paged_only_when_it_needs_to() {
        let page = |page, total| Page::<()> {
            results: Vec::new(),
            total,
            page,
            page_size: 20,
        };
        assert!(Pager::new(&page(1, 20), "/x").is_none());
        let first = Pager::new(&page(1, 41), "/x").unwrap();
        assert_eq!(first.pages, 3);
        assert_eq!(first.previous_href, None);
        assert_eq!(first.next_href.as_deref(), Some("/x?page=2#history"));
        let second = Pager::new(&page(2, 41), "/x").unwrap();
        assert_eq!(second.previous_href.as_deref(), Some("/x#history"));
        assert!(Pager::new(&page(5, 41), "/x").unwrap().next_href.is_none());
    }

    #[test]
    fn every_preset_has_its_text_and_five_fields() {
        for (key, schedule) in PRESETS {
            assert!(dulieu_i18n::has_message(key), "{key}");
            assert_eq!(schedule.split_whitespace().count(), 5, "{schedule}");
        }
        let links = presets("/en/admin/harvest/new", Locale::En);
        assert_eq!(
            links[0].href,
            "/en/admin/harvest/new?schedule=0+2+*+*+*#f-schedule"
        );
        assert_eq!(links[0].label, "Every day at 02:00");
    }
}
