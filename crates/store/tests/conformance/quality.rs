//! Conformance checks of `dulieu_store::quality`: a report saved, read back and replaced (history
//! only when the summary changes), the organization summaries and league table (public datasets
//! only), link checks with their kept history and due list, sniffs once per checksum, and the
//! watchdog's state.

use dulieu_store::quality::{self, QualitySummary, StoredLinkCheck};

use super::*;

fn summary(
    dataset: Uuid,
    org: Uuid,
    public: bool,
    stars: i64,
    mqa: f64,
    violations: i64,
) -> QualitySummary {
    QualitySummary {
        dataset_id: dataset,
        organization_id: org,
        public,
        checked_at: base(),
        profile: "vn-2026".into(),
        stars,
        mqa_points: mqa,
        mqa_band: "sufficient".into(),
        udata_score: 0.5,
        godi_points: 40,
        odi_level: "none".into(),
        violations,
        warnings: 1,
        infos: 0,
        violated_rules: if violations > 0 {
            vec!["format.machine_readable".into(), "license.present".into()]
        } else {
            vec![]
        },
    }
}

pub async fn check_quality_reports_history_and_league(store: &Store) {
    let mut c = conn(store).await;
    let gso = add_org(&mut c, "gso", OrgKind::National, None).await;
    let mof = add_org(&mut c, "mof", OrgKind::National, None).await;
    let first = add_public_dataset(&mut c, "dan-so", gso).await;
    let second = add_public_dataset(&mut c, "lao-dong", gso).await;
    let private = add_dataset(
        &mut c,
        &ds_input("noi-bo", DatasetStatus::Draft, AccessRights::Public),
        gso,
        base(),
    )
    .await;
    let theirs = add_public_dataset(&mut c, "ngan-sach", mof).await;

    assert!(quality::get(&mut c, first).await.unwrap().is_none());
    let bad = summary(first, gso, true, 0, 100.5, 2);
    let saved = quality::save(&mut c, &bad, r#"{"findings":[1,2]}"#)
        .await
        .unwrap();
    assert!(saved.report_changed && saved.summary_changed);
    let (read, report) = quality::get(&mut c, first).await.unwrap().unwrap();
    assert_eq!(read, bad);
    assert_eq!(report, r#"{"findings":[1,2]}"#);

    // The same report again: nothing changed, no history row.
    let again = QualitySummary {
        checked_at: later(60),
        ..bad.clone()
    };
    let saved = quality::save(&mut c, &again, r#"{"findings":[1,2]}"#)
        .await
        .unwrap();
    assert!(!saved.report_changed && !saved.summary_changed);
    let (read, _) = quality::get(&mut c, first).await.unwrap().unwrap();
    assert_eq!(read.checked_at, later(60), "the check time moves on");
    // A different report with the same summary: changed, still no history row.
    let saved = quality::save(&mut c, &again, r#"{"findings":[2,1]}"#)
        .await
        .unwrap();
    assert!(saved.report_changed && !saved.summary_changed);
    let good = QualitySummary {
        checked_at: later(120),
        ..summary(first, gso, true, 3, 300.25, 0)
    };
    let saved = quality::save(&mut c, &good, "{}").await.unwrap();
    assert!(saved.summary_changed);
    let history = quality::history(&mut c, first, 10).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!((history[0].stars, history[0].violations), (0, 2));
    assert_eq!((history[1].stars, history[1].mqa_points), (3, 300.25));
    assert_eq!(history[1].checked_at, later(120));
    assert_eq!(
        quality::history(&mut c, first, 1).await.unwrap()[0].stars,
        3
    );
    assert_eq!(
        quality::get(&mut c, first)
            .await
            .unwrap()
            .unwrap()
            .0
            .violated_rules,
        Vec::<String>::new()
    );

    // A page: one new, one unchanged.
    let page = vec![
        (summary(second, gso, true, 1, 150.0, 1), "{}".to_string()),
        (good.clone(), "{}".to_string()),
    ];
    let saved = quality::save_page(&mut c, &page).await.unwrap();
    assert!(saved[0].report_changed && saved[0].summary_changed);
    assert!(!saved[1].report_changed && !saved[1].summary_changed);
    assert_eq!(
        quality::reports_of(&mut c, &[first, second])
            .await
            .unwrap()
            .len(),
        2
    );
    quality::save(&mut c, &summary(second, gso, true, 1, 150.0, 1), "{}")
        .await
        .unwrap();
    quality::save(&mut c, &summary(private, gso, false, 5, 400.0, 0), "{}")
        .await
        .unwrap();
    quality::save(&mut c, &summary(theirs, mof, true, 4, 350.0, 0), "{}")
        .await
        .unwrap();

    let all = quality::for_organization(&mut c, gso, false).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].dataset_id, second, "most violations first");
    assert_eq!(
        quality::for_organization(&mut c, gso, true)
            .await
            .unwrap()
            .len(),
        2
    );
    let many = quality::summaries(&mut c, &[first, theirs, Uuid::now_v7()])
        .await
        .unwrap();
    assert_eq!(many.len(), 2);
    assert_eq!(many[&theirs].stars, 4);

    let page = quality::scan(&mut c, Some(gso), true, None, 1)
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    let rest = quality::scan(&mut c, Some(gso), true, Some(page[0].0.dataset_id), 10)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(
        quality::scan(&mut c, None, false, None, 10)
            .await
            .unwrap()
            .len(),
        4
    );

    let league = quality::league(&mut c).await.unwrap();
    assert_eq!(league.len(), 2);
    assert_eq!(league[0].organization_id, mof, "best average MQA first");
    let gso_row = &league[1];
    assert_eq!(
        (
            gso_row.datasets,
            gso_row.three_stars,
            gso_row.compliant,
            gso_row.violations
        ),
        (2, 1, 1, 1)
    );
    assert!((gso_row.mqa_average - 225.125).abs() < 1e-9);
    assert!((gso_row.stars_average - 2.0).abs() < 1e-9);

    quality::record_organization_day(&mut c, gso, day(2026, 3, 1))
        .await
        .unwrap();
    quality::save(&mut c, &summary(second, gso, true, 3, 250.0, 0), "{}")
        .await
        .unwrap();
    quality::record_organization_day(&mut c, gso, day(2026, 3, 2))
        .await
        .unwrap();
    quality::record_organization_day(&mut c, gso, day(2026, 3, 2))
        .await
        .unwrap();
    let days = quality::organization_days(&mut c, gso, day(2026, 1, 1))
        .await
        .unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!((days[0].datasets, days[0].violations), (2, 1));
    assert_eq!((days[1].day, days[1].violations), (day(2026, 3, 2), 0));
    assert!((days[1].stars_average - 3.0).abs() < 1e-9);
    assert_eq!(
        quality::organization_days(&mut c, gso, day(2026, 3, 2))
            .await
            .unwrap()
            .len(),
        1
    );

    // Deleting the dataset removes its results and history.
    dulieu_store::datasets::delete(&mut c, first).await.unwrap();
    assert!(quality::get(&mut c, first).await.unwrap().is_none());
    assert!(
        quality::history(&mut c, first, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn check_quality_link_checks_and_due_links(store: &Store) {
    let mut c = conn(store).await;
    let org = add_org(&mut c, "gso", OrgKind::National, None).await;
    let dataset = add_public_dataset(&mut c, "dan-so", org).await;
    let linked = add_dist(
        &mut c,
        dataset,
        &link_input("https://example.vn/a.csv"),
        base(),
    )
    .await;
    let other = add_dist(
        &mut c,
        dataset,
        &link_input("https://example.vn/b.csv"),
        base(),
    )
    .await;
    let _upload = add_dist(&mut c, dataset, &upload_input(None), base()).await;

    let due = quality::links_due(&mut c, later(0), 10).await.unwrap();
    assert_eq!(due.len(), 2, "only remote URLs: {due:?}");
    assert!(due.iter().all(|d| d.dataset_id == dataset));

    for (i, status) in [Some(200), Some(404), None].into_iter().enumerate() {
        let check = StoredLinkCheck {
            checked_at: later(i as i64 * 10),
            url: "https://example.vn/a.csv".into(),
            status,
            error_code: status.is_none().then(|| "timeout".to_string()),
        };
        quality::add_link_check(&mut c, linked, &check, 2)
            .await
            .unwrap();
    }
    let checks = quality::link_checks(&mut c, &[linked, other])
        .await
        .unwrap();
    assert_eq!(checks.len(), 1);
    let kept = &checks[&linked];
    assert_eq!(kept.len(), 2, "only the latest two kept");
    assert_eq!(kept[0].error_code.as_deref(), Some("timeout"));
    assert_eq!(kept[1].status, Some(404));

    let due = quality::links_due(&mut c, later(15), 10).await.unwrap();
    assert_eq!(
        ids(&due, |d| d.distribution_id),
        vec![other],
        "checked at +20 s is not due"
    );
    let due = quality::links_due(&mut c, later(30), 10).await.unwrap();
    assert_eq!(
        ids(&due, |d| d.distribution_id),
        vec![other, linked],
        "never checked first"
    );
    assert_eq!(
        quality::links_due(&mut c, later(30), 1)
            .await
            .unwrap()
            .len(),
        1
    );
}

pub async fn check_quality_sniffs_and_state(store: &Store) {
    let mut c = conn(store).await;
    let shas = vec![sha('a'), sha('b')];
    assert!(quality::sniffed(&mut c, &shas).await.unwrap().is_empty());
    quality::save_sniffed(&mut c, &sha('a'), &json!({"kind": "csv"}), base())
        .await
        .unwrap();
    quality::save_sniffed(&mut c, &sha('a'), &json!({"kind": "pdf"}), later(1))
        .await
        .unwrap();
    let found = quality::sniffed(&mut c, &shas).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[&sha('a')], r#"{"kind":"csv"}"#, "first sniff kept");

    assert_eq!(quality::state(&mut c, "events_seq").await.unwrap(), None);
    quality::set_state(&mut c, "events_seq", "12")
        .await
        .unwrap();
    quality::set_state(&mut c, "events_seq", "40")
        .await
        .unwrap();
    assert_eq!(
        quality::state(&mut c, "events_seq")
            .await
            .unwrap()
            .as_deref(),
        Some("40")
    );
}
