//! The vocabulary terms the exports and readers use, as `oxrdf` constants.
//!
//! `rdf:`, `rdfs:` and `xsd:` come from [`oxrdf::vocab`].

use oxrdf::NamedNodeRef;

/// Declares `pub const NAME: NamedNodeRef` terms of one namespace.
macro_rules! terms {
    ($module:ident, $ns:literal, { $($name:ident = $local:literal),+ $(,)? }) => {
        #[doc = concat!("Terms of `", $ns, "`.")]
        pub mod $module {
            use super::NamedNodeRef;
            /// The namespace IRI.
            pub const NS: &str = $ns;
            $(
                #[doc = concat!("`", $ns, $local, "`")]
                pub const $name: NamedNodeRef<'static> =
                    NamedNodeRef::new_unchecked(concat!($ns, $local));
            )+
        }
    };
}

terms!(dcat, "http://www.w3.org/ns/dcat#", {
    CATALOG = "Catalog",
    DATASET = "Dataset",
    RESOURCE = "Resource",
    CATALOG_RECORD = "CatalogRecord",
    RECORD = "record",
    DISTRIBUTION = "Distribution",
    DATASET_PROP = "dataset",
    DISTRIBUTION_PROP = "distribution",
    KEYWORD = "keyword",
    THEME = "theme",
    THEME_TAXONOMY = "themeTaxonomy",
    CONTACT_POINT = "contactPoint",
    LANDING_PAGE = "landingPage",
    ACCESS_URL = "accessURL",
    DOWNLOAD_URL = "downloadURL",
    MEDIA_TYPE = "mediaType",
    BYTE_SIZE = "byteSize",
    START_DATE = "startDate",
    END_DATE = "endDate",
    VERSION = "version",
});

terms!(dct, "http://purl.org/dc/terms/", {
    TITLE = "title",
    DESCRIPTION = "description",
    IDENTIFIER = "identifier",
    PUBLISHER = "publisher",
    ISSUED = "issued",
    MODIFIED = "modified",
    LICENSE = "license",
    ACCESS_RIGHTS = "accessRights",
    ACCRUAL_PERIODICITY = "accrualPeriodicity",
    TEMPORAL = "temporal",
    SPATIAL = "spatial",
    LANGUAGE = "language",
    FORMAT = "format",
    TYPE = "type",
    CONFORMS_TO = "conformsTo",
    LICENSE_DOCUMENT = "LicenseDocument",
    RIGHTS_STATEMENT = "RightsStatement",
    FREQUENCY = "Frequency",
    MEDIA_TYPE_OR_EXTENT = "MediaTypeOrExtent",
    MEDIA_TYPE = "MediaType",
    LINGUISTIC_SYSTEM = "LinguisticSystem",
    PERIOD_OF_TIME = "PeriodOfTime",
    LOCATION = "Location",
    STANDARD = "Standard",
});

terms!(foaf, "http://xmlns.com/foaf/0.1/", {
    AGENT = "Agent",
    ORGANIZATION = "Organization",
    DOCUMENT = "Document",
    NAME = "name",
    HOMEPAGE = "homepage",
    MBOX = "mbox",
    PAGE = "page",
    PRIMARY_TOPIC = "primaryTopic",
});

terms!(vcard, "http://www.w3.org/2006/vcard/ns#", {
    KIND = "Kind",
    FN = "fn",
    HAS_EMAIL = "hasEmail",
});

terms!(skos, "http://www.w3.org/2004/02/skos/core#", {
    CONCEPT = "Concept",
    CONCEPT_SCHEME = "ConceptScheme",
    PREF_LABEL = "prefLabel",
    IN_SCHEME = "inScheme",
});

terms!(spdx, "http://spdx.org/rdf/terms#", {
    CHECKSUM = "Checksum",
    CHECKSUM_PROP = "checksum",
    ALGORITHM = "algorithm",
    CHECKSUM_VALUE = "checksumValue",
    CHECKSUM_ALGORITHM = "ChecksumAlgorithm",
    SHA256 = "checksumAlgorithm_sha256",
});

terms!(locn, "http://www.w3.org/ns/locn#", {
    GEOGRAPHIC_NAME = "geographicName",
});

terms!(hydra, "http://www.w3.org/ns/hydra/core#", {
    COLLECTION = "Collection",
    PARTIAL_COLLECTION_VIEW = "PartialCollectionView",
    TOTAL_ITEMS = "totalItems",
    VIEW = "view",
    FIRST = "first",
    LAST = "last",
    NEXT = "next",
    PREVIOUS = "previous",
    PAGED_COLLECTION = "PagedCollection",
    NEXT_PAGE = "nextPage",
});

/// The prefixes written in Turtle, RDF/XML and JSON-LD documents.
pub const PREFIXES: &[(&str, &str)] = &[
    ("dcat", dcat::NS),
    ("dct", dct::NS),
    ("foaf", foaf::NS),
    ("vcard", vcard::NS),
    ("skos", skos::NS),
    ("spdx", spdx::NS),
    ("locn", locn::NS),
    ("hydra", hydra::NS),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    // The EU authority tables, named in every dataset.
    (
        "eulang",
        "http://publications.europa.eu/resource/authority/language/",
    ),
    (
        "euaccess",
        "http://publications.europa.eu/resource/authority/access-right/",
    ),
    (
        "eufreq",
        "http://publications.europa.eu/resource/authority/frequency/",
    ),
    (
        "eufile",
        "http://publications.europa.eu/resource/authority/file-type/",
    ),
    (
        "eutheme",
        "http://publications.europa.eu/resource/authority/data-theme/",
    ),
    (
        "eulicence",
        "http://publications.europa.eu/resource/authority/licence/",
    ),
];
