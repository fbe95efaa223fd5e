//! From a search request to a tantivy query.
//!
//! Every word of the query must match (in any field); when that finds nothing, any word may
//! match (`relaxed`). Each word is looked up in several forms and fields, weighted:
//!
//! | match                                   | weight (word typed with accents) |
//! |-----------------------------------------|-----------|
//! | title, folded (`ngan` ~ `Ngân`)           | 3.0 (1.5) |
//! | title, exact (accents as typed)         | 1.5 (6.0) |
//! | title, English stem                     | 2.0       |
//! | other text, folded                      | 1.0 (0.5) |
//! | other text, English stem                | 0.5       |
//! | one typo (words of 5+ letters typed without accents, found in few datasets as typed) | 0.3 title, 0.1 other text |
//!
//! A word typed with accents (`hạ`) means that word, not its homographs without accents (`hà`):
//! its exact form then dominates.
//! and each two adjacent query words are also looked up as a pair (`ngan sach`): 4.0 in the title,
//! 1.5 elsewhere. So a title containing the phrase ranks above a title containing both syllables
//! apart, which ranks above a description mentioning them.

use tantivy::{Searcher, Term};
use uuid::Uuid;

use crate::analyzer::{self, normalize};
use crate::facets::FACETS;
use crate::schema::Fields;

/// The `visible_to` value of datasets anyone may see.
pub(crate) const PUBLIC: &str = "public";

/// The `visible_to` value of a non-public dataset of an organization.
pub(crate) fn organization_visibility(organization: Uuid) -> String {
    format!("org:{organization}")
}

/// Most query words looked at; the rest of a very long query is ignored.
pub const MAX_QUERY_WORDS: usize = 16;
/// Shortest word (in characters) that also matches with one typo.
pub const FUZZY_MIN_CHARS: usize = 5;
/// A word found as typed in at least one dataset in this many is a word people use, not a typo:
/// its one-edit neighbours (`thong` → `thuong`, `trong`) are not looked up.
pub const COMMON_WORD_SHARE: u64 = 1_000;

/// Who is searching, as far as visibility goes.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// Sees every dataset (sysadmin).
    pub sees_all: bool,
    /// Organizations whose non-public datasets the viewer may see.
    pub organizations: Vec<Uuid>,
}

/// One word of a query in each of its indexed forms.
#[derive(Debug, Clone)]
pub(crate) struct QueryWord {
    pub exact: String,
    pub folded: String,
    pub stem: String,
    /// Whether words one edit away also match: typed without accents, long enough, and (once
    /// [`QueryText::settle_typos`] ran) not a common word.
    pub typos: bool,
}

/// The analysed text of a query.
#[derive(Debug, Clone, Default)]
pub(crate) struct QueryText {
    pub words: Vec<QueryWord>,
    /// The last word may be incomplete (the query does not end with a space).
    pub last_is_prefix: bool,
}

impl QueryText {
    pub fn parse(q: &str) -> Self {
        let text = normalize(q);
        let mut english = analyzer::english();
        let words: Vec<QueryWord> = analyzer::words(&text)
            .into_iter()
            .take(MAX_QUERY_WORDS)
            .map(|w| QueryWord {
                stem: analyzer::english_stem(&mut english, &w.exact),
                typos: w.exact == w.folded && w.folded.chars().count() >= FUZZY_MIN_CHARS,
                exact: w.exact,
                folded: w.folded,
            })
            .collect();
        let last_is_prefix = text.chars().last().is_some_and(char::is_alphanumeric);
        Self {
            words,
            last_is_prefix,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Turns typo lookups off for words that `searcher` finds as typed, folded, in the titles or
    /// texts of at least one dataset in [`COMMON_WORD_SHARE`].
    pub fn settle_typos(mut self, searcher: &Searcher, fields: &Fields) -> tantivy::Result<Self> {
        let common = searcher.num_docs().div_ceil(COMMON_WORD_SHARE).max(1);
        for word in self.words.iter_mut().filter(|w| w.typos) {
            for field in [fields.title, fields.text] {
                if searcher.doc_freq(&Term::from_field_text(field, &word.folded))? >= common {
                    word.typos = false;
                    break;
                }
            }
        }
        Ok(self)
    }
}

/// The index of a facet by name.
pub(crate) fn facet_index(name: &str) -> Option<usize> {
    FACETS.iter().position(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_analysed_like_documents() {
        let text = QueryText::parse("HÀ NỘI budgets");
        let folded: Vec<&str> = text.words.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(folded, ["ha", "noi", "budgets"]);
        assert_eq!(text.words[0].exact, "hà");
        assert_eq!(text.words[2].stem, "budget");
        assert!(text.last_is_prefix);
        assert!(!QueryText::parse("dân số ").last_is_prefix);
    }

    #[test]
    fn hostile_queries_reduce_to_words() {
        assert!(QueryText::parse("\"((( AND OR NOT *:* \u{0}").words.len() == 3);
        assert!(QueryText::parse("!!! ??? \"\"").is_empty());
        let long = "dữ liệu ".repeat(2_000);
        assert_eq!(QueryText::parse(&long).words.len(), MAX_QUERY_WORDS);
    }
}
