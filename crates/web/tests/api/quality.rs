//! The watchdog through the API: a publisher's PDF without a license gets violations and
//! tickets that close once fixed (driven by the event log, as the worker does), privacy of
//! reports, who may ask for a new check, scorecards, the league table, the findings as open data
//! (JSON and CSV) and the search facets of stars and quality.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::Method;
use chrono::Utc;

use crate::support::*;

/// A real (tiny) PDF file.
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
/// A CSV table.
const CSV: &[u8] = "tinh,chi_so\nHà Nội,104.2\nĐà Nẵng,103.8\n".as_bytes();

/// The header row of the findings CSV.
const CSV_HEADER: &[&str] = &[
    "dataset_id",
    "dataset",
    "organization",
    "checked_at",
    "rule",
    "severity",
    "subject_kind",
    "subject_id",
    "message_vi",
    "message_en",
];

/// Runs the watchdog over the event log, as the worker's loop does.
async fn follow(t: &TestApp) -> usize {
    let run = t
        .app
        .follow_quality_events(Utc::now())
        .await
        .expect("watchdog follows the event log");
    run.checked
}

/// Creates a dataset of `publisher` as `who` from `fields` (slug, title and publisher added).
async fn create(t: &TestApp, who: &Person, publisher: &str, slug: &str, fields: Value) -> Value {
    let mut body = json!({
        "slug": slug,
        "title": {"vi": format!("Tập dữ liệu {slug}"), "en": format!("Dataset {slug}")},
        "publisher": publisher,
    });
    for (k, v) in fields.as_object().expect("fields object") {
        body[k] = v.clone();
    }
    ok(&t.post("/api/1/datasets", who.auth(), body).await, 201)
}

/// Rule ids of the findings of `severity` in a quality report.
fn rules_of(quality: &Value, severity: &str) -> BTreeSet<String> {
    quality["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == severity)
        .map(|f| f["rule"].as_str().expect("rule").to_string())
        .collect()
}

/// The finding of `rule` in a quality report.
fn finding<'a>(quality: &'a Value, rule: &str) -> &'a Value {
    quality["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding in {quality}"))
}

/// The dataset's watchdog tickets by rule (the latest of each rule).
async fn tickets(t: &TestApp, slug: &str) -> BTreeMap<String, Value> {
    let list = ok(
        &t.get(&format!("/api/1/datasets/{slug}/feedback"), None)
            .await,
        200,
    );
    let mut by_rule = BTreeMap::new();
    // Newest first: keep the first of each rule.
    for ticket in list.as_array().expect("feedback list") {
        if let Some(rule) = ticket["rule_id"].as_str() {
            by_rule
                .entry(rule.to_string())
                .or_insert_with(|| ticket.clone());
        }
    }
    by_rule
}

fn is_closed(ticket: &Value) -> bool {
    ["resolved", "wont_fix", "duplicate"].contains(&ticket["state"].as_str().unwrap_or_default())
}

/// Parses an RFC 4180 document (CRLF rows, quoted fields with doubled quotes).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                other => field.push(other),
            }
            continue;
        }
        match c {
            '"' => {
                assert!(
                    field.is_empty(),
                    "quote inside an unquoted field: {field:?}"
                );
                quoted = true;
            }
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            '\n' => panic!("bare LF ends a row"),
            other => field.push(other),
        }
    }
    assert!(!quoted, "unterminated quoted field");
    assert!(field.is_empty() && row.is_empty(), "last row without CRLF");
    rows
}

// --------------------------------------------------------------------------- acceptance test --

#[tokio::test]
async fn a_pdf_without_license_gets_tickets_that_close_once_fixed() {
    let w = World::new().await;
    let t = &w.t;
    let dataset = create(
        t,
        &w.editor,
        ORG,
        "chi-so-gia",
        json!({"status": "published", "access_rights": "public"}),
    )
    .await;
    assert_eq!(dataset["license"], "none");
    let pdf = w.upload("chi-so-gia", "chi-so-gia.pdf", PDF).await;
    assert_eq!(pdf["format"], "PDF");
    assert!(follow(t).await >= 1, "the new dataset is checked");

    // The report: violations of the license and format rules, in the caller's language.
    let path = "/api/1/datasets/chi-so-gia/quality";
    let en = ok(&t.get(&format!("{path}?lang=en"), None).await, 200);
    assert_eq!(en["dataset_id"], dataset["id"]);
    assert_eq!(en["slug"], "chi-so-gia");
    assert_eq!(en["organization"], ORG);
    let violations = rules_of(&en, "violation");
    assert!(violations.contains("license.present"), "{violations:?}");
    assert!(
        violations.contains("format.machine_readable"),
        "{violations:?}"
    );
    assert!(en["counts"]["violations"].as_i64().unwrap() >= 2, "{en}");
    let license = finding(&en, "license.present");
    assert_eq!(license["message"], "The dataset has no license.");
    assert_eq!(license["rule_title"], "License given");
    assert_eq!(license["subject"]["kind"], "dataset");
    assert!(
        license["fix"].as_str().unwrap().contains("CC BY 4.0"),
        "{license}"
    );
    let format = finding(&en, "format.machine_readable");
    assert_eq!(format["subject"]["kind"], "distribution");
    assert_eq!(format["subject"]["id"], pdf["id"]);
    assert!(
        format["message"].as_str().unwrap().starts_with("PDF "),
        "{format}"
    );
    assert_eq!(en["report"]["scores"]["stars"]["dataset"], 0);
    assert_eq!(
        en["can_recheck"], false,
        "anonymous callers may not recheck"
    );
    // Vietnamese by default, English by Accept-Language too.
    let vi = ok(&t.get(path, None).await, 200);
    assert_eq!(
        finding(&vi, "license.present")["message"],
        "Tập dữ liệu chưa có giấy phép sử dụng."
    );
    let negotiated = ok(
        &t.call(get_with(
            path,
            None,
            &[("accept-language", "en-US,en;q=0.9")],
        ))
        .await,
        200,
    );
    assert_eq!(
        finding(&negotiated, "license.present")["message"],
        "The dataset has no license."
    );
    // A GET does not check again: the same check, the same report.
    assert_eq!(vi["checked_at"], en["checked_at"]);
    assert_eq!(vi["report"], en["report"]);

    // The watchdog opened a ticket per violated rule, listed with the dataset's feedback.
    let open = tickets(t, "chi-so-gia").await;
    for rule in ["license.present", "format.machine_readable"] {
        let ticket = open
            .get(rule)
            .unwrap_or_else(|| panic!("no ticket for {rule}: {open:?}"));
        assert!(!is_closed(ticket), "{ticket}");
        assert_eq!(ticket["reporter_id"], Value::Null, "opened by the watchdog");
        assert_eq!(ticket["dataset_id"], dataset["id"]);
    }
    assert_eq!(open["license.present"]["kind"], "license_question");
    assert_eq!(open["format.machine_readable"]["kind"], "format_problem");
    let listed: BTreeSet<String> = pluck(en["tickets"].as_array().unwrap(), "rule")
        .into_iter()
        .collect();
    assert!(
        listed.contains("license.present") && listed.contains("format.machine_readable"),
        "{listed:?}"
    );
    // Following the log again with nothing new opens nothing more.
    assert_eq!(follow(t).await, 0);
    assert_eq!(tickets(t, "chi-so-gia").await.len(), open.len());

    // The publisher fixes it: a CSV next to the PDF, and an open license.
    w.upload("chi-so-gia", "chi-so-gia.csv", CSV).await;
    ok(
        &t.patch(
            "/api/1/datasets/chi-so-gia",
            w.editor.auth(),
            json!({"license": "cc-by-4.0"}),
        )
        .await,
        200,
    );
    assert!(follow(t).await >= 1, "the changed dataset is checked again");

    let closed = tickets(t, "chi-so-gia").await;
    for rule in ["license.present", "format.machine_readable"] {
        let ticket = &closed[rule];
        assert_eq!(ticket["id"], open[rule]["id"], "the same ticket");
        assert_eq!(ticket["state"], "resolved", "{ticket}");
        assert!(ticket["closed_at"].is_string(), "{ticket}");
        let note = ticket["resolution_note"].as_str().unwrap_or_default();
        assert!(
            note.contains("the watchdog closed this ticket"),
            "closed by the watchdog: {note:?}"
        );
    }
    let fixed = ok(&t.get(&format!("{path}?lang=en"), None).await, 200);
    let violations = rules_of(&fixed, "violation");
    assert!(!violations.contains("license.present"), "{violations:?}");
    assert!(
        !violations.contains("format.machine_readable"),
        "{violations:?}"
    );
    let stars = fixed["report"]["scores"]["stars"]["dataset"]
        .as_i64()
        .unwrap();
    assert!(stars >= 3, "an open CSV: {stars} stars");
    let listed = pluck(fixed["tickets"].as_array().unwrap(), "rule");
    assert!(
        !listed
            .iter()
            .any(|r| r == "license.present" || r == "format.machine_readable"),
        "{listed:?}"
    );
    // The history keeps both reports, oldest first.
    let history = fixed["history"].as_array().unwrap();
    assert!(history.len() >= 2, "{history:?}");
    assert_eq!(history[0]["stars"], 0);
    assert_eq!(history.last().unwrap()["stars"], stars);
}

// ------------------------------------------------------------------------------------ privacy --

#[tokio::test]
async fn private_datasets_quality_is_for_members_only() {
    let w = World::new().await;
    let t = &w.t;
    for (slug, status, access) in [
        ("noi-bo", "published", "non-public"),
        ("nhap", "draft", "public"),
        ("cong-khai", "published", "public"),
    ] {
        create(
            t,
            &w.editor,
            ORG,
            slug,
            json!({"status": status, "access_rights": access}),
        )
        .await;
        w.upload(slug, &format!("{slug}.pdf"), PDF).await;
    }
    assert_eq!(follow(t).await, 3);

    for slug in ["noi-bo", "nhap"] {
        let path = format!("/api/1/datasets/{slug}/quality");
        error(&t.get(&path, None).await, 404, "not_found");
        error(&t.get(&path, w.outsider.auth()).await, 404, "not_found");
        let seen = ok(&t.get(&path, w.member.auth()).await, 200);
        assert_eq!(seen["slug"], slug);
        assert!(rules_of(&seen, "violation").contains("license.present"));
        assert_eq!(seen["can_recheck"], false, "members may not recheck");
        let seen = ok(&t.get(&path, w.editor.auth()).await, 200);
        assert_eq!(seen["can_recheck"], true);
        ok(&t.get(&path, w.sysadmin.auth()).await, 200);
    }
    ok(&t.get("/api/1/datasets/cong-khai/quality", None).await, 200);
    error(
        &t.get("/api/1/datasets/khong-co/quality", None).await,
        404,
        "not_found",
    );

    // The league and the open data count only the public dataset.
    let league = ok(&t.get("/api/1/quality/organizations", None).await, 200);
    let league = league.as_array().expect("league").clone();
    assert_eq!(pluck(&league, "organization"), vec![ORG]);
    assert_eq!(league[0]["datasets"], 1);
    let findings = ok(&t.get("/api/1/quality/findings.json", None).await, 200);
    let findings = findings.as_array().expect("findings").clone();
    assert!(!findings.is_empty());
    let datasets: BTreeSet<String> = pluck(&findings, "dataset").into_iter().collect();
    assert_eq!(datasets, BTreeSet::from(["cong-khai".to_string()]));
    let csv = t.get("/api/1/quality/findings.csv", None).await;
    status(&csv, 200);
    let body = text(&csv);
    assert!(!body.contains("noi-bo") && !body.contains("nhap"), "{body}");

    // The scorecard: public datasets for everyone, all of them for members.
    let path = format!("/api/1/organizations/{ORG}/quality");
    let public = ok(&t.get(&path, None).await, 200);
    assert_eq!(public["public_only"], true);
    assert_eq!(public["datasets"], 1);
    assert_eq!(
        pluck(public["datasets_list"].as_array().unwrap(), "slug"),
        vec!["cong-khai"]
    );
    let outsider = ok(&t.get(&path, w.outsider.auth()).await, 200);
    assert_eq!(outsider["datasets"], 1);
    let inside = ok(&t.get(&path, w.member.auth()).await, 200);
    assert_eq!(inside["public_only"], false);
    assert_eq!(inside["datasets"], 3);
    let slugs: BTreeSet<String> = pluck(inside["datasets_list"].as_array().unwrap(), "slug")
        .into_iter()
        .collect();
    assert_eq!(
        slugs,
        ["cong-khai", "nhap", "noi-bo"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );

    // Publishing the draft makes its report public at its next check.
    ok(
        &t.patch(
            "/api/1/datasets/nhap",
            w.editor.auth(),
            json!({"status": "published"}),
        )
        .await,
        200,
    );
    assert_eq!(follow(t).await, 1);
    ok(&t.get("/api/1/datasets/nhap/quality", None).await, 200);
    let findings = ok(&t.get("/api/1/quality/findings.json", None).await, 200);
    let datasets: BTreeSet<String> = pluck(findings.as_array().unwrap(), "dataset")
        .into_iter()
        .collect();
    assert_eq!(
        datasets,
        BTreeSet::from(["cong-khai".to_string(), "nhap".to_string()])
    );
}

// ---------------------------------------------------------------------------------- rechecks --

#[tokio::test]
async fn only_the_publishers_editors_and_the_team_may_recheck() {
    let w = World::new().await;
    let t = &w.t;
    create(
        t,
        &w.editor,
        ORG,
        "kiem-tra",
        json!({"status": "published", "access_rights": "public", "license": "cc-by-4.0"}),
    )
    .await;
    let path = "/api/1/datasets/kiem-tra/quality";
    let recheck = |token: Option<&str>, path: &str| {
        let path = path.to_string();
        let token = token.map(str::to_string);
        async move { t.send(Method::POST, &path, token.as_deref(), None).await }
    };
    error(&recheck(None, path).await, 401, "unauthenticated");
    error(&recheck(w.outsider.auth(), path).await, 403, "forbidden");
    error(&recheck(w.member.auth(), path).await, 403, "forbidden");

    // The editor's recheck runs the checks now, with their tickets.
    let first = ok(&recheck(w.editor.auth(), path).await, 200);
    assert_eq!(first["slug"], "kiem-tra");
    assert_eq!(first["can_recheck"], true);
    assert!(!rules_of(&first, "violation").contains("license.present"));
    w.upload("kiem-tra", "kiem-tra.pdf", PDF).await;
    let second = ok(&recheck(w.editor.auth(), path).await, 200);
    assert!(
        rules_of(&second, "violation").contains("format.machine_readable"),
        "the new PDF is seen without waiting for the watchdog: {second}"
    );
    assert!(
        second["checked_at"].as_str().unwrap() >= first["checked_at"].as_str().unwrap(),
        "{second}"
    );
    let open = tickets(t, "kiem-tra").await;
    assert!(
        open.get("format.machine_readable")
            .is_some_and(|ticket| !is_closed(ticket)),
        "{open:?}"
    );
    // The answer is in the caller's language.
    let english = ok(
        &recheck(w.admin.auth(), &format!("{path}?lang=en")).await,
        200,
    );
    assert_eq!(
        finding(&english, "format.machine_readable")["rule_title"],
        "Machine-readable"
    );
    ok(&recheck(w.sysadmin.auth(), path).await, 200);

    // Private datasets stay unseen; unknown ones are 404.
    create(
        t,
        &w.editor,
        ORG,
        "kiem-tra-noi-bo",
        json!({"status": "published", "access_rights": "non-public"}),
    )
    .await;
    let private = "/api/1/datasets/kiem-tra-noi-bo/quality";
    error(&recheck(w.outsider.auth(), private).await, 404, "not_found");
    error(&recheck(w.member.auth(), private).await, 403, "forbidden");
    ok(&recheck(w.editor.auth(), private).await, 200);
    error(
        &recheck(w.editor.auth(), "/api/1/datasets/khong-co/quality").await,
        404,
        "not_found",
    );
}

// ------------------------------------------------- scorecards, league, open data and facets --

/// A small catalog: an open CSV, a non-open license with a PDF, a private dataset, and a
/// dataset of the other organization with neither license nor file; all checked.
async fn catalog() -> World {
    let w = World::new().await;
    let t = &w.t;
    create(
        t,
        &w.editor,
        ORG,
        "dan-so",
        json!({"status": "published", "access_rights": "public", "license": "cc-by-4.0"}),
    )
    .await;
    w.upload("dan-so", "dan-so.csv", CSV).await;
    create(
        t,
        &w.editor,
        ORG,
        "bao-cao",
        json!({"status": "published", "access_rights": "public", "license": "cc-by-nc-4.0"}),
    )
    .await;
    w.upload("bao-cao", "bao-cao.pdf", PDF).await;
    create(
        t,
        &w.editor,
        ORG,
        "mat",
        json!({"status": "published", "access_rights": "non-public", "license": "cc-by-4.0"}),
    )
    .await;
    w.upload("mat", "mat.csv", CSV).await;
    create(
        t,
        &w.outsider,
        OTHER_ORG,
        "hoi-vien",
        json!({"status": "published", "access_rights": "public"}),
    )
    .await;
    assert_eq!(follow(t).await, 4);
    w
}

/// The public datasets' reports (anonymous), by slug.
async fn public_reports(t: &TestApp) -> BTreeMap<&'static str, Value> {
    let mut reports = BTreeMap::new();
    for slug in ["dan-so", "bao-cao", "hoi-vien"] {
        let report = ok(
            &t.get(&format!("/api/1/datasets/{slug}/quality"), None)
                .await,
            200,
        );
        reports.insert(slug, report);
    }
    reports
}

#[tokio::test]
async fn scorecards_and_the_league_table_sum_up_the_reports() {
    let w = catalog().await;
    let t = &w.t;
    let reports = public_reports(t).await;
    let stars = |slug: &str| {
        reports[slug]["report"]["scores"]["stars"]["dataset"]
            .as_i64()
            .unwrap()
    };
    let mqa = |slug: &str| {
        reports[slug]["report"]["scores"]["mqa"]["points"]
            .as_f64()
            .unwrap()
    };
    let violations = |slug: &str| reports[slug]["counts"]["violations"].as_i64().unwrap();
    assert!(stars("dan-so") >= 3);
    assert_eq!(stars("bao-cao"), 0, "no open license, no star");
    assert!(rules_of(&reports["bao-cao"], "violation").contains("license.open"));

    // The scorecard of the publisher, for the public.
    let card = ok(
        &t.get(&format!("/api/1/organizations/{ORG}/quality?lang=en"), None)
            .await,
        200,
    );
    assert_eq!(card["organization"], ORG);
    assert_eq!(card["public_only"], true);
    assert_eq!(card["datasets"], 2);
    let per_star = card["stars"].as_array().unwrap();
    assert_eq!(per_star.len(), 6);
    assert_eq!(per_star.iter().map(|n| n.as_i64().unwrap()).sum::<i64>(), 2);
    assert_eq!(per_star[0], 1);
    assert_eq!(per_star[stars("dan-so") as usize], 1);
    let bands: i64 = card["bands"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_i64().unwrap())
        .sum();
    assert_eq!(bands, 2);
    let average = (mqa("dan-so") + mqa("bao-cao")) / 2.0;
    assert!(
        (card["mqa_average"].as_f64().unwrap() - average).abs() < 1e-6,
        "{card}"
    );
    assert_eq!(
        card["violations"].as_i64().unwrap(),
        violations("dan-so") + violations("bao-cao")
    );
    let open_license = card["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "license.open")
        .unwrap_or_else(|| panic!("license.open in {card}"));
    assert_eq!(open_license["datasets"], 1);
    assert_eq!(open_license["title"], "Open license");
    let vietnamese = ok(
        &t.get(&format!("/api/1/organizations/{ORG}/quality"), None)
            .await,
        200,
    );
    let title = vietnamese["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "license.open")
        .unwrap()["title"]
        .clone();
    assert_eq!(title, "Giấy phép mở");
    let trend = card["trend"].as_array().unwrap();
    assert_eq!(trend.last().unwrap()["day"], today());
    // Members see the private dataset counted too; unknown organizations are 404.
    let inside = ok(
        &t.get(
            &format!("/api/1/organizations/{ORG}/quality"),
            w.member.auth(),
        )
        .await,
        200,
    );
    assert_eq!(inside["datasets"], 3);
    error(
        &t.get("/api/1/organizations/khong-co/quality", None).await,
        404,
        "not_found",
    );

    // The league: both organizations, best average first, public datasets only.
    let league = ok(&t.get("/api/1/quality/organizations", None).await, 200);
    let league = league.as_array().unwrap().clone();
    assert_eq!(league.len(), 2, "{league:?}");
    assert_eq!(pluck(&league, "rank"), vec!["1", "2"]);
    let averages: Vec<f64> = league
        .iter()
        .map(|e| e["mqa_average"].as_f64().unwrap())
        .collect();
    assert!(averages[0] >= averages[1], "{averages:?}");
    let gso = league.iter().find(|e| e["organization"] == ORG).unwrap();
    assert_eq!(gso["datasets"], 2);
    assert!(
        (gso["three_stars_share"].as_f64().unwrap() - 0.5).abs() < 1e-9,
        "{gso}"
    );
    assert_eq!(gso["violations"], card["violations"]);
    assert!((gso["mqa_average"].as_f64().unwrap() - average).abs() < 1e-6);
    assert_eq!(gso["name"]["en"], format!("Organization {ORG}"));
    let other = league
        .iter()
        .find(|e| e["organization"] == OTHER_ORG)
        .unwrap();
    assert_eq!(other["datasets"], 1);
    assert_eq!(
        other["violations"].as_i64().unwrap(),
        violations("hoi-vien")
    );
}

#[tokio::test]
async fn findings_are_open_data_in_json_and_csv() {
    let w = catalog().await;
    let t = &w.t;
    let reports = public_reports(t).await;
    let expected: usize = reports
        .values()
        .map(|r| r["findings"].as_array().unwrap().len())
        .sum();

    let response = t.get("/api/1/quality/findings.json", None).await;
    let rows = ok(&response, 200);
    assert_eq!(
        response.header("content-disposition").as_deref(),
        Some("attachment; filename=\"quality-findings.json\"")
    );
    let rows = rows.as_array().expect("rows").clone();
    assert_eq!(
        rows.len(),
        expected,
        "a row per finding of a public dataset"
    );
    for row in &rows {
        assert_keys(row, CSV_HEADER);
        let slug = row["dataset"].as_str().unwrap();
        let report = reports
            .get(slug)
            .unwrap_or_else(|| panic!("{slug} is not public"));
        assert_eq!(row["dataset_id"], report["dataset_id"]);
        assert_eq!(row["organization"], report["organization"]);
        assert!(
            report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == row["rule"] && f["severity"] == row["severity"]),
            "{row}"
        );
    }
    let not_open = rows
        .iter()
        .find(|r| r["dataset"] == "bao-cao" && r["rule"] == "license.open")
        .expect("license.open of bao-cao");
    assert_eq!(
        not_open["message_vi"],
        "Giấy phép cc-by-nc-4.0 không phải là giấy phép mở: người dùng không được tự do sử dụng, sửa đổi và chia sẻ dữ liệu."
    );
    assert_eq!(
        not_open["message_en"],
        "The license cc-by-nc-4.0 is not open: people may not freely use, change and share the data."
    );
    assert_eq!(not_open["severity"], "violation");
    assert_eq!(not_open["subject_kind"], "dataset");

    // One organization's findings.
    let of_org = ok(
        &t.get(
            &format!("/api/1/quality/findings.json?organization={ORG}"),
            None,
        )
        .await,
        200,
    );
    let of_org = of_org.as_array().unwrap().clone();
    let wanted = reports["dan-so"]["findings"].as_array().unwrap().len()
        + reports["bao-cao"]["findings"].as_array().unwrap().len();
    assert_eq!(of_org.len(), wanted);
    assert!(of_org.iter().all(|r| r["organization"] == ORG));
    error(
        &t.get("/api/1/quality/findings.json?organization=khong-co", None)
            .await,
        404,
        "not_found",
    );

    // The CSV: a header row, then the same rows with RFC 4180 quoting.
    let response = t.get("/api/1/quality/findings.csv", None).await;
    status(&response, 200);
    assert_eq!(
        response.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        response.header("content-disposition").as_deref(),
        Some("attachment; filename=\"quality-findings.csv\"")
    );
    let body = text(&response);
    assert!(
        body.contains("\"Giấy phép cc-by-nc-4.0 không phải là giấy phép mở: người dùng không được tự do sử dụng, sửa đổi và chia sẻ dữ liệu.\""),
        "a field with commas is quoted: {body}"
    );
    let table = parse_csv(&body);
    assert_eq!(table[0], CSV_HEADER);
    assert_eq!(table.len(), rows.len() + 1);
    for (line, row) in table[1..].iter().zip(&rows) {
        assert_eq!(line.len(), CSV_HEADER.len(), "{line:?}");
        for (column, cell) in CSV_HEADER.iter().zip(line) {
            match *column {
                "checked_at" => {
                    let at = chrono::DateTime::parse_from_rfc3339(cell).expect("RFC 3339");
                    let json =
                        chrono::DateTime::parse_from_rfc3339(row["checked_at"].as_str().unwrap())
                            .unwrap();
                    assert_eq!(at, json);
                }
                _ => assert_eq!(row[*column].as_str(), Some(cell.as_str()), "{column}"),
            }
        }
    }
    let response = t
        .get(
            &format!("/api/1/quality/findings.csv?organization={ORG}"),
            None,
        )
        .await;
    status(&response, 200);
    assert_eq!(
        response.header("content-disposition").as_deref(),
        Some(format!("attachment; filename=\"quality-findings-{ORG}.csv\"").as_str())
    );
    assert_eq!(parse_csv(&text(&response)).len(), wanted + 1);
}

#[tokio::test]
async fn search_counts_stars_and_quality_bands() {
    let w = catalog().await;
    let t = &w.t;
    let reports = public_reports(t).await;
    t.sync_search().await;

    let mut stars: BTreeMap<String, u64> = BTreeMap::new();
    let mut bands: BTreeMap<String, u64> = BTreeMap::new();
    for report in reports.values() {
        let scores = &report["report"]["scores"];
        *stars
            .entry(scores["stars"]["dataset"].to_string())
            .or_default() += 1;
        *bands
            .entry(scores["mqa"]["band"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let body = ok(
        &t.get("/api/1/search?facets=stars,quality", None).await,
        200,
    );
    assert_eq!(body["total"], 3, "public datasets only");
    let counted = |facet: &str| -> BTreeMap<String, u64> {
        body["facets"][facet]
            .as_array()
            .unwrap_or_else(|| panic!("{facet} facet in {body}"))
            .iter()
            .map(|b| {
                (
                    b["value"].as_str().unwrap().to_string(),
                    b["count"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(counted("stars"), stars);
    assert_eq!(counted("quality"), bands);

    // Filtering by stars finds the open CSV.
    let three = reports["dan-so"]["report"]["scores"]["stars"]["dataset"].to_string();
    let filtered = ok(
        &t.get(
            &format!("/api/1/search?filters=stars:{three}&facets="),
            None,
        )
        .await,
        200,
    );
    assert_eq!(
        pluck(filtered["results"].as_array().unwrap(), "slug"),
        vec!["dan-so"]
    );
    // Members count their private dataset too.
    let inside = ok(
        &t.get("/api/1/search?facets=stars", w.member.auth()).await,
        200,
    );
    let total: u64 = inside["facets"]["stars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 4);
}
