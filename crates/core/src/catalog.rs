//! The catalog: organizations, datasets, distributions, licenses and themes (DCAT-AP 3 shaped).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::text::{LangText, check_slug, is_http_url, is_plausible_email, slugify};
use crate::vocab::{AccessRights, DatasetStatus, OrgKind, Provenance, is_frequency};

/// Longest name or title accepted, in characters.
pub const TITLE_MAX: usize = 300;
/// Longest description accepted, in characters.
pub const DESCRIPTION_MAX: usize = 20_000;

/// A publisher: a government body or a non-government organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organization {
    /// Stable id.
    pub id: Uuid,
    /// Unique, URL-safe name.
    pub slug: String,
    /// Name in vi/en.
    pub name: LangText,
    /// Description in vi/en.
    pub description: LangText,
    /// What kind of body this is.
    pub kind: OrgKind,
    /// Provenance of its datasets (derived from `kind`).
    pub provenance: Provenance,
    /// Slug of the parent organization (agency under ministry, district under province).
    pub parent: Option<String>,
    /// Contact e-mail.
    pub contact_email: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change time.
    pub updated_at: DateTime<Utc>,
}

/// The writable fields of an organization (create body, and the target of a PATCH merge).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    /// Unique, URL-safe name.
    pub slug: String,
    /// Name in vi/en (at least one).
    pub name: LangText,
    /// Description in vi/en.
    #[serde(default)]
    pub description: LangText,
    /// What kind of body this is.
    pub kind: OrgKind,
    /// Slug of the parent organization.
    #[serde(default)]
    pub parent: Option<String>,
    /// Contact e-mail.
    #[serde(default)]
    pub contact_email: Option<String>,
    /// Website (http or https).
    #[serde(default)]
    pub website: Option<String>,
}

impl OrganizationInput {
    /// Trims texts and checks every rule that needs no lookup.
    pub fn validate(mut self) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        self.slug = self.slug.trim().to_string();
        check_slug("slug", &self.slug, &mut errors);
        self.name = self.name.normalized();
        self.name.check("name", true, TITLE_MAX, &mut errors);
        self.description = self.description.normalized();
        self.description
            .check("description", false, DESCRIPTION_MAX, &mut errors);
        self.contact_email = trimmed(self.contact_email);
        if let Some(email) = &self.contact_email
            && !is_plausible_email(email)
        {
            errors.add("contact_email", "invalid_email");
        }
        self.website = trimmed(self.website);
        if let Some(url) = &self.website
            && !is_http_url(url)
        {
            errors.add("website", "invalid_url");
        }
        self.parent = trimmed(self.parent);
        if self.parent.as_deref() == Some(self.slug.as_str()) {
            errors.add("parent", "parent_is_self");
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

impl Organization {
    /// The writable fields, as a PATCH merges into them.
    pub fn to_input(&self) -> OrganizationInput {
        OrganizationInput {
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            kind: self.kind,
            parent: self.parent.clone(),
            contact_email: self.contact_email.clone(),
            website: self.website.clone(),
        }
    }
}

/// Fields of an organization that clients may read but never write.
pub const ORGANIZATION_READ_ONLY_FIELDS: &[&str] =
    &["id", "provenance", "created_at", "updated_at"];

/// Fields of a distribution that clients may read but never write.
pub const DISTRIBUTION_READ_ONLY_FIELDS: &[&str] = &[
    "id",
    "dataset_id",
    "byte_size",
    "sha256",
    "version",
    "filename",
    "created_at",
    "updated_at",
];

/// A contact point (DCAT `contactPoint`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactPoint {
    /// Name of the person or office.
    #[serde(default)]
    pub name: Option<String>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
}

/// Temporal coverage: the period the data is about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Temporal {
    /// First day covered.
    #[serde(default)]
    pub start: Option<NaiveDate>,
    /// Last day covered.
    #[serde(default)]
    pub end: Option<NaiveDate>,
}

/// A dataset (DCAT `Dataset`) with its distributions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dataset {
    /// Stable id.
    pub id: Uuid,
    /// Unique, URL-safe name.
    pub slug: String,
    /// Title in vi/en.
    pub title: LangText,
    /// Description in vi/en.
    pub description: LangText,
    /// Publisher organization slug.
    pub publisher: String,
    /// Publisher organization id.
    pub publisher_id: Uuid,
    /// Official or community, from the publisher's kind.
    pub provenance: Provenance,
    /// Contact point.
    pub contact_point: Option<ContactPoint>,
    /// Free keywords.
    pub keywords: Vec<String>,
    /// Theme codes (EU data themes and local themes).
    pub themes: Vec<String>,
    /// License id from the license register.
    pub license: String,
    /// Whether the license is open (Open Definition conformant).
    pub license_open: bool,
    /// Access rights.
    pub access_rights: AccessRights,
    /// Period covered.
    pub temporal: Option<Temporal>,
    /// Area covered (free text for now).
    pub spatial: Option<String>,
    /// Update frequency (EU frequency code, lower case).
    pub frequency: Option<String>,
    /// Date of formal issuance.
    pub issued: Option<NaiveDate>,
    /// Date of last modification of the data or metadata.
    pub modified: Option<NaiveDate>,
    /// Version label.
    pub version: Option<String>,
    /// Life-cycle status.
    pub status: DatasetStatus,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change time.
    pub updated_at: DateTime<Utc>,
    /// Distributions, in creation order.
    pub distributions: Vec<Distribution>,
}

/// The writable fields of a dataset (create body, and the target of a PATCH merge).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DatasetInput {
    /// Unique, URL-safe name; made from the title when absent.
    #[serde(default)]
    pub slug: Option<String>,
    /// Title in vi/en (at least one).
    pub title: LangText,
    /// Description in vi/en.
    #[serde(default)]
    pub description: LangText,
    /// Publisher organization slug.
    pub publisher: String,
    /// Contact point.
    #[serde(default)]
    pub contact_point: Option<ContactPoint>,
    /// Free keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Theme codes.
    #[serde(default)]
    pub themes: Vec<String>,
    /// License id; `none` when not given.
    #[serde(default = "default_license")]
    pub license: String,
    /// Access rights; `public` when not given.
    #[serde(default = "default_access_rights")]
    pub access_rights: AccessRights,
    /// Period covered.
    #[serde(default)]
    pub temporal: Option<Temporal>,
    /// Area covered.
    #[serde(default)]
    pub spatial: Option<String>,
    /// Update frequency code.
    #[serde(default)]
    pub frequency: Option<String>,
    /// Date of formal issuance.
    #[serde(default)]
    pub issued: Option<NaiveDate>,
    /// Date of last modification.
    #[serde(default)]
    pub modified: Option<NaiveDate>,
    /// Version label.
    #[serde(default)]
    pub version: Option<String>,
    /// Status; `draft` when not given.
    #[serde(default = "default_status")]
    pub status: DatasetStatus,
}

fn default_license() -> String {
    "none".to_string()
}
fn default_access_rights() -> AccessRights {
    AccessRights::Public
}
fn default_status() -> DatasetStatus {
    DatasetStatus::Draft
}

/// Fields of a dataset that clients may read but never write.
pub const DATASET_READ_ONLY_FIELDS: &[&str] = &[
    "id",
    "provenance",
    "publisher_id",
    "license_open",
    "created_at",
    "updated_at",
    "distributions",
];

impl DatasetInput {
    /// Trims texts, fills the slug from the title, and checks every rule that needs no lookup.
    pub fn validate(mut self) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        self.title = self.title.normalized();
        self.title.check("title", true, TITLE_MAX, &mut errors);
        self.description = self.description.normalized();
        self.description
            .check("description", false, DESCRIPTION_MAX, &mut errors);
        let slug = match trimmed(self.slug.take()) {
            Some(slug) => slug,
            None => slugify(self.title.get("vi").unwrap_or("")),
        };
        check_slug("slug", &slug, &mut errors);
        self.slug = Some(slug);
        self.publisher = self.publisher.trim().to_string();
        if self.publisher.is_empty() {
            errors.add("publisher", "required");
        }
        if let Some(contact) = self.contact_point.take() {
            let contact = ContactPoint {
                name: trimmed(contact.name),
                email: trimmed(contact.email),
            };
            if let Some(email) = &contact.email
                && !is_plausible_email(email)
            {
                errors.add("contact_point.email", "invalid_email");
            }
            if contact.name.is_some() || contact.email.is_some() {
                self.contact_point = Some(contact);
            }
        }
        self.keywords = clean_list(std::mem::take(&mut self.keywords));
        for (i, keyword) in self.keywords.iter().enumerate() {
            if keyword.chars().count() > 100 {
                errors.add_with(format!("keywords[{i}]"), "too_long", "max", 100);
            }
        }
        if self.keywords.len() > 100 {
            errors.add_with("keywords", "too_many", "max", 100);
        }
        self.themes = clean_list(std::mem::take(&mut self.themes));
        self.license = self.license.trim().to_string();
        self.spatial = trimmed(self.spatial);
        self.version = trimmed(self.version);
        self.frequency = trimmed(self.frequency).map(|f| f.to_lowercase());
        if let Some(frequency) = &self.frequency
            && !is_frequency(frequency)
        {
            errors.add("frequency", "unknown_frequency");
        }
        if let Some(Temporal {
            start: Some(start),
            end: Some(end),
        }) = &self.temporal
            && end < start
        {
            errors.add("temporal.end", "end_before_start");
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// The slug after [`DatasetInput::validate`].
    pub fn slug(&self) -> &str {
        self.slug.as_deref().unwrap_or_default()
    }
}

impl Dataset {
    /// The writable fields, as a PATCH merges into them.
    pub fn to_input(&self) -> DatasetInput {
        DatasetInput {
            slug: Some(self.slug.clone()),
            title: self.title.clone(),
            description: self.description.clone(),
            publisher: self.publisher.clone(),
            contact_point: self.contact_point.clone(),
            keywords: self.keywords.clone(),
            themes: self.themes.clone(),
            license: self.license.clone(),
            access_rights: self.access_rights,
            temporal: self.temporal.clone(),
            spatial: self.spatial.clone(),
            frequency: self.frequency.clone(),
            issued: self.issued,
            modified: self.modified,
            version: self.version.clone(),
            status: self.status,
        }
    }

    /// True when anyone, signed in or not, may see this dataset.
    pub fn is_public(&self) -> bool {
        self.status.is_out() && self.access_rights == AccessRights::Public
    }
}

/// A distribution (DCAT `Distribution`): an uploaded file or a remote URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Distribution {
    /// Stable id.
    pub id: Uuid,
    /// The dataset it belongs to.
    pub dataset_id: Uuid,
    /// Title in vi/en.
    pub title: LangText,
    /// Description in vi/en.
    pub description: LangText,
    /// File format, upper case (`CSV`, `XLSX`).
    pub format: Option<String>,
    /// IANA media type.
    pub media_type: Option<String>,
    /// Where to get the bytes: the download URL of an upload, or the remote URL.
    pub url: String,
    /// The remote URL, for distributions that are links.
    pub remote_url: Option<String>,
    /// Size of the current file in bytes.
    pub byte_size: Option<i64>,
    /// SHA-256 of the current file, hex.
    pub sha256: Option<String>,
    /// Original file name of the current upload.
    pub filename: Option<String>,
    /// Current version number (1 for the first upload; 0 for remote links).
    pub version: i64,
    /// License id; the dataset's when not set.
    pub license: String,
    /// Date of formal issuance.
    pub issued: Option<NaiveDate>,
    /// Date of last modification.
    pub modified: Option<NaiveDate>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change time.
    pub updated_at: DateTime<Utc>,
}

/// The writable metadata of a distribution.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DistributionInput {
    /// Title in vi/en.
    #[serde(default)]
    pub title: LangText,
    /// Description in vi/en.
    #[serde(default)]
    pub description: LangText,
    /// File format; guessed from the file name or URL when absent.
    #[serde(default)]
    pub format: Option<String>,
    /// IANA media type; guessed when absent.
    #[serde(default)]
    pub media_type: Option<String>,
    /// Remote URL (for links; absent for uploads).
    #[serde(default)]
    pub url: Option<String>,
    /// License id; inherits the dataset's when absent.
    #[serde(default)]
    pub license: Option<String>,
    /// Date of formal issuance.
    #[serde(default)]
    pub issued: Option<NaiveDate>,
    /// Date of last modification.
    #[serde(default)]
    pub modified: Option<NaiveDate>,
}

impl DistributionInput {
    /// Trims texts, normalises the format and checks rules that need no lookup.
    /// `is_upload` tells whether the bytes come with the request (then `url` must be absent).
    pub fn validate(mut self, is_upload: bool) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        self.title = self.title.normalized();
        self.title.check("title", false, TITLE_MAX, &mut errors);
        self.description = self.description.normalized();
        self.description
            .check("description", false, DESCRIPTION_MAX, &mut errors);
        self.url = trimmed(self.url);
        match (&self.url, is_upload) {
            (Some(_), true) => {
                errors.add("url", "url_with_upload");
            }
            (None, false) => {
                errors.add("url", "required");
            }
            (Some(url), false) if !is_http_url(url) => {
                errors.add("url", "invalid_url");
            }
            _ => {}
        }
        self.format = trimmed(self.format).map(|f| f.trim_start_matches('.').to_uppercase());
        if let Some(format) = &self.format
            && (format.len() > 40
                || !format
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_+.".contains(c)))
        {
            errors.add("format", "invalid_format");
        }
        self.media_type = trimmed(self.media_type).map(|m| m.to_lowercase());
        if let Some(media_type) = &self.media_type
            && (!media_type.contains('/') || media_type.len() > 200)
        {
            errors.add("media_type", "invalid_media_type");
        }
        self.license = trimmed(self.license);
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

impl Distribution {
    /// The writable metadata, as a PATCH merges into them. `license` is the explicit one only.
    pub fn to_input(&self, explicit_license: Option<String>) -> DistributionInput {
        DistributionInput {
            title: self.title.clone(),
            description: self.description.clone(),
            format: self.format.clone(),
            media_type: self.media_type.clone(),
            url: self.remote_url.clone(),
            license: explicit_license,
            issued: self.issued,
            modified: self.modified,
        }
    }
}

/// One stored file of a distribution; replacing the file adds a version, old ones stay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistributionVersion {
    /// The distribution.
    pub distribution_id: Uuid,
    /// Version number, from 1.
    pub version: i64,
    /// SHA-256 of the bytes, hex; also the blob key.
    pub sha256: String,
    /// Size in bytes.
    pub byte_size: i64,
    /// Media type recorded at upload.
    pub media_type: Option<String>,
    /// Original file name.
    pub filename: Option<String>,
    /// Upload time.
    pub created_at: DateTime<Utc>,
    /// Who uploaded it.
    pub created_by: Option<Uuid>,
}

/// A license in the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct License {
    /// SPDX-style id (`cc-by-4.0`).
    pub id: String,
    /// Title in vi/en.
    pub title: LangText,
    /// Canonical URL of the license text.
    #[serde(default)]
    pub url: Option<String>,
    /// True when Open Definition conformant.
    pub is_open: bool,
}

/// A theme in the register (EU data themes and local themes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Code (`ECON`, or a local code).
    pub code: String,
    /// Label in vi/en.
    pub label: LangText,
    /// True for the EU data-theme vocabulary.
    pub is_eu: bool,
}

/// Guesses a format token and media type from a file name or URL path.
pub fn guess_format(name: &str) -> Option<(&'static str, &'static str)> {
    let path = name.split(['?', '#']).next().unwrap_or(name);
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    let found = match ext.as_str() {
        "csv" => ("CSV", "text/csv"),
        "tsv" => ("TSV", "text/tab-separated-values"),
        "json" => ("JSON", "application/json"),
        "geojson" => ("GEOJSON", "application/geo+json"),
        "xml" => ("XML", "application/xml"),
        "xlsx" => (
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "xls" => ("XLS", "application/vnd.ms-excel"),
        "ods" => ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
        "pdf" => ("PDF", "application/pdf"),
        "doc" => ("DOC", "application/msword"),
        "docx" => (
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "zip" => ("ZIP", "application/zip"),
        "parquet" => ("PARQUET", "application/vnd.apache.parquet"),
        "html" | "htm" => ("HTML", "text/html"),
        "txt" => ("TXT", "text/plain"),
        "rdf" => ("RDF", "application/rdf+xml"),
        "ttl" => ("TTL", "text/turtle"),
        "shp" => ("SHP", "application/vnd.shp"),
        _ => return None,
    };
    Some(found)
}

fn trimmed(value: Option<String>) -> Option<String> {
    value
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn clean_list(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        let value = value.trim().to_string();
        if !value.is_empty() && !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset_input() -> DatasetInput {
        serde_json::from_value(serde_json::json!({
            "title": {"vi": "Dân số Hà Nội"},
            "publisher": "gso",
        }))
        .unwrap()
    }

    #[test]
    fn dataset_defaults_and_slug_from_title() {
        let input = dataset_input().validate().unwrap();
        assert_eq!(input.slug(), "dan-so-ha-noi");
        assert_eq!(input.license, "none");
        assert_eq!(input.status, DatasetStatus::Draft);
        assert_eq!(input.access_rights, AccessRights::Public);
    }

    #[test]
    fn dataset_rules_name_each_field() {
        let mut input = dataset_input();
        input.title = LangText::default();
        input.slug = Some("Bad Slug".into());
        input.frequency = Some("sometimes".into());
        input.temporal = Some(Temporal {
            start: NaiveDate::from_ymd_opt(2020, 1, 2),
            end: NaiveDate::from_ymd_opt(2020, 1, 1),
        });
        input.contact_point = Some(ContactPoint {
            name: None,
            email: Some("nope".into()),
        });
        let errors = input.validate().unwrap_err();
        for field in [
            "title",
            "slug",
            "frequency",
            "temporal.end",
            "contact_point.email",
        ] {
            assert!(
                errors.0.contains_key(field),
                "{field} missing in {errors:?}"
            );
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        let result: Result<DatasetInput, _> = serde_json::from_value(serde_json::json!({
            "title": {"vi": "x"}, "publisher": "gso", "provenance": "official"
        }));
        assert!(result.is_err());
    }

    #[test]
    fn distribution_needs_url_xor_upload() {
        let link = DistributionInput {
            url: Some("https://example.org/a.csv".into()),
            format: Some(".csv".into()),
            ..Default::default()
        };
        assert_eq!(
            link.clone().validate(false).unwrap().format.as_deref(),
            Some("CSV")
        );
        assert!(link.validate(true).unwrap_err().0.contains_key("url"));
        assert!(DistributionInput::default().validate(false).is_err());
        assert!(DistributionInput::default().validate(true).is_ok());
    }

    #[test]
    fn organization_rules() {
        let input: OrganizationInput = serde_json::from_value(serde_json::json!({
            "slug": "mof", "name": {"vi": "Bộ Tài chính"}, "kind": "national",
            "website": "mof.gov.vn", "contact_email": "x", "parent": "mof"
        }))
        .unwrap();
        let errors = input.validate().unwrap_err();
        for field in ["website", "contact_email", "parent"] {
            assert!(errors.0.contains_key(field), "{field}");
        }
    }

    #[test]
    fn guesses_formats() {
        assert_eq!(guess_format("a/b.CSV?x=1").unwrap().0, "CSV");
        assert_eq!(guess_format("report.xlsx").unwrap().0, "XLSX");
        assert!(guess_format("noext").is_none());
    }
}
