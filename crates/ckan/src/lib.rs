//! The CKAN Action API v3 view of dulieu's catalog, with no HTTP and no database:
//!
//! - [`license`]: CKAN's license ids ↔ dulieu's license register;
//! - [`package`]: a dataset as a package, a distribution as a resource, organizations, themes as
//!   groups, licenses as `license_list` items;
//! - [`input`]: package and resource dicts sent by clients as dulieu inputs;
//! - [`remote`]: a package of any CKAN portal as a harvested [`dulieu_core::harvest::RemoteDataset`]
//!   ([`package_to_remote`]);
//! - [`query`]: the Solr/Lucene subset of `q`, `fq` and `fq_list`;
//! - [`time`]: CKAN's naive UTC timestamps.
//!
//! Every difference from CKAN is listed in `docs/ckan-compat.md`.

pub mod input;
pub mod license;
pub mod package;
pub mod query;
pub mod remote;
pub mod time;

pub use input::{PackageInput, ResourceInput, package_input, resource_input};
pub use package::{Site, package, resource};
pub use query::{Query, QueryError};
pub use remote::package_to_remote;

/// A value of a package or resource that cannot be mapped: the field (a path such as
/// `resources[2].url` or `extras.issued`) and a stable code (`required`, `invalid_type`,
/// `invalid_value`, `invalid_date`, `expected_object`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {code}")]
pub struct MappingError {
    /// The field.
    pub field: String,
    /// What is wrong with it.
    pub code: &'static str,
}

impl MappingError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self {
            field: field.into(),
            code,
        }
    }
}

impl From<MappingError> for dulieu_core::Error {
    fn from(err: MappingError) -> Self {
        dulieu_core::Error::invalid(err.field, err.code)
    }
}

#[cfg(test)]
mod tests {
    //! dulieu → package → dulieu: what the CKAN view writes, the harvester and `package_update`
    //! read back unchanged.

    use std::collections::HashSet;

    use chrono::{NaiveDate, TimeZone, Utc};
    use dulieu_core::catalog::{
        ContactPoint, Dataset, Distribution, License, Organization, Temporal, Theme,
    };
    use dulieu_core::text::LangText;
    use dulieu_core::vocab::{AccessRights, DatasetStatus, OrgKind, Provenance};
    use serde_json::json;
    use uuid::Uuid;

    use super::*;

    fn site() -> (Site, Organization) {
        let at = Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap();
        let org = Organization {
            id: Uuid::from_u128(1),
            slug: "tong-cuc-thong-ke".into(),
            name: LangText::new("Tổng cục Thống kê", "General Statistics Office"),
            description: LangText::default(),
            kind: OrgKind::National,
            provenance: Provenance::Official,
            parent: None,
            contact_email: None,
            website: None,
            created_at: at,
            updated_at: at,
        };
        let mut site = Site {
            public_url: "https://dulieu.test".into(),
            ..Site::default()
        };
        site.organizations.insert(org.id, org.clone());
        site.licenses.insert(
            "cc-by-4.0".into(),
            License {
                id: "cc-by-4.0".into(),
                title: LangText::new("CC BY 4.0 vi", "CC BY 4.0"),
                url: Some("https://creativecommons.org/licenses/by/4.0/".into()),
                is_open: true,
            },
        );
        site.themes.insert(
            "ECON".into(),
            Theme {
                code: "ECON".into(),
                label: LangText::new("Kinh tế", "Economy"),
                is_eu: true,
            },
        );
        site.themes.insert(
            "HN".into(),
            Theme {
                code: "HN".into(),
                label: LangText::new("Hà Nội", "Hanoi"),
                is_eu: false,
            },
        );
        (site, org)
    }

    fn dataset(org: &Organization) -> Dataset {
        let created = Utc
            .with_ymd_and_hms(2025, 3, 4, 5, 6, 7)
            .unwrap()
            .checked_add_signed(chrono::Duration::microseconds(123_456))
            .unwrap();
        let id = Uuid::from_u128(7);
        Dataset {
            id,
            slug: "dan-so-2024".into(),
            title: LangText::new("Dân số 2024", "Population 2024"),
            description: LangText::new("Mô tả", "Description"),
            publisher: org.slug.clone(),
            publisher_id: org.id,
            provenance: Provenance::Official,
            contact_point: Some(ContactPoint {
                name: Some("Phòng dữ liệu".into()),
                email: Some("dulieu@gso.gov.vn".into()),
            }),
            keywords: vec!["dân số".into(), "thống kê".into()],
            themes: vec!["ECON".into(), "HN".into()],
            license: "cc-by-4.0".into(),
            license_open: true,
            access_rights: AccessRights::Public,
            temporal: Some(Temporal {
                start: NaiveDate::from_ymd_opt(2024, 1, 1),
                end: NaiveDate::from_ymd_opt(2024, 12, 31),
            }),
            spatial: Some("Việt Nam".into()),
            frequency: Some("annual".into()),
            issued: NaiveDate::from_ymd_opt(2025, 3, 4),
            modified: NaiveDate::from_ymd_opt(2025, 3, 5),
            version: Some("1.0".into()),
            status: DatasetStatus::Published,
            created_at: created,
            updated_at: created,
            distributions: vec![Distribution {
                id: Uuid::from_u128(8),
                dataset_id: id,
                title: LangText::new("Bảng", "Table"),
                description: LangText::default(),
                format: Some("CSV".into()),
                media_type: Some("text/csv".into()),
                url: "https://dulieu.test/api/1/distributions/8/download".into(),
                remote_url: None,
                byte_size: Some(12),
                sha256: Some("ab".repeat(32)),
                filename: Some("bang.csv".into()),
                version: 1,
                license: "cc-by-4.0".into(),
                issued: None,
                modified: NaiveDate::from_ymd_opt(2025, 3, 5),
                created_at: created,
                updated_at: created,
            }],
        }
    }

    #[test]
    fn a_package_has_ckan_s_shape() {
        let (site, org) = site();
        let d = dataset(&org);
        let p = package(&d, &site, &HashSet::from([Uuid::from_u128(8)]));
        assert_eq!(p["name"], "dan-so-2024");
        assert_eq!(p["title"], "Dân số 2024");
        assert_eq!(p["title_translated"]["en"], "Population 2024");
        assert_eq!(p["license_id"], "cc-by");
        assert_eq!(p["license_title"], "CC BY 4.0 vi");
        assert_eq!(p["isopen"], true);
        assert_eq!(p["private"], false);
        assert_eq!(p["state"], "active");
        assert_eq!(p["metadata_created"], "2025-03-04T05:06:07.123456");
        assert_eq!(p["num_resources"], 1);
        assert_eq!(p["num_tags"], 2);
        assert_eq!(p["organization"]["name"], "tong-cuc-thong-ke");
        assert_eq!(p["owner_org"], json!(org.id));
        assert_eq!(p["groups"][0]["name"], "ECON");
        let r = &p["resources"][0];
        assert_eq!(r["url_type"], "upload");
        assert_eq!(r["datastore_active"], true);
        assert_eq!(r["package_id"], json!(d.id));
        assert_eq!(r["size"], 12);
        assert_eq!(r["format"], "CSV");
        let keys: Vec<&str> = p["extras"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["key"].as_str().unwrap())
            .collect();
        assert!(
            keys.contains(&"frequency") && keys.contains(&"theme"),
            "{keys:?}"
        );
    }

    #[test]
    fn the_harvester_reads_dulieu_s_packages_losslessly() {
        let (site, org) = site();
        let d = dataset(&org);
        let p = package(&d, &site, &HashSet::new());
        let remote = package_to_remote(&p, "https://dulieu.test").unwrap();
        assert_eq!(remote.remote_id, d.id.to_string());
        assert_eq!(remote.remote_modified, Some(d.updated_at));
        assert_eq!(
            remote.remote_url.as_deref(),
            Some("https://dulieu.test/dataset/dan-so-2024")
        );
        assert_eq!(
            remote.publisher.slug_hint.as_deref(),
            Some(org.slug.as_str())
        );
        assert_eq!(remote.publisher.name, org.name);
        let mut expected = d.to_input();
        expected.publisher = org.slug.clone();
        assert_eq!(remote.input, expected);
        let r = &remote.distributions[0];
        assert_eq!(r.title, d.distributions[0].title);
        assert_eq!(r.url, d.distributions[0].url);
        assert_eq!(r.format.as_deref(), Some("CSV"));
        assert_eq!(r.license.as_deref(), Some("cc-by-4.0"));
        assert_eq!(r.byte_size, Some(12));
        assert_eq!(r.modified, d.distributions[0].modified);
    }

    #[test]
    fn package_update_reads_dulieu_s_packages_losslessly() {
        let (site, org) = site();
        for (status, rights) in [
            (DatasetStatus::Published, AccessRights::Public),
            (DatasetStatus::Draft, AccessRights::Restricted),
            (DatasetStatus::InReview, AccessRights::NonPublic),
        ] {
            let mut d = dataset(&org);
            d.status = status;
            d.access_rights = rights;
            d.title.en = None;
            let p = package(&d, &site, &HashSet::new());
            let input = package_input(&p).unwrap();
            let mut expected = d.to_input();
            expected.publisher = org.id.to_string();
            assert_eq!(input.dataset, expected, "{status:?} {rights:?}");
            assert_eq!(input.resources.unwrap().len(), 1);
        }
    }
}
