//! CKAN → dulieu: the package and resource dicts clients send (`package_create`,
//! `package_update`, `resource_create`, …) as dulieu's inputs, and the lenient readers of their
//! values that [`crate::remote`] shares.
//!
//! Clients send values loosely typed (ckanapi sends every field of a multipart request as a
//! string), so booleans and numbers are also read from strings. Keys dulieu does not keep are
//! ignored (see `docs/ckan-compat.md`).

use chrono::NaiveDate;
use dulieu_core::catalog::{ContactPoint, DatasetInput, DistributionInput, Temporal};
use dulieu_core::text::LangText;
use dulieu_core::vocab::{AccessRights, DatasetStatus};
use serde_json::{Map, Value};

use crate::MappingError;
use crate::license;
use crate::package::{EU_THEME_BASE, extra};

/// A package as dulieu inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageInput {
    /// The dataset's fields; `publisher` is `owner_org` as sent (an organization id or name),
    /// for the caller to resolve to a slug.
    pub dataset: DatasetInput,
    /// The resources, when the package lists them (`None`: keep the dataset's as they are).
    pub resources: Option<Vec<ResourceInput>>,
}

/// A resource as a dulieu input.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceInput {
    /// Its id, when it names an existing resource.
    pub id: Option<String>,
    /// The distribution's fields (`url` absent for uploads).
    pub distribution: DistributionInput,
}

/// A field of a JSON object.
pub(crate) fn get<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|v| !v.is_null())
}

/// A string field (numbers and booleans as their text); blank is absent.
pub(crate) fn string(
    object: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<String>, MappingError> {
    match get(object, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(_) => Err(MappingError::new(path, "invalid_type")),
    }
}

/// A boolean field: JSON booleans and `true`/`false`/`True`/`False`/`1`/`0`/`yes`/`no`.
pub(crate) fn boolean(
    object: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<bool>, MappingError> {
    match get(object, key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Some(true)),
            "false" | "0" | "no" | "off" | "" => Ok(Some(false)),
            _ => Err(MappingError::new(path, "invalid_value")),
        },
        Some(Value::Number(n)) => Ok(Some(n.as_i64() != Some(0))),
        Some(_) => Err(MappingError::new(path, "invalid_type")),
    }
}

/// A date field (a bare date, or the date of an instant).
pub(crate) fn date(
    object: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<NaiveDate>, MappingError> {
    string(object, key, path)?
        .map(|s| crate::time::parse_date(&s).ok_or_else(|| MappingError::new(path, "invalid_date")))
        .transpose()
}

/// A `{"vi", "en"}` object (ckanext-fluent), or a plain string taken as Vietnamese.
fn lang_text(
    object: &Map<String, Value>,
    translated_key: &str,
    plain_key: &str,
) -> Result<LangText, MappingError> {
    if let Some(translated) = get(object, translated_key) {
        let Some(map) = translated.as_object() else {
            return Err(MappingError::new(translated_key, "expected_object"));
        };
        let vi = string(map, "vi", &format!("{translated_key}.vi"))?;
        let en = string(map, "en", &format!("{translated_key}.en"))?;
        if vi.is_some() || en.is_some() {
            return Ok(LangText { vi, en });
        }
    }
    Ok(LangText {
        vi: string(object, plain_key, plain_key)?,
        en: None,
    })
}

/// The `extras` of a package (or organization) as `(key, value)` pairs: CKAN's list of `{key, value}`, or an
/// object (some clients send one).
pub fn extras(object: &Map<String, Value>) -> Result<Vec<(String, String)>, MappingError> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    match get(object, "extras") {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let map = item
                    .as_object()
                    .ok_or_else(|| MappingError::new(format!("extras[{i}]"), "expected_object"))?;
                let key = string(map, "key", &format!("extras[{i}].key"))?
                    .ok_or_else(|| MappingError::new(format!("extras[{i}].key"), "required"))?;
                Ok((key, map.get("value").map(text).unwrap_or_default()))
            })
            .collect(),
        Some(Value::Object(map)) => Ok(map.iter().map(|(k, v)| (k.clone(), text(v))).collect()),
        Some(_) => Err(MappingError::new("extras", "invalid_type")),
    }
}

/// The value of an extra.
pub(crate) fn extra_value<'a>(extras: &'a [(String, String)], key: &str) -> Option<&'a str> {
    extras
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// Keywords: `tags` as `[{name}]` or `[name]`, else `tag_string` (comma separated).
pub(crate) fn keywords(object: &Map<String, Value>) -> Result<Vec<String>, MappingError> {
    match get(object, "tags") {
        Some(Value::Array(tags)) => tags
            .iter()
            .enumerate()
            .map(|(i, tag)| match tag {
                Value::String(s) => Ok(s.clone()),
                Value::Object(map) => string(map, "name", &format!("tags[{i}].name"))?
                    .ok_or_else(|| MappingError::new(format!("tags[{i}].name"), "required")),
                _ => Err(MappingError::new(format!("tags[{i}]"), "invalid_type")),
            })
            .collect(),
        Some(_) => Err(MappingError::new("tags", "invalid_type")),
        None => Ok(string(object, "tag_string", "tag_string")?
            .map(|s| {
                s.split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default()),
    }
}

/// A theme code from the `theme` extra or a group: an EU data-theme URI gives its code.
pub(crate) fn theme_code(reference: &str) -> String {
    let reference = reference.trim();
    match reference.strip_prefix(EU_THEME_BASE) {
        Some(code) => code.trim_end_matches('/').to_string(),
        None => reference.to_string(),
    }
}

/// Themes: the `theme` extra (a JSON list, or one value), else `groups` (`[{name}]`).
fn themes(
    object: &Map<String, Value>,
    extras: &[(String, String)],
) -> Result<Vec<String>, MappingError> {
    if let Some(value) = extra_value(extras, extra::THEME) {
        let list: Vec<String> = match serde_json::from_str::<Vec<String>>(value) {
            Ok(list) => list,
            Err(_) => vec![value.to_string()],
        };
        return Ok(list.iter().map(|t| theme_code(t)).collect());
    }
    match get(object, "groups") {
        None => Ok(Vec::new()),
        Some(Value::Array(groups)) => groups
            .iter()
            .enumerate()
            .map(|(i, group)| match group {
                Value::String(s) => Ok(s.clone()),
                Value::Object(map) => {
                    let path = format!("groups[{i}].name");
                    string(map, "name", &path)?
                        .or(string(map, "id", &path)?)
                        .ok_or_else(|| MappingError::new(path, "required"))
                }
                _ => Err(MappingError::new(format!("groups[{i}]"), "invalid_type")),
            })
            .collect(),
        Some(_) => Err(MappingError::new("groups", "invalid_type")),
    }
}

/// The access rights of a package from `private` and the `access_rights` extra. `private`
/// decides when they disagree (`package_show` writes both, and clients edit `private` only):
/// `private: true` keeps a non-public extra (`restricted`) and otherwise means `non-public`;
/// `private: false` means `public`. Without `private` the extra decides; without either the
/// package is public.
fn access_rights(private: Option<bool>, extra: Option<AccessRights>) -> AccessRights {
    match (private, extra) {
        (Some(true), Some(rights)) if rights != AccessRights::Public => rights,
        (Some(true), _) => AccessRights::NonPublic,
        (Some(false), _) => AccessRights::Public,
        (None, Some(rights)) => rights,
        (None, None) => AccessRights::Public,
    }
}

/// Reads a package dict (create or full update). `owner_org` is required.
pub fn package_input(package: &Value) -> Result<PackageInput, MappingError> {
    let object = package
        .as_object()
        .ok_or_else(|| MappingError::new("body", "expected_object"))?;
    let extras = extras(object)?;
    let publisher = string(object, "owner_org", "owner_org")?
        .ok_or_else(|| MappingError::new("owner_org", "required"))?;
    let private = boolean(object, "private", "private")?;
    let extra_rights = extra_value(&extras, extra::ACCESS_RIGHTS)
        .map(|value| {
            AccessRights::parse(value).ok_or_else(|| {
                MappingError::new(format!("extras.{}", extra::ACCESS_RIGHTS), "invalid_value")
            })
        })
        .transpose()?;
    let access_rights = access_rights(private, extra_rights);
    let status = match extra_value(&extras, extra::STATUS) {
        Some(value) => DatasetStatus::parse(value).ok_or_else(|| {
            MappingError::new(format!("extras.{}", extra::STATUS), "invalid_value")
        })?,
        None => match string(object, "state", "state")?.as_deref() {
            None | Some("active") => DatasetStatus::Published,
            Some("draft") => DatasetStatus::Draft,
            Some(_) => return Err(MappingError::new("state", "invalid_value")),
        },
    };
    let extra_date = |key: &str| -> Result<Option<NaiveDate>, MappingError> {
        extra_value(&extras, key)
            .map(|v| {
                crate::time::parse_date(v)
                    .ok_or_else(|| MappingError::new(format!("extras.{key}"), "invalid_date"))
            })
            .transpose()
    };
    let temporal = Temporal {
        start: extra_date(extra::TEMPORAL_START)?,
        end: extra_date(extra::TEMPORAL_END)?,
    };
    let contact = ContactPoint {
        name: string(object, "maintainer", "maintainer")?.or(string(object, "author", "author")?),
        email: string(object, "maintainer_email", "maintainer_email")?.or(string(
            object,
            "author_email",
            "author_email",
        )?),
    };
    let dataset = DatasetInput {
        slug: string(object, "name", "name")?,
        title: lang_text(object, "title_translated", "title")?,
        description: lang_text(object, "notes_translated", "notes")?,
        publisher,
        contact_point: (contact.name.is_some() || contact.email.is_some()).then_some(contact),
        keywords: keywords(object)?,
        themes: themes(object, &extras)?,
        license: license::from_ckan(
            &string(object, "license_id", "license_id")?.unwrap_or_default(),
        ),
        access_rights,
        temporal: (temporal.start.is_some() || temporal.end.is_some()).then_some(temporal),
        spatial: extra_value(&extras, extra::SPATIAL_TEXT).map(str::to_string),
        frequency: extra_value(&extras, extra::FREQUENCY).map(str::to_lowercase),
        issued: extra_date(extra::ISSUED)?,
        modified: extra_date(extra::MODIFIED)?,
        version: string(object, "version", "version")?,
        status,
    };
    let resources = match get(object, "resources") {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| resource_input(item, &format!("resources[{i}]")))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(_) => return Err(MappingError::new("resources", "invalid_type")),
    };
    Ok(PackageInput { dataset, resources })
}

/// Reads a resource dict; `path` prefixes field names in errors (`resources[0]`, or empty).
pub fn resource_input(resource: &Value, path: &str) -> Result<ResourceInput, MappingError> {
    let at = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    let object = resource
        .as_object()
        .ok_or_else(|| MappingError::new(at("resource"), "expected_object"))?;
    let license =
        string(object, "license_id", &at("license_id"))?.map(|id| license::from_ckan(&id));
    let distribution = DistributionInput {
        title: lang_text(object, "name_translated", "name")?,
        description: lang_text(object, "description_translated", "description")?,
        format: string(object, "format", &at("format"))?,
        media_type: string(object, "mimetype", &at("mimetype"))?,
        url: string(object, "url", &at("url"))?,
        license,
        issued: date(object, "issued", &at("issued"))?,
        modified: date(object, "modified", &at("modified"))?,
    };
    Ok(ResourceInput {
        id: string(object, "id", &at("id"))?,
        distribution,
    })
}

/// Applies a `package_patch` / `resource_patch` to the dict as shown: top-level keys replaced
/// (CKAN's semantics). A plain text (`title`, `notes`, `name`, `description`) given without its
/// `*_translated` twin replaces the Vietnamese text of the twin, so the English one is kept.
pub fn apply_patch(shown: &mut Value, changes: &Map<String, Value>) {
    let Value::Object(shown) = shown else { return };
    for (plain, translated) in [
        ("title", "title_translated"),
        ("notes", "notes_translated"),
        ("name", "name_translated"),
        ("description", "description_translated"),
    ] {
        if let Some(text) = changes.get(plain)
            && !changes.contains_key(translated)
            && let Some(Value::Object(twin)) = shown.get_mut(translated)
        {
            twin.insert("vi".into(), text.clone());
        }
    }
    shown.extend(changes.clone());
}

/// Whether the package dict `sent` by a client carries the extra `key` (even empty).
pub fn sends_extra(sent: &Value, key: &str) -> bool {
    sent.as_object()
        .and_then(|object| extras(object).ok())
        .is_some_and(|extras| extras.iter().any(|(k, _)| k == key))
}

/// The merge patch that makes a dataset equal to `input` (a full `package_update`): every field
/// written, missing ones as `null` (both languages of texts too), so nothing of the old state
/// survives that the package leaves out. The dates `issued` and `modified` are the exception:
/// they are written only when the package the client `sent` (the dict of `package_update`, the
/// changes of `package_patch`) carries their extras; otherwise the catalog keeps `issued` and
/// sets `modified` to the day of the change, as for any edit.
pub fn full_patch(input: &DatasetInput, sent: &Value) -> Value {
    let mut value = serde_json::to_value(input).unwrap_or(Value::Null);
    if let Some(map) = value.as_object_mut() {
        for (field, key) in [("issued", extra::ISSUED), ("modified", extra::MODIFIED)] {
            if !sends_extra(sent, key) {
                map.remove(field);
            }
        }
        for key in ["title", "description"] {
            if let Some(Value::Object(text)) = map.get_mut(key) {
                for lang in ["vi", "en"] {
                    text.entry(lang).or_insert(Value::Null);
                }
            }
        }
    }
    value
}

/// The merge patch of a resource update: every writable field, missing ones as `null`.
pub fn resource_patch(input: &DistributionInput, is_upload: bool) -> Value {
    let mut value = serde_json::to_value(input).unwrap_or(Value::Null);
    if let Some(map) = value.as_object_mut() {
        for key in ["title", "description"] {
            if let Some(Value::Object(text)) = map.get_mut(key) {
                for lang in ["vi", "en"] {
                    text.entry(lang).or_insert(Value::Null);
                }
            }
        }
        if is_upload {
            map.remove("url");
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_minimal_package() {
        let input = package_input(&json!({
            "name": "dan-so", "title": "Dân số", "owner_org": "gso",
            "license_id": "cc-by", "tags": [{"name": "dân số"}, {"name": "thống kê"}],
            "notes": "Mô tả", "private": "False"
        }))
        .unwrap();
        let d = input.dataset;
        assert_eq!(d.slug.as_deref(), Some("dan-so"));
        assert_eq!(d.title.vi.as_deref(), Some("Dân số"));
        assert_eq!(d.description.vi.as_deref(), Some("Mô tả"));
        assert_eq!(d.publisher, "gso");
        assert_eq!(d.license, "cc-by-4.0");
        assert_eq!(d.keywords, ["dân số", "thống kê"]);
        assert_eq!(d.access_rights, AccessRights::Public);
        assert_eq!(d.status, DatasetStatus::Published);
        assert!(input.resources.is_none());
    }

    #[test]
    fn private_drafts_translations_and_extras() {
        let input = package_input(&json!({
            "name": "x1", "owner_org": "gso", "private": true, "state": "draft",
            "title_translated": {"vi": "Tiêu đề", "en": "Title"},
            "tag_string": "a, b",
            "extras": [
                {"key": "frequency", "value": "MONTHLY"},
                {"key": "temporal_start", "value": "2020-01-01"},
                {"key": "theme", "value": "[\"http://publications.europa.eu/resource/authority/data-theme/ECON\", \"LOCAL\"]"},
                {"key": "unknown", "value": "kept out"}
            ],
            "resources": [{"url": "https://example.org/a.csv", "name": "A", "format": "CSV"}]
        }))
        .unwrap();
        let d = input.dataset;
        assert_eq!(d.access_rights, AccessRights::NonPublic);
        assert_eq!(d.status, DatasetStatus::Draft);
        assert_eq!(d.title.en.as_deref(), Some("Title"));
        assert_eq!(d.keywords, ["a", "b"]);
        assert_eq!(d.frequency.as_deref(), Some("monthly"));
        assert_eq!(d.themes, ["ECON", "LOCAL"]);
        assert_eq!(
            d.temporal.unwrap().start,
            NaiveDate::from_ymd_opt(2020, 1, 1)
        );
        let resources = input.resources.unwrap();
        assert_eq!(
            resources[0].distribution.url.as_deref(),
            Some("https://example.org/a.csv")
        );
        assert_eq!(resources[0].distribution.title.vi.as_deref(), Some("A"));
    }

    #[test]
    fn errors_name_the_field() {
        let e = package_input(&json!({"name": "x"})).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("owner_org", "required"));
        let e = package_input(&json!({"owner_org": "o", "tags": "a"})).unwrap_err();
        assert_eq!(e.field, "tags");
        let e = package_input(&json!({"owner_org": "o", "private": "maybe"})).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("private", "invalid_value"));
        let e =
            package_input(&json!({"owner_org": "o", "resources": [{"url": ["x"]}]})).unwrap_err();
        assert_eq!(e.field, "resources[0].url");
        let e = package_input(
            &json!({"owner_org": "o", "extras": [{"key": "issued", "value": "soon"}]}),
        )
        .unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("extras.issued", "invalid_date")
        );
        assert!(package_input(&json!([1])).is_err());
    }

    #[test]
    fn a_patch_of_a_plain_text_keeps_the_other_language() {
        let mut shown = json!({"notes": "Cũ", "notes_translated": {"vi": "Cũ", "en": "Old"}});
        let changes = json!({"notes": "Mới"});
        apply_patch(&mut shown, changes.as_object().unwrap());
        let input = lang_text(shown.as_object().unwrap(), "notes_translated", "notes").unwrap();
        assert_eq!(input, LangText::new("Mới", "Old"));
    }

    #[test]
    fn a_full_patch_clears_what_the_package_leaves_out() {
        let sent = json!({"owner_org": "o", "title": "T"});
        let input = package_input(&sent).unwrap();
        let patch = full_patch(&input.dataset, &sent);
        assert_eq!(patch["title"], json!({"vi": "T", "en": null}));
        assert_eq!(patch["description"], json!({"vi": null, "en": null}));
        assert_eq!(patch["frequency"], Value::Null);
        assert!(patch.as_object().unwrap().contains_key("temporal"));
    }

    #[test]
    fn a_full_patch_writes_the_dates_only_when_sent() {
        let patch_of = |sent: Value| {
            let input = package_input(&sent).unwrap();
            full_patch(&input.dataset, &sent)
                .as_object()
                .unwrap()
                .clone()
        };
        // An ordinary CKAN client: the catalog keeps `issued` and bumps `modified`.
        let patch = patch_of(json!({"owner_org": "o", "title": "T"}));
        assert!(!patch.contains_key("issued") && !patch.contains_key("modified"));
        // Sent: written, as a date or (empty) as a clearing.
        let patch = patch_of(json!({"owner_org": "o", "extras": [
            {"key": "issued", "value": "2020-01-02"}, {"key": "modified", "value": ""}
        ]}));
        assert_eq!(patch["issued"], "2020-01-02");
        assert_eq!(patch["modified"], Value::Null);
        assert!(patch.contains_key("modified"));
        // The extras as an object too.
        let patch = patch_of(json!({"owner_org": "o", "extras": {"modified": "2021-03-04"}}));
        assert_eq!(patch["modified"], "2021-03-04");
        assert!(!patch.contains_key("issued"));
        // `package_patch`: the dict is the package as shown, what counts is what was sent.
        let shown =
            json!({"owner_org": "o", "extras": [{"key": "modified", "value": "2020-01-01"}]});
        let input = package_input(&shown).unwrap();
        let patch = full_patch(&input.dataset, &json!({"id": "x", "notes": "n"}));
        assert!(!patch.as_object().unwrap().contains_key("modified"));
    }

    #[test]
    fn private_decides_when_it_contradicts_the_access_rights_extra() {
        let rights = |private: Value, extra: Option<&str>| {
            let mut package = json!({"owner_org": "o", "private": private});
            if let Some(extra) = extra {
                package["extras"] = json!([{"key": "access_rights", "value": extra}]);
            }
            package_input(&package).unwrap().dataset.access_rights
        };
        use AccessRights::{NonPublic, Public, Restricted};
        assert_eq!(rights(json!(true), Some("public")), NonPublic);
        assert_eq!(rights(json!("True"), Some("public")), NonPublic);
        assert_eq!(rights(json!(true), Some("restricted")), Restricted);
        assert_eq!(rights(json!(true), Some("non-public")), NonPublic);
        assert_eq!(rights(json!(true), None), NonPublic);
        assert_eq!(rights(json!(false), Some("restricted")), Public);
        assert_eq!(rights(json!(false), Some("non-public")), Public);
        assert_eq!(rights(json!(false), None), Public);
        // Without `private` the extra decides.
        assert_eq!(rights(Value::Null, Some("restricted")), Restricted);
        assert_eq!(rights(Value::Null, None), Public);
        let e = package_input(&json!({"owner_org": "o", "private": true,
            "extras": [{"key": "access_rights", "value": "secret"}]}))
        .unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("extras.access_rights", "invalid_value")
        );
    }
}
