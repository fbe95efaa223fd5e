//! The index on disk: open (or rebuild on a schema change), write, commit with the event-log
//! position, search.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{NaiveDate, Utc};
use dulieu_core::text::LangText;
use dulieu_core::{Error, Result};
use serde::{Deserialize, Serialize};
use tantivy::{
    DocAddress, Index, IndexReader, IndexSettings, IndexSortByField, IndexWriter, Order,
    ReloadPolicy, Searcher, Term,
};
use uuid::Uuid;

use crate::SearchDoc;
use crate::document::ShownDoc;
use crate::exec::{self, DocBits, Mode, Plan, SegmentCache, SegmentMatch, TopK};
use crate::facets::{FACETS, FacetBucket};
use crate::highlight::{Matcher, highlight};
use crate::query::{self, QueryText, Viewer};
use crate::result_cache::{DEFAULT_RESULT_CACHE_ENTRIES, ResultCache};
use crate::schema::{CEILING, Fields, MODIFIED, POPULARITY, SCHEMA_VERSION, StoredJson};
use crate::suggest::{self, OrganizationList, OrganizationSuggestion, Suggestions};

/// Largest `page_size`.
pub const MAX_PAGE_SIZE: usize = 100;
/// Deepest result reachable by paging (`page × page_size`).
pub const MAX_RESULT_WINDOW: usize = 10_000;
/// Values listed per facet.
pub const FACET_LIMIT: usize = 50;
/// Bytes of a compressed block of stored documents.
const DOCSTORE_BLOCK_BYTES: usize = 2048;
/// Characters of a description excerpt in results.
const EXCERPT_CHARS: usize = 240;

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first (see [`crate::rank`]).
    #[default]
    Relevance,
    /// Most recently modified first.
    Modified,
    /// By Vietnamese title, A to Z (diacritics folded).
    Title,
    /// Most used first.
    Popularity,
}

impl Sort {
    /// The sort named `name` in the API.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "relevance" => Some(Self::Relevance),
            "modified" | "-modified" => Some(Self::Modified),
            "title" => Some(Self::Title),
            "popularity" | "-popularity" => Some(Self::Popularity),
            _ => None,
        }
    }

    /// Every accepted name.
    pub const NAMES: &[&str] = &["relevance", "modified", "title", "popularity"];
}

/// A search.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// Free text, any string.
    pub q: String,
    /// `(facet, value)` filters: values of one facet are alternatives, facets combine.
    pub filters: Vec<(String, String)>,
    /// Facets to count.
    pub facets: Vec<String>,
    /// Order.
    pub sort: Sort,
    /// Page, from 1.
    pub page: usize,
    /// Results per page.
    pub page_size: usize,
    /// Who is searching.
    pub viewer: Viewer,
}

impl SearchRequest {
    /// A first page of 20 results for `q`, seen by `viewer`, without facets.
    pub fn new(q: impl Into<String>, viewer: Viewer) -> Self {
        Self {
            q: q.into(),
            filters: Vec::new(),
            facets: Vec::new(),
            sort: Sort::Relevance,
            page: 1,
            page_size: 20,
            viewer,
        }
    }

    /// Checks paging and facet names (400s: the request, not the data, is wrong).
    pub fn check(&self) -> Result<()> {
        if self.page == 0 || self.page_size == 0 || self.page_size > MAX_PAGE_SIZE {
            return Err(Error::BadRequest {
                code: "page_out_of_range",
                detail: format!("page={}, page_size={}", self.page, self.page_size),
            });
        }
        if self.page.saturating_mul(self.page_size) > MAX_RESULT_WINDOW {
            return Err(Error::BadRequest {
                code: "page_out_of_range",
                detail: format!("page={}, page_size={}", self.page, self.page_size),
            });
        }
        let names = self
            .facets
            .iter()
            .chain(self.filters.iter().map(|(f, _)| f));
        for name in names {
            if query::facet_index(name).is_none() {
                return Err(Error::BadRequest {
                    code: "unknown_facet",
                    detail: format!(
                        "{name} [{}]",
                        FACETS.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
                    ),
                });
            }
        }
        Ok(())
    }
}

/// Marked-up matches in a result (HTML, text escaped, matches in `<mark>`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Highlights {
    /// Vietnamese title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// English title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    /// Excerpt of the Vietnamese description around the first match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Excerpt of the English description around the first match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description_en: Option<String>,
}

/// The publisher in a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HitPublisher {
    /// Slug.
    pub slug: String,
    /// Name in vi/en.
    pub name: LangText,
    /// Kind.
    pub kind: String,
    /// `official` or `community`.
    pub provenance: String,
}

/// A code with its label in a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HitLabel {
    /// Code.
    pub id: String,
    /// Label in vi/en.
    pub title: LangText,
}

/// One dataset in the results.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hit {
    /// Dataset id.
    pub id: Uuid,
    /// Slug.
    pub slug: String,
    /// Title in vi/en.
    pub title: LangText,
    /// The start of the description in vi/en (plain text, about 240 characters).
    pub excerpt: LangText,
    /// Publisher.
    pub publisher: HitPublisher,
    /// License.
    pub license: HitLabel,
    /// Whether the license is open.
    pub license_open: bool,
    /// Formats of the distributions.
    pub formats: Vec<String>,
    /// Theme codes.
    pub themes: Vec<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Update frequency.
    pub frequency: Option<String>,
    /// Last modification date.
    pub modified: NaiveDate,
    /// Status.
    pub status: String,
    /// Access rights.
    pub access_rights: String,
    /// Relevance score (relevance order only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    /// Highlighted matches.
    pub highlights: Highlights,
}

/// A page of results with the total and the facet counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    /// The page of results.
    pub results: Vec<Hit>,
    /// Matching datasets in all.
    pub total: u64,
    /// Page number.
    pub page: usize,
    /// Page size.
    pub page_size: usize,
    /// Counts per requested facet, most frequent values first.
    pub facets: BTreeMap<String, Vec<FacetBucket>>,
    /// True when no dataset had every word, and these results have some of them.
    pub relaxed: bool,
}

/// Memory and threads of the index writer.
#[derive(Debug, Clone, Copy)]
pub struct WriterSettings {
    /// Indexing threads.
    pub threads: usize,
    /// Memory for buffered documents, in bytes, shared by the threads (at least 15 MB each).
    pub memory_bytes: usize,
}

impl Default for WriterSettings {
    fn default() -> Self {
        Self {
            threads: 1,
            memory_bytes: 64 << 20,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Payload {
    schema: u32,
    seq: i64,
}

/// The search index of the catalog.
pub struct SearchIndex {
    index: Index,
    pub(crate) fields: Fields,
    pub(crate) reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    settings: WriterSettings,
    organizations: RwLock<OrganizationList>,
    pub(crate) cache: SegmentCache,
    results: ResultCache,
    dir: PathBuf,
    /// Segments with fewer matches have each scored directly (see [`exec::rank_by_relevance`]).
    pub(crate) exhaustive_below: u64,
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("search index: {e}"))
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing. An index written with another schema
    /// version is deleted and recreated empty (see [`SearchIndex::indexed_seq`]). Fails when
    /// another process has the index open for writing.
    pub fn open(dir: &Path, settings: WriterSettings) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(internal)?;
        let (schema, fields) = Fields::build();
        let compatible = |index: &Index| {
            let current = index
                .load_metas()
                .ok()
                .and_then(|m| m.payload)
                .and_then(|p| serde_json::from_str::<Payload>(&p).ok());
            current.is_none_or(|p| p.schema == SCHEMA_VERSION)
                && index.schema() == schema
                && index.settings().sort_by_field.is_some()
        };
        let index = match Index::open_in_dir(dir) {
            Ok(index) if compatible(&index) => index,
            Ok(old) => {
                // Hold the old index's writer lock while its files are replaced: an index a
                // running server still uses is never deleted under it.
                let lock = new_writer(&old, dir, WriterSettings::default())?;
                tracing::info!(dir = %dir.display(), "search index schema changed; rebuilding");
                remove_index_files(dir)?;
                let created = create_index(dir, schema)?;
                drop(lock);
                created
            }
            Err(_) => {
                if dir.join("meta.json").exists() {
                    tracing::warn!(dir = %dir.display(), "unreadable search index; rebuilding");
                    remove_index_files(dir)?;
                }
                create_index(dir, schema)?
            }
        };
        crate::analyzer::register(&index);
        let writer = new_writer(&index, dir, settings)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(internal)?;
        Ok(Self {
            index,
            fields,
            reader,
            writer: Mutex::new(Some(writer)),
            settings,
            organizations: RwLock::new(OrganizationList::default()),
            cache: SegmentCache::default(),
            results: ResultCache::new(DEFAULT_RESULT_CACHE_ENTRIES),
            dir: dir.to_path_buf(),
            exhaustive_below: exec::EXHAUSTIVE_MATCHES,
        })
    }

    /// Where the index lives.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Runs `f` with the writer (there is none only after a failed [`SearchIndex::wait_for_merges`]).
    fn with_writer<R>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<R>) -> Result<R> {
        let mut slot = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let writer = slot
            .as_mut()
            .ok_or_else(|| internal("the index writer is gone"))?;
        f(writer)
    }

    /// The event-log position the committed index reflects; `None` for an index never built.
    pub fn indexed_seq(&self) -> Option<i64> {
        let payload = self.index.load_metas().ok()?.payload?;
        serde_json::from_str::<Payload>(&payload)
            .ok()
            .map(|p| p.seq)
    }

    /// Adds or replaces a dataset (visible to searches after [`SearchIndex::commit`]).
    pub fn upsert(&self, doc: &SearchDoc) -> Result<()> {
        let document = self.fields.document(doc, Utc::now().timestamp());
        self.with_writer(|writer| {
            writer.delete_term(Term::from_field_text(self.fields.id, &doc.id.to_string()));
            writer.add_document(document).map_err(internal)?;
            Ok(())
        })
    }

    /// Adds a dataset known not to be in the index (a rebuild after [`SearchIndex::clear`]).
    pub fn add(&self, doc: &SearchDoc) -> Result<()> {
        let document = self.fields.document(doc, Utc::now().timestamp());
        self.with_writer(|writer| writer.add_document(document).map(|_| ()).map_err(internal))
    }

    /// Removes a dataset.
    pub fn delete(&self, id: Uuid) -> Result<()> {
        self.with_writer(|writer| {
            writer.delete_term(Term::from_field_text(self.fields.id, &id.to_string()));
            Ok(())
        })
    }

    /// Removes everything (for a rebuild; the old contents stay searchable until the commit).
    pub fn clear(&self) -> Result<()> {
        self.with_writer(|writer| {
            writer.delete_all_documents().map_err(internal)?;
            Ok(())
        })
    }

    /// Makes the changes durable and searchable, recording that they reflect the event log up
    /// to `seq`.
    pub fn commit(&self, seq: i64) -> Result<()> {
        let payload = serde_json::to_string(&Payload {
            schema: SCHEMA_VERSION,
            seq,
        })
        .map_err(internal)?;
        self.with_writer(|writer| {
            let mut prepared = writer.prepare_commit().map_err(internal)?;
            prepared.set_payload(&payload);
            prepared.commit().map_err(internal)?;
            Ok(())
        })?;
        self.reader.reload().map_err(internal)?;
        self.results.clear();
        Ok(())
    }

    /// Searches answered from the cache of whole answers, and computed, since the index opened.
    pub fn result_cache_stats(&self) -> (u64, u64) {
        self.results.stats()
    }

    /// Sets how many whole answers are kept between commits (0 turns the cache off).
    pub fn set_result_cache_entries(&self, entries: usize) {
        self.results.set_capacity(entries);
    }

    /// Drops the changes made since the last commit (an abandoned rebuild).
    pub fn rollback(&self) -> Result<()> {
        self.with_writer(|writer| writer.rollback().map(|_| ()).map_err(internal))
    }

    /// Waits for background segment merges to finish (after a bulk build).
    pub fn wait_for_merges(&self) -> Result<()> {
        let mut slot = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(writer) = slot.take() {
            writer.wait_merging_threads().map_err(internal)?;
        }
        *slot = Some(new_writer(&self.index, &self.dir, self.settings)?);
        Ok(())
    }

    /// Segments in the committed index.
    pub fn segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Datasets in the committed index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Replaces the organizations offered as suggestions.
    pub fn set_organizations(&self, organizations: Vec<OrganizationSuggestion>) {
        *self
            .organizations
            .write()
            .unwrap_or_else(|p| p.into_inner()) = OrganizationList::new(organizations);
    }

    /// Evaluates the text, visibility and filters on every segment.
    fn evaluate(
        &self,
        searcher: &Searcher,
        text: &QueryText,
        mode: Mode,
        relaxed: bool,
        viewer: &Viewer,
        filters: &[(usize, Vec<String>)],
    ) -> Result<Vec<SegmentMatch>> {
        let plan = Plan {
            cache: &self.cache,
            fields: &self.fields,
            text,
            mode,
            relaxed,
            viewer,
            filters,
        };
        searcher
            .segment_readers()
            .iter()
            .enumerate()
            .map(|(i, segment)| plan.segment(i as u32, segment).map_err(internal))
            .collect()
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        request.check()?;
        let key = cache_key(request);
        if let Some(found) = self.results.get(&key) {
            return Ok(SearchResults::clone(&found));
        }
        let generation = self.results.generation();
        let found = self.search_uncached(request)?;
        self.results.put(generation, key, Arc::new(found.clone()));
        Ok(found)
    }

    fn search_uncached(&self, request: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        self.cache.retain(&searcher);
        let text = QueryText::parse(&request.q)
            .settle_typos(&searcher, &self.fields)
            .map_err(internal)?;
        let mut filters: Vec<(usize, Vec<String>)> = Vec::new();
        for (name, value) in &request.filters {
            let facet = query::facet_index(name).expect("checked");
            let value = (FACETS[facet].filter_value)(value);
            match filters.iter_mut().find(|(f, _)| *f == facet) {
                Some((_, values)) => values.push(value),
                None => filters.push((facet, vec![value])),
            }
        }
        let mut relaxed = false;
        let mut found = self.evaluate(
            &searcher,
            &text,
            Mode::Search,
            false,
            &request.viewer,
            &filters,
        )?;
        let mut matching: Vec<DocBits> = found.iter().map(|f| f.matching(None)).collect();
        if matching.iter().all(|m| m.count() == 0) && text.words.len() > 1 {
            relaxed = true;
            found = self.evaluate(
                &searcher,
                &text,
                Mode::Search,
                true,
                &request.viewer,
                &filters,
            )?;
            matching = found.iter().map(|f| f.matching(None)).collect();
        }
        let counts: Vec<u64> = matching.iter().map(DocBits::count).collect();
        let total: u64 = counts.iter().sum();

        // Each filtered facet is counted without its own filter, so its other values stay
        // selectable; the others are counted over the results.
        let mut facets = BTreeMap::new();
        for name in &request.facets {
            let facet = query::facet_index(name).expect("checked");
            let own_filter = filters.iter().position(|(f, _)| *f == facet);
            let mut per_segment = Vec::with_capacity(found.len());
            for (i, segment) in searcher.segment_readers().iter().enumerate() {
                let counted = match own_filter {
                    Some(position) => {
                        let unfiltered = found[i].matching(Some(position));
                        let count = unfiltered.count();
                        exec::count_facet(
                            &self.cache,
                            segment,
                            facet,
                            &unfiltered,
                            count,
                            FACET_LIMIT,
                        )
                    }
                    None => exec::count_facet(
                        &self.cache,
                        segment,
                        facet,
                        &matching[i],
                        counts[i],
                        FACET_LIMIT,
                    ),
                };
                per_segment.push(counted.map_err(internal)?);
            }
            facets.insert(name.clone(), exec::merge_facet(per_segment, FACET_LIMIT));
        }

        let wanted = request.page * request.page_size;
        let offset = (request.page - 1) * request.page_size;
        let segments = searcher.segment_readers();
        let page: Vec<(Option<f32>, DocAddress)> = match request.sort {
            Sort::Relevance => {
                let now = Utc::now().timestamp();
                let mut top = TopK::new(wanted);
                for (i, segment) in segments.iter().enumerate() {
                    exec::rank_by_relevance(
                        &searcher,
                        &self.cache,
                        segment,
                        &found[i],
                        &matching[i],
                        now,
                        self.exhaustive_below,
                        &mut top,
                    )
                    .map_err(internal)?;
                }
                top.into_sorted()
                    .into_iter()
                    .map(|r| (Some(r.key), DocAddress::new(r.segment, r.doc)))
                    .collect()
            }
            Sort::Modified | Sort::Popularity => {
                let column = if request.sort == Sort::Modified {
                    MODIFIED
                } else {
                    POPULARITY
                };
                let mut top = TopK::new(wanted);
                for (i, segment) in segments.iter().enumerate() {
                    exec::rank_by_number(segment, i as u32, &matching[i], column, &mut top)
                        .map_err(internal)?;
                }
                top.into_sorted()
                    .into_iter()
                    .map(|r| (None, DocAddress::new(r.segment, r.doc)))
                    .collect()
            }
            Sort::Title => {
                let mut all = Vec::new();
                for (i, segment) in segments.iter().enumerate() {
                    all.extend(
                        exec::rank_by_title(segment, i as u32, &matching[i], wanted)
                            .map_err(internal)?,
                    );
                }
                all.sort();
                all.truncate(wanted);
                all.into_iter()
                    .map(|(_, segment, doc)| (None, DocAddress::new(segment, doc)))
                    .collect()
            }
        };
        let matcher = Matcher::new(&text);
        let results = page
            .into_iter()
            .skip(offset)
            .map(|(score, address)| self.hit(&searcher, address, score, &matcher))
            .collect::<Result<Vec<_>>>()?;
        Ok(SearchResults {
            results,
            total,
            page: request.page,
            page_size: request.page_size,
            facets,
            relaxed,
        })
    }

    /// What a result shows of a stored document.
    fn stored(&self, searcher: &Searcher, address: DocAddress) -> Result<ShownDoc<'static>> {
        let StoredJson(json) = searcher.doc(address).map_err(internal)?;
        serde_json::from_str(&json).map_err(internal)
    }

    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: Option<f32>,
        matcher: &Matcher,
    ) -> Result<Hit> {
        let d = self.stored(searcher, address)?;
        let excerpt = |text: &Option<String>| {
            text.as_ref()
                .map(|t| match t.char_indices().nth(EXCERPT_CHARS) {
                    Some((end, _)) => format!("{}…", &t[..end]),
                    None => t.clone(),
                })
        };
        let marked = |text: &Option<String>, max: Option<usize>| {
            text.as_deref().and_then(|t| highlight(t, matcher, max))
        };
        let license = d.license.into_owned();
        Ok(Hit {
            highlights: Highlights {
                title: marked(&d.title.vi, None),
                title_en: marked(&d.title.en, None),
                description: marked(&d.description.vi, Some(EXCERPT_CHARS)),
                description_en: marked(&d.description.en, Some(EXCERPT_CHARS)),
            },
            excerpt: LangText {
                vi: excerpt(&d.description.vi),
                en: excerpt(&d.description.en),
            },
            id: d.id,
            slug: d.slug.into_owned(),
            title: d.title.into_owned(),
            publisher: HitPublisher {
                slug: d.publisher_slug.into_owned(),
                name: d.publisher_name.into_owned(),
                kind: d.publisher_kind.into_owned(),
                provenance: d.provenance.into_owned(),
            },
            license: HitLabel {
                id: license.code,
                title: license.label,
            },
            license_open: d.license_open,
            formats: d.formats,
            themes: d.themes.into_iter().map(Cow::into_owned).collect(),
            keywords: d.keywords.into_owned(),
            frequency: d.frequency.map(Cow::into_owned),
            modified: d.modified,
            status: d.status.into_owned(),
            access_rights: d.access_rights.into_owned(),
            score,
        })
    }

    /// Suggestions for what the user has typed so far.
    pub fn suggest(&self, q: &str, viewer: &Viewer, limit: usize) -> Result<Suggestions> {
        let text = QueryText::parse(q);
        if text.is_empty() {
            return Ok(Suggestions::default());
        }
        let searcher = self.reader.searcher();
        let found = self.evaluate(&searcher, &text, Mode::Suggest, false, viewer, &[])?;
        let mut ranked = TopK::new(limit.max(1));
        let now = Utc::now().timestamp();
        for (i, segment) in searcher.segment_readers().iter().enumerate() {
            exec::rank_by_relevance(
                &searcher,
                &self.cache,
                segment,
                &found[i],
                &found[i].base,
                now,
                self.exhaustive_below,
                &mut ranked,
            )
            .map_err(internal)?;
        }
        let top: Vec<DocAddress> = ranked
            .into_sorted()
            .into_iter()
            .map(|r| DocAddress::new(r.segment, r.doc))
            .collect();
        let matcher = Matcher::new(&text);
        let mut datasets = Vec::with_capacity(top.len());
        for address in top {
            let d = self.stored(&searcher, address)?;
            datasets.push(suggest::DatasetSuggestion {
                highlight: d
                    .title
                    .vi
                    .as_deref()
                    .and_then(|t| highlight(t, &matcher, None)),
                slug: d.slug.into_owned(),
                title: d.title.into_owned(),
            });
        }
        let folded: Vec<&str> = text.words.iter().map(|w| w.folded.as_str()).collect();
        let prefix = folded.join(" ");
        Ok(Suggestions {
            datasets,
            organizations: self
                .organizations
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .matching(&text, limit),
            keywords: suggest::keywords(&searcher, &self.fields, &prefix, limit)
                .map_err(internal)?,
        })
    }
}

/// What an answer depends on: the analysed words (so `Hà Nội` and `hà nội` share an entry), the
/// filters in a stable order, the facets, the order, the page and what the viewer may see.
fn cache_key(request: &SearchRequest) -> String {
    let text = QueryText::parse(&request.q);
    let words: Vec<&str> = text.words.iter().map(|w| w.exact.as_str()).collect();
    let mut filters: Vec<String> = request
        .filters
        .iter()
        .map(|(f, v)| format!("{f}\u{1f}{v}"))
        .collect();
    filters.sort();
    let viewer = if request.viewer.sees_all {
        "*".to_string()
    } else {
        let mut organizations: Vec<String> = request
            .viewer
            .organizations
            .iter()
            .map(Uuid::to_string)
            .collect();
        organizations.sort();
        organizations.join(",")
    };
    format!(
        "{:?}\u{1e}{}\u{1e}{}\u{1e}{}\u{1e}{}\u{1e}{viewer}\u{1e}{}",
        request.sort,
        request.page,
        request.page_size,
        request.facets.join(","),
        filters.join("\u{1e}"),
        words.join(" ")
    )
}

/// Creates an empty index with dulieu's settings.
fn create_index(dir: &Path, schema: tantivy::schema::Schema) -> Result<Index> {
    Index::builder()
        .schema(schema)
        .settings(IndexSettings {
            // Small blocks: a page of results reads 20 random documents, each decompressing its
            // whole block.
            docstore_blocksize: DOCSTORE_BLOCK_BYTES,
            // Best-placed documents first in every segment: relevance ranking stops early.
            sort_by_field: Some(IndexSortByField {
                field: CEILING.to_string(),
                order: Order::Desc,
            }),
            ..IndexSettings::default()
        })
        .create_in_dir(dir)
        .map_err(internal)
}

/// Removes an index's files, keeping tantivy's lock files (`.tantivy-*.lock`).
fn remove_index_files(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(internal)? {
        let entry = entry.map_err(internal)?;
        if entry.file_name().to_string_lossy().starts_with(".tantivy-") {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path).map_err(internal)?;
        } else {
            std::fs::remove_file(&path).map_err(internal)?;
        }
    }
    Ok(())
}

fn new_writer(index: &Index, dir: &Path, settings: WriterSettings) -> Result<IndexWriter> {
    let threads = settings.threads.max(1);
    index
        .writer_with_num_threads(threads, settings.memory_bytes.max(threads * (15 << 20)))
        .map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => Error::Internal(format!(
                "the search index in {} is open in another process; give each server its own search.index_dir",
                dir.display()
            )),
            e => internal(e),
        })
}

#[cfg(test)]
mod tests {
    //! The pruned ranking (MaxScore with a rising threshold over ceiling-sorted segments)
    //! against scoring every match, on a catalog large enough for blocks to be skipped.

    use super::*;
    use crate::{DistributionText, Labelled, Publisher};

    const WORDS: &[&str] = &[
        "ngân sách",
        "dân số",
        "giáo dục",
        "y tế",
        "giao thông",
        "nông nghiệp",
        "Hà Nội",
        "thống kê",
        "doanh nghiệp",
        "lao động",
        "môi trường",
        "đất đai",
        "năm",
        "tỉnh",
    ];

    /// A deterministic pseudo-random sequence (no dependency needed for a test).
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    fn dataset(i: u64, rng: &mut Lcg) -> SearchDoc {
        let mut words = |n: u64| {
            (0..n)
                .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
                .collect::<Vec<_>>()
                .join(" ")
        };
        let title = words(2 + i % 4);
        let description = words(4 + i % 9);
        let publisher = Publisher {
            id: Uuid::from_u128(u128::from(i % 7)),
            slug: format!("org-{}", i % 7),
            name: LangText::new(format!("Sở {}", i % 7), format!("Department {}", i % 7)),
            kind: "ministry".into(),
            provenance: if i.is_multiple_of(3) {
                "community"
            } else {
                "official"
            }
            .into(),
        };
        let open = rng.below(2) == 0;
        SearchDoc {
            id: Uuid::from_u128(u128::from(i) + 1000),
            slug: format!("d-{i}"),
            title: LangText::new(title, format!("Dataset {i}")),
            description: LangText {
                vi: Some(description),
                en: None,
            },
            keywords: vec![WORDS[(i % 5) as usize].to_string()],
            publisher,
            themes: Vec::new(),
            distributions: vec![DistributionText {
                title: LangText::new("Tệp", "File"),
                format: Some(["CSV", "PDF", "XLSX"][(i % 3) as usize].into()),
            }],
            spatial: None,
            license: Labelled {
                code: if open { "cc-by-4.0" } else { "proprietary" }.into(),
                label: LangText::new("Giấy phép", "License"),
            },
            license_open: open,
            frequency: None,
            status: "published".into(),
            access_rights: "public".into(),
            public: !i.is_multiple_of(11),
            has_temporal: rng.below(2) == 0,
            has_contact: rng.below(3) != 0,
            modified: NaiveDate::from_ymd_opt(2015, 1, 1).unwrap()
                + chrono::Days::new(rng.below(4000)),
            popularity: 0,
            stars: None,
            quality_band: None,
            created: None,
            updated: None,
        }
    }

    /// The page's scores and slugs; two scores within a millionth are the same (sums of the same
    /// terms in another order).
    fn same_page(q: &str, every: &SearchResults, pruned: &SearchResults) {
        assert_eq!(every.results.len(), pruned.results.len(), "{q:?}");
        let score = |hit: &Hit| hit.score.unwrap_or(0.0);
        for (a, b) in every.results.iter().zip(&pruned.results) {
            assert!(
                (score(a) - score(b)).abs() <= 1e-6 * score(a).max(1.0),
                "{q:?}: {} {} against {} {}",
                a.slug,
                score(a),
                b.slug,
                score(b)
            );
            let tied = |hit: &Hit| {
                every
                    .results
                    .iter()
                    .filter(|other| (score(other) - score(hit)).abs() <= 1e-6 * score(hit).max(1.0))
                    .count()
                    > 1
            };
            if !tied(a) {
                assert_eq!(a.slug, b.slug, "{q:?}");
            }
        }
    }

    #[test]
    fn pruned_ranking_finds_what_scoring_every_match_finds() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = SearchIndex::open(dir.path(), WriterSettings::default()).unwrap();
        let mut rng = Lcg(7);
        for batch in 0..3u64 {
            for i in batch * 3000..(batch + 1) * 3000 {
                index.add(&dataset(i, &mut rng)).unwrap();
            }
            index.commit(batch as i64 + 1).unwrap();
        }
        for i in (0..9000).step_by(13) {
            index.delete(Uuid::from_u128(i + 1000)).unwrap();
        }
        index.commit(4).unwrap();

        /// Query text, filters, page.
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], usize);
        let queries: &[Case] = &[
            ("ngân sách", &[], 1),
            ("ngan sach", &[], 3),
            ("dan so ha noi", &[], 1),
            ("giáo dục", &[("format", "csv")], 1),
            (
                "thong ke",
                &[("organization", "org-3"), ("open_license", "yes")],
                2,
            ),
            ("moi truong lao dong", &[], 1),
            ("", &[], 2),
        ];
        for (q, filters, page) in queries {
            let mut request = SearchRequest::new(*q, Viewer::default());
            request.filters = filters
                .iter()
                .map(|(f, v)| (f.to_string(), v.to_string()))
                .collect();
            request.page = *page;
            request.page_size = 20;
            index.exhaustive_below = u64::MAX;
            let every = index.search_uncached(&request).unwrap();
            index.exhaustive_below = 0;
            let pruned = index.search_uncached(&request).unwrap();
            assert!(every.total > 40, "{q:?} should match many datasets");
            assert_eq!(every.total, pruned.total, "{q:?}");
            same_page(q, &every, &pruned);
        }
    }
}
