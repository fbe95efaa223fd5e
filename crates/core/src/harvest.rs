//! What a harvest source yields: datasets described by another portal (a CKAN Action API, a DCAT
//! catalog, a Project Open Data `data.json`), already mapped onto dulieu's fields by the reader of
//! that format. The harvester decides where they land (which organization, which slug) and whether
//! they are new, changed or unchanged.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::catalog::DatasetInput;
use crate::pull::RunTrigger;
use crate::text::{LangText, check_slug, is_http_url};
use crate::vocab::OrgKind;

/// One dataset as a remote source describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoteDataset {
    /// The source's own stable id for it: a CKAN package id, a DCAT dataset IRI, a data.json
    /// `identifier`. Harvested copies are matched on (source, remote id), never on slug.
    pub remote_id: String,
    /// Its page at the source, when known (CKAN `/dataset/{name}`, `dcat:landingPage`).
    pub remote_url: Option<String>,
    /// When the source last changed its metadata (`metadata_modified`, `dct:modified`).
    pub remote_modified: Option<DateTime<Utc>>,
    /// The publishing organization as the source names it.
    pub publisher: RemotePublisher,
    /// The dataset's writable fields. `publisher` is the remote publisher's slug hint (the
    /// harvester replaces it); `slug` is a suggestion; `license` is an id of dulieu's license
    /// register (`none` when the source's license is unknown or absent); `status` is `published`.
    pub input: DatasetInput,
    /// Its files and links, all kept as links to the source.
    pub distributions: Vec<RemoteDistribution>,
}

/// A publisher as a remote source names it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RemotePublisher {
    /// The source's id for it (CKAN organization id or name, `foaf:Agent` IRI), when it has one.
    pub remote_id: Option<String>,
    /// A URL-safe name to reuse when the organization is created (CKAN `name`).
    pub slug_hint: Option<String>,
    /// Its name.
    pub name: LangText,
    /// Its description.
    pub description: LangText,
    /// Its website or home page.
    pub website: Option<String>,
    /// Its contact e-mail.
    pub contact_email: Option<String>,
}

/// A file or link of a remote dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoteDistribution {
    /// The source's id for it (CKAN resource id, distribution IRI), when it has one.
    pub remote_id: Option<String>,
    /// Title in vi/en.
    pub title: LangText,
    /// Description in vi/en.
    pub description: LangText,
    /// Where to get the bytes (`downloadURL`, else `accessURL`; CKAN `url`).
    pub url: String,
    /// Format token, upper case (`CSV`).
    pub format: Option<String>,
    /// IANA media type.
    pub media_type: Option<String>,
    /// License id of dulieu's register, when the distribution states its own.
    pub license: Option<String>,
    /// Size in bytes, as the source states it.
    pub byte_size: Option<i64>,
    /// Date of formal issuance.
    pub issued: Option<NaiveDate>,
    /// Date of last change.
    pub modified: Option<NaiveDate>,
}

crate::string_enum! {
    /// What a harvest source speaks.
    HarvestKind {
        /// A CKAN Action API (`{url}/api/3/action/package_search`), read incrementally by
        /// `metadata_modified`.
        Ckan = "ckan",
        /// A DCAT catalog in Turtle, RDF/XML or JSON-LD, following Hydra paging.
        Dcat = "dcat",
        /// A Project Open Data `data.json` (v1.1).
        DataJson = "data-json",
    }
}

crate::string_enum! {
    /// How a harvest run ended.
    HarvestOutcome {
        /// Still going.
        Running = "running",
        /// Every item was read; some may have failed on their own (see the item errors).
        Succeeded = "succeeded",
        /// The source could not be read; nothing was archived.
        Failed = "failed",
        /// Its server stopped before the run ended.
        Interrupted = "interrupted",
    }
}

/// Slugs a source may not take: they name the portal's own pages (`/admin/harvest/new`).
pub const RESERVED_SLUGS: &[&str] = &["new"];

/// Longest harvest source title, in characters.
pub const SOURCE_TITLE_MAX: usize = 200;
/// Longest grace period before a dataset gone from its source is archived, in days.
pub const GRACE_DAYS_MAX: i64 = 3650;

/// A harvest source, as the portal team sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HarvestSource {
    /// Stable id.
    pub id: Uuid,
    /// Unique, URL-safe name.
    pub slug: String,
    /// What the team calls it ("Cổng dữ liệu quốc gia").
    pub title: String,
    /// What it speaks.
    pub kind: HarvestKind,
    /// The portal's base URL (CKAN) or the catalog's URL (DCAT, data.json).
    pub url: String,
    /// Slug of the organization every harvested dataset goes to; `None` mirrors the source's
    /// publishers as organizations of `publisher_kind`.
    pub organization: Option<String>,
    /// The kind given to the organizations made for the source's publishers.
    pub publisher_kind: OrgKind,
    /// Cron schedule, in the portal's time zone.
    pub schedule: String,
    /// Whether the schedule runs.
    pub enabled: bool,
    /// Days a dataset may be gone from the source before its copy is archived (0: at once).
    pub grace_days: i64,
    /// The newest `metadata_modified` read so far (CKAN: the next run asks only for newer).
    pub high_water: Option<DateTime<Utc>>,
    /// When it next runs.
    pub next_run_at: Option<DateTime<Utc>>,
    /// True while a server is running it.
    pub running: bool,
    /// When it last ran.
    pub last_run_at: Option<DateTime<Utc>>,
    /// How its last run ended.
    pub last_outcome: Option<HarvestOutcome>,
    /// Datasets harvested from it and not archived.
    pub dataset_count: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change time.
    pub updated_at: DateTime<Utc>,
}

/// The writable fields of a harvest source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HarvestSourceInput {
    /// Unique, URL-safe name.
    pub slug: String,
    /// What the team calls it.
    pub title: String,
    /// What it speaks.
    pub kind: HarvestKind,
    /// The portal's base URL (CKAN) or the catalog's URL (DCAT, data.json); http or https.
    pub url: String,
    /// Organization every harvested dataset goes to; absent mirrors the source's publishers.
    #[serde(default)]
    pub organization: Option<String>,
    /// Kind of the organizations made for the source's publishers (`other-public` by default).
    #[serde(default = "default_publisher_kind")]
    pub publisher_kind: OrgKind,
    /// Cron schedule (`@daily` by default).
    #[serde(default = "default_schedule")]
    pub schedule: String,
    /// Whether the schedule runs (true by default).
    #[serde(default = "default_enabled")]
    pub enabled: bool,
    /// Days before a dataset gone from the source is archived (7 by default).
    #[serde(default = "default_grace_days")]
    pub grace_days: i64,
}

fn default_publisher_kind() -> OrgKind {
    OrgKind::OtherPublic
}
fn default_schedule() -> String {
    "@daily".into()
}
fn default_enabled() -> bool {
    true
}
fn default_grace_days() -> i64 {
    7
}

impl HarvestSourceInput {
    /// Trims texts and checks every rule that needs no lookup (the schedule is checked by its
    /// parser, the organization against the store).
    pub fn validate(mut self) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        self.slug = self.slug.trim().to_string();
        check_slug("slug", &self.slug, &mut errors);
        if RESERVED_SLUGS.contains(&self.slug.as_str()) {
            errors.add("slug", "reserved");
        }
        self.title = self.title.trim().to_string();
        if self.title.is_empty() {
            errors.add("title", "required");
        } else if self.title.chars().count() > SOURCE_TITLE_MAX {
            errors.add_with("title", "too_long", "max", SOURCE_TITLE_MAX);
        }
        self.url = self.url.trim().trim_end_matches('/').to_string();
        if !is_http_url(&self.url) {
            errors.add("url", "invalid_url");
        }
        self.organization = self
            .organization
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty());
        self.schedule = self.schedule.trim().to_string();
        if !(0..=GRACE_DAYS_MAX).contains(&self.grace_days) {
            errors.add_with("grace_days", "out_of_range", "max", GRACE_DAYS_MAX);
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

impl HarvestSource {
    /// The writable fields, as a PATCH merges into them.
    pub fn to_input(&self) -> HarvestSourceInput {
        HarvestSourceInput {
            slug: self.slug.clone(),
            title: self.title.clone(),
            kind: self.kind,
            url: self.url.clone(),
            organization: self.organization.clone(),
            publisher_kind: self.publisher_kind,
            schedule: self.schedule.clone(),
            enabled: self.enabled,
            grace_days: self.grace_days,
        }
    }
}

/// One item a run could not take, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HarvestItemError {
    /// The source's id of the item, or where it is (`page 3, item 12`) when it has none.
    pub remote_id: String,
    /// What was wrong with it.
    pub message: String,
}

/// Most item errors kept per run (the count goes on).
pub const ITEM_ERRORS_KEPT: usize = 200;

/// One run of a harvest source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HarvestRun {
    /// Stable id.
    pub id: Uuid,
    /// The source.
    pub source_id: Uuid,
    /// What started it.
    pub trigger: RunTrigger,
    /// How it ended.
    pub outcome: HarvestOutcome,
    /// Start time.
    pub started_at: DateTime<Utc>,
    /// End time.
    pub finished_at: Option<DateTime<Utc>>,
    /// How long it took.
    pub duration_ms: Option<i64>,
    /// Datasets created.
    pub created: i64,
    /// Datasets changed in place.
    pub updated: i64,
    /// Datasets read and found the same.
    pub unchanged: i64,
    /// Datasets archived because they are gone from the source.
    pub archived: i64,
    /// Items that could not be taken.
    pub failed: i64,
    /// Why items failed (the first [`ITEM_ERRORS_KEPT`]).
    pub item_errors: Vec<HarvestItemError>,
    /// Stable code of the error that stopped the run.
    pub error_code: Option<String>,
    /// The error that stopped the run.
    pub error_message: Option<String>,
}

/// What a harvest would do to one item (preview).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewItem {
    /// The source's id of the item.
    pub remote_id: String,
    /// Its title.
    pub title: LangText,
    /// Its publisher's name at the source.
    pub publisher: LangText,
    /// Files and links it has.
    pub distributions: usize,
    /// `create`, `update` or `unchanged`.
    pub action: String,
}

/// What a source would yield, without writing anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HarvestPreview {
    /// Items read (the first ones, up to the preview's limit).
    pub items: Vec<PreviewItem>,
    /// Items the source holds, when it says.
    pub total: Option<i64>,
    /// Items that could not be read.
    pub item_errors: Vec<HarvestItemError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> HarvestSourceInput {
        serde_json::from_value(serde_json::json!({
            "slug": "cong-quoc-gia", "title": " Cổng dữ liệu quốc gia ", "kind": "ckan",
            "url": "https://data.gov.vn/",
        }))
        .unwrap()
    }

    #[test]
    fn defaults_and_trimming() {
        let valid = input().validate().unwrap();
        assert_eq!(valid.title, "Cổng dữ liệu quốc gia");
        assert_eq!(valid.url, "https://data.gov.vn");
        assert_eq!(valid.schedule, "@daily");
        assert_eq!(valid.grace_days, 7);
        assert_eq!(valid.publisher_kind, OrgKind::OtherPublic);
        assert!(valid.enabled);
    }

    #[test]
    fn every_broken_field_is_named() {
        let mut bad = input();
        bad.slug = "Bad Slug".into();
        bad.title = " ".into();
        bad.url = "ftp://x".into();
        bad.grace_days = -1;
        let errors = bad.validate().unwrap_err();
        let fields: Vec<_> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["grace_days", "slug", "title", "url"]);
    }

    #[test]
    fn the_new_source_page_is_not_a_slug() {
        let mut taken = input();
        taken.slug = "new".into();
        let errors = taken.validate().unwrap_err();
        assert_eq!(errors.0["slug"][0].code, "reserved");
    }
}
