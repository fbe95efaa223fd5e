//! The watchdog inside the application: it follows the event log (a changed dataset is checked
//! again), keeps its position, checks remote links through the guarded client against a real
//! HTTP server on loopback, and opens a ticket only once a link has failed twice in a row, then
//! closes it when the link answers again.

use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use chrono::{Duration, Utc};
use dulieu_core::account::Actor;
use dulieu_core::vocab::OrgKind;
use dulieu_store::{feedback, quality};
use dulieu_testkit::TestApp;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A server on loopback answering every request with the status in `status`.
async fn status_server(status: Arc<AtomicU16>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let code = status.load(Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let reply = format!(
                    "HTTP/1.1 {code} X\r\nContent-Type: text/csv\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    port
}

async fn watchdog_app(port: u16) -> TestApp {
    TestApp::with(|c| {
        c.fetch.allow_networks = vec!["127.0.0.1/32".into()];
        c.fetch.allowed_ports.push(port);
    })
    .await
}

async fn dataset(test: &TestApp, slug: &str) {
    let input = serde_json::from_value(json!({
        "slug": slug, "title": {"vi": "Dân số trung bình"}, "publisher": "gso",
        "license": "cc-by-4.0",
    }))
    .unwrap();
    test.app
        .create_dataset(&Actor::system(), input)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_watchdog_follows_the_log_and_keeps_its_position() {
    let test = TestApp::new().await;
    test.organization("gso", OrgKind::National).await;
    dataset(&test, "dan-so").await;
    let run = test.app.follow_quality_events(Utc::now()).await.unwrap();
    assert_eq!((run.checked, run.changed), (1, 1));
    let id = test
        .app
        .store()
        .read_dataset("dan-so")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut conn = test.app.store().conn().await.unwrap();
    let (summary, _) = quality::get(&mut conn, id).await.unwrap().unwrap();
    assert_eq!(summary.stars, 0, "no distribution yet");
    drop(conn);

    // Nothing new in the log: nothing checked again (its own `quality` event is not a change).
    let again = test.app.follow_quality_events(Utc::now()).await.unwrap();
    assert_eq!(again.checked, 0);
    // An edit is.
    test.app
        .update_dataset(&Actor::system(), "dan-so", &json!({"keywords": ["dân số"]}))
        .await
        .unwrap();
    let after_edit = test.app.follow_quality_events(Utc::now()).await.unwrap();
    assert_eq!(after_edit.checked, 1);
    // The quality event is not part of the dataset's own history.
    let mut conn = test.app.store().conn().await.unwrap();
    let (history, _) = dulieu_store::events::history(&mut conn, id, 0, 100)
        .await
        .unwrap();
    assert!(
        history.iter().all(|e| e.entity_type != "quality"),
        "{history:?}"
    );
}

#[tokio::test]
async fn a_link_failing_twice_opens_a_ticket_that_closes_when_it_answers() {
    let status = Arc::new(AtomicU16::new(200));
    let port = status_server(status.clone()).await;
    let test = watchdog_app(port).await;
    test.organization("gso", OrgKind::National).await;
    dataset(&test, "dan-so").await;
    let input = serde_json::from_value(json!({
        "url": format!("http://127.0.0.1:{port}/dan-so.csv"), "format": "CSV",
        "title": {"vi": "Bảng dân số"},
    }))
    .unwrap();
    let link = test
        .app
        .add_link(&Actor::system(), "dan-so", input)
        .await
        .unwrap();
    let id = link.dataset_id;
    let open_tickets = || async {
        let mut conn = test.app.store().conn().await.unwrap();
        feedback::for_dataset(&mut conn, id)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.rule_id.as_deref() == Some("links.available"))
            .map(|t| t.state)
            .collect::<Vec<_>>()
    };

    let now = Utc::now();
    assert_eq!(test.app.check_due_links(now).await.unwrap(), 1);
    assert_eq!(
        test.app.check_due_links(now).await.unwrap(),
        0,
        "not due again yet"
    );
    let mut conn = test.app.store().conn().await.unwrap();
    let checks = quality::link_checks(&mut conn, &[link.id]).await.unwrap();
    assert_eq!(checks[&link.id][0].status, Some(200));
    drop(conn);

    status.store(404, Ordering::SeqCst);
    let later = now + Duration::hours(25);
    assert_eq!(test.app.check_due_links(later).await.unwrap(), 1);
    assert!(
        open_tickets().await.is_empty(),
        "one failure is a warning, not a violation"
    );
    let view = test
        .app
        .dataset_quality(&Actor::system(), "dan-so", dulieu_i18n::Locale::En)
        .await
        .unwrap();
    let finding = view
        .findings
        .iter()
        .find(|f| f.rule.as_str() == "links.available")
        .unwrap();
    assert_eq!(finding.severity, dulieu_checks::Severity::Warning);
    assert!(finding.message.contains("404"), "{}", finding.message);

    assert_eq!(
        test.app
            .check_due_links(later + Duration::hours(25))
            .await
            .unwrap(),
        1
    );
    let tickets = open_tickets().await;
    assert_eq!(tickets.len(), 1, "second failure in a row: a ticket");
    assert!(!tickets[0].is_closed());
    // Checking again does not open a second one.
    test.app
        .check_dataset_ids(&[id], later + Duration::hours(26))
        .await
        .unwrap();
    assert_eq!(open_tickets().await.len(), 1);

    status.store(200, Ordering::SeqCst);
    assert_eq!(
        test.app
            .check_due_links(later + Duration::hours(50))
            .await
            .unwrap(),
        1
    );
    let tickets = open_tickets().await;
    assert_eq!(tickets.len(), 1);
    assert!(
        tickets[0].is_closed(),
        "closed by the watchdog once the link answers: {tickets:?}"
    );
}

/// The mails queued so far (claimed from the job queue, so each is seen once).
async fn queued_mails(test: &TestApp) -> Vec<dulieu_app::mail::Mail> {
    let mut conn = test.app.store().conn().await.unwrap();
    let mut mails = Vec::new();
    while let Some(job) = dulieu_store::jobs::claim(&mut conn, Utc::now(), Duration::minutes(5))
        .await
        .unwrap()
    {
        if job.kind == dulieu_app::mail::SEND_MAIL {
            mails.push(serde_json::from_value(job.payload).unwrap());
        }
    }
    mails
}

#[tokio::test]
async fn editors_get_the_digest_when_it_is_due() {
    let test = TestApp::new().await;
    test.organization("gso", OrgKind::National).await;
    test.user("editor@gso.gov.vn", false).await;
    test.grant("gso", "editor@gso.gov.vn", dulieu_core::vocab::Role::Editor)
        .await;
    test.user("reader@example.vn", false).await;
    let input = serde_json::from_value(json!({
        "slug": "gia-dat", "title": {"vi": "Bảng giá đất", "en": "Land prices"}, "publisher": "gso",
    }))
    .unwrap();
    test.app
        .create_dataset(&Actor::system(), input)
        .await
        .unwrap();
    queued_mails(&test).await;

    let now = Utc::now();
    test.app.run_due_quality_duties(now).await;
    let digests: Vec<_> = queued_mails(&test)
        .await
        .into_iter()
        .filter(|m| m.subject.contains("Chất lượng dữ liệu"))
        .collect();
    assert_eq!(digests.len(), 1, "one digest, to the editor only");
    let digest = &digests[0];
    assert_eq!(digest.to, "editor@gso.gov.vn");
    assert!(digest.subject.contains("Tổ chức gso"), "{}", digest.subject);
    assert!(digest.body.contains("Bảng giá đất"), "{}", digest.body);
    assert!(digest.body.contains("vi phạm"), "{}", digest.body);
    assert!(
        digest
            .body
            .contains("http://dulieu.test/organization/gso/quality"),
        "{}",
        digest.body
    );

    // Not again the next day; again after a week.
    test.app
        .run_due_quality_duties(now + Duration::days(1))
        .await;
    let digest_count = |mails: Vec<dulieu_app::mail::Mail>| {
        mails
            .iter()
            .filter(|m| m.subject.contains("Chất lượng dữ liệu"))
            .count()
    };
    assert_eq!(digest_count(queued_mails(&test).await), 0);
    test.app
        .run_due_quality_duties(now + Duration::days(8))
        .await;
    assert_eq!(digest_count(queued_mails(&test).await), 1);
}
