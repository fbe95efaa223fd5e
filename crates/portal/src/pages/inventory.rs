//! The data inventory's pages: the national public list with its filters and spreadsheet
//! exports, an item with its demand and the button that files a data request for it, an
//! organization's inventory with its publication plan drawn as a timeline, the value/effort
//! prioritisation, and for an organization's editors the item form, the spreadsheet import and
//! (for its admins) deletion. Data from `dulieu_app::inventory`; state secrets are hidden by
//! the app.

mod edit;
mod import;
mod item;
mod list;
mod plan;
mod priorities;
mod timeline;

use std::collections::HashMap;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use chrono::NaiveDate;
use dulieu_app::inventory::OverdueItem;
use dulieu_app::{App, PageRequest};
use dulieu_core::Result;
use dulieu_core::text::LangText;
use dulieu_i18n::{Locale, message};
use dulieu_inventory::model::NationalDatabase;
use dulieu_inventory::plan::Timeliness;
use dulieu_inventory::{Item, NATIONAL_DATABASES};
use serde::Serialize;
use uuid::Uuid;

use crate::format;
use crate::lang::Lang;

/// The inventory's pages under `prefix` (`""` or `"/en"`).
pub(crate) fn routes(prefix: &str) -> Router<App> {
    let at = |path: &str| format!("{prefix}{path}");
    Router::new()
        .route(&at("/inventory"), get(list::page))
        .route(&at("/inventory/priorities"), get(priorities::page))
        .route(&at("/inventory/{id}"), get(item::page))
        .route(
            &at("/inventory/{id}/edit"),
            get(edit::edit_form).post(edit::update),
        )
        .route(&at("/inventory/{id}/delete"), post(item::delete))
        .route(&at("/organization/{slug}/inventory"), get(plan::page))
        .route(
            &at("/organization/{slug}/inventory/new"),
            get(edit::new_form).post(edit::create),
        )
        .route(
            &at("/organization/{slug}/inventory/import"),
            get(import::form)
                .post(import::upload)
                // The import reads the file itself, up to its own limit.
                .layer(DefaultBodyLimit::disable()),
        )
}

/// The path of an item's page, without the language prefix.
pub(crate) fn item_path(id: Uuid) -> String {
    format!("/inventory/{id}")
}

/// The path of an organization's inventory and publication plan, without the language prefix.
pub(crate) fn organization_path(slug: &str) -> String {
    format!("/organization/{slug}/inventory")
}

/// The label of the value `wire` of the vocabulary `kind` (`status`, `priority`,
/// `sensitivity`, `effort`, `quadrant`).
fn label(locale: Locale, kind: &str, wire: &str) -> String {
    message(locale, &format!("inventory.{kind}.{wire}"), &[])
}

/// One option of a select.
#[derive(Debug, Clone, Serialize)]
struct Choice {
    value: String,
    label: String,
}

/// The options of a vocabulary's select, in its order.
fn choices<T: Copy>(
    all: &[T],
    wire: fn(T) -> &'static str,
    kind: &str,
    locale: Locale,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: wire(*v).to_string(),
            label: label(locale, kind, wire(*v)),
        })
        .collect()
}

/// A text as a page shows it: in the page's language when there is one, else in the other
/// language, with its `lang` attribute then.
#[derive(Debug, Clone, Default, Serialize)]
struct Shown {
    text: String,
    lang: Option<&'static str>,
}

impl Shown {
    fn of(text: &LangText, locale: Locale) -> Self {
        let (own, other, other_lang) = match locale {
            Locale::Vi => (&text.vi, &text.en, "en"),
            Locale::En => (&text.en, &text.vi, "vi"),
        };
        match (own, other) {
            (Some(own), _) => Self {
                text: own.clone(),
                lang: None,
            },
            (None, Some(other)) => Self {
                text: other.clone(),
                lang: Some(other_lang),
            },
            (None, None) => Self::default(),
        }
    }
}

/// Organizations read for their names and the filters' selects (the whole register).
const ORGANIZATION_LIMIT: i64 = 1000;

/// The register's organizations: names by slug, and the options of a select (by name).
struct Organizations {
    names: HashMap<String, LangText>,
    choices: Vec<Choice>,
}

impl Organizations {
    async fn read(app: &App, locale: Locale) -> Result<Self> {
        let all = app
            .list_organizations(PageRequest {
                page: 1,
                page_size: ORGANIZATION_LIMIT,
            })
            .await?
            .results;
        let mut choices: Vec<Choice> = all
            .iter()
            .map(|o| Choice {
                value: o.slug.clone(),
                label: super::text_in(&o.name, locale),
            })
            .collect();
        choices.sort_by_key(|c| c.label.to_lowercase());
        Ok(Self {
            names: all.into_iter().map(|o| (o.slug, o.name)).collect(),
            choices,
        })
    }

    /// The name of `slug` in `locale` (the slug when unknown).
    fn name(&self, slug: &str, locale: Locale) -> String {
        self.names
            .get(slug)
            .map_or_else(|| slug.to_string(), |n| super::text_in(n, locale))
    }
}

/// The national database whose code is `code`.
fn national_database(code: &str) -> Option<&'static NationalDatabase> {
    NATIONAL_DATABASES.iter().find(|d| d.code == code)
}

/// An item as the tables list it.
#[derive(Debug, Serialize)]
struct Row {
    href: String,
    title: Shown,
    organization: String,
    organization_href: String,
    priority: &'static str,
    priority_label: String,
    sensitivity: &'static str,
    sensitivity_label: String,
    status: &'static str,
    status_label: String,
    target_date: Option<String>,
    overdue: bool,
    requests: i64,
    votes: i64,
}

impl Row {
    fn new(item: &Item, organizations: &Organizations, lang: &Lang) -> Self {
        let locale = lang.locale;
        let fields = &item.fields;
        Self {
            href: format!("{}{}", lang.prefix(), item_path(item.id)),
            title: Shown::of(&fields.title, locale),
            organization: organizations.name(&item.organization, locale),
            organization_href: format!(
                "{}{}",
                lang.prefix(),
                organization_path(&item.organization)
            ),
            priority: fields.priority.as_str(),
            priority_label: label(locale, "priority", fields.priority.as_str()),
            sensitivity: fields.sensitivity.as_str(),
            sensitivity_label: label(locale, "sensitivity", fields.sensitivity.as_str()),
            status: fields.status.as_str(),
            status_label: label(locale, "status", fields.status.as_str()),
            target_date: fields.target_date.map(|d| format::date(d, locale)),
            overdue: item.overdue,
            requests: item.demand.requests,
            votes: item.demand.votes,
        }
    }
}

/// How items keep to their target dates, as the pages write it.
#[derive(Debug, Serialize)]
struct TimelinessView {
    due: i64,
    on_time: i64,
    late: i64,
    overdue: i64,
    /// The share of due items published on time (`67%`), none when none is due.
    on_time_share: Option<String>,
}

impl TimelinessView {
    fn new(t: &Timeliness) -> Self {
        Self {
            due: t.due,
            on_time: t.on_time,
            late: t.late,
            overdue: t.overdue,
            on_time_share: t.on_time_percent().map(|p| format!("{p:.0}%")),
        }
    }
}

/// An overdue item as the scorecard lists it: a violation of `inventory.overdue`.
#[derive(Debug, Serialize)]
pub(crate) struct OverdueRow {
    href: String,
    title: Shown,
    target_date: Option<String>,
    days_late: i64,
}

impl OverdueRow {
    pub(crate) fn new(item: &OverdueItem, lang: &Lang) -> Self {
        Self {
            href: format!("{}{}", lang.prefix(), item_path(item.id)),
            title: Shown::of(&item.title, lang.locale),
            target_date: item.target_date.map(|d| format::date(d, lang.locale)),
            days_late: item.days_late,
        }
    }
}

/// The inventory section of an organization's scorecard: its timeliness and its overdue items,
/// each a violation of the rule `inventory.overdue`.
#[derive(Debug, Serialize)]
pub(crate) struct ScorecardSection {
    items: i64,
    timeliness: TimelinessView,
    overdue: Vec<OverdueRow>,
    plan_href: String,
}

impl ScorecardSection {
    pub(crate) fn new(
        standing: &dulieu_app::inventory::InventoryStanding,
        organization: &str,
        lang: &Lang,
    ) -> Self {
        Self {
            items: standing.items,
            timeliness: TimelinessView::new(&standing.timeliness),
            overdue: standing
                .overdue
                .iter()
                .map(|o| OverdueRow::new(o, lang))
                .collect(),
            plan_href: format!("{}{}", lang.prefix(), organization_path(organization)),
        }
    }
}

/// Today, the day overdue items are counted on (as the app does).
fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_fall_back_to_the_other_language_and_say_so() {
        let both = LangText::new("Dân số", "Population");
        let vi_only = LangText {
            vi: Some("Dân số".into()),
            en: None,
        };
        assert_eq!(Shown::of(&both, Locale::En).text, "Population");
        assert_eq!(Shown::of(&both, Locale::En).lang, None);
        let shown = Shown::of(&vi_only, Locale::En);
        assert_eq!((shown.text.as_str(), shown.lang), ("Dân số", Some("vi")));
        assert_eq!(Shown::of(&LangText::default(), Locale::Vi).text, "");
    }

    #[test]
    fn national_databases_are_found_by_code() {
        assert_eq!(
            national_database("csdlqg-dan-cu").map(|d| d.en),
            Some("National population database")
        );
        assert!(national_database("oracle").is_none());
    }

    #[test]
    fn timeliness_shows_a_whole_percentage() {
        let view = TimelinessView::new(&Timeliness {
            due: 3,
            on_time: 2,
            late: 0,
            overdue: 1,
        });
        assert_eq!(view.on_time_share.as_deref(), Some("67%"));
        assert_eq!(
            TimelinessView::new(&Timeliness::default()).on_time_share,
            None
        );
    }
}
