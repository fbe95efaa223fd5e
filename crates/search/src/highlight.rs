//! Highlighted snippets: the words of a text that match the query, wrapped in `<mark>`.
//!
//! Matching uses the same analysis as the index (folded forms), so `ngan sach` marks `Ngân sách`;
//! the last word of an as-you-type query marks words it begins, and words of five letters or more
//! mark words one edit away. The output is HTML: the text is escaped, only `<mark>` is added.

use crate::analyzer::{self, normalize};
use crate::query::QueryText;

/// What to mark.
pub(crate) struct Matcher {
    /// Folded words, and whether a word one edit away also matches (typed without accents).
    words: Vec<(String, bool)>,
    prefix: Option<String>,
}

impl Matcher {
    pub fn new(query: &QueryText) -> Self {
        let mut words: Vec<(String, bool)> = query
            .words
            .iter()
            .map(|w| (w.folded.clone(), w.typos))
            .collect();
        let prefix = if query.last_is_prefix {
            words.pop().map(|(w, _)| w)
        } else {
            None
        };
        Self { words, prefix }
    }

    fn is_empty(&self) -> bool {
        self.words.is_empty() && self.prefix.is_none()
    }

    /// Whether a word whose folded form begins with the ASCII `first` may match: it begins like
    /// a query word or the prefix, or a query word allows a typo (maybe in its first letter).
    fn may_begin(&self, first: u8) -> bool {
        let begins = |w: &str| w.as_bytes().first() == Some(&first);
        self.prefix.as_deref().is_some_and(begins)
            || self.words.iter().any(|(w, fuzzy)| *fuzzy || begins(w))
    }

    fn matches(&self, folded: &str) -> bool {
        self.prefix
            .as_deref()
            .is_some_and(|p| folded.starts_with(p))
            || self
                .words
                .iter()
                .any(|(w, fuzzy)| w == folded || (*fuzzy && within_one_edit(w, folded)))
    }
}

/// True when `a` and `b` differ by at most one inserted, deleted, substituted or swapped letter.
pub(crate) fn within_one_edit(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return within_one_edit_of(a.as_bytes(), b.as_bytes());
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    within_one_edit_of(&a, &b)
}

fn within_one_edit_of<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let common_prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if common_prefix == short.len() {
        return true; // equal, or one letter appended
    }
    let rest_short = &short[common_prefix..];
    let rest_long = &long[common_prefix..];
    if short.len() == long.len() {
        rest_short[1..] == rest_long[1..]
            || (rest_short.len() >= 2
                && rest_short[0] == rest_long[1]
                && rest_short[1] == rest_long[0]
                && rest_short[2..] == rest_long[2..])
    } else {
        rest_short == &rest_long[1..]
    }
}

fn escape_into(out: &mut String, text: &str) {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// The text (or a window of about `max_chars` characters around the first match) as HTML with the
/// matching words marked; `None` when no word matches.
pub(crate) fn highlight(text: &str, matcher: &Matcher, max_chars: Option<usize>) -> Option<String> {
    if matcher.is_empty() {
        return None;
    }
    let text = normalize(text);
    let mut marked: Vec<(usize, usize)> = Vec::new();
    analyzer::each_folded_word(
        &text,
        |first| matcher.may_begin(first),
        |start, end, folded| {
            if matcher.matches(folded) {
                marked.push((start, end));
            }
        },
    );
    let first = marked.first()?.0;
    let (start, end) = match max_chars {
        Some(max) => window(&text, first, max),
        None => (0, text.len()),
    };
    let mut out = String::with_capacity(end - start + 32);
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for (s, e) in marked.into_iter().filter(|(s, e)| *s >= start && *e <= end) {
        escape_into(&mut out, &text[at..s]);
        out.push_str("<mark>");
        escape_into(&mut out, &text[s..e]);
        out.push_str("</mark>");
        at = e;
    }
    escape_into(&mut out, &text[at..end]);
    if end < text.len() {
        out.push('…');
    }
    Some(out)
}

/// A window of at most `max` characters containing the byte offset `focus`, starting a little
/// before it, cut at spaces.
fn window(text: &str, focus: usize, max: usize) -> (usize, usize) {
    let lead = max / 4;
    let before: Vec<usize> = text[..focus].char_indices().map(|(i, _)| i).collect();
    let mut start = before.len().checked_sub(lead).map_or(0, |i| before[i]);
    if start > 0 {
        start = text[start..focus]
            .find(' ')
            .map_or(start, |space| start + space + 1);
    }
    let mut end = text[start..]
        .char_indices()
        .nth(max)
        .map_or(text.len(), |(i, _)| start + i);
    if end < text.len()
        && let Some(space) = text[start..end].rfind(' ')
        && start + space > focus
    {
        end = start + space;
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(q: &str) -> Matcher {
        Matcher::new(&QueryText::parse(q))
    }

    #[test]
    fn marks_folded_matches_and_escapes() {
        assert_eq!(
            highlight("Ngân sách <nhà nước>", &matcher("ngan sach "), None).unwrap(),
            "<mark>Ngân</mark> <mark>sách</mark> &lt;nhà nước&gt;"
        );
        assert!(highlight("Dân số", &matcher("ngân "), None).is_none());
    }

    #[test]
    fn marks_prefixes_and_typos() {
        assert_eq!(
            highlight("Thống kê dân số", &matcher("dân s"), None).unwrap(),
            "Thống kê <mark>dân</mark> <mark>số</mark>"
        );
        assert_eq!(
            highlight("population census", &matcher("populaton "), None).unwrap(),
            "<mark>population</mark> census"
        );
    }

    #[test]
    fn long_text_is_cut_around_the_first_match() {
        let text = format!("{} ngân sách {}", "mở đầu ".repeat(100), "kết ".repeat(100));
        let out = highlight(&text, &matcher("ngan sach "), Some(80)).unwrap();
        assert!(out.starts_with('…') && out.ends_with('…'), "{out}");
        assert!(out.contains("<mark>ngân</mark> <mark>sách</mark>"));
        assert!(out.chars().count() < 140, "{out}");
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("budget", "budgets"));
        assert!(within_one_edit("budget", "bugdet"));
        assert!(within_one_edit("budget", "budgot"));
        assert!(within_one_edit("budget", "budet"));
        assert!(!within_one_edit("budget", "bdgt"));
        assert!(!within_one_edit("budget", "gudbet"));
    }
}
