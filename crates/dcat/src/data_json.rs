//! Project Open Data Metadata Schema v1.1 (`data.json`), both ways: [`DataJsonWriter`] streams
//! the public catalog; [`read_data_json`] reads another portal's catalog for the harvester.
//!
//! Written as the non-federal profile (no `bureauCode`/`programCode`, which only US federal
//! agencies have). data.json has one language per text: titles and descriptions are written in
//! Vietnamese (English when a dataset has no Vietnamese), and `language` says which.
//! `identifier` is the dataset's IRI (`{base}/dataset/{id}`); `modified` is the date-time of the
//! dataset's last change in dulieu (what harvesters compare), `issued` the publisher's issuance
//! date; `theme` holds dulieu's theme codes (EU data-theme codes such as `ECON`);
//! `accrualPeriodicity` the ISO 8601 repeating duration of the EU frequency (`irregular` when
//! it has none).

use std::io::{self, Write};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use dulieu_core::catalog::{ContactPoint, Dataset, DatasetInput, Organization, Temporal};
use dulieu_core::harvest::{HarvestItemError, RemoteDataset, RemoteDistribution, RemotePublisher};
use dulieu_core::text::LangText;
use dulieu_core::vocab::{AccessRights, DatasetStatus};
use serde_json::{Map, Value, json};

use crate::export::Site;
use crate::{ReadError, authority, iri};

/// EU frequency codes and their ISO 8601 repeating durations.
const PERIODICITIES: &[(&str, &str)] = &[
    ("decennial", "R/P10Y"),
    ("quinquennial", "R/P5Y"),
    ("quadrennial", "R/P4Y"),
    ("triennial", "R/P3Y"),
    ("biennial", "R/P2Y"),
    ("annual", "R/P1Y"),
    ("annual_2", "R/P6M"),
    ("quarterly", "R/P3M"),
    ("bimonthly", "R/P2M"),
    ("monthly", "R/P1M"),
    ("semimonthly", "R/P0.5M"),
    ("biweekly", "R/P2W"),
    ("weekly", "R/P1W"),
    ("daily", "R/P1D"),
    ("12hrs", "R/PT12H"),
    ("hourly", "R/PT1H"),
    ("30min", "R/PT30M"),
    ("15min", "R/PT15M"),
    ("10min", "R/PT10M"),
    ("5min", "R/PT5M"),
    ("1min", "R/PT1M"),
    ("update_cont", "R/PT1S"),
];

/// Streams a data.json catalog: [`DataJsonWriter::new`], [`DataJsonWriter::dataset`] for each
/// dataset, [`DataJsonWriter::finish`].
pub struct DataJsonWriter<W: Write> {
    out: W,
    site: Site,
    first: bool,
}

impl<W: Write> DataJsonWriter<W> {
    /// Writes the catalog's opening.
    pub fn new(mut out: W, site: Site) -> io::Result<Self> {
        let head = json!({
            "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
            "@id": format!("{}/data.json", site.base_url),
            "@type": "dcat:Catalog",
            "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
            "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        });
        let head = serde_json::to_string(&head).map_err(io::Error::other)?;
        out.write_all(head.trim_end_matches('}').as_bytes())?;
        out.write_all(b",\"dataset\":[")?;
        Ok(Self {
            out,
            site,
            first: true,
        })
    }

    /// Writes one dataset (presented: distribution URLs filled in).
    pub fn dataset(&mut self, dataset: &Dataset, publisher: &Organization) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        serde_json::to_writer(&mut self.out, &dataset_json(&self.site, dataset, publisher))
            .map_err(io::Error::other)
    }

    /// Ends the catalog; returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.write_all(b"]}")?;
        Ok(self.out)
    }
}

/// The data.json object of one dataset.
pub fn dataset_json(site: &Site, dataset: &Dataset, publisher: &Organization) -> Value {
    let base = &site.base_url;
    let lang = if dataset.title.vi.is_some() {
        "vi"
    } else {
        "en"
    };
    let text = |t: &LangText| t.get(lang).unwrap_or_default().to_string();
    let mut object = Map::new();
    let mut put = |key: &str, value: Value| {
        if !value.is_null() {
            object.insert(key.to_string(), value);
        }
    };
    put("@type", json!("dcat:Dataset"));
    put("identifier", json!(iri::dataset(base, dataset.id)));
    put("title", json!(text(&dataset.title)));
    let description = text(&dataset.description);
    put(
        "description",
        json!(if description.is_empty() {
            text(&dataset.title)
        } else {
            description
        }),
    );
    if !dataset.keywords.is_empty() {
        put("keyword", json!(dataset.keywords));
    }
    put(
        "modified",
        json!(
            dataset
                .updated_at
                .to_rfc3339_opts(SecondsFormat::Secs, true)
        ),
    );
    put("issued", json!(dataset.issued.map(|d| d.to_string())));
    let name = text(&publisher.name);
    put(
        "publisher",
        json!({"@type": "org:Organization", "name": name}),
    );
    let contact = dataset.contact_point.clone().unwrap_or_default();
    let email = contact.email.or_else(|| publisher.contact_email.clone());
    let mut vcard = json!({"@type": "vcard:Contact", "fn": contact.name.unwrap_or(name)});
    if let Some(email) = email {
        vcard["hasEmail"] = json!(format!("mailto:{email}"));
    }
    put("contactPoint", vcard);
    put("accessLevel", json!(access_level(dataset.access_rights)));
    let license_url = site
        .licenses
        .iter()
        .find(|l| l.id == dataset.license)
        .and_then(|l| l.url.clone());
    put("license", json!(license_url));
    put("landingPage", json!(iri::dataset_page(base, &dataset.slug)));
    put("language", json!([lang]));
    if !dataset.themes.is_empty() {
        put("theme", json!(dataset.themes));
    }
    put("spatial", json!(dataset.spatial));
    if let Some(Temporal {
        start: Some(start),
        end: Some(end),
    }) = dataset.temporal
    {
        put("temporal", json!(format!("{start}/{end}")));
    }
    if let Some(code) = &dataset.frequency {
        let periodicity = PERIODICITIES
            .iter()
            .find(|(c, _)| c == code)
            .map_or("irregular", |(_, p)| p);
        put("accrualPeriodicity", json!(periodicity));
    }
    let distributions: Vec<Value> = dataset
        .distributions
        .iter()
        .map(|d| {
            let mut o = json!({"@type": "dcat:Distribution"});
            let media = d
                .media_type
                .as_deref()
                .filter(|m| authority::media_type_iri(m).is_some());
            match (d.remote_url.is_none(), media) {
                (true, Some(media)) => {
                    o["downloadURL"] = json!(d.url);
                    o["mediaType"] = json!(media);
                }
                _ => o["accessURL"] = json!(d.url),
            }
            if let Some(format) = &d.format {
                o["format"] = json!(format);
            }
            let title = text(&d.title);
            if !title.is_empty() {
                o["title"] = json!(title);
            }
            let description = text(&d.description);
            if !description.is_empty() {
                o["description"] = json!(description);
            }
            o
        })
        .collect();
    if !distributions.is_empty() {
        put("distribution", json!(distributions));
    }
    Value::Object(object)
}

fn access_level(rights: AccessRights) -> &'static str {
    match rights {
        AccessRights::Public => "public",
        AccessRights::Restricted => "restricted public",
        AccessRights::NonPublic => "non-public",
    }
}

/// Reads a data.json catalog (v1.1, or v1.0's bare array of datasets) into remote datasets, in
/// the document's order. Datasets whose `accessLevel` is not `public` are left out.
///
/// Fails only for the whole document: JSON that does not parse ([`ReadError::Syntax`] with line
/// and column), or neither an array nor an object with a `dataset` array
/// ([`ReadError::Content`]). A dataset that cannot be mapped is an `Err` item in its place: its
/// remote id is its `identifier`, or `dataset 3` (its index in the array, from 0) when it has
/// none, and the message names what is wrong (`` `title` is missing ``).
pub fn read_data_json(
    bytes: &[u8],
) -> Result<Vec<Result<RemoteDataset, HarvestItemError>>, ReadError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|err| ReadError::Syntax {
        format: "data.json",
        line: Some(err.line() as u64),
        column: Some(err.column() as u64),
        message: err.to_string(),
    })?;
    let datasets = match &value {
        Value::Array(list) => list,
        Value::Object(o) => o
            .get("dataset")
            .and_then(Value::as_array)
            .ok_or_else(|| ReadError::Content("data.json: no \"dataset\" array".into()))?,
        _ => return Err(ReadError::Content("data.json: not an object".into())),
    };
    let mut out = Vec::with_capacity(datasets.len());
    for (i, item) in datasets.iter().enumerate() {
        let Some(object) = item.as_object() else {
            out.push(Err(HarvestItemError {
                remote_id: format!("dataset {i}"),
                message: "not an object".to_string(),
            }));
            continue;
        };
        let level = object.get("accessLevel").and_then(Value::as_str);
        if level.is_some_and(|level| level.trim() != "public") {
            continue;
        }
        out.push(data_json_dataset(i, object));
    }
    Ok(out)
}

/// A required text of a data.json dataset (trimmed), or what is wrong with it.
fn required<'a>(object: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    match object.get(key) {
        None | Some(Value::Null) => Err(format!("`{key}` is missing")),
        Some(Value::String(s)) if s.trim().is_empty() => Err(format!("`{key}` is empty")),
        Some(Value::String(s)) => Ok(s.trim()),
        Some(_) => Err(format!("`{key}` is not a string")),
    }
}

/// The data.json dataset `object` (at index `i` of the catalog's datasets), or what keeps it
/// from being read.
fn data_json_dataset(
    i: usize,
    object: &Map<String, Value>,
) -> Result<RemoteDataset, HarvestItemError> {
    let str_of = |key: &str| object.get(key).and_then(Value::as_str).map(str::trim);
    let (identifier, title) = match (required(object, "identifier"), required(object, "title")) {
        (Ok(identifier), Ok(title)) => (identifier.to_string(), title),
        (identifier, title) => {
            let problems: Vec<&str> = [&identifier, &title]
                .into_iter()
                .filter_map(|r| r.as_ref().err().map(String::as_str))
                .collect();
            let mut message = problems.join("; ");
            let remote_id = match identifier {
                Ok(identifier) => identifier.to_string(),
                Err(_) => {
                    if let Ok(title) = title {
                        message.push_str(&format!(" (title {title:?})"));
                    }
                    format!("dataset {i}")
                }
            };
            return Err(HarvestItemError { remote_id, message });
        }
    };
    let lang = object
        .get("language")
        .and_then(Value::as_array)
        .and_then(|l| l.first())
        .and_then(Value::as_str)
        .map_or("vi", |l| if l.starts_with("en") { "en" } else { "vi" });
    let text = |value: Option<&str>| {
        let value = value.filter(|v| !v.is_empty()).map(str::to_string);
        if lang == "en" {
            LangText {
                vi: None,
                en: value,
            }
        } else {
            LangText {
                vi: value,
                en: None,
            }
        }
    };
    let strings = |key: &str| -> Vec<String> {
        object
            .get(key)
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let modified = str_of("modified").and_then(parse_time);
    let publisher = object.get("publisher").and_then(Value::as_object);
    let publisher_name = publisher
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str);
    let contact = object.get("contactPoint").and_then(Value::as_object);
    let contact_point = contact.map(|c| ContactPoint {
        name: c.get("fn").and_then(Value::as_str).map(str::to_string),
        email: c
            .get("hasEmail")
            .and_then(Value::as_str)
            .map(|e| e.trim_start_matches("mailto:").to_string()),
    });
    let temporal = str_of("temporal").and_then(|t| {
        let (start, end) = t.split_once('/')?;
        Some(Temporal {
            start: parse_date(start),
            end: parse_date(end),
        })
    });
    let frequency = str_of("accrualPeriodicity").and_then(|p| {
        PERIODICITIES
            .iter()
            .find(|(_, iso)| *iso == p)
            .map(|(code, _)| code.to_string())
            .or_else(|| (p == "irregular").then(|| "irreg".to_string()))
    });
    let license = str_of("license").map_or("none", authority::license_id);
    let distributions = object
        .get("distribution")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_object)
                .filter_map(|d| {
                    let get = |k: &str| d.get(k).and_then(Value::as_str).map(str::to_string);
                    let url = get("downloadURL").or_else(|| get("accessURL"))?;
                    Some(RemoteDistribution {
                        remote_id: None,
                        title: text(get("title").as_deref()),
                        description: text(get("description").as_deref()),
                        url,
                        format: get("format").map(|f| f.to_ascii_uppercase()),
                        media_type: get("mediaType"),
                        license: None,
                        byte_size: None,
                        issued: None,
                        modified: None,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(RemoteDataset {
        remote_url: str_of("landingPage").map(str::to_string),
        remote_modified: modified,
        publisher: RemotePublisher {
            name: text(publisher_name),
            ..RemotePublisher::default()
        },
        input: DatasetInput {
            slug: None,
            title: text(Some(title)),
            description: text(str_of("description")),
            publisher: String::new(),
            contact_point,
            keywords: strings("keyword"),
            themes: strings("theme")
                .into_iter()
                .filter(|t| authority::data_theme_code(&authority::data_theme_iri(t)).is_some())
                .collect(),
            license: license.to_string(),
            access_rights: AccessRights::Public,
            temporal,
            spatial: str_of("spatial").map(str::to_string),
            frequency,
            issued: str_of("issued").and_then(parse_date),
            modified: modified.map(|m| m.date_naive()),
            version: None,
            status: DatasetStatus::Published,
        },
        distributions,
        remote_id: identifier,
    })
}

/// An ISO 8601 date or date-time (a date is taken at midnight UTC).
pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            parse_date(text)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        })
}

/// An ISO 8601 date (the date part of a date-time too).
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d").ok()
}
