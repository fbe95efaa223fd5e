//! The direct SQLite reader returns exactly what the sqlx path returns, and sees every commit.

use chrono::Utc;
use dulieu_core::catalog::{DatasetInput, DistributionInput, OrganizationInput};
use dulieu_core::text::LangText;
use dulieu_core::vocab::OrgKind;
use dulieu_store::distributions::NewFile;
use dulieu_store::sqlite_reader::SqliteReader;
use dulieu_store::{Store, StoreOptions, datasets, distributions, organizations};
use uuid::Uuid;

#[tokio::test]
async fn direct_reads_match_the_pool_and_follow_commits() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    assert_eq!(
        SqliteReader::path_of(&url).unwrap(),
        dir.path().join("t.db")
    );

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
