//! CKAN's license ids and dulieu's license register, both ways.
//!
//! CKAN ships a default license list (`ckan/model/license.py`) whose ids carry no version
//! (`cc-by`); dulieu's register uses SPDX-style ids with a version (`cc-by-4.0`). The pairs below
//! are one-to-one, so a license read back from a package is the license written. Ids without a
//! pair pass through unchanged both ways (a license a sysadmin added to the register keeps its
//! own id). SPDX spellings and license URLs that real portals send are recognised too.

/// CKAN id ↔ dulieu register id, one to one.
pub const PAIRS: &[(&str, &str)] = &[
    ("cc-zero", "cc0-1.0"),
    ("cc-by", "cc-by-4.0"),
    ("cc-by-sa", "cc-by-sa-4.0"),
    ("odc-odbl", "odbl-1.0"),
    ("odc-by", "odc-by-1.0"),
    ("odc-pddl", "pddl-1.0"),
    ("cc-nc", "cc-by-nc-4.0"),
    ("notspecified", "none"),
];

/// Other spellings of the register's licenses seen on CKAN portals (SPDX ids, older versions).
const ALIASES: &[(&str, &str)] = &[
    ("cc0", "cc0-1.0"),
    ("cc0-1.0", "cc0-1.0"),
    ("cc-by-4", "cc-by-4.0"),
    ("cc-by-sa-4", "cc-by-sa-4.0"),
    ("odbl", "odbl-1.0"),
    ("odc-odbl-1.0", "odbl-1.0"),
    ("odc-by-1.0", "odc-by-1.0"),
    ("pddl", "pddl-1.0"),
    ("odc-pddl-1.0", "pddl-1.0"),
    ("cc-by-nc", "cc-by-nc-4.0"),
    ("cc-by-nc-4", "cc-by-nc-4.0"),
];

/// License URLs (without scheme and trailing slash) of the register's licenses.
const URLS: &[(&str, &str)] = &[
    ("creativecommons.org/publicdomain/zero/1.0", "cc0-1.0"),
    ("creativecommons.org/licenses/by/4.0", "cc-by-4.0"),
    ("creativecommons.org/licenses/by-sa/4.0", "cc-by-sa-4.0"),
    ("creativecommons.org/licenses/by-nc/4.0", "cc-by-nc-4.0"),
    ("opendatacommons.org/licenses/odbl/1-0", "odbl-1.0"),
    ("opendatacommons.org/licenses/odbl/1.0", "odbl-1.0"),
    ("opendatacommons.org/licenses/odbl", "odbl-1.0"),
    ("opendatacommons.org/licenses/by/1-0", "odc-by-1.0"),
    ("opendatacommons.org/licenses/by", "odc-by-1.0"),
    ("opendatacommons.org/licenses/pddl/1-0", "pddl-1.0"),
    ("opendatacommons.org/licenses/pddl", "pddl-1.0"),
];

/// The CKAN id of a register license (`cc-by-4.0` → `cc-by`); unpaired ids pass through.
pub fn to_ckan(register_id: &str) -> &str {
    PAIRS
        .iter()
        .find(|(_, ours)| *ours == register_id)
        .map_or(register_id, |(ckan, _)| ckan)
}

/// The register id of a CKAN license id (`cc-by` → `cc-by-4.0`, also SPDX spellings such as
/// `CC-BY-4.0`); unknown ids pass through lower-cased (the register then decides), an empty id
/// is `none`.
pub fn from_ckan(ckan_id: &str) -> String {
    let id = ckan_id.trim().to_ascii_lowercase();
    if id.is_empty() {
        return "none".to_string();
    }
    known(&id).map_or(id, str::to_string)
}

/// The register id of a CKAN id or spelling, when it is one of the paired or aliased licenses.
pub fn known(ckan_id: &str) -> Option<&'static str> {
    let id = ckan_id.trim().to_ascii_lowercase();
    PAIRS
        .iter()
        .chain(ALIASES)
        .find(|(ckan, _)| *ckan == id)
        .map(|(_, ours)| *ours)
        .or_else(|| {
            PAIRS
                .iter()
                .find(|(_, ours)| *ours == id)
                .map(|(_, ours)| *ours)
        })
}

/// The register id of a license URL (`https://creativecommons.org/licenses/by/4.0/`).
pub fn from_url(url: &str) -> Option<&'static str> {
    let url = url.trim().to_ascii_lowercase();
    let bare = url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.")
        .trim_end_matches('/');
    let bare = bare.strip_suffix("/legalcode").unwrap_or(bare);
    URLS.iter().find(|(u, _)| *u == bare).map(|(_, id)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_round_trip_both_ways() {
        for (ckan, ours) in PAIRS {
            assert_eq!(to_ckan(ours), *ckan);
            assert_eq!(from_ckan(ckan), *ours);
            assert_eq!(from_ckan(to_ckan(ours)), *ours);
        }
    }

    #[test]
    fn every_register_license_of_the_core_migration_has_a_ckan_id() {
        for ours in [
            "cc0-1.0",
            "cc-by-4.0",
            "cc-by-sa-4.0",
            "odbl-1.0",
            "odc-by-1.0",
            "pddl-1.0",
            "cc-by-nc-4.0",
            "none",
        ] {
            assert_ne!(to_ckan(ours), ours, "{ours}");
        }
    }

    #[test]
    fn other_spellings_and_unknown_ids() {
        assert_eq!(from_ckan("CC-BY-4.0"), "cc-by-4.0");
        assert_eq!(from_ckan("CC0-1.0"), "cc0-1.0");
        assert_eq!(from_ckan("ODbL-1.0"), "odbl-1.0");
        assert_eq!(from_ckan(""), "none");
        assert_eq!(from_ckan("uk-ogl"), "uk-ogl");
        assert_eq!(to_ckan("ogl-vn-1.0"), "ogl-vn-1.0");
        assert_eq!(known("other-closed"), None);
    }

    #[test]
    fn license_urls() {
        assert_eq!(
            from_url("https://creativecommons.org/licenses/by/4.0/"),
            Some("cc-by-4.0")
        );
        assert_eq!(
            from_url("http://www.opendatacommons.org/licenses/odbl/1-0/"),
            Some("odbl-1.0")
        );
        assert_eq!(
            from_url("https://creativecommons.org/publicdomain/zero/1.0/legalcode"),
            Some("cc0-1.0")
        );
        assert_eq!(from_url("https://example.org/licence"), None);
    }
}
