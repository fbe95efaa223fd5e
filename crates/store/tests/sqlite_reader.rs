//! The direct SQLite reader returns exactly what the sqlx path returns, and sees every commit.

use chrono::Utc;
use dulieu_core::catalog::{DatasetInput, DistributionInput, OrganizationInput};
use dulieu_core::text::LangText;
use dulieu_core::vocab::OrgKind;
use dulieu_store::distributions::NewFile;
use dulieu_store::sqlite_reader::SqliteReader;
use dulieu_store::{Store, StoreOptions, Tx, datasets, distributions, organizations};
use uuid::Uuid;

#[tokio::test]
async fn direct_reads_match_the_pool_and_follow_commits() {
    let dir = tempfile::tempdir().unwrap();
    let (store, url, mut tx, org) = migrated_store_with_gso(dir.path()).await;
    assert_eq!(
        SqliteReader::path_of(&url).unwrap(),
        dir.path().join("t.db")
    );
    let input: DatasetInput = serde_json::from_value(serde_json::json!({
        "slug": "dan-so", "title": {"vi": "Dân số", "en": "Population"}, "publisher": "gso",
        "keywords": ["dân số"], "themes": ["SOCI"], "license": "cc-by-4.0",
        "temporal": {"start": "2019-01-01", "end": "2019-12-31"}, "status": "published"
    }))
    .unwrap();
    let id = Uuid::now_v7();
    datasets::insert(&mut tx, id, &input.validate().unwrap(), org, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let reader = SqliteReader::open(&dir.path().join("t.db"), 2).unwrap();
    let mut conn = store.conn().await.unwrap();
    assert_eq!(
        reader.dataset("dan-so").unwrap(),
        datasets::get(&mut conn, "dan-so").await.unwrap()
    );
    assert!(
        reader
            .dataset("dan-so")
            .unwrap()
            .unwrap()
            .distributions
            .is_empty()
    );
    assert!(reader.dataset("missing").unwrap().is_none());

    // A commit made through the pool is visible to the reader at once.
    let mut tx = store.begin().await.unwrap();
    for (i, remote) in [None, Some("https://gso.gov.vn/a.csv")]
        .into_iter()
        .enumerate()
    {
        let distribution = Uuid::now_v7();
        let link = DistributionInput {
            title: LangText::new(format!("Tệp {i}"), format!("File {i}")),
            url: remote.map(str::to_string),
            ..Default::default()
        };
        distributions::insert(&mut tx, distribution, id, &link, Utc::now())
            .await
            .unwrap();
        if remote.is_none() {
            let file = NewFile {
                sha256: "ab".repeat(32),
                byte_size: 5_000_000_000,
                media_type: Some("text/csv".into()),
                filename: Some("dân-số.csv".into()),
            };
            distributions::add_version(&mut tx, distribution, &file, None, Utc::now())
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
    let direct = reader.dataset(&id.to_string()).unwrap().unwrap();
    assert_eq!(
        Some(direct.clone()),
        datasets::get(&mut conn, &id.to_string()).await.unwrap()
    );
    assert_eq!(direct.distributions.len(), 2);
    assert_eq!(direct.distributions[0].byte_size, Some(5_000_000_000));
    assert_eq!(
        direct.distributions[0].filename.as_deref(),
        Some("dân-số.csv")
    );
    assert_eq!(
        direct.distributions[1].remote_url.as_deref(),
        Some("https://gso.gov.vn/a.csv")
    );
    // And the store routes its reads through it.
    assert_eq!(store.read_dataset("dan-so").await.unwrap(), Some(direct));
}

/// The export's range reads: the direct reader and the pool give the same public datasets, in id
/// order, with their distributions in order, for open and closed ranges.
#[tokio::test]
async fn public_ranges_read_directly_match_the_pool() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _url, mut tx, org) = migrated_store_with_gso(dir.path()).await;
    // Twelve datasets: every third a draft, every fourth restricted; 0, 1 or 2 distributions.
    let mut ids = Vec::new();
    let mut public = Vec::new();
    for i in 0..12usize {
        let status = if i % 3 == 1 { "draft" } else { "published" };
        let access = if i % 4 == 2 { "restricted" } else { "public" };
        let input: DatasetInput = serde_json::from_value(serde_json::json!({
            "slug": format!("bo-{i}"), "title": {"vi": format!("Bộ {i}")}, "publisher": "gso",
            "license": "cc-by-4.0", "status": status, "access_rights": access
        }))
        .unwrap();
        let id = Uuid::now_v7();
        datasets::insert(&mut tx, id, &input.validate().unwrap(), org, Utc::now())
            .await
            .unwrap();
        for k in 0..i % 3 {
            let link = DistributionInput {
                title: LangText::new(format!("Tệp {k}"), format!("File {k}")),
                url: Some(format!("https://gso.gov.vn/{i}-{k}.csv")),
                ..Default::default()
            };
            distributions::insert(&mut tx, Uuid::now_v7(), id, &link, Utc::now())
                .await
                .unwrap();
        }
        ids.push(id);
        if status == "published" && access == "public" {
            public.push(id);
        }
    }
    tx.commit().await.unwrap();

    let reader = SqliteReader::open(&dir.path().join("t.db"), 2).unwrap();
    let mut conn = store.conn().await.unwrap();
    let ranges = [
        (None, None),
        (None, Some(ids[5])),
        (Some(ids[3]), Some(ids[9])),
        (Some(ids[6]), None),
        (Some(ids[4]), Some(ids[4])),
    ];
    for (from, to) in ranges {
        let expected: Vec<Uuid> = public
            .iter()
            .copied()
            .filter(|id| from.is_none_or(|f| *id >= f) && to.is_none_or(|t| *id < t))
            .collect();
        let direct = reader.public_between(from, to).unwrap();
        let pooled = dulieu_store::export::public_between(&mut conn, from, to)
            .await
            .unwrap();
        let direct_ids: Vec<Uuid> = direct.iter().map(|d| d.id).collect();
        assert_eq!(direct_ids, expected, "range {from:?}..{to:?}");
        assert_eq!(direct, pooled, "range {from:?}..{to:?}");
        assert_eq!(store.public_between(from, to).await.unwrap(), direct);
        for dataset in &direct {
            let i = ids.iter().position(|id| *id == dataset.id).unwrap();
            let titles: Vec<_> = dataset
                .distributions
                .iter()
                .map(|d| d.title.en.clone().unwrap())
                .collect();
            let wanted: Vec<_> = (0..i % 3).map(|k| format!("File {k}")).collect();
            assert_eq!(titles, wanted, "distributions of dataset {i}");
            assert_eq!(
                Some(dataset.clone()),
                datasets::get(&mut conn, &dataset.id.to_string())
                    .await
                    .unwrap()
            );
        }
    }
}

/// A migrated store in `dir/t.db` (and its URL), with a transaction open that has inserted the
/// organization `gso` (its id).
async fn migrated_store_with_gso(dir: &std::path::Path) -> (Store, String, Tx, Uuid) {
    let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let org = Uuid::now_v7();
    let org_input = OrganizationInput {
        slug: "gso".into(),
        name: LangText::new("Tổng cục Thống kê", "General Statistics Office"),
        description: LangText::default(),
        kind: OrgKind::National,
        parent: None,
        contact_email: None,
        website: None,
    };
    organizations::insert(&mut tx, org, &org_input, None, Utc::now())
        .await
        .unwrap();
    (store, url, tx, org)
}
