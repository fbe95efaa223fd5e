//! A fixed catalog: two organizations, a dataset with every field and two distributions, and a
//! bare one.

use chrono::{NaiveDate, TimeZone, Utc};
use dulieu_core::catalog::{
    ContactPoint, Dataset, Distribution, License, Organization, Temporal, Theme,
};
use dulieu_core::text::LangText;
use dulieu_core::vocab::{AccessRights, DatasetStatus, OrgKind};
use dulieu_dcat::Site;
use uuid::Uuid;

pub const BASE: &str = "https://data.example.vn";

pub fn site() -> Site {
    let license = |id: &str, url: Option<&str>, open| License {
        id: id.to_string(),
        title: LangText::new(format!("{id} vi"), format!("{id} en")),
        url: url.map(str::to_string),
        is_open: open,
    };
    Site::new(
        &format!("{BASE}/"),
        vec![
            license(
                "cc-by-4.0",
                Some("https://creativecommons.org/licenses/by/4.0/"),
                true,
            ),
            license(
                "odbl-1.0",
                Some("https://opendatacommons.org/licenses/odbl/1-0/"),
                true,
            ),
            license("none", None, false),
        ],
        vec![
            Theme {
                code: "ECON".into(),
                label: LangText::new("Kinh tế và tài chính", "Economy and finance"),
                is_eu: true,
            },
            Theme {
                code: "VN-DAN-SO".into(),
                label: LangText::new("Dân số", "Population"),
                is_eu: false,
            },
        ],
    )
}

pub fn gso() -> Organization {
    let at = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
    Organization {
        id: Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001),
        slug: "gso".into(),
        name: LangText::new("Tổng cục Thống kê", "General Statistics Office"),
        description: LangText::default(),
        kind: OrgKind::National,
        provenance: OrgKind::National.provenance(),
        parent: None,
        contact_email: Some("data@gso.gov.vn".into()),
        website: Some("https://www.gso.gov.vn/".into()),
        created_at: at,
        updated_at: at,
    }
}

pub const DATASET_ID: u128 = 0x0190_0000_0000_7000_8000_0000_0000_0010;
pub const CSV_ID: u128 = 0x0190_0000_0000_7000_8000_0000_0000_0011;
pub const LINK_ID: u128 = 0x0190_0000_0000_7000_8000_0000_0000_0012;

/// A public dataset with every field set.
pub fn full_dataset() -> Dataset {
    let id = Uuid::from_u128(DATASET_ID);
    let created = Utc.with_ymd_and_hms(2024, 3, 1, 8, 0, 0).unwrap();
    let updated = Utc.with_ymd_and_hms(2024, 6, 30, 9, 15, 30).unwrap();
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    let upload = Distribution {
        id: Uuid::from_u128(CSV_ID),
        dataset_id: id,
        title: LangText::new("Dân số theo tỉnh", "Population by province"),
        description: LangText::new("Tệp CSV", "CSV file"),
        format: Some("CSV".into()),
        media_type: Some("text/csv".into()),
        url: format!(
            "{BASE}/api/1/distributions/{}/download",
            Uuid::from_u128(CSV_ID)
        ),
        remote_url: None,
        byte_size: Some(1024),
        sha256: Some("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into()),
        filename: Some("dan-so.csv".into()),
        version: 1,
        license: "cc-by-4.0".into(),
        issued: date(2024, 3, 1),
        modified: date(2024, 6, 30),
        created_at: created,
        updated_at: updated,
    };
    let link = Distribution {
        id: Uuid::from_u128(LINK_ID),
        dataset_id: id,
        title: LangText {
            vi: Some("Bảng trên trang GSO".into()),
            en: None,
        },
        description: LangText::default(),
        format: Some("XLSX".into()),
        media_type: None,
        url: "https://www.gso.gov.vn/files/dan-so.xlsx".into(),
        remote_url: Some("https://www.gso.gov.vn/files/dan-so.xlsx".into()),
        byte_size: None,
        sha256: None,
        filename: None,
        version: 0,
        license: "odbl-1.0".into(),
        issued: None,
        modified: None,
        created_at: created,
        updated_at: created,
    };
    Dataset {
        id,
        slug: "dan-so-2023".into(),
        title: LangText::new("Dân số năm 2023", "Population 2023"),
        description: LangText::new(
            "Dân số trung bình theo tỉnh, thành phố.",
            "Average population by province and city.",
        ),
        publisher: "gso".into(),
        publisher_id: gso().id,
        provenance: gso().provenance,
        contact_point: Some(ContactPoint {
            name: Some("Vụ Thống kê Dân số".into()),
            email: Some("danso@gso.gov.vn".into()),
        }),
        keywords: vec!["dân số".into(), "tỉnh".into()],
        themes: vec!["ECON".into(), "VN-DAN-SO".into()],
        license: "cc-by-4.0".into(),
        license_open: true,
        access_rights: AccessRights::Public,
        temporal: Some(Temporal {
            start: date(2023, 1, 1),
            end: date(2023, 12, 31),
        }),
        spatial: Some("Việt Nam".into()),
        frequency: Some("annual".into()),
        issued: date(2024, 3, 1),
        modified: date(2024, 6, 30),
        version: Some("2023.1".into()),
        status: DatasetStatus::Published,
        created_at: created,
        updated_at: updated,
        distributions: vec![upload, link],
    }
}

/// A public dataset with only what is required: a Vietnamese title, no description.
pub fn bare_dataset() -> Dataset {
    let mut dataset = full_dataset();
    dataset.id = Uuid::from_u128(DATASET_ID + 0x100);
    dataset.slug = "tho".into();
    dataset.title = LangText {
        vi: Some("Thô".into()),
        en: None,
    };
    dataset.description = LangText::default();
    dataset.contact_point = None;
    dataset.keywords.clear();
    dataset.themes.clear();
    dataset.license = "none".into();
    dataset.temporal = None;
    dataset.spatial = None;
    dataset.frequency = None;
    dataset.issued = None;
    dataset.modified = None;
    dataset.version = None;
    dataset.distributions.clear();
    dataset
}

/// The catalog (whole, or one page) in `syntax`.
pub fn catalog(syntax: dulieu_dcat::RdfSyntax, page: Option<&dulieu_dcat::HydraPage>) -> Vec<u8> {
    let site = site();
    let mut writer = dulieu_dcat::DcatWriter::catalog(Vec::new(), syntax, site, page).unwrap();
    writer.dataset(&full_dataset(), &gso()).unwrap();
    writer.dataset(&bare_dataset(), &gso()).unwrap();
    writer.finish().unwrap()
}
