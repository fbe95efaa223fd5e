//! dulieu's codes and the controlled vocabularies DCAT-AP 3 names, both ways: the EU
//! Publications Office authority tables (data themes, frequencies, file types, access rights,
//! languages, licences), IANA media types and the ADMS publisher types.
//!
//! Exports write these IRIs; readers map IRIs of other portals back to dulieu's codes
//! (Creative Commons, Open Data Commons and SPDX licence URLs too).

use dulieu_core::vocab::{AccessRights, OrgKind};

/// The EU data-theme concept scheme.
pub const DATA_THEME_SCHEME: &str = "http://publications.europa.eu/resource/authority/data-theme";
const DATA_THEME: &str = "http://publications.europa.eu/resource/authority/data-theme/";
const FREQUENCY: &str = "http://publications.europa.eu/resource/authority/frequency/";
const FILE_TYPE: &str = "http://publications.europa.eu/resource/authority/file-type/";
const ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right/";
const LANGUAGE: &str = "http://publications.europa.eu/resource/authority/language/";
const LICENCE: &str = "http://publications.europa.eu/resource/authority/licence/";
const IANA_MEDIA_TYPES: &str = "https://www.iana.org/assignments/media-types/";
const ADMS_PUBLISHER_TYPE: &str = "http://purl.org/adms/publishertype/";

/// The EU data-theme IRI of an EU theme code (`ECON`).
pub fn data_theme_iri(code: &str) -> String {
    format!("{DATA_THEME}{code}")
}

/// The EU theme code of an EU data-theme IRI.
pub fn data_theme_code(iri: &str) -> Option<&str> {
    iri.strip_prefix(DATA_THEME).filter(|c| is_code(c))
}

/// The EU frequency IRI of a frequency code of dulieu (the EU code, lower case: `annual_2`).
pub fn frequency_iri(code: &str) -> String {
    format!("{FREQUENCY}{}", code.to_ascii_uppercase())
}

/// The frequency code of dulieu (lower case) of an EU frequency IRI, when dulieu knows it.
pub fn frequency_code(iri: &str) -> Option<String> {
    let code = iri.strip_prefix(FREQUENCY)?.to_ascii_lowercase();
    dulieu_core::vocab::is_frequency(&code).then_some(code)
}

/// Formats whose EU file-type code is not the format token itself.
const FILE_TYPE_RENAMES: &[(&str, &str)] = &[
    ("TTL", "RDF_TURTLE"),
    ("RDF", "RDF_XML"),
    ("JSONLD", "JSON_LD"),
    ("NT", "RDF_N_TRIPLES"),
];

/// Format tokens (as distributions store them, upper case) with an EU file-type code.
const FILE_TYPES: &[&str] = &[
    "CSV", "TSV", "JSON", "GEOJSON", "XML", "XLSX", "XLS", "ODS", "PDF", "DOC", "DOCX", "ZIP",
    "PARQUET", "HTML", "TXT", "SHP", "KML", "GML", "GPKG", "N3", "TTL", "RDF", "JSONLD", "NT",
];

/// The EU file-type IRI of a format token (`CSV`), when the table has it.
pub fn file_type_iri(format: &str) -> Option<String> {
    let format = format.to_ascii_uppercase();
    if !FILE_TYPES.contains(&format.as_str()) {
        return None;
    }
    let code = FILE_TYPE_RENAMES
        .iter()
        .find(|(token, _)| *token == format)
        .map_or(format.as_str(), |(_, code)| code);
    Some(format!("{FILE_TYPE}{code}"))
}

/// The format token of an EU file-type IRI (`…/file-type/RDF_TURTLE` → `TTL`).
pub fn file_type_format(iri: &str) -> Option<String> {
    let code = iri.strip_prefix(FILE_TYPE).filter(|c| is_code(c))?;
    Some(
        FILE_TYPE_RENAMES
            .iter()
            .find(|(_, eu)| *eu == code)
            .map_or(code, |(token, _)| token)
            .to_string(),
    )
}

/// The IANA IRI of a media type (`text/csv`), when it is a bare `type/subtype`.
pub fn media_type_iri(media_type: &str) -> Option<String> {
    let (kind, sub) = media_type.split_once('/')?;
    let token = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    (token(kind) && token(sub)).then(|| format!("{IANA_MEDIA_TYPES}{}", media_type.to_lowercase()))
}

/// The media type of an IANA media-type IRI (`http` or `https`).
pub fn media_type_of_iri(iri: &str) -> Option<String> {
    let rest = iri
        .strip_prefix(IANA_MEDIA_TYPES)
        .or_else(|| iri.strip_prefix("http://www.iana.org/assignments/media-types/"))?;
    rest.contains('/').then(|| rest.to_lowercase())
}

/// The EU access-right IRI of access rights.
pub fn access_right_iri(rights: AccessRights) -> String {
    let code = match rights {
        AccessRights::Public => "PUBLIC",
        AccessRights::Restricted => "RESTRICTED",
        AccessRights::NonPublic => "NON_PUBLIC",
    };
    format!("{ACCESS_RIGHT}{code}")
}

/// The access rights of an EU access-right IRI.
pub fn access_rights_of(iri: &str) -> Option<AccessRights> {
    match iri.strip_prefix(ACCESS_RIGHT)? {
        "PUBLIC" => Some(AccessRights::Public),
        "RESTRICTED" => Some(AccessRights::Restricted),
        "NON_PUBLIC" => Some(AccessRights::NonPublic),
        _ => None,
    }
}

/// The EU language IRI of dulieu's two languages (`vi` → `VIE`, `en` → `ENG`).
pub fn language_iri(lang: &str) -> Option<String> {
    let code = match lang {
        "vi" => "VIE",
        "en" => "ENG",
        _ => return None,
    };
    Some(format!("{LANGUAGE}{code}"))
}

/// The EU licence codes of the licenses of dulieu's register.
const LICENCES: &[(&str, &str)] = &[
    ("cc0-1.0", "CC0"),
    ("cc-by-4.0", "CC_BY_4_0"),
    ("cc-by-sa-4.0", "CC_BY_SA_4_0"),
    ("odbl-1.0", "ODC_BL"),
    ("odc-by-1.0", "ODC_BY"),
    ("pddl-1.0", "ODC_PDDL"),
    ("cc-by-nc-4.0", "CC_BY_NC_4_0"),
];

/// Licence URLs of other publishers (path after the host, without a trailing slash) and SPDX
/// ids, for reading.
const LICENCE_URLS: &[(&str, &str)] = &[
    ("creativecommons.org/publicdomain/zero/1.0", "cc0-1.0"),
    ("creativecommons.org/licenses/by/4.0", "cc-by-4.0"),
    ("creativecommons.org/licenses/by-sa/4.0", "cc-by-sa-4.0"),
    ("creativecommons.org/licenses/by-nc/4.0", "cc-by-nc-4.0"),
    ("opendatacommons.org/licenses/odbl/1-0", "odbl-1.0"),
    ("opendatacommons.org/licenses/odbl/1.0", "odbl-1.0"),
    ("opendatacommons.org/licenses/odbl", "odbl-1.0"),
    ("opendatacommons.org/licenses/by/1-0", "odc-by-1.0"),
    ("opendatacommons.org/licenses/by/1.0", "odc-by-1.0"),
    ("opendatacommons.org/licenses/by", "odc-by-1.0"),
    ("opendatacommons.org/licenses/pddl/1-0", "pddl-1.0"),
    ("opendatacommons.org/licenses/pddl/1.0", "pddl-1.0"),
    ("opendatacommons.org/licenses/pddl", "pddl-1.0"),
    ("spdx.org/licenses/CC0-1.0", "cc0-1.0"),
    ("spdx.org/licenses/CC-BY-4.0", "cc-by-4.0"),
    ("spdx.org/licenses/CC-BY-SA-4.0", "cc-by-sa-4.0"),
    ("spdx.org/licenses/CC-BY-NC-4.0", "cc-by-nc-4.0"),
    ("spdx.org/licenses/ODbL-1.0", "odbl-1.0"),
    ("spdx.org/licenses/ODC-By-1.0", "odc-by-1.0"),
    ("spdx.org/licenses/PDDL-1.0", "pddl-1.0"),
];

/// The IRI a license of the register is exported as: the EU licence IRI for the licenses the
/// EU table has, else the license's own URL (`register_url`); `None` for `none`.
pub fn licence_iri(license_id: &str, register_url: Option<&str>) -> Option<String> {
    if license_id == "none" {
        return None;
    }
    LICENCES
        .iter()
        .find(|(id, _)| *id == license_id)
        .map(|(_, code)| format!("{LICENCE}{code}"))
        .or_else(|| register_url.map(str::to_string))
}

/// The license id of dulieu's register for a licence IRI or URL of any publisher (EU licence
/// table, Creative Commons, Open Data Commons, SPDX; `http` or `https`, with or without
/// `www.`, a trailing slash, `legalcode` or a language suffix); `none` when unknown.
pub fn license_id(iri: &str) -> &'static str {
    if let Some(code) = iri.strip_prefix(LICENCE) {
        return LICENCES
            .iter()
            .find(|(_, eu)| *eu == code)
            .map_or("none", |(id, _)| id);
    }
    let rest = iri
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.");
    let rest = rest.split(['#', '?']).next().unwrap_or(rest);
    let mut path = rest.trim_end_matches('/');
    for suffix in ["/legalcode", "/deed.en", "/deed.vi", "/summary"] {
        path = path.strip_suffix(suffix).unwrap_or(path);
    }
    let path = path.trim_end_matches('/');
    LICENCE_URLS
        .iter()
        .find(|(url, _)| url.eq_ignore_ascii_case(path))
        .map_or("none", |(_, id)| id)
}

/// The ADMS publisher type of an organization kind, with its i18n key.
pub fn publisher_type(kind: OrgKind) -> (String, String) {
    let code = match kind {
        OrgKind::National | OrgKind::OtherPublic => "NationalAuthority",
        OrgKind::Provincial => "RegionalAuthority",
        OrgKind::CivilSociety => "NonGovernmentalOrganisation",
        OrgKind::Business => "Company",
        OrgKind::Academic => "Academia-ScientificOrganisation",
        OrgKind::Individual => "PrivateIndividual(s)",
    };
    (
        format!("{ADMS_PUBLISHER_TYPE}{code}"),
        format!("dcat.publisher_type.{code}"),
    )
}

/// True for an authority-table code: upper-case letters, digits and `_`.
fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_iris_round_trip() {
        assert_eq!(
            data_theme_iri("ECON"),
            "http://publications.europa.eu/resource/authority/data-theme/ECON"
        );
        assert_eq!(data_theme_code(&data_theme_iri("ECON")), Some("ECON"));
        assert_eq!(
            frequency_iri("annual_2"),
            "http://publications.europa.eu/resource/authority/frequency/ANNUAL_2"
        );
        assert_eq!(
            frequency_code(&frequency_iri("1min")).as_deref(),
            Some("1min")
        );
        assert_eq!(frequency_code(&format!("{FREQUENCY}SOMETIMES")), None);
        for format in FILE_TYPES {
            let iri = file_type_iri(format).unwrap();
            assert_eq!(file_type_format(&iri).as_deref(), Some(*format), "{iri}");
        }
        assert!(file_type_iri("WEIRD").is_none());
        assert_eq!(
            file_type_iri("ttl").unwrap(),
            "http://publications.europa.eu/resource/authority/file-type/RDF_TURTLE"
        );
        for rights in AccessRights::ALL {
            assert_eq!(access_rights_of(&access_right_iri(*rights)), Some(*rights));
        }
        assert_eq!(
            media_type_iri("text/csv").as_deref(),
            Some("https://www.iana.org/assignments/media-types/text/csv")
        );
        assert!(media_type_iri("text/csv; charset=utf-8").is_none());
        assert_eq!(
            media_type_of_iri("https://www.iana.org/assignments/media-types/text/csv").as_deref(),
            Some("text/csv")
        );
    }

    #[test]
    fn licenses_map_both_ways() {
        for (id, _) in LICENCES {
            let iri = licence_iri(id, None).unwrap();
            assert_eq!(license_id(&iri), *id);
        }
        assert_eq!(licence_iri("none", Some("https://x.example/")), None);
        assert_eq!(
            licence_iri("local-1", Some("https://x.example/l")).as_deref(),
            Some("https://x.example/l")
        );
        for (url, id) in [
            ("https://creativecommons.org/licenses/by/4.0/", "cc-by-4.0"),
            (
                "http://creativecommons.org/licenses/by/4.0/legalcode",
                "cc-by-4.0",
            ),
            (
                "https://creativecommons.org/publicdomain/zero/1.0/",
                "cc0-1.0",
            ),
            ("http://www.opendefinition.org/licenses/odc-odbl", "none"),
            ("https://opendatacommons.org/licenses/odbl/1-0/", "odbl-1.0"),
            ("http://opendatacommons.org/licenses/by/1.0/", "odc-by-1.0"),
            ("https://spdx.org/licenses/PDDL-1.0", "pddl-1.0"),
            (
                "http://publications.europa.eu/resource/authority/licence/CC_BY_NC_4_0",
                "cc-by-nc-4.0",
            ),
            (
                "http://publications.europa.eu/resource/authority/licence/GPL_3_0",
                "none",
            ),
            ("https://example.org/my-licence", "none"),
        ] {
            assert_eq!(license_id(url), id, "{url}");
        }
    }
}
