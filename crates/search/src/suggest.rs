//! Autocomplete: datasets, organizations and keywords that begin like what the user is typing.

use std::collections::HashMap;

use dulieu_core::text::LangText;
use serde::Serialize;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Searcher, TERMINATED, Term};

use crate::analyzer;
use crate::query::QueryText;
use crate::schema::Fields;

const SEPARATOR: char = '\u{1f}';

/// The `keyword_suggest` term of a keyword: its folded form, then its display form.
pub(crate) fn keyword_entry(folded: &str, display: &str) -> String {
    format!("{folded}{SEPARATOR}{display}")
}

/// An organization that can be suggested.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationSuggestion {
    /// Slug.
    pub slug: String,
    /// Name in vi/en.
    pub name: LangText,
    /// Kind.
    pub kind: String,
    /// `official` or `community`.
    pub provenance: String,
}

/// A dataset suggestion.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatasetSuggestion {
    /// Slug.
    pub slug: String,
    /// Title in vi/en.
    pub title: LangText,
    /// The title with the typed words marked (HTML).
    pub highlight: Option<String>,
}

/// A keyword suggestion with the number of public datasets using it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeywordSuggestion {
    /// The keyword.
    pub keyword: String,
    /// Datasets with this keyword.
    pub count: u64,
}

/// Everything suggested for one prefix.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestions {
    /// Datasets whose title matches.
    pub datasets: Vec<DatasetSuggestion>,
    /// Organizations whose name matches.
    pub organizations: Vec<OrganizationSuggestion>,
    /// Keywords that begin with the text.
    pub keywords: Vec<KeywordSuggestion>,
}

/// Organizations with their folded names, searched in memory (there are hundreds, not millions).
#[derive(Default)]
pub(crate) struct OrganizationList {
    entries: Vec<(OrganizationSuggestion, Vec<String>)>,
}

impl OrganizationList {
    pub fn new(organizations: Vec<OrganizationSuggestion>) -> Self {
        let entries = organizations
            .into_iter()
            .map(|o| {
                let mut words = Vec::new();
                for name in [o.name.vi.as_deref(), o.name.en.as_deref()]
                    .into_iter()
                    .flatten()
                {
                    words.extend(analyzer::terms(name, analyzer::Form::Folded));
                }
                words.extend(analyzer::terms(&o.slug, analyzer::Form::Folded));
                (o, words)
            })
            .collect();
        Self { entries }
    }

    /// Organizations whose name has every typed word (the last one as a prefix).
    pub fn matching(&self, query: &QueryText, limit: usize) -> Vec<OrganizationSuggestion> {
        if query.is_empty() {
            return Vec::new();
        }
        let last = query.words.len() - 1;
        let mut found: Vec<(bool, &OrganizationSuggestion)> = self
            .entries
            .iter()
            .filter(|(_, words)| {
                query.words.iter().enumerate().all(|(i, q)| {
                    words.iter().any(|w| {
                        w == &q.folded
                            || (i == last && query.last_is_prefix && w.starts_with(&q.folded))
                    })
                })
            })
            .map(|(o, words)| (words.first() == Some(&query.words[0].folded), o))
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.slug.cmp(&b.1.slug)));
        found
            .into_iter()
            .take(limit)
            .map(|(_, o)| o.clone())
            .collect()
    }
}

/// Keywords of public datasets that begin with the folded `prefix`, most used first.
///
/// The term dictionary's document frequencies still count replaced and deleted documents until
/// segments merge, so they only pick the candidates; each candidate's live documents are then
/// counted from its postings.
pub(crate) fn keywords(
    searcher: &Searcher,
    fields: &Fields,
    prefix: &str,
    limit: usize,
) -> tantivy::Result<Vec<KeywordSuggestion>> {
    if prefix.is_empty() {
        return Ok(Vec::new());
    }
    let mut upper_bounds: HashMap<String, u64> = HashMap::new();
    let upper = format!("{prefix}\u{10FFFF}");
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(fields.keyword_suggest)?;
        let mut stream = index
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .lt(upper.as_bytes())
            .into_stream()?;
        while stream.advance() {
            let entry = String::from_utf8_lossy(stream.key()).into_owned();
            *upper_bounds.entry(entry).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    let mut candidates: Vec<(String, u64)> = upper_bounds.into_iter().collect();
    candidates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    candidates.truncate(limit.saturating_mul(4).max(limit));
    let mut found = Vec::with_capacity(candidates.len());
    for (entry, _) in candidates {
        let term = Term::from_field_text(fields.keyword_suggest, &entry);
        let mut count = 0u64;
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(fields.keyword_suggest)?;
            if let Some(mut postings) = index.read_postings(&term, IndexRecordOption::Basic)? {
                let alive = segment.alive_bitset();
                while postings.doc() != TERMINATED {
                    if alive.is_none_or(|a| a.is_alive(postings.doc())) {
                        count += 1;
                    }
                    postings.advance();
                }
            }
        }
        if let (true, Some((_, display))) = (count > 0, entry.split_once(SEPARATOR)) {
            found.push(KeywordSuggestion {
                keyword: display.to_string(),
                count,
            });
        }
    }
    found.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.keyword.cmp(&b.keyword))
    });
    found.truncate(limit);
    Ok(found)
}
