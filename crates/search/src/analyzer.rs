//! The Vietnamese analyzer and the English stemmer.
//!
//! Text is NFC-normalised first ([`normalize`]), so decomposed input (a letter followed by combining
//! marks, as some keyboards and PDFs produce) is the same text as precomposed input. Words are runs
//! of letters and digits. Each word then has three forms, each indexed in its own field:
//!
//! - **exact**: lower-cased, accents kept (`hà nội` → `hà`, `nội`), so accented queries can rank
//!   accented matches first;
//! - **folded**: lower-cased with diacritics removed, `đ`→`d` (`HÀ NỘI` → `ha`, `noi`), so people
//!   who type without accents find the same data;
//! - **pairs**: each two adjacent folded words as one term (`ngan sach`), because Vietnamese words
//!   are mostly two or more syllables written apart: a pair match is a word match, and ranks above
//!   the same syllables scattered through the text. Pairs never span punctuation.
//!
//! English fields use tantivy's Snowball stemmer (`datasets` → `dataset`).

use tantivy::Index;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Tokenizer name of the exact (accent-keeping) form.
pub const EXACT: &str = "vi_exact";
/// Tokenizer name of the folded form.
pub const FOLDED: &str = "vi_folded";
/// Tokenizer name of adjacent folded word pairs.
pub const PAIRS: &str = "vi_pairs";
/// Tokenizer name of stemmed English.
pub const ENGLISH: &str = "en_stem";

/// Longest word indexed, in bytes; longer runs (hashes, base64) are noise.
const MAX_WORD_BYTES: usize = 64;

/// Text in Unicode NFC (composed letters). Decomposed text is recognised by its combining
/// diacritical marks (U+0300–U+036F, the marks Vietnamese and other Latin-script text uses); text
/// without them is returned untouched, so the common case costs one cheap scan.
pub fn normalize(text: &str) -> std::borrow::Cow<'_, str> {
    // U+0300–U+036F begin with the byte 0xCC or 0xCD in UTF-8: look for those bytes first.
    let may_have_marks = text.bytes().any(|b| b == 0xCC || b == 0xCD);
    if may_have_marks
        && text.chars().any(is_combining_mark)
        && is_nfc_quick(text.chars()) != IsNormalized::Yes
    {
        std::borrow::Cow::Owned(text.nfc().collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Which form of each word a tokenizer produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Lower case, accents kept.
    Exact,
    /// Lower case, diacritics folded.
    Folded,
    /// Adjacent folded words joined by a space.
    Pairs,
}

/// One word of a text: its byte range and its exact and folded forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset after the last character.
    pub end: usize,
    /// Lower case, accents kept.
    pub exact: String,
    /// Lower case, diacritics folded.
    pub folded: String,
    /// True when only spaces (or hyphens) separate this word from the previous one.
    pub joined_to_previous: bool,
}

fn is_combining_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

fn is_word_char(c: char) -> bool {
    match c {
        _ if c.is_ascii() => c.is_ascii_alphanumeric(),
        // Latin-1 letters, Latin Extended-A/B and Latin Extended Additional (every Vietnamese
        // letter): all letters but × and ÷, without the slower general lookup.
        '\u{00c0}'..='\u{024f}' => c != '×' && c != '÷',
        '\u{1e00}'..='\u{1eff}' => true,
        _ => c.is_alphanumeric() || is_combining_mark(c),
    }
}

/// Calls `each(start, end, joined_to_previous)` for every word of `text`.
fn scan(text: &str, mut each: impl FnMut(usize, usize, bool)) {
    let mut start = None;
    let mut gap_is_space = false;
    let mut seen = false;
    let is_space = |c: char| c == ' ' || c == '-' || c == '\u{a0}';
    for (i, c) in text.char_indices() {
        match (start, is_word_char(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                if i - s <= MAX_WORD_BYTES {
                    each(s, i, gap_is_space && seen);
                    seen = true;
                }
                start = None;
                gap_is_space = is_space(c);
            }
            (None, false) => gap_is_space &= is_space(c),
            (Some(_), true) => {}
        }
    }
    if let Some(s) = start
        && text.len() - s <= MAX_WORD_BYTES
    {
        each(s, text.len(), gap_is_space && seen);
    }
}

/// Appends the lower-case form of `word`, accents kept.
fn push_exact(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    for c in word.chars() {
        match latin_lowercase(c) {
            Some(lower) => out.push(lower),
            None => out.extend(c.to_lowercase()),
        }
    }
}

/// Latin-1 Supplement to Latin Extended-B.
const LATIN: std::ops::Range<u32> = 0x00C0..0x0250;
/// Latin Extended Additional (Vietnamese letters with two marks).
const LATIN_ADDITIONAL: std::ops::Range<u32> = 0x1E00..0x1F00;

/// The lower case of a letter of the Latin blocks Vietnamese is written in, from a table built
/// once (the general Unicode lookup costs more than the rest of indexing a word); `None` for
/// other characters and for the few whose lower case is not one character.
fn latin_lowercase(c: char) -> Option<char> {
    static TABLE: std::sync::OnceLock<Vec<Option<char>>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        LATIN
            .chain(LATIN_ADDITIONAL)
            .map(|code| {
                let mut lower = char::from_u32(code)?.to_lowercase();
                match (lower.next(), lower.next()) {
                    (Some(one), None) => Some(one),
                    _ => None,
                }
            })
            .collect()
    });
    let code = c as u32;
    let index = if LATIN.contains(&code) {
        code - LATIN.start
    } else if LATIN_ADDITIONAL.contains(&code) {
        code - LATIN_ADDITIONAL.start + LATIN.len() as u32
    } else {
        return None;
    };
    table[index as usize]
}

/// Appends the lower-case, diacritic-free form of `word`.
fn push_folded(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    for c in word.chars() {
        // Folding first turns a Vietnamese letter into an ASCII one, lower-cased cheaply.
        let folded = dulieu_core::text::fold_char(c);
        if folded.is_ascii() {
            out.push(folded.to_ascii_lowercase());
            continue;
        }
        for lower in folded.to_lowercase() {
            if !is_combining_mark(lower) {
                out.push(dulieu_core::text::fold_char(lower));
            }
        }
    }
}

/// The words of `text` (expected in NFC; see [`normalize`]).
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    scan(text, |start, end, joined| {
        let piece = &text[start..end];
        let mut exact = String::with_capacity(piece.len());
        let mut folded = String::with_capacity(piece.len());
        push_exact(piece, &mut exact);
        push_folded(piece, &mut folded);
        out.push(Word {
            start,
            end,
            exact,
            folded,
            joined_to_previous: joined,
        });
    });
    out
}

/// Calls `each(start, end, folded)` for every word of `text` (expected in NFC) whose folded form
/// may begin with a letter `may_begin` accepts (asked only for ASCII letters and digits; words are
/// folded only once accepted), with the folded form in a buffer reused from word to word.
pub(crate) fn each_folded_word(
    text: &str,
    may_begin: impl Fn(u8) -> bool,
    mut each: impl FnMut(usize, usize, &str),
) {
    let mut folded = String::new();
    scan(text, |start, end, _| {
        let word = &text[start..end];
        let first = word.chars().next().map(dulieu_core::text::fold_char);
        if let Some(first) = first.filter(char::is_ascii)
            && !may_begin(first.to_ascii_lowercase() as u8)
        {
            return;
        }
        folded.clear();
        push_folded(word, &mut folded);
        each(start, end, &folded);
    });
}

/// The terms of `text` in one form, as the index stores them.
pub fn terms(text: &str, form: Form) -> Vec<String> {
    let mut tokens = TokenBuffer::default();
    analyze(&normalize(text), form, &mut tokens);
    tokens.as_slice().iter().map(|t| t.text.clone()).collect()
}

/// The tokens of one text; kept from text to text, so their strings are reused rather than
/// allocated for every word indexed.
#[derive(Clone, Default)]
struct TokenBuffer {
    tokens: Vec<Token>,
    len: usize,
}

impl TokenBuffer {
    fn clear(&mut self) {
        self.len = 0;
    }

    /// The next token, its text empty.
    fn push(&mut self, offset_from: usize, offset_to: usize, position: usize) -> &mut String {
        if self.len == self.tokens.len() {
            self.tokens.push(Token::default());
        }
        let token = &mut self.tokens[self.len];
        self.len += 1;
        token.offset_from = offset_from;
        token.offset_to = offset_to;
        token.position = position;
        token.position_length = 1;
        token.text.clear();
        &mut token.text
    }

    fn as_slice(&self) -> &[Token] {
        &self.tokens[..self.len]
    }
}

fn analyze(text: &str, form: Form, tokens: &mut TokenBuffer) {
    let mut position = 0;
    // For pairs: the previous word (folded) and where it began, and the current word.
    let mut previous = String::new();
    let mut previous_start: Option<usize> = None;
    let mut current = String::new();
    scan(text, |start, end, joined| {
        let piece = &text[start..end];
        match form {
            Form::Exact => {
                push_exact(piece, tokens.push(start, end, position));
                position += 1;
            }
            Form::Folded => {
                push_folded(piece, tokens.push(start, end, position));
                position += 1;
            }
            Form::Pairs => {
                current.clear();
                push_folded(piece, &mut current);
                if let Some(first_start) = previous_start
                    && joined
                {
                    let pair = tokens.push(first_start, end, position);
                    pair.push_str(&previous);
                    pair.push(' ');
                    pair.push_str(&current);
                    position += 1;
                }
                std::mem::swap(&mut previous, &mut current);
                previous_start = Some(start);
            }
        }
    });
}

/// The pair term of two adjacent folded words.
pub fn pair_term(first: &str, second: &str) -> String {
    let mut term = String::with_capacity(first.len() + second.len() + 1);
    term.push_str(first);
    term.push(' ');
    term.push_str(second);
    term
}

/// The tantivy tokenizer producing one [`Form`] (input must be NFC; the index normalises first).
#[derive(Clone)]
pub struct VietnameseTokenizer {
    form: Form,
    tokens: TokenBuffer,
}

impl VietnameseTokenizer {
    /// A tokenizer for one form.
    pub fn new(form: Form) -> Self {
        Self {
            form,
            tokens: TokenBuffer::default(),
        }
    }
}

impl Tokenizer for VietnameseTokenizer {
    type TokenStream<'a> = Tokens<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens<'a> {
        self.tokens.clear();
        analyze(text, self.form, &mut self.tokens);
        let len = self.tokens.len;
        Tokens {
            tokens: &mut self.tokens.tokens[..len],
            next: 0,
        }
    }
}

/// The tokens of one text.
pub struct Tokens<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl TokenStream for Tokens<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// The English analyzer: words, lower case, Snowball English stemming.
pub fn english() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The stemmed English form of one word (empty when it has none).
pub fn english_stem(analyzer: &mut TextAnalyzer, word: &str) -> String {
    let mut stream = analyzer.token_stream(word);
    if stream.advance() {
        stream.token().text.clone()
    } else {
        String::new()
    }
}

/// Registers the analyzers under their names in `index`.
pub fn register(index: &Index) {
    let manager = index.tokenizers();
    manager.register(
        EXACT,
        TextAnalyzer::from(VietnameseTokenizer::new(Form::Exact)),
    );
    manager.register(
        FOLDED,
        TextAnalyzer::from(VietnameseTokenizer::new(Form::Folded)),
    );
    manager.register(
        PAIRS,
        TextAnalyzer::from(VietnameseTokenizer::new(Form::Pairs)),
    );
    manager.register(ENGLISH, english());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_ha_noi_folds_to_the_same_terms() {
        for text in [
            "ha noi",
            "Ha Noi",
            "hà nội",
            "HÀ NỘI",
            "ha\u{300} no\u{323}\u{302}i",
        ] {
            assert_eq!(terms(text, Form::Folded), ["ha", "noi"], "{text:?}");
        }
        assert_eq!(terms("Đồng Nai", Form::Folded), ["dong", "nai"]);
        assert_eq!(terms("HÀ NỘI", Form::Exact), ["hà", "nội"]);
        assert_eq!(
            terms("hà nội", Form::Exact),
            terms("ha\u{300} no\u{323}\u{302}i", Form::Exact)
        );
    }

    #[test]
    fn pairs_join_adjacent_words_but_not_across_punctuation() {
        assert_eq!(
            terms("Ngân sách nhà nước", Form::Pairs),
            ["ngan sach", "sach nha", "nha nuoc"]
        );
        assert_eq!(
            terms("ngân sách, dân số", Form::Pairs),
            ["ngan sach", "dan so"]
        );
        assert_eq!(terms("kinh-tế", Form::Pairs), ["kinh te"]);
        assert!(terms("một", Form::Pairs).is_empty());
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Dân số 2019";
        let found = words(text);
        let pieces: Vec<&str> = found.iter().map(|w| &text[w.start..w.end]).collect();
        assert_eq!(pieces, ["Dân", "số", "2019"]);
    }

    #[test]
    fn long_runs_and_symbols_are_not_words() {
        let noise = "x".repeat(MAX_WORD_BYTES + 1);
        assert_eq!(
            terms(&format!("{noise} a+b \"c\" ☃"), Form::Folded),
            ["a", "b", "c"]
        );
        assert!(terms("\u{0}\u{7}  ", Form::Folded).is_empty());
    }

    #[test]
    fn table_lowercasing_and_folding_agree_with_the_general_ones() {
        let letters = ('\u{80}'..='\u{2ff}').chain('\u{1e00}'..='\u{1eff}');
        for c in letters {
            let mut exact = String::new();
            push_exact(&c.to_string(), &mut exact);
            assert_eq!(exact, c.to_lowercase().collect::<String>(), "{c:?}");
            let mut folded = String::new();
            push_folded(&c.to_string(), &mut folded);
            let general: String = c
                .to_lowercase()
                .filter(|l| !is_combining_mark(*l))
                .map(dulieu_core::text::fold_char)
                .collect();
            assert_eq!(folded, general, "{c:?}");
        }
    }

    #[test]
    fn english_is_stemmed() {
        let mut analyzer = english();
        assert_eq!(english_stem(&mut analyzer, "Budgets"), "budget");
        assert_eq!(english_stem(&mut analyzer, "statistics"), "statist");
    }
}
