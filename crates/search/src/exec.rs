//! Query execution, segment by segment.
//!
//! A search needs three things over possibly hundreds of thousands of matching datasets: the exact
//! total, facet counts, and the best page. Scoring every match would cost milliseconds per
//! hundred thousand, so the work is split:
//!
//! 1. **Match set.** Each query word's postings (every field and form it is looked up in, plus
//!    one-typo variants found in the term dictionary) are unioned into a bitset; the words' bitsets
//!    are intersected (united when relaxed), then intersected with the visibility and filter
//!    bitsets and the live documents. The total is a popcount.
//! 2. **Facets** are counted by walking the set bits over per-segment arrays of term ordinals built
//!    once per segment and cached (several values of a document counted at once, without a branch
//!    on how many it has), or for facets with few values by a popcount per value.
//! 3. **The page** comes from MaxScore over the weighted terms, in a segment sorted best-placed
//!    first: each term's highest score in the segment bounds what it can add, the page's lowest
//!    score divided by a document's quality-and-freshness ceiling is what the document needs, and
//!    only the documents of terms that could make up that need are visited (see
//!    [`rank_by_relevance`]).

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use multiversion::multiversion;
use tantivy::columnar::{Cardinality, StrColumn};
use tantivy::index::SegmentId;
use tantivy::postings::Postings;
use tantivy::query::{Bm25Weight, EnableScoring, Query, Scorer, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    COLLECT_BLOCK_BUFFER_LEN, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term,
};

use crate::facets::{self, FACETS, FacetBucket};
use crate::query::{QueryText, Viewer};
use crate::rank;
use crate::schema::{BOOST, CEILING, Fields, MODIFIED, POPULARITY, TITLE_SORT};

/// A set of documents of one segment.
#[derive(Clone)]
pub(crate) struct DocBits {
    blocks: Vec<u64>,
    max_doc: u32,
}

impl DocBits {
    /// A set of `max_doc` documents, each block `fill`.
    fn filled(max_doc: u32, fill: u64) -> Self {
        Self {
            blocks: vec![fill; (max_doc as usize).div_ceil(64)],
            max_doc,
        }
    }

    pub fn empty(max_doc: u32) -> Self {
        Self::filled(max_doc, 0)
    }

    pub fn full(max_doc: u32) -> Self {
        let mut bits = Self::filled(max_doc, u64::MAX);
        let tail = max_doc % 64;
        if tail != 0
            && let Some(last) = bits.blocks.last_mut()
        {
            *last = (1u64 << tail) - 1;
        }
        bits
    }

    pub fn insert(&mut self, doc: DocId) {
        self.blocks[(doc / 64) as usize] |= 1 << (doc % 64);
    }

    pub fn contains(&self, doc: DocId) -> bool {
        doc < self.max_doc && self.blocks[(doc / 64) as usize] & (1 << (doc % 64)) != 0
    }

    pub fn intersect(&mut self, other: &DocBits) {
        for (a, b) in self.blocks.iter_mut().zip(&other.blocks) {
            *a &= b;
        }
    }

    /// The union of `sets` (each of `max_doc` documents), built a few thousand blocks at a time
    /// so that each part of the result is written once and stays in cache while the sets are
    /// added to it.
    pub fn union_all(sets: &[Arc<DocBits>], max_doc: u32) -> Self {
        const CHUNK: usize = 1024;
        let len = (max_doc as usize).div_ceil(64);
        let mut blocks = Vec::with_capacity(len);
        for start in (0..len).step_by(CHUNK) {
            let end = (start + CHUNK).min(len);
            match sets.split_first() {
                None => blocks.resize(end, 0),
                Some((first, rest)) => {
                    blocks.extend_from_slice(&first.blocks[start..end]);
                    let part = &mut blocks[start..end];
                    for set in rest {
                        for (a, b) in part.iter_mut().zip(&set.blocks[start..end]) {
                            *a |= b;
                        }
                    }
                }
            }
        }
        Self { blocks, max_doc }
    }

    pub fn unite(&mut self, other: &DocBits) {
        for (a, b) in self.blocks.iter_mut().zip(&other.blocks) {
            *a |= b;
        }
    }

    /// Removes the documents of `other`.
    pub fn subtract(&mut self, other: &DocBits) {
        for (a, b) in self.blocks.iter_mut().zip(&other.blocks) {
            *a &= !b;
        }
    }

    pub fn count(&self) -> u64 {
        popcount(&self.blocks)
    }

    /// The number of documents in both sets.
    pub fn count_common(&self, other: &DocBits) -> u64 {
        popcount_common(&self.blocks, &other.blocks)
    }

    /// The first document at or after `doc`.
    pub fn next_from(&self, doc: DocId) -> Option<DocId> {
        let first = (doc / 64) as usize;
        let block = self.blocks.get(first)? & (u64::MAX << (doc % 64));
        if block != 0 {
            return Some(first as u32 * 64 + block.trailing_zeros());
        }
        self.blocks[first + 1..]
            .iter()
            .position(|b| *b != 0)
            .map(|i| (first + 1 + i) as u32 * 64 + self.blocks[first + 1 + i].trailing_zeros())
    }

    /// Calls `f` for each document, in order (inlined, so that in counting loops compiled for
    /// newer CPUs it is compiled for them too).
    #[inline(always)]
    pub fn for_each(&self, mut f: impl FnMut(DocId)) {
        for (i, &block) in self.blocks.iter().enumerate() {
            let mut rest = block;
            while rest != 0 {
                f(i as u32 * 64 + rest.trailing_zeros());
                rest &= rest - 1;
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = DocId> + '_ {
        self.blocks.iter().enumerate().flat_map(|(i, block)| {
            let mut rest = *block;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                Some(i as u32 * 64 + bit)
            })
        })
    }
}

// The loops that read whole bitsets and facet columns are also compiled for newer x86-64 CPUs
// (hardware popcount; AVX2 and BMI), the best the CPU has being picked when first called.

/// The number of bits set.
#[multiversion(targets("x86_64+avx2+bmi1+bmi2+lzcnt+popcnt", "x86_64+popcnt"))]
fn popcount(blocks: &[u64]) -> u64 {
    blocks.iter().map(|b| u64::from(b.count_ones())).sum()
}

/// The number of bits set in both.
#[multiversion(targets("x86_64+avx2+bmi1+bmi2+lzcnt+popcnt", "x86_64+popcnt"))]
fn popcount_common(a: &[u64], b: &[u64]) -> u64 {
    a.iter()
        .zip(b)
        .map(|(a, b)| u64::from((a & b).count_ones()))
        .sum()
}

/// A weighted term.
#[derive(Clone, Debug)]
pub(crate) struct Clause {
    pub term: Term,
    pub boost: Score,
}

fn clause(field: Field, text: &str, boost: Score) -> Clause {
    Clause {
        term: Term::from_field_text(field, text),
        boost,
    }
}

/// How the text of a query is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The full search: every field and form, typos, word pairs.
    Search,
    /// Titles only, the last word as a prefix (autocomplete).
    Suggest,
}

/// Longest list of terms a typed prefix expands to (the most frequent are kept).
const PREFIX_EXPANSIONS: usize = 50;

/// The automaton builder for one edit (substitution, insertion, deletion or swap); costly to
/// build, so built once.
fn one_edit() -> &'static LevenshteinAutomatonBuilder {
    static BUILDER: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    BUILDER.get_or_init(|| LevenshteinAutomatonBuilder::new(1, true))
}

/// A Levenshtein DFA walked over the term dictionary.
struct Typos(DFA);

impl tantivy_fst::Automaton for Typos {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// Terms of `field` in this segment one edit away from `word` (not `word` itself).
fn typo_terms(segment: &SegmentReader, field: Field, word: &str) -> tantivy::Result<Vec<String>> {
    let index = segment.inverted_index(field)?;
    let mut stream = index
        .terms()
        .search(Typos(one_edit().build_dfa(word)))
        .into_stream()?;
    let mut found = Vec::new();
    while stream.advance() {
        if stream.key() != word.as_bytes()
            && let Ok(text) = std::str::from_utf8(stream.key())
        {
            found.push(text.to_string());
        }
    }
    Ok(found)
}

/// The most frequent terms of `field` in this segment that begin with `prefix`.
fn prefix_terms(
    segment: &SegmentReader,
    field: Field,
    prefix: &str,
) -> tantivy::Result<Vec<String>> {
    let index = segment.inverted_index(field)?;
    let upper = format!("{prefix}\u{10FFFF}");
    let mut stream = index
        .terms()
        .range()
        .ge(prefix.as_bytes())
        .lt(upper.as_bytes())
        .into_stream()?;
    let mut found: Vec<(u32, String)> = Vec::new();
    while stream.advance() {
        if let Ok(text) = std::str::from_utf8(stream.key()) {
            found.push((stream.value().doc_freq, text.to_string()));
        }
    }
    found.sort_unstable_by_key(|(freq, _)| std::cmp::Reverse(*freq));
    found.truncate(PREFIX_EXPANSIONS);
    Ok(found.into_iter().map(|(_, t)| t).collect())
}

/// The weighted terms each query word is looked up as, in one segment (see the table in
/// [`crate::query`]); terms absent from the segment are left out.
pub(crate) fn word_clauses(
    segment: &SegmentReader,
    fields: &Fields,
    text: &QueryText,
    mode: Mode,
) -> tantivy::Result<Vec<Vec<Clause>>> {
    let last = text.words.len().saturating_sub(1);
    let mut all = Vec::with_capacity(text.words.len());
    for (i, word) in text.words.iter().enumerate() {
        let mut clauses = Vec::new();
        match mode {
            Mode::Search => {
                // A word typed with its accents means that word: its exact form dominates.
                let (folded_weight, exact_weight) = if word.exact == word.folded {
                    (1.0, 1.5)
                } else {
                    (0.5, 6.0)
                };
                clauses.push(clause(fields.title, &word.folded, 3.0 * folded_weight));
                clauses.push(clause(fields.title_exact, &word.exact, exact_weight));
                clauses.push(clause(fields.text, &word.folded, folded_weight));
                if !word.stem.is_empty() {
                    clauses.push(clause(fields.title_en, &word.stem, 2.0));
                    clauses.push(clause(fields.text_en, &word.stem, 0.5));
                }
                // Typos are looked for only in words typed without accents (a Vietnamese
                // syllable typed with its accents is deliberate, and one edit away lies another
                // word: `nghiệp`, `nghiệm`), and not in common words (see `QueryWord::typos`).
                if word.typos {
                    for (field, boost) in [(fields.title, 0.3), (fields.text, 0.1)] {
                        for typo in typo_terms(segment, field, &word.folded)? {
                            clauses.push(clause(field, &typo, boost));
                        }
                    }
                }
            }
            Mode::Suggest => {
                if i == last && text.last_is_prefix {
                    for term in prefix_terms(segment, fields.title, &word.folded)? {
                        clauses.push(clause(fields.title, &term, 1.0));
                    }
                } else {
                    clauses.push(clause(fields.title, &word.folded, 1.0));
                }
            }
        }
        let mut present = Vec::with_capacity(clauses.len());
        for c in clauses {
            if exists(segment, &c.term)? {
                present.push(c);
            }
        }
        all.push(present);
    }
    Ok(all)
}

/// Adjacent-word pair terms present in the segment.
pub(crate) fn pair_clauses(
    segment: &SegmentReader,
    fields: &Fields,
    text: &QueryText,
) -> tantivy::Result<Vec<Clause>> {
    let mut clauses = Vec::new();
    for pair in text.words.windows(2) {
        let joined = crate::analyzer::pair_term(&pair[0].folded, &pair[1].folded);
        for c in [
            clause(fields.title_pairs, &joined, 4.0),
            clause(fields.text_pairs, &joined, 1.5),
        ] {
            if exists(segment, &c.term)? {
                clauses.push(c);
            }
        }
    }
    Ok(clauses)
}

fn exists(segment: &SegmentReader, term: &Term) -> tantivy::Result<bool> {
    Ok(segment
        .inverted_index(term.field())?
        .get_term_info(term)?
        .is_some())
}

/// Adds the documents of `term` to `bits`.
fn add_postings(segment: &SegmentReader, term: &Term, bits: &mut DocBits) -> tantivy::Result<()> {
    let index = segment.inverted_index(term.field())?;
    if let Some(mut postings) = index.read_postings(term, IndexRecordOption::Basic)? {
        let mut buffer = [0 as DocId; COLLECT_BLOCK_BUFFER_LEN];
        loop {
            let n = postings.fill_buffer(&mut buffer);
            for doc in &buffer[..n] {
                bits.insert(*doc);
            }
            if n < COLLECT_BLOCK_BUFFER_LEN {
                break;
            }
        }
    }
    Ok(())
}

pub(crate) fn union_of(
    cache: &SegmentCache,
    segment: &SegmentReader,
    terms: &[Term],
) -> tantivy::Result<DocBits> {
    let mut cached = Vec::new();
    let mut others = Vec::new();
    for term in terms {
        match cache.term_bits(segment, term)? {
            Some(bits) => cached.push(bits),
            None => others.push(term),
        }
    }
    let mut bits = DocBits::union_all(&cached, segment.max_doc());
    for term in others {
        add_postings(segment, term, &mut bits)?;
    }
    Ok(bits)
}

/// Keeps in `bits` only the documents of one of `terms` (without building their union when one
/// term's cached bitset is all there is to it).
pub(crate) fn intersect_union(
    cache: &SegmentCache,
    segment: &SegmentReader,
    terms: &[Term],
    bits: &mut DocBits,
) -> tantivy::Result<()> {
    if let [term] = terms
        && let Some(cached) = cache.term_bits(segment, term)?
    {
        bits.intersect(&cached);
        return Ok(());
    }
    bits.intersect(&union_of(cache, segment, terms)?);
    Ok(())
}

/// What a search asks of every segment.
pub(crate) struct Plan<'a> {
    pub cache: &'a SegmentCache,
    pub fields: &'a Fields,
    pub text: &'a QueryText,
    pub mode: Mode,
    pub relaxed: bool,
    pub viewer: &'a Viewer,
    /// Per filtered facet: (facet index, accepted values).
    pub filters: &'a [(usize, Vec<String>)],
}

/// One segment's share of a search: the match set without facet filters, each filter's set, and
/// the weighted terms for scoring.
pub(crate) struct SegmentMatch {
    pub ordinal: u32,
    /// Text ∧ visibility ∧ live documents.
    pub base: DocBits,
    /// Per entry of `Plan::filters`, the documents with one of the accepted values.
    pub filters: Vec<DocBits>,
    /// Everything the score adds up.
    pub scoring: Vec<Clause>,
}

impl SegmentMatch {
    /// Documents matching everything but the filter at `except`.
    pub fn matching(&self, except: Option<usize>) -> DocBits {
        let mut bits = self.base.clone();
        for (i, filter) in self.filters.iter().enumerate() {
            if Some(i) != except {
                bits.intersect(filter);
            }
        }
        bits
    }
}

impl Plan<'_> {
    /// Evaluates the plan on one segment.
    pub fn segment(&self, ordinal: u32, segment: &SegmentReader) -> tantivy::Result<SegmentMatch> {
        let max_doc = segment.max_doc();
        let mut base: Option<DocBits> = None;
        let mut scoring = Vec::new();
        if !self.text.is_empty() {
            let words = word_clauses(segment, self.fields, self.text, self.mode)?;
            for clauses in &words {
                let terms: Vec<Term> = clauses.iter().map(|c| c.term.clone()).collect();
                base = Some(match base {
                    None => union_of(self.cache, segment, &terms)?,
                    Some(mut text) if self.relaxed => {
                        text.unite(&union_of(self.cache, segment, &terms)?);
                        text
                    }
                    Some(mut text) => {
                        intersect_union(self.cache, segment, &terms, &mut text)?;
                        text
                    }
                });
            }
            scoring = words.into_iter().flatten().collect();
            // Adjacent words as typed rank their pair first, in suggestions too (`bo tai` →
            // `Bộ Tài chính` before `Bộ Giao thông vận tải`).
            scoring.extend(pair_clauses(segment, self.fields, self.text)?);
        }
        let mut base = base.unwrap_or_else(|| DocBits::full(max_doc));
        if !self.viewer.sees_all {
            let mut allowed = vec![Term::from_field_text(
                self.fields.visible_to,
                crate::query::PUBLIC,
            )];
            allowed.extend(self.viewer.organizations.iter().map(|o| {
                Term::from_field_text(
                    self.fields.visible_to,
                    &crate::query::organization_visibility(*o),
                )
            }));
            intersect_union(self.cache, segment, &allowed, &mut base)?;
        }
        if let Some(alive) = self.cache.alive(segment) {
            base.intersect(&alive);
        }
        let mut filters = Vec::with_capacity(self.filters.len());
        for (facet, values) in self.filters {
            let field = self.fields.facets[*facet].0;
            let terms: Vec<Term> = values
                .iter()
                .map(|v| Term::from_field_text(field, v))
                .collect();
            filters.push(union_of(self.cache, segment, &terms)?);
        }
        Ok(SegmentMatch {
            ordinal,
            base,
            filters,
            scoring,
        })
    }
}

/// A ranked document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ranked<K> {
    pub key: K,
    pub segment: u32,
    pub doc: DocId,
}

/// The order of results: higher key first, then earlier segment and document.
fn better<K: PartialOrd>(a: &Ranked<K>, b: &Ranked<K>) -> Ordering {
    b.key
        .partial_cmp(&a.key)
        .unwrap_or(Ordering::Equal)
        .then_with(|| (a.segment, a.doc).cmp(&(b.segment, b.doc)))
}

struct HeapEntry<K>(Ranked<K>);

impl<K: PartialOrd> PartialEq for HeapEntry<K> {
    fn eq(&self, other: &Self) -> bool {
        better(&self.0, &other.0) == Ordering::Equal
    }
}
impl<K: PartialOrd> Eq for HeapEntry<K> {}
impl<K: PartialOrd> PartialOrd for HeapEntry<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<K: PartialOrd> Ord for HeapEntry<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        // The heap's top is the worst entry kept.
        better(&self.0, &other.0)
    }
}

/// The best `k` documents by key.
pub(crate) struct TopK<K> {
    k: usize,
    heap: BinaryHeap<HeapEntry<K>>,
}

impl<K: PartialOrd + Copy> TopK<K> {
    pub fn new(k: usize) -> Self {
        Self {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
        }
    }

    pub fn push(&mut self, key: K, segment: u32, doc: DocId) {
        if self.k == 0 {
            return;
        }
        let entry = HeapEntry(Ranked { key, segment, doc });
        if self.heap.len() < self.k {
            self.heap.push(entry);
        } else if let Some(worst) = self.heap.peek()
            && better(&entry.0, &worst.0) == Ordering::Less
        {
            self.heap.pop();
            self.heap.push(entry);
        }
    }

    /// The worst key kept, once `k` are kept.
    pub fn floor(&self) -> Option<K> {
        (self.heap.len() == self.k)
            .then(|| self.heap.peek().map(|e| e.0.key))
            .flatten()
    }

    pub fn into_sorted(self) -> Vec<Ranked<K>> {
        let mut all: Vec<Ranked<K>> = self.heap.into_iter().map(|e| e.0).collect();
        all.sort_by(better);
        all
    }
}

/// Below this many matches in a segment, each is scored directly, without bounds (the default of
/// `exhaustive_below`).
pub(crate) const EXHAUSTIVE_MATCHES: u64 = 4096;

/// Each document's relevance factors in a segment, read once from the fast columns into plain
/// arrays (a column read decodes bits, and ranking reads one per visited document).
pub(crate) struct RankFactors {
    /// Each document's quality × freshness multiplier at [`RankFactors::at`].
    multipliers: Vec<Score>,
    /// Each document's ceiling (see [`CEILING`]).
    ceilings: Vec<Score>,
}

/// Seconds a segment's multipliers are worked out for at once: freshness halves in a year, so
/// an hour moves it by less than a ten-thousandth.
const FACTORS_PERIOD: i64 = 3600;

impl RankFactors {
    /// The time multipliers are worked out for when searching at `now`: the end of its hour (never
    /// before a document was indexed, so a multiplier stays within its ceiling).
    fn at(now: i64) -> i64 {
        (now.div_euclid(FACTORS_PERIOD) + 1) * FACTORS_PERIOD
    }

    /// Reads a segment's columns.
    fn read(segment: &SegmentReader, at: i64) -> tantivy::Result<Self> {
        let fast = segment.fast_fields();
        let boost = fast.f64(BOOST)?.first_or_default_col(1.0);
        let modified = fast.i64(MODIFIED)?.first_or_default_col(at);
        let ceiling = fast
            .f64(CEILING)?
            .first_or_default_col(rank::MAX_MULTIPLIER);
        let docs = 0..segment.max_doc();
        let ceilings: Vec<Score> = docs
            .clone()
            .map(|doc| ceiling.get_val(doc).clamp(1.0, rank::MAX_MULTIPLIER) as Score)
            .collect();
        let multipliers = docs
            .map(|doc| {
                let multiplier = boost.get_val(doc) * rank::freshness(at - modified.get_val(doc));
                (multiplier as Score).min(ceilings[doc as usize])
            })
            .collect();
        Ok(Self {
            multipliers,
            ceilings,
        })
    }

    fn bytes(&self) -> usize {
        4 * (self.multipliers.len() + self.ceilings.len())
    }
}

/// A weighted term's scorer in one segment, and the highest score it gives any document there.
struct ClauseScorer {
    scorer: Box<dyn Scorer>,
    bound: Score,
}

impl ClauseScorer {
    /// Moves to the first document of the term at or after `doc` (never backwards).
    fn seek_to(&mut self, doc: DocId) -> DocId {
        if self.scorer.doc() < doc {
            self.scorer.seek(doc);
        }
        self.scorer.doc()
    }

    /// The term's score in `doc`, 0 when `doc` does not have it.
    fn score_at(&mut self, doc: DocId) -> Score {
        if self.seek_to(doc) == doc {
            self.scorer.score()
        } else {
            0.0
        }
    }
}

/// The scorers of a segment's weighted terms, with their bounds when a `cache` is given (else 0);
/// each clause's BM25 weight is the one tantivy's `TermQuery` uses, so scores are the same as
/// through a query.
fn clause_scorers(
    searcher: &Searcher,
    cache: Option<&SegmentCache>,
    segment: &SegmentReader,
    clauses: &[Clause],
) -> tantivy::Result<Vec<ClauseScorer>> {
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    clauses
        .iter()
        .map(|c| {
            let bound = match cache {
                Some(cache) => {
                    let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(&c.term))?
                        .boost_by(c.boost);
                    cache
                        .score_frontier(segment, &c.term)?
                        .iter()
                        .map(|&(fieldnorm_id, term_freq)| weight.score(fieldnorm_id, term_freq))
                        .fold(0.0, Score::max)
                }
                None => 0.0,
            };
            let scorer = TermQuery::new(c.term.clone(), IndexRecordOption::WithFreqs)
                .weight(scoring)?
                .scorer(segment, c.boost)?;
            Ok(ClauseScorer { scorer, bound })
        })
        .collect()
}

/// The text score of `doc` (scorers only move forward: documents come in increasing order).
fn text_score(scorers: &mut [ClauseScorer], doc: DocId) -> Score {
    scorers.iter_mut().map(|c| c.score_at(doc)).sum()
}

/// The (field length, term frequency) pairs that can give a term its highest BM25 score in a
/// segment, whatever the weight: for each length the highest frequency, keeping only those above
/// every shorter length's (a shorter field with as many occurrences scores at least as high).
fn score_frontier(segment: &SegmentReader, term: &Term) -> tantivy::Result<Vec<(u8, u32)>> {
    let index = segment.inverted_index(term.field())?;
    let Some(mut postings) = index.read_postings(term, IndexRecordOption::WithFreqs)? else {
        return Ok(Vec::new());
    };
    let norms = segment.get_fieldnorms_reader(term.field())?;
    let mut highest = [0u32; 256];
    while postings.doc() != TERMINATED {
        let id = usize::from(norms.fieldnorm_id(postings.doc()));
        highest[id] = highest[id].max(postings.term_freq());
        postings.advance();
    }
    let mut frontier = Vec::new();
    let mut best = 0;
    for (id, &freq) in highest.iter().enumerate() {
        if freq > best {
            best = freq;
            frontier.push((id as u8, freq));
        }
    }
    Ok(frontier)
}

/// Ranks a segment's matches by relevance into `top`.
///
/// Documents come in descending order of their [`CEILING`] (the largest quality × freshness they
/// can have), and each weighted term has a bound: the highest score it gives any document of the
/// segment. A document after `d` must reach a text score of `floor / ceiling(d)` (`floor` being
/// the page's lowest score so far) to enter the page, a need that only grows along the segment.
/// The terms whose bounds add up to less than that cannot lift a document into the page on their
/// own, so only the documents of the other terms are visited (MaxScore); as the need grows the
/// visited terms narrow to the rare, heavily weighted ones (the title's word pair), until no term
/// is left. A segment with fewer than `exhaustive_below` matches (narrow filters) has each match
/// scored directly.
#[allow(clippy::too_many_arguments)]
pub(crate) fn rank_by_relevance(
    searcher: &Searcher,
    cache: &SegmentCache,
    segment: &SegmentReader,
    found: &SegmentMatch,
    matches: &DocBits,
    now: i64,
    exhaustive_below: u64,
    top: &mut TopK<Score>,
) -> tantivy::Result<()> {
    let factors = cache.rank_factors(segment, now)?;
    let multiplier = |doc: DocId| factors.multipliers[doc as usize];
    let ceiling_of = |doc: DocId| factors.ceilings[doc as usize];
    if found.scoring.is_empty() {
        // Without text the score is the multiplier itself, at most the ceiling.
        for doc in matches.iter() {
            if top.floor().is_some_and(|floor| floor >= ceiling_of(doc)) {
                break;
            }
            top.push(multiplier(doc), found.ordinal, doc);
        }
        return Ok(());
    }
    if matches.count() < exhaustive_below {
        let mut scorers = clause_scorers(searcher, None, segment, &found.scoring)?;
        for doc in matches.iter() {
            let score = text_score(&mut scorers, doc);
            top.push(score * multiplier(doc), found.ordinal, doc);
        }
        return Ok(());
    }
    let mut scorers = clause_scorers(searcher, Some(cache), segment, &found.scoring)?;
    // Lowest bounds first: `reach[i]` is the most the first i + 1 terms add up to.
    scorers.sort_by(|a, b| a.bound.total_cmp(&b.bound));
    let reach: Vec<Score> = scorers
        .iter()
        .scan(0.0, |sum, c| {
            *sum += c.bound;
            Some(*sum)
        })
        .collect();
    let max_doc = segment.max_doc();
    let mut next: DocId = 0;
    // The terms that cannot lift a document from `next` on into the page by themselves (the
    // first `weak` ones), worked out again when the page's floor rises or every few hundred
    // documents: in between, the ceiling used is an earlier document's, at least as high.
    let mut weak = 0;
    let mut settled: Option<(Score, DocId)> = None;
    while next < max_doc {
        if let Some(floor) = top.floor()
            && settled.is_none_or(|(at_floor, at)| at_floor != floor || next >= at + 256)
        {
            let ceiling = ceiling_of(next);
            weak = reach.iter().take_while(|r| **r * ceiling <= floor).count();
            settled = Some((floor, next));
        }
        let Some(candidate) = scorers[weak..]
            .iter_mut()
            .map(|c| c.seek_to(next))
            .min()
            .filter(|doc| *doc < max_doc)
        else {
            return Ok(());
        };
        if !matches.contains(candidate) {
            // Straight to the next match (filters can leave few among the terms' documents).
            match matches.next_from(candidate) {
                Some(doc) => next = doc,
                None => return Ok(()),
            }
            continue;
        }
        let multiplier = multiplier(candidate);
        if let Some(score) = score_candidate(&mut scorers, &reach, weak, candidate, |score| {
            top.floor().is_none_or(|floor| score * multiplier > floor)
        }) {
            top.push(score * multiplier, found.ordinal, candidate);
        }
        next = candidate + 1;
    }
    Ok(())
}

/// The text score of `candidate`, on which the scorers from `weak` on stand, when it `can_enter`
/// the page: their scores first, then the weak terms', heaviest first, as long as what is left
/// could still make a difference (`reach[i]`: the most the first i + 1 terms add up to).
fn score_candidate(
    scorers: &mut [ClauseScorer],
    reach: &[Score],
    weak: usize,
    candidate: DocId,
    can_enter: impl Fn(Score) -> bool,
) -> Option<Score> {
    let mut score = text_score(&mut scorers[weak..], candidate);
    for i in (0..weak).rev() {
        if !can_enter(score + reach[i]) {
            return None;
        }
        score += scorers[i].score_at(candidate);
    }
    can_enter(score).then_some(score)
}

/// Ranks a segment's matches by a numeric fast column, highest first.
pub(crate) fn rank_by_number(
    segment: &SegmentReader,
    ordinal: u32,
    matches: &DocBits,
    column: &str,
    top: &mut TopK<i64>,
) -> tantivy::Result<()> {
    let fast = segment.fast_fields();
    let values: Box<dyn Fn(DocId) -> i64> = if column == POPULARITY {
        let c = fast.u64(POPULARITY)?.first_or_default_col(0);
        Box::new(move |doc| i64::try_from(c.get_val(doc)).unwrap_or(i64::MAX))
    } else {
        let c = fast.i64(MODIFIED)?.first_or_default_col(0);
        Box::new(move |doc| c.get_val(doc))
    };
    for doc in matches.iter() {
        top.push(values(doc), ordinal, doc);
    }
    Ok(())
}

/// Ranks a segment's matches by folded title, A to Z: the `k` first titles of the segment.
pub(crate) fn rank_by_title(
    segment: &SegmentReader,
    ordinal: u32,
    matches: &DocBits,
    k: usize,
) -> tantivy::Result<Vec<(String, u32, DocId)>> {
    let Some(column) = segment.fast_fields().str(TITLE_SORT)? else {
        return Ok(Vec::new());
    };
    // Term ordinals follow the text order within a segment: keep the k smallest.
    let mut top: TopK<i64> = TopK::new(k);
    for doc in matches.iter() {
        let ord = column.ords().first(doc).unwrap_or(u64::MAX);
        top.push(-(ord.min(i64::MAX as u64) as i64), ordinal, doc);
    }
    let mut out = Vec::new();
    let mut text = String::new();
    for ranked in top.into_sorted() {
        let ord = (-ranked.key) as u64;
        text.clear();
        if ord != i64::MAX as u64 {
            column.ord_to_str(ord, &mut text)?;
        }
        out.push((text.clone(), ranked.segment, ranked.doc));
    }
    Ok(out)
}

/// Facets with at most this many values in a segment also keep one bitset per value.
const FACET_BITSET_VALUES: usize = 32;

/// The facet values (term ordinals) of every document of a segment, read once from the column
/// so counting is plain array indexing; for facets with few values, also each value's documents
/// as a bitset, so counting a large match set is a popcount per value.
struct FacetValues {
    /// The column's entries (value and labels), by term ordinal.
    entries: Vec<Arc<str>>,
    per_doc: PerDoc,
    per_value: Option<Vec<DocBits>>,
    /// The value with the most documents, for a single-valued column with value bitsets (its
    /// count is derived from the others').
    most_common: Option<usize>,
}

enum PerDoc {
    /// Exactly one value per document.
    Dense(Ords),
    /// Any number per document: where each document's values start in a flat list, and how
    /// many values of a document are counted at once (see [`count_multi`]).
    Multi {
        starts: Starts,
        ords: Ords,
        width: Width,
    },
}

/// Values of a document counted at once, without a branch on how many it has (a branch that,
/// taken or not at random, costs more than the counting): the most a document of the segment has,
/// rounded up to a power of two, at most [`COUNT_WIDTH`].
#[derive(Clone, Copy)]
enum Width {
    Two,
    Four,
    Eight,
}

impl Width {
    fn for_most(values: usize) -> Self {
        match values {
            0..=2 => Width::Two,
            3..=4 => Width::Four,
            _ => Width::Eight,
        }
    }
}

/// Term ordinals, two bytes each when the column has at most 65,536 values (counting reads every
/// match's ordinals: halving them halves the memory read), followed by [`COUNT_WIDTH`] zeros so
/// that counting may read that many from any document's first value.
enum Ords {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

/// The widest count of values at once ([`Width::Eight`]); documents with more take several.
const COUNT_WIDTH: usize = 8;

impl Ords {
    fn new(mut ords: Vec<u32>, values: usize) -> Self {
        ords.extend([0; COUNT_WIDTH]);
        if values <= usize::from(u16::MAX) + 1 {
            Ords::Narrow(ords.into_iter().map(|o| o as u16).collect())
        } else {
            Ords::Wide(ords)
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Ords::Narrow(v) => 2 * v.len(),
            Ords::Wide(v) => 4 * v.len(),
        }
    }
}

/// Where each document's values start in the flat list of a multi-valued column (document
/// `doc`'s are `start(doc)..start(doc + 1)`): a base per block of 64 documents and two bytes past
/// it per document, half the memory that counting reads for every match; four-byte offsets only
/// when a block of documents has 65,536 values or more.
enum Starts {
    Narrow { bases: Vec<u32>, within: Vec<u16> },
    Wide(Vec<u32>),
}

impl Starts {
    /// From the offsets of documents `0..=max_doc` (the last one the end of the list).
    fn new(offsets: Vec<u32>) -> Self {
        let bases: Vec<u32> = offsets.iter().step_by(64).copied().collect();
        let within: Option<Vec<u16>> = offsets
            .iter()
            .enumerate()
            .map(|(doc, start)| u16::try_from(start - bases[doc / 64]).ok())
            .collect();
        match within {
            Some(within) => Starts::Narrow { bases, within },
            None => Starts::Wide(offsets),
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Starts::Narrow { bases, within } => 4 * bases.len() + 2 * within.len(),
            Starts::Wide(offsets) => 4 * offsets.len(),
        }
    }
}

/// The range of a document's values in a flat list.
trait ValueRange {
    fn range(&self, doc: usize) -> (usize, usize);
}

impl ValueRange for (&[u32], &[u16]) {
    #[inline(always)]
    fn range(&self, doc: usize) -> (usize, usize) {
        let (bases, within) = *self;
        let at = |doc: usize| bases[doc / 64] as usize + usize::from(within[doc]);
        (at(doc), at(doc + 1))
    }
}

impl ValueRange for &[u32] {
    #[inline(always)]
    fn range(&self, doc: usize) -> (usize, usize) {
        (self[doc] as usize, self[doc + 1] as usize)
    }
}

/// Deciding the form per document (where counting does it once per column).
impl ValueRange for Starts {
    fn range(&self, doc: usize) -> (usize, usize) {
        match self {
            Starts::Narrow { bases, within } => (bases.as_slice(), within.as_slice()).range(doc),
            Starts::Wide(offsets) => offsets.as_slice().range(doc),
        }
    }
}

/// Calls `f(doc, ord)` for each document of `matches` and its one value.
#[inline(always)]
fn walk_dense<T: Copy + Into<u32>>(
    values: &[T],
    matches: &DocBits,
    f: &mut impl FnMut(DocId, u32),
) {
    matches.for_each(|doc| f(doc, values[doc as usize].into()));
}

/// Adds the values of the documents of `matches` into `counts`, `WIDTH` values of each document
/// at a time, those past its last adding zero.
#[inline(always)]
fn count_multi<T: Copy + Into<u32>, const WIDTH: usize>(
    starts: impl ValueRange,
    ords: &[T],
    matches: &DocBits,
    counts: &mut [u32],
) {
    matches.for_each(|doc| {
        let (mut from, to) = starts.range(doc as usize);
        loop {
            let window = &ords[from..from + WIDTH];
            for (i, ord) in window.iter().enumerate() {
                counts[(*ord).into() as usize] += u32::from(from + i < to);
            }
            from += WIDTH;
            if from >= to {
                break;
            }
        }
    });
}

/// [`count_multi`] at the width of a column.
#[inline(always)]
fn count_multi_at<T: Copy + Into<u32>>(
    width: Width,
    starts: &Starts,
    ords: &[T],
    matches: &DocBits,
    counts: &mut [u32],
) {
    match starts {
        Starts::Narrow { bases, within } => count_multi_width(
            (bases.as_slice(), within.as_slice()),
            width,
            ords,
            matches,
            counts,
        ),
        Starts::Wide(offsets) => {
            count_multi_width(offsets.as_slice(), width, ords, matches, counts)
        }
    }
}

/// [`count_multi`] at a width known at run time.
#[inline(always)]
fn count_multi_width<T: Copy + Into<u32>>(
    starts: impl ValueRange + Copy,
    width: Width,
    ords: &[T],
    matches: &DocBits,
    counts: &mut [u32],
) {
    match width {
        Width::Two => count_multi::<T, 2>(starts, ords, matches, counts),
        Width::Four => count_multi::<T, 4>(starts, ords, matches, counts),
        Width::Eight => count_multi::<T, 8>(starts, ords, matches, counts),
    }
}

/// Calls `f(doc, ord)` for each value of each document of `matches`.
fn walk_multi<T: Copy + Into<u32>>(
    starts: &Starts,
    ords: &[T],
    matches: &DocBits,
    f: &mut impl FnMut(DocId, u32),
) {
    matches.for_each(|doc| {
        let (from, to) = starts.range(doc as usize);
        for ord in &ords[from..to] {
            f(doc, (*ord).into());
        }
    });
}

impl FacetValues {
    fn build(column: StrColumn, max_doc: u32) -> tantivy::Result<Self> {
        let ords = column.ords();
        let values = column.num_terms();
        let per_doc = if ords.get_cardinality() == Cardinality::Full {
            PerDoc::Dense(Ords::new(
                (0..max_doc)
                    .map(|doc| ords.values.get_val(doc) as u32)
                    .collect(),
                values,
            ))
        } else {
            let mut offsets = Vec::with_capacity(max_doc as usize + 1);
            let mut flat = Vec::new();
            let mut most = 0;
            offsets.push(0);
            for doc in 0..max_doc {
                let before = flat.len();
                flat.extend(ords.values_for_doc(doc).map(|o| o as u32));
                most = most.max(flat.len() - before);
                offsets.push(flat.len() as u32);
            }
            PerDoc::Multi {
                starts: Starts::new(offsets),
                ords: Ords::new(flat, values),
                width: Width::for_most(most),
            }
        };
        let per_value = (values <= FACET_BITSET_VALUES).then(|| {
            let mut bits = vec![DocBits::empty(max_doc); values];
            per_doc.for_each(&DocBits::full(max_doc), |doc, ord| {
                bits[ord as usize].insert(doc);
            });
            bits
        });
        let most_common = match (&per_doc, &per_value) {
            (PerDoc::Dense(_), Some(bits)) => (0..bits.len()).max_by_key(|ord| bits[*ord].count()),
            _ => None,
        };
        let mut entries = Vec::with_capacity(values);
        let every: Vec<u64> = (0..values as u64).collect();
        column
            .dictionary()
            .sorted_ords_to_term_cb(&every, |bytes| {
                entries.push(Arc::from(String::from_utf8_lossy(bytes)));
            })?;
        Ok(Self {
            entries,
            per_doc,
            per_value,
            most_common,
        })
    }

    fn bytes(&self) -> usize {
        let per_doc = match &self.per_doc {
            PerDoc::Dense(ords) => ords.bytes(),
            PerDoc::Multi { starts, ords, .. } => starts.bytes() + ords.bytes(),
        };
        let per_value: usize = self
            .per_value
            .iter()
            .flatten()
            .map(|b| 8 * b.blocks.len())
            .sum();
        let entries: usize = self.entries.iter().map(|e| 16 + e.len()).sum();
        per_doc + per_value + entries
    }
}

/// Adds the matches' values into `counts` (indexed by term ordinal); `matching` is the number of
/// matches, which decides between walking them and popcounting the value bitsets.
#[multiversion(targets("x86_64+avx2+bmi1+bmi2+lzcnt+popcnt", "x86_64+popcnt"))]
fn count_values(values: &FacetValues, matches: &DocBits, matching: u64, counts: &mut [u32]) {
    if let Some(per_value) = &values.per_value {
        // A popcount over a block of 64 documents costs about what reading one match's value
        // does, or a quarter of reading several values.
        let popcounts = (per_value.len() * matches.blocks.len()) as u64;
        let walk = match values.per_doc {
            PerDoc::Dense(_) => matching,
            PerDoc::Multi { .. } => matching * 4,
        };
        if popcounts < walk {
            // With one value per document the values' counts add up to the matches, so the most
            // common value's count is what the others leave (one popcount pass fewer).
            let derived = values.most_common;
            for (ord, (count, bits)) in counts.iter_mut().zip(per_value).enumerate() {
                if Some(ord) != derived {
                    *count = matches.count_common(bits) as u32;
                }
            }
            if let Some(ord) = derived {
                let others: u64 = counts.iter().map(|c| u64::from(*c)).sum();
                counts[ord] = matching.saturating_sub(others) as u32;
            }
            return;
        }
    }
    match &values.per_doc {
        PerDoc::Multi {
            starts,
            ords: Ords::Narrow(ords),
            width,
        } => count_multi_at(*width, starts, ords, matches, counts),
        PerDoc::Multi {
            starts,
            ords: Ords::Wide(ords),
            width,
        } => count_multi_at(*width, starts, ords, matches, counts),
        dense => dense.for_each(matches, |_, ord| counts[ord as usize] += 1),
    }
}

impl PerDoc {
    /// Calls `f(doc, ord)` for every value of every document in `matches`.
    fn for_each(&self, matches: &DocBits, mut f: impl FnMut(DocId, u32)) {
        match self {
            Self::Dense(Ords::Narrow(values)) => walk_dense(values, matches, &mut f),
            Self::Dense(Ords::Wide(values)) => walk_dense(values, matches, &mut f),
            Self::Multi {
                starts,
                ords: Ords::Narrow(ords),
                ..
            } => walk_multi(starts, ords, matches, &mut f),
            Self::Multi {
                starts,
                ords: Ords::Wide(ords),
                ..
            } => walk_multi(starts, ords, matches, &mut f),
        }
    }
}

/// Terms in at least this share of a segment's documents have their documents cached as a
/// bitset (reading a long posting list costs more than uniting a bitset).
const DENSE_TERM_SHARE: u32 = 64;
/// Bytes of cached bitsets and facet arrays kept; beyond it the oldest entries are dropped.
pub const SEGMENT_CACHE_BYTES: usize = 128 << 20;

#[derive(Clone, PartialEq, Eq, Hash)]
enum CacheKey {
    Values(SegmentId, usize),
    Factors(SegmentId, i64),
    Term(SegmentId, Term),
    Frontier(SegmentId, Term),
    Alive(SegmentId, u32),
}

impl CacheKey {
    /// Term bitsets, score bounds and ranking factors may be dropped and computed again; the
    /// others are a fixed amount per segment.
    fn is_evictable(&self) -> bool {
        matches!(
            self,
            CacheKey::Term(..) | CacheKey::Frontier(..) | CacheKey::Factors(..)
        )
    }

    fn segment(&self) -> SegmentId {
        match self {
            CacheKey::Values(id, _)
            | CacheKey::Factors(id, _)
            | CacheKey::Term(id, _)
            | CacheKey::Frontier(id, _)
            | CacheKey::Alive(id, _) => *id,
        }
    }
}

#[derive(Clone)]
enum Cached {
    Values(Option<Arc<FacetValues>>),
    Factors(Arc<RankFactors>),
    Bits(Arc<DocBits>),
    Frontier(Arc<[(u8, u32)]>),
}

impl Cached {
    fn bytes(&self) -> usize {
        match self {
            Cached::Values(v) => v.as_ref().map_or(0, |v| v.bytes()),
            Cached::Factors(f) => f.bytes(),
            Cached::Bits(b) => 8 * b.blocks.len(),
            Cached::Frontier(f) => 64 + 8 * f.len(),
        }
    }
}

struct Entry {
    value: Cached,
    last_used: u64,
}

#[derive(Default)]
struct CacheInner {
    entries: HashMap<CacheKey, Entry>,
    /// Bytes of the entries that may be evicted (term bitsets).
    evictable_bytes: usize,
    /// Bytes of the others (facet arrays, live documents: a fixed amount per segment).
    fixed_bytes: usize,
    clock: u64,
    /// The segments searched when entries were last dropped.
    live: Vec<SegmentId>,
}

impl CacheInner {
    fn get(&mut self, key: &CacheKey) -> Option<Cached> {
        self.clock += 1;
        let clock = self.clock;
        self.entries.get_mut(key).map(|entry| {
            entry.last_used = clock;
            entry.value.clone()
        })
    }

    fn insert(&mut self, key: CacheKey, value: Cached) {
        if self.entries.contains_key(&key) {
            return;
        }
        let evictable = key.is_evictable();
        if evictable {
            self.evictable_bytes += value.bytes();
        } else {
            self.fixed_bytes += value.bytes();
        }
        self.clock += 1;
        let last_used = self.clock;
        self.entries.insert(key, Entry { value, last_used });
        if self.evictable_bytes > SEGMENT_CACHE_BYTES {
            self.evict(SEGMENT_CACHE_BYTES * 3 / 4);
        }
    }

    /// Drops the least recently used term bitsets until they take at most `budget` bytes.
    fn evict(&mut self, budget: usize) {
        let mut terms: Vec<(u64, CacheKey)> = self
            .entries
            .iter()
            .filter(|(key, _)| key.is_evictable())
            .map(|(key, entry)| (entry.last_used, key.clone()))
            .collect();
        terms.sort_unstable_by_key(|(last_used, _)| *last_used);
        for (_, key) in terms {
            if self.evictable_bytes <= budget {
                break;
            }
            if let Some(gone) = self.entries.remove(&key) {
                self.evictable_bytes -= gone.value.bytes();
            }
        }
    }

    fn remove_segments_except(&mut self, live: &[SegmentId]) {
        let mut gone = Vec::new();
        self.entries.retain(|key, entry| {
            let keep = live.contains(&key.segment());
            if !keep {
                gone.push((key.is_evictable(), entry.value.bytes()));
            }
            keep
        });
        for (evictable, bytes) in gone {
            if evictable {
                self.evictable_bytes -= bytes;
            } else {
                self.fixed_bytes -= bytes;
            }
        }
    }
}

/// What is worth keeping between searches for each immutable segment: the documents of dense
/// terms (`visible_to:public`, common words; least recently used dropped beyond
/// [`SEGMENT_CACHE_BYTES`]), live-document sets and facet arrays (a fixed size per segment, kept
/// as long as the segment). Entries of merged-away segments are dropped by
/// [`SegmentCache::retain`].
#[derive(Default)]
pub(crate) struct SegmentCache {
    inner: Mutex<CacheInner>,
}

impl SegmentCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, CacheInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn get_or(
        &self,
        key: CacheKey,
        build: impl FnOnce() -> tantivy::Result<Cached>,
    ) -> tantivy::Result<Cached> {
        if let Some(found) = self.lock().get(&key) {
            return Ok(found);
        }
        let value = build()?;
        self.lock().insert(key, value.clone());
        Ok(value)
    }

    /// A facet's values in a segment (`None` when the segment has no column for it).
    fn facet_values(
        &self,
        segment: &SegmentReader,
        facet: usize,
    ) -> tantivy::Result<Option<Arc<FacetValues>>> {
        let key = CacheKey::Values(segment.segment_id(), facet);
        match self.get_or(key, || {
            let column = segment
                .fast_fields()
                .str(&facets::count_column(FACETS[facet].name))?;
            let values = column
                .map(|column| FacetValues::build(column, segment.max_doc()))
                .transpose()?;
            Ok(Cached::Values(values.map(Arc::new)))
        })? {
            Cached::Values(v) => Ok(v),
            _ => unreachable!("values are cached under values keys"),
        }
    }

    /// The documents of `term` when it is dense enough to be worth caching.
    fn term_bits(
        &self,
        segment: &SegmentReader,
        term: &Term,
    ) -> tantivy::Result<Option<Arc<DocBits>>> {
        let key = CacheKey::Term(segment.segment_id(), term.clone());
        if let Some(Cached::Bits(bits)) = self.lock().get(&key) {
            return Ok(Some(bits));
        }
        let doc_freq = segment
            .inverted_index(term.field())?
            .get_term_info(term)?
            .map_or(0, |info| info.doc_freq);
        if doc_freq < segment.max_doc() / DENSE_TERM_SHARE || doc_freq < 1024 {
            return Ok(None);
        }
        let bits = self.get_or(key, || {
            let mut bits = DocBits::empty(segment.max_doc());
            add_postings(segment, term, &mut bits)?;
            Ok(Cached::Bits(Arc::new(bits)))
        })?;
        match bits {
            Cached::Bits(b) => Ok(Some(b)),
            _ => unreachable!("bitsets are cached under term keys"),
        }
    }

    /// The ranking factors of a segment's documents when searching at `now`.
    fn rank_factors(&self, segment: &SegmentReader, now: i64) -> tantivy::Result<Arc<RankFactors>> {
        let at = RankFactors::at(now);
        let key = CacheKey::Factors(segment.segment_id(), at);
        match self.get_or(key, || {
            Ok(Cached::Factors(Arc::new(RankFactors::read(segment, at)?)))
        })? {
            Cached::Factors(f) => Ok(f),
            _ => unreachable!("factors are cached under factors keys"),
        }
    }

    /// The score frontier of a term in a segment (see [`score_frontier`]).
    fn score_frontier(
        &self,
        segment: &SegmentReader,
        term: &Term,
    ) -> tantivy::Result<Arc<[(u8, u32)]>> {
        let key = CacheKey::Frontier(segment.segment_id(), term.clone());
        match self.get_or(key, || {
            Ok(Cached::Frontier(score_frontier(segment, term)?.into()))
        })? {
            Cached::Frontier(f) => Ok(f),
            _ => unreachable!("frontiers are cached under frontier keys"),
        }
    }

    /// The live documents of a segment with deletions (`None`: all are live).
    pub(crate) fn alive(&self, segment: &SegmentReader) -> Option<Arc<DocBits>> {
        let alive = segment.alive_bitset()?;
        let key = CacheKey::Alive(segment.segment_id(), segment.num_deleted_docs());
        let built = self.get_or(key, || {
            let mut bits = DocBits::empty(segment.max_doc());
            for doc in alive.iter_alive() {
                bits.insert(doc);
            }
            Ok(Cached::Bits(Arc::new(bits)))
        });
        match built {
            Ok(Cached::Bits(b)) => Some(b),
            _ => None,
        }
    }

    /// Drops the entries of segments no longer searched (merged away).
    pub fn retain(&self, searcher: &Searcher) {
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        let mut inner = self.lock();
        if inner.live != live {
            inner.remove_segments_except(&live);
            inner.live = live;
        }
    }
}

/// How many values each segment reports per facet before merging (like a shard size): the top
/// of each list is exact, values far down a long tail may be undercounted on huge indexes.
fn keep_per_segment(limit: usize) -> usize {
    limit.saturating_mul(3).saturating_add(10)
}

/// Counts one facet over a segment's `matching` matches: (column entry, count), most frequent
/// first.
pub(crate) fn count_facet(
    cache: &SegmentCache,
    segment: &SegmentReader,
    facet: usize,
    matches: &DocBits,
    matching: u64,
    limit: usize,
) -> tantivy::Result<Vec<(Arc<str>, u64)>> {
    let Some(values) = cache.facet_values(segment, facet)? else {
        return Ok(Vec::new());
    };
    let mut counts = vec![0u32; values.entries.len()];
    count_values(&values, matches, matching, &mut counts);
    let mut found: Vec<(usize, u32)> = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(ord, c)| (ord, *c))
        .collect();
    let keep = keep_per_segment(limit);
    if found.len() > keep {
        found.select_nth_unstable_by(keep, |a, b| b.1.cmp(&a.1));
        found.truncate(keep);
    }
    Ok(found
        .into_iter()
        .map(|(ord, count)| (values.entries[ord].clone(), u64::from(count)))
        .collect())
}

/// Merges per-segment facet counts into labelled buckets, most frequent first.
pub(crate) fn merge_facet(segments: Vec<Vec<(Arc<str>, u64)>>, limit: usize) -> Vec<FacetBucket> {
    let mut merged: HashMap<Arc<str>, u64> = HashMap::new();
    for entries in segments {
        for (entry, count) in entries {
            *merged.entry(entry).or_default() += count;
        }
    }
    // An entry begins with its value and a separator below any character of a value, so entries
    // sort as their values do.
    let mut ranked: Vec<(Arc<str>, u64)> = merged.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(limit);
    ranked
        .into_iter()
        .map(|(entry, count)| {
            let (value, label) = facets::parse_entry(&entry);
            FacetBucket {
                value,
                label,
                count,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitsets_hold_and_combine_documents() {
        let mut a = DocBits::empty(130);
        for doc in [0, 63, 64, 129] {
            a.insert(doc);
        }
        assert_eq!(a.iter().collect::<Vec<_>>(), [0, 63, 64, 129]);
        let full = DocBits::full(130);
        assert_eq!(full.count(), 130);
        let mut b = DocBits::empty(130);
        b.insert(64);
        b.insert(100);
        let mut both = a.clone();
        both.intersect(&b);
        assert_eq!(both.iter().collect::<Vec<_>>(), [64]);
        a.unite(&b);
        assert_eq!(a.count(), 5);
        assert!(a.contains(0) && a.contains(100) && !a.contains(101) && !a.contains(500));
        let next: Vec<Option<DocId>> = [0, 1, 64, 65, 101, 129, 130, 500]
            .into_iter()
            .map(|doc| a.next_from(doc))
            .collect();
        assert_eq!(
            next,
            [
                Some(0),
                Some(63),
                Some(64),
                Some(100),
                Some(129),
                Some(129),
                None,
                None
            ]
        );
    }

    #[test]
    fn a_union_of_many_sets_has_every_document_of_each() {
        // Past two chunks of blocks, with a partial last block.
        let max_doc = 2 * 1024 * 64 + 100;
        let sets: Vec<Arc<DocBits>> = (0..3u32)
            .map(|k| {
                let mut bits = DocBits::empty(max_doc);
                for doc in (k * 7..max_doc).step_by(997 + k as usize) {
                    bits.insert(doc);
                }
                Arc::new(bits)
            })
            .collect();
        let union = DocBits::union_all(&sets, max_doc);
        let mut expected = DocBits::empty(max_doc);
        for set in &sets {
            expected.unite(set);
        }
        assert_eq!(
            union.iter().collect::<Vec<_>>(),
            expected.iter().collect::<Vec<_>>()
        );
        assert!(union.contains(max_doc - 1 - (max_doc - 1 - 14) % 999));
        assert_eq!(DocBits::union_all(&[], max_doc).count(), 0);
        assert_eq!(
            DocBits::union_all(&[], max_doc).blocks.len(),
            expected.blocks.len()
        );
    }

    #[test]
    fn value_ranges_are_the_offsets_they_were_built_from() {
        // Up to 300 values a document: two bytes past each block's base are enough.
        let mut offsets = vec![0u32];
        for doc in 0..1000u32 {
            offsets.push(offsets[doc as usize] + doc * 7 % 301);
        }
        let narrow = Starts::new(offsets.clone());
        assert!(matches!(narrow, Starts::Narrow { .. }));
        // A block of 64 documents with more than 65,535 values needs plain offsets.
        let mut wide_offsets = offsets.clone();
        for offset in wide_offsets.iter_mut().skip(70) {
            *offset += 70_000;
        }
        let wide = Starts::new(wide_offsets.clone());
        assert!(matches!(wide, Starts::Wide(_)));
        for doc in 0..1000 {
            let expected = |o: &[u32]| (o[doc] as usize, o[doc + 1] as usize);
            assert_eq!(narrow.range(doc), expected(&offsets), "document {doc}");
            assert_eq!(wide.range(doc), expected(&wide_offsets), "document {doc}");
        }
    }

    #[test]
    fn top_k_keeps_the_best_in_order() {
        let mut top = TopK::new(3);
        for (i, score) in [1.0f32, 5.0, 3.0, 4.0, 2.0].into_iter().enumerate() {
            top.push(score, 0, i as u32);
        }
        assert_eq!(top.floor(), Some(3.0));
        let keys: Vec<f32> = top.into_sorted().iter().map(|r| r.key).collect();
        assert_eq!(keys, [5.0, 4.0, 3.0]);
        let mut ties = TopK::new(2);
        for doc in [7, 3, 5] {
            ties.push(1.0f32, 0, doc);
        }
        let docs: Vec<u32> = ties.into_sorted().iter().map(|r| r.doc).collect();
        assert_eq!(docs, [3, 5], "ties go to the earlier document");
    }
}
