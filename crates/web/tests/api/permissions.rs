//! Who may do what: every write for every role, and what each role may read.

use axum::http::Method;

use crate::support::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Member,
    Editor,
    Admin,
    Outsider,
    Sysadmin,
}

use Who::*;

const EVERYONE: [Who; 6] = [Anonymous, Member, Editor, Admin, Outsider, Sysadmin];

fn token(w: &World, who: Who) -> Option<&str> {
    match who {
        Anonymous => None,
        Member => w.member.auth(),
        Editor => w.editor.auth(),
        Admin => w.admin.auth(),
        Outsider => w.outsider.auth(),
        Sysadmin => w.sysadmin.auth(),
    }
}

/// Asserts `expected`, and for refusals the matching error code.
#[track_caller]
fn check(response: &TestResponse, expected: u16, context: &str) {
    assert_eq!(code(response), expected, "{context}: {}", text(response));
    match expected {
        401 => {
            error(response, 401, "unauthenticated");
        }
        403 => {
            error(response, 403, "forbidden");
        }
        404 => {
            error(response, 404, "not_found");
        }
        _ => {}
    }
}

fn slug_for(prefix: &str, who: Who) -> String {
    format!("{prefix}-{}", format!("{who:?}").to_lowercase())
}

#[tokio::test]
async fn dataset_create_needs_editor_or_admin_of_the_publisher() {
    let w = World::new().await;
    for (who, expected) in [
        (Anonymous, 401),
        (Member, 403),
        (Outsider, 403),
        (Editor, 201),
        (Admin, 201),
        (Sysadmin, 201),
    ] {
        let slug = slug_for("tao", who);
        let response =
            w.t.post(
                "/api/1/datasets",
                token(&w, who),
                dataset_body(&slug, "draft", "public"),
            )
            .await;
        check(&response, expected, &format!("{who:?} creates"));
    }
    let all = ok(&w.t.get("/api/1/datasets", w.sysadmin.auth()).await, 200);
    assert_eq!(
        pluck(&page(&all, 3, 1, 20), "slug"),
        vec!["tao-sysadmin", "tao-admin", "tao-editor"]
    );
    // the outsider may publish in its own organization only
    let mut own = dataset_body("cua-hoi", "draft", "public");
    own["publisher"] = json!(OTHER_ORG);
    status(
        &w.t.post("/api/1/datasets", w.outsider.auth(), own.clone())
            .await,
        201,
    );
    own["slug"] = json!("cua-hoi-2");
    check(
        &w.t.post("/api/1/datasets", w.editor.auth(), own).await,
        403,
        "editor creates in another organization",
    );
}

#[tokio::test]
async fn dataset_update_needs_editor_or_admin_of_the_publisher() {
    let w = World::new().await;
    w.dataset("cong-khai", "published", "public").await;
    w.dataset("nhap", "draft", "public").await;
    // (anonymous writes to drafts: see `anonymous_writes_to_drafts_get_401_too`)
    for (who, on_public, on_draft) in [
        (Anonymous, 401, 0),
        (Member, 403, 403),
        (Outsider, 403, 404),
        (Editor, 200, 200),
        (Admin, 200, 200),
        (Sysadmin, 200, 200),
    ] {
        let spatial = format!("sửa bởi {who:?}");
        for (slug, expected) in [("cong-khai", on_public), ("nhap", on_draft)] {
            if expected == 0 {
                continue;
            }
            let response =
                w.t.patch(
                    &format!("/api/1/datasets/{slug}"),
                    token(&w, who),
                    json!({"spatial": spatial}),
                )
                .await;
            check(&response, expected, &format!("{who:?} patches {slug}"));
            let now = ok(
                &w.t.get(&format!("/api/1/datasets/{slug}"), w.sysadmin.auth())
                    .await,
                200,
            );
            if expected == 200 {
                assert_eq!(now["spatial"], spatial.as_str());
            } else {
                assert_ne!(now["spatial"], spatial.as_str(), "{who:?} changed {slug}");
            }
        }
    }
}

#[tokio::test]
async fn dataset_delete_needs_admin_of_the_publisher() {
    let w = World::new().await;
    for (who, expected) in [
        (Anonymous, 401),
        (Member, 403),
        (Editor, 403),
        (Outsider, 403),
        (Admin, 204),
        (Sysadmin, 204),
    ] {
        let slug = slug_for("xoa", who);
        w.dataset(&slug, "published", "public").await;
        let response =
            w.t.delete(&format!("/api/1/datasets/{slug}"), token(&w, who))
                .await;
        check(&response, expected, &format!("{who:?} deletes"));
        let after =
            w.t.get(&format!("/api/1/datasets/{slug}"), w.sysadmin.auth())
                .await;
        status(&after, if expected == 204 { 404 } else { 200 });
    }
    // on a draft, the outsider does not even see it
    w.dataset("xoa-nhap", "draft", "public").await;
    check(
        &w.t.delete("/api/1/datasets/xoa-nhap", w.outsider.auth())
            .await,
        404,
        "outsider deletes a draft",
    );
    check(
        &w.t.delete("/api/1/datasets/xoa-nhap", w.editor.auth())
            .await,
        403,
        "editor deletes a draft",
    );
    check(
        &w.t.delete("/api/1/datasets/xoa-nhap", w.member.auth())
            .await,
        403,
        "member deletes a draft",
    );
    status(
        &w.t.get("/api/1/datasets/xoa-nhap", w.sysadmin.auth()).await,
        200,
    );
}

#[tokio::test]
async fn distribution_writes_need_editor_or_admin_of_the_publisher() {
    let w = World::new().await;
    w.dataset("phan-phoi", "published", "public").await;
    let target = w.upload("phan-phoi", "goc.csv", b"goc\n").await;
    let target_id = uuid_of(&target["id"]);
    let mut stored = 1;
    for (who, allowed) in [
        (Anonymous, 401),
        (Member, 403),
        (Outsider, 403),
        (Editor, 0),
        (Admin, 0),
        (Sysadmin, 0),
    ] {
        let name = format!("{who:?}");
        let bytes = format!("tep cua {name}\n");
        // upload
        let response =
            w.t.upload(
                "/api/1/datasets/phan-phoi/distributions",
                token(&w, who),
                "tep.csv",
                bytes.as_bytes(),
                &[],
            )
            .await;
        check(
            &response,
            if allowed == 0 { 201 } else { allowed },
            &format!("{name} uploads"),
        );
        if allowed == 0 {
            stored += 1;
        }
        // link
        let response =
            w.t.post(
                "/api/1/datasets/phan-phoi/distributions",
                token(&w, who),
                json!({"url": format!("https://gso.gov.vn/{name}.csv")}),
            )
            .await;
        check(
            &response,
            if allowed == 0 { 201 } else { allowed },
            &format!("{name} links"),
        );
        let link_id = (allowed == 0).then(|| uuid_of(&response.json()["id"]));
        // patch
        let response =
            w.t.patch(
                &format!("/api/1/distributions/{target_id}"),
                token(&w, who),
                json!({"title": {"en": name}}),
            )
            .await;
        check(
            &response,
            if allowed == 0 { 200 } else { allowed },
            &format!("{name} patches"),
        );
        // replace the file
        let bytes = format!("phien ban cua {name}\n");
        let response =
            w.t.call(multipart(
                Method::POST,
                &format!("/api/1/distributions/{target_id}/versions"),
                token(&w, who),
                &[Part::File("file", "goc.csv", bytes.as_bytes())],
            ))
            .await;
        check(
            &response,
            if allowed == 0 { 201 } else { allowed },
            &format!("{name} replaces"),
        );
        if allowed == 0 {
            stored += 1;
        }
        // delete (its own link when allowed, the target otherwise)
        let victim = link_id.clone().unwrap_or_else(|| target_id.clone());
        let response =
            w.t.delete(&format!("/api/1/distributions/{victim}"), token(&w, who))
                .await;
        check(
            &response,
            if allowed == 0 { 204 } else { allowed },
            &format!("{name} deletes"),
        );
    }
    let dataset = ok(&w.t.get("/api/1/datasets/phan-phoi", None).await, 200);
    let distributions = dataset["distributions"].as_array().expect("array");
    // the target and one upload per allowed role; the allowed roles' links are deleted
    assert_eq!(distributions.len(), 4, "{dataset}");
    let versions = ok(
        &w.t.get(&format!("/api/1/distributions/{target_id}/versions"), None)
            .await,
        200,
    );
    assert_eq!(versions.as_array().map(Vec::len), Some(4));
    assert_eq!(
        ok(
            &w.t.get(&format!("/api/1/distributions/{target_id}"), None)
                .await,
            200
        )["title"],
        json!({"vi": "goc.csv", "en": "Sysadmin"})
    );
    assert_eq!(
        files_under(&w.t.config.effective_blobs_dir()).len(),
        stored,
        "refused uploads stored no bytes"
    );
}

#[tokio::test]
async fn member_management_needs_admin_of_the_organization() {
    let w = World::new().await;
    let guest = person(&w.t, "khach@gso.test", false).await;
    let path = format!("/api/1/organizations/{ORG}/members");
    for (who, list, manage) in [
        (Anonymous, 401, 401),
        (Member, 200, 403),
        (Editor, 200, 403),
        (Outsider, 403, 403),
        (Admin, 200, 200),
        (Sysadmin, 200, 200),
    ] {
        check(
            &w.t.get(&path, token(&w, who)).await,
            list,
            &format!("{who:?} lists members"),
        );
        let response =
            w.t.post(
                &path,
                token(&w, who),
                json!({"email": guest.email, "role": "member"}),
            )
            .await;
        check(&response, manage, &format!("{who:?} grants"));
        // make sure the guest is a member, then try to remove it
        status(
            &w.t.post(
                &path,
                w.sysadmin.auth(),
                json!({"email": guest.email, "role": "member"}),
            )
            .await,
            200,
        );
        let response =
            w.t.delete(&format!("{path}/{}", guest.id), token(&w, who))
                .await;
        check(
            &response,
            if manage == 200 { 204 } else { manage },
            &format!("{who:?} removes"),
        );
        let members = ok(&w.t.get(&path, w.sysadmin.auth()).await, 200);
        let present = pluck(members.as_array().expect("array"), "email").contains(&guest.email);
        assert_eq!(present, manage != 200, "{who:?}");
    }
    // an editor cannot promote itself
    check(
        &w.t.post(
            &path,
            w.editor.auth(),
            json!({"email": w.editor.email, "role": "admin"}),
        )
        .await,
        403,
        "editor promotes itself",
    );
}

#[tokio::test]
async fn organization_writes_need_its_admin() {
    let w = World::new().await;
    let path = format!("/api/1/organizations/{ORG}");
    for (who, expected) in [
        (Anonymous, 401),
        (Member, 403),
        (Editor, 403),
        (Outsider, 403),
        (Admin, 200),
        (Sysadmin, 200),
    ] {
        let website = format!("https://{}.gso.gov.vn", format!("{who:?}").to_lowercase());
        let response =
            w.t.patch(&path, token(&w, who), json!({"website": website}))
                .await;
        check(
            &response,
            expected,
            &format!("{who:?} patches the organization"),
        );
        let now = ok(&w.t.get(&path, None).await, 200);
        assert_eq!(
            now["website"] == website.as_str(),
            expected == 200,
            "{who:?}"
        );
    }
    for who in [Anonymous, Member, Editor, Outsider] {
        let expected = if who == Anonymous { 401 } else { 403 };
        check(
            &w.t.delete(&path, token(&w, who)).await,
            expected,
            &format!("{who:?} deletes the organization"),
        );
    }
    status(&w.t.delete(&path, w.admin.auth()).await, 204);
    status(&w.t.get(&path, None).await, 404);
    check(
        &w.t.delete(&format!("/api/1/organizations/{OTHER_ORG}"), w.admin.auth())
            .await,
        403,
        "admin of one organization deletes another",
    );
    status(
        &w.t.delete(
            &format!("/api/1/organizations/{OTHER_ORG}"),
            w.sysadmin.auth(),
        )
        .await,
        204,
    );
}

#[tokio::test]
async fn reads_follow_status_access_rights_and_membership() {
    let w = World::new().await;
    let cases = [
        ("cong-khai", "published", "public"),
        ("luu-tru", "archived", "public"),
        ("nhap", "draft", "public"),
        ("khong-cong-khai", "published", "non-public"),
        ("han-che", "published", "restricted"),
    ];
    let mut files = Vec::new();
    for (slug, status_value, access) in cases {
        w.dataset(slug, status_value, access).await;
        files.push(uuid_of(
            &w.upload(slug, "du-lieu.csv", slug.as_bytes()).await["id"],
        ));
    }
    for who in EVERYONE {
        let insider = matches!(who, Member | Editor | Admin | Sysadmin);
        for ((slug, _, _), file) in cases.iter().zip(&files) {
            let visible = insider || matches!(*slug, "cong-khai" | "luu-tru");
            let expected = if visible { 200 } else { 404 };
            let context = format!("{who:?} reads {slug}");
            for path in [
                format!("/api/1/datasets/{slug}"),
                format!("/api/1/datasets/{slug}/history"),
                format!("/api/1/distributions/{file}"),
                format!("/api/1/distributions/{file}/versions"),
                format!("/api/1/distributions/{file}/download"),
                format!("/api/1/distributions/{file}/versions/1/download"),
            ] {
                check(
                    &w.t.get(&path, token(&w, who)).await,
                    expected,
                    &format!("{context}: {path}"),
                );
            }
            if visible {
                let download =
                    w.t.get(
                        &format!("/api/1/distributions/{file}/download"),
                        token(&w, who),
                    )
                    .await;
                assert_eq!(download.body.as_ref(), slug.as_bytes(), "{context}");
            }
        }
        let listed = ok(&w.t.get("/api/1/datasets", token(&w, who)).await, 200);
        let total = if insider { 5 } else { 2 };
        let results = page(&listed, total, 1, 20);
        assert_eq!(results.len() as i64, total, "{who:?}");
        let per_org = ok(
            &w.t.get(
                &format!("/api/1/datasets?organization={ORG}"),
                token(&w, who),
            )
            .await,
            200,
        );
        assert_eq!(per_org["total"], total, "{who:?}");
        let drafts = ok(
            &w.t.get("/api/1/datasets?status=draft", token(&w, who))
                .await,
            200,
        );
        assert_eq!(drafts["total"], i64::from(insider), "{who:?}");
    }
}

#[tokio::test]
async fn anonymous_callers_get_401_on_every_write() {
    let w = World::new().await;
    w.dataset("cong-khai", "published", "public").await;
    let file = uuid_of(&w.upload("cong-khai", "a.csv", b"a\n").await["id"]);
    let (_, token_id) = {
        let created = ok(
            &w.t.post(
                "/api/1/tokens",
                None,
                json!({"email": w.editor.email, "password": "correct horse battery"}),
            )
            .await,
            201,
        );
        (created["token_secret"].clone(), uuid_of(&created["id"]))
    };
    let json_writes: Vec<(Method, String, Value)> = vec![
        (
            Method::POST,
            "/api/1/organizations".into(),
            json!({"slug": "moi", "name": {"vi": "Mới"}, "kind": "civil-society"}),
        ),
        (
            Method::PATCH,
            format!("/api/1/organizations/{ORG}"),
            json!({"website": "https://x.vn"}),
        ),
        (
            Method::POST,
            format!("/api/1/organizations/{ORG}/members"),
            json!({"email": w.member.email, "role": "admin"}),
        ),
        (
            Method::POST,
            "/api/1/datasets".into(),
            dataset_body("vo-danh", "published", "public"),
        ),
        (
            Method::PATCH,
            "/api/1/datasets/cong-khai".into(),
            json!({"spatial": "x"}),
        ),
        (
            Method::POST,
            "/api/1/datasets/cong-khai/distributions".into(),
            json!({"url": "https://x.vn/a.csv"}),
        ),
        (
            Method::PATCH,
            format!("/api/1/distributions/{file}"),
            json!({"title": {"vi": "x"}}),
        ),
    ];
    for (method, path, body) in json_writes {
        let response = w.t.send(method.clone(), &path, None, Some(body)).await;
        check(&response, 401, &format!("anonymous {method} {path}"));
        assert_eq!(
            response.header("www-authenticate").as_deref(),
            Some("Bearer realm=\"dulieu\"")
        );
    }
    for path in [
        format!("/api/1/organizations/{ORG}"),
        format!("/api/1/organizations/{ORG}/members/{}", w.member.id),
        "/api/1/datasets/cong-khai".to_string(),
        format!("/api/1/distributions/{file}"),
        format!("/api/1/tokens/{token_id}"),
    ] {
        check(
            &w.t.delete(&path, None).await,
            401,
            &format!("anonymous DELETE {path}"),
        );
    }
    check(
        &w.t.upload(
            "/api/1/datasets/cong-khai/distributions",
            None,
            "b.csv",
            b"b\n",
            &[],
        )
        .await,
        401,
        "anonymous upload",
    );
    check(
        &w.t.call(multipart(
            Method::POST,
            &format!("/api/1/distributions/{file}/versions"),
            None,
            &[Part::File("file", "a.csv", b"new\n")],
        ))
        .await,
        401,
        "anonymous replace",
    );
    for path in ["/api/1/users/me", "/api/1/tokens"] {
        check(
            &w.t.get(path, None).await,
            401,
            &format!("anonymous GET {path}"),
        );
    }
    check(
        &w.t.get(&format!("/api/1/organizations/{ORG}/members"), None)
            .await,
        401,
        "anonymous members",
    );
    // nothing changed
    let dataset = ok(&w.t.get("/api/1/datasets/cong-khai", None).await, 200);
    assert_eq!(dataset["spatial"], Value::Null);
    assert_eq!(dataset["distributions"].as_array().map(Vec::len), Some(1));
    assert_eq!(files_under(&w.t.config.effective_blobs_dir()).len(), 1);
}

#[tokio::test]
async fn anonymous_writes_to_drafts_get_401_too() {
    let w = World::new().await;
    w.dataset("nhap", "draft", "public").await;
    let file = uuid_of(&w.upload("nhap", "a.csv", b"a\n").await["id"]);
    let attempts = [
        (
            "PATCH draft",
            w.t.patch("/api/1/datasets/nhap", None, json!({"spatial": "x"}))
                .await,
        ),
        (
            "DELETE draft",
            w.t.delete("/api/1/datasets/nhap", None).await,
        ),
        (
            "link on draft",
            w.t.post(
                "/api/1/datasets/nhap/distributions",
                None,
                json!({"url": "https://x.vn/a.csv"}),
            )
            .await,
        ),
        (
            "upload on draft",
            w.t.upload(
                "/api/1/datasets/nhap/distributions",
                None,
                "b.csv",
                b"b\n",
                &[],
            )
            .await,
        ),
        (
            "PATCH distribution of draft",
            w.t.patch(
                &format!("/api/1/distributions/{file}"),
                None,
                json!({"title": {"vi": "x"}}),
            )
            .await,
        ),
        (
            "DELETE distribution of draft",
            w.t.delete(&format!("/api/1/distributions/{file}"), None)
                .await,
        ),
        (
            "replace file on draft",
            w.t.call(multipart(
                Method::POST,
                &format!("/api/1/distributions/{file}/versions"),
                None,
                &[Part::File("file", "a.csv", b"new\n")],
            ))
            .await,
        ),
    ];
    let wrong: Vec<String> = attempts
        .iter()
        .filter(|(_, response)| code(response) != 401 || response.error_code() != "unauthenticated")
        .map(|(what, response)| format!("{what}: {} {}", code(response), text(response)))
        .collect();
    assert!(
        wrong.is_empty(),
        "anonymous writes not answered 401:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn another_organization_cannot_write_and_cannot_see_drafts() {
    let w = World::new().await;
    w.dataset("nhap", "draft", "public").await;
    w.dataset("mat", "published", "non-public").await;
    let file = uuid_of(&w.upload("nhap", "a.csv", b"a\n").await["id"]);
    let me = w.outsider.auth();
    for slug in ["nhap", "mat"] {
        check(
            &w.t.get(&format!("/api/1/datasets/{slug}"), me).await,
            404,
            "read",
        );
        check(
            &w.t.patch(
                &format!("/api/1/datasets/{slug}"),
                me,
                json!({"spatial": "x"}),
            )
            .await,
            404,
            "patch",
        );
        check(
            &w.t.delete(&format!("/api/1/datasets/{slug}"), me).await,
            404,
            "delete",
        );
        check(
            &w.t.post(
                &format!("/api/1/datasets/{slug}/distributions"),
                me,
                json!({"url": "https://x.vn/a.csv"}),
            )
            .await,
            404,
            "link",
        );
    }
    check(
        &w.t.get(&format!("/api/1/distributions/{file}"), me).await,
        404,
        "distribution",
    );
    check(
        &w.t.get(&format!("/api/1/distributions/{file}/download"), me)
            .await,
        404,
        "download",
    );
    check(
        &w.t.delete(&format!("/api/1/distributions/{file}"), me)
            .await,
        404,
        "delete distribution",
    );
    let listed = ok(
        &w.t.get(&format!("/api/1/datasets?organization={ORG}"), me)
            .await,
        200,
    );
    assert!(page(&listed, 0, 1, 20).is_empty());
    // nor create in it, nor manage it
    check(
        &w.t.post(
            "/api/1/datasets",
            me,
            dataset_body("xam-nhap", "draft", "public"),
        )
        .await,
        403,
        "create",
    );
    check(
        &w.t.post(
            &format!("/api/1/organizations/{ORG}/members"),
            me,
            json!({"email": w.outsider.email, "role": "admin"}),
        )
        .await,
        403,
        "self-grant",
    );
    assert_eq!(
        ok(
            &w.t.get("/api/1/datasets?status=draft", w.member.auth())
                .await,
            200
        )["total"],
        1
    );
}

#[tokio::test]
async fn sysadmin_can_do_everything() {
    let w = World::new().await;
    let sys = w.sysadmin.auth();
    // government organizations
    status(
        &w.t.post(
            "/api/1/organizations",
            sys,
            json!({"slug": "bo-cong-an", "name": {"vi": "Bộ Công an"}, "kind": "national"}),
        )
        .await,
        201,
    );
    // datasets of any organization, drafts included
    let mut body = dataset_body("cua-hoi", "draft", "non-public");
    body["publisher"] = json!(OTHER_ORG);
    status(&w.t.post("/api/1/datasets", sys, body).await, 201);
    assert_eq!(
        ok(&w.t.get("/api/1/datasets/cua-hoi", sys).await, 200)["publisher"],
        OTHER_ORG
    );
    status(
        &w.t.patch(
            "/api/1/datasets/cua-hoi",
            sys,
            json!({"spatial": "Cần Thơ"}),
        )
        .await,
        200,
    );
    let file = ok(
        &w.t.upload(
            "/api/1/datasets/cua-hoi/distributions",
            sys,
            "x.csv",
            b"x\n",
            &[],
        )
        .await,
        201,
    );
    let id = uuid_of(&file["id"]);
    status(
        &w.t.call(multipart(
            Method::POST,
            &format!("/api/1/distributions/{id}/versions"),
            sys,
            &[Part::File("file", "x.csv", b"y\n")],
        ))
        .await,
        201,
    );
    status(
        &w.t.get(
            &format!("/api/1/distributions/{id}/versions/1/download"),
            sys,
        )
        .await,
        200,
    );
    status(
        &w.t.delete(&format!("/api/1/distributions/{id}"), sys).await,
        204,
    );
    status(&w.t.get("/api/1/datasets/cua-hoi/history", sys).await, 200);
    status(&w.t.delete("/api/1/datasets/cua-hoi", sys).await, 204);
    // members and organizations of others
    status(
        &w.t.post(
            &format!("/api/1/organizations/{OTHER_ORG}/members"),
            sys,
            json!({"email": w.member.email, "role": "editor"}),
        )
        .await,
        200,
    );
    status(
        &w.t.get(&format!("/api/1/organizations/{OTHER_ORG}/members"), sys)
            .await,
        200,
    );
    status(
        &w.t.patch(
            &format!("/api/1/organizations/{OTHER_ORG}"),
            sys,
            json!({"kind": "academic"}),
        )
        .await,
        200,
    );
    // tokens of others
    let listed = ok(&w.t.get("/api/1/tokens", w.editor.auth()).await, 200);
    let editor_token = uuid_of(&listed[0]["id"]);
    status(
        &w.t.delete(&format!("/api/1/tokens/{editor_token}"), sys)
            .await,
        204,
    );
    error(
        &w.t.get("/api/1/users/me", w.editor.auth()).await,
        401,
        "invalid_token",
    );
}
