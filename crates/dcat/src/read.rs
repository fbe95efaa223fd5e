//! The DCAT reader of the harvester: a DCAT catalog (DCAT-AP 2 or 3, Turtle, RDF/XML or JSON-LD)
//! into [`RemoteDataset`]s, with the Hydra link to the next page.
//!
//! A document that does not parse is a [`ReadError`]; a dataset that cannot be mapped (no
//! `dct:title`, or a blank node without `dct:identifier`) is an item error
//! ([`HarvestItemError`]) in its place on the page, and the other datasets are still read.
//! A dataset's remote id is its IRI, or for a blank node its `dct:identifier`.
//!
//! Texts go by language tag: `vi…` to Vietnamese, `en…` to English, others and untagged ones
//! fill the language still empty (Vietnamese first). Themes are kept when they are EU data
//! themes; keywords come sorted (RDF keeps no order). Licences map to dulieu's register ([`authority::license_id`]; `none` when unknown),
//! from the dataset's `dct:license` or else its first distribution's. `remote_modified` is the
//! `dct:modified` of the dataset's `dcat:CatalogRecord` (dulieu writes the time of the last
//! change there), else the dataset's own `dct:modified`. Distributions are ordered by IRI
//! (dulieu's are time-ordered UUIDv7s), datasets too.

use dulieu_core::catalog::{ContactPoint, DatasetInput, Temporal};
use dulieu_core::harvest::{HarvestItemError, RemoteDataset, RemoteDistribution, RemotePublisher};
use dulieu_core::text::LangText;
use dulieu_core::vocab::{AccessRights, DatasetStatus};
use oxrdf::vocab::rdf;
use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNodeRef, TermRef};
use oxrdfio::{RdfParser, RdfSyntaxError};

use crate::data_json::{parse_date, parse_time};
use crate::ns::{dcat, dct, foaf, hydra, locn, skos, vcard};
use crate::{RdfSyntax, ReadError, authority};

/// One page of a remote DCAT catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct DcatPage {
    /// Its datasets, each read or the reason it could not be, ordered by remote id (the IRI,
    /// or a blank node's `dct:identifier`). Datasets with neither come last, as item errors
    /// whose remote id is their place on the page (`dataset 3`: index in this list, from 0).
    pub datasets: Vec<Result<RemoteDataset, HarvestItemError>>,
    /// The next page (Hydra `hydra:next`, or the older `hydra:nextPage`), when there is one.
    pub next: Option<String>,
}

/// Reads a DCAT document in `syntax`; relative IRIs resolve against `base_iri` (the URL it was
/// fetched from). JSON-LD must carry its context inline (remote contexts are not fetched).
///
/// Fails only for the whole document ([`ReadError::Syntax`] with line and column, or an invalid
/// `base_iri`); a dataset that cannot be mapped is an `Err` item of [`DcatPage::datasets`] whose
/// message names the missing property (`no dct:title`).
pub fn read_dcat(bytes: &[u8], syntax: RdfSyntax, base_iri: &str) -> Result<DcatPage, ReadError> {
    let parser = RdfParser::from_format(syntax.format())
        .with_base_iri(base_iri)
        .map_err(|err| ReadError::Content(format!("invalid base IRI {base_iri:?}: {err}")))?
        .without_named_graphs()
        .lenient();
    let mut graph = Graph::new();
    for quad in parser.for_slice(bytes) {
        let quad = quad.map_err(|err| syntax_error(syntax, err))?;
        graph.insert(quad.as_ref());
    }
    let reader = Reader { graph: &graph };
    // Ordered by remote id; those without one last (by title, for a stable order).
    let mut subjects: Vec<(Option<String>, NamedOrBlankNodeRef<'_>)> = graph
        .subjects_for_predicate_object(rdf::TYPE, dcat::DATASET)
        .map(|s| (reader.remote_id(s), s))
        .collect();
    subjects.sort_by_cached_key(|(id, s)| {
        let title = id.is_none().then(|| reader.lang_text(*s, dct::TITLE));
        (id.is_none(), id.clone(), title.map(|t| (t.vi, t.en)))
    });
    let datasets = subjects
        .into_iter()
        .enumerate()
        .map(|(position, (remote_id, s))| reader.dataset(s, remote_id, position))
        .collect();
    let next = [hydra::NEXT, hydra::NEXT_PAGE].into_iter().find_map(|p| {
        graph
            .triples_for_predicate(p)
            .find_map(|t| reader.iri_or_text(t.object))
    });
    Ok(DcatPage { datasets, next })
}

fn syntax_error(syntax: RdfSyntax, err: RdfSyntaxError) -> ReadError {
    let format = match syntax {
        RdfSyntax::Turtle => "Turtle",
        RdfSyntax::RdfXml => "RDF/XML",
        RdfSyntax::JsonLd => "JSON-LD",
    };
    let start = err.location().map(|l| l.start);
    ReadError::Syntax {
        format,
        line: start.map(|p| p.line + 1),
        column: start.map(|p| p.column + 1),
        message: err.to_string(),
    }
}

struct Reader<'g> {
    graph: &'g Graph,
}

impl<'g> Reader<'g> {
    fn objects(&self, s: NamedOrBlankNodeRef<'g>, p: NamedNodeRef<'_>) -> Vec<TermRef<'g>> {
        self.graph.objects_for_subject_predicate(s, p).collect()
    }

    fn object(&self, s: NamedOrBlankNodeRef<'g>, p: NamedNodeRef<'_>) -> Option<TermRef<'g>> {
        self.graph.object_for_subject_predicate(s, p)
    }

    /// A node used as a subject (IRI or blank node).
    fn node(term: TermRef<'g>) -> Option<NamedOrBlankNodeRef<'g>> {
        match term {
            TermRef::NamedNode(n) => Some(n.into()),
            TermRef::BlankNode(b) => Some(b.into()),
            _ => None,
        }
    }

    /// The IRI or the literal text of a term.
    fn iri_or_text(&self, term: TermRef<'g>) -> Option<String> {
        match term {
            TermRef::NamedNode(n) => Some(n.as_str().to_string()),
            TermRef::Literal(l) => Some(l.value().trim().to_string()).filter(|v| !v.is_empty()),
            _ => None,
        }
    }

    fn text(&self, s: NamedOrBlankNodeRef<'g>, p: NamedNodeRef<'_>) -> Option<String> {
        self.objects(s, p).into_iter().find_map(|o| match o {
            TermRef::Literal(l) => Some(l.value().trim().to_string()).filter(|v| !v.is_empty()),
            _ => None,
        })
    }

    fn lang_text(&self, s: NamedOrBlankNodeRef<'g>, p: NamedNodeRef<'_>) -> LangText {
        let mut tagged = LangText::default();
        let mut other = Vec::new();
        for object in self.objects(s, p) {
            let TermRef::Literal(literal) = object else {
                continue;
            };
            let value = literal.value().trim().to_string();
            if value.is_empty() {
                continue;
            }
            match literal.language().map(|l| l.to_ascii_lowercase()) {
                Some(l) if l == "vi" || l.starts_with("vi-") => {
                    tagged.vi.get_or_insert(value);
                }
                Some(l) if l == "en" || l.starts_with("en-") => {
                    tagged.en.get_or_insert(value);
                }
                _ => other.push(value),
            }
        }
        for value in other {
            if tagged.vi.is_none() {
                tagged.vi = Some(value);
            } else if tagged.en.is_none() {
                tagged.en = Some(value);
            }
        }
        tagged
    }

    fn iri(&self, s: NamedOrBlankNodeRef<'g>, p: NamedNodeRef<'_>) -> Option<String> {
        self.objects(s, p)
            .into_iter()
            .find_map(|o| self.iri_or_text(o))
    }

    /// A dataset's remote id: its IRI, or a blank node's `dct:identifier`.
    fn remote_id(&self, s: NamedOrBlankNodeRef<'g>) -> Option<String> {
        match s {
            NamedOrBlankNodeRef::NamedNode(n) => Some(n.as_str().to_string()),
            NamedOrBlankNodeRef::BlankNode(_) => self.text(s, dct::IDENTIFIER),
        }
    }

    /// The dataset `s` (whose remote id is `remote_id`, at `position` on the page), or what
    /// keeps it from being read.
    fn dataset(
        &self,
        s: NamedOrBlankNodeRef<'g>,
        remote_id: Option<String>,
        position: usize,
    ) -> Result<RemoteDataset, HarvestItemError> {
        let title = self.lang_text(s, dct::TITLE);
        let remote_id = match remote_id {
            Some(remote_id) if !title.is_empty() => remote_id,
            remote_id => return Err(Self::unmapped(remote_id, &title, position)),
        };
        let access_rights = self
            .iri(s, dct::ACCESS_RIGHTS)
            .and_then(|iri| authority::access_rights_of(&iri))
            .unwrap_or(AccessRights::Public);
        let mut distributions: Vec<(String, RemoteDistribution)> = self
            .objects(s, dcat::DISTRIBUTION_PROP)
            .into_iter()
            .filter_map(Self::node)
            .filter_map(|d| self.distribution(d))
            .collect();
        distributions.sort_by(|a, b| a.0.cmp(&b.0));
        let distributions: Vec<RemoteDistribution> =
            distributions.into_iter().map(|(_, d)| d).collect();
        let license = self
            .iri(s, dct::LICENSE)
            .map(|iri| authority::license_id(&iri).to_string())
            .or_else(|| distributions.iter().find_map(|d| d.license.clone()))
            .unwrap_or_else(|| "none".to_string());
        let record_modified = self
            .graph
            .subjects_for_predicate_object(foaf::PRIMARY_TOPIC, s)
            .find_map(|record| self.text(record, dct::MODIFIED))
            .and_then(|t| parse_time(&t));
        let modified_text = self.text(s, dct::MODIFIED);
        let landing = self.iri(s, dcat::LANDING_PAGE);
        let contact_point = self
            .object(s, dcat::CONTACT_POINT)
            .and_then(Self::node)
            .map(|c| ContactPoint {
                name: self.text(c, vcard::FN),
                email: self
                    .iri(c, vcard::HAS_EMAIL)
                    .map(|e| e.trim_start_matches("mailto:").to_string()),
            })
            .filter(|c| c.name.is_some() || c.email.is_some());
        let temporal = self
            .object(s, dct::TEMPORAL)
            .and_then(Self::node)
            .map(|t| Temporal {
                start: self.text(t, dcat::START_DATE).and_then(|d| parse_date(&d)),
                end: self.text(t, dcat::END_DATE).and_then(|d| parse_date(&d)),
            })
            .filter(|t| t.start.is_some() || t.end.is_some());
        let spatial = self.object(s, dct::SPATIAL).and_then(|o| match o {
            TermRef::Literal(l) => Some(l.value().to_string()),
            other => Self::node(other).and_then(|n| {
                self.text(n, locn::GEOGRAPHIC_NAME)
                    .or_else(|| self.text(n, skos::PREF_LABEL))
            }),
        });
        let mut themes: Vec<String> = self
            .objects(s, dcat::THEME)
            .into_iter()
            .filter_map(|t| self.iri_or_text(t))
            .filter_map(|iri| authority::data_theme_code(&iri).map(str::to_string))
            .collect();
        themes.sort();
        themes.dedup();
        let mut keywords: Vec<String> = Vec::new();
        for keyword in self.objects(s, dcat::KEYWORD) {
            if let TermRef::Literal(l) = keyword {
                let k = l.value().trim().to_string();
                if !k.is_empty() && !keywords.contains(&k) {
                    keywords.push(k);
                }
            }
        }
        // RDF keeps no order: keywords come sorted.
        keywords.sort();
        let input = DatasetInput {
            slug: landing.as_deref().and_then(slug_of),
            title,
            description: self.lang_text(s, dct::DESCRIPTION),
            publisher: String::new(),
            contact_point,
            keywords,
            themes,
            license,
            access_rights,
            temporal,
            spatial,
            frequency: self
                .iri(s, dct::ACCRUAL_PERIODICITY)
                .and_then(|iri| authority::frequency_code(&iri)),
            issued: self.text(s, dct::ISSUED).and_then(|d| parse_date(&d)),
            modified: modified_text.as_deref().and_then(parse_date),
            version: self.text(s, dcat::VERSION),
            status: DatasetStatus::Published,
        };
        Ok(RemoteDataset {
            remote_id,
            remote_url: landing,
            remote_modified: record_modified
                .or_else(|| modified_text.as_deref().and_then(parse_time)),
            publisher: self.publisher(s),
            input,
            distributions,
        })
    }

    /// The item error of a dataset without a remote id or without a title.
    fn unmapped(remote_id: Option<String>, title: &LangText, position: usize) -> HarvestItemError {
        let mut problems = Vec::new();
        if remote_id.is_none() {
            let mut problem = "a blank node without dct:identifier".to_string();
            if let Some(title) = title.vi.as_ref().or(title.en.as_ref()) {
                problem.push_str(&format!(" (dct:title {title:?})"));
            }
            problems.push(problem);
        }
        if title.is_empty() {
            problems.push("no dct:title".to_string());
        }
        HarvestItemError {
            remote_id: remote_id.unwrap_or_else(|| format!("dataset {position}")),
            message: problems.join("; "),
        }
    }

    fn publisher(&self, s: NamedOrBlankNodeRef<'g>) -> RemotePublisher {
        let Some(agent) = self.object(s, dct::PUBLISHER) else {
            return RemotePublisher::default();
        };
        let remote_id = match agent {
            TermRef::NamedNode(n) => Some(n.as_str().to_string()),
            _ => None,
        };
        let Some(node) = Self::node(agent) else {
            return RemotePublisher::default();
        };
        RemotePublisher {
            slug_hint: remote_id.as_deref().and_then(slug_of),
            remote_id,
            name: self.lang_text(node, foaf::NAME),
            description: LangText::default(),
            website: self.iri(node, foaf::HOMEPAGE),
            contact_email: self
                .iri(node, foaf::MBOX)
                .map(|e| e.trim_start_matches("mailto:").to_string()),
        }
    }

    fn distribution(&self, d: NamedOrBlankNodeRef<'g>) -> Option<(String, RemoteDistribution)> {
        let url = self
            .iri(d, dcat::DOWNLOAD_URL)
            .or_else(|| self.iri(d, dcat::ACCESS_URL))?;
        let remote_id = match d {
            NamedOrBlankNodeRef::NamedNode(n) => Some(n.as_str().to_string()),
            _ => None,
        };
        let format = self.iri(d, dct::FORMAT).and_then(|f| {
            authority::file_type_format(&f)
                .or_else(|| {
                    authority::media_type_of_iri(&f).and_then(|m| {
                        dulieu_core::catalog::guess_format(&format!("x.{}", m.rsplit('/').next()?))
                            .map(|g| g.0.to_string())
                    })
                })
                .or_else(|| (!f.contains('/')).then(|| f.to_ascii_uppercase()))
        });
        let media_type = self
            .iri(d, dcat::MEDIA_TYPE)
            .map(|m| authority::media_type_of_iri(&m).unwrap_or_else(|| m.to_ascii_lowercase()));
        let byte_size = self
            .text(d, dcat::BYTE_SIZE)
            .and_then(|b| b.split('.').next()?.parse::<i64>().ok())
            .filter(|b| *b >= 0);
        let distribution = RemoteDistribution {
            remote_id: remote_id.clone(),
            title: self.lang_text(d, dct::TITLE),
            description: self.lang_text(d, dct::DESCRIPTION),
            url,
            format,
            media_type,
            license: self
                .iri(d, dct::LICENSE)
                .map(|iri| authority::license_id(&iri).to_string()),
            byte_size,
            issued: self.text(d, dct::ISSUED).and_then(|t| parse_date(&t)),
            modified: self.text(d, dct::MODIFIED).and_then(|t| parse_date(&t)),
        };
        Some((
            remote_id.unwrap_or_else(|| distribution.url.clone()),
            distribution,
        ))
    }
}

/// The last path segment of an IRI when it is a plausible slug (`…/dataset/dan-so` → `dan-so`).
fn slug_of(iri: &str) -> Option<String> {
    let path = iri.split(['?', '#']).next()?.trim_end_matches('/');
    let last = path.rsplit('/').next()?;
    (!last.is_empty()
        && last.len() <= 100
        && last
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    .then(|| last.to_string())
}
