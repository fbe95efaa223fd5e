//! A package of any CKAN portal as a harvested [`RemoteDataset`].
//!
//! Reads dulieu's own packages losslessly (both languages, themes, frequency, period, area,
//! access rights, dates) and the shapes other portals give: plain `title`/`notes`, ckanext-dcat
//! extras (`frequency` as an EU URI, `theme` URIs, `access_rights` URIs, `spatial` geometry),
//! data.gov's Project Open Data extras (`accrualPeriodicity`, `accessLevel`, `temporal` as
//! `start/end`, `issued`, `modified`, `publisher`, `contact_name`…). Unknown licenses become
//! `none`, unknown frequencies and access rights are left out, resources without a URL are
//! skipped.

use chrono::NaiveDate;
use dulieu_core::catalog::{ContactPoint, DatasetInput, Temporal};
use dulieu_core::harvest::{RemoteDataset, RemoteDistribution, RemotePublisher};
use dulieu_core::text::{LangText, slugify};
use dulieu_core::vocab::{AccessRights, DatasetStatus, is_frequency};
use serde_json::{Map, Value};

use crate::MappingError;
use crate::input::{boolean, extra_value, extras, get, keywords, string, theme_code};
use crate::package::extra;

/// The base of EU frequency URIs.
const EU_FREQUENCY_BASE: &str = "http://publications.europa.eu/resource/authority/frequency/";
/// The base of EU access-right URIs.
const EU_ACCESS_RIGHT_BASE: &str = "http://publications.europa.eu/resource/authority/access-right/";

/// Maps one package of the CKAN portal at `base_url` (its site root, e.g.
/// `https://data.example.org`) onto dulieu's fields. Fails naming the field when the package has
/// no usable `id`, `title`/`name`, or a malformed `metadata_modified`.
pub fn package_to_remote(package: &Value, base_url: &str) -> Result<RemoteDataset, MappingError> {
    let object = package
        .as_object()
        .ok_or_else(|| MappingError::new("package", "expected_object"))?;
    let extras = extras(object)?;
    let remote_id = string(object, "id", "id")?
        .or(string(object, "name", "name")?)
        .ok_or_else(|| MappingError::new("id", "required"))?;
    let name = string(object, "name", "name")?;
    let title = lang(object, "title_translated", "title")?;
    let title = if title.is_empty() {
        LangText {
            vi: name.clone(),
            en: None,
        }
    } else {
        title
    };
    if title.is_empty() {
        return Err(MappingError::new("title", "required"));
    }
    let remote_modified = string(object, "metadata_modified", "metadata_modified")?
        .map(|s| {
            crate::time::parse(&s)
                .ok_or_else(|| MappingError::new("metadata_modified", "invalid_date"))
        })
        .transpose()?;
    let metadata_created = string(object, "metadata_created", "metadata_created")?
        .and_then(|s| crate::time::parse_date(&s));
    let lenient_date = |keys: &[&str]| -> Option<NaiveDate> {
        keys.iter()
            .find_map(|k| extra_value(&extras, k))
            .and_then(crate::time::parse_date)
    };
    let publisher = publisher(object, &extras)?;
    let contact = ContactPoint {
        name: string(object, "maintainer", "maintainer")?
            .or(string(object, "author", "author")?)
            .or(extra_value(&extras, "contact_name").map(str::to_string)),
        email: string(object, "maintainer_email", "maintainer_email")?
            .or(string(object, "author_email", "author_email")?)
            .or(extra_value(&extras, "contact_email").map(str::to_string))
            .map(|e| e.trim_start_matches("mailto:").to_string()),
    };
    let slug = name.as_deref().map(slugify).filter(|s| !s.is_empty());
    let remote_url = name
        .as_deref()
        .map(|n| format!("{}/dataset/{n}", base_url.trim_end_matches('/')));
    let license = license_of(object, &extras)?;
    let input = DatasetInput {
        slug,
        title,
        description: lang(object, "notes_translated", "notes")?,
        publisher: publisher.slug_hint.clone().unwrap_or_default(),
        contact_point: (contact.name.is_some() || contact.email.is_some()).then_some(contact),
        keywords: keywords(object).unwrap_or_default(),
        themes: themes(object, &extras),
        license,
        access_rights: access_rights(object, &extras)?,
        temporal: temporal(&extras),
        spatial: spatial(&extras),
        frequency: frequency(&extras),
        issued: lenient_date(&[extra::ISSUED]).or(metadata_created),
        modified: lenient_date(&[extra::MODIFIED]).or(remote_modified.map(|m| m.date_naive())),
        version: string(object, "version", "version")?,
        status: DatasetStatus::Published,
    };
    let distributions = match get(object, "resources") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| distribution(item, i).transpose())
            .collect::<Result<Vec<_>, _>>()?,
        _ => Vec::new(),
    };
    Ok(RemoteDataset {
        remote_id,
        remote_url,
        remote_modified,
        publisher,
        input,
        distributions,
    })
}

fn lang(
    object: &Map<String, Value>,
    translated: &str,
    plain: &str,
) -> Result<LangText, MappingError> {
    let from_translated = match get(object, translated) {
        Some(Value::Object(map)) => LangText {
            vi: string(map, "vi", &format!("{translated}.vi"))?,
            en: string(map, "en", &format!("{translated}.en"))?,
        },
        _ => LangText::default(),
    };
    if !from_translated.is_empty() {
        return Ok(from_translated);
    }
    Ok(LangText {
        vi: string(object, plain, plain)?,
        en: None,
    })
}

fn publisher(
    object: &Map<String, Value>,
    extras: &[(String, String)],
) -> Result<RemotePublisher, MappingError> {
    if let Some(Value::Object(org)) = get(object, "organization") {
        let name = lang(org, "title_translated", "title")?;
        let slug = string(org, "name", "organization.name")?;
        return Ok(RemotePublisher {
            remote_id: string(org, "id", "organization.id")?.or(slug.clone()),
            slug_hint: slug.clone(),
            name: if name.is_empty() {
                LangText { vi: slug, en: None }
            } else {
                name
            },
            description: lang(org, "description_translated", "description")?,
            website: None,
            contact_email: None,
        });
    }
    // data.gov-style: the publisher only in the extras.
    let name = extra_value(extras, "publisher").map(str::to_string);
    Ok(RemotePublisher {
        remote_id: string(object, "owner_org", "owner_org")?.or(name.clone()),
        slug_hint: name.as_deref().map(slugify).filter(|s| !s.is_empty()),
        name: LangText { vi: name, en: None },
        ..RemotePublisher::default()
    })
}

fn license_of(
    object: &Map<String, Value>,
    extras: &[(String, String)],
) -> Result<String, MappingError> {
    let id = string(object, "license_id", "license_id")?;
    let url = string(object, "license_url", "license_url")?
        .or(extra_value(extras, "license").map(str::to_string));
    let found = id
        .as_deref()
        .and_then(crate::license::known)
        .or_else(|| url.as_deref().and_then(crate::license::from_url))
        .or_else(|| id.as_deref().and_then(crate::license::from_url));
    Ok(found.unwrap_or("none").to_string())
}

fn themes(object: &Map<String, Value>, extras: &[(String, String)]) -> Vec<String> {
    if let Some(value) = extra_value(extras, extra::THEME) {
        let list =
            serde_json::from_str::<Vec<String>>(value).unwrap_or_else(|_| vec![value.to_string()]);
        return list.iter().map(|t| theme_code(t)).collect();
    }
    // Groups of other portals are their own collections, not themes: only EU theme codes.
    match get(object, "groups") {
        Some(Value::Array(groups)) => groups
            .iter()
            .filter_map(|g| g.get("name").and_then(Value::as_str))
            .map(|n| n.to_ascii_uppercase())
            .filter(|n| EU_THEMES.contains(&n.as_str()))
            .collect(),
        _ => Vec::new(),
    }
}

/// The EU data-theme codes.
const EU_THEMES: &[&str] = &[
    "AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH",
    "TRAN",
];

fn access_rights(
    object: &Map<String, Value>,
    extras: &[(String, String)],
) -> Result<AccessRights, MappingError> {
    if let Some(value) = extra_value(extras, extra::ACCESS_RIGHTS) {
        let code = value
            .strip_prefix(EU_ACCESS_RIGHT_BASE)
            .unwrap_or(value)
            .to_ascii_lowercase()
            .replace('_', "-");
        if let Some(rights) = AccessRights::parse(&code) {
            return Ok(rights);
        }
    }
    if let Some(level) = extra_value(extras, "accessLevel") {
        match level.to_ascii_lowercase().as_str() {
            "public" => return Ok(AccessRights::Public),
            "restricted public" => return Ok(AccessRights::Restricted),
            "non-public" => return Ok(AccessRights::NonPublic),
            _ => {}
        }
    }
    Ok(if boolean(object, "private", "private")?.unwrap_or(false) {
        AccessRights::NonPublic
    } else {
        AccessRights::Public
    })
}

fn temporal(extras: &[(String, String)]) -> Option<Temporal> {
    let date = |key: &str| extra_value(extras, key).and_then(crate::time::parse_date);
    let mut temporal = Temporal {
        start: date(extra::TEMPORAL_START),
        end: date(extra::TEMPORAL_END),
    };
    if temporal.start.is_none()
        && temporal.end.is_none()
        && let Some((start, end)) = extra_value(extras, "temporal").and_then(|t| t.split_once('/'))
    {
        temporal.start = crate::time::parse_date(start);
        temporal.end = crate::time::parse_date(end);
    }
    match (temporal.start, temporal.end) {
        (None, None) => None,
        (Some(start), Some(end)) if end < start => None,
        _ => Some(temporal),
    }
}

fn spatial(extras: &[(String, String)]) -> Option<String> {
    extra_value(extras, extra::SPATIAL_TEXT)
        .or_else(|| extra_value(extras, "spatial").filter(|s| !s.starts_with('{')))
        .map(str::to_string)
}

/// An EU frequency code from the `frequency` extra (a code or URI) or data.gov's
/// `accrualPeriodicity` (ISO 8601 repeating durations).
fn frequency(extras: &[(String, String)]) -> Option<String> {
    if let Some(value) = extra_value(extras, extra::FREQUENCY) {
        let code = value
            .strip_prefix(EU_FREQUENCY_BASE)
            .unwrap_or(value)
            .to_ascii_lowercase();
        if is_frequency(&code) {
            return Some(code);
        }
    }
    let code = match extra_value(extras, "accrualPeriodicity")? {
        "R/P10Y" => "decennial",
        "R/P4Y" => "quadrennial",
        "R/P3Y" => "triennial",
        "R/P2Y" => "biennial",
        "R/P1Y" => "annual",
        "R/P6M" => "annual_2",
        "R/P4M" => "annual_3",
        "R/P3M" => "quarterly",
        "R/P2M" => "bimonthly",
        "R/P0.5M" => "semimonthly",
        "R/P1M" => "monthly",
        "R/P2W" => "biweekly",
        "R/P0.5W" => "weekly_2",
        "R/P1W" => "weekly",
        "R/P1D" => "daily",
        "R/PT1H" => "hourly",
        "R/PT1S" => "cont",
        "irregular" => "irreg",
        _ => return None,
    };
    Some(code.to_string())
}

fn distribution(item: &Value, i: usize) -> Result<Option<RemoteDistribution>, MappingError> {
    let path = |key: &str| format!("resources[{i}].{key}");
    let Some(object) = item.as_object() else {
        return Err(MappingError::new(
            format!("resources[{i}]"),
            "expected_object",
        ));
    };
    let Some(url) = string(object, "url", &path("url"))? else {
        return Ok(None);
    };
    let raw_format = string(object, "format", &path("format"))?;
    let mut media_type = string(object, "mimetype", &path("mimetype"))?;
    let format = raw_format.and_then(|f| {
        if f.contains('/') {
            media_type.get_or_insert(f.to_ascii_lowercase());
            None
        } else {
            let token = f
                .trim_start_matches('.')
                .trim()
                .to_ascii_uppercase()
                .replace(' ', "-");
            let valid = token.len() <= 40
                && token
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_+.".contains(c));
            valid.then_some(token)
        }
    });
    let byte_size = match get(object, "size") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let license = string(object, "license_id", &path("license_id"))?
        .as_deref()
        .and_then(crate::license::known)
        .map(str::to_string);
    let lenient = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| string(object, k, k).ok().flatten())
            .and_then(|s| crate::time::parse_date(&s))
    };
    Ok(Some(RemoteDistribution {
        remote_id: string(object, "id", &path("id"))?,
        title: lang(object, "name_translated", "name")?,
        description: lang(object, "description_translated", "description")?,
        url,
        format,
        media_type,
        license,
        byte_size,
        issued: lenient(&["issued", "created"]),
        modified: lenient(&["modified", "last_modified"]),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_data_gov_style_package() {
        let package = json!({
            "id": "7d1c-…", "name": "consumer_complaints", "title": "Consumer Complaints",
            "notes": "Complaints received.", "license_id": "us-pd",
            "metadata_modified": "2024-02-03T04:05:06.789012",
            "metadata_created": "2019-01-01T00:00:00",
            "organization": {"id": "o-1", "name": "cfpb", "title": "Consumer Bureau"},
            "tags": [{"name": "finance"}],
            "groups": [{"name": "local-government"}],
            "extras": [
                {"key": "accrualPeriodicity", "value": "R/P1W"},
                {"key": "accessLevel", "value": "public"},
                {"key": "temporal", "value": "2011-12-01/2024-01-31"},
                {"key": "spatial", "value": "{\"type\": \"Polygon\"}"},
                {"key": "contact_email", "value": "mailto:x@example.gov"},
                {"key": "modified", "value": "2024-01-31"}
            ],
            "resources": [
                {"id": "r1", "url": "https://example.gov/c.csv", "format": "CSV", "name": "CSV", "size": "1024"},
                {"id": "r2", "url": "", "format": "API"},
                {"id": "r3", "url": "https://example.gov/api", "format": "Esri REST", "mimetype": null},
                {"id": "r4", "url": "https://example.gov/c.json", "format": "application/json"}
            ]
        });
        let remote = package_to_remote(&package, "https://catalog.example.gov/").unwrap();
        assert_eq!(remote.remote_id, "7d1c-…");
        assert_eq!(
            remote.remote_url.as_deref(),
            Some("https://catalog.example.gov/dataset/consumer_complaints")
        );
        assert_eq!(
            remote.remote_modified.unwrap().to_rfc3339(),
            "2024-02-03T04:05:06.789012+00:00"
        );
        assert_eq!(remote.publisher.slug_hint.as_deref(), Some("cfpb"));
        assert_eq!(remote.publisher.name.vi.as_deref(), Some("Consumer Bureau"));
        let input = &remote.input;
        assert_eq!(input.slug.as_deref(), Some("consumer-complaints"));
        assert_eq!(input.license, "none");
        assert_eq!(input.frequency.as_deref(), Some("weekly"));
        assert_eq!(input.access_rights, AccessRights::Public);
        assert!(input.themes.is_empty());
        assert_eq!(
            input.temporal.as_ref().unwrap().end,
            NaiveDate::from_ymd_opt(2024, 1, 31)
        );
        assert_eq!(input.spatial, None);
        assert_eq!(
            input.contact_point.as_ref().unwrap().email.as_deref(),
            Some("x@example.gov")
        );
        assert_eq!(input.modified, NaiveDate::from_ymd_opt(2024, 1, 31));
        assert_eq!(input.issued, NaiveDate::from_ymd_opt(2019, 1, 1));
        assert_eq!(input.status, DatasetStatus::Published);
        let formats: Vec<Option<&str>> = remote
            .distributions
            .iter()
            .map(|d| d.format.as_deref())
            .collect();
        assert_eq!(formats, [Some("CSV"), Some("ESRI-REST"), None]);
        assert_eq!(remote.distributions[0].byte_size, Some(1024));
        assert_eq!(
            remote.distributions[2].media_type.as_deref(),
            Some("application/json")
        );
    }

    #[test]
    fn ckanext_dcat_uris() {
        let remote = package_to_remote(
            &json!({
                "id": "a", "title": "T", "license_url": "https://creativecommons.org/licenses/by/4.0/",
                "extras": [
                    {"key": "frequency", "value": "http://publications.europa.eu/resource/authority/frequency/MONTHLY"},
                    {"key": "access_rights", "value": "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC"},
                    {"key": "theme", "value": "[\"http://publications.europa.eu/resource/authority/data-theme/AGRI\"]"}
                ]
            }),
            "https://x",
        )
        .unwrap();
        assert_eq!(remote.input.license, "cc-by-4.0");
        assert_eq!(remote.input.frequency.as_deref(), Some("monthly"));
        assert_eq!(remote.input.access_rights, AccessRights::NonPublic);
        assert_eq!(remote.input.themes, ["AGRI"]);
    }

    #[test]
    fn errors_name_the_field() {
        let e = package_to_remote(&json!({"title": "x"}), "https://x").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("id", "required"));
        let e = package_to_remote(&json!({"id": "a"}), "https://x").unwrap_err();
        assert_eq!(e.field, "title");
        let e = package_to_remote(
            &json!({"id": "a", "title": "t", "metadata_modified": "soon"}),
            "https://x",
        )
        .unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("metadata_modified", "invalid_date")
        );
        let e = package_to_remote(&json!({"id": "a", "title": "t", "resources": [3]}), "x")
            .unwrap_err();
        assert_eq!(e.field, "resources[0]");
        assert!(package_to_remote(&json!("nope"), "x").is_err());
    }
}
