//! Adding a framework needs no code: a file put in the frameworks folder is loaded, checked and
//! usable for an assessment and its report.

use chrono::Utc;
use dulieu_core::text::LangText;
use dulieu_i18n::Locale;
use dulieu_readiness::assessment::{AssessmentMeta, EvidenceInput, choose_slug};
use dulieu_readiness::framework::Frameworks;
use dulieu_readiness::{Assessment, PublicationStatus, report};

const TOY: &str = r##"
id = "toy-pathway"
version = "0.1"
name = { vi = "Lộ trình dữ liệu mở (thử)", en = "Open data pathway (toy)" }
summary_scale = [{ vi = "Khởi đầu", en = "Initial" }, { vi = "Lặp lại", en = "Repeatable" }, { vi = "Xác định", en = "Defined" }]

[[ratings]]
code = "defined"
label = { vi = "Xác định", en = "Defined" }
meaning = { vi = "quy trình được xác định", en = "the process is defined" }
color = "#2e7d32"
summary = 3

[[ratings]]
code = "initial"
label = { vi = "Khởi đầu", en = "Initial" }
meaning = { vi = "làm tùy hứng", en = "done ad hoc" }
color = "#c62828"
summary = 1

[[ratings]]
code = "unknown"
label = { vi = "Chưa rõ", en = "Unknown" }
meaning = { vi = "chưa đủ thông tin", en = "not enough information" }
color = "#9e9e9e"

[[signs]]
code = "+"
stance = "for"
label = { vi = "Ủng hộ", en = "For" }
meaning = { vi = "ủng hộ", en = "for" }

[[signs]]
code = "-"
stance = "against"
label = { vi = "Phản bác", en = "Against" }
meaning = { vi = "phản bác", en = "against" }

[[importance]]
code = "core"
label = { vi = "Cốt lõi", en = "Core" }

[[dimensions]]
id = "release"
name = { vi = "Quy trình công bố", en = "Release process" }
importance = "core"

[[dimensions.questions]]
id = "release.1"
text = { vi = "Tổ chức đã công bố dữ liệu mở chưa?", en = "Has the organisation published open data?" }
importance = "core"
"##;

#[test]
fn a_framework_file_in_the_folder_is_usable_without_code() {
    let dir = tempfile::tempdir().unwrap();
    let before = Frameworks::load(Some(dir.path())).unwrap();
    assert!(before.latest("toy-pathway").is_none());
    std::fs::write(dir.path().join("toy-pathway.toml"), TOY).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a framework").unwrap();

    let frameworks = Frameworks::load(Some(dir.path())).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(frameworks.all().len(), before.all().len() + 1);
    let toy = frameworks.latest("toy-pathway").unwrap();
    let meta = AssessmentMeta {
        title: LangText::new("Tự đánh giá 2026", "Self-assessment 2026"),
        subject: "Bộ Tài chính".into(),
        status: PublicationStatus::Draft,
        started_on: None,
        finished_on: None,
        published_on: None,
        assessors: Vec::new(),
        source: None,
    }
    .validate()
    .unwrap();
    let slug = choose_slug(None, &meta).unwrap();
    let mut assessment = Assessment::start(toy, slug, meta, Utc::now());
    let question = assessment.question_mut("release.1").unwrap();
    question.rating = Some("defined".into());
    assessment.check(toy).unwrap();
    let doc = report::document(&assessment, toy);
    assert_eq!(
        doc.unsupported_ratings, 1,
        "rated without evidence is flagged"
    );
    assert_eq!(doc.dimensions[0].questions[0].readiness, Some(3));

    let item = EvidenceInput {
        sign: "+".into(),
        text: Some("12 datasets under CC BY 4.0".into()),
        ..EvidenceInput::default()
    }
    .validate(toy, |_| None)
    .unwrap();
    assessment
        .question_mut("release.1")
        .unwrap()
        .evidence
        .push(item);
    let doc = report::document(&assessment, toy);
    assert_eq!(doc.unsupported_ratings, 0);
    let markdown = report::markdown(&doc, toy, Locale::En);
    assert!(
        markdown.contains("### release.1 Has the organisation published open data?"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- (+) 12 datasets under CC BY 4.0"),
        "{markdown}"
    );
}

#[test]
fn a_broken_framework_file_is_refused_with_its_name_and_field() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.toml"),
        TOY.replace("summary = 3", "summary = 7"),
    )
    .unwrap();
    let err = Frameworks::load(Some(dir.path())).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("broken.toml: ratings[0].summary: must be a column of summary_scale, 1 to 3"),
        "{text}"
    );
}
