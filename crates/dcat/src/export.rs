//! The DCAT-AP 3 writer: the catalog, its datasets and their distributions as triples, streamed
//! to a [`Write`] in Turtle, RDF/XML or JSON-LD, with Hydra paging.
//!
//! Every IRI used as the object of a property whose DCAT-AP range is a class carries that class
//! (and a `skos:Concept` its `skos:prefLabel`), so the official shapes pass without the EU
//! vocabularies loaded. Those descriptions are written once per document, after the dataset that
//! first used them.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use dulieu_core::catalog::{Dataset, Distribution, License, Organization, Theme};
use dulieu_core::text::LangText;
use dulieu_i18n::{Locale, message};
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{
    BlankNode, LiteralRef, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, TermRef, TripleRef,
};
use oxrdfio::{RdfSerializer, WriterQuadSerializer};

use crate::authority;
use crate::iri;
use crate::ns::{PREFIXES, dcat, dct, foaf, hydra, locn, skos, spdx, vcard};
use crate::syntax::RdfSyntax;

/// What every document needs to know about the portal: its public URL and registers.
#[derive(Debug, Clone)]
pub struct Site {
    /// The portal's public URL, without a trailing slash (`https://data.example.vn`).
    pub base_url: String,
    /// The license register.
    pub licenses: Vec<License>,
    /// The theme register.
    pub themes: Vec<Theme>,
}

impl Site {
    /// A site at `base_url` (a trailing slash is dropped) with its registers.
    pub fn new(base_url: &str, licenses: Vec<License>, themes: Vec<Theme>) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_string(),
            licenses,
            themes,
        }
    }
}

/// One page of the catalog, for the Hydra `PartialCollectionView`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HydraPage {
    /// The document's URL without query (`https://…/catalog.ttl`); page URLs add
    /// `?page=N&page_size=M`.
    pub url: String,
    /// This page, from 1.
    pub page: u64,
    /// Datasets per page.
    pub page_size: u64,
    /// Public datasets in the whole catalog.
    pub total: u64,
}

impl HydraPage {
    /// The number of the last page (1 for an empty catalog).
    pub fn last(&self) -> u64 {
        self.total.div_ceil(self.page_size.max(1)).max(1)
    }

    /// The URL of page `page`.
    pub fn url_of(&self, page: u64) -> String {
        format!("{}?page={page}&page_size={}", self.url, self.page_size)
    }
}

/// Streams a DCAT-AP 3 document: [`DcatWriter::catalog`] or [`DcatWriter::dataset_document`],
/// then [`DcatWriter::dataset`] for each dataset, then [`DcatWriter::finish`].
pub struct DcatWriter<W: Write> {
    out: WriterQuadSerializer<W>,
    syntax: RdfSyntax,
    site: Site,
    catalog: Option<NamedNode>,
    /// IRIs already described in this document (vocabulary terms, agents).
    described: HashSet<String>,
    /// Descriptions to write after the current dataset.
    pending: Vec<Pending>,
    /// The licence IRI of each license of the register (checked once).
    licences: HashMap<String, Option<String>>,
}

/// Writes parts of a catalog document apart from it: see [`DcatWriter::parts`].
#[derive(Debug, Clone)]
pub struct DcatParts {
    syntax: RdfSyntax,
    site: Site,
    catalog: Option<NamedNode>,
    described: HashSet<String>,
}

impl DcatParts {
    /// One part: `datasets` with their publishers, as a document of its own.
    pub fn write<'a>(
        &self,
        datasets: impl IntoIterator<Item = (&'a Dataset, &'a Organization)>,
    ) -> io::Result<Vec<u8>> {
        let datasets = datasets.into_iter();
        // Room for a typical dataset, so the buffer seldom grows (each growth copies it).
        let capacity = datasets
            .size_hint()
            .0
            .saturating_mul(PART_BYTES_PER_DATASET);
        let mut writer =
            DcatWriter::start(Vec::with_capacity(capacity), self.syntax, self.site.clone())?;
        writer.catalog = self.catalog.clone();
        writer.described = self.described.clone();
        for (dataset, publisher) in datasets {
            writer.dataset(dataset, publisher)?;
        }
        writer.finish()
    }
}

/// Bytes of Turtle a part reserves per dataset (a dataset with one distribution takes about
/// 1.8 kB).
const PART_BYTES_PER_DATASET: usize = 2048;

/// A node described once per document.
enum Pending {
    /// A class given to an IRI (`<…/file-type/CSV> a dct:MediaTypeOrExtent`).
    Typed(String, NamedNodeRef<'static>),
    /// A `skos:Concept` with its labels, in a scheme or not.
    Concept {
        iri: String,
        label: LangText,
        scheme: Option<&'static str>,
    },
    /// A publisher.
    Agent(Organization),
}

impl<W: Write> DcatWriter<W> {
    /// Starts a catalog document: the `dcat:Catalog` (title, description, publisher, home page,
    /// languages, theme taxonomy) and, for a page, its Hydra view.
    pub fn catalog(
        writer: W,
        syntax: RdfSyntax,
        site: Site,
        page: Option<&HydraPage>,
    ) -> io::Result<Self> {
        let base = site.base_url.clone();
        let mut this = Self::start(writer, syntax, site)?;
        let catalog = NamedNode::new_unchecked(iri::catalog(&base));
        let c = catalog.as_ref();
        this.t(c, rdf::TYPE, dcat::CATALOG)?;
        this.lang_text(c, dct::TITLE, &i18n_text("dcat.catalog.title"))?;
        this.lang_text(c, dct::DESCRIPTION, &i18n_text("dcat.catalog.description"))?;
        let publisher = iri::catalog_publisher(&base);
        this.t(c, dct::PUBLISHER, named(&publisher))?;
        let home = format!("{base}/");
        this.t(c, foaf::HOMEPAGE, named(&home))?;
        for lang in ["vi", "en"] {
            if let Some(language) = authority::language_iri(lang) {
                this.t(c, dct::LANGUAGE, named(&language))?;
                this.pend_type(&language, dct::LINGUISTIC_SYSTEM);
            }
        }
        this.t(c, dcat::THEME_TAXONOMY, named(authority::DATA_THEME_SCHEME))?;
        if let Some(page) = page {
            this.t(c, rdf::TYPE, hydra::COLLECTION)?;
            this.t(c, hydra::TOTAL_ITEMS, non_negative(&page.total.to_string()))?;
            let view = page.url_of(page.page);
            this.t(c, hydra::VIEW, named(&view))?;
            let v = named(&view);
            this.t(v, rdf::TYPE, hydra::PARTIAL_COLLECTION_VIEW)?;
            this.t(v, hydra::TOTAL_ITEMS, non_negative(&page.total.to_string()))?;
            this.t(v, hydra::FIRST, named(&page.url_of(1)))?;
            this.t(v, hydra::LAST, named(&page.url_of(page.last())))?;
            if page.page > 1 {
                let previous = page.url_of((page.page - 1).min(page.last()));
                this.t(v, hydra::PREVIOUS, named(&previous))?;
            }
            if page.page < page.last() {
                this.t(v, hydra::NEXT, named(&page.url_of(page.page + 1)))?;
            }
        }
        // The catalog's own vocabulary and publisher.
        this.pend_type(&home, foaf::DOCUMENT);
        this.pending.push(Pending::Typed(
            authority::DATA_THEME_SCHEME.to_string(),
            skos::CONCEPT_SCHEME,
        ));
        this.flush_pending()?;
        let p = named(&publisher);
        this.t(p, rdf::TYPE, foaf::AGENT)?;
        this.lang_text(p, foaf::NAME, &i18n_text("dcat.catalog.publisher"))?;
        let scheme = named(authority::DATA_THEME_SCHEME);
        this.t(
            scheme,
            dct::TITLE,
            LiteralRef::new_language_tagged_literal_unchecked("Data theme", "en"),
        )?;
        this.catalog = Some(catalog);
        Ok(this)
    }

    /// Starts a document that describes datasets without the catalog around them.
    pub fn dataset_document(writer: W, syntax: RdfSyntax, site: Site) -> io::Result<Self> {
        Self::start(writer, syntax, site)
    }

    fn start(writer: W, syntax: RdfSyntax, site: Site) -> io::Result<Self> {
        let mut serializer = RdfSerializer::from_format(syntax.format());
        for (prefix, namespace) in PREFIXES {
            serializer = serializer
                .with_prefix(*prefix, *namespace)
                .map_err(io::Error::other)?;
        }
        // The site's own namespaces, named in every dataset (a large catalog is a third
        // smaller for them).
        let base = &site.base_url;
        for (prefix, namespace) in [
            ("dataset", iri::dataset_page(base, "")),
            ("distribution", iri::distribution_namespace(base)),
            ("organization", iri::organization(base, "")),
        ] {
            serializer = serializer
                .with_prefix(prefix, namespace)
                .map_err(io::Error::other)?;
        }
        let licences = site
            .licenses
            .iter()
            .map(|l| {
                let iri = authority::licence_iri(&l.id, l.url.as_deref())
                    .filter(|iri| NamedNode::new(iri.as_str()).is_ok());
                (l.id.clone(), iri)
            })
            .collect();
        Ok(Self {
            out: serializer.for_writer(writer),
            syntax,
            site,
            catalog: None,
            described: HashSet::new(),
            pending: Vec::new(),
            licences,
        })
    }

    /// Writes one dataset (presented: distribution URLs filled in) published by `publisher`,
    /// with its catalog record and distributions; in a catalog document, links it from the
    /// catalog.
    pub fn dataset(&mut self, dataset: &Dataset, publisher: &Organization) -> io::Result<()> {
        let base = self.site.base_url.clone();
        let ds_iri = iri::dataset(&base, dataset.id);
        let ds = named(&ds_iri);
        let record_iri = iri::record(&base, dataset.id);
        if let Some(catalog) = self.catalog.clone() {
            self.t(catalog.as_ref(), dcat::DATASET_PROP, ds)?;
            self.t(catalog.as_ref(), dcat::RECORD, named(&record_iri))?;
        }
        self.t(ds, rdf::TYPE, dcat::DATASET)?;
        // foaf:primaryTopic ranges over dcat:Resource, which the shapes check without inference.
        self.t(ds, rdf::TYPE, dcat::RESOURCE)?;
        self.lang_text(ds, dct::TITLE, &dataset.title)?;
        self.lang_text(ds, dct::DESCRIPTION, &description_or_title(dataset))?;
        self.t(
            ds,
            dct::IDENTIFIER,
            LiteralRef::new_simple_literal(&dataset.id.to_string()),
        )?;
        let landing = iri::dataset_page(&base, &dataset.slug);
        self.t(ds, dcat::LANDING_PAGE, named(&landing))?;
        // Every dataset's own page: typed after the dataset, without remembering it.
        self.pending.push(Pending::Typed(landing, foaf::DOCUMENT));
        let agent = iri::organization(&base, &publisher.slug);
        self.t(ds, dct::PUBLISHER, named(&agent))?;
        if self.described.insert(agent) {
            self.pending.push(Pending::Agent(publisher.clone()));
        }
        for keyword in &dataset.keywords {
            self.t(ds, dcat::KEYWORD, LiteralRef::new_simple_literal(keyword))?;
        }
        for code in &dataset.themes {
            self.theme(ds, code)?;
        }
        for lang in ["vi", "en"] {
            let present = if lang == "vi" {
                &dataset.title.vi
            } else {
                &dataset.title.en
            };
            if present.is_some() {
                let language = authority::language_iri(lang).unwrap_or_default();
                self.t(ds, dct::LANGUAGE, named(&language))?;
                self.pend_type(&language, dct::LINGUISTIC_SYSTEM);
            }
        }
        let rights = authority::access_right_iri(dataset.access_rights);
        self.t(ds, dct::ACCESS_RIGHTS, named(&rights))?;
        self.pend_type(&rights, dct::RIGHTS_STATEMENT);
        if let Some(license) = self.licence(&dataset.license) {
            self.t(ds, dct::LICENSE, named(&license))?;
            self.pend_type(&license, dct::LICENSE_DOCUMENT);
        }
        if let Some(frequency) = &dataset.frequency {
            let frequency = authority::frequency_iri(frequency);
            self.t(ds, dct::ACCRUAL_PERIODICITY, named(&frequency))?;
            self.pend_type(&frequency, dct::FREQUENCY);
        }
        self.date(ds, dct::ISSUED, dataset.issued)?;
        self.date(ds, dct::MODIFIED, dataset.modified)?;
        if let Some(version) = &dataset.version {
            self.t(ds, dcat::VERSION, LiteralRef::new_simple_literal(version))?;
        }
        // The dataset's own statements first (Turtle writes them as one block), then the
        // nodes they point to.
        let contact_node = BlankNode::new_unchecked(format!("contact{}", dataset.id.simple()));
        let period_node = BlankNode::new_unchecked(format!("period{}", dataset.id.simple()));
        let place_node = BlankNode::new_unchecked(format!("place{}", dataset.id.simple()));
        if dataset.contact_point.is_some() {
            self.t(ds, dcat::CONTACT_POINT, contact_node.as_ref())?;
        }
        if dataset.temporal.is_some() {
            self.t(ds, dct::TEMPORAL, period_node.as_ref())?;
        }
        if dataset.spatial.is_some() {
            self.t(ds, dct::SPATIAL, place_node.as_ref())?;
        }
        let mut distributions = Vec::with_capacity(dataset.distributions.len());
        for distribution in &dataset.distributions {
            let d = iri::distribution(&base, distribution.id);
            self.t(ds, dcat::DISTRIBUTION_PROP, named(&d))?;
            distributions.push(d);
        }
        if let Some(contact) = &dataset.contact_point {
            let c = contact_node.as_ref();
            self.t(c, rdf::TYPE, vcard::KIND)?;
            if let Some(name) = &contact.name {
                self.t(c, vcard::FN, LiteralRef::new_simple_literal(name))?;
            }
            if let Some(email) = contact.email.as_deref().and_then(mailto) {
                self.t(c, vcard::HAS_EMAIL, email.as_ref())?;
            }
        }
        if let Some(temporal) = &dataset.temporal {
            let p = period_node.as_ref();
            self.t(p, rdf::TYPE, dct::PERIOD_OF_TIME)?;
            self.date(p, dcat::START_DATE, temporal.start)?;
            self.date(p, dcat::END_DATE, temporal.end)?;
        }
        if let Some(spatial) = &dataset.spatial {
            let l = place_node.as_ref();
            self.t(l, rdf::TYPE, dct::LOCATION)?;
            self.t(
                l,
                locn::GEOGRAPHIC_NAME,
                LiteralRef::new_simple_literal(spatial),
            )?;
        }
        for (distribution, d) in dataset.distributions.iter().zip(&distributions) {
            self.distribution(named(d), distribution)?;
        }
        let record = named(&record_iri);
        self.t(record, rdf::TYPE, dcat::CATALOG_RECORD)?;
        self.t(record, foaf::PRIMARY_TOPIC, ds)?;
        self.time(record, dct::ISSUED, dataset.created_at)?;
        self.time(record, dct::MODIFIED, dataset.updated_at)?;
        self.flush_pending()
    }

    fn distribution(&mut self, d: NamedNodeRef<'_>, distribution: &Distribution) -> io::Result<()> {
        self.t(d, rdf::TYPE, dcat::DISTRIBUTION)?;
        // A remote URL that is not a valid IRI (spaces, unescaped characters) is reached
        // through the portal's download route, which redirects to it.
        let url = NamedNode::new(&distribution.url).unwrap_or_else(|_| {
            NamedNode::new_unchecked(iri::download(&self.site.base_url, distribution.id))
        });
        self.t(d, dcat::ACCESS_URL, url.as_ref())?;
        if distribution.remote_url.is_none() {
            self.t(d, dcat::DOWNLOAD_URL, url.as_ref())?;
        }
        self.lang_text(d, dct::TITLE, &distribution.title)?;
        self.lang_text(d, dct::DESCRIPTION, &distribution.description)?;
        if let Some(format) = distribution
            .format
            .as_deref()
            .and_then(authority::file_type_iri)
        {
            self.t(d, dct::FORMAT, named(&format))?;
            self.pend_type(&format, dct::MEDIA_TYPE_OR_EXTENT);
        }
        if let Some(media) = distribution
            .media_type
            .as_deref()
            .and_then(authority::media_type_iri)
        {
            self.t(d, dcat::MEDIA_TYPE, named(&media))?;
            self.pend_type(&media, dct::MEDIA_TYPE);
        }
        if let Some(license) = self.licence(&distribution.license) {
            self.t(d, dct::LICENSE, named(&license))?;
            self.pend_type(&license, dct::LICENSE_DOCUMENT);
        }
        if let Some(size) = distribution.byte_size.filter(|s| *s >= 0) {
            self.t(d, dcat::BYTE_SIZE, non_negative(&size.to_string()))?;
        }
        if let Some(sha256) = &distribution.sha256 {
            let node = BlankNode::new_unchecked(format!("sum{}", distribution.id.simple()));
            let c = node.as_ref();
            self.t(d, spdx::CHECKSUM_PROP, c)?;
            self.t(c, rdf::TYPE, spdx::CHECKSUM)?;
            self.t(c, spdx::ALGORITHM, spdx::SHA256)?;
            self.t(
                c,
                spdx::CHECKSUM_VALUE,
                LiteralRef::new_typed_literal(sha256, xsd::HEX_BINARY),
            )?;
            self.pend_type(spdx::SHA256.as_str(), spdx::CHECKSUM_ALGORITHM);
        }
        self.date(d, dct::ISSUED, distribution.issued)?;
        self.date(d, dct::MODIFIED, distribution.modified)
    }

    /// When the syntax lets documents be appended to each other (Turtle: a repeated `@prefix`
    /// is allowed and blank node labels here are unique per dataset), a writer of further parts
    /// of this document, each written on its own (on as many cores as there are) and appended
    /// after [`DcatWriter::finish`] in order. Each part links its datasets from the catalog and
    /// describes the vocabulary it uses that this document had not described yet.
    pub fn parts(&self) -> Option<DcatParts> {
        (self.syntax == RdfSyntax::Turtle).then(|| DcatParts {
            syntax: self.syntax,
            site: self.site.clone(),
            catalog: self.catalog.clone(),
            described: self.described.clone(),
        })
    }

    /// Writes the remaining descriptions and ends the document; returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush_pending()?;
        self.out.finish()
    }

    fn theme(&mut self, ds: NamedNodeRef<'_>, code: &str) -> io::Result<()> {
        let theme = self.site.themes.iter().find(|t| t.code == code).cloned();
        let (iri, scheme) = match &theme {
            Some(t) if t.is_eu => (
                authority::data_theme_iri(code),
                Some(authority::DATA_THEME_SCHEME),
            ),
            _ => (iri::local_theme(&self.site.base_url, code), None),
        };
        self.t(ds, dcat::THEME, named(&iri))?;
        if self.described.insert(iri.clone()) {
            let label = theme.map_or_else(
                || LangText {
                    vi: Some(code.to_string()),
                    en: None,
                },
                |t| t.label.clone(),
            );
            self.pending.push(Pending::Concept { iri, label, scheme });
        }
        Ok(())
    }

    fn licence(&self, id: &str) -> Option<String> {
        self.licences.get(id).cloned().flatten()
    }

    fn pend_type(&mut self, iri: &str, class: NamedNodeRef<'static>) {
        if !self.described.contains(iri) {
            self.described.insert(iri.to_string());
            self.pending.push(Pending::Typed(iri.to_string(), class));
        }
    }

    fn flush_pending(&mut self) -> io::Result<()> {
        for pending in std::mem::take(&mut self.pending) {
            match pending {
                Pending::Typed(iri, class) => self.t(named(&iri), rdf::TYPE, class)?,
                Pending::Concept { iri, label, scheme } => {
                    let c = named(&iri);
                    self.t(c, rdf::TYPE, skos::CONCEPT)?;
                    self.lang_text(c, skos::PREF_LABEL, &label)?;
                    if let Some(scheme) = scheme {
                        self.t(c, skos::IN_SCHEME, named(scheme))?;
                    }
                }
                Pending::Agent(org) => self.agent(&org)?,
            }
        }
        Ok(())
    }

    fn agent(&mut self, org: &Organization) -> io::Result<()> {
        let iri = iri::organization(&self.site.base_url, &org.slug);
        let a = named(&iri);
        self.t(a, rdf::TYPE, foaf::AGENT)?;
        self.t(a, rdf::TYPE, foaf::ORGANIZATION)?;
        self.lang_text(a, foaf::NAME, &org.name)?;
        let (kind, label_key) = authority::publisher_type(org.kind);
        self.t(a, dct::TYPE, named(&kind))?;
        if let Some(website) = org.website.as_deref().and_then(|w| NamedNode::new(w).ok()) {
            self.t(a, foaf::HOMEPAGE, website.as_ref())?;
        }
        if let Some(email) = org.contact_email.as_deref().and_then(mailto) {
            self.t(a, foaf::MBOX, email.as_ref())?;
        }
        if self.described.insert(kind.clone()) {
            let k = named(&kind);
            self.t(k, rdf::TYPE, skos::CONCEPT)?;
            self.lang_text(k, skos::PREF_LABEL, &i18n_text(&label_key))?;
        }
        Ok(())
    }

    fn t<'a, 'p, 'o>(
        &mut self,
        s: impl Into<NamedOrBlankNodeRef<'a>>,
        p: NamedNodeRef<'p>,
        o: impl Into<TermRef<'o>>,
    ) -> io::Result<()> {
        let (s, o): (NamedOrBlankNodeRef<'_>, TermRef<'_>) = (s.into(), o.into());
        self.out.serialize_triple(TripleRef::new(s, p, o))
    }

    fn lang_text<'a>(
        &mut self,
        s: impl Into<NamedOrBlankNodeRef<'a>> + Copy,
        p: NamedNodeRef<'_>,
        text: &LangText,
    ) -> io::Result<()> {
        for (lang, value) in [("vi", &text.vi), ("en", &text.en)] {
            if let Some(value) = value {
                self.t(
                    s,
                    p,
                    LiteralRef::new_language_tagged_literal_unchecked(value, lang),
                )?;
            }
        }
        Ok(())
    }

    fn date<'a>(
        &mut self,
        s: impl Into<NamedOrBlankNodeRef<'a>>,
        p: NamedNodeRef<'_>,
        date: Option<NaiveDate>,
    ) -> io::Result<()> {
        match date {
            Some(date) => {
                let text = date.to_string();
                self.t(s, p, LiteralRef::new_typed_literal(&text, xsd::DATE))
            }
            None => Ok(()),
        }
    }

    fn time<'a>(
        &mut self,
        s: impl Into<NamedOrBlankNodeRef<'a>>,
        p: NamedNodeRef<'_>,
        time: DateTime<Utc>,
    ) -> io::Result<()> {
        let text = time.to_rfc3339_opts(SecondsFormat::AutoSi, true);
        self.t(s, p, LiteralRef::new_typed_literal(&text, xsd::DATE_TIME))
    }
}

/// An IRI known to be valid (built from the base URL, ids, slugs or fixed tables).
fn named(iri: &str) -> NamedNodeRef<'_> {
    NamedNodeRef::new_unchecked(iri)
}

fn non_negative(value: &str) -> LiteralRef<'_> {
    LiteralRef::new_typed_literal(value, xsd::NON_NEGATIVE_INTEGER)
}

/// `mailto:` IRI of an e-mail address, when it makes a valid IRI.
fn mailto(email: &str) -> Option<NamedNode> {
    NamedNode::new(format!("mailto:{}", email.trim())).ok()
}

/// DCAT-AP requires a description; a dataset without one is described by its title.
fn description_or_title(dataset: &Dataset) -> LangText {
    if dataset.description.is_empty() {
        dataset.title.clone()
    } else {
        dataset.description.clone()
    }
}

/// Both languages of a catalog message.
pub(crate) fn i18n_text(key: &str) -> LangText {
    LangText::new(message(Locale::Vi, key, &[]), message(Locale::En, key, &[]))
}
