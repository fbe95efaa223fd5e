//! The search index on a small fixed catalog: folding, ranking, facets, visibility, paging,
//! suggestions, updates and persistence.

use chrono::NaiveDate;
use dulieu_core::Error;
use dulieu_core::text::LangText;
use dulieu_search::{
    DistributionText, Labelled, OrganizationSuggestion, Publisher, SearchDoc, SearchIndex,
    SearchRequest, SearchResults, Sort, Viewer, WriterSettings,
};
use uuid::Uuid;

fn publisher(slug: &str, vi: &str, en: &str, official: bool) -> Publisher {
    Publisher {
        id: Uuid::new_v5(&Uuid::NAMESPACE_URL, slug.as_bytes()),
        slug: slug.into(),
        name: LangText::new(vi, en),
        kind: if official { "ministry" } else { "company" }.into(),
        provenance: if official { "official" } else { "community" }.into(),
    }
}

fn finance() -> Publisher {
    publisher("bo-tai-chinh", "Bộ Tài chính", "Ministry of Finance", true)
}

fn statistics() -> Publisher {
    publisher(
        "tong-cuc-thong-ke",
        "Tổng cục Thống kê",
        "General Statistics Office",
        true,
    )
}

fn company() -> Publisher {
    publisher(
        "cong-ty-du-lieu",
        "Công ty Dữ liệu Mở",
        "Open Data Company",
        false,
    )
}

struct Fixture {
    slug: &'static str,
    title: (&'static str, &'static str),
    description: &'static str,
    keywords: &'static [&'static str],
    publisher: Publisher,
    formats: &'static [&'static str],
    open: bool,
    public: bool,
    modified: (i32, u32, u32),
}

fn doc(f: Fixture) -> SearchDoc {
    SearchDoc {
        id: Uuid::new_v5(&Uuid::NAMESPACE_OID, f.slug.as_bytes()),
        slug: f.slug.into(),
        title: LangText::new(f.title.0, f.title.1),
        description: LangText {
            vi: Some(f.description.into()),
            en: None,
        },
        keywords: f.keywords.iter().map(|k| k.to_string()).collect(),
        publisher: f.publisher,
        themes: vec![Labelled {
            code: "ECON".into(),
            label: LangText::new("Kinh tế và tài chính", "Economy and finance"),
        }],
        distributions: f
            .formats
            .iter()
            .map(|format| DistributionText {
                title: LangText::new("Tệp dữ liệu", "Data file"),
                format: Some(format.to_string()),
            })
            .collect(),
        spatial: Some("Việt Nam".into()),
        license: Labelled {
            code: if f.open { "cc-by-4.0" } else { "proprietary" }.into(),
            label: LangText::new("Giấy phép", "License"),
        },
        license_open: f.open,
        frequency: Some("annual".into()),
        status: if f.public { "published" } else { "draft" }.into(),
        access_rights: "public".into(),
        public: f.public,
        has_temporal: true,
        has_contact: true,
        modified: NaiveDate::from_ymd_opt(f.modified.0, f.modified.1, f.modified.2).unwrap(),
        popularity: 0,
        stars: None,
        quality_band: None,
        created: None,
        updated: None,
    }
}

fn catalog() -> Vec<SearchDoc> {
    vec![
        doc(Fixture {
            slug: "du-toan-ngan-sach-nha-nuoc",
            title: (
                "Dự toán ngân sách nhà nước năm 2024",
                "State budget estimates 2024",
            ),
            description: "Dự toán thu, chi ngân sách nhà nước theo lĩnh vực.",
            keywords: &["ngân sách", "tài chính công"],
            publisher: finance(),
            formats: &["CSV", "XLSX"],
            open: true,
            public: true,
            modified: (2024, 1, 15),
        }),
        doc(Fixture {
            slug: "quyet-toan-ngan-sach",
            title: (
                "Quyết toán ngân sách địa phương",
                "Local budget final accounts",
            ),
            description: "Số liệu quyết toán ngân sách của các tỉnh.",
            keywords: &["ngân sách"],
            publisher: finance(),
            formats: &["PDF"],
            open: true,
            public: true,
            modified: (2023, 6, 1),
        }),
        doc(Fixture {
            slug: "sach-giao-khoa-ngan-hang",
            title: (
                "Danh mục sách giáo khoa và ngân hàng đề thi",
                "Textbooks and exam banks",
            ),
            description: "Sách giáo khoa phổ thông.",
            keywords: &["giáo dục"],
            publisher: company(),
            formats: &["CSV"],
            open: false,
            public: true,
            modified: (2024, 3, 1),
        }),
        doc(Fixture {
            slug: "dan-so-ha-noi",
            title: ("Dân số Hà Nội theo quận", "Population of Hanoi by district"),
            description: "Dân số trung bình theo giới tính và đơn vị hành chính.",
            keywords: &["dân số", "Hà Nội"],
            publisher: statistics(),
            formats: &["CSV", "JSON"],
            open: true,
            public: true,
            modified: (2025, 2, 1),
        }),
        doc(Fixture {
            slug: "ban-do-ha-noi-cu",
            title: ("Bản đồ hạ nói", "Old map"),
            description: "Tài liệu lịch sử.",
            keywords: &["bản đồ"],
            publisher: company(),
            formats: &["PDF"],
            open: false,
            public: true,
            modified: (2019, 5, 5),
        }),
        doc(Fixture {
            slug: "ngan-sach-du-thao",
            title: ("Ngân sách dự thảo nội bộ", "Draft internal budget"),
            description: "Bản nháp chưa công bố.",
            keywords: &["ngân sách"],
            publisher: finance(),
            formats: &["XLSX"],
            open: true,
            public: false,
            modified: (2025, 1, 1),
        }),
    ]
}

fn index_with(docs: &[SearchDoc]) -> (tempfile::TempDir, SearchIndex) {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path(), WriterSettings::default()).unwrap();
    for d in docs {
        index.add(d).unwrap();
    }
    index.commit(7).unwrap();
    index.set_organizations(
        [finance(), statistics(), company()]
            .into_iter()
            .map(|p| OrganizationSuggestion {
                slug: p.slug,
                name: p.name,
                kind: p.kind,
                provenance: p.provenance,
            })
            .collect(),
    );
    (dir, index)
}

fn anonymous() -> Viewer {
    Viewer::default()
}

fn slugs(results: &SearchResults) -> Vec<&str> {
    results.results.iter().map(|h| h.slug.as_str()).collect()
}

fn search(index: &SearchIndex, q: &str) -> SearchResults {
    index.search(&SearchRequest::new(q, anonymous())).unwrap()
}

#[test]
fn every_spelling_of_a_place_finds_it() {
    let (_dir, index) = index_with(&catalog());
    let expected = search(&index, "hà nội");
    assert_eq!(slugs(&expected)[0], "dan-so-ha-noi");
    for q in ["ha noi", "Ha Noi", "HÀ NỘI", "ha\u{300} no\u{323}\u{302}i"] {
        assert_eq!(slugs(&search(&index, q)), slugs(&expected), "{q:?}");
    }
}

#[test]
fn accents_as_typed_rank_above_other_accents() {
    let (_dir, index) = index_with(&catalog());
    assert_eq!(
        slugs(&search(&index, "hà nội"))[..2],
        ["dan-so-ha-noi", "ban-do-ha-noi-cu"]
    );
    assert_eq!(
        slugs(&search(&index, "hạ nói"))[..2],
        ["ban-do-ha-noi-cu", "dan-so-ha-noi"]
    );
}

#[test]
fn the_word_ranks_above_its_syllables_scattered() {
    let (_dir, index) = index_with(&catalog());
    for q in ["ngân sách", "ngan sach"] {
        let found = search(&index, q);
        assert_eq!(found.total, 3, "{q}: budget datasets and the textbook list");
        let mut budgets = slugs(&found)[..2].to_vec();
        budgets.sort();
        assert_eq!(
            budgets,
            ["du-toan-ngan-sach-nha-nuoc", "quyet-toan-ngan-sach"],
            "{q}"
        );
        assert_eq!(slugs(&found)[2], "sach-giao-khoa-ngan-hang", "{q}");
    }
}

#[test]
fn english_is_stemmed_and_one_typo_is_forgiven() {
    let (_dir, index) = index_with(&catalog());
    assert_eq!(
        slugs(&search(&index, "budgets"))[..2],
        ["du-toan-ngan-sach-nha-nuoc", "quyet-toan-ngan-sach"]
    );
    assert_eq!(slugs(&search(&index, "populaton")), ["dan-so-ha-noi"]);
    assert!(
        search(&index, "pop").results.is_empty(),
        "short words need an exact match"
    );
}

/// A word found as typed is taken as meant: `thong` (thông) does not also find `trong` (trồng),
/// one edit away, while `throng`, found nowhere, is read as a typo of both.
#[test]
fn words_found_as_typed_are_not_widened_by_typos() {
    let dataset = |slug: &'static str, title: &'static str| {
        doc(Fixture {
            slug,
            title: (title, ""),
            description: "",
            keywords: &[],
            publisher: finance(),
            formats: &[],
            open: true,
            public: true,
            modified: (2024, 1, 1),
        })
    };
    let (_dir, index) = index_with(&[
        dataset("giao-thong", "Giao thông đô thị"),
        dataset("trong-trot", "Trồng trọt và chăn nuôi"),
    ]);
    assert_eq!(slugs(&search(&index, "thong")), ["giao-thong"]);
    let widened = search(&index, "throng");
    let mut typo = slugs(&widened);
    typo.sort_unstable();
    assert_eq!(typo, ["giao-thong", "trong-trot"]);
    let highlighted = search(&index, "thong").results[0].highlights.title.clone();
    assert_eq!(
        highlighted.as_deref(),
        Some("Giao <mark>thông</mark> đô thị")
    );
    // A typo in the first letter is found and marked too (the last word typed is marked as a
    // prefix, as in autocomplete).
    let first_letter = search(&index, "chong do");
    assert_eq!(slugs(&first_letter), ["giao-thong"]);
    assert_eq!(
        first_letter.results[0].highlights.title.as_deref(),
        Some("Giao <mark>thông</mark> <mark>đô</mark> thị")
    );
}

#[test]
fn a_query_no_dataset_fully_matches_falls_back_to_any_word() {
    let (_dir, index) = index_with(&catalog());
    let strict = search(&index, "dân số");
    assert!(!strict.relaxed);
    let relaxed = search(&index, "dân số xyzzy");
    assert!(relaxed.relaxed);
    assert_eq!(slugs(&relaxed)[0], "dan-so-ha-noi");
}

#[test]
fn results_carry_highlights() {
    let (_dir, index) = index_with(&catalog());
    let found = search(&index, "ngan sach");
    let hit = found
        .results
        .iter()
        .find(|h| h.slug == "du-toan-ngan-sach-nha-nuoc")
        .unwrap();
    assert_eq!(
        hit.highlights.title.as_deref(),
        Some("Dự toán <mark>ngân</mark> <mark>sách</mark> nhà nước năm 2024")
    );
    assert!(
        hit.highlights
            .description
            .as_deref()
            .unwrap()
            .contains("<mark>ngân</mark>")
    );
    assert_eq!(hit.publisher.provenance, "official");
    assert!(hit.score.is_some());
}

#[test]
fn facets_count_and_filters_combine() {
    let (_dir, index) = index_with(&catalog());
    let mut request = SearchRequest::new("", anonymous());
    request.facets = vec![
        "organization".into(),
        "format".into(),
        "open_license".into(),
    ];
    let all = index.search(&request).unwrap();
    assert_eq!(all.total, 5, "the draft is not public");
    let organizations = &all.facets["organization"];
    assert_eq!(organizations[0].value, "bo-tai-chinh");
    assert_eq!(organizations[0].count, 2);
    assert_eq!(
        organizations[0].label.as_ref().unwrap().en.as_deref(),
        Some("Ministry of Finance")
    );
    let csv = all.facets["format"]
        .iter()
        .find(|b| b.value == "CSV")
        .unwrap();
    assert_eq!(csv.count, 3);

    // Values of one facet are alternatives; facets combine.
    request.filters = vec![
        ("format".into(), "CSV".into()),
        ("format".into(), "PDF".into()),
        ("open_license".into(), "yes".into()),
    ];
    let filtered = index.search(&request).unwrap();
    let mut found = slugs(&filtered);
    found.sort();
    assert_eq!(
        found,
        [
            "dan-so-ha-noi",
            "du-toan-ngan-sach-nha-nuoc",
            "quyet-toan-ngan-sach"
        ]
    );
    // A filtered facet still counts its other values (ignoring its own filter).
    let formats = &filtered.facets["format"];
    assert!(
        formats.iter().any(|b| b.value == "XLSX" && b.count == 1),
        "{formats:?}"
    );
    assert_eq!(
        filtered.facets["open_license"].len(),
        2,
        "open_license counted without its filter"
    );
}

#[test]
fn watchdog_facets_count_stars_and_bands() {
    let mut docs = catalog();
    // The watchdog has checked three datasets; the others have no stars yet.
    for (slug, stars, band) in [
        ("du-toan-ngan-sach-nha-nuoc", 3, "good"),
        ("quyet-toan-ngan-sach", 1, "bad"),
        ("sach-giao-khoa-ngan-hang", 3, "Sufficient"),
    ] {
        let doc = docs.iter_mut().find(|d| d.slug == slug).unwrap();
        doc.stars = Some(stars);
        doc.quality_band = Some(band.to_lowercase());
    }
    let (_dir, index) = index_with(&docs);
    let mut request = SearchRequest::new("", anonymous());
    request.facets = vec!["stars".into(), "quality".into()];
    let all = index.search(&request).unwrap();
    let count = |facet: &str, value: &str| {
        all.facets[facet]
            .iter()
            .find(|b| b.value == value)
            .map_or(0, |b| b.count)
    };
    assert_eq!((count("stars", "3"), count("stars", "1")), (2, 1));
    assert_eq!(count("quality", "sufficient"), 1);
    assert_eq!(
        all.facets["stars"].len(),
        2,
        "unchecked datasets have no value"
    );

    request.filters = vec![
        ("stars".into(), "3".into()),
        ("quality".into(), "GOOD".into()),
    ];
    let filtered = index.search(&request).unwrap();
    assert_eq!(slugs(&filtered), ["du-toan-ngan-sach-nha-nuoc"]);
}

#[test]
fn unknown_facets_and_bad_pages_are_refused() {
    let (_dir, index) = index_with(&catalog());
    let mut request = SearchRequest::new("x", anonymous());
    request.facets = vec!["colour".into()];
    assert!(matches!(
        index.search(&request),
        Err(Error::BadRequest {
            code: "unknown_facet",
            ..
        })
    ));
    let mut request = SearchRequest::new("x", anonymous());
    request.filters = vec![("colour".into(), "red".into())];
    assert!(matches!(
        index.search(&request),
        Err(Error::BadRequest {
            code: "unknown_facet",
            ..
        })
    ));
    for (page, size) in [(0, 10), (1, 0), (1, 101), (1_001, 10)] {
        let mut request = SearchRequest::new("x", anonymous());
        request.page = page;
        request.page_size = size;
        assert!(
            matches!(
                index.search(&request),
                Err(Error::BadRequest {
                    code: "page_out_of_range",
                    ..
                })
            ),
            "page {page} size {size}"
        );
    }
}

#[test]
fn non_public_datasets_only_reach_their_organization_and_sysadmins() {
    let (_dir, index) = index_with(&catalog());
    let draft = "ngan-sach-du-thao";
    assert!(!slugs(&search(&index, "ngân sách")).contains(&draft));
    let member = Viewer {
        sees_all: false,
        organizations: vec![finance().id],
    };
    let other = Viewer {
        sees_all: false,
        organizations: vec![company().id],
    };
    let admin = Viewer {
        sees_all: true,
        organizations: vec![],
    };
    let find = |viewer: Viewer| {
        index
            .search(&SearchRequest::new("ngân sách", viewer))
            .unwrap()
            .results
            .into_iter()
            .any(|h| h.slug == draft)
    };
    assert!(find(member.clone()));
    assert!(find(admin));
    assert!(!find(other));
    assert!(
        index
            .suggest("ngân sách dự th", &anonymous(), 5)
            .unwrap()
            .datasets
            .is_empty()
    );
    assert_eq!(
        index
            .suggest("ngân sách dự th", &member, 5)
            .unwrap()
            .datasets[0]
            .slug,
        draft
    );
}

#[test]
fn sorts_and_pages() {
    let (_dir, index) = index_with(&catalog());
    let mut request = SearchRequest::new("", anonymous());
    request.sort = Sort::Modified;
    assert_eq!(slugs(&index.search(&request).unwrap())[0], "dan-so-ha-noi");
    request.sort = Sort::Title;
    let by_title = index.search(&request).unwrap();
    assert_eq!(slugs(&by_title)[..2], ["ban-do-ha-noi-cu", "dan-so-ha-noi"]);
    request.page_size = 2;
    request.page = 2;
    let second = index.search(&request).unwrap();
    assert_eq!(slugs(&second), slugs(&by_title)[2..4]);
    assert_eq!(second.total, 5);
}

#[test]
fn suggestions_complete_what_is_typed() {
    let (_dir, index) = index_with(&catalog());
    let found = index.suggest("ngân s", &anonymous(), 5).unwrap();
    let mut suggested: Vec<&str> = found.datasets.iter().map(|d| d.slug.as_str()).collect();
    suggested.sort();
    assert_eq!(
        suggested,
        [
            "du-toan-ngan-sach-nha-nuoc",
            "quyet-toan-ngan-sach",
            "sach-giao-khoa-ngan-hang"
        ],
        "titles with `ngân` and a word beginning with `s`"
    );
    assert!(
        found.datasets[0]
            .highlight
            .as_deref()
            .unwrap()
            .contains("<mark>ngân</mark>")
    );
    assert_eq!(found.keywords[0].keyword, "ngân sách");
    assert_eq!(
        found.keywords[0].count, 2,
        "the draft's keywords are not suggested"
    );
    let organizations = index
        .suggest("bo tai", &anonymous(), 5)
        .unwrap()
        .organizations;
    assert_eq!(organizations[0].slug, "bo-tai-chinh");
    assert!(
        index
            .suggest("   ", &anonymous(), 5)
            .unwrap()
            .datasets
            .is_empty()
    );
}

#[test]
fn any_query_string_is_answered() {
    let (_dir, index) = index_with(&catalog());
    let long = "ngân sách ".repeat(1_000);
    for q in [
        "\"unbalanced",
        "((( AND OR NOT *:* [",
        "\u{0}\u{1b}[31m\u{7f}",
        "数据 данные 📊 ngân sách",
        long.as_str(),
        "title:ngân -sách +x~2 ^3",
    ] {
        index.search(&SearchRequest::new(q, anonymous())).unwrap();
        index.suggest(q, &anonymous(), 5).unwrap();
    }
    assert_eq!(search(&index, "数据 данные 📊 ngân sách").total, 3);
}

#[test]
fn upserts_replace_deletes_remove_and_commits_persist() {
    let docs = catalog();
    let (dir, index) = index_with(&docs);
    assert_eq!(index.indexed_seq(), Some(7));
    let mut renamed = docs[0].clone();
    renamed.title = LangText::new("Kế hoạch tài chính", "Financial plan");
    index.upsert(&renamed).unwrap();
    index.delete(docs[3].id).unwrap();
    assert!(
        slugs(&search(&index, "dân số")).contains(&"dan-so-ha-noi"),
        "not visible before the commit"
    );
    index.commit(9).unwrap();
    assert!(!slugs(&search(&index, "dân số")).contains(&"dan-so-ha-noi"));
    assert_eq!(
        slugs(&search(&index, "kế hoạch")),
        ["du-toan-ngan-sach-nha-nuoc"]
    );
    assert!(
        search(&index, "estimates").results.is_empty(),
        "the old title is gone"
    );
    drop(index);

    let reopened = SearchIndex::open(dir.path(), WriterSettings::default()).unwrap();
    assert_eq!(reopened.indexed_seq(), Some(9));
    assert_eq!(reopened.num_docs(), 5);
    assert_eq!(
        slugs(&search(&reopened, "kế hoạch")),
        ["du-toan-ngan-sach-nha-nuoc"]
    );
    reopened.clear().unwrap();
    reopened.commit(10).unwrap();
    assert_eq!(reopened.num_docs(), 0);
}

#[test]
fn filter_values_match_however_they_are_typed() {
    let (_dir, index) = index_with(&catalog());
    let mut request = SearchRequest::new("", anonymous());
    request.filters = vec![
        ("keyword".into(), " Ngân Sách ".into()),
        ("format".into(), "pdf".into()),
    ];
    assert_eq!(
        slugs(&index.search(&request).unwrap()),
        ["quyet-toan-ngan-sach"]
    );
}

#[test]
fn keyword_counts_follow_updates_and_deletes() {
    let docs = catalog();
    let (_dir, index) = index_with(&docs);
    let count =
        |index: &SearchIndex| index.suggest("ngân", &anonymous(), 5).unwrap().keywords[0].count;
    assert_eq!(count(&index), 2);
    index.upsert(&docs[0]).unwrap();
    index.commit(8).unwrap();
    assert_eq!(count(&index), 2, "a replaced dataset counts once");
    index.delete(docs[1].id).unwrap();
    index.commit(9).unwrap();
    assert_eq!(count(&index), 1);
}

#[test]
fn rollback_drops_uncommitted_changes() {
    let (_dir, index) = index_with(&catalog());
    index.clear().unwrap();
    index.rollback().unwrap();
    index.commit(8).unwrap();
    assert_eq!(index.num_docs(), 5 + 1);
}

#[test]
fn a_second_writer_on_the_same_directory_is_refused() {
    let (dir, _index) = index_with(&catalog());
    let Err(Error::Internal(message)) = SearchIndex::open(dir.path(), WriterSettings::default())
    else {
        panic!("a second writer opened the index");
    };
    assert!(message.contains("another process"), "{message}");
}

#[test]
fn suggestions_rank_the_typed_pair_first() {
    let (_dir, index) = index_with(&catalog());
    // A shorter title with both words apart would win on word counts alone.
    let mut scattered = catalog()[0].clone();
    scattered.id = uuid::Uuid::new_v4();
    scattered.slug = "ngan-hang-sach".into();
    scattered.title = LangText::new("Ngân hàng sách", "Book bank");
    index.upsert(&scattered).unwrap();
    index.commit(8).unwrap();
    let typed = index
        .suggest("ngan sach ", &anonymous(), 5)
        .unwrap()
        .datasets;
    let order: Vec<&str> = typed.iter().map(|d| d.slug.as_str()).collect();
    let mut first = order[..2].to_vec();
    first.sort();
    assert_eq!(
        first,
        ["du-toan-ngan-sach-nha-nuoc", "quyet-toan-ngan-sach"],
        "{order:?}"
    );
    assert_eq!(
        order[2..],
        ["ngan-hang-sach", "sach-giao-khoa-ngan-hang"],
        "{order:?}"
    );
}

/// Selections (CKAN's `package_search`): boolean conditions, record-time ranges, orders, paging.
#[test]
fn selections_combine_conditions_ranges_orders_and_pages() {
    use chrono::{TimeZone, Utc};
    use dulieu_search::{Attribute, Condition, MAX_CONDITION_DEPTH, Selection, SortKey, TimeField};

    let mut docs = catalog();
    for (i, d) in docs.iter_mut().enumerate() {
        d.updated = Some(
            Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::hours(i as i64),
        );
        d.created = Some(Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap());
    }
    let (_dir, index) = index_with(&docs);
    let public: Vec<&SearchDoc> = docs.iter().filter(|d| d.public).collect();
    let slug_of = |id: &Uuid| docs.iter().find(|d| d.id == *id).unwrap().slug.clone();
    let select =
        |condition: Condition, sort: SortKey, ascending: bool, offset: usize, limit: usize| {
            let found = index
                .select(&Selection {
                    text: String::new(),
                    condition,
                    viewer: anonymous(),
                    sort,
                    ascending,
                    offset,
                    limit,
                    facets: vec!["organization".into()],
                    facet_limit: 10,
                })
                .unwrap();
            (
                found.total,
                found.ids.iter().map(slug_of).collect::<Vec<_>>(),
                found.facets,
            )
        };

    // Oldest change first, paged: the pages add up to the whole list.
    let (total, all, facets) = select(Condition::All, SortKey::Updated, true, 0, 1000);
    assert_eq!(total as usize, public.len());
    let expected: Vec<String> = public.iter().map(|d| d.slug.clone()).collect();
    assert_eq!(all, expected, "insertion order is change order here");
    let counted: u64 = facets["organization"].iter().map(|b| b.count).sum();
    assert_eq!(counted, total);
    let (_, first, _) = select(Condition::All, SortKey::Updated, true, 0, 2);
    let (_, rest, _) = select(Condition::All, SortKey::Updated, true, 2, 1000);
    assert_eq!([first, rest].concat(), all);
    let (_, newest, _) = select(Condition::All, SortKey::Updated, false, 0, 1);
    assert_eq!(newest, [all.last().unwrap().clone()]);

    // From the third change on (inclusive), and strictly after it.
    let third = public[2].updated.unwrap();
    let range = |inclusive| Condition::Range {
        field: TimeField::Updated,
        from: Some((third, inclusive)),
        to: None,
    };
    assert_eq!(
        select(range(true), SortKey::Updated, true, 0, 100).1,
        all[2..]
    );
    assert_eq!(
        select(range(false), SortKey::Updated, true, 0, 100).1,
        all[3..]
    );

    // OR across facets, NOT, exact names, text.
    let finance_or_pdf = Condition::Or(vec![
        Condition::Facet {
            facet: "organization".into(),
            value: "bo-tai-chinh".into(),
        },
        Condition::Facet {
            facet: "format".into(),
            value: "pdf".into(),
        },
    ]);
    let (_, found, _) = select(finance_or_pdf.clone(), SortKey::Name, true, 0, 100);
    let mut expected: Vec<String> = public
        .iter()
        .filter(|d| d.publisher.slug == "bo-tai-chinh" || d.formats().contains(&"PDF".to_string()))
        .map(|d| d.slug.clone())
        .collect();
    expected.sort();
    assert_eq!(found, expected);
    let (_, others, _) = select(
        Condition::Not(Box::new(finance_or_pdf)),
        SortKey::Name,
        true,
        0,
        100,
    );
    assert_eq!(others.len() + found.len(), public.len());
    assert!(others.iter().all(|s| !found.contains(s)));
    let name = Condition::Attribute(Attribute::Name("quyet-toan-ngan-sach".into()));
    assert_eq!(
        select(name, SortKey::Id, true, 0, 10).1,
        ["quyet-toan-ngan-sach"]
    );
    let (_, budget, _) = select(
        Condition::Text("ngan sach".into()),
        SortKey::Name,
        false,
        0,
        10,
    );
    assert!(
        budget.contains(&"du-toan-ngan-sach-nha-nuoc".to_string()),
        "{budget:?}"
    );
    assert!(
        budget.windows(2).all(|w| w[0] >= w[1]),
        "name descending: {budget:?}"
    );

    // Limits and names are checked.
    let request = |limit, facet: &str| Selection {
        text: String::new(),
        condition: Condition::Facet {
            facet: facet.into(),
            value: "x".into(),
        },
        viewer: anonymous(),
        sort: SortKey::Relevance,
        ascending: false,
        offset: 0,
        limit,
        facets: Vec::new(),
        facet_limit: 1,
    };
    assert!(matches!(
        index.select(&request(1001, "format")),
        Err(Error::BadRequest { .. })
    ));
    assert!(matches!(
        index.select(&request(10, "colour")),
        Err(Error::BadRequest { .. })
    ));

    // Nesting is bounded whoever builds the condition: 64 levels run, 65 are refused, and a
    // runaway depth is refused before it is walked.
    let nested = |levels: usize| {
        let mut condition = Condition::All;
        for _ in 1..levels {
            condition = Condition::Not(Box::new(condition));
        }
        condition
    };
    let select_where = |condition: Condition| {
        index.select(&Selection {
            condition,
            ..request(10, "format")
        })
    };
    // 62 NOTs cancel out: every public dataset, at 64 levels with the OR around them.
    let deepest = Condition::Or(vec![nested(MAX_CONDITION_DEPTH - 1)]);
    assert_eq!(select_where(deepest).unwrap().total, public.len() as u64);
    for too_deep in [
        Condition::Or(vec![Condition::Or(vec![nested(MAX_CONDITION_DEPTH - 1)])]),
        Condition::And(vec![nested(5_000)]),
    ] {
        assert!(matches!(
            select_where(too_deep),
            Err(Error::BadRequest {
                code: "invalid_search_query",
                ..
            })
        ));
    }
}

/// Orders by text (name, title, id) page the same whichever segments hold the datasets.
#[test]
fn text_orders_page_through_several_segments() {
    use dulieu_search::{Condition, Selection, SortKey};

    let base = catalog()[0].clone();
    let (_dir, index) = index_with(&[]);
    // Three commits, three segments: each holds a block of names (the first pages come from
    // one), ids and titles interleave across them, titles repeat.
    let mut docs = Vec::new();
    for commit in 0..3i64 {
        for i in 0..9 {
            let n = commit as usize * 9 + i;
            let mut d = base.clone();
            d.id = Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("segment-{n}").as_bytes());
            d.slug = format!("bo-du-lieu-{n:02}");
            d.title = LangText::new(format!("Tiêu đề {}", n % 7), "Title");
            index.add(&d).unwrap();
            docs.push(d);
        }
        index.commit(10 + commit).unwrap();
    }
    let select = |sort: SortKey, ascending: bool, offset: usize, limit: usize| {
        index
            .select(&Selection {
                text: String::new(),
                condition: Condition::All,
                viewer: anonymous(),
                sort,
                ascending,
                offset,
                limit,
                facets: Vec::new(),
                facet_limit: 1,
            })
            .unwrap()
            .ids
    };
    let paged = |sort: SortKey, ascending: bool| -> Vec<Uuid> {
        (0..7)
            .flat_map(|page| select(sort, ascending, page * 4, 4))
            .collect()
    };
    let key = |sort: SortKey, d: &SearchDoc| match sort {
        SortKey::Name => d.slug.clone(),
        SortKey::Id => d.id.to_string(),
        _ => d.title.get("vi").unwrap().to_string(),
    };
    for sort in [SortKey::Name, SortKey::Id, SortKey::Title] {
        let mut expected: Vec<&SearchDoc> = docs.iter().collect();
        expected.sort_by_key(|d| key(sort, d));
        let ascending: Vec<String> = paged(sort, true)
            .iter()
            .map(|id| key(sort, docs.iter().find(|d| d.id == *id).unwrap()))
            .collect();
        let wanted: Vec<String> = expected.iter().map(|d| key(sort, d)).collect();
        assert_eq!(ascending, wanted, "{sort:?} ascending");
        let descending = paged(sort, false);
        let mut reversed: Vec<String> = wanted.clone();
        reversed.reverse();
        let got: Vec<String> = descending
            .iter()
            .map(|id| key(sort, docs.iter().find(|d| d.id == *id).unwrap()))
            .collect();
        assert_eq!(got, reversed, "{sort:?} descending");
        // No dataset twice, none left out, even where titles tie.
        let mut seen = paged(sort, true);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), docs.len(), "{sort:?}");
    }
}

/// Facet counts against counting the documents directly, on a catalog whose datasets have from
/// none to nineteen keywords (past the values counted at once), one of seven publishers and one
/// to three formats, searched with and without filters (which switch between counting by walking
/// the matches and by intersecting each value's documents).
#[test]
fn facet_counts_match_a_count_of_the_documents() {
    const FORMATS: &[&str] = &["CSV", "XLSX", "PDF", "JSON", "XML"];
    let publishers: Vec<Publisher> = (0..7)
        .map(|i| {
            publisher(
                &format!("org-{i}"),
                &format!("Sở {i}"),
                &format!("Department {i}"),
                i % 2 == 0,
            )
        })
        .collect();
    let docs: Vec<SearchDoc> = (0..600usize)
        .map(|i| {
            let mut d = doc(Fixture {
                slug: "x",
                title: ("Dữ liệu", "Data"),
                description: "Bộ dữ liệu.",
                keywords: &[],
                publisher: publishers[(i * i) % 7].clone(),
                formats: &[],
                open: i % 3 == 0,
                public: i % 10 != 9,
                modified: (2024, 1, 1 + (i % 28) as u32),
            });
            d.id = Uuid::from_u128(i as u128 + 1);
            d.slug = format!("d-{i}");
            d.keywords = (0..(i * 7) % 20)
                .map(|k| format!("từ {}", (k * 3 + i) % 40))
                .collect();
            d.distributions = (0..1 + i % 3)
                .map(|n| DistributionText {
                    title: LangText::new("Tệp", "File"),
                    format: Some(FORMATS[(i + n * 2) % FORMATS.len()].into()),
                })
                .collect();
            d
        })
        .collect();
    let (_dir, index) = index_with(&docs);
    let expected = |facet: &str, keep: &dyn Fn(&SearchDoc) -> bool| {
        let mut counts = std::collections::BTreeMap::<String, u64>::new();
        for d in docs.iter().filter(|d| d.public && keep(d)) {
            let values: Vec<String> = match facet {
                "keyword" => d.keywords.clone(),
                "format" => d.formats(),
                _ => vec![d.publisher.slug.clone()],
            };
            let distinct: std::collections::BTreeSet<String> = values.into_iter().collect();
            for value in distinct {
                *counts.entry(value).or_default() += 1;
            }
        }
        counts
    };
    let has = |format: &'static str| move |d: &SearchDoc| d.formats().iter().any(|f| f == format);
    type Keep<'a> = &'a dyn Fn(&SearchDoc) -> bool;
    let cases: [(Vec<(String, String)>, Keep); 3] = [
        (vec![], &|_| true),
        (vec![("format".into(), "pdf".into())], &has("PDF")),
        (vec![("organization".into(), "org-3".into())], &|d| {
            d.publisher.slug == "org-3"
        }),
    ];
    for (filters, keep) in cases {
        let mut request = SearchRequest::new("", anonymous());
        request.facets = vec!["keyword".into(), "format".into(), "organization".into()];
        request.filters = filters.clone();
        let found = index.search(&request).unwrap();
        for facet in ["keyword", "format", "organization"] {
            // A facet's own filter does not narrow its counts.
            let own = filters.iter().any(|(f, _)| f == facet);
            let want = expected(facet, if own { &|_| true } else { keep });
            let got: std::collections::BTreeMap<String, u64> = found.facets[facet]
                .iter()
                .map(|b| (b.value.clone(), b.count))
                .collect();
            assert_eq!(got, want, "{facet} with {filters:?}");
        }
    }
}
