//! Organization members: list, grant, change role, remove; the last admin stays.

use crate::support::*;

fn members_path() -> String {
    format!("/api/1/organizations/{ORG}/members")
}

async fn roles(w: &World) -> Vec<(String, String)> {
    let list = ok(&w.t.get(&members_path(), w.sysadmin.auth()).await, 200);
    list.as_array()
        .expect("array")
        .iter()
        .map(|m| {
            assert_keys(m, MEMBERSHIP_KEYS);
            (
                m["email"].as_str().unwrap_or_default().to_string(),
                m["role"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn members_are_listed_by_email_for_members_of_the_organization() {
    let w = World::new().await;
    let list = ok(&w.t.get(&members_path(), w.member.auth()).await, 200);
    let list = list.as_array().expect("array").clone();
    assert_eq!(list.len(), 3);
    for m in &list {
        assert_keys(m, MEMBERSHIP_KEYS);
        assert_eq!(m["organization"], ORG);
    }
    assert_eq!(
        pluck(&list, "email"),
        vec!["admin@gso.test", "bientap@gso.test", "thanhvien@gso.test"]
    );
    assert_eq!(pluck(&list, "role"), vec!["admin", "editor", "member"]);
    assert_eq!(
        pluck(&list, "user_id"),
        vec![w.admin.id.clone(), w.editor.id.clone(), w.member.id.clone()]
    );
    assert_eq!(
        ok(&w.t.get(&members_path(), w.sysadmin.auth()).await, 200),
        Value::Array(list)
    );
    error(
        &w.t.get(&members_path(), None).await,
        401,
        "unauthenticated",
    );
    error(
        &w.t.get(&members_path(), w.outsider.auth()).await,
        403,
        "forbidden",
    );
    error(
        &w.t.get("/api/1/organizations/khong-co/members", w.sysadmin.auth())
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn admin_grants_changes_and_removes_roles_with_immediate_effect() {
    let w = World::new().await;
    let moi = person(&w.t, "moi@gso.test", false).await;
    w.dataset("ban-nhap-noi-bo", "draft", "public").await;
    let draft = "/api/1/datasets/ban-nhap-noi-bo";
    error(&w.t.get(draft, moi.auth()).await, 404, "not_found");

    // grant (the e-mail is matched case-insensitively)
    let granted = ok(
        &w.t.post(
            &members_path(),
            w.admin.auth(),
            json!({"email": " MOI@gso.test ", "role": "member"}),
        )
        .await,
        200,
    );
    assert_keys(&granted, MEMBERSHIP_KEYS);
    assert_eq!(granted["organization"], ORG);
    assert_eq!(granted["user_id"], moi.id.as_str());
    assert_eq!(granted["email"], "moi@gso.test");
    assert_eq!(granted["role"], "member");
    assert!(
        roles(&w)
            .await
            .contains(&("moi@gso.test".into(), "member".into()))
    );
    assert_eq!(
        ok(&w.t.get(draft, moi.auth()).await, 200)["slug"],
        "ban-nhap-noi-bo"
    );
    error(
        &w.t.patch(draft, moi.auth(), json!({"spatial": "Hà Nội"}))
            .await,
        403,
        "forbidden",
    );

    // change the role
    let changed = ok(
        &w.t.post(
            &members_path(),
            w.admin.auth(),
            json!({"email": "moi@gso.test", "role": "editor"}),
        )
        .await,
        200,
    );
    assert_eq!(changed["role"], "editor");
    assert_eq!(roles(&w).await.len(), 4);
    assert!(
        roles(&w)
            .await
            .contains(&("moi@gso.test".into(), "editor".into()))
    );
    assert_eq!(
        ok(
            &w.t.patch(draft, moi.auth(), json!({"spatial": "Hà Nội"}))
                .await,
            200
        )["spatial"],
        "Hà Nội"
    );

    // remove
    status(
        &w.t.delete(&format!("{}/{}", members_path(), moi.id), w.admin.auth())
            .await,
        204,
    );
    assert!(
        !roles(&w)
            .await
            .iter()
            .any(|(email, _)| email == "moi@gso.test")
    );
    error(&w.t.get(draft, moi.auth()).await, 404, "not_found");
    error(
        &w.t.delete(&format!("{}/{}", members_path(), moi.id), w.admin.auth())
            .await,
        404,
        "not_found",
    );

    // a sysadmin manages any organization
    let by_sysadmin = ok(
        &w.t.post(
            &members_path(),
            w.sysadmin.auth(),
            json!({"email": "moi@gso.test", "role": "admin"}),
        )
        .await,
        200,
    );
    assert_eq!(by_sysadmin["role"], "admin");
    status(
        &w.t.delete(&format!("{}/{}", members_path(), moi.id), w.sysadmin.auth())
            .await,
        204,
    );
}

#[tokio::test]
async fn member_requests_are_validated() {
    let w = World::new().await;
    let path = members_path();
    invalid(
        &w.t.post(
            &path,
            w.admin.auth(),
            json!({"email": "khong-ai@gso.test", "role": "member"}),
        )
        .await,
        &[("email", "unknown_user")],
    );
    invalid(
        &w.t.post(
            &path,
            w.admin.auth(),
            json!({"email": w.member.email, "role": "owner"}),
        )
        .await,
        &[("role", "invalid_value")],
    );
    invalid(
        &w.t.post(&path, w.admin.auth(), json!({"email": w.member.email}))
            .await,
        &[("role", "required")],
    );
    invalid(
        &w.t.post(
            &path,
            w.admin.auth(),
            json!({"email": w.member.email, "role": "member", "note": "x"}),
        )
        .await,
        &[("note", "unknown_field")],
    );
    error(
        &w.t.post(
            "/api/1/organizations/khong-co/members",
            w.sysadmin.auth(),
            json!({"email": w.member.email, "role": "member"}),
        )
        .await,
        404,
        "not_found",
    );
    error(
        &w.t.delete(&format!("{path}/khong-phai-uuid"), w.admin.auth())
            .await,
        404,
        "not_found",
    );
    error(
        &w.t.delete(&format!("{path}/{}", uuid::Uuid::new_v4()), w.admin.auth())
            .await,
        404,
        "not_found",
    );
    error(
        &w.t.delete(
            &format!("/api/1/organizations/khong-co/members/{}", w.member.id),
            w.sysadmin.auth(),
        )
        .await,
        404,
        "not_found",
    );
    // the outsider is no member of ORG
    error(
        &w.t.delete(&format!("{path}/{}", w.outsider.id), w.admin.auth())
            .await,
        404,
        "not_found",
    );
    assert_eq!(roles(&w).await.len(), 3, "nothing changed");
}

#[tokio::test]
async fn the_last_admin_can_be_neither_removed_nor_demoted() {
    let w = World::new().await;
    let path = members_path();
    let remove_admin = format!("{path}/{}", w.admin.id);
    let body = error(
        &w.t.delete(&remove_admin, w.admin.auth()).await,
        409,
        "last_admin",
    );
    assert_eq!(
        body["error"]["message"],
        "Mỗi tổ chức phải có ít nhất một quản trị viên."
    );
    error(
        &w.t.delete(&remove_admin, w.sysadmin.auth()).await,
        409,
        "last_admin",
    );
    for role in ["editor", "member"] {
        error(
            &w.t.post(
                &path,
                w.admin.auth(),
                json!({"email": w.admin.email, "role": role}),
            )
            .await,
            409,
            "last_admin",
        );
        error(
            &w.t.post(
                &path,
                w.sysadmin.auth(),
                json!({"email": w.admin.email, "role": role}),
            )
            .await,
            409,
            "last_admin",
        );
    }
    // re-granting admin to the admin is fine
    assert_eq!(
        ok(
            &w.t.post(
                &path,
                w.admin.auth(),
                json!({"email": w.admin.email, "role": "admin"})
            )
            .await,
            200
        )["role"],
        "admin"
    );
    assert!(
        roles(&w)
            .await
            .contains(&(w.admin.email.clone(), "admin".into()))
    );

    // with a second admin, the first may step down and then be removed
    status(
        &w.t.post(
            &path,
            w.admin.auth(),
            json!({"email": w.editor.email, "role": "admin"}),
        )
        .await,
        200,
    );
    assert_eq!(
        ok(
            &w.t.post(
                &path,
                w.admin.auth(),
                json!({"email": w.admin.email, "role": "member"})
            )
            .await,
            200
        )["role"],
        "member"
    );
    status(&w.t.delete(&remove_admin, w.editor.auth()).await, 204);
    // the editor-turned-admin is now the last one
    error(
        &w.t.delete(&format!("{path}/{}", w.editor.id), w.editor.auth())
            .await,
        409,
        "last_admin",
    );
    let left = roles(&w).await;
    assert_eq!(
        left,
        vec![
            (w.editor.email.clone(), "admin".to_string()),
            (w.member.email.clone(), "member".to_string())
        ]
    );
}
