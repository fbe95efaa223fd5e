//! The read cache stays true: own writes invalidate at once; writes by another process sharing
//! the database arrive through the event log.

use std::time::Duration;

use dulieu_app::App;
use dulieu_core::account::Actor;
use dulieu_core::vocab::OrgKind;
use dulieu_testkit::TestApp;
use serde_json::{Value, json};

async fn title(app: &App, key: &str) -> String {
    let json: Value = serde_json::from_slice(
        &app.get_dataset_json(&Actor::anonymous(), key)
            .await
            .unwrap(),
    )
    .unwrap();
    json["title"]["vi"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn cache_follows_own_and_foreign_writes() {
    let test = TestApp::new().await;
    test.organization("gso", OrgKind::National).await;
    let system = Actor::system();
    let input = serde_json::from_value(json!({"slug": "dan-so", "title": {"vi": "Dân số"}, "publisher": "gso", "status": "published"})).unwrap();
    test.app.create_dataset(&system, input).await.unwrap();

    assert_eq!(title(&test.app, "dan-so").await, "Dân số");
    assert_eq!(
        test.app.cache().usage().0,
        1,
        "a public dataset is cached after a read"
    );

    test.app
        .update_dataset(&system, "dan-so", &json!({"title": {"vi": "Dân số 2019"}}))
        .await
        .unwrap();
    assert_eq!(
        title(&test.app, "dan-so").await,
        "Dân số 2019",
        "own write invalidates at once"
    );

    // A second process on the same database (here: a second App on the same data directory).
    let other = App::open(&test.config).await.unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let follower = {
        let app = test.app.clone();
        tokio::spawn(async move { app.follow_events(Duration::from_millis(20), stopped).await })
    };
    tokio::time::sleep(Duration::from_millis(60)).await;
    other
        .update_dataset(&system, "dan-so", &json!({"title": {"vi": "Dân số 2024"}}))
        .await
        .unwrap();
    let mut seen = String::new();
    for _ in 0..100 {
        seen = title(&test.app, "dan-so").await;
        if seen == "Dân số 2024" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        seen, "Dân số 2024",
        "a foreign write reaches the cache through the event log"
    );

    // Private datasets are never cached.
    other
        .update_dataset(&system, "dan-so", &json!({"status": "draft"}))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        test.app
            .get_dataset_json(&Actor::anonymous(), "dan-so")
            .await
            .is_err(),
        "draft hidden from anonymous"
    );
    let _ = stop.send(true);
    follower.await.unwrap();
}
