//! Organizations: create, read, list, merge-patch, delete; provenance derived from the kind.

use crate::support::*;

fn ministry() -> Value {
    json!({
        "slug": "bo-tai-chinh",
        "name": {"vi": "Bộ Tài chính", "en": "Ministry of Finance"},
        "description": {"vi": "Quản lý tài chính công", "en": "Manages public finance"},
        "kind": "national",
        "contact_email": "vanphong@mof.gov.vn",
        "website": "https://mof.gov.vn",
    })
}

#[tokio::test]
async fn sysadmin_creates_an_organization_and_reads_it_back() {
    let w = World::new().await;
    let created = ok(
        &w.t.post("/api/1/organizations", w.sysadmin.auth(), ministry())
            .await,
        201,
    );
    assert_keys(&created, ORGANIZATION_KEYS);
    uuid_of(&created["id"]);
    assert_eq!(created["slug"], "bo-tai-chinh");
    assert_eq!(
        created["name"],
        json!({"vi": "Bộ Tài chính", "en": "Ministry of Finance"})
    );
    assert_eq!(
        created["description"],
        json!({"vi": "Quản lý tài chính công", "en": "Manages public finance"})
    );
    assert_eq!(created["kind"], "national");
    assert_eq!(created["provenance"], "official");
    assert_eq!(created["parent"], Value::Null);
    assert_eq!(created["contact_email"], "vanphong@mof.gov.vn");
    assert_eq!(created["website"], "https://mof.gov.vn");

    let read = ok(
        &w.t.get("/api/1/organizations/bo-tai-chinh", None).await,
        200,
    );
    assert_eq!(read, created);

    let child = ok(
        &w.t.post(
            "/api/1/organizations",
            w.sysadmin.auth(),
            json!({"slug": "tong-cuc-thue", "name": {"vi": "Tổng cục Thuế"}, "kind": "national", "parent": "bo-tai-chinh"}),
        )
        .await,
        201,
    );
    assert_eq!(child["parent"], "bo-tai-chinh");
    assert_eq!(child["name"], json!({"vi": "Tổng cục Thuế"}));
    assert_eq!(child["description"], json!({}));
    assert_eq!(child["contact_email"], Value::Null);
    assert_eq!(
        ok(
            &w.t.get("/api/1/organizations/tong-cuc-thue", None).await,
            200
        )["parent"],
        "bo-tai-chinh"
    );
}

#[tokio::test]
async fn provenance_is_derived_from_the_kind() {
    let w = World::new().await;
    let kinds = [
        ("national", "official"),
        ("provincial", "official"),
        ("other-public", "official"),
        ("civil-society", "community"),
        ("business", "community"),
        ("academic", "community"),
        ("individual", "community"),
    ];
    for (kind, provenance) in kinds {
        let slug = format!("to-chuc-{kind}");
        let created = ok(
            &w.t.post(
                "/api/1/organizations",
                w.sysadmin.auth(),
                json!({"slug": slug, "name": {"en": format!("Org {kind}")}, "kind": kind}),
            )
            .await,
            201,
        );
        assert_eq!(created["kind"], kind);
        assert_eq!(created["provenance"], provenance, "kind {kind}");
        let read = ok(
            &w.t.get(&format!("/api/1/organizations/{slug}"), None).await,
            200,
        );
        assert_eq!(read["provenance"], provenance, "kind {kind}");
    }
    // The fixture organizations too.
    assert_eq!(
        ok(
            &w.t.get(&format!("/api/1/organizations/{ORG}"), None).await,
            200
        )["provenance"],
        "official"
    );
    assert_eq!(
        ok(
            &w.t.get(&format!("/api/1/organizations/{OTHER_ORG}"), None)
                .await,
            200
        )["provenance"],
        "community"
    );
}

#[tokio::test]
async fn organizations_are_listed_by_slug_with_paging() {
    let w = World::new().await;
    for slug in ["so-y-te-ha-noi", "bo-y-te", "dai-hoc-quoc-gia"] {
        let kind = if slug.starts_with("dai-hoc") {
            "academic"
        } else {
            "national"
        };
        status(
            &w.t.post(
                "/api/1/organizations",
                w.sysadmin.auth(),
                json!({"slug": slug, "name": {"vi": slug}, "kind": kind}),
            )
            .await,
            201,
        );
    }
    let all = ok(&w.t.get("/api/1/organizations", None).await, 200);
    let results = page(&all, 5, 1, 20);
    assert_eq!(
        pluck(&results, "slug"),
        vec![
            "bo-y-te",
            "dai-hoc-quoc-gia",
            OTHER_ORG,
            "so-y-te-ha-noi",
            ORG
        ]
    );
    for org in &results {
        assert_keys(org, ORGANIZATION_KEYS);
    }
    let second = ok(
        &w.t.get("/api/1/organizations?page=2&page_size=2", None)
            .await,
        200,
    );
    assert_eq!(
        pluck(&page(&second, 5, 2, 2), "slug"),
        vec![OTHER_ORG, "so-y-te-ha-noi"]
    );
    let beyond = ok(
        &w.t.get("/api/1/organizations?page=9&page_size=2", None)
            .await,
        200,
    );
    assert!(page(&beyond, 5, 9, 2).is_empty());
}

#[tokio::test]
async fn non_sysadmin_creates_only_non_government_organizations_and_becomes_admin() {
    let w = World::new().await;
    let lan = person(&w.t, "lan@example.vn", false).await;
    for kind in ["national", "provincial", "other-public"] {
        let response =
            w.t.post(
                "/api/1/organizations",
                lan.auth(),
                json!({"slug": format!("gov-{kind}"), "name": {"vi": "Cơ quan"}, "kind": kind}),
            )
            .await;
        error(&response, 403, "forbidden");
        error(
            &w.t.get(&format!("/api/1/organizations/gov-{kind}"), None)
                .await,
            404,
            "not_found",
        );
    }
    let created = ok(
        &w.t.post(
            "/api/1/organizations",
            lan.auth(),
            json!({"slug": "nhom-du-lieu-xanh", "name": {"vi": "Nhóm Dữ liệu Xanh"}, "kind": "civil-society"}),
        )
        .await,
        201,
    );
    assert_eq!(created["provenance"], "community");
    let members = ok(
        &w.t.get("/api/1/organizations/nhom-du-lieu-xanh/members", lan.auth())
            .await,
        200,
    );
    let members = members.as_array().expect("array").clone();
    assert_eq!(members.len(), 1);
    assert_keys(&members[0], MEMBERSHIP_KEYS);
    assert_eq!(members[0]["organization"], "nhom-du-lieu-xanh");
    assert_eq!(members[0]["user_id"], lan.id.as_str());
    assert_eq!(members[0]["email"], "lan@example.vn");
    assert_eq!(members[0]["role"], "admin");
    // As its admin, Lan can change it and publish datasets in it.
    let patched = ok(
        &w.t.patch(
            "/api/1/organizations/nhom-du-lieu-xanh",
            lan.auth(),
            json!({"website": "https://xanh.example.vn"}),
        )
        .await,
        200,
    );
    assert_eq!(patched["website"], "https://xanh.example.vn");
    let dataset = ok(
        &w.t.post(
            "/api/1/datasets",
            lan.auth(),
            json!({"title": {"vi": "Chất lượng không khí"}, "publisher": "nhom-du-lieu-xanh"}),
        )
        .await,
        201,
    );
    assert_eq!(dataset["provenance"], "community");
    // ...but cannot attach it under a government body it does not administer.
    let response = w
        .t
        .post(
            "/api/1/organizations",
            lan.auth(),
            json!({"slug": "chi-nhanh", "name": {"vi": "Chi nhánh"}, "kind": "civil-society", "parent": ORG}),
        )
        .await;
    error(&response, 403, "forbidden");
    // Anonymous callers cannot create any organization.
    let response =
        w.t.post(
            "/api/1/organizations",
            None,
            json!({"slug": "vo-danh", "name": {"vi": "Vô danh"}, "kind": "civil-society"}),
        )
        .await;
    error(&response, 401, "unauthenticated");
    assert_eq!(
        response.header("www-authenticate").as_deref(),
        Some("Bearer realm=\"dulieu\"")
    );
}

#[tokio::test]
async fn organization_patch_is_a_json_merge_patch() {
    let w = World::new().await;
    let path = format!("/api/1/organizations/{ORG}");
    let before = ok(&w.t.get(&path, None).await, 200);
    let patched = ok(
        &w.t.patch(
            &path,
            w.admin.auth(),
            json!({"name": {"en": "General Statistics Office"}, "website": "https://gso.gov.vn", "description": {"vi": "Thống kê quốc gia"}}),
        )
        .await,
        200,
    );
    assert_keys(&patched, ORGANIZATION_KEYS);
    assert_eq!(patched["id"], before["id"]);
    assert_eq!(
        patched["name"],
        json!({"vi": format!("Tổ chức {ORG}"), "en": "General Statistics Office"})
    );
    assert_eq!(patched["website"], "https://gso.gov.vn");
    assert_eq!(patched["description"], json!({"vi": "Thống kê quốc gia"}));
    assert_eq!(patched["kind"], "national");
    assert_eq!(ok(&w.t.get(&path, None).await, 200), patched);

    // null removes a member of the merge
    let cleared = ok(
        &w.t.patch(
            &path,
            w.admin.auth(),
            json!({"website": null, "description": null, "name": {"en": null}}),
        )
        .await,
        200,
    );
    assert_eq!(cleared["website"], Value::Null);
    assert_eq!(cleared["description"], json!({}));
    assert_eq!(cleared["name"], json!({"vi": format!("Tổ chức {ORG}")}));

    // read-only and unknown fields
    invalid(
        &w.t.patch(&path, w.admin.auth(), json!({"provenance": "community"}))
            .await,
        &[("provenance", "read_only")],
    );
    invalid(
        &w.t.patch(
            &path,
            w.admin.auth(),
            json!({"id": uuid::Uuid::new_v4().to_string()}),
        )
        .await,
        &[("id", "read_only")],
    );
    invalid(
        &w.t.patch(&path, w.admin.auth(), json!({"acronym": "GSO"}))
            .await,
        &[("acronym", "unknown_field")],
    );
    invalid(
        &w.t.patch(&path, w.admin.auth(), json!({"name": null}))
            .await,
        &[("name", "required")],
    );
    invalid(
        &w.t.patch(
            &path,
            w.admin.auth(),
            json!({"name": {"vi": " ", "en": ""}}),
        )
        .await,
        &[("name", "required_one_language")],
    );
    invalid(
        &w.t.patch(&path, w.admin.auth(), json!({"slug": "Tổng Cục"}))
            .await,
        &[("slug", "invalid_slug")],
    );
    invalid(
        &w.t.patch(&path, w.admin.auth(), json!({"website": "gso.gov.vn"}))
            .await,
        &[("website", "invalid_url")],
    );
    invalid(
        &w.t.patch(&path, w.admin.auth(), json!({"parent": ORG}))
            .await,
        &[("parent", "parent_is_self")],
    );
    invalid(
        &w.t.patch(&path, w.admin.auth(), json!({"kind": "ministry"}))
            .await,
        &[("kind", "invalid_value")],
    );
    error(
        &w.t.patch(&path, w.admin.auth(), json!({"slug": OTHER_ORG}))
            .await,
        409,
        "slug_taken",
    );
    // none of the refused patches changed anything
    assert_eq!(ok(&w.t.get(&path, None).await, 200), cleared);

    // an admin may not turn a government body into a non-government one; a sysadmin may
    error(
        &w.t.patch(&path, w.admin.auth(), json!({"kind": "civil-society"}))
            .await,
        403,
        "forbidden",
    );
    let changed = ok(
        &w.t.patch(&path, w.sysadmin.auth(), json!({"kind": "civil-society"}))
            .await,
        200,
    );
    assert_eq!(changed["provenance"], "community");
    let dataset = w.dataset("ds-sau-doi-loai", "published", "public").await;
    assert_eq!(dataset["provenance"], "community");

    // renaming the slug moves the organization
    let renamed = ok(
        &w.t.patch(&path, w.sysadmin.auth(), json!({"slug": "gso"}))
            .await,
        200,
    );
    assert_eq!(renamed["slug"], "gso");
    error(&w.t.get(&path, None).await, 404, "not_found");
    assert_eq!(
        ok(&w.t.get("/api/1/organizations/gso", None).await, 200)["id"],
        before["id"]
    );
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/ds-sau-doi-loai", None).await, 200)["publisher"],
        "gso"
    );
}

#[tokio::test]
async fn organization_parent_cycles_are_refused() {
    let w = World::new().await;
    status(
        &w.t.post(
            "/api/1/organizations",
            w.sysadmin.auth(),
            json!({"slug": "vu-dan-so", "name": {"vi": "Vụ Dân số"}, "kind": "national", "parent": ORG}),
        )
        .await,
        201,
    );
    invalid(
        &w.t.patch(
            &format!("/api/1/organizations/{ORG}"),
            w.sysadmin.auth(),
            json!({"parent": "vu-dan-so"}),
        )
        .await,
        &[("parent", "parent_cycle")],
    );
    // an admin cannot hang its organization under one it does not administer
    error(
        &w.t.patch(
            &format!("/api/1/organizations/{OTHER_ORG}"),
            w.outsider.auth(),
            json!({"parent": ORG}),
        )
        .await,
        403,
        "forbidden",
    );
    assert_eq!(
        ok(
            &w.t.get(&format!("/api/1/organizations/{OTHER_ORG}"), None)
                .await,
            200
        )["parent"],
        Value::Null
    );
    invalid(
        &w.t.post(
            "/api/1/organizations",
            w.sysadmin.auth(),
            json!({"slug": "mo-coi", "name": {"vi": "Mồ côi"}, "kind": "national", "parent": "khong-ton-tai"}),
        )
        .await,
        &[("parent", "unknown_organization")],
    );
}

#[tokio::test]
async fn organization_delete_needs_an_empty_organization_and_its_admin() {
    let w = World::new().await;
    status(
        &w.t.post(
            "/api/1/organizations",
            w.sysadmin.auth(),
            json!({"slug": "so-tt-tt-ha-noi", "name": {"vi": "Sở TT&TT Hà Nội"}, "kind": "provincial"}),
        )
        .await,
        201,
    );
    let path = "/api/1/organizations/so-tt-tt-ha-noi";
    error(&w.t.delete(path, None).await, 401, "unauthenticated");
    error(&w.t.delete(path, w.admin.auth()).await, 403, "forbidden");
    error(&w.t.delete(path, w.outsider.auth()).await, 403, "forbidden");
    status(&w.t.delete(path, w.sysadmin.auth()).await, 204);
    error(&w.t.get(path, None).await, 404, "not_found");
    error(&w.t.delete(path, w.sysadmin.auth()).await, 404, "not_found");

    // an organization with a dataset stays
    w.dataset("con-du-lieu", "draft", "public").await;
    let org_path = format!("/api/1/organizations/{ORG}");
    error(
        &w.t.delete(&org_path, w.admin.auth()).await,
        409,
        "organization_not_empty",
    );
    error(
        &w.t.delete(&org_path, w.sysadmin.auth()).await,
        409,
        "organization_not_empty",
    );
    // ...and so does one with a sub-organization
    status(
        &w.t.post(
            "/api/1/organizations",
            w.outsider.auth(),
            json!({"slug": "nhanh-mien-nam", "name": {"vi": "Nhánh miền Nam"}, "kind": "civil-society", "parent": OTHER_ORG}),
        )
        .await,
        201,
    );
    let other_path = format!("/api/1/organizations/{OTHER_ORG}");
    error(
        &w.t.delete(&other_path, w.outsider.auth()).await,
        409,
        "organization_not_empty",
    );
    // its admin deletes the empty child, then the parent
    status(
        &w.t.delete("/api/1/organizations/nhanh-mien-nam", w.outsider.auth())
            .await,
        204,
    );
    status(&w.t.delete(&other_path, w.outsider.auth()).await, 204);
    error(&w.t.get(&other_path, None).await, 404, "not_found");
    assert_eq!(ok(&w.t.get(&org_path, None).await, 200)["slug"], ORG);
}

#[tokio::test]
async fn organization_create_validates_every_field() {
    let w = World::new().await;
    let post = |body: Value| {
        let t = &w.t;
        let token = w.sysadmin.token.clone();
        async move { t.post("/api/1/organizations", Some(&token), body).await }
    };
    invalid(
        &post(json!({"slug": "ok-slug", "kind": "national"})).await,
        &[("name", "required")],
    );
    invalid(
        &post(json!({"slug": "Bad Slug", "name": {"vi": ""}, "kind": "national", "website": "ftp://x.vn", "contact_email": "khong-phai-email"}))
            .await,
        &[
            ("slug", "invalid_slug"),
            ("name", "required_one_language"),
            ("website", "invalid_url"),
            ("contact_email", "invalid_email"),
        ],
    );
    invalid(
        &post(json!({"slug": "abc", "name": {"vi": "x"}, "kind": "ministry"})).await,
        &[("kind", "invalid_value")],
    );
    invalid(
        &post(json!({"slug": "abc", "name": {"vi": "x", "fr": "y"}, "kind": "national"})).await,
        &[("name.fr", "unknown_field")],
    );
    // (a `provenance` in the body: see bad_input::provenance_is_never_settable)
    invalid(
        &post(json!({"slug": "abc", "name": {"vi": "x".repeat(301)}, "kind": "national"})).await,
        &[("name.vi", "too_long")],
    );
    error(
        &post(json!({"slug": ORG, "name": {"vi": "Trùng"}, "kind": "national"})).await,
        409,
        "slug_taken",
    );
    assert_eq!(
        page(
            &ok(&w.t.get("/api/1/organizations", None).await, 200),
            2,
            1,
            20
        )
        .len(),
        2,
        "no refused organization was stored"
    );
}
