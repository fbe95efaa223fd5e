//! The Vietnam 2019 assessments as imported are faithful to the report: the number of questions
//! and evidence items per dimension, the dimension ratings and their place on the Low…High scale,
//! and both action plans.

use chrono::Utc;
use dulieu_i18n::Locale;
use dulieu_readiness::framework::Frameworks;
use dulieu_readiness::import::{self, Imported};
use dulieu_readiness::report;
use dulieu_readiness::{Assessment, ContentLang, Term};

fn imported() -> (Frameworks, Imported) {
    let frameworks = Frameworks::builtin().expect("built-in frameworks");
    let imported = import::vietnam_2019(&frameworks, Utc::now()).expect("import");
    (frameworks, imported)
}

fn by_slug<'a>(imported: &'a Imported, slug: &str) -> &'a Assessment {
    imported
        .assessments
        .iter()
        .find(|a| a.slug == slug)
        .expect("assessment")
}

/// (dimension, questions, evidence items, rating) of an assessment.
fn shape(assessment: &Assessment) -> Vec<(String, usize, usize, String)> {
    assessment
        .dimensions
        .iter()
        .map(|d| {
            (
                d.id.clone(),
                d.questions.len(),
                d.questions.iter().map(|q| q.evidence.len()).sum(),
                d.rating.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn expected(rows: &[(&str, usize, usize, &str)]) -> Vec<(String, usize, usize, String)> {
    rows.iter()
        .map(|(d, q, e, r)| (d.to_string(), *q, *e, r.to_string()))
        .collect()
}

#[test]
fn the_dgra_has_the_report_dimensions_questions_and_evidence() {
    let (frameworks, imported) = imported();
    let dgra = by_slug(&imported, import::DGRA_SLUG);
    assert_eq!(
        shape(dgra),
        expected(&[
            ("1", 17, 90, "yellow"),
            ("2", 9, 54, "yellow"),
            ("3", 5, 24, "yellow_red"),
            ("4", 10, 45, "yellow_red"),
            ("5", 9, 40, "yellow_red"),
            ("6", 10, 42, "yellow"),
            ("7", 6, 25, "yellow"),
        ])
    );
    let framework = frameworks.get("dgra", "11").unwrap();
    let doc = report::document(dgra, framework);
    // The Results table of the report: the column of the "*" per dimension (Low = 1).
    let columns: Vec<u8> = doc
        .dimensions
        .iter()
        .map(|d| d.readiness.unwrap())
        .collect();
    assert_eq!(columns, [3, 3, 2, 2, 2, 3, 3]);
    assert_eq!(
        (
            doc.balance.for_readiness,
            doc.balance.against,
            doc.balance.neutral
        ),
        (188, 132, 0)
    );
    assert_eq!(doc.unsupported_ratings, 0);
    let q = dgra.question("1.1").unwrap();
    assert_eq!(q.rating.as_deref(), Some("yellow_green"));
    assert_eq!(
        q.evidence[1].url.as_deref(),
        Some(
            "http://www.chinhphu.vn/portal/page/portal/English/strategies/strategiesdetails?categoryId=30&articleId=10050825"
        )
    );
    assert!(
        q.evidence[1]
            .source
            .as_deref()
            .unwrap()
            .starts_with("[15] ")
    );
    assert_eq!(
        dgra.question("2.2").unwrap().rating.as_deref(),
        Some("yellow")
    );
}

#[test]
fn the_odra_has_the_report_dimensions_questions_importance_and_evidence() {
    let (frameworks, imported) = imported();
    let odra = by_slug(&imported, import::ODRA_SLUG);
    assert_eq!(
        shape(odra),
        expected(&[
            ("1", 5, 37, "yellow"),
            ("2", 6, 40, "yellow_red"),
            ("3", 8, 49, "yellow"),
            ("4", 7, 50, "yellow"),
            ("5", 4, 24, "yellow"),
            ("6", 5, 34, "yellow_green"),
            ("7", 4, 18, "yellow_green"),
            ("8", 4, 28, "green"),
        ])
    );
    assert_eq!(odra.questions().count(), 43);
    let framework = frameworks.get("odra", "3.1").unwrap();
    let doc = report::document(odra, framework);
    // Open Data Readiness Assessment Results: Medium, Low / Medium, Medium, Medium, Medium,
    // Medium / High, Medium / High, High.
    let columns: Vec<u8> = doc
        .dimensions
        .iter()
        .map(|d| d.readiness.unwrap())
        .collect();
    assert_eq!(columns, [3, 2, 3, 3, 3, 4, 4, 5]);
    let importance: Vec<&str> = odra
        .dimensions
        .iter()
        .map(|d| d.importance.as_deref().unwrap())
        .collect();
    assert_eq!(
        importance,
        [
            "very_high",
            "high",
            "high",
            "high",
            "very_high",
            "high",
            "medium_high",
            "high"
        ]
    );
    assert_eq!(
        (
            doc.balance.for_readiness,
            doc.balance.against,
            doc.balance.neutral
        ),
        (190, 84, 6)
    );
    assert_eq!(odra.question("2.1").unwrap().rating.as_deref(), Some("red"));
    assert_eq!(
        odra.question("3.5").unwrap().importance.as_deref(),
        Some("medium")
    );
    // Five evidence items of 3.1 are written in Vietnamese in the report.
    let vietnamese = odra
        .question("3.1")
        .unwrap()
        .evidence
        .iter()
        .filter(|e| e.lang == ContentLang::Vi)
        .count();
    assert_eq!(vietnamese, 5);
    // Sub-bullets stay with their item, as a Markdown list.
    let nested = &odra.question("1.1").unwrap().evidence[3];
    assert!(
        nested
            .text
            .starts_with("At the city level, there are open data initiatives:\n- Danang"),
        "{}",
        nested.text
    );
    assert_eq!(
        nested.url.as_deref(),
        Some("http://opendata.danang.gov.vn/")
    );
}

#[test]
fn the_od4b_has_the_survey_findings_of_annex_b() {
    let (frameworks, imported) = imported();
    assert_eq!(imported.assessments.len(), 3);
    let od4b = by_slug(&imported, import::OD4B_SLUG);
    assert_eq!(
        shape(od4b),
        expected(&[
            ("1", 3, 13, ""),
            ("2", 2, 5, ""),
            ("3", 4, 16, ""),
            ("4", 2, 6, "")
        ]),
        "the report rates nothing in Annex B"
    );
    let framework = frameworks.get("od4b", "2.8").unwrap();
    let doc = report::document(od4b, framework);
    assert_eq!(
        (
            doc.balance.for_readiness,
            doc.balance.against,
            doc.balance.neutral
        ),
        (0, 0, 40),
        "the report marks no sign: every finding is neutral"
    );
    let commented = od4b.questions().filter(|q| q.commentary.is_some()).count();
    assert_eq!(commented, 11, "one summary-of-findings row per question");
    let q = |id: &str| od4b.question(id).unwrap();
    assert_eq!(
        q("4.1").commentary.as_ref().unwrap().text,
        "3.31/5 - Average on 1 (poor) -5 (excellent) scale"
    );
    assert_eq!(
        q("1.1").evidence.len(),
        7,
        "the seven most requested data types"
    );
    assert!(
        q("1.1").evidence[0]
            .text
            .starts_with("Demographic and social: Across the economy")
    );
    assert_eq!(
        q("2.1").evidence.len(),
        5,
        "seven barriers in five paragraphs"
    );
    assert_eq!(
        q("3.4").evidence.len(),
        8,
        "awareness and seven information sources"
    );
    assert_eq!(
        q("3.4").evidence[1].text,
        "Government web sites: The most used source of information is government web sites, with more than 66% of the interviewees using them."
    );
    assert!(q("1.2").evidence.is_empty() && q("2.2").evidence.is_empty());
    assert!(od4b.questions().all(|q| q.rating.is_none()));
    assert!(
        od4b.questions()
            .flat_map(|q| &q.evidence)
            .all(|e| e.lang == ContentLang::En)
    );
    let source = od4b.meta.source.as_deref().unwrap();
    assert!(source.contains("Annex B") && source.contains("35 private sector stakeholders"));
    assert_eq!(od4b.meta.started_on.unwrap().to_string(), "2018-01-15");
}

#[test]
fn both_action_plans_are_loaded_with_months_costs_and_prerequisites() {
    let (_, imported) = imported();
    let dgra_plan = imported
        .plans
        .iter()
        .find(|p| p.slug == import::DGRA_PLAN_SLUG)
        .unwrap();
    assert_eq!(dgra_plan.items.len(), 15);
    let terms = |term| {
        dgra_plan
            .items
            .iter()
            .filter(|i| i.term == Some(term))
            .count()
    };
    // As the tabular view lists them (its Data Driven rows are both short-term actions).
    assert_eq!((terms(Term::Short), terms(Term::Medium)), (11, 4));
    let first = &dgra_plan.items[0];
    assert_eq!(first.dimension, "1");
    assert_eq!((first.start_month, first.end_month), (3, 6));
    assert_eq!(first.responsible, ["OoG"]);
    assert_eq!(first.cost.note.as_deref(), Some("N/A"));

    let odra_plan = imported
        .plans
        .iter()
        .find(|p| p.slug == import::ODRA_PLAN_SLUG)
        .unwrap();
    assert_eq!(odra_plan.items.len(), 32);
    assert_eq!(odra_plan.starts_on.to_string(), "2019-04-01");
    let item = |title: &str| {
        odra_plan
            .items
            .iter()
            .find(|i| i.title.starts_with(title))
            .unwrap_or_else(|| panic!("{title}"))
    };
    let legislation = item("Develop an Open Data legislation");
    assert_eq!((legislation.start_month, legislation.end_month), (3, 12));
    assert_eq!(
        (legislation.cost.min, legislation.cost.max),
        (Some(50_000), Some(75_000))
    );
    assert_eq!(legislation.responsible, ["ODTF"]);
    let impact = item("OD Initiative Impact measurement");
    assert_eq!((impact.start_month, impact.end_month), (25, 30));
    let lab = item("Setup of a Data innovation lab");
    assert_eq!((lab.start_month, lab.end_month), (24, 48));
    let training = item("Training & Communication campaign for Access to information officers");
    assert_eq!(
        training.prerequisites,
        [
            item("Prime Minister of SRV makes an official public announcement").id,
            legislation.id
        ]
    );
    assert_eq!(training.responsible, ["ODTF", "ODCTO"]);
    // Grouped as the tabular view: by dimension, short term first.
    let dimensions: Vec<&str> = odra_plan
        .items
        .iter()
        .map(|i| i.dimension.as_str())
        .collect();
    let mut sorted = dimensions.clone();
    sorted.sort();
    assert_eq!(dimensions, sorted);
    odra_plan.check().unwrap();
}

#[test]
fn the_markdown_report_has_the_summary_table_and_every_question() {
    let (frameworks, imported) = imported();
    let odra = by_slug(&imported, import::ODRA_SLUG);
    let framework = frameworks.get("odra", "3.1").unwrap();
    let doc = report::document(odra, framework);
    let en = report::markdown(&doc, framework, Locale::En);
    assert!(en.starts_with("# Vietnam Open Data Readiness Assessment 2019 (ODRA)\n"));
    assert!(
        en.contains("| 1. Senior Leadership | Very high | Yellow | Medium |"),
        "{en}"
    );
    assert!(en.contains("| 2. Policy/Legal Framework | High | Yellow/Red | Low / Medium |"));
    assert_eq!(en.matches("\n### ").count(), 43);
    let vi = report::markdown(&doc, framework, Locale::Vi);
    assert!(
        vi.contains("| 8. Hạ tầng công nghệ và kỹ năng quốc gia | Cao | Xanh lá | Cao |"),
        "{vi}"
    );
}
