//! Followers of a dataset hear of its updates: a metadata change, a file or link added, a file
//! replaced by a new version, a file removed — in the notification center and by e-mail in their
//! language, never for their own changes, not after they stop following, and only while they
//! may see the dataset.

use crate::requests::{desk, to};
use crate::support::*;

/// The kinds in `who`'s notification center, newest first.
async fn kinds(t: &TestApp, who: &Person) -> Vec<String> {
    let center = ok(&t.get("/api/1/notifications", who.auth()).await, 200);
    pluck(center["notifications"].as_array().expect("list"), "kind")
}

#[tokio::test]
async fn followers_hear_of_every_update_in_their_language_but_not_of_their_own() {
    let d = desk().await;
    let t = d.t();
    d.w.dataset("gia-dat", "published", "public").await;
    let follow = "/api/1/datasets/gia-dat/follow";
    for who in [&d.citizen, &d.w.outsider, &d.w.editor, &d.w.member] {
        status(&d.put(follow, Some(who)).await, 204);
    }
    status(&d.delete(follow, Some(&d.w.outsider)).await, 204);
    error(&d.put(follow, None).await, 401, "unauthenticated");
    ok(
        &t.send(
            axum::http::Method::PUT,
            "/api/1/notifications/settings",
            d.w.member.auth(),
            Some(json!({"email": true, "lang": "en"})),
        )
        .await,
        200,
    );
    let before = d.mails().await;

    // Metadata, then a file added, replaced and removed, all by the editor.
    ok(
        &t.patch(
            "/api/1/datasets/gia-dat",
            d.w.editor.auth(),
            json!({"title": {"vi": "Bảng giá đất 2026", "en": "Land prices 2026"}}),
        )
        .await,
        200,
    );
    let file = d.w.upload("gia-dat", "gia.csv", b"xa,gia\n").await;
    let file_id = uuid_of(&file["id"]);
    ok(
        &t.upload(
            &format!("/api/1/distributions/{file_id}/versions"),
            d.w.editor.auth(),
            "gia-2.csv",
            b"xa,gia\nA,1\n",
            &[],
        )
        .await,
        201,
    );
    status(
        &t.delete(
            &format!("/api/1/distributions/{file_id}"),
            d.w.editor.auth(),
        )
        .await,
        204,
    );

    let expected = [
        "dataset.file_removed",
        "dataset.file_replaced",
        "dataset.file_added",
        "dataset.updated",
    ];
    assert_eq!(kinds(t, &d.citizen).await, expected);
    assert_eq!(kinds(t, &d.w.member).await, expected);
    assert!(
        kinds(t, &d.w.editor).await.is_empty(),
        "not told of one's own changes"
    );
    assert!(
        kinds(t, &d.w.outsider).await.is_empty(),
        "not after unfollowing"
    );
    let center = ok(&t.get("/api/1/notifications", d.citizen.auth()).await, 200);
    let notice = &center["notifications"][3];
    assert_eq!(notice["subject_type"], "dataset");
    assert_eq!(
        (
            notice["params"]["title"].clone(),
            notice["params"]["title_en"].clone()
        ),
        (json!("Bảng giá đất 2026"), json!("Land prices 2026"))
    );

    // E-mails in each follower's language, linking to the dataset.
    let mails: Vec<String> = d
        .mails()
        .await
        .into_iter()
        .filter(|m| !before.contains(m))
        .collect();
    assert_eq!(to(&mails, &d.citizen.email), 4);
    assert_eq!(to(&mails, &d.w.member.email), 4);
    assert_eq!(mails.len(), 8, "nobody else");
    let english: Vec<&String> = mails
        .iter()
        .filter(|m| m.contains(&format!("To: {}", d.w.member.email)))
        .collect();
    assert!(
        english.iter().any(|m| m.contains("Land prices 2026")
            && m.contains("http://dulieu.test/en/dataset/gia-dat")),
        "{english:?}"
    );
    assert!(
        mails
            .iter()
            .filter(|m| m.contains(&format!("To: {}", d.citizen.email)))
            .all(|m| m.contains("http://dulieu.test/dataset/gia-dat")),
        "{mails:?}"
    );
}

#[tokio::test]
async fn followers_who_may_no_longer_see_the_dataset_are_not_told() {
    let d = desk().await;
    let t = d.t();
    d.w.dataset("noi-bo", "published", "public").await;
    for who in [&d.citizen, &d.w.member] {
        status(
            &d.put("/api/1/datasets/noi-bo/follow", Some(who)).await,
            204,
        );
    }
    ok(
        &t.patch(
            "/api/1/datasets/noi-bo",
            d.w.editor.auth(),
            json!({"access_rights": "non-public"}),
        )
        .await,
        200,
    );
    assert!(kinds(t, &d.citizen).await.is_empty(), "no longer sees it");
    assert_eq!(kinds(t, &d.w.member).await, ["dataset.updated"]);
}
