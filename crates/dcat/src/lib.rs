//! The catalog as linked data and feeds, and the readers of other portals' catalogs. Pure: no
//! HTTP, no database.
//!
//! - [`export`]: DCAT-AP 3 documents (Turtle, RDF/XML, JSON-LD; [`RdfSyntax`]) streamed to a
//!   writer, one dataset at a time, with Hydra paging ([`HydraPage`]).
//! - [`read`]: [`read_dcat`] parses a DCAT catalog (any of the three syntaxes) into
//!   [`RemoteDataset`](dulieu_core::harvest::RemoteDataset)s, with the Hydra `next` page.
//! - [`data_json`]: Project Open Data `data.json` v1.1, both ways ([`read_data_json`]).
//!
//! Both readers fail ([`ReadError`]) only for the whole document; a dataset that cannot be
//! mapped (no title, no id) becomes an item error
//! ([`HarvestItemError`](dulieu_core::harvest::HarvestItemError)) in its place and the rest of
//! the page is still read, so one bad remote dataset does not stop a harvest.
//! - [`schema_org`]: the schema.org `Dataset` JSON-LD of a dataset (the dataset page embeds it).
//! - [`sitemap`]: `sitemap.xml` and the sitemap index.
//!
//! # DCAT-AP mapping
//!
//! IRIs: see [`iri`]. Per dataset: `dct:title`, `dct:description` (the title when empty: it is
//! mandatory), `dct:identifier` (the dataset id), `dcat:landingPage` (its page),
//! `dct:publisher` (a `foaf:Agent` + `foaf:Organization` with `foaf:name`, `dct:type` from the
//! ADMS publisher types, `foaf:homepage`, `foaf:mbox`), `dcat:keyword`, `dcat:theme` (EU
//! data-theme IRIs for EU themes, else a local `skos:Concept`), `dct:language` (EU language
//! table: VIE, ENG, from the languages of the title), `dct:accessRights` (EU access-right),
//! `dct:license` (EU licence table for the licenses it has, else the register's URL; also on
//! each distribution, where DCAT-AP expects it), `dct:accrualPeriodicity` (EU frequency),
//! `dct:issued`/`dct:modified` (`xsd:date`, as the publisher states them), `dcat:version`,
//! `dcat:contactPoint` (`vcard:Kind` with `vcard:fn`, `vcard:hasEmail <mailto:…>`),
//! `dct:temporal` (`dct:PeriodOfTime` with `dcat:startDate`/`dcat:endDate`), `dct:spatial`
//! (`dct:Location` with `locn:geographicName`: dulieu keeps free text).
//! Texts are language-tagged literals (`@vi`, `@en`); keywords are plain.
//!
//! Each dataset has a `dcat:CatalogRecord` (`{dataset}#record`) whose `dct:modified` is the
//! `xsd:dateTime` of the dataset's last change in dulieu (`updated_at`, moved by any change of
//! its metadata or its distributions) and `dct:issued` its creation. **A harvester detects
//! changes by the record's `dct:modified`**: [`read_dcat`] puts it in `remote_modified`
//! (falling back to the dataset's own `dct:modified` for catalogs without records).
//!
//! Per distribution: `dcat:accessURL` (the download URL of an upload, or the remote URL of a
//! link), `dcat:downloadURL` (uploads only), `dct:title`, `dct:description`, `dct:format` (EU
//! file-type), `dcat:mediaType` (IANA IRI), `dct:license`, `dcat:byteSize`
//! (`xsd:nonNegativeInteger`), `spdx:checksum` (SHA-256, `xsd:hexBinary`),
//! `dct:issued`/`dct:modified`.
//!
//! Objects whose DCAT-AP range is a class are typed in the document itself
//! (`<…/file-type/CSV> a dct:MediaTypeOrExtent`, themes and publisher types as `skos:Concept`
//! with labels), so the official SHACL shapes pass offline.
//!
//! Paging: a page of the catalog is a `hydra:Collection` with `hydra:totalItems` and a
//! `hydra:view`, a `hydra:PartialCollectionView` with `hydra:first`, `hydra:last`,
//! `hydra:next`, `hydra:previous` (and `hydra:totalItems`).

pub mod authority;
pub mod chunks;
pub mod data_json;
pub mod export;
pub mod iri;
pub mod ns;
pub mod read;
pub mod schema_org;
pub mod sitemap;
pub mod syntax;

pub use chunks::{ChunkWriter, Chunks, chunked};
pub use data_json::{DataJsonWriter, read_data_json};
pub use export::{DcatParts, DcatWriter, HydraPage, Site};
pub use read::{DcatPage, read_dcat};
pub use syntax::RdfSyntax;

/// A document another portal serves that cannot be read at all: what is wrong and where. (One
/// dataset that cannot be mapped is not a `ReadError` but an item error of the page.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The bytes are not valid in their syntax.
    #[error("{format} syntax error{}: {message}", at(*line, *column))]
    Syntax {
        /// `Turtle`, `RDF/XML`, `JSON-LD` or `data.json`.
        format: &'static str,
        /// Line, from 1, when known.
        line: Option<u64>,
        /// Column, from 1, when known.
        column: Option<u64>,
        /// The parser's message.
        message: String,
    },
    /// The document parses but a part the whole document needs is missing or wrong (the message
    /// names it): no `dataset` array in a data.json, an invalid base IRI.
    #[error("{0}")]
    Content(String),
}

fn at(line: Option<u64>, column: Option<u64>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(" at line {line}, column {column}"),
        (Some(line), None) => format!(" at line {line}"),
        _ => String::new(),
    }
}
#[cfg(feature = "pyshacl")]
pub mod shacl;
