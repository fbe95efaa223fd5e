//! Usage and history on the public pages through the real router: the home page's most-used
//! datasets (a helpful text before any download), the dataset page's download count, its change
//! history in words and the earlier versions of a replaced file, in both languages.

use crate::common;

use common::{Browser, ORG, text};
use dulieu_core::account::{Actor, NewUser};
use dulieu_core::vocab::{OrgKind, Role};
use dulieu_testkit::TestApp;
use serde_json::json;

/// A published dataset with one uploaded file; returns the editor's token and the file's id.
async fn published(t: &TestApp) -> (String, String) {
    t.organization(ORG, OrgKind::Provincial).await;
    let editor = t
        .app
        .create_user(
            &Actor::system(),
            NewUser {
                email: "bien-tap@example.vn".into(),
                display_name: Some("Chị Biên Tập".into()),
                password: common::PASSWORD.into(),
            },
            false,
        )
        .await
        .unwrap();
    let token = t
        .app
        .issue_token(&Actor::system(), editor.id, None)
        .await
        .unwrap()
        .token_secret;
    t.grant(ORG, &editor.email, Role::Editor).await;
    let created = t
        .post(
            "/api/1/datasets",
            Some(&token),
            json!({"slug": "luong-mua", "title": {"vi": "Lượng mưa", "en": "Rainfall"},
                   "publisher": ORG, "status": "draft"}),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201);
    let file = t
        .upload(
            "/api/1/datasets/luong-mua/distributions",
            Some(&token),
            "luong-mua.csv",
            b"thang,mm\n1,20\n",
            &[("title", "Lượng mưa theo tháng")],
        )
        .await;
    assert_eq!(file.status.as_u16(), 201);
    let published = t
        .patch(
            "/api/1/datasets/luong-mua",
            Some(&token),
            json!({"status": "published", "keywords": ["mưa"]}),
        )
        .await;
    assert_eq!(published.status.as_u16(), 200);
    t.sync_search().await;
    (token, file.json()["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn the_home_page_lists_the_most_downloaded_public_datasets() {
    let t = TestApp::new().await;
    let (_, file) = published(&t).await;
    let mut browser = Browser::default();
    let home = text(&browser.get(&t, "/en/").await);
    assert!(home.contains("Most used"), "{home}");
    assert!(
        home.contains("No downloads in the last 30 days yet."),
        "a helpful text before any download: {home}"
    );

    for _ in 0..3 {
        let download = browser
            .get(&t, &format!("/api/1/distributions/{file}/download"))
            .await;
        assert_eq!(download.status.as_u16(), 200);
    }
    let home = text(&browser.get(&t, "/en/").await);
    let start = home.find("id=\"most-used-h\"").unwrap();
    let section = &home[start..start + home[start..].find("</section>").unwrap()];
    assert!(
        section.contains("href=\"/en/dataset/luong-mua\">Rainfall</a>"),
        "{section}"
    );
    assert!(section.contains("Downloads: 3"), "{section}");
    assert!(!section.contains("No downloads"), "{section}");
    let vi = text(&browser.get(&t, "/").await);
    assert!(vi.contains("Lượt tải: 3"), "{vi}");

    let dataset = text(&browser.get(&t, "/en/dataset/luong-mua").await);
    let start = dataset.find("<dt>Downloads</dt>").unwrap();
    assert!(
        dataset[start..].starts_with("<dt>Downloads</dt>\n    <dd class=\"downloads\">3</dd>"),
        "{}",
        &dataset[start..start + 80]
    );
}

#[tokio::test]
async fn the_dataset_page_tells_its_history_and_keeps_earlier_versions() {
    let t = TestApp::new().await;
    let (token, file) = published(&t).await;
    let replaced = t
        .upload(
            &format!("/api/1/distributions/{file}/versions"),
            Some(&token),
            "luong-mua-2.csv",
            b"thang,mm\n1,20\n2,35\n",
            &[],
        )
        .await;
    assert_eq!(replaced.status.as_u16(), 201);
    let mut browser = Browser::default();

    let en = text(&browser.get(&t, "/en/dataset/luong-mua").await);
    let start = en.find("id=\"history-h\"").unwrap();
    let history = &en[start..start + en[start..].find("</section>").unwrap()];
    let items: Vec<&str> = history.split("<li>").skip(1).collect();
    assert_eq!(items.len(), 4, "{history}");
    assert!(
        items[0].contains("Chị Biên Tập</span>: Uploaded a new version of “Lượng mưa theo tháng”."),
        "newest first: {history}"
    );
    assert!(
        items[1].contains("Published the dataset. Changed: Keywords."),
        "{history}"
    );
    assert!(
        items[2].contains("Added the file “Lượng mưa theo tháng”."),
        "{history}"
    );
    assert!(items[3].contains("Created the dataset."), "{history}");
    assert!(
        !history.contains("bien-tap@example.vn"),
        "no e-mail on a public page"
    );
    assert!(history.contains("Changes in all: 4."), "{history}");
    assert!(history.contains("<time datetime=\""), "{history}");

    let vi = text(&browser.get(&t, "/dataset/luong-mua").await);
    assert!(vi.contains("Lịch sử thay đổi"), "{vi}");
    assert!(
        vi.contains("Công bố bộ dữ liệu. Thay đổi: Từ khóa."),
        "{vi}"
    );

    let earlier = format!("/api/1/distributions/{file}/versions/1/download");
    assert!(en.contains("Earlier versions"), "{en}");
    assert!(en.contains(&format!("href=\"{earlier}\"")), "{en}");
    assert!(!en.contains(&format!("/api/1/distributions/{file}/versions/2/download")));
    let old = browser.get(&t, &earlier).await;
    assert_eq!(&old.body[..], b"thang,mm\n1,20\n");
}
