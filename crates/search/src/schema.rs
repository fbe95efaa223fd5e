//! The index schema and the conversion of a [`SearchDoc`] into an index document.

use tantivy::TantivyDocument;
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::SearchDoc;
use crate::analyzer::{self, normalize};
use crate::document::ShownDoc;
use crate::facets::{self, FACETS};

/// Bump when the schema or the analyzers change: an index built with another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 5;

/// Fast column of the quality multiplier.
pub(crate) const BOOST: &str = "boost";
/// Fast column of the highest multiplier a document can have from now on: quality × freshness
/// when it was indexed (freshness only decreases with time). The index keeps the documents of each
/// segment in descending order of it, so a search can stop once no later document can score enough
/// (see [`crate::exec::rank_by_relevance`]).
pub(crate) const CEILING: &str = "ceiling";
/// Fast column of the modification time (seconds).
pub(crate) const MODIFIED: &str = "modified";
/// Fast column of the usage count.
pub(crate) const POPULARITY: &str = "popularity";
/// Fast column of the folded title, for sorting by title.
pub(crate) const TITLE_SORT: &str = "title_sort";
/// Fast column of the record's creation time (microseconds), for CKAN's `metadata_created`.
pub(crate) const CREATED: &str = "created";
/// Fast column of the record's last change (microseconds), for CKAN's `metadata_modified`.
pub(crate) const UPDATED: &str = "updated";
/// Fast column of the slug, for sorting by name.
pub(crate) const SLUG_SORT: &str = "slug_sort";
/// Fast column of the id, for sorting by id.
pub(crate) const ID_SORT: &str = "id_sort";

/// The fields of the index.
#[derive(Clone)]
pub(crate) struct Fields {
    pub id: Field,
    pub doc: Field,
    pub visible_to: Field,
    pub keyword_suggest: Field,
    pub title: Field,
    pub title_exact: Field,
    pub title_pairs: Field,
    pub title_en: Field,
    pub text: Field,
    pub text_pairs: Field,
    pub text_en: Field,
    pub boost: Field,
    pub ceiling: Field,
    pub modified: Field,
    pub popularity: Field,
    pub title_sort: Field,
    pub created: Field,
    pub updated: Field,
    pub slug_sort: Field,
    pub id_sort: Field,
    /// Exact attributes a selection filters on (see [`crate::select::Attribute`]).
    pub attributes: Field,
    /// Per facet in [`FACETS`] order: (filter field, count column).
    pub facets: Vec<(Field, Field)>,
}

fn analyzed(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

impl Fields {
    /// Builds the schema and its field handles.
    pub fn build() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let fields = Fields {
            id: b.add_text_field("id", STRING),
            doc: b.add_text_field("doc", STORED),
            visible_to: b.add_text_field("visible_to", STRING),
            keyword_suggest: b.add_text_field("keyword_suggest", STRING),
            title: b.add_text_field("title", analyzed(analyzer::FOLDED)),
            title_exact: b.add_text_field("title_exact", analyzed(analyzer::EXACT)),
            title_pairs: b.add_text_field("title_pairs", analyzed(analyzer::PAIRS)),
            title_en: b.add_text_field("title_en", analyzed(analyzer::ENGLISH)),
            text: b.add_text_field("text", analyzed(analyzer::FOLDED)),
            text_pairs: b.add_text_field("text_pairs", analyzed(analyzer::PAIRS)),
            text_en: b.add_text_field("text_en", analyzed(analyzer::ENGLISH)),
            boost: b.add_f64_field(BOOST, FAST),
            ceiling: b.add_f64_field(CEILING, FAST),
            modified: b.add_i64_field(MODIFIED, FAST | INDEXED),
            popularity: b.add_u64_field(POPULARITY, FAST),
            title_sort: b.add_text_field(TITLE_SORT, TextOptions::default().set_fast("raw")),
            created: b.add_i64_field(CREATED, FAST),
            updated: b.add_i64_field(UPDATED, FAST),
            slug_sort: b.add_text_field(SLUG_SORT, TextOptions::default().set_fast("raw")),
            id_sort: b.add_text_field(ID_SORT, TextOptions::default().set_fast("raw")),
            attributes: b.add_text_field("attributes", STRING),
            facets: FACETS
                .iter()
                .map(|f| {
                    (
                        b.add_text_field(&facets::filter_field(f.name), STRING),
                        b.add_text_field(
                            &facets::count_column(f.name),
                            TextOptions::default().set_fast("raw"),
                        ),
                    )
                })
                .collect(),
        };
        (b.build(), fields)
    }

    /// The index document of a dataset, indexed at `now` (seconds since the epoch).
    pub fn document(&self, d: &SearchDoc, now: i64) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        let mut add = |field: Field, text: &str| {
            if !text.is_empty() {
                doc.add_text(field, normalize(text));
            }
        };
        let both = |t: &dulieu_core::text::LangText| {
            [t.vi.as_deref(), t.en.as_deref()]
                .into_iter()
                .flatten()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        add(self.id, &d.id.to_string());
        for title in both(&d.title) {
            add(self.title, &title);
            add(self.title_pairs, &title);
        }
        add(self.title_exact, d.title.vi.as_deref().unwrap_or_default());
        add(self.title_en, d.title.en.as_deref().unwrap_or_default());

        // Text around the title: what the dataset is about, who publishes it, what it contains.
        // Vietnamese and language-neutral text (keywords, places, formats) is folded and paired;
        // English text is stemmed only (a folded copy would double the terms to index for little:
        // English words are found by their stems), unless there is no Vietnamese.
        let vietnamese = |t: &dulieu_core::text::LangText| t.vi.clone().or_else(|| t.en.clone());
        let mut text: Vec<String> = Vec::new();
        text.extend(vietnamese(&d.description));
        text.extend(d.keywords.iter().cloned());
        text.extend(vietnamese(&d.publisher.name));
        text.extend(d.themes.iter().filter_map(|t| vietnamese(&t.label)));
        text.extend(d.spatial.iter().cloned());
        text.extend(d.distributions.iter().filter_map(|x| vietnamese(&x.title)));
        for text in &text {
            add(self.text, text);
            add(self.text_pairs, text);
        }
        for format in d.formats() {
            add(self.text, &format);
        }
        let english = [d.description.en.as_deref(), d.publisher.name.en.as_deref()]
            .into_iter()
            .flatten()
            .chain(d.themes.iter().filter_map(|t| t.label.en.as_deref()))
            .chain(d.distributions.iter().filter_map(|x| x.title.en.as_deref()));
        for text in english {
            add(self.text_en, text);
        }

        if d.public {
            add(self.visible_to, crate::query::PUBLIC);
            for keyword in &d.keywords {
                let value = facets::keyword_value(keyword);
                let folded = analyzer::terms(&value, analyzer::Form::Folded).join(" ");
                add(
                    self.keyword_suggest,
                    &crate::suggest::keyword_entry(&folded, &value),
                );
            }
        } else {
            add(
                self.visible_to,
                &crate::query::organization_visibility(d.publisher.id),
            );
        }
        let title_sort = analyzer::terms(
            d.title.get("vi").unwrap_or_default(),
            analyzer::Form::Folded,
        )
        .join(" ");
        add(self.title_sort, &title_sort);
        for (def, (filter, column)) in FACETS.iter().zip(&self.facets) {
            for value in (def.values)(d) {
                add(*filter, &value.value);
                add(*column, &facets::column_entry(&value));
            }
        }
        let boost = d.quality_boost();
        doc.add_f64(self.boost, boost);
        doc.add_f64(
            self.ceiling,
            boost * crate::rank::freshness(now - d.modified_timestamp()),
        );
        doc.add_i64(self.modified, d.modified_timestamp());
        doc.add_u64(self.popularity, d.popularity);
        let micros = |at: Option<chrono::DateTime<chrono::Utc>>| {
            at.map_or_else(
                || d.modified_timestamp() * 1_000_000,
                |at| at.timestamp_micros(),
            )
        };
        doc.add_i64(self.created, micros(d.created));
        doc.add_i64(self.updated, micros(d.updated));
        doc.add_text(self.slug_sort, &d.slug);
        doc.add_text(self.id_sort, d.id.to_string());
        for attribute in crate::select::Attribute::of(d) {
            doc.add_text(self.attributes, attribute);
        }
        doc.add_text(
            self.doc,
            serde_json::to_string(&ShownDoc::of(d)).unwrap_or_default(),
        );
        doc
    }
}

/// A document read back from the store: its JSON copy, the one stored field, read straight into a
/// string (no generic document is built, and the text is checked once).
pub(crate) struct StoredJson(pub String);

impl DocumentDeserialize for StoredJson {
    fn deserialize<'de, D: DocumentDeserializer<'de>>(
        mut deserializer: D,
    ) -> Result<Self, DeserializeError> {
        let mut json = None;
        while let Some((_, value)) = deserializer.next_field::<String>()? {
            json = Some(value);
        }
        json.map(StoredJson)
            .ok_or_else(|| DeserializeError::custom("a document without its stored copy"))
    }
}
