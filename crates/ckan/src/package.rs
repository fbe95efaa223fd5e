//! dulieu → CKAN: a dataset as a package, a distribution as a resource, an organization, a theme
//! as a group, a register license as a CKAN license.
//!
//! Texts: CKAN's plain fields (`title`, `notes`, `name` of a resource…) carry the Vietnamese
//! text (the portal's default language), else the English one; both languages are also given as
//! `*_translated: {"vi", "en"}` (ckanext-fluent's shape, `""` for a missing language). Fields
//! CKAN's core schema lacks are `extras` with ckanext-dcat's keys where it has one (see
//! [`extra`]).

use std::collections::{HashMap, HashSet};

use dulieu_core::catalog::{Dataset, Distribution, License, Organization, Theme};
use dulieu_core::text::LangText;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::license;
use crate::time::format;

/// Keys of the `extras` dulieu writes and reads back.
pub mod extra {
    /// `public`, `restricted` or `non-public` (dulieu's access rights).
    pub const ACCESS_RIGHTS: &str = "access_rights";
    /// dulieu's life-cycle status (`draft`, `in_review`, `approved`, `published`, `archived`).
    pub const STATUS: &str = "dulieu_status";
    /// `official` or `community` (from the publisher's kind; read-only).
    pub const PROVENANCE: &str = "dulieu_provenance";
    /// EU frequency code, lower case.
    pub const FREQUENCY: &str = "frequency";
    /// Area covered, free text.
    pub const SPATIAL_TEXT: &str = "spatial_text";
    /// First day covered.
    pub const TEMPORAL_START: &str = "temporal_start";
    /// Last day covered.
    pub const TEMPORAL_END: &str = "temporal_end";
    /// Date of formal issuance.
    pub const ISSUED: &str = "issued";
    /// Date of last modification of the data.
    pub const MODIFIED: &str = "modified";
    /// Themes: a JSON list of EU data-theme URIs (EU themes) and codes (local themes).
    pub const THEME: &str = "theme";
}

/// The base of EU data-theme URIs.
pub const EU_THEME_BASE: &str = "http://publications.europa.eu/resource/authority/data-theme/";

/// What a package needs besides its dataset.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// The portal's public base URL, without a trailing slash.
    pub public_url: String,
    /// Every organization, by id.
    pub organizations: HashMap<Uuid, Organization>,
    /// The license register, by id.
    pub licenses: HashMap<String, License>,
    /// The theme register, by code.
    pub themes: HashMap<String, Theme>,
}

/// A text in the portal's default language (Vietnamese), else English, else empty.
pub fn text(t: &LangText) -> String {
    t.get("vi").unwrap_or_default().to_string()
}

/// Both languages as ckanext-fluent writes them: `{"vi": …, "en": …}`, `""` when missing.
pub fn translated(t: &LangText) -> Value {
    json!({
        "vi": t.vi.as_deref().unwrap_or_default(),
        "en": t.en.as_deref().unwrap_or_default(),
    })
}

/// The CKAN `state` of a dataset: `active` once out (published or archived), else `draft`.
pub fn state(dataset: &Dataset) -> &'static str {
    if dataset.status.is_out() {
        "active"
    } else {
        "draft"
    }
}

/// An organization as CKAN's group dict (the `organization` of a package, an item of
/// `organization_list` with `all_fields`).
pub fn organization(org: &Organization) -> Value {
    let fields = json!({
        "id": org.id,
        "name": org.slug,
        "title": text(&org.name),
        "display_name": text(&org.name),
        "type": "organization",
        "description": text(&org.description),
        "image_url": "",
        "image_display_url": "",
        "created": format(org.created_at),
        "is_organization": true,
        "approval_status": "approved",
        "state": "active",
    });
    with(
        fields,
        [
            ("title_translated", translated(&org.name)),
            ("description_translated", translated(&org.description)),
        ],
    )
}

/// An organization's extra fields as CKAN `extras` (`organization_show`).
pub fn organization_extras(org: &Organization) -> Value {
    let mut extras = vec![
        ("kind", Some(org.kind.as_str().to_string())),
        ("provenance", Some(org.provenance.as_str().to_string())),
        ("parent", org.parent.clone()),
        ("website", org.website.clone()),
        ("contact_email", org.contact_email.clone()),
    ];
    extras.retain(|(_, v)| v.is_some());
    Value::Array(
        extras
            .into_iter()
            .map(|(key, value)| json!({"key": key, "value": value, "state": "active"}))
            .collect(),
    )
}

/// A theme as a CKAN group dict.
pub fn group(code: &str, theme: Option<&Theme>) -> Value {
    let label = theme.map(|t| t.label.clone()).unwrap_or_else(|| LangText {
        vi: Some(code.to_string()),
        en: None,
    });
    let fields = json!({
        "id": code,
        "name": code,
        "title": text(&label),
        "display_name": text(&label),
        "description": "",
        "image_display_url": "",
        "type": "group",
        "is_organization": false,
        "state": "active",
    });
    with(fields, [("title_translated", translated(&label))])
}

/// A register license as an item of CKAN's `license_list` (booleans as the strings `"True"` /
/// `"False"`, as CKAN's built-in licenses give them).
pub fn license_entry(l: &License) -> Value {
    let flag = |b: bool| if b { "True" } else { "False" };
    let fields = json!({
        "id": license::to_ckan(&l.id),
        "title": text(&l.title),
        "url": l.url.as_deref().unwrap_or_default(),
        "domain_content": flag(true),
        "domain_data": flag(true),
        "domain_software": flag(false),
        "family": "",
        "is_generic": flag(l.id == "none"),
        "is_okd_compliant": l.is_open,
        "is_osi_compliant": false,
        "maintainer": "",
        "od_conformance": if l.is_open { "approved" } else { "not reviewed" },
        "osd_conformance": "not reviewed",
        "status": "active",
    });
    with(fields, [("title_translated", translated(&l.title))])
}

/// A tag dict; its id is derived from the name (dulieu keeps no tag records).
pub fn tag(name: &str) -> Value {
    json!({
        "id": Uuid::new_v5(&Uuid::NAMESPACE_URL, format!("dulieu:tag:{name}").as_bytes()),
        "name": name,
        "display_name": name,
        "state": "active",
        "vocabulary_id": null,
    })
}

/// A theme code as written in the `theme` extra: the EU URI of EU themes, else the code.
pub fn theme_reference(code: &str, site: &Site) -> String {
    match site.themes.get(code) {
        Some(theme) if theme.is_eu => format!("{EU_THEME_BASE}{code}"),
        _ => code.to_string(),
    }
}

fn extras(dataset: &Dataset, site: &Site) -> Value {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    let temporal = dataset.temporal.as_ref();
    let themes: Vec<String> = dataset
        .themes
        .iter()
        .map(|code| theme_reference(code, site))
        .collect();
    let pairs = [
        (
            extra::ACCESS_RIGHTS,
            Some(dataset.access_rights.as_str().to_string()),
        ),
        (extra::STATUS, Some(dataset.status.as_str().to_string())),
        (
            extra::PROVENANCE,
            Some(dataset.provenance.as_str().to_string()),
        ),
        (extra::FREQUENCY, dataset.frequency.clone()),
        (extra::SPATIAL_TEXT, dataset.spatial.clone()),
        (extra::TEMPORAL_START, date(temporal.and_then(|t| t.start))),
        (extra::TEMPORAL_END, date(temporal.and_then(|t| t.end))),
        (extra::ISSUED, date(dataset.issued)),
        (extra::MODIFIED, date(dataset.modified)),
        (
            extra::THEME,
            (!themes.is_empty()).then(|| Value::from(themes).to_string()),
        ),
    ];
    Value::Array(
        pairs
            .into_iter()
            .filter_map(|(key, value)| value.map(|v| json!({"key": key, "value": v})))
            .collect(),
    )
}

/// A dataset as a CKAN package (what `package_show` answers and `package_search` lists).
/// `datastore` holds the distributions whose tables can be queried (`datastore_active`).
pub fn package(dataset: &Dataset, site: &Site, datastore: &HashSet<Uuid>) -> Value {
    let org = site.organizations.get(&dataset.publisher_id);
    let registered = site.licenses.get(&dataset.license);
    let contact = dataset.contact_point.as_ref();
    let resources: Vec<Value> = dataset
        .distributions
        .iter()
        .enumerate()
        .map(|(position, d)| resource(d, position, datastore.contains(&d.id)))
        .collect();
    let groups: Vec<Value> = dataset
        .themes
        .iter()
        .map(|code| group(code, site.themes.get(code)))
        .collect();
    let tags: Vec<Value> = dataset.keywords.iter().map(|k| tag(k)).collect();
    let fields = json!({
        "id": dataset.id,
        "name": dataset.slug,
        "title": text(&dataset.title),
        "notes": text(&dataset.description),
        "url": format!("{}/dataset/{}", site.public_url, dataset.slug),
        "version": dataset.version,
        "author": null,
        "author_email": null,
        "maintainer": contact.and_then(|c| c.name.clone()),
        "maintainer_email": contact.and_then(|c| c.email.clone()),
        "license_id": license::to_ckan(&dataset.license),
        "license_title": registered.map_or_else(|| dataset.license.clone(), |l| text(&l.title)),
        "license_url": registered.and_then(|l| l.url.clone()),
        "isopen": dataset.license_open,
        "type": "dataset",
        "owner_org": dataset.publisher_id,
        "private": dataset.access_rights != dulieu_core::vocab::AccessRights::Public,
        "state": state(dataset),
        "creator_user_id": null,
        "metadata_created": format(dataset.created_at),
        "metadata_modified": format(dataset.updated_at),
        "num_resources": resources.len(),
        "num_tags": tags.len(),
        "relationships_as_subject": [],
        "relationships_as_object": [],
    });
    // Values already built are moved in: `json!` would copy them.
    with(
        fields,
        [
            ("title_translated", translated(&dataset.title)),
            ("notes_translated", translated(&dataset.description)),
            ("organization", org.map_or(Value::Null, organization)),
            ("tags", Value::Array(tags)),
            ("groups", Value::Array(groups)),
            ("extras", extras(dataset, site)),
            ("resources", Value::Array(resources)),
        ],
    )
}

/// `object` with `fields` added (moved, not copied as `json!` would).
pub fn with<const N: usize>(mut object: Value, fields: [(&str, Value); N]) -> Value {
    if let Value::Object(map) = &mut object {
        for (key, value) in fields {
            map.insert(key.to_string(), value);
        }
    }
    object
}

/// A distribution as a CKAN resource at `position` in its dataset.
pub fn resource(d: &Distribution, position: usize, datastore_active: bool) -> Value {
    let name = if d.title.is_empty() {
        d.filename.clone().unwrap_or_default()
    } else {
        text(&d.title)
    };
    let mut map = Map::new();
    let mut put = |key: &str, value: Value| {
        map.insert(key.to_string(), value);
    };
    put("id", json!(d.id));
    put("package_id", json!(d.dataset_id));
    put("url", json!(d.url));
    put("name", json!(name));
    put("name_translated", translated(&d.title));
    put("description", json!(text(&d.description)));
    put("description_translated", translated(&d.description));
    put("format", json!(d.format.as_deref().unwrap_or_default()));
    put("mimetype", json!(d.media_type));
    put("mimetype_inner", Value::Null);
    put("size", json!(d.byte_size));
    put("hash", json!(d.sha256.as_deref().unwrap_or_default()));
    put("hash_algorithm", json!(d.sha256.as_ref().map(|_| "sha256")));
    put("position", json!(position));
    put("created", json!(format(d.created_at)));
    put("last_modified", json!(format(d.updated_at)));
    put("metadata_modified", json!(format(d.updated_at)));
    put("cache_url", Value::Null);
    put("cache_last_updated", Value::Null);
    put(
        "url_type",
        if d.remote_url.is_none() {
            json!("upload")
        } else {
            Value::Null
        },
    );
    put("resource_type", Value::Null);
    put("state", json!("active"));
    put("datastore_active", json!(datastore_active));
    put("license_id", json!(license::to_ckan(&d.license)));
    put("issued", json!(d.issued.map(|x| x.to_string())));
    put("modified", json!(d.modified.map(|x| x.to_string())));
    put("version", json!(d.version));
    Value::Object(map)
}
