//! Search and autocomplete: Vietnamese folding, ranking on the demo catalog, facets and filters,
//! visibility, the index following changes (and another instance tailing the log), hostile and
//! malformed input.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use dulieu_app::App;
use dulieu_core::account::Actor;
use dulieu_search::{SearchRequest, Viewer};

use crate::support::*;

/// A query string value, percent-encoded.
fn enc(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// `GET /api/1/search?{query}` as `token`; asserts 200 and returns the body.
async fn search(t: &TestApp, query: &str, token: Option<&str>) -> Value {
    let response = t.get(&format!("/api/1/search?{query}"), token).await;
    ok(&response, 200)
}

/// The slugs of the results, in order.
fn slugs(body: &Value) -> Vec<String> {
    pluck(body["results"].as_array().expect("results"), "slug")
}

/// The slugs of the results, as a set.
fn slug_set(body: &Value) -> BTreeSet<String> {
    slugs(body).into_iter().collect()
}

/// A set of slugs.
fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// `GET /api/1/suggest?{query}` as `token`; asserts 200 and returns the body.
async fn suggest(t: &TestApp, query: &str, token: Option<&str>) -> Value {
    let response = t.get(&format!("/api/1/suggest?{query}"), token).await;
    ok(&response, 200)
}

/// The `field` of each suggestion of `kind` (`datasets`, `organizations`, `keywords`).
fn suggested(body: &Value, kind: &str, field: &str) -> Vec<String> {
    pluck(body[kind].as_array().expect("a suggestion list"), field)
}

/// Creates a published, public dataset of `ORG` as the editor, with `extra` fields merged in.
async fn create(w: &World, slug: &str, vi: &str, en: &str, extra: Value) -> Value {
    let mut body = json!({
        "slug": slug,
        "title": {"vi": vi, "en": en},
        "publisher": ORG,
        "license": "cc-by-4.0",
        "status": "published",
        "access_rights": "public",
    });
    for (key, value) in extra.as_object().expect("extra fields") {
        body[key] = value.clone();
    }
    ok(
        &w.t.post("/api/1/datasets", w.editor.auth(), body).await,
        201,
    )
}

/// The demo catalog, loaded and indexed.
async fn demo() -> TestApp {
    TestApp::demo().await
}

/// A second application on the same database with its own search index (a second server).
async fn second_instance(t: &TestApp) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = t.config.clone();
    config.search.index_dir = dir.path().join("search").display().to_string();
    let app = App::open(&config).await.expect("open a second instance");
    app.start_search().await.expect("start its search");
    (app, dir)
}

/// The slugs a search by `app` finds for `q`, seen by the system.
async fn found_by(app: &App, q: &str) -> BTreeSet<String> {
    let results = app
        .search(&Actor::system(), SearchRequest::new(q, Viewer::default()))
        .await
        .expect("search");
    results.results.into_iter().map(|h| h.slug).collect()
}

// ------------------------------------------------------------------------------ Vietnamese text --

#[tokio::test]
async fn every_spelling_of_ha_noi_finds_the_same_datasets() {
    let w = World::new().await;
    create(
        &w,
        "dan-so-ha-noi",
        "Dân số Hà Nội 2024",
        "Population of Hanoi 2024",
        json!({}),
    )
    .await;
    create(
        &w,
        "giao-thong-thu-do",
        "Lưu lượng giao thông",
        "Traffic counts",
        json!({"description": {"vi": "Đo đếm tại các nút giao của Hà Nội."}}),
    )
    .await;
    create(
        &w,
        "dan-so-hai-phong",
        "Dân số Hải Phòng",
        "Population of Hai Phong",
        json!({}),
    )
    .await;
    create(
        &w,
        "ha-long",
        "Du lịch Hạ Long",
        "Ha Long tourism",
        json!({}),
    )
    .await;
    w.t.sync_search().await;

    let expected = set(&["dan-so-ha-noi", "giao-thong-thu-do"]);
    // Typed without marks, capitalised, with marks (precomposed and decomposed), upper case.
    for q in [
        "ha noi",
        "Ha Noi",
        "hà nội",
        "ha\u{300} no\u{323}\u{302}i",
        "HÀ NỘI",
        "  hà   NỘI ",
    ] {
        let body = search(&w.t, &format!("q={}&facets=", enc(q)), None).await;
        assert_eq!(slug_set(&body), expected, "q={q:?}: {body}");
        assert_eq!(body["total"], 2, "q={q:?}");
        assert_eq!(body["relaxed"], false, "q={q:?}");
        assert_eq!(
            slugs(&body)[0],
            "dan-so-ha-noi",
            "a title match ranks above a description match (q={q:?})"
        );
    }
    // The match is marked in the original spelling.
    let body = search(&w.t, "q=ha+noi", None).await;
    let title = body["results"][0]["highlights"]["title"]
        .as_str()
        .unwrap_or_default();
    assert!(title.contains("<mark>Hà</mark> <mark>Nội</mark>"), "{body}");
    // Đ folds to d.
    let body = search(&w.t, "q=dan+so&facets=", None).await;
    assert_eq!(
        slug_set(&body),
        set(&["dan-so-ha-noi", "dan-so-hai-phong"]),
        "{body}"
    );
}

#[tokio::test]
async fn ngan_sach_ranks_the_ministry_of_finance_budget_datasets_first() {
    let t = demo().await;
    // The four datasets with "ngân sách" in their title, then the one with it only in keywords.
    let budgets = set(&[
        "mof-budgets-ministries-agencies-provinces",
        "mof-annual-state-budget-reports",
        "mof-citizens-budget",
        "mof-state-budget-estimates",
    ]);
    for q in ["ngan sach", "ngân sách", "Ngân Sách", "NGAN SACH"] {
        let body = search(&t, &format!("q={}&facets=", enc(q)), None).await;
        let found = slugs(&body);
        assert!(found.len() >= 5, "q={q:?}: {body}");
        let top: BTreeSet<String> = found[..4].iter().cloned().collect();
        assert_eq!(top, budgets, "q={q:?}: {found:?}");
        assert_eq!(found[4], "mof-final-account-reports", "q={q:?}: {found:?}");
        let results = body["results"].as_array().unwrap();
        for hit in &results[..5] {
            assert_eq!(hit["publisher"]["slug"], "mof", "q={q:?}: {hit}");
        }
        for hit in &results[..4] {
            let title = hit["highlights"]["title"].as_str().unwrap_or_default();
            assert!(title.contains("<mark>"), "q={q:?}: {hit}");
        }
        let scores: Vec<f64> = results
            .iter()
            .map(|h| h["score"].as_f64().unwrap())
            .collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "best match first: {scores:?}"
        );
    }
    // The same datasets come first in English.
    let body = search(&t, "q=state+budget&facets=", None).await;
    let found = slugs(&body);
    assert!(found[..3].iter().all(|s| budgets.contains(s)), "{found:?}");
}

// ------------------------------------------------------------------------------ facets, filters --

/// Counts of each facet value over the catalog, computed from the dataset list API.
fn expected_counts(datasets: &[Value]) -> BTreeMap<&'static str, BTreeMap<String, u64>> {
    let mut counts: BTreeMap<&'static str, BTreeMap<String, u64>> = BTreeMap::new();
    let mut add = |facet: &'static str, values: BTreeSet<String>| {
        for value in values {
            *counts.entry(facet).or_default().entry(value).or_default() += 1;
        }
    };
    for d in datasets {
        let strings = |v: &Value| -> BTreeSet<String> {
            v.as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        };
        add("organization", set(&[d["publisher"].as_str().unwrap()]));
        add("provenance", set(&[d["provenance"].as_str().unwrap()]));
        add("license", set(&[d["license"].as_str().unwrap()]));
        add(
            "open_license",
            set(&[if d["license_open"] == true {
                "yes"
            } else {
                "no"
            }]),
        );
        add("theme", strings(&d["themes"]));
        add(
            "keyword",
            strings(&d["keywords"])
                .iter()
                .map(|k| k.trim().to_lowercase())
                .collect(),
        );
        add(
            "format",
            d["distributions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x["format"].as_str().map(str::to_uppercase))
                .collect(),
        );
        if let Some(frequency) = d["frequency"].as_str() {
            add("frequency", set(&[frequency]));
        }
    }
    counts
}

#[tokio::test]
async fn facet_counts_match_the_catalog_and_filters_combine() {
    let t = demo().await;
    let list = ok(&t.get("/api/1/datasets?page_size=100", None).await, 200);
    let datasets = list["results"].as_array().unwrap().clone();
    assert_eq!(datasets.len(), 49);
    let expected = expected_counts(&datasets);

    // Every facet by default, counted over the whole catalog.
    let body = search(&t, "page_size=1", None).await;
    assert_eq!(body["total"], 49);
    let facets = body["facets"].as_object().expect("facets");
    assert_eq!(
        facets.keys().cloned().collect::<BTreeSet<_>>(),
        set(&[
            "format",
            "frequency",
            "keyword",
            "license",
            "open_license",
            "organization",
            "organization_kind",
            "provenance",
            "quality",
            "stars",
            "theme"
        ])
    );
    // The demo catalog has not been checked by the watchdog yet: no stars nor band to count
    // (the counts once checked are tested with the watchdog's API).
    for facet in ["stars", "quality"] {
        assert_eq!(facets[facet], json!([]), "{facet}");
    }
    for (facet, wanted) in &expected {
        let buckets = facets[*facet].as_array().expect("buckets");
        assert_eq!(buckets.len(), wanted.len().min(50), "{facet}: {buckets:?}");
        let counts: Vec<u64> = buckets
            .iter()
            .map(|b| b["count"].as_u64().unwrap())
            .collect();
        assert!(
            counts.windows(2).all(|w| w[0] >= w[1]),
            "{facet}: most frequent first: {counts:?}"
        );
        for bucket in buckets {
            let value = bucket["value"].as_str().unwrap();
            assert_eq!(
                Some(&bucket["count"].as_u64().unwrap()),
                wanted.get(value),
                "{facet}={value}"
            );
        }
    }
    assert_eq!(facets["organization_kind"][0]["value"], "national");
    let mof = facets["organization"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["value"] == "mof")
        .expect("mof bucket");
    assert_eq!(
        mof["label"],
        json!({"vi": "Bộ Tài chính", "en": "Ministry of Finance"})
    );

    // Only the facets asked for; none when the list is empty.
    let body = search(&t, "facets=theme,format", None).await;
    assert_eq!(
        body["facets"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        vec!["format", "theme"]
    );
    let body = search(&t, "facets=", None).await;
    assert_eq!(body["facets"], json!({}));

    // Values of one facet are alternatives; facets combine.
    let count = |pred: &dyn Fn(&Value) -> bool| datasets.iter().filter(|d| pred(d)).count();
    let has_theme =
        |d: &Value, theme: &str| d["themes"].as_array().unwrap().iter().any(|x| x == theme);
    let envi_or_heal = count(&|d| has_theme(d, "ENVI") || has_theme(d, "HEAL"));
    let body = search(
        &t,
        "filters=theme:ENVI,theme:HEAL&page_size=100&facets=",
        None,
    )
    .await;
    assert_eq!(body["total"], envi_or_heal as u64, "{body}");
    let mof_gove = count(&|d| d["publisher"] == "mof" && has_theme(d, "GOVE"));
    assert!(mof_gove > 0 && mof_gove < 9);
    let body = search(
        &t,
        "filters=organization:mof&filters=theme:GOVE&page_size=100&facets=",
        None,
    )
    .await;
    assert_eq!(body["total"], mof_gove as u64, "{body}");
    for hit in body["results"].as_array().unwrap() {
        assert_eq!(hit["publisher"]["slug"], "mof");
        assert!(
            hit["themes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x == "GOVE")
        );
    }
    let either_gove =
        count(&|d| (d["publisher"] == "mof" || d["publisher"] == "sbv") && has_theme(d, "GOVE"));
    let body = search(
        &t,
        "filters=organization:mof,organization:sbv,theme:GOVE&facets=organization,theme",
        None,
    )
    .await;
    assert_eq!(body["total"], either_gove as u64, "{body}");
    // A filtered facet is counted without its own filter (its other values stay selectable),
    // the other facets with every filter.
    let organizations = &body["facets"]["organization"];
    let gove_of = |org: &str| count(&|d| d["publisher"] == org && has_theme(d, "GOVE")) as u64;
    for bucket in organizations.as_array().unwrap() {
        let org = bucket["value"].as_str().unwrap();
        assert_eq!(bucket["count"].as_u64().unwrap(), gove_of(org), "{org}");
    }
    let econ = body["facets"]["theme"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["value"] == "ECON")
        .expect("ECON bucket");
    let mof_or_sbv_econ =
        count(&|d| (d["publisher"] == "mof" || d["publisher"] == "sbv") && has_theme(d, "ECON"));
    assert_eq!(econ["count"], mof_or_sbv_econ as u64);
    // A value nobody has: nothing, not an error.
    let body = search(&t, "filters=format:NOPE", None).await;
    assert_eq!(body["total"], 0);
    // Text and filters together.
    let body = search(&t, "q=ngan+sach&filters=theme:GOVE&facets=", None).await;
    assert!(slugs(&body).iter().all(|s| s.starts_with("mof-")), "{body}");
}

#[tokio::test]
async fn sorting_and_paging() {
    let w = World::new().await;
    let tag = json!(["kiểm thử sắp xếp"]);
    create(
        &w,
        "dat-dai",
        "Đất đai",
        "Land",
        json!({"keywords": tag, "modified": "2022-05-01"}),
    )
    .await;
    create(
        &w,
        "an-ninh",
        "An ninh",
        "Security",
        json!({"keywords": tag, "modified": "2020-05-01"}),
    )
    .await;
    create(
        &w,
        "bao-hiem",
        "Bảo hiểm",
        "Insurance",
        json!({"keywords": tag, "modified": "2024-05-01"}),
    )
    .await;
    create(
        &w,
        "khac",
        "Khác",
        "Other",
        json!({"modified": "2025-01-01"}),
    )
    .await;
    w.t.sync_search().await;
    let filter = format!("filters={}", enc("keyword:kiểm thử sắp xếp"));
    let by = |sort: &str| format!("{filter}&sort={sort}&facets=");
    assert_eq!(
        slugs(&search(&w.t, &by("title"), None).await),
        vec!["an-ninh", "bao-hiem", "dat-dai"],
        "by title, marks folded (Đ sorts as D)"
    );
    assert_eq!(
        slugs(&search(&w.t, &by("modified"), None).await),
        vec!["bao-hiem", "dat-dai", "an-ninh"],
        "most recently modified first"
    );
    let second = search(&w.t, &format!("{}&page=2&page_size=1", by("title")), None).await;
    assert_eq!(slugs(&second), vec!["bao-hiem"]);
    assert_eq!(
        (
            second["total"].clone(),
            second["page"].clone(),
            second["page_size"].clone()
        ),
        (json!(3), json!(2), json!(1))
    );
    let beyond = search(&w.t, &format!("{}&page=4&page_size=1", by("title")), None).await;
    assert_eq!(
        (slugs(&beyond).len(), beyond["total"].clone()),
        (0, json!(3))
    );
    // The keyword filter value is the keyword in lower case.
    let keyword = search(&w.t, "facets=keyword", None).await;
    assert!(
        keyword["facets"]["keyword"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["value"] == "kiểm thử sắp xếp" && b["count"] == 3),
        "{keyword}"
    );
}

// ------------------------------------------------------------------------------------ visibility --

#[tokio::test]
async fn drafts_and_non_public_datasets_are_seen_only_by_those_allowed() {
    let w = World::new().await;
    create(
        &w,
        "thuy-van-cong-khai",
        "Thủy văn công khai",
        "Public hydrology",
        json!({"keywords": ["thủy văn"]}),
    )
    .await;
    create(
        &w,
        "thuy-van-nhap",
        "Thủy văn bản nháp",
        "Draft hydrology",
        json!({"status": "draft", "keywords": ["bí mật nội bộ"]}),
    )
    .await;
    create(
        &w,
        "thuy-van-noi-bo",
        "Thủy văn nội bộ",
        "Internal hydrology",
        json!({"access_rights": "non-public", "keywords": ["bí mật nội bộ"]}),
    )
    .await;
    create(
        &w,
        "thuy-van-han-che",
        "Thủy văn hạn chế",
        "Restricted hydrology",
        json!({"access_rights": "restricted"}),
    )
    .await;
    let other = ok(
        &w.t.post(
            "/api/1/datasets",
            w.outsider.auth(),
            json!({"slug": "thuy-van-hoi", "title": {"vi": "Thủy văn của hội"}, "publisher": OTHER_ORG, "license": "cc-by-4.0", "status": "draft"}),
        )
        .await,
        201,
    );
    assert_eq!(other["status"], "draft");
    w.t.sync_search().await;

    let public = set(&["thuy-van-cong-khai"]);
    let of_org = set(&[
        "thuy-van-cong-khai",
        "thuy-van-nhap",
        "thuy-van-noi-bo",
        "thuy-van-han-che",
    ]);
    let mut everything = of_org.clone();
    everything.insert("thuy-van-hoi".into());
    let mut of_other = public.clone();
    of_other.insert("thuy-van-hoi".into());
    let viewers: [(&str, Option<&str>, &BTreeSet<String>); 6] = [
        ("anonymous", None, &public),
        ("outsider", w.outsider.auth(), &of_other),
        ("member", w.member.auth(), &of_org),
        ("editor", w.editor.auth(), &of_org),
        ("admin", w.admin.auth(), &of_org),
        ("sysadmin", w.sysadmin.auth(), &everything),
    ];
    for (who, token, expected) in viewers {
        let body = search(&w.t, "q=thuy+van&facets=organization", token).await;
        assert_eq!(&slug_set(&body), expected, "{who}");
        assert_eq!(body["total"], expected.len() as u64, "{who}");
        let counted: u64 = body["facets"]["organization"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["count"].as_u64().unwrap())
            .sum();
        assert_eq!(
            counted,
            expected.len() as u64,
            "{who}: facet counts leak nothing"
        );
        // Filters cannot reveal what the viewer may not see.
        let filtered = search(&w.t, &format!("filters=organization:{ORG}&facets="), token).await;
        let of_org_seen = expected
            .iter()
            .filter(|s| s.as_str() != "thuy-van-hoi")
            .count();
        assert_eq!(filtered["total"], of_org_seen as u64, "{who}");
        let empty_query = search(&w.t, "facets=", token).await;
        assert_eq!(empty_query["total"], expected.len() as u64, "{who}");
        // Suggestions obey the same rule.
        let suggestions = suggest(&w.t, "q=thuy+v&limit=20", token).await;
        let datasets: BTreeSet<String> = suggested(&suggestions, "datasets", "slug")
            .into_iter()
            .collect();
        assert_eq!(&datasets, expected, "{who}: suggested datasets");
        // Keywords are suggested from public datasets only, whoever asks.
        let secret = suggest(&w.t, "q=bi+mat", token).await;
        assert_eq!(secret["keywords"], json!([]), "{who}");
        let open = suggest(&w.t, "q=thuy+v", token).await;
        assert_eq!(
            suggested(&open, "keywords", "keyword"),
            vec!["thủy văn"],
            "{who}"
        );
    }

    // A role granted later counts at once (visibility is the caller's, not the index's).
    w.t.grant(ORG, &w.outsider.email, dulieu_core::vocab::Role::Member)
        .await;
    let body = search(&w.t, "q=thuy+van&facets=", w.outsider.auth()).await;
    assert_eq!(slug_set(&body), everything);

    // Publishing the draft shows it to everyone; making the public one non-public hides it.
    ok(
        &w.t.patch(
            "/api/1/datasets/thuy-van-nhap",
            w.editor.auth(),
            json!({"status": "published"}),
        )
        .await,
        200,
    );
    ok(
        &w.t.patch(
            "/api/1/datasets/thuy-van-cong-khai",
            w.editor.auth(),
            json!({"access_rights": "non-public"}),
        )
        .await,
        200,
    );
    w.t.sync_search().await;
    let body = search(&w.t, "q=thuy+van&facets=", None).await;
    assert_eq!(slug_set(&body), set(&["thuy-van-nhap"]));
    let open = suggest(&w.t, "q=thuy+v", None).await;
    assert_eq!(suggested(&open, "datasets", "slug"), vec!["thuy-van-nhap"]);
}

// ---------------------------------------------------------------------------------- live update --

#[tokio::test]
async fn changes_reach_the_index_create_update_delete() {
    let w = World::new().await;
    let empty = w.t.sync_search().await;
    assert_eq!(search(&w.t, "q=khi+tuong", None).await["total"], 0);

    // create
    let created = create(
        &w,
        "bo-so-1",
        "Số liệu khí tượng",
        "Weather data",
        json!({}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_string();
    let seq = w.t.sync_search().await;
    assert!(seq > empty, "the index moved to the new end of the log");
    assert_eq!(w.t.app.search_index().unwrap().indexed_seq(), Some(seq));
    let body = search(&w.t, "q=khi+tuong", None).await;
    assert_eq!(slugs(&body), vec!["bo-so-1"]);
    assert_eq!(body["results"][0]["id"], id.as_str());

    // update: found by the new words, not by the old ones
    ok(
        &w.t.patch(
            "/api/1/datasets/bo-so-1",
            w.editor.auth(),
            json!({"title": {"vi": "Quan trắc thủy văn", "en": "Hydrological monitoring"}}),
        )
        .await,
        200,
    );
    w.t.sync_search().await;
    assert_eq!(
        slugs(&search(&w.t, "q=quan+trac", None).await),
        vec!["bo-so-1"]
    );
    assert_eq!(
        slugs(&search(&w.t, "q=hydrological", None).await),
        vec!["bo-so-1"]
    );
    assert_eq!(search(&w.t, "q=weather", None).await["total"], 0);
    let stale = search(&w.t, "q=khi+tuong", None).await;
    assert!(
        stale["total"] == 0 || stale["relaxed"] == true,
        "no dataset has the old words any more: {stale}"
    );
    assert_eq!(
        search(&w.t, "facets=", None).await["total"],
        1,
        "replaced, not added"
    );

    // a distribution added and removed changes the dataset's formats
    let link = ok(
        &w.t.post(
            "/api/1/datasets/bo-so-1/distributions",
            w.editor.auth(),
            json!({"title": {"vi": "Bảng số liệu"}, "url": "https://example.vn/bo-so-1.csv", "format": "CSV"}),
        )
        .await,
        201,
    );
    w.t.sync_search().await;
    let csv = search(&w.t, "filters=format:CSV", None).await;
    assert_eq!(slugs(&csv), vec!["bo-so-1"]);
    assert_eq!(csv["results"][0]["formats"], json!(["CSV"]));
    status(
        &w.t.delete(
            &format!("/api/1/distributions/{}", link["id"].as_str().unwrap()),
            w.editor.auth(),
        )
        .await,
        204,
    );
    w.t.sync_search().await;
    assert_eq!(search(&w.t, "filters=format:CSV", None).await["total"], 0);

    // delete
    status(
        &w.t.delete("/api/1/datasets/bo-so-1", w.admin.auth()).await,
        204,
    );
    w.t.sync_search().await;
    assert_eq!(
        search(&w.t, "q=quan+trac", w.sysadmin.auth()).await["total"],
        0
    );
    assert_eq!(search(&w.t, "facets=", w.sysadmin.auth()).await["total"], 0);
    assert_eq!(
        suggest(&w.t, "q=quan+tr", w.sysadmin.auth()).await["datasets"],
        json!([])
    );
    assert_eq!(w.t.app.search_index().unwrap().num_docs(), 0);
}

#[tokio::test]
async fn organization_changes_reach_their_datasets_and_suggestions() {
    let w = World::new().await;
    create(
        &w,
        "khi-hau",
        "Biến đổi khí hậu",
        "Climate change",
        json!({}),
    )
    .await;
    w.t.sync_search().await;
    assert_eq!(search(&w.t, "q=meteorological", None).await["total"], 0);
    ok(
        &w.t.patch(
            &format!("/api/1/organizations/{ORG}"),
            w.admin.auth(),
            json!({"name": {"vi": "Cục Khí tượng", "en": "Meteorological Department"}}),
        )
        .await,
        200,
    );
    w.t.sync_search().await;
    let body = search(&w.t, "q=cuc+khi+tuong", None).await;
    assert_eq!(
        slugs(&body),
        vec!["khi-hau"],
        "found by the publisher's new name"
    );
    assert_eq!(body["relaxed"], false, "{body}");
    assert_eq!(
        slugs(&search(&w.t, "q=meteorological", None).await),
        vec!["khi-hau"]
    );
    assert_eq!(
        body["results"][0]["publisher"]["name"],
        json!({"vi": "Cục Khí tượng", "en": "Meteorological Department"})
    );
    let suggestions = suggest(&w.t, "q=cuc+khi", None).await;
    assert_eq!(suggested(&suggestions, "organizations", "slug"), vec![ORG]);
    let english = suggest(&w.t, "q=meteorolog", None).await;
    assert_eq!(suggested(&english, "organizations", "slug"), vec![ORG]);

    // A new organization is suggested once the index has caught up.
    w.t.organization("so-tai-nguyen", dulieu_core::vocab::OrgKind::Provincial)
        .await;
    w.t.sync_search().await;
    let suggestions = suggest(&w.t, "q=so-tai-ng", None).await;
    assert!(
        suggested(&suggestions, "organizations", "slug").contains(&"so-tai-nguyen".to_string()),
        "{suggestions}"
    );
}

/// Polls `check` every 20 ms until it holds; fails after `limit` from `since`.
async fn within<F, Fut>(since: Instant, limit: Duration, what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    loop {
        if check().await {
            return;
        }
        assert!(
            since.elapsed() < limit,
            "{what}: not indexed within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_follower_indexes_changes_as_they_commit() {
    let w = World::new().await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // This process's own changes wake the follower: its interval alone would be far too long.
    let follower = {
        let app = w.t.app.clone();
        tokio::spawn(async move { app.follow_search(Duration::from_secs(3600), stopped).await })
    };
    // Another server on the same database, with its own index, following by tailing the log.
    let (other, _other_dir) = second_instance(&w.t).await;
    let other_follower = {
        let app = other.clone();
        let stopped = stop.subscribe();
        tokio::spawn(async move { app.follow_search(Duration::from_millis(250), stopped).await })
    };
    // Not a timing assertion: the first follower's interval is an hour, so only the wake-up after
    // each commit can index in time; the generous deadline only bounds a broken test.
    let second = Duration::from_secs(10);
    let seen = |q: &'static str| {
        let t = &w.t;
        move || async move { search(t, &format!("q={q}&facets="), None).await["total"] == 1 }
    };
    let unseen = |q: &'static str| {
        let t = &w.t;
        move || async move { search(t, &format!("q={q}&facets="), None).await["total"] == 0 }
    };
    let other_sees = |q: &'static str, expected: bool| {
        let other = &other;
        move || async move { found_by(other, q).await.contains("muc-nuoc") == expected }
    };

    create(
        &w,
        "muc-nuoc",
        "Mực nước sông Hồng",
        "Red River water levels",
        json!({}),
    )
    .await;
    let written = Instant::now();
    within(written, second, "created", seen("hong")).await;
    within(
        written,
        second,
        "created, other instance",
        other_sees("hong", true),
    )
    .await;

    ok(
        &w.t.patch(
            "/api/1/datasets/muc-nuoc",
            w.editor.auth(),
            json!({"title": {"vi": "Lưu lượng sông Đà", "en": "Da River discharge"}}),
        )
        .await,
        200,
    );
    let written = Instant::now();
    within(written, second, "updated: new words", seen("discharge")).await;
    within(written, second, "updated: old words gone", unseen("hong")).await;
    within(
        written,
        second,
        "updated, other instance",
        other_sees("discharge", true),
    )
    .await;

    status(
        &w.t.delete("/api/1/datasets/muc-nuoc", w.admin.auth()).await,
        204,
    );
    let written = Instant::now();
    within(written, second, "deleted", unseen("discharge")).await;
    within(
        written,
        second,
        "deleted, other instance",
        other_sees("discharge", false),
    )
    .await;

    stop.send(true).expect("followers listening");
    follower.await.expect("follower stops");
    other_follower.await.expect("other follower stops");
}

#[tokio::test]
async fn a_second_instance_builds_and_keeps_its_own_index() {
    let w = World::new().await;
    create(&w, "nuoc-ngam", "Nước ngầm", "Groundwater", json!({})).await;
    w.t.sync_search().await;
    let (other, dir) = second_instance(&w.t).await;
    assert_eq!(
        other.search_index().unwrap().indexed_seq(),
        None,
        "never built"
    );
    assert_eq!(found_by(&other, "nuoc ngam").await, BTreeSet::new());
    let seq = other.sync_search().await.expect("first sync builds it");
    assert_eq!(Some(seq), w.t.app.search_index().unwrap().indexed_seq());
    assert_eq!(found_by(&other, "nuoc ngam").await, set(&["nuoc-ngam"]));
    assert!(dir.path().join("search").join("meta.json").exists());

    status(
        &w.t.delete("/api/1/datasets/nuoc-ngam", w.admin.auth())
            .await,
        204,
    );
    create(&w, "nuoc-mat", "Nước mặt", "Surface water", json!({})).await;
    assert_eq!(
        found_by(&other, "nuoc").await,
        set(&["nuoc-ngam"]),
        "not caught up yet"
    );
    other.sync_search().await.expect("catch up");
    assert_eq!(found_by(&other, "nuoc").await, set(&["nuoc-mat"]));

    // The index directory is one process's: a third opener is refused with a clear error.
    let mut config = w.t.config.clone();
    config.search.index_dir = dir.path().join("search").display().to_string();
    let third = App::open(&config).await.expect("open");
    let refused = third.start_search().await.expect_err("the index is in use");
    assert!(
        refused.to_string().contains("open in another process"),
        "{refused}"
    );
}

#[tokio::test]
async fn rebuild_replaces_the_index_and_reports_progress() {
    let t = demo().await;
    let before = search(&t, "q=ngan+sach&facets=", None).await;
    let reported = std::sync::Mutex::new(Vec::new());
    let indexed = t
        .app
        .rebuild_search(|done, total| reported.lock().unwrap().push((done, total)))
        .await
        .expect("rebuild");
    assert_eq!(indexed, 49);
    let reported = reported.into_inner().unwrap();
    assert_eq!(reported.first(), Some(&(0, 49)));
    assert_eq!(reported.last(), Some(&(49, 49)));
    let index = t.app.search_index().unwrap();
    assert_eq!(index.num_docs(), 49);
    let mut conn = t.app.store().conn().await.unwrap();
    let last = dulieu_store::events::last_seq(&mut conn).await.unwrap();
    assert_eq!(index.indexed_seq(), Some(last));
    let after = search(&t, "q=ngan+sach&facets=", None).await;
    assert_eq!(slugs(&after), slugs(&before));
}

#[tokio::test]
async fn search_needs_a_started_index() {
    let t = TestApp::new().await;
    let mut config = t.config.clone();
    config.search.index_dir = t.data_dir().join("elsewhere").display().to_string();
    let app = App::open(&config).await.expect("open");
    for outcome in [
        app.search(
            &Actor::anonymous(),
            SearchRequest::new("x", Viewer::default()),
        )
        .await
        .map(|_| ()),
        app.suggest(&Actor::anonymous(), "x", 5).await.map(|_| ()),
        app.sync_search().await.map(|_| ()),
    ] {
        match outcome {
            Err(dulieu_core::Error::Internal(message)) => {
                assert_eq!(message, "search is not running")
            }
            other => panic!("expected an internal error, got {other:?}"),
        }
    }
}

// ------------------------------------------------------------------------------------- bad input --

#[tokio::test]
async fn any_query_text_is_valid_input() {
    let w = World::new().await;
    create(
        &w,
        "ngan-sach-ha-noi",
        "Ngân sách Hà Nội",
        "Hanoi budget",
        json!({"keywords": ["ngân sách"]}),
    )
    .await;
    w.t.sync_search().await;
    let long: String = "ngân sách Hà Nội "
        .repeat(1000)
        .chars()
        .take(10_000)
        .collect();
    let queries = [
        long.as_str(),
        "\"((( AND OR",
        "\"ngân sách",
        "ngân sách AND NOT OR ( ) [ ] { } ~ ^ * ? : \\ / -",
        "title:ngân* OR *:*",
        "\u{0}\u{1}\u{7}\u{1b}[31m ngân\tsách\r\n\u{7f}",
        "ngân\u{200b}sách\u{feff}",
        "📊 ngân sách 🇻🇳 数据 بيانات данные ข้อมูล",
        "🙂🙂🙂",
        "",
        " ",
        "%",
        "&=?",
        "a",
    ];
    for q in queries {
        let body = search(&w.t, &format!("q={}", enc(q)), None).await;
        assert!(
            body["results"].is_array() && body["total"].is_u64(),
            "{q:?}: {body}"
        );
        let body = suggest(&w.t, &format!("q={}", enc(q)), None).await;
        assert!(body["datasets"].is_array(), "{q:?}: {body}");
    }
    // Operators and quotes are just text: the words still match.
    for q in ["\"((( ngân sách AND OR", "ngân sách 📊", "NGÂN-SÁCH!!!"] {
        let body = search(&w.t, &format!("q={}&facets=", enc(q)), None).await;
        assert_eq!(slugs(&body), vec!["ngan-sach-ha-noi"], "{q:?}: {body}");
    }
    // Bytes that are not UTF-8, and a raw query string with stray separators.
    for raw in [
        "q=%FF%FE%80",
        "q=ng%C3&page=1",
        "&&q&=&q==&facets",
        "q=%",
        "q=%zz",
    ] {
        let response = w.t.get(&format!("/api/1/search?{raw}"), None).await;
        ok(&response, 200);
        let response = w.t.get(&format!("/api/1/suggest?{raw}"), None).await;
        ok(&response, 200);
    }
}

#[tokio::test]
async fn malformed_parameters_are_400_with_their_code() {
    let t = TestApp::new().await;
    let cases = [
        ("/api/1/search?facets=nope", "unknown_facet"),
        ("/api/1/search?facets=format,nope", "unknown_facet"),
        ("/api/1/search?filters=nope:x", "unknown_facet"),
        ("/api/1/search?page=0", "page_out_of_range"),
        ("/api/1/search?page_size=0", "page_out_of_range"),
        ("/api/1/search?page_size=1000", "page_out_of_range"),
        ("/api/1/search?page=101&page_size=100", "page_out_of_range"),
        ("/api/1/search?page=10001&page_size=1", "page_out_of_range"),
        ("/api/1/search?sort=newest", "unknown_sort"),
        ("/api/1/search?filters=format", "invalid_filter"),
        ("/api/1/search?filters=format:CSV,theme", "invalid_filter"),
        (
            "/api/1/search?filters=format:CSV&filters=ECON",
            "invalid_filter",
        ),
        ("/api/1/search?page=abc", "invalid_parameter"),
        ("/api/1/search?page=1.5", "invalid_parameter"),
        ("/api/1/search?page_size=-5", "invalid_parameter"),
        (
            "/api/1/search?page=99999999999999999999999",
            "invalid_parameter",
        ),
        ("/api/1/suggest?q=ha&limit=0", "invalid_parameter"),
        ("/api/1/suggest?q=ha&limit=21", "invalid_parameter"),
        ("/api/1/suggest?q=ha&limit=many", "invalid_parameter"),
    ];
    for (path, code) in cases {
        let vi = t.get(path, None).await;
        let body = error(&vi, 400, code);
        let english = t.get(&format!("{path}&lang=en"), None).await;
        let english = error(&english, 400, code);
        assert_ne!(
            body["error"]["message"], english["error"]["message"],
            "{path}: translated"
        );
    }
    // At the edge of the limits: fine.
    for path in [
        "/api/1/search?page=100&page_size=100",
        "/api/1/search?page_size=100&sort=popularity",
        "/api/1/search?page=&page_size=&sort=&filters=&facets=",
        "/api/1/suggest?q=ha&limit=20",
    ] {
        ok(&t.get(path, None).await, 200);
    }
}

#[tokio::test]
async fn the_search_parameters_are_documented() {
    let t = TestApp::new().await;
    let doc = ok(&t.get("/api/1/openapi.json", None).await, 200);
    let names = |path: &str| -> BTreeSet<String> {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("parameters of {path}"))
            .iter()
            .map(|p| p["name"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(
        names("/api/1/search"),
        set(&["q", "facets", "filters", "sort", "page", "page_size"])
    );
    assert_eq!(names("/api/1/suggest"), set(&["q", "limit"]));
    let results = &doc["components"]["schemas"]["SearchResults"]["properties"];
    for field in ["results", "total", "page", "page_size", "facets", "relaxed"] {
        assert!(results[field].is_object(), "SearchResults.{field}");
    }
}

// ---------------------------------------------------------------------------------- suggestions --

#[tokio::test]
async fn suggest_offers_datasets_organizations_and_keywords() {
    let t = demo().await;
    let body = suggest(&t, "q=ngan+sa", None).await;
    assert_keys(&body, &["datasets", "organizations", "keywords"]);
    let datasets = suggested(&body, "datasets", "slug");
    assert!(!datasets.is_empty() && datasets.len() <= 5, "{body}");
    assert!(
        datasets.iter().all(|s| s.starts_with("mof-")),
        "{datasets:?}"
    );
    assert!(
        body["datasets"][0]["highlight"]
            .as_str()
            .is_some_and(|h| h.contains("<mark>")),
        "{body}"
    );
    assert_eq!(
        body["keywords"][0],
        json!({"keyword": "ngân sách nhà nước", "count": 5}),
        "{body}"
    );
    assert!(
        suggested(&body, "keywords", "keyword").contains(&"ngân sách công dân".to_string()),
        "{body}"
    );

    let body = suggest(&t, &format!("q={}", enc("Bộ Tài ch")), None).await;
    assert_eq!(suggested(&body, "organizations", "slug"), vec!["mof"]);
    assert_eq!(
        body["organizations"][0],
        json!({"slug": "mof", "name": {"vi": "Bộ Tài chính", "en": "Ministry of Finance"}, "kind": "national", "provenance": "official"})
    );
    let body = suggest(&t, "q=ministry+of+fin", None).await;
    assert_eq!(suggested(&body, "organizations", "slug"), vec!["mof"]);
    let body = suggest(&t, "q=tong+cuc+thong", None).await;
    assert!(
        suggested(&body, "organizations", "slug").contains(&"gso".to_string()),
        "{body}"
    );

    let limited = suggest(&t, "q=bao&limit=2", None).await;
    for kind in ["datasets", "organizations", "keywords"] {
        assert!(
            limited[kind].as_array().unwrap().len() <= 2,
            "{kind}: {limited}"
        );
    }
    assert_eq!(
        limited["datasets"].as_array().unwrap().len(),
        2,
        "{limited}"
    );
    let nothing = suggest(&t, "q=", None).await;
    assert_eq!(
        nothing,
        json!({"datasets": [], "organizations": [], "keywords": []})
    );
}

#[tokio::test]
async fn keyword_suggestion_counts_follow_updates_and_deletes() {
    let t = demo().await;
    let count = |body: &Value| body["keywords"][0]["count"].clone();
    assert_eq!(count(&suggest(&t, "q=ngan+sach+nha", None).await), 5);
    let (_, token) = t.user("quantri@dulieu.test", true).await;
    let token = Some(token.as_str());
    ok(
        &t.patch(
            "/api/1/datasets/mof-citizens-budget",
            token,
            json!({"title": {"vi": "Ngân sách công dân"}}),
        )
        .await,
        200,
    );
    t.sync_search().await;
    assert_eq!(count(&suggest(&t, "q=ngan+sach+nha", None).await), 5);
    status(
        &t.delete("/api/1/datasets/mof-annual-state-budget-reports", token)
            .await,
        204,
    );
    t.sync_search().await;
    assert_eq!(count(&suggest(&t, "q=ngan+sach+nha", None).await), 4);
}

// ----------------------------------------------------------------------------------- PostgreSQL --

#[tokio::test]
async fn search_follows_the_log_on_postgres() {
    let Some(t) = TestApp::postgres().await else {
        return;
    };
    let w = World::on(t).await;
    create(
        &w,
        "dan-so-ha-noi",
        "Dân số Hà Nội",
        "Population of Hanoi",
        json!({}),
    )
    .await;
    w.t.sync_search().await;
    assert_eq!(
        slugs(&search(&w.t, "q=ha+noi", None).await),
        vec!["dan-so-ha-noi"]
    );
    // A second server on the same PostgreSQL keeps its own index by tailing the log.
    let (other, _dir) = second_instance(&w.t).await;
    other.sync_search().await.expect("build");
    assert_eq!(found_by(&other, "ha noi").await, set(&["dan-so-ha-noi"]));
    ok(
        &w.t.patch(
            "/api/1/datasets/dan-so-ha-noi",
            w.editor.auth(),
            json!({"title": {"vi": "Dân số Đà Nẵng"}}),
        )
        .await,
        200,
    );
    other.sync_search().await.expect("catch up");
    assert_eq!(found_by(&other, "da nang").await, set(&["dan-so-ha-noi"]));
    assert_eq!(found_by(&other, "ha noi").await, BTreeSet::new());
}
