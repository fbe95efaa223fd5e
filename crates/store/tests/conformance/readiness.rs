//! Conformance checks of `dulieu_store::readiness` (assessments, action plans, indicator facts)
//! and of the portal team flag of users.

use chrono::NaiveDate;
use dulieu_readiness::assessment::{Assessment, AssessmentMeta, EvidenceInput, Judgement, Passage};
use dulieu_readiness::framework::Frameworks;
use dulieu_readiness::import;
use dulieu_readiness::indicators::{Figure, FigurePart, Unit};
use dulieu_readiness::plan::{ActionPlan, ProgressNote};
use dulieu_readiness::plan_input::{NewItem, NewPlan};
use dulieu_readiness::{ContentLang, ItemStatus, PublicationStatus};
use dulieu_store::{readiness, requests};
use dulieu_tickets::request::RequestState;

use super::*;

fn imported() -> (Frameworks, import::Imported) {
    let frameworks = Frameworks::builtin().expect("frameworks");
    let imported = import::vietnam_2019(&frameworks, base()).expect("import");
    (frameworks, imported)
}

fn blank(frameworks: &Frameworks, slug: &str, status: PublicationStatus) -> Assessment {
    let meta = AssessmentMeta {
        title: LangText::new(format!("Đánh giá {slug}"), format!("Assessment {slug}")),
        subject: "Việt Nam".into(),
        status,
        started_on: Some(day(2026, 1, 5)),
        finished_on: None,
        published_on: None,
        assessors: vec!["ODTF".into()],
        source: None,
    };
    Assessment::start(
        frameworks.latest("odra").unwrap(),
        slug.into(),
        meta,
        base(),
    )
}

fn figure(value: f64) -> Figure {
    Figure {
        value,
        unit: Unit::Percent,
        out_of: Some(8),
        part: Some(1),
        breakdown: vec![FigurePart {
            key: "mof".into(),
            label: LangText::new("Bộ Tài chính", "Ministry of Finance"),
            value: 1.0,
        }],
        as_of: base(),
    }
}

pub(super) async fn check_readiness_assessment_round_trip(store: &Store) {
    let (frameworks, mut imported) = imported();
    let mut c = conn(store).await;
    // A live figure too, so that its JSON round trip is checked.
    let odra = imported
        .assessments
        .iter_mut()
        .find(|a| a.slug == import::ODRA_SLUG)
        .unwrap();
    let mut live = EvidenceInput {
        sign: "o".into(),
        indicator: Some("open_license_share".into()),
        ..EvidenceInput::default()
    }
    .validate(frameworks.latest("odra").unwrap(), |_| Some(figure(12.5)))
    .unwrap();
    live.lang = ContentLang::Vi;
    odra.question_mut("4.5").unwrap().evidence.push(live);
    for assessment in &imported.assessments {
        readiness::insert_assessment(&mut c, assessment)
            .await
            .unwrap();
    }
    for assessment in &imported.assessments {
        let by_slug = readiness::assessment(&mut c, &assessment.slug)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&by_slug, assessment, "{}", assessment.slug);
        let by_id = readiness::assessment(&mut c, &assessment.id.to_string())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(by_id.id, assessment.id);
    }
    let odra = readiness::assessment(&mut c, import::ODRA_SLUG)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        odra.questions().map(|q| q.evidence.len()).sum::<usize>(),
        281
    );
    assert_eq!(
        odra.question("3.1").unwrap().evidence[0].lang,
        ContentLang::En
    );
    assert!(
        readiness::assessment(&mut c, "khong-co")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        readiness::assessment(&mut c, &Uuid::new_v4().to_string())
            .await
            .unwrap()
            .is_none()
    );
}

pub(super) async fn check_readiness_judgements_and_evidence(store: &Store) {
    let frameworks = Frameworks::builtin().unwrap();
    let odra = frameworks.latest("odra").unwrap();
    let mut c = conn(store).await;
    let a = blank(&frameworks, "danh-gia-2026", PublicationStatus::Draft);
    readiness::insert_assessment(&mut c, &a).await.unwrap();
    let judgement = Judgement {
        rating: Some("yellow_green".into()),
        importance: Some("very_high".into()),
        commentary: Some(Passage {
            text: "Đã có nghị định về dữ liệu mở.".into(),
            lang: ContentLang::Vi,
        }),
    };
    assert!(
        readiness::set_question(&mut c, a.id, "2.4", &judgement, later(10))
            .await
            .unwrap()
    );
    assert!(
        !readiness::set_question(&mut c, a.id, "9.9", &judgement, later(10))
            .await
            .unwrap()
    );
    assert!(
        readiness::set_dimension(&mut c, a.id, "2", &judgement, later(11))
            .await
            .unwrap()
    );
    assert!(
        !readiness::set_dimension(&mut c, a.id, "99", &judgement, later(11))
            .await
            .unwrap()
    );
    let item = |text: &str| {
        EvidenceInput {
            sign: "+".into(),
            text: Some(text.into()),
            url: Some("https://vbpl.vn/".into()),
            observed_on: Some(day(2026, 3, 1)),
            ..EvidenceInput::default()
        }
        .validate(odra, |_| None)
        .unwrap()
    };
    let (first, second) = (item("Nghị định 47/2024"), item("CC BY 4.0"));
    readiness::add_evidence(&mut c, a.id, "2.4", &first, later(12))
        .await
        .unwrap();
    readiness::add_evidence(&mut c, a.id, "2.4", &second, later(13))
        .await
        .unwrap();
    let live = EvidenceInput {
        sign: "o".into(),
        indicator: Some("open_license_share".into()),
        ..EvidenceInput::default()
    }
    .validate(odra, |_| Some(figure(10.0)))
    .unwrap();
    readiness::add_evidence(&mut c, a.id, "4.5", &live, later(14))
        .await
        .unwrap();
    readiness::set_figure(&mut c, live.id, &figure(37.5))
        .await
        .unwrap();

    let stored = readiness::assessment(&mut c, &a.slug)
        .await
        .unwrap()
        .unwrap();
    let q = stored.question("2.4").unwrap();
    assert_eq!(q.rating.as_deref(), Some("yellow_green"));
    assert_eq!(q.commentary, judgement.commentary);
    assert_eq!(
        q.evidence,
        vec![first.clone(), second.clone()],
        "in the order added"
    );
    assert_eq!(
        stored.dimension("2").unwrap().rating.as_deref(),
        Some("yellow_green")
    );
    assert_eq!(
        stored.question("4.5").unwrap().evidence[0]
            .live
            .as_ref()
            .unwrap()
            .figure
            .value,
        37.5
    );
    assert_eq!(stored.updated_at, later(14));

    assert!(
        readiness::delete_evidence(&mut c, a.id, first.id, later(15))
            .await
            .unwrap()
    );
    assert!(
        !readiness::delete_evidence(&mut c, a.id, first.id, later(15))
            .await
            .unwrap()
    );
    let other = blank(&frameworks, "khac", PublicationStatus::Draft);
    readiness::insert_assessment(&mut c, &other).await.unwrap();
    assert!(
        !readiness::delete_evidence(&mut c, other.id, second.id, later(16))
            .await
            .unwrap(),
        "an item is removed only from its own assessment"
    );
    let stored = readiness::assessment(&mut c, &a.slug)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.question("2.4").unwrap().evidence, vec![second]);
    // Clearing a rating.
    readiness::set_question(&mut c, a.id, "2.4", &Judgement::default(), later(17))
        .await
        .unwrap();
    let stored = readiness::assessment(&mut c, &a.slug)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.question("2.4").unwrap().rating, None);
}

pub(super) async fn check_readiness_assessment_list_and_slug_conflict(store: &Store) {
    let frameworks = Frameworks::builtin().unwrap();
    let mut c = conn(store).await;
    let mut published = blank(&frameworks, "da-cong-bo", PublicationStatus::Published);
    published.question_mut("1.1").unwrap().rating = Some("yellow".into());
    readiness::insert_assessment(&mut c, &published)
        .await
        .unwrap();
    let mut draft = published.copy_as(
        "ban-nhap".into(),
        AssessmentMeta {
            title: LangText::new("Bản nháp", "Draft"),
            ..published.meta.clone()
        },
        later(5),
    );
    draft.question_mut("1.1").unwrap().evidence.push(
        EvidenceInput {
            sign: "-".into(),
            text: Some("x".into()),
            ..EvidenceInput::default()
        }
        .validate(frameworks.latest("odra").unwrap(), |_| None)
        .unwrap(),
    );
    readiness::insert_assessment(&mut c, &draft).await.unwrap();

    let public = readiness::assessments(&mut c, false).await.unwrap();
    assert_eq!(
        public.iter().map(|h| h.slug.as_str()).collect::<Vec<_>>(),
        ["da-cong-bo"]
    );
    let all = readiness::assessments(&mut c, true).await.unwrap();
    assert_eq!(
        all.iter().map(|h| h.slug.as_str()).collect::<Vec<_>>(),
        ["ban-nhap", "da-cong-bo"]
    );
    assert_eq!(
        (all[0].questions, all[0].rated, all[0].evidence),
        (43, 1, 1)
    );
    assert_eq!(all[0].based_on, Some(published.id));
    assert_eq!(all[0].meta.status, PublicationStatus::Draft);
    assert_eq!(all[1].meta.started_on, Some(day(2026, 1, 5)));

    let mut clash = blank(&frameworks, "da-cong-bo", PublicationStatus::Draft);
    clash.id = Uuid::now_v7();
    assert_conflict(
        readiness::insert_assessment(&mut c, &clash).await,
        "slug_taken",
        "slug",
        "da-cong-bo",
    );
    let mut meta = published.meta.clone();
    meta.status = PublicationStatus::Draft;
    meta.finished_on = Some(day(2026, 6, 30));
    readiness::update_assessment_meta(&mut c, published.id, &meta, later(20))
        .await
        .unwrap();
    let stored = readiness::assessment(&mut c, "da-cong-bo")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.meta, meta);
    assert!(
        readiness::assessments(&mut c, false)
            .await
            .unwrap()
            .is_empty()
    );
    drop(c);

    // Nothing half-written: an insert rolled back leaves no row behind.
    let mut tx = store.begin().await.unwrap();
    let rolled = blank(&frameworks, "bi-huy", PublicationStatus::Published);
    readiness::insert_assessment(&mut tx, &rolled)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let mut c = conn(store).await;
    assert!(
        readiness::assessment(&mut c, "bi-huy")
            .await
            .unwrap()
            .is_none()
    );
}

pub(super) async fn check_readiness_plan_round_trip_items_and_notes(store: &Store) {
    let (_, imported) = imported();
    let mut c = conn(store).await;
    for assessment in &imported.assessments {
        readiness::insert_assessment(&mut c, assessment)
            .await
            .unwrap();
    }
    for plan in &imported.plans {
        readiness::insert_plan(&mut c, plan).await.unwrap();
        let stored = readiness::plan(&mut c, &plan.slug).await.unwrap().unwrap();
        assert_eq!(&stored, plan);
    }
    let plan = readiness::plan(&mut c, import::ODRA_PLAN_SLUG)
        .await
        .unwrap()
        .unwrap();
    let mut item = plan.items[0].clone();
    item.status = ItemStatus::Done;
    item.end_month = 2;
    assert!(
        readiness::update_item(&mut c, plan.id, &item, later(30))
            .await
            .unwrap()
    );
    let note = ProgressNote {
        id: Uuid::now_v7(),
        at: later(30),
        author: Some("Nhóm ODTF".into()),
        status: ItemStatus::Done,
        text: Some("Thủ tướng đã công bố sáng kiến.".into()),
    };
    readiness::add_note(&mut c, item.id, &note, None)
        .await
        .unwrap();
    let other_plan = readiness::plan(&mut c, import::DGRA_PLAN_SLUG)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !readiness::update_item(&mut c, other_plan.id, &item, later(31))
            .await
            .unwrap(),
        "an item is changed only through its own plan"
    );
    let stored = readiness::plan(&mut c, &plan.id.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.items[0].status, ItemStatus::Done);
    assert_eq!(stored.items[0].end_month, 2);
    assert_eq!(stored.items[0].notes, vec![note]);
    assert_eq!(stored.updated_at, later(30));

    let headers = readiness::plans(&mut c, false).await.unwrap();
    assert_eq!(headers.len(), 2);
    let odra = headers
        .iter()
        .find(|h| h.slug == import::ODRA_PLAN_SLUG)
        .unwrap();
    assert_eq!((odra.items, odra.done), (32, 1));
    readiness::update_plan(
        &mut c,
        plan.id,
        PublicationStatus::Draft,
        day(2027, 1, 1),
        later(40),
    )
    .await
    .unwrap();
    assert_eq!(readiness::plans(&mut c, false).await.unwrap().len(), 1);
    let stored = readiness::plan(&mut c, &plan.slug).await.unwrap().unwrap();
    assert_eq!(
        (stored.status, stored.starts_on),
        (
            PublicationStatus::Draft,
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        )
    );
    assert_conflict(
        readiness::insert_plan(&mut c, &plan).await,
        "slug_taken",
        "slug",
        &plan.slug,
    );
}

pub(super) async fn check_readiness_portal_facts(store: &Store) {
    let mut c = conn(store).await;
    let mof = add_org(&mut c, "mof", OrgKind::National, None).await;
    let gso = add_org(&mut c, "gso", OrgKind::National, None).await;
    let open = add_public_dataset(&mut c, "ngan-sach", mof).await;
    add_dist(
        &mut c,
        open,
        &link_input("https://mof.gov.vn/a.csv"),
        base(),
    )
    .await;
    let closed_input = DatasetInput {
        license: "none".into(),
        ..ds_input("bao-cao", DatasetStatus::Published, AccessRights::Public)
    };
    let closed = add_dataset(&mut c, &closed_input, gso, base()).await;
    add_dist(
        &mut c,
        closed,
        &DistributionInput {
            url: Some("https://gso.gov.vn/r.pdf".into()),
            format: Some("PDF".into()),
            ..DistributionInput::default()
        },
        base(),
    )
    .await;
    add_dataset(
        &mut c,
        &ds_input("nhap", DatasetStatus::Draft, AccessRights::Public),
        mof,
        base(),
    )
    .await;
    add_dataset(
        &mut c,
        &ds_input(
            "han-che",
            DatasetStatus::Published,
            AccessRights::Restricted,
        ),
        mof,
        base(),
    )
    .await;

    // Two answered requests of mof (one in time, one late) and one still waiting.
    for (title, answered_at, working_days) in [("Kịp", 50, 3), ("Muộn", 150, 25)] {
        let mut r = super::tickets::request(title, None, true, base());
        requests::insert(&mut c, &r, None).await.unwrap();
        r.state = RequestState::Accepted;
        r.organization_id = Some(mof);
        r.answered_at = Some(later(answered_at));
        r.answer_due_at = Some(later(100));
        r.answer_working_days = Some(working_days);
        requests::update(&mut c, &r).await.unwrap();
    }
    let mut waiting = super::tickets::request("Chờ", None, true, base());
    waiting.organization_id = Some(gso);
    requests::insert(&mut c, &waiting, None).await.unwrap();

    let facts = readiness::portal_facts(&mut c, later(1)).await.unwrap();
    assert_eq!(facts.as_of, later(1));
    let mut answered: Vec<(String, i64, bool)> = facts
        .answered_requests
        .iter()
        .map(|r| (r.organization.clone(), r.working_days, r.on_time))
        .collect();
    answered.sort();
    assert_eq!(
        answered,
        [("mof".to_string(), 3, true), ("mof".to_string(), 25, false)],
        "answered requests only, each with its time and whether it was on time"
    );
    let mut seen: Vec<(String, bool, Vec<String>)> = facts
        .datasets
        .iter()
        .map(|d| (d.publisher.clone(), d.license_open, d.formats.clone()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("gso".to_string(), false, vec!["PDF".to_string()]),
            ("mof".to_string(), true, vec!["CSV".to_string()]),
        ],
        "public datasets only, drafts and restricted ones left out"
    );
    assert_eq!(
        facts
            .datasets
            .iter()
            .find(|d| d.publisher == "mof")
            .unwrap()
            .publisher_name
            .en
            .as_deref(),
        Some("Organization mof")
    );
}

pub(super) async fn check_readiness_odtf_flag(store: &Store) {
    let mut c = conn(store).await;
    let user = add_user(&mut c, "odtf@example.vn").await;
    assert!(
        !accounts::user(&mut c, user.id)
            .await
            .unwrap()
            .unwrap()
            .is_odtf
    );
    assert!(accounts::set_odtf(&mut c, user.id, true).await.unwrap());
    assert!(
        accounts::user(&mut c, user.id)
            .await
            .unwrap()
            .unwrap()
            .is_odtf
    );
    let (by_email, _) = accounts::user_by_email(&mut c, "odtf@example.vn")
        .await
        .unwrap()
        .unwrap();
    assert!(by_email.is_odtf);
    assert!(accounts::set_odtf(&mut c, user.id, false).await.unwrap());
    assert!(
        !accounts::user(&mut c, user.id)
            .await
            .unwrap()
            .unwrap()
            .is_odtf
    );
    assert!(
        !accounts::set_odtf(&mut c, Uuid::new_v4(), true)
            .await
            .unwrap()
    );
    let team = User {
        is_odtf: true,
        ..new_user("team@example.vn", base())
    };
    accounts::insert_user(&mut c, &team, "hash").await.unwrap();
    assert_eq!(
        accounts::user(&mut c, team.id).await.unwrap().unwrap(),
        team
    );
}

pub(super) async fn check_readiness_items_added_and_removed(store: &Store) {
    let frameworks = Frameworks::builtin().unwrap();
    let odra = frameworks.latest("odra").unwrap();
    let mut c = conn(store).await;
    let new_plan = |slug: &str| {
        NewPlan {
            slug: Some(slug.into()),
            title: LangText::new(format!("Kế hoạch {slug}"), format!("Plan {slug}")),
            framework: "odra".into(),
            assessment: None,
            starts_on: day(2027, 3, 1),
            source: None,
        }
        .validate(odra, None, base())
        .unwrap()
    };
    let (mut plan, other) = (new_plan("ke-hoach-a"), new_plan("ke-hoach-b"));
    readiness::insert_plan(&mut c, &plan).await.unwrap();
    readiness::insert_plan(&mut c, &other).await.unwrap();
    assert_eq!(
        readiness::next_item_position(&mut c, plan.id)
            .await
            .unwrap(),
        0
    );
    let item = |plan: &ActionPlan, title: &str, prerequisites: Vec<Uuid>| {
        NewItem {
            dimension: "4".into(),
            title: title.into(),
            start_month: 1,
            end_month: 3,
            responsible: vec!["ODTF".into()],
            prerequisites,
            ..NewItem::default()
        }
        .validate(plan, odra, base())
        .unwrap()
    };
    let first = item(&plan, "Công bố danh mục dữ liệu", Vec::new());
    let position = readiness::next_item_position(&mut c, plan.id)
        .await
        .unwrap();
    readiness::insert_item(&mut c, plan.id, position, &first)
        .await
        .unwrap();
    plan.items.push(first.clone());
    let second = item(&plan, "Đào tạo cán bộ", vec![first.id]);
    let position = readiness::next_item_position(&mut c, plan.id)
        .await
        .unwrap();
    assert_eq!(position, 1);
    readiness::insert_item(&mut c, plan.id, position, &second)
        .await
        .unwrap();
    let stored = readiness::plan(&mut c, &plan.slug).await.unwrap().unwrap();
    assert_eq!(
        stored.items,
        vec![first.clone(), second.clone()],
        "in order"
    );

    assert!(
        !readiness::delete_item(&mut c, other.id, first.id)
            .await
            .unwrap(),
        "an item is removed only through its own plan"
    );
    assert!(
        readiness::delete_item(&mut c, plan.id, first.id)
            .await
            .unwrap()
    );
    let stored = readiness::plan(&mut c, &plan.slug).await.unwrap().unwrap();
    assert_eq!(stored.items.len(), 1);
    assert_eq!(stored.items[0].id, second.id);
    assert!(
        stored.items[0].prerequisites.is_empty(),
        "no longer a prerequisite"
    );
    assert!(
        !readiness::delete_item(&mut c, plan.id, first.id)
            .await
            .unwrap()
    );
    assert_eq!(
        readiness::next_item_position(&mut c, plan.id)
            .await
            .unwrap(),
        2,
        "positions keep growing"
    );
}

pub(super) async fn check_readiness_assessments_with_live_evidence(store: &Store) {
    let frameworks = Frameworks::builtin().unwrap();
    let odra = frameworks.latest("odra").unwrap();
    let mut c = conn(store).await;
    let with_live = blank(&frameworks, "co-so-lieu-song", PublicationStatus::Draft);
    let without = blank(&frameworks, "khong-so-lieu", PublicationStatus::Published);
    readiness::insert_assessment(&mut c, &with_live)
        .await
        .unwrap();
    readiness::insert_assessment(&mut c, &without)
        .await
        .unwrap();
    assert!(
        readiness::assessments_with_live_evidence(&mut c)
            .await
            .unwrap()
            .is_empty()
    );
    let finding = EvidenceInput {
        sign: "+".into(),
        text: Some("Đã có cổng dữ liệu.".into()),
        ..EvidenceInput::default()
    }
    .validate(odra, |_| None)
    .unwrap();
    readiness::add_evidence(&mut c, without.id, "4.5", &finding, later(1))
        .await
        .unwrap();
    let live = EvidenceInput {
        sign: "o".into(),
        indicator: Some("datasets_published".into()),
        ..EvidenceInput::default()
    }
    .validate(odra, |_| Some(figure(12.0)))
    .unwrap();
    readiness::add_evidence(&mut c, with_live.id, "4.5", &live, later(2))
        .await
        .unwrap();
    readiness::add_evidence(&mut c, with_live.id, "4.2", &live_copy(&live), later(3))
        .await
        .unwrap();
    assert_eq!(
        readiness::assessments_with_live_evidence(&mut c)
            .await
            .unwrap(),
        vec![with_live.id],
        "once, however many live items it has"
    );
}

/// The same live figure as a new evidence item.
fn live_copy(evidence: &dulieu_readiness::Evidence) -> dulieu_readiness::Evidence {
    dulieu_readiness::Evidence {
        id: Uuid::now_v7(),
        ..evidence.clone()
    }
}
