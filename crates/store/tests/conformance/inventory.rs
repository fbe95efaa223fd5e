//! Conformance checks of `dulieu_store::inventory`: items written, read, updated and deleted; the
//! list's visibility (state secrets only to members), filters, orders and paging; demand from
//! linked requests and their votes; the dated items of the timeliness figures.

use dulieu_store::inventory::{self, ItemFilter, ItemOrder, ItemViewer, StoredItem};
use dulieu_store::requests::{self, Mark};

use super::tickets::request;
use super::*;

fn item(
    org: Uuid,
    title: &str,
    sensitivity: &str,
    status: &str,
    target: Option<u32>,
) -> StoredItem {
    StoredItem {
        id: Uuid::now_v7(),
        organization_id: org,
        organization: String::new(),
        fields: format!(r#"{{"title":{{"vi":"{title}"}}}}"#),
        sort_title: title.to_lowercase(),
        search_text: dulieu_core::text::fold_diacritics(title).to_lowercase(),
        sensitivity: sensitivity.into(),
        priority: "priority".into(),
        effort: Some("low".into()),
        status: status.into(),
        target_date: target.map(|d| chrono::NaiveDate::from_ymd_opt(2026, 5, d).unwrap()),
        dataset_id: None,
        dataset_slug: None,
        published_on: None,
        created: base(),
        modified: base(),
    }
}

fn viewer(user: Option<Uuid>, sees_all: bool) -> ItemViewer {
    ItemViewer {
        sees_all,
        user_id: user,
        hidden_sensitivity: "state_secret".into(),
    }
}

fn filter() -> ItemFilter {
    ItemFilter {
        final_statuses: ["published".into(), "will_not_publish".into()],
        ..ItemFilter::default()
    }
}

fn titles(items: &[StoredItem]) -> Vec<&str> {
    items.iter().map(|i| i.sort_title.as_str()).collect()
}

pub async fn check_inventory_items_visibility_filters_and_demand(store: &Store) {
    let mut c = conn(store).await;
    let gso = add_org(&mut c, "gso", OrgKind::National, None).await;
    let mof = add_org(&mut c, "mof", OrgKind::National, None).await;
    let staff = add_user(&mut c, "staff@gso.gov.vn").await;
    accounts::upsert_membership(&mut c, gso, staff.id, Role::Member, base())
        .await
        .unwrap();
    let dataset = add_public_dataset(&mut c, "dan-so", gso).await;

    let census = item(gso, "Dân số", "public", "identified", Some(10));
    let secret = item(gso, "Bản đồ quân sự", "state_secret", "assessed", Some(1));
    let mut budget = item(mof, "Ngân sách", "public", "published", Some(20));
    budget.dataset_id = Some(dataset);
    budget.published_on = Some(chrono::NaiveDate::from_ymd_opt(2026, 5, 18).unwrap());
    let payroll = item(mof, "Bảng lương", "personal_data", "in_preparation", None);
    for i in [&census, &secret, &budget, &payroll] {
        inventory::save(&mut c, i).await.unwrap();
    }
    let read = inventory::get(&mut c, budget.id).await.unwrap().unwrap();
    assert_eq!(read.organization, "mof");
    assert_eq!(read.dataset_slug.as_deref(), Some("dan-so"));
    assert_eq!(
        StoredItem {
            organization: String::new(),
            dataset_slug: None,
            ..read
        },
        budget
    );

    // Visibility: the public never sees state secrets; members of the holder and sysadmins do.
    let all = filter();
    let cases = [
        (
            "anonymous",
            viewer(None, false),
            vec!["bảng lương", "dân số", "ngân sách"],
        ),
        (
            "member of gso",
            viewer(Some(staff.id), false),
            vec!["bản đồ quân sự", "bảng lương", "dân số", "ngân sách"],
        ),
        (
            "sysadmin",
            viewer(None, true),
            vec!["bản đồ quân sự", "bảng lương", "dân số", "ngân sách"],
        ),
    ];
    for (who, viewer, expected) in cases {
        let (list, total) = inventory::list(&mut c, &viewer, &all, ItemOrder::Title, 0, 50)
            .await
            .unwrap();
        assert_eq!(titles(&list), expected, "{who}");
        assert_eq!(total, expected.len() as i64, "{who}: total");
    }

    // Filters, each alone.
    let everyone = viewer(None, true);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 5, 15).unwrap();
    let cases: Vec<(&str, ItemFilter, Vec<&str>)> = vec![
        (
            "organization",
            ItemFilter {
                organization_id: Some(mof),
                ..filter()
            },
            vec!["bảng lương", "ngân sách"],
        ),
        (
            "status",
            ItemFilter {
                status: Some("published".into()),
                ..filter()
            },
            vec!["ngân sách"],
        ),
        (
            "sensitivity",
            ItemFilter {
                sensitivity: Some("personal_data".into()),
                ..filter()
            },
            vec!["bảng lương"],
        ),
        (
            "folded text",
            ItemFilter {
                text: Some("dan so".into()),
                ..filter()
            },
            vec!["dân số"],
        ),
        (
            "wildcards are ignored",
            ItemFilter {
                text: Some("%".into()),
                ..filter()
            },
            vec!["bản đồ quân sự", "bảng lương", "dân số", "ngân sách"],
        ),
        (
            "overdue",
            ItemFilter {
                overdue_on: Some(day),
                ..filter()
            },
            vec!["bản đồ quân sự", "dân số"],
        ),
    ];
    for (what, f, expected) in cases {
        let (list, total) = inventory::list(&mut c, &everyone, &f, ItemOrder::Title, 0, 50)
            .await
            .unwrap();
        assert_eq!(titles(&list), expected, "{what}");
        assert_eq!(total, expected.len() as i64, "{what}: total");
    }

    // Orders and paging.
    let (by_target, _) = inventory::list(&mut c, &everyone, &all, ItemOrder::TargetDate, 0, 50)
        .await
        .unwrap();
    assert_eq!(
        titles(&by_target),
        vec!["bản đồ quân sự", "dân số", "ngân sách", "bảng lương"],
        "by target date, undated last"
    );
    let (page, total) = inventory::list(&mut c, &everyone, &all, ItemOrder::TargetDate, 1, 2)
        .await
        .unwrap();
    assert_eq!((titles(&page), total), (vec!["dân số", "ngân sách"], 4));

    // Saving again replaces the fields; the organization and creation time stay.
    let mut changed = census.clone();
    changed.status = "published".into();
    changed.dataset_id = Some(dataset);
    changed.modified = later(60);
    changed.created = later(60);
    changed.organization_id = mof;
    inventory::save(&mut c, &changed).await.unwrap();
    let read = inventory::get(&mut c, census.id).await.unwrap().unwrap();
    assert_eq!(
        (
            read.status.as_str(),
            read.dataset_id,
            read.organization.as_str(),
            read.created,
            read.modified
        ),
        ("published", Some(dataset), "gso", base(), later(60))
    );
    let found = inventory::by_ids(&mut c, &[census.id, payroll.id, Uuid::now_v7()])
        .await
        .unwrap();
    assert_eq!(found.len(), 2);

    // Demand: linked requests and the votes on them; links are idempotent.
    let voter = add_user(&mut c, "voter@example.vn").await;
    let asked = request("Dân số theo tỉnh", Some(staff.id), true, base());
    let again = request("Dân số 2019", Some(voter.id), true, base());
    for r in [&asked, &again] {
        requests::insert(&mut c, r, None).await.unwrap();
    }
    for user in [staff.id, voter.id] {
        requests::set_mark(&mut c, Mark::Vote, asked.id, user, true, base())
            .await
            .unwrap();
    }
    for r in [asked.id, again.id, asked.id] {
        inventory::link_request(&mut c, census.id, r, base())
            .await
            .unwrap();
    }
    inventory::link_request(&mut c, budget.id, again.id, later(1))
        .await
        .unwrap();
    let demand = inventory::demand(&mut c, &[census.id, budget.id, payroll.id])
        .await
        .unwrap();
    assert_eq!(demand.get(&census.id), Some(&(2, 2)));
    assert_eq!(demand.get(&budget.id), Some(&(1, 0)));
    assert_eq!(demand.get(&payroll.id), None);
    assert_eq!(
        inventory::requests_of(&mut c, census.id)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        inventory::unlink_request(&mut c, census.id, again.id)
            .await
            .unwrap()
    );
    assert!(
        !inventory::unlink_request(&mut c, census.id, again.id)
            .await
            .unwrap()
    );
    assert_eq!(
        inventory::requests_of(&mut c, census.id).await.unwrap(),
        vec![asked.id]
    );

    // Dated items for timeliness; deleting an item removes it and its links.
    let dated = inventory::dated(&mut c).await.unwrap();
    assert_eq!(dated.len(), 3);
    assert!(
        dated
            .iter()
            .any(|d| d.status == "published" && d.published_on.is_some())
    );
    inventory::delete(&mut c, census.id).await.unwrap();
    assert!(inventory::get(&mut c, census.id).await.unwrap().is_none());
    assert!(
        inventory::requests_of(&mut c, census.id)
            .await
            .unwrap()
            .is_empty()
    );
}
