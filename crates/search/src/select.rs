//! Selections: a boolean [`Condition`] over facet values, exact attributes, record times and
//! text, in any of several orders, paged by offset up to [`MAX_SELECT`] at a time. What the CKAN
//! API's `package_search` needs (its `q`/`fq` Solr subset, `sort`, `start`/`rows`), beside the
//! portal's own [`crate::SearchRequest`]. Answers ids, the total and facet counts; the caller
//! reads the datasets from the store.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use dulieu_core::{Error, Result};
use tantivy::{DocAddress, DocId, Score, SegmentReader, Term};
use uuid::Uuid;

use crate::SearchDoc;
use crate::exec::{self, DocBits, Mode, Plan, SegmentMatch, TopK};
use crate::facets::{FACETS, FacetBucket};
use crate::index::SearchIndex;
use crate::query::{self, QueryText, Viewer};
use crate::schema::{CREATED, ID_SORT, SLUG_SORT, TITLE_SORT, UPDATED};

/// Most results of one selection.
pub const MAX_SELECT: usize = 1000;

/// An exact attribute of a dataset a condition can test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attribute {
    /// The slug.
    Name(String),
    /// Out (published or archived) or not (draft, in review, approved).
    Active(bool),
    /// Access rights other than public.
    Private(bool),
}

impl Attribute {
    /// The indexed term.
    fn term(&self) -> String {
        match self {
            Attribute::Name(slug) => format!("name={slug}"),
            Attribute::Active(active) => format!("active={active}"),
            Attribute::Private(private) => format!("private={private}"),
        }
    }

    /// The terms of a document.
    pub(crate) fn of(d: &SearchDoc) -> [String; 3] {
        [
            Attribute::Name(d.slug.clone()).term(),
            Attribute::Active(matches!(d.status.as_str(), "published" | "archived")).term(),
            Attribute::Private(d.access_rights != "public").term(),
        ]
    }
}

/// A record time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeField {
    /// When the record was created.
    Created,
    /// When the record last changed.
    Updated,
}

/// Which datasets a selection keeps.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Every dataset.
    All,
    /// A value of a facet (as filtered in [`crate::SearchRequest::filters`]).
    Facet {
        /// Facet name.
        facet: String,
        /// Value.
        value: String,
    },
    /// An exact attribute.
    Attribute(Attribute),
    /// The dataset with this id.
    Id(Uuid),
    /// Every word of the text, in any field and form a search looks words up in.
    Text(String),
    /// A record time within bounds (each bound: instant, inclusive); `None` is open.
    Range {
        /// Which time.
        field: TimeField,
        /// Lower bound.
        from: Option<(DateTime<Utc>, bool)>,
        /// Upper bound.
        to: Option<(DateTime<Utc>, bool)>,
    },
    /// Every condition.
    And(Vec<Condition>),
    /// At least one condition.
    Or(Vec<Condition>),
    /// Not the condition.
    Not(Box<Condition>),
}

/// How deeply [`Condition::And`], [`Condition::Or`] and [`Condition::Not`] may nest: a selection
/// is evaluated recursively, so the depth is bounded before it runs, whoever built it.
pub const MAX_CONDITION_DEPTH: usize = 64;

impl Condition {
    fn check(&self) -> Result<()> {
        self.check_at(1)
    }

    fn check_at(&self, depth: usize) -> Result<()> {
        if depth > MAX_CONDITION_DEPTH {
            return Err(Error::BadRequest {
                code: "invalid_search_query",
                detail: format!("conditions nested more than {MAX_CONDITION_DEPTH} deep"),
            });
        }
        match self {
            Condition::Facet { facet, .. } if query::facet_index(facet).is_none() => {
                Err(unknown_facet(facet))
            }
            Condition::And(parts) | Condition::Or(parts) => {
                parts.iter().try_for_each(|part| part.check_at(depth + 1))
            }
            Condition::Not(inner) => inner.check_at(depth + 1),
            _ => Ok(()),
        }
    }
}

/// The order of a selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Relevance to [`Selection::text`] (quality and freshness without text).
    Relevance,
    /// Record's last change.
    Updated,
    /// Record's creation.
    Created,
    /// Slug.
    Name,
    /// Folded Vietnamese title.
    Title,
    /// Id.
    Id,
}

/// A selection.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Words that rank results in [`SortKey::Relevance`] order (they filter nothing: put them in
    /// the condition as [`Condition::Text`] too).
    pub text: String,
    /// What to keep.
    pub condition: Condition,
    /// Who is selecting.
    pub viewer: Viewer,
    /// Order.
    pub sort: SortKey,
    /// Ascending (smallest, oldest, A first); relevance is always best first.
    pub ascending: bool,
    /// Results skipped.
    pub offset: usize,
    /// Results wanted, at most [`MAX_SELECT`].
    pub limit: usize,
    /// Facets to count.
    pub facets: Vec<String>,
    /// Values listed per facet.
    pub facet_limit: usize,
}

/// The answer to a selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    /// Datasets kept in all.
    pub total: u64,
    /// The page, in order.
    pub ids: Vec<Uuid>,
    /// Counts per requested facet, most frequent first.
    pub facets: BTreeMap<String, Vec<FacetBucket>>,
}

fn unknown_facet(name: &str) -> Error {
    Error::BadRequest {
        code: "unknown_facet",
        detail: format!(
            "{name} [{}]",
            FACETS.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("search index: {e}"))
}

impl SearchIndex {
    /// Runs a selection.
    pub fn select(&self, selection: &Selection) -> Result<Selected> {
        if selection.limit > MAX_SELECT {
            return Err(Error::BadRequest {
                code: "page_out_of_range",
                detail: format!("limit={} (at most {MAX_SELECT})", selection.limit),
            });
        }
        selection.condition.check()?;
        if let Some(name) = selection
            .facets
            .iter()
            .find(|f| query::facet_index(f).is_none())
        {
            return Err(unknown_facet(name));
        }
        let searcher = self.reader.searcher();
        self.cache.retain(&searcher);
        let no_text = QueryText::default();
        let text = QueryText::parse(&selection.text)
            .settle_typos(&searcher, &self.fields)
            .map_err(internal)?;
        let plan = Plan {
            cache: &self.cache,
            fields: &self.fields,
            text: &no_text,
            mode: Mode::Search,
            relaxed: false,
            viewer: &selection.viewer,
            filters: &[],
        };
        let segments = searcher.segment_readers();
        let mut found: Vec<SegmentMatch> = Vec::with_capacity(segments.len());
        for (i, segment) in segments.iter().enumerate() {
            let mut matched = plan.segment(i as u32, segment).map_err(internal)?;
            let kept = self
                .condition_bits(&searcher, segment, &selection.condition)
                .map_err(internal)?;
            matched.base.intersect(&kept);
            if selection.sort == SortKey::Relevance && !text.is_empty() {
                matched.scoring = exec::word_clauses(segment, &self.fields, &text, Mode::Search)
                    .map_err(internal)?
                    .into_iter()
                    .flatten()
                    .collect();
                matched
                    .scoring
                    .extend(exec::pair_clauses(segment, &self.fields, &text).map_err(internal)?);
            }
            found.push(matched);
        }
        let counts: Vec<u64> = found.iter().map(|f| f.base.count()).collect();
        let total = counts.iter().sum();

        let mut facets = BTreeMap::new();
        for name in &selection.facets {
            let facet = query::facet_index(name).expect("checked");
            let mut per_segment = Vec::with_capacity(found.len());
            for (i, segment) in segments.iter().enumerate() {
                per_segment.push(
                    exec::count_facet(
                        &self.cache,
                        segment,
                        facet,
                        &found[i].base,
                        counts[i],
                        selection.facet_limit,
                    )
                    .map_err(internal)?,
                );
            }
            facets.insert(
                name.clone(),
                exec::merge_facet(per_segment, selection.facet_limit),
            );
        }

        let wanted = selection.offset.saturating_add(selection.limit);
        let page = if selection.limit == 0 || selection.offset >= total as usize {
            Vec::new()
        } else {
            self.order(&searcher, selection, &found, wanted)
                .map_err(internal)?
        };
        let ids = page
            .into_iter()
            .skip(selection.offset)
            .map(|address| {
                let column = segments[address.segment_ord as usize]
                    .fast_fields()
                    .str(ID_SORT)
                    .map_err(internal)?
                    .ok_or_else(|| internal("no id column"))?;
                let mut text = String::new();
                if let Some(ord) = column.ords().first(address.doc_id) {
                    column.ord_to_str(ord, &mut text).map_err(internal)?;
                }
                Uuid::parse_str(&text).map_err(internal)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Selected { total, ids, facets })
    }

    /// The first `wanted` matches in the selection's order.
    fn order(
        &self,
        searcher: &tantivy::Searcher,
        selection: &Selection,
        found: &[SegmentMatch],
        wanted: usize,
    ) -> tantivy::Result<Vec<DocAddress>> {
        let segments = searcher.segment_readers();
        match selection.sort {
            SortKey::Relevance => {
                let now = Utc::now().timestamp();
                let mut top: TopK<Score> = TopK::new(wanted);
                for (i, segment) in segments.iter().enumerate() {
                    exec::rank_by_relevance(
                        searcher,
                        &self.cache,
                        segment,
                        &found[i],
                        &found[i].base,
                        now,
                        self.exhaustive_below,
                        &mut top,
                    )?;
                }
                Ok(addresses(top.into_sorted()))
            }
            SortKey::Updated | SortKey::Created => {
                let column = if selection.sort == SortKey::Updated {
                    UPDATED
                } else {
                    CREATED
                };
                let sign = if selection.ascending { -1 } else { 1 };
                let mut top: TopK<i64> = TopK::new(wanted);
                for (i, segment) in segments.iter().enumerate() {
                    let values = segment.fast_fields().i64(column)?.first_or_default_col(0);
                    for doc in found[i].base.iter() {
                        top.push(sign * values.get_val(doc), i as u32, doc);
                    }
                }
                Ok(addresses(top.into_sorted()))
            }
            SortKey::Name | SortKey::Title | SortKey::Id => {
                let column = match selection.sort {
                    SortKey::Name => SLUG_SORT,
                    SortKey::Title => TITLE_SORT,
                    _ => ID_SORT,
                };
                let mut all: Vec<(String, u32, DocId)> = Vec::new();
                for (i, segment) in segments.iter().enumerate() {
                    all.extend(
                        texts_of(segment, column, &found[i].base, wanted, selection.ascending)?
                            .into_iter()
                            .map(|(text, doc)| (text, i as u32, doc)),
                    );
                }
                if selection.ascending {
                    all.sort();
                } else {
                    all.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
                }
                all.truncate(wanted);
                Ok(all
                    .into_iter()
                    .map(|(_, segment, doc)| DocAddress::new(segment, doc))
                    .collect())
            }
        }
    }

    /// The documents of a segment that meet `condition` (deleted and invisible ones included:
    /// the caller intersects with its base set).
    fn condition_bits(
        &self,
        searcher: &tantivy::Searcher,
        segment: &SegmentReader,
        condition: &Condition,
    ) -> tantivy::Result<DocBits> {
        let max_doc = segment.max_doc();
        let term = |field, text: &str| -> tantivy::Result<DocBits> {
            exec::union_of(&self.cache, segment, &[Term::from_field_text(field, text)])
        };
        Ok(match condition {
            Condition::All => DocBits::full(max_doc),
            Condition::Facet { facet, value } => {
                let index = query::facet_index(facet).expect("checked");
                let value = (FACETS[index].filter_value)(value);
                term(self.fields.facets[index].0, &value)?
            }
            Condition::Attribute(attribute) => term(self.fields.attributes, &attribute.term())?,
            Condition::Id(id) => term(self.fields.id, &id.to_string())?,
            Condition::Text(text) => {
                let text = QueryText::parse(text).settle_typos(searcher, &self.fields)?;
                let mut bits = DocBits::full(max_doc);
                for clauses in exec::word_clauses(segment, &self.fields, &text, Mode::Search)? {
                    let terms: Vec<Term> = clauses.into_iter().map(|c| c.term).collect();
                    bits.intersect(&exec::union_of(&self.cache, segment, &terms)?);
                }
                bits
            }
            Condition::Range { field, from, to } => {
                let column = match field {
                    TimeField::Created => CREATED,
                    TimeField::Updated => UPDATED,
                };
                let values = segment.fast_fields().i64(column)?.first_or_default_col(0);
                let from = from.map(|(at, inclusive)| (at.timestamp_micros(), inclusive));
                let to = to.map(|(at, inclusive)| (at.timestamp_micros(), inclusive));
                let mut bits = DocBits::empty(max_doc);
                for doc in 0..max_doc {
                    let value = values.get_val(doc);
                    let above = from.is_none_or(|(f, inc)| value > f || (inc && value == f));
                    let below = to.is_none_or(|(t, inc)| value < t || (inc && value == t));
                    if above && below {
                        bits.insert(doc);
                    }
                }
                bits
            }
            Condition::And(parts) => {
                let mut bits = DocBits::full(max_doc);
                for part in parts {
                    bits.intersect(&self.condition_bits(searcher, segment, part)?);
                }
                bits
            }
            Condition::Or(parts) => {
                let mut bits = DocBits::empty(max_doc);
                for part in parts {
                    bits.unite(&self.condition_bits(searcher, segment, part)?);
                }
                bits
            }
            Condition::Not(inner) => {
                let mut bits = DocBits::full(max_doc);
                bits.subtract(&self.condition_bits(searcher, segment, inner)?);
                bits
            }
        })
    }
}

fn addresses<K>(ranked: Vec<exec::Ranked<K>>) -> Vec<DocAddress> {
    ranked
        .into_iter()
        .map(|r| DocAddress::new(r.segment, r.doc))
        .collect()
}

/// The first `keep` documents of `docs` in the order of a string column (ascending or not,
/// then by document), with their texts (a document without a value has the empty text). The
/// order comes from the column's term ordinals; only the kept documents' texts are read, in one
/// pass over its dictionary.
fn texts_of(
    segment: &SegmentReader,
    column: &str,
    docs: &DocBits,
    keep: usize,
    ascending: bool,
) -> tantivy::Result<Vec<(String, DocId)>> {
    let column = segment.fast_fields().str(column)?;
    let mut ranked: Vec<(Option<u64>, DocId)> = docs
        .iter()
        .map(|doc| (column.as_ref().and_then(|c| c.ords().first(doc)), doc))
        .collect();
    let order = |a: &(Option<u64>, DocId), b: &(Option<u64>, DocId)| {
        let by_text = if ascending {
            a.0.cmp(&b.0)
        } else {
            b.0.cmp(&a.0)
        };
        by_text.then(a.1.cmp(&b.1))
    };
    if keep < ranked.len() {
        ranked.select_nth_unstable_by(keep, order);
        ranked.truncate(keep);
    }
    ranked.sort_unstable_by(order);
    let mut ords: Vec<u64> = ranked.iter().filter_map(|(ord, _)| *ord).collect();
    ords.sort_unstable();
    ords.dedup();
    let mut texts = Vec::with_capacity(ords.len());
    if let Some(column) = &column {
        column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
            texts.push(String::from_utf8_lossy(bytes).into_owned())
        })?;
    }
    Ok(ranked
        .into_iter()
        .map(|(ord, doc)| {
            let text = ord
                .and_then(|ord| ords.binary_search(&ord).ok())
                .and_then(|i| texts.get(i).cloned())
                .unwrap_or_default();
            (text, doc)
        })
        .collect())
}
