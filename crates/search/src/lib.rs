//! Full-text search over the catalog: a tantivy index with a Vietnamese analyzer (folding, word
//! pairs), English stemming, typo tolerance, prefixes, facets, ranking and suggestions.
//!
//! The index is a projection: the application feeds it [`SearchDoc`]s as the event log records
//! changes and commits with the log position ([`SearchIndex::commit`]), so a restarted or second
//! server catches up from where its own index stopped. Nothing here touches the database.

pub mod analyzer;
mod document;
mod exec;
pub mod facets;
mod highlight;
mod index;
mod query;
pub mod rank;
mod result_cache;
mod schema;
pub mod select;
mod suggest;

pub use document::{DistributionText, Labelled, Publisher, Registers, SearchDoc};
pub use facets::{FACETS, FacetBucket, FacetDef, FacetValue};
pub use index::{
    FACET_LIMIT, Highlights, Hit, HitLabel, HitPublisher, MAX_PAGE_SIZE, MAX_RESULT_WINDOW,
    SearchIndex, SearchRequest, SearchResults, Sort, WriterSettings,
};
pub use query::{MAX_QUERY_WORDS, Viewer};
pub use result_cache::DEFAULT_RESULT_CACHE_ENTRIES;
pub use schema::SCHEMA_VERSION;
pub use select::{
    Attribute, Condition, MAX_CONDITION_DEPTH, Selected, Selection, SortKey, TimeField,
};
pub use suggest::{DatasetSuggestion, KeywordSuggestion, OrganizationSuggestion, Suggestions};
