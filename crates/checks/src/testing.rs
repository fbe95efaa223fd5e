//! Builders for the unit tests: a well-described dataset and distributions of a format.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use dulieu_core::catalog::{ContactPoint, Dataset, Distribution, Temporal};
use dulieu_core::text::LangText;
use dulieu_core::vocab::{AccessRights, DatasetStatus, Provenance};
use uuid::Uuid;

use crate::input::{DatasetFacts, DistributionFacts, LinkCheck};

/// The time the tests' checks run at: 2026-03-15 12:00 UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 15, 12, 0, 0).unwrap()
}

/// A day.
pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A published, open-licensed, fully described dataset without distributions.
pub fn dataset() -> Dataset {
    let at = Utc.with_ymd_and_hms(2025, 1, 10, 8, 0, 0).unwrap();
    Dataset {
        id: Uuid::from_u128(1),
        slug: "dan-so-ha-noi".into(),
        title: LangText {
            vi: Some("Dân số Hà Nội theo quận, huyện".into()),
            en: None,
        },
        description: LangText {
            vi: Some(
                "Dân số trung bình của thành phố Hà Nội chia theo quận, huyện và giới tính, \
                 do Cục Thống kê thành phố tổng hợp hằng năm từ điều tra biến động dân số."
                    .into(),
            ),
            en: None,
        },
        publisher: "cuc-thong-ke-ha-noi".into(),
        publisher_id: Uuid::from_u128(2),
        provenance: Provenance::Official,
        contact_point: Some(ContactPoint {
            name: Some("Phòng Thống kê Dân số".into()),
            email: Some("danso@thongke.hanoi.gov.vn".into()),
        }),
        keywords: vec!["dân số".into()],
        themes: vec!["SOCI".into()],
        license: "cc-by-4.0".into(),
        license_open: true,
        access_rights: AccessRights::Public,
        temporal: Some(Temporal {
            start: Some(day(2015, 1, 1)),
            end: Some(day(2025, 12, 31)),
        }),
        spatial: Some("Hà Nội".into()),
        frequency: Some("annual".into()),
        issued: Some(day(2020, 5, 1)),
        modified: Some(day(2026, 1, 20)),
        version: None,
        status: DatasetStatus::Published,
        created_at: at,
        updated_at: at,
        distributions: vec![],
    }
}

/// An uploaded distribution of `format` (empty: none declared), open-licensed, described, with
/// an id of its own.
pub fn distribution(format: &str) -> Distribution {
    let at = Utc.with_ymd_and_hms(2025, 1, 10, 8, 0, 0).unwrap();
    static NEXT: AtomicU64 = AtomicU64::new(100);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    Distribution {
        id: Uuid::from_u128(n.into()),
        dataset_id: Uuid::from_u128(1),
        title: LangText {
            vi: Some(format!("Tệp {format}")),
            en: None,
        },
        description: LangText {
            vi: Some("Số liệu theo quận, huyện".into()),
            en: None,
        },
        format: (!format.is_empty()).then(|| format.to_string()),
        media_type: None,
        url: format!("https://dulieu.gov.vn/files/{n}"),
        remote_url: None,
        byte_size: None,
        sha256: None,
        filename: None,
        version: 1,
        license: "cc-by-4.0".into(),
        issued: None,
        modified: None,
        created_at: at,
        updated_at: at,
    }
}

/// A remote distribution of `format` at `url`.
pub fn remote(format: &str, url: &str) -> Distribution {
    Distribution {
        remote_url: Some(url.to_string()),
        url: url.to_string(),
        version: 0,
        ..distribution(format)
    }
}

/// Facts for `dataset` with `distributions` (and no facts about them), checked at [`now`].
pub fn facts(mut dataset: Dataset, distributions: Vec<Distribution>) -> DatasetFacts {
    dataset.distributions = distributions;
    DatasetFacts::new(dataset, now())
}

/// The facts entry of distribution `id` in `facts`, created when missing.
pub fn facts_of(facts: &mut DatasetFacts, id: Uuid) -> &mut DistributionFacts {
    if facts.distribution(id).is_none() {
        facts.distributions.push(DistributionFacts::new(id));
    }
    facts
        .distributions
        .iter_mut()
        .find(|d| d.distribution_id == id)
        .unwrap()
}

/// A link check `days_ago` days before [`now`] with `status` or `error`.
pub fn link_check(days_ago: i64, status: Option<u16>, error: Option<&str>) -> LinkCheck {
    LinkCheck {
        checked_at: now() - chrono::TimeDelta::days(days_ago),
        status,
        error_code: error.map(str::to_string),
    }
}
