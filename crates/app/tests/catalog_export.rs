//! The whole-catalog DCAT export of a catalog of several batches: Turtle, written in parts on
//! several cores, holds exactly the graph the one-writer syntaxes hold, every public dataset
//! once and nothing else, on SQLite and PostgreSQL.

use std::collections::BTreeSet;

use chrono::Utc;
use dulieu_core::catalog::{DatasetInput, DistributionInput};
use dulieu_core::text::LangText;
use dulieu_core::vocab::{AccessRights, DatasetStatus, OrgKind};
use dulieu_dcat::RdfSyntax;
use dulieu_testkit::TestApp;
use oxrdfio::{RdfFormat, RdfParser};
use uuid::Uuid;

/// More than two batches of the export (1,000 datasets each).
const DATASETS: usize = 2_345;

/// Writes `DATASETS` datasets straight to the store: every seventh a draft, every eleventh
/// restricted, the rest public with one link each. Returns the public ids.
async fn fill(test: &TestApp) -> BTreeSet<Uuid> {
    test.organization("gso", OrgKind::National).await;
    let publisher = test.app.get_organization("gso").await.unwrap().id;
    let mut public = BTreeSet::new();
    let mut tx = test.app.store().begin().await.unwrap();
    let now = Utc::now();
    for i in 0..DATASETS {
        let mut input: DatasetInput = serde_json::from_value(serde_json::json!({
            "slug": format!("bo-du-lieu-{i}"),
            "title": {"vi": format!("Bộ dữ liệu {i}"), "en": format!("Dataset {i}")},
            "description": {"vi": "Số liệu thống kê theo tỉnh, thành phố trực thuộc trung ương."},
            "publisher": "gso",
            "license": "cc-by-4.0",
            "keywords": ["dân số", format!("nhóm {}", i % 13)],
        }))
        .unwrap();
        input.status = if i % 7 == 0 {
            DatasetStatus::Draft
        } else {
            DatasetStatus::Published
        };
        if i % 11 == 0 {
            input.access_rights = AccessRights::Restricted;
        }
        let input = input.validate().unwrap();
        let id = Uuid::now_v7();
        dulieu_store::datasets::insert(&mut tx, id, &input, publisher, now)
            .await
            .unwrap();
        let link = DistributionInput {
            title: LangText::new("Số liệu CSV", "CSV data"),
            description: LangText::default(),
            format: Some("CSV".into()),
            media_type: Some("text/csv".into()),
            url: Some(format!("https://data.example.vn/{i}.csv")),
            license: None,
            issued: None,
            modified: None,
        };
        dulieu_store::distributions::insert(&mut tx, Uuid::now_v7(), id, &link, now)
            .await
            .unwrap();
        if i % 7 != 0 && i % 11 != 0 {
            public.insert(id);
        }
    }
    tx.commit().await.unwrap();
    public
}

/// The triples of a document, as N-Triples lines (blank nodes by label).
fn graph(bytes: &[u8], format: RdfFormat) -> BTreeSet<String> {
    RdfParser::from_format(format)
        .for_slice(bytes)
        .map(|quad| quad.unwrap().to_string())
        .collect()
}

async fn export(test: &TestApp, syntax: RdfSyntax) -> Vec<u8> {
    let mut out = Vec::new();
    test.app.write_dcat_catalog(syntax, &mut out).await.unwrap();
    out
}

async fn the_export_in_parts_is_the_whole_catalog(test: TestApp) {
    let public = fill(&test).await;
    assert_eq!(
        test.app.public_dataset_count().await.unwrap() as usize,
        public.len()
    );
    let turtle = export(&test, RdfSyntax::Turtle).await;
    let in_parts = graph(&turtle, RdfFormat::Turtle);
    // Every public dataset once, in id order, and no other.
    let typed: Vec<Uuid> = in_parts
        .iter()
        .filter(|t| t.ends_with("<http://www.w3.org/ns/dcat#Dataset>"))
        .filter_map(|t| t.split(['/', '>']).find_map(|part| part.parse().ok()))
        .collect();
    assert_eq!(typed.iter().copied().collect::<BTreeSet<_>>(), public);
    assert_eq!(typed.len(), public.len());
    let text = String::from_utf8(turtle).unwrap();
    let order: Vec<usize> = public
        .iter()
        .map(|id| text.find(&format!("dataset:{id}")).unwrap_or(usize::MAX))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "datasets in id order"
    );
    // The same graph as the one writer of RDF/XML.
    let xml = export(&test, RdfSyntax::RdfXml).await;
    let whole = graph(&xml, RdfFormat::RdfXml);
    assert_eq!(in_parts.len(), whole.len());
    assert_eq!(in_parts, whole);
}

#[tokio::test]
async fn the_turtle_export_in_parts_is_the_whole_catalog() {
    the_export_in_parts_is_the_whole_catalog(TestApp::new().await).await;
}

#[tokio::test]
async fn the_turtle_export_in_parts_is_the_whole_catalog_on_postgres() {
    let Some(test) = TestApp::postgres().await else {
        return;
    };
    the_export_in_parts_is_the_whole_catalog(test).await;
}
