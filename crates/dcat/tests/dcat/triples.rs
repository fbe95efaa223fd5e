//! The exact triples of a fixed dataset, and the round trip export → read in every syntax.

use std::collections::BTreeSet;

use dulieu_core::harvest::{HarvestItemError, RemoteDataset};
use dulieu_dcat::{DcatWriter, RdfSyntax, read_data_json, read_dcat};
use oxrdfio::{RdfFormat, RdfParser};

use crate::fixture::{self, BASE, CSV_ID, DATASET_ID, LINK_ID};

/// The datasets of a page, all of which must have been read (panics on an item error).
fn all_read(items: &[Result<RemoteDataset, HarvestItemError>]) -> Vec<&RemoteDataset> {
    items
        .iter()
        .map(|item| item.as_ref().unwrap_or_else(|err| panic!("{err:?}")))
        .collect()
}

/// An item error with this remote id and message.
fn item_error(remote_id: &str, message: &str) -> HarvestItemError {
    HarvestItemError {
        remote_id: remote_id.to_string(),
        message: message.to_string(),
    }
}

/// The triples of `bytes` with `subject`, as N-Triples lines (blank nodes as `_:`).
fn triples_of(bytes: &[u8], syntax: RdfSyntax, subject: &str) -> BTreeSet<String> {
    let format = match syntax {
        RdfSyntax::Turtle => RdfFormat::Turtle,
        RdfSyntax::RdfXml => RdfFormat::RdfXml,
        RdfSyntax::JsonLd => RdfFormat::JsonLd {
            profile: oxrdfio::JsonLdProfileSet::empty(),
        },
    };
    RdfParser::from_format(format)
        .for_slice(bytes)
        .map(|q| q.unwrap())
        .filter(|q| q.subject.to_string() == subject)
        .map(|q| {
            let object = match &q.object {
                oxrdf::Term::BlankNode(_) => "_:".to_string(),
                other => other.to_string(),
            };
            format!("{} {} {object}", q.subject, q.predicate)
        })
        .collect()
}

fn dataset_document(syntax: RdfSyntax) -> Vec<u8> {
    let mut writer = DcatWriter::dataset_document(Vec::new(), syntax, fixture::site()).unwrap();
    writer
        .dataset(&fixture::full_dataset(), &fixture::gso())
        .unwrap();
    writer.finish().unwrap()
}

#[test]
fn a_dataset_has_exactly_these_triples_in_every_syntax() {
    let ds = format!("<{BASE}/dataset/{}>", uuid::Uuid::from_u128(DATASET_ID));
    let csv = format!(
        "<{BASE}/api/1/distributions/{}>",
        uuid::Uuid::from_u128(CSV_ID)
    );
    let link = format!(
        "<{BASE}/api/1/distributions/{}>",
        uuid::Uuid::from_u128(LINK_ID)
    );
    let dcat = |l: &str| format!("<http://www.w3.org/ns/dcat#{l}>");
    let dct = |l: &str| format!("<http://purl.org/dc/terms/{l}>");
    let xsd = |l: &str| format!("<http://www.w3.org/2001/XMLSchema#{l}>");
    let eu = |table: &str, code: &str| {
        format!("<http://publications.europa.eu/resource/authority/{table}/{code}>")
    };
    let a = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>";
    let expected_dataset: BTreeSet<String> = [
        format!("{ds} {a} {}", dcat("Dataset")),
        format!("{ds} {a} {}", dcat("Resource")),
        format!("{ds} {} \"Dân số năm 2023\"@vi", dct("title")),
        format!("{ds} {} \"Population 2023\"@en", dct("title")),
        format!(
            "{ds} {} \"Dân số trung bình theo tỉnh, thành phố.\"@vi",
            dct("description")
        ),
        format!(
            "{ds} {} \"Average population by province and city.\"@en",
            dct("description")
        ),
        format!(
            "{ds} {} \"{}\"",
            dct("identifier"),
            uuid::Uuid::from_u128(DATASET_ID)
        ),
        format!("{ds} {} <{BASE}/dataset/dan-so-2023>", dcat("landingPage")),
        format!("{ds} {} <{BASE}/organization/gso>", dct("publisher")),
        format!("{ds} {} \"dân số\"", dcat("keyword")),
        format!("{ds} {} \"tỉnh\"", dcat("keyword")),
        format!("{ds} {} {}", dcat("theme"), eu("data-theme", "ECON")),
        format!("{ds} {} <{BASE}/search?theme=VN-DAN-SO>", dcat("theme")),
        format!("{ds} {} {}", dct("language"), eu("language", "VIE")),
        format!("{ds} {} {}", dct("language"), eu("language", "ENG")),
        format!(
            "{ds} {} {}",
            dct("accessRights"),
            eu("access-right", "PUBLIC")
        ),
        format!("{ds} {} {}", dct("license"), eu("licence", "CC_BY_4_0")),
        format!(
            "{ds} {} {}",
            dct("accrualPeriodicity"),
            eu("frequency", "ANNUAL")
        ),
        format!("{ds} {} \"2024-03-01\"^^{}", dct("issued"), xsd("date")),
        format!("{ds} {} \"2024-06-30\"^^{}", dct("modified"), xsd("date")),
        format!("{ds} {} \"2023.1\"", dcat("version")),
        format!("{ds} {} _:", dcat("contactPoint")),
        format!("{ds} {} _:", dct("temporal")),
        format!("{ds} {} _:", dct("spatial")),
        format!("{ds} {} {csv}", dcat("distribution")),
        format!("{ds} {} {link}", dcat("distribution")),
    ]
    .into_iter()
    .collect();
    let expected_csv: BTreeSet<String> = [
        format!("{csv} {a} {}", dcat("Distribution")),
        format!(
            "{csv} {} <{BASE}/api/1/distributions/{}/download>",
            dcat("accessURL"),
            uuid::Uuid::from_u128(CSV_ID)
        ),
        format!(
            "{csv} {} <{BASE}/api/1/distributions/{}/download>",
            dcat("downloadURL"),
            uuid::Uuid::from_u128(CSV_ID)
        ),
        format!("{csv} {} \"Dân số theo tỉnh\"@vi", dct("title")),
        format!("{csv} {} \"Population by province\"@en", dct("title")),
        format!("{csv} {} \"Tệp CSV\"@vi", dct("description")),
        format!("{csv} {} \"CSV file\"@en", dct("description")),
        format!("{csv} {} {}", dct("format"), eu("file-type", "CSV")),
        format!(
            "{csv} {} <https://www.iana.org/assignments/media-types/text/csv>",
            dcat("mediaType")
        ),
        format!("{csv} {} {}", dct("license"), eu("licence", "CC_BY_4_0")),
        format!(
            "{csv} {} \"1024\"^^{}",
            dcat("byteSize"),
            xsd("nonNegativeInteger")
        ),
        format!("{csv} <http://spdx.org/rdf/terms#checksum> _:"),
        format!("{csv} {} \"2024-03-01\"^^{}", dct("issued"), xsd("date")),
        format!("{csv} {} \"2024-06-30\"^^{}", dct("modified"), xsd("date")),
    ]
    .into_iter()
    .collect();
    let expected_link: BTreeSet<String> = [
        format!("{link} {a} {}", dcat("Distribution")),
        format!(
            "{link} {} <https://www.gso.gov.vn/files/dan-so.xlsx>",
            dcat("accessURL")
        ),
        format!("{link} {} \"Bảng trên trang GSO\"@vi", dct("title")),
        format!("{link} {} {}", dct("format"), eu("file-type", "XLSX")),
        format!("{link} {} {}", dct("license"), eu("licence", "ODC_BL")),
    ]
    .into_iter()
    .collect();
    for syntax in RdfSyntax::ALL {
        let bytes = dataset_document(syntax);
        assert_eq!(
            triples_of(&bytes, syntax, &ds),
            expected_dataset,
            "{syntax:?}"
        );
        assert_eq!(triples_of(&bytes, syntax, &csv), expected_csv, "{syntax:?}");
        assert_eq!(
            triples_of(&bytes, syntax, &link),
            expected_link,
            "{syntax:?}"
        );
        // The vocabulary used is typed once, as the class ranges of the shapes need.
        let csv_type = eu("file-type", "CSV");
        assert_eq!(
            triples_of(&bytes, syntax, &csv_type),
            BTreeSet::from([format!("{csv_type} {a} {}", dct("MediaTypeOrExtent"))])
        );
        let record = format!(
            "<{BASE}/dataset/{}#record>",
            uuid::Uuid::from_u128(DATASET_ID)
        );
        assert!(
            triples_of(&bytes, syntax, &record).contains(&format!(
                "{record} {} \"2024-06-30T09:15:30Z\"^^{}",
                dct("modified"),
                xsd("dateTime")
            )),
            "{syntax:?}"
        );
    }
}

/// What a harvester must get back from an export.
fn assert_round_trip(read: &RemoteDataset) {
    let full = fixture::full_dataset();
    assert_eq!(read.remote_id, format!("{BASE}/dataset/{}", full.id));
    assert_eq!(
        read.remote_url.as_deref(),
        Some(format!("{BASE}/dataset/dan-so-2023").as_str())
    );
    assert_eq!(read.remote_modified, Some(full.updated_at));
    assert_eq!(read.input.slug.as_deref(), Some("dan-so-2023"));
    assert_eq!(read.input.title, full.title);
    assert_eq!(read.input.description, full.description);
    let mut keywords = full.keywords.clone();
    keywords.sort();
    assert_eq!(read.input.keywords, keywords);
    assert_eq!(read.input.themes, ["ECON"], "EU themes only");
    assert_eq!(read.input.license, "cc-by-4.0");
    assert_eq!(read.input.access_rights, full.access_rights);
    assert_eq!(read.input.contact_point, full.contact_point);
    assert_eq!(read.input.temporal, full.temporal);
    assert_eq!(read.input.spatial, full.spatial);
    assert_eq!(read.input.frequency, full.frequency);
    assert_eq!(read.input.issued, full.issued);
    assert_eq!(read.input.modified, full.modified);
    assert_eq!(read.input.version, full.version);
    assert_eq!(
        read.publisher.remote_id.as_deref(),
        Some(format!("{BASE}/organization/gso").as_str())
    );
    assert_eq!(read.publisher.slug_hint.as_deref(), Some("gso"));
    assert_eq!(read.publisher.name, fixture::gso().name);
    assert_eq!(read.publisher.website, fixture::gso().website);
    assert_eq!(read.publisher.contact_email, fixture::gso().contact_email);
    assert_eq!(read.distributions.len(), 2);
    for (read, original) in read.distributions.iter().zip(&full.distributions) {
        assert_eq!(
            read.remote_id,
            Some(format!("{BASE}/api/1/distributions/{}", original.id))
        );
        assert_eq!(read.url, original.url);
        assert_eq!(read.title, original.title);
        assert_eq!(read.description, original.description);
        assert_eq!(read.format, original.format);
        assert_eq!(read.media_type, original.media_type);
        assert_eq!(read.license.as_deref(), Some(original.license.as_str()));
        assert_eq!(read.byte_size, original.byte_size);
        assert_eq!(read.issued, original.issued);
        assert_eq!(read.modified, original.modified);
    }
}

#[test]
fn an_exported_catalog_reads_back_in_every_syntax() {
    let page = dulieu_dcat::HydraPage {
        url: format!("{BASE}/catalog.ttl"),
        page: 1,
        page_size: 2,
        total: 3,
    };
    for syntax in RdfSyntax::ALL {
        let bytes = fixture::catalog(syntax, Some(&page));
        let read =
            read_dcat(&bytes, syntax, BASE).unwrap_or_else(|err| panic!("{syntax:?}: {err}"));
        assert_eq!(
            read.next.as_deref(),
            Some(format!("{BASE}/catalog.ttl?page=2&page_size=2").as_str())
        );
        let datasets = all_read(&read.datasets);
        assert_eq!(datasets.len(), 2, "{syntax:?}");
        assert_round_trip(datasets[0]);
        let bare = datasets[1];
        assert_eq!(bare.input.title, fixture::bare_dataset().title);
        // The description is mandatory in DCAT-AP: the title stands in for it.
        assert_eq!(bare.input.description, fixture::bare_dataset().title);
        assert_eq!(bare.input.license, "none");
        assert!(bare.distributions.is_empty());
    }
}

#[test]
fn reading_reports_what_is_wrong_and_where() {
    let err = read_dcat(b"<a> <b> .\n<c> <d> <e> .", RdfSyntax::Turtle, BASE).unwrap_err();
    assert!(
        matches!(
            err,
            dulieu_dcat::ReadError::Syntax {
                format: "Turtle",
                line: Some(1),
                column: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.starts_with("Turtle syntax error at line 1"), "{text}");
    // A dataset that cannot be mapped is an item error, not an unreadable page.
    let page = read_dcat(
        b"<https://x.example/d> a <http://www.w3.org/ns/dcat#Dataset> .",
        RdfSyntax::Turtle,
        BASE,
    )
    .unwrap();
    assert_eq!(
        page.datasets,
        [Err(item_error("https://x.example/d", "no dct:title"))]
    );
    let read = read_data_json(br#"{"dataset": [{"title": "x"}]}"#).unwrap();
    assert_eq!(
        read,
        [Err(item_error(
            "dataset 0",
            "`identifier` is missing (title \"x\")"
        ))]
    );
    let err = read_data_json(b"{\"dataset\": [").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("data.json syntax error at line 1"),
        "{err}"
    );
    // A document that is not a catalog at all is still unreadable.
    let err = read_data_json(br#"{"datasets": []}"#).unwrap_err();
    assert_eq!(err.to_string(), "data.json: no \"dataset\" array");
    let err = read_data_json(b"\"catalog\"").unwrap_err();
    assert_eq!(err.to_string(), "data.json: not an object");
}

#[test]
fn a_dcat_dataset_without_a_title_is_an_item_error_and_the_rest_is_read() {
    let turtle = r#"
        @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        <https://other.example/ds/bad> a dcat:Dataset ; dct:description "Không có tiêu đề" .
        <https://other.example/ds/good> a dcat:Dataset ; dct:title "Ngân sách" .
    "#;
    let page = read_dcat(turtle.as_bytes(), RdfSyntax::Turtle, BASE).unwrap();
    assert_eq!(page.datasets.len(), 2);
    assert_eq!(
        page.datasets[0],
        Err(item_error("https://other.example/ds/bad", "no dct:title"))
    );
    let good = page.datasets[1].as_ref().unwrap();
    assert_eq!(good.remote_id, "https://other.example/ds/good");
    assert_eq!(good.input.title.vi.as_deref(), Some("Ngân sách"));
}

#[test]
fn dcat_item_errors_keep_their_place_by_remote_id_and_blank_nodes_without_id_come_last() {
    let turtle = r#"
        @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        [] a dcat:Dataset ; dct:title "Không định danh"@vi .
        [] a dcat:Dataset .
        <https://other.example/ds/c> a dcat:Dataset ; dct:title "C" .
        <https://other.example/ds/b> a dcat:Dataset ; dct:title ""@en .
        [] a dcat:Dataset ; dct:identifier "ds-z" ; dct:title "Z" .
        <https://other.example/ds/a> a dcat:Dataset ; dct:title "A" .
    "#;
    let page = read_dcat(turtle.as_bytes(), RdfSyntax::Turtle, BASE).unwrap();
    let ids: Vec<&str> = page
        .datasets
        .iter()
        .map(|item| match item {
            Ok(dataset) => dataset.remote_id.as_str(),
            Err(err) => err.remote_id.as_str(),
        })
        .collect();
    assert_eq!(
        ids,
        [
            "ds-z",
            "https://other.example/ds/a",
            "https://other.example/ds/b",
            "https://other.example/ds/c",
            "dataset 4",
            "dataset 5",
        ]
    );
    assert!(page.datasets[..2].iter().all(Result::is_ok));
    assert_eq!(
        page.datasets[2],
        Err(item_error("https://other.example/ds/b", "no dct:title"))
    );
    assert!(page.datasets[3].is_ok());
    // Without an id they come last (by title), named by their place; a title helps find them.
    assert_eq!(
        page.datasets[4..],
        [
            Err(item_error(
                "dataset 4",
                "a blank node without dct:identifier; no dct:title"
            )),
            Err(item_error(
                "dataset 5",
                "a blank node without dct:identifier (dct:title \"Không định danh\")"
            )),
        ]
    );
}

#[test]
fn a_data_json_dataset_without_a_title_is_an_item_error_and_the_rest_is_read() {
    let json = r#"{"dataset": [
        {"identifier": "https://other.example/ds/good", "title": "Ngân sách", "accessLevel": "public"},
        {"identifier": "https://other.example/ds/bad", "description": "Không có tiêu đề"}
    ]}"#;
    let read = read_data_json(json.as_bytes()).unwrap();
    assert_eq!(read.len(), 2);
    let good = read[0].as_ref().unwrap();
    assert_eq!(good.remote_id, "https://other.example/ds/good");
    assert_eq!(good.input.title.vi.as_deref(), Some("Ngân sách"));
    assert_eq!(
        read[1],
        Err(item_error(
            "https://other.example/ds/bad",
            "`title` is missing"
        ))
    );
}

#[test]
fn data_json_item_errors_say_what_is_wrong_and_keep_the_document_order() {
    let json = r#"[
        {"identifier": "b", "title": "B"},
        "not a dataset",
        {"title": "Không định danh"},
        {"accessLevel": "non-public"},
        {"identifier": 7, "title": "  "},
        {"identifier": "a", "title": null},
        {"identifier": "c", "title": "C"}
    ]"#;
    let read = read_data_json(json.as_bytes()).unwrap();
    assert_eq!(read.len(), 6, "the non-public one is left out");
    assert_eq!(read[0].as_ref().unwrap().remote_id, "b");
    assert_eq!(
        read[1..5],
        [
            Err(item_error("dataset 1", "not an object")),
            Err(item_error(
                "dataset 2",
                "`identifier` is missing (title \"Không định danh\")"
            )),
            Err(item_error(
                "dataset 4",
                "`identifier` is not a string; `title` is empty"
            )),
            Err(item_error("a", "`title` is missing")),
        ]
    );
    assert_eq!(read[5].as_ref().unwrap().remote_id, "c");
}

#[test]
fn foreign_dcat_maps_licences_themes_and_next_pages() {
    let turtle = r#"
        @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        @prefix hydra: <http://www.w3.org/ns/hydra/core#> .
        <https://other.example/catalog?page=1> a hydra:PagedCollection ;
            hydra:nextPage "https://other.example/catalog?page=2" .
        <https://other.example/ds/1> a dcat:Dataset ; dct:title "Budget"@en-GB , "Ngân sách" ;
            dct:description "Yearly budget" ;
            dcat:theme <http://publications.europa.eu/resource/authority/data-theme/GOVE> , <https://other.example/theme/x> ;
            dcat:distribution [ a dcat:Distribution ;
                dcat:accessURL <https://other.example/budget.csv> ;
                dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
                dct:license <http://creativecommons.org/licenses/by-sa/4.0/> ] .
    "#;
    let page = read_dcat(turtle.as_bytes(), RdfSyntax::Turtle, BASE).unwrap();
    assert_eq!(
        page.next.as_deref(),
        Some("https://other.example/catalog?page=2")
    );
    let dataset = all_read(&page.datasets)[0];
    assert_eq!(dataset.input.title.en.as_deref(), Some("Budget"));
    assert_eq!(dataset.input.title.vi.as_deref(), Some("Ngân sách"));
    assert_eq!(dataset.input.themes, ["GOVE"]);
    assert_eq!(
        dataset.input.license, "cc-by-sa-4.0",
        "from the distribution"
    );
    assert_eq!(dataset.distributions[0].format.as_deref(), Some("CSV"));
    assert_eq!(dataset.remote_modified, None);
}

#[test]
fn data_json_reads_back() {
    let site = fixture::site();
    let mut writer = dulieu_dcat::DataJsonWriter::new(Vec::new(), site).unwrap();
    writer
        .dataset(&fixture::full_dataset(), &fixture::gso())
        .unwrap();
    writer
        .dataset(&fixture::bare_dataset(), &fixture::gso())
        .unwrap();
    let bytes = writer.finish().unwrap();
    let read = read_data_json(&bytes).unwrap();
    let read = all_read(&read);
    assert_eq!(read.len(), 2);
    let full = fixture::full_dataset();
    let first = read[0];
    assert_eq!(first.remote_id, format!("{BASE}/dataset/{}", full.id));
    assert_eq!(
        first.input.title.vi, full.title.vi,
        "data.json keeps one language"
    );
    assert_eq!(first.input.keywords, full.keywords);
    assert_eq!(first.input.themes, ["ECON"]);
    assert_eq!(first.input.license, "cc-by-4.0");
    assert_eq!(first.input.temporal, full.temporal);
    assert_eq!(first.input.frequency, full.frequency);
    assert_eq!(first.input.issued, full.issued);
    assert_eq!(first.remote_modified, Some(full.updated_at));
    assert_eq!(first.distributions.len(), 2);
    assert_eq!(first.distributions[0].url, full.distributions[0].url);
    assert_eq!(
        first.distributions[0].media_type,
        full.distributions[0].media_type
    );
    assert_eq!(first.distributions[1].url, full.distributions[1].url);
    assert_eq!(read[1].input.license, "none");
}

/// Serializes 100,000 datasets with two distributions each as Turtle and prints the time (the
/// store side is measured by `dulieu bench interop`). Run with
/// `cargo test --release -p dulieu-dcat --test dcat -- --ignored --nocapture`.
#[test]
#[ignore = "timing, run by hand in release"]
fn turtle_of_100000_datasets() {
    let mut dataset = fixture::full_dataset();
    let publisher = fixture::gso();
    let (writer, chunks) = dulieu_dcat::chunked();
    let started = std::time::Instant::now();
    let mut writer = DcatWriter::catalog(writer, RdfSyntax::Turtle, fixture::site(), None).unwrap();
    let mut bytes = 0;
    for n in 0..100_000u128 {
        dataset.id = uuid::Uuid::from_u128(DATASET_ID + (n << 16));
        for (i, d) in dataset.distributions.iter_mut().enumerate() {
            d.id = uuid::Uuid::from_u128(CSV_ID + (n << 16) + i as u128);
        }
        writer.dataset(&dataset, &publisher).unwrap();
        if n % 1000 == 0 {
            bytes += chunks.take().len();
        }
    }
    bytes += writer.finish().unwrap().into_rest(&chunks).len();
    eprintln!(
        "100,000 datasets: {bytes} bytes of Turtle in {:?}",
        started.elapsed()
    );
}

/// Every triple of a Turtle document, as N-Triples lines.
fn all_triples(bytes: &[u8]) -> BTreeSet<String> {
    RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(bytes)
        .map(|q| q.unwrap().to_string())
        .collect()
}

#[test]
fn a_catalog_written_in_parts_is_the_catalog_written_whole() {
    let whole = fixture::catalog(RdfSyntax::Turtle, None);
    let head = DcatWriter::catalog(Vec::new(), RdfSyntax::Turtle, fixture::site(), None).unwrap();
    let parts = head.parts().expect("Turtle is written in parts");
    let mut joined = head.finish().unwrap();
    let gso = fixture::gso();
    for dataset in [fixture::full_dataset(), fixture::bare_dataset()] {
        joined.extend(parts.write([(&dataset, &gso)]).unwrap());
    }
    let (whole, joined) = (all_triples(&whole), all_triples(&joined));
    assert!(whole.len() > 60, "{}", whole.len());
    assert_eq!(whole, joined);
    // Only a syntax whose documents can be appended to each other is written in parts.
    for syntax in [RdfSyntax::RdfXml, RdfSyntax::JsonLd] {
        let writer = DcatWriter::catalog(Vec::new(), syntax, fixture::site(), None).unwrap();
        assert!(writer.parts().is_none(), "{syntax:?}");
    }
}
