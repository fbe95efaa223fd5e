//! The background worker runs queued jobs: a stored upload gets its fixity check, and a blob whose
//! bytes changed on disk fails the check and is retried with backoff.

use dulieu_app::UploadMeta;
use dulieu_core::account::Actor;
use dulieu_core::catalog::DistributionInput;
use dulieu_core::vocab::OrgKind;
use dulieu_testkit::TestApp;
use serde_json::json;

async fn upload(test: &TestApp, bytes: &'static [u8]) -> String {
    let stream =
        futures::stream::once(
            async move { Ok::<_, std::io::Error>(bytes::Bytes::from_static(bytes)) },
        );
    // Not a tabular name: only the fixity check is queued, no table ingest.
    let meta = UploadMeta {
        filename: Some("data.bin".into()),
        content_type: None,
    };
    let created = test
        .app
        .add_upload(
            &Actor::system(),
            "dan-so",
            DistributionInput::default(),
            meta,
            stream,
        )
        .await
        .unwrap();
    created.sha256.unwrap()
}

#[tokio::test]
async fn verify_jobs_pass_and_fail_as_the_bytes_say() {
    let test = TestApp::new().await;
    test.organization("gso", OrgKind::National).await;
    let input = serde_json::from_value(
        json!({"slug": "dan-so", "title": {"vi": "Dân số"}, "publisher": "gso"}),
    )
    .unwrap();
    test.app
        .create_dataset(&Actor::system(), input)
        .await
        .unwrap();

    let good = upload(&test, b"a,b\n1,2\n").await;
    assert!(
        test.app.run_next_job().await.unwrap(),
        "the upload queued a job"
    );
    assert!(
        !test.app.run_next_job().await.unwrap(),
        "nothing else is due"
    );
    let mut conn = test.app.store().conn().await.unwrap();
    assert_eq!(
        dulieu_store::jobs::counts(&mut conn).await.unwrap(),
        vec![("done".to_string(), 1)]
    );
    drop(conn);

    // Corrupt the second file on disk before its check runs.
    let bad = upload(&test, b"x,y\n3,4\n").await;
    assert_ne!(good, bad);
    let path = test
        .data_dir()
        .join("blobs/blobs/sha256")
        .join(&bad[0..2])
        .join(&bad[2..4])
        .join(&bad);
    std::fs::write(&path, b"tampered").unwrap();
    assert!(test.app.run_next_job().await.unwrap());
    let mut conn = test.app.store().conn().await.unwrap();
    let counts = dulieu_store::jobs::counts(&mut conn).await.unwrap();
    assert_eq!(
        counts,
        vec![("done".to_string(), 1), ("queued".to_string(), 1)],
        "failed once, queued for retry"
    );
    drop(conn);
    assert!(
        !test.app.run_next_job().await.unwrap(),
        "the retry waits for its backoff"
    );
}
