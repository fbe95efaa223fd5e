//! The form of a harvest source: what its inputs hold, the [`HarvestSourceInput`] they make (the
//! app checks every rule; only a choice that is not one of the offered values is refused here),
//! and the form as the template shows it, with a preview's items when one was asked for.

use dulieu_app::{App, PageRequest};
use dulieu_core::harvest::{
    HarvestItemError, HarvestKind, HarvestPreview, HarvestSource, HarvestSourceInput,
};
use dulieu_core::vocab::OrgKind;
use dulieu_core::{Error, FieldErrors, Result};
use dulieu_i18n::{Locale, message};
use serde::Serialize;

use super::super::account::errors_summary;
use super::super::runs::{PRESETS, Preset, portal_offset, presets};
use super::super::text_in;
use super::super::ticket_forms::Errors;
use crate::form::Fields;
use crate::format;

/// The inputs of the form; errors of other fields are shown above it.
const INPUTS: &[&str] = &[
    "slug",
    "title",
    "kind",
    "url",
    "organization",
    "publisher_kind",
    "schedule",
    "enabled",
    "grace_days",
];

/// Organizations offered in the organization select at most.
const ORGANIZATIONS_LISTED: i64 = 1000;

/// What the form's inputs hold, as typed.
#[derive(Debug, Serialize)]
pub(super) struct Values {
    slug: String,
    title: String,
    kind: String,
    url: String,
    /// An organization's slug; empty mirrors the source's publishers.
    organization: String,
    publisher_kind: String,
    schedule: String,
    enabled: bool,
    grace_days: String,
}

impl Values {
    /// The form of a new source: a CKAN portal read every night, its publishers mirrored.
    pub(super) fn blank() -> Self {
        Self {
            slug: String::new(),
            title: String::new(),
            kind: HarvestKind::Ckan.as_str().to_string(),
            url: String::new(),
            organization: String::new(),
            publisher_kind: OrgKind::OtherPublic.as_str().to_string(),
            schedule: PRESETS[0].1.to_string(),
            enabled: true,
            grace_days: "7".to_string(),
        }
    }

    /// The form of a saved source.
    pub(super) fn of(source: &HarvestSource) -> Self {
        Self {
            slug: source.slug.clone(),
            title: source.title.clone(),
            kind: source.kind.as_str().to_string(),
            url: source.url.clone(),
            organization: source.organization.clone().unwrap_or_default(),
            publisher_kind: source.publisher_kind.as_str().to_string(),
            schedule: source.schedule.clone(),
            enabled: source.enabled,
            grace_days: source.grace_days.to_string(),
        }
    }

    /// The form as posted.
    pub(super) fn from_fields(fields: &Fields) -> Self {
        let get = |name: &str| fields.get(name).to_string();
        Self {
            slug: get("slug"),
            title: get("title"),
            kind: get("kind"),
            url: get("url"),
            organization: get("organization"),
            publisher_kind: get("publisher_kind"),
            schedule: get("schedule"),
            enabled: fields.get("enabled") == "1",
            grace_days: get("grace_days"),
        }
    }

    /// Shows `schedule` in the schedule input (a preset chosen without JavaScript).
    pub(super) fn set_schedule(&mut self, schedule: String) {
        self.schedule = schedule;
    }

    /// The settings to save or preview. A kind that is not one of the offered values is refused
    /// here (422 on its input); grace days that are not a whole number go to the app as -1,
    /// which its range rule refuses with the range's message.
    pub(super) fn to_input(&self) -> Result<HarvestSourceInput> {
        let mut errors = FieldErrors::new();
        let kind = HarvestKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add_with("kind", "invalid_value", "detail", labels(HarvestKind::ALL));
        }
        let publisher_kind = OrgKind::parse(self.publisher_kind.trim());
        if publisher_kind.is_none() {
            errors.add_with(
                "publisher_kind",
                "invalid_value",
                "detail",
                labels(OrgKind::ALL),
            );
        }
        let (Some(kind), Some(publisher_kind)) = (kind, publisher_kind) else {
            return Err(Error::Invalid(errors));
        };
        Ok(HarvestSourceInput {
            slug: self.slug.clone(),
            title: self.title.clone(),
            kind,
            url: self.url.clone(),
            organization: Some(self.organization.trim().to_string()).filter(|o| !o.is_empty()),
            publisher_kind,
            schedule: self.schedule.clone(),
            enabled: self.enabled,
            grace_days: self.grace_days.trim().parse().unwrap_or(-1),
        })
    }
}

/// The values of a kind enum, for the message of a value that is not one of them.
fn labels<T: std::fmt::Display>(all: &[T]) -> String {
    all.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// An option of a select or a radio group.
#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
}

/// What the form page shows besides the form's values.
#[derive(Debug, Default)]
pub(super) struct Shown {
    /// The refused form's errors, by field.
    pub(super) errors: Errors,
    /// What the settings would yield.
    pub(super) preview: Option<HarvestPreview>,
    /// A preset chosen without JavaScript (`?schedule=`), shown in the schedule input.
    pub(super) schedule: Option<String>,
}

/// The form as the template shows it.
#[derive(Debug, Serialize)]
pub(super) struct FormView {
    /// Where it posts (the page's own path, with the language prefix).
    action: String,
    editing: bool,
    values: Values,
    errors: Errors,
    other_errors: Vec<String>,
    form_error: Option<String>,
    kinds: Vec<&'static str>,
    organizations: Vec<Choice>,
    publisher_kinds: Vec<Choice>,
    presets: Vec<Preset>,
    /// The portal's time zone (`UTC+07:00`).
    zone: String,
    preview: Option<PreviewView>,
}

impl FormView {
    /// The form posting to `action` with `values`, the organizations to choose from, and what
    /// `shown` adds (errors, a preview).
    pub(super) async fn new(
        app: &App,
        locale: Locale,
        action: String,
        editing: bool,
        values: Values,
        shown: Shown,
    ) -> Result<Self> {
        let all = PageRequest::new(Some(1), Some(ORGANIZATIONS_LISTED))?;
        let mut organizations: Vec<Choice> = app
            .list_organizations(all)
            .await?
            .results
            .into_iter()
            .map(|o| Choice {
                label: text_in(&o.name, locale),
                value: o.slug,
            })
            .collect();
        organizations.sort_by_key(|o| o.label.to_lowercase());
        let (errors, other_errors): (Errors, Errors) = shown
            .errors
            .into_iter()
            .partition(|(field, _)| INPUTS.contains(&field.as_str()));
        Ok(Self {
            presets: presets(&action, locale),
            action,
            editing,
            values,
            form_error: errors_summary(&errors, locale)
                .or_else(|| errors_summary(&other_errors, locale)),
            errors,
            other_errors: other_errors.into_values().flatten().collect(),
            kinds: HarvestKind::ALL.iter().map(|k| k.as_str()).collect(),
            organizations,
            publisher_kinds: OrgKind::ALL
                .iter()
                .map(|k| Choice {
                    value: k.as_str().to_string(),
                    label: message(locale, &format!("ui.kind.{}", k.as_str()), &[]),
                })
                .collect(),
            zone: format::zone(portal_offset(app)),
            preview: shown.preview.map(|p| PreviewView::new(p, locale)),
        })
    }
}

/// One item of a preview.
#[derive(Debug, Serialize)]
struct PreviewRow {
    title: String,
    publisher: String,
    remote_id: String,
    files: usize,
    /// `create`, `update` or `unchanged`.
    action: String,
}

/// What a source would yield.
#[derive(Debug, Serialize)]
struct PreviewView {
    items: Vec<PreviewRow>,
    /// "The source holds 120 datasets; the first 50 are shown." (when it says how many).
    summary: String,
    errors: Vec<HarvestItemError>,
}

impl PreviewView {
    fn new(preview: HarvestPreview, locale: Locale) -> Self {
        let shown = format::count(preview.items.len() as u64, locale);
        let summary = match preview.total {
            Some(total) => message(
                locale,
                "portal.harvest.preview_total",
                &[
                    ("total", &format::count(total.max(0) as u64, locale)),
                    ("shown", &shown),
                ],
            ),
            None => message(locale, "portal.harvest.preview_shown", &[("shown", &shown)]),
        };
        Self {
            items: preview
                .items
                .into_iter()
                .map(|item| PreviewRow {
                    title: Some(text_in(&item.title, locale))
                        .filter(|t| !t.is_empty())
                        .unwrap_or_else(|| item.remote_id.clone()),
                    publisher: text_in(&item.publisher, locale),
                    remote_id: item.remote_id,
                    files: item.distributions,
                    action: item.action,
                })
                .collect(),
            summary,
            errors: preview.item_errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        Fields::parse(&body.into_bytes().into())
    }

    #[test]
    fn the_form_makes_the_settings() {
        let values = Values::from_fields(&fields(&[
            ("slug", "cong-quoc-gia"),
            ("title", "Cổng dữ liệu quốc gia"),
            ("kind", "data-json"),
            ("url", "https://data.gov.vn/data.json"),
            ("organization", "  "),
            ("publisher_kind", "national"),
            ("schedule", "0 2 * * *"),
            ("grace_days", " 14 "),
        ]));
        let input = values.to_input().unwrap();
        assert_eq!(input.kind, HarvestKind::DataJson);
        assert_eq!(input.organization, None, "empty mirrors the publishers");
        assert_eq!(input.publisher_kind, OrgKind::National);
        assert!(!input.enabled, "an unticked box pauses");
        assert_eq!(input.grace_days, 14);

        let typed = Values::from_fields(&fields(&[
            ("kind", "ckan"),
            ("publisher_kind", "other-public"),
            ("organization", "gso"),
            ("enabled", "1"),
            ("grace_days", "một tuần"),
        ]));
        let input = typed.to_input().unwrap();
        assert_eq!(input.organization.as_deref(), Some("gso"));
        assert!(input.enabled);
        assert_eq!(input.grace_days, -1, "left to the app's range rule");
        let Err(Error::Invalid(errors)) = input.validate().map_err(Error::Invalid) else {
            panic!("grace days that are not a number are refused");
        };
        assert!(errors.0.contains_key("grace_days"));
    }

    #[test]
    fn a_kind_that_is_not_offered_is_refused() {
        let values = Values::from_fields(&fields(&[("kind", "ftp"), ("publisher_kind", "x")]));
        let Err(Error::Invalid(errors)) = values.to_input() else {
            panic!("unknown kinds are refused");
        };
        assert!(errors.0.contains_key("kind"));
        assert!(errors.0.contains_key("publisher_kind"));
    }

    #[test]
    fn a_new_form_starts_with_settings_that_work() {
        let input = Values::blank().to_input().unwrap();
        assert_eq!(input.schedule, "0 2 * * *");
        assert_eq!(input.grace_days, 7);
        assert!(input.enabled);
    }
}
