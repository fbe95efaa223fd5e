//! Datasets: create, read by id and slug, merge-patch, delete, list with filters, history.

use crate::support::*;

fn census() -> Value {
    json!({
        "title": {"vi": "Dân số Việt Nam theo tỉnh, 2019", "en": "Population of Viet Nam by province, 2019"},
        "description": {"vi": "Kết quả Tổng điều tra dân số và nhà ở 2019", "en": "Results of the 2019 census"},
        "publisher": ORG,
        "contact_point": {"name": "Vụ Thống kê Dân số", "email": "danso@gso.gov.vn"},
        "keywords": ["dân số", "tổng điều tra"],
        "themes": ["SOCI", "REGI"],
        "license": "cc-by-4.0",
        "access_rights": "public",
        "temporal": {"start": "2019-01-01", "end": "2019-12-31"},
        "spatial": "Việt Nam",
        "frequency": "decennial",
        "version": "1.0",
        "status": "published",
    })
}

async fn org_id(w: &World, slug: &str) -> String {
    uuid_of(
        &ok(
            &w.t.get(&format!("/api/1/organizations/{slug}"), None).await,
            200,
        )["id"],
    )
}

#[tokio::test]
async fn create_returns_the_complete_dataset() {
    let w = World::new().await;
    let before = today();
    let created = ok(
        &w.t.post("/api/1/datasets", w.editor.auth(), census()).await,
        201,
    );
    let after = today();
    assert_keys(&created, DATASET_KEYS);
    let id = uuid_of(&created["id"]);
    assert_eq!(created["slug"], "dan-so-viet-nam-theo-tinh-2019");
    assert_eq!(created["title"], census()["title"]);
    assert_eq!(created["description"], census()["description"]);
    assert_eq!(created["publisher"], ORG);
    assert_eq!(created["publisher_id"], org_id(&w, ORG).await.as_str());
    assert_eq!(created["provenance"], "official");
    assert_eq!(created["contact_point"], census()["contact_point"]);
    assert_eq!(created["keywords"], json!(["dân số", "tổng điều tra"]));
    assert_eq!(created["themes"], json!(["SOCI", "REGI"]));
    assert_eq!(created["license"], "cc-by-4.0");
    assert_eq!(created["license_open"], true);
    assert_eq!(created["access_rights"], "public");
    assert_eq!(
        created["temporal"],
        json!({"start": "2019-01-01", "end": "2019-12-31"})
    );
    assert_eq!(created["spatial"], "Việt Nam");
    assert_eq!(created["frequency"], "decennial");
    assert_eq!(created["version"], "1.0");
    assert_eq!(created["status"], "published");
    let issued = created["issued"]
        .as_str()
        .expect("published datasets get an issue date");
    assert!(issued == before || issued == after, "issued {issued}");
    assert_eq!(created["modified"], Value::Null);
    assert_eq!(created["distributions"], json!([]));

    let by_id = ok(&w.t.get(&format!("/api/1/datasets/{id}"), None).await, 200);
    let by_slug = ok(
        &w.t.get("/api/1/datasets/dan-so-viet-nam-theo-tinh-2019", None)
            .await,
        200,
    );
    assert_eq!(by_id, created);
    assert_eq!(by_slug, created);
}

#[tokio::test]
async fn create_fills_defaults_and_derives_the_slug_from_the_vietnamese_title() {
    let w = World::new().await;
    let created = ok(
        &w.t.post(
            "/api/1/datasets",
            w.editor.auth(),
            json!({"title": {"vi": "Đường bộ Đà Nẵng: Tai nạn giao thông", "en": "Da Nang road accidents"}, "publisher": ORG}),
        )
        .await,
        201,
    );
    assert_eq!(created["slug"], "duong-bo-da-nang-tai-nan-giao-thong");
    assert_eq!(created["license"], "none");
    assert_eq!(created["license_open"], false);
    assert_eq!(created["status"], "draft");
    assert_eq!(created["access_rights"], "public");
    assert_eq!(created["description"], json!({}));
    for field in [
        "contact_point",
        "temporal",
        "spatial",
        "frequency",
        "issued",
        "modified",
        "version",
    ] {
        assert_eq!(created[field], Value::Null, "{field}");
    }
    assert_eq!(created["keywords"], json!([]));
    assert_eq!(created["themes"], json!([]));

    // decomposed (NFD) Vietnamese folds the same way
    let decomposed = ok(
        &w.t.post(
            "/api/1/datasets",
            w.editor.auth(),
            json!({"title": {"vi": "Ha\u{0300} No\u{0323}i tho\u{0302}ng tin"}, "publisher": ORG}),
        )
        .await,
        201,
    );
    assert_eq!(decomposed["slug"], "ha-noi-thong-tin");

    // only an English title: the slug comes from it
    let english = ok(
        &w.t.post(
            "/api/1/datasets",
            w.editor.auth(),
            json!({"title": {"en": "Rice Yield 2020"}, "publisher": ORG}),
        )
        .await,
        201,
    );
    assert_eq!(english["slug"], "rice-yield-2020");

    // an explicit slug wins; a published dataset keeps an explicit issue date
    let explicit = ok(
        &w.t.post(
            "/api/1/datasets",
            w.editor.auth(),
            json!({"slug": "gdp-2019", "title": {"vi": "GDP"}, "publisher": ORG, "status": "published", "issued": "2019-06-30"}),
        )
        .await,
        201,
    );
    assert_eq!(explicit["slug"], "gdp-2019");
    assert_eq!(explicit["issued"], "2019-06-30");

    // the same title again: the derived slug is taken
    let body = error(
        &w.t.post(
            "/api/1/datasets",
            w.editor.auth(),
            json!({"title": {"vi": "Đường bộ Đà Nẵng: tai nạn giao thông"}, "publisher": ORG}),
        )
        .await,
        409,
        "slug_taken",
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("duong-bo-da-nang-tai-nan-giao-thong")),
        "{body}"
    );

    // non-government publishers give community data; not-open licenses are flagged
    let community = ok(
        &w.t.post(
            "/api/1/datasets",
            w.outsider.auth(),
            json!({"title": {"vi": "Bản đồ cây xanh"}, "publisher": OTHER_ORG, "license": "cc-by-nc-4.0"}),
        )
        .await,
        201,
    );
    assert_eq!(community["provenance"], "community");
    assert_eq!(community["publisher"], OTHER_ORG);
    assert_eq!(community["license"], "cc-by-nc-4.0");
    assert_eq!(community["license_open"], false);
}

#[tokio::test]
async fn patch_is_a_json_merge_patch() {
    let w = World::new().await;
    let created = ok(
        &w.t.post("/api/1/datasets", w.editor.auth(), census()).await,
        201,
    );
    let id = uuid_of(&created["id"]);
    let path = format!("/api/1/datasets/{id}");

    let patched = ok(
        &w.t.patch(
            &path,
            w.editor.auth(),
            json!({"title": {"en": "Population 2019"}, "keywords": ["census"], "temporal": {"end": null}}),
        )
        .await,
        200,
    );
    assert_keys(&patched, DATASET_KEYS);
    assert_eq!(patched["id"], created["id"]);
    assert_eq!(
        patched["slug"], created["slug"],
        "the slug is not re-derived from a new title"
    );
    assert_eq!(
        patched["title"],
        json!({"vi": "Dân số Việt Nam theo tỉnh, 2019", "en": "Population 2019"})
    );
    assert_eq!(patched["keywords"], json!(["census"]));
    assert_eq!(
        patched["temporal"],
        json!({"start": "2019-01-01", "end": null})
    );
    assert_eq!(patched["modified"], today());
    assert_eq!(patched["issued"], created["issued"]);
    assert_eq!(patched["created_at"], created["created_at"]);
    for untouched in [
        "description",
        "contact_point",
        "themes",
        "spatial",
        "frequency",
        "license",
        "status",
    ] {
        assert_eq!(patched[untouched], created[untouched], "{untouched}");
    }

    // null clears
    let cleared = ok(
        &w.t.patch(
            &path,
            w.editor.auth(),
            json!({"description": null, "spatial": null, "contact_point": null, "frequency": null, "title": {"vi": null}}),
        )
        .await,
        200,
    );
    assert_eq!(cleared["description"], json!({}));
    assert_eq!(cleared["spatial"], Value::Null);
    assert_eq!(cleared["contact_point"], Value::Null);
    assert_eq!(cleared["frequency"], Value::Null);
    assert_eq!(cleared["title"], json!({"en": "Population 2019"}));

    // the license decides license_open; an explicit modified date is kept
    let relicensed = ok(
        &w.t.patch(
            &path,
            w.editor.auth(),
            json!({"license": "cc-by-nc-4.0", "modified": "2020-01-15"}),
        )
        .await,
        200,
    );
    assert_eq!(relicensed["license"], "cc-by-nc-4.0");
    assert_eq!(relicensed["license_open"], false);
    assert_eq!(relicensed["modified"], "2020-01-15");

    // the slug can be changed; the old one is gone
    let renamed = ok(
        &w.t.patch(&path, w.editor.auth(), json!({"slug": "dan-so-2019"}))
            .await,
        200,
    );
    assert_eq!(renamed["slug"], "dan-so-2019");
    error(
        &w.t.get("/api/1/datasets/dan-so-viet-nam-theo-tinh-2019", None)
            .await,
        404,
        "not_found",
    );
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/dan-so-2019", None).await, 200),
        renamed
    );
    assert_eq!(ok(&w.t.get(&path, None).await, 200), renamed);

    // patching by slug works too
    let by_slug = ok(
        &w.t.patch(
            "/api/1/datasets/dan-so-2019",
            w.admin.auth(),
            json!({"version": "1.1"}),
        )
        .await,
        200,
    );
    assert_eq!(by_slug["version"], "1.1");

    // a draft turned published gets its issue date
    let draft = w.dataset("ban-nhap-se-cong-bo", "draft", "public").await;
    assert_eq!(draft["issued"], Value::Null);
    let published = ok(
        &w.t.patch(
            "/api/1/datasets/ban-nhap-se-cong-bo",
            w.editor.auth(),
            json!({"status": "published"}),
        )
        .await,
        200,
    );
    assert_eq!(published["status"], "published");
    assert_eq!(published["issued"], today());
}

#[tokio::test]
async fn read_only_fields_cannot_be_patched() {
    let w = World::new().await;
    let created = w.dataset("chi-doc", "published", "public").await;
    let path = "/api/1/datasets/chi-doc";
    let attempts = [
        ("provenance", json!("community")),
        ("license_open", json!(true)),
        ("id", json!(uuid::Uuid::new_v4().to_string())),
        ("publisher_id", json!(uuid::Uuid::new_v4().to_string())),
        ("created_at", json!("2020-01-01T00:00:00Z")),
        ("updated_at", json!("2020-01-01T00:00:00Z")),
        ("distributions", json!([])),
    ];
    for (field, value) in attempts {
        let mut body = serde_json::Map::new();
        body.insert(field.to_string(), value);
        invalid(
            &w.t.patch(path, w.sysadmin.auth(), Value::Object(body))
                .await,
            &[(field, "read_only")],
        );
    }
    invalid(
        &w.t.patch(
            path,
            w.editor.auth(),
            json!({"provenance": "community", "license_open": true, "spatial": "Huế"}),
        )
        .await,
        &[("provenance", "read_only"), ("license_open", "read_only")],
    );
    invalid(
        &w.t.patch(path, w.editor.auth(), json!({"popularity": 5}))
            .await,
        &[("popularity", "unknown_field")],
    );
    invalid(
        &w.t.patch(path, w.editor.auth(), json!({"license": "mit"}))
            .await,
        &[("license", "unknown_license")],
    );
    invalid(
        &w.t.patch(path, w.editor.auth(), json!({"themes": ["ECON", "XYZ"]}))
            .await,
        &[("themes[1]", "unknown_theme")],
    );
    invalid(
        &w.t.patch(path, w.editor.auth(), json!({"publisher": "khong-co"}))
            .await,
        &[("publisher", "unknown_organization")],
    );
    invalid(
        &w.t.patch(path, w.editor.auth(), json!({"title": null}))
            .await,
        &[("title", "required")],
    );
    invalid(
        &w.t.patch(
            path,
            w.editor.auth(),
            json!({"title": {"vi": null, "en": null}}),
        )
        .await,
        &[("title", "required_one_language")],
    );
    invalid(
        &w.t.patch(path, w.editor.auth(), json!({"status": "live"}))
            .await,
        &[("status", "invalid_value")],
    );
    assert_eq!(
        ok(&w.t.get(path, None).await, 200),
        created,
        "refused patches change nothing"
    );

    // the provenance follows the publisher, never the body: moving needs rights on both sides
    error(
        &w.t.patch(path, w.editor.auth(), json!({"publisher": OTHER_ORG}))
            .await,
        403,
        "forbidden",
    );
    let moved = ok(
        &w.t.patch(path, w.sysadmin.auth(), json!({"publisher": OTHER_ORG}))
            .await,
        200,
    );
    assert_eq!(moved["publisher"], OTHER_ORG);
    assert_eq!(moved["provenance"], "community");
}

#[tokio::test]
async fn delete_removes_the_dataset_and_its_distributions() {
    let w = World::new().await;
    let created = w.dataset("se-bi-xoa", "published", "public").await;
    let id = uuid_of(&created["id"]);
    let file = w.upload("se-bi-xoa", "du-lieu.csv", b"a,b\n1,2\n").await;
    let distribution = uuid_of(&file["id"]);
    status(
        &w.t.delete("/api/1/datasets/se-bi-xoa", w.admin.auth())
            .await,
        204,
    );
    error(
        &w.t.get("/api/1/datasets/se-bi-xoa", w.sysadmin.auth())
            .await,
        404,
        "not_found",
    );
    error(
        &w.t.get(&format!("/api/1/datasets/{id}"), w.sysadmin.auth())
            .await,
        404,
        "not_found",
    );
    error(
        &w.t.get(
            &format!("/api/1/distributions/{distribution}"),
            w.sysadmin.auth(),
        )
        .await,
        404,
        "not_found",
    );
    error(
        &w.t.get(
            &format!("/api/1/distributions/{distribution}/download"),
            w.sysadmin.auth(),
        )
        .await,
        404,
        "not_found",
    );
    error(
        &w.t.delete("/api/1/datasets/se-bi-xoa", w.admin.auth())
            .await,
        404,
        "not_found",
    );
    assert_eq!(
        ok(&w.t.get("/api/1/datasets", w.sysadmin.auth()).await, 200)["total"],
        0
    );

    // the deletion is in the event log, with the state before
    let mut conn = w.t.app.store().conn().await.expect("connection");
    let events = dulieu_store::events::since(&mut conn, 0, 10_000)
        .await
        .expect("events");
    let deleted: Vec<_> = events
        .iter()
        .filter(|e| e.entity_type == "dataset" && e.action == "deleted")
        .collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].entity_id.to_string(), id);
    assert_eq!(
        deleted[0].actor_id.map(|a| a.to_string()),
        Some(w.admin.id.clone())
    );
    let before = deleted[0].before.as_ref().expect("before");
    assert_eq!(before["slug"], "se-bi-xoa");
    assert_eq!(before["distributions"][0]["id"], distribution.as_str());
    assert_eq!(deleted[0].after, None);

    // deleting by id works as well
    let again = w.dataset("xoa-theo-id", "draft", "public").await;
    status(
        &w.t.delete(
            &format!("/api/1/datasets/{}", uuid_of(&again["id"])),
            w.sysadmin.auth(),
        )
        .await,
        204,
    );
    error(
        &w.t.get("/api/1/datasets/xoa-theo-id", w.sysadmin.auth())
            .await,
        404,
        "not_found",
    );
}

/// Eight datasets: six of ORG (by status and access), two of OTHER_ORG.
async fn catalog(w: &World) {
    w.dataset("a-cong-khai", "published", "public").await;
    w.dataset("b-ban-nhap", "draft", "public").await;
    w.dataset("c-khong-cong-khai", "published", "non-public")
        .await;
    w.dataset("d-luu-tru", "archived", "public").await;
    w.dataset("e-han-che", "published", "restricted").await;
    w.dataset("f-cong-khai", "published", "public").await;
    for (slug, status) in [("g-cong-dong", "published"), ("h-nhap-cong-dong", "draft")] {
        let mut body = dataset_body(slug, status, "public");
        body["publisher"] = json!(OTHER_ORG);
        ok(
            &w.t.post("/api/1/datasets", w.outsider.auth(), body).await,
            201,
        );
    }
}

async fn slugs(w: &World, query: &str, token: Option<&str>) -> (Vec<String>, i64) {
    let body = ok(
        &w.t.get(&format!("/api/1/datasets{query}"), token).await,
        200,
    );
    let total = body["total"].as_i64().expect("total");
    let results = body["results"].as_array().expect("results").clone();
    for dataset in &results {
        assert_keys(dataset, DATASET_KEYS);
    }
    (pluck(&results, "slug"), total)
}

#[tokio::test]
async fn list_shows_what_the_caller_may_see_newest_first() {
    let w = World::new().await;
    catalog(&w).await;
    let v = |list: &[&str]| list.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();

    let anonymous = ok(&w.t.get("/api/1/datasets", None).await, 200);
    let results = page(&anonymous, 4, 1, 20);
    assert_eq!(
        pluck(&results, "slug"),
        v(&["g-cong-dong", "f-cong-khai", "d-luu-tru", "a-cong-khai"])
    );
    assert_eq!(
        slugs(&w, "", w.member.auth()).await,
        (
            v(&[
                "g-cong-dong",
                "f-cong-khai",
                "e-han-che",
                "d-luu-tru",
                "c-khong-cong-khai",
                "b-ban-nhap",
                "a-cong-khai"
            ]),
            7
        )
    );
    assert_eq!(
        slugs(&w, "", w.outsider.auth()).await,
        (
            v(&[
                "h-nhap-cong-dong",
                "g-cong-dong",
                "f-cong-khai",
                "d-luu-tru",
                "a-cong-khai"
            ]),
            5
        )
    );
    assert_eq!(slugs(&w, "", w.sysadmin.auth()).await.1, 8);

    // filters
    assert_eq!(
        slugs(&w, &format!("?organization={ORG}"), None).await,
        (v(&["f-cong-khai", "d-luu-tru", "a-cong-khai"]), 3)
    );
    assert_eq!(
        slugs(&w, &format!("?organization={ORG}"), w.editor.auth())
            .await
            .1,
        6
    );
    assert_eq!(
        slugs(&w, &format!("?organization={OTHER_ORG}"), w.member.auth()).await,
        (v(&["g-cong-dong"]), 1)
    );
    assert_eq!(slugs(&w, "?status=draft", None).await, (vec![], 0));
    assert_eq!(
        slugs(&w, "?status=draft", w.member.auth()).await,
        (v(&["b-ban-nhap"]), 1)
    );
    assert_eq!(
        slugs(&w, "?status=draft", w.sysadmin.auth()).await,
        (v(&["h-nhap-cong-dong", "b-ban-nhap"]), 2)
    );
    assert_eq!(
        slugs(&w, "?status=archived", None).await,
        (v(&["d-luu-tru"]), 1)
    );
    assert_eq!(
        slugs(
            &w,
            &format!("?status=published&organization={ORG}"),
            w.member.auth()
        )
        .await,
        (
            v(&[
                "f-cong-khai",
                "e-han-che",
                "c-khong-cong-khai",
                "a-cong-khai"
            ]),
            4
        )
    );

    // paging
    let first = ok(
        &w.t.get("/api/1/datasets?page_size=3", w.sysadmin.auth())
            .await,
        200,
    );
    assert_eq!(
        pluck(&page(&first, 8, 1, 3), "slug"),
        v(&["h-nhap-cong-dong", "g-cong-dong", "f-cong-khai"])
    );
    let last = ok(
        &w.t.get("/api/1/datasets?page=3&page_size=3", w.sysadmin.auth())
            .await,
        200,
    );
    assert_eq!(
        pluck(&page(&last, 8, 3, 3), "slug"),
        v(&["b-ban-nhap", "a-cong-khai"])
    );
    let past = ok(
        &w.t.get("/api/1/datasets?page=4&page_size=3", w.sysadmin.auth())
            .await,
        200,
    );
    assert!(page(&past, 8, 4, 3).is_empty());
    let anonymous_second = ok(
        &w.t.get("/api/1/datasets?page=2&page_size=2", None).await,
        200,
    );
    assert_eq!(
        pluck(&page(&anonymous_second, 4, 2, 2), "slug"),
        v(&["d-luu-tru", "a-cong-khai"])
    );

    // bad filters
    invalid(
        &w.t.get("/api/1/datasets?organization=khong-co", None).await,
        &[("organization", "unknown_organization")],
    );
    invalid(
        &w.t.get("/api/1/datasets?status=live", None).await,
        &[("status", "invalid_value")],
    );
}

#[tokio::test]
async fn list_includes_distributions() {
    let w = World::new().await;
    w.dataset("co-tep", "published", "public").await;
    let file = w.upload("co-tep", "bang.csv", b"x\n1\n").await;
    let link = w.link("co-tep", "https://gso.gov.vn/du-lieu.xlsx").await;
    let listed = ok(&w.t.get("/api/1/datasets", None).await, 200);
    let results = page(&listed, 1, 1, 20);
    let distributions = results[0]["distributions"].as_array().expect("array");
    assert_eq!(distributions.len(), 2);
    assert_eq!(distributions[0], file);
    assert_eq!(distributions[1], link);
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/co-tep", None).await, 200),
        results[0]
    );
}

#[tokio::test]
async fn history_lists_every_change_of_the_dataset_and_its_distributions() {
    let w = World::new().await;
    let created = w.dataset("lich-su", "draft", "public").await;
    let dataset_id = uuid_of(&created["id"]);
    status(
        &w.t.patch(
            "/api/1/datasets/lich-su",
            w.admin.auth(),
            json!({"title": {"vi": "Lịch sử thay đổi"}}),
        )
        .await,
        200,
    );
    let link = w.link("lich-su", "https://gso.gov.vn/nguon.csv").await;
    let file = w
        .upload("lich-su", "so-lieu.csv", b"nam,gia_tri\n2019,1\n")
        .await;
    let file_id = uuid_of(&file["id"]);
    status(
        &w.t.patch(
            &format!("/api/1/distributions/{file_id}"),
            w.editor.auth(),
            json!({"title": {"en": "Figures"}}),
        )
        .await,
        200,
    );
    status(
        &w.t.call(multipart(
            axum::http::Method::POST,
            &format!("/api/1/distributions/{file_id}/versions"),
            w.editor.auth(),
            &[Part::File(
                "file",
                "so-lieu.csv",
                b"nam,gia_tri\n2019,1\n2020,2\n",
            )],
        ))
        .await,
        201,
    );
    status(
        &w.t.delete(
            &format!(
                "/api/1/distributions/{}",
                link["id"].as_str().unwrap_or_default()
            ),
            w.admin.auth(),
        )
        .await,
        204,
    );
    // an unrelated dataset's events stay out
    w.dataset("khac", "draft", "public").await;

    let history = ok(
        &w.t.get("/api/1/datasets/lich-su/history", w.member.auth())
            .await,
        200,
    );
    let events = page(&history, 7, 1, 20);
    for event in &events {
        assert_keys(event, EVENT_KEYS);
    }
    let summary: Vec<(String, String)> = events
        .iter()
        .map(|e| {
            (
                e["entity_type"].as_str().unwrap_or_default().to_string(),
                e["action"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expected = [
        ("dataset", "created"),
        ("dataset", "updated"),
        ("distribution", "created"),
        ("distribution", "created"),
        ("distribution", "updated"),
        ("distribution", "file_replaced"),
        ("distribution", "deleted"),
    ];
    assert_eq!(
        summary,
        expected
            .iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect::<Vec<_>>()
    );
    let seqs: Vec<i64> = events
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    assert!(seqs.windows(2).all(|p| p[0] < p[1]), "{seqs:?}");

    let [
        created_event,
        updated,
        link_created,
        file_created,
        file_updated,
        replaced,
        link_deleted,
    ] = <[Value; 7]>::try_from(events.clone()).expect("seven events");
    assert_eq!(created_event["entity_id"], dataset_id.as_str());
    assert_eq!(created_event["parent_id"], Value::Null);
    assert_eq!(created_event["actor_id"], w.editor.id.as_str());
    assert_eq!(created_event["before"], Value::Null);
    assert_eq!(created_event["after"]["slug"], "lich-su");
    assert_eq!(created_event["after"]["title"]["vi"], "Tập dữ liệu lich-su");

    assert_eq!(updated["actor_id"], w.admin.id.as_str());
    assert_eq!(
        updated["before"]["title"],
        json!({"vi": "Tập dữ liệu lich-su", "en": "Dataset lich-su"})
    );
    assert_eq!(
        updated["after"]["title"],
        json!({"vi": "Lịch sử thay đổi", "en": "Dataset lich-su"})
    );

    assert_eq!(link_created["entity_id"], link["id"]);
    assert_eq!(link_created["parent_id"], dataset_id.as_str());
    assert_eq!(link_created["before"], Value::Null);
    assert_eq!(link_created["after"]["url"], "https://gso.gov.vn/nguon.csv");

    assert_eq!(file_created["entity_id"], file_id.as_str());
    assert_eq!(
        file_created["after"]["sha256"],
        sha256_hex(b"nam,gia_tri\n2019,1\n").as_str()
    );

    assert_eq!(
        file_updated["before"]["title"],
        json!({"vi": "so-lieu.csv"})
    );
    assert_eq!(
        file_updated["after"]["title"],
        json!({"vi": "so-lieu.csv", "en": "Figures"})
    );

    assert_eq!(replaced["before"]["version"], 1);
    assert_eq!(replaced["after"]["version"], 2);
    assert_eq!(
        replaced["after"]["sha256"],
        sha256_hex(b"nam,gia_tri\n2019,1\n2020,2\n").as_str()
    );

    assert_eq!(link_deleted["entity_id"], link["id"]);
    assert_eq!(link_deleted["actor_id"], w.admin.id.as_str());
    assert_eq!(
        link_deleted["before"]["url"],
        "https://gso.gov.vn/nguon.csv"
    );
    assert_eq!(link_deleted["after"], Value::Null);

    // paging, by id as well as slug
    let second = ok(
        &w.t.get(
            &format!("/api/1/datasets/{dataset_id}/history?page=2&page_size=3"),
            w.member.auth(),
        )
        .await,
        200,
    );
    assert_eq!(page(&second, 7, 2, 3), events[3..6].to_vec());

    // visibility follows the dataset
    error(
        &w.t.get("/api/1/datasets/lich-su/history", None).await,
        404,
        "not_found",
    );
    error(
        &w.t.get("/api/1/datasets/lich-su/history", w.outsider.auth())
            .await,
        404,
        "not_found",
    );
    error(
        &w.t.get("/api/1/datasets/khong-co/history", w.sysadmin.auth())
            .await,
        404,
        "not_found",
    );
    status(
        &w.t.patch(
            "/api/1/datasets/lich-su",
            w.editor.auth(),
            json!({"status": "published"}),
        )
        .await,
        200,
    );
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/lich-su/history", None).await, 200)["total"],
        8
    );
    invalid(
        &w.t.get("/api/1/datasets/lich-su/history?page_size=0", None)
            .await,
        &[("page_size", "invalid_page_size")],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_of_one_slug_make_one_dataset() {
    let w = World::new().await;
    let responses = futures::future::join_all((0..6).map(|_| {
        w.t.post(
            "/api/1/datasets",
            w.editor.auth(),
            dataset_body("cung-luc", "draft", "public"),
        )
    }))
    .await;
    let mut codes: Vec<u16> = responses.iter().map(code).collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        vec![201, 409, 409, 409, 409, 409],
        "{:?}",
        responses.iter().map(text).collect::<Vec<_>>()
    );
    for response in responses.iter().filter(|r| code(r) == 409) {
        error(response, 409, "slug_taken");
    }
    assert_eq!(
        ok(&w.t.get("/api/1/datasets", w.editor.auth()).await, 200)["total"],
        1
    );
}
