//! The worker refreshes the live figures of readiness assessments on its schedule
//! (`readiness.refresh_interval_minutes`), each figure dated when it was computed; with the
//! interval at 0 it leaves them to the team's button.

use std::time::Duration;

use chrono::{DateTime, Utc};
use dulieu_core::account::Actor;
use dulieu_core::vocab::OrgKind;
use dulieu_readiness::assessment::{EvidenceInput, NewAssessment};
use dulieu_readiness::indicators::Figure;
use dulieu_testkit::TestApp;
use serde_json::json;
use tokio::sync::watch;

/// A portal with one openly licensed dataset and a draft assessment whose question 4.5 carries
/// the open-license share as a live figure; the figure's date.
async fn portal(interval_minutes: u64) -> (TestApp, DateTime<Utc>) {
    let test = TestApp::with(|config| {
        config.readiness.refresh_interval_minutes = interval_minutes;
        config.worker.poll_interval_ms = 10;
    })
    .await;
    test.organization("bo-tai-chinh", OrgKind::National).await;
    publish(&test, "ngan-sach-2025", "cc-by-4.0").await;
    let system = Actor::system();
    let input = NewAssessment {
        framework: "odra".into(),
        version: None,
        slug: Some("odra-2027".into()),
        title: dulieu_core::text::LangText::new("Đánh giá 2027", "Assessment 2027"),
        subject: "Việt Nam".into(),
        started_on: None,
        assessors: Vec::new(),
    };
    test.app.create_assessment(&system, input).await.unwrap();
    let evidence = EvidenceInput {
        sign: "o".into(),
        indicator: Some("open_license_share".into()),
        ..EvidenceInput::default()
    };
    let added = test
        .app
        .add_evidence(&system, "odra-2027", "4.5", evidence)
        .await
        .unwrap();
    let figure = added.live.unwrap().figure;
    assert_eq!(figure.value, 100.0, "one of one dataset is openly licensed");
    (test, figure.as_of)
}

async fn publish(test: &TestApp, slug: &str, license: &str) {
    let input = serde_json::from_value(json!({
        "slug": slug, "title": {"vi": slug}, "publisher": "bo-tai-chinh",
        "license": license, "status": "published",
    }))
    .unwrap();
    test.app
        .create_dataset(&Actor::system(), input)
        .await
        .unwrap();
}

async fn figure_now(test: &TestApp) -> Figure {
    let (assessment, _) = test
        .app
        .get_assessment(&Actor::system(), "odra-2027")
        .await
        .unwrap();
    let question = assessment.question("4.5").unwrap();
    question.evidence[0].live.clone().unwrap().figure
}

/// Runs the worker while `until` is false (at most five seconds), then stops it.
async fn run_worker_while(test: &TestApp, mut waiting: impl AsyncFnMut() -> bool) {
    let (stop, stopped) = watch::channel(false);
    let app = test.app.clone();
    let worker = tokio::spawn(async move { app.run_worker(stopped).await });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while waiting().await && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.send(true).unwrap();
    worker.await.unwrap();
}

#[tokio::test]
async fn the_worker_refreshes_live_figures_with_their_date() {
    let (test, first_date) = portal(60).await;
    publish(&test, "bao-cao-2025", "none").await;
    assert_eq!(figure_now(&test).await.value, 100.0, "not refreshed yet");

    run_worker_while(&test, async || figure_now(&test).await.value == 100.0).await;

    let figure = figure_now(&test).await;
    assert_eq!(figure.value, 50.0, "one of two datasets is openly licensed");
    assert_eq!((figure.part, figure.out_of), (Some(1), Some(2)));
    assert!(
        figure.as_of > first_date,
        "the figure carries the date it was computed: {} after {first_date}",
        figure.as_of
    );
    let (assessment, _) = test
        .app
        .get_assessment(&Actor::system(), "odra-2027")
        .await
        .unwrap();
    assert_eq!(
        assessment.updated_at, figure.as_of,
        "the assessment changed when its figures did"
    );
}

#[tokio::test]
async fn an_interval_of_zero_leaves_figures_to_the_team() {
    let (test, first_date) = portal(0).await;
    publish(&test, "bao-cao-2025", "none").await;
    let mut turns = 0;
    run_worker_while(&test, async || {
        turns += 1;
        turns < 15
    })
    .await;
    let figure = figure_now(&test).await;
    assert_eq!((figure.value, figure.as_of), (100.0, first_date));
    let refreshed = test
        .app
        .refresh_all_live_evidence(&Actor::system())
        .await
        .unwrap();
    assert_eq!(refreshed, 1, "on demand it still refreshes");
    assert_eq!(figure_now(&test).await.value, 50.0);
}
