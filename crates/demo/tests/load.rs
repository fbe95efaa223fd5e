//! The demo catalog loads completely, publicly, and only once.

use dulieu_core::vocab::Provenance;
use dulieu_testkit::TestApp;

#[tokio::test]
async fn loads_the_annex_c_catalog_once() {
    let test = TestApp::new().await;
    let first = dulieu_demo::load(&test.app).await.unwrap();
    assert!(first.organizations >= 20);
    assert_eq!(first.datasets, 49);
    assert_eq!(first.distributions, 36, "rows with a usable link");
    assert_eq!(
        (first.assessments, first.action_plans),
        (2, 2),
        "the 2019 DGRA and ODRA and their plans"
    );
    let second = dulieu_demo::load(&test.app).await.unwrap();
    assert_eq!(
        second,
        dulieu_demo::LoadReport::default(),
        "a second load creates nothing"
    );

    let list = test.get("/api/1/datasets?page_size=100", None).await.json();
    assert_eq!(list["total"], 49, "every demo dataset is public");
    let budget = test
        .get("/api/1/datasets/mof-state-budget-estimates", None)
        .await
        .json();
    assert_eq!(budget["publisher"], "mof");
    assert_eq!(
        budget["provenance"],
        serde_json::json!(Provenance::Official)
    );
    assert_eq!(budget["license"], "none");
    assert_eq!(budget["license_open"], false);
    assert_eq!(budget["distributions"][0]["url"], "http://bit.ly/2XbzAAS");
    let gso = test.get("/api/1/organizations/gso", None).await.json();
    assert_eq!(gso["parent"], "mpi");
    let assessments = test.get("/api/1/assessments", None).await.json();
    assert_eq!(assessments["total"], 2, "published, so public");
    let plans = test.get("/api/1/action-plans", None).await.json();
    assert_eq!(plans["total"], 2);
}
