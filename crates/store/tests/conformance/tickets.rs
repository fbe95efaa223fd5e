//! Conformance checks of `dulieu_store::{requests, feedback, notifications}`: data requests with
//! their thread, votes and followers; attachments of messages and feedback; feedback with
//! watchdog deduplication, hidden distributions and deadline notices; the notification center
//! and settings.

use dulieu_store::Conn;
use dulieu_store::attachments::{self, Owner};
use dulieu_store::requests::{Mark, RequestFilter, RequestViewer};
use dulieu_store::ticket_deadlines::{self, Notice, TicketTable};
use dulieu_store::{feedback, notifications, requests};
use dulieu_tickets::Deadline;
use dulieu_tickets::feedback::{FeedbackKind, FeedbackState};
use dulieu_tickets::records::{
    Attachment, AuthorRole, DataRequest, Feedback, Message, Notification,
};
use dulieu_tickets::request::{RefusalReason, RequestState};

use super::*;

/// A confirmed-or-not request as filed, for the checks to change.
pub(super) fn request(
    title: &str,
    requester: Option<Uuid>,
    is_public: bool,
    at: DateTime<Utc>,
) -> DataRequest {
    DataRequest {
        id: Uuid::now_v7(),
        title: title.into(),
        description: format!("Mô tả {title}"),
        purpose: Some("Nghiên cứu".into()),
        desired_format: Some("CSV".into()),
        granularity: None,
        suggested_organization_id: None,
        is_public,
        requester_id: requester,
        requester_email: "lan@example.vn".into(),
        confirmed: requester.is_some(),
        lang: "vi".into(),
        state: RequestState::Submitted,
        organization_id: None,
        clock_started_at: None,
        deadline: None,
        answered_at: None,
        answer_due_at: None,
        answer_working_days: None,
        planned_date: None,
        dataset_id: None,
        link: None,
        refusal_reason: None,
        legal_basis: None,
        duplicate_of: None,
        votes: 0,
        created_at: at,
        updated_at: at,
    }
}

/// The ids of the requests due for `notice` at `at`.
async fn due_requests(c: &mut Conn, notice: Notice, at: DateTime<Utc>) -> Vec<Uuid> {
    let due = requests::due_for(c, notice, at).await.unwrap();
    ids(&due, |r| r.id)
}

/// The ids of the feedback tickets due for `notice` at `at`.
async fn due_feedback(c: &mut Conn, notice: Notice, at: DateTime<Utc>) -> Vec<Uuid> {
    let due = feedback::due_for(c, notice, at).await.unwrap();
    ids(&due, |f| f.id)
}

/// Records that `notice` of ticket `id` of `table` was sent at `at`.
async fn mark_notified(
    c: &mut Conn,
    table: &TicketTable,
    id: Uuid,
    notice: Notice,
    at: DateTime<Utc>,
) {
    ticket_deadlines::mark_notified(c, table, id, notice, at)
        .await
        .unwrap();
}

fn deadline(due: i64) -> Deadline {
    Deadline {
        due_at: later(due),
        long_due_at: later(due * 2),
        extended: false,
    }
}

pub async fn check_requests_round_trip_and_transitions(store: &Store) {
    let mut c = conn(store).await;
    let user = add_user(&mut c, "lan@example.vn").await;
    let org = add_org(&mut c, "bo-tai-chinh", OrgKind::National, None).await;
    let dataset = add_public_dataset(&mut c, "ngan-sach", org).await;
    let mut r = request("Ngân sách", Some(user.id), true, base());
    requests::insert(&mut c, &r, None).await.unwrap();
    assert_eq!(requests::get(&mut c, r.id).await.unwrap().unwrap(), r);

    r.state = RequestState::Refused;
    r.organization_id = Some(org);
    r.clock_started_at = Some(later(10));
    r.deadline = Some(Deadline {
        extended: true,
        ..deadline(100)
    });
    r.answered_at = Some(later(50));
    r.answer_due_at = Some(later(100));
    r.answer_working_days = Some(3);
    r.planned_date = Some(day(2026, 6, 1));
    r.dataset_id = Some(dataset);
    r.link = Some("https://example.vn/data".into());
    r.refusal_reason = Some(RefusalReason::StateSecret);
    r.legal_basis = Some("Luật Bảo vệ bí mật nhà nước".into());
    r.updated_at = later(50);
    requests::update(&mut c, &r).await.unwrap();
    assert_eq!(requests::get(&mut c, r.id).await.unwrap().unwrap(), r);
    assert_eq!(
        requests::for_statistics(&mut c).await.unwrap(),
        vec![r.clone()]
    );

    let mut ghost = request("Không có", None, true, base());
    ghost.id = Uuid::now_v7();
    assert!(matches!(
        requests::update(&mut c, &ghost).await,
        Err(Error::NotFound { .. })
    ));
    assert!(requests::get(&mut c, ghost.id).await.unwrap().is_none());
}

pub async fn check_requests_visibility_filters_and_deadlines(store: &Store) {
    let mut c = conn(store).await;
    let lan = add_user(&mut c, "lan@example.vn").await;
    let minh = add_user(&mut c, "minh@example.vn").await;
    let org = add_org(&mut c, "bo-y-te", OrgKind::National, None).await;
    let other = add_org(&mut c, "so-gtvt", OrgKind::Provincial, None).await;

    let public = request("Công khai", Some(lan.id), true, later(1));
    let private = request("Riêng", Some(lan.id), false, later(2));
    let unconfirmed = request("Chưa xác nhận", None, true, later(3));
    let mut assigned = request("Đã giao", Some(minh.id), false, later(4));
    for r in [&public, &private, &unconfirmed, &assigned] {
        requests::insert(&mut c, r, None).await.unwrap();
    }
    assigned.state = RequestState::AwaitingResponse;
    assigned.organization_id = Some(org);
    assigned.clock_started_at = Some(later(4));
    assigned.deadline = Some(deadline(1000));
    requests::update(&mut c, &assigned).await.unwrap();

    let titles = |list: &[DataRequest]| list.iter().map(|r| r.title.clone()).collect::<Vec<_>>();
    let all = RequestFilter::default();
    let anonymous = RequestViewer::default();
    let (list, total) = requests::list(&mut c, &anonymous, &all, 0, 10)
        .await
        .unwrap();
    assert_eq!((titles(&list), total), (vec!["Công khai".to_string()], 1));

    let as_lan = RequestViewer {
        user_id: Some(lan.id),
        ..RequestViewer::default()
    };
    let (list, _) = requests::list(&mut c, &as_lan, &all, 0, 10).await.unwrap();
    assert_eq!(titles(&list), vec!["Riêng", "Công khai"]);

    let as_org = RequestViewer {
        user_id: Some(Uuid::new_v4()),
        organizations: vec![other, org],
        portal_team: false,
    };
    let (list, _) = requests::list(&mut c, &as_org, &all, 0, 10).await.unwrap();
    assert_eq!(titles(&list), vec!["Đã giao", "Công khai"]);

    let team = RequestViewer {
        portal_team: true,
        ..RequestViewer::default()
    };
    let (list, total) = requests::list(&mut c, &team, &all, 0, 2).await.unwrap();
    assert_eq!((list.len(), total), (2, 4));

    let filter = RequestFilter {
        state: Some(RequestState::AwaitingResponse),
        organization_id: Some(org),
        ..RequestFilter::default()
    };
    let (list, _) = requests::list(&mut c, &team, &filter, 0, 10).await.unwrap();
    assert_eq!(titles(&list), vec!["Đã giao"]);
    let mine = RequestFilter {
        requester_id: Some(lan.id),
        ..RequestFilter::default()
    };
    assert_eq!(
        requests::list(&mut c, &team, &mine, 0, 10).await.unwrap().1,
        2
    );

    // Overdue only after the deadline.
    let overdue = |at| RequestFilter {
        overdue_at: Some(at),
        by_deadline: true,
        ..RequestFilter::default()
    };
    assert_eq!(
        requests::list(&mut c, &team, &overdue(later(999)), 0, 10)
            .await
            .unwrap()
            .1,
        0
    );
    assert_eq!(
        requests::list(&mut c, &team, &overdue(later(1000)), 0, 10)
            .await
            .unwrap()
            .1,
        1
    );

    // Reminders and overdue notices go once per deadline.
    assert!(
        due_requests(&mut c, Notice::Reminder, later(500))
            .await
            .is_empty()
    );
    assert_eq!(
        due_requests(&mut c, Notice::Reminder, later(1000)).await,
        vec![assigned.id]
    );
    mark_notified(
        &mut c,
        &requests::DEADLINES,
        assigned.id,
        Notice::Reminder,
        later(600),
    )
    .await;
    assert!(
        due_requests(&mut c, Notice::Reminder, later(1000))
            .await
            .is_empty()
    );
    assert_eq!(
        due_requests(&mut c, Notice::Overdue, later(1001))
            .await
            .len(),
        1
    );
    mark_notified(
        &mut c,
        &requests::DEADLINES,
        assigned.id,
        Notice::Overdue,
        later(1001),
    )
    .await;
    assert!(
        due_requests(&mut c, Notice::Overdue, later(1002))
            .await
            .is_empty()
    );
    // An extended deadline is reminded and notified again.
    assigned.deadline = Some(deadline(2000));
    requests::update(&mut c, &assigned).await.unwrap();
    assert_eq!(
        due_requests(&mut c, Notice::Reminder, later(2000)).await,
        vec![assigned.id]
    );
    assert_eq!(
        due_requests(&mut c, Notice::Overdue, later(2001))
            .await
            .len(),
        1
    );
}

pub async fn check_requests_confirmation_thread_votes_followers(store: &Store) {
    let mut c = conn(store).await;
    let lan = add_user(&mut c, "lan@example.vn").await;
    let minh = add_user(&mut c, "minh@example.vn").await;
    let anon = request("Ẩn danh", None, true, base());
    requests::insert(&mut c, &anon, Some("hash-1"))
        .await
        .unwrap();
    assert_eq!(
        requests::confirm(&mut c, "nope", later(1)).await.unwrap(),
        None
    );
    assert_eq!(
        requests::confirm(&mut c, "hash-1", later(1)).await.unwrap(),
        Some(anon.id)
    );
    assert!(
        requests::get(&mut c, anon.id)
            .await
            .unwrap()
            .unwrap()
            .confirmed
    );
    // A secret confirms once.
    assert_eq!(
        requests::confirm(&mut c, "hash-1", later(2)).await.unwrap(),
        None
    );

    for (n, (author, role)) in [
        (Some(lan.id), AuthorRole::Requester),
        (None, AuthorRole::PortalTeam),
    ]
    .into_iter()
    .enumerate()
    {
        let message = Message {
            id: Uuid::now_v7(),
            request_id: anon.id,
            author_id: author,
            author_name: None,
            author_role: role,
            body: format!("Tin nhắn {n}"),
            attachments: Vec::new(),
            created_at: later(10 + n as i64),
        };
        requests::add_message(&mut c, &message).await.unwrap();
    }
    let thread = requests::messages(&mut c, anon.id).await.unwrap();
    assert_eq!(thread.len(), 2);
    assert_eq!(
        thread[0].author_name.as_deref(),
        Some("Người dùng lan@example.vn")
    );
    assert_eq!(thread[1].author_role, AuthorRole::PortalTeam);

    assert!(
        requests::set_mark(&mut c, Mark::Vote, anon.id, lan.id, true, later(3))
            .await
            .unwrap()
    );
    assert!(
        !requests::set_mark(&mut c, Mark::Vote, anon.id, lan.id, true, later(4))
            .await
            .unwrap()
    );
    assert!(
        requests::set_mark(&mut c, Mark::Vote, anon.id, minh.id, true, later(4))
            .await
            .unwrap()
    );
    assert_eq!(
        requests::get(&mut c, anon.id).await.unwrap().unwrap().votes,
        2
    );
    assert!(
        requests::has_mark(&mut c, Mark::Vote, anon.id, lan.id)
            .await
            .unwrap()
    );
    assert!(
        !requests::has_mark(&mut c, Mark::Follow, anon.id, lan.id)
            .await
            .unwrap()
    );
    assert!(
        requests::set_mark(&mut c, Mark::Vote, anon.id, minh.id, false, later(5))
            .await
            .unwrap()
    );
    assert_eq!(
        requests::get(&mut c, anon.id).await.unwrap().unwrap().votes,
        1
    );
    requests::set_mark(&mut c, Mark::Follow, anon.id, minh.id, true, later(6))
        .await
        .unwrap();
    assert_eq!(
        requests::followers(&mut c, anon.id).await.unwrap(),
        vec![minh.id]
    );

    // Merging moves votes and followers without doubling them.
    let original = request("Gốc", Some(minh.id), true, later(7));
    requests::insert(&mut c, &original, None).await.unwrap();
    requests::set_mark(&mut c, Mark::Vote, original.id, lan.id, true, later(8))
        .await
        .unwrap();
    requests::move_marks(&mut c, anon.id, original.id)
        .await
        .unwrap();
    assert_eq!(
        requests::get(&mut c, original.id)
            .await
            .unwrap()
            .unwrap()
            .votes,
        1
    );
    assert_eq!(
        requests::followers(&mut c, original.id).await.unwrap(),
        vec![minh.id]
    );
}

pub async fn check_requests_tied_to_a_user(store: &Store) {
    let mut c = conn(store).await;
    let lan = add_user(&mut c, "lan@example.vn").await;
    let minh = add_user(&mut c, "minh@example.vn").await;
    let filed = request("Của Lan", Some(lan.id), true, base());
    let voted = request("Lan bình chọn", Some(minh.id), true, later(1));
    let followed = request("Lan theo dõi", Some(minh.id), true, later(2));
    let other = request("Không liên quan", Some(minh.id), true, later(3));
    for r in [&filed, &voted, &followed, &other] {
        requests::insert(&mut c, r, None).await.unwrap();
    }
    requests::set_mark(&mut c, Mark::Vote, voted.id, lan.id, true, later(4))
        .await
        .unwrap();
    requests::set_mark(&mut c, Mark::Follow, followed.id, lan.id, true, later(4))
        .await
        .unwrap();
    requests::set_mark(&mut c, Mark::Follow, filed.id, lan.id, true, later(4))
        .await
        .unwrap();
    requests::set_mark(&mut c, Mark::Vote, other.id, minh.id, true, later(5))
        .await
        .unwrap();
    let mine = requests::tied_to_user(&mut c, lan.id, 10).await.unwrap();
    let summary: Vec<(&str, bool, bool, bool)> = mine
        .iter()
        .map(|(r, ties)| (r.title.as_str(), ties.filed, ties.voted, ties.following))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Lan theo dõi", false, false, true),
            ("Lan bình chọn", false, true, false),
            ("Của Lan", true, false, true),
        ]
    );
    assert_eq!(
        requests::tied_to_user(&mut c, lan.id, 1)
            .await
            .unwrap()
            .len(),
        1
    );
}

fn ticket(dataset: Uuid, org: Uuid, rule: Option<&str>, at: DateTime<Utc>) -> Feedback {
    Feedback {
        id: Uuid::now_v7(),
        dataset_id: dataset,
        distribution_id: None,
        organization_id: org,
        kind: FeedbackKind::DataError,
        state: FeedbackState::Open,
        description: "Sai số".into(),
        location: Some("hàng 3".into()),
        reporter_id: None,
        rule_id: rule.map(str::to_string),
        deadline: deadline(100),
        resolution_note: None,
        resolved_version: None,
        duplicate_of: None,
        closed_at: None,
        attachments: Vec::new(),
        created_at: at,
        updated_at: at,
    }
}

pub async fn check_feedback_round_trip_dedup_and_hiding(store: &Store) {
    let mut c = conn(store).await;
    let org = add_org(&mut c, "tong-cuc-thong-ke", OrgKind::National, None).await;
    let dataset = add_public_dataset(&mut c, "dan-so", org).await;
    let dist = add_dist(
        &mut c,
        dataset,
        &link_input("https://example.vn/a.csv"),
        base(),
    )
    .await;

    let mut f = ticket(dataset, org, None, base());
    f.distribution_id = Some(dist);
    feedback::insert(&mut c, &f).await.unwrap();
    assert_eq!(feedback::get(&mut c, f.id).await.unwrap().unwrap(), f);

    let watchdog = ticket(dataset, org, Some("open-license"), later(1));
    feedback::insert(&mut c, &watchdog).await.unwrap();
    let again = ticket(dataset, org, Some("open-license"), later(2));
    let err = feedback::insert(&mut c, &again).await.unwrap_err();
    assert_eq!(err.code(), "duplicate_feedback");
    let found = feedback::open_for_rule(&mut c, "open-license", dataset)
        .await
        .unwrap();
    assert_eq!(found.map(|f| f.id), Some(watchdog.id));
    assert_eq!(
        feedback::open_for_organization(&mut c, org)
            .await
            .unwrap()
            .len(),
        2
    );

    // Closing frees the rule for a new ticket.
    let mut closed = watchdog.clone();
    closed.state = FeedbackState::Resolved;
    closed.resolution_note = Some("Đã sửa giấy phép".into());
    closed.resolved_version = Some("2".into());
    closed.closed_at = Some(later(5));
    closed.updated_at = later(5);
    feedback::update(&mut c, &closed).await.unwrap();
    assert_eq!(
        feedback::get(&mut c, watchdog.id).await.unwrap().unwrap(),
        closed
    );
    assert!(
        feedback::open_for_rule(&mut c, "open-license", dataset)
            .await
            .unwrap()
            .is_none()
    );
    feedback::insert(&mut c, &again).await.unwrap();
    assert_eq!(
        feedback::for_dataset(&mut c, dataset).await.unwrap().len(),
        3
    );

    assert_eq!(feedback::hidden_at(&mut c, dist).await.unwrap(), None);
    assert!(
        feedback::set_hidden(&mut c, dist, Some(later(9)))
            .await
            .unwrap()
    );
    assert_eq!(
        feedback::hidden_at(&mut c, dist).await.unwrap(),
        Some(later(9))
    );
    assert!(feedback::set_hidden(&mut c, dist, None).await.unwrap());
    assert!(
        !feedback::set_hidden(&mut c, Uuid::new_v4(), None)
            .await
            .unwrap()
    );

    let user = add_user(&mut c, "an@example.vn").await;
    assert!(
        feedback::follow_dataset(&mut c, dataset, user.id, true, base())
            .await
            .unwrap()
    );
    assert!(
        !feedback::follow_dataset(&mut c, dataset, user.id, true, base())
            .await
            .unwrap()
    );
    assert_eq!(
        feedback::dataset_followers(&mut c, dataset).await.unwrap(),
        vec![user.id]
    );
    assert!(
        feedback::follow_dataset(&mut c, dataset, user.id, false, base())
            .await
            .unwrap()
    );
    assert!(
        feedback::dataset_followers(&mut c, dataset)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn check_notifications_center_and_settings(store: &Store) {
    let mut c = conn(store).await;
    let user = add_user(&mut c, "lan@example.vn").await;
    let subject = Uuid::now_v7();
    for n in 0..3 {
        let note = Notification {
            id: Uuid::now_v7(),
            user_id: user.id,
            kind: "request.assign".into(),
            subject_type: "request".into(),
            subject_id: subject,
            params: json!({"title": format!("Yêu cầu {n}")}),
            created_at: later(n),
            read_at: None,
        };
        notifications::insert(&mut c, &note).await.unwrap();
    }
    let (list, unread) = notifications::latest(&mut c, user.id, 2).await.unwrap();
    assert_eq!((list.len(), unread), (2, 3));
    assert_eq!(list[0].params["title"], "Yêu cầu 2");
    assert_eq!(
        notifications::mark_read(&mut c, user.id, Some(list[0].id), later(9))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        notifications::latest(&mut c, user.id, 5).await.unwrap().1,
        2
    );
    // Someone else's id marks nothing.
    assert_eq!(
        notifications::mark_read(&mut c, Uuid::new_v4(), Some(list[1].id), later(9))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        notifications::mark_read(&mut c, user.id, None, later(9))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        notifications::latest(&mut c, user.id, 5).await.unwrap().1,
        0
    );

    assert_eq!(
        notifications::settings(&mut c, user.id).await.unwrap(),
        notifications::Settings::default()
    );
    let quiet = notifications::Settings {
        email: false,
        lang: "en".into(),
    };
    notifications::save_settings(&mut c, user.id, &quiet)
        .await
        .unwrap();
    notifications::save_settings(&mut c, user.id, &quiet)
        .await
        .unwrap();
    assert_eq!(
        notifications::settings(&mut c, user.id).await.unwrap(),
        quiet
    );
}

fn attachment(name: &str, fill: char, by: Option<Uuid>, at: DateTime<Utc>) -> Attachment {
    Attachment {
        id: Uuid::now_v7(),
        file_name: name.into(),
        media_type: "text/csv".into(),
        byte_size: 12,
        sha256: sha(fill),
        uploaded_by: by,
        created_at: at,
    }
}

fn message(request_id: Uuid, author: Uuid, at: DateTime<Utc>) -> Message {
    Message {
        id: Uuid::now_v7(),
        request_id,
        author_id: Some(author),
        author_name: None,
        author_role: AuthorRole::Requester,
        body: "Xem tệp đính kèm".into(),
        attachments: Vec::new(),
        created_at: at,
    }
}

pub async fn check_attachments_of_messages_and_feedback(store: &Store) {
    let mut c = conn(store).await;
    let lan = add_user(&mut c, "lan@example.vn").await;
    let r = request("Có tệp", Some(lan.id), true, base());
    requests::insert(&mut c, &r, None).await.unwrap();
    let first = message(r.id, lan.id, later(1));
    let second = message(r.id, lan.id, later(2));
    for m in [&first, &second] {
        requests::add_message(&mut c, m).await.unwrap();
    }
    let on_first = Owner::Message {
        request_id: r.id,
        message_id: first.id,
    };
    let table = attachment("bang.csv", 'a', Some(lan.id), later(3));
    let photo = attachment("anh.png", 'b', Some(lan.id), later(4));
    for a in [&table, &photo] {
        attachments::insert(&mut c, a, on_first, &format!("blobs/{}", a.sha256))
            .await
            .unwrap();
    }
    let thread = requests::messages(&mut c, r.id).await.unwrap();
    assert_eq!(thread[0].attachments, vec![table.clone(), photo.clone()]);
    assert!(thread[1].attachments.is_empty());
    let stored = attachments::get(&mut c, photo.id).await.unwrap().unwrap();
    assert_eq!(
        (stored.attachment, stored.owner, stored.blob_key),
        (photo.clone(), on_first, format!("blobs/{}", sha('b')))
    );
    assert!(
        attachments::get(&mut c, Uuid::new_v4())
            .await
            .unwrap()
            .is_none()
    );
    // The owner must exist.
    let orphan = Owner::Message {
        request_id: r.id,
        message_id: Uuid::new_v4(),
    };
    assert!(
        attachments::insert(&mut c, &attachment("x.csv", 'd', None, base()), orphan, "k")
            .await
            .is_err()
    );

    let org = add_org(&mut c, "tong-cuc-thong-ke", OrgKind::National, None).await;
    let dataset = add_public_dataset(&mut c, "dan-so", org).await;
    let reported = ticket(dataset, org, None, later(5));
    let plain = ticket(dataset, org, None, later(6));
    for f in [&reported, &plain] {
        feedback::insert(&mut c, f).await.unwrap();
    }
    let shot = attachment("chup.png", 'c', None, later(7));
    attachments::insert(&mut c, &shot, Owner::Feedback(reported.id), "blobs/c")
        .await
        .unwrap();
    assert_eq!(
        feedback::get(&mut c, reported.id)
            .await
            .unwrap()
            .unwrap()
            .attachments,
        vec![shot.clone()]
    );
    let count = |list: Vec<Feedback>| -> Vec<(Uuid, usize)> {
        list.iter().map(|f| (f.id, f.attachments.len())).collect()
    };
    assert_eq!(
        count(feedback::for_dataset(&mut c, dataset).await.unwrap()),
        vec![(plain.id, 0), (reported.id, 1)]
    );
    assert_eq!(
        count(feedback::open_for_organization(&mut c, org).await.unwrap()),
        vec![(reported.id, 1), (plain.id, 0)]
    );
    assert!(
        distributions::blob_is_referenced(&mut c, &sha('c'))
            .await
            .unwrap()
    );
    // Removing the dataset removes its tickets and their attachment records.
    datasets::delete(&mut c, dataset).await.unwrap();
    assert!(attachments::get(&mut c, shot.id).await.unwrap().is_none());
    assert!(
        !distributions::blob_is_referenced(&mut c, &sha('c'))
            .await
            .unwrap()
    );
    assert!(attachments::get(&mut c, table.id).await.unwrap().is_some());
}

pub async fn check_feedback_deadline_notices_once_per_deadline(store: &Store) {
    let mut c = conn(store).await;
    let org = add_org(&mut c, "tong-cuc-thong-ke", OrgKind::National, None).await;
    let dataset = add_public_dataset(&mut c, "dan-so", org).await;
    let mut open = ticket(dataset, org, None, base());
    let mut closed = ticket(dataset, org, None, base());
    closed.state = FeedbackState::Resolved;
    closed.closed_at = Some(later(1));
    for f in [&open, &closed] {
        feedback::insert(&mut c, f).await.unwrap();
    }
    assert!(
        due_feedback(&mut c, Notice::Reminder, later(99))
            .await
            .is_empty()
    );
    assert_eq!(
        due_feedback(&mut c, Notice::Reminder, later(100)).await,
        vec![open.id]
    );
    mark_notified(
        &mut c,
        &feedback::DEADLINES,
        open.id,
        Notice::Reminder,
        later(50),
    )
    .await;
    assert!(
        due_feedback(&mut c, Notice::Reminder, later(100))
            .await
            .is_empty()
    );
    assert!(
        due_feedback(&mut c, Notice::Overdue, later(99))
            .await
            .is_empty()
    );
    assert_eq!(
        due_feedback(&mut c, Notice::Overdue, later(101)).await,
        vec![open.id]
    );
    mark_notified(
        &mut c,
        &feedback::DEADLINES,
        open.id,
        Notice::Overdue,
        later(101),
    )
    .await;
    assert!(
        due_feedback(&mut c, Notice::Overdue, later(102))
            .await
            .is_empty()
    );
    // A transition that keeps the deadline keeps the marks; a new deadline (reopening) clears
    // them.
    open.state = FeedbackState::Acknowledged;
    open.updated_at = later(102);
    feedback::update(&mut c, &open).await.unwrap();
    assert!(
        due_feedback(&mut c, Notice::Overdue, later(103))
            .await
            .is_empty()
    );
    open.deadline = deadline(300);
    feedback::update(&mut c, &open).await.unwrap();
    assert_eq!(
        due_feedback(&mut c, Notice::Reminder, later(300)).await,
        vec![open.id]
    );
    assert_eq!(
        due_feedback(&mut c, Notice::Overdue, later(301)).await,
        vec![open.id]
    );
}
